//! The string formats the generated models validate when they decode (`date-time`, `date`, `uuid`,
//! `byte`, `decimal`; see [`crate::ir::StringRepr`]), checked here with the same acceptance rules as the
//! runtime's types, so that `conform` calls a value drift exactly when the SDK would fail to decode it.

use crate::ir::StringRepr;

/// Checks `text` against the format `repr`; `Err` says what is wrong.
pub(super) fn check(repr: StringRepr, text: &str) -> Result<(), String> {
    match repr {
        StringRepr::Text => Ok(()),
        StringRepr::DateTime => date_time(text),
        StringRepr::Date => match date(text.as_bytes())? {
            [] => Ok(()),
            _ => Err("expected only a date (YYYY-MM-DD)".into()),
        },
        StringRepr::Uuid => uuid(text),
        StringRepr::Base64 => base64(text),
        StringRepr::Decimal => decimal(text),
    }
}

/// `n` ASCII digits at the start of `b`, as a number.
fn digits(b: &[u8], n: usize) -> Option<u32> {
    let part = b.get(..n)?;
    part.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// RFC 3339 `full-date` (`2025-01-31`) at the start of `b`; the rest of `b` is returned.
fn date(b: &[u8]) -> Result<&[u8], String> {
    let shape = || "expected YYYY-MM-DD".to_owned();
    let (year, month, day) = match (digits(b, 4), b.get(4), digits(b.get(5..).unwrap_or(&[]), 2)) {
        (Some(y), Some(b'-'), Some(m)) if b.get(7) == Some(&b'-') => (
            y,
            m,
            digits(b.get(8..).unwrap_or(&[]), 2).ok_or_else(shape)?,
        ),
        _ => return Err(shape()),
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is out of range"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(format!("day {day} does not exist in {year:04}-{month:02}"));
    }
    Ok(&b[10..])
}

/// RFC 3339 `date-time` (`2025-01-31T12:00:00.5+01:00`).
fn date_time(text: &str) -> Result<(), String> {
    let rest = date(text.as_bytes())?;
    let Some((&sep, rest)) = rest.split_first() else {
        return Err("expected a time after the date".into());
    };
    if sep != b'T' && sep != b't' {
        return Err("expected `T` between date and time".into());
    }
    let shape = || "expected hh:mm:ss".to_owned();
    let hour = digits(rest, 2).ok_or_else(shape)?;
    let minute = (rest.get(2) == Some(&b':'))
        .then(|| digits(rest.get(3..).unwrap_or(&[]), 2))
        .flatten()
        .ok_or_else(shape)?;
    let second = (rest.get(5) == Some(&b':'))
        .then(|| digits(rest.get(6..).unwrap_or(&[]), 2))
        .flatten()
        .ok_or_else(shape)?;
    if hour > 23 || minute > 59 || second > 60 || (second == 60 && (hour, minute) != (23, 59)) {
        return Err(format!(
            "time {hour:02}:{minute:02}:{second:02} is out of range"
        ));
    }
    let mut rest = &rest[8..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err("expected digits after the decimal point".into());
        }
        rest = &frac[n..];
    }
    match rest {
        b"Z" | b"z" => Ok(()),
        [sign, ..] if (*sign == b'+' || *sign == b'-') && rest.len() == 6 => {
            let (h, m) = (digits(&rest[1..], 2), digits(&rest[4..], 2));
            match (h, rest[3], m) {
                (Some(h), b':', Some(m)) if h <= 23 && m <= 59 => Ok(()),
                _ => Err("the offset is not ±hh:mm".into()),
            }
        }
        _ => Err("expected an offset (`Z` or ±hh:mm)".into()),
    }
}

