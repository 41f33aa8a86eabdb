//! `cargo xtask doc-links`: builds the workspace's documentation as CI does (`cargo doc` with warnings
//! and broken intra-doc links as errors) and then checks every link of the rendered pages.
//!
//! rustdoc does not warn about every dead end: a link it resolved but could not turn into a URL (an item
//! reached through an inlined re-export of a crate the documented crate does not depend on directly, a
//! `crate::` path in docs inlined into another crate) is written out as the raw path
//! (`href="klarna::payment::operations::CreatePaymentRequest"`). This check reads the HTML: every
//! `href` and `src` must be an external URL, or a file under the documentation root, and its `#fragment`
//! an `id` of that page.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// URL schemes that point outside the rendered documentation (not checked).
const EXTERNAL: &[&str] = &["http:", "https:", "mailto:", "javascript:", "data:", "ftp:"];

/// Runs the command: `--no-build` checks the documentation already in the target directory.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let build = !args.iter().any(|a| a == "--no-build");
    if let Some(other) = args.iter().find(|a| *a != "--no-build") {
        bail!("doc-links: unknown argument `{other}` (usage: cargo xtask doc-links [--no-build])");
    }
    if build {
        // Level by level of the workspace's own dependency graph: rustdoc links to another crate of the
        // workspace only when that crate's docs are already in the output directory when it runs (else it
        // writes the raw path, without a warning), and one `cargo doc --workspace` runs them in parallel.
        for level in doc_levels(root)? {
            eprintln!(
                "doc-links: cargo doc --no-deps --all-features -p {} (warnings and broken intra-doc links are errors)",
                level.join(" -p ")
            );
            let mut command = Command::new(cargo());
            command
                .current_dir(root)
                .args(["doc", "--no-deps", "--all-features"])
                .env(
                    "RUSTDOCFLAGS",
                    "-D warnings -D rustdoc::broken_intra_doc_links",
                );
            for package in &level {
                command.args(["-p", package]);
            }
            let status = command.status().context("running cargo doc")?;
            if !status.success() {
                bail!("cargo doc failed");
            }
        }
    }
    let doc = target_dir(root).join("doc");
    if !doc.is_dir() {
        bail!(
            "no rendered documentation in {}: run `cargo xtask doc-links` without --no-build",
            doc.display()
        );
    }
    let report = check(&doc)?;
    eprintln!(
        "doc-links: {} pages, {} links checked ({} external, not followed)",
        report.pages, report.links, report.external
    );
    if report.broken.is_empty() {
        eprintln!("doc-links: every link resolves");
        return Ok(());
    }
    // One line per distinct problem, with how often and on how many pages it occurs.
    let mut by_problem: BTreeMap<(String, String), (usize, HashSet<PathBuf>)> = BTreeMap::new();
    for b in &report.broken {
        let entry = by_problem
            .entry((b.href.clone(), b.why.clone()))
            .or_default();
        entry.0 += 1;
        entry.1.insert(b.page.clone());
    }
    for ((href, why), (count, pages)) in &by_problem {
        let mut pages: Vec<_> = pages.iter().collect();
        pages.sort();
        let first = pages
            .first()
            .map(|p| p.strip_prefix(&doc).unwrap_or(p).display().to_string())
            .unwrap_or_default();
        let more = if pages.len() > 1 {
            format!(" and {} more pages", pages.len() - 1)
        } else {
            String::new()
        };
        println!("{first}{more}: href=\"{href}\" ({count}x): {why}");
    }
    bail!(
        "{} broken links ({} distinct) in the rendered documentation",
        report.broken.len(),
        by_problem.len()
    )
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `cargo metadata --no-deps` of the workspace at `root`, as JSON.
pub(crate) fn workspace_metadata(root: &Path) -> Result<serde_json::Value> {
    let out = Command::new(cargo())
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).context("reading cargo metadata's output")
}

/// The workspace's packages grouped by depth in their own dependency graph (normal dependencies on other
/// members): every package comes after the members it depends on.
fn doc_levels(root: &Path) -> Result<Vec<Vec<String>>> {
    let meta = workspace_metadata(root)?;
    let packages = meta["packages"].as_array().cloned().unwrap_or_default();
    let names: HashSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    let deps: BTreeMap<String, Vec<String>> = packages
        .iter()
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_owned();
            let inner = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|d| names.contains(*d))
                .map(str::to_owned)
                .collect();
            Some((name, inner))
        })
        .collect();
    let mut depth: BTreeMap<String, usize> = BTreeMap::new();
    // Relax until stable (the graph is acyclic; at most one pass per package).
    for _ in 0..=deps.len() {
        let mut changed = false;
        for (name, inner) in &deps {
            let d = inner
                .iter()
                .map(|i| depth.get(i).copied().unwrap_or(0) + 1)
                .max()
                .unwrap_or(0);
            if depth.get(name) != Some(&d) {
                depth.insert(name.clone(), d);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut levels: Vec<Vec<String>> = Vec::new();
    for (name, d) in depth {
        if levels.len() <= d {
            levels.resize(d + 1, Vec::new());
        }
        levels[d].push(name);
    }
    Ok(levels)
}

/// `CARGO_TARGET_DIR`, else `target/` of the workspace.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        None => root.join("target"),
    }
}

