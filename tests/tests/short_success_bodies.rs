//! Success bodies that no source shows (`specs/README.md`, "Empty and short success bodies"): the operations
//! whose response evidence is empty decode whatever Klarna sends with a 2xx, an empty body, `{}` or a
//! smaller object than the one the document guesses, against a local mock server. A body that a source does
//! show stays strict: an empty one is an error.

use klarna::management::{
    DisablePaymentProductRequest, PaymentProductState, PayoutStatusValue,
    RevokeClientCertificateRequest, SetPayoutStatusRequest, UserAccessRequest,
};
use klarna::payment::{
    PaymentRequestState, PaymentTransactionState, ReauthorizePaymentTransactionRequest,
    UpdatePaymentTransactionRequest,
};
use klarna::{Client, Environment, ErrorKind, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "klarna_test_api_c2VjcmV0";
const ACCOUNT: &str = "krn:partner:global:account:test:MB6KIE1P";
const PRODUCT: &str = "krn:partner:global:account:test:MB6KIE1P:product:payment:1";
const CERTIFICATE: &str = "krn:partner:global:credential:client-certificate:1";
const SETTLEMENT: &str = "krn:partner:global:settlement:1";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .environment(Environment::Test)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

/// The three bodies a guessed success response must survive, each with the status the document gives.
fn bodies(status: u16, short: serde_json::Value) -> Vec<(&'static str, ResponseTemplate)> {
    vec![
        ("empty", ResponseTemplate::new(status)),
        (
            "empty with a JSON content type",
            ResponseTemplate::new(status).insert_header("content-type", "application/json"),
        ),
        ("{}", ResponseTemplate::new(status).set_body_json(json!({}))),
        ("short", ResponseTemplate::new(status).set_body_json(short)),
    ]
}

async fn serve(verb: &str, at: &str, template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn revoke_body() -> RevokeClientCertificateRequest {
    serde_json::from_value(json!({"revoked_from": "2026-01-01T00:00:00Z"})).expect("request")
}

#[tokio::test]
async fn revoke_client_certificate_decodes_an_empty_or_short_body() {
    let at = format!("/v2/account/integration/credentials/client-certificate/{CERTIFICATE}/revoke");
    for (what, template) in bodies(200, json!({"credential_id": CERTIFICATE})) {
        let server = serve("POST", &at, template).await;
        let revoked = client(&server)
            .client_certificates()
            .revoke(CERTIFICATE, revoke_body())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = (what == "short").then(|| CERTIFICATE.to_owned());
        assert_eq!(revoked.credential_id, expected, "{what}");
        assert!(revoked.secret.is_none(), "{what}");
    }
}

#[tokio::test]
async fn disable_and_enable_payment_product_decode_an_empty_or_short_body() {
    let base = format!("/v2/accounts/{ACCOUNT}/products/payment/{PRODUCT}");
    for (what, template) in bodies(200, json!({"state": "DISABLED"})) {
        let server = serve("POST", &format!("{base}/disable"), template).await;
        let changed = client(&server)
            .payment_products()
            .disable(
                ACCOUNT,
                PRODUCT,
                DisablePaymentProductRequest::new(klarna::management::DisableReason::Voluntary),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("disable, {what}: {e}"));
        let expected = (what == "short").then_some(PaymentProductState::Disabled);
        assert_eq!(changed.state, expected, "disable, {what}");
        assert!(changed.product_id.is_none(), "disable, {what}");
    }
    for (what, template) in bodies(200, json!({"product_id": PRODUCT})) {
        let server = serve("POST", &format!("{base}/enable"), template).await;
        let changed = client(&server)
            .payment_products()
            .enable(ACCOUNT, PRODUCT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("enable, {what}: {e}"));
        let expected = (what == "short").then(|| PRODUCT.to_owned());
        assert_eq!(changed.product_id, expected, "enable, {what}");
    }
}

#[tokio::test]
async fn set_payout_status_decodes_an_empty_or_short_body() {
    let at = format!("/v2/settlements/{SETTLEMENT}/payouts/set-status");
    for (what, template) in bodies(200, json!({"status": "PROCESSED"})) {
        let server = serve("POST", &at, template).await;
        let payout = client(&server)
            .settlements()
            .set_payout_status(
                SETTLEMENT,
                SetPayoutStatusRequest::new(PayoutStatusValue::Processed),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = (what == "short").then_some(PayoutStatusValue::Processed);
        assert_eq!(payout.status, expected, "{what}");
        assert!(payout.amount.is_none(), "{what}");
    }
}

#[tokio::test]
async fn create_or_update_user_access_decodes_an_empty_or_short_body() {
    for (what, template) in bodies(201, json!({"principal": "portal.user@merchant.com"})) {
        let server = serve("POST", "/v2/portal/user-access", template).await;
        let request: UserAccessRequest =
            serde_json::from_value(json!({"jwt": "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}))
                .expect("request");
        let access = client(&server)
            .portal()
            .create_or_update_user_access(request)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = (what == "short").then(|| "portal.user@merchant.com".to_owned());
        assert_eq!(access.principal, expected, "{what}");
        assert!(access.roles.is_none(), "{what}");
    }
}

#[tokio::test]
async fn revoke_customer_token_decodes_an_empty_or_short_body() {
    let at = format!("/v2/accounts/{ACCOUNT}/identity/customer-token/revoke");
    for (what, template) in bodies(200, json!({"customer_token_reference": "ref-1"})) {
        let server = serve("POST", &at, template).await;
        let revoked = client(&server)
            .customer_tokens()
            .revoke(ACCOUNT, "krn:partner:eu1:test:identity:customer-token:1")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = (what == "short").then(|| "ref-1".to_owned());
        assert_eq!(revoked.customer_token_reference, expected, "{what}");
    }
}

#[tokio::test]
async fn accept_payment_dispute_loss_decodes_an_empty_or_short_body() {
    let dispute = "krn:payment:eu1:dispute:products-not-received:1";
    let at = format!("/v2/accounts/{ACCOUNT}/payment/disputes/{dispute}/accept-loss");
    for (what, template) in bodies(200, json!({"state": "CLOSED"})) {
        let server = serve("POST", &at, template).await;
        let changed = client(&server)
            .payment_disputes()
            .accept_loss(ACCOUNT, dispute)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = (what == "short").then_some(klarna::payment::PaymentDisputeState::Closed);
        assert_eq!(changed.state, expected, "{what}");
        assert!(changed.payment_dispute_id.is_none(), "{what}");
    }
}

const REQUEST: &str = "krn:payment:eu1:request:4c2d1b3e-8f7a-4d2b-9c1e-2a3b4c5d6e7f";
const TRANSACTION: &str = "krn:payment:eu1:transaction:7f3e2d1c-0b9a-4e8d-8c7b-6a5f4e3d2c1b";

#[tokio::test]
async fn cancel_payment_request_decodes_an_empty_or_short_body() {
    let at = format!("/v2/accounts/{ACCOUNT}/payment/requests/{REQUEST}");
    for (what, template) in bodies(200, json!({"state": "CANCELED"})) {
        let server = serve("DELETE", &at, template).await;
        let canceled = client(&server)
            .payment_requests()
            .cancel(ACCOUNT, REQUEST)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = (what == "short").then_some(PaymentRequestState::Canceled);
        assert_eq!(canceled.state, expected, "{what}");
        assert!(canceled.payment_request_id.is_none(), "{what}");
    }
    let at = format!("/v2/payment/requests/{REQUEST}");
    for (what, template) in bodies(200, json!({"payment_request_id": REQUEST})) {
        let server = serve("DELETE", &at, template).await;
        let canceled = client(&server)
            .payment_requests()
            .cancel_as_sub_partner(REQUEST)
            .send()
            .await
            .unwrap_or_else(|e| panic!("as sub-partner, {what}: {e}"));
        let expected = (what == "short").then(|| REQUEST.to_owned());
        assert_eq!(
            canceled.payment_request_id, expected,
            "as sub-partner, {what}"
        );
        assert!(canceled.state.is_none(), "as sub-partner, {what}");
    }
}

#[tokio::test]
async fn update_reauthorize_and_void_payment_transaction_decode_an_empty_or_short_body() {
    let base = format!("/v2/accounts/{ACCOUNT}/payment/transactions/{TRANSACTION}");
    for (what, template) in bodies(200, json!({"payment_transaction_reference": "ref-2"})) {
        let server = serve("PATCH", &base, template).await;
        let update = UpdatePaymentTransactionRequest {
            payment_transaction_reference: Some("ref-2".into()),
            ..Default::default()
        };
        let updated = client(&server)
            .payment_transactions()
            .update(ACCOUNT, TRANSACTION, update)
            .send()
            .await
            .unwrap_or_else(|e| panic!("update, {what}: {e}"));
        let expected = (what == "short").then(|| "ref-2".to_owned());
        assert_eq!(
            updated.payment_transaction_reference, expected,
            "update, {what}"
        );
        assert!(updated.payment_transaction_id.is_none(), "update, {what}");
    }
    for (what, template) in bodies(200, json!({"state": "AUTHORIZED"})) {
        let server = serve("POST", &format!("{base}/authorize"), template).await;
        let reauthorize = ReauthorizePaymentTransactionRequest {
            extension_days: Some(10),
            ..Default::default()
        };
        let again = client(&server)
            .payment_transactions()
            .reauthorize(ACCOUNT, TRANSACTION, reauthorize)
            .send()
            .await
            .unwrap_or_else(|e| panic!("reauthorize, {what}: {e}"));
        let expected = (what == "short").then_some(PaymentTransactionState::Authorized);
        assert_eq!(again.state, expected, "reauthorize, {what}");
        assert!(again.amount.is_none(), "reauthorize, {what}");
    }
    for (what, template) in bodies(200, json!({"state": "COMPLETED"})) {
        let server = serve("POST", &format!("{base}/void"), template).await;
        let voided = client(&server)
            .payment_transactions()
            .void(ACCOUNT, TRANSACTION)
            .send()
            .await
            .unwrap_or_else(|e| panic!("void, {what}: {e}"));
        let expected = (what == "short").then_some(PaymentTransactionState::Completed);
        assert_eq!(voided.state, expected, "void, {what}");
        assert!(voided.payment_transaction_id.is_none(), "void, {what}");
    }
}

#[tokio::test]
async fn a_body_a_source_shows_is_still_required() {
    // createApiKey's 201 body is shown by Klarna's reference (credential_id is required): an empty body
    // is not "nothing reported" but a broken response.
    let server = serve(
        "POST",
        "/v2/account/integration/credentials/api-key",
        ResponseTemplate::new(201).insert_header("content-type", "application/json"),
    )
    .await;
    let request: klarna::management::CreateCredentialRequest =
        serde_json::from_value(json!({"description": "ci"})).expect("request");
    let err = client(&server)
        .api_keys()
        .create(request)
        .send()
        .await
        .expect_err("an empty body for a confirmed response");
    assert_eq!(err.kind(), ErrorKind::Deserialization);
    assert!(err.to_string().contains("response body is empty"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(201));
}
