//! Every finding kind on the fixture `generator/tests/fixtures/conform/widgets.yaml`.

use super::*;
use serde_json::json;

fn ir() -> Crate {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/conform/widgets.yaml"
    );
    match crate::build_ir(&[crate::SpecInput::new(path)], "widgets", "0.0.0") {
        Ok((krate, _)) => krate,
        Err(d) => panic!("fixture does not load: {d}"),
    }
}

fn widget() -> Value {
    json!({
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "name": "Sprocket",
        "kind": "small",
        "created_at": "2025-01-31T12:00:00Z",
        "price": 1250,
        "fee": 25,
        "color_code": "#00f",
    })
}

fn check(op: &str, status: u16, body: &Value) -> Report {
    let bytes = serde_json::to_vec(body).expect("serializes");
    conform(&ir(), op, status, &bytes).expect("checkable")
}

fn only(report: &Report) -> (Kind, &str, &str) {
    assert_eq!(report.findings.len(), 1, "{}", report.to_text());
    let f = &report.findings[0];
    (f.kind, f.pointer.as_str(), f.what.as_str())
}

#[test]
fn a_conforming_body_has_no_findings() {
    let mut body = widget();
    body["shape"] = json!({"type": "square", "side": 2});
    body["contact"] = json!({"phone": "+46700000000"});
    body["attributes"] = json!({"a": "b"});
    body["note"] = Value::Null;
    body["released_on"] = json!("2024-02-29");
    body["ratio"] = json!("-1.5e3");
    body["thumbnail"] = json!("aGVsbG8");
    let report = check("getWidget", 200, &body);
    assert_eq!(report.findings, vec![], "{}", report.to_text());
    assert_eq!(report.documented_as.as_deref(), Some("200"));
    assert!(!report.has_drift());
}

#[test]
fn missing_required_property_is_drift_even_when_read_only() {
    for name in ["name", "id"] {
        let mut body = widget();
        body.as_object_mut().expect("object").remove(name);
        let report = check("getWidget", 200, &body);
        let (kind, pointer, what) = only(&report);
        assert_eq!((kind, pointer), (Kind::Drift, format!("/{name}").as_str()));
        assert!(what.contains("required property"), "{what}");
    }
}

#[test]
fn missing_write_only_property_is_not_a_finding() {
    // `secret` is required and writeOnly: a response never carries it.
    let report = check("getWidget", 200, &widget());
    assert_eq!(report.findings, vec![]);
}

#[test]
fn missing_inferred_property_is_a_note() {
    let mut body = widget();
    let map = body.as_object_mut().expect("object");
    map.remove("fee");
    map.remove("color_code");
    let report = check("getWidget", 200, &body);
    assert!(!report.has_drift(), "{}", report.to_text());
    let notes: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.pointer.as_str(), f.what.as_str()))
        .collect();
    assert_eq!(notes.len(), 2, "{}", report.to_text());
    assert_eq!(notes[0].0, "/fee");
    assert!(
        notes[0].1.contains("document requires it"),
        "{}",
        notes[0].1
    );
    assert_eq!(notes[1].0, "/color_code");
    assert!(report.findings.iter().all(|f| f.kind == Kind::Note));
}

#[test]
fn wrong_json_types_and_nulls_are_drift() {
    let cases = [
        ("price", json!("1250"), "expected an integer"),
        ("price", json!(12.5), "expected an integer"),
        ("fee", json!(4_294_967_296_i64), "out of the int32 range"),
        ("name", json!(7), "expected a string"),
        ("name", Value::Null, "not mark it nullable"),
        ("tags", json!("blue"), "expected an array"),
        ("attributes", json!({"a": 1}), "expected a string"),
        (
            "shape",
            json!({"type": "circle", "radius": "big"}),
            "expected a number",
        ),
    ];
    for (prop, value, expected) in cases {
        let mut body = widget();
        body[prop] = value;
        let report = check("getWidget", 200, &body);
        let (kind, pointer, what) = only(&report);
        assert_eq!(kind, Kind::Drift, "{prop}");
        assert!(pointer.starts_with(&format!("/{prop}")), "{pointer}");
        assert!(what.contains(expected), "{prop}: {what}");
    }
}

#[test]
fn unparsable_formats_are_drift() {
    for (prop, value) in [
        ("created_at", "31/01/2025"),
        ("released_on", "2023-02-29"),
        ("id", "123"),
        ("thumbnail", "not base64!"),
        ("ratio", "1,5"),
    ] {
        let mut body = widget();
        body[prop] = json!(value);
        let report = check("getWidget", 200, &body);
        let (kind, pointer, what) = only(&report);
        assert_eq!((kind, pointer), (Kind::Drift, format!("/{prop}").as_str()));
        assert!(what.contains("is not a valid"), "{what}");
    }
}

