//! Tests of `merge.rs`.

use crate::ir::*;
use crate::lower::test_support::{doc, fields, lower_yaml, named};

#[test]
fn all_of_merges_properties_and_required_lists() {
    let yaml = doc(
        "",
        "  Base: {type: object, required: [id], properties: {id: {type: string}}}\n  Full:\n    allOf:\n      - $ref: '#/components/schemas/Base'\n      - {type: object, required: [name], properties: {name: {type: string}}}",
    );
    let (api, warnings) = lower_yaml(&yaml);
    assert!(warnings.is_empty(), "{warnings:?}");
    let rows: Vec<(&str, Presence)> = fields(&api, "Full")
        .iter()
        .map(|f| (f.name.rust.as_str(), f.presence))
        .collect();
    assert_eq!(
        rows,
        [("id", Presence::Required), ("name", Presence::Required)]
    );
}

#[test]
fn one_member_is_that_member_and_conflicts_are_reported() {
    let yaml = doc(
        "",
        "  Base: {type: object, properties: {id: {type: string}}}\n  Same:\n    type: object\n    properties:\n      base: {allOf: [{$ref: '#/components/schemas/Base'}]}\n  Clash:\n    allOf:\n      - {type: object, properties: {id: {type: string}}}\n      - {type: object, properties: {id: {type: integer}}}",
    );
    let (api, warnings) = lower_yaml(&yaml);
    assert_eq!(fields(&api, "Same")[0].ty, named(&api, "Base"));
    assert_eq!(
        fields(&api, "Clash")[0].ty,
        TypeRef::I64,
        "the later definition wins"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("define property `id` differently")),
        "{warnings:?}"
    );
}

#[test]
fn a_narrower_definition_of_a_property_is_kept_without_a_warning() {
    // `allOf` means every part holds, so the narrower definition of a property is the one that
    // describes the values, whichever part says it: a subtype of the `$ref`, an enum or a format of the
    // bare type.
    let yaml = doc(
        "",
        "  Customer: {type: object, properties: {id: {type: string}}}\n  WalletCustomer:\n    allOf:\n      - $ref: '#/components/schemas/Customer'\n      - {type: object, properties: {wallet: {type: string}}}\n  Base: {type: object, properties: {customer: {$ref: '#/components/schemas/Customer'}, status: {type: string}, when: {type: string, format: date-time}}}\n  Wallet:\n    allOf:\n      - $ref: '#/components/schemas/Base'\n      - type: object\n        properties:\n          customer: {$ref: '#/components/schemas/WalletCustomer'}\n          status: {type: string, enum: [open, closed]}\n          when: {type: string}",
    );
    let (api, warnings) = lower_yaml(&yaml);
    assert!(warnings.is_empty(), "{warnings:?}");
    let wallet = fields(&api, "Wallet");
    let ty_of = |wire: &str| {
        wallet
            .iter()
            .find(|f| f.name.wire == wire)
            .map(|f| f.ty.clone())
            .expect("field")
    };
    assert_eq!(ty_of("customer"), named(&api, "WalletCustomer"));
    assert!(
        matches!(ty_of("status"), TypeRef::Named(_)),
        "the enum, not a string"
    );
    assert_eq!(
        ty_of("when"),
        TypeRef::String(Some("date-time".into())),
        "the earlier, narrower definition stays"
    );
}

use crate::diag::{Degradation, Diagnostics};
use crate::lower::test_support::{lower_diags, one_op};
use crate::profile::Profile;

fn tagged(diags: &Diagnostics, degradation: Degradation) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.degradation == Some(degradation))
        .map(ToString::to_string)
        .collect()
}

fn rows(api: &Api, name: &str) -> Vec<(String, Presence)> {
    fields(api, name)
        .iter()
        .map(|f| (f.name.wire.clone(), f.presence))
        .collect()
}

#[test]
fn keywords_beside_compositions_type_in_full_in_every_position() {
    // Inline, as an array item, as a map value, as a response: the same shapes type the same way.
    let yaml = doc(
        "",
        "  Base: {type: object, required: [id], properties: {id: {type: string}}}\n  A1: {$ref: '#/components/schemas/Base'}\n  A2: {$ref: '#/components/schemas/A1'}\n  A3: {$ref: '#/components/schemas/A2'}\n  Holder:\n    type: object\n    properties:\n      list: {type: array, items: {type: object, allOf: [{$ref: '#/components/schemas/A3'}], required: [extra], properties: {extra: {type: integer}}}}\n      map: {type: object, additionalProperties: {allOf: [{$ref: '#/components/schemas/A3'}], nullable: true}}\n      nested: {allOf: [{allOf: [{$ref: '#/components/schemas/A2'}, {properties: {deep: {type: boolean}}}]}, {type: object, properties: {top: {type: string}}}]}",
    );
    let (api, diags) = lower_diags(&yaml, &Profile::neutral());
    assert!(diags.is_empty(), "{diags}");
    assert_eq!(
        rows(&api, "HolderListItem"),
        [
            ("id".into(), Presence::Required),
            ("extra".into(), Presence::Required)
        ]
    );
    // A merged field is located where its part defines it, through the alias chain.
    let pointers: Vec<&str> = fields(&api, "HolderListItem")
        .iter()
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        [
            "#/components/schemas/Base/properties/id",
            "#/components/schemas/Holder/properties/list/items/properties/extra"
        ]
    );
    let wires: Vec<String> = rows(&api, "HolderNested")
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(wires, ["id", "deep", "top"]);
    // The `nullable` beside the value's `allOf` is kept: a map of `Option`s, which reads `{"k": null}`.
    let map = &fields(&api, "Holder")[1];
    assert_eq!(
        map.ty,
        TypeRef::Map(Box::new(TypeRef::OrNull(Box::new(named(&api, "A3")))))
    );
}

