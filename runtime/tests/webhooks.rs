//! Webhook signature verification against known-answer vectors.
//!
//! The expected signatures were computed with OpenSSL over the fixture files, e.g.
//!   openssl dgst -sha256 -hmac 'whsec_test_key_one' tests/fixtures/webhook_completed.json
//!   openssl dgst -sha256 -hmac 'rotated-key-2'      tests/fixtures/webhook_operational.json
//!   openssl dgst -sha256 -hmac 'whsec_test_key_one' tests/fixtures/webhook_not_json.txt

use http::{HeaderMap, HeaderValue};
use klarna_runtime::webhooks::{self, SigningKeys, WebhookEnvelope, WebhookError};

const COMPLETED: &[u8] = include_bytes!("fixtures/webhook_completed.json");
const OPERATIONAL: &[u8] = include_bytes!("fixtures/webhook_operational.json");
const NOT_JSON: &[u8] = include_bytes!("fixtures/webhook_not_json.txt");

const KEY1_ID: &str =
    "krn:partner:global:notification:signing-key:11111111-1111-4111-8111-111111111111";
const KEY1: &str = "whsec_test_key_one";
const KEY2_ID: &str =
    "krn:partner:global:notification:signing-key:22222222-2222-4222-8222-222222222222";
const KEY2: &str = "rotated-key-2";

const SIG_COMPLETED_KEY1: &str = "5fa2a32e9a9726b5b4234e522b8d5ac47f4bda96bb770768845150d24cb0f8b2";
const SIG_OPERATIONAL_KEY2: &str =
    "e93fb73960291f08aace46dbb70eb5a55dd9def99f75df9855a2ac3dcf9836dd";
const SIG_NOT_JSON_KEY1: &str = "2aef7235030f0eb8685298053302e4d2e2931b09deedb35a480da884b68289ff";

fn headers(sig: &str, key_id: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("Klarna-Signature", sig.parse().unwrap());
    // Klarna's docs spell it both -Id and -ID; header names are case-insensitive
    h.insert("KLARNA-SIGNING-KEY-ID", key_id.parse().unwrap());
    h
}

fn keys() -> SigningKeys {
    SigningKeys::new()
        .with_key(KEY1_ID, KEY1)
        .with_key(KEY2_ID, KEY2)
}

#[test]
fn known_answer_vectors_match_openssl() {
    assert_eq!(
        webhooks::compute_signature(KEY1, COMPLETED),
        SIG_COMPLETED_KEY1
    );
    assert_eq!(
        webhooks::compute_signature(KEY2, OPERATIONAL),
        SIG_OPERATIONAL_KEY2
    );
    assert_eq!(
        webhooks::compute_signature(KEY1, NOT_JSON),
        SIG_NOT_JSON_KEY1
    );
}

#[test]
fn valid_delivery_parses_envelope() {
    let event =
        webhooks::verify(COMPLETED, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &keys()).unwrap();
    let m = &event.metadata;
    assert_eq!(m.event_type, "payment.request.state-change.completed");
    assert_eq!(m.event_id, "0c6a9e4e-5f3b-4a5e-9d5e-1f2a3b4c5d6e");
    assert_eq!(m.event_version, "v2");
    assert_eq!(m.occurred_at, "2025-12-01T10:15:30Z");
    assert_eq!(m.correlation_id.as_deref(), Some("abc123"));
    assert_eq!(
        m.subject_account_id.as_deref(),
        Some("krn:partner:global:account:test:LYABCDEI")
    );
    assert_eq!(
        m.recipient_account_id.as_deref(),
        Some("krn:partner:global:account:test:ACQ00001")
    );
    assert!(m.product_instance_id.is_none());
    assert!(
        m.webhook_id
            .as_deref()
            .unwrap()
            .starts_with("krn:partner:global:notification:webhook:")
    );
    assert_eq!(m.live, Some(false));
    assert_eq!(m.extra["future_field"], "kept");
    assert_eq!(event.payload["state"], "COMPLETED");

    #[derive(serde::Deserialize)]
    struct Payload {
        payment_request_id: String,
        state: String,
    }
    let typed: WebhookEnvelope<Payload> = event.into_typed().unwrap();
    assert_eq!(typed.payload.state, "COMPLETED");
    assert!(typed.payload.payment_request_id.starts_with("krn:payment:"));
}

