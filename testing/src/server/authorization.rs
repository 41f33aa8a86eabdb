//! Authorization (FACTS §8.2): the first authorization with its forced or default outcome, step-up, and the
//! final authorization with `Klarna-Network-Session-Token`.

use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value, json};

use crate::AuthorizationOutcome;
use crate::reply::{Reply, check_currency, decode, money, wire};
use crate::state::{RequestState, State};
use klarna::payment as p;

/// `POST .../payment/authorize`; `None` for any other route.
pub(super) fn route(
    state: &mut State,
    account: &str,
    method: &Method,
    rest: &[&str],
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Reply> {
    match (method.clone(), rest) {
        (Method::POST, ["payment", "authorize"]) => Some(authorize(state, account, headers, body)),
        _ => None,
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
                        "{} does not match the {} the customer approved",
                        money(rpt.amount, approved_currency),
                        money(approved, approved_currency)
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
