//! Klarna's cross-cutting rules: authentication, idempotency, pagination, and the spec-example fallback.

mod common;

use std::time::Duration;

use common::{fake_with_webhook, refusal};
use futures_util::TryStreamExt;
use klarna::ApiErrorExt as _;
use klarna::payment::CreatePaymentRequestRequest;
use klarna_testing::{ControlError, FakeKlarna, stubs};

#[tokio::test]
async fn a_wrong_or_missing_key_gets_401() {
    let fake = FakeKlarna::start().await.unwrap();
    let wrong = klarna::Client::builder()
        .api_key("klarna_test_api_wrong")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let e = wrong.signing_keys().list().send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        e.api_error().unwrap().error_type.as_deref(),
        Some("ACCESS_ERROR")
    );
    assert_eq!(e.error_code(), Some("UNAUTHORIZED"));
    // Standard Basic with an empty user name is accepted too.
    let base64 = fake
        .client_builder()
        .auth_style(klarna_runtime::AuthStyle::Base64Basic)
        .build()
        .unwrap();
    base64.signing_keys().list().send().await.unwrap();
}

#[tokio::test]
async fn the_same_idempotency_key_replays_and_a_different_body_conflicts() {
    let (fake, _keys, _hook, received) = fake_with_webhook(&["payment.request.*"]).await;
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let body = |amount| {
        let mut b = CreatePaymentRequestRequest::new("EUR".to_string());
        b.amount = Some(amount);
        b
    };
    let send = |amount, key: &str| {
        client
            .payment_requests()
            .create(&account, body(amount))
            .idempotency_key(key.to_owned())
            .send()
    };
    let first = send(700, "order-9-create").await.unwrap().into_inner();
    let again = send(700, "order-9-create").await.unwrap().into_inner();
    assert_eq!(first, again, "the first answer, replayed");
    assert_eq!(
        refusal(send(701, "order-9-create").await),
        (409, "RESOURCE_CONFLICT".into())
    );
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(
        received.all().len(),
        1,
        "one payment request, one submitted event"
    );

    // Klarna honours a key for 24 hours.
    fake.advance_time(Duration::from_secs(25 * 3600));
    let later = send(700, "order-9-create").await.unwrap();
    assert_ne!(later.payment_request_id, first.payment_request_id);
}

#[tokio::test]
async fn lists_without_a_state_model_page_through_their_items() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    // The spec example's dispute, five times with different ids.
    let page = client
        .payment_disputes()
        .list(&account)
        .send()
        .await
        .unwrap()
        .into_inner();
    let example = serde_json::to_value(&page.disputes[0]).unwrap();
    let items: Vec<serde_json::Value> = (0..5)
        .map(|i| {
            let mut d = example.clone();
            d["payment_dispute_id"] = format!("krn:network:us1:test:payment:dispute:{i}").into();
            d
        })
        .collect();
    fake.set_list_items::<stubs::payment::ListPaymentDisputes>(items)
        .unwrap();
    let first = client
        .payment_disputes()
        .list(&account)
        .size(2)
        .send()
        .await
        .unwrap();
    assert_eq!(first.disputes.len(), 2);
    assert_eq!(first.pagination.count, 2);
    let all: Vec<_> = client
        .payment_disputes()
        .list(&account)
        .size(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|d| d.payment_dispute_id.clone()).collect();
    assert_eq!(
        ids,
        (0..5)
            .map(|i| format!("krn:network:us1:test:payment:dispute:{i}"))
            .collect::<Vec<_>>()
    );
    assert!(matches!(
        fake.set_list_items::<stubs::payment::GetPaymentRequest>(vec![]),
        Err(ControlError::NotApplicable { .. })
    ));
    assert!(matches!(
        fake.set_list_items_by_id("listPaymentDisputez", vec![]),
        Err(ControlError::UnknownOperation { .. })
    ));
}

#[tokio::test]
async fn operations_without_a_state_model_answer_with_the_spec_example() {
    let fake = FakeKlarna::start().await.unwrap();
    let presentation = fake
        .client()
        .payment_presentation()
        .get(fake.account_id(), "USD")
        .send()
        .await
        .unwrap();
    let json = serde_json::to_value(presentation.into_inner()).unwrap();
    assert_eq!(json["instruction"], "SHOW_KLARNA");
}
