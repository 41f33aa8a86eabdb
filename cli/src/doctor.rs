//! `klarna doctor`: a read-only go-live checklist of the account the API key belongs to. Every check
//! says pass, warn or fail, the Klarna guide it comes from, and what to do; the exit status is 4 when a
//! check fails. Only `GET` operations are called.
//!
//! Klarna's "Go-Live Checklist"
//! (<https://docs.klarna.com/klarna-network-distribution/resources/go-live-checklist>) starts from the
//! account setup and credentials (API keys, mTLS, ...); the checks below are the parts of the guides it
//! points to that an account shows through the API:
//!
//! | check | calls | guide |
//! |---|---|---|
//! | the key's `klarna_<live\|test>_` prefix matches the environment | none | Manage your API credentials |
//! | the key is accepted | listWebhooks | Manage your API credentials |
//! | mTLS is enabled; what `Klarna-Mtls-Verification-Status` says | listClientCertificates | Configure mTLS |
//! | mTLS enforcement | readMtlsEnforcement | Configure mTLS |
//! | each webhook: HTTPS on 443 or 8443, enabled, an existing signing key, event version `v2` | listWebhooks, listSigningKeys | Setup your webhooks |
//! | the payment request events a payment integration must handle are subscribed | listWebhooks | Monitor the payment request state |
//! | the IP allow-list as Klarna reports it | listAllowedIps | Setup IP address restrictions |
//!
//! What it cannot see: Klarna's enforcement read answers 204 without a body, so unless a body says
//! `enforced_from` the doctor reports enforcement as unknown (warn). Whether your code sends
//! `Klarna-Idempotency-Key` (guide "Idempotency",
//! <https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency>)
//! and `Klarna-Integration-Metadata` (guide "Integrator tagging",
//! <https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/integrator-tagging>)
//! is a property of your integration's requests, not of the account, so no account call shows it and the
//! doctor does not pretend to check it; the SDK's client sends the first on every POST and PATCH and the
//! second when configured. Whether the account is an Acquiring Partner's (for which Klarna requires mTLS)
//! is not visible either: a missing mTLS setup fails.

use std::fmt;
use std::path::PathBuf;

use clap::Args;
use klarna_runtime::mtls::VerificationStatus;
use klarna_runtime::webhook_rules::{self, CURRENT_EVENT_VERSION};
use klarna_runtime::{Client, ErrorKind, IP_VALIDATION_STATUS_HEADER, Method, Request};
use serde_json::Value;

use crate::guidelines::{self, call};
use crate::{Environment, Failure, Global};

/// Exit status when at least one check fails.
pub const FAILED: u8 = 4;

/// `klarna doctor`.
#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// PEM file of your MTLS client certificate, to see whether Klarna reports it VALID
    #[arg(long, value_name = "FILE", requires = "mtls_key")]
    pub mtls_cert: Option<PathBuf>,
    /// PEM file of that certificate's private key (never printed)
    #[arg(long, value_name = "FILE", requires = "mtls_cert")]
    pub mtls_key: Option<PathBuf>,
}

/// A check's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Follows the guideline.
    Pass,
    /// Worth a look; does not fail the run.
    Warn,
    /// Breaks a guideline; the run exits 4.
    Fail,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        })
    }
}

/// A Klarna guide a check comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guideline {
    /// The guide's title.
    pub name: &'static str,
    /// Where it is.
    pub url: &'static str,
}

const CREDENTIALS: Guideline = Guideline {
    name: "Manage your API credentials",
    url: "https://docs.klarna.com/klarna-network-distribution/setup-your-integration/account-configuration/manage-your-api-credentials",
};
const MTLS: Guideline = Guideline {
    name: "Configure mTLS",
    url: "https://docs.klarna.com/klarna-network-distribution/setup-your-integration/account-configuration/configure-mtls",
};
const WEBHOOKS: Guideline = Guideline {
    name: "Setup your webhooks",
    url: "https://docs.klarna.com/klarna-network-distribution/setup-your-integration/connection-configuration/setup-your-webhooks/",
};
const MONITORING: Guideline = Guideline {
    name: "Monitor the payment request state",
    url: "https://docs.klarna.com/klarna-network-distribution/payments/one-time-payments/hosted-checkout-pages-and-embedded-elements/monitor-the-payment-request-state",
};
const IP_RESTRICTIONS: Guideline = Guideline {
    name: "Setup IP address restrictions",
    url: "https://docs.klarna.com/klarna-network-distribution/setup-your-integration/account-configuration/ip-address-restrictions",
};

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The verdict.
    pub status: Status,
    /// What was checked.
    pub title: String,
    /// What was found.
    pub detail: String,
    /// The guide.
    pub guideline: Guideline,
    /// What to do (for a warn or fail).
    pub todo: Option<String>,
}

