//! Stage 2, lower: OpenAPI documents → [`crate::ir::Crate`].
//!
//! All decisions are made here, once: Rust names (through [`crate::naming`]), names for inline schemas
//! (from their context: `<Parent><Field>`, `<Operation>Body`, `<Operation>Response`, `<List>Item`), type
//! mapping, optionality, which headers the runtime manages, recursion boxing, the success response,
//! pagination. Problems become located diagnostics; a construct that cannot be expressed yet degrades to
//! `serde_json::Value` with a warning that says what was not generated.
//!
//! Each piece of state has one owner, and `lower_api` shows how data flows for one document:
//! - `Document` (`document.rs`): the read-only input (the loaded document, its OpenAPI, the profile,
//!   the last pass to run); `Copy`, every step holds its own copy;
//! - `Sink` (`sink.rs`): the one place diagnostics are written (`warn`, `degrade`, `error`, and `claim`
//!   for a name that reports its rename);
//! - `TypeTable` (`types.rs`): the type scope, the component schemas' ids, which components are lowered
//!   and the arena of definitions, reached through a small API (claim, reserve, define, look up, finish);
//! - `SchemaLowerer` (`schemas`, `refs`, `enums`, `structs`, `unions`, `merge`, `webhooks`) owns the type table and the
//!   sink: it lowers the component schemas, then every schema the rest names;
//! - `OperationLowerer` (`operations`, `parameters`, `bodies`, `responses`, `pagination`) holds no state:
//!   it borrows the schema lowerer to lower the schemas an operation names, read types and report;
//! - `DocumentLowerer` (`servers`, `security`) holds the document and borrows the sink;
//! - then the table is finished into the [`Api`] and the [`passes`] rewrite it.

mod bodies;
mod docs;
mod document;
mod enums;
mod merge;
mod names;
mod operations;
mod pagination;
mod parameters;
pub mod passes;
mod refs;
mod responses;
mod schemas;
mod security;
mod servers;
mod sink;
mod structs;
mod types;
mod unions;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent,
    ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diag::{Degradation, Diagnostic, Diagnostics, Location, child};
use crate::ir::*;
use crate::load::LoadedSpec;
use crate::naming::{Case, Collision, Scope, sanitize, unraw};
use crate::profile::{ExtensionKeys, Profile};

use self::bodies::{is_json, pick_media};
pub use self::docs::doc_text;
use self::document::Document;
use self::enums::string_format_text;
use self::parameters::location_of;
use self::responses::status_match;
use self::sink::Sink;
use self::structs::{construct_for, is_sensitive_schema};
use self::types::TypeTable;

/// Names an operation builder already uses for its own methods and fields.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "options",
    "client",
    "body",
    "idempotency_key",
    "timeout",
    "attempt_timeout",
    "retry_policy",
    "correlation_id",
    "header",
    "integration_metadata",
    "into_stream",
    "into_pages",
    "into_request",
    "page_request",
    "send_streaming",
    "new",
    "clone",
    "fmt",
];

/// Methods of the generated `Client` that resource accessors may not take.
const CLIENT_RESERVED: &[&str] = &[
    "builder", "runtime", "clone", "fmt", "from", "into", "new", "default",
];

/// The Cargo package an API is generated into: the facade's name and the API's module (`klarna`, `payment`
/// → `klarna-payment`). Tools that name the generated packages (xtask's bench and semver) call this too.
pub fn api_package(crate_name: &str, module: &str) -> String {
    format!("{crate_name}-{}", unraw(module).replace('_', "-"))
}

/// Lowers all documents into one crate.
pub fn lower(specs: &[LoadedSpec], crate_name: &str, version: &str) -> (Crate, Diagnostics) {
    lower_until(specs, crate_name, version, &Profile::klarna(), None)
}

