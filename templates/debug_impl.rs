/// Shows every field, the sensitive ones as `<redacted>`.
impl ::std::fmt::Debug for {{ d.type_name }} {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct({{ d.name_lit }})
            {% for field in d.fields %}.field({{ field.name_lit }}, {% if field.sensitive %}&::{{ rt }}::__private::Redacted{% else %}&self.{{ field.name }}{% endif %})
            {% endfor %}.finish()
    }
}
