//! `cargo xtask regen` and `cargo xtask check`: one function builds every generated tree in memory; regen
//! writes them, check compares them with what is on disk and names the command to run when they differ.
//! In the trees from the test fixtures both name the fixture each file is the expected output of.
//!
//! Generated trees:
//! - `generated/`: the `klarna` crate, from `specs/`;
//! - `cli/src/generated/`: the operation table of the `klarna` command line, from the same IR;
//! - `testing/src/generated/`: the typed stubs of `klarna-testing` and the spec examples its fake answers
//!   with, from the same IR and the documents of specs/;
//! - `generator/tests/golden/`: the `klarna-golden` crate, from the one-feature fixture specs in
//!   `generator/tests/fixtures/` (a workspace member, so `cargo build`, `cargo test` and clippy compile
//!   the expected output): one API crate per fixture under `apis/`, the facade shared by all; its
//!   README (from `golden_readme.md` here) documents the layout;
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

/// The layout of `generator/tests/golden/`, written above the README the generator writes for it.
const GOLDEN_README: &str = include_str!("golden_readme.md");

/// One generated directory and its files.
pub struct Tree {
    /// Directory relative to the workspace root.
    pub dir: PathBuf,
    /// File contents by path relative to `dir`.
    pub files: BTreeMap<PathBuf, String>,
    /// For a tree generated from test fixtures: the part of it each fixture owns (a path relative to
    /// `dir`, a file or a directory; empty for the whole tree) and the fixture's path relative to
    /// `generator/tests/fixtures/`, so regen and check name the fixture a difference belongs to. A file
    /// no fixture owns is shared by all of them (the golden facade). Empty for trees from specs/.
    pub owners: Vec<(PathBuf, String)>,
}

impl Tree {
    /// Which fixture `rel` (a path relative to [`Tree::dir`]) is the expected output of: `fixture
    /// enums.yaml`, or `every fixture` for a file the fixtures share; `None` for a tree from specs/.
    pub fn owner(&self, rel: &Path) -> Option<String> {
        if self.owners.is_empty() {
            return None;
        }
        Some(
            self.owners
                .iter()
                .find(|(part, _)| rel.starts_with(part))
                .map_or_else(
                    || "every fixture".to_owned(),
                    |(_, fixture)| format!("fixture {fixture}"),
                ),
        )
    }
}

/// A fixture's path relative to `generator/tests/fixtures/`, as reports name it.
fn fixture_name(root: &Path, fixture: &Path) -> String {
    fixture
        .strip_prefix(root.join("generator/tests/fixtures"))
        .unwrap_or(fixture)
        .display()
        .to_string()
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
            owners: Vec::new(),
        },
        Tree {
            dir: PathBuf::from("cli/src/generated"),
            files: BTreeMap::from([(PathBuf::from("mod.rs"), cli_table)]),
            owners: Vec::new(),
        },
        Tree {
            dir: PathBuf::from("testing/src/generated"),
            files: testing,
            owners: Vec::new(),
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
    // Its README says first what the crate is the expected output of, fixture by fixture.
    if let Some(readme) = golden_files.get_mut(Path::new("README.md")) {
        readme.insert_str(0, GOLDEN_README);
    }
    // Each fixture is one API crate of the facade, `apis/<module>/`; the facade's own files (src/lib.rs,
    // src/registry.rs, Cargo.toml, README.md) name every fixture, one line or entry each.
    let owners = golden
        .ir
        .apis
        .iter()
        .map(|api| {
            let module = api.module.rust.trim_start_matches("r#");
            let fixture = fixture_name(root, &root.join(&api.source.file));
            (PathBuf::from(format!("apis/{module}")), fixture)
        })
        .collect();
    trees.push(Tree {
        dir: PathBuf::from("generator/tests/golden"),
        files: golden_files,
        owners,
    });

    // Crates from documents that are not Klarna's, with the neutral profile: what `klarna-codegen
    // generate` writes for any other API (named from `info.title`, on the neutral core).
    let core_version = package_version(&root.join("runtime-core/Cargo.toml"))?;
    for (stem, name) in [("notes", "tiny-notes-api"), ("vault", "key-vault-api")] {
        let doc = root.join(format!("generator/tests/fixtures/foreign/{stem}.yaml"));
        let foreign = klarna_codegen::generate(
            &inputs(root, std::slice::from_ref(&doc)),
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
            owners: vec![(PathBuf::new(), fixture_name(root, &doc))],
        });
    }

    let mut snapshots = BTreeMap::new();
    let mut snapshot_owners = Vec::new();
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
        snapshot_owners.push((
            PathBuf::from(format!("{stem}.json")),
            fixture_name(root, fixture),
        ));
    }
    trees.push(Tree {
        dir: PathBuf::from("generator/tests/snapshots"),
        files: snapshots,
        owners: snapshot_owners,
    });
    Ok(trees)
}

