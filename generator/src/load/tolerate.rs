//! Tolerable invalidity: values a document gets wrong where the meaning is clear or the keyword only
//! validates, repaired before `openapiv3` parses the document (which would refuse the whole document),
//! each with a warning at its pointer saying what is used instead.
//!
//! - Validation keywords of a schema with a value of the wrong type (`minimum: "now + 7 days"`,
//!   `maxLength: "10"`, `pattern: 5`, `uniqueItems: "yes"`): ignored. A number written as a whole float
//!   (`maxLength: 10.0`) is that integer, without a warning; `"true"`/`"false"` for a flag are read as the
//!   boolean.
//! - OpenAPI 3.1's numeric `exclusiveMinimum: 5` in a 3.0 document: `minimum: 5` with
//!   `exclusiveMinimum: true` (what it means).
//! - `required: true` on a property (Swagger 2's spelling): the property is listed in its object's
//!   `required`; any other `required` that is not a list of names is ignored.
//! - A `discriminator` without a `propertyName`: ignored (the variants are told apart by shape).
//! - Null scopes in a security requirement (`[{oauth2: null}]`) or an OAuth flow: no scopes.
//! - A number or boolean where text belongs (`info.version: 1.0`, a `description`, a server variable's
//!   `default` or `enum`): its text. A missing `info.title` or `info.version` (shown only in docs): the
//!   file's name, `unversioned`.
//!
//! A repair that loses what the document says (a value ignored or left out: a validation keyword, an enum
//! value, a discriminator or a mapping entry, scopes that are not `null`) is tagged
//! [`Degradation::Dropped`], so `cargo xtask corpus` counts it and `--deny-dropped` refuses it; a repair
//! that keeps the meaning (`1.0` read as the text "1.0") is an untagged warning.
//!
//! What cannot be generated honestly (a parameter without a name, an operation without responses) is
//! still refused, by [`crate::load::validate::check_structure`].

use serde_json::{Map, Value};

use crate::diag::{Degradation, Diagnostic, Diagnostics, Location, child};
use crate::load::grammar::{self, Kind, Slot};

/// Repairs `root` in place, pushing one warning per repair.
pub fn tolerate(root: &mut Value, file: &str, warnings: &mut Diagnostics) {
    let report = &mut Report { file, warnings };
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        for key in ["version", "title", "description", "summary"] {
            text_field(info, key, &child("#/info", key), report);
        }
        // Metadata the generated crate only shows in its docs.
        let stem = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("API")
            .to_owned();
        for (key, default) in [("title", stem), ("version", "unversioned".to_owned())] {
            if !info.contains_key(key) {
                report.warn(
                    "#/info",
                    format!("missing required field `info.{key}`; read as \"{default}\""),
                );
                info.insert(key.to_owned(), Value::String(default));
            }
        }
    }
    walk(root, Kind::Document, "#", report);
}

/// Where the repairs of one document are reported.
struct Report<'a> {
    file: &'a str,
    warnings: &'a mut Diagnostics,
}

impl Report<'_> {
    /// A repair that keeps what the document means (`1.0` read as the text "1.0").
    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(
            self.file,
            Location::Pointer(at.to_owned()),
            message,
        ));
    }

    /// A repair that loses something the document says (a value left out or ignored), tagged with
    /// `degradation` so it is counted and `--deny-dropped` refuses it.
    fn degrade(&mut self, at: &str, degradation: Degradation, message: impl Into<String>) {
        self.warnings.push(
            Diagnostic::warning(self.file, Location::Pointer(at.to_owned()), message)
                .degrades(degradation),
        );
    }

    /// A value read as "none" (no scopes): nothing is lost when it was `null`, else what it listed is
    /// dropped.
    fn emptied(&mut self, at: &str, given: &Value, message: String) {
        if given.is_null() {
            self.warn(at, message);
        } else {
            self.degrade(at, Degradation::Dropped, message);
        }
    }
}

