//! The `klarna-codegen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use klarna_codegen::{Profile, RenderOptions, RuntimeDependency, SpecInput};

/// Generates a Rust SDK crate from OpenAPI 3.0/3.1 documents.
#[derive(Parser)]
#[command(name = "klarna-codegen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a standalone crate generated from the documents.
    Generate {
        /// OpenAPI documents (YAML or JSON), one API module each.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Directory to write the crate into (created or updated in place).
        #[arg(long)]
        out: PathBuf,
        /// The generated package's name.
        #[arg(long, default_value = "klarna")]
        crate_name: String,
        /// The generated package's version.
        #[arg(long, default_value = "0.1.0")]
        crate_version: String,
        /// Path of the `klarna-runtime` crate (default: the one this generator was built from, when it is
        /// still there; else `klarna-runtime` from crates.io at this generator's version).
        #[arg(long)]
        runtime_path: Option<PathBuf>,
        /// The service conventions: `neutral` for any document (no vendor headers, extensions,
        /// pagination or wording), `klarna` for Klarna's documents (as `cargo xtask regen` builds the SDK).
        #[arg(long, default_value = "neutral", value_parser = profile_name)]
        profile: String,
        /// Refuse to generate when a schema would become `serde_json::Value` (a located error for each
        /// instead of a warning).
        #[arg(long)]
        deny_untyped: bool,
        /// Refuse to generate when a keyword or part of a schema would not be generated (fields or
        /// variants missing from a type).
        #[arg(long)]
        deny_dropped: bool,
    },
    /// Prints the intermediate representation of the documents as JSON.
    Ir {
        /// OpenAPI documents.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// The service conventions, as for `generate`.
        #[arg(long, default_value = "neutral", value_parser = profile_name)]
        profile: String,
        /// Print the IR as it stands after this lowering pass (`lower`: before the first pass; passes,
        /// in order: method_names, status_enums, cycles, complex_types, variant_sizes, directions,
        /// kit_names). Default: after all.
        #[arg(long, value_name = "PASS")]
        after: Option<String>,
    },
    /// Compares two versions of the documents and classifies every change for users of the crate.
    ///
    /// Prints markdown fit for a pull-request comment (or JSON with `--json`). Exit status: 0, or 2 with
    /// `--fail-on-breaking` when a change is breaking, or 1 when a side cannot be loaded.
    Diff {
        /// The old document, or a directory of documents (`*.yaml`, `*.yml`, `*.json`; matched by file stem).
        old: PathBuf,
        /// The new document or directory.
        new: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Exit with status 2 when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
        /// The crate version the implied bump is applied to.
        #[arg(long, default_value = "0.1.0")]
        crate_version: String,
    },
    /// Checks one response body, exactly as received, against an operation's response for a status.
    ///
    /// Prints one line per finding (`drift|addition|note <JSON pointer>: <what>`) and a summary line, or
    /// JSON with `--json`. Exit status: 0 without drift (additions and notes allowed), 2 with drift, 1
    /// when the input cannot be checked (documents, operation, status or body file).
    Conform {
        /// OpenAPI documents, then the body file (`-` reads standard input). Options may come before,
        /// between or after them.
        #[arg(required = true, value_name = "SPEC... BODY_FILE|-")]
        paths: Vec<PathBuf>,
        /// The `operationId` whose response the body is.
        #[arg(long)]
        operation: String,
        /// The HTTP status the body came with.
        #[arg(long)]
        status: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate {
            specs,
            out,
            crate_name,
            crate_version,
            runtime_path,
            profile,
            deny_untyped,
            deny_dropped,
        } => {
            let profile = Profile::by_name(&profile).unwrap_or_else(Profile::neutral);
            let inputs: Vec<SpecInput> = specs.iter().map(SpecInput::new).collect();
            let runtime = match runtime_path.or_else(default_runtime_path) {
                Some(path) => RuntimeDependency::Path(
                    std::path::absolute(&path)
                        .unwrap_or(path)
                        .display()
                        .to_string(),
                ),
                None => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_owned()),
            };
            let mut command = String::from("klarna-codegen generate");
            for s in &specs {
                command.push_str(&format!(" {}", s.display()));
            }
            command.push_str(&format!(" --out {}", out.display()));
            let options = RenderOptions {
                runtime,
                standalone: true,
                regen_command: command,
                models_per_file: klarna_codegen::render::MODELS_PER_FILE,
            };
            let strictness = klarna_codegen::Strictness {
                deny_untyped,
                deny_dropped,
            };
            let generated = match klarna_codegen::generate_strict(
                &inputs,
                &crate_name,
                &crate_version,
                &profile,
                &options,
                strictness,
            ) {
                Ok(g) => g,
                Err(diags) => {
                    eprint!("{diags}");
                    return ExitCode::from(1);
                }
            };
            eprint!("{}", generated.warnings);
            match klarna_codegen::write::write_crate(&out, &generated.files) {
                Ok(report) => {
                    eprintln!(
                        "wrote {} ({} files written, {} unchanged, {} removed)",
                        out.display(),
                        report.written.len(),
                        report.unchanged.len(),
                        report.removed.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: error: cannot write the crate: {e}", out.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Diff {
            old,
            new,
            json,
            fail_on_breaking,
            crate_version,
        } => run_diff(&old, &new, json, fail_on_breaking, &crate_version),
        Command::Conform {
            paths,
            operation,
            status,
            json,
        } => run_conform(&paths, &operation, &status, json),
        Command::Ir {
            specs,
            after,
            profile,
        } => {
            let profile = Profile::by_name(&profile).unwrap_or_else(Profile::neutral);
            if let Some(name) = &after
                && !klarna_codegen::lower::passes::is_stage(name)
            {
                let known: Vec<&str> = std::iter::once(klarna_codegen::lower::passes::LOWERED)
                    .chain(klarna_codegen::lower::passes::PASSES.iter().map(|p| p.name))
                    .collect();
                eprintln!(
                    "error: no lowering pass is called `{name}`; --after takes one of: {}",
                    known.join(", ")
                );
                return ExitCode::from(1);
            }
            let inputs: Vec<SpecInput> = specs.iter().map(SpecInput::new).collect();
            match klarna_codegen::build_ir_with(
                &inputs,
                "klarna",
                "0.1.0",
                &profile,
                after.as_deref(),
            ) {
                Ok((ir, warnings)) => {
                    eprint!("{warnings}");
                    match ir
                        .to_json()
                        .and_then(|json| serde_json::to_string_pretty(&json))
                    {
                        Ok(json) => {
                            println!("{json}");
                            ExitCode::SUCCESS
                        }
                        Err(e) => {
                            eprintln!("error: cannot print the IR: {e}");
                            ExitCode::from(1)
                        }
                    }
                }
                Err(diags) => {
                    eprint!("{diags}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// The runtime this generator was built beside, if it is still there (a checkout of the workspace); an
/// installed generator's build directory is gone, and the generated crate takes the runtime from crates.io.
fn default_runtime_path() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime"));
    path.join("Cargo.toml").is_file().then_some(path)
}

fn run_diff(
    old: &std::path::Path,
    new: &std::path::Path,
    json: bool,
    fail_on_breaking: bool,
    version: &str,
) -> ExitCode {
    let (old_ir, new_ir, warnings) = match klarna_codegen::diff::load_pair(old, new, version) {
        Ok(loaded) => loaded,
        Err(diags) => {
            eprint!("{diags}");
            return ExitCode::from(1);
        }
    };
    if !warnings.is_empty() {
        eprintln!(
            "note: {} generator warning(s) while loading (run `klarna-codegen ir` to see them)",
            warnings.len()
        );
    }
    let report = klarna_codegen::diff::diff(&old_ir, &new_ir);
    if json {
        match klarna_codegen::diff::to_json(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: cannot print the report: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{}", klarna_codegen::diff::to_markdown(&report));
    }
    if fail_on_breaking && report.has_breaking() {
        eprintln!("{} breaking change(s)", report.summary.breaking);
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn run_conform(paths: &[PathBuf], operation: &str, status: &str, json: bool) -> ExitCode {
    let Some((body_path, specs)) = paths.split_last().filter(|(_, specs)| !specs.is_empty()) else {
        eprintln!(
            "error: conform needs at least one document and then the body file (`-` for standard input)"
        );
        return ExitCode::from(1);
    };
    let status = match klarna_codegen::conform::parse_status(status) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --status: {e}");
            return ExitCode::from(1);
        }
    };
    let body = if body_path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(body_path)
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: error: cannot read the body: {e}", body_path.display());
            return ExitCode::from(1);
        }
    };
    let inputs: Vec<SpecInput> = specs.iter().map(SpecInput::new).collect();
    let ir = match klarna_codegen::build_ir(&inputs, "klarna", "0.1.0") {
        Ok((ir, _warnings)) => ir,
        Err(diags) => {
            eprint!("{diags}");
            return ExitCode::from(1);
        }
    };
    let report = match klarna_codegen::conform::conform(&ir, operation, status, &body) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: cannot print the report: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{}", report.to_text());
    }
    if report.has_drift() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// A `--profile` value [`Profile::by_name`] knows.
fn profile_name(name: &str) -> Result<String, String> {
    match Profile::by_name(name) {
        Some(_) => Ok(name.to_owned()),
        None => Err(format!(
            "no profile is called `{name}`; one of: {}",
            Profile::NAMES.join(", ")
        )),
    }
}
