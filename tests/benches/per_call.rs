//! Per-call overhead of the SDK: one operation through `klarna` (build the request, serialize, send over
//! loopback, deserialize) against a hand-written `reqwest` + `serde` call of the same operation, both
//! against the same minimal in-process HTTP/1.1 server (a tokio `TcpListener` answering a fixed JSON body
//! with keep-alive), so the figures are the client side plus one loopback round trip. Client and server share
//! one current-thread tokio runtime.
//!
//! Operations: `getWebhook` (`GET /v2/notification/webhooks/{id}`) and `createWebhook`
//! (`POST /v2/notification/webhooks` with a JSON body). The SDK keeps its defaults (retries enabled; they
//! only happen on failure, and every call here succeeds); `sdk_no_retry` is the same call with
//! `RetryPolicy::disabled()`. The hand-written calls send what a careful integration sends: `Authorization`,
//! the JSON body, and for `POST` a fresh `Klarna-Idempotency-Key`.
//!
//! Paired measurement: each timed call is followed by an untimed call of the other side (SDK after
//! hand-written, hand-written after SDK), so both sides' figures come from the same stretches of time on
//! a shared machine; only the named side's calls are timed (`iter_custom`).
//!
//! Run with `cargo bench -p klarna-tests --bench per_call`; `cargo xtask bench` runs it and puts the medians
//! into BENCHMARKS.md.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use klarna::notification::{CreateWebhookRequest, WebhookEventVersion};
use klarna::{Client, Environment, RetryPolicy};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "klarna_test_api_c2VjcmV0";
const WEBHOOK_ID: &str = "krn:partner:global:notification:webhook:1";
const BODY: &str = r#"{"webhook_id":"krn:partner:global:notification:webhook:1","url":"https://example.com/hooks","event_types":["payment.*","payment.request.state-change.*"],"event_version":"v2","signing_key_id":"krn:partner:global:notification:signing-key:1","status":"ENABLED","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-02T00:00:00Z"}"#;

/// Starts the server on a free loopback port: every request on a connection (keep-alive) is read up to
/// the end of its body and answered with [`BODY`], `201` for `POST` and `200` otherwise.
async fn serve() -> SocketAddr {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf: Vec<u8> = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    // Read one request: headers, then Content-Length bytes of body.
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let status = if head.starts_with("post ") {
                        "201 Created"
                    } else {
                        "200 OK"
                    };
                    let response = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
                        BODY.len()
                    );
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                    buf.drain(..head_end + length);
                }
            });
        }
    });
    addr
}

/// The hand-written side's own types, as an integration without the SDK would declare them.
#[derive(Serialize)]
struct HandCreateWebhook<'a> {
    url: &'a str,
    event_types: Vec<&'a str>,
    event_version: &'a str,
    signing_key_id: &'a str,
}

/// The hand-written response type.
#[derive(Deserialize)]
#[allow(dead_code)] // read only through black_box
struct HandWebhook {
    webhook_id: String,
    url: String,
    event_types: Vec<String>,
    event_version: String,
    signing_key_id: String,
    status: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

fn sdk_client(base: &str, retries: bool) -> Client {
    let mut builder = Client::builder()
        .api_key(KEY)
        .environment(Environment::Test)
        .base_url(base);
    if !retries {
        builder = builder.retry_policy(RetryPolicy::disabled());
    }
    builder.build().expect("SDK client builds")
}

fn create_request() -> CreateWebhookRequest {
    CreateWebhookRequest::new(
        "https://example.com/hooks".into(),
        vec!["payment.*".into(), "payment.request.state-change.*".into()],
        WebhookEventVersion::V2,
        "krn:partner:global:notification:signing-key:1".into(),
    )
}

fn per_call(c: &mut Criterion) {
    // One thread for client and server: no cross-thread wake-ups, so less noise on a small machine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let addr = runtime.block_on(serve());
    let base = format!("http://{addr}");
    let sdk = sdk_client(&base, true);
    let sdk_no_retry = sdk_client(&base, false);
    // The same connection settings as the SDK's own reqwest client (TCP_NODELAY, no redirects).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let hand = reqwest::Client::builder()
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client builds");
    let auth = format!("Basic {KEY}");
    let get_url = format!("{base}/v2/notification/webhooks/{WEBHOOK_ID}");
    let create_url = format!("{base}/v2/notification/webhooks");

    // The six calls, each one whole operation.
    let sdk_get = |client: &Client| {
        let client = client.clone();
        async move {
            let webhook = client
                .webhooks()
                .get(WEBHOOK_ID)
                .send()
                .await
                .expect("sdk get");
            black_box(webhook);
        }
    };
    let hand_get = || async {
        let response = hand
            .get(&get_url)
            .header("Authorization", &auth)
            .send()
            .await
            .expect("reqwest get");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("body");
        let webhook: HandWebhook = serde_json::from_slice(&bytes).expect("parse");
        black_box(webhook);
    };
    let sdk_create = |client: &Client| {
        let client = client.clone();
        async move {
            let webhook = client
                .webhooks()
                .create(create_request())
                .send()
                .await
                .expect("sdk create");
            black_box(webhook);
        }
    };
    let hand_create = || async {
        let body = HandCreateWebhook {
            url: "https://example.com/hooks",
            event_types: vec!["payment.*", "payment.request.state-change.*"],
            event_version: "v2",
            signing_key_id: "krn:partner:global:notification:signing-key:1",
        };
        let response = hand
            .post(&create_url)
            .header("Authorization", &auth)
            .header("Klarna-Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .header("Content-Type", "application/json")
            .body(serde_json::to_vec(&body).expect("serialize"))
            .send()
            .await
            .expect("reqwest post");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("body");
        let webhook: HandWebhook = serde_json::from_slice(&bytes).expect("parse");
        black_box(webhook);
    };

    // References, so each timed block can copy them in.
    let (sdk, sdk_no_retry) = (&sdk, &sdk_no_retry);
    let (sdk_get, hand_get, sdk_create, hand_create) =
        (&sdk_get, &hand_get, &sdk_create, &hand_create);

    // Paired measurement: every timed call is followed by an untimed call of the other side, so the
    // SDK and the hand-written figures share the machine's fast and slow phases instead of being
    // measured seconds apart. Only the named side's calls are timed.
    let mut group = c.benchmark_group("get_webhook");
    group.bench_function("sdk", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| paired(iters, || sdk_get(sdk), hand_get))
    });
    group.bench_function("sdk_no_retry", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| paired(iters, || sdk_get(sdk_no_retry), hand_get))
    });
    group.bench_function("hand_written", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| paired(iters, hand_get, || sdk_get(sdk)))
    });
    group.finish();

    let mut group = c.benchmark_group("create_webhook");
    group.bench_function("sdk", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| paired(iters, || sdk_create(sdk), hand_create))
    });
    group.bench_function("sdk_no_retry", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| paired(iters, || sdk_create(sdk_no_retry), hand_create))
    });
    group.bench_function("hand_written", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| paired(iters, hand_create, || sdk_create(sdk)))
    });
    group.finish();
}

/// Runs `iters` rounds of one timed call followed by one untimed call of the other side, and returns
/// the time of the timed calls only.
async fn paired<T, O, TF, OF>(iters: u64, timed: T, other: O) -> Duration
where
    T: Fn() -> TF,
    O: Fn() -> OF,
    TF: Future<Output = ()>,
    OF: Future<Output = ()>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        timed().await;
        total += start.elapsed();
        other().await;
    }
    total
}

criterion_group!(benches, per_call);
criterion_main!(benches);
