//! The fake's state: the clock, payment requests (FACTS §8.1), authorizations with step-up (§8.2), payment
//! transactions with their captures and refunds (§8.3), signing keys and webhooks (§4), and the events each
//! change emits.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::reply::{Reply, money};
use crate::{AuthorizationOutcome, ControlError};

/// How long a payment request stays open (the hosted-checkout guides' 48 hours).
pub(crate) const PAYMENT_REQUEST_LIFETIME: Duration = Duration::from_secs(48 * 3600);
/// How long an authorization lasts before the transaction expires (30 days, as in the specs' example).
pub(crate) const AUTHORIZATION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// Grace period after expiry in which a reauthorization revives the transaction (7 days).
pub(crate) const REAUTHORIZATION_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long Klarna honours an idempotency key (24 hours).
pub(crate) const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// The most signing keys an account can hold.
pub(crate) const MAX_SIGNING_KEYS: usize = 50;

/// RFC 3339 text of a time, to whole seconds.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn krn(kind: &str) -> String {
    format!("{kind}:{}", uuid::Uuid::new_v4())
}

/// Payment request states the fake moves through (the r2512 ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestState {
    Submitted,
    InProgress,
    Completed,
    Canceled,
    Expired,
    Declined,
}

impl RequestState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RequestState::Submitted => "SUBMITTED",
            RequestState::InProgress => "IN_PROGRESS",
            RequestState::Completed => "COMPLETED",
            RequestState::Canceled => "CANCELED",
            RequestState::Expired => "EXPIRED",
            RequestState::Declined => "DECLINED",
        }
    }

    fn event_suffix(self) -> &'static str {
        match self {
            RequestState::Submitted => "submitted",
            RequestState::InProgress => "in-progress",
            RequestState::Completed => "completed",
            RequestState::Canceled => "canceled",
            RequestState::Expired => "expired",
            RequestState::Declined => "declined",
        }
    }

    /// `SUBMITTED → IN_PROGRESS | EXPIRED | CANCELED | DECLINED`, `IN_PROGRESS → SUBMITTED | COMPLETED |
    /// EXPIRED | CANCELED | DECLINED` (FACTS §8.1; DECLINED from the guides), `COMPLETED → DECLINED` (a final
    /// authorization that is declined). Everything else is refused.
    pub(crate) fn can_become(self, next: RequestState) -> bool {
        use RequestState::*;
        matches!(
            (self, next),
            (Submitted, InProgress | Expired | Canceled | Declined)
                | (
                    InProgress,
                    Submitted | Completed | Expired | Canceled | Declined
                )
                | (Completed, Declined)
        )
    }
}

/// Payment transaction states (FACTS §8.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransactionState {
    Authorized,
    Expired,
    Completed,
    Closed,
}

impl TransactionState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TransactionState::Authorized => "AUTHORIZED",
            TransactionState::Expired => "EXPIRED",
            TransactionState::Completed => "COMPLETED",
            TransactionState::Closed => "CLOSED",
        }
    }

    fn event_suffix(self) -> &'static str {
        match self {
            TransactionState::Authorized => "authorized",
            TransactionState::Expired => "expired",
            TransactionState::Completed => "completed",
            TransactionState::Closed => "closed",
        }
    }
}

/// A payment request: its JSON (the `PaymentRequest` schema) plus what the state machine needs.
pub(crate) struct PaymentRequestRec {
    pub(crate) account: String,
    pub(crate) state: RequestState,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) json: Map<String, Value>,
    pub(crate) session_token: Option<String>,
    pub(crate) transaction_id: Option<String>,
}

pub(crate) struct TransactionRec {
    pub(crate) account: String,
    pub(crate) id: String,
    pub(crate) state: TransactionState,
    /// The authorized amount.
    pub(crate) amount: i64,
    pub(crate) captured: i64,
    pub(crate) refunded: i64,
    pub(crate) currency: String,
    pub(crate) reference: Option<String>,
    pub(crate) payment_request_id: Option<String>,
    pub(crate) supplementary_purchase_data: Option<Value>,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) updated_at: OffsetDateTime,
    /// Capture ids, oldest first.
    pub(crate) captures: Vec<String>,
}

