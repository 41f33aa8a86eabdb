//! The one place lowering hands out Rust names: [`claim`] takes a name in a [`Scope`] and reports a rename
//! (what was renamed, from what, to what, and why) as a located warning. Every claim of lowering and of
//! its passes goes through it, so no rename is silent, and callers keep the name it returns as the one
//! name every reference uses (a type's references are [`TypeRef::Named`](crate::ir::TypeRef::Named) of it, a field's serde rename and
//! the pagination cursor path are read from the field, a method's doc links from the operation).

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::naming::{Collision, Scope};

/// Where a claimed name's thing is, for the rename warning.
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
        diags.push(Diagnostic::warning(
            place.file,
            place.location,
            rename_message(what, &c),
        ));
    }
    given
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
