//! Schemas: component schemas claimed by name and lowered once; `$ref`s resolved to the component's type (or,
//! for a pointer elsewhere into the document, lowered inline); scalars, formats, enums, arrays and maps
//! mapped to [`TypeRef`]s, and the schemas that need a named type dispatched to structs, unions and merge.

use std::borrow::Cow;

use openapiv3::AnySchema;

use super::merge::OwnObject;
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

    /// The component schema a `#/components/schemas/NAME` reference names, following components that are
    /// only a `$ref` to another component (alias chains); `None` when it does not exist or loops.
    pub(super) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let api: &'a OpenAPI = self.api;
        let mut name = crate::diag::component_ref_name(reference, "schemas")?;
        for _ in 0..64 {
            match api.components.as_ref()?.schemas.get(&name)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    name = crate::diag::component_ref_name(reference, "schemas")?;
                }
            }
        }
        None
    }

    /// The schema a `$ref` names, following references that only name another schema (alias chains,
    /// components or pointers elsewhere into the document); `None` when the chain ends nowhere or loops.
    pub(super) fn resolve_schema(&self, reference: &str) -> Option<Cow<'a, Schema>> {
        self.resolve_schema_at(reference).map(|(schema, _)| schema)
    }

    /// As [`Self::resolve_schema`], with the pointer of the schema reached (`#/...`).
    pub(super) fn resolve_schema_at(&self, reference: &str) -> Option<(Cow<'a, Schema>, String)> {
        let api: &'a OpenAPI = self.api;
        let spec: &'a LoadedSpec = self.spec;
        let mut reference = reference.to_owned();
        for _ in 0..64 {
            if let Some(name) = crate::diag::component_ref_name(&reference, "schemas") {
                match api.components.as_ref()?.schemas.get(&name)? {
                    ReferenceOr::Item(s) => {
                        let at = crate::diag::pointer(["components", "schemas", &name]);
                        return Some((Cow::Borrowed(s), at));
                    }
                    ReferenceOr::Reference { reference: next } => {
                        reference = next.clone();
                        continue;
                    }
                }
            }
            let target = spec.raw.pointer(reference.strip_prefix('#')?)?;
            if let Some(next) = target.get("$ref").and_then(Value::as_str) {
                reference = next.to_owned();
                continue;
            }
            return serde_json::from_value::<Schema>(target.clone())
                .ok()
                .map(|s| (Cow::Owned(s), reference));
        }
        None
    }

    pub(super) fn resolve_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        // A pointer elsewhere into the document that is itself only a `$ref` is that reference (chains
        // followed to their end).
        let mut reference = reference.to_owned();
        for _ in 0..64 {
            let next = reference
                .strip_prefix('#')
                .filter(|_| crate::diag::component_ref_name(&reference, "schemas").is_none())
                .and_then(|ptr| self.spec.raw.pointer(ptr))
                .and_then(|target| target.get("$ref"))
                .and_then(Value::as_str);
            match next {
                Some(next) => reference = next.to_owned(),
                None => break,
            }
        }
        let reference = reference.as_str();
        if let Some(name) = crate::diag::component_ref_name(reference, "schemas") {
            if let Some(&id) = self.components.get(&name) {
                return TypeRef::Named(id);
            }
            let hint =
                crate::load::locate::closest(&name, self.components.keys().map(String::as_str))
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
                // A context name is PascalCase pieces joined; a piece escaped from a keyword (`self`
                // -> `Self_`) inside it would make `LinksSelf_Hints`, which is not camel case.
                let joined = camel_joined(wanted);
                let rust = self.claim_type(&joined, pointer);
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
        let union = match &schema.schema_kind {
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::Any(a) => {
                a.all_of.is_empty() && !(a.one_of.is_empty() && a.any_of.is_empty())
            }
            _ => false,
        };
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
                        "integer enum whose only value is null: generated as a nullable integer",
                    );
                }
                match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
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
                    Some(items) => {
                        let at = child(pointer, "items");
                        let ty = self.boxed_schema_or_ref(items, item_naming, &at);
                        let nullable = match items {
                            ReferenceOr::Item(s) => self.schema_nullable(s),
                            ReferenceOr::Reference { reference } => self
                                .component_schema(reference)
                                .is_some_and(|s| self.schema_nullable(s)),
                        };
                        if nullable && ty != TypeRef::Json {
                            self.degrade(
                                &at,
                                Degradation::Dropped,
                                "list items may be null, which the generated list (`Vec` of the item type) does not accept",
                            );
                        }
                        ty
                    }
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
                self.warn(
                    pointer,
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
            let api: &OpenAPI = self.api;
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
                    .is_some_and(|n| self.components.contains_key(n))
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

    /// The property names an object schema defines (through `$ref`s and `allOf`s), `None` when it is not
    /// an object schema.
    pub(super) fn property_names(
        &self,
        schema: &ReferenceOr<Schema>,
        depth: usize,
    ) -> Option<BTreeSet<String>> {
        if depth > 32 {
            return None;
        }
        let schema = match schema {
            ReferenceOr::Item(s) => Cow::Borrowed(s),
            ReferenceOr::Reference { reference } => self.resolve_schema(reference)?,
        };
        let mut names = BTreeSet::new();
        let parts: &[ReferenceOr<Schema>] = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                names.extend(o.properties.keys().cloned());
                &[]
            }
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(a) => {
                names.extend(a.properties.keys().cloned());
                &a.all_of
            }
            _ => return None,
        };
        for part in parts {
            if let Some(more) = self.property_names(part, depth + 1) {
                names.extend(more);
            }
        }
        Some(names)
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
                kind,
            },
        );
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
                self.warn(pointer, format!("duplicate enum value `{v}` ignored"));
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

