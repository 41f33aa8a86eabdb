//! Stage 1, load: bytes on disk → a parsed, version-checked, `$ref`-resolved OpenAPI document.
//!
//! The loader knows nothing of Rust. It reads YAML or JSON (told apart by content, not by file name),
//! refuses versions it does not support with a message naming the version, normalizes OpenAPI 3.1 into the
//! 3.0 shape that `openapiv3` parses (see [`crate::normalize`]), pulls `$ref`s to other files into the
//! document's own `components` so later stages only ever see local references, and finally parses the
//! document with `openapiv3`. Every failure is a [`Diagnostic`] naming the file and a line:column or a
//! JSON pointer.
//!
//! YAML is read with `serde-saphyr`: `serde_yaml` is deprecated upstream, and serde-saphyr is maintained,
//! panic-free by design, rejects duplicate keys, and reports line and column for every syntax error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Diagnostics, Location};

/// A document that loaded cleanly.
#[derive(Clone, Debug)]
pub struct LoadedSpec {
    /// The path as the caller gave it (used in diagnostics and headers).
    pub display_path: String,
    /// The file stem, e.g. `notification` for `specs/notification.yaml`.
    pub stem: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The `openapi` version string the document declared.
    pub declared_version: String,
    /// The document after normalization and `$ref` inlining, as JSON (for pointer look-ups).
    pub raw: Value,
    /// The parsed document.
    pub openapi: openapiv3::OpenAPI,
    /// Warnings found while loading.
    pub warnings: Diagnostics,
}

/// The OpenAPI versions this loader accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecVersion {
    /// OpenAPI 3.0.x.
    V30,
    /// OpenAPI 3.1.x, normalized to the 3.0 shape.
    V31,
}

/// Loads one document from disk.
pub fn load(path: &Path, display_path: &str) -> Result<LoadedSpec, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        one(Diagnostic::error(
            display_path,
            Location::File,
            format!("cannot read file: {e}"),
        ))
    })?;
    load_bytes(&bytes, path, display_path)
}

/// Loads one document from bytes; `path` is used to resolve relative `$ref`s.
pub fn load_bytes(
    bytes: &[u8],
    path: &Path,
    display_path: &str,
) -> Result<LoadedSpec, Diagnostics> {
    let sha256 = hex(&Sha256::digest(bytes));
    let mut root = parse_document(bytes, display_path).map_err(one)?;
    let (version, declared) = check_version(&root, display_path).map_err(one)?;
    let mut warnings = Diagnostics::new();
    if version == SpecVersion::V31 {
        crate::normalize::normalize_31(&mut root, display_path, &mut warnings);
    }
    crate::validate::repair(&mut root, display_path, &mut warnings);
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    resolve_external_refs(&mut root, &base_dir, display_path)?;
    let openapi = parse_openapi(&root, display_path)?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("api")
        .to_owned();
    Ok(LoadedSpec {
        display_path: display_path.to_owned(),
        stem,
        sha256,
        declared_version: declared,
        raw: root,
        openapi,
        warnings,
    })
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parses YAML or JSON bytes into a JSON value, with a located error.
pub fn parse_document(bytes: &[u8], file: &str) -> Result<Value, Diagnostic> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = line_col(bytes, e.valid_up_to());
            return Err(Diagnostic::error(
                file,
                Location::LineCol { line, column },
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02X})",
                    bytes.get(e.valid_up_to()).copied().unwrap_or(0)
                ),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error(file, Location::File, "the file is empty"));
    }
    let looks_like_json = text.trim_start().starts_with('{') || text.trim_start().starts_with('[');
    if looks_like_json {
        serde_json::from_str::<Value>(text).map_err(|e| {
            Diagnostic::error(
                file,
                Location::LineCol {
                    line: e.line() as u64,
                    column: e.column() as u64,
                },
                format!("invalid JSON: {}", strip_json_position(&e.to_string())),
            )
        })
    } else {
        serde_saphyr::from_str::<Value>(text).map_err(|e| {
            let location = match e.location() {
                Some(l) if l.line() > 0 => Location::LineCol {
                    line: l.line(),
                    column: l.column(),
                },
                _ => Location::File,
            };
            Diagnostic::error(
                file,
                location,
                format!("invalid YAML: {}", yaml_message(&e)),
            )
        })
    }
}

fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("").trim();
    // serde-saphyr prefixes "error: line L column C: "; the location is reported separately.
    let msg = first.strip_prefix("error: ").unwrap_or(first);
    let msg = match msg.find(": ") {
        Some(i) if msg.starts_with("line ") => &msg[i + 2..],
        _ => msg,
    };
    if msg.starts_with("budget breached") {
        // Anchors and aliases can make a small file expand to billions of nodes ("billion laughs").
        format!(
            "the document expands beyond the parser's size limits, through aliases or sheer size ({msg})"
        )
    } else {
        msg.to_owned()
    }
}

fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
    (line, col)
}

/// Reads the declared version and refuses what is not supported.
pub fn check_version(root: &Value, file: &str) -> Result<(SpecVersion, String), Diagnostic> {
    let Some(obj) = root.as_object() else {
        return Err(Diagnostic::error(
            file,
            Location::Pointer("#".into()),
            "the document is not an object: expected an OpenAPI document",
        ));
    };
    if let Some(swagger) = obj.get("swagger") {
        let v = scalar_text(swagger);
        return Err(Diagnostic::error(
            file,
            Location::Pointer("#/swagger".into()),
            format!(
                "unsupported version: Swagger {v} (OpenAPI 2.0); only OpenAPI 3.0.x and 3.1.x are supported, convert the document first"
            ),
        ));
    }
    let Some(version) = obj.get("openapi") else {
        return Err(Diagnostic::error(
            file,
            Location::Pointer("#".into()),
            "missing `openapi` version field: this is not an OpenAPI 3 document",
        ));
    };
    let v = scalar_text(version);
    if v.starts_with("3.0.") || v == "3.0" {
        Ok((SpecVersion::V30, v))
    } else if v.starts_with("3.1.") || v == "3.1" {
        Ok((SpecVersion::V31, v))
    } else {
        Err(Diagnostic::error(
            file,
            Location::Pointer("#/openapi".into()),
            format!("unsupported version: OpenAPI {v}; only OpenAPI 3.0.x and 3.1.x are supported"),
        ))
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_openapi(root: &Value, file: &str) -> Result<openapiv3::OpenAPI, Diagnostics> {
    let mut problems = Diagnostics::new();
    crate::validate::check_structure(root, file, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(root) {
        Ok(api) => Ok(api),
        Err(e) => {
            // Parse again piece by piece to report every refused piece at its own pointer.
            let found = crate::locate::problems(root);
            if found.is_empty() {
                let pointer = path_to_pointer(e.path());
                let inner = e.into_inner().to_string();
                problems.push(Diagnostic::error(
                    file,
                    Location::Pointer(pointer),
                    format!("not a valid OpenAPI 3.0 object: {inner}"),
                ));
            }
            for (pointer, message) in found {
                problems.push(Diagnostic::error(
                    file,
                    Location::Pointer(pointer),
                    format!("not a valid OpenAPI 3.0 object: {message}"),
                ));
            }
            Err(problems)
        }
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    crate::diag::pointer(crate::locate::path_tokens(path))
}

// ---------------------------------------------------------------------------------------------------------
// External `$ref`s
// ---------------------------------------------------------------------------------------------------------

/// Where an imported external target ended up in the root document.
type Imported = BTreeMap<(PathBuf, String, String), String>;

fn resolve_external_refs(root: &mut Value, base_dir: &Path, file: &str) -> Result<(), Diagnostics> {
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

struct RefCtx<'a> {
    imported: &'a mut Imported,
    additions: &'a mut Vec<(String, String, Value)>,
    cache: &'a mut BTreeMap<PathBuf, Value>,
    problems: &'a mut Diagnostics,
    root_file: &'a str,
    existing: &'a std::collections::BTreeSet<(String, String)>,
    /// How many inlined targets enclose the one being walked.
    inline_depth: usize,
}

fn existing_component_names(root: &Value) -> std::collections::BTreeSet<(String, String)> {
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

/// What an object in an OpenAPI document is, as far as `$ref` resolution cares: where a `$ref` may stand,
/// which component section an imported target belongs in, and which values are literal data (examples,
/// defaults, enum values, extension values), whose `$ref` keys are data and never resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Schema,
    Example,
    Link,
    Callback,
    SecurityScheme,
    /// Anything else (servers, tags, info, discriminator, ...): walked, with literal keys skipped.
    Other,
}

/// What the values under a key are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// One object of this kind.
    One(Kind),
    /// A map from names to objects of this kind (`properties`, `responses`, `components.schemas`, ...).
    Names(Kind),
    /// A list of objects of this kind (`parameters`, `allOf`, ...).
    List(Kind),
    /// Literal data: never walked.
    Literal,
}

/// The slot under `key` of an object of `kind`.
fn slot(kind: Kind, key: &str) -> Slot {
    use Kind::*;
    use Slot::*;
    if key.starts_with("x-") && kind != Document {
        return Literal;
    }
    match (kind, key) {
        (Document, "paths" | "webhooks" | "x-webhooks") => Names(PathItem),
        (Document, "components") => One(Components),
        (Document, _) => One(Other),
        (Components, "schemas") => Names(Schema),
        (Components, "responses") => Names(Response),
        (Components, "parameters") => Names(Parameter),
        (Components, "examples") => Names(Example),
        (Components, "requestBodies") => Names(RequestBody),
        (Components, "headers") => Names(Header),
        (Components, "securitySchemes") => Names(SecurityScheme),
        (Components, "links") => Names(Link),
        (Components, "callbacks") => Names(Callback),
        (Components, "pathItems") => Names(PathItem),
        (Components, _) => One(Other),
        (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => {
            One(Operation)
        }
        (PathItem | Operation, "parameters") => List(Parameter),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => Names(Response),
        (Operation, "callbacks") => Names(Callback),
        (Callback, _) => One(PathItem),
        (Parameter | Header | MediaType, "schema") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => Names(MediaType),
        (Parameter | Header | MediaType, "examples") => Names(Example),
        (MediaType, "encoding") => Names(Encoding),
        (Response | Encoding, "headers") => Names(Header),
        (Response, "links") => Names(Link),
        (Example, "value") => Literal,
        (Link, "parameters" | "requestBody") => Literal,
        (
            Schema,
            "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas",
        ) => Names(Schema),
        (
            Schema,
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "additionalItems"
            | "unevaluatedItems"
            | "unevaluatedProperties",
        ) => One(Schema),
        (Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => List(Schema),
        (_, "example" | "examples" | "default" | "enum" | "const") => Literal,
        _ => One(Other),
    }
}

/// The component section an external target at a position of `kind` is imported into; `None` for
/// positions that have no section in OpenAPI 3.0 (path items, operations, ...): those are inlined.
fn section_for(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Schema => "schemas",
        Kind::Parameter => "parameters",
        Kind::Response => "responses",
        Kind::RequestBody => "requestBodies",
        Kind::Header => "headers",
        Kind::Example => "examples",
        Kind::Link => "links",
        Kind::Callback => "callbacks",
        Kind::SecurityScheme => "securitySchemes",
        _ => return None,
    })
}

/// How deep external `$ref`s may inline one another (path items, operations) before it is a cycle.
const MAX_INLINE_DEPTH: usize = 32;

/// Walks `value`, an object of `kind`; `current_file` is `None` for the root document, or the external
/// file the value came from.
fn rewrite_refs(
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
                match section_for(kind) {
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
        match slot(kind, k) {
            Slot::Literal => {}
            Slot::One(inner) => rewrite_refs(v, inner, dir, current_file, &child, ctx),
            Slot::Names(inner) => {
                if let Value::Object(names) = v {
                    for (name, item) in names.iter_mut() {
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
fn fetch_target(
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
        ctx.problems.push(Diagnostic::error(
            ctx.root_file,
            Location::Pointer(format!("{at}/$ref")),
            format!(
                "`$ref` target `#{fragment}` not found in `{}`",
                target_file.display()
            ),
        ));
        return None;
    };
    Some((canonical, target))
}

/// Inlines an external target at a position no component section can hold (a path item, an operation).
fn inline(
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
fn import(
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

fn unique_component_name(section: &str, base: &str, ctx: &RefCtx<'_>) -> String {
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

fn unescape(token: &str) -> String {
    crate::diag::decode_pointer_token(token)
}
