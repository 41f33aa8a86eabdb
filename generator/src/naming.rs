//! The one identifier sanitizer, and scope-aware collision resolution.
//!
//! Every Rust name in the generated crate comes from here, decided once during lowering. The rules:
//! - words are split on case changes, digits-to-letters boundaries and every non-alphanumeric character
//!   (so `Parameter1.Name`, `No such order error message`, `checkbox-v2` and `payment_request_id` all work);
//!   non-ASCII characters are dropped, and a name with no letters or digits left is spelled out from its
//!   symbols (`+` → `Plus`, `""` → `Empty`); comparison operators beside letters are words too
//!   (`StartTime<` → `start_time_lt`, `amount>=` → `amount_gte`), so filter variants of one name stay apart;
//! - a leading digit gets a prefix: `_` for snake_case names, `N` for PascalCase names (`400` → `N400`);
//! - Rust keywords become raw identifiers (`type` → `r#type`), except those that cannot be raw
//!   (`self`, `super`, `crate`, `Self`, `_`), which get a `_` suffix (`self_`, `Self_`);
//! - within a [`Scope`], names reserved by the generated API (method names like `send`, type names like
//!   `Client`) and names already taken are never reused: the later claimant, in a deterministic order,
//!   gets a numeric suffix and the collision is reported.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every Rust keyword, strict and reserved, in all editions up to 2024.
pub const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Keywords that cannot be written as raw identifiers.
pub const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The casing a name is wanted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`, for fields, methods, modules, parameters.
    Snake,
    /// `PascalCase`, for types and enum variants.
    Pascal,
}

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '.' => "dot",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "bang",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '~' => "tilde",
        '^' => "caret",
        '?' => "question",
        ':' => "colon",
        ' ' => "space",
        '_' => "underscore",
        _ => return None,
    })
}

/// Comparison operators that filter parameters append to a name (Twilio's `StartTime<` and
/// `StartTime>` beside `StartTime`), spelled as words so the three stay apart (`start_time_lt`).
const COMPARISONS: &[(&str, &str)] = &[
    ("<=", " lte "),
    (">=", " gte "),
    ("!=", " ne "),
    ("<", " lt "),
    (">", " gt "),
];

/// Splits `raw` into ASCII words ready for casing.
fn words(raw: &str) -> String {
    let spelled;
    // A name of symbols only is spelled out below, symbol by symbol.
    let raw = if (raw.contains(['<', '>']) || raw.contains("!="))
        && raw.chars().any(|c| c.is_ascii_alphanumeric())
    {
        spelled = COMPARISONS
            .iter()
            .fold(raw.to_owned(), |s, (op, word)| s.replace(op, word));
        spelled.as_str()
    } else {
        raw
    };
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    if cleaned.trim().is_empty() {
        let spelled: Vec<&str> = raw.chars().filter_map(symbol_word).collect();
        if spelled.is_empty() {
            "empty".to_owned()
        } else {
            spelled.join(" ")
        }
    } else {
        cleaned
    }
}

/// Turns any wire name into a valid Rust identifier of the given case (without scope checks).
pub fn sanitize(raw: &str, case: Case) -> String {
    let w = words(raw);
    let mut ident = match case {
        Case::Snake => w.to_snake_case(),
        Case::Pascal => w.to_upper_camel_case(),
    };
    if ident.is_empty() {
        ident = match case {
            Case::Snake => "empty".into(),
            Case::Pascal => "Empty".into(),
        };
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident = match case {
            Case::Snake => format!("_{ident}"),
            Case::Pascal => format!("N{ident}"),
        };
    }
    escape_keyword(ident)
}

/// Makes a keyword usable: raw identifier where allowed, `_` suffix otherwise.
pub fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The identifier without a raw prefix, for building derived names (`r#type` → `type`).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A reported rename: two wire names wanted the same Rust name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    /// The name that was wanted.
    pub wanted: String,
    /// The name given instead.
    pub given: String,
    /// Why the wanted name was unavailable.
    pub reason: String,
}

