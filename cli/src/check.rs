//! Checking JSON input against the SDK's types before anything is sent.
//!
//! A named type is checked by a round trip through the SDK's own type (`klarna::registry::roundtrip`):
//! what does not deserialize is an error, located by its JSON pointer (`/amount: expected an integer,
//! got a string`); keys the type does not have (they would not survive the type, so Klarna would never
//! see what the user meant) are returned as [`Unknown`] for the caller to refuse or allow.

use serde_json::Value;

use crate::table::Shape;

/// A key of the input that the SDK's type does not have.
#[derive(Debug, PartialEq, Eq)]
pub struct Unknown {
    /// Where, as a JSON pointer (`/amout`, `/items/0/nmae`).
    pub pointer: String,
    /// The type that does not have it (`payment::CreatePaymentRequestRequest`).
    pub type_name: &'static str,
}

/// A JSON pointer's text for messages: `the body` for the whole document.
pub fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the body"
    } else {
        pointer
    }
}

/// `pointer` extended by one reference token, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// What a JSON value is, for "expected ..., got ..." messages.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `value`, found at the JSON pointer `at`, against `shape`. Fails with `<pointer>: <what>`;
/// returns the keys the SDK's types do not have.
pub fn check_value(shape: &Shape, value: &Value, at: &str) -> Result<Vec<Unknown>, String> {
    let expected = |what: &str| {
        Err(format!(
            "{}: expected {what}, got {}",
            shown(at),
            kind_of(value)
        ))
    };
    match shape {
        Shape::Json | Shape::Bytes => Ok(Vec::new()),
        Shape::Bool if !value.is_boolean() => expected("true or false"),
        Shape::Integer if !(value.is_i64() || value.is_u64()) => expected("an integer"),
        Shape::Number if !value.is_number() => expected("a number"),
        Shape::String if !value.is_string() => expected("a string"),
        Shape::Bool | Shape::Integer | Shape::Number | Shape::String => Ok(Vec::new()),
        Shape::List(inner) => {
            let Some(items) = value.as_array() else {
                return expected("an array");
            };
            let mut unknown = Vec::new();
            for (i, item) in items.iter().enumerate() {
                unknown.extend(check_value(inner, item, &child(at, &i.to_string()))?);
            }
            Ok(unknown)
        }
        Shape::Map(inner) => {
            let Some(map) = value.as_object() else {
                return expected("an object");
            };
            let mut unknown = Vec::new();
            for (k, v) in map {
                unknown.extend(check_value(inner, v, &child(at, k))?);
            }
            Ok(unknown)
        }
        Shape::OrNull(_) if value.is_null() => Ok(Vec::new()),
        Shape::OrNull(inner) => check_value(inner, value, at),
        Shape::Named(name) => check_named(name, value, at),
    }
}

fn check_named(name: &'static str, value: &Value, at: &str) -> Result<Vec<Unknown>, String> {
    match klarna::registry::roundtrip(name, value.clone()) {
        None => Err(format!(
            "{}: the SDK has no type `{name}` to check it against",
            shown(at)
        )),
        Some(Err(e)) => {
            let (pointer, what) = locate(name, value, &e.to_string());
            Err(format!(
                "{}: {what} (checked against the SDK's type `{name}`)",
                shown(&format!("{at}{pointer}"))
            ))
        }
        Some(Ok(back)) => {
            let mut pointers = Vec::new();
            unknown_keys(value, &back, at, &mut pointers);
            Ok(pointers
                .into_iter()
                .map(|pointer| Unknown {
                    pointer,
                    type_name: name,
                })
                .collect())
        }
    }
}

