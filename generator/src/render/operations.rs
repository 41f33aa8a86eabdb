//! Operations: the view of each resource, operation and request builder that `templates/operations.rs` reads
//! (arguments, setters, query and header statements, the body, the response and error enums, pagination).

use super::*;

pub(super) struct ResourceView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) ops: Vec<OpView>,
}

pub(super) struct OpView {
    pub(super) method: String,
    pub(super) method_plain: String,
    pub(super) builder: String,
    pub(super) doc: String,
    pub(super) attrs: String,
    pub(super) args: Vec<NameTy>,
    pub(super) fields: Vec<BuilderField>,
    /// A parameter is sensitive: the builder's `Debug` is written out, redacting it.
    pub(super) redacted_debug: Option<DebugView>,
    pub(super) setters: Vec<SetterView>,
    pub(super) idempotent: bool,
    pub(super) id_lit: String,
    pub(super) http_method: String,
    pub(super) path: PathView,
    /// Indices into `path.split('/')` of the segments holding sensitive path parameters.
    pub(super) sensitive_segments: Vec<usize>,
    pub(super) query: Vec<ParamSend>,
    pub(super) headers: Vec<ParamSend>,
    pub(super) body: Option<BodyView>,
    pub(super) finish: FinishView,
    pub(super) response_ty: String,
    pub(super) returns_doc: String,
    pub(super) paging: Option<PagingView>,
    pub(super) streaming: bool,
    /// `Accept` for a non-JSON response.
    pub(super) accept_lit: Option<String>,
    /// The operation's security requirements as a `&[&[&str]]` expression, when the client sends
    /// credentials as the document declares them.
    pub(super) security_lit: Option<String>,
    /// Enums with one variant per status: the success responses', the error bodies'.
    pub(super) status_enums: Vec<ResponsesEnumView>,
    pub(super) errors_impl: Option<ErrorsImplView>,
}

/// The request path: the template's literal pieces around the encoded path parameters, joined by the
/// runtime in one allocation (or the whole text when there are none).
pub(super) struct PathView {
    /// The whole path as a string literal, for a template without parameters.
    pub(super) text_lit: String,
    /// The literal pieces, as string literals (one more than `values`).
    pub(super) piece_lits: Vec<String>,
    /// The parameters, in template order.
    pub(super) values: Vec<PathValueView>,
    /// A parameter is written by a style (`label`, `matrix`, or a list or object): the runtime's
    /// `param_style::PathBuilder` builds the path.
    pub(super) styled: bool,
}

/// One path parameter's value: the builder field, as text.
pub(super) struct PathValueView {
    pub(super) field: String,
    /// Not a plain string: formatted with `to_string()`.
    pub(super) to_string: bool,
    /// The wire name, as a string literal (`matrix` writes it).
    pub(super) wire_lit: String,
    /// Written by this style: the runtime's `param_style::Style` value, and `explode`.
    pub(super) style: Option<String>,
    pub(super) explode: bool,
}

/// How `into_request` sends the body.
pub(super) struct BodyView {
    pub(super) encoding: BodyEncoding,
    /// An argument of the operation (otherwise an `Option` set through the builder).
    pub(super) required: bool,
    /// Moved into the request (multipart, bytes) rather than serialized from a reference.
    pub(super) by_value: bool,
    /// The declared media type, as a string literal (raw bytes are sent with it).
    pub(super) media_lit: String,
}

/// Cursor pagination: the page and item types and where the items and the next cursor are; the
/// expressions that read them are in the template.
pub(super) struct PagingView {
    pub(super) item_ty: String,
    pub(super) page_ty: String,
    /// The builder field of the cursor parameter.
    pub(super) cursor_field: String,
    /// The page's field holding the items, and its presence.
    pub(super) items: String,
    pub(super) items_presence: Presence,
    /// The page's field holding the pagination object, and its presence.
    pub(super) pagination: String,
    pub(super) pagination_presence: Presence,
    /// The pagination object's field holding the next cursor, and its presence.
    pub(super) last: String,
    pub(super) cursor_presence: Presence,
    /// The response is a list of pages.
    pub(super) page_list: bool,
}

