//! Spec diff: one fixture pair per change kind under `tests/diff/<case>/{old,new}.yaml`, each with the exact
//! set of (kind, class) the diff must report; plus the markdown and JSON renderings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use klarna_codegen::diff::{self, Bump, ChangeKind as K, Class as C, Report};

use C::{Breaking as B, ForwardCompatible as F, NonBreaking as N};

/// Every fixture case and what it must report.
const CASES: &[(&str, &[(K, C)])] = &[
    ("no_change", &[]),
    // Operations.
    ("operation_added", &[(K::OperationAdded, N)]),
    ("operation_removed", &[(K::OperationRemoved, B)]),
    (
        "operation_endpoint_changed",
        &[(K::OperationEndpointChanged, B)],
    ),
    ("operation_moved", &[(K::OperationMoved, N)]),
    // Parameters.
    ("param_added_required", &[(K::ParamAdded, B)]),
    ("param_added_optional", &[(K::ParamAdded, N)]),
    ("param_removed", &[(K::ParamRemoved, B)]),
    ("param_type_changed", &[(K::ParamTypeChanged, B)]),
    ("param_became_required", &[(K::ParamRequiredChanged, B)]),
    ("param_became_optional", &[(K::ParamRequiredChanged, N)]),
    // Request bodies.
    ("body_added_required", &[(K::BodyAdded, B)]),
    ("body_added_optional", &[(K::BodyAdded, N)]),
    ("body_removed", &[(K::BodyRemoved, B)]),
    // `Tag` stops being response-only (the new body is a `Tag`), so it is no longer `#[non_exhaustive]`.
    (
        "body_type_changed",
        &[(K::BodyTypeChanged, B), (K::StructExhaustivenessChanged, N)],
    ),
    // `Tag` leaves the request (PetInput.tags removed): response-only, so `#[non_exhaustive]` now.
    (
        "struct_sealed",
        &[(K::FieldRemoved, B), (K::StructExhaustivenessChanged, N)],
    ),
    ("body_became_required", &[(K::BodyRequiredChanged, B)]),
    // Request fields (PetInput is only sent).
    ("request_field_added_required", &[(K::FieldAdded, B)]),
    ("request_field_added_optional", &[(K::FieldAdded, N)]),
    ("request_field_removed", &[(K::FieldRemoved, B)]),
    (
        "request_field_became_required",
        &[(K::FieldRequiredChanged, B)],
    ),
    (
        "request_field_became_optional",
        &[(K::FieldRequiredChanged, N)],
    ),
    (
        "request_field_became_nullable",
        &[(K::FieldNullableChanged, N)],
    ),
    ("request_field_type_changed", &[(K::FieldTypeChanged, B)]),
    ("request_field_format_changed", &[(K::FieldTypeChanged, B)]),
    // Response fields (Pet is only received).
    ("response_field_added_required", &[(K::FieldAdded, F)]),
    ("response_field_added_optional", &[(K::FieldAdded, F)]),
    ("response_field_removed", &[(K::FieldRemoved, B)]),
    (
        "response_field_became_optional",
        &[(K::FieldRequiredChanged, B)],
    ),
    (
        "response_field_became_required",
        &[(K::FieldRequiredChanged, N)],
    ),
    (
        "response_field_became_nullable",
        &[(K::FieldNullableChanged, B)],
    ),
    (
        "response_field_no_longer_nullable",
        &[(K::FieldNullableChanged, N)],
    ),
    // `email` is still a `String`: documentation only. `uuid` has its own Rust type: breaking.
    ("response_field_format_changed", &[(K::FieldTypeChanged, N)]),
    (
        "response_field_typed_format_added",
        &[(K::FieldTypeChanged, B)],
    ),
    // Tag is sent and received; a readOnly field is only received, so the new required one is harmless.
    ("shared_type_field_added_required", &[(K::FieldAdded, B)]),
    ("shared_type_read_only_field_added", &[(K::FieldAdded, F)]),
    // Unused is reached by no operation: judged both ways, conservatively.
    ("unused_type_field_added_required", &[(K::FieldAdded, B)]),
    // Enums: Status only in responses, Diet only in requests, Kind in both, Color via Pet.tags[].color.
    ("enum_value_added_response", &[(K::EnumValueAdded, F)]),
    (
        "enum_value_added_nested_response",
        &[(K::EnumValueAdded, F)],
    ),
    ("enum_value_added_request", &[(K::EnumValueAdded, N)]),
    ("enum_value_added_both", &[(K::EnumValueAdded, N)]),
    ("enum_value_removed_request", &[(K::EnumValueRemoved, B)]),
    ("enum_value_removed_response", &[(K::EnumValueRemoved, N)]),
    ("enum_value_removed_both", &[(K::EnumValueRemoved, B)]),
    // Unions: Contact only in requests, Owner only in responses.
    (
        "union_variant_added_request",
        &[(K::UnionVariantAdded, N), (K::TypeAdded, N)],
    ),
    (
        "union_variant_added_response",
        &[(K::UnionVariantAdded, F), (K::TypeAdded, N)],
    ),
    (
        "union_variant_removed_request",
        &[(K::UnionVariantRemoved, B), (K::TypeRemoved, N)],
    ),
    (
        "union_variant_removed_response",
        &[(K::UnionVariantRemoved, N), (K::TypeRemoved, N)],
    ),
    // Responses.
    ("response_status_changed", &[(K::ResponseStatusChanged, B)]),
    ("response_body_changed", &[(K::ResponseBodyChanged, B)]),
    ("response_body_added", &[(K::ResponseBodyChanged, N)]),
    ("error_status_added", &[(K::ErrorStatusAdded, F)]),
    ("error_status_removed", &[(K::ErrorStatusRemoved, N)]),
    // Security (one change per operation).
    ("security_alternative_added", &[(K::SecurityChanged, N)]),
    ("security_required_added", &[(K::SecurityChanged, B)]),
    ("security_scheme_replaced", &[(K::SecurityChanged, B)]),
    // Types.
    ("type_added", &[(K::TypeAdded, N)]),
    ("type_removed_unused", &[(K::TypeRemoved, N)]),
    ("type_kind_changed", &[(K::TypeChanged, B)]),
];

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff")
        .join(case)
}

