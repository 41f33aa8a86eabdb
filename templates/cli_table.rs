//! The operation table of the `klarna` command line: one entry per operation of every API, generated from the IR of `specs/`.
use crate::table::*;
/// Every resource of every API, ordered by command name.
pub static RESOURCES: &[Resource] = &[
    {% for r in resources %}
    Resource {
        name: {{ r.name }},
        accessor: {{ r.accessor }},
        api: {{ r.api }},
        doc: {{ r.doc }},
        operations: &[
            {% for op in r.operations %}
            Operation {
                name: {{ op.name }},
                id: {{ op.id }},
                method: {{ op.method }},
                path_template: {{ op.path_template }},
                path_pieces: &[{{ op.path_pieces|join(", ") }}],
                sensitive_segments: &[{{ op.sensitive_segments|join(", ") }}],
                summary: {{ op.summary }},
                doc: {{ op.doc }},
                deprecated: {{ op.deprecated }},
                {% for group in op.params %}
                {{ group.field }}: &[
                    {% for p in group.params %}
                    Param {
                        wire: {{ p.wire }},
                        rust: {{ p.rust }},
                        required: {{ p.required }},
                        shape: {{ p.shape }},
                        encoding: ParamEncoding::{{ p.encoding }},
                        doc: {{ p.doc }},
                        deprecated: {{ p.deprecated }},
                        sensitive: {{ p.sensitive }},
                    },
                    {% endfor %}
                ],
                {% endfor %}
                body: {% match op.body %}{% when Some(b) %}Some(BodySpec {
                    shape: {{ b.shape }},
                    required: {{ b.required }},
                    encoding: BodyEncoding::{{ b.encoding }},
                    media_type: {{ b.media_type }},
                    parts: &[{% for (name, bytes) in b.parts %}({{ name }}, {{ bytes }}), {% endfor %}],
                }){% when None %}None{% endmatch %},
                response: {% match op.response %}{% when ResponseRow::Empty %}ResponseSpec::Empty{% when ResponseRow::Json(shape) %}ResponseSpec::Json({{ shape }}){% when ResponseRow::Bytes(media) %}ResponseSpec::Bytes({{ media }}){% endmatch %},
                idempotent: {{ op.idempotent }},
                pagination: {% match op.pagination %}{% when Some(p) %}Some(Paging {
                    items: {{ p.items }},
                    cursor_param: {{ p.cursor_param }},
                    next_cursor: &[{{ p.next_cursor|join(", ") }}],
                    page_list: {{ p.page_list }},
                }){% when None %}None{% endmatch %},
            },
            {% endfor %}
        ],
    },
    {% endfor %}
];
