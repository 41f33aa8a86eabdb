//! Tests of `tolerate.rs`.

use super::*;
use serde_json::json;

fn run(mut doc: Value) -> (Value, Vec<String>) {
    let mut warnings = Diagnostics::new();
    tolerate(&mut doc, "t.yaml", &mut warnings);
    let shown = warnings
        .iter()
        .map(|d| match &d.location {
            Location::Pointer(p) => format!("{p}: {}", d.message),
            other => format!("{other:?}: {}", d.message),
        })
        .collect();
    (doc, shown)
}

fn schema_doc(schema: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},
           "components": {"schemas": {"S": schema}}})
}

#[test]
fn validation_keywords_of_the_wrong_type_are_ignored_with_a_located_warning() {
    let (doc, warnings) = run(schema_doc(json!({
        "type": "string",
        "format": "date",
        "minimum": "now + 7 days",
        "maxLength": "10",
        "minLength": 2.0,
        "pattern": 5,
        "uniqueItems": "yes",
        "nullable": "true",
    })));
    let s = &doc["components"]["schemas"]["S"];
    assert_eq!(
        s,
        &json!({"type": "string", "format": "date", "minLength": 2, "nullable": true})
    );
    let joined = warnings.join("\n");
    for expected in [
        "#/components/schemas/S/minimum: `minimum` must be a number; `\"now + 7 days\"` is ignored",
        "#/components/schemas/S/maxLength: `maxLength` must be a whole number",
        "#/components/schemas/S/pattern: `pattern` must be text",
        "#/components/schemas/S/uniqueItems: `uniqueItems` must be a boolean",
        "#/components/schemas/S/nullable: `nullable` must be a boolean; the text \"true\" is read as `true`",
    ] {
        assert!(joined.contains(expected), "{expected}\n{joined}");
    }
    assert_eq!(warnings.len(), 5, "{joined}");
}

#[test]
fn a_discriminator_without_property_name_is_dropped_and_one_with_it_kept() {
    let (doc, warnings) = run(schema_doc(json!({
        "oneOf": [{"$ref": "#/components/schemas/A"}],
        "discriminator": {"mapping": {"a": "#/components/schemas/A"}},
        "properties": {"inner": {"oneOf": [], "discriminator": {"propertyName": "kind"}}}
    })));
    let s = &doc["components"]["schemas"]["S"];
    assert!(s.get("discriminator").is_none());
    assert_eq!(
        s["properties"]["inner"]["discriminator"],
        json!({"propertyName": "kind"})
    );
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with(
            "#/components/schemas/S/discriminator: a `discriminator` needs a `propertyName`"
        ),
        "{warnings:?}"
    );
}

#[test]
fn swagger_2_required_flags_are_hoisted_into_the_object() {
    let (doc, warnings) = run(schema_doc(json!({
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string", "required": true},
                       "c": {"type": "string", "required": false}}
    })));
    let s = &doc["components"]["schemas"]["S"];
    assert_eq!(s["required"], json!(["a", "b"]));
    assert!(s["properties"]["b"].get("required").is_none());
    assert!(s["properties"]["c"].get("required").is_none());
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("#/components/schemas/S/properties/b/required:"));
}

#[test]
fn numeric_exclusive_bounds_are_read_as_3_1_means_them() {
    let (doc, warnings) = run(schema_doc(
        json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 9}),
    ));
    let s = &doc["components"]["schemas"]["S"];
    assert_eq!(
        s,
        &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9})
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
}

#[test]
fn null_scopes_and_texts_written_as_numbers_are_repaired() {
    let (doc, warnings) = run(json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": 1.0, "description": 2024},
        "servers": [{"url": "https://{host}:{port}", "variables": {"port": {"default": 443, "enum": [443, 8443]}, "host": {"default": "a"}}}],
        "security": [{"oauth2": null}, {"key": []}],
        "paths": {"/x": {"get": {"security": [{"oauth2": null}], "responses": {}}}},
        "components": {"securitySchemes": {"oauth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": null}}}}}
    }));
    assert_eq!(doc["info"]["version"], json!("1.0"));
    assert_eq!(doc["info"]["title"], json!("T"));
    assert_eq!(doc["info"]["description"], json!("2024"));
    assert_eq!(
        doc["servers"][0]["variables"]["port"],
        json!({"default": "443", "enum": ["443", "8443"]})
    );
    assert_eq!(doc["security"], json!([{"oauth2": []}, {"key": []}]));
    assert_eq!(
        doc["paths"]["/x"]["get"]["security"],
        json!([{"oauth2": []}])
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"],
        json!({})
    );
    let joined = warnings.join("\n");
    for at in [
        "#/info/version:",
        "#/info/description:",
        "#/servers/0/variables/port/default:",
        "#/servers/0/variables/port/enum/1:",
        "#/security/0/oauth2:",
        "#/paths/~1x/get/security/0/oauth2:",
        "#/components/securitySchemes/oauth2/flows/clientCredentials/scopes:",
    ] {
        assert!(joined.contains(at), "{at}\n{joined}");
    }
}

