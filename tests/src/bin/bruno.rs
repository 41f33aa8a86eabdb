//! `bruno [DIR]`: checks Klarna's Bruno request collection against `specs/` and the generated crate.
//!
//! Run through `cargo xtask bruno [DIR]`. DIR defaults to `../shared/klarna/bruno-v2-r2512` relative to the
//! workspace root. Prints a table and a summary line; exits 1 on any unmatched request, invalid or lossy
//! example or missing response field, 2 if the check could not run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use klarna_tests::collection::{self, Specs};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let dir = match std::env::args_os().nth(1) {
        Some(d) => PathBuf::from(d),
        None => root.join("../shared/klarna/bruno-v2-r2512"),
    };
    let run = || -> anyhow::Result<collection::Report> {
        if !dir.is_dir() {
            anyhow::bail!("{} is not a directory", dir.display());
        }
        let specs = Specs::load(&root)?;
        collection::check(&dir, &specs)
    };
    match run() {
        Ok(report) => {
            print!("{}", report.render());
            if report.failed() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("bruno: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
