//! `cargo xtask bench [--quick]`: measures the generator, the generated crate and the SDK's per-call
//! overhead, each side by side with its comparison, prints the results and rewrites `BENCHMARKS.md`.
//!
//! 1. Generation: the release `klarna-codegen` binary on all of `specs/` and on the Stripe corpus document,
//!    each run [`Reps::generate`] times (median and min of the wall time; peak RSS from GNU
//!    `/usr/bin/time -v`), against `cargo progenitor` (installed on first use into `.tools/progenitor`, at
//!    [`PROGENITOR_VERSION`]) on the same inputs, one spec per run since progenitor takes one document.
//! 2. Compile time: `cargo check` and a debug `cargo build` of the generated `klarna` crate (all features and
//!    one API feature at a time; the facade and its API crates `klarna-<api>`) and of the crates progenitor
//!    generates from `specs/`, each cold for the generated crates with their dependencies prebuilt
//!    (`cargo clean -p` of every generated crate, then time), `CARGO_INCREMENTAL=0`, in
//!    separate target directories under `target/bench-*`. A spec progenitor refuses for its multipart
//!    operations is given to it once more without them (`target/bench-progenitor/reduced/`), so that both
//!    sides of the whole-crate comparison cover the same APIs.
//! 3. Per-call overhead: the criterion benchmark `tests/benches/per_call.rs` (SDK against hand-written
//!    reqwest + serde, over loopback to an in-process HTTP server); the absolute medians are read from
//!    criterion's `estimates.json`, the overhead from the bench's `pairs.json` (both sides' calls made back
//!    to back).
//!
//! `--quick` skips progenitor, runs generation 3 times, compiles once and shortens criterion's measurement.
//! Nothing is faked: a tool that fails or panics is reported with what it said.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// The progenitor release compared against (`cargo install cargo-progenitor --version ... --locked`).
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// The Stripe document of the corpus, among the reference data (`cargo xtask reference`).
const STRIPE: &str = "corpus/stripe-api.yaml";

/// Where the Stripe document is, relative to the workspace root (`reference/...` or `../shared/...`).
fn stripe_path(root: &Path) -> Result<String> {
    let found =
        crate::reference::locate(root, STRIPE, "The Stripe document of the OpenAPI corpus")?;
    Ok(found
        .strip_prefix(root)
        .unwrap_or(&found)
        .to_string_lossy()
        .into_owned())
}

/// GNU time, for the peak RSS of a child process.
const GNU_TIME: &str = "/usr/bin/time";

/// Targets from the performance issue.
const TARGET_SPECS_SECS: f64 = 1.0;
const TARGET_STRIPE_SECS: f64 = 3.0;
const TARGET_STRIPE_MB: f64 = 500.0;
const TARGET_PER_CALL_OVERHEAD: f64 = 0.10;

/// How many times each measurement is repeated.
struct Reps {
    generate: usize,
    compile_whole: usize,
    compile_feature: usize,
    /// Whole criterion runs of the per-call bench; the figures are the medians across runs.
    per_call: usize,
    quick: bool,
}

/// One timed run of a child process.
struct Run {
    secs: f64,
    rss_kb: Option<u64>,
    ok: bool,
    /// What went wrong, when `!ok`: the panic message or the last line of stderr.
    failure: String,
}

/// Median, min and peak over repeated runs, or why there are none.
struct Figure {
    command: String,
    runs: usize,
    median: f64,
    min: f64,
    peak_kb: Option<u64>,
    failure: Option<String>,
}

impl Figure {
    fn from_runs(command: String, runs: &[Run]) -> Figure {
        if let Some(bad) = runs.iter().find(|r| !r.ok) {
            return Figure {
                command,
                runs: runs.len(),
                median: 0.0,
                min: 0.0,
                peak_kb: None,
                failure: Some(bad.failure.clone()),
            };
        }
        let times: Vec<f64> = runs.iter().map(|r| r.secs).collect();
        Figure {
            command,
            runs: runs.len(),
            median: median(&times),
            min: times.iter().copied().fold(f64::INFINITY, f64::min),
            peak_kb: runs.iter().filter_map(|r| r.rss_kb).max(),
            failure: None,
        }
    }

    fn time_cell(&self, value: f64) -> String {
        match &self.failure {
            Some(_) => "—".into(),
            None => format!("{value:.2} s"),
        }
    }

    fn peak_cell(&self) -> String {
        match (&self.failure, self.peak_kb) {
            (Some(_), _) => "—".into(),
            (None, Some(kb)) => format!("{:.0} MB", kb as f64 / 1024.0),
            (None, None) => "not measured".into(),
        }
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `cmd` as a shell line, for the report.
fn show(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), v.to_string_lossy())))
        .collect();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Runs `cmd` (in the workspace root) once, timing it; with `rss`, under `/usr/bin/time -v`.
fn timed(root: &Path, cmd: &Command, rss: bool, scratch: &Path) -> Result<Run> {
    let time_file = scratch.join("time-v.txt");
    let mut real = if rss {
        let mut c = Command::new(GNU_TIME);
        c.arg("-v").arg("-o").arg(&time_file).arg(cmd.get_program());
        c
    } else {
        Command::new(cmd.get_program())
    };
    real.args(cmd.get_args()).current_dir(root);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => real.env(k, v),
            None => real.env_remove(k),
        };
    }
    let start = Instant::now();
    let output = real
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {}", show(cmd)))?;
    let secs = start.elapsed().as_secs_f64();
    let rss_kb = if rss {
        std::fs::read_to_string(&time_file).ok().and_then(|t| {
            t.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes):")
                    .and_then(|v| v.trim().parse().ok())
            })
        })
    } else {
        None
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(Run {
        secs,
        rss_kb,
        ok: output.status.success(),
        failure: failure_text(&stdout, &stderr, output.status.code()),
    })
}

