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

/// Makes the pointer locations of `diags` exact: a pointer the lowering built through a composition
/// (`.../Pet/properties/owner` for a property an `allOf` part declares) becomes the place in the file
/// (`.../Pet/allOf/1/properties/owner`), and every pointer found in its file gains its line and column.
/// `sources` pairs each document's displayed name with its path on disk; a file that cannot be read or
/// parsed again, or a pointer that is not in it (a part imported from another file), keeps its pointer.
pub fn place(diags: &mut crate::diag::Diagnostics, sources: &[(&str, &std::path::Path)]) {
    use crate::diag::Location;
    let mut files: std::collections::BTreeMap<String, Option<Positions>> =
        std::collections::BTreeMap::new();
    for d in diags.iter_mut() {
        let Location::Pointer(pointer) = &d.location else {
            continue;
        };
        let Some((_, path)) = sources.iter().find(|(shown, _)| *shown == d.file) else {
            continue;
        };
        let parsed = files.entry(d.file.clone()).or_insert_with(|| {
            let text = std::fs::read_to_string(path).ok()?;
            Positions::read(&text)
        });
        let Some(positions) = parsed else {
            continue;
        };
        let tokens = pointer_tokens(pointer);
        let exact = if tokens.is_empty() || positions.of(&tokens).is_some() {
            tokens
        } else {
            match through_compositions(&positions.0, &tokens) {
                Some(found) => found,
                None => continue,
            }
        };
        let pointer = crate::diag::pointer(&exact);
        d.location = match positions.of(&exact) {
            Some((line, column)) => Location::PointerAt {
                pointer,
                line,
                column,
            },
            None => Location::Pointer(pointer),
        };
    }
}

/// The decoded tokens of `#/a/b~1c`.
fn pointer_tokens(pointer: &str) -> Vec<String> {
    let body = pointer.strip_prefix('#').unwrap_or(pointer);
    body.split('/')
        .skip(1)
        .map(crate::diag::decode_pointer_token)
        .collect()
}

/// `tokens` followed through the document, descending into the inline parts of `allOf`, `oneOf` and
/// `anyOf` where a token is not found in the schema itself: the tokens of where it really is.
fn through_compositions(v: &Node, tokens: &[String]) -> Option<Vec<String>> {
    let Some((first, rest)) = tokens.split_first() else {
        return Some(Vec::new());
    };
    if let Some(next) = v.child(first)
        && let Some(mut found) = through_compositions(next, rest)
    {
        found.insert(0, first.clone());
        return Some(found);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        let Some(Node::Seq(parts)) = v.child(key) else {
            continue;
        };
        for (i, (_, part)) in parts.iter().enumerate() {
            if let Some(mut found) = through_compositions(part, tokens) {
                found.splice(0..0, [key.to_owned(), i.to_string()]);
                return Some(found);
            }
        }
    }
    None
}

/// Where each node of a YAML or JSON file is: a member at its key, an item at its value.
struct Positions(Node);

enum Node {
    Leaf,
    Map(Vec<(String, (u64, u64), Node)>),
    Seq(Vec<((u64, u64), Node)>),
}

impl Node {
    /// The member `token` of a map, or the item at index `token` of a list.
    fn child(&self, token: &str) -> Option<&Node> {
        match self {
            Node::Map(members) => members
                .iter()
                .find(|(k, _, _)| k == token)
                .map(|(_, _, n)| n),
            Node::Seq(items) => items.get(token.parse::<usize>().ok()?).map(|(_, n)| n),
            Node::Leaf => None,
        }
    }
}

impl Positions {
    fn read(text: &str) -> Option<Self> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        serde_saphyr::from_str_with_options::<Node>(text, crate::load::yaml_options())
            .ok()
            .map(Positions)
    }

    /// The line and column of the node at `tokens`.
    fn of(&self, tokens: &[String]) -> Option<(u64, u64)> {
        let mut node = &self.0;
        let mut at = None;
        for t in tokens {
            let (pos, next) = match node {
                Node::Map(members) => members
                    .iter()
                    .find(|(k, _, _)| k == t)
                    .map(|(_, pos, n)| (*pos, n))?,
                Node::Seq(items) => items
                    .get(t.parse::<usize>().ok()?)
                    .map(|(pos, n)| (*pos, n))?,
                Node::Leaf => return None,
            };
            at = Some(pos);
            node = next;
        }
        at.filter(|(line, _)| *line > 0)
    }
}

