//! Operations: resources, methods, path templates, parameters, bodies, responses and their statuses,
//! pagination.

use serde::Serialize;

use super::*;

/// Operations that share a tag, reached through `client.<accessor>()`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resource {
    /// Wire: the tag; Rust: the resource struct name.
    pub name: Name,
    /// The accessor method on the client.
    pub accessor: String,
    /// The type of `klarna-testing`'s stubs for it, reached through the same accessor on `StubServer`
    /// (`PaymentRequestsStubs`); set by the `kit_names` pass.
    pub stubs: String,
    /// The command of the `klarna` command line that groups its operations (`payment-requests`); set
    /// by the `cli_names` pass.
    pub command: String,
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
    /// The static of `klarna-testing`'s stubs holding the operation's route (`GET_PAYMENT_CAPTURE`); set
    /// by the `kit_names` pass.
    pub route: String,
    /// Its command under the resource's in the `klarna` command line (`get-payment-request`); set by
    /// the `cli_names` pass.
    pub command: String,
    /// The success-response enum's type name, when the operation has several differing success bodies.
    pub responses_enum: Option<String>,
    /// Where the operation is.
    pub pointer: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template, parsed once: literal pieces around the path parameters; [`Operation::path`]
    /// spells it as the document does.
    pub path_template: PathTemplate,
    /// The indices of the `/`-separated segments of the path that hold a sensitive path parameter, each
    /// once, in path order: the request's span and the CLI show them as `<redacted>`.
    pub sensitive_segments: Vec<usize>,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer description.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Marked `x-klarna-inferred`: not confirmed by Klarna's request collection.
    pub inferred: bool,
    /// Path parameters, in template order.
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query_params: Vec<Param>,
    /// Header parameters the caller supplies (headers managed by the runtime are excluded), and cookie
    /// parameters ([`ParamEncoding::Cookie`]), which travel in the `Cookie` header.
    pub header_params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The success response.
    pub response: SuccessResponse,
    /// The declared error responses that have a JSON body, ordered by status (`4XX` ranges and
    /// `default` after exact codes); variant names are set when `errors_enum` is.
    pub errors: Vec<AltResponse>,
    /// The other declared statuses that are not successes (error responses without a JSON body,
    /// `1XX` and `3XX`), as the document's keys sort; [`Operation::error_statuses`] lists them with
    /// the statuses of `errors`.
    pub other_statuses: Vec<StatusMatch>,
    /// The error enum's type name, when the error bodies are of more than one type.
    pub errors_enum: Option<String>,
    /// The operation takes `Klarna-Idempotency-Key`: the runtime generates one per call and may retry.
    pub idempotent: bool,
    /// Security requirement names.
    pub security: Vec<String>,
    /// The effective security requirements (the operation's own `security`, else the document's):
    /// alternatives, each the sorted names of the schemes sent together; empty: no credentials.
    /// `None` when the profile's runtime layer authenticates every call itself.
    pub security_requirements: Option<Vec<Vec<String>>>,
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

impl Operation {
    /// The path template as the document writes it (`/v1/things/{thing_id}`), for documentation and
    /// diffing: the template's pieces with each parameter's wire name in braces.
    pub fn path(&self) -> String {
        let mut text = self
            .path_template
            .pieces
            .first()
            .cloned()
            .unwrap_or_default();
        for (slot, piece) in self
            .path_template
            .params
            .iter()
            .zip(self.path_template.pieces.iter().skip(1))
        {
            if let Some(p) = self.path_params.get(slot.param) {
                text.push('{');
                text.push_str(&p.name.wire);
                text.push('}');
            }
            text.push_str(piece);
        }
        text
    }
}

impl Operation {
    /// Every declared status that is not a success (`errors`' and `other_statuses`), as the document's
    /// keys sort (`400`, `4XX`, `500`, `default`): for documentation, diffing and conformance.
    pub fn error_statuses(&self) -> Vec<StatusMatch> {
        let mut statuses: Vec<StatusMatch> = self
            .errors
            .iter()
            .map(|e| e.status)
            .chain(self.other_statuses.iter().copied())
            .collect();
        statuses.sort_by_key(StatusMatch::to_string);
        statuses
    }
}

impl PathTemplate {
    /// The segments holding a parameter `is_sensitive` says is sensitive (by its index into the
    /// operation's path parameters), each once, in path order. Lowering calls it once, for
    /// [`Operation::sensitive_segments`].
    pub fn sensitive_segments(&self, is_sensitive: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut segments: Vec<usize> = self
            .params
            .iter()
            .filter(|slot| is_sensitive(slot.param))
            .map(|slot| slot.segment)
            .collect();
        segments.dedup();
        segments
    }
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
    /// The method of `klarna-testing`'s `When` that matches it: its Rust name, or `<name>_param` where
    /// `When` has a method of that name; set by the `kit_names` pass.
    pub stub_method: String,
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
    /// A list or an object (or a path scalar in `label` or `matrix` style) written by its `style` and
    /// `explode` through the runtime's `param_style`.
    Styled {
        /// The style.
        style: ParamStyle,
        /// `explode`, as given or as the style's default.
        explode: bool,
    },
    /// A cookie parameter (`style: form`): written into the request's one `Cookie` header. Cookie
    /// parameters are kept with the header parameters.
    Cookie {
        /// `explode`, as given or `form`'s default (`true`).
        explode: bool,
    },
}

