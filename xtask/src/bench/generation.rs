//! Section 1: generation time and peak memory, ours against progenitor's (installed on first use), and
//! the copies of specs progenitor can read.

use super::*;

/// Installs cargo-progenitor into `.tools/progenitor` unless that version is there; returns the binary.
pub(super) fn install_progenitor(root: &Path) -> Result<PathBuf> {
    let tools = root.join(".tools/progenitor");
    let bin = tools.join("bin/cargo-progenitor");
    let installed = std::fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    if !bin.exists() || !installed.contains(&format!("cargo-progenitor {PROGENITOR_VERSION}")) {
        must(
            root,
            Command::new(cargo()).args([
                "install",
                "cargo-progenitor",
                "--version",
                PROGENITOR_VERSION,
                "--locked",
                "--root",
                ".tools/progenitor",
            ]),
        )?;
    }
    Ok(PathBuf::from(".tools/progenitor/bin/cargo-progenitor"))
}

/// `cargo progenitor` generating crate `name` (version 0.1.0) from `input` into `out`.
pub(super) fn progenitor_command(pg: &Path, input: &str, out: &str, name: &str) -> Command {
    let mut c = Command::new(pg);
    c.args([
        "progenitor",
        "-i",
        input,
        "-o",
        out,
        "-n",
        name,
        "-v",
        "0.1.0",
    ]);
    c
}

pub(super) struct Generation {
    pub(super) markdown: String,
    /// Specs progenitor generated a crate from: (crate name, crate directory relative to the root).
    pub(super) progenitor_specs: Vec<(String, String)>,
    /// Specs progenitor refused whole and generated without their multipart operations, for the
    /// compile comparison: (spec, crate name, the operations left out).
    pub(super) reduced: Vec<(String, String, Vec<String>)>,
}

/// A copy of `spec` without the operations whose request body is `multipart/form-data` (progenitor
/// 0.15 refuses the whole document over one such operation), written as JSON to `out`. Returns the
/// operations left out (`operationId`, else `METHOD path`); empty when there are none (nothing is
/// written then).
pub(super) fn without_multipart(root: &Path, spec: &str, out: &str) -> Result<Vec<String>> {
    let bytes = std::fs::read(root.join(spec)).with_context(|| format!("reading {spec}"))?;
    let mut doc = klarna_codegen::load::parse_document(&bytes, spec)
        .map_err(|d| anyhow::anyhow!("{spec}: {d}"))?;
    let mut removed = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            item.retain(|method, op| {
                let multipart = op["requestBody"]["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|k| k.starts_with("multipart/")));
                if multipart {
                    removed.push(op["operationId"].as_str().map_or_else(
                        || format!("{} {path}", method.to_uppercase()),
                        str::to_owned,
                    ));
                }
                !multipart
            });
        }
    }
    if !removed.is_empty() {
        let path = root.join(out);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, serde_json::to_vec(&doc)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(removed)
}

pub(super) fn gen_figure(
    root: &Path,
    cmd: &Command,
    reps: usize,
    rss: bool,
    scratch: &Path,
) -> Result<Figure> {
    let mut runs = Vec::new();
    for _ in 0..reps {
        let run = timed(root, cmd, rss, scratch)?;
        let failed = !run.ok;
        runs.push(run);
        if failed {
            break;
        }
    }
    Ok(Figure::from_runs(show(cmd), &runs))
}

