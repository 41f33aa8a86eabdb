//! The generated typed stubs, one API at a time, through the real SDK client: matching on path, query,
//! header and body, typed answers decoded by the SDK, Klarna errors seen as `klarna::Error`, call counts
//! and their failing assertions.

use klarna::ApiErrorExt as _;
use klarna::identity::IdentitySdkToken;
use klarna::interoperability::InteroperabilityToken;
use klarna::management::{Brand, CreateBrandRequest};
use klarna::messaging::MessagingPlacement;
use klarna::notification::Webhook;
use klarna::payment::{CreatePaymentRequestRequest, PaymentRequest, PaymentRequestState};
use klarna_testing::stubs::{api_error, example};
use klarna_testing::{MAX_REQUEST_BODY_BYTES, StubServer};

const ACCOUNT: &str = "krn:partner:global:account:test:STUBS";

mod common;

#[tokio::test]
async fn an_oversized_body_is_refused_in_klarnas_shape() {
    let server = StubServer::start().await.unwrap();
    let answer = common::raw(
        server.base_url(),
        "POST",
        "/v2/accounts/A/payment/requests",
        &[("content-type", "application/json")],
        vec![b' '; MAX_REQUEST_BODY_BYTES + 1],
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(common::klarna_error(&answer).0, "REQUEST_TOO_LARGE");
}

#[tokio::test]
async fn payment_get_matches_path_parameters_and_answers_a_typed_model() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let mut request: PaymentRequest = example("getPaymentRequest").unwrap();
    request.payment_request_id = "krn:payment:eu1:request:one".into();
    request.state = PaymentRequestState::Completed;
    let get = server.payment_requests().get(
        |when| {
            when.partner_account_id(ACCOUNT)
                .payment_request_id("krn:payment:eu1:request:one")
        },
        |then| then.ok(&request),
    );

    let got = client
        .payment_requests()
        .get(ACCOUNT, "krn:payment:eu1:request:one")
        .send()
        .await
        .unwrap();
    assert_eq!(*got, request);
    assert_eq!(got.state, PaymentRequestState::Completed);

    // Another id is not this stub's: Klarna's error shape, saying why.
    let err = client
        .payment_requests()
        .get(ACCOUNT, "krn:payment:eu1:request:two")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.error_code(), Some("NO_STUB_MATCHED"));
    let message = err
        .api_error()
        .and_then(|e| e.error_message.clone())
        .unwrap();
    assert!(
        message.contains("path parameter `payment_request_id` is \"krn:payment:eu1:request:two\""),
        "{message}"
    );

    get.assert_hits(1);
    assert_eq!(get.requests()[0].method, "GET");
    let unmatched = server.unmatched();
    assert_eq!(unmatched.len(), 1);
    assert!(unmatched[0].0.path.ends_with("krn:payment:eu1:request:two"));
}

#[tokio::test]
async fn payment_create_matches_the_typed_body() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let mut create = CreatePaymentRequestRequest::new("EUR".into());
    create.amount = Some(11_900);
    let mut created: PaymentRequest = example("createPaymentRequest").unwrap();
    created.state = PaymentRequestState::Submitted;
    let stub = server
        .payment_requests()
        .create(|when| when.body(&create), |then| then.ok(&created))
        .expect(1);

    let got = client
        .payment_requests()
        .create(ACCOUNT, create.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(*got, created);

    let mut other = create.clone();
    other.amount = Some(1);
    let err = client
        .payment_requests()
        .create(ACCOUNT, other)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("NO_STUB_MATCHED"));
    let (_, why) = &server.unmatched()[0];
    assert!(why.contains("/amount is 1, the stub wants 11900"), "{why}");
    assert_eq!(stub.hits(), 1);
    // The SDK's idempotency key came along.
    assert!(
        stub.requests()[0]
            .header("klarna-idempotency-key")
            .is_some()
    );
}

#[tokio::test]
async fn management_body_check_and_a_klarna_error() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let mut brand = Brand::new("krn:partner:global:brand:b1".into());
    brand.display_name = Some("Shop".into());
    let ok = server.brands().create(
        |when| when.body_matches(|b: &CreateBrandRequest| b.display_name == "Shop"),
        |then| then.ok(&brand),
    );
    let refused = server.brands().create(
        |when| {
            when.partner_account_id(ACCOUNT)
                .body_matches(|b: &CreateBrandRequest| b.display_name.is_empty())
        },
        |then| {
            then.error(
                400,
                &api_error("INPUT_ERROR", "VALIDATION_ERROR", "display_name: required"),
            )
        },
    );

    let got = client
        .brands()
        .create(
            ACCOUNT,
            CreateBrandRequest::new("shop-1".into(), "Shop".into()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(got.brand_id, "krn:partner:global:brand:b1");
    assert_eq!(got.display_name.as_deref(), Some("Shop"));

    let err = client
        .brands()
        .create(
            ACCOUNT,
            CreateBrandRequest::new("shop-2".into(), String::new()),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some("VALIDATION_ERROR"));
    assert_eq!(
        err.api_error().and_then(|e| e.error_type()),
        Some("INPUT_ERROR")
    );
    ok.assert_hits(1);
    refused.assert_hits(1);
}

#[tokio::test]
async fn messaging_matches_typed_query_parameters() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let placement: MessagingPlacement = example("getCreditPromotionMessagingForBadge").unwrap();
    let badge = server.credit_promotions().get_messaging_for_badge(
        |when| when.locale("en-US").amount(5_000_i64).currency("USD"),
        |then| then.ok(&placement),
    );

    let got = client
        .credit_promotions()
        .get_messaging_for_badge(ACCOUNT, "en-US", 5_000_i64, "USD")
        .send()
        .await
        .unwrap();
    assert_eq!(*got, placement);

    let err = client
        .credit_promotions()
        .get_messaging_for_badge(ACCOUNT, "en-US", 7_000_i64, "USD")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("NO_STUB_MATCHED"));
    let (request, why) = &server.unmatched()[0];
    assert_eq!(request.query_values("amount"), ["7000"]);
    assert!(
        why.contains("query parameter `amount` is [\"7000\"], the stub wants [\"5000\"]"),
        "{why}"
    );
    badge.assert_hits(1);
}

