//! Spec diff: compares the IR of two versions of the documents and classifies every change for users of the
//! generated crate.
//!
//! # Policy
//!
//! Each [`Change`] gets a **wire classification** ([`Class`]), judged from the point of view of a program
//! that uses the generated crate and talks to Klarna:
//!
//! - [`Class::Breaking`]: a program built against the old crate may fail against the new API, or its code stops
//!   compiling because something it used is gone or changed type (removed operation, new required request
//!   field, response field removed, a response field that may now be absent or null, a changed type ...);
//! - [`Class::NonBreaking`]: additive or relaxing, and takes a new crate to use (new operation, new optional
//!   request field, request field becomes optional, enum value added to a request-only type, ...);
//! - [`Class::ForwardCompatible`]: already absorbed by the *old* crate at run time, by design: string/int enums
//!   and unions have an `Unknown` variant, models ignore unknown fields, errors carry any status. New response
//!   fields, enum values and union variants seen in responses, new error statuses.
//!
//! Direction matters: every type is used in requests, in responses, or both, computed by walking the
//! operations' parameters, bodies and responses through type references, transitively (`readOnly` fields are
//! not followed on the request side, `writeOnly` fields not on the response side). A type no operation
//! reaches (a webhook payload, say) counts as both, the conservative choice; a type that changes direction
//! is judged by the union of its old and new uses.
//!
//! The **Rust API** of the generated crate is a separate question. Some wire-compatible changes still break
//! code that uses the crate: a new field in a struct users build with a literal, a field going from `T` to
//! `Option<T>`, a required parameter moving from an argument to the builder. Such changes are marked with
//! [`Change::rust_breaking`] and counted in [`Report::rust_bump`], but they do not change the class: the class
//! describes the contract with Klarna. `cargo semver-checks` on the regenerated crate (`cargo xtask semver`)
//! is the authority on the Rust side; this module predicts it so the two can be compared.
//!
//! # Semver
//!
//! [`Report::bump`] is the bump implied by the wire classes: breaking → major, non-breaking or
//! forward-compatible → minor (the generated crate gains items), changes without API surface (error statuses)
//! → patch. [`Bump::next_version`] applies it with Cargo's rules for `0.x`: on `0.y.z` a breaking change bumps
//! `y` (`0.1.3` → `0.2.0`) and everything else bumps `z`; on `0.0.z` every change bumps `z`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::SpecInput;
use crate::diag::{Diagnostic, Diagnostics, Location as DiagLocation};
use crate::ir::{
    Api, Crate, Field, Operation, Param, Presence, ResponseBody, StringRepr, TypeDef, TypeKind,
    TypeRef, Usage,
};

/// How a change affects users of the generated crate (see the module docs for the policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Absorbed by the old crate at run time (`Unknown` variants, tolerant models).
    ForwardCompatible,
    /// Additive or relaxing.
    NonBreaking,
    /// May break programs built against the old crate.
    Breaking,
}

impl Class {
    /// `breaking`, `non-breaking`, `forward-compatible`.
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::NonBreaking => "non-breaking",
            Class::ForwardCompatible => "forward-compatible",
        }
    }
}

/// A semver bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Fixes only.
    Patch,
    /// Additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor`, `major`.
    pub fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// Applies the bump to `version` (`MAJOR.MINOR.PATCH`, pre-release and build metadata dropped) with Cargo's
    /// `0.x` rules; `None` when the version cannot be read.
    pub fn next_version(self, version: &str) -> Option<String> {
        let core = version.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let (major, minor, patch) = match (self, major, minor) {
            (Bump::None, ..) => (major, minor, patch),
            (_, 0, 0) => (0, 0, patch + 1),
            (Bump::Major, 0, _) => (0, minor + 1, 0),
            (Bump::Minor | Bump::Patch, 0, _) => (0, minor, patch + 1),
            (Bump::Major, ..) => (major + 1, 0, 0),
            (Bump::Minor, ..) => (major, minor + 1, 0),
            (Bump::Patch, ..) => (major, minor, patch + 1),
        };
        Some(format!("{major}.{minor}.{patch}"))
    }
}

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An operation (matched by API module and `operationId`) is new.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// The HTTP method or path template of an operation changed.
    OperationEndpointChanged,
    /// The operation moved to another resource (tag): the Rust accessor changes.
    OperationMoved,
    /// A parameter is new.
    ParamAdded,
    /// A parameter is gone.
    ParamRemoved,
    /// A parameter's type changed.
    ParamTypeChanged,
    /// A parameter went from optional to required or back.
    ParamRequiredChanged,
    /// The operation now takes a request body.
    BodyAdded,
    /// The operation no longer takes a request body.
    BodyRemoved,
    /// The request body's type or encoding changed.
    BodyTypeChanged,
    /// The request body went from optional to required or back.
    BodyRequiredChanged,
    /// The success status code changed.
    ResponseStatusChanged,
    /// The success body changed type.
    ResponseBodyChanged,
    /// A declared error status is new.
    ErrorStatusAdded,
    /// A declared error status is gone.
    ErrorStatusRemoved,
    /// The security requirements changed.
    SecurityChanged,
    /// A named type is new.
    TypeAdded,
    /// A named type is gone.
    TypeRemoved,
    /// A named type changed shape (struct ↔ enum ↔ union ↔ alias) or an alias changed target.
    TypeChanged,
    /// A struct field is new.
    FieldAdded,
    /// A struct field is gone.
    FieldRemoved,
    /// A struct field changed type.
    FieldTypeChanged,
    /// A struct field went from optional to required or back.
    FieldRequiredChanged,
    /// A struct field became nullable or stopped being nullable.
    FieldNullableChanged,
    /// An enum has a new value.
    EnumValueAdded,
    /// An enum lost a value.
    EnumValueRemoved,
    /// A union has a new alternative.
    UnionVariantAdded,
    /// A union lost an alternative.
    UnionVariantRemoved,
    /// A union alternative's payload type changed.
    UnionVariantChanged,
}

