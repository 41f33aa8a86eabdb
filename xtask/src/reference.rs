//! `cargo xtask reference`: the third-party reference data some checks compare with (Klarna's Bruno request
//! collection and reference notes, the real-world OpenAPI corpus), pinned by `reference.tsv` and kept out of
//! the repository.
//!
//! `reference.tsv` lists every file: its path (the same under `reference/`, `../shared/` and a `--from`
//! directory), its sha256 and size, where it comes from (a GitHub repository, commit and path, or `local`)
//! and its licence. A `local` file has no public copy with exactly these bytes (notes written for this
//! project, or documents copied through a text index and never compared byte for byte with their origin), so
//! only `fetch --from DIR` can provide it.
//!
//! - `reference fetch` downloads every file with a public origin from
//!   `<base>/<owner>/<repo>/<commit>/<path>` (base `https://raw.githubusercontent.com`, or `--base URL`, or
//!   the `KLARNA_REFERENCE_BASE_URL` variable) into `reference/`;
//! - `reference fetch --from DIR` copies every file from DIR instead (CI: `--from ../shared`);
//! - `reference manifest [DIR]` rewrites `reference.tsv` from DIR (default `../shared`).
//!
//! Every file is checked against its sha256 before it is put in place: it is written to a temporary file in
//! its destination directory and renamed only when the hash matches, so a refused or interrupted download
//! leaves nothing half-written. Commands that need the data find it with [`locate`]: `reference/` first, then
//! `../shared/`, else an error naming the command to run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// The manifest, relative to the workspace root.
pub const MANIFEST: &str = "reference.tsv";
/// Where `fetch` puts the files, relative to the workspace root (ignored by git).
pub const DIR: &str = "reference";
/// The directory beside the repository that holds the same files (the second place [`locate`] looks).
pub const SHARED: &str = "../shared";
/// Where raw files of public GitHub repositories are served.
pub const DEFAULT_BASE: &str = "https://raw.githubusercontent.com";
/// Overrides [`DEFAULT_BASE`] (as `--base` does).
pub const BASE_ENV: &str = "KLARNA_REFERENCE_BASE_URL";

/// The column names of `reference.tsv`, in order.
const COLUMNS: [&str; 8] = [
    "path",
    "sha256",
    "bytes",
    "origin",
    "commit",
    "origin_path",
    "licence",
    "note",
];

/// Where a reference file comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A file of a public GitHub repository at a commit.
    GitHub {
        /// `owner/name`.
        repo: String,
        /// The full commit hash.
        commit: String,
        /// The file's path in the repository.
        path: String,
    },
    /// No public copy with these bytes: only `fetch --from DIR` provides it.
    Local,
}

/// One file of the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Path relative to `reference/` (and to `../shared/`).
    pub path: String,
    /// Lowercase hex sha256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Where it comes from.
    pub origin: Origin,
    /// The licence it is used under, as its origin states it.
    pub licence: String,
    /// Anything else a reader needs (why a file is `local`).
    pub note: String,
}

/// Reads `reference.tsv` text. Lines starting with `#` and blank lines are comments; the first other line
/// is the header.
pub fn parse_manifest(text: &str, name: &str) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut header_seen = false;
    for (n, line) in text.lines().enumerate() {
        let at = || format!("{name}:{}", n + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if !header_seen {
            if cols != COLUMNS {
                bail!(
                    "{}: the header must be the columns {} separated by tabs",
                    at(),
                    COLUMNS.join(", ")
                );
            }
            header_seen = true;
            continue;
        }
        let [
            path,
            sha256,
            bytes,
            origin,
            commit,
            origin_path,
            licence,
            note,
        ] = cols[..]
        else {
            bail!(
                "{}: {} columns, expected {}",
                at(),
                cols.len(),
                COLUMNS.len()
            );
        };
        if path.is_empty()
            || path.starts_with('/')
            || path
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..")
        {
            bail!(
                "{}: path `{path}` must be relative, without `.` or `..` parts",
                at()
            );
        }
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("{}: sha256 `{sha256}` is not 64 hex digits", at());
        }
        let bytes: u64 = bytes
            .parse()
            .with_context(|| format!("{}: bytes `{bytes}` is not a number", at()))?;
        let origin = match origin {
            "local" => Origin::Local,
            other => {
                let Some(repo) = other.strip_prefix("github:") else {
                    bail!(
                        "{}: origin `{other}` is neither `local` nor `github:OWNER/NAME`",
                        at()
                    );
                };
                if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                    bail!("{}: commit `{commit}` is not a full 40-digit hash", at());
                }
                if origin_path.is_empty() || origin_path == "-" {
                    bail!("{}: a GitHub origin needs its origin_path", at());
                }
                Origin::GitHub {
                    repo: repo.to_owned(),
                    commit: commit.to_owned(),
                    path: origin_path.to_owned(),
                }
            }
        };
        if entries.iter().any(|e: &Entry| e.path == path) {
            bail!("{}: `{path}` is listed twice", at());
        }
        entries.push(Entry {
            path: path.to_owned(),
            sha256: sha256.to_ascii_lowercase(),
            bytes,
            origin,
            licence: licence.to_owned(),
            note: note.to_owned(),
        });
    }
    if entries.is_empty() {
        bail!("{name}: lists no files");
    }
    Ok(entries)
}

