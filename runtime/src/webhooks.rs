//! Verifying Klarna webhook deliveries.
//!
//! Klarna signs each delivery with a signing key you created through
//! `POST /v2/notification/signing-keys`. The delivery carries two headers:
//! `Klarna-Signing-Key-Id` (which key) and `Klarna-Signature`, the lowercase hex
//! HMAC-SHA256 of the **raw body bytes** keyed with the signing key's UTF-8 bytes.
//!
//! [`verify`] looks the key up by id in a [`SigningKeys`] set (keep several during a
//! rotation), recomputes the MAC over the raw body, compares in constant time, and only
//! then parses the JSON envelope. On any [`WebhookError`], answer `400 Bad Request`; on
//! success answer `2xx` right away and process asynchronously. The signature covers no
//! timestamp, so deduplicate on `metadata.event_id`.
//!
//! ```
//! use klarna_runtime::webhooks::{self, SigningKeys, WebhookError};
//! let keys = SigningKeys::new()
//!     .with_key("krn:partner:global:notification:signing-key:old", "old-secret")
//!     .with_key("krn:partner:global:notification:signing-key:new", "new-secret");
//! let body = br#"{"metadata":{"event_type":"payment.transaction.captured","event_id":"1","event_version":"v2","occurred_at":"2025-05-01T10:00:00Z"},"payload":{"amount":100}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("klarna-signing-key-id", "krn:partner:global:notification:signing-key:new".parse().unwrap());
//! headers.insert("klarna-signature", webhooks::compute_signature("new-secret", body).parse().unwrap());
//! let event = webhooks::verify(body, &headers, &keys).unwrap();
//! assert_eq!(event.payload["amount"], 100);
//!
//! let mut tampered = body.to_vec();
//! let last = tampered.len() - 3;
//! tampered[last] = b'9';
//! assert!(matches!(webhooks::verify(&tampered, &headers, &keys), Err(WebhookError::SignatureMismatch)));
//! ```

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Name of the signature header.
pub const SIGNATURE_HEADER: &str = "klarna-signature";
/// Name of the signing key id header.
pub const SIGNING_KEY_ID_HEADER: &str = "klarna-signing-key-id";

type HmacSha256 = Hmac<Sha256>;

/// The signing keys a receiver accepts, by `signing_key_id`. `Debug` never shows secrets.
///
/// A key must be a real secret: an empty or whitespace-only signing key would let anyone
/// sign a delivery, so it is refused. [`try_with_key`](Self::try_with_key) and
/// [`try_insert`](Self::try_insert) return the refusal at once (use them when the secrets come
/// from configuration); [`with_key`](Self::with_key) and [`insert`](Self::insert) do not
/// store such a key, and every delivery naming its id then fails with
/// [`WebhookError::BlankSigningKey`].
#[derive(Clone, Default)]
pub struct SigningKeys {
    keys: BTreeMap<String, String>,
    /// Ids whose key was refused as blank.
    blank: std::collections::BTreeSet<String>,
}

/// A signing key was refused when the key set was built: it is empty or whitespace only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlankSigningKey {
    /// The `signing_key_id` the key was given for.
    pub signing_key_id: String,
}

impl fmt::Display for BlankSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the webhook signing key for '{}' is empty or whitespace only",
            oapi_runtime::telemetry::escape_control(&self.signing_key_id)
        )
    }
}

impl std::error::Error for BlankSigningKey {}

impl SigningKeys {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key (builder style). A blank key is not stored (see the type's docs).
    pub fn with_key(
        mut self,
        signing_key_id: impl Into<String>,
        signing_key: impl Into<String>,
    ) -> Self {
        self.insert(signing_key_id, signing_key);
        self
    }

    /// Adds a key (builder style), refusing an empty or whitespace-only one.
    ///
    /// ```
    /// use klarna_runtime::webhooks::SigningKeys;
    /// assert!(SigningKeys::new().try_with_key("krn:...:signing-key:1", "  ").is_err());
    /// assert!(SigningKeys::new().try_with_key("krn:...:signing-key:1", "s3cret").is_ok());
    /// ```
    pub fn try_with_key(
        mut self,
        signing_key_id: impl Into<String>,
        signing_key: impl Into<String>,
    ) -> Result<Self, BlankSigningKey> {
        self.try_insert(signing_key_id, signing_key)?;
        Ok(self)
    }

    /// Adds or replaces a key. A blank key is not stored: the id is remembered as refused,
    /// and deliveries naming it fail with [`WebhookError::BlankSigningKey`].
    pub fn insert(&mut self, signing_key_id: impl Into<String>, signing_key: impl Into<String>) {
        if let Err(refused) = self.try_insert(signing_key_id, signing_key) {
            self.blank.insert(refused.signing_key_id);
        }
    }

    /// Adds or replaces a key, refusing an empty or whitespace-only one (the set is then
    /// unchanged).
    pub fn try_insert(
        &mut self,
        signing_key_id: impl Into<String>,
        signing_key: impl Into<String>,
    ) -> Result<(), BlankSigningKey> {
        let (id, key) = (signing_key_id.into(), signing_key.into());
        if key.trim().is_empty() {
            return Err(BlankSigningKey { signing_key_id: id });
        }
        self.blank.remove(&id);
        self.keys.insert(id, key);
        Ok(())
    }

    /// Removes a key (e.g. once a rotation is complete); `true` if it was present.
    pub fn remove(&mut self, signing_key_id: &str) -> bool {
        self.blank.remove(signing_key_id);
        self.keys.remove(signing_key_id).is_some()
    }

    /// The ids whose key was refused as blank by [`insert`](Self::insert) or
    /// [`with_key`](Self::with_key), sorted: check it is empty after loading the keys.
    pub fn refused_ids(&self) -> impl Iterator<Item = &str> {
        self.blank.iter().map(String::as_str)
    }

    /// Whether a key with this id is present.
    pub fn contains(&self, signing_key_id: &str) -> bool {
        self.keys.contains_key(signing_key_id)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// `true` when there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for SigningKeys {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut s = SigningKeys::new();
        for (k, v) in iter {
            s.insert(k, v);
        }
        s
    }
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.keys
                    .keys()
                    .map(|k| (k, oapi_runtime::telemetry::REDACTED)),
            )
            .finish()
    }
}

