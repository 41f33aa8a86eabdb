//! Arbitrary bytes → `load_bytes` → `lower` → `render`.
//!
//! The bytes go to `load_bytes` untouched, so the UTF-8 check, the YAML and JSON parsers, OpenAPI 3.1
//! normalization, repair, structural validation and `$ref` resolution all see fuzzed input. Whatever loads
//! is lowered; whatever lowers without errors is rendered (render parses every Rust file it emits with
//! `syn`). The generator must answer every input with diagnostics: any panic, abort, stack overflow or
//! timeout is a bug.
#![no_main]

use std::path::Path;

use klarna_codegen::{RenderOptions, RuntimeDependency, load, lower, render};
use libfuzzer_sys::fuzz_target;

/// A directory that does not exist: relative external `$ref`s fail with a diagnostic instead of reading
/// whatever happens to sit beside the fuzzer.
const SPEC_PATH: &str = "/nonexistent-klarna-codegen-fuzz/fuzz.yaml";

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = load::load_bytes(data, Path::new(SPEC_PATH), "fuzz.yaml") else {
        return;
    };
    let (krate, diags) = lower::lower(std::slice::from_ref(&spec), "klarna", "0.1.0");
    if diags.has_errors() || std::env::var_os("KLARNA_FUZZ_NO_RENDER").is_some() {
        return;
    }
    let options = RenderOptions {
        runtime: RuntimeDependency::Path("../runtime".into()),
        standalone: true,
        regen_command: "cargo fuzz".into(),
        models_per_file: klarna_codegen::render::MODELS_PER_FILE,
    };
    let _ = render::render(&krate, &options);
});