impl Check {
    fn new(status: Status, title: &str, detail: impl Into<String>, guideline: Guideline) -> Check {
        Check {
            status,
            title: title.to_owned(),
            detail: detail.into(),
            guideline,
            todo: None,
        }
    }

    fn todo(mut self, todo: impl Into<String>) -> Check {
        self.todo = Some(todo.into());
        self
    }
}

/// Server text, shown with control characters escaped.
fn shown(s: &str) -> String {
    s.chars().flat_map(char::escape_default).collect()
}

/// The key's prefix against the environment.
pub fn key_prefix(key: &str, environment: Environment) -> Check {
    const TITLE: &str = "API key matches the environment";
    let (env, prefix, other) = match environment {
        Environment::Test => ("test", "klarna_test_", "klarna_live_"),
        Environment::Live => ("live", "klarna_live_", "klarna_test_"),
    };
    if key.starts_with(prefix) {
        Check::new(
            Status::Pass,
            TITLE,
            format!("a {prefix} key for the {env} environment"),
            CREDENTIALS,
        )
    } else if key.starts_with(other) {
        Check::new(
            Status::Fail,
            TITLE,
            format!("a {other} key, but the {env} environment: each environment has its own keys"),
            CREDENTIALS,
        )
        .todo(format!(
            "use a {prefix} key, or choose the other environment with --environment"
        ))
    } else {
        Check::new(
            Status::Warn,
            TITLE,
            "the key does not have the documented form klarna_<live|test>_api_...",
            CREDENTIALS,
        )
        .todo("check that this is an API key, not a client identifier or another secret")
    }
}

/// The answer to the first call: is the key accepted?
pub fn key_accepted(error: Option<&klarna_runtime::Error>) -> Check {
    const TITLE: &str = "API key is accepted";
    match error {
        None => Check::new(Status::Pass, TITLE, "Klarna answered the first call", CREDENTIALS),
        Some(e) if e.status().is_some_and(|s| s.as_u16() == 401) => Check::new(
            Status::Fail,
            TITLE,
            "Klarna answered 401: the key is wrong, disabled (unused for 2 months) or deleted (unused for 10 months)",
            CREDENTIALS,
        )
        .todo("create a new API key for this environment"),
        Some(e) => Check::new(Status::Fail, TITLE, format!("the call failed: {e}"), CREDENTIALS)
            .todo(if e.kind() == ErrorKind::Transport || e.kind() == ErrorKind::Timeout {
                "check the network path to Klarna (and the IP allow-list)"
            } else {
                "see Klarna's answer above"
            }),
    }
}

/// mTLS from the listed certificates and the verification header of that call.
pub fn mtls(certificates: &Value, status: Option<&VerificationStatus>, presented: bool) -> Check {
    const TITLE: &str = "mTLS is enabled and the certificate is VALID";
    let count = certificates
        .get("credentials")
        .and_then(Value::as_array)
        .map_or(0, |list| {
            list.iter()
                .filter(|c| c.pointer("/config/usage").and_then(Value::as_str) == Some("MTLS"))
                .count()
        });
    let setup = "klarna credentials setup --usage mtls --account-id <KRN> --dir <DIR>";
    match status {
        None if count == 0 => Check::new(
            Status::Fail,
            TITLE,
            "no MTLS client certificate, and responses carry no Klarna-Mtls-Verification-Status: mTLS is not enabled (Klarna requires it of Acquiring Partners)",
            MTLS,
        )
        .todo(format!("create one: {setup}")),
        None => Check::new(
            Status::Warn,
            TITLE,
            format!("{count} MTLS certificate(s) listed, but responses carry no Klarna-Mtls-Verification-Status"),
            MTLS,
        )
        .todo("ask Klarna whether mTLS is enabled on the account"),
        Some(VerificationStatus::Valid) => Check::new(
            Status::Pass,
            TITLE,
            format!("{count} MTLS certificate(s); this call's certificate is VALID"),
            MTLS,
        ),
        Some(VerificationStatus::NotPresent) if !presented => Check::new(
            Status::Warn,
            TITLE,
            format!("enabled ({count} MTLS certificate(s)); this call presented none (NOT_PRESENT)"),
            MTLS,
        )
        .todo("run the doctor with --mtls-cert and --mtls-key to check your certificate"),
        Some(VerificationStatus::NotPresent) => Check::new(
            Status::Fail,
            TITLE,
            "a certificate was configured but Klarna saw none (NOT_PRESENT)",
            MTLS,
        )
        .todo("check that nothing between you and Klarna terminates TLS"),
        Some(VerificationStatus::Invalid) => Check::new(
            Status::Fail,
            TITLE,
            "Klarna reports the presented certificate INVALID",
            MTLS,
        )
        .todo(format!("create a new certificate: {setup}")),
        Some(VerificationStatus::Other(s)) => Check::new(
            Status::Warn,
            TITLE,
            format!("Klarna-Mtls-Verification-Status is '{}', which the guide does not list", shown(s)),
            MTLS,
        ),
    }
}

