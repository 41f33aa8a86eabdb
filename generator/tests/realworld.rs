//! Shapes found in real-world documents nobody here wrote (`cargo xtask corpus PATH...` on public API
//! descriptions), each in a small fixture of its own under `tests/fixtures/realworld/`.

use klarna_codegen::SpecInput;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realworld")
        .join(name)
}

fn lower(name: &str) -> (klarna_codegen::ir::Crate, klarna_codegen::Diagnostics) {
    klarna_codegen::build_ir(&[SpecInput::new(fixture(name))], "realworld", "0.0.0")
        .unwrap_or_else(|d| panic!("{name} refused:\n{d}"))
}

/// The fields of the struct `name` in `api`; panics when there is no such type or it is not a struct.
fn struct_fields<'a>(
    api: &'a klarna_codegen::ir::Api,
    name: &str,
) -> &'a [klarna_codegen::ir::Field] {
    let ty = api
        .types
        .iter()
        .find(|t| t.name.rust == name)
        .unwrap_or_else(|| panic!("no type {name}"));
    let klarna_codegen::ir::TypeKind::Struct { fields, .. } = &ty.kind else {
        panic!("{name} is not a struct: {:?}", ty.kind);
    };
    fields
}

/// Asserts that no warning is tagged as a degradation (untyped, dropped or renamed).
fn assert_no_degradation(warnings: &klarna_codegen::Diagnostics) {
    use klarna_codegen::diag::Degradation;
    for tag in [
        Degradation::Untyped,
        Degradation::Dropped,
        Degradation::Renamed,
    ] {
        assert_eq!(warnings.count(tag), 0, "{tag:?}: {warnings}");
    }
}

#[test]
fn comparison_filter_parameters_keep_apart_without_renames() {
    let (krate, warnings) = lower("comparison-filters.yaml");
    assert!(warnings.is_empty(), "{warnings}");
    let op = &krate.apis[0].resources[0].operations[0];
    let names: Vec<(&str, &str)> = op
        .query_params
        .iter()
        .map(|p| (p.name.wire.as_str(), p.name.rust.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("StartTime", "start_time"),
            ("StartTime<", "start_time_lt"),
            ("StartTime>", "start_time_gt"),
            ("price>=", "price_gte"),
        ]
    );
}

#[test]
fn an_all_of_of_one_scalar_type_is_that_type_not_an_empty_struct() {
    use klarna_codegen::ir::{TypeKind, TypeRef};
    let (krate, warnings) = lower("scalar-all-of.yaml");
    assert!(warnings.is_empty(), "{warnings}");
    let api = &krate.apis[0];
    let fields = struct_fields(api, "SessionRequest");
    let ty = |name: &str| {
        &fields
            .iter()
            .find(|f| f.name.wire == name)
            .unwrap_or_else(|| panic!("no field {name}"))
            .ty
    };
    let named = |r: &TypeRef| match r {
        TypeRef::Named(id) => api.types[id.0].name.rust.clone(),
        other => panic!("not a named type: {other:?}"),
    };
    assert_eq!(named(ty("user_id")), "UserId");
    assert_eq!(named(ty("scope")), "Scope");
    assert!(
        matches!(ty("created"), TypeRef::String(Some(f)) if f == "date-time"),
        "{:?}",
        ty("created")
    );
    assert!(matches!(ty("retries"), TypeRef::I64), "{:?}", ty("retries"));
    // No struct was made of the parts.
    assert!(
        api.types
            .iter()
            .all(|t| !matches!(&t.kind, TypeKind::Struct { fields, .. } if fields.is_empty())),
        "an empty struct was generated"
    );
}

