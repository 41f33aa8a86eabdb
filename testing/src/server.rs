//! The HTTP side of the fake: authentication, idempotency, routing to the state machines, the spec-example
//! fallback, and webhook delivery.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::reply::{Reply, check_currency, decode};
use crate::state::{
    IdempotencyEntry, Job, MAX_SIGNING_KEYS, RequestState, SigningKeyRec, State, TransactionState,
    WebhookRec, rfc3339,
};
use crate::{AuthorizationOutcome, Delivery, Shared};
use klarna::notification as n;
use klarna::payment as p;

/// Entry point of every HTTP request.
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = {
        let mut state = shared.lock();
        let reply = serve(&shared, &mut state, &method, &uri, &headers, &body);
        let jobs = std::mem::take(&mut state.outbox);
        drop(state);
        shared.send(jobs);
        reply
    };
    let mut response = match reply.body {
        Some(body) => (
            reply.status,
            [(http::header::CONTENT_TYPE, "application/json")],
            serde_json::to_vec(&body).unwrap_or_default(),
        )
            .into_response(),
        None => reply.status.into_response(),
    };
    if let Some(correlation) = headers.get("partner-correlation-id") {
        response
            .headers_mut()
            .insert("partner-correlation-id", correlation.clone());
    }
    response
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    use base64::Engine as _;
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(credentials) = value.strip_prefix("Basic ") else {
        return false;
    };
    if credentials == shared.api_key {
        return true;
    }
    // Standard Basic with an empty user, which Klarna's own tools send (FACTS §1).
    base64::engine::general_purpose::STANDARD
        .decode(credentials)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .is_some_and(|pair| pair.strip_prefix(':') == Some(shared.api_key.as_str()))
}