/// Why a delivery was rejected. Answer `400 Bad Request` for all of them.
#[non_exhaustive]
#[derive(Debug)]
pub enum WebhookError {
    /// A required header is missing (the header's name).
    MissingHeader(&'static str),
    /// A header is present but not usable (not ASCII, or the signature is not hex).
    InvalidHeader(&'static str),
    /// A header that must appear once appears more than once (the header's name).
    DuplicateHeader(&'static str),
    /// `Klarna-Signing-Key-Id` names a key that was refused when the set was built because it
    /// is empty or whitespace only.
    BlankSigningKey(String),
    /// `Klarna-Signing-Key-Id` names a key that is not in the set.
    UnknownKeyId(String),
    /// The signature does not match the body: tampered body, wrong key or wrong secret.
    SignatureMismatch,
    /// The signature is valid but the body is not the expected JSON envelope.
    MalformedBody(serde_json::Error),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader(h) => write!(f, "webhook header {h} is missing"),
            WebhookError::InvalidHeader(h) => write!(f, "webhook header {h} is malformed"),
            WebhookError::DuplicateHeader(h) => {
                write!(f, "webhook header {h} appears more than once")
            }
            WebhookError::BlankSigningKey(id) => write!(
                f,
                "the signing key for id '{}' was refused as blank when the key set was built",
                oapi_runtime::telemetry::escape_control(id)
            ),
            // The id is the sender's header value, of any length: cut for the message.
            WebhookError::UnknownKeyId(id) => write!(
                f,
                "unknown webhook signing key id '{}'",
                oapi_runtime::telemetry::escape_control(&oapi_runtime::telemetry::truncate(
                    id,
                    KEY_ID_SHOWN
                ))
            ),
            WebhookError::SignatureMismatch => {
                f.write_str("webhook signature does not match the body")
            }
            WebhookError::MalformedBody(e) => {
                write!(f, "webhook body is not a valid event envelope: {e}")
            }
        }
    }
}

/// The longest signing key id a [`WebhookError`] message shows, in bytes (Klarna's ids are KRNs
/// of about 80 characters; the error's field keeps the whole value).
const KEY_ID_SHOWN: usize = 200;

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::MalformedBody(e) => Some(e),
            _ => None,
        }
    }
}

/// The metadata block of every webhook event. Keys not listed here are kept in `extra`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// E.g. `payment.request.state-change.completed`. Treat unknown types as possible.
    pub event_type: String,
    /// Unique id of the event; use it to deduplicate redeliveries.
    pub event_id: String,
    /// `v1` or `v2`: the version the webhook subscribed to.
    pub event_version: String,
    /// When the event happened (ISO 8601 with zone), kept as sent.
    pub occurred_at: String,
    /// Correlation id of the request that caused the event, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// The account the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_account_id: Option<String>,
    /// The account that owns the webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_account_id: Option<String>,
    /// The product instance, when the event concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_instance_id: Option<String>,
    /// KRN of the webhook configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    /// `true` in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<bool>,
    /// Any other metadata keys.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A webhook event: `{"metadata": {...}, "payload": {...}}`. Other top-level keys are
