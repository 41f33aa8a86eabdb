//! Notification API: signing keys and webhooks (FACTS §4), and simulated deliveries.

use axum::http::{Method, Uri};
use serde_json::{Map, Value, json};

use crate::reply::{Reply, decode, wire};
use crate::state::{MAX_SIGNING_KEYS, SigningKeyRec, State, WebhookRec, rfc3339};
use klarna::notification as n;

/// The notification routes the fake keeps state for; `None` for any other.
pub(super) fn route(
    state: &mut State,
    method: &Method,
    rest: &[&str],
    body: &[u8],
) -> Option<Reply> {
    let reply = match (method.clone(), rest) {
        (Method::POST, ["notification", "signing-keys"]) => create_signing_key(state),
        (Method::GET, ["notification", "signing-keys"]) => Reply::ok(json!({
            "signing_keys": state.signing_keys.iter()
                .map(|k| json!({"signing_key_id": k.id, "created_at": k.created_at}))
                .collect::<Vec<_>>()
        })),
        (Method::GET, ["notification", "signing-keys", id]) => {
            match state.signing_keys.iter().find(|k| k.id == *id) {
                Some(k) => Reply::ok(json!({"signing_key_id": k.id, "created_at": k.created_at})),
                None => Reply::not_found("signing key", id),
            }
        }
        (Method::DELETE, ["notification", "signing-keys", id]) => {
            let before = state.signing_keys.len();
            state.signing_keys.retain(|k| k.id != *id);
            if state.signing_keys.len() < before {
                Reply::no_content()
            } else {
                Reply::not_found("signing key", id)
            }
        }
        (Method::POST, ["notification", "webhooks"]) => create_webhook(state, body),
        (Method::GET, ["notification", "webhooks"]) => Reply::ok(json!({
            "webhooks": state.webhooks.iter().map(|w| Value::Object(w.json.clone())).collect::<Vec<_>>()
        })),
        (Method::GET, ["notification", "webhooks", id]) => {
            match state.webhooks.iter().find(|w| w.id() == *id) {
                Some(w) => Reply::ok(Value::Object(w.json.clone())),
                None => Reply::not_found("webhook", id),
            }
        }
        (Method::PATCH, ["notification", "webhooks", id]) => update_webhook(state, id, body),
        (Method::DELETE, ["notification", "webhooks", id]) => {
            let before = state.webhooks.len();
            state.webhooks.retain(|w| w.id() != *id);
            if state.webhooks.len() < before {
                Reply::no_content()
            } else {
                Reply::not_found("webhook", id)
            }
        }
        (Method::POST, ["notification", "webhooks", id, "simulate"]) => {
            simulate_webhook(state, id, body)
        }
        _ => return None,
    };
    Some(reply)
}

fn create_signing_key(state: &mut State) -> Reply {
    if state.signing_keys.len() >= MAX_SIGNING_KEYS {
        return Reply::conflict(&format!(
            "the account already holds {MAX_SIGNING_KEYS} signing keys, the most it can; delete one first"
        ));
    }
    let id = format!(
        "krn:partner:global:notification:signing-key:{}",
        uuid::Uuid::new_v4()
    );
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let created_at = rfc3339(state.now());
    state.signing_keys.push(SigningKeyRec {
        id: id.clone(),
        secret: secret.clone(),
        created_at: created_at.clone(),
    });
    Reply::created(json!({"signing_key_id": id, "signing_key": secret, "created_at": created_at}))
}