/// An enum value with its meaningful symbols spelled as words, so `x`, `+x` and `-x` (sort orders) name
/// `X`, `PlusX` and `MinusX` instead of one name and two renames: a leading sign, and every symbol of a
/// value that has no letters or digits (`<=` → `LtEq`). Symbols between words stay separators
/// (`dark-red` → `DarkRed`).
pub(in crate::lower) fn spell_symbols(value: &str) -> String {
    fn word(c: char) -> Option<&'static str> {
        Some(match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '.' => "dot",
            '/' => "slash",
            '%' => "percent",
            '&' => "and",
            '|' => "or",
            '@' => "at",
            '#' => "hash",
            '$' => "dollar",
            '~' => "tilde",
            '^' => "caret",
            '?' => "question",
            ':' => "colon",
            ',' => "comma",
            _ => return None,
        })
    }
    let symbols_only = !value.chars().any(char::is_alphanumeric);
    let mut out = String::new();
    let mut leading = true;
    for c in value.chars() {
        match word(c) {
            Some(w) if leading || symbols_only => {
                out.push_str(w);
                out.push(' ');
            }
            _ => {
                leading = false;
                out.push(c);
            }
        }
    }
    out
}

/// Every sign of a number in a value spelled as a word (`Etc/GMT-1` → `Etc/GMT minus 1`), for values that
/// would otherwise name the same variant; a `-` between words stays a separator.
pub(in crate::lower) fn spell_signs(value: &str) -> String {
    let spelled = spell_symbols(value);
    let chars: Vec<char> = spelled.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let before_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        match c {
            '+' if before_digit => out.push_str(" plus "),
            '-' if before_digit => out.push_str(" minus "),
            _ => out.push(*c),
        }
    }
    out
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

/// `wanted` without the underscores inside it (`LinksSelf_Hints` -> `LinksSelfHints`); one at its end
/// (`LinksSelf_`, `Self_`) stays.
fn camel_joined(wanted: &str) -> String {
    let mut out = String::with_capacity(wanted.len());
    let mut chars = wanted.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' && chars.peek().is_some_and(char::is_ascii_alphanumeric) && !out.is_empty() {
            continue;
        }
        out.push(c);
    }
    out
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
    fn enum_values_with_signs_are_named_from_them() {
        let yaml = doc(
            "",
            "  Sort: {type: string, enum: [description, +description, -description]}\n  Zone: {type: string, enum: [Etc/GMT-1, Etc/GMT+1, Etc/GMT]}\n  Op: {type: string, enum: ['<', '<=', in-progress, IN_PROGRESS]}",
        );
        let (api, warnings) = lower_yaml(&yaml);
        let names = |name: &str| -> Vec<String> {
            let TypeKind::StringEnum { variants } = &ty(&api, name).kind else {
                panic!("{name} is a string enum")
            };
            variants.iter().map(|v| v.name.rust.clone()).collect()
        };
        assert_eq!(
            names("Sort"),
            ["Description", "PlusDescription", "MinusDescription"]
        );
        assert_eq!(names("Zone"), ["EtcGmtMinus1", "EtcGmtPlus1", "EtcGmt"]);
        // A `-` between words stays a separator: those two still collide, and the rename says so.
        assert_eq!(names("Op"), ["Lt", "LtEq", "InProgress", "InProgress2"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("`InProgress2`"), "{warnings:?}");
    }

    #[test]
    fn string_alternatives_are_named_by_their_value_or_format() {
        let yaml = doc(
            "",
            "  Url: {anyOf: [{type: string, maxLength: 5000}, {type: string, enum: ['']}]}\n  When: {oneOf: [{type: string, format: date}, {type: string}]}",
        );
        let (api, warnings) = lower_yaml(&yaml);
        assert!(warnings.is_empty(), "{warnings:?}");
        let names = |name: &str| -> Vec<String> {
            let TypeKind::Union { variants, .. } = &ty(&api, name).kind else {
                panic!("{name} is a union")
            };
            let mut v: Vec<String> = variants.iter().map(|v| v.name.rust.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(names("Url"), ["Empty", "String"]);
        assert_eq!(names("When"), ["Date", "String"]);
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
