//! Structural checks on the raw document before `openapiv3` parses it.
//!
//! `openapiv3` stops at the first problem and words it in serde's terms. These checks run first, collect
//! every structural problem of the document with its JSON pointer, and word it in OpenAPI's terms.

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location, child};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Pushes an error for every missing or mistyped required structure.
pub fn check_structure(root: &Value, file: &str, out: &mut Diagnostics) {
    let mut err = |at: &str, msg: String| {
        out.push(Diagnostic::error(
            file,
            Location::Pointer(at.to_owned()),
            msg,
        ))
    };
    let Some(obj) = root.as_object() else {
        err("#", "the document is not an object".into());
        return;
    };
    match obj.get("info") {
        None => err("#", "missing required field `info`".into()),
        Some(Value::Object(info)) => {
            for field in ["title", "version"] {
                match info.get(field) {
                    None => err("#/info", format!("missing required field `info.{field}`")),
                    Some(Value::String(_)) => {}
                    Some(_) => err(
                        &child("#/info", field),
                        format!("`info.{field}` must be a string"),
                    ),
                }
            }
        }
        Some(_) => err("#/info", "`info` must be an object".into()),
    }
    match obj.get("paths") {
        None => err(
            "#",
            "missing required field `paths` (OpenAPI 3.0 requires it, even if empty)".into(),
        ),
        Some(Value::Object(paths)) => {
            for (path, item) in paths {
                let at = child("#/paths", path);
                if !path.starts_with('/') && !path.starts_with("x-") {
                    err(&at, format!("path `{path}` must start with `/`"));
                }
                let Some(item) = item.as_object() else {
                    err(&at, "a path item must be an object".into());
                    continue;
                };
                for method in METHODS {
                    let Some(op) = item.get(method) else { continue };
                    let op_at = child(&at, method);
                    let Some(op) = op.as_object() else {
                        err(&op_at, "an operation must be an object".into());
                        continue;
                    };
                    match op.get("responses") {
                        None => err(&op_at, "missing required field `responses`".into()),
                        Some(Value::Object(_)) => {}
                        Some(_) => err(
                            &child(&op_at, "responses"),
                            "`responses` must be an object".into(),
                        ),
                    }
                    if let Some(params) = op.get("parameters") {
                        check_parameters(params, &child(&op_at, "parameters"), &mut err);
                    }
                }
                if let Some(params) = item.get("parameters") {
                    check_parameters(params, &child(&at, "parameters"), &mut err);
                }
            }
        }
        Some(_) => err("#/paths", "`paths` must be an object".into()),
    }
    if let Some(components) = obj.get("components")
        && !components.is_object()
    {
        err("#/components", "`components` must be an object".into());
    }
}

fn check_parameters(params: &Value, at: &str, err: &mut impl FnMut(&str, String)) {
    let Some(params) = params.as_array() else {
        err(at, "`parameters` must be a list".into());
        return;
    };
    for (i, p) in params.iter().enumerate() {
        let p_at = format!("{at}/{i}");
        let Some(p) = p.as_object() else {
            err(&p_at, "a parameter must be an object".into());
            continue;
        };
        if p.contains_key("$ref") {
            continue;
        }
        if !p.get("name").is_some_and(Value::is_string) {
            err(&p_at, "parameter without a `name`".into());
        }
        match p.get("in").and_then(Value::as_str) {
            Some("path" | "query" | "header" | "cookie") => {}
            Some(other) => err(
                &child(&p_at, "in"),
                format!("parameter location `{other}` is not one of path, query, header, cookie"),
            ),
            None => err(&p_at, "parameter without `in`".into()),
        }
        if !p.contains_key("schema") && !p.contains_key("content") {
            err(&p_at, "parameter needs a `schema` or a `content`".into());
        }
    }
}

/// Repairs what real documents get wrong in ways that do not matter to the generated crate, with a warning
/// each: a response header with neither `schema` nor `content` (Klarna's order management API has them)
/// gets a string schema.
pub fn repair(root: &mut Value, file: &str, warnings: &mut Diagnostics) {
    let mut visit = |headers: &mut serde_json::Map<String, Value>, at: &str| {
        for (name, header) in headers.iter_mut() {
            if let Some(h) = header.as_object_mut()
                && !h.contains_key("$ref")
                && !h.contains_key("schema")
                && !h.contains_key("content")
            {
                h.insert("schema".into(), serde_json::json!({ "type": "string" }));
                warnings.push(Diagnostic::warning(
                    file,
                    Location::Pointer(child(&child(at, "headers"), name)),
                    "response header has neither `schema` nor `content`; read as a string",
                ));
            }
        }
    };
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for method in METHODS {
                let Some(responses) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("responses"))
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                for (code, response) in responses.iter_mut() {
                    let at = child(
                        &child(&child(&child("#/paths", path), method), "responses"),
                        code,
                    );
                    if let Some(headers) =
                        response.get_mut("headers").and_then(Value::as_object_mut)
                    {
                        visit(headers, &at);
                    }
                }
            }
        }
    }
    if let Some(responses) = root
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for (name, response) in responses.iter_mut() {
            let at = child("#/components/responses", name);
            if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
                visit(headers, &at);
            }
        }
    }
    if let Some(headers) = root
        .pointer_mut("/components/headers")
        .and_then(Value::as_object_mut)
    {
        visit(headers, "#/components");
    }
}
