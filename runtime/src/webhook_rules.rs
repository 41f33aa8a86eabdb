//! Klarna's rules for webhook subscriptions, as checks: the endpoint URL, the event version, and which
//! payment events a payment integration must receive.
//!
//! Sources:
//! - "Setup your webhooks"
//!   (<https://docs.klarna.com/klarna-network-distribution/setup-your-integration/connection-configuration/setup-your-webhooks/>):
//!   the endpoint is HTTPS with a valid certificate, on port 443 or 8443 only ("requests sent to other
//!   ports won't be delivered, as webhook traffic is routed through a proxy with restricted port
//!   support"); subscribe at the most recent `event_version`; sign with a signing key created first.
//! - "Monitor the payment request state"
//!   (<https://docs.klarna.com/klarna-network-distribution/payments/one-time-payments/hosted-checkout-pages-and-embedded-elements/monitor-the-payment-request-state>):
//!   `payment.request.state-change.*` webhook events are required, and the `COMPLETED`, `CANCELED`,
//!   `DECLINED` and `EXPIRED` states must be handled ([`REQUIRED_PAYMENT_EVENTS`]).
//!
//! What the guides leave open: whether Klarna itself rejects a URL on another port when the webhook
//! is created (the guide only says deliveries to it fail), and whether a host name must resolve
//! publicly. [`check_url`] refuses other ports and schemes because nothing would ever arrive there,
//! and does not look the host up.
//!
//! The runtime applies [`check_url`] to the `url` of the create-webhook and update-webhook operations
//! before anything is sent; the failure is an [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest)
//! error naming the rule. One exception: when the client's base URL is itself a loopback address (a
//! local fake or mock Klarna, never the real one), a webhook URL to a loopback host is let through on
//! any port and scheme, so that a test's local receiver can subscribe.

use std::fmt;

use crate::Error;

/// The ports Klarna delivers webhooks to.
pub const ALLOWED_PORTS: [u16; 2] = [443, 8443];

/// The event version a new subscription should use: the most recent one (release r2512).
pub const CURRENT_EVENT_VERSION: &str = "v2";

/// The payment request events a payment integration must receive: the states the monitoring guide
/// says to handle.
pub const REQUIRED_PAYMENT_EVENTS: [&str; 4] = [
    "payment.request.state-change.completed",
    "payment.request.state-change.canceled",
    "payment.request.state-change.declined",
    "payment.request.state-change.expired",
];

/// The operations whose request body carries a webhook `url`.
pub const WEBHOOK_OPERATIONS: [&str; 2] = ["createWebhook", "updateWebhook"];

/// Why a webhook URL breaks Klarna's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrlError {
    url: String,
    reason: String,
}

impl WebhookUrlError {
    /// The rule the URL breaks, in words.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for WebhookUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "webhook url '{}' {} (Klarna's guide \"Setup your webhooks\": HTTPS endpoints on port 443 or 8443 only)",
            self.url, self.reason
        )
    }
}

impl std::error::Error for WebhookUrlError {}

/// Checks a webhook endpoint URL: absolute `https://`, a host, no user name or password, and port 443
/// or 8443 (443 when none is given).
///
/// # Errors
///
/// The rule the URL breaks.
pub fn check_url(url: &str) -> Result<(), WebhookUrlError> {
    check_parsed(url, url.parse().ok())
}

/// [`check_url`] of `url` whose parse (`None` when it is not a valid URL) the caller already has.
fn check_parsed(url: &str, uri: Option<http::Uri>) -> Result<(), WebhookUrlError> {
    // The message's copy of the URL is only made for a failure: a check that passes allocates nothing.
    let fail = |reason: &str| WebhookUrlError {
        url: shown(url),
        reason: reason.to_owned(),
    };
    if url.trim() != url || url.is_empty() {
        return Err(fail("is empty or has surrounding whitespace"));
    }
    let Some(uri) = uri else {
        return Err(fail("is not a valid URL"));
    };
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => {}
        Some(s) if s.eq_ignore_ascii_case("http") => {
            return Err(fail("uses http; Klarna delivers to https only"));
        }
        Some(_) => return Err(fail("does not use https")),
        None => return Err(fail("is not an absolute https:// URL")),
    }
    let Some(authority) = uri.authority() else {
        return Err(fail("has no host"));
    };
    if authority.as_str().contains('@') {
        return Err(fail("holds a user name or password"));
    }
    if authority.host().is_empty() {
        return Err(fail("has no host"));
    }
    match authority.port_u16() {
        None => {
            if authority.as_str().ends_with(':') {
                return Err(fail("has an empty port"));
            }
        }
        Some(p) if ALLOWED_PORTS.contains(&p) => {}
        Some(p) => {
            return Err(fail(&format!(
                "uses port {p}; Klarna delivers to port 443 or 8443 only"
            )));
        }
    }
    Ok(())
}