/// Where a change is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ChangeLocation {
    /// The API module (file stem of the document).
    pub api: String,
    /// The type (Rust name) or operation (`operationId`).
    pub item: String,
    /// The field, parameter, enum value or variant, if the change is inside the item.
    pub member: Option<String>,
    /// JSON pointer of the new node, or of the old one when the node is gone.
    pub pointer: String,
}

impl ChangeLocation {
    /// `item.member` or `item`.
    pub fn path(&self) -> String {
        match &self.member {
            Some(m) => format!("{}.{m}", self.item),
            None => self.item.clone(),
        }
    }
}

/// One change between the old and new documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// The wire classification.
    pub class: Class,
    /// The generated Rust API changes incompatibly (predicted; `cargo semver-checks` decides).
    pub rust_breaking: bool,
    /// Where.
    pub location: ChangeLocation,
    /// One line for humans.
    pub message: String,
}

/// Number of changes per class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Non-breaking changes.
    pub non_breaking: usize,
    /// Forward-compatible changes.
    pub forward_compatible: usize,
    /// Changes that break the generated Rust API (any class).
    pub rust_breaking: usize,
}

/// The result of comparing two IRs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The version the bump is applied to (the new crate's version).
    pub version: String,
    /// Counts per class.
    pub summary: Summary,
    /// The bump the wire classes imply.
    pub bump: Bump,
    /// `version` with `bump` applied (0.x rules).
    pub next_version: Option<String>,
    /// The bump the predicted Rust API changes imply.
    pub rust_bump: Bump,
    /// Every change, ordered by API, item, member and kind.
    pub changes: Vec<Change>,
}

impl Report {
    /// True when at least one change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.summary.breaking > 0
    }
}

/// Compares two crates' IR. APIs are matched by module (file stem), operations by `operationId` within an
/// API, types by Rust name within an API.
pub fn diff(old: &Crate, new: &Crate) -> Report {
    let mut changes = Vec::new();
    let old_apis: BTreeMap<&str, &Api> = old
        .apis
        .iter()
        .map(|a| (a.module.wire.as_str(), a))
        .collect();
    let new_apis: BTreeMap<&str, &Api> = new
        .apis
        .iter()
        .map(|a| (a.module.wire.as_str(), a))
        .collect();
    let empty = |a: &Api| Api {
        types: Vec::new(),
        resources: Vec::new(),
        ..a.clone()
    };
    let modules: BTreeSet<&str> = old_apis.keys().chain(new_apis.keys()).copied().collect();
    for module in modules {
        match (old_apis.get(module), new_apis.get(module)) {
            (Some(o), Some(n)) => diff_api(o, n, &mut changes),
            // A whole API appearing or disappearing is every operation and type appearing or disappearing.
            (Some(o), None) => diff_api(o, &empty(o), &mut changes),
            (None, Some(n)) => diff_api(&empty(n), n, &mut changes),
            (None, None) => {}
        }
    }
    changes
        .sort_by(|a, b| (&a.location, a.kind, &a.message).cmp(&(&b.location, b.kind, &b.message)));
    let mut summary = Summary::default();
    let mut bump = Bump::None;
    let mut rust_bump = Bump::None;
    for c in &changes {
        match c.class {
            Class::Breaking => summary.breaking += 1,
            Class::NonBreaking => summary.non_breaking += 1,
            Class::ForwardCompatible => summary.forward_compatible += 1,
        }
        let implied = match (c.class, c.kind) {
            (Class::Breaking, _) => Bump::Major,
            (
                _,
                ChangeKind::ErrorStatusAdded
                | ChangeKind::ErrorStatusRemoved
                | ChangeKind::SecurityChanged,
            ) => Bump::Patch,
            _ => Bump::Minor,
        };
        bump = bump.max(implied);
        if c.rust_breaking {
            summary.rust_breaking += 1;
        }
        rust_bump = rust_bump.max(if c.rust_breaking {
            Bump::Major
        } else {
            implied.min(Bump::Minor)
        });
    }
    let next_version = bump.next_version(&new.version);
    Report {
        version: new.version.clone(),
        summary,
        bump,
        next_version,
        rust_bump,
        changes,
    }
}