fn walk(value: &mut Value, kind: Kind, at: &str, report: &mut Report<'_>) {
    let Value::Object(map) = value else {
        return;
    };
    repair(map, kind, at, report);
    for (key, v) in map.iter_mut() {
        if key == "$ref" {
            continue;
        }
        let at = child(at, key);
        match grammar::slot(kind, key) {
            Slot::Literal => {}
            Slot::One(inner) => walk(v, inner, &at, report),
            slot @ (Slot::Names(inner) | Slot::Extensible(inner)) => {
                if let Value::Object(entries) = v {
                    for (name, item) in entries.iter_mut() {
                        if matches!(slot, Slot::Extensible(_)) && grammar::is_extension(name) {
                            continue;
                        }
                        walk(item, inner, &child(&at, name), report);
                    }
                }
            }
            Slot::List(inner) => {
                if let Value::Array(items) = v {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk(item, inner, &format!("{at}/{i}"), report);
                    }
                }
            }
        }
    }
}

fn repair(map: &mut Map<String, Value>, kind: Kind, at: &str, report: &mut Report<'_>) {
    if kind != Kind::Other {
        for key in ["description", "summary"] {
            text_field(map, key, &child(at, key), report);
        }
    }
    match kind {
        Kind::Schema => schema(map, at, report),
        Kind::Parameter | Kind::Header => {
            for key in [
                "required",
                "deprecated",
                "allowEmptyValue",
                "explode",
                "allowReserved",
            ] {
                flag(map, key, at, report);
            }
        }
        Kind::Operation => flag(map, "deprecated", at, report),
        Kind::SecurityScheme => {
            if let Some(flows) = map.get_mut("flows").and_then(Value::as_object_mut) {
                for (name, flow) in flows.iter_mut() {
                    if let Some(flow) = flow.as_object_mut()
                        && !flow.get("scopes").is_some_and(Value::is_object)
                    {
                        let at = child(&child(&child(at, "flows"), name), "scopes");
                        let given = flow.get("scopes").cloned().unwrap_or(Value::Null);
                        let read = match flow.get("scopes") {
                            None => "none given is read as no scopes".to_owned(),
                            Some(v) => format!("`{v}` is read as no scopes"),
                        };
                        report.emptied(
                            &at,
                            &given,
                            format!(
                                "an OAuth flow's `scopes` must be a map (empty for none); {read}"
                            ),
                        );
                        flow.insert("scopes".into(), Value::Object(Map::new()));
                    }
                }
            }
        }
        _ => {}
    }
    if matches!(kind, Kind::Document | Kind::Operation) {
        security(map, at, report);
    }
    if matches!(kind, Kind::Document | Kind::PathItem | Kind::Operation) {
        servers(map, at, report);
    }
}

/// A number or boolean where text belongs becomes its text.
fn text_field(map: &mut Map<String, Value>, key: &str, at: &str, report: &mut Report<'_>) {
    if let Some(v @ (Value::Number(_) | Value::Bool(_))) = map.get(key) {
        let text = v.to_string();
        report.warn(
            at,
            format!("`{key}` must be text; the value `{text}` is read as the text \"{text}\""),
        );
        map.insert(key.to_owned(), Value::String(text));
    }
}

fn security(map: &mut Map<String, Value>, at: &str, report: &mut Report<'_>) {
    let Some(list) = map.get_mut("security").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, requirement) in list.iter_mut().enumerate() {
        let Some(requirement) = requirement.as_object_mut() else {
            continue;
        };
        for (name, scopes) in requirement.iter_mut() {
            if !scopes.is_array() {
                report.emptied(
                    &child(&format!("{}/{i}", child(at, "security")), name),
                    scopes,
                    format!(
                        "the scopes of security requirement `{name}` must be a list (empty for none); `{scopes}` is read as no scopes"
                    ),
                );
                *scopes = Value::Array(Vec::new());
            }
        }
    }
}

