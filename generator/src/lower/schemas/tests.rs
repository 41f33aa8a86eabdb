//! Tests of `schemas.rs`.

use crate::ir::*;
use crate::lower::test_support::{doc, fields, lower_yaml, named, ty};

/// The value and Rust name of every variant of the integer enum `name`.
fn int_variants<'a>(api: &'a Api, name: &str) -> Vec<(i64, &'a str)> {
    let TypeKind::IntEnum { variants } = &ty(api, name).kind else {
        panic!("{name} is an int enum")
    };
    variants
        .iter()
        .map(|v| (v.value, v.rust.as_str()))
        .collect()
}

#[test]
fn property_schemas_map_to_type_refs() {
    let table: &[(&str, TypeRef)] = &[
        ("{type: string}", TypeRef::String(None)),
        (
            "{type: string, format: date-time}",
            TypeRef::String(Some("date-time".into())),
        ),
        ("{type: string, format: binary}", TypeRef::Bytes),
        ("{type: integer, format: int32}", TypeRef::I32),
        ("{type: integer}", TypeRef::I64),
        ("{type: number, format: float}", TypeRef::F32),
        ("{type: number}", TypeRef::F64),
        ("{type: boolean}", TypeRef::Bool),
        ("{}", TypeRef::Json),
        (
            "{type: array, items: {type: string}}",
            TypeRef::List(Box::new(TypeRef::String(None))),
        ),
        (
            "{type: object, additionalProperties: {type: integer}}",
            TypeRef::Map(Box::new(TypeRef::I64)),
        ),
    ];
    for (schema, expected) in table {
        let yaml = doc(
            "",
            &format!(
                "  Holder:\n    type: object\n    properties:\n      p: {schema}\n  Other: {{type: object}}"
            ),
        );
        let (api, _) = lower_yaml(&yaml);
        assert_eq!(&fields(&api, "Holder")[0].ty, expected, "{schema}");
    }
    let yaml = doc(
        "",
        "  Holder:\n    type: object\n    properties:\n      p: {$ref: '#/components/schemas/Other'}\n  Other: {type: object}",
    );
    let (api, _) = lower_yaml(&yaml);
    assert_eq!(fields(&api, "Holder")[0].ty, named(&api, "Other"));
}

#[test]
fn enums_get_variants_and_a_component_ref_is_an_alias() {
    let yaml = doc(
        "",
        "  Color: {type: string, enum: [dark-red, blue]}\n  Code: {type: integer, enum: [1, -1]}\n  Shade: {$ref: '#/components/schemas/Color'}",
    );
    let (api, warnings) = lower_yaml(&yaml);
    assert!(warnings.is_empty(), "{warnings:?}");
    let TypeKind::StringEnum { variants } = &ty(&api, "Color").kind else {
        panic!("string enum")
    };
    let names: Vec<(&str, &str)> = variants
        .iter()
        .map(|v| (v.name.wire.as_str(), v.name.rust.as_str()))
        .collect();
    assert_eq!(names, [("dark-red", "DarkRed"), ("blue", "Blue")]);
    let names = int_variants(&api, "Code");
    assert_eq!(names, [(1, "V1"), (-1, "VMinus1")]);
    assert_eq!(
        ty(&api, "Shade").kind,
        TypeKind::Alias {
            target: named(&api, "Color")
        }
    );
}

#[test]
fn a_repeated_integer_enum_value_is_one_variant() {
    let yaml = doc("", "  Code: {type: integer, enum: [1, 2, 3, 3]}");
    let (api, warnings) = lower_yaml(&yaml);
    let names = int_variants(&api, "Code");
    assert_eq!(names, [(1, "V1"), (2, "V2"), (3, "V3")]);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("duplicate enum value `3` listed once")),
        "{warnings:?}"
    );
}

#[test]
fn string_alternatives_are_named_by_their_value_or_format() {
    let yaml = doc(
        "",
        "  Url: {anyOf: [{type: string, maxLength: 5000}, {type: string, enum: ['']}]}\n  When: {oneOf: [{type: string, format: date}, {type: string}]}",
    );
    let (api, warnings) = lower_yaml(&yaml);
    assert!(warnings.is_empty(), "{warnings:?}");
    let names = |name: &str| -> Vec<String> {
        let TypeKind::Union { variants, .. } = &ty(&api, name).kind else {
            panic!("{name} is a union")
        };
        let mut v: Vec<String> = variants.iter().map(|v| v.name.rust.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(names("Url"), ["Empty", "String"]);
    assert_eq!(names("When"), ["Date", "String"]);
}