/// Lowers all documents with the conventions of `profile`, running the [`passes`] up to and including
/// the one named `after` (none for [`passes::LOWERED`], all for `None`): what `klarna-codegen ir --after`
/// prints.
pub fn lower_until(
    specs: &[LoadedSpec],
    crate_name: &str,
    version: &str,
    profile: &Profile,
    after: Option<&str>,
) -> (Crate, Diagnostics) {
    let mut diags = Diagnostics::new();
    // Each API becomes a module of the facade crate, beside its `registry` module and the re-exported `time`.
    let mut module_scope = Scope::new([
        "runtime",
        "models",
        "operations",
        "prelude",
        "registry",
        "time",
    ]);
    let mut accessor_scope = Scope::new(CLIENT_RESERVED.iter().copied());
    let mut ordered: Vec<&LoadedSpec> = specs.iter().collect();
    ordered.sort_by(|a, b| {
        a.stem
            .cmp(&b.stem)
            .then(a.display_path.cmp(&b.display_path))
    });
    let mut apis = Vec::new();
    for spec in ordered {
        let wanted = sanitize(&spec.stem, Case::Snake);
        let module = names::claim(
            &mut module_scope,
            &wanted,
            "module",
            names::Place {
                file: &spec.display_path,
                location: Location::File,
            },
            &mut diags,
        );
        let package = api_package(crate_name, &module);
        let api = lower_api(
            Document::new(spec, profile, after),
            &mut diags,
            Name {
                wire: spec.stem.clone(),
                rust: module,
            },
            Name {
                rust: package.replace('-', "_"),
                wire: package,
            },
            &mut accessor_scope,
        );
        apis.push(api);
    }
    diags.sort();
    (
        Crate {
            name: crate_name.to_owned(),
            ident: crate_name.replace('-', "_"),
            version: version.to_owned(),
            conventions: Conventions {
                vendor: profile.vendor.clone(),
                guide: profile.guide,
                idempotency_header: profile.idempotency_header.clone(),
                idempotency_header_display: profile.idempotency_header_display.clone(),
                idempotency_window: profile.idempotency_window.clone(),
                runtime: Name {
                    wire: profile.runtime_package.clone(),
                    rust: profile.runtime_package.replace('-', "_"),
                },
                auth_from_document: profile.auth_from_document,
                repository: profile.repository.clone(),
                keywords: profile.keywords.clone(),
                runtime_features: profile
                    .runtime_features
                    .iter()
                    .map(|(name, doc)| RuntimeFeature {
                        name: name.clone(),
                        doc: doc.clone(),
                    })
                    .collect(),
            },
            apis,
        },
        diags,
    )
}

/// How a schema that needs a named type gets its name.
#[derive(Clone, Debug)]
enum Naming {
    /// Already claimed (a component schema): its id and Rust name.
    Fixed(TypeId, String),
    /// Wanted name from the context; claimed from the type scope when needed.
    Context(String),
}

impl Naming {
    fn hint(&self) -> &str {
        match self {
            Naming::Fixed(_, s) | Naming::Context(s) => s,
        }
    }
}

/// Lowers one document into an [`Api`]: its component schemas first (their names claimed before any
/// schema is lowered, so they win over inline names), then its operations, events, servers and security
/// schemes; then the type table is finished into the API and the passes run.
fn lower_api(
    doc: Document<'_>,
    diags: &mut Diagnostics,
    module: Name,
    package: Name,
    accessor_scope: &mut Scope,
) -> Api {
    let mut schemas = SchemaLowerer::new(doc, diags);
    let info = &doc.api.info;
    // Sorted by wire name.
    let components: Vec<(String, ReferenceOr<Schema>)> = match &doc.api.components {
        Some(c) => {
            let mut v: Vec<_> = c
                .schemas
                .iter()
                .map(|(k, s)| (k.clone(), s.clone()))
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        }
        None => Vec::new(),
    };
    for (name, _) in &components {
        let pointer = crate::diag::pointer(["components", "schemas", name]);
        let rust = schemas.claim_type(&sanitize(name, Case::Pascal), &pointer);
        schemas.types.reserve_component(name, &rust);
    }
    for (name, schema) in &components {
        schemas.lower_component(name, schema);
    }
    let resources = OperationLowerer {
        doc,
        schemas: &mut schemas,
    }
    .lower_operations(accessor_scope);
    let events = schemas.lower_events(&components);
    let mut document = DocumentLowerer {
        doc,
        sink: &mut schemas.sink,
    };
    let servers = document.lower_servers();
    let security_schemes = document.lower_security_schemes();
    let mut api = Api {
        module,
        package,
        title: info.title.clone(),
        version: info.version.clone(),
        doc: info.description.clone().map(|d| doc_text(&d)),
        source: Source {
            file: doc.spec.display_path.clone(),
            sha256: doc.spec.sha256.clone(),
            openapi_version: doc.spec.declared_version.clone(),
        },
        servers,
        runtime: doc.profile.runtime_package.replace('-', "_"),
        security_schemes,
        types: Vec::new(),
        resources,
        events,
    };
    let SchemaLowerer {
        types, mut sink, ..
    } = schemas;
    types.finish(&mut api, sink.diags());
    passes::run(&mut api, sink.diags(), doc.after);
    api
}

/// Schema lowering (`schemas`, `refs`, `enums`, `structs`, `unions`, `merge`, `webhooks`): owns the API's [`TypeTable`]
/// and its diagnostics [`Sink`]; the one place types are named, reserved and defined.
struct SchemaLowerer<'a> {
    /// The read-only input.
    doc: Document<'a>,
    /// Where diagnostics go.
    sink: Sink<'a>,
    /// The API's types.
    types: TypeTable,
}

