//! Deprecation: deprecated schemas, properties, parameters and operations carry `#[deprecated]`, and each
//! generated module whose own code names them allows it once at its top (`#![allow(deprecated)]`, as a
//! hand-written crate would) instead of item by item, so a crate generated from a document with
//! deprecated items compiles without warnings while its users still see theirs. The golden crate compiles
//! `klarna_golden::deprecated` with the workspace's `-D warnings`.

use std::path::PathBuf;

use klarna_codegen::{RenderOptions, RuntimeDependency, SpecInput};

/// The `.rs` files generated for `fixture`, by path.
fn generated(fixture: &str) -> Vec<(PathBuf, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let options = RenderOptions {
        runtime: RuntimeDependency::Path("../runtime".into()),
        standalone: true,
        regen_command: "cargo test".into(),
        models_per_file: klarna_codegen::render::MODELS_PER_FILE,
    };
    let generated = klarna_codegen::generate(
        &[SpecInput::new(&path)],
        "deprecated",
        "0.0.0",
        &klarna_codegen::profile::Profile::klarna(),
        &options,
    )
    .expect("generates");
    generated
        .files
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
        .collect()
}

#[test]
fn modules_allow_deprecation_once_and_items_never() {
    let files = generated("deprecated.yaml");
    let mut deprecated_items = 0;
    for (path, text) in &files {
        assert!(
            !text.contains("#[allow(deprecated)]"),
            "{}: an item-level allow",
            path.display()
        );
        let module = ["models", "operations.rs", "webhooks.rs", "registry.rs"]
            .iter()
            .any(|m| path.to_string_lossy().contains(m))
            && !path.ends_with("models/mod.rs");
        let allows = text.matches("#![allow(deprecated)]").count();
        assert_eq!(allows, usize::from(module), "{}", path.display());
        deprecated_items += text.matches("#[deprecated").count();
    }
    // LegacyGadget, its kind, LegacyCode, LegacyMode, LegacyChoice, LegacyIds, LegacyProblem, the
    // deprecated properties and parameter, and the deprecated operation's method: all still marked.
    assert!(deprecated_items >= 9, "{deprecated_items}");
}
