//! Parameters written by their OpenAPI `style` and `explode`: path (`simple`, `label`, `matrix`), query
//! (`form`, `spaceDelimited`, `pipeDelimited`), header (`simple`), cookie (`form`, see [`cookie`]), for
//! scalars, lists and objects.
//!
//! Generated code calls these for every parameter that is not a plain scalar in its location's default
//! style (scalars and exploded query lists go through [`Request::query`] and [`Request::header`] directly,
//! `deepObject` and exploded form objects through [`Request::query_object`]). The value is serialized to
//! JSON first, so every generated type that serializes can be written; how each shape is written follows
//! the table of OpenAPI 3.1's "Style Examples":
//!
//! | style | explode | scalar `5` | list `[3, 4]` | object `{a: 1, b: 2}` |
//! |---|---|---|---|---|
//! | simple | false | `5` | `3,4` | `a,1,b,2` |
//! | simple | true | `5` | `3,4` | `a=1,b=2` |
//! | label | false | `.5` | `.3,4` | `.a,1,b,2` |
//! | label | true | `.5` | `.3.4` | `.a=1.b=2` |
//! | matrix | false | `;id=5` | `;id=3,4` | `;id=a,1,b,2` |
//! | matrix | true | `;id=5` | `;id=3;id=4` | `;a=1;b=2` |
//! | form | false | `id=5` | `id=3,4` | `id=a,1,b,2` |
//! | form | true | `id=5` | `id=3&id=4` | `a=1&b=2` |
//! | spaceDelimited | false | `id=5` | `id=3 4` | `id=a 1 b 2` |
//! | pipeDelimited | false | `id=5` | `id=3\|4` | `id=a\|1\|b\|2` |
//!
//! `spaceDelimited` and `pipeDelimited` with `explode: true` write what `form` does. Text is written as it
//! is, numbers as JSON writes them, booleans as `true`/`false`; `null` (a scalar, an item or a member) is
//! left out; an item or member that is itself a list or an object, which no style defines, is written as
//! JSON text. In the path each item, key and value is percent-encoded on its own, so a `,` or `.` inside a
//! value cannot be mistaken for a delimiter; the query string and headers are encoded as a whole by the
//! transport.

use serde::Serialize;
use serde_json::Value;

use crate::Error;
use crate::request::{Request, encode_path_segment, expand_path};

/// An OpenAPI parameter `style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// `simple`: path and header; items joined with `,`.
    Simple,
    /// `label`: path; prefixed with `.`.
    Label,
    /// `matrix`: path; `;name=value`.
    Matrix,
    /// `form`: query; `name=value`, lists joined with `,` unless exploded.
    Form,
    /// `spaceDelimited`: query; items joined with a space.
    SpaceDelimited,
    /// `pipeDelimited`: query; items joined with `|`.
    PipeDelimited,
}

/// A parameter value as the styles see it.
enum Shape {
    /// `null`: the parameter is left out.
    Absent,
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        // No style defines nested lists or objects: JSON text says exactly what the value is.
        Value::Array(_) | Value::Object(_) => Some(value.to_string()),
    }
}

fn shape(value: &Value) -> Shape {
    match value {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(items.iter().filter_map(text).collect()),
        Value::Object(members) => Shape::Object(
            members
                .iter()
                .filter_map(|(k, v)| text(v).map(|v| (k.clone(), v)))
                .collect(),
        ),
        scalar => text(scalar).map_or(Shape::Absent, Shape::Scalar),
    }
}

/// Serializes `value`, or records why not on `request`.
fn serialize<T: Serialize + ?Sized>(
    request: &mut Request,
    location: &str,
    name: &str,
    value: &T,
) -> Option<Shape> {
    match serde_json::to_value(value) {
        Ok(v) => Some(shape(&v)),
        Err(e) => {
            if request.build_error.is_none() {
                request.build_error = Some(Error::invalid_request(format!(
                    "{location} parameter `{name}` cannot be serialized: {e}"
                )));
            }
            None
        }
    }
}

/// Joins an object's members: `k,v,k,v` or, exploded, `k=v` joined with `sep`.
fn members(members: &[(String, String)], explode: bool, sep: &str) -> String {
    let mut out = String::new();
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(if explode { sep } else { "," });
        }
        out.push_str(k);
        out.push(if explode { '=' } else { ',' });
        out.push_str(v);
    }
    out
}

