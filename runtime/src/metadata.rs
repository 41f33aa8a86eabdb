//! Integrator tagging: the `Klarna-Integration-Metadata` header.
//!
//! Klarna asks that every call say which software made it. The header value is a one-line
//! JSON object `{"integrator":{...},"originators":[...]}`. Set a default on the client
//! ([`ClientBuilder::integration_metadata`](crate::ClientBuilder::integration_metadata)) and
//! override it per request ([`RequestOptions::set_integration_metadata`](crate::RequestOptions::set_integration_metadata)).
//! Klarna's naming rule for `name` is `UPPER_SNAKE_CASE` without diacritics, punctuation,
//! legal form or region (e.g. `"ACME_PAYMENTS"`).

use serde::{Deserialize, Serialize};

/// The value of the `Klarna-Integration-Metadata` header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationMetadata {
    /// The party that built the integration making this call.
    pub integrator: Integrator,
    /// Parties on whose behalf the call is made (e.g. a platform's merchants' plugins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub originators: Vec<Originator>,
}

/// One party in [`IntegrationMetadata`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrator {
    /// Public name in `UPPER_SNAKE_CASE`, e.g. `"ACME_PAYMENTS"`.
    pub name: String,
    /// A reference for the session or request on the party's side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_reference: Option<String>,
    /// Name of the module or plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_name: Option<String>,
    /// Version of the module or plugin, e.g. `"v1.0"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_version: Option<String>,
}

/// An originator has the same fields as an [`Integrator`].
pub type Originator = Integrator;

impl Integrator {
    /// A party with just a name.
    pub fn new(name: impl Into<String>) -> Self {
        Integrator {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Sets `module_name` and `module_version`.
    pub fn with_module(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.module_name = Some(name.into());
        self.module_version = Some(version.into());
        self
    }

    /// Sets `session_reference`.
    pub fn with_session_reference(mut self, reference: impl Into<String>) -> Self {
        self.session_reference = Some(reference.into());
        self
    }
}

impl IntegrationMetadata {
    /// Metadata naming only the integrator.
    pub fn new(integrator: Integrator) -> Self {
        IntegrationMetadata {
            integrator,
            originators: Vec::new(),
        }
    }

    /// Adds an originator.
    pub fn with_originator(mut self, originator: Originator) -> Self {
        self.originators.push(originator);
        self
    }

    /// The header value: one-line JSON, with every non-ASCII character written as a
    /// `\uXXXX` escape so the value is always a valid HTTP header.
    pub fn to_header_value(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned());
        let mut out = String::with_capacity(json.len());
        for c in json.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_value_is_one_line_ascii_json() {
        let m = IntegrationMetadata::new(Integrator::new("ACME").with_module("acme-shop", "v1.0"))
            .with_originator(Integrator::new("Café\nBar 😀"));
        let v = m.to_header_value();
        assert!(v.is_ascii());
        assert!(!v.contains('\n'));
        assert!(http::HeaderValue::from_str(&v).is_ok());
        assert_eq!(
            v,
            r#"{"integrator":{"name":"ACME","module_name":"acme-shop","module_version":"v1.0"},"originators":[{"name":"Caf\u00e9\nBar \ud83d\ude00"}]}"#
        );
        let back: IntegrationMetadata = serde_json::from_str(&v).unwrap();
        assert_eq!(back, m);
    }
}
