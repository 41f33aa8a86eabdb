//! Operations without a state model answer from the specs: the first 2xx response of the operation, with
//! the example the spec gives (or, where it gives none, a body built from the response schema), and
//! cursor pagination for list operations that take `starting_after`.
//!
//! The specs are compiled in (`include_str!` of specs/*.yaml) and parsed once.

use std::sync::OnceLock;

use axum::http::{Method, StatusCode, Uri};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::reply::Reply;
use crate::state::State;

/// The specs, by the name of the API module they generate (`klarna::<api>`).
const SPECS: &[(&str, &str)] = &[
    ("identity", include_str!("../../specs/identity.yaml")),
    (
        "interoperability",
        include_str!("../../specs/interoperability.yaml"),
    ),
    ("management", include_str!("../../specs/management.yaml")),
    ("messaging", include_str!("../../specs/messaging.yaml")),
    (
        "notification",
        include_str!("../../specs/notification.yaml"),
    ),
    ("payment", include_str!("../../specs/payment.yaml")),
];

/// One operation of the specs, as the fallback answers it.
#[cfg_attr(not(test), allow(dead_code))] // `api` and `schema` serve the tests below
pub(crate) struct Operation {
    pub(crate) api: &'static str,
    pub(crate) operation_id: String,
    pub(crate) method: Method,
    pub(crate) template: Vec<String>,
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    /// The `$ref` name of the success body's schema.
    pub(crate) schema: Option<String>,
    /// For a paginated list: the name of the array property.
    pub(crate) list_field: Option<String>,
    pub(crate) json_body_required: bool,
}

pub(crate) struct Specs {
    pub(crate) operations: Vec<Operation>,
    notification: Value,
}

fn specs() -> Result<&'static Specs, String> {
    static LOADED: OnceLock<Result<Specs, String>> = OnceLock::new();
    LOADED.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Specs, String> {
    let mut operations = Vec::new();
    let mut notification = Value::Null;
    for (api, text) in SPECS {
        let doc: Value = serde_saphyr::from_str(text)
            .map_err(|e| format!("specs/{api}.yaml does not parse: {e}"))?;
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
            return Err(format!("specs/{api}.yaml has no paths"));
        };
        for (path, item) in paths {
            let shared_params = item.get("parameters").cloned().unwrap_or(json!([]));
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(op) = item.get(method) else {
                    continue;
                };
                operations.push(operation(&doc, api, path, method, op, &shared_params)?);
            }
        }
        if *api == "notification" {
            notification = doc;
        }
    }
    Ok(Specs {
        operations,
        notification,
    })
}

fn operation(
    doc: &Value,
    api: &'static str,
    path: &str,
    method: &str,
    op: &Value,
    shared_params: &Value,
) -> Result<Operation, String> {
    let operation_id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("specs/{api}.yaml: {method} {path} has no operationId"))?
        .to_owned();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("specs/{api}.yaml: {operation_id} has no responses"))?;
    let (status, response) = responses
        .iter()
        .filter_map(|(code, r)| code.parse::<u16>().ok().map(|c| (c, r)))
        .filter(|(c, _)| (200..300).contains(c))
        .min_by_key(|(c, _)| *c)
        .ok_or_else(|| format!("specs/{api}.yaml: {operation_id} has no 2xx response"))?;
    let response = resolve(doc, response);
    let media = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.get("application/json").or_else(|| c.values().next()));
    let (body, schema) = match media {
        None => (None, None),
        Some(media) => {
            let schema = media.get("schema").cloned().unwrap_or(json!({}));
            let name = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_owned);
            let example = media.get("example").cloned().or_else(|| {
                media
                    .get("examples")
                    .and_then(Value::as_object)
                    .and_then(|e| e.values().next())
                    .map(|e| resolve(doc, e))
                    .and_then(|e| e.get("value").cloned())
            });
            (
                Some(example.unwrap_or_else(|| synthesize(doc, &schema, 0))),
                name,
            )
        }
    };
    let mut params: Vec<Value> = shared_params.as_array().cloned().unwrap_or_default();
    params.extend(
        op.get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    );
    let paginated = params.iter().any(|p| {
        let p = resolve(doc, p);
        p.get("name").and_then(Value::as_str) == Some("starting_after")
    });
    let list_field = match (&body, paginated) {
        (Some(Value::Object(fields)), true) if fields.contains_key("pagination") => {
            let arrays: Vec<&String> = fields
                .iter()
                .filter(|(_, v)| v.is_array())
                .map(|(k, _)| k)
                .collect();
            (arrays.len() == 1).then(|| arrays[0].clone())
        }
        _ => None,
    };
    let request_body = op.get("requestBody").map(|b| resolve(doc, b));
    let json_body_required = request_body.as_ref().is_some_and(|b| {
        b.get("required").and_then(Value::as_bool) == Some(true)
            && b.get("content")
                .is_some_and(|c| c.get("application/json").is_some())
    });
    Ok(Operation {
        api,
        operation_id,
        method: method.to_uppercase().parse().unwrap_or(Method::GET),
        template: path
            .trim_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect(),
        status,
        body,
        schema,
        list_field,
        json_body_required,
    })
}

