//! `$ref`s to other files, resolved by position: what a reference may point at in each place OpenAPI and
//! common bundlers allow it (path items, operations, parameters, bodies, responses, headers, schemas,
//! examples); component targets imported under a unique name, the rest inlined, with cycle and depth
//! limits; `$ref` keys inside literal values (`example`, `default`, `enum`, extensions ...) are data.
//! Which position is which comes from [`crate::grammar`].

use super::*;
use crate::grammar::{self, Kind, Slot};

/// Where an imported external target ended up in the root document.
pub(super) type Imported = BTreeMap<(PathBuf, String, String), String>;

pub(super) fn resolve_external_refs(
    root: &mut Value,
    base_dir: &Path,
    file: &str,
) -> Result<(), Diagnostics> {
    let mut imported: Imported = BTreeMap::new();
    let mut additions: Vec<(String, String, Value)> = Vec::new();
    let mut cache: BTreeMap<PathBuf, Value> = BTreeMap::new();
    let mut problems = Diagnostics::new();
    let existing = existing_component_names(root);
    let mut ctx = RefCtx {
        imported: &mut imported,
        additions: &mut additions,
        cache: &mut cache,
        problems: &mut problems,
        root_file: file,
        existing: &existing,
        inline_depth: 0,
    };
    rewrite_refs(root, Kind::Document, base_dir, None, "#", &mut ctx);
    if problems.has_errors() {
        return Err(problems);
    }
    if additions.is_empty() {
        return Ok(());
    }
    let Some(obj) = root.as_object_mut() else {
        return Ok(());
    };
    let components = obj
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        for (section, name, value) in additions {
            let sec = components
                .entry(section)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(sec) = sec.as_object_mut() {
                sec.insert(name, value);
            }
        }
    }
    Ok(())
}

pub(super) struct RefCtx<'a> {
    imported: &'a mut Imported,
    additions: &'a mut Vec<(String, String, Value)>,
    cache: &'a mut BTreeMap<PathBuf, Value>,
    problems: &'a mut Diagnostics,
    root_file: &'a str,
    existing: &'a std::collections::BTreeSet<(String, String)>,
    /// How many inlined targets enclose the one being walked.
    inline_depth: usize,
}

pub(super) fn existing_component_names(
    root: &Value,
) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    if let Some(components) = root.get("components").and_then(Value::as_object) {
        for (section, entries) in components {
            if let Some(entries) = entries.as_object() {
                for name in entries.keys() {
                    out.insert((section.clone(), name.clone()));
                }
            }
        }
    }
    out
}

/// How deep external `$ref`s may inline one another (path items, operations) before it is a cycle.
pub(super) const MAX_INLINE_DEPTH: usize = 32;

/// Walks `value`, an object of `kind`; `current_file` is `None` for the root document, or the external
/// file the value came from.
pub(super) fn rewrite_refs(
    value: &mut Value,
    kind: Kind,
    dir: &Path,
    current_file: Option<&Path>,
    at: &str,
    ctx: &mut RefCtx<'_>,
) {
    let Value::Object(map) = value else {
        return;
    };
    if let Some(Value::String(r)) = map.get("$ref") {
        let r = r.clone();
        let external = !r.starts_with('#');
        if external || current_file.is_some() {
            let (file_part, fragment) = match r.split_once('#') {
                Some((f, frag)) => (f.to_owned(), frag.to_owned()),
                None => (r.clone(), String::new()),
            };
            let target_file = if file_part.is_empty() {
                current_file.map(Path::to_path_buf)
            } else if file_part.starts_with("http://") || file_part.starts_with("https://") {
                ctx.problems.push(Diagnostic::error(ctx.root_file, Location::Pointer(format!("{at}/$ref")), format!("remote `$ref` `{r}` is not supported: download the file and refer to it by a relative path")));
                None
            } else {
                Some(dir.join(&file_part))
            };
            if let Some(target_file) = target_file {
                match grammar::component_section(kind) {
                    Some(section) => {
                        if let Some(local) = import(&target_file, &fragment, section, kind, at, ctx)
                        {
                            map.insert("$ref".into(), Value::String(local));
                        }
                    }
                    None => {
                        // No component section holds this kind in OpenAPI 3.0: put the target here.
                        if let Some(target) = inline(&target_file, &fragment, kind, at, ctx) {
                            *value = target;
                        }
                        return;
                    }
                }
            }
        }
    }
    for (k, v) in map.iter_mut() {
        if k == "$ref" {
            continue;
        }
        let child = crate::diag::child(at, k);
        match grammar::slot(kind, k) {
            Slot::Literal => {}
            Slot::One(inner) => rewrite_refs(v, inner, dir, current_file, &child, ctx),
            slot @ (Slot::Names(inner) | Slot::Extensible(inner)) => {
                if let Value::Object(names) = v {
                    for (name, item) in names.iter_mut() {
                        if matches!(slot, Slot::Extensible(_)) && grammar::is_extension(name) {
                            continue;
                        }
                        let at = crate::diag::child(&child, name);
                        rewrite_refs(item, inner, dir, current_file, &at, ctx);
                    }
                }
            }
            Slot::List(inner) => {
                if let Value::Array(items) = v {
                    for (i, item) in items.iter_mut().enumerate() {
                        let at = format!("{child}/{i}");
                        rewrite_refs(item, inner, dir, current_file, &at, ctx);
                    }
                }
            }
        }
    }
}

