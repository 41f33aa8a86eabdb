//! The HTTP side of the fake: connections, the request body limit and content type, authentication, faults,
//! idempotency, and the route table that hands each request to the module of its resource.
//!
//! Every answer, whichever layer refuses, is Klarna's JSON error shape: the fake reads bodies itself (no
//! framework extractor answers for it), routes every path itself (an unknown path is `404` `NOT_FOUND`, a
//! known path with another method `405`), and serves connections with hyper directly, so only a request
//! that is not HTTP at all gets hyper's bare `400`.
//!
//! To add a stateful resource, write a module with a `route` function like [`transactions::route`] and
//! call it from [`route`]; operations no module claims answer from the specs' examples
//! ([`crate::fallback`]).

mod authorization;
mod notification;
mod payment_requests;
mod transactions;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full, Limited};

use crate::faults::{Fault, Timing};
use crate::reply::Reply;
use crate::state::{IdempotencyEntry, State};
use crate::{MAX_REQUEST_BODY_BYTES, Shared};

/// Serves connections on `listener` until the task is aborted (which also ends every open connection).
pub(crate) async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let Ok((stream, _)) = accepted else {
            // A failed accept (out of descriptors, a reset before accept) concerns one connection only.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { handle(shared, request).await }
            });
            // A connection that ends badly (the client went away, a fault dropped it) ends only itself.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Why a connection is closed without an answer, or in the middle of one: a
/// [`Fault::DropConnection`] or [`Fault::CutBody`].
#[derive(Debug)]
pub(crate) struct Dropped;

/// How an answer is lost on the way back.
pub(crate) enum Lost {
    /// No answer at all ([`Fault::DropConnection`]).
    Dropped,
    /// This answer, cut in the middle of its body ([`Fault::CutBody`]).
    Cut(Reply),
}

/// The body of an answer cut by [`Fault::CutBody`]: its first half, then (after a pause, so that
/// hyper flushes the head and that half) an error, on which hyper closes the connection; the head
/// announced the whole length.
pub(crate) struct CutBody {
    half: Option<Bytes>,
    pause: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl CutBody {
    fn new(half: Bytes) -> CutBody {
        CutBody {
            half: Some(half),
            pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50))),
        }
    }
}

impl hyper::body::Body for CutBody {
    type Data = Bytes;
    type Error = Dropped;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Dropped>>> {
        use std::future::Future as _;
        if let Some(half) = self.half.take() {
            return std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(half))));
        }
        self.pause.as_mut().poll(cx).map(|()| Some(Err(Dropped)))
    }
}

/// The body of an answer: whole, or cut.
type AnswerBody = http_body_util::Either<Full<Bytes>, CutBody>;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Entry point of every HTTP request. `Err` closes the connection without an answer.
async fn handle(
    shared: Arc<Shared>,
    request: Request<hyper::body::Incoming>,
) -> Result<Response<AnswerBody>, Dropped> {
    let (parts, body) = request.into_parts();
    let correlation = parts.headers.get("partner-correlation-id").cloned();
    let reply = match read_body(&parts.headers, body).await {
        Err(refusal) => Ok(refusal),
        Ok(body) => {
            if shared.control && crate::control::is_control(parts.uri.path()) {
                Ok(crate::control::handle(&shared, &parts.method, &parts.uri, &body).await)
            } else {
                api(&shared, &parts.method, &parts.uri, &parts.headers, &body).await
            }
        }
    };
    match reply {
        Ok(reply) => Ok(respond(reply, correlation).map(http_body_util::Either::Left)),
        Err(Lost::Dropped) => Err(Dropped),
        Err(Lost::Cut(reply)) => {
            let (mut parts, body) = respond(reply, correlation).into_parts();
            let whole = body_bytes(body);
            parts
                .headers
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(whole.len()));
            let half = whole.slice(..whole.len() / 2);
            Ok(Response::from_parts(
                parts,
                http_body_util::Either::Right(CutBody::new(half)),
            ))
        }
    }
}

