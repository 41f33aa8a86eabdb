//! The fake's account-integration operations, as Klarna's guide "Configure mTLS" and the Management API
//! describe them:
//!
//! - **client certificates** (`/v2/account/integration/credentials/client-certificate`): create from a
//!   PEM certificate signing request (checked: a P-256 key, a valid self-signature; `config.usage`
//!   `MTLS` or `JWT_SIGNING`), list, read and revoke. The fake issues each certificate from its own CA
//!   with the request's subject and public key, and returns it in `secret.certificate` only when it is
//!   created;
//! - **mTLS enforcement** (`/v2/account/integration/client-certificates/enforcement`): `PUT` takes
//!   `enforced_from` = `NOW` or a time that is not in the past and at most three months ahead (the fake
//!   takes the longest reading, 92 days) and needs an `MTLS` certificate first; `GET` and `DELETE` answer
//!   204, as the specs model them;
//! - **`Klarna-Mtls-Verification-Status`** on every response once an `MTLS` certificate exists. The fake
//!   has no TLS, so it cannot see a client certificate itself: a test says which certificate the client
//!   presents with [`FakeKlarna::present_client_certificate`], and the header is `NOT_PRESENT` (none),
//!   `VALID` (an `MTLS` certificate the fake issued and did not revoke) or `INVALID` (anything else);
//! - **signed Portal deep links** (`POST /v2/accounts/{id}/portal/deep-links` with `jwt`): the JWT must be
//!   ES256 with `typ` `JWT`, its `x5c` certificate one the fake issued for `JWT_SIGNING` and did not
//!   revoke, its signature valid for that certificate's key, and its claims complete (`amr`, `iss`, `jti`,
//!   `sub`, `iat`, `exp` not passed, `account_id`, `on_behalf_of`, `roles`), as the guide "Grant access via
//!   Deep Link" lists them; the answer is a fresh `deep_link_id` and one-time `url`. Unsigned links
//!   (`subject`, `roles`, `on_behalf_of`) answer the same way;
//! - **the IP allow-list** (`GET /v2/account/integration/ip-restrictions/allowed-ips`), as
//!   [`FakeKlarna::set_allowed_ips`] sets it (default `NOT_ENABLED`, empty).
//!
//! What the fake does not model: blocking calls once enforcement is due (Klarna documents no status
//! or body for a refused call), and the `Klarna-Ip-Validation-Status` header.

use axum::http::Method;
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::FakeKlarna;
use crate::reply::Reply;
use crate::state::State;

/// Fake-side state of the account's integration settings.
#[derive(Default)]
pub(crate) struct IntegrationState {
    ca: Option<rcgen::Issuer<'static, rcgen::KeyPair>>,
    certificates: Vec<CertificateRec>,
    enforced_from: Option<String>,
    presented: Option<Vec<u8>>,
    /// The next `MTLS` certificate issued becomes the presented one.
    present_next: bool,
    ip_mode: Option<String>,
    allowed_ips: Vec<String>,
}

struct CertificateRec {
    id: String,
    description: Option<String>,
    usage: String,
    der: Vec<u8>,
    /// The certificate's public point.
    point: Vec<u8>,
    revoked_from: Option<String>,
}