impl Usage {
    /// Restricted by a field's `readOnly`/`writeOnly`.
    fn for_field(self, f: &Field) -> Usage {
        Usage {
            request: self.request && !f.read_only,
            response: self.response && !f.write_only,
        }
    }

    /// Applies a per-direction rule and keeps the worst class.
    fn classify(self, request: Class, response: Class) -> Class {
        match (self.request, self.response) {
            (true, true) => request.max(response),
            (true, false) => request,
            (false, true) => response,
            // Only reachable for a field that is read-only in a request-only type (or the reverse):
            // nothing sends it, so judge it as the smaller of the two.
            (false, false) => request.min(response),
        }
    }

    fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "no",
        }
    }
}

/// Collects changes of one API.
struct ApiDiff<'a> {
    module: &'a str,
    old_usage: BTreeMap<String, Usage>,
    new_usage: BTreeMap<String, Usage>,
    out: &'a mut Vec<Change>,
}

impl ApiDiff<'_> {
    /// Old and new uses together; a type no operation reaches on either side counts as both.
    fn usage_of(&self, rust_name: &str) -> Usage {
        let o = self.old_usage.get(rust_name).copied().unwrap_or_default();
        let n = self.new_usage.get(rust_name).copied().unwrap_or_default();
        let u = o.union(n);
        if u == Usage::default() {
            Usage::BOTH
        } else {
            u
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: ChangeKind,
        class: Class,
        rust_breaking: bool,
        item: &str,
        member: Option<&str>,
        pointer: &str,
        message: String,
    ) {
        self.out.push(Change {
            kind,
            class,
            rust_breaking: rust_breaking || class == Class::Breaking,
            location: ChangeLocation {
                api: self.module.to_owned(),
                item: item.to_owned(),
                member: member.map(str::to_owned),
                pointer: pointer.to_owned(),
            },
            message,
        });
    }
}

fn diff_api(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let mut d = ApiDiff {
        module: &new.module.wire,
        old_usage: old.type_usage(),
        new_usage: new.type_usage(),
        out,
    };
    diff_operations(old, new, &mut d);
    diff_types(old, new, &mut d);
}

fn operations(api: &Api) -> BTreeMap<&str, (&str, &Operation)> {
    api.resources
        .iter()
        .flat_map(|r| {
            r.operations
                .iter()
                .map(move |o| (o.id.wire.as_str(), (r.accessor.as_str(), o)))
        })
        .collect()
}

fn diff_operations(old: &Api, new: &Api, d: &mut ApiDiff<'_>) {
    let olds = operations(old);
    let news = operations(new);
    for (id, (_, o)) in &olds {
        if !news.contains_key(id) {
            let msg = format!(
                "operation `{} {}` (`{}`) removed",
                o.method, o.path, o.id.rust
            );
            d.push(
                ChangeKind::OperationRemoved,
                Class::Breaking,
                true,
                id,
                None,
                &o.pointer,
                msg,
            );
        }
    }
    for (id, (res, n)) in &news {
        let Some((old_res, o)) = olds.get(id) else {
            let msg = format!(
                "operation `{} {}` added as `client.{}().{}()`",
                n.method, n.path, res, n.id.rust
            );
            d.push(
                ChangeKind::OperationAdded,
                Class::NonBreaking,
                false,
                id,
                None,
                &n.pointer,
                msg,
            );
            continue;
        };
        if o.method != n.method || o.path != n.path {
            let msg = format!(
                "endpoint changed from `{} {}` to `{} {}`",
                o.method, o.path, n.method, n.path
            );
            d.push(
                ChangeKind::OperationEndpointChanged,
                Class::Breaking,
                true,
                id,
                None,
                &n.pointer,
                msg,
            );
        }
        if old_res != res || o.id.rust != n.id.rust {
            let msg = format!(
                "moved from `client.{old_res}().{}()` to `client.{res}().{}()` (tag or name changed)",
                o.id.rust, n.id.rust
            );
            d.push(
                ChangeKind::OperationMoved,
                Class::NonBreaking,
                true,
                id,
                None,
                &n.pointer,
                msg,
            );
        }
        diff_params("path", &o.path_params, &n.path_params, id, d);
        diff_params("query", &o.query_params, &n.query_params, id, d);
        diff_params("header", &o.header_params, &n.header_params, id, d);
        diff_body(o, n, id, d);
        diff_response(o, n, id, d);
    }
}

