//! `klarna credentials keygen|setup|check|enforce`: Klarna's guide "Configure mTLS" as commands
//! (<https://docs.klarna.com/klarna-network-distribution/setup-your-integration/account-configuration/configure-mtls>).
//! The rules themselves live in `klarna_runtime::mtls`.
//!
//! `setup` walks the guide: make an elliptic curve prime256v1 key and a certificate signing request whose
//! common name is the last segment of the account id; create the client certificate
//! (createClientCertificate, `config.usage` `MTLS` or `JWT_SIGNING`); save it; for `MTLS`, call Klarna with
//! it and show `Klarna-Mtls-Verification-Status`; and enforce (enforceMtls) only when that call was
//! `VALID`, with `enforced_from` checked (NOW, or not past and at most three months ahead) before it is
//! sent. The key is written to a new file readable only by its owner and is never printed.

use std::path::PathBuf;

use clap::Args;
use klarna_runtime::mtls::{
    CertificateRequest, CertificateUsage, EnforcedFrom, PrivateKey, VerificationStatus,
};
use klarna_runtime::{Client, Method, Request};
use serde_json::json;
use time::OffsetDateTime;

use crate::guidelines::{
    self, CertificateSource, CredentialsCommand, call, describe_status, failure, write_new,
};
use crate::{Failure, Global, exit};

/// `klarna credentials keygen`.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Account id (KRN); the request's common name is its last segment
    #[arg(long, value_name = "KRN")]
    pub account_id: Option<String>,
    /// Another common name (1 to 64 characters) instead of the account id's last segment
    #[arg(long, value_name = "CN", conflicts_with = "account_id")]
    pub common_name: Option<String>,
    /// New file for the private key (PKCS#8 PEM, owner-only permissions; never overwritten)
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// New file for the certificate signing request (PEM)
    #[arg(long, value_name = "FILE")]
    pub csr: PathBuf,
}

/// `klarna credentials setup`.
#[derive(Args, Debug)]
pub struct SetupArgs {
    /// Account id (KRN) the certificate is for; the request's common name is its last segment
    #[arg(long, value_name = "KRN")]
    pub account_id: String,
    /// What the certificate is for: mtls (TLS client certificate) or jwt-signing (Portal JWTs)
    #[arg(long, value_name = "USAGE", default_value = "mtls")]
    pub usage: String,
    /// Free-text description of the certificate
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Directory for key.pem, csr.pem and certificate.pem (created; existing files are not overwritten)
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Enforce mTLS from NOW or a time (RFC 3339, at most three months ahead), after a VALID call
    #[arg(long, value_name = "WHEN")]
    pub enforce_from: Option<String>,
}

/// `klarna credentials check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The certificate and key to call with
    #[command(flatten)]
    pub source: CertificateSource,
}

/// `klarna credentials enforce`.
#[derive(Args, Debug)]
pub struct EnforceArgs {
    /// When enforcement starts: NOW, or an RFC 3339 time not in the past and at most three months ahead
    #[arg(long, value_name = "WHEN")]
    pub from: String,
    /// The MTLS certificate and key that must be VALID first
    #[command(flatten)]
    pub source: CertificateSource,
}

/// Runs a `credentials` command.
pub fn run(command: CredentialsCommand, global: &Global) -> Result<(), Failure> {
    match command {
        CredentialsCommand::Keygen(args) => keygen(&args),
        CredentialsCommand::Setup(args) => setup(&args, global),
        CredentialsCommand::Check(args) => {
            let (cert, key) = args.source.read()?;
            let client = guidelines::client(global, Some((&cert, &key)))?;
            let rt = guidelines::runtime()?;
            let status = rt.block_on(verification(&client))?;
            println!("{}", describe_status(status.as_ref()));
            match status {
                Some(VerificationStatus::Valid) => Ok(()),
                _ => Err(Failure {
                    code: exit::API,
                    message: "the certificate is not VALID for Klarna".to_owned(),
                }),
            }
        }
        CredentialsCommand::Enforce(args) => {
            let from = parse_enforced_from(&args.from)?;
            let (cert, key) = args.source.read()?;
            let client = guidelines::client(global, Some((&cert, &key)))?;
            guidelines::runtime()?.block_on(enforce_after_valid(&client, from))
        }
    }
}

fn keygen(args: &KeygenArgs) -> Result<(), Failure> {
    let request = match (&args.account_id, &args.common_name) {
        (Some(account), None) => CertificateRequest::for_account(account),
        (None, Some(cn)) => CertificateRequest::with_common_name(cn),
        _ => {
            return Err(Failure::input(
                "give --account-id (the common name is its last segment) or --common-name",
            ));
        }
    }
    .map_err(|e| Failure::input(e.to_string()))?;
    let key = PrivateKey::generate().map_err(|e| Failure::input(e.to_string()))?;
    let csr = request
        .to_pem(&key)
        .map_err(|e| Failure::input(e.to_string()))?;
    write_new(&args.key, &key.to_pem(), true)?;
    write_new(&args.csr, &csr, false)?;
    println!(
        "wrote the prime256v1 key to {} and the request (CN={}) to {}",
        args.key.display(),
        request.common_name(),
        args.csr.display()
    );
    Ok(())
}

/// `enforced_from` from the command line, checked against the clock before anything is sent.
fn parse_enforced_from(text: &str) -> Result<EnforcedFrom, Failure> {
    EnforcedFrom::parse(text)
        .and_then(|f| f.validate(OffsetDateTime::now_utc()))
        .map_err(|e| Failure::input(e.to_string()))
}

