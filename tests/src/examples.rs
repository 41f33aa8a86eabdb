//! Example JSON values against the generated types: the type check shared by the spec-example test
//! (`tests/spec_examples.rs`) and the check of the example bodies quoted in Klarna's reference notes (binary
//! `notes`, run by `cargo xtask notes`).

use std::path::Path;

use anyhow::{Context, Result};
use klarna_codegen::ir::{self, TypeRef};
use serde_json::Value;

use crate::collection::{Specs, match_ops};
use crate::schema;

/// Checks `value` against the generated type `ty` of `api`: named types round-trip through
/// `klarna::registry` and must come back as equal JSON, containers are checked element by element, scalars by
/// JSON type. Every problem is pushed to `problems`, prefixed with `path` (`$` for the whole value).
pub fn check_type(
    api: &ir::Api,
    ty: &TypeRef,
    value: &Value,
    path: &str,
    problems: &mut Vec<String>,
) {
    let ok = match ty {
        TypeRef::Named(id) => {
            let full = api.registry_name(*id);
            match klarna::registry::roundtrip(&full, value.clone()) {
                None => problems.push(format!("{path}: {full} is not in klarna::registry")),
                Some(Err(e)) => {
                    problems.push(format!("{path}: {full} does not deserialize it: {e}"))
                }
                Some(Ok(back)) => {
                    for d in schema::diff(value, &back) {
                        problems.push(format!("{path}: lossy through {full}: {d}"));
                    }
                }
            }
            return;
        }
        TypeRef::List(inner) => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_type(api, inner, item, &format!("{path}[{i}]"), problems);
                }
                return;
            }
            None => false,
        },
        TypeRef::Map(inner) => match value.as_object() {
            Some(map) => {
                for (k, v) in map {
                    check_type(api, inner, v, &schema::join_key(path, k), problems);
                }
                return;
            }
            None => false,
        },
        TypeRef::OrNull(_) if value.is_null() => true,
        TypeRef::OrNull(inner) => return check_type(api, inner, value, path, problems),
        TypeRef::Bool => value.is_boolean(),
        TypeRef::I32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        TypeRef::I64 => value.is_i64() || value.is_u64() && value.as_i64().is_some(),
        TypeRef::U64 => value.is_u64(),
        TypeRef::F32 | TypeRef::F64 => value.is_number(),
        TypeRef::String(_) | TypeRef::Bytes => value.is_string(),
        TypeRef::Json => true,
    };
    if !ok {
        problems.push(format!("{path}: {value} is not a {ty:?}"));
    }
}

/// `P` in Klarna's notes.
const P: &str = "/v2/accounts/{partner_account_id}";

/// The notes whose example bodies are checked, relative to the directory that holds them.
pub const NOTES: [&str; 2] = ["FACTS.md", "ENDPOINTS.md"];

/// Inline code spans (single backticks) of a line.
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

/// `METHOD /path` in a code span, with `P` expanded.
fn method_path(span: &str) -> Option<(String, String)> {
    let (method, path) = span.trim().split_once(' ')?;
    if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
        return None;
    }
    let path = path.trim();
    let path = match path.strip_prefix("P/") {
        Some(rest) => format!("{P}/{rest}"),
        None if path.starts_with('/') => path.to_string(),
        None => return None,
    };
    Some((method.to_string(), path))
}

/// What [`check_notes`] found.
pub struct NotesReport {
    /// How many JSON bodies were checked.
    pub checked: usize,
    /// Every problem, as `FILE:LINE (operationId): what`.
    pub failures: Vec<String>,
}

/// Checks the example bodies quoted in Klarna's notes (`FACTS.md`, `ENDPOINTS.md` in `dir`): every inline code
/// span that is a whole JSON object is matched to the operation named (`METHOD /path`) on the same line and
/// round-tripped through that operation's request body type.
pub fn check_notes(dir: &Path, specs: &Specs) -> Result<NotesReport> {
    let ops = specs.operations();
    let mut checked = 0;
    let mut failures = Vec::new();
    for name in NOTES {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        for (n, line) in text.lines().enumerate() {
            let spans = code_spans(line);
            let bodies: Vec<Value> = spans
                .iter()
                .filter(|s| s.trim_start().starts_with('{'))
                .filter_map(|s| serde_json::from_str::<Value>(s).ok())
                .filter(Value::is_object)
                .collect();
            if bodies.is_empty() {
                continue;
            }
            let at = format!("{name}:{}", n + 1);
            let targets: Vec<_> = spans
                .iter()
                .filter_map(|s| method_path(s))
                .flat_map(|(m, p)| match_ops(&ops, &m, &p))
                .collect();
            let [op] = targets.as_slice() else {
                failures.push(format!(
                    "{at}: a JSON body, but the line names {} operations instead of one",
                    targets.len()
                ));
                continue;
            };
            let Some(body) = &op.op.body else {
                failures.push(format!("{at}: {} takes no body", op.op.id.wire));
                continue;
            };
            for value in bodies {
                checked += 1;
                let mut problems = Vec::new();
                check_type(op.api, &body.ty, &value, "$", &mut problems);
                for p in problems {
                    failures.push(format!("{at} ({}): {p}", op.op.id.wire));
                }
            }
        }
    }
    Ok(NotesReport { checked, failures })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_method_paths_are_read_from_a_line() {
        let line =
            "Create: `POST P/payment/requests` with `{\"currency\":\"USD\"}` or `GET /v2/ping`.";
        let spans = code_spans(line);
        assert_eq!(
            spans,
            [
                "POST P/payment/requests",
                "{\"currency\":\"USD\"}",
                "GET /v2/ping"
            ]
        );
        assert_eq!(
            method_path(spans[0]),
            Some((
                "POST".to_string(),
                "/v2/accounts/{partner_account_id}/payment/requests".to_string()
            ))
        );
        assert_eq!(method_path(spans[1]), None);
        assert_eq!(
            method_path(spans[2]),
            Some(("GET".to_string(), "/v2/ping".to_string()))
        );
        assert_eq!(method_path("FETCH /v2/x"), None);
        assert_eq!(method_path("POST relative/path"), None);
    }
}
