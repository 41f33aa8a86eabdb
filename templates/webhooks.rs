//! Webhook events of this API, typed: verify a delivery from its raw body and headers, then match on the
//! event. Klarna adds event types without notice; those arrive as [`Event::Unknown`] with the payload kept.
//!
//! ```no_run
//! # fn handle(body: &[u8], headers: &::{{ rt }}::http::HeaderMap, keys: &::{{ rt }}::webhooks::SigningKeys) {
//! match {{ module_path }}::webhooks::verify(body, headers, keys) {
//!     Ok(delivery) => println!("{} {:?}", delivery.metadata.event_id, delivery.event),
//!     Err(_) => { /* answer 400: Klarna retries, and a forged delivery is dropped */ }
//! }
//! # }
//! ```
#![allow(deprecated)]

/// The payload of a webhook event, typed by `metadata.event_type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    {% for e in events %}
    {{ e.doc }}
    {{ e.name }}({{ e.payload }}),
    {% endfor %}
    /// An event type this version of the SDK does not know; the payload is kept as received.
    Unknown(::serde_json::Value),
}

impl Event {
    /// Types `payload` by its event type.
    ///
    /// # Errors
    ///
    /// The payload does not match the schema of its (known) event type.
    #[inline]
    pub fn from_parts(event_type: &str, payload: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {
        match event_type {
            {% for e in events %}{{ e.wire_lit }} => ::serde_json::from_value(payload).map(Self::{{ e.name }}),
            {% endfor %}_ => Ok(Self::Unknown(payload)),
        }
    }
}

/// A verified webhook delivery: its metadata and its typed event.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// `event_type`, `event_id` (deduplicate on it), `occurred_at`, accounts, ...
    pub metadata: ::{{ rt }}::webhooks::EventMetadata,
    /// The typed payload.
    pub event: Event,
}

/// Verifies a delivery (HMAC-SHA256 of the raw body with the key named by `Klarna-Signing-Key-Id`,
/// compared in constant time with `Klarna-Signature`) and only then parses and types it.
///
/// # Errors
///
/// A missing header, an unknown key id, a wrong signature, or a body that is not a webhook event of this
/// API. Answer such a delivery with 400.
#[inline]
pub fn verify(
    body: &[u8],
    headers: &::{{ rt }}::http::HeaderMap,
    keys: &::{{ rt }}::webhooks::SigningKeys,
) -> ::std::result::Result<Delivery, ::{{ rt }}::webhooks::WebhookError> {
    let envelope = ::{{ rt }}::webhooks::verify(body, headers, keys)?;
    let event = Event::from_parts(&envelope.metadata.event_type, envelope.payload)
        .map_err(::{{ rt }}::webhooks::WebhookError::MalformedBody)?;
    Ok(Delivery { metadata: envelope.metadata, event })
}
