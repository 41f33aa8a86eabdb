//! The generated part of `klarna-testing` (`testing/src/generated/`), from the IR: typed stubs for every
//! operation, and the spec examples its fake Klarna answers with.
//!
//! - `mod.rs` declares one module per API, behind the cargo feature of the API's name;
//! - `<api>.rs` has, per resource, a `<Resource>Stubs` reached through `StubServer::<accessor>()` (the
//!   accessor the SDK's client has), with one method per operation named as the SDK's method. Per
//!   operation, a marker type (the SDK's request builder name) and thin inherent impls on the crate's
//!   generic `When<Marker>` (one method per path, query and header parameter, taking the parameter's Rust
//!   type as the SDK does; `body` and `body_matches` for a JSON body) and `Then<Marker>` (`ok` taking the
//!   success type). Matching, answering and counting are the hand-written `testing/src/stubs.rs`;
//! - `examples.json`: see the `examples` module.
//!
//! The Rust files are written as render writes the SDK: views of precomputed names, types (render's
//! speller, through the facade) and literals, laid out by `templates/stubs_mod.rs` and
//! `templates/stubs_api.rs`. The module reads the IR (and, for the examples, the documents it came from)
//! and nothing else of the generator.

mod examples;

use std::collections::BTreeMap;
use std::path::PathBuf;

use askama::Template;

use crate::diag::{Diagnostic, Location};
use crate::ir::{
    Api, BodyEncoding, Crate, Operation, ParamEncoding, ResponseBody, Source, TypeRef,
};
use crate::render::lit;
use crate::render::spell::{Models, type_tokens};

/// `templates/stubs_mod.rs`: one module per API.
#[derive(Template)]
#[template(path = "stubs_mod.rs", escape = "none")]
struct ModTemplate {
    apis: Vec<ModApi>,
}

struct ModApi {
    /// The API's title, for a doc line.
    title: String,
    module: String,
    module_lit: String,
}

/// `templates/stubs_api.rs`: one API's stubs.
#[derive(Template)]
#[template(path = "stubs_api.rs", escape = "none")]
struct ApiTemplate {
    module: String,
    module_lit: String,
    /// Ordered by accessor.
    resources: Vec<StubResource>,
}

struct StubResource {
    /// The SDK's resource type.
    name: String,
    /// The accessor on `Client` and `StubServer`.
    accessor: String,
    /// The stubs type: `PaymentRequestsStubs`.
    stubs: String,
    operations: Vec<StubOperation>,
}

struct StubOperation {
    /// The SDK's method name.
    name: String,
    method: String,
    path: String,
    /// The `operationId`.
    id: String,
    /// The marker type (the SDK's request builder name).
    marker: String,
    /// The static holding the route.
    route: String,
    id_lit: String,
    method_lit: String,
    /// The path's literal pieces, as literals.
    pieces: Vec<String>,
    /// The path parameters' wire names in template order, as literals.
    params: Vec<String>,
    when: Vec<WhenMethod>,
    then: Vec<Answer>,
}

/// A method of `When<Marker>`; `ty` is the `T` whose `to_string` is the wire value (a list: each
/// element's, the parameter repeated), taken as `impl Into<T>` as the SDK's setter takes it.
enum WhenMethod {
    Path {
        name: String,
        wire: String,
        ty: String,
        /// The parameter's position in the path template.
        position: usize,
    },
    Query {
        name: String,
        wire: String,
        wire_lit: String,
        ty: String,
        /// `ty` is a list: its values are the parameter's values.
        list: bool,
    },
    Header {
        name: String,
        wire: String,
        wire_lit: String,
        ty: String,
    },
    /// `body` and `body_matches` for a JSON body of this type.
    Body(String),
}

/// A method of `Then<Marker>` answering `status` with a success body.
struct Answer {
    name: String,
    status: u16,
    body: AnswerBody,
}

