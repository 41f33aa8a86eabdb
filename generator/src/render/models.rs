//! Models: the view of each named type (struct, string and integer enum, union, alias) that `templates/models.rs`
//! reads, and the redacting `Debug` view structs and request builders share.

use super::*;

pub(super) enum TypeView {
    Struct(StructView),
    StringEnum(EnumView),
    IntEnum(IntEnumView),
    Union(UnionView),
    Alias(AliasView),
}

pub(super) struct StructView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) attrs: String,
    /// Decoded from responses only: `#[non_exhaustive]`, so a field the service adds is not a
    /// breaking change.
    pub(super) non_exhaustive: bool,
    pub(super) derive_default: bool,
    pub(super) fields: Vec<FieldView>,
    pub(super) ctor: Option<CtorView>,
    /// A field is sensitive: `Debug` is written out, printing those fields as `<redacted>`.
    pub(super) redacted_debug: Option<DebugView>,
}

/// A hand-written `Debug` impl that redacts sensitive fields (as smithy-rs does for `@sensitive`).
pub(super) struct DebugView {
    /// The type name.
    pub(super) type_name: String,
    /// The type name as a string literal.
    pub(super) name_lit: String,
    pub(super) fields: Vec<DebugFieldView>,
}

pub(super) struct DebugFieldView {
    /// The field's Rust name.
    pub(super) name: String,
    /// The name `Debug` shows, as a string literal (no `r#`, as `#[derive(Debug)]` shows it).
    pub(super) name_lit: String,
    pub(super) sensitive: bool,
}

impl DebugView {
    /// The view when one of `fields` (Rust name, sensitive) is sensitive.
    pub(super) fn for_fields<'a>(
        name: &str,
        fields: impl Iterator<Item = (&'a str, bool)> + Clone,
    ) -> Option<DebugView> {
        if !fields.clone().any(|(_, sensitive)| sensitive) {
            return None;
        }
        Some(DebugView {
            type_name: name.to_owned(),
            name_lit: lit(unraw(name)),
            fields: fields
                .map(|(name, sensitive)| DebugFieldView {
                    name: name.to_owned(),
                    name_lit: lit(unraw(name)),
                    sensitive,
                })
                .collect(),
        })
    }
}

pub(super) struct FieldView {
    pub(super) name: String,
    pub(super) doc: String,
    /// What the field's `#[serde(...)]` attribute says.
    pub(super) serde: FieldSerde,
    /// `#[deprecated]` when the field is deprecated, else empty.
    pub(super) deprecated_attr: String,
    pub(super) ty: String,
}

/// The serde attribute of a struct field.
pub(super) enum FieldSerde {
    /// The properties the schema does not describe: `#[serde(flatten)]`.
    Flatten,
    /// A described property: its wire name as a string literal when it differs from the Rust name
    /// (`rename = ...`), and its presence (`default`, `skip_serializing_if` when it may be absent).
    Property(Option<String>, Presence),
}

pub(super) struct CtorView {
    /// `#[allow(clippy::too_many_arguments)]` with its reason when there are more than seven arguments.
    pub(super) attrs: String,
    pub(super) params: Vec<NameTy>,
    /// Field initializers, in field order.
    pub(super) inits: Vec<CtorInit>,
}

/// One field initializer of `new`.
pub(super) struct CtorInit {
    /// The field's Rust name.
    pub(super) name: String,
    pub(super) value: CtorValue,
}

/// What `new` initializes a field with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CtorValue {
    /// The argument of the same name (a required field).
    Arg,
    /// `None` (an optional field).
    None,
    /// `Nullable::Absent` (an optional nullable field).
    Absent,
    /// An empty map (the properties the schema does not describe).
    EmptyMap,
}

pub(super) struct NameTy {
    pub(super) name: String,
    pub(super) ty: String,
}

pub(super) struct EnumView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) attrs: String,
    pub(super) variants: Vec<VariantView>,
}

pub(super) struct VariantView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) wire_lit: String,
}

pub(super) struct IntEnumView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) attrs: String,
    pub(super) variants: Vec<IntVariantView>,
}

pub(super) struct IntVariantView {
    pub(super) name: String,
    pub(super) value: i64,
}

pub(super) struct UnionView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) attrs: String,
    pub(super) tag_lit: Option<String>,
    pub(super) variants: Vec<UnionVariantView>,
}