impl CertificateRec {
    fn json(&self, with_secret: bool) -> Value {
        let mut v = json!({
            "credential_id": self.id,
            "config": {"usage": self.usage},
            "status": "ENABLED",
        });
        if let Some(d) = &self.description {
            v["description"] = json!(d);
        }
        if let Some(r) = &self.revoked_from {
            v["revoked_from"] = json!(r);
        }
        if with_secret {
            v["secret"] = json!({"certificate": pem("CERTIFICATE", &self.der)});
        }
        v
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

impl IntegrationState {
    /// The `Klarna-Mtls-Verification-Status` every response carries once an `MTLS` certificate exists.
    pub(crate) fn verification_status(&self) -> Option<&'static str> {
        if !self.certificates.iter().any(|c| c.usage == "MTLS") {
            return None;
        }
        Some(match &self.presented {
            None => "NOT_PRESENT",
            Some(der)
                if self
                    .certificates
                    .iter()
                    .any(|c| c.usage == "MTLS" && c.revoked_from.is_none() && &c.der == der) =>
            {
                "VALID"
            }
            Some(_) => "INVALID",
        })
    }
}

/// Answers `/v2/account/integration/...` operations with a state model; `None` leaves the request to the
/// spec-example fallback.
pub(crate) fn route(
    state: &mut State,
    method: &Method,
    rest: &[&str],
    body: &[u8],
) -> Option<Reply> {
    let now = state.now();
    let ours = &mut state.integration;
    Some(match (method.clone(), rest) {
        (
            Method::GET,
            [
                "account",
                "integration",
                "credentials",
                "client-certificate",
            ],
        ) => Reply::ok(json!({
            "credentials": ours.certificates.iter().map(|c| c.json(false)).collect::<Vec<_>>()
        })),
        (
            Method::POST,
            [
                "account",
                "integration",
                "credentials",
                "client-certificate",
            ],
        ) => create_certificate(ours, now, body),
        (
            Method::GET,
            [
                "account",
                "integration",
                "credentials",
                "client-certificate",
                id,
            ],
        ) => match ours.certificates.iter().find(|c| c.id == *id) {
            Some(c) => Reply::ok(c.json(false)),
            None => Reply::not_found("client certificate", id),
        },
        (
            Method::POST,
            [
                "account",
                "integration",
                "credentials",
                "client-certificate",
                id,
                "revoke",
            ],
        ) => {
            let revoked_from = match serde_json::from_slice::<Value>(body) {
                Ok(v) => v
                    .get("revoked_from")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                Err(_) => None,
            };
            let Some(revoked_from) = revoked_from else {
                return Some(Reply::validation("revoked_from", "is required"));
            };
            match ours.certificates.iter_mut().find(|c| c.id == *id) {
                Some(c) => {
                    c.revoked_from = Some(revoked_from);
                    Reply::ok(c.json(false))
                }
                None => Reply::not_found("client certificate", id),
            }
        }
        (
            Method::GET,
            [
                "account",
                "integration",
                "client-certificates",
                "enforcement",
            ],
        ) => Reply::no_content(),
        (
            Method::PUT,
            [
                "account",
                "integration",
                "client-certificates",
                "enforcement",
            ],
        ) => enforce(ours, now, body),
        (
            Method::DELETE,
            [
                "account",
                "integration",
                "client-certificates",
                "enforcement",
            ],
        ) => {
            ours.enforced_from = None;
            Reply::no_content()
        }
        (Method::GET, ["account", "integration", "ip-restrictions", "allowed-ips"]) => {
            Reply::ok(json!({
                "enforcement_mode": ours.ip_mode.as_deref().unwrap_or("NOT_ENABLED"),
                "allowed_ips": ours.allowed_ips,
            }))
        }
        _ => return None,
    })
}

fn create_certificate(ours: &mut IntegrationState, now: OffsetDateTime, body: &[u8]) -> Reply {
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) else {
        return Reply::validation("body", "must be a JSON object");
    };
    let config = request.get("config").and_then(Value::as_object);
    let usage = config.and_then(|c| c.get("usage")).and_then(Value::as_str);
    let usage = match usage {
        Some(u @ ("MTLS" | "JWT_SIGNING")) => u.to_owned(),
        Some(other) => {
            return Reply::validation(
                "config.usage",
                &format!("'{other}' is not one of MTLS, JWT_SIGNING"),
            );
        }
        None => return Reply::validation("config.usage", "is required"),
    };
    let Some(csr_pem) = config
        .and_then(|c| c.get("certificate_signing_request"))
        .and_then(Value::as_str)
    else {
        return Reply::validation("config.certificate_signing_request", "is required");
    };
    let csr = match read_csr(csr_pem) {
        Ok(csr) => csr,
        Err(reason) => return Reply::validation("config.certificate_signing_request", &reason),
    };
    let der = match issue(ours, now, &csr) {
        Ok(der) => der,
        Err(reason) => {
            return Reply::validation("config.certificate_signing_request", &reason);
        }
    };
    let rec = CertificateRec {
        id: format!(
            "krn:partner:global:credential:client-certificate:{}",
            uuid::Uuid::new_v4()
        ),
        description: request
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        usage,
        der,
        point: csr.point,
        revoked_from: None,
    };
    let reply = Reply::created(rec.json(true));
    if ours.present_next && rec.usage == "MTLS" {
        ours.present_next = false;
        ours.presented = Some(rec.der.clone());
    }
    ours.certificates.push(rec);
    reply
}

fn enforce(ours: &mut IntegrationState, now: OffsetDateTime, body: &[u8]) -> Reply {
    let value = serde_json::from_slice::<Value>(body).ok();
    let Some(from) = value
        .as_ref()
        .and_then(|v| v.get("enforced_from"))
        .and_then(Value::as_str)
    else {
        return Reply::validation("enforced_from", "is required: NOW or a time");
    };
    if from != "NOW" {
        let Ok(at) = OffsetDateTime::parse(from, &Rfc3339) else {
            return Reply::validation("enforced_from", "must be NOW or an RFC 3339 time");
        };
        if at < now {
            return Reply::validation("enforced_from", "must not be in the past");
        }
        if at > now + time::Duration::days(92) {
            return Reply::validation("enforced_from", "must be at most three months ahead");
        }
    }
    if !ours
        .certificates
        .iter()
        .any(|c| c.usage == "MTLS" && c.revoked_from.is_none())
    {
        return Reply::validation(
            "enforced_from",
            "the account has no MTLS client certificate; create one first",
        );
    }
    ours.enforced_from = Some(from.to_owned());
    Reply::no_content()
}

