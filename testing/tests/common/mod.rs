//! Shared helpers: a webhook receiver on loopback and a fake with a signing key and a webhook.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use klarna::notification::{CreateWebhookRequest, WebhookEventVersion};
use klarna_runtime::webhooks::SigningKeys;
use klarna_testing::FakeKlarna;

/// What a receiver got: headers and raw body of each POST.
#[derive(Clone, Default)]
pub struct Received {
    pub requests: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// Answer 500 to this many requests before answering 204.
    pub fail_first: Arc<AtomicUsize>,
}

impl Received {
    pub fn all(&self) -> Vec<(HeaderMap, Bytes)> {
        self.requests.lock().unwrap().clone()
    }
}

async fn receive(State(r): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.requests.lock().unwrap().push((headers, body));
    let left = r.fail_first.load(Ordering::SeqCst);
    if left > 0 {
        r.fail_first.store(left - 1, Ordering::SeqCst);
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

/// Starts a receiver on loopback; returns its URL and what it receives.
pub async fn receiver() -> (String, Received) {
    let received = Received::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/klarna/webhooks", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/klarna/webhooks", axum::routing::post(receive))
        .with_state(received.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// A fake, a signing key (its secret in `keys`), and a webhook for `event_types` to a fresh receiver.
pub async fn fake_with_webhook(
    event_types: &[&str],
) -> (FakeKlarna, SigningKeys, String, Received) {
    let fake = FakeKlarna::start().await.unwrap();
    let (keys, webhook_id, received) = subscribe(&fake, event_types).await;
    (fake, keys, webhook_id, received)
}

pub async fn subscribe(fake: &FakeKlarna, event_types: &[&str]) -> (SigningKeys, String, Received) {
    let client = fake.client();
    let key = client.signing_keys().create().send().await.unwrap();
    let keys = SigningKeys::new().with_key(key.signing_key_id.clone(), key.signing_key.clone());
    let (url, received) = receiver().await;
    let webhook = client
        .webhooks()
        .create(CreateWebhookRequest::new(
            url,
            event_types.iter().map(|s| s.to_string()).collect(),
            WebhookEventVersion::V2,
            key.signing_key_id.clone(),
        ))
        .send()
        .await
        .unwrap();
    (keys, webhook.webhook_id.clone(), received)
}

/// The SDK error's HTTP status and Klarna error code.
pub fn refusal<T: std::fmt::Debug>(result: Result<T, klarna::Error>) -> (u16, String) {
    let e = result.expect_err("the fake should refuse this");
    (
        e.status().map(|s| s.as_u16()).unwrap_or(0),
        e.error_code().unwrap_or_default().to_owned(),
    )
}

/// Creates a payment request for `amount` USD and returns its id.
pub async fn payment_request(fake: &FakeKlarna, amount: i64) -> String {
    let mut create = klarna::payment::CreatePaymentRequestRequest::new("USD".to_string());
    create.amount = Some(amount);
    create.payment_request_reference = Some("order-1".into());
    fake.client()
        .payment_requests()
        .create(fake.account_id(), create)
        .send()
        .await
        .unwrap()
        .payment_request_id
        .clone()
}

/// The authorize body for `amount` USD.
pub fn authorize_body(amount: i64) -> klarna::payment::AuthorizePaymentRequest {
    let mut body = klarna::payment::AuthorizePaymentRequest::new("USD".to_string());
    body.request_payment_transaction =
        Some(klarna::payment::RequestPaymentTransaction::new(amount));
    body
}

/// An approved transaction for `amount` USD (request, customer completes, final authorization).
pub async fn transaction(fake: &FakeKlarna, amount: i64) -> String {
    let request = payment_request(fake, amount).await;
    let token = fake.complete_payment_request(&request).unwrap();
    let response = fake
        .client()
        .authorization()
        .authorize_payment(fake.account_id(), authorize_body(amount))
        .klarna_network_session_token(token)
        .send()
        .await
        .unwrap()
        .into_inner();
    response
        .payment_transaction_response
        .and_then(|r| r.payment_transaction)
        .map(|t| t.payment_transaction_id)
        .expect("an approved final authorization")
}

/// An HTTP answer read raw: status, headers and the body as JSON (`Null` when empty or not JSON).
pub struct RawAnswer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: serde_json::Value,
    pub text: String,
}

/// Sends one request over a fresh HTTP/1.1 connection; `Err` when the connection ends without an answer.
pub async fn raw(
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<RawAnswer, String> {
    use http_body_util::BodyExt as _;
    let authority = base_url.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&authority)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", &authority);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let request = request
        .body(http_body_util::Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok(RawAnswer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        text: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// A raw call of the fake's API with its key and a JSON content type.
pub async fn call(fake: &FakeKlarna, method: &str, path: &str, body: &str) -> RawAnswer {
    let auth = format!("Basic {}", fake.api_key());
    raw(
        fake.base_url(),
        method,
        path,
        &[
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
        ],
        body.as_bytes().to_vec(),
    )
    .await
    .expect("the fake answers")
}

/// Asserts a body is Klarna's error shape and returns `(error_code, validation_errors)`.
pub fn klarna_error(answer: &RawAnswer) -> (String, serde_json::Value) {
    let b = &answer.body;
    assert!(
        b["error_id"].is_string()
            && b["error_type"].is_string()
            && b["error_code"].is_string()
            && b["error_message"].is_string(),
        "not Klarna's error shape ({}): {}",
        answer.status,
        answer.text
    );
    assert_eq!(
        answer
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    (
        b["error_code"].as_str().unwrap_or_default().to_owned(),
        b["validation_errors"].clone(),
    )
}
