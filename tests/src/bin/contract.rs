//! `contract BASE_URL API`: calls every operation of one Klarna API through the generated SDK against a mock
//! server (Stoplight Prism) that validates each request against `specs/API.yaml`.
//!
//! Run by `cargo xtask contract`, which starts and stops Prism. Arguments are realistic and come from the
//! spec itself: each parameter takes its documented example (KRN-shaped ids, valid enum values), each JSON
//! body is the request's example, or, where the spec has none, a value built from the schema's required
//! properties and their examples; both go through `serde_json::from_value` into the generated type, so what
//! goes on the wire is what the SDK serializes. Optional query and header parameters are set too, so their
//! encoding is checked.
//!
//! A call passes when `send()` returns `Ok` (Prism accepted path, query, headers and body, and its response
//! deserialized into the generated type) with the success status the spec declares. Prints one line per
//! operation and a summary line `contract: API: N of M operations passed`; exits 1 on any failure or when the
//! calls made do not match the operations of the API exactly, 2 if it could not run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use klarna::{Client, Multipart, RetryPolicy};
use klarna::{management, messaging, payment};
use klarna_codegen::SpecInput;
use klarna_codegen::ir;
use klarna_tests::schema::Doc;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A placeholder API key: Prism checks that `Authorization` is present, not what it holds.
const API_KEY: &str = "klarna_test_api_Y29udHJhY3QtdGVzdA";

/// The outcome of one call.
struct Outcome {
    /// The `operationId`.
    id: &'static str,
    /// The HTTP status of a successful call, or why it failed.
    result: Result<u16, String>,
}

/// One API's spec, as IR and as JSON, where parameter and body values come from.
struct Fixtures {
    api: ir::Api,
    raw: Value,
}

/// Values for one operation's call.
struct Args<'a> {
    doc: Doc<'a>,
    raw: &'a Value,
    op: &'a ir::Operation,
}

impl Fixtures {
    /// Loads `specs/<api>.yaml` under `root`.
    fn load(root: &Path, api: &str) -> Result<Self, String> {
        let path = root.join("specs").join(format!("{api}.yaml"));
        let display = format!("specs/{api}.yaml");
        let input = SpecInput {
            path: path.clone(),
            display: display.clone(),
        };
        let render = |d: klarna_codegen::Diagnostics| {
            d.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (krate, _) = klarna_codegen::build_ir(&[input], "klarna", "0.0.0").map_err(render)?;
        let api_ir = krate
            .apis
            .into_iter()
            .next()
            .ok_or_else(|| format!("{display} has no API"))?;
        let raw = klarna_codegen::load::load(&path, &display)
            .map_err(render)?
            .raw;
        Ok(Self { api: api_ir, raw })
    }

    /// Every operation of the API, by `operationId`.
    fn operations(&self) -> BTreeMap<&str, &ir::Operation> {
        self.api
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .map(|op| (op.id.wire.as_str(), op))
            .collect()
    }

    /// The values for the operation `id`.
    fn op(&self, id: &str) -> Result<Args<'_>, String> {
        let op = self
            .operations()
            .get(id)
            .copied()
            .ok_or_else(|| format!("no operation `{id}` in the spec"))?;
        Ok(Args {
            doc: Doc::new(&self.raw),
            raw: &self.raw,
            op,
        })
    }
}

