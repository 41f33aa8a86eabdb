//! Signing keys, webhooks, and deliveries signed as Klarna signs (verified with the SDK's
//! `klarna_runtime::webhooks::verify`), matched by event type with wildcards, and retried.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{fake_with_webhook, payment_request, refusal, subscribe, transaction};
use klarna::notification::{
    CreateWebhookRequest, EventType, PaymentRequestStateChangeEventPayload, SimulateWebhookRequest,
    UpdateWebhookRequest, WebhookEventVersion, WebhookStatus,
};
use klarna_runtime::webhooks::{self, WebhookError};
use klarna_testing::{FakeKlarna, WebhookRetry};

#[tokio::test]
async fn every_delivery_verifies_with_the_key_created_through_the_fake() {
    let (fake, keys, webhook_id, received) = fake_with_webhook(&["payment.*"]).await;
    let id = payment_request(&fake, 1_500).await;
    let token = fake.complete_payment_request(&id).unwrap();
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();

    let got = received.all();
    let types: Vec<String> = got
        .iter()
        .map(|(headers, body)| {
            let event = webhooks::verify(body, headers, &keys).expect("signed as Klarna signs");
            assert_eq!(
                event.metadata.webhook_id.as_deref(),
                Some(webhook_id.as_str())
            );
            assert_eq!(event.metadata.event_version, "v2");
            assert_eq!(event.metadata.live, Some(false));
            assert_eq!(
                event.metadata.subject_account_id.as_deref(),
                Some(fake.account_id())
            );
            event.metadata.event_type
        })
        .collect();
    assert_eq!(
        types,
        [
            "payment.request.state-change.submitted",
            "payment.request.state-change.in-progress",
            "payment.request.state-change.completed",
        ]
    );
    // The completed event carries the session token, in the payload shape notification.yaml gives.
    let (headers, body) = &got[2];
    let completed =
        webhooks::verify_as::<PaymentRequestStateChangeEventPayload>(body, headers, &keys).unwrap();
    assert_eq!(completed.payload.payment_request_id, id);
    assert_eq!(
        completed.payload.klarna_network_session_token.as_deref(),
        Some(token.as_str())
    );
    assert_eq!(completed.payload.amount, Some(1_500));

    // A tampered body, or another key, does not verify.
    let mut tampered = body.to_vec();
    let at = tampered.len() - 2;
    tampered[at] ^= 1;
    assert!(matches!(
        webhooks::verify(&tampered, headers, &keys),
        Err(WebhookError::SignatureMismatch)
    ));
    let other = klarna_runtime::webhooks::SigningKeys::new().with_key(
        headers["klarna-signing-key-id"].to_str().unwrap(),
        "not-the-secret",
    );
    assert!(webhooks::verify(body, headers, &other).is_err());

    // deliveries() records the same attempts, byte for byte.
    let deliveries = fake.deliveries();
    assert_eq!(deliveries.len(), 3);
    assert!(deliveries.iter().all(|d| d.succeeded() && d.attempt == 1));
    for d in &deliveries {
        webhooks::verify(&d.body, &d.headers(), &keys).unwrap();
    }
}