/// The panic message (`panicked at ...`), or the exit status with the error lines (progenitor prints
/// `gen fail: ...` on stdout and `Error: ...` on stderr), or else the last line of stderr.
fn failure_text(stdout: &str, stderr: &str, code: Option<i32>) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        let message = lines.get(i + 1).copied().unwrap_or("").trim();
        let place = lines[i]
            .split("panicked at")
            .nth(1)
            .unwrap_or("")
            .trim()
            .trim_end_matches(':');
        return clip(&format!("panicked at {place}: {message}"));
    }
    let status = code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}"));
    let errors: Vec<&str> = stderr
        .lines()
        .chain(stdout.lines())
        .map(str::trim)
        .filter(|l| {
            l.starts_with("Error:") || l.starts_with("error:") || l.starts_with("gen fail:")
        })
        .collect();
    if !errors.is_empty() {
        return clip(&format!("failed ({status}): {}", errors.join("; ")));
    }
    let last = lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    clip(&format!("failed ({status}): {last}"))
}

fn clip(s: &str) -> String {
    let s = s.replace('|', "\\|");
    if s.chars().count() > 220 {
        format!("{}…", s.chars().take(220).collect::<String>())
    } else {
        s
    }
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs a command that must succeed (setup, not measured), with its output shown.
fn must(root: &Path, cmd: &mut Command) -> Result<()> {
    let line = show(cmd);
    eprintln!("bench: {line}");
    let status = cmd
        .current_dir(root)
        .status()
        .with_context(|| format!("running {line}"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// The first three fields of `/proc/loadavg`.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn sh(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}

/// Runs the benchmarks and rewrites BENCHMARKS.md.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(other) = args.iter().find(|a| *a != "--quick") {
        bail!("unknown bench option `{other}` (only --quick)");
    }
    let reps = if quick {
        Reps {
            generate: 3,
            compile_whole: 1,
            compile_feature: 1,
            per_call: 1,
            quick,
        }
    } else {
        Reps {
            generate: 5,
            compile_whole: 3,
            compile_feature: 1,
            per_call: 3,
            quick,
        }
    };
    // Before anything is measured: the Stripe document is reference data that may not be here.
    stripe_path(root)?;
    let started = Instant::now();
    let have_time = Path::new(GNU_TIME).exists();
    if !have_time {
        eprintln!(
            "bench: {GNU_TIME} is missing, peak memory is not measured (install it: apt-get install time)"
        );
    }
    let mut md = String::new();
    header(&mut md, root, &reps, have_time);

    let progenitor = if quick {
        None
    } else {
        Some(install_progenitor(root)?)
    };

    let specs = crate::spec_files(root)?;
    let rel_specs: Vec<String> = specs
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();

    // Written after every section too, so a run that fails later keeps what it measured.
    let partial = |md: &str| {
        let note = "\n**Incomplete: the run stopped before the remaining sections.**\n";
        let _ = std::fs::write(root.join("BENCHMARKS.md"), format!("{md}{note}"));
    };
    let generation = bench_generation(root, &reps, have_time, &rel_specs, progenitor.as_deref())?;
    md.push_str(&generation.markdown);
    partial(&md);
    let compile = bench_compile(
        root,
        &reps,
        &generation.progenitor_specs,
        &generation.reduced,
    )?;
    md.push_str(&compile);
    partial(&md);
    let per_call = bench_per_call(root, &reps)?;
    md.push_str(&per_call);

    let _ = writeln!(
        md,
        "\nLoad average at the end (1/5/15 min): {}. `cargo xtask bench{}` took {:.0} s in all.",
        loadavg(),
        if quick { " --quick" } else { "" },
        started.elapsed().as_secs_f64()
    );
    std::fs::write(root.join("BENCHMARKS.md"), &md).context("writing BENCHMARKS.md")?;
    println!("{md}");
    eprintln!("bench: wrote BENCHMARKS.md");
    Ok(())
}

fn header(md: &mut String, root: &Path, reps: &Reps, have_time: bool) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let commit = sh(
        "git",
        &[
            "-C",
            &root.to_string_lossy(),
            "rev-parse",
            "--short",
            "HEAD",
        ],
    );
    let dirty = !sh(
        "git",
        &[
            "-C",
            &root.to_string_lossy(),
            "status",
            "--porcelain",
            "--untracked-files=no",
        ],
    )
    .is_empty();
    let _ = writeln!(
        md,
        "# Benchmarks\n\n\
         Generated by `cargo xtask bench{}` (xtask/src/bench.rs); do not edit by hand, rerun the command.\n",
        if reps.quick { " --quick" } else { "" }
    );
    let _ = writeln!(md, "| machine | |\n|---|---|");
    let _ = writeln!(
        md,
        "| date (UTC) | {} |",
        sh("date", &["-u", "+%Y-%m-%d %H:%M"])
    );
    let _ = writeln!(md, "| CPU | {cpu} |");
    let _ = writeln!(md, "| `nproc` | {} |", sh("nproc", &[]));
    let _ = writeln!(
        md,
        "| load average at the start (1/5/15 min) | {} (other work on the machine makes every figure noisier) |",
        loadavg()
    );
    let _ = writeln!(md, "| rustc | {} |", sh("rustc", &["--version"]));
    let _ = writeln!(
        md,
        "| commit | {commit}{} |",
        if dirty {
            " (with uncommitted changes in the work tree)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        md,
        "| mode | {} |",
        if reps.quick {
            "--quick: progenitor skipped, fewer repetitions"
        } else {
            "full"
        }
    );
    let _ = writeln!(
        md,
        "| peak memory | {} |\n",
        if have_time {
            "`/usr/bin/time -v` (Maximum resident set size); CI machines need `apt-get install time`"
        } else {
            "not measured: /usr/bin/time is missing (`apt-get install time`)"
        }
    );
}

/// Installs cargo-progenitor into `.tools/progenitor` unless that version is there; returns the binary.
fn install_progenitor(root: &Path) -> Result<PathBuf> {
    let tools = root.join(".tools/progenitor");
    let bin = tools.join("bin/cargo-progenitor");
    let installed = std::fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    if !bin.exists() || !installed.contains(&format!("cargo-progenitor {PROGENITOR_VERSION}")) {
        must(
            root,
            Command::new(cargo()).args([
                "install",
                "cargo-progenitor",
                "--version",
                PROGENITOR_VERSION,
                "--locked",
                "--root",
                ".tools/progenitor",
            ]),
        )?;
    }
    Ok(PathBuf::from(".tools/progenitor/bin/cargo-progenitor"))
}

/// `cargo progenitor` generating crate `name` (version 0.1.0) from `input` into `out`.
fn progenitor_command(pg: &Path, input: &str, out: &str, name: &str) -> Command {
    let mut c = Command::new(pg);
    c.args([
        "progenitor",
        "-i",
        input,
        "-o",
        out,
        "-n",
        name,
        "-v",
        "0.1.0",
    ]);
    c
}

struct Generation {
    markdown: String,
    /// Specs progenitor generated a crate from: (crate name, crate directory relative to the root).
    progenitor_specs: Vec<(String, String)>,
    /// Specs progenitor refused whole and generated without their multipart operations, for the
    /// compile comparison: (spec, crate name, the operations left out).
    reduced: Vec<(String, String, Vec<String>)>,
}

/// A copy of `spec` without the operations whose request body is `multipart/form-data` (progenitor
/// 0.15 refuses the whole document over one such operation), written as JSON to `out`. Returns the
/// operations left out (`operationId`, else `METHOD path`); empty when there are none (nothing is
/// written then).
fn without_multipart(root: &Path, spec: &str, out: &str) -> Result<Vec<String>> {
    let bytes = std::fs::read(root.join(spec)).with_context(|| format!("reading {spec}"))?;
    let mut doc = klarna_codegen::load::parse_document(&bytes, spec)
        .map_err(|d| anyhow::anyhow!("{spec}: {d}"))?;
    let mut removed = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            item.retain(|method, op| {
                let multipart = op["requestBody"]["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|k| k.starts_with("multipart/")));
                if multipart {
                    removed.push(op["operationId"].as_str().map_or_else(
                        || format!("{} {path}", method.to_uppercase()),
                        str::to_owned,
                    ));
                }
                !multipart
            });
        }
    }
    if !removed.is_empty() {
        let path = root.join(out);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, serde_json::to_vec(&doc)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(removed)
}

fn gen_figure(
    root: &Path,
    cmd: &Command,
    reps: usize,
    rss: bool,
    scratch: &Path,
) -> Result<Figure> {
    let mut runs = Vec::new();
    for _ in 0..reps {
        let run = timed(root, cmd, rss, scratch)?;
        let failed = !run.ok;
        runs.push(run);
        if failed {
            break;
        }
    }
    Ok(Figure::from_runs(show(cmd), &runs))
}

fn bench_generation(
    root: &Path,
    reps: &Reps,
    rss: bool,
    specs: &[String],
    progenitor: Option<&Path>,
) -> Result<Generation> {
    let target = "target/bench-gen";
    let stripe_doc = stripe_path(root)?;
    must(
        root,
        Command::new(cargo())
            .args([
                "build",
                "--release",
                "-p",
                "klarna-codegen",
                "--bin",
                "klarna-codegen",
            ])
            .env("CARGO_TARGET_DIR", target),
    )?;
    let scratch = root.join(target);
    let bin = format!("{target}/release/klarna-codegen");
    let out = format!("{target}/out");
    let ours = |inputs: &[String]| {
        let mut c = Command::new(&bin);
        c.arg("generate")
            .args(inputs)
            .args(["--out", &out, "--crate-name", "klarna"]);
        c
    };
    let fresh = |dir: &str| {
        let _ = std::fs::remove_dir_all(root.join(dir));
    };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## 1. Generation time and peak memory\n\n\
         Wall time of the process (median and min of the runs), peak resident set size (max of the runs). \
         Ours: the release `klarna-codegen` binary, one process for all inputs. progenitor {PROGENITOR_VERSION}: \
         `cargo progenitor`, which takes one document per run, so `specs/` is one run per document and the \
         figure is the sum of the per-document medians and mins (peak: the largest). Output directories are \
         removed before every run.\n"
    );
    let _ = writeln!(
        md,
        "| input | generator | median | min | peak RSS | runs | target | result |\n|---|---|---|---|---|---|---|---|"
    );

    eprintln!("bench: generation, specs/ ({} documents)", specs.len());
    let mut specs_runs = Vec::new();
    for _ in 0..reps.generate {
        fresh(&out);
        specs_runs.push(timed(root, &ours(specs), rss, &scratch)?);
    }
    let ours_specs = Figure::from_runs(show(&ours(specs)), &specs_runs);
    eprintln!("bench: generation, Stripe");
    let stripe = vec![stripe_doc.clone()];
    let mut stripe_runs = Vec::new();
    for _ in 0..reps.generate {
        fresh(&out);
        stripe_runs.push(timed(root, &ours(&stripe), rss, &scratch)?);
    }
    fresh(&out);
    let ours_stripe = Figure::from_runs(show(&ours(&stripe)), &stripe_runs);

    let verdict = |f: &Figure, secs: f64, mb: Option<f64>| -> String {
        if let Some(why) = &f.failure {
            return format!("FAIL: {why}");
        }
        let time_ok = f.median < secs;
        let mem_ok = match (mb, f.peak_kb) {
            (Some(limit), Some(kb)) => Some((kb as f64 / 1024.0) < limit),
            _ => None,
        };
        let mut parts = vec![format!("time {}", if time_ok { "pass" } else { "FAIL" })];
        match (mb, mem_ok) {
            (Some(_), Some(ok)) => {
                parts.push(format!("memory {}", if ok { "pass" } else { "FAIL" }))
            }
            (Some(_), None) => parts.push("memory not measured".into()),
            _ => {}
        }
        parts.join(", ")
    };
    let row =
        |md: &mut String, input: &str, generator: &str, f: &Figure, target: &str, result: &str| {
            let _ = writeln!(
                md,
                "| {input} | {generator} | {} | {} | {} | {} | {target} | {result} |",
                f.time_cell(f.median),
                f.time_cell(f.min),
                f.peak_cell(),
                f.runs,
            );
        };
    row(
        &mut md,
        &format!("`specs/` ({} documents)", specs.len()),
        "klarna-codegen",
        &ours_specs,
        "< 1 s",
        &verdict(&ours_specs, TARGET_SPECS_SECS, None),
    );

    let mut commands = vec![ours_specs.command.clone(), ours_stripe.command.clone()];
    let mut progenitor_specs = Vec::new();
    let mut reduced = Vec::new();
    let mut detail = String::new();
    match progenitor {
        None => {
            let _ = writeln!(
                md,
                "| `specs/` | progenitor | not run (`--quick`) | | | | | |"
            );
        }
        Some(pg) => {
            let pg_dir = "target/bench-progenitor/crates";
            let mut figures = Vec::new();
            for spec in specs {
                let stem = Path::new(spec)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("spec");
                let name = format!("pg-{stem}");
                let dir = format!("{pg_dir}/{name}");
                let c = progenitor_command(pg, spec, &dir, &name);
                eprintln!("bench: progenitor, {spec}");
                let mut runs = Vec::new();
                for _ in 0..reps.generate {
                    fresh(&dir);
                    let run = timed(root, &c, rss, &scratch)?;
                    let failed = !run.ok;
                    runs.push(run);
                    if failed {
                        break;
                    }
                }
                let f = Figure::from_runs(show(&c), &runs);
                commands.push(f.command.clone());
                if f.failure.is_none() {
                    progenitor_specs.push((name.clone(), dir.clone()));
                } else {
                    fresh(&dir);
                    // For the compile comparison: the same API without what progenitor cannot read.
                    let copy = format!("target/bench-progenitor/reduced/{stem}.json");
                    let removed = without_multipart(root, spec, &copy)?;
                    if !removed.is_empty() {
                        let c = progenitor_command(pg, &copy, &dir, &name);
                        eprintln!("bench: progenitor, {copy} ({spec} without multipart)");
                        let run = timed(root, &c, false, &scratch)?;
                        commands.push(show(&c));
                        if run.ok {
                            progenitor_specs.push((name.clone(), dir.clone()));
                            reduced.push((spec.clone(), name.clone(), removed));
                        } else {
                            fresh(&dir);
                        }
                    }
                }
                figures.push((spec.clone(), f));
            }
            let ok: Vec<&Figure> = figures
                .iter()
                .map(|(_, f)| f)
                .filter(|f| f.failure.is_none())
                .collect();
            let refused: Vec<String> = figures
                .iter()
                .filter_map(|(s, f)| f.failure.as_ref().map(|w| format!("{s}: {w}")))
                .collect();
            let sum = Figure {
                command: String::new(),
                runs: reps.generate,
                median: ok.iter().map(|f| f.median).sum(),
                min: ok.iter().map(|f| f.min).sum(),
                peak_kb: ok.iter().filter_map(|f| f.peak_kb).max(),
                failure: if ok.is_empty() {
                    Some("every document refused".into())
                } else {
                    None
                },
            };
            let result = if refused.is_empty() {
                format!("all {} generated", figures.len())
            } else {
                format!(
                    "{} of {} generated; refused: {}",
                    ok.len(),
                    figures.len(),
                    refused.join("; ")
                )
            };
            row(
                &mut md,
                &format!("`specs/` ({} documents)", specs.len()),
                &format!("progenitor {PROGENITOR_VERSION} (sum)"),
                &sum,
                "",
                &result,
            );
            let _ = writeln!(
                detail,
                "\nprogenitor per document:\n\n| document | median | min | peak RSS | result |\n|---|---|---|---|---|"
            );
            for (spec, f) in &figures {
                let _ = writeln!(
                    detail,
                    "| `{spec}` | {} | {} | {} | {} |",
                    f.time_cell(f.median),
                    f.time_cell(f.min),
                    f.peak_cell(),
                    f.failure.as_deref().unwrap_or("generated")
                );
            }
            for (spec, name, removed) in &reduced {
                let _ = writeln!(
                    detail,
                    "\nFor the compile comparison (section 2) only, `{name}` is generated from a copy of `{spec}` \
                     without the {} operation(s) progenitor cannot read ({}), written to \
                     `target/bench-progenitor/reduced/`; its generation time is not counted above.",
                    removed.len(),
                    removed.join(", ")
                );
            }
        }
    }
    row(
        &mut md,
        "Stripe (`stripe-api.yaml`, 4.2 MB, 468 operations)",
        "klarna-codegen",
        &ours_stripe,
        "< 3 s, < 500 MB",
        &verdict(&ours_stripe, TARGET_STRIPE_SECS, Some(TARGET_STRIPE_MB)),
    );
    match progenitor {
        None => {
            let _ = writeln!(
                md,
                "| Stripe | progenitor | not run (`--quick`) | | | | | |"
            );
        }
        Some(pg) => {
            let dir = "target/bench-progenitor/stripe";
            let c = progenitor_command(pg, &stripe_doc, dir, "pg-stripe");
            eprintln!("bench: progenitor, Stripe");
            fresh(dir);
            let f = gen_figure(root, &c, reps.generate, rss, &scratch)?;
            fresh(dir);
            let result = f.failure.clone().unwrap_or_else(|| "generated".into());
            commands.push(f.command.clone());
            row(
                &mut md,
                "Stripe",
                &format!("progenitor {PROGENITOR_VERSION}"),
                &f,
                "",
                &result,
            );
        }
    }
    md.push_str(&detail);
    let _ = writeln!(md, "\nCommands (run in the workspace root):\n\n```sh");
    for c in &commands {
        let _ = writeln!(md, "{c}");
    }
    let _ = writeln!(md, "```\n");
    Ok(Generation {
        markdown: md,
        progenitor_specs,
        reduced,
    })
}

/// One compile configuration: a label, the cargo arguments after `check`/`build`, the packages to clean.
struct Config {
    label: String,
    args: Vec<String>,
    clean: Vec<String>,
    reps: usize,
}

/// Times `cargo check` and `cargo build` of each configuration, cold for the measured crates: one warm-up
/// build of everything, then per measurement `cargo clean -p` and the timed command.
fn compile_rows(
    root: &Path,
    target: &str,
    manifest: Option<&str>,
    warm: &[Vec<String>],
    configs: &[Config],
) -> Result<Vec<(String, Figure, Figure)>> {
    let base = |sub: &str| {
        let mut c = Command::new("cargo");
        c.arg(sub);
        if let Some(m) = manifest {
            c.args(["--manifest-path", m]);
        }
        c.env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0");
        c
    };
    for w in warm {
        for sub in ["check", "build"] {
            let mut c = base(sub);
            c.arg("--quiet").args(w);
            must(root, &mut c)?;
        }
    }
    let scratch = root.join(target);
    let mut rows = Vec::new();
    for config in configs {
        let mut pair = Vec::new();
        for sub in ["check", "build"] {
            let mut c = base(sub);
            c.args(&config.args);
            let mut clean = base("clean");
            for p in &config.clean {
                clean.args(["-p", p]);
            }
            clean.arg("--quiet");
            eprintln!("bench: {}", show(&c));
            let mut runs = Vec::new();
            for _ in 0..config.reps {
                must(root, &mut clean)?;
                runs.push(timed(root, &c, false, &scratch)?);
            }
            let mut f = Figure::from_runs(show(&c), &runs);
            f.command = format!("{} && {}", show(&clean), f.command);
            pair.push(f);
        }
        let build = pair.pop();
        let check = pair.pop();
        if let (Some(check), Some(build)) = (check, build) {
            rows.push((config.label.clone(), check, build));
        }
    }
    Ok(rows)
}

const FEATURES: [&str; 6] = [
    "management",
    "payment",
    "notification",
    "identity",
    "interoperability",
    "messaging",
];

/// The crates `generated/` holds for these API features: the `klarna` facade and one crate per API.
fn generated_crates<S: AsRef<str>>(features: &[S]) -> Vec<String> {
    std::iter::once("klarna".to_owned())
        .chain(
            features
                .iter()
                .map(|f| klarna_codegen::lower::api_package("klarna", f.as_ref())),
        )
        .collect()
}

/// The scratch workspace for progenitor's crates, with the same dev profile as ours.
fn write_progenitor_workspace(root: &Path, crates: &[(String, String)]) -> Result<String> {
    let dir = "target/bench-progenitor";
    let members: Vec<String> = crates
        .iter()
        .map(|(_, d)| format!("  \"{}\",", d.trim_start_matches(&format!("{dir}/"))))
        .collect();
    let manifest = format!(
        "# Written by `cargo xtask bench`: the crates cargo-progenitor generated from specs/.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n\
         # The same dev profile as the klarna workspace.\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
        members.join("\n")
    );
    std::fs::write(root.join(dir).join("Cargo.toml"), manifest)
        .context("writing the progenitor workspace")?;
    Ok(format!("{dir}/Cargo.toml"))
}

fn bench_compile(
    root: &Path,
    reps: &Reps,
    progenitor: &[(String, String)],
    reduced: &[(String, String, Vec<String>)],
) -> Result<String> {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## 2. Compile time of the generated crate\n\n\
         Wall time of `cargo check` and of a debug `cargo build`, cold for the measured crate(s) and warm for \
         their dependencies (everything is built once first; before each timed command, `cargo clean -p` of \
         the measured crates), `CARGO_INCREMENTAL=0`, the workspace's dev profile, separate target directories \
         (`target/bench-compile`, `target/bench-progenitor/target`). Ours: `generated/` (the `klarna` facade and \
         its API crates `klarna-<api>`, all cleaned) as it is in the work tree. Whole-crate figures are the median of {} run(s), per-feature and progenitor \
         per-crate figures {} run(s).\n",
        reps.compile_whole, reps.compile_feature
    );
    let mut configs = vec![Config {
        label: "`klarna`, all APIs (default features)".into(),
        args: vec!["-p".into(), "klarna".into()],
        clean: generated_crates(&FEATURES),
        reps: reps.compile_whole,
    }];
    for f in FEATURES {
        configs.push(Config {
            label: format!("`klarna`, `--no-default-features --features {f}`"),
            args: vec![
                "-p".into(),
                "klarna".into(),
                "--no-default-features".into(),
                "--features".into(),
                f.into(),
            ],
            clean: generated_crates(&[f]),
            reps: reps.compile_feature,
        });
    }
    // When progenitor generated only some APIs, also build ours with exactly those: like for like.
    let same_apis: Vec<String> = progenitor
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("pg-"))
        .filter(|stem| FEATURES.contains(stem))
        .map(str::to_owned)
        .collect();
    let like_for_like = !same_apis.is_empty() && same_apis.len() < FEATURES.len();
    if like_for_like {
        configs.insert(
            1,
            Config {
                label: format!(
                    "`klarna`, the {} APIs progenitor generated (`--no-default-features --features {}`)",
                    same_apis.len(),
                    same_apis.join(",")
                ),
                args: vec![
                    "-p".into(),
                    "klarna".into(),
                    "--no-default-features".into(),
                    "--features".into(),
                    same_apis.join(","),
                ],
                clean: generated_crates(&same_apis),
                reps: reps.compile_whole,
            },
        );
    }
    eprintln!("bench: compile, ours (warm-up builds the dependencies first)");
    let ours = compile_rows(
        root,
        "target/bench-compile",
        None,
        &[vec!["-p".into(), "klarna".into()]],
        &configs,
    )?;

    let mut theirs = Vec::new();
    if !progenitor.is_empty() {
        let manifest = write_progenitor_workspace(root, progenitor)?;
        let names: Vec<String> = progenitor.iter().map(|(n, _)| n.clone()).collect();
        let mut all_args = Vec::new();
        for n in &names {
            all_args.push("-p".to_owned());
            all_args.push(n.clone());
        }
        let mut pconfigs = vec![Config {
            label: format!(
                "progenitor, all {} crates in one cargo command",
                names.len()
            ),
            args: all_args.clone(),
            clean: names.clone(),
            reps: reps.compile_whole,
        }];
        for n in &names {
            let without = if reduced.iter().any(|(_, name, _)| name == n) {
                " (without what it cannot read)"
            } else {
                ""
            };
            pconfigs.push(Config {
                label: format!("progenitor, `{n}` alone{without}"),
                args: vec!["-p".into(), n.clone()],
                clean: vec![n.clone()],
                reps: reps.compile_feature,
            });
        }
        eprintln!("bench: compile, progenitor (warm-up builds the dependencies first)");
        theirs = compile_rows(
            root,
            "target/bench-progenitor/target",
            Some(&manifest),
            &[vec!["--workspace".into()]],
            &pconfigs,
        )?;
    }

    let _ = writeln!(
        md,
        "| crate | `cargo check` median | min | `cargo build` median | min |\n|---|---|---|---|---|"
    );
    let mut commands = Vec::new();
    for (label, check, build) in ours.iter().chain(theirs.iter()) {
        let cell = |f: &Figure, v: f64| match &f.failure {
            Some(why) => format!("failed: {why}"),
            None => format!("{v:.1} s"),
        };
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} | {} |",
            cell(check, check.median),
            cell(check, check.min),
            cell(build, build.median),
            cell(build, build.min)
        );
        commands.push(check.command.clone());
        commands.push(build.command.clone());
    }
    if theirs.len() > 1 {
        let ok = |f: &Figure| f.failure.is_none();
        let check_sum: f64 = theirs[1..].iter().map(|(_, c, _)| c.median).sum();
        let build_sum: f64 = theirs[1..].iter().map(|(_, _, b)| b.median).sum();
        if theirs[1..].iter().all(|(_, c, b)| ok(c) && ok(b)) {
            let _ = writeln!(
                md,
                "| progenitor, sum of the {} crates alone | {check_sum:.1} s | | {build_sum:.1} s | |",
                theirs.len() - 1
            );
        }
    }
    if let (Some((_, oc, ob)), Some((_, pc, pb))) = (ours.first(), theirs.first()) {
        let all = progenitor.len() == FEATURES.len();
        let verdict = |o: &Figure, p: &Figure| {
            if o.failure.is_some() || p.failure.is_some() {
                "not comparable (a build failed)".to_owned()
            } else {
                format!(
                    "{:.1} s vs {:.1} s: {}",
                    o.median,
                    p.median,
                    if o.median <= p.median { "pass" } else { "FAIL" }
                )
            }
        };
        let _ = writeln!(
            md,
            "\nTarget \"ours no slower than progenitor's for the whole crate\"{}: check {}; build {}.",
            if !all {
                " (progenitor generated only some of the specs, so its side covers fewer APIs)"
                    .to_owned()
            } else if reduced.is_empty() {
                String::new()
            } else {
                let left_out: Vec<String> = reduced
                    .iter()
                    .map(|(spec, name, ops)| format!("`{name}` lacks {} ({spec})", ops.join(", ")))
                    .collect();
                format!(
                    " (every API on both sides; progenitor's side has fewer operations: {})",
                    left_out.join("; ")
                )
            },
            verdict(oc, pc),
            verdict(ob, pb)
        );
        if like_for_like && let Some((_, lc, lb)) = ours.get(1) {
            let _ = writeln!(
                md,
                "Like for like (ours built with only the {} APIs progenitor generated, against progenitor's crates): check {}; build {}.",
                same_apis.len(),
                verdict(lc, pc),
                verdict(lb, pb)
            );
        }
    } else if progenitor.is_empty() {
        let _ = writeln!(
            md,
            "\nprogenitor: no crate to compile (`--quick`, or it generated none of the specs; see section 1)."
        );
    }
    let _ = writeln!(md, "\nCommands (run in the workspace root):\n\n```sh");
    for c in &commands {
        let _ = writeln!(md, "{c}");
    }
    let _ = writeln!(md, "```\n");
    Ok(md)
}

