//! `cargo xtask contract`: the SDK against Stoplight Prism, which validates every request against the spec.
//!
//! For each `specs/<api>.yaml`: start `prism mock` on a free local port (in its own process group, with
//! `--errors` so a request that does not match the spec is answered with an error status), wait until it
//! listens, run the `contract` binary of `klarna-tests` (which calls every operation of that API through the
//! generated SDK), then stop Prism by killing its process group. Prism is installed on first use into
//! `.tools/prism` (gitignored) with npm, at the pinned [`PRISM_VERSION`].
//!
//! Options: `--dynamic` makes Prism generate responses from the schemas (seeded, so runs repeat) instead of
//! answering with the spec's examples; `API...` limits the run to those APIs.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The Prism release the contract tests run against.
pub const PRISM_VERSION: &str = "5.16.0";

/// Seed for `--dynamic`, so generated responses are the same on every run.
const SEED: &str = "klarna-contract";

/// How long Prism may take to start listening.
const STARTUP: Duration = Duration::from_secs(90);

/// A running Prism, stopped (its whole process group) when dropped.
struct Prism {
    child: Child,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        // The group id is the child's pid (process_group(0)); `--` keeps the negative id from being read as
        // an option.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// Runs the contract tests; fails if any operation failed or a run could not complete.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let dynamic = args.iter().any(|a| a == "--dynamic");
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let started = Instant::now();
    let prism = install(root)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "-p",
            "klarna-tests",
            "--bin",
            "contract",
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("building the contract binary failed");
    }
    let mut specs = Vec::new();
    for path in crate::spec_files(root)? {
        let Some(api) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if only.is_empty() || only.contains(&api.as_str()) {
            specs.push((api, path));
        }
    }
    if specs.is_empty() {
        bail!("no spec matches {}", only.join(" "));
    }
    let logs = tempfile::tempdir().context("creating a directory for Prism's logs")?;
    let (mut passed, mut total, mut broken) = (0usize, 0usize, Vec::new());
    for (api, spec) in &specs {
        let log = logs.path().join(format!("prism-{api}.log"));
        let server = start(&prism, spec, &log, dynamic)
            .with_context(|| format!("starting Prism for {api}"))?;
        let base_url = format!("http://127.0.0.1:{}", server.1);
        println!("{api}: Prism {PRISM_VERSION} at {base_url}");
        let output = Command::new(&cargo)
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "-p",
                "klarna-tests",
                "--bin",
                "contract",
                "--",
            ])
            .args([&base_url, api])
            .stderr(Stdio::inherit())
            .output()
            .context("running the contract binary")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("{stdout}");
        let summary = stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("contract: {api}: ")))
            .and_then(parse_summary);
        match summary {
            Some((p, t)) => {
                passed += p;
                total += t;
                if !output.status.success() && p == t {
                    broken.push(format!("{api}: the contract binary failed"));
                }
            }
            None => broken.push(format!(
                "{api}: no summary from the contract binary ({})",
                output.status
            )),
        }
        if !output.status.success() {
            print_violations(&server.0.log);
        }
        drop(server);
    }
    println!(
        "contract: {passed} of {total} operations passed against Prism ({} mode, {:.0} s)",
        if dynamic { "dynamic" } else { "static" },
        started.elapsed().as_secs_f64()
    );
    if passed != total || !broken.is_empty() {
        for b in &broken {
            eprintln!("{b}");
        }
        bail!("contract tests failed");
    }
    Ok(())
}

/// `N of M operations passed` → `(N, M)`.
fn parse_summary(s: &str) -> Option<(usize, usize)> {
    let mut words = s.split_whitespace();
    let passed = words.next()?.parse().ok()?;
    let total = words.nth(1)?.parse().ok()?;
    Some((passed, total))
}

/// Installs Prism into `.tools/prism` unless the pinned version is already there; returns its executable.
fn install(root: &Path) -> Result<PathBuf> {
    let prefix = root.join(".tools/prism");
    let bin = prefix.join("node_modules/.bin/prism");
    let installed = prefix.join("node_modules/@stoplight/prism-cli/package.json");
    let current = std::fs::read_to_string(&installed)
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| {
            v.get("version")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        });
    if bin.exists() && current.as_deref() == Some(PRISM_VERSION) {
        return Ok(bin);
    }
    println!(
        "installing @stoplight/prism-cli@{PRISM_VERSION} into {}",
        prefix.display()
    );
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(format!("@stoplight/prism-cli@{PRISM_VERSION}"))
        .status()
        .context("running npm (Node.js is needed for the contract tests)")?;
    if !status.success() || !bin.exists() {
        bail!("npm could not install @stoplight/prism-cli@{PRISM_VERSION}");
    }
    Ok(bin)
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free local port")?;
    Ok(listener.local_addr()?.port())
}

/// Starts Prism for `spec` and waits until it accepts connections.
fn start(prism: &Path, spec: &Path, log: &Path, dynamic: bool) -> Result<(Prism, u16)> {
    let port = free_port()?;
    let out = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let err = out.try_clone()?;
    let mut cmd = Command::new(prism);
    cmd.arg("mock").arg(spec).args([
        "--port",
        &port.to_string(),
        "--host",
        "127.0.0.1",
        "--errors",
    ]);
    if dynamic {
        cmd.args(["--dynamic", "--seed", SEED]);
    }
    let child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .with_context(|| format!("running {}", prism.display()))?;
    let mut server = Prism {
        child,
        log: log.to_path_buf(),
    };
    let deadline = Instant::now() + STARTUP;
    loop {
        if TcpStream::connect_timeout(
            &(Ipv4Addr::LOCALHOST, port).into(),
            Duration::from_millis(200),
        )
        .is_ok()
        {
            return Ok((server, port));
        }
        if let Some(status) = server.child.try_wait()? {
            print_log_tail(log);
            bail!("Prism exited before listening ({status})");
        }
        if Instant::now() > deadline {
            print_log_tail(log);
            bail!("Prism did not listen on port {port} within {STARTUP:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Prints what Prism's log says about requests it found invalid: each such request and its violations.
/// (With `--errors`, Prism answers an invalid request with the spec's own error example, so the violations
/// are only in its log.)
fn print_violations(log: &Path) {
    let Ok(file) = std::fs::File::open(log) else {
        return;
    };
    let mut request = String::new();
    let mut printed_header = false;
    for line in BufReader::new(file).lines().map_while(Result::ok) {
        if line.contains("[HTTP SERVER]") && line.contains("Request received") {
            // `[HTTP SERVER] post /v2/... ℹ  info      Request received`
            let after = line.split("[HTTP SERVER]").nth(1).unwrap_or_default();
            request = after
                .split('\u{2139}')
                .next()
                .unwrap_or(after)
                .trim()
                .to_string();
        } else if line.contains("Violation:") {
            if !printed_header {
                eprintln!("--- Prism's violations ({}):", log.display());
                printed_header = true;
            }
            let what = line
                .split("  ")
                .filter(|s| !s.trim().is_empty())
                .last()
                .unwrap_or(&line)
                .trim()
                .to_string();
            eprintln!("  {request}: {what}");
        }
    }
}

/// Prints the last lines of Prism's log (why it did not start).
fn print_log_tail(log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    eprintln!("--- last lines of Prism's log ({}):", log.display());
    for l in &lines[lines.len().saturating_sub(30)..] {
        eprintln!("{l}");
    }
}
