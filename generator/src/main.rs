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
        /// The generated package's name (default: from the first document's `info.title`, else its file
        /// name).
        #[arg(long)]
        crate_name: Option<String>,
        /// The generated package's version.
        #[arg(long, default_value = "0.1.0")]
        crate_version: String,
        /// Path of the runtime crate the profile names (`oapi-runtime`, or `klarna-runtime` with
        /// `--profile klarna`). Default: the one in the workspace this generator was built from, when the
        /// output lies inside that workspace; else the runtime from crates.io at this generator's version.
        /// Written into the generated manifest as a path relative to the output, never an absolute one.
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
        /// Refuse to generate when a name would be changed from the one the document gives (a type,
        /// field, variant or method renamed to be a valid or unique Rust name).
        #[arg(long)]
        deny_renamed: bool,
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
        /// union_tags, kit_names, cli_names). Default: after all.
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
            deny_renamed,
        } => {
            let profile = Profile::by_name(&profile).unwrap_or_else(Profile::neutral);
            let inputs: Vec<SpecInput> = specs.iter().map(SpecInput::new).collect();
            let crate_name = crate_name.unwrap_or_else(|| default_crate_name(&specs[0]));
            let out_abs = normalize(&std::path::absolute(&out).unwrap_or_else(|_| out.clone()));
            let runtime_dir = match runtime_path {
                Some(path) => Some(normalize(&std::path::absolute(&path).unwrap_or(path))),
                None => workspace_runtime(&profile.runtime_package)
                    .filter(|(root, _)| out_abs.starts_with(root))
                    .map(|(_, dir)| dir),
            };
            let runtime = match runtime_dir {
                Some(dir) => RuntimeDependency::Path(relative_path(&out_abs, &dir)),
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
                deny_renamed,
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

/// The workspace this generator was built in and its directory holding the runtime package `package`,
/// if they are still there (a checkout of the workspace); an installed generator's build directory is
/// gone, and the generated crate takes the runtime from crates.io.
fn workspace_runtime(package: &str) -> Option<(PathBuf, PathBuf)> {
    let root = normalize(&PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")));
    let wanted = format!("name = \"{package}\"");
    ["runtime-core", "runtime"].iter().find_map(|dir| {
        let dir = root.join(dir);
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest
            .lines()
            .any(|l| l.trim() == wanted)
            .then(|| (root.clone(), dir))
    })
}

/// `path` with `.` and `..` components resolved lexically.
fn normalize(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path of `to` as seen from the directory `from` (both absolute and normalized), with `/`
/// separators, as a Cargo manifest writes it.
fn relative_path(from: &std::path::Path, to: &std::path::Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// The default package name of a crate generated from `spec`: its `info.title` in kebab case (ASCII
/// letters and digits), else its file name's stem the same way, else `api-client`.
fn default_crate_name(spec: &std::path::Path) -> String {
    let title = std::fs::read_to_string(spec).ok().and_then(|text| {
        let value: serde_json::Value = serde_json::from_str(&text)
            .ok()
            .or_else(|| serde_saphyr::from_str(&text).ok())?;
        value.get("info")?.get("title")?.as_str().map(str::to_owned)
    });
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    [title.unwrap_or_default(), stem]
        .iter()
        .map(|t| kebab(t))
        .find(|k| k.starts_with(|c: char| c.is_ascii_lowercase()))
        .unwrap_or_else(|| "api-client".to_owned())
}

/// `text` as a Cargo package name: ASCII letters and digits in lower case, every other run of
/// characters one `-`.
fn kebab(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_the_document() {
        assert_eq!(
            kebab("Swagger Petstore - OpenAPI 3.0"),
            "swagger-petstore-openapi-3-0"
        );
        assert_eq!(kebab("  Ünïcode API!! "), "n-code-api");
        let dir = tempfile::tempdir().unwrap();
        let titled = dir.path().join("doc.yaml");
        std::fs::write(
            &titled,
            "openapi: 3.0.3\ninfo: {title: Acme Billing, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        assert_eq!(default_crate_name(&titled), "acme-billing");
        let untitled = dir.path().join("Weather_API.json");
        std::fs::write(
            &untitled,
            r#"{"openapi":"3.0.3","info":{"title":"","version":"1"},"paths":{}}"#,
        )
        .unwrap();
        assert_eq!(default_crate_name(&untitled), "weather-api");
    }

    #[test]
    fn runtime_paths_are_relative() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative_path(&p("/w/out/api"), &p("/w/runtime-core")),
            "../../runtime-core"
        );
        assert_eq!(
            relative_path(&p("/w"), &p("/w/runtime-core")),
            "runtime-core"
        );
        assert_eq!(normalize(&p("/w/generator/../runtime")), p("/w/runtime"));
    }
}