/// kept in `extra`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookEnvelope<P = serde_json::Value> {
    /// Event metadata.
    pub metadata: EventMetadata,
    /// The event payload.
    pub payload: P,
    /// Any other top-level keys.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl WebhookEnvelope<serde_json::Value> {
    /// Decodes the payload into a concrete type, e.g. once `metadata.event_type` is known.
    pub fn into_typed<P: DeserializeOwned>(self) -> Result<WebhookEnvelope<P>, serde_json::Error> {
        Ok(WebhookEnvelope {
            metadata: self.metadata,
            payload: serde_json::from_value(self.payload)?,
            extra: self.extra,
        })
    }
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with `signing_key` (what Klarna sends in
/// `Klarna-Signature`). Useful to build test deliveries.
pub fn compute_signature(signing_key: &str, body: &[u8]) -> String {
    let Some(mut mac) = new_mac(signing_key) else {
        return String::new();
    };
    mac.update(body);
    let out = mac.finalize().into_bytes();
    let mut s = String::with_capacity(out.len() * 2);
    for b in out {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    s
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// HMAC accepts keys of any length, so this never fails in practice; a failure is treated
/// as a non-matching signature rather than a panic.
fn new_mac(key: &str) -> Option<HmacSha256> {
    HmacSha256::new_from_slice(key.as_bytes()).ok()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.chunks_exact(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect()
}

/// Checks the signature of a delivery given the two header values directly (for
/// frameworks that do not use `http::HeaderMap`). Returns the id of the matching key.
pub fn verify_signature_parts<'k>(
    body: &[u8],
    signature: Option<&str>,
    signing_key_id: Option<&str>,
    keys: &'k SigningKeys,
) -> Result<&'k str, WebhookError> {
    let key_id = signing_key_id
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(WebhookError::MissingHeader("Klarna-Signing-Key-Id"))?;
    let signature = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(WebhookError::MissingHeader("Klarna-Signature"))?;
    if keys.blank.contains(key_id) {
        return Err(WebhookError::BlankSigningKey(key_id.to_owned()));
    }
    let (id, secret) = keys
        .keys
        .get_key_value(key_id)
        .ok_or_else(|| WebhookError::UnknownKeyId(key_id.to_owned()))?;
    // Never stored, but a key is checked where it is used too: an empty HMAC key is public.
    if secret.trim().is_empty() {
        return Err(WebhookError::BlankSigningKey(key_id.to_owned()));
    }
    let expected = decode_hex(signature).ok_or(WebhookError::InvalidHeader("Klarna-Signature"))?;
    let mut mac = new_mac(secret).ok_or(WebhookError::SignatureMismatch)?;
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::SignatureMismatch)?;
    Ok(id.as_str())
}

fn header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
    display: &'static str,
) -> Result<Option<&'a str>, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(WebhookError::DuplicateHeader(display));
    }
    match first {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| WebhookError::InvalidHeader(display)),
    }
}

/// Checks the signature of a delivery (headers looked up case-insensitively). Returns the
/// id of the key that matched. Does not parse the body.
pub fn verify_signature<'k>(
    body: &[u8],
    headers: &HeaderMap,
    keys: &'k SigningKeys,
) -> Result<&'k str, WebhookError> {
    let signature = header(headers, SIGNATURE_HEADER, "Klarna-Signature")?;
    let key_id = header(headers, SIGNING_KEY_ID_HEADER, "Klarna-Signing-Key-Id")?;
    verify_signature_parts(body, signature, key_id, keys)
}

/// Verifies a delivery and parses it into an envelope with an untyped JSON payload.
pub fn verify(
    body: &[u8],
    headers: &HeaderMap,
    keys: &SigningKeys,
) -> Result<WebhookEnvelope, WebhookError> {
    verify_as(body, headers, keys)
}

/// Verifies a delivery and parses it into an envelope with payload type `P`.
pub fn verify_as<P: DeserializeOwned>(
    body: &[u8],
    headers: &HeaderMap,
    keys: &SigningKeys,
) -> Result<WebhookEnvelope<P>, WebhookError> {
    verify_signature(body, headers, keys)?;
    serde_json::from_slice(body).map_err(WebhookError::MalformedBody)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(decode_hex("00ff10Ab"), Some(vec![0, 255, 16, 171]));
        assert_eq!(decode_hex("0"), None);
        assert_eq!(decode_hex("zz"), None);
    }

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assert_eq!(
            compute_signature("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let k = SigningKeys::new().with_key("id1", "topsecret");
        let d = format!("{k:?}");
        assert!(d.contains("id1") && !d.contains("topsecret"));
    }

    #[test]
    fn blank_keys_are_refused() {
        for blank in ["", " ", "\t\n "] {
            let err = SigningKeys::new().try_with_key("id1", blank).unwrap_err();
            assert_eq!(err.signing_key_id, "id1");
            let k = SigningKeys::new().with_key("id1", blank);
            assert!(!k.contains("id1") && k.is_empty());
            assert_eq!(k.refused_ids().collect::<Vec<_>>(), ["id1"]);
            // a valid key for the same id replaces the refusal
            let k = k.with_key("id1", "real");
            assert!(k.contains("id1"));
            assert_eq!(k.refused_ids().count(), 0);
        }
    }
}
