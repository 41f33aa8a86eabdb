//! `cargo xtask live-check`: calls Klarna's test environment with a maintainer's API key, records every
//! exchange as a fixture and checks each response body against `specs/` with `klarna-codegen`'s
//! `conform` ([`klarna_codegen::conform`]).
//!
//! Only read operations (GET, HEAD) are sent, unless `--allow-writes` is given and the mutating operation is
//! named in `--operations` and needs no request body. List operations go first; the ids their first item
//! holds fill the path parameters of the operations below the list's path (`/stores` → `/stores/{store_id}`).
//! An operation whose path, query or header parameters cannot be filled is skipped and reported. The API key
//! is sent as the SDK sends it (`Authorization: Basic <key>`, the runtime's default `AuthStyle::Raw`), never
//! printed, never written: recorded headers lose every credential, token and cookie, and the key's text is
//! blanked wherever it appears.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use klarna_codegen::conform::{self, Kind, Report};
use klarna_codegen::ir::{Api, Crate, Operation, ResponseBody};
use serde_json::{Map, Value, json};

/// The test environment, the default base URL.
pub const TEST_BASE_URL: &str = "https://api-global.test.klarna.com";

/// At most this many requests per run.
pub const MAX_CALLS: usize = 200;

/// Shown in place of a removed secret.
const REDACTED: &str = "<redacted>";

const USAGE: &str = "usage: cargo xtask live-check [--base-url URL] [--api-key-env VAR] \
[--partner-account-id KRN] [--out DIR] [--operations id,id] [--allow-writes] [--allow-live]";

/// What to call and where to record it.
#[derive(Clone, Debug)]
pub struct Options {
    /// Base URL of the API (default: the test environment).
    pub base_url: String,
    /// The environment variable that holds the API key.
    pub api_key_env: String,
    /// Fills `{partner_account_id}` in every path.
    pub partner_account_id: Option<String>,
    /// Where the fixtures are written.
    pub out: PathBuf,
    /// Only these operations (by `operationId`).
    pub operations: Option<Vec<String>>,
    /// Mutating operations named in `operations` may be sent.
    pub allow_writes: bool,
    /// A live (production) base URL may be called.
    pub allow_live: bool,
    /// The most requests sent.
    pub max_calls: usize,
}

impl Options {
    fn parse(root: &Path, args: &[String]) -> Result<Options> {
        let mut o = Options {
            base_url: TEST_BASE_URL.to_owned(),
            api_key_env: "KLARNA_API_KEY".to_owned(),
            partner_account_id: None,
            out: root.join("target/live-check"),
            operations: None,
            allow_writes: false,
            allow_live: false,
            max_calls: MAX_CALLS,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .with_context(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--base-url" => o.base_url = value(arg)?,
                "--api-key-env" => o.api_key_env = value(arg)?,
                "--partner-account-id" => o.partner_account_id = Some(value(arg)?),
                "--out" => o.out = PathBuf::from(value(arg)?),
                "--operations" => {
                    o.operations = Some(
                        value(arg)?
                            .split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    )
                }
                "--allow-writes" => o.allow_writes = true,
                "--allow-live" => o.allow_live = true,
                other => bail!("unknown argument `{other}`\n{USAGE}"),
            }
        }
        Ok(o)
    }
}

/// `cargo xtask live-check ...`: fails when a response drifts from `specs/`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let options = Options::parse(root, args)?;
    let key = std::env::var(&options.api_key_env).map_err(|_| {
        anyhow::anyhow!(
            "set {} to the API key of a Klarna test account (or name another variable with --api-key-env)",
            options.api_key_env
        )
    })?;
    let inputs: Vec<klarna_codegen::SpecInput> = crate::spec_files(root)?
        .iter()
        .map(|p| klarna_codegen::SpecInput {
            display: p.strip_prefix(root).unwrap_or(p).display().to_string(),
            path: p.clone(),
        })
        .collect();
    let (ir, _) = klarna_codegen::build_ir(&inputs, "klarna", "0.0.0")
        .map_err(|d| anyhow::anyhow!("specs/ do not load:\n{d}"))?;
    let outcome = check(&ir, &options, &key)?;
    print!("{}", outcome.table());
    let drifting = outcome.drifting();
    if drifting > 0 {
        bail!(
            "{drifting} of {} responses drift from specs/ (fixtures in {})",
            outcome.exchanges.len(),
            options.out.display()
        );
    }
    Ok(())
}

