//! Tagged unions whose `mapping` sends several discriminator values to one schema, through the golden
//! fixture crate (`generator/tests/fixtures/unions.yaml`): every value is read, and written back as read.

use klarna_golden::unions::{Event, Funding, OnlyReport, Report};
use serde_json::json;

#[test]
fn a_payload_with_the_discriminator_property_keeps_the_value_it_was_read_with() {
    // `Deleted` has `kind`: one variant for `removed` and `deleted`.
    for kind in ["removed", "deleted"] {
        let wire = json!({"kind": kind, "reason": "duplicate"});
        let event: Event = serde_json::from_value(wire.clone()).expect("an event");
        let Event::Deleted(deleted) = &event else {
            panic!("{kind}: not Deleted: {event:?}");
        };
        assert_eq!(deleted.kind, kind);
        assert_eq!(serde_json::to_value(&event).expect("serializes"), wire);
    }
}

#[test]
fn a_payload_without_the_discriminator_property_gets_one_variant_per_value_that_writes_it() {
    // `Card` has no `method`: without the union writing it, `{"last4": ..}` could not be read back.
    for (method, expected) in [
        ("card", Funding::Card(card())),
        ("credit_card", Funding::CreditCard(card())),
    ] {
        let wire = json!({"method": method, "last4": "4242"});
        let funding: Funding = serde_json::from_value(wire.clone()).expect("a funding");
        assert_eq!(funding, expected, "{method}");
        assert_eq!(serde_json::to_value(&funding).expect("serializes"), wire);
    }
    let iban = json!({"method": "iban", "iban": "SE3550000000054910000003"});
    let funding: Funding = serde_json::from_value(iban.clone()).expect("an iban");
    assert!(matches!(funding, Funding::Iban(_)), "{funding:?}");
    assert_eq!(serde_json::to_value(&funding).expect("serializes"), iban);
}

fn card() -> klarna_golden::unions::Card {
    serde_json::from_value(json!({"last4": "4242"})).expect("a card")
}

#[test]
fn a_payload_that_may_leave_its_discriminator_out_has_the_union_write_it() {
    // `Report.a` is optional: a report built without it was written as `{}`, which reads back as
    // `Unknown`. The union writes the value that selects `Report`; a value read is kept.
    let built = OnlyReport::Report(Box::<Report>::default());
    let wire = serde_json::to_value(&built).expect("serializes");
    assert_eq!(wire, json!({"a": "Report"}));
    let back: OnlyReport = serde_json::from_value(wire).expect("reads back");
    assert!(matches!(back, OnlyReport::Report(_)), "{back:?}");
    let read = json!({"a": "Report", "b": "x"});
    let report: OnlyReport = serde_json::from_value(read.clone()).expect("a report");
    assert_eq!(serde_json::to_value(&report).expect("serializes"), read);
}
