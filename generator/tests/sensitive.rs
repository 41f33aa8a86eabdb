//! Sensitive values: `x-klarna-sensitive: true` on a property (inline, or beside an `allOf: [{$ref}]`) or a
//! parameter, and `format: password`, set `sensitive` in the IR; everything else stays not sensitive. What
//! the templates make of it is compiled in the golden crate (`klarna_golden::sensitive`) and tested against a
//! local server in `tests/tests/sensitive.rs`.

use klarna_codegen::SpecInput;
use klarna_codegen::ir::{Api, Field, Operation, TypeKind};

fn api() -> Api {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sensitive.yaml");
    let (krate, warnings) =
        klarna_codegen::build_ir(&[SpecInput::new(&path)], "sensitive", "0.0.0").expect("lowers");
    assert!(warnings.is_empty(), "{warnings}");
    krate.apis.into_iter().next().expect("one API")
}

fn fields<'a>(api: &'a Api, ty: &str) -> &'a [Field] {
    let def = api
        .types
        .iter()
        .find(|t| t.name.wire == ty)
        .unwrap_or_else(|| panic!("type {ty}"));
    match &def.kind {
        TypeKind::Struct { fields, .. } => fields,
        other => panic!("{ty} is a struct: {other:?}"),
    }
}

fn sensitive_fields(api: &Api, ty: &str) -> Vec<String> {
    fields(api, ty)
        .iter()
        .filter(|f| f.sensitive)
        .map(|f| f.name.wire.clone())
        .collect()
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.resources
        .iter()
        .flat_map(|r| &r.operations)
        .find(|o| o.id.wire == id)
        .unwrap_or_else(|| panic!("operation {id}"))
}

#[test]
fn properties_marked_or_passwords_are_sensitive() {
    let api = api();
    // inline marker, and the marker beside `allOf: [{$ref}]`
    assert_eq!(sensitive_fields(&api, "Token"), ["value", "holder"]);
    // `format: password`, deprecated or not
    assert_eq!(
        sensitive_fields(&api, "CredentialRequest"),
        ["password", "previous_password"]
    );
    // `x-klarna-sensitive: false` is not sensitive
    assert_eq!(sensitive_fields(&api, "Credential"), ["secret"]);
    assert!(sensitive_fields(&api, "Holder").is_empty());
}

#[test]
fn parameters_marked_or_passwords_are_sensitive() {
    let api = api();
    let read = operation(&api, "readToken");
    let flags = |params: &[klarna_codegen::ir::Param]| -> Vec<(String, bool)> {
        params
            .iter()
            .map(|p| (p.name.wire.clone(), p.sensitive))
            .collect()
    };
    assert_eq!(
        flags(&read.path_params),
        [("account_id".into(), false), ("token".into(), true)]
    );
    assert_eq!(flags(&read.query_params), [("access_code".into(), true)]);
    assert_eq!(
        flags(&read.header_params),
        [
            ("Klarna-Customer-Token".into(), true),
            ("Partner-Reference".into(), false)
        ]
    );
    let create = operation(&api, "createCredential");
    assert!(create.idempotent);
    assert_eq!(flags(&create.header_params), [("X-Session".into(), true)]);
}
