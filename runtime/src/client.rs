//! Klarna's client configuration: [`Environment`] and its base URLs, the API key and how it is
//! sent ([`AuthStyle`]), the test/live key checks, and Klarna's managed headers
//! (`Partner-Correlation-Id`, `Klarna-Idempotency-Key`, `Klarna-Integration-Metadata`), all set
//! up on the neutral core's builder by [`ClientBuilder::build`].

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use oapi_runtime::telemetry::REDACTED;
use oapi_runtime::{
    ApiKeyLocation, Client, Clock, Error, Identity, RetryBudget, RetryPolicy, SecurityScheme, Sleep,
};

use crate::metadata::IntegrationMetadata;
use crate::{CORRELATION_ID_HEADER, IDEMPOTENCY_KEY_HEADER, INTEGRATION_METADATA_HEADER};

/// Base URL of Klarna's live (production) environment.
pub const LIVE_BASE_URL: &str = "https://api-global.klarna.com";
/// Base URL of Klarna's test (playground) environment.
pub const TEST_BASE_URL: &str = "https://api-global.test.klarna.com";

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

/// The one security scheme a Klarna client sends: the API key in `Authorization`.
const KLARNA_AUTH: &[SecurityScheme] = &[SecurityScheme::api_key(
    "klarna_api_key",
    ApiKeyLocation::Header,
    "Authorization",
)];

/// Starts configuring a Klarna [`Client`]: the runtime-level entry point (the generated
/// `klarna::Client::builder()` is the same builder for the facade's client).
///
/// ```no_run
/// # fn main() -> Result<(), klarna_runtime::Error> {
/// let client = klarna_runtime::builder().api_key("klarna_test_api_...").build()?;
/// # let _ = client; Ok(()) }
/// ```
pub fn builder() -> ClientBuilder<Client> {
    ClientBuilder::new()
}

