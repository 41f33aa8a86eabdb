//! Lists every store of a partner account, following the cursor pagination to the end with `into_stream()`.
//!
//! ```sh
//! KLARNA_API_KEY=klarna_test_api_... KLARNA_PARTNER_ACCOUNT_ID=krn:partner:global:account:test:... \
//!     cargo run -p klarna-tests --example list_stores
//! ```
//!
//! Runs against Klarna's test environment (`https://api-global.test.klarna.com`). Exits 2 when a variable is
//! missing.

use std::process::ExitCode;

use klarna::{Client, Environment};

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(api_key), Ok(account)) = (
        std::env::var("KLARNA_API_KEY"),
        std::env::var("KLARNA_PARTNER_ACCOUNT_ID"),
    ) else {
        eprintln!(
            "set KLARNA_API_KEY (a test API key, klarna_test_api_...) and KLARNA_PARTNER_ACCOUNT_ID \
             (the KRN of the partner account whose stores to list)"
        );
        return ExitCode::from(2);
    };
    match run(&api_key, &account).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(api_key: &str, account: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key(api_key)
        .environment(Environment::Test)
        .build()?;

    // `size` is the page size; the stream asks for the next page (with `starting_after` set to the last
    // item of the previous one) only when the current page is used up.
    let mut stores = client.stores().list(account).size(50).into_stream();
    let mut count = 0;
    while let Some(store) = stores.next().await {
        let store = store?;
        count += 1;
        let kind = store.r#type.as_ref().map(ToString::to_string);
        println!(
            "{}  {:<14} {}",
            store.store_id,
            kind.as_deref().unwrap_or("-"),
            store.url.as_deref().unwrap_or("")
        );
    }
    println!("{count} stores");
    Ok(())
}
