//! [`Request`] (what a generated operation builds), [`RequestOptions`] (per-call
//! overrides), [`Multipart`] bodies and [`encode_path_segment`].

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde::Serialize;

use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::telemetry::{RedactedPairs, RedactedPath};

/// One API call, as built by generated code, before it is sent with
/// [`Client::execute`](crate::Client::execute).
///
/// All methods take and return `self`. Problems found while building (a body that fails to
/// serialize, an invalid header) are kept and returned by `execute` as an
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error; building never panics.
///
/// ```
/// use oapi_runtime::{encode_path_segment, Method, Request};
/// let account = "acct:test:ABC123";
/// let req = Request::new(
///     "listStores",
///     Method::GET,
///     format!("/v2/accounts/{}/stores", encode_path_segment(account)),
/// )
/// .query("size", "50".to_owned());
/// assert_eq!(req.path(), "/v2/accounts/acct:test:ABC123/stores");
/// ```
pub struct Request {
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// Indices into `path.split('/')` of the segments that hold a sensitive value.
    pub(crate) sensitive_path: &'static [usize],
    pub(crate) query: Vec<(std::borrow::Cow<'static, str>, String)>,
    /// Header parameters: name, value, and whether the value is sensitive.
    pub(crate) headers: Vec<(&'static str, String, bool)>,
    pub(crate) body: Body,
    pub(crate) idempotent: bool,
    /// The operation's security requirements (see [`Request::security`]); `None` sends every
    /// credential the client has.
    pub(crate) security: Option<&'static [&'static [&'static str]]>,
    pub(crate) options: RequestOptions,
    pub(crate) build_error: Option<Error>,
}

#[derive(Clone)]
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Bytes { content_type: String, data: Bytes },
    Multipart(Multipart),
}

impl Body {
    fn describe(&self) -> String {
        match self {
            Body::Empty => "empty".to_owned(),
            Body::Json(b) => format!("json ({} bytes)", b.len()),
            Body::Bytes { content_type, data } => format!("{content_type} ({} bytes)", data.len()),
            Body::Multipart(m) => format!("multipart ({} parts)", m.parts.len()),
        }
    }
}

impl Request {
    /// Starts a request. `path` starts with `/` and has its path parameters already
    /// substituted (each encoded with [`encode_path_segment`]).
    pub fn new(operation_id: &'static str, method: Method, path: String) -> Self {
        Request {
            operation_id,
            method,
            path,
            sensitive_path: &[],
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            idempotent: false,
            security: None,
            options: RequestOptions::default(),
            build_error: None,
        }
    }

    /// Adds a query parameter. A name may repeat (exploded arrays). Values are
    /// percent-encoded when the URL is built.
    pub fn query(mut self, name: &'static str, value: String) -> Self {
        self.query.push((std::borrow::Cow::Borrowed(name), value));
        self
    }

    /// Adds a header parameter (e.g. `X-Customer-Token`). An invalid name or value
    /// makes `execute` fail with an invalid-request error. Values of token headers are
    /// marked sensitive and never logged.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value, false));
        self
    }

    /// Adds a header parameter whose value is sensitive (a token, a secret), whatever its
    /// name: its value is marked sensitive on the wire request and never shown by `Debug`.
    /// Generated code uses it for headers the API document marks sensitive.
    pub fn sensitive_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value, true));
        self
    }

    /// Marks segments of the path as sensitive (a token or secret as a path parameter): the
    /// `api.request` span, `Debug` and error messages show them as `<redacted>`. Each entry
    /// is an index into `path.split('/')` (`0` is the empty text before the leading `/`);
    /// parameters encoded with [`encode_path_segment`] never contain a `/`, so the index of a
    /// parameter's segment is known from the path template. Generated code sets this for path
    /// parameters the API document marks sensitive.
    ///
    /// ```
    /// use oapi_runtime::{Method, Request};
    /// let req = Request::new("readToken", Method::GET, "/v2/tokens/tok_SECRET/status".to_owned())
    ///     .sensitive_path_segments(&[3]);
    /// assert!(!format!("{req:?}").contains("tok_SECRET"));
    /// assert_eq!(req.path(), "/v2/tokens/tok_SECRET/status");
    /// ```
    pub fn sensitive_path_segments(mut self, segments: &'static [usize]) -> Self {
        self.sensitive_path = segments;
        self
    }

    /// Serializes `body` as the JSON request body now. A serialization failure is kept and
    /// returned by `execute`.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Body::Json(Bytes::from(bytes)),
            Err(e) => {
                if self.build_error.is_none() {
                    self.build_error = Some(
                        Error::invalid_request("request body could not be serialized as JSON")
                            .with_source(e),
                    );
                }
            }
        }
        self
    }

    /// Adds a `deepObject` query parameter: `value` is flattened under `name` (`name[key]=...`); a value
    /// that cannot be serialized makes `execute` fail with an invalid-request error.
    pub fn query_object<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => {
                let mut pairs = Vec::new();
                crate::form::flatten(name, &v, &mut pairs);
                self.query.extend(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (std::borrow::Cow::Owned(k), v)),
                );
            }
            Err(e) => {
                if self.build_error.is_none() {
                    self.build_error = Some(Error::invalid_request(format!(
                        "query parameter `{name}` cannot be serialized: {e}"
                    )));
                }
            }
        }
        self
    }

    /// Uses an `application/x-www-form-urlencoded` body: `body` is serialized to JSON and flattened
    /// (`a[b]=c`, `list[0]=x`); a body that cannot be serialized makes `execute` fail with an
    /// invalid-request error.
    pub fn form<T: Serialize + ?Sized>(self, body: &T) -> Self {
        match serde_json::to_value(body) {
            Ok(v) => {
                let mut pairs = Vec::new();
                crate::form::flatten("", &v, &mut pairs);
                self.bytes(
                    "application/x-www-form-urlencoded",
                    crate::form::encode(&pairs),
                )
            }
            Err(e) => {
                let mut this = self;
                if this.build_error.is_none() {
                    this.build_error = Some(Error::invalid_request(format!(
                        "the form body cannot be serialized: {e}"
                    )));
                }
                this
            }
        }
    }

    /// Sets the media type the operation answers with (`Accept`), for operations whose response is not
    /// JSON (CSV reports, file downloads). JSON is the default.
    pub fn accept(self, media_type: &'static str) -> Self {
        self.header("Accept", media_type.to_owned())
    }

    /// Uses raw bytes as the body, with the given content type.
    pub fn bytes(mut self, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        self.body = Body::Bytes {
            content_type: content_type.into(),
            data: body.into(),
        };
        self
    }

    /// Uses a `multipart/form-data` body (file uploads).
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Marks an operation that takes an idempotency key. When the client names an idempotency
    /// header ([`ClientBuilder::idempotency_key_header`](crate::ClientBuilder::idempotency_key_header)),
    /// the runtime sends one key per logical call under it, the same on every retry (the
    /// caller's own key from [`RequestOptions::set_idempotency_key`] if set, else a fresh
    /// UUID), and the request becomes retryable. Without such a header nothing is sent.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// The operation's security requirements, as the API document gives them (the operation's
    /// own `security`, else the document's): alternatives, each the names of the schemes sent
    /// together. The first alternative the client has every credential for is sent; an empty
    /// list sends no credentials; when no alternative can be met the call fails before it is
    /// sent. Without this call the request carries every credential the client has.
    ///
    /// ```
    /// use oapi_runtime::{Method, Request};
    /// // `bearerAuth`, or else both `appId` and `appKey`.
    /// let req = Request::new("listPets", Method::GET, "/pets".to_owned())
    ///     .security(&[&["bearerAuth"], &["appId", "appKey"]]);
    /// # let _ = req;
    /// ```
    pub fn security(mut self, requirements: &'static [&'static [&'static str]]) -> Self {
        self.security = Some(requirements);
        self
    }

    /// Applies per-request options (replacing any set before).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The operation id given to [`Request::new`].
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path (without base URL and query).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The per-request options.
    pub fn request_options(&self) -> &RequestOptions {
        &self.options
    }

    /// Whether [`Request::idempotent`] was called.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &RedactedPath::new(&self.path, self.sensitive_path))
            .field("query", &self.query)
            .field("headers", &RedactedHeaderParams(&self.headers))
            .field("body", &self.body.describe())
            .field("idempotent", &self.idempotent)
            .field("security", &self.security)
            .field("options", &self.options)
            .field(
                "build_error",
                &self.build_error.as_ref().map(|e| e.to_string()),
            )
            .finish()
    }
}

