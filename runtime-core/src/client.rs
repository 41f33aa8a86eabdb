//! [`Client`], [`ClientBuilder`], [`Environment`], [`AuthStyle`] and the mTLS [`Identity`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::HeaderValue;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::Error;
use crate::metadata::IntegrationMetadata;
use crate::request::Request;
use crate::response::{RawResponse, StreamingResponse};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::telemetry::REDACTED;
use crate::time::{Clock, SharedClock, SharedSleep, Sleep, SystemClock, TokioSleep};
use crate::transport::{self, Mode, Outcome};

/// Base URL of Klarna's live (production) environment.
pub const LIVE_BASE_URL: &str = "https://api-global.klarna.com";
/// Base URL of Klarna's test (playground) environment.
pub const TEST_BASE_URL: &str = "https://api-global.test.klarna.com";

/// Default connect timeout: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one attempt: 65 s, a little above Klarna's 59 s idle timeout, so that
/// Klarna's own `TIMEOUT` error (which is retryable) arrives before the client gives up.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(65);
/// Default read (idle) timeout between two reads on the connection: 65 s.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(65);
/// Default total timeout of a call across all attempts and backoff: 150 s, enough for one
/// attempt that hits Klarna's idle timeout plus a retry.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(150);
/// Default maximum size of a buffered response body: 16 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// Which Klarna environment a client talks to.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Production: `https://api-global.klarna.com`.
    Live,
    /// Test / playground: `https://api-global.test.klarna.com` (the default).
    #[default]
    Test,
    /// Any other base URL (a mock server, a proxy).
    Custom(String),
}

impl Environment {
    /// The base URL, without a trailing slash for the built-in environments.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Live => LIVE_BASE_URL,
            Environment::Test => TEST_BASE_URL,
            Environment::Custom(url) => url,
        }
    }
}

/// How the API key is put into the `Authorization` header.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthStyle {
    /// `Authorization: Basic <API key>`, the key sent as-is: Klarna's documented form (default).
    #[default]
    Raw,
    /// `Authorization: Basic base64(":" + API key)`: standard HTTP Basic with an empty user
    /// name, as Klarna's own request collection sends it.
    Base64Basic,
}

/// A client certificate and private key for mTLS.
///
/// Klarna requires mTLS for Acquiring Partners: an EC `prime256v1` key whose certificate
/// Klarna issued through the client-certificate API.
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

/// A Klarna API client. Cheap to clone (one `Arc`); clones share the connection pool and
/// the retry budget. `Debug` never shows the API key.
///
/// Generated code sends every operation through [`Client::execute`]; most users use the
/// generated `klarna::Client`, which wraps this one.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// `base_url` parsed once, so that a request only has to set its path.
    pub(crate) base: reqwest::Url,
    pub(crate) environment: Environment,
    pub(crate) auth_style: AuthStyle,
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) integration_metadata: Option<IntegrationMetadata>,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) attempt_timeout: Duration,
    pub(crate) total_timeout: Duration,
    pub(crate) max_body_size: usize,
    pub(crate) sleep: SharedSleep,
    /// `true` when `sleep` is the built-in tokio sleep (no [`ClientBuilder::sleep_impl`]): the
    /// attempt timeout then runs on tokio's timer directly, and on the same clock as the read
    /// timeout.
    pub(crate) tokio_sleep: bool,
    /// The read (idle) timeout the runtime enforces itself (not set on the reqwest client, see
    /// `transport::attempt`); `None` with a caller's own `http_client`.
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) clock: SharedClock,
    pub(crate) mtls: bool,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    /// Sends a request: auth, default headers, idempotency key, correlation id, retries,
    /// timeouts and tracing all happen here. Returns the response of the first successful
    /// (2xx) attempt with its body read, or the last error.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let operation_id = request.operation_id();
        match transport::send(&self.inner, request, Mode::Buffered).await? {
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
    /// time to the headers; afterwards only the read (idle) timeout applies.
    pub async fn execute_streaming(&self, request: Request) -> Result<StreamingResponse, Error> {
        match transport::send(&self.inner, request, Mode::Streaming).await? {
            Outcome::Streaming(s) => Ok(s),
            Outcome::Buffered(raw) => Err(Error::new(
                crate::ErrorKind::UnexpectedResponse,
                format!("expected a streaming response, got {}", raw.status),
            )),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The environment the client was built for.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }

    /// The client's default retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// The retry budget shared by this client and its clones.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.budget
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("api_key", &REDACTED)
            .field("auth_style", &i.auth_style)
            .field("user_agent", &i.user_agent)
            .field("retry_policy", &i.retry_policy)
            .field("retry_budget_available", &i.budget.available())
            .field("attempt_timeout", &i.attempt_timeout)
            .field("total_timeout", &i.total_timeout)
            .field("max_body_size", &i.max_body_size)
            .field("mtls", &i.mtls)
            .finish()
    }
}

