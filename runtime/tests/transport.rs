//! Timeouts (connect, attempt, total), refused and reset connections, body limits and
//! streaming/multipart transport.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{TestTime, builder, client};
use futures_util::StreamExt as _;
use klarna_runtime::{ErrorKind, Method, Multipart, Request, RequestOptions, TimeoutKind};
use tokio::io::AsyncReadExt as _;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(p: &str) -> Request {
    Request::new("testOp", Method::GET, p.to_owned())
}

/// A server whose responses never come (within the test).
async fn slow_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/v2/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn attempt_timeout_fires_and_is_retried_for_get() {
    let server = slow_server().await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .attempt_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let err = c.execute(get("/v2/slow")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert!(err.may_have_been_sent());
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn attempt_timeout_per_request_and_post_without_key_not_retried() {
    let server = slow_server().await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let mut opts = RequestOptions::new();
    opts.set_attempt_timeout(Duration::from_secs(1));
    let req = Request::new("op", Method::POST, "/v2/slow".to_owned()).options(opts);
    let err = c.execute(req).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert!(err.may_have_been_sent());
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn total_timeout_fires() {
    let server = slow_server().await;
    let time = TestTime::default();
    let mut opts = RequestOptions::new();
    opts.set_timeout(Duration::from_secs(3));
    let err = client(&server.uri(), &time)
        .execute(get("/v2/slow").options(opts))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total));
    assert_eq!(err.attempts(), 1, "no time is left for a retry");
}

#[tokio::test]
async fn connection_refused_is_transport_not_sent_and_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let time = TestTime::default();
    let c = client(&format!("http://{addr}"), &time);
    // even a POST without idempotency key is retried: nothing reached the server
    let err = c
        .execute(Request::new("op", Method::POST, "/v2/x".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(!err.may_have_been_sent());
    assert_eq!(err.attempts(), 3);
    assert_eq!(time.sleeps().len(), 2);
    let shown = err.to_string();
    assert!(shown.contains("could not connect"), "{shown}");
    // The root cause, once, with the call's context after it.
    assert_eq!(
        shown.to_lowercase().matches("connection refused").count(),
        1,
        "{shown}"
    );
    assert!(
        shown.starts_with("transport error: could not connect"),
        "{shown}"
    );
    assert!(shown.contains("(operation op, 3 attempts"), "{shown}");
}

#[tokio::test]
async fn a_tls_failure_names_its_cause() {
    // A plain-HTTP server spoken to over TLS: the handshake fails.
    let server = wiremock::MockServer::start().await;
    let https = server.uri().replace("http://", "https://");
    let time = TestTime::default();
    let err = client(&https, &time)
        .execute(get("/v2/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    let shown = err.to_string();
    let cause = {
        let mut c: &dyn std::error::Error = &err;
        while let Some(next) = c.source() {
            c = next;
        }
        c.to_string()
    };
    assert!(
        shown.contains(&format!("TLS: {cause}")),
        "{shown} does not name {cause}"
    );
    assert_eq!(shown.matches(&cause).count(), 1, "{shown}");
}

#[tokio::test]
async fn connect_timeout_against_a_listener_whose_backlog_is_full() {
    // A listener that never accepts, with its accept queue filled: further SYNs are
    // dropped, so connecting hangs until the connect timeout (a real, short timer inside
    // the HTTP stack; nothing is asserted about elapsed time).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(s)) => fillers.push(s),
            _ => break,
        }
    }
    let time = TestTime::default();
    let c = builder(&format!("http://{addr}"), &time)
        .connect_timeout(Duration::from_millis(300))
        .retry_policy(klarna_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Connect));
    assert!(!err.may_have_been_sent());
    drop(listener);
}

/// A raw server that reads each request's head, then closes the connection with a reset.
async fn resetting_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let c2 = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            c2.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let _ = stream.set_zero_linger();
                drop(stream);
            });
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test]
async fn connection_reset_after_sending() {
    let (url, count) = resetting_server().await;
    let time = TestTime::default();
    let c = client(&url, &time);
    let err = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(err.may_have_been_sent());
    assert_eq!(err.attempts(), 3, "GET is retried");
    assert_eq!(count.load(Ordering::SeqCst), 3);

    let before = count.load(Ordering::SeqCst);
    let err = c
        .execute(
            Request::new("op", Method::POST, "/v2/x".to_owned()).json(&serde_json::json!({"a": 1})),
        )
        .await
        .unwrap_err();
    assert!(err.may_have_been_sent());
    assert_eq!(
        err.attempts(),
        1,
        "a POST without key that may have been sent is not retried"
    );
    assert_eq!(count.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn body_over_the_limit_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 10_000]))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .max_body_size(4096)
        .build()
        .unwrap();
    let err = c.execute(get("/v2/big")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(err.attempts(), 1);
    // within the limit it is fine
    let c = builder(&server.uri(), &time)
        .max_body_size(10_000)
        .build()
        .unwrap();
    assert_eq!(
        c.execute(get("/v2/big")).await.unwrap().body().len(),
        10_000
    );
}