/// `POST /v2/accounts/{id}/portal/deep-links`: checks a signed request's JWT as Klarna documents it.
pub(crate) fn deep_link(state: &mut State, body: &[u8]) -> Reply {
    let now = state.now().unix_timestamp();
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) else {
        return Reply::validation("body", "must be a JSON object");
    };
    match request.get("jwt") {
        Some(Value::String(jwt)) => {
            if let Err(reason) = check_portal_jwt(&state.integration, jwt, now) {
                return Reply::validation("jwt", &reason);
            }
        }
        Some(_) => return Reply::validation("jwt", "must be a string"),
        None => {
            for field in ["subject", "roles", "on_behalf_of"] {
                if request.get(field).is_none() {
                    return Reply::validation(field, "is required for an unsigned deep link");
                }
            }
        }
    }
    let id = uuid::Uuid::new_v4();
    Reply::ok(json!({
        "deep_link_id": format!("krn:partner:global:portal:deep-link:{id}"),
        "url": format!("https://portal.klarna.com/deep-link/{}", id.simple()),
    }))
}

fn check_portal_jwt(ours: &IntegrationState, jwt: &str, now: i64) -> Result<(), String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else {
        return Err("is not a compact JWT (three dot-separated parts)".to_owned());
    };
    let decode = |part: &str, what: &str| -> Result<Value, String> {
        URL_SAFE_NO_PAD
            .decode(part)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| format!("has a {what} that is not base64url JSON"))
    };
    let head = decode(header, "header")?;
    if head["alg"] != "ES256" || head["typ"] != "JWT" {
        return Err("must have the header alg ES256 and typ JWT".to_owned());
    }
    let cert = head["x5c"][0]
        .as_str()
        .and_then(|c| STANDARD.decode(c).ok())
        .ok_or_else(|| "must carry the signing certificate in x5c".to_owned())?;
    let rec = ours
        .certificates
        .iter()
        .find(|c| c.der == cert && c.usage == "JWT_SIGNING" && c.revoked_from.is_none())
        .ok_or_else(|| {
            "x5c is not a JWT_SIGNING client certificate of this account (or it was revoked)"
                .to_owned()
        })?;
    let sig = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "has a signature that is not base64url".to_owned())?;
    UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &rec.point)
        .verify(format!("{header}.{claims}").as_bytes(), &sig)
        .map_err(|_| "has a signature that does not verify with the x5c certificate".to_owned())?;
    let claims = decode(claims, "payload")?;
    if claims["amr"].as_array().is_none_or(|a| a.is_empty()) {
        return Err("must carry amr, which deep links require".to_owned());
    }
    for name in ["iss", "jti", "sub", "account_id", "on_behalf_of"] {
        if claims[name].as_str().is_none_or(|s| s.is_empty()) {
            return Err(format!("must carry the claim {name}"));
        }
    }
    if claims["roles"].as_array().is_none_or(|a| a.is_empty()) {
        return Err("must grant at least one role".to_owned());
    }
    match (claims["iat"].as_i64(), claims["exp"].as_i64()) {
        (Some(_), Some(exp)) if exp > now => Ok(()),
        (Some(_), Some(_)) => Err("has expired (exp is not after now)".to_owned()),
        _ => Err("must carry iat and exp as numbers".to_owned()),
    }
}

/// What the fake reads from a certificate signing request.
struct Csr {
    common_name: Option<String>,
    /// The uncompressed P-256 point.
    point: Vec<u8>,
}

/// One DER element (tag, the whole element, its contents) and what follows it.
type Tlv<'a> = ((u8, &'a [u8], &'a [u8]), &'a [u8]);

/// Reads one DER element.
fn tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    Some(((tag, &input[..header + len], &rest[..len]), &rest[len..]))
}

const EC_P256_ALGORITHM: [u8; 21] = [
    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07,
];
const ECDSA_WITH_SHA256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const COMMON_NAME_OID: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];

