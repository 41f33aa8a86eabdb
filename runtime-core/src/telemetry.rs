//! Redaction helpers shared by `Debug` impls and tracing.
//!
//! The rule: credentials, `Authorization`, cookies and any header carrying a token, secret,
//! signature, password or API key (e.g. `X-Customer-Token`, `X-Api-Key`) never appear in logs
//! or `Debug` output. Bodies never appear either (only their length).
//!
//! Spans emitted by [`Client::execute`](crate::Client::execute):
//! - `api.request` (INFO): `operation`, `method`, `path` (with the segments of sensitive path
//!   parameters shown as `<redacted>`), `correlation_id`, and once done `status`, `attempts`,
//!   `latency_ms`, `error_kind`;
//! - `api.attempt` (DEBUG), one per attempt: `attempt`, `status`.

use std::borrow::Cow;
use std::fmt;

use http::HeaderMap;

/// Placeholder shown instead of secret values.
pub const REDACTED: &str = "<redacted>";

/// Whether a header's value must never be shown, judged by its name.
pub fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "proxy-authorization"
        || n == "cookie"
        || n == "set-cookie"
        || n.contains("token")
        || n.contains("secret")
        || n.contains("signature")
        || n.contains("api-key")
        || n.contains("apikey")
        || n.contains("password")
}

/// A request path shown with some `/`-separated segments replaced by [`REDACTED`]: the
/// segments of path parameters the API document marks sensitive. Formats without allocating.
#[derive(Clone, Copy)]
pub(crate) struct RedactedPath<'a> {
    path: &'a str,
    sensitive: &'a [usize],
}

impl<'a> RedactedPath<'a> {
    pub(crate) fn new(path: &'a str, sensitive: &'a [usize]) -> Self {
        RedactedPath { path, sensitive }
    }
}

impl fmt::Display for RedactedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sensitive.is_empty() {
            return f.write_str(self.path);
        }
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            if self.sensitive.contains(&i) {
                f.write_str(REDACTED)?;
            } else {
                f.write_str(segment)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for RedactedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Shows `<redacted>` whatever the value: generated `Debug` impls print sensitive fields
/// (properties and parameters the API document marks sensitive, or
/// `format: password`) with it. Not a public API.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// `Debug` for a header map that redacts sensitive values.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, value) in self.0 {
            if is_sensitive_header(name.as_str()) || value.is_sensitive() {
                m.entry(&name.as_str(), &REDACTED);
            } else {
                m.entry(&name.as_str(), &value.to_str().unwrap_or("<non-ascii>"));
            }
        }
        m.finish()
    }
}

/// `Debug` for a list of `(name, value)` header pairs that redacts sensitive values.
pub(crate) struct RedactedPairs<'a, N: AsRef<str>>(pub(crate) &'a [(N, String)]);

impl<N: AsRef<str>> fmt::Debug for RedactedPairs<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, value) in self.0 {
            let name = name.as_ref();
            if is_sensitive_header(name) {
                m.entry(&name, &REDACTED);
            } else {
                m.entry(&name, value);
            }
        }
        m.finish()
    }
}

/// Server text (or any text) for a log line or message: `s` with every control character (and the Unicode line and paragraph separators) escaped
/// as Rust does in `Debug` (`\n`, `\u{1b}`), so text taken from a server response cannot start a
/// new line or move the cursor in a log.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` cut to at most `max` bytes (on a character boundary), with `...` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}...", &s[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names() {
        for n in [
            "Authorization",
            "x-customer-token",
            "X-Network-Session-Token",
            "Payment-Token",
            "X-Hub-Signature",
            "Client-Secret",
            "cookie",
            "X-Api-Key",
        ] {
            assert!(is_sensitive_header(n), "{n}");
        }
        for n in [
            "Idempotency-Key",
            "X-Correlation-Id",
            "User-Agent",
            "X-Integration-Metadata",
        ] {
            assert!(!is_sensitive_header(n), "{n}");
        }
    }

    #[test]
    fn redacted_path() {
        let p = "/v2/accounts/A/tokens/SECRET";
        assert_eq!(RedactedPath::new(p, &[]).to_string(), p);
        assert_eq!(
            RedactedPath::new(p, &[5]).to_string(),
            "/v2/accounts/A/tokens/<redacted>"
        );
        assert_eq!(
            RedactedPath::new(p, &[3, 5, 9]).to_string(),
            "/v2/accounts/<redacted>/tokens/<redacted>"
        );
        assert_eq!(format!("{:?}", Redacted), "<redacted>");
    }
}
