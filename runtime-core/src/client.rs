//! Configuration: [`Client`], [`ClientBuilder`] and the mTLS [`Identity`].
//!
//! The builder gathers what an API's layer (generated code, or a vendor's hand-written layer)
//! knows about it: where it lives, its security schemes and the caller's credentials, the
//! headers it manages (user agent, defaults, correlation id, idempotency key) and how its error
//! bodies read. The client hands requests to [`crate::headers`], which prepares them, and to
//! [`crate::transport`], which sends them.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::auth::{Auth, Credential, SecurityScheme, Target};
use crate::error::{Error, ErrorKind, ParseErrorBody};
use crate::headers::{self, Managed, RequestCheck, RequestFacts};
use crate::request::Request;
use crate::response::{RawResponse, StreamingResponse};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::telemetry::REDACTED;
use crate::time::{Clock, SharedClock, SharedSleep, Sleep, SystemClock, TokioSleep};
use crate::transport::{self, Mode, Outcome, Transport};

/// Default connect timeout: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one attempt: 65 s, a little above the common 60 s idle timeout of API
/// gateways, so that a server's own timeout error (which is retryable) arrives before the
/// client gives up.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(65);
/// Default read (idle) timeout between two reads on the connection: 65 s.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(65);
/// Default total timeout of a call across all attempts and backoff: 150 s, enough for one
/// attempt that hits a server's idle timeout plus a retry.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(150);
/// Default maximum size of a buffered response body: 16 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// A client certificate and private key for mTLS (TLS client authentication).
#[derive(Clone)]
pub struct Identity {
    certs: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
}

impl Identity {
    /// Reads a PEM certificate chain (leaf first) and a PEM private key (`EC PRIVATE KEY`,
    /// `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY`).
    pub fn from_pem(cert_chain_pem: &[u8], private_key_pem: &[u8]) -> Result<Identity, Error> {
        let certs = CertificateDer::pem_slice_iter(cert_chain_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::config("mTLS certificate chain is not valid PEM").with_source(e))?;
        if certs.is_empty() {
            return Err(Error::config(
                "mTLS certificate chain contains no certificate",
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(private_key_pem)
            .map_err(|_| Error::config("mTLS private key is missing or not valid PEM"))?;
        Ok(Identity {
            certs,
            key: Arc::new(key),
        })
    }

    /// Number of certificates in the chain.
    pub fn chain_len(&self) -> usize {
        self.certs.len()
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("certificates", &self.certs.len())
            .field("private_key", &REDACTED)
            .finish()
    }
}

/// An API client. Cheap to clone (one `Arc`); clones share the connection pool and the retry
/// budget. `Debug` never shows credentials.
///
/// Generated code sends every operation through [`Client::execute`]; most users use the
/// generated crate's `Client`, which wraps this one.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) transport: Transport,
    pub(crate) managed: Managed,
    pub(crate) mtls: bool,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    /// Sends a request: credentials, managed headers, idempotency key, correlation id, retries,
    /// timeouts and tracing all happen here. Returns the response of the first successful
    /// (2xx) attempt with its body read, or the last error.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let operation_id = request.operation_id();
        let inner = &*self.inner;
        let prepare = |r| headers::prepare(&inner.managed, &inner.transport, r);
        match transport::send(&inner.transport, request, prepare, Mode::Buffered).await? {
            Outcome::Buffered(raw) => Ok(raw),
            Outcome::Streaming(s) => {
                let (status, headers, correlation_id) =
                    (s.status, s.headers.clone(), s.correlation_id.clone());
                let body = s.collect().await?;
                Ok(RawResponse {
                    status,
                    headers,
                    body,
                    correlation_id,
                    operation_id,
                    attempts: 1,
                })
            }
        }
    }

    /// Like [`execute`](Self::execute), but returns as soon as the response headers of a
    /// successful attempt arrive; the body is read by the caller as a stream (downloads,
    /// reports). Error responses are still read and parsed. The attempt timeout covers the
    /// time to the headers; afterwards the read (idle) timeout applies, and
    /// [`collect`](StreamingResponse::collect) also keeps to the call's total timeout.
    pub async fn execute_streaming(&self, request: Request) -> Result<StreamingResponse, Error> {
        let inner = &*self.inner;
        let prepare = |r| headers::prepare(&inner.managed, &inner.transport, r);
        match transport::send(&inner.transport, request, prepare, Mode::Streaming).await? {
            Outcome::Streaming(s) => Ok(s),
            Outcome::Buffered(raw) => Err(Error::new(
                ErrorKind::UnexpectedResponse,
                format!("expected a streaming response, got {}", raw.status),
            )),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.base_url
    }

    /// The client's default retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.transport.retry_policy
    }

    /// The retry budget shared by this client and its clones.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.transport.budget
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.inner.transport;
        let m = &self.inner.managed;
        f.debug_struct("Client")
            .field("base_url", &t.base_url)
            .field("credentials", &m.auth.scheme_names())
            .field("user_agent", &m.user_agent)
            .field("retry_policy", &t.retry_policy)
            .field("retry_budget_available", &t.budget.available())
            .field("attempt_timeout", &t.attempt_timeout)
            .field("total_timeout", &t.total_timeout)
            .field("max_body_size", &t.max_body_size)
            .field("mtls", &self.inner.mtls)
            .finish()
    }
}

