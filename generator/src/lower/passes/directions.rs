//! Pass: requiredness by direction. A field the document requires is relaxed to optional where its type
//! travels in a direction in which the field may be missing, and the pagination presences follow.

use crate::lower::*;

/// The pass: requiredness by direction first, then the pagination presences that copy it, then which
/// structs are response-only.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    relax_one_way_required(api);
    sync_pagination_presence(api);
    mark_response_only(api);
}

/// Structs only ever decoded from responses become `#[non_exhaustive]`: the service adding a field to
/// one is then not a breaking change for users. As users cannot write a literal of such a struct, every
/// such struct with required fields gets `new`, however many fields it requires. Types no operation
/// reaches (webhook payloads, unused components) count as both directions and stay open.
pub(in crate::lower) fn mark_response_only(api: &mut Api) {
    let usage = api.type_usage();
    for (t, u) in api.types.iter_mut().zip(usage) {
        let response_only = u.is_some_and(|u| u.response && !u.request);
        if let TypeKind::Struct {
            construct,
            non_exhaustive,
            ..
        } = &mut t.kind
        {
            *non_exhaustive = response_only;
            if response_only && *construct == Construct::Literal {
                *construct = Construct::New;
            }
        }
    }
}

/// Where a document's `required` is relaxed, so that a response the document does not fully describe
/// still decodes. A field is optional in Rust when its type travels in a direction in which the field
/// may be missing:
/// - OpenAPI 3.0: `required` on a `readOnly` property applies to responses only, and on a `writeOnly`
///   property to requests only: a request need not invent a server-assigned id, and a response that
///   omits a password still deserializes.
/// - A property marked `x-klarna-inferred` (no source confirms it) is optional in every type decoded from a
///   response, so a guess in the document never makes a real response fail to decode. Request-only
///   types keep it as the document says.
///
/// Types used in one direction only keep the field required where it is sent; types no operation
/// reaches (webhook payloads, unused components) count as both.
pub(in crate::lower) fn relax_one_way_required(api: &mut Api) {
    let usage = api.type_usage();
    for (t, u) in api.types.iter_mut().zip(usage) {
        let u = u.unwrap_or(Usage::BOTH);
        let TypeKind::Struct {
            fields, construct, ..
        } = &mut t.kind
        else {
            continue;
        };
        for f in fields.iter_mut() {
            if (f.read_only && u.request) || ((f.write_only || f.inferred) && u.response) {
                f.relaxed |= matches!(f.presence, Presence::Required | Presence::RequiredNullable);
                f.presence = match f.presence {
                    Presence::Required => Presence::Optional,
                    Presence::RequiredNullable => Presence::OptionalNullable,
                    other => other,
                };
            }
        }
        *construct = construct_for(fields);
    }
}

/// Pagination was detected with the fields' presence as the document states it; after
/// [`relax_one_way_required`] the page's items, its `pagination` object or the cursor may have become
/// optional, and the stream must read them as the Rust types now are.
pub(in crate::lower) fn sync_pagination_presence(api: &mut Api) {
    let presence = |types: &[TypeDef], ty: TypeId, field: &str| -> Option<Presence> {
        let def = &types[ty.0];
        let TypeKind::Struct { fields, .. } = &def.kind else {
            return None;
        };
        fields
            .iter()
            .find(|f| f.name.rust == field)
            .map(|f| f.presence)
    };
    let types = &api.types;
    for op in api
        .resources
        .iter_mut()
        .flat_map(|r| r.operations.iter_mut())
    {
        let Some(p) = op.pagination.as_mut() else {
            continue;
        };
        let page = match &p.page_ty {
            TypeRef::Named(n) => *n,
            TypeRef::List(inner) => match &**inner {
                TypeRef::Named(n) => *n,
                _ => continue,
            },
            _ => continue,
        };
        if let Some(items) = presence(types, page, &p.items.rust) {
            p.items_presence = items;
        }
        let (pagination, last) = (&p.pagination_field.rust, &p.cursor_field.rust);
        if let Some(found) = presence(types, page, pagination) {
            p.pagination_presence = found;
        }
        let pagination_ty = match &types[page.0].kind {
            TypeKind::Struct { fields, .. } => fields
                .iter()
                .find(|f| &f.name.rust == pagination)
                .and_then(|f| match &f.ty {
                    TypeRef::Named(n) => Some(*n),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(found) = pagination_ty.and_then(|t| presence(types, t, last)) {
            p.cursor_presence = found;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, fields, lower_until};

    /// `Sent` travels in requests only, `Got` in responses only, `Loose` nowhere (both directions).
    fn document() -> String {
        let props = "    required: [id, secret, guess]\n    properties:\n      id: {type: string, readOnly: true}\n      secret: {type: string, writeOnly: true}\n      guess: {type: string, x-klarna-inferred: true}";
        doc(
            "  /v1/things:\n    post:\n      operationId: createThing\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Sent'}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Got'}",
            &format!(
                "  Sent:\n    type: object\n{props}\n  Got:\n    type: object\n{props}\n  Loose:\n    type: object\n{props}"
            ),
        )
    }

    #[test]
    fn only_response_only_structs_are_non_exhaustive() {
        let yaml = document();
        let sealed = |after: &str| -> Vec<bool> {
            let (api, _) = lower_until(&yaml, Some(after));
            ["Sent", "Got", "Loose"]
                .iter()
                .map(|n| match &crate::lower::test_support::ty(&api, n).kind {
                    TypeKind::Struct { non_exhaustive, .. } => *non_exhaustive,
                    other => panic!("{n}: {other:?}"),
                })
                .collect()
        };
        assert_eq!(sealed("cycles"), [false, false, false]);
        assert_eq!(sealed("directions"), [false, true, false]);
    }

    #[test]
    fn required_is_relaxed_where_the_direction_may_omit_the_field() {
        let yaml = document();
        let presences = |after: &str, ty: &str| -> Vec<(Presence, bool)> {
            let (api, _) = lower_until(&yaml, Some(after));
            fields(&api, ty)
                .iter()
                .map(|f| (f.presence, f.relaxed))
                .collect()
        };
        let kept = (Presence::Required, false);
        let relaxed = (Presence::Optional, true);
        for ty in ["Sent", "Got", "Loose"] {
            assert_eq!(
                presences("cycles", ty),
                [kept, kept, kept],
                "{ty} before the pass"
            );
        }
        // (id readOnly, secret writeOnly, guess inferred)
        let table: &[(&str, [(Presence, bool); 3])] = &[
            ("Sent", [relaxed, kept, kept]),
            ("Got", [kept, relaxed, relaxed]),
            ("Loose", [relaxed, relaxed, relaxed]),
        ];
        for (ty, expected) in table {
            assert_eq!(&presences("directions", ty), expected, "{ty}");
        }
    }
}
