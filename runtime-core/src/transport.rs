//! The one place a request is sent: request preparation, the attempt loop with retries and
//! timeouts, response classification and tracing.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::future::{Either, select};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use tracing::Instrument as _;

use crate::client::ClientInner;
use crate::error::{Error, ErrorKind, TimeoutKind};
use crate::request::{Body, Request, has_dot_segment};
use crate::response::{RawResponse, StreamingResponse, read_bounded};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::telemetry::{RedactedPath, is_sensitive_header};
use crate::{CORRELATION_ID_HEADER, IDEMPOTENCY_KEY_HEADER, INTEGRATION_METADATA_HEADER};

// Header names checked once, at compile time, instead of on every call.
const CORRELATION_ID: HeaderName = HeaderName::from_static(CORRELATION_ID_HEADER);
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static(IDEMPOTENCY_KEY_HEADER);
const INTEGRATION_METADATA: HeaderName = HeaderName::from_static(INTEGRATION_METADATA_HEADER);

pub(crate) enum Mode {
    Buffered,
    Streaming,
}

pub(crate) enum Outcome {
    Buffered(RawResponse),
    Streaming(StreamingResponse),
}

struct Prepared {
    method: Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Body,
    retry_safe: bool,
    policy: RetryPolicy,
    attempt_timeout: Duration,
    total_timeout: Duration,
    correlation_id: String,
    /// The `Klarna-Idempotency-Key` sent on every attempt, if any (kept for the error).
    idempotency_key: Option<String>,
}

/// A fresh `Partner-Correlation-Id`: a UUIDv4 without hyphens (matches `^[A-Za-z0-9]+$`).
///
/// Its random bits come from `fastrand`'s thread-local generator (seeded once per thread from
/// std's OS-seeded hasher keys), not from the OS: a correlation id has to be unique, not
/// unpredictable, and this way a call costs no `getrandom` system call for it.
pub(crate) fn new_correlation_id() -> String {
    let id = uuid::Builder::from_random_bytes(fastrand::u128(..).to_ne_bytes()).into_uuid();
    let mut buf = [0u8; uuid::fmt::Simple::LENGTH];
    id.simple().encode_lower(&mut buf).to_owned()
}

/// A fresh idempotency key. Klarna asks for UUIDv5 keys; this is a version-5 UUID whose
/// name is 16 random bytes from the OS, so every logical call gets a new, unpredictable key.
pub(crate) fn new_idempotency_key() -> String {
    let name = uuid::Uuid::new_v4();
    let key = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes());
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    key.hyphenated().encode_lower(&mut buf).to_owned()
}

/// Bytes a path may hold for [`request_url`] to take the fast way: RFC 3986 `pchar`s (what
/// `encode_path_segment` leaves as they are, plus its `%` escapes) and `/`, which the URL parser
/// keeps as they are wherever the path appears.
fn plain_path_byte(b: u8) -> bool {
    b == b'/' || b == b'%' || crate::request::keep_in_path_segment(b)
}

/// The base URL joined with `path` (which starts with `/`): the same URL as parsing
/// `base_url + path`, but for the usual path (no `?`, `#`, spaces or non-ASCII) only the path is
/// parsed; the base URL (scheme, host, port) was parsed once when the client was built.
fn request_url(
    client: &ClientInner,
    path: &str,
    sensitive: &'static [usize],
) -> Result<reqwest::Url, Error> {
    if path.bytes().all(plain_path_byte) {
        let mut url = client.base.clone();
        match client.base.path() {
            "/" => url.set_path(path),
            base_path => url.set_path(&format!("{base_path}{path}")),
        }
        return Ok(url);
    }
    reqwest::Url::parse(&format!("{}{}", client.base_url, path)).map_err(|e| {
        Error::invalid_request(format!(
            "invalid request path '{}'",
            RedactedPath::new(path, sensitive)
        ))
        .with_source(e)
    })
}