/// Enforcement, from the body of the enforcement read (the specs model none).
pub fn enforcement(result: &Result<Value, klarna_runtime::Error>) -> Check {
    const TITLE: &str = "mTLS is enforced";
    let todo = "after calls report VALID: klarna credentials enforce --from NOW --cert <FILE> --key <FILE>";
    match result {
        Ok(body) => match body.get("enforced_from").and_then(Value::as_str) {
            Some(from) => Check::new(
                Status::Pass,
                TITLE,
                format!("enforced from {}", shown(from)),
                MTLS,
            ),
            None => Check::new(
                Status::Warn,
                TITLE,
                "unknown: Klarna's enforcement read answers without saying whether mTLS is enforced",
                MTLS,
            )
            .todo(todo),
        },
        Err(e) => Check::new(
            Status::Warn,
            TITLE,
            format!("the enforcement read failed: {e}"),
            MTLS,
        )
        .todo(todo),
    }
}

/// One check per webhook, and one for the payment events all usable webhooks together cover.
pub fn webhooks(list: &Value, signing_keys: &[String]) -> Vec<Check> {
    let hooks = list
        .get("webhooks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let subscribe = format!(
        "create a signing key and a webhook for payment.request.state-change.* at event version {CURRENT_EVENT_VERSION}: klarna signing-keys create; klarna webhooks create --body <FILE>"
    );
    if hooks.is_empty() {
        return vec![
            Check::new(
                Status::Fail,
                "webhooks are set up",
                "the account has no webhooks",
                WEBHOOKS,
            )
            .todo(subscribe),
        ];
    }
    let mut checks = Vec::new();
    let mut covered: Vec<String> = Vec::new();
    for hook in &hooks {
        let text = |field: &str| hook.get(field).and_then(Value::as_str).unwrap_or_default();
        let id = text("webhook_id");
        let mut status = Status::Pass;
        let mut problems = Vec::new();
        let mut todos = Vec::new();
        if let Err(e) = webhook_rules::check_url(text("url")) {
            status = Status::Fail;
            problems.push(e.reason().to_owned());
            todos.push("move the endpoint to https on port 443 or 8443 and update the webhook");
        }
        if text("status") != "ENABLED" {
            status = status.max(Status::Warn);
            problems.push(format!("status {}", shown(text("status"))));
            todos.push("enable it, or delete it");
        }
        let key = text("signing_key_id");
        if !signing_keys.iter().any(|k| k == key) {
            status = Status::Fail;
            problems.push(format!("its signing key {} does not exist", shown(key)));
            todos.push("create a signing key and update the webhook to use it");
        }
        if text("event_version") != CURRENT_EVENT_VERSION {
            status = status.max(Status::Warn);
            problems.push(format!(
                "event version {} (the current one is {CURRENT_EVENT_VERSION})",
                shown(text("event_version"))
            ));
            todos.push("subscribe at the most recent event version");
        }
        let types: Vec<String> = hook
            .get("event_types")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if problems.is_empty() {
            covered.extend(types.iter().cloned());
        }
        let detail = if problems.is_empty() {
            format!(
                "{}: https on 443/8443, enabled, signed by an existing key, event version {CURRENT_EVENT_VERSION}",
                shown(text("url"))
            )
        } else {
            format!("{}: {}", shown(text("url")), problems.join("; "))
        };
        let mut check = Check::new(status, &format!("webhook {}", shown(id)), detail, WEBHOOKS);
        if !todos.is_empty() {
            check = check.todo(todos.join("; "));
        }
        checks.push(check);
    }
    let missing = webhook_rules::missing_payment_events(&covered);
    let title = "payment request events are subscribed";
    checks.push(if missing.is_empty() {
        Check::new(
            Status::Pass,
            title,
            format!(
                "{} reach a working webhook at event version {CURRENT_EVENT_VERSION}",
                webhook_rules::REQUIRED_PAYMENT_EVENTS.join(", ")
            ),
            MONITORING,
        )
    } else {
        Check::new(
            Status::Fail,
            title,
            format!(
                "no enabled webhook at event version {CURRENT_EVENT_VERSION} with a valid URL and signing key receives {}",
                missing.join(", ")
            ),
            MONITORING,
        )
        .todo(subscribe)
    });
    checks
}