pub(super) struct UnionVariantView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) ty: String,
    pub(super) tags: String,
    /// The variant holds its value boxed: parsed values are wrapped in `Box::new` first.
    pub(super) boxed: bool,
    /// The discriminator property and value to write into the payload's JSON, for a payload without the
    /// property.
    pub(super) writes_tag: Option<TagWrite>,
}

/// A discriminator member the union's serializer adds: both as string literals.
pub(super) struct TagWrite {
    pub(super) key: String,
    pub(super) value: String,
}

pub(super) struct AliasView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) ty: String,
}

/// The type's documentation, or when the document describes none, which schema it is.
pub(super) fn type_doc(t: &TypeDef) -> String {
    outer_doc(&doc_or(
        &t.doc,
        format!("The `{}` schema.", t.name.wire.replace('`', "'")),
    ))
}

/// What a field is when the document does not describe it: the description of the schema it refers to
/// (a `$ref` property is described there), else its property name and type.
fn field_fallback_doc(api: &Api, f: &Field) -> String {
    let target = match &f.ty {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    };
    if let Some(doc) = target.and_then(|id| api.types[id.0].doc.as_deref())
        && let Some(first) = doc.split("\n\n").next().filter(|p| !p.trim().is_empty())
    {
        return first.to_owned();
    }
    let ty = match target {
        Some(id) => format!("[`{}`]", unraw(api.type_name(id))),
        None => format!("`{}`", short_type(api, &f.ty)),
    };
    format!("The `{}` property ({ty}).", f.name.wire.replace('`', "'"))
}

