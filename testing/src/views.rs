//! What a test can read of the fake's state: payment requests, transactions with their amounts, and
//! webhook deliveries by webhook, event type and outcome.

use serde::Serialize;
use serde_json::Value;

use crate::Delivery;
use crate::reply::money;
use crate::state::{PaymentRequestRec, State, TransactionRec, event_type_matches, rfc3339};

/// A payment request as the fake holds it (see [`FakeKlarna::payment_request`](crate::FakeKlarna::payment_request)).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PaymentRequestView {
    /// `payment_request_id`.
    pub payment_request_id: String,
    /// The partner account it was made under.
    pub account_id: String,
    /// `SUBMITTED`, `IN_PROGRESS`, `COMPLETED`, `CANCELED`, `EXPIRED` or `DECLINED`.
    pub state: String,
    /// The amount in minor units, when the request has one.
    pub amount: Option<i64>,
    /// The currency (ISO 4217).
    pub currency: String,
    /// When it expires if still open (RFC 3339).
    pub expires_at: String,
    /// The `klarna_network_session_token` of a completed request.
    pub session_token: Option<String>,
    /// The transaction its final authorization created.
    pub payment_transaction_id: Option<String>,
    /// The request as `GET .../payment/requests/{id}` answers it.
    pub json: Value,
}

impl PaymentRequestView {
    pub(crate) fn of(id: &str, rec: &PaymentRequestRec) -> PaymentRequestView {
        PaymentRequestView {
            payment_request_id: id.to_owned(),
            account_id: rec.account.clone(),
            state: rec.state.as_str().to_owned(),
            amount: rec.json.get("amount").and_then(Value::as_i64),
            currency: rec
                .json
                .get("currency")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            expires_at: rfc3339(rec.expires_at),
            session_token: rec.session_token.clone(),
            payment_transaction_id: rec.transaction_id.clone(),
            json: Value::Object(rec.json.clone()),
        }
    }
}

/// A payment transaction's money, in minor units (see [`FakeKlarna::transaction`](crate::FakeKlarna::transaction)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TransactionView {
    /// `payment_transaction_id`.
    pub payment_transaction_id: String,
    /// The partner account it belongs to.
    pub account_id: String,
    /// `AUTHORIZED`, `EXPIRED`, `COMPLETED` or `CLOSED`.
    pub state: String,
    /// The currency (ISO 4217).
    pub currency: String,
    /// The authorized amount.
    pub authorized: i64,
    /// The sum of all captures.
    pub captured: i64,
    /// The sum of all refunds.
    pub refunded: i64,
    /// What can still be captured: the authorized amount not yet captured while the transaction is
    /// `AUTHORIZED`, else 0.
    pub remaining: i64,
    /// What can still be refunded: captured and not yet refunded (0 once `CLOSED`).
    pub refundable: i64,
    /// The captures, oldest first.
    pub captures: Vec<CaptureView>,
    /// When the authorization expires (RFC 3339).
    pub expires_at: String,
}

/// One capture of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CaptureView {
    /// `payment_capture_id`.
    pub payment_capture_id: String,
    /// The captured amount.
    pub amount: i64,
    /// How much of it is refunded.
    pub refunded: i64,
}

impl TransactionView {
    pub(crate) fn of(state: &State, tx: &TransactionRec) -> TransactionView {
        use crate::state::TransactionState as S;
        TransactionView {
            payment_transaction_id: tx.id.clone(),
            account_id: tx.account.clone(),
            state: tx.state.as_str().to_owned(),
            currency: tx.currency.clone(),
            authorized: tx.amount,
            captured: tx.captured,
            refunded: tx.refunded,
            remaining: if tx.state == S::Authorized {
                tx.amount - tx.captured
            } else {
                0
            },
            refundable: if tx.state == S::Closed {
                0
            } else {
                tx.captured - tx.refunded
            },
            captures: tx
                .captures
                .iter()
                .filter_map(|id| {
                    state.captures.get(id).map(|c| CaptureView {
                        payment_capture_id: id.clone(),
                        amount: c.amount,
                        refunded: c.refunded,
                    })
                })
                .collect(),
            expires_at: rfc3339(tx.expires_at),
        }
    }