impl<'a> SchemaLowerer<'a> {
    fn new(doc: Document<'a>, diags: &'a mut Diagnostics) -> Self {
        Self {
            doc,
            sink: Sink::new(doc.file(), diags),
            types: TypeTable::new(),
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.sink.warn(pointer, message);
    }

    /// A warning that reports what the generated crate lost (`degradation`), so it is counted and
    /// `--deny-untyped`, `--deny-dropped` or `--deny-renamed` can refuse it.
    fn degrade(&mut self, pointer: &str, degradation: Degradation, message: impl Into<String>) {
        self.sink.degrade(pointer, degradation, message);
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.sink.error(pointer, message);
    }

    /// Claims `wanted` in `scope` for a `what` at `pointer`, reporting a rename (see [`names::claim`]).
    fn claim(&mut self, scope: &mut Scope, wanted: &str, what: &str, pointer: &str) -> String {
        self.sink.claim(scope, wanted, what, pointer)
    }

    /// Claims a type name in the API's type scope.
    fn claim_type(&mut self, wanted: &str, pointer: &str) -> String {
        let place = self.sink.place(pointer);
        self.types.claim(
            wanted,
            place,
            self.sink.diags(),
            &self.doc.profile.expected_renames,
        )
    }
}

/// Document-level lowering (`servers`, `security`): functions of the read-only document that report
/// through the sink, whose `warn`, `degrade` and `error` they reach through `Deref`.
struct DocumentLowerer<'s, 'a> {
    /// The read-only input.
    doc: Document<'a>,
    /// Where diagnostics go.
    sink: &'s mut Sink<'a>,
}

impl<'a> std::ops::Deref for DocumentLowerer<'_, 'a> {
    type Target = Sink<'a>;

    fn deref(&self) -> &Sink<'a> {
        self.sink
    }
}

impl<'a> std::ops::DerefMut for DocumentLowerer<'_, 'a> {
    fn deref_mut(&mut self) -> &mut Sink<'a> {
        self.sink
    }
}

/// Operation lowering (`operations`, `parameters`, `bodies`, `responses`, `pagination`): holds no state
/// of its own; it borrows the [`SchemaLowerer`] to lower the schemas operations name, read their types
/// and report diagnostics.
struct OperationLowerer<'s, 'a> {
    /// The read-only input.
    doc: Document<'a>,
    /// Schema lowering, with the type table and the sink.
    schemas: &'s mut SchemaLowerer<'a>,
}

impl<'a> OperationLowerer<'_, 'a> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.schemas.sink.warn(pointer, message);
    }

    /// A warning that reports what the generated crate lost (see [`Sink::degrade`]).
    fn degrade(&mut self, pointer: &str, degradation: Degradation, message: impl Into<String>) {
        self.schemas.sink.degrade(pointer, degradation, message);
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.schemas.sink.error(pointer, message);
    }

    /// Claims `wanted` in `scope` for a `what` at `pointer`, reporting a rename (see [`names::claim`]).
    fn claim(&mut self, scope: &mut Scope, wanted: &str, what: &str, pointer: &str) -> String {
        self.schemas.sink.claim(scope, wanted, what, pointer)
    }

    /// Lowers a schema an operation names (see [`SchemaLowerer::schema_or_ref`]).
    fn schema_or_ref(&mut self, s: &ReferenceOr<Schema>, naming: Naming, pointer: &str) -> TypeRef {
        self.schemas.schema_or_ref(s, naming, pointer)
    }

    /// The API's types, to read.
    fn types(&self) -> &TypeTable {
        &self.schemas.types
    }

    /// Document-level lowering, for an operation's security requirements.
    fn document(&mut self) -> DocumentLowerer<'_, 'a> {
        DocumentLowerer {
            doc: self.doc,
            sink: &mut self.schemas.sink,
        }
    }
}

/// A small alias so signatures read well: the property map type `openapiv3` uses.
mod indexmap_like {
    /// Properties of an object schema, in document order.
    pub type Props = indexmap::IndexMap<String, openapiv3::ReferenceOr<Box<openapiv3::Schema>>>;
}