fn valid_correlation_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn prepare(client: &ClientInner, request: Request) -> Result<Prepared, Error> {
    let Request {
        operation_id: _,
        method,
        path,
        sensitive_path,
        query,
        headers: typed_headers,
        body,
        idempotent,
        options,
        build_error,
    } = request;
    if let Some(e) = build_error {
        return Err(e);
    }
    if !path.starts_with('/') {
        return Err(Error::invalid_request(format!(
            "path '{}' must start with '/'",
            RedactedPath::new(&path, sensitive_path)
        )));
    }
    if has_dot_segment(&path) {
        return Err(Error::invalid_request(
            "path contains a '.' or '..' segment; encode path parameters with encode_path_segment",
        ));
    }
    let mut url = request_url(client, &path, sensitive_path)?;
    if !query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    }

    // Sized once for the runtime's own headers (at most 7) and the extra ones.
    let mut headers = HeaderMap::with_capacity(7 + typed_headers.len() + options.headers().len());
    headers.insert(USER_AGENT, client.user_agent.clone());
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(AUTHORIZATION, client.authorization.clone());
    match &body {
        Body::Json(_) => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Body::Bytes { content_type, .. } => {
            let v = HeaderValue::from_str(content_type)
                .map_err(|_| Error::invalid_request("invalid body content type"))?;
            headers.insert(CONTENT_TYPE, v);
        }
        Body::Empty | Body::Multipart(_) => {}
    }

    let correlation_id = match options.correlation_id() {
        Some(id) if valid_correlation_id(id) => id.to_owned(),
        Some(_) => {
            return Err(Error::invalid_request(
                "correlation id must be 1 to 255 ASCII letters or digits",
            ));
        }
        None => new_correlation_id(),
    };
    headers.insert(
        CORRELATION_ID,
        HeaderValue::from_str(&correlation_id)
            .map_err(|_| Error::invalid_request("invalid correlation id"))?,
    );

    let idempotency_key = match options.idempotency_key() {
        Some(key) => {
            if key.is_empty() || key.chars().count() > 255 {
                return Err(Error::invalid_request(
                    "idempotency key must be 1 to 255 characters",
                ));
            }
            Some(key.to_owned())
        }
        None if idempotent => Some(new_idempotency_key()),
        None => None,
    };
    if let Some(key) = &idempotency_key {
        let v = HeaderValue::from_str(key).map_err(|_| {
            Error::invalid_request("idempotency key contains characters not allowed in a header")
        })?;
        headers.insert(IDEMPOTENCY_KEY, v);
    }

    if let Some(meta) = options
        .integration_metadata()
        .or(client.integration_metadata.as_ref())
    {
        let v = HeaderValue::from_str(&meta.to_header_value())
            .map_err(|_| Error::invalid_request("invalid integration metadata"))?;
        headers.insert(INTEGRATION_METADATA, v);
    }

    let extra = typed_headers
        .iter()
        .map(|(n, v, sensitive)| (*n, v.as_str(), *sensitive))
        .chain(
            options
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str(), false)),
        );
    for (name, value, sensitive) in extra {
        let hn = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_request(format!("invalid header name '{name}'")))?;
        let mut hv = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_request(format!("invalid value for header '{name}'")))?;
        if sensitive || is_sensitive_header(name) {
            hv.set_sensitive(true);
        }
        headers.insert(hn, hv);
    }

    let retry_safe = match method {
        Method::GET
        | Method::HEAD
        | Method::OPTIONS
        | Method::PUT
        | Method::DELETE
        | Method::TRACE => true,
        Method::POST | Method::PATCH => idempotency_key.is_some(),
        _ => idempotency_key.is_some(),
    };

    Ok(Prepared {
        method,
        url,
        headers,
        body,
        retry_safe,
        policy: options
            .retry_policy()
            .cloned()
            .unwrap_or_else(|| client.retry_policy.clone()),
        attempt_timeout: options.attempt_timeout().unwrap_or(client.attempt_timeout),
        total_timeout: options.timeout().unwrap_or(client.total_timeout),
        correlation_id,
        idempotency_key,
    })
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

