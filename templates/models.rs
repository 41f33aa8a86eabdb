//! {{ doc }}
#![allow(deprecated)]
{% if part %}
{#- A part refers to the types of its sibling parts through the parent module; it may name none. #}
#[allow(unused_imports)]
use super::*;
{% endif %}

{#- A union variant's constructor from its parsed value (boxing it when the variant is boxed). #}
{% macro wrap(v) -%}
{% if v.boxed %}|value| Self::{{ v.name }}(::std::boxed::Box::new(value)){% else %}Self::{{ v.name }}{% endif %}
{%- endmacro %}

{% for t in types %}
{% match t %}
{% when TypeView::Struct with (s) %}
{{ s.doc }}
{{ s.attrs }}
{% if s.non_exhaustive %}#[non_exhaustive]{% endif %}
#[derive(Clone, {% if s.redacted_debug.is_none() %}Debug, {% endif %}PartialEq{% if s.derive_default %}, Default{% endif %}{% if s.derive_serde() %}, ::serde::Serialize, ::serde::Deserialize{% endif %})]
pub struct {{ s.name }} {
    {% for f in s.fields %}
    {{ f.doc }}
    {% if s.derive_serde() %}
    {% match f.serde %}
    {% when FieldSerde::Flatten %}#[serde(flatten)]
    {% when FieldSerde::Property with (rename, presence) %}
    {% match presence %}
    {% when Presence::Required %}{% if let Some(rename) = rename %}#[serde(rename = {{ rename }})]{% endif %}
    {% when Presence::RequiredNullable %}#[serde({% if let Some(rename) = rename %}rename = {{ rename }}, {% endif %}default)]
    {% when Presence::Optional %}#[serde({% if let Some(rename) = rename %}rename = {{ rename }}, {% endif %}default, skip_serializing_if = "::std::option::Option::is_none")]
    {% when Presence::OptionalNullable %}#[serde({% if let Some(rename) = rename %}rename = {{ rename }}, {% endif %}default, skip_serializing_if = "::{{ rt }}::Nullable::is_absent")]
    {% endmatch %}
    {% endmatch %}
    {% endif %}
    {{ f.deprecated_attr }}
    pub {{ f.name }}: {{ f.ty }},
    {% endfor %}
}
{% if !s.derive_serde() %}
::{{ rt }}::__struct_serde! {
    struct {{ s.name }} {
        {% for f in s.fields %}{{ f.name }}: {% match f.serde %}{% when FieldSerde::Property with (_, presence) %}{% match presence %}{% when Presence::Required %}required{% when Presence::RequiredNullable %}required_nullable{% when Presence::Optional %}optional{% when Presence::OptionalNullable %}optional_nullable{% endmatch %}{% when FieldSerde::Flatten %}{% endmatch %} {{ f.wire_lit() }},
        {% endfor %}
    }
}
{% endif %}
{% if let Some(d) = s.redacted_debug %}
{% include "debug_impl.rs" %}
{% endif %}
{% if let Some(ctor) = s.ctor %}
impl {{ s.name }} {
    /// Creates a value from its required fields; optional fields start empty.
    {{ ctor.attrs }}
    #[inline]
    pub fn new({% for p in ctor.params %}{{ p.name }}: {{ p.ty }}, {% endfor %}) -> Self {
        Self {
            {% for i in ctor.inits %}{{ i.name }}{% match i.value %}{% when CtorValue::Arg %}{% when CtorValue::None %}: ::std::option::Option::None{% when CtorValue::Absent %}: ::{{ rt }}::Nullable::Absent{% when CtorValue::EmptyMap %}: ::std::collections::BTreeMap::new(){% endmatch %}, {% endfor %}
        }
    }
}
{% endif %}
{% when TypeView::StringEnum with (e) %}
{{ e.doc }}
{{ e.attrs }}
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum {{ e.name }} {
    {% for v in e.variants %}
    {{ v.doc }}
    {{ v.name }},
    {% endfor %}
    /// A value this version of the SDK does not know yet; the text is kept as received.
    Unknown(::std::string::String),
}

::{{ rt }}::__string_enum!({{ e.name }} {
    {% for v in e.variants %}{{ v.name }} => {{ v.wire_lit }},
    {% endfor %}
});
{% when TypeView::IntEnum with (e) %}
{{ e.doc }}
{{ e.attrs }}
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum {{ e.name }} {
    {% for v in e.variants %}
    /// The value `{{ v.value }}`.
    {{ v.name }},
    {% endfor %}
    /// A value this version of the SDK does not know yet; kept as received.
    Unknown(i64),
}

::{{ rt }}::__int_enum!({{ e.name }} {
    {% for v in e.variants %}{{ v.name }} => {{ v.value }},
    {% endfor %}
});
{% when TypeView::Union with (u) %}
{{ u.doc }}
{{ u.attrs }}
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum {{ u.name }} {
    {% for v in u.variants %}
    {{ v.doc }}
    {{ v.name }}({{ v.ty }}),
    {% endfor %}
    /// A shape this version of the SDK does not know; the JSON is kept as received.
    Unknown(::serde_json::Value),
}

impl ::serde::Serialize for {{ u.name }} {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
        match self {
            {% for v in u.variants %}{% if let Some(tag) = v.writes_tag %}Self::{{ v.name }}(value) => {
                // The payload has no discriminator property: the value that selects this variant is added.
                let mut json = ::serde_json::to_value(value).map_err(::serde::ser::Error::custom)?;
                if let ::std::option::Option::Some(object) = json.as_object_mut() {
                    object.entry({{ tag.key }}).or_insert_with(|| ::serde_json::Value::from({{ tag.value }}));
                }
                ::serde::Serialize::serialize(&json, serializer)
            }
            {% else %}Self::{{ v.name }}(value) => ::serde::Serialize::serialize(value, serializer),
            {% endif %}{% endfor %}Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
        }
    }
}

impl<'de> ::serde::Deserialize<'de> for {{ u.name }} {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
        let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
        {% if let Some(tag) = u.tag_lit %}
        let tag = value.get({{ tag }}).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
        match tag.as_deref() {
            {% for v in u.variants %}Some({{ v.tags }}) => ::serde_json::from_value(value).map({% call wrap(v) %}{% endcall %}).map_err(::serde::de::Error::custom),
            {% endfor %}_ => Ok(Self::Unknown(value)),
        }
        {% else %}
        {% for v in u.variants %}
        if let Ok(parsed) = ::serde_json::from_value(value.clone()) {
            return Ok({% if v.boxed %}Self::{{ v.name }}(::std::boxed::Box::new(parsed)){% else %}Self::{{ v.name }}(parsed){% endif %});
        }
        {% endfor %}
        Ok(Self::Unknown(value))
        {% endif %}
    }
}
{% when TypeView::Alias with (a) %}
{{ a.doc }}
pub type {{ a.name }} = {{ a.ty }};
{% endmatch %}
{% endfor %}
