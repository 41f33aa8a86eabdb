//! Klarna error bodies, error kinds, and malformed success bodies.

mod common;

use common::{TestTime, builder};
use klarna_runtime::ApiErrorExt as _;
use klarna_runtime::{Client, ErrorKind, Method, Request, RetryPolicy};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(p: &str) -> Request {
    Request::new("readThing", Method::GET, p.to_owned())
}

fn no_retry_client(server: &MockServer, time: &TestTime) -> Client {
    builder(&server.uri(), time)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn klarna_error_bodies_map_to_kinds() {
    let cases = [
        (400, "INPUT_ERROR", "VALIDATION_ERROR", ErrorKind::Api),
        (401, "ACCESS_ERROR", "UNAUTHORIZED", ErrorKind::Api),
        (403, "RESOURCE_ERROR", "OPERATION_FORBIDDEN", ErrorKind::Api),
        (404, "RESOURCE_ERROR", "RESOURCE_NOT_FOUND", ErrorKind::Api),
        (
            409,
            "RESOURCE_ERROR",
            "RESOURCE_CONFLICT",
            ErrorKind::Conflict,
        ),
        (429, "ACCESS_ERROR", "RATE_LIMITED", ErrorKind::RateLimited),
        (500, "TECHNICAL_ERROR", "INTERNAL_ERROR", ErrorKind::Api),
        (
            503,
            "TECHNICAL_ERROR",
            "SERVICE_UNAVAILABLE",
            ErrorKind::Api,
        ),
    ];
    for (status, etype, code, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/v2/thing"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("partner-correlation-id", "echoed123")
                    .set_body_json(serde_json::json!({
                        "error_id": "0b1d9bd1-0c8b-4b3c-9a3e-000000000001",
                        "error_type": etype,
                        "error_code": code,
                        "error_message": format!("message for {status}"),
                        "doc_url": "https://docs.klarna.com/x",
                        "trace": {"new": "field"}
                    })),
            )
            .mount(&server)
            .await;
        let time = TestTime::default();
        let err = no_retry_client(&server, &time)
            .execute(get("/v2/thing"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status().unwrap().as_u16(), status);
        let api = err.api_error().expect("parsed body");
        assert_eq!(api.error_type(), Some(etype));
        assert_eq!(api.error_code(), Some(code));
        assert_eq!(api.error_id(), Some("0b1d9bd1-0c8b-4b3c-9a3e-000000000001"));
        assert_eq!(api.doc_url.as_deref(), Some("https://docs.klarna.com/x"));
        assert_eq!(api.extra["trace"]["new"], "field", "unknown keys kept");
        assert_eq!(err.correlation_id(), Some("echoed123"));
        assert_eq!(err.operation_id(), Some("readThing"));
        assert!(err.may_have_been_sent());
        assert!(err.headers().is_some());
        let shown = err.to_string();
        assert!(
            shown.contains(code) && shown.contains(&status.to_string()),
            "{shown}"
        );
        assert!(
            shown.contains("0b1d9bd1-0c8b-4b3c-9a3e-000000000001"),
            "{shown}"
        );
        // Each fact once: the kind, the cause, then the context.
        let kind_text = kind.to_string();
        assert!(
            shown.starts_with(&format!("{kind_text}: Klarna returned {status}")),
            "{shown}"
        );
        assert_eq!(shown.matches(kind_text.as_str()).count(), 1, "{shown}");
        assert_eq!(
            shown.matches(&format!("message for {status}")).count(),
            1,
            "{shown}"
        );
        assert!(
            shown.contains("(operation readThing, 1 attempt, correlation id echoed123"),
            "{shown}"
        );
        assert_eq!(
            err.is_retryable(),
            matches!(status, 429 | 500 | 503),
            "{status}"
        );
    }
}

#[tokio::test]
async fn both_validation_detail_shapes_are_accepted() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/a"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error_id": "1", "error_type": "INPUT_ERROR", "error_code": "VALIDATION_ERROR",
            "error_message": "Validation failed",
            "validation_errors": [{"parameter": "purchase_amount", "reason": "must be positive", "doc_url": "u", "extra": 1}]
        })))
        .mount(&server)
        .await;
    Mock::given(path("/v2/b"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error_id": "2", "error_code": "VALIDATION_ERROR",
            "errors": [{"parameter": "currency", "error_message": "unknown currency"}]
        })))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = no_retry_client(&server, &time);
    let e = c.execute(get("/v2/a")).await.unwrap_err();
    let v = &e.api_error().unwrap().validation_errors[0];
    assert_eq!(v.parameter.as_deref(), Some("purchase_amount"));
    assert_eq!(v.reason.as_deref(), Some("must be positive"));
    assert_eq!(v.extra["extra"], 1);
    let e = c.execute(get("/v2/b")).await.unwrap_err();
    let d = &e.api_error().unwrap().errors[0];
    assert_eq!(d.parameter.as_deref(), Some("currency"));
    assert_eq!(d.error_message.as_deref(), Some("unknown currency"));
}

