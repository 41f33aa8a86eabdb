//! Payment request state machine (FACTS §8.1): allowed and refused transitions, expiry.

mod common;

use std::time::Duration;

use common::{payment_request, refusal};
use klarna::ApiErrorExt as _;
use klarna::payment::{PaymentRequestState, UpdatePaymentRequestRequest};
use klarna_testing::FakeKlarna;

#[tokio::test]
async fn submitted_can_be_updated_opened_and_canceled() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let id = payment_request(&fake, 1_000).await;
    let read = client
        .payment_requests()
        .get(&account, &id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, PaymentRequestState::Submitted);
    assert_eq!(read.amount, Some(1_000));
    assert!(read.expires_at.is_some());

    let update = UpdatePaymentRequestRequest {
        amount: Some(1_200),
        ..Default::default()
    };
    let updated = client
        .payment_requests()
        .update(&account, &id, update.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.amount, Some(1_200));

    fake.open_payment_request(&id).unwrap();
    let read = client
        .payment_requests()
        .get(&account, &id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, PaymentRequestState::InProgress);
    assert_eq!(read.previous_state, Some(PaymentRequestState::Submitted));
    // Once the customer is in the journey, updates are refused.
    assert_eq!(
        refusal(
            client
                .payment_requests()
                .update(&account, &id, update)
                .send()
                .await
        ),
        (409, "RESOURCE_CONFLICT".into())
    );

    let canceled = client
        .payment_requests()
        .cancel(&account, &id)
        .send()
        .await
        .unwrap();
    assert_eq!(canceled.state, Some(PaymentRequestState::Canceled));
    assert_eq!(canceled.state_reason.as_deref(), Some("PARTNER_CANCELED"));
    // CANCELED is final.
    assert_eq!(
        refusal(client.payment_requests().cancel(&account, &id).send().await),
        (409, "RESOURCE_CONFLICT".into())
    );
    assert!(
        fake.complete_payment_request(&id)
            .unwrap_err()
            .to_string()
            .contains("CANCELED")
    );
    assert!(fake.open_payment_request(&id).is_err());
    assert!(fake.decline_payment_request(&id).is_err());
}

#[tokio::test]
async fn completed_carries_the_session_token_and_cannot_be_canceled() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let id = payment_request(&fake, 500).await;
    let token = fake.complete_payment_request(&id).unwrap();
    let read = client
        .payment_requests()
        .get(&account, &id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, PaymentRequestState::Completed);
    assert_eq!(read.previous_state, Some(PaymentRequestState::InProgress));
    let context = read.state_context.as_ref().unwrap();
    assert_eq!(
        context.klarna_network_session_token.as_deref(),
        Some(token.as_str())
    );
    assert!(token.starts_with("krn:network:eu1:test:session-token:"));
    assert_eq!(
        refusal(client.payment_requests().cancel(&account, &id).send().await),
        (409, "RESOURCE_CONFLICT".into())
    );
    assert!(
        fake.complete_payment_request(&id).is_err(),
        "completing twice is refused"
    );
    assert!(fake.open_payment_request(&id).is_err());
}

#[tokio::test]
async fn declined_is_final() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let id = payment_request(&fake, 500).await;
    fake.decline_payment_request(&id).unwrap();
    let read = client
        .payment_requests()
        .get(fake.account_id(), &id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, PaymentRequestState::Declined);
    assert!(fake.complete_payment_request(&id).is_err());
    assert!(fake.decline_payment_request(&id).is_err());
}

#[tokio::test]
async fn open_requests_expire_after_48_hours_through_advance_time() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let submitted = payment_request(&fake, 500).await;
    let in_progress = payment_request(&fake, 600).await;
    fake.open_payment_request(&in_progress).unwrap();
    let completed = payment_request(&fake, 700).await;
    fake.complete_payment_request(&completed).unwrap();

    fake.advance_time(Duration::from_secs(47 * 3600));
    let state = |id: String| {
        let client = client.clone();
        let account = account.clone();
        async move {
            client
                .payment_requests()
                .get(&account, &id)
                .send()
                .await
                .unwrap()
                .state
                .clone()
        }
    };
    assert_eq!(
        state(submitted.clone()).await,
        PaymentRequestState::Submitted
    );

    fake.advance_time(Duration::from_secs(2 * 3600));
    assert_eq!(state(submitted.clone()).await, PaymentRequestState::Expired);
    assert_eq!(
        state(in_progress.clone()).await,
        PaymentRequestState::Expired
    );
    assert_eq!(
        state(completed).await,
        PaymentRequestState::Completed,
        "a completed request does not expire"
    );
    assert!(
        fake.complete_payment_request(&submitted).is_err(),
        "EXPIRED is final"
    );
}

#[tokio::test]
async fn unknown_ids_and_other_accounts_get_404_in_klarnas_shape() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let id = payment_request(&fake, 500).await;
    let e = client
        .payment_requests()
        .get("krn:partner:global:account:test:SOMEONEELSE", &id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    let api = e.api_error().expect("Klarna's error body");
    assert_eq!(api.error_type.as_deref(), Some("RESOURCE_ERROR"));
    assert_eq!(api.error_code.as_deref(), Some("RESOURCE_NOT_FOUND"));
    assert!(api.error_id.as_deref().is_some_and(|id| !id.is_empty()));
    assert!(api.error_message.as_deref().unwrap().contains(&id));
    assert!(
        fake.complete_payment_request("krn:payment:eu1:request:nope")
            .is_err()
    );
}

#[tokio::test]
async fn invalid_bodies_get_validation_errors() {
    let fake = FakeKlarna::start().await.unwrap();
    let mut create = klarna::payment::CreatePaymentRequestRequest::new("usd".to_string());
    create.amount = Some(100);
    let e = fake
        .client()
        .payment_requests()
        .create(fake.account_id(), create)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    let api = e.api_error().unwrap();
    assert_eq!(api.error_type.as_deref(), Some("INPUT_ERROR"));
    assert_eq!(api.error_code.as_deref(), Some("VALIDATION_ERROR"));
    assert_eq!(api.validation_errors.len(), 1);
    assert_eq!(
        api.validation_errors[0].parameter.as_deref(),
        Some("currency")
    );
}
