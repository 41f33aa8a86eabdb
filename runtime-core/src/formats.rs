//! Typed string formats: what the generated models use for `format: date-time`, `date`, `uuid`,
//! `byte` and `decimal`.
//!
//! Every type here is validated when it is deserialized, so a model that deserialized holds a
//! real timestamp, date, UUID, base64 payload or decimal number; a malformed value makes the
//! whole response fail with a deserialization error that names the value. Values keep their
//! wire text where the format allows more than one spelling ([`DateTime`], [`Decimal`]), so a
//! model serializes back to exactly the JSON it came from.
//!
//! | OpenAPI | Rust |
//! |---|---|
//! | `type: string, format: date-time` | [`DateTime`] (RFC 3339, backed by [`time::OffsetDateTime`]) |
//! | `type: string, format: date` | [`Date`] (RFC 3339 `full-date`, backed by [`time::Date`]) |
//! | `type: string, format: uuid` | [`Uuid`] (re-exported from the `uuid` crate) |
//! | `type: string, format: byte` | [`Base64Bytes`] (standard base64, decoded) |
//! | `type: string, format: decimal` | [`Decimal`] (exact decimal text) |

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The `uuid` crate's UUID (`format: uuid`), serialized in lowercase hyphenated form.
// Not inlined: the `uuid` crate's own docs link relative to its own pages.
#[doc(no_inline)]
pub use uuid::Uuid;

/// The `time` crate, re-exported so callers name the same `OffsetDateTime` and `Date` without
/// adding it to their own `Cargo.toml`.
pub use ::time;

/// A value that does not match its format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    format: &'static str,
    value: String,
    reason: String,
}

impl FormatError {
    fn new(format: &'static str, value: &str, reason: impl fmt::Display) -> Self {
        // Keep messages short even for a huge bad value.
        let value = if value.chars().count() > 64 {
            let cut: String = value.chars().take(61).collect();
            format!("{cut}...")
        } else {
            value.to_owned()
        };
        FormatError {
            format,
            value,
            reason: reason.to_string(),
        }
    }

    /// The format the value was checked against (`date-time`, `date`, `byte`, `decimal`).
    pub fn format(&self) -> &'static str {
        self.format
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}: {}",
            self.value, self.format, self.reason
        )
    }
}

impl std::error::Error for FormatError {}

/// Deserializes a string and parses it with `FromStr`, reporting the format on failure.
struct ParseVisitor<T>(std::marker::PhantomData<T>, &'static str);

impl<T> Visitor<'_> for ParseVisitor<T>
where
    T: FromStr<Err = FormatError>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", self.1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

fn deserialize_parsed<'de, D, T>(deserializer: D, format: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = FormatError>,
{
    deserializer.deserialize_str(ParseVisitor(std::marker::PhantomData, format))
}

// ---------------------------------------------------------------------------------------------
// date-time
// ---------------------------------------------------------------------------------------------

/// An RFC 3339 timestamp (`format: date-time`), such as `2025-01-31T12:00:00Z`.
///
/// Parsed into a [`time::OffsetDateTime`] and kept with its wire text, so it serializes back
/// exactly as received (`.000Z` stays `.000Z`). Equality, ordering and hashing compare the
/// instant: `12:00:00Z` and `13:00:00+01:00` are equal.
///
/// ```
/// use oapi_runtime::DateTime;
/// let t: DateTime = "2025-01-31T12:00:00.000Z".parse().unwrap();
/// assert_eq!(t.unix_timestamp(), 1_738_324_800);
/// assert_eq!(t.to_string(), "2025-01-31T12:00:00.000Z");
/// assert_eq!(t, "2025-01-31T13:00:00+01:00".parse().unwrap());
/// assert!("2025-01-31".parse::<DateTime>().is_err());
/// ```
#[derive(Clone)]
pub struct DateTime {
    value: time::OffsetDateTime,
    text: Box<str>,
}

impl DateTime {
    /// The current time in UTC.
    pub fn now_utc() -> Self {
        time::OffsetDateTime::now_utc().into()
    }

    /// The parsed timestamp.
    pub fn to_offset_date_time(&self) -> time::OffsetDateTime {
        self.value
    }

    /// Seconds since the Unix epoch.
    pub fn unix_timestamp(&self) -> i64 {
        self.value.unix_timestamp()
    }

    /// The RFC 3339 text, as received or as formatted when built from an `OffsetDateTime`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<time::OffsetDateTime> for DateTime {
    /// Formats the timestamp as RFC 3339. The few instants RFC 3339 cannot express (years
    /// outside 0000–9999, offsets with seconds) are clamped to the nearest representable one.
    fn from(value: time::OffsetDateTime) -> Self {
        let value = if value.offset().seconds_past_minute() != 0 {
            value.to_offset(time::UtcOffset::UTC)
        } else {
            value
        };
        let value = value.clamp(
            time::PrimitiveDateTime::new(
                time::Date::MIN.replace_year(0).unwrap_or(time::Date::MIN),
                time::Time::MIDNIGHT,
            )
            .assume_offset(value.offset()),
            time::PrimitiveDateTime::new(
                time::Date::MAX
                    .replace_year(9999)
                    .unwrap_or(time::Date::MAX),
                time::Time::MIDNIGHT,
            )
            .assume_offset(value.offset()),
        );
        let text = value
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        DateTime {
            value,
            text: text.into(),
        }
    }
}

impl From<DateTime> for time::OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.value
    }
}

