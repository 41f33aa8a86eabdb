//! Successful responses: [`RawResponse`] (body read, bounded), typed [`Response`], and
//! [`StreamingResponse`] for downloads.

use std::fmt;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, ResponseParts, map_reqwest_error, read_timeout_error};
use crate::telemetry::RedactedHeaders;
use crate::time::{SharedClock, SharedSleep};
use futures_util::future::{Either, select};

/// A successful (2xx) response whose body has been read (up to the client's size limit).
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) correlation_id: Option<String>,
    /// The operation id of the call (empty when unknown).
    pub(crate) operation_id: &'static str,
    pub(crate) attempts: u32,
}

/// Whether a `Content-Type` value names JSON: `application/json` or any `+json` type, with
/// any parameters, in any letter case.
pub(crate) fn is_json_content_type(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    let essence = essence.trim_ascii();
    let ends_with = |suffix: &[u8]| {
        essence.len() >= suffix.len()
            && essence[essence.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    essence.eq_ignore_ascii_case(b"application/json")
        || (ends_with(b"+json") && essence.contains(&b'/'))
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The correlation id the server echoed, or the one that was sent (when the API has a
    /// correlation header).
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The operation id of the call, when known.
    pub fn operation_id(&self) -> Option<&'static str> {
        (!self.operation_id.is_empty()).then_some(self.operation_id)
    }

    /// Decodes the JSON body. A truncated or non-JSON body, one that does not match `T`, or a
    /// declared `Content-Type` that is not JSON (`application/json` or `+json`, any parameters; a
    /// missing one is accepted) gives an [`ErrorKind::Deserialization`] error that keeps the raw
    /// body, status, headers, operation id, attempt count and correlation id.
    ///
    /// An empty body (nothing but whitespace) is read as `{}` when `T` accepts that, i.e. when
    /// every field of `T` is optional in responses, as it is for a success body that no source
    /// shows (`specs/README.md`, "Empty and short success bodies"); for any other `T` it is the
    /// same error, "response body is empty".
    pub fn json<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        if self.body.trim_ascii().is_empty()
            && let Ok(body) = serde_json::from_slice::<T>(b"{}")
        {
            return Ok(self.map_body(|_| body));
        }
        if let Some(ct) = self.headers.get(http::header::CONTENT_TYPE)
            && !is_json_content_type(ct.as_bytes())
        {
            return Err(Error::deserialization(None, self.into_parts()));
        }
        match serde_json::from_slice::<T>(&self.body) {
            Ok(body) => Ok(Response {
                status: self.status,
                headers: self.headers,
                body,
                correlation_id: self.correlation_id,
                attempts: self.attempts,
            }),
            Err(e) => Err(Error::deserialization(Some(e), self.into_parts())),
        }
    }

    fn into_parts(self) -> ResponseParts {
        ResponseParts {
            status: self.status,
            headers: self.headers,
            body: self.body,
            correlation_id: self.correlation_id,
            operation_id: self.operation_id,
            attempts: self.attempts,
        }
    }

    /// For bodiless successes (e.g. `204 No Content`): drops any body.
    pub fn empty(self) -> Response<()> {
        self.map_body(|_| ())
    }

    /// Keeps the body as bytes.
    pub fn bytes(self) -> Response<Bytes> {
        self.map_body(|b| b)
    }

    fn map_body<T>(self, f: impl FnOnce(Bytes) -> T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            correlation_id: self.correlation_id,
            attempts: self.attempts,
        }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .field("correlation_id", &self.correlation_id)
            .field("operation_id", &self.operation_id)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// A typed successful response: the decoded body plus status and headers.
///
/// Derefs to the body, so fields can be read directly.
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    correlation_id: Option<String>,
    attempts: u32,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Consumes the response, returning the body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Consumes the response, returning status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// Maps the body, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            correlation_id: self.correlation_id,
            attempts: self.attempts,
        }
    }

    /// The correlation id the server echoed back, or the one that was sent (when the API has
    /// a correlation header).
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("correlation_id", &self.correlation_id)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// A successful response whose body has not been read yet (see
/// [`Client::execute_streaming`](crate::Client::execute_streaming)).
pub struct StreamingResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) correlation_id: Option<String>,
    pub(crate) max_body_size: usize,
    /// The read (idle) timeout between two chunks of the body.
    pub(crate) read_timeout: Option<Duration>,
    /// The call's total deadline, which [`collect`](Self::collect) keeps to.
    pub(crate) total: Option<TotalDeadline>,
    pub(crate) inner: reqwest::Response,
}

/// The total deadline of the call a [`StreamingResponse`] belongs to, on the client's clock and
/// waited for with the client's sleep.
pub(crate) struct TotalDeadline {
    pub(crate) at: std::time::Instant,
    pub(crate) clock: SharedClock,
    pub(crate) sleep: SharedSleep,
}

