//! The intermediate representation: what the generated crate contains, with every decision made.
//!
//! Plain, owned, ordered data. Lowering fills it; rendering and diffing only read it. Every named thing
//! carries its wire name (as in the document) and its Rust name (decided once, in lowering); a type is
//! referred to by its [`TypeId`], its index in [`Api::types`], never by its name; every node
//! carries the JSON pointer of the place in the document it came from. Lists are in a defined order
//! (types and resources by Rust name, operations by Rust name, fields in document order), so the IR of the
//! same inputs is the same on every machine, and `klarna-codegen ir SPEC` can be snapshot-tested.

mod operations;
mod types;

use serde::Serialize;

pub use self::operations::*;
pub use self::types::*;

/// A name as it appears on the wire and as it appears in Rust.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Name {
    /// As written in the OpenAPI document.
    pub wire: String,
    /// The Rust identifier (possibly a raw identifier such as `r#type`).
    pub rust: String,
}

/// The whole generated crate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crate {
    /// Cargo package name.
    pub name: String,
    /// The crate's name in Rust paths (`klarna`; `my_sdk` for the package `my-sdk`).
    pub ident: String,
    /// Cargo package version.
    pub version: String,
    /// The conventions the crate was lowered with, as far as rendering needs them.
    pub conventions: Conventions,
    /// One API per input document, ordered by module name.
    pub apis: Vec<Api>,
}

impl Crate {
    /// The IR as JSON, as `klarna-codegen ir` prints it and the snapshots hold it: the serialized IR, with
    /// every reference to a named type (`{"type": "named", "of": 3}`) also giving the type's Rust name
    /// (`"name": "PaymentRequest"`), and an event set's `enum_ty` id its `enum_name`, so that a reader
    /// need not count through `types`.
    pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        fn annotate(v: &mut serde_json::Value, names: &[&str]) {
            match v {
                serde_json::Value::Object(map) => {
                    let id = (map.get("type").and_then(serde_json::Value::as_str) == Some("named"))
                        .then(|| map.get("of").and_then(serde_json::Value::as_u64))
                        .flatten();
                    if let Some(name) = id
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| names.get(i))
                    {
                        map.insert("name".into(), serde_json::Value::from(*name));
                    }
                    let event_enum = map.get("enum_ty").and_then(serde_json::Value::as_u64);
                    if let Some(name) = event_enum
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| names.get(i))
                    {
                        map.insert("enum_name".into(), serde_json::Value::from(*name));
                    }
                    map.values_mut().for_each(|v| annotate(v, names));
                }
                serde_json::Value::Array(items) => {
                    items.iter_mut().for_each(|v| annotate(v, names))
                }
                _ => {}
            }
        }
        let mut json = serde_json::to_value(self)?;
        if let Some(apis) = json
            .get_mut("apis")
            .and_then(serde_json::Value::as_array_mut)
        {
            for (api, ir) in apis.iter_mut().zip(&self.apis) {
                let names: Vec<&str> = ir.types.iter().map(|t| t.name.rust.as_str()).collect();
                annotate(api, &names);
            }
        }
        Ok(json)
    }
}

/// What the generated crate's code and docs follow of the profile lowering ran with
/// ([`crate::profile::Profile`]): render reads these instead of the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conventions {
    /// The vendor the docs name (`Klarna`); none for a neutral crate.
    pub vendor: Option<String>,
    /// The facade's front page is the vendor's guide rather than the neutral getting-started page.
    pub guide: bool,
    /// The idempotency header (lower case), when the profile has one: idempotent operations' builders
    /// offer `idempotency_key`.
    pub idempotency_header: Option<String>,
    /// The idempotency header as the vendor spells it in docs (`Klarna-Idempotency-Key`).
    pub idempotency_header_display: Option<String>,
    /// How long the server honours a repeated idempotency key, in docs (`24 hours`), when known.
    pub idempotency_window: Option<String>,
    /// The runtime crate generated code depends on. Wire: the package (`oapi-runtime`,
    /// `klarna-runtime`); Rust: the name code spells its paths with.
    pub runtime: Name,
    /// Credentials come from the documents' `securitySchemes`: the client declares them and each
    /// operation sends what its `security` asks for. `false` when the vendor's runtime layer
    /// authenticates every call itself (Klarna's API key).
    pub auth_from_document: bool,
    /// Optional modules of the runtime the facade re-exports behind a cargo feature of the same name.
    pub runtime_features: Vec<RuntimeFeature>,
    /// The repository the manifests name; none for a neutral crate.
    pub repository: Option<String>,
    /// Keywords the manifests list before the generic ones.
    pub keywords: Vec<String>,
}