/// Lowering small documents written inline, for the table tests of the lower modules and passes.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// A document with these `paths` and `components.schemas` (YAML, indented as the values of those keys
    /// at two spaces: `paths` entries and schema entries start at column 2).
    pub(crate) fn doc(paths: &str, schemas: &str) -> String {
        let mut out = String::from("openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:");
        if paths.trim().is_empty() {
            out.push_str(" {}\n");
        } else {
            out.push('\n');
            out.push_str(paths);
            out.push('\n');
        }
        if !schemas.trim().is_empty() {
            out.push_str("components:\n  schemas:\n");
            for line in schemas.lines() {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// Lowers `yaml` through the pass named `after` (all passes for `None`): the one API and the messages
    /// of its warnings. Panics (a test failure) when the document does not load or lower.
    pub(crate) fn lower_until(yaml: &str, after: Option<&str>) -> (Api, Vec<String>) {
        let spec =
            crate::load::load_bytes(yaml.as_bytes(), std::path::Path::new("t.yaml"), "t.yaml")
                .unwrap_or_else(|d| panic!("loads: {d}\n{yaml}"));
        let (krate, diags) = super::lower_until(
            std::slice::from_ref(&spec),
            "t",
            "0.0.0",
            &Profile::klarna(),
            after,
        );
        assert!(!diags.has_errors(), "{diags}\n{yaml}");
        let messages = spec
            .warnings
            .iter()
            .chain(diags.iter())
            .map(|d| d.message.clone())
            .collect();
        let api = krate.apis.into_iter().next().expect("one API");
        (api, messages)
    }

    /// Lowers `yaml` (neutral profile, every pass): the one API and every diagnostic, loader's included,
    /// with its degradation tag.
    pub(crate) fn lower_diags(yaml: &str, profile: &Profile) -> (Api, Diagnostics) {
        let spec =
            crate::load::load_bytes(yaml.as_bytes(), std::path::Path::new("t.yaml"), "t.yaml")
                .unwrap_or_else(|d| panic!("loads: {d}\n{yaml}"));
        let (krate, diags) =
            super::lower_until(std::slice::from_ref(&spec), "t", "0.0.0", profile, None);
        assert!(!diags.has_errors(), "{diags}\n{yaml}");
        let mut all = spec.warnings.clone();
        all.extend(diags);
        (krate.apis.into_iter().next().expect("one API"), all)
    }

    /// Lowers `yaml` with `profile` through every pass: the one API (its crate's conventions) and the
    /// messages of its warnings.
    pub(crate) fn lower_with(yaml: &str, profile: &Profile) -> (Crate, Vec<String>) {
        let spec =
            crate::load::load_bytes(yaml.as_bytes(), std::path::Path::new("t.yaml"), "t.yaml")
                .unwrap_or_else(|d| panic!("loads: {d}\n{yaml}"));
        let (krate, diags) =
            super::lower_until(std::slice::from_ref(&spec), "t", "0.0.0", profile, None);
        assert!(!diags.has_errors(), "{diags}\n{yaml}");
        (krate, diags.iter().map(|d| d.message.clone()).collect())
    }

    /// A document with one operation, `doThing` (`POST /v1/things/{thing_id}`, tag `Things`), whose body is
    /// `op` (YAML at the operation's indentation), and the schemas `Thing`, `Problem` and `Other`.
    pub(crate) fn one_op(op: &str) -> String {
        doc(
            &format!(
                "  /v1/things/{{thing_id}}:\n    post:\n      operationId: doThing\n      tags: [Things]\n{op}"
            ),
            "  Thing: {type: object, properties: {id: {type: string}}}\n  Problem: {type: object, properties: {message: {type: string}}}\n  Other: {type: object, properties: {code: {type: integer}}}",
        )
    }

    /// [`lower_until`] through every pass.
    pub(crate) fn lower_yaml(yaml: &str) -> (Api, Vec<String>) {
        lower_until(yaml, None)
    }

    /// The named type `rust`.
    pub(crate) fn ty<'a>(api: &'a Api, rust: &str) -> &'a TypeDef {
        api.types
            .iter()
            .find(|t| t.name.rust == rust)
            .unwrap_or_else(|| {
                let names: Vec<&str> = api.types.iter().map(|t| t.name.rust.as_str()).collect();
                panic!("no type {rust} among {names:?}")
            })
    }

    /// A reference to the named type `rust`.
    pub(crate) fn named(api: &Api, rust: &str) -> TypeRef {
        ty(api, rust);
        TypeRef::Named(api.type_by_name(rust).expect("types are sorted by name"))
    }

    /// The fields of the struct `rust`.
    pub(crate) fn fields<'a>(api: &'a Api, rust: &str) -> &'a [Field] {
        match &ty(api, rust).kind {
            TypeKind::Struct { fields, .. } => fields,
            other => panic!("{rust} is not a struct: {other:?}"),
        }
    }

    /// The operation whose `operationId` is `wire`.
    pub(crate) fn op<'a>(api: &'a Api, wire: &str) -> &'a Operation {
        api.resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.id.wire == wire)
            .unwrap_or_else(|| panic!("no operation {wire}"))
    }
}
