//! A small validator for JSON values against OpenAPI 3.0 schemas, read straight from a document's JSON.
//!
//! It understands what `specs/CONVENTIONS.md` allows: `$ref` to `#/components/...`, `type` (string,
//! integer, number, boolean, object, array), `nullable`, `enum`, `required`, `properties` (a property the
//! schema does not declare is an error unless `additionalProperties` allows it), `items`,
//! `additionalProperties`, `oneOf` (with or without a `discriminator`), `allOf` (its parts merged into one
//! schema, see [`Doc::effective`]; `allOf: [{$ref}]` is how CONVENTIONS marks a `$ref` property, so such a
//! wrapper is read exactly like its `$ref` plus its own keywords), `format` (`date-time`, `date`, `int32`
//! checked lightly), `minLength`, `maxLength` and `pattern`.
//!
//! Example bodies from Klarna's collection carry `{{placeholders}}`. A string that is exactly one
//! placeholder is replaced, in place, by a value the schema expects ([`Doc::synthesize`]), and is not validated
//! further (the example does not say what the value is). A string with a placeholder inside other text keeps
//! its text with each placeholder replaced by `sample`, and only its type is checked.

use std::borrow::Cow;
use std::collections::HashMap;

use regex::Regex;
use serde_json::{Map, Value};

use crate::bru::Seg;

/// One problem found in a value, at a JSON path such as `$.line_items[0].name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a JSON path from `$`.
    pub path: String,
    /// What.
    pub message: String,
}

/// An OpenAPI document (as JSON) to validate against.
pub struct Doc<'a> {
    root: &'a Value,
    patterns: std::cell::RefCell<HashMap<String, Option<Regex>>>,
}

/// How deep `$ref` chains and synthesized values may go.
const MAX_DEPTH: usize = 64;

impl<'a> Doc<'a> {
    /// Wraps a document.
    pub fn new(root: &'a Value) -> Self {
        Self {
            root,
            patterns: Default::default(),
        }
    }

    /// Follows `$ref`s (local JSON pointers only) until a schema without one; `None` for a dangling or
    /// external reference or a cycle of references.
    pub fn resolve(&self, mut schema: &'a Value) -> Option<&'a Value> {
        for _ in 0..MAX_DEPTH {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => schema = self.root.pointer(r.strip_prefix('#')?)?,
                None => return Some(schema),
            }
        }
        None
    }

    /// `schema` as the checks read it: `$ref`s followed and an `allOf` merged into one schema. The parts of an
    /// `allOf` are merged in order (each part itself followed and merged): `properties` and `required` are
    /// united, any other keyword keeps its first value. The wrapper's own keywords (`description`,
    /// `nullable`, `example`, markers such as `x-klarna-inferred`, ...) then win over the parts' ones, so a
    /// single-element wrapper `allOf: [{$ref: X}]` reads exactly like `X` with the wrapper's keywords on top.
    /// A schema without `allOf` is returned as it is. `Err` says which reference does not resolve, or that
    /// the nesting is too deep (a cycle).
    pub fn effective<'s>(&'s self, schema: &'s Value) -> Result<Cow<'s, Value>, String> {
        self.flatten(schema, 0)
    }

    fn flatten<'s>(&'s self, schema: &'s Value, depth: usize) -> Result<Cow<'s, Value>, String> {
        if depth > MAX_DEPTH {
            return Err("`allOf` nesting too deep".into());
        }
        let resolved = self.resolve(schema).ok_or_else(|| {
            format!(
                "unresolvable $ref {}",
                schema.get("$ref").unwrap_or(&Value::Null)
            )
        })?;
        let Some(parts) = resolved.get("allOf").and_then(Value::as_array) else {
            return Ok(Cow::Borrowed(resolved));
        };
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(part) = self.flatten(part, depth + 1)?.into_owned() {
                merge_keywords(&mut merged, part, false);
            }
        }
        if let Some(own) = resolved.as_object() {
            let own = own
                .iter()
                .filter(|(k, _)| k.as_str() != "allOf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            merge_keywords(&mut merged, own, true);
        }
        Ok(Cow::Owned(Value::Object(merged)))
    }

