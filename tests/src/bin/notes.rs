//! `notes DIR`: the example request bodies quoted in Klarna's reference notes (`DIR/FACTS.md`,
//! `DIR/ENDPOINTS.md`) against `specs/` and the generated types ([`klarna_tests::examples::check_notes`]).
//!
//! Run through `cargo xtask notes`, which finds DIR (`reference/klarna`, else `../shared/klarna`). Exits 1 on
//! any problem or when fewer bodies than expected are found, 2 if the check could not run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use klarna_tests::collection::Specs;
use klarna_tests::examples;

/// How many whole JSON example bodies the reference notes quote today: fewer means a body is no longer seen.
const MIN_NOTE_EXAMPLES: usize = 1;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!(
            "usage: notes DIR (DIR holds FACTS.md and ENDPOINTS.md; run `cargo xtask notes`)"
        );
        return ExitCode::from(2);
    };
    let report = match Specs::load(&root).and_then(|specs| examples::check_notes(&dir, &specs)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("notes: error: {e:#}");
            return ExitCode::from(2);
        }
    };
    for f in &report.failures {
        println!("  FAIL {f}");
    }
    println!(
        "note examples: {} JSON bodies checked, {} problems",
        report.checked,
        report.failures.len()
    );
    if report.checked < MIN_NOTE_EXAMPLES {
        println!(
            "only {} JSON bodies found in Klarna's notes, expected at least {MIN_NOTE_EXAMPLES}",
            report.checked
        );
        return ExitCode::FAILURE;
    }
    if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