/// Reads the workspace's `reference.tsv`.
pub fn load(root: &Path) -> Result<Vec<Entry>> {
    let path = root.join(MANIFEST);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse_manifest(&text, MANIFEST)
}

/// Finds the reference data under `prefix` (a directory such as `klarna/bruno-v2-r2512`, or one file):
/// `reference/<prefix>` if every manifest file under it is there, else `../shared/<prefix>` likewise, else an
/// error that names the command which provides it. `what` names the data for that message.
pub fn locate(root: &Path, prefix: &str, what: &str) -> Result<PathBuf> {
    let entries = load(root)?;
    locate_in(&entries, &[root.join(DIR), root.join(SHARED)], prefix, what)
}

fn under<'a>(entries: &'a [Entry], prefix: &str) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| {
            e.path == prefix
                || e.path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .collect()
}

fn locate_in(entries: &[Entry], bases: &[PathBuf], prefix: &str, what: &str) -> Result<PathBuf> {
    let wanted = under(entries, prefix);
    if wanted.is_empty() {
        bail!("{MANIFEST} lists nothing under `{prefix}`");
    }
    for base in bases {
        if wanted.iter().all(|e| base.join(&e.path).is_file()) {
            return Ok(base.join(prefix));
        }
    }
    let local = wanted.iter().filter(|e| e.origin == Origin::Local).count();
    if local == 0 {
        bail!(
            "{what} (`{prefix}`): not in {DIR}/ or {SHARED}/. Run `cargo xtask reference fetch` \
             (downloads the files pinned in {MANIFEST} and checks their hashes), then run this again."
        );
    }
    bail!(
        "{what} (`{prefix}`): not in {DIR}/ or {SHARED}/. Run `cargo xtask reference fetch --from DIR`, \
         where DIR holds the reference files (such as a `shared` directory beside the repository): {local} of \
         the {} files have no public origin ({MANIFEST}, origin `local`), so a download cannot provide them.",
        wanted.len()
    )
}

/// Where `fetch` takes the files from.
pub enum Source {
    /// Copy `DIR/<path>`.
    Dir(PathBuf),
    /// Download over HTTP(S) from this base URL with this agent.
    Http {
        /// `https://raw.githubusercontent.com` or a stand-in with the same layout.
        base: String,
        /// The HTTP client.
        agent: ureq::Agent,
    },
}

/// What `fetch` did.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (their hash matched).
    pub written: usize,
    /// Files already in place with the right hash.
    pub present: usize,
    /// `local` files a download cannot provide and that are not in place.
    pub local_missing: Vec<String>,
    /// Files refused or not obtained, each with why.
    pub failures: Vec<String>,
}

/// Lowercase hex sha256 of a file, streamed.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Percent-encodes each segment of a repository path for a URL (`/` stays a separator).
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            seg.bytes().fold(String::new(), |mut s, b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    s.push(b as char);
                } else {
                    let _ = write!(s, "%{b:02X}");
                }
                s
            })
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The URL `fetch` downloads a GitHub file from.
pub fn raw_url(base: &str, repo: &str, commit: &str, path: &str) -> String {
    format!(
        "{}/{}/{commit}/{}",
        base.trim_end_matches('/'),
        encode_path(repo),
        encode_path(path)
    )
}

