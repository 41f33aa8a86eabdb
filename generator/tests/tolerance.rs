//! Documents that are invalid in ways whose meaning is clear, or only in keywords that validate, are
//! generated with a warning at each place instead of refused; and YAML is read by the 1.2 core schema, so
//! `NO` and `y` are the strings they look like.

use klarna_codegen::SpecInput;
use klarna_codegen::ir::{Presence, TypeKind, TypeRef};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Tolerance, version: 1.0}
security:
  - oauth2: null
paths:
  /pets/{petId}/visits/{visit-id}:
    get:
      operationId: getVisit
      parameters:
        - {name: pet_id, in: path, required: true, schema: {type: string}}
        - {name: VisitId, in: path, required: true, schema: {type: string}}
        - {name: country, in: query, schema: {$ref: '#/components/schemas/Country'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Visit'}
components:
  securitySchemes:
    oauth2:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: 'https://auth.example.com/token', scopes: null}
  schemas:
    Country:
      type: string
      enum: [SE, NO, DK, FI]
    Visit:
      type: object
      required: [y, on]
      properties:
        y: {type: integer}
        on: {type: boolean}
        due:
          type: string
          format: date
          minimum: "now + 7 days"
        nights: {type: integer, maximum: "two weeks", minimum: 1}
        pet: {$ref: '#/components/schemas/Pet'}
    Pet:
      oneOf:
        - {$ref: '#/components/schemas/Cat'}
        - {$ref: '#/components/schemas/Dog'}
      discriminator:
        mapping: {cat: '#/components/schemas/Cat'}
    Cat:
      type: object
      required: [meows]
      properties: {meows: {type: boolean}}
    Dog:
      type: object
      required: [barks]
      properties: {barks: {type: boolean}}
"##;

#[test]
fn tolerable_invalidity_is_generated_with_located_warnings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tolerance.yaml");
    std::fs::write(&path, SPEC).expect("write spec");
    let (krate, warnings) = klarna_codegen::build_ir(&[SpecInput::new(&path)], "t", "0.0.0")
        .unwrap_or_else(|d| panic!("refused:\n{d}"));
    let shown = warnings.to_string();
    for expected in [
        "at #/info/version: warning: `version` must be text",
        "at #/security/0/oauth2: warning: the scopes of security requirement `oauth2` must be a list",
        "at #/components/securitySchemes/oauth2/flows/clientCredentials/scopes: warning:",
        "at #/components/schemas/Visit/properties/due/minimum: warning: `minimum` must be a number; `\"now + 7 days\"` is ignored",
        "at #/components/schemas/Visit/properties/nights/maximum: warning: `maximum` must be a number",
        "at #/components/schemas/Pet/discriminator: warning: a `discriminator` needs a `propertyName`",
        "at #/paths/~1pets~1{petId}~1visits~1{visit-id}/get/parameters/0: warning: path parameter `pet_id` is written `{petId}`",
        "at #/paths/~1pets~1{petId}~1visits~1{visit-id}/get/parameters/1: warning: path parameter `VisitId` is written `{visit-id}`",
    ] {
        assert!(
            shown.contains(expected),
            "missing {expected:?} in:\n{shown}"
        );
    }
    let api = &krate.apis[0];
    let op = &api.resources[0].operations[0];
    let path_params: Vec<(&str, &str)> = op
        .path_params
        .iter()
        .map(|p| (p.name.wire.as_str(), p.name.rust.as_str()))
        .collect();
    assert_eq!(path_params, [("petId", "pet_id"), ("visit-id", "visit_id")]);

    let ty = |name: &str| {
        api.types
            .iter()
            .find(|t| t.name.wire == name)
            .unwrap_or_else(|| panic!("no type {name}"))
    };
    // YAML 1.2: `NO` is Norway, not `false`.
    let TypeKind::StringEnum { variants, .. } = &ty("Country").kind else {
        panic!("Country is not a string enum: {:?}", ty("Country").kind);
    };
    let wire: Vec<&str> = variants.iter().map(|v| v.name.wire.as_str()).collect();
    assert_eq!(wire, ["SE", "NO", "DK", "FI"]);
    // `required: [y, on]` names the properties `y` and `on`.
    let TypeKind::Struct { fields, .. } = &ty("Visit").kind else {
        panic!("Visit is not a struct");
    };
    let required: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| (f.name.wire.as_str(), f.presence == Presence::Required))
        .collect();
    assert_eq!(
        required,
        [
            ("y", true),
            ("on", true),
            ("due", false),
            ("nights", false),
            ("pet", false)
        ]
    );
    // The discriminator-less union is still a typed union of both variants.
    assert!(
        matches!(&ty("Pet").kind, TypeKind::Union { variants, .. } if variants.len() == 2),
        "{:?}",
        ty("Pet").kind
    );
    assert!(fields.iter().all(|f| f.ty != TypeRef::Json));
}