fn servers(map: &mut Map<String, Value>, at: &str, report: &mut Report<'_>) {
    let Some(list) = map.get_mut("servers").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, server) in list.iter_mut().enumerate() {
        let server_at = format!("{}/{i}", child(at, "servers"));
        let Some(vars) = server.get_mut("variables").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, var) in vars.iter_mut() {
            let var_at = child(&child(&server_at, "variables"), name);
            let Some(var) = var.as_object_mut() else {
                continue;
            };
            text_field(var, "default", &child(&var_at, "default"), report);
            if let Some(Value::Array(values)) = var.get_mut("enum") {
                for (j, v) in values.iter_mut().enumerate() {
                    if matches!(v, Value::Number(_) | Value::Bool(_)) {
                        let text = v.to_string();
                        report.warn(
                            &format!("{}/{j}", child(&var_at, "enum")),
                            format!(
                                "a server variable's values are text; `{text}` is read as \"{text}\""
                            ),
                        );
                        *v = Value::String(text);
                    }
                }
            }
        }
    }
}

/// A flag: a boolean; `"true"`/`"false"` are read as one, anything else is ignored.
fn flag(map: &mut Map<String, Value>, key: &str, at: &str, report: &mut Report<'_>) {
    match map.get(key) {
        None | Some(Value::Bool(_)) => {}
        Some(Value::String(s)) if s == "true" || s == "false" => {
            let b = s == "true";
            report.warn(
                &child(at, key),
                format!("`{key}` must be a boolean; the text \"{s}\" is read as `{b}`"),
            );
            map.insert(key.to_owned(), Value::Bool(b));
        }
        Some(_) => {
            if let Some(v) = map.remove(key) {
                report.degrade(
                    &child(at, key),
                    Degradation::Dropped,
                    format!("`{key}` must be a boolean; `{v}` is ignored"),
                );
            }
        }
    }
}