#[test]
fn what_cannot_be_merged_or_typed_is_a_tagged_located_warning() {
    let yaml = doc(
        "",
        "  Cat: {type: object, properties: {meows: {type: boolean}}}\n  Dog: {type: object, properties: {barks: {type: boolean}}}\n  Mixed:\n    allOf:\n      - oneOf: [{type: string}, {$ref: '#/components/schemas/Dog'}]\n      - {$ref: '#/components/schemas/Missing'}\n    properties: {name: {type: string}}\n  Odd: {type: file}\n  Wide: {type: object, properties: {name: {type: string}}, oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]}\n  Clash: {type: string, properties: {a: {type: string}}, enum: [a, 1]}",
    );
    let (api, diags) = lower_diags(&yaml, &Profile::neutral());
    assert_eq!(rows(&api, "Mixed"), [("name".into(), Presence::Optional)]);
    let dropped = tagged(&diags, Degradation::Dropped);
    for (at, what) in [
        ("#/components/schemas/Mixed/allOf/0", "is a `oneOf`"),
        (
            "#/components/schemas/Mixed/allOf/1",
            "could not be resolved",
        ),
        ("#/components/schemas/Wide/properties", "`name`"),
        (
            "#/components/schemas/Clash",
            "`properties` next to `type: string`",
        ),
        // `enum: [a, 1]` of a string: the loader reads the `1` as the text "1" (load/tolerate.rs,
        // with its own warning), so no value is dropped here.
    ] {
        assert!(
            dropped
                .iter()
                .any(|d| d.contains(&format!("t.yaml at {at}: warning")) && d.contains(what)),
            "{at} {what}: {dropped:?}"
        );
    }
    let untyped = tagged(&diags, Degradation::Untyped);
    assert_eq!(untyped.len(), 1, "{untyped:?}");
    assert!(
        untyped[0].contains("#/components/schemas/Odd") && untyped[0].contains("serde_json::Value")
    );
    // Typed despite the foreign keywords: a string enum of `a` and the `1` read as text.
    let TypeKind::StringEnum { variants } = &crate::lower::test_support::ty(&api, "Clash").kind
    else {
        panic!("Clash is a string enum")
    };
    assert_eq!(variants.len(), 2);
    // Strictness turns the untyped fallback into an error naming the option.
    let mut strict = diags.clone();
    crate::Strictness {
        deny_untyped: true,
        deny_dropped: false,
        deny_renamed: false,
    }
    .apply(&mut strict);
    let errors: Vec<String> = strict.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("#/components/schemas/Odd") && errors[0].contains("--deny-untyped"));
}

#[test]
fn a_discriminator_on_a_base_is_a_tagged_enum_of_its_subtypes_or_reported() {
    let yaml = doc(
        "",
        "  Base:\n    type: object\n    properties: {kind: {type: string}, id: {type: string}}\n    discriminator: {propertyName: kind, mapping: {a: '#/components/schemas/A', base: '#/components/schemas/Base', c: C, same: Same}}\n  A: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {a: {type: integer}}}]}\n  Same: {allOf: [{$ref: '#/components/schemas/Base'}]}\n  C: {type: object, properties: {kind: {type: string}}}\n  Lonely: {type: object, properties: {kind: {type: string}}, discriminator: {propertyName: kind}}",
    );
    let (api, diags) = lower_diags(&yaml, &Profile::neutral());
    let TypeKind::Union {
        discriminator,
        variants,
    } = &crate::lower::test_support::ty(&api, "Base").kind
    else {
        panic!("Base is a union")
    };
    assert_eq!(discriminator.as_deref(), Some("kind"));
    let rows: Vec<(&str, Vec<String>)> = variants
        .iter()
        .map(|v| (v.name.rust.as_str(), v.tags.clone()))
        .collect();
    // The base itself is not a variant of itself; a bare schema name in the mapping is a component.
    assert_eq!(
        rows,
        [
            ("A", vec!["a".to_owned()]),
            ("C", vec!["c".to_owned()]),
            ("Same", vec!["same".to_owned()])
        ]
    );
    assert_eq!(rows_of(&api, "A"), ["kind", "id", "a"]);
    // A subtype that adds nothing is a struct of the base's fields, not an alias of the enum it is in.
    assert_eq!(rows_of(&api, "Same"), ["kind", "id"]);
    let dropped = tagged(&diags, Degradation::Dropped);
    assert_eq!(dropped.len(), 2, "{dropped:?}");
    assert!(
        dropped
            .iter()
            .any(|d| d.contains("#/components/schemas/Base/discriminator")
                && d.contains("`#/components/schemas/C`")
                && d.contains("`id`")),
        "{dropped:?}"
    );
    // No subtype: the struct of its properties, and the discriminator reported.
    assert_eq!(rows_of(&api, "Lonely"), ["kind"]);
    assert!(
        dropped
            .iter()
            .any(|d| d.contains("#/components/schemas/Lonely/discriminator")),
        "{dropped:?}"
    );
}