impl<'a> Args<'a> {
    fn node(&self, pointer: &str) -> Result<&'a Value, String> {
        let node = pointer
            .strip_prefix('#')
            .and_then(|p| self.raw.pointer(p))
            .ok_or_else(|| format!("{pointer} is not in the spec"))?;
        self.doc
            .resolve(node)
            .ok_or_else(|| format!("{pointer}: dangling $ref"))
    }

    /// The value of the parameter `wire`: its example, its schema's example, or one built from its schema.
    fn arg<T: DeserializeOwned>(&self, wire: &str) -> Result<T, String> {
        let param = self
            .op
            .path_params
            .iter()
            .chain(&self.op.query_params)
            .chain(&self.op.header_params)
            .find(|p| p.name.wire == wire)
            .ok_or_else(|| format!("{} has no parameter `{wire}`", self.op.id.wire))?;
        let node = self.node(&param.pointer)?;
        let schema = node.get("schema").unwrap_or(&Value::Null);
        let value = match node.get("example") {
            Some(v) => v.clone(),
            None => self.doc.synthesize(schema, 0),
        };
        serde_json::from_value(value.clone())
            .map_err(|e| format!("parameter `{wire}` example {value} does not fit its type: {e}"))
    }

    /// The request body's JSON: the media type's example, else one built from the schema.
    fn body_json(&self) -> Result<Value, String> {
        let body = self
            .op
            .body
            .as_ref()
            .ok_or_else(|| format!("{} takes no body", self.op.id.wire))?;
        let request = self.node(&format!("{}/requestBody", self.op.pointer))?;
        let media = request
            .get("content")
            .and_then(|c| c.get(&body.media_type))
            .ok_or_else(|| format!("no `{}` request content", body.media_type))?;
        if let Some(example) = media.get("example") {
            return Ok(example.clone());
        }
        if let Some(first) = media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|m| m.values().next())
            .and_then(|e| e.get("value"))
        {
            return Ok(first.clone());
        }
        Ok(self
            .doc
            .synthesize(media.get("schema").unwrap_or(&Value::Null), 0))
    }

    /// The request body in its generated type.
    fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        let value = self.body_json()?;
        serde_json::from_value(value.clone()).map_err(|e| {
            format!("the request body {value} does not deserialize into the generated type: {e}")
        })
    }

    /// A multipart form with a small PDF for each binary property and the example (or a built value) of
    /// every other property.
    fn multipart(&self) -> Result<Multipart, String> {
        let request = self.node(&format!("{}/requestBody", self.op.pointer))?;
        let schema = request
            .get("content")
            .and_then(|c| c.get("multipart/form-data"))
            .and_then(|m| m.get("schema"))
            .and_then(|s| self.doc.resolve(s))
            .ok_or_else(|| "no multipart/form-data schema".to_string())?;
        let mut form = Multipart::new();
        let props = schema.get("properties").and_then(Value::as_object);
        for (name, prop) in props.into_iter().flatten() {
            let prop = self.doc.resolve(prop).unwrap_or(prop);
            if prop.get("format").and_then(Value::as_str) == Some("binary") {
                form = form.file(
                    name.as_str(),
                    "proof-of-delivery.pdf",
                    "application/pdf",
                    b"%PDF-1.7\n%%EOF\n".to_vec(),
                );
            } else {
                let value = self.doc.synthesize(prop, 0);
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                form = form.text(name.as_str(), text);
            }
        }
        Ok(form)
    }
}

/// What went wrong, with the body of Prism's answer (it lists the violations).
fn describe(e: &klarna::Error) -> String {
    let mut s = e.to_string();
    if let Some(status) = e.status() {
        s = format!("HTTP {}: {s}", status.as_u16());
    }
    if let Some(body) = e.raw_body().filter(|b| !b.is_empty()) {
        let text = String::from_utf8_lossy(body);
        let text: String = text.chars().take(1500).collect();
        s.push_str(&format!("; response body: {text}"));
    }
    s
}

