//! Payment transactions (FACTS §8.3): captures, refunds and voids with consistent amounts; expiry.

mod common;

use std::time::Duration;

use common::{refusal, transaction};
use klarna::payment::{
    CapturePaymentTransactionRequest, PaymentTransactionState,
    ReauthorizePaymentTransactionRequest, RefundPaymentRequest, UpdatePaymentTransactionRequest,
};
use klarna_testing::FakeKlarna;

const DAY: u64 = 24 * 3600;

#[tokio::test]
async fn captures_never_exceed_the_authorization_and_refunds_never_exceed_captures() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let tx = transaction(&fake, 10_000).await;
    let txs = client.payment_transactions();

    assert_eq!(
        refusal(
            txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(10_001))
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into())
    );
    assert_eq!(
        refusal(
            txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(0))
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into())
    );
    // Nothing captured yet: nothing to refund.
    assert_eq!(
        refusal(
            txs.refund(&account, &tx, RefundPaymentRequest::new(1))
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into())
    );
    let first = txs
        .capture(&account, &tx, CapturePaymentTransactionRequest::new(6_000))
        .send()
        .await
        .unwrap();
    assert_eq!(first.capture_amount, Some(6_000));
    assert_eq!(
        refusal(
            txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(4_001))
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into()),
        "only 4000 is left to capture"
    );
    assert_eq!(
        txs.get(&account, &tx).send().await.unwrap().state,
        Some(PaymentTransactionState::Authorized)
    );
    txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(4_000))
        .send()
        .await
        .unwrap();
    assert_eq!(
        txs.get(&account, &tx).send().await.unwrap().state,
        Some(PaymentTransactionState::Completed),
        "fully captured"
    );
    assert_eq!(
        refusal(
            txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(1))
                .send()
                .await
        ),
        (409, "RESOURCE_CONFLICT".into())
    );

    // Refunds: of one capture (at most that capture), then of the transaction (at most what is left).
    let capture_refund = client
        .payment_captures()
        .refund(
            &account,
            &first.payment_capture_id,
            RefundPaymentRequest::new(6_000),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        capture_refund.payment_capture_id.as_deref(),
        Some(first.payment_capture_id.as_str())
    );
    assert_eq!(
        refusal(
            client
                .payment_captures()
                .refund(
                    &account,
                    &first.payment_capture_id,
                    RefundPaymentRequest::new(1)
                )
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into())
    );
    let refund = txs
        .refund(&account, &tx, RefundPaymentRequest::new(3_000))
        .send()
        .await
        .unwrap();
    let read = client
        .payment_refunds()
        .get(&account, &refund.payment_refund_id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.refund_amount, Some(3_000));
    assert_eq!(
        refusal(
            txs.refund(&account, &tx, RefundPaymentRequest::new(1_001))
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into()),
        "10000 captured, 9000 refunded"
    );
    txs.refund(&account, &tx, RefundPaymentRequest::new(1_000))
        .send()
        .await
        .unwrap();
    let capture = client
        .payment_captures()
        .get(&account, &first.payment_capture_id)
        .send()
        .await
        .unwrap();
    assert_eq!(capture.capture_amount, Some(6_000));
}

#[tokio::test]
async fn void_releases_the_rest_and_is_allowed_once() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let tx = transaction(&fake, 5_000).await;
    let txs = client.payment_transactions();
    let update = UpdatePaymentTransactionRequest {
        payment_transaction_reference: Some("order-7".into()),
        ..Default::default()
    };
    let updated = txs
        .update(&account, &tx, update.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.payment_transaction_reference.as_deref(),
        Some("order-7")
    );

    txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(2_000))
        .send()
        .await
        .unwrap();
    let voided = txs.void(&account, &tx).send().await.unwrap();
    assert_eq!(voided.state, Some(PaymentTransactionState::Completed));
    assert_eq!(
        refusal(txs.void(&account, &tx).send().await),
        (409, "RESOURCE_CONFLICT".into())
    );
    assert_eq!(
        refusal(
            txs.capture(&account, &tx, CapturePaymentTransactionRequest::new(1))
                .send()
                .await
        ),
        (409, "RESOURCE_CONFLICT".into())
    );
    assert_eq!(
        refusal(txs.update(&account, &tx, update).send().await),
        (409, "RESOURCE_CONFLICT".into())
    );
    // What was captured can still be refunded.
    txs.refund(&account, &tx, RefundPaymentRequest::new(2_000))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn authorizations_expire_can_be_reauthorized_in_the_grace_period_and_then_close() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let txs = client.payment_transactions();
    let revived = transaction(&fake, 1_000).await;
    let closed = transaction(&fake, 1_000).await;
    let partly = transaction(&fake, 1_000).await;
    txs.capture(
        &account,
        &partly,
        CapturePaymentTransactionRequest::new(400),
    )
    .send()
    .await
    .unwrap();
    let state = |id: &str| {
        let (txs, account, id) = (txs.clone(), account.clone(), id.to_owned());
        async move {
            txs.get(&account, &id)
                .send()
                .await
                .unwrap()
                .state
                .clone()
                .unwrap()
        }
    };

    fake.advance_time(Duration::from_secs(30 * DAY + 1));
    assert_eq!(state(&revived).await, PaymentTransactionState::Expired);
    assert_eq!(
        refusal(
            txs.capture(&account, &revived, CapturePaymentTransactionRequest::new(1))
                .send()
                .await
        ),
        (409, "RESOURCE_CONFLICT".into())
    );
    let reauthorize = ReauthorizePaymentTransactionRequest {
        extension_days: Some(10),
        ..Default::default()
    };
    let again = txs
        .reauthorize(&account, &revived, reauthorize)
        .send()
        .await
        .unwrap();
    assert_eq!(again.state, Some(PaymentTransactionState::Authorized));

    fake.advance_time(Duration::from_secs(7 * DAY));
    assert_eq!(
        state(&closed).await,
        PaymentTransactionState::Closed,
        "nothing captured"
    );
    assert_eq!(
        state(&partly).await,
        PaymentTransactionState::Completed,
        "partly captured"
    );
    assert_eq!(state(&revived).await, PaymentTransactionState::Authorized);
    assert_eq!(
        refusal(
            txs.reauthorize(
                &account,
                &closed,
                ReauthorizePaymentTransactionRequest::default()
            )
            .send()
            .await
        ),
        (409, "RESOURCE_CONFLICT".into())
    );
    assert_eq!(
        refusal(
            txs.refund(&account, &closed, RefundPaymentRequest::new(1))
                .send()
                .await
        ),
        (409, "RESOURCE_CONFLICT".into()),
        "CLOSED allows no operation, not even a refund"
    );
    txs.capture(
        &account,
        &revived,
        CapturePaymentTransactionRequest::new(1_000),
    )
    .send()
    .await
    .unwrap();
}