/// The IP allow-list as Klarna reports it, and the `Klarna-Ip-Validation-Status` of that call.
pub fn ip_allow_list(result: &Result<(Value, Option<String>), klarna_runtime::Error>) -> Check {
    const TITLE: &str = "IP allow-list";
    let (body, header) = match result {
        Ok(r) => r,
        Err(e) => {
            return Check::new(
                Status::Warn,
                TITLE,
                format!("could not be read: {e}"),
                IP_RESTRICTIONS,
            )
            .todo("ask Klarna for the account's IP restriction settings");
        }
    };
    let mode = body
        .get("enforcement_mode")
        .and_then(Value::as_str)
        .unwrap_or("NOT_ENABLED");
    let count = body
        .get("allowed_ips")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if count > 100 {
        return Check::new(
            Status::Fail,
            TITLE,
            format!("{count} entries; Klarna allows at most 100"),
            IP_RESTRICTIONS,
        )
        .todo("merge addresses into CIDR ranges");
    }
    match mode {
        "ENFORCED" => Check::new(
            Status::Pass,
            TITLE,
            format!("enforced with {count} entries: calls from other addresses are blocked"),
            IP_RESTRICTIONS,
        ),
        "REPORTING" if header.as_deref() == Some("DENIED") => Check::new(
            Status::Warn,
            TITLE,
            format!("reporting with {count} entries; this machine's address is not on the list (DENIED)"),
            IP_RESTRICTIONS,
        )
        .todo("add your servers' addresses before enforcing"),
        "REPORTING" => Check::new(
            Status::Pass,
            TITLE,
            format!(
                "reporting with {count} entries; this call: {}",
                header.as_deref().map_or_else(|| "no Klarna-Ip-Validation-Status".to_owned(), shown)
            ),
            IP_RESTRICTIONS,
        ),
        other => Check::new(
            Status::Warn,
            TITLE,
            format!("{}: any address may call with the key", shown(other)),
            IP_RESTRICTIONS,
        )
        .todo("restrict API calls to your servers' addresses (up to 100 IPv4/IPv6 entries); changes take up to 5 minutes"),
    }
}

/// Prints the checklist; returns whether any check failed.
fn print(checks: &[Check], skipped: &[&str]) -> bool {
    for c in checks {
        println!("[{}] {}: {}", c.status, c.title, c.detail);
        println!(
            "       guideline: {} ({})",
            c.guideline.name, c.guideline.url
        );
        if let Some(todo) = &c.todo {
            println!("       to do: {todo}");
        }
    }
    for s in skipped {
        println!("[SKIP] {s}: not run, the API key was not accepted");
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    println!(
        "{} passed, {} warnings, {} failed",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail)
    );
    count(Status::Fail) > 0
}

fn get(operation: &'static str, path: &str) -> Request {
    Request::new(operation, Method::GET, path.to_owned())
}

/// Runs `klarna doctor`.
pub fn run(args: &DoctorArgs, global: &Global) -> Result<(), Failure> {
    let key = std::env::var(&global.api_key_env).map_err(|_| {
        Failure::input(format!(
            "no API key: set the environment variable {} (or name another one with --api-key-env)",
            global.api_key_env
        ))
    })?;
    let environment = global.environment.unwrap_or(match &global.base_url {
        Some(url) if url.trim_end_matches('/') == klarna_runtime::LIVE_BASE_URL => {
            Environment::Live
        }
        _ => Environment::Test,
    });
    let mut checks = vec![key_prefix(&key, environment)];
    if checks[0].status == Status::Fail {
        // The SDK refuses such a client; nothing can be called.
        return finish(&checks, &["every account check"]);
    }
    let identity = match (&args.mtls_cert, &args.mtls_key) {
        (Some(c), Some(k)) => Some((
            guidelines::read_pem(Some(c), None, "mTLS certificate")?,
            guidelines::read_key(Some(k), None)?,
        )),
        _ => None,
    };
    let client = guidelines::client(global, identity.as_ref().map(|(c, k)| (c.as_str(), k)))?;
    let rt = guidelines::runtime()?;
    let skipped = rt.block_on(account_checks(&client, identity.is_some(), &mut checks));
    finish(&checks, &skipped)
}