fn serve(
    shared: &Shared,
    state: &mut State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    if !authorized(shared, headers) {
        return Reply::unauthorized();
    }
    state.sweep();
    let idempotency_key = if matches!(*method, Method::POST | Method::PATCH) {
        match headers
            .get("klarna-idempotency-key")
            .map(HeaderValue::to_str)
        {
            None => None,
            Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Some(k.to_owned()),
            Some(_) => {
                return Reply::validation(
                    "Klarna-Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                );
            }
        }
    } else {
        None
    };
    let fingerprint = (method.to_string(), uri.to_string(), body.to_vec());
    if let Some(key) = &idempotency_key
        && let Some(entry) = state.idempotency.get(key)
    {
        return if entry.fingerprint == fingerprint {
            entry.reply.clone()
        } else {
            Reply::conflict(&format!(
                "Idempotent operation on {} failed: the idempotency key '{key}' was already used with a different request",
                uri.path()
            ))
        };
    }
    let reply = route(shared, state, method, uri, headers, body);
    if let Some(key) = idempotency_key
        && reply.is_success()
    {
        let at = state.now();
        state.idempotency.insert(
            key,
            IdempotencyEntry {
                fingerprint,
                reply: reply.clone(),
                at,
            },
        );
    }
    reply
}

/// Percent-decodes one path segment (ids are KRNs, whose `:` a client may encode).
fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(
    shared: &Shared,
    state: &mut State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let segments: Vec<String> = uri
        .path()
        .trim_matches('/')
        .split('/')
        .map(decode_segment)
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    // `/v2/accounts/{id}/payment/...` acts for a partner account, `/v2/payment/...` for the key's own.
    let (account, rest): (String, &[&str]) = match segs.as_slice() {
        ["v2", "accounts", account, rest @ ..] => ((*account).to_owned(), rest),
        ["v2", rest @ ..] => (state.account_id.clone(), rest),
        _ => return Reply::no_route(method.as_str(), uri.path()),
    };
    let stateful = match (method.clone(), rest) {
        (Method::POST, ["notification", "signing-keys"]) => Some(create_signing_key(state)),
        (Method::GET, ["notification", "signing-keys"]) => Some(Reply::ok(json!({
            "signing_keys": state.signing_keys.iter()
                .map(|k| json!({"signing_key_id": k.id, "created_at": k.created_at}))
                .collect::<Vec<_>>()
        }))),
        (Method::GET, ["notification", "signing-keys", id]) => {
            Some(match state.signing_keys.iter().find(|k| k.id == *id) {
                Some(k) => Reply::ok(json!({"signing_key_id": k.id, "created_at": k.created_at})),
                None => Reply::not_found("signing key", id),
            })
        }
        (Method::DELETE, ["notification", "signing-keys", id]) => {
            let before = state.signing_keys.len();
            state.signing_keys.retain(|k| k.id != *id);
            Some(if state.signing_keys.len() < before {
                Reply::no_content()
            } else {
                Reply::not_found("signing key", id)
            })
        }
        (Method::POST, ["notification", "webhooks"]) => Some(create_webhook(state, body)),
        (Method::GET, ["notification", "webhooks"]) => Some(Reply::ok(json!({
            "webhooks": state.webhooks.iter().map(|w| Value::Object(w.json.clone())).collect::<Vec<_>>()
        }))),
        (Method::GET, ["notification", "webhooks", id]) => {
            Some(match state.webhooks.iter().find(|w| w.id() == *id) {
                Some(w) => Reply::ok(Value::Object(w.json.clone())),
                None => Reply::not_found("webhook", id),
            })
        }
        (Method::PATCH, ["notification", "webhooks", id]) => Some(update_webhook(state, id, body)),
        (Method::DELETE, ["notification", "webhooks", id]) => {
            let before = state.webhooks.len();
            state.webhooks.retain(|w| w.id() != *id);
            Some(if state.webhooks.len() < before {
                Reply::no_content()
            } else {
                Reply::not_found("webhook", id)
            })
        }
        (Method::POST, ["notification", "webhooks", id, "simulate"]) => {
            Some(simulate_webhook(state, id, body))
        }
        (Method::POST, ["payment", "requests"]) => {
            Some(create_payment_request(state, &account, body))
        }
        (Method::GET, ["payment", "requests", id]) => Some(
            match state.requests.get(*id).filter(|r| r.account == account) {
                Some(r) => Reply::ok(Value::Object(r.json.clone())),
                None => Reply::not_found("payment request", id),
            },
        ),
        (Method::PATCH, ["payment", "requests", id]) => {
            Some(update_payment_request(state, &account, id, body))
        }
        (Method::DELETE, ["payment", "requests", id]) => {
            Some(cancel_payment_request(state, &account, id))
        }
        (Method::POST, ["payment", "authorize"]) => Some(authorize(state, &account, headers, body)),
        (Method::GET, ["payment", "transactions", id]) => Some(
            match state.transactions.get(*id).filter(|t| t.account == account) {
                Some(t) => Reply::ok(t.to_json()),
                None => Reply::not_found("payment transaction", id),
            },
        ),
        (Method::PATCH, ["payment", "transactions", id]) => {
            Some(update_transaction(state, &account, id, body))
        }
        (Method::POST, ["payment", "transactions", id, "authorize"]) => {
            Some(reauthorize(state, &account, id, body))
        }
        (Method::POST, ["payment", "transactions", id, "capture"]) => {
            Some(capture(state, &account, id, body))
        }
        (Method::POST, ["payment", "transactions", id, "refund"]) => {
            Some(refund(state, &account, id, None, body))
        }
        (Method::POST, ["payment", "transactions", id, "void"]) => Some(void(state, &account, id)),
        (Method::GET, ["payment", "captures", id]) => Some(
            match state.captures.get(*id).filter(|c| {
                state
                    .transactions
                    .get(&c.transaction_id)
                    .is_some_and(|t| t.account == account)
            }) {
                Some(c) => Reply::ok(Value::Object(c.json.clone())),
                None => Reply::not_found("payment capture", id),
            },
        ),
        (Method::POST, ["payment", "captures", id, "refund"]) => {
            let tx = state
                .captures
                .get(*id)
                .map(|c| c.transaction_id.clone())
                .filter(|t| {
                    state
                        .transactions
                        .get(t)
                        .is_some_and(|t| t.account == account)
                });
            Some(match tx {
                Some(tx) => refund(state, &account, &tx, Some(id), body),
                None => Reply::not_found("payment capture", id),
            })
        }
        (Method::GET, ["payment", "refunds", id]) => Some(
            match state.refunds.get(*id).filter(|(a, _)| *a == account) {
                Some((_, r)) => Reply::ok(r.clone()),
                None => Reply::not_found("payment refund", id),
            },
        ),
        _ => None,
    };
    if let Some(reply) = stateful {
        return reply;
    }
    crate::fallback::answer(shared, state, method, uri, body)
}

fn create_signing_key(state: &mut State) -> Reply {
    if state.signing_keys.len() >= MAX_SIGNING_KEYS {
        return Reply::conflict(&format!(
            "the account already holds {MAX_SIGNING_KEYS} signing keys, the most it can; delete one first"
        ));
    }
    let id = format!(
        "krn:partner:global:notification:signing-key:{}",
        uuid::Uuid::new_v4()
    );
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let created_at = rfc3339(state.now());
    state.signing_keys.push(SigningKeyRec {
        id: id.clone(),
        secret: secret.clone(),
        created_at: created_at.clone(),
    });
    Reply::created(json!({"signing_key_id": id, "signing_key": secret, "created_at": created_at}))
}

/// Checks a webhook URL: `https://` on port 443 or 8443 as Klarna requires, or `http://` to a loopback
/// host, which the fake allows so that a test's receiver can listen locally.
fn check_webhook_url(url: &str) -> Result<(), Reply> {
    let parsed: Uri = url
        .parse()
        .map_err(|_| Reply::validation("url", &format!("'{url}' is not a URL")))?;
    let host = parsed.host().unwrap_or_default();
    match parsed.scheme_str() {
        Some("https") if matches!(parsed.port_u16(), None | Some(443) | Some(8443)) => Ok(()),
        Some("https") => Err(Reply::validation(
            "url",
            "webhook endpoints must listen on port 443 or 8443",
        )),
        Some("http") if is_loopback_host(host) => Ok(()),
        _ => Err(Reply::validation(
            "url",
            &format!(
                "'{url}' must be https (port 443 or 8443), or http to a loopback host for the fake"
            ),
        )),
    }
}

pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_event_types(types: &[String]) -> Result<(), Reply> {
    if types.is_empty() {
        return Err(Reply::validation(
            "event_types",
            "must name at least one event type",
        ));
    }
    for (i, t) in types.iter().enumerate() {
        if t.trim().is_empty() {
            return Err(Reply::validation(
                &format!("event_types[{i}]"),
                "must not be empty",
            ));
        }
        if types[..i].contains(t) {
            return Err(Reply::validation(
                &format!("event_types[{i}]"),
                &format!("'{t}' is listed twice; event types must be unique"),
            ));
        }
    }
    Ok(())
}

fn wire<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn create_webhook(state: &mut State, body: &[u8]) -> Reply {
    let request: n::CreateWebhookRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = check_webhook_url(&request.url).and(check_event_types(&request.event_types)) {
        return e;
    }
    if !state
        .signing_keys
        .iter()
        .any(|k| k.id == request.signing_key_id)
    {
        return Reply::validation(
            "signing_key_id",
            &format!(
                "signing key '{}' does not exist; create one first",
                request.signing_key_id
            ),
        );
    }
    let mut json = match wire(&request) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if state.webhooks.iter().any(|w| {
        w.json.get("url") == json.get("url") && w.json.get("event_types") == json.get("event_types")
    }) {
        return Reply::conflict(
            "configuration already exists: a webhook with this URL and these event types",
        );
    }
    json.insert(
        "webhook_id".into(),
        json!(format!(
            "krn:partner:global:notification:webhook:{}",
            uuid::Uuid::new_v4()
        )),
    );
    json.entry("status").or_insert(json!("ENABLED"));
    json.insert("created_at".into(), json!(rfc3339(state.now())));
    state.webhooks.push(WebhookRec { json: json.clone() });
    Reply::created(Value::Object(json))
}

fn update_webhook(state: &mut State, id: &str, body: &[u8]) -> Reply {
    let request: n::UpdateWebhookRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Some(url) = &request.url
        && let Err(e) = check_webhook_url(url)
    {
        return e;
    }
    if let Some(types) = &request.event_types
        && let Err(e) = check_event_types(types)
    {
        return e;
    }
    if let Some(key) = &request.signing_key_id
        && !state.signing_keys.iter().any(|k| k.id == *key)
    {
        return Reply::validation(
            "signing_key_id",
            &format!("signing key '{key}' does not exist"),
        );
    }
    let now = rfc3339(state.now());
    let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id() == id) else {
        return Reply::not_found("webhook", id);
    };
    if let Value::Object(changes) = wire(&request) {
        for (k, v) in changes {
            webhook.json.insert(k, v);
        }
    }
    webhook.json.insert("updated_at".into(), json!(now));
    Reply::ok(Value::Object(webhook.json.clone()))
}