    /// The amounts as Klarna documents them: `authorized 100.00 EUR, captured 60.00 EUR, refunded 0.00
    /// EUR, remaining 40.00 EUR`.
    pub fn summary(&self) -> String {
        let m = |v| money(v, &self.currency);
        format!(
            "{} {}: authorized {}, captured {}, refunded {}, remaining {}",
            self.state,
            self.payment_transaction_id,
            m(self.authorized),
            m(self.captured),
            m(self.refunded),
            m(self.remaining)
        )
    }
}

/// Whether a delivery attempt was acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// The receiver answered 200, 201, 202 or 204.
    Succeeded,
    /// Any other answer, a timeout, or no connection.
    Failed,
}

/// Which deliveries [`FakeKlarna::deliveries_matching`](crate::FakeKlarna::deliveries_matching) lists;
/// every condition set must hold. The default lists every attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    webhook_id: Option<String>,
    event_type: Option<String>,
    outcome: Option<DeliveryOutcome>,
    event_id: Option<String>,
}

impl DeliveryFilter {
    /// Every attempt.
    pub fn new() -> DeliveryFilter {
        DeliveryFilter::default()
    }

    /// Attempts to this webhook.
    pub fn webhook(mut self, webhook_id: impl Into<String>) -> DeliveryFilter {
        self.webhook_id = Some(webhook_id.into());
        self
    }

    /// Attempts of this event type, or of the types a pattern ending in `*` matches (`payment.transaction.*`),
    /// as a webhook's `event_types` match.
    pub fn event_type(mut self, pattern: impl Into<String>) -> DeliveryFilter {
        self.event_type = Some(pattern.into());
        self
    }

    /// Attempts with this outcome.
    pub fn outcome(mut self, outcome: DeliveryOutcome) -> DeliveryFilter {
        self.outcome = Some(outcome);
        self
    }

    /// Attempts of one event (its `metadata.event_id`).
    pub fn event_id(mut self, event_id: impl Into<String>) -> DeliveryFilter {
        self.event_id = Some(event_id.into());
        self
    }

    /// Whether `delivery` passes every condition.
    pub fn accepts(&self, delivery: &Delivery) -> bool {
        self.webhook_id
            .as_ref()
            .is_none_or(|w| *w == delivery.webhook_id)
            && self
                .event_type
                .as_ref()
                .is_none_or(|p| event_type_matches(p, &delivery.event_type))
            && self
                .event_id
                .as_ref()
                .is_none_or(|e| *e == delivery.event_id)
            && self
                .outcome
                .is_none_or(|o| (o == DeliveryOutcome::Succeeded) == delivery.succeeded())
    }
}

/// A delivery that has not finished: not yet acknowledged and with retries left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PendingDelivery {
    /// The webhook it goes to.
    pub webhook_id: String,
    /// `metadata.event_id`.
    pub event_id: String,
    /// `metadata.event_type`.
    pub event_type: String,
    /// Attempts made so far (0: waiting behind earlier deliveries to the same webhook, or being sent).
    pub attempts: u32,
    /// Why the last attempt failed, when one did.
    pub last_error: Option<String>,
}

/// [`FakeKlarna::settle_deliveries`](crate::FakeKlarna::settle_deliveries) ran out of time: the
/// deliveries still under way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Unsettled {
    /// How long it waited.
    #[serde(serialize_with = "millis")]
    pub waited: std::time::Duration,
    /// What was still pending then.
    pub pending: Vec<PendingDelivery>,
}

fn millis<S: serde::Serializer>(d: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u128(d.as_millis())
}

impl std::fmt::Display for Unsettled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} webhook deliveries still pending after {:?}",
            self.pending.len(),
            self.waited
        )?;
        for p in &self.pending {
            write!(
                f,
                "\n  {} ({}) to {}: {} attempt(s)",
                p.event_type, p.event_id, p.webhook_id, p.attempts
            )?;
            if let Some(e) = &p.last_error {
                write!(f, ", last: {e}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Unsettled {}
