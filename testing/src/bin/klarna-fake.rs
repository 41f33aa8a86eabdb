//! `klarna-fake`: the fake Klarna of `klarna-testing` as a local server, for tests and examples in any
//! language (the `klarna` CLI, a shell script, a service in another language).
//!
//! It prints `KLARNA_BASE_URL`, `KLARNA_API_KEY`, `KLARNA_PARTNER_ACCOUNT_ID` and `KLARNA_FAKE_CONTROL`
//! as `NAME=value` lines (a shell can source them), then serves until it is stopped. The test controls
//! are served over HTTP under `/__control/`; see the crate's README.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use klarna_testing::{FakeKlarna, WebhookRetry};

const USAGE: &str = "\
klarna-fake: an offline, stateful Klarna Network on loopback, with test controls under /__control/

Usage: klarna-fake [OPTIONS]

Options:
  --port N                  port to listen on (default: a free one)
  --host IP                 address to listen on (default 127.0.0.1; the controls take no key, so keep
                            it on loopback unless the network is yours)
  --api-key KEY             the API key to accept (default: a fresh klarna_test_api_... key)
  --account-id KRN          the fake's own partner account (default krn:partner:global:account:test:FAKEKLARNA)
  --seed N                  seed of the generator that picks a share of calls for a fault (default 0)
  --seed-data FILE          JSON seed data applied at start: {\"calls\", \"lists\", \"authorizations\", \"faults\"}
  --webhook-retry SCHEDULE  retries of failed webhook deliveries: default (50 ms doubling, 6 retries),
                            klarna (10 s, 2 min, 15 min, 3 h, 6 h, 12 h), none, or milliseconds such as 100,500,2000
  --webhook-timeout-ms N    how long one delivery attempt may take (default 5000)
  -h, --help                this text
  -V, --version             the version

Prints KLARNA_BASE_URL, KLARNA_API_KEY, KLARNA_PARTNER_ACCOUNT_ID and KLARNA_FAKE_CONTROL as NAME=value lines,
then serves until stopped (Ctrl-C).";

/// The command line, read.
struct Options {
    port: u16,
    host: IpAddr,
    api_key: Option<String>,
    account_id: Option<String>,
    seed: u64,
    seed_data: Option<String>,
    retry: WebhookRetry,
    timeout: Option<Duration>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        port: 0,
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        api_key: None,
        account_id: None,
        seed: 0,
        seed_data: None,
        retry: WebhookRetry::default(),
        timeout: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "-V" | "--version" => {
                println!("klarna-fake {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            "--port" => {
                let v = value()?;
                o.port = v
                    .parse()
                    .map_err(|_| format!("--port: '{v}' is not a port (0 to 65535)"))?;
            }
            "--host" => {
                let v = value()?;
                o.host = v
                    .parse()
                    .map_err(|_| format!("--host: '{v}' is not an IP address"))?;
            }
            "--api-key" => o.api_key = Some(value()?),
            "--account-id" => o.account_id = Some(value()?),
            "--seed" => {
                let v = value()?;
                o.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: '{v}' is not a whole number"))?;
            }
            "--seed-data" => o.seed_data = Some(value()?),
            "--webhook-retry" => {
                let v = value()?;
                o.retry = match v.as_str() {
                    "default" => WebhookRetry::default(),
                    "klarna" => WebhookRetry::klarna(),
                    "none" => WebhookRetry::none(),
                    list => WebhookRetry::new(
                        list.split(',')
                            .map(|ms| ms.trim().parse::<u64>().map(Duration::from_millis))
                            .collect::<Result<_, _>>()
                            .map_err(|_| {
                                format!(
                                    "--webhook-retry: '{v}' is not default, klarna, none or milliseconds such as 100,500,2000"
                                )
                            })?,
                    ),
                };
            }
            "--webhook-timeout-ms" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--webhook-timeout-ms: '{v}' is not a whole number"))?;
                o.timeout = Some(Duration::from_millis(ms));
            }
            other => return Err(format!("unknown option '{other}' (see --help)")),
        }
    }
    if let Some(t) = o.timeout {
        o.retry = o.retry.timeout(t);
    }
    Ok(Some(o))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("klarna-fake: {e}");
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("klarna-fake: cannot start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    runtime.block_on(run(options))
}

async fn run(o: Options) -> ExitCode {
    let seed_data = match &o.seed_data {
        None => None,
        Some(path) => match std::fs::read(path) {
            Err(e) => {
                eprintln!("klarna-fake: --seed-data {path}: {e}");
                return ExitCode::from(1);
            }
            Ok(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(v) => Some(v),
                Err(e) => {
                    eprintln!(
                        "klarna-fake: --seed-data {path}: not JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    );
                    return ExitCode::from(1);
                }
            },
        },
    };
    let mut builder = FakeKlarna::builder()
        .bind(SocketAddr::new(o.host, o.port))
        .seed(o.seed)
        .webhook_retry(o.retry)
        .control_surface(true);
    if let Some(k) = o.api_key {
        builder = builder.api_key(k);
    }
    if let Some(a) = o.account_id {
        builder = builder.account_id(a);
    }
    let fake = match builder.start().await {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "klarna-fake: cannot listen on {}: {e}",
                SocketAddr::new(o.host, o.port)
            );
            return ExitCode::from(3);
        }
    };
    if let Some(data) = seed_data {
        match fake.seed(&data).await {
            Ok(answers) => {
                for answer in answers {
                    eprintln!("klarna-fake: seeded: {answer}");
                }
            }
            Err(e) => {
                eprintln!("klarna-fake: --seed-data: {e}");
                return ExitCode::from(1);
            }
        }
    }
    println!("KLARNA_BASE_URL={}", fake.base_url());
    println!("KLARNA_API_KEY={}", fake.api_key());
    println!("KLARNA_PARTNER_ACCOUNT_ID={}", fake.account_id());
    println!("KLARNA_FAKE_CONTROL={}/__control/", fake.base_url());
    eprintln!("klarna-fake: serving; stop with Ctrl-C");
    // Serve until the process is stopped; the default signal handling ends it.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