/// Reads `target_file` (once) and returns the value at `fragment`, or records why not.
pub(super) fn fetch_target(
    target_file: &Path,
    fragment: &str,
    at: &str,
    ctx: &mut RefCtx<'_>,
) -> Option<(PathBuf, Value)> {
    let canonical = target_file
        .canonicalize()
        .unwrap_or_else(|_| target_file.to_path_buf());
    if !ctx.cache.contains_key(&canonical) {
        let shown = target_file.display().to_string();
        // Only regular files: a device or a FIFO (`/dev/zero`, `/dev/stdin`) would be read without end.
        if let Ok(meta) = std::fs::metadata(&canonical)
            && !meta.is_file()
        {
            ctx.problems.push(Diagnostic::error(
                ctx.root_file,
                Location::Pointer(format!("{at}/$ref")),
                format!("referenced file `{shown}` is not a regular file"),
            ));
            return None;
        }
        let bytes = match std::fs::read(&canonical) {
            Ok(b) => b,
            Err(e) => {
                ctx.problems.push(Diagnostic::error(
                    ctx.root_file,
                    Location::Pointer(format!("{at}/$ref")),
                    format!("cannot read referenced file `{shown}`: {e}"),
                ));
                return None;
            }
        };
        match parse_document(&bytes, &shown) {
            Ok(v) => {
                ctx.cache.insert(canonical.clone(), v);
            }
            Err(d) => {
                ctx.problems.push(d);
                return None;
            }
        }
    }
    let doc = ctx.cache.get(&canonical)?;
    let pointer = fragment
        .strip_prefix('/')
        .map(|p| format!("/{p}"))
        .unwrap_or_default();
    let Some(target) = doc.pointer(&pointer).cloned() else {
        // The closest name next to the missing one, if any is close.
        let hint = pointer
            .rsplit_once('/')
            .and_then(|(parent, last)| {
                let siblings = doc.pointer(parent)?.as_object()?;
                let last = unescape(last);
                crate::locate::closest(&last, siblings.keys().map(String::as_str))
                    .map(|n| format!("; did you mean `{n}`?"))
            })
            .unwrap_or_default();
        ctx.problems.push(Diagnostic::error(
            ctx.root_file,
            Location::Pointer(format!("{at}/$ref")),
            format!(
                "`$ref` target `#{fragment}` not found in `{}`{hint}",
                target_file.display()
            ),
        ));
        return None;
    };
    Some((canonical, target))
}

/// Inlines an external target at a position no component section can hold (a path item, an operation).
pub(super) fn inline(
    target_file: &Path,
    fragment: &str,
    kind: Kind,
    at: &str,
    ctx: &mut RefCtx<'_>,
) -> Option<Value> {
    if ctx.inline_depth >= MAX_INLINE_DEPTH {
        ctx.problems.push(Diagnostic::error(
            ctx.root_file,
            Location::Pointer(format!("{at}/$ref")),
            format!(
                "`$ref` to `{}#{fragment}` nests more than {MAX_INLINE_DEPTH} levels deep (a reference cycle?)",
                target_file.display()
            ),
        ));
        return None;
    }
    let (canonical, mut target) = fetch_target(target_file, fragment, at, ctx)?;
    let dir = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    ctx.inline_depth += 1;
    rewrite_refs(&mut target, kind, &dir, Some(&canonical), at, ctx);
    ctx.inline_depth -= 1;
    Some(target)
}

/// Imports an external target into the root document's `components.<section>` (once per file and
/// fragment) and returns the local `$ref` to it.
pub(super) fn import(
    target_file: &Path,
    fragment: &str,
    section: &str,
    kind: Kind,
    at: &str,
    ctx: &mut RefCtx<'_>,
) -> Option<String> {
    let canonical = target_file
        .canonicalize()
        .unwrap_or_else(|_| target_file.to_path_buf());
    let key = (canonical.clone(), fragment.to_owned(), section.to_owned());
    if let Some(local) = ctx.imported.get(&key) {
        return Some(local.clone());
    }
    let (canonical, mut target) = fetch_target(target_file, fragment, at, ctx)?;
    let base_name = match fragment
        .trim_start_matches('/')
        .split('/')
        .rfind(|t| !t.is_empty())
    {
        Some(last) => unescape(last),
        None => canonical
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("External")
            .to_owned(),
    };
    let name = unique_component_name(section, &base_name, ctx);
    let local = format!(
        "#/components/{section}/{}",
        crate::diag::escape_pointer_token(&name)
    );
    ctx.imported.insert(key, local.clone());
    // Claim the name before walking the target, so a reference back to it (a cycle) finds it.
    ctx.additions
        .push((section.to_owned(), name.clone(), Value::Null));
    let index = ctx.additions.len() - 1;
    let dir = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    rewrite_refs(&mut target, kind, &dir, Some(&canonical), &local, ctx);
    ctx.additions[index].2 = target;
    Some(local)
}

pub(super) fn unique_component_name(section: &str, base: &str, ctx: &RefCtx<'_>) -> String {
    let taken = |n: &str| {
        ctx.existing.contains(&(section.to_owned(), n.to_owned()))
            || ctx
                .additions
                .iter()
                .any(|(s, name, _)| s == section && name == n)
    };
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_owned())
}

pub(super) fn unescape(token: &str) -> String {
    crate::diag::decode_pointer_token(token)
}
