//! `bruno DIR`: checks Klarna's Bruno request collection in DIR against `specs/` and the generated crate.
//!
//! Run through `cargo xtask bruno [DIR]`, which finds the collection when DIR is not given
//! (`reference/klarna/bruno-v2-r2512`, else `../shared/klarna/bruno-v2-r2512`). Prints a table and a summary line; exits 1 on any unmatched request, invalid or lossy
//! example or missing response field, 2 if the check could not run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use klarna_tests::collection::{self, Specs};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!(
            "usage: bruno DIR (DIR holds Klarna's Bruno collection; run `cargo xtask bruno`)"
        );
        return ExitCode::from(2);
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
