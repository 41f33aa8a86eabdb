//! Macros the generated crate expands for its enums (not a public API: names and shapes may change with
//! any release of the generator and runtime together).
//!
//! Every string enum of the SDK carries the same impls: `as_str`, `From<&str>`, `From<String>`,
//! `Display`, `Serialize`, `Deserialize`, with an `Unknown(String)` variant that keeps values this version
//! does not know. Writing them once here keeps the generated source small (Stripe's document has over
//! 3,000 enums), which is what generation and compile time are proportional to.
//!
//! The non-generic impls are `#[inline]`, like the generated builders' methods: a library crate does not
//! codegen `#[inline]` functions (nor the drop glue they need) until a crate that uses them does, so a
//! debug build of the SDK does not pay for every enum of every API.

/// Implements the wire conversions of a generated string enum with an `Unknown(String)` variant.
///
/// Leading attributes (the generator passes `#[allow(deprecated)]` for a deprecated enum) go on every impl.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($(#[$attr:meta])* $name:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
        $(#[$attr])*
        impl $name {
            /// The value as it is sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        $(#[$attr])*
        impl ::std::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        $(#[$attr])*
        impl ::std::convert::From<::std::string::String> for $name {
            #[inline]
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        $(#[$attr])*
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }
    };
}

/// Implements the wire conversions of a generated integer enum with an `Unknown(i64)` variant.
///
/// Leading attributes go on every impl, as for [`__string_enum!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __int_enum {
    ($(#[$attr:meta])* $name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        $(#[$attr])*
        impl $name {
            /// The value as it is sent on the wire.
            #[inline]
            pub fn value(&self) -> i64 {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => *value,
                }
            }
        }

        $(#[$attr])*
        impl ::std::convert::From<i64> for $name {
            #[inline]
            fn from(value: i64) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }
        }

        $(#[$attr])*
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <i64 as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
