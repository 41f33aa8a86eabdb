//! Klarna's additions to the core's request options and responses.

use oapi_runtime::{RequestOptions, Response};

use crate::metadata::IntegrationMetadata;
use crate::{
    INTEGRATION_METADATA_HEADER, IP_VALIDATION_STATUS_HEADER, MTLS_VERIFICATION_STATUS_HEADER,
};

/// Klarna's per-request options.
pub trait RequestOptionsExt {
    /// `Klarna-Integration-Metadata` for this call (replaces the client's default).
    fn set_integration_metadata(&mut self, metadata: IntegrationMetadata) -> &mut Self;
}

impl RequestOptionsExt for RequestOptions {
    fn set_integration_metadata(&mut self, metadata: IntegrationMetadata) -> &mut Self {
        self.set_header(INTEGRATION_METADATA_HEADER, metadata.to_header_value())
    }
}

/// Klarna's response headers.
pub trait ResponseExt {
    /// `Klarna-Mtls-Verification-Status` (`NOT_PRESENT`, `VALID`, `INVALID`), present
    /// while mTLS is enabled on the account.
    fn mtls_verification_status(&self) -> Option<&str>;

    /// `Klarna-Ip-Validation-Status` (`ALLOWED`, `DENIED`, `INVALID`), present while the
    /// IP allow-list is in reporting mode.
    fn ip_validation_status(&self) -> Option<&str>;
}

impl<T> ResponseExt for Response<T> {
    fn mtls_verification_status(&self) -> Option<&str> {
        header_str(self, MTLS_VERIFICATION_STATUS_HEADER)
    }

    fn ip_validation_status(&self) -> Option<&str> {
        header_str(self, IP_VALIDATION_STATUS_HEADER)
    }
}

fn header_str<'a, T>(response: &'a Response<T>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}
