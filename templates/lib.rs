{{ crate_doc }}
{%- if klarna_guide %}
//!
//! # Quickstart
//!
//! ```toml
//! [dependencies]
//! klarna = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! Create a payment request in Klarna's test environment: a test API key (`klarna_test_api_...`) and the
//! KRN of the partner account that takes the payment (`krn:partner:global:account:test:...`) come from the
//! environment.
//!
//! ```no_run
//! # #[cfg(feature = "payment")]
//! use klarna::payment::CreatePaymentRequestRequest;
//! use klarna::{Client, Environment};
//!
//! # #[cfg(feature = "payment")]
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder()
//!         .api_key(std::env::var("KLARNA_API_KEY")?)
//!         .environment(Environment::Test)
//!         .build()?;
//!     let account = std::env::var("KLARNA_PARTNER_ACCOUNT_ID")?;
//!
//!     // Amounts are integers in minor units: 118.00 USD.
//!     let mut body = CreatePaymentRequestRequest::new("USD".to_string());
//!     body.amount = Some(11_800);
//!     let created = client
//!         .payment_requests()
//!         .create(&account, body)
//!         .send()
//!         .await?;
//!     println!("{} is {}", created.payment_request_id, created.state);
//!     Ok(())
//! }
//! # #[cfg(not(feature = "payment"))]
//! # fn main() {}
//! ```
//!
//! Every operation is a builder: required parameters go into the accessor's method, optional ones are
//! setters, and `.send().await` sends it. `send` returns the typed body in a [`Response`], which also holds
//! the status and headers (`Partner-Correlation-Id` among them). [`ClientBuilder`] sets timeouts, the
//! [`RetryPolicy`] and [`IntegrationMetadata`]; [`RequestOptions`] overrides them for one call.
{%- endif %}
//!
{{ features_doc }}
{%- if klarna_guide %}
//!
//! # Errors
//!
//! Every failure is an [`Error`]. [`Error::kind`] says what happened ([`ErrorKind`]); when Klarna answered,
//! [`Error::status`] and [`ApiErrorExt::api_error`] hold its status and its parsed error body (`error_code`,
//! `error_message`, `error_id` to quote to Klarna support). The client has already retried what is safe to
//! retry; [`Error::may_have_been_sent`] tells whether a failed call may still have reached Klarna.
//!
//! ```no_run
//! # #[cfg(feature = "payment")]
//! # async fn read(client: &klarna::Client, account: &str, id: &str) {
//! use klarna::{ApiErrorExt as _, ErrorKind};
//!
//! match client.payment_requests().get(account, id).send().await {
//!     Ok(request) => println!("state: {}", request.state),
//!     // An error status from Klarna: its code, message and the id for support.
//!     Err(e) if e.kind() == ErrorKind::Api => {
//!         let body = e.api_error();
//!         let code = e.error_code().unwrap_or("-");
//!         let message = body.and_then(|b| b.error_message()).unwrap_or("");
//!         let id = body.and_then(|b| b.error_id()).unwrap_or("-");
//!         eprintln!("{:?} {code}: {message} (error id {id})", e.status());
//!     }
//!     Err(e) if e.kind() == ErrorKind::RateLimited => eprintln!("429: {e}"),
//!     Err(e) => {
//!         let sent = e.may_have_been_sent();
//!         eprintln!("failed (may have been sent: {sent}): {e}");
//!     }
//! }
//! # }
//! ```
//!
//! # Pagination
//!
//! A paginated list operation sends one page with `.send()`, or every item with `.into_stream()`: the
//! stream asks for the next page only when the current one is used up.
//!
//! ```no_run
//! # #[cfg(feature = "management")]
//! # async fn stores(client: &klarna::Client, account: &str) -> Result<(), klarna::Error> {
//! let mut stores = client.stores().list(account).size(50).into_stream();
//! while let Some(store) = stores.next().await {
//!     let store = store?;
//!     println!("{} {:?}", store.store_id, store.url);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Webhooks
//!
//! Klarna signs every delivery with a signing key you create (`client.signing_keys().create()`). Verify the
//! signature over the raw body before parsing anything, answer 400 when it fails, and deduplicate on
//! `metadata.event_id` (a delivery may come more than once). The `notification` API types the events.
//!
//! ```no_run
//! # #[cfg(feature = "notification")]
//! # fn receive(raw_body: &[u8], headers: &::{{ rt }}::http::HeaderMap) -> u16 {
//! use klarna::SigningKeys;
//! use klarna::notification::webhooks::{self, Event};
//!
//! let keys = SigningKeys::new()
//!     .with_key("krn:partner:global:notification:signing-key:...", "<secret>");
//! match webhooks::verify(raw_body, headers, &keys) {
//!     Ok(delivery) => {
//!         let id = &delivery.metadata.event_id;
//!         if let Event::PaymentRequestStateChangeCompleted(p) = &delivery.event {
//!             println!("{id} completed: {p:?}");
//!         }
//!         204
//!     }
//!     Err(_) => 400,
//! }
//! # }
//! ```
{%- endif %}
#![forbid(unsafe_code)]
#![deny(missing_docs)]

