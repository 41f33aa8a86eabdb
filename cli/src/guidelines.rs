//! What the guideline commands share (`klarna credentials`, `klarna portal deep-link`, `klarna doctor`):
//! where they sit in the command tree, reading keys and certificates from files or the environment, the
//! client with an optional mTLS identity, and calls that keep the response headers.
//!
//! Nothing secret is printed: keys, JWTs and API keys never reach standard output or error.

use std::path::{Path, PathBuf};

use clap::{ArgMatches, Args, Command, FromArgMatches, Subcommand};
use klarna_runtime::mtls::{self, PrivateKey, VerificationStatus};
use klarna_runtime::{Client, ErrorKind, Method, RawResponse, Request};
use serde_json::Value;

use crate::{Failure, Global, exit};

/// `klarna credentials ...`: mTLS keys, certificate requests and client certificates.
#[derive(Subcommand, Debug)]
pub enum CredentialsCommand {
    /// Make an elliptic curve prime256v1 key and its certificate signing request (offline)
    Keygen(crate::credentials::KeygenArgs),
    /// Guided: key and request, create the client certificate, save it, call Klarna with it, show the
    /// verification status, and enforce mTLS only after a VALID answer
    Setup(crate::credentials::SetupArgs),
    /// Call Klarna with a client certificate and show Klarna-Mtls-Verification-Status (exit 0 on VALID)
    Check(crate::credentials::CheckArgs),
    /// Enforce mTLS (NOW or a time at most three months ahead) after a VALID call with the certificate
    Enforce(crate::credentials::EnforceArgs),
}

/// Tools next to the generated `portal` operations.
#[derive(Subcommand, Debug)]
pub enum PortalTool {
    /// Sign a Portal JWT with a JWT_SIGNING certificate, create a deep link with it and print its URL
    DeepLink(crate::portal_tools::DeepLinkArgs),
}

/// Subcommand names of the portal tools.
const PORTAL_TOOLS: [&str; 1] = ["deep-link"];

/// Adds the tools to a generated resource's command (`portal`).
pub fn augment_resource(name: &str, base: Command) -> Command {
    if name == "portal" {
        PortalTool::augment_subcommands(base)
    } else {
        base
    }
}

/// Adds `credentials` and `doctor` to the root command.
pub fn augment_root(root: Command) -> Command {
    root.subcommand(
        CredentialsCommand::augment_subcommands(Command::new("credentials"))
            .about("mTLS keys, certificate requests and client certificates, as Klarna's \"Configure mTLS\" guide asks")
            .subcommand_required(true),
    )
    .subcommand(crate::doctor::DoctorArgs::augment_args(
        Command::new("doctor").about(
            "Read-only go-live checklist of the account: API key, mTLS, webhooks, IP allow-list (exit 4 on a failed check)",
        ),
    ))
}

/// Runs a guideline command, or `None` when `group`/`sub` is not one.
pub fn run(group: &str, sub: &ArgMatches, global: &Global) -> Option<Result<(), Failure>> {
    let parse_error = |e: clap::Error| Failure::input(e.to_string());
    match group {
        "credentials" => Some(
            CredentialsCommand::from_arg_matches(sub)
                .map_err(parse_error)
                .and_then(|c| crate::credentials::run(c, global)),
        ),
        "doctor" => Some(
            crate::doctor::DoctorArgs::from_arg_matches(sub)
                .map_err(parse_error)
                .and_then(|a| crate::doctor::run(&a, global)),
        ),
        "portal"
            if sub
                .subcommand_name()
                .is_some_and(|n| PORTAL_TOOLS.contains(&n)) =>
        {
            Some(
                PortalTool::from_arg_matches(sub)
                    .map_err(parse_error)
                    .and_then(|t| match t {
                        PortalTool::DeepLink(args) => crate::portal_tools::run(&args, global),
                    }),
            )
        }
        _ => None,
    }
}