fn simulate_webhook(state: &mut State, id: &str, body: &[u8]) -> Reply {
    let request: n::SimulateWebhookRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let event_type = wire(&request.event_type)
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let Some(webhook) = state.webhooks.iter().find(|w| w.id() == id) else {
        return Reply::not_found("webhook", id);
    };
    let version = request
        .event_version
        .as_ref()
        .map(wire)
        .or_else(|| webhook.json.get("event_version").cloned())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "v2".into());
    let url = webhook
        .json
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let key = webhook
        .json
        .get("signing_key_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let payload = crate::fallback::sample_event_payload(&event_type);
    let occurred_at = rfc3339(state.now());
    let account = state.account_id.clone();
    state.enqueue(
        id,
        &url,
        &version,
        &key,
        &event_type,
        &account,
        &occurred_at,
        payload,
    );
    Reply::no_content()
}

fn create_payment_request(state: &mut State, account: &str, body: &[u8]) -> Reply {
    let request: p::CreatePaymentRequestRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = check_currency("currency", &request.currency) {
        return e;
    }
    if request.amount.is_some_and(|a| a < 0) {
        return Reply::validation("amount", "must not be negative");
    }
    let fields = match wire(&request) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    Reply::created(state.create_request(account, fields, None))
}

fn update_payment_request(state: &mut State, account: &str, id: &str, body: &[u8]) -> Reply {
    let request: p::UpdatePaymentRequestRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Some(c) = &request.currency
        && let Err(e) = check_currency("currency", c)
    {
        return e;
    }
    if request.amount.is_some_and(|a| a < 0) {
        return Reply::validation("amount", "must not be negative");
    }
    let now = rfc3339(state.now());
    let Some(rec) = state.requests.get_mut(id).filter(|r| r.account == account) else {
        return Reply::not_found("payment request", id);
    };
    if rec.state != RequestState::Submitted {
        return Reply::conflict(&format!(
            "payment request '{id}' is {}: only a SUBMITTED request can be updated",
            rec.state.as_str()
        ));
    }
    if let Value::Object(changes) = wire(&request) {
        for (k, v) in changes {
            rec.json.insert(k, v);
        }
    }
    rec.json.insert("updated_at".into(), json!(now));
    let json = Value::Object(rec.json.clone());
    let mut payload = json!({"payment_request_id": id, "state": rec.state.as_str()});
    for field in ["payment_request_reference", "amount", "currency"] {
        if let Some(v) = rec.json.get(field) {
            payload[field] = v.clone();
        }
    }
    let account = rec.account.clone();
    state.emit("payment.request.updated", &account, payload);
    Reply::ok(json)
}