/// `Debug` of the header parameters: sensitive values (marked, or by name) redacted.
struct RedactedHeaderParams<'a>(&'a [(&'static str, String, bool)]);

impl fmt::Debug for RedactedHeaderParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, value, sensitive) in self.0 {
            if *sensitive || crate::telemetry::is_sensitive_header(name) {
                m.entry(name, &crate::telemetry::REDACTED);
            } else {
                m.entry(name, value);
            }
        }
        m.finish()
    }
}

/// Per-request overrides of the client's settings.
///
/// Setters take `&mut self` and return `&mut Self`, so generated builders can forward to
/// them; getters return what was set.
#[derive(Clone, Default)]
pub struct RequestOptions {
    idempotency_key: Option<String>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
    correlation_id: Option<String>,
    headers: Vec<(String, String)>,
}

impl RequestOptions {
    /// Empty options (everything from the client).
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this idempotency key (1 to 255 characters) instead of a generated one. Reuse the
    /// same key to safely repeat a call. Setting a key also makes a POST/PATCH retryable. A
    /// client without an idempotency header refuses a call that sets one.
    pub fn set_idempotency_key(&mut self, key: impl Into<String>) -> &mut Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Total time for the call, across all attempts and backoff.
    pub fn set_timeout(&mut self, total: Duration) -> &mut Self {
        self.timeout = Some(total);
        self
    }

