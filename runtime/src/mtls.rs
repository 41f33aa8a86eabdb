//! Klarna's mTLS guideline as code: the certificate request's common name, the private key and its
//! certificate signing request, the client identity from the issued certificate, the
//! `Klarna-Mtls-Verification-Status` header, and the enforcement time.
//!
//! The rules follow Klarna's guide "Configure mTLS"
//! (<https://docs.klarna.com/klarna-network-distribution/setup-your-integration/account-configuration/configure-mtls>):
//!
//! 1. The private key is elliptic curve `prime256v1` (NIST P-256): [`PrivateKey::generate`] makes one;
//!    [`PrivateKey::from_pem`] accepts nothing else.
//! 2. The certificate signing request's common name is the last segment of the account id:
//!    `krn:partner:global:account:live:LYABCDEI` gives `LYABCDEI` ([`common_name_for_account`]).
//!    The newer "Configure mTLS" page for Acquiring Partners on the Klarna Network
//!    (<https://docs.klarna.com/acquirer/klarna-network/setup-your-integration/connection-configuration/configure-mtls/>)
//!    instead calls the common name optional, "any value of up to 64 characters". The two pages
//!    disagree; [`CertificateRequest::for_account`] follows the first, and
//!    [`CertificateRequest::with_common_name`] takes any other value of 1 to 64 characters.
//! 3. The request goes to the create-client-certificate operation with `config.usage` `MTLS` or
//!    `JWT_SIGNING` ([`CertificateUsage`]); the certificate comes back in `secret.certificate`. The
//!    account is then mTLS-enabled but not enforced.
//! 4. While enabled, every response carries `Klarna-Mtls-Verification-Status` ([`VerificationStatus`]:
//!    `NOT_PRESENT`, `VALID` or `INVALID`).
//! 5. Enforcement takes `enforced_from`: `NOW`, or a time that is not in the past and at most three
//!    months ahead ([`EnforcedFrom::validate`]). The guide does not say whether "three months" means
//!    calendar months or a number of days; this module accepts a time only if it is within both three
//!    calendar months and 90 days, so that it never sends a time one reading would reject.
//!
//! Key generation, the CSR and [`identity`] need the crate feature `credentials`; the rest is always
//! available.

// The key items the docs above link to exist only with the `credentials` feature.
#![cfg_attr(not(feature = "credentials"), allow(rustdoc::broken_intra_doc_links))]

use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The longest common name X.509 allows (`ub-common-name`, RFC 5280), and the limit the newer Klarna
/// page names.
pub const MAX_COMMON_NAME_LEN: usize = 64;

/// What went wrong with an mTLS key, request, certificate or enforcement time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MtlsError {
    message: String,
}

impl MtlsError {
    fn new(message: impl Into<String>) -> MtlsError {
        MtlsError {
            message: message.into(),
        }
    }
}

impl fmt::Display for MtlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MtlsError {}

/// The common name Klarna's guide asks for: the last `:`-separated segment of the account id
/// (`krn:partner:global:account:live:LYABCDEI` → `LYABCDEI`).
///
/// # Errors
///
/// The id is blank, ends in `:`, or its last segment is longer than [`MAX_COMMON_NAME_LEN`] or holds
/// whitespace or control characters.
pub fn common_name_for_account(account_id: &str) -> Result<&str, MtlsError> {
    let account_id = account_id.trim();
    if account_id.is_empty() {
        return Err(MtlsError::new("the account id is empty"));
    }
    let last = account_id.rsplit(':').next().unwrap_or_default();
    check_common_name(last).map_err(|e| {
        MtlsError::new(format!(
            "the account id '{}' gives no usable common name: {e}",
            escape(account_id)
        ))
    })?;
    Ok(last)
}

