//! Section 2: compile time of the generated crates, ours and progenitor's, cold for the measured crates.

use super::*;

/// One compile configuration: a label, the cargo arguments after `check`/`build`, the packages to clean.
pub(super) struct Config {
    pub(super) label: String,
    pub(super) args: Vec<String>,
    pub(super) clean: Vec<String>,
    pub(super) reps: usize,
}

/// Times `cargo check` and `cargo build` of each configuration, cold for the measured crates: one warm-up
/// build of everything, then per measurement `cargo clean -p` and the timed command.
pub(super) fn compile_rows(
    root: &Path,
    target: &str,
    manifest: Option<&str>,
    warm: &[Vec<String>],
    configs: &[Config],
) -> Result<Vec<(String, Figure, Figure)>> {
    let base = |sub: &str| {
        let mut c = Command::new("cargo");
        c.arg(sub);
        if let Some(m) = manifest {
            c.args(["--manifest-path", m]);
        }
        c.env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0");
        c
    };
    for w in warm {
        for sub in ["check", "build"] {
            let mut c = base(sub);
            c.arg("--quiet").args(w);
            must(root, &mut c)?;
        }
    }
    let scratch = root.join(target);
    let mut rows = Vec::new();
    for config in configs {
        let mut pair = Vec::new();
        for sub in ["check", "build"] {
            let mut c = base(sub);
            c.args(&config.args);
            let mut clean = base("clean");
            for p in &config.clean {
                clean.args(["-p", p]);
            }
            clean.arg("--quiet");
            eprintln!("bench: {}", show(&c));
            let mut runs = Vec::new();
            for _ in 0..config.reps {
                must(root, &mut clean)?;
                runs.push(timed(root, &c, false, &scratch)?);
            }
            let mut f = Figure::from_runs(show(&c), &runs);
            f.command = format!("{} && {}", show(&clean), f.command);
            pair.push(f);
        }
        let build = pair.pop();
        let check = pair.pop();
        if let (Some(check), Some(build)) = (check, build) {
            rows.push((config.label.clone(), check, build));
        }
    }
    Ok(rows)
}

pub(super) const FEATURES: [&str; 6] = [
    "management",
    "payment",
    "notification",
    "identity",
    "interoperability",
    "messaging",
];

/// The crates `generated/` holds for these API features: the `klarna` facade and one crate per API.
pub(super) fn generated_crates<S: AsRef<str>>(features: &[S]) -> Vec<String> {
    std::iter::once("klarna".to_owned())
        .chain(
            features
                .iter()
                .map(|f| klarna_codegen::lower::api_package("klarna", f.as_ref())),
        )
        .collect()
}

/// The scratch workspace for progenitor's crates, with the same dev profile as ours.
pub(super) fn write_progenitor_workspace(
    root: &Path,
    crates: &[(String, String)],
) -> Result<String> {
    let dir = "target/bench-progenitor";
    let members: Vec<String> = crates
        .iter()
        .map(|(_, d)| format!("  \"{}\",", d.trim_start_matches(&format!("{dir}/"))))
        .collect();
    let manifest = format!(
        "# Written by `cargo xtask bench`: the crates cargo-progenitor generated from specs/.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n\
         # The same dev profile as the klarna workspace.\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
        members.join("\n")
    );
    std::fs::write(root.join(dir).join("Cargo.toml"), manifest)
        .context("writing the progenitor workspace")?;
    Ok(format!("{dir}/Cargo.toml"))
}

