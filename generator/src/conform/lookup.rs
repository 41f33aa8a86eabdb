//! Where a body belongs: the operation with an `operationId` and the response the document declares for
//! a status.

use crate::ir::{Api, Crate, Operation, ResponseBody, StatusMatch};

use super::ConformError;

/// Finds the operation with `operationId` `id` and the API it belongs to.
pub fn find_operation<'a>(
    krate: &'a Crate,
    id: &str,
) -> Result<(&'a Api, &'a Operation), ConformError> {
    let found: Vec<(&Api, &Operation)> = krate
        .apis
        .iter()
        .flat_map(|a| {
            a.resources
                .iter()
                .flat_map(|r| &r.operations)
                .map(move |o| (a, o))
        })
        .filter(|(_, o)| o.id.wire == id)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let close = krate
                .apis
                .iter()
                .flat_map(|a| a.resources.iter().flat_map(|r| &r.operations))
                .find(|o| o.id.wire.eq_ignore_ascii_case(id) || o.id.rust == id);
            Err(ConformError::UnknownOperation {
                id: id.to_owned(),
                hint: close
                    .map(|o| format!(" (did you mean `{}`?)", o.id.wire))
                    .unwrap_or_default(),
            })
        }
        many => Err(ConformError::AmbiguousOperation {
            id: id.to_owned(),
            apis: many
                .iter()
                .map(|(a, _)| a.module.wire.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// What the document says about a status: the response key it matched (the exact code, else its `NXX`
/// range, else `default`) and the body, or `None` for a response declared without a JSON body among the
/// error statuses (its body is not checked). `None` overall when the status is not documented.
pub fn documented(op: &Operation, status: u16) -> Option<(String, Option<&ResponseBody>)> {
    let mut declared: Vec<(StatusMatch, Option<&ResponseBody>)> = Vec::new();
    for r in op.response.alternatives.iter().chain(&op.errors) {
        declared.push((r.status, Some(&r.body)));
    }
    for s in &op.other_statuses {
        declared.push((*s, None));
    }
    [
        StatusMatch::Code(status),
        StatusMatch::Range(status / 100),
        StatusMatch::Default,
    ]
    .iter()
    .find_map(|key| declared.iter().find(|(d, _)| d == key))
    .map(|(d, body)| (d.to_string(), *body))
}
