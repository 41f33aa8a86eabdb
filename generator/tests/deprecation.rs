//! Deprecation: every generated item that must name a deprecated type is marked `allow_deprecated` in the
//! IR, and nothing else is, so a crate generated from a document with deprecated schemas, properties,
//! parameters and operations compiles without warnings while its users still see theirs. The golden
//! crate compiles `klarna_golden::deprecated` with the workspace's `-D warnings`.

use klarna_codegen::SpecInput;
use klarna_codegen::ir::Api;

fn api() -> Api {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deprecated.yaml");
    let (krate, warnings) =
        klarna_codegen::build_ir(&[SpecInput::new(&path)], "deprecated", "0.0.0").expect("lowers");
    assert!(warnings.is_empty(), "{warnings}");
    krate.apis.into_iter().next().expect("one API")
}

#[test]
fn types_that_name_a_deprecated_type_allow_it_and_no_others() {
    let api = api();
    let table: &[(&str, bool, bool)] = &[
        // (type, deprecated, allow_deprecated)
        ("LegacyGadget", true, true), // deprecated struct: its impls name it
        ("LegacyGadgetKind", true, true), // a deprecated property's inline enum
        ("LegacyCode", true, true),   // deprecated integer enum
        ("LegacyMode", true, true),   // deprecated string enum
        ("LegacyChoice", true, true), // deprecated union
        ("LegacyIds", true, true),    // deprecated alias
        ("LegacyProblem", true, true),
        ("Holder", false, true), // fields, a variant and the map name deprecated types
        ("HolderEither", false, true), // an inline union with a deprecated alternative
        ("Problem", false, false),
        ("GadgetEventType", false, false),
        ("ListGadgetsResponse", false, true), // the page's items are deprecated
        ("ListGadgetsResponsePagination", false, false),
    ];
    for (name, deprecated, allow) in table {
        let t = api
            .types
            .iter()
            .find(|t| t.name.rust == *name)
            .unwrap_or_else(|| panic!("type {name}"));
        assert_eq!(
            (t.deprecated, t.allow_deprecated),
            (*deprecated, *allow),
            "{name}"
        );
    }
    assert_eq!(api.types.len(), table.len(), "every type is in the table");
}

#[test]
fn operations_and_events_that_name_a_deprecated_type_allow_it() {
    let api = api();
    let ops: Vec<(&str, bool, bool)> = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .map(|o| (o.id.wire.as_str(), o.deprecated, o.allow_deprecated))
        .collect();
    assert_eq!(
        ops,
        [("createGadget", false, true), ("listGadgets", true, true)]
    );
    let events = api.events.as_ref().expect("events");
    assert!(events.allow_deprecated);
}

#[test]
fn a_document_without_deprecated_schemas_allows_nothing() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/optionality.yaml");
    let (krate, _) =
        klarna_codegen::build_ir(&[SpecInput::new(&path)], "optionality", "0.0.0").expect("lowers");
    let api = &krate.apis[0];
    assert!(api.types.iter().all(|t| !t.allow_deprecated));
    assert!(
        api.resources
            .iter()
            .flat_map(|r| &r.operations)
            .all(|o| !o.allow_deprecated)
    );
    // The fixture has deprecated properties of non-deprecated types: those need no allow.
    assert!(krate.apis[0].types.iter().any(|t| matches!(
        &t.kind,
        klarna_codegen::ir::TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.deprecated)
    )));
}
