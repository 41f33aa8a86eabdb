//! A vendor-neutral runtime for Rust clients generated from OpenAPI documents.
//!
//! This crate is hand-written and knows nothing about individual operations or any one API.
//! A generated crate builds a [`Request`] per operation and sends it through
//! [`Client::execute`], the one place where credentials, managed headers, idempotency keys,
//! retries, timeouts and tracing happen. What is particular to an API (its base URL, its
//! `securitySchemes`, the headers it wants on every call, its idempotency and correlation
//! headers, the shape of its error bodies) is told to the [`ClientBuilder`] by the generated
//! code or by a hand-written layer for that API.
//!
//! # Sending a request
//!
//! ```no_run
//! # async fn demo() -> Result<(), oapi_runtime::Error> {
//! use oapi_runtime::{Client, Method, Request, SecurityScheme};
//!
//! let client = Client::builder()
//!     .base_url("https://api.example.com/v1")
//!     .security_schemes(&[SecurityScheme::bearer("bearerAuth")])
//!     .bearer_token(std::env::var("EXAMPLE_TOKEN").unwrap_or_default())
//!     .idempotency_key_header("Idempotency-Key")
//!     .build()?;
//!
//! #[derive(serde::Serialize)]
//! struct NewPet { name: &'static str }
//! #[derive(serde::Deserialize, Debug)]
//! struct Pet { id: u64 }
//!
//! let request = Request::new("createPet", Method::POST, "/pets".to_owned())
//!     .security(&[&["bearerAuth"]])
//!     .json(&NewPet { name: "Rex" })
//!     .idempotent(); // one Idempotency-Key per call, reused on retries
//! let created = client.execute(request).await?.json::<Pet>()?;
//! println!("{}", created.id);
//! # Ok(()) }
//! ```
//!
//! # Defaults
//!
//! | setting | default |
//! |---|---|
//! | base URL | none: required |
//! | credentials | none; sent as the operation's `security` asks ([`auth`]) |
//! | attempts | 3 (1 + 2 retries), full-jitter backoff from 0.5 s, capped at 8 s |
//! | `Retry-After` | honoured, capped at 60 s |
//! | retry budget | 500 tokens, retry costs 5 (10 after a timeout), success refunds 1 |
//! | timeouts | connect 10 s, attempt 65 s, read (idle) 65 s, total 150 s |
//! | response body limit | 16 MiB |
//! | `User-Agent` | none, unless a product token or suffix is set |
//! | idempotency / correlation header | none, unless the API's layer names one |
//!
//! # Retries and idempotency
//!
//! See [`retry`] for exactly what is retried. A `POST` or `PATCH` is retried only when it
//! carries an idempotency key: generated code calls [`Request::idempotent`] for the operations
//! that take one, and the runtime sends a key under the header the API names
//! ([`ClientBuilder::idempotency_key_header`]), the same on every attempt of one call, a new
//! one for every new call. When a call fails and [`Error::may_have_been_sent`] is `true`, retry
//! it by hand with [`Error::idempotency_key`] ([`RequestOptions::set_idempotency_key`]).
//!
//! # What the runtime refuses
//!
//! - an `http://` base URL to a host other than loopback, unless
//!   [`ClientBuilder::allow_insecure_http`] is set;
//! - a credential for a security scheme the API does not declare;
//! - a call whose `security` alternatives the client has no credentials for;
//! - a pagination cursor the server already returned in the same stream, and more than
//!   [`pagination::MAX_CONSECUTIVE_EMPTY_PAGES`] empty pages in a row;
//! - a success response declared as something other than JSON where JSON is expected.
//!
//! Server text in errors is shown with control characters escaped; credentials, sensitive path
//! segments and headers ([`Request::sensitive_path_segments`], [`Request::sensitive_header`])
//! never reach `Debug` output or the `api.request` span.
//!
//! # Modules
//!
//! They import each other in one direction: configuration ([`Client`], [`ClientBuilder`]) →
//! [`auth`] and `headers` (what is sent) → `transport` (attempts, retries, timeouts) → `response`
//! → `error` at the bottom. A test (`tests/module_graph.rs`) fails on an import cycle.
//!
//! # TLS
//!
//! rustls with the `ring` provider (no aws-lc), the platform's root certificates, TLS 1.2+,
//! HTTP/1.1, and optional mTLS ([`Identity`]).

pub mod auth;
mod call;
mod client;
mod error;
pub mod form;
pub mod formats;
mod headers;
mod idempotency;
mod macros;
mod model;
mod nullable;
pub mod pagination;
pub mod param_style;
mod request;
mod response;
pub mod retry;
pub mod telemetry;
pub mod time;
mod transport;

/// Re-exports the generated crate's macros expand to, and the body of its `send()`; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::send;
    /// What the generated models' serde impls call.
    pub mod model {
        pub use crate::model::*;
    }
    pub use crate::telemetry::Redacted;
    pub use serde;
}

/// The `http` crate, re-exported so callers and generated code name the same `HeaderMap`.
pub use http;
pub use http::Method;

pub use auth::{ApiKeyLocation, Credential, SchemeKind, SecurityScheme};
pub use client::{
    Client, ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_READ_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, Identity,
};
pub use error::{Error, ErrorBody, ErrorKind, ParseErrorBody, TimeoutKind};
pub use formats::{Base64Bytes, Date, DateTime, Decimal, FormatError};
pub use headers::{RequestCheck, RequestFacts};
// Not inlined: the `uuid` crate's docs link relative to its own pages.
#[doc(no_inline)]
pub use formats::Uuid;
pub use nullable::Nullable;
pub use pagination::{paginate, paginate_pages, paginate_pages_counted};
pub use request::{Multipart, Request, RequestOptions, encode_path_segment, expand_path};
pub use response::{ByteStream, RawResponse, Response, StreamingResponse};
pub use retry::{RetryBudget, RetryPolicy};
pub use time::{Clock, Sleep, SleepFuture, SystemClock, TokioSleep};
