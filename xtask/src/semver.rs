//! `cargo xtask semver [REV]`: `cargo semver-checks` on the generated crates (the `klarna` facade and its API
//! crates `klarna-<api>`) against their state at git `REV`, compared with the bump the spec diff implies.
//!
//! The baseline is `git archive REV` unpacked into a temporary directory (`--baseline-root`). The spec diff
//! judges the wire contract; cargo-semver-checks judges the Rust API, which also breaks on wire-compatible
//! changes (a new field in a struct users build with a literal). A disagreement is reported, not fatal:
//! the command fails only when cargo-semver-checks itself fails or is missing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use klarna_codegen::diff::Bump;

/// `cargo xtask semver [REV]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    if args.len() > 1 {
        bail!("usage: cargo xtask semver [REV]");
    }
    let installed = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        bail!(
            "cargo-semver-checks is not installed; install it with `cargo install cargo-semver-checks --locked` \
             (CI does) and run `cargo xtask semver` again"
        );
    }
    let Some(rev) = crate::diff::resolve_rev(root, args.first().cloned())? else {
        println!("no previous revision to compare with: nothing to check");
        return Ok(());
    };

    let baseline = tempfile::tempdir().context("creating a temporary directory")?;
    unpack(root, &rev, baseline.path())?;

    // The spec diff of the same two revisions, for comparison (it reads the old specs on its own, so the
    // baseline stays as committed for cargo-semver-checks).
    let comparison = crate::diff::compare_rev(root, &rev)?;
    let report = comparison.report;

    let (packages, new_crates) = generated_packages(root, baseline.path())?;
    for name in &new_crates {
        println!("`{name}` is new since `{rev}`: nothing to compare it with");
    }
    eprintln!(
        "running cargo semver-checks on {} against `{rev}` (builds rustdoc JSON twice each)...",
        packages.join(", ")
    );
    let started = Instant::now();
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .args(["semver-checks", "check-release"]);
    for p in &packages {
        command.args(["--package", p]);
    }
    let out = command
        .arg("--baseline-root")
        .arg(baseline.path())
        .output()
        .context("running cargo semver-checks")?;
    let elapsed = started.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{text}");
    let checked = parse_required_bump(&text);

    println!(
        "\n## Rust API check ({} against `{rev}`)\n",
        packages.join(", ")
    );
    println!(
        "- cargo-semver-checks: {} (took {:.0?})",
        checked.map_or("unknown (see its output)", Bump::label),
        elapsed
    );
    println!("- spec diff, wire contract: {}", report.bump.label());
    println!(
        "- spec diff, predicted Rust API: {}",
        report.rust_bump.label()
    );
    match checked {
        Some(c) if c == report.bump => println!("\nThe Rust API check agrees with the spec diff."),
        Some(c) if c == report.rust_bump => println!(
            "\nThe Rust API needs a **{}** bump while the wire contract implies **{}**: the difference is \
             Rust-only (see the changes marked † in `cargo xtask diff`). Release with the larger bump.",
            c.label(),
            report.bump.label()
        ),
        Some(c) => println!(
            "\nDISAGREEMENT: cargo-semver-checks says **{}**, the spec diff says **{}** (wire) / **{}** (Rust, \
             predicted). Generator or template changes since `{rev}` can explain it; otherwise the diff's \
             rules need a look.",
            c.label(),
            report.bump.label(),
            report.rust_bump.label()
        ),
        None => {}
    }
    if checked.is_none() && !out.status.success() {
        bail!("cargo semver-checks failed");
    }
    Ok(())
}

/// The generated packages to check: the `klarna` facade and each API crate under `generated/apis/` that the
/// baseline has too; and the API crates that are new (cargo-semver-checks needs a baseline for each).
fn generated_packages(root: &Path, baseline: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let mut packages = vec!["klarna".to_owned()];
    let mut new_crates = Vec::new();
    let apis = root.join("generated/apis");
    let mut dirs: Vec<String> = std::fs::read_dir(&apis)
        .with_context(|| format!("reading {}", apis.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = klarna_codegen::lower::api_package("klarna", &dir);
        if baseline
            .join("generated/apis")
            .join(&dir)
            .join("Cargo.toml")
            .is_file()
        {
            packages.push(name);
        } else {
            new_crates.push(name);
        }
    }
    Ok((packages, new_crates))
}

/// `git archive REV | tar -x -C dest`.
fn unpack(root: &Path, rev: &str, dest: &Path) -> Result<()> {
    let mut archive = Command::new("git")
        .current_dir(root)
        .args(["archive", "--format=tar", rev])
        .stdout(Stdio::piped())
        .spawn()
        .context("running git archive")?;
    let stdout = archive.stdout.take().context("git archive has no stdout")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(stdout)
        .status()
        .context("running tar")?;
    let git = archive.wait()?;
    if !git.success() || !tar.success() {
        bail!("could not unpack `{rev}` with git archive | tar");
    }
    Ok(())
}

/// The bump cargo-semver-checks says is required, from its summary line.
fn parse_required_bump(output: &str) -> Option<Bump> {
    let lower = output.to_lowercase();
    if lower.contains("requires new major version") {
        Some(Bump::Major)
    } else if lower.contains("requires new minor version") {
        Some(Bump::Minor)
    } else if lower.contains("no semver update required") {
        Some(Bump::None)
    } else {
        None
    }
}
