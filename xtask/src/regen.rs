//! `cargo xtask regen` and `cargo xtask check`: one function builds every generated tree in memory; regen
//! writes them, check compares them with what is on disk and names the command to run when they differ.
//!
//! Generated trees:
//! - `generated/`: the `klarna` crate, from `specs/`;
//! - `cli/src/generated/`: the operation table of the `klarna` command line, from the same IR;
//! - `testing/src/generated/`: the typed stubs of `klarna-testing` and the spec examples its fake answers
//!   with, from the same IR and the documents of specs/;
//! - `generator/tests/golden/`: the `klarna-golden` crate, from the one-feature fixture specs in
//!   `generator/tests/fixtures/` (a workspace member, so `cargo build`, `cargo test` and clippy compile
//!   the expected output);
//! - `generator/tests/golden-notes/` and `generator/tests/golden-vault/`: neutral crates (no Klarna
//!   profile) from the foreign documents in `generator/tests/fixtures/foreign/`, on the `oapi-runtime`
//!   core only; `tests/tests/foreign_auth.rs` drives them against a recording server;
//! - `generator/tests/snapshots/`: the IR of each fixture as JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use klarna_codegen::{Profile, RenderOptions, RuntimeDependency, SpecInput};

/// The command that regenerates every tree, named in headers and in check failures.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

/// One generated directory and its files.
pub struct Tree {
    /// Directory relative to the workspace root.
    pub dir: PathBuf,
    /// File contents by path relative to `dir`.
    pub files: BTreeMap<PathBuf, String>,
}

fn inputs(root: &Path, specs: &[PathBuf]) -> Vec<SpecInput> {
    specs
        .iter()
        .map(|p| SpecInput {
            path: p.clone(),
            display: p.strip_prefix(root).unwrap_or(p).display().to_string(),
        })
        .collect()
}

fn options(runtime_path: &str, runtime_version: String, models_per_file: usize) -> RenderOptions {
    RenderOptions {
        models_per_file,
        runtime: RuntimeDependency::PathAndVersion {
            path: runtime_path.into(),
            version: runtime_version,
        },
        standalone: false,
        regen_command: REGEN_COMMAND.into(),
    }
}

/// Generates the `klarna` crate from specs/ in memory (used by regen, check and diff).
pub fn generate_sdk(root: &Path) -> Result<klarna_codegen::Generated> {
    let specs = crate::spec_files(root)?;
    let version = generated_version(root);
    let runtime_version = package_version(&root.join("runtime/Cargo.toml"))?;
    match klarna_codegen::generate(
        &inputs(root, &specs),
        "klarna",
        &version,
        &Profile::klarna(),
        &options(
            "../runtime",
            runtime_version,
            klarna_codegen::render::MODELS_PER_FILE,
        ),
    ) {
        Ok(g) => {
            eprint!("{}", g.warnings);
            Ok(g)
        }
        Err(diags) => bail!("generation from specs/ failed:\n{diags}"),
    }
}

