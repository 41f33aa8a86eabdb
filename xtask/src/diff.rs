//! `cargo xtask diff [REV]`: the spec diff between git `REV` and the working tree, and what regeneration
//! would change in generated/.
//!
//! The old documents are taken with `git show REV:specs/<file>` into a temporary directory. Both sides are
//! generated in memory with the options `cargo xtask regen` uses and with the *current* generator and
//! templates, so the generated-code diffstat shows what the spec change alone does to generated/.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use klarna_codegen::diff::{self as spec_diff, Report};

/// `cargo xtask diff [REV] [--fail-on-breaking]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut rev = None;
    let mut fail_on_breaking = false;
    for a in args {
        match a.as_str() {
            "--fail-on-breaking" => fail_on_breaking = true,
            flag if flag.starts_with('-') => {
                bail!("unknown option `{flag}` for `cargo xtask diff`")
            }
            r if rev.is_none() => rev = Some(r.to_owned()),
            extra => bail!("unexpected argument `{extra}` for `cargo xtask diff`"),
        }
    }
    let Some(rev) = resolve_rev(root, rev)? else {
        println!("no previous revision to compare with: nothing to diff");
        return Ok(());
    };
    let comparison = compare_rev(root, &rev)?;
    println!("Comparing specs/ at `{rev}` with the working tree.\n");
    print!("{}", spec_diff::to_markdown(&comparison.report));
    print!("{}", comparison.diffstat);
    if fail_on_breaking && comparison.report.has_breaking() {
        bail!(
            "{} breaking change(s) in the spec diff",
            comparison.report.summary.breaking
        );
    }
    Ok(())
}

/// The spec diff and the generated-code diffstat between an old root (with specs/) and the workspace.
pub struct Comparison {
    /// The spec diff.
    pub report: Report,
    /// Markdown: per-file added/removed lines of generated/.
    pub diffstat: String,
}

/// Compares `specs/` at git `rev` with the working tree: the old specs go to a temporary directory of
/// their own, which [`compare`] may write into.
pub fn compare_rev(root: &Path, rev: &str) -> Result<Comparison> {
    let old_root = tempfile::tempdir().context("creating a temporary directory")?;
    extract_old_specs(root, rev, old_root.path())?;
    compare(root, old_root.path())
}

/// Generates both sides in memory and compares them.
fn compare(root: &Path, old_root: &Path) -> Result<Comparison> {
    // The old side gets the current runtime version and crate version, so only the specs differ.
    for manifest in ["runtime/Cargo.toml", "generated/Cargo.toml"] {
        let to = old_root.join(manifest);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(root.join(manifest), &to).with_context(|| format!("copying {manifest}"))?;
    }
    let old = crate::regen::generate_sdk(old_root).context("generating the old side")?;
    let new = crate::regen::generate_sdk(root).context("generating the working tree")?;
    let report = spec_diff::diff(&old.ir, &new.ir);
    let diffstat = diffstat(&old.files, &new.files);
    Ok(Comparison { report, diffstat })
}

/// The revision to compare with: the argument, else `git merge-base HEAD origin/main` when that is not HEAD
/// itself (a branch: everything it changes), else `HEAD~1` (on main, as CI's fresh clone is: what the
/// latest commit changed; comparing HEAD with itself would always say "no changes").
pub fn resolve_rev(root: &Path, arg: Option<String>) -> Result<Option<String>> {
    if let Some(rev) = arg {
        if git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .is_none()
        {
            bail!("`{rev}` is not a commit");
        }
        return Ok(Some(rev));
    }
    if let Some(base) = git(root, &["merge-base", "HEAD", "origin/main"])
        && git(root, &["rev-parse", "HEAD"]).as_deref() != Some(base.as_str())
    {
        return Ok(Some(base));
    }
    Ok(git(
        root,
        &["rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"],
    )
    .map(|_| "HEAD~1".to_owned()))
}

