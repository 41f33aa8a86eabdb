{{ doc }}
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod models;
pub mod operations;
{% if has_webhooks %}pub mod webhooks;
{% endif %}
{% if has_models %}pub use self::models::*;
{% endif %}
{% for s in servers %}
{{ s.doc }}
pub const {{ s.name }}: &str = {{ s.url_lit }};
{% endfor %}
