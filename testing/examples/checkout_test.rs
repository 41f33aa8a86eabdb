//! A partner's checkout test, offline: the shop's webhook receiver and payment calls run against
//! `FakeKlarna`, which plays the customer and Klarna.
//!
//! ```sh
//! cargo run -p klarna-testing --example checkout_test
//! ```
//!
//! Create a payment request, let the customer complete it, finalize the authorization with the session
//! token, capture, refund part of it, and check that every webhook arrived and verifies with the signing
//! key created through the fake. Exits non-zero on the first thing that does not hold.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use klarna::notification::{CreateWebhookRequest, WebhookEventVersion};
use klarna::payment::{
    AuthorizePaymentRequest, CapturePaymentTransactionRequest, CreatePaymentRequestRequest,
    PaymentTransactionState, RefundPaymentRequest, RequestPaymentTransaction,
};
use klarna_runtime::webhooks::{self, SigningKeys, WebhookEnvelope};
use klarna_testing::FakeKlarna;

type Inbox = Arc<Mutex<(SigningKeys, Vec<WebhookEnvelope>)>>;

/// The shop's webhook endpoint: verify the signature over the raw body, 400 if it does not match.
async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut inbox = inbox.lock().unwrap_or_else(|e| e.into_inner());
    match webhooks::verify(&body, &headers, &inbox.0) {
        Ok(event) => {
            inbox.1.push(event);
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeKlarna::start().await?;
    let client = fake.client();
    let account = fake.account_id().to_owned();

    // The shop's receiver, subscribed to payment events with a fresh signing key.
    let inbox: Inbox = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/klarna/webhooks", listener.local_addr()?);
    let app = axum::Router::new()
        .route("/klarna/webhooks", axum::routing::post(receive))
        .with_state(Arc::clone(&inbox));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let key = client.signing_keys().create().send().await?;
    inbox.lock().unwrap_or_else(|e| e.into_inner()).0 =
        SigningKeys::new().try_with_key(key.signing_key_id.clone(), key.signing_key.clone())?;
    let events = vec!["payment.*".to_string()];
    let hook = CreateWebhookRequest::new(
        url,
        events,
        WebhookEventVersion::V2,
        key.signing_key_id.clone(),
    );
    client.webhooks().create(hook).send().await?;

    // Checkout: a payment request for 118.00 USD, which the customer completes.
    let mut create = CreatePaymentRequestRequest::new("USD".to_string());
    create.amount = Some(11_800);
    let request = client
        .payment_requests()
        .create(&account, create)
        .send()
        .await?;
    let token = fake.complete_payment_request(&request.payment_request_id)?;

    // Final authorization with the session token, then capture and a partial refund.
    let mut authorize = AuthorizePaymentRequest::new("USD".to_string());
    authorize.request_payment_transaction = Some(RequestPaymentTransaction::new(11_800));
    let authorized = client
        .authorization()
        .authorize_payment(&account, authorize)
        .klarna_network_session_token(token)
        .send()
        .await?
        .into_inner();
    let transaction = authorized
        .payment_transaction_response
        .and_then(|r| r.payment_transaction)
        .ok_or("the final authorization was not approved")?;
    let id = transaction.payment_transaction_id;
    let txs = client.payment_transactions();
    txs.capture(&account, &id, CapturePaymentTransactionRequest::new(11_800))
        .send()
        .await?;
    txs.refund(&account, &id, RefundPaymentRequest::new(2_500))
        .send()
        .await?;
    let state = txs.get(&account, &id).send().await?.state.clone();
    assert_eq!(state, Some(PaymentTransactionState::Completed));

    // Every event arrived, signed, in order.
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let inbox = inbox.lock().unwrap_or_else(|e| e.into_inner());
    let received: Vec<&str> = inbox
        .1
        .iter()
        .map(|e| e.metadata.event_type.as_str())
        .collect();
    assert_eq!(
        received,
        [
            "payment.request.state-change.submitted",
            "payment.request.state-change.in-progress",
            "payment.request.state-change.completed",
            "payment.transaction.state-change.authorized",
            "payment.transaction.captured",
            "payment.transaction.state-change.completed",
            "payment.transaction.refunded",
        ]
    );
    assert!(
        fake.deliveries().iter().all(|d| d.succeeded()),
        "the receiver accepted every signature"
    );
    println!(
        "checkout test passed: {} verified webhook deliveries",
        received.len()
    );
    Ok(())
}