/// The bytes of a whole answer's body.
fn body_bytes(body: Full<Bytes>) -> Bytes {
    use hyper::body::Body as _;
    let mut body = std::pin::pin!(body);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match body.as_mut().poll_frame(&mut cx) {
        std::task::Poll::Ready(Some(Ok(frame))) => frame.into_data().unwrap_or_default(),
        _ => Bytes::new(),
    }
}

/// Reads the body up to [`MAX_REQUEST_BODY_BYTES`]; a larger one is refused before it is read to the end.
async fn read_body(headers: &HeaderMap, body: hyper::body::Incoming) -> Result<Bytes, Reply> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_REQUEST_BODY_BYTES as u64) {
        return Err(Reply::too_large(MAX_REQUEST_BODY_BYTES));
    }
    match Limited::new(body, MAX_REQUEST_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(Reply::too_large(MAX_REQUEST_BODY_BYTES))
        }
        Err(e) => Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "INPUT_ERROR",
            "INVALID_REQUEST",
            &format!("The request body could not be read: {e}"),
        )),
    }
}

/// A reply as an HTTP response, echoing `Partner-Correlation-Id`.
fn respond(reply: Reply, correlation: Option<HeaderValue>) -> Response<Full<Bytes>> {
    let body = reply
        .body
        .as_ref()
        .map(|b| serde_json::to_vec(b).unwrap_or_default())
        .unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    if reply.body.is_some() {
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    for (name, value) in &reply.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(*name, value);
        }
    }
    if let Some(c) = correlation {
        headers.insert("partner-correlation-id", c);
    }
    response
}

/// A call of Klarna's API: authentication, content type, faults, then the state machines under the lock.
async fn api(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, Lost> {
    if !authorized(shared, headers) {
        return Ok(Reply::unauthorized());
    }
    let segments = segments(uri);
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let rest = match segs.as_slice() {
        ["v2", "accounts", _, rest @ ..] | ["v2", rest @ ..] => rest,
        _ => &[][..],
    };
    let operation = crate::fallback::operation(method, uri.path());
    if !body.is_empty()
        && let Err(refusal) = check_content_type(headers, operation)
    {
        return Ok(refusal);
    }
    let strike = shared.strike(operation.map(|op| op.operation_id.as_str()), rest);
    if let Some(strike) = strike
        && strike.timing == Timing::Before
    {
        match strike.fault {
            Fault::DropConnection => return Err(Lost::Dropped),
            Fault::CutBody => {
                return Err(Lost::Cut(
                    Fault::InternalError
                        .reply()
                        .unwrap_or_else(Reply::no_content),
                ));
            }
            Fault::Slow { delay } => tokio::time::sleep(delay).await,
            fault => {
                if let Some(reply) = fault.reply() {
                    return Ok(reply);
                }
            }
        }
    }
    let reply = {
        let mut state = shared.lock();
        let mut reply = idempotent(&mut state, method, uri, headers, body, &segs);
        if let Some(status) = state.integration.verification_status() {
            reply
                .headers
                .push(("klarna-mtls-verification-status", status.to_owned()));
        }
        let jobs = std::mem::take(&mut state.outbox);
        drop(state);
        shared.send(jobs);
        reply
    };
    match strike {
        Some(strike) if strike.timing == Timing::After => match strike.fault {
            Fault::DropConnection => Err(Lost::Dropped),
            Fault::CutBody => Err(Lost::Cut(reply)),
            Fault::Slow { delay } => {
                tokio::time::sleep(delay).await;
                Ok(reply)
            }
            fault => Ok(fault.reply().unwrap_or(reply)),
        },
        _ => Ok(reply),
    }
}

/// A call of the API from inside the fake (seed data): the same path as over HTTP, with a dropped connection reported as an error.
pub(crate) async fn call(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    api(shared, method, uri, headers, body)
        .await
        .unwrap_or_else(|lost| match lost {
            // The fake's own answer, which a real connection would have lost half of.
            Lost::Cut(reply) => reply,
            Lost::Dropped => Reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "TECHNICAL_ERROR",
                "CONNECTION_DROPPED",
                "an injected fault dropped the connection",
            ),
        })
}

