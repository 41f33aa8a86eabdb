//! Typed string formats and one-way (`readOnly` / `writeOnly`) fields in generated models, through the
//! golden fixture crate (`generator/tests/fixtures/optionality.yaml`) and the real `klarna` crate.

use klarna_golden::optionality::{Account, Cart};
use serde_json::json;

#[test]
fn typed_formats_parse_and_serialize_back_to_the_same_json() {
    let wire = json!({
        "account_id": "6f1c2b1e-8d1a-4c5e-9a57-2f0f4c9b7c11",
        "name": "Ada",
        "created_at": "2025-01-31T12:00:00.000+01:00",
        "avatar": "aGVsbG8=",
        "balance": "1234567890123456789.10",
        "born": "1815-12-10",
        "contact": "ada@example.com"
    });
    let account: Account = serde_json::from_value(wire.clone()).expect("a valid account");
    assert_eq!(
        account.account_id.map(|u| u.as_u128()),
        Some(0x6f1c2b1e_8d1a_4c5e_9a57_2f0f4c9b7c11)
    );
    let created = account.created_at.as_ref().expect("created_at");
    assert_eq!(created.unix_timestamp(), 1_738_321_200);
    assert_eq!(
        account.avatar.as_ref().map(|b| b.as_slice()),
        Some(&b"hello"[..])
    );
    assert_eq!(
        account.balance.as_ref().map(|d| d.as_str()),
        Some("1234567890123456789.10")
    );
    assert_eq!(account.born.map(|d| d.to_date().year()), Some(1815));
    // Every value keeps its wire spelling: the model serializes back to the JSON it came from.
    assert_eq!(serde_json::to_value(&account).expect("serializes"), wire);
}

#[test]
fn a_malformed_formatted_value_fails_naming_the_value_and_place() {
    for (field, bad, format) in [
        ("created_at", "31/01/2025", "date-time"),
        ("born", "1815-13-10", "date"),
        ("avatar", "***", "byte"),
        ("balance", "12,50", "decimal"),
    ] {
        let wire = json!({ "name": "Ada", field: bad });
        let err = serde_json::from_value::<Account>(wire).expect_err(bad);
        let text = err.to_string();
        assert!(
            text.contains(bad) && text.contains(format),
            "{field}: {text}"
        );
    }
    let err = serde_json::from_value::<Account>(json!({"name": "Ada", "account_id": "42"}))
        .expect_err("not a UUID");
    assert!(
        err.to_string().contains("UUID") || err.to_string().contains("uuid"),
        "{err}"
    );
}

#[test]
fn one_way_required_fields_are_optional_where_the_other_direction_leaves_them_out() {
    // A request: the caller cannot know the server-assigned id or creation time.
    let mut request = Account::new("Ada".to_owned());
    request.password = Some("s3cret".to_owned());
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        json!({"name": "Ada", "password": "s3cret"})
    );
    // A response: the write-only password is not returned, and that still deserializes.
    let response: Account = serde_json::from_value(json!({
        "account_id": "6f1c2b1e-8d1a-4c5e-9a57-2f0f4c9b7c11",
        "name": "Ada",
        "created_at": "2025-01-31T12:00:00Z"
    }))
    .expect("a response without the write-only field");
    assert!(response.password.is_none());
    // Cart travels only in responses: its read-only required `id` stays required.
    let err = serde_json::from_value::<Cart>(json!({"amount": 1, "expires_at": null}))
        .expect_err("id is required in a response-only type");
    assert!(err.to_string().contains("missing field `id`"), "{err}");
}

#[test]
fn klarna_timestamps_are_typed() {
    // Settlements are listed by an RFC 3339 interval; the query carries the text unchanged.
    let start: klarna::DateTime = "2025-01-01T00:00:00Z".parse().expect("RFC 3339");
    let end = klarna::DateTime::from(klarna::time::OffsetDateTime::UNIX_EPOCH);
    assert!(end < start);
    assert_eq!(end.to_string(), "1970-01-01T00:00:00Z");
}