impl StreamingResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The correlation id the server echoed, or the one that was sent (when the API has a
    /// correlation header).
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// The `Content-Length`, if the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The body as a stream of chunks, without buffering it. Not bounded by the client's
    /// body size limit: the consumer decides how much to keep.
    pub fn bytes_stream(self) -> ByteStream {
        ByteStream {
            inner: Box::pin(self.inner.bytes_stream()),
            idle: self.read_timeout.map(|d| IdleTimer {
                limit: d,
                sleep: None,
            }),
            timed_out: false,
        }
    }

    /// Reads the whole body into memory, failing with [`ErrorKind::BodyTooLarge`] past the
    /// client's maximum body size, with a read timeout when no data arrives for the read
    /// (idle) timeout, and with a total timeout ([`ErrorKind::Timeout`],
    /// [`TimeoutKind::Total`](crate::TimeoutKind::Total)) when the call's total timeout passes
    /// first: a body that trickles in forever ends there.
    pub async fn collect(self) -> Result<Bytes, Error> {
        let read = read_bounded(self.inner, self.max_body_size, self.read_timeout);
        let Some(total) = self.total else {
            return read.await;
        };
        let left = total.at.saturating_duration_since(total.clock.0.now());
        let expired = || Error::timeout(crate::TimeoutKind::Total, true);
        if left.is_zero() {
            return Err(expired());
        }
        match select(std::pin::pin!(read), total.sleep.0.sleep(left)).await {
            Either::Left((out, _)) => out,
            Either::Right(((), _)) => Err(expired()),
        }
    }
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("correlation_id", &self.correlation_id)
            .finish()
    }
}

/// A stream of body chunks; errors are [`ErrorKind::Transport`] (or timeouts).
///
/// The client's read (idle) timeout applies between two chunks: when no chunk arrives for that
/// long, the stream yields a read-timeout error (and again on every later poll).
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>,
    idle: Option<IdleTimer>,
    timed_out: bool,
}

/// The read timeout of a [`ByteStream`]: one tokio timer, started at the first poll and
/// restarted after every chunk.
struct IdleTimer {
    limit: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.timed_out {
            return Poll::Ready(Some(Err(read_timeout_error())));
        }
        let item = match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(item) => item,
            Poll::Pending => {
                if let Some(idle) = &mut self.idle {
                    let limit = idle.limit;
                    let sleep = idle
                        .sleep
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                    if sleep.as_mut().poll(cx).is_ready() {
                        self.timed_out = true;
                        return Poll::Ready(Some(Err(read_timeout_error())));
                    }
                }
                return Poll::Pending;
            }
        };
        if let Some(IdleTimer {
            limit,
            sleep: Some(sleep),
        }) = &mut self.idle
        {
            // A limit past the clock's range (e.g. `Duration::MAX`) never fires: the timer,
            // started with that limit, is then left as it is.
            if let Some(deadline) = tokio::time::Instant::now().checked_add(*limit) {
                sleep.as_mut().reset(deadline);
            }
        }
        Poll::Ready(item.map(|r| r.map_err(map_reqwest_error)))
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

/// Reads a response body, refusing to hold more than `max` bytes; with a `read_timeout`, fails
/// when no chunk arrives for that long.
pub(crate) async fn read_bounded(
    mut response: reqwest::Response,
    max: usize,
    read_timeout: Option<Duration>,
) -> Result<Bytes, Error> {
    let too_large = || {
        Error::new(
            ErrorKind::BodyTooLarge,
            format!("response body is larger than the limit of {max} bytes"),
        )
        .with_sent(true)
    };
    if let Some(len) = response.content_length()
        && len > max as u64
    {
        return Err(too_large());
    }
    let initial = response
        .content_length()
        .map_or(0, |l| usize::try_from(l).unwrap_or(0).min(max).min(1 << 20));
    let mut buf = BytesMut::with_capacity(initial);
    loop {
        let next = match read_timeout {
            None => response.chunk().await,
            Some(limit) => tokio::time::timeout(limit, response.chunk())
                .await
                .map_err(|e| read_timeout_error().with_source(e))?,
        };
        let Some(chunk) = next.map_err(map_reqwest_error)? else {
            break;
        };
        if buf.len() + chunk.len() > max {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

#[cfg(test)]
mod tests {
    use super::is_json_content_type;

    #[test]
    fn json_content_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
            " application/json ",
            "application/problem+json",
            "application/vnd.example+JSON; v=2",
        ] {
            assert!(is_json_content_type(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "text/html",
            "text/plain; charset=utf-8",
            "application/jsonx",
            "+json",
            "application/xml",
            "",
        ] {
            assert!(!is_json_content_type(bad.as_bytes()), "{bad}");
        }
    }
}
