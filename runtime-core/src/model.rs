//! What the generated models' `Serialize` and `Deserialize` impls call (not a public API: names and shapes
//! may change with any release of the generator and runtime together).
//!
//! [`__struct_serde!`](crate::__struct_serde) writes a struct's impls in a few lines per field; the work
//! they share (the visitor, reading a key, refusing a duplicate field, skipping an unknown one, a missing
//! field, a field left out when it is absent) is done here, type-checked once in the runtime instead of
//! once per struct as `#[derive(Serialize, Deserialize)]` expands it. That derive is what most of a
//! generated crate's compile time went to.
//!
//! The wire behaviour is the derive's with the field attributes the generator wrote
//! (`default`, `skip_serializing_if`): keys match the wire names exactly, unknown keys are ignored, a
//! repeated key is an error (`duplicate field`), a missing required field is an error (`missing field`)
//! unless its type reads a missing value as `None` as serde's `missing_field` does. Unlike the derive, a
//! struct is not read from a sequence (a JSON array): the SDK's formats are JSON objects.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct};

use crate::Nullable;

/// Reads a map key as the position of a field in the struct's wire names, `None` for a key the struct
/// does not have. Like the derive, it also takes a field's index (`u64`) or its name as bytes.
#[derive(Clone, Copy)]
pub struct FieldIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Option<usize>, E> {
        Ok(usize::try_from(index).ok().filter(|i| *i < self.0.len()))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }
}

/// A generated struct as [`__struct_serde!`](crate::__struct_serde) describes it: its name, its fields'
/// wire names in declaration order, and how it reads a map. The visitor and `deserialize_struct` call
/// are written once, here.
pub trait Fields: Sized {
    /// The Rust name of the struct (`expected struct ...` in errors).
    const NAME: &'static str;
    /// The wire names of the fields, in declaration order.
    const FIELDS: &'static [&'static str];

    /// Reads the struct from the entries of `map`.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The visitor of every generated struct: a map, read by [`Fields::visit_map`].
struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// `Deserialize::deserialize` of a generated struct.
#[inline]
pub fn deserialize<'de, T: Fields, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

/// The next key of `map` as the wire name of the field it names (the entry of `T::FIELDS`, found by
/// [`FieldIndex`]), `Some(None)` for a key the struct does not have; `None` at the end of the map.
#[inline]
pub fn next_key<'de, T: Fields, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<Option<&'static str>>, A::Error> {
    match map.next_key_seed(FieldIndex(T::FIELDS)) {
        Ok(key) => Ok(key.map(|index| index.and_then(|i| T::FIELDS.get(i).copied()))),
        Err(error) => Err(error),
    }
}

/// Reads the value of field `name` into its empty `slot`; a field seen twice is an error.
#[inline]
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads and drops the value of a key the struct does not have.
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A struct being written by a generated `Serialize` impl: the serializer's struct state, or the first
/// error. A field's write returns nothing (a later field is not written after an error) and
/// [`end`](Self::end) returns the error, so the generated code has one way out instead of one per field.
pub struct Writer<S: serde::Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: serde::Serializer> Writer<S> {
    /// Starts the struct `name` with `len` fields to write.
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        Writer {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes one field, unless an earlier write failed.
    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Ok(state) = &mut self.state
            && let Err(error) = state.serialize_field(name, value)
        {
            self.state = Err(error);
        }
    }

    /// Skips an absent field, unless an earlier write failed.
    #[inline]
    fn skip(&mut self, name: &'static str) {
        if let Ok(state) = &mut self.state
            && let Err(error) = state.skip_field(name)
        {
            self.state = Err(error);
        }
    }

    /// Ends the struct: the serializer's result, or the first error of a write.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.state {
            Ok(state) => state.end(),
            Err(error) => Err(error),
        }
    }
}

/// A value that is left out of the JSON when absent: `None`, or [`Nullable::Absent`].
pub trait Absent {
    /// `true` when the field is not sent.
    fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    #[inline]
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Nullable<T> {
    #[inline]
    fn is_absent(&self) -> bool {
        Nullable::is_absent(self)
    }
}

/// The value of a missing field, as serde's derive reads it: `None` for a type that reads `none`, else
/// the `missing field` error.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A field that must be present (`Presence::Required` in the generator).
pub mod required {
    use super::*;

    /// The field's value, or the `missing field` error.
    #[inline]
    pub fn take<'de, T: Deserialize<'de>, E: de::Error>(
        slot: Option<T>,
        name: &'static str,
    ) -> Result<T, E> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing(name, PhantomData)),
        }
    }

    /// Always sent: counts 1.
    #[inline]
    pub fn len<T>(_value: &T) -> usize {
        1
    }

    /// Writes the field.
    #[inline]
    pub fn put<S: serde::Serializer, T: Serialize>(
        writer: &mut Writer<S>,
        name: &'static str,
        value: &T,
    ) {
        writer.field(name, value);
    }
}

/// A field that is always sent but may be null, read as `None` when missing (`RequiredNullable`).
pub mod required_nullable {

    /// The field's value, or its default (`None`) when missing.
    #[inline]
    pub fn take<T: Default>(slot: Option<T>) -> T {
        slot.unwrap_or_default()
    }

    pub use super::required::{len, put};
}

/// A field that may be absent: its default when missing, left out when absent (`Optional`, and
/// `OptionalNullable` with [`Nullable`]).
pub mod optional {
    use super::*;

    pub use super::required_nullable::take;

