//! `cargo xtask bruno [DIR]`: checks Klarna's Bruno request collection against `specs/` and the generated
//! crate.
//!
//! The check itself is the `bruno` binary of the `klarna-tests` crate, which depends on the generated
//! `klarna` crate; xtask only runs it, so that `regen` keeps working when `generated/` does not compile.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

/// Runs `cargo run -p klarna-tests --bin bruno -- DIR` from the workspace root and exits with its status.
/// DIR defaults to the collection among the reference data (`reference/klarna/bruno-v2-r2512`, else
/// `../shared/klarna/bruno-v2-r2512`; [`crate::reference::locate`]); a DIR given on the command line is
/// taken relative to the current directory.
pub fn bruno(root: &Path, dir: Option<&str>) -> Result<()> {
    let dir = match dir {
        Some(d) => std::path::absolute(d).with_context(|| format!("resolving {d}"))?,
        None => crate::reference::locate(
            root,
            "klarna/bruno-v2-r2512",
            "Klarna's Bruno request collection",
        )?,
    };
    run_check_binary(root, "bruno", &dir)
}

/// Runs `cargo run -p klarna-tests --bin BIN -- DIR` from the workspace root and exits with its status:
/// the checks that need the generated `klarna` crate (`bruno`, `notes`) live in `klarna-tests`.
pub fn run_check_binary(root: &Path, bin: &str, dir: &Path) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["run", "--quiet", "-p", "klarna-tests", "--bin", bin, "--"])
        .arg(dir)
        .status()
        .context("running cargo")?;
    if status.success() {
        Ok(())
    } else {
        std::process::exit(status.code().unwrap_or(1))
    }
}
