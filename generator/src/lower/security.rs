//! Security: the document's `securitySchemes` the generated client can send, and each operation's
//! effective requirements (its own `security`, else the document's).

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};

use super::*;

/// Methods of the runtime's client builder a per-scheme setter must not shadow.
const CLIENT_BUILDER_METHODS: &[&str] = &[
    "new",
    "default",
    "base_url",
    "allow_insecure_http",
    "user_agent_product",
    "user_agent_suffix",
    "user_agent",
    "security_schemes",
    "bearer_token",
    "basic_auth",
    "api_key",
    "credential",
    "default_header",
    "correlation_id_header",
    "idempotency_key_header",
    "error_body",
    "server_name",
    "retry_policy",
    "retry_budget",
    "connect_timeout",
    "attempt_timeout",
    "read_timeout",
    "total_timeout",
    "pool_idle_timeout",
    "max_body_size",
    "identity",
    "identity_pem",
    "add_root_certificates_pem",
    "http_client",
    "sleep_impl",
    "clock",
    "build",
];

impl DocumentLowerer<'_, '_> {
    /// The document's security schemes, ordered by name. OAuth 2 and OpenID Connect schemes become
    /// bearer schemes (the client sends an access token obtained elsewhere), with a warning; an HTTP
    /// scheme other than `basic` and `bearer`, and a `$ref` to a scheme, are left out with a warning.
    pub(super) fn lower_security_schemes(&mut self) -> Vec<SecuritySchemeDef> {
        let Some(components) = &self.doc.api.components else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut setters = Scope::new(std::iter::empty::<&str>());
        let schemes: Vec<_> = components
            .security_schemes
            .iter()
            .map(|(n, s)| (n.clone(), s.clone()))
            .collect();
        for (name, scheme) in schemes {
            let pointer = crate::diag::pointer(["components", "securitySchemes", &name]);
            let scheme = match scheme {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => {
                    self.degrade(
                        &pointer,
                        Degradation::Dropped,
                        format!(
                            "security scheme `{name}` is a reference ({reference}), which is not followed: the client cannot send it"
                        ),
                    );
                    continue;
                }
            };
            let (kind, doc) = match scheme {
                SecurityScheme::APIKey {
                    location,
                    name: param,
                    description,
                    ..
                } => (
                    SecurityKind::ApiKey {
                        location: match location {
                            APIKeyLocation::Header => ApiKeyIn::Header,
                            APIKeyLocation::Query => ApiKeyIn::Query,
                            APIKeyLocation::Cookie => ApiKeyIn::Cookie,
                        },
                        name: param,
                    },
                    description,
                ),
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "basic" => (SecurityKind::Basic, description),
                    "bearer" => (SecurityKind::Bearer, description),
                    other => {
                        self.degrade(
                            &pointer,
                            Degradation::Dropped,
                            format!(
                                "security scheme `{name}` uses the HTTP scheme `{other}`, which the runtime does not send (it sends basic and bearer): set its header with a request's `header` option"
                            ),
                        );
                        continue;
                    }
                },
                SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => {
                    self.degrade(
                        &pointer,
                        Degradation::Dropped,
                        format!(
                            "security scheme `{name}` is OAuth 2 / OpenID Connect: the client sends an access token obtained elsewhere as a bearer token (`bearer_token`); the flows are not implemented"
                        ),
                    );
                    (SecurityKind::Bearer, description)
                }
            };
            let (setter, _) = setters.claim(&setter_name(&name));
            out.push(SecuritySchemeDef {
                name: Name {
                    wire: name,
                    rust: setter,
                },
                kind,
                doc: doc.as_deref().map(doc_text),
            });
        }
        out.sort_by(|a, b| a.name.wire.cmp(&b.name.wire));
        out
    }

    /// The operation's effective security requirements: its own `security`, else the document's;
    /// each alternative's scheme names sorted. A requirement naming a scheme the document does not
    /// declare is kept (the call then fails at run time, saying which scheme it needs) and warned about.
    pub(super) fn security_requirements(
        &mut self,
        op: &openapiv3::Operation,
        pointer: &str,
    ) -> Vec<Vec<String>> {
        let (requirements, at) = match &op.security {
            Some(own) => (own.clone(), child(pointer, "security")),
            None => (
                self.doc.api.security.clone().unwrap_or_default(),
                "/security".to_owned(),
            ),
        };
        let declared: BTreeSet<String> = self
            .doc
            .api
            .components
            .as_ref()
            .map(|c| c.security_schemes.keys().cloned().collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for requirement in &requirements {
            let mut names: Vec<String> = requirement.keys().cloned().collect();
            names.sort();
            for name in &names {
                if !declared.contains(name) {
                    self.warn(
                        &at,
                        format!(
                            "the security requirement names `{name}`, which components.securitySchemes does not declare"
                        ),
                    );
                }
            }
            if !out.contains(&names) {
                out.push(names);
            }
        }
        out
    }
}

/// The snake-case name of the builder setter for the scheme `wire` (with several `apiKey` schemes):
/// the scheme's name, `<name>_key` where the runtime's client builder has a method of that name.
fn setter_name(wire: &str) -> String {
    let wanted = sanitize(wire, Case::Snake);
    let base = unraw(&wanted);
    if CLIENT_BUILDER_METHODS.contains(&base) {
        format!("{base}_key")
    } else {
        wanted
    }
}

#[cfg(test)]
mod tests {
    use super::setter_name;

    #[test]
    fn a_setter_does_not_shadow_a_builder_method() {
        assert_eq!(setter_name("PartnerKey"), "partner_key");
        assert_eq!(setter_name("api_key"), "api_key_key");
        assert_eq!(setter_name("timeout"), "timeout");
        assert_eq!(setter_name("build"), "build_key");
    }
}