/// Follows a local `$ref` (`#/components/...`), up to a few hops.
fn resolve(doc: &Value, value: &Value) -> Value {
    let mut current = value.clone();
    for _ in 0..8 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return current;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return current;
        };
        match doc.pointer(pointer) {
            Some(target) => current = target.clone(),
            None => return current,
        }
    }
    current
}

/// A body valid for `schema`, from its examples where it has them.
pub(crate) fn synthesize(doc: &Value, schema: &Value, depth: usize) -> Value {
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
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_else(|| {
            if schema.get("properties").is_some() {
                "object"
            } else {
                "string"
            }
        });
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
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            if depth > 6 {
                json!([])
            } else {
                json!([synthesize(doc, &items, depth + 1)])
            }
        }
        "integer" | "number" => schema
            .get("minimum")
            .cloned()
            .or_else(|| schema.get("default").cloned())
            .unwrap_or(json!(1)),
        "boolean" => schema.get("default").cloned().unwrap_or(json!(false)),
        _ => {
            if let Some(d) = schema.get("default") {
                return d.clone();
            }
            let text = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => "2025-12-01T12:00:00Z".to_owned(),
                Some("date") => "2025-12-01".to_owned(),
                Some("uuid") => "3a0e2d4c-6b7f-4e0a-9c1d-2f3b4a5c6d7e".to_owned(),
                Some("email") => "customer@example.com".to_owned(),
                Some("uri" | "url") => "https://example.com/".to_owned(),
                Some("byte") => "ZmFrZQ==".to_owned(),
                _ => "string".to_owned(),
            };
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let mut text = text;
            while (text.len() as u64) < min {
                text.push('x');
            }
            json!(text)
        }
    }
}

/// A sample `payload` for a simulated delivery of `event_type`: built from the payload schema that
/// notification.yaml maps the type to (`x-klarna-event-payloads`), or an empty object for a type it does
/// not map.
pub(crate) fn sample_event_payload(event_type: &str) -> Value {
    let Ok(specs) = specs() else {
        return json!({});
    };
    let doc = &specs.notification;
    let schema = doc
        .pointer("/components/schemas/EventType/x-klarna-event-payloads")
        .and_then(|m| m.get(event_type))
        .and_then(Value::as_str);
    match schema {
        Some(name) => synthesize(
            doc,
            &json!({"$ref": format!("#/components/schemas/{name}")}),
            0,
        ),
        None => json!({}),
    }
}

fn matches(template: &[String], segments: &[&str]) -> bool {
    template.len() == segments.len()
        && template
            .iter()
            .zip(segments)
            .all(|(t, s)| (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s)
}

fn find<'s>(specs: &'s Specs, method: &Method, path: &str) -> Option<&'s Operation> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    specs
        .operations
        .iter()
        .filter(|op| op.method == *method && matches(&op.template, &segments))
        .max_by_key(|op| op.template.iter().filter(|t| !t.starts_with('{')).count())
}

/// Sets the items a paginated list operation pages through.
pub(crate) fn set_list(
    state: &mut State,
    operation_id: &str,
    items: Vec<Value>,
) -> Result<(), String> {
    let specs = specs()?;
    let op = specs
        .operations
        .iter()
        .find(|op| op.operation_id == operation_id)
        .ok_or_else(|| format!("no operation '{operation_id}' in specs/"))?;
    if op.list_field.is_none() {
        return Err(format!(
            "'{operation_id}' is not a paginated list operation (none of its parameters is starting_after)"
        ));
    }
    state.lists.insert(operation_id.to_owned(), items);
    Ok(())
}

/// Answers an operation the state machines do not handle.
pub(crate) fn answer(
    _shared: &Shared,
    state: &State,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Reply {
    let specs = match specs() {
        Ok(s) => s,
        Err(e) => {
            return Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "TECHNICAL_ERROR",
                "INTERNAL_ERROR",
                &e,
            );
        }
    };
    let Some(op) = find(specs, method, uri.path()) else {
        return Reply::no_route(method.as_str(), uri.path());
    };
    if op.json_body_required {
        if body.is_empty() {
            return Reply::validation("body", "a JSON request body is required");
        }
        if let Err(e) = serde_json::from_slice::<Value>(body) {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "INPUT_ERROR",
                "INVALID_CONTENT_TYPE",
                &format!("the request body is not valid JSON: {e}"),
            );
        }
    }
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    let (Some(field), Some(Value::Object(example))) = (&op.list_field, &op.body) else {
        return Reply {
            status,
            body: op.body.clone(),
        };
    };
    let items = state
        .lists
        .get(&op.operation_id)
        .cloned()
        .or_else(|| example.get(field).and_then(Value::as_array).cloned())
        .unwrap_or_default();
    match page(&items, uri) {
        Ok((slice, pagination)) => {
            let mut out = example.clone();
            out.insert(field.clone(), Value::Array(slice));
            out.insert("pagination".into(), pagination);
            Reply {
                status,
                body: Some(Value::Object(out)),
            }
        }
        Err(e) => e,
    }
}

fn cursor(index: usize) -> String {
    format!("fake-cursor-{index}")
}

