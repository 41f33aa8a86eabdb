//! Responses of the fake, and Klarna's error body (`Error` in specs/*.yaml: `error_id`, `error_type`,
//! `error_code`, `error_message`, and `validation_errors` for input problems).

use axum::http::StatusCode;
use serde_json::{Value, json};

/// One HTTP answer: a status, extra headers and an optional JSON body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Value>,
}

impl Reply {
    pub(crate) fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// An answer of `status` with `body` as it is (`None`: no body).
    pub(crate) fn raw(status: StatusCode, body: Option<Value>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// The same answer with one more header.
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn ok(body: Value) -> Reply {
        Reply::json(StatusCode::OK, body)
    }

    pub(crate) fn created(body: Value) -> Reply {
        Reply::json(StatusCode::CREATED, body)
    }

    pub(crate) fn no_content() -> Reply {
        Reply::raw(StatusCode::NO_CONTENT, None)
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

    /// 400 `INPUT_ERROR` / `VALIDATION_ERROR` naming the offending parameter (a JSON path in dot
    /// notation for body fields, the header or query name otherwise).
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

    /// 400 `INPUT_ERROR` / `INVALID_CONTENT_TYPE`: the body is not JSON at all.
    pub(crate) fn not_json(detail: &str) -> Reply {
        Reply::error(
            StatusCode::BAD_REQUEST,
            "INPUT_ERROR",
            "INVALID_CONTENT_TYPE",
            &format!("The request body is not valid JSON: {detail}"),
        )
    }

    /// 415 `INPUT_ERROR` / `INVALID_CONTENT_TYPE`: the body is sent with a content type the operation does
    /// not take.
    pub(crate) fn unsupported_content_type(got: Option<&str>, wanted: &str) -> Reply {
        let got = match got {
            Some(t) => format!("'{t}'"),
            None => "no Content-Type".to_owned(),
        };
        Reply::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INPUT_ERROR",
            "INVALID_CONTENT_TYPE",
            &format!("The request body is sent with {got}; this operation takes {wanted}"),
        )
    }

    /// 413 `INPUT_ERROR` / `REQUEST_TOO_LARGE`: the body is over [`crate::MAX_REQUEST_BODY_BYTES`].
    pub(crate) fn too_large(limit: usize) -> Reply {
        Reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "INPUT_ERROR",
            "REQUEST_TOO_LARGE",
            &format!("The request body is larger than the {limit} bytes the API accepts"),
        )
    }

    /// 405 `INPUT_ERROR` / `METHOD_NOT_ALLOWED`: the path exists, but not with this method.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allowed: &[String]) -> Reply {
        Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "INPUT_ERROR",
            "METHOD_NOT_ALLOWED",
            &format!(
                "{method} is not allowed on {path}; it takes {}",
                allowed.join(", ")
            ),
        )
        .with_header("allow", allowed.join(", "))
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
/// specs (through the generated types) do not allow: a missing required field, a wrong type, a value
/// outside an enum. A refusal names the field by its JSON path in dot notation (`request_payment_transaction.amount`,
/// `event_types[0]`) and says what is wrong in Klarna's words, never the parser's.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Reply> {
    if body.is_empty() {
        return Err(Reply::validation("body", "a JSON request body is required"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ) {
            return Reply::not_json(&format!(
                "it breaks off or is malformed at line {}, column {}",
                inner.line(),
                inner.column()
            ));
        }
        let path = e.path().to_string();
        let (parameter, reason) = explain(&path, inner);
        Reply::validation(&parameter, &reason)
    })
}

/// The JSON path and Klarna-worded reason of a data error from serde.
///
/// serde reports a missing field at its parent and names it only in the message (``missing field `x` ``);
/// the message's shape is serde's stable one, so it is read here and reworded.
fn explain(path: &str, error: &serde_json::Error) -> (String, String) {
    let text = error.to_string();
    // serde_json appends " at line L column C"; the place is not part of the reason.
    let message = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    let join = |field: &str| {
        if path == "." || path.is_empty() {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        }
    };
    let at = if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    if let Some(field) = quoted(message, "missing field ") {
        return (join(field), "is required".to_owned());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let got = got.split(' ').next().unwrap_or(got);
        return (
            at,
            format!(
                "must be {}, not {}",
                kind(expected),
                kind_of_unexpected(got)
            ),
        );
    }
    if let Some(variant) = quoted(message, "unknown variant ") {
        let allowed = message
            .split_once("expected ")
            .map(|(_, e)| e.replace('`', "").replace("one of ", ""))
            .unwrap_or_default();
        return (at, format!("'{variant}' is not one of {allowed}"));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let got = got.split('`').nth(1).unwrap_or(got);
        return (at, format!("'{got}' is not {}", kind(expected)));
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return (at, format!("must hold {expected}"));
    }
    if let Some(field) = quoted(message, "duplicate field ") {
        return (join(field), "is given more than once".to_owned());
    }
    // A check of the SDK's own types (a date-time, a pattern): their messages are written for people.
    (at, format!("is not valid: {message}"))
}

