//! `cargo xtask fidelity`: how much of `specs/` a source confirms, per API and in total.
//!
//! It reads the documents as written (through the generator's loader, so YAML and JSON alike) and
//! `specs/SOURCES.md`, and checks the evidence rules of `specs/CONVENTIONS.md`:
//! - every evidence entry is located: a one-key map `{source-id: locator}` whose source id names a row of
//!   `specs/SOURCES.md` and whose locator (the sample, table row, DTO line or request file that shows the
//!   fact) is a non-empty string;
//! - every operation carries `x-klarna-evidence` with the four keys `endpoint`, `request`, `status` and
//!   `response`, each a list of entries;
//! - every webhook event payload schema (the values of an `x-klarna-event-payloads` map) carries
//!   `x-klarna-evidence`, a list of entries;
//! - every property of a schema reachable from a success response body or an event payload is in exactly one
//!   bucket: **inferred** (`x-klarna-inferred: true` on the property), **partly** (named in the schema's
//!   `x-klarna-partly` map, with what its sources do not show), or **confirmed** (named in the schema's
//!   `x-klarna-field-evidence` map, with at least one located entry). A property in none of them is an error;
//! - those two maps only name properties the schema has, and never an inferred one;
//! - the documents agree with each other ([`crate::consistency`]).
//!
//! It then counts, per document: operations; operations whose success status and response body are
//! both confirmed (non-empty `status` and `response` evidence); the properties of every schema reachable
//! from a success response body (each property once per API, however many operations return it), split
//! into confirmed, partly confirmed and inferred; and the same for webhook event payloads.
//! `cargo xtask fidelity` prints the table and writes `specs/FIDELITY.md`; `cargo xtask check` fails when
//! that file is not current or the evidence is broken.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// The file this command writes, relative to the workspace root.
const REPORT: &str = "specs/FIDELITY.md";
/// The sources table, relative to the workspace root.
const SOURCES: &str = "specs/SOURCES.md";
/// The four parts of an operation that evidence speaks for.
const EVIDENCE_KEYS: [&str; 4] = ["endpoint", "request", "status", "response"];
/// On a schema: property name → located entries that show the property in a response.
const FIELD_EVIDENCE: &str = "x-klarna-field-evidence";
/// On a schema: property name → what the sources naming the property do not show.
const PARTLY: &str = "x-klarna-partly";
/// On a property: no source confirms it.
const INFERRED: &str = "x-klarna-inferred";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Counts for one API (or the total).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Operations in the document.
    pub operations: usize,
    /// Operations whose success status and response body both have evidence.
    pub confirmed_responses: usize,
    /// Properties reachable from success response bodies.
    pub response_fields: usize,
    /// Of those, the ones named in their schema's `x-klarna-partly`.
    pub partly_fields: usize,
    /// Of those, the ones marked `x-klarna-inferred`.
    pub inferred_fields: usize,
    /// Properties reachable from webhook event payload schemas.
    pub payload_fields: usize,
    /// Of those, the partly confirmed ones.
    pub partly_payload_fields: usize,
    /// Of those, the ones marked `x-klarna-inferred`.
    pub inferred_payload_fields: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.operations += other.operations;
        self.confirmed_responses += other.confirmed_responses;
        self.response_fields += other.response_fields;
        self.partly_fields += other.partly_fields;
        self.inferred_fields += other.inferred_fields;
        self.payload_fields += other.payload_fields;
        self.partly_payload_fields += other.partly_payload_fields;
        self.inferred_payload_fields += other.inferred_payload_fields;
    }

    fn confirmed_fields(&self) -> usize {
        self.response_fields - self.inferred_fields - self.partly_fields
    }

    fn confirmed_payload_fields(&self) -> usize {
        self.payload_fields - self.inferred_payload_fields - self.partly_payload_fields
    }

    /// The summary line: `fidelity: X of Y response fields confirmed (P %), Z partly, W inferred; A of B
    /// operations with a confirmed response`.
    pub fn summary(&self) -> String {
        format!(
            "fidelity: {} of {} response fields confirmed ({} %), {} partly, {} inferred; {} of {} operations with a confirmed response",
            self.confirmed_fields(),
            self.response_fields,
            percent(self.confirmed_fields(), self.response_fields),
            self.partly_fields,
            self.inferred_fields,
            self.confirmed_responses,
            self.operations
        )
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0.0".into();
    }
    // Integer arithmetic rounded to one decimal, so the text is the same on every machine.
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `cargo xtask fidelity`: prints the table and rewrites `specs/FIDELITY.md`.
pub fn run(root: &Path) -> Result<()> {
    let report = report(root)?;
    print!("{}", report.table);
    println!("{}", report.total.summary());
    let path = root.join(REPORT);
    std::fs::write(&path, &report.markdown)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {REPORT}");
    Ok(())
}

