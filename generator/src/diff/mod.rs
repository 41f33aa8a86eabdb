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
//!
//! This module holds the report model and the walk over APIs; the comparisons live in `operations`
//! (operations, parameters, bodies, responses) and `types` (named types and fields), reading and writing
//! in `io`.

mod io;
mod operations;
mod types;

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

pub use self::io::{load_pair, spec_inputs, to_json, to_markdown};
use self::operations::*;
use self::types::*;

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
    /// A struct became `#[non_exhaustive]` (it is now decoded from responses only) or stopped being so.
    StructExhaustivenessChanged,
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
    /// The API before and after.
    old: &'a Api,
    new: &'a Api,
    /// Directions of the types, by Rust name (see [`usage_by_name`]).
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

/// [`Api::type_usage`] keyed by Rust name, the key types are matched by across the two APIs.
fn usage_by_name(api: &Api) -> BTreeMap<String, Usage> {
    api.type_usage()
        .into_iter()
        .zip(&api.types)
        .filter_map(|(u, t)| Some((t.name.rust.clone(), u?)))
        .collect()
}

fn diff_api(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let mut d = ApiDiff {
        module: &new.module.wire,
        old,
        new,
        old_usage: usage_by_name(old),
        new_usage: usage_by_name(new),
        out,
    };
    diff_operations(old, new, &mut d);
    diff_types(old, new, &mut d);
}

// ---------------------------------------------------------------------------------------------------------
// Inputs

// ---------------------------------------------------------------------------------------------------------
// Output