/// Adds query parameter `name` written in `style` (`form`, `spaceDelimited` or `pipeDelimited`; path and
/// header styles are written as `form`). A `null` value adds nothing; a value that cannot be serialized
/// makes `execute` fail with an invalid-request error.
///
/// ```
/// use oapi_runtime::param_style::{Style, query};
/// use oapi_runtime::{Method, Request};
/// let request = Request::new("list", Method::GET, "/things".to_owned());
/// let request = query(request, "ids", &[3, 4], Style::PipeDelimited, false);
/// # let _ = request;
/// ```
pub fn query<T: Serialize + ?Sized>(
    mut request: Request,
    name: &'static str,
    value: &T,
    style: Style,
    explode: bool,
) -> Request {
    let Some(shape) = serialize(&mut request, "query", name, value) else {
        return request;
    };
    let delimiter = match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    match shape {
        Shape::Absent => {}
        Shape::Scalar(v) => request.query.push((name.into(), v)),
        Shape::List(items) if explode => {
            request
                .query
                .extend(items.into_iter().map(|v| (name.into(), v)));
        }
        Shape::List(items) => request.query.push((name.into(), items.join(delimiter))),
        Shape::Object(pairs) if explode => {
            request
                .query
                .extend(pairs.into_iter().map(|(k, v)| (k.into(), v)));
        }
        Shape::Object(pairs) => {
            let flat: Vec<String> = pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
            request.query.push((name.into(), flat.join(delimiter)));
        }
    }
    request
}

/// Adds header parameter `name` in the `simple` style (the only one OpenAPI allows for headers): lists
/// as `a,b`, objects as `k,v,k,v` or, exploded, `k=v,k=v`. `sensitive` marks the value as
/// [`Request::sensitive_header`] does. A `null` value adds nothing.
pub fn header<T: Serialize + ?Sized>(
    mut request: Request,
    name: &'static str,
    value: &T,
    explode: bool,
    sensitive: bool,
) -> Request {
    let Some(shape) = serialize(&mut request, "header", name, value) else {
        return request;
    };
    let value = match shape {
        Shape::Absent => return request,
        Shape::Scalar(v) => v,
        Shape::List(items) => items.join(","),
        Shape::Object(pairs) => members(&pairs, explode, ","),
    };
    request.headers.push((name, value, sensitive));
    request
}

/// Adds cookie parameter `name` in the `form` style (the only one OpenAPI allows for cookies) to the
/// request's one `Cookie` header: `name=v`; a list `name=a,b` or, exploded, `name=a; name=b`; an object
/// `name=k,v,k,v` or, exploded, `k=v; k2=v2`. Bytes a cookie value may not hold (space, `"`, `,`, `;`,
/// `\`, `%`, control and non-ASCII bytes) are percent-encoded in each item. `sensitive` marks the header
/// as [`Request::sensitive_header`] does. A `null` value adds nothing.
pub fn cookie<T: Serialize + ?Sized>(
    mut request: Request,
    name: &'static str,
    value: &T,
    explode: bool,
    sensitive: bool,
) -> Request {
    let Some(shape) = serialize(&mut request, "cookie", name, value) else {
        return request;
    };
    let enc = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            // RFC 6265 cookie-octet, without `%` so that the encoding can be undone.
            if matches!(b, 0x21 | 0x23..=0x24 | 0x26..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
            {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let name_enc = enc(name);
    let pairs: Vec<String> = match shape {
        Shape::Absent => return request,
        Shape::Scalar(v) => vec![format!("{name_enc}={}", enc(&v))],
        Shape::List(items) if explode => items
            .iter()
            .map(|v| format!("{name_enc}={}", enc(v)))
            .collect(),
        Shape::List(items) => {
            let joined: Vec<String> = items.iter().map(|v| enc(v)).collect();
            vec![format!("{name_enc}={}", joined.join(","))]
        }
        Shape::Object(members) if explode => members
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect(),
        Shape::Object(members) => {
            let flat: Vec<String> = members.iter().flat_map(|(k, v)| [enc(k), enc(v)]).collect();
            vec![format!("{name_enc}={}", flat.join(","))]
        }
    };
    let text = pairs.join("; ");
    match request
        .headers
        .iter_mut()
        .find(|(n, _, _)| n.eq_ignore_ascii_case("cookie"))
    {
        Some((_, existing, was_sensitive)) => {
            existing.push_str("; ");
            existing.push_str(&text);
            *was_sensitive |= sensitive;
        }
        None => request.headers.push(("Cookie", text, sensitive)),
    }
    request
}

/// Builds a request path whose parameters are written in their styles: literal pieces and parameters in
/// template order, each parameter percent-encoded (see the [module docs](self)).
///
/// ```
/// use oapi_runtime::Method;
/// use oapi_runtime::param_style::{PathBuilder, Style};
/// let request = PathBuilder::new(&["/things/", "/parts/", ""])
///     .plain("t 1")
///     .styled("ids", &["a,b", "c"], Style::Matrix, true)
///     .request("getParts", Method::GET);
/// assert_eq!(request.path(), "/things/t%201/parts/;ids=a%2Cb;ids=c");
/// ```
#[derive(Debug)]
pub struct PathBuilder<'a> {
    pieces: std::slice::Iter<'a, &'a str>,
    path: String,
    error: Option<Error>,
}

impl<'a> PathBuilder<'a> {
    /// Starts a path from its literal pieces (one more than its parameters).
    pub fn new(pieces: &'a [&'a str]) -> Self {
        let mut pieces = pieces.iter();
        let path = pieces.next().map(|p| (*p).to_owned()).unwrap_or_default();
        PathBuilder {
            pieces,
            path,
            error: None,
        }
    }

    fn push(mut self, segment: &str) -> Self {
        self.path.push_str(segment);
        if let Some(piece) = self.pieces.next() {
            self.path.push_str(piece);
        }
        self
    }

    /// The next parameter, a scalar already written as text (as [`expand_path`] writes it).
    pub fn plain(self, value: &str) -> Self {
        let segment = expand_path(&["", ""], &[value]);
        self.push(&segment)
    }

    /// The next parameter, written in `style` (`simple`, `label` or `matrix`; query styles are written as
    /// `simple`). `name` is written by `matrix`. A value that cannot be serialized makes `execute` fail
    /// with an invalid-request error.
    pub fn styled<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Self {
        let shape = match serde_json::to_value(value) {
            Ok(v) => shape(&v),
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(Error::invalid_request(format!(
                        "path parameter `{name}` cannot be serialized: {e}"
                    )));
                }
                Shape::Absent
            }
        };
        let segment = path_segment(name, shape, style, explode);
        // Never a `.` or `..` segment, which URL parsing would collapse.
        let segment = match segment.as_str() {
            "." => "%2E".to_owned(),
            ".." => "%2E%2E".to_owned(),
            _ => segment,
        };
        self.push(&segment)
    }

    /// The request with this path.
    pub fn request(self, operation_id: &'static str, method: crate::Method) -> Request {
        let mut request = Request::new(operation_id, method, self.path);
        request.build_error = self.error;
        request
    }
}

