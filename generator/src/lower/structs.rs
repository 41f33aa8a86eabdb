//! Objects become structs: one field per property (name claimed in the struct's scope, presence from
//! `required` and `nullable`, `readOnly`/`writeOnly`, inferred and sensitive marks), `additionalProperties`
//! next to known fields as a flattened map, and how users construct the struct.

use super::*;

impl SchemaLowerer<'_> {
    pub(super) fn lower_struct(
        &mut self,
        parent: &str,
        properties: &indexmap_like::Props,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &str,
    ) -> TypeKind {
        self.lower_struct_at(
            parent,
            properties,
            required,
            additional,
            pointer,
            &BTreeMap::new(),
        )
    }

    /// As [`Self::lower_struct`], with the pointers of properties defined elsewhere than under
    /// `pointer`'s `properties` (an `allOf`'s parts).
    pub(super) fn lower_struct_at(
        &mut self,
        parent: &str,
        properties: &indexmap_like::Props,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        origins: &BTreeMap<String, String>,
    ) -> TypeKind {
        let mut scope = Scope::new(Vec::<String>::new());
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let field_pointer = origins
                .get(wire)
                .cloned()
                .unwrap_or_else(|| child(&child(pointer, "properties"), wire));
            let rust = self.claim(
                &mut scope,
                &sanitize(wire, Case::Snake),
                "field",
                &field_pointer,
            );
            let context = format!(
                "{parent}{}",
                sanitize(wire, Case::Pascal).trim_start_matches("r#")
            );
            let ty = self.schema_or_ref(prop, Naming::Context(context), &field_pointer);
            let (nullable, doc, deprecated, read_only, write_only) = self.property_meta(prop);
            let default = match prop {
                ReferenceOr::Item(schema) => {
                    schema.schema_data.default.as_ref().map(Value::to_string)
                }
                ReferenceOr::Reference { .. } => None,
            };
            let inferred = is_inferred(&self.doc.profile.extensions, prop);
            let is_required = required.iter().any(|r| r == wire);
            let presence = match (is_required, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            fields.push(Field {
                name: Name {
                    wire: wire.to_string(),
                    rust,
                },
                pointer: field_pointer,
                ty,
                presence,
                boxed: false,
                doc,
                deprecated,
                read_only,
                write_only,
                inferred,
                relaxed: false,
                sensitive: matches!(prop, ReferenceOr::Item(s) if is_sensitive_schema(&self.doc.profile.extensions, s)),
                default,
            });
        }
        for r in required {
            if !properties.contains_key(r) {
                self.degrade(
                    pointer,
                    Degradation::Dropped,
                    format!("`required` names `{r}`, which is not a property; ignored"),
                );
            }
        }
        let additional_ty = match additional {
            Some(AdditionalProperties::Schema(s)) => Some(self.element(
                s,
                Naming::Context(format!("{parent}Value")),
                &child(pointer, "additionalProperties"),
            )),
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        let additional = additional_ty.map(|ty| AdditionalField {
            rust: self.claim(
                &mut scope,
                "additional_properties",
                "field for `additionalProperties`",
                &child(pointer, "additionalProperties"),
            ),
            ty,
        });
        let construct = construct_for(&fields);
        TypeKind::Struct {
            fields,
            additional,
            construct,
            // Decided by the directions pass, which knows where the type travels.
            non_exhaustive: false,
        }
    }

    /// Nullable, docs and flags of a property, looking through a `$ref` for nullability.
    pub(super) fn property_meta(
        &self,
        prop: &ReferenceOr<Box<Schema>>,
    ) -> (bool, Option<String>, bool, bool, bool) {
        match prop {
            ReferenceOr::Item(s) => {
                let d = &s.schema_data;
                let nullable = self.schema_nullable(s);
                let doc = d.description.as_deref().or_else(|| {
                    d.extensions
                        .get("x-ref-description")
                        .and_then(Value::as_str)
                });
                (
                    nullable,
                    doc.map(doc_text),
                    d.deprecated,
                    d.read_only,
                    d.write_only,
                )
            }
            ReferenceOr::Reference { reference } => {
                let nullable = self
                    .component_schema(reference)
                    .is_some_and(|s| self.schema_nullable(s));
                (nullable, None, false, false, false)
            }
        }
    }
}