impl TransactionRec {
    pub(crate) fn to_json(&self) -> Value {
        let mut v = json!({
            "payment_transaction_id": self.id,
            "state": self.state.as_str(),
            "amount": self.amount,
            "currency": self.currency,
            "payment_funding": { "type": "GUARANTEED", "state": "FUNDED" },
            "expires_at": rfc3339(self.expires_at),
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        });
        if let Some(r) = &self.reference {
            v["payment_transaction_reference"] = json!(r);
        }
        if let Some(s) = &self.supplementary_purchase_data {
            v["supplementary_purchase_data"] = s.clone();
        }
        v
    }

    fn event_payload(&self, previous: Option<TransactionState>) -> Value {
        let mut p = json!({
            "payment_transaction_id": self.id,
            "state": self.state.as_str(),
            "amount": self.amount,
            "captured_amount": self.captured,
            "refunded_amount": self.refunded,
            "currency": self.currency,
            "expires_at": rfc3339(self.expires_at),
        });
        if let Some(prev) = previous {
            p["previous_state"] = json!(prev.as_str());
        }
        if let Some(r) = &self.reference {
            p["payment_transaction_reference"] = json!(r);
        }
        if let Some(r) = &self.payment_request_id {
            p["payment_request_id"] = json!(r);
        }
        p
    }
}

pub(crate) struct CaptureRec {
    pub(crate) amount: i64,
    pub(crate) refunded: i64,
    pub(crate) transaction_id: String,
    pub(crate) json: Map<String, Value>,
}

pub(crate) struct SigningKeyRec {
    pub(crate) id: String,
    pub(crate) secret: String,
    pub(crate) created_at: String,
}

pub(crate) struct WebhookRec {
    pub(crate) json: Map<String, Value>,
}

impl WebhookRec {
    pub(crate) fn id(&self) -> &str {
        self.json
            .get("webhook_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn str_field(&self, name: &str) -> &str {
        self.json
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Whether the webhook is enabled and one of its `event_types` matches: an exact type, or a pattern
    /// ending in `*` that matches every type starting with what precedes the `*`.
    pub(crate) fn wants(&self, event_type: &str) -> bool {
        self.str_field("status") == "ENABLED"
            && self
                .json
                .get("event_types")
                .and_then(Value::as_array)
                .is_some_and(|types| {
                    types
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|p| event_type_matches(p, event_type))
                })
    }
}

/// `payment.*` matches `payment.request.state-change.completed`; `*` matches everything; anything else
/// must be equal.
pub(crate) fn event_type_matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

/// A webhook delivery waiting to be sent: the signed body for one webhook.
pub(crate) struct Job {
    /// Its number among the fake's deliveries, set when it is sent off.
    pub(crate) seq: u64,
    pub(crate) webhook_id: String,
    pub(crate) url: String,
    pub(crate) event_id: String,
    pub(crate) event_type: String,
    pub(crate) signing_key_id: String,
    pub(crate) secret: String,
    pub(crate) body: Vec<u8>,
}

pub(crate) struct IdempotencyEntry {
    pub(crate) fingerprint: (String, String, Vec<u8>),
    pub(crate) reply: Reply,
    pub(crate) at: OffsetDateTime,
}

/// Everything the fake holds. One lock guards it; every request and every control runs under it.
pub(crate) struct State {
    pub(crate) account_id: String,
    pub(crate) base_url: String,
    pub(crate) start_wall: OffsetDateTime,
    pub(crate) start_instant: std::time::Instant,
    pub(crate) offset: Duration,
    pub(crate) requests: BTreeMap<String, PaymentRequestRec>,
    pub(crate) transactions: BTreeMap<String, TransactionRec>,
    pub(crate) captures: BTreeMap<String, CaptureRec>,
    pub(crate) refunds: BTreeMap<String, (String, Value)>,
    pub(crate) session_tokens: HashMap<String, String>,
    /// Final authorizations by session token: the request body and the answer, replayed on a repeat.
    pub(crate) finalized: HashMap<String, (Vec<u8>, Reply)>,
    pub(crate) idempotency: HashMap<String, IdempotencyEntry>,
    pub(crate) forced: VecDeque<AuthorizationOutcome>,
    pub(crate) signing_keys: Vec<SigningKeyRec>,
    pub(crate) webhooks: Vec<WebhookRec>,
    /// Items of paginated list operations without a state model, by operation id.
    pub(crate) lists: HashMap<String, Vec<Value>>,
    /// Client certificates, mTLS enforcement and the IP allow-list (integration.rs).
    pub(crate) integration: crate::integration::IntegrationState,
    pub(crate) outbox: Vec<Job>,
}

impl State {
    pub(crate) fn now(&self) -> OffsetDateTime {
        self.start_wall + self.start_instant.elapsed() + self.offset
    }

