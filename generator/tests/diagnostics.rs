//! Diagnostics point where the problem is written: the pointer into the file as written (through
//! compositions), its line and column, and the closest existing name when a `$ref` names none; renames the
//! profile asks for are not warnings.

use klarna_codegen::SpecInput;
use klarna_codegen::profile::Profile;

const SPEC: &str = "openapi: 3.0.3
info: {title: Pets, version: '1'}
paths: {}
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: string}
    Owner:
      type: object
      properties:
        name: {type: string}
    Pet:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            owner:
              $ref: '#/components/schemas/Ownr'
";

#[test]
fn a_missing_ref_inside_all_of_is_reported_where_it_is_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pets.yaml");
    std::fs::write(&path, SPEC).expect("write spec");
    let input = SpecInput {
        path: path.clone(),
        display: "pets.yaml".into(),
    };
    let errors = klarna_codegen::build_ir(&[input], "pets", "0.0.0").expect_err("refused");
    let shown = errors.to_string();
    assert!(
        shown.contains(
            "pets.yaml:19:13 at #/components/schemas/Pet/allOf/1/properties/owner: error: `$ref` to `#/components/schemas/Ownr`, which does not exist; did you mean `Owner`?"
        ),
        "{shown}"
    );
}

const ERRORS: &str = "openapi: 3.0.3
info: {title: Errors, version: '1'}
paths: {}
components:
  schemas:
    Error:
      type: object
      properties:
        message: {type: string}
";

#[test]
fn the_error_body_rename_is_a_warning_only_where_the_profile_does_not_ask_for_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("errors.yaml");
    std::fs::write(&path, ERRORS).expect("write spec");
    let input = || SpecInput {
        path: path.clone(),
        display: "errors.yaml".into(),
    };
    let build = |profile: &Profile| {
        let (krate, warnings) =
            klarna_codegen::build_ir_with(&[input()], "errors", "0.0.0", profile, None)
                .expect("lowers");
        let names: Vec<String> = krate.apis[0]
            .types
            .iter()
            .map(|t| t.name.rust.clone())
            .collect();
        (names, warnings.to_string())
    };
    let (names, warnings) = build(&Profile::klarna());
    assert_eq!(names, ["ErrorBody"]);
    assert!(warnings.is_empty(), "{warnings}");
    let (names, warnings) = build(&Profile::neutral());
    assert_eq!(names, ["ErrorBody"]);
    assert!(
        warnings.contains(
            "errors.yaml:6:5 at #/components/schemas/Error: warning: type `Error` renamed to `ErrorBody`"
        ),
        "{warnings}"
    );
}