{% if vendor.is_some() -%}
pub use ::{{ rt }}::{
    ApiError, ApiErrorExt, Base64Bytes, ClientBuilder, Date, DateTime, Decimal, Environment, Error, ErrorKind,
    IntegrationMetadata, Multipart, Nullable, RequestOptions, Response, RetryPolicy,
};
{# Not inlined: the `uuid` crate's docs link relative to its own pages. #}
#[doc(no_inline)]
pub use ::{{ rt }}::Uuid;
/// The `time` crate the [`DateTime`] and [`Date`] types convert to and from.
pub use ::{{ rt }}::formats::time;
pub use ::{{ rt }}::webhooks::{SigningKeys, WebhookError};
{%- else -%}
pub use ::{{ rt }}::{
    Base64Bytes, ClientBuilder, Credential, Date, DateTime, Decimal, Error, ErrorKind, Multipart, Nullable,
    RequestOptions, Response, RetryPolicy,
};
{# Not inlined: the `uuid` crate's docs link relative to its own pages. #}
#[doc(no_inline)]
pub use ::{{ rt }}::Uuid;
/// The `time` crate the [`DateTime`] and [`Date`] types convert to and from.
pub use ::{{ rt }}::formats::time;

/// The security schemes of the API documents, declared on every client [`Client::builder`] makes: an
/// operation sends the credentials its `security` asks for.
pub const SECURITY_SCHEMES: &[::{{ rt }}::SecurityScheme] = &[
    {% for s in schemes %}{{ s.expr }},
    {% endfor %}
];
{%- endif %}

{% for api in apis %}
#[cfg(feature = {{ api.feature_lit }})]
#[doc(inline)]
pub use ::{{ api.krate }} as {{ api.module }};
{% endfor %}

#[cfg(feature = "type-registry")]
pub mod registry;
{% for (feature, module, doc) in runtime_features %}
{{ doc }}
#[cfg(feature = {{ feature }})]
pub use ::{{ rt }}::{{ module }};
{% endfor %}

/// {% if let Some(vendor) = vendor %}A {{ vendor }} API client{% else %}An API client{% endif %}: build one with [`Client::builder`], then call operations through its resource
/// accessors (one per resource of each enabled API).
///
/// Cloning is cheap and shares the connection pool, retry budget and configuration.
#[derive(Clone, Debug)]
pub struct Client {
    inner: ::{{ rt }}::Client,
}

impl Client {
    {% if vendor.is_some() -%}
    /// Starts configuring a client: API key, environment (test or live), timeouts, retries.
    pub fn builder() -> ::{{ rt }}::ClientBuilder<Client> {
        ::{{ rt }}::ClientBuilder::new()
    }
    {%- else -%}
    /// Starts configuring a client: {% if default_base_url.is_some() %}the base URL (default: the document's first
    /// server), {% else %}the base URL (required: the document declares no server), {% endif %}credentials
    /// {%- if !schemes.is_empty() %} ({% for s in schemes %}{{ s.setter_doc }}{% if !loop.last %}, {% endif %}{% endfor %}){% endif %}, timeouts, retries.
    pub fn builder() -> ::{{ rt }}::ClientBuilder<Client> {
        ::{{ rt }}::ClientBuilder::new()
            .user_agent_product(::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION")))
            .security_schemes(SECURITY_SCHEMES)
            {% if let Some(url) = default_base_url %}.base_url({{ url }}){% endif %}
    }
    {%- endif %}

    /// The runtime client underneath, for sending hand-built requests.
    pub fn runtime(&self) -> &::{{ rt }}::Client {
        &self.inner
    }
}

impl ::std::convert::From<::{{ rt }}::Client> for Client {
    fn from(inner: ::{{ rt }}::Client) -> Self {
        Self { inner }
    }
}
{% for api in apis %}

/// Resources of the {{ api.title }}.
#[cfg(feature = {{ api.feature_lit }})]
impl Client {
    {% for r in api.resources %}
    {{ r.doc }}
    #[inline]
    pub fn {{ r.accessor }}(&self) -> {{ api.module }}::operations::{{ r.name }} {
        {{ api.module }}::operations::{{ r.name }}::new(self.inner.clone())
    }
    {% endfor %}
}
{% endfor %}
{% if !key_setters.is_empty() %}

/// One setter per `apiKey` security scheme of the API documents, named after it, on the client builder.
pub trait ApiKeys: ::std::marker::Sized {
    {% for s in key_setters %}
    /// The key of the `{{ s.wire }}` scheme ({{ s.kind_doc }}).
    fn {{ s.setter }}(self, key: impl ::std::convert::Into<::std::string::String>) -> Self;
    {% endfor %}
}

impl ApiKeys for ::{{ rt }}::ClientBuilder<Client> {
    {% for s in key_setters %}
    fn {{ s.setter }}(self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
        self.credential({{ s.name_lit }}, ::{{ rt }}::Credential::ApiKey(key.into()))
    }
    {% endfor %}
}
{% endif %}