/// Configures a [`Client`] (or, through `C`, a wrapper such as a generated crate's `Client`,
/// which implements `From<Client>`).
///
/// ```no_run
/// # fn main() -> Result<(), oapi_runtime::Error> {
/// use std::time::Duration;
/// use oapi_runtime::{Client, RetryPolicy, SecurityScheme};
/// let client = Client::builder()
///     .base_url("https://api.example.com/v1")
///     .security_schemes(&[SecurityScheme::bearer("bearerAuth")])
///     .bearer_token("...")
///     .retry_policy(RetryPolicy::new().with_max_attempts(4))
///     .total_timeout(Duration::from_secs(90))
///     .user_agent_suffix("acme-shop/2.1")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
pub struct ClientBuilder<C = Client> {
    base_url: Option<String>,
    allow_insecure_http: bool,
    product: Option<Cow<'static, str>>,
    user_agent_suffix: Option<String>,
    schemes: Vec<SecurityScheme>,
    credentials: Vec<(Target, Credential)>,
    default_headers: Vec<(Cow<'static, str>, String)>,
    correlation_header: Option<&'static str>,
    idempotency_header: Option<&'static str>,
    error_body: Option<ParseErrorBody>,
    request_check: Option<RequestCheck>,
    server_name: Cow<'static, str>,
    retry_policy: RetryPolicy,
    budget: Option<RetryBudget>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    read_timeout: Duration,
    total_timeout: Duration,
    pool_idle_timeout: Duration,
    max_body_size: usize,
    identity: Option<Result<Identity, Error>>,
    extra_roots: Vec<CertificateDer<'static>>,
    http_client: Option<reqwest::Client>,
    sleep: Option<SharedSleep>,
    clock: Option<SharedClock>,
    _marker: PhantomData<fn() -> C>,
}

impl<C: From<Client>> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: no base URL, no security schemes, no `User-Agent`, no
    /// correlation or idempotency header, [`RetryPolicy::default`], [`RetryBudget::default`],
    /// the `DEFAULT_*` timeouts and body limit, tokio sleep, system clock.
    pub fn new() -> Self {
        ClientBuilder {
            base_url: None,
            allow_insecure_http: false,
            product: None,
            user_agent_suffix: None,
            schemes: Vec::new(),
            credentials: Vec::new(),
            default_headers: Vec::new(),
            correlation_header: None,
            idempotency_header: None,
            error_body: None,
            request_check: None,
            server_name: Cow::Borrowed("the server"),
            retry_policy: RetryPolicy::default(),
            budget: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            pool_idle_timeout: Duration::from_secs(50),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            identity: None,
            extra_roots: Vec::new(),
            http_client: None,
            sleep: None,
            clock: None,
            _marker: PhantomData,
        }
    }