    /// Emits an event to every matching webhook (FACTS §4.3 envelope).
    pub(crate) fn emit(&mut self, event_type: &str, subject_account: &str, payload: Value) {
        let occurred_at = rfc3339(self.now());
        let targets: Vec<(String, String, String, String)> = self
            .webhooks
            .iter()
            .filter(|w| w.wants(event_type))
            .map(|w| {
                (
                    w.id().to_owned(),
                    w.str_field("url").to_owned(),
                    w.str_field("event_version").to_owned(),
                    w.str_field("signing_key_id").to_owned(),
                )
            })
            .collect();
        for (webhook_id, url, version, key_id) in targets {
            self.enqueue(
                &webhook_id,
                &url,
                &version,
                &key_id,
                event_type,
                subject_account,
                &occurred_at,
                payload.clone(),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn enqueue(
        &mut self,
        webhook_id: &str,
        url: &str,
        version: &str,
        signing_key_id: &str,
        event_type: &str,
        subject_account: &str,
        occurred_at: &str,
        payload: Value,
    ) {
        // A webhook whose key was deleted since is still delivered, signed with no key Klarna knows; the
        // fake records it as an attempt that could not be signed.
        let secret = self
            .signing_keys
            .iter()
            .find(|k| k.id == signing_key_id)
            .map(|k| k.secret.clone())
            .unwrap_or_default();
        let event_id = uuid::Uuid::new_v4().to_string();
        let envelope = json!({
            "metadata": {
                "event_type": event_type,
                "event_id": event_id,
                "event_version": version,
                "occurred_at": occurred_at,
                "subject_account_id": subject_account,
                "recipient_account_id": self.account_id,
                "webhook_id": webhook_id,
                "live": false,
            },
            "payload": payload,
        });
        self.outbox.push(Job {
            seq: 0,
            webhook_id: webhook_id.to_owned(),
            url: url.to_owned(),
            event_id,
            event_type: event_type.to_owned(),
            signing_key_id: signing_key_id.to_owned(),
            secret,
            body: serde_json::to_vec(&envelope).unwrap_or_default(),
        });
    }

    /// Applies every time-driven change due at `now`: payment requests and authorizations expire,
    /// expired transactions close after the grace period, idempotency keys are forgotten after 24 hours.
    pub(crate) fn sweep(&mut self) {
        let now = self.now();
        let due: Vec<String> = self
            .requests
            .iter()
            .filter(|(_, r)| {
                matches!(r.state, RequestState::Submitted | RequestState::InProgress)
                    && r.expires_at <= now
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            // The transition is allowed from both open states.
            let _ = self.move_request(&id, RequestState::Expired, None);
        }
        let ids: Vec<String> = self.transactions.keys().cloned().collect();
        for id in ids {
            let Some(tx) = self.transactions.get(&id) else {
                continue;
            };
            if tx.state == TransactionState::Authorized && tx.expires_at <= now {
                self.move_transaction(&id, TransactionState::Expired);
            }
            let Some(tx) = self.transactions.get(&id) else {
                continue;
            };
            if tx.state == TransactionState::Expired && tx.expires_at + REAUTHORIZATION_GRACE <= now
            {
                let next = if tx.captured > 0 {
                    TransactionState::Completed
                } else {
                    TransactionState::Closed
                };
                self.move_transaction(&id, next);
            }
        }
        self.idempotency
            .retain(|_, e| e.at + IDEMPOTENCY_WINDOW > now);
    }

    /// Moves a payment request to `next` if the state machine allows it, and emits the state-change event.
    pub(crate) fn move_request(
        &mut self,
        id: &str,
        next: RequestState,
        reason: Option<&str>,
    ) -> Result<(), ControlError> {
        let now = rfc3339(self.now());
        let Some(rec) = self.requests.get_mut(id) else {
            return Err(ControlError::not_found("payment request", id));
        };
        let previous = rec.state;
        if !previous.can_become(next) {
            return Err(ControlError::WrongState {
                resource: "payment request",
                id: id.to_owned(),
                state: previous.as_str().to_owned(),
                reason: format!("it cannot become {}", next.as_str()),
            });
        }
        rec.state = next;
        rec.json.insert("state".into(), json!(next.as_str()));
        rec.json
            .insert("previous_state".into(), json!(previous.as_str()));
        rec.json.insert("updated_at".into(), json!(now));
        match reason {
            Some(r) => {
                rec.json.insert("state_reason".into(), json!(r));
            }
            None => {
                rec.json.remove("state_reason");
            }
        }
        let account = rec.account.clone();
        let mut payload = json!({
            "payment_request_id": id,
            "state": next.as_str(),
            "previous_state": previous.as_str(),
            "expires_at": rfc3339(rec.expires_at),
        });
        for field in [
            "payment_request_reference",
            "amount",
            "currency",
            "state_reason",
        ] {
            if let Some(v) = rec.json.get(field) {
                payload[field] = v.clone();
            }
        }
        if next == RequestState::Completed
            && let Some(token) = &rec.session_token
        {
            payload["klarna_network_session_token"] = json!(token);
        }
        if let Some(tx) = &rec.transaction_id {
            payload["payment_transaction_id"] = json!(tx);
        }
        self.emit(
            &format!("payment.request.state-change.{}", next.event_suffix()),
            &account,
            payload,
        );
        Ok(())
    }

    pub(crate) fn move_transaction(&mut self, id: &str, next: TransactionState) {
        let now = self.now();
        let Some(tx) = self.transactions.get_mut(id) else {
            return;
        };
        let previous = tx.state;
        if previous == next {
            return;
        }
        tx.state = next;
        tx.updated_at = now;
        let payload = tx.event_payload(Some(previous));
        let account = tx.account.clone();
        self.emit(
            &format!("payment.transaction.state-change.{}", next.event_suffix()),
            &account,
            payload,
        );
    }

    /// Creates a payment request in `SUBMITTED` from the (already validated) fields, and emits
    /// `payment.request.state-change.submitted`.
    pub(crate) fn create_request(
        &mut self,
        account: &str,
        mut fields: Map<String, Value>,
        expires_at: Option<OffsetDateTime>,
    ) -> Value {
        let now = self.now();
        let uuid = uuid::Uuid::new_v4();
        let id = format!("krn:payment:eu1:request:{uuid}");
        let expires_at = expires_at.unwrap_or(now + PAYMENT_REQUEST_LIFETIME);
        fields.insert("payment_request_id".into(), json!(id));
        fields.insert("state".into(), json!("SUBMITTED"));
        let method = fields
            .get("customer_interaction_config")
            .and_then(|c| c.get("method"))
            .cloned()
            .unwrap_or(json!("HANDOVER"));
        fields.insert(
            "state_context".into(),
            json!({ "customer_interaction": {
                "method": method,
                "payment_request_id": id,
                "payment_request_url": format!("{}/fake-purchase-journey/requests/{uuid}", self.base_url),
            }}),
        );
        fields.insert("expires_at".into(), json!(rfc3339(expires_at)));
        fields.insert("created_at".into(), json!(rfc3339(now)));
        fields.insert("updated_at".into(), json!(rfc3339(now)));
        let mut payload = json!({
            "payment_request_id": id,
            "state": "SUBMITTED",
            "expires_at": rfc3339(expires_at),
        });
        for field in ["payment_request_reference", "amount", "currency"] {
            if let Some(v) = fields.get(field) {
                payload[field] = v.clone();
            }
        }
        let json = Value::Object(fields.clone());
        self.requests.insert(
            id.clone(),
            PaymentRequestRec {
                account: account.to_owned(),
                state: RequestState::Submitted,
                expires_at,
                json: fields,
                session_token: None,
                transaction_id: None,
            },
        );
        self.emit("payment.request.state-change.submitted", account, payload);
        json
    }

    /// The customer opens the purchase journey: `SUBMITTED → IN_PROGRESS`.
    pub(crate) fn open_request(&mut self, id: &str) -> Result<(), ControlError> {
        self.sweep();
        self.move_request(id, RequestState::InProgress, None)
    }

    /// The customer approves: through `IN_PROGRESS` to `COMPLETED`, with a session token for the final
    /// authorization (and a customer token when one was requested).
    pub(crate) fn complete_request(&mut self, id: &str) -> Result<String, ControlError> {
        self.sweep();
        let state = self
            .requests
            .get(id)
            .map(|r| r.state)
            .ok_or_else(|| ControlError::not_found("payment request", id))?;
        if state == RequestState::Submitted {
            self.move_request(id, RequestState::InProgress, None)?;
        } else if !state.can_become(RequestState::Completed) {
            return Err(ControlError::WrongState {
                resource: "payment request",
                id: id.to_owned(),
                state: state.as_str().to_owned(),
                reason: "only a SUBMITTED or IN_PROGRESS request can be completed".to_owned(),
            });
        }
        let token = format!(
            "krn:network:eu1:test:session-token:{}",
            uuid::Uuid::new_v4().simple()
        );
        let payment_token = krn("krn:payment:eu1:payment-token");
        if let Some(rec) = self.requests.get_mut(id) {
            rec.session_token = Some(token.clone());
            let mut context = json!({
                "klarna_network_session_token": token,
                "payment_token": payment_token,
            });
            if rec.json.contains_key("request_customer_token") {
                context["klarna_customer"] = json!({
                    "customer_token": krn("krn:partner:eu1:test:identity:customer-token"),
                });
            }
            rec.json.insert("state_context".into(), context);
        }
        self.session_tokens.insert(token.clone(), id.to_owned());
        self.move_request(id, RequestState::Completed, None)?;
        Ok(token)
    }

    /// Klarna declines the purchase (or the customer rejects it).
    pub(crate) fn decline_request(&mut self, id: &str) -> Result<(), ControlError> {
        self.sweep();
        self.move_request(id, RequestState::Declined, Some("PERMANENT"))
    }

    /// Creates an `AUTHORIZED` transaction and emits `payment.transaction.state-change.authorized`.
    pub(crate) fn create_transaction(
        &mut self,
        account: &str,
        amount: i64,
        currency: &str,
        reference: Option<String>,
        payment_request_id: Option<String>,
        supplementary_purchase_data: Option<Value>,
    ) -> String {
        let now = self.now();
        let id = krn("krn:payment:eu1:transaction");
        let tx = TransactionRec {
            account: account.to_owned(),
            id: id.clone(),
            state: TransactionState::Authorized,
            amount,
            captured: 0,
            refunded: 0,
            currency: currency.to_owned(),
            reference,
            payment_request_id,
            supplementary_purchase_data,
            expires_at: now + AUTHORIZATION_LIFETIME,
            created_at: now,
            updated_at: now,
            captures: Vec::new(),
        };
        let payload = tx.event_payload(None);
        self.transactions.insert(id.clone(), tx);
        self.emit(
            "payment.transaction.state-change.authorized",
            account,
            payload,
        );
        id
    }

    /// Captures `amount` of a transaction (the caller checked the account). Refuses a capture on a
    /// transaction that is not `AUTHORIZED` and one above the amount left to capture.
    pub(crate) fn capture(
        &mut self,
        tx_id: &str,
        amount: i64,
        reference: Option<String>,
        extra: Map<String, Value>,
        release_rest: bool,
    ) -> Result<Value, Reply> {
        let now = self.now();
        let Some(tx) = self.transactions.get_mut(tx_id) else {
            return Err(Reply::not_found("payment transaction", tx_id));
        };
        if tx.state != TransactionState::Authorized {
            return Err(Reply::conflict(&format!(
                "payment transaction '{tx_id}' is {}: only an AUTHORIZED transaction can be captured",
                tx.state.as_str()
            )));
        }
        if amount <= 0 {
            return Err(Reply::validation(
                "capture_amount",
                "must be a positive amount in minor units",
            ));
        }
        let left = tx.amount - tx.captured;
        if amount > left {
            return Err(Reply::validation(
                "capture_amount",
                &format!(
                    "{} is more than the {} left to capture (authorized {}, captured {})",
                    money(amount, &tx.currency),
                    money(left, &tx.currency),
                    money(tx.amount, &tx.currency),
                    money(tx.captured, &tx.currency)
                ),
            ));
        }
        tx.captured += amount;
        tx.updated_at = now;
        let id = krn("krn:payment:eu1:capture");
        tx.captures.push(id.clone());
        let mut json = extra;
        json.insert("payment_capture_id".into(), json!(id));
        json.insert("payment_transaction_id".into(), json!(tx_id));
        json.insert("capture_amount".into(), json!(amount));
        json.insert("currency".into(), json!(tx.currency));
        json.insert("created_at".into(), json!(rfc3339(now)));
        if let Some(r) = &reference {
            json.insert("payment_capture_reference".into(), json!(r));
        }
        let mut payload = json!({
            "payment_transaction_id": tx_id,
            "payment_capture_id": id,
            "capture_amount": amount,
            "currency": tx.currency,
            "captured_at": rfc3339(now),
        });
        if let Some(r) = &reference {
            payload["payment_capture_reference"] = json!(r);
        }
        let fully = tx.captured == tx.amount;
        let account = tx.account.clone();
        self.captures.insert(
            id,
            CaptureRec {
                amount,
                refunded: 0,
                transaction_id: tx_id.to_owned(),
                json: json.clone(),
            },
        );
        self.emit("payment.transaction.captured", &account, payload);
        if fully || release_rest {
            self.move_transaction(tx_id, TransactionState::Completed);
        }
        Ok(Value::Object(json))
    }

    /// Refunds captured money, of the whole transaction or of one capture. Refuses a refund on a `CLOSED`
    /// transaction and one above what is captured and not yet refunded.
    pub(crate) fn refund(
        &mut self,
        tx_id: &str,
        capture_id: Option<&str>,
        amount: i64,
        reference: Option<String>,
        extra: Map<String, Value>,
    ) -> Result<Value, Reply> {
        let now = self.now();
        let Some(tx) = self.transactions.get(tx_id) else {
            return Err(Reply::not_found("payment transaction", tx_id));
        };
        if tx.state == TransactionState::Closed {
            return Err(Reply::conflict(&format!(
                "payment transaction '{tx_id}' is CLOSED: no operations, not even refunds, are allowed"
            )));
        }
        if amount <= 0 {
            return Err(Reply::validation(
                "refund_amount",
                "must be a positive amount in minor units",
            ));
        }
        let (refundable, what) = match capture_id {
            Some(c) => {
                let Some(cap) = self.captures.get(c) else {
                    return Err(Reply::not_found("payment capture", c));
                };
                (cap.amount - cap.refunded, format!("capture '{c}'"))
            }
            None => (tx.captured - tx.refunded, format!("transaction '{tx_id}'")),
        };
        if amount > refundable {
            return Err(Reply::validation(
                "refund_amount",
                &format!(
                    "{} is more than the {} captured and not yet refunded on {what}",
                    money(amount, &tx.currency),
                    money(refundable, &tx.currency)
                ),
            ));
        }
        // Spread the refund over the captures, oldest first (or the one named).
        let targets: Vec<String> = match capture_id {
            Some(c) => vec![c.to_owned()],
            None => tx.captures.clone(),
        };
        let mut left = amount;
        let mut first_capture = None;
        for c in targets {
            let Some(cap) = self.captures.get_mut(&c) else {
                continue;
            };
            let take = left.min(cap.amount - cap.refunded);
            if take > 0 {
                cap.refunded += take;
                left -= take;
                first_capture.get_or_insert(c);
            }
            if left == 0 {
                break;
            }
        }
        let Some(tx) = self.transactions.get_mut(tx_id) else {
            return Err(Reply::not_found("payment transaction", tx_id));
        };
        tx.refunded += amount;
        tx.updated_at = now;
        let id = krn("krn:payment:eu1:refund");
        let mut json = extra;
        json.insert("payment_refund_id".into(), json!(id));
        json.insert("payment_transaction_id".into(), json!(tx_id));
        json.insert("refund_amount".into(), json!(amount));
        json.insert("currency".into(), json!(tx.currency));
        json.insert("created_at".into(), json!(rfc3339(now)));
        if let Some(c) = capture_id.map(str::to_owned).or(first_capture) {
            json.insert("payment_capture_id".into(), json!(c));
        }
        if let Some(r) = &reference {
            json.insert("payment_refund_reference".into(), json!(r));
        }
        let mut payload = json!({
            "payment_transaction_id": tx_id,
            "payment_refund_id": id,
            "refund_amount": amount,
            "currency": tx.currency,
            "refunded_at": rfc3339(now),
        });
        for field in ["payment_capture_id", "payment_refund_reference"] {
            if let Some(v) = json.get(field) {
                payload[field] = v.clone();
            }
        }
        let account = tx.account.clone();
        self.refunds
            .insert(id, (account.clone(), Value::Object(json.clone())));
        self.emit("payment.transaction.refunded", &account, payload);
        Ok(Value::Object(json))
    }

    /// The outcome of the next authorization: a forced one if queued, else `default`.
    pub(crate) fn next_outcome(&mut self, default: AuthorizationOutcome) -> AuthorizationOutcome {
        self.forced.pop_front().unwrap_or(default)
    }
}