fn parse_cursor(parameter: &str, value: &str, len: usize) -> Result<usize, Reply> {
    value
        .strip_prefix("fake-cursor-")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n < len)
        .ok_or_else(|| {
            Reply::validation(
                parameter,
                &format!("'{value}' is not a cursor of this list"),
            )
        })
}

/// Cursor pagination (FACTS §7): `size`, `starting_after` or `ending_before` (not both), and a
/// `pagination` object whose `last_item` is null on the last page.
fn page(items: &[Value], uri: &Uri) -> Result<(Vec<Value>, Value), Reply> {
    let mut size = 20usize;
    let (mut after, mut before) = (None, None);
    for pair in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "size" => {
                size = v
                    .parse::<usize>()
                    .ok()
                    .filter(|s| (1..=1000).contains(s))
                    .ok_or_else(|| {
                        Reply::validation(
                            "size",
                            &format!("'{v}' is not a page size from 1 to 1000"),
                        )
                    })?;
            }
            "starting_after" => after = Some(v.to_owned()),
            "ending_before" => before = Some(v.to_owned()),
            _ => {}
        }
    }
    let (start, end) = match (after, before) {
        (Some(_), Some(_)) => {
            return Err(Reply::validation(
                "starting_after",
                "starting_after and ending_before cannot be combined",
            ));
        }
        (Some(a), None) => {
            let start = parse_cursor("starting_after", &a, items.len())? + 1;
            (start, (start + size).min(items.len()))
        }
        (None, Some(b)) => {
            let end = parse_cursor("ending_before", &b, items.len())?;
            (end.saturating_sub(size), end)
        }
        (None, None) => (0, size.min(items.len())),
    };
    let slice = items[start..end].to_vec();
    let first_item = (start > 0 && start < end).then(|| cursor(start));
    let last_item = (end < items.len() && end > start).then(|| cursor(end - 1));
    let mut pagination = json!({
        "count": slice.len(),
        "total": items.len(),
        "first_item": first_item,
        "last_item": last_item,
    });
    if let Some(last) = &last_item {
        pagination["links"] = json!({"next": {
            "href": format!("{}?size={size}&starting_after={last}", uri.path()),
            "method": "GET",
            "rel": "next",
        }});
    }
    Ok((slice, pagination))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation's fallback body decodes into the SDK's type for it and comes back unchanged
    /// (schema-valid as the generated types see it).
    #[test]
    fn every_fallback_body_decodes_into_the_sdk_type() {
        let specs = specs().expect("specs parse");
        assert!(
            specs.operations.len() > 80,
            "{} operations",
            specs.operations.len()
        );
        let mut checked = 0;
        for op in &specs.operations {
            let (Some(body), Some(schema)) = (&op.body, &op.schema) else {
                continue;
            };
            let name = format!("{}::{schema}", op.api);
            let back = klarna::registry::roundtrip(&name, body.clone())
                .unwrap_or_else(|| panic!("{}: no SDK type {name}", op.operation_id))
                .unwrap_or_else(|e| {
                    panic!(
                        "{}: body does not decode as {name}: {e}\n{body}",
                        op.operation_id
                    )
                });
            let _ = back;
            checked += 1;
        }
        assert!(checked > 60, "only {checked} operations checked");
    }

    #[test]
    fn every_event_payload_sample_decodes() {
        let specs = specs().expect("specs parse");
        let map = specs
            .notification
            .pointer("/components/schemas/EventType/x-klarna-event-payloads")
            .and_then(Value::as_object)
            .expect("event payload map");
        for (event_type, schema) in map {
            let name = format!("notification::{}", schema.as_str().unwrap());
            let sample = sample_event_payload(event_type);
            assert!(sample.is_object(), "{event_type}: {sample}");
            klarna::registry::roundtrip(&name, sample.clone())
                .unwrap_or_else(|| panic!("no SDK type {name}"))
                .unwrap_or_else(|e| {
                    panic!("{event_type}: sample does not decode as {name}: {e}\n{sample}")
                });
        }
    }

    #[test]
    fn pages_walk_forward_and_back() {
        let items: Vec<Value> = (0..5).map(|i| json!({"n": i})).collect();
        let uri: Uri = "/x?size=2".parse().unwrap();
        let (first, p) = page(&items, &uri).unwrap();
        assert_eq!(first, items[0..2]);
        assert_eq!(p["last_item"], "fake-cursor-1");
        assert!(p["first_item"].is_null());
        let uri: Uri = "/x?size=2&starting_after=fake-cursor-3".parse().unwrap();
        let (last, p) = page(&items, &uri).unwrap();
        assert_eq!(last, items[4..5]);
        assert!(p["last_item"].is_null());
        let uri: Uri = "/x?size=2&ending_before=fake-cursor-4".parse().unwrap();
        let (back, _) = page(&items, &uri).unwrap();
        assert_eq!(back, items[2..4]);
        let uri: Uri = "/x?starting_after=fake-cursor-1&ending_before=fake-cursor-3"
            .parse()
            .unwrap();
        assert_eq!(
            page(&items, &uri).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }
}