/// Maps a reqwest error to ours, deciding whether the request may have been sent.
pub(crate) fn map_reqwest_error(e: reqwest::Error) -> Error {
    if e.is_builder() {
        return Error::invalid_request("the HTTP request could not be built").with_source(e);
    }
    if e.is_connect() {
        let err = if e.is_timeout() {
            Error::timeout(TimeoutKind::Connect, false)
        } else {
            Error::new(ErrorKind::Transport, "could not connect to Klarna").with_sent(false)
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

/// One attempt. `read_timeout` is the read (idle) timeout to enforce until the response is
/// complete (buffered) or its headers arrived (streaming), `None` when the attempt timer
/// covers it (see `run`).
///
/// The runtime enforces the read timeout itself rather than setting it on the reqwest client:
/// reqwest would start two more timers on every request (one to the response headers, one
/// reset on every body chunk), where usually the attempt timeout alone already bounds the wait.
async fn attempt(
    client: &ClientInner,
    p: &Prepared,
    mode: &Mode,
    read_timeout: Option<Duration>,
    headers_arrived: &AtomicBool,
) -> Result<Outcome, Error> {
    // Built directly rather than through `RequestBuilder`, which would re-insert every prepared
    // header one by one; the prepared headers are only cloned (cheap: shared bytes).
    let mut request = reqwest::Request::new(p.method.clone(), p.url.clone());
    *request.headers_mut() = p.headers.clone();
    match &p.body {
        Body::Empty => {}
        Body::Json(b) => *request.body_mut() = Some(b.clone().into()),
        Body::Bytes { data, .. } => *request.body_mut() = Some(data.clone().into()),
        Body::Multipart(m) => {
            // The builder sets the multipart content type with its boundary.
            request = reqwest::RequestBuilder::from_parts(client.http.clone(), request)
                .multipart(m.to_form()?)
                .build()
                .map_err(map_reqwest_error)?;
        }
    }
    let sent = client.http.execute(request);
    let sent = match read_timeout {
        None => sent.await,
        Some(limit) => tokio::time::timeout(limit, sent)
            .await
            .map_err(|e| read_timeout_error().with_source(e))?,
    };
    let mut response = sent.map_err(map_reqwest_error)?;
    headers_arrived.store(true, Ordering::Relaxed);
    let status = response.status();
    // Taken, not cloned: the body is read through the response's body, which does not need them.
    let headers = std::mem::take(response.headers_mut());
    tracing::Span::current().record("status", status.as_u16());
    let correlation_id = Some(
        headers
            .get(&CORRELATION_ID)
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| p.correlation_id.clone(), str::to_owned),
    );
    if status.is_success() {
        return Ok(match mode {
            Mode::Buffered => {
                let body = read_bounded(response, client.max_body_size, read_timeout).await?;
                Outcome::Buffered(RawResponse {
                    status,
                    headers,
                    body,
                    correlation_id,
                    operation_id: "",
                    attempts: 0,
                })
            }
            Mode::Streaming => Outcome::Streaming(StreamingResponse {
                status,
                headers,
                correlation_id,
                max_body_size: client.max_body_size,
                // After the headers only the read timeout bounds a streamed body.
                read_timeout: client.read_timeout,
                inner: response,
            }),
        });
    }
    let (body, dropped_over) =
        match read_bounded(response, client.max_body_size, read_timeout).await {
            Ok(b) => (b, None),
            Err(e) if e.kind() == ErrorKind::BodyTooLarge => {
                (bytes::Bytes::new(), Some(client.max_body_size))
            }
            Err(e) => return Err(e),
        };
    Err(Error::from_response(status, headers, body, dropped_over))
}

/// Races `fut` against a sleep of `limit`; `None` when the sleep wins. With the built-in
/// sleep this is `tokio::time::timeout` (no boxed sleep future per attempt). `fut` is pinned by
/// the caller, so that the (large) attempt future is stored once, not in both branches.
async fn with_timeout<F: Future>(
    client: &ClientInner,
    limit: Duration,
    fut: std::pin::Pin<&mut F>,
) -> Option<F::Output> {
    if client.tokio_sleep {
        return tokio::time::timeout(limit, fut).await.ok();
    }
    match select(fut, client.sleep.0.sleep(limit)).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(((), _)) => None,
    }
}

fn retryable(err: &Error, retry_safe: bool) -> bool {
    match err.kind() {
        // Nothing reached Klarna (e.g. connection refused): safe for every method.
        ErrorKind::Transport | ErrorKind::Timeout if !err.may_have_been_sent() => true,
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited => retry_safe,
        ErrorKind::Api => retry_safe && err.is_retryable(),
        _ => false,
    }
}

/// Not an `async fn`: the returned future is the instrumented block itself, without an outer
/// state machine that would hold a second copy of `request`.
pub(crate) fn send(
    client: &ClientInner,
    request: Request,
    mode: Mode,
) -> impl Future<Output = Result<Outcome, Error>> + Send + '_ {
    let span = tracing::info_span!(
        "klarna.request",
        operation = request.operation_id,
        method = %request.method,
        path = %RedactedPath::new(&request.path, request.sensitive_path),
        correlation_id = tracing::field::Empty,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        error_kind = tracing::field::Empty,
    );
    let operation_id = request.operation_id;
    async move {
        let start = client.clock.0.now();
        let prepared = match prepare(client, request) {
            Ok(p) => p,
            Err(e) => {
                tracing::Span::current().record("error_kind", tracing::field::display(e.kind()));
                tracing::debug!(error = %e, "request rejected before sending");
                return Err(e.with_context(operation_id, "", 0));
            }
        };
        let span = tracing::Span::current();
        span.record("correlation_id", prepared.correlation_id.as_str());
        let result = run(client, &prepared, &mode, start).await;
        let elapsed = client.clock.0.now().saturating_duration_since(start);
        span.record(
            "latency_ms",
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        );
        match result {
            Ok((mut outcome, attempts)) => {
                span.record("attempts", attempts);
                let status = match &mut outcome {
                    Outcome::Buffered(r) => {
                        r.attempts = attempts;
                        r.operation_id = operation_id;
                        r.status
                    }
                    Outcome::Streaming(s) => s.status,
                };
                span.record("status", status.as_u16());
                tracing::debug!(
                    status = status.as_u16(),
                    attempts,
                    "Klarna request succeeded"
                );
                Ok(outcome)
            }
            Err((err, attempts)) => {
                span.record("attempts", attempts);
                if let Some(s) = err.status() {
                    span.record("status", s.as_u16());
                }
                span.record("error_kind", tracing::field::display(err.kind()));
                let err = err
                    .with_context(operation_id, &prepared.correlation_id, attempts)
                    .with_idempotency_key(prepared.idempotency_key.as_deref());
                tracing::debug!(error = %err, "Klarna request failed");
                Err(err)
            }
        }
    }
    .instrument(span)
}

