//! Runtime hardening against a hostile or broken server: a safe manual retry after a timeout,
//! streams that always end, sensitive path segments kept out of traces, no plain-text
//! credentials, real webhook keys, errors that keep their context, and the declared content
//! type of a success response.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{API_KEY, TRACING_LOCK, TestTime, builder, capture_logs, client};
use http::HeaderMap;
use klarna_runtime::ApiErrorExt as _;
use klarna_runtime::pagination::MAX_CONSECUTIVE_EMPTY_PAGES;
use klarna_runtime::webhooks::{self, SigningKeys, WebhookError};
use klarna_runtime::{
    Environment, ErrorKind, Method, Request, RequestOptions, RetryPolicy, TimeoutKind, paginate,
    paginate_pages_counted,
};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

fn get(p: &str) -> Request {
    Request::new("testOp", Method::GET, p.to_owned())
}

fn idempotency_keys(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            r.headers
                .get("klarna-idempotency-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("<none>")
                .to_owned()
        })
        .collect()
}

// 1. A safe manual retry --------------------------------------------------------------------

/// A POST times out after the server received it; the error carries the generated key, says
/// so in `Display`, and retrying by hand with that key sends the same key again.
#[tokio::test]
async fn a_timed_out_post_is_retried_by_hand_with_the_same_key() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/notification/signing-keys"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(30)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/notification/signing-keys"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"signing_key_id": "k1"})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    // Real time (tokio's sleep): the attempt times out while the server holds the request.
    let c = klarna_runtime::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .attempt_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let create = || {
        Request::new(
            "createSigningKey",
            Method::POST,
            "/v2/notification/signing-keys".to_owned(),
        )
        .json(&serde_json::json!({}))
        .idempotent()
    };
    let err = c.execute(create()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Attempt));
    assert!(err.may_have_been_sent());
    let key = err.idempotency_key().expect("the generated key is exposed");
    let shown = err.to_string();
    assert!(shown.contains(key), "{shown}");
    assert!(shown.contains("retry with the same key"), "{shown}");
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        idempotency_keys(&received),
        [key],
        "the server received the call"
    );

    let mut options = RequestOptions::new();
    options.set_idempotency_key(err.idempotency_key().unwrap());
    let ok = c.execute(create().options(options)).await.unwrap();
    assert_eq!(ok.status().as_u16(), 201);
    let received = server.received_requests().await.unwrap();
    assert_eq!(idempotency_keys(&received), [key, key]);
}

/// A definite answer (here a 400) still names the key the call was sent with, without
/// suggesting a retry; a 503 suggests it.
#[tokio::test]
async fn the_retry_hint_follows_the_failure() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    for (p, status) in [("/v2/bad", 400), ("/v2/down", 503)] {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
    }
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let post = |p: &str| {
        Request::new("createThing", Method::POST, p.to_owned())
            .json(&1)
            .idempotent()
    };
    let bad = c.execute(post("/v2/bad")).await.unwrap_err();
    let key = bad.idempotency_key().unwrap();
    assert!(bad.to_string().contains(key), "{bad}");
    assert!(!bad.to_string().contains("retry with"), "{bad}");
    let down = c.execute(post("/v2/down")).await.unwrap_err();
    assert!(
        down.to_string().contains("retry with the same key"),
        "{down}"
    );
}