fn cancel_payment_request(state: &mut State, account: &str, id: &str) -> Reply {
    let Some(rec) = state.requests.get(id).filter(|r| r.account == account) else {
        return Reply::not_found("payment request", id);
    };
    if !matches!(
        rec.state,
        RequestState::Submitted | RequestState::InProgress
    ) {
        return Reply::conflict(&format!(
            "payment request '{id}' is {}: only a SUBMITTED or IN_PROGRESS request can be canceled",
            rec.state.as_str()
        ));
    }
    match state.move_request(id, RequestState::Canceled, Some("PARTNER_CANCELED")) {
        Ok(()) => Reply::ok(Value::Object(state.requests[id].json.clone())),
        Err(e) => Reply::conflict(&e),
    }
}

/// `POST .../payment/authorize`: a first authorization (outcome forced by `next_authorization`, else
/// STEP_UP_REQUIRED when `step_up_config` is sent and APPROVED otherwise), or, with
/// `Klarna-Network-Session-Token`, the final authorization of a COMPLETED payment request.
fn authorize(state: &mut State, account: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
    let request: p::AuthorizePaymentRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = check_currency("currency", &request.currency) {
        return e;
    }
    if let Some(rpt) = &request.request_payment_transaction
        && rpt.amount < 0
    {
        return Reply::validation("request_payment_transaction.amount", "must not be negative");
    }
    let token = headers
        .get("klarna-network-session-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(token) = token else {
        if request.payment_request_id.is_some() {
            return Reply::validation(
                "Klarna-Network-Session-Token",
                "a final authorization of a payment request needs the session token of the COMPLETED request",
            );
        }
        if request.request_payment_transaction.is_none() && request.request_customer_token.is_none()
        {
            return Reply::validation(
                "request_payment_transaction",
                "send request_payment_transaction, request_customer_token or both",
            );
        }
        let default = if request.step_up_config.is_some() {
            AuthorizationOutcome::StepUpRequired
        } else {
            AuthorizationOutcome::Approved
        };
        let outcome = state.next_outcome(default);
        return Reply::ok(authorization_result(
            state, account, &request, outcome, None,
        ));
    };
    // Final authorization: the token doubles as the idempotency key (FACTS §5.4).
    if let Some((first_body, reply)) = state.finalized.get(&token) {
        return if first_body.as_slice() == body {
            reply.clone()
        } else {
            Reply::conflict(
                "Idempotent operation on the final authorization failed: this session token was already used with a different request",
            )
        };
    }
    let Some(request_id) = state.session_tokens.get(&token).cloned() else {
        return Reply::validation(
            "Klarna-Network-Session-Token",
            "not a session token of a completed payment request",
        );
    };
    let Some(rec) = state
        .requests
        .get(&request_id)
        .filter(|r| r.account == account)
    else {
        return Reply::not_found("payment request", &request_id);
    };
    if rec.state != RequestState::Completed {
        return Reply::conflict(&format!(
            "payment request '{request_id}' is {}: a final authorization needs a COMPLETED request",
            rec.state.as_str()
        ));
    }
    if let Some(id) = &request.payment_request_id
        && *id != request_id
    {
        return Reply::validation(
            "payment_request_id",
            &format!("the session token belongs to payment request '{request_id}', not '{id}'"),
        );
    }
    let approved_amount = rec.json.get("amount").and_then(Value::as_i64);
    let approved_currency = rec
        .json
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if approved_currency != request.currency {
        return Reply::validation(
            "currency",
            &format!(
                "the customer approved {approved_currency}, not {}",
                request.currency
            ),
        );
    }
    if let Some(approved) = approved_amount {
        match &request.request_payment_transaction {
            None => {
                return Reply::validation(
                    "request_payment_transaction",
                    "send the same payload as the first call: the request_payment_transaction is missing",
                );
            }
            Some(rpt) if rpt.amount != approved => {
                return Reply::validation(
                    "request_payment_transaction.amount",
                    &format!(
                        "{} does not match the {approved} {approved_currency} the customer approved",
                        rpt.amount
                    ),
                );
            }
            Some(_) => {}
        }
    }
    let outcome = state.next_outcome(AuthorizationOutcome::Approved);
    let reply = Reply::ok(authorization_result(
        state,
        account,
        &request,
        outcome,
        Some(&request_id),
    ));
    state
        .finalized
        .insert(token, (body.to_vec(), reply.clone()));
    reply
}

