//! A whole payment: create a payment request, let the customer approve it, read its state, authorize a
//! transaction with the session token the completed request carries, capture it, and refund part of it.
//!
//! ```sh
//! KLARNA_API_KEY=klarna_test_api_... KLARNA_PARTNER_ACCOUNT_ID=krn:partner:global:account:test:... \
//!     cargo run -p klarna-tests --example payment_flow
//! ```
//!
//! The program prints the payment request's URL: open it and approve the purchase with one of Klarna's test
//! customers, and the program (which polls the request's state) carries on. Runs against Klarna's test
//! environment. Exits 2 when a variable is missing.

use std::process::ExitCode;
use std::time::Duration;

use klarna::payment::{
    AuthorizationResult, AuthorizePaymentRequest, CapturePaymentTransactionRequest,
    CreatePaymentRequestRequest, CustomerInteractionConfig, CustomerInteractionConfigMethod,
    PaymentRequestState, RefundPaymentRequest, RequestPaymentTransaction,
};
use klarna::{Client, Environment};

/// The amount in minor units (USD cents).
const AMOUNT: i64 = 11_800;

/// How long to wait for the customer.
const APPROVAL_TIMEOUT: Duration = Duration::from_secs(15 * 60);

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(api_key), Ok(account)) = (
        std::env::var("KLARNA_API_KEY"),
        std::env::var("KLARNA_PARTNER_ACCOUNT_ID"),
    ) else {
        eprintln!(
            "set KLARNA_API_KEY (a test API key, klarna_test_api_...) and KLARNA_PARTNER_ACCOUNT_ID \
             (the KRN of the partner account that takes the payment)"
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
    let order = format!("order-{}", std::process::id());

    // 1. Create the payment request. The customer approves it on Klarna's page (HANDOVER) and comes back to
    //    `return_url`.
    let mut create = CreatePaymentRequestRequest::new("USD".to_string());
    create.amount = Some(AMOUNT);
    create.payment_request_reference = Some(order.clone());
    create.customer_interaction_config = Some(CustomerInteractionConfig {
        method: Some(CustomerInteractionConfigMethod::Handover),
        return_url: Some(format!("https://shop.example.com/orders/{order}/return")),
        ..Default::default()
    });
    let request = client
        .payment_requests()
        .create(account, create)
        .correlation_id(order.replace('-', ""))
        .send()
        .await?;
    println!(
        "payment request {} is {}",
        request.payment_request_id, request.state
    );
    if let Some(url) = request
        .state_context
        .as_ref()
        .and_then(|c| c.customer_interaction.as_ref())
        .and_then(|i| i.payment_request_url.as_deref())
    {
        println!("open {url} and approve the purchase");
    }

    // 2. Read its state until the customer is done.
    let deadline = tokio::time::Instant::now() + APPROVAL_TIMEOUT;
    let completed = loop {
        let current = client
            .payment_requests()
            .get(account, request.payment_request_id.clone())
            .send()
            .await?;
        match current.state {
            PaymentRequestState::Completed => break current.into_inner(),
            PaymentRequestState::Submitted | PaymentRequestState::InProgress => {}
            ref other => return Err(format!("the payment request ended as {other}").into()),
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the customer did not approve in time".into());
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    };
    let session_token = completed
        .state_context
        .as_ref()
        .and_then(|c| c.klarna_network_session_token.clone())
        .ok_or("the completed payment request carries no klarna_network_session_token")?;

    // 3. Authorize the transaction with the session token of the completed request.
    let mut authorize = AuthorizePaymentRequest::new("USD".to_string());
    let mut transaction = RequestPaymentTransaction::new(AMOUNT);
    transaction.payment_transaction_reference = Some(order.clone());
    authorize.request_payment_transaction = Some(transaction);
    let authorized = client
        .authorization()
        .authorize_payment(account, authorize)
        .klarna_network_session_token(session_token)
        .send()
        .await?;
    let response = authorized
        .payment_transaction_response
        .as_ref()
        .ok_or("no payment_transaction_response")?;
    if response.result != AuthorizationResult::Approved {
        return Err(format!("authorization result: {}", response.result).into());
    }
    let transaction_id = response
        .payment_transaction
        .as_ref()
        .map(|t| t.payment_transaction_id.clone())
        .ok_or("an approved authorization without a payment_transaction")?;
    println!("authorized transaction {transaction_id}");

    // 4. Capture the full amount when the goods ship.
    let mut capture = CapturePaymentTransactionRequest::new(AMOUNT);
    capture.payment_capture_reference = Some(format!("{order}-shipment-1"));
    let captured = client
        .payment_transactions()
        .capture(account, transaction_id.clone(), capture)
        .send()
        .await?;
    println!("captured {} as {}", AMOUNT, captured.payment_capture_id);

    // 5. Refund part of it (one item came back).
    let mut refund = RefundPaymentRequest::new(2_500);
    refund.payment_refund_reference = Some(format!("{order}-return-1"));
    let refunded = client
        .payment_transactions()
        .refund(account, transaction_id, refund)
        .send()
        .await?;
    println!("refunded 2500 as {}", refunded.payment_refund_id);
    Ok(())
}
