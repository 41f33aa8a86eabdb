//! Where and why `openapiv3` refuses a document.
//!
//! `openapiv3` stops at the first problem, and inside its untagged and flattened types (`ReferenceOr`,
//! `Schema`, `Parameter`) serde loses the path, so the error can point at `#/paths` with a message
//! such as "data did not match any variant of untagged enum ReferenceOr". When the whole document does
//! not parse, this module parses it again piece by piece, following the OpenAPI object graph (path
//! items, operations, parameters, bodies, responses, media types, schemas, ...), and reports every
//! innermost piece that fails, with its own JSON pointer and serde's message for that piece.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::child;

/// An OpenAPI object kind, to know what a JSON value must parse as and where its children are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Schema,
    Example,
    Link,
    Callback,
    SecurityScheme,
}

/// One refused piece: its pointer and what is wrong.
pub type Problem = (String, String);

/// Every innermost piece of `root` that `openapiv3` refuses. Empty when the pieces all parse (the
/// caller then reports the whole-document error as it is).
pub fn problems(root: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(obj) = root.as_object() else {
        return out;
    };
    top::<openapiv3::Info>(obj.get("info"), "#/info", &mut out);
    top::<Vec<openapiv3::Server>>(obj.get("servers"), "#/servers", &mut out);
    top::<Vec<openapiv3::Tag>>(obj.get("tags"), "#/tags", &mut out);
    top::<Vec<openapiv3::SecurityRequirement>>(obj.get("security"), "#/security", &mut out);
    top::<openapiv3::ExternalDocumentation>(obj.get("externalDocs"), "#/externalDocs", &mut out);
    if let Some(Value::Object(paths)) = obj.get("paths") {
        for (path, item) in paths {
            if !path.starts_with("x-") {
                locate(Kind::PathItem, item, &child("#/paths", path), 0, &mut out);
            }
        }
    }
    if let Some(Value::Object(components)) = obj.get("components") {
        let sections = [
            ("schemas", Kind::Schema),
            ("responses", Kind::Response),
            ("parameters", Kind::Parameter),
            ("examples", Kind::Example),
            ("requestBodies", Kind::RequestBody),
            ("headers", Kind::Header),
            ("securitySchemes", Kind::SecurityScheme),
            ("links", Kind::Link),
            ("callbacks", Kind::Callback),
        ];
        for (section, kind) in sections {
            let at = child("#/components", section);
            match components.get(section) {
                Some(Value::Object(entries)) => {
                    for (name, value) in entries {
                        locate(kind, value, &child(&at, name), 0, &mut out);
                    }
                }
                Some(_) => out.push((at, format!("`{section}` must be an object"))),
                None => {}
            }
        }
    }
    out
}

/// Checks one top-level field as a whole.
fn top<T: DeserializeOwned>(value: Option<&Value>, at: &str, out: &mut Vec<Problem>) {
    if let Some(value) = value
        && let Err((path, message)) = parse::<T>(value)
    {
        out.push((join(at, &path), message));
    }
}

/// Parses `value` as `T`, returning the path inside `value` and the message on failure.
fn parse<T: DeserializeOwned>(value: &Value) -> Result<(), (Vec<String>, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => Ok(()),
        Err(e) => Err((path_tokens(e.path()), e.into_inner().to_string())),
    }
}

/// The JSON Pointer tokens of a path serde reported (segments it could not name are skipped).
pub fn path_tokens(path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect()
}

fn join(at: &str, path: &[String]) -> String {
    path.iter().fold(at.to_owned(), |p, t| child(&p, t))
}

