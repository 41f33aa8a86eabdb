//! The one place a request is sent: the attempt loop with retries, the retry budget and
//! timeouts, response classification and tracing. What is sent (URL, headers, credentials) is
//! prepared above it, in [`crate::headers`].

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::future::{Either, select};
use std::borrow::Cow;

use http::{HeaderMap, HeaderName, Method};
use tracing::Instrument as _;

use crate::error::{
    Error, ErrorKind, ParseErrorBody, TimeoutKind, map_reqwest_error, read_timeout_error,
};
use crate::request::{Body, Request};
use crate::response::{RawResponse, StreamingResponse, TotalDeadline, read_bounded};
use crate::retry::{RetryBudget, RetryPolicy, parse_retry_after};
use crate::telemetry::RedactedPath;
use crate::time::{SharedClock, SharedSleep};

/// What the transport needs of the client's configuration: the HTTP client, where requests go,
/// and the retry, timeout and error-reading settings.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// `base_url` parsed once, so that a request only has to set its path.
    pub(crate) base: reqwest::Url,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) attempt_timeout: Duration,
    pub(crate) total_timeout: Duration,
    pub(crate) max_body_size: usize,
    pub(crate) sleep: SharedSleep,
    /// `true` when `sleep` is the built-in tokio sleep (no custom sleep): the attempt timeout then
    /// runs on tokio's timer directly, and on the same clock as the read timeout.
    pub(crate) tokio_sleep: bool,
    /// The read (idle) timeout the runtime enforces itself (not set on the reqwest client, see
    /// `attempt`); `None` with a caller's own `http_client`.
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) clock: SharedClock,
    /// The header the server echoes the correlation id in, when the API has one.
    pub(crate) correlation_header: Option<HeaderName>,
    /// Reads the API's error body, when its layer knows the format.
    pub(crate) error_body: Option<ParseErrorBody>,
    /// How messages name the server ("the server", or a vendor's name).
    pub(crate) server_name: Cow<'static, str>,
}

pub(crate) enum Mode {
    Buffered,
    Streaming,
}

pub(crate) enum Outcome {
    Buffered(RawResponse),
    Streaming(StreamingResponse),
}

/// A request ready to send, as [`crate::headers`] prepares it: the same on every attempt.
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    pub(crate) retry_safe: bool,
    pub(crate) policy: RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    pub(crate) total_timeout: Duration,
    /// The correlation id sent, when the API has a correlation header.
    pub(crate) correlation_id: Option<String>,
    /// The idempotency key sent on every attempt, if any (kept for the error).
    pub(crate) idempotency_key: Option<String>,
}

/// One attempt. `read_timeout` is the read (idle) timeout to enforce until the response is
/// complete (buffered) or its headers arrived (streaming), `None` when the attempt timer
/// covers it (see `run`).
///
/// The runtime enforces the read timeout itself rather than setting it on the reqwest client:
/// reqwest would start two more timers on every request (one to the response headers, one
/// reset on every body chunk), where usually the attempt timeout alone already bounds the wait.
///
/// `deadline` is the call's total deadline (`None`: none), which a streamed body's
/// [`collect`](StreamingResponse::collect) keeps to.
async fn attempt(
    client: &Transport,
    p: &Prepared,
    mode: &Mode,
    read_timeout: Option<Duration>,
    headers_arrived: &AtomicBool,
    deadline: Option<std::time::Instant>,
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
    let correlation_id = client
        .correlation_header
        .as_ref()
        .and_then(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| p.correlation_id.clone());
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
                // After the headers the read timeout bounds a streamed body, and collecting it
                // the call's total timeout too.
                read_timeout: client.read_timeout,
                total: deadline.map(|at| TotalDeadline {
                    at,
                    clock: client.clock.clone(),
                    sleep: client.sleep.clone(),
                }),
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
    Err(Error::from_response(
        status,
        headers,
        body,
        dropped_over,
        client.error_body,
        &client.server_name,
    ))
}