/// A link that does not resolve.
#[derive(Debug)]
pub struct Broken {
    /// The page it is on.
    pub page: PathBuf,
    /// The attribute's value as written.
    pub href: String,
    /// Why it does not resolve.
    pub why: String,
}

/// What [`check`] found.
#[derive(Debug, Default)]
pub struct Report {
    /// HTML pages read.
    pub pages: usize,
    /// Links checked (internal and external).
    pub links: usize,
    /// External links (not followed).
    pub external: usize,
    /// Links that do not resolve.
    pub broken: Vec<Broken>,
}

/// Checks every page of every crate under `doc` (rustdoc's own pages are left out: the source view under
/// `src/`, whose line anchors are made by script, the static files, and `help.html` and `settings.html`
/// at the root, which link to a root index rustdoc writes only on request).
pub fn check(doc: &Path) -> Result<Report> {
    let mut pages = Vec::new();
    collect_pages(doc, doc, &mut pages)?;
    let mut report = Report::default();
    let mut ids: HashMap<PathBuf, Option<HashSet<String>>> = HashMap::new();
    for page in &pages {
        let html =
            std::fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
        report.pages += 1;
        // The blanket implementations (the last section of a page) repeat the docs of other crates'
        // traits (`tracing::Instrument`, ...), with those crates' relative links: not this project's to fix.
        let own = html
            .find("id=\"blanket-implementations")
            .map_or(html.as_str(), |end| &html[..end]);
        for raw in attribute_values(own, &["href", "src"]) {
            report.links += 1;
            let href = unescape(raw);
            match resolve(doc, page, &href) {
                Target::External => report.external += 1,
                Target::Broken(why) => report.broken.push(Broken {
                    page: page.clone(),
                    href,
                    why,
                }),
                Target::File(file, fragment) => {
                    let Some((raw_fragment, fragment)) = fragment else {
                        continue;
                    };
                    if fragment.is_empty() || file.starts_with(doc.join("src")) {
                        continue;
                    }
                    // rustdoc's redirect pages (an item's path through a private module) pass the
                    // fragment on to the page they redirect to.
                    let file = follow_redirects(doc, file);
                    let known = ids.entry(file.clone()).or_insert_with(|| {
                        let text = std::fs::read_to_string(&file).ok()?;
                        Some(
                            attribute_values(&text, &["id", "name"])
                                .map(unescape)
                                .collect(),
                        )
                    });
                    // rustdoc writes some ids percent-encoded, as the fragment is.
                    if let Some(known) = known
                        && !known.contains(&fragment)
                        && !known.contains(&raw_fragment)
                    {
                        report.broken.push(Broken {
                            page: page.clone(),
                            href,
                            why: format!("no element with id `{fragment}` on that page"),
                        });
                    }
                }
            }
        }
    }
    Ok(report)
}

/// The page a rustdoc redirect page (`<meta http-equiv="refresh" content="0;URL=...">`) leads to, followed
/// a few times; `file` itself when it is not one.
fn follow_redirects(doc: &Path, mut file: PathBuf) -> PathBuf {
    for _ in 0..4 {
        let Ok(text) = std::fs::read_to_string(&file) else {
            break;
        };
        let Some(url) = text
            .find("http-equiv=\"refresh\" content=\"0;URL=")
            .map(|at| &text[at + "http-equiv=\"refresh\" content=\"0;URL=".len()..])
            .and_then(|rest| rest.split('"').next())
        else {
            break;
        };
        match resolve(doc, &file, &unescape(url)) {
            Target::File(next, _) if next != file => file = next,
            _ => break,
        }
    }
    file
}

