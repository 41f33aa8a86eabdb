//! Changes to named types: kinds, enum values, union variants, struct fields (presence, type, direction),
//! and the text messages spell types with.

use super::*;

pub(super) fn diff_types(old: &Api, new: &Api, d: &mut ApiDiff<'_>) {
    let olds: BTreeMap<&str, &TypeDef> = old
        .types
        .iter()
        .map(|t| (t.name.rust.as_str(), t))
        .collect();
    let news: BTreeMap<&str, &TypeDef> = new
        .types
        .iter()
        .map(|t| (t.name.rust.as_str(), t))
        .collect();
    for (name, t) in &olds {
        if !news.contains_key(name) {
            // The wire effect is reported where the type was referenced (the field, variant, body or
            // operation that stopped using it); the removal itself takes a public item out of the crate.
            let msg = format!("type `{name}` removed");
            d.push(
                ChangeKind::TypeRemoved,
                Class::NonBreaking,
                true,
                name,
                None,
                &t.pointer,
                msg,
            );
        }
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let msg = format!("type `{name}` ({}) added", kind_text(new, &n.kind));
            d.push(
                ChangeKind::TypeAdded,
                Class::NonBreaking,
                false,
                name,
                None,
                &n.pointer,
                msg,
            );
            continue;
        };
        let usage = d.usage_of(name);
        match (&o.kind, &n.kind) {
            (
                TypeKind::Struct {
                    fields: of,
                    non_exhaustive: o_sealed,
                    ..
                },
                TypeKind::Struct {
                    fields: nf,
                    non_exhaustive: n_sealed,
                    ..
                },
            ) => {
                if o_sealed != n_sealed {
                    // No change on the wire; in Rust, sealing breaks users' struct literals.
                    let msg = if *n_sealed {
                        format!(
                            "struct `{name}` is now `#[non_exhaustive]` (decoded from responses only): build it with `new` or `Default`"
                        )
                    } else {
                        format!(
                            "struct `{name}` is no longer `#[non_exhaustive]` (now also sent in requests)"
                        )
                    };
                    d.push(
                        ChangeKind::StructExhaustivenessChanged,
                        Class::NonBreaking,
                        *n_sealed,
                        name,
                        None,
                        &n.pointer,
                        msg,
                    );
                }
                diff_fields(name, of, nf, usage, *o_sealed && *n_sealed, d);
            }
            (TypeKind::StringEnum { variants: ov }, TypeKind::StringEnum { variants: nv }) => {
                let ov: Vec<String> = ov.iter().map(|v| v.name.wire.clone()).collect();
                let nv: Vec<String> = nv.iter().map(|v| v.name.wire.clone()).collect();
                diff_enum(name, &n.pointer, &ov, &nv, usage, d);
            }
            (TypeKind::IntEnum { variants: ov }, TypeKind::IntEnum { variants: nv }) => {
                let ov: Vec<String> = ov.iter().map(|v| v.value.to_string()).collect();
                let nv: Vec<String> = nv.iter().map(|v| v.value.to_string()).collect();
                diff_enum(name, &n.pointer, &ov, &nv, usage, d);
            }
            (TypeKind::Union { variants: ov, .. }, TypeKind::Union { variants: nv, .. }) => {
                let om: BTreeMap<&str, _> = ov.iter().map(|v| (v.name.wire.as_str(), v)).collect();
                let nm: BTreeMap<&str, _> = nv.iter().map(|v| (v.name.wire.as_str(), v)).collect();
                for v in om.keys().filter(|k| !nm.contains_key(*k)) {
                    // Requests may no longer send it; responses simply stop carrying it.
                    let class = usage.classify(Class::Breaking, Class::NonBreaking);
                    let msg = format!("union alternative `{v}` removed ({} type)", usage.label());
                    d.push(
                        ChangeKind::UnionVariantRemoved,
                        class,
                        true,
                        name,
                        Some(v),
                        &o.pointer,
                        msg,
                    );
                }
                for (v, nvar) in &nm {
                    match om.get(v) {
                        None => {
                            // Every union has an `Unknown(serde_json::Value)` variant and is `#[non_exhaustive]`.
                            let class =
                                usage.classify(Class::NonBreaking, Class::ForwardCompatible);
                            let msg =
                                format!("union alternative `{v}` added ({} type)", usage.label());
                            d.push(
                                ChangeKind::UnionVariantAdded,
                                class,
                                false,
                                name,
                                Some(v),
                                &n.pointer,
                                msg,
                            );
                        }
                        Some(ovar) if type_text(d.old, &ovar.ty) != type_text(d.new, &nvar.ty) => {
                            let msg = format!(
                                "union alternative `{v}` changed from {} to {}",
                                type_text(d.old, &ovar.ty),
                                type_text(d.new, &nvar.ty)
                            );
                            d.push(
                                ChangeKind::UnionVariantChanged,
                                Class::Breaking,
                                true,
                                name,
                                Some(v),
                                &n.pointer,
                                msg,
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
            (TypeKind::Alias { target: ot }, TypeKind::Alias { target: nt }) => {
                if type_text(old, ot) != type_text(new, nt) {
                    let class = if format_only_change(ot, nt) {
                        usage.classify(Class::Breaking, Class::NonBreaking)
                    } else {
                        Class::Breaking
                    };
                    let msg = format!(
                        "alias `{name}` changed from {} to {}",
                        type_text(old, ot),
                        type_text(new, nt)
                    );
                    d.push(
                        ChangeKind::TypeChanged,
                        class,
                        class == Class::Breaking,
                        name,
                        None,
                        &n.pointer,
                        msg,
                    );
                }
            }
            (ok, nk) => {
                let msg = format!(
                    "type `{name}` changed from {} to {}",
                    kind_text(old, ok),
                    kind_text(new, nk)
                );
                d.push(
                    ChangeKind::TypeChanged,
                    Class::Breaking,
                    true,
                    name,
                    None,
                    &n.pointer,
                    msg,
                );
            }
        }
    }
}

pub(super) fn diff_enum(
    name: &str,
    pointer: &str,
    old: &[String],
    new: &[String],
    usage: Usage,
    d: &mut ApiDiff<'_>,
) {
    for v in old.iter().filter(|v| !new.contains(v)) {
        // Requests can no longer send it; a response-only type just stops receiving it.
        let class = usage.classify(Class::Breaking, Class::NonBreaking);
        let msg = format!("enum value `{v}` removed ({} type)", usage.label());
        d.push(
            ChangeKind::EnumValueRemoved,
            class,
            true,
            name,
            Some(v),
            pointer,
            msg,
        );
    }
    for v in new.iter().filter(|v| !old.contains(v)) {
        // Old crates read it as `Unknown(..)`; enums are `#[non_exhaustive]`, so the new variant breaks no match.
        let class = usage.classify(Class::NonBreaking, Class::ForwardCompatible);
        let msg = format!("enum value `{v}` added ({} type)", usage.label());
        d.push(
            ChangeKind::EnumValueAdded,
            class,
            false,
            name,
            Some(v),
            pointer,
            msg,
        );
    }
}

pub(super) fn is_required(p: Presence) -> bool {
    matches!(p, Presence::Required | Presence::RequiredNullable)
}

pub(super) fn is_nullable(p: Presence) -> bool {
    matches!(p, Presence::RequiredNullable | Presence::OptionalNullable)
}

/// The Rust shape of a field: `T`, `Option<T>` or `Nullable<T>`.
pub(super) fn rust_wrapper(p: Presence) -> &'static str {
    match p {
        Presence::Required => "T",
        Presence::RequiredNullable | Presence::Optional => "Option<T>",
        Presence::OptionalNullable => "Nullable<T>",
    }
}

/// `sealed`: the struct is `#[non_exhaustive]` on both sides, so users never write it as a literal.
pub(super) fn diff_fields(
    ty: &str,
    old: &[Field],
    new: &[Field],
    usage: Usage,
    sealed: bool,
    d: &mut ApiDiff<'_>,
) {
    let olds: BTreeMap<&str, &Field> = old.iter().map(|f| (f.name.wire.as_str(), f)).collect();
    let news: BTreeMap<&str, &Field> = new.iter().map(|f| (f.name.wire.as_str(), f)).collect();
    for (name, f) in &olds {
        if !news.contains_key(name) {
            let u = usage.for_field(f);
            // Removing a request field is judged breaking too: code that sets it stops compiling and the
            // value is no longer sent.
            let class = u.classify(Class::Breaking, Class::Breaking);
            let msg = format!("field `{name}` removed ({} type)", u.label());
            d.push(
                ChangeKind::FieldRemoved,
                class,
                true,
                ty,
                Some(name),
                &f.pointer,
                msg,
            );
        }
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let u = usage.for_field(n);
            let required = is_required(n.presence);
            let request = if required {
                Class::Breaking
            } else {
                Class::NonBreaking
            };
            let class = u.classify(request, Class::ForwardCompatible);
            let msg = format!(
                "{} field `{name}` ({}) added ({} type)",
                if required { "required" } else { "optional" },
                type_text(d.new, &n.ty),
                u.label()
            );
            // A new pub field breaks struct literals, unless the struct is `#[non_exhaustive]` (no
            // literals); a new required field still changes `new`'s arguments.
            d.push(
                ChangeKind::FieldAdded,
                class,
                !sealed || required,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
            continue;
        };
        let u = usage.for_field(o).union(usage.for_field(n));
        let rust_shape_changed = rust_wrapper(o.presence) != rust_wrapper(n.presence);
        if type_text(d.old, &o.ty) != type_text(d.new, &n.ty) {
            let class = if format_only_change(&o.ty, &n.ty) {
                u.classify(Class::Breaking, Class::NonBreaking)
            } else {
                Class::Breaking
            };
            let msg = format!(
                "field `{name}` type changed from {} to {}",
                type_text(d.old, &o.ty),
                type_text(d.new, &n.ty)
            );
            d.push(
                ChangeKind::FieldTypeChanged,
                class,
                class == Class::Breaking,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
        }
        let (or, nr) = (is_required(o.presence), is_required(n.presence));
        if or != nr {
            // Request: the client must now send it (breaking) or may omit it (fine).
            // Response: the client may now not get it (breaking) or always gets it (fine).
            let class = if nr {
                u.classify(Class::Breaking, Class::NonBreaking)
            } else {
                u.classify(Class::NonBreaking, Class::Breaking)
            };
            let msg = format!(
                "field `{name}` became {} ({} type; Rust {} → {})",
                if nr { "required" } else { "optional" },
                u.label(),
                rust_wrapper(o.presence),
                rust_wrapper(n.presence)
            );
            d.push(
                ChangeKind::FieldRequiredChanged,
                class,
                rust_shape_changed,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
        }
        let (on, nn) = (is_nullable(o.presence), is_nullable(n.presence));
        if on != nn {
            // Request: null is now accepted (fine) or rejected (breaking).
            // Response: null may now arrive where the old crate expects a value (breaking), or no longer (fine).
            let class = if nn {
                u.classify(Class::NonBreaking, Class::Breaking)
            } else {
                u.classify(Class::Breaking, Class::NonBreaking)
            };
            let msg = format!(
                "field `{name}` {} nullable ({} type; Rust {} → {})",
                if nn { "became" } else { "is no longer" },
                u.label(),
                rust_wrapper(o.presence),
                rust_wrapper(n.presence)
            );
            d.push(
                ChangeKind::FieldNullableChanged,
                class,
                rust_shape_changed,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
        }
    }
}

/// Only a string `format` differs: the Rust type (`String`) stays, the wire constraint changes.
/// Only the documented `format` changed, not the Rust type it is generated as.
pub(super) fn format_only_change(old: &TypeRef, new: &TypeRef) -> bool {
    match (old, new) {
        (TypeRef::String(a), TypeRef::String(b)) => {
            StringRepr::of(a.as_deref()) == StringRepr::of(b.as_deref())
        }
        (TypeRef::List(a), TypeRef::List(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::OrNull(a), TypeRef::OrNull(b)) => format_only_change(a, b),
        _ => false,
    }
}

/// A type as the report spells it. Two types, of the old and the new API, are the same when their texts
/// are: named types are compared by Rust name, since type ids only mean something within their API.
pub(super) fn type_text(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String(None) => "string".into(),
        TypeRef::String(Some(f)) => format!("string({f})"),
        TypeRef::Bytes => "bytes".into(),
        TypeRef::Json => "json".into(),
        TypeRef::Named(n) => format!("`{}`", api.type_name(*n)),
        TypeRef::List(i) => format!("list of {}", type_text(api, i)),
        TypeRef::Map(i) => format!("map of {}", type_text(api, i)),
        TypeRef::OrNull(i) => format!("{} or null", type_text(api, i)),
    }
}

pub(super) fn response_text(api: &Api, b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "no body".into(),
        ResponseBody::Json(t) => format!("JSON {}", type_text(api, t)),
        ResponseBody::Bytes(m) => format!("bytes ({m})"),
    }
}

pub(super) fn kind_text(api: &Api, k: &TypeKind) -> String {
    match k {
        TypeKind::Struct { .. } => "struct".into(),
        TypeKind::StringEnum { .. } => "string enum".into(),
        TypeKind::IntEnum { .. } => "integer enum".into(),
        TypeKind::Union { .. } => "union".into(),
        TypeKind::Alias { target } => format!("alias of {}", type_text(api, target)),
    }
}

pub(super) fn join(v: &[String]) -> String {
    v.join(", ")
}
