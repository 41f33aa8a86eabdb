//! Where and why `openapiv3` refuses a document.
//!
//! `openapiv3` stops at the first problem, and inside its untagged and flattened types (`ReferenceOr`,
//! `Schema`, `Parameter`) serde loses the path, so the error can point at `#/paths` with a message
//! such as "data did not match any variant of untagged enum ReferenceOr". When the whole document does
//! not parse, this module parses it again piece by piece, following the OpenAPI 3.0 object graph of
//! [`crate::load::grammar`] (path items, operations, parameters, bodies, responses, media types, schemas, ...),
//! and reports every innermost piece that fails, with its own JSON pointer and serde's message for that
//! piece.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::child;
use crate::load::grammar::{self, Kind, Slot};

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
    for field in grammar::fields(Kind::Document)
        .iter()
        .filter(|f| f.openapi30)
    {
        let at = child("#", field.key);
        match (field.slot, obj.get(field.key)) {
            (Slot::One(Kind::Components), Some(Value::Object(components))) => {
                for section in grammar::fields(Kind::Components)
                    .iter()
                    .filter(|f| f.openapi30)
                {
                    let at = child(&at, section.key);
                    match (section.slot, components.get(section.key)) {
                        (Slot::Names(kind), Some(Value::Object(entries))) => {
                            for (name, value) in entries {
                                locate(kind, value, &child(&at, name), 0, &mut out);
                            }
                        }
                        (_, Some(_)) => {
                            out.push((at, format!("`{}` must be an object", section.key)));
                        }
                        (_, None) => {}
                    }
                }
            }
            (Slot::Extensible(kind), Some(Value::Object(entries))) => {
                for (key, value) in entries {
                    if !grammar::is_extension(key) {
                        locate(kind, value, &child(&at, key), 0, &mut out);
                    }
                }
            }
            _ => {}
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

/// Parses `value` as the object of `kind` (without a `$ref` around it); the kinds `openapiv3` has no
/// type for (the document, `components`, anything else) are not parsed on their own.
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
        Kind::Document | Kind::Components | Kind::Other => Ok(()),
    }
}

/// The children of a `kind` object at `at` that are OpenAPI 3.0 objects themselves: pointer, kind,
/// value. Objects first, then the entries of maps, then of lists, each in the grammar's order; a slot
/// that may also hold a boolean is searched only when it holds an object.
fn children<'v>(
    kind: Kind,
    obj: &'v serde_json::Map<String, Value>,
    at: &str,
) -> Vec<(String, Kind, &'v Value)> {
    let mut out = Vec::new();
    if let Some(Slot::One(k)) = grammar::rest(kind) {
        for (key, v) in obj {
            if !grammar::is_extension(key) {
                out.push((child(at, key), k, v));
            }
        }
    }
    let fields = || grammar::fields(kind).iter().filter(|f| f.openapi30);
    for field in fields() {
        if let (Slot::One(k), Some(v)) = (field.slot, obj.get(field.key))
            && (!field.or_boolean || v.is_object())
        {
            out.push((child(at, field.key), k, v));
        }
    }
    for field in fields() {
        if let (Slot::Names(k) | Slot::Extensible(k), Some(Value::Object(entries))) =
            (field.slot, obj.get(field.key))
        {
            let extensible = matches!(field.slot, Slot::Extensible(_));
            for (key, v) in entries {
                if !(extensible && grammar::is_extension(key)) {
                    out.push((child(&child(at, field.key), key), k, v));
                }
            }
        }
    }
    for field in fields() {
        if let (Slot::List(k), Some(Value::Array(items))) = (field.slot, obj.get(field.key)) {
            for (i, v) in items.iter().enumerate() {
                out.push((child(&child(at, field.key), &i.to_string()), k, v));
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
    fn extensions_are_skipped_but_names_that_look_like_them_are_searched() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "x-internal": {"get": "not an operation"},
                "/a": {"get": {"responses": {
                    "x-note": 5,
                    "200": {"description": 7}
                }}}
            },
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"x-id": {"type": "string", "minLength": "one"}}}
            }}
        });
        let found = problems(&doc);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a/get/responses/200/description",
                "#/components/schemas/A/properties/x-id/minLength",
            ],
            "{found:#?}"
        );
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
