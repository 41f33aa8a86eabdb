//! Generated operations against a local mock server: what goes on the wire (method, path, query,
//! headers, body) and what comes back (typed success bodies, Klarna error bodies).

use klarna::ApiErrorExt as _;
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

#[test]
fn webhook_deliveries_are_verified_then_typed_by_event_type() {
    use klarna::notification::webhooks::{Event, verify};
    use klarna_runtime::webhooks::{SigningKeys, WebhookError, compute_signature};

    let key_id = "krn:partner:global:notification:signing-key:1";
    let keys = SigningKeys::new().with_key(key_id, "s3cr3t");
    let body = json!({
        "metadata": {
            "event_type": "payment.request.state-change.completed",
            "event_id": "0b7f4c5e-5f7a-4c1a-9a55-1f0d6a3c2b11",
            "event_version": "v2",
            "occurred_at": "2025-12-01T10:00:00Z"
        },
        "payload": {"payment_request_id": "krn:payment:eu1:request:1", "state": "COMPLETED"}
    })
    .to_string();
    let mut headers = klarna_runtime::http::HeaderMap::new();
    headers.insert("Klarna-Signing-Key-Id", key_id.parse().expect("header"));
    headers.insert(
        "Klarna-Signature",
        compute_signature("s3cr3t", body.as_bytes())
            .parse()
            .expect("header"),
    );
    let delivery = verify(body.as_bytes(), &headers, &keys).expect("verifies");
    assert_eq!(
        delivery.metadata.event_id,
        "0b7f4c5e-5f7a-4c1a-9a55-1f0d6a3c2b11"
    );
    match delivery.event {
        Event::PaymentRequestStateChangeCompleted(payload) => {
            assert_eq!(payload.payment_request_id, "krn:payment:eu1:request:1");
        }
        other => panic!("wrong event: {other:?}"),
    }
    // A tampered body fails before anything is parsed.
    let tampered = body.replace("COMPLETED", "CANCELED");
    assert!(matches!(
        verify(tampered.as_bytes(), &headers, &keys),
        Err(WebhookError::SignatureMismatch)
    ));
    // An event type this SDK does not know is kept, not rejected.
    let future = body.replace(
        "payment.request.state-change.completed",
        "payment.request.state-change.teleported",
    );
    let mut future_headers = headers.clone();
    future_headers.insert(
        "Klarna-Signature",
        compute_signature("s3cr3t", future.as_bytes())
            .parse()
            .expect("header"),
    );
    let delivery = verify(future.as_bytes(), &future_headers, &keys).expect("unknown types verify");
    assert!(matches!(delivery.event, Event::Unknown(_)));
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn downloads_stream_a_large_body_in_bounded_memory() {
    use tokio::io::AsyncWriteExt;
    const TOTAL: u64 = 110 * 1024 * 1024;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = vec![0u8; 8192];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut request).await;
        let head =
            format!("HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {TOTAL}\r\n\r\n");
        socket.write_all(head.as_bytes()).await.expect("head");
        let chunk = vec![b'7'; 64 * 1024];
        let mut sent = 0u64;
        while sent < TOTAL {
            let n = chunk.len().min((TOTAL - sent) as usize);
            if socket.write_all(&chunk[..n]).await.is_err() {
                return;
            }
            sent += n as u64;
        }
    });
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let before = peak_rss_kib();
    let response = client
        .settlements()
        .download_csv("krn:settlement:1")
        .send_streaming()
        .await
        .expect("headers arrive");
    assert_eq!(response.status().as_u16(), 200);
    let mut stream = response.bytes_stream();
    let (mut received, mut largest) = (0u64, 0usize);
    while let Some(chunk) = futures_next(&mut stream).await {
        let chunk = chunk.expect("chunk");
        largest = largest.max(chunk.len());
        received += chunk.len() as u64;
    }
    server.await.expect("server");
    assert_eq!(received, TOTAL, "every byte arrives");
    assert!(largest <= 4 * 1024 * 1024, "chunks stay small: {largest}");
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        assert!(
            after.saturating_sub(before) < 48 * 1024,
            "peak memory grew by {} KiB for a 110 MiB body",
            after - before
        );
    }
}

async fn futures_next<S: futures_util::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    futures_util::StreamExt::next(stream).await
}

#[tokio::test]
async fn form_bodies_and_deep_object_queries_are_flattened_on_the_wire() {
    use wiremock::matchers::body_string;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .and(query_param("created[gte]", "10"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "amount=1000&metadata%5Border%5D=A+1&items%5B0%5D=x",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "ch_1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = klarna_runtime::Request::new(
        "createCharge",
        klarna_runtime::Method::POST,
        "/v1/charges".to_owned(),
    )
    .query_object("created", &json!({"gte": 10}))
    .form(&json!({"amount": 1000, "metadata": {"order": "A 1"}, "items": ["x"]}));
    let response = client.runtime().execute(request).await.expect("sent");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_list_of_pages_is_streamed_too() {
    // Klarna's collection reads compliance decisions as `[ {decisions, pagination} ]`.
    let server = MockServer::start().await;
    let account = "krn:partner:global:account:test:ABC";
    let decisions_path = format!("/v2/accounts/{account}/compliance/decisions");
    Mock::given(method("GET"))
        .and(path(decisions_path.as_str()))
        .and(query_param("starting_after", "d2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"decisions": [{"decision_id": "d3"}], "pagination": {"count": 1, "last_item": null}}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(decisions_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"decisions": [{"decision_id": "d1"}, {"decision_id": "d2"}], "pagination": {"count": 2, "last_item": "d2"}}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let decisions = client(&server)
        .compliance_decisions()
        .list(account)
        .into_stream()
        .collect_vec()
        .await
        .expect("all pages");
    let ids: Vec<&str> = decisions.iter().map(|d| d.decision_id.as_str()).collect();
    assert_eq!(ids, ["d1", "d2", "d3"]);
}

/// What a call returns can be spawned on a multi-threaded runtime (`Send + 'static`): the futures of
/// `send()` (a plain `fn` returning `impl Future`, whose auto traits come from its body) and the
/// pagination streams. Checked by the compiler; creating them sends nothing.
#[test]
fn operation_futures_and_streams_are_send_and_static() {
    fn spawnable<T: Send + 'static>(_: &T) {}
    let client = Client::builder()
        .api_key(KEY)
        .environment(Environment::Test)
        .build()
        .expect("client builds");
    spawnable(
        &client
            .webhooks()
            .get("krn:partner:global:notification:webhook:1")
            .send(),
    );
    let request = CreateWebhookRequest::new(
        "https://example.com/hooks".into(),
        vec!["payment.*".into()],
        WebhookEventVersion::V2,
        "krn:partner:global:notification:signing-key:1".into(),
    );
    spawnable(&client.webhooks().create(request).send());
    spawnable(
        &client
            .stores()
            .list("krn:partner:global:account:1")
            .into_stream(),
    );
}