fn diff_params(place: &str, old: &[Param], new: &[Param], op: &str, d: &mut ApiDiff<'_>) {
    let olds: BTreeMap<&str, &Param> = old.iter().map(|p| (p.name.wire.as_str(), p)).collect();
    let news: BTreeMap<&str, &Param> = new.iter().map(|p| (p.name.wire.as_str(), p)).collect();
    for (name, p) in &olds {
        if !news.contains_key(name) {
            let msg = format!("{place} parameter `{name}` removed");
            d.push(
                ChangeKind::ParamRemoved,
                Class::Breaking,
                true,
                op,
                Some(name),
                &p.pointer,
                msg,
            );
        }
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let (class, req) = if n.required {
                (Class::Breaking, "required")
            } else {
                (Class::NonBreaking, "optional")
            };
            let msg = format!(
                "{req} {place} parameter `{name}` ({}) added",
                type_text(&n.ty)
            );
            d.push(
                ChangeKind::ParamAdded,
                class,
                n.required,
                op,
                Some(name),
                &n.pointer,
                msg,
            );
            continue;
        };
        if o.ty != n.ty {
            let class = if format_only_change(&o.ty, &n.ty) {
                Class::NonBreaking
            } else {
                Class::Breaking
            };
            let msg = format!(
                "{place} parameter `{name}` type changed from {} to {}",
                type_text(&o.ty),
                type_text(&n.ty)
            );
            d.push(
                ChangeKind::ParamTypeChanged,
                class,
                class == Class::Breaking,
                op,
                Some(name),
                &n.pointer,
                msg,
            );
        }
        if o.required != n.required {
            let (class, msg) = if n.required {
                (
                    Class::Breaking,
                    format!("{place} parameter `{name}` became required"),
                )
            } else {
                (
                    Class::NonBreaking,
                    format!(
                        "{place} parameter `{name}` became optional (moves from an argument to the builder)"
                    ),
                )
            };
            d.push(
                ChangeKind::ParamRequiredChanged,
                class,
                true,
                op,
                Some(name),
                &n.pointer,
                msg,
            );
        }
    }
}

fn diff_body(o: &Operation, n: &Operation, op: &str, d: &mut ApiDiff<'_>) {
    match (&o.body, &n.body) {
        (None, None) => {}
        (Some(b), None) => {
            let msg = format!("request body ({}) removed", type_text(&b.ty));
            d.push(
                ChangeKind::BodyRemoved,
                Class::Breaking,
                true,
                op,
                Some("body"),
                &o.pointer,
                msg,
            );
        }
        (None, Some(b)) => {
            let (class, req) = if b.required {
                (Class::Breaking, "required")
            } else {
                (Class::NonBreaking, "optional")
            };
            let msg = format!("{req} request body ({}) added", type_text(&b.ty));
            d.push(
                ChangeKind::BodyAdded,
                class,
                b.required,
                op,
                Some("body"),
                &n.pointer,
                msg,
            );
        }
        (Some(ob), Some(nb)) => {
            if ob.ty != nb.ty || ob.encoding != nb.encoding || ob.media_type != nb.media_type {
                let msg = format!(
                    "request body changed from {} ({}) to {} ({})",
                    type_text(&ob.ty),
                    ob.media_type,
                    type_text(&nb.ty),
                    nb.media_type
                );
                d.push(
                    ChangeKind::BodyTypeChanged,
                    Class::Breaking,
                    true,
                    op,
                    Some("body"),
                    &n.pointer,
                    msg,
                );
            }
            if ob.required != nb.required {
                let (class, msg) = if nb.required {
                    (Class::Breaking, "request body became required".to_owned())
                } else {
                    (
                        Class::NonBreaking,
                        "request body became optional".to_owned(),
                    )
                };
                d.push(
                    ChangeKind::BodyRequiredChanged,
                    class,
                    true,
                    op,
                    Some("body"),
                    &n.pointer,
                    msg,
                );
            }
        }
    }
}

