//! Section 2: compile time of the generated crates, ours and progenitor's, cold for the measured crates.

use super::*;

/// The bar for the whole facade's `cargo check` against progenitor's, as a ratio (issue #30).
pub(super) const CHECK_BAR: f64 = 0.4;

/// One compile configuration: a label, the cargo arguments after `check`/`build`, the packages to clean.
pub(super) struct Config {
    pub(super) label: String,
    pub(super) args: Vec<String>,
    pub(super) clean: Vec<String>,
    pub(super) reps: usize,
}

/// Where one side builds: its target directory and, for progenitor's scratch workspace, its manifest.
#[derive(Clone, Copy)]
pub(super) struct Site<'a> {
    pub(super) target: &'a str,
    pub(super) manifest: Option<&'a str>,
}

impl Site<'_> {
    fn cargo(&self, sub: &str) -> Command {
        let mut c = Command::new("cargo");
        c.arg(sub);
        if let Some(m) = self.manifest {
            c.args(["--manifest-path", m]);
        }
        c.env("CARGO_TARGET_DIR", self.target)
            .env("CARGO_INCREMENTAL", "0");
        c
    }

    /// Builds (check and debug build) everything `args` names once, so the timed commands find their
    /// dependencies compiled.
    fn warm_up(&self, root: &Path, args: &[String]) -> Result<()> {
        for sub in ["check", "build"] {
            let mut c = self.cargo(sub);
            c.arg("--quiet").args(args);
            must(root, &mut c)?;
        }
        Ok(())
    }

    /// The timed command of `config` for `sub` (`check` or `build`) and the `cargo clean -p` before it.
    fn commands(&self, config: &Config, sub: &str) -> (Command, Command) {
        let mut c = self.cargo(sub);
        c.args(&config.args);
        let mut clean = self.cargo("clean");
        for p in &config.clean {
            clean.args(["-p", p]);
        }
        clean.arg("--quiet");
        (clean, c)
    }

    /// One cold run: clean the measured crates, then time the command.
    fn time_once(&self, root: &Path, clean: &Command, timed_cmd: &Command) -> Result<Run> {
        let mut clean = clone_command(clean);
        must(root, &mut clean)?;
        timed(root, timed_cmd, false, &root.join(self.target))
    }
}

fn clone_command(c: &Command) -> Command {
    let mut out = Command::new(c.get_program());
    out.args(c.get_args());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    out
}

/// A row of the table: label, `cargo check` figure, `cargo build` figure.
pub(super) type Row = (String, Figure, Figure);

fn figure(runs: &[Run], clean: &Command, c: &Command) -> Figure {
    let mut f = Figure::from_runs(show(c), runs);
    f.command = format!("{} && {}", show(clean), f.command);
    f
}

/// Times `cargo check` and `cargo build` of each configuration on one site, cold for the measured crates
/// (`cargo clean -p` before every timed command). The site must be warmed up first.
pub(super) fn compile_rows(root: &Path, site: Site<'_>, configs: &[Config]) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for config in configs {
        let mut pair = Vec::new();
        for sub in ["check", "build"] {
            let (clean, c) = site.commands(config, sub);
            eprintln!("bench: {}", show(&c));
            let mut runs = Vec::new();
            for _ in 0..config.reps {
                runs.push(site.time_once(root, &clean, &c)?);
            }
            pair.push(figure(&runs, &clean, &c));
        }
        let build = pair.pop();
        let check = pair.pop();
        if let (Some(check), Some(build)) = (check, build) {
            rows.push((config.label.clone(), check, build));
        }
    }
    Ok(rows)
}

