//! The grammar of an OpenAPI 3.0/3.1 document, as far as the generator walks it before parsing: the
//! object [`Kind`]s and, per kind, what each key holds ([`Slot`]): one object of a kind, a map of named
//! objects, a list, or literal data.
//!
//! Two walkers read it: the loader's position-aware `$ref` resolution (`load/refs.rs`: where a `$ref` may
//! stand, which component section an imported target goes in, which values are data whose `$ref` keys are
//! never resolved) and [`crate::load::locate`] (where in the document `openapiv3` refuses a piece, following
//! only the keys OpenAPI 3.0 has, see [`Field::openapi30`]).
//!
//! Literal data: `example`, `examples` (outside parameters, headers and media types, where they are
//! named [`Kind::Example`] objects), `default`, `enum`, `const`, an example's `value`, a link's
//! `parameters` and `requestBody`, and every extension (`x-...`) value. A key the grammar does not name
//! is walked as [`Kind::Other`] (servers, tags, info, discriminator, ...).

/// An OpenAPI object kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The document root.
    Document,
    /// `components`.
    Components,
    /// A path item (under `paths`, `webhooks`, a callback, `components.pathItems`).
    PathItem,
    /// An operation (`get`, `post`, ... of a path item).
    Operation,
    /// A parameter.
    Parameter,
    /// A request body.
    RequestBody,
    /// A response.
    Response,
    /// A header.
    Header,
    /// A media type (an entry of `content`).
    MediaType,
    /// An encoding (an entry of a media type's `encoding`).
    Encoding,
    /// A schema.
    Schema,
    /// An example object (an entry of `examples` where those are named objects).
    Example,
    /// A link.
    Link,
    /// A callback: every key is an expression naming a path item.
    Callback,
    /// A security scheme.
    SecurityScheme,
    /// Anything else (servers, tags, info, discriminator, ...): walked, literal keys skipped.
    Other,
}

/// What the value under a key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// One object of this kind.
    One(Kind),
    /// A map from names to objects of this kind (`properties`, `content`, `components.schemas`, ...);
    /// every entry is one, whatever its name.
    Names(Kind),
    /// A map whose `x-` keys are extensions (literal data) and every other key an object of this kind
    /// (`paths`, `responses`).
    Extensible(Kind),
    /// A list of objects of this kind (`parameters`, `allOf`, ...).
    List(Kind),
    /// Literal data: never walked.
    Literal,
}

/// A key the grammar names for a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The key.
    pub key: &'static str,
    /// What its value is.
    pub slot: Slot,
    /// Whether OpenAPI 3.0 has the key (so `openapiv3` reads it); false for OpenAPI 3.1 and JSON Schema
    /// keywords and bundler extensions (`x-webhooks`) that only the `$ref` walk follows.
    pub openapi30: bool,
    /// Whether the value may be a boolean instead of an object (a schema's `additionalProperties`).
    pub or_boolean: bool,
}

const fn v30(key: &'static str, slot: Slot) -> Field {
    Field {
        key,
        slot,
        openapi30: true,
        or_boolean: false,
    }
}

const fn v31(key: &'static str, slot: Slot) -> Field {
    Field {
        key,
        slot,
        openapi30: false,
        or_boolean: false,
    }
}

use Kind::*;
use Slot::{Extensible, List, Literal, Names, One};

const DOCUMENT: &[Field] = &[
    v30("paths", Extensible(PathItem)),
    v30("components", One(Components)),
    v31("webhooks", Names(PathItem)),
    v31("x-webhooks", Names(PathItem)),
];

/// In the order `openapiv3`'s `Components` lists them; `pathItems` is OpenAPI 3.1 only.
const COMPONENTS: &[Field] = &[
    v30("schemas", Names(Schema)),
    v30("responses", Names(Response)),
    v30("parameters", Names(Parameter)),
    v30("examples", Names(Example)),
    v30("requestBodies", Names(RequestBody)),
    v30("headers", Names(Header)),
    v30("securitySchemes", Names(SecurityScheme)),
    v30("links", Names(Link)),
    v30("callbacks", Names(Callback)),
    v31("pathItems", Names(PathItem)),
];

const PATH_ITEM: &[Field] = &[
    v30("get", One(Operation)),
    v30("put", One(Operation)),
    v30("post", One(Operation)),
    v30("delete", One(Operation)),
    v30("options", One(Operation)),
    v30("head", One(Operation)),
    v30("patch", One(Operation)),
    v30("trace", One(Operation)),
    v30("parameters", List(Parameter)),
];

const OPERATION: &[Field] = &[
    v30("parameters", List(Parameter)),
    v30("requestBody", One(RequestBody)),
    v30("responses", Extensible(Response)),
    v30("callbacks", Names(Callback)),
];

/// A parameter's and a header's.
const PARAMETER: &[Field] = &[
    v30("schema", One(Schema)),
    v30("content", Names(MediaType)),
    v30("examples", Names(Example)),
];

