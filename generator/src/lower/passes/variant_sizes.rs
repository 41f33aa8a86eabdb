//! Pass: boxes the payloads of enum variants that would make their enum much larger than its other
//! variants (unions, and the per-operation success and error enums), so a value of the enum does not
//! take the largest variant's size whatever it holds, and the generated crate passes clippy's
//! `large_enum_variant` for its users.
//!
//! Sizes are estimated from the IR (a `String` 24 bytes, a struct the sum of its fields, ...): they
//! over-count rather than under-count, and a variant is boxed once it exceeds the next largest by
//! `THRESHOLD` bytes, well inside clippy's 200.

use crate::lower::*;

/// Boxed once larger than the next largest variant by more than this many bytes.
pub(in crate::lower) const THRESHOLD: usize = 128;

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    let mut sizes = Sizes {
        api,
        memo: vec![None; api.types.len()],
        boxes: vec![Vec::new(); api.types.len()],
    };
    // Measuring a union decides its boxes first, so a union that contains another is measured with
    // the inner union's boxes already in place (deciding from the unboxed sizes over-counts the outer
    // union's variants unevenly and can leave its largest variant unboxed).
    for i in 0..api.types.len() {
        sizes.named(TypeId(i));
    }
    let op_sizes: Vec<(Vec<usize>, Vec<usize>)> = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .map(|op| {
            let alts = |alts: &[AltResponse], sizes: &mut Sizes<'_>| -> Vec<usize> {
                alts.iter().map(|a| body_size(&a.body, sizes)).collect()
            };
            (
                if op.responses_enum.is_some() {
                    alts(&op.response.alternatives, &mut sizes)
                } else {
                    Vec::new()
                },
                if op.errors_enum.is_some() {
                    alts(&op.errors, &mut sizes)
                } else {
                    Vec::new()
                },
            )
        })
        .collect();
    let union_boxes = sizes.boxes;
    for (t, boxes) in api.types.iter_mut().zip(union_boxes) {
        if let TypeKind::Union { variants, .. } = &mut t.kind {
            for i in boxes {
                variants[i].boxed = true;
            }
        }
    }
    let ops = api
        .resources
        .iter_mut()
        .flat_map(|r| r.operations.iter_mut());
    for (op, (success, errors)) in ops.zip(op_sizes) {
        for i in to_box(success) {
            op.response.alternatives[i].boxed = true;
        }
        for i in to_box(errors) {
            op.errors[i].boxed = true;
        }
    }
}

/// A pointer, as a `Box` holds its payload.
const POINTER: usize = 8;

/// A union's `Unknown(serde_json::Value)` variant, which is never boxed.
const UNKNOWN: usize = 32;

/// The variants to box: the largest, as long as it exceeds the next largest by more than `THRESHOLD`.
pub(in crate::lower) fn to_box(mut sizes: Vec<usize>) -> Vec<usize> {
    let mut boxed = Vec::new();
    while sizes.len() > 1 {
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by(|a, b| sizes[*b].cmp(&sizes[*a]).then(a.cmp(b)));
        let (largest, next) = (order[0], order[1]);
        if sizes[largest] <= sizes[next] + THRESHOLD {
            break;
        }
        boxed.push(largest);
        sizes[largest] = POINTER;
    }
    boxed.sort_unstable();
    boxed
}

fn body_size(body: &ResponseBody, sizes: &mut Sizes<'_>) -> usize {
    match body {
        ResponseBody::Empty => 0,
        // `bytes::Bytes`.
        ResponseBody::Bytes(_) => 32,
        ResponseBody::Json(t) => sizes.of(t),
    }
}

/// Estimated sizes of an API's types, memoized by id.
struct Sizes<'a> {
    api: &'a Api,
    /// `Some(size)` once known; a type being measured counts as a pointer (a cycle is boxed somewhere).
    memo: Vec<Option<usize>>,
    /// By type: the variants of a union to box, decided when the union is measured.
    boxes: Vec<Vec<usize>>,
}

