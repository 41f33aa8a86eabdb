//! Retries, backoff, Retry-After, the retry budget and idempotency keys.

mod common;

use std::time::Duration;

use common::{TestTime, builder, client};
use klarna_runtime::{ErrorKind, Method, Request, RequestOptions, RetryBudget, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(p: &str) -> Request {
    Request::new("testOp", Method::GET, p.to_owned())
}

fn klarna_error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "error_id": "e-1", "error_type": "TECHNICAL_ERROR", "error_code": code,
        "error_message": "something"
    }))
}

async fn mount_failures_then_ok(
    server: &MockServer,
    p: &str,
    failure: ResponseTemplate,
    failures: u64,
) {
    Mock::given(path(p))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn retries_then_succeeds_with_bounded_full_jitter_backoff() {
    let server = MockServer::start().await;
    mount_failures_then_ok(&server, "/v2/x", ResponseTemplate::new(503), 2).await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let resp = c.execute(get("/v2/x")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.attempts(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    let sleeps = time.sleeps();
    assert_eq!(sleeps.len(), 2, "{sleeps:?}");
    assert!(sleeps[0] <= Duration::from_millis(500));
    assert!(sleeps[1] <= Duration::from_millis(1000));
    let v: serde_json::Value = resp.json::<serde_json::Value>().unwrap().into_inner();
    assert_eq!(v["ok"], true);
}

#[tokio::test]
async fn every_retryable_status_and_klarna_timeout_code_is_retried() {
    for (status, code) in [
        (429, "RATE_LIMITED"),
        (500, "INTERNAL_ERROR"),
        (502, "X"),
        (503, "X"),
        (504, "X"),
        (400, "TIMEOUT"),
    ] {
        let server = MockServer::start().await;
        mount_failures_then_ok(&server, "/v2/x", klarna_error(status, code), 1).await;
        let time = TestTime::default();
        let resp = client(&server.uri(), &time).execute(get("/v2/x")).await;
        assert!(resp.is_ok(), "{status} {code}: {resp:?}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "{status}"
        );
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409] {
        let server = MockServer::start().await;
        mount_failures_then_ok(&server, "/v2/x", klarna_error(status, "NOPE"), 5).await;
        let time = TestTime::default();
        let err = client(&server.uri(), &time)
            .execute(get("/v2/x"))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        assert!(time.sleeps().is_empty());
    }
}

#[tokio::test]
async fn retry_after_delta_seconds_is_honoured() {
    let server = MockServer::start().await;
    mount_failures_then_ok(
        &server,
        "/v2/x",
        ResponseTemplate::new(429).insert_header("Retry-After", "7"),
        1,
    )
    .await;
    let time = TestTime::default();
    client(&server.uri(), &time)
        .execute(get("/v2/x"))
        .await
        .unwrap();
    assert_eq!(time.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured_and_clamped() {
    let server = MockServer::start().await;
    let time = TestTime::default();
    let date = httpdate::fmt_http_date(time.system_now() + Duration::from_secs(12));
    mount_failures_then_ok(
        &server,
        "/v2/x",
        ResponseTemplate::new(503).insert_header("Retry-After", date.as_str()),
        1,
    )
    .await;
    client(&server.uri(), &time)
        .execute(get("/v2/x"))
        .await
        .unwrap();
    assert_eq!(time.sleeps(), vec![Duration::from_secs(12)]);

    // a huge Retry-After is clamped to the policy's maximum
    let server = MockServer::start().await;
    mount_failures_then_ok(
        &server,
        "/v2/x",
        ResponseTemplate::new(503).insert_header("Retry-After", "86400"),
        1,
    )
    .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::new().with_max_retry_after(Duration::from_secs(5)))
        .build()
        .unwrap();
    c.execute(get("/v2/x")).await.unwrap();
    assert_eq!(time.sleeps(), vec![Duration::from_secs(5)]);
}

#[tokio::test]
async fn no_retry_when_the_delay_would_pass_the_total_timeout() {
    let server = MockServer::start().await;
    mount_failures_then_ok(
        &server,
        "/v2/x",
        ResponseTemplate::new(503).insert_header("Retry-After", "60"),
        1,
    )
    .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::new().with_max_retry_after(Duration::from_secs(120)))
        .build()
        .unwrap();
    let mut opts = RequestOptions::new();
    opts.set_timeout(Duration::from_secs(40));
    let err = c.execute(get("/v2/x").options(opts)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 1);
    assert!(time.sleeps().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn attempts_exhausted_returns_last_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/x"))
        .respond_with(klarna_error(500, "INTERNAL_ERROR"))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::new().with_max_attempts(4))
        .build()
        .unwrap();
    let err = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.error_code(), Some("INTERNAL_ERROR"));
    assert_eq!(err.attempts(), 4);
    assert!(err.may_have_been_sent());
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    assert_eq!(time.sleeps().len(), 3);
    // exponential ceilings 0.5, 1, 2 s
    for (s, ceiling) in time.sleeps().iter().zip([500, 1000, 2000]) {
        assert!(*s <= Duration::from_millis(ceiling));
    }
}

#[tokio::test]
async fn per_request_policy_overrides_client_policy() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/x"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let mut opts = RequestOptions::new();
    opts.set_retry_policy(RetryPolicy::disabled());
    let err = c.execute(get("/v2/x").options(opts)).await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn retry_budget_exhaustion_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/x"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let time = TestTime::default();
    // 12 tokens, 5 per retry: two retries in total across all calls of this client
    let c = builder(&server.uri(), &time)
        .retry_budget(RetryBudget::new(12, 5, 10, 1))
        .build()
        .unwrap();
    let e1 = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(e1.attempts(), 3);
    let e2 = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(e2.attempts(), 1, "budget should be empty");
    assert_eq!(e2.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    assert_eq!(c.retry_budget().available(), 2);
}

#[tokio::test]
async fn successes_refill_the_budget() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let budget = RetryBudget::new(10, 5, 10, 1);
    assert!(budget.available() == 10);
    let c = builder(&server.uri(), &time)
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    Mock::given(path("/v2/fail"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let _ = c.execute(get("/v2/fail")).await;
    assert_eq!(budget.available(), 0);
    for _ in 0..3 {
        c.execute(get("/v2/ok")).await.unwrap();
    }
    assert_eq!(budget.available(), 3);
}

#[tokio::test]
async fn idempotency_key_is_reused_across_retries_and_fresh_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/things"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/things"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 1})))
        .with_priority(2)
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let post = || {
        Request::new("createThing", Method::POST, "/v2/things".to_owned())
            .json(&serde_json::json!({"name": "a"}))
            .idempotent()
    };
    let r = c.execute(post()).await.unwrap();
    assert_eq!(r.status(), 201);
    c.execute(post()).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 4);
    let keys: Vec<String> = reqs
        .iter()
        .map(|r| {
            r.headers
                .get("klarna-idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[1], keys[2]);
    assert_ne!(keys[2], keys[3], "a new call must get a new key");
    for k in &keys {
        let u = uuid::Uuid::parse_str(k).unwrap();
        assert_eq!(u.get_version_num(), 5);
    }
    // all attempts of the first call carried the same body
    assert_eq!(reqs[0].body, reqs[2].body);
}

#[tokio::test]
async fn caller_supplied_idempotency_key_is_used_and_makes_post_retryable() {
    let server = MockServer::start().await;
    mount_failures_then_ok(&server, "/v2/things", ResponseTemplate::new(502), 1).await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let mut opts = RequestOptions::new();
    opts.set_idempotency_key("order-4711-capture-1");
    let req = Request::new("createThing", Method::POST, "/v2/things".to_owned())
        .json(&serde_json::json!({}))
        .options(opts);
    c.execute(req).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(
            r.headers.get("klarna-idempotency-key").unwrap(),
            "order-4711-capture-1"
        );
    }
}

#[tokio::test]
async fn post_without_key_is_not_retried() {
    let server = MockServer::start().await;
    mount_failures_then_ok(&server, "/v2/things", ResponseTemplate::new(503), 1).await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let req = Request::new("createThing", Method::POST, "/v2/things".to_owned())
        .json(&serde_json::json!({}));
    let err = c.execute(req).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), 1);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].headers.get("klarna-idempotency-key").is_none());
    // PATCH likewise
    let req = Request::new("updateThing", Method::PATCH, "/v2/things".to_owned())
        .json(&serde_json::json!({}));
    let _ = c.execute(req).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn invalid_idempotency_keys_are_rejected_before_sending() {
    let server = MockServer::start().await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    for bad in [String::new(), "x".repeat(256), "bad\nkey".to_owned()] {
        let mut opts = RequestOptions::new();
        opts.set_idempotency_key(bad);
        let req = Request::new("createThing", Method::POST, "/v2/things".to_owned()).options(opts);
        let err = c.execute(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(!err.may_have_been_sent());
    }
    let mut opts = RequestOptions::new();
    opts.set_idempotency_key("k".repeat(255));
    Mock::given(path("/v2/things"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let req = Request::new("createThing", Method::POST, "/v2/things".to_owned()).options(opts);
    c.execute(req).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
