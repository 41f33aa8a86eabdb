{{ crate_doc }}
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use ::klarna_runtime::{
    ApiError, Base64Bytes, ClientBuilder, Date, DateTime, Decimal, Environment, Error, ErrorKind,
    IntegrationMetadata, Multipart, Nullable, RequestOptions, Response, RetryPolicy, Uuid,
};
/// The `time` crate the [`DateTime`] and [`Date`] types convert to and from.
pub use ::klarna_runtime::formats::time;

{% for api in apis %}
{{ api.doc }}
#[cfg(feature = {{ api.feature_lit }})]
#[doc(inline)]
pub use ::{{ api.krate }} as {{ api.module }};
{% endfor %}

#[cfg(feature = "type-registry")]
pub mod registry;

/// A Klarna API client: build one with [`Client::builder`], then call operations through its resource
/// accessors (one per resource of each enabled API).
///
/// Cloning is cheap and shares the connection pool, retry budget and configuration.
#[derive(Clone, Debug)]
pub struct Client {
    inner: ::klarna_runtime::Client,
}

impl Client {
    /// Starts configuring a client: API key, environment (test or live), timeouts, retries.
    pub fn builder() -> ::klarna_runtime::ClientBuilder<Client> {
        ::klarna_runtime::ClientBuilder::new()
    }

    /// The runtime client underneath, for sending hand-built requests.
    pub fn runtime(&self) -> &::klarna_runtime::Client {
        &self.inner
    }
}

impl ::std::convert::From<::klarna_runtime::Client> for Client {
    fn from(inner: ::klarna_runtime::Client) -> Self {
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
