//! [`ControlError`]: why a test control refused, as a value a test can match on.

/// A test control was refused. Each variant says which resource or input and why; `Display` gives the
/// same as a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlError {
    /// No such resource (under any account).
    NotFound {
        /// What was looked for (`payment request`, `payment transaction`, `webhook`).
        resource: &'static str,
        /// The id that was given.
        id: String,
    },
    /// The resource exists, but its state machine does not allow the change.
    WrongState {
        /// What was changed (`payment request`).
        resource: &'static str,
        /// Its id.
        id: String,
        /// Its state now (`COMPLETED`).
        state: String,
        /// What was asked and which states allow it.
        reason: String,
    },
    /// The operation id is not one of the specs' operations.
    UnknownOperation {
        /// The id that was given.
        operation_id: String,
    },
    /// The operation exists but does not take this control (for example, `set_list_items` on an
    /// operation that is not a paginated list).
    NotApplicable {
        /// The operation.
        operation_id: String,
        /// Why the control does not apply.
        reason: String,
    },
    /// A control's input is out of range (a share above 1, a negative count), or a control request over
    /// HTTP could not be read.
    InvalidInput {
        /// What is wrong, naming the field.
        reason: String,
    },
    /// The fake's compiled-in spec data does not load; a bug of this crate, not of the test.
    Specs {
        /// The loader's message.
        reason: String,
    },
}

impl ControlError {
    /// A short machine-readable code (`NOT_FOUND`, `WRONG_STATE`, `UNKNOWN_OPERATION`,
    /// `NOT_APPLICABLE`, `INVALID_INPUT`, `SPECS`), as the HTTP control surface reports it in
    /// `error_code`.
    pub fn code(&self) -> &'static str {
        match self {
            ControlError::NotFound { .. } => "NOT_FOUND",
            ControlError::WrongState { .. } => "WRONG_STATE",
            ControlError::UnknownOperation { .. } => "UNKNOWN_OPERATION",
            ControlError::NotApplicable { .. } => "NOT_APPLICABLE",
            ControlError::InvalidInput { .. } => "INVALID_INPUT",
            ControlError::Specs { .. } => "SPECS",
        }
    }

    pub(crate) fn not_found(resource: &'static str, id: &str) -> ControlError {
        ControlError::NotFound {
            resource,
            id: id.to_owned(),
        }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> ControlError {
        ControlError::InvalidInput {
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::NotFound { resource, id } => {
                write!(f, "{resource} '{id}' does not exist")
            }
            ControlError::WrongState {
                resource,
                id,
                state,
                reason,
            } => write!(f, "{resource} '{id}' is {state}: {reason}"),
            ControlError::UnknownOperation { operation_id } => {
                write!(f, "no operation '{operation_id}' in specs/")
            }
            ControlError::NotApplicable {
                operation_id,
                reason,
            } => write!(f, "'{operation_id}' {reason}"),
            ControlError::InvalidInput { reason } => f.write_str(reason),
            ControlError::Specs { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for ControlError {}
