//! Diagnostics: every problem the generator finds, with the file and the place in it.
//!
//! Stages never stop at the first problem: they push diagnostics into a [`Diagnostics`] list and carry on
//! where they can, so a user sees every problem of a document at once. A location is either a line and
//! column (syntax errors, known from the YAML or JSON parser) or a JSON pointer into the document
//! (structural and semantic problems found after parsing).
//!
//! A warning carries a [`Degradation`] exactly when the generated crate differs from what the document says
//! (something untyped, dropped, ignored, left out or renamed, in the loader's repairs as in lowering); a
//! warning whose repair keeps the meaning (`version: 1.0` read as the text "1.0") is untagged.

use std::fmt;

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something was renamed, degraded or skipped; the output is still usable.
    Warning,
    /// The input cannot be turned into a crate.
    Error,
}

/// Where in a document a diagnostic points.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// The whole file.
    File,
    /// A 1-based line and column.
    LineCol {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
    },
    /// A JSON pointer (RFC 6901) into the parsed document, e.g. `#/paths/~1pets/get`.
    Pointer(String),
    /// A JSON pointer and the 1-based line and column where it is in the file (see
    /// [`crate::load::locate::place`]).
    PointerAt {
        /// The pointer.
        pointer: String,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
    },
}

impl Location {
    /// The JSON pointer, if the location has one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Location::Pointer(p) | Location::PointerAt { pointer: p, .. } => Some(p),
            Location::File | Location::LineCol { .. } => None,
        }
    }
}

/// What a warning says the generated crate lost, so tools can count it (`cargo xtask corpus`) and
/// `--deny-untyped`, `--deny-dropped` or `--deny-renamed` can refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Degradation {
    /// A schema the document describes became `serde_json::Value` (or a map or list of it).
    Untyped,
    /// A keyword or a part of the document was not generated or was ignored (a schema's fields, variants
    /// or constraint, an enum value, a security scheme, a parameter's style).
    Dropped,
    /// A name was changed from the one the document gives.
    Renamed,
}

/// One problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as given on the command line or relative to the workspace.
    pub file: String,
    /// The place in the file.
    pub location: Location,
    /// What is wrong, in one line.
    pub message: String,
    /// What the generated crate lost, for a warning that reports a degradation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degradation: Option<Degradation>,
}

impl Diagnostic {
    /// An error at `location` in `file`.
    pub fn error(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            location,
            message: message.into(),
            degradation: None,
        }
    }

    /// A warning at `location` in `file`.
    pub fn warning(
        file: impl Into<String>,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            file: file.into(),
            location,
            message: message.into(),
            degradation: None,
        }
    }
}

impl Diagnostic {
    /// This diagnostic, marked as reporting `degradation`.
    pub fn degrades(mut self, degradation: Degradation) -> Self {
        self.degradation = Some(degradation);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            Location::File => write!(f, "{}: {severity}: {}", self.file, self.message),
            Location::LineCol { line, column } => {
                write!(
                    f,
                    "{}:{line}:{column}: {severity}: {}",
                    self.file, self.message
                )
            }
            Location::Pointer(pointer) => write!(
                f,
                "{} at {pointer}: {severity}: {}",
                self.file, self.message
            ),
            Location::PointerAt {
                pointer,
                line,
                column,
            } => write!(
                f,
                "{}:{line}:{column} at {pointer}: {severity}: {}",
                self.file, self.message
            ),
        }
    }
}

/// An ordered collection of diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds all diagnostics of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// All diagnostics, to change in place (their locations made more exact).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.items.iter_mut()
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// How many diagnostics report `degradation`.
    pub fn count(&self, degradation: Degradation) -> usize {
        self.items
            .iter()
            .filter(|d| d.degradation == Some(degradation))
            .count()
    }

    /// Turns every warning that reports `degradation` into an error (`--deny-untyped`, ...); the message
    /// says which option refused it.
    pub fn deny(&mut self, degradation: Degradation, option: &str) {
        for d in &mut self.items {
            if d.severity == Severity::Warning && d.degradation == Some(degradation) {
                d.severity = Severity::Error;
                d.message = format!("{} (refused by {option})", d.message);
            }
        }
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file, location and message, so output is the same on every run.
    pub fn sort(&mut self) {
        self.items.sort();
        self.items.dedup();
    }
}

