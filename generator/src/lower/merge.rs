//! `allOf`: the object members' properties (following `$ref`s and nested `allOf`s) merged into one struct,
//! `required` lists united, a conflicting property definition reported (the later one wins); an `allOf` of
//! one member is that member.

use openapiv3::AnySchema;

use super::*;

/// The object keywords of a schema written next to its `allOf` (`type: object`, `properties`,
/// `required`, `additionalProperties`): merged after the parts, so a property written here refines the
/// part's.
pub(super) struct OwnObject<'s> {
    pub properties: &'s indexmap_like::Props,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
}

impl<'s> OwnObject<'s> {
    pub(super) fn of(any: &'s AnySchema) -> Self {
        Self {
            properties: &any.properties,
            required: &any.required,
            additional: any.additional_properties.as_ref(),
        }
    }

    fn is_empty(&self) -> bool {
        self.properties.is_empty() && self.required.is_empty() && self.additional.is_none()
    }
}

/// The fields of an `allOf` as they are merged.
#[derive(Default)]
struct Merged {
    properties: indexmap_like::Props,
    required: Vec<String>,
    additional: Option<AdditionalProperties>,
    /// References being followed (a part that reaches itself adds nothing the second time).
    following: Vec<String>,
}

impl ApiLowerer<'_> {
    /// `allOf` (with the object keywords written next to it, if any): one part that is not merely an
    /// annotation is that part; otherwise one struct with the fields of every part, through `$ref`s
    /// (alias chains included), nested `allOf`s and the object keywords beside them, `required` lists
    /// united. A part that is not an object (a `oneOf`, a string) cannot be merged: reported, with what the
    /// struct lacks.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lower_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        own: Option<OwnObject<'_>>,
        naming: Naming,
        pointer: &str,
        wire: &str,
        doc: Option<String>,
        deprecated: bool,
    ) -> TypeRef {
        let own_fields = own.as_ref().is_some_and(|o| !o.is_empty());
        let typed: Vec<usize> = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if is_type_free(s)))
            .map(|(i, _)| i)
            .collect();
        if !own_fields {
            match typed.as_slice() {
                [] => return TypeRef::Json,
                [only] => {
                    return self.schema_or_ref(
                        &parts[*only],
                        naming,
                        &format!("{}/{only}", child(pointer, "allOf")),
                    );
                }
                _ => {}
            }
        }
        let mut merged = Merged::default();
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = format!("{}/{i}", child(pointer, "allOf"));
            self.merge_part(part, &part_pointer, &mut merged);
        }
        if let Some(own) = own {
            self.merge_fields(
                own.properties,
                own.required,
                own.additional,
                pointer,
                &mut merged,
            );
        }
        merged.required.sort();
        merged.required.dedup();
        let (id, rust) = self.name_for(&naming, pointer);
        let kind = self.lower_struct(
            &rust,
            &merged.properties,
            &merged.required,
            merged.additional.as_ref(),
            pointer,
        );
        self.push_type(wire, id, pointer, doc, deprecated, kind);
        TypeRef::Named(id)
    }

    /// Merges one `allOf` part (written at `at`) into `merged`.
    fn merge_part(&mut self, part: &ReferenceOr<Schema>, at: &str, merged: &mut Merged) {
        match part {
            ReferenceOr::Item(s) => self.merge_schema(s, at, merged),
            ReferenceOr::Reference { reference } => {
                if merged.following.contains(reference) {
                    return;
                }
                let Some(schema) = self.resolve_schema(reference) else {
                    self.degrade(
                        at,
                        Degradation::Dropped,
                        format!("`allOf` part `{reference}` could not be resolved; the merged struct lacks its fields"),
                    );
                    return;
                };
                merged.following.push(reference.clone());
                let schema = schema.into_owned();
                self.merge_schema(&schema, at, merged);
                merged.following.pop();
            }
        }
    }

    fn merge_schema(&mut self, schema: &Schema, at: &str, merged: &mut Merged) {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => self.merge_fields(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                at,
                merged,
            ),
            SchemaKind::AllOf { all_of } => {
                for (i, inner) in all_of.iter().enumerate() {
                    self.merge_part(inner, &format!("{}/{i}", child(at, "allOf")), merged);
                }
            }
            SchemaKind::Any(a) => {
                for (i, inner) in a.all_of.iter().enumerate() {
                    self.merge_part(inner, &format!("{}/{i}", child(at, "allOf")), merged);
                }
                for (keyword, alternatives) in [("oneOf", &a.one_of), ("anyOf", &a.any_of)] {
                    if !alternatives.is_empty() {
                        self.degrade(
                            at,
                            Degradation::Dropped,
                            format!("`{keyword}` inside an `allOf` part cannot be merged into a struct; the merged struct lacks the fields of its alternatives"),
                        );
                    }
                }
                let object_like = a.typ.as_deref().is_none_or(|t| t == "object");
                if object_like {
                    self.merge_fields(
                        &a.properties,
                        &a.required,
                        a.additional_properties.as_ref(),
                        at,
                        merged,
                    );
                } else {
                    self.degrade(
                        at,
                        Degradation::Dropped,
                        format!("`allOf` part of type `{}` is not an object; the merged struct ignores it", a.typ.as_deref().unwrap_or("?")),
                    );
                }
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.degrade(
                    at,
                    Degradation::Dropped,
                    format!("`allOf` part is a `{keyword}`, which cannot be merged into a struct; the merged struct lacks the fields of its alternatives"),
                );
            }
            SchemaKind::Not { .. } => self.degrade(
                at,
                Degradation::Dropped,
                "`allOf` part is a `not`, which only validates; the merged struct ignores it",
            ),
            SchemaKind::Type(_) => self.degrade(
                at,
                Degradation::Dropped,
                "`allOf` part is not an object schema; the merged struct ignores it",
            ),
        }
    }

    /// Adds properties, `required` and `additionalProperties` (from the part at `at`) to `merged`. A
    /// property defined again differently replaces the earlier definition (reported), except a definition
    /// that only annotates (`description`, `example`, ...), which keeps the earlier type.
    fn merge_fields(
        &mut self,
        properties: &indexmap_like::Props,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        at: &str,
        merged: &mut Merged,
    ) {
        for (k, v) in properties {
            if let Some(existing) = merged.properties.get(k)
                && existing != v
            {
                if matches!(v, ReferenceOr::Item(s) if is_type_free(s)) {
                    continue;
                }
                self.warn(
                    &child(&child(at, "properties"), k),
                    format!("`allOf` parts define property `{k}` differently; the later definition wins"),
                );
            }
            merged.properties.insert(k.clone(), v.clone());
        }
        merged.required.extend(required.iter().cloned());
        if let Some(add) = additional {
            merged.additional = Some(add.clone());
        }
    }
}