/// Values that must have the schema's own type: the bounds of an `integer` (whole numbers), and the
/// `enum` values of a `string`, `integer` or `number` schema. A whole float is that integer without a
/// warning; a number or boolean in a string enum is its text; a numeric text in a number enum is the
/// number; anything else is left out, with a warning.
fn typed_values(map: &mut Map<String, Value>, at: &str, report: &mut Report<'_>) {
    let Some(ty) = map.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    if ty == "integer" {
        for key in NUMBERS {
            if let Some(Value::Number(n)) = map.get(key).cloned()
                && !n.is_i64()
            {
                match whole(&n) {
                    Some(i) => {
                        map.insert(key.to_owned(), Value::from(i));
                    }
                    // `9223372036854776000`: the largest 64-bit integer as a double prints (2^63, what
                    // JSON written from JavaScript holds); the bound meant is the integer's own limit.
                    // `maximum: 18446744073709551615` (u64::MAX; DigitalOcean's MySQL settings) with no
                    // negative minimum: the values reach past `i64`, so the integer is a `u64`
                    // (`format: uint64`, which lowering reads). The bound itself is the type's own.
                    None if key == "maximum"
                        && (n.is_u64() || n.as_f64().is_some_and(|f| f == 2f64.powi(64)))
                        && map
                            .get("minimum")
                            .and_then(Value::as_f64)
                            .is_none_or(|min| min >= 0.0) =>
                    {
                        report.warn(
                            &child(at, key),
                            format!("`{key}: {n}` is past the signed 64-bit range: generated as an unsigned 64-bit integer (`u64`)"),
                        );
                        map.remove(key);
                        map.insert("format".to_owned(), Value::from("uint64"));
                    }
                    None if n.as_f64().is_some_and(|f| f.abs() == 2f64.powi(63)) => {
                        let limit = if n.as_f64().is_some_and(|f| f > 0.0) {
                            i64::MAX
                        } else {
                            i64::MIN
                        };
                        report.warn(
                            &child(at, key),
                            format!("`{key}: {n}` is 2^63, past the 64-bit range by rounding; read as {limit}"),
                        );
                        map.insert(key.to_owned(), Value::from(limit));
                    }
                    None => ignore(
                        map,
                        key,
                        "must be a whole number for an integer",
                        at,
                        report,
                    ),
                }
            }
        }
    }
    let Some(Value::Array(values)) = map.get_mut("enum") else {
        return;
    };
    let enum_at = child(at, "enum");
    let mut keep = Vec::with_capacity(values.len());
    for (i, v) in std::mem::take(values).into_iter().enumerate() {
        let item_at = format!("{enum_at}/{i}");
        let fixed = match (ty.as_str(), v) {
            (_, Value::Null) => Some(Value::Null),
            ("string", Value::String(s)) => Some(Value::String(s)),
            ("string", v @ (Value::Number(_) | Value::Bool(_))) => {
                let text = v.to_string();
                report.warn(
                    &item_at,
                    format!("a string enum's values are text; `{text}` is read as \"{text}\""),
                );
                Some(Value::String(text))
            }
            ("integer", Value::Number(n)) => match n.as_i64().or_else(|| whole(&n)) {
                Some(i) => Some(Value::from(i)),
                None => {
                    report.degrade(
                        &item_at,
                        Degradation::Dropped,
                        format!("an integer enum's value `{n}` is not a whole number; left out"),
                    );
                    None
                }
            },
            ("integer", Value::String(s)) => match s.trim().parse::<i64>() {
                Ok(i) => {
                    report.warn(
                        &item_at,
                        format!("an integer enum's values are numbers; \"{s}\" is read as `{i}`"),
                    );
                    Some(Value::from(i))
                }
                Err(_) => {
                    report.degrade(
                        &item_at,
                        Degradation::Dropped,
                        format!("an integer enum's value \"{s}\" is not a number; left out"),
                    );
                    None
                }
            },
            ("number", Value::Number(n)) => Some(Value::Number(n)),
            ("number", Value::String(s)) => match s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) => {
                    report.warn(
                        &item_at,
                        format!("a number enum's values are numbers; \"{s}\" is read as `{n}`"),
                    );
                    Some(Value::Number(n))
                }
                None => {
                    report.degrade(
                        &item_at,
                        Degradation::Dropped,
                        format!("a number enum's value \"{s}\" is not a number; left out"),
                    );
                    None
                }
            },
            ("string" | "integer" | "number", v) => {
                report.degrade(
                    &item_at,
                    Degradation::Dropped,
                    format!(
                        "an enum value `{v}` of another type than the schema's `{ty}`; left out"
                    ),
                );
                None
            }
            (_, v) => Some(v),
        };
        keep.extend(fixed);
    }
    *values = keep;
}

/// `n` as an integer if it is a whole number in range.
fn whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