/// One request and its checked response.
#[derive(Debug)]
pub struct Exchange {
    /// The `operationId`.
    pub operation: String,
    /// `GET /v2/...`.
    pub request: String,
    /// The response status.
    pub status: u16,
    /// The fixture file written.
    pub file: PathBuf,
    /// The conformance report, or why the body could not be checked.
    pub report: Result<Report, String>,
}

/// Everything one run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Requests sent, in order.
    pub exchanges: Vec<Exchange>,
    /// Operations not called, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The run stopped at the call limit.
    pub stopped_at_limit: bool,
}

impl Outcome {
    /// How many responses drift (or could not be checked).
    pub fn drifting(&self) -> usize {
        self.exchanges
            .iter()
            .filter(|e| e.report.as_ref().map_or(true, Report::has_drift))
            .count()
    }

    /// The table of exchanges, the skipped operations, every finding and a summary.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<44} {:>6} {:>6} {:>9} {:>6}  request",
            "operation", "status", "drift", "additions", "notes"
        );
        for e in &self.exchanges {
            let (d, a, n) = match &e.report {
                Ok(r) => (
                    r.count(Kind::Drift).to_string(),
                    r.count(Kind::Addition).to_string(),
                    r.count(Kind::Note).to_string(),
                ),
                Err(_) => ("?".into(), "?".into(), "?".into()),
            };
            let file = e.file.file_name().unwrap_or_default().to_string_lossy();
            let _ = writeln!(
                out,
                "{:<44} {:>6} {d:>6} {a:>9} {n:>6}  {}  ({file})",
                e.operation, e.status, e.request
            );
        }
        for e in &self.exchanges {
            match &e.report {
                Ok(r) => {
                    for f in &r.findings {
                        let at = if f.pointer.is_empty() {
                            "(root)"
                        } else {
                            &f.pointer
                        };
                        let _ = writeln!(
                            out,
                            "{} {}: {} {at}: {}",
                            e.operation,
                            e.status,
                            f.kind.as_str(),
                            f.what
                        );
                    }
                }
                Err(why) => {
                    let _ = writeln!(out, "{} {}: not checked: {why}", e.operation, e.status);
                }
            }
        }
        for (op, why) in &self.skipped {
            let _ = writeln!(out, "skipped {op}: {why}");
        }
        if self.stopped_at_limit {
            let _ = writeln!(out, "stopped at the call limit");
        }
        let _ = writeln!(
            out,
            "{} calls, {} drifting, {} skipped",
            self.exchanges.len(),
            self.drifting(),
            self.skipped.len()
        );
        out
    }
}

