//! The one place lowering writes diagnostics: every warning, degradation, error and rename of an API's
//! lowering goes through its [`Sink`], located in the API's document by a JSON pointer.

use crate::diag::{Degradation, Diagnostic, Diagnostics, Location};
use crate::naming::Scope;

use super::names;

/// See the module doc.
pub(super) struct Sink<'a> {
    /// The document's name for diagnostics.
    file: &'a str,
    /// Where they go.
    diags: &'a mut Diagnostics,
}

impl<'a> Sink<'a> {
    /// Diagnostics about the document `file`, written into `diags`.
    pub(super) fn new(file: &'a str, diags: &'a mut Diagnostics) -> Self {
        Sink { file, diags }
    }

    /// Where `pointer` is in the document.
    pub(super) fn place(&self, pointer: &str) -> names::Place<'a> {
        names::Place {
            file: self.file,
            location: Location::Pointer(pointer.to_owned()),
        }
    }

    /// The diagnostics, for the steps that report through them directly (renames, the passes).
    pub(super) fn diags(&mut self) -> &mut Diagnostics {
        self.diags
    }

    /// A warning at `pointer`.
    pub(super) fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(
            self.file,
            Location::Pointer(pointer.to_owned()),
            message,
        ));
    }

    /// A warning that reports what the generated crate lost (`degradation`), so it is counted and the
    /// `--deny-*` option of its kind can refuse it.
    pub(super) fn degrade(
        &mut self,
        pointer: &str,
        degradation: Degradation,
        message: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::warning(self.file, Location::Pointer(pointer.to_owned()), message)
                .degrades(degradation),
        );
    }

    /// An error at `pointer`.
    pub(super) fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(
            self.file,
            Location::Pointer(pointer.to_owned()),
            message,
        ));
    }

    /// Claims `wanted` in `scope` for a `what` at `pointer`, reporting a rename (see [`names::claim`]).
    pub(super) fn claim(
        &mut self,
        scope: &mut Scope,
        wanted: &str,
        what: &str,
        pointer: &str,
    ) -> String {
        let place = self.place(pointer);
        names::claim(scope, wanted, what, place, self.diags)
    }
}