    /// The base URL requests go to (required). It must be `https://`, or `http://` to a
    /// loopback host (`localhost`, `127.0.0.0/8`, `::1`), unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A rule the API's layer applies to every request before it is sent; an `Err` fails the
    /// call without sending anything (see [`RequestCheck`]).
    pub fn request_check(
        mut self,
        check: impl Fn(&RequestFacts<'_>) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.request_check = Some(Arc::new(check));
        self
    }

    /// Allows an `http://` base URL to a host other than loopback. Without TLS the credentials
    /// and every request and response travel in plain text: use it only for a trusted network
    /// (e.g. a TLS-terminating sidecar).
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// The product token the `User-Agent` starts with (e.g. `acme-sdk/1.2`), set by the API's
    /// layer; without one (and without a suffix) no `User-Agent` is sent.
    pub fn user_agent_product(mut self, product: impl Into<Cow<'static, str>>) -> Self {
        self.product = Some(product.into());
        self
    }

    /// Appends an application identifier to the `User-Agent`, after the product token.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Same as [`user_agent_suffix`](Self::user_agent_suffix): the product token is always
    /// kept first.
    pub fn user_agent(self, application: impl Into<String>) -> Self {
        self.user_agent_suffix(application)
    }

    /// The API's security schemes (its document's `securitySchemes`), declared by generated
    /// code; credentials are matched against them.
    pub fn security_schemes(mut self, schemes: &[SecurityScheme]) -> Self {
        self.schemes = schemes.to_vec();
        self
    }

    /// The token of the API's HTTP `bearer` scheme(s): sent as `Authorization: Bearer <token>`
    /// where an operation asks for it.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials
            .push((Target::OfKind, Credential::Bearer(token.into())));
        self
    }

