//! `cargo xtask corpus [PATH...]`: the generator against real OpenAPI documents nobody here wrote.
//!
//! Every document the PATHs name (a document, or a directory and the `.yaml`/`.yml`/`.json` files directly
//! in it; default: `corpus/` of the reference data, `reference/corpus` else `../shared/corpus`, see
//! `cargo xtask reference`) is generated in-process (a panic is caught and
//! counted as a failure); every generated crate is written into one scratch workspace under
//! `target/corpus/` and linted with a single `cargo clippy --workspace --keep-going -- -D warnings`, so
//! the dependencies compile once and a generated crate is held to the bar its users hold their own code
//! to: no compile error, no rustc warning, no clippy finding; a generated crate whose manifest cargo
//! refuses (which stops cargo loading the whole workspace) fails by name, and the others are linted
//! without it. A document refused at load time
//! (unsupported version, bytes that are not UTF-8 or not YAML/JSON, missing structure) must come with a
//! located diagnostic. The table lists document, version, operations, types, generation time, warnings,
//! the untyped fallbacks, dropped parts and renames the generator reported (its tagged warnings), result and
//! first diagnostic (for a crate with findings: their count and the first, located), then every finding
//! class with the crates it is in; the command fails if any document fails to generate, compile or lint
//! clean, anything panics, or a document has more untyped or dropped than its line of
//! `xtask/corpus-baseline.tsv`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use klarna_codegen::diag::{Degradation, Location, Severity};
use klarna_codegen::{Profile, RenderOptions, RuntimeDependency, SpecInput};

struct Row {
    document: String,
    version: String,
    operations: usize,
    types: usize,
    millis: u128,
    warnings: usize,
    /// Schemas generated as `serde_json::Value` for want of a better type.
    untyped: usize,
    /// Keywords or parts of schemas (fields, variants, parameters, operations) not generated.
    dropped: usize,
    /// Names changed from the document's.
    renamed: usize,
    result: Outcome,
    first: String,
    krate: Option<String>,
}

#[derive(PartialEq)]
enum Outcome {
    Generated,
    Refused,
    Failed,
    Panicked,
}

