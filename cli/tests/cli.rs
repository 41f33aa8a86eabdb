//! The built `klarna` binary against a local server: operations (GET, POST with a body, `--all` over
//! pages, Klarna's errors, a refused connection), exit statuses, and the webhook tools against the
//! runtime and against HMAC-SHA256 vectors computed independently (Python's `hmac` module).

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "klarna_test_api_cli_tests_key";
const ACCOUNT: &str = "krn:partner:global:account:test:CLI1";

/// Runs the binary with `args`, the API key in `KLARNA_API_KEY` (unless `key` is `None`), extra
/// environment variables and optional standard input.
fn klarna(args: &[&str], key: Option<&str>, env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_klarna"));
    cmd.args(args)
        .env_remove("KLARNA_API_KEY")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(k) = key {
        cmd.env("KLARNA_API_KEY", k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the klarna binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input).expect("stdin is written");
    }
    child
        .wait_with_output()
        .expect("the klarna binary finishes")
}

/// [`klarna`] off the async runtime, so the mock server keeps answering.
async fn klarna_async(args: Vec<String>, key: Option<&'static str>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        klarna(&args, key, &[], None)
    })
    .await
    .expect("the blocking task finishes")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn store(id: &str) -> Value {
    json!({
        "store_id": id,
        "store_group_id": "krn:partner:global:store-group:G1",
        "type": "WEBSITE",
        "store_reference": format!("ref-{id}"),
        "url": "https://shop.example"
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn get_prints_the_answer_and_verbose_shows_no_secret() {
    let server = MockServer::start().await;
    let answer = store("krn:partner:global:store:S1");
    Mock::given(method("GET"))
        .and(path(format!("/v2/accounts/{ACCOUNT}/stores/S1")))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .and(header("partner-correlation-id", "cli42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&answer)
                .insert_header("Partner-Correlation-Id", "cli42"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = klarna_async(
        args(&[
            "stores",
            "read",
            ACCOUNT,
            "S1",
            "--base-url",
            &server.uri(),
            "--correlation-id",
            "cli42",
            "--verbose",
        ]),
        Some(KEY),
    )
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed, answer);
    assert!(stdout.contains("\n  \""), "pretty by default: {stdout}");
    assert!(
        stderr.contains(&format!(
            "> GET {}/v2/accounts/{ACCOUNT}/stores/S1",
            server.uri()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("< 200 OK; correlation id cli42; 1 attempt"),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY) && !stdout.contains(KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn post_sends_the_checked_body_with_the_idempotency_key() {
    let server = MockServer::start().await;
    let body = json!({
        "store_group_id": "krn:partner:global:store-group:G1",
        "type": "WEBSITE",
        "store_reference": "web-1",
        "url": "https://shop.example"
    });
    Mock::given(method("POST"))
        .and(path(format!("/v2/accounts/{ACCOUNT}/stores")))
        .and(header("klarna-idempotency-key", "idem-1"))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(201).set_body_json(store("S9")))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile_dir();
    let file = dir.path().join("store.json");
    std::fs::write(&file, body.to_string()).expect("body file written");
    let out = klarna_async(
        args(&[
            "stores",
            "create",
            ACCOUNT,
            "--body",
            file.to_str().expect("utf-8 path"),
            "--base-url",
            &server.uri(),
            "--idempotency-key",
            "idem-1",
            "--output",
            "json",
        ]),
        Some(KEY),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", store("S9")));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_body_exits_1_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        // store_reference is required by CreateStoreRequest.
        let body = br#"{"store_group_id": "krn:partner:global:store-group:G1", "type": "WEBSITE"}"#;
        klarna(
            &[
                "stores",
                "create",
                ACCOUNT,
                "--body",
                "-",
                "--base-url",
                &uri,
            ],
            Some(KEY),
            &[],
            Some(body),
        )
    })
    .await
    .expect("finishes");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("management::CreateStoreRequest"),
        "{stderr}"
    );
    assert!(stderr.contains("store_reference"), "{stderr}");

    let out = tokio::task::spawn_blocking(|| {
        klarna(
            &["stores", "create", ACCOUNT, "--body", "-"],
            Some(KEY),
            &[],
            Some(b"{not json"),
        )
    })
    .await
    .expect("finishes");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("standard input is not valid JSON"));
}

#[tokio::test(flavor = "multi_thread")]
async fn all_follows_every_page_one_item_per_line() {
    let server = MockServer::start().await;
    let stores_path = format!("/v2/accounts/{ACCOUNT}/stores");
    Mock::given(method("GET"))
        .and(path(stores_path.as_str()))
        .and(query_param("size", "2"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stores": [store("S1"), store("S2")],
            "pagination": {"last_item": "S2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(stores_path.as_str()))
        .and(query_param("size", "2"))
        .and(query_param("starting_after", "S2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stores": [store("S3")],
            "pagination": {"last_item": null}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = klarna_async(
        args(&[
            "stores",
            "list",
            ACCOUNT,
            "--size",
            "2",
            "--all",
            "--base-url",
            &server.uri(),
        ]),
        Some(KEY),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines, vec![store("S1"), store("S2"), store("S3")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn klarna_error_exits_2_with_its_error_body() {
    let server = MockServer::start().await;
    let error = json!({
        "error_id": "err-123",
        "error_type": "RESOURCE_ERROR",
        "error_code": "NOT_FOUND",
        "error_message": "The store does not exist."
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(&error))
        .expect(1)
        .mount(&server)
        .await;
    let out = klarna_async(
        args(&[
            "stores",
            "read",
            ACCOUNT,
            "nope",
            "--base-url",
            &server.uri(),
        ]),
        Some(KEY),
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    // The error body, as Klarna sent it, follows the one-line summary.
    let body_start = stderr.find('{').expect("the error body is printed");
    let printed: Value = serde_json::from_str(&stderr[body_start..]).expect("the body is JSON");
    assert_eq!(printed, error);
    assert!(
        stderr.starts_with("error: API error: Klarna returned 404"),
        "{stderr}"
    );
    assert!(stderr.contains("(operation readStore"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_connection_exits_3() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = klarna_async(
        args(&[
            "stores",
            "read",
            ACCOUNT,
            "S1",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ]),
        Some(KEY),
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("transport error"), "{stderr}");
}

#[test]
fn usage_errors_and_a_missing_key_exit_1() {
    let out = klarna(&["stores", "read", ACCOUNT], Some(KEY), &[], None);
    assert_eq!(out.status.code(), Some(1), "a missing positional argument");
    assert!(text(&out.stderr).contains("<STORE_ID>"));
    let out = klarna(&["stores", "no-such-operation"], Some(KEY), &[], None);
    assert_eq!(out.status.code(), Some(1));
    let out = klarna(
        &["stores", "list", ACCOUNT, "--size", "many"],
        Some(KEY),
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--size: `many` is not an integer"));
    let out = klarna(&["stores", "read", ACCOUNT, "S1"], None, &[], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("KLARNA_API_KEY"));
    let out = klarna(
        &[
            "stores",
            "read",
            ACCOUNT,
            "S1",
            "--api-key-env",
            "CLI_TEST_UNSET_VAR",
        ],
        Some(KEY),
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("CLI_TEST_UNSET_VAR"));
}

#[test]
fn help_on_every_level_and_completions() {
    for level in [
        vec!["--help"],
        vec!["stores", "--help"],
        vec!["stores", "list", "--help"],
        vec!["webhooks", "--help"],
        vec!["webhooks", "verify", "--help"],
        vec!["completions", "--help"],
    ] {
        let out = klarna(&level, None, &[], None);
        assert_eq!(out.status.code(), Some(0), "{level:?}");
        assert!(text(&out.stdout).contains("Usage: klarna"), "{level:?}");
    }
    let out = klarna(&["stores", "list", "--help"], None, &[], None);
    let help = text(&out.stdout);
    assert!(
        help.contains("<PARTNER_ACCOUNT_ID>") && help.contains("--size <VALUE>"),
        "{help}"
    );
    assert!(
        help.contains("GET /v2/accounts/{partner_account_id}/stores"),
        "{help}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let out = klarna(&["completions", shell], None, &[], None);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(
            script.contains("payment-requests") && script.contains("klarna"),
            "{shell}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Webhook tools
// ---------------------------------------------------------------------------------------------------------

const KEY_ID: &str = "krn:partner:global:notification:signing-key:0f1e2d3c";
const EVENT: &str = r#"{"metadata":{"event_type":"payment.request.state-change.completed","event_id":"e1","event_version":"v2","occurred_at":"2025-05-01T10:00:00Z"},"payload":{"amount":100}}"#;

/// HMAC-SHA256 vectors computed with Python's `hmac` module (lowercase hex of the MAC keyed with the
/// secret's UTF-8 bytes over the body bytes): (secret, body, signature).
const VECTORS: &[(&str, &[u8], &str)] = &[
    (
        "whsec_test_secret",
        EVENT.as_bytes(),
        "3dc41697df6b2b37331f541b695bef50c791e5b58f70746f8df249e608e5674c",
    ),
    (
        "Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (
        "s3cr\u{e9}t",
        b"",
        "25bb3494dce816ab41206594a03426b15c762710bb82e8e9f64efe8b5162d119",
    ),
];

/// A temporary directory, removed when dropped.
fn tempfile_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

#[test]
fn sign_matches_the_vectors_and_the_runtime() {
    for (secret, body, expected) in VECTORS {
        let out = klarna(
            &[
                "webhooks",
                "sign",
                "--key-id",
                KEY_ID,
                "--secret-env",
                "CLI_TEST_SECRET",
            ],
            None,
            &[("CLI_TEST_SECRET", secret)],
            Some(body),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            format!("Klarna-Signing-Key-Id: {KEY_ID}\nKlarna-Signature: {expected}\n")
        );
        assert_eq!(
            klarna_runtime::webhooks::compute_signature(secret, body),
            *expected
        );
        // The runtime's verifier accepts what the CLI signed.
        let keys = klarna_runtime::webhooks::SigningKeys::new().with_key(KEY_ID, *secret);
        assert!(
            klarna_runtime::webhooks::verify_signature_parts(
                body,
                Some(expected),
                Some(KEY_ID),
                &keys
            )
            .is_ok()
        );
    }
}

#[test]
fn verify_accepts_a_good_signature_and_rejects_others_with_the_reason() {
    let dir = tempfile_dir();
    let file = dir.path().join("event.json");
    std::fs::write(&file, EVENT).expect("event written");
    let file = file.to_str().expect("utf-8 path");
    let verify = |sig: &str, secret: &str, body: &str| {
        klarna(
            &[
                "webhooks",
                "verify",
                "--key-id",
                KEY_ID,
                "--secret-env",
                "CLI_TEST_SECRET",
                "--signature",
                sig,
                body,
            ],
            None,
            &[("CLI_TEST_SECRET", secret)],
            None,
        )
    };
    let (secret, _, good) = VECTORS[0];
    let out = verify(good, secret, file);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("valid"));
    // Upper-case hex of the same MAC is the same signature (the runtime decodes the hex).
    assert_eq!(
        verify(&good.to_uppercase(), secret, file).status.code(),
        Some(0)
    );

    let out = verify(good, "another-secret", file);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not match"),
        "{}",
        text(&out.stderr)
    );
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, EVENT.replace("100", "900")).expect("written");
    let out = verify(good, secret, tampered.to_str().expect("utf-8"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not match"));
    let out = verify("not-hex", secret, file);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("malformed"),
        "{}",
        text(&out.stderr)
    );
    let out = verify(good, "   ", file);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("empty or whitespace"));
}

#[tokio::test(flavor = "multi_thread")]
async fn send_delivers_a_signed_event() {
    let server = MockServer::start().await;
    let (secret, _, signature) = VECTORS[0];
    Mock::given(method("POST"))
        .and(path("/webhooks/klarna"))
        .and(header("klarna-signing-key-id", KEY_ID))
        .and(header("klarna-signature", signature))
        .and(header("content-type", "application/json"))
        .and(body_json(
            serde_json::from_str::<Value>(EVENT).expect("json"),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rejects"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad signature"))
        .mount(&server)
        .await;
    let dir = tempfile_dir();
    let file = dir.path().join("event.json");
    std::fs::write(&file, EVENT).expect("event written");
    let file = file.to_str().expect("utf-8").to_owned();
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        let ok = klarna(
            &[
                "webhooks",
                "send",
                "--url",
                &format!("{uri}/webhooks/klarna"),
                "--key-id",
                KEY_ID,
                "--secret-env",
                "CLI_TEST_SECRET",
                &file,
            ],
            None,
            &[("CLI_TEST_SECRET", secret)],
            None,
        );
        let rejected = klarna(
            &[
                "webhooks",
                "send",
                "--url",
                &format!("{uri}/rejects"),
                "--key-id",
                KEY_ID,
                "--secret-env",
                "CLI_TEST_SECRET",
                &file,
            ],
            None,
            &[("CLI_TEST_SECRET", secret)],
            None,
        );
        (ok, rejected)
    })
    .await
    .expect("finishes");
    let (ok, rejected) = out;
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stderr).contains("204"));
    assert_eq!(rejected.status.code(), Some(2));
    assert!(
        text(&rejected.stderr).contains("400") && text(&rejected.stderr).contains("bad signature")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn multipart_upload_and_binary_download() {
    let server = MockServer::start().await;
    let base = format!("/v2/accounts/{ACCOUNT}/payment/disputes/D1/attachments");
    Mock::given(method("POST"))
        .and(path(base.as_str()))
        .and(wiremock::matchers::body_string_contains("%PDF-1.7 proof"))
        .and(wiremock::matchers::body_string_contains(
            "name=\"filename\"",
        ))
        .and(wiremock::matchers::body_string_contains("proof.pdf"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "payment_dispute_attachment_id": "A1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/A1/download")))
        .and(header("accept", "application/octet-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"\x00\x01raw bytes".to_vec()))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile_dir();
    let pdf = dir.path().join("proof.pdf");
    std::fs::write(&pdf, "%PDF-1.7 proof").expect("file written");
    let upload = klarna_async(
        vec![
            "payment-disputes".into(),
            "upload-attachment".into(),
            ACCOUNT.into(),
            "D1".into(),
            "--part".into(),
            format!("file=@{}", pdf.display()),
            "--part".into(),
            "filename=proof.pdf".into(),
            "--base-url".into(),
            server.uri(),
        ],
        Some(KEY),
    )
    .await;
    assert_eq!(upload.status.code(), Some(0), "{}", text(&upload.stderr));
    assert!(text(&upload.stdout).contains("\"A1\""));
    // A part the body type does not have is refused before sending.
    let bad = klarna_async(
        args(&[
            "payment-disputes",
            "upload-attachment",
            ACCOUNT,
            "D1",
            "--part",
            "photo=@x",
            "--base-url",
            &server.uri(),
        ]),
        Some(KEY),
    )
    .await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("no part `photo`"),
        "{}",
        text(&bad.stderr)
    );
    let download = klarna_async(
        args(&[
            "payment-disputes",
            "download-attachment",
            ACCOUNT,
            "D1",
            "A1",
            "--base-url",
            &server.uri(),
        ]),
        Some(KEY),
    )
    .await;
    assert_eq!(
        download.status.code(),
        Some(0),
        "{}",
        text(&download.stderr)
    );
    assert_eq!(download.stdout, b"\x00\x01raw bytes");
}
