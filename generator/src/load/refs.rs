//! `$ref`s to other files, resolved by position: what a reference may point at in each place OpenAPI and
//! common bundlers allow it (path items, operations, parameters, bodies, responses, headers, schemas,
//! examples); component targets imported under a unique name, the rest inlined, with cycle and depth
//! limits; `$ref` keys inside literal values (`example`, `default`, `enum`, extensions ...) are data.
//! Which position is which comes from [`crate::load::grammar`].

use super::*;
use crate::load::grammar::{self, Kind, Slot};

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
    resolve_local_refs(root, file, &mut problems);
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
    // A list the grammar does not name (`tags`, `servers`): its objects may hold text `$ref`s
    // (`tags: [{description: {$ref: intro.md}}]`, as bundlers resolve them).
    if let (Kind::Other, Value::Array(items)) = (kind, &mut *value) {
        for (i, item) in items.iter_mut().enumerate() {
            rewrite_refs(
                item,
                Kind::Other,
                dir,
                current_file,
                &format!("{at}/{i}"),
                ctx,
            );
        }
        return;
    }
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
    if kind == Kind::Schema
        && let Some(Value::Object(mapping)) = map
            .get_mut("discriminator")
            .and_then(|d| d.get_mut("mapping"))
    {
        mapping_refs(mapping, dir, current_file, at, ctx);
    }
    for (k, v) in map.iter_mut() {
        if k == "$ref" {
            continue;
        }
        let child = crate::diag::child(at, k);
        let slot = grammar::slot(kind, k);
        if let Slot::One(_) = slot
            && TEXT_KEYS.contains(&k.as_str())
        {
            text_ref(v, dir, current_file, &child, ctx);
            continue;
        }
        // A `$ref` standing for a whole map or list (`properties: {$ref: 'props.yaml#/Pet'}`): the
        // target takes its place, and its entries are read relative to the target's file.
        let container = matches!(slot, Slot::Names(_) | Slot::Extensible(_) | Slot::List(_));
        let moved = if container {
            container_ref(
                v,
                matches!(slot, Slot::List(_)),
                dir,
                current_file,
                &child,
                ctx,
            )
        } else {
            None
        };
        let (dir, current_file) = match &moved {
            Some((d, f)) => (d.as_path(), Some(f.as_path())),
            None => (dir, current_file),
        };
        match slot {
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

/// A discriminator `mapping` value is a schema name or a reference; one to another file
/// (`attach: models/volume_action_post_attach.yml`, as DigitalOcean writes them beside `$ref`s to the same
/// files) becomes the local reference the same file's `$ref` becomes, so the mapping still names the
/// alternative. A bare name (no file extension) and a reference into the root document stay as written.
fn mapping_refs(
    mapping: &mut serde_json::Map<String, Value>,
    dir: &Path,
    current_file: Option<&Path>,
    at: &str,
    ctx: &mut RefCtx<'_>,
) {
    for (value, target) in mapping.iter_mut() {
        let Value::String(r) = target else { continue };
        let (file_part, fragment) = match r.split_once('#') {
            Some((f, frag)) => (f.to_owned(), frag.to_owned()),
            None => (r.clone(), String::new()),
        };
        let is_file = [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| file_part.ends_with(ext));
        let target_file = match current_file {
            _ if is_file => dir.join(&file_part),
            // `#/...` inside another file means that file.
            Some(file) if file_part.is_empty() => file.to_path_buf(),
            _ => continue,
        };
        let at = crate::diag::child(
            &crate::diag::child(&crate::diag::child(at, "discriminator"), "mapping"),
            value,
        );
        if let Some(local) = import(&target_file, &fragment, "schemas", Kind::Schema, &at, ctx) {
            *target = Value::String(local);
        }
    }
}

/// Keys whose value is text, which bundlers let a `$ref` supply (`description: {$ref: intro.md}`).
pub(super) const TEXT_KEYS: &[&str] = &["description", "summary"];

/// The file and fragment a `$ref` names, relative to `dir` (or `current_file` for a bare fragment);
/// `None` for a reference into the root document itself (resolved by [`resolve_local_refs`]) or one that
/// is refused (recorded).
fn ref_target(
    r: &str,
    dir: &Path,
    current_file: Option<&Path>,
    at: &str,
    ctx: &mut RefCtx<'_>,
) -> Option<(PathBuf, String)> {
    let (file_part, fragment) = match r.split_once('#') {
        Some((f, frag)) => (f, frag.to_owned()),
        None => (r, String::new()),
    };
    if file_part.is_empty() {
        return current_file.map(|f| (f.to_path_buf(), fragment));
    }
    if file_part.starts_with("http://") || file_part.starts_with("https://") {
        ctx.problems.push(Diagnostic::error(
            ctx.root_file,
            Location::Pointer(format!("{at}/$ref")),
            format!("remote `$ref` `{r}` is not supported: download the file and refer to it by a relative path"),
        ));
        return None;
    }
    Some((dir.join(file_part), fragment))
}

/// The `$ref` of `{$ref: ...}` (nothing else beside it but a description).
fn lone_ref(v: &Value) -> Option<String> {
    let map = v.as_object()?;
    let r = map.get("$ref")?.as_str()?;
    map.keys()
        .all(|k| k == "$ref" || k == "description" || k == "summary")
        .then(|| r.to_owned())
}

/// Replaces a `$ref` that stands for a whole map or list with its target, returning the directory and
/// file its entries are relative to.
fn container_ref(
    v: &mut Value,
    list: bool,
    dir: &Path,
    current_file: Option<&Path>,
    at: &str,
    ctx: &mut RefCtx<'_>,
) -> Option<(PathBuf, PathBuf)> {
    let r = lone_ref(v)?;
    let (file, fragment) = ref_target(&r, dir, current_file, at, ctx)?;
    let (canonical, target) = fetch_target(&file, &fragment, at, ctx)?;
    if (list && !target.is_array()) || (!list && !target.is_object()) {
        let want = if list { "a list" } else { "a map" };
        ctx.problems.push(Diagnostic::error(
            ctx.root_file,
            Location::Pointer(format!("{at}/$ref")),
            format!("`$ref` `{r}` stands for {want} here, but its target is not one"),
        ));
        return None;
    }
    *v = target;
    let dir = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Some((dir, canonical))
}

/// Replaces `{$ref: intro.md}` where text belongs with the text: the whole file for a file that is not
/// YAML or JSON (or a reference without a fragment to one that is not), or the string at the fragment.
fn text_ref(
    v: &mut Value,
    dir: &Path,
    current_file: Option<&Path>,
    at: &str,
    ctx: &mut RefCtx<'_>,
) {
    let Some(r) = v
        .as_object()
        .and_then(|m| m.get("$ref"))
        .and_then(Value::as_str)
    else {
        return;
    };
    let r = r.to_owned();
    let Some((file, fragment)) = ref_target(&r, dir, current_file, at, ctx) else {
        return;
    };
    let structured = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"));
    let text = if structured || !fragment.is_empty() {
        let Some((_, target)) = fetch_target(&file, &fragment, at, ctx) else {
            return;
        };
        match target {
            Value::String(s) => s,
            _ => {
                ctx.problems.push(Diagnostic::error(
                    ctx.root_file,
                    Location::Pointer(format!("{at}/$ref")),
                    format!("`$ref` `{r}` stands for text here, but its target is not a string"),
                ));
                return;
            }
        }
    } else {
        match std::fs::metadata(&file) {
            Ok(meta) if meta.is_file() => {}
            _ => {
                ctx.problems.push(Diagnostic::error(
                    ctx.root_file,
                    Location::Pointer(format!("{at}/$ref")),
                    format!(
                        "referenced file `{}` is not a readable file",
                        file.display()
                    ),
                ));
                return;
            }
        }
        match std::fs::read_to_string(&file) {
            Ok(text) => text.trim_end().to_owned(),
            Err(e) => {
                ctx.problems.push(Diagnostic::error(
                    ctx.root_file,
                    Location::Pointer(format!("{at}/$ref")),
                    format!("cannot read referenced text file `{}`: {e}", file.display()),
                ));
                return;
            }
        }
    };
    *v = Value::String(text);
}

/// Resolves, in the root document, `$ref`s into the root document itself that stand for a whole map or
/// list, or for text (the external ones are resolved while walking, [`rewrite_refs`]). Chains of them are
/// followed a bounded number of steps.
pub(super) fn resolve_local_refs(root: &mut Value, file: &str, problems: &mut Diagnostics) {
    let snapshot = root.clone();
    local_walk(root, Kind::Document, "#", &snapshot, file, problems);
}

fn local_target<'v>(snapshot: &'v Value, v: &Value) -> Option<(String, Option<&'v Value>)> {
    let r = lone_ref(v).or_else(|| {
        v.as_object()
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    })?;
    let fragment = r.strip_prefix('#')?;
    let pointer = fragment
        .strip_prefix('/')
        .map(|p| format!("/{p}"))
        .unwrap_or_default();
    Some((r.clone(), snapshot.pointer(&pointer)))
}

fn local_walk(
    value: &mut Value,
    kind: Kind,
    at: &str,
    snapshot: &Value,
    file: &str,
    problems: &mut Diagnostics,
) {
    if let (Kind::Other, Value::Array(items)) = (kind, &mut *value) {
        for (i, item) in items.iter_mut().enumerate() {
            local_walk(
                item,
                Kind::Other,
                &format!("{at}/{i}"),
                snapshot,
                file,
                problems,
            );
        }
        return;
    }
    let Value::Object(map) = value else {
        return;
    };
    for (k, v) in map.iter_mut() {
        if k == "$ref" {
            continue;
        }
        let child = crate::diag::child(at, k);
        let slot = grammar::slot(kind, k);
        let text = matches!(slot, Slot::One(_)) && TEXT_KEYS.contains(&k.as_str());
        // Maps and lists of the grammar, and the objects and lists it does not name (`servers`,
        // `info`, `security`), which bundlers also resolve.
        let other = matches!(slot, Slot::One(Kind::Other)) && !text;
        let container =
            other || matches!(slot, Slot::Names(_) | Slot::Extensible(_) | Slot::List(_));
        if (text || container) && v.is_object() {
            let mut steps = 0;
            while let Some((r, target)) = local_target(snapshot, v) {
                if !text && lone_ref(v).is_none() {
                    break;
                }
                steps += 1;
                let list = matches!(slot, Slot::List(_));
                let fits = match target {
                    Some(Value::String(_)) => text,
                    Some(Value::Object(_)) => container && !list,
                    Some(Value::Array(_)) => container && (list || other),
                    _ => false,
                };
                if !fits || steps > MAX_INLINE_DEPTH {
                    problems.push(Diagnostic::error(
                        file,
                        Location::Pointer(format!("{child}/$ref")),
                        match target {
                            None => format!("`$ref` target `{r}` not found"),
                            Some(_) if steps > MAX_INLINE_DEPTH => format!(
                                "`$ref` `{r}` leads through more than {MAX_INLINE_DEPTH} references (a cycle?)"
                            ),
                            Some(_) if text => format!(
                                "`$ref` `{r}` stands for text here, but its target is not a string"
                            ),
                            Some(_) => format!(
                                "`$ref` `{r}` stands for {} here, but its target is not one",
                                if matches!(slot, Slot::List(_)) { "a list" } else { "a map" }
                            ),
                        },
                    ));
                    break;
                }
                if let Some(target) = target {
                    *v = target.clone();
                }
            }
        }
        if text {
            continue;
        }
        match slot {
            Slot::Literal => {}
            Slot::One(inner) => local_walk(v, inner, &child, snapshot, file, problems),
            slot @ (Slot::Names(inner) | Slot::Extensible(inner)) => {
                if let Value::Object(names) = v {
                    for (name, item) in names.iter_mut() {
                        if matches!(slot, Slot::Extensible(_)) && grammar::is_extension(name) {
                            continue;
                        }
                        let at = crate::diag::child(&child, name);
                        local_walk(item, inner, &at, snapshot, file, problems);
                    }
                }
            }
            Slot::List(inner) => {
                if let Value::Array(items) = v {
                    for (i, item) in items.iter_mut().enumerate() {
                        let at = format!("{child}/{i}");
                        local_walk(item, inner, &at, snapshot, file, problems);
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
                crate::load::locate::closest(&last, siblings.keys().map(String::as_str))
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
