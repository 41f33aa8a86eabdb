//! Runtime of the Klarna Network (v2) Rust SDK: Klarna's layer on the neutral core
//! [`oapi_runtime`].
//!
//! The core (transport, retries, timeouts, idempotency, pagination, errors, telemetry) knows no
//! vendor; this crate adds what is Klarna's: [`Environment`] and its base URLs, the test/live
//! key checks, Klarna's managed headers (`Partner-Correlation-Id`, `Klarna-Idempotency-Key`,
//! `Klarna-Integration-Metadata`), Klarna's error body ([`ApiError`]), webhook signatures
//! ([`webhooks`]), and, behind the `onboarding` feature, the onboarding helpers. It re-exports
//! the core's types, so [`Client`], [`Request`], [`Error`] and the rest are named from here as
//! before. The generated crate `klarna` builds a [`Request`] per operation and sends it through
//! [`Client::execute`]; this crate is useful on its own for webhook verification and for
//! calling operations the generated crate does not cover yet.
//!
//! # Sending a request
//!
//! ```no_run
//! # async fn demo() -> Result<(), klarna_runtime::Error> {
//! use klarna_runtime::{Environment, Method, Request, RequestOptions};
//!
//! let client = klarna_runtime::builder()
//!     .api_key(std::env::var("KLARNA_API_KEY").unwrap_or_default())
//!     .environment(Environment::Test)
//!     .build()?;
//!
//! #[derive(serde::Serialize)]
//! struct NewSigningKey {}
//! #[derive(serde::Deserialize, Debug)]
//! struct SigningKey { signing_key_id: String }
//!
//! let mut options = RequestOptions::new();
//! options.set_correlation_id("order4711");
//! let request = Request::new("createSigningKey", Method::POST, "/v2/notification/signing-keys".to_owned())
//!     .json(&NewSigningKey {})
//!     .idempotent() // one Klarna-Idempotency-Key per call, reused on retries
//!     .options(options);
//! let created = client.execute(request).await?.json::<SigningKey>()?;
//! println!("{} (correlation id {:?})", created.signing_key_id, created.correlation_id());
//! # Ok(()) }
//! ```
//!
//! # Handling errors
//!
//! ```no_run
//! # async fn demo(client: klarna_runtime::Client, request: klarna_runtime::Request) {
//! use klarna_runtime::{ApiErrorExt as _, ErrorKind};
//! match client.execute(request).await {
//!     Ok(resp) => println!("status {}", resp.status()),
//!     Err(e) if e.kind() == ErrorKind::Conflict => println!("conflict: {e}"),
//!     Err(e) if e.error_code() == Some("VALIDATION_ERROR") => {
//!         for v in &e.api_error().unwrap().validation_errors {
//!             println!("{:?}: {:?}", v.parameter, v.reason);
//!         }
//!     }
//!     Err(e) => println!("failed (may have been sent: {}): {e}", e.may_have_been_sent()),
//! }
//! # }
//! ```
//!
//! # Verifying a webhook
//!
//! ```
//! use klarna_runtime::webhooks::{self, SigningKeys};
//! let keys = SigningKeys::new().with_key("krn:partner:global:notification:signing-key:1", "secret");
//! let body = br#"{"metadata":{"event_type":"payment.request.state-change.completed","event_id":"e1","event_version":"v2","occurred_at":"2025-01-01T00:00:00Z"},"payload":{}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("Klarna-Signing-Key-Id", "krn:partner:global:notification:signing-key:1".parse().unwrap());
//! headers.insert("Klarna-Signature", webhooks::compute_signature("secret", body).parse().unwrap());
//! let event = webhooks::verify(body, &headers, &keys).unwrap();
//! assert_eq!(event.metadata.event_type, "payment.request.state-change.completed");
//! ```
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | environment | [`Environment::Test`] |
//! | `Authorization` | `Basic <API key>` ([`AuthStyle::Raw`]) |
//! | `Partner-Correlation-Id` | a fresh id per call, unless set ([`RequestOptions::set_correlation_id`]) |
//! | attempts | 3 (1 + 2 retries), full-jitter backoff from 0.5 s, capped at 8 s |
//! | `Retry-After` | honoured, capped at 60 s |
//! | retry budget | 500 tokens, retry costs 5 (10 after a timeout), success refunds 1 |
//! | timeouts | connect 10 s, attempt 65 s, read (idle) 65 s, total 150 s |
//! | response body limit | 16 MiB |
//! | `User-Agent` | `klarna-rust/<version>` plus an optional suffix |
//!
//! # Retries and idempotency
//!
//! See [`retry`] for exactly what is retried. A `POST` or `PATCH` is retried only when it
//! carries a `Klarna-Idempotency-Key` (generated code calls [`Request::idempotent`] for
//! those operations, or the caller sets one with [`RequestOptions::set_idempotency_key`]).
//! The same key is sent on every attempt of one call; every new call gets a new key.
//!
//! When a call fails and [`Error::may_have_been_sent`] is `true`, Klarna may have acted on it:
//! retry it by hand with the key it was sent with, [`Error::idempotency_key`] (its `Display`
//! names it too), and Klarna answers with the first call's result instead of acting twice. With a
//! generated builder that is `.idempotency_key(err.idempotency_key().unwrap())`; with a
//! [`Request`]:
//!
//! ```no_run
//! # async fn demo(client: klarna_runtime::Client) -> Result<(), klarna_runtime::Error> {
//! use klarna_runtime::{Method, Request, RequestOptions};
//! let create = || {
//!     Request::new("createSigningKey", Method::POST, "/v2/notification/signing-keys".to_owned())
//!         .json(&serde_json::json!({}))
//!         .idempotent()
//! };
//! let created = match client.execute(create()).await {
//!     Err(err) if err.may_have_been_sent() && err.idempotency_key().is_some() => {
//!         let mut options = RequestOptions::new();
//!         options.set_idempotency_key(err.idempotency_key().unwrap());
//!         client.execute(create().options(options)).await?
//!     }
//!     other => other?,
//! };
//! # let _ = created; Ok(()) }
//! ```
//!
//! # Klarna's rules behind the defaults
//!
//! Each row names the Klarna page it comes from (docs.klarna.com, Klarna Network Distribution,
//! "Integration resilience" unless said otherwise).
//!
//! | rule | what the runtime does | source |
//! |---|---|---|
//! | `Klarna-Idempotency-Key` on every `POST` and `PATCH`, a UUIDv5, honoured for 24 hours; a repeat returns the first result | one v5 key per call, reused on every retry of that call | [Idempotency](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency) |
//! | every API has a 59 s idle timeout (some operations less); on it Klarna answers `500` `TECHNICAL_ERROR`/`TIMEOUT`, safe to retry | attempt and read timeouts of 65 s; `TIMEOUT` is retried | [Request timeout](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/request-timeout) |
//! | errors are 4xx/5xx with `error_id`, `error_type`, `error_code`, `error_message`, `doc_url`; branch on `error_code` | [`ApiError`], every field optional | [Error handling](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/error-handling) |
//! | a rate-limited call gets `429` `ACCESS_ERROR`/`RATE_LIMITED`; quotas are per data centre, at the Acquiring Partner and the Partner level; no rate-limit response header is documented for Klarna Network | `429` is retried with backoff, `Retry-After` honoured when present | [Rate limiting](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/rate-limiting) |
//! | a request body over 1 MB is refused with `413`; one header (name and value) may be at most 6 KB, all headers together 20 KB; send no headers the API does not specify beyond the standard ones (e.g. tracing headers of observability agents) | sends `Authorization`, `Accept`, `Content-Type`, `User-Agent`, the operation's documented headers and what the caller sets, nothing else; a `413` is not retried | [Request limits](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/request-limits) |
//! | a DDoS protection rule answers `403` without an error body | the error has no [`ApiError`] | [Security](https://docs.klarna.com/api/kn/security) |
//! | `Authorization: Basic <API key>`; keys are `klarna_live_api_…` / `klarna_test_api_…`, each environment has its own base URL and keys | [`AuthStyle::Raw`]; a key of the other environment, and a client identifier (`klarna_…_client_…`, Web SDK only) given as the key, are refused | [Manage your API credentials](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/account-configuration/manage-your-api-credentials) |
//! | webhooks: `Klarna-Signature` is the HMAC-SHA256 of the raw body under the key named by `Klarna-Signing-Key-Id`; answer `400` on a mismatch and `200`/`201`/`202`/`204` at once otherwise; retries after 10 s, 2 min, 15 min, 3 h, 6 h, 12 h; no timestamp is signed | [`webhooks::verify`]; deduplicate on `metadata.event_id` | [Set up your webhooks](https://docs.klarna.com/klarna-network-distribution/setup-your-integration/connection-configuration/setup-your-webhooks) |
//!
//! # What the runtime refuses
//!
//! - an `http://` base URL to a host other than loopback, unless
//!   [`ClientBuilder::allow_insecure_http`] is set;
//! - a `klarna_live_` key with the test environment and a `klarna_test_` key with the live one,
//!   also when a base URL is set;
//! - a pagination cursor the server already returned in the same stream, and more than
//!   [`pagination::MAX_CONSECUTIVE_EMPTY_PAGES`] empty pages in a row;
//! - a success response declared as something other than JSON where JSON is expected;
//! - a blank webhook signing secret, and a delivery with a repeated signature or key id header.
//!
//! Server text in errors (`error_message`, codes, ids) is shown with control characters
//! escaped; sensitive path segments and headers ([`Request::sensitive_path_segments`],
//! [`Request::sensitive_header`]) never reach `Debug` output or the `api.request` span.
//!
//! # TLS
//!
//! rustls with the `aws-lc-rs` provider (the post-quantum `X25519MLKEM768` key exchange preferred; it
//! needs a C compiler to build, as most `-sys` crates do), the platform's root certificates, TLS 1.2+,
//! HTTP/1.1, and optional mTLS ([`Identity`]).