/// Reads PEM text from a file or from an environment variable (exactly one of them).
pub fn read_pem(file: Option<&Path>, env: Option<&str>, what: &str) -> Result<String, Failure> {
    match (file, env) {
        (Some(path), None) => std::fs::read_to_string(path)
            .map_err(|e| Failure::input(format!("cannot read the {what} {}: {e}", path.display()))),
        (None, Some(var)) => std::env::var(var).map_err(|_| {
            Failure::input(format!(
                "the environment variable {var} (the {what}) is not set or not UTF-8"
            ))
        }),
        (Some(_), Some(_)) => Err(Failure::input(format!(
            "give the {what} as a file or an environment variable, not both"
        ))),
        (None, None) => Err(Failure::input(format!(
            "no {what}: give a file or an environment variable"
        ))),
    }
}

/// A private key from a file or the environment.
pub fn read_key(file: Option<&Path>, env: Option<&str>) -> Result<PrivateKey, Failure> {
    let pem = read_pem(file, env, "private key")?;
    PrivateKey::from_pem(&pem).map_err(|e| Failure::input(format!("the private key: {e}")))
}

/// Where a client certificate and its key come from.
#[derive(Args, Debug, Clone, Default)]
pub struct CertificateSource {
    /// PEM file of the client certificate Klarna issued
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Environment variable holding that certificate's PEM (instead of --cert)
    #[arg(long, value_name = "VAR")]
    pub cert_env: Option<String>,
    /// PEM file of the certificate's private key (never printed)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Environment variable holding the private key's PEM (instead of --key)
    #[arg(long, value_name = "VAR")]
    pub key_env: Option<String>,
}

impl CertificateSource {
    /// The certificate PEM and the key.
    pub fn read(&self) -> Result<(String, PrivateKey), Failure> {
        let cert = read_pem(
            self.cert.as_deref(),
            self.cert_env.as_deref(),
            "client certificate",
        )?;
        let key = read_key(self.key.as_deref(), self.key_env.as_deref())?;
        Ok((cert, key))
    }
}

/// The client from the global options, with `identity` (certificate PEM and key) for mTLS when given.
pub fn client(global: &Global, identity: Option<(&str, &PrivateKey)>) -> Result<Client, Failure> {
    let mut builder = crate::operation::client_builder(global)?;
    if let Some((cert, key)) = identity {
        let identity = mtls::identity(cert, key)
            .map_err(|e| Failure::input(format!("the client certificate: {e}")))?;
        builder = builder.identity(identity);
    }
    builder
        .build()
        .map_err(|e| Failure::input(format!("cannot configure the client: {e}")))
}

/// A single-thread async runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(format!("could not start the async runtime: {e}")))
}

/// Maps a runtime error to an exit status and a message naming the operation.
pub fn failure(operation: &str, e: &klarna_runtime::Error) -> Failure {
    let code = match e.kind() {
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::BodyTooLarge => exit::TRANSPORT,
        ErrorKind::InvalidRequest | ErrorKind::Config => exit::INPUT,
        _ => exit::API,
    };
    Failure {
        code,
        message: format!("error: {operation} ({}): {e}", e.kind()),
    }
}

/// Sends a request built with [`Request`] and reads its JSON body (`Value::Null` for none).
pub async fn call(
    client: &Client,
    request: Request,
) -> Result<(RawResponse, Value), klarna_runtime::Error> {
    let raw = client.execute(request).await?;
    let body = if raw.body().is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(raw.body()).unwrap_or(Value::Null)
    };
    Ok((raw, body))
}

/// `GET /v2/account/integration/credentials/client-certificate` (listClientCertificates): read-only,
/// so it is the call that shows the verification status.
pub fn list_client_certificates() -> Request {
    Request::new(
        "listClientCertificates",
        Method::GET,
        "/v2/account/integration/credentials/client-certificate".to_owned(),
    )
}

/// The verification status a response reports, in words for the terminal.
pub fn describe_status(status: Option<&VerificationStatus>) -> String {
    match status {
        Some(s) => format!("Klarna-Mtls-Verification-Status: {s}"),
        None => "no Klarna-Mtls-Verification-Status header (mTLS is not enabled on the account)"
            .to_owned(),
    }
}

/// Writes `contents` to a new file (never over an existing one), readable by its owner only when
/// `secret`.
pub fn write_new(path: &Path, contents: &str, secret: bool) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path).map_err(|e| {
        Failure::input(if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{} exists already; it is not overwritten", path.display())
        } else {
            format!("cannot create {}: {e}", path.display())
        })
    })?;
    file.write_all(contents.as_bytes())
        .map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))
}
