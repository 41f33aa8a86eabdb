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

//!
//! The module is split by concern: [`measure`] times child processes and summarizes runs, [`generation`]
//! and [`compile`] measure sections 1 and 2 (ours and progenitor's), [`per_call`] reads criterion for
//! section 3; this file runs them in order and writes the report's header.

mod compile;
mod generation;
mod measure;
mod per_call;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use self::compile::*;
use self::generation::*;
use self::measure::*;
use self::per_call::*;

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
            // Five pairs, not three: cargo starts crates of equal standing (the facade's six API crates)
            // in an order that changes from run to run, and on two cores that order alone moves the
            // whole-facade check by up to about 15 %, on both sides; the median of five is steadier.
            compile_whole: 5,
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
         Generated by `cargo xtask bench{}` (xtask/src/bench/); do not edit by hand, rerun the command.\n",
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