/// Parses `value` as the object of `kind` (without a `$ref` around it).
fn parse_kind(kind: Kind, value: &Value) -> Result<(), (Vec<String>, String)> {
    match kind {
        Kind::PathItem => parse::<openapiv3::PathItem>(value),
        Kind::Operation => parse::<openapiv3::Operation>(value),
        Kind::Parameter => parse::<openapiv3::Parameter>(value),
        Kind::RequestBody => parse::<openapiv3::RequestBody>(value),
        Kind::Response => parse::<openapiv3::Response>(value),
        Kind::Header => parse::<openapiv3::Header>(value),
        Kind::MediaType => parse::<openapiv3::MediaType>(value),
        Kind::Encoding => parse::<openapiv3::Encoding>(value),
        Kind::Schema => parse::<openapiv3::Schema>(value),
        Kind::Example => parse::<openapiv3::Example>(value),
        Kind::Link => parse::<openapiv3::Link>(value),
        Kind::Callback => parse::<openapiv3::Callback>(value),
        Kind::SecurityScheme => parse::<openapiv3::SecurityScheme>(value),
    }
}

/// The children of a `kind` object at `at` that are OpenAPI objects themselves: pointer, kind, value.
fn children<'v>(
    kind: Kind,
    obj: &'v serde_json::Map<String, Value>,
    at: &str,
) -> Vec<(String, Kind, &'v Value)> {
    let mut out = Vec::new();
    let mut fields: Vec<(&str, Kind)> = Vec::new();
    let mut maps: Vec<(&str, Kind)> = Vec::new();
    let mut lists: Vec<(&str, Kind)> = Vec::new();
    match kind {
        Kind::PathItem => {
            for m in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                fields.push((m, Kind::Operation));
            }
            lists.push(("parameters", Kind::Parameter));
        }
        Kind::Operation => {
            lists.push(("parameters", Kind::Parameter));
            fields.push(("requestBody", Kind::RequestBody));
            maps.push(("responses", Kind::Response));
            maps.push(("callbacks", Kind::Callback));
        }
        Kind::Parameter | Kind::Header => {
            fields.push(("schema", Kind::Schema));
            maps.push(("content", Kind::MediaType));
            maps.push(("examples", Kind::Example));
        }
        Kind::RequestBody => maps.push(("content", Kind::MediaType)),
        Kind::Response => {
            maps.push(("headers", Kind::Header));
            maps.push(("content", Kind::MediaType));
            maps.push(("links", Kind::Link));
        }
        Kind::MediaType => {
            fields.push(("schema", Kind::Schema));
            maps.push(("examples", Kind::Example));
            maps.push(("encoding", Kind::Encoding));
        }
        Kind::Encoding => maps.push(("headers", Kind::Header)),
        Kind::Schema => {
            fields.push(("items", Kind::Schema));
            fields.push(("not", Kind::Schema));
            if obj
                .get("additionalProperties")
                .is_some_and(Value::is_object)
            {
                fields.push(("additionalProperties", Kind::Schema));
            }
            maps.push(("properties", Kind::Schema));
            lists.push(("allOf", Kind::Schema));
            lists.push(("oneOf", Kind::Schema));
            lists.push(("anyOf", Kind::Schema));
        }
        Kind::Callback => {
            for (expression, item) in obj {
                out.push((child(at, expression), Kind::PathItem, item));
            }
        }
        Kind::Example | Kind::Link | Kind::SecurityScheme => {}
    }
    for (name, k) in fields {
        if let Some(v) = obj.get(name) {
            out.push((child(at, name), k, v));
        }
    }
    for (name, k) in maps {
        if let Some(Value::Object(entries)) = obj.get(name) {
            for (key, v) in entries {
                if !key.starts_with("x-") {
                    out.push((child(&child(at, name), key), k, v));
                }
            }
        }
    }
    for (name, k) in lists {
        if let Some(Value::Array(items)) = obj.get(name) {
            for (i, v) in items.iter().enumerate() {
                out.push((child(&child(at, name), &i.to_string()), k, v));
            }
        }
    }
    out
}

/// How deep the search descends; deeper problems are reported at this depth.
const MAX_DEPTH: usize = 64;