fn finish(checks: &[Check], skipped: &[&str]) -> Result<(), Failure> {
    if print(checks, skipped) {
        Err(Failure {
            code: FAILED,
            message: String::new(),
        })
    } else {
        Ok(())
    }
}

/// The checks that call Klarna; returns the titles of those not run.
async fn account_checks(
    client: &Client,
    presented: bool,
    checks: &mut Vec<Check>,
) -> Vec<&'static str> {
    let hooks = call(client, get("listWebhooks", "/v2/notification/webhooks")).await;
    checks.push(key_accepted(hooks.as_ref().err()));
    let Ok((_, hooks)) = hooks else {
        return vec!["mTLS", "mTLS enforcement", "webhooks", "IP allow-list"];
    };
    match call(client, guidelines::list_client_certificates()).await {
        Ok((raw, certs)) => {
            let status = VerificationStatus::from_headers(raw.headers());
            checks.push(mtls(&certs, status.as_ref(), presented));
        }
        Err(e) => checks.push(
            Check::new(
                Status::Fail,
                "mTLS is enabled and the certificate is VALID",
                format!("the client certificates could not be listed: {e}"),
                MTLS,
            )
            .todo("see Klarna's answer"),
        ),
    }
    let enforcement_read = call(
        client,
        get(
            "readMtlsEnforcement",
            "/v2/account/integration/client-certificates/enforcement",
        ),
    )
    .await
    .map(|(_, body)| body);
    checks.push(enforcement(&enforcement_read));
    let keys: Vec<String> = match call(
        client,
        get("listSigningKeys", "/v2/notification/signing-keys"),
    )
    .await
    {
        Ok((_, body)) => body
            .get("signing_keys")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|k| k.get("signing_key_id").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        Err(e) => {
            checks.push(
                Check::new(
                    Status::Warn,
                    "signing keys",
                    format!("could not be listed: {e}; webhooks' keys are reported missing"),
                    WEBHOOKS,
                )
                .todo("see Klarna's answer"),
            );
            Vec::new()
        }
    };
    checks.extend(webhooks(&hooks, &keys));
    let ips = call(
        client,
        get(
            "listAllowedIps",
            "/v2/account/integration/ip-restrictions/allowed-ips",
        ),
    )
    .await
    .map(|(raw, body)| {
        let header = raw
            .headers()
            .get(IP_VALIDATION_STATUS_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (body, header)
    });
    checks.push(ip_allow_list(&ips));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_prefix_against_environment() {
        assert_eq!(
            key_prefix("klarna_test_api_x", Environment::Test).status,
            Status::Pass
        );
        assert_eq!(
            key_prefix("klarna_live_api_x", Environment::Live).status,
            Status::Pass
        );
        let wrong = key_prefix("klarna_live_api_x", Environment::Test);
        assert_eq!(wrong.status, Status::Fail);
        assert!(wrong.todo.unwrap().contains("klarna_test_"));
        assert_eq!(
            key_prefix("sk_live_x", Environment::Live).status,
            Status::Warn
        );
    }

    #[test]
    fn every_webhook_rule_is_checked() {
        let keys = vec!["krn:key:1".to_owned()];
        let hook = |url: &str, status: &str, key: &str, version: &str, types: Value| {
            json!({"webhook_id": "krn:hook", "url": url, "status": status, "signing_key_id": key,
                   "event_version": version, "event_types": types})
        };
        // (webhook, its verdict, words in its detail, coverage verdict)
        let table = [
            (
                hook(
                    "https://p.example/h",
                    "ENABLED",
                    "krn:key:1",
                    "v2",
                    json!(["payment.*"]),
                ),
                Status::Pass,
                "signed by an existing key",
                Status::Pass,
            ),
            (
                hook(
                    "https://p.example:8443/h",
                    "ENABLED",
                    "krn:key:1",
                    "v2",
                    json!(["payment.request.state-change.*"]),
                ),
                Status::Pass,
                "443/8443",
                Status::Pass,
            ),
            (
                hook(
                    "https://p.example:8080/h",
                    "ENABLED",
                    "krn:key:1",
                    "v2",
                    json!(["payment.*"]),
                ),
                Status::Fail,
                "port 8080",
                Status::Fail,
            ),
            (
                hook(
                    "http://p.example/h",
                    "ENABLED",
                    "krn:key:1",
                    "v2",
                    json!(["payment.*"]),
                ),
                Status::Fail,
                "uses http",
                Status::Fail,
            ),
            (
                hook(
                    "https://p.example/h",
                    "DISABLED",
                    "krn:key:1",
                    "v2",
                    json!(["payment.*"]),
                ),
                Status::Warn,
                "status DISABLED",
                Status::Fail,
            ),
            (
                hook(
                    "https://p.example/h",
                    "ENABLED",
                    "krn:gone",
                    "v2",
                    json!(["payment.*"]),
                ),
                Status::Fail,
                "does not exist",
                Status::Fail,
            ),
            (
                hook(
                    "https://p.example/h",
                    "ENABLED",
                    "krn:key:1",
                    "v1",
                    json!(["payment.*"]),
                ),
                Status::Warn,
                "event version v1",
                Status::Fail,
            ),
            (
                hook(
                    "https://p.example/h",
                    "ENABLED",
                    "krn:key:1",
                    "v2",
                    json!(["payment.request.state-change.completed"]),
                ),
                Status::Pass,
                "443",
                Status::Fail,
            ),
        ];
        for (h, verdict, words, coverage) in table {
            let checks = webhooks(&json!({"webhooks": [h]}), &keys);
            assert_eq!(checks.len(), 2);
            assert_eq!(checks[0].status, verdict, "{:?}", checks[0]);
            assert!(checks[0].detail.contains(words), "{:?}", checks[0]);
            assert_eq!(checks[1].status, coverage, "{:?}", checks[1]);
        }
        let none = webhooks(&json!({"webhooks": []}), &keys);
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].status, Status::Fail);
        let missing = webhooks(
            &json!({"webhooks": [hook("https://p.example/h", "ENABLED", "krn:key:1", "v2", json!(["payment.request.state-change.completed"]))]}),
            &keys,
        );
        assert!(
            missing[1]
                .detail
                .contains("payment.request.state-change.canceled"),
            "{:?}",
            missing[1]
        );
    }

    #[test]
    fn mtls_status_and_ip_list_verdicts() {
        let certs = json!({"credentials": [{"credential_id": "c", "config": {"usage": "MTLS"}}]});
        let empty = json!({"credentials": []});
        assert_eq!(mtls(&empty, None, false).status, Status::Fail);
        assert_eq!(mtls(&certs, None, false).status, Status::Warn);
        assert_eq!(
            mtls(&certs, Some(&VerificationStatus::Valid), true).status,
            Status::Pass
        );
        assert_eq!(
            mtls(&certs, Some(&VerificationStatus::NotPresent), false).status,
            Status::Warn
        );
        assert_eq!(
            mtls(&certs, Some(&VerificationStatus::NotPresent), true).status,
            Status::Fail
        );
        assert_eq!(
            mtls(&certs, Some(&VerificationStatus::Invalid), true).status,
            Status::Fail
        );
        assert_eq!(
            enforcement(&Ok(json!({"enforced_from": "NOW"}))).status,
            Status::Pass
        );
        assert_eq!(enforcement(&Ok(Value::Null)).status, Status::Warn);
        let ips = |mode: &str, n: usize, header: Option<&str>| {
            let list: Vec<String> = (0..n).map(|i| format!("203.0.113.{i}")).collect();
            ip_allow_list(&Ok((
                json!({"enforcement_mode": mode, "allowed_ips": list}),
                header.map(str::to_owned),
            )))
        };
        assert_eq!(ips("NOT_ENABLED", 0, None).status, Status::Warn);
        assert_eq!(ips("REPORTING", 2, Some("ALLOWED")).status, Status::Pass);
        assert_eq!(ips("REPORTING", 2, Some("DENIED")).status, Status::Warn);
        assert_eq!(ips("ENFORCED", 3, None).status, Status::Pass);
        assert_eq!(ips("ENFORCED", 101, None).status, Status::Fail);
    }
}
