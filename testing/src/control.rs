//! The test controls over HTTP, under `/__control/` (apart from Klarna's paths, which all start with
//! `/v2/`), for tests that are not written in Rust. Served only when
//! [`FakeKlarnaBuilder::control_surface`](crate::FakeKlarnaBuilder::control_surface) is on, as the
//! `klarna-fake` binary does; no API key needed (the fake listens on loopback).
//!
//! Every answer is JSON; a refusal is Klarna's error shape with `error_code` from
//! [`ControlError::code`]. The routes are listed by `GET /__control/` and in the crate's README.

use std::time::Duration;

use axum::http::{Method, StatusCode, Uri};
use serde_json::{Value, json};

use crate::faults::{Fault, FaultRule, Resource};
use crate::reply::Reply;
use crate::views::{DeliveryFilter, DeliveryOutcome};
use crate::{AuthorizationOutcome, ControlError, Delivery, Shared};

/// Where the control routes start.
pub(crate) const PREFIX: &str = "/__control/";

/// Whether a path is one of the controls' (`/__control` itself or under `/__control/`).
pub(crate) fn is_control(path: &str) -> bool {
    path == PREFIX.trim_end_matches('/') || path.starts_with(PREFIX)
}

/// The routes, for `GET /__control/` and the README.
const ROUTES: &[(&str, &str)] = &[
    (
        "GET /__control/",
        "this list, the base URL, API key and account id",
    ),
    (
        "GET /__control/payment-requests/{id}",
        "a payment request as the fake holds it",
    ),
    (
        "POST /__control/payment-requests/{id}/open",
        "the customer opens the purchase journey",
    ),
    (
        "POST /__control/payment-requests/{id}/complete",
        "the customer approves; answers the session token",
    ),
    (
        "POST /__control/payment-requests/{id}/decline",
        "Klarna declines the purchase",
    ),
    (
        "GET /__control/payment-transactions/{id}",
        "authorized, captured, refunded and remaining amounts",
    ),
    (
        "GET /__control/authorizations",
        "the queue of forced authorization outcomes",
    ),
    (
        "POST /__control/authorizations",
        "queue one: {\"outcome\": \"APPROVED\" | \"STEP_UP_REQUIRED\" | \"DECLINED\"}",
    ),
    (
        "DELETE /__control/authorizations",
        "empty the queue; answers what was in it",
    ),
    ("GET /__control/time", "the fake's clock"),
    (
        "POST /__control/time/advance",
        "move the clock: {\"seconds\": 3600}",
    ),
    (
        "PUT /__control/lists/{operationId}",
        "the items a paginated list pages through: {\"items\": [...]}",
    ),
    ("GET /__control/faults", "the installed fault rules"),
    (
        "POST /__control/faults",
        "install one: {\"fault\": \"TIMEOUT\", \"operation_id\": ..., \"resource\": ..., \"times\": 1, \"always\": false, \"share\": 1.0, \"after_processing\": false, \"retry_after\": 1, \"delay\": 1}",
    ),
    ("DELETE /__control/faults", "remove every fault rule"),
    ("DELETE /__control/faults/{id}", "remove one fault rule"),
    (
        "GET /__control/deliveries",
        "webhook delivery attempts; ?webhook_id=, ?event_type= (wildcards), ?outcome=succeeded|failed",
    ),
    (
        "POST /__control/deliveries/settle",
        "wait for deliveries: {\"within_ms\": 5000}; answers what is still pending",
    ),
];

/// Answers one control request.
pub(crate) async fn handle(shared: &Shared, method: &Method, uri: &Uri, body: &[u8]) -> Reply {
    match answer(shared, method, uri, body).await {
        Ok(reply) => reply,
        Err(e) => refusal(&e),
    }
}

fn refusal(e: &ControlError) -> Reply {
    let (status, error_type) = match e {
        ControlError::NotFound { .. } | ControlError::UnknownOperation { .. } => {
            (StatusCode::NOT_FOUND, "RESOURCE_ERROR")
        }
        ControlError::WrongState { .. } => (StatusCode::CONFLICT, "RESOURCE_ERROR"),
        ControlError::Specs { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "TECHNICAL_ERROR"),
        _ => (StatusCode::BAD_REQUEST, "INPUT_ERROR"),
    };
    Reply::error(status, error_type, e.code(), &e.to_string())
}

