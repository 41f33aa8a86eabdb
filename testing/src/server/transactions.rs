//! Payment transactions (FACTS §8.3): update, reauthorize, capture, refund and void.

use std::time::Duration;

use axum::http::Method;
use serde_json::{Map, Value};

use crate::reply::{Reply, decode, money, wire};
use crate::state::{State, TransactionState};
use klarna::payment as p;

/// The payment transaction, capture and refund routes; `None` for any other.
pub(super) fn route(
    state: &mut State,
    account: &str,
    method: &Method,
    rest: &[&str],
    body: &[u8],
) -> Option<Reply> {
    Some(match (method.clone(), rest) {
        (Method::GET, ["payment", "transactions", id]) => {
            match state.transactions.get(*id).filter(|t| t.account == account) {
                Some(t) => Reply::ok(t.to_json()),
                None => Reply::not_found("payment transaction", id),
            }
        }
        (Method::PATCH, ["payment", "transactions", id]) => {
            update_transaction(state, account, id, body)
        }
        (Method::POST, ["payment", "transactions", id, "authorize"]) => {
            reauthorize(state, account, id, body)
        }
        (Method::POST, ["payment", "transactions", id, "capture"]) => {
            capture(state, account, id, body)
        }
        (Method::POST, ["payment", "transactions", id, "refund"]) => {
            refund(state, account, id, None, body)
        }
        (Method::POST, ["payment", "transactions", id, "void"]) => void(state, account, id),
        (Method::GET, ["payment", "captures", id]) => {
            match state.captures.get(*id).filter(|c| {
                state
                    .transactions
                    .get(&c.transaction_id)
                    .is_some_and(|t| t.account == account)
            }) {
                Some(c) => Reply::ok(Value::Object(c.json.clone())),
                None => Reply::not_found("payment capture", id),
            }
        }
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
            match tx {
                Some(tx) => refund(state, account, &tx, Some(id), body),
                None => Reply::not_found("payment capture", id),
            }
        }
        (Method::GET, ["payment", "refunds", id]) => {
            match state.refunds.get(*id).filter(|(a, _)| *a == account) {
                Some((_, r)) => Reply::ok(r.clone()),
                None => Reply::not_found("payment refund", id),
            }
        }
        _ => return None,
    })
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
            &format!(
                "{} is less than the {} already captured",
                money(amount, &tx.currency),
                money(tx.captured, &tx.currency)
            ),
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
