//! `klarna-codegen`: generates the Klarna Rust SDK crate from OpenAPI documents.
//!
//! The pipeline, one module per stage, with plain data between stages:
//!
//! ```text
//! spec files ──load──▶ openapiv3::OpenAPI ──lower──▶ ir::Crate ──render──▶ files ──write──▶ crate on disk
//! ```
//!
//! - [`load`]: YAML/JSON, version check, OpenAPI 3.1 normalization ([`load::normalize`]), structural
//!   checks ([`load::validate`]), `$ref`s to other files resolved by position (`load/refs.rs`, following
//!   the [`load::grammar`] of OpenAPI object kinds that [`load::locate`] also follows to point at what
//!   `openapiv3` refuses);
//! - [`lower`] (with a [`profile`]: Klarna's conventions, or none): every decision into the [`ir`], one
//!   module per concern (schemas, refs, enums, structs, unions, merge, parameters, bodies, responses,
//!   operations, pagination, webhooks, servers, security, docs; every Rust name claimed through one
//!   helper that reports renames, with [`naming`]'s sanitizer; state owned once: a read-only document,
//!   one diagnostics sink, a type table owned by schema lowering, which operation lowering borrows),
//!   then the IR rewrites of [`lower::passes`] in order (method names, status enums, cycles, complex
//!   types, variant sizes, directions, the testing kit's names, the command line's names), each dumpable
//!   with `klarna-codegen ir --after <pass>`;
//! - [`ir`]: plain typed data (types referenced by [`ir::TypeId`], HTTP methods, parsed path templates,
//!   status matches), serializable;
//! - [`render`]: askama templates fed with view structs built from the IR (types spelled as `quote!` token
//!   streams), parsed by `syn`, printed by `prettyplease`; it reads the IR's conventions, never the profile;
//! - [`mod@write`]: atomic, write-if-changed, stale files removed; or a check against what is on disk;
//! - readers of the IR beside render: [`diff`] (two IRs, every change classified), [`conform`] (a recorded
//!   response body against its operation), [`cli_table`] and [`stubs`] (the `klarna` command's table and
//!   `klarna-testing`'s typed stubs).
//!
//! Problems are [`diag::Diagnostic`]s with a file and a line:column or JSON pointer, collected and reported
//! together. Nothing in the generator panics on input.

// Input never panics the generator: these are denied outside tests (STYLE.md practice 11).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod cli_table;
pub mod conform;
pub mod diag;
pub mod diff;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod profile;
pub mod render;
pub mod stubs;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use diag::{Diagnostic, Diagnostics};
pub use profile::Profile;
pub use render::{RenderOptions, RuntimeDependency};

/// The version of the generator, named in every generated file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One input document: where it is and how to name it in diagnostics and headers.
#[derive(Clone, Debug)]
pub struct SpecInput {
    /// Path to read.
    pub path: PathBuf,
    /// Path to show (usually relative to the workspace or as typed by the user).
    pub display: String,
}

impl SpecInput {
    /// A spec shown as its own path.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let display = path.display().to_string();
        Self { path, display }
    }
}

/// Loads and lowers documents into the IR with Klarna's conventions ([`Profile::klarna`], as the SDK
/// is built), collecting every diagnostic.
pub fn build_ir(
    specs: &[SpecInput],
    crate_name: &str,
    version: &str,
) -> Result<(ir::Crate, Diagnostics), Diagnostics> {
    build_ir_with(specs, crate_name, version, &Profile::klarna(), None)
}

/// As [`build_ir`], with the conventions of `profile`, stopping after the lowering pass named `after`
/// ([`lower::passes::LOWERED`] for none of them; `None` runs them all): the IR as it stands at that
/// point, for `klarna-codegen ir --after`.
pub fn build_ir_with(
    specs: &[SpecInput],
    crate_name: &str,
    version: &str,
    profile: &Profile,
    after: Option<&str>,
) -> Result<(ir::Crate, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut loaded = Vec::new();
    for s in specs {
        match load::load(&s.path, &s.display) {
            Ok(spec) => {
                diags.extend(spec.warnings.clone());
                loaded.push(spec);
            }
            Err(e) => diags.extend(e),
        }
    }
    let sources: Vec<(&str, &std::path::Path)> = specs
        .iter()
        .map(|s| (s.display.as_str(), s.path.as_path()))
        .collect();
    if diags.has_errors() {
        load::locate::place(&mut diags, &sources);
        diags.sort();
        return Err(diags);
    }
    let (krate, lower_diags) = lower::lower_until(&loaded, crate_name, version, profile, after);
    diags.extend(lower_diags);
    load::locate::place(&mut diags, &sources);
    diags.sort();
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((krate, diags))
    }
}

/// The generated crate's files, in memory, with the warnings met on the way.
pub struct Generated {
    /// The IR the files were rendered from.
    pub ir: ir::Crate,
    /// File contents by path relative to the crate root.
    pub files: BTreeMap<PathBuf, String>,
    /// Warnings (errors make generation fail).
    pub warnings: Diagnostics,
}

/// Which degradations generation refuses (they are warnings by default): `klarna-codegen generate
/// --deny-untyped` / `--deny-dropped` / `--deny-renamed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Strictness {
    /// A schema generated as `serde_json::Value` ([`diag::Degradation::Untyped`]) is an error.
    pub deny_untyped: bool,
    /// A keyword or part of a schema not generated ([`diag::Degradation::Dropped`]) is an error.
    pub deny_dropped: bool,
    /// A name changed from the one the document gives ([`diag::Degradation::Renamed`]; not the renames
    /// the profile asks for, which are no warnings) is an error.
    pub deny_renamed: bool,
}

impl Strictness {
    /// Turns the warnings this strictness refuses into errors.
    pub fn apply(&self, diags: &mut Diagnostics) {
        if self.deny_untyped {
            diags.deny(diag::Degradation::Untyped, "--deny-untyped");
        }
        if self.deny_dropped {
            diags.deny(diag::Degradation::Dropped, "--deny-dropped");
        }
        if self.deny_renamed {
            diags.deny(diag::Degradation::Renamed, "--deny-renamed");
        }
    }
}

/// Runs load → lower → render; nothing is written.
pub fn generate(
    specs: &[SpecInput],
    crate_name: &str,
    version: &str,
    profile: &Profile,
    options: &RenderOptions,
) -> Result<Generated, Diagnostics> {
    generate_strict(
        specs,
        crate_name,
        version,
        profile,
        options,
        Strictness::default(),
    )
}

/// As [`generate`], refusing the degradations `strictness` names: they fail generation as errors, with
/// every other diagnostic.
pub fn generate_strict(
    specs: &[SpecInput],
    crate_name: &str,
    version: &str,
    profile: &Profile,
    options: &RenderOptions,
    strictness: Strictness,
) -> Result<Generated, Diagnostics> {
    let (ir, mut warnings) = build_ir_with(specs, crate_name, version, profile, None)?;
    strictness.apply(&mut warnings);
    if warnings.has_errors() {
        return Err(warnings);
    }
    let files = render::render(&ir, options)?;
    Ok(Generated {
        ir,
        files,
        warnings,
    })
}
