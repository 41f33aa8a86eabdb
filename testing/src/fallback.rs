//! Operations without a state model answer from the specs: the first 2xx response of the operation, with
//! the example the spec gives (or, where it gives none, a body built from the response schema), and
//! cursor pagination for list operations.
//!
//! The answers are data `cargo xtask regen` writes from the IR and specs/ (`generated/examples.json`:
//! one entry per operation, and a payload sample per webhook event type), compiled in and parsed once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::{Method, StatusCode, Uri};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::ControlError;
use crate::reply::Reply;
use crate::state::State;

/// The spec examples, as `cargo xtask regen` writes them.
const EXAMPLES: &str = include_str!("generated/examples.json");

/// One operation of the specs, as the fallback answers it.
#[derive(Deserialize)]
#[cfg_attr(not(test), allow(dead_code))] // `api` and `schema` serve the tests below
pub(crate) struct Operation {
    pub(crate) api: String,
    #[serde(rename = "id")]
    pub(crate) operation_id: String,
    #[serde(deserialize_with = "method")]
    pub(crate) method: Method,
    #[serde(rename = "path", deserialize_with = "template")]
    pub(crate) template: Vec<String>,
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    /// The Rust name of the success body's type (in `klarna::<api>`).
    pub(crate) schema: Option<String>,
    /// For a paginated list: the name of the array property.
    pub(crate) list_field: Option<String>,
    pub(crate) json_body_required: bool,
}

fn method<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Method, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn template<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let path = String::deserialize(d)?;
    Ok(path
        .trim_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect())
}

#[derive(Deserialize)]
pub(crate) struct Specs {
    pub(crate) operations: Vec<Operation>,
    /// A payload sample per webhook event type.
    events: BTreeMap<String, Value>,
}

fn specs() -> Result<&'static Specs, String> {
    static LOADED: OnceLock<Result<Specs, String>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            serde_json::from_str(EXAMPLES)
                .map_err(|e| format!("src/generated/examples.json does not parse: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The status and success body (`None`: no JSON body) of an operation, by `operationId`.
pub(crate) fn example(operation_id: &str) -> Option<(u16, Option<Value>)> {
    let op = specs()
        .ok()?
        .operations
        .iter()
        .find(|op| op.operation_id == operation_id)?;
    Some((op.status, op.body.clone()))
}

/// A sample `payload` for a simulated delivery of `event_type`: built from the payload schema that
/// notification.yaml maps the type to (`x-klarna-event-payloads`), or an empty object for a type it does
/// not map.
pub(crate) fn sample_event_payload(event_type: &str) -> Value {
    specs()
        .ok()
        .and_then(|s| s.events.get(event_type).cloned())
        .unwrap_or_else(|| json!({}))
}

fn matches(template: &[String], segments: &[&str]) -> bool {
    template.len() == segments.len()
        && template
            .iter()
            .zip(segments)
            .all(|(t, s)| (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s)
}

impl Operation {
    /// Whether a `multipart/form-data` body may be sent: the operation takes no required JSON body (the
    /// specs' file upload; an optional JSON body is still refused when it is not JSON).
    pub(crate) fn may_take_multipart(&self) -> bool {
        !self.json_body_required
    }
}

/// The operation a request is a call of, by method and path.
pub(crate) fn operation(method: &Method, path: &str) -> Option<&'static Operation> {
    find(specs().ok()?, method, path)
}

/// Whether `operation_id` is one of the specs' operations.
pub(crate) fn is_operation(operation_id: &str) -> bool {
    specs().is_ok_and(|s| {
        s.operations
            .iter()
            .any(|op| op.operation_id == operation_id)
    })
}

/// The answer to a request no operation takes: `405` with the methods the path takes, or `404`.
pub(crate) fn no_route(method: &Method, path: &str) -> Reply {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut allowed: Vec<String> = specs()
        .map(|s| {
            s.operations
                .iter()
                .filter(|op| matches(&op.template, &segments))
                .map(|op| op.method.to_string())
                .collect()
        })
        .unwrap_or_default();
    allowed.sort();
    allowed.dedup();
    if allowed.is_empty() {
        Reply::no_route(method.as_str(), path)
    } else {
        Reply::method_not_allowed(method.as_str(), path, &allowed)
    }
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
) -> Result<(), ControlError> {
    let specs = specs().map_err(|reason| ControlError::Specs { reason })?;
    let op = specs
        .operations
        .iter()
        .find(|op| op.operation_id == operation_id)
        .ok_or_else(|| ControlError::UnknownOperation {
            operation_id: operation_id.to_owned(),
        })?;
    if op.list_field.is_none() {
        return Err(ControlError::NotApplicable {
            operation_id: operation_id.to_owned(),
            reason: "is not a paginated list operation".to_owned(),
        });
    }
    state.lists.insert(operation_id.to_owned(), items);
    Ok(())
}

/// Answers an operation the state machines do not handle.
pub(crate) fn answer(state: &State, method: &Method, uri: &Uri, body: &[u8]) -> Reply {
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
        return no_route(method, uri.path());
    };
    if op.json_body_required {
        if body.is_empty() {
            return Reply::validation("body", "a JSON request body is required");
        }
        if let Err(e) = serde_json::from_slice::<Value>(body) {
            return Reply::not_json(&format!(
                "it breaks off or is malformed at line {}, column {}",
                e.line(),
                e.column()
            ));
        }
    }
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    let (Some(field), Some(Value::Object(example))) = (&op.list_field, &op.body) else {
        return Reply::raw(status, op.body.clone());
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
            Reply::raw(status, Some(Value::Object(out)))
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
        let specs = specs().expect("examples parse");
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

    /// Every event type of the specs has a sample that the SDK types as that event.
    #[test]
    fn every_event_payload_sample_decodes() {
        let specs = specs().expect("examples parse");
        assert!(
            specs.events.len() > 10,
            "{} event types",
            specs.events.len()
        );
        for event_type in specs.events.keys() {
            let sample = sample_event_payload(event_type);
            assert!(
                sample.is_object() && sample != json!({}),
                "{event_type}: {sample}"
            );
            let event =
                klarna::notification::webhooks::Event::from_parts(event_type, sample.clone())
                    .unwrap_or_else(|e| {
                        panic!("{event_type}: sample does not decode: {e}\n{sample}")
                    });
            assert!(
                !matches!(event, klarna::notification::webhooks::Event::Unknown(_)),
                "{event_type} is not an event type the SDK knows"
            );
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
