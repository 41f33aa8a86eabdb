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
//!   (409 when a key comes back with a different request), 404 and 400 in Klarna's error shape;
//! - **everything else** answers from the specs' examples (cursor-paginated for list operations).
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
//! let request = client.payment_requests().create(&account, create).send().await?;
//! assert_eq!(request.state, PaymentRequestState::Submitted);
//!
//! // ...the customer approves it in Klarna's purchase journey...
//! let token = fake.complete_payment_request(&request.payment_request_id)?;
//!
//! // ...and your backend finalizes the authorization and captures.
//! let mut authorize = AuthorizePaymentRequest::new("USD".to_string());
//! authorize.request_payment_transaction = Some(RequestPaymentTransaction::new(5_000));
//! let authorized = client.authorization().authorize_payment(&account, authorize)
//!     .klarna_network_session_token(token).send().await?;
//! let transaction = authorized.payment_transaction_response.as_ref()
//!     .and_then(|r| r.payment_transaction.as_ref()).expect("approved");
//! client.payment_transactions()
//!     .capture(&account, transaction.payment_transaction_id.clone(),
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
//! It delivers webhooks over plain HTTP to loopback only (a test's receiver), has no TLS, no rate limits
//! and no fraud or amount rules beyond the ones above; disputes, settlements, management and the other
//! APIs answer with their spec examples and keep no state.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

mod fallback;
mod generated;
mod integration;
mod reply;
mod server;
mod state;
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
pub mod stubs;

pub use stubs::{Stub, StubServer};

use state::{Job, State};

/// The outcome the fake gives the next authorization (see [`FakeKlarna::next_authorization`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

/// How webhook deliveries are retried after a failed attempt.
///
/// Deliveries to one webhook are sent in the order the events happened, one at a time.
/// An attempt fails when the receiver answers anything but 200, 201, 202 or 204, does not answer within
/// the timeout, or cannot be reached. The fake's default retries six times after 50, 100, 200, 400, 800
/// and 1600 ms (Klarna's own schedule, [`WebhookRetry::klarna`], waits 10 s, 2 min, 15 min, 3 h, 6 h and
/// 12 h) and gives each attempt 5 seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRetry {
    delays: Vec<Duration>,
    timeout: Duration,
}

impl Default for WebhookRetry {
    fn default() -> Self {
        WebhookRetry {
            delays: [50, 100, 200, 400, 800, 1600]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
            timeout: Duration::from_secs(5),
        }
    }
}

impl WebhookRetry {
    /// Retries after each of `delays` in turn (so `delays.len() + 1` attempts in all).
    pub fn new(delays: Vec<Duration>) -> Self {
        WebhookRetry {
            delays,
            ..WebhookRetry::default()
        }
    }

    /// One attempt, no retry.
    pub fn none() -> Self {
        WebhookRetry::new(Vec::new())
    }

    /// Klarna's documented schedule: 10 s, 2 min, 15 min, 3 h, 6 h, 12 h.
    pub fn klarna() -> Self {
        WebhookRetry::new(
            [10, 120, 900, 3 * 3600, 6 * 3600, 12 * 3600]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
        )
    }

    /// How long one attempt may take (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The delays between attempts.
    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }
}

/// One webhook delivery attempt, as recorded by the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The webhook the event was delivered to.
    pub webhook_id: String,
    /// The URL that was called.
    pub url: String,
    /// `metadata.event_id`, the same on every attempt of one delivery.
    pub event_id: String,
    /// `metadata.event_type`.
    pub event_type: String,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
    /// The `Klarna-Signing-Key-Id` header sent.
    pub signing_key_id: String,
    /// The `Klarna-Signature` header sent.
    pub signature: String,
    /// The raw body sent (the signature covers exactly these bytes).
    pub body: Vec<u8>,
    /// The receiver's status code, when it answered.
    pub status: Option<u16>,
    /// Why the attempt got no answer, when it did not.
    pub error: Option<String>,
}

impl Delivery {
    /// Whether the receiver acknowledged the delivery (200, 201, 202 or 204).
    pub fn succeeded(&self) -> bool {
        matches!(self.status, Some(200 | 201 | 202 | 204))
    }

    /// The body parsed as JSON (`{"metadata": ..., "payload": ...}`), or `Null` if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The signature headers of the attempt, as a receiver saw them (for `webhooks::verify`).
    pub fn headers(&self) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        for (name, value) in [
            ("klarna-signing-key-id", &self.signing_key_id),
            ("klarna-signature", &self.signature),
        ] {
            if let Ok(v) = http::HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        }
        headers
    }
}

/// A test control was refused: the resource does not exist or the state machine does not allow the
/// change. The message says which and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlError(String);

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ControlError {}