/// Calls Klarna (a read-only call) and returns the verification status it reports.
async fn verification(client: &Client) -> Result<Option<VerificationStatus>, Failure> {
    let (raw, _) = call(client, guidelines::list_client_certificates())
        .await
        .map_err(|e| failure("listClientCertificates", &e))?;
    Ok(VerificationStatus::from_headers(raw.headers()))
}

/// Enforces mTLS when a call with the client's certificate is `VALID`; refuses otherwise.
async fn enforce_after_valid(client: &Client, from: EnforcedFrom) -> Result<(), Failure> {
    let status = verification(client).await?;
    println!("{}", describe_status(status.as_ref()));
    enforce_if_valid(client, status.as_ref(), from).await
}

/// Enforces mTLS when `status` (of a call with the client's certificate) is `VALID`; refuses otherwise.
async fn enforce_if_valid(
    client: &Client,
    status: Option<&VerificationStatus>,
    from: EnforcedFrom,
) -> Result<(), Failure> {
    if status != Some(&VerificationStatus::Valid) {
        return Err(Failure {
            code: exit::API,
            message: "not enforcing mTLS: the call with this certificate was not VALID; enforcing now would lock out the integration".to_owned(),
        });
    }
    let request = Request::new(
        "enforceMtls",
        Method::PUT,
        "/v2/account/integration/client-certificates/enforcement".to_owned(),
    )
    .json(&json!({"enforced_from": from.to_wire()}));
    call(client, request)
        .await
        .map_err(|e| failure("enforceMtls", &e))?;
    println!("mTLS is enforced from {}", from.to_wire());
    Ok(())
}

fn setup(args: &SetupArgs, global: &Global) -> Result<(), Failure> {
    let usage = CertificateUsage::parse(&args.usage).map_err(|e| Failure::input(e.to_string()))?;
    // Everything that can be checked offline is checked before the first call.
    let from = match &args.enforce_from {
        Some(_) if usage != CertificateUsage::Mtls => {
            return Err(Failure::input(
                "--enforce-from goes with --usage mtls: JWT_SIGNING certificates are not used for TLS",
            ));
        }
        Some(text) => Some(parse_enforced_from(text)?),
        None => None,
    };
    let request = CertificateRequest::for_account(&args.account_id)
        .map_err(|e| Failure::input(e.to_string()))?;
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| Failure::input(format!("cannot create {}: {e}", args.dir.display())))?;
    let (key_path, csr_path, cert_path) = (
        args.dir.join("key.pem"),
        args.dir.join("csr.pem"),
        args.dir.join("certificate.pem"),
    );
    for path in [&key_path, &csr_path, &cert_path] {
        if path.exists() {
            return Err(Failure::input(format!(
                "{} exists already; choose another --dir (nothing is overwritten)",
                path.display()
            )));
        }
    }
    let client = guidelines::client(global, None)?;

    let key = PrivateKey::generate().map_err(|e| Failure::input(e.to_string()))?;
    let csr = request
        .to_pem(&key)
        .map_err(|e| Failure::input(e.to_string()))?;
    write_new(&key_path, &key.to_pem(), true)?;
    write_new(&csr_path, &csr, false)?;
    println!(
        "1. made a prime256v1 key ({}) and a request with CN={} ({})",
        key_path.display(),
        request.common_name(),
        csr_path.display()
    );

    let rt = guidelines::runtime()?;
    let mut body = json!({
        "config": {"usage": usage.as_str(), "certificate_signing_request": csr},
    });
    if let Some(d) = &args.description {
        body["description"] = json!(d);
    }
    let create = Request::new(
        "createClientCertificate",
        Method::POST,
        "/v2/account/integration/credentials/client-certificate".to_owned(),
    )
    .json(&body)
    .idempotent();
    let (_, created) = rt
        .block_on(call(&client, create))
        .map_err(|e| failure("createClientCertificate", &e))?;
    let Some(certificate) = created
        .pointer("/secret/certificate")
        .and_then(|v| v.as_str())
    else {
        return Err(Failure {
            code: exit::API,
            message: "Klarna's answer holds no secret.certificate".to_owned(),
        });
    };
    // The certificate must be the one for this key before anything relies on it.
    klarna_runtime::mtls::identity(certificate, &key)
        .map_err(|e| Failure::input(format!("the returned certificate: {e}")))?;
    write_new(&cert_path, &certificate.replace("\\n", "\n"), false)?;
    println!(
        "2. created the {} client certificate {} and saved it ({})",
        usage,
        created
            .get("credential_id")
            .and_then(|v| v.as_str())
            .unwrap_or("(no credential_id)"),
        cert_path.display()
    );

    if usage == CertificateUsage::JwtSigning {
        println!(
            "next: sign Portal deep links with it: klarna portal deep-link <PARTNER_ACCOUNT_ID> --cert {} --key {} ...",
            cert_path.display(),
            key_path.display()
        );
        return Ok(());
    }
    let with_identity = guidelines::client(global, Some((certificate, &key)))?;
    let status = rt.block_on(verification(&with_identity))?;
    println!(
        "3. called Klarna with it: {}",
        describe_status(status.as_ref())
    );
    match from {
        Some(from) => rt.block_on(enforce_if_valid(&with_identity, status.as_ref(), from)),
        None => {
            println!(
                "next: once calls report VALID, enforce mTLS: klarna credentials enforce --from NOW --cert {} --key {}",
                cert_path.display(),
                key_path.display()
            );
            Ok(())
        }
    }
}