mod client;
mod error;
mod ext;
mod metadata;
pub mod mtls;
#[cfg(feature = "onboarding")]
pub mod onboarding;
#[cfg(feature = "credentials")]
pub mod portal;
pub mod webhook_rules;
pub mod webhooks;

/// Re-exports the generated crate's macros expand to, and the body of its `send()`; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use oapi_runtime::__private::*;
}

#[doc(hidden)]
pub use oapi_runtime::{
    __int_enum, __ok, __request_options as __core_request_options, __string_enum, __struct_serde,
};

/// The neutral core this crate is built on.
pub use oapi_runtime;

/// The `http` crate, re-exported so callers and generated code name the same `HeaderMap`.
pub use oapi_runtime::http;
pub use oapi_runtime::http::Method;
// Not inlined: the core documents these modules (inlining them here copies the `uuid` and `time` crates'
// docs, whose relative links then point nowhere).
#[doc(no_inline)]
pub use oapi_runtime::{form, formats, pagination, param_style, retry, time};

pub use client::{AuthStyle, ClientBuilder, Environment, LIVE_BASE_URL, TEST_BASE_URL, builder};
pub use error::{ApiError, ApiErrorExt, ErrorDetail, ValidationError};
pub use ext::{RequestOptionsExt, ResponseExt};
pub use metadata::{IntegrationMetadata, Integrator, Originator};
// Not inlined: the `uuid` crate's docs link relative to its own pages.
#[doc(no_inline)]
pub use oapi_runtime::Uuid;
pub use oapi_runtime::{
    Base64Bytes, ByteStream, Client, Clock, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_BODY_SIZE, DEFAULT_READ_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, Date, DateTime, Decimal,
    Error, ErrorKind, FormatError, Identity, Multipart, Nullable, RawResponse, Request,
    RequestOptions, Response, RetryBudget, RetryPolicy, Sleep, SleepFuture, StreamingResponse,
    SystemClock, TimeoutKind, TokioSleep, encode_path_segment, expand_path, paginate,
    paginate_pages, paginate_pages_counted,
};