/// Criterion's estimate for one benchmark: (median, lower bound, upper bound) in nanoseconds.
fn estimate(home: &Path, group: &str, bench: &str) -> Result<(f64, f64, f64)> {
    let path = home.join(group).join(bench).join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let m = &json["median"];
    let get = |v: &serde_json::Value| v.as_f64().context("estimates.json without a median");
    Ok((
        get(&m["point_estimate"])?,
        get(&m["confidence_interval"]["lower_bound"])?,
        get(&m["confidence_interval"]["upper_bound"])?,
    ))
}

/// One benchmark's pairs from `pairs.json` (written by `tests/benches/per_call.rs`): the summed
/// nanoseconds of the timed calls and of the other side's calls made right after them.
struct PairSums {
    count: f64,
    timed: f64,
    other: f64,
}

fn pair_sums(pairs: &serde_json::Value, group: &str, bench: &str) -> Result<PairSums> {
    let b = &pairs[format!("{group}/{bench}")];
    let num = |v: &serde_json::Value| {
        v.as_f64()
            .with_context(|| format!("pairs.json: no figures for {group}/{bench}"))
    };
    Ok(PairSums {
        count: num(&b["pairs"])?,
        timed: num(&b["timed_ns"])?,
        other: num(&b["other_ns"])?,
    })
}

