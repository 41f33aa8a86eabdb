//! The single error type returned by every call, and Klarna's error body.
//!
//! Every failure is an [`Error`]; [`Error::kind`] says which family it belongs to. Errors
//! that came from an HTTP response keep the status, the headers and Klarna's parsed error
//! body ([`ApiError`]), so callers can branch on [`ApiError::error_code`] (Klarna asks
//! integrators to use the code, not the message, for program logic).

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use crate::telemetry::RedactedHeaders;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of failure an [`Error`] is.
///
/// New kinds may be added in minor releases; match with a wildcard arm.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The connection could not be made, or broke while the request or response was in flight.
    Transport,
    /// A timeout fired; [`Error::timeout_kind`] says which one.
    Timeout,
    /// Klarna answered `429 Too Many Requests` (`ACCESS_ERROR` / `RATE_LIMITED`).
    RateLimited,
    /// Klarna answered with a non-success status (other than 409 and 429).
    Api,
    /// Klarna answered `409 Conflict` (`RESOURCE_CONFLICT`): an idempotency key still in
    /// flight, a concurrent update, or a state conflict.
    Conflict,
    /// A success response's body could not be decoded into the expected type.
    Deserialization,
    /// The request could not be built: invalid header value, body serialization failure,
    /// bad idempotency key or correlation id, ... Never sent.
    InvalidRequest,
    /// The client could not be configured (missing API key, bad base URL, bad mTLS identity, ...).
    Config,
    /// The response body exceeded the configured maximum size.
    BodyTooLarge,
    /// The server's answer broke the protocol the SDK expects (an unexpected redirect, a
    /// pagination cursor that does not advance, ...).
    UnexpectedResponse,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Api => "API error",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Deserialization => "deserialization error",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Config => "configuration error",
            ErrorKind::BodyTooLarge => "response body too large",
            ErrorKind::UnexpectedResponse => "unexpected response",
        })
    }
}

/// Which timeout fired, for errors of kind [`ErrorKind::Timeout`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeoutKind {
    /// Establishing the TCP/TLS connection took longer than the connect timeout.
    Connect,
    /// One attempt (send + full response) took longer than the attempt timeout.
    Attempt,
    /// The whole call, across all retries and backoff, took longer than the total timeout.
    Total,
    /// No data arrived on the connection for longer than the read (idle) timeout.
    Read,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Attempt => "attempt",
            TimeoutKind::Total => "total",
            TimeoutKind::Read => "read",
        })
    }
}

/// Klarna's JSON error body (`error_id`, `error_type`, `error_code`, `error_message`, ...).
///
/// Both documented shapes of field-level details are accepted: `validation_errors[]`
/// (`parameter`, `reason`, `doc_url`) and `errors[]` (`parameter`, `error_message`,
/// `doc_url`). Keys this version does not know are kept in [`ApiError::extra`].
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// Unique id of this error occurrence; quote it to Klarna support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Category such as `ACCESS_ERROR`, `TECHNICAL_ERROR`, `RESOURCE_ERROR`, `INPUT_ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Machine-readable code such as `VALIDATION_ERROR`, `RESOURCE_CONFLICT`, `TIMEOUT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Human-readable message, meant for developers, not for customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Link to documentation about this error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Field-level validation problems (`validation_errors[]` shape).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_errors: Vec<ValidationError>,
    /// Field-level problems (`errors[]` shape).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetail>,
    /// Any other keys of the error body.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// The error code, e.g. `"VALIDATION_ERROR"`.
    pub fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }

    /// The error type, e.g. `"INPUT_ERROR"`.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The error id to quote to Klarna support.
    pub fn error_id(&self) -> Option<&str> {
        self.error_id.as_deref()
    }

    /// The developer-facing message.
    pub fn error_message(&self) -> Option<&str> {
        self.error_message.as_deref()
    }

    /// Parses an error body; `None` when it is not a JSON object carrying at least one of
    /// Klarna's error fields.
    pub(crate) fn parse(body: &[u8]) -> Option<ApiError> {
        let trimmed = body.trim_ascii();
        if !trimmed.starts_with(b"{") {
            return None;
        }
        let parsed: ApiError = serde_json::from_slice(trimmed).ok()?;
        let known = parsed.error_id.is_some()
            || parsed.error_type.is_some()
            || parsed.error_code.is_some()
            || parsed.error_message.is_some()
            || !parsed.validation_errors.is_empty()
            || !parsed.errors.is_empty();
        known.then_some(parsed)
    }
}