fn read_csr(pem_text: &str) -> Result<Csr, String> {
    let der = rustls_pki_types::CertificateSigningRequestDer::from_pem_slice(pem_text.as_bytes())
        .map_err(|_| {
        "is not a PEM certificate request (BEGIN CERTIFICATE REQUEST)".to_owned()
    })?;
    let bad = || "is not a well-formed PKCS #10 certificate request".to_owned();
    let ((_, _, outer), _) = tlv(der.as_ref()).ok_or_else(bad)?;
    let ((_, info_whole, info), rest) = tlv(outer).ok_or_else(bad)?;
    let ((_, sig_alg, _), rest) = tlv(rest).ok_or_else(bad)?;
    let ((_, _, signature), _) = tlv(rest).ok_or_else(bad)?;
    let ((_, _, _version), rest) = tlv(info).ok_or_else(bad)?;
    let ((_, _, name), rest) = tlv(rest).ok_or_else(bad)?;
    let ((_, _, spki), _) = tlv(rest).ok_or_else(bad)?;
    let ((_, algorithm, _), rest) = tlv(spki).ok_or_else(bad)?;
    if algorithm != EC_P256_ALGORITHM {
        return Err("the key is not an elliptic curve prime256v1 key".to_owned());
    }
    let ((_, _, bits), _) = tlv(rest).ok_or_else(bad)?;
    let point = bits.get(1..).ok_or_else(bad)?.to_vec();
    let ((_, _, alg_oid), _) = tlv(sig_alg).ok_or_else(bad)?;
    if alg_oid.len() < ECDSA_WITH_SHA256.len()
        || alg_oid[..ECDSA_WITH_SHA256.len()] != ECDSA_WITH_SHA256
    {
        return Err("is not signed with ecdsa-with-SHA256".to_owned());
    }
    let signature = signature.get(1..).ok_or_else(bad)?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &point)
        .verify(info_whole, signature)
        .map_err(|_| "has a signature that does not verify with its own key".to_owned())?;
    Ok(Csr {
        common_name: common_name(name),
        point,
    })
}

/// The first common name in an X.501 `Name`.
fn common_name(mut name: &[u8]) -> Option<String> {
    while let Some(((_, _, set), rest)) = tlv(name) {
        let mut attrs = set;
        while let Some(((_, _, attr), next)) = tlv(attrs) {
            if let Some(((_, oid, _), value)) = tlv(attr)
                && oid == COMMON_NAME_OID
                && let Some(((_, _, text), _)) = tlv(value)
            {
                return Some(String::from_utf8_lossy(text).into_owned());
            }
            attrs = next;
        }
        name = rest;
    }
    None
}

/// The request's public key, for rcgen.
struct RequestKey(Vec<u8>);

impl rcgen::PublicKeyData for RequestKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

fn issue(ours: &mut IntegrationState, now: OffsetDateTime, csr: &Csr) -> Result<Vec<u8>, String> {
    if ours.ca.is_none() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| format!("the fake's CA key could not be made: {e}"))?;
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "klarna-testing fake client CA");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ours.ca = Some(rcgen::Issuer::new(params, key));
    }
    let Some(ca) = &ours.ca else {
        return Err("the fake has no CA".to_owned());
    };
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    if let Some(cn) = &csr.common_name {
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn.as_str());
    }
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::days(365);
    params
        .signed_by(&RequestKey(csr.point.clone()), ca)
        .map(|c| c.der().to_vec())
        .map_err(|e| format!("the fake could not issue a certificate: {e}"))
}

impl FakeKlarna {
    /// Which client certificate the next calls present over TLS, as PEM (`None`: none). The fake has no
    /// TLS layer, so a test says what a TLS terminator would have seen; `Klarna-Mtls-Verification-Status`
    /// then reports `VALID` for an `MTLS` certificate the fake issued and did not revoke, `INVALID` for any
    /// other, and `NOT_PRESENT` for none.
    ///
    /// # Errors
    ///
    /// The text holds no PEM certificate.
    pub fn present_client_certificate(
        &self,
        certificate_pem: Option<&str>,
    ) -> Result<(), crate::ControlError> {
        let der = match certificate_pem {
            None => None,
            Some(text) => Some(
                CertificateDer::from_pem_slice(text.as_bytes())
                    .map_err(|e| crate::ControlError::InvalidInput {
                        reason: format!("no PEM certificate: {e}"),
                    })?
                    .as_ref()
                    .to_vec(),
            ),
        };
        self.shared.lock().integration.presented = der;
        Ok(())
    }

    /// The next `MTLS` certificate the fake issues counts as presented from then on, as if the client
    /// started using it at once (for a flow that creates a certificate and calls with it in one go).
    pub fn present_next_issued_certificate(&self) {
        self.shared.lock().integration.present_next = true;
    }

    /// Sets the IP allow-list Klarna reports: `enforcement_mode` (`NOT_ENABLED`, `REPORTING`,
    /// `ENFORCED`) and the allowed addresses or CIDR ranges.
    pub fn set_allowed_ips(&self, enforcement_mode: &str, allowed_ips: &[&str]) {
        let mut state = self.shared.lock();
        state.integration.ip_mode = Some(enforcement_mode.to_owned());
        state.integration.allowed_ips = allowed_ips.iter().map(|s| (*s).to_owned()).collect();
    }

    /// The `enforced_from` of the last accepted enforce-mTLS call, unless enforcement was removed since.
    pub fn mtls_enforced_from(&self) -> Option<String> {
        self.shared.lock().integration.enforced_from.clone()
    }
}
