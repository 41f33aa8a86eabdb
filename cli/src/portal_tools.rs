//! `klarna portal deep-link`: a signed Klarna Portal deep link, as the guides "Grant access to Klarna
//! Portal" and "Grant access via Deep Link" describe it
//! (<https://docs.klarna.com/klarna-network-distribution/interoperability-distribution/klarna-portal-overview/deep-link>).
//!
//! The JWT is built and signed by `klarna_runtime::portal` with the key of a `JWT_SIGNING` client
//! certificate (files or environment variables), sent to createDeepLink, and only the returned URL is
//! printed: it works once and expires 60 seconds after it is created, so open it at once. The JWT and the
//! key are never printed.

use std::time::Duration;

use clap::Args;
use klarna_runtime::portal::{DEEP_LINK_LIFETIME, PortalJwt, PortalRole, Purpose};
use klarna_runtime::{Method, Request, encode_path_segment};
use serde_json::json;

use crate::guidelines::{self, CertificateSource, call, failure};
use crate::{Failure, Global, exit};

/// `klarna portal deep-link`.
#[derive(Args, Debug)]
pub struct DeepLinkArgs {
    /// Partner account the link opens the Portal for (also the default account_id and on_behalf_of)
    #[arg(value_name = "PARTNER_ACCOUNT_ID")]
    pub partner_account_id: String,
    /// Your Acquiring Partner account id (the JWT's iss)
    #[arg(long, value_name = "KRN")]
    pub issuer: String,
    /// Email address of the Portal user (the JWT's sub)
    #[arg(long, value_name = "EMAIL")]
    pub subject: String,
    /// Role to grant: merchant:admin, merchant:developer, merchant:agent, or a newer one (repeatable)
    #[arg(long = "role", value_name = "ROLE", required = true)]
    pub roles: Vec<String>,
    /// How the user authenticated on your side (the JWT's amr; repeatable)
    #[arg(long = "amr", value_name = "METHOD", default_value = "pwd")]
    pub amr: Vec<String>,
    /// The JWT's account_id [default: PARTNER_ACCOUNT_ID]
    #[arg(long, value_name = "KRN")]
    pub account_id: Option<String>,
    /// The JWT's on_behalf_of [default: PARTNER_ACCOUNT_ID]
    #[arg(long, value_name = "KRN")]
    pub on_behalf_of: Option<String>,
    /// Seconds the JWT is valid (exp - iat)
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub lifetime: u64,
    /// The JWT_SIGNING certificate and its key
    #[command(flatten)]
    pub signing: CertificateSource,
    /// PEM file of an MTLS client certificate to call Klarna with (when mTLS is enforced)
    #[arg(long, value_name = "FILE", requires = "mtls_key")]
    pub mtls_cert: Option<std::path::PathBuf>,
    /// PEM file of that certificate's key
    #[arg(long, value_name = "FILE", requires = "mtls_cert")]
    pub mtls_key: Option<std::path::PathBuf>,
}

/// Runs `klarna portal deep-link`.
pub fn run(args: &DeepLinkArgs, global: &Global) -> Result<(), Failure> {
    let (cert, key) = args.signing.read()?;
    let account = &args.partner_account_id;
    let mut jwt = PortalJwt::new(args.issuer.clone(), args.subject.clone())
        .account_id(args.account_id.clone().unwrap_or_else(|| account.clone()))
        .on_behalf_of(args.on_behalf_of.clone().unwrap_or_else(|| account.clone()))
        .amr(args.amr.clone())
        .expires_in(Duration::from_secs(args.lifetime));
    for role in &args.roles {
        jwt = jwt.role(PortalRole::parse(role));
    }
    let signed = jwt
        .sign(Purpose::DeepLink, &cert, &key)
        .map_err(|e| Failure::input(format!("the Portal JWT: {e}")))?;
    let mtls = match (&args.mtls_cert, &args.mtls_key) {
        (Some(c), Some(k)) => Some((
            guidelines::read_pem(Some(c), None, "mTLS certificate")?,
            guidelines::read_key(Some(k), None)?,
        )),
        _ => None,
    };
    let client = guidelines::client(global, mtls.as_ref().map(|(c, k)| (c.as_str(), k)))?;
    let request = Request::new(
        "createDeepLink",
        Method::POST,
        format!(
            "/v2/accounts/{}/portal/deep-links",
            encode_path_segment(account)
        ),
    )
    .json(&json!({"jwt": signed.as_str()}))
    .idempotent();
    let (_, body) = guidelines::runtime()?
        .block_on(call(&client, request))
        .map_err(|e| failure("createDeepLink", &e))?;
    let Some(url) = body.get("url").and_then(|v| v.as_str()) else {
        return Err(Failure {
            code: exit::API,
            message: "Klarna's answer holds no url".to_owned(),
        });
    };
    println!("{url}");
    eprintln!(
        "the link works once and expires {} seconds after it was created",
        DEEP_LINK_LIFETIME.as_secs()
    );
    Ok(())
}