/// Refuses a base URL that is live (unless allowed) or that would send the key in clear text.
fn check_base_url(options: &Options) -> Result<()> {
    let url = options.base_url.trim_end_matches('/');
    let (scheme, rest) = url
        .split_once("://")
        .with_context(|| format!("--base-url `{url}` has no scheme"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(authority, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
    match scheme {
        "https" => {}
        "http" if loopback => {}
        _ => bail!(
            "--base-url `{url}`: only https (or http to a loopback address) carries the API key"
        ),
    }
    let klarna = host == "klarna.com" || host.ends_with(".klarna.com");
    let test = host
        .split('.')
        .any(|label| label == "test" || label == "playground");
    if klarna && !test && !options.allow_live {
        bail!(
            "--base-url `{url}` is Klarna's live environment; pass --allow-live to call it anyway"
        );
    }
    Ok(())
}

/// Percent-encodes a path parameter value (KRNs keep their `:`).
fn encode_segment(value: &str) -> String {
    value.bytes().fold(String::new(), |mut s, b| {
        if b.is_ascii_alphanumeric() || b"-._~:@!$&'()*+,;=".contains(&b) {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
        s
    })
}

/// The items of a list response: the paginated items, the array itself, or the first array property.
fn list_items<'v>(op: &Operation, body: &'v Value) -> Option<&'v Vec<Value>> {
    if let Some(p) = &op.pagination {
        let page = if p.page_list { body.get(0)? } else { body };
        return page.get(&p.items.wire)?.as_array();
    }
    match body {
        Value::Array(items) => Some(items),
        Value::Object(map) => map.values().find_map(Value::as_array),
        _ => None,
    }
}

/// The value of path parameter `param`, which sits below `collection`: from the options, or from the first
/// item a list of that collection returned (its property named like the parameter, else `id`).
fn fill(
    param: &str,
    collection: &str,
    options: &Options,
    lists: &BTreeMap<String, Value>,
) -> Option<String> {
    if param == "partner_account_id"
        && let Some(id) = &options.partner_account_id
    {
        return Some(id.clone());
    }
    let item = lists.get(collection)?;
    [param, "id"]
        .iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// The path with every parameter filled, or the first parameter that cannot be.
fn fill_path(
    op: &Operation,
    options: &Options,
    lists: &BTreeMap<String, Value>,
) -> Result<String, String> {
    let template = op.path();
    let mut path = template.clone();
    for p in &op.path_params {
        let placeholder = format!("{{{}}}", p.name.wire);
        let collection = template
            .split(&placeholder)
            .next()
            .unwrap_or_default()
            .trim_end_matches('/');
        let value = fill(&p.name.wire, collection, options, lists).ok_or_else(|| {
            format!(
                "no value for path parameter `{}` (no list of {collection} answered with one)",
                p.name.wire
            )
        })?;
        path = path.replace(&placeholder, &encode_segment(&value));
    }
    Ok(path)
}

/// Whether the operation may be sent at all, and why not.
fn eligible(op: &Operation, options: &Options) -> Result<(), String> {
    let read = matches!(op.method.as_str(), "GET" | "HEAD");
    let named = options
        .operations
        .as_ref()
        .is_some_and(|ids| ids.contains(&op.id.wire));
    let allowed = read || (options.allow_writes && named);
    if !allowed {
        return Err(format!(
            "{} changes data: sent only with --allow-writes and when named in --operations",
            op.method
        ));
    }
    if op.body.as_ref().is_some_and(|b| b.required) {
        return Err("needs a request body, which live-check does not make up".into());
    }
    if let Some(p) = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .find(|p| p.required)
    {
        return Err(format!("needs the parameter `{}`", p.name.wire));
    }
    Ok(())
}

/// Calls every operation it can fill in, records each exchange in `options.out` and checks it.
pub fn check(ir: &Crate, options: &Options, key: &str) -> Result<Outcome> {
    check_base_url(options)?;
    if key.trim().is_empty() {
        bail!("the API key in {} is empty", options.api_key_env);
    }
    let mut pending: Vec<(&Api, &Operation)> = ir
        .apis
        .iter()
        .flat_map(|a| {
            a.resources
                .iter()
                .flat_map(move |r| r.operations.iter().map(move |o| (a, o)))
        })
        .filter(|(_, o)| {
            options
                .operations
                .as_ref()
                .is_none_or(|ids| ids.contains(&o.id.wire))
        })
        .collect();
    if let Some(ids) = &options.operations {
        for id in ids {
            if !pending.iter().any(|(_, o)| &o.id.wire == id) {
                bail!("--operations: no operation `{id}` in specs/");
            }
        }
    }
    // Lists first, then by how many path parameters need filling, then by id.
    pending.sort_by_key(|(_, o)| {
        (
            o.pagination.is_none(),
            o.path_params.len(),
            o.id.wire.clone(),
        )
    });
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("creating {}", options.out.display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .user_agent(concat!(
            "klarna-rust-xtask-live-check/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .into();
    let base = options.base_url.trim_end_matches('/');
    let mut outcome = Outcome::default();
    let mut lists: BTreeMap<String, Value> = BTreeMap::new();
    pending.retain(|(_, op)| match eligible(op, options) {
        Ok(()) => true,
        Err(why) => {
            outcome.skipped.push((op.id.wire.clone(), why));
            false
        }
    });
    // Rounds: each list that answers can make more paths fillable.
    loop {
        let mut progressed = false;
        let mut still = Vec::new();
        for (api, op) in pending {
            let Ok(path) = fill_path(op, options, &lists) else {
                still.push((api, op));
                continue;
            };
            if outcome.exchanges.len() >= options.max_calls {
                outcome.stopped_at_limit = true;
                still.push((api, op));
                continue;
            }
            progressed = true;
            let exchange = call(&agent, base, &path, op, ir, options, key, &mut lists)?;
            outcome.exchanges.push(exchange);
        }
        pending = still;
        if !progressed || pending.is_empty() || outcome.stopped_at_limit {
            break;
        }
    }
    for (_, op) in pending {
        let why = match fill_path(op, options, &lists) {
            Err(why) => why,
            Ok(_) => format!(
                "not called: the limit of {} calls was reached",
                options.max_calls
            ),
        };
        outcome.skipped.push((op.id.wire.clone(), why));
    }
    Ok(outcome)
}

/// Sends one request, writes its fixture and checks the body.
#[allow(clippy::too_many_arguments)]
fn call(
    agent: &ureq::Agent,
    base: &str,
    path: &str,
    op: &Operation,
    ir: &Crate,
    options: &Options,
    key: &str,
    lists: &mut BTreeMap<String, Value>,
) -> Result<Exchange> {
    let request_line = format!("{} {path}", op.method);
    let request = ureq::http::Request::builder()
        .method(op.method.as_str())
        .uri(format!("{base}{path}"))
        .header("Authorization", format!("Basic {key}"))
        .header("Accept", "application/json")
        .body(())
        .with_context(|| format!("{request_line}: cannot build the request"))?;
    let mut response = agent
        .run(request)
        .with_context(|| format!("{request_line}: no response"))?;
    let status = response.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in response.headers() {
        let name = name.as_str().to_ascii_lowercase();
        let secret = [
            "auth", "token", "secret", "cookie", "key", "session", "password",
        ]
        .iter()
        .any(|w| name.contains(w));
        let text = String::from_utf8_lossy(value.as_bytes()).replace(key, REDACTED);
        headers.insert(
            name,
            Value::String(if secret { REDACTED.to_owned() } else { text }),
        );
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(10 * 1024 * 1024)
        .read_to_vec()
        .with_context(|| format!("{request_line}: reading the body"))?;
    let report = conform::conform(ir, &op.id.wire, status, &bytes).map_err(|e| e.to_string());
    let text = String::from_utf8_lossy(&bytes).replace(key, REDACTED);
    let mut fixture = json!({
        "operation": op.id.wire,
        "status": status,
        "request": request_line,
        "source": format!("recorded from {base} by cargo xtask live-check"),
        "headers": headers,
    });
    match serde_json::from_str::<Value>(&text) {
        Ok(mut body) => {
            if (200..300).contains(&status)
                && matches!(op.response.body(), ResponseBody::Json(_))
                && let Some(first) = list_items(op, &body).and_then(|items| items.first())
            {
                lists.insert(op.path(), first.clone());
            }
            redact_secrets(&mut body);
            fixture["body"] = body;
        }
        Err(_) => fixture["body_text"] = Value::String(text),
    }
    let file = options.out.join(format!("{}-{status}.json", op.id.wire));
    let pretty = serde_json::to_string_pretty(&fixture)?;
    std::fs::write(&file, format!("{pretty}\n"))
        .with_context(|| format!("writing {}", file.display()))?;
    Ok(Exchange {
        operation: op.id.wire.clone(),
        request: request_line,
        status,
        file,
        report,
    })
}

/// Blanks string values of properties named like secrets (tokens, passwords, private keys) in a recorded
/// body; the check ran on the body as received.
fn redact_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let k = k.to_ascii_lowercase();
                let secret = ["token", "secret", "password", "private_key", "api_key"]
                    .iter()
                    .any(|w| k.contains(w));
                if secret && v.is_string() {
                    *v = Value::String(REDACTED.to_owned());
                } else {
                    redact_secrets(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