/// Configures a [`Client`] (or, through `C`, a wrapper such as the generated
/// `klarna::Client`, which implements `From<Client>`).
///
/// ```no_run
/// # fn main() -> Result<(), klarna_runtime::Error> {
/// use std::time::Duration;
/// use klarna_runtime::{Client, Environment, RetryPolicy};
/// let client = Client::builder()
///     .api_key("klarna_test_api_...")
///     .environment(Environment::Test)
///     .retry_policy(RetryPolicy::new().with_max_attempts(4))
///     .total_timeout(Duration::from_secs(90))
///     .user_agent_suffix("acme-shop/2.1")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
pub struct ClientBuilder<C = Client> {
    api_key: Option<String>,
    environment: Environment,
    /// `true` once [`ClientBuilder::environment`] was called.
    environment_set: bool,
    base_url: Option<String>,
    allow_insecure_http: bool,
    auth_style: AuthStyle,
    user_agent_suffix: Option<String>,
    retry_policy: RetryPolicy,
    budget: Option<RetryBudget>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    read_timeout: Duration,
    total_timeout: Duration,
    pool_idle_timeout: Duration,
    max_body_size: usize,
    integration_metadata: Option<IntegrationMetadata>,
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
    /// A builder with the defaults: test environment, raw auth, [`RetryPolicy::default`],
    /// [`RetryBudget::default`], the `DEFAULT_*` timeouts and body limit, tokio sleep,
    /// system clock.
    pub fn new() -> Self {
        ClientBuilder {
            api_key: None,
            environment: Environment::Test,
            environment_set: false,
            base_url: None,
            allow_insecure_http: false,
            auth_style: AuthStyle::Raw,
            user_agent_suffix: None,
            retry_policy: RetryPolicy::default(),
            budget: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            pool_idle_timeout: Duration::from_secs(50),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            integration_metadata: None,
            identity: None,
            extra_roots: Vec::new(),
            http_client: None,
            sleep: None,
            clock: None,
            _marker: PhantomData,
        }
    }