/// `Partner-Correlation-Id` (lowercase, as `http` stores header names).
pub const CORRELATION_ID_HEADER: &str = "partner-correlation-id";
/// `Klarna-Idempotency-Key`.
pub const IDEMPOTENCY_KEY_HEADER: &str = "klarna-idempotency-key";
/// `Klarna-Integration-Metadata`.
pub const INTEGRATION_METADATA_HEADER: &str = "klarna-integration-metadata";
/// Header with the mTLS verification result (`NOT_PRESENT`, `VALID`, `INVALID`).
pub const MTLS_VERIFICATION_STATUS_HEADER: &str = "klarna-mtls-verification-status";
/// Header with the IP allow-list result (`ALLOWED`, `DENIED`, `INVALID`).
pub const IP_VALIDATION_STATUS_HEADER: &str = "klarna-ip-validation-status";

/// The SDK's `User-Agent` product token, `klarna-rust/<version>`.
pub const USER_AGENT: &str = concat!("klarna-rust/", env!("CARGO_PKG_VERSION"));

/// Implements the per-request option setters of a generated Klarna request builder: the core's
/// (`timeout`, `attempt_timeout`, `retry_policy`, `header`, `options`) and Klarna's
/// (`correlation_id`, `integration_metadata`). Leading attributes go on the impls.
#[doc(hidden)]
#[macro_export]
macro_rules! __request_options {
    ($(#[$attr:meta])* $builder:ident) => {
        $crate::__core_request_options!($(#[$attr])* $builder);

        $(#[$attr])*
        impl $builder {
            /// Sets the `Partner-Correlation-Id` (letters and digits, at most 255) instead of a generated one.
            #[inline]
            pub fn correlation_id(mut self, id: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.options.set_correlation_id(id);
                self
            }

            /// Sets the `Klarna-Integration-Metadata` for this call instead of the client's.
            #[inline]
            pub fn integration_metadata(mut self, metadata: $crate::IntegrationMetadata) -> Self {
                <$crate::RequestOptions as $crate::RequestOptionsExt>::set_integration_metadata(&mut self.options, metadata);
                self
            }
        }
    };
}