pub(super) fn type_view(api: &Api, t: &TypeDef) -> TypeView {
    let name = t.name.rust.clone();
    let doc = type_doc(t);
    let attrs = deprecated_attr(t.deprecated);
    match &t.kind {
        TypeKind::Struct {
            fields,
            additional,
            construct,
            non_exhaustive,
        } => {
            let mut views: Vec<FieldView> = fields.iter().map(|f| field_view(api, f)).collect();
            if let Some(extra) = additional {
                views.push(FieldView {
                    name: extra.rust.clone(),
                    doc: outer_doc("Properties not described by the schema, kept as received."),
                    serde: FieldSerde::Flatten,
                    deprecated_attr: String::new(),
                    ty: rust_type(api, &TypeRef::Map(Box::new(extra.ty.clone())), Models::Here),
                });
            }
            let required = fields
                .iter()
                .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
                .count();
            let ctor = (*construct == Construct::New).then(|| CtorView {
                // A response-only struct has no other way to be built.
                attrs: if required > 7 {
                    "#[allow(clippy::too_many_arguments)] // one argument per required field".into()
                } else {
                    String::new()
                },
                params: fields
                    .iter()
                    .filter(|f| {
                        matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                    })
                    .map(|f| NameTy {
                        name: f.name.rust.clone(),
                        ty: field_type(api, f),
                    })
                    .collect(),
                inits: fields
                    .iter()
                    .map(|f| CtorInit {
                        name: f.name.rust.clone(),
                        value: match f.presence {
                            Presence::Required | Presence::RequiredNullable => CtorValue::Arg,
                            Presence::Optional => CtorValue::None,
                            Presence::OptionalNullable => CtorValue::Absent,
                        },
                    })
                    .chain(additional.iter().map(|a| CtorInit {
                        name: a.rust.clone(),
                        value: CtorValue::EmptyMap,
                    }))
                    .collect(),
            });
            let redacted_debug = DebugView::for_fields(
                &name,
                fields
                    .iter()
                    .map(|f| (f.name.rust.as_str(), f.sensitive))
                    .chain(additional.iter().map(|a| (a.rust.as_str(), false))),
            );
            TypeView::Struct(StructView {
                name,
                doc,
                attrs,
                non_exhaustive: *non_exhaustive,
                derive_default: *construct == Construct::Default,
                fields: views,
                ctor,
                redacted_debug,
            })
        }
        TypeKind::StringEnum { variants } => TypeView::StringEnum(EnumView {
            name,
            doc,
            attrs,
            variants: variants
                .iter()
                .map(|v| VariantView {
                    name: v.name.rust.clone(),
                    doc: outer_doc(&format!("`{}`", v.name.wire.replace('`', "'"))),
                    wire_lit: lit(&v.name.wire),
                })
                .collect(),
        }),
        TypeKind::IntEnum { variants } => TypeView::IntEnum(IntEnumView {
            name,
            doc,
            attrs,
            variants: variants
                .iter()
                .map(|v| IntVariantView {
                    name: v.rust.clone(),
                    value: v.value,
                })
                .collect(),
        }),
        TypeKind::Union {
            discriminator,
            variants,
        } => TypeView::Union(UnionView {
            name,
            doc,
            attrs,
            tag_lit: discriminator.as_deref().map(lit),
            variants: variants
                .iter()
                .map(|v| UnionVariantView {
                    name: v.name.rust.clone(),
                    doc: outer_doc(&if v.tags.is_empty() {
                        format!("A `{}`.", short_type(api, &v.ty))
                    } else {
                        format!(
                            "Selected by {}.",
                            v.tags
                                .iter()
                                .map(|t| format!("`{t}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }),
                    ty: boxed_type(api, &v.ty, Models::Here, v.boxed),
                    tags: v
                        .tags
                        .iter()
                        .map(|t| lit(t))
                        .collect::<Vec<_>>()
                        .join(" | "),
                    boxed: v.boxed,
                    writes_tag: discriminator.as_deref().zip(v.writes_tag.as_deref()).map(
                        |(key, value)| TagWrite {
                            key: lit(key),
                            value: lit(value),
                        },
                    ),
                })
                .collect(),
        }),
        TypeKind::Alias { target } => TypeView::Alias(AliasView {
            name,
            doc,
            ty: rust_type(api, target, Models::Here),
        }),
    }
}

/// Where an inferred field's mark links to: the section of the API crate's documentation that explains
/// what inferred means (see `facade::api_doc`).
pub(super) const INFERRED_LINK: &str = "crate#inferred-fields";

pub(super) fn field_view(api: &Api, f: &Field) -> FieldView {
    let rename = (unraw(&f.name.rust) != f.name.wire).then(|| lit(&f.name.wire));
    let mut doc = f
        .doc
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_default();
    let mut notes = Vec::new();
    if let Some(n) = format_note(&f.ty) {
        notes.push(n);
    }
    match f.presence {
        Presence::RequiredNullable => notes.push("Always present; may be null.".into()),
        Presence::OptionalNullable => {
            notes.push("May be absent, null, or a value; the three are sent differently.".into())
        }
        _ => {}
    }
    if let Some(default) = &f.default {
        notes.push(format!(
            "Default when absent: `{}`.",
            default.replace('`', "'")
        ));
    }
    if f.read_only {
        notes.push("Read-only: set by the server in responses; requests leave it out.".into());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests; responses leave it out.".into());
    }
    if f.sensitive {
        notes.push("Sensitive: `Debug` shows it as `<redacted>`.".into());
    }
    if f.inferred {
        notes.push(format!(
            "*Inferred* ([why]({INFERRED_LINK})): a response may leave it out."
        ));
    }
    if doc.is_empty() {
        doc = field_fallback_doc(api, f);
    }
    if !notes.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&notes.join(" "));
    }
    FieldView {
        name: f.name.rust.clone(),
        doc: outer_doc(&doc),
        serde: FieldSerde::Property(rename, f.presence),
        deprecated_attr: deprecated_attr(f.deprecated),
        ty: field_type(api, f),
    }
}

#[derive(Template)]
#[template(path = "models.rs", escape = "none")]
pub(super) struct ModelsTemplate {
    pub(super) doc: String,
    /// The runtime crate's Rust name, as paths spell it.
    pub(super) rt: String,
    /// A part of a split `models` module: it imports its siblings.
    pub(super) part: bool,
    pub(super) types: Vec<TypeView>,
}

#[derive(Template)]
#[template(path = "models_index.rs", escape = "none")]
pub(super) struct ModelsIndexTemplate {
    pub(super) parts: Vec<String>,
}

/// How a struct's serde impls are written: `#[derive]` only when a field is flattened (the derive buffers
/// the map for it); otherwise the runtime's `__struct_serde!`, which type-checks in a fraction of the
/// derive's time (most of a generated crate's compile time went to the derive).
impl StructView {
    pub(super) fn derive_serde(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f.serde, FieldSerde::Flatten))
    }
}

impl FieldView {
    /// The field's wire name as a string literal.
    pub(super) fn wire_lit(&self) -> String {
        match &self.serde {
            FieldSerde::Property(Some(rename), _) => rename.clone(),
            _ => lit(unraw(&self.name)),
        }
    }
}