/// A GET carries no key, and an error of a call that was never sent does not suggest a retry
/// with one.
#[tokio::test]
async fn no_key_is_reported_without_one() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(path("/v2/x"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let err = c.execute(get("/v2/x")).await.unwrap_err();
    assert_eq!(err.idempotency_key(), None);
    assert!(!err.to_string().contains("idempotency"), "{err}");
    let err = c
        .execute(
            Request::new("op", Method::POST, "no-slash".to_owned())
                .json(&1)
                .idempotent(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(!err.may_have_been_sent());
    assert!(
        !err.to_string().contains("retry with the same key"),
        "{err}"
    );
}

// 2. Streams always end ---------------------------------------------------------------------

#[derive(serde::Deserialize, Debug)]
struct Pagination {
    last_item: Option<String>,
}

#[derive(serde::Deserialize, Debug)]
struct StoreList {
    stores: Vec<serde_json::Value>,
    pagination: Pagination,
}

fn page(ids: &[&str], last: Option<&str>) -> ResponseTemplate {
    let stores: Vec<_> = ids.iter().map(|i| serde_json::json!({"id": i})).collect();
    ResponseTemplate::new(200)
        .set_body_json(serde_json::json!({"stores": stores, "pagination": {"last_item": last}}))
}

fn list(cursor: Option<String>) -> Request {
    let r = Request::new("listStores", Method::GET, "/v2/stores".to_owned());
    match cursor {
        Some(c) => r.query("starting_after", c),
        None => r,
    }
}

fn split(p: StoreList) -> (Vec<serde_json::Value>, Option<String>) {
    (p.stores, p.pagination.last_item)
}

/// c1 → c2 → c3 → c1: a cycle of three pages, not only a repeat of the previous cursor.
#[tokio::test]
async fn a_cursor_cycle_of_any_length_ends_the_stream() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    for (after, ids, next) in [
        (None, ["a"], "c1"),
        (Some("c1"), ["b"], "c2"),
        (Some("c2"), ["c"], "c3"),
        (Some("c3"), ["d"], "c1"),
    ] {
        let m = Mock::given(path("/v2/stores"));
        let m = match after {
            None => m.and(query_param_is_missing("starting_after")),
            Some(c) => m.and(query_param("starting_after", c)),
        };
        m.respond_with(page(&ids, Some(next))).mount(&server).await;
    }
    let time = TestTime::default();
    let mut stream = paginate(client(&server.uri(), &time), list, split);
    let mut ids = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(item)) => ids.push(item["id"].as_str().unwrap().to_owned()),
            Some(Err(e)) => break e,
            None => panic!("the stream ended without reporting the cycle"),
        }
    };
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);
    assert!(err.to_string().contains("'c1' a second time"), "{err}");
    assert!(stream.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

/// Answers every page request with an empty page pointing to a new cursor.
struct EndlessEmpty(Arc<AtomicUsize>);

impl Respond for EndlessEmpty {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        page(&[], Some(&format!("cursor{n}")))
    }
}

#[tokio::test]
async fn consecutive_empty_pages_end_the_stream() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    let served = Arc::new(AtomicUsize::new(0));
    Mock::given(path("/v2/stores"))
        .respond_with(EndlessEmpty(served.clone()))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let result = paginate(c.clone(), list, split).collect_vec().await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);
    assert!(err.to_string().contains("empty pages in a row"), "{err}");
    assert_eq!(
        served.load(Ordering::SeqCst),
        MAX_CONSECUTIVE_EMPTY_PAGES + 1
    );

    // Whole pages, counted: the same bound; the empty pages themselves are yielded first.
    served.store(0, Ordering::SeqCst);
    let mut pages = paginate_pages_counted(
        c,
        list,
        |p: &StoreList| p.pagination.last_item.clone(),
        |p: &StoreList| p.stores.len(),
    );
    let mut yielded = 0;
    let err = loop {
        match pages.next().await {
            Some(Ok(_)) => yielded += 1,
            Some(Err(e)) => break e,
            None => panic!("endless empty pages were followed to an end"),
        }
    };
    assert_eq!(yielded, MAX_CONSECUTIVE_EMPTY_PAGES + 1);
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(
        served.load(Ordering::SeqCst),
        MAX_CONSECUTIVE_EMPTY_PAGES + 1
    );
}