/// Copies `reader` into a temporary file in `dest`'s directory while hashing it, and renames it to `dest`
/// only if at most `limit` bytes came and their sha256 is `want`. Nothing is left behind otherwise.
fn write_verified(reader: &mut dyn Read, dest: &Path, want: &str, limit: u64) -> Result<()> {
    let dir = dest
        .parent()
        .with_context(|| format!("{} has no parent directory", dest.display()))?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".fetch-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = reader.read(&mut buf).context("reading")?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            bail!("more than the {limit} bytes the manifest lists");
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n])
            .with_context(|| format!("writing {}", tmp.path().display()))?;
    }
    let got = hex(&hasher.finalize());
    if got != want {
        bail!("sha256 {got} ({total} bytes) does not match the manifest's {want}; not written");
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("flushing {}", tmp.path().display()))?;
    tmp.persist(dest)
        .with_context(|| format!("renaming into {}", dest.display()))?;
    Ok(())
}

/// Obtains one file from `source` into `dest`, checked against its hash.
fn fetch_one(entry: &Entry, source: &Source, dest: &Path) -> Result<()> {
    match source {
        Source::Dir(dir) => {
            let from = dir.join(&entry.path);
            let mut file = std::fs::File::open(&from)
                .with_context(|| format!("opening {}", from.display()))?;
            write_verified(&mut file, dest, &entry.sha256, entry.bytes)
                .with_context(|| format!("from {}", from.display()))
        }
        Source::Http { base, agent } => {
            let Origin::GitHub { repo, commit, path } = &entry.origin else {
                bail!("a local file cannot be downloaded");
            };
            let url = raw_url(base, repo, commit, path);
            let mut response = agent
                .get(&url)
                .call()
                .with_context(|| format!("GET {url}"))?;
            let status = response.status();
            if status.as_u16() != 200 {
                bail!("GET {url}: HTTP {status}");
            }
            let mut reader = response
                .body_mut()
                .with_config()
                .limit(entry.bytes.saturating_add(1))
                .reader();
            write_verified(&mut reader, dest, &entry.sha256, entry.bytes)
                .with_context(|| format!("GET {url}"))
        }
    }
}

/// Puts every file of `entries` under `dest`, from `source`. Files already in place with the right hash are
/// left alone; a download skips `local` files (listed in [`Report::local_missing`] unless in place).
pub fn fetch(entries: &[Entry], dest: &Path, source: &Source) -> Report {
    let mut report = Report::default();
    for (i, entry) in entries.iter().enumerate() {
        let target = dest.join(&entry.path);
        if target.is_file() && file_sha256(&target).is_ok_and(|h| h == entry.sha256) {
            report.present += 1;
            continue;
        }
        if matches!(source, Source::Http { .. }) && entry.origin == Origin::Local {
            continue;
        }
        match fetch_one(entry, source, &target) {
            Ok(()) => report.written += 1,
            // No answer at all (name resolution, connection, TLS): the next files would fail the same way.
            Err(e) if e.downcast_ref::<ureq::Error>().is_some() => {
                report.failures.push(format!(
                    "{}: {e:#}; stopped, {} more files not tried",
                    entry.path,
                    entries.len() - i - 1
                ));
                break;
            }
            Err(e) => report.failures.push(format!("{}: {e:#}", entry.path)),
        }
    }
    if matches!(source, Source::Http { .. }) {
        report.local_missing = entries
            .iter()
            .filter(|e| e.origin == Origin::Local)
            .filter(|e| {
                let target = dest.join(&e.path);
                !(target.is_file() && file_sha256(&target).is_ok_and(|h| h == e.sha256))
            })
            .map(|e| e.path.clone())
            .collect();
    }
    report
}

/// The HTTP client of `fetch`: a timeout per file, the proxy from the environment, HTTP errors as statuses.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(300)))
        .timeout_connect(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("klarna-rust-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// `cargo xtask reference ...`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("fetch") => {
            let mut from = None;
            let mut base = std::env::var(BASE_ENV).ok().filter(|b| !b.is_empty());
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--from" => {
                        let dir = rest.next().context("--from needs a directory")?;
                        from = Some(
                            std::path::absolute(dir).with_context(|| format!("resolving {dir}"))?,
                        );
                    }
                    "--base" => base = Some(rest.next().context("--base needs a URL")?.clone()),
                    other => bail!(
                        "unknown argument `{other}` (usage: reference fetch [--from DIR] [--base URL])"
                    ),
                }
            }
            let source = match from {
                Some(dir) => {
                    if !dir.is_dir() {
                        bail!("--from {}: not a directory", dir.display());
                    }
                    Source::Dir(dir)
                }
                None => Source::Http {
                    base: base.unwrap_or_else(|| DEFAULT_BASE.to_owned()),
                    agent: agent(),
                },
            };
            fetch_command(root, &source)
        }
        Some("manifest") => {
            let dir = match args.get(1) {
                Some(d) => PathBuf::from(d),
                None => root.join(SHARED),
            };
            let entries = manifest_from(&dir)?;
            let path = root.join(MANIFEST);
            std::fs::write(&path, render_manifest(&entries))
                .with_context(|| format!("writing {}", path.display()))?;
            let local = entries.iter().filter(|e| e.origin == Origin::Local).count();
            println!(
                "wrote {MANIFEST}: {} files ({local} local) from {}",
                entries.len(),
                dir.display()
            );
            Ok(())
        }
        _ => bail!(
            "usage: cargo xtask reference fetch [--from DIR] [--base URL] | cargo xtask reference manifest [DIR]"
        ),
    }
}

