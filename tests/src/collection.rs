//! Checks Klarna's Bruno request collection against `specs/` and the generated `klarna` crate.
//!
//! For every request file: parse it ([`crate::bru`]), match method + path to exactly one operation of the
//! specs' IR, validate its example body against the operation's request schema ([`crate::schema`]),
//! round-trip the body through the generated request type (`klarna::registry::roundtrip`) and compare, and
//! check every response field its scripts read against the success response schema.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use klarna_codegen::SpecInput;
use klarna_codegen::ir::{self, BodyEncoding, ResponseBody, TypeRef};
use serde_json::Value;

use crate::bru::{self, BodyMode, Seg};
use crate::schema::Doc;

/// Response reads that are known to be wrong in the collection itself, not in our specs. Each entry is
/// `(operationId, read path, why)`. Only demonstrable copy-paste bugs of the collection belong here; they are
/// printed as "excused" with the reason, never hidden.
const EXCUSED_READS: &[(&str, &str, &str)] = &[
    // The download request was copied from the upload request (it even keeps the upload's multipart body,
    // which its GET does not send): its script still stores `payment_dispute_attachment_id` from the
    // response, but a download answers with the attachment's bytes (application/octet-stream), not JSON.
    (
        "downloadPaymentDisputeAttachment",
        "payment_dispute_attachment_id",
        "copy-paste from the upload request: the download response is the file's bytes, not JSON",
    ),
    // The seven sub-partner "Tokenized Payment Scenarios" create a payment request (POST /v2/payment/requests,
    // 201) but carry the `tests` block of the Authorize API requests of the same names: titled "should be
    // able to authorize a payment", expecting status 200 and the authorize response shape. Their own
    // post-response scripts read the create shape (`payment_request_id`), and the partner-scoped copies of
    // the same requests test `payment_request_id` and `state` with status 201.
    (
        "createPaymentRequestAsSubPartner",
        "payment_transaction_response.result",
        "tests block copied from the Authorize API request of the same name (expects 200 and the authorize response)",
    ),
    (
        "createPaymentRequestAsSubPartner",
        "payment_request.state_context.customer_interaction.payment_request_id",
        "tests block copied from the Authorize API request of the same name (expects 200 and the authorize response)",
    ),
    // The remove-enforcement test asserts status 204 (No Content: no body) and in the next line reads
    // `enforcement_mode` expecting "REPORTING", which is a mode of the IP-restriction settings, not of mTLS.
    (
        "removeMtlsEnforcement",
        "enforcement_mode",
        "the same test expects 204 No Content; `enforcement_mode`/REPORTING belongs to the IP-restriction settings",
    ),
];

/// Asserted statuses that are known to be wrong in the collection itself: `(operationId, status, why)`.
/// Printed as "excused" with the reason, never hidden.
const EXCUSED_STATUSES: &[(&str, u16, &str)] = &[(
    "createPaymentRequestAsSubPartner",
    200,
    "tests block copied from the Authorize API request of the same name (expects 200 and the authorize response)",
)];

/// Headers the collection sends that no operation declares: the transport's own. `Authorization` comes
/// from the security scheme, `Content-Type` from the request body.
const TRANSPORT_HEADERS: &[&str] = &["authorization", "content-type"];

/// One operation of the specs, with what the checker needs from its document.
pub struct Op<'a> {
    /// The API (document) it belongs to.
    pub api: &'a ir::Api,
    /// The operation.
    pub op: &'a ir::Operation,
    /// Its path template split on `/`.
    segments: Vec<String>,
}

/// The specs, lowered and raw.
pub struct Specs {
    /// The IR of all documents.
    pub krate: ir::Crate,
    /// Each document's JSON by file stem (= `Api::module.wire`).
    pub raw: BTreeMap<String, Value>,
}

