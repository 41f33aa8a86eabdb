//! `oneOf`/`anyOf` become enums with an `Unknown` variant: tagged by a discriminator (mapping or component
//! names), or untagged with the alternatives ordered from the most specific to the least.

use super::enums::spell_symbols;
use super::*;

impl SchemaLowerer<'_> {
    pub(super) fn lower_union(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        data: &openapiv3::SchemaData,
        naming: Naming,
        pointer: &str,
        wire: &str,
        keyword: &str,
    ) -> TypeRef {
        let doc = data.description.as_deref().map(doc_text);
        // An alternative that only allows `null` (`{type: 'null'}`, 3.1's nullable spelling) makes the
        // value nullable (read by `schema_nullable`), not a variant. `oneOf: [X]` (often used to attach
        // nullable to a ref) is just X.
        let non_null: Vec<(usize, &ReferenceOr<Schema>)> = alternatives
            .iter()
            .enumerate()
            .filter(|(_, alt)| !is_null_only(alt))
            .collect();
        if let [(i, only)] = non_null.as_slice()
            && data.discriminator.is_none()
        {
            return self.schema_or_ref(only, naming, &format!("{}/{i}", child(pointer, keyword)));
        }
        if non_null.is_empty() {
            return TypeRef::Json;
        }
        let (id, rust) = self.name_for(&naming, pointer);
        let mut scope = Scope::new(["Unknown"]);
        let mut variants = Vec::new();
        let mut specificity = Vec::new();
        let discriminator = data.discriminator.as_ref();
        // The values that select each alternative, decided before any is lowered: whether the union is
        // tagged at all decides how its variants are made.
        let tags: Vec<Vec<String>> = non_null
            .iter()
            .map(|(_, alt)| match discriminator {
                Some(d) => self.alternative_tags(alt, d),
                None => Vec::new(),
            })
            .collect();
        let mut claimants: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, values) in tags.iter().enumerate() {
            for v in values {
                claimants.entry(v.as_str()).or_default().push(k);
            }
        }
        let shared: Vec<(&str, &Vec<usize>)> = claimants
            .iter()
            .filter(|(_, alts)| alts.len() > 1)
            .map(|(v, alts)| (*v, alts))
            .collect();
        let tagged =
            discriminator.is_some() && shared.is_empty() && tags.iter().all(|t| !t.is_empty());
        for (k, (i, alt)) in non_null.iter().enumerate() {
            let (i, alt) = (*i, *alt);
            let spec = self.specificity(alt);
            let alt_pointer = format!("{}/{i}", child(pointer, keyword));
            let hint = alternative_name(alt, i);
            let ty = self.schema_or_ref(
                alt,
                Naming::Context(format!("{rust}{}", sanitize(&hint, Case::Pascal))),
                &alt_pointer,
            );
            // A payload that has the discriminator property keeps the value it was read with, so one
            // variant selected by several values writes back the one it read. A payload without it
            // loses the value: the union writes it, one variant per value so each writes its own.
            let holds_tag = discriminator.is_none_or(|d| {
                self.property_names(alt, 0)
                    .is_some_and(|names| names.contains(&d.property_name))
            });
            let values = if tagged && !holds_tag {
                tags[k].iter().map(|t| vec![t.clone()]).collect()
            } else {
                vec![tags[k].clone()]
            };
            let split = values.len() > 1;
            for selected in values {
                let (wire, wanted) = if split {
                    let value = selected[0].clone();
                    let wanted = sanitize(&spell_symbols(&value), Case::Pascal);
                    (value, wanted)
                } else {
                    (hint.clone(), sanitize(&hint, Case::Pascal))
                };
                let variant = self.claim(
                    &mut scope,
                    &wanted,
                    &format!("`{keyword}` alternative: variant"),
                    &alt_pointer,
                );
                let writes_tag = (tagged && !holds_tag).then(|| selected[0].clone());
                variants.push(UnionVariant {
                    name: Name {
                        wire,
                        rust: variant,
                    },
                    tags: selected,
                    ty: ty.clone(),
                    boxed: false,
                    writes_tag,
                });
                specificity.push(spec);
            }
        }
        if discriminator.is_some() && !shared.is_empty() {
            let alternative = |k: usize| {
                let (i, _) = non_null[k];
                format!("{i} (`{}`)", alternative_name(non_null[k].1, i))
            };
            let list: Vec<String> = shared
                .iter()
                .map(|(value, alts)| {
                    let names: Vec<String> = alts.iter().map(|k| alternative(*k)).collect();
                    format!("`{value}` by alternatives {}", names.join(" and "))
                })
                .collect();
            self.degrade(pointer, Degradation::Dropped, format!("`{keyword}` alternatives share discriminator values ({}); generated as an untagged union, the alternatives tried most specific first", list.join("; ")));
            for v in &mut variants {
                v.tags.clear();
            }
        } else if discriminator.is_some() && variants.iter().any(|v| v.tags.is_empty()) {
            self.degrade(pointer, Degradation::Dropped, format!("`{keyword}` with a discriminator has inline alternatives; generated as an untagged union"));
        }
        let disc = discriminator
            .filter(|_| variants.iter().all(|v| !v.tags.is_empty()))
            .map(|d| d.property_name.clone());
        if disc.is_none() {
            // Untagged: the first alternative that parses wins, so try the most specific first.
            let mut ordered: Vec<(Specificity, UnionVariant)> =
                specificity.into_iter().zip(variants).collect();
            ordered.sort_by_key(|a| a.0);
            variants = ordered.into_iter().map(|(_, v)| v).collect();
        }
        self.push_type(
            wire,
            id,
            pointer,
            doc,
            data.deprecated,
            TypeKind::Union {
                discriminator: disc,
                variants,
            },
        );
        TypeRef::Named(id)
    }

    /// The discriminator values that select an alternative: its `mapping` entries; without one, the
    /// schema's name, unless the alternative pins the discriminator property to values of its own
    /// (`type: {enum: [function]}`), which are then the only values it accepts; an inline alternative is
    /// selected by those values too (none: it cannot be selected).
    fn alternative_tags(
        &self,
        alt: &ReferenceOr<Schema>,
        d: &openapiv3::Discriminator,
    ) -> Vec<String> {
        let ReferenceOr::Reference { reference } = alt else {
            return self.pinned_values(alt, &d.property_name, 0);
        };
        let n = reference.rsplit('/').next().unwrap_or("Variant");
        let explicit: Vec<String> = d
            .mapping
            .iter()
            .filter(|(_, target)| target.rsplit('/').next() == Some(n))
            .map(|(k, _)| k.clone())
            .collect();
        if !explicit.is_empty() {
            return explicit;
        }
        let pinned = self.pinned_values(alt, &d.property_name, 0);
        if pinned.is_empty() || pinned.iter().any(|p| p == n) {
            vec![n.to_owned()]
        } else {
            pinned
        }
    }

    /// The string values an object schema pins `property` to (`enum: [a]`, a 3.1 `const`), through
    /// `$ref`s and `allOf` parts; empty when it does not pin it.
    pub(super) fn pinned_values(
        &self,
        schema: &ReferenceOr<Schema>,
        property: &str,
        depth: usize,
    ) -> Vec<String> {
        if depth > 16 {
            return Vec::new();
        }
        let schema = match schema {
            ReferenceOr::Item(s) => std::borrow::Cow::Borrowed(s),
            ReferenceOr::Reference { reference } => match self.resolve_schema(reference) {
                Some(s) => s,
                None => return Vec::new(),
            },
        };
        let (properties, parts): (Option<&indexmap_like::Props>, &[ReferenceOr<Schema>]) =
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &[]),
                SchemaKind::AllOf { all_of } => (None, all_of.as_slice()),
                SchemaKind::Any(a) => (Some(&a.properties), a.all_of.as_slice()),
                _ => return Vec::new(),
            };
        // Every place that defines the property restricts it (`allOf` is all of them): the fewest
        // values win, so a subtype's `enum: [cat]` beats its base's `enum: [cat, dog]`.
        let mut found: Vec<Vec<String>> = Vec::new();
        if let Some(p) = properties.and_then(|props| props.get(property)) {
            let p = match p {
                ReferenceOr::Item(s) => Some(std::borrow::Cow::Borrowed(s.as_ref())),
                ReferenceOr::Reference { reference } => self.resolve_schema(reference),
            };
            if let Some(SchemaKind::Type(Type::String(st))) = p.as_ref().map(|p| &p.schema_kind) {
                found.push(st.enumeration.iter().flatten().cloned().collect());
            }
        }
        for part in parts {
            found.push(self.pinned_values(part, property, depth + 1));
        }
        found
            .into_iter()
            .filter(|values| !values.is_empty())
            .min_by_key(Vec::len)
            .unwrap_or_default()
    }

    /// How specific an alternative is, for ordering untagged unions: objects with more required
    /// properties first, then objects that accept anything, lists, maps, integers before numbers,
    /// booleans, enums before free strings, anything last.
    pub(super) fn specificity(&self, alt: &ReferenceOr<Schema>) -> Specificity {
        let schema = match alt {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.component_schema(reference),
        };
        let Some(schema) = schema else {
            return (9, 0, 0);
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                let required = o.required.len() as i64;
                if required > 0 {
                    (0, -required, -(o.properties.len() as i64))
                } else {
                    (1, -(o.properties.len() as i64), 0)
                }
            }
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                (1, 0, 0)
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => (1, -(a.properties.len() as i64), 0),
            SchemaKind::Type(Type::Array(_)) => (2, 0, 0),
            SchemaKind::Type(Type::Integer(_)) => (4, 0, 0),
            SchemaKind::Type(Type::Number(_)) => (5, 0, 0),
            SchemaKind::Type(Type::Boolean(_)) => (6, 0, 0),
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => (7, 0, 0),
            // A validated format (date-time, uuid, ...) rejects text a plain string accepts.
            SchemaKind::Type(Type::String(st))
                if StringRepr::of(Some(string_format_text(&st.format))) != StringRepr::Text =>
            {
                (7, 1, 0)
            }
            SchemaKind::Type(Type::String(_)) => (8, 0, 0),
            _ => (9, 0, 0),
        }
    }
}

