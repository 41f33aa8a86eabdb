//! Schemas: component schemas claimed by name and lowered once; `$ref`s resolved to the component's type (or,
//! for a pointer elsewhere into the document, lowered inline); scalars, formats, enums, arrays and maps
//! mapped to [`TypeRef`]s, and the schemas that need a named type dispatched to structs, unions and merge.

use super::*;

impl<'a> ApiLowerer<'a> {
    pub(super) fn lower_component(&mut self, name: &str, schema: &ReferenceOr<Schema>) {
        if !self.lowered.insert(name.to_owned()) {
            return;
        }
        let Some(&id) = self.components.get(name) else {
            return;
        };
        let rust = self.types.name(id).to_owned();
        let pointer = crate::diag::pointer(["components", "schemas", name]);
        self.in_progress.insert(name.to_owned());
        let ty = match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, &pointer),
            ReferenceOr::Item(s) => {
                self.lower_schema(s, Naming::Fixed(id, rust.clone()), &pointer, name)
            }
        };
        self.in_progress.remove(name);
        if ty != TypeRef::Named(id) {
            let (doc, deprecated) = match schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.as_deref().map(doc_text),
                    s.schema_data.deprecated,
                ),
                ReferenceOr::Reference { .. } => (None, false),
            };
            self.push_type(
                name,
                id,
                &pointer,
                doc,
                deprecated,
                TypeKind::Alias { target: ty },
            );
        }
    }

    /// The component schema a `#/components/schemas/NAME` reference names, if it exists and is not
    /// itself a reference.
    pub(super) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let api: &'a OpenAPI = self.api;
        let name = crate::diag::component_ref_name(reference, "schemas")?;
        api.components.as_ref()?.schemas.get(&name)?.as_item()
    }

    pub(super) fn resolve_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(name) = crate::diag::component_ref_name(reference, "schemas") {
            if let Some(&id) = self.components.get(&name) {
                return TypeRef::Named(id);
            }
            let hint = crate::locate::closest(&name, self.components.keys().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            self.error(
                pointer,
                format!("`$ref` to `{reference}`, which does not exist{hint}"),
            );
            return TypeRef::Json;
        }
        // A reference elsewhere into the document: resolve it by pointer and lower it inline.
        if let Some(ptr) = reference.strip_prefix('#')
            && let Some(target) = self.spec.raw.pointer(ptr).cloned()
            && let Ok(schema) = serde_json::from_value::<Schema>(target)
        {
            let hint = reference.rsplit('/').next().unwrap_or("Ref").to_owned();
            return self.lower_schema(
                &schema,
                Naming::Context(sanitize(&hint, Case::Pascal)),
                pointer,
                &hint,
            );
        }
        self.error(pointer, format!("cannot resolve `$ref` `{reference}`"));
        TypeRef::Json
    }

    pub(super) fn schema_or_ref(
        &mut self,
        s: &ReferenceOr<Schema>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => {
                let wire = naming.hint().to_owned();
                self.lower_schema(schema, naming, pointer, &wire)
            }
        }
    }

    pub(super) fn boxed_schema_or_ref(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => {
                let wire = naming.hint().to_owned();
                self.lower_schema(schema, naming, pointer, &wire)
            }
        }
    }

    /// The id and Rust name of the type `naming` names: a component's (claimed up front), or a context
    /// name claimed now.
    pub(super) fn name_for(&mut self, naming: &Naming, pointer: &str) -> (TypeId, String) {
        match naming {
            Naming::Fixed(id, rust) => (*id, rust.clone()),
            Naming::Context(wanted) => {
                let rust = self.claim_type(wanted, pointer);
                (self.types.reserve(&rust), rust)
            }
        }
    }

    /// Lowers a schema; defines a named type when the schema needs one.
    pub(super) fn lower_schema(
        &mut self,
        schema: &Schema,
        naming: Naming,
        pointer: &str,
        wire: &str,
    ) -> TypeRef {
        let data = &schema.schema_data;
        let doc = data.description.as_deref().map(doc_text);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    let (id, _) = self.name_for(&naming, pointer);
                    let variants = self.enum_variants(&values, pointer);
                    self.push_type(
                        wire,
                        id,
                        pointer,
                        doc,
                        data.deprecated,
                        TypeKind::StringEnum { variants },
                    );
                    return TypeRef::Named(id);
                }
                match string_format_text(&s.format) {
                    "binary" => TypeRef::Bytes,
                    "" => TypeRef::String(None),
                    format => TypeRef::String(Some(format.to_owned())),
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if !values.is_empty() {
                    let (id, _) = self.name_for(&naming, pointer);
                    let mut scope = Scope::new(["Unknown"]);
                    let mut variants = Vec::new();
                    for v in &values {
                        let wanted = sanitize(
                            &format!("V{}", v.to_string().replace('-', "Minus")),
                            Case::Pascal,
                        );
                        variants.push(IntVariant {
                            value: *v,
                            rust: self.claim(
                                &mut scope,
                                &wanted,
                                &format!("enum value `{v}`: variant"),
                                pointer,
                            ),
                        });
                    }
                    self.push_type(
                        wire,
                        id,
                        pointer,
                        doc,
                        data.deprecated,
                        TypeKind::IntEnum { variants },
                    );
                    return TypeRef::Named(id);
                }
                if i.enumeration.iter().any(Option::is_none)
                    && i.enumeration.iter().all(Option::is_none)
                    && !i.enumeration.is_empty()
                {
                    self.warn(
                        pointer,
                        "integer enum whose only value is null: generated as a plain integer",
                    );
                }
                match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                    _ => TypeRef::I64,
                }
            }
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => {
                let item_naming = Naming::Context(format!("{}Item", naming.hint()));
                let item = match &a.items {
                    Some(items) => {
                        self.boxed_schema_or_ref(items, item_naming, &child(pointer, "items"))
                    }
                    None => TypeRef::Json,
                };
                TypeRef::List(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return match &o.additional_properties {
                        Some(AdditionalProperties::Schema(s)) => {
                            let value_naming = Naming::Context(format!("{}Value", naming.hint()));
                            TypeRef::Map(Box::new(self.schema_or_ref(
                                s,
                                value_naming,
                                &child(pointer, "additionalProperties"),
                            )))
                        }
                        Some(AdditionalProperties::Any(true)) => {
                            TypeRef::Map(Box::new(TypeRef::Json))
                        }
                        _ => TypeRef::Json,
                    };
                }
                let (id, rust) = self.name_for(&naming, pointer);
                let kind = self.lower_struct(
                    &rust,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    pointer,
                );
                self.push_type(wire, id, pointer, doc, data.deprecated, kind);
                TypeRef::Named(id)
            }
            SchemaKind::OneOf { one_of } => {
                self.lower_union(one_of, data, naming, pointer, wire, "oneOf")
            }
            SchemaKind::AnyOf { any_of } => {
                self.lower_union(any_of, data, naming, pointer, wire, "anyOf")
            }
            SchemaKind::AllOf { all_of } => {
                self.lower_all_of(all_of, naming, pointer, wire, doc, data.deprecated)
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() {
                    let (id, rust) = self.name_for(&naming, pointer);
                    let kind = self.lower_struct(
                        &rust,
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        pointer,
                    );
                    self.push_type(wire, id, pointer, doc, data.deprecated, kind);
                    return TypeRef::Named(id);
                }
                TypeRef::Json
            }
            SchemaKind::Not { .. } => {
                self.warn(pointer, "`not` schemas cannot be expressed in Rust types: generated as `serde_json::Value`");
                TypeRef::Json
            }
        }
    }

    /// Defines the type `id` (named by [`Self::name_for`]).
    pub(super) fn push_type(
        &mut self,
        wire: &str,
        id: TypeId,
        pointer: &str,
        doc: Option<String>,
        deprecated: bool,
        kind: TypeKind,
    ) {
        let rust = self.types.name(id).to_owned();
        self.types.define(
            id,
            TypeDef {
                name: Name {
                    wire: wire.to_owned(),
                    rust,
                },
                pointer: pointer.to_owned(),
                doc,
                deprecated,
                allow_deprecated: false,
                kind,
            },
        );
    }

    pub(super) fn enum_variants(&mut self, values: &[String], pointer: &str) -> Vec<Variant> {
        let mut scope = Scope::new(["Unknown"]);
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for v in values {
            if !seen.insert(v.clone()) {
                self.warn(pointer, format!("duplicate enum value `{v}` ignored"));
                continue;
            }
            let rust = self.claim(
                &mut scope,
                &sanitize(v, Case::Pascal),
                &format!("enum value `{v}`: variant"),
                pointer,
            );
            out.push(Variant {
                name: Name {
                    wire: v.clone(),
                    rust,
                },
            });
        }
        out
    }
}

