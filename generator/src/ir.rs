//! The intermediate representation: what the generated crate contains, with every decision made.
//!
//! Plain, owned, ordered data. Lowering fills it; rendering and diffing only read it. Every named thing
//! carries its wire name (as in the document) and its Rust name (decided once, in lowering); every node
//! carries the JSON pointer of the place in the document it came from. Lists are in a defined order
//! (types and resources by Rust name, operations by Rust name, fields in document order), so the IR of the
//! same inputs is the same on every machine, and `klarna-codegen ir SPEC` can be snapshot-tested.

use std::collections::BTreeMap;

use serde::Serialize;

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
    /// Cargo package version.
    pub version: String,
    /// The conventions the crate was lowered with, as far as rendering needs them.
    pub conventions: Conventions,
    /// One API per input document, ordered by module name.
    pub apis: Vec<Api>,
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
}

/// One input document: a module and a cargo feature of the generated crate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Api {
    /// Wire: the document's file stem; Rust: the module name (also the cargo feature name).
    pub module: Name,
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
    /// Named types (component schemas and named inline schemas), ordered by Rust name.
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
    pub enum_ty: String,
    /// A payload type is deprecated: the event enum and its impl carry `#[allow(deprecated)]`. Only
    /// written to the JSON dump when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_deprecated: bool,
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

/// A server URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Server {
    /// The URL.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
}

/// A named Rust type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeDef {
    /// Wire: the component name (or the context path of an inline schema); Rust: the type name.
    pub name: Name,
    /// Where the schema is.
    pub pointer: String,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The items generated for this type name a deprecated type (this type itself, in its impls, or a
    /// field's, variant's or alias's type), so they carry `#[allow(deprecated)]`: a crate with deprecated
    /// schemas compiles without warnings. Only written to the JSON dump when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_deprecated: bool,
    /// What kind of type.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in document order.
        fields: Vec<Field>,
        /// `additionalProperties` next to known fields: a flattened map field.
        additional: Option<AdditionalField>,
        /// How the struct can be constructed.
        construct: Construct,
    },
    /// A string enum with an `Unknown(String)` fallback.
    StringEnum {
        /// Known values.
        variants: Vec<Variant>,
    },
    /// An integer enum with an `Unknown(i64)` fallback.
    IntEnum {
        /// Known values.
        variants: Vec<IntVariant>,
    },
    /// `oneOf`/`anyOf`.
    Union {
        /// The discriminator property, if the union is tagged.
        discriminator: Option<String>,
        /// Alternatives, in the order they are tried (untagged) or listed (tagged).
        variants: Vec<UnionVariant>,
    },
    /// A named alias for another type (`type X = ...`).
    Alias {
        /// The aliased type.
        target: TypeRef,
    },
}

/// The flattened map field that keeps `additionalProperties`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdditionalField {
    /// The field's Rust name.
    pub rust: String,
    /// The map's value type.
    pub ty: TypeRef,
}

