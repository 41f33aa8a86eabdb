//! [`Nullable`]: a tri-state for PATCH bodies (absent, explicit `null`, or a value).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that can be absent (not sent), explicitly `null`, or a value.
///
/// Put it on an optional field with
/// `#[serde(default, skip_serializing_if = "oapi_runtime::Nullable::is_absent")]`:
/// `Absent` is then left out of the JSON, `Null` is written as `null` and `Value(v)` as `v`.
/// When deserializing, a missing field becomes `Absent` (through `default`), `null` becomes
/// `Null` and anything else `Value`.
///
/// ```
/// use oapi_runtime::Nullable;
/// #[derive(serde::Serialize, serde::Deserialize, Default)]
/// struct Patch {
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     description: Nullable<String>,
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     reference: Nullable<String>,
/// }
/// let p = Patch { description: Nullable::Null, reference: "R1".to_owned().into() };
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"description":null,"reference":"R1"}"#);
/// let p = Patch::default();
/// assert_eq!(serde_json::to_string(&p).unwrap(), "{}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent at all; the server keeps its current value.
    #[default]
    Absent,
    /// Sent as JSON `null`; the server clears the value.
    Null,
    /// Sent as a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `true` for `Absent` (use with `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// `true` for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// `true` for `Value(_)`.
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// The value, if any (`Absent` and `Null` both give `None`).
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Converts into the value, if any.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Borrows the contents.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value, keeping `Absent` and `Null`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }
}

/// `Some(v)` becomes `Value(v)`; `None` becomes `Null` (an explicit clear): converting
/// from an `Option` means the caller chose to send the field.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// `Absent` is written as `null` if it is serialized at all; skip it with
/// `skip_serializing_if = "Nullable::is_absent"`.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    struct P {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        a: Nullable<u32>,
    }

    #[test]
    fn round_trips_three_states() {
        for (v, json) in [
            (Nullable::Absent, "{}"),
            (Nullable::Null, r#"{"a":null}"#),
            (Nullable::Value(3), r#"{"a":3}"#),
        ] {
            let p = P { a: v };
            assert_eq!(serde_json::to_string(&p).unwrap(), json);
            assert_eq!(serde_json::from_str::<P>(json).unwrap(), p);
        }
        assert_eq!(Nullable::from(Some(1)), Nullable::Value(1));
        assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
        assert_eq!(Nullable::from(2).as_option(), Some(&2));
        assert!(Nullable::<u8>::Null.as_option().is_none());
    }
}
