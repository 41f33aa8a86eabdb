//! Every refusal, whichever layer makes it, in Klarna's error shape: validation errors that name the
//! field's JSON path, content types, the body limit, routing and methods.

mod common;

use common::{call, klarna_error, raw};
use klarna_testing::{FakeKlarna, MAX_REQUEST_BODY_BYTES};
use serde_json::json;

/// `(parameter, reason)` of the only validation error.
fn only_validation_error(answer: &common::RawAnswer) -> (String, String) {
    assert_eq!(answer.status, 400, "{}", answer.text);
    let (code, errors) = klarna_error(answer);
    assert_eq!(code, "VALIDATION_ERROR", "{}", answer.text);
    let errors = errors.as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "{}", answer.text);
    (
        errors[0]["parameter"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        errors[0]["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_missing_field_is_named_by_its_json_path_in_klarnas_words() {
    let fake = FakeKlarna::start().await.unwrap();
    let account = fake.account_id();
    let create = format!("/v2/accounts/{account}/payment/requests");
    let answer = call(&fake, "POST", &create, r#"{"amount": 1000}"#).await;
    assert_eq!(
        only_validation_error(&answer),
        ("currency".into(), "is required".into())
    );
    // Nothing of serde's text reaches the client.
    assert!(!answer.text.contains("missing field"), "{}", answer.text);
    assert!(!answer.text.contains("line 1"), "{}", answer.text);

    let answer = call(
        &fake,
        "POST",
        &format!("/v2/accounts/{account}/payment/authorize"),
        r#"{"request_payment_transaction": {"amount": 100}}"#,
    )
    .await;
    assert_eq!(
        only_validation_error(&answer),
        ("currency".into(), "is required".into())
    );

    // Nested: the path of the parent plus the field.
    let answer = call(
        &fake,
        "POST",
        &format!("/v2/accounts/{account}/payment/authorize"),
        r#"{"currency": "EUR", "request_payment_transaction": {}}"#,
    )
    .await;
    assert_eq!(
        only_validation_error(&answer),
        (
            "request_payment_transaction.amount".into(),
            "is required".into()
        )
    );

    let tx = common::transaction(&fake, 1_000).await;
    let answer = call(
        &fake,
        "POST",
        &format!("/v2/accounts/{account}/payment/transactions/{tx}/capture"),
        "{}",
    )
    .await;
    assert_eq!(
        only_validation_error(&answer),
        ("capture_amount".into(), "is required".into())
    );
}

#[tokio::test]
async fn a_wrong_type_or_value_is_named_by_its_json_path() {
    let fake = FakeKlarna::start().await.unwrap();
    let account = fake.account_id();
    let create = format!("/v2/accounts/{account}/payment/requests");
    let answer = call(
        &fake,
        "POST",
        &create,
        r#"{"currency": "EUR", "amount": "ten"}"#,
    )
    .await;
    assert_eq!(
        only_validation_error(&answer),
        ("amount".into(), "must be an integer, not a string".into())
    );
    let answer = call(&fake, "POST", &create, r#"{"currency": 978}"#).await;
    assert_eq!(
        only_validation_error(&answer),
        ("currency".into(), "must be a string, not a number".into())
    );
    let answer = call(
        &fake,
        "POST",
        &format!("/v2/accounts/{account}/payment/authorize"),
        r#"{"currency": "EUR", "request_payment_transaction": {"amount": 1.5}}"#,
    )
    .await;
    assert_eq!(
        only_validation_error(&answer),
        (
            "request_payment_transaction.amount".into(),
            "must be an integer, not a number".into()
        )
    );
    // A body that is an array, not an object.
    let answer = call(&fake, "POST", &create, "[]").await;
    assert_eq!(
        only_validation_error(&answer),
        ("body".into(), "must be an object, not an array".into())
    );
}

#[tokio::test]
async fn malformed_json_is_invalid_content() {
    let fake = FakeKlarna::start().await.unwrap();
    let create = format!("/v2/accounts/{}/payment/requests", fake.account_id());
    let answer = call(&fake, "POST", &create, r#"{"currency": "EUR""#).await;
    assert_eq!(answer.status, 400);
    assert_eq!(klarna_error(&answer).0, "INVALID_CONTENT_TYPE");
    assert!(fake.deliveries().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_sent_as_json_is_refused() {
    let fake = FakeKlarna::start().await.unwrap();
    let create = format!("/v2/accounts/{}/payment/requests", fake.account_id());
    let auth = format!("Basic {}", fake.api_key());
    let body = br#"{"currency": "EUR", "amount": 100}"#.to_vec();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(t) = content_type {
            headers.push(("content-type", t));
        }
        let answer = raw(fake.base_url(), "POST", &create, &headers, body.clone())
            .await
            .unwrap();
        assert_eq!(answer.status, 415, "{content_type:?}: {}", answer.text);
        assert_eq!(klarna_error(&answer).0, "INVALID_CONTENT_TYPE");
    }
    // JSON with parameters is JSON.
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json; charset=utf-8"),
    ];
    let answer = raw(fake.base_url(), "POST", &create, &headers, body)
        .await
        .unwrap();
    assert_eq!(answer.status, 201, "{}", answer.text);
}

#[tokio::test]
async fn an_oversized_body_is_refused_quickly_in_klarnas_shape() {
    let fake = FakeKlarna::start().await.unwrap();
    let create = format!("/v2/accounts/{}/payment/requests", fake.account_id());
    let auth = format!("Basic {}", fake.api_key());
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    // Just over the limit, and 20 MiB.
    for size in [MAX_REQUEST_BODY_BYTES + 1, 20 << 20] {
        let mut body = br#"{"currency": "EUR", "x": ""#.to_vec();
        body.resize(size - 2, b'a');
        body.extend_from_slice(b"\"}");
        let started = std::time::Instant::now();
        let answer = raw(fake.base_url(), "POST", &create, &headers, body)
            .await
            .unwrap();
        assert_eq!(answer.status, 413, "{}", answer.text);
        assert_eq!(klarna_error(&answer).0, "REQUEST_TOO_LARGE");
        assert!(
            answer.body["error_message"]
                .as_str()
                .unwrap_or_default()
                .contains(&MAX_REQUEST_BODY_BYTES.to_string())
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
    // At the limit it is read (and refused only for what it says).
    let mut body = br#"{"currency": "EUR", "x": ""#.to_vec();
    body.resize(MAX_REQUEST_BODY_BYTES - 2, b'a');
    body.extend_from_slice(b"\"}");
    let answer = raw(fake.base_url(), "POST", &create, &headers, body)
        .await
        .unwrap();
    assert_eq!(answer.status, 201, "{}", answer.text);
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_klarnas_shape() {
    let fake = FakeKlarna::start().await.unwrap();
    let account = fake.account_id();
    let answer = call(&fake, "GET", "/v3/nothing", "").await;
    assert_eq!(answer.status, 404);
    assert_eq!(klarna_error(&answer).0, "NOT_FOUND");
    let answer = call(&fake, "GET", "/", "").await;
    assert_eq!(answer.status, 404);
    assert_eq!(klarna_error(&answer).0, "NOT_FOUND");
    let answer = call(
        &fake,
        "PUT",
        &format!("/v2/accounts/{account}/payment/requests"),
        "{}",
    )
    .await;
    assert_eq!(answer.status, 405, "{}", answer.text);
    assert_eq!(klarna_error(&answer).0, "METHOD_NOT_ALLOWED");
    assert_eq!(
        answer.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    // The control surface is off unless asked for: its paths are just unknown.
    let answer = call(&fake, "GET", "/__control/", "").await;
    assert_eq!(answer.status, 404);
    klarna_error(&answer);
    // Without the key: 401 in the same shape.
    let answer = raw(
        fake.base_url(),
        "GET",
        &format!("/v2/accounts/{account}/payment/requests/x"),
        &[],
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 401);
    assert_eq!(klarna_error(&answer).0, "UNAUTHORIZED");
    let _ = json!(null);
}

#[tokio::test]
async fn amounts_in_messages_are_formatted_as_klarna_documents_them() {
    let fake = FakeKlarna::start().await.unwrap();
    let account = fake.account_id();
    let tx = common::transaction(&fake, 10_000).await;
    let answer = call(
        &fake,
        "POST",
        &format!("/v2/accounts/{account}/payment/transactions/{tx}/capture"),
        r#"{"capture_amount": 1000000}"#,
    )
    .await;
    let (_, reason) = only_validation_error(&answer);
    assert!(
        reason.starts_with("10000.00 USD is more than the 100.00 USD left to capture"),
        "{reason}"
    );
}
