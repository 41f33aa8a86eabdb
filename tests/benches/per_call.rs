//! Per-call overhead of the SDK: one operation through `klarna` (build the request, serialize, send over
//! loopback, deserialize) against a hand-written `reqwest` + `serde` call of the same operation, both
//! against the same minimal in-process HTTP/1.1 server (a tokio `TcpListener` answering a fixed JSON body
//! with keep-alive), so the figures are the client side plus one loopback round trip. Client and server share
//! one current-thread tokio runtime.
//!
//! Operations: `getWebhook` (`GET /v2/notification/webhooks/{id}`) and `createWebhook`
//! (`POST /v2/notification/webhooks` with a JSON body). The SDK keeps its defaults (retries enabled; they
//! only happen on failure, and every call here succeeds); `sdk_no_retry` is the same call with
//! `RetryPolicy::disabled()`. `hand_written` sends the SDK's request header for header (`Authorization`,
//! `User-Agent`, `Accept`, a fresh `Partner-Correlation-Id`, and for `POST` the JSON body and a fresh
//! `Klarna-Idempotency-Key`), so the difference is the SDK's own work; `hand_minimal` sends only what
//! the operation needs, so the difference also holds the cost of the SDK's extra headers.
//!
//! Paired measurement: each timed call is followed by a call of the other side (`hand_written` after
//! the SDK, the SDK after `hand_written` and `hand_minimal`). Criterion gets the timed calls' time; both
//! durations of every pair are added to per-side totals in `pairs.json` beside criterion's results, and
//! the overhead is computed from those, so that a slow phase of a shared machine falls on both sides alike.
//!
//! Run with `cargo bench -p klarna-tests --bench per_call`; `cargo xtask bench` runs it and puts the figures
//! into BENCHMARKS.md.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group};
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

/// What a hand-written call puts on the wire besides `Authorization` and the body.
#[derive(Clone, Copy)]
enum Headers {
    /// The SDK's request, header for header: also `User-Agent`, `Accept` and a fresh
    /// `Partner-Correlation-Id`, so both sides send and receive the same bytes.
    SameAsSdk,
    /// Only what the operation needs (`Authorization`; for `POST` also the content type and a fresh
    /// `Klarna-Idempotency-Key`).
    Minimal,
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
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let hand = reqwest::Client::builder()
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client builds");
    let auth = format!("Basic {KEY}");
    let get_url = format!("{base}/v2/notification/webhooks/{WEBHOOK_ID}");
    let create_url = format!("{base}/v2/notification/webhooks");

