//! Onboards a partner: one call creates the partner account with its business entity, payment product and
//! payment account, brand, store group and web store. Then reads the account back.
//!
//! ```sh
//! KLARNA_API_KEY=klarna_test_api_... \
//! KLARNA_PAYMENT_PROFILE_ID=krn:partner:global:account:payment-profile:... \
//! KLARNA_PAYMENT_ACQUIRING_ACCOUNT_ID=krn:partner:global:payment-acquiring-account:... \
//!     cargo run -p klarna-tests --example onboard_partner
//! ```
//!
//! The payment profile comes from `client.payment_profiles()` (your distribution configuration), the
//! acquiring account from your acquiring set-up with Klarna. Runs against Klarna's test environment. Exits 2
//! when a variable is missing.

use std::process::ExitCode;

use klarna::management::{
    CreateBrandRequest, CreatePartnerBusinessEntityRequest, CreatePaymentAccountRequest,
    CreateStoreGroupRequest, NewStore, OnboardProduct, OnboardRequest, PartnerAccountContact,
    ProductType, StoreType,
};
use klarna::{Client, Environment, ErrorKind};

#[tokio::main]
async fn main() -> ExitCode {
    let vars = [
        "KLARNA_API_KEY",
        "KLARNA_PAYMENT_PROFILE_ID",
        "KLARNA_PAYMENT_ACQUIRING_ACCOUNT_ID",
    ]
    .map(|name| std::env::var(name).map_err(|_| name));
    let [Ok(api_key), Ok(profile), Ok(acquiring)] = vars else {
        let missing: Vec<&str> = vars
            .iter()
            .filter_map(|v| v.as_ref().err().copied())
            .collect();
        eprintln!(
            "set {}: KLARNA_API_KEY is a test API key (klarna_test_api_...), KLARNA_PAYMENT_PROFILE_ID a \
             payment profile KRN, KLARNA_PAYMENT_ACQUIRING_ACCOUNT_ID your payment acquiring account KRN",
            missing.join(", ")
        );
        return ExitCode::from(2);
    };
    match run(&api_key, &profile, &acquiring).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    api_key: &str,
    payment_profile_id: &str,
    acquiring_account_id: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key(api_key)
        .environment(Environment::Test)
        .build()?;

    // Your own references tie the parts together inside the request (brand ↔ store group ↔ payment account).
    let reference = format!("example-{}", std::process::id());
    let entity = format!("{reference}-entity");
    let brand = format!("{reference}-brand");
    let group = format!("{reference}-stores");

    let mut payment_account = CreatePaymentAccountRequest::new(
        format!("{reference}-payments"),
        acquiring_account_id.to_string(),
        "5732".to_string(), // merchant category code: electronics stores
    );
    payment_account.partner_business_entity_reference = Some(entity.clone());
    payment_account.default_store_group_reference = Some(group.clone());

    let mut web_store = NewStore::new(StoreType::Website, format!("{reference}-web"));
    web_store.url = Some("https://shop.example.com".to_string());

    let contact = PartnerAccountContact {
        given_name: Some("Jane".into()),
        family_name: Some("Doe".into()),
        email: Some("jane.doe@example.com".into()),
        phone: Some("+18445527621".into()),
    };
    let request = OnboardRequest::new(
        reference.clone(),
        "Example Electronics".to_string(),
        contact,
        vec![OnboardProduct::new(
            ProductType::Payment,
            payment_profile_id.to_string(),
            vec![payment_account],
        )],
        vec![CreateBrandRequest::new(
            brand.clone(),
            "Example Electronics".to_string(),
        )],
        vec![CreateStoreGroupRequest::new(group, brand, vec![web_store])],
        vec![CreatePartnerBusinessEntityRequest::new(
            entity,
            "Example Electronics Inc.".to_string(),
            "US".to_string(),
        )],
    );

    // The SDK sends a Klarna-Idempotency-Key and reuses it on retries, so a retried onboarding cannot
    // create a second account. Set your own (`.idempotency_key(..)`) to make a retry across restarts safe.
    let account = match client
        .onboarding()
        .onboard_partner_account(request)
        .send()
        .await
    {
        Ok(account) => account,
        Err(e) if e.kind() == ErrorKind::Conflict => {
            eprintln!("a partner account with reference {reference} already exists: {e}");
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };
    println!("onboarded {} ({})", account.partner_account_id, reference);
    if let Some(state) = &account.state {
        println!("state: {state}");
    }

    // Wait for the `partner.account.state-change.operational` webhook before more management calls; a read
    // is fine right away.
    let read = client
        .partner_accounts()
        .read(account.partner_account_id.clone())
        .send()
        .await?;
    println!(
        "read back: {} with {} store group(s)",
        read.partner_account_name.as_deref().unwrap_or("-"),
        read.store_groups.as_ref().map_or(0, Vec::len)
    );
    Ok(())
}
