//! Generated types looked up by name (cargo feature `type-registry`).
//!
//! Tools use this to check JSON against the generated types without naming each type in code{% if let Some(vendor) = vendor %}: the bruno
//! check round-trips every example body of {{ vendor }}'s request collection through it, and the example tests
//! round-trip every example of the specs{% endif %}.
#![allow(deprecated)]

/// Deserializes `value` into the generated type called `name` (`"<module>::<Type>"`, e.g.
/// `"notification::Webhook"`) and serializes the result back to JSON.
///
/// Returns `None` when no enabled API has a type of that name, otherwise the round-tripped JSON or the
/// deserialization error.
pub fn roundtrip(
    name: &str,
    value: ::serde_json::Value,
) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::serde_json::Error>> {
    fn through<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
        value: ::serde_json::Value,
    ) -> ::std::result::Result<::serde_json::Value, ::serde_json::Error> {
        let typed: T = ::serde_json::from_value(value)?;
        ::serde_json::to_value(&typed)
    }
    let result = match name {
        {% for t in types %}
        #[cfg(feature = {{ t.feature_lit }})]
        {{ t.name_lit }} => through::<crate::{{ t.path }}>(value),
        {% endfor %}
        _ => return ::std::option::Option::None,
    };
    ::std::option::Option::Some(result)
}

/// The names [`roundtrip`] knows, for the APIs enabled in this build.
pub fn type_names() -> ::std::vec::Vec<&'static str> {
    const ALL: &[(&str, bool)] = &[
        {% for t in types %}({{ t.name_lit }}, cfg!(feature = {{ t.feature_lit }})),
        {% endfor %}
    ];
    ALL.iter().filter(|(_, enabled)| *enabled).map(|(name, _)| *name).collect()
}
