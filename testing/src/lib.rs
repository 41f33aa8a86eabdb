//! Test kit for Klarna Network integrations: a stateful fake Klarna ([`FakeKlarna`]) and typed stubs of every
//! operation ([`StubServer`]).
//!
//! [`FakeKlarna`] is an in-process HTTP server on loopback that behaves like Klarna Network for the flows a
//! partner tests, with the paths and JSON shapes of the SDK's specs:
//!
//! - **payment requests**: create, read, update, cancel, with the states `SUBMITTED → IN_PROGRESS →
//!   COMPLETED`, `CANCELED`, `DECLINED` and `EXPIRED` (48 hours after creation, driven by
//!   [`advance_time`](FakeKlarna::advance_time));
//! - **authorization**: `APPROVED`, `STEP_UP_REQUIRED` (a payment request for the customer) or `DECLINED`
//!   ([`next_authorization`](FakeKlarna::next_authorization) forces one), and the final authorization with
//!   the `Klarna-Network-Session-Token` of a completed request, which must repeat the approved amount;
//! - **payment transactions**: read, update, reauthorize, capture, refund and void, with amounts that stay
//!   consistent (no capture above what is left of the authorization, no refund above what was captured and
//!   not yet refunded) and the states `AUTHORIZED`, `EXPIRED`, `COMPLETED` and `CLOSED`;
//! - **signing keys and webhooks**: every state change is delivered to each enabled webhook whose
//!   `event_types` match (wildcards such as `payment.*` included), POSTed with `Klarna-Signature` (lowercase
//!   hex HMAC-SHA256 of the raw body) and `Klarna-Signing-Key-Id`, and retried with backoff on any answer
//!   but 200, 201, 202 or 204. [`deliveries`](FakeKlarna::deliveries) lists every attempt;
//! - **client certificates, mTLS and Portal deep links**: certificates issued from a CSR,
//!   `Klarna-Mtls-Verification-Status` on every response (the fake has no TLS:
//!   [`present_client_certificate`](FakeKlarna::present_client_certificate) says what the client presents),
//!   mTLS enforcement, signed deep-link JWTs checked, and the IP allow-list
//!   ([`set_allowed_ips`](FakeKlarna::set_allowed_ips));
//! - **Klarna's rules**: 401 without the fake's API key, idempotent replays on `Klarna-Idempotency-Key`
//!   (409 when a key comes back with a different request), and every refusal in Klarna's error shape
//!   (see [Refusals](#refusals));
//! - **everything else** answers from the specs' examples (cursor-paginated for list operations).
//!
//! # Refusals
//!
//! Whatever refuses a request answers with Klarna's error body (`error_id`, `error_type`, `error_code`,
//! `error_message`):
//!
//! - a body field that is missing, of the wrong type or outside its enum: `400` `INPUT_ERROR` /
//!   `VALIDATION_ERROR` with `validation_errors[].parameter` the field's JSON path in dot notation
//!   (`request_payment_transaction.amount`, `event_types[0]`) and a `reason` such as `is required`;
//! - a body that is not JSON: `400` `INVALID_CONTENT_TYPE`; a body sent with a content type other than
//!   `application/json` (or `multipart/form-data` to a file upload): `415` `INVALID_CONTENT_TYPE`;
//! - a body over [`MAX_REQUEST_BODY_BYTES`] (1 MiB): `413` `REQUEST_TOO_LARGE`, refused on its
//!   `Content-Length` before it is read, or as soon as it passes the limit;
//! - an unknown path: `404` `NOT_FOUND`; a known path with another method: `405` `METHOD_NOT_ALLOWED`
//!   with `Allow`.
//!
//! # Faults on demand
//!
//! [`FakeKlarna::inject`] makes chosen calls fail as Klarna or the network can: `429` with `Retry-After`,
//! `500`/`502`/`503`/`504`, Klarna's `TIMEOUT` error, a slow answer or a dropped connection; for one
//! operation (typed: `FaultRule::new(..).on::<stubs::payment::CapturePaymentTransaction>()`) or a
//! [`Resource`], the next N calls or a share of them (deterministic for a [seed](FakeKlarnaBuilder::seed)),
//! before the fake processes the call or after (the effect happens, the answer is lost):
//!
//! ```
//! # use klarna_testing::{FakeKlarna, Fault, FaultRule, stubs};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeKlarna::start().await?;
//! fake.inject(
//!     FaultRule::new(Fault::Timeout)
//!         .on::<stubs::payment::CapturePaymentTransaction>()
//!         .after_processing(),
//! )?;
//! // The SDK retries the capture with the same idempotency key; the fake replays the first answer,
//! // so the money is captured once.
//! # Ok(())
//! # }
//! ```
//!
//! # Reading the state
//!
//! [`payment_request`](FakeKlarna::payment_request) and [`transaction`](FakeKlarna::transaction) show
//! what the fake holds (a transaction's authorized, captured, refunded and remaining amounts);
//! [`pending_authorizations`](FakeKlarna::pending_authorizations) shows the queue of forced outcomes and
//! [`clear_authorizations`](FakeKlarna::clear_authorizations) empties it;
//! [`deliveries_matching`](FakeKlarna::deliveries_matching) filters webhook deliveries by webhook, event
//! type and outcome.
//!
//! # From any language
//!
//! The `klarna-fake` binary runs this fake as a local server, prints its base URL, API key and account id,
//! and serves the same controls over HTTP under `/__control/` (see the crate's README).
//!
//! # Quickstart
//!
//! ```
//! use klarna::payment::{AuthorizePaymentRequest, CapturePaymentTransactionRequest,
//!     CreatePaymentRequestRequest, PaymentRequestState, RequestPaymentTransaction};
//! use klarna_testing::FakeKlarna;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeKlarna::start().await?;
//! let client = fake.client();
//! let account = fake.account_id();
//!
//! // Your checkout creates a payment request...
//! let mut create = CreatePaymentRequestRequest::new("USD".to_string());
//! create.amount = Some(5_000);
//! let request = client.payment_requests().create(account, create).send().await?;
//! assert_eq!(request.state, PaymentRequestState::Submitted);
//!
//! // ...the customer approves it in Klarna's purchase journey...
//! let token = fake.complete_payment_request(&request.payment_request_id)?;
//!
//! // ...and your backend finalizes the authorization and captures.
//! let mut authorize = AuthorizePaymentRequest::new("USD".to_string());
//! authorize.request_payment_transaction = Some(RequestPaymentTransaction::new(5_000));
//! let authorized = client.authorization().authorize_payment(account, authorize)
//!     .klarna_network_session_token(token).send().await?;
//! let transaction = authorized.payment_transaction_response.as_ref()
//!     .and_then(|r| r.payment_transaction.as_ref()).expect("approved");
//! client.payment_transactions()
//!     .capture(account, transaction.payment_transaction_id.clone(),
//!              CapturePaymentTransactionRequest::new(5_000))
//!     .send().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The crate's `examples/checkout_test.rs` adds a webhook receiver that verifies each delivery with
//! `klarna_runtime::webhooks::verify` and the signing key created through the fake.
//!
//! # Typed stubs
//!
//! For unit tests that need one exact answer rather than a lifecycle, [`StubServer`] serves typed stubs of
//! every operation (generated per API, each API behind a cargo feature of its name): see [`stubs`].
//!
//! # What the fake does not do
//!
//! It delivers webhooks over plain HTTP to loopback only (a test's receiver), has no TLS, no rate limits of
//! its own (a fault rule plays one) and no fraud or amount rules beyond the ones above; disputes,
//! settlements, management and the other APIs answer with their spec examples and keep no state. A request
//! body's enum value the specs do not list is accepted, as the SDK's types accept it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