/// Part of `cargo xtask check`: the evidence is valid and `specs/FIDELITY.md` is current.
pub fn check(root: &Path) -> Result<()> {
    let report = report(root)?;
    let path = root.join(REPORT);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != report.markdown {
        bail!("{REPORT} is not current: run `cargo xtask fidelity` and commit the result");
    }
    println!("{REPORT} is current; {}", report.total.summary());
    Ok(())
}

struct Report {
    table: String,
    markdown: String,
    total: Counts,
}

fn report(root: &Path) -> Result<Report> {
    let sources_text = std::fs::read_to_string(root.join(SOURCES))
        .with_context(|| format!("reading {SOURCES}"))?;
    let sources = parse_sources(&sources_text).map_err(|e| anyhow::anyhow!("{SOURCES}: {e}"))?;
    let mut per_api = Vec::new();
    let mut problems = Vec::new();
    let mut documents = Vec::new();
    for path in crate::spec_files(root)? {
        let display = format!(
            "specs/{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
        );
        let loaded = klarna_codegen::load::load(&path, &display)
            .map_err(|d| anyhow::anyhow!("{display} does not load:\n{d}"))?;
        let (counts, mut found) = measure(&loaded.raw, &sources);
        problems.extend(found.drain(..).map(|p| format!("{display}: {p}")));
        per_api.push((loaded.stem.clone(), counts));
        documents.push((display, loaded.raw));
    }
    problems.extend(crate::consistency::check(&documents));
    problems.extend(crate::consistency::klarna_rules(&documents));
    if !problems.is_empty() {
        bail!(
            "{} evidence or consistency problem(s) (see specs/CONVENTIONS.md, \"Evidence\" and \"Consistency\"):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    let mut total = Counts::default();
    for (_, c) in &per_api {
        total.add(c);
    }
    let table = render_table(&per_api, &total);
    let markdown = format!(
        "# How much of specs/ a source confirms\n\n\
         Written by `cargo xtask fidelity` (and checked by `cargo xtask check`); do not edit by hand. \
         The rules are in [`CONVENTIONS.md`](CONVENTIONS.md) (\"Evidence\"), the sources in \
         [`SOURCES.md`](SOURCES.md).\n\n\
         - **operations**: operations in the document; **confirmed response**: those whose success status \
         and response body both have evidence.\n\
         - **response fields**: properties of the schemas reachable from success response bodies, each \
         counted once per API. **confirmed**: a located source (`x-klarna-field-evidence`: the sample, \
         table row, DTO line or script read) shows the field; **partly**: a source names it but does not \
         show all of name, nesting, type and presence (`x-klarna-partly` says what is missing); \
         **inferred**: no source shows it (`x-klarna-inferred`; optional when the SDK decodes a response).\n\
         - **payload**: the same for webhook event payload schemas.\n\n\
         {table}\n{}\n",
        total.summary()
    );
    Ok(Report {
        table,
        markdown,
        total,
    })
}

fn render_table(per_api: &[(String, Counts)], total: &Counts) -> String {
    let mut out = String::from(
        "| API | operations | confirmed response | response fields | confirmed | partly | inferred | payload fields | payload confirmed | payload partly | payload inferred |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let row = |out: &mut String, name: &str, c: &Counts| {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} ({} %) | {} | {} | {} | {} | {} | {} |",
            c.operations,
            c.confirmed_responses,
            c.response_fields,
            c.confirmed_fields(),
            percent(c.confirmed_fields(), c.response_fields),
            c.partly_fields,
            c.inferred_fields,
            c.payload_fields,
            c.confirmed_payload_fields(),
            c.partly_payload_fields,
            c.inferred_payload_fields,
        );
    };
    for (name, c) in per_api {
        row(&mut out, name, c);
    }
    row(&mut out, "**total**", total);
    out
}
/// The ids of `SOURCES.md`'s table: the first cell of every row after the header row `| id | ...`.
pub fn parse_sources(text: &str) -> Result<BTreeSet<String>, String> {
    let mut ids = BTreeSet::new();
    let mut in_table = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let first = line
            .trim_start_matches('|')
            .split('|')
            .next()
            .unwrap_or("")
            .trim();
        if first == "id" {
            in_table = true;
            continue;
        }
        if !in_table || first.starts_with("---") || first.starts_with(":-") {
            continue;
        }
        let valid = !first.is_empty()
            && first
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(format!(
                "line {}: source id `{first}` must be lower-case letters, digits and `-`",
                n + 1
            ));
        }
        if !ids.insert(first.to_owned()) {
            return Err(format!(
                "line {}: source id `{first}` is listed twice",
                n + 1
            ));
        }
    }
    if ids.is_empty() {
        return Err("no sources table (a header row starting `| id |`)".into());
    }
    Ok(ids)
}

