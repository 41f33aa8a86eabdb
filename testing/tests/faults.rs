//! Faults on demand: the SDK retries what is safe (429 after `Retry-After`, 5xx, Klarna's `TIMEOUT`, a
//! slow, dropped or cut answer, all with the same idempotency key) and the money moves once.

mod common;

use std::time::{Duration, Instant};

use klarna::payment::CapturePaymentTransactionRequest;
use klarna_runtime::RetryPolicy;
use klarna_testing::{ControlError, FakeKlarna, Fault, FaultRule, Resource, stubs};

/// A client that retries up to 3 attempts with short backoffs.
fn retrying(fake: &FakeKlarna) -> klarna::Client {
    fake.client_builder()
        .retry_policy(
            RetryPolicy::new()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .build()
        .unwrap()
}

type Capture = stubs::payment::CapturePaymentTransaction;

async fn capture(
    client: &klarna::Client,
    fake: &FakeKlarna,
    tx: &str,
    amount: i64,
) -> Result<(), klarna::Error> {
    client
        .payment_transactions()
        .capture(
            fake.account_id(),
            tx,
            CapturePaymentTransactionRequest::new(amount),
        )
        .send()
        .await
        .map(|_| ())
}

#[tokio::test]
async fn errors_before_processing_are_retried_and_the_capture_happens_once() {
    for fault in [
        Fault::InternalError,
        Fault::BadGateway,
        Fault::ServiceUnavailable,
        Fault::GatewayTimeout,
        Fault::Timeout,
        Fault::DropConnection,
        Fault::CutBody,
    ] {
        let fake = FakeKlarna::start().await.unwrap();
        let tx = common::transaction(&fake, 10_000).await;
        fake.inject(FaultRule::new(fault).on::<Capture>().times(2))
            .unwrap();
        capture(&retrying(&fake), &fake, &tx, 4_000)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        let view = fake.transaction(&tx).unwrap();
        assert_eq!(
            (view.captured, view.captures.len()),
            (4_000, 1),
            "{fault:?}"
        );
        assert_eq!(view.remaining, 6_000);
        // Both strikes were used, so the rule is gone.
        assert!(fake.faults().is_empty(), "{fault:?}");
    }
}

#[tokio::test]
async fn an_answer_lost_after_the_capture_is_replayed_not_captured_twice() {
    for fault in [
        Fault::Timeout,
        Fault::ServiceUnavailable,
        Fault::DropConnection,
        Fault::CutBody,
    ] {
        let fake = FakeKlarna::start().await.unwrap();
        let tx = common::transaction(&fake, 10_000).await;
        fake.inject(
            FaultRule::new(fault)
                .on::<Capture>()
                .times(2)
                .after_processing(),
        )
        .unwrap();
        // Attempts 1 and 2 capture (the first) and lose the answer; attempt 3 gets the replay.
        capture(&retrying(&fake), &fake, &tx, 4_000)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        let view = fake.transaction(&tx).unwrap();
        assert_eq!(
            (view.captured, view.captures.len()),
            (4_000, 1),
            "{fault:?}: {}",
            view.summary()
        );
    }
}

#[tokio::test]
async fn a_slow_answer_runs_into_the_client_timeout_and_the_retry_is_replayed() {
    let fake = FakeKlarna::start().await.unwrap();
    let tx = common::transaction(&fake, 10_000).await;
    fake.inject(
        FaultRule::new(Fault::Slow {
            delay: Duration::from_secs(2),
        })
        .on::<Capture>()
        .after_processing(),
    )
    .unwrap();
    let client = fake
        .client_builder()
        .attempt_timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::new()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    capture(&client, &fake, &tx, 2_500).await.unwrap();
    let view = fake.transaction(&tx).unwrap();
    assert_eq!((view.captured, view.captures.len()), (2_500, 1));
}

#[tokio::test]
async fn rate_limits_are_waited_out_as_retry_after_asks() {
    let fake = FakeKlarna::start().await.unwrap();
    let tx = common::transaction(&fake, 10_000).await;
    fake.inject(
        FaultRule::new(Fault::RateLimited {
            retry_after: Duration::from_secs(1),
        })
        .on_resource(Resource::PaymentTransactions),
    )
    .unwrap();
    let started = Instant::now();
    capture(&retrying(&fake), &fake, &tx, 1_000).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.transaction(&tx).unwrap().captured, 1_000);
}

