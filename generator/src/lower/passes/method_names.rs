//! Pass: method names on a resource, shortened by dropping the resource's noun where that leaves them
//! unambiguous (`create_webhook` on `webhooks` → `create`).

use crate::lower::*;

/// The pass: names the methods of every resource (renames reported at the operation) and orders the
/// operations by them.
pub(in crate::lower) fn run(api: &mut Api, diags: &mut Diagnostics) {
    for r in &mut api.resources {
        for (pointer, c) in name_methods(&r.name.wire, &mut r.operations) {
            diags.push(
                Diagnostic::warning(
                    api.source.file.clone(),
                    Location::Pointer(pointer),
                    names::rename_message("method", &c),
                )
                .degrades(Degradation::Renamed),
            );
        }
        r.operations.sort_by(|a, b| a.id.rust.cmp(&b.id.rust));
    }
}

/// Method names drop the resource noun where that stays unambiguous: in resource "Webhooks",
/// `createWebhook` becomes `create` and `listWebhooks` becomes `list`. When two shortened names collide,
/// both keep their full names. Returns the renames (operation pointer, collision) for the caller to
/// report: a full name can still meet a reserved name or another operation's.
pub(in crate::lower) fn name_methods(
    tag: &str,
    operations: &mut [Operation],
) -> Vec<(String, Collision)> {
    let mut renames = Vec::new();
    let plural = unraw(&sanitize(tag, Case::Snake)).to_owned();
    let singular = singularize(&plural);
    let short: Vec<String> = operations
        .iter()
        .map(|op| shorten(unraw(&op.id.rust), &plural, &singular))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &short {
        *counts.entry(s.as_str()).or_default() += 1;
    }
    let mut scope = Scope::new(BUILDER_RESERVED.iter().copied().chain(["clone", "fmt"]));
    // Shortened names first (so a full name never steals a short one), then the rest, each in sorted order.
    let mut order: Vec<usize> = (0..operations.len()).collect();
    order.sort_by_key(|&i| {
        (
            counts.get(short[i].as_str()).copied().unwrap_or(0) != 1,
            operations[i].id.wire.clone(),
        )
    });
    for i in order {
        let wanted = if counts.get(short[i].as_str()).copied() == Some(1) {
            short[i].clone()
        } else {
            unraw(&operations[i].id.rust).to_owned()
        };
        let (given, collision) = scope.claim(&crate::naming::escape_keyword(wanted));
        if let Some(c) = collision {
            renames.push((operations[i].pointer.clone(), c));
        }
        operations[i].id.rust = given;
    }
    renames
}

pub(in crate::lower) fn singularize(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if plural.ends_with("sses") || plural.ends_with("xes") {
        plural[..plural.len() - 2].to_owned()
    } else if let Some(stem) = plural.strip_suffix('s') {
        stem.to_owned()
    } else {
        plural.to_owned()
    }
}

pub(in crate::lower) fn shorten(method: &str, plural: &str, singular: &str) -> String {
    for noun in [plural, singular] {
        if noun.is_empty() || method == noun {
            continue;
        }
        if let Some(stem) = method.strip_suffix(&format!("_{noun}"))
            && !stem.is_empty()
        {
            return stem.to_owned();
        }
        let infix = format!("_{noun}_");
        if let Some(pos) = method.find(&infix) {
            return format!("{}_{}", &method[..pos], &method[pos + infix.len()..]);
        }
    }
    method.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_drop_the_resource_noun_when_unambiguous() {
        assert_eq!(shorten("create_webhook", "webhooks", "webhook"), "create");
        assert_eq!(shorten("list_webhooks", "webhooks", "webhook"), "list");
        assert_eq!(
            shorten(
                "create_payment_request_as_sub_partner",
                "payment_requests",
                "payment_request"
            ),
            "create_as_sub_partner"
        );
        assert_eq!(
            shorten("authorize_payment", "authorization", "authorization"),
            "authorize_payment"
        );
        assert_eq!(
            singularize("partner_business_entities"),
            "partner_business_entity"
        );
        assert_eq!(singularize("addresses"), "address");
    }

    #[test]
    fn the_pass_names_orders_and_reports() {
        use crate::lower::test_support::{doc, lower_until};
        let yaml = doc(
            "  /v1/webhooks:\n    post:\n      operationId: createWebhook\n      tags: [Webhooks]\n      responses:\n        '204': {description: ok}\n    get:\n      operationId: listWebhooks\n      tags: [Webhooks]\n      responses:\n        '204': {description: ok}\n  /v1/webhooks/new:\n    post:\n      operationId: new\n      tags: [Webhooks]\n      responses:\n        '204': {description: ok}",
            "",
        );
        let methods = |after: &str| {
            let (api, warnings) = lower_until(&yaml, Some(after));
            let names: Vec<String> = api.resources[0]
                .operations
                .iter()
                .map(|o| o.id.rust.clone())
                .collect();
            (names, warnings)
        };
        let (before, _) = methods("lower");
        assert_eq!(before.len(), 3);
        let (after, warnings) = methods("method_names");
        assert_eq!(after, ["create", "list", "new2"]);
        assert!(warnings.iter().any(|w| w == "method `new` renamed to `new2`: it is reserved by the generated API"), "{warnings:?}");
    }
}