    /// Counts 1 when the field is sent.
    #[inline]
    pub fn len<T: Absent>(value: &T) -> usize {
        usize::from(!value.is_absent())
    }

    /// Writes the field, or skips it when absent.
    #[inline]
    pub fn put<S: serde::Serializer, T: Serialize + Absent>(
        writer: &mut Writer<S>,
        name: &'static str,
        value: &T,
    ) {
        if value.is_absent() {
            writer.skip(name);
        } else {
            writer.field(name, value);
        }
    }
}

pub use optional as optional_nullable;

#[cfg(test)]
mod tests {
    use crate::Nullable;

    /// A model as the generator writes it, with every kind of field and a raw identifier.
    #[derive(Debug, PartialEq)]
    struct Model {
        id: String,
        r#type: Option<String>,
        note: Nullable<String>,
        parent: Option<u32>,
        display_name: Option<String>,
    }

    crate::__struct_serde! {
        struct Model {
            id: required "id",
            r#type: optional "type",
            note: optional_nullable "note",
            parent: required_nullable "parent",
            display_name: optional "displayName",
        }
    }

    /// The same struct with serde's derive: the reference behaviour.
    mod derived {
        use crate::Nullable;

        #[derive(Debug, serde::Serialize, serde::Deserialize)]
        pub struct Model {
            pub id: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub r#type: Option<String>,
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub note: Nullable<String>,
            #[serde(default)]
            pub parent: Option<u32>,
            #[serde(
                rename = "displayName",
                default,
                skip_serializing_if = "Option::is_none"
            )]
            pub display_name: Option<String>,
        }
    }

    #[test]
    fn reads_and_writes_as_the_derive_does() {
        for json in [
            r#"{"id":"a"}"#,
            r#"{"id":"a","type":"t","note":null,"parent":3,"displayName":"A"}"#,
            r#"{"displayName":"A","parent":null,"id":"a","note":"n","extra":{"x":[1,2]}}"#,
            r#"{"id":"a","id":"b"}"#,
            r#"{"type":"t"}"#,
            r#"{"id":1}"#,
            r#"["a"]"#,
            r#""a""#,
            r#"{"id":"a","type":5}"#,
        ] {
            let ours = serde_json::from_str::<Model>(json);
            let theirs = serde_json::from_str::<derived::Model>(json);
            match (&ours, &theirs) {
                (Ok(ours), Ok(theirs)) => {
                    assert_eq!(ours.id, theirs.id, "{json}");
                    assert_eq!(ours.r#type, theirs.r#type, "{json}");
                    assert_eq!(ours.note, theirs.note, "{json}");
                    assert_eq!(ours.parent, theirs.parent, "{json}");
                    assert_eq!(ours.display_name, theirs.display_name, "{json}");
                    assert_eq!(
                        serde_json::to_string(ours).unwrap(),
                        serde_json::to_string(theirs).unwrap(),
                        "{json}"
                    );
                }
                (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string()),
                // The one difference: the derive also reads a struct from an array.
                (Err(ours), Ok(_)) if json.starts_with('[') => {
                    assert!(ours.to_string().contains("expected struct Model"), "{ours}")
                }
                _ => panic!("{json}: ours {ours:?}, the derive's {theirs:?}"),
            }
        }
    }

    #[test]
    fn writes_absent_fields_out_and_null_ones_as_null() {
        let model = Model {
            id: "a".into(),
            r#type: None,
            note: Nullable::Null,
            parent: None,
            display_name: Some("A".into()),
        };
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(
            json,
            r#"{"id":"a","note":null,"parent":null,"displayName":"A"}"#
        );
        assert_eq!(serde_json::from_str::<Model>(&json).unwrap(), model);
        let value = serde_json::to_value(&model).unwrap();
        assert_eq!(serde_json::from_value::<Model>(value).unwrap(), model);
    }

    /// A write that fails ends the struct with that error: the fields after it are not written, and
    /// the first error is the one returned.
    #[test]
    fn the_first_failed_write_is_the_error() {
        struct Fails(&'static str);
        impl serde::Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom(self.0))
            }
        }
        // The macro writes `Deserialize` too; this type is only ever written.
        impl<'de> serde::Deserialize<'de> for Fails {
            fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
                Err(serde::de::Error::custom("not read in this test"))
            }
        }
        struct Two {
            first: Option<Fails>,
            second: Fails,
        }
        crate::__struct_serde! {
            struct Two {
                first: optional "first",
                second: required "second",
            }
        }
        let both = Two {
            first: Some(Fails("first failed")),
            second: Fails("second failed"),
        };
        let error = serde_json::to_string(&both).unwrap_err();
        assert_eq!(error.to_string(), "first failed");
        let one = Two {
            first: None,
            second: Fails("second failed"),
        };
        let error = serde_json::to_vec(&one).unwrap_err();
        assert_eq!(error.to_string(), "second failed");
    }

    #[test]
    fn a_missing_option_is_none_as_with_the_derive() {
        #[derive(Debug, PartialEq)]
        struct Loose {
            maybe: Option<u8>,
        }
        crate::__struct_serde! {
            struct Loose {
                maybe: required "maybe",
            }
        }
        assert_eq!(
            serde_json::from_str::<Loose>("{}").unwrap(),
            Loose { maybe: None }
        );
        #[derive(Debug, PartialEq)]
        struct Empty {}
        crate::__struct_serde! {
            struct Empty {}
        }
        assert_eq!(
            serde_json::from_str::<Empty>(r#"{"a":1}"#).unwrap(),
            Empty {}
        );
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
    }
}