fn check_common_name(cn: &str) -> Result<(), MtlsError> {
    if cn.is_empty() {
        return Err(MtlsError::new("the common name is empty"));
    }
    if cn.chars().count() > MAX_COMMON_NAME_LEN {
        return Err(MtlsError::new(format!(
            "the common name has {} characters; at most {MAX_COMMON_NAME_LEN} are allowed",
            cn.chars().count()
        )));
    }
    if cn.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(MtlsError::new(
            "the common name holds whitespace or control characters",
        ));
    }
    Ok(())
}

fn escape(s: &str) -> String {
    s.chars().flat_map(char::escape_default).collect()
}

/// `config.usage` of a client certificate: what Klarna issues it for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertificateUsage {
    /// `MTLS`: a TLS client certificate for API calls.
    Mtls,
    /// `JWT_SIGNING`: signs Klarna Portal JWTs (deep links, user access).
    JwtSigning,
}

impl CertificateUsage {
    /// The wire value, `MTLS` or `JWT_SIGNING`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateUsage::Mtls => "MTLS",
            CertificateUsage::JwtSigning => "JWT_SIGNING",
        }
    }

    /// Reads a wire value (any case).
    ///
    /// # Errors
    ///
    /// Anything but `MTLS` or `JWT_SIGNING`.
    pub fn parse(value: &str) -> Result<CertificateUsage, MtlsError> {
        match value.to_ascii_uppercase().replace('-', "_").as_str() {
            "MTLS" => Ok(CertificateUsage::Mtls),
            "JWT_SIGNING" => Ok(CertificateUsage::JwtSigning),
            _ => Err(MtlsError::new(format!(
                "'{}' is no certificate usage; Klarna knows MTLS and JWT_SIGNING",
                escape(value)
            ))),
        }
    }
}

impl fmt::Display for CertificateUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of `Klarna-Mtls-Verification-Status`, which every response carries while mTLS is enabled.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VerificationStatus {
    /// `NOT_PRESENT`: the call presented no client certificate.
    NotPresent,
    /// `VALID`: the call presented a certificate Klarna accepts.
    Valid,
    /// `INVALID`: the call presented a certificate Klarna does not accept.
    Invalid,
    /// A value the guide does not list, kept as sent.
    Other(String),
}

impl VerificationStatus {
    /// The header's name, lower case.
    pub const HEADER: &'static str = crate::MTLS_VERIFICATION_STATUS_HEADER;

    /// Reads a header value.
    pub fn parse(value: &str) -> VerificationStatus {
        match value.trim() {
            "NOT_PRESENT" => VerificationStatus::NotPresent,
            "VALID" => VerificationStatus::Valid,
            "INVALID" => VerificationStatus::Invalid,
            other => VerificationStatus::Other(other.to_owned()),
        }
    }

    /// The status a response reports, or `None` when it carries no such header (mTLS is not enabled
    /// on the account, or the header is not readable text).
    pub fn from_headers(headers: &http::HeaderMap) -> Option<VerificationStatus> {
        headers
            .get(Self::HEADER)
            .and_then(|v| v.to_str().ok())
            .map(VerificationStatus::parse)
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            VerificationStatus::NotPresent => "NOT_PRESENT",
            VerificationStatus::Valid => "VALID",
            VerificationStatus::Invalid => "INVALID",
            VerificationStatus::Other(s) => s,
        }
    }
}

impl fmt::Display for VerificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.as_str()))
    }
}

/// `enforced_from` of the enforce-mTLS operation: `NOW` or a moment ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnforcedFrom {
    /// `NOW`: enforce immediately.
    Now,
    /// Enforce from this moment (sent as RFC 3339 in UTC).
    At(OffsetDateTime),
}

impl EnforcedFrom {
    /// The furthest ahead Klarna accepts, as this module reads "at most three months": the earlier of
    /// three calendar months (clamped to the month's last day) and 90 days after `now`.
    pub fn latest(now: OffsetDateTime) -> OffsetDateTime {
        let calendar = add_months(now, 3);
        let days = now + time::Duration::days(90);
        calendar.min(days)
    }