impl FromStr for DateTime {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, FormatError> {
        let value = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|e| FormatError::new("date-time", s, e))?;
        Ok(DateTime {
            value,
            text: s.into(),
        })
    }
}

impl TryFrom<&str> for DateTime {
    type Error = FormatError;

    fn try_from(s: &str) -> Result<Self, FormatError> {
        s.parse()
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({})", self.text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer, "date-time")
    }
}

// ---------------------------------------------------------------------------------------------
// date
// ---------------------------------------------------------------------------------------------

/// A calendar date (`format: date`, RFC 3339 `full-date`), such as `2025-01-31`.
///
/// ```
/// use oapi_runtime::Date;
/// let d: Date = "2024-02-29".parse().unwrap();
/// assert_eq!(d.to_date().month(), oapi_runtime::formats::time::Month::February);
/// assert_eq!(d.to_string(), "2024-02-29");
/// assert!("2023-02-29".parse::<Date>().is_err());
/// assert!("2024-2-9".parse::<Date>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// The parsed date.
    pub fn to_date(self) -> time::Date {
        self.0
    }
}

impl From<time::Date> for Date {
    /// Years outside 0000–9999, which `full-date` cannot spell, are clamped.
    fn from(value: time::Date) -> Self {
        let low = time::Date::MIN.replace_year(0).unwrap_or(time::Date::MIN);
        let high = time::Date::MAX
            .replace_year(9999)
            .unwrap_or(time::Date::MAX);
        Date(value.clamp(low, high))
    }
}

impl From<Date> for time::Date {
    fn from(value: Date) -> Self {
        value.0
    }
}

impl FromStr for Date {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, FormatError> {
        let bad = |reason: &str| FormatError::new("date", s, reason);
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(bad("expected YYYY-MM-DD"));
        }
        let number = |range: std::ops::Range<usize>| -> u32 {
            bytes[range]
                .iter()
                .fold(0, |n, b| n * 10 + u32::from(b - b'0'))
        };
        let year = number(0..4) as i32;
        let month = u8::try_from(number(5..7))
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or_else(|| bad("month out of range"))?;
        let day = u8::try_from(number(8..10)).map_err(|_| bad("day out of range"))?;
        time::Date::from_calendar_date(year, month, day)
            .map(Date)
            .map_err(|e| FormatError::new("date", s, e))
    }
}

impl TryFrom<&str> for Date {
    type Error = FormatError;

    fn try_from(s: &str) -> Result<Self, FormatError> {
        s.parse()
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer, "date")
    }
}

// ---------------------------------------------------------------------------------------------
// byte
// ---------------------------------------------------------------------------------------------

/// Binary data carried in JSON as base64 text (`format: byte`), held decoded.
///
/// Deserializing accepts the standard alphabet with or without `=` padding; serializing writes
/// the standard alphabet with padding.
///
/// ```
/// use oapi_runtime::Base64Bytes;
/// let b: Base64Bytes = serde_json::from_str("\"aGVsbG8\"").unwrap();
/// assert_eq!(b.as_slice(), b"hello");
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"aGVsbG8=\"");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Base64Bytes(Vec<u8>);

impl Base64Bytes {
    /// The decoded bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The decoded bytes, owned.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(value: Vec<u8>) -> Self {
        Base64Bytes(value)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(value: &[u8]) -> Self {
        Base64Bytes(value.to_vec())
    }
}

impl From<Base64Bytes> for Vec<u8> {
    fn from(value: Base64Bytes) -> Self {
        value.0
    }
}

impl FromStr for Base64Bytes {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, FormatError> {
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        engine
            .decode(s)
            .map(Base64Bytes)
            .map_err(|e| FormatError::new("byte", s, e))
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl fmt::Display for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer, "byte")
    }
}

// ---------------------------------------------------------------------------------------------
// decimal
// ---------------------------------------------------------------------------------------------

/// An exact decimal number carried as a JSON string (`format: decimal`), such as `"12.50"`.
///
/// Validated (`-`, digits, an optional fraction, an optional exponent) and kept as text, so no
/// digit is ever lost to binary floating point and `12.50` keeps its trailing zero. Equality
/// compares the text. Use [`Decimal::to_f64`] for an approximate value, or parse
/// [`Decimal::as_str`] with an arbitrary-precision decimal crate for arithmetic.
///
/// ```
/// use oapi_runtime::Decimal;
/// let d: Decimal = "-0.0125".parse().unwrap();
/// assert_eq!(d.as_str(), "-0.0125");
/// assert!("1,5".parse::<Decimal>().is_err());
/// assert!("NaN".parse::<Decimal>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(Box<str>);