/// One entry of `validation_errors[]`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// The offending parameter, in JSON dot notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Link to documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Any other keys.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One entry of `errors[]`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The offending parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// What is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Link to documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Any other keys.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The error returned by every fallible operation of the SDK.
///
/// Cheap to move (one box). `Display` gives a one-line summary that never includes the
/// API key, request headers or bodies; `Debug` redacts the same way.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    timeout_kind: Option<TimeoutKind>,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    api_error: Option<ApiError>,
    raw_body: Option<Bytes>,
    correlation_id: Option<String>,
    operation_id: Option<&'static str>,
    idempotency_key: Option<String>,
    attempts: u32,
    may_have_been_sent: bool,
    source: Option<BoxError>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                timeout_kind: None,
                status: None,
                headers: None,
                api_error: None,
                raw_body: None,
                correlation_id: None,
                operation_id: None,
                idempotency_key: None,
                attempts: 0,
                may_have_been_sent: false,
                source: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    pub(crate) fn invalid_request(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::InvalidRequest, message)
    }

    pub(crate) fn timeout(kind: TimeoutKind, may_have_been_sent: bool) -> Error {
        let mut e = Error::new(ErrorKind::Timeout, format!("{kind} timeout elapsed"));
        e.inner.timeout_kind = Some(kind);
        e.inner.may_have_been_sent = may_have_been_sent;
        e
    }

    /// Builds the error for a non-success HTTP response. `dropped_over` is the body size limit
    /// when the body was dropped for exceeding it (`body` is then empty).
    pub(crate) fn from_response(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        dropped_over: Option<usize>,
    ) -> Error {
        let api_error = ApiError::parse(&body);
        let kind = match status.as_u16() {
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            300..=399 => ErrorKind::UnexpectedResponse,
            _ => ErrorKind::Api,
        };
        let message = match &api_error {
            Some(api) => {
                let mut m = format!("Klarna returned {status}");
                let (t, c) = (
                    api.error_type().map(escape_control),
                    api.error_code().map(escape_control),
                );
                match (t, c) {
                    (Some(t), Some(c)) => m.push_str(&format!(" ({t}/{c})")),
                    (None, Some(c)) => m.push_str(&format!(" ({c})")),
                    (Some(t), None) => m.push_str(&format!(" ({t})")),
                    (None, None) => {}
                }
                if let Some(msg) = api.error_message() {
                    m.push_str(": ");
                    m.push_str(&escape_control(&truncate(msg, 300)));
                }
                if let Some(id) = api.error_id() {
                    m.push_str(&format!(" [error_id {}]", escape_control(id)));
                }
                m
            }
            None if dropped_over.is_some() => format!(
                "Klarna returned {status}; its body was dropped because it is larger than the limit of {} bytes",
                dropped_over.unwrap_or_default()
            ),
            None if body.is_empty() => format!("Klarna returned {status} with no body"),
            None => format!("Klarna returned {status} without a Klarna error object"),
        };
        let mut e = Error::new(kind, message);
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e.inner.api_error = api_error;
        e.inner.raw_body = Some(body);
        e.inner.may_have_been_sent = true;
        e
    }

    /// The error for a success response whose body is not what the operation expects: `source`
    /// is the decoding error, or `None` when the declared content type is not JSON.
    pub(crate) fn deserialization(
        source: Option<serde_json::Error>,
        response: crate::response::RawResponse,
    ) -> Error {
        let crate::response::RawResponse {
            status,
            headers,
            body,
            correlation_id,
            operation_id,
            attempts,
        } = response;
        let what = match &source {
            None => {
                let declared = headers
                    .get(http::header::CONTENT_TYPE)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .unwrap_or_default();
                format!(
                    "response Content-Type '{}' is not JSON",
                    escape_control(&truncate(&declared, 100))
                )
            }
            Some(_) if body.trim_ascii().is_empty() => "response body is empty".to_owned(),
            Some(source) => format!(
                "could not decode response body: {}",
                escape_control(&truncate(&source.to_string(), 300))
            ),
        };
        let mut e = Error::new(ErrorKind::Deserialization, what);
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e.inner.raw_body = Some(body);
        e.inner.correlation_id = correlation_id;
        e.inner.operation_id = (!operation_id.is_empty()).then_some(operation_id);
        // The response arrived, so the request was sent at least once.
        e.inner.attempts = attempts.max(1);
        e.inner.may_have_been_sent = true;
        if let Some(source) = source {
            e.inner.source = Some(Box::new(source));
        }
        e
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Error {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn with_sent(mut self, may_have_been_sent: bool) -> Error {
        self.inner.may_have_been_sent = may_have_been_sent;
        self
    }

    pub(crate) fn with_timeout_kind(mut self, kind: TimeoutKind) -> Error {
        self.inner.kind = ErrorKind::Timeout;
        self.inner.timeout_kind = Some(kind);
        self
    }

    /// Records the `Klarna-Idempotency-Key` the failed call was sent with.
    pub(crate) fn with_idempotency_key(mut self, key: Option<&str>) -> Error {
        self.inner.idempotency_key = key.map(str::to_owned);
        self
    }

    pub(crate) fn with_context(
        mut self,
        operation_id: &'static str,
        correlation_id: &str,
        attempts: u32,
    ) -> Error {
        self.inner.operation_id = Some(operation_id);
        if self.inner.correlation_id.is_none() {
            let echoed = self
                .inner
                .headers
                .as_ref()
                .and_then(|h| h.get(crate::CORRELATION_ID_HEADER))
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            self.inner.correlation_id =
                echoed.or_else(|| (!correlation_id.is_empty()).then(|| correlation_id.to_owned()));
        }
        self.inner.attempts = attempts;
        self
    }

    /// Which family of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// For [`ErrorKind::Timeout`]: which timeout fired.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        self.inner.timeout_kind
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// Klarna's parsed error body, when the response carried one. `None` for e.g. the
    /// bodiless 403 that Klarna's DDoS protection returns.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api_error.as_ref()
    }

    /// Shortcut for `api_error().and_then(|e| e.error_code())`.
    pub fn error_code(&self) -> Option<&str> {
        self.inner.api_error.as_ref().and_then(ApiError::error_code)
    }

    /// The response headers, when the error came from a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The raw response body, for errors that came from a response (API errors and
    /// deserialization failures). Not shown by `Debug` or `Display`.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.inner.raw_body.as_deref()
    }

    /// The response body parsed as `T`: the typed body of a documented error response. `None`
    /// when the error did not come from a response, or the body is not JSON of that shape.
    /// (Klarna's own error format is already parsed: see [`Error::api_error`].)
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.raw_body()?).ok()
    }

    /// The `Partner-Correlation-Id` of the call: the one Klarna echoed, or the one sent.
    pub fn correlation_id(&self) -> Option<&str> {
        self.inner.correlation_id.as_deref()
    }

    /// The operation id (e.g. `"createWebhook"`) of the failed call, when known.
    pub fn operation_id(&self) -> Option<&'static str> {
        self.inner.operation_id
    }

    /// How many attempts were made (0 when the request was never sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The `Klarna-Idempotency-Key` the failed call was sent with: the one the SDK generated
    /// for a `POST`/`PATCH`, or the caller's own. `None` when the call carried none (or was
    /// rejected before a key was chosen).
    ///
    /// When [`may_have_been_sent`](Self::may_have_been_sent) is `true`, Klarna may have
    /// acted on the call. Retry it by hand with this same key, so that Klarna returns the
    /// first call's result instead of acting twice (keys are honoured for 24 hours). With a
    /// generated request builder:
    ///
    /// ```text
    /// let retried = client.webhooks().create(request.clone())
    ///     .idempotency_key(err.idempotency_key().unwrap())
    ///     .send()
    ///     .await;
    /// ```
    ///
    /// With a runtime [`Request`](crate::Request):
    /// [`RequestOptions::set_idempotency_key`](crate::RequestOptions::set_idempotency_key).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.inner.idempotency_key.as_deref()
    }

    /// `true` once bytes of the request may have reached Klarna: any response, a timeout,
    /// or a connection that broke after it was established. `false` only when the SDK
    /// knows nothing was sent (invalid request, configuration, connection refused, ...).
    /// When `true` for a POST/PATCH, retry only with the same idempotency key.
    pub fn may_have_been_sent(&self) -> bool {
        self.inner.may_have_been_sent
    }

    /// Whether the SDK's default policy considers this failure retryable (connection
    /// errors, timeouts, 429, 500, 502, 503, 504 and Klarna's `TIMEOUT` code).
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited => true,
            ErrorKind::Api => {
                matches!(
                    self.inner.status.map(|s| s.as_u16()),
                    Some(500 | 502 | 503 | 504)
                ) || self.error_code() == Some("TIMEOUT")
            }
            _ => false,
        }
    }
}