enum AnswerBody {
    Empty,
    /// The body's type.
    Json(String),
    Bytes {
        media: String,
        media_lit: String,
    },
}

/// Renders `testing/src/generated/`: file contents by path relative to it. `read` reads a document by
/// the path its API's source names (for the examples); `regen_command` is named in the headers.
pub fn render(
    krate: &Crate,
    read: &dyn Fn(&str) -> std::io::Result<String>,
    regen_command: &str,
) -> Result<BTreeMap<PathBuf, String>, Diagnostic> {
    let sources: Vec<&Source> = krate.apis.iter().map(|api| &api.source).collect();
    let header = format!("{}\n", crate::render::header("//", &sources, regen_command));

    let mut files = BTreeMap::new();
    for api in &krate.apis {
        let file = format!("{}.rs", api.module.rust);
        let text = api_template(api).render();
        files.insert(
            PathBuf::from(&file),
            format!("{header}{}", unparse(&file, text)?),
        );
    }
    let root = ModTemplate {
        apis: krate
            .apis
            .iter()
            .map(|api| ModApi {
                title: api.title.replace('`', "'"),
                module: api.module.rust.clone(),
                module_lit: lit(&api.module.rust),
            })
            .collect(),
    };
    files.insert(
        PathBuf::from("mod.rs"),
        format!("{header}{}", unparse("mod.rs", root.render())?),
    );
    files.insert(
        PathBuf::from("examples.json"),
        examples::render(krate, read)?,
    );
    Ok(files)
}

/// Parses and prints a rendered file (so a rendering mistake is a diagnostic, not a broken crate).
fn unparse(file: &str, rendered: askama::Result<String>) -> Result<String, Diagnostic> {
    let problem = |e: String| {
        Diagnostic::error(
            format!("testing/src/generated/{file}"),
            Location::File,
            format!("the rendered stubs are not valid Rust: {e}"),
        )
    };
    let text = rendered.map_err(|e| problem(e.to_string()))?;
    let parsed = syn::parse_file(&format!("#![cfg_attr(rustfmt, rustfmt::skip)]\n{text}"))
        .map_err(|e| problem(e.to_string()))?;
    Ok(prettyplease::unparse(&parsed))
}

/// The view of one API's stubs.
fn api_template(api: &Api) -> ApiTemplate {
    let mut resources: Vec<_> = api.resources.iter().collect();
    resources.sort_by(|a, b| a.accessor.cmp(&b.accessor));
    ApiTemplate {
        module: api.module.rust.clone(),
        module_lit: lit(&api.module.rust),
        resources: resources
            .into_iter()
            .map(|r| StubResource {
                name: r.name.rust.clone(),
                accessor: r.accessor.clone(),
                stubs: r.stubs.clone(),
                operations: r.operations.iter().map(|op| operation(api, op)).collect(),
            })
            .collect(),
    }
}

