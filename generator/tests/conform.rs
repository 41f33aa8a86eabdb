//! `klarna-codegen conform`: exit statuses, finding lines and JSON output, on the project's own small
//! document `generator/tests/fixtures/conform/widgets.yaml`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conform/widgets.yaml")
}

/// The `example` of `getWidget`'s 200 response, as the document writes it.
fn example() -> Value {
    let text = std::fs::read_to_string(spec()).expect("fixture reads");
    let doc: Value = serde_saphyr::from_str(&text).expect("fixture parses");
    doc["paths"]["/widgets/{widget_id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["example"]
        .clone()
}

/// Runs `conform` on `body` (written to a file) and returns the output.
fn run(operation: &str, status: &str, body: &[u8], extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("body.json");
    std::fs::write(&file, body).expect("writes");
    Command::new(env!("CARGO_BIN_EXE_klarna-codegen"))
        .arg("conform")
        .arg(spec())
        .arg(&file)
        .args(["--operation", operation, "--status", status])
        .args(extra)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).expect("serializes")
}

#[test]
fn the_documents_own_example_conforms() {
    let example = example();
    assert!(example.is_object(), "the fixture has the example");
    let out = run("getWidget", "200", &json(&example), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(!text.contains("drift /"), "{text}");
    // `color_code` is inferred and the example leaves it out: evidence against the guess.
    assert!(text.contains("note /color_code: "), "{text}");
    assert!(
        text.ends_with("getWidget 200 (documented as 200): 0 drift, 0 additions, 1 note\n"),
        "{text}"
    );
}

#[test]
fn a_missing_required_property_exits_2_naming_the_pointer() {
    let mut body = example();
    body["shape"]
        .as_object_mut()
        .expect("shape")
        .remove("radius");
    let out = run("getWidget", "200", &json(&body), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out)
            .contains("drift /shape/radius: required property `radius` of `Circle` is missing"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_wrong_json_type_exits_2_naming_the_pointer() {
    let mut body = example();
    body["tags"][1] = Value::from(3);
    let out = run("getWidget", "200", &json(&body), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("drift /tags/1: expected a string, got the number 3"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_extra_property_exits_0_and_is_an_addition() {
    let mut body = example();
    body["warranty"] = Value::from("2y");
    let out = run("getWidget", "200", &json(&body), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("addition /warranty: property `warranty` is not in `Widget`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_output_lists_the_findings() {
    let mut body = example();
    body["price"] = Value::from("12.50");
    let out = run("getWidget", "200", &json(&body), &["--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["operation"], "getWidget");
    assert_eq!(report["status"], 200);
    let findings = report["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["kind"] == "drift" && f["pointer"] == "/price"),
        "{report}"
    );
}

#[test]
fn an_undocumented_status_is_drift() {
    let out = run("getWidget", "418", &json(&example()), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).starts_with("drift (root): status 418 is not documented for `getWidget`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_body_that_is_not_json_is_drift() {
    let out = run("getWidget", "200", b"<html>Bad gateway</html>", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("the body is not JSON"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unreadable_body_file_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_klarna-codegen"))
        .arg("conform")
        .arg(spec())
        .arg("no/such/body.json")
        .args(["--operation", "getWidget", "--status", "200"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no/such/body.json: error: cannot read the body"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_operation_or_a_bad_status_exits_1() {
    let out = run("getDoohickey", "200", b"{}", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no operation `getDoohickey`"), "{stderr}");
    let out = run("getWidget", "2XX", b"{}", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an HTTP status code"));
}

#[test]
fn the_body_can_come_from_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klarna-codegen"))
        .arg("conform")
        .arg(spec())
        .arg("-")
        .args(["--operation", "listWidgets", "--status", "200"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(br#"{"widgets": "none"}"#)
        .expect("writes");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("drift /widgets: expected an array"),
        "{}",
        stdout(&out)
    );
}

/// Options go anywhere: before, between and after the documents and the body file.
#[test]
fn options_may_come_anywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("body.json");
    std::fs::write(&file, json(&example())).expect("writes");
    let spec = spec();
    let spec = spec.to_str().expect("utf-8 path");
    let body = file.to_str().expect("utf-8 path");
    for args in [
        vec![spec, "--operation", "getWidget", "--status", "200", body],
        vec!["--operation", "getWidget", spec, "--status", "200", body],
        vec![
            "--json",
            spec,
            body,
            "--operation",
            "getWidget",
            "--status",
            "200",
        ],
        vec![spec, body, "--operation", "getWidget", "--status", "200"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_klarna-codegen"))
            .arg("conform")
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout(&out).contains("getWidget"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    // One path is not enough: the documents and then the body.
    let out = Command::new(env!("CARGO_BIN_EXE_klarna-codegen"))
        .args([
            "conform",
            body,
            "--operation",
            "getWidget",
            "--status",
            "200",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("at least one document"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
