//! What a new user runs into first: a body with a misspelt or mistyped field is refused before anything
//! is sent, errors name their cause once, no command panics on a closed pipe, help shows the command's
//! own options first, and a mistyped command gets the closest suggestion first.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::json;
use wiremock::matchers::{body_json, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "klarna_test_api_cli_tests_key";
const ACCOUNT: &str = "krn:partner:global:account:test:CLI1";

fn klarna(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klarna"))
        .args(args)
        .env("KLARNA_API_KEY", KEY)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the klarna binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input).expect("stdin is written");
    }
    child
        .wait_with_output()
        .expect("the klarna binary finishes")
}

async fn klarna_async(args: Vec<String>, stdin: Option<Vec<u8>>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        klarna(&args, stdin.as_deref())
    })
    .await
    .expect("the blocking task finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn create_payment_request(uri: &str, extra: &[&str]) -> Vec<String> {
    let mut a = owned(&[
        "payment-requests",
        "create",
        ACCOUNT,
        "--body",
        "-",
        "--base-url",
        uri,
    ]);
    a.extend(owned(extra));
    a
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_field_is_refused_unless_allowed() {
    let server = MockServer::start().await;
    let misspelt = json!({"currency": "EUR", "amout": 100});
    Mock::given(method("POST"))
        .and(body_json(&misspelt))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let body = misspelt.to_string().into_bytes();

    // Refused: exit 1, the field named by its pointer, nothing sent (the mock expects one call: the
    // allowed one below).
    let out = klarna_async(
        create_payment_request(&server.uri(), &[]),
        Some(body.clone()),
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/amout"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.contains("--allow-unknown-fields"), "{stderr}");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        0
    );

    // Allowed explicitly: sent as given, with a note.
    let out = klarna_async(
        create_payment_request(&server.uri(), &["--allow-unknown-fields"]),
        Some(body),
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("note: sent as given"), "{stderr}");
    assert!(stderr.contains("/amout"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_type_error_names_the_json_pointer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let cases: [(serde_json::Value, &str); 3] = [
        (
            json!({"currency": "EUR", "amount": "100"}),
            r#"/amount: expected an integer, got a string ("100")"#,
        ),
        (
            json!({"currency": "EUR", "amount": 100, "supplementary_purchase_data": {"line_items": [{"name": "x", "quantity": "one"}]}}),
            "/supplementary_purchase_data/line_items/0/quantity: expected an integer",
        ),
        (
            json!({"currency": "EUR", "amount": 100, "supplementary_purchase_data": {"line_items": {}}}),
            "/supplementary_purchase_data/line_items: expected an array, got an object",
        ),
    ];
    for (body, expected) in cases {
        let out = klarna_async(
            create_payment_request(&server.uri(), &[]),
            Some(body.to_string().into_bytes()),
        )
        .await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
        assert!(
            !stderr.contains("invalid type"),
            "serde's wording leaks: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_says_so_once_with_the_context() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = klarna_async(
        owned(&[
            "stores",
            "read",
            ACCOUNT,
            "S1",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--correlation-id",
            "corr42",
        ]),
        None,
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr.to_lowercase().matches("connection refused").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("transport error").count(), 1, "{stderr}");
    assert!(stderr.contains("operation readStore"), "{stderr}");
    assert!(stderr.contains("3 attempts"), "{stderr}");
    assert!(stderr.contains("correlation id corr42"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_says_its_kind_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error_id": "err-1",
            "error_type": "RESOURCE_ERROR",
            "error_code": "NOT_FOUND",
            "error_message": "No such store."
        })))
        .mount(&server)
        .await;
    let out = klarna_async(
        owned(&["stores", "read", ACCOUNT, "S1", "--base-url", &server.uri()]),
        None,
    )
    .await;
    let stderr = text(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(first.matches("API error").count(), 1, "{first}");
    assert_eq!(first.matches("readStore").count(), 1, "{first}");
    assert!(
        first.starts_with("error: API error: Klarna returned 404"),
        "{first}"
    );
    assert!(
        first.contains("No such store.") && first.contains("err-1"),
        "{first}"
    );
}

/// Runs the binary with standard output (or standard error) closed before it writes.
fn with_closed(stream: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_klarna"));
    cmd.args(args)
        .env("KLARNA_API_KEY", KEY)
        .env("WEBHOOK_SECRET", "whsec_test")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the klarna binary starts");
    match stream {
        "stdout" => drop(child.stdout.take()),
        _ => drop(child.stderr.take()),
    }
    child
        .wait_with_output()
        .expect("the klarna binary finishes")
}

#[test]
fn no_command_panics_on_a_closed_pipe() {
    let sign = [
        "webhooks",
        "sign",
        "--key-id",
        "k1",
        "--secret-env",
        "WEBHOOK_SECRET",
        "/dev/null",
    ];
    let cases: [(&str, &[&str], i32); 8] = [
        ("stdout", &["completions", "bash"], 0),
        ("stdout", &["completions", "zsh"], 0),
        ("stdout", &["--help"], 0),
        ("stdout", &["payment-requests", "create", "--help"], 0),
        ("stdout", &sign, 0),
        ("stderr", &["stores", "read"], 1),
        ("stderr", &["payment-request"], 1),
        (
            "stderr",
            &[
                "stores",
                "read",
                ACCOUNT,
                "S1",
                "--base-url",
                "http://127.0.0.1:9",
            ],
            3,
        ),
    ];
    for (stream, args, code) in cases {
        let out = with_closed(stream, args);
        let other = if stream == "stdout" {
            &out.stderr
        } else {
            &out.stdout
        };
        assert!(
            !text(other).contains("panicked"),
            "{args:?}: {}",
            text(other)
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?} with {stream} closed"
        );
    }
}

#[test]
fn help_shows_the_commands_own_options_first_and_globals_only_where_they_apply() {
    let help = |args: &[&str]| {
        let out = klarna(args, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        text(&out.stdout)
    };
    // Offline commands and resource levels: no global options.
    for args in [
        &["webhooks", "sign", "--help"][..],
        &["webhooks", "verify", "--help"],
        &["stores", "--help"],
        &["completions", "--help"],
    ] {
        let h = help(args);
        assert!(!h.contains("Global options"), "{args:?}:\n{h}");
        assert!(!h.contains("--base-url"), "{args:?}:\n{h}");
    }
    // `webhooks send` goes over the network: it has --verbose, and nothing about Klarna's API.
    let send = help(&["webhooks", "send", "--help"]);
    assert!(
        send.contains("--verbose") && !send.contains("--base-url"),
        "{send}"
    );
    // An operation: its own arguments and options, then the global ones under their heading.
    let list = help(&["stores", "list", "--help"]);
    let own = list.find("--size").expect("--size is listed");
    let global = list
        .find("Global options:")
        .expect("global options are listed");
    assert!(own < global, "{list}");
    assert!(list[global..].contains("--base-url"), "{list}");
    assert!(
        !list.contains("--idempotency-key"),
        "a GET takes no idempotency key:\n{list}"
    );
    assert!(help(&["stores", "create", "--help"]).contains("--idempotency-key"));
    // A short help fits a screen.
    let short = text(&klarna(&["stores", "list", "-h"], None).stdout);
    assert!(short.lines().count() < 40, "{short}");
    // A global option is accepted before the command too.
    let out = klarna(&["--output", "json", "stores", "list", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn summaries_tell_operations_apart() {
    let out = klarna(&["payment-requests", "--help"], None);
    let help = text(&out.stdout);
    let summary = |name: &str| {
        help.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} is listed:\n{help}"))
            .trim_start()
            .trim_start_matches(name)
            .trim()
            .to_owned()
    };
    assert_ne!(
        summary("create"),
        summary("create-as-sub-partner"),
        "{help}"
    );
    assert_ne!(summary("get"), summary("get-as-sub-partner"), "{help}");
}

#[test]
fn a_mistyped_command_suggests_the_closest_first() {
    let out = klarna(&["payment-request", "create"], None);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let tip = stderr
        .lines()
        .find(|l| l.contains("tip:"))
        .unwrap_or_else(|| panic!("a suggestion:\n{stderr}"));
    let first = tip.split('\'').nth(1).expect("a quoted suggestion");
    assert_eq!(first, "payment-requests", "{tip}");
    assert!(
        tip.matches('\'').count() <= 6,
        "at most three suggestions: {tip}"
    );
    let out = klarna(&["stores", "lst"], None);
    assert!(
        text(&out.stderr).contains("'list'"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_failed_webhook_delivery_names_its_cause_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dir = tempfile::tempdir().expect("tempdir");
    let event = dir.path().join("event.json");
    std::fs::write(&event, br#"{"metadata": {}, "payload": {}}"#).expect("event written");
    let out = Command::new(env!("CARGO_BIN_EXE_klarna"))
        .args([
            "webhooks",
            "send",
            "--url",
            &format!("http://127.0.0.1:{port}/hook"),
            "--key-id",
            "k1",
            "--secret-env",
            "WEBHOOK_SECRET",
            event.to_str().expect("utf-8 path"),
        ])
        .env("WEBHOOK_SECRET", "whsec_test")
        .output()
        .expect("runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: the delivery failed: could not connect"),
        "{last}"
    );
    assert_eq!(
        last.to_lowercase().matches("connection refused").count(),
        1,
        "{last}"
    );
}
