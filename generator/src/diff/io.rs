//! Reading the two sides (a document or a directory of documents each) and writing the report as
//! markdown or JSON.

use super::*;

/// The documents of one side of a diff: a file, or every `*.yaml`, `*.yml` and `*.json` in a directory.
pub fn spec_inputs(path: &Path) -> Result<Vec<SpecInput>, Diagnostics> {
    let display = path.display().to_string();
    let fail = |message: String| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(
            display.clone(),
            DiagLocation::File,
            message,
        ));
        d
    };
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|e| fail(format!("cannot read the directory: {e}")))?;
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let p = entry
                .map_err(|e| fail(format!("cannot read the directory: {e}")))?
                .path();
            if p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(fail(
                "no OpenAPI documents (*.yaml, *.yml, *.json) in the directory".into(),
            ));
        }
        Ok(files.into_iter().map(SpecInput::new).collect())
    } else if path.is_file() {
        Ok(vec![SpecInput::new(path)])
    } else {
        Err(fail("no such file or directory".into()))
    }
}

/// Loads both sides into IR. Modules are matched by file stem; when both sides are single files their one
/// module is paired whatever the stems (`old.yaml` against `new.yaml`). Warnings of both sides are returned.
pub fn load_pair(
    old: &Path,
    new: &Path,
    version: &str,
) -> Result<(Crate, Crate, Diagnostics), Diagnostics> {
    let old_inputs = spec_inputs(old);
    let new_inputs = spec_inputs(new);
    let (old_inputs, new_inputs) = match (old_inputs, new_inputs) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut d = Diagnostics::new();
            for e in [o.err(), n.err()].into_iter().flatten() {
                d.extend(e);
            }
            return Err(d);
        }
    };
    let old_ir = crate::build_ir(&old_inputs, "klarna", version);
    let new_ir = crate::build_ir(&new_inputs, "klarna", version);
    let ((old_ir, ow), (mut new_ir, nw)) = match (old_ir, new_ir) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut d = Diagnostics::new();
            for e in [o.err(), n.err()].into_iter().flatten() {
                d.extend(e);
            }
            return Err(d);
        }
    };
    if old.is_file()
        && new.is_file()
        && let ([o], [n]) = (old_ir.apis.as_slice(), new_ir.apis.as_mut_slice())
    {
        n.module = o.module.clone();
    }
    let mut warnings = ow;
    warnings.extend(nw);
    Ok((old_ir, new_ir, warnings))
}

/// Markdown for a pull-request comment: counts, implied bump, and a table of changes per API.
pub fn to_markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Klarna spec diff\n");
    if report.changes.is_empty() {
        let _ = writeln!(s, "No changes to the API surface.");
        return s;
    }
    let sum = &report.summary;
    let _ = writeln!(s, "| class | changes |\n|---|---:|");
    let _ = writeln!(s, "| breaking | {} |", sum.breaking);
    let _ = writeln!(s, "| non-breaking | {} |", sum.non_breaking);
    let _ = writeln!(s, "| forward-compatible | {} |", sum.forward_compatible);
    let _ = writeln!(s);
    let next = match &report.next_version {
        Some(v) if report.version.starts_with("0.") && report.bump == Bump::Major => format!(
            " ({} → {v}; on 0.y a breaking change bumps the minor number)",
            report.version
        ),
        Some(v) => format!(" ({} → {v})", report.version),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "Implied bump (wire contract): **{}**{next}.",
        report.bump.label()
    );
    let marked = report
        .changes
        .iter()
        .filter(|c| c.rust_breaking && c.class != Class::Breaking)
        .count();
    if marked > 0 {
        let _ = writeln!(
            s,
            "\n{marked} change(s) marked † are compatible on the wire but change the generated Rust API \
             incompatibly; predicted Rust API bump: **{}** (`cargo xtask semver` checks it).",
            report.rust_bump.label()
        );
    }
    let mut by_api: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &report.changes {
        by_api.entry(c.location.api.as_str()).or_default().push(c);
    }
    for (api, changes) in by_api {
        let _ = writeln!(s, "\n### `{api}`\n");
        let _ = writeln!(s, "| class | location | change |\n|---|---|---|");
        let mut sorted = changes;
        sorted.sort_by_key(|c| std::cmp::Reverse(c.class));
        for c in sorted {
            let mark = if c.rust_breaking && c.class != Class::Breaking {
                " †"
            } else {
                ""
            };
            let class = match c.class {
                Class::Breaking => "**breaking**".to_owned(),
                other => other.label().to_owned(),
            };
            let _ = writeln!(
                s,
                "| {class}{mark} | `{}` | {} |",
                c.location.path(),
                cell(&c.message)
            );
        }
    }
    s
}

/// The report as pretty JSON.
pub fn to_json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report)
}

pub(super) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