#[tokio::test]
async fn a_fault_that_outlasts_the_retries_reaches_the_caller_and_nothing_is_captured() {
    let fake = FakeKlarna::start().await.unwrap();
    let tx = common::transaction(&fake, 10_000).await;
    let id = fake
        .inject(
            FaultRule::new(Fault::ServiceUnavailable)
                .on::<Capture>()
                .always(),
        )
        .unwrap();
    let error = capture(&retrying(&fake), &fake, &tx, 1_000)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.error_code(), Some("SERVICE_UNAVAILABLE"));
    let status = fake.faults();
    assert_eq!((status[0].id, status[0].struck), (id, 3));
    assert_eq!(fake.transaction(&tx).unwrap().captured, 0);
    // Other operations are not struck.
    fake.client()
        .payment_transactions()
        .get(fake.account_id(), &tx)
        .send()
        .await
        .unwrap();
    fake.remove_fault(id).unwrap();
    assert!(matches!(
        fake.remove_fault(id),
        Err(ControlError::NotFound { .. })
    ));
    capture(&retrying(&fake), &fake, &tx, 1_000).await.unwrap();
}

#[tokio::test]
async fn klarnas_timeout_error_has_klarnas_body() {
    let fake = FakeKlarna::start().await.unwrap();
    fake.inject(FaultRule::new(Fault::Timeout).always())
        .unwrap();
    let answer = common::call(
        &fake,
        "GET",
        &format!("/v2/accounts/{}/payment/requests/x", fake.account_id()),
        "",
    )
    .await;
    assert_eq!(answer.status, 500);
    let (code, _) = common::klarna_error(&answer);
    assert_eq!(code, "TIMEOUT");
    assert_eq!(answer.body["error_type"], "TECHNICAL_ERROR");
    assert_eq!(answer.body["error_message"], "Request processing timeout.");
    assert_eq!(fake.clear_faults(), 1);
}

#[tokio::test]
async fn a_share_of_calls_is_struck_the_same_way_for_the_same_seed() {
    async fn pattern(seed: u64) -> Vec<u16> {
        let fake = FakeKlarna::builder().seed(seed).start().await.unwrap();
        fake.inject(
            FaultRule::new(Fault::InternalError)
                .on::<stubs::payment::GetPaymentRequest>()
                .always()
                .share(0.5),
        )
        .unwrap();
        let path = format!("/v2/accounts/{}/payment/requests/x", fake.account_id());
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(common::call(&fake, "GET", &path, "").await.status);
        }
        statuses
    }
    let first = pattern(42).await;
    assert_eq!(first, pattern(42).await);
    assert_ne!(first, pattern(43).await);
    let struck = first.iter().filter(|s| **s == 500).count();
    assert!((8..=32).contains(&struck), "{struck} of 40: {first:?}");
    assert!(first.iter().all(|s| matches!(s, 404 | 500)), "{first:?}");
}

#[tokio::test]
async fn bad_rules_are_refused_precisely() {
    let fake = FakeKlarna::start().await.unwrap();
    assert!(matches!(
        fake.inject(FaultRule::new(Fault::Timeout).share(2.0)),
        Err(ControlError::InvalidInput { .. })
    ));
    assert!(matches!(
        fake.inject(FaultRule::new(Fault::Timeout).on_operation_id("capturePaymentTransactoin")),
        Err(ControlError::UnknownOperation { .. })
    ));
    assert!(fake.faults().is_empty());
}

/// An answer cut in the middle of its body after the capture: the client sees a broken
/// connection that may have been sent, and a retry by hand with the error's idempotency key is
/// replayed, not captured again.
#[tokio::test]
async fn a_cut_answer_is_a_transport_error_and_a_retry_with_its_key_is_replayed() {
    let fake = FakeKlarna::start().await.unwrap();
    let tx = common::transaction(&fake, 10_000).await;
    fake.inject(
        FaultRule::new(Fault::CutBody)
            .on::<Capture>()
            .after_processing(),
    )
    .unwrap();
    let once = fake
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = capture(&once, &fake, &tx, 3_000).await.unwrap_err();
    assert_eq!(err.kind(), klarna::ErrorKind::Transport, "{err}");
    assert!(err.may_have_been_sent(), "{err}");
    assert!(
        err.to_string()
            .contains("the connection broke while reading the response"),
        "{err}"
    );
    let key = err
        .idempotency_key()
        .expect("a capture carries a key")
        .to_owned();
    assert_eq!(fake.transaction(&tx).unwrap().captures.len(), 1);
    once.payment_transactions()
        .capture(
            fake.account_id(),
            &tx,
            CapturePaymentTransactionRequest::new(3_000),
        )
        .idempotency_key(key)
        .send()
        .await
        .unwrap();
    let view = fake.transaction(&tx).unwrap();
    assert_eq!(
        (view.captured, view.captures.len()),
        (3_000, 1),
        "{}",
        view.summary()
    );
}