/// The marker, route, `When` and `Then` of one operation.
fn operation(api: &Api, op: &Operation) -> StubOperation {
    let (pieces, names) = path_pieces(op);
    let mut when = Vec::new();
    for p in &op.path_params {
        if p.encoding == ParamEncoding::Text
            && let Some(position) = names.iter().position(|n| *n == p.name.wire)
            && let Some(ty) = conversion(api, &p.ty, false)
        {
            when.push(WhenMethod::Path {
                name: p.stub_method.clone(),
                wire: p.name.wire.clone(),
                ty,
                position,
            });
        }
    }
    for p in &op.query_params {
        if p.encoding != ParamEncoding::Text {
            continue;
        }
        if let Some(ty) = conversion(api, &p.ty, true) {
            when.push(WhenMethod::Query {
                name: p.stub_method.clone(),
                wire: p.name.wire.clone(),
                wire_lit: lit(&p.name.wire),
                ty,
                list: matches!(p.ty, TypeRef::List(_)),
            });
        }
    }
    for p in &op.header_params {
        if p.encoding == ParamEncoding::Text
            && let Some(ty) = conversion(api, &p.ty, false)
        {
            when.push(WhenMethod::Header {
                name: p.stub_method.clone(),
                wire: p.name.wire.clone(),
                wire_lit: lit(&p.name.wire),
                ty,
            });
        }
    }
    if let Some(body) = &op.body
        && body.encoding == BodyEncoding::Json
        && let Some(ty) = rust_type(api, &body.ty)
    {
        when.push(WhenMethod::Body(ty));
    }
    let mut then = Vec::new();
    for alt in &op.response.alternatives {
        let name = alt.stub_answer.clone();
        let status = status_code(&alt.status.to_string());
        if let Some(answer) = answer(api, name, status, &alt.body) {
            then.push(answer);
        }
    }
    StubOperation {
        name: op.id.rust.clone(),
        method: op.method.as_str().to_owned(),
        path: op.path(),
        id: op.id.wire.clone(),
        marker: op.builder.clone(),
        route: op.route.clone(),
        id_lit: lit(&op.id.wire),
        method_lit: lit(op.method.as_str()),
        pieces: pieces.iter().map(|p| lit(p)).collect(),
        params: names.iter().map(|p| lit(p)).collect(),
        when,
        then,
    }
}

/// A `Then` method answering `status` with a success body; `None` for a body type the stubs cannot name.
fn answer(api: &Api, name: String, status: u16, body: &ResponseBody) -> Option<Answer> {
    let body = match body {
        ResponseBody::Empty => AnswerBody::Empty,
        ResponseBody::Json(ty) => AnswerBody::Json(rust_type(api, ty)?),
        ResponseBody::Bytes(media) => AnswerBody::Bytes {
            media: media.clone(),
            media_lit: lit(media),
        },
    };
    Some(Answer { name, status, body })
}

/// `200`, `2XX` (answered 200).
fn status_code(status: &str) -> u16 {
    status.parse().unwrap_or(200)
}

/// The type `T` a parameter method takes as `impl Into<T>` (as the SDK's setter does) and writes with
/// `to_string` (a list: each element's, the parameter repeated). `None` for types the SDK does not write
/// as text, and for lists where a list is not allowed.
fn conversion(api: &Api, ty: &TypeRef, list_allowed: bool) -> Option<String> {
    let text = |ty: &TypeRef| {
        matches!(
            ty,
            TypeRef::Bool
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::U64
                | TypeRef::F32
                | TypeRef::F64
                | TypeRef::String(_)
                | TypeRef::Named(_)
        )
    };
    let ok = match ty {
        TypeRef::List(inner) if list_allowed => text(inner),
        _ => text(ty),
    };
    ok.then(|| type_tokens(api, ty, Models::Facade).to_string())
}

/// The Rust type of a reference of `api` as `klarna-testing` names it (through the facade, render's
/// speller with [`Models::Facade`]); `None` for one holding raw bytes, which the stubs do not type.
fn rust_type(api: &Api, ty: &TypeRef) -> Option<String> {
    fn has_bytes(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Bytes => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => has_bytes(inner),
            _ => false,
        }
    }
    (!has_bytes(ty)).then(|| type_tokens(api, ty, Models::Facade).to_string())
}

