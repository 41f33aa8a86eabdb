//! Request and response models, split into parts (re-exported here).

{% for p in parts %}
mod {{ p }};
{#- A part may hold only types no operation names. #}
#[allow(unused_imports)]
pub use self::{{ p }}::*;
{% endfor %}