#[test]
fn key_rotation_accepts_either_key_by_id() {
    let k = keys();
    assert!(webhooks::verify(COMPLETED, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &k).is_ok());
    let e = webhooks::verify(OPERATIONAL, &headers(SIG_OPERATIONAL_KEY2, KEY2_ID), &k).unwrap();
    assert_eq!(e.metadata.live, Some(true));
    assert_eq!(
        e.extra["event_type"], "partner.account.state-change.operational",
        "top-level extras kept"
    );
    assert_eq!(
        webhooks::verify_signature(OPERATIONAL, &headers(SIG_OPERATIONAL_KEY2, KEY2_ID), &k)
            .unwrap(),
        KEY2_ID
    );
    // after the old key is removed, its deliveries are refused
    let mut k = k;
    assert!(k.remove(KEY1_ID));
    assert!(matches!(
        webhooks::verify(COMPLETED, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &k),
        Err(WebhookError::UnknownKeyId(id)) if id == KEY1_ID
    ));
}

#[test]
fn tampered_body_is_rejected() {
    let mut body = COMPLETED.to_vec();
    let pos = body.windows(9).position(|w| w == b"COMPLETED").unwrap();
    body[pos..pos + 9].copy_from_slice(b"CANCELED!");
    assert!(matches!(
        webhooks::verify(&body, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &keys()),
        Err(WebhookError::SignatureMismatch)
    ));
    // a whitespace change breaks it too: the MAC is over the raw bytes
    let mut body = COMPLETED.to_vec();
    body.push(b'\n');
    assert!(matches!(
        webhooks::verify(&body, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &keys()),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn wrong_key_or_signature_is_rejected() {
    // signed with key 1 but claims key 2
    assert!(matches!(
        webhooks::verify(COMPLETED, &headers(SIG_COMPLETED_KEY1, KEY2_ID), &keys()),
        Err(WebhookError::SignatureMismatch)
    ));
    // right id, wrong secret configured
    let wrong = SigningKeys::new().with_key(KEY1_ID, "not-the-secret");
    assert!(matches!(
        webhooks::verify(COMPLETED, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &wrong),
        Err(WebhookError::SignatureMismatch)
    ));
    // base64 or prefixed forms are not accepted
    assert!(matches!(
        webhooks::verify(
            COMPLETED,
            &headers(&format!("sha256={SIG_COMPLETED_KEY1}"), KEY1_ID),
            &keys()
        ),
        Err(WebhookError::InvalidHeader(_))
    ));
    // truncated signature
    assert!(matches!(
        webhooks::verify(
            COMPLETED,
            &headers(&SIG_COMPLETED_KEY1[..62], KEY1_ID),
            &keys()
        ),
        Err(WebhookError::SignatureMismatch)
    ));
    // uppercase hex of the right MAC is the same bytes
    assert!(
        webhooks::verify(
            COMPLETED,
            &headers(&SIG_COMPLETED_KEY1.to_uppercase(), KEY1_ID),
            &keys()
        )
        .is_ok()
    );
}

#[test]
fn missing_headers_and_unknown_key() {
    let mut h = HeaderMap::new();
    assert!(matches!(
        webhooks::verify(COMPLETED, &h, &keys()),
        Err(WebhookError::MissingHeader("Klarna-Signing-Key-Id"))
    ));
    h.insert("klarna-signing-key-id", KEY1_ID.parse().unwrap());
    assert!(matches!(
        webhooks::verify(COMPLETED, &h, &keys()),
        Err(WebhookError::MissingHeader("Klarna-Signature"))
    ));
    assert!(matches!(
        webhooks::verify(
            COMPLETED,
            &headers(SIG_COMPLETED_KEY1, "krn:unknown"),
            &keys()
        ),
        Err(WebhookError::UnknownKeyId(_))
    ));
    assert!(matches!(
        webhooks::verify(
            COMPLETED,
            &headers(SIG_COMPLETED_KEY1, KEY1_ID),
            &SigningKeys::new()
        ),
        Err(WebhookError::UnknownKeyId(_))
    ));
}

#[test]
fn malformed_body_is_reported_only_after_verification() {
    let e = webhooks::verify(NOT_JSON, &headers(SIG_NOT_JSON_KEY1, KEY1_ID), &keys()).unwrap_err();
    assert!(matches!(e, WebhookError::MalformedBody(_)));
    assert!(std::error::Error::source(&e).is_some());
    // unsigned garbage is a signature problem, not a parse problem
    assert!(matches!(
        webhooks::verify(NOT_JSON, &headers(SIG_COMPLETED_KEY1, KEY1_ID), &keys()),
        Err(WebhookError::SignatureMismatch)
    ));
    // valid JSON but not an envelope
    let body = br#"{"hello":"world"}"#;
    let sig = webhooks::compute_signature(KEY1, body);
    assert!(matches!(
        webhooks::verify(body, &headers(&sig, KEY1_ID), &keys()),
        Err(WebhookError::MalformedBody(_))
    ));
}

#[test]
fn parts_api_and_collect() {
    let k: SigningKeys = [(KEY1_ID, KEY1)].into_iter().collect();
    assert_eq!(k.len(), 1);
    assert_eq!(
        webhooks::verify_signature_parts(COMPLETED, Some(SIG_COMPLETED_KEY1), Some(KEY1_ID), &k)
            .unwrap(),
        KEY1_ID
    );
    assert!(!format!("{k:?}").contains(KEY1));
}

fn verify_with(body: &[u8], sig: HeaderValue, key_id: HeaderValue) -> Result<(), WebhookError> {
    let mut h = HeaderMap::new();
    h.insert("klarna-signature", sig);
    h.insert("klarna-signing-key-id", key_id);
    webhooks::verify(body, &h, &keys()).map(|_| ())
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap()
}

#[test]
fn malformed_signatures_are_rejected_by_name() {
    let key = value(KEY1_ID);
    let long = "0".repeat(100_000);
    // not hex, odd length, a prefix the scheme does not use
    for sig in [
        "zz",
        "5fa",
        "sha256=5fa2a32e9a9726b5b4234e522b8d5ac47f4bda96bb770768845150d24cb0f8b2",
        "5fa2a32e 9a9726b5b4234e522b8d5ac47f4bda96bb770768845150d24cb0f8b2",
    ] {
        let err = verify_with(COMPLETED, value(sig), key.clone()).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidHeader("Klarna-Signature")),
            "{sig}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            "webhook header Klarna-Signature is malformed"
        );
    }
    // hex of the wrong length (empty, short, far too long), or the right one for another body
    for sig in ["00", &SIG_COMPLETED_KEY1[..62], &long, SIG_NOT_JSON_KEY1] {
        let err = verify_with(COMPLETED, value(sig), key.clone()).unwrap_err();
        assert!(matches!(err, WebhookError::SignatureMismatch), "{err:?}");
    }
    // the right MAC in upper case is the same bytes
    verify_with(
        COMPLETED,
        value(&SIG_COMPLETED_KEY1.to_ascii_uppercase()),
        key.clone(),
    )
    .unwrap();
    // header values that are not text
    let not_text = HeaderValue::from_bytes(b"5fa2\xff\xfe").unwrap();
    let err = verify_with(COMPLETED, not_text.clone(), key.clone()).unwrap_err();
    assert!(matches!(
        err,
        WebhookError::InvalidHeader("Klarna-Signature")
    ));
    let err = verify_with(COMPLETED, value(SIG_COMPLETED_KEY1), not_text).unwrap_err();
    assert!(matches!(
        err,
        WebhookError::InvalidHeader("Klarna-Signing-Key-Id")
    ));
}

#[test]
fn an_unknown_key_id_of_any_size_gives_a_bounded_escaped_message() {
    let huge = format!("krn:{}", "x".repeat(64 * 1024));
    let err = verify_with(COMPLETED, value(SIG_COMPLETED_KEY1), value(&huge)).unwrap_err();
    match &err {
        WebhookError::UnknownKeyId(id) => assert_eq!(id, &huge, "the error keeps the whole id"),
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(
        text.starts_with("unknown webhook signing key id 'krn:xxx"),
        "{text}"
    );
    // a tab is a valid header byte; it is escaped in the message
    let err = verify_with(COMPLETED, value(SIG_COMPLETED_KEY1), value("krn:a\tb")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown webhook signing key id 'krn:a\\tb'"
    );
}

#[test]
fn truncated_and_oversized_bodies() {
    let key = value(KEY1_ID);
    // every cut of a signed body fails the signature, before any parsing
    for cut in [0, 1, COMPLETED.len() / 2, COMPLETED.len() - 1] {
        let err =
            verify_with(&COMPLETED[..cut], value(SIG_COMPLETED_KEY1), key.clone()).unwrap_err();
        assert!(
            matches!(err, WebhookError::SignatureMismatch),
            "{cut}: {err:?}"
        );
    }
    // 8 MiB: unsigned, a signature mismatch; signed but not an envelope, a parse error that
    // names the problem; signed and an envelope (a large payload), accepted
    let big = vec![b'{'; 8 << 20];
    let err = verify_with(&big, value(SIG_COMPLETED_KEY1), key.clone()).unwrap_err();
    assert!(matches!(err, WebhookError::SignatureMismatch));
    let err = verify_with(
        &big,
        value(&webhooks::compute_signature(KEY1, &big)),
        key.clone(),
    )
    .unwrap_err();
    assert!(matches!(err, WebhookError::MalformedBody(_)));
    assert!(
        err.to_string()
            .starts_with("webhook body is not a valid event envelope")
    );
    let mut envelope: serde_json::Value = serde_json::from_slice(COMPLETED).unwrap();
    envelope["payload"]["blob"] = "a".repeat(8 << 20).into();
    let body = serde_json::to_vec(&envelope).unwrap();
    verify_with(&body, value(&webhooks::compute_signature(KEY1, &body)), key).unwrap();
}

/// The signature covers no timestamp, and Klarna redelivers for about a day: `occurred_at` is
/// kept as sent, whatever it says; deduplicate on `metadata.event_id`.
#[test]
fn occurred_at_far_in_the_past_or_future_or_garbage_is_kept_as_sent() {
    for at in [
        "1970-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "not a date",
        "",
    ] {
        let mut envelope: serde_json::Value = serde_json::from_slice(COMPLETED).unwrap();
        envelope["metadata"]["occurred_at"] = at.into();
        let body = serde_json::to_vec(&envelope).unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "klarna-signature",
            value(&webhooks::compute_signature(KEY1, &body)),
        );
        h.insert("klarna-signing-key-id", value(KEY1_ID));
        let event = webhooks::verify(&body, &h, &keys()).unwrap();
        assert_eq!(event.metadata.occurred_at, at);
    }
    // a timestamp of the wrong type is a parse error that names the field
    let mut envelope: serde_json::Value = serde_json::from_slice(COMPLETED).unwrap();
    envelope["metadata"]["occurred_at"] = 1_700_000_000.into();
    let body = serde_json::to_vec(&envelope).unwrap();
    let err = verify_with(
        &body,
        value(&webhooks::compute_signature(KEY1, &body)),
        value(KEY1_ID),
    )
    .unwrap_err();
    assert!(matches!(err, WebhookError::MalformedBody(_)), "{err:?}");
}