/// The literal pieces of the path around its parameters (one more than the parameters) and the wire
/// names of the parameters, in template order, from the IR's parsed path template.
fn path_pieces(op: &Operation) -> (Vec<String>, Vec<String>) {
    let names = op
        .path_template
        .params
        .iter()
        .filter_map(|slot| op.path_params.get(slot.param))
        .map(|p| p.name.wire.clone())
        .collect();
    (op.path_template.pieces.clone(), names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_write_values_as_the_sdk_does() {
        use crate::lower::test_support::{doc, lower_yaml};
        let (mut api, _) = lower_yaml(&doc("", "  State: {type: string, enum: [a]}"));
        api.module.rust = "payment".into();
        let state = api.type_by_name("State").expect("State");
        let api = &api;
        // Token text, compared without its spaces.
        let flat = |t: Option<String>| t.map(|t| t.replace(' ', ""));
        assert_eq!(
            flat(conversion(api, &TypeRef::String(None), false)).as_deref(),
            Some("::std::string::String")
        );
        assert_eq!(
            flat(conversion(
                api,
                &TypeRef::List(Box::new(TypeRef::Named(state))),
                true
            ))
            .as_deref(),
            Some("::std::vec::Vec<::klarna::payment::State>")
        );
        // A list is only a query parameter's; maps and raw JSON are not written as text.
        assert!(conversion(api, &TypeRef::List(Box::new(TypeRef::I32)), false).is_none());
        assert!(conversion(api, &TypeRef::Map(Box::new(TypeRef::I32)), true).is_none());
        assert!(conversion(api, &TypeRef::Json, true).is_none());
        assert_eq!(
            flat(rust_type(api, &TypeRef::String(Some("date-time".into())))).as_deref(),
            Some("::klarna::DateTime")
        );
        assert!(rust_type(api, &TypeRef::List(Box::new(TypeRef::Bytes))).is_none());
    }

    /// The operations fixture: typed parameters (a list repeated in the query, a header), no body
    /// methods for multipart, `ok` with no body for an empty answer and with bytes for a download, no
    /// typed method for deepObject/form-object query parameters; and an examples entry per operation.
    #[test]
    fn fixture_operations_get_typed_stubs() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/operations.yaml"
        );
        let (ir, _) = crate::build_ir(&[crate::SpecInput::new(path)], "klarna-golden", "0.0.0")
            .expect("IR of the fixture");
        let files = render(&ir, &|f: &str| std::fs::read_to_string(f), "regen").expect("render");
        let api = &ir.apis[0];
        let module = &files[&PathBuf::from(format!("{}.rs", api.module.rust))];
        // Without whitespace and the trailing commas of wrapped argument lists.
        let flat: String = module
            .split_whitespace()
            .collect::<String>()
            .replace(",)", ")");
        for expected in [
            "pubfntags(self,value:impl::std::convert::Into<::std::vec::Vec<::std::string::String>>)->Self{self.with_query(\"tags\",",
            "pubfnsize(self,value:impl::std::convert::Into<i32>)->Self{self.with_query(\"size\",[",
            "pubfnklarna_customer_token(self,value:impl::std::convert::Into<::std::string::String>)->Self{self.with_header(\"Klarna-Customer-Token\",",
            "pubfnfile_id(self,value:impl::std::convert::Into<::std::string::String>)->Self{self.with_path(1,",
            "pieces:&[\"/accounts/\",\"/files/\",\"\"],params:&[\"account_id\",\"file_id\"]",
        ] {
            assert!(flat.contains(expected), "missing {expected} in\n{module}");
        }
        // Multipart upload: no `body`; deepObject `created` and form-object `filter`: no method.
        let upload = flat
            .split("implWhen<UploadFile>")
            .nth(1)
            .unwrap_or_default();
        assert!(
            !upload
                .split("impl")
                .next()
                .unwrap_or_default()
                .contains("pubfnbody(")
        );
        assert!(!flat.contains("pubfncreated(") && !flat.contains("pubfnfilter("));
        assert!(flat.contains(
            "implThen<DeleteFile>{///Answers`204`withnobody.pubfnok(self)->Self{self.status(204)}"
        ));
        assert!(flat.contains("implThen<DownloadFile>{"));
        assert!(flat.contains("self.bytes(200,"));
        let examples: serde_json::Value =
            serde_json::from_str(&files[&PathBuf::from("examples.json")]).expect("examples JSON");
        let count = api
            .resources
            .iter()
            .map(|r| r.operations.len())
            .sum::<usize>();
        assert_eq!(examples["operations"].as_array().map(Vec::len), Some(count));
    }
}