/// Counts one document and lists its evidence problems (each with a JSON pointer).
pub fn measure(doc: &Value, sources: &BTreeSet<String>) -> (Counts, Vec<String>) {
    let mut counts = Counts::default();
    let mut problems = Vec::new();
    let mut response_fields = Fields::default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item = deref(doc, item);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let at = format!("#/paths/{}/{method}", escape(path));
                counts.operations += 1;
                if operation_evidence(op, &at, sources, &mut problems) {
                    counts.confirmed_responses += 1;
                }
                let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                    continue;
                };
                for (status, response) in responses {
                    if !status.starts_with('2') {
                        continue;
                    }
                    let response = deref(doc, response);
                    let Some(content) = response.get("content").and_then(Value::as_object) else {
                        continue;
                    };
                    for (media, body) in content {
                        if let Some(schema) = body.get("schema") {
                            let at =
                                format!("{at}/responses/{status}/content/{}/schema", escape(media));
                            response_fields.walk(doc, schema, &at);
                        }
                    }
                }
            }
        }
    }
    counts.response_fields = response_fields.all.len();
    counts.partly_fields = response_fields.partly.len();
    counts.inferred_fields = response_fields.inferred.len();

    let mut payload_fields = Fields::default();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let Some(map) = schema
                .get("x-klarna-event-payloads")
                .and_then(Value::as_object)
            else {
                continue;
            };
            let payloads: BTreeSet<&str> = map.values().filter_map(Value::as_str).collect();
            for payload in payloads {
                let at = format!("#/components/schemas/{}", escape(payload));
                let Some(payload_schema) = schemas.get(payload) else {
                    problems.push(format!(
                        "{}: event payload schema `{payload}` does not exist",
                        format_args!(
                            "#/components/schemas/{}/x-klarna-event-payloads",
                            escape(name)
                        )
                    ));
                    continue;
                };
                // Its entries are checked with every schema's by `field_maps`.
                if payload_schema.get("x-klarna-evidence").is_none() {
                    problems.push(format!(
                        "{at}: event payload schema has no `x-klarna-evidence` (a list of located entries)"
                    ));
                }
                payload_fields.walk(
                    doc,
                    &Value::String(format!("#/components/schemas/{payload}")),
                    &at,
                );
            }
        }
    }
    counts.payload_fields = payload_fields.all.len();
    counts.partly_payload_fields = payload_fields.partly.len();
    counts.inferred_payload_fields = payload_fields.inferred.len();
    for field in response_fields
        .unclassified
        .iter()
        .chain(&payload_fields.unclassified)
        .collect::<BTreeSet<_>>()
    {
        problems.push(format!(
            "{field}: a response or payload field must be confirmed (`{FIELD_EVIDENCE}` of its schema), \
             partly confirmed (`{PARTLY}`) or inferred (`{INFERRED}: true`)"
        ));
    }
    field_maps(doc, "#", sources, &mut problems);
    (counts, problems)
}