fn diff_response(o: &Operation, n: &Operation, op: &str, d: &mut ApiDiff<'_>) {
    if o.response.status != n.response.status {
        let msg = format!(
            "success status changed from {} to {}",
            o.response.status, n.response.status
        );
        d.push(
            ChangeKind::ResponseStatusChanged,
            Class::Breaking,
            false,
            op,
            Some("response"),
            &n.pointer,
            msg,
        );
    }
    if o.response.body != n.response.body {
        // Gaining a body is absorbed by old clients (they ignore it); anything else changes what they parse.
        let (class, rust) = match (&o.response.body, &n.response.body) {
            (ResponseBody::Empty, _) => (Class::NonBreaking, true),
            (ResponseBody::Bytes(_), ResponseBody::Bytes(_)) => (Class::NonBreaking, false),
            _ => (Class::Breaking, true),
        };
        let msg = format!(
            "success body changed from {} to {}",
            response_text(&o.response.body),
            response_text(&n.response.body)
        );
        d.push(
            ChangeKind::ResponseBodyChanged,
            class,
            rust,
            op,
            Some("response"),
            &n.pointer,
            msg,
        );
    }
    // Compared and listed as the document writes them.
    let oe: BTreeSet<String> = o.error_statuses.iter().map(ToString::to_string).collect();
    let ne: BTreeSet<String> = n.error_statuses.iter().map(ToString::to_string).collect();
    for s in ne.difference(&oe) {
        let msg = format!("error status {s} declared (the error type carries any status)");
        d.push(
            ChangeKind::ErrorStatusAdded,
            Class::ForwardCompatible,
            false,
            op,
            Some(s),
            &n.pointer,
            msg,
        );
    }
    for s in oe.difference(&ne) {
        let msg = format!("error status {s} no longer declared");
        d.push(
            ChangeKind::ErrorStatusRemoved,
            Class::NonBreaking,
            false,
            op,
            Some(s),
            &n.pointer,
            msg,
        );
    }
    if o.security != n.security {
        let os: BTreeSet<&String> = o.security.iter().collect();
        let ns: BTreeSet<&String> = n.security.iter().collect();
        // Names are alternatives; dropping one, or requiring auth where none was, locks callers out.
        let class = if os.is_subset(&ns) && !os.is_empty() {
            Class::NonBreaking
        } else {
            Class::Breaking
        };
        let msg = format!(
            "security changed from [{}] to [{}]",
            join(&o.security),
            join(&n.security)
        );
        d.push(
            ChangeKind::SecurityChanged,
            class,
            false,
            op,
            Some("security"),
            &n.pointer,
            msg,
        );
    }
}

