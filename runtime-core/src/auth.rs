//! Authentication as the API document declares it: its `securitySchemes` ([`SecurityScheme`]),
//! the caller's credentials for them ([`Credential`]), and which of them a call sends.
//!
//! Supported schemes: HTTP `basic` (`Authorization: Basic base64(user:password)`), HTTP `bearer`
//! (`Authorization: Bearer <token>`), and `apiKey` in a header, a query parameter or a cookie.
//! Generated code declares the document's schemes on the client builder and tells each request
//! which of them it accepts ([`Request::security`](crate::Request::security)): a list of
//! alternatives, each a set of schemes sent together. An operation's own `security` replaces the
//! document's; an empty list means the operation sends no credentials. The first alternative
//! whose schemes all have credentials is sent; a request without a `security` list sends every
//! credential the client has.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;
use crate::telemetry::REDACTED;

/// Where an `apiKey` scheme's key goes.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The kind of a security scheme.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemeKind {
    /// HTTP basic: a user name and a password.
    Basic,
    /// HTTP bearer: a token.
    Bearer,
    /// An API key under the given name, in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
}

/// One entry of the document's `securitySchemes`: its name there and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecurityScheme {
    /// The scheme's name in the document (the key requirements refer to it by).
    pub name: &'static str,
    /// What the scheme sends.
    pub kind: SchemeKind,
}

impl SecurityScheme {
    /// An HTTP `basic` scheme.
    pub const fn basic(name: &'static str) -> Self {
        SecurityScheme {
            name,
            kind: SchemeKind::Basic,
        }
    }

    /// An HTTP `bearer` scheme.
    pub const fn bearer(name: &'static str) -> Self {
        SecurityScheme {
            name,
            kind: SchemeKind::Bearer,
        }
    }

    /// An `apiKey` scheme sending the key as `parameter` in `location`.
    pub const fn api_key(
        name: &'static str,
        location: ApiKeyLocation,
        parameter: &'static str,
    ) -> Self {
        SecurityScheme {
            name,
            kind: SchemeKind::ApiKey {
                location,
                name: parameter,
            },
        }
    }
}

/// A credential for one scheme. `Debug` never shows the secret.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// For an HTTP `basic` scheme.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// For an HTTP `bearer` scheme: the token.
    Bearer(String),
    /// For an `apiKey` scheme: the key, sent as it is.
    ApiKey(String),
}

impl Credential {
    fn fits(&self, kind: &SchemeKind) -> bool {
        matches!(
            (self, kind),
            (Credential::Basic { .. }, SchemeKind::Basic)
                | (Credential::Bearer(_), SchemeKind::Bearer)
                | (Credential::ApiKey(_), SchemeKind::ApiKey { .. })
        )
    }

    fn kind_name(&self) -> &'static str {
        match self {
            Credential::Basic { .. } => "HTTP basic",
            Credential::Bearer(_) => "HTTP bearer",
            Credential::ApiKey(_) => "apiKey",
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &REDACTED)
                .finish(),
            Credential::Bearer(_) => f.debug_tuple("Bearer").field(&REDACTED).finish(),
            Credential::ApiKey(_) => f.debug_tuple("ApiKey").field(&REDACTED).finish(),
        }
    }
}

/// Which scheme(s) a credential given to the builder is for.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// The scheme of this name.
    Named(Cow<'static, str>),
    /// Every scheme of the credential's kind (`bearer_token`, `basic_auth`); for an API key, the
    /// one `apiKey` scheme.
    OfKind,
}

/// A credential turned into what goes on the wire.
enum Applied {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(String),
}