    /// Validates `value` against `schema`, replacing placeholders in place; returns every problem.
    pub fn validate(&self, schema: &Value, value: &mut Value) -> Vec<Problem> {
        let mut out = Vec::new();
        self.check(schema, value, "$", 0, &mut out);
        out
    }

    fn check(
        &self,
        schema: &Value,
        value: &mut Value,
        path: &str,
        depth: usize,
        out: &mut Vec<Problem>,
    ) {
        let problem = |out: &mut Vec<Problem>, message: String| {
            out.push(Problem {
                path: path.to_string(),
                message,
            })
        };
        if depth > MAX_DEPTH {
            problem(out, "schema nesting too deep".into());
            return;
        }
        let schema = match self.effective(schema) {
            Ok(s) => s,
            Err(e) => {
                problem(out, e);
                return;
            }
        };
        let schema: &Value = &schema;
        if let Value::String(s) = value
            && s.contains("{{")
        {
            if is_whole_placeholder(s) {
                *value = self.synthesize(schema, 0);
                return;
            }
            *s = fill_placeholders(s);
            let ty = schema_type(schema);
            if !matches!(ty, None | Some("string")) && schema.get("oneOf").is_none() {
                problem(
                    out,
                    format!(
                        "expected {}, found a string with placeholders",
                        ty.unwrap_or("?")
                    ),
                );
            }
            return;
        }
        if value.is_null() {
            if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
                problem(out, "null, but the schema is not nullable".into());
            }
            return;
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            self.check_one_of(schema, variants, value, path, depth, out);
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            problem(
                out,
                format!(
                    "{value} is not one of the enum values [{}]",
                    list.join(", ")
                ),
            );
        }
        let ty = schema_type(schema).or_else(|| {
            (schema.get("properties").is_some() || schema.get("additionalProperties").is_some())
                .then_some("object")
        });
        match (ty, &mut *value) {
            (None, _) => {}
            (Some("string"), Value::String(s)) => {
                for p in self.string_problems(schema, s) {
                    problem(out, p);
                }
            }
            (Some("integer"), Value::Number(n)) => {
                if let Some(i) = n.as_i64() {
                    if schema.get("format").and_then(Value::as_str) == Some("int32")
                        && i32::try_from(i).is_err()
                    {
                        problem(out, format!("{i} does not fit format int32"));
                    }
                } else if n.as_u64().is_none() {
                    problem(out, format!("expected an integer, found {n}"));
                }
            }
            (Some("number"), Value::Number(_)) | (Some("boolean"), Value::Bool(_)) => {}
            (Some("array"), Value::Array(items)) => {
                let item_schema = schema.get("items").unwrap_or(&Value::Null);
                if item_schema.is_null() {
                    problem(out, "array schema without `items`".into());
                    return;
                }
                for (i, item) in items.iter_mut().enumerate() {
                    self.check(item_schema, item, &format!("{path}[{i}]"), depth + 1, out);
                }
            }
            (Some("object"), Value::Object(map)) => {
                self.check_object(schema, map, path, depth, out)
            }
            (Some(t), v) => problem(out, format!("expected {t}, found {}", kind(v))),
        }
    }

    fn check_object(
        &self,
        schema: &Value,
        map: &mut Map<String, Value>,
        path: &str,
        depth: usize,
        out: &mut Vec<Problem>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(r) {
                    out.push(Problem {
                        path: path.to_string(),
                        message: format!("required property `{r}` is missing"),
                    });
                }
            }
        }
        let additional = schema.get("additionalProperties");
        for (key, v) in map.iter_mut() {
            let child = join_key(path, key);
            match (props.and_then(|p| p.get(key)), additional) {
                (Some(s), _) => self.check(s, v, &child, depth + 1, out),
                (None, Some(Value::Bool(true))) => {}
                (None, Some(s)) if s.is_object() => self.check(s, v, &child, depth + 1, out),
                _ => out.push(Problem {
                    path: child,
                    message: "property not declared in the schema".into(),
                }),
            }
        }
    }

    fn check_one_of(
        &self,
        schema: &Value,
        variants: &[Value],
        value: &mut Value,
        path: &str,
        depth: usize,
        out: &mut Vec<Problem>,
    ) {
        if let Some(prop) = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)
        {
            let Some(tag) = value.get(prop).and_then(Value::as_str).map(str::to_string) else {
                out.push(Problem {
                    path: path.to_string(),
                    message: format!("discriminator `{prop}` is missing"),
                });
                return;
            };
            let target = schema
                .pointer("/discriminator/mapping")
                .and_then(|m| m.get(&tag))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("#/components/schemas/{tag}"));
            match variants
                .iter()
                .find(|v| v.get("$ref").and_then(Value::as_str) == Some(target.as_str()))
            {
                Some(v) => self.check(v, value, path, depth + 1, out),
                None => out.push(Problem {
                    path: join_key(path, prop),
                    message: format!("`{tag}` selects no oneOf alternative"),
                }),
            }
            return;
        }
        let mut first_problems = None;
        for v in variants {
            let mut attempt = value.clone();
            let mut problems = Vec::new();
            self.check(v, &mut attempt, path, depth + 1, &mut problems);
            if problems.is_empty() {
                *value = attempt;
                return;
            }
            first_problems.get_or_insert(problems);
        }
        out.push(Problem {
            path: path.to_string(),
            message: "matches no oneOf alternative".into(),
        });
        out.extend(first_problems.unwrap_or_default());
    }

    fn string_problems(&self, schema: &Value, s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let len = s.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            out.push(format!("shorter than minLength {min}"));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            out.push(format!("longer than maxLength {max}"));
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") if !is_date_time(s) => out.push(format!("`{s}` is not a date-time")),
            Some("date") if !is_date(s) => out.push(format!("`{s}` is not a date")),
            _ => {}
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
            let mut cache = self.patterns.borrow_mut();
            match cache
                .entry(p.to_string())
                .or_insert_with(|| Regex::new(p).ok())
            {
                Some(re) if !re.is_match(s) => {
                    out.push(format!("`{s}` does not match pattern `{p}`"))
                }
                Some(_) => {}
                None => out.push(format!("pattern `{p}` does not compile")),
            }
        }
        out
    }

    /// A value of the type `schema` describes: its `example` if it has one, else its first `enum` value,
    /// else a plain value of its type (strings by `format`; objects with their required properties).
    /// `allOf` is read as [`Doc::effective`] merges it.
    pub fn synthesize(&self, schema: &Value, depth: usize) -> Value {
        let Ok(schema) = self.effective(schema) else {
            return Value::Null;
        };
        let schema: &Value = &schema;
        if depth > 16 {
            return Value::Null;
        }
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        if let Some(first) = schema
            .get("oneOf")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return self.synthesize(first, depth + 1);
        }
        match schema_type(schema) {
            Some("string") => Value::String(
                match schema.get("format").and_then(Value::as_str) {
                    Some("date-time") => "2025-01-01T00:00:00Z",
                    Some("date") => "2025-01-01",
                    Some("uri") => "https://example.com/",
                    Some("email") => "sample@example.com",
                    Some("uuid") => "00000000-0000-4000-8000-000000000000",
                    _ => "sample",
                }
                .to_string(),
            ),
            Some("integer") | Some("number") => Value::from(1),
            Some("boolean") => Value::Bool(true),
            Some("array") => Value::Array(Vec::new()),
            _ if schema.get("nullable").and_then(Value::as_bool) == Some(true) => Value::Null,
            _ => {
                let mut map = Map::new();
                let props = schema.get("properties");
                for r in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let s = props.and_then(|p| p.get(r)).unwrap_or(&Value::Null);
                    map.insert(r.to_string(), self.synthesize(s, depth + 1));
                }
                Value::Object(map)
            }
        }
    }

    /// Checks that `path` leads somewhere in values of `schema`: keys through `properties` (or a map's
    /// `additionalProperties`), indexes through arrays' `items`, any alternative of a `oneOf`, the merged
    /// parts of an `allOf`. `Err` says where
    /// the path stops.
    pub fn has_path(&self, schema: &Value, path: &[Seg]) -> Result<(), String> {
        self.walk(schema, path, 0, 0)
    }

    fn walk(&self, schema: &Value, path: &[Seg], done: usize, depth: usize) -> Result<(), String> {
        let here = || {
            if done == 0 {
                "the response body".to_string()
            } else {
                format!("`{}`", crate::bru::path_string(&path[..done]))
            }
        };
        let schema = match self.effective(schema) {
            Ok(s) => s,
            Err(e) => return Err(format!("{e} at {}", here())),
        };
        let schema: &Value = &schema;
        let Some(seg) = path.get(done) else {
            return Ok(());
        };
        if depth > MAX_DEPTH {
            return Err("schema nesting too deep".into());
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            let mut last = Err(format!("{} is an empty oneOf", here()));
            for v in variants {
                last = self.walk(v, path, done, depth + 1);
                if last.is_ok() {
                    return last;
                }
            }
            return last;
        }
        match seg {
            Seg::Index(_) => match (schema_type(schema), schema.get("items")) {
                (Some("array"), Some(items)) => self.walk(items, path, done + 1, depth + 1),
                _ => Err(format!("{} is not an array", here())),
            },
            Seg::Key(k) => {
                if let Some(p) = schema.get("properties").and_then(|p| p.get(k)) {
                    return self.walk(p, path, done + 1, depth + 1);
                }
                match schema.get("additionalProperties") {
                    Some(a) if a.is_object() => self.walk(a, path, done + 1, depth + 1),
                    Some(Value::Bool(true)) => Ok(()),
                    _ if schema_type(schema) == Some("array") => Err(format!(
                        "{} is an array; `{k}` needs an index first",
                        here()
                    )),
                    _ => Err(format!("{} has no property `{k}`", here())),
                }
            }
        }
    }
}

