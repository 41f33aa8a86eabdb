//! What is sent: the URL, the client's managed headers (user agent, default headers,
//! correlation id, idempotency key), the credentials the operation asks for, and the request's
//! own headers. The transport below sends the result, the same on every attempt.

use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use std::sync::Arc;

use crate::auth::Auth;
use crate::error::Error;
use crate::idempotency;
use crate::request::{Body, Request, has_dot_segment, keep_in_path_segment};
use crate::telemetry::{RedactedPath, is_sensitive_header};
use crate::transport::{Prepared, Transport};

/// The headers and credentials a client adds to every call.
pub(crate) struct Managed {
    /// `None` when no product token was configured: no `User-Agent` is sent.
    pub(crate) user_agent: Option<HeaderValue>,
    /// Sent on every call, before the request's own headers (which replace them).
    pub(crate) default_headers: Vec<(HeaderName, HeaderValue)>,
    /// The header a correlation id is sent under, when the API has one.
    pub(crate) correlation_header: Option<HeaderName>,
    /// The header an idempotency key is sent under, when the API has one.
    pub(crate) idempotency_header: Option<HeaderName>,
    pub(crate) auth: Auth,
    /// The API layer's check of every request before it is sent ([`RequestCheck`]).
    pub(crate) request_check: Option<RequestCheck>,
}

/// What an API layer's [`RequestCheck`] sees of a request before it is sent.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestFacts<'a> {
    /// The operation id the request was built for (`""` when it was built without one).
    pub operation_id: &'a str,
    /// The client's base URL, where the request goes.
    pub base_url: &'a str,
    /// The JSON body as it will be sent, when the request has one.
    pub json_body: Option<&'a [u8]>,
}

