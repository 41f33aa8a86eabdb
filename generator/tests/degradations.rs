//! Every warning that says the generated crate differs from the document (a part dropped or ignored, a
//! schema untyped, a name changed) carries its `Degradation` tag, from the loader's repairs as from
//! lowering, so `cargo xtask corpus` counts it and `--deny-dropped` / `--deny-untyped` / `--deny-renamed`
//! refuse it with nothing written; a repair that keeps the meaning is an untagged warning that no option
//! refuses.
//!
//! One document per class in `generator/tests/fixtures/degradations/`, each giving warnings of its class only.

use std::path::PathBuf;
use std::process::Command;

use klarna_codegen::diag::{Degradation, Diagnostics, Severity};
use klarna_codegen::profile::Profile;
use klarna_codegen::render::{RenderOptions, RuntimeDependency};
use klarna_codegen::{SpecInput, Strictness};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/degradations")
        .join(name)
}

fn input(name: &str) -> SpecInput {
    SpecInput {
        path: fixture(name),
        display: name.to_owned(),
    }
}

/// The document's warnings, as `klarna-codegen generate` (the neutral profile) meets them.
fn warnings(name: &str) -> Diagnostics {
    let (_, warnings) =
        klarna_codegen::build_ir_with(&[input(name)], "t", "0.0.0", &Profile::neutral(), None)
            .unwrap_or_else(|d| panic!("{name} refused:\n{d}"));
    assert!(
        warnings.iter().all(|d| d.severity == Severity::Warning),
        "{warnings}"
    );
    warnings
}

/// Each warning's pointer and tag, in order.
fn tags(warnings: &Diagnostics) -> Vec<(String, Option<Degradation>)> {
    warnings
        .iter()
        .map(|d| {
            (
                d.location.pointer().unwrap_or("(no pointer)").to_owned(),
                d.degradation,
            )
        })
        .collect()
}

/// The warnings of lowering the document `text` (written to a temporary file named `name`) with the
/// neutral profile.
fn warnings_of_text(name: &str, text: &str) -> Diagnostics {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write spec");
    let (_, warnings) = klarna_codegen::build_ir_with(
        &[SpecInput {
            path,
            display: name.into(),
        }],
        "t",
        "0.0.0",
        &Profile::neutral(),
        None,
    )
    .unwrap_or_else(|d| panic!("{name} refused:\n{d}"));
    warnings
}

fn generate(name: &str, strictness: Strictness) -> Result<(), Diagnostics> {
    klarna_codegen::generate_strict(
        &[input(name)],
        "t",
        "0.0.0",
        &Profile::neutral(),
        &RenderOptions {
            runtime: RuntimeDependency::Path("../runtime".into()),
            standalone: true,
            regen_command: "cargo test".into(),
            models_per_file: klarna_codegen::render::MODELS_PER_FILE,
        },
        strictness,
    )
    .map(|_| ())
}

/// `name` has exactly the warnings at `pointers`, each tagged `degradation`; the option refuses every one
/// of them (as a located error naming the option), in the library and in the binary, which writes
/// nothing; without the option the document generates.
fn class(name: &str, degradation: Degradation, option: &str, pointers: &[&str]) {
    let warnings = warnings(name);
    let expected: Vec<(String, Option<Degradation>)> = pointers
        .iter()
        .map(|p| ((*p).to_owned(), Some(degradation)))
        .collect();
    assert_eq!(tags(&warnings), expected, "{warnings}");
    assert_eq!(warnings.count(degradation), pointers.len());

    let strictness = Strictness {
        deny_untyped: option == "--deny-untyped",
        deny_dropped: option == "--deny-dropped",
        deny_renamed: option == "--deny-renamed",
    };
    let refused = generate(name, strictness).expect_err("refused");
    let errors: Vec<String> = refused.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), pointers.len(), "{refused}");
    for (error, pointer) in errors.iter().zip(pointers) {
        assert!(
            error.contains(&format!(" at {pointer}: error: "))
                && error.ends_with(&format!("(refused by {option})")),
            "{error}"
        );
    }
    generate(name, Strictness::default()).unwrap_or_else(|d| panic!("{d}"));

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_klarna-codegen"))
        .arg("generate")
        .arg(fixture(name))
        .arg("--out")
        .arg(&out)
        .arg(option)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.matches(&format!("(refused by {option})")).count(),
        pointers.len(),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn parts_left_out_or_ignored_are_dropped_and_deny_dropped_refuses_them() {
    class(
        "dropped.yaml",
        Degradation::Dropped,
        "--deny-dropped",
        &[
            // lower: an `allOf` property defined twice.
            "#/components/schemas/Dog/allOf/1/properties/barks",
            // load: a discriminator without `propertyName`.
            "#/components/schemas/Kind/discriminator",
            // lower: `type` beside `allOf` and `properties`.
            "#/components/schemas/Legacy",
            // lower: an integer enum whose only value is null.
            "#/components/schemas/Nothing",
            // lower: `required` naming no property.
            "#/components/schemas/Pet",
            // load: validation keywords and flags of the wrong type.
            "#/components/schemas/Pet/properties/name/maxLength",
            "#/components/schemas/Pet/properties/nickname/nullable",
            // load: `required` entries that are not names.
            "#/components/schemas/Pet/required",
            // load: a discriminator mapping entry that is not a `$ref` text.
            "#/components/schemas/Shape/discriminator/mapping/round",
            // load: enum values of the wrong type.
            "#/components/schemas/Size/enum/1",
            "#/components/schemas/Size/enum/2",
            // lower: security schemes the client does not send as declared.
            "#/components/securitySchemes/digest",
            "#/components/securitySchemes/oauth",
            // load: scopes that are neither a map nor null.
            "#/components/securitySchemes/oauth/flows/password/scopes",
            // load: a requirement's scopes that are neither a list nor null.
            "#/paths/~1pets/get/security/0/oauth",
        ],
    );
}

