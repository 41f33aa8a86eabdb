//! Stage 4, write: put a rendered crate on disk, or compare it with what is there.
//!
//! Nothing touches the output directory until every file has been rendered, so a failed run leaves it as it
//! was. A new output directory is written in a temporary sibling directory and renamed into place. An
//! existing one is updated file by file: each changed file is written next to its target and renamed over
//! it, a file whose content is unchanged is not touched (its mtime stays, so cargo does not rebuild), and
//! files the generator no longer produces are removed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a write changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<PathBuf>,
    /// Files left alone because their content was already right.
    pub unchanged: Vec<PathBuf>,
    /// Stale files removed.
    pub removed: Vec<PathBuf>,
}

/// Writes `files` (paths relative to `out`) so that `out` holds exactly them.
pub fn write_crate(out: &Path, files: &BTreeMap<PathBuf, String>) -> io::Result<WriteReport> {
    if !out.exists() {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".klarna-codegen-")
            .tempdir_in(&parent)?;
        for (rel, content) in files {
            let path = tmp.path().join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(&path, content)?;
        }
        let tmp_path = tmp.keep();
        if let Err(e) = fs::rename(&tmp_path, out) {
            let _ = fs::remove_dir_all(&tmp_path);
            return Err(e);
        }
        return Ok(WriteReport {
            written: files.keys().cloned().collect(),
            ..WriteReport::default()
        });
    }
    let mut report = WriteReport::default();
    for (rel, content) in files {
        let path = out.join(rel);
        if fs::read(&path).ok().as_deref() == Some(content.as_bytes()) {
            report.unchanged.push(rel.clone());
            continue;
        }
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| out.to_path_buf());
        fs::create_dir_all(&dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".klarna-codegen-")
            .tempfile_in(&dir)?;
        io::Write::write_all(&mut tmp, content.as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        report.written.push(rel.clone());
    }
    let wanted: BTreeSet<&PathBuf> = files.keys().collect();
    for rel in existing_files(out)? {
        if !wanted.contains(&rel) {
            fs::remove_file(out.join(&rel))?;
            report.removed.push(rel);
        }
    }
    remove_empty_dirs(out)?;
    Ok(report)
}

/// How the files on disk differ from `files`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Files whose content differs.
    pub changed: Vec<PathBuf>,
    /// Files that should exist but do not.
    pub missing: Vec<PathBuf>,
    /// Files that exist but should not.
    pub stale: Vec<PathBuf>,
}

impl CheckReport {
    /// True when the directory matches exactly.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }
}

/// Compares `out` with `files` without writing anything.
pub fn check_crate(out: &Path, files: &BTreeMap<PathBuf, String>) -> io::Result<CheckReport> {
    let mut report = CheckReport::default();
    for (rel, content) in files {
        match fs::read(out.join(rel)) {
            Ok(bytes) if bytes == content.as_bytes() => {}
            Ok(_) => report.changed.push(rel.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => report.missing.push(rel.clone()),
            Err(e) => return Err(e),
        }
    }
    if out.exists() {
        let wanted: BTreeSet<&PathBuf> = files.keys().collect();
        report.stale = existing_files(out)?
            .into_iter()
            .filter(|rel| !wanted.contains(rel))
            .collect();
    }
    Ok(report)
}

fn existing_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" && dir == root {
                continue;
            }
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn remove_empty_dirs(root: &Path) -> io::Result<()> {
    fn walk(dir: &Path, is_root: bool) -> io::Result<bool> {
        let mut empty = true;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                if !walk(&entry.path(), false)? {
                    empty = false;
                }
            } else {
                empty = false;
            }
        }
        if empty && !is_root {
            fs::remove_dir(dir)?;
        }
        Ok(empty)
    }
    walk(root, true).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        pairs
            .iter()
            .map(|(p, c)| (PathBuf::from(p), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn writes_new_updates_changed_skips_unchanged_and_removes_stale() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("crate");
        let first = write_crate(
            &out,
            &files(&[("a.rs", "a"), ("src/b.rs", "b"), ("src/old/c.rs", "c")]),
        )?;
        assert_eq!(first.written.len(), 3);
        let second = write_crate(&out, &files(&[("a.rs", "a"), ("src/b.rs", "B")]))?;
        assert_eq!(second.unchanged, vec![PathBuf::from("a.rs")]);
        assert_eq!(second.written, vec![PathBuf::from("src/b.rs")]);
        assert_eq!(second.removed, vec![PathBuf::from("src/old/c.rs")]);
        assert!(!out.join("src/old").exists());
        assert_eq!(fs::read_to_string(out.join("src/b.rs"))?, "B");
        let check = check_crate(&out, &files(&[("a.rs", "x"), ("new.rs", "n")]))?;
        assert_eq!(check.changed, vec![PathBuf::from("a.rs")]);
        assert_eq!(check.missing, vec![PathBuf::from("new.rs")]);
        assert_eq!(check.stale, vec![PathBuf::from("src/b.rs")]);
        let leftovers: Vec<_> = fs::read_dir(dir.path())?.collect::<Result<_, _>>()?;
        assert_eq!(
            leftovers.len(),
            1,
            "no temporary directories are left behind"
        );
        Ok(())
    }
}
