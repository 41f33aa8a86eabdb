//! `allOf`: the object members' properties (following `$ref`s and nested `allOf`s) merged into one struct,
//! `required` lists united, a conflicting property definition reported (the later one wins); an `allOf` of
//! one member is that member.

use super::*;

impl ApiLowerer<'_> {
    pub(super) fn lower_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        naming: Naming,
        pointer: &str,
        wire: &str,
        doc: Option<String>,
        deprecated: bool,
    ) -> TypeRef {
        if parts.len() == 1 {
            return self.schema_or_ref(
                &parts[0],
                naming,
                &format!("{}/0", child(pointer, "allOf")),
            );
        }
        // Merge the properties of every part (following references) into one struct.
        let mut properties = indexmap_like::Props::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional = None;
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = format!("{}/{i}", child(pointer, "allOf"));
            let schema = match part {
                ReferenceOr::Item(s) => Some(s.clone()),
                ReferenceOr::Reference { reference } => self.component_schema(reference).cloned(),
            };
            let Some(schema) = schema else {
                self.warn(
                    &part_pointer,
                    "`allOf` part could not be resolved; its properties are missing",
                );
                continue;
            };
            let (props, req, add) = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (
                    o.properties.clone(),
                    o.required.clone(),
                    o.additional_properties.clone(),
                ),
                SchemaKind::Any(a) => (
                    a.properties.clone(),
                    a.required.clone(),
                    a.additional_properties.clone(),
                ),
                SchemaKind::AllOf { all_of } => {
                    let mut p = indexmap_like::Props::new();
                    let mut r = Vec::new();
                    for inner in all_of {
                        let inner = match inner {
                            ReferenceOr::Item(s) => Some(s),
                            ReferenceOr::Reference { reference } => {
                                self.component_schema(reference)
                            }
                        };
                        if let Some(s) = inner
                            && let SchemaKind::Type(Type::Object(o)) = &s.schema_kind
                        {
                            p.extend(o.properties.clone());
                            r.extend(o.required.clone());
                        }
                    }
                    (p, r, None)
                }
                _ => {
                    self.warn(
                        &part_pointer,
                        "`allOf` part is not an object schema; ignored in the merged struct",
                    );
                    continue;
                }
            };
            for (k, v) in props {
                if let Some(existing) = properties.get(&k)
                    && existing != &v
                {
                    self.warn(&part_pointer, format!("`allOf` parts define property `{k}` differently; the later definition wins"));
                }
                properties.insert(k, v);
            }
            required.extend(req);
            if add.is_some() {
                additional = add;
            }
        }
        required.sort();
        required.dedup();
        let (id, rust) = self.name_for(&naming, pointer);
        let kind = self.lower_struct(&rust, &properties, &required, additional.as_ref(), pointer);
        self.push_type(wire, id, pointer, doc, deprecated, kind);
        TypeRef::Named(id)
    }
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