/// A UUID in any form the `uuid` crate reads: hyphenated, simple (32 hex digits), braced or URN.
fn uuid(text: &str) -> Result<(), String> {
    let inner = text
        .strip_prefix("urn:uuid:")
        .or_else(|| text.strip_prefix('{').and_then(|t| t.strip_suffix('}')))
        .unwrap_or(text);
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let groups: Vec<&str> = inner.split('-').collect();
    let ok = match groups.as_slice() {
        [simple] => simple.len() == 32 && hex(simple),
        [a, b, c, d, e] => {
            [a.len(), b.len(), c.len(), d.len(), e.len()] == [8, 4, 4, 4, 12]
                && groups.iter().all(|g| hex(g))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err("expected 32 hex digits, grouped 8-4-4-4-12".into())
    }
}

/// Standard base64 (`+`, `/`), padding optional; unused bits of the last symbol must be zero.
fn base64(text: &str) -> Result<(), String> {
    let value = |c: u8| -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if padding > 0 && (!text.len().is_multiple_of(4) || padding > 2) {
        return Err("wrong padding".into());
    }
    let mut last = 0;
    for (i, c) in body.bytes().enumerate() {
        last = value(c).ok_or_else(|| format!("`{}` at {i} is not a base64 symbol", c as char))?;
    }
    let unused_bits = match body.len() % 4 {
        0 => 0,
        1 => return Err("the length is not a whole number of bytes".into()),
        2 => 4,
        _ => 2,
    };
    if last & ((1 << unused_bits) - 1) != 0 {
        return Err("the last symbol has bits set that no byte uses".into());
    }
    Ok(())
}

/// A decimal number as text: an optional sign, digits with an optional fraction, an optional exponent.
fn decimal(text: &str) -> Result<(), String> {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(int) || (int.is_empty() && frac.is_some_and(all_digits))) {
        return Err("expected digits".into());
    }
    if frac.is_some_and(|f| !f.is_empty() && !all_digits(f)) {
        return Err("expected digits after the decimal point".into());
    }
    if exponent.is_some_and(|e| !all_digits(e.strip_prefix(['-', '+']).unwrap_or(e))) {
        return Err("expected digits in the exponent".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects_like_the_runtime() {
        let good = [
            (StringRepr::DateTime, "2025-01-31T12:00:00Z"),
            (StringRepr::DateTime, "2024-02-29T23:59:59.123+01:00"),
            (StringRepr::Date, "2024-02-29"),
            (StringRepr::Uuid, "123e4567-e89b-12d3-a456-426614174000"),
            (StringRepr::Uuid, "123e4567e89b12d3a456426614174000"),
            (StringRepr::Base64, "aGVsbG8="),
            (StringRepr::Base64, "aGVsbG8"),
            (StringRepr::Base64, ""),
            (StringRepr::Decimal, "-12.50"),
            (StringRepr::Decimal, ".5e-3"),
            (StringRepr::Text, "anything"),
        ];
        for (repr, text) in good {
            assert_eq!(check(repr, text), Ok(()), "{repr:?} {text}");
        }
        let bad = [
            (StringRepr::DateTime, "2025-01-31 12:00:00Z"),
            (StringRepr::DateTime, "2025-01-31T12:00:00"),
            (StringRepr::DateTime, "2025-01-31T24:00:00Z"),
            (StringRepr::DateTime, "yesterday"),
            (StringRepr::Date, "2023-02-29"),
            (StringRepr::Date, "2024-2-9"),
            (StringRepr::Date, "2024-02-29T00:00:00Z"),
            (StringRepr::Uuid, "123e4567-e89b-12d3-a456-42661417400"),
            (StringRepr::Uuid, "not-a-uuid"),
            (StringRepr::Base64, "aGVsbG8h!"),
            (StringRepr::Base64, "aGVsbG9="),
            (StringRepr::Base64, "a"),
            (StringRepr::Decimal, "1,5"),
            (StringRepr::Decimal, "NaN"),
        ];
        for (repr, text) in bad {
            assert!(check(repr, text).is_err(), "{repr:?} {text} accepted");
        }
    }
}