fn position(l: &serde_saphyr::Location) -> (u64, u64) {
    (l.line(), l.column())
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any YAML node")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_i128<E>(self, _: i128) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_u128<E>(self, _: u128) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Leaf)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                <Node as serde::Deserialize>::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element::<serde_saphyr::Spanned<Node>>()? {
                    items.push((position(&item.referenced), item.value));
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = a.next_key::<serde_saphyr::Spanned<String>>()? {
                    let value = a.next_value::<Node>()?;
                    members.push((key.value, position(&key.referenced), value));
                }
                Ok(Node::Map(members))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;
    use crate::diag::{Diagnostic, Diagnostics, Location};

    fn placed(text: &str, pointer: &str) -> Location {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.yaml");
        std::fs::write(&path, text).expect("write");
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::error(
            "t.yaml",
            Location::Pointer(pointer.into()),
            "m",
        ));
        place(&mut diags, &[("t.yaml", &path)]);
        diags.iter().next().expect("one").location.clone()
    }

    const DOC: &str = "openapi: 3.0.3\ncomponents:\n  schemas:\n    Pet:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            owner: {$ref: '#/components/schemas/Ownr'}\n            tags:\n              - a\n              - {b: 1}\n";

    #[test]
    fn a_pointer_through_all_of_is_placed_where_the_property_is() {
        assert_eq!(
            placed(DOC, "#/components/schemas/Pet/properties/owner"),
            Location::PointerAt {
                pointer: "#/components/schemas/Pet/allOf/1/properties/owner".into(),
                line: 9,
                column: 13
            }
        );
    }

    #[test]
    fn pointers_in_the_file_get_their_line_and_column() {
        assert_eq!(
            placed(DOC, "#/components/schemas/Pet/allOf/1/properties/tags/1/b"),
            Location::PointerAt {
                pointer: "#/components/schemas/Pet/allOf/1/properties/tags/1/b".into(),
                line: 12,
                column: 18
            }
        );
        let json = "{\n  \"paths\": {\n    \"/a~b\": {\"get\": {}}\n  }\n}\n";
        assert_eq!(
            placed(json, "#/paths/~1a~0b/get"),
            Location::PointerAt {
                pointer: "#/paths/~1a~0b/get".into(),
                line: 3,
                column: 14
            }
        );
    }

    #[test]
    fn a_pointer_not_in_the_file_is_kept() {
        assert_eq!(
            placed(DOC, "#/components/schemas/Imported"),
            Location::Pointer("#/components/schemas/Imported".into())
        );
    }
}

/// The name among `names` closest to `wanted` in spelling (edit distance, case differences counting
/// little), if one is close enough to be what was meant: for "did you mean" hints.
pub fn closest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    names
        .into_iter()
        .filter(|n| *n != wanted)
        .map(|n| {
            let d = edit_distance(&folded, &n.to_lowercase());
            // A difference only in case is closer than any other edit.
            (if d == 0 { 0 } else { d * 2 }, n)
        })
        .filter(|(d, _)| *d <= limit * 2)
        .min()
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod closest_tests {
    use super::closest;

    #[test]
    fn the_closest_name_is_suggested_when_it_is_close() {
        let names = ["Owner", "Order", "Pet", "PetList"];
        assert_eq!(closest("Ownr", names), Some("Owner"));
        assert_eq!(closest("owner", names), Some("Owner"));
        assert_eq!(closest("Pets", names), Some("Pet"));
        assert_eq!(closest("Invoice", names), None);
        assert_eq!(closest("Owner", ["Owner"]), None);
    }
}