pub(super) fn paging_view(api: &Api, p: &Pagination) -> PagingView {
    PagingView {
        item_ty: rust_type(api, &p.item_ty, MODELS),
        page_ty: rust_type(api, &p.page_ty, MODELS),
        cursor_field: p.cursor_param.rust.clone(),
        items: p.items.rust.clone(),
        items_presence: p.items_presence,
        pagination: p.pagination_field.rust.clone(),
        pagination_presence: p.pagination_presence,
        last: p.cursor_field.rust.clone(),
        cursor_presence: p.cursor_presence,
        page_list: p.page_list,
    }
}

pub(super) struct BuilderField {
    pub(super) name: String,
    pub(super) ty: String,
    /// What the operation method initializes the field with.
    pub(super) init: FieldInit,
    /// Holds a sensitive parameter.
    pub(super) sensitive: bool,
}

/// How the operation method initializes a request builder's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FieldInit {
    /// The method's argument of the same name, as passed (`body`).
    Arg,
    /// The method's argument of the same name, converted (`name: name.into()`).
    ArgInto,
    /// Not set yet (`name: None`): a setter sets it.
    Unset,
}

impl BuilderField {
    pub(super) fn new(name: &str, ty: String, init: FieldInit) -> Self {
        Self {
            name: name.to_owned(),
            ty,
            init,
            sensitive: false,
        }
    }

    pub(super) fn sensitive(mut self, sensitive: bool) -> Self {
        self.sensitive = sensitive;
        self
    }
}

pub(super) struct SetterView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) field: String,
    pub(super) arg_ty: String,
}

pub(super) struct ParamSend {
    pub(super) field: String,
    pub(super) wire_lit: String,
    pub(super) required: bool,
    /// Sent with `sensitive_header` (headers only).
    pub(super) sensitive: bool,
    pub(super) list: bool,
    /// `deepObject`: flattened under the name.
    pub(super) deep: bool,
    /// `form` + `explode` object: members become parameters.
    pub(super) spread: bool,
    /// Written by this style: the runtime's `param_style::Style` value (with `explode`).
    pub(super) style: Option<String>,
    pub(super) explode: bool,
    /// A cookie (in the `Cookie` header, with `explode`).
    pub(super) cookie: bool,
}

/// The runtime's (`rt`) `param_style::Style` value and `explode` of a parameter written by a style.
fn style_of(rt: &str, p: &Param) -> (Option<String>, bool) {
    match p.encoding {
        ParamEncoding::Styled { style, explode } => (
            Some(format!(
                "::{rt}::param_style::Style::{}",
                style.runtime_variant()
            )),
            explode,
        ),
        ParamEncoding::Cookie { explode } => (None, explode),
        _ => (None, false),
    }
}

pub(super) fn resource_view(api: &Api, r: &Resource) -> ResourceView {
    ResourceView {
        name: r.name.rust.clone(),
        doc: outer_doc(&doc_or(
            &r.doc,
            format!("Operations of the `{}` resource.", r.name.wire),
        )),
        ops: r.operations.iter().map(|o| op_view(api, r, o)).collect(),
    }
}

pub(super) fn op_doc(api: &Api, op: &Operation) -> String {
    let mut s = op
        .summary
        .clone()
        .unwrap_or_else(|| format!("`{} {}`", op.method, op.path()));
    if let Some(d) = &op.doc
        && Some(d) != op.summary.as_ref()
    {
        s.push_str("\n\n");
        s.push_str(d);
    }
    s.push_str(&format!(
        "\n\n`{} {}` (operation `{}`).",
        op.method,
        op.path(),
        op.id.wire
    ));
    if op.inferred {
        s.push_str("\n\n**Inferred:** Klarna's documentation lists this operation, but Klarna's public request collection does not confirm its method, path or body.");
    }
    if let Some(p) = &op.pagination {
        s.push_str(&format!(
            "\n\nPaginated: `send()` returns one page; the builder's `into_stream()` yields every item of `{}` across pages and `into_pages()` every page.",
            p.items.wire
        ));
    }
    if let Some(name) = &op.errors_enum {
        s.push_str(&format!(
            "\n\nErrors: the documented error bodies are typed by [`{name}`]; read one from the returned error with [`{name}::from_error`]."
        ));
    } else if let Some(first) = op.errors.first()
        && let ResponseBody::Json(t) = &first.body
    {
        let statuses: Vec<String> = op
            .errors
            .iter()
            .map(|e| format!("`{}`", e.status))
            .collect();
        s.push_str(&format!(
            "\n\nErrors: {} have a body of type `{}`; read it from the returned error with [`Error::body_as`]({}::Error::body_as).",
            statuses.join(", "),
            short_type(api, t),
            api.runtime,
        ));
    }
    s
}