/// Calls one operation: `$a` is the operation's [`Args`], `$req` the request builder.
macro_rules! call {
    ($out:ident, $fx:ident, $id:literal, |$a:ident| $req:expr) => {
        let result: Result<u16, String> = async {
            #[allow(unused_variables)]
            let $a = $fx.op($id)?;
            let response = $req.send().await.map_err(|e| describe(&e))?;
            Ok(response.status().as_u16())
        }
        .await;
        $out.push(Outcome { id: $id, result });
    };
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(base_url), Some(api)) = (args.first(), args.get(1)) else {
        eprintln!("usage: contract BASE_URL API");
        return ExitCode::from(2);
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("contract: error: starting tokio: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(&root, base_url, api)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("contract: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the calls of `api` against `base_url`; `Ok(false)` when any failed.
async fn run(root: &Path, base_url: &str, api: &str) -> Result<bool, String> {
    let fx = Fixtures::load(root, api)?;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|e| format!("building the client: {e}"))?;
    let outcomes = match api {
        "identity" => identity_calls(&client, &fx).await,
        "interoperability" => interoperability_calls(&client, &fx).await,
        "management" => management_calls(&client, &fx).await,
        "messaging" => messaging_calls(&client, &fx).await,
        "notification" => notification_calls(&client, &fx).await,
        "payment" => payment_calls(&client, &fx).await,
        other => return Err(format!("unknown API `{other}`")),
    };
    let ops = fx.operations();
    let mut passed = 0;
    let mut called = BTreeSet::new();
    for o in &outcomes {
        let expected = ops.get(o.id).map(|op| op.response.status().to_string());
        let verdict = match (&o.result, expected) {
            (_, None) => Err("not an operation of this API".to_string()),
            (Ok(status), Some(want)) if status.to_string() == want => Ok(()),
            (Ok(status), Some(want)) => Err(format!("status {status}, the spec declares {want}")),
            (Err(e), _) => Err(e.clone()),
        };
        if !called.insert(o.id) {
            println!("  {:<48} FAILED called twice", o.id);
            continue;
        }
        let status = o.result.as_ref().map_or("---".to_string(), u16::to_string);
        match verdict {
            Ok(()) => {
                passed += 1;
                println!("  {:<48} {status} ok", o.id);
            }
            Err(reason) => println!("  {:<48} {status} FAILED {reason}", o.id),
        }
    }
    let missing: Vec<&str> = ops
        .keys()
        .copied()
        .filter(|id| !called.contains(id))
        .collect();
    for id in &missing {
        println!("  {id:<48} --- FAILED not called by the contract test");
    }
    println!(
        "contract: {api}: {passed} of {} operations passed",
        ops.len()
    );
    Ok(passed == ops.len() && missing.is_empty() && outcomes.len() == ops.len())
}

/// Calls every operation of the Klarna Identity API.
async fn identity_calls(c: &Client, fx: &Fixtures) -> Vec<Outcome> {
    let mut out = Vec::new();
    call!(out, fx, "introspectCustomerToken", |a| c
        .customer_tokens()
        .introspect(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "introspectCustomerTokenAsSubPartner", |a| c
        .customer_tokens()
        .introspect_as_sub_partner(
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "revokeCustomerToken", |a| c
        .customer_tokens()
        .revoke(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "createIdentitySdkToken", |a| c
        .identity_sdk_tokens()
        .create(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "createIdentitySdkTokenAsSubPartner", |a| c
        .identity_sdk_tokens()
        .create_as_sub_partner(
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    out
}

/// Calls every operation of the Klarna Interoperability API.
async fn interoperability_calls(c: &Client, fx: &Fixtures) -> Vec<Outcome> {
    let mut out = Vec::new();
    call!(out, fx, "createInteroperabilitySdkToken", |a| c
        .interoperability_sdk_tokens()
        .create(a.arg::<String>("partner_account_id")?)
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(
            a.arg::<String>("Klarna-Network-Session-Token")?
        ));
    call!(out, fx, "createInteroperabilitySdkTokenAsSubPartner", |a| c
        .interoperability_sdk_tokens()
        .create_as_sub_partner()
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(
            a.arg::<String>("Klarna-Network-Session-Token")?
        ));
    call!(out, fx, "createInteroperabilityToken", |a| c
        .interoperability_tokens()
        .create(a.arg::<String>("partner_account_id")?)
        .klarna_customer_token(
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "createInteroperabilityTokenAsSubPartner", |a| c
        .interoperability_tokens()
        .create_as_sub_partner()
        .klarna_customer_token(
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "createInteroperabilityTestToken", |a| c
        .interoperability_tokens()
        .create_interoperability_test_token(a.arg::<String>("partner_account_id")?, a.body()?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_customer_region(
            a.arg::<String>("Klarna-Customer-Region")?
        ));
    out
}

/// Calls every operation of the Klarna Partner Management API.
async fn management_calls(c: &Client, fx: &Fixtures) -> Vec<Outcome> {
    let mut out = Vec::new();
    call!(out, fx, "createApiKey", |a| c.api_keys().create(a.body()?));
    call!(out, fx, "disableApiKey", |a| c
        .api_keys()
        .disable(a.arg::<String>("credential_id")?));
    call!(out, fx, "listApiKeys", |a| c.api_keys().list());
    call!(out, fx, "readApiKey", |a| c
        .api_keys()
        .read(a.arg::<String>("credential_id")?));
    call!(out, fx, "updateApiKey", |a| c
        .api_keys()
        .update(a.arg::<String>("credential_id")?, a.body()?));
    call!(out, fx, "createBrand", |a| c
        .brands()
        .create(a.arg::<String>("partner_account_id")?, a.body()?));
    call!(out, fx, "listBrands", |a| c
        .brands()
        .list(a.arg::<String>("partner_account_id")?));
    call!(out, fx, "readBrand", |a| c.brands().read(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("brand_id")?
    ));
    call!(out, fx, "updateBrand", |a| c.brands().update(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("brand_id")?,
        a.body()?
    ));
    call!(out, fx, "createClientCertificate", |a| c
        .client_certificates()
        .create(a.body()?));
    call!(out, fx, "listClientCertificates", |a| c
        .client_certificates()
        .list());
    call!(out, fx, "readClientCertificate", |a| c
        .client_certificates()
        .read(a.arg::<String>("credential_id")?));
    call!(out, fx, "revokeClientCertificate", |a| c
        .client_certificates()
        .revoke(a.arg::<String>("credential_id")?, a.body()?));
    call!(out, fx, "updateClientCertificate", |a| c
        .client_certificates()
        .update(a.arg::<String>("credential_id")?, a.body()?));
    call!(out, fx, "createClientIdentifier", |a| c
        .client_identifiers()
        .create(a.body()?));
    call!(out, fx, "disableClientIdentifier", |a| c
        .client_identifiers()
        .disable(a.arg::<String>("credential_id")?));
    call!(out, fx, "listClientIdentifiers", |a| c
        .client_identifiers()
        .list());
    call!(out, fx, "readClientIdentifier", |a| c
        .client_identifiers()
        .read(a.arg::<String>("credential_id")?));
    call!(out, fx, "updateClientIdentifier", |a| c
        .client_identifiers()
        .update(a.arg::<String>("credential_id")?, a.body()?));
    call!(out, fx, "listComplianceDecisions", |a| c
        .compliance_decisions()
        .list(a.arg::<String>("partner_account_id")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .user(a.arg::<String>("User")?));
    call!(out, fx, "readComplianceDecision", |a| c
        .compliance_decisions()
        .read(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("decision_id")?
        ));
    call!(out, fx, "listAllowedIps", |a| c
        .ip_restrictions()
        .list_allowed_ips());
    call!(out, fx, "enforceMtls", |a| c
        .mtls_enforcement()
        .enforce_mtls(a.body()?));
    call!(out, fx, "readMtlsEnforcement", |a| c
        .mtls_enforcement()
        .read());
    call!(out, fx, "removeMtlsEnforcement", |a| c
        .mtls_enforcement()
        .remove());
    call!(out, fx, "onboardPartnerAccount", |a| c
        .onboarding()
        .onboard_partner_account(a.body()?));
    call!(out, fx, "readPartnerAccount", |a| c
        .partner_accounts()
        .read(a.arg::<String>("partner_account_id")?)
        .expand(
            a.arg::<Vec<management::PartnerAccountExpand>>("expand")?
        ));
    call!(out, fx, "updatePartnerAccount", |a| c
        .partner_accounts()
        .update(a.arg::<String>("partner_account_id")?, a.body()?));
    call!(out, fx, "createPartnerBusinessEntity", |a| c
        .partner_business_entities()
        .create(a.arg::<String>("partner_account_id")?, a.body()?));
    call!(out, fx, "listPartnerBusinessEntities", |a| c
        .partner_business_entities()
        .list(a.arg::<String>("partner_account_id")?));
    call!(out, fx, "readPartnerBusinessEntity", |a| c
        .partner_business_entities()
        .read(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("partner_business_entity_id")?
        ));
    call!(out, fx, "updatePartnerBusinessEntity", |a| c
        .partner_business_entities()
        .update(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("partner_business_entity_id")?,
            a.body()?
        ));
    call!(out, fx, "createPaymentAccount", |a| c
        .payment_accounts()
        .create(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("product_id")?,
            a.body()?
        ));
    call!(out, fx, "readPaymentAccount", |a| c
        .payment_accounts()
        .read(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("product_id")?,
            a.arg::<String>("payment_account_id")?
        ));
    call!(out, fx, "updatePaymentAccount", |a| c
        .payment_accounts()
        .update(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("product_id")?,
            a.arg::<String>("payment_account_id")?,
            a.body()?
        ));
    call!(out, fx, "disablePaymentProduct", |a| c
        .payment_products()
        .disable(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("product_id")?,
            a.body()?
        ));
    call!(out, fx, "enablePaymentProduct", |a| c
        .payment_products()
        .enable(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("product_id")?
        ));
    call!(out, fx, "listPaymentProducts", |a| c
        .payment_products()
        .list(a.arg::<String>("partner_account_id")?));
    call!(out, fx, "listPaymentProfiles", |a| c
        .payment_profiles()
        .list());
    call!(out, fx, "createPaymentProgramEnablement", |a| c
        .payment_program_enablements()
        .create(a.arg::<String>("partner_account_id")?, a.body()?));
    call!(out, fx, "deletePaymentProgramEnablement", |a| c
        .payment_program_enablements()
        .delete(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_program_enablement_id")?
        ));
    call!(out, fx, "listPaymentProgramEnablements", |a| c
        .payment_program_enablements()
        .list(a.arg::<String>("partner_account_id")?));
    call!(out, fx, "readPaymentProgramEnablement", |a| c
        .payment_program_enablements()
        .read(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_program_enablement_id")?
        ));
    call!(out, fx, "listPaymentPrograms", |a| c
        .payment_programs()
        .list(a.arg::<String>("partner_account_id")?)
        .merchant_category_code(a.arg::<String>("merchant_category_code")?)
        .customer_country(a.arg::<String>("customer_country")?)
        .enablement_type(
            a.arg::<management::EnablementType>("enablement_type")?
        ));
    call!(out, fx, "listPaymentProgramsForPaymentProgramPlan", |a| c
        .payment_programs()
        .list_for_payment_program_plan(a.arg::<String>("payment_program_plan_id")?)
        .version(a.arg::<i32>("version")?)
        .merchant_category_code(a.arg::<String>("merchant_category_code")?)
        .customer_country(a.arg::<String>("customer_country")?)
        .transaction_currency(a.arg::<management::Currency>("transaction_currency")?)
        .enablement_type(a.arg::<management::EnablementType>("enablement_type")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .ending_before(a.arg::<String>("ending_before")?));
    call!(out, fx, "listPaymentProgramPlans", |a| c
        .payment_programs()
        .list_plans());
    call!(out, fx, "readPaymentProgram", |a| c
        .payment_programs()
        .read(a.arg::<String>("payment_program_id")?));
    call!(out, fx, "createDeepLink", |a| c.portal().create_deep_link(
        a.arg::<String>("partner_account_id")?,
        a.body()?
    ));
    call!(out, fx, "createOrUpdateUserAccess", |a| c
        .portal()
        .create_or_update_user_access(a.body()?));
    call!(out, fx, "deleteDeepLink", |a| c.portal().delete_deep_link(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("deep_link_id")?
    ));
    call!(out, fx, "deleteUserAccess", |a| c
        .portal()
        .delete_user_access(a.arg::<String>("account_id")?)
        .principal(a.arg::<String>("principal")?)
        .on_behalf_of(a.arg::<String>("on_behalf_of")?));
    call!(out, fx, "listPricePlans", |a| c.price_plans().list());
    call!(out, fx, "readPricePlan", |a| c
        .price_plans()
        .read(
            a.arg::<String>("price_plan_id")?,
            a.arg::<i32>("version")?,
            a.arg::<management::Currency>("currency")?,
            a.arg::<String>("customer_country")?,
            a.arg::<String>("merchant_category_code")?,
            a.arg::<String>("pricing_payment_category")?
        )
        .date_time(a.arg::<klarna::DateTime>("date_time")?)
        .partner_country(a.arg::<String>("partner_country")?)
        .payment_program_id(a.arg::<String>("payment_program_id")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .ending_before(a.arg::<String>("ending_before")?));
    call!(out, fx, "downloadSettlementCsv", |a| c
        .settlements()
        .download_csv(a.arg::<String>("settlement_id")?));
    call!(out, fx, "generateSettlementReport", |a| c
        .settlements()
        .generate_report(a.body()?));
    call!(out, fx, "listSettlements", |a| c
        .settlements()
        .list(
            a.arg::<klarna::DateTime>("interval_start")?,
            a.arg::<klarna::DateTime>("interval_end")?
        )
        .currency(a.arg::<management::Currency>("currency")?)
        .payment_acquiring_account_id(
            a.arg::<String>("payment_acquiring_account_id")?
        ));
    call!(out, fx, "listSettlementTransactions", |a| c
        .settlements()
        .list_transactions(a.arg::<String>("settlement_id")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .ending_before(a.arg::<String>("ending_before")?));
    call!(out, fx, "readSettlement", |a| c
        .settlements()
        .read(a.arg::<String>("settlement_id")?));
    call!(out, fx, "readPayoutStatus", |a| c
        .settlements()
        .read_payout_status(a.arg::<String>("settlement_id")?));
    call!(out, fx, "setPayoutStatus", |a| c
        .settlements()
        .set_payout_status(
            a.arg::<String>("settlement_id")?,
            a.body()?
        ));
    call!(out, fx, "createSftpCredential", |a| c
        .sftp_credentials()
        .create(a.body()?));
    call!(out, fx, "disableSftpCredential", |a| c
        .sftp_credentials()
        .disable(a.arg::<String>("credential_id")?));
    call!(out, fx, "listSftpCredentials", |a| c
        .sftp_credentials()
        .list());
    call!(out, fx, "readSftpCredential", |a| c
        .sftp_credentials()
        .read(a.arg::<String>("credential_id")?));
    call!(out, fx, "createStoreGroup", |a| c
        .store_groups()
        .create(a.arg::<String>("partner_account_id")?, a.body()?));
    call!(out, fx, "listStoreGroups", |a| c
        .store_groups()
        .list(a.arg::<String>("partner_account_id")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .ending_before(a.arg::<String>("ending_before")?));
    call!(out, fx, "readStoreGroup", |a| c.store_groups().read(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("store_group_id")?
    ));
    call!(out, fx, "updateStoreGroup", |a| c.store_groups().update(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("store_group_id")?,
        a.body()?
    ));
    call!(out, fx, "createStore", |a| c
        .stores()
        .create(a.arg::<String>("partner_account_id")?, a.body()?));
    call!(out, fx, "listStores", |a| c
        .stores()
        .list(a.arg::<String>("partner_account_id")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .ending_before(a.arg::<String>("ending_before")?));
    call!(out, fx, "readStore", |a| c.stores().read(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("store_id")?
    ));
    call!(out, fx, "updateStore", |a| c.stores().update(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("store_id")?,
        a.body()?
    ));
    out
}

/// Calls every operation of the Klarna Messaging API.
async fn messaging_calls(c: &Client, fx: &Fixtures) -> Vec<Outcome> {
    let mut out = Vec::new();
    call!(out, fx, "getCreditPromotionMessagingForAutoSize", |a| c
        .credit_promotions()
        .get_messaging_for_auto_size(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("locale")?,
            a.arg::<i64>("amount")?,
            a.arg::<messaging::Currency>("currency")?
        )
        .app_return_url(a.arg::<String>("app_return_url")?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(
            a.arg::<String>("Klarna-Network-Session-Token")?
        ));
    call!(out, fx, "getCreditPromotionMessagingForBadge", |a| c
        .credit_promotions()
        .get_messaging_for_badge(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("locale")?,
            a.arg::<i64>("amount")?,
            a.arg::<messaging::Currency>("currency")?
        )
        .app_return_url(a.arg::<String>("app_return_url")?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(
            a.arg::<String>("Klarna-Network-Session-Token")?
        ));
    call!(out, fx, "getTopStripPromotionMessagingForAutoSize", |a| c
        .top_strip_promotions()
        .get_messaging_for_auto_size(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("locale")?
        )
        .amount(a.arg::<i64>("amount")?)
        .currency(a.arg::<messaging::Currency>("currency")?)
        .app_return_url(a.arg::<String>("app_return_url")?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(
            a.arg::<String>("Klarna-Network-Session-Token")?
        ));
    call!(out, fx, "getTopStripPromotionMessagingForBadge", |a| c
        .top_strip_promotions()
        .get_messaging_for_badge(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("locale")?
        )
        .amount(a.arg::<i64>("amount")?)
        .currency(a.arg::<messaging::Currency>("currency")?)
        .app_return_url(a.arg::<String>("app_return_url")?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(
            a.arg::<String>("Klarna-Network-Session-Token")?
        ));
    out
}

/// Calls every operation of the Klarna Notifications API.
async fn notification_calls(c: &Client, fx: &Fixtures) -> Vec<Outcome> {
    let mut out = Vec::new();
    call!(out, fx, "createSigningKey", |a| c.signing_keys().create());
    call!(out, fx, "deleteSigningKey", |a| c
        .signing_keys()
        .delete(a.arg::<String>("signing_key_id")?));
    call!(out, fx, "getSigningKey", |a| c
        .signing_keys()
        .get(a.arg::<String>("signing_key_id")?));
    call!(out, fx, "listSigningKeys", |a| c.signing_keys().list());
    call!(out, fx, "createWebhook", |a| c.webhooks().create(a.body()?));
    call!(out, fx, "deleteWebhook", |a| c
        .webhooks()
        .delete(a.arg::<String>("webhook_id")?));
    call!(out, fx, "getWebhook", |a| c
        .webhooks()
        .get(a.arg::<String>("webhook_id")?));
    call!(out, fx, "listWebhooks", |a| c.webhooks().list());
    call!(out, fx, "simulateWebhook", |a| c
        .webhooks()
        .simulate(a.arg::<String>("webhook_id")?, a.body()?));
    call!(out, fx, "updateWebhook", |a| c
        .webhooks()
        .update(a.arg::<String>("webhook_id")?, a.body()?));
    out
}

/// Calls every operation of the Klarna Payment API.
async fn payment_calls(c: &Client, fx: &Fixtures) -> Vec<Outcome> {
    let mut out = Vec::new();
    call!(out, fx, "authorizePayment", |a| c
        .authorization()
        .authorize_payment(a.arg::<String>("partner_account_id")?, a.body()?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(a.arg::<String>("Klarna-Interoperability-Token")?)
        .klarna_network_session_token(a.arg::<String>("Klarna-Network-Session-Token")?)
        .klarna_payment_token(
            a.arg::<String>("Klarna-Payment-Token")?
        ));
    call!(out, fx, "getPaymentCapture", |a| c.payment_captures().get(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("payment_capture_id")?
    ));
    call!(out, fx, "refundPaymentCapture", |a| c
        .payment_captures()
        .refund(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_capture_id")?,
            a.body()?
        ));
    call!(out, fx, "updatePaymentCapture", |a| c
        .payment_captures()
        .update(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_capture_id")?,
            a.body()?
        ));
    call!(out, fx, "getPaymentChargeback", |a| c
        .payment_chargebacks()
        .get(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_chargeback_id")?
        ));
    call!(out, fx, "acceptPaymentDisputeLoss", |a| c
        .payment_disputes()
        .accept_loss(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_dispute_id")?
        )
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "appealPaymentDispute", |a| c
        .payment_disputes()
        .appeal(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_dispute_id")?
        )
        .body(a.body::<payment::AppealPaymentDisputeRequest>()?)
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "downloadPaymentDisputeAttachment", |a| c
        .payment_disputes()
        .download_attachment(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_dispute_id")?,
            a.arg::<String>("payment_dispute_attachment_id")?
        )
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "getPaymentDispute", |a| c
        .payment_disputes()
        .get(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_dispute_id")?
        )
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "listPaymentDisputes", |a| c
        .payment_disputes()
        .list(a.arg::<String>("partner_account_id")?)
        .size(a.arg::<i32>("size")?)
        .starting_after(a.arg::<String>("starting_after")?)
        .ending_before(a.arg::<String>("ending_before")?)
        .payment_transaction_id(a.arg::<String>("payment_transaction_id")?)
        .opened_at_start(a.arg::<klarna::DateTime>("opened_at_start")?)
        .opened_at_end(a.arg::<klarna::DateTime>("opened_at_end")?)
        .closed_at_start(a.arg::<klarna::DateTime>("closed_at_start")?)
        .closed_at_end(a.arg::<klarna::DateTime>("closed_at_end")?)
        .state(a.arg::<Vec<payment::PaymentDisputeState>>("state")?)
        .reason(a.arg::<Vec<payment::PaymentDisputeReason>>("reason")?)
        .sort_by(a.arg::<Vec<String>>("sort_by")?)
        .purchase_references(a.arg::<Vec<String>>("purchase_references")?)
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "respondToPaymentDispute", |a| c
        .payment_disputes()
        .respond_to(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_dispute_id")?,
            a.body()?
        )
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "uploadPaymentDisputeAttachment", |a| c
        .payment_disputes()
        .upload_attachment(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_dispute_id")?,
            a.multipart()?
        )
        .payment_product_instance_id(
            a.arg::<String>("payment_product_instance_id")?
        ));
    call!(out, fx, "getPaymentPresentation", |a| c
        .payment_presentation()
        .get(
            a.arg::<String>("partner_account_id")?,
            a.arg::<payment::Currency>("currency")?
        )
        .locale(a.arg::<String>("locale")?)
        .amount(a.arg::<i64>("amount")?)
        .intents(a.arg::<Vec<payment::PresentationIntent>>("intents[]")?)
        .subscription_billing_interval(a.arg::<payment::Interval>("subscription_billing_interval")?)
        .subscription_billing_interval_frequency(
            a.arg::<i32>("subscription_billing_interval_frequency")?
        )
        .app_return_url(a.arg::<String>("app_return_url")?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(
            a.arg::<String>("Klarna-Interoperability-Token")?
        ));
    call!(out, fx, "getPaymentPresentationAsSubPartner", |a| c
        .payment_presentation()
        .get_as_sub_partner(a.arg::<payment::Currency>("currency")?)
        .locale(a.arg::<String>("locale")?)
        .amount(a.arg::<i64>("amount")?)
        .intents(a.arg::<Vec<payment::PresentationIntent>>("intents[]")?)
        .subscription_billing_interval(a.arg::<payment::Interval>("subscription_billing_interval")?)
        .subscription_billing_interval_frequency(
            a.arg::<i32>("subscription_billing_interval_frequency")?
        )
        .app_return_url(a.arg::<String>("app_return_url")?)
        .klarna_customer_token(a.arg::<String>("Klarna-Customer-Token")?)
        .klarna_interoperability_token(
            a.arg::<String>("Klarna-Interoperability-Token")?
        ));
    call!(out, fx, "getPaymentRefund", |a| c.payment_refunds().get(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("payment_refund_id")?
    ));
    call!(out, fx, "cancelPaymentRequest", |a| c
        .payment_requests()
        .cancel(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_request_id")?
        ));
    call!(out, fx, "cancelPaymentRequestAsSubPartner", |a| c
        .payment_requests()
        .cancel_as_sub_partner(a.arg::<String>("payment_request_id")?));
    call!(out, fx, "createPaymentRequest", |a| c
        .payment_requests()
        .create(a.arg::<String>("partner_account_id")?, a.body()?)
        .klarna_customer_token(
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "createPaymentRequestAsSubPartner", |a| c
        .payment_requests()
        .create_as_sub_partner(a.body()?)
        .klarna_customer_token(
            a.arg::<String>("Klarna-Customer-Token")?
        ));
    call!(out, fx, "getPaymentRequest", |a| c.payment_requests().get(
        a.arg::<String>("partner_account_id")?,
        a.arg::<String>("payment_request_id")?
    ));
    call!(out, fx, "getPaymentRequestAsSubPartner", |a| c
        .payment_requests()
        .get_as_sub_partner(a.arg::<String>("payment_request_id")?));
    call!(out, fx, "updatePaymentRequest", |a| c
        .payment_requests()
        .update(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_request_id")?,
            a.body()?
        )
        .klarna_interoperability_token(
            a.arg::<String>("Klarna-Interoperability-Token")?
        ));
    call!(out, fx, "updatePaymentRequestAsSubPartner", |a| c
        .payment_requests()
        .update_as_sub_partner(a.arg::<String>("payment_request_id")?, a.body()?)
        .klarna_interoperability_token(
            a.arg::<String>("Klarna-Interoperability-Token")?
        ));
    call!(out, fx, "cancelPaymentToken", |a| c
        .payment_tokens()
        .cancel(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_token")?
        ));
    call!(out, fx, "capturePaymentTransaction", |a| c
        .payment_transactions()
        .capture(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_transaction_id")?,
            a.body()?
        ));
    call!(out, fx, "getPaymentTransaction", |a| c
        .payment_transactions()
        .get(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_transaction_id")?
        ));
    call!(out, fx, "reauthorizePaymentTransaction", |a| c
        .payment_transactions()
        .reauthorize(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_transaction_id")?,
            a.body()?
        ));
    call!(out, fx, "refundPaymentTransaction", |a| c
        .payment_transactions()
        .refund(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_transaction_id")?,
            a.body()?
        ));
    call!(out, fx, "updatePaymentTransaction", |a| c
        .payment_transactions()
        .update(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_transaction_id")?,
            a.body()?
        ));
    call!(out, fx, "voidPaymentTransaction", |a| c
        .payment_transactions()
        .void(
            a.arg::<String>("partner_account_id")?,
            a.arg::<String>("payment_transaction_id")?
        ));
    out
}