fn run(case: &str) -> Report {
    let dir = case_dir(case);
    let (old, new, _warnings) =
        diff::load_pair(&dir.join("old.yaml"), &dir.join("new.yaml"), "0.3.1")
            .unwrap_or_else(|d| panic!("{case}: fixture does not load:\n{d}"));
    diff::diff(&old, &new)
}

/// Response-only structs are `#[non_exhaustive]` (built with `new` or `Default`), so a new optional field
/// breaks no Rust code, a new required one changes `new`, and sealing a struct breaks struct literals:
/// the Rust side the diff predicts for `cargo semver-checks`.
#[test]
fn rust_breaking_follows_non_exhaustive_response_structs() {
    let table: &[(&str, K, bool)] = &[
        ("response_field_added_optional", K::FieldAdded, false),
        ("response_field_added_required", K::FieldAdded, true),
        ("request_field_added_optional", K::FieldAdded, true),
        ("struct_sealed", K::StructExhaustivenessChanged, true),
        ("body_type_changed", K::StructExhaustivenessChanged, false),
    ];
    for (case, kind, rust_breaking) in table {
        let report = run(case);
        let change = report
            .changes
            .iter()
            .find(|c| c.kind == *kind)
            .unwrap_or_else(|| panic!("{case}: no {kind:?}"));
        assert_eq!(
            change.rust_breaking, *rust_breaking,
            "{case}: {}",
            change.message
        );
    }
}