fn diff_types(old: &Api, new: &Api, d: &mut ApiDiff<'_>) {
    let olds: BTreeMap<&str, &TypeDef> = old
        .types
        .iter()
        .map(|t| (t.name.rust.as_str(), t))
        .collect();
    let news: BTreeMap<&str, &TypeDef> = new
        .types
        .iter()
        .map(|t| (t.name.rust.as_str(), t))
        .collect();
    for (name, t) in &olds {
        if !news.contains_key(name) {
            // The wire effect is reported where the type was referenced (the field, variant, body or
            // operation that stopped using it); the removal itself takes a public item out of the crate.
            let msg = format!("type `{name}` removed");
            d.push(
                ChangeKind::TypeRemoved,
                Class::NonBreaking,
                true,
                name,
                None,
                &t.pointer,
                msg,
            );
        }
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let msg = format!("type `{name}` ({}) added", kind_text(&n.kind));
            d.push(
                ChangeKind::TypeAdded,
                Class::NonBreaking,
                false,
                name,
                None,
                &n.pointer,
                msg,
            );
            continue;
        };
        let usage = d.usage_of(name);
        match (&o.kind, &n.kind) {
            (TypeKind::Struct { fields: of, .. }, TypeKind::Struct { fields: nf, .. }) => {
                diff_fields(name, of, nf, usage, d);
            }
            (TypeKind::StringEnum { variants: ov }, TypeKind::StringEnum { variants: nv }) => {
                let ov: Vec<String> = ov.iter().map(|v| v.name.wire.clone()).collect();
                let nv: Vec<String> = nv.iter().map(|v| v.name.wire.clone()).collect();
                diff_enum(name, &n.pointer, &ov, &nv, usage, d);
            }
            (TypeKind::IntEnum { variants: ov }, TypeKind::IntEnum { variants: nv }) => {
                let ov: Vec<String> = ov.iter().map(|v| v.value.to_string()).collect();
                let nv: Vec<String> = nv.iter().map(|v| v.value.to_string()).collect();
                diff_enum(name, &n.pointer, &ov, &nv, usage, d);
            }
            (TypeKind::Union { variants: ov, .. }, TypeKind::Union { variants: nv, .. }) => {
                let om: BTreeMap<&str, _> = ov.iter().map(|v| (v.name.wire.as_str(), v)).collect();
                let nm: BTreeMap<&str, _> = nv.iter().map(|v| (v.name.wire.as_str(), v)).collect();
                for v in om.keys().filter(|k| !nm.contains_key(*k)) {
                    // Requests may no longer send it; responses simply stop carrying it.
                    let class = usage.classify(Class::Breaking, Class::NonBreaking);
                    let msg = format!("union alternative `{v}` removed ({} type)", usage.label());
                    d.push(
                        ChangeKind::UnionVariantRemoved,
                        class,
                        true,
                        name,
                        Some(v),
                        &o.pointer,
                        msg,
                    );
                }
                for (v, nvar) in &nm {
                    match om.get(v) {
                        None => {
                            // Every union has an `Unknown(serde_json::Value)` variant and is `#[non_exhaustive]`.
                            let class =
                                usage.classify(Class::NonBreaking, Class::ForwardCompatible);
                            let msg =
                                format!("union alternative `{v}` added ({} type)", usage.label());
                            d.push(
                                ChangeKind::UnionVariantAdded,
                                class,
                                false,
                                name,
                                Some(v),
                                &n.pointer,
                                msg,
                            );
                        }
                        Some(ovar) if ovar.ty != nvar.ty => {
                            let msg = format!(
                                "union alternative `{v}` changed from {} to {}",
                                type_text(&ovar.ty),
                                type_text(&nvar.ty)
                            );
                            d.push(
                                ChangeKind::UnionVariantChanged,
                                Class::Breaking,
                                true,
                                name,
                                Some(v),
                                &n.pointer,
                                msg,
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
            (TypeKind::Alias { target: ot }, TypeKind::Alias { target: nt }) => {
                if ot != nt {
                    let class = if format_only_change(ot, nt) {
                        usage.classify(Class::Breaking, Class::NonBreaking)
                    } else {
                        Class::Breaking
                    };
                    let msg = format!(
                        "alias `{name}` changed from {} to {}",
                        type_text(ot),
                        type_text(nt)
                    );
                    d.push(
                        ChangeKind::TypeChanged,
                        class,
                        class == Class::Breaking,
                        name,
                        None,
                        &n.pointer,
                        msg,
                    );
                }
            }
            (ok, nk) => {
                let msg = format!(
                    "type `{name}` changed from {} to {}",
                    kind_text(ok),
                    kind_text(nk)
                );
                d.push(
                    ChangeKind::TypeChanged,
                    Class::Breaking,
                    true,
                    name,
                    None,
                    &n.pointer,
                    msg,
                );
            }
        }
    }
}

fn diff_enum(
    name: &str,
    pointer: &str,
    old: &[String],
    new: &[String],
    usage: Usage,
    d: &mut ApiDiff<'_>,
) {
    for v in old.iter().filter(|v| !new.contains(v)) {
        // Requests can no longer send it; a response-only type just stops receiving it.
        let class = usage.classify(Class::Breaking, Class::NonBreaking);
        let msg = format!("enum value `{v}` removed ({} type)", usage.label());
        d.push(
            ChangeKind::EnumValueRemoved,
            class,
            true,
            name,
            Some(v),
            pointer,
            msg,
        );
    }
    for v in new.iter().filter(|v| !old.contains(v)) {
        // Old crates read it as `Unknown(..)`; enums are `#[non_exhaustive]`, so the new variant breaks no match.
        let class = usage.classify(Class::NonBreaking, Class::ForwardCompatible);
        let msg = format!("enum value `{v}` added ({} type)", usage.label());
        d.push(
            ChangeKind::EnumValueAdded,
            class,
            false,
            name,
            Some(v),
            pointer,
            msg,
        );
    }
}

fn is_required(p: Presence) -> bool {
    matches!(p, Presence::Required | Presence::RequiredNullable)
}

fn is_nullable(p: Presence) -> bool {
    matches!(p, Presence::RequiredNullable | Presence::OptionalNullable)
}

/// The Rust shape of a field: `T`, `Option<T>` or `Nullable<T>`.
fn rust_wrapper(p: Presence) -> &'static str {
    match p {
        Presence::Required => "T",
        Presence::RequiredNullable | Presence::Optional => "Option<T>",
        Presence::OptionalNullable => "Nullable<T>",
    }
}

fn diff_fields(ty: &str, old: &[Field], new: &[Field], usage: Usage, d: &mut ApiDiff<'_>) {
    let olds: BTreeMap<&str, &Field> = old.iter().map(|f| (f.name.wire.as_str(), f)).collect();
    let news: BTreeMap<&str, &Field> = new.iter().map(|f| (f.name.wire.as_str(), f)).collect();
    for (name, f) in &olds {
        if !news.contains_key(name) {
            let u = usage.for_field(f);
            // Removing a request field is judged breaking too: code that sets it stops compiling and the
            // value is no longer sent.
            let class = u.classify(Class::Breaking, Class::Breaking);
            let msg = format!("field `{name}` removed ({} type)", u.label());
            d.push(
                ChangeKind::FieldRemoved,
                class,
                true,
                ty,
                Some(name),
                &f.pointer,
                msg,
            );
        }
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let u = usage.for_field(n);
            let required = is_required(n.presence);
            let request = if required {
                Class::Breaking
            } else {
                Class::NonBreaking
            };
            let class = u.classify(request, Class::ForwardCompatible);
            let msg = format!(
                "{} field `{name}` ({}) added ({} type)",
                if required { "required" } else { "optional" },
                type_text(&n.ty),
                u.label()
            );
            // Structs are not `#[non_exhaustive]`: a new pub field breaks struct literals.
            d.push(
                ChangeKind::FieldAdded,
                class,
                true,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
            continue;
        };
        let u = usage.for_field(o).union(usage.for_field(n));
        let rust_shape_changed = rust_wrapper(o.presence) != rust_wrapper(n.presence);
        if o.ty != n.ty {
            let class = if format_only_change(&o.ty, &n.ty) {
                u.classify(Class::Breaking, Class::NonBreaking)
            } else {
                Class::Breaking
            };
            let msg = format!(
                "field `{name}` type changed from {} to {}",
                type_text(&o.ty),
                type_text(&n.ty)
            );
            d.push(
                ChangeKind::FieldTypeChanged,
                class,
                class == Class::Breaking,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
        }
        let (or, nr) = (is_required(o.presence), is_required(n.presence));
        if or != nr {
            // Request: the client must now send it (breaking) or may omit it (fine).
            // Response: the client may now not get it (breaking) or always gets it (fine).
            let class = if nr {
                u.classify(Class::Breaking, Class::NonBreaking)
            } else {
                u.classify(Class::NonBreaking, Class::Breaking)
            };
            let msg = format!(
                "field `{name}` became {} ({} type; Rust {} → {})",
                if nr { "required" } else { "optional" },
                u.label(),
                rust_wrapper(o.presence),
                rust_wrapper(n.presence)
            );
            d.push(
                ChangeKind::FieldRequiredChanged,
                class,
                rust_shape_changed,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
        }
        let (on, nn) = (is_nullable(o.presence), is_nullable(n.presence));
        if on != nn {
            // Request: null is now accepted (fine) or rejected (breaking).
            // Response: null may now arrive where the old crate expects a value (breaking), or no longer (fine).
            let class = if nn {
                u.classify(Class::NonBreaking, Class::Breaking)
            } else {
                u.classify(Class::Breaking, Class::NonBreaking)
            };
            let msg = format!(
                "field `{name}` {} nullable ({} type; Rust {} → {})",
                if nn { "became" } else { "is no longer" },
                u.label(),
                rust_wrapper(o.presence),
                rust_wrapper(n.presence)
            );
            d.push(
                ChangeKind::FieldNullableChanged,
                class,
                rust_shape_changed,
                ty,
                Some(name),
                &n.pointer,
                msg,
            );
        }
    }
}

/// Only a string `format` differs: the Rust type (`String`) stays, the wire constraint changes.
/// Only the documented `format` changed, not the Rust type it is generated as.
fn format_only_change(old: &TypeRef, new: &TypeRef) -> bool {
    match (old, new) {
        (TypeRef::String(a), TypeRef::String(b)) => {
            StringRepr::of(a.as_deref()) == StringRepr::of(b.as_deref())
        }
        (TypeRef::List(a), TypeRef::List(b)) | (TypeRef::Map(a), TypeRef::Map(b)) => {
            format_only_change(a, b)
        }
        _ => false,
    }
}

fn type_text(t: &TypeRef) -> String {
    match t {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String(None) => "string".into(),
        TypeRef::String(Some(f)) => format!("string({f})"),
        TypeRef::Bytes => "bytes".into(),
        TypeRef::Json => "json".into(),
        TypeRef::Named(n) => format!("`{n}`"),
        TypeRef::List(i) => format!("list of {}", type_text(i)),
        TypeRef::Map(i) => format!("map of {}", type_text(i)),
    }
}

fn response_text(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Empty => "no body".into(),
        ResponseBody::Json(t) => format!("JSON {}", type_text(t)),
        ResponseBody::Bytes(m) => format!("bytes ({m})"),
    }
}

fn kind_text(k: &TypeKind) -> String {
    match k {
        TypeKind::Struct { .. } => "struct".into(),
        TypeKind::StringEnum { .. } => "string enum".into(),
        TypeKind::IntEnum { .. } => "integer enum".into(),
        TypeKind::Union { .. } => "union".into(),
        TypeKind::Alias { target } => format!("alias of {}", type_text(target)),
    }
}

fn join(v: &[String]) -> String {
    v.join(", ")
}

// ---------------------------------------------------------------------------------------------------------
// Inputs

/// The documents of one side of a diff: a file, or every `*.yaml`, `*.yml` and `*.json` in a directory.
pub fn spec_inputs(path: &Path) -> Result<Vec<SpecInput>, Diagnostics> {
    let display = path.display().to_string();
    let fail = |message: String| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(
            display.clone(),
            DiagLocation::File,
            message,
        ));
        d
    };
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|e| fail(format!("cannot read the directory: {e}")))?;
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let p = entry
                .map_err(|e| fail(format!("cannot read the directory: {e}")))?
                .path();
            if p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(fail(
                "no OpenAPI documents (*.yaml, *.yml, *.json) in the directory".into(),
            ));
        }
        Ok(files.into_iter().map(SpecInput::new).collect())
    } else if path.is_file() {
        Ok(vec![SpecInput::new(path)])
    } else {
        Err(fail("no such file or directory".into()))
    }
}

