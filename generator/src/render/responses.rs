//! Responses: the views of an operation's success and error enums and of how `send` turns a response into
//! its result (one success body, or one variant per documented status), that `templates/operations.rs`
//! reads beside the operation views.

use super::*;

/// `from_error` of the per-operation error enum: one match arm per error status with a body.
pub(super) struct ErrorsImplView {
    pub(super) name: String,
    pub(super) arms: Vec<ErrorArmView>,
    /// A `default` response takes every other status; otherwise the template adds `_ => None`.
    pub(super) has_default: bool,
}

/// One arm of `from_error`: the statuses it matches and the variant its body becomes.
pub(super) struct ErrorArmView {
    pub(super) status: StatusMatch,
    pub(super) variant: String,
    /// The variant holds its body boxed.
    pub(super) boxed: bool,
}

/// How `send` turns a response into its result.
pub(super) enum FinishView {
    /// The JSON body, of this type.
    Json(String),
    /// No body.
    Empty,
    /// The body as bytes.
    Bytes,
    /// The operation's success enum: exact statuses matched, every other status to `fallback`.
    ByStatus {
        arms: Vec<AltArmView>,
        fallback: AltFinishView,
    },
}

/// One exact success status of a success enum.
pub(super) struct AltArmView {
    pub(super) code: u16,
    pub(super) finish: AltFinishView,
}

/// A success status's body wrapped in its variant (`Enum::Variant`).
pub(super) struct AltFinishView {
    /// The success enum's type name.
    pub(super) enum_name: String,
    /// The status's variant name.
    pub(super) variant: String,
    pub(super) body: AltBodyView,
    /// The variant holds its body boxed.
    pub(super) boxed: bool,
}

/// What a success status's body is read as.
pub(super) enum AltBodyView {
    /// JSON of this type.
    Json(String),
    /// No body.
    Empty,
    /// Bytes.
    Bytes,
}

pub(super) fn errors_enum_view(
    api: &Api,
    op: &Operation,
    name: &str,
) -> (ResponsesEnumView, ErrorsImplView) {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for e in &op.errors {
        let ResponseBody::Json(t) = &e.body else {
            continue;
        };
        variants.push(AltView {
            doc: outer_doc(&if e.status == StatusMatch::Default {
                "Any other error status (`default`).".to_owned()
            } else {
                format!("Status `{}`.", e.status)
            }),
            name: e.variant.clone(),
            ty: Some(boxed_type(api, t, MODELS, e.boxed)),
        });
        arms.push(ErrorArmView {
            status: e.status,
            variant: e.variant.clone(),
            boxed: e.boxed,
        });
    }
    (
        ResponsesEnumView {
            name: name.to_owned(),
            doc: outer_doc(&format!(
                "The documented error bodies of `{}`, one variant per error status; read one from a failed call with [`{name}::from_error`].",
                op.id.wire
            )),
            variants,
        },
        ErrorsImplView {
            name: name.to_owned(),
            arms,
            has_default: op.errors.iter().any(|e| e.status == StatusMatch::Default),
        },
    )
}

/// Return type, `send()`'s last expression and its doc, for an operation with one success body.
pub(super) fn single_finish(
    api: &Api,
    op: &Operation,
    body: &ResponseBody,
) -> (String, FinishView, String) {
    match body {
        ResponseBody::Json(t) => {
            let ty = rust_type(api, t, MODELS);
            (
                ty.clone(),
                FinishView::Json(ty),
                format!("parsed `{}` response body", op.response.status()),
            )
        }
        ResponseBody::Empty => (
            "()".into(),
            FinishView::Empty,
            format!("`{}` response (no body)", op.response.status()),
        ),
        ResponseBody::Bytes(media) => (
            "::bytes::Bytes".into(),
            FinishView::Bytes,
            format!(
                "`{}` response body as bytes (`{media}`)",
                op.response.status()
            ),
        ),
    }
}

/// How `response` becomes the enum variant of one success status.
pub(super) fn alt_finish(api: &Api, name: &str, alt: &AltResponse) -> AltFinishView {
    AltFinishView {
        enum_name: name.to_owned(),
        variant: alt.variant.clone(),
        boxed: alt.boxed,
        body: match &alt.body {
            ResponseBody::Json(t) => AltBodyView::Json(rust_type(api, t, MODELS)),
            ResponseBody::Empty => AltBodyView::Empty,
            ResponseBody::Bytes(_) => AltBodyView::Bytes,
        },
    }
}

pub(super) struct ResponsesEnumView {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) variants: Vec<AltView>,
}

pub(super) struct AltView {
    pub(super) doc: String,
    pub(super) name: String,
    pub(super) ty: Option<String>,
}