impl Specs {
    /// Loads `specs/*.yaml` under `root` (sorted) and builds the IR.
    pub fn load(root: &Path) -> Result<Self> {
        let dir = root.join("specs");
        let mut files = Vec::new();
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            bail!("no OpenAPI documents in {}", dir.display());
        }
        let inputs: Vec<SpecInput> = files
            .iter()
            .map(|p| {
                let display = p.strip_prefix(root).unwrap_or(p).display().to_string();
                SpecInput {
                    path: p.clone(),
                    display,
                }
            })
            .collect();
        let krate = match klarna_codegen::build_ir(&inputs, "klarna", "0.0.0") {
            Ok((krate, _warnings)) => krate,
            Err(diags) => {
                let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
                bail!("the specs do not build:\n{}", text.join("\n"));
            }
        };
        let mut raw = BTreeMap::new();
        for input in &inputs {
            let loaded =
                klarna_codegen::load::load(&input.path, &input.display).map_err(|diags| {
                    let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
                    anyhow::anyhow!("{}", text.join("\n"))
                })?;
            raw.insert(loaded.stem.clone(), loaded.raw);
        }
        Ok(Self { krate, raw })
    }

    /// Every operation, in IR order.
    pub fn operations(&self) -> Vec<Op<'_>> {
        let mut out = Vec::new();
        for api in &self.krate.apis {
            for res in &api.resources {
                for op in &res.operations {
                    out.push(Op {
                        api,
                        op,
                        segments: split_path(&op.path()),
                    });
                }
            }
        }
        out
    }
}

fn split_path(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(str::to_string)
        .collect()
}

fn is_template(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// The path of a Bruno URL with `{{base_url}}/{{version}}` (or `{{base_url}}/v2`) made `/v2`, the query
/// dropped, and each `:param` or `{{var}}` segment made a `{param}` template. `None` if the URL does not
/// start with `{{base_url}}`.
pub fn normalize_url(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("{{base_url}}")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let rest = rest
        .strip_prefix("/{{version}}")
        .map(|r| format!("/v2{r}"))
        .unwrap_or_else(|| rest.to_string());
    let segs: Vec<String> = rest
        .trim_matches('/')
        .split('/')
        .map(|s| {
            if let Some(name) = s.strip_prefix(':') {
                format!("{{{name}}}")
            } else if crate::schema::is_whole_placeholder(s) {
                format!("{{{}}}", &s[2..s.len() - 2])
            } else {
                s.to_string()
            }
        })
        .collect();
    Some(format!("/{}", segs.join("/")))
}

/// The operations a method + normalized path matches. Templates match templates and literals match
/// literals; only if nothing matches that way may a literal in the request fill a template of the spec.
pub fn match_ops<'a, 'b>(ops: &'b [Op<'a>], method: &str, path: &str) -> Vec<&'b Op<'a>> {
    let segs = split_path(path);
    let fits =
        |op: &Op<'_>, lenient: bool| {
            op.op.method.as_str() == method
                && op.segments.len() == segs.len()
                && op.segments.iter().zip(&segs).all(|(o, s)| {
                    match (is_template(o), is_template(s)) {
                        (true, true) => true,
                        (false, false) => o == s,
                        (true, false) => lenient,
                        (false, true) => false,
                    }
                })
        };
    let strict: Vec<_> = ops.iter().filter(|o| fits(o, false)).collect();
    if !strict.is_empty() {
        return strict;
    }
    ops.iter().filter(|o| fits(o, true)).collect()
}

/// The outcome for one request file.
#[derive(Default)]
pub struct FileResult {
    /// Path relative to the collection.
    pub file: String,
    /// Upper-case method (empty if the file did not parse).
    pub method: String,
    /// The normalized path (or the raw URL if it could not be normalized).
    pub path: String,
    /// The matched operation: (`operationId`, spec path).
    pub operation: Option<(String, String)>,
    /// Example bodies that validated and round-tripped.
    pub examples_ok: usize,
    /// Example bodies with schema problems.
    pub examples_invalid: usize,
    /// Example bodies that did not round-trip unchanged.
    pub examples_lossy: usize,
    /// Response reads found in the schema.
    pub reads_ok: usize,
    /// Response reads not found in the schema.
    pub reads_missing: usize,
    /// Response reads excused by the list of known collection slips (`EXCUSED_READS`).
    pub reads_excused: usize,
    /// Query parameters and headers the request sends that the operation declares.
    pub params_ok: usize,
    /// Query parameters and headers the request sends that the operation does not declare.
    pub params_missing: usize,
    /// Failure details (each makes the run fail).
    pub failures: Vec<String>,
    /// Notes that do not fail the run.
    pub notes: Vec<String>,
}

/// The whole run.
pub struct Report {
    /// Per file, in path order.
    pub files: Vec<FileResult>,
}

impl Report {
    /// Distinct method + path pairs: (matched, total). A pair counts as matched when every file with it
    /// matched; a file that does not parse is a pair of its own.
    pub fn pairs(&self) -> (usize, usize) {
        let mut pairs: BTreeMap<(String, String), bool> = BTreeMap::new();
        for f in &self.files {
            let key = match &f.operation {
                Some((_, spec_path)) => (f.method.clone(), spec_path.clone()),
                None if f.method.is_empty() => ("?".into(), f.file.clone()),
                None => (f.method.clone(), f.path.clone()),
            };
            let ok = f.operation.is_some();
            pairs.entry(key).and_modify(|m| *m &= ok).or_insert(ok);
        }
        (pairs.values().filter(|m| **m).count(), pairs.len())
    }