/// The client's credentials, checked against the declared schemes and ready to send.
pub(crate) struct Auth {
    applied: Vec<(&'static str, Applied)>,
}

impl Auth {
    /// Matches each credential with its scheme(s) and encodes it. Fails with a configuration
    /// error naming the setter when a credential fits no declared scheme, or several.
    pub(crate) fn new(
        schemes: &[SecurityScheme],
        credentials: Vec<(Target, Credential)>,
    ) -> Result<Auth, Error> {
        let mut applied: Vec<(&'static str, Applied)> = Vec::new();
        for (target, credential) in credentials {
            let matching: Vec<&SecurityScheme> = match &target {
                Target::Named(name) => {
                    let scheme = schemes.iter().find(|s| s.name == name).ok_or_else(|| {
                        Error::config(format!(
                            "a credential was set for the security scheme `{name}`, which the API does not declare{}",
                            declared(schemes)
                        ))
                    })?;
                    if !credential.fits(&scheme.kind) {
                        return Err(Error::config(format!(
                            "the security scheme `{name}` does not take an {} credential",
                            credential.kind_name()
                        )));
                    }
                    vec![scheme]
                }
                Target::OfKind => {
                    let of_kind: Vec<_> = schemes
                        .iter()
                        .filter(|s| credential.fits(&s.kind))
                        .collect();
                    let setter = match credential {
                        Credential::Basic { .. } => "basic_auth",
                        Credential::Bearer(_) => "bearer_token",
                        Credential::ApiKey(_) => "api_key",
                    };
                    if of_kind.is_empty() {
                        return Err(Error::config(format!(
                            "{setter} was set, but the API declares no {} security scheme{}",
                            credential.kind_name(),
                            declared(schemes)
                        )));
                    }
                    if matches!(credential, Credential::ApiKey(_)) && of_kind.len() > 1 {
                        let names: Vec<_> = of_kind.iter().map(|s| s.name).collect();
                        return Err(Error::config(format!(
                            "api_key was set, but the API declares several apiKey schemes ({}); set the key of each by its scheme's name",
                            names.join(", ")
                        )));
                    }
                    of_kind
                }
            };
            for scheme in matching {
                let encoded = encode(scheme, &credential)?;
                applied.retain(|(name, _)| *name != scheme.name);
                applied.push((scheme.name, encoded));
            }
        }
        Ok(Auth { applied })
    }

    /// The names of the schemes the client has credentials for.
    pub(crate) fn scheme_names(&self) -> Vec<&'static str> {
        self.applied.iter().map(|(n, _)| *n).collect()
    }