/// An alternative that allows only `null`: `{type: 'null'}` (a 3.1 document's, kept by a 3.0 one), the
/// `{nullable: true}` it is normalized to, or `enum: [null]`.
pub(in crate::lower) fn is_null_only(alt: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = alt else {
        return false;
    };
    match &s.schema_kind {
        SchemaKind::Any(a) if a.typ.as_deref() == Some("null") => true,
        SchemaKind::Any(a) if !a.enumeration.is_empty() => {
            a.enumeration.iter().all(Value::is_null)
                && a.typ.is_none()
                && a.properties.is_empty()
                && a.items.is_none()
        }
        _ => s.schema_data.nullable && super::merge::is_type_free(s),
    }
}

impl SchemaLowerer<'_> {
    /// Whether a schema allows `null`: `nullable: true`, a `null` enum value, or a `null`-only
    /// alternative of its `oneOf`/`anyOf`.
    pub(super) fn schema_nullable(&self, s: &Schema) -> bool {
        if s.schema_data.nullable {
            return true;
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => st.enumeration.iter().any(Option::is_none),
            SchemaKind::Type(Type::Integer(it)) => it.enumeration.iter().any(Option::is_none),
            SchemaKind::Type(Type::Number(nt)) => nt.enumeration.iter().any(Option::is_none),
            SchemaKind::Type(Type::Boolean(bt)) => bt.enumeration.iter().any(Option::is_none),
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                alts.iter().any(is_null_only)
            }
            SchemaKind::Any(a) => {
                a.one_of.iter().chain(&a.any_of).any(is_null_only)
                    || a.enumeration.iter().any(Value::is_null)
            }
            _ => false,
        }
    }
}