#[test]
fn enum_values_and_integer_bounds_take_the_schema_type() {
    let doc = json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},
    "components": {"schemas": {
        "S": {"type": "string", "enum": ["a", 1, true, null]},
        "I": {"type": "integer", "enum": [1, 2.0, "3", "x", 1.5], "minimum": 0.0, "maximum": 9.5},
        "N": {"type": "number", "enum": [1.5, "2.5", "x"]}
    }}});
    let (doc, warnings) = run(doc);
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["S"]["enum"], json!(["a", "1", "true", null]));
    assert_eq!(schemas["I"]["enum"], json!([1, 2, 3]));
    assert_eq!(schemas["I"]["minimum"], json!(0));
    assert!(schemas["I"].get("maximum").is_none());
    assert_eq!(schemas["N"]["enum"], json!([1.5, 2.5]));
    let joined = warnings.join("\n");
    for at in [
        "#/components/schemas/S/enum/1:",
        "#/components/schemas/S/enum/2:",
        "#/components/schemas/I/enum/2:",
        "#/components/schemas/I/enum/3:",
        "#/components/schemas/I/enum/4:",
        "#/components/schemas/I/maximum:",
        "#/components/schemas/N/enum/1:",
        "#/components/schemas/N/enum/2:",
    ] {
        assert!(joined.contains(at), "{at}\n{joined}");
    }
    assert_eq!(warnings.len(), 8, "{joined}");
}

#[test]
fn parameter_and_operation_flags_written_as_text_are_read() {
    let (doc, warnings) = run(
        json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"get": {"deprecated": "true", "responses": {},
            "parameters": [{"name": "a", "in": "query", "required": "false", "explode": 1, "schema": {"type": "string"}}]}}}}),
    );
    let op = &doc["paths"]["/x"]["get"];
    assert_eq!(op["deprecated"], json!(true));
    assert_eq!(op["parameters"][0]["required"], json!(false));
    assert!(op["parameters"][0].get("explode").is_none());
    assert_eq!(warnings.len(), 3, "{warnings:?}");
}

#[test]
fn a_missing_title_or_version_is_filled_in() {
    let (doc, warnings) = run(json!({"openapi": "3.0.3", "info": {}, "paths": {}}));
    assert_eq!(doc["info"], json!({"title": "t", "version": "unversioned"}));
    assert_eq!(
        warnings,
        [
            "#/info: missing required field `info.title`; read as \"t\"",
            "#/info: missing required field `info.version`; read as \"unversioned\""
        ]
    );
}

#[test]
fn literal_values_are_left_as_they_are() {
    let (doc, warnings) = run(schema_doc(json!({
        "type": "object",
        "example": {"minimum": "x", "required": true, "description": 5},
        "default": {"discriminator": {}},
        "properties": {"minimum": {"type": "string", "description": "a property named minimum"}}
    })));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        doc["components"]["schemas"]["S"]["example"]["minimum"],
        json!("x")
    );
}

#[test]
fn an_integer_bound_of_two_to_the_63_is_the_64_bit_limit() {
    // DigitalOcean's kafka_advanced_config and OpenAI's `seed`: i64::MAX / i64::MIN as a double prints.
    let (doc, warnings) = run(schema_doc(json!({
        "type": "integer",
        "minimum": -9.223372036854776e18,
        "maximum": 9.223372036854776e18,
    })));
    let s = &doc["components"]["schemas"]["S"];
    assert_eq!(
        s,
        &json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX})
    );
    assert_eq!(
        warnings,
        [
            "#/components/schemas/S/minimum: `minimum: -9.223372036854776e+18` is 2^63, past the 64-bit range by rounding; read as -9223372036854775808",
            "#/components/schemas/S/maximum: `maximum: 9.223372036854776e+18` is 2^63, past the 64-bit range by rounding; read as 9223372036854775807",
        ]
    );
    // Past it by more than rounding: still not an integer bound.
    let (doc, warnings) = run(schema_doc(json!({"type": "integer", "maximum": 1.0e19})));
    assert!(doc["components"]["schemas"]["S"].get("maximum").is_none());
    assert!(
        warnings[0].contains("must be a whole number for an integer"),
        "{warnings:?}"
    );
}

#[test]
fn an_integer_maximum_past_i64_without_a_negative_minimum_is_unsigned() {
    // DigitalOcean's mysql_advanced_config: `max_seeks_for_key` (u64::MAX) and `group_concat_max_len`
    // (2^64 as a double prints it).
    for maximum in [json!(18446744073709551615u64), json!(1.8446744073709552e19)] {
        let (doc, warnings) = run(schema_doc(
            json!({"type": "integer", "minimum": 4, "maximum": maximum}),
        ));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "integer", "minimum": 4, "format": "uint64"})
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("#/components/schemas/S/maximum: `maximum: ")
                && warnings[0].ends_with(
                    "is past the signed 64-bit range: generated as an unsigned 64-bit integer (`u64`)"
                ),
            "{warnings:?}"
        );
    }
    // A negative minimum: no Rust integer holds the range; the bound is ignored, as before.
    let (doc, warnings) = run(schema_doc(
        json!({"type": "integer", "minimum": -1, "maximum": 18446744073709551615u64}),
    ));
    assert_eq!(
        doc["components"]["schemas"]["S"],
        json!({"type": "integer", "minimum": -1})
    );
    assert!(
        warnings[0].contains("must be a whole number for an integer"),
        "{warnings:?}"
    );
}