    /// The user and password of the API's HTTP `basic` scheme(s): sent as
    /// `Authorization: Basic base64(user:password)` where an operation asks for it.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials.push((
            Target::OfKind,
            Credential::Basic {
                user: user.into(),
                password: password.into(),
            },
        ));
        self
    }

    /// The key of the API's one `apiKey` scheme, sent in the header, query parameter or cookie
    /// it names. With several `apiKey` schemes, set each with [`credential`](Self::credential)
    /// (generated crates name a setter after each).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials
            .push((Target::OfKind, Credential::ApiKey(key.into())));
        self
    }

    /// The credential for the security scheme named `scheme` in the API document.
    pub fn credential(
        mut self,
        scheme: impl Into<Cow<'static, str>>,
        credential: Credential,
    ) -> Self {
        self.credentials
            .push((Target::Named(scheme.into()), credential));
        self
    }

    /// A header sent on every call (a request's own header of the same name replaces it).
    pub fn default_header(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        let name = name.into();
        self.default_headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.default_headers.push((name, value.into()));
        self
    }

    /// The header a correlation id is sent under on every call (a fresh one per call unless
    /// the caller sets it), and read back from responses. None by default.
    pub fn correlation_id_header(mut self, name: &'static str) -> Self {
        self.correlation_header = Some(name);
        self
    }

    /// The header an idempotent operation's key is sent under (see
    /// [`Request::idempotent`]). None by default: then no key is sent, and a `POST` or
    /// `PATCH` is not retried once it may have reached the server.
    pub fn idempotency_key_header(mut self, name: &'static str) -> Self {
        self.idempotency_header = Some(name);
        self
    }

    /// How the API's error bodies read: errors then carry the parsed body
    /// ([`Error::error_body`]) and its summary.
    pub fn error_body(mut self, parse: ParseErrorBody) -> Self {
        self.error_body = Some(parse);
        self
    }

    /// How error messages name the server (default "the server").
    pub fn server_name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.server_name = name.into();
        self
    }

    /// Default retry policy for all calls.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The retry budget (token bucket). Pass the same budget to several clients to share it.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// TCP + TLS connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of a single attempt, including reading the body (default 65 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Read (idle) timeout: the longest wait for the next bytes on a connection (default 65 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Total timeout of a call across attempts and backoff (default 150 s).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 50 s).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Largest response body read into memory (default 16 MiB). Larger bodies fail with
    /// [`ErrorKind::BodyTooLarge`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// mTLS client identity.
    pub fn identity(mut self, identity: Identity) -> Self {
        self.identity = Some(Ok(identity));
        self
    }

    /// mTLS client identity from PEM (certificate chain and private key); a parse error is
    /// reported by [`build`](Self::build).
    pub fn identity_pem(
        mut self,
        cert_chain_pem: impl AsRef<[u8]>,
        private_key_pem: impl AsRef<[u8]>,
    ) -> Self {
        self.identity = Some(Identity::from_pem(
            cert_chain_pem.as_ref(),
            private_key_pem.as_ref(),
        ));
        self
    }

    /// Trusts an extra root CA (PEM, may hold several), in addition to the system's roots
    /// (e.g. a TLS-inspecting corporate proxy).
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        for c in CertificateDer::pem_slice_iter(pem.as_ref()).flatten() {
            self.extra_roots.push(c);
        }
        self
    }

    /// Uses this `reqwest::Client` instead of building one. Connect/read timeouts, mTLS and
    /// root certificates set on this builder are then not applied (configure them on the
    /// given client); combining it with an identity is a configuration error. The given
    /// client should not follow redirects.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Replaces the sleep used for backoff and the attempt/total timeouts (default tokio).
    pub fn sleep_impl(mut self, sleep: impl Sleep) -> Self {
        self.sleep = Some(SharedSleep(Arc::new(sleep)));
        self
    }

    /// Replaces the clock (default system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(SharedClock(Arc::new(clock)));
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`ErrorKind::Config`] when the base URL is missing or not an absolute
    /// http(s) URL, when it is `http://` to a host other than loopback without
    /// [`allow_insecure_http`](Self::allow_insecure_http), when a credential fits no declared
    /// security scheme (or an API key fits several) or is not a valid header value, when a
    /// header name or value is invalid, or when the mTLS identity or TLS setup is invalid.
    pub fn build(self) -> Result<C, Error> {
        let base_url = self
            .base_url
            .ok_or_else(|| Error::config("a base URL is required (ClientBuilder::base_url)"))?;
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::config(format!("invalid base URL '{base_url}'")).with_source(e))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(Error::config(format!(
                "base URL '{base_url}' must be an absolute http or https URL"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::config("base URL must not have a query or fragment"));
        }
        if parsed.scheme() == "http" && !self.allow_insecure_http && !is_loopback(&parsed) {
            return Err(Error::config(format!(
                "base URL '{base_url}' is plain http to a host that is not loopback: credentials would travel unencrypted; use https, or ClientBuilder::allow_insecure_http() for a trusted network"
            )));
        }

        let auth = Auth::new(&self.schemes, self.credentials)?;

        let suffix = self
            .user_agent_suffix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let ua = match (self.product.as_deref(), suffix) {
            (Some(p), Some(s)) => Some(format!("{p} {s}")),
            (Some(p), None) => Some(p.to_owned()),
            (None, Some(s)) => Some(s.to_owned()),
            (None, None) => None,
        };
        let user_agent = ua
            .map(|ua| {
                HeaderValue::from_str(&ua)
                    .map_err(|_| Error::config("user agent suffix is not a valid header value"))
            })
            .transpose()?;

        let header_name = |name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("invalid header name '{name}'")))
        };
        let mut default_headers = Vec::with_capacity(self.default_headers.len());
        for (name, value) in &self.default_headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!("invalid value for the default header '{name}'"))
            })?;
            default_headers.push((header_name(name)?, value));
        }
        let correlation_header = self.correlation_header.map(header_name).transpose()?;
        let idempotency_header = self.idempotency_header.map(header_name).transpose()?;

        let identity = self.identity.transpose()?;
        let mtls = identity.is_some();
        let read_timeout = self.http_client.is_none().then_some(self.read_timeout);
        let http = match self.http_client {
            Some(client) => {
                if identity.is_some() {
                    return Err(Error::config(
                        "an mTLS identity cannot be combined with a custom http_client; configure it on that client",
                    ));
                }
                client
            }
            None => {
                let tls = tls_config(identity.as_ref(), &self.extra_roots)?;
                reqwest::Client::builder()
                    .tls_backend_preconfigured(tls)
                    .connect_timeout(self.connect_timeout)
                    .pool_idle_timeout(self.pool_idle_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .tcp_nodelay(true)
                    .build()
                    .map_err(|e| Error::config("could not build the HTTP client").with_source(e))?
            }
        };

        let client = Client {
            inner: Arc::new(ClientInner {
                transport: Transport {
                    http,
                    base_url,
                    base: parsed,
                    retry_policy: self.retry_policy,
                    budget: self.budget.unwrap_or_default(),
                    attempt_timeout: self.attempt_timeout,
                    total_timeout: self.total_timeout,
                    max_body_size: self.max_body_size,
                    tokio_sleep: self.sleep.is_none(),
                    sleep: self
                        .sleep
                        .unwrap_or_else(|| SharedSleep(Arc::new(TokioSleep))),
                    read_timeout,
                    clock: self
                        .clock
                        .unwrap_or_else(|| SharedClock(Arc::new(SystemClock))),
                    correlation_header: correlation_header.clone(),
                    error_body: self.error_body,
                    server_name: self.server_name,
                },
                managed: Managed {
                    user_agent,
                    default_headers,
                    correlation_header,
                    idempotency_header,
                    auth,
                    request_check: self.request_check,
                },
                mtls,
            }),
        };
        Ok(C::from(client))
    }
}

