//! What a check finds: the [`Kind`] of each [`Finding`], the [`Report`] of one body and its text form,
//! and [`ConformError`] for input that cannot be checked at all.

use std::fmt::Write as _;

use serde::Serialize;

/// What a finding says about the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The body contradicts the document; the SDK may fail to decode it.
    Drift,
    /// The body holds something the document does not list; the SDK tolerates it.
    Addition,
    /// An `x-klarna-inferred` property is absent.
    Note,
}

impl Kind {
    /// The word printed at the start of a finding's line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Drift => "drift",
            Kind::Addition => "addition",
            Kind::Note => "note",
        }
    }
}

/// One difference between a body and the document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of difference.
    pub kind: Kind,
    /// JSON pointer into the body (`""` is the whole body).
    pub pointer: String,
    /// What is different, in words.
    pub what: String,
}

/// The result of checking one body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The `operationId`.
    pub operation: String,
    /// The API module the operation belongs to.
    pub api: String,
    /// The status the body came with.
    pub status: u16,
    /// The response key of the document that the status matched (`200`, `4XX`, `default`), if any.
    pub documented_as: Option<String>,
    /// The findings, in the order the body was walked.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many findings are of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// Whether any finding is [`Kind::Drift`].
    pub fn has_drift(&self) -> bool {
        self.count(Kind::Drift) > 0
    }

    /// One line per finding (`drift /a/b: ...`; the whole body is `(root)`), then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let at = if f.pointer.is_empty() {
                "(root)"
            } else {
                &f.pointer
            };
            let _ = writeln!(out, "{} {at}: {}", f.kind.as_str(), f.what);
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The summary line: operation, status, counts.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{} {} ({}): {} drift, {}, {}",
            self.operation,
            self.status,
            self.documented_as.as_deref().map_or_else(
                || "undocumented".to_owned(),
                |d| format!("documented as {d}")
            ),
            self.count(Kind::Drift),
            plural(self.count(Kind::Addition), "addition"),
            plural(self.count(Kind::Note), "note"),
        )
    }
}

/// Input that cannot be checked at all (as opposed to a body that does not conform).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConformError {
    /// No operation has this `operationId`.
    #[error("no operation `{id}` in the documents{hint}")]
    UnknownOperation {
        /// The id asked for.
        id: String,
        /// A hint naming a close match, or empty.
        hint: String,
    },
    /// More than one document has an operation with this `operationId`.
    #[error("operation `{id}` is in more than one document: {apis}")]
    AmbiguousOperation {
        /// The id asked for.
        id: String,
        /// The API modules that have it, comma-separated.
        apis: String,
    },
    /// The status is not an HTTP status code.
    #[error("`{0}` is not an HTTP status code (100-599)")]
    InvalidStatus(String),
}

/// Parses an HTTP status code (100–599).
pub fn parse_status(text: &str) -> Result<u16, ConformError> {
    text.trim()
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| ConformError::InvalidStatus(text.to_owned()))
}