/// A body must come as JSON (`application/json` or a `+json` type, any parameters), or as
/// `multipart/form-data` to an operation that takes no JSON body (a file upload).
fn check_content_type(
    headers: &HeaderMap,
    operation: Option<&crate::fallback::Operation>,
) -> Result<(), Reply> {
    let given = headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not text)"));
    let essence = given
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    let multipart_ok =
        essence == "multipart/form-data" && operation.is_some_and(|op| op.may_take_multipart());
    if json || multipart_ok {
        Ok(())
    } else {
        Err(Reply::unsupported_content_type(given, "application/json"))
    }
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    use base64::Engine as _;
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(credentials) = value.strip_prefix("Basic ") else {
        return false;
    };
    if credentials == shared.api_key {
        return true;
    }
    // Standard Basic with an empty user, which Klarna's own tools send (FACTS §1).
    base64::engine::general_purpose::STANDARD
        .decode(credentials)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .is_some_and(|pair| pair.strip_prefix(':') == Some(shared.api_key.as_str()))
}

/// The path's segments, percent-decoded.
fn segments(uri: &Uri) -> Vec<String> {
    uri.path()
        .trim_matches('/')
        .split('/')
        .map(decode_segment)
        .collect()
}

fn idempotent(
    state: &mut State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    segs: &[&str],
) -> Reply {
    state.sweep();
    let idempotency_key = if matches!(*method, Method::POST | Method::PATCH) {
        match headers
            .get("klarna-idempotency-key")
            .map(HeaderValue::to_str)
        {
            None => None,
            Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Some(k.to_owned()),
            Some(_) => {
                return Reply::validation(
                    "Klarna-Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                );
            }
        }
    } else {
        None
    };
    let fingerprint = (method.to_string(), uri.to_string(), body.to_vec());
    if let Some(key) = &idempotency_key
        && let Some(entry) = state.idempotency.get(key)
    {
        return if entry.fingerprint == fingerprint {
            entry.reply.clone()
        } else {
            Reply::conflict(&format!(
                "Idempotent operation on {} failed: the idempotency key '{key}' was already used with a different request",
                uri.path()
            ))
        };
    }
    let reply = route(state, method, uri, headers, body, segs);
    if let Some(key) = idempotency_key
        && reply.is_success()
    {
        let at = state.now();
        state.idempotency.insert(
            key,
            IdempotencyEntry {
                fingerprint,
                reply: reply.clone(),
                at,
            },
        );
    }
    reply
}

/// Percent-decodes one path segment (ids are KRNs, whose `:` a client may encode).
pub(crate) fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The route table: `/v2/accounts/{id}/...` acts for a partner account, `/v2/...` for the key's own. Each
/// stateful resource's module claims its routes; the rest answer from the specs.
fn route(
    state: &mut State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    segs: &[&str],
) -> Reply {
    let (account, rest): (String, &[&str]) = match segs {
        ["v2", "accounts", account, rest @ ..] => ((*account).to_owned(), rest),
        ["v2", rest @ ..] => (state.account_id.clone(), rest),
        _ => return crate::fallback::no_route(method, uri.path()),
    };
    let claimed = crate::integration::route(state, method, rest, body)
        .or_else(|| match (method, rest) {
            (&Method::POST, ["portal", "deep-links"]) => {
                Some(crate::integration::deep_link(state, body))
            }
            _ => None,
        })
        .or_else(|| notification::route(state, method, rest, body))
        .or_else(|| payment_requests::route(state, &account, method, rest, body))
        .or_else(|| authorization::route(state, &account, method, rest, headers, body))
        .or_else(|| transactions::route(state, &account, method, rest, body));
    match claimed {
        Some(reply) => reply,
        None => crate::fallback::answer(state, method, uri, body),
    }
}