/// The text between the backticks after `prefix`, when `message` starts with it.
fn quoted<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message
        .strip_prefix(prefix)?
        .strip_prefix('`')?
        .split('`')
        .next()
}

/// serde's name of an expected type in Klarna's (JSON's) words.
fn kind(expected: &str) -> String {
    let e = expected.trim();
    let word = match e {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "isize"
        | "usize" | "an integer" => "an integer",
        "f32" | "f64" | "a number" => "a number",
        "a boolean" | "bool" => "a boolean",
        "a string" | "a borrowed string" | "a character" | "char" | "a string key" => "a string",
        "a sequence" | "an array" => "an array",
        "a map" => "an object",
        _ if e.starts_with("struct ") || e.starts_with("a map") => "an object",
        _ if e.starts_with("a sequence")
            || e.starts_with("an array")
            || e.starts_with("a tuple") =>
        {
            "an array"
        }
        _ if e.starts_with("unit variant") || e.starts_with("variant identifier") => {
            "one of the allowed values"
        }
        "" => "of another type",
        other => return other.to_owned(),
    };
    word.to_owned()
}

/// serde's name of the JSON value it got, in JSON's words.
fn kind_of_unexpected(got: &str) -> &'static str {
    match got {
        "integer" | "floating" => "a number",
        "boolean" => "a boolean",
        "string" => "a string",
        "sequence" => "an array",
        "map" => "an object",
        "null" | "unit" => "null",
        _ => "another type",
    }
}

/// A value as the SDK serializes it (`Null` if it does not serialize).
pub(crate) fn wire<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A Klarna amount (an integer in minor units) as Klarna documents it: `10000` in `EUR` is `100.00 EUR`.
/// The decimals are ISO 4217's (none for JPY, three for KWD, two for most).
pub(crate) fn money(minor: i64, currency: &str) -> String {
    let decimals: u32 = match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    };
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs} {currency}");
    }
    let unit = 10u64.pow(decimals);
    format!(
        "{sign}{}.{:0width$} {currency}",
        abs / unit,
        abs % unit,
        width = decimals as usize
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read only by serde
    struct Inner {
        amount: i64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read only by serde
    struct Outer {
        currency: String,
        inner: Option<Inner>,
        tags: Option<Vec<String>>,
        flag: Option<bool>,
    }

    fn refusal(body: &str) -> (String, String, String) {
        let reply = decode::<Outer>(body.as_bytes()).unwrap_err();
        let b = reply.body.unwrap_or_default();
        (
            b["error_code"].as_str().unwrap_or_default().to_owned(),
            b["validation_errors"][0]["parameter"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            b["validation_errors"][0]["reason"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    #[test]
    fn serde_errors_become_paths_and_klarnas_words() {
        let v = |p: &str, r: &str| ("VALIDATION_ERROR".to_owned(), p.to_owned(), r.to_owned());
        assert_eq!(refusal("{}"), v("currency", "is required"));
        assert_eq!(
            refusal(r#"{"currency": "EUR", "inner": {}}"#),
            v("inner.amount", "is required")
        );
        assert_eq!(
            refusal(r#"{"currency": "EUR", "inner": {"amount": "1"}}"#),
            v("inner.amount", "must be an integer, not a string")
        );
        assert_eq!(
            refusal(r#"{"currency": "EUR", "tags": ["a", 1]}"#),
            v("tags[1]", "must be a string, not a number")
        );
        assert_eq!(
            refusal(r#"{"currency": "EUR", "flag": "yes"}"#),
            v("flag", "must be a boolean, not a string")
        );
        assert_eq!(
            refusal(r#"{"currency": "EUR", "tags": {}}"#),
            v("tags", "must be an array, not an object")
        );
        let (code, _, _) = refusal(r#"{"currency": "EU"#);
        assert_eq!(code, "INVALID_CONTENT_TYPE");
    }

    #[test]
    fn amounts_read_as_klarna_documents_them() {
        assert_eq!(money(10_000, "EUR"), "100.00 EUR");
        assert_eq!(money(5, "USD"), "0.05 USD");
        assert_eq!(money(-1_050, "SEK"), "-10.50 SEK");
        assert_eq!(money(500, "JPY"), "500 JPY");
        assert_eq!(money(1_234, "KWD"), "1.234 KWD");
    }
}
