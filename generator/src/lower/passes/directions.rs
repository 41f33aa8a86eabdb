//! Pass: requiredness by direction. A field the document requires is relaxed to optional where its type
//! travels in a direction in which the field may be missing, and the pagination presences follow.

use crate::lower::*;

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
/// The pass: requiredness by direction first, then the pagination presences that copy it.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    relax_one_way_required(api);
    sync_pagination_presence(api);
}

pub(in crate::lower) fn relax_one_way_required(api: &mut Api) {
    let usage = api.type_usage();
    for t in &mut api.types {
        let u = usage.get(&t.name.rust).copied().unwrap_or(Usage::BOTH);
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
    let presence = |types: &[TypeDef], ty: &str, field: &str| -> Option<Presence> {
        let def = types.iter().find(|t| t.name.rust == ty)?;
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
            TypeRef::Named(n) => n.clone(),
            TypeRef::List(inner) => match &**inner {
                TypeRef::Named(n) => n.clone(),
                _ => continue,
            },
            _ => continue,
        };
        if let Some(items) = presence(types, &page, &p.items.rust) {
            p.items_presence = items;
        }
        let [pagination, last] = [p.next_cursor.first(), p.next_cursor.get(1)];
        let (Some(pagination), Some(last)) = (pagination, last) else {
            continue;
        };
        if let Some(found) = presence(types, &page, pagination) {
            p.pagination_presence = found;
        }
        let pagination_ty = types.iter().find(|t| t.name.rust == page).and_then(|def| {
            let TypeKind::Struct { fields, .. } = &def.kind else {
                return None;
            };
            match &fields.iter().find(|f| &f.name.rust == pagination)?.ty {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            }
        });
        if let Some(found) = pagination_ty.and_then(|t| presence(types, &t, last)) {
            p.cursor_presence = found;
        }
    }
}
