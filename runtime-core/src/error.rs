//! The single error type returned by every call.
//!
//! Every failure is an [`Error`]; [`Error::kind`] says which family it belongs to. Errors
//! that came from an HTTP response keep the status, the headers, the raw body and, when the
//! client knows the API's error format, its parsed error body ([`ErrorBody`]), so callers can
//! branch on [`Error::error_code`].

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::telemetry::{RedactedHeaders, escape_control, truncate};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What [`Error::deserialization`] keeps of a success response whose body did not decode.
pub(crate) struct ResponseParts {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) correlation_id: Option<String>,
    pub(crate) operation_id: &'static str,
    pub(crate) attempts: u32,
}

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
    /// The server answered `429 Too Many Requests`.
    RateLimited,
    /// The server answered with a non-success status (other than 409 and 429).
    Api,
    /// The server answered `409 Conflict`: e.g. an idempotency key still in flight, a
    /// concurrent update, or a state conflict.
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
    /// The server's answer broke the protocol the SDK expects (an unexpected redirect, a final
    /// status that is neither success nor error, a pagination cursor that does not advance, ...).
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

/// A vendor's parsed error body, plugged into [`Error`] by the layer that knows the API's error
/// format (see [`ClientBuilder::error_body`](crate::ClientBuilder::error_body)).
///
/// The core assumes no shape: it asks the body for a machine-readable code, a one-line summary for
/// `Display`, and whether the code marks a failure worth retrying. Read the concrete type back with
/// [`Error::error_body`].
pub trait ErrorBody: std::any::Any + fmt::Debug + Send + Sync {
    /// The machine-readable error code, when the body carries one.
    fn code(&self) -> Option<&str> {
        None
    }

    /// Appends a one-line summary to an error message (e.g. `" (TYPE/CODE): message"`); text taken
    /// from the server should be passed through [`escape_control`](crate::telemetry::escape_control).
    fn summarize(&self, message: &mut String) {
        let _ = message;
    }

    /// Whether the body says the failure is transient (a retry may succeed), beyond the statuses
    /// the core already retries.
    fn is_retryable(&self) -> bool {
        false
    }

    /// `Debug` of the body inside [`Error`]'s `Debug`; the default is the type's own `Debug`. A body
    /// that may echo request data should show less.
    fn fmt_debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Parses a non-success response's body into the vendor's error body; `None` when the body is not
/// of that shape.
pub type ParseErrorBody = fn(&[u8]) -> Option<Box<dyn ErrorBody>>;

/// `Debug` of an [`ErrorBody`] through [`ErrorBody::fmt_debug`].
struct BodyDebug<'a>(&'a dyn ErrorBody);

impl fmt::Debug for BodyDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_debug(f)
    }
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
    body: Option<Box<dyn ErrorBody>>,
    raw_body: Option<Bytes>,
    correlation_id: Option<String>,
    operation_id: Option<&'static str>,
    idempotency_key: Option<String>,
    attempts: u32,
    may_have_been_sent: bool,
    source: Option<BoxError>,
}

impl Error {
    /// An error of `kind` with `message` (for layers on top of the core, and hand-written code
    /// that reports through the same type).
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                timeout_kind: None,
                status: None,
                headers: None,
                body: None,
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

    /// A [`ErrorKind::Config`] error.
    pub fn config(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    /// An [`ErrorKind::InvalidRequest`] error.
    pub fn invalid_request(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::InvalidRequest, message)
    }

    pub(crate) fn timeout(kind: TimeoutKind, may_have_been_sent: bool) -> Error {
        let mut e = Error::new(ErrorKind::Timeout, format!("{kind} timeout elapsed"));
        e.inner.timeout_kind = Some(kind);
        e.inner.may_have_been_sent = may_have_been_sent;
        e
    }