fn authorization_result(
    state: &mut State,
    account: &str,
    request: &p::AuthorizePaymentRequest,
    outcome: AuthorizationOutcome,
    final_for: Option<&str>,
) -> Value {
    let mut response = json!({});
    let result = outcome.as_str();
    match outcome {
        AuthorizationOutcome::Approved => {
            if let Some(rpt) = &request.request_payment_transaction {
                let tx_id = state.create_transaction(
                    account,
                    rpt.amount,
                    &request.currency,
                    rpt.payment_transaction_reference.clone(),
                    final_for.map(str::to_owned),
                    request.supplementary_purchase_data.as_ref().map(wire),
                );
                if let Some(pr) = final_for.and_then(|id| state.requests.get_mut(id)) {
                    pr.transaction_id = Some(tx_id.clone());
                }
                if matches!(rpt.capture, Some(p::RequestPaymentTransactionCapture::Now))
                    && rpt.amount > 0
                {
                    // Captured at once; the amount was just authorized, so this cannot be refused.
                    let _ = state.capture(
                        &tx_id,
                        rpt.amount,
                        rpt.payment_capture_reference.clone(),
                        Map::new(),
                        false,
                    );
                }
                let tx = state.transactions.get(&tx_id).map(|t| t.to_json());
                response["payment_transaction_response"] =
                    json!({"result": result, "payment_transaction": tx});
            }
            if let Some(rct) = &request.request_customer_token {
                // The token is a plain string beside the result (specs/payment.yaml, `CustomerTokenResponse`).
                let mut token = json!({
                    "result": result,
                    "customer_token": format!("krn:partner:eu1:test:identity:customer-token:{}", uuid::Uuid::new_v4()),
                });
                if let Some(r) = &rct.customer_token_reference {
                    token["customer_token_reference"] = json!(r);
                }
                if let Some(s) = &rct.scopes {
                    token["scopes"] = wire(s);
                }
                response["customer_token_response"] = token;
            }
        }
        AuthorizationOutcome::StepUpRequired => {
            let mut fields = Map::new();
            fields.insert("currency".into(), json!(request.currency));
            if let Some(rpt) = &request.request_payment_transaction {
                fields.insert("amount".into(), json!(rpt.amount));
            }
            if let Some(s) = &request.supplementary_purchase_data {
                fields.insert("supplementary_purchase_data".into(), wire(s));
            }
            if let Some(r) = &request.request_customer_token {
                fields.insert("request_customer_token".into(), wire(r));
            }
            let mut expires_at = None;
            if let Some(step_up) = &request.step_up_config {
                if let Some(r) = &step_up.payment_request_reference {
                    fields.insert("payment_request_reference".into(), json!(r));
                }
                if let Some(c) = &step_up.customer_interaction_config {
                    fields.insert("customer_interaction_config".into(), wire(c));
                }
                expires_at = step_up
                    .payment_request_expires_at
                    .as_ref()
                    .map(|t| t.to_offset_date_time());
            }
            let pr = state.create_request(account, fields, expires_at);
            response["payment_request"] = pr;
            if request.request_payment_transaction.is_some() {
                response["payment_transaction_response"] = json!({"result": result});
            }
            if request.request_customer_token.is_some() {
                response["customer_token_response"] = json!({"result": result});
            }
        }
        AuthorizationOutcome::Declined => {
            if let Some(id) = final_for {
                let _ = state.move_request(id, RequestState::Declined, Some("PERMANENT"));
            }
            if request.request_payment_transaction.is_some() {
                response["payment_transaction_response"] =
                    json!({"result": result, "result_reason": "DECLINED_BY_FAKE"});
            }
            if request.request_customer_token.is_some() {
                response["customer_token_response"] = json!({"result": result});
            }
        }
    }
    response
}