fn fetch_command(root: &Path, source: &Source) -> Result<()> {
    let entries = load(root)?;
    let dest = root.join(DIR);
    match source {
        Source::Dir(d) => println!(
            "copying {} reference files from {} into {DIR}/",
            entries.len(),
            d.display()
        ),
        Source::Http { base, .. } => {
            println!("downloading the reference files with a public origin from {base} into {DIR}/")
        }
    }
    let report = fetch(&entries, &dest, source);
    for f in &report.failures {
        eprintln!("  refused: {f}");
    }
    println!(
        "{} written, {} already in place (hash checked), {} failed",
        report.written,
        report.present,
        report.failures.len()
    );
    if !report.local_missing.is_empty() {
        println!(
            "{} files have no public origin (origin `local` in {MANIFEST}) and were not downloaded; checks that \
             need them (`cargo xtask notes`, `cargo xtask corpus`) ask for `cargo xtask reference fetch --from \
             DIR`, DIR holding the reference files:",
            report.local_missing.len()
        );
        for p in &report.local_missing {
            println!("  {p}");
        }
    }
    if !report.failures.is_empty() {
        bail!(
            "{} reference files were not obtained",
            report.failures.len()
        );
    }
    Ok(())
}

// -------------------------------------------------------------------------------------------------------------
// Writing the manifest from a directory of reference files
// -------------------------------------------------------------------------------------------------------------

/// The collection's origin (specs/README.md, specs/SOURCES.md).
const KN_AP: (&str, &str, &str) = (
    "thejinghao/kn-ap",
    "6071bf10182a6ed4e221345d24768bdb9d70e675",
    "reference/Klarna_Network_v2_r2512_PUBLIC",
);
/// Where the collection lives among the reference files.
const BRUNO_DIR: &str = "klarna/bruno-v2-r2512";
const KN_AP_LICENCE: &str = "collection content © Klarna Bank AB, published as Klarna's public request collection; the repository's README says MIT, it has no LICENSE file";

/// Full commits of the corpus origins whose short form `corpus/MANIFEST.md` gives. Each was resolved in a
/// clone of its repository, where the git blob of every corpus file taken from it equalled the blob of the
/// stored file (so a download at this commit gives the same bytes).
const VERIFIED_COMMITS: &[(&str, &str)] = &[
    (
        "api-evangelist/klarna",
        "a68c3991e1213b5874614eebb05f7d49f8dd0782",
    ),
    (
        "api-evangelist/klarna",
        "fdadf01d9646f79cf16c9528238e71b076322a8b",
    ),
    (
        "Adyen/adyen-openapi",
        "aa014f0cbdb58ff5c44a2ff9d5fe734642210aff",
    ),
    (
        "OAI/OpenAPI-Specification",
        "43629e348bb8d45ff5d2cfae81b6b6b77a690a01",
    ),
    (
        "paypal/paypal-rest-api-specifications",
        "ec4d8f36a6ab0abcc3865e1072aaddc85ea14d5c",
    ),
    ("stripe/openapi", "63a674638635c68de26b9f3add13e58198f4df44"),
];

/// A row of the corpus's `MANIFEST.md` table: origin repository, path, short commit, whether the file was
/// rebuilt from a text index, licence.
struct CorpusRow {
    repo: String,
    path: String,
    commit: String,
    from_text_index: bool,
    licence: String,
}

