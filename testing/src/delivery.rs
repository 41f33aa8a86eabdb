//! Webhook delivery: signs each event as Klarna does, POSTs it to the receiver over plain HTTP/1.1 and
//! retries on the fake's schedule, recording every attempt.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::Uri;

use crate::state::Job;
use crate::{Delivery, Shared};

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
