//! Prints how long each generator stage takes on the given documents (a profiling aid; the published
//! figures come from `cargo xtask bench`).

use std::time::Instant;

use klarna_codegen::{RenderOptions, RuntimeDependency, SpecInput};

fn main() {
    let inputs: Vec<SpecInput> = std::env::args().skip(1).map(SpecInput::new).collect();
    let t = Instant::now();
    let mut loaded = Vec::new();
    for i in &inputs {
        match klarna_codegen::load::load(&i.path, &i.display) {
            Ok(s) => loaded.push(s),
            Err(d) => {
                eprint!("{d}");
                return;
            }
        }
    }
    let t_load = t.elapsed();
    let t = Instant::now();
    let (ir, _) = klarna_codegen::lower::lower(&loaded, "bench", "0.0.0");
    let t_lower = t.elapsed();
    let t = Instant::now();
    let options = RenderOptions {
        runtime: RuntimeDependency::Path("/x".into()),
        standalone: true,
        regen_command: "bench".into(),
        models_per_file: klarna_codegen::render::MODELS_PER_FILE,
    };
    let files = klarna_codegen::render::render(&ir, &options);
    let t_render = t.elapsed();
    let bytes: usize = files
        .map(|f| f.values().map(String::len).sum())
        .unwrap_or(0);
    println!("load {t_load:?} lower {t_lower:?} render {t_render:?} ({bytes} bytes)");
    if let Ok(models) = std::env::var("SPLIT_TIMING") {
        split_timing(&std::fs::read_to_string(models).unwrap_or_default());
    }
}

#[allow(dead_code)]
fn split_timing(text: &str) {
    let t = Instant::now();
    let file = syn::parse_file(text).ok();
    let t_parse = t.elapsed();
    let t = Instant::now();
    let out = file.map(|f| prettyplease::unparse(&f)).unwrap_or_default();
    println!(
        "parse {t_parse:?} print {:?} ({} bytes)",
        t.elapsed(),
        out.len()
    );
}
