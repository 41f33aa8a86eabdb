//! Pass: marks the generated items that must name a deprecated type, so they (and only they) carry
//! `#[allow(deprecated)]`.

use crate::lower::*;

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    allow_deprecated_uses(api);
}

/// Marks the types, operations and webhook events whose generated items must name a deprecated type, so
/// that render gives exactly those items `#[allow(deprecated)]` and a crate generated from a document
/// with deprecated schemas compiles without warnings for its users.
///
/// A type is marked when it is deprecated itself (its impls, written by the template or the runtime's
/// enum macros, name it and its variants) or when a field, the `additionalProperties` map, a union
/// variant or an alias target is of a deprecated type. An operation is marked when a parameter, the
/// body, a success or error body or the page's items are of a deprecated type.
pub(in crate::lower) fn allow_deprecated_uses(api: &mut Api) {
    let deprecated: Vec<bool> = api.types.iter().map(|t| t.deprecated).collect();
    if !deprecated.contains(&true) {
        return;
    }
    let names = |ty: &TypeRef| ty.named().is_some_and(|n| deprecated[n.0]);
    let body_names = |body: &ResponseBody| matches!(body, ResponseBody::Json(t) if names(t));
    for t in &mut api.types {
        t.allow_deprecated = t.deprecated
            || match &t.kind {
                TypeKind::Struct {
                    fields, additional, ..
                } => {
                    fields.iter().any(|f| names(&f.ty))
                        || additional.as_ref().is_some_and(|a| names(&a.ty))
                }
                TypeKind::Union { variants, .. } => variants.iter().any(|v| names(&v.ty)),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => false,
                TypeKind::Alias { target } => names(target),
            };
    }
    for op in api.resources.iter_mut().flat_map(|r| &mut r.operations) {
        op.allow_deprecated = op
            .path_params
            .iter()
            .chain(&op.query_params)
            .chain(&op.header_params)
            .any(|p| names(&p.ty))
            || op.body.as_ref().is_some_and(|b| names(&b.ty))
            || body_names(&op.response.body)
            || op.response.alternatives.iter().any(|a| body_names(&a.body))
            || op.errors.iter().any(|a| body_names(&a.body))
            || op
                .pagination
                .as_ref()
                .is_some_and(|p| names(&p.item_ty) || names(&p.page_ty));
    }
    if let Some(events) = &mut api.events {
        events.allow_deprecated = events.events.iter().any(|e| names(&e.payload));
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::test_support::{doc, lower_until, ty};

    #[test]
    fn only_items_that_name_a_deprecated_type_are_marked() {
        let yaml = doc(
            "",
            "  Old: {type: object, deprecated: true}\n  Uses: {type: object, properties: {old: {$ref: '#/components/schemas/Old'}}}\n  ListOfOld: {type: array, items: {$ref: '#/components/schemas/Old'}}\n  Fine: {type: object, properties: {gone: {type: string, deprecated: true}}}",
        );
        let marked = |after: &str| -> Vec<bool> {
            let (api, _) = lower_until(&yaml, Some(after));
            ["Old", "Uses", "ListOfOld", "Fine"]
                .iter()
                .map(|n| ty(&api, n).allow_deprecated)
                .collect()
        };
        assert_eq!(marked("directions"), [false; 4]);
        // A deprecated field of a plain type needs no allow: the struct's own derives may name it.
        assert_eq!(marked("deprecation"), [true, true, true, false]);
    }
}