/// What an alternative is called: the component a `$ref` names, else [`variant_hint`].
fn alternative_name(alt: &ReferenceOr<Schema>, index: usize) -> String {
    match alt {
        ReferenceOr::Reference { reference } => {
            reference.rsplit('/').next().unwrap_or("Variant").to_owned()
        }
        ReferenceOr::Item(s) => variant_hint(s, index),
    }
}

pub(in crate::lower) fn variant_hint(s: &Schema, index: usize) -> String {
    if let Some(t) = &s.schema_data.title {
        return t.clone();
    }
    match &s.schema_kind {
        // `anyOf: [{type: string}, {enum: ['']}]` (a value or the empty string): named from the value.
        SchemaKind::Type(Type::String(st)) if st.enumeration.len() == 1 => {
            match st.enumeration[0].as_deref() {
                Some("") => "Empty".into(),
                Some(v) => sanitize(&super::enums::spell_symbols(v), Case::Pascal),
                None => "Null".into(),
            }
        }
        SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => "Enum".into(),
        SchemaKind::Type(Type::String(st)) => match string_format_text(&st.format) {
            "" => "String".into(),
            format => sanitize(format, Case::Pascal),
        },
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "List".into(),
        SchemaKind::Type(Type::Object(_)) => format!("Object{}", index + 1),
        _ => format!("Variant{}", index + 1),
    }
}

