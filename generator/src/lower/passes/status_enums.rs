//! Pass: an operation with several success statuses of differing bodies returns an enum
//! (`<Builder>Responses`), and one whose error responses have bodies of more than one type gets an error
//! enum (`<Builder>Error`) its users read with `from_error`. The names are claimed in the operations
//! module's scope, beside the builders and resource types, renames reported.

use crate::diag::{Diagnostics, Location};
use crate::ir::Api;
use crate::lower::names::{self, Place};
use crate::naming::Scope;

/// Names the success-response and error enums of every operation that needs one.
pub(in crate::lower) fn run(api: &mut Api, diags: &mut Diagnostics) {
    let mut scope = Scope::new(["Client"]);
    for r in &api.resources {
        scope.claim(&r.name.rust);
        for op in &r.operations {
            scope.claim(&op.builder);
        }
    }
    let file = api.source.file.clone();
    for op in api.resources.iter_mut().flat_map(|r| &mut r.operations) {
        let pointer = op.pointer.clone();
        let place = || Place {
            file: &file,
            location: Location::Pointer(pointer.clone()),
        };
        if op.response.is_enum() {
            let wanted = format!("{}Responses", op.builder);
            let name = names::claim(&mut scope, &wanted, "response enum", place(), diags);
            op.responses_enum = Some(name);
        }
        let first_error = op.errors.first().map(|e| &e.body);
        if op.errors.iter().any(|e| Some(&e.body) != first_error) {
            let wanted = format!("{}Error", op.builder);
            let name = names::claim(&mut scope, &wanted, "error enum", place(), diags);
            op.errors_enum = Some(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::test_support::{doc, lower_until, op};

    fn response(status: &str, schema: &str) -> String {
        format!(
            "        '{status}':\n          description: r\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n"
        )
    }

    #[test]
    fn enums_are_named_where_bodies_differ() {
        let ops = [
            (
                "sameErrors",
                format!(
                    "{}{}{}",
                    response("200", "A"),
                    response("400", "E"),
                    response("404", "E")
                ),
            ),
            (
                "twoErrors",
                format!(
                    "{}{}{}",
                    response("200", "A"),
                    response("400", "E"),
                    response("404", "F")
                ),
            ),
            (
                "twoSuccesses",
                format!("{}{}", response("200", "A"), response("201", "B")),
            ),
        ];
        let paths: String = ops
            .iter()
            .map(|(id, responses)| {
                format!(
                    "  /v1/{id}:\n    post:\n      operationId: {id}\n      responses:\n{responses}"
                )
            })
            .collect();
        let yaml = doc(
            &paths,
            "  A: {type: object}\n  B: {type: object, properties: {b: {type: string}}}\n  E: {type: object}\n  F: {type: object, properties: {f: {type: string}}}",
        );
        let enums = |after: &str| -> Vec<(Option<String>, Option<String>)> {
            let (api, _) = lower_until(&yaml, Some(after));
            ops.iter()
                .map(|(id, _)| {
                    let o = op(&api, id);
                    (o.responses_enum.clone(), o.errors_enum.clone())
                })
                .collect()
        };
        assert_eq!(
            enums("method_names"),
            [(None, None), (None, None), (None, None)]
        );
        assert_eq!(
            enums("status_enums"),
            [
                (None, None),
                (None, Some("TwoErrorsError".to_string())),
                (Some("TwoSuccessesResponses".to_string()), None),
            ]
        );
    }
}