/// Races `fut` against a sleep of `limit`; `None` when the sleep wins. With the built-in
/// sleep this is `tokio::time::timeout` (no boxed sleep future per attempt). `fut` is pinned by
/// the caller, so that the (large) attempt future is stored once, not in both branches.
async fn with_timeout<F: Future>(
    client: &Transport,
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
        // Nothing reached the server (e.g. connection refused): safe for every method.
        ErrorKind::Transport | ErrorKind::Timeout if !err.may_have_been_sent() => true,
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited => retry_safe,
        ErrorKind::Api => retry_safe && err.is_retryable(),
        _ => false,
    }
}

/// Sends `request`, turned into what goes on the wire by `prepare` (inside the call's span, so
/// that a request rejected before sending is traced too).
///
/// Not an `async fn`: the returned future is the instrumented block itself, without an outer
/// state machine that would hold a second copy of `request`.
pub(crate) fn send<'a>(
    client: &'a Transport,
    request: Request,
    prepare: impl FnOnce(Request) -> Result<Prepared, Error> + Send + 'a,
    mode: Mode,
) -> impl Future<Output = Result<Outcome, Error>> + Send + 'a {
    let span = tracing::info_span!(
        "api.request",
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
        let prepared = match prepare(request) {
            Ok(p) => p,
            Err(e) => {
                tracing::Span::current().record("error_kind", tracing::field::display(e.kind()));
                tracing::warn!(error = %e, "request rejected before sending");
                return Err(e.with_context(operation_id, "", None, 0));
            }
        };
        let span = tracing::Span::current();
        if let Some(id) = &prepared.correlation_id {
            span.record("correlation_id", id.as_str());
        }
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
                tracing::debug!(status = status.as_u16(), attempts, "request succeeded");
                Ok(outcome)
            }
            Err((err, attempts)) => {
                span.record("attempts", attempts);
                if let Some(s) = err.status() {
                    span.record("status", s.as_u16());
                }
                span.record("error_kind", tracing::field::display(err.kind()));
                let err = err
                    .with_context(
                        operation_id,
                        prepared.correlation_id.as_deref().unwrap_or_default(),
                        client.correlation_header.as_ref(),
                        attempts,
                    )
                    .with_idempotency_key(prepared.idempotency_key.as_deref());
                // A client error the server answered (404, 400, 409, ...) is often expected and handled
                // by the caller: INFO. Everything else (no answer, 429, 5xx, an undecodable body, ...):
                // WARN, so it shows at the levels services usually log at.
                let answered_4xx = matches!(err.kind(), ErrorKind::Api | ErrorKind::Conflict)
                    && err.status().is_some_and(|s| s.is_client_error());
                if answered_4xx {
                    tracing::info!(error = %err, "request failed");
                } else {
                    tracing::warn!(error = %err, "request failed");
                }
                Err(err)
            }
        }
    }
    .instrument(span)
}

async fn run(
    client: &Transport,
    p: &Prepared,
    mode: &Mode,
    start: std::time::Instant,
) -> Result<(Outcome, u32), (Error, u32)> {
    // A total timeout past the clock's range (e.g. `Duration::MAX`) is no deadline at all.
    let deadline = start.checked_add(p.total_timeout);
    let mut attempt_no: u32 = 0;
    loop {
        attempt_no += 1;
        let remaining = deadline.map_or(Duration::MAX, |d| {
            d.saturating_duration_since(client.clock.0.now())
        });
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
            "api.attempt",
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
            attempt(client, p, mode, read_timeout, &headers_arrived, deadline)
                .instrument(attempt_span)
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
        // A delay past the clock's range passes every deadline.
        let passes_deadline =
            deadline.is_some_and(|d| now.checked_add(delay).is_none_or(|at| at >= d));
        if passes_deadline {
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
            "retrying request"
        );
        client.sleep.0.sleep(delay).await;
    }
}