    /// Reads `NOW` (any case) or an RFC 3339 time.
    ///
    /// # Errors
    ///
    /// Anything else; the time's range is checked by [`validate`](Self::validate).
    pub fn parse(value: &str) -> Result<EnforcedFrom, MtlsError> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("now") {
            return Ok(EnforcedFrom::Now);
        }
        OffsetDateTime::parse(value, &Rfc3339)
            .map(EnforcedFrom::At)
            .map_err(|_| {
                MtlsError::new(format!(
                    "'{}' is neither NOW nor an RFC 3339 time such as 2026-03-01T00:00:00Z",
                    escape(value)
                ))
            })
    }

    /// Checks the rule of Klarna's guide against `now`: `NOW`, or a time after `now` and no later than
    /// [`latest`](Self::latest). Returns the value to send.
    ///
    /// # Errors
    ///
    /// The time is not after `now`, or is too far ahead; the message names the allowed range.
    pub fn validate(self, now: OffsetDateTime) -> Result<EnforcedFrom, MtlsError> {
        let EnforcedFrom::At(at) = self else {
            return Ok(self);
        };
        if at <= now {
            return Err(MtlsError::new(format!(
                "enforced_from {} is not in the future (now is {}); Klarna takes no past time: use NOW to enforce immediately",
                rfc3339(at),
                rfc3339(now)
            )));
        }
        let latest = Self::latest(now);
        if at > latest {
            return Err(MtlsError::new(format!(
                "enforced_from {} is more than three months ahead; Klarna takes at most three months (the latest accepted here is {})",
                rfc3339(at),
                rfc3339(latest)
            )));
        }
        Ok(self)
    }

    /// The wire value: `NOW`, or the time in RFC 3339 (UTC).
    pub fn to_wire(self) -> String {
        match self {
            EnforcedFrom::Now => "NOW".to_owned(),
            EnforcedFrom::At(at) => rfc3339(at),
        }
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// `at` plus `months` calendar months, the day clamped to the target month's last day.
fn add_months(at: OffsetDateTime, months: u8) -> OffsetDateTime {
    let date = at.date();
    let total = date.month() as u8 - 1 + months;
    let year = date.year() + i32::from(total / 12);
    let month = time::Month::try_from(total % 12 + 1).unwrap_or(time::Month::December);
    let last = time::util::days_in_month(month, year);
    let day = date.day().min(last);
    match time::Date::from_calendar_date(year, month, day) {
        Ok(d) => at.replace_date(d),
        // Beyond `time`'s range (year 9999): `at` itself, so nothing later is accepted.
        Err(_) => at,
    }
}

#[cfg(feature = "credentials")]
pub use keys::{CertificateRequest, PrivateKey, identity};

#[cfg(feature = "credentials")]
mod keys {
    use std::fmt;

    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    use super::{MtlsError, check_common_name, common_name_for_account};
    use crate::Identity;

    /// An elliptic curve `prime256v1` (P-256) private key, as Klarna's guide requires for client
    /// certificates. `Debug` never shows it; [`to_pem`](Self::to_pem) is the only way out.
    pub struct PrivateKey {
        /// For JWS `ES256` signatures (`r || s`).
        signer: EcdsaKeyPair,
        /// For the certificate request and PEM output.
        pair: rcgen::KeyPair,
        /// The uncompressed public point (`04 || X || Y`).
        public: Vec<u8>,
    }

    impl PrivateKey {
        /// A fresh key from the system's random number generator.
        ///
        /// # Errors
        ///
        /// The system's random number generator failed.
        pub fn generate() -> Result<PrivateKey, MtlsError> {
            let rng = SystemRandom::new();
            let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|_| MtlsError::new("the system's random number generator failed"))?;
            PrivateKey::from_pkcs8(doc.as_ref().to_vec())
        }

        /// Reads a PEM key: PKCS#8 (`PRIVATE KEY`) or SEC 1 (`EC PRIVATE KEY`, as `openssl ecparam
        /// -genkey -name prime256v1` writes it).
        ///
        /// # Errors
        ///
        /// No key in the text, an RSA or other key, or an elliptic curve key on another curve.
        pub fn from_pem(pem: &str) -> Result<PrivateKey, MtlsError> {
            let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|_| {
                MtlsError::new("no PEM private key found (expected PRIVATE KEY or EC PRIVATE KEY)")
            })?;
            let pkcs8 = match der {
                PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der().to_vec(),
                PrivateKeyDer::Sec1(k) => sec1_to_pkcs8(k.secret_sec1_der()),
                PrivateKeyDer::Pkcs1(_) => {
                    return Err(MtlsError::new(
                        "this is an RSA key; Klarna's mTLS guide asks for an elliptic curve prime256v1 key",
                    ));
                }
                _ => return Err(MtlsError::new("unsupported private key format")),
            };
            PrivateKey::from_pkcs8(pkcs8)
        }

        fn from_pkcs8(pkcs8: Vec<u8>) -> Result<PrivateKey, MtlsError> {
            let signer = EcdsaKeyPair::from_pkcs8(
                &ECDSA_P256_SHA256_FIXED_SIGNING,
                &pkcs8,
                &SystemRandom::new(),
            )
            .map_err(|e| {
                MtlsError::new(format!(
                    "the key is not an elliptic curve prime256v1 (P-256) key, which Klarna's mTLS guide requires ({e})"
                ))
            })?;
            let pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
                &PrivatePkcs8KeyDer::from(pkcs8.as_slice()),
                &rcgen::PKCS_ECDSA_P256_SHA256,
            )
            .map_err(|e| MtlsError::new(format!("the key cannot sign requests: {e}")))?;
            let public = signer.public_key().as_ref().to_vec();
            Ok(PrivateKey {
                signer,
                pair,
                public,
            })
        }

        /// The key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Secret: write it to a file only
        /// its owner can read, never to a log.
        pub fn to_pem(&self) -> String {
            self.pair.serialize_pem()
        }

        /// The uncompressed public point, `04 || X || Y` (65 bytes).
        pub fn public_key(&self) -> &[u8] {
            &self.public
        }

        /// Signs `message` with ECDSA P-256 / SHA-256; the signature is `r || s`, 64 bytes, as JWS
        /// `ES256` wants it (RFC 7518 §3.4).
        pub(crate) fn sign_es256(&self, message: &[u8]) -> Result<Vec<u8>, MtlsError> {
            self.signer
                .sign(&SystemRandom::new(), message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| MtlsError::new("signing failed"))
        }

        /// Whether the DER certificate `cert` carries this key's public point (its subject public key).
        pub(crate) fn matches_certificate(&self, cert: &[u8]) -> bool {
            cert.windows(self.public.len()).any(|w| w == self.public)
        }
    }

    impl fmt::Debug for PrivateKey {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("PrivateKey")
                .field("curve", &"prime256v1")
                .field("key", &oapi_runtime::telemetry::REDACTED)
                .finish()
        }
    }

    /// Wraps a SEC 1 `ECPrivateKey` in a PKCS#8 `PrivateKeyInfo` for P-256 (RFC 5915, RFC 5208).
    /// A key on another curve is caught when ring reads the result.
    fn sec1_to_pkcs8(sec1: &[u8]) -> Vec<u8> {
        // AlgorithmIdentifier { id-ecPublicKey, prime256v1 }
        const ALGORITHM: [u8; 21] = [
            0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
            0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
        ];
        let mut body = vec![0x02, 0x01, 0x00];
        body.extend_from_slice(&ALGORITHM);
        body.push(0x04);
        push_len(&mut body, sec1.len());
        body.extend_from_slice(sec1);
        let mut out = vec![0x30];
        push_len(&mut out, body.len());
        out.extend_from_slice(&body);
        out
    }

    fn push_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend_from_slice(&bytes);
        }
    }

    /// A certificate signing request as Klarna's mTLS guide asks for it: subject `CN=<common name>`,
    /// nothing else, signed with a P-256 key.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CertificateRequest {
        common_name: String,
    }

    impl CertificateRequest {
        /// A request whose common name is the last segment of `account_id`
        /// ([`common_name_for_account`]).
        ///
        /// # Errors
        ///
        /// The account id gives no usable common name.
        pub fn for_account(account_id: &str) -> Result<CertificateRequest, MtlsError> {
            Ok(CertificateRequest {
                common_name: common_name_for_account(account_id)?.to_owned(),
            })
        }

        /// A request with another common name (1 to 64 characters, no whitespace), which the newer
        /// Klarna page allows.
        ///
        /// # Errors
        ///
        /// The name is empty, too long, or holds whitespace or control characters.
        pub fn with_common_name(common_name: &str) -> Result<CertificateRequest, MtlsError> {
            check_common_name(common_name)?;
            Ok(CertificateRequest {
                common_name: common_name.to_owned(),
            })
        }

        /// The subject's common name.
        pub fn common_name(&self) -> &str {
            &self.common_name
        }

        /// The PEM request (`-----BEGIN CERTIFICATE REQUEST-----`), signed with `key`: the
        /// `config.certificate_signing_request` of the create-client-certificate operation.
        ///
        /// # Errors
        ///
        /// rcgen could not encode or sign the request.
        pub fn to_pem(&self, key: &PrivateKey) -> Result<String, MtlsError> {
            let mut params = rcgen::CertificateParams::default();
            params.distinguished_name = rcgen::DistinguishedName::new();
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, self.common_name.as_str());
            params
                .serialize_request(&key.pair)
                .and_then(|csr| csr.pem())
                .map_err(|e| MtlsError::new(format!("the request cannot be encoded: {e}")))
        }
    }

    /// The client identity for [`ClientBuilder::identity`](crate::ClientBuilder::identity) from the
    /// certificate Klarna returned (`secret.certificate`, PEM) and the key its request was made with.
    ///
    /// # Errors
    ///
    /// The text holds no PEM certificate, or the first certificate is not the one issued for `key`.
    pub fn identity(certificate_pem: &str, key: &PrivateKey) -> Result<Identity, MtlsError> {
        let leaf = leaf_certificate(certificate_pem)?;
        if !key.matches_certificate(leaf.as_ref()) {
            return Err(MtlsError::new(
                "the certificate was not issued for this private key (its public key differs)",
            ));
        }
        let chain = unescape_line_breaks(certificate_pem);
        Identity::from_pem(chain.as_bytes(), key.to_pem().as_bytes())
            .map_err(|e| MtlsError::new(e.to_string()))
    }

    /// Klarna's answer escapes line breaks as `\n` inside JSON; after JSON decoding they are real line
    /// breaks, but a value copied from raw JSON may still hold the two characters.
    fn unescape_line_breaks(pem: &str) -> String {
        pem.replace("\\n", "\n")
    }

    /// The first certificate of a PEM text, as DER.
    pub(crate) fn leaf_certificate(pem: &str) -> Result<CertificateDer<'static>, MtlsError> {
        let text = unescape_line_breaks(pem);
        CertificateDer::pem_slice_iter(text.as_bytes())
            .next()
            .ok_or_else(|| MtlsError::new("no PEM certificate found (expected BEGIN CERTIFICATE)"))?
            .map_err(|e| MtlsError::new(format!("the certificate is not valid PEM: {e}")))
    }
}