#[test]
fn schemas_generated_as_json_values_are_untyped_and_deny_untyped_refuses_them() {
    class(
        "untyped.yaml",
        Degradation::Untyped,
        "--deny-untyped",
        &[
            "#/components/schemas/Pet/properties/never",
            "#/components/schemas/Pet/properties/odd",
            "#/paths/~1pets/get/parameters/0",
        ],
    );
}

#[test]
fn names_changed_from_the_documents_are_renamed_and_deny_renamed_refuses_them() {
    class(
        "renamed.yaml",
        Degradation::Renamed,
        "--deny-renamed",
        &[
            // A type named like the runtime's error type.
            "#/components/schemas/Error",
            // A path parameter spelled differently from the path template.
            "#/paths/~1pets~1{petId}/get/parameters/0",
            // A server constant taken by an earlier server.
            "#/servers/1",
        ],
    );
}

#[test]
fn repairs_that_keep_the_meaning_are_untagged_and_no_option_refuses_them() {
    let warnings = warnings("kept.yaml");
    let shown = warnings.to_string();
    for expected in [
        "at #/components/schemas/Pet/properties/color: warning: duplicate enum value `red` listed once",
        "at #/components/schemas/Pet/properties/name/required: warning: `required: true` on a property",
        "at #/components/schemas/Pet/properties/nickname/required: warning: `required: false` on a property",
        "at #/components/schemas/Size/enum/1: warning: an integer enum's values are numbers",
        "at #/info/version: warning: `version` must be text",
        "at #/paths/~1pets/get: warning: operation has no `operationId`",
        "at #/paths/~1pets/get/parameters/0/required: warning: `required` must be a boolean",
        "at #/paths/~1pets/get/parameters/1: warning: parameter `tags`: OpenAPI defines style `deepObject` for objects only; this list is sent with indices",
        "at #/paths/~1pets/get/parameters/0/schema/exclusiveMinimum: warning: `exclusiveMinimum: 0` is OpenAPI 3.1's spelling",
        "at #/security/0/basic: warning: the scopes of security requirement `basic` must be a list (empty for none); `null` is read as no scopes",
        "at #/servers/0/variables/region/default: warning: `default` must be text",
        "at #/servers/0/variables/region/enum/0: warning: a server variable's values are text",
    ] {
        assert!(
            shown.contains(expected),
            "missing {expected:?} in:\n{shown}"
        );
    }
    assert!(
        warnings.iter().all(|d| d.degradation.is_none()),
        "{:?}",
        tags(&warnings)
    );
    let all = Strictness {
        deny_untyped: true,
        deny_dropped: true,
        deny_renamed: true,
    };
    generate("kept.yaml", all).unwrap_or_else(|d| panic!("refused:\n{d}"));
}

#[test]
fn boolean_items_of_openapi_3_1_are_tagged_only_when_the_list_loses_its_rule() {
    let warnings = warnings_of_text(
        "items.yaml",
        "openapi: 3.1.0
info: {title: Items, version: '1'}
paths: {}
components:
  schemas:
    Anything: {type: array, items: true}
    Nothing: {type: array, items: false}
",
    );
    assert_eq!(
        tags(&warnings),
        [
            ("#/components/schemas/Anything/items".to_owned(), None),
            (
                "#/components/schemas/Nothing/items".to_owned(),
                Some(Degradation::Dropped)
            ),
        ],
        "{warnings}"
    );
}

#[test]
fn a_dynamic_reference_that_is_not_the_enclosing_component_is_tagged() {
    let warnings = warnings_of_text(
        "dynamic.yaml",
        "openapi: 3.1.0
info: {title: Dynamic, version: '1'}
paths: {}
components:
  schemas:
    Tree:
      type: object
      properties:
        anchored: {$dynamicRef: '#node'}
        typed: {type: object, properties: {a: {type: string}}, $recursiveRef: '#/x'}
        itself: {$recursiveRef: '#'}
",
    );
    assert_eq!(
        tags(&warnings),
        [
            (
                "#/components/schemas/Tree/properties/anchored/$dynamicRef".to_owned(),
                Some(Degradation::Untyped)
            ),
            (
                "#/components/schemas/Tree/properties/itself/$recursiveRef".to_owned(),
                None
            ),
            (
                "#/components/schemas/Tree/properties/typed/$recursiveRef".to_owned(),
                Some(Degradation::Dropped)
            ),
        ],
        "{warnings}"
    );
}
