//! The client against a hostile HTTP server: raw TCP servers that answer with bytes no sane
//! server sends (bodies that trickle forever, heads that never end, garbage instead of a status
//! line, lying `Content-Length`s, informational responses, oversized or repeated headers, hostile
//! `Retry-After` values, redirects to another host). Every call must end, within its timeouts,
//! with a result or a clear error, and never send a second non-idempotent request.

mod common;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestTime, builder};
use klarna_runtime::{Client, ErrorKind, Method, Request, RetryPolicy, TimeoutKind};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What a raw server saw: one entry per request, the request's head and body as sent.
type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

/// Reads one request (head, then a body of its `Content-Length`); `None` when the peer closed.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 8192];
    let head_end = loop {
        if let Some(at) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        seen.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&seen[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while seen.len() < head_end + len {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        seen.extend_from_slice(&buf[..n]);
    }
    Some(seen)
}

/// A raw server: for every connection, reads the first request, records it, and hands the
/// connection to `reply` with the connection's number (0-based). Returns the base URL and the
/// requests seen.
async fn raw_server<F, Fut>(reply: F) -> (String, Seen)
where
    F: Fn(usize, TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    let reply = Arc::new(reply);
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (seen, reply, i) = (seen2.clone(), reply.clone(), n);
            n += 1;
            tokio::spawn(async move {
                if let Some(req) = read_request(&mut stream).await {
                    seen.lock().unwrap().push(req);
                    reply(i, stream).await;
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

/// A server that writes `bytes` on every connection, then keeps it open for a long time.
async fn replying(bytes: &'static [u8]) -> (String, Seen) {
    raw_server(move |_, mut s| async move {
        let _ = s.write_all(bytes).await;
        tokio::time::sleep(Duration::from_secs(600)).await;
    })
    .await
}

/// A server that writes `bytes` on every connection and closes it.
async fn replying_then_closing(bytes: &'static [u8]) -> (String, Seen) {
    raw_server(move |_, mut s| async move {
        let _ = s.write_all(bytes).await;
        let _ = s.shutdown().await;
    })
    .await
}

/// Real time (tokio's timer), the given attempt, read and total timeouts, and a retry policy
/// whose backoff is short.
fn real_client(url: &str, attempt: Duration, read: Duration, total: Duration) -> Client {
    klarna_runtime::builder()
        .api_key(common::API_KEY)
        .base_url(url)
        .retry_policy(
            RetryPolicy::new()
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .attempt_timeout(attempt)
        .read_timeout(read)
        .total_timeout(total)
        .build()
        .unwrap()
}

fn get(p: &str) -> Request {
    Request::new("getThing", Method::GET, p.to_owned())
}

fn post_without_key() -> Request {
    Request::new("createThing", Method::POST, "/v2/things".to_owned())
        .json(&serde_json::json!({"amount": 100}))
}

fn post_with_key() -> Request {
    post_without_key().idempotent()
}

/// Runs a call under a watchdog: a hang fails the test instead of stalling the run.
async fn bounded<T>(what: &str, limit: Duration, call: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, call).await {
        Ok(out) => out,
        Err(_) => panic!("{what}: still running after {limit:?}"),
    }
}

fn idempotency_key(request: &[u8]) -> Option<String> {
    String::from_utf8_lossy(request)
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("klarna-idempotency-key:")
                .map(|v| v.trim().to_owned())
        })
        .filter(|k| !k.is_empty())
}

const S: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

// ---- bodies and heads that never end ----

/// Sends a chunked head, then a one-byte chunk every 20 ms, forever: never idle long enough for
/// the read timeout, never near the body size limit.
async fn trickling() -> (String, Seen) {
    raw_server(|_, mut s| async move {
        let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if s.write_all(head).await.is_err() {
            return;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if s.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_body_that_trickles_forever_is_cut_by_the_attempt_and_total_timeouts() {
    let (url, seen) = trickling().await;
    // no retry: the attempt timeout covers reading the body, not only the head
    let c = real_client(&url, 500 * MS, 300 * MS, 60 * S);
    let started = Instant::now();
    let err = bounded(
        "trickle",
        20 * S,
        c.execute(get("/v2/x").options({
            let mut o = klarna_runtime::RequestOptions::new();
            o.set_retry_policy(RetryPolicy::disabled());
            o
        })),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt), "{err}");
    assert!(started.elapsed() < 10 * S, "{:?}", started.elapsed());
    // with retries, the total timeout bounds the whole call
    let c = real_client(&url, 10 * S, 300 * MS, 1200 * MS);
    let started = Instant::now();
    let err = bounded("trickle with retries", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total), "{err}");
    assert!(started.elapsed() < 10 * S, "{:?}", started.elapsed());
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn collecting_a_streamed_body_that_trickles_forever_ends_at_the_total_timeout() {
    let (url, _) = trickling().await;
    let c = real_client(&url, 500 * MS, 300 * MS, 1500 * MS);
    let started = Instant::now();
    let resp = c.execute_streaming(get("/v2/report")).await.unwrap();
    let err = bounded("collect", 20 * S, resp.collect())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total), "{err}");
    assert!(err.to_string().contains("total timeout"), "{err}");
    assert!(started.elapsed() < 10 * S, "{:?}", started.elapsed());
}

/// Sends `status` with a chunked body of 64 KiB chunks, as fast as the client reads, forever.
async fn endless(status: &'static str) -> (String, Seen) {
    raw_server(move |_, mut s| async move {
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("10000\r\n{}\r\n", "[".repeat(0x10000));
        while s.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await
}

#[tokio::test]
async fn an_endless_body_without_a_length_stops_at_the_size_limit() {
    let limit = 1 << 20;
    let client = |url: &str| {
        klarna_runtime::builder()
            .api_key(common::API_KEY)
            .base_url(url)
            .retry_policy(RetryPolicy::disabled())
            .max_body_size(limit)
            .build()
            .unwrap()
    };
    // a success body: refused past the limit
    let (url, _) = endless("200 OK").await;
    let c = client(&url);
    let err = bounded("endless 200", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");
    assert!(err.to_string().contains("limit of 1048576 bytes"), "{err}");
    // collected from a stream: the same
    let resp = c.execute_streaming(get("/v2/x")).await.unwrap();
    let err = bounded("endless collect", 20 * S, resp.collect())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");
    // an error body: dropped, and the error says so while keeping the status
    let (url, _) = endless("500 Internal Server Error").await;
    let err = bounded("endless 500", 20 * S, client(&url).execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(
        err.to_string()
            .contains("its body was dropped because it is larger than the limit of 1048576 bytes"),
        "{err}"
    );
    assert_eq!(err.raw_body(), Some(&b""[..]));
}

#[tokio::test]
async fn a_head_that_never_ends_is_an_error_not_a_hang() {
    // fast: header lines without end, more than any head limit
    let (url, _) = raw_server(|_, mut s| async move {
        if s.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
            return;
        }
        let line = format!("x-pad: {}\r\n", "a".repeat(1000));
        while s.write_all(line.as_bytes()).await.is_ok() {}
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("endless head", 30 * S, c.execute(post_with_key()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.may_have_been_sent());
    // slow: one short header line every 20 ms, never idle for the read timeout
    let (url, _) = raw_server(|_, mut s| async move {
        if s.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
            return;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if s.write_all(b"x-a: b\r\n").await.is_err() {
                return;
            }
        }
    })
    .await;
    let c = real_client(&url, 600 * MS, 300 * MS, 10 * S);
    let started = Instant::now();
    let err = bounded("slow endless head", 20 * S, c.execute(post_without_key()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.attempts(), 1, "a POST without a key is not resent");
    assert!(started.elapsed() < 10 * S);
}

// ---- answers that are not HTTP ----

#[tokio::test]
async fn garbage_or_http09_instead_of_a_status_line_is_a_transport_error() {
    for reply in [
        &b"garbage\r\n\r\n"[..],
        b"{\"id\":\"1\"}",
        b"HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 OK\r\n\r\n",
        b"\x00\xff\xfe binary \x00\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: nope\r\n\r\n",
    ] {
        let (url, seen) = replying_then_closing(reply).await;
        let c = real_client(&url, 5 * S, 5 * S, 10 * S);
        let err = bounded("garbage", 20 * S, c.execute(post_without_key()))
            .await
            .unwrap_err();
        let shown = String::from_utf8_lossy(reply);
        assert_eq!(err.kind(), ErrorKind::Transport, "{shown}: {err}");
        assert!(err.may_have_been_sent(), "{shown}");
        assert_eq!(
            err.attempts(),
            1,
            "{shown}: a POST without a key is not resent"
        );
        assert_eq!(seen.lock().unwrap().len(), 1, "{shown}");
        let text = err.to_string();
        assert!(text.contains("createThing"), "{text}");
        assert!(text.len() < 1000, "{text}");
    }
}

#[tokio::test]
async fn a_content_length_that_lies_is_caught() {
    // shorter body than announced, then the connection closes: broken, and a GET is retried
    let (url, seen) =
        replying_then_closing(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"id\":").await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("short body", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.attempts(), 3, "{err}");
    assert_eq!(seen.lock().unwrap().len(), 3);
    // longer body than announced: only the announced bytes are the body
    let (url, _) = replying(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}{\"injected\":true}",
    )
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let r = bounded("long body", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap();
    assert_eq!(r.body(), b"{}");
    // two different lengths: refused
    let (url, _) = replying_then_closing(
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n{}{}{",
    )
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("conflicting lengths", 20 * S, c.execute(post_without_key()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.attempts(), 1);
}

// ---- a connection lost mid-answer: never a second charge ----

#[tokio::test]
async fn a_post_cut_off_mid_body_is_resent_only_with_its_idempotency_key() {
    let reply: &[u8] =
        b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n{\"id\":";
    // without a key: sent once, the error says the outcome is unknown
    let (url, seen) = raw_server(move |_, mut s| async move {
        let _ = s.write_all(reply).await;
        let _ = s.set_zero_linger();
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("reset post", 20 * S, c.execute(post_without_key()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.may_have_been_sent());
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "a POST without a key was sent twice"
    );
    // with a key: resent, every time with the same key
    let (url, seen) = raw_server(move |i, mut s| async move {
        if i < 2 {
            let _ = s.write_all(reply).await;
            let _ = s.set_zero_linger();
        } else {
            let _ = s
                .write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n{\"id\":\"1\"}")
                .await;
        }
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let r = bounded("reset post with key", 20 * S, c.execute(post_with_key()))
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.attempts(), 3);
    let seen = seen.lock().unwrap();
    let keys: Vec<_> = seen.iter().map(|r| idempotency_key(r)).collect();
    assert_eq!(keys.len(), 3);
    assert!(keys[0].is_some(), "{keys:?}");
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
}

#[tokio::test]
async fn a_server_that_closes_before_answering() {
    let (url, seen) = raw_server(|_, s| async move { drop(s) }).await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("close", 20 * S, c.execute(post_without_key()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);
    let err = bounded("close", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3, "{err}");
    assert_eq!(seen.lock().unwrap().len(), 4);
}

// ---- heads that are HTTP, but unusual ----

#[tokio::test]
async fn informational_responses_before_the_answer_are_skipped() {
    let (url, seen) = replying(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"id\":\"ok\"}",
    )
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let r = bounded("1xx", 20 * S, c.execute(post_with_key()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.body(), br#"{"id":"ok"}"#);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_final_status_outside_success_and_error_is_an_unexpected_response() {
    for (reply, status) in [
        (
            &b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"[..],
            101,
        ),
        (b"HTTP/1.1 999 Whatever\r\ncontent-length: 0\r\n\r\n", 999),
        (b"HTTP/1.1 600 Nope\r\ncontent-length: 2\r\n\r\n{}", 600),
    ] {
        let (url, seen) = replying(reply).await;
        let c = real_client(&url, 2 * S, 2 * S, 10 * S);
        let err = bounded("odd status", 20 * S, c.execute(get("/v2/x")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable(), "{err}");
        assert_eq!(err.attempts(), 1);
        assert_eq!(seen.lock().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn broken_chunking_is_a_transport_error_and_transfer_codings_are_not_inflated() {
    for reply in [
        &b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"[..],
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello",
    ] {
        let (url, seen) = replying(reply).await;
        let c = real_client(&url, 2 * S, 2 * S, 10 * S);
        let shown = String::from_utf8_lossy(reply);
        let err = bounded(&shown, 20 * S, c.execute(post_without_key()))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{shown}: {err}");
        assert!(err.may_have_been_sent());
        assert_eq!(err.attempts(), 1, "{shown}: {err}");
        assert_eq!(seen.lock().unwrap().len(), 1, "{shown}");
    }
    // chunked wins over Content-Length; the gzip coding is left as it is
    let (url, _) = replying(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\ncontent-length: 2\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    )
    .await;
    let c = real_client(&url, 2 * S, 2 * S, 10 * S);
    let r = bounded("te", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap();
    assert_eq!(r.body(), b"hello");
}

#[tokio::test]
async fn a_huge_header_value_is_bounded_in_the_error() {
    // an echoed correlation id of 64 KiB on an error answer
    let (url, _) = raw_server(|_, mut s| async move {
        let head = format!(
            "HTTP/1.1 400 Bad Request\r\npartner-correlation-id: {}\r\ncontent-length: 0\r\n\r\n",
            "c".repeat(64 * 1024)
        );
        let _ = s.write_all(head.as_bytes()).await;
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("huge header", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    let text = err.to_string();
    assert!(text.len() < 2000, "{} bytes: {}", text.len(), &text[..300]);
    // the full value stays available
    assert_eq!(err.correlation_id().map(str::len), Some(64 * 1024));
    // beyond the HTTP stack's limit for a head: an error, not a panic or a hang
    let (url, _) = raw_server(|_, mut s| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\nx-big: {}\r\ncontent-length: 0\r\n\r\n",
            "b".repeat(4 * 1024 * 1024)
        );
        let _ = s.write_all(head.as_bytes()).await;
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("head too large", 20 * S, c.execute(post_without_key()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
}

#[tokio::test]
async fn repeated_headers_take_the_first_value_and_never_panic() {
    let (url, _) = replying(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-type: text/html\r\npartner-correlation-id: first\r\npartner-correlation-id: second\r\ncontent-length: 2\r\n\r\n{}",
    )
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let r = bounded("dup headers", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap();
    assert_eq!(r.correlation_id(), Some("first"));
    r.json::<serde_json::Value>().unwrap();
}

// ---- error bodies ----

#[tokio::test]
async fn a_non_json_error_body_keeps_status_correlation_id_and_says_what_it_is() {
    let (url, _) = raw_server(|_, mut s| async move {
        let mut body = b"<html><body>502 Bad Gateway \xff\xfe\x1b[31m".to_vec();
        body.extend(std::iter::repeat_n(b'x', 100_000));
        let head = format!(
            "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\npartner-correlation-id: abc123\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes()).await;
        let _ = s.write_all(&body).await;
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("html 502", 20 * S, c.execute(post_without_key()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.correlation_id(), Some("abc123"));
    assert_eq!(err.attempts(), 1);
    let text = err.to_string();
    assert!(text.contains("502"), "{text}");
    // what was wrong, without the body's content (bodies stay out of errors and logs)
    assert!(
        text.contains("not its error format (Content-Type 'text/html', 100035 bytes, not UTF-8)"),
        "{text}"
    );
    assert!(
        !text.contains("<html>") && !format!("{err:?}").contains("<html>"),
        "{text}"
    );
    assert!(text.len() < 1000, "{} bytes", text.len());
    assert_eq!(err.raw_body().map(<[u8]>::len), Some(100_000 + 35));
}

#[tokio::test]
async fn huge_error_fields_are_cut_in_the_message() {
    let (url, _) = raw_server(|_, mut s| async move {
        let big = "Z".repeat(100_000);
        let body = serde_json::json!({
            "error_id": big, "error_type": big, "error_code": big, "error_message": big,
        })
        .to_string();
        let head = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes()).await;
        let _ = s.write_all(body.as_bytes()).await;
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("huge error body", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.error_code().map(str::len), Some(100_000), "kept whole");
    let text = err.to_string();
    assert!(text.len() < 2000, "{} bytes", text.len());
    assert!(text.contains("400 Bad Request (ZZZ"), "{}", &text[..200]);
}

// ---- Retry-After ----

#[tokio::test]
async fn hostile_retry_after_values_are_capped_and_bounded_by_the_deadline() {
    let server = MockServer::start().await;
    let future = httpdate::fmt_http_date(
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000 + 10_000_000),
    );
    let values: Vec<String> = [
        "-5",
        "-0",
        "1000000000000",
        "18446744073709551615",
        "99999999999999999999999",
        "1e400",
        "NaN",
        "inf",
        "0x10",
        "garbage",
        "",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([future])
    .collect();
    for (i, v) in values.iter().enumerate() {
        Mock::given(path(format!("/v2/r{i}")))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", v.as_str()))
            .mount(&server)
            .await;
    }
    for policy in [
        RetryPolicy::new(),
        RetryPolicy::new().with_max_retry_after(Duration::MAX),
    ] {
        // the capped 60 s waits complete at once; the attempt timeout (65 s) never fires
        let time = TestTime::default().with_instant_below(Duration::from_secs(61));
        let c = builder(&server.uri(), &time)
            .retry_policy(policy.clone())
            .build()
            .unwrap();
        for (i, v) in values.iter().enumerate() {
            let before = time.sleeps().len();
            let err = bounded(v, 20 * S, c.execute(get(&format!("/v2/r{i}"))))
                .await
                .unwrap_err();
            assert!(err.attempts() <= 3, "{v}");
            // the 503, or (when the capped waits left too little for an attempt, which the fake
            // clock cannot tell from a slow one) the total timeout
            assert!(
                err.status().map(|s| s.as_u16()) == Some(503)
                    || err.timeout_kind() == Some(TimeoutKind::Total),
                "{v}: {err}"
            );
            // no wait longer than the policy's cap, all of them within the total timeout
            let waits = &time.sleeps()[before..];
            for d in waits {
                assert!(*d <= policy.max_retry_after(), "{v}: {d:?}");
            }
            assert!(
                waits.iter().sum::<Duration>() <= Duration::from_secs(150),
                "{v}: {waits:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_largest_timeouts_do_not_overflow() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/x"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1000000000000"))
        .mount(&server)
        .await;
    // every wait completes at once, except the endless attempt timer
    let time = TestTime::default().with_instant_below(Duration::MAX);
    let c = builder(&server.uri(), &time)
        .retry_policy(
            RetryPolicy::new()
                .with_max_retry_after(Duration::MAX)
                .with_max_backoff(Duration::MAX)
                .with_initial_backoff(Duration::MAX),
        )
        .total_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .build()
        .unwrap();
    let err = bounded("max timeouts", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(err.attempts(), 3);
    // no limit was asked for, and none applied
    assert_eq!(time.sleeps(), [Duration::from_secs(1_000_000_000_000); 2]);
    // with the default cap, the same server gets 60 s waits
    let time = TestTime::default().with_instant_below(Duration::MAX);
    let c = builder(&server.uri(), &time)
        .total_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .build()
        .unwrap();
    let err = bounded("max total", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(time.sleeps(), [Duration::from_secs(60); 2]);
}

// ---- redirects ----

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_leaks_nothing() {
    let (elsewhere, stolen) = replying(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
    let location: &'static str = Box::leak(format!("{elsewhere}/steal").into_boxed_str());
    let (url, seen) = raw_server(move |_, mut s| async move {
        let head = format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
        );
        let _ = s.write_all(head.as_bytes()).await;
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    for req in [get("/v2/x"), post_with_key()] {
        let err = bounded("redirect", 20 * S, c.execute(req))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
        assert_eq!(err.attempts(), 1);
    }
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(
        stolen.lock().unwrap().is_empty(),
        "the other host was contacted"
    );
    // a loop (a redirect to itself) ends the same way
    let (url, seen) = raw_server(|_, mut s| async move {
        let _ = s
            .write_all(
                b"HTTP/1.1 301 Moved Permanently\r\nlocation: /v2/x\r\ncontent-length: 0\r\n\r\n",
            )
            .await;
    })
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let err = bounded("redirect loop", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(301));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

// ---- compressed bodies ----

#[tokio::test]
async fn compressed_bodies_are_not_inflated() {
    // the client asks for no encoding and inflates nothing: a gzip "bomb" stays its wire size,
    // bounded by the body limit, and fails to decode as JSON
    let (url, seen) = replying(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: 19\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xc1\x01\x0d\x00\x00\x00\xc2\xa0",
    )
    .await;
    let c = real_client(&url, 5 * S, 5 * S, 10 * S);
    let r = bounded("gzip", 20 * S, c.execute(get("/v2/x")))
        .await
        .unwrap();
    assert_eq!(r.body().len(), 19);
    let err = r.json::<serde_json::Value>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    let req = String::from_utf8_lossy(&seen.lock().unwrap()[0]).to_ascii_lowercase();
    assert!(!req.contains("accept-encoding: gzip"), "{req}");
}

// ---- pagination ----

/// The same huge cursor on every page: the stream ends with a cycle error whose message quotes
/// only the cursor's start.
#[tokio::test]
async fn a_huge_repeated_cursor_ends_the_stream_with_a_bounded_message() {
    let server = MockServer::start().await;
    let cursor = "k".repeat(20_000);
    Mock::given(path("/v2/stores"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"stores": [{"id": "a"}], "pagination": {"last_item": cursor}}),
        ))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time).build().unwrap();
    let list = |cursor: Option<String>| {
        let r = Request::new("listStores", Method::GET, "/v2/stores".to_owned());
        match cursor {
            Some(c) => r.query("starting_after", c),
            None => r,
        }
    };
    let split = |p: serde_json::Value| {
        let items = p["stores"].as_array().cloned().unwrap_or_default();
        let next = p["pagination"]["last_item"].as_str().map(str::to_owned);
        (items, next)
    };
    let mut stream = klarna_runtime::paginate(c, list, split);
    let mut items = 0;
    let err = bounded("cycle", 20 * S, async {
        loop {
            match stream.next().await {
                Some(Ok(_)) => items += 1,
                Some(Err(e)) => break e,
                None => panic!("the stream ended without reporting the cycle"),
            }
        }
    })
    .await;
    assert_eq!(
        items, 2,
        "two pages, the second pointing to the first's cursor again"
    );
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);
    let text = err.to_string();
    assert!(text.contains("a second time (a cycle)"), "{}", &text[..200]);
    assert!(text.len() < 1000, "{} bytes", text.len());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
