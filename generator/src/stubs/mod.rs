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
//! The module reads the IR (and, for the examples, the documents it came from) and nothing else of the
//! generator.

mod examples;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diag::{Diagnostic, Location};
use crate::ir::{
    Api, BodyEncoding, Crate, Operation, Param, ParamEncoding, ResponseBody, Source, StringRepr,
    TypeRef,
};

/// The methods the hand-written `When` has for every operation: a parameter of the same name gets the
/// method `<name>_param` instead.
const RESERVED: &[&str] = &[
    "body",
    "body_matches",
    "header",
    "query",
    "matching",
    "with_path",
    "with_query",
    "with_header",
    "with_json_body",
    "with_typed_body",
];

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
    let mut root = String::from(
        "#![cfg_attr(rustfmt, rustfmt::skip)]\n\
         //! Typed stubs for every operation, one module per API, each behind the cargo feature of its name.\n",
    );
    for api in &krate.apis {
        let module = &api.module.rust;
        let _ = write!(
            root,
            "/// Stubs of the operations of the {} (`klarna::{module}`).\n\
             #[cfg(feature = {})]\npub mod {module};\n",
            api.title.replace('`', "'"),
            lit(module)
        );
        let file = format!("{module}.rs");
        files.insert(
            PathBuf::from(&file),
            format!("{header}{}", unparse(&file, &api_module(api))?),
        );
    }
    files.insert(
        PathBuf::from("mod.rs"),
        format!("{header}{}", unparse("mod.rs", &root)?),
    );
    files.insert(
        PathBuf::from("examples.json"),
        examples::render(krate, read)?,
    );
    Ok(files)
}

/// Parses and prints a rendered file (so a rendering mistake is a diagnostic, not a broken crate).
fn unparse(file: &str, text: &str) -> Result<String, Diagnostic> {
    let parsed = syn::parse_file(text).map_err(|e| {
        Diagnostic::error(
            format!("testing/src/generated/{file}"),
            Location::File,
            format!("the rendered stubs are not valid Rust: {e}"),
        )
    })?;
    Ok(prettyplease::unparse(&parsed))
}

/// One API's stubs.
fn api_module(api: &Api) -> String {
    let module = &api.module.rust;
    let mut out = String::from("#![cfg_attr(rustfmt, rustfmt::skip)]\n#![allow(deprecated)]\n");
    let _ = writeln!(
        out,
        "//! Stubs of the operations of `klarna::{module}`: `StubServer::<accessor>()` mirrors \
         `Client::<accessor>()`, each method stubs the operation of the same name."
    );
    out.push_str("use crate::stubs::{Route, Stub, StubServer, Then, When};\n");
    let mut resources: Vec<_> = api.resources.iter().collect();
    resources.sort_by(|a, b| a.accessor.cmp(&b.accessor));
    out.push_str("impl StubServer {\n");
    // The SDK's builders are named in code spans, not linked: this crate reaches them only through the
    // `klarna` facade's inlined re-exports of the API crates, and rustdoc writes such links out as raw
    // paths (dead links that it does not warn about; `cargo xtask doc-links` finds them).
    for r in &resources {
        let _ = write!(
            out,
            "/// Stubs of the operations of `{api_path}`: the ones `client.{acc}()` calls.\n\
             pub fn {acc}(&self) -> {stubs}<'_> {{ {stubs}(self) }}\n",
            api_path = format_args!("klarna::{module}::operations::{}", r.name.rust),
            acc = r.accessor,
            stubs = stubs_name(&r.accessor),
        );
    }
    out.push_str("}\n");
    for r in &resources {
        let stubs = stubs_name(&r.accessor);
        let _ = write!(
            out,
            "/// Stubs of the operations of `client.{acc}()`; from [`StubServer::{acc}`].\n\
             pub struct {stubs}<'s>(&'s StubServer);\n\
             impl {stubs}<'_> {{\n",
            acc = r.accessor
        );
        for op in &r.operations {
            let marker = &op.builder;
            let _ = write!(
                out,
                "/// Stubs `{method} {path}` (`{id}`), sent by \
                 `klarna::{module}::operations::{api}::{name}`.\n\
                 pub fn {name}(&self, when: impl FnOnce(When<{marker}>) -> When<{marker}>, \
                 then: impl FnOnce(Then<{marker}>) -> Then<{marker}>) -> Stub {{ \
                 self.0.register(&{route}, when, then) }}\n",
                method = op.method.as_str(),
                path = op.path,
                id = op.id.wire,
                api = r.name.rust,
                name = op.id.rust,
                route = route_name(op),
            );
        }
        out.push_str("}\n");
    }
    for r in &resources {
        for op in &r.operations {
            operation(&mut out, api, op);
        }
    }
    out
}

