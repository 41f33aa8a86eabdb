//! Klarna's documented error bodies decode into every document's `ErrorBody`, also the shapes that leave
//! fields out: the error-handling guide
//! (docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/error-handling)
//! gives an unknown route (`NOT_FOUND`, 404) no `error_type`, and its validation example carries `errors[]`
//! but no `error_message`; the request-timeout guide's `TIMEOUT` body has all four fields.

use serde_json::{Value, json};

/// The bodies, each as Klarna's guides show it (ids are the guides' sample values).
fn documented_bodies() -> Vec<(&'static str, Value)> {
    vec![
        (
            "validation example of the error-handling guide (no error_message)",
            json!({
                "error_id": "abcd1234-12ab-1234-abcd-abcd12345678",
                "error_type": "INPUT_ERROR",
                "error_code": "VALIDATION_ERROR",
                "errors": [{
                    "parameter": "line_items[0].quantity",
                    "error_message": "Parameter line_items[0].quantity must be greater than or equal to 1",
                    "doc_url": "https://docs.klarna.com/"
                }]
            }),
        ),
        (
            "unknown route of the error-handling table (no error_type)",
            json!({
                "error_id": "abcd1234-12ab-1234-abcd-abcd12345678",
                "error_code": "NOT_FOUND",
                "error_message": "The requested API route does not exist."
            }),
        ),
        (
            "idle timeout of the request-timeout guide",
            json!({
                "error_id": "8e3a4d0c-3b0a-4b1e-9a3e-2a2a1f2e4e77",
                "error_type": "TECHNICAL_ERROR",
                "error_code": "TIMEOUT",
                "error_message": "Request processing timeout."
            }),
        ),
    ]
}

fn decodes_all<T: serde::de::DeserializeOwned + serde::Serialize>(api: &str) {
    for (what, body) in documented_bodies() {
        let decoded: T = serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("{api}: {what} does not decode: {e}"));
        // Nothing documented is lost on the way back.
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            body,
            "{api}: {what}"
        );
    }
}

#[test]
fn every_documents_error_body_accepts_klarnas_documented_shapes() {
    decodes_all::<klarna::identity::ErrorBody>("identity");
    decodes_all::<klarna::interoperability::ErrorBody>("interoperability");
    decodes_all::<klarna::management::ErrorBody>("management");
    decodes_all::<klarna::messaging::ErrorBody>("messaging");
    decodes_all::<klarna::notification::ErrorBody>("notification");
    decodes_all::<klarna::payment::ErrorBody>("payment");
}

#[test]
fn error_id_and_error_code_stay_required() {
    let no_code = json!({"error_id": "e1", "error_type": "INPUT_ERROR", "error_message": "m"});
    assert!(serde_json::from_value::<klarna::payment::ErrorBody>(no_code).is_err());
    let no_id = json!({"error_code": "VALIDATION_ERROR"});
    assert!(serde_json::from_value::<klarna::payment::ErrorBody>(no_id).is_err());
}