async fn answer(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Result<Reply, ControlError> {
    let path = uri
        .path()
        .strip_prefix(PREFIX.trim_end_matches('/'))
        .unwrap_or_default();
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(crate::server::decode_segment)
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let ok = |v: Value| Ok(Reply::ok(v));
    match (method.clone(), segs.as_slice()) {
        (Method::GET, []) => ok(json!({
            "base_url": shared.base_url,
            "api_key": shared.api_key,
            "account_id": shared.account_id,
            "routes": ROUTES.iter().map(|(r, what)| json!({"route": r, "what": what})).collect::<Vec<_>>(),
        })),
        (Method::GET, ["payment-requests", id]) => ok(to_json(&shared.payment_request(id)?)),
        (Method::POST, ["payment-requests", id, "open"]) => {
            shared.control(|s| s.open_request(id))?;
            ok(to_json(&shared.payment_request(id)?))
        }
        (Method::POST, ["payment-requests", id, "complete"]) => {
            let token = shared.control(|s| s.complete_request(id))?;
            ok(json!({"payment_request_id": id, "klarna_network_session_token": token}))
        }
        (Method::POST, ["payment-requests", id, "decline"]) => {
            shared.control(|s| s.decline_request(id))?;
            ok(to_json(&shared.payment_request(id)?))
        }
        (Method::GET, ["payment-transactions", id]) => ok(to_json(&shared.transaction(id)?)),
        (Method::GET, ["authorizations"]) => {
            let pending: Vec<_> = shared.lock().forced.iter().copied().collect();
            ok(json!({"pending": pending}))
        }
        (Method::POST, ["authorizations"]) => {
            let input = object(body)?;
            let text = input
                .get("outcome")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ControlError::invalid(
                        "outcome: is required (APPROVED, STEP_UP_REQUIRED or DECLINED)",
                    )
                })?;
            let outcome = AuthorizationOutcome::parse(text).ok_or_else(|| {
                ControlError::invalid(format!(
                    "outcome: '{text}' is not one of APPROVED, STEP_UP_REQUIRED, DECLINED"
                ))
            })?;
            let mut state = shared.lock();
            state.forced.push_back(outcome);
            let pending: Vec<_> = state.forced.iter().copied().collect();
            ok(json!({"pending": pending}))
        }
        (Method::DELETE, ["authorizations"]) => {
            let cleared: Vec<_> = shared.lock().forced.drain(..).collect();
            ok(json!({"cleared": cleared}))
        }
        (Method::GET, ["time"]) => ok(json!({"now": crate::state::rfc3339(shared.lock().now())})),
        (Method::POST, ["time", "advance"]) => {
            let input = object(body)?;
            let seconds = input
                .get("seconds")
                .and_then(Value::as_u64)
                .ok_or_else(|| {
                    ControlError::invalid("seconds: is required, a whole number of seconds from 0")
                })?;
            let now = shared.control(|s| {
                s.offset += Duration::from_secs(seconds);
                s.sweep();
                Ok(s.now())
            })?;
            ok(json!({"now": crate::state::rfc3339(now)}))
        }
        (Method::PUT, ["lists", operation_id]) => {
            let input = object(body)?;
            let items = input
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| ControlError::invalid("items: is required, an array"))?;
            let count = items.len();
            shared.control(|s| crate::fallback::set_list(s, operation_id, items))?;
            ok(json!({"operation_id": operation_id, "items": count}))
        }
        (Method::GET, ["faults"]) => ok(json!({"faults": to_json(&shared.fault_list())})),
        (Method::POST, ["faults"]) => {
            let rule = fault_rule(&object(body)?)?;
            let id = shared.inject(rule)?;
            Ok(Reply::created(json!({"id": id})))
        }
        (Method::DELETE, ["faults"]) => ok(json!({"cleared": shared.clear_faults()})),
        (Method::DELETE, ["faults", id]) => {
            let id = id
                .parse::<u64>()
                .map_err(|_| ControlError::not_found("fault rule", id))?;
            shared.remove_fault(id)?;
            Ok(Reply::no_content())
        }
        (Method::GET, ["deliveries"]) => {
            let filter = delivery_filter(uri)?;
            let list: Vec<Value> = shared
                .deliveries_matching(&filter)
                .iter()
                .map(delivery_json)
                .collect();
            ok(json!({"deliveries": list}))
        }
        (Method::POST, ["deliveries", "settle"]) => {
            let input = if body.is_empty() {
                serde_json::Map::new()
            } else {
                object(body)?
            };
            let within = input
                .get("within_ms")
                .and_then(Value::as_u64)
                .unwrap_or(5_000);
            match shared.settle(Duration::from_millis(within)).await {
                Ok(()) => ok(json!({"settled": true, "pending": []})),
                Err(unsettled) => {
                    ok(json!({"settled": false, "pending": to_json(&unsettled.pending)}))
                }
            }
        }
        _ => Ok(Reply::error(
            StatusCode::NOT_FOUND,
            "RESOURCE_ERROR",
            "NOT_FOUND",
            &format!(
                "no control route {method} {}; GET {PREFIX} lists them",
                uri.path()
            ),
        )),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    crate::reply::wire(value)
}

