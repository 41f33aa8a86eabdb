//! Stage 3, render: [`crate::ir::Crate`] → file contents.
//!
//! Rendering makes no decisions. It spells IR types as Rust (fully qualified paths, so a schema named
//! `Option` or `Result` cannot shadow anything), builds flat view structs of precomputed strings, feeds them
//! to the askama templates in `templates/`, and runs every `.rs` output through `syn` (invalid Rust fails
//! here, as a diagnostic) and `prettyplease` (canonical formatting, no rustfmt needed). Each file gets the
//! `@generated` header.
//!
//! The output is a facade crate (`Cargo.toml`, `src/lib.rs` with `Client` and its resource accessors,
//! `src/registry.rs`) and, under `apis/<module>/`, one crate `<name>-<module>` per API (models, operations,
//! webhooks) that the facade re-exports as `<module>` behind the feature of that name. Separate crates let
//! cargo compile the APIs in parallel, and an API crate's path dependency makes it a member of whatever
//! workspace holds the facade.
//!
//! This module runs the templates and formats their output (through `layout`); the views, and the
//! functions that build them from the IR, live by what they render: `facade` (manifests, README, `lib.rs`,
//! registry, module roots, webhooks), `models` (named types),
//! `operations` (resources and request builders), `responses` (success and error enums, how `send`
//! finishes), with `spell` (IR types as Rust) and `text` (literals, docs, headers) shared.
//!
//! Comments: the formatter keeps doc comments and drops every other comment, so a `//` comment in a
//! template never reaches the generated file. A template explains itself in askama comments (`{# .. #}`,
//! for its reader only), and what a reader of the generated code needs goes into a doc comment.

mod facade;
mod layout;
mod models;
mod operations;
mod responses;
pub(crate) mod spell;
mod text;

pub(crate) use self::text::{header, lit};

use std::collections::BTreeMap;
use std::path::PathBuf;

use askama::Template;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ir::*;
use crate::naming::unraw;

use self::facade::*;
use self::models::*;
use self::operations::*;
use self::responses::*;
use self::spell::*;
use self::text::*;

/// What the generated crate depends on its runtime (the profile's: `klarna-runtime`, `oapi-runtime`)
/// through.
#[derive(Clone, Debug)]
pub enum RuntimeDependency {
    /// `{ path = "...", version = "..." }` (inside this workspace, publishable).
    PathAndVersion {
        /// Path from the generated crate to the runtime crate.
        path: String,
        /// The runtime's version requirement.
        version: String,
    },
    /// `{ path = "..." }` (a crate generated elsewhere on this machine).
    Path(String),
    /// `"<version>"` from crates.io (a generator installed without this workspace beside it).
    Version(String),
}

/// Everything render needs beyond the IR.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// How to reach the runtime crate.
    pub runtime: RuntimeDependency,
    /// Add an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
    /// The command that regenerates the output, named in every header.
    pub regen_command: String,
    /// An API with more types than this gets its models split into parts of this size.
    pub models_per_file: usize,
}

/// The default for [`RenderOptions::models_per_file`].
pub const MODELS_PER_FILE: usize = 400;