#[tokio::test]
async fn identity_matches_a_header_parameter() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    // A response-only model is `#[non_exhaustive]`: built from `Default`, not with a struct literal.
    let mut token = IdentitySdkToken::default();
    token.sdk_token = Some("sdk-token-1".into());
    let stub = server.identity_sdk_tokens().create(
        |when| {
            when.partner_account_id(ACCOUNT)
                .klarna_customer_token("customer-token-1")
        },
        |then| then.ok(&token),
    );
    let got = client
        .identity_sdk_tokens()
        .create(ACCOUNT, "customer-token-1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.sdk_token.as_deref(), Some("sdk-token-1"));
    let err = client
        .identity_sdk_tokens()
        .create(ACCOUNT, "customer-token-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("NO_STUB_MATCHED"));
    assert!(
        server.unmatched()[0]
            .1
            .contains("header `Klarna-Customer-Token`")
    );
    stub.assert_hits(1);
}

#[tokio::test]
async fn interoperability_answers_the_spec_example_by_default() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let stub = server
        .interoperability_tokens()
        .create(|when| when.partner_account_id(ACCOUNT), |then| then);
    let got = client
        .interoperability_tokens()
        .create(ACCOUNT)
        .send()
        .await
        .unwrap();
    let expected: InteroperabilityToken = example("createInteroperabilityToken").unwrap();
    assert_eq!(*got, expected);
    assert!(!got.interoperability_token.is_empty());
    stub.assert_hits(1);
}

#[tokio::test]
async fn notification_error_then_success_and_an_empty_answer() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let webhook: Webhook = example("getWebhook").unwrap();
    // Newest first: the 404 answers once, then the older stub takes over.
    let found = server
        .webhooks()
        .get(|when| when.webhook_id("wh-1"), |then| then.ok(&webhook));
    let missing = server.webhooks().get(
        |when| when.webhook_id("wh-1"),
        |then| {
            then.error(
                404,
                &api_error("RESOURCE_ERROR", "RESOURCE_NOT_FOUND", "no webhook wh-1"),
            )
            .up_to(1)
        },
    );
    let deleted = server
        .webhooks()
        .delete(|when| when.webhook_id("wh-1"), |then| then.ok());

    let err = client.webhooks().get("wh-1").send().await.unwrap_err();
    assert_eq!(err.error_code(), Some("RESOURCE_NOT_FOUND"));
    let got = client.webhooks().get("wh-1").send().await.unwrap();
    assert_eq!(*got, webhook);
    client.webhooks().delete("wh-1").send().await.unwrap();

    missing.assert_hits(1);
    found.assert_hits(1);
    deleted.assert_hits(1);
    assert!(server.unmatched().is_empty());
}

#[tokio::test]
#[should_panic(expected = "answered 0 request(s), expected 1")]
async fn assert_hits_fails_when_the_call_did_not_happen() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    let stub = server.payment_requests().get(
        |when| when.payment_request_id("krn:payment:eu1:request:wanted"),
        |then| then,
    );
    // The code under test asks for another request: the stub is not hit.
    let _ = client
        .payment_requests()
        .get(ACCOUNT, "krn:payment:eu1:request:other")
        .send()
        .await;
    stub.assert_hits(1);
}

#[tokio::test]
#[should_panic(
    expected = "stub #1 of deleteWebhook (DELETE /v2/notification/webhooks/{webhook_id}) answered 0 request(s), expected 2"
)]
async fn an_expected_count_is_checked_when_the_server_drops() {
    let server = StubServer::start().await.unwrap();
    let _stub = server
        .webhooks()
        .delete(|when| when, |then| then.ok())
        .expect(2);
    // No call: dropping the server at the end of the test panics with the count.
}

#[tokio::test]
async fn verify_passes_when_every_expectation_is_met() {
    let server = StubServer::start().await.unwrap();
    let client = server.client();
    server
        .webhooks()
        .delete(|when| when, |then| then.ok())
        .expect(2);
    client.webhooks().delete("a").send().await.unwrap();
    client.webhooks().delete("b").send().await.unwrap();
    server.verify();
}
