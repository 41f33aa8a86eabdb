//! Consistency of `specs/` across its documents (part of `cargo xtask fidelity` and `cargo xtask check`).
//!
//! The documents are self-contained, so one concept (a customer profile, the dispute states, Klarna's error
//! body) is written once per document that needs it. These checks keep the copies one shape:
//! - **Same-named schemas agree**: a component schema whose name appears in two or more documents must have
//!   the same shape in each (types, formats, enum values, properties, `required`, constraints, sensitivity),
//!   compared without descriptions, examples and evidence markers. A copy that must differ says why in
//!   `x-klarna-differs` (a non-empty string), on every copy that differs.
//! - **Scopes grant fields**: a string enum carrying `x-klarna-grants: {schema: <name>, fields: {<value>:
//!   [<property>, ...]}}` maps each of its values (for example `profile:date_of_birth`) to the properties of
//!   the named schema that the value grants. Every value must be mapped, and every mapped property must exist
//!   in every document's schema of that name, so a customer profile carries a field for every scope that
//!   grants one.
//! - **Klarna's rules, stated once per document**: every document names the live and test base URLs
//!   (`https://api-global.klarna.com`, `https://api-global.test.klarna.com`) as its servers and the API key
//!   in `Authorization` as its security; every operation declares `Partner-Correlation-Id` and
//!   `Klarna-Integration-Metadata`, and `Klarna-Idempotency-Key` exactly when it is a `POST` or `PATCH`
//!   (Klarna's idempotency guide: the key goes on all POST and PATCH requests;
//!   <https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/idempotency>).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::fidelity::escape;

/// Keys that describe or evidence a schema rather than shape it.
const NOT_SHAPE: [&str; 11] = [
    "description",
    "example",
    "examples",
    "title",
    "x-klarna-evidence",
    "x-klarna-field-evidence",
    "x-klarna-partly",
    "x-klarna-inferred",
    "x-klarna-differs",
    "x-klarna-grants",
    "x-klarna-event-payloads",
];

/// All consistency problems of `documents` (display name, document), each naming files and pointers.
pub fn check(documents: &[(String, Value)]) -> Vec<String> {
    let mut problems = same_named_schemas(documents);
    problems.extend(scope_grants(documents));
    problems
}

/// Klarna's base URLs, live then test.
const BASE_URLS: [&str; 2] = [
    "https://api-global.klarna.com",
    "https://api-global.test.klarna.com",
];

/// Headers every operation declares.
const EVERY_OPERATION: [&str; 2] = ["Partner-Correlation-Id", "Klarna-Integration-Metadata"];

/// The idempotency header, declared by exactly the `POST` and `PATCH` operations.
const IDEMPOTENCY_HEADER: &str = "Klarna-Idempotency-Key";

/// A parameter, its `$ref` into `components.parameters` followed.
fn resolve_param<'a>(doc: &'a Value, param: &'a Value) -> &'a Value {
    match param.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| doc.pointer(p))
            .unwrap_or(param),
        None => param,
    }
}

