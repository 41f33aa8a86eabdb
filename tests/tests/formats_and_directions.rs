//! Typed string formats and one-way (`readOnly` / `writeOnly`) fields in generated models, through the
//! golden fixture crate (`generator/tests/fixtures/optionality.yaml`) and the real `klarna` crate.

use klarna_golden::optionality::{Account, Cart, Owner, Quote, QuoteRequest};
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
fn an_inferred_required_field_may_be_missing_from_a_response() {
    // `fee` and `owner` are required by the document but marked `x-klarna-inferred`: a response without
    // them still decodes.
    let quote: Quote = serde_json::from_value(json!({"quote_id": "q1", "total": 1200}))
        .expect("a response without the inferred fields");
    assert_eq!((quote.fee, quote.owner), (None, None));
    // When they are sent they are read as usual, `owner` through its `allOf: [$ref]` wrapper.
    let quote: Quote = serde_json::from_value(json!({
        "quote_id": "q1", "total": 1200, "fee": 30, "owner": {"name": "Ada"}
    }))
    .expect("a full response");
    assert_eq!(quote.fee, Some(30));
    // `Owner` is response-only, so `#[non_exhaustive]`: built with `new`.
    assert_eq!(quote.owner, Some(Owner::new("Ada".into())));
    // A confirmed required field is still required, and the error names it.
    let err = serde_json::from_value::<Quote>(json!({"quote_id": "q1", "fee": 30}))
        .expect_err("total is confirmed and required");
    assert!(err.to_string().contains("missing field `total`"), "{err}");
    // A request-only type keeps an inferred field as the document has it: the caller sends it.
    let request = QuoteRequest::new(100, "web".into());
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        json!({"amount": 100, "channel": "web"})
    );
}

#[tokio::test]
async fn through_the_client_a_missing_confirmed_field_is_a_decode_error_naming_it() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/quotes/q1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"quote_id": "q1", "total": 5})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/quotes/q2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"quote_id": "q2"})))
        .mount(&server)
        .await;
    let client = klarna_golden::Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .build()
        .expect("client");
    let quote = client
        .quotes()
        .get("q1")
        .send()
        .await
        .expect("inferred fields may be missing");
    assert_eq!((quote.total, quote.fee), (5, None));
    let err = client
        .quotes()
        .get("q2")
        .send()
        .await
        .expect_err("`total` is confirmed and missing");
    assert_eq!(err.kind(), klarna_golden::ErrorKind::Deserialization);
    assert!(err.to_string().contains("missing field `total`"), "{err}");
}

#[test]
fn enums_are_open_in_requests_too() {
    // A value this version does not list can be sent: `Unknown` serializes as the raw value.
    let status = klarna::notification::WebhookStatus::from("PAUSED");
    assert!(matches!(
        status,
        klarna::notification::WebhookStatus::Unknown(_)
    ));
    assert_eq!(
        serde_json::to_value(&status).expect("serializes"),
        json!("PAUSED")
    );
}

#[test]
fn klarna_timestamps_are_typed() {
    // Settlements are listed by an RFC 3339 interval; the query carries the text unchanged.
    let start: klarna::DateTime = "2025-01-01T00:00:00Z".parse().expect("RFC 3339");
    let end = klarna::DateTime::from(klarna::time::OffsetDateTime::UNIX_EPOCH);
    assert!(end < start);
    assert_eq!(end.to_string(), "1970-01-01T00:00:00Z");
}

#[test]
fn null_list_items_and_map_values_decode_and_serialize_back() {
    // `items: {nullable: true}` (also through an `allOf` of one `$ref`) and nullable map values: a
    // `Vec<String>` refused `[null, "a"]`.
    let wire = json!({
        "id": "c1",
        "amount": 1,
        "expires_at": null,
        "tags": [null, "a"],
        "owners": [{"name": "Ada"}, null],
        "counts": {"x": null, "y": 2}
    });
    let cart: Cart = serde_json::from_value(wire.clone()).expect("a cart with null elements");
    assert_eq!(cart.tags, Some(vec![None, Some("a".to_owned())]));
    let owners = cart.owners.as_ref().expect("owners");
    assert_eq!(owners.len(), 2);
    assert_eq!(owners[0].as_ref().map(|o| o.name.as_str()), Some("Ada"));
    assert!(owners[1].is_none());
    let counts = cart.counts.as_ref().expect("counts");
    assert_eq!(counts.get("x"), Some(&None));
    assert_eq!(counts.get("y"), Some(&Some(2)));
    // `None` elements are written as `null`, not left out: the JSON comes back as it was.
    let back = serde_json::to_value(&cart).expect("serializes");
    for key in ["tags", "owners", "counts"] {
        assert_eq!(back[key], wire[key], "{key}");
    }
}