/// A schema that says nothing about the type of a value: only annotations (`description`, `example`,
/// `nullable`, ...) or constraints on values of any type. As an `allOf` part it adds no field.
pub(in crate::lower) fn is_type_free(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a)
        if a.typ.is_none()
            && a.properties.is_empty()
            && a.required.is_empty()
            && a.additional_properties.is_none()
            && a.items.is_none()
            && a.enumeration.is_empty()
            && a.one_of.is_empty()
            && a.all_of.is_empty()
            && a.any_of.is_empty()
            && a.not.is_none())
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, fields, lower_yaml, named};

    #[test]
    fn all_of_merges_properties_and_required_lists() {
        let yaml = doc(
            "",
            "  Base: {type: object, required: [id], properties: {id: {type: string}}}\n  Full:\n    allOf:\n      - $ref: '#/components/schemas/Base'\n      - {type: object, required: [name], properties: {name: {type: string}}}",
        );
        let (api, warnings) = lower_yaml(&yaml);
        assert!(warnings.is_empty(), "{warnings:?}");
        let rows: Vec<(&str, Presence)> = fields(&api, "Full")
            .iter()
            .map(|f| (f.name.rust.as_str(), f.presence))
            .collect();
        assert_eq!(
            rows,
            [("id", Presence::Required), ("name", Presence::Required)]
        );
    }

    #[test]
    fn one_member_is_that_member_and_conflicts_are_reported() {
        let yaml = doc(
            "",
            "  Base: {type: object, properties: {id: {type: string}}}\n  Same:\n    type: object\n    properties:\n      base: {allOf: [{$ref: '#/components/schemas/Base'}]}\n  Clash:\n    allOf:\n      - {type: object, properties: {id: {type: string}}}\n      - {type: object, properties: {id: {type: integer}}}",
        );
        let (api, warnings) = lower_yaml(&yaml);
        assert_eq!(fields(&api, "Same")[0].ty, named(&api, "Base"));
        assert_eq!(
            fields(&api, "Clash")[0].ty,
            TypeRef::I64,
            "the later definition wins"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("define property `id` differently")),
            "{warnings:?}"
        );
    }
}