#[test]
fn a_ref_with_siblings_to_a_discriminated_union_is_that_union_not_an_empty_struct() {
    use klarna_codegen::ir::{TypeKind, TypeRef};
    let (krate, warnings) = lower("ref-to-union-with-siblings.yaml");
    assert!(
        !warnings.to_string().contains("cannot be merged"),
        "{warnings}"
    );
    let api = &krate.apis[0];
    assert!(
        api.types
            .iter()
            .all(|t| !matches!(&t.kind, TypeKind::Struct { fields, .. } if fields.is_empty())),
        "an empty struct was generated: {:?}",
        api.types.iter().map(|t| &t.name.rust).collect::<Vec<_>>()
    );
    let input = api
        .types
        .iter()
        .find(|t| t.name.rust == "Input")
        .expect("Input");
    let TypeKind::Union { variants, .. } = &input.kind else {
        panic!("Input is not a union: {:?}", input.kind);
    };
    let item = api
        .types
        .iter()
        .position(|t| t.name.rust == "Item")
        .expect("Item");
    assert!(
        variants
            .iter()
            .any(|v| matches!(&v.ty, TypeRef::Named(id) if id.0 == item)),
        "no variant holds Item: {variants:?}"
    );
}

#[test]
fn a_one_of_of_objects_inside_an_all_of_adds_its_fields() {
    use klarna_codegen::diag::Degradation;
    use klarna_codegen::ir::{Presence, TypeKind};
    let (krate, warnings) = lower("all-of-with-one-of-objects.yaml");
    let api = &krate.apis[0];
    let fields = |name: &str| -> Vec<(String, bool)> {
        let t = api
            .types
            .iter()
            .find(|t| t.name.rust == name)
            .unwrap_or_else(|| panic!("no type {name}"));
        let TypeKind::Struct { fields, .. } = &t.kind else {
            panic!("{name} is not a struct: {:?}", t.kind);
        };
        fields
            .iter()
            .map(|f| (f.name.wire.clone(), f.presence == Presence::Required))
            .collect()
    };
    let mut assign = fields("AssignRole");
    assign.sort();
    assert_eq!(
        assign,
        [
            ("resource_external_id".to_owned(), false),
            ("resource_id".to_owned(), false),
            ("resource_type".to_owned(), true),
            ("role_slug".to_owned(), true),
        ]
    );
    let text = warnings.to_string();
    assert!(
        text.contains("AssignRole/allOf/1: warning: `oneOf` of objects inside an `allOf`"),
        "{text}"
    );
    // Alternatives with a `kind` of their own each: not merged, and the loss is a tagged warning.
    assert_eq!(fields("Pet"), [("name".to_owned(), false)]);
    assert_eq!(warnings.count(Degradation::Dropped), 1, "{text}");
    assert!(
        text.contains("Pet/allOf/1: warning: `allOf` part is a `oneOf`"),
        "{text}"
    );
}

#[test]
fn a_discriminator_without_mapping_uses_the_values_its_alternatives_pin() {
    let (krate, warnings) = lower("discriminator-pinned-values.yaml");
    // The subtypes narrow the base's `pet_type` to one of its values: nothing is lost, nothing to report.
    assert_eq!(warnings.iter().count(), 0, "{warnings}");
    let api = &krate.apis[0];
    let tags = |name: &str, property: &str| -> Vec<(String, Vec<String>)> {
        let (discriminator, variants) = union_variants(api, name);
        assert_eq!(discriminator.as_deref(), Some(property));
        variants.into_iter().map(|(v, t, _)| (v, t)).collect()
    };
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, Vec<String>)> {
        pairs
            .iter()
            .map(|(v, t)| ((*v).to_owned(), vec![(*t).to_owned()]))
            .collect()
    };
    assert_eq!(
        tags("ToolCallsItem", "type"),
        owned(&[
            ("FunctionCall", "function"),
            ("CustomCall", "custom"),
            ("WebSearch", "web_search"),
        ])
    );
    // A base whose subtypes extend it with `allOf` and pin the tag there.
    assert_eq!(
        tags("Pet", "pet_type"),
        owned(&[("CatPet", "cat"), ("DogPet", "dog")])
    );
}

