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
        if !op.response.alternatives.is_empty() {
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