/// Checks an operation's `x-klarna-evidence`; true when its status and response are both confirmed.
fn operation_evidence(
    op: &Value,
    at: &str,
    sources: &BTreeSet<String>,
    problems: &mut Vec<String>,
) -> bool {
    let Some(evidence) = op.get("x-klarna-evidence") else {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        problems.push(format!("{at}: operation `{id}` has no `x-klarna-evidence`"));
        return false;
    };
    let at = format!("{at}/x-klarna-evidence");
    let Some(map) = evidence.as_object() else {
        problems.push(format!(
            "{at}: must be a map with the keys {}",
            EVIDENCE_KEYS.join(", ")
        ));
        return false;
    };
    for key in map.keys() {
        if !EVIDENCE_KEYS.contains(&key.as_str()) {
            problems.push(format!(
                "{at}/{key}: unknown key (the keys are {})",
                EVIDENCE_KEYS.join(", ")
            ));
        }
    }
    let mut confirmed = |key: &str| -> bool {
        match map.get(key) {
            None => {
                problems.push(format!(
                    "{at}: missing key `{key}` (an empty list says no source confirms it)"
                ));
                false
            }
            Some(entries) => check_entries(entries, &format!("{at}/{key}"), sources, problems) > 0,
        }
    };
    // Every key is checked; a confirmed response needs both the status and the body.
    let [_endpoint, _request, status, response] = EVIDENCE_KEYS.map(&mut confirmed);
    status && response
}

/// Checks a list of located entries (`- source-id: locator`); returns how many valid ones it holds.
fn check_entries(
    entries: &Value,
    at: &str,
    sources: &BTreeSet<String>,
    problems: &mut Vec<String>,
) -> usize {
    let Some(list) = entries.as_array() else {
        problems.push(format!(
            "{at}: must be a list of located entries (`- source-id: locator`)"
        ));
        return 0;
    };
    let mut valid = 0;
    for (i, entry) in list.iter().enumerate() {
        if check_entry(entry, &format!("{at}/{i}"), sources, problems) {
            valid += 1;
        }
    }
    valid
}

/// One located entry: a map with exactly one key, a source id of `SOURCES.md`, whose value is the
/// locator, a non-empty string saying where in that source the fact is shown.
fn check_entry(
    entry: &Value,
    at: &str,
    sources: &BTreeSet<String>,
    problems: &mut Vec<String>,
) -> bool {
    let single = entry
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next());
    let Some((id, locator)) = single else {
        let seen = match entry {
            Value::String(s) => format!("the bare id `{s}`"),
            other => format!("`{other}`"),
        };
        problems.push(format!(
            "{at}: must be `source-id: locator` (one source id and where in it the fact is shown), not {seen}"
        ));
        return false;
    };
    let mut ok = true;
    if !sources.contains(id) {
        problems.push(format!("{at}: source `{id}` is not in specs/SOURCES.md"));
        ok = false;
    }
    match locator.as_str() {
        Some(l) if !l.trim().is_empty() => {}
        _ => {
            problems.push(format!(
                "{at}/{}: the locator must be a non-empty string (the sample, table row, DTO line or request file)",
                escape(id)
            ));
            ok = false;
        }
    }
    ok
}

