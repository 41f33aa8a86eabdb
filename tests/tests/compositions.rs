//! Compositions with keywords beside them, typed in full: the golden fixture crate
//! (`generator/tests/fixtures/compositions.yaml`) compiled and used as a user would. Each test reads wire
//! JSON into the generated types and checks fields, variants and wire names; a type that had come out as
//! `serde_json::Value` or lost a field would not compile here.

use klarna_golden::compositions::{
    Account, Base, Capture, Cat, Code, Dog, Holder, HolderDetail, HolderPet, Payment,
    PaymentStatus, Pet, Shape, SortOrder, Transfer, TypedBase,
};
use klarna_runtime::Nullable;
use serde_json::json;

#[test]
fn type_properties_and_required_beside_all_of_merge_every_part_through_alias_chains() {
    // `Payment` is `type: object` + `allOf: [BaseAlias2]` (an alias of an alias of `Base`) + its own
    // `properties` and `required: [amount]`.
    let payment: Payment = serde_json::from_value(json!({
        "id": "pay_1",
        "created": "2025-01-31T12:00:00Z",
        "amount": 1200,
        "status": "captured"
    }))
    .expect("a payment");
    assert_eq!(payment.id, "pay_1");
    assert_eq!(payment.amount, 1200);
    assert_eq!(payment.status, Some(PaymentStatus::Captured));
    assert_eq!(
        payment.created.as_ref().map(|c| c.unix_timestamp()),
        Some(1_738_324_800)
    );
    // `id` (required by the part) and `amount` (required beside the `allOf`) are both required.
    for missing in ["id", "amount"] {
        let mut wire = json!({"id": "pay_1", "amount": 1});
        wire.as_object_mut().expect("object").remove(missing);
        let err = serde_json::from_value::<Payment>(wire).expect_err("required field missing");
        assert!(err.to_string().contains(missing), "{err}");
    }
}

#[test]
fn required_beside_all_of_names_a_property_of_a_part() {
    // `Capture`: `allOf: [Base, {captured_amount}, {description only}]` + `required: [captured_amount]`.
    let capture = Capture::new("cap_1".into(), 500);
    assert_eq!(capture.id, "cap_1");
    assert_eq!(capture.captured_amount, 500);
    assert!(capture.created.is_none());
    let err = serde_json::from_value::<Capture>(json!({"id": "cap_1"})).expect_err("required");
    assert!(err.to_string().contains("captured_amount"), "{err}");
}

#[test]
fn an_annotating_property_keeps_the_parts_type_and_required_applies_to_it() {
    // `Transfer` redefines `created` with only a description and requires it: still a timestamp.
    let transfer: Transfer = serde_json::from_value(json!({
        "id": "tr_1",
        "created": "2025-01-31T12:00:00Z",
        "amount": 7,
        "destination": "acct_9"
    }))
    .expect("a transfer");
    let created: klarna_runtime::DateTime = transfer.created;
    assert_eq!(created.unix_timestamp(), 1_738_324_800);
    assert_eq!(transfer.amount, 7);
    assert_eq!(transfer.destination.as_deref(), Some("acct_9"));
    assert!(
        serde_json::from_value::<Transfer>(json!({"id": "tr_1", "amount": 7})).is_err(),
        "`created` is required by the `required` beside the `allOf`"
    );
}

#[test]
fn type_object_beside_a_one_part_all_of_is_that_part() {
    let typed: TypedBase = Base::new("b_1".into());
    assert_eq!(typed.id, "b_1");
}

#[test]
fn type_and_discriminator_beside_one_of_give_a_tagged_enum() {
    let pet: Pet =
        serde_json::from_value(json!({"pet_type": "cat", "meows": true})).expect("a cat");
    match &pet {
        Pet::Cat(Cat { meows, .. }) => assert!(*meows),
        other => panic!("expected a cat: {other:?}"),
    }
    let pet: Pet =
        serde_json::from_value(json!({"pet_type": "dog", "barks": false})).expect("a dog");
    assert!(matches!(pet, Pet::Dog(Dog { barks: false, .. })), "{pet:?}");
}

