//! Checks of `legal_registration_number` (with `legal_registration_country` and
//! `legal_registration_authority`) against Klarna's per-country formats.
//!
//! Source: Klarna's legal registration number guide, [`GUIDE_URL`]. It says the number must be
//! the official identifier exactly as the company registry records it (Klarna validates it
//! automatically), gives one format per country as a regular expression with examples, and adds
//! one rule beyond the format: for Germany (`DE`) the number alone is not unique, so
//! `legal_registration_authority` (the registry court) must be sent with it.
//!
//! # What is checked
//!
//! | country | official name | format checked (the guide's expression) |
//! |---|---|---|
//! | AT | Firmenbuchnummer | 5 to 11 characters, not a VAT id (`ATU` + 8 digits), not a social id (`K6` + 5 digits) |
//! | AX | Org. ID | 2 letters A-Z, 7 digits, `-`, 1 digit |
//! | BE | BCE/KBO | `0` or `1`, then 9 digits, each optionally preceded by a dot |
//! | BG | ЕИК | 9 digits |
//! | BY | UNP | 9 digits |
//! | CH | UID | 3 letters A-Z, `-`, then `ddd.ddd.ddd` |
//! | CY | Reg. No. | 2 Latin or Greek capital letters (Latin also lowercase), a space, 6 digits |
//! | CZ | IČO | 8 digits |
//! | DK | CVR | 8 digits |
//! | DE | Handelsregister | format **not** checked (see below); `legal_registration_authority` is required |
//!
//! Digits are ASCII `0`-`9`; the number is checked as given, never trimmed or changed.
//!
//! # What is not checked, and why
//!
//! - **AU, CA, DE**: the published expressions are damaged (their alternatives run together
//!   without the `|` separators, for example AU's `^\d{9}d{11}$`, which rejects the guide's own
//!   examples `123456789` and `12345678901`). Reconstructing them would be guessing, so these
//!   numbers come back [`RegistrationCheck::NotChecked`] with
//!   [`NotCheckedReason::PublishedPatternDamaged`].
//! - **Every other country**: the guide's table goes on past DK, but the rows after it were not
//!   readable in any source available to us, so they come back
//!   [`NotCheckedReason::CountryNotCovered`]. Absence of a check is not approval: Klarna still
//!   validates the number.
//!
//! ```
//! use klarna_runtime::onboarding::legal_registration::{
//!     check_legal_registration, LegalRegistrationError, NotCheckedReason, RegistrationCheck,
//! };
//! assert_eq!(check_legal_registration("CH", "CHE-123.456.789", None), Ok(RegistrationCheck::Matches));
//! assert!(matches!(
//!     check_legal_registration("CZ", "2566600", None),
//!     Err(LegalRegistrationError::FormatMismatch { .. })
//! ));
//! assert_eq!(
//!     check_legal_registration("DE", "HRB 123456", None),
//!     Err(LegalRegistrationError::AuthorityRequired { country: "DE".into() })
//! );
//! assert_eq!(
//!     check_legal_registration("DE", "HRB 123456", Some("Amtsgericht München")),
//!     Ok(RegistrationCheck::NotChecked(NotCheckedReason::PublishedPatternDamaged))
//! );
//! ```

use std::fmt;

/// Klarna's legal registration number guide, the source of every rule in this module.
pub const GUIDE_URL: &str = "https://docs.klarna.com/klarna-network-distribution/onboard-and-manage-your-partners/accounts-resources/legal-registration-number";

/// Outcome of a check that found nothing wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationCheck {
    /// The number has the format the guide gives for its country.
    Matches,
    /// The SDK has no usable format for this country; the number was not checked.
    NotChecked(NotCheckedReason),
}

/// Why a number was not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotCheckedReason {
    /// The guide's expression for this country is damaged (AU, CA, DE); see the
    /// [module documentation](self).
    PublishedPatternDamaged,
    /// The guide's row for this country is not in the sources available to us.
    CountryNotCovered,
}

/// A registration number (or its country, or its authority) that breaks one of the guide's rules.
/// Messages name the country and the expected format; they do not repeat the number.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LegalRegistrationError {
    /// The country is not an ISO 3166-1 alpha-2 code in upper case (for example `DE`).
    InvalidCountry {
        /// The rejected country text (cut to 16 characters).
        country: String,
    },
    /// The number is empty: no official identifier is.
    EmptyNumber {
        /// The country it was given for.
        country: String,
    },
    /// The number does not have the format the guide gives for its country.
    FormatMismatch {
        /// The country whose format was checked.
        country: String,
        /// The expected format, in words, with the guide's example.
        expected: &'static str,
    },
    /// The country needs `legal_registration_authority` as well (Germany), and it is missing or
    /// blank.
    AuthorityRequired {
        /// The country that needs it.
        country: String,
    },
}