/// Loads both sides into IR. Modules are matched by file stem; when both sides are single files their one
/// module is paired whatever the stems (`old.yaml` against `new.yaml`). Warnings of both sides are returned.
pub fn load_pair(
    old: &Path,
    new: &Path,
    version: &str,
) -> Result<(Crate, Crate, Diagnostics), Diagnostics> {
    let old_inputs = spec_inputs(old);
    let new_inputs = spec_inputs(new);
    let (old_inputs, new_inputs) = match (old_inputs, new_inputs) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut d = Diagnostics::new();
            for e in [o.err(), n.err()].into_iter().flatten() {
                d.extend(e);
            }
            return Err(d);
        }
    };
    let old_ir = crate::build_ir(&old_inputs, "klarna", version);
    let new_ir = crate::build_ir(&new_inputs, "klarna", version);
    let ((old_ir, ow), (mut new_ir, nw)) = match (old_ir, new_ir) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut d = Diagnostics::new();
            for e in [o.err(), n.err()].into_iter().flatten() {
                d.extend(e);
            }
            return Err(d);
        }
    };
    if old.is_file()
        && new.is_file()
        && let ([o], [n]) = (old_ir.apis.as_slice(), new_ir.apis.as_mut_slice())
    {
        n.module = o.module.clone();
    }
    let mut warnings = ow;
    warnings.extend(nw);
    Ok((old_ir, new_ir, warnings))
}

