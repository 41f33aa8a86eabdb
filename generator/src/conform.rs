//! Conformance: one response body, exactly as received, checked against the IR of the operation's
//! response for that status.
//!
//! The check walks the same [`ir`](crate::ir) types the SDK is generated from, so it has no second model
//! of the schema. Each difference is a [`Finding`]:
//! - [`Kind::Drift`]: the body contradicts the document: a property the document requires (not
//!   `x-klarna-inferred`, not `writeOnly`) is missing, a value has the wrong JSON type or is `null` where
//!   the document does not allow it, a formatted string (`date-time`, `date`, `uuid`, `byte`, `decimal`)
//!   does not parse, the status is not documented, or the body is not JSON where JSON is documented;
//! - [`Kind::Addition`]: the body holds something the document does not list, which the SDK tolerates
//!   (an unknown property, an unknown enum value or union tag);
//! - [`Kind::Note`]: a property marked `x-klarna-inferred` is absent: evidence against a guess.
//!
//! The module is split by concern: `report` (the findings and their text), `lookup` (the operation and
//! the documented response for a status), `walker` (the walk of a JSON value along IR types) and
//! `formats` (the string formats the SDK validates); this file is the entry point, [`conform`].

mod formats;
mod lookup;
mod report;
mod walker;

use serde_json::Value;

use crate::ir::{Crate, ResponseBody, StatusMatch};

pub use lookup::{documented, find_operation};
pub use report::{ConformError, Finding, Kind, Report, parse_status};

use walker::Walker;

/// Checks `body` (the bytes exactly as received) against the response of operation `operation_id` for
/// `status`. Errors are input that cannot be checked; everything about the body is in the [`Report`].
pub fn conform(
    krate: &Crate,
    operation_id: &str,
    status: u16,
    body: &[u8],
) -> Result<Report, ConformError> {
    if !(100..=599).contains(&status) {
        return Err(ConformError::InvalidStatus(status.to_string()));
    }
    let (api, op) = find_operation(krate, operation_id)?;
    let mut report = Report {
        operation: op.id.wire.clone(),
        api: api.module.wire.clone(),
        status,
        documented_as: None,
        findings: Vec::new(),
    };
    let drift = |what: String| Finding {
        kind: Kind::Drift,
        pointer: String::new(),
        what,
    };
    let Some((key, expected)) = documented(op, status) else {
        let mut known: Vec<String> = op
            .response
            .alternatives
            .iter()
            .map(|a| a.status.to_string())
            .collect();
        known.extend(op.error_statuses().iter().map(StatusMatch::to_string));
        known.sort_unstable();
        known.dedup();
        report.findings.push(drift(format!(
            "status {status} is not documented for `{}` (documented: {})",
            op.id.wire,
            known.join(", ")
        )));
        return Ok(report);
    };
    report.documented_as = Some(key.clone());
    match expected {
        None | Some(ResponseBody::Bytes(_)) => {}
        Some(ResponseBody::Empty) => {
            if !body.iter().all(u8::is_ascii_whitespace) {
                report.findings.push(drift(format!(
                    "the document declares no body for {key}, but {} bytes came",
                    body.len()
                )));
            }
        }
        Some(ResponseBody::Json(ty)) => match serde_json::from_slice::<Value>(body) {
            Err(e) => report.findings.push(drift(if body.is_empty() {
                format!("the body is empty; the document declares JSON for {key}")
            } else {
                format!("the body is not JSON ({e}); the document declares JSON for {key}")
            })),
            Ok(value) => {
                let mut walker = Walker::new(&api.types);
                walker.value(ty, &value, "", false);
                report.findings = walker.findings;
            }
        },
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
