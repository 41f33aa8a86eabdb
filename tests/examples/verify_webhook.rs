//! Receives Klarna webhook deliveries in an axum handler: verifies `Klarna-Signature` over the raw body
//! with `klarna_runtime::webhooks::verify`, answers 400 on a bad signature (as Klarna asks) and 204 at once
//! otherwise, and prints each event.
//!
//! ```sh
//! # the signing key you created (its secret is shown only by the create call):
//! KLARNA_SIGNING_KEY_ID=krn:partner:global:notification:signing-key:... KLARNA_SIGNING_KEY=... \
//!     cargo run -p klarna-tests --example verify_webhook
//! # or let the example create one in the test environment:
//! KLARNA_API_KEY=klarna_test_api_... cargo run -p klarna-tests --example verify_webhook
//! ```
//!
//! With `KLARNA_API_KEY` and `KLARNA_WEBHOOK_URL` (the public HTTPS URL that reaches this server, e.g.
//! through a tunnel, ending in `/klarna/webhooks`) it also subscribes that URL to `payment.*` events and asks
//! Klarna for a test delivery. Listens on `127.0.0.1:$PORT` (default 3000). Exits 2 when neither a signing key
//! nor an API key is set.

use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use klarna::notification::{
    CreateWebhookRequest, EventType, SimulateWebhookRequest, WebhookEventVersion,
};
use klarna::{Client, Environment};
use klarna_runtime::webhooks::{self, SigningKeys};

/// The path deliveries are POSTed to.
const PATH: &str = "/klarna/webhooks";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let keys = match (
        env("KLARNA_SIGNING_KEY_ID"),
        env("KLARNA_SIGNING_KEY"),
        env("KLARNA_API_KEY"),
    ) {
        (Some(id), Some(secret), _) => SigningKeys::new().with_key(id, secret),
        (_, _, Some(api_key)) => {
            let client = Client::builder()
                .api_key(api_key)
                .environment(Environment::Test)
                .build()?;
            let key = client.signing_keys().create().send().await?;
            // The secret is returned only now: a real receiver stores it in its secret store.
            println!("created signing key {}", key.signing_key_id);
            println!("KLARNA_SIGNING_KEY_ID={}", key.signing_key_id);
            println!("KLARNA_SIGNING_KEY={}", key.signing_key);
            if let Some(url) = env("KLARNA_WEBHOOK_URL") {
                subscribe(&client, &url, &key.signing_key_id).await?;
            }
            SigningKeys::new().with_key(key.signing_key_id.clone(), key.signing_key.clone())
        }
        _ => {
            eprintln!(
                "set KLARNA_SIGNING_KEY_ID and KLARNA_SIGNING_KEY (a webhook signing key and its secret), or \
                 KLARNA_API_KEY (a test API key, klarna_test_api_...) to create one; optionally \
                 KLARNA_WEBHOOK_URL to subscribe this server, and PORT (default 3000)"
            );
            return Ok(ExitCode::from(2));
        }
    };

    let app = Router::new()
        .route(PATH, post(receive))
        .with_state(Arc::new(keys));
    let port = env("PORT").unwrap_or_else(|| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}{PATH}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(ExitCode::SUCCESS)
}

/// Subscribes `url` to payment events signed with `signing_key_id` and asks for a test delivery.
async fn subscribe(
    client: &Client,
    url: &str,
    signing_key_id: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let request = CreateWebhookRequest::new(
        url.to_string(),
        vec!["payment.*".into()],
        WebhookEventVersion::V2,
        signing_key_id.to_string(),
    );
    let webhook = client.webhooks().create(request).send().await?;
    // Klarna's response is not shown to echo `url` (specs/README.md), so print what was registered.
    println!("subscribed {url} as {}", webhook.webhook_id);
    let simulated = client
        .webhooks()
        .simulate(
            webhook.webhook_id.clone(),
            SimulateWebhookRequest {
                event_version: Some(WebhookEventVersion::V2),
                ..SimulateWebhookRequest::new(EventType::PaymentRequestStateChangeCompleted)
            },
        )
        .send()
        .await;
    if let Err(e) = simulated {
        eprintln!("could not ask for a test delivery: {e}");
    }
    Ok(())
}

/// The webhook handler. The body is taken as raw bytes: the signature covers exactly those bytes, so it is
/// verified before anything is parsed.
async fn receive(
    State(keys): State<Arc<SigningKeys>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match webhooks::verify(&body, &headers, &keys) {
        Ok(event) => {
            // Answer at once; do the work elsewhere. Klarna may deliver an event more than once, so
            // deduplicate on `metadata.event_id`.
            println!(
                "{} {} {}",
                event.metadata.event_id, event.metadata.event_type, event.payload
            );
            StatusCode::NO_CONTENT
        }
        Err(e) => {
            eprintln!("rejected a delivery: {e}");
            StatusCode::BAD_REQUEST
        }
    }
}