/// Sort key of an untagged union's alternative: (class, -required properties, -properties).
pub(super) type Specificity = (u8, i64, i64);

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, lower_yaml, ty};

    fn variants(api: &Api, name: &str) -> (Option<String>, Vec<(String, Vec<String>)>) {
        let TypeKind::Union {
            discriminator,
            variants,
        } = &ty(api, name).kind
        else {
            panic!("{name} is a union")
        };
        (
            discriminator.clone(),
            variants
                .iter()
                .map(|v| (v.name.rust.clone(), v.tags.clone()))
                .collect(),
        )
    }

    #[test]
    fn a_discriminator_tags_the_variants_by_mapping_or_component_name() {
        let yaml = doc(
            "",
            "  Pet:\n    oneOf:\n      - $ref: '#/components/schemas/Cat'\n      - $ref: '#/components/schemas/Dog'\n    discriminator:\n      propertyName: kind\n      mapping: {cat: '#/components/schemas/Cat'}\n  Cat: {type: object, properties: {kind: {type: string}}}\n  Dog: {type: object, properties: {kind: {type: string}}}",
        );
        let (api, _) = lower_yaml(&yaml);
        assert_eq!(
            variants(&api, "Pet"),
            (
                Some("kind".into()),
                vec![
                    ("Cat".into(), vec!["cat".into()]),
                    ("Dog".into(), vec!["Dog".into()])
                ]
            )
        );
    }

    #[test]
    fn untagged_alternatives_are_tried_most_specific_first() {
        let yaml = doc(
            "",
            "  Any:\n    oneOf:\n      - {type: string}\n      - $ref: '#/components/schemas/Loose'\n      - $ref: '#/components/schemas/Strict'\n  Loose: {type: object, properties: {a: {type: string}}}\n  Strict: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}",
        );
        let (api, _) = lower_yaml(&yaml);
        let (tag, order) = variants(&api, "Any");
        assert_eq!(tag, None);
        let order: Vec<&str> = order.iter().map(|(n, _)| n.as_str()).collect();
        let strict = order.iter().position(|n| *n == "Strict");
        let loose = order.iter().position(|n| *n == "Loose");
        assert!(strict < loose, "{order:?}");
        assert_eq!(order.len(), 3);
    }
}