/// `Debug` of an [`ApiError`] inside [`Error`]'s `Debug`: the documented fields, but only the
/// names of unknown keys (their values could echo request data).
struct ApiErrorSummary<'a>(&'a ApiError);

impl fmt::Debug for ApiErrorSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0;
        let mut d = f.debug_struct("ApiError");
        d.field("error_id", &a.error_id)
            .field("error_type", &a.error_type)
            .field("error_code", &a.error_code)
            .field("error_message", &a.error_message);
        if a.doc_url.is_some() {
            d.field("doc_url", &a.doc_url);
        }
        if !a.validation_errors.is_empty() {
            let params: Vec<_> = a
                .validation_errors
                .iter()
                .map(|v| (&v.parameter, &v.reason))
                .collect();
            d.field("validation_errors", &params);
        }
        if !a.errors.is_empty() {
            let params: Vec<_> = a
                .errors
                .iter()
                .map(|v| (&v.parameter, &v.error_message))
                .collect();
            d.field("errors", &params);
        }
        if !a.extra.is_empty() {
            d.field("extra_keys", &a.extra.keys().collect::<Vec<_>>());
        }
        d.finish()
    }
}

/// `s` with every control character (and the Unicode line and paragraph separators) escaped
/// as Rust does in `Debug` (`\n`, `\u{1b}`), so text taken from a server response cannot start a
/// new line or move the cursor in a log.
pub(crate) fn escape_control(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}...", &s[..end]))
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        write!(f, "{}: {}", i.kind, i.message)?;
        // The context, as "(operation X, N attempts, correlation id Y, ...)" with what is known.
        let mut sep = " (";
        let mut part = |f: &mut fmt::Formatter<'_>, args: fmt::Arguments<'_>| {
            f.write_str(sep)?;
            sep = ", ";
            f.write_fmt(args)
        };
        if let Some(op) = i.operation_id {
            part(f, format_args!("operation {op}"))?;
        }
        match i.attempts {
            0 => {}
            1 => part(f, format_args!("1 attempt"))?,
            n => part(f, format_args!("{n} attempts"))?,
        }
        if let Some(c) = &i.correlation_id {
            part(f, format_args!("correlation id {}", escape_control(c)))?;
        }
        if let Some(k) = &i.idempotency_key
            && i.may_have_been_sent
        {
            // The outcome is unknown or may change on a retry: say how to retry safely.
            let hint = if self.is_retryable() {
                "; retry with the same key"
            } else {
                ""
            };
            part(f, format_args!("idempotency key {k}{hint}"))?;
        }
        if sep == ", " {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind).field("message", &i.message);
        if let Some(t) = i.timeout_kind {
            d.field("timeout_kind", &t);
        }
        if let Some(s) = i.status {
            d.field("status", &s);
        }
        if let Some(a) = &i.api_error {
            d.field("api_error", &ApiErrorSummary(a));
        }
        if let Some(h) = &i.headers {
            d.field("headers", &RedactedHeaders(h));
        }
        if let Some(b) = &i.raw_body {
            d.field("raw_body_len", &b.len());
        }
        d.field("operation_id", &i.operation_id)
            .field("correlation_id", &i.correlation_id)
            .field("idempotency_key", &i.idempotency_key)
            .field("attempts", &i.attempts)
            .field("may_have_been_sent", &i.may_have_been_sent);
        if let Some(s) = &i.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