/// Configures a Klarna [`Client`] (or, through `C`, a wrapper such as the generated
/// `klarna::Client`, which implements `From<Client>`).
///
/// ```no_run
/// # fn main() -> Result<(), klarna_runtime::Error> {
/// use std::time::Duration;
/// use klarna_runtime::{Environment, RetryPolicy};
/// let client = klarna_runtime::builder()
///     .api_key("klarna_test_api_...")
///     .environment(Environment::Test)
///     .retry_policy(RetryPolicy::new().with_max_attempts(4))
///     .total_timeout(Duration::from_secs(90))
///     .user_agent_suffix("acme-shop/2.1")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
pub struct ClientBuilder<C = Client> {
    core: oapi_runtime::ClientBuilder<C>,
    api_key: Option<String>,
    environment: Environment,
    /// `true` once [`ClientBuilder::environment`] was called.
    environment_set: bool,
    base_url: Option<String>,
    auth_style: AuthStyle,
    integration_metadata: Option<IntegrationMetadata>,
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
            core: oapi_runtime::ClientBuilder::new(),
            api_key: None,
            environment: Environment::Test,
            environment_set: false,
            base_url: None,
            auth_style: AuthStyle::Raw,
            integration_metadata: None,
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
        self.core = self.core.allow_insecure_http();
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
        self.core = self.core.user_agent_suffix(suffix);
        self
    }

    /// Same as [`user_agent_suffix`](Self::user_agent_suffix): the SDK's own product token is
    /// always kept first.
    pub fn user_agent(self, application: impl Into<String>) -> Self {
        self.user_agent_suffix(application)
    }

    /// Default retry policy for all calls.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.core = self.core.retry_policy(policy);
        self
    }

    /// The retry budget (token bucket). Pass the same budget to several clients to share it.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.core = self.core.retry_budget(budget);
        self
    }

    /// TCP + TLS connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.connect_timeout(timeout);
        self
    }

    /// Timeout of a single attempt, including reading the body (default 65 s, a little above
    /// Klarna's 59 s idle timeout, so that Klarna's own `TIMEOUT` error, which is retryable,
    /// arrives before the client gives up).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.attempt_timeout(timeout);
        self
    }

    /// Read (idle) timeout: the longest wait for the next bytes on a connection (default 65 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.read_timeout(timeout);
        self
    }

    /// Total timeout of a call across attempts and backoff (default 150 s).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.total_timeout(timeout);
        self
    }

    /// How long an idle pooled connection is kept (default 50 s).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.pool_idle_timeout(timeout);
        self
    }

    /// Largest response body read into memory (default 16 MiB). Larger bodies fail with
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.core = self.core.max_body_size(bytes);
        self
    }

    /// Default `Klarna-Integration-Metadata` for every call.
    pub fn integration_metadata(mut self, metadata: IntegrationMetadata) -> Self {
        self.integration_metadata = Some(metadata);
        self
    }

    /// mTLS client identity. Klarna requires mTLS for Acquiring Partners: an EC `prime256v1`
    /// key whose certificate Klarna issued through the client-certificate API.
    pub fn identity(mut self, identity: Identity) -> Self {
        self.core = self.core.identity(identity);
        self
    }

    /// mTLS client identity from PEM (certificate chain and private key); a parse error is
    /// reported by [`build`](Self::build).
    pub fn identity_pem(
        mut self,
        cert_chain_pem: impl AsRef<[u8]>,
        private_key_pem: impl AsRef<[u8]>,
    ) -> Self {
        self.core = self.core.identity_pem(cert_chain_pem, private_key_pem);
        self
    }

    /// Trusts an extra root CA (PEM, may hold several), in addition to the system's roots
    /// (e.g. a TLS-inspecting corporate proxy).
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.core = self.core.add_root_certificates_pem(pem);
        self
    }

    /// Uses this `reqwest::Client` instead of building one. Connect/read timeouts, mTLS and
    /// root certificates set on this builder are then not applied (configure them on the
    /// given client); combining it with an identity is a configuration error. The given
    /// client should not follow redirects.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.core = self.core.http_client(client);
        self
    }

    /// Replaces the sleep used for backoff and the attempt/total timeouts (default tokio).
    pub fn sleep_impl(mut self, sleep: impl Sleep) -> Self {
        self.core = self.core.sleep_impl(sleep);
        self
    }

    /// Replaces the clock (default system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.core = self.core.clock(clock);
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) when the API key is
    /// missing or not a valid header value, or a client identifier (`klarna_<live|test>_client_...`,
    /// for the client-side Web SDK only) rather than an API key, when a `klarna_live_`/`klarna_test_` key is
    /// used with the other built-in environment (set with [`environment`](Self::environment),
    /// or reached through a base URL on that environment's host), when the base URL is not an
    /// absolute http(s) URL, when it is `http://` to a host other than loopback without
    /// [`allow_insecure_http`](Self::allow_insecure_http), or when the mTLS identity or TLS
    /// setup is invalid.
    pub fn build(self) -> Result<C, Error> {
        let api_key = self
            .api_key
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| config("an API key is required (ClientBuilder::api_key)"))?;
        let api_key = api_key.trim().to_owned();
        check_not_client_identifier(&api_key)?;
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
        if http::HeaderValue::from_str(&credentials).is_err() {
            return Err(config(
                "the API key contains characters not allowed in an HTTP header",
            ));
        }

        let base_url = self
            .base_url
            .unwrap_or_else(|| self.environment.base_url().to_owned());
        // A base URL on a built-in environment's host is that environment, whatever was declared.
        let host_of = |url: &str| {
            reqwest::Url::parse(url.trim())
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        };
        let by_host = match host_of(&base_url) {
            Some(h) if host_of(LIVE_BASE_URL).as_deref() == Some(h.as_str()) => {
                Some(Environment::Live)
            }
            Some(h) if host_of(TEST_BASE_URL).as_deref() == Some(h.as_str()) => {
                Some(Environment::Test)
            }
            _ => None,
        };
        check_key_environment(&api_key, by_host.as_ref(), " (from the base URL's host)")?;

        let webhook_check = crate::webhook_rules::RequestCheck::new(&base_url);
        let mut core = self
            .core
            .base_url(base_url)
            .server_name("Klarna")
            .user_agent_product(crate::USER_AGENT)
            .security_schemes(KLARNA_AUTH)
            .credential(
                KLARNA_AUTH[0].name,
                oapi_runtime::Credential::ApiKey(credentials),
            )
            .correlation_id_header(CORRELATION_ID_HEADER)
            .idempotency_key_header(IDEMPOTENCY_KEY_HEADER)
            .error_body(crate::error::parse_error_body)
            // Klarna's webhook-URL rules, before anything is sent (webhook_rules.rs).
            .request_check(move |r| webhook_check.check(r.operation_id, r.json_body));
        if let Some(meta) = &self.integration_metadata {
            core = core.default_header(INTEGRATION_METADATA_HEADER, meta.to_header_value());
        }
        core.build()
    }
}

fn config(message: impl Into<Cow<'static, str>>) -> Error {
    Error::config(message)
}

/// Refuses a client identifier (`klarna_live_client_...`, `klarna_test_client_...`) given as the API key:
/// it belongs to the client-side Web SDK, and server-side calls with it fail authentication ("Manage your
/// API credentials": API keys are `klarna_<live|test>_api_...`).
fn check_not_client_identifier(api_key: &str) -> Result<(), Error> {
    for env in ["live", "test"] {
        if api_key.starts_with(&format!("klarna_{env}_client_")) {
            return Err(config(format!(
                "the API key is a client identifier (klarna_{env}_client_...), which is for Klarna's \
                 client-side Web SDK; server-side calls need an API key (klarna_{env}_api_...)"
            )));
        }
    }
    Ok(())
}

/// Refuses a `klarna_live_` key with the test environment and a `klarna_test_` key with the
/// live one.
fn check_key_environment(api_key: &str, env: Option<&Environment>, how: &str) -> Result<(), Error> {
    match env {
        Some(Environment::Test) if api_key.starts_with("klarna_live_") => Err(config(format!(
            "a live API key (klarna_live_...) cannot be used with Environment::Test{how}"
        ))),
        Some(Environment::Live) if api_key.starts_with("klarna_test_") => Err(config(format!(
            "a test API key (klarna_test_...) cannot be used with Environment::Live{how}"
        ))),
        _ => Ok(()),
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("auth_style", &self.auth_style)
            .field("integration_metadata", &self.integration_metadata)
            .field("core", &self.core)
            .finish()
    }
}
