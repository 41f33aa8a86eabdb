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

use std::collections::BTreeMap;
use std::path::PathBuf;

use askama::Template;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ir::*;
use crate::naming::unraw;

/// What the generated crate depends on `klarna-runtime` through.
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
}

/// Everything render needs beyond the IR.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// How to reach `klarna-runtime`.
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

    let cargo = CargoTemplate {
        header: crate_header("#"),
        name: krate.name.clone(),
        version: krate.version.clone(),
        default_features: krate
            .apis
            .iter()
            .map(|a| format!("{:?}", a.module.rust))
            .collect::<Vec<_>>()
            .join(", "),
        features: krate
            .apis
            .iter()
            .map(|a| {
                let name = api_crate_name(&krate.name, &a.module.rust);
                let dir = api_dir(a);
                let version = match &options.runtime {
                    // Publishable: the facade names each API crate's version too.
                    RuntimeDependency::PathAndVersion { .. } => {
                        format!(", version = {}", toml_str(&krate.version))
                    }
                    RuntimeDependency::Path(_) => String::new(),
                };
                FeatureView {
                    name: a.module.rust.clone(),
                    doc: format!("# {} ({})", a.title, a.source.file),
                    dep: format!(
                        "{name} = {{ path = {}{version}, optional = true }}",
                        toml_str(&dir)
                    ),
                    krate: name,
                }
            })
            .collect(),
        runtime_dep: runtime_dep(&options.runtime, ""),
        standalone: options.standalone,
        klarna_guide: krate.conventions.guide,
    };
    push_text(&mut files, &mut problems, "Cargo.toml", cargo.render());
    let readme = ReadmeTemplate {
        name: krate.name.clone(),
        crate_ident: krate.name.replace('-', "_"),
        apis: krate
            .apis
            .iter()
            .map(|a| ReadmeApiView {
                feature: a.module.rust.clone(),
                krate: api_crate_name(&krate.name, &a.module.rust),
                title: a.title.clone(),
                version: a.version.clone(),
                operations: a.resources.iter().map(|r| r.operations.len()).sum(),
            })
            .collect(),
    };
    push_text(&mut files, &mut problems, "README.md", readme.render());

    let lib = LibTemplate {
        crate_doc: inner_doc(&crate_doc(krate, krate.conventions.guide)),
        features_doc: inner_doc(&features_doc(krate)),
        klarna_guide: krate.conventions.guide,
        apis: krate
            .apis
            .iter()
            .map(|a| LibApiView {
                // The module's docs are the API crate's own (its title first), with nothing in front: the
                // feature and the crate are in the features table of the crate docs.
                module: a.module.rust.clone(),
                krate: api_crate_name(&krate.name, &a.module.rust).replace('-', "_"),
                title: a.title.clone(),
                feature_lit: lit(&a.module.rust),
                resources: a.resources.iter().map(accessor_view).collect(),
            })
            .collect(),
    };
    push_rust(
        &mut jobs,
        &mut problems,
        "src/lib.rs",
        lib.render(),
        &crate_header("//"),
    );

    let registry = RegistryTemplate {
        types: krate
            .apis
            .iter()
            .flat_map(|a| {
                a.types.iter().map(move |t| RegistryEntry {
                    feature_lit: lit(&a.module.rust),
                    name_lit: lit(&format!(
                        "{}::{}",
                        unraw(&a.module.rust),
                        unraw(&t.name.rust)
                    )),
                    path: format!("{}::models::{}", a.module.rust, t.name.rust),
                    deprecated: t.deprecated,
                })
            })
            .collect(),
    };
    push_rust(
        &mut jobs,
        &mut problems,
        "src/registry.rs",
        registry.render(),
        &crate_header("//"),
    );

    for api in &krate.apis {
        let api_header = header("//", &[&api.source], &options.regen_command);
        let api_name = api_crate_name(&krate.name, &api.module.rust);
        let root = api_dir(api);
        let api_cargo = ApiCargoTemplate {
            header: header("#", &[&api.source], &options.regen_command),
            name: api_name.clone(),
            version: krate.version.clone(),
            description: format!(
                "{} ({}) for Rust: typed models and async operations, generated from Klarna's OpenAPI \
                 document. Use it through the `{}` crate (feature `{}`).",
                api.title,
                api.version,
                krate.name,
                unraw(&api.module.rust)
            )
            .replace('"', "'"),
            runtime_dep: runtime_dep(&options.runtime, "../../"),
        };
        push_text(
            &mut files,
            &mut problems,
            &format!("{root}/Cargo.toml"),
            api_cargo.render(),
        );
        let dir = format!("{root}/src");
        let module = ApiModTemplate {
            doc: inner_doc(&api_doc(api)),
            has_webhooks: api.events.is_some(),
            servers: api
                .servers
                .iter()
                .enumerate()
                .map(|(i, s)| ServerView {
                    doc: outer_doc(&format!(
                        "Server {}: {}",
                        i + 1,
                        s.description.as_deref().unwrap_or("(no description)")
                    )),
                    name: server_const(s, i),
                    url_lit: lit(&s.url),
                })
                .collect(),
        };
        push_rust(
            &mut jobs,
            &mut problems,
            &format!("{dir}/lib.rs"),
            module.render(),
            &api_header,
        );
        if let Some(events) = &api.events {
            let webhooks = WebhooksTemplate {
                module_path: api_name.replace('-', "_"),
                allow_deprecated: events.allow_deprecated,
                events: events
                    .events
                    .iter()
                    .map(|e| EventView {
                        doc: outer_doc(&format!("`{}`", e.name.wire)),
                        name: e.name.rust.clone(),
                        wire_lit: lit(&e.name.wire),
                        payload: rust_type(&e.payload, MODELS),
                    })
                    .collect(),
            };
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
                part: false,
                types: api.types.iter().map(type_view).collect(),
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
                    part: true,
                    types: types.iter().map(type_view).collect(),
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
        let operations = OperationsTemplate {
            resources: api.resources.iter().map(resource_view).collect(),
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

/// Parses every job with `syn` and prints it with `prettyplease`, on all cores (the biggest file first);
/// the result does not depend on the order the threads finish in.
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
        Ok(file) => Ok(format!("{}\n{}", job.header, prettyplease::unparse(&file))),
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

/// The `@generated` header: generator version, every spec with its hash, and the command to regenerate.
fn header(comment: &str, sources: &[&Source], regen: &str) -> String {
    let mut lines = vec![format!(
        "{comment} @generated by klarna-codegen {}; do not edit.",
        env!("CARGO_PKG_VERSION")
    )];
    for s in sources {
        lines.push(format!(
            "{comment} Source: {} (sha256 {}).",
            s.file, s.sha256
        ));
    }
    lines.push(format!("{comment} Regenerate with `{regen}`."));
    lines.join("\n")
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}

fn doc_attrs(text: &str, inner: bool) -> String {
    let bang = if inner { "!" } else { "" };
    text.lines()
        .map(|l| format!("#{bang}[doc = {}]", lit(format!(" {l}").trim_end())))
        .collect::<Vec<_>>()
        .join("\n")
}

fn outer_doc(text: &str) -> String {
    doc_attrs(text, false)
}

fn inner_doc(text: &str) -> String {
    doc_attrs(text, true)
}

fn doc_or(doc: &Option<String>, fallback: String) -> String {
    match doc {
        Some(d) if !d.trim().is_empty() => d.clone(),
        _ => fallback,
    }
}

/// The facade's crate docs up to its features table. With the Klarna guide, the guide's quickstart follows
/// (templates/lib.rs); without it, a neutral "Getting started" that fits a crate from any document.
fn crate_doc(krate: &Crate, klarna_guide: bool) -> String {
    let ident = krate.name.replace('-', "_");
    if klarna_guide {
        return "Typed, async Rust client for the Klarna Network APIs: every operation of every API, typed \
                request and response models, and a client that authenticates, retries safely (one idempotency \
                key per call, reused on every retry), honours `Retry-After`, times out and reports Klarna's \
                errors with their status, body and headers.\n\n\
                Generated from Klarna's OpenAPI documents. Each API is a crate of its own, re-exported here as \
                a module behind a cargo feature of the same name (see [Features](#features)); a [`Client`] \
                reaches every enabled API through one accessor per resource."
            .to_owned();
    }
    let titles: Vec<&str> = krate.apis.iter().map(|a| a.title.as_str()).collect();
    let base_url = krate
        .apis
        .iter()
        .find_map(|a| a.servers.first())
        .map_or("https://api.example.com", |s| s.url.as_str());
    format!(
        "Typed, async Rust client for {}, generated by klarna-codegen from OpenAPI.\n\n\
         Each API is a crate of its own, re-exported here as a module behind a cargo feature of the same name \
         (see [Features](#features)); a [`Client`] reaches every enabled API through one accessor per \
         resource.\n\n\
         # Getting started\n\n\
         Build a [`Client`] with the server's base URL and your credentials, then call an operation through \
         its resource accessor and `.send().await` it. Every failure is an [`Error`]; [`Error::kind`] says \
         which kind ([`ErrorKind`]).\n\n\
         ```no_run\n\
         # fn main() -> Result<(), {ident}::Error> {{\n\
         let client = {ident}::Client::builder()\n    \
             .base_url({base_url:?})\n    \
             .api_key(std::env::var(\"API_KEY\").unwrap_or_default())\n    \
             .build()?;\n\
         # let _ = client;\n\
         # Ok(())\n\
         # }}\n\
         ```",
        match titles.as_slice() {
            [one] => format!("the {one}"),
            many => format!("{} APIs ({})", many.len(), many.join(", ")),
        }
    )
}

/// The facade's features table: one feature per API, with its crate and operation count.
fn features_doc(krate: &Crate) -> String {
    let mut s = String::from(
        "# Features\n\n\
         Every API is on by default. Turn off the APIs you do not call (`default-features = false` and the \
         features you keep) and cargo neither fetches nor compiles their crates; the ones you keep compile in \
         parallel.\n\n\
         | feature | API | crate | operations |\n|---|---|---|---|",
    );
    for a in &krate.apis {
        s.push_str(&format!(
            "\n| `{}` | {} ({}) | `{}` | {} |",
            unraw(&a.module.rust),
            a.title.replace('|', "\\|"),
            a.version.replace('|', "\\|"),
            api_crate_name(&krate.name, &a.module.rust),
            a.resources
                .iter()
                .map(|r| r.operations.len())
                .sum::<usize>()
        ));
    }
    s.push_str(
        "\n| `type-registry` | generated types looked up by name (`registry`), for tools that check JSON \
         against them | | |",
    );
    s
}

/// The crate an API is generated into: the facade's name and the API's module (`klarna`, `payment` →
/// `klarna-payment`). Tools that name the generated packages (xtask's bench and semver) call this too.
pub fn api_crate_name(crate_name: &str, module: &str) -> String {
    format!("{crate_name}-{}", unraw(module).replace('_', "-"))
}

/// Where an API's crate lives, relative to the facade crate.
fn api_dir(api: &Api) -> String {
    format!("apis/{}", unraw(&api.module.rust))
}

/// The `klarna-runtime = {...}` dependency line of a crate `up` (e.g. `"../../"`) below the facade.
fn runtime_dep(runtime: &RuntimeDependency, up: &str) -> String {
    let relative = |path: &str| {
        if std::path::Path::new(path).is_absolute() {
            path.to_owned()
        } else {
            format!("{up}{path}")
        }
    };
    match runtime {
        RuntimeDependency::PathAndVersion { path, version } => format!(
            "klarna-runtime = {{ path = {}, version = {} }}",
            toml_str(&relative(path)),
            toml_str(version)
        ),
        RuntimeDependency::Path(path) => {
            format!(
                "klarna-runtime = {{ path = {} }}",
                toml_str(&relative(path))
            )
        }
    }
}

fn api_doc(api: &Api) -> String {
    let mut s = format!("{} ({}).", api.title, api.version);
    if let Some(d) = &api.doc {
        s.push_str("\n\n");
        s.push_str(d);
    }
    s.push_str(&format!(
        "\n\nGenerated from `{}` (OpenAPI {}).",
        api.source.file, api.source.openapi_version
    ));
    s
}

fn server_const(s: &Server, i: usize) -> String {
    let d = s.description.as_deref().unwrap_or("").to_ascii_lowercase();
    let base = if d.contains("live") || d.contains("production") {
        "LIVE_BASE_URL".to_owned()
    } else if d.contains("test") || d.contains("playground") || d.contains("sandbox") {
        "TEST_BASE_URL".to_owned()
    } else {
        format!("SERVER_{}_URL", i + 1)
    };
    if i > 0 && (base == "LIVE_BASE_URL" || base == "TEST_BASE_URL") {
        // Keep names unique when two servers have similar descriptions.
        return base;
    }
    base
}

// -------------------------------------------------------------------------------------------------------------
// Type spelling
// -------------------------------------------------------------------------------------------------------------

/// Spells a type. `models` is the path prefix of named types (`""` inside models.rs, `"super::models::"` in
/// operations.rs).
fn rust_type(t: &TypeRef, models: &str) -> String {
    match t {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String(format) => match StringRepr::of(format.as_deref()) {
            StringRepr::Text => "::std::string::String",
            StringRepr::DateTime => "::klarna_runtime::DateTime",
            StringRepr::Date => "::klarna_runtime::Date",
            StringRepr::Uuid => "::klarna_runtime::Uuid",
            StringRepr::Base64 => "::klarna_runtime::Base64Bytes",
            StringRepr::Decimal => "::klarna_runtime::Decimal",
        }
        .into(),
        // Binary data inside JSON can only be a string.
        TypeRef::Bytes => "::std::string::String".into(),
        TypeRef::Json => "::serde_json::Value".into(),
        TypeRef::Named(n) => format!("{models}{n}"),
        TypeRef::List(inner) => format!("::std::vec::Vec<{}>", rust_type(inner, models)),
        TypeRef::Map(inner) => {
            format!(
                "::std::collections::BTreeMap<::std::string::String, {}>",
                rust_type(inner, models)
            )
        }
    }
}

fn boxed(ty: String, boxed: bool) -> String {
    if boxed {
        format!("::std::boxed::Box<{ty}>")
    } else {
        ty
    }
}

fn format_note(t: &TypeRef) -> Option<String> {
    match t {
        TypeRef::String(Some(f)) => Some(format!("Format: `{f}`.")),
        TypeRef::I64 | TypeRef::I32 => None,
        _ => None,
    }
}

// -------------------------------------------------------------------------------------------------------------
// Models
// -------------------------------------------------------------------------------------------------------------

enum TypeView {
    Struct(StructView),
    StringEnum(EnumView),
    IntEnum(IntEnumView),
    Union(UnionView),
    Alias(AliasView),
}

struct StructView {
    name: String,
    doc: String,
    attrs: String,
    /// The struct names a deprecated type: it and its impls carry `#[allow(deprecated)]`.
    allow_deprecated: bool,
    derive_default: bool,
    fields: Vec<FieldView>,
    ctor: Option<CtorView>,
    /// A field is sensitive: `Debug` is written out, printing those fields as `<redacted>`.
    redacted_debug: Option<DebugView>,
}

/// A hand-written `Debug` impl that redacts sensitive fields (as smithy-rs does for `@sensitive`).
struct DebugView {
    /// The type name.
    type_name: String,
    /// The type name as a string literal.
    name_lit: String,
    /// Attributes of the impl (`#[allow(deprecated)]` when it reads deprecated fields).
    attrs: String,
    fields: Vec<DebugFieldView>,
}

struct DebugFieldView {
    /// The field's Rust name.
    name: String,
    /// The name `Debug` shows, as a string literal (no `r#`, as `#[derive(Debug)]` shows it).
    name_lit: String,
    sensitive: bool,
}

impl DebugView {
    /// The view when one of `fields` (Rust name, sensitive, deprecated) is sensitive; `allow_deprecated`
    /// when a field's type is deprecated.
    fn for_fields<'a>(
        name: &str,
        fields: impl Iterator<Item = (&'a str, bool, bool)> + Clone,
        allow_deprecated: bool,
    ) -> Option<DebugView> {
        if !fields.clone().any(|(_, sensitive, _)| sensitive) {
            return None;
        }
        Some(DebugView {
            type_name: name.to_owned(),
            name_lit: lit(unraw(name)),
            attrs: if allow_deprecated || fields.clone().any(|(_, _, deprecated)| deprecated) {
                "#[allow(deprecated)] // shows deprecated fields too".into()
            } else {
                String::new()
            },
            fields: fields
                .map(|(name, sensitive, _)| DebugFieldView {
                    name: name.to_owned(),
                    name_lit: lit(unraw(name)),
                    sensitive,
                })
                .collect(),
        })
    }
}

struct FieldView {
    name: String,
    doc: String,
    attrs: String,
    ty: String,
}

struct CtorView {
    /// `#[allow(deprecated)]` with its reason when a deprecated field is initialized.
    attrs: String,
    params: Vec<NameTy>,
    /// Field initializers (`name` or `name: expr`).
    inits: Vec<String>,
}

struct NameTy {
    name: String,
    ty: String,
}

struct EnumView {
    name: String,
    doc: String,
    attrs: String,
    /// The impls name a deprecated type (this one, or a variant's): they carry `#[allow(deprecated)]`.
    allow_deprecated: bool,
    variants: Vec<VariantView>,
}

struct VariantView {
    name: String,
    doc: String,
    wire_lit: String,
}

struct IntEnumView {
    name: String,
    doc: String,
    attrs: String,
    /// The impls name a deprecated type (this one, or a variant's): they carry `#[allow(deprecated)]`.
    allow_deprecated: bool,
    variants: Vec<IntVariantView>,
}

struct IntVariantView {
    name: String,
    value: i64,
}

struct UnionView {
    name: String,
    doc: String,
    attrs: String,
    /// The impls name a deprecated type (this one, or a variant's): they carry `#[allow(deprecated)]`.
    allow_deprecated: bool,
    tag_lit: Option<String>,
    variants: Vec<UnionVariantView>,
}

struct UnionVariantView {
    name: String,
    doc: String,
    ty: String,
    tags: String,
    wrap: String,
}

struct AliasView {
    name: String,
    doc: String,
    /// The target is deprecated: the alias carries `#[allow(deprecated)]`.
    allow_deprecated: bool,
    ty: String,
}

fn deprecated_attr(deprecated: bool) -> String {
    if deprecated {
        "#[deprecated = \"marked deprecated in the API document\"]".into()
    } else {
        String::new()
    }
}

fn type_doc(t: &TypeDef) -> String {
    outer_doc(&doc_or(&t.doc, format!("The `{}` schema.", t.name.wire)))
}

fn type_view(t: &TypeDef) -> TypeView {
    let name = t.name.rust.clone();
    let doc = type_doc(t);
    let attrs = deprecated_attr(t.deprecated);
    match &t.kind {
        TypeKind::Struct {
            fields,
            additional,
            construct,
        } => {
            let mut views: Vec<FieldView> = fields.iter().map(field_view).collect();
            if let Some(extra) = additional {
                views.push(FieldView {
                    name: extra.rust.clone(),
                    doc: outer_doc("Properties not described by the schema, kept as received."),
                    attrs: "#[serde(flatten)]".into(),
                    ty: format!(
                        "::std::collections::BTreeMap<::std::string::String, {}>",
                        rust_type(&extra.ty, "")
                    ),
                });
            }
            let ctor = (*construct == Construct::New).then(|| CtorView {
                attrs: if t.allow_deprecated || fields.iter().any(|f| f.deprecated) {
                    "#[allow(deprecated)] // initializes deprecated fields to their empty value"
                        .into()
                } else {
                    String::new()
                },
                params: fields
                    .iter()
                    .filter(|f| {
                        matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                    })
                    .map(|f| NameTy {
                        name: f.name.rust.clone(),
                        ty: field_type(f),
                    })
                    .collect(),
                inits: fields
                    .iter()
                    .map(|f| match f.presence {
                        Presence::Required | Presence::RequiredNullable => f.name.rust.clone(),
                        Presence::Optional => {
                            format!("{}: ::std::option::Option::None", f.name.rust)
                        }
                        Presence::OptionalNullable => {
                            format!("{}: ::klarna_runtime::Nullable::Absent", f.name.rust)
                        }
                    })
                    .chain(
                        additional
                            .iter()
                            .map(|a| format!("{}: ::std::collections::BTreeMap::new()", a.rust)),
                    )
                    .collect(),
            });
            let redacted_debug = DebugView::for_fields(
                &name,
                fields
                    .iter()
                    .map(|f| (f.name.rust.as_str(), f.sensitive, f.deprecated))
                    .chain(additional.iter().map(|a| (a.rust.as_str(), false, false))),
                t.allow_deprecated,
            );
            TypeView::Struct(StructView {
                name,
                doc,
                attrs,
                allow_deprecated: t.allow_deprecated,
                derive_default: *construct == Construct::Default,
                fields: views,
                ctor,
                redacted_debug,
            })
        }
        TypeKind::StringEnum { variants } => TypeView::StringEnum(EnumView {
            name,
            doc,
            attrs,
            allow_deprecated: t.allow_deprecated,
            variants: variants
                .iter()
                .map(|v| VariantView {
                    name: v.name.rust.clone(),
                    doc: outer_doc(&format!("`{}`", v.name.wire.replace('`', "'"))),
                    wire_lit: lit(&v.name.wire),
                })
                .collect(),
        }),
        TypeKind::IntEnum { variants } => TypeView::IntEnum(IntEnumView {
            name,
            doc,
            attrs,
            allow_deprecated: t.allow_deprecated,
            variants: variants
                .iter()
                .map(|v| IntVariantView {
                    name: v.rust.clone(),
                    value: v.value,
                })
                .collect(),
        }),
        TypeKind::Union {
            discriminator,
            variants,
        } => TypeView::Union(UnionView {
            name,
            doc,
            attrs,
            allow_deprecated: t.allow_deprecated,
            tag_lit: discriminator.as_deref().map(lit),
            variants: variants
                .iter()
                .map(|v| UnionVariantView {
                    name: v.name.rust.clone(),
                    doc: outer_doc(&if v.tags.is_empty() {
                        format!("The `{}` alternative.", v.name.wire)
                    } else {
                        format!(
                            "Selected by {}.",
                            v.tags
                                .iter()
                                .map(|t| format!("`{t}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }),
                    ty: boxed(rust_type(&v.ty, ""), v.boxed),
                    tags: v
                        .tags
                        .iter()
                        .map(|t| lit(t))
                        .collect::<Vec<_>>()
                        .join(" | "),
                    wrap: if v.boxed {
                        format!(
                            "|value| Self::{}(::std::boxed::Box::new(value))",
                            v.name.rust
                        )
                    } else {
                        format!("Self::{}", v.name.rust)
                    },
                })
                .collect(),
        }),
        TypeKind::Alias { target } => TypeView::Alias(AliasView {
            name,
            doc,
            allow_deprecated: t.allow_deprecated,
            ty: rust_type(target, ""),
        }),
    }
}

fn field_type(f: &Field) -> String {
    let inner = boxed(rust_type(&f.ty, ""), f.boxed);
    match f.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => {
            format!("::std::option::Option<{inner}>")
        }
        Presence::OptionalNullable => format!("::klarna_runtime::Nullable<{inner}>"),
    }
}

fn field_view(f: &Field) -> FieldView {
    let mut serde = Vec::new();
    if unraw(&f.name.rust) != f.name.wire {
        serde.push(format!("rename = {}", lit(&f.name.wire)));
    }
    match f.presence {
        Presence::Required => {}
        Presence::RequiredNullable => serde.push("default".into()),
        Presence::Optional => {
            serde.push("default".into());
            serde.push("skip_serializing_if = \"::std::option::Option::is_none\"".into());
        }
        Presence::OptionalNullable => {
            serde.push("default".into());
            serde.push("skip_serializing_if = \"::klarna_runtime::Nullable::is_absent\"".into());
        }
    }
    let mut attrs = Vec::new();
    if !serde.is_empty() {
        attrs.push(format!("#[serde({})]", serde.join(", ")));
    }
    if f.deprecated {
        attrs.push(deprecated_attr(true));
    }
    let mut doc = doc_or(&f.doc, format!("The `{}` property.", f.name.wire));
    let mut notes = Vec::new();
    if let Some(n) = format_note(&f.ty) {
        notes.push(n);
    }
    match f.presence {
        Presence::RequiredNullable => notes.push("Always present; may be null.".into()),
        Presence::OptionalNullable => {
            notes.push("May be absent, null, or a value; the three are sent differently.".into())
        }
        _ => {}
    }
    if let Some(default) = &f.default {
        notes.push(format!(
            "Default when absent: `{}`.",
            default.replace('`', "'")
        ));
    }
    if f.read_only {
        notes.push("Read-only: set by the server in responses; requests leave it out.".into());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests; responses leave it out.".into());
    }
    if f.sensitive {
        notes.push("Sensitive: `Debug` shows it as `<redacted>`.".into());
    }
    if f.inferred {
        notes.push(
            "Not confirmed by any source the document cites (inferred): a response may leave it \
             out."
                .into(),
        );
    }
    if !notes.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&notes.join(" "));
    }
    FieldView {
        name: f.name.rust.clone(),
        doc: outer_doc(&doc),
        attrs: attrs.join("\n"),
        ty: field_type(f),
    }
}

// -------------------------------------------------------------------------------------------------------------
// Operations
// -------------------------------------------------------------------------------------------------------------

struct ResourceView {
    name: String,
    doc: String,
    ops: Vec<OpView>,
}

struct OpView {
    method: String,
    method_plain: String,
    builder: String,
    doc: String,
    attrs: String,
    /// A type the operation names is deprecated: its method, enums and builder carry
    /// `#[allow(deprecated)]`.
    allow_deprecated: bool,
    args: Vec<NameTy>,
    fields: Vec<BuilderField>,
    /// A parameter is sensitive: the builder's `Debug` is written out, redacting it.
    redacted_debug: Option<DebugView>,
    setters: Vec<SetterView>,
    idempotent: bool,
    id_lit: String,
    http_method: String,
    path_expr: String,
    /// Indices into `path.split('/')` of the segments holding sensitive path parameters (`3, 5`).
    sensitive_segments: Option<String>,
    query: Vec<ParamSend>,
    headers: Vec<ParamSend>,
    body_stmt: String,
    finish: String,
    response_ty: String,
    returns_doc: String,
    paging: Option<PagingView>,
    streaming: bool,
    /// `Accept` for a non-JSON response.
    accept_lit: Option<String>,
    /// Enums with one variant per status: the success responses', the error bodies'.
    status_enums: Vec<ResponsesEnumView>,
    errors_impl: Option<ErrorsImplView>,
}

/// `from_error` of the per-operation error enum: its match arms.
struct ErrorsImplView {
    name: String,
    arms: Vec<String>,
}

struct PagingView {
    item_ty: String,
    page_ty: String,
    cursor_field: String,
    items_expr: String,
    next_expr: String,
    /// The number of items of `page` (a reference), so that a stream of whole pages can bound runs of
    /// empty ones.
    count_expr: String,
}

/// `value` (a place expression of a field with `presence`) as an `Option<&T>`-free owned optional cursor.
fn optional_text(value: &str, presence: Presence) -> String {
    match presence {
        Presence::Required => format!("::std::option::Option::Some({value}.clone())"),
        Presence::RequiredNullable | Presence::Optional => format!("{value}.clone()"),
        Presence::OptionalNullable => format!("{value}.as_option().cloned()"),
    }
}

fn paging_view(p: &Pagination) -> PagingView {
    let (pag, last) = (
        p.next_cursor.first().cloned().unwrap_or_default(),
        p.next_cursor.get(1).cloned().unwrap_or_default(),
    );
    let next_expr = match p.pagination_presence {
        Presence::Required => optional_text(&format!("page.{pag}.{last}"), p.cursor_presence),
        Presence::RequiredNullable | Presence::Optional => {
            format!(
                "page.{pag}.as_ref().and_then(|p| {})",
                optional_text(&format!("p.{last}"), p.cursor_presence)
            )
        }
        Presence::OptionalNullable => {
            format!(
                "page.{pag}.as_option().and_then(|p| {})",
                optional_text(&format!("p.{last}"), p.cursor_presence)
            )
        }
    };
    let items = &p.items.rust;
    let items_expr = match p.items_presence {
        Presence::Required => format!("page.{items}"),
        Presence::RequiredNullable | Presence::Optional => {
            format!("page.{items}.unwrap_or_default()")
        }
        Presence::OptionalNullable => format!("page.{items}.into_option().unwrap_or_default()"),
    };
    let count_expr = match p.items_presence {
        Presence::Required => format!("page.{items}.len()"),
        Presence::RequiredNullable | Presence::Optional => {
            format!("page.{items}.as_ref().map_or(0, ::std::vec::Vec::len)")
        }
        Presence::OptionalNullable => {
            format!("page.{items}.as_option().map_or(0, ::std::vec::Vec::len)")
        }
    };
    let (items_expr, next_expr, count_expr) = if p.page_list {
        (
            format!("page.into_iter().flat_map(|page| {items_expr}).collect()"),
            format!("page.last().and_then(|page| {next_expr})"),
            format!("page.iter().map(|page| {count_expr}).sum()"),
        )
    } else {
        (items_expr, next_expr, count_expr)
    };
    PagingView {
        item_ty: rust_type(&p.item_ty, MODELS),
        page_ty: rust_type(&p.page_ty, MODELS),
        cursor_field: p.cursor_param.rust.clone(),
        items_expr,
        next_expr,
        count_expr,
    }
}

struct BuilderField {
    name: String,
    ty: String,
    /// The initializer (`name` or `name: expr`).
    init: String,
    /// Holds a sensitive parameter.
    sensitive: bool,
}

impl BuilderField {
    fn new(name: &str, ty: String, expr: &str) -> Self {
        let init = if expr == name {
            name.to_owned()
        } else {
            format!("{name}: {expr}")
        };
        Self {
            name: name.to_owned(),
            ty,
            init,
            sensitive: false,
        }
    }

    fn sensitive(mut self, sensitive: bool) -> Self {
        self.sensitive = sensitive;
        self
    }
}

struct SetterView {
    name: String,
    doc: String,
    field: String,
    arg_ty: String,
    assign: String,
}

struct ParamSend {
    field: String,
    wire_lit: String,
    required: bool,
    /// Sent with `sensitive_header` (headers only).
    sensitive: bool,
    list: bool,
    /// `deepObject`: flattened under the name.
    deep: bool,
    /// `form` + `explode` object: members become parameters.
    spread: bool,
}

const MODELS: &str = "super::models::";

fn accessor_view(r: &Resource) -> AccessorView {
    AccessorView {
        name: r.name.rust.clone(),
        accessor: r.accessor.clone(),
        doc: outer_doc(&format!(
            "{}\n\nReached as `client.{}()`.",
            doc_or(
                &r.doc,
                format!("Operations of the `{}` resource.", r.name.wire)
            ),
            unraw(&r.accessor)
        )),
    }
}

fn resource_view(r: &Resource) -> ResourceView {
    ResourceView {
        name: r.name.rust.clone(),
        doc: outer_doc(&doc_or(
            &r.doc,
            format!("Operations of the `{}` resource.", r.name.wire),
        )),
        ops: r.operations.iter().map(|o| op_view(r, o)).collect(),
    }
}

fn into_arg(ty: &str) -> String {
    format!("impl ::std::convert::Into<{ty}>")
}

fn op_doc(op: &Operation) -> String {
    let mut s = op
        .summary
        .clone()
        .unwrap_or_else(|| format!("`{} {}`", op.method, op.path));
    if let Some(d) = &op.doc
        && Some(d) != op.summary.as_ref()
    {
        s.push_str("\n\n");
        s.push_str(d);
    }
    s.push_str(&format!(
        "\n\n`{} {}` (operation `{}`).",
        op.method, op.path, op.id.wire
    ));
    if op.inferred {
        s.push_str("\n\n**Inferred:** Klarna's documentation lists this operation, but Klarna's public request collection does not confirm its method, path or body.");
    }
    if let Some(p) = &op.pagination {
        s.push_str(&format!(
            "\n\nPaginated: `send()` returns one page; the builder's `into_stream()` yields every item of `{}` across pages and `into_pages()` every page.",
            p.items.wire
        ));
    }
    if let Some(name) = &op.errors_enum {
        s.push_str(&format!(
            "\n\nErrors: the documented error bodies are typed by [`{name}`]; read one from the returned error with [`{name}::from_error`]."
        ));
    } else if let Some(first) = op.errors.first()
        && let ResponseBody::Json(t) = &first.body
    {
        let statuses: Vec<String> = op
            .errors
            .iter()
            .map(|e| format!("`{}`", e.status))
            .collect();
        s.push_str(&format!(
            "\n\nErrors: {} have a body of type `{}`; read it from the returned error with [`Error::body_as`](::klarna_runtime::Error::body_as).",
            statuses.join(", "),
            short_type(t)
        ));
    }
    s
}

/// A type as a reader would write it, for documentation (`Vec<Error>`, not the full path).
fn short_type(t: &TypeRef) -> String {
    rust_type(t, "")
        .replace("::std::string::", "")
        .replace("::std::vec::", "")
        .replace("::std::collections::", "")
        .replace("::klarna_runtime::", "")
        .replace("::serde_json::", "")
}

fn errors_enum_view(op: &Operation, name: &str) -> (ResponsesEnumView, ErrorsImplView) {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for e in &op.errors {
        let ResponseBody::Json(t) = &e.body else {
            continue;
        };
        variants.push(AltView {
            doc: outer_doc(&if e.status == StatusMatch::Default {
                "Any other error status (`default`).".to_owned()
            } else {
                format!("Status `{}`.", e.status)
            }),
            name: e.variant.clone(),
            ty: Some(rust_type(t, MODELS)),
        });
        let pattern = match e.status {
            StatusMatch::Default => "_".to_owned(),
            StatusMatch::Range(r) => format!("{r}00..={r}99"),
            StatusMatch::Code(c) => c.to_string(),
        };
        arms.push(format!(
            "{pattern} => ::serde_json::from_slice(body).ok().map(Self::{}),",
            e.variant
        ));
    }
    if !op.errors.iter().any(|e| e.status == StatusMatch::Default) {
        arms.push("_ => ::std::option::Option::None,".to_owned());
    }
    (
        ResponsesEnumView {
            name: name.to_owned(),
            doc: outer_doc(&format!(
                "The documented error bodies of `{}`, one variant per error status; read one from a failed call with [`{name}::from_error`].",
                op.id.wire
            )),
            variants,
        },
        ErrorsImplView {
            name: name.to_owned(),
            arms,
        },
    )
}

/// Return type, `send()`'s last expression and its doc, for an operation with one success body.
fn single_finish(op: &Operation, body: &ResponseBody) -> (String, String, String) {
    match body {
        ResponseBody::Json(t) => {
            let ty = rust_type(t, MODELS);
            (
                ty.clone(),
                format!("response.json::<{ty}>()"),
                format!("parsed `{}` response body", op.response.status),
            )
        }
        ResponseBody::Empty => (
            "()".into(),
            "Ok(response.empty())".into(),
            format!("`{}` response (no body)", op.response.status),
        ),
        ResponseBody::Bytes(media) => (
            "::bytes::Bytes".into(),
            "Ok(response.bytes())".into(),
            format!(
                "`{}` response body as bytes (`{media}`)",
                op.response.status
            ),
        ),
    }
}

/// The expression that turns `response` into the enum variant of one success status.
fn alt_finish(name: &str, alt: &AltResponse) -> String {
    let variant = format!("{name}::{}", alt.variant);
    match &alt.body {
        ResponseBody::Json(t) => format!(
            "response.json::<{}>().map(|r| r.map({variant}))",
            rust_type(t, MODELS)
        ),
        ResponseBody::Empty => format!("Ok(response.empty().map(|()| {variant}))"),
        ResponseBody::Bytes(_) => format!("Ok(response.bytes().map({variant}))"),
    }
}

struct ResponsesEnumView {
    name: String,
    doc: String,
    variants: Vec<AltView>,
}

struct AltView {
    doc: String,
    name: String,
    ty: Option<String>,
}

fn op_view(r: &Resource, op: &Operation) -> OpView {
    let mut args = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let required_params = op
        .path_params
        .iter()
        .chain(op.query_params.iter())
        .chain(op.header_params.iter());
    for p in required_params {
        let ty = rust_type(&p.ty, MODELS);
        if p.required {
            args.push(NameTy {
                name: p.name.rust.clone(),
                ty: into_arg(&ty),
            });
            fields.push(
                BuilderField::new(&p.name.rust, ty.clone(), &format!("{}.into()", p.name.rust))
                    .sensitive(p.sensitive),
            );
        } else {
            fields.push(
                BuilderField::new(
                    &p.name.rust,
                    format!("::std::option::Option<{ty}>"),
                    "::std::option::Option::None",
                )
                .sensitive(p.sensitive),
            );
            setters.push(SetterView {
                name: p.name.rust.clone(),
                doc: outer_doc(&doc_or(
                    &p.doc,
                    format!("Sets the `{}` parameter.", p.name.wire),
                )),
                field: p.name.rust.clone(),
                arg_ty: into_arg(&ty),
                assign: "::std::option::Option::Some(value.into())".into(),
            });
        }
    }
    let (body_stmt, body_ty) = match &op.body {
        None => (String::new(), None),
        Some(b) => {
            let ty = match b.encoding {
                BodyEncoding::Json | BodyEncoding::Form => rust_type(&b.ty, MODELS),
                BodyEncoding::Multipart => "::klarna_runtime::Multipart".into(),
                BodyEncoding::Bytes => "::bytes::Bytes".into(),
            };
            let send = |value: &str| match b.encoding {
                BodyEncoding::Json => format!("request.json({value})"),
                BodyEncoding::Form => format!("request.form({value})"),
                BodyEncoding::Multipart => format!("request.multipart({value})"),
                BodyEncoding::Bytes => format!("request.bytes({}, {value})", lit(&b.media_type)),
            };
            let by_value = matches!(b.encoding, BodyEncoding::Multipart | BodyEncoding::Bytes);
            let stmt = if b.required {
                args.push(NameTy {
                    name: "body".into(),
                    ty: if by_value { into_arg(&ty) } else { ty.clone() },
                });
                fields.push(BuilderField::new(
                    "body",
                    ty.clone(),
                    if by_value { "body.into()" } else { "body" },
                ));
                format!(
                    "let request = {};",
                    send(if by_value { "self.body" } else { "&self.body" })
                )
            } else {
                fields.push(BuilderField::new(
                    "body",
                    format!("::std::option::Option<{ty}>"),
                    "::std::option::Option::None",
                ));
                setters.push(SetterView {
                    name: "body".into(),
                    doc: outer_doc("Sets the request body."),
                    field: "body".into(),
                    arg_ty: into_arg(&ty),
                    assign: "::std::option::Option::Some(value.into())".into(),
                });
                if by_value {
                    format!(
                        "let request = match self.body {{ Some(body) => {}, None => request }};",
                        send("body")
                    )
                } else {
                    format!(
                        "let request = match &self.body {{ Some(body) => {}, None => request }};",
                        send("body")
                    )
                }
            };
            (stmt, Some(ty))
        }
    };
    let _ = body_ty;
    let (response_ty, finish, returns_doc) = match (&op.responses_enum, &op.response.body) {
        (Some(name), _) => {
            // Exact statuses first; a range (`2XX`) or else the first documented status takes the rest.
            let arms: Vec<String> = op
                .response
                .alternatives
                .iter()
                .filter(|alt| !matches!(alt.status, StatusMatch::Range(_)))
                .map(|alt| format!("{} => {},", alt.status, alt_finish(name, alt)))
                .collect();
            let fallback = op
                .response
                .alternatives
                .iter()
                .find(|alt| matches!(alt.status, StatusMatch::Range(_)))
                .or(op.response.alternatives.first())
                .map(|alt| alt_finish(name, alt))
                .unwrap_or_default();
            (
                name.clone(),
                format!(
                    "match response.status().as_u16() {{ {} _ => {fallback}, }}",
                    arms.join(" ")
                ),
                format!("success response as [`{name}`], one variant per documented status"),
            )
        }
        (None, body) => single_finish(op, body),
    };
    let responses_enum = op.responses_enum.as_ref().map(|name| ResponsesEnumView {
        name: name.clone(),
        doc: outer_doc(&format!(
            "The success responses of `{}`, one variant per documented status.",
            op.id.wire
        )),
        variants: op
            .response
            .alternatives
            .iter()
            .map(|alt| AltView {
                doc: outer_doc(&format!("Status `{}`.", alt.status)),
                name: alt.variant.clone(),
                ty: match &alt.body {
                    ResponseBody::Json(t) => Some(rust_type(t, MODELS)),
                    ResponseBody::Bytes(_) => Some("::bytes::Bytes".to_owned()),
                    ResponseBody::Empty => None,
                },
            })
            .collect(),
    });
    let mut status_enums: Vec<ResponsesEnumView> = responses_enum.into_iter().collect();
    let errors_impl = op.errors_enum.as_ref().map(|name| {
        let (decl, imp) = errors_enum_view(op, name);
        status_enums.push(decl);
        imp
    });
    // Path: literal pieces and encoded parameters, joined by the runtime in one allocation.
    let template = &op.path_template;
    let pieces = &template.pieces;
    let mut segments = Vec::new();
    let mut sensitive_segments: Vec<usize> = Vec::new();
    for slot in &template.params {
        let Some(p) = op.path_params.get(slot.param) else {
            continue;
        };
        // Encoded parameters never hold a '/': the segment is the template's.
        if p.sensitive && !sensitive_segments.contains(&slot.segment) {
            sensitive_segments.push(slot.segment);
        }
        let plain_text =
            matches!(&p.ty, TypeRef::String(f) if StringRepr::of(f.as_deref()) == StringRepr::Text);
        segments.push(if plain_text {
            format!("&self.{}", p.name.rust)
        } else {
            format!("&self.{}.to_string()", p.name.rust)
        });
    }
    let path_expr = if segments.is_empty() {
        format!("::std::string::String::from({})", lit(&pieces.concat()))
    } else {
        format!(
            "::klarna_runtime::expand_path(&[{}], &[{}])",
            pieces.iter().map(|p| lit(p)).collect::<Vec<_>>().join(", "),
            segments.join(", ")
        )
    };
    let send = |p: &Param| ParamSend {
        field: p.name.rust.clone(),
        wire_lit: lit(&p.name.wire),
        required: p.required,
        sensitive: p.sensitive,
        list: matches!(p.ty, TypeRef::List(_)) && p.encoding == ParamEncoding::Text,
        deep: p.encoding == ParamEncoding::DeepObject,
        spread: p.encoding == ParamEncoding::FormObject,
    };
    let mut attrs = Vec::new();
    if op.deprecated {
        attrs.push(deprecated_attr(true));
    }
    if op.allow_deprecated {
        attrs.push("#[allow(deprecated)]".to_owned());
    }
    if args.len() > 7 {
        attrs.push("#[allow(clippy::too_many_arguments)] // one argument per required parameter of the operation".to_owned());
    }
    let _ = r;
    let redacted_debug = DebugView::for_fields(
        &op.builder,
        std::iter::once(("client", false, false))
            .chain(fields.iter().map(|f| (f.name.as_str(), f.sensitive, false)))
            .chain(std::iter::once(("options", false, false))),
        op.allow_deprecated,
    );
    OpView {
        redacted_debug,
        sensitive_segments: (!sensitive_segments.is_empty()).then(|| {
            sensitive_segments
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }),
        method: op.id.rust.clone(),
        method_plain: unraw(&op.id.rust).to_owned(),
        builder: op.builder.clone(),
        doc: outer_doc(&op_doc(op)),
        attrs: attrs.join("\n"),
        allow_deprecated: op.allow_deprecated,
        args,
        fields,
        setters,
        idempotent: op.idempotent,
        id_lit: lit(&op.id.wire),
        http_method: op.method.as_str().to_owned(),
        path_expr,
        query: op.query_params.iter().map(send).collect(),
        headers: op.header_params.iter().map(send).collect(),
        body_stmt,
        finish,
        response_ty,
        returns_doc,
        paging: op.pagination.as_ref().map(paging_view),
        streaming: matches!(op.response.body, ResponseBody::Bytes(_)),
        status_enums,
        errors_impl,
        accept_lit: match &op.response.body {
            ResponseBody::Bytes(media) => Some(lit(media)),
            _ => None,
        },
    }
}

// -------------------------------------------------------------------------------------------------------------
// Templates
// -------------------------------------------------------------------------------------------------------------

struct FeatureView {
    name: String,
    doc: String,
    /// The API crate the feature turns on.
    krate: String,
    /// Its line in `[dependencies]`.
    dep: String,
}

#[derive(Template)]
#[template(path = "Cargo.toml", escape = "none")]
struct CargoTemplate {
    header: String,
    name: String,
    version: String,
    default_features: String,
    features: Vec<FeatureView>,
    runtime_dep: String,
    standalone: bool,
    klarna_guide: bool,
}

struct RegistryEntry {
    feature_lit: String,
    name_lit: String,
    path: String,
    /// The type is deprecated: its arm carries `#[allow(deprecated)]`.
    deprecated: bool,
}

#[derive(Template)]
#[template(path = "registry.rs", escape = "none")]
struct RegistryTemplate {
    types: Vec<RegistryEntry>,
}

struct ReadmeApiView {
    feature: String,
    krate: String,
    title: String,
    version: String,
    operations: usize,
}

#[derive(Template)]
#[template(path = "README.md", escape = "none")]
struct ReadmeTemplate {
    name: String,
    crate_ident: String,
    apis: Vec<ReadmeApiView>,
}

struct LibApiView {
    module: String,
    krate: String,
    title: String,
    feature_lit: String,
    resources: Vec<AccessorView>,
}

/// A resource accessor on the facade's `Client`.
struct AccessorView {
    name: String,
    accessor: String,
    doc: String,
}

#[derive(Template)]
#[template(path = "api_Cargo.toml", escape = "none")]
struct ApiCargoTemplate {
    header: String,
    name: String,
    version: String,
    description: String,
    runtime_dep: String,
}

#[derive(Template)]
#[template(path = "lib.rs", escape = "none")]
struct LibTemplate {
    crate_doc: String,
    features_doc: String,
    klarna_guide: bool,
    apis: Vec<LibApiView>,
}

struct ServerView {
    doc: String,
    name: String,
    url_lit: String,
}

struct EventView {
    doc: String,
    name: String,
    wire_lit: String,
    payload: String,
}

#[derive(Template)]
#[template(path = "webhooks.rs", escape = "none")]
struct WebhooksTemplate {
    module_path: String,
    /// A payload type is deprecated: `Event` and its impl carry `#[allow(deprecated)]`.
    allow_deprecated: bool,
    events: Vec<EventView>,
}

#[derive(Template)]
#[template(path = "api_mod.rs", escape = "none")]
struct ApiModTemplate {
    doc: String,
    has_webhooks: bool,
    servers: Vec<ServerView>,
}

#[derive(Template)]
#[template(path = "models.rs", escape = "none")]
struct ModelsTemplate {
    doc: String,
    /// A part of a split `models` module: it imports its siblings.
    part: bool,
    types: Vec<TypeView>,
}

#[derive(Template)]
#[template(path = "models_index.rs", escape = "none")]
struct ModelsIndexTemplate {
    parts: Vec<String>,
}

#[derive(Template)]
#[template(path = "operations.rs", escape = "none")]
struct OperationsTemplate {
    resources: Vec<ResourceView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_crates_reach_the_runtime_from_two_levels_down() {
        let relative = RuntimeDependency::PathAndVersion {
            path: "../runtime".into(),
            version: "0.1.0".into(),
        };
        assert_eq!(
            runtime_dep(&relative, ""),
            r#"klarna-runtime = { path = "../runtime", version = "0.1.0" }"#
        );
        assert_eq!(
            runtime_dep(&relative, "../../"),
            r#"klarna-runtime = { path = "../../../runtime", version = "0.1.0" }"#
        );
        // An absolute path (the CLI's) is the same from everywhere.
        let absolute = RuntimeDependency::Path("/opt/klarna/runtime".into());
        assert_eq!(
            runtime_dep(&absolute, "../../"),
            r#"klarna-runtime = { path = "/opt/klarna/runtime" }"#
        );
    }
}