pub(crate) struct Shared {
    pub(crate) api_key: String,
    pub(crate) retry: WebhookRetry,
    state: Mutex<State>,
    deliveries: Mutex<Vec<Delivery>>,
    pending: AtomicUsize,
    idle: Notify,
    jobs: mpsc::UnboundedSender<Job>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn send(&self, jobs: Vec<Job>) {
        for job in jobs {
            self.pending.fetch_add(1, Ordering::SeqCst);
            if self.jobs.send(job).is_err() {
                self.finish_one();
            }
        }
    }

    pub(crate) fn record(&self, delivery: Delivery) {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(delivery);
    }

    pub(crate) fn finish_one(&self) {
        if self.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_waiters();
        }
    }
}

/// Configures a [`FakeKlarna`] before starting it.
#[derive(Clone, Debug, Default)]
pub struct FakeKlarnaBuilder {
    api_key: Option<String>,
    account_id: Option<String>,
    retry: WebhookRetry,
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

    /// Binds `127.0.0.1` on a free port and starts serving. Needs a tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeKlarna> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
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
            retry: self.retry,
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
            pending: AtomicUsize::new(0),
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
                            server::deliver(Arc::clone(&shared), job).await;
                        }
                    });
                    tx
                });
                if let Err(unsent) = queue.send(job) {
                    drop(unsent);
                    for_dispatch.finish_one();
                }
            }
        });
        let router = axum::Router::new()
            .fallback(server::handle)
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            // The server runs until the fake is dropped (which aborts this task).
            let _ = axum::serve(listener, router).await;
        });
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
    pub fn account_id(&self) -> String {
        self.shared.lock().account_id.clone()
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

    fn control<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, String>,
    ) -> Result<T, ControlError> {
        let mut state = self.shared.lock();
        let result = f(&mut state);
        let jobs = std::mem::take(&mut state.outbox);
        drop(state);
        self.shared.send(jobs);
        result.map_err(ControlError)
    }

    /// The customer enters the purchase journey: `SUBMITTED → IN_PROGRESS` (no update is accepted after).
    pub fn open_payment_request(&self, payment_request_id: &str) -> Result<(), ControlError> {
        self.control(|s| s.open_request(payment_request_id))
    }

    /// The customer approves the purchase: the request goes through `IN_PROGRESS` to `COMPLETED` and gets
    /// a `klarna_network_session_token` (returned here, also in `state_context` and in the
    /// `payment.request.state-change.completed` event) for the final authorization.
    pub fn complete_payment_request(
        &self,
        payment_request_id: &str,
    ) -> Result<String, ControlError> {
        self.control(|s| s.complete_request(payment_request_id))
    }

    /// Klarna declines the purchase: an open request becomes `DECLINED`.
    pub fn decline_payment_request(&self, payment_request_id: &str) -> Result<(), ControlError> {
        self.control(|s| s.decline_request(payment_request_id))
    }

    /// Forces the outcome of the next authorization call (queued: call it twice for two calls). Without
    /// one, a first authorization is `STEP_UP_REQUIRED` when it carries `step_up_config` and `APPROVED`
    /// otherwise, and a final authorization is `APPROVED`.
    pub fn next_authorization(&self, outcome: AuthorizationOutcome) {
        self.shared.lock().forced.push_back(outcome);
    }

    /// Moves the fake's clock forward and applies what falls due: open payment requests expire (48 hours,
    /// or the step-up's `payment_request_expires_at`), authorizations expire after 30 days and close (or
    /// complete, when partly captured) 7 days later, idempotency keys are forgotten after 24 hours.
    pub fn advance_time(&self, by: Duration) {
        let _ = self.control(|s| {
            s.offset += by;
            s.sweep();
            Ok(())
        });
    }

    /// The fake's current time (wall clock plus every [`advance_time`](Self::advance_time)).
    pub fn now(&self) -> klarna::DateTime {
        klarna::DateTime::from(self.shared.lock().now())
    }

    /// Sets the items a paginated list operation without a state model pages through (for example
    /// `listPaymentDisputes`), instead of the spec example's items.
    pub fn set_list_items(
        &self,
        operation_id: &str,
        items: Vec<serde_json::Value>,
    ) -> Result<(), ControlError> {
        self.control(|s| fallback::set_list(s, operation_id, items))
    }

    /// Every webhook delivery attempt so far, in the order they finished.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared
            .deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until every delivery emitted so far has succeeded or used up its retries.
    pub async fn settle_deliveries(&self) {
        loop {
            let idle = self.shared.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            if self.shared.pending.load(Ordering::SeqCst) == 0 {
                return;
            }
            idle.await;
        }
    }
}
