//! Payment requests (FACTS §8.1): create, update and cancel; reads are in the route table.

use axum::http::Method;
use serde_json::{Map, Value, json};

use crate::reply::{Reply, check_currency, decode, wire};
use crate::state::{RequestState, State, rfc3339};
use klarna::payment as p;

/// The payment request routes; `None` for any other.
pub(super) fn route(
    state: &mut State,
    account: &str,
    method: &Method,
    rest: &[&str],
    body: &[u8],
) -> Option<Reply> {
    Some(match (method.clone(), rest) {
        (Method::POST, ["payment", "requests"]) => create_payment_request(state, account, body),
        (Method::GET, ["payment", "requests", id]) => {
            match state.requests.get(*id).filter(|r| r.account == account) {
                Some(r) => Reply::ok(Value::Object(r.json.clone())),
                None => Reply::not_found("payment request", id),
            }
        }
        (Method::PATCH, ["payment", "requests", id]) => {
            update_payment_request(state, account, id, body)
        }
        (Method::DELETE, ["payment", "requests", id]) => cancel_payment_request(state, account, id),
        _ => return None,
    })
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
        Err(e) => Reply::conflict(&e.to_string()),
    }
}