const NUMBERS: [&str; 3] = ["minimum", "maximum", "multipleOf"];
const COUNTS: [&str; 6] = [
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
const FLAGS: [&str; 6] = [
    "uniqueItems",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "exclusiveMinimum",
];

/// Removes `key`, warning that its value `why` and is ignored.
fn ignore(map: &mut Map<String, Value>, key: &str, why: &str, at: &str, report: &mut Report<'_>) {
    if let Some(v) = map.remove(key) {
        report.degrade(
            &child(at, key),
            Degradation::Dropped,
            format!("`{key}` {why}; `{v}` is ignored (it only validates)"),
        );
    }
}

fn schema(map: &mut Map<String, Value>, at: &str, report: &mut Report<'_>) {
    for key in NUMBERS {
        if map.get(key).is_some_and(|v| !v.is_number()) {
            ignore(map, key, "must be a number", at, report);
        }
    }
    for key in COUNTS {
        match map.get(key) {
            None => {}
            Some(v) if v.is_u64() => {}
            Some(Value::Number(n))
                if n.as_f64()
                    .is_some_and(|f| f >= 0.0 && f.fract() == 0.0 && f <= u32::MAX as f64) =>
            {
                // `10.0` is the integer 10 (JSON Schema says so); usize readers want `10`.
                let whole = n.as_f64().map_or(0, |f| f as u64);
                map.insert(key.to_owned(), Value::from(whole));
            }
            Some(_) => ignore(map, key, "must be a whole number of at least 0", at, report),
        }
    }
    // OpenAPI 3.1's numeric bounds in a 3.0 document (3.1 documents were normalized before).
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
            if map.contains_key(bound) {
                ignore(
                    map,
                    exclusive,
                    &format!("must be a boolean in OpenAPI 3.0 and `{bound}` is also given"),
                    at,
                    report,
                );
            } else {
                report.warn(
                    &child(at, exclusive),
                    format!(
                        "`{exclusive}: {n}` is OpenAPI 3.1's spelling; read as `{bound}: {n}` with `{exclusive}: true`"
                    ),
                );
                map.insert(bound.to_owned(), Value::Number(n));
                map.insert(exclusive.to_owned(), Value::Bool(true));
            }
        }
    }
    for key in FLAGS.iter().copied().chain(["exclusiveMaximum"]) {
        flag(map, key, at, report);
    }
    typed_values(map, at, report);
    for key in ["pattern", "format", "title"] {
        if map.get(key).is_some_and(|v| !v.is_string()) {
            ignore(map, key, "must be text", at, report);
        }
    }
    match map.get("discriminator") {
        None => {}
        Some(Value::Object(d)) if d.get("propertyName").is_some_and(Value::is_string) => {
            if let Some(Value::Object(mapping)) = map
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                let bad: Vec<String> = mapping
                    .iter()
                    .filter(|(_, v)| !v.is_string())
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in bad {
                    mapping.remove(&k);
                    report.degrade(
                        &child(&child(&child(at, "discriminator"), "mapping"), &k),
                        Degradation::Dropped,
                        format!(
                            "a discriminator mapping names a schema by its `$ref` text; the entry `{k}` is ignored"
                        ),
                    );
                }
            }
        }
        Some(_) => {
            map.remove("discriminator");
            report.degrade(
                &child(at, "discriminator"),
                Degradation::Dropped,
                "a `discriminator` needs a `propertyName`; without one it is ignored and the variants are told apart by their shape",
            );
        }
    }
    // `required: true` on a property: the property is required in its object.
    let mut hoisted = Vec::new();
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if let Some(prop) = prop.as_object_mut()
                && let Some(Value::Bool(b)) = prop.get("required").cloned()
            {
                prop.remove("required");
                let prop_at = child(&child(at, "properties"), name);
                report.warn(
                    &child(&prop_at, "required"),
                    format!(
                        "`required: {b}` on a property is Swagger 2's spelling; {}",
                        if b {
                            format!("`{name}` is listed in its object's `required` instead")
                        } else {
                            "the property stays optional (a property is optional unless listed)"
                                .to_owned()
                        }
                    ),
                );
                if b {
                    hoisted.push(name.clone());
                }
            }
        }
    }
    match map.get_mut("required") {
        None => {}
        Some(Value::Array(names)) => {
            let before = names.len();
            names.retain(Value::is_string);
            if names.len() != before {
                report.degrade(
                    &child(at, "required"),
                    Degradation::Dropped,
                    "`required` lists property names; entries that are not text are ignored",
                );
            }
        }
        Some(_) => ignore(
            map,
            "required",
            "must be a list of property names",
            at,
            report,
        ),
    }
    if !hoisted.is_empty() {
        let list = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(names) = list {
            for name in hoisted {
                if !names.iter().any(|n| n.as_str() == Some(&name)) {
                    names.push(Value::String(name));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
