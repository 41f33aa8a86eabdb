//! `application/x-www-form-urlencoded` bodies and `deepObject` query parameters.
//!
//! Both flatten a JSON value into `name=value` pairs the way form APIs (Stripe's, for one) read them:
//! an object's members become `name[key]`, a list's items `name[0]`, `name[1]`, ..., scalars are written
//! as text (`true`/`false`, numbers as JSON writes them), `null` is left out. The flattening is defined on
//! `serde_json::Value`, so every generated type that serializes to JSON can be sent this way.

use serde_json::Value;

/// Flattens `value` under `name` into pairs (`name[a][0]=x`); a top-level object with an empty `name`
/// flattens to its members (`a[0]=x`).
pub fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name.to_owned(), b.to_string())),
        Value::Number(n) => out.push((name.to_owned(), n.to_string())),
        Value::String(s) => out.push((name.to_owned(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&key(name, &i.to_string()), item, out);
            }
        }
        Value::Object(members) => {
            for (k, v) in members {
                flatten(&key(name, k), v, out);
            }
        }
    }
}

fn key(prefix: &str, member: &str) -> String {
    if prefix.is_empty() {
        member.to_owned()
    } else {
        format!("{prefix}[{member}]")
    }
}

/// Encodes pairs as `application/x-www-form-urlencoded` text.
pub fn encode(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_component(k, &mut out);
        out.push('=');
        encode_component(v, &mut out);
    }
    out
}

fn encode_component(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_values_flatten_to_bracketed_names() {
        let mut pairs = Vec::new();
        flatten(
            "",
            &json!({"amount": 1000, "metadata": {"order": "A 1"}, "items": [{"price": "p_1"}, {"price": "p_2"}], "gone": null, "ok": true}),
            &mut pairs,
        );
        // Member order follows serde_json's map order (sorted, or insertion order with `preserve_order`).
        pairs.sort();
        assert_eq!(
            encode(&pairs),
            "amount=1000&items%5B0%5D%5Bprice%5D=p_1&items%5B1%5D%5Bprice%5D=p_2&metadata%5Border%5D=A+1&ok=true"
        );
    }

    #[test]
    fn a_deep_object_parameter_flattens_under_its_name() {
        let mut pairs = Vec::new();
        flatten("created", &json!({"gte": 10, "lt": 20}), &mut pairs);
        assert_eq!(
            pairs,
            vec![
                ("created[gte]".to_owned(), "10".to_owned()),
                ("created[lt]".to_owned(), "20".to_owned())
            ]
        );
    }
}