fn collect_pages(doc: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            let skip = path == doc.join("src") || path == doc.join("static.files");
            if !skip {
                collect_pages(doc, &path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "html") && dir != doc {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Where a link leads.
enum Target {
    External,
    /// A file under the documentation root, and the fragment if any (as written, and decoded).
    File(PathBuf, Option<(String, String)>),
    Broken(String),
}

fn resolve(doc: &Path, page: &Path, href: &str) -> Target {
    let lower = href.to_ascii_lowercase();
    if EXTERNAL.iter().any(|s| lower.starts_with(s)) || href.starts_with("//") {
        return Target::External;
    }
    let (rest, fragment) = match href.split_once('#') {
        Some((r, f)) => (r, Some((f.to_owned(), percent_decode(f)))),
        None => (href, None),
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.contains(':') {
        return Target::Broken(
            "not a URL: a path rustdoc resolved but wrote out as written (an unresolvable intra-doc link)"
                .into(),
        );
    }
    if path.is_empty() {
        return Target::File(page.to_path_buf(), fragment);
    }
    if path.starts_with('/') {
        return Target::Broken(
            "an absolute path: it depends on where the documentation is served".into(),
        );
    }
    let mut target = page.parent().map(Path::to_path_buf).unwrap_or_default();
    for component in Path::new(&percent_decode(path)).components() {
        match component {
            Component::ParentDir => {
                target.pop();
            }
            Component::Normal(c) => target.push(c),
            _ => {}
        }
    }
    if !target.starts_with(doc) {
        return Target::Broken("leads outside the documentation root".into());
    }
    if target.is_dir() {
        target.push("index.html");
    }
    if target.is_file() {
        Target::File(target, fragment)
    } else if path == "all.html" {
        // The sidebar's "All Items" of a module of an inlined crate re-export (`klarna::payment`):
        // rustdoc writes it relative to the module, where there is no such page. rustdoc's own
        // navigation, not a link in this project's docs; counted as external.
        Target::External
    } else {
        Target::Broken("no such file".into())
    }
}

/// The values of the attributes `names` (double-quoted, as rustdoc writes them) in `html`.
fn attribute_values<'h>(html: &'h str, names: &[&str]) -> impl Iterator<Item = &'h str> {
    let names: Vec<String> = names.iter().map(|n| format!(" {n}=\"")).collect();
    let mut found = Vec::new();
    for name in &names {
        let mut at = 0;
        while let Some(i) = html[at..].find(name.as_str()) {
            let start = at + i + name.len();
            let Some(len) = html[start..].find('"') else {
                break;
            };
            found.push((start, &html[start..start + len]));
            at = start + len;
        }
    }
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().map(|(_, v)| v)
}

/// The HTML entities rustdoc writes in attributes.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small rendered tree with one link of each kind.
    #[test]
    fn finds_raw_paths_missing_files_and_fragments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let doc = dir.path();
        std::fs::create_dir_all(doc.join("krate/sub")).expect("dirs");
        std::fs::create_dir_all(doc.join("krate/private")).expect("dirs");
        // A redirect page, as rustdoc writes for an item reached through a private module.
        std::fs::write(
            doc.join("krate/private/struct.A.html"),
            r#"<meta http-equiv="refresh" content="0;URL=../../krate/struct.A.html">"#,
        )
        .expect("page");
        std::fs::write(
            doc.join("krate/struct.A.html"),
            r#"<h2 id="method.run">run</h2>"#,
        )
        .expect("page");
        std::fs::write(
            doc.join("krate/sub/index.html"),
            concat!(
                r#"<a href="../struct.A.html#method.run">ok</a>"#,
                r#" <a href="../struct.A.html#method.gone">no id</a>"#,
                r#" <a href="klarna::payment::operations::CreatePaymentRequest">raw</a>"#,
                r#" <a href="crate::Request">raw</a>"#,
                r#" <a href="../struct.B.html">missing</a>"#,
                r#" <a href="https://doc.rust-lang.org/std/">external</a>"#,
                r#" <a href="../../../outside.html">outside</a>"#,
                r##" <a href="#top">self</a><span id="top"></span>"##,
                r#" <img src="../struct.A.html?x=1&amp;y=2">"#,
                r#" <a href="../private/struct.A.html#method.run">redirected</a>"#,
                r#" <a href="../private/struct.A.html#method.nope">redirected, no id</a>"#,
            ),
        )
        .expect("page");
        let report = check(doc).expect("checks");
        assert_eq!(report.pages, 3);
        assert_eq!(report.links, 11);
        assert_eq!(report.external, 1);
        let broken: Vec<&str> = report.broken.iter().map(|b| b.href.as_str()).collect();
        assert_eq!(
            broken,
            [
                "../struct.A.html#method.gone",
                "klarna::payment::operations::CreatePaymentRequest",
                "crate::Request",
                "../struct.B.html",
                "../../../outside.html",
                "../private/struct.A.html#method.nope",
            ],
            "{report:#?}"
        );
    }

    #[test]
    fn percent_escapes_and_entities_are_decoded() {
        assert_eq!(percent_decode("a%20b%2Fc%zz"), "a b/c%zz");
        assert_eq!(unescape("a&amp;b&quot;"), "a&b\"");
    }
}