/// A namespace in the generated code (a module's types, a struct's fields, an enum's variants ...).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    reserved: BTreeSet<String>,
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are never handed out.
    pub fn new<I, S>(reserved: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            reserved: reserved.into_iter().map(Into::into).collect(),
            taken: BTreeSet::new(),
        }
    }

    /// True when `ident` is free.
    pub fn is_free(&self, ident: &str) -> bool {
        !self.reserved.contains(unraw(ident)) && !self.taken.contains(unraw(ident))
    }

    /// Claims `wanted` (already sanitized) or, if it is reserved or taken, the first free `wanted2`,
    /// `wanted3`, ...; returns the name given and the collision if it was renamed.
    pub fn claim(&mut self, wanted: &str) -> (String, Option<Collision>) {
        if self.is_free(wanted) {
            self.taken.insert(unraw(wanted).to_owned());
            return (wanted.to_owned(), None);
        }
        let reason = if self.reserved.contains(unraw(wanted)) {
            "it is reserved by the generated API".to_owned()
        } else {
            "another name in the same scope maps to it".to_owned()
        };
        let base = unraw(wanted).trim_end_matches('_');
        let sep = if base.chars().last().is_some_and(|c| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut n = 2u32;
        let given = loop {
            let candidate = escape_keyword(format!("{base}{sep}{n}"));
            if self.is_free(&candidate) {
                break candidate;
            }
            n += 1;
        };
        self.taken.insert(unraw(&given).to_owned());
        (
            given.clone(),
            Some(Collision {
                wanted: wanted.to_owned(),
                given,
                reason,
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizer_table() {
        let table: &[(&str, Case, &str)] = &[
            ("payment_request_id", Case::Snake, "payment_request_id"),
            ("paymentRequestId", Case::Snake, "payment_request_id"),
            ("PaymentRequest", Case::Pascal, "PaymentRequest"),
            ("payment_request", Case::Pascal, "PaymentRequest"),
            ("type", Case::Snake, "r#type"),
            ("ref", Case::Snake, "r#ref"),
            ("match", Case::Snake, "r#match"),
            ("async", Case::Snake, "r#async"),
            ("gen", Case::Snake, "r#gen"),
            ("self", Case::Snake, "self_"),
            ("super", Case::Snake, "super_"),
            ("crate", Case::Snake, "crate_"),
            ("Self", Case::Pascal, "Self_"),
            ("self", Case::Pascal, "Self_"),
            ("Option", Case::Pascal, "Option"),
            ("Result", Case::Pascal, "Result"),
            ("3ds", Case::Snake, "_3ds"),
            ("3DS", Case::Pascal, "N3ds"),
            ("400", Case::Pascal, "N400"),
            (
                "No such order error message",
                Case::Pascal,
                "NoSuchOrderErrorMessage",
            ),
            ("checkbox-v2", Case::Pascal, "CheckboxV2"),
            ("Parameter1.Name", Case::Snake, "parameter1_name"),
            ("intents[]", Case::Snake, "intents"),
            (
                "Klarna-Idempotency-Key",
                Case::Snake,
                "klarna_idempotency_key",
            ),
            (
                "payment.request.state-change.completed",
                Case::Pascal,
                "PaymentRequestStateChangeCompleted",
            ),
            ("STEP_UP_REQUIRED", Case::Pascal, "StepUpRequired"),
            ("", Case::Pascal, "Empty"),
            ("+", Case::Pascal, "Plus"),
            ("-", Case::Snake, "minus"),
            ("_", Case::Snake, "underscore"),
            ("café", Case::Snake, "caf"),
            ("StartTime<", Case::Snake, "start_time_lt"),
            ("StartTime>", Case::Snake, "start_time_gt"),
            ("amount>=", Case::Snake, "amount_gte"),
            ("created_at<=", Case::Snake, "created_at_lte"),
            ("status!=", Case::Pascal, "StatusNe"),
            ("<=", Case::Pascal, "LtEq"),
            (
                "CapabilityProblemEntity-recursive",
                Case::Pascal,
                "CapabilityProblemEntityRecursive",
            ),
        ];
        for (raw, case, want) in table {
            assert_eq!(sanitize(raw, *case), *want, "sanitize({raw:?}, {case:?})");
        }
    }

    #[test]
    fn every_keyword_is_escaped_into_a_valid_identifier() {
        for kw in KEYWORDS {
            let s = sanitize(kw, Case::Snake);
            assert_ne!(s, *kw, "{kw} must not be emitted bare");
            assert!(
                syn::parse_str::<syn::Ident>(&s).is_ok() || s.starts_with("r#"),
                "{s} is not an identifier"
            );
        }
    }

    #[test]
    fn scope_resolves_collisions_deterministically_and_reports_them() {
        let mut scope = Scope::new(["send", "Client"]);
        assert_eq!(scope.claim("address"), ("address".to_owned(), None));
        let (given, collision) = scope.claim("address");
        assert_eq!(given, "address2");
        assert_eq!(collision.map(|c| c.wanted), Some("address".to_owned()));
        let (given, collision) = scope.claim("send");
        assert_eq!(given, "send2");
        assert!(collision.is_some_and(|c| c.reason.contains("reserved")));
        let (given, _) = scope.claim("Client");
        assert_eq!(given, "Client2");
        let (given, _) = scope.claim("r#type");
        assert_eq!(given, "r#type");
        let (given, _) = scope.claim("r#type");
        assert_eq!(given, "type2");
        let (given, _) = scope.claim("v1");
        assert_eq!(given, "v1");
        let (given, _) = scope.claim("v1");
        assert_eq!(given, "v1_2");
    }
}
