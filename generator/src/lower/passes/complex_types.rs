//! Pass: names the deeply nested list and map types that clippy's `type_complexity` refuses where they
//! are spelled out (a field, a variant, a parameter, a body). A field `Vec<Vec<Vec<BTreeMap<String,
//! Vec<String>>>>>` becomes a field of type `ReqDeep`, an alias for that type that users can also name; an
//! alias definition is not linted.

use crate::lower::*;

/// Clippy's default `type-complexity-threshold`: a type scoring more is linted.
const THRESHOLD: usize = 250;

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, diags: &mut Diagnostics) {
    let mut scope = Scope::new(api.types.iter().map(|t| unraw(&t.name.rust).to_owned()));
    let mut hoisted: Vec<TypeDef> = Vec::new();
    let first_new = api.types.len();
    let file = api.source.file.clone();
    // `nest`: the level the type is spelled at (1 bare, 2 inside an `Option` or `Nullable`).
    let mut hoist =
        |ty: &mut TypeRef, nest: usize, wanted: String, pointer: &str, diags: &mut Diagnostics| {
            if score_at(ty, nest) <= THRESHOLD {
                return;
            }
            let place = names::Place {
                file: &file,
                location: Location::Pointer(pointer.to_owned()),
            };
            let rust = names::claim_type(&mut scope, &wanted, place, diags);
            let target = std::mem::replace(ty, TypeRef::Named(TypeId(first_new + hoisted.len())));
            hoisted.push(TypeDef {
                name: Name {
                    wire: rust.clone(),
                    rust,
                },
                pointer: pointer.to_owned(),
                doc: None,
                deprecated: false,
                kind: TypeKind::Alias { target },
            });
        };
    for def in &mut api.types {
        let owner = def.name.rust.clone();
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    let wanted = format!("{owner}{}", sanitize(&f.name.wire, Case::Pascal));
                    let nest = if f.presence == Presence::Required {
                        1
                    } else {
                        2
                    };
                    hoist(&mut f.ty, nest, wanted, &f.pointer, diags);
                }
            }
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    let wanted = format!("{owner}{}", unraw(&v.name.rust));
                    hoist(&mut v.ty, 1, wanted, &def.pointer, diags);
                }
            }
            _ => {}
        }
    }
    for op in api.resources.iter_mut().flat_map(|r| &mut r.operations) {
        let owner = op.builder.clone();
        for p in op
            .path_params
            .iter_mut()
            .chain(&mut op.query_params)
            .chain(&mut op.header_params)
        {
            let wanted = format!("{owner}{}", sanitize(&p.name.wire, Case::Pascal));
            let nest = if p.required { 1 } else { 2 };
            hoist(&mut p.ty, nest, wanted, &p.pointer, diags);
        }
        if let Some(b) = &mut op.body {
            let nest = if b.required { 1 } else { 2 };
            hoist(&mut b.ty, nest, format!("{owner}Body"), &op.pointer, diags);
        }
        if op.response.is_enum() {
            for a in &mut op.response.alternatives {
                if let ResponseBody::Json(t) = &mut a.body {
                    hoist(t, 1, format!("{owner}{}", a.variant), &op.pointer, diags);
                }
            }
        } else if let Some(ResponseBody::Json(t)) =
            op.response.alternatives.first_mut().map(|a| &mut a.body)
        {
            // Inside `Response<...>`.
            hoist(t, 2, format!("{owner}Response"), &op.pointer, diags);
        }
        for a in &mut op.errors {
            if let ResponseBody::Json(t) = &mut a.body {
                hoist(t, 1, format!("{owner}{}", a.variant), &op.pointer, diags);
            }
        }
    }
    api.types.extend(hoisted);
}

/// Clippy's score of a type spelled at nesting level `nest`, the wrappers around it (`Option` at level 1,
/// ...) included.
pub(in crate::lower) fn score_at(ty: &TypeRef, nest: usize) -> usize {
    5 * nest * (nest - 1) + score(ty, nest)
}

/// Clippy's score of a type spelled at nesting level `nest`: 10 per level for each path type, its
/// generic arguments one level deeper (a map's `String` key included).
pub(in crate::lower) fn score(ty: &TypeRef, nest: usize) -> usize {
    10 * nest
        + match ty {
            TypeRef::List(inner) | TypeRef::OrNull(inner) => score(inner, nest + 1),
            TypeRef::Map(inner) => 10 * (nest + 1) + score(inner, nest + 1),
            _ => 0,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{doc, fields, lower_until, ty};

    #[test]
    fn scores_follow_clippy() {
        let string = || Box::new(TypeRef::String(None));
        // Option<Vec<Vec<Vec<Vec<String>>>>>: 10 + 20 + 30 + 40 + 50 + 60.
        let lists = TypeRef::List(Box::new(TypeRef::List(Box::new(TypeRef::List(Box::new(
            TypeRef::List(string()),
        ))))));
        assert_eq!(score_at(&lists, 2), 210);
        // Option<Vec<Vec<BTreeMap<String, Vec<String>>>>>: 10 + 20 + 30 + 40 + 50 + 50 + 60.
        let maps = TypeRef::List(Box::new(TypeRef::List(Box::new(TypeRef::Map(Box::new(
            TypeRef::List(string()),
        ))))));
        assert_eq!(score_at(&maps, 2), 260);
        // Vec<Vec<BTreeMap<String, Vec<String>>>> as a union variant: 10 + 20 + 30 + 40 + 40 + 50.
        assert_eq!(score_at(&maps, 1), 190);
    }

    #[test]
    fn a_type_clippy_finds_too_complex_is_named_and_a_simpler_one_is_not() {
        let deep = "{type: array, items: {type: array, items: {type: object, additionalProperties: {type: array, items: {type: string}}}}}";
        let yaml = doc(
            &format!(
                "  /deep:\n    post:\n      operationId: deepOp\n      requestBody:\n        content:\n          application/json:\n            schema: {deep}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {deep}"
            ),
            &format!(
                "  Req:\n    type: object\n    properties:\n      deep: {deep}\n      flat: {{type: array, items: {{type: array, items: {{type: string}}}}}}\n  U:\n    oneOf: [{deep}, {{type: array, items: {deep}}}]"
            ),
        );
        let (api, _) = lower_until(&yaml, Some("complex_types"));
        let named = |t: &TypeRef| match t {
            TypeRef::Named(id) => Some(api.ty(*id).name.rust.clone()),
            _ => None,
        };
        let f = fields(&api, "Req");
        assert_eq!(named(&f[0].ty).as_deref(), Some("ReqDeep"));
        assert_eq!(named(&f[1].ty), None);
        match &ty(&api, "U").kind {
            TypeKind::Union { variants, .. } => {
                // Bare in its variant, the nested type is simple enough; one level deeper it is not.
                let hoisted: Vec<bool> = variants.iter().map(|v| named(&v.ty).is_some()).collect();
                assert_eq!(hoisted, [false, true]);
            }
            other => panic!("U is not a union: {other:?}"),
        }
        let op = crate::lower::test_support::op(&api, "deepOp");
        assert_eq!(
            named(&op.body.as_ref().expect("a body").ty).as_deref(),
            Some("DeepOpBody")
        );
        match op.response.body() {
            ResponseBody::Json(t) => assert_eq!(named(t).as_deref(), Some("DeepOpResponse")),
            other => panic!("not JSON: {other:?}"),
        }
        assert!(matches!(
            &ty(&api, "ReqDeep").kind,
            TypeKind::Alias {
                target: TypeRef::List(_)
            }
        ));
    }
}