/// Validates every `x-klarna-field-evidence` and `x-klarna-partly` map and every schema-level
/// `x-klarna-evidence` list in the document, wherever it sits: each key names a property of that schema
/// which is not inferred; evidence lists hold located entries (field evidence at least one); partly
/// reasons are non-empty strings.
fn field_maps(value: &Value, at: &str, sources: &BTreeSet<String>, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let props = map.get("properties").and_then(Value::as_object);
            for key in [FIELD_EVIDENCE, PARTLY] {
                let Some(entries) = map.get(key) else {
                    continue;
                };
                let here = format!("{at}/{key}");
                let Some(entries) = entries.as_object() else {
                    problems.push(format!("{here}: must be a map from property name"));
                    continue;
                };
                for (name, item) in entries {
                    let item_at = format!("{here}/{}", escape(name));
                    match props.and_then(|p| p.get(name)) {
                        None => problems.push(format!(
                            "{item_at}: the schema has no property `{name}`"
                        )),
                        Some(prop) if is_inferred(prop) => problems.push(format!(
                            "{item_at}: `{name}` is marked `{INFERRED}`; a field is in one bucket only"
                        )),
                        Some(_) => {}
                    }
                    if key == FIELD_EVIDENCE {
                        if check_entries(item, &item_at, sources, problems) == 0
                            && item.as_array().is_some_and(Vec::is_empty)
                        {
                            problems.push(format!(
                                "{item_at}: an empty list confirms nothing; use `{PARTLY}` or `{INFERRED}`"
                            ));
                        }
                    } else if item.as_str().is_none_or(|s| s.trim().is_empty()) {
                        problems.push(format!(
                            "{item_at}: must say, as a non-empty string, what the sources do not show"
                        ));
                    }
                }
            }
            // A schema's own evidence (event payloads and the schemas nested in them): a list of
            // entries. An operation's is a map of four lists, checked by `operation_evidence`.
            if let Some(list @ Value::Array(_)) = map.get("x-klarna-evidence") {
                check_entries(list, &format!("{at}/x-klarna-evidence"), sources, problems);
            }
            for (key, sub) in map {
                if key == FIELD_EVIDENCE || key == PARTLY || key == "x-klarna-evidence" {
                    continue;
                }
                field_maps(sub, &format!("{at}/{}", escape(key)), sources, problems);
            }
        }
        Value::Array(list) => {
            for (i, sub) in list.iter().enumerate() {
                field_maps(sub, &format!("{at}/{i}"), sources, problems);
            }
        }
        _ => {}
    }
}

fn is_inferred(prop: &Value) -> bool {
    prop.get(INFERRED).and_then(Value::as_bool) == Some(true)
}

fn names_in(schema: &Value, key: &str) -> BTreeSet<String> {
    schema
        .get(key)
        .and_then(Value::as_object)
        .map(Map::keys)
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// Properties reached from some schemas, by the pointer of the property, in their buckets.
#[derive(Default)]
struct Fields {
    all: BTreeSet<String>,
    partly: BTreeSet<String>,
    inferred: BTreeSet<String>,
    /// In no bucket: an evidence problem.
    unclassified: BTreeSet<String>,
    visited: BTreeSet<String>,
}

impl Fields {
    /// Walks a schema (or a `$ref` string for a component) and records every property it can reach.
    fn walk(&mut self, doc: &Value, schema: &Value, at: &str) {
        let (schema, at) = match schema {
            Value::String(reference) => match lookup(doc, reference) {
                Some(s) => (s, reference.clone()),
                None => return,
            },
            other => match other.get("$ref").and_then(Value::as_str) {
                Some(reference) => match lookup(doc, reference) {
                    Some(s) => (s, reference.to_owned()),
                    None => return,
                },
                None => (other, at.to_owned()),
            },
        };
        if !self.visited.insert(at.clone()) {
            return;
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let confirmed = names_in(schema, FIELD_EVIDENCE);
            let partly = names_in(schema, PARTLY);
            for (name, prop) in props {
                let prop_at = format!("{at}/properties/{}", escape(name));
                self.all.insert(prop_at.clone());
                if is_inferred(prop) {
                    self.inferred.insert(prop_at.clone());
                } else if partly.contains(name) {
                    self.partly.insert(prop_at.clone());
                } else if !confirmed.contains(name) {
                    self.unclassified.insert(prop_at.clone());
                }
                self.walk(doc, prop, &prop_at);
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(sub) = schema.get(key).filter(|v| v.is_object()) {
                self.walk(doc, sub, &format!("{at}/{key}"));
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(list) = schema.get(key).and_then(Value::as_array) {
                for (i, sub) in list.iter().enumerate() {
                    self.walk(doc, sub, &format!("{at}/{key}/{i}"));
                }
            }
        }
    }
}

/// Follows a local `$ref` (`#/...`) one level; other values are returned as they are.
fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => lookup(doc, reference).unwrap_or(value),
        None => value,
    }
}

pub(crate) fn lookup<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    reference.strip_prefix('#').and_then(|p| doc.pointer(p))
}

