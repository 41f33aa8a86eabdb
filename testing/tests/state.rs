//! Reading the fake's state: payment requests, transaction amounts, the forced-outcome queue, filtered
//! deliveries, precise control errors, and a settle that gives up with what is still pending.

mod common;

use std::time::Duration;

use common::{fake_with_webhook, payment_request, transaction};
use klarna::payment::{CapturePaymentTransactionRequest, RefundPaymentRequest};
use klarna_testing::{
    AuthorizationOutcome, ControlError, DeliveryFilter, DeliveryOutcome, FakeKlarna, WebhookRetry,
};

#[tokio::test]
async fn a_payment_request_can_be_read_as_the_fake_holds_it() {
    let fake = FakeKlarna::start().await.unwrap();
    let id = payment_request(&fake, 1_500).await;
    let view = fake.payment_request(&id).unwrap();
    assert_eq!(
        (view.state.as_str(), view.amount, view.currency.as_str()),
        ("SUBMITTED", Some(1_500), "USD")
    );
    assert_eq!(view.account_id, fake.account_id());
    assert_eq!(view.json["payment_request_id"], id.as_str());
    let token = fake.complete_payment_request(&id).unwrap();
    let view = fake.payment_request(&id).unwrap();
    assert_eq!(view.state, "COMPLETED");
    assert_eq!(view.session_token.as_deref(), Some(token.as_str()));
    assert!(matches!(
        fake.payment_request("krn:payment:eu1:request:nope"),
        Err(ControlError::NotFound {
            resource: "payment request",
            ..
        })
    ));
}

#[tokio::test]
async fn a_transaction_shows_authorized_captured_refunded_and_remaining_amounts() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let tx = transaction(&fake, 10_000).await;
    let txs = client.payment_transactions();
    let capture = txs
        .capture(
            fake.account_id(),
            &tx,
            CapturePaymentTransactionRequest::new(6_000),
        )
        .send()
        .await
        .unwrap();
    txs.refund(fake.account_id(), &tx, RefundPaymentRequest::new(1_500))
        .send()
        .await
        .unwrap();
    let view = fake.transaction(&tx).unwrap();
    assert_eq!(view.state, "AUTHORIZED");
    assert_eq!(
        (
            view.authorized,
            view.captured,
            view.refunded,
            view.remaining,
            view.refundable
        ),
        (10_000, 6_000, 1_500, 4_000, 4_500)
    );
    assert_eq!(view.captures.len(), 1);
    assert_eq!(
        view.captures[0].payment_capture_id,
        capture.payment_capture_id
    );
    assert_eq!(view.captures[0].refunded, 1_500);
    assert!(
        view.summary().ends_with(
            "authorized 100.00 USD, captured 60.00 USD, refunded 15.00 USD, remaining 40.00 USD"
        ),
        "{}",
        view.summary()
    );
    assert!(matches!(
        fake.transaction("nope"),
        Err(ControlError::NotFound { .. })
    ));
}

#[tokio::test]
async fn forced_outcomes_can_be_seen_and_cleared() {
    let fake = FakeKlarna::start().await.unwrap();
    fake.next_authorization(AuthorizationOutcome::Declined);
    fake.next_authorization(AuthorizationOutcome::StepUpRequired);
    assert_eq!(
        fake.pending_authorizations(),
        [
            AuthorizationOutcome::Declined,
            AuthorizationOutcome::StepUpRequired
        ]
    );
    // One is used by an authorization...
    let answer = common::call(
        &fake,
        "POST",
        &format!("/v2/accounts/{}/payment/authorize", fake.account_id()),
        r#"{"currency": "EUR", "request_payment_transaction": {"amount": 100}}"#,
    )
    .await;
    assert_eq!(
        answer.body["payment_transaction_response"]["result"], "DECLINED",
        "{}",
        answer.text
    );
    assert_eq!(
        fake.pending_authorizations(),
        [AuthorizationOutcome::StepUpRequired]
    );
    // ...and the leftover is cleared before it leaks into the next step.
    assert_eq!(
        fake.clear_authorizations(),
        [AuthorizationOutcome::StepUpRequired]
    );
    assert!(fake.pending_authorizations().is_empty());
}

#[tokio::test]
async fn control_errors_tell_not_found_from_wrong_state() {
    let fake = FakeKlarna::start().await.unwrap();
    assert_eq!(
        fake.complete_payment_request("krn:payment:eu1:request:nope"),
        Err(ControlError::NotFound {
            resource: "payment request",
            id: "krn:payment:eu1:request:nope".into()
        })
    );
    let id = payment_request(&fake, 100).await;
    fake.decline_payment_request(&id).unwrap();
    match fake.complete_payment_request(&id) {
        Err(ControlError::WrongState { state, .. }) => assert_eq!(state, "DECLINED"),
        other => panic!("{other:?}"),
    }
    let e = fake.open_payment_request(&id).unwrap_err();
    assert_eq!(e.code(), "WRONG_STATE");
    assert!(e.to_string().contains("is DECLINED"), "{e}");
}

#[tokio::test]
async fn deliveries_can_be_filtered_by_webhook_event_type_and_outcome() {
    let (fake, _keys, webhook_id, received) = fake_with_webhook(&["payment.*"]).await;
    // A second webhook for transactions only, whose receiver fails its first answer.
    let (_keys2, second, received2) = common::subscribe(&fake, &["payment.transaction.*"]).await;
    received2
        .fail_first
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let _tx = transaction(&fake, 1_000).await;
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let _ = received;

    let all = fake.deliveries();
    let to_first = fake.deliveries_matching(&DeliveryFilter::new().webhook(&webhook_id));
    let to_second = fake.deliveries_matching(&DeliveryFilter::new().webhook(&second));
    assert_eq!(to_first.len() + to_second.len(), all.len());
    assert!(
        to_second
            .iter()
            .all(|d| d.event_type.starts_with("payment.transaction."))
    );
    let requests = fake.deliveries_matching(&DeliveryFilter::new().event_type("payment.request.*"));
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|d| d.webhook_id == webhook_id));
    let failed = fake.deliveries_matching(&DeliveryFilter::new().outcome(DeliveryOutcome::Failed));
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].webhook_id, second);
    assert_eq!(failed[0].status, Some(500));
    let retried = fake.deliveries_matching(
        &DeliveryFilter::new()
            .event_id(&failed[0].event_id)
            .outcome(DeliveryOutcome::Succeeded),
    );
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempt, 2);
}

#[tokio::test]
async fn settling_gives_up_at_its_deadline_and_says_what_is_pending() {
    let fake = FakeKlarna::builder()
        .webhook_retry(WebhookRetry::klarna())
        .start()
        .await
        .unwrap();
    let (_keys, webhook_id, received) = common::subscribe(&fake, &["payment.request.*"]).await;
    received
        .fail_first
        .store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
    let id = payment_request(&fake, 100).await;
    let started = std::time::Instant::now();
    let unsettled = fake
        .settle_deliveries(Duration::from_millis(500))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(unsettled.pending.len(), 1, "{unsettled}");
    let pending = &unsettled.pending[0];
    assert_eq!(pending.webhook_id, webhook_id);
    assert_eq!(pending.event_type, "payment.request.state-change.submitted");
    assert_eq!(pending.attempts, 1);
    assert_eq!(pending.last_error.as_deref(), Some("answered 500"));
    assert!(
        unsettled
            .to_string()
            .contains("1 webhook deliveries still pending")
    );
    let _ = id;
}