impl fmt::Display for LegalRegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LegalRegistrationError::InvalidCountry { country } => write!(
                f,
                "legal_registration_country {country:?}: expected an upper-case ISO 3166-1 alpha-2 code such as \"DE\""
            ),
            LegalRegistrationError::EmptyNumber { country } => {
                write!(f, "legal_registration_number for {country}: empty")
            }
            LegalRegistrationError::FormatMismatch { country, expected } => write!(
                f,
                "legal_registration_number for {country}: does not match Klarna's format, expected {expected}"
            ),
            LegalRegistrationError::AuthorityRequired { country } => write!(
                f,
                "legal_registration_authority for {country}: required, because registration numbers \
                 there are only unique per registry court (for example \"Amtsgericht München\")"
            ),
        }
    }
}

impl std::error::Error for LegalRegistrationError {}

/// Checks `number` against the format the guide gives for `country` and, for Germany, that a
/// non-blank `authority` is given. See the [module documentation](self) for what is covered.
pub fn check_legal_registration(
    country: &str,
    number: &str,
    authority: Option<&str>,
) -> Result<RegistrationCheck, LegalRegistrationError> {
    let bytes = country.as_bytes();
    if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_uppercase) {
        return Err(LegalRegistrationError::InvalidCountry {
            country: country.chars().take(16).collect(),
        });
    }
    if number.is_empty() {
        return Err(LegalRegistrationError::EmptyNumber {
            country: country.to_owned(),
        });
    }
    if country == "DE" && authority.is_none_or(|a| a.trim().is_empty()) {
        return Err(LegalRegistrationError::AuthorityRequired {
            country: country.to_owned(),
        });
    }
    let (matches, expected): (fn(&str) -> bool, &'static str) = match country {
        "AT" => (
            at_firmenbuchnummer,
            "5 to 11 characters that are not a VAT id (ATU + 8 digits) or a social id (K6 + 5 digits), e.g. \"FN 123456a\"",
        ),
        "AX" => (
            ax_org_id,
            "2 letters A-Z, 7 digits, '-' and 1 digit, e.g. \"AX1234567-1\"",
        ),
        "BE" => (
            be_enterprise_number,
            "0 or 1 followed by 9 digits, dots optional, e.g. \"0123.456.789\"",
        ),
        "BG" | "BY" => (|n| all_digits(n, 9), "9 digits, e.g. \"123456789\""),
        "CH" => (
            ch_uid,
            "3 letters A-Z, '-' and ddd.ddd.ddd, e.g. \"CHE-123.456.789\"",
        ),
        "CY" => (
            cy_registration,
            "2 letters, a space and 6 digits, e.g. \"HE 123456\"",
        ),
        "CZ" => (|n| all_digits(n, 8), "8 digits, e.g. \"25666001\""),
        "DK" => (|n| all_digits(n, 8), "8 digits, e.g. \"12345678\""),
        "AU" | "CA" | "DE" => {
            return Ok(RegistrationCheck::NotChecked(
                NotCheckedReason::PublishedPatternDamaged,
            ));
        }
        _ => {
            return Ok(RegistrationCheck::NotChecked(
                NotCheckedReason::CountryNotCovered,
            ));
        }
    };
    if matches(number) {
        Ok(RegistrationCheck::Matches)
    } else {
        Err(LegalRegistrationError::FormatMismatch {
            country: country.to_owned(),
            expected,
        })
    }
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// `^(?!ATU\d{8})(?!K6\d{5}$).{5,11}$`
fn at_firmenbuchnummer(s: &str) -> bool {
    let count = s.chars().count();
    let vat = s
        .strip_prefix("ATU")
        .is_some_and(|rest| rest.len() >= 8 && rest.as_bytes()[..8].iter().all(u8::is_ascii_digit));
    let social = s.strip_prefix("K6").is_some_and(|rest| all_digits(rest, 5));
    (5..=11).contains(&count) && !s.contains('\n') && !vat && !social
}

/// `^[A-Z]{2}\d{7}-\d$`
fn ax_org_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..9].iter().all(u8::is_ascii_digit)
        && b[9] == b'-'
        && b[10].is_ascii_digit()
}

/// `^[01](\.?\d){9}$`
fn be_enterprise_number(s: &str) -> bool {
    let mut bytes = s.bytes();
    if !matches!(bytes.next(), Some(b'0' | b'1')) {
        return false;
    }
    let mut digits = 0;
    let mut after_dot = false;
    for b in bytes {
        match b {
            b'.' if !after_dot => after_dot = true,
            b'0'..=b'9' => {
                digits += 1;
                after_dot = false;
            }
            _ => return false,
        }
    }
    digits == 9 && !after_dot
}

/// `^[A-Z]{3}-\d{3}\.\d{3}\.\d{3}$`
fn ch_uid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 15
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3] == b'-'
        && b[4..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'.'
        && b[8..11].iter().all(u8::is_ascii_digit)
        && b[11] == b'.'
        && b[12..15].iter().all(u8::is_ascii_digit)
}

