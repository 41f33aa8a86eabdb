//! Responses of the fake, and Klarna's error body (`Error` in specs/*.yaml: `error_id`, `error_type`,
//! `error_code`, `error_message`, and `validation_errors` for input problems).

use axum::http::StatusCode;
use serde_json::{Value, json};

/// One HTTP answer: a status and an optional JSON body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
}

impl Reply {
    pub(crate) fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
        }
    }

    pub(crate) fn ok(body: Value) -> Reply {
        Reply::json(StatusCode::OK, body)
    }

    pub(crate) fn created(body: Value) -> Reply {
        Reply::json(StatusCode::CREATED, body)
    }

    pub(crate) fn no_content() -> Reply {
        Reply {
            status: StatusCode::NO_CONTENT,
            body: None,
        }
    }

    /// A Klarna error body with a fresh `error_id`.
    pub(crate) fn error(
        status: StatusCode,
        error_type: &str,
        error_code: &str,
        message: &str,
    ) -> Reply {
        Reply::json(
            status,
            json!({
                "error_id": uuid::Uuid::new_v4().to_string(),
                "error_type": error_type,
                "error_code": error_code,
                "error_message": message,
            }),
        )
    }

    /// 400 `INPUT_ERROR` / `VALIDATION_ERROR` naming the offending parameter.
    pub(crate) fn validation(parameter: &str, reason: &str) -> Reply {
        let mut reply = Reply::error(
            StatusCode::BAD_REQUEST,
            "INPUT_ERROR",
            "VALIDATION_ERROR",
            &format!("{parameter}: {reason}"),
        );
        if let Some(Value::Object(body)) = reply.body.as_mut() {
            body.insert(
                "validation_errors".into(),
                json!([{ "parameter": parameter, "reason": reason }]),
            );
        }
        reply
    }

    /// 404 `RESOURCE_ERROR` / `RESOURCE_NOT_FOUND`.
    pub(crate) fn not_found(what: &str, id: &str) -> Reply {
        Reply::error(
            StatusCode::NOT_FOUND,
            "RESOURCE_ERROR",
            "RESOURCE_NOT_FOUND",
            &format!("{what} '{id}' does not exist"),
        )
    }

    /// 409 `RESOURCE_ERROR` / `RESOURCE_CONFLICT`: a refused state transition or an idempotency violation.
    pub(crate) fn conflict(message: &str) -> Reply {
        Reply::error(
            StatusCode::CONFLICT,
            "RESOURCE_ERROR",
            "RESOURCE_CONFLICT",
            message,
        )
    }

    /// 401 `ACCESS_ERROR` / `UNAUTHORIZED`.
    pub(crate) fn unauthorized() -> Reply {
        Reply::error(
            StatusCode::UNAUTHORIZED,
            "ACCESS_ERROR",
            "UNAUTHORIZED",
            "The request could not be authenticated: send 'Authorization: Basic <API key>' with the fake's API key",
        )
    }

    /// 404 `NOT_FOUND`: the route does not exist.
    pub(crate) fn no_route(method: &str, path: &str) -> Reply {
        Reply::error(
            StatusCode::NOT_FOUND,
            "RESOURCE_ERROR",
            "NOT_FOUND",
            &format!("no API route {method} {path}"),
        )
    }

    pub(crate) fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

/// Decodes a JSON request body into the SDK's type for it, so that the fake refuses exactly what the
/// specs (through the generated types) do not allow: a missing required field, a wrong type.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Reply> {
    if body.is_empty() {
        return Err(Reply::validation("body", "a JSON request body is required"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let parameter = if path == "." { "body".to_owned() } else { path };
        Reply::validation(&parameter, &e.inner().to_string())
    })
}

/// Checks an ISO 4217 currency code (`^[A-Z]{3}$`).
pub(crate) fn check_currency(parameter: &str, currency: &str) -> Result<(), Reply> {
    if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Reply::validation(
            parameter,
            &format!("'{currency}' is not an ISO 4217 currency code in upper case"),
        ))
    }
}
