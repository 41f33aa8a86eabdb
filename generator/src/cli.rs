//! The operation table of the `klarna` command line (crate `klarna-cli`), rendered from the IR.
//!
//! One entry per operation of every API: the names the SDK gives it (resource accessor, method), its method
//! and path pieces, its parameters with requiredness and description, its body and response types (as
//! names the facade's type registry knows) and its pagination in wire names. The CLI's hand-written code
//! (`cli/src/table.rs` declares these types) interprets the table at run time, so this module only writes
//! data. It reads the IR and nothing else of the generator.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Location};
use crate::ir::{
    Api, BodyEncoding, Crate, Operation, Pagination, Param, ParamEncoding, PathTemplate,
    ResponseBody, Source, TypeKind, TypeRef,
};

/// Renders the table as one Rust file (`cli/src/generated/mod.rs`), formatted by `prettyplease`, with the
/// generated-file header naming `regen_command`.
pub fn render_table(krate: &Crate, regen_command: &str) -> Result<String, Diagnostic> {
    let mut resources: Vec<(String, &Api, &crate::ir::Resource)> = krate
        .apis
        .iter()
        .flat_map(|api| {
            api.resources
                .iter()
                .map(move |r| (kebab(&r.accessor), api, r))
        })
        .collect();
    resources.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from(
        "#![cfg_attr(rustfmt, rustfmt::skip)]\n\
         //! The operation table of the `klarna` command line: one entry per operation of every API, \
         generated from the IR of `specs/`.\n\
         use crate::table::*;\n\
         /// Every resource of every API, ordered by command name.\n\
         pub static RESOURCES: &[Resource] = &[\n",
    );
    for (name, api, r) in &resources {
        let mut ops: Vec<&Operation> = r.operations.iter().collect();
        ops.sort_by_key(|op| kebab(&op.id.rust));
        let _ = write!(
            out,
            "Resource {{ name: {}, accessor: {}, api: {}, doc: {}, operations: &[",
            lit(name),
            lit(&r.accessor),
            lit(&api.module.rust),
            lit(r.doc.as_deref().unwrap_or_default())
        );
        for op in ops {
            operation(&mut out, api, op)?;
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n");
    let file = syn::parse_file(&out).map_err(|e| {
        Diagnostic::error(
            "cli/src/generated/mod.rs",
            Location::File,
            format!("the rendered CLI table is not valid Rust: {e}"),
        )
    })?;
    let sources: Vec<&Source> = krate.apis.iter().map(|api| &api.source).collect();
    let header = format!("{}\n", crate::render::header("//", &sources, regen_command));
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

fn operation(out: &mut String, api: &Api, op: &Operation) -> Result<(), Diagnostic> {
    let (pieces, sensitive) = path_pieces(op);
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
    let params = |ps: &[Param]| {
        let mut s = String::from("&[");
        for p in ps {
            let _ = write!(
                s,
                "Param {{ wire: {}, rust: {}, required: {}, shape: {}, encoding: ParamEncoding::{}, doc: {}, deprecated: {}, sensitive: {} }},",
                lit(&p.name.wire),
                lit(unraw(&p.name.rust)),
                p.required,
                shape(api, &p.ty),
                match p.encoding {
                    ParamEncoding::Text => "Text",
                    ParamEncoding::DeepObject => "DeepObject",
                    ParamEncoding::FormObject => "FormObject",
                    // Refused above.
                    ParamEncoding::Styled { .. } | ParamEncoding::Cookie { .. } => "Text",
                },
                lit(p.doc.as_deref().unwrap_or_default()),
                p.deprecated,
                p.sensitive
            );
        }
        s.push(']');
        s
    };
    let body = match &op.body {
        None => "None".to_owned(),
        Some(b) => {
            let parts = match (b.encoding, struct_fields(api, &b.ty)) {
                (BodyEncoding::Multipart, Some(fields)) => fields
                    .iter()
                    .map(|f| format!("({}, {})", lit(&f.name.wire), f.ty == TypeRef::Bytes))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            format!(
                "Some(BodySpec {{ shape: {}, required: {}, encoding: BodyEncoding::{}, media_type: {}, parts: &[{parts}] }})",
                shape(api, &b.ty),
                b.required,
                match b.encoding {
                    BodyEncoding::Json => "Json",
                    BodyEncoding::Multipart => "Multipart",
                    BodyEncoding::Form => "Form",
                    BodyEncoding::Bytes => "Bytes",
                },
                lit(&b.media_type)
            )
        }
    };
    let response = match &op.response.body {
        ResponseBody::Empty => "ResponseSpec::Empty".to_owned(),
        ResponseBody::Json(t) => format!("ResponseSpec::Json({})", shape(api, t)),
        ResponseBody::Bytes(media) => format!("ResponseSpec::Bytes({})", lit(media)),
    };
    let pagination = op
        .pagination
        .as_ref()
        .map_or("None".to_owned(), |p| paging(api, p));
    let _ = write!(
        out,
        "Operation {{ name: {}, id: {}, method: {}, path_template: {}, path_pieces: &[{}], sensitive_segments: &[{}], summary: {}, doc: {}, deprecated: {}, path_params: {}, query_params: {}, header_params: {}, body: {body}, response: {response}, idempotent: {}, pagination: {pagination} }},",
        lit(&kebab(&op.id.rust)),
        lit(&op.id.wire),
        lit(op.method.as_str()),
        lit(&op.path),
        pieces.iter().map(|p| lit(p)).collect::<Vec<_>>().join(", "),
        sensitive
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        lit(op.summary.as_deref().unwrap_or_default()),
        lit(op.doc.as_deref().unwrap_or_default()),
        op.deprecated,
        params(&op.path_params),
        params(&op.query_params),
        params(&op.header_params),
        op.idempotent,
    );
    Ok(())
}

/// The literal pieces of the path around its parameters (one more than the parameters), from the IR's
/// parsed path template, and the indices of the `/`-separated segments that hold a sensitive parameter.
fn path_pieces(op: &Operation) -> (Vec<String>, Vec<usize>) {
    let sensitive = sensitive_segments(&op.path_template, |param| {
        op.path_params.get(param).is_some_and(|p| p.sensitive)
    });
    (op.path_template.pieces.clone(), sensitive)
}

/// The segments of `template` holding a parameter `is_sensitive` says is sensitive (by its index into the
/// operation's path parameters), each once, in path order.
fn sensitive_segments(template: &PathTemplate, is_sensitive: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut segments: Vec<usize> = template
        .params
        .iter()
        .filter(|slot| is_sensitive(slot.param))
        .map(|slot| slot.segment)
        .collect();
    segments.dedup();
    segments
}

fn paging(api: &Api, p: &Pagination) -> String {
    // The page type; a list of pages is read through its element type.
    let mut ty = &p.page_ty;
    if p.page_list
        && let TypeRef::List(inner) = ty
    {
        ty = inner;
    }
    // `next_cursor` holds Rust field names: follow them through the types to the wire names.
    let mut wire = Vec::new();
    for rust in &p.next_cursor {
        let field = struct_fields(api, ty).and_then(|fs| fs.iter().find(|f| &f.name.rust == rust));
        match field {
            Some(f) => {
                wire.push(f.name.wire.clone());
                ty = &f.ty;
            }
            None => wire.push(unraw(rust).to_owned()),
        }
    }
    format!(
        "Some(Paging {{ items: {}, cursor_param: {}, next_cursor: &[{}], page_list: {} }})",
        lit(&p.items.wire),
        lit(&p.cursor_param.wire),
        wire.iter().map(|w| lit(w)).collect::<Vec<_>>().join(", "),
        p.page_list
    )
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
fn shape(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "Shape::Bool".to_owned(),
        TypeRef::I32 | TypeRef::I64 => "Shape::Integer".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "Shape::Number".to_owned(),
        TypeRef::String(_) => "Shape::String".to_owned(),
        TypeRef::Bytes => "Shape::Bytes".to_owned(),
        TypeRef::Json => "Shape::Json".to_owned(),
        TypeRef::Named(n) => format!("Shape::Named({})", lit(&api.registry_name(*n))),
        TypeRef::List(inner) => format!("Shape::List(&{})", shape(api, inner)),
        TypeRef::Map(inner) => format!("Shape::Map(&{})", shape(api, inner)),
    }
}

/// `payment_requests` → `payment-requests`; a raw identifier loses its `r#`.
fn kebab(rust: &str) -> String {
    unraw(rust).replace('_', "-")
}

fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_segments_are_read_from_the_template_slots() {
        use crate::ir::PathSlot;
        // `/v2/accounts/{a}/tokens/{t}{u}/status`: `t` and `u` share segment 5, `a` is not sensitive.
        let template = PathTemplate {
            pieces: ["/v2/accounts/", "/tokens/", "", "/status"]
                .map(str::to_owned)
                .to_vec(),
            params: vec![
                PathSlot {
                    param: 0,
                    segment: 3,
                },
                PathSlot {
                    param: 1,
                    segment: 5,
                },
                PathSlot {
                    param: 2,
                    segment: 5,
                },
            ],
        };
        assert_eq!(sensitive_segments(&template, |p| p != 0), [5]);
        assert_eq!(sensitive_segments(&template, |p| p == 0), [3]);
        assert!(sensitive_segments(&template, |_| false).is_empty());
        assert_eq!(kebab("r#type_list"), "type-list");
    }
}
