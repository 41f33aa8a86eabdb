//! Named types and type references: structs and their fields, enums, unions, aliases, and the
//! directions a type travels in.

use serde::Serialize;

use super::*;

/// A named Rust type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeDef {
    /// Wire: the component name (or the context path of an inline schema); Rust: the type name.
    pub name: Name,
    /// Where the schema is.
    pub pointer: String,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// What kind of type.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in document order.
        fields: Vec<Field>,
        /// `additionalProperties` next to known fields: a flattened map field.
        additional: Option<AdditionalField>,
        /// How the struct can be constructed.
        construct: Construct,
        /// Decoded from responses only: `#[non_exhaustive]`, so a field the service adds is not a
        /// breaking change; users build one with `new` (or `Default`), never with a struct literal. Only
        /// written to the JSON dump when set.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        non_exhaustive: bool,
    },
    /// A string enum with an `Unknown(String)` fallback.
    StringEnum {
        /// Known values.
        variants: Vec<Variant>,
    },
    /// An integer enum with an `Unknown(i64)` fallback.
    IntEnum {
        /// Known values.
        variants: Vec<IntVariant>,
    },
    /// `oneOf`/`anyOf`.
    Union {
        /// The discriminator property, if the union is tagged.
        discriminator: Option<String>,
        /// Alternatives, in the order they are tried (untagged) or listed (tagged).
        variants: Vec<UnionVariant>,
    },
    /// A named alias for another type (`type X = ...`).
    Alias {
        /// The aliased type.
        target: TypeRef,
    },
}

/// The flattened map field that keeps `additionalProperties`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdditionalField {
    /// The field's Rust name.
    pub rust: String,
    /// The map's value type.
    pub ty: TypeRef,
}

/// How a struct is constructed by users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    /// No required fields: `Default` is derived.
    Default,
    /// A `new(required...)` constructor (at most seven required fields).
    New,
    /// Struct literal only.
    Literal,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// Property name and field name.
    pub name: Name,
    /// Where the property is.
    pub pointer: String,
    /// The value type (without `Option`).
    pub ty: TypeRef,
    /// Required, optional, nullable.
    pub presence: Presence,
    /// The field needs a `Box` to break a cycle of by-value containment.
    pub boxed: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly: true`: sent by the client only.
    pub write_only: bool,
    /// Marked `x-klarna-inferred: true`: no source confirms the property, so it is optional in every type
    /// that is decoded from a response, whatever `required` says.
    pub inferred: bool,
    /// The document lists the property in `required`, but [`Field::presence`] was relaxed to optional
    /// because the type travels in a direction where the field may be missing (`readOnly` in requests;
    /// `writeOnly` or `x-klarna-inferred` in responses). The document's requiredness is `presence` being
    /// required, or this. Only written to the JSON dump when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub relaxed: bool,
    /// Marked `x-klarna-sensitive: true` or `format: password` (a secret, key or token): `Debug` shows
    /// it as `<redacted>`.
    pub sensitive: bool,
    /// The documented default, as JSON text (the server applies it when the field is absent).
    pub default: Option<String>,
}

/// Whether a value must be there and whether it may be null.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, serialized as `null` when `None`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, skipped when `None`.
    Optional,
    /// May be absent or null, and the two differ: `Nullable<T>` (absent / null / value).
    OptionalNullable,
}

/// A known value of a string enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Wire value and variant name.
    pub name: Name,
}

/// A known value of an integer enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntVariant {
    /// The value.
    pub value: i64,
    /// The variant name.
    pub rust: String,
}

/// One alternative of a union.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnionVariant {
    /// Wire: the discriminator value(s) joined by `|` (tagged) or the schema name; Rust: the variant name.
    pub name: Name,
    /// Discriminator values that select this variant (tagged unions only).
    pub tags: Vec<String>,
    /// The payload type.
    pub ty: TypeRef,
    /// The payload needs a `Box` to break a cycle.
    pub boxed: bool,
    /// The discriminator value the union writes into the payload's JSON when serializing: set on the
    /// variants of a tagged union whose payload has no discriminator property (it would lose the value,
    /// and the union could not be read back). Only written to the JSON dump when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes_tag: Option<String>,
}

/// A reference to a type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", content = "of", rename_all = "snake_case")]
pub enum TypeRef {
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64`: an integer whose bounds reach past `i64` (`maximum: 18446744073709551615`, or `format:
    /// uint64`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// A string; the format is kept for documentation and diffing.
    String(Option<String>),
    /// Raw bytes (`format: binary`).
    Bytes,
    /// Any JSON value.
    Json,
    /// A named type of the same API: an index into [`Api::types`].
    Named(TypeId),
    /// A list.
    List(Box<TypeRef>),
    /// A string-keyed map.
    Map(Box<TypeRef>),
    /// An element that may be `null`: a list item or map value the document marks nullable
    /// (`Option<T>`; `None` is written as `null`). Fields say the same through [`Presence`].
    OrNull(Box<TypeRef>),
}

/// A named type of an API: its index in [`Api::types`]. Lowering hands out ids and makes every reference
/// an id, so renaming a type is one change in one place and no reference can name a type that is not
/// emitted. Ids are only meaningful within their API: comparing types of two APIs (the spec diff) goes
/// through their names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TypeId(pub usize);

impl TypeRef {
    /// The named type this reference reaches, through lists, maps and nullable elements.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => inner.named(),
            _ => None,
        }
    }
}

/// How a string of a given `format` is represented in Rust: the formats the runtime has a
/// validated type for, and plain text for every other format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringRepr {
    /// `String`: no format, or one without its own type (`email`, `uri`, `password`, ...).
    Text,
    /// `format: date-time`: an RFC 3339 timestamp.
    DateTime,
    /// `format: date`: an RFC 3339 `full-date`.
    Date,
    /// `format: uuid`.
    Uuid,
    /// `format: byte`: base64 text, held decoded.
    Base64,
    /// `format: decimal`: exact decimal text.
    Decimal,
}

