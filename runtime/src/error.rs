//! Klarna's error body ([`ApiError`]), plugged into the core's [`Error`] as its
//! [`ErrorBody`], and [`ApiErrorExt`] to read it back.
//!
//! Klarna asks integrators to branch on the error code ([`Error::error_code`]), not the
//! message, for program logic.

use std::fmt;

use oapi_runtime::telemetry::{escape_control, truncate};
use oapi_runtime::{Error, ErrorBody};
use serde::{Deserialize, Serialize};

/// Klarna's JSON error body (`error_id`, `error_type`, `error_code`, `error_message`, ...).
///
/// Both documented shapes of field-level details are accepted: `validation_errors[]`
/// (`parameter`, `reason`, `doc_url`) and `errors[]` (`parameter`, `error_message`,
/// `doc_url`). Keys this version does not know are kept in [`ApiError::extra`].
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// Unique id of this error occurrence; quote it to Klarna support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Category such as `ACCESS_ERROR`, `TECHNICAL_ERROR`, `RESOURCE_ERROR`, `INPUT_ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Machine-readable code such as `VALIDATION_ERROR`, `RESOURCE_CONFLICT`, `TIMEOUT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Human-readable message, meant for developers, not for customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Link to documentation about this error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Field-level validation problems (`validation_errors[]` shape).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_errors: Vec<ValidationError>,
    /// Field-level problems (`errors[]` shape).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorDetail>,
    /// Any other keys of the error body.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// The error code, e.g. `"VALIDATION_ERROR"`.
    pub fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }

    /// The error type, e.g. `"INPUT_ERROR"`.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The error id to quote to Klarna support.
    pub fn error_id(&self) -> Option<&str> {
        self.error_id.as_deref()
    }

    /// The developer-facing message.
    pub fn error_message(&self) -> Option<&str> {
        self.error_message.as_deref()
    }

    /// Parses an error body; `None` when it is not a JSON object carrying at least one of
    /// Klarna's error fields.
    pub fn parse(body: &[u8]) -> Option<ApiError> {
        let trimmed = body.trim_ascii();
        if !trimmed.starts_with(b"{") {
            return None;
        }
        let parsed: ApiError = serde_json::from_slice(trimmed).ok()?;
        let known = parsed.error_id.is_some()
            || parsed.error_type.is_some()
            || parsed.error_code.is_some()
            || parsed.error_message.is_some()
            || !parsed.validation_errors.is_empty()
            || !parsed.errors.is_empty();
        known.then_some(parsed)
    }
}

/// One entry of `validation_errors[]`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// The offending parameter, in JSON dot notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Link to documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Any other keys.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One entry of `errors[]`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The offending parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// What is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Link to documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Any other keys.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ErrorBody for ApiError {
    fn code(&self) -> Option<&str> {
        self.error_code()
    }

    /// `" (TYPE/CODE): message [error_id ID]"`, with what the body has.
    /// Every value is the server's text: escaped, and cut so that no answer can make the
    /// message long (codes and ids are short; the fields keep the whole values).
    fn summarize(&self, m: &mut String) {
        let shown = |v: &str, max: usize| escape_control(&truncate(v, max)).into_owned();
        let (t, c) = (
            self.error_type().map(|t| shown(t, 100)),
            self.error_code().map(|c| shown(c, 100)),
        );
        match (t, c) {
            (Some(t), Some(c)) => m.push_str(&format!(" ({t}/{c})")),
            (None, Some(c)) => m.push_str(&format!(" ({c})")),
            (Some(t), None) => m.push_str(&format!(" ({t})")),
            (None, None) => {}
        }
        if let Some(msg) = self.error_message() {
            m.push_str(": ");
            m.push_str(&escape_control(&truncate(msg, 300)));
        }
        if let Some(id) = self.error_id() {
            m.push_str(&format!(" [error_id {}]", shown(id, 100)));
        }
    }

    /// Klarna's `TIMEOUT` code marks a failure worth retrying, whatever the status.
    fn is_retryable(&self) -> bool {
        self.error_code() == Some("TIMEOUT")
    }

    fn fmt_debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&ApiErrorSummary(self), f)
    }
}

/// Parses Klarna's error body for the core ([`ClientBuilder::error_body`](oapi_runtime::ClientBuilder::error_body)).
pub(crate) fn parse_error_body(body: &[u8]) -> Option<Box<dyn ErrorBody>> {
    ApiError::parse(body).map(|e| Box::new(e) as Box<dyn ErrorBody>)
}

/// Reads Klarna's error body from an [`Error`].
pub trait ApiErrorExt {
    /// Klarna's parsed error body, when the response carried one. `None` for e.g. the
    /// bodiless 403 that Klarna's DDoS protection returns.
    fn api_error(&self) -> Option<&ApiError>;
}

impl ApiErrorExt for Error {
    fn api_error(&self) -> Option<&ApiError> {
        self.error_body::<ApiError>()
    }
}

/// `Debug` of an [`ApiError`] inside [`Error`]'s `Debug`: the documented fields, but only the
/// names of unknown keys (their values could echo request data).
struct ApiErrorSummary<'a>(&'a ApiError);

impl fmt::Debug for ApiErrorSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0;
        let mut d = f.debug_struct("ApiError");
        d.field("error_id", &a.error_id)
            .field("error_type", &a.error_type)
            .field("error_code", &a.error_code)
            .field("error_message", &a.error_message);
        if a.doc_url.is_some() {
            d.field("doc_url", &a.doc_url);
        }
        if !a.validation_errors.is_empty() {
            let params: Vec<_> = a
                .validation_errors
                .iter()
                .map(|v| (&v.parameter, &v.reason))
                .collect();
            d.field("validation_errors", &params);
        }
        if !a.errors.is_empty() {
            let params: Vec<_> = a
                .errors
                .iter()
                .map(|v| (&v.parameter, &v.error_message))
                .collect();
            d.field("errors", &params);
        }
        if !a.extra.is_empty() {
            d.field("extra_keys", &a.extra.keys().collect::<Vec<_>>());
        }
        d.finish()
    }
}
