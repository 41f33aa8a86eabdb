//! `klarna webhooks sign|verify|send`: the runtime's webhook signing and verification on the command
//! line.
//!
//! A signature is the lowercase hex HMAC-SHA256 of the raw body bytes keyed with the signing key's UTF-8
//! bytes (`klarna_runtime::webhooks::compute_signature`); verification is the runtime's own
//! (`verify_signature_parts`: key looked up by id, constant-time compare).

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use klarna_runtime::webhooks::{self, SigningKeys, WebhookEnvelope};

use crate::output::{stderr_line, stdout_line};
use crate::{Failure, Global, WebhookTool, exit};

/// The signing key: its id and the environment variable that holds its secret.
#[derive(Args, Debug)]
pub struct KeyArgs {
    /// The signing key's id (`krn:partner:global:notification:signing-key:...`)
    #[arg(long, value_name = "ID")]
    pub key_id: String,
    /// Environment variable that holds the signing key's secret (never on the command line)
    #[arg(long, value_name = "VAR")]
    pub secret_env: String,
}

/// `klarna webhooks sign`.
#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The raw body to sign: a file, or - for standard input
    #[arg(value_name = "BODY_FILE", default_value = "-")]
    body: String,
}

/// `klarna webhooks verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The Klarna-Signature header's value
    #[arg(long, value_name = "SIG")]
    signature: String,
    /// The raw body as delivered: a file, or - for standard input
    #[arg(value_name = "BODY_FILE", default_value = "-")]
    body: String,
}

/// `klarna webhooks send`.
#[derive(Args, Debug)]
pub struct SendArgs {
    /// Where to deliver the event (e.g. http://localhost:3000/webhooks/klarna)
    #[arg(long, value_name = "URL")]
    url: String,
    #[command(flatten)]
    key: KeyArgs,
    /// The event to deliver: a JSON file `{"metadata": {...}, "payload": {...}}`, or - for standard input
    #[arg(value_name = "BODY_FILE")]
    body: String,
    /// Seconds to wait for the endpoint's answer
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
}

/// Runs a webhook tool.
pub fn run(tool: WebhookTool, global: &Global) -> Result<(), Failure> {
    match tool {
        WebhookTool::Sign(a) => {
            let secret = secret(&a.key)?;
            let body = read(&a.body)?;
            stdout_line(&format!(
                "Klarna-Signing-Key-Id: {}\nKlarna-Signature: {}",
                a.key.key_id,
                webhooks::compute_signature(&secret, &body)
            ))
        }
        WebhookTool::Verify(a) => {
            let secret = secret(&a.key)?;
            let body = read(&a.body)?;
            let keys = SigningKeys::new()
                .try_with_key(a.key.key_id.clone(), secret)
                .map_err(|e| Failure::input(e.to_string()))?;
            match webhooks::verify_signature_parts(
                &body,
                Some(&a.signature),
                Some(&a.key.key_id),
                &keys,
            ) {
                Ok(id) => {
                    if let Err(e) = serde_json::from_slice::<WebhookEnvelope>(&body) {
                        stderr_line(&format!(
                            "note: the body is not a webhook event envelope: {e}"
                        ));
                    }
                    stdout_line(&format!(
                        "valid: the signature matches the body for key {id}"
                    ))
                }
                Err(e) => Err(Failure::input(format!("invalid: {e}"))),
            }
        }
        WebhookTool::Send(a) => send(a, global),
    }
}

/// The secret from the environment variable `--secret-env` names; blank secrets are refused.
fn secret(key: &KeyArgs) -> Result<String, Failure> {
    let var = &key.secret_env;
    let value = std::env::var(var).map_err(|e| {
        Failure::input(match e {
            std::env::VarError::NotPresent => {
                format!("the environment variable {var} (--secret-env) is not set")
            }
            std::env::VarError::NotUnicode(_) => {
                format!("the environment variable {var} is not valid UTF-8")
            }
        })
    })?;
    if value.trim().is_empty() {
        return Err(Failure::input(format!(
            "the signing key in {var} is empty or whitespace only"
        )));
    }
    if key.key_id.trim().is_empty() {
        return Err(Failure::input("--key-id is empty"));
    }
    Ok(value)
}

fn read(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| Failure::input(format!("cannot read {path}: {e}")))
    }
}

/// Delivers a signed event as Klarna would: `POST`, JSON, the two signature headers.
fn send(a: SendArgs, global: &Global) -> Result<(), Failure> {
    let secret = secret(&a.key)?;
    let body = read(&a.body)?;
    let shown = if a.body == "-" {
        "standard input"
    } else {
        a.body.as_str()
    };
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| Failure::input(format!("{shown} is not valid JSON: {e}")))?;
    if let Err(e) = serde_json::from_value::<WebhookEnvelope>(value) {
        stderr_line(&format!(
            "note: {shown} is not a webhook event envelope ({e}); sent as given"
        ));
    }
    let url =
        reqwest::Url::parse(&a.url).map_err(|e| Failure::input(format!("--url {}: {e}", a.url)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::input(format!(
            "--url {}: only http and https URLs can receive a delivery",
            a.url
        )));
    }
    let signature = webhooks::compute_signature(&secret, &body);
    let client = http_client(Duration::from_secs(a.timeout))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(format!("could not start the async runtime: {e}")))?;
    if global.verbose {
        stderr_line(&format!("> POST {url}"));
    }
    rt.block_on(async {
        let response = client
            .post(url)
            .header("Content-Type", "application/json")
            .header("Klarna-Signing-Key-Id", a.key.key_id.clone())
            .header("Klarna-Signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| Failure {
                code: exit::TRANSPORT,
                message: format!("error: the delivery failed: {}", error_chain(&e)),
            })?;
        let status = response.status();
        let text = response.text().await.map_err(|e| Failure {
            code: exit::TRANSPORT,
            message: format!(
                "error: reading the endpoint's answer failed: {}",
                error_chain(&e)
            ),
        })?;
        if status.is_success() {
            stderr_line(&format!("delivered: the endpoint answered {status}"));
            if text.is_empty() {
                Ok(())
            } else {
                stdout_line(&text)
            }
        } else {
            Err(Failure {
                code: exit::API,
                message: format!("error: the endpoint answered {status}\n{text}"),
            })
        }
    })
}

/// What went wrong underneath a reqwest error, once: the innermost error of its chain (`Connection
/// refused`, the DNS or TLS failure), after reqwest's own word for the stage when that adds something.
fn error_chain(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let root = cause.to_string();
    let stage = if e.is_connect() {
        "could not connect"
    } else if e.is_timeout() {
        "timed out"
    } else {
        "the connection failed"
    };
    if root.contains(stage) {
        root
    } else {
        format!("{stage}: {root}")
    }
}

/// An HTTP client with the platform's root certificates over rustls (aws-lc-rs, as the SDK), no redirects.
fn http_client(timeout: Duration) -> Result<reqwest::Client, Failure> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| Failure::input(format!("cannot load the system's root certificates: {e}")))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::input(format!("TLS setup failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .map_err(|e| Failure::input(format!("cannot build the HTTP client: {e}")))
}
