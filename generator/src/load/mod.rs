//! Stage 1, load: bytes on disk → a parsed, version-checked, `$ref`-resolved OpenAPI document.
//!
//! The loader knows nothing of Rust. It reads YAML or JSON (told apart by content, not by file name),
//! refuses versions it does not support with a message naming the version, normalizes OpenAPI 3.1 into the
//! 3.0 shape that `openapiv3` parses (see [`crate::load::normalize`]), pulls `$ref`s to other files into the
//! document's own `components` so later stages only ever see local references, and finally parses the
//! document with `openapiv3`. Every failure is a [`Diagnostic`] naming the file and a line:column or a
//! JSON pointer.
//!
//! YAML is read with `serde-saphyr`: `serde_yaml` is deprecated upstream, and serde-saphyr is maintained,
//! panic-free by design, rejects duplicate keys, and reports line and column for every syntax error.
//! Plain scalars are resolved by the YAML 1.2 core schema that OpenAPI names ([`yaml_options`]), not by
//! YAML 1.1: `y`, `NO`, `off` and `yes` are strings, `1_000`, `1:20` and `010` are text.

pub mod grammar;
pub mod locate;
pub mod normalize;
mod refs;
pub mod tolerate;
pub mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Diagnostics, Location};

use self::refs::resolve_external_refs;

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
        crate::load::normalize::normalize_31(&mut root, display_path, &mut warnings);
    }
    crate::load::validate::repair(&mut root, display_path, &mut warnings);
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    resolve_external_refs(&mut root, &base_dir, display_path)?;
    // After `$ref`s to other files, so what they brought in is repaired too.
    crate::load::tolerate::tolerate(&mut root, display_path, &mut warnings);
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
        serde_saphyr::from_str_with_options::<Value>(text, yaml_options()).map_err(|e| {
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

/// How plain YAML scalars are read: by the YAML 1.2 core schema (OpenAPI 3.0.3 and 3.1 name YAML 1.2),
/// so a document means what JSON tools and other OpenAPI tools read in it.
///
/// - Booleans are only `true`/`false` (also `True`, `TRUE`, ...): YAML 1.1's `y`, `n`, `yes`, `no`, `on`,
///   `off` stay strings, so an enum of country codes keeps Norway (`NO`) and `required: [y]` names `y`.
/// - Null is `null`, `Null`, `NULL`, `~` or nothing, as YAML 1.2 says.
/// - Integers are decimal, `0o` octal or `0x` hexadecimal. Spellings YAML 1.2 does not read as numbers
///   stay text: `1_000`, and sexagesimal `1:20` (YAML 1.1's 80). A decimal with a leading zero (`007`,
///   `010`) is YAML 1.1's octal and YAML 1.2's decimal, and tools disagree; it stays the text it is
///   written as (codes such as `007` keep their zeros; an integer keyword given `010` is refused at its
///   place instead of read as 8).
/// - `.inf` and `.nan`, which JSON cannot hold, stay text instead of silently becoming `null`.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.legacy_octal_numbers = false;
    options.underscored_numbers_as_strings = true;
    options.leading_zero_numbers_as_strings = true;
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    options
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
    crate::load::validate::check_structure(root, file, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(root) {
        Ok(api) => Ok(api),
        Err(e) => {
            // Parse again piece by piece to report every refused piece at its own pointer.
            let found = crate::load::locate::problems(root);
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
    crate::diag::pointer(crate::load::locate::path_tokens(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Value {
        match parse_document(text.as_bytes(), "t.yaml") {
            Ok(v) => v,
            Err(d) => panic!("{text}: {}", d.message),
        }
    }

    #[test]
    fn plain_scalars_follow_the_yaml_1_2_core_schema() {
        let v = yaml(concat!(
            "countries: [SE, NO, DK, FI]\n",
            "required: [y, n, x]\n",
            "yaml11_booleans: [yes, No, ON, off, Y, N, YES, no]\n",
            "booleans: [true, True, TRUE, false, False, FALSE]\n",
            "nulls: [null, Null, NULL, ~]\n",
            "empty:\n",
            "ints: [0, -7, +12, 0o17, 0x1F]\n",
            "not_numbers: [1_000, '1:20', 1:20, 190:20:30]\n",
            "floats: [1.5, -2e3, .5]\n",
            "non_finite: [.inf, -.inf, .nan]\n",
            "quoted: ['true', \"null\", '12']\n",
        ));
        assert_eq!(v["countries"], json!(["SE", "NO", "DK", "FI"]));
        assert_eq!(v["required"], json!(["y", "n", "x"]));
        assert_eq!(
            v["yaml11_booleans"],
            json!(["yes", "No", "ON", "off", "Y", "N", "YES", "no"])
        );
        assert_eq!(
            v["booleans"],
            json!([true, true, true, false, false, false])
        );
        assert_eq!(v["nulls"], json!([null, null, null, null]));
        assert_eq!(v["empty"], Value::Null);
        assert_eq!(v["ints"], json!([0, -7, 12, 15, 31]));
        assert_eq!(v["floats"], json!([1.5, -2000.0, 0.5]));
        assert_eq!(v["non_finite"], json!([".inf", "-.inf", ".nan"]));
        assert_eq!(v["quoted"], json!(["true", "null", "12"]));
        let not_numbers = v["not_numbers"].as_array().expect("a list");
        assert_eq!(
            &not_numbers[..3],
            &[json!("1_000"), json!("1:20"), json!("1:20")]
        );
        assert_eq!(not_numbers[3], json!("190:20:30"));
    }

    #[test]
    fn a_leading_zero_keeps_its_text_instead_of_becoming_yaml_1_1_octal() {
        let v = yaml("codes: [007, 010, 0755, -01]\n");
        assert_eq!(v["codes"], json!(["007", "010", "0755", "-01"]), "{v}");
    }

    #[test]
    fn yaml_1_1_words_are_strings_as_keys_too() {
        let v = yaml("properties:\n  y: {type: string}\n  on: {type: string}\nrequired: [y, on]\n");
        let keys: Vec<&String> = v["properties"].as_object().expect("a map").keys().collect();
        assert_eq!(keys, ["y", "on"]);
        assert_eq!(v["required"], json!(["y", "on"]));
    }
}