mod control;
mod control_error;
mod delivery;
mod fallback;
mod faults;
mod generated;
mod integration;
mod reply;
mod server;
mod shared;
mod state;
mod views;
// With no API feature there are no generated stubs, and the core they call goes unused.
#[cfg_attr(
    not(any(
        feature = "identity",
        feature = "interoperability",
        feature = "management",
        feature = "messaging",
        feature = "notification",
        feature = "payment"
    )),
    allow(dead_code, unused_imports)
)]
mod stub_server;
pub mod stubs;

pub use control_error::ControlError;
pub use delivery::{Delivery, WebhookRetry};
pub use faults::{Fault, FaultRule, FaultStatus, Resource, Timing};
pub use stubs::{Stub, StubServer};
pub use views::{
    CaptureView, DeliveryFilter, DeliveryOutcome, PaymentRequestView, PendingDelivery,
    TransactionView, Unsettled,
};

use faults::Faults;
use shared::Shared;
use state::{Job, State};

/// The largest request body the fake reads: 1 MiB. A larger one is refused with `413`
/// `REQUEST_TOO_LARGE` in Klarna's error shape. (Klarna documents no limit; its bodies are a few KiB.)
pub const MAX_REQUEST_BODY_BYTES: usize = 1 << 20;

/// The outcome the fake gives the next authorization (see [`FakeKlarna::next_authorization`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum AuthorizationOutcome {
    /// `APPROVED`: a payment transaction is created (and a customer token issued, when requested).
    Approved,
    /// `STEP_UP_REQUIRED`: the answer carries a new `SUBMITTED` payment request the customer must complete.
    StepUpRequired,
    /// `DECLINED`: nothing is created; a declined final authorization also declines its payment request.
    Declined,
}

