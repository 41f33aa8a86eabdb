//! Pass: the names the `klarna` command line gives what it calls, decided here with every other name so
//! its table's emitter (`cli_table.rs`) only reads them: per resource and per operation its command, the
//! SDK's Rust name in kebab case.

use crate::lower::*;

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, _diags: &mut Diagnostics) {
    for r in &mut api.resources {
        r.command = command_name(&r.accessor);
        for op in &mut r.operations {
            op.command = command_name(&op.id.rust);
        }
    }
}

/// `payment_requests` → `payment-requests`; a raw identifier loses its `r#`, and a keyword that no raw
/// identifier can spell (`self_`, `super_`) its trailing underscore: a command line has no keywords.
fn command_name(rust: &str) -> String {
    let bare = unraw(rust);
    let bare = match bare.trim_end_matches('_') {
        "" => bare,
        trimmed => trimmed,
    };
    bare.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::command_name;
    use crate::lower::test_support::{doc, lower_until, op};

    #[test]
    fn command_names_are_kebab_case_without_raw_prefixes() {
        assert_eq!(command_name("r#type_list"), "type-list");
        assert_eq!(command_name("payment_requests"), "payment-requests");
        assert_eq!(command_name("r#type"), "type");
        assert_eq!(command_name("self_"), "self");
        assert_eq!(command_name("super_"), "super");
    }

    #[test]
    fn the_pass_names_resources_and_operations() {
        let yaml = doc(
            "  /v1/things:\n    get:\n      operationId: listThingItems\n      tags: [Thing Items]\n      responses:\n        '204': {description: ok}",
            "",
        );
        let (before, _) = lower_until(&yaml, Some("kit_names"));
        assert_eq!(op(&before, "listThingItems").command, "");
        let (api, _) = lower_until(&yaml, Some("cli_names"));
        let resource = &api.resources[0];
        assert_eq!(resource.command, resource.accessor.replace('_', "-"));
        let o = op(&api, "listThingItems");
        assert_eq!(o.command, o.id.rust.replace('_', "-"));
        assert_eq!(resource.command, "thing-items");
    }
}
