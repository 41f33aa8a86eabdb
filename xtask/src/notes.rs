//! `cargo xtask notes`: the example request bodies quoted in Klarna's reference notes (`klarna/FACTS.md`,
//! `klarna/ENDPOINTS.md` of the reference data) against `specs/` and the generated types.
//!
//! The notes have no public origin, so they come only from `cargo xtask reference fetch --from DIR`, or from
//! `../shared`. The check itself is the `notes` binary of the `klarna-tests` crate (it needs the generated
//! `klarna` crate); xtask finds the notes and runs it.

use std::path::Path;

use anyhow::{Context, Result};

/// Finds the notes ([`crate::reference::locate`]), runs `cargo run -p klarna-tests --bin notes -- DIR` and
/// exits with its status.
pub fn run(root: &Path) -> Result<()> {
    let facts = crate::reference::locate(root, "klarna/FACTS.md", "Klarna's reference notes")?;
    let endpoints =
        crate::reference::locate(root, "klarna/ENDPOINTS.md", "Klarna's reference notes")?;
    let dir = facts
        .parent()
        .context("the notes' directory")?
        .to_path_buf();
    if endpoints.parent() != Some(dir.as_path()) {
        anyhow::bail!(
            "{} and {} are in different places; run `cargo xtask reference fetch --from DIR` to put both \
             in reference/",
            facts.display(),
            endpoints.display()
        );
    }
    crate::bruno::run_check_binary(root, "notes", &dir)
}