/// Runs the corpus check on `paths` (documents, and directories whose `.yaml`/`.yml`/`.json` files are
/// documents), or on the reference data's corpus when there are none.
pub fn run(root: &Path, paths: &[String]) -> Result<()> {
    let dirs_or_docs = if paths.is_empty() {
        vec![crate::reference::locate(
            root,
            "corpus",
            "The real-world OpenAPI corpus",
        )?]
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    let mut docs = Vec::new();
    for path in &dirs_or_docs {
        docs.extend(documents(path)?);
    }
    docs.sort();
    docs.dedup();
    let names: BTreeSet<String> = docs.iter().map(|d| crate_name(d)).collect();
    if names.len() < docs.len() {
        bail!("two documents have the same file name; give documents with distinct names");
    }
    let scratch = root.join("target/corpus");
    let crates_dir = scratch.join("crates");
    // Neutral crates depend on the core runtime only (oapi-runtime, runtime-core/).
    let runtime = std::path::absolute(root.join("runtime-core"))?;
    let mut rows = Vec::new();
    for doc in &docs {
        rows.push(generate_one(doc, &crates_dir, &runtime));
    }
    let mut members: Vec<String> = rows.iter().filter_map(|r| r.krate.clone()).collect();
    write_workspace(&scratch, &crates_dir, &rows)?;
    // A manifest cargo refuses stops the whole workspace: that crate is failed by name and the others
    // are linted without it.
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    let lints = loop {
        if members.is_empty() {
            break Lints::default();
        }
        write_manifest(&scratch, &members)?;
        match lint_workspace(&scratch, root, &members)? {
            Linted::Lints(lints) => break lints,
            Linted::Refused { member, error } => {
                members.retain(|m| *m != member);
                refused.insert(member, error);
            }
        }
    };
    for row in &mut rows {
        if let Some(krate) = &row.krate
            && let Some(error) = refused.get(krate)
        {
            row.result = Outcome::Failed;
            row.first = format!("cargo refused the generated crate {krate}: {error}");
        }
        if let Some(krate) = &row.krate
            && let Some(findings) = lints.by_crate.get(krate)
        {
            row.result = Outcome::Failed;
            row.first = format!(
                "{} findings under clippy -D warnings, first: {}",
                findings.count, findings.first
            );
        }
    }
    print_table(&rows);
    print_classes(&lints);
    let baseline_path = root.join(BASELINE);
    let baseline = match std::fs::read_to_string(&baseline_path) {
        Ok(text) => {
            parse_baseline(&text).with_context(|| format!("reading {}", baseline_path.display()))?
        }
        Err(_) => BTreeMap::new(),
    };
    let regressions = compare_baseline(&rows, &baseline);
    let generated = rows
        .iter()
        .filter(|r| r.result == Outcome::Generated)
        .count();
    let refused = rows.iter().filter(|r| r.result == Outcome::Refused).count();
    let failed = rows.iter().filter(|r| r.result == Outcome::Failed).count();
    let panicked = rows
        .iter()
        .filter(|r| r.result == Outcome::Panicked)
        .count();
    println!(
        "corpus: {generated} of {} documents generated a crate that compiles without warnings or clippy findings ({} crates linted), {refused} refused with a located diagnostic, {failed} failed, {panicked} panicked",
        rows.len(),
        members.len()
    );
    if failed + panicked > 0 {
        bail!("{failed} documents failed and {panicked} panicked");
    }
    if !regressions.is_empty() {
        bail!(
            "documents lost types against {BASELINE}:\n{}",
            regressions.join("\n")
        );
    }
    Ok(())
}

/// The untyped and dropped counts each corpus document had when last reviewed (`document<TAB>untyped<TAB>
/// dropped`, `#` comments): a document that generates with more fails the command, so a generator change
/// that loses types shows as a number. Fewer is printed, to lower the file; a document not listed is only
/// reported.
const BASELINE: &str = "xtask/corpus-baseline.tsv";

/// Parses [`BASELINE`]: document → (untyped, dropped).
fn parse_baseline(text: &str) -> Result<BTreeMap<String, (usize, usize)>> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [document, untyped, dropped] = cols.as_slice() else {
            bail!(
                "line {}: expected `document<TAB>untyped<TAB>dropped`, got `{line}`",
                i + 1
            );
        };
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .with_context(|| format!("line {}: `{s}` is not a count", i + 1))
        };
        out.insert((*document).to_owned(), (number(untyped)?, number(dropped)?));
    }
    Ok(out)
}