    // The calls, each one whole operation.
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
    // The headers a hand-written request carries besides the operation's own.
    let with_headers = |request: reqwest::RequestBuilder, headers: Headers| {
        let request = request.header("Authorization", &auth);
        match headers {
            Headers::Minimal => request,
            Headers::SameAsSdk => request
                .header("User-Agent", klarna_runtime::USER_AGENT)
                .header("Accept", "application/json")
                .header(
                    "Partner-Correlation-Id",
                    uuid::Uuid::new_v4().simple().to_string(),
                ),
        }
    };
    let hand_get = |headers: Headers| {
        let request = with_headers(hand.get(&get_url), headers);
        async move {
            let response = request.send().await.expect("reqwest get");
            assert!(response.status().is_success());
            let bytes = response.bytes().await.expect("body");
            let webhook: HandWebhook = serde_json::from_slice(&bytes).expect("parse");
            black_box(webhook);
        }
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
    let hand_create = |headers: Headers| {
        let body = HandCreateWebhook {
            url: "https://example.com/hooks",
            event_types: vec!["payment.*", "payment.request.state-change.*"],
            event_version: "v2",
            signing_key_id: "krn:partner:global:notification:signing-key:1",
        };
        let request = with_headers(hand.post(&create_url), headers)
            .header("Klarna-Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .header("Content-Type", "application/json")
            .body(serde_json::to_vec(&body).expect("serialize"));
        async move {
            let response = request.send().await.expect("reqwest post");
            assert!(response.status().is_success());
            let bytes = response.bytes().await.expect("body");
            let webhook: HandWebhook = serde_json::from_slice(&bytes).expect("parse");
            black_box(webhook);
        }
    };

    // References, so each timed block can copy them in.
    let (sdk, sdk_no_retry) = (&sdk, &sdk_no_retry);
    let (sdk_get, hand_get, sdk_create, hand_create) =
        (&sdk_get, &hand_get, &sdk_create, &hand_create);
    let (same, minimal) = (Headers::SameAsSdk, Headers::Minimal);

    // Paired measurement: every timed call is followed by an untimed call of the other side, so the
    // SDK and the hand-written figures share the machine's fast and slow phases; both calls of each
    // pair are recorded for the overhead figure (see `Pairs`).
    let runtime = &runtime;
    let mut group = c.benchmark_group("get_webhook");
    let g = &mut group;
    bench_pair(
        g,
        runtime,
        "get_webhook/sdk",
        || sdk_get(sdk),
        || hand_get(same),
    );
    bench_pair(
        g,
        runtime,
        "get_webhook/sdk_no_retry",
        || sdk_get(sdk_no_retry),
        || hand_get(same),
    );
    bench_pair(
        g,
        runtime,
        "get_webhook/hand_written",
        || hand_get(same),
        || sdk_get(sdk),
    );
    bench_pair(
        g,
        runtime,
        "get_webhook/hand_minimal",
        || hand_get(minimal),
        || sdk_get(sdk),
    );
    group.finish();

    let mut group = c.benchmark_group("create_webhook");
    let g = &mut group;
    bench_pair(
        g,
        runtime,
        "create_webhook/sdk",
        || sdk_create(sdk),
        || hand_create(same),
    );
    bench_pair(
        g,
        runtime,
        "create_webhook/sdk_no_retry",
        || sdk_create(sdk_no_retry),
        || hand_create(same),
    );
    bench_pair(
        g,
        runtime,
        "create_webhook/hand_written",
        || hand_create(same),
        || sdk_create(sdk),
    );
    bench_pair(
        g,
        runtime,
        "create_webhook/hand_minimal",
        || hand_create(minimal),
        || sdk_create(sdk),
    );
    group.finish();
}

/// One benchmark of `group`, named by the part of `bench` (`group/function`) after the `/`: criterion
/// times `timed`, each call followed by one of `other` (see [`paired`]).
fn bench_pair<T, O, TF, OF>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &tokio::runtime::Runtime,
    bench: &'static str,
    timed: T,
    other: O,
) where
    T: Fn() -> TF + Copy,
    O: Fn() -> OF + Copy,
    TF: Future<Output = ()>,
    OF: Future<Output = ()>,
{
    let name = bench.rsplit('/').next().unwrap_or(bench);
    group.bench_function(name, |b| {
        b.to_async(runtime)
            .iter_custom(|iters| paired(bench, iters, timed, other))
    });
}

/// The pairs of calls [`paired`] made, per benchmark (`group/function`). Criterion keeps only the
/// timed side; the pairs give the overhead from calls made back to back, which a shared machine's
/// slow phases cannot tilt towards one side.
static PAIRS: Mutex<BTreeMap<&'static str, Pairs>> = Mutex::new(BTreeMap::new());

/// One benchmark's rounds: how many, and the total time of each side's calls.
#[derive(Default)]
struct Pairs {
    count: u64,
    timed: Duration,
    other: Duration,
}

/// Runs `iters` rounds of one timed call followed by one call of the other side; returns the time
/// of the timed calls (criterion's figure) and adds both sides' times to [`PAIRS`].
async fn paired<T, O, TF, OF>(bench: &'static str, iters: u64, timed: T, other: O) -> Duration
where
    T: Fn() -> TF,
    O: Fn() -> OF,
    TF: Future<Output = ()>,
    OF: Future<Output = ()>,
{
    let (mut timed_total, mut other_total) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..iters {
        let start = Instant::now();
        timed().await;
        timed_total += start.elapsed();
        let start = Instant::now();
        other().await;
        other_total += start.elapsed();
    }
    let mut pairs = PAIRS.lock().unwrap_or_else(PoisonError::into_inner);
    let entry = pairs.entry(bench).or_default();
    entry.count += iters;
    entry.timed += timed_total;
    entry.other += other_total;
    timed_total
}

/// Writes [`PAIRS`] as `pairs.json` next to criterion's results (`$CRITERION_HOME`, else
/// `target/criterion`): per benchmark, the number of pairs and each side's total in nanoseconds.
/// `cargo xtask bench` reads it.
fn write_pairs() {
    let pairs = PAIRS.lock().unwrap_or_else(PoisonError::into_inner);
    let summary: BTreeMap<&str, serde_json::Value> = pairs
        .iter()
        .map(|(bench, p)| {
            let value = serde_json::json!({
                "pairs": p.count,
                "timed_ns": nanos(p.timed),
                "other_ns": nanos(p.other),
            });
            (*bench, value)
        })
        .collect();
    let dir = std::env::var_os("CRITERION_HOME")
        .map_or_else(|| PathBuf::from("target/criterion"), PathBuf::from);
    let path = dir.join("pairs.json");
    let text = serde_json::to_string_pretty(&summary).expect("pairs serialize");
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
        eprintln!("per_call: could not write {}: {e}", path.display());
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

criterion_group!(benches, per_call);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    write_pairs();
}