/// Whether the URL's host is the local machine: `localhost` (or a `.localhost` name), an IPv4
/// address in `127.0.0.0/8`, or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    let d = host.trim_end_matches('.');
    d.eq_ignore_ascii_case("localhost")
        || d.len() > 10
            && d.is_char_boundary(d.len() - 10)
            && d[d.len() - 10..].eq_ignore_ascii_case(".localhost")
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("user_agent_product", &self.product)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("security_schemes", &self.schemes)
            .field("credentials", &self.credentials)
            .field("retry_policy", &self.retry_policy)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_body_size", &self.max_body_size)
            .field(
                "identity",
                &self.identity.as_ref().map(|i| i.as_ref().map(|_| REDACTED)),
            )
            .field("custom_http_client", &self.http_client.is_some())
            .finish()
    }
}

/// Builds the rustls configuration: the `aws-lc-rs` crypto provider (post-quantum key exchange
/// preferred; rustls deprecated its `ring` provider for lacking it), the platform's
/// root certificates (plus any extra roots), TLS 1.2+ and the optional client identity.
fn tls_config(
    identity: Option<&Identity>,
    extra_roots: &[CertificateDer<'static>],
) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(
            extra_roots.iter().cloned(),
            provider.clone(),
        )
    }
    .map_err(|e| Error::config("could not load the system's root certificates").with_source(e))?;
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| Error::config("TLS setup failed").with_source(e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(id.certs.clone(), id.key.clone_key())
            .map_err(|e| {
                Error::config("the mTLS certificate or private key was rejected").with_source(e)
            })?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