/// A rule an API layer applies to every request before anything is sent (for example a vendor's
/// rule about which URLs a field may hold); an `Err` fails the call without sending it. Set with
/// [`ClientBuilder::request_check`](crate::ClientBuilder::request_check).
pub type RequestCheck = Arc<dyn Fn(&RequestFacts<'_>) -> Result<(), Error> + Send + Sync>;

/// A fresh correlation id: a UUIDv4 without hyphens (ASCII letters and digits only).
///
/// Its random bits come from `fastrand`'s thread-local generator (seeded once per thread from
/// std's OS-seeded hasher keys), not from the OS: a correlation id has to be unique, not
/// unpredictable, and this way a call costs no `getrandom` system call for it.
pub(crate) fn new_correlation_id() -> String {
    let id = uuid::Builder::from_random_bytes(fastrand::u128(..).to_ne_bytes()).into_uuid();
    let mut buf = [0u8; uuid::fmt::Simple::LENGTH];
    id.simple().encode_lower(&mut buf).to_owned()
}

fn valid_correlation_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Bytes a path may hold for [`request_url`] to take the fast way: RFC 3986 `pchar`s (what
/// `encode_path_segment` leaves as they are, plus its `%` escapes) and `/`, which the URL parser
/// keeps as they are wherever the path appears.
fn plain_path_byte(b: u8) -> bool {
    b == b'/' || b == b'%' || keep_in_path_segment(b)
}

/// The base URL joined with `path` (which starts with `/`): the same URL as parsing
/// `base_url + path`, but for the usual path (no `?`, `#`, spaces or non-ASCII) only the path is
/// parsed; the base URL (scheme, host, port) was parsed once when the client was built.
fn request_url(
    client: &Transport,
    path: &str,
    sensitive: &'static [usize],
) -> Result<reqwest::Url, Error> {
    if path.bytes().all(plain_path_byte) {
        let mut url = client.base.clone();
        match client.base.path() {
            "/" => url.set_path(path),
            base_path => url.set_path(&format!("{base_path}{path}")),
        }
        return Ok(url);
    }
    reqwest::Url::parse(&format!("{}{}", client.base_url, path)).map_err(|e| {
        Error::invalid_request(format!(
            "invalid request path '{}'",
            RedactedPath::new(path, sensitive)
        ))
        .with_source(e)
    })
}

/// Turns a request into what the transport sends.
pub(crate) fn prepare(
    managed: &Managed,
    client: &Transport,
    request: Request,
) -> Result<Prepared, Error> {
    let Request {
        operation_id,
        method,
        path,
        sensitive_path,
        mut query,
        headers: typed_headers,
        body,
        idempotent,
        security,
        options,
        build_error,
    } = request;
    if let Some(e) = build_error {
        return Err(e);
    }
    if let Some(check) = &managed.request_check {
        let json_body = match &body {
            Body::Json(bytes) => Some(bytes.as_ref()),
            _ => None,
        };
        check(&RequestFacts {
            operation_id,
            base_url: &client.base_url,
            json_body,
        })?;
    }
    if !path.starts_with('/') {
        return Err(Error::invalid_request(format!(
            "path '{}' must start with '/'",
            RedactedPath::new(&path, sensitive_path)
        )));
    }
    if has_dot_segment(&path) {
        return Err(Error::invalid_request(
            "path contains a '.' or '..' segment; encode path parameters with encode_path_segment",
        ));
    }

    // Sized once for the runtime's own headers and the extra ones.
    let mut headers = HeaderMap::with_capacity(
        7 + managed.default_headers.len() + typed_headers.len() + options.headers().len(),
    );
    if let Some(ua) = &managed.user_agent {
        headers.insert(USER_AGENT, ua.clone());
    }
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in &managed.default_headers {
        headers.insert(name.clone(), value.clone());
    }
    managed.auth.apply(security, &mut headers, &mut query)?;

    let mut url = request_url(client, &path, sensitive_path)?;
    if !query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    }
    match &body {
        Body::Json(_) => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Body::Bytes { content_type, .. } => {
            let v = HeaderValue::from_str(content_type)
                .map_err(|_| Error::invalid_request("invalid body content type"))?;
            headers.insert(CONTENT_TYPE, v);
        }
        Body::Empty | Body::Multipart(_) => {}
    }

    let correlation_id = match (&managed.correlation_header, options.correlation_id()) {
        (None, Some(_)) => {
            return Err(Error::invalid_request(
                "a correlation id was set, but this API names no correlation header",
            ));
        }
        (None, None) => None,
        (Some(_), Some(id)) if !valid_correlation_id(id) => {
            return Err(Error::invalid_request(
                "correlation id must be 1 to 255 ASCII letters or digits",
            ));
        }
        (Some(_), Some(id)) => Some(id.to_owned()),
        (Some(_), None) => Some(new_correlation_id()),
    };
    if let (Some(name), Some(id)) = (&managed.correlation_header, &correlation_id) {
        headers.insert(
            name.clone(),
            HeaderValue::from_str(id)
                .map_err(|_| Error::invalid_request("invalid correlation id"))?,
        );
    }

    let idempotency_key = idempotency::choose(
        options.idempotency_key(),
        idempotent,
        managed.idempotency_header.is_some(),
    )?;
    if let (Some(name), Some(key)) = (&managed.idempotency_header, &idempotency_key) {
        let v = HeaderValue::from_str(key).map_err(|_| {
            Error::invalid_request("idempotency key contains characters not allowed in a header")
        })?;
        headers.insert(name.clone(), v);
    }

    let extra = typed_headers
        .iter()
        .map(|(n, v, sensitive)| (*n, v.as_str(), *sensitive))
        .chain(
            options
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str(), false)),
        );
    for (name, value, sensitive) in extra {
        let hn = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_request(format!("invalid header name '{name}'")))?;
        let mut hv = HeaderValue::from_str(value)
            .map_err(|_| Error::invalid_request(format!("invalid value for header '{name}'")))?;
        if sensitive || is_sensitive_header(name) {
            hv.set_sensitive(true);
        }
        headers.insert(hn, hv);
    }

    let retry_safe = match method {
        Method::GET
        | Method::HEAD
        | Method::OPTIONS
        | Method::PUT
        | Method::DELETE
        | Method::TRACE => true,
        _ => idempotency_key.is_some(),
    };

    Ok(Prepared {
        method,
        url,
        headers,
        body,
        retry_safe,
        policy: options
            .retry_policy()
            .cloned()
            .unwrap_or_else(|| client.retry_policy.clone()),
        attempt_timeout: options.attempt_timeout().unwrap_or(client.attempt_timeout),
        total_timeout: options.timeout().unwrap_or(client.total_timeout),
        correlation_id,
        idempotency_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast way (base URL parsed once, path set) gives the URL that parsing the whole
    /// string gives, with and without a path in the base URL.
    #[test]
    fn request_url_matches_parsing_the_joined_string() {
        for base in [
            "http://127.0.0.1:8080",
            "https://api.example.com/",
            "https://user:pw@example.com:8443/prefix/",
            "http://example.com/a%20b/c",
        ] {
            let client: crate::Client = crate::Client::builder()
                .base_url(base)
                .allow_insecure_http()
                .build()
                .unwrap();
            let c = &client.inner.transport;
            for path in [
                "/v2/notification/webhooks/urn:example:notification:webhook:1",
                "/v2/accounts/a%2Fb/stores",
                "/",
                "//double/slash",
                "/v2/x?size=5",
                "/v2/with space/é",
                "/v2/tab\there#frag",
                "/v2/back\\slash",
                "/v2/!$&'()*+,;=:@-._~",
            ] {
                let slow = reqwest::Url::parse(&format!("{}{}", c.base_url, path)).unwrap();
                let fast = request_url(c, path, &[]).unwrap();
                assert_eq!(fast, slow, "{base} + {path}");
                assert_eq!(fast.as_str(), slow.as_str(), "{base} + {path}");
            }
        }
    }

    #[test]
    fn generated_correlation_ids_are_well_formed() {
        let a = new_correlation_id();
        let b = new_correlation_id();
        assert_ne!(a, b);
        assert!(valid_correlation_id(&a), "{a}");
        let id = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(id.get_version_num(), 4);
    }
}
