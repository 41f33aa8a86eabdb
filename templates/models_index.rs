//! Request and response models, split into parts (re-exported here).

{% for p in parts %}
mod {{ p }};
#[allow(unused_imports)] // a part may hold only types no operation names
pub use self::{{ p }}::*;
{% endfor %}
