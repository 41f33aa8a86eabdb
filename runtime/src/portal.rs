//! Signed Klarna Portal JWTs: what the deep-link and user-access operations take in `jwt`
//! (crate feature `credentials`).
//!
//! The shape follows Klarna's guides "Grant access to Klarna Portal"
//! (<https://docs.klarna.com/klarna-network-distribution/interoperability-distribution/grant-access-to-klarna-portal>)
//! and "Grant access via Deep Link"
//! (<https://docs.klarna.com/klarna-network-distribution/interoperability-distribution/klarna-portal-overview/deep-link>):
//!
//! - signed with the key of a `JWT_SIGNING` client certificate ([`crate::mtls::CertificateUsage`]);
//! - header `alg` `ES256`, `typ` `JWT`, `x5c` holding that certificate (base64 DER, RFC 7515 §4.1.6);
//! - claims `amr` (required for deep links; `["pwd"]` says the user logged in with a password on the
//!   partner's side), `iss` (the Acquiring Partner's account id), `jti`, `sub` (the user's email), `iat`,
//!   `exp`, `account_id`, `on_behalf_of` and `roles` ([`PortalRole`]).
//!
//! A deep link made from such a JWT is single-use and expires 60 seconds after it is created
//! ([`DEEP_LINK_LIFETIME`]); the Portal session then ends after 8 hours of inactivity.
//!
//! What the guides leave open, and what this module does about it:
//! - the JWT's own lifetime: the guide's sample spans about 34 hours and no limit is stated.
//!   [`PortalJwt`] defaults to [`DEFAULT_LIFETIME`] (5 minutes), as the token is used at once;
//!   [`PortalJwt::expires_in`] changes it.
//! - the `jti` format: the sample is a UUID; a fresh UUID v4 is the default.
//! - whether the user-access operation needs `amr`: only the deep-link page calls it required, so
//!   [`PortalJwt::sign`] requires it only with [`Purpose::DeepLink`].
//!
//! The signed token is a bearer credential: [`SignedJwt`]'s `Debug` hides it.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::mtls::{MtlsError, PrivateKey, leaf_certificate};

/// How long a deep link stays usable after Klarna creates it (single use).
pub const DEEP_LINK_LIFETIME: Duration = Duration::from_secs(60);

/// The JWT lifetime [`PortalJwt`] uses unless told otherwise.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// A Klarna Portal role. The guides list three; Klarna may add more, which [`PortalRole::Other`] keeps.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PortalRole {
    /// `merchant:admin`: every app in the Acquiring Partner's agreement.
    Admin,
    /// `merchant:developer`: the developer tools.
    Developer,
    /// `merchant:agent`: the support tools.
    Agent,
    /// A role the guides do not list yet, sent as given.
    Other(String),
}

impl PortalRole {
    /// The documented roles.
    pub const DOCUMENTED: [PortalRole; 3] =
        [PortalRole::Admin, PortalRole::Developer, PortalRole::Agent];

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PortalRole::Admin => "merchant:admin",
            PortalRole::Developer => "merchant:developer",
            PortalRole::Agent => "merchant:agent",
            PortalRole::Other(s) => s,
        }
    }

    /// Reads a wire value; unknown values become [`PortalRole::Other`].
    pub fn parse(value: &str) -> PortalRole {
        match value {
            "merchant:admin" => PortalRole::Admin,
            "merchant:developer" => PortalRole::Developer,
            "merchant:agent" => PortalRole::Agent,
            other => PortalRole::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for PortalRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the JWT is for; decides which claims are required.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The create-deep-link operation: `amr` is required.
    DeepLink,
    /// The create-or-update-user-access operation.
    UserAccess,
}

/// What is wrong with a Portal JWT before it is signed, or why signing failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtError {
    message: String,
}