/// `^[A-Za-zΑ-Ω]{2} \d{6}$`
fn cy_registration(s: &str) -> bool {
    let mut chars = s.chars();
    let letter = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_alphabetic() || ('\u{391}'..='\u{3a9}').contains(&c))
    };
    letter(chars.next())
        && letter(chars.next())
        && chars.next() == Some(' ')
        && all_digits(chars.as_str(), 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(country: &str, number: &str) {
        assert_eq!(
            check_legal_registration(country, number, None),
            Ok(RegistrationCheck::Matches),
            "{country} {number:?}"
        );
    }

    fn mismatch(country: &str, number: &str) {
        assert!(
            matches!(
                check_legal_registration(country, number, None),
                Err(LegalRegistrationError::FormatMismatch { .. })
            ),
            "{country} {number:?} should not match"
        );
    }

    #[test]
    fn the_guides_examples_match() {
        ok("AT", "FN 123456a");
        ok("AX", "AX1234567-1");
        ok("BE", "0123.456.789");
        ok("BG", "123456789");
        ok("BY", "123456789");
        ok("CH", "CHE-123.456.789");
        ok("CY", "HE 123456");
        ok("CZ", "25666001");
        ok("DK", "12345678");
    }

    #[test]
    fn austria_excludes_vat_and_social_ids_and_bounds_the_length() {
        mismatch("AT", "ATU12345678");
        mismatch("AT", "K612345");
        ok("AT", "K6123456"); // the social-id exclusion needs exactly 5 digits
        ok("AT", "ATU1234567"); // only 7 digits: not a VAT id
        mismatch("AT", "1234");
        mismatch("AT", "123456789012");
        mismatch("AT", "FN 12\n3456");
        ok("AT", "12345");
        ok("AT", "12345678901");
    }

    #[test]
    fn belgium_takes_optional_dots_between_digits() {
        ok("BE", "0123456789");
        ok("BE", "1.2.3.4.5.6.7.8.9.0");
        mismatch("BE", "2123456789");
        mismatch("BE", "0123..456789");
        mismatch("BE", "0123456789.");
        mismatch("BE", ".0123456789");
        mismatch("BE", "012345678");
        mismatch("BE", "01234567890");
    }

    #[test]
    fn fixed_shapes_reject_near_misses() {
        mismatch("AX", "ax1234567-1");
        mismatch("AX", "AX12345671");
        mismatch("AX", "AX1234567-12");
        mismatch("CH", "CHE-123456789");
        mismatch("CH", "che-123.456.789");
        mismatch("CH", "CHE 123.456.789");
        mismatch("BG", "12345678");
        mismatch("BG", "12345678a");
        mismatch("CZ", "2566600");
        mismatch("DK", "1234567８");
    }

    #[test]
    fn cyprus_takes_latin_or_greek_letters() {
        ok("CY", "he 123456");
        ok("CY", "ΗΕ 123456"); // Greek capitals Eta, Epsilon
        mismatch("CY", "HE123456");
        mismatch("CY", "H 123456");
        mismatch("CY", "ηε 123456"); // Greek lowercase is outside the guide's range
        mismatch("CY", "HE 12345");
    }

    #[test]
    fn germany_needs_the_registry_authority() {
        assert_eq!(
            check_legal_registration("DE", "HRB 12345", None),
            Err(LegalRegistrationError::AuthorityRequired {
                country: "DE".into()
            })
        );
        assert_eq!(
            check_legal_registration("DE", "HRB 12345", Some("  ")),
            Err(LegalRegistrationError::AuthorityRequired {
                country: "DE".into()
            })
        );
        assert_eq!(
            check_legal_registration("DE", "HRB 12345", Some("Amtsgericht München")),
            Ok(RegistrationCheck::NotChecked(
                NotCheckedReason::PublishedPatternDamaged
            ))
        );
    }

    #[test]
    fn damaged_and_uncovered_countries_are_not_checked() {
        for (country, number) in [
            ("AU", "123456789"),
            ("AU", "whatever"),
            ("CA", "12-3456789"),
        ] {
            assert_eq!(
                check_legal_registration(country, number, None),
                Ok(RegistrationCheck::NotChecked(
                    NotCheckedReason::PublishedPatternDamaged
                ))
            );
        }
        for country in ["SE", "US", "GB", "EE"] {
            assert_eq!(
                check_legal_registration(country, "anything", None),
                Ok(RegistrationCheck::NotChecked(
                    NotCheckedReason::CountryNotCovered
                ))
            );
        }
    }

    #[test]
    fn country_and_number_are_required() {
        for bad in ["de", "D", "DEU", "", "D1"] {
            assert!(matches!(
                check_legal_registration(bad, "123", None),
                Err(LegalRegistrationError::InvalidCountry { .. })
            ));
        }
        assert_eq!(
            check_legal_registration("SE", "", None),
            Err(LegalRegistrationError::EmptyNumber {
                country: "SE".into()
            })
        );
    }

    #[test]
    fn messages_name_country_and_format_but_not_the_number() {
        let err = check_legal_registration("CZ", "secret-ish 999", None).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("for CZ") && text.contains("8 digits"),
            "{text}"
        );
        assert!(!text.contains("secret-ish"), "{text}");
    }
}