/// Checks a webhook URL: `https://` on port 443 or 8443 as Klarna requires, or `http://` to a loopback
/// host, which the fake allows so that a test's receiver can listen locally.
fn check_webhook_url(url: &str) -> Result<(), Reply> {
    let parsed: Uri = url
        .parse()
        .map_err(|_| Reply::validation("url", &format!("'{url}' is not a URL")))?;
    let host = parsed.host().unwrap_or_default();
    match parsed.scheme_str() {
        Some("https") if matches!(parsed.port_u16(), None | Some(443) | Some(8443)) => Ok(()),
        Some("https") => Err(Reply::validation(
            "url",
            "webhook endpoints must listen on port 443 or 8443",
        )),
        Some("http") if is_loopback_host(host) => Ok(()),
        _ => Err(Reply::validation(
            "url",
            &format!(
                "'{url}' must be https (port 443 or 8443), or http to a loopback host for the fake"
            ),
        )),
    }
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_event_types(types: &[String]) -> Result<(), Reply> {
    if types.is_empty() {
        return Err(Reply::validation(
            "event_types",
            "must name at least one event type",
        ));
    }
    for (i, t) in types.iter().enumerate() {
        if t.trim().is_empty() {
            return Err(Reply::validation(
                &format!("event_types[{i}]"),
                "must not be empty",
            ));
        }
        if types[..i].contains(t) {
            return Err(Reply::validation(
                &format!("event_types[{i}]"),
                &format!("'{t}' is listed twice; event types must be unique"),
            ));
        }
    }
    Ok(())
}

fn create_webhook(state: &mut State, body: &[u8]) -> Reply {
    let request: n::CreateWebhookRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = check_webhook_url(&request.url).and(check_event_types(&request.event_types)) {
        return e;
    }
    if !state
        .signing_keys
        .iter()
        .any(|k| k.id == request.signing_key_id)
    {
        return Reply::validation(
            "signing_key_id",
            &format!(
                "signing key '{}' does not exist; create one first",
                request.signing_key_id
            ),
        );
    }
    let mut json = match wire(&request) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if state.webhooks.iter().any(|w| {
        w.json.get("url") == json.get("url") && w.json.get("event_types") == json.get("event_types")
    }) {
        return Reply::conflict(
            "configuration already exists: a webhook with this URL and these event types",
        );
    }
    json.insert(
        "webhook_id".into(),
        json!(format!(
            "krn:partner:global:notification:webhook:{}",
            uuid::Uuid::new_v4()
        )),
    );
    json.entry("status").or_insert(json!("ENABLED"));
    json.insert("created_at".into(), json!(rfc3339(state.now())));
    state.webhooks.push(WebhookRec { json: json.clone() });
    Reply::created(Value::Object(json))
}

fn update_webhook(state: &mut State, id: &str, body: &[u8]) -> Reply {
    let request: n::UpdateWebhookRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Some(url) = &request.url
        && let Err(e) = check_webhook_url(url)
    {
        return e;
    }
    if let Some(types) = &request.event_types
        && let Err(e) = check_event_types(types)
    {
        return e;
    }
    if let Some(key) = &request.signing_key_id
        && !state.signing_keys.iter().any(|k| k.id == *key)
    {
        return Reply::validation(
            "signing_key_id",
            &format!("signing key '{key}' does not exist"),
        );
    }
    let now = rfc3339(state.now());
    let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id() == id) else {
        return Reply::not_found("webhook", id);
    };
    if let Value::Object(changes) = wire(&request) {
        for (k, v) in changes {
            webhook.json.insert(k, v);
        }
    }
    webhook.json.insert("updated_at".into(), json!(now));
    Reply::ok(Value::Object(webhook.json.clone()))
}

fn simulate_webhook(state: &mut State, id: &str, body: &[u8]) -> Reply {
    let request: n::SimulateWebhookRequest = match decode(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let event_type = wire(&request.event_type)
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let Some(webhook) = state.webhooks.iter().find(|w| w.id() == id) else {
        return Reply::not_found("webhook", id);
    };
    let version = request
        .event_version
        .as_ref()
        .map(wire)
        .or_else(|| webhook.json.get("event_version").cloned())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "v2".into());
    let url = webhook
        .json
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let key = webhook
        .json
        .get("signing_key_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let payload = crate::fallback::sample_event_payload(&event_type);
    let occurred_at = rfc3339(state.now());
    let account = state.account_id.clone();
    state.enqueue(
        id,
        &url,
        &version,
        &key,
        &event_type,
        &account,
        &occurred_at,
        payload,
    );
    Reply::no_content()
}