impl AuthorizationOutcome {
    /// The wire value of `result` (`APPROVED`, `STEP_UP_REQUIRED`, `DECLINED`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorizationOutcome::Approved => "APPROVED",
            AuthorizationOutcome::StepUpRequired => "STEP_UP_REQUIRED",
            AuthorizationOutcome::Declined => "DECLINED",
        }
    }

    /// The outcome of a wire value (`APPROVED`, `STEP_UP_REQUIRED`, `DECLINED`).
    pub fn parse(text: &str) -> Option<AuthorizationOutcome> {
        [
            AuthorizationOutcome::Approved,
            AuthorizationOutcome::StepUpRequired,
            AuthorizationOutcome::Declined,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }
}

/// Configures a [`FakeKlarna`] before starting it.
#[derive(Clone, Debug, Default)]
pub struct FakeKlarnaBuilder {
    api_key: Option<String>,
    account_id: Option<String>,
    retry: WebhookRetry,
    seed: u64,
    control: bool,
    addr: Option<SocketAddr>,
}

impl FakeKlarnaBuilder {
    /// The API key the fake accepts (default: a fresh `klarna_test_api_...` key).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The KRN of the fake's own partner account, used by the paths without `/accounts/{id}` and as
    /// `recipient_account_id` in webhook events (default `krn:partner:global:account:test:FAKEKLARNA`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// How webhook deliveries are retried (default: [`WebhookRetry::default`]).
    pub fn webhook_retry(mut self, retry: WebhookRetry) -> Self {
        self.retry = retry;
        self
    }

    /// The seed of the generator that picks the share of calls a [`FaultRule::share`] strikes (default
    /// 0): the same seed and the same calls give the same faults.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Serves the test controls over HTTP under `/__control/` (off by default; the `klarna-fake` binary
    /// turns it on). See the crate's README for the routes.
    pub fn control_surface(mut self, on: bool) -> Self {
        self.control = on;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port on loopback).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// Binds (default: `127.0.0.1` on a free port) and starts serving. Needs a tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeKlarna> {
        let addr = self
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let api_key = self
            .api_key
            .unwrap_or_else(|| format!("klarna_test_api_{}", uuid::Uuid::new_v4().simple()));
        let account_id = self
            .account_id
            .unwrap_or_else(|| "krn:partner:global:account:test:FAKEKLARNA".to_owned());
        let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
        let now = time::OffsetDateTime::now_utc();
        let shared = Arc::new(Shared {
            api_key,
            account_id: account_id.clone(),
            base_url: base_url.clone(),
            retry: self.retry,
            control: self.control,
            state: Mutex::new(State {
                account_id,
                base_url: base_url.clone(),
                start_wall: now,
                start_instant: std::time::Instant::now(),
                offset: Duration::ZERO,
                requests: Default::default(),
                transactions: Default::default(),
                captures: Default::default(),
                refunds: Default::default(),
                session_tokens: Default::default(),
                finalized: Default::default(),
                idempotency: Default::default(),
                forced: Default::default(),
                signing_keys: Vec::new(),
                webhooks: Vec::new(),
                lists: Default::default(),
                integration: Default::default(),
                outbox: Vec::new(),
            }),
            deliveries: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::new(self.seed)),
            pending: Mutex::new(BTreeMap::new()),
            next_job: AtomicU64::new(0),
            idle: Notify::new(),
            jobs: tx,
        });
        let for_dispatch = Arc::clone(&shared);
        let dispatcher = tokio::spawn(async move {
            // One worker per webhook sends its deliveries in order, one at a time (a retried delivery
            // holds back the later ones of that webhook, not those of other webhooks).
            let mut workers = tokio::task::JoinSet::new();
            let mut queues: std::collections::HashMap<String, mpsc::UnboundedSender<Job>> =
                Default::default();
            while let Some(job) = rx.recv().await {
                let queue = queues.entry(job.webhook_id.clone()).or_insert_with(|| {
                    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
                    let shared = Arc::clone(&for_dispatch);
                    workers.spawn(async move {
                        while let Some(job) = rx.recv().await {
                            delivery::deliver(Arc::clone(&shared), job).await;
                        }
                    });
                    tx
                });
                if let Err(unsent) = queue.send(job) {
                    for_dispatch.finish_one(unsent.0.seq);
                }
            }
        });
        // The server runs until the fake is dropped (which aborts this task and its connections).
        let server = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(FakeKlarna {
            shared,
            base_url,
            server,
            dispatcher,
        })
    }
}

