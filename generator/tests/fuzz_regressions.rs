//! Inputs the fuzzer (generator/fuzz) once crashed the generator with: each file in
//! `tests/fuzz_regressions/` goes through load → lower → render, as in the `load_lower` fuzz target, and
//! must come back as a result or diagnostics, never a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use klarna_codegen::{RenderOptions, RuntimeDependency, load, lower, render};

/// Same path as the fuzz target: relative external `$ref`s point at a directory that does not exist.
const SPEC_PATH: &str = "/nonexistent-klarna-codegen-fuzz/fuzz.yaml";

fn run(bytes: &[u8]) {
    let Ok(spec) = load::load_bytes(bytes, Path::new(SPEC_PATH), "fuzz.yaml") else {
        return;
    };
    let (krate, diags) = lower::lower(std::slice::from_ref(&spec), "klarna", "0.1.0");
    if diags.has_errors() {
        return;
    }
    let options = RenderOptions {
        runtime: RuntimeDependency::Path("../runtime".into()),
        standalone: true,
        regen_command: "cargo fuzz".into(),
        models_per_file: klarna_codegen::render::MODELS_PER_FILE,
    };
    let _ = render::render(&krate, &options);
}

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn no_fuzz_regression_panics() {
    let files = inputs();
    assert!(!files.is_empty(), "tests/fuzz_regressions/ holds no input");
    let mut panicked = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if catch_unwind(AssertUnwindSafe(|| run(&bytes))).is_err() {
            panicked.push(file.display().to_string());
        }
    }
    assert!(
        panicked.is_empty(),
        "the generator panicked on: {panicked:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_ref_to_a_device_is_refused_not_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let bytes = std::fs::read(dir.join("ref_to_dev_zero.yaml")).expect("fixture");
    let Err(diags) = load::load_bytes(&bytes, Path::new(SPEC_PATH), "fuzz.yaml") else {
        panic!("a `$ref` to /dev/zero loaded");
    };
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("not a regular file")),
        "{diags:?}"
    );
}
