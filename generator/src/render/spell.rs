//! IR types spelled as Rust: fully qualified paths (a schema named `Option` cannot shadow anything), `Box` for
//! cycles, and the short forms docs use. Paths are built as token streams (`quote!`), never pasted together
//! from text; the templates receive them as text and the formatter lays them out.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;

/// A Rust name (a raw one such as `r#type` included) as an identifier token; `None` when the text is not
/// an identifier.
pub(super) fn ident(name: &str) -> Option<proc_macro2::Ident> {
    // The names lowering gives are plain ASCII words or raw keywords: made here without parsing (parsing
    // every spelled type's name cost Stripe's document 73 M of render's 848 M instructions); anything
    // else is left to syn, which decides.
    let word = |w: &str| {
        w.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && w != "_"
    };
    let span = proc_macro2::Span::call_site();
    match name.strip_prefix("r#") {
        Some(raw) if word(raw) && !crate::naming::NOT_RAW.contains(&raw) => {
            Some(proc_macro2::Ident::new_raw(raw, span))
        }
        None if word(name) && !crate::naming::KEYWORDS.contains(&name) => {
            Some(proc_macro2::Ident::new(name, span))
        }
        _ => syn::parse_str::<syn::Ident>(name).ok(),
    }
}

/// Where a file finds the API's named types, and with them the runtime's: the paths the speller writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Models {
    /// In scope (inside `models.rs`); runtime types under `::klarna_runtime`.
    Here,
    /// In the sibling module `models` (in `operations.rs` and `webhooks.rs`); runtime types under
    /// `::klarna_runtime`.
    Sibling,
    /// Outside the generated crates, through the facade `klarna` (`klarna-testing`'s stubs): named types
    /// under `::klarna::<module>`, runtime types under `::klarna`.
    Facade,
}

/// Named types as seen from `operations.rs` and `webhooks.rs`.
pub(super) const MODELS: Models = Models::Sibling;

/// The path of the named type `id` of `api`. Lowering gives every type an identifier for a name; were one
/// not, the path is a `compile_error!` that says so, which the formatter refuses with its location.
fn named_path(api: &Api, id: TypeId, models: Models) -> TokenStream {
    let name = api.type_name(id);
    let name = match ident(name) {
        Some(i) => quote!(#i),
        None => {
            let message = format!("type name `{name}` is not a Rust identifier");
            quote!(::core::compile_error!(#message))
        }
    };
    match models {
        Models::Here => name,
        Models::Sibling => quote!(super::models::#name),
        Models::Facade => match ident(&api.module.rust) {
            Some(module) => quote!(::klarna::#module::#name),
            None => {
                let message = format!("module name `{}` is not a Rust identifier", api.module.rust);
                quote!(::core::compile_error!(#message))
            }
        },
    }
}

/// The runtime crate's name as an identifier (`klarna_runtime`, `oapi_runtime`).
fn runtime_ident(api: &Api) -> proc_macro2::Ident {
    proc_macro2::Ident::new(&api.runtime, proc_macro2::Span::call_site())
}

/// The tokens of a type of `api`.
pub(crate) fn type_tokens(api: &Api, t: &TypeRef, models: Models) -> TokenStream {
    let runtime = match models {
        Models::Here | Models::Sibling => {
            let rt = runtime_ident(api);
            quote!(::#rt)
        }
        Models::Facade => quote!(::klarna),
    };
    match t {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String(format) => match StringRepr::of(format.as_deref()) {
            StringRepr::Text => quote!(::std::string::String),
            StringRepr::DateTime => quote!(#runtime::DateTime),
            StringRepr::Date => quote!(#runtime::Date),
            StringRepr::Uuid => quote!(#runtime::Uuid),
            StringRepr::Base64 => quote!(#runtime::Base64Bytes),
            StringRepr::Decimal => quote!(#runtime::Decimal),
        },
        // Binary data inside JSON can only be a string.
        TypeRef::Bytes => quote!(::std::string::String),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(id) => named_path(api, *id, models),
        TypeRef::List(inner) => {
            let inner = type_tokens(api, inner, models);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(api, inner, models);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::OrNull(inner) => {
            let inner = type_tokens(api, inner, models);
            quote!(::std::option::Option<#inner>)
        }
    }
}

/// Spells a type of `api` (text for the templates).
pub(super) fn rust_type(api: &Api, t: &TypeRef, models: Models) -> String {
    type_tokens(api, t, models).to_string()
}

/// The tokens of a type of `api`, inside `Box` when `boxed` (a field or variant that closes a cycle or
/// is much larger than its siblings).
fn boxed_tokens(api: &Api, t: &TypeRef, models: Models, boxed: bool) -> TokenStream {
    let ty = type_tokens(api, t, models);
    if boxed {
        quote!(::std::boxed::Box<#ty>)
    } else {
        ty
    }
}

/// Spells a type of `api`, inside `Box` when `boxed`.
pub(super) fn boxed_type(api: &Api, t: &TypeRef, models: Models, boxed: bool) -> String {
    boxed_tokens(api, t, models, boxed).to_string()
}

pub(super) fn format_note(t: &TypeRef) -> Option<String> {
    match t {
        TypeRef::String(Some(f)) => Some(format!("Format: `{f}`.")),
        _ => None,
    }
}

pub(super) fn into_arg(ty: &str) -> String {
    format!("impl ::std::convert::Into<{ty}>")
}

/// A type as a reader would write it, for documentation (`Vec<ErrorBody>`, not the full path).
pub(super) fn short_type(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String(format) => match StringRepr::of(format.as_deref()) {
            StringRepr::Text => "String",
            StringRepr::DateTime => "DateTime",
            StringRepr::Date => "Date",
            StringRepr::Uuid => "Uuid",
            StringRepr::Base64 => "Base64Bytes",
            StringRepr::Decimal => "Decimal",
        }
        .into(),
        TypeRef::Bytes => "String".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::Named(id) => api.type_name(*id).to_owned(),
        TypeRef::List(inner) => format!("Vec<{}>", short_type(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", short_type(api, inner)),
        TypeRef::OrNull(inner) => format!("Option<{}>", short_type(api, inner)),
    }
}

/// The type of a struct field: its value type, boxed for a cycle, wrapped for its presence.
pub(super) fn field_type(api: &Api, f: &Field) -> String {
    let inner = boxed_tokens(api, &f.ty, Models::Here, f.boxed);
    match f.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(::std::option::Option<#inner>),
        Presence::OptionalNullable => {
            let rt = runtime_ident(api);
            quote!(::#rt::Nullable<#inner>)
        }
    }
    .to_string()
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
        assert_eq!(tokens("_"), None);
        assert_eq!(tokens("r#self"), None);
        assert_eq!(tokens("r#"), None);
        assert_eq!(tokens("9lives"), None);
        assert_eq!(tokens("_private").as_deref(), Some("_private"));
        assert_eq!(tokens("union").as_deref(), Some("union"));
        assert_eq!(tokens("Ünïcode").as_deref(), Some("Ünïcode"));
    }
}
