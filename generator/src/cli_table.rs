//! The operation table of the `klarna` command line (crate `klarna-cli`), rendered from the IR.
//!
//! One entry per operation of every API: the names the SDK and the command line give it (resource
//! accessor and command, method and command, all decided in `lower/`), its method and path pieces, its
//! parameters with requiredness and description, its body and response types (as names the facade's
//! type registry knows) and its pagination in wire names. The CLI's hand-written code
//! (`cli/src/table.rs` declares these types) interprets the table at run time, so this module only writes
//! data: a view of literals and `Shape` expressions that `templates/cli_table.rs` lays out, as `render/`
//! does for the SDK. It reads the IR and nothing else of the generator.

use askama::Template;
use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::{Diagnostic, Location};
use crate::ir::{
    Api, BodyEncoding, Crate, Operation, Pagination, Param, ParamEncoding, ResponseBody, Source,
    TypeKind, TypeRef,
};
use crate::naming::unraw;
use crate::render::lit;

/// `templates/cli_table.rs`: the table, every value already a Rust literal or expression.
#[derive(Template)]
#[template(path = "cli_table.rs", escape = "none")]
struct TableTemplate {
    resources: Vec<ResourceRow>,
}

struct ResourceRow {
    name: String,
    accessor: String,
    api: String,
    doc: String,
    operations: Vec<OperationRow>,
}

struct OperationRow {
    name: String,
    id: String,
    method: String,
    path_template: String,
    path_pieces: Vec<String>,
    sensitive_segments: Vec<usize>,
    summary: String,
    doc: String,
    deprecated: bool,
    /// `path_params`, `query_params`, `header_params`, in that order.
    params: Vec<ParamGroup>,
    body: Option<BodyRow>,
    response: ResponseRow,
    idempotent: bool,
    pagination: Option<PagingRow>,
}

struct ParamGroup {
    field: &'static str,
    params: Vec<ParamRow>,
}

struct ParamRow {
    wire: String,
    rust: String,
    required: bool,
    shape: String,
    encoding: &'static str,
    doc: String,
    deprecated: bool,
    sensitive: bool,
}

struct BodyRow {
    shape: String,
    required: bool,
    encoding: &'static str,
    media_type: String,
    /// A multipart body's parts: wire name (a literal) and whether the part is a file.
    parts: Vec<(String, bool)>,
}

enum ResponseRow {
    Empty,
    /// The body's shape.
    Json(String),
    /// The media type, a literal.
    Bytes(String),
}

struct PagingRow {
    items: String,
    cursor_param: String,
    next_cursor: Vec<String>,
    page_list: bool,
}