#[tokio::test]
async fn streaming_download_is_not_buffered_by_the_client() {
    let server = MockServer::start().await;
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/v2/report"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/csv")
                .set_body_bytes(payload.clone()),
        )
        .mount(&server)
        .await;
    let time = TestTime::default();
    // the buffered limit is far below the payload size: streaming is not bound by it
    let c = builder(&server.uri(), &time)
        .max_body_size(1024)
        .build()
        .unwrap();
    let resp = c.execute_streaming(get("/v2/report")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.content_length(), Some(payload.len() as u64));
    let mut stream = resp.bytes_stream();
    let mut got = Vec::new();
    while let Some(chunk) = stream.next().await {
        got.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(got, payload);

    // collect() is bounded
    let err = c
        .execute_streaming(get("/v2/report"))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);

    // errors are still parsed
    Mock::given(path("/v2/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"error_code": "RESOURCE_NOT_FOUND"})),
        )
        .mount(&server)
        .await;
    let err = c.execute_streaming(get("/v2/missing")).await.unwrap_err();
    assert_eq!(err.error_code(), Some("RESOURCE_NOT_FOUND"));
}

#[tokio::test]
async fn multipart_upload_is_sent_and_resent_on_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/upload"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/upload"))
        .and(header("klarna-idempotency-key", "upload-1"))
        .respond_with(ResponseTemplate::new(201))
        .with_priority(2)
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let form = Multipart::new().text("description", "receipt").file(
        "file",
        "receipt.pdf",
        "application/pdf",
        b"%PDF-1.7 fake".to_vec(),
    );
    let mut opts = RequestOptions::new();
    opts.set_idempotency_key("upload-1");
    let req = Request::new("uploadEvidence", Method::POST, "/v2/upload".to_owned())
        .multipart(form)
        .options(opts);
    let resp = c.execute(req).await.unwrap();
    assert_eq!(resp.status(), 201);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        let ct = r.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains("name=\"description\""));
        assert!(body.contains("receipt"));
        assert!(body.contains("filename=\"receipt.pdf\""));
        assert!(body.contains("Content-Type: application/pdf"));
        assert!(body.contains("%PDF-1.7 fake"));
    }

    let bad = Request::new("uploadEvidence", Method::POST, "/v2/upload".to_owned())
        .multipart(Multipart::new().file("f", "x", "not a mime\u{7f}", vec![1u8]));
    assert_eq!(
        c.execute(bad).await.unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
}

/// A raw server that reads each request's head and then answers with `reply` (possibly
/// nothing, or headers and part of a body) and keeps the connection open without sending more.
async fn stalling_server(reply: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt as _;
                let mut buf = vec![0u8; 8192];
                let mut seen = Vec::new();
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let _ = stream.write_all(reply).await;
                tokio::time::sleep(Duration::from_secs(600)).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Tokio's own sleep (no injected time): the read timeout and the attempt timeout race on one
/// clock.
fn real_time_client(url: &str, read: Duration, attempt: Duration) -> klarna_runtime::Client {
    klarna_runtime::builder()
        .api_key(common::API_KEY)
        .base_url(url)
        .retry_policy(klarna_runtime::RetryPolicy::disabled())
        .read_timeout(read)
        .attempt_timeout(attempt)
        .build()
        .unwrap()
}

fn assert_read_timeout(err: &klarna_runtime::Error) {
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err:?}");
    assert!(err.may_have_been_sent());
}

const HEAD_AND_PART_OF_BODY: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\nfirst bytes";

#[tokio::test]
async fn read_timeout_while_waiting_for_the_response() {
    let url = stalling_server(b"").await;
    let ms = Duration::from_millis;
    // shorter than the attempt timeout: the read timeout fires
    let c = real_time_client(&url, ms(300), Duration::from_secs(60));
    assert_read_timeout(&c.execute(get("/v2/x")).await.unwrap_err());
    // as long as the attempt timeout: still reported as the read timeout
    let c = real_time_client(&url, ms(300), ms(300));
    assert_read_timeout(&c.execute(get("/v2/x")).await.unwrap_err());
    // longer: the attempt timeout fires
    let c = real_time_client(&url, Duration::from_secs(60), ms(300));
    let err = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt), "{err:?}");
    // the same with injected time, whose long sleeps never end: the read timeout still runs
    let time = TestTime::default();
    let c = builder(&url, &time)
        .retry_policy(klarna_runtime::RetryPolicy::disabled())
        .read_timeout(ms(300))
        .build()
        .unwrap();
    assert_read_timeout(&c.execute(get("/v2/x")).await.unwrap_err());
}

#[tokio::test]
async fn read_timeout_while_reading_a_buffered_body() {
    let url = stalling_server(HEAD_AND_PART_OF_BODY).await;
    let c = real_time_client(&url, Duration::from_millis(300), Duration::from_secs(60));
    let started = std::time::Instant::now();
    assert_read_timeout(&c.execute(get("/v2/x")).await.unwrap_err());
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn read_timeout_between_chunks_of_a_streamed_body() {
    let url = stalling_server(HEAD_AND_PART_OF_BODY).await;
    // the attempt timeout covers only the time to the headers; the idle timeout covers the body
    let c = real_time_client(&url, Duration::from_millis(300), Duration::from_millis(100));
    let resp = c.execute_streaming(get("/v2/x")).await.unwrap();
    let mut stream = resp.bytes_stream();
    assert_eq!(&stream.next().await.unwrap().unwrap()[..], b"first bytes");
    assert_read_timeout(&stream.next().await.unwrap().unwrap_err());
    // the stream keeps reporting the timeout (as reqwest's own read timeout did)
    assert_read_timeout(&stream.next().await.unwrap().unwrap_err());

    let resp = c.execute_streaming(get("/v2/x")).await.unwrap();
    assert_read_timeout(&resp.collect().await.unwrap_err());
}