    /// The summary line.
    pub fn summary(&self) -> String {
        let (matched, total) = self.pairs();
        let sum = |f: fn(&FileResult) -> usize| self.files.iter().map(f).sum::<usize>();
        format!(
            "bruno: {matched} of {total} requests matched ({} files), {} invalid examples, {} lossy examples, {} missing response fields, {} of {} query parameters and headers declared",
            self.files.len(),
            sum(|f| f.examples_invalid),
            sum(|f| f.examples_lossy),
            sum(|f| f.reads_missing),
            sum(|f| f.params_ok),
            sum(|f| f.params_ok + f.params_missing),
        )
    }

    /// Whether anything failed.
    pub fn failed(&self) -> bool {
        let (matched, total) = self.pairs();
        matched != total || self.files.iter().any(|f| !f.failures.is_empty())
    }

    /// The table, the details and the summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let rows: Vec<[String; 6]> = self
            .files
            .iter()
            .map(|f| {
                let excused = if f.reads_excused > 0 {
                    format!(" +{} excused", f.reads_excused)
                } else {
                    String::new()
                };
                [
                    f.file.clone(),
                    f.method.clone(),
                    f.path.clone(),
                    f.operation
                        .as_ref()
                        .map_or_else(|| "UNMATCHED".to_string(), |(id, _)| id.clone()),
                    format!(
                        "{}/{}/{}",
                        f.examples_ok, f.examples_invalid, f.examples_lossy
                    ),
                    format!("{}/{}{excused}", f.reads_ok, f.reads_missing),
                ]
            })
            .collect();
        let header = [
            "request file",
            "method",
            "path",
            "operationId",
            "examples ok/invalid/lossy",
            "reads ok/missing",
        ];
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(c);
                } else {
                    let _ = write!(s, "{c:<w$}  ");
                }
            }
            s.trim_end().to_string()
        };
        out.push_str(&line(&header.map(str::to_string)));
        out.push('\n');
        for (f, r) in self.files.iter().zip(&rows) {
            out.push_str(&line(r));
            out.push('\n');
            for d in &f.failures {
                let _ = writeln!(out, "    FAIL {d}");
            }
            for n in &f.notes {
                let _ = writeln!(out, "    note {n}");
            }
        }
        let excused: usize = self.files.iter().map(|f| f.reads_excused).sum();
        if excused > 0 {
            let _ = writeln!(
                out,
                "{excused} response reads excused as known collection bugs (see the notes above and EXCUSED_READS)"
            );
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}