impl StringRepr {
    /// The representation of a string with this `format`.
    pub fn of(format: Option<&str>) -> StringRepr {
        match format {
            Some("date-time") => StringRepr::DateTime,
            Some("date") => StringRepr::Date,
            Some("uuid") => StringRepr::Uuid,
            Some("byte") => StringRepr::Base64,
            Some("decimal") => StringRepr::Decimal,
            _ => StringRepr::Text,
        }
    }
}

/// Which directions a named type travels in: sent in requests, received in responses, or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reached from a parameter or a request body (not through `readOnly` fields).
    pub request: bool,
    /// Reached from a success response body (not through `writeOnly` fields).
    pub response: bool,
}

impl Usage {
    /// Both directions.
    pub const BOTH: Usage = Usage {
        request: true,
        response: true,
    };

    /// Either direction of either.
    pub fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

impl Api {
    /// The named type `id` stands for.
    ///
    /// # Panics
    ///
    /// When `id` is not one of this API's: ids come from lowering the same API, so that is a bug in
    /// the generator, not a problem of the input.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The Rust name of the named type `id`.
    pub fn type_name(&self, id: TypeId) -> &str {
        &self.ty(id).name.rust
    }

    /// The named type `id` as the facade's type registry names it: `<module>::<Type>`, raw identifiers
    /// without their `r#`.
    pub fn registry_name(&self, id: TypeId) -> String {
        let unraw = crate::naming::unraw;
        format!(
            "{}::{}",
            unraw(&self.module.rust),
            unraw(self.type_name(id))
        )
    }

    /// The named type whose Rust name is `rust`, if any.
    pub fn type_by_name(&self, rust: &str) -> Option<TypeId> {
        self.types
            .binary_search_by(|t| t.name.rust.as_str().cmp(rust))
            .ok()
            .map(TypeId)
    }

    /// The directions each named type that an operation reaches travels in, indexed by [`TypeId`]. Types
    /// no operation reaches (webhook payloads, unused components) are `None`.
    pub fn type_usage(&self) -> Vec<Option<Usage>> {
        fn push_named(ty: &TypeRef, request: bool, stack: &mut Vec<(TypeId, bool)>) {
            if let Some(id) = ty.named() {
                stack.push((id, request));
            }
        }
        let mut out: Vec<Option<Usage>> = vec![None; self.types.len()];
        let mut stack: Vec<(TypeId, bool)> = Vec::new();
        for op in self.resources.iter().flat_map(|r| &r.operations) {
            for p in op
                .path_params
                .iter()
                .chain(&op.query_params)
                .chain(&op.header_params)
            {
                push_named(&p.ty, true, &mut stack);
            }
            if let Some(b) = &op.body {
                push_named(&b.ty, true, &mut stack);
            }
            for alt in &op.response.alternatives {
                if let ResponseBody::Json(t) = &alt.body {
                    push_named(t, false, &mut stack);
                }
            }
        }
        while let Some((id, request)) = stack.pop() {
            let entry = out[id.0].get_or_insert_with(Usage::default);
            let seen = if request {
                &mut entry.request
            } else {
                &mut entry.response
            };
            if *seen {
                continue;
            }
            *seen = true;
            match &self.ty(id).kind {
                TypeKind::Struct {
                    fields, additional, ..
                } => {
                    for f in fields {
                        if (request && f.read_only) || (!request && f.write_only) {
                            continue;
                        }
                        push_named(&f.ty, request, &mut stack);
                    }
                    if let Some(a) = additional {
                        push_named(&a.ty, request, &mut stack);
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for v in variants {
                        push_named(&v.ty, request, &mut stack);
                    }
                }
                TypeKind::Alias { target } => push_named(target, request, &mut stack),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
            }
        }
        out
    }

    /// Calls `f` on every type reference of the API (types, operations, pagination, events), outermost
    /// first: what renumbering the types has to follow.
    pub fn for_each_type_ref_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        fn walk(t: &mut TypeRef, f: &mut impl FnMut(&mut TypeRef)) {
            f(t);
            if let TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) = t {
                walk(inner, f);
            }
        }
        for def in &mut self.types {
            match &mut def.kind {
                TypeKind::Struct {
                    fields, additional, ..
                } => {
                    for field in fields {
                        walk(&mut field.ty, f);
                    }
                    if let Some(a) = additional {
                        walk(&mut a.ty, f);
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for v in variants {
                        walk(&mut v.ty, f);
                    }
                }
                TypeKind::Alias { target } => walk(target, f),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
            }
        }
        for op in self
            .resources
            .iter_mut()
            .flat_map(|r| r.operations.iter_mut())
        {
            for p in op
                .path_params
                .iter_mut()
                .chain(&mut op.query_params)
                .chain(&mut op.header_params)
            {
                walk(&mut p.ty, f);
            }
            if let Some(b) = &mut op.body {
                walk(&mut b.ty, f);
            }
            for alt in op.response.alternatives.iter_mut().chain(&mut op.errors) {
                if let ResponseBody::Json(t) = &mut alt.body {
                    walk(t, f);
                }
            }
            if let Some(p) = &mut op.pagination {
                walk(&mut p.item_ty, f);
                walk(&mut p.page_ty, f);
            }
        }
        if let Some(events) = &mut self.events {
            let mut enum_ty = TypeRef::Named(events.enum_ty);
            walk(&mut enum_ty, f);
            if let TypeRef::Named(id) = enum_ty {
                events.enum_ty = id;
            }
            for e in &mut events.events {
                walk(&mut e.payload, f);
            }
        }
    }
}
