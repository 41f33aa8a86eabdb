//! Enum values spelled for naming (their meaningful symbols and signs as words), and the text of a
//! string schema's `format`.

use super::*;

/// An enum value with its meaningful symbols spelled as words, so `x`, `+x` and `-x` (sort orders) name
/// `X`, `PlusX` and `MinusX` instead of one name and two renames: a leading sign, and every symbol of a
/// value that has no letters or digits (`<=` → `LtEq`). Symbols between words stay separators
/// (`dark-red` → `DarkRed`).
pub(in crate::lower) fn spell_symbols(value: &str) -> String {
    fn word(c: char) -> Option<&'static str> {
        Some(match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '.' => "dot",
            '/' => "slash",
            '%' => "percent",
            '&' => "and",
            '|' => "or",
            '@' => "at",
            '#' => "hash",
            '$' => "dollar",
            '~' => "tilde",
            '^' => "caret",
            '?' => "question",
            ':' => "colon",
            ',' => "comma",
            _ => return None,
        })
    }
    let symbols_only = !value.chars().any(char::is_alphanumeric);
    let mut out = String::new();
    let mut leading = true;
    for c in value.chars() {
        match word(c) {
            Some(w) if leading || symbols_only => {
                out.push_str(w);
                out.push(' ');
            }
            _ => {
                leading = false;
                out.push(c);
            }
        }
    }
    out
}

/// Every sign of a number in a value spelled as a word (`Etc/GMT-1` → `Etc/GMT minus 1`), for values that
/// would otherwise name the same variant; a `-` between words stays a separator.
pub(in crate::lower) fn spell_signs(value: &str) -> String {
    let spelled = spell_symbols(value);
    let chars: Vec<char> = spelled.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let before_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        match c {
            '+' if before_digit => out.push_str(" plus "),
            '-' if before_digit => out.push_str(" minus "),
            _ => out.push(*c),
        }
    }
    out
}

pub(in crate::lower) fn string_format_name(f: &StringFormat) -> &'static str {
    match f {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

/// The `format` of a string schema as written, `""` when there is none.
pub(in crate::lower) fn string_format_text(f: &VariantOrUnknownOrEmpty<StringFormat>) -> &str {
    match f {
        VariantOrUnknownOrEmpty::Item(f) => string_format_name(f),
        VariantOrUnknownOrEmpty::Unknown(f) => f,
        VariantOrUnknownOrEmpty::Empty => "",
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, lower_yaml, ty};

    #[test]
    fn enum_values_with_signs_are_named_from_them() {
        let yaml = doc(
            "",
            "  Sort: {type: string, enum: [description, +description, -description]}\n  Zone: {type: string, enum: [Etc/GMT-1, Etc/GMT+1, Etc/GMT]}\n  Op: {type: string, enum: ['<', '<=', in-progress, IN_PROGRESS]}",
        );
        let (api, warnings) = lower_yaml(&yaml);
        let names = |name: &str| -> Vec<String> {
            let TypeKind::StringEnum { variants } = &ty(&api, name).kind else {
                panic!("{name} is a string enum")
            };
            variants.iter().map(|v| v.name.rust.clone()).collect()
        };
        assert_eq!(
            names("Sort"),
            ["Description", "PlusDescription", "MinusDescription"]
        );
        assert_eq!(names("Zone"), ["EtcGmtMinus1", "EtcGmtPlus1", "EtcGmt"]);
        // A `-` between words stays a separator: those two still collide, and the rename says so.
        assert_eq!(names("Op"), ["Lt", "LtEq", "InProgress", "InProgress2"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("`InProgress2`"), "{warnings:?}");
    }
}