/// Renders every file of the facade crate and its API crates, keyed by path relative to the facade's root.
pub fn render(
    krate: &Crate,
    options: &RenderOptions,
) -> Result<BTreeMap<PathBuf, String>, Diagnostics> {
    let mut files = BTreeMap::new();
    let mut jobs = Vec::new();
    let mut problems = Diagnostics::new();
    let sources: Vec<&Source> = krate.apis.iter().map(|a| &a.source).collect();
    let crate_header = |comment: &str| header(comment, &sources, &options.regen_command);

    let cargo = cargo_view(krate, options, crate_header("#"));
    push_text(&mut files, &mut problems, "Cargo.toml", cargo.render());
    let readme = readme_view(krate);
    push_text(&mut files, &mut problems, "README.md", readme.render());

    let lib = lib_view(krate);
    push_rust(
        &mut jobs,
        &mut problems,
        "src/lib.rs",
        lib.render(),
        &crate_header("//"),
    );

    let registry = registry_view(krate, &mut problems);
    push_rust(
        &mut jobs,
        &mut problems,
        "src/registry.rs",
        registry.render(),
        &crate_header("//"),
    );

    for api in &krate.apis {
        let api_header = header("//", &[&api.source], &options.regen_command);
        let root = api_dir(api);
        let api_cargo = api_cargo_view(krate, api, options);
        push_text(
            &mut files,
            &mut problems,
            &format!("{root}/Cargo.toml"),
            api_cargo.render(),
        );
        let dir = format!("{root}/src");
        let module = api_mod_view(api);
        push_rust(
            &mut jobs,
            &mut problems,
            &format!("{dir}/lib.rs"),
            module.render(),
            &api_header,
        );
        if let Some(events) = &api.events {
            let webhooks = webhooks_view(api, events);
            push_rust(
                &mut jobs,
                &mut problems,
                &format!("{dir}/webhooks.rs"),
                webhooks.render(),
                &api_header,
            );
        }
        if api.types.len() <= options.models_per_file.max(1) {
            let models = ModelsTemplate {
                doc: "Request and response models.".into(),
                rt: api.runtime.clone(),
                part: false,
                types: api.types.iter().map(|t| type_view(api, t)).collect(),
            };
            push_rust(
                &mut jobs,
                &mut problems,
                &format!("{dir}/models.rs"),
                models.render(),
                &api_header,
            );
        } else {
            // A large API's models are split into parts that are parsed and formatted in parallel (and
            // compiled as smaller files); `models` re-exports every part, and each part sees the others.
            let parts: Vec<&[TypeDef]> = api.types.chunks(options.models_per_file.max(1)).collect();
            let names: Vec<String> = (1..=parts.len()).map(|i| format!("part_{i:03}")).collect();
            let index = ModelsIndexTemplate {
                parts: names.clone(),
            };
            push_rust(
                &mut jobs,
                &mut problems,
                &format!("{dir}/models/mod.rs"),
                index.render(),
                &api_header,
            );
            for (name, types) in names.iter().zip(parts) {
                let models = ModelsTemplate {
                    doc: format!("Request and response models, {name}."),
                    rt: api.runtime.clone(),
                    part: true,
                    types: types.iter().map(|t| type_view(api, t)).collect(),
                };
                push_rust(
                    &mut jobs,
                    &mut problems,
                    &format!("{dir}/models/{name}.rs"),
                    models.render(),
                    &api_header,
                );
            }
        }
        let server = krate
            .conventions
            .vendor
            .clone()
            .unwrap_or_else(|| "the server".to_owned());
        let operations = OperationsTemplate {
            resources: api
                .resources
                .iter()
                .map(|r| resource_view(api, r))
                .collect(),
            server_possessive: format!("{server}'s"),
            server,
            rt: krate.conventions.runtime.rust.clone(),
            idempotency_header: krate
                .conventions
                .idempotency_header_display
                .clone()
                .or_else(|| krate.conventions.idempotency_header.clone())
                .unwrap_or_else(|| "idempotency key".to_owned()),
            idempotency_window: krate.conventions.idempotency_window.clone(),
        };
        push_rust(
            &mut jobs,
            &mut problems,
            &format!("{dir}/operations.rs"),
            operations.render(),
            &api_header,
        );
    }
    format_all(jobs, &mut files, &mut problems);
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok(files)
    }
}

fn push_text(
    files: &mut BTreeMap<PathBuf, String>,
    problems: &mut Diagnostics,
    path: &str,
    rendered: askama::Result<String>,
) {
    match rendered {
        Ok(text) => {
            files.insert(PathBuf::from(path), normalize_newlines(&text));
        }
        Err(e) => problems.push(Diagnostic::error(
            path,
            Location::File,
            format!("template failed: {e}"),
        )),
    }
}

/// A rendered `.rs` file waiting to be parsed and formatted.
struct RustJob {
    path: String,
    text: String,
    header: String,
}

fn push_rust(
    jobs: &mut Vec<RustJob>,
    problems: &mut Diagnostics,
    path: &str,
    rendered: askama::Result<String>,
    header: &str,
) {
    match rendered {
        // rustfmt and prettyplease format differently; generated files keep prettyplease's canonical form
        // and `cargo fmt` leaves them alone.
        Ok(text) => jobs.push(RustJob {
            path: path.to_owned(),
            text: format!("#![cfg_attr(rustfmt, rustfmt::skip)]\n{text}"),
            header: header.to_owned(),
        }),
        Err(e) => problems.push(Diagnostic::error(
            path,
            Location::File,
            format!("template failed: {e}"),
        )),
    }
}

/// Parses every job with `syn` and prints it through `layout` (`prettyplease`, a blank line between
/// items), on all cores (the biggest file first); the result does not depend on the order the threads
/// finish in.
fn format_all(
    jobs: Vec<RustJob>,
    files: &mut BTreeMap<PathBuf, String>,
    problems: &mut Diagnostics,
) {
    let mut jobs = jobs;
    jobs.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.path.cmp(&b.path)));
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, 8);
    let results: Vec<(String, Result<String, Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = match queue.lock() {
                            Ok(mut q) => q.next(),
                            Err(_) => None,
                        };
                        let Some(job) = next else { break };
                        done.push((job.path.clone(), format_one(&job)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    for (path, result) in results {
        match result {
            Ok(text) => {
                files.insert(PathBuf::from(path), text);
            }
            Err(d) => problems.push(d),
        }
    }
}

fn format_one(job: &RustJob) -> Result<String, Diagnostic> {
    match syn::parse_file(&job.text) {
        Ok(file) => Ok(format!("{}\n{}", job.header, layout::unparse(file))),
        Err(e) => {
            let start = e.span().start();
            Err(Diagnostic::error(
                job.path.as_str(),
                Location::LineCol {
                    line: start.line as u64,
                    column: start.column as u64 + 1,
                },
                format!(
                    "generated code does not parse (a generator bug): {e}; line: {}",
                    job.text
                        .lines()
                        .nth(start.line.saturating_sub(1))
                        .unwrap_or("")
                        .trim()
                ),
            ))
        }
    }
}

fn normalize_newlines(s: &str) -> String {
    let mut out: String = s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out.push('\n');
    out
}