fn owned_transaction<'s>(
    state: &'s State,
    account: &str,
    id: &str,
) -> Result<&'s crate::state::TransactionRec, Reply> {
    state
        .transactions
        .get(id)
        .filter(|t| t.account == account)
        .ok_or_else(|| Reply::not_found("payment transaction", id))
}

fn update_transaction(state: &mut State, account: &str, id: &str, body: &[u8]) -> Reply {
    let request: p::UpdatePaymentTransactionRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = owned_transaction(state, account, id) {
        return e;
    }
    let now = state.now();
    let Some(tx) = state.transactions.get_mut(id) else {
        return Reply::not_found("payment transaction", id);
    };
    if tx.state != TransactionState::Authorized {
        return Reply::conflict(&format!(
            "payment transaction '{id}' is {}: updates are not allowed once it is EXPIRED, COMPLETED or CLOSED",
            tx.state.as_str()
        ));
    }
    if let Some(r) = request.payment_transaction_reference {
        tx.reference = Some(r);
    }
    if let Some(s) = &request.supplementary_purchase_data {
        tx.supplementary_purchase_data = Some(wire(s));
    }
    tx.updated_at = now;
    Reply::ok(tx.to_json())
}

fn reauthorize(state: &mut State, account: &str, id: &str, body: &[u8]) -> Reply {
    let request: p::ReauthorizePaymentTransactionRequest = if body.is_empty() {
        p::ReauthorizePaymentTransactionRequest::default()
    } else {
        match decode(body) {
            Ok(r) => r,
            Err(e) => return e,
        }
    };
    let tx = match owned_transaction(state, account, id) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if !matches!(
        tx.state,
        TransactionState::Authorized | TransactionState::Expired
    ) {
        return Reply::conflict(&format!(
            "payment transaction '{id}' is {}: only an AUTHORIZED transaction, or an EXPIRED one within the 7-day grace period, can be reauthorized",
            tx.state.as_str()
        ));
    }
    if let Some(amount) = request.amount
        && amount < tx.captured
    {
        return Reply::validation(
            "amount",
            &format!("{amount} is less than the {} already captured", tx.captured),
        );
    }
    let days = request.extension_days.unwrap_or(30);
    if days < 0 {
        return Reply::validation("extension_days", "must not be negative");
    }
    let now = state.now();
    let Some(tx) = state.transactions.get_mut(id) else {
        return Reply::not_found("payment transaction", id);
    };
    if let Some(amount) = request.amount {
        tx.amount = amount;
    }
    if let Some(s) = &request.supplementary_purchase_data {
        tx.supplementary_purchase_data = Some(wire(s));
    }
    tx.expires_at =
        now.max(tx.expires_at) + Duration::from_secs(u64::from(days.unsigned_abs()) * 86_400);
    tx.updated_at = now;
    let fully = tx.captured == tx.amount;
    if tx.state == TransactionState::Expired {
        state.move_transaction(id, TransactionState::Authorized);
    }
    if fully {
        state.move_transaction(id, TransactionState::Completed);
    }
    Reply::ok(state.transactions[id].to_json())
}

