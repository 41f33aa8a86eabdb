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

/// Writes `files` (relative path, content) into a temporary directory and lowers `root.yaml`.
fn lower_files(
    files: &[(&str, &str)],
) -> Result<(klarna_codegen::ir::Crate, klarna_codegen::Diagnostics), klarna_codegen::Diagnostics> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    klarna_codegen::build_ir(
        &[SpecInput::new(dir.path().join("root.yaml"))],
        "refs",
        "0.0.0",
    )
}

#[test]
fn the_multi_file_fixture_reads_every_kind_of_external_ref() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multifile.yaml");
    let (krate, warnings) =
        klarna_codegen::build_ir(&[SpecInput::new(&path)], "multi", "0.0.0").expect("lowers");
    assert!(warnings.is_empty(), "{warnings}");
    let api = &krate.apis[0];
    let types: Vec<&str> = api.types.iter().map(|t| t.name.rust.as_str()).collect();
    assert_eq!(
        types,
        ["Literal", "NewPet", "Owner", "Pet", "Problem", "Tag"]
    );
    let ops: Vec<&klarna_codegen::ir::Operation> =
        api.resources.iter().flat_map(|r| &r.operations).collect();
    let ids: Vec<&str> = ops.iter().map(|o| o.id.wire.as_str()).collect();
    assert_eq!(ids, ["createPet", "getPet", "listPets"]);
    let list = ops
        .iter()
        .find(|o| o.id.wire == "listPets")
        .expect("listPets");
    assert_eq!(
        list.query_params[0].name.wire, "limit",
        "parameter from another file"
    );
    let get = ops.iter().find(|o| o.id.wire == "getPet").expect("getPet");
    assert_eq!(
        get.path_params[0].name.wire, "pet_id",
        "path-item parameter from another file"
    );
    assert_eq!(get.errors.len(), 1, "the 404 response from another file");
}

#[test]
fn ref_keys_inside_literal_values_are_data() {
    let root = r#"
openapi: 3.0.3
info: {title: Literal, version: "1"}
x-meta: {$ref: 'missing.yaml'}
paths:
  x-internal: {$ref: 'missing.yaml'}
  /things:
    get:
      operationId: getThing
      parameters:
        - {name: q, in: query, schema: {type: string}, example: {$ref: 'missing.yaml'}}
      responses:
        x-note: {$ref: 'missing.yaml'}
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {$ref: 'missing.yaml#/Thing'}
              examples:
                one: {value: {$ref: 'missing.yaml'}}
components:
  schemas:
    Thing:
      type: object
      properties:
        kind: {type: string, enum: [a], default: a}
        blob: {type: object, default: {$ref: 'missing.yaml'}}
      x-notes: {$ref: 'missing.yaml'}
"#;
    let (krate, warnings) =
        lower_files(&[("root.yaml", root)]).expect("no `$ref` in data is followed");
    assert!(warnings.is_empty(), "{warnings}");
    assert_eq!(krate.apis[0].types[0].name.wire, "Thing");
}

#[test]
fn an_unresolved_or_cyclic_external_ref_is_a_located_error() {
    let root = r#"
openapi: 3.0.3
info: {title: Broken, version: "1"}
paths:
  /a:
    $ref: 'items.yaml#/A'
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Missing'}
"#;
    let items = "A:\n  $ref: '#/A'\n";
    let schemas = "Present: {type: string}\n";
    let err = lower_files(&[
        ("root.yaml", root),
        ("items.yaml", items),
        ("schemas.yaml", schemas),
    ])
    .expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("#/paths/~1a/$ref") && text.contains("a reference cycle"),
        "{text}"
    );
    assert!(
        text.contains("$ref") && text.contains("`#/Missing` not found in"),
        "{text}"
    );
}

#[test]
fn a_component_keeps_its_name_when_an_inline_schema_wants_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/naming.yaml");
    let (krate, _) =
        klarna_codegen::build_ir(&[SpecInput::new(&path)], "naming", "0.0.0").expect("lowers");
    let api = &krate.apis[0];
    let pet_owner = api
        .types
        .iter()
        .find(|t| t.name.rust == "PetOwner")
        .expect("the component PetOwner is emitted");
    assert_eq!(pet_owner.pointer, "#/components/schemas/PetOwner");
    let inline = api
        .types
        .iter()
        .find(|t| t.pointer == "#/components/schemas/Pet/properties/owner")
        .expect("the inline owner type is emitted");
    assert_ne!(inline.name.rust, "PetOwner");
}

#[test]
fn discriminator_mapping_values_naming_other_files_follow_their_refs() {
    // DigitalOcean (digitalocean/openapi specification/resources/volumes/volumeActions_post.yml): the
    // alternatives and the mapping name the same files; every alternative extends a base whose `type`
    // lists all three values, so without the mapping no value could pick one (an untagged union).
    let root = r#"
openapi: 3.0.3
info: {title: Actions, version: "1"}
paths:
  /volumes/actions:
    $ref: 'resources/volumes/actions.yml'
"#;
    let actions = r#"
post:
  operationId: postVolumeAction
  requestBody:
    required: true
    content:
      application/json:
        schema:
          anyOf:
            - $ref: 'models/attach.yml'
            - $ref: 'models/detach.yml#/Detach'
          discriminator:
            propertyName: type
            mapping:
              attach_volume: 'models/attach.yml'
              detach_volume: 'models/detach.yml#/Detach'
  responses:
    '204': {description: ok}
"#;
    let base = "type: object\nrequired: [type]\nproperties:\n  type: {type: string, enum: [attach_volume, detach_volume]}\n";
    let attach = "allOf:\n  - $ref: 'base.yml'\n  - properties: {droplet_id: {type: integer}}\n";
    let detach =
        "Detach:\n  allOf:\n    - $ref: 'base.yml'\n    - properties: {region: {type: string}}\n";
    let (krate, warnings) = lower_files(&[
        ("root.yaml", root),
        ("resources/volumes/actions.yml", actions),
        ("resources/volumes/models/base.yml", base),
        ("resources/volumes/models/attach.yml", attach),
        ("resources/volumes/models/detach.yml", detach),
    ])
    .unwrap_or_else(|d| panic!("refused:\n{d}"));
    assert!(warnings.is_empty(), "{warnings}");
    let api = &krate.apis[0];
    let union = api
        .types
        .iter()
        .find(|t| matches!(t.kind, TypeKind::Union { .. }))
        .expect("a union");
    let TypeKind::Union {
        discriminator,
        variants,
    } = &union.kind
    else {
        unreachable!()
    };
    assert_eq!(discriminator.as_deref(), Some("type"));
    let tags: Vec<(&str, Vec<&str>)> = variants
        .iter()
        .map(|v| {
            (
                v.name.rust.as_str(),
                v.tags.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        tags,
        [
            ("Attach", vec!["attach_volume"]),
            ("Detach", vec!["detach_volume"])
        ]
    );
}