pub(in crate::lower) fn string_format_name(f: &StringFormat) -> &'static str {
    match f {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

/// The `format` of a string schema as written, `""` when there is none.
pub(in crate::lower) fn string_format_text(f: &VariantOrUnknownOrEmpty<StringFormat>) -> &str {
    match f {
        VariantOrUnknownOrEmpty::Item(f) => string_format_name(f),
        VariantOrUnknownOrEmpty::Unknown(f) => f,
        VariantOrUnknownOrEmpty::Empty => "",
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, fields, lower_yaml, named, ty};

    #[test]
    fn property_schemas_map_to_type_refs() {
        let table: &[(&str, TypeRef)] = &[
            ("{type: string}", TypeRef::String(None)),
            (
                "{type: string, format: date-time}",
                TypeRef::String(Some("date-time".into())),
            ),
            ("{type: string, format: binary}", TypeRef::Bytes),
            ("{type: integer, format: int32}", TypeRef::I32),
            ("{type: integer}", TypeRef::I64),
            ("{type: number, format: float}", TypeRef::F32),
            ("{type: number}", TypeRef::F64),
            ("{type: boolean}", TypeRef::Bool),
            ("{}", TypeRef::Json),
            (
                "{type: array, items: {type: string}}",
                TypeRef::List(Box::new(TypeRef::String(None))),
            ),
            (
                "{type: object, additionalProperties: {type: integer}}",
                TypeRef::Map(Box::new(TypeRef::I64)),
            ),
        ];
        for (schema, expected) in table {
            let yaml = doc(
                "",
                &format!(
                    "  Holder:\n    type: object\n    properties:\n      p: {schema}\n  Other: {{type: object}}"
                ),
            );
            let (api, _) = lower_yaml(&yaml);
            assert_eq!(&fields(&api, "Holder")[0].ty, expected, "{schema}");
        }
        let yaml = doc(
            "",
            "  Holder:\n    type: object\n    properties:\n      p: {$ref: '#/components/schemas/Other'}\n  Other: {type: object}",
        );
        let (api, _) = lower_yaml(&yaml);
        assert_eq!(fields(&api, "Holder")[0].ty, named(&api, "Other"));
    }

    #[test]
    fn enums_get_variants_and_a_component_ref_is_an_alias() {
        let yaml = doc(
            "",
            "  Color: {type: string, enum: [dark-red, blue]}\n  Code: {type: integer, enum: [1, -1]}\n  Shade: {$ref: '#/components/schemas/Color'}",
        );
        let (api, warnings) = lower_yaml(&yaml);
        assert!(warnings.is_empty(), "{warnings:?}");
        let TypeKind::StringEnum { variants } = &ty(&api, "Color").kind else {
            panic!("string enum")
        };
        let names: Vec<(&str, &str)> = variants
            .iter()
            .map(|v| (v.name.wire.as_str(), v.name.rust.as_str()))
            .collect();
        assert_eq!(names, [("dark-red", "DarkRed"), ("blue", "Blue")]);
        let TypeKind::IntEnum { variants } = &ty(&api, "Code").kind else {
            panic!("int enum")
        };
        let names: Vec<(i64, &str)> = variants
            .iter()
            .map(|v| (v.value, v.rust.as_str()))
            .collect();
        assert_eq!(names, [(1, "V1"), (-1, "VMinus1")]);
        assert_eq!(
            ty(&api, "Shade").kind,
            TypeKind::Alias {
                target: named(&api, "Color")
            }
        );
    }

    #[test]
    fn an_unresolvable_ref_is_a_located_error() {
        let yaml = doc(
            "",
            "  Holder:\n    type: object\n    properties:\n      p: {$ref: '#/components/schemas/Missing'}",
        );
        let spec =
            crate::load::load_bytes(yaml.as_bytes(), std::path::Path::new("t.yaml"), "t.yaml");
        // The loader or lowering refuses it, naming the place and the target.
        let text = match spec {
            Err(d) => d.to_string(),
            Ok(spec) => crate::lower::lower(std::slice::from_ref(&spec), "t", "0")
                .1
                .to_string(),
        };
        assert!(
            text.contains("Missing") && text.contains("t.yaml"),
            "{text}"
        );
    }
}