#[test]
fn union_and_any_parameters_are_written_by_their_style_not_as_json_text() {
    use klarna_codegen::ir::{ParamEncoding, ParamStyle, TypeRef};
    let (krate, warnings) = lower("union-parameters.yaml");
    let op = &krate.apis[0].resources[0].operations[0];
    let path = &op.path_params[0];
    // Typed (a union), and written by `simple`: the runtime writes a string as its text, where
    // `serde_json::Value::to_string()` wrote `"ab:cd"` with its quotes into the path.
    assert!(matches!(path.ty, TypeRef::Named(_)), "{:?}", path.ty);
    assert_eq!(
        path.encoding,
        ParamEncoding::Styled {
            style: ParamStyle::Simple,
            explode: false
        }
    );
    let query = &op.query_params[0];
    assert!(matches!(query.ty, TypeRef::Named(_)), "{:?}", query.ty);
    assert_eq!(
        query.encoding,
        ParamEncoding::Styled {
            style: ParamStyle::Form,
            explode: true
        }
    );
    let header = &op.header_params[0];
    assert_eq!(header.ty, TypeRef::Json);
    assert_eq!(
        header.encoding,
        ParamEncoding::Styled {
            style: ParamStyle::Simple,
            explode: false
        }
    );
    // Described by `content: application/json`: JSON text, as its media type says.
    let content = &op.query_params[1];
    assert_eq!(
        (&content.ty, content.encoding),
        (&TypeRef::Json, ParamEncoding::Text)
    );
    let text = warnings.to_string();
    assert_eq!(
        text.matches("written by its style from the value it holds")
            .count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches("sent as JSON text").count(), 1, "{text}");
}