    /// Time for a single attempt (sending the request and reading the whole response).
    pub fn set_attempt_timeout(&mut self, attempt: Duration) -> &mut Self {
        self.attempt_timeout = Some(attempt);
        self
    }

    /// Retry policy for this call.
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) -> &mut Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The correlation id for this call (1 to 255 ASCII letters and digits), sent under the
    /// client's correlation header. A client without one refuses a call that sets it.
    pub fn set_correlation_id(&mut self, id: impl Into<String>) -> &mut Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Adds an extra header. It replaces a header of the same name set by the runtime or
    /// by generated code.
    pub fn set_header(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The idempotency key set with [`set_idempotency_key`](Self::set_idempotency_key).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The total timeout override.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The attempt timeout override.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The retry policy override.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry_policy.as_ref()
    }

    /// The correlation id override.
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// Extra headers, in the order they were set.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("idempotency_key", &self.idempotency_key)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("correlation_id", &self.correlation_id)
            .field("headers", &RedactedPairs(&self.headers))
            .finish()
    }
}

/// A `multipart/form-data` body: text fields and files.
///
/// Parts are kept as [`Bytes`], so a retried request resends the same data without copying.
///
/// ```
/// use oapi_runtime::Multipart;
/// let form = Multipart::new()
///     .text("description", "evidence")
///     .file("file", "receipt.pdf", "application/pdf", b"%PDF-1.7 ...".to_vec());
/// assert_eq!(form.len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    pub(crate) parts: Vec<Part>,
}