const REQUEST_BODY: &[Field] = &[v30("content", Names(MediaType))];

const RESPONSE: &[Field] = &[
    v30("headers", Names(Header)),
    v30("content", Names(MediaType)),
    v30("links", Names(Link)),
];

const MEDIA_TYPE: &[Field] = &[
    v30("schema", One(Schema)),
    v30("examples", Names(Example)),
    v30("encoding", Names(Encoding)),
];

const ENCODING: &[Field] = &[v30("headers", Names(Header))];

const SCHEMA: &[Field] = &[
    v30("items", One(Schema)),
    v30("not", One(Schema)),
    Field {
        or_boolean: true,
        ..v30("additionalProperties", One(Schema))
    },
    v30("properties", Names(Schema)),
    v30("allOf", List(Schema)),
    v30("oneOf", List(Schema)),
    v30("anyOf", List(Schema)),
    v31("contains", One(Schema)),
    v31("propertyNames", One(Schema)),
    v31("if", One(Schema)),
    v31("then", One(Schema)),
    v31("else", One(Schema)),
    v31("additionalItems", One(Schema)),
    v31("unevaluatedItems", One(Schema)),
    v31("unevaluatedProperties", One(Schema)),
    v31("patternProperties", Names(Schema)),
    v31("definitions", Names(Schema)),
    v31("$defs", Names(Schema)),
    v31("dependentSchemas", Names(Schema)),
    v31("prefixItems", List(Schema)),
];

const EXAMPLE: &[Field] = &[v30("value", Literal)];

const LINK: &[Field] = &[v30("parameters", Literal), v30("requestBody", Literal)];

/// Keys whose values are literal data wherever the grammar does not name them otherwise.
const LITERAL_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// The keys the grammar names for `kind`, in a fixed order (`openapiv3`'s where it has them).
pub fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Document => DOCUMENT,
        Components => COMPONENTS,
        PathItem => PATH_ITEM,
        Operation => OPERATION,
        Parameter | Header => PARAMETER,
        RequestBody => REQUEST_BODY,
        Response => RESPONSE,
        MediaType => MEDIA_TYPE,
        Encoding => ENCODING,
        Schema => SCHEMA,
        Example => EXAMPLE,
        Link => LINK,
        Callback | SecurityScheme | Other => &[],
    }
}

/// What every key of `kind` that [`fields`] does not name holds, when that is not decided key by key
/// (a callback's expressions are path items); `None` otherwise.
pub fn rest(kind: Kind) -> Option<Slot> {
    match kind {
        Callback => Some(One(PathItem)),
        _ => None,
    }
}

/// Whether `key` is a specification extension (`x-...`).
pub fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// What the value under `key` of an object of `kind` is.
pub fn slot(kind: Kind, key: &str) -> Slot {
    if let Some(field) = fields(kind).iter().find(|f| f.key == key) {
        return field.slot;
    }
    if is_extension(key) {
        return Literal;
    }
    match rest(kind) {
        Some(slot) => slot,
        None if LITERAL_KEYS.contains(&key) => Literal,
        None => One(Other),
    }
}