/// One line per document generated with more untyped or dropped than its baseline; improvements are
/// printed.
fn compare_baseline(rows: &[Row], baseline: &BTreeMap<String, (usize, usize)>) -> Vec<String> {
    let mut regressions = Vec::new();
    for r in rows.iter().filter(|r| r.result == Outcome::Generated) {
        let Some(&(untyped, dropped)) = baseline.get(&r.document) else {
            println!(
                "{}: not in {BASELINE} ({} untyped, {} dropped)",
                r.document, r.untyped, r.dropped
            );
            continue;
        };
        if r.untyped > untyped || r.dropped > dropped {
            regressions.push(format!(
                "  {}: {} untyped (baseline {untyped}), {} dropped (baseline {dropped})",
                r.document, r.untyped, r.dropped
            ));
        } else if r.untyped < untyped || r.dropped < dropped {
            println!(
                "{}: {} untyped, {} dropped, below the baseline ({untyped}, {dropped}): lower it in {BASELINE}",
                r.document, r.untyped, r.dropped
            );
        }
    }
    regressions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(document: &str, untyped: usize, dropped: usize) -> Row {
        Row {
            document: document.into(),
            version: "3.0.3".into(),
            operations: 0,
            types: 0,
            millis: 0,
            warnings: untyped + dropped,
            untyped,
            dropped,
            renamed: 0,
            result: Outcome::Generated,
            first: String::new(),
            krate: None,
        }
    }

    #[test]
    fn more_untyped_or_dropped_than_the_baseline_is_a_regression() {
        let baseline = parse_baseline("# document\tuntyped\tdropped\na.yaml\t2\t0\nb.json\t0\t1\n")
            .expect("parses");
        assert_eq!(baseline.get("a.yaml"), Some(&(2, 0)));
        let rows = [
            row("a.yaml", 3, 0),
            row("b.json", 0, 1),
            row("c.yaml", 5, 5),
        ];
        let regressions = compare_baseline(&rows, &baseline);
        assert_eq!(regressions.len(), 1, "{regressions:?}");
        assert!(regressions[0].contains("a.yaml: 3 untyped (baseline 2)"));
        assert!(compare_baseline(&[row("a.yaml", 1, 0)], &baseline).is_empty());
        assert!(parse_baseline("a.yaml\t1\n").is_err());
        assert!(parse_baseline("a.yaml\tx\t1\n").is_err());
    }

    #[test]
    fn paths_name_documents_or_directories_of_them() {
        let dir = std::env::temp_dir().join(format!("xtask-corpus-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("nested")).expect("mkdir");
        for name in ["a.yaml", "b.json", "c.yml", "notes.md", "nested/d.yaml"] {
            std::fs::write(dir.join(name), "openapi: 3.0.3\n").expect("write");
        }
        let mut found = documents(&dir).expect("a directory of documents");
        found.sort();
        let names: Vec<String> = found
            .iter()
            .map(|p| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.yaml", "b.json", "c.yml"]);
        // A document is itself, whatever directory it is in.
        let one = dir.join("nested/d.yaml");
        assert_eq!(
            documents(&one).expect("a document"),
            std::slice::from_ref(&one)
        );
        assert!(documents(&dir.join("nested/missing.yaml")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_manifest_cargo_refuses_is_put_on_its_generated_crate() {
        let members = ["corpus-a".to_owned(), "corpus-ab".to_owned()];
        // As cargo 1.95 writes them: the cause relative to the workspace, then the member absolute.
        let api = "error: unclosed table, expected `]`\n --> crates/corpus-ab/apis/x/Cargo.toml:1:9\n  |\n1 | [package\n  |         ^\nerror: failed to load manifest for workspace member `/w/target/corpus/crates/corpus-ab`\nreferenced by workspace at `/w/target/corpus/Cargo.toml`\n\nCaused by:\n  failed to load manifest for dependency `x`\n";
        let (member, error) = refused_member(api, &members).expect("named");
        // Not `corpus-a`, whose name is a prefix of the one cargo names.
        assert_eq!(member, "corpus-ab");
        assert!(
            error.starts_with(
                "error: unclosed table, expected `]` --> crates/corpus-ab/apis/x/Cargo.toml:1:9"
            ) && error.contains("Caused by: failed to load manifest for dependency `x`")
                && !error.contains('\n'),
            "{error}"
        );
        let facade = "error: failed to load manifest for workspace member `/w/target/corpus/crates/corpus-a`\n";
        assert_eq!(
            refused_member(facade, &members).map(|(m, _)| m).as_deref(),
            Some("corpus-a")
        );
        assert!(refused_member("error: could not compile `serde`", &members).is_none());
    }

    #[test]
    fn the_committed_baseline_parses() {
        let baseline = parse_baseline(include_str!("../corpus-baseline.tsv")).expect("parses");
        assert!(baseline.contains_key("stripe-api.yaml"), "{baseline:?}");
    }
}

/// `path` itself when it is a file, else the OpenAPI documents (`.yaml`, `.yml`, `.json`) directly in it.
fn documents(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let docs: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("reading {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    if docs.is_empty() {
        bail!("no OpenAPI documents in {}", path.display());
    }
    Ok(docs)
}

fn crate_name(doc: &Path) -> String {
    let stem = doc.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("corpus-{clean}")
}

fn generate_one(doc: &Path, crates_dir: &Path, runtime: &Path) -> Row {
    let document = doc
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_owned();
    let version = declared_version(doc);
    let name = crate_name(doc);
    let options = RenderOptions {
        runtime: RuntimeDependency::Path(runtime.display().to_string()),
        standalone: false,
        regen_command: "cargo xtask corpus".into(),
        models_per_file: klarna_codegen::render::MODELS_PER_FILE,
    };
    let input = [SpecInput::new(doc)];
    let start = Instant::now();
    let result = std::panic::catch_unwind(|| {
        // Third-party documents: no Klarna conventions.
        klarna_codegen::generate(&input, &name, "0.0.0", &Profile::neutral(), &options)
    });
    let millis = start.elapsed().as_millis();
    let mut row = Row {
        document,
        version,
        operations: 0,
        types: 0,
        millis,
        warnings: 0,
        untyped: 0,
        dropped: 0,
        renamed: 0,
        result: Outcome::Generated,
        first: String::new(),
        krate: None,
    };
    match result {
        Err(_) => {
            row.result = Outcome::Panicked;
            row.first = "the generator panicked".into();
        }
        Ok(Err(diags)) => {
            let first = diags.errors().next();
            let located =
                first.is_some_and(|d| d.location != Location::File || d.message.contains("empty"));
            row.result = if located {
                Outcome::Refused
            } else {
                Outcome::Failed
            };
            row.first = first
                .map(ToString::to_string)
                .unwrap_or_else(|| "failed without a diagnostic".into());
            if diags.errors().any(|d| d.message.contains("generator bug")) {
                row.result = Outcome::Failed;
            }
        }
        Ok(Ok(generated)) => {
            row.operations = generated
                .ir
                .apis
                .iter()
                .flat_map(|a| &a.resources)
                .map(|r| r.operations.len())
                .sum();
            row.types = generated.ir.apis.iter().map(|a| a.types.len()).sum();
            row.warnings = generated
                .warnings
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            row.untyped = generated.warnings.count(Degradation::Untyped);
            row.dropped = generated.warnings.count(Degradation::Dropped);
            row.renamed = generated.warnings.count(Degradation::Renamed);
            row.first = generated
                .warnings
                .iter()
                .next()
                .map(ToString::to_string)
                .unwrap_or_default();
            let out = crates_dir.join(&name);
            match klarna_codegen::write::write_crate(&out, &generated.files) {
                Ok(_) => row.krate = Some(name),
                Err(e) => {
                    row.result = Outcome::Failed;
                    row.first = format!("cannot write the crate: {e}");
                }
            }
        }
    }
    row
}

fn declared_version(doc: &Path) -> String {
    let Ok(bytes) = std::fs::read(doc) else {
        return "?".into();
    };
    let text = String::from_utf8_lossy(&bytes);
    for key in ["\"openapi\"", "openapi:", "\"swagger\"", "swagger:"] {
        if let Some(i) = text.find(key) {
            let rest = &text[i + key.len()..];
            let v: String = rest
                .trim_start_matches([':', ' ', '"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            if !v.is_empty() {
                return v;
            }
        }
    }
    "?".into()
}

fn write_workspace(scratch: &Path, crates_dir: &Path, rows: &[Row]) -> Result<()> {
    std::fs::create_dir_all(scratch)?;
    let members: Vec<&String> = rows.iter().filter_map(|r| r.krate.as_ref()).collect();
    // Remove crates of documents that no longer generate, so they are not checked stale.
    if crates_dir.exists() {
        for entry in std::fs::read_dir(crates_dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            if !members.iter().any(|m| **m == name) {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
    }
    Ok(())
}

/// Writes the scratch workspace's manifest with `members` (crates under `crates/`).
fn write_manifest(scratch: &Path, members: &[String]) -> Result<()> {
    let mut manifest = String::from(
        "# Scratch workspace of `cargo xtask corpus`; regenerated on every run.\n[workspace]\nresolver = \"3\"\nmembers = [\n",
    );
    for m in members {
        let _ = writeln!(manifest, "    \"crates/{m}\",");
    }
    manifest.push_str("]\n");
    std::fs::write(scratch.join("Cargo.toml"), manifest)?;
    Ok(())
}

/// What one clippy run over the scratch workspace gave.
enum Linted {
    /// Clippy ran: its findings.
    Lints(Lints),
    /// Cargo refused to load the workspace because of this member's manifests (the error as cargo wrote
    /// it, on one line).
    Refused { member: String, error: String },
}

/// The member whose crate directory (`crates/<member>`, absolute or relative to the scratch workspace)
/// cargo's `stderr` names, and cargo's error on one line: which generated crate stopped cargo from
/// loading the workspace.
fn refused_member(stderr: &str, members: &[String]) -> Option<(String, String)> {
    let member = members.iter().find(|m| {
        stderr.contains(&format!("crates/{m}/")) || stderr.contains(&format!("crates/{m}`"))
    })?;
    let error = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Some((member.clone(), error))
}

/// What clippy reported for one generated crate (its facade and API crates).
struct Findings {
    count: usize,
    first: String,
}

/// What `cargo clippy -D warnings` reported on the scratch workspace.
#[derive(Default)]
struct Lints {
    /// By member (a facade crate of `members`): its findings.
    by_crate: BTreeMap<String, Findings>,
    /// By class (lint name or error code): findings and the crates they are in.
    by_class: BTreeMap<String, (usize, BTreeSet<String>)>,
}

/// Lints the scratch workspace with the bar users hold their own crates to: `cargo clippy -- -D warnings`,
/// so a compile error, a rustc warning and a clippy finding all fail the document. Clippy's own check is
/// the compile check (it costs about what `cargo check` does). Findings are read from cargo's JSON messages
/// and attributed to the generated crate whose directory holds the package (`crates/<member>/...`).
fn lint_workspace(scratch: &Path, root: &Path, members: &[String]) -> Result<Linted> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--message-format",
            "json",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", root.join("target/corpus-target"))
        .env_remove("RUSTFLAGS")
        .output()
        .context("running cargo clippy on the corpus crates")?;
    let crates_dir = std::path::absolute(scratch.join("crates"))?;
    let mut lints = Lints::default();
    let mut outside = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" {
            continue;
        }
        let message = &msg["message"];
        let level = message["level"].as_str().unwrap_or("");
        let text = message["message"].as_str().unwrap_or("");
        if !matches!(level, "error" | "warning")
            || text.starts_with("aborting due to")
            || text.ends_with("emitted")
        {
            continue;
        }
        let manifest = PathBuf::from(msg["manifest_path"].as_str().unwrap_or(""));
        let member = manifest
            .strip_prefix(&crates_dir)
            .ok()
            .and_then(|rest| rest.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .filter(|m| members.contains(m));
        let Some(member) = member else {
            // The runtime and registry crates are the workspace's own clippy's concern; only an error
            // there stops the corpus.
            if level == "error" {
                outside.push(message["rendered"].as_str().unwrap_or(text).to_owned());
            }
            continue;
        };
        let class = message["code"]["code"]
            .as_str()
            .unwrap_or("(no code)")
            .to_owned();
        let span = message["spans"]
            .as_array()
            .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true));
        let at = span.map_or_else(String::new, |s| {
            format!(
                "{}:{}:{}: ",
                s["file_name"].as_str().unwrap_or("?"),
                s["line_start"],
                s["column_start"]
            )
        });
        let entry = lints.by_crate.entry(member.clone()).or_insert(Findings {
            count: 0,
            first: format!("{at}{level}[{class}]: {text}"),
        });
        entry.count += 1;
        let class_entry = lints.by_class.entry(class).or_default();
        class_entry.0 += 1;
        class_entry.1.insert(member);
    }
    if !outside.is_empty() {
        bail!(
            "cargo clippy failed outside the generated crates:\n{}",
            outside.join("\n")
        );
    }
    if !output.status.success() && lints.by_crate.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some((member, error)) = refused_member(&stderr, members) {
            return Ok(Linted::Refused { member, error });
        }
        bail!(
            "cargo clippy failed without a finding in a generated crate:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(Linted::Lints(lints))
}

fn print_classes(lints: &Lints) {
    if lints.by_class.is_empty() {
        return;
    }
    println!();
    println!("| finding | count | crates |");
    println!("|---|---|---|");
    for (class, (count, crates)) in &lints.by_class {
        let names: Vec<&str> = crates.iter().map(String::as_str).collect();
        println!("| {class} | {count} | {} |", names.join(", "));
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "| document | version | operations | types | generation ms | warnings | untyped | dropped | renamed | result | first diagnostic |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let result = match r.result {
            Outcome::Generated => "clean",
            Outcome::Refused => "refused",
            Outcome::Failed => "FAILED",
            Outcome::Panicked => "PANICKED",
        };
        let first: String = r.first.replace('|', "\\|").chars().take(160).collect();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.document,
            r.version,
            r.operations,
            r.types,
            r.millis,
            r.warnings,
            r.untyped,
            r.dropped,
            r.renamed,
            result,
            first
        );
    }
}
