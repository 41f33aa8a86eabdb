//! Typed stubs for every operation, one module per API, each behind the cargo feature of its name.
{% for api in apis %}
/// Stubs of the operations of the {{ api.title }} (`klarna::{{ api.module }}`).
#[cfg(feature = {{ api.module_lit }})]
pub mod {{ api.module }};
{% endfor %}