/// `url` as an error message shows it: a query may carry a receiver's token, so it is not repeated,
/// and control characters are escaped.
fn shown(url: &str) -> String {
    match url.split_once('?') {
        Some((before, _)) => format!("{before}?<query>"),
        None => url.to_owned(),
    }
    .chars()
    .flat_map(char::escape_default)
    .collect()
}

/// Whether the subscription pattern `pattern` (an event type, or a prefix ending in `*` such as
/// `payment.*` or `*`) covers `event_type`.
pub fn pattern_covers(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

/// The events of [`REQUIRED_PAYMENT_EVENTS`] that none of `event_types` covers.
pub fn missing_payment_events<S: AsRef<str>>(event_types: &[S]) -> Vec<&'static str> {
    REQUIRED_PAYMENT_EVENTS
        .iter()
        .copied()
        .filter(|e| !event_types.iter().any(|p| pattern_covers(p.as_ref(), e)))
        .collect()
}

/// Whether `uri` names a loopback host (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback(uri: &http::Uri) -> bool {
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The check the runtime runs on every request before sending it (set as the client's request check):
/// for [`WEBHOOK_OPERATIONS`] with a JSON body, the `url` field (when present) must pass [`check_url`],
/// unless both the client's base URL (where the request goes) and the webhook URL are loopback
/// addresses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestCheck {
    /// Whether the client's base URL is a loopback address, decided once when the client is built.
    local_base: bool,
}

impl RequestCheck {
    /// The check for a client whose requests go to `base_url`.
    pub(crate) fn new(base_url: &str) -> RequestCheck {
        RequestCheck {
            local_base: base_url.parse::<http::Uri>().is_ok_and(|u| is_loopback(&u)),
        }
    }

    /// Checks one request, by its operation id and JSON body.
    pub(crate) fn check(&self, operation_id: &str, json_body: Option<&[u8]>) -> Result<(), Error> {
        if !WEBHOOK_OPERATIONS.contains(&operation_id) {
            return Ok(());
        }
        let Some(body) = json_body else {
            return Ok(());
        };
        // A body that is not a JSON object, or whose url is not a string, is left to Klarna's
        // validation. Only `url` is read: the other fields are skipped without building values, so
        // the check costs a scan of the body, not a second decode of it.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Ok(());
        }
        let Ok(UrlField { url: Some(url) }) = serde_json::from_slice::<UrlField<'_>>(body) else {
            return Ok(());
        };
        // Parsed once, for the loopback exception and for the rules.
        let uri = url.parse::<http::Uri>().ok();
        if self.local_base && uri.as_ref().is_some_and(is_loopback) {
            return Ok(());
        }
        check_parsed(&url, uri).map_err(|e| Error::invalid_request(format!("{operation_id}: {e}")))
    }
}

