#![allow(deprecated)]
//! Stubs of the operations of `klarna::{{ module }}`: `StubServer::<accessor>()` mirrors `Client::<accessor>()`, each method stubs the operation of the same name.
use crate::stub_server::{Operation, Route, Stub, StubServer, Then, When};

{# The SDK's builders are named in code spans, not linked: this crate reaches them only through the
   `klarna` facade's inlined re-exports of the API crates, and rustdoc writes such links out as raw paths
   (dead links it does not warn about; `cargo xtask doc-links` finds them). #}
impl StubServer {
    {% for r in resources %}
    /// Stubs of the operations of `klarna::{{ module }}::operations::{{ r.name }}`: the ones `client.{{ r.accessor }}()` calls.
    pub fn {{ r.accessor }}(&self) -> {{ r.stubs }}<'_> {
        {{ r.stubs }}(self)
    }
    {% endfor %}
}

{% for r in resources %}
/// Stubs of the operations of `client.{{ r.accessor }}()`; from [`StubServer::{{ r.accessor }}`].
pub struct {{ r.stubs }}<'s>(&'s StubServer);

impl {{ r.stubs }}<'_> {
    {% for op in r.operations %}
    /// Stubs `{{ op.method }} {{ op.path }}` (`{{ op.id }}`), sent by `klarna::{{ module }}::operations::{{ r.name }}::{{ op.name }}`.
    pub fn {{ op.name }}(
        &self,
        when: impl FnOnce(When<{{ op.marker }}>) -> When<{{ op.marker }}>,
        then: impl FnOnce(Then<{{ op.marker }}>) -> Then<{{ op.marker }}>,
    ) -> Stub {
        self.0.register(&{{ op.route }}, when, then)
    }
    {% endfor %}
}
{% endfor %}

{% for r in resources %}
{% for op in r.operations %}
/// The operation `{{ op.id }}` (`{{ op.method }} {{ op.path }}`), naming its [`When`] and [`Then`]; sent by `klarna::{{ module }}::operations::{{ op.marker }}`.
pub enum {{ op.marker }} {}

impl Operation for {{ op.marker }} {
    const OPERATION_ID: &'static str = {{ op.id_lit }};
}

static {{ op.route }}: Route = Route {
    api: {{ module_lit }},
    id: {{ op.id_lit }},
    method: {{ op.method_lit }},
    pieces: &[{{ op.pieces|join(", ") }}],
    params: &[{{ op.params|join(", ") }}],
};
{% if !op.when.is_empty() %}

impl When<{{ op.marker }}> {
    {% for m in op.when %}
    {% match m %}
    {% when WhenMethod::Path { name, wire, ty, position } %}
    /// Matches the path parameter `{{ wire }}`.
    pub fn {{ name }}(self, value: impl ::std::convert::Into<{{ ty }}>) -> Self {
        self.with_path({{ position }}, ::std::convert::Into::<{{ ty }}>::into(value))
    }
    {% when WhenMethod::Query { name, wire, wire_lit, ty, list } %}
    /// Matches the query parameter `{{ wire }}`: every value, in order.
    pub fn {{ name }}(self, value: impl ::std::convert::Into<{{ ty }}>) -> Self {
        self.with_query({{ wire_lit }}, {% if !list %}[{% endif %}::std::convert::Into::<{{ ty }}>::into(value){% if !list %}]{% endif %})
    }
    {% when WhenMethod::Header { name, wire, wire_lit, ty } %}
    /// Matches the header `{{ wire }}`.
    pub fn {{ name }}(self, value: impl ::std::convert::Into<{{ ty }}>) -> Self {
        self.with_header({{ wire_lit }}, ::std::convert::Into::<{{ ty }}>::into(value))
    }
    {% when WhenMethod::Body with (ty) %}
    /// Matches a JSON body equal to `body` as the SDK serializes it.
    pub fn body(self, body: &{{ ty }}) -> Self {
        self.with_json_body(body)
    }
    /// Matches a body that decodes into the request type and passes `check`.
    pub fn body_matches(self, check: impl Fn(&{{ ty }}) -> bool + Send + Sync + 'static) -> Self {
        self.with_typed_body(check)
    }
    {% endmatch %}
    {% endfor %}
}
{% endif %}
{% if !op.then.is_empty() %}

impl Then<{{ op.marker }}> {
    {% for a in op.then %}
    {% match a.body %}
    {% when AnswerBody::Empty %}
    /// Answers `{{ a.status }}` with no body.
    pub fn {{ a.name }}(self) -> Self {
        self.status({{ a.status }})
    }
    {% when AnswerBody::Json(ty) %}
    /// Answers `{{ a.status }}` with `body` as JSON.
    pub fn {{ a.name }}(self, body: &{{ ty }}) -> Self {
        self.json({{ a.status }}, body)
    }
    {% when AnswerBody::Bytes { media, media_lit } %}
    /// Answers `{{ a.status }}` with `body` as `{{ media }}`.
    pub fn {{ a.name }}(self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
        self.bytes({{ a.status }}, {{ media_lit }}, body)
    }
    {% endmatch %}
    {% endfor %}
}
{% endif %}
{% endfor %}
{% endfor %}