#[test]
fn unknown_properties_enum_values_and_tags_are_additions() {
    let mut body = widget();
    body["colour"] = json!("red");
    body["kind"] = json!("medium");
    body["shape"] = json!({"type": "hexagon", "sides": 6});
    body["contact"] = json!({"email": "a@example.com", "verified": true});
    let report = check("getWidget", 200, &body);
    assert!(!report.has_drift(), "{}", report.to_text());
    let pointers: Vec<&str> = report.findings.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        ["/kind", "/shape/type", "/contact/verified", "/colour"],
        "{}",
        report.to_text()
    );
    assert!(report.findings.iter().all(|f| f.kind == Kind::Addition));
}

#[test]
fn unions_report_the_best_alternative() {
    let mut body = widget();
    body["contact"] = json!({"phone": 46});
    let report = check("getWidget", 200, &body);
    let (kind, pointer, _) = only(&report);
    assert_eq!((kind, pointer), (Kind::Drift, "/contact/phone"));

    let mut body = widget();
    body["shape"] = json!({"radius": 1});
    let report = check("getWidget", 200, &body);
    let (kind, pointer, what) = only(&report);
    assert_eq!((kind, pointer), (Kind::Drift, "/shape/type"));
    assert!(what.contains("discriminator"), "{what}");
}

#[test]
fn lists_and_nested_pointers() {
    let mut second = widget();
    second.as_object_mut().expect("object").remove("price");
    let body = json!({"widgets": [widget(), second]});
    let report = check("listWidgets", 200, &body);
    let (kind, pointer, _) = only(&report);
    assert_eq!((kind, pointer), (Kind::Drift, "/widgets/1/price"));
}

#[test]
fn statuses_match_exact_codes_ranges_and_default() {
    let error = json!({"error_code": "NOT_FOUND", "error_message": "no such widget"});
    let cases = [
        ("getWidget", 404, "404"),
        ("getWidget", 503, "5XX"),
        ("listWidgets", 418, "default"),
    ];
    for (op, status, key) in cases {
        let report = check(op, status, &error);
        assert_eq!(report.documented_as.as_deref(), Some(key));
        assert_eq!(report.findings, vec![]);
    }
    let report = check("getWidget", 500, &json!({"error_code": "X"}));
    let (kind, pointer, _) = only(&report);
    assert_eq!((kind, pointer), (Kind::Drift, "/error_message"));
}

#[test]
fn undocumented_status_and_non_json_bodies_are_drift() {
    let report = check("getWidget", 418, &widget());
    let (kind, pointer, what) = only(&report);
    assert_eq!((kind, pointer), (Kind::Drift, ""));
    assert!(what.contains("status 418 is not documented"), "{what}");
    assert_eq!(report.documented_as, None);

    let krate = ir();
    let report = conform(&krate, "getWidget", 200, b"<html>oops</html>").expect("checkable");
    let (kind, _, what) = only(&report);
    assert_eq!(kind, Kind::Drift);
    assert!(what.contains("not JSON"), "{what}");

    let report = conform(&krate, "deleteWidget", 204, b"").expect("checkable");
    assert_eq!(report.findings, vec![]);
    let report = conform(&krate, "deleteWidget", 204, b"{}").expect("checkable");
    assert!(report.has_drift());
    // 503 is documented without a body: whatever comes is not checked.
    let report = conform(&krate, "deleteWidget", 503, b"busy").expect("checkable");
    assert_eq!(
        (report.findings.len(), report.documented_as.as_deref()),
        (0, Some("503"))
    );
}

#[test]
fn bad_input_is_an_error_not_a_finding() {
    let krate = ir();
    assert!(matches!(
        conform(&krate, "getwidget", 200, b"{}"),
        Err(ConformError::UnknownOperation { hint, .. }) if hint.contains("getWidget")
    ));
    assert!(matches!(
        conform(&krate, "getWidget", 42, b"{}"),
        Err(ConformError::InvalidStatus(_))
    ));
    assert_eq!(parse_status("201"), Ok(201));
    assert!(parse_status("2XX").is_err());
    assert!(parse_status("600").is_err());
}

#[test]
fn text_and_summary() {
    let mut body = widget();
    body.as_object_mut().expect("object").remove("name");
    body["extra"] = json!(1);
    let text = check("getWidget", 200, &body).to_text();
    assert_eq!(
        text,
        "drift /name: required property `name` of `Widget` is missing\n\
         addition /extra: property `extra` is not in `Widget`\n\
         getWidget 200 (documented as 200): 1 drift, 1 addition, 0 notes\n"
    );
    let text = check("getWidget", 418, &body).to_text();
    assert!(text.starts_with("drift (root): status 418"), "{text}");
}