fn capture(state: &mut State, account: &str, id: &str, body: &[u8]) -> Reply {
    let request: p::CapturePaymentTransactionRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = owned_transaction(state, account, id) {
        return e;
    }
    let mut extra = Map::new();
    if let Some(s) = &request.supplementary_capture_data {
        extra.insert("supplementary_capture_data".into(), wire(s));
    }
    let release = request
        .remaining_authorization
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case("RELEASE"));
    match state.capture(
        id,
        request.capture_amount,
        request.payment_capture_reference,
        extra,
        release,
    ) {
        Ok(json) => Reply::created(json),
        Err(e) => e,
    }
}

fn refund(
    state: &mut State,
    account: &str,
    tx_id: &str,
    capture_id: Option<&str>,
    body: &[u8],
) -> Reply {
    let request: p::RefundPaymentRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = owned_transaction(state, account, tx_id) {
        return e;
    }
    let mut extra = Map::new();
    if let Some(s) = &request.supplementary_refund_data {
        extra.insert("supplementary_refund_data".into(), wire(s));
    }
    let reference = request
        .payment_refund_reference
        .or(request.refund_reference);
    match state.refund(tx_id, capture_id, request.refund_amount, reference, extra) {
        Ok(json) => Reply::created(json),
        Err(e) => e,
    }
}