/// The overhead figures of one run for one operation, from the paired calls (fractions, +0.05 is 5 %
/// slower than hand-written).
struct Overheads {
    /// SDK (defaults) against the hand-written call that sends the same request, pooled over the
    /// `sdk` benchmark (SDK first in each pair) and the `hand_written` one (hand-written first).
    same_request: f64,
    /// SDK with retries off against the same hand-written call (`sdk_no_retry` benchmark).
    no_retry: f64,
    /// SDK against the hand-written call that sends only the headers the operation needs.
    minimal: f64,
    pairs: f64,
}

fn overheads(pairs: &serde_json::Value, group: &str) -> Result<Overheads> {
    let sdk = pair_sums(pairs, group, "sdk")?;
    let hand = pair_sums(pairs, group, "hand_written")?;
    let no_retry = pair_sums(pairs, group, "sdk_no_retry")?;
    let minimal = pair_sums(pairs, group, "hand_minimal")?;
    Ok(Overheads {
        same_request: (sdk.timed + hand.other) / (sdk.other + hand.timed) - 1.0,
        no_retry: no_retry.timed / no_retry.other - 1.0,
        minimal: minimal.other / minimal.timed - 1.0,
        pairs: sdk.count + hand.count + no_retry.count + minimal.count,
    })
}

