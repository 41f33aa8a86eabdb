//! IR types spelled as Rust: fully qualified paths (a schema named `Option` cannot shadow anything), `Box` for
//! cycles, and the short forms docs use.

use super::*;

/// A Rust name (a raw one such as `r#type` included) as an identifier token; `None` when the text is not
/// an identifier.
pub(super) fn ident(name: &str) -> Option<proc_macro2::Ident> {
    syn::parse_str::<syn::Ident>(name).ok()
}

/// Spells a type. `models` is the path prefix of named types (`""` inside models.rs, `"super::models::"` in
/// operations.rs).
pub(super) fn rust_type(t: &TypeRef, models: &str) -> String {
    match t {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String(format) => match StringRepr::of(format.as_deref()) {
            StringRepr::Text => "::std::string::String",
            StringRepr::DateTime => "::klarna_runtime::DateTime",
            StringRepr::Date => "::klarna_runtime::Date",
            StringRepr::Uuid => "::klarna_runtime::Uuid",
            StringRepr::Base64 => "::klarna_runtime::Base64Bytes",
            StringRepr::Decimal => "::klarna_runtime::Decimal",
        }
        .into(),
        // Binary data inside JSON can only be a string.
        TypeRef::Bytes => "::std::string::String".into(),
        TypeRef::Json => "::serde_json::Value".into(),
        TypeRef::Named(n) => format!("{models}{n}"),
        TypeRef::List(inner) => format!("::std::vec::Vec<{}>", rust_type(inner, models)),
        TypeRef::Map(inner) => {
            format!(
                "::std::collections::BTreeMap<::std::string::String, {}>",
                rust_type(inner, models)
            )
        }
    }
}

pub(super) fn boxed(ty: String, boxed: bool) -> String {
    if boxed {
        format!("::std::boxed::Box<{ty}>")
    } else {
        ty
    }
}

pub(super) fn format_note(t: &TypeRef) -> Option<String> {
    match t {
        TypeRef::String(Some(f)) => Some(format!("Format: `{f}`.")),
        TypeRef::I64 | TypeRef::I32 => None,
        _ => None,
    }
}

pub(super) const MODELS: &str = "super::models::";

pub(super) fn into_arg(ty: &str) -> String {
    format!("impl ::std::convert::Into<{ty}>")
}

/// A type as a reader would write it, for documentation (`Vec<Error>`, not the full path).
pub(super) fn short_type(t: &TypeRef) -> String {
    rust_type(t, "")
        .replace("::std::string::", "")
        .replace("::std::vec::", "")
        .replace("::std::collections::", "")
        .replace("::klarna_runtime::", "")
        .replace("::serde_json::", "")
}

pub(super) fn field_type(f: &Field) -> String {
    let inner = boxed(rust_type(&f.ty, ""), f.boxed);
    match f.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => {
            format!("::std::option::Option<{inner}>")
        }
        Presence::OptionalNullable => format!("::klarna_runtime::Nullable<{inner}>"),
    }
}

#[cfg(test)]
mod tests {
    use super::ident;

    #[test]
    fn identifiers_keep_raw_names_and_refuse_other_text() {
        let tokens = |name: &str| ident(name).map(|i| i.to_string());
        assert_eq!(tokens("PaymentRequest").as_deref(), Some("PaymentRequest"));
        assert_eq!(tokens("r#type").as_deref(), Some("r#type"));
        assert_eq!(tokens("type"), None);
        assert_eq!(tokens("two words"), None);
        assert_eq!(tokens("a::b"), None);
        assert_eq!(tokens(""), None);
    }
}