/// The OpenAPI 3.0 component section that holds objects of `kind` (`schemas`, `responses`, ...);
/// `None` for kinds that have none there (path items, operations, ...).
pub fn component_section(kind: Kind) -> Option<&'static str> {
    COMPONENTS
        .iter()
        .find(|f| f.openapi30 && f.slot == Names(kind))
        .map(|f| f.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `keys` from the document root, one slot at a time (a map or a list consumes one more
    /// key for the entry); the kind reached, or `None` where the path enters literal data.
    fn walk(keys: &[&str]) -> Option<Kind> {
        let mut kind = Document;
        let mut keys = keys.iter();
        while let Some(key) = keys.next() {
            kind = match slot(kind, key) {
                One(k) => k,
                Names(k) | List(k) => {
                    keys.next()?;
                    k
                }
                Extensible(k) => {
                    if is_extension(keys.next()?) {
                        return None;
                    }
                    k
                }
                Literal => return None,
            };
        }
        Some(kind)
    }

    #[test]
    fn a_response_schema_is_reached_through_every_level() {
        let cases: &[(&[&str], Option<Kind>)] = &[
            (&["paths", "/a"], Some(PathItem)),
            (&["paths", "/a", "get"], Some(Operation)),
            (&["paths", "/a", "get", "responses", "200"], Some(Response)),
            (
                &[
                    "paths",
                    "/a",
                    "get",
                    "responses",
                    "200",
                    "content",
                    "application/json",
                ],
                Some(MediaType),
            ),
            (
                &[
                    "paths",
                    "/a",
                    "get",
                    "responses",
                    "200",
                    "content",
                    "application/json",
                    "schema",
                ],
                Some(Schema),
            ),
            (&["paths", "/a", "parameters", "0", "schema"], Some(Schema)),
            (
                &["paths", "/a", "post", "requestBody", "content", "a/b"],
                Some(MediaType),
            ),
            (
                &["paths", "/a", "get", "responses", "200", "headers", "H"],
                Some(Header),
            ),
            (
                &["paths", "/a", "get", "callbacks", "cb", "{$url}", "post"],
                Some(Operation),
            ),
            (&["webhooks", "created", "post"], Some(Operation)),
            (&["x-webhooks", "created", "post"], Some(Operation)),
            (
                &["components", "schemas", "A", "properties", "b", "items"],
                Some(Schema),
            ),
            (
                &["components", "schemas", "A", "allOf", "1", "oneOf", "0"],
                Some(Schema),
            ),
            (
                &[
                    "components",
                    "schemas",
                    "A",
                    "$defs",
                    "B",
                    "prefixItems",
                    "0",
                ],
                Some(Schema),
            ),
            (&["components", "pathItems", "P", "get"], Some(Operation)),
            (&["components", "examples", "E"], Some(Example)),
            (
                &["components", "securitySchemes", "s"],
                Some(SecurityScheme),
            ),
            (&["info", "contact"], Some(Other)),
        ];
        for (keys, want) in cases {
            assert_eq!(walk(keys), *want, "{keys:?}");
        }
    }

    #[test]
    fn examples_defaults_enums_and_extensions_are_data() {
        let cases: &[&[&str]] = &[
            &["components", "schemas", "A", "example"],
            &["components", "schemas", "A", "examples"],
            &["components", "schemas", "A", "default"],
            &["components", "schemas", "A", "enum"],
            &["components", "schemas", "A", "const"],
            &["components", "schemas", "A", "x-notes"],
            &["components", "examples", "E", "value"],
            &["components", "links", "L", "parameters"],
            &["components", "links", "L", "requestBody"],
            &["components", "x-extra"],
            &["paths", "/a", "get", "x-codegen"],
            &[
                "paths",
                "/a",
                "get",
                "responses",
                "200",
                "content",
                "a/b",
                "example",
            ],
            &["paths", "/a", "get", "callbacks", "cb", "x-note"],
            &["x-tagGroups"],
            &["info", "x-logo"],
            &["tags", "default"],
        ];
        for keys in cases {
            assert_eq!(walk(keys), None, "{keys:?}");
        }
    }

    #[test]
    fn named_examples_are_objects_where_openapi_names_them() {
        assert_eq!(slot(Parameter, "examples"), Names(Example));
        assert_eq!(slot(Header, "examples"), Names(Example));
        assert_eq!(slot(MediaType, "examples"), Names(Example));
        assert_eq!(slot(Schema, "examples"), Literal);
        assert_eq!(slot(Response, "examples"), Literal);
    }

    #[test]
    fn extension_keys_are_data_only_where_a_map_is_extensible() {
        // `paths` and `responses` carry extensions beside their entries ...
        assert_eq!(walk(&["paths", "x-internal"]), None);
        assert_eq!(walk(&["paths", "/a", "get", "responses", "x-note"]), None);
        // ... a map of names does not: a property may be called `x-id`.
        assert_eq!(
            walk(&["components", "schemas", "A", "properties", "x-id"]),
            Some(Schema)
        );
        assert_eq!(walk(&["components", "schemas", "x-A"]), Some(Schema));
    }

    #[test]
    fn component_sections_are_those_of_openapi_3_0() {
        assert_eq!(component_section(Schema), Some("schemas"));
        assert_eq!(component_section(Parameter), Some("parameters"));
        assert_eq!(component_section(Response), Some("responses"));
        assert_eq!(component_section(RequestBody), Some("requestBodies"));
        assert_eq!(component_section(Header), Some("headers"));
        assert_eq!(component_section(Example), Some("examples"));
        assert_eq!(component_section(Link), Some("links"));
        assert_eq!(component_section(Callback), Some("callbacks"));
        assert_eq!(component_section(SecurityScheme), Some("securitySchemes"));
        // `components.pathItems` is OpenAPI 3.1: a path item is inlined, as an operation is.
        assert_eq!(component_section(PathItem), None);
        assert_eq!(component_section(Operation), None);
        assert_eq!(component_section(MediaType), None);
    }

    #[test]
    fn openapi_3_1_keywords_are_marked() {
        let schema_30: Vec<&str> = fields(Schema)
            .iter()
            .filter(|f| f.openapi30)
            .map(|f| f.key)
            .collect();
        assert_eq!(
            schema_30,
            [
                "items",
                "not",
                "additionalProperties",
                "properties",
                "allOf",
                "oneOf",
                "anyOf"
            ]
        );
        let boolean: Vec<&str> = fields(Schema)
            .iter()
            .filter(|f| f.or_boolean)
            .map(|f| f.key)
            .collect();
        assert_eq!(boolean, ["additionalProperties"]);
        assert!(
            fields(Document)
                .iter()
                .any(|f| f.key == "webhooks" && !f.openapi30)
        );
    }
}