/// The whole-crate comparison, measured in pairs: each repetition times our command and progenitor's
/// back to back (which side goes first alternates), so both see the same load on a shared machine, and
/// the ratio of every pair is kept. Returns our row, progenitor's row, and the per-pair ratios of
/// `cargo check` and of `cargo build` (ours / progenitor's; empty when a run failed).
pub(super) fn paired_rows(
    root: &Path,
    ours: (Site<'_>, &Config),
    theirs: (Site<'_>, &Config),
    reps: usize,
) -> Result<(Row, Row, Vec<f64>, Vec<f64>)> {
    let mut figures = Vec::new();
    let mut ratios = Vec::new();
    for sub in ["check", "build"] {
        let (oc, o) = ours.0.commands(ours.1, sub);
        let (tc, t) = theirs.0.commands(theirs.1, sub);
        eprintln!("bench: paired: {} / {}", show(&o), show(&t));
        let (mut o_runs, mut t_runs, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..reps {
            let (a, b) = if i % 2 == 0 {
                let a = ours.0.time_once(root, &oc, &o)?;
                (a, theirs.0.time_once(root, &tc, &t)?)
            } else {
                let b = theirs.0.time_once(root, &tc, &t)?;
                (ours.0.time_once(root, &oc, &o)?, b)
            };
            if a.ok && b.ok && b.secs > 0.0 {
                r.push(a.secs / b.secs);
            }
            o_runs.push(a);
            t_runs.push(b);
        }
        if r.len() < reps {
            r.clear();
        }
        figures.push((figure(&o_runs, &oc, &o), figure(&t_runs, &tc, &t)));
        ratios.push(r);
    }
    let build_ratios = ratios.pop().unwrap_or_default();
    let check_ratios = ratios.pop().unwrap_or_default();
    let (ob, tb) = figures.pop().context("no build figures")?;
    let (oc, tc) = figures.pop().context("no check figures")?;
    Ok((
        (ours.1.label.clone(), oc, ob),
        (theirs.1.label.clone(), tc, tb),
        check_ratios,
        build_ratios,
    ))
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
    let our_site = Site {
        target: "target/bench-compile",
        manifest: None,
    };
    eprintln!("bench: compile, ours (warm-up builds the dependencies first)");
    our_site.warm_up(root, &["-p".into(), "klarna".into()])?;

    let manifest;
    let mut theirs: Vec<Row> = Vec::new();
    let mut ours: Vec<Row> = Vec::new();
    let mut ratios = (Vec::new(), Vec::new());
    if progenitor.is_empty() {
        ours = compile_rows(root, our_site, &configs)?;
    } else {
        manifest = write_progenitor_workspace(root, progenitor)?;
        let their_site = Site {
            target: "target/bench-progenitor/target",
            manifest: Some(&manifest),
        };
        eprintln!("bench: compile, progenitor (warm-up builds the dependencies first)");
        their_site.warm_up(root, &["--workspace".into()])?;
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
        let (our_whole, their_whole, check_ratios, build_ratios) = paired_rows(
            root,
            (our_site, &configs[0]),
            (their_site, &pconfigs[0]),
            reps.compile_whole,
        )?;
        ours.push(our_whole);
        ours.extend(compile_rows(root, our_site, &configs[1..])?);
        theirs.push(their_whole);
        theirs.extend(compile_rows(root, their_site, &pconfigs[1..])?);
        ratios = (check_ratios, build_ratios);
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
    if !theirs.is_empty() {
        let all = progenitor.len() == FEATURES.len();
        let ratio_text = |r: &[f64]| {
            if r.is_empty() {
                return "not comparable (a build failed)".to_owned();
            }
            let each: Vec<String> = r.iter().map(|x| format!("{x:.2}")).collect();
            format!("{:.2} × (pairs: {})", median(r), each.join(", "))
        };
        let check = &ratios.0;
        let verdict = if check.is_empty() {
            "not measured (a build failed)"
        } else if median(check) <= CHECK_BAR {
            "pass"
        } else {
            "FAIL"
        };
        let _ = writeln!(
            md,
            "\nThe whole-crate rows are measured in pairs: each repetition runs our command and progenitor's \
             back to back (alternating which goes first), so both see the same load, and the ratio ours / \
             progenitor's is taken per pair. Target: the whole facade's `cargo check` at most {CHECK_BAR} × \
             progenitor's{}.\n\n\
             - `cargo check`: {}: **{verdict}**\n- `cargo build`: {}",
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
            ratio_text(check),
            ratio_text(&ratios.1),
        );
        if like_for_like
            && let (Some((_, lc, lb)), Some((_, pc, pb))) = (ours.get(1), theirs.first())
        {
            let _ = writeln!(
                md,
                "Like for like (ours built with only the {} APIs progenitor generated, not paired): check {:.1} s vs {:.1} s; build {:.1} s vs {:.1} s.",
                same_apis.len(),
                lc.median,
                pc.median,
                lb.median,
                pb.median
            );
        }
    } else {
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