#[test]
fn one_of_that_only_lists_required_properties_is_the_object() {
    let yaml = doc(
        "",
        "  Contact:\n    type: object\n    properties: {email: {type: string}, phone: {type: string}}\n    oneOf: [{required: [email]}, {required: [phone]}]\n  Loose:\n    properties: {a: {type: string}}\n    anyOf: [{required: [a]}, {not: {required: [a]}}]",
    );
    let (api, diags) = lower_diags(&yaml, &Profile::neutral());
    assert!(tagged(&diags, Degradation::Dropped).is_empty(), "{diags}");
    assert!(tagged(&diags, Degradation::Untyped).is_empty(), "{diags}");
    assert_eq!(rows_of(&api, "Contact"), ["email", "phone"]);
    assert_eq!(rows_of(&api, "Loose"), ["a"]);
    assert!(
        diags
            .iter()
            .any(|d| d.to_string().contains("#/components/schemas/Contact: warning: `oneOf`/`anyOf` whose alternatives only list `required`")),
        "{diags}"
    );
}

fn rows_of(api: &Api, name: &str) -> Vec<String> {
    rows(api, name).into_iter().map(|r| r.0).collect()
}

#[test]
fn a_null_alternative_makes_the_value_nullable_instead_of_a_variant() {
    let yaml = doc(
        "",
        "  Base: {type: object, properties: {id: {type: string}}}\n  MaybeBase: {oneOf: [{$ref: '#/components/schemas/Base'}, {type: 'null'}]}\n  Holder:\n    type: object\n    required: [a]\n    properties:\n      a: {anyOf: [{type: 'null'}, {$ref: '#/components/schemas/Base'}]}\n      b: {$ref: '#/components/schemas/MaybeBase'}\n      c: {type: integer, enum: [null]}",
    );
    let (api, diags) = lower_diags(&yaml, &Profile::neutral());
    assert!(tagged(&diags, Degradation::Untyped).is_empty(), "{diags}");
    let f = fields(&api, "Holder");
    assert_eq!(
        (f[0].ty.clone(), f[0].presence),
        (named(&api, "Base"), Presence::RequiredNullable)
    );
    assert_eq!(f[1].presence, Presence::OptionalNullable);
    assert_eq!(
        (f[2].ty.clone(), f[2].presence),
        (TypeRef::I64, Presence::OptionalNullable)
    );
}

#[test]
fn the_neutral_profile_leaves_idempotency_key_to_the_documents_header() {
    let yaml = one_op(
        "      parameters:\n        - {name: thing_id, in: path, required: true, schema: {type: string}}\n        - {name: Idempotency-Key, in: header, schema: {type: string}}\n      responses:\n        '200': {description: ok}",
    );
    let (api, diags) = lower_diags(&yaml, &Profile::neutral());
    assert!(tagged(&diags, Degradation::Renamed).is_empty(), "{diags}");
    let op = crate::lower::test_support::op(&api, "doThing");
    assert_eq!(op.header_params[0].name.rust, "idempotency_key");
    // Klarna's builders have their own `idempotency_key`: the header's setter is renamed, and says so.
    let (api, diags) = lower_diags(&yaml, &Profile::klarna());
    let op = crate::lower::test_support::op(&api, "doThing");
    assert_eq!(op.header_params[0].name.rust, "idempotency_key2");
    assert_eq!(tagged(&diags, Degradation::Renamed).len(), 1, "{diags}");
}

#[test]
fn warnings_about_31_webhooks_point_where_the_document_has_them() {
    let yaml = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks:\n  thingCreated:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {a: {type: object, properties: {b: {type: string}}, oneOf: [{type: string}, {type: integer}]}}}\n      responses:\n        '200': {description: ok}\n";
    let (_, diags) = lower_diags(yaml, &Profile::neutral());
    assert!(!diags.is_empty());
    for d in diags.iter() {
        let text = d.to_string();
        assert!(!text.contains("x-webhooks"), "{text}");
        assert!(text.contains("#/webhooks/thingCreated"), "{text}");
    }
}