#[test]
fn type_beside_any_of_gives_an_untagged_enum() {
    let shape: Shape = serde_json::from_value(json!({"side": 2.5})).expect("a square");
    match shape {
        Shape::Square(square) => assert_eq!(square.side, 2.5),
        other => panic!("expected a square: {other:?}"),
    }
    let shape: Shape = serde_json::from_value(json!({"radius": 1.0})).expect("a circle");
    assert!(matches!(shape, Shape::Circle(_)), "{shape:?}");
}

#[test]
fn a_null_type_beside_a_composition_makes_the_typed_value_nullable() {
    // `code`: `allOf: [Code]` + `type: [string, 'null']`, required; `payment`: `anyOf: [Payment, null]`;
    // `pet`: `type: [object, 'null']` + discriminator + `oneOf`; `detail`: `type: object` + `allOf`.
    let holder: Holder = serde_json::from_value(json!({
        "code": null,
        "payment": {"id": "pay_1", "amount": 3},
        "pet": {"pet_type": "dog", "barks": true},
        "detail": {"id": "d_1", "note": "merged"}
    }))
    .expect("a holder");
    assert_eq!(holder.code, None);
    match &holder.payment {
        Nullable::Value(p) => assert_eq!((p.id.as_str(), p.amount), ("pay_1", 3)),
        other => panic!("expected a payment: {other:?}"),
    }
    assert!(
        matches!(
            &holder.pet,
            Nullable::Value(HolderPet::Dog(Dog { barks: true, .. }))
        ),
        "{:?}",
        holder.pet
    );
    let detail: &HolderDetail = holder.detail.as_ref().expect("detail");
    assert_eq!(
        (detail.id.as_str(), detail.note.as_deref()),
        ("d_1", Some("merged"))
    );

    let holder: Holder =
        serde_json::from_value(json!({"code": "beta", "payment": null, "pet": null}))
            .expect("nulls");
    assert_eq!(holder.code, Some(Code::Beta));
    assert!(matches!(holder.payment, Nullable::Null));
    assert!(matches!(holder.pet, Nullable::Null));

    // Written back with the wire names; the absent stays absent, the null stays null.
    let mut out = Holder::new(None);
    out.pet = Nullable::Value(HolderPet::Cat(Cat::new("cat".into(), true)));
    assert_eq!(
        serde_json::to_value(&out).expect("serializes"),
        json!({"code": null, "pet": {"pet_type": "cat", "meows": true}})
    );
}

#[test]
fn enum_values_that_differ_in_a_sign_are_named_from_the_sign() {
    let orders: Vec<SortOrder> =
        serde_json::from_value(json!(["created", "+created", "-created"])).expect("sort orders");
    assert_eq!(
        orders,
        [
            SortOrder::Created,
            SortOrder::PlusCreated,
            SortOrder::MinusCreated
        ]
    );
    assert_eq!(
        serde_json::to_value(SortOrder::MinusCreated).expect("serializes"),
        json!("-created")
    );
}

#[test]
fn a_discriminator_on_a_base_without_one_of_selects_its_all_of_subtypes() {
    let account: Account = serde_json::from_value(json!({
        "kind": "SavingsAccount",
        "name": "rainy day",
        "rate": 1.5
    }))
    .expect("a savings account");
    match &account {
        Account::SavingsAccount(savings) => {
            assert_eq!(savings.kind, "SavingsAccount");
            assert_eq!(savings.name.as_deref(), Some("rainy day"));
            assert_eq!(savings.rate, Some(1.5));
        }
        other => panic!("expected a savings account: {other:?}"),
    }
    let account: Account =
        serde_json::from_value(json!({"kind": "CheckingAccount", "overdraft": 100}))
            .expect("checking");
    assert!(
        matches!(&account, Account::CheckingAccount(c) if c.overdraft == Some(100)),
        "{account:?}"
    );
    // A kind this version does not know is kept as received.
    let account: Account = serde_json::from_value(json!({"kind": "BrokerageAccount", "name": "x"}))
        .expect("unknown kind");
    assert!(matches!(account, Account::Unknown(_)), "{account:?}");
}
