//! `cargo xtask regen` and `cargo xtask check`: one function builds the generated crate in memory; regen
//! writes it, check compares it with generated/ and names the command to run when they differ.

use std::path::Path;

use anyhow::{Result, bail};
use klarna_codegen::{Generated, RenderOptions, RuntimeDependency, SpecInput};

/// The command that regenerates generated/, named in headers and in check failures.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

/// Generates the `klarna` crate from specs/ in memory.
pub fn generate(root: &Path) -> Result<Generated> {
    let specs = crate::spec_files(root)?;
    let inputs: Vec<SpecInput> = specs
        .iter()
        .map(|p| SpecInput {
            path: p.clone(),
            display: p.strip_prefix(root).unwrap_or(p).display().to_string(),
        })
        .collect();
    let runtime_version = runtime_version(root)?;
    let options = RenderOptions {
        runtime: RuntimeDependency::PathAndVersion { path: "../runtime".into(), version: runtime_version },
        standalone: false,
        regen_command: REGEN_COMMAND.into(),
    };
    let version = generated_version(root);
    match klarna_codegen::generate(&inputs, "klarna", &version, &options) {
        Ok(g) => {
            eprint!("{}", g.warnings);
            Ok(g)
        }
        Err(diags) => bail!("generation failed:\n{diags}"),
    }
}

/// `cargo xtask regen`.
pub fn regen(root: &Path) -> Result<()> {
    let generated = generate(root)?;
    let out = root.join("generated");
    let report = klarna_codegen::write::write_crate(&out, &generated.files)?;
    eprintln!(
        "generated/: {} written, {} unchanged, {} removed",
        report.written.len(),
        report.unchanged.len(),
        report.removed.len()
    );
    Ok(())
}

/// `cargo xtask check`.
pub fn check(root: &Path) -> Result<()> {
    let generated = generate(root)?;
    let report = klarna_codegen::write::check_crate(&root.join("generated"), &generated.files)?;
    if report.is_clean() {
        eprintln!("generated/ is up to date ({} files)", generated.files.len());
        return Ok(());
    }
    let mut msg = String::from("generated/ is out of date with specs/, templates/ or the generator:\n");
    for p in &report.changed {
        msg.push_str(&format!("  changed: generated/{}\n", p.display()));
    }
    for p in &report.missing {
        msg.push_str(&format!("  missing: generated/{}\n", p.display()));
    }
    for p in &report.stale {
        msg.push_str(&format!("  stale:   generated/{}\n", p.display()));
    }
    msg.push_str(&format!("run `{REGEN_COMMAND}` and commit the result"));
    bail!(msg)
}

/// The version of the runtime crate, read from runtime/Cargo.toml.
fn runtime_version(root: &Path) -> Result<String> {
    package_version(&root.join("runtime/Cargo.toml"))
}

/// The generated crate keeps the version it has (bumped by the release process), 0.1.0 when new.
fn generated_version(root: &Path) -> String {
    package_version(&root.join("generated/Cargo.toml")).unwrap_or_else(|_| "0.1.0".into())
}

fn package_version(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)?;
    let mut in_package = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
            continue;
        }
        if in_package {
            if let Some(v) = t.strip_prefix("version") {
                let v = v.trim_start().trim_start_matches('=').trim().trim_matches('"');
                return Ok(v.to_owned());
            }
        }
    }
    bail!("no [package] version in {}", manifest.display())
}
