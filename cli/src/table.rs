//! The shape of the operation table: what `klarna-codegen` writes into `generated/mod.rs` from the
//! generator's IR, one entry per operation of every API. The rest of the CLI reads these entries at run
//! time: it builds one command per operation from them and turns the parsed arguments into a
//! `klarna_runtime::Request`.

/// Operations that share a resource (an OpenAPI tag), reached as `klarna <resource> ...`.
#[derive(Debug)]
pub struct Resource {
    /// The command name: the SDK's accessor in kebab case (`payment-requests`).
    pub name: &'static str,
    /// The SDK's accessor on `klarna::Client` (`payment_requests`).
    pub accessor: &'static str,
    /// The API module the resource belongs to (`payment`).
    pub api: &'static str,
    /// The resource's description.
    pub doc: &'static str,
    /// Its operations, ordered by name.
    pub operations: &'static [Operation],
}

/// One HTTP operation, reached as `klarna <resource> <operation>`.
#[derive(Debug)]
pub struct Operation {
    /// The command name: the SDK's method name in kebab case (`list`, `get`).
    pub name: &'static str,
    /// The `operationId` (`listStores`).
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template as in the document (`/v2/accounts/{partner_account_id}/stores`).
    pub path_template: &'static str,
    /// The literal pieces of the path around its parameters: one more than `path_params`.
    pub path_pieces: &'static [&'static str],
    /// Indices into `path.split('/')` of the segments that hold a sensitive value.
    pub sensitive_segments: &'static [usize],
    /// The summary line.
    pub summary: &'static str,
    /// The longer description.
    pub doc: &'static str,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path parameters, in template order.
    pub path_params: &'static [Param],
    /// Query parameters.
    pub query_params: &'static [Param],
    /// Header parameters the caller supplies.
    pub header_params: &'static [Param],
    /// The request body, if the operation takes one.
    pub body: Option<BodySpec>,
    /// What a success answer holds.
    pub response: ResponseSpec,
    /// The operation takes `Klarna-Idempotency-Key`.
    pub idempotent: bool,
    /// Cursor pagination, if the operation is a paginated list.
    pub pagination: Option<Paging>,
}

/// A path, query or header parameter.
#[derive(Debug)]
pub struct Param {
    /// The name on the wire (`partner_account_id`, `Klarna-Customer-Token`).
    pub wire: &'static str,
    /// The SDK's argument or setter name (`partner_account_id`); the flag is its kebab case.
    pub rust: &'static str,
    /// Required (a positional argument) or optional (a flag).
    pub required: bool,
    /// The value's type.
    pub shape: Shape,
    /// How the value is written.
    pub encoding: ParamEncoding,
    /// The parameter's description.
    pub doc: &'static str,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// A secret or token: never shown by `--verbose`.
    pub sensitive: bool,
}

/// How a parameter value is written into the query string or a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "the generator writes every variant a spec can need; the current specs do not use them all"
)]
pub enum ParamEncoding {
    /// As text; a list repeats the name.
    Text,
    /// A JSON object flattened under the parameter's name (`name[key]=value`).
    DeepObject,
    /// A JSON object whose members become parameters of their own.
    FormObject,
}

/// The type of a value, as far as the CLI needs it to check input.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the generator writes every variant a spec can need; the current specs do not use them all"
)]
pub enum Shape {
    /// `true` or `false`.
    Bool,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// Text (any format).
    String,
    /// Raw bytes.
    Bytes,
    /// Any JSON value.
    Json,
    /// A generated type, by its registry name (`payment::CreatePaymentRequestRequest`).
    Named(&'static str),
    /// A list.
    List(&'static Shape),
    /// A string-keyed map.
    Map(&'static Shape),
    /// A list item or map value that may also be `null`.
    OrNull(&'static Shape),
}

/// A request body.
#[derive(Debug)]
pub struct BodySpec {
    /// The body's type.
    pub shape: Shape,
    /// Whether the operation requires it.
    pub required: bool,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// The declared media type.
    pub media_type: &'static str,
    /// For `multipart/form-data`: the parts the body type declares (wire name, is a file).
    pub parts: &'static [(&'static str, bool)],
}

/// Body encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "the generator writes every variant a spec can need; the current specs do not use them all"
)]
pub enum BodyEncoding {
    /// JSON.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Raw bytes with the declared content type.
    Bytes,
}

/// What a success answer holds.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the generator writes every variant a spec can need; the current specs do not use them all"
)]
pub enum ResponseSpec {
    /// Nothing.
    Empty,
    /// JSON of this type.
    Json(Shape),
    /// Bytes of this media type (a report, a file).
    Bytes(&'static str),
}

/// Cursor pagination of a list operation, in wire names.
#[derive(Debug)]
pub struct Paging {
    /// The page's field that holds the items (`stores`).
    pub items: &'static str,
    /// The query parameter that takes the cursor (`starting_after`).
    pub cursor_param: &'static str,
    /// The path to the next cursor in a page (`["pagination", "last_item"]`).
    pub next_cursor: &'static [&'static str],
    /// The answer is a list of pages (the cursor is read from the last one).
    pub page_list: bool,
}