    /// The API key (`klarna_live_api_...` / `klarna_test_api_...`). Required.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The environment (default [`Environment::Test`]). A built-in environment set here is
    /// checked against the API key even when a [`base_url`](Self::base_url) overrides where
    /// requests go.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self.environment_set = true;
        self
    }

    /// A custom base URL (e.g. a local mock server or a proxy); overrides the environment's
    /// URL. It must be `https://`, or `http://` to a loopback host (`localhost`, `127.0.0.0/8`,
    /// `::1`), unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL to a host other than loopback. Without TLS the API key
    /// and every request and response travel in plain text: use it only for a trusted network
    /// (e.g. a TLS-terminating sidecar).
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// How the key is sent (default [`AuthStyle::Raw`]).
    pub fn auth_style(mut self, style: AuthStyle) -> Self {
        self.auth_style = style;
        self
    }

    /// Appends an application identifier to the `User-Agent`, which always starts with
    /// `klarna-rust/<version>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Same as [`user_agent_suffix`](Self::user_agent_suffix): the SDK's own product token is
    /// always kept first.
    pub fn user_agent(self, application: impl Into<String>) -> Self {
        self.user_agent_suffix(application)
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
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Default `Klarna-Integration-Metadata` for every call.
    pub fn integration_metadata(mut self, metadata: IntegrationMetadata) -> Self {
        self.integration_metadata = Some(metadata);
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
    /// Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) when the API key is
    /// missing or not a valid header value, when a `klarna_live_`/`klarna_test_` key is
    /// used with the other built-in environment (set with [`environment`](Self::environment),
    /// or reached through a base URL on that environment's host), when the base URL is not an
    /// absolute http(s) URL, when it is `http://` to a host other than loopback without
    /// [`allow_insecure_http`](Self::allow_insecure_http), or when the mTLS identity or TLS
    /// setup is invalid.
    pub fn build(self) -> Result<C, Error> {
        let api_key = self
            .api_key
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| Error::config("an API key is required (ClientBuilder::api_key)"))?;
        let api_key = api_key.trim().to_owned();
        // The environment the key is checked against: the built-in one the caller chose (or
        // the default, when no base URL replaces it).
        let declared = match &self.environment {
            Environment::Live | Environment::Test
                if self.environment_set || self.base_url.is_none() =>
            {
                Some(self.environment.clone())
            }
            _ => None,
        };
        check_key_environment(&api_key, declared.as_ref(), "")?;
        let credentials = match self.auth_style {
            AuthStyle::Raw => format!("Basic {api_key}"),
            AuthStyle::Base64Basic => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!(":{api_key}"))
            ),
        };
        let mut authorization = HeaderValue::from_str(&credentials).map_err(|_| {
            Error::config("the API key contains characters not allowed in an HTTP header")
        })?;
        authorization.set_sensitive(true);

        let base_url = self
            .base_url
            .unwrap_or_else(|| self.environment.base_url().to_owned());
        let base_url = base_url.trim_end_matches('/').to_owned();
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
                "base URL '{base_url}' is plain http to a host that is not loopback: the API key would travel unencrypted; use https, or ClientBuilder::allow_insecure_http() for a trusted network"
            )));
        }
        // A base URL on a built-in environment's host is that environment, whatever was declared.
        let by_host = parsed.host_str().and_then(|h| {
            let host = |url: &str| {
                reqwest::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
            };
            if host(LIVE_BASE_URL).is_some_and(|l| l.eq_ignore_ascii_case(h)) {
                Some(Environment::Live)
            } else if host(TEST_BASE_URL).is_some_and(|t| t.eq_ignore_ascii_case(h)) {
                Some(Environment::Test)
            } else {
                None
            }
        });
        check_key_environment(&api_key, by_host.as_ref(), " (from the base URL's host)")?;

        let mut ua = crate::USER_AGENT.to_owned();
        if let Some(s) = self
            .user_agent_suffix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            ua.push(' ');
            ua.push_str(s);
        }
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::config("user agent suffix is not a valid header value"))?;

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
                http,
                base_url,
                base: parsed,
                environment: self.environment,
                auth_style: self.auth_style,
                authorization,
                user_agent,
                integration_metadata: self.integration_metadata,
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
                mtls,
            }),
        };
        Ok(C::from(client))
    }
}

/// Refuses a `klarna_live_` key with the test environment and a `klarna_test_` key with the
/// live one.
fn check_key_environment(api_key: &str, env: Option<&Environment>, how: &str) -> Result<(), Error> {
    match env {
        Some(Environment::Test) if api_key.starts_with("klarna_live_") => Err(Error::config(
            format!("a live API key (klarna_live_...) cannot be used with Environment::Test{how}"),
        )),
        Some(Environment::Live) if api_key.starts_with("klarna_test_") => Err(Error::config(
            format!("a test API key (klarna_test_...) cannot be used with Environment::Live{how}"),
        )),
        _ => Ok(()),
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
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("auth_style", &self.auth_style)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("retry_policy", &self.retry_policy)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_body_size", &self.max_body_size)
            .field("integration_metadata", &self.integration_metadata)
            .field(
                "identity",
                &self.identity.as_ref().map(|i| i.as_ref().map(|_| REDACTED)),
            )
            .field("custom_http_client", &self.http_client.is_some())
            .finish()
    }
}

/// Builds the rustls configuration: the `ring` crypto provider (no aws-lc), the platform's
/// root certificates (plus any extra roots), TLS 1.2+ and the optional client identity.
fn tls_config(
    identity: Option<&Identity>,
    extra_roots: &[CertificateDer<'static>],
) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
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