/// The problems of `documents` with Klarna's rules stated in every document (servers, authentication, the
/// shared headers); `cargo xtask fidelity` runs it on `specs/` beside [`check`].
pub fn klarna_rules(documents: &[(String, Value)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, doc) in documents {
        let servers: Vec<&str> = doc
            .get("servers")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(|s| s.get("url").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if servers != BASE_URLS {
            problems.push(format!(
                "{name}: #/servers: {servers:?}, but Klarna's base URLs are {BASE_URLS:?} (live, then test)"
            ));
        }
        let scheme = doc.pointer("/components/securitySchemes/klarna_api_key");
        let in_authorization = scheme.is_some_and(|s| {
            s.get("type").and_then(Value::as_str) == Some("apiKey")
                && s.get("in").and_then(Value::as_str) == Some("header")
                && s.get("name").and_then(Value::as_str) == Some("Authorization")
        });
        let required = doc.pointer("/security/0/klarna_api_key").is_some();
        if !in_authorization || !required {
            problems.push(format!(
                "{name}: #/components/securitySchemes/klarna_api_key: the API key must be an `apiKey` in the \
                 `Authorization` header, required by the document's `security`"
            ));
        }
        let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for (path, item) in paths {
            let common = item.get("parameters").and_then(Value::as_array);
            for method in ["get", "put", "post", "delete", "patch"] {
                let Some(op) = item.get(method) else { continue };
                let headers: Vec<String> = common
                    .into_iter()
                    .chain(op.get("parameters").and_then(Value::as_array))
                    .flatten()
                    .map(|p| resolve_param(doc, p))
                    .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
                    .filter_map(|p| p.get("name").and_then(Value::as_str))
                    .map(str::to_ascii_lowercase)
                    .collect();
                let has = |h: &str| headers.iter().any(|x| x.eq_ignore_ascii_case(h));
                let at = format!("{name}: #/paths/{}/{method}", escape(path));
                for h in EVERY_OPERATION {
                    if !has(h) {
                        problems.push(format!("{at}: does not declare the `{h}` header"));
                    }
                }
                let wants = matches!(method, "post" | "patch");
                if has(IDEMPOTENCY_HEADER) != wants {
                    problems.push(format!(
                        "{at}: {} `{IDEMPOTENCY_HEADER}`, but Klarna takes it on exactly the POST and PATCH requests",
                        if wants { "does not declare" } else { "declares" }
                    ));
                }
            }
        }
    }
    problems
}

fn schemas(doc: &Value) -> Option<&Map<String, Value>> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
}

/// The shape of a schema: the schema without descriptive and evidence keys, enum values and `required`
/// sorted, recursively.
pub fn shape(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                if NOT_SHAPE.contains(&key.as_str()) {
                    continue;
                }
                let value = match key.as_str() {
                    "enum" | "required" => {
                        let mut items: Vec<Value> = value.as_array().cloned().unwrap_or_default();
                        items.sort_by_key(Value::to_string);
                        Value::Array(items)
                    }
                    _ => shape(value),
                };
                out.insert(key.clone(), value);
            }
            // `allOf: [{$ref}]` is how a `$ref` property carries markers (CONVENTIONS): the same shape as
            // the plain `$ref`.
            let single = match out.get("allOf") {
                Some(Value::Array(parts)) if parts.len() == 1 => parts[0].as_object().cloned(),
                _ => None,
            };
            if let Some(part) = single {
                out.remove("allOf");
                for (key, value) in part {
                    out.entry(key).or_insert(value);
                }
            }
            Value::Object(out)
        }
        Value::Array(list) => Value::Array(list.iter().map(shape).collect()),
        other => other.clone(),
    }
}

/// The first place where two shapes differ, as a JSON pointer relative to the schema and what each side has.
pub fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let here = format!("{at}/{}", escape(key));
                match (x.get(key), y.get(key)) {
                    (Some(l), Some(r)) => {
                        if let Some(d) = first_difference(l, r, &here) {
                            return Some(d);
                        }
                    }
                    (Some(l), None) => return Some(format!("{here}: {} vs absent", brief(l))),
                    (None, Some(r)) => return Some(format!("{here}: absent vs {}", brief(r))),
                    (None, None) => {}
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y))
            if at.ends_with("/enum") || at.ends_with("/required") =>
        {
            let only = |l: &[Value], r: &[Value]| -> Vec<String> {
                l.iter()
                    .filter(|v| !r.contains(v))
                    .map(Value::to_string)
                    .collect()
            };
            let (left, right) = (only(x, y), only(y, x));
            if left.is_empty() && right.is_empty() {
                None
            } else {
                Some(format!(
                    "{at}: only in the first [{}], only in the second [{}]",
                    left.join(", "),
                    right.join(", ")
                ))
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{}: {} vs {}", at_or_root(at), brief(a), brief(b))),
    }
}

fn at_or_root(at: &str) -> &str {
    if at.is_empty() { "(the schema)" } else { at }
}

fn brief(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        format!("{}...", text.chars().take(117).collect::<String>())
    } else {
        text
    }
}