/// Writes `REV:specs/*.{yaml,yml,json}` into `dest/specs/`.
fn extract_old_specs(root: &Path, rev: &str, dest: &Path) -> Result<()> {
    let listing = git(root, &["ls-tree", "--name-only", rev, "--", "specs/"])
        .with_context(|| format!("listing specs/ at `{rev}`"))?;
    let specs = dest.join("specs");
    std::fs::create_dir_all(&specs)?;
    for path in listing.lines() {
        let name = path.trim_start_matches("specs/");
        if !matches!(
            Path::new(name).extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            continue;
        }
        let out = Command::new("git")
            .current_dir(root)
            .args(["show", &format!("{rev}:{path}")])
            .output()
            .context("running git show")?;
        if !out.status.success() {
            bail!(
                "git show {rev}:{path} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        std::fs::write(specs.join(name), out.stdout)?;
    }
    Ok(())
}

/// Runs git and returns its trimmed stdout, or `None` when it fails.
pub fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Markdown table of added/removed lines per file.
fn diffstat(
    old: &std::collections::BTreeMap<PathBuf, String>,
    new: &std::collections::BTreeMap<PathBuf, String>,
) -> String {
    let paths: BTreeSet<&PathBuf> = old.keys().chain(new.keys()).collect();
    let mut rows = Vec::new();
    let (mut total_add, mut total_del) = (0, 0);
    for p in paths {
        let a: Vec<&str> = old.get(p).map(|s| s.lines().collect()).unwrap_or_default();
        let b: Vec<&str> = new.get(p).map(|s| s.lines().collect()).unwrap_or_default();
        let (add, del) = line_changes(&a, &b);
        if add == 0 && del == 0 {
            continue;
        }
        let note = match (old.contains_key(p), new.contains_key(p)) {
            (false, _) => " (new)",
            (_, false) => " (deleted)",
            _ => "",
        };
        total_add += add;
        total_del += del;
        rows.push(format!(
            "| `generated/{}`{note} | +{add} | -{del} |",
            p.display()
        ));
    }
    let mut s = String::from("\n### What `cargo xtask regen` would change in generated/\n\n");
    if rows.is_empty() {
        s.push_str("Nothing.\n");
        return s;
    }
    s.push_str("| file | added | removed |\n|---|---:|---:|\n");
    for r in &rows {
        s.push_str(r);
        s.push('\n');
    }
    s.push_str(&format!(
        "| **{} file(s)** | **+{total_add}** | **-{total_del}** |\n",
        rows.len()
    ));
    s
}

/// Lines added and removed between two texts (shortest edit script, Myers' algorithm).
pub fn line_changes(a: &[&str], b: &[&str]) -> (usize, usize) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    let d = edit_distance(a, b);
    // d = added + removed, and added - removed = b.len() - a.len().
    let added = ((d + b.len()).saturating_sub(a.len()) / 2).min(d);
    (added, d - added)
}

fn edit_distance(a: &[&str], b: &[&str]) -> usize {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    if max == 0 {
        return 0;
    }
    let offset = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    for d in 0..=max as isize {
        let mut k = -d;
        while k <= d {
            let i = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                return d as usize;
            }
            k += 2;
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::line_changes;

    #[test]
    fn counts_lines_like_git() {
        let a = ["a", "b", "c", "d"];
        assert_eq!(line_changes(&a, &a), (0, 0));
        assert_eq!(line_changes(&a, &["a", "x", "c", "d"]), (1, 1));
        assert_eq!(line_changes(&a, &["a", "b", "c", "d", "e", "f"]), (2, 0));
        assert_eq!(line_changes(&a, &["b", "d"]), (0, 2));
        assert_eq!(line_changes(&[], &["x"]), (1, 0));
        assert_eq!(line_changes(&a, &[]), (0, 4));
        assert_eq!(line_changes(&["x", "a", "b"], &["a", "b", "y"]), (1, 1));
    }
}
