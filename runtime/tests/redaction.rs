//! Secrets never appear in Debug output or in tracing logs; spans carry the call's facts.

mod common;

use common::{API_KEY, TRACING_LOCK, TestTime, builder, capture_logs};
use klarna_runtime::{Client, Method, Request, RequestOptions};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CUSTOMER_TOKEN: &str = "krn:partner:us1:test:identity:customer-token:SECRETTOKEN42";
const SESSION_TOKEN: &str = "krn:network:eu1:test:session-token:SESSIONSECRET99";
const BODY_SECRET: &str = "cardholder-BODYSECRET77";

fn secrets() -> [&'static str; 5] {
    [
        API_KEY,
        "S3cr3tK3yV4lue",
        "SECRETTOKEN42",
        "SESSIONSECRET99",
        "BODYSECRET77",
    ]
}

fn assert_clean(what: &str, text: &str) {
    for s in secrets() {
        assert!(!text.contains(s), "{what} leaks {s}:\n{text}");
    }
}

fn secret_request(p: &str) -> Request {
    let mut opts = RequestOptions::new();
    opts.set_header("Klarna-Network-Session-Token", SESSION_TOKEN);
    Request::new("authorizePayment", Method::POST, p.to_owned())
        .header("Klarna-Customer-Token", CUSTOMER_TOKEN.to_owned())
        .json(&serde_json::json!({"secret": BODY_SECRET}))
        .idempotent()
        .options(opts)
}

#[tokio::test]
async fn debug_output_redacts_secrets() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(path("/v2/fail"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"error_code": "VALIDATION_ERROR", "echo": BODY_SECRET}),
        ))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let b = builder(&server.uri(), &time);
    assert_clean("ClientBuilder Debug", &format!("{b:?}"));
    let c = b.build().unwrap();
    assert_clean("Client Debug", &format!("{c:?}"));
    assert_clean("Client Debug (alternate)", &format!("{c:#?}"));
    let req = secret_request("/v2/fail");
    assert_clean("Request Debug", &format!("{req:?}"));
    assert_clean(
        "RequestOptions Debug",
        &format!("{:?}", req.request_options()),
    );
    let err = c.execute(req).await.unwrap_err();
    // the parsed error is shown, but not the raw body
    assert!(format!("{err:?}").contains("VALIDATION_ERROR"));
    assert_clean("Error Debug", &format!("{err:?}"));
    assert_clean("Error Display", &err.to_string());
}

#[tokio::test]
async fn tracing_logs_have_spans_and_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/flaky"))
        .respond_with(ResponseTemplate::new(503).set_body_string(BODY_SECRET))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2/flaky"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"token": BODY_SECRET})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c: Client = builder(&server.uri(), &time).build().unwrap();
    let (result, logs) = capture_logs(async {
        let r = c.execute(secret_request("/v2/flaky")).await;
        // also a failing call
        let e = c.execute(secret_request("/v2/none")).await;
        (r, e)
    })
    .await;
    let (ok, err) = result;
    assert_eq!(ok.unwrap().status(), 201);
    assert!(err.is_err());
    assert!(logs.contains("api.request"), "{logs}");
    assert!(logs.contains("api.attempt"), "{logs}");
    assert!(
        logs.contains("operation=\"authorizePayment\"")
            || logs.contains("operation=authorizePayment"),
        "{logs}"
    );
    assert!(logs.contains("retrying request"), "{logs}");
    assert!(logs.contains("attempts=2"), "{logs}");
    assert!(logs.contains("status=201"), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
    assert!(
        logs.contains("hyper") || logs.contains("reqwest"),
        "HTTP stack traces captured too"
    );
    assert_clean("tracing output", &logs);
}

/// A failed call is logged where services look: WARN when Klarna did not answer or failed (5xx, 429),
/// INFO when it answered a client error the caller may well expect (404); nothing but spans at DEBUG.
#[tokio::test]
async fn failures_log_at_warn_and_answered_client_errors_at_info() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/down"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(path("/v2/missing"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c: Client = builder(&server.uri(), &time)
        .retry_policy(klarna_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let get = |p: &str| Request::new("readThing", Method::GET, p.to_owned());
    let (_, logs) = capture_logs(async {
        let down = c.execute(get("/v2/down")).await;
        let missing = c.execute(get("/v2/missing")).await;
        assert!(down.is_err() && missing.is_err());
    })
    .await;
    let failed = |status: &str| {
        logs.lines()
            .find(|l| l.contains("request failed") && l.contains(status))
            .unwrap_or_else(|| panic!("no failure line for {status}:\n{logs}"))
            .to_owned()
    };
    assert!(failed("503").contains(" WARN "), "{logs}");
    assert!(failed("404").contains(" INFO "), "{logs}");
}
