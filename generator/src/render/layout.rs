//! Lays out a parsed file for a reader: `prettyplease` prints each item, a blank line separates the
//! top-level items (as a hand-written file has them), and the runtime's model macros get one entry a line.
//!
//! `prettyplease` prints a macro's tokens as a stream it fills up to its margin, which breaks a field's
//! `name: presence "wire"` in the middle; the entries of `__struct_serde!`, `__string_enum!` and
//! `__int_enum!` are printed here instead, one a line, in the shape their doc shows. An invocation of
//! another shape (attributes, a token this printer does not know) is left to `prettyplease`.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The runtime macros whose entries are printed one a line.
const ENTRY_MACROS: [&str; 3] = ["__struct_serde", "__string_enum", "__int_enum"];

/// Prints `file`: inner attributes first, then every item, a blank line between items.
pub(super) fn unparse(mut file: syn::File) -> String {
    let items = std::mem::take(&mut file.items);
    let mut out = String::new();
    if file.shebang.is_some() || !file.attrs.is_empty() {
        out.push_str(&prettyplease::unparse(&file));
    }
    let empty = syn::File {
        shebang: None,
        attrs: Vec::new(),
        ..file
    };
    for item in items {
        if !out.is_empty() {
            out.push('\n');
        }
        match entry_macro(&item) {
            Some(text) => out.push_str(&text),
            None => out.push_str(&prettyplease::unparse(&syn::File {
                items: vec![item],
                ..empty.clone()
            })),
        }
    }
    out
}

/// An invocation of one of [`ENTRY_MACROS`] laid out one entry a line; `None` for any other item.
fn entry_macro(item: &syn::Item) -> Option<String> {
    let syn::Item::Macro(m) = item else {
        return None;
    };
    let last = m.mac.path.segments.last()?;
    if !m.attrs.is_empty()
        || m.ident.is_some()
        || !ENTRY_MACROS.contains(&last.ident.to_string().as_str())
    {
        return None;
    }
    let path = format!(
        "{}{}",
        if m.mac.path.leading_colon.is_some() {
            "::"
        } else {
            ""
        },
        m.mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::")
    );
    // `[struct] Name { entries }`
    let mut tokens: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
    let TokenTree::Group(body) = tokens.pop()? else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let head = match tokens.as_slice() {
        [TokenTree::Ident(name)] => name.to_string(),
        [TokenTree::Ident(keyword), TokenTree::Ident(name)] if keyword == "struct" => {
            format!("struct {name}")
        }
        _ => return None,
    };
    let entries = split_entries(body.stream())?
        .iter()
        .map(|entry| entry_text(entry))
        .collect::<Option<Vec<_>>>()?;
    let (open, close, indent) = match &m.mac.delimiter {
        syn::MacroDelimiter::Brace(_) => (format!("{path}! {{\n    "), "}\n", "    "),
        syn::MacroDelimiter::Paren(_) => (format!("{path}!("), ");\n", ""),
        syn::MacroDelimiter::Bracket(_) => return None,
    };
    let mut out = open;
    out.push_str(&head);
    if entries.is_empty() {
        out.push_str(" {}\n");
    } else {
        out.push_str(" {\n");
        for entry in entries {
            out.push_str(&format!("{indent}    {entry},\n"));
        }
        out.push_str(&format!("{indent}}}\n"));
    }
    if indent.is_empty() {
        // `path!(Name { .. });`: the closing brace and parenthesis share a line.
        out.pop();
    }
    out.push_str(close);
    Some(out)
}

/// The comma-separated entries of a macro body (a trailing comma allowed).
fn split_entries(stream: TokenStream) -> Option<Vec<Vec<TokenTree>>> {
    let mut entries = vec![Vec::new()];
    for token in stream {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ',' => entries.push(Vec::new()),
            _ => entries.last_mut()?.push(token),
        }
    }
    if entries.last().is_some_and(Vec::is_empty) {
        entries.pop();
    }
    (!entries.iter().any(Vec::is_empty)).then_some(entries)
}

/// One entry as text: `name: presence "wire"` (a struct field) or `Variant => value` (an enum value, a
/// negative integer included).
fn entry_text(entry: &[TokenTree]) -> Option<String> {
    use TokenTree::{Ident, Literal, Punct};
    match entry {
        [Ident(field), Punct(colon), Ident(presence), Literal(wire)] if colon.as_char() == ':' => {
            Some(format!("{field}: {presence} {wire}"))
        }
        [Ident(variant), Punct(eq), Punct(gt), value @ ..]
            if eq.as_char() == '=' && eq.spacing() == Spacing::Joint && gt.as_char() == '>' =>
        {
            let value = match value {
                [Literal(v)] => v.to_string(),
                [Punct(minus), Literal(v)] if minus.as_char() == '-' => format!("-{v}"),
                _ => return None,
            };
            Some(format!("{variant} => {value}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::unparse;

    fn layout(source: &str) -> String {
        unparse(syn::parse_file(source).expect("test source parses"))
    }

    #[test]
    fn model_macros_get_one_entry_a_line_and_items_a_blank_line_between() {
        let source = r#"
            //! Models.
            #![allow(deprecated)]
            pub struct A { pub r#type: String }
            ::klarna_runtime::__struct_serde! { struct A { r#type: required "type", } }
            ::klarna_runtime::__struct_serde! { struct Empty {} }
            ::klarna_runtime::__string_enum!(E { One => "ONE", Two => "TWO" });
            ::klarna_runtime::__int_enum!(I { Minus => -1, });
        "#;
        assert_eq!(
            layout(source),
            "//! Models.\n#![allow(deprecated)]\n\npub struct A {\n    pub r#type: String,\n}\n\n\
             ::klarna_runtime::__struct_serde! {\n    struct A {\n        r#type: required \"type\",\n    }\n}\n\n\
             ::klarna_runtime::__struct_serde! {\n    struct Empty {}\n}\n\n\
             ::klarna_runtime::__string_enum!(E {\n    One => \"ONE\",\n    Two => \"TWO\",\n});\n\n\
             ::klarna_runtime::__int_enum!(I {\n    Minus => -1,\n});\n"
        );
    }

    #[test]
    fn other_macros_and_unknown_shapes_are_left_to_prettyplease() {
        let source = "::klarna_runtime::__struct_serde!(#[allow(deprecated)] A { x: required \"x\" });\n\
                      ::klarna_runtime::__request_options!(Builder);\n";
        let text = layout(source);
        assert!(text.contains("__request_options!(Builder);"), "{text}");
        assert!(text.contains("#[allow(deprecated)]"), "{text}");
    }
}