/// The request body as a JSON object.
fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, ControlError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ControlError::invalid("body: must be a JSON object")),
        Err(e) => Err(ControlError::invalid(format!(
            "body: is not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))),
    }
}

fn seconds(
    input: &serde_json::Map<String, Value>,
    field: &str,
    default: Option<f64>,
) -> Result<Duration, ControlError> {
    let value = match input.get(field) {
        Some(v) => v.as_f64().ok_or_else(|| {
            ControlError::invalid(format!("{field}: must be a number of seconds"))
        })?,
        None => default
            .ok_or_else(|| ControlError::invalid(format!("{field}: is required for this fault")))?,
    };
    Duration::try_from_secs_f64(value).map_err(|_| {
        ControlError::invalid(format!("{field}: {value} is not a duration from 0 seconds"))
    })
}

/// A [`FaultRule`] from the flat JSON of `POST /__control/faults`.
fn fault_rule(input: &serde_json::Map<String, Value>) -> Result<FaultRule, ControlError> {
    const KINDS: &str = "RATE_LIMITED, INTERNAL_ERROR, BAD_GATEWAY, SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT, TIMEOUT, SLOW, DROP_CONNECTION, CUT_BODY";
    let kind = input
        .get("fault")
        .and_then(Value::as_str)
        .ok_or_else(|| ControlError::invalid(format!("fault: is required, one of {KINDS}")))?;
    let fault = match kind {
        "RATE_LIMITED" => Fault::RateLimited {
            retry_after: seconds(input, "retry_after", Some(1.0))?,
        },
        "INTERNAL_ERROR" => Fault::InternalError,
        "BAD_GATEWAY" => Fault::BadGateway,
        "SERVICE_UNAVAILABLE" => Fault::ServiceUnavailable,
        "GATEWAY_TIMEOUT" => Fault::GatewayTimeout,
        "TIMEOUT" => Fault::Timeout,
        "SLOW" => Fault::Slow {
            delay: seconds(input, "delay", None)?,
        },
        "DROP_CONNECTION" => Fault::DropConnection,
        "CUT_BODY" => Fault::CutBody,
        other => {
            return Err(ControlError::invalid(format!(
                "fault: '{other}' is not one of {KINDS}"
            )));
        }
    };
    let mut rule = FaultRule::new(fault);
    match (input.get("operation_id"), input.get("resource")) {
        (Some(_), Some(_)) => {
            return Err(ControlError::invalid(
                "operation_id, resource: give one of them, not both",
            ));
        }
        (Some(op), None) => {
            let op = op
                .as_str()
                .ok_or_else(|| ControlError::invalid("operation_id: must be a string"))?;
            rule = rule.on_operation_id(op);
        }
        (None, Some(r)) => {
            let name = r.as_str().unwrap_or_default();
            let resource = Resource::parse(name).ok_or_else(|| {
                let names: Vec<_> = Resource::ALL.iter().map(|r| r.as_str()).collect();
                ControlError::invalid(format!(
                    "resource: '{name}' is not one of {}",
                    names.join(", ")
                ))
            })?;
            rule = rule.on_resource(resource);
        }
        (None, None) => {}
    }
    if let Some(times) = input.get("times") {
        let n = times
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| ControlError::invalid("times: must be a whole number from 1"))?;
        rule = rule.times(n);
    }
    if input.get("always").and_then(Value::as_bool) == Some(true) {
        rule = rule.always();
    }
    if let Some(share) = input.get("share") {
        let share = share
            .as_f64()
            .ok_or_else(|| ControlError::invalid("share: must be a number from 0.0 to 1.0"))?;
        rule = rule.share(share);
    }
    if input.get("after_processing").and_then(Value::as_bool) == Some(true) {
        rule = rule.after_processing();
    }
    Ok(rule)
}