/// How a struct is constructed by users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    /// No required fields: `Default` is derived.
    Default,
    /// A `new(required...)` constructor (at most seven required fields).
    New,
    /// Struct literal only.
    Literal,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// Property name and field name.
    pub name: Name,
    /// Where the property is.
    pub pointer: String,
    /// The value type (without `Option`).
    pub ty: TypeRef,
    /// Required, optional, nullable.
    pub presence: Presence,
    /// The field needs a `Box` to break a cycle of by-value containment.
    pub boxed: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly: true`: sent by the client only.
    pub write_only: bool,
    /// Marked `x-klarna-inferred: true`: no source confirms the property, so it is optional in every type
    /// that is decoded from a response, whatever `required` says.
    pub inferred: bool,
    /// The document lists the property in `required`, but [`Field::presence`] was relaxed to optional
    /// because the type travels in a direction where the field may be missing (`readOnly` in requests;
    /// `writeOnly` or `x-klarna-inferred` in responses). The document's requiredness is `presence` being
    /// required, or this. Only written to the JSON dump when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub relaxed: bool,
    /// Marked `x-klarna-sensitive: true` or `format: password` (a secret, key or token): `Debug` shows
    /// it as `<redacted>`.
    pub sensitive: bool,
    /// The documented default, as JSON text (the server applies it when the field is absent).
    pub default: Option<String>,
}

/// Whether a value must be there and whether it may be null.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, serialized as `null` when `None`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, skipped when `None`.
    Optional,
    /// May be absent or null, and the two differ: `Nullable<T>` (absent / null / value).
    OptionalNullable,
}

/// A known value of a string enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Wire value and variant name.
    pub name: Name,
}

/// A known value of an integer enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntVariant {
    /// The value.
    pub value: i64,
    /// The variant name.
    pub rust: String,
}

/// One alternative of a union.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnionVariant {
    /// Wire: the discriminator value(s) joined by `|` (tagged) or the schema name; Rust: the variant name.
    pub name: Name,
    /// Discriminator values that select this variant (tagged unions only).
    pub tags: Vec<String>,
    /// The payload type.
    pub ty: TypeRef,
    /// The payload needs a `Box` to break a cycle.
    pub boxed: bool,
}

/// A reference to a type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", content = "of", rename_all = "snake_case")]
pub enum TypeRef {
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// A string; the format is kept for documentation and diffing.
    String(Option<String>),
    /// Raw bytes (`format: binary`).
    Bytes,
    /// Any JSON value.
    Json,
    /// A named type of the same API, by Rust name.
    Named(String),
    /// A list.
    List(Box<TypeRef>),
    /// A string-keyed map.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The named type this reference reaches, through lists and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::List(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

/// How a string of a given `format` is represented in Rust: the formats the runtime has a
/// validated type for, and plain text for every other format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringRepr {
    /// `String`: no format, or one without its own type (`email`, `uri`, `password`, ...).
    Text,
    /// `format: date-time`: an RFC 3339 timestamp.
    DateTime,
    /// `format: date`: an RFC 3339 `full-date`.
    Date,
    /// `format: uuid`.
    Uuid,
    /// `format: byte`: base64 text, held decoded.
    Base64,
    /// `format: decimal`: exact decimal text.
    Decimal,
}

impl StringRepr {
    /// The representation of a string with this `format`.
    pub fn of(format: Option<&str>) -> StringRepr {
        match format {
            Some("date-time") => StringRepr::DateTime,
            Some("date") => StringRepr::Date,
            Some("uuid") => StringRepr::Uuid,
            Some("byte") => StringRepr::Base64,
            Some("decimal") => StringRepr::Decimal,
            _ => StringRepr::Text,
        }
    }
}

/// Which directions a named type travels in: sent in requests, received in responses, or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reached from a parameter or a request body (not through `readOnly` fields).
    pub request: bool,
    /// Reached from a success response body (not through `writeOnly` fields).
    pub response: bool,
}

impl Usage {
    /// Both directions.
    pub const BOTH: Usage = Usage {
        request: true,
        response: true,
    };

    /// Either direction of either.
    pub fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

impl Api {
    /// The directions each named type that an operation reaches travels in, by Rust name. Types no
    /// operation reaches (webhook payloads, unused components) are absent.
    pub fn type_usage(&self) -> BTreeMap<String, Usage> {
        fn push_named(ty: &TypeRef, request: bool, stack: &mut Vec<(String, bool)>) {
            match ty {
                TypeRef::Named(n) => stack.push((n.clone(), request)),
                TypeRef::List(inner) | TypeRef::Map(inner) => push_named(inner, request, stack),
                _ => {}
            }
        }
        let types: BTreeMap<&str, &TypeDef> = self
            .types
            .iter()
            .map(|t| (t.name.rust.as_str(), t))
            .collect();
        let mut out: BTreeMap<String, Usage> = BTreeMap::new();
        let mut stack: Vec<(String, bool)> = Vec::new();
        for op in self.resources.iter().flat_map(|r| &r.operations) {
            for p in op
                .path_params
                .iter()
                .chain(&op.query_params)
                .chain(&op.header_params)
            {
                push_named(&p.ty, true, &mut stack);
            }
            if let Some(b) = &op.body {
                push_named(&b.ty, true, &mut stack);
            }
            if let ResponseBody::Json(t) = &op.response.body {
                push_named(t, false, &mut stack);
            }
            for alt in &op.response.alternatives {
                if let ResponseBody::Json(t) = &alt.body {
                    push_named(t, false, &mut stack);
                }
            }
        }
        while let Some((name, request)) = stack.pop() {
            let entry = out.entry(name.clone()).or_default();
            let seen = if request {
                &mut entry.request
            } else {
                &mut entry.response
            };
            if *seen {
                continue;
            }
            *seen = true;
            let Some(def) = types.get(name.as_str()) else {
                continue;
            };
            match &def.kind {
                TypeKind::Struct {
                    fields, additional, ..
                } => {
                    for f in fields {
                        if (request && f.read_only) || (!request && f.write_only) {
                            continue;
                        }
                        push_named(&f.ty, request, &mut stack);
                    }
                    if let Some(a) = additional {
                        push_named(&a.ty, request, &mut stack);
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for v in variants {
                        push_named(&v.ty, request, &mut stack);
                    }
                }
                TypeKind::Alias { target } => push_named(target, request, &mut stack),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
            }
        }
        out
    }
}

/// Operations that share a tag, reached through `client.<accessor>()`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resource {
    /// Wire: the tag; Rust: the resource struct name.
    pub name: Name,
    /// The accessor method on the client.
    pub accessor: String,
    /// The tag's description.
    pub doc: Option<String>,
    /// Operations, ordered by method name.
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Operation {
    /// Wire: the `operationId` (or a synthesized one); Rust: the method name on the resource.
    pub id: Name,
    /// The request builder's type name.
    pub builder: String,
    /// The success-response enum's type name, when the operation has several differing success bodies.
    pub responses_enum: Option<String>,
    /// Where the operation is.
    pub pointer: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template as in the document (for documentation and diffing).
    pub path: String,
    /// The path template, parsed once: literal pieces around the path parameters.
    pub path_template: PathTemplate,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer description.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// A parameter, body, response, error or page type of the operation is deprecated: the method, the
    /// request builder and the operation's enums carry `#[allow(deprecated)]`. Only written to the JSON
    /// dump when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_deprecated: bool,
    /// Marked `x-klarna-inferred`: not confirmed by Klarna's request collection.
    pub inferred: bool,
    /// Path parameters, in template order.
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query_params: Vec<Param>,
    /// Header parameters the caller supplies (headers managed by the runtime are excluded).
    pub header_params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The success response.
    pub response: SuccessResponse,
    /// Other declared responses (status codes, for documentation and diffing).
    pub error_statuses: Vec<StatusMatch>,
    /// The declared error responses that have a JSON body, ordered by status (`4XX` ranges and
    /// `default` after exact codes); variant names are set when `errors_enum` is.
    pub errors: Vec<AltResponse>,
    /// The error enum's type name, when the error bodies are of more than one type.
    pub errors_enum: Option<String>,
    /// The operation takes `Klarna-Idempotency-Key`: the runtime generates one per call and may retry.
    pub idempotent: bool,
    /// Security requirement names.
    pub security: Vec<String>,
    /// Cursor pagination, if the operation is a paginated list.
    pub pagination: Option<Pagination>,
}