pub(super) fn bench_compile(
    root: &Path,
    reps: &Reps,
    progenitor: &[(String, String)],
    reduced: &[(String, String, Vec<String>)],
) -> Result<String> {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## 2. Compile time of the generated crate\n\n\
         Wall time of `cargo check` and of a debug `cargo build`, cold for the measured crate(s) and warm for \
         their dependencies (everything is built once first; before each timed command, `cargo clean -p` of \
         the measured crates), `CARGO_INCREMENTAL=0`, the workspace's dev profile, separate target directories \
         (`target/bench-compile`, `target/bench-progenitor/target`). Ours: `generated/` (the `klarna` facade and \
         its API crates `klarna-<api>`, all cleaned) as it is in the work tree. Whole-crate figures are the median of {} run(s), per-feature and progenitor \
         per-crate figures {} run(s).\n",
        reps.compile_whole, reps.compile_feature
    );
    let mut configs = vec![Config {
        label: "`klarna`, all APIs (default features)".into(),
        args: vec!["-p".into(), "klarna".into()],
        clean: generated_crates(&FEATURES),
        reps: reps.compile_whole,
    }];
    for f in FEATURES {
        configs.push(Config {
            label: format!("`klarna`, `--no-default-features --features {f}`"),
            args: vec![
                "-p".into(),
                "klarna".into(),
                "--no-default-features".into(),
                "--features".into(),
                f.into(),
            ],
            clean: generated_crates(&[f]),
            reps: reps.compile_feature,
        });
    }
    // When progenitor generated only some APIs, also build ours with exactly those: like for like.
    let same_apis: Vec<String> = progenitor
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("pg-"))
        .filter(|stem| FEATURES.contains(stem))
        .map(str::to_owned)
        .collect();
    let like_for_like = !same_apis.is_empty() && same_apis.len() < FEATURES.len();
    if like_for_like {
        configs.insert(
            1,
            Config {
                label: format!(
                    "`klarna`, the {} APIs progenitor generated (`--no-default-features --features {}`)",
                    same_apis.len(),
                    same_apis.join(",")
                ),
                args: vec![
                    "-p".into(),
                    "klarna".into(),
                    "--no-default-features".into(),
                    "--features".into(),
                    same_apis.join(","),
                ],
                clean: generated_crates(&same_apis),
                reps: reps.compile_whole,
            },
        );
    }
    eprintln!("bench: compile, ours (warm-up builds the dependencies first)");
    let ours = compile_rows(
        root,
        "target/bench-compile",
        None,
        &[vec!["-p".into(), "klarna".into()]],
        &configs,
    )?;

    let mut theirs = Vec::new();
    if !progenitor.is_empty() {
        let manifest = write_progenitor_workspace(root, progenitor)?;
        let names: Vec<String> = progenitor.iter().map(|(n, _)| n.clone()).collect();
        let mut all_args = Vec::new();
        for n in &names {
            all_args.push("-p".to_owned());
            all_args.push(n.clone());
        }
        let mut pconfigs = vec![Config {
            label: format!(
                "progenitor, all {} crates in one cargo command",
                names.len()
            ),
            args: all_args.clone(),
            clean: names.clone(),
            reps: reps.compile_whole,
        }];
        for n in &names {
            let without = if reduced.iter().any(|(_, name, _)| name == n) {
                " (without what it cannot read)"
            } else {
                ""
            };
            pconfigs.push(Config {
                label: format!("progenitor, `{n}` alone{without}"),
                args: vec!["-p".into(), n.clone()],
                clean: vec![n.clone()],
                reps: reps.compile_feature,
            });
        }
        eprintln!("bench: compile, progenitor (warm-up builds the dependencies first)");
        theirs = compile_rows(
            root,
            "target/bench-progenitor/target",
            Some(&manifest),
            &[vec!["--workspace".into()]],
            &pconfigs,
        )?;
    }

    let _ = writeln!(
        md,
        "| crate | `cargo check` median | min | `cargo build` median | min |\n|---|---|---|---|---|"
    );
    let mut commands = Vec::new();
    for (label, check, build) in ours.iter().chain(theirs.iter()) {
        let cell = |f: &Figure, v: f64| match &f.failure {
            Some(why) => format!("failed: {why}"),
            None => format!("{v:.1} s"),
        };
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} | {} |",
            cell(check, check.median),
            cell(check, check.min),
            cell(build, build.median),
            cell(build, build.min)
        );
        commands.push(check.command.clone());
        commands.push(build.command.clone());
    }
    if theirs.len() > 1 {
        let ok = |f: &Figure| f.failure.is_none();
        let check_sum: f64 = theirs[1..].iter().map(|(_, c, _)| c.median).sum();
        let build_sum: f64 = theirs[1..].iter().map(|(_, _, b)| b.median).sum();
        if theirs[1..].iter().all(|(_, c, b)| ok(c) && ok(b)) {
            let _ = writeln!(
                md,
                "| progenitor, sum of the {} crates alone | {check_sum:.1} s | | {build_sum:.1} s | |",
                theirs.len() - 1
            );
        }
    }
    if let (Some((_, oc, ob)), Some((_, pc, pb))) = (ours.first(), theirs.first()) {
        let all = progenitor.len() == FEATURES.len();
        let verdict = |o: &Figure, p: &Figure| {
            if o.failure.is_some() || p.failure.is_some() {
                "not comparable (a build failed)".to_owned()
            } else {
                format!(
                    "{:.1} s vs {:.1} s: {}",
                    o.median,
                    p.median,
                    if o.median <= p.median { "pass" } else { "FAIL" }
                )
            }
        };
        let _ = writeln!(
            md,
            "\nTarget \"ours no slower than progenitor's for the whole crate\"{}: check {}; build {}.",
            if !all {
                " (progenitor generated only some of the specs, so its side covers fewer APIs)"
                    .to_owned()
            } else if reduced.is_empty() {
                String::new()
            } else {
                let left_out: Vec<String> = reduced
                    .iter()
                    .map(|(spec, name, ops)| format!("`{name}` lacks {} ({spec})", ops.join(", ")))
                    .collect();
                format!(
                    " (every API on both sides; progenitor's side has fewer operations: {})",
                    left_out.join("; ")
                )
            },
            verdict(oc, pc),
            verdict(ob, pb)
        );
        if like_for_like && let Some((_, lc, lb)) = ours.get(1) {
            let _ = writeln!(
                md,
                "Like for like (ours built with only the {} APIs progenitor generated, against progenitor's crates): check {}; build {}.",
                same_apis.len(),
                verdict(lc, pc),
                verdict(lb, pb)
            );
        }
    } else if progenitor.is_empty() {
        let _ = writeln!(
            md,
            "\nprogenitor: no crate to compile (`--quick`, or it generated none of the specs; see section 1)."
        );
    }
    let _ = writeln!(md, "\nCommands (run in the workspace root):\n\n```sh");
    for c in &commands {
        let _ = writeln!(md, "{c}");
    }
    let _ = writeln!(md, "```\n");
    Ok(md)
}