#[tokio::test]
async fn bodiless_403_is_an_api_error_without_parsed_body() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/ddos"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    Mock::given(path("/v2/html"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<html>Forbidden</html>"))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = no_retry_client(&server, &time);
    let e = c.execute(get("/v2/ddos")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status().unwrap().as_u16(), 403);
    assert!(e.api_error().is_none());
    assert_eq!(e.raw_body(), Some(&b""[..]));
    assert!(e.to_string().contains("no body"), "{e}");
    let e = c.execute(get("/v2/html")).await.unwrap_err();
    assert!(e.api_error().is_none());
    assert_eq!(e.raw_body(), Some(&b"<html>Forbidden</html>"[..]));
    assert!(
        !format!("{e:?}").contains("Forbidden</html>"),
        "Debug must not show bodies"
    );
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Thing {
    id: String,
    amount: i64,
}

#[tokio::test]
async fn malformed_truncated_empty_and_mismatched_json() {
    let server = MockServer::start().await;
    let bodies: [(&str, &[u8]); 5] = [
        ("/v2/malformed", b"{not json"),
        ("/v2/truncated", br#"{"id":"a","amo"#),
        ("/v2/empty", b""),
        ("/v2/mismatch", br#"{"id":"a","amount":"ten"}"#),
        ("/v2/html", b"<html>oops</html>"),
    ];
    for (p, b) in bodies {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(b.to_vec()))
            .mount(&server)
            .await;
    }
    let time = TestTime::default();
    let c = no_retry_client(&server, &time);
    for (p, b) in bodies {
        let raw = c.execute(get(p)).await.unwrap();
        let err = raw.json::<Thing>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Deserialization, "{p}");
        assert_eq!(err.status().unwrap().as_u16(), 200);
        assert_eq!(err.raw_body(), Some(b), "{p}");
        assert!(err.headers().is_some());
        assert!(err.correlation_id().is_some());
        assert!(std::error::Error::source(&err).is_some());
        if b.is_empty() {
            assert!(err.to_string().contains("empty"), "{err}");
        }
    }
    // a valid body still decodes, and 204 works with empty()
    Mock::given(path("/v2/ok"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "x", "amount": 5, "new_field": true})),
        )
        .mount(&server)
        .await;
    let thing = c
        .execute(get("/v2/ok"))
        .await
        .unwrap()
        .json::<Thing>()
        .unwrap();
    assert_eq!(thing.amount, 5);
    assert_eq!(thing.body().id, "x");
    Mock::given(path("/v2/nocontent"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let r = c.execute(get("/v2/nocontent")).await.unwrap().empty();
    assert_eq!(r.status().as_u16(), 204);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/moved"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:1/steal"),
        )
        .mount(&server)
        .await;
    let time = TestTime::default();
    let e = no_retry_client(&server, &time)
        .execute(get("/v2/moved"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(e.status().unwrap().as_u16(), 302);
}

#[tokio::test]
async fn config_errors() {
    let e = klarna_runtime::builder().build().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = klarna_runtime::builder()
        .api_key("k")
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = klarna_runtime::builder()
        .api_key("k")
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = klarna_runtime::builder()
        .api_key("bad\nkey")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.to_string().contains("bad\nkey"));
    let e = klarna_runtime::builder()
        .api_key("klarna_live_api_abc")
        .environment(klarna_runtime::Environment::Test)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.to_string().contains("klarna_live_api_abc"));
    let e = klarna_runtime::builder()
        .api_key("klarna_test_api_abc")
        .environment(klarna_runtime::Environment::Live)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let ok = klarna_runtime::builder()
        .api_key("klarna_live_api_abc")
        .environment(klarna_runtime::Environment::Live)
        .build()
        .unwrap();
    assert_eq!(ok.base_url(), "https://api-global.klarna.com");
    let ok = klarna_runtime::builder()
        .api_key("klarna_test_api_abc")
        .build()
        .unwrap();
    assert_eq!(ok.base_url(), "https://api-global.test.klarna.com");
}

#[tokio::test]
async fn mtls_identity_from_pem() {
    let cert = include_bytes!("fixtures/client_cert.pem");
    let key = include_bytes!("fixtures/client_ec.key");
    let id = klarna_runtime::Identity::from_pem(cert, key).unwrap();
    assert_eq!(id.chain_len(), 1);
    assert!(!format!("{id:?}").contains("BEGIN"));
    let c = klarna_runtime::builder()
        .api_key("k")
        .identity(id)
        .build()
        .unwrap();
    assert!(format!("{c:?}").contains("mtls: true"));
    let e = klarna_runtime::builder()
        .api_key("k")
        .identity_pem(
            cert,
            b"-----BEGIN EC PRIVATE KEY-----\nnope\n-----END EC PRIVATE KEY-----\n",
        )
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = klarna_runtime::builder()
        .api_key("k")
        .identity_pem(b"", key)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    // a key block whose contents are not a usable key is rejected at build time
    let e = klarna_runtime::builder()
        .api_key("k")
        .identity_pem(
            cert,
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}