#[cfg(feature = "credentials")]
pub(crate) use keys::leaf_certificate;

#[cfg(test)]
mod tests {
    use super::*;

    fn datetime(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).unwrap()
    }

    #[test]
    fn common_name_is_the_last_segment_of_the_account_id() {
        assert_eq!(
            common_name_for_account("krn:partner:global:account:live:LYABCDEI"),
            Ok("LYABCDEI")
        );
        assert_eq!(common_name_for_account(" MB6KIE1P "), Ok("MB6KIE1P"));
        for bad in ["", "krn:partner:global:account:live:", "krn:a b"] {
            assert!(common_name_for_account(bad).is_err(), "{bad:?}");
        }
        let long = format!("krn:x:{}", "A".repeat(65));
        let err = common_name_for_account(&long).unwrap_err().to_string();
        assert!(err.contains("at most 64"), "{err}");
    }

    #[test]
    fn usage_and_verification_status_read_their_wire_values() {
        assert_eq!(CertificateUsage::parse("mtls"), Ok(CertificateUsage::Mtls));
        assert_eq!(
            CertificateUsage::parse("jwt-signing").map(CertificateUsage::as_str),
            Ok("JWT_SIGNING")
        );
        assert!(CertificateUsage::parse("TLS").is_err());
        let mut headers = http::HeaderMap::new();
        assert_eq!(VerificationStatus::from_headers(&headers), None);
        for (wire, status) in [
            ("NOT_PRESENT", VerificationStatus::NotPresent),
            ("VALID", VerificationStatus::Valid),
            ("INVALID", VerificationStatus::Invalid),
            ("REVOKED", VerificationStatus::Other("REVOKED".into())),
        ] {
            headers.insert("Klarna-Mtls-Verification-Status", wire.parse().unwrap());
            assert_eq!(VerificationStatus::from_headers(&headers), Some(status));
        }
    }

    #[test]
    fn enforcement_time_is_now_or_at_most_three_months_ahead_never_past() {
        let now = datetime("2026-01-15T12:00:00Z");
        assert_eq!(EnforcedFrom::parse("now"), Ok(EnforcedFrom::Now));
        assert_eq!(EnforcedFrom::Now.validate(now).unwrap().to_wire(), "NOW");
        // (time, accepted)
        let table = [
            ("2026-01-15T12:00:01Z", true),
            ("2026-04-14T12:00:00Z", true), // 89 days, within three calendar months
            ("2026-04-15T12:00:00Z", true), // exactly 90 days and three calendar months
            ("2026-04-15T12:00:01Z", false), // a second more
            ("2026-01-15T12:00:00Z", false), // now is not ahead
            ("2025-12-31T00:00:00Z", false), // past
            ("2026-01-15T13:00:00+01:00", false), // the same instant as now, another offset
        ];
        for (text, ok) in table {
            let parsed = EnforcedFrom::parse(text).unwrap();
            assert_eq!(parsed.validate(now).is_ok(), ok, "{text}");
        }
        let past = EnforcedFrom::parse("2025-12-31T00:00:00Z").unwrap();
        let err = past.validate(now).unwrap_err().to_string();
        assert!(
            err.contains("not in the future") && err.contains("NOW"),
            "{err}"
        );
        assert_eq!(
            EnforcedFrom::parse("2026-02-01T10:00:00+02:00")
                .unwrap()
                .to_wire(),
            "2026-02-01T08:00:00Z"
        );
        assert!(EnforcedFrom::parse("tomorrow").is_err());
        // Three calendar months from 30 November is 28 February (clamped), earlier than 90 days.
        let nov = datetime("2026-11-30T00:00:00Z");
        assert_eq!(EnforcedFrom::latest(nov), datetime("2027-02-28T00:00:00Z"));
        // From 1 March, 90 days (30 May) is earlier than three calendar months (1 June).
        let mar = datetime("2026-03-01T00:00:00Z");
        assert_eq!(EnforcedFrom::latest(mar), datetime("2026-05-30T00:00:00Z"));
    }
}