// ---------------------------------------------------------------------------------------------------------
// Output

/// Markdown for a pull-request comment: counts, implied bump, and a table of changes per API.
pub fn to_markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Klarna spec diff\n");
    if report.changes.is_empty() {
        let _ = writeln!(s, "No changes to the API surface.");
        return s;
    }
    let sum = &report.summary;
    let _ = writeln!(s, "| class | changes |\n|---|---:|");
    let _ = writeln!(s, "| breaking | {} |", sum.breaking);
    let _ = writeln!(s, "| non-breaking | {} |", sum.non_breaking);
    let _ = writeln!(s, "| forward-compatible | {} |", sum.forward_compatible);
    let _ = writeln!(s);
    let next = match &report.next_version {
        Some(v) if report.version.starts_with("0.") && report.bump == Bump::Major => format!(
            " ({} → {v}; on 0.y a breaking change bumps the minor number)",
            report.version
        ),
        Some(v) => format!(" ({} → {v})", report.version),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "Implied bump (wire contract): **{}**{next}.",
        report.bump.label()
    );
    let marked = report
        .changes
        .iter()
        .filter(|c| c.rust_breaking && c.class != Class::Breaking)
        .count();
    if marked > 0 {
        let _ = writeln!(
            s,
            "\n{marked} change(s) marked † are compatible on the wire but change the generated Rust API \
             incompatibly; predicted Rust API bump: **{}** (`cargo xtask semver` checks it).",
            report.rust_bump.label()
        );
    }
    let mut by_api: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &report.changes {
        by_api.entry(c.location.api.as_str()).or_default().push(c);
    }
    for (api, changes) in by_api {
        let _ = writeln!(s, "\n### `{api}`\n");
        let _ = writeln!(s, "| class | location | change |\n|---|---|---|");
        let mut sorted = changes;
        sorted.sort_by_key(|c| std::cmp::Reverse(c.class));
        for c in sorted {
            let mark = if c.rust_breaking && c.class != Class::Breaking {
                " †"
            } else {
                ""
            };
            let class = match c.class {
                Class::Breaking => "**breaking**".to_owned(),
                other => other.label().to_owned(),
            };
            let _ = writeln!(
                s,
                "| {class}{mark} | `{}` | {} |",
                c.location.path(),
                cell(&c.message)
            );
        }
    }
    s
}

/// The report as pretty JSON.
pub fn to_json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report)
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