impl Decimal {
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64` (approximate).
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl FromStr for Decimal {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, FormatError> {
        let bad = |reason: &str| FormatError::new("decimal", s, reason);
        let rest = s.strip_prefix(['-', '+']).unwrap_or(s);
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mantissa, None),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !(digits(int) || (int.is_empty() && frac.is_some_and(digits))) {
            return Err(bad("expected digits"));
        }
        if let Some(f) = frac
            && !f.is_empty()
            && !digits(f)
        {
            return Err(bad("expected digits after the decimal point"));
        }
        if let Some(e) = exponent
            && !digits(e.strip_prefix(['-', '+']).unwrap_or(e))
        {
            return Err(bad("expected digits in the exponent"));
        }
        Ok(Decimal(s.into()))
    }
}

impl TryFrom<&str> for Decimal {
    type Error = FormatError;

    fn try_from(s: &str) -> Result<Self, FormatError> {
        s.parse()
    }
}

macro_rules! decimal_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(value: $t) -> Self {
                Decimal(value.to_string().into())
            }
        }
    )*};
}
decimal_from_int!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer, "decimal")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_keeps_its_text_and_compares_instants() {
        for text in [
            "2025-01-31T12:00:00Z",
            "2025-01-31T12:00:00.000Z",
            "2025-01-31T12:00:00.123456+05:30",
            "2025-01-31t12:00:00z",
            // RFC 3339 section 5.6 lets applications use a space instead of `T`.
            "2025-01-31 12:00:00Z",
        ] {
            let t: DateTime = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!(text));
        }
        let a: DateTime = "2025-01-31T12:00:00Z".parse().unwrap();
        let b: DateTime = "2025-01-31T13:00:00+01:00".parse().unwrap();
        assert_eq!(a, b);
        assert!(a < "2025-01-31T12:00:01Z".parse().unwrap());
    }

    #[test]
    fn date_time_rejects_what_rfc_3339_does_not_allow() {
        for bad in [
            "",
            "2025-01-31",
            "2025-01-31T12:00:00",
            "2025-13-01T00:00:00Z",
            "yesterday",
        ] {
            let err = serde_json::from_value::<DateTime>(serde_json::json!(bad)).unwrap_err();
            assert!(err.to_string().contains("date-time"), "{bad}: {err}");
        }
        let err = serde_json::from_value::<DateTime>(serde_json::json!(5)).unwrap_err();
        assert!(err.to_string().contains("date-time string"), "{err}");
    }

    #[test]
    fn date_time_from_offset_date_time_formats_rfc_3339() {
        let t = DateTime::from(time::OffsetDateTime::UNIX_EPOCH);
        assert_eq!(t.as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(t.to_offset_date_time(), time::OffsetDateTime::UNIX_EPOCH);
        // An offset with seconds cannot be written in RFC 3339: the instant is kept in UTC.
        let odd = time::UtcOffset::from_hms(1, 0, 30).unwrap();
        let t = DateTime::from(time::OffsetDateTime::UNIX_EPOCH.to_offset(odd));
        assert_eq!(t.as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(t.as_str().parse::<DateTime>().unwrap(), t);
    }

    #[test]
    fn dates_are_strict_full_dates() {
        let d: Date = serde_json::from_value(serde_json::json!("0001-01-01")).unwrap();
        assert_eq!(
            serde_json::to_value(d).unwrap(),
            serde_json::json!("0001-01-01")
        );
        for bad in [
            "2025-1-01",
            "2025-01-32",
            "20250101",
            "2025-01-01T00:00:00Z",
            "+2025-01-01",
            "２０２５-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(
            Date::from(time::Date::MIN).to_string().len(),
            10,
            "years before 0000 clamp to a spellable date"
        );
    }

    #[test]
    fn base64_round_trips_and_names_bad_input() {
        let b = Base64Bytes::from(&b"\x00\xffhi"[..]);
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, "\"AP9oaQ==\"");
        assert_eq!(serde_json::from_str::<Base64Bytes>(&json).unwrap(), b);
        let err = serde_json::from_str::<Base64Bytes>("\"not base64!\"").unwrap_err();
        assert!(err.to_string().contains("not a valid byte"), "{err}");
    }

    #[test]
    fn decimals_keep_every_digit() {
        for ok in [
            "0",
            "-1",
            "12.50",
            ".5",
            "5.",
            "1e-7",
            "+3.14E10",
            "123456789012345678901234567890.000000001",
        ] {
            let d: Decimal = serde_json::from_value(serde_json::json!(ok)).unwrap();
            assert_eq!(serde_json::to_value(&d).unwrap(), serde_json::json!(ok));
        }
        for bad in [
            "", "-", ".", "1,5", "1.2.3", "1e", "0x10", "NaN", "inf", " 1",
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        assert_eq!(Decimal::from(-42_i64).as_str(), "-42");
        assert!((Decimal::from(7_u8).to_f64() - 7.0).abs() < f64::EPSILON);
    }

    #[test]
    fn long_bad_values_are_cut_in_messages() {
        let long = "x".repeat(1000);
        let err = long.parse::<DateTime>().unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
    }
}