impl Sizes<'_> {
    fn of(&mut self, t: &TypeRef) -> usize {
        match t {
            TypeRef::Bool => 1,
            TypeRef::I32 | TypeRef::F32 => 4,
            TypeRef::I64 | TypeRef::U64 | TypeRef::F64 => 8,
            TypeRef::String(format) => match StringRepr::of(format.as_deref()) {
                StringRepr::DateTime => 32,
                StringRepr::Text | StringRepr::Base64 => 24,
                StringRepr::Uuid | StringRepr::Decimal => 16,
                StringRepr::Date => 4,
            },
            TypeRef::Bytes | TypeRef::List(_) | TypeRef::Map(_) => 24,
            TypeRef::Json => 32,
            TypeRef::Named(id) => self.named(*id),
            // `Option<T>`: no bigger than `T` plus a word for the tag (often nothing, a niche).
            TypeRef::OrNull(inner) => self.of(inner) + 8,
        }
    }

    fn named(&mut self, id: TypeId) -> usize {
        if let Some(known) = self.memo[id.0] {
            return known;
        }
        self.memo[id.0] = Some(POINTER);
        let api = self.api;
        let size = match &api.ty(id).kind {
            TypeKind::Struct {
                fields, additional, ..
            } => {
                let fields: usize = fields
                    .iter()
                    .map(|f| {
                        let inner = if f.boxed { POINTER } else { self.of(&f.ty) };
                        match f.presence {
                            // `Option` fits in the payload's spare values for most types; a tag word otherwise.
                            Presence::Required => inner,
                            _ => inner + POINTER,
                        }
                    })
                    .sum();
                fields + additional.as_ref().map_or(0, |_| 24)
            }
            // `Unknown(String)` beside the known values.
            TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => 24,
            TypeKind::Union { variants, .. } => {
                let mut sizes: Vec<usize> = variants
                    .iter()
                    .map(|v| if v.boxed { POINTER } else { self.of(&v.ty) })
                    .collect();
                // The `Unknown` variant counts as a sibling (a union of one large variant is boxed),
                // but is never boxed itself.
                sizes.push(UNKNOWN);
                let boxes: Vec<usize> = to_box(sizes.clone())
                    .into_iter()
                    .filter(|i| *i < variants.len())
                    .collect();
                for i in &boxes {
                    sizes[*i] = POINTER;
                }
                self.boxes[id.0] = boxes;
                sizes.into_iter().max().unwrap_or(0) + POINTER
            }
            TypeKind::Alias { target } => self.of(target),
        };
        self.memo[id.0] = Some(size);
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{doc, lower_until, op};

    #[test]
    fn the_largest_variant_is_boxed_while_it_exceeds_the_next() {
        let table: &[(&[usize], &[usize])] = &[
            (&[264, 24], &[0]),
            (&[24, 264], &[1]),
            (&[100, 24], &[]),
            (&[800, 400, 24], &[0, 1]),
            (&[500, 400, 24], &[]),
            (&[500, 450], &[]),
            (&[0], &[]),
            (&[], &[]),
        ];
        for (sizes, boxed) in table {
            assert_eq!(to_box(sizes.to_vec()), *boxed, "{sizes:?}");
        }
    }

    #[test]
    fn a_large_struct_beside_a_string_is_boxed_in_unions_and_status_enums() {
        let big: String = (0..11)
            .map(|i| format!("f{i}: {{type: string}}, "))
            .collect();
        let yaml = doc(
            "  /things:\n    get:\n      operationId: getThing\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Big'}\n        '202':\n          description: later\n          content:\n            application/json:\n              schema: {type: string}",
            &format!(
                "  Big: {{type: object, properties: {{{big}}}}}\n  Small: {{type: object, properties: {{a: {{type: string}}}}}}\n  Either: {{oneOf: [{{$ref: '#/components/schemas/Big'}}, {{type: string}}]}}\n  Close: {{oneOf: [{{$ref: '#/components/schemas/Small'}}, {{type: string}}]}}"
            ),
        );
        let (before, _) = lower_until(&yaml, Some("cycles"));
        let (api, _) = lower_until(&yaml, Some("variant_sizes"));
        let boxed = |api: &Api, name: &str| -> Vec<bool> {
            match &crate::lower::test_support::ty(api, name).kind {
                TypeKind::Union { variants, .. } => variants.iter().map(|v| v.boxed).collect(),
                other => panic!("{name} is not a union: {other:?}"),
            }
        };
        assert_eq!(boxed(&before, "Either"), [false, false]);
        assert_eq!(boxed(&api, "Either"), [true, false]);
        assert_eq!(boxed(&api, "Close"), [false, false]);
        let alternatives: Vec<bool> = op(&api, "getThing")
            .response
            .alternatives
            .iter()
            .map(|a| a.boxed)
            .collect();
        assert_eq!(alternatives, [true, false]);
    }

    #[test]
    fn a_union_is_measured_with_the_boxes_of_the_unions_it_contains() {
        // `Card` holds `Inner`, whose `Big` variant is boxed: `Card` is then small and `Big` beside it in
        // `Outer` must be boxed (measured with `Inner` unboxed, `Card` looked as large as `Big`).
        let big: String = (0..11)
            .map(|i| format!("f{i}: {{type: string}}, "))
            .collect();
        let yaml = doc(
            "  /things:\n    get:\n      operationId: getThing\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Outer'}",
            &format!(
                "  Big: {{type: object, properties: {{{big}}}}}\n  Inner: {{oneOf: [{{$ref: '#/components/schemas/Big'}}, {{type: string}}]}}\n  Card: {{type: object, properties: {{inner: {{$ref: '#/components/schemas/Inner'}}}}}}\n  Outer: {{oneOf: [{{$ref: '#/components/schemas/Big'}}, {{$ref: '#/components/schemas/Card'}}]}}\n  Lone: {{oneOf: [{{$ref: '#/components/schemas/Big'}}], discriminator: {{propertyName: f0}}}}"
            ),
        );
        let (api, _) = lower_until(&yaml, Some("variant_sizes"));
        let boxed = |name: &str| -> Vec<bool> {
            match &crate::lower::test_support::ty(&api, name).kind {
                TypeKind::Union { variants, .. } => variants.iter().map(|v| v.boxed).collect(),
                other => panic!("{name} is not a union: {other:?}"),
            }
        };
        assert_eq!(boxed("Inner"), [true, false]);
        assert_eq!(boxed("Outer"), [true, false]);
        assert_eq!(boxed("Lone"), [true]);
    }
}
