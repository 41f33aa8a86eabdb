//! The one place lowering hands out Rust names: [`claim`] takes a name in a [`Scope`] and reports a rename
//! (what was renamed, from what, to what, and why) as a located warning. Every claim of lowering and of
//! its passes goes through it, so no rename is silent, and callers keep the name it returns as the one
//! name every reference uses (a type's references are its [`TypeId`](crate::ir::TypeId), given when its name is claimed, so they follow it by construction; a field's serde rename and
//! the pagination cursor path are read from the field, a method's doc links from the operation).

use crate::diag::{Degradation, Diagnostic, Diagnostics, Location};
use crate::naming::{Collision, Scope};

/// Where a claimed name's thing is, for the rename warning.
#[derive(Clone)]
pub(in crate::lower) struct Place<'a> {
    /// The document, as shown.
    pub file: &'a str,
    /// Where in it.
    pub location: Location,
}

/// The warning text for `collision` of a `what` (`type`, `field`, `enum value `x`: variant` ...).
pub(in crate::lower) fn rename_message(what: &str, c: &Collision) -> String {
    format!(
        "{what} `{}` renamed to `{}`: {}",
        c.wanted, c.given, c.reason
    )
}

/// Claims `wanted` in `scope` and returns the name given; a rename is reported at `place`.
pub(in crate::lower) fn claim(
    scope: &mut Scope,
    wanted: &str,
    what: &str,
    place: Place<'_>,
    diags: &mut Diagnostics,
) -> String {
    let (given, collision) = scope.claim(wanted);
    if let Some(c) = collision {
        diags.push(
            Diagnostic::warning(place.file, place.location, rename_message(what, &c))
                .degrades(Degradation::Renamed),
        );
    }
    given
}

/// Type names a schema may not take, because users meet the runtime's item of that name through the same
/// paths (a schema `Error` would give `klarna::payment::Error` beside `klarna::Error`, the runtime's error),
/// with the name taken instead and why.
pub(in crate::lower) const RUNTIME_TYPE_NAMES: &[(&str, &str, &str)] = &[(
    "Error",
    "ErrorBody",
    "`Error` is the runtime's error type; read this body from one with `body_as`",
)];

/// Claims a type name: as [`claim`], except that a name of [`RUNTIME_TYPE_NAMES`] is replaced by its
/// alternative first, reported like any rename.
pub(in crate::lower) fn claim_type(
    scope: &mut Scope,
    wanted: &str,
    place: Place<'_>,
    diags: &mut Diagnostics,
) -> String {
    claim_type_expecting(scope, wanted, place, diags, &[])
}

/// As [`claim_type`]; a replacement `expected` lists (the profile asks for it, as
/// [`Profile::expected_renames`](crate::profile::Profile::expected_renames)) is not reported. A further
/// rename (the alternative is taken too) still is.
pub(in crate::lower) fn claim_type_expecting(
    scope: &mut Scope,
    wanted: &str,
    place: Place<'_>,
    diags: &mut Diagnostics,
    expected: &[(String, String)],
) -> String {
    let instead = RUNTIME_TYPE_NAMES
        .iter()
        .find(|(name, _, _)| *name == wanted)
        .map(|(name, alternative, reason)| {
            let asked = expected
                .iter()
                .any(|(from, to)| from == name && to == alternative);
            if asked {
                return *alternative;
            }
            diags.push(
                Diagnostic::warning(
                    place.file,
                    place.location.clone(),
                    rename_message(
                        "type",
                        &Collision {
                            wanted: (*name).to_owned(),
                            given: (*alternative).to_owned(),
                            reason: (*reason).to_owned(),
                        },
                    ),
                )
                .degrades(Degradation::Renamed),
            );
            *alternative
        });
    claim(scope, instead.unwrap_or(wanted), "type", place, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> Place<'static> {
        Place {
            file: "a.yaml",
            location: Location::Pointer("#/x".into()),
        }
    }

    #[test]
    fn a_schema_named_error_becomes_error_body_and_says_so() {
        let mut scope = Scope::new(Vec::<String>::new());
        let mut diags = Diagnostics::new();
        assert_eq!(
            claim_type(&mut scope, "Error", place(), &mut diags),
            "ErrorBody"
        );
        assert_eq!(
            claim_type(&mut scope, "Problem", place(), &mut diags),
            "Problem"
        );
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "type `Error` renamed to `ErrorBody`: `Error` is the runtime's error type; read this body from one with `body_as`"
            ]
        );
    }

    #[test]
    fn a_rename_the_profile_asks_for_is_not_reported_and_a_further_one_is() {
        let mut scope = Scope::new(Vec::<String>::new());
        let mut diags = Diagnostics::new();
        let expected = [("Error".to_owned(), "ErrorBody".to_owned())];
        assert_eq!(
            claim_type_expecting(&mut scope, "Error", place(), &mut diags, &expected),
            "ErrorBody"
        );
        assert!(diags.is_empty(), "{diags}");
        // The document also has `ErrorBody`: that rename was not asked for.
        assert_eq!(
            claim_type_expecting(&mut scope, "ErrorBody", place(), &mut diags, &expected),
            "ErrorBody2"
        );
        assert_eq!(diags.len(), 1, "{diags}");
    }

    #[test]
    fn every_rename_is_reported_and_a_free_name_is_not() {
        let mut scope = Scope::new(["send"]);
        let mut diags = Diagnostics::new();
        let table: &[(&str, &str, &str)] = &[
            // (wanted, given, warning, or "" for none)
            ("status", "status", ""),
            (
                "status",
                "status2",
                "field `status` renamed to `status2`: another name in the same scope maps to it",
            ),
            (
                "send",
                "send2",
                "field `send` renamed to `send2`: it is reserved by the generated API",
            ),
        ];
        for (wanted, given, warning) in table {
            let before = diags.len();
            assert_eq!(
                claim(&mut scope, wanted, "field", place(), &mut diags),
                *given
            );
            let new: Vec<String> = diags
                .iter()
                .skip(before)
                .map(|d| d.message.clone())
                .collect();
            if warning.is_empty() {
                assert!(new.is_empty(), "{wanted}: {new:?}");
            } else {
                assert_eq!(new, [warning.to_string()], "{wanted}");
            }
        }
    }
}