/// An HTTP method. Serialized upper case, as HTTP writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// The method of a path item key (`get`, `post`, ... in any case).
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        Some(match key.to_ascii_lowercase().as_str() {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            "trace" => HttpMethod::Trace,
            _ => return None,
        })
    }

    /// Upper case, as on the wire (`POST`); also the name of the `http::Method` constant.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template parsed into the literal text around its parameters:
/// `pieces[0] params[0] pieces[1] ... params[n-1] pieces[n]`. A `{name}` that names no path parameter
/// stays literal text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PathTemplate {
    /// Literal text, one more piece than there are parameters (pieces may be empty).
    pub pieces: Vec<String>,
    /// The parameters in template order.
    pub params: Vec<PathSlot>,
}

/// One parameter in a path template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PathSlot {
    /// Index into the operation's `path_params`.
    pub param: usize,
    /// Index of the `/`-separated segment of the path that holds it (`/v1/{id}`: 2).
    pub segment: usize,
}

/// Which statuses a declared response covers: an exact code, a range (`4XX`) or `default`. Serialized
/// as the document writes it (`"404"`, `"4XX"`, `"default"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// Every code of a class: `Range(4)` is `400..=499`.
    Range(u16),
    /// Every status no other response declares.
    Default,
}

impl StatusMatch {
    /// A success status (`2xx` code or `2XX`).
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(r) => r == 2,
            StatusMatch::Default => false,
        }
    }

    /// An error status (`4xx`/`5xx` code or range).
    pub fn is_error(self) -> bool {
        match self {
            StatusMatch::Code(c) => (400..600).contains(&c),
            StatusMatch::Range(r) => r == 4 || r == 5,
            StatusMatch::Default => false,
        }
    }
}

impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(c) => write!(f, "{c}"),
            StatusMatch::Range(r) => write!(f, "{r}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

impl Serialize for StatusMatch {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    /// Wire name and Rust argument/setter name.
    pub name: Name,
    /// Where the parameter is.
    pub pointer: String,
    /// The value type.
    pub ty: TypeRef,
    /// Required.
    pub required: bool,
    /// How the value is put into the query string or header.
    pub encoding: ParamEncoding,
    /// Documentation.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Marked `x-klarna-sensitive: true` or `format: password`: `Debug` of the request builder and the
    /// runtime's tracing show it as `<redacted>`.
    pub sensitive: bool,
}

/// How a parameter value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamEncoding {
    /// As text (scalars, enums; lists repeat the name).
    Text,
    /// An object flattened under the parameter's name (`style: deepObject`: `name[key]=value`).
    DeepObject,
    /// An object whose members become parameters of their own (`style: form`, `explode: true`).
    FormObject,
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Body {
    /// The body type.
    pub ty: TypeRef,
    /// Required (otherwise set through the builder).
    pub required: bool,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// The media type as declared.
    pub media_type: String,
}

/// Body encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// JSON.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded` (nested values flattened as `a[b]=c`).
    Form,
    /// Raw bytes with the declared content type.
    Bytes,
}

/// The success response of an operation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuccessResponse {
    /// The status code (e.g. `200`).
    pub status: StatusMatch,
    /// What the body is.
    pub body: ResponseBody,
    /// When several success statuses have different bodies: all of them, and the operation returns an
    /// enum with one variant per status (the first entry is `status`/`body`).
    pub alternatives: Vec<AltResponse>,
}

/// One of several success responses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AltResponse {
    /// The status code (`200`, `2XX`, `default`).
    pub status: StatusMatch,
    /// The enum variant's name.
    pub variant: String,
    /// What the body is.
    pub body: ResponseBody,
}

/// Kinds of success bodies.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "type", rename_all = "snake_case")]
pub enum ResponseBody {
    /// No body.
    Empty,
    /// JSON of the given type.
    Json(TypeRef),
    /// Bytes (CSV, PDF, octet-stream ...), with the media type.
    Bytes(String),
}

/// Cursor pagination of a list operation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pagination {
    /// The response field holding the page's items.
    pub items: Name,
    /// The item type.
    pub item_ty: TypeRef,
    /// The query parameter that takes the cursor (`starting_after`).
    pub cursor_param: Name,
    /// The response type's path to the next cursor (`pagination.last_item`), as Rust field names.
    pub next_cursor: Vec<String>,
    /// The page type (the whole response).
    pub page_ty: TypeRef,
    /// The response is a list of page objects, each with its items and pagination.
    pub page_list: bool,
    /// Presence of the items field in the page.
    pub items_presence: Presence,
    /// Presence of the `pagination` field in the page.
    pub pagination_presence: Presence,
    /// Presence of `last_item` in the pagination object.
    pub cursor_presence: Presence,
}
