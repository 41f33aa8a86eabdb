//! Timing child processes (wall time, peak RSS through GNU time) and summarizing repeated runs.

use super::*;

/// One timed run of a child process.
pub(super) struct Run {
    pub(super) secs: f64,
    pub(super) rss_kb: Option<u64>,
    pub(super) ok: bool,
    /// What went wrong, when `!ok`: the panic message or the last line of stderr.
    pub(super) failure: String,
}

/// Median, min and peak over repeated runs, or why there are none.
pub(super) struct Figure {
    pub(super) command: String,
    pub(super) runs: usize,
    pub(super) median: f64,
    pub(super) min: f64,
    pub(super) peak_kb: Option<u64>,
    pub(super) failure: Option<String>,
}

impl Figure {
    pub(super) fn from_runs(command: String, runs: &[Run]) -> Figure {
        if let Some(bad) = runs.iter().find(|r| !r.ok) {
            return Figure {
                command,
                runs: runs.len(),
                median: 0.0,
                min: 0.0,
                peak_kb: None,
                failure: Some(bad.failure.clone()),
            };
        }
        let times: Vec<f64> = runs.iter().map(|r| r.secs).collect();
        Figure {
            command,
            runs: runs.len(),
            median: median(&times),
            min: times.iter().copied().fold(f64::INFINITY, f64::min),
            peak_kb: runs.iter().filter_map(|r| r.rss_kb).max(),
            failure: None,
        }
    }

    pub(super) fn time_cell(&self, value: f64) -> String {
        match &self.failure {
            Some(_) => "—".into(),
            None => format!("{value:.2} s"),
        }
    }

    pub(super) fn peak_cell(&self) -> String {
        match (&self.failure, self.peak_kb) {
            (Some(_), _) => "—".into(),
            (None, Some(kb)) => format!("{:.0} MB", kb as f64 / 1024.0),
            (None, None) => "not measured".into(),
        }
    }
}

pub(super) fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `cmd` as a shell line, for the report.
pub(super) fn show(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), v.to_string_lossy())))
        .collect();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Runs `cmd` (in the workspace root) once, timing it; with `rss`, under `/usr/bin/time -v`.
pub(super) fn timed(root: &Path, cmd: &Command, rss: bool, scratch: &Path) -> Result<Run> {
    let time_file = scratch.join("time-v.txt");
    let mut real = if rss {
        let mut c = Command::new(GNU_TIME);
        c.arg("-v").arg("-o").arg(&time_file).arg(cmd.get_program());
        c
    } else {
        Command::new(cmd.get_program())
    };
    real.args(cmd.get_args()).current_dir(root);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => real.env(k, v),
            None => real.env_remove(k),
        };
    }
    let start = Instant::now();
    let output = real
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {}", show(cmd)))?;
    let secs = start.elapsed().as_secs_f64();
    let rss_kb = if rss {
        std::fs::read_to_string(&time_file).ok().and_then(|t| {
            t.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes):")
                    .and_then(|v| v.trim().parse().ok())
            })
        })
    } else {
        None
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(Run {
        secs,
        rss_kb,
        ok: output.status.success(),
        failure: failure_text(&stdout, &stderr, output.status.code()),
    })
}

/// The panic message (`panicked at ...`), or the exit status with the error lines (progenitor prints
/// `gen fail: ...` on stdout and `Error: ...` on stderr), or else the last line of stderr.
pub(super) fn failure_text(stdout: &str, stderr: &str, code: Option<i32>) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        let message = lines.get(i + 1).copied().unwrap_or("").trim();
        let place = lines[i]
            .split("panicked at")
            .nth(1)
            .unwrap_or("")
            .trim()
            .trim_end_matches(':');
        return clip(&format!("panicked at {place}: {message}"));
    }
    let status = code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}"));
    let errors: Vec<&str> = stderr
        .lines()
        .chain(stdout.lines())
        .map(str::trim)
        .filter(|l| {
            l.starts_with("Error:") || l.starts_with("error:") || l.starts_with("gen fail:")
        })
        .collect();
    if !errors.is_empty() {
        return clip(&format!("failed ({status}): {}", errors.join("; ")));
    }
    let last = lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    clip(&format!("failed ({status}): {last}"))
}

pub(super) fn clip(s: &str) -> String {
    let s = s.replace('|', "\\|");
    if s.chars().count() > 220 {
        format!("{}…", s.chars().take(220).collect::<String>())
    } else {
        s
    }
}

pub(super) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs a command that must succeed (setup, not measured), with its output shown.
pub(super) fn must(root: &Path, cmd: &mut Command) -> Result<()> {
    let line = show(cmd);
    eprintln!("bench: {line}");
    let status = cmd
        .current_dir(root)
        .status()
        .with_context(|| format!("running {line}"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// The first three fields of `/proc/loadavg`.
pub(super) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

pub(super) fn sh(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}