/// Keys (with a non-null value) of `given` that the round trip through the SDK's type dropped.
fn unknown_keys(given: &Value, back: &Value, at: &str, out: &mut Vec<String>) {
    match (given, back) {
        (Value::Object(g), Value::Object(b)) => {
            for (k, v) in g {
                let path = child(at, k);
                match b.get(k) {
                    None if !v.is_null() => out.push(path),
                    Some(bv) => unknown_keys(v, bv, &path, out),
                    None => {}
                }
            }
        }
        (Value::Array(g), Value::Array(b)) => {
            for (i, (gv, bv)) in g.iter().zip(b).enumerate() {
                unknown_keys(gv, bv, &child(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// One step of a path into a JSON value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn get<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

/// `value` without the member or element at `path`.
fn without(value: &Value, path: &[Step]) -> Value {
    let mut copy = value.clone();
    if let Some((last, parent)) = path.split_last() {
        let mut target = &mut copy;
        for step in parent {
            let next = match step {
                Step::Key(k) => target.get_mut(k),
                Step::Index(i) => target.get_mut(*i),
            };
            match next {
                Some(n) => target = n,
                None => return copy,
            }
        }
        match (last, target) {
            (Step::Key(k), Value::Object(map)) => {
                map.remove(k);
            }
            (Step::Index(i), Value::Array(items)) if *i < items.len() => {
                items.remove(*i);
            }
            _ => {}
        }
    }
    copy
}

/// Where in `value` the SDK's type `name` fails with `error`, and what is wrong there: the deepest
/// member or element whose removal makes that error go away (the SDK's error messages carry no
/// position, so the error is found by taking the input apart).
fn locate(name: &str, value: &Value, error: &str) -> (String, String) {
    let mut path: Vec<Step> = Vec::new();
    loop {
        let children: Vec<Step> = match get(value, &path) {
            Some(Value::Object(map)) => map.keys().cloned().map(Step::Key).collect(),
            Some(Value::Array(items)) => (0..items.len()).map(Step::Index).collect(),
            _ => break,
        };
        let culprit = children.into_iter().find(|step| {
            let mut trial = path.clone();
            trial.push(step.clone());
            match klarna::registry::roundtrip(name, without(value, &trial)) {
                Some(Ok(_)) => true,
                Some(Err(e)) => {
                    let e = e.to_string();
                    match (missing_field(&e), step) {
                        // Removing a required member makes it missing. The type reads every member
                        // present before it looks for missing ones, so this hides the original error
                        // only if that was in this member, or was itself a missing member.
                        (Some(field), Step::Key(k)) if field == k => missing_field(error).is_none(),
                        _ => e != error,
                    }
                }
                None => false,
            }
        });
        match culprit {
            Some(step) => path.push(step),
            None => break,
        }
    }
    let mut pointer = String::new();
    for step in &path {
        pointer = match step {
            Step::Key(k) => child(&pointer, k),
            Step::Index(i) => child(&pointer, &i.to_string()),
        };
    }
    match missing_field(error) {
        Some(field) => (
            child(&pointer, field),
            "missing: a required field".to_owned(),
        ),
        None => (pointer, describe(error)),
    }
}

/// The field of serde's "missing field `x`".
fn missing_field(error: &str) -> Option<&str> {
    error
        .strip_prefix("missing field `")?
        .split_once('`')
        .map(|(field, _)| field)
}

/// serde's "invalid type: string \"x\", expected i64" as "expected an integer, got a string (\"x\")";
/// any other message as it is.
fn describe(error: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = error.strip_prefix(prefix)
            && let Some((got, expected)) = rest.rsplit_once(", expected ")
        {
            return format!(
                "expected {}, got {}",
                expected_text(expected),
                got_text(got)
            );
        }
    }
    error.to_owned()
}

fn expected_text(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => "an integer".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        other => match other.strip_prefix("struct ") {
            Some(ty) => format!("an object (`{ty}`)"),
            None => other.to_owned(),
        },
    }
}

fn got_text(got: &str) -> String {
    let with = |kind: &str, value: &str| format!("{kind} ({value})");
    if let Some(s) = got.strip_prefix("string ") {
        return with("a string", s);
    }
    for (prefix, kind) in [
        ("integer ", "an integer"),
        ("floating point ", "a number"),
        ("boolean ", "a boolean"),
    ] {
        if let Some(v) = got.strip_prefix(prefix) {
            return with(kind, v.trim_matches('`'));
        }
    }
    match got {
        "map" => "an object".to_owned(),
        "sequence" => "an array".to_owned(),
        "null" | "unit value" => "null".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_read_as_expected_and_got() {
        assert_eq!(
            describe(r#"invalid type: string "100", expected i64"#),
            r#"expected an integer, got a string ("100")"#
        );
        assert_eq!(
            describe("invalid type: sequence, expected struct Amount"),
            "expected an object (`Amount`), got an array"
        );
        assert_eq!(
            describe("invalid type: integer `5`, expected a string"),
            "expected a string, got an integer (5)"
        );
        assert_eq!(describe("something else"), "something else");
        assert_eq!(missing_field("missing field `currency`"), Some("currency"));
    }

    #[test]
    fn pointers_escape_as_rfc_6901_says() {
        assert_eq!(child("", "a/b~c"), "/a~1b~0c");
        assert_eq!(child("/x", "0"), "/x/0");
    }

    #[test]
    fn simple_shapes_name_the_pointer() {
        let err = check_value(&Shape::Integer, &Value::String("1".into()), "/size").unwrap_err();
        assert_eq!(err, "/size: expected an integer, got a string");
        static INNER: Shape = Shape::Bool;
        let err = check_value(&Shape::List(&INNER), &serde_json::json!([true, 3]), "").unwrap_err();
        assert_eq!(err, "/1: expected true or false, got an integer");
    }
}