#[tokio::test]
async fn event_types_and_wildcards_select_what_each_webhook_gets() {
    let fake = FakeKlarna::start().await.unwrap();
    let (_, requests_hook, requests) = subscribe(&fake, &["payment.request.*"]).await;
    let (_, captured_hook, captured) = subscribe(&fake, &["payment.transaction.captured"]).await;
    let (_, _, everything) = subscribe(&fake, &["*"]).await;
    let tx = transaction(&fake, 800).await;
    fake.client()
        .payment_transactions()
        .capture(
            fake.account_id(),
            &tx,
            klarna::payment::CapturePaymentTransactionRequest::new(800),
        )
        .send()
        .await
        .unwrap();
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let types = |r: &common::Received| -> Vec<String> {
        r.all()
            .iter()
            .map(|(_, b)| {
                serde_json::from_slice::<serde_json::Value>(b).unwrap()["metadata"]["event_type"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert!(
        types(&requests)
            .iter()
            .all(|t| t.starts_with("payment.request.state-change."))
    );
    assert_eq!(types(&requests).len(), 3);
    assert_eq!(types(&captured), ["payment.transaction.captured"]);
    assert_eq!(
        types(&everything),
        [
            "payment.request.state-change.submitted",
            "payment.request.state-change.in-progress",
            "payment.request.state-change.completed",
            "payment.transaction.state-change.authorized",
            "payment.transaction.captured",
            "payment.transaction.state-change.completed",
        ]
    );
    let by_hook = |id: &str| {
        fake.deliveries()
            .iter()
            .filter(|d| d.webhook_id == id)
            .count()
    };
    assert_eq!(by_hook(&requests_hook), 3);
    assert_eq!(by_hook(&captured_hook), 1);

    // A disabled webhook gets nothing.
    let disable = UpdateWebhookRequest {
        status: Some(WebhookStatus::Disabled),
        ..Default::default()
    };
    fake.client()
        .webhooks()
        .update(&captured_hook, disable)
        .send()
        .await
        .unwrap();
    payment_request(&fake, 1).await;
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(by_hook(&captured_hook), 1);
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_the_same_event_id() {
    let fake = FakeKlarna::builder()
        .webhook_retry(WebhookRetry::new(vec![
            Duration::from_millis(10),
            Duration::from_millis(20),
        ]))
        .start()
        .await
        .unwrap();
    let (keys, _, received) = subscribe(&fake, &["payment.request.state-change.submitted"]).await;
    received.fail_first.store(2, Ordering::SeqCst);
    payment_request(&fake, 100).await;
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let attempts = fake.deliveries();
    assert_eq!(
        attempts
            .iter()
            .map(|d| (d.attempt, d.status))
            .collect::<Vec<_>>(),
        [(1, Some(500)), (2, Some(500)), (3, Some(204))]
    );
    assert!(
        attempts
            .iter()
            .all(|d| d.event_id == attempts[0].event_id && d.body == attempts[0].body)
    );
    assert_eq!(received.all().len(), 3);
    for (headers, body) in received.all() {
        webhooks::verify(&body, &headers, &keys).unwrap();
    }

    // A receiver that keeps failing gets every attempt, then the delivery is given up.
    received.fail_first.store(10, Ordering::SeqCst);
    payment_request(&fake, 100).await;
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let last: Vec<_> = fake.deliveries().into_iter().skip(3).collect();
    assert_eq!(last.len(), 3);
    assert!(last.iter().all(|d| !d.succeeded()));
}

#[tokio::test]
async fn signing_keys_and_webhooks_are_managed_over_http() {
    let fake = FakeKlarna::start().await.unwrap();
    let client = fake.client();
    let key = client.signing_keys().create().send().await.unwrap();
    assert!(
        key.signing_key_id
            .starts_with("krn:partner:global:notification:signing-key:")
    );
    assert!(key.signing_key.len() >= 32);
    let listed = client.signing_keys().list().send().await.unwrap();
    assert_eq!(listed.signing_keys.len(), 1);
    let read = client
        .signing_keys()
        .get(&key.signing_key_id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.signing_key_id, key.signing_key_id);

    let (url, received) = common::receiver().await;
    let create = CreateWebhookRequest::new(
        url.clone(),
        vec!["payment.*".into()],
        WebhookEventVersion::V2,
        key.signing_key_id.clone(),
    );
    let webhook = client
        .webhooks()
        .create(create.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.status, WebhookStatus::Enabled);
    assert_eq!(
        refusal(client.webhooks().create(create).send().await),
        (409, "RESOURCE_CONFLICT".into())
    );
    let unknown_key = CreateWebhookRequest::new(
        url.clone(),
        vec!["payment.*".into()],
        WebhookEventVersion::V2,
        "krn:nope".into(),
    );
    assert_eq!(
        refusal(client.webhooks().create(unknown_key).send().await),
        (400, "VALIDATION_ERROR".into())
    );
    let remote_http = CreateWebhookRequest::new(
        "http://partner.example/hook".into(),
        vec!["payment.*".into()],
        WebhookEventVersion::V2,
        key.signing_key_id.clone(),
    );
    // The SDK refuses it before sending (klarna_runtime::webhook_rules): Klarna delivers to https only.
    let refused = client
        .webhooks()
        .create(remote_http)
        .send()
        .await
        .expect_err("an http webhook URL to a remote host is refused");
    assert_eq!(refused.kind(), klarna::ErrorKind::InvalidRequest);
    assert_eq!(refused.status(), None);
    assert!(refused.to_string().contains("uses http"), "{refused}");

    assert_eq!(
        client
            .webhooks()
            .list()
            .send()
            .await
            .unwrap()
            .webhooks
            .len(),
        1
    );
    let update = UpdateWebhookRequest {
        event_types: Some(vec!["payment.request.*".into(), "settlement.*".into()]),
        ..Default::default()
    };
    let updated = client
        .webhooks()
        .update(&webhook.webhook_id, update)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.event_types, ["payment.request.*", "settlement.*"]);
    assert_eq!(
        client
            .webhooks()
            .get(&webhook.webhook_id)
            .send()
            .await
            .unwrap()
            .event_types
            .len(),
        2
    );

    // simulate delivers a sample of the asked type, signed like any delivery.
    let keys = klarna_runtime::webhooks::SigningKeys::new()
        .with_key(key.signing_key_id.clone(), key.signing_key.clone());
    client
        .webhooks()
        .simulate(
            &webhook.webhook_id,
            SimulateWebhookRequest::new(EventType::PaymentTransactionCaptured),
        )
        .send()
        .await
        .unwrap();
    fake.settle_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    let (headers, body) = received.all().pop().expect("the simulated delivery");
    let event = webhooks::verify(&body, &headers, &keys).unwrap();
    assert_eq!(event.metadata.event_type, "payment.transaction.captured");
    assert!(event.payload.get("payment_transaction_id").is_some());

    client
        .webhooks()
        .delete(&webhook.webhook_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refusal(client.webhooks().get(&webhook.webhook_id).send().await),
        (404, "RESOURCE_NOT_FOUND".into())
    );
    client
        .signing_keys()
        .delete(&key.signing_key_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refusal(
            client
                .signing_keys()
                .delete(&key.signing_key_id)
                .send()
                .await
        ),
        (404, "RESOURCE_NOT_FOUND".into())
    );
}