/// An OpenAPI parameter `style` that [`ParamEncoding::Styled`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamStyle {
    /// `simple` (path, header).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
    /// `form` (query).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
}

impl ParamStyle {
    /// The name of the runtime's `param_style::Style` variant.
    pub fn runtime_variant(self) -> &'static str {
        match self {
            ParamStyle::Simple => "Simple",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::Form => "Form",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
        }
    }
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
    /// The success responses, as the document's keys sort (`200`, `201`, `2XX`). One entry, the first
    /// documented success status (`200` without a body when the operation declares none), unless
    /// several success statuses have different bodies: then all of them, and the operation returns an
    /// enum with one variant per entry ([`SuccessResponse::is_enum`]). Never empty.
    pub alternatives: Vec<AltResponse>,
    /// The index in `alternatives` of the one that takes the success statuses no exact code matches: a
    /// range (`2XX`), else the first documented status.
    pub fallback: usize,
}

/// What [`SuccessResponse::primary`] answers should `alternatives` ever be empty: `200` without a body.
static NO_RESPONSE: AltResponse = AltResponse {
    status: StatusMatch::Code(200),
    variant: String::new(),
    body: ResponseBody::Empty,
    boxed: false,
    stub_answer: String::new(),
};

impl SuccessResponse {
    /// The first documented success response: the one the operation returns when it has one success
    /// body.
    pub fn primary(&self) -> &AltResponse {
        self.alternatives.first().unwrap_or(&NO_RESPONSE)
    }

    /// The status of [`SuccessResponse::primary`] (e.g. `200`).
    pub fn status(&self) -> StatusMatch {
        self.primary().status
    }

    /// The body of [`SuccessResponse::primary`].
    pub fn body(&self) -> &ResponseBody {
        &self.primary().body
    }

    /// Several success statuses have different bodies: the operation returns an enum with one variant
    /// per entry of `alternatives`.
    pub fn is_enum(&self) -> bool {
        self.alternatives.len() > 1
    }
}

/// A response of one status: a success response, or an error response with a JSON body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AltResponse {
    /// The status code (`200`, `2XX`, `default`).
    pub status: StatusMatch,
    /// The name of its variant in the operation's success or error enum (`Status201`, `Default`).
    pub variant: String,
    /// What the body is.
    pub body: ResponseBody,
    /// The enum variant holds the body boxed (it is much larger than the other variants). Only written to
    /// the JSON dump when set.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
    /// A success response's method on `klarna-testing`'s `Then`, which answers a stubbed call with it
    /// (`ok` for the primary response, `ok_status201`); set by the `kit_names` pass. Empty for an error
    /// response, and then not written to the JSON dump.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stub_answer: String,
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
    /// The page's field holding the pagination object (`pagination`): the first step to the next cursor.
    pub pagination_field: Name,
    /// The pagination object's field holding the next cursor (`last_item`): the second and last step.
    pub cursor_field: Name,
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

#[cfg(test)]
mod tests {
    use super::{PathSlot, PathTemplate};
    use crate::lower::test_support::{doc, lower_yaml, op};

    #[test]
    fn the_path_is_spelled_from_the_template_as_the_document_writes_it() {
        let path = "/v1/{account_id}/things/{thing_id}.json";
        let yaml = doc(
            &format!(
                "  {path}:\n    get:\n      operationId: getThing\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: thing_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}"
            ),
            "",
        );
        let (api, _) = lower_yaml(&yaml);
        assert_eq!(op(&api, "getThing").path(), path);
    }

    #[test]
    fn sensitive_segments_are_read_from_the_template_slots() {
        // `/v2/accounts/{a}/tokens/{t}{u}/status`: `t` and `u` share segment 5, `a` is not sensitive.
        let slot = |param, segment| PathSlot { param, segment };
        let template = PathTemplate {
            pieces: ["/v2/accounts/", "/tokens/", "", "/status"]
                .map(str::to_owned)
                .to_vec(),
            params: vec![slot(0, 3), slot(1, 5), slot(2, 5)],
        };
        assert_eq!(template.sensitive_segments(|p| p != 0), [5]);
        assert_eq!(template.sensitive_segments(|p| p == 0), [3]);
        assert!(template.sensitive_segments(|_| false).is_empty());
    }
}
