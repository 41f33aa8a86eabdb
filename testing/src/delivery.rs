//! Webhook delivery: signs each event as Klarna does, POSTs it to the receiver over plain HTTP/1.1 and
//! retries on the fake's schedule, recording every attempt.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::Uri;

use crate::shared::Shared;
use crate::state::Job;

/// How webhook deliveries are retried after a failed attempt.
///
/// Deliveries to one webhook are sent in the order the events happened, one at a time.
/// An attempt fails when the receiver answers anything but 200, 201, 202 or 204, does not answer within
/// the timeout, or cannot be reached. The fake's default retries six times after 50, 100, 200, 400, 800
/// and 1600 ms (Klarna's own schedule, [`WebhookRetry::klarna`], waits 10 s, 2 min, 15 min, 3 h, 6 h and
/// 12 h) and gives each attempt 5 seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRetry {
    delays: Vec<Duration>,
    timeout: Duration,
}

impl Default for WebhookRetry {
    fn default() -> Self {
        WebhookRetry {
            delays: [50, 100, 200, 400, 800, 1600]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
            timeout: Duration::from_secs(5),
        }
    }
}

impl WebhookRetry {
    /// Retries after each of `delays` in turn (so `delays.len() + 1` attempts in all).
    pub fn new(delays: Vec<Duration>) -> Self {
        WebhookRetry {
            delays,
            ..WebhookRetry::default()
        }
    }

    /// One attempt, no retry.
    pub fn none() -> Self {
        WebhookRetry::new(Vec::new())
    }

    /// Klarna's documented schedule: 10 s, 2 min, 15 min, 3 h, 6 h, 12 h.
    pub fn klarna() -> Self {
        WebhookRetry::new(
            [10, 120, 900, 3 * 3600, 6 * 3600, 12 * 3600]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
        )
    }

    /// How long one attempt may take (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The delays between attempts.
    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }
}

/// One webhook delivery attempt, as recorded by the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The webhook the event was delivered to.
    pub webhook_id: String,
    /// The URL that was called.
    pub url: String,
    /// `metadata.event_id`, the same on every attempt of one delivery.
    pub event_id: String,
    /// `metadata.event_type`.
    pub event_type: String,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
    /// The `Klarna-Signing-Key-Id` header sent.
    pub signing_key_id: String,
    /// The `Klarna-Signature` header sent.
    pub signature: String,
    /// The raw body sent (the signature covers exactly these bytes).
    pub body: Vec<u8>,
    /// The receiver's status code, when it answered.
    pub status: Option<u16>,
    /// Why the attempt got no answer, when it did not.
    pub error: Option<String>,
}

impl Delivery {
    /// Whether the receiver acknowledged the delivery (200, 201, 202 or 204).
    pub fn succeeded(&self) -> bool {
        matches!(self.status, Some(200 | 201 | 202 | 204))
    }

    /// The body parsed as JSON (`{"metadata": ..., "payload": ...}`), or `Null` if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The signature headers of the attempt, as a receiver saw them (for `webhooks::verify`).
    pub fn headers(&self) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        for (name, value) in [
            ("klarna-signing-key-id", &self.signing_key_id),
            ("klarna-signature", &self.signature),
        ] {
            if let Ok(v) = http::HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        }
        headers
    }
}

/// Sends one delivery with retries, recording every attempt.
pub(crate) async fn deliver(shared: Arc<Shared>, job: Job) {
    let signature = sign(&job.secret, &job.body);
    let attempts = 1 + shared.retry.delays.len();
    for attempt in 1..=attempts {
        let outcome = if job.secret.is_empty() {
            Err(format!(
                "signing key '{}' no longer exists; nothing was sent",
                job.signing_key_id
            ))
        } else {
            post(
                &job.url,
                &job.signing_key_id,
                &signature,
                &job.body,
                shared.retry.timeout,
            )
            .await
        };
        let success = matches!(outcome, Ok(200 | 201 | 202 | 204));
        shared.attempted(
            job.seq,
            outcome.as_ref().err().cloned().or_else(|| match outcome {
                Ok(status) if !success => Some(format!("answered {status}")),
                _ => None,
            }),
        );
        shared.record(Delivery {
            webhook_id: job.webhook_id.clone(),
            url: job.url.clone(),
            event_id: job.event_id.clone(),
            event_type: job.event_type.clone(),
            attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
            signing_key_id: job.signing_key_id.clone(),
            signature: signature.clone(),
            body: job.body.clone(),
            status: outcome.as_ref().ok().copied(),
            error: outcome.err(),
        });
        if success || attempt == attempts {
            break;
        }
        tokio::time::sleep(shared.retry.delays[attempt - 1]).await;
    }
    shared.finish_one(job.seq);
}

/// Lowercase hex HMAC-SHA256 of the raw body, keyed with the signing key's UTF-8 bytes (FACTS §4.2).
pub(crate) fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::Mac as _;
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// POSTs a delivery over plain HTTP/1.1 and returns the status code.
async fn post(
    url: &str,
    key_id: &str,
    signature: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<u16, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("invalid URL '{url}': {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "the fake delivers over plain http to loopback only; '{url}' was not called"
        ));
    }
    let host = uri.host().unwrap_or_default().to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let authority = uri.authority().map(|a| a.to_string()).unwrap_or_default();
    let path = uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "/".into());
    let request = http::Request::post(path)
        .header(http::header::HOST, authority)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("Klarna-Signing-Key-Id", key_id)
        .header("Klarna-Signature", signature)
        .body(http_body_util::Full::new(Bytes::copy_from_slice(body)))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let send = async {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("HTTP handshake with {url} failed: {e}"))?;
        let driver = tokio::spawn(connection);
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("POST {url} failed: {e}"));
        driver.abort();
        response.map(|r| r.status().as_u16())
    };
    match tokio::time::timeout(timeout, send).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer from {url} within {timeout:?}")),
    }
}