#[derive(Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) data: Bytes,
    pub(crate) filename: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: Bytes::from(value.into()),
            filename: None,
            content_type: None,
        });
        self
    }

    /// Adds a file field with its file name and content type (e.g. `application/pdf`).
    /// An invalid content type makes `execute` fail with an invalid-request error.
    pub fn file(
        mut self,
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: data.into(),
            filename: Some(filename.into()),
            content_type: Some(content_type.into()),
        });
        self
    }

    /// Number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// `true` when the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for p in &self.parts {
            let mut part = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(p.data.clone()),
                p.data.len() as u64,
            );
            if let Some(f) = &p.filename {
                part = part.file_name(f.clone());
            }
            if let Some(ct) = &p.content_type {
                part = part.mime_str(ct).map_err(|e| {
                    Error::invalid_request(format!(
                        "invalid content type for multipart part '{}'",
                        p.name
                    ))
                    .with_source(e)
                })?;
            }
            form = form.part(p.name.clone(), part);
        }
        Ok(form)
    }
}

/// Percent-encodes one path segment.
///
/// Everything is encoded except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// sub-delims (`! $ & ' ( ) * + , ; =`), `:` and `@`, so ids such as URNs stay readable. The
/// dot segments `.` and `..` are encoded too (and `execute` refuses paths that still
/// contain a dot segment), so an id can never move the request to another endpoint.
///
/// ```
/// use oapi_runtime::encode_path_segment;
/// assert_eq!(encode_path_segment("urn:example:account:X"), "urn:example:account:X");
/// assert_eq!(encode_path_segment("a/b?c#d e%"), "a%2Fb%3Fc%23d%20e%25");
/// assert_eq!(encode_path_segment(".."), "%2E%2E");
/// ```
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_path_segment(&mut out, value);
    out
}

/// Builds a request path from its literal pieces and its parameters, encoding each parameter
/// as [`encode_path_segment`] does, into one allocation. `pieces` has one more entry than
/// `segments`: `pieces[0] segments[0] pieces[1] ... segments[n-1] pieces[n]`. Generated code
/// calls this for every operation with path parameters.
///
/// ```
/// use oapi_runtime::expand_path;
/// assert_eq!(
///     expand_path(&["/v2/accounts/", "/stores/", ""], &["urn:a:b", "s 1"]),
///     "/v2/accounts/urn:a:b/stores/s%201"
/// );
/// ```
pub fn expand_path(pieces: &[&str], segments: &[&str]) -> String {
    let capacity = pieces.iter().chain(segments).map(|p| p.len()).sum();
    let mut out = String::with_capacity(capacity);
    let mut pieces = pieces.iter();
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for (segment, piece) in segments.iter().zip(pieces) {
        push_path_segment(&mut out, segment);
        out.push_str(piece);
    }
    out
}

/// Appends `value` to `out`, percent-encoded as one path segment.
fn push_path_segment(out: &mut String, value: &str) {
    if value == "." || value == ".." {
        out.push_str(if value == "." { "%2E" } else { "%2E%2E" });
        return;
    }
    // Usually (URNs, plain ids) nothing needs encoding: one scan and one copy.
    let Some(first) = value.bytes().position(|b| !keep_in_path_segment(b)) else {
        out.push_str(value);
        return;
    };
    out.reserve(value.len() - first + 16);
    out.push_str(&value[..first]);
    for &b in &value.as_bytes()[first..] {
        if keep_in_path_segment(b) {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
}

/// RFC 3986 unreserved characters, sub-delims, `:` and `@`: kept as they are by
/// [`encode_path_segment`].
#[inline]
pub(crate) fn keep_in_path_segment(b: u8) -> bool {
    KEEP_IN_PATH_SEGMENT[usize::from(b)]
}

/// [`keep_in_path_segment`] as a table, built at compile time.
static KEEP_IN_PATH_SEGMENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        b += 1;
    }
    t
};

/// Whether `path` contains a `.` or `..` segment (also percent-encoded), which URL parsing
/// would collapse.
pub(crate) fn has_dot_segment(path: &str) -> bool {
    let b = path.as_bytes();
    // The usual path (ids without dots or escapes) needs no segment-by-segment look.
    (b.contains(&b'.') || b.contains(&b'%')) && path.split('/').any(is_dot_segment)
}

