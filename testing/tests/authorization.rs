//! Authorization with step-up and final authorization (FACTS §8.2).

mod common;

use std::time::Duration;

use common::{authorize_body, fake_with_webhook, payment_request, refusal};
use klarna::ApiErrorExt as _;
use klarna::payment::{
    AuthorizationResult, PaymentRequestState, PaymentTransactionState, StepUpConfig,
};
use klarna_testing::{AuthorizationOutcome, FakeKlarna};

#[tokio::test]
async fn step_up_then_final_authorization_with_the_session_token() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let mut first = authorize_body(2_500);
    first.step_up_config = Some(StepUpConfig {
        payment_request_reference: Some("session-42".into()),
        ..Default::default()
    });
    let response = client
        .authorization()
        .authorize_payment(&account, first)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .payment_transaction_response
            .as_ref()
            .unwrap()
            .result,
        AuthorizationResult::StepUpRequired
    );
    let request = response
        .payment_request
        .as_ref()
        .expect("a payment request for the step-up");
    assert_eq!(request.state, PaymentRequestState::Submitted);
    assert_eq!(request.amount, Some(2_500));
    assert_eq!(
        request.payment_request_reference.as_deref(),
        Some("session-42")
    );
    let url = request
        .state_context
        .as_ref()
        .and_then(|c| c.customer_interaction.as_ref())
        .and_then(|i| i.payment_request_url.clone());
    assert!(url.is_some_and(|u| u.starts_with(fake.base_url())));

    let token = fake
        .complete_payment_request(&request.payment_request_id)
        .unwrap();
    let fin = client
        .authorization()
        .authorize_payment(&account, authorize_body(2_500))
        .klarna_network_session_token(token.clone())
        .send()
        .await
        .unwrap();
    let tx = fin.payment_transaction_response.as_ref().unwrap();
    assert_eq!(tx.result, AuthorizationResult::Approved);
    let tx = tx.payment_transaction.as_ref().unwrap();
    assert_eq!(tx.state, Some(PaymentTransactionState::Authorized));
    assert_eq!(tx.amount, Some(2_500));
    let read = client
        .payment_transactions()
        .get(&account, &tx.payment_transaction_id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.amount, Some(2_500));
}

#[tokio::test]
async fn the_session_token_replays_the_first_result_and_refuses_another_body() {
    let (fake, _keys, _webhook, received) = fake_with_webhook(&["payment.transaction.*"]).await;
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let request = payment_request(&fake, 900).await;
    let token = fake.complete_payment_request(&request).unwrap();
    let call = || {
        client
            .authorization()
            .authorize_payment(&account, authorize_body(900))
            .klarna_network_session_token(token.clone())
            .send()
    };
    let first = call().await.unwrap().into_inner();
    let again = call().await.unwrap().into_inner();
    assert_eq!(
        first, again,
        "the same token and body replay the first answer"
    );

    let mut other = authorize_body(900);
    other
        .request_payment_transaction
        .as_mut()
        .unwrap()
        .payment_transaction_reference = Some("x".into());
    assert_eq!(
        refusal(
            client
                .authorization()
                .authorize_payment(&account, other)
                .klarna_network_session_token(token.clone())
                .send()
                .await
        ),
        (409, "RESOURCE_CONFLICT".into())
    );
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let authorized: Vec<_> = received
        .all()
        .into_iter()
        .filter(|(_, body)| String::from_utf8_lossy(body).contains("state-change.authorized"))
        .collect();
    assert_eq!(
        authorized.len(),
        1,
        "one transaction, however often the call is repeated"
    );
}

#[tokio::test]
async fn final_authorization_must_repeat_the_approved_amount() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let request = payment_request(&fake, 1_000).await;
    let token = fake.complete_payment_request(&request).unwrap();
    let e = client
        .authorization()
        .authorize_payment(&account, authorize_body(1_001))
        .klarna_network_session_token(token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        e.api_error().unwrap().validation_errors[0]
            .parameter
            .as_deref(),
        Some("request_payment_transaction.amount")
    );
    // A token no completed request issued is refused.
    assert_eq!(
        refusal(
            client
                .authorization()
                .authorize_payment(&account, authorize_body(1_000))
                .klarna_network_session_token("krn:network:eu1:test:session-token:forged")
                .send()
                .await
        ),
        (400, "VALIDATION_ERROR".into())
    );
}

#[tokio::test]
async fn forced_outcomes_approve_decline_or_step_up() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let result = |r: klarna::payment::AuthorizePaymentResponse| {
        r.payment_transaction_response.unwrap().result
    };

    // Without step_up_config the default is APPROVED.
    let approved = client
        .authorization()
        .authorize_payment(&account, authorize_body(100))
        .send()
        .await
        .unwrap();
    assert_eq!(result(approved.into_inner()), AuthorizationResult::Approved);

    fake.next_authorization(AuthorizationOutcome::Declined);
    fake.next_authorization(AuthorizationOutcome::StepUpRequired);
    let declined = client
        .authorization()
        .authorize_payment(&account, authorize_body(100))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(
        declined
            .payment_transaction_response
            .as_ref()
            .unwrap()
            .payment_transaction
            .is_none()
    );
    assert_eq!(result(declined), AuthorizationResult::Declined);
    let stepped = client
        .authorization()
        .authorize_payment(&account, authorize_body(100))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(stepped.payment_request.is_some());
    assert_eq!(result(stepped), AuthorizationResult::StepUpRequired);

    // A declined final authorization declines the payment request.
    let request = payment_request(&fake, 300).await;
    let token = fake.complete_payment_request(&request).unwrap();
    fake.next_authorization(AuthorizationOutcome::Declined);
    let fin = client
        .authorization()
        .authorize_payment(&account, authorize_body(300))
        .klarna_network_session_token(token)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(result(fin), AuthorizationResult::Declined);
    let read = client
        .payment_requests()
        .get(&account, &request)
        .send()
        .await
        .unwrap();
    assert_eq!(read.state, PaymentRequestState::Declined);
}

#[tokio::test]
async fn a_step_up_request_expires_when_the_step_up_config_says() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let account = fake.account_id().to_owned();
    let mut body = authorize_body(100);
    let in_three_hours = fake.now().to_offset_date_time() + Duration::from_secs(3 * 3600);
    body.step_up_config = Some(StepUpConfig {
        payment_request_expires_at: Some(in_three_hours.into()),
        ..Default::default()
    });
    let response = client
        .authorization()
        .authorize_payment(&account, body)
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = response.payment_request.unwrap().payment_request_id;
    fake.advance_time(Duration::from_secs(2 * 3600));
    assert_eq!(
        client
            .payment_requests()
            .get(&account, &id)
            .send()
            .await
            .unwrap()
            .state,
        PaymentRequestState::Submitted
    );
    fake.advance_time(Duration::from_secs(3600 + 1));
    assert_eq!(
        client
            .payment_requests()
            .get(&account, &id)
            .send()
            .await
            .unwrap()
            .state,
        PaymentRequestState::Expired
    );
}