/// Reports the innermost failing pieces under `value`, which must be a `kind` object or a `$ref`.
fn locate(kind: Kind, value: &Value, at: &str, depth: usize, out: &mut Vec<Problem>) {
    let Some(obj) = value.as_object() else {
        if let Err((path, message)) = parse_kind(kind, value) {
            out.push((join(at, &path), message));
        }
        return;
    };
    if let Some(reference) = obj.get("$ref") {
        if !reference.is_string() {
            out.push((child(at, "$ref"), "`$ref` must be a string".to_owned()));
        }
        return;
    }
    if parse_kind(kind, value).is_ok() {
        return;
    }
    let before = out.len();
    if depth >= MAX_DEPTH {
        out.push(self_problem(kind, value, at));
        return;
    }
    for (child_at, k, v) in children(kind, obj, at) {
        locate(k, v, &child_at, depth + 1, out);
    }
    if out.len() > before {
        return;
    }
    out.push(self_problem(kind, value, at));
}

/// The problem of an object whose children all parse: the most precise message serde can give.
fn self_problem(kind: Kind, value: &Value, at: &str) -> Problem {
    // Flattened and tagged parts lose serde's path: parse them on their own first.
    let precise = match kind {
        Kind::Schema => parse::<openapiv3::SchemaData>(value).and_then(|()| schema_kind(value)),
        Kind::Parameter => parse::<openapiv3::ParameterData>(value),
        _ => Ok(()),
    };
    let (path, message) = match precise.and_then(|()| parse_kind(kind, value)) {
        Err(e) => e,
        Ok(()) => (Vec::new(), "not a valid OpenAPI 3.0 object".to_owned()),
    };
    (join(at, &path), message)
}

/// A schema's type-specific keywords, parsed as the struct its `type` selects.
fn schema_kind(value: &Value) -> Result<(), (Vec<String>, String)> {
    match value.get("type") {
        Some(Value::String(t)) => match t.as_str() {
            "string" => parse::<openapiv3::StringType>(value),
            "number" => parse::<openapiv3::NumberType>(value),
            "integer" => parse::<openapiv3::IntegerType>(value),
            "object" => parse::<openapiv3::ObjectType>(value),
            "array" => parse::<openapiv3::ArrayType>(value),
            "boolean" => parse::<openapiv3::BooleanType>(value),
            other => Err((
                vec!["type".to_owned()],
                format!(
                    "unknown schema type `{other}` (expected string, number, integer, boolean, array or object)"
                ),
            )),
        },
        Some(_) => Err((
            vec!["type".to_owned()],
            "`type` must be a string in OpenAPI 3.0".to_owned(),
        )),
        None => {
            for keyword in ["allOf", "oneOf", "anyOf"] {
                if let Some(v) = value.get(keyword)
                    && !v.is_array()
                {
                    return Err((
                        vec![keyword.to_owned()],
                        format!("`{keyword}` must be a list of schemas"),
                    ));
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_bad_piece_is_reported_at_its_own_pointer() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"responses": {"200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {"n": {"type": "string", "nullable": "yes"}}
                    }}}
                }}}}
            },
            "components": {"schemas": {
                "B": {"type": "object", "properties": {
                    "c": {"type": "array", "items": {"type": "integer", "minimum": "low"}}
                }},
                "C": {"oneOf": {"not": "a list"}},
                "D": {"$ref": 5},
                "Fine": {"type": "string"}
            }}
        });
        assert!(serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()).is_err());
        let found = problems(&doc);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/n/nullable",
                "#/components/schemas/B/properties/c/items/minimum",
                "#/components/schemas/C/oneOf",
                "#/components/schemas/D/$ref",
            ],
            "{found:#?}"
        );
        assert!(found[0].1.contains("expected a boolean"), "{}", found[0].1);
        assert!(found[1].1.contains("invalid type"), "{}", found[1].1);
    }

    #[test]
    fn a_valid_document_has_no_problems() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"204": {"description": "none"}}}}}
        });
        assert!(problems(&doc).is_empty());
    }
}