/// Every generated tree, in memory.
pub fn generate_all(root: &Path) -> Result<Vec<Tree>> {
    let sdk = generate_sdk(root)?;
    // The `klarna` command line's operation table, from the same IR (its own directory: a tree's
    // directory holds only generated files).
    let cli_table = klarna_codegen::cli_table::render_table(&sdk.ir, REGEN_COMMAND)
        .map_err(|d| anyhow::anyhow!("the CLI table failed: {d}"))?;
    // klarna-testing's stubs and spec examples, from the same IR (the examples from the documents the IR
    // names, read relative to the workspace root).
    let read = |file: &str| std::fs::read_to_string(root.join(file));
    let testing = klarna_codegen::stubs::render(&sdk.ir, &read, REGEN_COMMAND)
        .map_err(|d| anyhow::anyhow!("the klarna-testing stubs failed: {d}"))?;
    let mut trees = vec![
        Tree {
            dir: PathBuf::from("generated"),
            files: sdk.files,
        },
        Tree {
            dir: PathBuf::from("cli/src/generated"),
            files: BTreeMap::from([(PathBuf::from("mod.rs"), cli_table)]),
        },
        Tree {
            dir: PathBuf::from("testing/src/generated"),
            files: testing,
        },
    ];

    let fixture_dir = root.join("generator/tests/fixtures");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&fixture_dir)
        .with_context(|| format!("reading {}", fixture_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    fixtures.sort();
    let runtime_version = package_version(&root.join("runtime/Cargo.toml"))?;
    let golden = klarna_codegen::generate(
        &inputs(root, &fixtures),
        "klarna-golden",
        "0.0.0",
        // Klarna's conventions, which the fixtures exercise, with the neutral front page (the guide's
        // doc tests call the specs' operations, which the fixtures do not have).
        &Profile {
            guide: false,
            ..Profile::klarna()
        },
        // Small parts, so the golden crate also compiles the split-models layout large APIs get.
        &options("../../../runtime", runtime_version, 8),
    )
    .map_err(|d| anyhow::anyhow!("generation from the fixtures failed:\n{d}"))?;
    let mut golden_files = golden.files;
    for (path, manifest) in golden_files.iter_mut() {
        // The golden crates (facade and one per fixture API) are test output, never published.
        if path.ends_with("Cargo.toml") {
            *manifest = manifest.replacen("[package]\n", "[package]\npublish = false\n", 1);
        }
    }
    trees.push(Tree {
        dir: PathBuf::from("generator/tests/golden"),
        files: golden_files,
    });

    // Crates from documents that are not Klarna's, with the neutral profile: what `klarna-codegen
    // generate` writes for any other API (named from `info.title`, on the neutral core).
    let core_version = package_version(&root.join("runtime-core/Cargo.toml"))?;
    for (stem, name) in [("notes", "tiny-notes-api"), ("vault", "key-vault-api")] {
        let doc = root.join(format!("generator/tests/fixtures/foreign/{stem}.yaml"));
        let foreign = klarna_codegen::generate(
            &inputs(root, &[doc]),
            name,
            "0.0.0",
            &Profile::neutral(),
            &options("../../../runtime-core", core_version.clone(), 8),
        )
        .map_err(|d| anyhow::anyhow!("generation from the foreign fixture {stem} failed:\n{d}"))?;
        let mut files = foreign.files;
        for (path, manifest) in files.iter_mut() {
            if path.ends_with("Cargo.toml") {
                *manifest = manifest.replacen("[package]\n", "[package]\npublish = false\n", 1);
            }
        }
        trees.push(Tree {
            dir: PathBuf::from(format!("generator/tests/golden-{stem}")),
            files,
        });
    }

    let mut snapshots = BTreeMap::new();
    for fixture in &fixtures {
        let one = inputs(root, std::slice::from_ref(fixture));
        let (ir, warnings) = klarna_codegen::build_ir(&one, "klarna-golden", "0.0.0")
            .map_err(|d| anyhow::anyhow!("IR of {} failed:\n{d}", fixture.display()))?;
        let stem = fixture
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        let snapshot = serde_json::json!({ "warnings": warnings, "ir": ir.to_json()? });
        snapshots.insert(
            PathBuf::from(format!("{stem}.json")),
            format!("{}\n", serde_json::to_string_pretty(&snapshot)?),
        );
    }
    trees.push(Tree {
        dir: PathBuf::from("generator/tests/snapshots"),
        files: snapshots,
    });
    Ok(trees)
}

/// `cargo xtask regen`: writes every tree and says what changed, tree by tree, then in one line.
pub fn regen(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    eprintln!("regen: generating from specs/ and generator/tests/fixtures/ ...");
    let trees = generate_all(root)?;
    let (mut written, mut removed, mut total) = (0, 0, 0);
    for tree in trees {
        let report = klarna_codegen::write::write_crate(&root.join(&tree.dir), &tree.files)?;
        let dir = tree.dir.display();
        total += tree.files.len();
        written += report.written.len();
        removed += report.removed.len();
        if report.written.is_empty() && report.removed.is_empty() {
            let n = tree.files.len();
            eprintln!(
                "  {dir}/: up to date ({n} file{})",
                if n == 1 { "" } else { "s" }
            );
            continue;
        }
        eprintln!(
            "  {dir}/: {} rewritten, {} removed, {} unchanged",
            report.written.len(),
            report.removed.len(),
            report.unchanged.len()
        );
        for p in &report.written {
            eprintln!("    rewritten {dir}/{}", p.display());
        }
        for p in &report.removed {
            eprintln!("    removed   {dir}/{}", p.display());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    if written == 0 && removed == 0 {
        eprintln!(
            "regen: nothing changed; all {total} generated files were already current ({secs:.1} s)"
        );
    } else {
        eprintln!(
            "regen: {written} files rewritten and {removed} removed of {total} ({secs:.1} s); review them with \
             `git diff`, then commit them with the change that caused them"
        );
    }
    Ok(())
}

/// `cargo xtask check`.
pub fn check(root: &Path) -> Result<()> {
    let mut msg = String::new();
    for tree in generate_all(root)? {
        let report = klarna_codegen::write::check_crate(&root.join(&tree.dir), &tree.files)?;
        let dir = tree.dir.display();
        for p in &report.changed {
            msg.push_str(&format!("  changed: {dir}/{}\n", p.display()));
        }
        for p in &report.missing {
            msg.push_str(&format!("  missing: {dir}/{}\n", p.display()));
        }
        for p in &report.stale {
            msg.push_str(&format!("  stale:   {dir}/{}\n", p.display()));
        }
        if report.is_clean() {
            eprintln!("{dir}/ is up to date ({} files)", tree.files.len());
        }
    }
    if msg.is_empty() {
        return Ok(());
    }
    bail!(
        "generated files are out of date with specs/, templates/ or the generator:\n{msg}run `{REGEN_COMMAND}` and commit the result"
    )
}

/// The generated crate keeps the version it has (bumped by the release process), 0.1.0 when new.
fn generated_version(root: &Path) -> String {
    package_version(&root.join("generated/Cargo.toml")).unwrap_or_else(|_| "0.1.0".into())
}

/// The `[package] version` of a manifest.
pub fn package_version(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let mut in_package = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
            continue;
        }
        if in_package && let Some(v) = t.strip_prefix("version") {
            let v = v
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            return Ok(v.to_owned());
        }
    }
    bail!("no [package] version in {}", manifest.display())
}

#[cfg(test)]
mod tests {
    /// The checked-in generated trees are exactly what `cargo xtask regen` writes (so plain `cargo test`
    /// catches a forgotten regen, not only CI's `cargo xtask check`).
    #[test]
    fn generated_trees_are_current() {
        let root = crate::workspace_root();
        if let Err(e) = super::check(&root) {
            panic!("{e:#}");
        }
    }

    /// Two generations give byte-identical trees.
    #[test]
    fn generation_is_deterministic() -> anyhow::Result<()> {
        let root = crate::workspace_root();
        let a = super::generate_all(&root)?;
        let b = super::generate_all(&root)?;
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.dir, y.dir);
            assert_eq!(
                x.files,
                y.files,
                "{} differs between two runs",
                x.dir.display()
            );
        }
        Ok(())
    }
}