/// How a struct is built: `Default` without required fields, `new(..)` with a few, a literal beyond.
pub(in crate::lower) fn construct_for(fields: &[Field]) -> Construct {
    let required_count = fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        .count();
    match required_count {
        0 => Construct::Default,
        1..=7 => Construct::New,
        _ => Construct::Literal,
    }
}

/// Whether a property carries the profile's inferred extension (`x-klarna-inferred: true`) on the
/// property itself, which for a `$ref` property is the `allOf: [{$ref}]` wrapper around it.
pub(in crate::lower) fn is_inferred(keys: &ExtensionKeys, prop: &ReferenceOr<Box<Schema>>) -> bool {
    match prop {
        ReferenceOr::Item(s) => Profile::flag(&keys.inferred, &s.schema_data.extensions),
        ReferenceOr::Reference { .. } => false,
    }
}

/// Whether a property's or parameter's schema is sensitive: marked with the profile's sensitive
/// extension (`x-klarna-sensitive: true`; for a `$ref` property, on the `allOf: [{$ref}]` wrapper around
/// it), or a `format: password` string.
pub(in crate::lower) fn is_sensitive_schema(keys: &ExtensionKeys, schema: &Schema) -> bool {
    Profile::flag(&keys.sensitive, &schema.schema_data.extensions)
        || matches!(
            &schema.schema_kind,
            SchemaKind::Type(Type::String(st))
                if st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        )
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, fields, lower_yaml, ty};

    #[test]
    fn presence_follows_required_and_nullable() {
        let table: &[(bool, bool, Presence)] = &[
            (true, false, Presence::Required),
            (true, true, Presence::RequiredNullable),
            (false, false, Presence::Optional),
            (false, true, Presence::OptionalNullable),
        ];
        for (required, nullable, expected) in table {
            let yaml = doc(
                "",
                &format!(
                    "  S:\n    type: object\n    required: [{}]\n    properties:\n      a: {{type: string, nullable: {nullable}}}\n      b: {{type: string}}",
                    if *required { "a" } else { "b" }
                ),
            );
            let (api, _) = lower_yaml(&yaml);
            assert_eq!(
                fields(&api, "S")[0].presence,
                *expected,
                "required {required}, nullable {nullable}"
            );
        }
    }

    #[test]
    fn construction_depends_on_the_number_of_required_fields() {
        let table: &[(usize, Construct)] = &[
            (0, Construct::Default),
            (1, Construct::New),
            (7, Construct::New),
            (8, Construct::Literal),
        ];
        for (count, expected) in table {
            let names: Vec<String> = (0..8).map(|i| format!("f{i}")).collect();
            let props: String = names
                .iter()
                .map(|n| format!("      {n}: {{type: string}}\n"))
                .collect();
            let yaml = doc(
                "",
                &format!(
                    "  S:\n    type: object\n    required: [{}]\n    properties:\n{props}",
                    names[..*count].join(", ")
                ),
            );
            let (api, _) = lower_yaml(&yaml);
            let TypeKind::Struct { construct, .. } = &ty(&api, "S").kind else {
                panic!("struct")
            };
            assert_eq!(construct, expected, "{count} required");
        }
    }

    #[test]
    fn field_names_marks_and_the_additional_properties_map() {
        let yaml = doc(
            "",
            "  S:\n    type: object\n    properties:\n      type: {type: string}\n      Token: {type: string, x-klarna-sensitive: true}\n      guess: {type: string, x-klarna-inferred: true}\n      pw: {type: string, format: password, readOnly: true}\n    additionalProperties: {type: integer}",
        );
        let (api, _) = lower_yaml(&yaml);
        let f = fields(&api, "S");
        let rows: Vec<(&str, &str, bool, bool, bool)> = f
            .iter()
            .map(|f| {
                (
                    f.name.wire.as_str(),
                    f.name.rust.as_str(),
                    f.sensitive,
                    f.inferred,
                    f.read_only,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("type", "r#type", false, false, false),
                ("Token", "token", true, false, false),
                ("guess", "guess", false, true, false),
                ("pw", "pw", true, false, true),
            ]
        );
        let TypeKind::Struct { additional, .. } = &ty(&api, "S").kind else {
            panic!("struct")
        };
        assert_eq!(
            additional,
            &Some(AdditionalField {
                rust: "additional_properties".into(),
                ty: TypeRef::I64
            })
        );
    }
}
