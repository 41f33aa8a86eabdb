//! `examples.json`: what the fake Klarna of `klarna-testing` answers for an operation it keeps no state for,
//! and the payload samples of its simulated webhook events, taken from the documents the IR came from.
//!
//! Per operation: its API, `operationId`, method, path, success status, the success body (the example the
//! document gives for the JSON success response, or a body built from the response schema where it gives
//! none), the Rust name of the body's type, the items field of a cursor-paginated list, and whether a JSON
//! body is required. Per webhook event type: a payload built from the payload schema.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Location};
use crate::ir::{Api, BodyEncoding, Crate, Operation, ResponseBody, TypeRef};

/// Where the file goes, for diagnostics.
const FILE: &str = "testing/src/generated/examples.json";

/// Renders `examples.json`: one operation a line, then the event samples, in IR order.
pub(super) fn render(
    krate: &Crate,
    read: &dyn Fn(&str) -> std::io::Result<String>,
) -> Result<String, Diagnostic> {
    let mut operations = Vec::new();
    let mut events = Vec::new();
    for api in &krate.apis {
        let file = &api.source.file;
        let text = read(file).map_err(|e| {
            Diagnostic::error(
                file.as_str(),
                Location::File,
                format!("cannot read it for {FILE}: {e}"),
            )
        })?;
        // Read as the loader reads it (YAML 1.2 core schema), so examples mean what the types say.
        let doc: Value = crate::load::parse_document(text.as_bytes(), file)?;
        for op in api.resources.iter().flat_map(|r| &r.operations) {
            operations.push(operation(api, &doc, op)?);
        }
        if let Some(set) = &api.events {
            for event in &set.events {
                let sample = match &event.payload {
                    TypeRef::Named(id) => {
                        synthesize(&doc, &json!({ "$ref": api.ty(*id).pointer }), 0)
                    }
                    other => synthesize(&doc, &schema_of(other), 0),
                };
                events.push((event.name.wire.clone(), sample));
            }
        }
    }
    let line = |v: &Value| serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::from("{\"operations\": [\n");
    for (i, op) in operations.iter().enumerate() {
        let sep = if i + 1 < operations.len() { "," } else { "" };
        let _ = writeln!(out, "{}{sep}", line(op));
    }
    out.push_str("],\n\"events\": {\n");
    for (i, (name, sample)) in events.iter().enumerate() {
        let sep = if i + 1 < events.len() { "," } else { "" };
        let _ = writeln!(out, "{}: {}{sep}", line(&json!(name)), line(sample));
    }
    out.push_str("}}\n");
    Ok(out)
}

/// One operation's entry.
fn operation(api: &Api, doc: &Value, op: &Operation) -> Result<Value, Diagnostic> {
    let file = api.source.file.as_str();
    let node = op
        .pointer
        .strip_prefix('#')
        .and_then(|p| doc.pointer(p))
        .ok_or_else(|| {
            Diagnostic::error(
                file,
                Location::Pointer(op.pointer.clone()),
                format!(
                    "operation {} is not at its pointer in the document",
                    op.id.wire
                ),
            )
        })?;
    // The response's key in the document is the status as written (`201`, `2XX`); a range is answered
    // with 200.
    let key = op.response.status().to_string();
    let status: u16 = key.parse().unwrap_or(200);
    let (body, schema) = match op.response.body() {
        ResponseBody::Json(ty) => {
            let response = node
                .pointer(&format!("/responses/{key}"))
                .map(|r| resolve(doc, r))
                .unwrap_or(Value::Null);
            let content = response.get("content").and_then(Value::as_object);
            let media = content.and_then(|c| {
                c.iter()
                    .find(|(k, _)| k.contains("json"))
                    .or_else(|| c.iter().next())
                    .map(|(_, m)| m)
            });
            let example = media.and_then(|m| {
                m.get("example").cloned().or_else(|| {
                    m.get("examples")
                        .and_then(Value::as_object)
                        .and_then(|e| e.values().next())
                        .map(|e| resolve(doc, e))
                        .and_then(|e| e.get("value").cloned())
                })
            });
            let schema = media
                .and_then(|m| m.get("schema").cloned())
                .unwrap_or_else(|| schema_of(ty));
            let name = match ty {
                TypeRef::Named(n) => Value::String(api.type_name(*n).to_owned()),
                _ => Value::Null,
            };
            (example.unwrap_or_else(|| synthesize(doc, &schema, 0)), name)
        }
        ResponseBody::Empty | ResponseBody::Bytes(_) => (Value::Null, Value::Null),
    };
    let list_field = op
        .pagination
        .as_ref()
        .filter(|p| !p.page_list)
        .map_or(Value::Null, |p| Value::String(p.items.wire.clone()));
    let json_body_required = op
        .body
        .as_ref()
        .is_some_and(|b| b.required && b.encoding == BodyEncoding::Json);
    Ok(json!({
        "api": api.module.rust,
        "id": op.id.wire,
        "method": op.method.as_str(),
        "path": op.path(),
        "status": status,
        "body": body,
        "schema": schema,
        "list_field": list_field,
        "json_body_required": json_body_required,
    }))
}

