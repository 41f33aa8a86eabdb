//! `$ref`s are decoded the same way everywhere: percent-escapes and `~1`/`~0` in component names work for
//! plain references, `allOf` merging and nullability seen through a reference.

use klarna_codegen::SpecInput;
use klarna_codegen::ir::{Presence, TypeKind};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Refs, version: "1"}
paths:
  /things:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '400':
          $ref: '#/components/responses/Bad%20Request'
components:
  responses:
    Bad Request:
      description: bad
      content:
        application/json:
          schema: {$ref: '#/components/schemas/a~1b'}
  schemas:
    Money Amount:
      type: object
      required: [value]
      properties:
        value: {type: integer}
    a/b:
      type: object
      nullable: true
      properties:
        reason: {type: string}
    Thing:
      allOf:
        - $ref: '#/components/schemas/Money%20Amount'
        - type: object
          required: [note]
          properties:
            note: {$ref: '#/components/schemas/a~1b'}
"##;

#[test]
fn escaped_component_names_resolve_for_merging_nullability_and_responses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("refs.yaml");
    std::fs::write(&path, SPEC).expect("write spec");
    let (krate, warnings) =
        klarna_codegen::build_ir(&[SpecInput::new(&path)], "refs", "0.0.0").expect("lowers");
    assert!(warnings.is_empty(), "{warnings}");
    let api = &krate.apis[0];
    let thing = api
        .types
        .iter()
        .find(|t| t.name.wire == "Thing")
        .expect("Thing");
    let TypeKind::Struct { fields, .. } = &thing.kind else {
        panic!("Thing is merged into a struct: {:?}", thing.kind);
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name.wire.as_str()).collect();
    assert_eq!(
        names,
        ["value", "note"],
        "allOf through `Money%20Amount` merged"
    );
    let note = &fields[1];
    assert_eq!(
        note.presence,
        Presence::RequiredNullable,
        "nullable seen through `a~1b`"
    );
    let op = &api.resources[0].operations[0];
    assert_eq!(
        op.errors.len(),
        1,
        "the 400 response through `Bad%20Request`"
    );
}
