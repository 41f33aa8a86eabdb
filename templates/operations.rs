//! Operations, grouped by resource: one type per resource (reached through its accessor on the facade
//! crate's `Client`, or built from a runtime client with `new`), one method per operation, one request
//! builder per operation ending in `.send().await`.
#![allow(deprecated)]

{#- Pagination: the next cursor of `page` (owned), its items (moved out), their number. Through
    `page.last()` or over every page when the response is a list of pages. #}
{% macro cursor_place(p, through_page) -%}
{% if through_page %}page.{{ p.pagination }}{% else %}p{% endif %}.{{ p.last }}
{%- endmacro %}
{% macro cursor(p, through_page) -%}
{% match p.cursor_presence %}
{% when Presence::Required %}::std::option::Option::Some({% call cursor_place(p, through_page) %}{% endcall %}.clone())
{% when Presence::OptionalNullable %}{% call cursor_place(p, through_page) %}{% endcall %}.as_option().cloned()
{% when _ %}{% call cursor_place(p, through_page) %}{% endcall %}.clone()
{% endmatch %}
{%- endmacro %}
{% macro next_cursor(p) -%}
{% if p.page_list %}page.last().and_then(|page| {% endif %}
{% match p.pagination_presence %}
{% when Presence::Required %}{% call cursor(p, true) %}{% endcall %}
{% when Presence::OptionalNullable %}page.{{ p.pagination }}.as_option().and_then(|p| {% call cursor(p, false) %}{% endcall %})
{% when _ %}page.{{ p.pagination }}.as_ref().and_then(|p| {% call cursor(p, false) %}{% endcall %})
{% endmatch %}
{% if p.page_list %}){% endif %}
{%- endmacro %}
{% macro page_items(p) -%}
{% if p.page_list %}page.into_iter().flat_map(|page| {% endif %}
{% match p.items_presence %}
{% when Presence::Required %}page.{{ p.items }}
{% when Presence::OptionalNullable %}page.{{ p.items }}.into_option().unwrap_or_default()
{% when _ %}page.{{ p.items }}.unwrap_or_default()
{% endmatch %}
{% if p.page_list %}).collect(){% endif %}
{%- endmacro %}
{% macro item_count(p) -%}
{% if p.page_list %}page.iter().map(|page| {% endif %}
{% match p.items_presence %}
{% when Presence::Required %}page.{{ p.items }}.len()
{% when Presence::OptionalNullable %}page.{{ p.items }}.as_option().map_or(0, ::std::vec::Vec::len)
{% when _ %}page.{{ p.items }}.as_ref().map_or(0, ::std::vec::Vec::len)
{% endmatch %}
{% if p.page_list %}).sum(){% endif %}
{%- endmacro %}

{#- The request with `value` as its body, encoded as declared. #}
{% macro send_body(b, value) -%}
{% match b.encoding %}{% when BodyEncoding::Json %}request.json({{ value }}){% when BodyEncoding::Form %}request.form({{ value }}){% when BodyEncoding::Multipart %}request.multipart({{ value }}){% when BodyEncoding::Bytes %}request.bytes({{ b.media_lit }}, {{ value }}){% endmatch %}
{%- endmacro %}

{#- How one success status's body becomes its variant of the operation's success enum. #}
{% macro alt_finish(a) -%}
{% match a.body %}{% when AltBodyView::Json with (ty) %}response.json::<{{ ty }}>().map(|r| r.map({% if a.boxed %}|body| {{ a.enum_name }}::{{ a.variant }}(::std::boxed::Box::new(body)){% else %}{{ a.enum_name }}::{{ a.variant }}{% endif %})){% when AltBodyView::Empty %}Ok(response.empty().map(|()| {{ a.enum_name }}::{{ a.variant }})){% when AltBodyView::Bytes %}Ok(response.bytes().map({{ a.enum_name }}::{{ a.variant }})){% endmatch %}
{%- endmacro %}

{% for r in resources %}
{{ r.doc }}
#[derive(Clone, Debug)]
pub struct {{ r.name }} {
    client: ::{{ rt }}::Client,
}

impl {{ r.name }} {
    /// This resource's operations, sent through `client` (usually reached through an accessor of the
    /// facade crate's `Client` instead).
    #[inline]
    pub fn new(client: ::{{ rt }}::Client) -> Self {
        Self { client }
    }

    {% for op in r.ops %}
    {{ op.doc }}
    {{ op.attrs }}
    #[inline]
    pub fn {{ op.method }}(&self{% for a in op.args %}, {{ a.name }}: {{ a.ty }}{% endfor %}) -> {{ op.builder }} {
        {{ op.builder }} {
            client: self.client.clone(),
            {% for f in op.fields %}{{ f.name }}{% match f.init %}{% when FieldInit::Arg %}{% when FieldInit::ArgInto %}: {{ f.name }}.into(){% when FieldInit::Unset %}: ::std::option::Option::None{% endmatch %},
            {% endfor %}options: ::{{ rt }}::RequestOptions::default(),
        }
    }
    {% endfor %}
}

{% for op in r.ops %}
{% for e in op.status_enums %}
{{ e.doc }}
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum {{ e.name }} {
    {% for v in e.variants %}
    {{ v.doc }}
    {{ v.name }}{% if let Some(ty) = v.ty %}({{ ty }}){% endif %},
    {% endfor %}
}
{% endfor %}
{% if let Some(e) = op.errors_impl %}
impl {{ e.name }} {
    /// The documented error body of a failed call: `None` when the error did not come from an error
    /// response, when its status has no documented body, or when the body does not parse as that type.
    #[inline]
    pub fn from_error(error: &::{{ rt }}::Error) -> ::std::option::Option<Self> {
        let status = error.status()?.as_u16();
        if status < 400 {
            return ::std::option::Option::None;
        }
        let body = error.raw_body()?;
        match status {
            {% for a in e.arms %}
            {% match a.status %}{% when StatusMatch::Code with (code) %}{{ code }}{% when StatusMatch::Range with (class) %}{{ class }}00..={{ class }}99{% when StatusMatch::Default %}_{% endmatch %} => ::serde_json::from_slice(body).ok().map({% if a.boxed %}|body| Self::{{ a.variant }}(::std::boxed::Box::new(body)){% else %}Self::{{ a.variant }}{% endif %}),
            {% endfor %}
            {% if !e.has_default %}_ => ::std::option::Option::None,{% endif %}
        }
    }
}
{% endif %}
/// Request builder for [`{{ r.name }}::{{ op.method_plain }}`]:
/// set optional parameters and per-request options,
/// then call [`send`]({{ op.builder }}::send).
#[derive(Clone{% if op.redacted_debug.is_none() %}, Debug{% endif %})]
#[must_use = "a request does nothing until `send` is awaited"]
pub struct {{ op.builder }} {
    client: ::{{ rt }}::Client,
    {% for f in op.fields %}{{ f.name }}: {{ f.ty }},
    {% endfor %}options: ::{{ rt }}::RequestOptions,
}
{% if let Some(d) = op.redacted_debug %}
{% include "debug_impl.rs" %}
{% endif %}

impl {{ op.builder }} {
    {% for s in op.setters %}
    {{ s.doc }}
    #[inline]
    pub fn {{ s.name }}(mut self, value: {{ s.arg_ty }}) -> Self {
        self.{{ s.field }} = ::std::option::Option::Some(value.into());
        self
    }
    {% endfor %}
    {% if op.idempotent %}
    /// Sets the `{{ idempotency_header }}` for this call instead of the generated one (1 to 255 characters).
    /// {{ server }} returns the original result for a repeated key{% if let Some(window) = idempotency_window %} within {{ window }}{% endif %}.
    #[inline]
    pub fn idempotency_key(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
        self.options.set_idempotency_key(key);
        self
    }
    {% endif %}

    /// Sends the request{% if op.idempotent %} (with an idempotency key, reused on every retry){% endif %} and
    /// returns the {{ op.returns_doc }}.
    ///
    /// # Errors
    ///
    /// A [`{{ rt }}::Error`] for a transport failure, a timeout, an error status with {{ server_possessive }} error
    /// body, or a response body that does not match the expected type.
    #[inline]
    pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<::{{ rt }}::Response<{{ op.response_ty }}>, ::{{ rt }}::Error>> {
        let client = self.client.clone();
        ::{{ rt }}::__private::send(client, self, Self::into_request, |response| {% match op.finish %}
            {% when FinishView::Json with (ty) %}response.json::<{{ ty }}>()
            {% when FinishView::Empty %}Ok(response.empty())
            {% when FinishView::Bytes %}Ok(response.bytes())
            {% when FinishView::ByStatus with { arms, fallback } %}match response.status().as_u16() {
                {% for a in arms %}{{ a.code }} => {% call alt_finish(a.finish) %}{% endcall %},
                {% endfor %}_ => {% call alt_finish(fallback) %}{% endcall %},
            }
        {% endmatch %})
    }
{% if op.streaming %}
    /// Sends the request and returns the body as a stream of chunks, without holding it in memory
    /// (`bytes_stream()`), or collected with `collect()` up to the client's body size limit.
    ///
    /// # Errors
    ///
    /// As for [`send`](Self::send); errors while streaming come from the stream.
    pub async fn send_streaming(self) -> ::std::result::Result<::{{ rt }}::StreamingResponse, ::{{ rt }}::Error> {
        let client = self.client.clone();
        client.execute_streaming(self.into_request()).await
    }
{% endif %}
{% if let Some(paging) = op.paging %}
    /// Every item across all pages, following the cursor until {{ server }} reports no more; stop early with
    /// `.limit(n)`. An error is yielded after the items already received. A cursor {{ server }} already returned,
    /// or a run of empty pages that still point further, ends the stream with an error.
    #[inline]
    pub fn into_stream(self) -> ::{{ rt }}::pagination::Paginated<{{ paging.item_ty }}> {
        let client = self.client.clone();
        ::{{ rt }}::paginate(
            client,
            move |cursor| self.page_request(cursor),
            |page: {{ paging.page_ty }}| {
                let next = {% call next_cursor(paging) %}{% endcall %};
                ({% call page_items(paging) %}{% endcall %}, next)
            },
        )
    }

    /// Every page, following the cursor until {{ server }} reports no more; stop early with `.limit(n)`. A cursor
    /// {{ server }} already returned, or a run of empty pages that still point further, ends the stream with an
    /// error.
    #[inline]
    pub fn into_pages(self) -> ::{{ rt }}::pagination::Paginated<{{ paging.page_ty }}> {
        let client = self.client.clone();
        ::{{ rt }}::paginate_pages_counted(
            client,
            move |cursor| self.page_request(cursor),
            |page: &{{ paging.page_ty }}| {% call next_cursor(paging) %}{% endcall %},
            |page: &{{ paging.page_ty }}| {% call item_count(paging) %}{% endcall %},
        )
    }
{% endif %}

{% if let Some(paging) = op.paging %}
    /// The request for the page after `cursor` (the first page when `None`).
    #[inline]
    fn page_request(&self, cursor: ::std::option::Option<::std::string::String>) -> ::{{ rt }}::Request {
        let mut page = self.clone();
        if cursor.is_some() {
            page.{{ paging.cursor_field }} = cursor;
        }
        page.into_request()
    }
{% endif %}

    #[inline]
    fn into_request(self) -> ::{{ rt }}::Request {
        {% if op.path.styled %}
        let request = ::{{ rt }}::param_style::PathBuilder::new(&[{% for piece in op.path.piece_lits %}{{ piece }}{% if !loop.last %}, {% endif %}{% endfor %}])
            {% for v in op.path.values %}{% if let Some(style) = v.style %}.styled({{ v.wire_lit }}, &self.{{ v.field }}, {{ style }}, {{ v.explode }}){% else %}.plain(&self.{{ v.field }}{% if v.to_string %}.to_string(){% endif %}){% endif %}
            {% endfor %}.request({{ op.id_lit }}, ::{{ rt }}::Method::{{ op.http_method }});
        {% else %}
        let request = ::{{ rt }}::Request::new(
            {{ op.id_lit }},
            ::{{ rt }}::Method::{{ op.http_method }},
            {% if op.path.values.is_empty() %}::std::string::String::from({{ op.path.text_lit }}){% else %}::{{ rt }}::expand_path(
                &[{% for piece in op.path.piece_lits %}{{ piece }}{% if !loop.last %}, {% endif %}{% endfor %}],
                &[{% for v in op.path.values %}&self.{{ v.field }}{% if v.to_string %}.to_string(){% endif %}{% if !loop.last %}, {% endif %}{% endfor %}],
            ){% endif %},
        );
        {% endif %}
        {% if let Some(security) = op.security_lit %}let request = request.security({{ security }});
        {% endif %}{% if !op.sensitive_segments.is_empty() %}let request = request.sensitive_path_segments(&[{% for s in op.sensitive_segments %}{{ s }}{% if !loop.last %}, {% endif %}{% endfor %}]);
        {% endif %}
        {% for q in op.query %}
        {% if let Some(style) = q.style %}
        {% if q.required %}
        let request = ::{{ rt }}::param_style::query(request, {{ q.wire_lit }}, &self.{{ q.field }}, {{ style }}, {{ q.explode }});
        {% else %}
        let request = match &self.{{ q.field }} {
            Some(value) => ::{{ rt }}::param_style::query(request, {{ q.wire_lit }}, value, {{ style }}, {{ q.explode }}),
            None => request,
        };
        {% endif %}
        {% else if q.deep || q.spread %}
        {% if q.required %}
        let request = request.query_object({% if q.deep %}{{ q.wire_lit }}{% else %}""{% endif %}, &self.{{ q.field }});
        {% else %}
        let request = match &self.{{ q.field }} {
            Some(value) => request.query_object({% if q.deep %}{{ q.wire_lit }}{% else %}""{% endif %}, value),
            None => request,
        };
        {% endif %}
        {% else if q.list %}
        let request = self.{{ q.field }}.iter(){% if !q.required %}.flatten(){% endif %}.fold(request, |request, value| request.query({{ q.wire_lit }}, value.to_string()));
        {% else if q.required %}
        let request = request.query({{ q.wire_lit }}, self.{{ q.field }}.to_string());
        {% else %}
        let request = match &self.{{ q.field }} {
            Some(value) => request.query({{ q.wire_lit }}, value.to_string()),
            None => request,
        };
        {% endif %}
        {% endfor %}
        {% for h in op.headers %}
        {% if h.cookie %}
        {% if h.required %}
        let request = ::{{ rt }}::param_style::cookie(request, {{ h.wire_lit }}, &self.{{ h.field }}, {{ h.explode }}, {{ h.sensitive }});
        {% else %}
        let request = match &self.{{ h.field }} {
            Some(value) => ::{{ rt }}::param_style::cookie(request, {{ h.wire_lit }}, value, {{ h.explode }}, {{ h.sensitive }}),
            None => request,
        };
        {% endif %}
        {% else if h.style.is_some() %}
        {% if h.required %}
        let request = ::{{ rt }}::param_style::header(request, {{ h.wire_lit }}, &self.{{ h.field }}, {{ h.explode }}, {{ h.sensitive }});
        {% else %}
        let request = match &self.{{ h.field }} {
            Some(value) => ::{{ rt }}::param_style::header(request, {{ h.wire_lit }}, value, {{ h.explode }}, {{ h.sensitive }}),
            None => request,
        };
        {% endif %}
        {% else if h.required %}
        let request = request.{% if h.sensitive %}sensitive_header{% else %}header{% endif %}({{ h.wire_lit }}, self.{{ h.field }}.to_string());
        {% else %}
        let request = match &self.{{ h.field }} {
            Some(value) => request.{% if h.sensitive %}sensitive_header{% else %}header{% endif %}({{ h.wire_lit }}, value.to_string()),
            None => request,
        };
        {% endif %}
        {% endfor %}
        {% if let Some(b) = op.body %}
        {% if b.required %}
        let request = {% if b.by_value %}{% call send_body(b, "self.body") %}{% endcall %}{% else %}{% call send_body(b, "&self.body") %}{% endcall %}{% endif %};
        {% else %}
        let request = match {% if !b.by_value %}&{% endif %}self.body {
            Some(body) => {% call send_body(b, "body") %}{% endcall %},
            None => request,
        };
        {% endif %}
        {% endif %}
        {% if let Some(accept) = op.accept_lit %}let request = request.accept({{ accept }});
        {% endif %}request{% if op.idempotent %}.idempotent(){% endif %}.options(self.options)
    }
}

{#- timeout, attempt_timeout, retry_policy, and whatever the API's layer adds (Klarna's correlation_id, integration_metadata) #}
::{{ rt }}::__request_options!({{ op.builder }});
{% endfor %}
{% endfor %}