fn void(state: &mut State, account: &str, id: &str) -> Reply {
    let tx = match owned_transaction(state, account, id) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if tx.state != TransactionState::Authorized {
        return Reply::conflict(&format!(
            "payment transaction '{id}' is {}: only an AUTHORIZED transaction can be voided",
            tx.state.as_str()
        ));
    }
    state.move_transaction(id, TransactionState::Completed);
    Reply::ok(state.transactions[id].to_json())
}

/// Sends one delivery with retries, recording every attempt.
pub(crate) async fn deliver(shared: Arc<Shared>, job: Job) {
    let signature = sign(&job.secret, &job.body);
    let attempts = 1 + shared.retry.delays.len();
    for attempt in 1..=attempts {
        let outcome = if job.secret.is_empty() {
            Err(format!(
                "signing key '{}' no longer exists; nothing was sent",
                job.signing_key_id
            ))
        } else {
            post(
                &job.url,
                &job.signing_key_id,
                &signature,
                &job.body,
                shared.retry.timeout,
            )
            .await
        };
        let success = matches!(outcome, Ok(200 | 201 | 202 | 204));
        shared.record(Delivery {
            webhook_id: job.webhook_id.clone(),
            url: job.url.clone(),
            event_id: job.event_id.clone(),
            event_type: job.event_type.clone(),
            attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
            signing_key_id: job.signing_key_id.clone(),
            signature: signature.clone(),
            body: job.body.clone(),
            status: outcome.as_ref().ok().copied(),
            error: outcome.err(),
        });
        if success || attempt == attempts {
            break;
        }
        tokio::time::sleep(shared.retry.delays[attempt - 1]).await;
    }
    shared.finish_one();
}

/// Lowercase hex HMAC-SHA256 of the raw body, keyed with the signing key's UTF-8 bytes (FACTS §4.2).
pub(crate) fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::Mac as _;
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// POSTs a delivery over plain HTTP/1.1 and returns the status code.
async fn post(
    url: &str,
    key_id: &str,
    signature: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<u16, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("invalid URL '{url}': {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "the fake delivers over plain http to loopback only; '{url}' was not called"
        ));
    }
    let host = uri.host().unwrap_or_default().to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let authority = uri.authority().map(|a| a.to_string()).unwrap_or_default();
    let path = uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "/".into());
    let request = http::Request::post(path)
        .header(http::header::HOST, authority)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("Klarna-Signing-Key-Id", key_id)
        .header("Klarna-Signature", signature)
        .body(http_body_util::Full::new(Bytes::copy_from_slice(body)))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let send = async {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("HTTP handshake with {url} failed: {e}"))?;
        let driver = tokio::spawn(connection);
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("POST {url} failed: {e}"));
        driver.abort();
        response.map(|r| r.status().as_u16())
    };
    match tokio::time::timeout(timeout, send).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer from {url} within {timeout:?}")),
    }
}
