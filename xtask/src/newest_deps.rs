//! `cargo xtask newest-deps`: checks the published crates against the newest dependency versions their
//! `Cargo.toml` allows, as a user's project resolves them (it does not read this workspace's
//! `Cargo.lock`).
//!
//! The workspace is copied to a scratch directory (without `target/`, `.git/` and the reference data),
//! `cargo update` resolves the newest compatible versions there, and `cargo check` of every published
//! crate, all features, runs with warnings as errors (cargo caps lints of registry crates, so only this
//! project's code is held to it): a deprecation in a new minor release of a dependency (such as rustls'
//! `crypto::ring::default_provider`) fails here before users see it. The workspace's own lock file is
//! not touched; the scratch build keeps its artifacts in `<target>/newest-deps` for the next run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Directories not copied into the scratch workspace.
const SKIP: &[&str] = &[
    "target",
    ".git",
    "reference",
    ".tools",
    "node_modules",
    "fuzz",
];

/// Runs the command.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    if let Some(other) = args.first() {
        bail!("newest-deps: unknown argument `{other}` (usage: cargo xtask newest-deps)");
    }
    let started = Instant::now();
    let scratch = tempfile::tempdir().context("creating a scratch directory")?;
    let copy = scratch.path().join("workspace");
    copy_tree(root, &copy)?;
    let target = target_dir(root).join("newest-deps");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    eprintln!("newest-deps: cargo update in a scratch copy of the workspace");
    let update = Command::new(&cargo)
        .current_dir(&copy)
        .arg("update")
        .output()
        .context("running cargo update")?;
    let log = String::from_utf8_lossy(&update.stderr);
    if !update.status.success() {
        bail!("cargo update failed:\n{log}");
    }
    let changes: Vec<&str> = log
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Updating ") && l.contains(" -> "))
        .collect();
    if changes.is_empty() {
        eprintln!("newest-deps: Cargo.lock already has the newest compatible versions");
    } else {
        eprintln!(
            "newest-deps: {} dependencies newer than in Cargo.lock:",
            changes.len()
        );
        for line in &changes {
            eprintln!("  {}", line.trim_start_matches("Updating "));
        }
    }

    let packages = published_packages(root)?;
    let mut command = Command::new(&cargo);
    command
        .current_dir(&copy)
        .args(["check", "--all-features"])
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings");
    for p in &packages {
        command.args(["-p", p]);
    }
    eprintln!(
        "newest-deps: cargo check --all-features of {} (warnings are errors)",
        packages.join(", ")
    );
    let status = command.status().context("running cargo check")?;
    if !status.success() {
        bail!(
            "the published crates do not build cleanly against the newest compatible dependencies (above); \
             users resolving today's versions see the same"
        );
    }
    eprintln!(
        "newest-deps: the published crates build without warnings against the newest compatible \
         dependencies ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `CARGO_TARGET_DIR`, else `target/` of the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The packages this workspace publishes: every member without `publish = false`, as `cargo metadata`
/// reports them.
fn published_packages(root: &Path) -> Result<Vec<String>> {
    let meta = crate::doc_links::workspace_metadata(root)?;
    let mut names: Vec<String> = meta["packages"]
        .as_array()
        .map(|packages| {
            packages
                .iter()
                .filter(|p| {
                    // `publish = false` is reported as an empty list of registries.
                    !p["publish"].as_array().is_some_and(Vec::is_empty)
                })
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    if names.is_empty() {
        bail!("cargo metadata lists no published package");
    }
    Ok(names)
}

/// Copies `from` into `to`, without the directories of [`SKIP`] and symbolic links.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let dest = to.join(&name);
        if kind.is_dir() {
            if !SKIP.iter().any(|s| name == *s) {
                copy_tree(&entry.path(), &dest)?;
            }
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &dest)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