fn corpus_rows(text: &str) -> BTreeMap<String, CorpusRow> {
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `file` | owner/repo `path` @ `commit` [(read_file)] | version | ... | licence | blob |
        if cells.len() < 11 {
            continue;
        }
        let Some(file) = cells[1].strip_prefix('`').and_then(|s| s.strip_suffix('`')) else {
            continue;
        };
        let source = cells[2];
        let parts: Vec<&str> = source.split('`').collect();
        // ["owner/repo ", "path", " @ ", "commit", " (read_file)"?]
        if parts.len() < 4 || parts[2].trim() != "@" {
            continue;
        }
        rows.insert(
            file.to_owned(),
            CorpusRow {
                repo: parts[0].trim().to_owned(),
                path: parts[1].to_owned(),
                commit: parts[3].to_owned(),
                from_text_index: source.contains("(read_file)"),
                licence: cells[cells.len() - 3].to_owned(),
            },
        );
    }
    rows
}

fn files_under(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<()> {
    let here = dir.join(rel);
    let mut names: Vec<_> = std::fs::read_dir(&here)
        .with_context(|| format!("reading {}", here.display()))?
        .collect::<Result<Vec<_>, _>>()?;
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let name = e.file_name().into_string().map_err(|n| {
            anyhow::anyhow!("{}: a file name that is not UTF-8: {n:?}", here.display())
        })?;
        let child = format!("{rel}/{name}");
        if e.file_type()?.is_dir() {
            files_under(dir, &child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// The manifest of the reference files in `dir` (its `klarna/` and `corpus/`), origins assigned by rule:
/// the Bruno collection from kn-ap, corpus documents from the rows of `corpus/MANIFEST.md`, notes `local`.
pub fn manifest_from(dir: &Path) -> Result<Vec<Entry>> {
    let corpus_manifest = dir.join("corpus/MANIFEST.md");
    let rows = corpus_rows(
        &std::fs::read_to_string(&corpus_manifest)
            .with_context(|| format!("reading {}", corpus_manifest.display()))?,
    );
    let mut paths = Vec::new();
    files_under(dir, "klarna", &mut paths)?;
    files_under(dir, "corpus", &mut paths)?;
    let mut entries = Vec::new();
    for path in paths {
        let full = dir.join(&path);
        let (origin, licence, note) = if let Some(rest) =
            path.strip_prefix(&format!("{BRUNO_DIR}/"))
        {
            if rest == "PROVENANCE.md" {
                // A note about the copy, not part of the collection; this manifest records the same origin.
                continue;
            }
            (
                Origin::GitHub {
                    repo: KN_AP.0.to_owned(),
                    commit: KN_AP.1.to_owned(),
                    path: format!("{}/{rest}", KN_AP.2),
                },
                KN_AP_LICENCE.to_owned(),
                String::new(),
            )
        } else if let Some(name) = path.strip_prefix("corpus/")
            && name != "MANIFEST.md"
        {
            let row = rows
                .get(name)
                .with_context(|| format!("{path}: no row in {}", corpus_manifest.display()))?;
            let full_commit = VERIFIED_COMMITS
                .iter()
                .find(|(repo, c)| *repo == row.repo && c.starts_with(&row.commit))
                .map(|(_, c)| *c);
            match (row.from_text_index, full_commit) {
                (false, Some(commit)) => (
                    Origin::GitHub {
                        repo: row.repo.clone(),
                        commit: commit.to_owned(),
                        path: row.path.clone(),
                    },
                    row.licence.clone(),
                    String::new(),
                ),
                (true, _) => (
                    Origin::Local,
                    row.licence.clone(),
                    format!(
                        "content from {}@{}:{}, rebuilt from a text index and never compared byte for byte \
                         with the origin",
                        row.repo, row.commit, row.path
                    ),
                ),
                (false, None) => bail!(
                    "{path}: {}@{} is not in VERIFIED_COMMITS (xtask/src/reference.rs); resolve the full commit \
                     in a clone of the origin and check that the file's git blob there equals this file's",
                    row.repo,
                    row.commit
                ),
            }
        } else {
            (
                Origin::Local,
                "not published".to_owned(),
                "notes written while building this project (no public origin)".to_owned(),
            )
        };
        let bytes = std::fs::metadata(&full)
            .with_context(|| format!("reading {}", full.display()))?
            .len();
        let sha256 = file_sha256(&full).with_context(|| format!("reading {}", full.display()))?;
        for (column, text) in [("licence", &licence), ("note", &note), ("path", &path)] {
            if text.contains(['\t', '\n']) {
                bail!("{path}: the {column} holds a tab or a line break");
            }
        }
        entries.push(Entry {
            path,
            sha256,
            bytes,
            origin,
            licence,
            note,
        });
    }
    Ok(entries)
}

/// `reference.tsv` text: an explanatory header, then one row per file.
pub fn render_manifest(entries: &[Entry]) -> String {
    let mut s = String::from(
        "# Reference data for the checks that compare the project with third-party material (cargo xtask bruno,\n\
         # notes, corpus, bench). Not in the repository: `cargo xtask reference fetch` downloads every file with a\n\
         # public origin into reference/ (raw file at origin + commit + origin_path) and checks its sha256;\n\
         # `cargo xtask reference fetch --from DIR` copies every file from DIR (CI: ../shared).\n\
         # origin `local`: no public copy with exactly these bytes (the note says why); only --from provides it.\n\
         # Written by `cargo xtask reference manifest [DIR]` from DIR (default ../shared); do not edit by hand.\n",
    );
    s.push_str(&COLUMNS.join("\t"));
    s.push('\n');
    for e in entries {
        let (origin, commit, origin_path) = match &e.origin {
            Origin::GitHub { repo, commit, path } => {
                (format!("github:{repo}"), commit.as_str(), path.as_str())
            }
            Origin::Local => ("local".to_owned(), "-", "-"),
        };
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{origin}\t{commit}\t{origin_path}\t{}\t{}",
            e.path, e.sha256, e.bytes, e.licence, e.note
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    fn sha(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    fn github(path: &str, content: &[u8], origin_path: &str) -> Entry {
        Entry {
            path: path.to_owned(),
            sha256: sha(content),
            bytes: content.len() as u64,
            origin: Origin::GitHub {
                repo: "someone/data".to_owned(),
                commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
                path: origin_path.to_owned(),
            },
            licence: "MIT".to_owned(),
            note: String::new(),
        }
    }

    fn local(path: &str, content: &[u8]) -> Entry {
        Entry {
            origin: Origin::Local,
            note: "notes".to_owned(),
            ..github(path, content, "-")
        }
    }

    fn percent_decode(s: &str) -> Vec<u8> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%'
                && i + 2 < b.len()
                && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
            {
                out.push(v);
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    }

    /// A loopback HTTP/1.1 server that serves the files under `dir` (GET only, one request per
    /// connection), for as long as the test runs. Returns its base URL.
    fn serve(dir: PathBuf) -> String {
        crate::loopback::serve(move |r| {
            let rel = String::from_utf8(percent_decode(r.target.trim_start_matches('/')))
                .unwrap_or_default();
            match std::fs::read(dir.join(&rel)) {
                Ok(body) if !rel.split('/').any(|s| s == "..") => (200, Vec::new(), body),
                _ => (404, Vec::new(), Vec::new()),
            }
        })
    }

    /// Every file under `dir`, relative, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if dir.is_dir() {
            for top in std::fs::read_dir(dir).expect("read dir") {
                let name = top
                    .expect("entry")
                    .file_name()
                    .into_string()
                    .expect("utf-8");
                if dir.join(&name).is_dir() {
                    files_under(dir, &name, &mut out).expect("walk");
                } else {
                    out.push(name);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_download_from_a_loopback_server_keeps_matching_files_and_refuses_the_rest_whole() {
        let served = tempfile::tempdir().expect("tempdir");
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let repo_dir = served.path().join("someone/data").join(commit);
        std::fs::create_dir_all(repo_dir.join("Some Folder (v2)")).expect("mkdir");
        let good = b"meta {\n  name: Create a payment\n}\n";
        std::fs::write(repo_dir.join("Some Folder (v2)/a b.bru"), good).expect("write");
        // Served bytes that differ from what the manifest pins: as long, and longer.
        std::fs::write(repo_dir.join("doc.yaml"), b"openapi: 3.0.4\n").expect("write");
        std::fs::write(repo_dir.join("big.yaml"), b"openapi: 3.0.3 # grew\n").expect("write");
        let entries = vec![
            github(
                "klarna/bruno/Some Folder (v2)/a b.bru",
                good,
                "Some Folder (v2)/a b.bru",
            ),
            github("corpus/doc.yaml", b"openapi: 3.0.3\n", "doc.yaml"),
            github("corpus/big.yaml", b"openapi: 3.0.3\n", "big.yaml"),
            github("corpus/gone.yaml", b"x", "gone.yaml"),
            local("klarna/FACTS.md", b"# facts\n"),
        ];
        let dest = tempfile::tempdir().expect("tempdir");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        let source = Source::Http {
            base: serve(served.path().to_path_buf()),
            agent,
        };
        let report = fetch(&entries, dest.path(), &source);
        assert_eq!(report.written, 1, "{report:?}");
        assert_eq!(report.present, 0);
        assert_eq!(report.local_missing, ["klarna/FACTS.md"]);
        assert_eq!(report.failures.len(), 3, "{report:?}");
        assert!(
            report.failures[0].starts_with("corpus/doc.yaml:")
                && report.failures[0].contains("does not match the manifest's"),
            "{report:?}"
        );
        assert!(
            report.failures[1].starts_with("corpus/big.yaml:")
                && report.failures[1].contains("more than the 15 bytes the manifest lists"),
            "{report:?}"
        );
        assert!(
            report.failures[2].starts_with("corpus/gone.yaml:")
                && report.failures[2].contains("HTTP 404"),
            "{report:?}"
        );
        // Only the verified file is there: no refused file, no temporary file.
        assert_eq!(
            listing(dest.path()),
            ["klarna/bruno/Some Folder (v2)/a b.bru"]
        );
        assert_eq!(
            std::fs::read(dest.path().join("klarna/bruno/Some Folder (v2)/a b.bru")).expect("read"),
            good
        );

        // A second run finds the good file in place and downloads nothing again.
        let again = fetch(&entries[..1], dest.path(), &source);
        assert_eq!((again.written, again.present), (0, 1), "{again:?}");
    }

    #[test]
    fn an_origin_that_does_not_answer_stops_the_download_at_the_first_file() {
        // A loopback port nobody listens on: the connection is refused.
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind loopback")
            .local_addr()
            .expect("address")
            .port();
        let entries = vec![
            github("corpus/a.yaml", b"a", "a.yaml"),
            github("corpus/b.yaml", b"b", "b.yaml"),
            github("corpus/c.yaml", b"c", "c.yaml"),
            local("klarna/FACTS.md", b"# facts\n"),
        ];
        let dest = tempfile::tempdir().expect("tempdir");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        let source = Source::Http {
            base: format!("http://127.0.0.1:{port}"),
            agent,
        };
        let report = fetch(&entries, dest.path(), &source);
        assert_eq!(report.written, 0);
        assert_eq!(report.local_missing, ["klarna/FACTS.md"]);
        assert_eq!(report.failures.len(), 1, "{report:?}");
        assert!(
            report.failures[0].starts_with("corpus/a.yaml: GET http://127.0.0.1:")
                && report.failures[0].ends_with("stopped, 3 more files not tried"),
            "{report:?}"
        );
        assert!(listing(dest.path()).is_empty());
    }

    #[test]
    fn a_copy_from_a_directory_checks_every_hash_and_brings_local_files_too() {
        let from = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(from.path().join("klarna")).expect("mkdir");
        std::fs::create_dir_all(from.path().join("corpus")).expect("mkdir");
        std::fs::write(from.path().join("klarna/FACTS.md"), b"# facts\n").expect("write");
        std::fs::write(from.path().join("corpus/doc.yaml"), b"tampered\n").expect("write");
        let entries = vec![
            local("klarna/FACTS.md", b"# facts\n"),
            github("corpus/doc.yaml", b"openapi: 3.0.3\n", "doc.yaml"),
        ];
        let dest = tempfile::tempdir().expect("tempdir");
        let report = fetch(
            &entries,
            dest.path(),
            &Source::Dir(from.path().to_path_buf()),
        );
        assert_eq!(report.written, 1, "{report:?}");
        assert!(report.local_missing.is_empty());
        assert_eq!(report.failures.len(), 1);
        assert!(report.failures[0].contains("does not match"), "{report:?}");
        assert_eq!(listing(dest.path()), ["klarna/FACTS.md"]);
    }

    #[test]
    fn locate_prefers_reference_then_shared_and_otherwise_names_the_command() {
        let reference = tempfile::tempdir().expect("tempdir");
        let shared = tempfile::tempdir().expect("tempdir");
        let entries = vec![
            github("klarna/bruno/a.bru", b"a", "a.bru"),
            github("klarna/bruno/b.bru", b"b", "b.bru"),
            local("klarna/FACTS.md", b"# facts\n"),
        ];
        let bases = [reference.path().to_path_buf(), shared.path().to_path_buf()];
        let missing = locate_in(&entries, &bases, "klarna/bruno", "the collection")
            .expect_err("nothing is there");
        let text = missing.to_string();
        assert!(
            text.contains("Run `cargo xtask reference fetch`") && !text.contains("--from"),
            "{text}"
        );
        let notes = locate_in(&entries, &bases, "klarna/FACTS.md", "the notes")
            .expect_err("nothing is there");
        assert!(
            notes
                .to_string()
                .contains("Run `cargo xtask reference fetch --from DIR`"),
            "{notes}"
        );

        // Complete in ../shared, incomplete in reference/: ../shared it is.
        std::fs::create_dir_all(shared.path().join("klarna/bruno")).expect("mkdir");
        std::fs::write(shared.path().join("klarna/bruno/a.bru"), b"a").expect("write");
        std::fs::write(shared.path().join("klarna/bruno/b.bru"), b"b").expect("write");
        std::fs::create_dir_all(reference.path().join("klarna/bruno")).expect("mkdir");
        std::fs::write(reference.path().join("klarna/bruno/a.bru"), b"a").expect("write");
        assert_eq!(
            locate_in(&entries, &bases, "klarna/bruno", "the collection").expect("found"),
            shared.path().join("klarna/bruno")
        );
        std::fs::write(reference.path().join("klarna/bruno/b.bru"), b"b").expect("write");
        assert_eq!(
            locate_in(&entries, &bases, "klarna/bruno", "the collection").expect("found"),
            reference.path().join("klarna/bruno")
        );
        // `klarna/bruno` is not a prefix of `klarna/brunox`.
        assert!(under(&entries, "klarna/brun").is_empty());
    }

    #[test]
    fn the_manifest_round_trips_and_bad_rows_are_located() {
        let entries = vec![
            github("klarna/bruno/a b.bru", b"a", "ref/a b.bru"),
            local("klarna/FACTS.md", b"# facts\n"),
        ];
        let text = render_manifest(&entries);
        assert_eq!(
            parse_manifest(&text, "reference.tsv").expect("parses"),
            entries
        );
        let short = text.replace("0123456789abcdef0123456789abcdef01234567", "0123456");
        let err = parse_manifest(&short, "reference.tsv").expect_err("short commit");
        assert!(
            err.to_string()
                .starts_with("reference.tsv:8: commit `0123456`"),
            "{err}"
        );
        let escape = text.replace("klarna/FACTS.md", "../FACTS.md");
        assert!(
            parse_manifest(&escape, "m")
                .expect_err("escapes")
                .to_string()
                .contains("without `.` or `..`")
        );
    }

    #[test]
    fn raw_urls_encode_each_path_segment() {
        assert_eq!(
            raw_url(
                "http://127.0.0.1:9/",
                "thejinghao/kn-ap",
                "6071bf10182a6ed4e221345d24768bdb9d70e675",
                "reference/Klarna_Network_v2_r2512_PUBLIC/Management API/Get (v2) ü.bru"
            ),
            "http://127.0.0.1:9/thejinghao/kn-ap/6071bf10182a6ed4e221345d24768bdb9d70e675/reference/\
             Klarna_Network_v2_r2512_PUBLIC/Management%20API/Get%20%28v2%29%20%C3%BC.bru"
        );
    }

    #[test]
    fn corpus_manifest_rows_give_origin_commit_and_licence() {
        let text = "| file | source | version | bytes | paths | schemas | constructs | security | license | blob |\n\
                    |---|---|---|---|---|---|---|---|---|---|\n\
                    | `oai-petstore.yaml` | OAI/OpenAPI-Specification `examples/v3.0/petstore.yaml` @ `43629e348bb8` | 3.0.0 | 2,573 | 2/3 | 3 | x | NONE | Apache-2.0 | `534bb0cd771b` |\n\
                    | `k.yaml` | APIs-guru/openapi-directory `APIs/k/openapi.yaml` @ `cc7d7534ffc0` (read_file) | 3.0.1 | 1 | 1/1 | 2 | x | NONE | MIT (repo LICENSE) | `b62dfec57364` |\n";
        let rows = corpus_rows(text);
        assert_eq!(rows.len(), 2);
        let p = &rows["oai-petstore.yaml"];
        assert_eq!(
            (p.repo.as_str(), p.path.as_str(), p.commit.as_str()),
            (
                "OAI/OpenAPI-Specification",
                "examples/v3.0/petstore.yaml",
                "43629e348bb8"
            )
        );
        assert!(!p.from_text_index);
        assert_eq!(p.licence, "Apache-2.0");
        assert!(rows["k.yaml"].from_text_index);
        assert_eq!(rows["k.yaml"].licence, "MIT (repo LICENSE)");
    }
}
