//! `cargo xtask`: the project's own commands. Run `cargo xtask help` for the list.
//!
//! Every check CI runs is a command here, so a developer runs exactly what CI runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

mod bench;
mod bruno;
mod consistency;
mod contract;
mod corpus;
mod diff;
mod doc_links;
mod fidelity;
mod live_check;
#[cfg(test)]
mod loopback;
mod newest_deps;
mod notes;
mod reference;
mod regen;
mod semver;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  regen            regenerate generated/ from specs/ and templates/
  check            fail if generated/ differs from what `regen` would write
  bruno [DIR]      check Klarna's Bruno collection (default: klarna/bruno-v2-r2512 of the reference data)
                   against specs/
  notes            check the example bodies quoted in Klarna's reference notes (klarna/FACTS.md,
                   ENDPOINTS.md of the reference data) against specs/ and the generated types
  diff [REV]       spec diff (breaking or not) and generated/ diffstat, REV (default: merge-base with
                   origin/main unless that is HEAD, else HEAD~1) against the working tree; --fail-on-breaking for CI
  corpus [PATH...] generate a crate from every document PATH names (a document, or a directory: its
                   .yaml/.yml/.json files; default: corpus/ of the reference data) and lint them all with
                   `cargo clippy -- -D warnings` (no error, warning or finding); run it on your own documents
  contract [--dynamic] [API...]
                   call every operation through the SDK against a Prism mock of its spec
  fidelity         how much of specs/ a source confirms (confirmed / partly / inferred fields per API);
                   checks that every evidence entry names a source and a locator, that every response
                   field is in one bucket and that the documents agree with each other, and writes
                   specs/FIDELITY.md (`check` fails when it is not current)
  live-check [--base-url URL] [--api-key-env VAR] [--partner-account-id KRN] [--out DIR]
             [--operations id,id] [--allow-writes] [--allow-live]
                   call Klarna's test environment with KLARNA_API_KEY (read operations only), record each
                   exchange in DIR (default target/live-check) and check every body against specs/
  doc-links [--no-build]
                   build the documentation as CI does (cargo doc, warnings and broken intra-doc links
                   are errors), then check that every link of the rendered pages resolves
  newest-deps      check the published crates, warnings as errors, against the newest dependency
                   versions their Cargo.toml allows (cargo update in a scratch copy; Cargo.lock untouched)
  semver [REV]     cargo semver-checks on `klarna` against REV, compared with the spec diff's bump
  bench [--quick]  generation time/memory, compile time and per-call overhead, each against progenitor
                   or hand-written reqwest; rewrites BENCHMARKS.md (--quick: no progenitor, fewer runs)
  reference fetch [--from DIR] [--base URL]
                   put the reference data pinned in reference.tsv into reference/, every hash checked:
                   download the files with a public origin, or copy every file from DIR (CI: ../shared)
  reference manifest [DIR]
                   rewrite reference.tsv from the reference files in DIR (default ../shared)
  help             print this text

The reference data (Klarna's request collection and notes, the OpenAPI corpus) is not in the repository:
bruno, notes, corpus and bench look in reference/, then ../shared, and name the command to run if it is
in neither.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen::regen(&workspace_root()),
        Some("check") => {
            regen::check(&workspace_root()).and_then(|()| fidelity::check(&workspace_root()))
        }
        Some("fidelity") => fidelity::run(&workspace_root()),
        Some("bruno") => bruno::bruno(&workspace_root(), args.get(1).map(String::as_str)),
        Some("notes") => notes::run(&workspace_root()),
        Some("reference") => reference::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("diff") => diff::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("corpus") => corpus::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("contract") => contract::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("live-check") => live_check::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("doc-links") => doc_links::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("newest-deps") => {
            newest_deps::run(&workspace_root(), args.get(1..).unwrap_or_default())
        }
        Some("semver") => semver::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("bench") => bench::run(&workspace_root(), args.get(1..).unwrap_or_default()),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `specs/*.yaml` (and `.json`), sorted.
pub fn spec_files(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join("specs");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
    out.sort();
    if out.is_empty() {
        bail!("no OpenAPI documents in {}", dir.display());
    }
    Ok(out)
}
