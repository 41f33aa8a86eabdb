//! `$ref` where bundlers accept it beyond the grammar's places: a whole map or list (`properties`,
//! `parameters`, `paths`), and text (`description: {$ref: intro.md}`); never inside literal values.

use klarna_codegen::SpecInput;
use klarna_codegen::ir::{Presence, TypeKind};

fn load(files: &[(&str, &str)]) -> Result<klarna_codegen::load::LoadedSpec, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    let root = dir.path().join("root.yaml");
    klarna_codegen::load::load(&root, "root.yaml").map_err(|d| d.to_string())
}

const ROOT: &str = r##"
openapi: 3.0.3
info:
  title: Whole refs
  version: "1"
  description: {$ref: 'docs/intro.md'}
servers: {$ref: '#/x-servers'}
x-servers:
  - url: https://api.example.com
paths:
  /pets:
    get:
      operationId: listPets
      description: {$ref: 'docs/texts.yaml#/list'}
      parameters: {$ref: 'common.yaml#/pageParameters'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  x-shared:
    named: {name: {type: string}}
  schemas:
    Pet:
      type: object
      required: [id]
      properties: {$ref: 'common.yaml#/petProperties'}
      example: {description: {$ref: 'docs/intro.md'}, id: {$ref: 'x.yaml'}}
    Named:
      type: object
      properties: {$ref: '#/components/x-shared/named'}
      description: {$ref: '#/components/x-texts/named'}
  x-texts:
    named: A thing with a name.
"##;

const COMMON: &str = r##"
pageParameters:
  - {name: size, in: query, schema: {type: integer, format: int32}}
  - $ref: '#/cursor'
cursor: {name: after, in: query, schema: {type: string}}
petProperties:
  id: {type: string}
  owner: {$ref: '#/Owner'}
Owner:
  type: object
  properties:
    name: {type: string, description: {$ref: 'docs/texts.yaml#/ownerName'}}
"##;

#[test]
fn whole_maps_lists_and_texts_are_resolved() {
    let spec = load(&[
        ("root.yaml", ROOT),
        ("common.yaml", COMMON),
        ("docs/intro.md", "# Pets\n\nA *pet* store.\n"),
        (
            "docs/texts.yaml",
            "list: Lists the pets.\nownerName: The owner's name.\n",
        ),
    ])
    .unwrap_or_else(|e| panic!("refused:\n{e}"));
    let raw = &spec.raw;
    assert_eq!(raw["info"]["description"], "# Pets\n\nA *pet* store.");
    assert_eq!(
        raw["servers"],
        serde_json::json!([{"url": "https://api.example.com"}])
    );
    assert_eq!(
        raw["paths"]["/pets"]["get"]["description"],
        "Lists the pets."
    );
    let params = raw["paths"]["/pets"]["get"]["parameters"]
        .as_array()
        .expect("a list");
    assert_eq!(params.len(), 2);
    assert_eq!(params[0]["name"], "size");
    let pet = &raw["components"]["schemas"]["Pet"];
    assert_eq!(
        pet["properties"]["id"],
        serde_json::json!({"type": "string"})
    );
    // The owner schema, which the properties' file refers to, is imported under a component name.
    let owner_ref = pet["properties"]["owner"]["$ref"].as_str().expect("a $ref");
    assert_eq!(owner_ref, "#/components/schemas/Owner");
    assert_eq!(
        raw["components"]["schemas"]["Owner"]["properties"]["name"]["description"],
        "The owner's name."
    );
    // A local whole-map and text reference.
    let named = &raw["components"]["schemas"]["Named"];
    assert_eq!(
        named["properties"]["name"],
        serde_json::json!({"type": "string"})
    );
    assert_eq!(named["description"], "A thing with a name.");
    // Literal values keep their `$ref` keys.
    assert_eq!(
        pet["example"]["description"],
        serde_json::json!({"$ref": "docs/intro.md"})
    );

    // And the document generates the types they describe.
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in [
        ("root.yaml", ROOT),
        ("common.yaml", COMMON),
        ("docs/intro.md", "# Pets\n"),
        ("docs/texts.yaml", "list: Lists.\nownerName: Name.\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    let (krate, _) = klarna_codegen::build_ir(
        &[SpecInput::new(dir.path().join("root.yaml"))],
        "refs",
        "0.0.0",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let api = &krate.apis[0];
    let pet = api
        .types
        .iter()
        .find(|t| t.name.rust == "Pet")
        .expect("Pet");
    let TypeKind::Struct { fields, .. } = &pet.kind else {
        panic!("Pet is not a struct: {:?}", pet.kind);
    };
    let names: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| (f.name.wire.as_str(), f.presence == Presence::Required))
        .collect();
    assert_eq!(names, [("id", true), ("owner", false)]);
    let op = &api.resources[0].operations[0];
    let query: Vec<&str> = op
        .query_params
        .iter()
        .map(|p| p.name.wire.as_str())
        .collect();
    assert_eq!(query, ["size", "after"]);
}

#[test]
fn a_whole_map_ref_to_the_wrong_thing_is_a_located_error() {
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties: {$ref: 'texts.yaml#/text'}\n    B:\n      type: object\n      description: {$ref: '#/components/schemas/A'}\n";
    let err =
        load(&[("root.yaml", root), ("texts.yaml", "text: just text\n")]).expect_err("refused");
    assert!(
        err.contains("#/components/schemas/A/properties/$ref")
            && err.contains("stands for a map here, but its target is not one"),
        "{err}"
    );
    assert!(
        err.contains("#/components/schemas/B/description/$ref")
            && err.contains("stands for text here, but its target is not a string"),
        "{err}"
    );
}

/// Text `$ref`s inside lists the grammar does not name (a tag's or a server's `description`), as
/// DigitalOcean's multi-file document writes its tag introductions.
#[test]
fn text_refs_in_tags_and_servers_are_resolved() {
    let root = r##"
openapi: 3.0.3
info: {title: Tagged, version: "1"}
servers:
  - url: https://api.example.com
    description: {$ref: '#/x-texts/server'}
tags:
  - name: Introduction
    description: {$ref: 'docs/texts.yaml#/introduction'}
  - name: Pets
    description: {$ref: 'docs/pets.md'}
paths: {}
x-texts:
  server: Production.
"##;
    let spec = load(&[
        ("root.yaml", root),
        ("docs/texts.yaml", "introduction: Welcome.\n"),
        ("docs/pets.md", "All about pets.\n"),
    ])
    .unwrap_or_else(|e| panic!("refused:\n{e}"));
    assert_eq!(spec.raw["tags"][0]["description"], "Welcome.");
    assert_eq!(spec.raw["tags"][1]["description"], "All about pets.");
    assert_eq!(spec.raw["servers"][0]["description"], "Production.");
}
