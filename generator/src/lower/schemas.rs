//! Schemas: scalars, formats, enums, arrays and maps mapped to [`TypeRef`]s, and the schemas that need a
//! named type dispatched to structs, unions and merge; a discriminated base becomes the tagged enum of
//! its subtypes (components and `$ref`s: `refs.rs`; spelling enum values for names: `enums.rs`).

use openapiv3::AnySchema;

use super::enums::{spell_signs, spell_symbols};
use super::merge::OwnObject;
use super::*;

impl<'a> SchemaLowerer<'a> {
    /// Lowers the schema of a list's items or a map's values: [`TypeRef::OrNull`] of its type when the
    /// schema (or the component it names) allows `null`, since a `Vec<T>` or a map of `T` would refuse
    /// `[null, ..]`. `Value` takes `null` as it is.
    pub(super) fn element<S: std::borrow::Borrow<Schema>>(
        &mut self,
        s: &ReferenceOr<S>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        let ty = self.schema_or_ref(s, naming, pointer);
        let nullable = match s {
            ReferenceOr::Item(s) => self.schema_nullable(s.borrow()),
            ReferenceOr::Reference { reference } => self
                .component_schema(reference)
                .is_some_and(|s| self.schema_nullable(s)),
        };
        if nullable && ty != TypeRef::Json {
            TypeRef::OrNull(Box::new(ty))
        } else {
            ty
        }
    }

