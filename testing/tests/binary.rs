//! The `klarna-fake` binary: spawned as a process and used over HTTP only, as a test in another language
//! would use it.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use common::raw;
use serde_json::{Value, json};

/// The running binary; killed when dropped.
struct Fake {
    child: Child,
    base_url: String,
    api_key: String,
    account_id: String,
    control: String,
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Fake {
    let mut child = Command::new(env!("CARGO_BIN_EXE_klarna-fake"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("klarna-fake starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut value = |name: &str| {
        let line = lines
            .next()
            .expect("klarna-fake prints its settings")
            .expect("readable");
        line.strip_prefix(&format!("{name}="))
            .unwrap_or_else(|| panic!("expected {name}=..., got {line}"))
            .to_owned()
    };
    let base_url = value("KLARNA_BASE_URL");
    let api_key = value("KLARNA_API_KEY");
    let account_id = value("KLARNA_PARTNER_ACCOUNT_ID");
    let control = value("KLARNA_FAKE_CONTROL");
    Fake {
        child,
        base_url,
        api_key,
        account_id,
        control,
    }
}

impl Fake {
    async fn api(&self, method: &str, path: &str, body: Value) -> common::RawAnswer {
        let auth = format!("Basic {}", self.api_key);
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        raw(
            &self.base_url,
            method,
            path,
            &[
                ("authorization", auth.as_str()),
                ("content-type", "application/json"),
            ],
            body,
        )
        .await
        .expect("an answer")
    }

    async fn control(&self, method: &str, route: &str, body: Value) -> common::RawAnswer {
        let path = format!("/__control/{route}");
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        raw(
            &self.base_url,
            method,
            &path,
            &[("content-type", "application/json")],
            body,
        )
        .await
        .expect("an answer")
    }
}

#[tokio::test]
async fn the_binary_serves_the_fake_and_its_controls_over_http() {
    let fake = spawn(&["--api-key", "klarna_test_api_binary", "--seed", "7"]);
    assert!(fake.base_url.starts_with("http://127.0.0.1:"));
    assert_eq!(fake.api_key, "klarna_test_api_binary");
    assert_eq!(
        fake.account_id,
        "krn:partner:global:account:test:FAKEKLARNA"
    );
    assert_eq!(fake.control, format!("{}/__control/", fake.base_url));

    let index = fake.control("GET", "", Value::Null).await;
    assert_eq!(index.status, 200);
    assert_eq!(index.body["api_key"], "klarna_test_api_binary");
    assert!(
        index.body["routes"]
            .as_array()
            .is_some_and(|r| r.len() > 10)
    );

    // A checkout through the API and the controls.
    let account = &fake.account_id;
    let created = fake
        .api(
            "POST",
            &format!("/v2/accounts/{account}/payment/requests"),
            json!({"currency": "EUR", "amount": 10000}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let request_id = created.body["payment_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let completed = fake
        .control(
            "POST",
            &format!("payment-requests/{request_id}/complete"),
            Value::Null,
        )
        .await;
    assert_eq!(completed.status, 200, "{}", completed.text);
    let token = completed.body["klarna_network_session_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = format!("Basic {}", fake.api_key);
    let authorized = raw(
        &fake.base_url,
        "POST",
        &format!("/v2/accounts/{account}/payment/authorize"),
        &[
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
            ("klarna-network-session-token", token.as_str()),
        ],
        json!({"currency": "EUR", "request_payment_transaction": {"amount": 10000}})
            .to_string()
            .into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(authorized.status, 200, "{}", authorized.text);
    let tx = authorized.body["payment_transaction_response"]["payment_transaction"]
        ["payment_transaction_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A fault over HTTP: the next capture is answered 503 and changes nothing.
    let fault = fake
        .control(
            "POST",
            "faults",
            json!({"fault": "SERVICE_UNAVAILABLE", "operation_id": "capturePaymentTransaction"}),
        )
        .await;
    assert_eq!(fault.status, 201, "{}", fault.text);
    let capture_path = format!("/v2/accounts/{account}/payment/transactions/{tx}/capture");
    let refused = fake
        .api("POST", &capture_path, json!({"capture_amount": 4000}))
        .await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.body["error_code"], "SERVICE_UNAVAILABLE");
    let captured = fake
        .api("POST", &capture_path, json!({"capture_amount": 4000}))
        .await;
    assert_eq!(captured.status, 201, "{}", captured.text);

    // The state, read over HTTP.
    let view = fake
        .control("GET", &format!("payment-transactions/{tx}"), Value::Null)
        .await;
    assert_eq!(view.status, 200);
    assert_eq!(
        (
            &view.body["authorized"],
            &view.body["captured"],
            &view.body["remaining"]
        ),
        (&json!(10000), &json!(4000), &json!(6000))
    );

    // The forced-outcome queue.
    let queued = fake
        .control("POST", "authorizations", json!({"outcome": "DECLINED"}))
        .await;
    assert_eq!(queued.body["pending"], json!(["DECLINED"]));
    let cleared = fake.control("DELETE", "authorizations", Value::Null).await;
    assert_eq!(cleared.body["cleared"], json!(["DECLINED"]));

    // Refusals of the controls are precise and in Klarna's shape.
    let missing = fake
        .control(
            "POST",
            "payment-requests/krn:payment:eu1:request:nope/complete",
            Value::Null,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error_code"], "NOT_FOUND");
    let wrong = fake
        .control(
            "POST",
            &format!("payment-requests/{request_id}/open"),
            Value::Null,
        )
        .await;
    assert_eq!(wrong.status, 409);
    assert_eq!(wrong.body["error_code"], "WRONG_STATE");
    let bad = fake
        .control("POST", "faults", json!({"fault": "SLOW"}))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error_code"], "INVALID_INPUT");
    assert!(
        bad.body["error_message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("delay:"),
        "{}",
        bad.text
    );
    let unknown = fake.control("GET", "nothing", Value::Null).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body["error_id"].is_string());

    // The clock.
    let advanced = fake
        .control("POST", "time/advance", json!({"seconds": 3600}))
        .await;
    assert_eq!(advanced.status, 200, "{}", advanced.text);
    assert!(advanced.body["now"].is_string());
    let settled = fake
        .control("POST", "deliveries/settle", json!({"within_ms": 1000}))
        .await;
    assert_eq!(settled.body["settled"], true);
}

#[tokio::test]
async fn seed_data_and_options_are_applied_at_start() {
    let dir = std::env::temp_dir().join(format!("klarna-fake-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.json");
    std::fs::write(
        &seed,
        json!({
            "calls": [
                {"method": "POST", "path": "/v2/notification/signing-keys"},
                {"method": "POST", "path": "/v2/payment/requests", "body": {"currency": "SEK", "amount": 500}}
            ],
            "lists": {"listPaymentDisputes": [{"payment_dispute_id": "d1"}]},
            "authorizations": ["STEP_UP_REQUIRED"],
            "faults": [{"fault": "TIMEOUT", "operation_id": "listPaymentDisputes", "times": 1}]
        })
        .to_string(),
    )
    .unwrap();
    let fake = spawn(&[
        "--account-id",
        "krn:partner:global:account:test:SEEDED",
        "--seed-data",
        seed.to_str().unwrap(),
        "--webhook-retry",
        "none",
    ]);
    assert_eq!(fake.account_id, "krn:partner:global:account:test:SEEDED");
    let pending = fake.control("GET", "authorizations", Value::Null).await;
    assert_eq!(pending.body["pending"], json!(["STEP_UP_REQUIRED"]));
    let faults = fake.control("GET", "faults", Value::Null).await;
    assert_eq!(faults.body["faults"].as_array().map(Vec::len), Some(1));
    let keys = fake
        .api("GET", "/v2/notification/signing-keys", Value::Null)
        .await;
    assert_eq!(keys.body["signing_keys"].as_array().map(Vec::len), Some(1));
    let path = format!("/v2/accounts/{}/payment/disputes", fake.account_id);
    let first = fake.api("GET", &path, Value::Null).await;
    assert_eq!(first.status, 500);
    assert_eq!(first.body["error_code"], "TIMEOUT");
    let second = fake.api("GET", &path, Value::Null).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.body["disputes"][0]["payment_dispute_id"], "d1");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_options_and_bad_seed_data_are_refused_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_klarna-fake"))
        .args(["--port", "seventy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--port: 'seventy' is not a port"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = std::env::temp_dir().join(format!("klarna-fake-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.json");
    std::fs::write(
        &seed,
        json!({"calls": [{"method": "POST", "path": "/v2/payment/requests", "body": {}}]})
            .to_string(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_klarna-fake"))
        .args(["--seed-data", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("calls[0] (POST /v2/payment/requests): answered 400")
            && stderr.contains("currency"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_klarna-fake"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--webhook-retry"));
    let _ = std::fs::remove_dir_all(&dir);
}
