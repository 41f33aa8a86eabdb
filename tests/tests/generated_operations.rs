//! Generated operations against a local mock server: what goes on the wire (method, path, query,
//! headers, body) and what comes back (typed success bodies, Klarna error bodies).

use klarna::notification::{CreateWebhookRequest, WebhookEventVersion, WebhookStatus};
use klarna::{Client, Environment, ErrorKind, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "klarna_test_api_c2VjcmV0";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .environment(Environment::Test)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

fn webhook_json(id: &str) -> serde_json::Value {
    json!({
        "webhook_id": id,
        "url": "https://example.com/hooks",
        "event_types": ["payment.*"],
        "event_version": "v2",
        "signing_key_id": "krn:partner:global:notification:signing-key:1",
        "status": "ENABLED"
    })
}

#[tokio::test]
async fn create_webhook_sends_the_documented_request_and_parses_the_response() {
    let server = MockServer::start().await;
    let body = json!({
        "url": "https://example.com/hooks",
        "event_types": ["payment.*"],
        "event_version": "v2",
        "signing_key_id": "krn:partner:global:notification:signing-key:1",
        "status": "ENABLED"
    });
    Mock::given(method("POST"))
        .and(path("/v2/notification/webhooks"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(header_exists("klarna-idempotency-key"))
        .and(header_exists("partner-correlation-id"))
        .and(body_json(&body))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(webhook_json("krn:partner:global:notification:webhook:1")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut request = CreateWebhookRequest::new(
        "https://example.com/hooks".into(),
        vec!["payment.*".into()],
        WebhookEventVersion::V2,
        "krn:partner:global:notification:signing-key:1".into(),
    );
    request.status = Some(WebhookStatus::Enabled);
    let created = client(&server)
        .webhooks()
        .create(request)
        .send()
        .await
        .expect("create succeeds");

    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(
        created.webhook_id,
        "krn:partner:global:notification:webhook:1"
    );
    assert_eq!(created.status, WebhookStatus::Enabled);
    assert_eq!(created.event_version, WebhookEventVersion::V2);
    let sent: Vec<Request> = server.received_requests().await.unwrap_or_default();
    let key = sent[0]
        .headers
        .get("klarna-idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(key.len(), 36, "a UUID idempotency key: {key}");
}

#[tokio::test]
async fn path_parameters_are_encoded_and_caller_options_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v2/notification/webhooks/krn:partner:global:notification:webhook:a%2Fb",
        ))
        .and(header("partner-correlation-id", "order4711"))
        .and(header("x-extra", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(webhook_json("krn:partner:global:notification:webhook:a/b")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let got = client(&server)
        .webhooks()
        .get("krn:partner:global:notification:webhook:a/b")
        .correlation_id("order4711")
        .header("X-Extra", "1")
        .send()
        .await
        .expect("get succeeds");
    assert_eq!(
        got.webhook_id,
        "krn:partner:global:notification:webhook:a/b"
    );
}

#[tokio::test]
async fn unknown_enum_values_and_fields_are_tolerated_and_kept() {
    let server = MockServer::start().await;
    let mut body = webhook_json("w1");
    body["status"] = json!("PAUSED_BY_KLARNA");
    body["brand_new_field"] = json!({"x": 1});
    Mock::given(method("GET"))
        .and(path("/v2/notification/webhooks/w1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let got = client(&server)
        .webhooks()
        .get("w1")
        .send()
        .await
        .expect("tolerant parse");
    assert_eq!(
        got.status,
        WebhookStatus::Unknown("PAUSED_BY_KLARNA".into())
    );
    assert_eq!(
        serde_json::to_value(&got.status).ok(),
        Some(json!("PAUSED_BY_KLARNA"))
    );
}

#[tokio::test]
async fn delete_returns_an_empty_response() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/notification/signing-keys/k1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = client(&server)
        .signing_keys()
        .delete("k1")
        .send()
        .await
        .expect("delete succeeds");
    assert_eq!(deleted.status().as_u16(), 204);
}

#[tokio::test]
async fn query_parameters_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v2/accounts/krn:partner:global:account:test:ABC/stores",
        ))
        .and(query_param("size", "2"))
        .and(query_param("starting_after", "cursor1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"stores": [], "pagination": {"count": 0, "last_item": null}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .stores()
        .list("krn:partner:global:account:test:ABC")
        .size(2)
        .starting_after("cursor1")
        .send()
        .await
        .expect("list succeeds");
    assert!(page.stores.is_empty());
}

#[tokio::test]
async fn klarna_error_bodies_are_parsed_into_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/notification/webhooks/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("partner-correlation-id", "abc123")
                .set_body_json(json!({
                    "error_id": "3f6e7f2c-1c0b-4d32-9b8f-1d2f3a4b5c6d",
                    "error_type": "RESOURCE_ERROR",
                    "error_code": "RESOURCE_NOT_FOUND",
                    "error_message": "The webhook does not exist."
                })),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .webhooks()
        .get("missing")
        .send()
        .await
        .expect_err("404 is an error");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let api = err.api_error().expect("Klarna's error body is parsed");
    assert_eq!(api.error_code(), Some("RESOURCE_NOT_FOUND"));
    assert_eq!(api.error_type(), Some("RESOURCE_ERROR"));
    assert_eq!(api.error_id(), Some("3f6e7f2c-1c0b-4d32-9b8f-1d2f3a4b5c6d"));
    assert!(
        err.headers()
            .is_some_and(|h| h.contains_key("partner-correlation-id"))
    );
    assert!(
        !format!("{err:?}").contains(KEY),
        "the API key never appears in Debug output"
    );
}

#[tokio::test]
async fn a_conflict_is_its_own_error_kind() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/notification/signing-keys"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "error_id": "e1", "error_type": "RESOURCE_ERROR", "error_code": "RESOURCE_CONFLICT",
            "error_message": "Idempotent operation on signing key failed"
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .signing_keys()
        .create()
        .send()
        .await
        .expect_err("409 is an error");
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn list_operations_stream_every_item_across_pages() {
    let server = MockServer::start().await;
    let account = "krn:partner:global:account:test:ABC";
    let stores_path = format!("/v2/accounts/{account}/stores");
    Mock::given(method("GET"))
        .and(path(stores_path.as_str()))
        .and(query_param("starting_after", "s2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stores": [{"store_id": "s3"}],
            "pagination": {"count": 1, "last_item": null}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(stores_path.as_str()))
        .and(query_param("size", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stores": [{"store_id": "s1"}, {"store_id": "s2"}],
            "pagination": {"count": 2, "last_item": "s2"}
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let stores = client
        .stores()
        .list(account)
        .size(2)
        .into_stream()
        .collect_vec()
        .await
        .expect("all pages");
    let ids: Vec<&str> = stores.iter().map(|s| s.store_id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    let first_only = client
        .stores()
        .list(account)
        .size(2)
        .into_stream()
        .limit(2)
        .collect_vec()
        .await
        .expect("first page");
    assert_eq!(
        first_only.len(),
        2,
        "a limit stops before the next page is fetched"
    );
}