#[test]
fn every_case_reports_exactly_its_changes() {
    let mut failures = Vec::new();
    for (case, expected) in CASES {
        let report = run(case);
        let got: BTreeSet<(K, C)> = report.changes.iter().map(|c| (c.kind, c.class)).collect();
        let want: BTreeSet<(K, C)> = expected.iter().copied().collect();
        if got != want {
            let detail: Vec<String> = report
                .changes
                .iter()
                .map(|c| format!("    {:?} {:?}: {}", c.kind, c.class, c.message))
                .collect();
            failures.push(format!(
                "{case}: expected {want:?}, got {got:?}\n{}",
                detail.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_directory_is_in_the_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let listed: BTreeSet<&str> = CASES.iter().map(|(c, _)| *c).collect();
    assert_eq!(listed.len(), CASES.len(), "a case is listed twice");
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("tests/diff exists") {
        let name = entry
            .expect("readable entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        on_disk.insert(name);
    }
    let listed: BTreeSet<String> = listed.into_iter().map(str::to_owned).collect();
    assert_eq!(
        on_disk, listed,
        "fixture directories and table entries differ"
    );
}

#[test]
fn every_change_kind_is_covered() {
    let covered: BTreeSet<K> = CASES
        .iter()
        .flat_map(|(_, e)| e.iter().map(|(k, _)| *k))
        .collect();
    // Not listed: UnionVariantChanged (same alternative name, new payload type), which needs a tagged union
    // whose mapping changes; it has no fixture yet.
    let all = [
        K::OperationAdded,
        K::OperationRemoved,
        K::OperationEndpointChanged,
        K::OperationMoved,
        K::ParamAdded,
        K::ParamRemoved,
        K::ParamTypeChanged,
        K::ParamRequiredChanged,
        K::BodyAdded,
        K::BodyRemoved,
        K::BodyTypeChanged,
        K::BodyRequiredChanged,
        K::ResponseStatusChanged,
        K::ResponseBodyChanged,
        K::ErrorStatusAdded,
        K::ErrorStatusRemoved,
        K::SecurityChanged,
        K::TypeAdded,
        K::TypeRemoved,
        K::TypeChanged,
        K::FieldAdded,
        K::FieldRemoved,
        K::FieldTypeChanged,
        K::FieldRequiredChanged,
        K::FieldNullableChanged,
        K::EnumValueAdded,
        K::EnumValueRemoved,
        K::UnionVariantAdded,
        K::UnionVariantRemoved,
    ];
    let missing: Vec<_> = all.iter().filter(|k| !covered.contains(k)).collect();
    assert!(
        missing.is_empty(),
        "change kinds without a fixture: {missing:?}"
    );
}

#[test]
fn bump_follows_the_worst_change_with_0x_rules() {
    let breaking = run("response_field_removed");
    assert_eq!(breaking.bump, Bump::Major);
    assert_eq!(breaking.next_version.as_deref(), Some("0.4.0"));
    let additive = run("operation_added");
    assert_eq!(additive.bump, Bump::Minor);
    assert_eq!(additive.next_version.as_deref(), Some("0.3.2"));
    let none = run("no_change");
    assert_eq!(none.bump, Bump::None);
    assert_eq!(none.next_version.as_deref(), Some("0.3.1"));
    // Wire-compatible, but the struct gains a field: the Rust API breaks.
    let field = run("request_field_added_optional");
    assert_eq!(field.bump, Bump::Minor);
    assert_eq!(field.rust_bump, Bump::Major);
    assert_eq!(Bump::Major.next_version("1.2.3").as_deref(), Some("2.0.0"));
    assert_eq!(Bump::Minor.next_version("1.2.3").as_deref(), Some("1.3.0"));
    assert_eq!(Bump::Patch.next_version("1.2.3").as_deref(), Some("1.2.4"));
    assert_eq!(Bump::Major.next_version("0.0.7").as_deref(), Some("0.0.8"));
    assert_eq!(Bump::Minor.next_version("not a version"), None);
}

#[test]
fn markdown_is_a_pull_request_comment() {
    let report = run("enum_value_removed_both");
    let md = diff::to_markdown(&report);
    let expected = "\
## Klarna spec diff

| class | changes |
|---|---:|
| breaking | 1 |
| non-breaking | 0 |
| forward-compatible | 0 |

Implied bump (wire contract): **major** (0.3.1 → 0.4.0; on 0.y a breaking change bumps the minor number).

### `old`

| class | location | change |
|---|---|---|
| **breaking** | `Kind.dog` | enum value `dog` removed (request and response type) |
";
    assert_eq!(md, expected);

    let md = diff::to_markdown(&run("request_field_became_optional"));
    assert!(
        md.contains("| non-breaking † | `PetInput.nickname` |"),
        "{md}"
    );
    assert!(md.contains("predicted Rust API bump: **major**"), "{md}");
    assert_eq!(
        diff::to_markdown(&run("no_change")),
        "## Klarna spec diff\n\nNo changes to the API surface.\n"
    );
}

#[test]
fn json_has_a_stable_shape() {
    let report = run("param_added_required");
    let json: serde_json::Value =
        serde_json::from_str(&diff::to_json(&report).expect("serializes")).expect("parses");
    assert_eq!(json["version"], "0.3.1");
    assert_eq!(json["bump"], "major");
    assert_eq!(json["next_version"], "0.4.0");
    assert_eq!(json["rust_bump"], "major");
    assert_eq!(
        json["summary"],
        serde_json::json!({"breaking": 1, "non_breaking": 0, "forward_compatible": 0, "rust_breaking": 1})
    );
    assert_eq!(
        json["changes"],
        serde_json::json!([{
            "kind": "param_added",
            "class": "breaking",
            "rust_breaking": true,
            "location": {
                "api": "old",
                "item": "createPet",
                "member": "store",
                "pointer": "#/paths/~1pets/post/parameters/0"
            },
            "message": "required query parameter `store` (string) added"
        }])
    );
}

#[test]
fn directories_are_matched_by_file_stem() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    for d in [&old, &new] {
        std::fs::create_dir(d).expect("mkdir");
    }
    let case = case_dir("operation_removed");
    std::fs::copy(case.join("old.yaml"), old.join("pets.yaml")).expect("copy");
    std::fs::copy(case.join("new.yaml"), new.join("pets.yaml")).expect("copy");
    // A document only on the new side is a new API: all its operations and types are added.
    std::fs::copy(case.join("new.yaml"), new.join("zoo.yaml")).expect("copy");
    std::fs::write(new.join("README.md"), "not a spec").expect("write");
    let (o, n, _) = diff::load_pair(&old, &new, "0.1.0").expect("loads");
    let report = diff::diff(&o, &n);
    let pets: Vec<_> = report
        .changes
        .iter()
        .filter(|c| c.location.api == "pets")
        .map(|c| c.kind)
        .collect();
    assert_eq!(pets, [K::OperationRemoved]);
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.location.api == "zoo" && c.kind == K::OperationAdded)
    );
    assert!(
        report
            .changes
            .iter()
            .filter(|c| c.location.api == "zoo")
            .all(|c| c.class == N)
    );
}

#[test]
fn unreadable_input_is_a_diagnostic() {
    let missing = Path::new("/nonexistent/spec.yaml");
    let err = diff::load_pair(missing, &case_dir("no_change").join("new.yaml"), "0.1.0")
        .expect_err("fails");
    assert!(err.has_errors());
    assert!(
        err.to_string().contains("no such file or directory"),
        "{err}"
    );
}
