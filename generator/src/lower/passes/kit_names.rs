//! Pass: the names `klarna-testing`'s generated stubs give what they stub, decided here with every other
//! name so the stubs emitter only reads them: per resource its stubs type, per operation the static
//! holding its route, per parameter its `When` method.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};

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

#[cfg(test)]
mod tests {
    use super::{stubs_name, when_method};

    #[test]
    fn stub_names_follow_the_sdk_names() {
        assert_eq!(stubs_name("payment_requests"), "PaymentRequestsStubs");
        assert_eq!(stubs_name("r#type"), "TypeStubs");
        assert_eq!(when_method("body"), "body_param");
        assert_eq!(when_method("r#query"), "query_param");
        assert_eq!(when_method("r#type"), "r#type");
        assert_eq!(when_method("size"), "size");
    }
}
