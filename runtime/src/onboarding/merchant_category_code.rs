//! Merchant category codes (MCC), as used by `default_merchant_category_code`,
//! `merchant_category_code` and `enabled_merchant_category_codes`.
//!
//! Klarna's guides define the MCC as a four-digit number that classifies the goods or services a
//! business offers, and show it as text with leading zeros kept (`"0742"`, `"5411"`). Sources:
//!
//! - <https://docs.klarna.com/klarna-network-distribution/onboard-and-manage-your-partners/accounts-resources/payment-accounts>
//!   (`default_merchant_category_code`: a four-digit number; example `0742`)
//! - <https://docs.klarna.com/klarna-network-distribution/onboard-and-manage-your-partners/accounts-resources/payment-products>
//!   (a default MCC, a four-digit number, is assigned per payment account)
//! - <https://docs.klarna.com/klarna-network-distribution/manage-partners/onboard-and-manage-partners/manage-partner-accounts/partner-business-entities>
//!   (`enabled_merchant_category_codes`: example `["5411"]`)
//!
//! [`MerchantCategoryCode`] checks exactly that: four ASCII digits. It does not check that Klarna
//! supports the code; the guides point to a list of supported codes that is not in our sources.
//!
//! ```
//! use klarna_runtime::onboarding::MerchantCategoryCode;
//! let mcc: MerchantCategoryCode = "0742".parse().unwrap();
//! assert_eq!(mcc.as_str(), "0742");
//! assert!("742".parse::<MerchantCategoryCode>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A merchant category code: exactly four ASCII digits, held as text so leading zeros survive.
/// Serializes as a JSON string; deserializing checks the format.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MerchantCategoryCode([u8; 4]);

/// A value that is not four ASCII digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidMerchantCategoryCode {
    value: String,
}

impl InvalidMerchantCategoryCode {
    /// The rejected value (cut to 64 characters).
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for InvalidMerchantCategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "merchant category code {:?}: must be exactly four digits 0-9 (for example \"0742\")",
            self.value
        )
    }
}

impl std::error::Error for InvalidMerchantCategoryCode {}

impl MerchantCategoryCode {
    /// Checks that `code` is exactly four ASCII digits.
    pub fn new(code: &str) -> Result<Self, InvalidMerchantCategoryCode> {
        match code.as_bytes() {
            &[a, b, c, d] if [a, b, c, d].iter().all(u8::is_ascii_digit) => {
                Ok(MerchantCategoryCode([a, b, c, d]))
            }
            _ => Err(InvalidMerchantCategoryCode {
                value: code.chars().take(64).collect(),
            }),
        }
    }

    /// The code as text, for example `"0742"`.
    pub fn as_str(&self) -> &str {
        // Four ASCII digits are always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The code as a number, for example `742` for `"0742"` (range checks on MCC blocks).
    pub fn value(&self) -> u16 {
        self.0
            .iter()
            .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
    }
}

impl fmt::Debug for MerchantCategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MerchantCategoryCode({:?})", self.as_str())
    }
}

impl fmt::Display for MerchantCategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for MerchantCategoryCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl FromStr for MerchantCategoryCode {
    type Err = InvalidMerchantCategoryCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MerchantCategoryCode::new(s)
    }
}

impl TryFrom<&str> for MerchantCategoryCode {
    type Error = InvalidMerchantCategoryCode;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        MerchantCategoryCode::new(s)
    }
}

impl TryFrom<String> for MerchantCategoryCode {
    type Error = InvalidMerchantCategoryCode;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        MerchantCategoryCode::new(&s)
    }
}

impl From<MerchantCategoryCode> for String {
    fn from(code: MerchantCategoryCode) -> String {
        code.as_str().to_owned()
    }
}

impl Serialize for MerchantCategoryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MerchantCategoryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;

        impl Visitor<'_> for CodeVisitor {
            type Value = MerchantCategoryCode;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a merchant category code: a string of exactly four digits")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                MerchantCategoryCode::new(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(CodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_guides_examples() {
        for code in ["0742", "5411", "0744", "0000", "9999"] {
            let mcc = MerchantCategoryCode::new(code).unwrap();
            assert_eq!(mcc.as_str(), code);
            assert_eq!(mcc.to_string(), code);
            assert_eq!(String::from(mcc), code);
        }
        assert_eq!(MerchantCategoryCode::new("0742").unwrap().value(), 742);
        assert_eq!(MerchantCategoryCode::new("5411").unwrap().value(), 5411);
    }

    #[test]
    fn rejects_anything_but_four_ascii_digits() {
        for bad in [
            "",
            "742",
            "07420",
            " 0742",
            "0742 ",
            "07a2",
            "+742",
            "-742",
            "０７４２",
            "٠٧٤٢",
            "07.4",
        ] {
            let err = MerchantCategoryCode::new(bad).unwrap_err();
            assert_eq!(err.value(), bad);
            assert!(err.to_string().contains("exactly four digits"), "{err}");
        }
    }

    #[test]
    fn long_values_are_cut_in_the_error() {
        let long = "1".repeat(1000);
        assert_eq!(
            MerchantCategoryCode::new(&long).unwrap_err().value().len(),
            64
        );
    }

    #[test]
    fn serde_round_trip_and_checked_deserialization() {
        let mcc: MerchantCategoryCode = serde_json::from_str("\"0742\"").unwrap();
        assert_eq!(serde_json::to_string(&mcc).unwrap(), "\"0742\"");
        let list: Vec<MerchantCategoryCode> = serde_json::from_str(r#"["5411","0744"]"#).unwrap();
        assert_eq!(list[1].as_str(), "0744");

        let err = serde_json::from_str::<MerchantCategoryCode>("\"742\"").unwrap_err();
        assert!(err.to_string().contains("exactly four digits"), "{err}");
        // A JSON number loses leading zeros, so it is not accepted.
        assert!(serde_json::from_str::<MerchantCategoryCode>("742").is_err());
    }

    #[test]
    fn parse_and_try_from() {
        assert_eq!(
            "0742".parse::<MerchantCategoryCode>().unwrap().as_str(),
            "0742"
        );
        assert!(MerchantCategoryCode::try_from("74").is_err());
        assert!(MerchantCategoryCode::try_from(String::from("5411")).is_ok());
    }
}
