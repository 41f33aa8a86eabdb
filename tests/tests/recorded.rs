//! Recorded responses replay against the SDK: every fixture in `tests/fixtures/recorded/` (written by
//! `cargo xtask live-check`, or seeded from a confirmed example of `specs/`) decodes through the generated
//! types of its operation's response and passes `klarna-codegen`'s conformance check without drift.
//!
//! A fixture is `{"operation", "status", "request", "source", "headers", "body"}` (`body_text` instead of
//! `body` when the response was not JSON). `source` says where it came from: `recorded from <base URL>` or
//! `seeded from the example of specs/...`.

use std::path::{Path, PathBuf};

use klarna_codegen::conform;
use klarna_codegen::ir::{self, ResponseBody, TypeRef};
use klarna_tests::collection::Specs;
use serde_json::Value;

/// How many fixtures the directory holds today (85 seeded from the specs' examples). The test fails when it
/// reads fewer, so a fixture that goes missing cannot pass silently. Raise it when adding fixtures.
const MIN_FIXTURES: usize = 85;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Decodes `value` through the generated type `ty` of `api`: named types through `klarna::registry`,
/// containers element by element (scalars are left to the conformance check).
fn decode(api: &ir::Api, ty: &TypeRef, value: &Value, at: &str, problems: &mut Vec<String>) {
    match (ty, value) {
        (TypeRef::Named(id), _) => {
            let full = api.registry_name(*id);
            match klarna::registry::roundtrip(&full, value.clone()) {
                None => problems.push(format!("{at}: {full} is not in klarna::registry")),
                Some(Err(e)) => problems.push(format!("{at}: {full} does not decode it: {e}")),
                Some(Ok(_)) => {}
            }
        }
        (TypeRef::List(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                decode(api, inner, item, &format!("{at}/{i}"), problems);
            }
        }
        (TypeRef::Map(inner), Value::Object(map)) => {
            for (k, item) in map {
                decode(api, inner, item, &format!("{at}/{k}"), problems);
            }
        }
        _ => {}
    }
}

/// Checks one fixture; every problem names the file as `name`.
fn replay(specs: &Specs, file: &Path, name: &str, problems: &mut Vec<String>) {
    let fixture: Value = match std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return problems.push(format!("{name}: not a JSON fixture: {e}")),
    };
    let (Some(operation), Some(status)) = (
        fixture["operation"].as_str(),
        fixture["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok()),
    ) else {
        return problems.push(format!(
            "{name}: needs `operation` (text) and `status` (number)"
        ));
    };
    let source = fixture["source"].as_str().unwrap_or_default();
    if !(source.starts_with("recorded from ") || source.starts_with("seeded from ")) {
        problems.push(format!(
            "{name}: `source` must say `recorded from ...` or `seeded from ...`"
        ));
    }
    if !fixture["request"].is_string() || !fixture["headers"].is_object() {
        problems.push(format!(
            "{name}: needs `request` (text) and `headers` (object)"
        ));
    }
    let bytes = match (fixture.get("body"), fixture["body_text"].as_str()) {
        (Some(body), _) => serde_json::to_vec(body).unwrap_or_default(),
        (None, Some(text)) => text.as_bytes().to_vec(),
        (None, None) => Vec::new(),
    };
    let report = match conform::conform(&specs.krate, operation, status, &bytes) {
        Ok(r) => r,
        Err(e) => return problems.push(format!("{name}: {e}")),
    };
    if report.has_drift() {
        problems.push(format!("{name}: drifts from specs/:\n{}", report.to_text()));
    }
    let Ok((api, op)) = conform::find_operation(&specs.krate, operation) else {
        return;
    };
    if let (Some((_, Some(ResponseBody::Json(ty)))), Some(body)) =
        (conform::documented(op, status), fixture.get("body"))
    {
        decode(api, ty, body, &format!("{name}: body"), problems);
    }
}

#[test]
fn recorded_responses_decode_and_conform() {
    let root = root();
    let specs = Specs::load(&root).expect("specs load");
    let dir = root.join("tests/fixtures/recorded");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the fixture directory exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        replay(&specs, file, &name, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        files.len() >= MIN_FIXTURES,
        "{} fixtures in {}, expected at least {MIN_FIXTURES}",
        files.len(),
        dir.display()
    );
}

/// The replay is not vacuous: a fixture whose body lost a required property, or holds a wrong type,
/// fails it.
#[test]
fn a_drifting_fixture_fails_the_replay() {
    let root = root();
    let specs = Specs::load(&root).expect("specs load");
    let seeded = root.join("tests/fixtures/recorded/seed-listWebhooks-200.json");
    let mut fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(&seeded).expect("reads")).expect("JSON");
    fixture["body"]["webhooks"][0]["event_types"] = Value::from("payment.*");
    let dir = tempfile_dir(&root);
    let file = dir.join("drifting.json");
    std::fs::write(&file, fixture.to_string()).expect("writes");
    let mut problems = Vec::new();
    replay(&specs, &file, "drifting.json", &mut problems);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("drift /webhooks/0/event_types")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("does not decode")),
        "{problems:?}"
    );
}

/// A scratch directory under the target directory (the crate has no tempfile dependency).
fn tempfile_dir(root: &Path) -> PathBuf {
    let dir = root
        .join("target")
        .join(format!("recorded-replay-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
