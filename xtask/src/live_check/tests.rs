//! End to end against a small HTTP server on loopback that answers like Klarna would, once conforming and
//! once drifting, on the project's own document `generator/tests/fixtures/conform/widgets.yaml`.

use std::sync::{Arc, Mutex};

use super::*;

const KEY: &str = "test-key-6f1d2c";
const WIDGET_ID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn ir() -> Crate {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generator/tests/fixtures/conform/widgets.yaml"
    );
    match klarna_codegen::build_ir(&[klarna_codegen::SpecInput::new(spec)], "widgets", "0.0.0") {
        Ok((ir, _)) => ir,
        Err(d) => panic!("fixture does not load: {d}"),
    }
}

/// What the server saw: request line and headers of each request.
type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

fn respond(method: &str, target: &str) -> (u16, Vec<(&'static str, String)>, String) {
    let headers = vec![
        ("Set-Cookie", "session=abc; HttpOnly".to_owned()),
        ("X-Echo", format!("you sent {KEY}")),
        ("Klarna-Correlation-Id", "corr-1".to_owned()),
        ("Content-Type", "application/json".to_owned()),
    ];
    let widget = format!(
        r#"{{"id":"{WIDGET_ID}","name":"Sprocket","kind":"small","created_at":"2025-01-31T12:00:00Z","price":1250,"fee":25,"color_code":"red","access_token":"tok-1"}}"#
    );
    match (method, target) {
        ("GET", "/widgets") => (200, headers, format!(r#"{{"widgets":[{widget}]}}"#)),
        ("GET", t) if t == format!("/widgets/{WIDGET_ID}") => (
            200,
            headers,
            // Drifts: `name` is missing, `price` is a string; `warranty` is new.
            format!(
                r#"{{"id":"{WIDGET_ID}","kind":"small","created_at":"2025-01-31T12:00:00Z","price":"12.50","fee":25,"color_code":"red","warranty":"2y"}}"#
            ),
        ),
        ("DELETE", t) if t == format!("/widgets/{WIDGET_ID}") => (204, headers, String::new()),
        _ => (
            404,
            headers,
            r#"{"error_code":"NOT_FOUND","error_message":"no such thing"}"#.to_owned(),
        ),
    }
}

/// Serves `respond` on 127.0.0.1; returns the base URL and what the server saw.
fn serve() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let base = crate::loopback::serve(move |r| {
        log.lock()
            .expect("lock")
            .push((format!("{} {}", r.method, r.target), r.headers.clone()));
        let (status, headers, body) = respond(&r.method, &r.target);
        let headers = headers
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        (status, headers, body.into_bytes())
    });
    (base, seen)
}

fn options(base: &str, out: &Path) -> Options {
    Options {
        base_url: base.to_owned(),
        api_key_env: "UNUSED".to_owned(),
        partner_account_id: None,
        out: out.to_path_buf(),
        operations: None,
        allow_writes: false,
        allow_live: false,
        max_calls: MAX_CALLS,
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("fixture written");
    assert!(!text.contains(KEY), "{} holds the API key", path.display());
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn records_checks_and_reports_conforming_and_drifting_answers() {
    let (base, seen) = serve();
    let out = tempfile::tempdir().expect("tempdir");
    let outcome = check(&ir(), &options(&base, out.path()), KEY).expect("runs");

    // Only reads went out, the list first, each with the key as the SDK sends it.
    let seen = seen.lock().expect("lock").clone();
    let lines: Vec<&str> = seen.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        lines,
        ["GET /widgets", &format!("GET /widgets/{WIDGET_ID}")]
    );
    for (_, headers) in &seen {
        assert!(headers.contains(&("authorization".into(), format!("Basic {KEY}"))));
    }

    let ops: Vec<(&str, u16)> = outcome
        .exchanges
        .iter()
        .map(|e| (e.operation.as_str(), e.status))
        .collect();
    assert_eq!(ops, [("listWidgets", 200), ("getWidget", 200)]);
    let list = outcome.exchanges[0].report.as_ref().expect("checked");
    assert!(!list.has_drift(), "{}", list.to_text());
    let get = outcome.exchanges[1].report.as_ref().expect("checked");
    let findings: Vec<(Kind, &str)> = get
        .findings
        .iter()
        .map(|f| (f.kind, f.pointer.as_str()))
        .collect();
    assert_eq!(
        findings,
        [
            (Kind::Drift, "/name"),
            (Kind::Drift, "/price"),
            (Kind::Addition, "/warranty")
        ]
    );
    assert_eq!(outcome.drifting(), 1);
    assert_eq!(
        outcome.exchanges[1].file,
        out.path().join("getWidget-200.json")
    );

    let skipped: BTreeMap<&str, &str> = outcome
        .skipped
        .iter()
        .map(|(o, w)| (o.as_str(), w.as_str()))
        .collect();
    assert!(
        skipped["createWidget"].contains("--allow-writes"),
        "{skipped:?}"
    );
    assert!(
        skipped["deleteWidget"].contains("--allow-writes"),
        "{skipped:?}"
    );
    assert!(skipped["getGadget"].contains("`gadget_id`"), "{skipped:?}");

    // The recorded files: the fixture format, secrets gone, the body as it came.
    let get_file = read_json(&out.path().join("getWidget-200.json"));
    assert_eq!(get_file["operation"], "getWidget");
    assert_eq!(get_file["status"], 200);
    assert_eq!(get_file["request"], format!("GET /widgets/{WIDGET_ID}"));
    assert_eq!(get_file["body"]["price"], "12.50");
    assert_eq!(get_file["headers"]["set-cookie"], REDACTED);
    assert_eq!(
        get_file["headers"]["x-echo"],
        format!("you sent {REDACTED}")
    );
    assert_eq!(get_file["headers"]["klarna-correlation-id"], "corr-1");
    let list_file = read_json(&out.path().join("listWidgets-200.json"));
    assert_eq!(list_file["body"]["widgets"][0]["access_token"], REDACTED);
    assert_eq!(list_file["body"]["widgets"][0]["name"], "Sprocket");

    // The recorded body replays to the same findings.
    let replay = conform::conform(
        &ir(),
        "getWidget",
        200,
        &serde_json::to_vec(&get_file["body"]).expect("bytes"),
    )
    .expect("checkable");
    assert_eq!(&replay.findings, &get.findings);

    let table = outcome.table();
    assert!(!table.contains(KEY), "{table}");
    assert!(
        table.contains("getWidget 200: drift /name: required property `name`"),
        "{table}"
    );
    assert!(
        table.contains("skipped getGadget: no value for path parameter `gadget_id`"),
        "{table}"
    );
    assert!(
        table.ends_with("2 calls, 1 drifting, 3 skipped\n"),
        "{table}"
    );
}

#[test]
fn writes_need_allow_writes_and_a_name() {
    let ir = ir();
    let (base, seen) = serve();
    let out = tempfile::tempdir().expect("tempdir");
    let mut o = options(&base, out.path());
    o.operations = Some(vec!["listWidgets".into(), "deleteWidget".into()]);
    let outcome = check(&ir, &o, KEY).expect("runs");
    assert_eq!(outcome.exchanges.len(), 1);
    assert!(
        seen.lock()
            .expect("lock")
            .iter()
            .all(|(l, _)| l.starts_with("GET "))
    );

    o.allow_writes = true;
    let outcome = check(&ir, &o, KEY).expect("runs");
    let ops: Vec<(&str, u16)> = outcome
        .exchanges
        .iter()
        .map(|e| (e.operation.as_str(), e.status))
        .collect();
    assert_eq!(ops, [("listWidgets", 200), ("deleteWidget", 204)]);
    assert_eq!(outcome.drifting(), 0, "{}", outcome.table());
    assert!(
        seen.lock()
            .expect("lock")
            .iter()
            .any(|(l, _)| l == &format!("DELETE /widgets/{WIDGET_ID}"))
    );

    o.operations = Some(vec!["noSuchOperation".into()]);
    assert!(check(&ir, &o, KEY).is_err());
}

#[test]
fn stops_at_the_call_limit() {
    let (base, seen) = serve();
    let out = tempfile::tempdir().expect("tempdir");
    let mut o = options(&base, out.path());
    o.max_calls = 1;
    let outcome = check(&ir(), &o, KEY).expect("runs");
    assert_eq!(seen.lock().expect("lock").len(), 1);
    assert!(outcome.stopped_at_limit);
    assert!(
        outcome
            .skipped
            .iter()
            .any(|(op, why)| op == "getWidget" && why.contains("limit of 1 calls"))
    );
}

#[test]
fn refuses_live_and_clear_text_base_urls() {
    let out = tempfile::tempdir().expect("tempdir");
    let mut o = options("https://api-global.klarna.com", out.path());
    let err = check_base_url(&o).expect_err("live refused");
    assert!(err.to_string().contains("--allow-live"), "{err}");
    o.allow_live = true;
    assert!(check_base_url(&o).is_ok());
    for ok in [
        TEST_BASE_URL,
        "http://127.0.0.1:8080",
        "http://localhost:1/",
    ] {
        assert!(check_base_url(&options(ok, out.path())).is_ok(), "{ok}");
    }
    for bad in [
        "http://api-global.test.klarna.com",
        "api-global.test.klarna.com",
        "ftp://127.0.0.1",
    ] {
        assert!(check_base_url(&options(bad, out.path())).is_err(), "{bad}");
    }
    // Refused before any request or file.
    let err = check(
        &ir(),
        &options("https://api-global.klarna.com/", out.path()),
        KEY,
    )
    .expect_err("refused");
    assert!(!err.to_string().contains(KEY));
    assert_eq!(std::fs::read_dir(out.path()).expect("dir").count(), 0);
}

#[test]
fn arguments_parse_with_test_defaults() {
    let root = Path::new("/repo");
    let o = Options::parse(root, &[]).expect("parses");
    assert_eq!(o.base_url, TEST_BASE_URL);
    assert_eq!(o.api_key_env, "KLARNA_API_KEY");
    assert_eq!(o.out, root.join("target/live-check"));
    let args: Vec<String> = [
        "--operations",
        "a, b",
        "--allow-writes",
        "--partner-account-id",
        "krn:x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = Options::parse(root, &args).expect("parses");
    assert_eq!(o.operations, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert!(o.allow_writes && !o.allow_live);
    assert_eq!(o.partner_account_id.as_deref(), Some("krn:x"));
    assert!(Options::parse(root, &["--base-url".to_owned()]).is_err());
    assert!(Options::parse(root, &["--bogus".to_owned()]).is_err());
}