pub(super) fn bench_generation(
    root: &Path,
    reps: &Reps,
    rss: bool,
    specs: &[String],
    progenitor: Option<&Path>,
) -> Result<Generation> {
    let target = "target/bench-gen";
    let stripe_doc = stripe_path(root)?;
    must(
        root,
        Command::new(cargo())
            .args([
                "build",
                "--release",
                "-p",
                "klarna-codegen",
                "--bin",
                "klarna-codegen",
            ])
            .env("CARGO_TARGET_DIR", target),
    )?;
    let scratch = root.join(target);
    let bin = format!("{target}/release/klarna-codegen");
    let out = format!("{target}/out");
    let ours = |inputs: &[String]| {
        let mut c = Command::new(&bin);
        c.arg("generate")
            .args(inputs)
            .args(["--out", &out, "--crate-name", "klarna"]);
        c
    };
    let fresh = |dir: &str| {
        let _ = std::fs::remove_dir_all(root.join(dir));
    };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## 1. Generation time and peak memory\n\n\
         Wall time of the process (median and min of the runs), peak resident set size (max of the runs). \
         Ours: the release `klarna-codegen` binary, one process for all inputs. progenitor {PROGENITOR_VERSION}: \
         `cargo progenitor`, which takes one document per run, so `specs/` is one run per document and the \
         figure is the sum of the per-document medians and mins (peak: the largest). Output directories are \
         removed before every run.\n"
    );
    let _ = writeln!(
        md,
        "| input | generator | median | min | peak RSS | runs | target | result |\n|---|---|---|---|---|---|---|---|"
    );

    eprintln!("bench: generation, specs/ ({} documents)", specs.len());
    let mut specs_runs = Vec::new();
    for _ in 0..reps.generate {
        fresh(&out);
        specs_runs.push(timed(root, &ours(specs), rss, &scratch)?);
    }
    let ours_specs = Figure::from_runs(show(&ours(specs)), &specs_runs);
    eprintln!("bench: generation, Stripe");
    let stripe = vec![stripe_doc.clone()];
    let mut stripe_runs = Vec::new();
    for _ in 0..reps.generate {
        fresh(&out);
        stripe_runs.push(timed(root, &ours(&stripe), rss, &scratch)?);
    }
    fresh(&out);
    let ours_stripe = Figure::from_runs(show(&ours(&stripe)), &stripe_runs);

    let verdict = |f: &Figure, secs: f64, mb: Option<f64>| -> String {
        if let Some(why) = &f.failure {
            return format!("FAIL: {why}");
        }
        let time_ok = f.median < secs;
        let mem_ok = match (mb, f.peak_kb) {
            (Some(limit), Some(kb)) => Some((kb as f64 / 1024.0) < limit),
            _ => None,
        };
        let mut parts = vec![format!("time {}", if time_ok { "pass" } else { "FAIL" })];
        match (mb, mem_ok) {
            (Some(_), Some(ok)) => {
                parts.push(format!("memory {}", if ok { "pass" } else { "FAIL" }))
            }
            (Some(_), None) => parts.push("memory not measured".into()),
            _ => {}
        }
        parts.join(", ")
    };
    let row =
        |md: &mut String, input: &str, generator: &str, f: &Figure, target: &str, result: &str| {
            let _ = writeln!(
                md,
                "| {input} | {generator} | {} | {} | {} | {} | {target} | {result} |",
                f.time_cell(f.median),
                f.time_cell(f.min),
                f.peak_cell(),
                f.runs,
            );
        };
    row(
        &mut md,
        &format!("`specs/` ({} documents)", specs.len()),
        "klarna-codegen",
        &ours_specs,
        "< 1 s",
        &verdict(&ours_specs, TARGET_SPECS_SECS, None),
    );

    let mut commands = vec![ours_specs.command.clone(), ours_stripe.command.clone()];
    let mut progenitor_specs = Vec::new();
    let mut reduced = Vec::new();
    let mut detail = String::new();
    match progenitor {
        None => {
            let _ = writeln!(
                md,
                "| `specs/` | progenitor | not run (`--quick`) | | | | | |"
            );
        }
        Some(pg) => {
            let pg_dir = "target/bench-progenitor/crates";
            let mut figures = Vec::new();
            for spec in specs {
                let stem = Path::new(spec)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("spec");
                let name = format!("pg-{stem}");
                let dir = format!("{pg_dir}/{name}");
                let c = progenitor_command(pg, spec, &dir, &name);
                eprintln!("bench: progenitor, {spec}");
                let mut runs = Vec::new();
                for _ in 0..reps.generate {
                    fresh(&dir);
                    let run = timed(root, &c, rss, &scratch)?;
                    let failed = !run.ok;
                    runs.push(run);
                    if failed {
                        break;
                    }
                }
                let f = Figure::from_runs(show(&c), &runs);
                commands.push(f.command.clone());
                if f.failure.is_none() {
                    progenitor_specs.push((name.clone(), dir.clone()));
                } else {
                    fresh(&dir);
                    // For the compile comparison: the same API without what progenitor cannot read.
                    let copy = format!("target/bench-progenitor/reduced/{stem}.json");
                    let removed = without_multipart(root, spec, &copy)?;
                    if !removed.is_empty() {
                        let c = progenitor_command(pg, &copy, &dir, &name);
                        eprintln!("bench: progenitor, {copy} ({spec} without multipart)");
                        let run = timed(root, &c, false, &scratch)?;
                        commands.push(show(&c));
                        if run.ok {
                            progenitor_specs.push((name.clone(), dir.clone()));
                            reduced.push((spec.clone(), name.clone(), removed));
                        } else {
                            fresh(&dir);
                        }
                    }
                }
                figures.push((spec.clone(), f));
            }
            let ok: Vec<&Figure> = figures
                .iter()
                .map(|(_, f)| f)
                .filter(|f| f.failure.is_none())
                .collect();
            let refused: Vec<String> = figures
                .iter()
                .filter_map(|(s, f)| f.failure.as_ref().map(|w| format!("{s}: {w}")))
                .collect();
            let sum = Figure {
                command: String::new(),
                runs: reps.generate,
                median: ok.iter().map(|f| f.median).sum(),
                min: ok.iter().map(|f| f.min).sum(),
                peak_kb: ok.iter().filter_map(|f| f.peak_kb).max(),
                failure: if ok.is_empty() {
                    Some("every document refused".into())
                } else {
                    None
                },
            };
            let result = if refused.is_empty() {
                format!("all {} generated", figures.len())
            } else {
                format!(
                    "{} of {} generated; refused: {}",
                    ok.len(),
                    figures.len(),
                    refused.join("; ")
                )
            };
            row(
                &mut md,
                &format!("`specs/` ({} documents)", specs.len()),
                &format!("progenitor {PROGENITOR_VERSION} (sum)"),
                &sum,
                "",
                &result,
            );
            let _ = writeln!(
                detail,
                "\nprogenitor per document:\n\n| document | median | min | peak RSS | result |\n|---|---|---|---|---|"
            );
            for (spec, f) in &figures {
                let _ = writeln!(
                    detail,
                    "| `{spec}` | {} | {} | {} | {} |",
                    f.time_cell(f.median),
                    f.time_cell(f.min),
                    f.peak_cell(),
                    f.failure.as_deref().unwrap_or("generated")
                );
            }
            for (spec, name, removed) in &reduced {
                let _ = writeln!(
                    detail,
                    "\nFor the compile comparison (section 2) only, `{name}` is generated from a copy of `{spec}` \
                     without the {} operation(s) progenitor cannot read ({}), written to \
                     `target/bench-progenitor/reduced/`; its generation time is not counted above.",
                    removed.len(),
                    removed.join(", ")
                );
            }
        }
    }
    row(
        &mut md,
        "Stripe (`stripe-api.yaml`, 4.2 MB, 468 operations)",
        "klarna-codegen",
        &ours_stripe,
        "< 3 s, < 500 MB",
        &verdict(&ours_stripe, TARGET_STRIPE_SECS, Some(TARGET_STRIPE_MB)),
    );
    match progenitor {
        None => {
            let _ = writeln!(
                md,
                "| Stripe | progenitor | not run (`--quick`) | | | | | |"
            );
        }
        Some(pg) => {
            let dir = "target/bench-progenitor/stripe";
            let c = progenitor_command(pg, &stripe_doc, dir, "pg-stripe");
            eprintln!("bench: progenitor, Stripe");
            fresh(dir);
            let f = gen_figure(root, &c, reps.generate, rss, &scratch)?;
            fresh(dir);
            let result = f.failure.clone().unwrap_or_else(|| "generated".into());
            commands.push(f.command.clone());
            row(
                &mut md,
                "Stripe",
                &format!("progenitor {PROGENITOR_VERSION}"),
                &f,
                "",
                &result,
            );
        }
    }
    md.push_str(&detail);
    let _ = writeln!(md, "\nCommands (run in the workspace root):\n\n```sh");
    for c in &commands {
        let _ = writeln!(md, "{c}");
    }
    let _ = writeln!(md, "```\n");
    Ok(Generation {
        markdown: md,
        progenitor_specs,
        reduced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only operations with a multipart request body are left out, named by operationId or by
    /// method and path; a spec without any is not copied.
    #[test]
    fn without_multipart_leaves_out_only_multipart_operations() {
        let dir = tempfile::tempdir().unwrap();
        let spec = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object}
      responses: {'204': {description: ok}}
    get:
      operationId: listFiles
      responses: {'200': {description: ok}}
  /notes:
    put:
      requestBody:
        content:
          multipart/mixed:
            schema: {type: object}
      responses: {'204': {description: ok}}
    post:
      operationId: addNote
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses: {'204': {description: ok}}
";
        std::fs::write(dir.path().join("a.yaml"), spec).unwrap();
        let removed = without_multipart(dir.path(), "a.yaml", "out/a.json").unwrap();
        assert_eq!(removed, ["upload", "PUT /notes"]);
        let copy: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("out/a.json")).unwrap()).unwrap();
        let ops = |path: &str| -> Vec<String> {
            copy["paths"][path]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(ops("/files"), ["get"]);
        assert_eq!(ops("/notes"), ["post"]);
        assert_eq!(copy["info"]["title"], "t");

        std::fs::write(
            dir.path().join("b.yaml"),
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        assert!(
            without_multipart(dir.path(), "b.yaml", "out/b.json")
                .unwrap()
                .is_empty()
        );
        assert!(!dir.path().join("out/b.json").exists());
    }
}