/// Renders the table as one Rust file (`cli/src/generated/mod.rs`) from `templates/cli_table.rs`,
/// formatted by `prettyplease`, with the generated-file header naming `regen_command`.
pub fn render_table(krate: &Crate, regen_command: &str) -> Result<String, Diagnostic> {
    let mut resources: Vec<(&Api, &crate::ir::Resource)> = krate
        .apis
        .iter()
        .flat_map(|api| api.resources.iter().map(move |r| (api, r)))
        .collect();
    resources.sort_by(|a, b| a.1.command.cmp(&b.1.command));
    let mut rows = Vec::with_capacity(resources.len());
    for (api, r) in &resources {
        let mut ops: Vec<&Operation> = r.operations.iter().collect();
        ops.sort_by(|a, b| a.command.cmp(&b.command));
        rows.push(ResourceRow {
            name: lit(&r.command),
            accessor: lit(&r.accessor),
            api: lit(&api.module.rust),
            doc: lit(r.doc.as_deref().unwrap_or_default()),
            operations: ops
                .into_iter()
                .map(|op| operation(api, op))
                .collect::<Result<_, _>>()?,
        });
    }
    let template = TableTemplate { resources: rows };
    let problem = |e: String| {
        Diagnostic::error(
            "cli/src/generated/mod.rs",
            Location::File,
            format!("the rendered CLI table is not valid Rust: {e}"),
        )
    };
    let text = template.render().map_err(|e| problem(e.to_string()))?;
    let file = syn::parse_file(&format!("#![cfg_attr(rustfmt, rustfmt::skip)]\n{text}"))
        .map_err(|e| problem(e.to_string()))?;
    let sources: Vec<&Source> = krate.apis.iter().map(|api| &api.source).collect();
    let header = format!("{}\n", crate::render::header("//", &sources, regen_command));
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

fn operation(api: &Api, op: &Operation) -> Result<OperationRow, Diagnostic> {
    // The command line reads lists and objects as text or JSON and writes them by the three encodings its
    // table knows; a parameter written by another style would be sent wrongly, so it is refused here.
    if let Some(p) = [&op.path_params, &op.query_params, &op.header_params]
        .into_iter()
        .flatten()
        .find(|p| {
            matches!(
                p.encoding,
                ParamEncoding::Styled { .. } | ParamEncoding::Cookie { .. }
            )
        })
    {
        return Err(Diagnostic::error(
            api.source.file.as_str(),
            Location::Pointer(p.pointer.clone()),
            format!(
                "the `klarna` command line cannot send parameter `{}` of operation `{}` in its style ({:?}); the SDK can",
                p.name.wire, op.id.wire, p.encoding
            ),
        ));
    }
    let params = |field: &'static str, ps: &[Param]| ParamGroup {
        field,
        params: ps
            .iter()
            .map(|p| ParamRow {
                wire: lit(&p.name.wire),
                rust: lit(unraw(&p.name.rust)),
                required: p.required,
                shape: shape(api, &p.ty).to_string(),
                encoding: match p.encoding {
                    ParamEncoding::Text => "Text",
                    ParamEncoding::DeepObject => "DeepObject",
                    ParamEncoding::FormObject => "FormObject",
                    // Refused above.
                    ParamEncoding::Styled { .. } | ParamEncoding::Cookie { .. } => "Text",
                },
                doc: lit(p.doc.as_deref().unwrap_or_default()),
                deprecated: p.deprecated,
                sensitive: p.sensitive,
            })
            .collect(),
    };
    let body = op.body.as_ref().map(|b| BodyRow {
        shape: shape(api, &b.ty).to_string(),
        required: b.required,
        encoding: match b.encoding {
            BodyEncoding::Json => "Json",
            BodyEncoding::Multipart => "Multipart",
            BodyEncoding::Form => "Form",
            BodyEncoding::Bytes => "Bytes",
        },
        media_type: lit(&b.media_type),
        parts: match (b.encoding, struct_fields(api, &b.ty)) {
            (BodyEncoding::Multipart, Some(fields)) => fields
                .iter()
                .map(|f| (lit(&f.name.wire), f.ty == TypeRef::Bytes))
                .collect(),
            _ => Vec::new(),
        },
    });
    Ok(OperationRow {
        name: lit(&op.command),
        id: lit(&op.id.wire),
        method: lit(op.method.as_str()),
        path_template: lit(&op.path()),
        path_pieces: op.path_template.pieces.iter().map(|p| lit(p)).collect(),
        sensitive_segments: op.sensitive_segments.clone(),
        summary: lit(op.summary.as_deref().unwrap_or_default()),
        doc: lit(op.doc.as_deref().unwrap_or_default()),
        deprecated: op.deprecated,
        params: vec![
            params("path_params", &op.path_params),
            params("query_params", &op.query_params),
            params("header_params", &op.header_params),
        ],
        body,
        response: match op.response.body() {
            ResponseBody::Empty => ResponseRow::Empty,
            ResponseBody::Json(t) => ResponseRow::Json(shape(api, t).to_string()),
            ResponseBody::Bytes(media) => ResponseRow::Bytes(lit(media)),
        },
        idempotent: op.idempotent,
        pagination: op.pagination.as_ref().map(paging),
    })
}

fn paging(p: &Pagination) -> PagingRow {
    PagingRow {
        items: lit(&p.items.wire),
        cursor_param: lit(&p.cursor_param.wire),
        next_cursor: vec![lit(&p.pagination_field.wire), lit(&p.cursor_field.wire)],
        page_list: p.page_list,
    }
}

/// The fields of the struct a type reference names (through aliases).
fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a [crate::ir::Field]> {
    let TypeRef::Named(id) = ty else {
        return None;
    };
    match &api.ty(*id).kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        TypeKind::Alias { target } => struct_fields(api, target),
        _ => None,
    }
}

/// A `Shape` expression: named types by their registry name (`<module>::<Type>`).
fn shape(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(Shape::Bool),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => quote!(Shape::Integer),
        TypeRef::F32 | TypeRef::F64 => quote!(Shape::Number),
        TypeRef::String(_) => quote!(Shape::String),
        TypeRef::Bytes => quote!(Shape::Bytes),
        TypeRef::Json => quote!(Shape::Json),
        TypeRef::Named(n) => {
            let name = api.registry_name(*n);
            quote!(Shape::Named(#name))
        }
        TypeRef::List(inner) => {
            let inner = shape(api, inner);
            quote!(Shape::List(&#inner))
        }
        TypeRef::Map(inner) => {
            let inner = shape(api, inner);
            quote!(Shape::Map(&#inner))
        }
        TypeRef::OrNull(inner) => {
            let inner = shape(api, inner);
            quote!(Shape::OrNull(&#inner))
        }
    }
}