#[test]
fn an_api_named_by_a_keyword_has_a_cargo_feature_of_its_plain_name() {
    use klarna_codegen::{RenderOptions, RuntimeDependency};
    let options = RenderOptions {
        runtime: RuntimeDependency::Path("../runtime-core".into()),
        standalone: true,
        regen_command: "cargo test".into(),
        models_per_file: klarna_codegen::render::MODELS_PER_FILE,
    };
    let generated = klarna_codegen::generate(
        &[SpecInput::new(fixture("box.yaml"))],
        "keyword-api",
        "0.0.0",
        &klarna_codegen::profile::Profile::neutral(),
        &options,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let file = |name: &str| {
        generated
            .files
            .iter()
            .find(|(p, _)| p.as_path() == std::path::Path::new(name))
            .map(|(_, text)| text.as_str())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let manifest = file("Cargo.toml");
    // `r#box = [...]` is not TOML: cargo refused the whole workspace.
    assert!(!manifest.contains("r#"), "{manifest}");
    assert!(manifest.contains("default = [\"box\"]"), "{manifest}");
    assert!(manifest.contains("\nbox = [\"dep:"), "{manifest}");
    let lib = file("src/lib.rs");
    assert!(lib.contains("#[cfg(feature = \"box\")]"), "{lib}");
    assert!(!lib.contains("feature = \"r#"), "{lib}");
}

#[test]
fn inline_types_under_a_keyword_property_are_camel_case() {
    let (krate, _) = lower("keyword-property-context.yaml");
    let names: Vec<&str> = krate.apis[0]
        .types
        .iter()
        .map(|t| t.name.rust.as_str())
        .collect();
    // `EnrollmentLinksSelf_Hints` failed rustc's `non_camel_case_types` under `-D warnings`.
    for name in &names {
        assert!(
            !name.trim_end_matches('_').contains('_'),
            "{name} is not camel case: {names:?}"
        );
    }
    assert!(names.contains(&"EnrollmentLinksSelfHints"), "{names:?}");
}

#[test]
fn nullable_list_items_and_map_values_are_options_not_a_dropped_nullable() {
    use klarna_codegen::ir::{TypeKind, TypeRef};
    let string = || TypeRef::String(None);
    let or_null = |t: TypeRef| TypeRef::OrNull(Box::new(t));
    let list = |t: TypeRef| TypeRef::List(Box::new(t));
    let map = |t: TypeRef| TypeRef::Map(Box::new(t));
    for (fixture, expected_scores) in [
        ("nullable-elements.yaml", TypeRef::I64),
        ("nullable-elements-3-1.yaml", TypeRef::F64),
    ] {
        let (krate, warnings) = lower(fixture);
        // Modelled, so nothing is dropped and nothing to report.
        assert_eq!(warnings.iter().count(), 0, "{fixture}: {warnings}");
        let api = &krate.apis[0];
        let id = |name: &str| {
            TypeRef::Named(klarna_codegen::ir::TypeId(
                api.types
                    .iter()
                    .position(|t| t.name.rust == name)
                    .unwrap_or_else(|| panic!("{fixture}: no type {name}")),
            ))
        };
        let rule = api.types.iter().find(|t| t.name.rust == "Rule").unwrap();
        let TypeKind::Struct { fields, .. } = &rule.kind else {
            panic!("{fixture}: Rule is not a struct: {:?}", rule.kind);
        };
        let ty = |name: &str| {
            fields
                .iter()
                .find(|f| f.name.wire == name)
                .unwrap_or_else(|| panic!("{fixture}: no field {name}"))
                .ty
                .clone()
        };
        assert_eq!(ty("labels"), list(or_null(string())), "{fixture}");
        assert_eq!(ty("owners"), list(or_null(id("Owner"))), "{fixture}");
        assert_eq!(ty("scores"), map(or_null(expected_scores)), "{fixture}");
        if fixture == "nullable-elements.yaml" {
            // A `$ref` to a component that is nullable itself.
            assert_eq!(ty("codes"), list(or_null(id("MaybeCode"))));
            // A string enum whose values include `null` (its `Unknown` variant does not take `null`).
            assert_eq!(ty("subtypes"), list(or_null(id("Subtype"))));
            let extra = api
                .types
                .iter()
                .find(|t| t.name.rust == "RuleExtra")
                .unwrap();
            let TypeKind::Struct { additional, .. } = &extra.kind else {
                panic!("RuleExtra is not a struct: {:?}", extra.kind);
            };
            assert_eq!(
                additional.as_ref().map(|a| a.ty.clone()),
                Some(or_null(string()))
            );
        }
    }
}

/// A union variant as the tests compare it: Rust name, tags, the value the union writes.
type VariantRow = (String, Vec<String>, Option<String>);

/// The discriminator of union `name` and its variants.
fn union_variants(api: &klarna_codegen::ir::Api, name: &str) -> (Option<String>, Vec<VariantRow>) {
    use klarna_codegen::ir::TypeKind;
    let union = api
        .types
        .iter()
        .find(|t| t.name.rust == name)
        .unwrap_or_else(|| panic!("no type {name}"));
    let TypeKind::Union {
        discriminator,
        variants,
    } = &union.kind
    else {
        panic!("{name} is not a union: {:?}", union.kind)
    };
    (
        discriminator.clone(),
        variants
            .iter()
            .map(|v| (v.name.rust.clone(), v.tags.clone(), v.writes_tag.clone()))
            .collect(),
    )
}

#[test]
fn several_mapping_values_for_one_schema_stay_tagged_and_write_back_the_value_read() {
    let (krate, warnings) = lower("discriminator-several-values.yaml");
    assert_eq!(warnings.iter().count(), 0, "{warnings}");
    let api = &krate.apis[0];
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // `Deleted` has `kind`: it keeps the value it was read with, so one variant takes both values.
    assert_eq!(
        union_variants(api, "Event"),
        (
            Some("kind".to_owned()),
            vec![
                ("Deleted".to_owned(), owned(&["deleted", "removed"]), None),
                ("Created".to_owned(), owned(&["created"]), None),
            ]
        )
    );
    // `Card` has no `method`: one variant per value, each writing its own (and `Iban` its one).
    assert_eq!(
        union_variants(api, "Funding"),
        (
            Some("method".to_owned()),
            vec![
                ("Card".to_owned(), owned(&["card"]), Some("card".to_owned())),
                (
                    "CreditCard".to_owned(),
                    owned(&["credit_card"]),
                    Some("credit_card".to_owned())
                ),
                ("Iban".to_owned(), owned(&["iban"]), Some("iban".to_owned())),
            ]
        )
    );
}

#[test]
fn alternatives_claiming_the_same_discriminator_value_are_untagged_with_a_warning_naming_them() {
    use klarna_codegen::diag::Degradation;
    let (krate, warnings) = lower("discriminator-shared-values.yaml");
    let api = &krate.apis[0];
    let (discriminator, variants) = union_variants(api, "Item");
    assert_eq!(discriminator, None);
    assert!(variants.iter().all(|v| v.1.is_empty()), "{variants:?}");
    assert_eq!(warnings.count(Degradation::Dropped), 1, "{warnings}");
    let text = warnings.to_string();
    assert!(
        text.contains(
            "at #/components/schemas/Item: warning: `oneOf` alternatives share discriminator values (`message` by alternatives 0 (`InputMessage`) and 1 (`OutputMessage`)); generated as an untagged union"
        ),
        "{text}"
    );
}

#[test]
fn a_discriminator_beside_an_array_describes_its_items() {
    use klarna_codegen::ir::{Presence, TypeRef};
    let (krate, warnings) = lower("discriminator-beside-array.yaml");
    assert_eq!(warnings.iter().count(), 0, "{warnings}");
    let api = &krate.apis[0];
    let fields = struct_fields(api, "Call");
    for (name, presence) in [
        ("outputs", Presence::OptionalNullable),
        ("tagged", Presence::Optional),
    ] {
        let field = fields.iter().find(|f| f.name.wire == name).unwrap();
        assert_eq!(field.presence, presence, "{name}");
        let TypeRef::List(item) = &field.ty else {
            panic!("{name} is not a list: {:?}", field.ty);
        };
        let TypeRef::Named(id) = **item else {
            panic!("{name}: items are not a named union: {item:?}");
        };
        let union = &api.types[id.0];
        let (discriminator, variants) = union_variants(api, &union.name.rust);
        assert_eq!(discriminator.as_deref(), Some("type"), "{name}");
        let tags: Vec<(String, Vec<String>)> = variants.into_iter().map(|v| (v.0, v.1)).collect();
        assert_eq!(
            tags,
            [
                ("Logs".to_owned(), vec!["logs".to_owned()]),
                ("Image".to_owned(), vec!["image".to_owned()]),
            ],
            "{name}"
        );
    }
}

#[test]
fn a_recursive_ref_to_the_document_root_is_the_enclosing_component() {
    use klarna_codegen::ir::TypeRef;
    let (krate, warnings) = lower("recursive-ref.yaml");
    let text = warnings.to_string();
    // Said, not a degradation: the recursion has no other meaning.
    assert_eq!(warnings.iter().count(), 1, "{text}");
    assert!(
        text.contains("at #/components/schemas/CompoundFilter/properties/filters/items/oneOf/1/$recursiveRef: warning: `$recursiveRef: \"#\"` is read as `$ref: '#/components/schemas/CompoundFilter'`"),
        "{text}"
    );
    assert_no_degradation(&warnings);
    let api = &krate.apis[0];
    let fields = struct_fields(api, "CompoundFilter");
    let filters = fields.iter().find(|f| f.name.wire == "filters").unwrap();
    let TypeRef::List(item) = &filters.ty else {
        panic!("filters: {:?}", filters.ty);
    };
    let TypeRef::Named(item) = **item else {
        panic!("items: {item:?}");
    };
    let (discriminator, variants) = union_variants(api, &api.types[item.0].name.rust);
    assert_eq!(discriminator.as_deref(), Some("type"));
    let tags: Vec<(String, Vec<String>)> = variants.into_iter().map(|v| (v.0, v.1)).collect();
    assert_eq!(
        tags,
        [
            (
                "ComparisonFilter".to_owned(),
                vec!["eq".to_owned(), "ne".to_owned()]
            ),
            (
                "CompoundFilter".to_owned(),
                vec!["and".to_owned(), "or".to_owned()]
            ),
        ]
    );
}

#[test]
fn an_integer_reaching_past_i64_is_a_u64() {
    use klarna_codegen::ir::TypeRef;
    let (krate, warnings) = lower("unsigned-64-bit-bounds.yaml");
    assert_eq!(warnings.iter().count(), 2, "{warnings}");
    assert_no_degradation(&warnings);
    let fields = struct_fields(&krate.apis[0], "MysqlConfig");
    let types: Vec<(&str, &TypeRef)> = fields
        .iter()
        .map(|f| (f.name.wire.as_str(), &f.ty))
        .collect();
    assert_eq!(
        types,
        [
            ("max_seeks_for_key", &TypeRef::U64),
            ("group_concat_max_len", &TypeRef::U64),
            ("declared", &TypeRef::U64),
            ("signed", &TypeRef::I64),
        ]
    );
}