impl JwtError {
    fn new(message: impl Into<String>) -> JwtError {
        JwtError {
            message: message.into(),
        }
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JwtError {}

impl From<MtlsError> for JwtError {
    fn from(e: MtlsError) -> JwtError {
        JwtError::new(e.to_string())
    }
}

/// A typed builder of a Portal JWT. Every setter takes and returns `self`.
///
/// ```
/// # fn demo(cert_pem: &str, key: &klarna_runtime::mtls::PrivateKey) -> Result<(), klarna_runtime::portal::JwtError> {
/// use klarna_runtime::portal::{PortalJwt, PortalRole, Purpose};
/// let jwt = PortalJwt::new("krn:partner:global:account:live:LYABCDEI", "portal.user@merchant.com")
///     .account_id("krn:partner:global:account:live:MB6KIE1P")
///     .on_behalf_of("krn:partner:global:account:live:MB6KIE1P")
///     .role(PortalRole::Admin)
///     .amr(["pwd"])
///     .sign(Purpose::DeepLink, cert_pem, key)?;
/// # let _ = jwt; Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PortalJwt {
    issuer: String,
    subject: String,
    account_id: Option<String>,
    on_behalf_of: Option<String>,
    roles: Vec<PortalRole>,
    amr: Vec<String>,
    jti: Option<String>,
    issued_at: Option<OffsetDateTime>,
    lifetime: Duration,
}

impl PortalJwt {
    /// A JWT issued by the Acquiring Partner account `issuer` (`iss`) for the user `subject` (`sub`,
    /// the user's email address).
    pub fn new(issuer: impl Into<String>, subject: impl Into<String>) -> PortalJwt {
        PortalJwt {
            issuer: issuer.into(),
            subject: subject.into(),
            account_id: None,
            on_behalf_of: None,
            roles: Vec::new(),
            amr: Vec::new(),
            jti: None,
            issued_at: None,
            lifetime: DEFAULT_LIFETIME,
        }
    }

    /// `account_id`: the partner account the user gets access to.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// `on_behalf_of`: the account the user acts for.
    pub fn on_behalf_of(mut self, account: impl Into<String>) -> Self {
        self.on_behalf_of = Some(account.into());
        self
    }

    /// Adds a role to `roles` (a role given twice is sent once).
    pub fn role(mut self, role: PortalRole) -> Self {
        if !self.roles.contains(&role) {
            self.roles.push(role);
        }
        self
    }

    /// `amr`: how the user authenticated on the partner's side (`["pwd"]`, `["pwd", "otp"]`).
    pub fn amr<I, S>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.amr = methods.into_iter().map(Into::into).collect();
        self
    }

    /// `jti` (default: a fresh UUID v4).
    pub fn jti(mut self, jti: impl Into<String>) -> Self {
        self.jti = Some(jti.into());
        self
    }

    /// `iat` (default: the time of [`sign`](Self::sign)).
    pub fn issued_at(mut self, at: OffsetDateTime) -> Self {
        self.issued_at = Some(at);
        self
    }

    /// `exp` − `iat` (default [`DEFAULT_LIFETIME`]); must be at least one second.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The claims as they will be signed, checked for `purpose`.
    ///
    /// # Errors
    ///
    /// A required claim is missing or blank (see [`sign`](Self::sign)).
    pub fn claims(&self, purpose: Purpose) -> Result<Value, JwtError> {
        fn required<'a>(name: &str, value: Option<&'a str>) -> Result<&'a str, JwtError> {
            match value.map(str::trim) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(JwtError::new(format!("the claim `{name}` is required"))),
            }
        }
        let iss = required("iss", Some(&self.issuer))?;
        let sub = required("sub", Some(&self.subject))?;
        let account_id = required("account_id", self.account_id.as_deref())?;
        let on_behalf_of = required("on_behalf_of", self.on_behalf_of.as_deref())?;
        if self.roles.is_empty() {
            return Err(JwtError::new(
                "the claim `roles` needs at least one role (merchant:admin, merchant:developer, merchant:agent)",
            ));
        }
        if let Some(blank) = self.roles.iter().find(|r| r.as_str().trim().is_empty()) {
            return Err(JwtError::new(format!(
                "a role is blank: {:?}",
                blank.as_str()
            )));
        }
        if purpose == Purpose::DeepLink && self.amr.iter().all(|m| m.trim().is_empty()) {
            return Err(JwtError::new(
                "the claim `amr` is required for deep links (Klarna's deep-link guide); use [\"pwd\"] when the user logged in with a password on your side",
            ));
        }
        if self.lifetime < Duration::from_secs(1) {
            return Err(JwtError::new("the JWT must live at least one second"));
        }
        let iat = self
            .issued_at
            .unwrap_or_else(OffsetDateTime::now_utc)
            .unix_timestamp();
        let lifetime = i64::try_from(self.lifetime.as_secs()).unwrap_or(i64::MAX);
        let jti = self
            .jti
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut claims = serde_json::Map::new();
        if !self.amr.is_empty() {
            claims.insert("amr".into(), json!(self.amr));
        }
        claims.insert("iss".into(), json!(iss));
        claims.insert("jti".into(), json!(jti));
        claims.insert("sub".into(), json!(sub));
        claims.insert("iat".into(), json!(iat));
        claims.insert("exp".into(), json!(iat.saturating_add(lifetime)));
        claims.insert("account_id".into(), json!(account_id));
        claims.insert("on_behalf_of".into(), json!(on_behalf_of));
        claims.insert(
            "roles".into(),
            json!(
                self.roles
                    .iter()
                    .map(PortalRole::as_str)
                    .collect::<Vec<_>>()
            ),
        );
        Ok(Value::Object(claims))
    }

    /// Signs the JWT with `key`, the private key of the `JWT_SIGNING` certificate `certificate_pem`
    /// (PEM, as Klarna returned it), which goes into the `x5c` header.
    ///
    /// # Errors
    ///
    /// A claim is missing: `iss`, `sub`, `account_id`, `on_behalf_of`, at least one role, and for
    /// [`Purpose::DeepLink`] `amr`; the certificate is not PEM or was not issued for `key`; signing
    /// failed.
    pub fn sign(
        &self,
        purpose: Purpose,
        certificate_pem: &str,
        key: &PrivateKey,
    ) -> Result<SignedJwt, JwtError> {
        let claims = self.claims(purpose)?;
        let cert = leaf_certificate(certificate_pem)?;
        if !key.matches_certificate(cert.as_ref()) {
            return Err(JwtError::new(
                "the certificate was not issued for this private key (its public key differs); sign with the key of the JWT_SIGNING certificate",
            ));
        }
        let header = json!({
            "alg": "ES256",
            "typ": "JWT",
            "x5c": [STANDARD.encode(cert.as_ref())],
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = key.sign_es256(signing_input.as_bytes())?;
        Ok(SignedJwt(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )))
    }
}