/// The marker, route, `When` and `Then` of one operation.
fn operation(out: &mut String, api: &Api, op: &Operation) {
    let module = &api.module.rust;
    let marker = &op.builder;
    let (pieces, names) = path_pieces(op);
    let _ = write!(
        out,
        "/// The operation `{id}` (`{method} {path}`), naming its [`When`] and [`Then`]; sent by \
         `klarna::{module}::operations::{marker}`.\n\
         pub enum {marker} {{}}\n\
         static {route}: Route = Route {{ api: {api_lit}, id: {id_lit}, method: {method_lit}, \
         pieces: &[{pieces}], params: &[{names}] }};\n",
        id = op.id.wire,
        method = op.method.as_str(),
        path = op.path,
        route = route_name(op),
        api_lit = lit(module),
        id_lit = lit(&op.id.wire),
        method_lit = lit(op.method.as_str()),
        pieces = pieces.iter().map(|p| lit(p)).collect::<Vec<_>>().join(", "),
        names = names.iter().map(|p| lit(p)).collect::<Vec<_>>().join(", "),
    );
    let mut when = String::new();
    for p in &op.path_params {
        if let Some(position) = names.iter().position(|n| *n == p.name.wire)
            && let Some((arg, value)) = conversion(api, &p.ty, false)
        {
            let _ = write!(
                when,
                "/// Matches the path parameter `{wire}`.\n\
                 pub fn {name}(self, value: {arg}) -> Self {{ self.with_path({position}, {value}) }}\n",
                wire = p.name.wire,
                name = method_name(p),
            );
        }
    }
    for p in &op.query_params {
        if p.encoding != ParamEncoding::Text {
            continue;
        }
        if let Some((arg, value)) = conversion(api, &p.ty, true) {
            let values = if matches!(p.ty, TypeRef::List(_)) {
                value
            } else {
                format!("[{value}]")
            };
            let _ = write!(
                when,
                "/// Matches the query parameter `{wire}`: every value, in order.\n\
                 pub fn {name}(self, value: {arg}) -> Self {{ self.with_query({wire_lit}, {values}) }}\n",
                wire = p.name.wire,
                wire_lit = lit(&p.name.wire),
                name = method_name(p),
            );
        }
    }
    for p in &op.header_params {
        if let Some((arg, value)) = conversion(api, &p.ty, false) {
            let _ = write!(
                when,
                "/// Matches the header `{wire}`.\n\
                 pub fn {name}(self, value: {arg}) -> Self {{ self.with_header({wire_lit}, {value}) }}\n",
                wire = p.name.wire,
                wire_lit = lit(&p.name.wire),
                name = method_name(p),
            );
        }
    }
    if let Some(body) = &op.body
        && body.encoding == BodyEncoding::Json
        && let Some(ty) = rust_type(api, &body.ty)
    {
        let _ = write!(
            when,
            "/// Matches a JSON body equal to `body` as the SDK serializes it.\n\
             pub fn body(self, body: &{ty}) -> Self {{ self.with_json_body(body) }}\n\
             /// Matches a body that decodes into the request type and passes `check`.\n\
             pub fn body_matches(self, check: impl Fn(&{ty}) -> bool + Send + Sync + 'static) -> Self \
             {{ self.with_typed_body(check) }}\n"
        );
    }
    if !when.is_empty() {
        let _ = write!(out, "impl When<{marker}> {{\n{when}}}\n");
    }
    let mut then = String::new();
    let status = status_code(&op.response.status.to_string());
    if let Some(method) = answer(api, "ok", status, &op.response.body) {
        then.push_str(&method);
    }
    for alt in op.response.alternatives.iter().skip(1) {
        let name = format!("ok_{}", alt.variant.to_snake_case());
        let status = status_code(&alt.status.to_string());
        if let Some(method) = answer(api, &name, status, &alt.body) {
            then.push_str(&method);
        }
    }
    if !then.is_empty() {
        let _ = write!(out, "impl Then<{marker}> {{\n{then}}}\n");
    }
}