/// Every `.bru` request file under `dir`, sorted; `folder.bru`, `collection.bru` and everything under an
/// `environments` folder are not requests.
pub fn request_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if path.is_dir() {
                if name != "environments" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.ends_with(".bru") && name != "folder.bru" && name != "collection.bru" {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Checks every request file under `dir` against `specs`.
pub fn check(dir: &Path, specs: &Specs) -> Result<Report> {
    let ops = specs.operations();
    let paths = request_files(dir)?;
    if paths.is_empty() {
        bail!("no .bru request files under {}", dir.display());
    }
    let mut files = Vec::new();
    for path in paths {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let mut result = FileResult {
            file: rel,
            ..Default::default()
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => check_file(&text, &ops, specs, &mut result),
            Err(e) => result.failures.push(format!("cannot read: {e}")),
        }
        files.push(result);
    }
    Ok(Report { files })
}

fn check_file(text: &str, ops: &[Op<'_>], specs: &Specs, result: &mut FileResult) {
    let req = match bru::parse_request(text) {
        Ok(r) => r,
        Err(e) => {
            result.failures.push(format!("does not parse: {e}"));
            return;
        }
    };
    result.method = req.method.clone();
    let Some(path) = normalize_url(&req.url) else {
        result.path = req.url.clone();
        result.failures.push(format!(
            "URL does not start with {{{{base_url}}}}: {}",
            req.url
        ));
        return;
    };
    result.path = path.clone();
    let found = match_ops(ops, &req.method, &path);
    let op = match found.as_slice() {
        [one] => *one,
        [] => {
            result
                .failures
                .push(format!("no operation matches {} {path}", req.method));
            return;
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|o| o.op.id.wire.as_str()).collect();
            result.failures.push(format!(
                "ambiguous: {} {path} matches {}",
                req.method,
                ids.join(", ")
            ));
            return;
        }
    };
    result.operation = Some((op.op.id.wire.clone(), op.op.path()));
    let Some(raw) = specs.raw.get(&op.api.module.wire) else {
        result
            .failures
            .push(format!("no raw document for module {}", op.api.module.wire));
        return;
    };
    let doc = Doc::new(raw);
    // IR pointers are URI fragments (`#/paths/...`).
    let pointer = op.op.pointer.strip_prefix('#').unwrap_or(&op.op.pointer);
    let Some(op_raw) = raw.pointer(pointer) else {
        result.failures.push(format!(
            "operation pointer {} not found in {}",
            op.op.pointer, op.api.module.wire
        ));
        return;
    };
    for b in &req.inactive_bodies {
        result.notes.push(format!(
            "`{b}` block present but not sent (body mode of the request): not checked"
        ));
    }
    check_body(&req.body, op, &doc, op_raw, result);
    check_params(&req, &doc, raw, pointer, op_raw, result);
    check_statuses(&req.expected_statuses, op, op_raw, result);
    check_reads(&req.after_response, op, &doc, op_raw, result);
}

/// The declared parameters of an operation, path-item level ones included, as (location, name) with the
/// name lower-cased for headers (header names are case-insensitive).
fn declared_params(
    doc: &Doc<'_>,
    raw: &Value,
    pointer: &str,
    op_raw: &Value,
) -> BTreeMap<(String, String), bool> {
    let item = pointer
        .rsplit_once('/')
        .and_then(|(item, _)| raw.pointer(item));
    let lists = [
        item.and_then(|i| i.get("parameters")),
        op_raw.get("parameters"),
    ];
    let mut out = BTreeMap::new();
    for p in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let Some(p) = doc.resolve(p) else { continue };
        let (Some(loc), Some(name)) = (
            p.get("in").and_then(Value::as_str),
            p.get("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let name = if loc == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_string()
        };
        let required = p.get("required").and_then(Value::as_bool) == Some(true);
        out.insert((loc.to_string(), name), required);
    }
    out
}

/// Every query parameter and header the request sends (or offers disabled) must be a declared parameter of
/// the operation, and every required query parameter and header of the operation must be sent. A query key
/// written `name[...]` (deepObject) or `name[]` (a repeated list) is declared when the operation declares it
/// as written or as `name`.
fn check_params(
    req: &bru::Request,
    doc: &Doc<'_>,
    raw: &Value,
    pointer: &str,
    op_raw: &Value,
    result: &mut FileResult,
) {
    let declared = declared_params(doc, raw, pointer, op_raw);
    let mut sent = BTreeSet::new();
    for e in &req.query {
        let key = &e.key;
        let base = key.split('[').next().unwrap_or(key);
        let name = [key.as_str(), base]
            .into_iter()
            .find(|n| declared.contains_key(&("query".to_string(), n.to_string())));
        if let Some(name) = name {
            if e.enabled {
                sent.insert(("query".to_string(), name.to_string()));
            }
            result.params_ok += 1;
        } else {
            result.params_missing += 1;
            result.failures.push(format!(
                "query parameter `{key}` is not declared by the operation"
            ));
        }
    }
    for h in &req.headers {
        let lower = h.key.to_ascii_lowercase();
        if TRANSPORT_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let key = ("header".to_string(), lower);
        if declared.contains_key(&key) {
            if h.enabled {
                sent.insert(key);
            }
            result.params_ok += 1;
        } else {
            result.params_missing += 1;
            result.failures.push(format!(
                "header `{}`{} is not declared by the operation",
                h.key,
                if h.enabled {
                    ""
                } else {
                    " (disabled in the request)"
                }
            ));
        }
    }
    for ((loc, name), required) in &declared {
        if *required && loc != "path" && !sent.contains(&(loc.clone(), name.clone())) {
            result.failures.push(format!(
                "required {loc} parameter `{name}` of the operation is not sent"
            ));
        }
    }
}

/// Every status the request's tests assert must be the operation's success status.
fn check_statuses(statuses: &[u16], op: &Op<'_>, op_raw: &Value, result: &mut FileResult) {
    for &status in statuses {
        if let Some((_, _, why)) = EXCUSED_STATUSES
            .iter()
            .find(|(id, s, _)| *id == op.op.id.wire && *s == status)
        {
            result
                .notes
                .push(format!("excused asserted status {status}: {why}"));
            continue;
        }
        if matches!(op.op.response.status(), ir::StatusMatch::Code(c) if c == status) {
            continue;
        }
        let declared = op_raw
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| r.contains_key(&status.to_string()));
        result.failures.push(format!(
            "the tests assert status {status}, but the operation's success status is {}{}",
            op.op.response.status(),
            if declared {
                ""
            } else {
                " and it declares no such response"
            }
        ));
    }
}

/// The request body schema of an operation for a media type.
fn request_schema<'a>(doc: &Doc<'a>, op_raw: &'a Value, media: &str) -> Option<&'a Value> {
    let body = doc.resolve(op_raw.get("requestBody")?)?;
    body.get("content")?.get(media)?.get("schema")
}

fn check_body(
    body: &BodyMode,
    op: &Op<'_>,
    doc: &Doc<'_>,
    op_raw: &Value,
    result: &mut FileResult,
) {
    match body {
        BodyMode::None => {}
        BodyMode::Other(mode) => {
            result.examples_invalid += 1;
            result
                .failures
                .push(format!("body mode `{mode}` is not checked by this tool"));
        }
        BodyMode::Json(text) => {
            let Some(spec_body) = &op.op.body else {
                result.examples_invalid += 1;
                result
                    .failures
                    .push("sends a JSON body, but the operation takes no body".into());
                return;
            };
            if spec_body.encoding != BodyEncoding::Json {
                result.examples_invalid += 1;
                result.failures.push(format!(
                    "sends JSON, but the operation's body is {}",
                    spec_body.media_type
                ));
                return;
            }
            let mut value: Value = match serde_json::from_str(&bru::quote_placeholders(text)) {
                Ok(v) => v,
                Err(e) => {
                    result.examples_invalid += 1;
                    result
                        .failures
                        .push(format!("example body is not JSON: {e}"));
                    return;
                }
            };
            let Some(schema) = request_schema(doc, op_raw, &spec_body.media_type) else {
                result.examples_invalid += 1;
                result.failures.push(format!(
                    "no request schema for {} in the spec",
                    spec_body.media_type
                ));
                return;
            };
            let problems = doc.validate(schema, &mut value);
            if !problems.is_empty() {
                result.examples_invalid += 1;
                for p in problems {
                    result
                        .failures
                        .push(format!("invalid {}: {}", p.path, p.message));
                }
                return;
            }
            let TypeRef::Named(ty) = &spec_body.ty else {
                result.examples_lossy += 1;
                result.failures.push(format!(
                    "request body type is not a named type: {:?}",
                    spec_body.ty
                ));
                return;
            };
            let name = op.api.registry_name(*ty);
            match klarna::registry::roundtrip(&name, value.clone()) {
                None => {
                    result.examples_lossy += 1;
                    result
                        .failures
                        .push(format!("{name} is not in klarna::registry"));
                }
                Some(Err(e)) => {
                    result.examples_lossy += 1;
                    result.failures.push(format!(
                        "lossy: {name} does not deserialize the example: {e}"
                    ));
                }
                Some(Ok(back)) => {
                    let diffs = crate::schema::diff(&value, &back);
                    if diffs.is_empty() {
                        result.examples_ok += 1;
                    } else {
                        result.examples_lossy += 1;
                        for d in diffs {
                            result.failures.push(format!("lossy through {name}: {d}"));
                        }
                    }
                }
            }
        }
        BodyMode::Multipart(fields) => {
            let Some(spec_body) = &op.op.body else {
                result.examples_invalid += 1;
                result
                    .failures
                    .push("sends a multipart body, but the operation takes no body".into());
                return;
            };
            let schema =
                request_schema(doc, op_raw, &spec_body.media_type).and_then(|s| doc.resolve(s));
            let props = match (
                spec_body.encoding,
                schema
                    .and_then(|s| s.get("properties"))
                    .and_then(Value::as_object),
            ) {
                (BodyEncoding::Multipart, Some(p)) => p,
                _ => {
                    result.examples_invalid += 1;
                    result.failures.push(format!(
                        "sends multipart/form-data, but the operation's body is {}",
                        spec_body.media_type
                    ));
                    return;
                }
            };
            let unknown: Vec<&str> = fields
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| !props.contains_key(*k))
                .collect();
            if unknown.is_empty() {
                result.examples_ok += 1;
            } else {
                result.examples_invalid += 1;
                result.failures.push(format!(
                    "multipart fields not in the schema: {}",
                    unknown.join(", ")
                ));
            }
        }
    }
}

