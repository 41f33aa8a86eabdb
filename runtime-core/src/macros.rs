//! Macros the generated crates expand (not a public API: names and shapes may change with any release of
//! the generator and runtime together).
//!
//! Each writes once what every generated type or builder would otherwise repeat, which keeps the generated
//! source small (Stripe's document has over 3,000 enums) and its compile fast; generation and compile time
//! are proportional to the source. The file holds six macros, all `#[doc(hidden)]` and exported at the
//! crate root:
//!
//! - [`__string_enum!`](crate::__string_enum) and [`__int_enum!`](crate::__int_enum): the wire
//!   conversions of an enum with an `Unknown(..)` variant that keeps values this version does not know
//!   (`as_str`/`value`, `From`, `Display`, `Serialize`, `Deserialize`);
//! - [`__struct_serde!`](crate::__struct_serde): `Serialize` and `Deserialize` of a struct, as the derive
//!   with the generator's field attributes would write them, through a hidden `Fields` impl (the struct's
//!   name, its wire names and a map visitor) over the shared code of `crate::model`;
//! - [`__request_options!`](crate::__request_options): the per-request option setters (`timeout`,
//!   `attempt_timeout`, `retry_policy`, `header`, `options`) every request builder has;
//! - [`__take!`](crate::__take) and [`__ok!`](crate::__ok), used by `__struct_serde!`'s expansion: a
//!   field's value from its slot, and `?` without its `From` conversion.
//!
//! Every macro takes leading attributes (`#[allow(deprecated)]` for a deprecated type) and puts them on each
//! impl it writes. Expansions name serde and the model code by absolute paths through `$crate::__private`,
//! so they mean the runtime's serde and model code whatever the generated file imports.
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

/// Implements the per-request option setters of a generated request builder: `timeout`,
/// `attempt_timeout`, `retry_policy`, `header` and `options` (a vendor layer may add its own).
///
/// Every builder has the same five, over its `options: RequestOptions` field; writing them once here
/// keeps a third of every generated `operations.rs` out of the source, and users call them as inherent
/// methods, without an import. Leading attributes go on the impl.
#[doc(hidden)]
#[macro_export]
macro_rules! __request_options {
    ($(#[$attr:meta])* $builder:ident) => {
        $(#[$attr])*
        impl $builder {
            /// Sets the total time this call may take, across all attempts.
            #[inline]
            pub fn timeout(mut self, total: ::std::time::Duration) -> Self {
                self.options.set_timeout(total);
                self
            }

            /// Sets the time one attempt may take.
            #[inline]
            pub fn attempt_timeout(mut self, attempt: ::std::time::Duration) -> Self {
                self.options.set_attempt_timeout(attempt);
                self
            }

            /// Overrides the client's retry policy for this call.
            #[inline]
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.options.set_retry_policy(policy);
                self
            }

            /// Adds an extra header to this call.
            #[inline]
            pub fn header(
                mut self,
                name: impl ::std::convert::Into<::std::string::String>,
                value: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                self.options.set_header(name, value);
                self
            }

            /// Replaces all per-request options at once.
            #[inline]
            pub fn options(mut self, options: $crate::RequestOptions) -> Self {
                self.options = options;
                self
            }
        }
    };
}

/// Implements `Serialize` and `Deserialize` for a generated struct, as `#[derive]` with the generator's
/// field attributes would, through the shared code of `__private::model`.
///
/// The invocation restates the struct's fields, one a line, each with how it travels and its wire name:
///
/// ```text
/// __struct_serde! {
///     struct Address {
///         street_address: optional "street_address",
///         postal_code: required "postalCode",
///     }
/// }
/// ```
///
/// `field: presence "wire name"`, in declaration order; `presence` is `required`, `required_nullable`
/// (always sent, may be null), `optional` (left out when `None`) or `optional_nullable` (a
/// [`Nullable`](crate::Nullable) field, left out when absent). Leading attributes go on every impl.
///
/// The expansion is what the type checker spends its time on in a generated crate, so it is kept small:
/// the visitor and `deserialize_struct` are the runtime's, generic over the `Fields` impl written here;
/// a field's write returns nothing (the runtime's `Writer` keeps the first error and `end` returns it),
/// and only a required field's read can fail (`__take!`), because every early return is a branch the
/// borrow checker walks once per field. Where an error is returned, it is with `match` (through
/// `__ok!`) rather than `?`, whose `From` conversion costs more to check.
#[doc(hidden)]
#[macro_export]
macro_rules! __struct_serde {
    ($(#[$attr:meta])* struct $name:ident { $($field:ident : $presence:ident $wire:literal),* $(,)? }) => {
        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)] // a struct without fields
                let mut state = $crate::__private::model::Writer::new(
                    serializer,
                    ::std::stringify!($name),
                    0 $(+ $crate::__private::model::$presence::len(&self.$field))*,
                );
                $($crate::__private::model::$presence::put(&mut state, $wire, &self.$field);)*
                state.end()
            }
        }

        $(#[$attr])*
        #[doc(hidden)]
        impl $crate::__private::model::Fields for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn visit_map<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::std::result::Result<Self, A::Error> {
                $(let mut $field = ::std::option::Option::None;)*
                while let ::std::option::Option::Some(key) =
                    $crate::__ok!($crate::__private::model::next_key::<Self, A>(&mut map))
                {
                    $crate::__ok!(match key {
                        $(::std::option::Option::Some($wire) =>
                            $crate::__private::model::field(&mut map, &mut $field, $wire),)*
                        _ => $crate::__private::model::skip(&mut map),
                    });
                }
                ::std::result::Result::Ok($name {
                    $($field: $crate::__take!($presence $field $wire),)*
                })
            }
        }

        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::__private::model::deserialize(deserializer)
            }
        }
    };
}

/// The value of one field of a `__struct_serde!` struct from its slot: a required field's value or the
/// `missing field` error (returned through `__ok!`); any other field's value, or its default when it was
/// missing, which cannot fail.
#[doc(hidden)]
#[macro_export]
macro_rules! __take {
    (required $field:ident $wire:literal) => {
        $crate::__ok!($crate::__private::model::required::take($field, $wire))
    };
    ($presence:ident $field:ident $wire:literal) => {
        $crate::__private::model::$presence::take($field)
    };
}

/// `expr?` without the `From` conversion, for `__struct_serde!`: the value of `Ok`, or return the `Err`.
#[doc(hidden)]
#[macro_export]
macro_rules! __ok {
    ($result:expr) => {
        match $result {
            ::std::result::Result::Ok(value) => value,
            ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
        }
    };
}