fn differs_reason(schema: &Value) -> Option<&str> {
    schema
        .get("x-klarna-differs")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn same_named_schemas(documents: &[(String, Value)]) -> Vec<String> {
    let mut by_name: BTreeMap<&str, Vec<(&str, &Value)>> = BTreeMap::new();
    for (display, doc) in documents {
        for (name, schema) in schemas(doc).into_iter().flatten() {
            by_name
                .entry(name.as_str())
                .or_default()
                .push((display.as_str(), schema));
        }
    }
    let mut problems = Vec::new();
    for (name, copies) in by_name {
        let Some(((first_doc, first), rest)) = copies.split_first() else {
            continue;
        };
        let reference = shape(first);
        for (doc, schema) in rest {
            let Some(difference) = first_difference(&reference, &shape(schema), "") else {
                continue;
            };
            if differs_reason(first).is_some() && differs_reason(schema).is_some() {
                continue;
            }
            problems.push(format!(
                "{first_doc} and {doc}: #/components/schemas/{}: the same-named schemas differ at {difference} \
                 (make them one shape, or say why in `x-klarna-differs` on both)",
                escape(name)
            ));
        }
    }
    problems
}

fn scope_grants(documents: &[(String, Value)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (display, doc) in documents {
        for (name, schema) in schemas(doc).into_iter().flatten() {
            let Some(grants) = schema.get("x-klarna-grants") else {
                continue;
            };
            let at = format!(
                "{display}: #/components/schemas/{}/x-klarna-grants",
                escape(name)
            );
            let target = grants.get("schema").and_then(Value::as_str);
            let fields = grants.get("fields").and_then(Value::as_object);
            let (Some(target), Some(fields)) = (target, fields) else {
                problems.push(format!(
                    "{at}: must be `{{schema: <schema name>, fields: {{<enum value>: [<property>, ...]}}}}`"
                ));
                continue;
            };
            for value in schema
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !fields.contains_key(value) {
                    problems.push(format!(
                        "{at}/fields: the value `{value}` grants no field of `{target}` (map it to the properties it grants)"
                    ));
                }
            }
            let targets: Vec<(&str, &Value)> = documents
                .iter()
                .filter_map(|(d, doc)| schemas(doc)?.get(target).map(|s| (d.as_str(), s)))
                .collect();
            if targets.is_empty() {
                problems.push(format!("{at}/schema: no document has a schema `{target}`"));
            }
            for (value, props) in fields {
                let listed: Vec<&str> = props
                    .as_array()
                    .map(|l| l.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if listed.is_empty() {
                    problems.push(format!(
                        "{at}/fields/{}: must list at least one property",
                        escape(value)
                    ));
                }
                for prop in listed {
                    for (target_doc, target_schema) in &targets {
                        if target_schema
                            .pointer(&format!("/properties/{}", escape(prop)))
                            .is_none()
                        {
                            problems.push(format!(
                                "{at}/fields/{}: `{value}` grants `{prop}`, but {target_doc}'s `{target}` has no such property",
                                escape(value)
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({"components": {"schemas": schemas}})
    }

    #[test]
    fn same_named_schemas_must_have_one_shape() {
        let a = doc(json!({
            "State": {"type": "string", "enum": ["OPEN", "CLOSED"], "description": "a"},
            "Thing": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string", "description": "x"},
                "owner": {"$ref": "#/components/schemas/Owner"}
            }}
        }));
        let b = doc(json!({
            "State": {"type": "string", "enum": ["CLOSED", "OPEN"], "description": "b"},
            "Thing": {"type": "object", "required": ["id"], "x-klarna-partly": {"id": "named"},
                      "properties": {
                          "id": {"type": "string", "x-klarna-inferred": true},
                          "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "x-klarna-inferred": true}
                      }}
        }));
        // Order of enum values, descriptions, evidence markers and the `allOf` wrapper of a marked `$ref`
        // do not count.
        let docs = vec![
            ("specs/a.yaml".to_owned(), a),
            ("specs/b.yaml".to_owned(), b),
        ];
        assert!(check(&docs).is_empty(), "{:?}", check(&docs));

        let c = doc(json!({
            "State": {"type": "string", "enum": ["OPEN", "CLOSED", "REOPENED"]},
            "Thing": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}
        }));
        let docs = vec![docs[0].clone(), ("specs/c.yaml".to_owned(), c)];
        let text = check(&docs).join("\n");
        assert!(
            text.contains("specs/a.yaml and specs/c.yaml: #/components/schemas/State: the same-named schemas differ at /enum: only in the first [], only in the second [\"REOPENED\"]"),
            "{text}"
        );
        assert!(
            text.contains("#/components/schemas/Thing: the same-named schemas differ at /properties/id/format: absent vs \"uuid\""),
            "{text}"
        );
    }

    #[test]
    fn a_stated_difference_is_accepted_only_on_both_copies() {
        let a = doc(
            json!({"S": {"type": "string", "enum": ["A"], "x-klarna-differs": "webhooks send fewer"}}),
        );
        let b = doc(json!({"S": {"type": "string", "enum": ["A", "B"]}}));
        let docs = vec![("a".to_owned(), a.clone()), ("b".to_owned(), b)];
        assert_eq!(check(&docs).len(), 1);
        let b = doc(
            json!({"S": {"type": "string", "enum": ["A", "B"], "x-klarna-differs": "legacy values"}}),
        );
        let docs = vec![("a".to_owned(), a), ("b".to_owned(), b)];
        assert!(check(&docs).is_empty());
    }

    fn klarna_doc(paths: Value) -> Value {
        json!({
            "servers": [{"url": BASE_URLS[0]}, {"url": BASE_URLS[1]}],
            "security": [{"klarna_api_key": []}],
            "components": {
                "securitySchemes": {"klarna_api_key": {"type": "apiKey", "in": "header", "name": "Authorization"}},
                "parameters": {
                    "Corr": {"name": "Partner-Correlation-Id", "in": "header"},
                    "Meta": {"name": "Klarna-Integration-Metadata", "in": "header"},
                    "Idem": {"name": "Klarna-Idempotency-Key", "in": "header"}
                }
            },
            "paths": paths
        })
    }

    #[test]
    fn klarnas_headers_servers_and_auth_are_checked() {
        let r = |n: &str| json!({"$ref": format!("#/components/parameters/{n}")});
        let good = klarna_doc(json!({
            "/v2/x": {
                "parameters": [r("Corr"), r("Meta")],
                "get": {},
                "post": {"parameters": [r("Idem")]}
            }
        }));
        assert!(klarna_rules(&[("a".to_owned(), good)]).is_empty());

        let mut bad = klarna_doc(json!({
            "/v2/x": {
                "get": {"parameters": [r("Corr"), r("Meta"), r("Idem")]},
                "patch": {"parameters": [r("Corr")]}
            }
        }));
        bad["servers"] = json!([{"url": "https://api.klarna.com"}]);
        bad["components"]["securitySchemes"]["klarna_api_key"]["name"] = json!("X-Api-Key");
        let text = klarna_rules(&[("b".to_owned(), bad)]).join("\n");
        for expected in [
            "b: #/servers: [\"https://api.klarna.com\"], but Klarna's base URLs are",
            "b: #/components/securitySchemes/klarna_api_key: the API key must be an `apiKey` in the `Authorization` header",
            "b: #/paths/~1v2~1x/get: declares `Klarna-Idempotency-Key`, but Klarna takes it on exactly the POST and PATCH requests",
            "b: #/paths/~1v2~1x/patch: does not declare the `Klarna-Integration-Metadata` header",
            "b: #/paths/~1v2~1x/patch: does not declare `Klarna-Idempotency-Key`",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn every_scope_grants_an_existing_field() {
        let a = doc(json!({
            "Scope": {"type": "string", "enum": ["profile:name", "profile:email", "profile:date_of_birth"],
                "x-klarna-grants": {"schema": "Profile", "fields": {
                    "profile:name": ["given_name", "family_name"],
                    "profile:email": ["email"]
                }}},
            "Profile": {"type": "object", "properties": {"given_name": {}, "family_name": {}, "email": {}}}
        }));
        let b = doc(
            json!({"Profile": {"type": "object", "properties": {"given_name": {}, "family_name": {}}}}),
        );
        let docs = vec![
            ("specs/a.yaml".to_owned(), a),
            ("specs/b.yaml".to_owned(), b),
        ];
        let text = check(&docs).join("\n");
        assert!(
            text.contains("specs/a.yaml: #/components/schemas/Scope/x-klarna-grants/fields: the value `profile:date_of_birth` grants no field of `Profile`"),
            "{text}"
        );
        assert!(
            text.contains(
                "`profile:email` grants `email`, but specs/b.yaml's `Profile` has no such property"
            ),
            "{text}"
        );
    }
}