/// A schema for a type reference that has no schema of its own in the document at hand.
fn schema_of(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Bool => json!({"type": "boolean"}),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => json!({"type": "integer"}),
        TypeRef::F32 | TypeRef::F64 => json!({"type": "number"}),
        TypeRef::String(format) => json!({"type": "string", "format": format}),
        TypeRef::Bytes => json!({"type": "string", "format": "binary"}),
        TypeRef::Json | TypeRef::Named(_) => json!({"type": "object"}),
        TypeRef::List(inner) => json!({"type": "array", "items": schema_of(inner)}),
        TypeRef::Map(_) => json!({"type": "object"}),
        TypeRef::OrNull(inner) => {
            let mut schema = schema_of(inner);
            schema["nullable"] = json!(true);
            schema
        }
    }
}

/// Follows a local `$ref` (`#/components/...`), a few hops at most.
fn resolve(doc: &Value, value: &Value) -> Value {
    let mut current = value.clone();
    for _ in 0..8 {
        let Some(pointer) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            return current;
        };
        match doc.pointer(pointer) {
            Some(target) => current = target.clone(),
            None => return current,
        }
    }
    current
}

/// A value valid for `schema`: its example where it has one, otherwise built from its parts (required
/// properties always, optional ones near the top; the first alternative of a union; the first enum value).
fn synthesize(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            match synthesize(doc, part, depth) {
                Value::Object(m) => merged.extend(m),
                other if all.len() == 1 => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return synthesize(doc, first, depth);
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or(
        if schema.get("properties").is_some() {
            "object"
        } else {
            "string"
        },
    );
    match kind {
        "object" => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if required.contains(&name.as_str()) || depth < 2 {
                        out.insert(name.clone(), synthesize(doc, prop, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        "array" if depth > 6 => json!([]),
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            json!([synthesize(doc, &items, depth + 1)])
        }
        "integer" | "number" => schema
            .get("minimum")
            .or_else(|| schema.get("default"))
            .cloned()
            .unwrap_or(json!(1)),
        "boolean" => schema.get("default").cloned().unwrap_or(json!(false)),
        _ => {
            if let Some(d) = schema.get("default") {
                return d.clone();
            }
            let mut text = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => "2025-12-01T12:00:00Z",
                Some("date") => "2025-12-01",
                Some("uuid") => "3a0e2d4c-6b7f-4e0a-9c1d-2f3b4a5c6d7e",
                Some("email") => "customer@example.com",
                Some("uri" | "url") => "https://example.com/",
                Some("byte") => "ZmFrZQ==",
                _ => "string",
            }
            .to_owned();
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            while (text.len() as u64) < min {
                text.push('x');
            }
            json!(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_values_follow_the_schema() {
        let doc = json!({"components": {"schemas": {
            "Amount": {"type": "integer", "minimum": 5},
            "Thing": {
                "type": "object",
                "required": ["id", "amount"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "amount": {"$ref": "#/components/schemas/Amount"},
                    "state": {"type": "string", "enum": ["OPEN", "CLOSED"]},
                    "code": {"type": "string", "minLength": 8},
                    "tags": {"type": "array", "items": {"type": "string"}}
                }
            }
        }}});
        let thing = synthesize(&doc, &json!({"$ref": "#/components/schemas/Thing"}), 0);
        assert_eq!(
            thing,
            json!({
                "id": "3a0e2d4c-6b7f-4e0a-9c1d-2f3b4a5c6d7e",
                "amount": 5,
                "state": "OPEN",
                "code": "stringxx",
                "tags": ["string"]
            })
        );
        // Deep optional properties are left out, required ones stay.
        let deep = synthesize(&doc, &json!({"$ref": "#/components/schemas/Thing"}), 3);
        assert_eq!(
            deep,
            json!({"id": "3a0e2d4c-6b7f-4e0a-9c1d-2f3b4a5c6d7e", "amount": 5})
        );
        // An example wins over the schema.
        assert_eq!(
            synthesize(&doc, &json!({"type": "integer", "example": 42}), 0),
            json!(42)
        );
        assert_eq!(
            resolve(&doc, &json!({"$ref": "#/components/schemas/Missing"})),
            json!({"$ref": "#/components/schemas/Missing"})
        );
    }
}