/// A few empty pages followed by items are fine: only a run longer than the bound stops.
#[tokio::test]
async fn a_short_run_of_empty_pages_is_followed() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(path("/v2/stores"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(page(&[], Some("e1")))
        .mount(&server)
        .await;
    Mock::given(path("/v2/stores"))
        .and(query_param("starting_after", "e1"))
        .respond_with(page(&[], Some("e2")))
        .mount(&server)
        .await;
    Mock::given(path("/v2/stores"))
        .and(query_param("starting_after", "e2"))
        .respond_with(page(&["z"], None))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let items = paginate(client(&server.uri(), &time), list, split)
        .collect_vec()
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
}

// 3. Sensitive path segments never reach a trace ------------------------------------------

const PATH_TOKEN: &str = "krn:partner:global:payment:token:PATHSECRET31";
const HEADER_SECRET: &str = "plainly-named-HEADERSECRET53";

#[tokio::test]
async fn a_trace_of_a_call_with_a_token_in_its_path_shows_no_token() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/v2/payment/tokens/{PATH_TOKEN}/status")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("/v2/payment/tokens/{PATH_TOKEN}/status")))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .with_priority(2)
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let request = |p: String, segments: &'static [usize]| {
        Request::new("readTokenStatus", Method::GET, p)
            .sensitive_path_segments(segments)
            .sensitive_header("X-Partner-Reference", HEADER_SECRET.to_owned())
    };
    let (result, logs) = capture_logs(async {
        let ok = c
            .execute(request(
                format!("/v2/payment/tokens/{PATH_TOKEN}/status"),
                &[4],
            ))
            .await;
        // An invalid path (no leading '/', so the token is segment 3) fails before sending:
        // its error message is traced too.
        let bad = c
            .execute(request(
                format!("v2/payment/tokens/{PATH_TOKEN}/status"),
                &[3],
            ))
            .await;
        (ok, bad)
    })
    .await;
    let (ok, bad) = result;
    assert_eq!(ok.unwrap().attempts(), 2);
    let bad = bad.unwrap_err();
    assert!(!bad.to_string().contains("PATHSECRET31"), "{bad}");
    assert!(logs.contains("api.request"), "{logs}");
    assert!(
        logs.contains("/v2/payment/tokens/<redacted>/status"),
        "{logs}"
    );
    assert!(logs.contains("retrying request"), "{logs}");
    for secret in ["PATHSECRET31", "HEADERSECRET53"] {
        assert!(!logs.contains(secret), "the trace leaks {secret}:\n{logs}");
    }
}

// 4. No credentials in plain text ---------------------------------------------------------

#[tokio::test]
async fn plain_http_only_to_loopback_or_when_allowed() {
    let build = |url: &str| {
        klarna_runtime::builder()
            .api_key("klarna_test_api_abc")
            .base_url(url)
            .build()
    };
    for refused in [
        "http://example.com",
        "http://10.0.0.5:8080",
        "http://api-global.test.klarna.com",
        "http://localhost.example.com",
    ] {
        let e = build(refused).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{refused}");
        assert!(e.to_string().contains("allow_insecure_http"), "{e}");
        assert!(!e.to_string().contains("klarna_test_api_abc"), "{e}");
    }
    for loopback in [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://localhost:3000/prefix",
        "http://LOCALHOST",
        "http://api.localhost",
        "http://[::1]:8080",
        "https://example.com",
    ] {
        assert!(build(loopback).is_ok(), "{loopback}");
    }
    let ok = klarna_runtime::builder()
        .api_key("klarna_test_api_abc")
        .base_url("http://sidecar.internal:8080")
        .allow_insecure_http()
        .build()
        .unwrap();
    assert_eq!(ok.base_url(), "http://sidecar.internal:8080");
}