/// A signed Portal JWT (compact serialization). A bearer credential: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedJwt(String);

impl SignedJwt {
    /// The compact JWT, for the `jwt` field of the request body.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The compact JWT.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for SignedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignedJwt(")?;
        f.write_str(oapi_runtime::telemetry::REDACTED)?;
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt() -> PortalJwt {
        PortalJwt::new(
            "krn:partner:global:account:live:LYABCDEI",
            "portal.user@merchant.com",
        )
        .account_id("krn:partner:global:account:test:MB6KIE1P")
        .on_behalf_of("krn:partner:global:account:test:MB6KIE1P")
        .role(PortalRole::Admin)
        .role(PortalRole::parse("merchant:billing"))
        .role(PortalRole::Admin)
    }

    #[test]
    fn claims_hold_what_the_guide_lists() {
        let at = OffsetDateTime::from_unix_timestamp(1_716_768_000).unwrap();
        let claims = jwt()
            .amr(["pwd"])
            .jti("a4728c02-9885-41bf-b539-251ffa7f7eaa")
            .issued_at(at)
            .expires_in(Duration::from_secs(120))
            .claims(Purpose::DeepLink)
            .unwrap();
        assert_eq!(
            claims,
            json!({
                "amr": ["pwd"],
                "iss": "krn:partner:global:account:live:LYABCDEI",
                "jti": "a4728c02-9885-41bf-b539-251ffa7f7eaa",
                "sub": "portal.user@merchant.com",
                "iat": 1_716_768_000,
                "exp": 1_716_768_120,
                "account_id": "krn:partner:global:account:test:MB6KIE1P",
                "on_behalf_of": "krn:partner:global:account:test:MB6KIE1P",
                "roles": ["merchant:admin", "merchant:billing"],
            })
        );
    }

    #[test]
    fn missing_claims_are_named() {
        // (builder, purpose, expected words)
        let table = [
            (jwt(), Purpose::DeepLink, "`amr` is required for deep links"),
            (
                PortalJwt::new("iss", "sub")
                    .on_behalf_of("x")
                    .role(PortalRole::Agent),
                Purpose::UserAccess,
                "`account_id` is required",
            ),
            (
                PortalJwt::new("iss", " ").account_id("a").on_behalf_of("b"),
                Purpose::UserAccess,
                "`sub` is required",
            ),
            (
                PortalJwt::new("iss", "sub")
                    .account_id("a")
                    .on_behalf_of("b"),
                Purpose::UserAccess,
                "`roles` needs at least one role",
            ),
            (
                jwt().amr(["pwd"]).expires_in(Duration::ZERO),
                Purpose::DeepLink,
                "at least one second",
            ),
        ];
        for (builder, purpose, words) in table {
            let err = builder.claims(purpose).unwrap_err().to_string();
            assert!(err.contains(words), "{err}");
        }
        assert!(jwt().claims(Purpose::UserAccess).is_ok());
        assert_eq!(
            PortalRole::DOCUMENTED.map(|r| r.to_string()),
            ["merchant:admin", "merchant:developer", "merchant:agent"]
        );
    }

    #[test]
    fn signed_jwt_debug_hides_the_token() {
        let token = SignedJwt("eyJhbGciOiJFUzI1NiJ9.e30.c2ln".into());
        assert!(!format!("{token:?}").contains("eyJ"));
    }
}
