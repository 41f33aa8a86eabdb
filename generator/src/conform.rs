//! Conformance: one response body, exactly as received, checked against the IR of the operation's
//! response for that status.
//!
//! The check walks the same [`ir`](crate::ir) types the SDK is generated from, so it has no second model
//! of the schema. Each difference is a [`Finding`]:
//! - [`Kind::Drift`]: the body contradicts the document: a property the document requires (not
//!   `x-klarna-inferred`, not `writeOnly`) is missing, a value has the wrong JSON type or is `null` where
//!   the document does not allow it, a formatted string (`date-time`, `date`, `uuid`, `byte`, `decimal`)
//!   does not parse, the status is not documented, or the body is not JSON where JSON is documented;
//! - [`Kind::Addition`]: the body holds something the document does not list, which the SDK tolerates
//!   (an unknown property, an unknown enum value or union tag);
//! - [`Kind::Note`]: a property marked `x-klarna-inferred` is absent: evidence against a guess.

mod formats;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::ir::{
    Api, Crate, Operation, Presence, ResponseBody, StatusMatch, StringRepr, TypeDef, TypeKind,
    TypeRef,
};

/// What a finding says about the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The body contradicts the document; the SDK may fail to decode it.
    Drift,
    /// The body holds something the document does not list; the SDK tolerates it.
    Addition,
    /// An `x-klarna-inferred` property is absent.
    Note,
}

impl Kind {
    /// The word printed at the start of a finding's line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Drift => "drift",
            Kind::Addition => "addition",
            Kind::Note => "note",
        }
    }
}

/// One difference between a body and the document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of difference.
    pub kind: Kind,
    /// JSON pointer into the body (`""` is the whole body).
    pub pointer: String,
    /// What is different, in words.
    pub what: String,
}

/// The result of checking one body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The `operationId`.
    pub operation: String,
    /// The API module the operation belongs to.
    pub api: String,
    /// The status the body came with.
    pub status: u16,
    /// The response key of the document that the status matched (`200`, `4XX`, `default`), if any.
    pub documented_as: Option<String>,
    /// The findings, in the order the body was walked.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many findings are of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// Whether any finding is [`Kind::Drift`].
    pub fn has_drift(&self) -> bool {
        self.count(Kind::Drift) > 0
    }

    /// One line per finding (`drift /a/b: ...`; the whole body is `(root)`), then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let at = if f.pointer.is_empty() {
                "(root)"
            } else {
                &f.pointer
            };
            let _ = writeln!(out, "{} {at}: {}", f.kind.as_str(), f.what);
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The summary line: operation, status, counts.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{} {} ({}): {} drift, {}, {}",
            self.operation,
            self.status,
            self.documented_as.as_deref().map_or_else(
                || "undocumented".to_owned(),
                |d| format!("documented as {d}")
            ),
            self.count(Kind::Drift),
            plural(self.count(Kind::Addition), "addition"),
            plural(self.count(Kind::Note), "note"),
        )
    }
}

/// Input that cannot be checked at all (as opposed to a body that does not conform).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConformError {
    /// No operation has this `operationId`.
    #[error("no operation `{id}` in the documents{hint}")]
    UnknownOperation {
        /// The id asked for.
        id: String,
        /// A hint naming a close match, or empty.
        hint: String,
    },
    /// More than one document has an operation with this `operationId`.
    #[error("operation `{id}` is in more than one document: {apis}")]
    AmbiguousOperation {
        /// The id asked for.
        id: String,
        /// The API modules that have it, comma-separated.
        apis: String,
    },
    /// The status is not an HTTP status code.
    #[error("`{0}` is not an HTTP status code (100-599)")]
    InvalidStatus(String),
}

/// Parses an HTTP status code (100–599).
pub fn parse_status(text: &str) -> Result<u16, ConformError> {
    text.trim()
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| ConformError::InvalidStatus(text.to_owned()))
}