/// A `Then` method answering `status` with a success body.
fn answer(api: &Api, name: &str, status: u16, body: &ResponseBody) -> Option<String> {
    Some(match body {
        ResponseBody::Empty => format!(
            "/// Answers `{status}` with no body.\n\
             pub fn {name}(self) -> Self {{ self.status({status}) }}\n"
        ),
        ResponseBody::Json(ty) => {
            let ty = rust_type(api, ty)?;
            format!(
                "/// Answers `{status}` with `body` as JSON.\n\
                 pub fn {name}(self, body: &{ty}) -> Self {{ self.json({status}, body) }}\n"
            )
        }
        ResponseBody::Bytes(media) => format!(
            "/// Answers `{status}` with `body` as `{media}`.\n\
             pub fn {name}(self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self \
             {{ self.bytes({status}, {media_lit}, body) }}\n",
            media_lit = lit(media)
        ),
    })
}

/// `200`, `2XX` (answered 200).
fn status_code(status: &str) -> u16 {
    status.parse().unwrap_or(200)
}

/// The argument of a parameter method (`impl Into<T>`, as the SDK's setter takes) and the expression
/// turning `value` into the `T` whose `to_string` is the wire value (a list: each element's, the parameter
/// repeated). `None` for types the SDK does not write as text, and for lists where a list is not allowed.
fn conversion(api: &Api, ty: &TypeRef, list_allowed: bool) -> Option<(String, String)> {
    let text = |ty: &TypeRef| match ty {
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::String(_)
        | TypeRef::Named(_) => rust_type(api, ty),
        _ => None,
    };
    let t = match ty {
        TypeRef::List(inner) if list_allowed => format!("::std::vec::Vec<{}>", text(inner)?),
        _ => text(ty)?,
    };
    Some((
        format!("impl ::std::convert::Into<{t}>"),
        format!("::std::convert::Into::<{t}>::into(value)"),
    ))
}

/// The Rust type of a reference of `api`, with named types under `klarna::<module>`.
fn rust_type(api: &Api, ty: &TypeRef) -> Option<String> {
    Some(match ty {
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::String(format) => match StringRepr::of(format.as_deref()) {
            StringRepr::Text => "::std::string::String",
            StringRepr::DateTime => "::klarna::DateTime",
            StringRepr::Date => "::klarna::Date",
            StringRepr::Uuid => "::klarna::Uuid",
            StringRepr::Base64 => "::klarna::Base64Bytes",
            StringRepr::Decimal => "::klarna::Decimal",
        }
        .to_owned(),
        TypeRef::Bytes => return None,
        TypeRef::Json => "::serde_json::Value".to_owned(),
        TypeRef::Named(id) => format!("::klarna::{}::{}", api.module.rust, api.type_name(*id)),
        TypeRef::List(inner) => format!("::std::vec::Vec<{}>", rust_type(api, inner)?),
        TypeRef::Map(inner) => format!(
            "::std::collections::BTreeMap<::std::string::String, {}>",
            rust_type(api, inner)?
        ),
    })
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

/// A parameter's `When` method: its Rust name, or `<name>_param` when that is one of the generic methods.
fn method_name(p: &Param) -> String {
    let name = p.name.rust.strip_prefix("r#").unwrap_or(&p.name.rust);
    if RESERVED.contains(&name) {
        format!("{name}_param")
    } else {
        p.name.rust.clone()
    }
}

/// `payment_requests` → `PaymentRequestsStubs`.
fn stubs_name(accessor: &str) -> String {
    format!(
        "{}Stubs",
        accessor
            .strip_prefix("r#")
            .unwrap_or(accessor)
            .to_upper_camel_case()
    )
}

/// The static holding an operation's route: `GetPaymentCapture` → `GET_PAYMENT_CAPTURE`.
fn route_name(op: &Operation) -> String {
    op.builder.to_shouty_snake_case()
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
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
        let (arg, value) = conversion(api, &TypeRef::String(None), false).unwrap();
        assert_eq!(arg, "impl ::std::convert::Into<::std::string::String>");
        assert_eq!(
            value,
            "::std::convert::Into::<::std::string::String>::into(value)"
        );
        let (arg, _) =
            conversion(api, &TypeRef::List(Box::new(TypeRef::Named(state))), true).unwrap();
        assert_eq!(
            arg,
            "impl ::std::convert::Into<::std::vec::Vec<::klarna::payment::State>>"
        );
        // A list is only a query parameter's; maps and raw JSON are not written as text.
        assert!(conversion(api, &TypeRef::List(Box::new(TypeRef::I32)), false).is_none());
        assert!(conversion(api, &TypeRef::Map(Box::new(TypeRef::I32)), true).is_none());
        assert!(conversion(api, &TypeRef::Json, true).is_none());
        assert_eq!(
            rust_type(api, &TypeRef::String(Some("date-time".into()))).as_deref(),
            Some("::klarna::DateTime")
        );
        assert_eq!(stubs_name("payment_requests"), "PaymentRequestsStubs");
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
