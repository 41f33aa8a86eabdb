//! A document is read by the YAML 1.2 core schema (fixture `generator/tests/fixtures/yaml12.yaml`,
//! generated into `klarna_golden::yaml12`): unquoted `NO`, `y`, `on` and leading-zero codes are the strings
//! they are written as, in the generated types and on the wire.

use klarna_golden::yaml12::{Answer, Code, Country, Switch};
use serde_json::json;

#[test]
fn yaml_1_1_booleans_are_enum_values_and_field_names() {
    let answer: Answer = serde_json::from_value(json!({
        "y": "yes",
        "country": "NO",
        "switch": "off",
        "code": "007"
    }))
    .expect("parses");
    assert_eq!(answer.y, "yes");
    assert_eq!(answer.country, Country::No);
    assert_eq!(answer.switch, Some(Switch::Off));
    assert_eq!(answer.code, Some(Code::N007));
    let mut sent = Answer::new("n".to_owned(), Country::No);
    sent.switch = Some(Switch::Y);
    sent.code = Some(Code::N1000);
    assert_eq!(
        serde_json::to_value(&sent).expect("serializes"),
        json!({"y": "n", "country": "NO", "switch": "y", "code": "1_000"})
    );
    // `y` is required: it is a field name, not the boolean `true`.
    let missing = serde_json::from_value::<Answer>(json!({"country": "SE"}));
    assert!(
        missing.is_err_and(|e| e.to_string().contains("missing field `y`")),
        "`y` is required"
    );
}