    /// Adds the credentials `security` asks for to `headers` and `query`. `None` sends every
    /// credential the client has; an empty list sends none; otherwise the first alternative
    /// whose schemes all have credentials is sent, and a call none of whose alternatives the
    /// client can satisfy fails before it is sent.
    pub(crate) fn apply(
        &self,
        security: Option<&[&[&str]]>,
        headers: &mut HeaderMap,
        query: &mut Vec<(Cow<'static, str>, String)>,
    ) -> Result<(), Error> {
        let find = |name: &str| self.applied.iter().find(|(n, _)| *n == name);
        let chosen: Vec<&(&'static str, Applied)> = match security {
            None => self.applied.iter().collect(),
            Some([]) => Vec::new(),
            Some(alternatives) => {
                let satisfied = alternatives
                    .iter()
                    .find(|alt| alt.iter().all(|name| find(name).is_some()));
                match satisfied {
                    Some(alt) => alt.iter().filter_map(|name| find(name)).collect(),
                    None => {
                        let wanted: Vec<String> =
                            alternatives.iter().map(|alt| alt.join(" + ")).collect();
                        return Err(Error::invalid_request(format!(
                            "the operation needs credentials for {}; set them on the client builder",
                            wanted.join(" or ")
                        )));
                    }
                }
            }
        };
        let mut cookies: Vec<&str> = Vec::new();
        for (_, applied) in chosen {
            match applied {
                Applied::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Applied::Query(name, value) => query.push((Cow::Borrowed(*name), value.clone())),
                Applied::Cookie(pair) => cookies.push(pair),
            }
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| Error::invalid_request("invalid cookie credential"))?;
            value.set_sensitive(true);
            headers.insert(COOKIE, value);
        }
        Ok(())
    }
}

/// `" (it declares a, b)"`, or `" (it declares none)"`.
fn declared(schemes: &[SecurityScheme]) -> String {
    if schemes.is_empty() {
        " (it declares none)".to_owned()
    } else {
        let names: Vec<_> = schemes.iter().map(|s| s.name).collect();
        format!(" (it declares {})", names.join(", "))
    }
}

fn sensitive_value(scheme: &str, text: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(text).map_err(|_| {
        Error::config(format!(
            "the credential for the security scheme `{scheme}` contains characters not allowed in an HTTP header"
        ))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

fn encode(scheme: &SecurityScheme, credential: &Credential) -> Result<Applied, Error> {
    let name = scheme.name;
    let blank = |s: &str| s.trim().is_empty();
    Ok(match (credential, &scheme.kind) {
        (Credential::Basic { user, password }, SchemeKind::Basic) => {
            let pair = format!("{user}:{password}");
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            Applied::Header(
                AUTHORIZATION,
                sensitive_value(name, &format!("Basic {encoded}"))?,
            )
        }
        (Credential::Bearer(token), SchemeKind::Bearer) => {
            if blank(token) {
                return Err(Error::config(format!(
                    "the bearer token for the security scheme `{name}` is empty"
                )));
            }
            Applied::Header(
                AUTHORIZATION,
                sensitive_value(name, &format!("Bearer {}", token.trim()))?,
            )
        }
        (
            Credential::ApiKey(key),
            SchemeKind::ApiKey {
                location,
                name: param,
            },
        ) => {
            if blank(key) {
                return Err(Error::config(format!(
                    "the API key for the security scheme `{name}` is empty"
                )));
            }
            let key = key.trim();
            match location {
                ApiKeyLocation::Header => {
                    let header = HeaderName::from_bytes(param.as_bytes()).map_err(|_| {
                        Error::config(format!(
                            "the security scheme `{name}` names an invalid header `{param}`"
                        ))
                    })?;
                    Applied::Header(header, sensitive_value(name, key)?)
                }
                ApiKeyLocation::Query => Applied::Query(param, key.to_owned()),
                ApiKeyLocation::Cookie => {
                    let pair = format!("{param}={key}");
                    sensitive_value(name, &pair)?;
                    Applied::Cookie(pair)
                }
            }
        }
        _ => {
            return Err(Error::config(format!(
                "the security scheme `{name}` does not take an {} credential",
                credential.kind_name()
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMES: &[SecurityScheme] = &[
        SecurityScheme::bearer("bearerAuth"),
        SecurityScheme::basic("basicAuth"),
        SecurityScheme::api_key("headerKey", ApiKeyLocation::Header, "X-Api-Key"),
        SecurityScheme::api_key("queryKey", ApiKeyLocation::Query, "api_key"),
        SecurityScheme::api_key("cookieKey", ApiKeyLocation::Cookie, "session"),
    ];

    fn sent(auth: &Auth, security: Option<&[&[&str]]>) -> (HeaderMap, Vec<(String, String)>) {
        let mut headers = HeaderMap::new();
        let mut query = Vec::new();
        auth.apply(security, &mut headers, &mut query).unwrap();
        let query = query
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect();
        (headers, query)
    }

    #[test]
    fn each_scheme_is_encoded_as_declared() {
        let auth = Auth::new(
            SCHEMES,
            vec![
                (Target::OfKind, Credential::Bearer("tok".into())),
                (
                    Target::OfKind,
                    Credential::Basic {
                        user: "u".into(),
                        password: "p".into(),
                    },
                ),
                (
                    Target::Named("headerKey".into()),
                    Credential::ApiKey("hk".into()),
                ),
                (
                    Target::Named("queryKey".into()),
                    Credential::ApiKey("qk".into()),
                ),
                (
                    Target::Named("cookieKey".into()),
                    Credential::ApiKey("ck".into()),
                ),
            ],
        )
        .unwrap();
        let (h, q) = sent(&auth, Some(&[&["bearerAuth"]]));
        assert_eq!(h.len(), 1);
        assert_eq!(h[AUTHORIZATION], "Bearer tok");
        assert!(h[AUTHORIZATION].is_sensitive());
        assert!(q.is_empty());
        let (h, _) = sent(&auth, Some(&[&["basicAuth"]]));
        assert_eq!(h[AUTHORIZATION], "Basic dTpw");
        let (h, q) = sent(&auth, Some(&[&["headerKey", "queryKey", "cookieKey"]]));
        assert_eq!(h["x-api-key"], "hk");
        assert_eq!(h[COOKIE], "session=ck");
        assert_eq!(q, vec![("api_key".to_owned(), "qk".to_owned())]);
        // An empty list: nothing.
        let (h, q) = sent(&auth, Some(&[]));
        assert!(h.is_empty() && q.is_empty());
        // An empty alternative is satisfied without credentials.
        let (h, _) = sent(&auth, Some(&[&[]]));
        assert!(h.is_empty());
    }

    #[test]
    fn first_satisfied_alternative_wins_and_unsatisfiable_calls_fail() {
        let auth = Auth::new(
            SCHEMES,
            vec![(Target::OfKind, Credential::Bearer("tok".into()))],
        )
        .unwrap();
        let (h, _) = sent(&auth, Some(&[&["basicAuth"], &["bearerAuth"]]));
        assert_eq!(h[AUTHORIZATION], "Bearer tok");
        let mut headers = HeaderMap::new();
        let err = auth
            .apply(Some(&[&["basicAuth"]]), &mut headers, &mut Vec::new())
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("basicAuth"), "{err}");
    }

    #[test]
    fn credentials_must_fit_a_declared_scheme() {
        let only_bearer = &[SecurityScheme::bearer("b")];
        let err = Auth::new(
            only_bearer,
            vec![(Target::OfKind, Credential::ApiKey("k".into()))],
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("api_key was set"), "{err}");
        let err = Auth::new(
            SCHEMES,
            vec![(Target::OfKind, Credential::ApiKey("k".into()))],
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("several apiKey schemes"), "{err}");
        let err = Auth::new(
            SCHEMES,
            vec![(Target::Named("nope".into()), Credential::ApiKey("k".into()))],
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("`nope`"), "{err}");
        let err = Auth::new(
            SCHEMES,
            vec![(
                Target::Named("basicAuth".into()),
                Credential::Bearer("t".into()),
            )],
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("does not take"), "{err}");
        assert!(!format!("{:?}", Credential::Bearer("s3cret".into())).contains("s3cret"));
    }
}