/// Whether `seg` is `.` or `..`, each dot possibly written `%2E`/`%2e`. Allocation-free: it
/// runs on every request.
fn is_dot_segment(seg: &str) -> bool {
    let b = seg.as_bytes();
    let (mut i, mut dots) = (0, 0);
    while i < b.len() {
        if b[i] == b'.' {
            i += 1;
        } else if b[i] == b'%'
            && b.get(i + 1) == Some(&b'2')
            && matches!(b.get(i + 2), Some(b'e' | b'E'))
        {
            i += 3;
        } else {
            return false;
        }
        dots += 1;
        if dots > 2 {
            return false;
        }
    }
    dots > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments() {
        assert_eq!(encode_path_segment("abc-._~XYZ09"), "abc-._~XYZ09");
        assert_eq!(encode_path_segment("!$&'()*+,;=:@"), "!$&'()*+,;=:@");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment(""), "");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(encode_path_segment("a.b"), "a.b");
        assert!(has_dot_segment("/v2/a/%2E%2E/b"));
        assert!(has_dot_segment("/v2/./b"));
        assert!(has_dot_segment("/v2/.%2e"));
        assert!(!has_dot_segment("/v2/a.b/..c"));
        assert!(has_dot_segment("/v2/%2e%2E/b"));
        assert!(has_dot_segment(".."));
        assert!(!has_dot_segment("/v2/.../b"));
        assert!(!has_dot_segment("/v2/%2e%2e%2e"));
        assert!(!has_dot_segment("/v2/%2"));
        assert!(!has_dot_segment("/v2/%2f"));
        assert!(!has_dot_segment("/v2/%%2e2e"));
        assert!(!has_dot_segment("/v2//b/"));
    }

    /// The fast path (nothing to encode) and the slow path agree with a plain per-byte
    /// encoder, for every ASCII character in several positions.
    #[test]
    fn path_segment_encoding_matches_the_per_byte_rule() {
        fn reference(v: &str) -> String {
            v.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        }
        for c in (0u8..128).map(char::from) {
            for v in [
                format!("{c}"),
                format!("ab{c}"),
                format!("{c}cd"),
                format!("a{c}b{c}"),
            ] {
                if v == "." {
                    continue;
                }
                assert_eq!(encode_path_segment(&v), reference(&v), "{v:?}");
            }
        }
        assert_eq!(encode_path_segment("urn:a/é b"), reference("urn:a/é b"));
    }

    #[test]
    fn json_failure_is_deferred() {
        let mut m = std::collections::HashMap::new();
        m.insert(vec![1u8], 1);
        let r = Request::new("op", Method::POST, "/v2/x".into()).json(&m);
        assert!(r.build_error.is_some());
    }

    #[test]
    fn debug_redacts_token_headers() {
        let mut o = RequestOptions::new();
        o.set_header("X-Network-Session-Token", "sekrit-session");
        let r = Request::new("op", Method::GET, "/v2/x".into())
            .header("X-Customer-Token", "sekrit-customer".into())
            .json(&serde_json::json!({"card": "sekrit-body"}))
            .options(o);
        let d = format!("{r:?}");
        assert!(!d.contains("sekrit"), "{d}");
        assert!(d.contains("X-Customer-Token"));
    }

    #[test]
    fn debug_redacts_marked_headers_and_path_segments() {
        let r = Request::new("op", Method::GET, "/v2/things/sekrit-path/x".into())
            .sensitive_path_segments(&[3])
            .sensitive_header("X-Plain-Name", "sekrit-header".into())
            .header("X-Visible", "shown".into());
        let d = format!("{r:?}");
        assert!(!d.contains("sekrit"), "{d}");
        assert!(d.contains("/v2/things/<redacted>/x"), "{d}");
        assert!(d.contains("shown"), "{d}");
        assert_eq!(r.path(), "/v2/things/sekrit-path/x");
    }
}