/// Merges the keywords `from` into `into`: `properties` and `required` are united (a property defined again
/// replaces the earlier definition), any other keyword replaces the earlier value only when `overlay`.
fn merge_keywords(into: &mut Map<String, Value>, from: Map<String, Value>, overlay: bool) {
    for (key, value) in from {
        match (key.as_str(), into.get_mut(&key), value) {
            ("properties", Some(Value::Object(have)), Value::Object(add)) => have.extend(add),
            ("required", Some(Value::Array(have)), Value::Array(add)) => {
                for r in add {
                    if !have.contains(&r) {
                        have.push(r);
                    }
                }
            }
            (_, Some(have), value) => {
                if overlay {
                    *have = value;
                }
            }
            (_, None, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn schema_type(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `$.a` + `b` → `$.a.b`; keys that are not plain identifiers are bracketed (`$["a-b"]`).
pub fn join_key(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// `{{name}}` and nothing else.
pub fn is_whole_placeholder(s: &str) -> bool {
    s.len() > 4
        && s.starts_with("{{")
        && s.ends_with("}}")
        && !s[2..s.len() - 2].contains(['{', '}'])
}

/// Replaces each `{{...}}` in `s` by `sample`.
fn fill_placeholders(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str("sample");
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2))
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let (clock, zone_ok) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, true)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let zone = &time[i + 1..];
        (
            &time[..i],
            matches!(zone.split_once(':'), Some((h, m)) if digits(h, 2) && digits(m, 2)),
        )
    } else {
        (time, false)
    };
    let clock = clock.split_once('.').map_or(clock, |(c, frac)| {
        if digits(frac, frac.len()) && !frac.is_empty() {
            c
        } else {
            ""
        }
    });
    let hms: Vec<&str> = clock.split(':').collect();
    zone_ok
        && matches!(hms.as_slice(), [h, m, sec] if digits(h, 2) && digits(m, 2) && digits(sec, 2))
}

/// Differences between `expected` and `actual`, as JSON paths with what differs. Numbers compare by value
/// (`4` and `4.0` are the same JSON number).
pub fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at(expected, actual, "$", &mut out);
    out
}

fn diff_at(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    Some(vb) => diff_at(va, vb, &join_key(path, k), out),
                    None => out.push(format!(
                        "{}: dropped (was {})",
                        join_key(path, k),
                        short(va)
                    )),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(format!("{}: added ({})", join_key(path, k), short(vb)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: {} items became {}", a.len(), b.len()));
            }
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff_at(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = a == b || matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y);
            if !same {
                out.push(format!("{path}: {a} became {b}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {} became {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Value {
        json!({
            "components": {"schemas": {
                "Currency": {"type": "string", "pattern": "^[A-Z]{3}$", "example": "EUR"},
                "Item": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "maxLength": 5},
                    "amount": {"type": "integer", "format": "int64"},
                    "currency": {"$ref": "#/components/schemas/Currency"},
                    "kind": {"type": "string", "enum": ["A", "B"]},
                    "at": {"type": "string", "format": "date-time"},
                    "note": {"type": "string", "nullable": true}
                }},
                "Req": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "meta": {"type": "object", "additionalProperties": {"type": "string"}}
                }},
                "Resp": {"type": "object", "properties": {
                    "list": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
                }},
                "Top": {"type": "array", "items": {"$ref": "#/components/schemas/Resp"}}
            }}
        })
    }

    fn r(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn valid_value_has_no_problems() {
        let d = doc();
        let doc = Doc::new(&d);
        let mut v = json!({"items": [{"name": "a", "amount": 3, "currency": "SEK", "kind": "B",
            "at": "2024-05-12T19:10:32.5+02:00", "note": null}], "meta": {"x": "y"}});
        assert_eq!(doc.validate(&r("Req"), &mut v), vec![]);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let d = doc();
        let doc = Doc::new(&d);
        let mut v = json!({"items": [{"amount": 1.5, "currency": "sek", "kind": "C", "extra": 1,
            "at": "2024-05-12", "name": "toolong", "note": 3}], "meta": {"x": 1}, "other": true});
        let mut got: Vec<String> = doc
            .validate(&r("Req"), &mut v)
            .into_iter()
            .map(|p| p.path)
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "$.items[0].amount",
                "$.items[0].at",
                "$.items[0].currency",
                "$.items[0].extra",
                "$.items[0].kind",
                "$.items[0].name",
                "$.items[0].note",
                "$.meta.x",
                "$.other"
            ]
        );
        let mut missing = json!({"items": [{}]});
        let p = doc.validate(&r("Req"), &mut missing);
        assert_eq!(
            p,
            vec![Problem {
                path: "$.items[0]".into(),
                message: "required property `name` is missing".into()
            }]
        );
    }

    #[test]
    fn placeholders_become_values_of_the_expected_type() {
        let d = doc();
        let doc = Doc::new(&d);
        let mut v = json!({"items": [{"name": "{{n}}", "amount": "{{amount}}", "currency": "{{currency}}",
            "at": "{{now}}", "kind": "{{kind}}"}], "meta": {"k": "a-{{x}}-b"}});
        assert_eq!(doc.validate(&r("Req"), &mut v), vec![]);
        assert_eq!(v["items"][0]["amount"], json!(1));
        assert_eq!(v["items"][0]["currency"], json!("EUR"));
        assert_eq!(v["items"][0]["kind"], json!("A"));
        assert_eq!(v["items"][0]["at"], json!("2025-01-01T00:00:00Z"));
        assert_eq!(v["meta"]["k"], json!("a-sample-b"));
        let mut bad = json!({"items": [{"name": "x", "amount": "n-{{x}}"}]});
        let p = doc.validate(&r("Req"), &mut bad);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "$.items[0].amount");
    }

    #[test]
    fn response_paths_walk_refs_arrays_and_top_level_arrays() {
        let d = doc();
        let doc = Doc::new(&d);
        let path = |s: &[Seg]| s.to_vec();
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(
            doc.has_path(
                &r("Resp"),
                &path(&[k("list"), Seg::Index(0), k("currency")])
            ),
            Ok(())
        );
        assert_eq!(
            doc.has_path(
                &r("Top"),
                &path(&[Seg::Index(0), k("list"), Seg::Index(0), k("name")])
            ),
            Ok(())
        );
        assert_eq!(
            doc.has_path(&r("Resp"), &path(&[k("list"), k("name")])),
            Err("`list` is an array; `name` needs an index first".into())
        );
        assert_eq!(
            doc.has_path(&r("Resp"), &path(&[k("list"), Seg::Index(0), k("nope")])),
            Err("`list[0]` has no property `nope`".into())
        );
        assert!(doc.has_path(&r("Top"), &path(&[k("list")])).is_err());
    }

    /// A document whose properties wrap their `$ref` in `allOf` (the CONVENTIONS marker form), with one
    /// multi-part `allOf`.
    fn wrapped_doc() -> Value {
        let mut d = doc();
        let schemas = d.pointer_mut("/components/schemas").unwrap();
        schemas["Address"] = json!({"type": "object", "required": ["city"], "properties": {
            "city": {"type": "string"},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"}
        }});
        schemas["Order"] = json!({"type": "object", "properties": {
            "currency": {"allOf": [{"$ref": "#/components/schemas/Currency"}],
                "description": "Wrapped currency.", "x-klarna-inferred": true},
            "address": {"allOf": [{"$ref": "#/components/schemas/Address"}],
                "nullable": true, "x-klarna-inferred": true},
            "shipping": {"allOf": [{"$ref": "#/components/schemas/Address"}],
                "description": "Where to."},
            "items": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Item"}]}},
            "both": {"allOf": [
                {"$ref": "#/components/schemas/Address"},
                {"type": "object", "required": ["zip"], "properties": {"zip": {"type": "string"}}}
            ]},
            "dangling": {"allOf": [{"$ref": "#/components/schemas/Nope"}]}
        }});
        d
    }

    #[test]
    fn single_element_all_of_reads_like_its_ref_with_the_wrappers_keywords() {
        let d = wrapped_doc();
        let doc = Doc::new(&d);
        let currency = d
            .pointer("/components/schemas/Order/properties/currency")
            .unwrap();
        let merged = doc.effective(currency).unwrap();
        assert_eq!(
            merged.as_ref(),
            &json!({"type": "string", "pattern": "^[A-Z]{3}$", "example": "EUR",
                "description": "Wrapped currency.", "x-klarna-inferred": true})
        );
        // A schema without allOf comes back as it is, borrowed.
        assert!(matches!(
            doc.effective(&r("Currency")),
            Ok(Cow::Borrowed(_))
        ));

        // Placeholders are filled with a value of the wrapped type, through arrays of wrappers too.
        let mut v = json!({"currency": "{{currency}}", "address": "{{address}}", "shipping": "{{s}}",
            "items": [{"name": "{{n}}", "currency": "{{c}}"}]});
        assert_eq!(doc.validate(&r("Order"), &mut v), vec![]);
        assert_eq!(v["currency"], json!("EUR"));
        assert_eq!(v["shipping"], json!({"city": "sample"}));
        // The wrapper's `nullable` makes a filled placeholder null, as for a nullable schema.
        assert_eq!(v["address"], Value::Null);
        assert_eq!(v["items"][0]["currency"], json!("EUR"));

        // The wrapped schema's rules apply, and the wrapper's own `nullable` too.
        let mut bad = json!({"currency": "eur", "address": {"country": "de", "x": 1},
            "items": [{"name": "toolong"}]});
        let mut got: Vec<(String, String)> = doc
            .validate(&r("Order"), &mut bad)
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "$.address".into(),
                    "required property `city` is missing".into()
                ),
                (
                    "$.address.country".into(),
                    "`de` does not match pattern `^[A-Z]{2}$`".into()
                ),
                (
                    "$.address.x".into(),
                    "property not declared in the schema".into()
                ),
                (
                    "$.currency".into(),
                    "`eur` does not match pattern `^[A-Z]{3}$`".into()
                ),
                ("$.items[0].name".into(), "longer than maxLength 5".into()),
            ]
        );
        let mut null_address = json!({"address": null});
        assert_eq!(doc.validate(&r("Order"), &mut null_address), vec![]);

        // Response paths walk through the wrapper.
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(
            doc.has_path(&r("Order"), &[k("address"), k("city")]),
            Ok(())
        );
        assert_eq!(
            doc.has_path(&r("Order"), &[k("address"), k("street")]),
            Err("`address` has no property `street`".into())
        );

        // A wrapper around a dangling reference is an error that names the reference.
        let mut dangling = json!({"dangling": {}});
        let p = doc.validate(&r("Order"), &mut dangling);
        assert_eq!(
            p,
            vec![Problem {
                path: "$.dangling".into(),
                message: "unresolvable $ref \"#/components/schemas/Nope\"".into()
            }]
        );
    }

    #[test]
    fn multi_part_all_of_is_merged_as_a_whole() {
        let d = wrapped_doc();
        let doc = Doc::new(&d);
        let both = d
            .pointer("/components/schemas/Order/properties/both")
            .unwrap();
        assert_eq!(
            doc.synthesize(both, 0),
            json!({"city": "sample", "zip": "sample"})
        );
        let mut ok = json!({"both": {"city": "Berlin", "country": "DE", "zip": "10115"}});
        assert_eq!(doc.validate(&r("Order"), &mut ok), vec![]);
        let mut missing = json!({"both": {"city": "Berlin", "extra": true}});
        let mut got: Vec<String> = doc
            .validate(&r("Order"), &mut missing)
            .into_iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "$.both.extra: property not declared in the schema",
                "$.both: required property `zip` is missing"
            ]
        );
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(doc.has_path(&r("Order"), &[k("both"), k("zip")]), Ok(()));
        assert_eq!(
            doc.has_path(&r("Order"), &[k("both"), k("country")]),
            Ok(())
        );
    }

    #[test]
    fn diff_reports_dropped_added_and_changed_paths() {
        let a = json!({"a": 1, "b": [1, 2], "c": {"d": "x"}, "n": 4});
        let b = json!({"b": [1], "c": {"d": "y", "e": null}, "n": 4.0});
        assert_eq!(
            diff(&a, &b),
            [
                "$.a: dropped (was 1)",
                "$.b: 2 items became 1",
                "$.c.d: \"x\" became \"y\"",
                "$.c.e: added (null)"
            ]
        );
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn date_time_check_is_light_but_real() {
        assert!(is_date_time("2024-01-01T12:00:00Z"));
        assert!(is_date_time("2024-01-01T12:00:00.123-05:00"));
        assert!(!is_date_time("2024-01-01"));
        assert!(!is_date_time("2024-01-01T12:00Z"));
        assert!(is_date("2024-01-31") && !is_date("24-01-31"));
    }
}