#[tokio::test]
async fn the_key_environment_check_applies_with_a_custom_base_url() {
    let build = |key: &str, env: Option<Environment>, url: &str| {
        let b = klarna_runtime::builder().api_key(key).base_url(url);
        match env {
            Some(e) => b.environment(e),
            None => b,
        }
        .build()
    };
    let mock = "http://127.0.0.1:9";
    // the declared environment is checked even though a base URL replaces its URL
    for (key, env) in [
        ("klarna_live_api_abc", Environment::Test),
        ("klarna_test_api_abc", Environment::Live),
    ] {
        let e = build(key, Some(env.clone()), mock).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{key} {env:?}");
        assert!(!e.to_string().contains(key), "{e}");
    }
    // a base URL on a built-in environment's host is that environment
    for (key, url) in [
        ("klarna_live_api_abc", "https://api-global.test.klarna.com"),
        ("klarna_live_api_abc", "https://API-GLOBAL.test.klarna.com/"),
        ("klarna_test_api_abc", "https://api-global.klarna.com"),
    ] {
        let e = build(key, None, url).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{key} {url}");
        assert!(e.to_string().contains("base URL"), "{e}");
    }
    let e = build(
        "klarna_test_api_abc",
        Some(Environment::Custom("https://api-global.klarna.com".into())),
        "https://api-global.klarna.com",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    // matching pairs, and a base URL elsewhere without a declared environment, are accepted
    assert!(build("klarna_test_api_abc", Some(Environment::Test), mock).is_ok());
    assert!(build("klarna_live_api_abc", Some(Environment::Live), mock).is_ok());
    assert!(build("klarna_live_api_abc", None, "https://proxy.example.com").is_ok());
    assert!(build("klarna_live_api_abc", None, "https://api-global.klarna.com").is_ok());
    assert!(build("klarna_test_api_abc", None, mock).is_ok());
}

/// A client identifier is for the Web SDK: given as the API key it is refused at build time, by name,
/// without repeating it, whatever the environment.
#[test]
fn a_client_identifier_is_not_an_api_key() {
    for (key, env, words) in [
        (
            "klarna_test_client_abc",
            Environment::Test,
            "klarna_test_api_",
        ),
        (
            " klarna_live_client_abc",
            Environment::Live,
            "klarna_live_api_",
        ),
        (
            "klarna_test_client_abc",
            Environment::Live,
            "klarna_test_api_",
        ),
    ] {
        let e = klarna_runtime::builder()
            .api_key(key)
            .environment(env)
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{key}");
        let text = e.to_string();
        assert!(text.contains("client identifier"), "{text}");
        assert!(text.contains(words), "{text}");
        assert!(!text.contains("abc"), "{text}");
    }
}

// 5. Webhook keys are real keys -----------------------------------------------------------

const BODY: &[u8] = br#"{"metadata":{"event_type":"payment.transaction.captured","event_id":"e1","event_version":"v2","occurred_at":"2025-05-01T10:00:00Z"},"payload":{}}"#;
const KEY_ID: &str = "krn:partner:global:notification:signing-key:1";

fn delivery(signatures: &[String], key_ids: &[&str]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for s in signatures {
        h.append("Klarna-Signature", s.parse().unwrap());
    }
    for k in key_ids {
        h.append("Klarna-Signing-Key-Id", k.parse().unwrap());
    }
    h
}

#[test]
fn a_blank_signing_secret_is_refused_when_the_key_set_is_built() {
    for blank in ["", "   ", "\t\r\n"] {
        let err = SigningKeys::new().try_with_key(KEY_ID, blank).unwrap_err();
        assert_eq!(err.signing_key_id, KEY_ID);
        let mut keys = SigningKeys::new();
        assert!(keys.try_insert(KEY_ID, blank).is_err());
        assert!(keys.is_empty());

        // The infallible builder does not store it, and a delivery signed with the blank
        // secret (which anyone can compute) is rejected.
        let keys = SigningKeys::new().with_key(KEY_ID, blank);
        assert!(!keys.contains(KEY_ID));
        assert_eq!(keys.refused_ids().collect::<Vec<_>>(), [KEY_ID]);
        let forged = delivery(&[webhooks::compute_signature(blank, BODY)], &[KEY_ID]);
        match webhooks::verify(BODY, &forged, &keys) {
            Err(WebhookError::BlankSigningKey(id)) => assert_eq!(id, KEY_ID),
            other => panic!("a blank key verified a delivery: {other:?}"),
        }
    }
    let keys: SigningKeys = [(KEY_ID, "")].into_iter().collect();
    assert!(keys.is_empty());
}

#[test]
fn duplicate_signature_or_key_id_headers_are_rejected() {
    let keys = SigningKeys::new()
        .try_with_key(KEY_ID, "real-secret")
        .unwrap()
        .try_with_key("krn:partner:global:notification:signing-key:2", "other")
        .unwrap();
    let good = webhooks::compute_signature("real-secret", BODY);
    assert!(
        webhooks::verify(
            BODY,
            &delivery(std::slice::from_ref(&good), &[KEY_ID]),
            &keys
        )
        .is_ok()
    );
    let twice = delivery(&[good.clone(), good.clone()], &[KEY_ID]);
    assert!(matches!(
        webhooks::verify(BODY, &twice, &keys),
        Err(WebhookError::DuplicateHeader("Klarna-Signature"))
    ));
    let bad_then_good = delivery(&["00".repeat(32), good.clone()], &[KEY_ID]);
    assert!(matches!(
        webhooks::verify(BODY, &bad_then_good, &keys),
        Err(WebhookError::DuplicateHeader("Klarna-Signature"))
    ));
    let two_ids = delivery(
        std::slice::from_ref(&good),
        &[KEY_ID, "krn:partner:global:notification:signing-key:2"],
    );
    let err = webhooks::verify(BODY, &two_ids, &keys).unwrap_err();
    assert!(
        matches!(err, WebhookError::DuplicateHeader("Klarna-Signing-Key-Id")),
        "{err:?}"
    );
    assert!(err.to_string().contains("more than once"), "{err}");
}

// 6. Errors keep their context --------------------------------------------------------------

#[tokio::test]
async fn a_body_that_fails_to_decode_reports_operation_attempts_status_and_correlation() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(path("/v2/thing"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2/thing"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .insert_header("partner-correlation-id", "echoed42")
                .set_body_string(r#"{"id": 5}"#),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        id: String,
    }
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let err = c
        .execute(Request::new("readThing", Method::GET, "/v2/thing".into()))
        .await
        .unwrap()
        .json::<Thing>()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert_eq!(err.operation_id(), Some("readThing"));
    assert_eq!(err.attempts(), 2);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.correlation_id(), Some("echoed42"));
    let shown = err.to_string();
    for part in ["readThing", "2 attempts", "correlation id echoed42"] {
        assert!(shown.contains(part), "{shown}");
    }

    // a single attempt is reported as one, never zero
    let err = c
        .execute(Request::new("readThing", Method::GET, "/v2/thing".into()))
        .await
        .unwrap()
        .json::<Thing>()
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().contains("1 attempt"), "{err}");
}