async fn run(
    client: &ClientInner,
    p: &Prepared,
    mode: &Mode,
    start: std::time::Instant,
) -> Result<(Outcome, u32), (Error, u32)> {
    let deadline = start + p.total_timeout;
    let mut attempt_no: u32 = 0;
    loop {
        attempt_no += 1;
        let remaining = deadline.saturating_duration_since(client.clock.0.now());
        if remaining.is_zero() {
            return Err((
                Error::timeout(TimeoutKind::Total, attempt_no > 1),
                attempt_no - 1,
            ));
        }
        let (limit, limit_kind) = if p.attempt_timeout < remaining {
            (p.attempt_timeout, TimeoutKind::Attempt)
        } else {
            (remaining, TimeoutKind::Total)
        };
        let attempt_span = tracing::debug_span!(
            "klarna.attempt",
            attempt = attempt_no,
            status = tracing::field::Empty
        );
        // The attempt timer runs on tokio's clock with the built-in sleep; a read timeout at
        // least as long as the attempt's limit can then never fire first, and needs no timer
        // of its own. With an injected sleep the two clocks may differ: keep both.
        let elide_read = client
            .read_timeout
            .is_some_and(|read| client.tokio_sleep && read >= limit);
        let read_timeout = client.read_timeout.filter(|_| !elide_read);
        let headers_arrived = AtomicBool::new(false);
        let fut = std::pin::pin!(
            attempt(client, p, mode, read_timeout, &headers_arrived).instrument(attempt_span)
        );
        let result = match with_timeout(client, limit, fut).await {
            Some(r) => r,
            // A read timeout equal to the limit would have fired together with the attempt
            // timer while no response had come; it is the one reported, as when it ran.
            None if elide_read
                && client.read_timeout == Some(limit)
                && !headers_arrived.load(Ordering::Relaxed) =>
            {
                Err(read_timeout_error())
            }
            None => Err(Error::timeout(limit_kind, true)),
        };
        let err = match result {
            Ok(outcome) => {
                client.budget.record_success();
                return Ok((outcome, attempt_no));
            }
            Err(err) => err,
        };
        if !retryable(&err, p.retry_safe) {
            return Err((err, attempt_no));
        }
        if attempt_no >= p.policy.max_attempts() {
            tracing::debug!(attempts = attempt_no, "not retrying: attempts exhausted");
            return Err((err, attempt_no));
        }
        if err.timeout_kind() == Some(TimeoutKind::Total) {
            return Err((err, attempt_no));
        }
        let delay = match err
            .headers()
            .and_then(|h| parse_retry_after(h, client.clock.0.system_time()))
        {
            Some(d) => d.min(p.policy.max_retry_after()),
            None => p.policy.backoff(attempt_no),
        };
        let now = client.clock.0.now();
        if now + delay >= deadline {
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "not retrying: the delay would pass the total timeout"
            );
            return Err((err, attempt_no));
        }
        let after_timeout = matches!(err.kind(), ErrorKind::Timeout | ErrorKind::Transport);
        if !client.budget.try_acquire(after_timeout) {
            tracing::debug!(
                available = client.budget.available(),
                "not retrying: retry budget exhausted"
            );
            return Err((err, attempt_no));
        }
        tracing::debug!(
            attempt = attempt_no,
            delay_ms = delay.as_millis() as u64,
            error_kind = %err.kind(),
            status = err.status().map(|s| s.as_u16()),
            "retrying Klarna request"
        );
        client.sleep.0.sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(base: &str) -> std::sync::Arc<ClientInner> {
        let client: crate::Client = crate::Client::builder()
            .api_key("klarna_test_api_x")
            .base_url(base)
            .allow_insecure_http()
            .build()
            .unwrap();
        client.inner
    }

    /// The fast way (base URL parsed once, path set) gives the URL that parsing the whole
    /// string gives, with and without a path in the base URL.
    #[test]
    fn request_url_matches_parsing_the_joined_string() {
        for base in [
            "http://127.0.0.1:8080",
            "https://api-global.test.klarna.com/",
            "https://user:pw@example.com:8443/prefix/",
            "http://example.com/a%20b/c",
        ] {
            let c = inner(base);
            for path in [
                "/v2/notification/webhooks/krn:partner:global:notification:webhook:1",
                "/v2/accounts/a%2Fb/stores",
                "/",
                "//double/slash",
                "/v2/x?size=5",
                "/v2/with space/é",
                "/v2/tab\there#frag",
                "/v2/back\\slash",
                "/v2/!$&'()*+,;=:@-._~",
            ] {
                let slow = reqwest::Url::parse(&format!("{}{}", c.base_url, path)).unwrap();
                let fast = request_url(&c, path, &[]).unwrap();
                assert_eq!(fast, slow, "{base} + {path}");
                assert_eq!(fast.as_str(), slow.as_str(), "{base} + {path}");
            }
        }
    }

    #[test]
    fn generated_ids_are_well_formed() {
        let a = new_correlation_id();
        let b = new_correlation_id();
        assert_ne!(a, b);
        assert!(valid_correlation_id(&a), "{a}");
        let id = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(id.get_version_num(), 4);
        let k = new_idempotency_key();
        assert_eq!(k.len(), 36);
        assert_eq!(uuid::Uuid::parse_str(&k).unwrap().get_version_num(), 5);
        assert_ne!(k, new_idempotency_key());
    }
}
