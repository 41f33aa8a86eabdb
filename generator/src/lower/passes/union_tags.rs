//! Pass: a tagged union writes the discriminator value of a variant whose payload may leave its
//! discriminator field out (optional in the document, or relaxed for the direction the type travels
//! in by [`super::directions`]): a payload built with that field `None` would otherwise serialize
//! without the value, and the union could not be read back (Spotify's `TrackObject.type`). The union
//! adds the value only when the payload has not written one, so a value read from the wire is kept.
//! Payloads with no discriminator field at all were marked while lowering (`unions.rs`), one variant
//! per value.

use crate::lower::*;

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    let optional_tag: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Union {
                discriminator: Some(property),
                variants,
            } => variants
                .iter()
                .enumerate()
                .filter(|(_, v)| v.writes_tag.is_none() && !v.tags.is_empty())
                .filter(|(_, v)| may_omit(api, &v.ty, property, 0))
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (t, variants_to_mark) in api.types.iter_mut().zip(optional_tag) {
        if let TypeKind::Union { variants, .. } = &mut t.kind {
            for i in variants_to_mark {
                variants[i].writes_tag = variants[i].tags.first().cloned();
            }
        }
    }
}

/// Whether the struct `ty` names (through aliases) has `property` as a field it may leave out.
fn may_omit(api: &Api, ty: &TypeRef, property: &str, depth: usize) -> bool {
    let TypeRef::Named(id) = ty else {
        return false;
    };
    match &api.types[id.0].kind {
        TypeKind::Struct { fields, .. } => fields
            .iter()
            .find(|f| f.name.wire == property)
            .is_some_and(|f| f.presence != Presence::Required),
        TypeKind::Alias { target } if depth < 8 => may_omit(api, target, property, depth + 1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, lower_until};

    fn writes(api: &Api, name: &str) -> Vec<(String, Option<String>)> {
        let t = api.types.iter().find(|t| t.name.rust == name).unwrap();
        let TypeKind::Union { variants, .. } = &t.kind else {
            panic!("{name} is not a union");
        };
        variants
            .iter()
            .map(|v| (v.name.rust.clone(), v.writes_tag.clone()))
            .collect()
    }

    #[test]
    fn a_payload_that_may_omit_its_tag_has_the_union_write_it() {
        let yaml = doc(
            "",
            "  Item:\n    oneOf:\n      - $ref: '#/components/schemas/Track'\n      - $ref: '#/components/schemas/Episode'\n    discriminator:\n      propertyName: type\n      mapping: {track: '#/components/schemas/Track', song: '#/components/schemas/Track', episode: '#/components/schemas/Episode'}\n  Track: {type: object, properties: {type: {type: string}, name: {type: string}}}\n  Episode: {type: object, required: [type], properties: {type: {type: string}}}",
        );
        let (before, _) = lower_until(&yaml, Some("directions"));
        assert_eq!(
            writes(&before, "Item"),
            [("Track".to_owned(), None), ("Episode".to_owned(), None)]
        );
        let (api, _) = lower_until(&yaml, Some("union_tags"));
        // `Track` may leave `type` out: the first of its values is written then; `Episode` always has it.
        assert_eq!(
            writes(&api, "Item"),
            [
                ("Track".to_owned(), Some("track".to_owned())),
                ("Episode".to_owned(), None)
            ]
        );
    }
}
