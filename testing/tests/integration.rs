//! The fake's account-integration operations as Klarna documents them: client certificates from CSRs,
//! `Klarna-Mtls-Verification-Status`, mTLS enforcement, signed deep links and the IP allow-list.

mod common;

use klarna_runtime::mtls::{CertificateRequest, PrivateKey, VerificationStatus};
use klarna_runtime::portal::{PortalJwt, PortalRole, Purpose};
use klarna_runtime::{Method, RawResponse, Request};
use klarna_testing::FakeKlarna;
use serde_json::{Value, json};

use common::refusal;

const CERTS: &str = "/v2/account/integration/credentials/client-certificate";
const ENFORCEMENT: &str = "/v2/account/integration/client-certificates/enforcement";

async fn send(
    fake: &FakeKlarna,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<RawResponse, klarna::Error> {
    let mut request = Request::new("test", method, path.to_owned());
    if let Some(b) = body {
        request = request.json(&b);
    }
    fake.client().runtime().execute(request).await
}

fn json_of(raw: &RawResponse) -> Value {
    serde_json::from_slice(raw.body()).unwrap()
}

/// Creates a certificate for a fresh key; returns (credential id, certificate PEM, key).
async fn certificate(fake: &FakeKlarna, usage: &str) -> (String, String, PrivateKey) {
    let key = PrivateKey::generate().unwrap();
    let csr = CertificateRequest::for_account(fake.account_id())
        .unwrap()
        .to_pem(&key)
        .unwrap();
    let raw = send(
        fake,
        Method::POST,
        CERTS,
        Some(json!({"description": "test", "config": {"usage": usage, "certificate_signing_request": csr}})),
    )
    .await
    .unwrap();
    assert_eq!(raw.status(), 201);
    let body = json_of(&raw);
    assert_eq!(body["config"]["usage"], usage);
    (
        body["credential_id"].as_str().unwrap().to_owned(),
        body["secret"]["certificate"].as_str().unwrap().to_owned(),
        key,
    )
}

#[tokio::test]
async fn certificates_are_issued_for_the_request_key_and_verified_on_every_call() {
    let fake = FakeKlarna::start().await.unwrap();
    // No certificate: mTLS is not enabled, so responses carry no verification header.
    let raw = send(&fake, Method::GET, CERTS, None).await.unwrap();
    assert_eq!(VerificationStatus::from_headers(raw.headers()), None);
    assert_eq!(json_of(&raw)["credentials"], json!([]));

    let (id, cert, key) = certificate(&fake, "MTLS").await;
    // The certificate carries the request's key: it makes an identity with that key only.
    assert!(klarna_runtime::mtls::identity(&cert, &key).is_ok());
    assert!(klarna_runtime::mtls::identity(&cert, &PrivateKey::generate().unwrap()).is_err());

    let status = |raw: &RawResponse| VerificationStatus::from_headers(raw.headers());
    let raw = send(&fake, Method::GET, CERTS, None).await.unwrap();
    assert_eq!(status(&raw), Some(VerificationStatus::NotPresent));
    let listed = json_of(&raw);
    assert_eq!(listed["credentials"][0]["credential_id"], id.as_str());
    assert!(
        listed["credentials"][0].get("secret").is_none(),
        "the certificate is returned only once"
    );
    fake.present_client_certificate(Some(&cert)).unwrap();
    let raw = send(&fake, Method::GET, &format!("{CERTS}/{id}"), None)
        .await
        .unwrap();
    assert_eq!(status(&raw), Some(VerificationStatus::Valid));
    // A JWT_SIGNING certificate is not a TLS client certificate.
    let (_, jwt_cert, _) = certificate(&fake, "JWT_SIGNING").await;
    fake.present_client_certificate(Some(&jwt_cert)).unwrap();
    let raw = send(&fake, Method::GET, CERTS, None).await.unwrap();
    assert_eq!(status(&raw), Some(VerificationStatus::Invalid));
    // A revoked certificate is no longer valid.
    fake.present_client_certificate(Some(&cert)).unwrap();
    let raw = send(
        &fake,
        Method::POST,
        &format!("{CERTS}/{id}/revoke"),
        Some(json!({"revoked_from": "2026-01-01T00:00:00Z"})),
    )
    .await
    .unwrap();
    assert_eq!(status(&raw), Some(VerificationStatus::Invalid));
    assert!(fake.present_client_certificate(Some("no pem")).is_err());
}

#[tokio::test]
async fn bad_requests_are_refused() {
    let fake = FakeKlarna::start().await.unwrap();
    let key = PrivateKey::generate().unwrap();
    let csr = CertificateRequest::for_account("krn:x:ABC")
        .unwrap()
        .to_pem(&key)
        .unwrap();
    // (body, refused)
    // The subject changed after signing: the self-signature no longer verifies.
    let tampered = {
        use base64::Engine as _;
        let b64: String = csr.lines().filter(|l| !l.starts_with("-----")).collect();
        let mut der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let at = der.windows(3).position(|w| w == b"ABC").unwrap();
        der[at + 2] = b'D';
        format!(
            "-----BEGIN CERTIFICATE REQUEST-----\n{}\n-----END CERTIFICATE REQUEST-----\n",
            base64::engine::general_purpose::STANDARD.encode(der)
        )
    };
    // (body, words of the reason)
    let table = [
        (
            json!({"config": {"usage": "TLS", "certificate_signing_request": csr}}),
            "not one of MTLS",
        ),
        (json!({"config": {"usage": "MTLS"}}), "is required"),
        (
            json!({"config": {"usage": "MTLS", "certificate_signing_request": "not a request"}}),
            "PEM",
        ),
        (
            json!({"config": {"usage": "MTLS", "certificate_signing_request": tampered}}),
            "signature",
        ),
    ];
    for (body, words) in table {
        let err = send(&fake, Method::POST, CERTS, Some(body.clone()))
            .await
            .expect_err("the fake refuses it");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{body}");
        assert!(err.to_string().contains(words), "{body}: {err}");
    }
}

#[tokio::test]
async fn enforcement_needs_a_certificate_and_a_time_within_three_months() {
    let fake = FakeKlarna::start().await.unwrap();
    let enforce = |from: &str| json!({"enforced_from": from});
    // No MTLS certificate yet.
    assert_eq!(
        refusal(send(&fake, Method::PUT, ENFORCEMENT, Some(enforce("NOW"))).await),
        (400, "VALIDATION_ERROR".into())
    );
    certificate(&fake, "MTLS").await;
    let now = time::OffsetDateTime::from(fake.now());
    let at = |days: i64| {
        let t = now + time::Duration::days(days);
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    for refused in [at(-1), at(120), "tomorrow".to_owned()] {
        assert_eq!(
            refusal(send(&fake, Method::PUT, ENFORCEMENT, Some(enforce(&refused))).await),
            (400, "VALIDATION_ERROR".into()),
            "{refused}"
        );
    }
    assert_eq!(fake.mtls_enforced_from(), None);
    let later = at(30);
    let raw = send(&fake, Method::PUT, ENFORCEMENT, Some(enforce(&later)))
        .await
        .unwrap();
    assert_eq!(raw.status(), 204);
    assert_eq!(fake.mtls_enforced_from(), Some(later));
    assert_eq!(
        send(&fake, Method::GET, ENFORCEMENT, None)
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        send(&fake, Method::DELETE, ENFORCEMENT, None)
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(fake.mtls_enforced_from(), None);
}

#[tokio::test]
async fn deep_links_take_a_jwt_signed_with_a_jwt_signing_certificate() {
    let fake = FakeKlarna::start().await.unwrap();
    let partner = "krn:partner:global:account:test:MB6KIE1P";
    let path = format!("/v2/accounts/{partner}/portal/deep-links");
    let (_, cert, key) = certificate(&fake, "JWT_SIGNING").await;
    let jwt = || {
        PortalJwt::new(fake.account_id(), "portal.user@merchant.com")
            .account_id(partner)
            .on_behalf_of(partner)
            .role(PortalRole::Admin)
    };
    let signed = jwt()
        .amr(["pwd"])
        .sign(Purpose::DeepLink, &cert, &key)
        .unwrap();
    let raw = send(
        &fake,
        Method::POST,
        &path,
        Some(json!({"jwt": signed.as_str()})),
    )
    .await
    .unwrap();
    assert_eq!(raw.status(), 200);
    let link = json_of(&raw);
    assert!(
        link["url"]
            .as_str()
            .unwrap()
            .starts_with("https://portal.klarna.com/")
    );
    assert!(
        link["deep_link_id"]
            .as_str()
            .unwrap()
            .starts_with("krn:partner:global:portal:deep-link:")
    );

    // Refused: no amr (signed for user access), a changed payload, an MTLS certificate, an expired token.
    let no_amr = jwt().sign(Purpose::UserAccess, &cert, &key).unwrap();
    let parts: Vec<&str> = signed.as_str().split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        no_amr.as_str().split('.').nth(1).unwrap(),
        parts[2]
    );
    let (_, mtls_cert, mtls_key) = certificate(&fake, "MTLS").await;
    let wrong_usage = jwt()
        .amr(["pwd"])
        .sign(Purpose::DeepLink, &mtls_cert, &mtls_key)
        .unwrap();
    let expired = jwt()
        .amr(["pwd"])
        .issued_at(time::OffsetDateTime::from(fake.now()) - time::Duration::hours(1))
        .sign(Purpose::DeepLink, &cert, &key)
        .unwrap();
    // (token, words of the reason)
    let table = [
        (no_amr.as_str(), "amr"),
        (tampered.as_str(), "signature"),
        (wrong_usage.as_str(), "JWT_SIGNING"),
        (expired.as_str(), "expired"),
        ("a.b", "compact JWT"),
    ];
    for (token, words) in table {
        let err = send(&fake, Method::POST, &path, Some(json!({"jwt": token})))
            .await
            .expect_err("the fake refuses it");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{words}");
        assert!(err.to_string().contains(words), "{words}: {err}");
    }
}

#[tokio::test]
async fn the_allow_list_is_reported_as_set() {
    let fake = FakeKlarna::start().await.unwrap();
    let path = "/v2/account/integration/ip-restrictions/allowed-ips";
    let raw = send(&fake, Method::GET, path, None).await.unwrap();
    assert_eq!(
        json_of(&raw),
        json!({"enforcement_mode": "NOT_ENABLED", "allowed_ips": []})
    );
    fake.set_allowed_ips("REPORTING", &["203.0.113.0/24"]);
    let raw = send(&fake, Method::GET, path, None).await.unwrap();
    assert_eq!(
        json_of(&raw),
        json!({"enforcement_mode": "REPORTING", "allowed_ips": ["203.0.113.0/24"]})
    );
}
