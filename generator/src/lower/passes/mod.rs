//! IR rewrites that run after the lower modules have built an [`Api`]: each is a function from the API
//! to the same API rewritten (plus the renames it reports), with its own tests, and `klarna-codegen ir
//! --after <pass>` prints the IR as it stands after any of them (`--after lower` before the first).
//!
//! In order ([`PASSES`]): [`method_names`] (shortened method names, operations sorted by them),
//! [`status_enums`] (the per-operation success and error enums, named), [`cycles`] (box what closes a
//! containment cycle), [`complex_types`] (deeply nested lists and maps named), [`variant_sizes`] (box enum variants much larger than the others), [`directions`] (requiredness by direction, then pagination presence), [`union_tags`] (the discriminator
//! value a union writes for a payload that may leave it out), [`kit_names`] (the testing kit's
//! names for what it stubs), [`cli_names`] (the `klarna` command line's command names).

use crate::diag::Diagnostics;
use crate::ir::Api;

pub mod cli_names;
pub mod complex_types;
pub mod cycles;
pub mod directions;
pub mod kit_names;
pub mod method_names;
pub mod status_enums;
pub mod union_tags;
pub mod variant_sizes;

/// One IR rewrite.
pub struct Pass {
    /// Its name, as `klarna-codegen ir --after` takes it.
    pub name: &'static str,
    /// What it does, in a line.
    pub summary: &'static str,
    /// The rewrite; renames are reported into the diagnostics.
    pub run: fn(&mut Api, &mut Diagnostics),
}

/// The name `--after` takes for the IR as the lower modules leave it, before any pass.
pub const LOWERED: &str = "lower";

/// Every pass, in the order they run.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "method_names",
        summary: "method names shortened where unambiguous; operations sorted by them",
        run: method_names::run,
    },
    Pass {
        name: "status_enums",
        summary: "operations with several success bodies or error body types get a named enum",
        run: status_enums::run,
    },
    Pass {
        name: "cycles",
        summary: "fields and variants that close a containment cycle are boxed",
        run: cycles::run,
    },
    Pass {
        name: "complex_types",
        summary: "nested lists and maps too complex to spell out (clippy's type_complexity) get a named alias",
        run: complex_types::run,
    },
    Pass {
        name: "variant_sizes",
        summary: "enum variants much larger than their siblings are boxed",
        run: variant_sizes::run,
    },
    Pass {
        name: "directions",
        summary: "required fields relaxed where their direction may omit them; pagination presence follows",
        run: directions::run,
    },
    Pass {
        name: "union_tags",
        summary: "tagged unions write the discriminator value of a payload that may leave it out",
        run: union_tags::run,
    },
    Pass {
        name: "kit_names",
        summary: "the testing kit's stubs types, route statics and parameter methods are named",
        run: kit_names::run,
    },
    Pass {
        name: "cli_names",
        summary: "the `klarna` command line's resource and operation commands are named",
        run: cli_names::run,
    },
];

/// Whether `name` is [`LOWERED`] or the name of a pass.
pub fn is_stage(name: &str) -> bool {
    name == LOWERED || PASSES.iter().any(|p| p.name == name)
}

/// Runs the passes in order, stopping after the one named `after` (none for [`LOWERED`], all for
/// `None`).
pub fn run(api: &mut Api, diags: &mut Diagnostics, after: Option<&str>) {
    if after == Some(LOWERED) {
        return;
    }
    for pass in PASSES {
        (pass.run)(api, diags);
        if after == Some(pass.name) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_names_are_unique_and_stages() {
        let mut names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
        names.push(LOWERED);
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(names.iter().all(|n| is_stage(n)));
        assert!(!is_stage("render"));
    }
}