    /// A `discriminator` beside `type: array` (OpenAI's `outputs: {type: array, items: {oneOf: [..],
    /// discriminator: ..}, discriminator: ..}`) describes the items, never a list: it is nothing lost
    /// when the items carry a discriminator of their own, and it tags an items union that has none.
    /// Items of another shape cannot use it: that is reported.
    fn lower_array_discriminator(
        &mut self,
        schema: &Schema,
        array: &openapiv3::ArrayType,
        d: &openapiv3::Discriminator,
        naming: Naming,
        pointer: &str,
        wire: &str,
    ) -> TypeRef {
        let mut list = schema.clone();
        list.schema_data.discriminator = None;
        let items = match &array.items {
            Some(ReferenceOr::Item(s)) => Some(std::borrow::Cow::Borrowed(s.as_ref())),
            Some(ReferenceOr::Reference { reference }) => self.resolve_schema(reference),
            None => None,
        };
        let items_union = items.as_ref().is_some_and(|s| {
            matches!(s.schema_kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. })
                || matches!(&s.schema_kind, SchemaKind::Any(a) if a.all_of.is_empty() && !(a.one_of.is_empty() && a.any_of.is_empty()))
        });
        let items_tagged = items
            .as_ref()
            .is_some_and(|s| s.schema_data.discriminator.is_some());
        if items_union && !items_tagged {
            if let (SchemaKind::Type(Type::Array(a)), Some(ReferenceOr::Item(inline))) =
                (&mut list.schema_kind, &array.items)
            {
                let mut tagged = inline.clone();
                tagged.schema_data.discriminator = Some(d.clone());
                a.items = Some(ReferenceOr::Item(tagged));
            } else {
                self.degrade(
                    &child(pointer, "discriminator"),
                    Degradation::Dropped,
                    "`discriminator` beside `type: array` whose items are a `$ref` to a union without one: not applied to the items, which are an untagged union",
                );
            }
        } else if !items_tagged {
            self.degrade(
                &child(pointer, "discriminator"),
                Degradation::Dropped,
                "`discriminator` beside `type: array` whose items are not a `oneOf`/`anyOf`: ignored",
            );
        }
        self.lower_schema(&list, naming, pointer, wire)
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
        let union = match &schema.schema_kind {
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::Any(a) => {
                a.all_of.is_empty() && !(a.one_of.is_empty() && a.any_of.is_empty())
            }
            _ => false,
        };
        if let (Some(d), SchemaKind::Type(Type::Array(a))) =
            (&data.discriminator, &schema.schema_kind)
        {
            return self.lower_array_discriminator(schema, a, d, naming, pointer, wire);
        }
        if data.discriminator.is_some() && !union {
            if let Some(ty) = self.lower_discriminated_base(schema, &naming, pointer, wire) {
                return ty;
            }
            self.degrade(
                &child(pointer, "discriminator"),
                Degradation::Dropped,
                "`discriminator` without `oneOf`/`anyOf` beside it (subtypes that name this schema in their `allOf`) is not generated: the type has the common properties only, not the subtypes",
            );
        }
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
                    let mut seen = BTreeSet::new();
                    for v in &values {
                        if !seen.insert(*v) {
                            self.warn(pointer, format!("duplicate enum value `{v}` listed once"));
                            continue;
                        }
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
                    self.degrade(
                        pointer,
                        Degradation::Dropped,
                        "integer enum whose only value is null: generated as a nullable integer",
                    );
                }
                match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                    // Written by the loader for bounds past `i64` (see `tolerate.rs`), or by the document.
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" => TypeRef::U64,
                    _ => TypeRef::I64,
                }
            }
            SchemaKind::Type(Type::Number(n)) => {
                if n.enumeration.iter().any(Option::is_some) {
                    self.degrade(
                        &child(pointer, "enum"),
                        Degradation::Dropped,
                        "a number `enum` has no Rust enum: generated as a number, its values not checked",
                    );
                }
                match &n.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                    _ => TypeRef::F64,
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => {
                let item_naming = Naming::Context(format!("{}Item", naming.hint()));
                let item = match &a.items {
                    Some(items) => self.element(items, item_naming, &child(pointer, "items")),
                    // No `items`: any value is allowed, which is what `Value` says.
                    None => TypeRef::Json,
                };
                TypeRef::List(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return match &o.additional_properties {
                        Some(AdditionalProperties::Schema(s)) => {
                            let value_naming = Naming::Context(format!("{}Value", naming.hint()));
                            TypeRef::Map(Box::new(self.element(
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
                self.lower_all_of(all_of, None, naming, pointer, wire, doc, data.deprecated)
            }
            SchemaKind::Any(any) => self.lower_any(any, data, naming, pointer, wire),
            SchemaKind::Not { .. } => {
                self.degrade(
                    pointer,
                    Degradation::Untyped,
                    "`not` schemas cannot be expressed in Rust types: generated as `serde_json::Value`",
                );
                TypeRef::Json
            }
        }
    }

    /// A schema whose keywords mix kinds (`openapiv3`'s `Any`): a composition with `type`, `properties`,
    /// `required`, `discriminator` or `nullable` beside it, a `type` with keywords of another type, or
    /// object, array or enum keywords without a `type`. Typed as what its keywords describe; what cannot
    /// be is reported, with what the user gets instead.
    fn lower_any(
        &mut self,
        any: &AnySchema,
        data: &openapiv3::SchemaData,
        naming: Naming,
        pointer: &str,
        wire: &str,
    ) -> TypeRef {
        let doc = data.description.as_deref().map(doc_text);
        if !any.all_of.is_empty() {
            for (keyword, alternatives) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
                if !alternatives.is_empty() {
                    self.degrade(
                        &child(pointer, keyword),
                        Degradation::Dropped,
                        format!("`{keyword}` next to `allOf` is not generated; the type has the fields of the `allOf` parts and its own properties only"),
                    );
                }
            }
            if any.typ.as_deref().is_some_and(|t| t != "object") && !any.properties.is_empty() {
                self.degrade(
                    pointer,
                    Degradation::Dropped,
                    format!(
                        "`type: {}` next to `allOf` and `properties`; generated as an object",
                        any.typ.as_deref().unwrap_or_default()
                    ),
                );
            }
            return self.lower_all_of(
                &any.all_of,
                Some(OwnObject::of(any)),
                naming,
                pointer,
                wire,
                doc,
                data.deprecated,
            );
        }
        if !any.one_of.is_empty() || !any.any_of.is_empty() {
            // `oneOf: [{required: [a]}, {required: [b]}]` beside `properties` only says which of them
            // must be present: the type is the object; the rule is reported, not checked.
            let constraints = any
                .one_of
                .iter()
                .chain(&any.any_of)
                .all(|alt| matches!(alt, ReferenceOr::Item(s) if is_constraint_only(s)));
            if constraints {
                self.warn(
                    pointer,
                    "`oneOf`/`anyOf` whose alternatives only list `required` properties: generated as the object, without checking which properties are present",
                );
                let mut object = any.clone();
                object.one_of.clear();
                object.any_of.clear();
                if object.typ.is_none() {
                    object.typ = Some("object".into());
                }
                return self.lower_any(&object, data, naming, pointer, wire);
            }
            let (keyword, alternatives) = if any.one_of.is_empty() {
                ("anyOf", &any.any_of)
            } else {
                ("oneOf", &any.one_of)
            };
            if !any.one_of.is_empty() && !any.any_of.is_empty() {
                self.degrade(
                    &child(pointer, "anyOf"),
                    Degradation::Dropped,
                    "`anyOf` next to `oneOf` is not generated; the type is the `oneOf` union only",
                );
            }
            // Properties beside the alternatives apply to each of them: only those some alternative
            // lacks are lost.
            let missing: Vec<&String> = any
                .properties
                .keys()
                .filter(|k| {
                    !alternatives.iter().all(|alt| {
                        self.property_names(alt, 0)
                            .is_some_and(|names| names.contains(*k))
                    })
                })
                .collect();
            if !missing.is_empty() {
                let list: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
                self.degrade(
                    &child(pointer, "properties"),
                    Degradation::Dropped,
                    format!("properties next to `{keyword}` are not generated unless each alternative defines them; the union's variants lack {}", list.join(", ")),
                );
            }
            return self.lower_union(alternatives, data, naming, pointer, wire, keyword);
        }
        // No composition: the type the keywords describe, with the keywords of other types reported.
        let typ = match any.typ.as_deref() {
            Some(t) => t.to_owned(),
            None if !any.properties.is_empty()
                || !any.required.is_empty()
                || any.additional_properties.is_some() =>
            {
                "object".into()
            }
            None if any.items.is_some() => "array".into(),
            None if !any.enumeration.is_empty()
                && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                "string".into()
            }
            None if !any.enumeration.is_empty()
                && any.enumeration.iter().all(|v| v.is_i64() || v.is_null()) =>
            {
                "integer".into()
            }
            None => return TypeRef::Json,
        };
        let keep: &[&str] = match typ.as_str() {
            "string" => &["format", "pattern", "enum", "minLength", "maxLength"],
            "integer" | "number" => &[
                "format",
                "enum",
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
            ],
            "boolean" => &["enum"],
            "object" => &[
                "properties",
                "required",
                "additionalProperties",
                "minProperties",
                "maxProperties",
            ],
            "array" => &["items", "minItems", "maxItems", "uniqueItems"],
            other => {
                self.degrade(
                    pointer,
                    Degradation::Untyped,
                    format!(
                        "`type: {other}` is not an OpenAPI type; generated as `serde_json::Value`"
                    ),
                );
                return TypeRef::Json;
            }
        };
        let Ok(Value::Object(mut keywords)) = serde_json::to_value(any) else {
            return TypeRef::Json;
        };
        // Keywords that give a value shape; the others beside a type (`not`, another type's bounds) only
        // validate, as `pattern` does.
        let structural = ["properties", "additionalProperties", "items"];
        let mut dropped: Vec<String> = Vec::new();
        keywords.retain(|k, _| {
            let kept = k == "type" || keep.contains(&k.as_str());
            if !kept && structural.contains(&k.as_str()) {
                dropped.push(format!("`{k}`"));
            }
            kept
        });
        keywords.insert("type".into(), Value::String(typ.clone()));
        if let Some(Value::Array(values)) = keywords.get_mut("enum") {
            let fits = |v: &Value| match typ.as_str() {
                "string" => v.is_string(),
                "integer" => v.is_i64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                _ => true,
            };
            let (kept, odd): (Vec<Value>, Vec<Value>) =
                values.drain(..).partition(|v| v.is_null() || fits(v));
            *values = kept;
            if !odd.is_empty() {
                let list: Vec<String> = odd.iter().map(Value::to_string).collect();
                self.degrade(
                    &child(pointer, "enum"),
                    Degradation::Dropped,
                    format!(
                        "enum values {} are not of `type: {typ}`; the enum has no variant for them",
                        list.join(", ")
                    ),
                );
            }
        }
        if !dropped.is_empty() {
            self.degrade(
                pointer,
                Degradation::Dropped,
                format!(
                    "{} next to `type: {typ}` not generated; the type is what `type: {typ}` alone describes",
                    dropped.join(", ")
                ),
            );
        }
        let mut rebuilt = serde_json::to_value(data).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut rebuilt {
            map.extend(keywords);
        }
        match serde_json::from_value::<Schema>(rebuilt) {
            Ok(schema) if !matches!(schema.schema_kind, SchemaKind::Any(_)) => {
                self.lower_schema(&schema, naming, pointer, wire)
            }
            _ => {
                self.degrade(
                    pointer,
                    Degradation::Untyped,
                    format!("a `type: {typ}` schema whose keywords do not fit its type; generated as `serde_json::Value`"),
                );
                TypeRef::Json
            }
        }
    }

    /// An object schema with a `discriminator` and no `oneOf`/`anyOf`: the base of subtypes that name it in
    /// their `allOf` (the mapping's targets, or without a mapping every component whose `allOf` names this
    /// one). A value of it is one of them, so it is a tagged enum of them (a tag no subtype has is kept as
    /// JSON in `Unknown`). `None` (and the caller reports the discriminator dropped) when it has no subtype
    /// other than itself.
    fn lower_discriminated_base(
        &mut self,
        schema: &Schema,
        naming: &Naming,
        pointer: &str,
        wire: &str,
    ) -> Option<TypeRef> {
        let d = schema.schema_data.discriminator.as_ref()?;
        let own: Vec<String> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.properties.keys().cloned().collect(),
            SchemaKind::Any(a)
                if a.all_of.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() =>
            {
                a.properties.keys().cloned().collect()
            }
            _ => return None,
        };
        let me = pointer
            .strip_prefix("#/components/schemas/")
            .filter(|n| !n.contains('/'))
            .map(crate::diag::decode_pointer_token);
        let as_ref = |target: &str| {
            if target.starts_with('#') {
                target.to_owned()
            } else {
                crate::diag::pointer(["components", "schemas", target])
            }
        };
        let mut targets: Vec<String> = Vec::new();
        if d.mapping.is_empty() {
            let me_ref = crate::diag::pointer(["components", "schemas", me.as_deref()?]);
            let api: &OpenAPI = self.doc.api;
            for (name, candidate) in api.components.iter().flat_map(|c| &c.schemas) {
                let parts: &[ReferenceOr<Schema>] = match candidate {
                    ReferenceOr::Item(Schema {
                        schema_kind: SchemaKind::AllOf { all_of },
                        ..
                    }) => all_of,
                    ReferenceOr::Item(Schema {
                        schema_kind: SchemaKind::Any(a),
                        ..
                    }) => &a.all_of,
                    _ => &[],
                };
                if parts.iter().any(
                    |p| matches!(p, ReferenceOr::Reference { reference } if *reference == me_ref),
                ) {
                    targets.push(crate::diag::pointer(["components", "schemas", name]));
                }
            }
        } else {
            for target in d.mapping.values().map(|t| as_ref(t)) {
                if !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
        // Only other components can be variants: this schema itself, or a target that is not a component,
        // cannot.
        targets.retain(|t| {
            let name = crate::diag::component_ref_name(t, "schemas");
            name.is_some()
                && name != me
                && name
                    .as_ref()
                    .is_some_and(|n| self.types.component(n).is_some())
        });
        if targets.is_empty() {
            return None;
        }
        let alternatives: Vec<ReferenceOr<Schema>> = targets
            .iter()
            .map(|t| ReferenceOr::Reference {
                reference: t.clone(),
            })
            .collect();
        for alt in &alternatives {
            let names = self.property_names(alt, 0).unwrap_or_default();
            let missing: Vec<String> = own
                .iter()
                .filter(|p| !names.contains(*p))
                .map(|p| format!("`{p}`"))
                .collect();
            if let (false, ReferenceOr::Reference { reference }) = (missing.is_empty(), alt) {
                self.degrade(
                    &child(pointer, "discriminator"),
                    Degradation::Dropped,
                    format!("subtype `{reference}` of this discriminated base does not include its properties {}; that variant lacks them", missing.join(", ")),
                );
            }
        }
        let mut data = schema.schema_data.clone();
        if d.mapping.is_empty() {
            // Implicit mapping: each subtype is selected by its component name, or by the values it
            // pins the property to when its name is not among them.
            let mut mapping = indexmap::IndexMap::new();
            for (t, alt) in targets.iter().zip(&alternatives) {
                let Some(name) = crate::diag::component_ref_name(t, "schemas") else {
                    continue;
                };
                let pinned = self.pinned_values(alt, &d.property_name, 0);
                if pinned.is_empty() || pinned.contains(&name) {
                    mapping.insert(name, t.clone());
                } else {
                    for value in pinned {
                        mapping.insert(value, t.clone());
                    }
                }
            }
            if let Some(disc) = data.discriminator.as_mut() {
                disc.mapping = mapping;
            }
        }
        Some(self.lower_union(
            &alternatives,
            &data,
            naming.clone(),
            pointer,
            wire,
            "discriminator",
        ))
    }

    pub(super) fn enum_variants(&mut self, values: &[String], pointer: &str) -> Vec<Variant> {
        let mut scope = Scope::new(["Unknown"]);
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        // Values whose names would collide only because of a sign (`Etc/GMT-1`, `Etc/GMT+1`) spell it.
        let mut plain: BTreeMap<String, usize> = BTreeMap::new();
        for v in values.iter().collect::<BTreeSet<_>>() {
            *plain
                .entry(sanitize(&spell_symbols(v), Case::Pascal))
                .or_default() += 1;
        }
        for v in values {
            if !seen.insert(v.clone()) {
                self.warn(pointer, format!("duplicate enum value `{v}` listed once"));
                continue;
            }
            let mut wanted = sanitize(&spell_symbols(v), Case::Pascal);
            if plain.get(&wanted).is_some_and(|n| *n > 1) {
                wanted = sanitize(&spell_signs(v), Case::Pascal);
            }
            let rust = self.claim(
                &mut scope,
                &wanted,
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

/// A schema that only constrains which properties an object has (`required`, `not`, annotations): as an
/// alternative of a `oneOf` beside `properties`, it validates and adds no shape.
pub(in crate::lower) fn is_constraint_only(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Not { .. })
        || matches!(&s.schema_kind, SchemaKind::Any(a)
        if a.typ.is_none()
            && a.properties.is_empty()
            && a.additional_properties.is_none()
            && a.items.is_none()
            && a.enumeration.is_empty()
            && a.one_of.is_empty()
            && a.all_of.is_empty()
            && a.any_of.is_empty())
}

#[cfg(test)]
mod tests;