/// Finds the operation with `operationId` `id` and the API it belongs to.
pub fn find_operation<'a>(
    krate: &'a Crate,
    id: &str,
) -> Result<(&'a Api, &'a Operation), ConformError> {
    let found: Vec<(&Api, &Operation)> = krate
        .apis
        .iter()
        .flat_map(|a| {
            a.resources
                .iter()
                .flat_map(|r| &r.operations)
                .map(move |o| (a, o))
        })
        .filter(|(_, o)| o.id.wire == id)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let close = krate
                .apis
                .iter()
                .flat_map(|a| a.resources.iter().flat_map(|r| &r.operations))
                .find(|o| o.id.wire.eq_ignore_ascii_case(id) || o.id.rust == id);
            Err(ConformError::UnknownOperation {
                id: id.to_owned(),
                hint: close
                    .map(|o| format!(" (did you mean `{}`?)", o.id.wire))
                    .unwrap_or_default(),
            })
        }
        many => Err(ConformError::AmbiguousOperation {
            id: id.to_owned(),
            apis: many
                .iter()
                .map(|(a, _)| a.module.wire.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// What the document says about a status: the response key it matched (the exact code, else its `NXX`
/// range, else `default`) and the body, or `None` for a response declared without a JSON body among the
/// error statuses (its body is not checked). `None` overall when the status is not documented.
pub fn documented(op: &Operation, status: u16) -> Option<(String, Option<&ResponseBody>)> {
    let mut declared: Vec<(StatusMatch, Option<&ResponseBody>)> = Vec::new();
    if op.response.alternatives.is_empty() {
        declared.push((op.response.status, Some(&op.response.body)));
    } else {
        for alt in &op.response.alternatives {
            declared.push((alt.status, Some(&alt.body)));
        }
    }
    for e in &op.errors {
        declared.push((e.status, Some(&e.body)));
    }
    for s in &op.error_statuses {
        if !declared.iter().any(|(d, _)| d == s) {
            declared.push((*s, None));
        }
    }
    [
        StatusMatch::Code(status),
        StatusMatch::Range(status / 100),
        StatusMatch::Default,
    ]
    .iter()
    .find_map(|key| declared.iter().find(|(d, _)| d == key))
    .map(|(d, body)| (d.to_string(), *body))
}

/// Checks `body` (the bytes exactly as received) against the response of operation `operation_id` for
/// `status`. Errors are input that cannot be checked; everything about the body is in the [`Report`].
pub fn conform(
    krate: &Crate,
    operation_id: &str,
    status: u16,
    body: &[u8],
) -> Result<Report, ConformError> {
    if !(100..=599).contains(&status) {
        return Err(ConformError::InvalidStatus(status.to_string()));
    }
    let (api, op) = find_operation(krate, operation_id)?;
    let mut report = Report {
        operation: op.id.wire.clone(),
        api: api.module.wire.clone(),
        status,
        documented_as: None,
        findings: Vec::new(),
    };
    let drift = |what: String| Finding {
        kind: Kind::Drift,
        pointer: String::new(),
        what,
    };
    let Some((key, expected)) = documented(op, status) else {
        let mut known: Vec<String> = vec![op.response.status.to_string()];
        known.extend(
            op.response
                .alternatives
                .iter()
                .map(|a| a.status.to_string()),
        );
        known.extend(op.error_statuses.iter().map(StatusMatch::to_string));
        known.sort_unstable();
        known.dedup();
        report.findings.push(drift(format!(
            "status {status} is not documented for `{}` (documented: {})",
            op.id.wire,
            known.join(", ")
        )));
        return Ok(report);
    };
    report.documented_as = Some(key.clone());
    match expected {
        None | Some(ResponseBody::Bytes(_)) => {}
        Some(ResponseBody::Empty) => {
            if !body.iter().all(u8::is_ascii_whitespace) {
                report.findings.push(drift(format!(
                    "the document declares no body for {key}, but {} bytes came",
                    body.len()
                )));
            }
        }
        Some(ResponseBody::Json(ty)) => match serde_json::from_slice::<Value>(body) {
            Err(e) => report.findings.push(drift(if body.is_empty() {
                format!("the body is empty; the document declares JSON for {key}")
            } else {
                format!("the body is not JSON ({e}); the document declares JSON for {key}")
            })),
            Ok(value) => {
                let types = api
                    .types
                    .iter()
                    .map(|t| (t.name.rust.as_str(), t))
                    .collect();
                let mut walker = Walker::new(&types);
                walker.value(ty, &value, "", false);
                report.findings = walker.findings;
            }
        },
    }
    Ok(report)
}

/// Nesting of the walk beyond which the schema is taken to loop without consuming the body.
const MAX_DEPTH: usize = 256;

/// Walks a JSON value along IR types, collecting findings.
struct Walker<'a> {
    types: &'a BTreeMap<&'a str, &'a TypeDef>,
    findings: Vec<Finding>,
    depth: usize,
}

/// `pointer` extended by one reference token.
fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// The JSON type of a value, in words.
fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string of {} characters", s.chars().count())
        }
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

impl<'a> Walker<'a> {
    fn new(types: &'a BTreeMap<&'a str, &'a TypeDef>) -> Self {
        Walker {
            types,
            findings: Vec::new(),
            depth: 0,
        }
    }

    fn push(&mut self, kind: Kind, pointer: &str, what: String) {
        self.findings.push(Finding {
            kind,
            pointer: pointer.to_owned(),
            what,
        });
    }

    fn wrong_type(&mut self, pointer: &str, expected: &str, v: &Value) {
        self.push(
            Kind::Drift,
            pointer,
            format!("expected {expected}, got {}", kind_of(v)),
        );
    }

    /// Checks `v` against `ty`; `nullable` says whether `null` is allowed here.
    fn value(&mut self, ty: &TypeRef, v: &Value, pointer: &str, nullable: bool) {
        if v.is_null() {
            if !nullable && *ty != TypeRef::Json {
                self.push(
                    Kind::Drift,
                    pointer,
                    "the value is null, but the document does not mark it nullable".into(),
                );
            }
            return;
        }
        match ty {
            TypeRef::Json => {}
            TypeRef::Bool if v.is_boolean() => {}
            TypeRef::Bool => self.wrong_type(pointer, "a boolean", v),
            TypeRef::I32 | TypeRef::I64 => self.integer(ty, v, pointer),
            TypeRef::F32 | TypeRef::F64 if v.is_number() => {}
            TypeRef::F32 | TypeRef::F64 => self.wrong_type(pointer, "a number", v),
            TypeRef::String(format) => match v.as_str() {
                None => self.wrong_type(pointer, "a string", v),
                Some(text) => {
                    if let Err(why) = formats::check(StringRepr::of(format.as_deref()), text) {
                        let format = format.as_deref().unwrap_or_default();
                        self.push(
                            Kind::Drift,
                            pointer,
                            format!("{} is not a valid {format}: {why}", kind_of(v)),
                        );
                    }
                }
            },
            TypeRef::Bytes if v.is_string() => {}
            TypeRef::Bytes => self.wrong_type(pointer, "a string", v),
            TypeRef::List(inner) => match v.as_array() {
                None => self.wrong_type(pointer, "an array", v),
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.value(inner, item, &child(pointer, &i.to_string()), false);
                    }
                }
            },
            TypeRef::Map(inner) => match v.as_object() {
                None => self.wrong_type(pointer, "an object", v),
                Some(map) => {
                    for (k, item) in map {
                        self.value(inner, item, &child(pointer, k), false);
                    }
                }
            },
            TypeRef::Named(name) => self.named(name, v, pointer, None),
        }
    }

    fn integer(&mut self, ty: &TypeRef, v: &Value, pointer: &str) {
        let (bits, min, max) = match ty {
            TypeRef::I32 => (32, i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (64, i64::MIN, i64::MAX),
        };
        match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => {}
            _ if v.is_u64() || v.is_i64() => self.push(
                Kind::Drift,
                pointer,
                format!("{} is out of the int{bits} range", kind_of(v)),
            ),
            _ => self.wrong_type(pointer, "an integer", v),
        }
    }

    /// Checks `v` against the named type `name`; `skip` is a union's discriminator property, which the
    /// variant's struct need not list.
    fn named(&mut self, name: &str, v: &Value, pointer: &str, skip: Option<&str>) {
        let Some(def) = self.types.get(name).copied() else {
            self.push(
                Kind::Note,
                pointer,
                format!("the IR names type `{name}` but does not define it; not checked"),
            );
            return;
        };
        if self.depth >= MAX_DEPTH {
            self.push(
                Kind::Drift,
                pointer,
                format!("`{name}` nests deeper than {MAX_DEPTH} levels; not checked further"),
            );
            return;
        }
        self.depth += 1;
        match &def.kind {
            TypeKind::Alias { target } => match target {
                TypeRef::Named(inner) => self.named(inner, v, pointer, skip),
                other => self.value(other, v, pointer, false),
            },
            TypeKind::Struct {
                fields, additional, ..
            } => self.object(def, fields, additional.as_ref(), v, pointer, skip),
            TypeKind::StringEnum { variants } => match v.as_str() {
                None => self.wrong_type(pointer, &format!("a string (enum `{name}`)"), v),
                Some(s) if variants.iter().any(|x| x.name.wire == s) => {}
                Some(s) => self.push(
                    Kind::Addition,
                    pointer,
                    format!("enum `{}` does not list the value {s:?}", def.name.wire),
                ),
            },
            TypeKind::IntEnum { variants } => match v.as_i64() {
                None => self.wrong_type(pointer, &format!("an integer (enum `{name}`)"), v),
                Some(n) if variants.iter().any(|x| x.value == n) => {}
                Some(n) => self.push(
                    Kind::Addition,
                    pointer,
                    format!("enum `{}` does not list the value {n}", def.name.wire),
                ),
            },
            TypeKind::Union {
                discriminator: Some(tag),
                variants,
            } => self.tagged(def, tag, variants, v, pointer),
            TypeKind::Union {
                discriminator: None,
                variants,
            } => self.untagged(variants, v, pointer),
        }
        self.depth -= 1;
    }

    fn object(
        &mut self,
        def: &TypeDef,
        fields: &[crate::ir::Field],
        additional: Option<&crate::ir::AdditionalField>,
        v: &Value,
        pointer: &str,
        skip: Option<&str>,
    ) {
        let Some(obj) = v.as_object() else {
            self.wrong_type(pointer, &format!("an object (`{}`)", def.name.wire), v);
            return;
        };
        for f in fields {
            let at = child(pointer, &f.name.wire);
            let nullable = matches!(
                f.presence,
                Presence::RequiredNullable | Presence::OptionalNullable
            );
            // The document's `required`: presence as lowered, or relaxed for one direction.
            let required =
                matches!(f.presence, Presence::Required | Presence::RequiredNullable) || f.relaxed;
            match obj.get(&f.name.wire) {
                Some(value) => self.value(&f.ty, value, &at, nullable),
                None if f.inferred => self.push(
                    Kind::Note,
                    &at,
                    format!(
                        "`{}` of `{}` is absent; it is x-klarna-inferred{}",
                        f.name.wire,
                        def.name.wire,
                        if required {
                            " and the document requires it"
                        } else {
                            ""
                        }
                    ),
                ),
                None if required && !f.write_only => self.push(
                    Kind::Drift,
                    &at,
                    format!(
                        "required property `{}` of `{}` is missing",
                        f.name.wire, def.name.wire
                    ),
                ),
                None => {}
            }
        }
        for (key, value) in obj {
            if fields.iter().any(|f| &f.name.wire == key) || skip == Some(key.as_str()) {
                continue;
            }
            let at = child(pointer, key);
            match additional {
                Some(extra) => self.value(&extra.ty, value, &at, false),
                None => self.push(
                    Kind::Addition,
                    &at,
                    format!("property `{key}` is not in `{}`", def.name.wire),
                ),
            }
        }
    }

    fn tagged(
        &mut self,
        def: &TypeDef,
        tag: &str,
        variants: &[crate::ir::UnionVariant],
        v: &Value,
        pointer: &str,
    ) {
        let Some(obj) = v.as_object() else {
            self.wrong_type(pointer, &format!("an object (`{}`)", def.name.wire), v);
            return;
        };
        let at = child(pointer, tag);
        match obj.get(tag) {
            None => self.push(
                Kind::Drift,
                &at,
                format!(
                    "the discriminator `{tag}` of `{}` is missing",
                    def.name.wire
                ),
            ),
            Some(Value::String(value)) => {
                match variants.iter().find(|x| x.tags.iter().any(|t| t == value)) {
                    Some(variant) => match &variant.ty {
                        TypeRef::Named(n) => self.named(n, v, pointer, Some(tag)),
                        other => self.value(other, v, pointer, false),
                    },
                    None => self.push(
                        Kind::Addition,
                        &at,
                        format!(
                            "`{}` does not list the {tag} {value:?} (the SDK keeps it as Unknown)",
                            def.name.wire
                        ),
                    ),
                }
            }
            Some(other) => self.wrong_type(&at, "a string (discriminator)", other),
        }
    }

    /// An untagged union conforms when one alternative does; the findings are those of the best
    /// alternative (fewest drifts, then fewest additions, then the first).
    fn untagged(&mut self, variants: &[crate::ir::UnionVariant], v: &Value, pointer: &str) {
        let mut best: Option<((usize, usize), Vec<Finding>)> = None;
        for variant in variants {
            let mut trial = Walker {
                types: self.types,
                findings: Vec::new(),
                depth: self.depth,
            };
            trial.value(&variant.ty, v, pointer, false);
            let count = |k| trial.findings.iter().filter(|f| f.kind == k).count();
            let score = (count(Kind::Drift), count(Kind::Addition));
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, trial.findings));
            }
        }
        if let Some((_, findings)) = best {
            self.findings.extend(findings);
        }
    }
}

#[cfg(test)]
mod tests;