fn path_segment(name: &str, shape: Shape, style: Style, explode: bool) -> String {
    // Each item, key and value on its own, with the delimiters of every path style encoded.
    let enc = |s: &str| {
        let e = encode_path_segment(s)
            .replace(',', "%2C")
            .replace(';', "%3B")
            .replace('=', "%3D");
        if style == Style::Label {
            e.replace('.', "%2E")
        } else {
            e
        }
    };
    let name = enc(name);
    let (prefix, item_sep) = match style {
        Style::Label => (".".to_owned(), if explode { "." } else { "," }),
        Style::Matrix => (format!(";{name}="), ","),
        _ => (String::new(), ","),
    };
    match shape {
        Shape::Absent => match style {
            Style::Label => ".".to_owned(),
            Style::Matrix => format!(";{name}"),
            _ => String::new(),
        },
        Shape::Scalar(v) => format!("{prefix}{}", enc(&v)),
        Shape::List(list) => {
            let items: Vec<String> = list.iter().map(|v| enc(v)).collect();
            if style == Style::Matrix && explode {
                items.iter().map(|v| format!(";{name}={v}")).collect()
            } else {
                format!("{prefix}{}", items.join(item_sep))
            }
        }
        Shape::Object(list) => {
            let pairs: Vec<(String, String)> = list.iter().map(|(k, v)| (enc(k), enc(v))).collect();
            match (style, explode) {
                (Style::Matrix, true) => pairs.iter().map(|(k, v)| format!(";{k}={v}")).collect(),
                (Style::Label, true) => format!(".{}", members(&pairs, true, ".")),
                (_, true) => members(&pairs, true, ","),
                (_, false) => format!("{prefix}{}", members(&pairs, false, ",")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;
    use serde_json::json;

    fn path(value: Value, style: Style, explode: bool) -> String {
        PathBuilder::new(&["/x/", ""])
            .styled("id", &value, style, explode)
            .request("t", Method::GET)
            .path
            .trim_start_matches("/x/")
            .to_owned()
    }

    fn query_text(value: Value, style: Style, explode: bool) -> Vec<(String, String)> {
        let request = query(
            Request::new("t", Method::GET, "/".into()),
            "id",
            &value,
            style,
            explode,
        );
        request
            .query
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn path_styles_follow_the_openapi_table() {
        let scalar = json!(5);
        let list = json!([3, 4]);
        let object = json!({"a": 1, "b": 2});
        let table = [
            (Style::Simple, false, ["5", "3,4", "a,1,b,2"]),
            (Style::Simple, true, ["5", "3,4", "a=1,b=2"]),
            (Style::Label, false, [".5", ".3,4", ".a,1,b,2"]),
            (Style::Label, true, [".5", ".3.4", ".a=1.b=2"]),
            (Style::Matrix, false, [";id=5", ";id=3,4", ";id=a,1,b,2"]),
            (Style::Matrix, true, [";id=5", ";id=3;id=4", ";a=1;b=2"]),
        ];
        for (style, explode, [s, l, o]) in table {
            assert_eq!(
                path(scalar.clone(), style, explode),
                s,
                "{style:?} {explode}"
            );
            assert_eq!(path(list.clone(), style, explode), l, "{style:?} {explode}");
            assert_eq!(
                path(object.clone(), style, explode),
                o,
                "{style:?} {explode}"
            );
        }
    }

    #[test]
    fn path_values_cannot_pass_for_delimiters() {
        assert_eq!(
            path(json!(["a,b", "c/d"]), Style::Simple, false),
            "a%2Cb,c%2Fd"
        );
        assert_eq!(path(json!(["a.b", "c"]), Style::Label, true), ".a%2Eb.c");
        assert_eq!(path(json!({"k=": "v;"}), Style::Matrix, true), ";k%3D=v%3B");
        assert_eq!(path(json!(".."), Style::Simple, false), "%2E%2E");
        assert_eq!(path(json!(""), Style::Label, false), "%2E");
    }

    #[test]
    fn query_styles_follow_the_openapi_table() {
        let list = json!([3, 4]);
        let object = json!({"a": 1, "b": 2});
        assert_eq!(
            query_text(json!(5), Style::Form, true),
            pairs(&[("id", "5")])
        );
        assert_eq!(
            query_text(list.clone(), Style::Form, true),
            pairs(&[("id", "3"), ("id", "4")])
        );
        assert_eq!(
            query_text(list.clone(), Style::Form, false),
            pairs(&[("id", "3,4")])
        );
        assert_eq!(
            query_text(list.clone(), Style::SpaceDelimited, false),
            pairs(&[("id", "3 4")])
        );
        assert_eq!(
            query_text(list.clone(), Style::PipeDelimited, false),
            pairs(&[("id", "3|4")])
        );
        assert_eq!(
            query_text(list, Style::PipeDelimited, true),
            pairs(&[("id", "3"), ("id", "4")])
        );
        assert_eq!(
            query_text(object.clone(), Style::Form, true),
            pairs(&[("a", "1"), ("b", "2")])
        );
        assert_eq!(
            query_text(object.clone(), Style::Form, false),
            pairs(&[("id", "a,1,b,2")])
        );
        assert_eq!(
            query_text(object, Style::SpaceDelimited, false),
            pairs(&[("id", "a 1 b 2")])
        );
        assert_eq!(query_text(Value::Null, Style::Form, false), pairs(&[]));
    }

    #[test]
    fn headers_are_simple() {
        let send = |value: Value, explode| {
            let r = header(
                Request::new("t", Method::GET, "/".into()),
                "X-Ids",
                &value,
                explode,
                false,
            );
            r.headers.first().map(|(_, v, _)| v.clone())
        };
        assert_eq!(send(json!(["a", "b"]), false).as_deref(), Some("a,b"));
        assert_eq!(
            send(json!({"a": 1, "b": true}), false).as_deref(),
            Some("a,1,b,true")
        );
        assert_eq!(
            send(json!({"a": 1, "b": true}), true).as_deref(),
            Some("a=1,b=true")
        );
        assert_eq!(send(json!([]), false).as_deref(), Some(""));
        assert_eq!(send(Value::Null, false), None);
    }

    #[test]
    fn cookies_share_one_header_in_the_form_style() {
        let r = Request::new("t", Method::GET, "/".into());
        let r = cookie(r, "session", &json!("a b;c"), true, true);
        let r = cookie(r, "ids", &json!([1, 2]), false, false);
        let r = cookie(r, "tags", &json!(["x", "y"]), true, false);
        let r = cookie(r, "pt", &json!({"a": 1, "b": 2}), true, false);
        let r = cookie(r, "obj", &json!({"a": 1}), false, false);
        let r = cookie(r, "none", &Value::Null, true, false);
        assert_eq!(r.headers.len(), 1);
        let (name, value, sensitive) = &r.headers[0];
        assert_eq!(*name, "Cookie");
        assert_eq!(
            value,
            "session=a%20b%3Bc; ids=1,2; tags=x; tags=y; a=1; b=2; obj=a,1"
        );
        assert!(
            *sensitive,
            "one sensitive cookie makes the header sensitive"
        );
    }

    #[test]
    fn a_value_that_cannot_serialize_fails_the_request() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        let r = header(
            Request::new("t", Method::GET, "/".into()),
            "X-Map",
            &map,
            false,
            false,
        );
        let e = r.build_error.expect("an error");
        assert!(e.to_string().contains("header parameter `X-Map`"), "{e}");
        let r = PathBuilder::new(&["/", ""])
            .styled("m", &map, Style::Simple, false)
            .request("t", Method::GET);
        assert!(r.build_error.is_some());
    }
}