#[tokio::test]
async fn api_errors_show_error_id_and_correlation_id_and_escape_server_text() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(path("/v2/bad"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("partner-correlation-id", "corr77")
                .set_body_json(serde_json::json!({
                    "error_id": "err-id-1\r\nINFO forged",
                    "error_type": "INPUT_ERROR",
                    "error_code": "VALIDATION\u{1b}[31m",
                    "error_message": "first line\nINFO user=admin logged in\u{2028}x",
                })),
        )
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = c.execute(get("/v2/bad")).await.unwrap_err();
    let shown = err.to_string();
    assert!(
        !shown.chars().any(|ch| ch.is_control() || ch == '\u{2028}'),
        "{shown:?}"
    );
    assert!(shown.contains(r"first line\nINFO user=admin"), "{shown}");
    assert!(
        shown.contains(r"error_id err-id-1\r\nINFO forged"),
        "{shown}"
    );
    assert!(shown.contains(r"VALIDATION\u{1b}[31m"), "{shown}");
    assert!(shown.contains("correlation id corr77"), "{shown}");
    // the parsed fields keep the text as sent
    assert_eq!(
        err.api_error().unwrap().error_id(),
        Some("err-id-1\r\nINFO forged")
    );
}

#[tokio::test]
async fn an_error_body_dropped_for_its_size_says_so() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(path("/v2/huge"))
        .respond_with(ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "error_id": "e1",
            "error_message": "x".repeat(4096),
        })))
        .mount(&server)
        .await;
    Mock::given(path("/v2/none"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::disabled())
        .max_body_size(1024)
        .build()
        .unwrap();
    let err = c.execute(get("/v2/huge")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let shown = err.to_string();
    assert!(!shown.contains("no body"), "{shown}");
    assert!(shown.contains("dropped"), "{shown}");
    assert!(shown.contains("1024 bytes"), "{shown}");
    let err = c.execute(get("/v2/none")).await.unwrap_err();
    assert!(err.to_string().contains("no body"), "{err}");
}

// 7. The declared content type is checked ---------------------------------------------------

#[tokio::test]
async fn a_success_body_that_is_not_declared_json_is_an_error_that_keeps_the_body() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    let body = br#"{"id":"looks like json"}"#;
    for (p, content_type) in [
        ("/v2/html", Some("text/html; charset=utf-8")),
        ("/v2/plain", Some("text/plain")),
        ("/v2/json", Some("application/json")),
        ("/v2/json-params", Some("Application/JSON; charset=UTF-8")),
        ("/v2/problem", Some("application/problem+json")),
        ("/v2/missing", None),
    ] {
        let mut t = ResponseTemplate::new(200);
        t = match content_type {
            Some(ct) => t.set_body_raw(body.to_vec(), ct),
            None => t.set_body_bytes(body.to_vec()),
        };
        Mock::given(path(p)).respond_with(t).mount(&server).await;
    }
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        id: String,
    }
    for p in ["/v2/html", "/v2/plain"] {
        let err = c
            .execute(get(p))
            .await
            .unwrap()
            .json::<Thing>()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Deserialization, "{p}");
        assert_eq!(err.raw_body(), Some(&body[..]), "{p}");
        assert_eq!(err.operation_id(), Some("testOp"));
        assert!(err.to_string().contains("is not JSON"), "{err}");
    }
    for p in ["/v2/json", "/v2/json-params", "/v2/problem", "/v2/missing"] {
        let thing = c
            .execute(get(p))
            .await
            .unwrap()
            .json::<Thing>()
            .unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(thing.id, "looks like json");
    }
}
