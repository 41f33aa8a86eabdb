//! Shapes found in real-world documents nobody here wrote (`cargo xtask corpus PATH...` on public API
//! descriptions), each in a small fixture of its own under `tests/fixtures/realworld/`.

use klarna_codegen::SpecInput;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realworld")
        .join(name)
}

fn lower(name: &str) -> (klarna_codegen::ir::Crate, klarna_codegen::Diagnostics) {
    klarna_codegen::build_ir(&[SpecInput::new(fixture(name))], "realworld", "0.0.0")
        .unwrap_or_else(|d| panic!("{name} refused:\n{d}"))
}

#[test]
fn comparison_filter_parameters_keep_apart_without_renames() {
    let (krate, warnings) = lower("comparison-filters.yaml");
    assert!(warnings.is_empty(), "{warnings}");
    let op = &krate.apis[0].resources[0].operations[0];
    let names: Vec<(&str, &str)> = op
        .query_params
        .iter()
        .map(|p| (p.name.wire.as_str(), p.name.rust.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("StartTime", "start_time"),
            ("StartTime<", "start_time_lt"),
            ("StartTime>", "start_time_gt"),
            ("price>=", "price_gte"),
        ]
    );
}