pub(super) fn op_view(api: &Api, r: &Resource, op: &Operation) -> OpView {
    let mut args = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let required_params = op
        .path_params
        .iter()
        .chain(op.query_params.iter())
        .chain(op.header_params.iter());
    for p in required_params {
        let ty = rust_type(api, &p.ty, MODELS);
        if p.required {
            args.push(NameTy {
                name: p.name.rust.clone(),
                ty: into_arg(&ty),
            });
            fields.push(
                BuilderField::new(&p.name.rust, ty.clone(), FieldInit::ArgInto)
                    .sensitive(p.sensitive),
            );
        } else {
            fields.push(
                BuilderField::new(
                    &p.name.rust,
                    format!("::std::option::Option<{ty}>"),
                    FieldInit::Unset,
                )
                .sensitive(p.sensitive),
            );
            setters.push(SetterView {
                name: p.name.rust.clone(),
                doc: outer_doc(&doc_or(
                    &p.doc,
                    format!("Sets the `{}` parameter.", p.name.wire),
                )),
                field: p.name.rust.clone(),
                arg_ty: into_arg(&ty),
            });
        }
    }
    let body = match &op.body {
        None => None,
        Some(b) => {
            let ty = match b.encoding {
                BodyEncoding::Json | BodyEncoding::Form => rust_type(api, &b.ty, MODELS),
                BodyEncoding::Multipart => format!("::{}::Multipart", api.runtime),
                BodyEncoding::Bytes => "::bytes::Bytes".into(),
            };
            let by_value = matches!(b.encoding, BodyEncoding::Multipart | BodyEncoding::Bytes);
            if b.required {
                args.push(NameTy {
                    name: "body".into(),
                    ty: if by_value { into_arg(&ty) } else { ty.clone() },
                });
                fields.push(BuilderField::new(
                    "body",
                    ty.clone(),
                    if by_value {
                        FieldInit::ArgInto
                    } else {
                        FieldInit::Arg
                    },
                ));
            } else {
                fields.push(BuilderField::new(
                    "body",
                    format!("::std::option::Option<{ty}>"),
                    FieldInit::Unset,
                ));
                setters.push(SetterView {
                    name: "body".into(),
                    doc: outer_doc("Sets the request body."),
                    field: "body".into(),
                    arg_ty: into_arg(&ty),
                });
            }
            Some(BodyView {
                encoding: b.encoding,
                required: b.required,
                by_value,
                media_lit: lit(&b.media_type),
            })
        }
    };
    let fallback = op.response.alternatives.get(op.response.fallback);
    let (response_ty, finish, returns_doc) = match (&op.responses_enum, fallback) {
        (Some(name), Some(fallback)) => {
            let arms = op
                .response
                .alternatives
                .iter()
                .filter_map(|alt| match alt.status {
                    StatusMatch::Code(code) => Some(AltArmView {
                        code,
                        finish: alt_finish(api, name, alt),
                    }),
                    StatusMatch::Range(_) | StatusMatch::Default => None,
                })
                .collect();
            (
                name.clone(),
                FinishView::ByStatus {
                    arms,
                    fallback: alt_finish(api, name, fallback),
                },
                format!("success response as [`{name}`], one variant per documented status"),
            )
        }
        _ => single_finish(api, op, op.response.body()),
    };
    let responses_enum = op.responses_enum.as_ref().map(|name| ResponsesEnumView {
        name: name.clone(),
        doc: outer_doc(&format!(
            "The success responses of `{}`, one variant per documented status.",
            op.id.wire
        )),
        variants: op
            .response
            .alternatives
            .iter()
            .map(|alt| AltView {
                doc: outer_doc(&format!("Status `{}`.", alt.status)),
                name: alt.variant.clone(),
                ty: match &alt.body {
                    ResponseBody::Json(t) => Some(boxed_type(api, t, MODELS, alt.boxed)),
                    ResponseBody::Bytes(_) => Some("::bytes::Bytes".to_owned()),
                    ResponseBody::Empty => None,
                },
            })
            .collect(),
    });
    let mut status_enums: Vec<ResponsesEnumView> = responses_enum.into_iter().collect();
    let errors_impl = op.errors_enum.as_ref().map(|name| {
        let (decl, imp) = errors_enum_view(api, op, name);
        status_enums.push(decl);
        imp
    });
    // Path: literal pieces and encoded parameters, joined by the runtime in one allocation.
    let template = &op.path_template;
    let pieces = &template.pieces;
    let mut segments: Vec<PathValueView> = Vec::new();
    for slot in &template.params {
        let Some(p) = op.path_params.get(slot.param) else {
            continue;
        };
        let plain_text =
            matches!(&p.ty, TypeRef::String(f) if StringRepr::of(f.as_deref()) == StringRepr::Text);
        let (style, explode) = style_of(&api.runtime, p);
        segments.push(PathValueView {
            field: p.name.rust.clone(),
            to_string: !plain_text,
            wire_lit: lit(&p.name.wire),
            style,
            explode,
        });
    }
    let path = PathView {
        text_lit: lit(&pieces.concat()),
        piece_lits: pieces.iter().map(|p| lit(p)).collect(),
        styled: segments.iter().any(|s| s.style.is_some()),
        values: segments,
    };
    let send = |p: &Param| {
        let (style, explode) = style_of(&api.runtime, p);
        ParamSend {
            field: p.name.rust.clone(),
            wire_lit: lit(&p.name.wire),
            required: p.required,
            sensitive: p.sensitive,
            list: matches!(p.ty, TypeRef::List(_)) && p.encoding == ParamEncoding::Text,
            deep: p.encoding == ParamEncoding::DeepObject,
            spread: p.encoding == ParamEncoding::FormObject,
            style,
            explode,
            cookie: matches!(p.encoding, ParamEncoding::Cookie { .. }),
        }
    };
    let mut attrs = Vec::new();
    if op.deprecated {
        attrs.push(deprecated_attr(true));
    }
    if args.len() > 7 {
        attrs.push("#[allow(clippy::too_many_arguments)] // one argument per required parameter of the operation".to_owned());
    }
    let _ = r;
    let redacted_debug = DebugView::for_fields(
        &op.builder,
        std::iter::once(("client", false))
            .chain(fields.iter().map(|f| (f.name.as_str(), f.sensitive)))
            .chain(std::iter::once(("options", false))),
    );
    OpView {
        redacted_debug,
        sensitive_segments: op.sensitive_segments.clone(),
        method: op.id.rust.clone(),
        method_plain: unraw(&op.id.rust).to_owned(),
        builder: op.builder.clone(),
        doc: outer_doc(&op_doc(api, op)),
        attrs: attrs.join("\n"),
        args,
        fields,
        setters,
        idempotent: op.idempotent,
        id_lit: lit(&op.id.wire),
        http_method: op.method.as_str().to_owned(),
        path,
        query: op.query_params.iter().map(send).collect(),
        headers: op.header_params.iter().map(send).collect(),
        body,
        finish,
        response_ty,
        returns_doc,
        paging: op.pagination.as_ref().map(|p| paging_view(api, p)),
        streaming: matches!(op.response.body(), ResponseBody::Bytes(_)),
        status_enums,
        errors_impl,
        accept_lit: match op.response.body() {
            ResponseBody::Bytes(media) => Some(lit(media)),
            _ => None,
        },
        security_lit: op.security_requirements.as_ref().map(|alternatives| {
            let alts: Vec<String> = alternatives
                .iter()
                .map(|names| {
                    let names: Vec<String> = names.iter().map(|n| lit(n)).collect();
                    format!("&[{}]", names.join(", "))
                })
                .collect();
            format!("&[{}]", alts.join(", "))
        }),
    }
}

#[derive(Template)]
#[template(path = "operations.rs", escape = "none")]
pub(super) struct OperationsTemplate {
    pub(super) resources: Vec<ResourceView>,
    /// Who answers, in docs: the vendor (`Klarna`) or `the server`.
    pub(super) server: String,
    /// The same, possessive (`Klarna's`, `the server's`).
    pub(super) server_possessive: String,
    /// The runtime crate's Rust name, as paths spell it (`klarna_runtime`, `oapi_runtime`).
    pub(super) rt: String,
    /// The idempotency header, as docs spell it.
    pub(super) idempotency_header: String,
    /// How long a repeated idempotency key is honoured, when known.
    pub(super) idempotency_window: Option<String>,
}
