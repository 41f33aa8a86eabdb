//! The idempotency mechanism: one key per logical call, the same on every retry, sent under the
//! header the API names (its profile or document), and nothing when it names none.

use crate::error::Error;

/// A fresh idempotency key: a version-5 UUID whose name is a random version-4 UUID, so every
/// logical call gets a new, unpredictable key (some APIs ask for v5 keys; any UUID serves the
/// rest).
pub(crate) fn new_key() -> String {
    let name = uuid::Uuid::new_v4();
    let key = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes());
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    key.hyphenated().encode_lower(&mut buf).to_owned()
}

/// The key a call sends: the caller's own (checked), a fresh one for an idempotent operation,
/// or none. `header_named` is whether the client has an idempotency header at all; without one a
/// caller's key is refused (it would silently not be sent) and no key is made.
pub(crate) fn choose(
    callers: Option<&str>,
    idempotent: bool,
    header_named: bool,
) -> Result<Option<String>, Error> {
    match callers {
        Some(_) if !header_named => Err(Error::invalid_request(
            "an idempotency key was set, but this API names no idempotency header",
        )),
        Some(key) if key.is_empty() || key.chars().count() > 255 => Err(Error::invalid_request(
            "idempotency key must be 1 to 255 characters",
        )),
        Some(key) => Ok(Some(key.to_owned())),
        None if idempotent && header_named => Ok(Some(new_key())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_fresh_v5_uuids() {
        let k = new_key();
        assert_eq!(k.len(), 36);
        assert_eq!(uuid::Uuid::parse_str(&k).unwrap().get_version_num(), 5);
        assert_ne!(k, new_key());
    }

    #[test]
    fn a_key_only_with_a_header() {
        assert_eq!(choose(None, true, false).unwrap(), None);
        assert_eq!(choose(None, false, true).unwrap(), None);
        assert!(choose(None, true, true).unwrap().is_some());
        assert_eq!(
            choose(Some("k1"), false, true).unwrap().as_deref(),
            Some("k1")
        );
        assert!(choose(Some("k1"), true, false).is_err());
        assert!(choose(Some(""), true, true).is_err());
        assert!(choose(Some(&"x".repeat(256)), true, true).is_err());
    }
}