/// A JSON pointer token.
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sources() -> BTreeSet<String> {
        ["a", "b"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_sources_table_is_read_by_its_id_column() {
        let text =
            "intro\n\n| id | kind |\n|---|---|\n| a | guide |\n| b-2 | reference |\n\nafter\n";
        assert_eq!(
            parse_sources(text).expect("valid"),
            ["a", "b-2"].iter().map(|s| s.to_string()).collect()
        );
        assert!(
            parse_sources("| id |\n|---|\n| a |\n| a |\n")
                .unwrap_err()
                .contains("twice")
        );
        assert!(
            parse_sources("| id |\n|---|\n| Bad Id |\n")
                .unwrap_err()
                .contains("Bad Id")
        );
        assert!(parse_sources("no table").is_err());
    }

    fn doc(evidence: Value) -> Value {
        json!({
            "paths": {
                "/things/{id}": {
                    "get": {
                        "x-klarna-evidence": evidence,
                        "responses": {
                            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                            "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                        }
                    },
                    "delete": {
                        "x-klarna-evidence": {"endpoint": [{"a": "delete.bru"}], "request": [{"a": "delete.bru"}], "status": [], "response": []},
                        "responses": {"204": {"description": "gone"}}
                    }
                }
            },
            "components": {"schemas": {
                "Thing": {"type": "object",
                    "x-klarna-field-evidence": {
                        "id": [{"a": "get.bru: res.body.id"}],
                        "tags": [{"b": "response sample"}],
                        "self": [{"b": "response sample"}]
                    },
                    "x-klarna-partly": {"name": "the guide's table names it; no sample shows its type"},
                    "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "guess": {"type": "string", "x-klarna-inferred": true},
                    "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "x-klarna-inferred": true},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                    "self": {"$ref": "#/components/schemas/Thing"}
                }},
                "Owner": {"type": "object", "x-klarna-partly": {"name": "named only"}, "properties": {"name": {"type": "string"}}},
                "Tag": {"type": "object", "properties": {"label": {"type": "string", "x-klarna-inferred": true}}},
                "Error": {"type": "object", "properties": {"error_id": {"type": "string"}}},
                "EventType": {"type": "string", "enum": ["x.y"], "x-klarna-event-payloads": {"x.y": "Payload"}},
                "Payload": {"type": "object", "x-klarna-evidence": [{"b": "payload sample"}],
                    "x-klarna-field-evidence": {"state": [{"b": "payload sample: state"}]},
                    "properties": {
                    "state": {"type": "string"},
                    "maybe": {"type": "string", "x-klarna-inferred": true}
                }}
            }}
        })
    }

    fn full() -> Value {
        json!({"endpoint": [{"a": "get.bru"}], "request": [{"a": "get.bru"}], "status": [{"b": "response list: 200"}], "response": [{"a": "get.bru: reads id"}, {"b": "sample"}]})
    }

    #[test]
    fn counts_follow_refs_once_skip_error_bodies_and_sort_fields_into_three_buckets() {
        let (counts, problems) = measure(&doc(full()), &sources());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            counts,
            Counts {
                operations: 2,
                confirmed_responses: 1,
                // Thing: id, name, guess, owner, tags, self; Owner: name; Tag: label. Error is not a
                // success body.
                response_fields: 8,
                partly_fields: 2,
                inferred_fields: 3,
                payload_fields: 2,
                partly_payload_fields: 0,
                inferred_payload_fields: 1,
            }
        );
        assert_eq!(
            counts.summary(),
            "fidelity: 3 of 8 response fields confirmed (37.5 %), 2 partly, 3 inferred; 1 of 2 operations with a confirmed response"
        );
    }

    #[test]
    fn an_entry_needs_a_known_source_and_a_locator() {
        let (_, problems) = measure(
            &doc(json!({
                "endpoint": ["a"],
                "request": [{"a": ""}],
                "status": [{"nope": "somewhere"}],
                "response": [{"a": "x", "b": "y"}]
            })),
            &sources(),
        );
        let text = problems.join("\n");
        for expected in [
            "#/paths/~1things~1{id}/get/x-klarna-evidence/endpoint/0: must be `source-id: locator` (one source id and where in it the fact is shown), not the bare id `a`",
            "#/paths/~1things~1{id}/get/x-klarna-evidence/request/0/a: the locator must be a non-empty string",
            "#/paths/~1things~1{id}/get/x-klarna-evidence/status/0: source `nope` is not in specs/SOURCES.md",
            "#/paths/~1things~1{id}/get/x-klarna-evidence/response/0: must be `source-id: locator`",
        ] {
            assert!(text.contains(expected), "{expected}\nin\n{text}");
        }
        // A schema's own evidence list (here an event payload's) is held to the same rule.
        let mut d = doc(full());
        d["components"]["schemas"]["Payload"]["x-klarna-evidence"] = json!(["b"]);
        let (_, problems) = measure(&d, &sources());
        let text = problems.join("\n");
        let expected =
            "#/components/schemas/Payload/x-klarna-evidence/0: must be `source-id: locator`";
        assert!(text.contains(expected), "{expected}\nin\n{text}");
    }

    #[test]
    fn broken_evidence_is_reported_at_its_pointer() {
        let (_, problems) = measure(
            &doc(json!({"endpoint": [{"a": "x"}], "request": "a", "status": [], "extra": []})),
            &sources(),
        );
        let text = problems.join("\n");
        for expected in [
            "#/paths/~1things~1{id}/get/x-klarna-evidence/extra: unknown key",
            "#/paths/~1things~1{id}/get/x-klarna-evidence/request: must be a list",
            "#/paths/~1things~1{id}/get/x-klarna-evidence: missing key `response`",
        ] {
            assert!(text.contains(expected), "{expected}\nin\n{text}");
        }
        let mut no_evidence = doc(json!({}));
        no_evidence["paths"]["/things/{id}"]["get"]
            .as_object_mut()
            .expect("operation")
            .remove("x-klarna-evidence");
        no_evidence["components"]["schemas"]["Payload"]
            .as_object_mut()
            .expect("payload")
            .remove("x-klarna-evidence");
        let (_, problems) = measure(&no_evidence, &sources());
        let text = problems.join("\n");
        assert!(
            text.contains("#/paths/~1things~1{id}/get: operation `?` has no `x-klarna-evidence`"),
            "{text}"
        );
        assert!(
            text.contains("#/components/schemas/Payload: event payload schema has no"),
            "{text}"
        );
    }

    #[test]
    fn every_field_is_in_exactly_one_bucket() {
        let mut d = doc(full());
        let thing = &mut d["components"]["schemas"]["Thing"];
        // `id` loses its locator: it is in no bucket.
        thing["x-klarna-field-evidence"]
            .as_object_mut()
            .expect("map")
            .remove("id");
        // A partly reason for a property that does not exist, and one for an inferred property.
        thing["x-klarna-partly"]["missing"] = json!("named only");
        thing["x-klarna-partly"]["guess"] = json!("named only");
        // An empty evidence list and an empty reason.
        thing["x-klarna-field-evidence"]["tags"] = json!([]);
        thing["x-klarna-partly"]["name"] = json!(" ");
        let (_, problems) = measure(&d, &sources());
        let text = problems.join("\n");
        for expected in [
            "#/components/schemas/Thing/properties/id: a response or payload field must be confirmed",
            "#/components/schemas/Thing/x-klarna-partly/missing: the schema has no property `missing`",
            "#/components/schemas/Thing/x-klarna-partly/guess: `guess` is marked `x-klarna-inferred`",
            "#/components/schemas/Thing/x-klarna-field-evidence/tags: an empty list confirms nothing",
            "#/components/schemas/Thing/x-klarna-partly/name: must say, as a non-empty string",
        ] {
            assert!(text.contains(expected), "{expected}\nin\n{text}");
        }
    }

    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(percent(1, 3), "33.3");
        assert_eq!(percent(2, 3), "66.7");
        assert_eq!(percent(0, 0), "0.0");
        assert_eq!(percent(5, 5), "100.0");
    }
}