/// The one field of a webhook request body [`RequestCheck::check`] reads.
#[derive(serde::Deserialize)]
struct UrlField<'a> {
    #[serde(borrow, default)]
    url: Option<std::borrow::Cow<'a, str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_guide() {
        // (url, accepted, words of the reason)
        let table = [
            ("https://partner.example.com/klarna/webhooks", true, ""),
            ("https://partner.example.com:443/hooks", true, ""),
            ("https://partner.example.com:8443/hooks?x=1", true, ""),
            ("HTTPS://PARTNER.EXAMPLE.COM/", true, ""),
            ("https://[2001:db8::1]:8443/", true, ""),
            ("https://partner.example.com:8080/hooks", false, "port 8080"),
            (
                "https://h.example:9/x?token=s3cret",
                false,
                "'https://h.example:9/x?<query>'",
            ),
            ("https://partner.example.com:80/", false, "port 80"),
            ("http://partner.example.com/hooks", false, "uses http"),
            ("ftp://partner.example.com/", false, "does not use https"),
            ("/klarna/webhooks", false, "absolute"),
            ("https://user:pw@partner.example.com/", false, "user name"),
            ("https://partner.example.com:/", false, "empty port"),
            ("https://partner example.com/", false, "not a valid URL"),
            (" https://partner.example.com/", false, "whitespace"),
            ("", false, "empty"),
        ];
        for (url, ok, words) in table {
            let result = check_url(url);
            assert_eq!(result.is_ok(), ok, "{url}: {result:?}");
            if let Err(e) = result {
                assert!(e.to_string().contains(words), "{url}: {e}");
                assert!(!e.to_string().contains("s3cret"), "{e}");
                assert!(e.to_string().contains("443 or 8443"), "{e}");
            }
        }
    }

    #[test]
    fn patterns_cover_events() {
        for (pattern, covered) in [
            ("*", true),
            ("payment.*", true),
            ("payment.request.*", true),
            ("payment.request.state-change.*", true),
            ("payment.request.state-change.completed", true),
            ("payment.transaction.*", false),
            ("payment.request.state-change.complete", false),
        ] {
            assert_eq!(
                pattern_covers(pattern, "payment.request.state-change.completed"),
                covered,
                "{pattern}"
            );
        }
        assert!(missing_payment_events(&["payment.*"]).is_empty());
        assert_eq!(
            missing_payment_events(&[
                "payment.request.state-change.completed",
                "payment.request.state-change.expired"
            ]),
            [
                "payment.request.state-change.canceled",
                "payment.request.state-change.declined"
            ]
        );
        assert_eq!(
            missing_payment_events::<&str>(&[]).len(),
            REQUIRED_PAYMENT_EVENTS.len()
        );
    }

    #[test]
    fn only_webhook_operations_are_checked() {
        let bad = br#"{"url":"https://h.example:9000/","event_types":["payment.*"]}"#;
        let check_request = |base: &str, operation_id: &str, body: Option<&[u8]>| {
            RequestCheck::new(base).check(operation_id, body)
        };
        const KLARNA: &str = "https://api-global.test.klarna.com";
        let err = check_request(KLARNA, "createWebhook", Some(bad)).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("port 9000"), "{err}");
        assert!(check_request(KLARNA, "updateWebhook", Some(bad)).is_err());
        assert!(check_request(KLARNA, "createPaymentRequest", Some(bad)).is_ok());
        assert!(check_request(KLARNA, "updateWebhook", Some(br#"{"status":"DISABLED"}"#)).is_ok());
        assert!(check_request(KLARNA, "updateWebhook", None).is_ok());
        // A local receiver may subscribe to a local fake, and only there.
        let local = br#"{"url":"http://127.0.0.1:38001/hook"}"#;
        assert!(check_request("http://127.0.0.1:9000", "createWebhook", Some(local)).is_ok());
        assert!(check_request("http://localhost:9000", "updateWebhook", Some(local)).is_ok());
        assert!(check_request(KLARNA, "createWebhook", Some(local)).is_err());
        let remote = br#"{"url":"http://partner.example/hook"}"#;
        assert!(check_request("http://127.0.0.1:9000", "createWebhook", Some(remote)).is_err());
        // The url is read wherever it stands and however it is escaped; a url that is not text, or a
        // body that is not an object, is left to Klarna's validation.
        let escaped = br#"{"event_types":["payment.*"],"url":"https:\/\/h.example:9000\/"}"#;
        assert!(check_request(KLARNA, "createWebhook", Some(escaped)).is_err());
        assert!(check_request(KLARNA, "createWebhook", Some(br#"{"url":9000}"#)).is_ok());
        assert!(
            check_request(
                KLARNA,
                "createWebhook",
                Some(br#"["https://h.example:9000/"]"#)
            )
            .is_ok()
        );
    }
}