fn check_reads(
    scripts: &[String],
    op: &Op<'_>,
    doc: &Doc<'_>,
    op_raw: &Value,
    result: &mut FileResult,
) {
    let reads: BTreeSet<Vec<Seg>> = scripts
        .iter()
        .flat_map(|s| bru::response_reads(s))
        .collect();
    for read in reads {
        let shown = bru::path_string(&read);
        if let Some((_, _, why)) = EXCUSED_READS
            .iter()
            .find(|(id, p, _)| *id == op.op.id.wire && *p == shown)
        {
            result.reads_excused += 1;
            result.notes.push(format!("excused read `{shown}`: {why}"));
            continue;
        }
        let outcome = match op.op.response.body() {
            ResponseBody::Json(_) => {
                let schema = op_raw
                    .get("responses")
                    .and_then(|r| r.get(op.op.response.status().to_string()))
                    .and_then(|r| doc.resolve(r))
                    .and_then(|r| r.get("content"))
                    .and_then(|c| c.get("application/json"))
                    .and_then(|m| m.get("schema"));
                match schema {
                    Some(s) => doc.has_path(s, &read),
                    None => Err(format!(
                        "no application/json schema for response {}",
                        op.op.response.status()
                    )),
                }
            }
            ResponseBody::Empty => Err(format!(
                "the {} response has no body",
                op.op.response.status()
            )),
            ResponseBody::Bytes(media) => Err(format!(
                "the {} response is {media}, not JSON",
                op.op.response.status()
            )),
        };
        match outcome {
            Ok(()) => result.reads_ok += 1,
            Err(why) => {
                result.reads_missing += 1;
                result
                    .failures
                    .push(format!("response read `{shown}` missing: {why}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_normalize_to_spec_paths() {
        assert_eq!(
            normalize_url(
                "{{base_url}}/{{version}}/accounts/:partner_account_id/payment/disputes?size=20"
            )
            .as_deref(),
            Some("/v2/accounts/{partner_account_id}/payment/disputes")
        );
        assert_eq!(
            normalize_url("{{base_url}}/v2/accounts/{{partner_account_id}}/brands").as_deref(),
            Some("/v2/accounts/{partner_account_id}/brands")
        );
        assert_eq!(normalize_url("https://example.com/v2/x"), None);
    }

    /// A request's query parameters, headers and asserted statuses are checked against the operation.
    #[test]
    fn undeclared_parameters_and_wrong_statuses_fail() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let specs = Specs::load(root).unwrap();
        let ops = specs.operations();
        let run = |text: &str| {
            let mut result = FileResult::default();
            check_file(text, &ops, &specs, &mut result);
            result
        };
        let good = run(
            "get {\n  url: {{base_url}}/v2/accounts/:partner_account_id/payment/disputes?size=20\n}\n\n\
             params:query {\n  ~starting_after: x\n}\n\nheaders {\n  Partner-Correlation-Id: abc\n  \
             Content-Type: application/json\n}\n\ntests {\n  expect(res.getStatus()).to.equal(200);\n}\n",
        );
        assert!(good.failures.is_empty(), "{:?}", good.failures);
        assert_eq!((good.params_ok, good.params_missing), (3, 0));

        let bad = run(
            "get {\n  url: {{base_url}}/v2/accounts/:partner_account_id/payment/disputes?page=2\n}\n\n\
             headers {\n  ~X-Trace: 1\n}\n\ntests {\n  expect(res.getStatus()).to.equal(201);\n}\n",
        );
        assert_eq!((bad.params_ok, bad.params_missing), (0, 2));
        let text = bad.failures.join("\n");
        assert!(
            text.contains("query parameter `page` is not declared"),
            "{text}"
        );
        assert!(
            text.contains("header `X-Trace` (disabled in the request) is not declared"),
            "{text}"
        );
        assert!(
            text.contains("the tests assert status 201, but the operation's success status is 200 and it declares no such response"),
            "{text}"
        );

        // listSettlements requires `interval_start` and `interval_end`; a disabled entry is not sent.
        let missing = run(
            "get {\n  url: {{base_url}}/v2/settlements?interval_end=2025-01-31T00:00:00Z\n}\n\n\
             params:query {\n  ~interval_start: 2025-01-01T00:00:00Z\n}\n",
        );
        assert_eq!(
            missing.failures,
            ["required query parameter `interval_start` of the operation is not sent"]
        );
    }
}