/// An offline, stateful Klarna on loopback. Stops when dropped. See the [crate docs](crate).
pub struct FakeKlarna {
    shared: Arc<Shared>,
    base_url: String,
    server: JoinHandle<()>,
    dispatcher: JoinHandle<()>,
}

impl std::fmt::Debug for FakeKlarna {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeKlarna")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeKlarna {
    fn drop(&mut self) {
        self.server.abort();
        self.dispatcher.abort();
    }
}

impl FakeKlarna {
    /// Starts a fake with the defaults (see [`FakeKlarnaBuilder`]).
    pub async fn start() -> std::io::Result<FakeKlarna> {
        FakeKlarna::builder().start().await
    }

    /// Configures a fake before starting it.
    pub fn builder() -> FakeKlarnaBuilder {
        FakeKlarnaBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, the base URL to point a client at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key the fake accepts, in `Authorization: Basic <key>` (or `Basic base64(":" + key)`).
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The KRN of the fake's own partner account (see [`FakeKlarnaBuilder::account_id`]). Any account id
    /// works in `/v2/accounts/{id}/...` paths; resources are only found under the account that made them.
    pub fn account_id(&self) -> &str {
        &self.shared.account_id
    }

    /// A client builder with the fake's base URL and API key, to adjust (retries, timeouts) and build.
    pub fn client_builder(&self) -> klarna::ClientBuilder<klarna::Client> {
        klarna::Client::builder()
            .api_key(self.api_key())
            .base_url(self.base_url())
    }

    /// A `klarna::Client` pointed at the fake.
    ///
    /// # Panics
    ///
    /// If the SDK refuses to build a client for the fake's loopback URL and generated key, which would be
    /// a bug in this crate or the SDK; use [`client_builder`](Self::client_builder) to get the error instead.
    pub fn client(&self) -> klarna::Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(e) => panic!(
                "klarna-testing: the SDK refused a client for the fake at {}: {e}",
                self.base_url
            ),
        }
    }

    /// The customer enters the purchase journey: `SUBMITTED → IN_PROGRESS` (no update is accepted after).
    pub fn open_payment_request(&self, payment_request_id: &str) -> Result<(), ControlError> {
        self.shared.control(|s| s.open_request(payment_request_id))
    }

    /// The customer approves the purchase: the request goes through `IN_PROGRESS` to `COMPLETED` and gets
    /// a `klarna_network_session_token` (returned here, also in `state_context` and in the
    /// `payment.request.state-change.completed` event) for the final authorization.
    pub fn complete_payment_request(
        &self,
        payment_request_id: &str,
    ) -> Result<String, ControlError> {
        self.shared
            .control(|s| s.complete_request(payment_request_id))
    }

    /// Klarna declines the purchase: an open request becomes `DECLINED`.
    pub fn decline_payment_request(&self, payment_request_id: &str) -> Result<(), ControlError> {
        self.shared
            .control(|s| s.decline_request(payment_request_id))
    }

    /// Forces the outcome of the next authorization call (queued: call it twice for two calls). Without
    /// one, a first authorization is `STEP_UP_REQUIRED` when it carries `step_up_config` and `APPROVED`
    /// otherwise, and a final authorization is `APPROVED`. See
    /// [`pending_authorizations`](Self::pending_authorizations) and
    /// [`clear_authorizations`](Self::clear_authorizations).
    pub fn next_authorization(&self, outcome: AuthorizationOutcome) {
        self.shared.lock().forced.push_back(outcome);
    }

    /// The forced authorization outcomes not used yet, the next first.
    pub fn pending_authorizations(&self) -> Vec<AuthorizationOutcome> {
        self.shared.lock().forced.iter().copied().collect()
    }

    /// Drops every forced authorization outcome not used yet (so none leaks into the next test step) and
    /// returns them, the next first.
    pub fn clear_authorizations(&self) -> Vec<AuthorizationOutcome> {
        self.shared.lock().forced.drain(..).collect()
    }

    /// A payment request as the fake holds it, under any account.
    pub fn payment_request(
        &self,
        payment_request_id: &str,
    ) -> Result<PaymentRequestView, ControlError> {
        self.shared.payment_request(payment_request_id)
    }

    /// A payment transaction's state and money: authorized, captured, refunded, remaining to capture,
    /// refundable, and each capture.
    pub fn transaction(
        &self,
        payment_transaction_id: &str,
    ) -> Result<TransactionView, ControlError> {
        self.shared.transaction(payment_transaction_id)
    }

    /// Moves the fake's clock forward and applies what falls due: open payment requests expire (48 hours,
    /// or the step-up's `payment_request_expires_at`), authorizations expire after 30 days and close (or
    /// complete, when partly captured) 7 days later, idempotency keys are forgotten after 24 hours.
    pub fn advance_time(&self, by: Duration) {
        let _ = self.shared.control(|s| {
            s.offset += by;
            s.sweep();
            Ok(())
        });
    }

    /// The fake's current time (wall clock plus every [`advance_time`](Self::advance_time)).
    pub fn now(&self) -> klarna::DateTime {
        klarna::DateTime::from(self.shared.lock().now())
    }

    /// Sets the items the paginated list operation `O` (a marker type of [`stubs`], for example
    /// `stubs::payment::ListPaymentDisputes`) pages through, instead of the spec example's items.
    pub fn set_list_items<O: stubs::Operation>(
        &self,
        items: Vec<serde_json::Value>,
    ) -> Result<(), ControlError> {
        self.set_list_items_by_id(O::OPERATION_ID, items)
    }

    /// [`set_list_items`](Self::set_list_items) for an `operationId` known only at run time (refused with
    /// [`ControlError::UnknownOperation`] when the specs have no such operation).
    pub fn set_list_items_by_id(
        &self,
        operation_id: &str,
        items: Vec<serde_json::Value>,
    ) -> Result<(), ControlError> {
        self.shared
            .control(|s| fallback::set_list(s, operation_id, items))
    }

    /// Installs a fault rule (see [Faults on demand](crate#faults-on-demand)) and returns its id. Rules
    /// are tried in the order they were installed; the first that aims at a call and has strikes left
    /// strikes it.
    pub fn inject(&self, rule: FaultRule) -> Result<u64, ControlError> {
        self.shared.inject(rule)
    }

    /// The installed fault rules with what is left of them (a counted rule goes once used up).
    pub fn faults(&self) -> Vec<FaultStatus> {
        self.shared.fault_list()
    }

    /// Removes one fault rule.
    pub fn remove_fault(&self, id: u64) -> Result<(), ControlError> {
        self.shared.remove_fault(id)
    }

    /// Removes every fault rule and says how many there were.
    pub fn clear_faults(&self) -> usize {
        self.shared.clear_faults()
    }

    /// Applies seed data, the format of `klarna-fake --seed-data FILE`: a JSON object with any of
    ///
    /// - `calls`: API calls made in order, each `{"method", "path", "body"}` (with the fake's key and a
    ///   JSON content type), for example to create a signing key, a webhook or payment requests; a call
    ///   that is refused stops the seeding with its answer;
    /// - `lists`: `{"<operationId>": [items]}` for [`set_list_items`](Self::set_list_items);
    /// - `authorizations`: forced outcomes (`"APPROVED"`, `"STEP_UP_REQUIRED"`, `"DECLINED"`);
    /// - `faults`: fault rules as `POST /__control/faults` takes them.
    ///
    /// Answers each call's `{"status", "body"}`.
    pub async fn seed(
        &self,
        data: &serde_json::Value,
    ) -> Result<Vec<serde_json::Value>, ControlError> {
        control::seed(&self.shared, data).await
    }

    /// Every webhook delivery attempt so far, in the order they finished.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.deliveries_matching(&DeliveryFilter::new())
    }

    /// The delivery attempts `filter` accepts (by webhook, event type, outcome, event), in the order they
    /// finished.
    pub fn deliveries_matching(&self, filter: &DeliveryFilter) -> Vec<Delivery> {
        self.shared.deliveries_matching(filter)
    }

    /// Waits until every delivery emitted so far has succeeded or used up its retries, for at most
    /// `within`; then says which deliveries are still pending (a receiver that hangs, or a retry schedule
    /// such as [`WebhookRetry::klarna`] that spans hours).
    pub async fn settle_deliveries(&self, within: Duration) -> Result<(), Unsettled> {
        self.shared.settle(within).await
    }
}