    /// Builds the error for a non-success HTTP response. `dropped_over` is the body size limit
    /// when the body was dropped for exceeding it (`body` is then empty). `parse` reads the API's
    /// error body, when the client knows its format; `server` names the server in the message
    /// ("the server", or a vendor's name given by its layer).
    pub(crate) fn from_response(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        dropped_over: Option<usize>,
        parse: Option<ParseErrorBody>,
        server: &str,
    ) -> Error {
        let parsed = parse.and_then(|parse| parse(&body));
        let kind = match status.as_u16() {
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            400..=599 => ErrorKind::Api,
            // A redirect (never followed), an informational status as the final answer (a
            // `101` nobody asked for), or a status outside HTTP's classes (`600`-`999`).
            _ => ErrorKind::UnexpectedResponse,
        };
        let message = match &parsed {
            Some(b) => {
                let mut m = format!("{server} returned {status}");
                b.summarize(&mut m);
                m
            }
            None if dropped_over.is_some() => format!(
                "{server} returned {status}; its body was dropped because it is larger than the limit of {} bytes",
                dropped_over.unwrap_or_default()
            ),
            None if body.is_empty() => format!("{server} returned {status} with no body"),
            None if parse.is_some() => format!(
                "{server} returned {status} with a body that is not its error format {}",
                body_summary(&headers, &body)
            ),
            None => format!(
                "{server} returned {status} {}",
                body_summary(&headers, &body)
            ),
        };
        let mut e = Error::new(kind, message);
        e.inner.status = Some(status);
        e.inner.headers = Some(headers);
        e.inner.body = parsed;
        e.inner.raw_body = Some(body);
        e.inner.may_have_been_sent = true;
        e
    }