/// An optional module of the runtime crate, behind a cargo feature of the same name (Klarna's
/// `onboarding` helpers and their Argon2 dependency).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuntimeFeature {
    /// The feature and module name.
    pub name: String,
    /// What it brings, for the manifest and docs.
    pub doc: String,
}

/// One input document: a module and a cargo feature of the generated crate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Api {
    /// Wire: the document's file stem; Rust: the module name (also the cargo feature name).
    pub module: Name,
    /// Wire: the Cargo package the API is generated into (`klarna-payment`, see
    /// [`crate::lower::api_package`]); Rust: its name in paths (`klarna_payment`).
    pub package: Name,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub doc: Option<String>,
    /// Where the document came from.
    pub source: Source,
    /// Declared servers.
    pub servers: Vec<Server>,
    /// The runtime crate's Rust name (copied from [`Conventions::runtime`]), as generated code spells
    /// its paths.
    pub runtime: String,
    /// The document's `securitySchemes` the client can send, ordered by name.
    pub security_schemes: Vec<SecuritySchemeDef>,
    /// Named types (component schemas and named inline schemas), ordered by Rust name; a [`TypeId`] is an
    /// index into this list.
    pub types: Vec<TypeDef>,
    /// Operations grouped by resource (tag), ordered by Rust name.
    pub resources: Vec<Resource>,
    /// Webhook events this API delivers, typed by event type (from `x-klarna-event-payloads`).
    pub events: Option<EventSet>,
}

/// Webhook event types and the payload type of each, declared by an `x-klarna-event-payloads` map on a
/// string enum schema (event type → payload schema name).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventSet {
    /// The string enum that lists the event types.
    pub enum_ty: TypeId,
    /// Where the map is.
    pub pointer: String,
    /// One entry per event type, in the enum's order.
    pub events: Vec<EventVariant>,
}

/// One webhook event type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventVariant {
    /// Wire: the event type (`payment.request.state-change.completed`); Rust: the variant name.
    pub name: Name,
    /// The payload type.
    pub payload: TypeRef,
}

/// The document a part of the IR came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The path as given to the generator.
    pub file: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// The declared `openapi` version.
    pub openapi_version: String,
}

/// One entry of `components.securitySchemes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecuritySchemeDef {
    /// Wire: the scheme's name in the document; Rust: the snake-case name of its builder setter when
    /// the document has several `apiKey` schemes.
    pub name: Name,
    /// What the scheme sends.
    pub kind: SecurityKind,
    /// Its description.
    pub doc: Option<String>,
}

/// What a security scheme sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SecurityKind {
    /// HTTP `basic`.
    Basic,
    /// HTTP `bearer`, and OAuth 2 / OpenID Connect access tokens (sent as bearer tokens).
    Bearer,
    /// An API key in a header, query parameter or cookie of this name.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyIn,
        /// The header, query parameter or cookie name.
        name: String,
    },
}

/// Where an `apiKey` scheme's key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ApiKeyIn {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A server URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Server {
    /// The URL.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
    /// The name of the constant that holds the URL in the API's module (`LIVE_BASE_URL`).
    pub constant: String,
}