impl Diagnostics {
    /// The diagnostics as printed: a warning that says the same at the same place in several documents
    /// (several specs sharing a schema) is one entry, at its first document, with the other documents in
    /// the order they were found; an exact repeat is dropped. Errors are each their own entry.
    fn folded(&self) -> Vec<(&Diagnostic, Vec<&str>)> {
        let mut out: Vec<(&Diagnostic, Vec<&str>)> = Vec::new();
        // A warning's place and message → its entry in `out` (a lookup, not a scan: a large document
        // can have thousands of warnings).
        // The same pointer is the same place whatever line it is on in each document.
        let mut seen: std::collections::BTreeMap<(FoldPlace<'_>, &str), usize> =
            std::collections::BTreeMap::new();
        for d in &self.items {
            if d.severity == Severity::Warning {
                if let Some(&i) = seen.get(&(place(&d.location), d.message.as_str())) {
                    let (first, others) = &mut out[i];
                    if first.file != d.file && !others.contains(&d.file.as_str()) {
                        others.push(&d.file);
                    }
                    continue;
                }
                seen.insert((place(&d.location), &d.message), out.len());
            }
            out.push((d, Vec::new()));
        }
        out
    }
}

/// Where a warning is, for folding repeats across documents.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum FoldPlace<'a> {
    Pointer(&'a str),
    Other(&'a Location),
}

fn place(l: &Location) -> FoldPlace<'_> {
    match l {
        Location::Pointer(pointer) | Location::PointerAt { pointer, .. } => {
            FoldPlace::Pointer(pointer)
        }
        other => FoldPlace::Other(other),
    }
}

/// One line per diagnostic, in order; a warning repeated in several documents is one line that names
/// them all.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (d, others) in self.folded() {
            match others.as_slice() {
                [] => writeln!(f, "{d}")?,
                [one] => writeln!(f, "{d} (the same in 1 more document: {one})")?,
                more => writeln!(
                    f,
                    "{d} (the same in {} more documents: {})",
                    more.len(),
                    more.join(", ")
                )?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer token (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Decodes one token of a `$ref` fragment: percent-decoding first (the fragment is part of a URI,
/// so `My%20Schema` names `My Schema`), then JSON Pointer's `~1` (`/`) and `~0` (`~`). A `%` not
/// followed by two hex digits, or escapes that do not decode to UTF-8, are kept as written.
pub fn decode_pointer_token(token: &str) -> String {
    let bytes = token.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            decoded.push((h * 16 + l) as u8);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(decoded).unwrap_or_else(|_| token.to_owned());
    text.replace("~1", "/").replace("~0", "~")
}

/// The component name a local `$ref` names in `section` (`schemas`, `responses`, ...), decoded.
pub fn component_ref_name(reference: &str, section: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/")?;
    let name = rest.strip_prefix(section)?.strip_prefix('/')?;
    (!name.contains('/')).then(|| decode_pointer_token(name))
}

/// Builds a pointer `#/a/b/c` from tokens, escaping each.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape_pointer_token(t.as_ref()));
    }
    out
}

/// Appends one token to an existing pointer.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_pointer_token(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_repeated_across_documents_is_printed_once_naming_them() {
        let at = || Location::Pointer("#/components/schemas/Error".into());
        let renamed = "type `Error` renamed to `ErrorBody`";
        let mut diags = Diagnostics::new();
        for file in ["specs/a.yaml", "specs/b.yaml", "specs/c.yaml"] {
            diags.push(Diagnostic::warning(file, at(), renamed));
        }
        // An exact repeat, the same message elsewhere, another message, and errors, which never fold.
        diags.push(Diagnostic::warning("specs/b.yaml", at(), renamed));
        diags.push(Diagnostic::warning(
            "specs/d.yaml",
            Location::Pointer("#/components/schemas/Other".into()),
            renamed,
        ));
        diags.push(Diagnostic::warning("specs/d.yaml", at(), "something else"));
        diags.push(Diagnostic::error("specs/a.yaml", Location::File, "bad"));
        diags.push(Diagnostic::error("specs/b.yaml", Location::File, "bad"));
        diags.push(Diagnostic::warning(
            "specs/e.yaml",
            Location::LineCol { line: 1, column: 2 },
            "odd",
        ));
        diags.push(Diagnostic::warning(
            "specs/f.yaml",
            Location::LineCol { line: 1, column: 2 },
            "odd",
        ));
        assert_eq!(
            diags.to_string(),
            "specs/a.yaml at #/components/schemas/Error: warning: type `Error` renamed to `ErrorBody` \
             (the same in 2 more documents: specs/b.yaml, specs/c.yaml)\n\
             specs/d.yaml at #/components/schemas/Other: warning: type `Error` renamed to `ErrorBody`\n\
             specs/d.yaml at #/components/schemas/Error: warning: something else\n\
             specs/a.yaml: error: bad\n\
             specs/b.yaml: error: bad\n\
             specs/e.yaml:1:2: warning: odd (the same in 1 more document: specs/f.yaml)\n"
        );
        // The list itself is untouched: every diagnostic is still there to count and serialize.
        assert_eq!(diags.len(), 10);
    }

    #[test]
    fn ref_tokens_decode_percent_escapes_then_pointer_escapes() {
        assert_eq!(decode_pointer_token("My%20Schema"), "My Schema");
        assert_eq!(decode_pointer_token("a~1b~0c"), "a/b~c");
        assert_eq!(decode_pointer_token("caf%C3%A9"), "café");
        // `%7E1` is a literal `~1` in the URI, which JSON Pointer then reads as `/`.
        assert_eq!(decode_pointer_token("x%7E1y"), "x/y");
        // Not an escape, or not UTF-8: kept as written.
        assert_eq!(decode_pointer_token("100%"), "100%");
        assert_eq!(decode_pointer_token("%zz"), "%zz");
        assert_eq!(decode_pointer_token("%FF"), "%FF");
        assert_eq!(
            component_ref_name("#/components/schemas/Money%20Amount", "schemas").as_deref(),
            Some("Money Amount")
        );
        assert_eq!(
            component_ref_name("#/components/schemas/A", "responses"),
            None
        );
        assert_eq!(
            component_ref_name("#/components/schemas/A/properties/b", "schemas"),
            None
        );
    }
}