fn bench_per_call(root: &Path, reps: &Reps) -> Result<String> {
    const GROUPS: [(&str, &str); 2] = [
        ("get_webhook", "`client.webhooks().get(id).send()` (GET)"),
        (
            "create_webhook",
            "`client.webhooks().create(body).send()` (POST, JSON body)",
        ),
    ];
    const FUNCTIONS: [&str; 4] = ["sdk", "sdk_no_retry", "hand_written", "hand_minimal"];
    let rel_home = "target/bench-percall/criterion";
    // Absolute: cargo runs a bench binary in its package's directory, not in the workspace root.
    let home = root.join(rel_home);
    let mut c = Command::new("cargo");
    c.args(["bench", "-p", "klarna-tests", "--bench", "per_call"])
        .env("CRITERION_HOME", rel_home);
    if reps.quick {
        c.args(["--", "--warm-up-time", "1", "--measurement-time", "2"]);
    }
    let command = show(&c).replace(rel_home, "$PWD/target/bench-percall/criterion");
    c.env("CRITERION_HOME", &home);
    let mut runs: Vec<BTreeMap<(&str, &str), f64>> = Vec::new();
    let mut paired: Vec<BTreeMap<&str, Overheads>> = Vec::new();
    for run in 0..reps.per_call {
        eprintln!("bench: per call, run {} of {}", run + 1, reps.per_call);
        let _ = std::fs::remove_dir_all(&home);
        must(root, &mut c)?;
        let mut medians = BTreeMap::new();
        for (group, _) in GROUPS {
            for f in FUNCTIONS {
                medians.insert((group, f), estimate(&home, group, f)?.0);
            }
        }
        runs.push(medians);
        let path = home.join("pairs.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let pairs: serde_json::Value = serde_json::from_str(&text)?;
        let mut by_group = BTreeMap::new();
        for (group, _) in GROUPS {
            by_group.insert(group, overheads(&pairs, group)?);
        }
        paired.push(by_group);
    }
    let across = |key: (&str, &str)| -> (f64, f64, f64) {
        let values: Vec<f64> = runs.iter().filter_map(|r| r.get(&key).copied()).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (median(&values), lo, hi)
    };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## 3. Per-call overhead\n\n\
         Criterion (`tests/benches/per_call.rs`): one operation through the SDK (build the request, serialize, \
         send over loopback, deserialize) against a hand-written reqwest + serde call of the same operation, \
         both against the same in-process HTTP/1.1 server (tokio `TcpListener`, fixed JSON response, \
         keep-alive). The SDK keeps its defaults (retries on, unused because every call succeeds); \"retries \
         off\" is `RetryPolicy::disabled()`. \"Hand-written\" sends the same request as the SDK, header for \
         header (`Authorization`, `User-Agent`, `Accept`, a fresh `Partner-Correlation-Id`, and for `POST` \
         the JSON body with a fresh `Klarna-Idempotency-Key`); \"hand-written, minimal\" leaves out \
         `User-Agent`, `Accept` and `Partner-Correlation-Id`. The hand-written side reads timestamps as plain \
         strings, the SDK validates them as RFC 3339. The bench ran {} whole time(s).\n",
        runs.len()
    );
    let _ = writeln!(
        md,
        "Criterion's medians (median of the runs, smallest and largest run in brackets). Criterion measures one \
         function after the other, so these absolute figures also carry the machine's drift between them:\n\n\
         | operation | SDK (defaults) | SDK (retries off) | hand-written | hand-written, minimal |\n|---|---|---|---|---|"
    );
    let us = |(m, lo, hi): (f64, f64, f64)| {
        format!("{:.1} µs [{:.1}, {:.1}]", m / 1e3, lo / 1e3, hi / 1e3)
    };
    for (group, label) in GROUPS {
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} | {} |",
            us(across((group, "sdk"))),
            us(across((group, "sdk_no_retry"))),
            us(across((group, "hand_written"))),
            us(across((group, "hand_minimal"))),
        );
    }
    let _ = writeln!(
        md,
        "\nOverhead, from the same calls taken in pairs: every timed call is followed at once by a call of the \
         other side (the `sdk` benchmark times the SDK and calls the hand-written side after it, the \
         `hand_written` benchmark the other way round), and the bench records both durations of every pair. \
         The overhead is the SDK calls' total time over the hand-written calls' total time in those pairs, \
         pooled over both orders, so a slow phase of a shared machine falls on both sides alike. Median of the \
         runs, each run in brackets:\n\n\
         | operation | SDK vs hand-written (same request) | retries off vs hand-written | SDK vs hand-written, minimal | pairs per run | target ≤ 10% (same request) |\n|---|---|---|---|---|---|"
    );
    let pct = |values: Vec<f64>| {
        let each: Vec<String> = values
            .iter()
            .map(|v| format!("{:+.1}%", v * 100.0))
            .collect();
        (
            median(&values),
            format!("{:+.1}% [{}]", median(&values) * 100.0, each.join(", ")),
        )
    };
    for (group, label) in GROUPS {
        let of = |f: fn(&Overheads) -> f64| -> Vec<f64> {
            paired.iter().filter_map(|r| r.get(group).map(f)).collect()
        };
        let (same, same_text) = pct(of(|o| o.same_request));
        let (_, no_retry_text) = pct(of(|o| o.no_retry));
        let (_, minimal_text) = pct(of(|o| o.minimal));
        let pairs = median(&of(|o| o.pairs));
        let _ = writeln!(
            md,
            "| {label} | {same_text} | {no_retry_text} | {minimal_text} | {pairs:.0} | {} |",
            if same <= TARGET_PER_CALL_OVERHEAD {
                "pass"
            } else {
                "FAIL"
            }
        );
    }
    let _ = writeln!(
        md,
        "\nCommand (run in the workspace root, {} time(s); criterion's raw results and `pairs.json` of the last run are in `target/bench-percall/criterion`):\n\n```sh\n{command}\n```",
        runs.len()
    );
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overheads come from `pairs.json` as the per_call bench writes it: the SDK's total over the
    /// hand-written total, pooled over both orders for the same-request figure.
    #[test]
    fn overheads_from_pairs_json() {
        let pairs = serde_json::json!({
            "g/sdk": {"pairs": 10, "timed_ns": 1100, "other_ns": 1000},
            "g/hand_written": {"pairs": 10, "timed_ns": 1000, "other_ns": 1300},
            "g/sdk_no_retry": {"pairs": 5, "timed_ns": 1050, "other_ns": 1000},
            "g/hand_minimal": {"pairs": 5, "timed_ns": 1000, "other_ns": 1200},
        });
        let o = overheads(&pairs, "g").unwrap();
        assert!((o.same_request - (2400.0 / 2000.0 - 1.0)).abs() < 1e-12);
        assert!((o.no_retry - 0.05).abs() < 1e-12);
        assert!((o.minimal - 0.2).abs() < 1e-12);
        assert!((o.pairs - 30.0).abs() < 1e-12);
        assert!(overheads(&pairs, "other").is_err());
    }

    /// Only operations with a multipart request body are left out, named by operationId or by
    /// method and path; a spec without any is not copied.
    #[test]
    fn without_multipart_leaves_out_only_multipart_operations() {
        let dir = tempfile::tempdir().unwrap();
        let spec = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object}
      responses: {'204': {description: ok}}
    get:
      operationId: listFiles
      responses: {'200': {description: ok}}
  /notes:
    put:
      requestBody:
        content:
          multipart/mixed:
            schema: {type: object}
      responses: {'204': {description: ok}}
    post:
      operationId: addNote
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses: {'204': {description: ok}}
";
        std::fs::write(dir.path().join("a.yaml"), spec).unwrap();
        let removed = without_multipart(dir.path(), "a.yaml", "out/a.json").unwrap();
        assert_eq!(removed, ["upload", "PUT /notes"]);
        let copy: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("out/a.json")).unwrap()).unwrap();
        let ops = |path: &str| -> Vec<String> {
            copy["paths"][path]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(ops("/files"), ["get"]);
        assert_eq!(ops("/notes"), ["post"]);
        assert_eq!(copy["info"]["title"], "t");

        std::fs::write(
            dir.path().join("b.yaml"),
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        assert!(
            without_multipart(dir.path(), "b.yaml", "out/b.json")
                .unwrap()
                .is_empty()
        );
        assert!(!dir.path().join("out/b.json").exists());
    }
}