fn delivery_filter(uri: &Uri) -> Result<DeliveryFilter, ControlError> {
    let mut filter = DeliveryFilter::new();
    for pair in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = crate::server::decode_segment(v);
        filter = match k {
            "webhook_id" => filter.webhook(v),
            "event_type" => filter.event_type(v),
            "event_id" => filter.event_id(v),
            "outcome" => filter.outcome(match v.as_str() {
                "succeeded" => DeliveryOutcome::Succeeded,
                "failed" => DeliveryOutcome::Failed,
                other => {
                    return Err(ControlError::invalid(format!(
                        "outcome: '{other}' is not one of succeeded, failed"
                    )));
                }
            }),
            other => {
                return Err(ControlError::invalid(format!(
                    "{other}: is not a filter; use webhook_id, event_type, event_id or outcome"
                )));
            }
        };
    }
    Ok(filter)
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "webhook_id": d.webhook_id,
        "url": d.url,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "attempt": d.attempt,
        "signing_key_id": d.signing_key_id,
        "signature": d.signature,
        "status": d.status,
        "error": d.error,
        "succeeded": d.succeeded(),
        "body": d.json(),
    })
}

/// Applies seed data (see [`FakeKlarna::seed`](crate::FakeKlarna::seed)); answers each call's status and
/// body.
pub(crate) async fn seed(shared: &Shared, data: &Value) -> Result<Vec<Value>, ControlError> {
    let Value::Object(data) = data else {
        return Err(ControlError::invalid("seed data: must be a JSON object"));
    };
    for key in data.keys() {
        if !matches!(
            key.as_str(),
            "calls" | "lists" | "authorizations" | "faults"
        ) {
            return Err(ControlError::invalid(format!(
                "{key}: is not a part of seed data; use calls, lists, authorizations or faults"
            )));
        }
    }
    let mut answers = Vec::new();
    if let Some(calls) = data.get("calls") {
        let calls = calls
            .as_array()
            .ok_or_else(|| ControlError::invalid("calls: must be an array"))?;
        let auth = format!("Basic {}", shared.api_key);
        for (i, call) in calls.iter().enumerate() {
            let method = call
                .get("method")
                .and_then(Value::as_str)
                .and_then(|m| m.parse::<Method>().ok())
                .ok_or_else(|| {
                    ControlError::invalid(format!("calls[{i}].method: is required, an HTTP method"))
                })?;
            let path = call
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| ControlError::invalid(format!("calls[{i}].path: is required")))?;
            let uri: Uri = path.parse().map_err(|_| {
                ControlError::invalid(format!("calls[{i}].path: '{path}' is not a path"))
            })?;
            let body = match call.get("body") {
                Some(b) => serde_json::to_vec(b).unwrap_or_default(),
                None => Vec::new(),
            };
            let mut headers = axum::http::HeaderMap::new();
            if let Ok(v) = auth.parse() {
                headers.insert(axum::http::header::AUTHORIZATION, v);
            }
            headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            );
            let reply = crate::server::call(shared, &method, &uri, &headers, &body).await;
            if !reply.status.is_success() {
                return Err(ControlError::invalid(format!(
                    "calls[{i}] ({method} {path}): answered {}: {}",
                    reply.status.as_u16(),
                    reply.body.map(|b| b.to_string()).unwrap_or_default()
                )));
            }
            answers.push(json!({"status": reply.status.as_u16(), "body": reply.body}));
        }
    }
    if let Some(lists) = data.get("lists") {
        let lists = lists.as_object().ok_or_else(|| {
            ControlError::invalid("lists: must be an object of operationId to items")
        })?;
        for (operation_id, items) in lists {
            let items = items.as_array().cloned().ok_or_else(|| {
                ControlError::invalid(format!("lists.{operation_id}: must be an array"))
            })?;
            shared.control(|s| crate::fallback::set_list(s, operation_id, items))?;
        }
    }
    if let Some(outcomes) = data.get("authorizations") {
        let outcomes = outcomes
            .as_array()
            .ok_or_else(|| ControlError::invalid("authorizations: must be an array"))?;
        for (i, o) in outcomes.iter().enumerate() {
            let text = o.as_str().unwrap_or_default();
            let outcome = AuthorizationOutcome::parse(text).ok_or_else(|| {
                ControlError::invalid(format!(
                    "authorizations[{i}]: '{text}' is not one of APPROVED, STEP_UP_REQUIRED, DECLINED"
                ))
            })?;
            shared.lock().forced.push_back(outcome);
        }
    }
    if let Some(faults) = data.get("faults") {
        let faults = faults
            .as_array()
            .ok_or_else(|| ControlError::invalid("faults: must be an array"))?;
        for (i, f) in faults.iter().enumerate() {
            let Value::Object(f) = f else {
                return Err(ControlError::invalid(format!(
                    "faults[{i}]: must be an object"
                )));
            };
            let rule =
                fault_rule(f).map_err(|e| ControlError::invalid(format!("faults[{i}].{e}")))?;
            shared.inject(rule)?;
        }
    }
    Ok(answers)
}