/// `cargo xtask regen`: writes every tree and says what changed, tree by tree, then in one line.
pub fn regen(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    eprintln!("regen: generating from specs/ and generator/tests/fixtures/ ...");
    let trees = generate_all(root)?;
    let (mut written, mut removed, mut total) = (0, 0, 0);
    for tree in &trees {
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
        let of = |p: &Path| tree.owner(p).map(|o| format!(" ({o})")).unwrap_or_default();
        for p in &report.written {
            eprintln!("    rewritten {dir}/{}{}", p.display(), of(p));
        }
        for p in &report.removed {
            eprintln!("    removed   {dir}/{}{}", p.display(), of(p));
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

/// `cargo xtask check`: every file that differs, one line each; in a tree from the test fixtures, grouped
/// by the fixture whose expected output it is (`fixture enums.yaml: generator/tests/golden/apis/enums/src/
/// models.rs differs`), so a reviewer sees which case changed.
pub fn check(root: &Path) -> Result<()> {
    let mut msg = String::new();
    for tree in generate_all(root)? {
        let report = klarna_codegen::write::check_crate(&root.join(&tree.dir), &tree.files)?;
        msg.push_str(&differences(&tree, &report));
        if report.is_clean() {
            eprintln!(
                "{}/ is up to date ({} files)",
                tree.dir.display(),
                tree.files.len()
            );
        }
    }
    if msg.is_empty() {
        return Ok(());
    }
    bail!(
        "generated files are out of date with specs/, templates/ or the generator:\n{msg}run `{REGEN_COMMAND}` and commit the result"
    )
}

/// The lines of `check`'s report for one tree: `  changed: <path>` for a tree from specs/; `  fixture
/// <name>: <path> differs` (or `is missing`, `is stale`) for a tree from the fixtures, ordered by fixture,
/// the files every fixture shares last.
fn differences(tree: &Tree, report: &klarna_codegen::write::CheckReport) -> String {
    let dir = tree.dir.display();
    let kinds = [
        ("changed", "differs", &report.changed),
        ("missing", "is missing", &report.missing),
        ("stale", "is stale (not generated)", &report.stale),
    ];
    let mut lines: Vec<(String, String)> = Vec::new();
    for (kind, says, paths) in kinds {
        for p in paths {
            let path = format!("{dir}/{}", p.display());
            lines.push(match tree.owner(p) {
                Some(owner) => (owner.clone(), format!("  {owner}: {path} {says}\n")),
                None => (
                    String::new(),
                    format!("  {kind}: {}{path}\n", " ".repeat(7 - kind.len())),
                ),
            });
        }
    }
    // Stable: a fixture's lines keep their order; the shared files (`every fixture`) come last.
    lines.sort_by_key(|(owner, _)| (owner.starts_with("every"), owner.clone()));
    lines.into_iter().map(|(_, line)| line).collect()
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
