//! Pass: the names `klarna-testing`'s generated stubs give what they stub, decided here with every other
//! name so the stubs emitter only reads them: per resource its stubs type, per operation the static
//! holding its route, per parameter its `When` method, per success response its `Then` method.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::lower::*;

/// The methods the hand-written `When` of `klarna-testing` has for every operation: a parameter of the
/// same name gets the method `<name>_param` instead.
pub const WHEN_METHODS: &[&str] = &[
    "body",
    "body_matches",
    "header",
    "query",
    "matching",
    "with_path",
    "with_query",
    "with_header",
    "with_json_body",
    "with_typed_body",
];

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    for r in &mut api.resources {
        r.stubs = stubs_name(&r.accessor);
        for op in &mut r.operations {
            op.route = op.builder.to_shouty_snake_case();
            for p in op
                .path_params
                .iter_mut()
                .chain(&mut op.query_params)
                .chain(&mut op.header_params)
            {
                p.stub_method = when_method(&p.name.rust);
            }
            for (i, alt) in op.response.alternatives.iter_mut().enumerate() {
                alt.stub_answer = then_method(i, &alt.variant);
            }
        }
    }
}

/// `payment_requests` → `PaymentRequestsStubs`.
fn stubs_name(accessor: &str) -> String {
    format!("{}Stubs", unraw(accessor).to_upper_camel_case())
}

/// A parameter's `When` method: its Rust name, or `<name>_param` when that is one of [`WHEN_METHODS`].
fn when_method(rust: &str) -> String {
    let name = unraw(rust);
    if WHEN_METHODS.contains(&name) {
        format!("{name}_param")
    } else {
        rust.to_owned()
    }
}

/// The `Then` method answering with the `index`th success response, whose enum variant is `variant`:
/// `ok` for the primary response, `ok_<variant>` for the others (`ok_status201`).
fn then_method(index: usize, variant: &str) -> String {
    if index == 0 {
        "ok".to_owned()
    } else {
        format!("ok_{}", variant.to_snake_case())
    }
}

#[cfg(test)]
mod tests {
    use super::{stubs_name, then_method, when_method};

    #[test]
    fn stub_names_follow_the_sdk_names() {
        assert_eq!(stubs_name("payment_requests"), "PaymentRequestsStubs");
        assert_eq!(stubs_name("r#type"), "TypeStubs");
        assert_eq!(when_method("body"), "body_param");
        assert_eq!(when_method("r#query"), "query_param");
        assert_eq!(when_method("r#type"), "r#type");
        assert_eq!(when_method("size"), "size");
        assert_eq!(then_method(0, "Status200"), "ok");
        assert_eq!(then_method(1, "Status201"), "ok_status201");
        assert_eq!(then_method(2, "Status2xx"), "ok_status2xx");
    }
}