    /// The error for a success response whose body is not what the operation expects: `source`
    /// is the decoding error, or `None` when the declared content type is not JSON.
    pub(crate) fn deserialization(
        source: Option<serde_json::Error>,
        response: ResponseParts,
    ) -> Error {
        let ResponseParts {
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

    /// Sets the underlying cause ([`std::error::Error::source`]).
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Error {
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

    /// Records the idempotency key the failed call was sent with.
    pub(crate) fn with_idempotency_key(mut self, key: Option<&str>) -> Error {
        self.inner.idempotency_key = key.map(str::to_owned);
        self
    }

    /// Adds what is known about the call: its operation id, the correlation id it was sent with
    /// (empty when none) and the header the server echoes it in, and the attempts made.
    pub(crate) fn with_context(
        mut self,
        operation_id: &'static str,
        correlation_id: &str,
        correlation_header: Option<&http::HeaderName>,
        attempts: u32,
    ) -> Error {
        self.inner.operation_id = Some(operation_id);
        if self.inner.correlation_id.is_none() {
            let echoed = self
                .inner
                .headers
                .as_ref()
                .zip(correlation_header)
                .and_then(|(h, name)| h.get(name))
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

    /// The API's parsed error body as `T`, the type its layer plugged in (see [`ErrorBody`]);
    /// `None` when the response carried none, it did not parse, or it is of another type.
    pub fn error_body<T: ErrorBody>(&self) -> Option<&T> {
        let body: &dyn std::any::Any = self.inner.body.as_deref()?;
        body.downcast_ref::<T>()
    }

    /// The parsed error body, whatever its type.
    pub fn error_body_dyn(&self) -> Option<&dyn ErrorBody> {
        self.inner.body.as_deref()
    }

    /// The error code of the parsed error body ([`ErrorBody::code`]), e.g. `"VALIDATION_ERROR"`.
    pub fn error_code(&self) -> Option<&str> {
        self.inner.body.as_deref().and_then(ErrorBody::code)
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
    /// (The API's common error format, when its layer knows it, is already parsed: see
    /// [`Error::error_body`].)
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.raw_body()?).ok()
    }

    /// The correlation id of the call, when the API has a correlation header: the one the server
    /// echoed, or the one sent.
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

    /// The idempotency key the failed call was sent with: the one the runtime generated for an
    /// idempotent operation, or the caller's own. `None` when the call carried none (the API
    /// names no idempotency header, or the call was rejected before a key was chosen).
    ///
    /// When [`may_have_been_sent`](Self::may_have_been_sent) is `true`, the server may have
    /// acted on the call. Retry it by hand with this same key, so that the server returns the
    /// first call's result instead of acting twice. With a generated request builder:
    ///
    /// ```text
    /// let retried = client.webhooks().create(request.clone())
    ///     .idempotency_key(err.idempotency_key().unwrap())
    ///     .send()
    ///     .await;
    /// ```
    ///
    /// With a runtime [`Request`](super::Request):
    /// [`RequestOptions::set_idempotency_key`](crate::RequestOptions::set_idempotency_key).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.inner.idempotency_key.as_deref()
    }

    /// `true` once bytes of the request may have reached the server: any response, a timeout,
    /// or a connection that broke after it was established. `false` only when the SDK
    /// knows nothing was sent (invalid request, configuration, connection refused, ...).
    /// When `true` for a POST/PATCH, retry only with the same idempotency key.
    pub fn may_have_been_sent(&self) -> bool {
        self.inner.may_have_been_sent
    }

    /// Whether the default policy considers this failure retryable (connection errors,
    /// timeouts, 429, 500, 502, 503, 504, and an error body that says so, see
    /// [`ErrorBody::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited => true,
            ErrorKind::Api => {
                matches!(
                    self.inner.status.map(|s| s.as_u16()),
                    Some(500 | 502 | 503 | 504)
                ) || self
                    .inner
                    .body
                    .as_deref()
                    .is_some_and(ErrorBody::is_retryable)
            }
            _ => false,
        }
    }
}

impl Error {
    /// The innermost error of the [`source`](std::error::Error::source) chain, as text, when the
    /// message does not already say it: what actually went wrong underneath (`Connection refused`, a
    /// DNS failure, the TLS certificate problem, ...).
    fn root_cause(&self) -> Option<String> {
        let mut cause: &(dyn std::error::Error + 'static) = self.inner.source.as_deref()?;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let mut text = cause.to_string();
        // rustls' messages do not say they are about TLS ("received corrupt message ...").
        if is_tls(cause) {
            text = format!("TLS: {text}");
        }
        // reqwest names the URL, whose path may hold a sensitive value.
        if let Some(at) = text.find(" for url (") {
            text.truncate(at);
        }
        let said = self.inner.kind == ErrorKind::Deserialization
            || text.trim().is_empty()
            || self.inner.message.contains(text.as_str());
        (!said).then_some(text)
    }
}

/// What an error message says of a body the client could not read as the API's error format
/// (an HTML page of a proxy, plain text, bytes that are not UTF-8): its declared content type,
/// its size, and whether it is text, never its content (bodies stay out of errors and logs; the
/// whole body is available through [`Error::raw_body`]).
fn body_summary(headers: &HeaderMap, body: &[u8]) -> String {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut out = String::from("(");
    if let Some(ct) = content_type {
        out.push_str(&format!(
            "Content-Type '{}', ",
            escape_control(&truncate(&ct, 100))
        ));
    }
    out.push_str(&format!("{} bytes", body.len()));
    if std::str::from_utf8(body).is_err() {
        out.push_str(", not UTF-8");
    }
    out.push(')');
    out
}

/// The longest correlation id an error message shows, in bytes: ids are short, but a server
/// may echo anything (the whole id stays available through [`Error::correlation_id`]).
const CORRELATION_ID_SHOWN: usize = 255;

/// Whether `e` is a rustls error, possibly inside I/O errors (as the HTTP stack wraps it).
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.downcast_ref::<rustls::Error>().is_some() {
        return true;
    }
    e.downcast_ref::<std::io::Error>()
        .and_then(std::io::Error::get_ref)
        .is_some_and(|inner| is_tls(inner))
}

/// One line: the kind, what failed, its root cause, then the call's context (operation, attempts,
/// correlation id, idempotency key), each said once. The root cause is the innermost error of the
/// [`source`](std::error::Error::source) chain, which stays available for inspection.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        write!(f, "{}: {}", i.kind, i.message)?;
        if let Some(cause) = self.root_cause() {
            write!(f, ": {}", escape_control(&truncate(&cause, 300)))?;
        }
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
            part(
                f,
                format_args!(
                    "correlation id {}",
                    escape_control(&truncate(c, CORRELATION_ID_SHOWN))
                ),
            )?;
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
        if let Some(b) = &i.body {
            d.field("error_body", &BodyDebug(b.as_ref()));
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

/// The error of a read (idle) timeout: nothing arrived on the connection for that long.
pub(crate) fn read_timeout_error() -> Error {
    Error::new(
        ErrorKind::Transport,
        "no data received within the read timeout",
    )
    .with_timeout_kind(TimeoutKind::Read)
    .with_sent(true)
}

/// Maps a reqwest error to ours, deciding whether the request may have been sent. The URL is
/// dropped from the source: it may carry a credential in its query.
pub(crate) fn map_reqwest_error(e: reqwest::Error) -> Error {
    let e = e.without_url();
    if e.is_builder() {
        return Error::invalid_request("the HTTP request could not be built").with_source(e);
    }
    if e.is_connect() {
        let err = if e.is_timeout() {
            Error::timeout(TimeoutKind::Connect, false)
        } else {
            Error::new(ErrorKind::Transport, "could not connect to the server").with_sent(false)
        };
        return err.with_source(e);
    }
    if e.is_timeout() {
        return read_timeout_error().with_source(e);
    }
    let msg = if e.is_body() || e.is_decode() {
        "the connection broke while reading the response"
    } else {
        "the connection failed while the request was in flight"
    };
    Error::new(ErrorKind::Transport, msg)
        .with_sent(true)
        .with_source(e)
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
