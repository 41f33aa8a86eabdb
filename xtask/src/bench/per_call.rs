//! Section 3: per-call overhead, read from criterion's estimates and the bench's `pairs.json`.

use super::*;

/// Criterion's estimate for one benchmark: (median, lower bound, upper bound) in nanoseconds.
pub(super) fn estimate(home: &Path, group: &str, bench: &str) -> Result<(f64, f64, f64)> {
    let path = home.join(group).join(bench).join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let m = &json["median"];
    let get = |v: &serde_json::Value| v.as_f64().context("estimates.json without a median");
    Ok((
        get(&m["point_estimate"])?,
        get(&m["confidence_interval"]["lower_bound"])?,
        get(&m["confidence_interval"]["upper_bound"])?,
    ))
}

/// One benchmark's pairs from `pairs.json` (written by `tests/benches/per_call.rs`): the summed
/// nanoseconds of the timed calls and of the other side's calls made right after them.
pub(super) struct PairSums {
    pub(super) count: f64,
    pub(super) timed: f64,
    pub(super) other: f64,
}

pub(super) fn pair_sums(pairs: &serde_json::Value, group: &str, bench: &str) -> Result<PairSums> {
    let b = &pairs[format!("{group}/{bench}")];
    let num = |v: &serde_json::Value| {
        v.as_f64()
            .with_context(|| format!("pairs.json: no figures for {group}/{bench}"))
    };
    Ok(PairSums {
        count: num(&b["pairs"])?,
        timed: num(&b["timed_ns"])?,
        other: num(&b["other_ns"])?,
    })
}

/// The overhead figures of one run for one operation, from the paired calls (fractions, +0.05 is 5 %
/// slower than hand-written).
pub(super) struct Overheads {
    /// SDK (defaults) against the hand-written call that sends the same request, pooled over the
    /// `sdk` benchmark (SDK first in each pair) and the `hand_written` one (hand-written first).
    pub(super) same_request: f64,
    /// SDK with retries off against the same hand-written call (`sdk_no_retry` benchmark).
    pub(super) no_retry: f64,
    /// SDK against the hand-written call that sends only the headers the operation needs.
    pub(super) minimal: f64,
    pub(super) pairs: f64,
}

pub(super) fn overheads(pairs: &serde_json::Value, group: &str) -> Result<Overheads> {
    let sdk = pair_sums(pairs, group, "sdk")?;
    let hand = pair_sums(pairs, group, "hand_written")?;
    let no_retry = pair_sums(pairs, group, "sdk_no_retry")?;
    let minimal = pair_sums(pairs, group, "hand_minimal")?;
    Ok(Overheads {
        same_request: (sdk.timed + hand.other) / (sdk.other + hand.timed) - 1.0,
        no_retry: no_retry.timed / no_retry.other - 1.0,
        minimal: minimal.other / minimal.timed - 1.0,
        pairs: sdk.count + hand.count + no_retry.count + minimal.count,
    })
}

pub(super) fn bench_per_call(root: &Path, reps: &Reps) -> Result<String> {
    const GROUPS: [(&str, &str); 2] = [
        ("get_webhook", "`client.webhooks().get(id).send()` (GET)"),
        (
            "create_webhook",
            "`client.webhooks().create(body).send()` (POST, JSON body)",
        ),
    ];
    const FUNCTIONS: [&str; 4] = ["sdk", "sdk_no_retry", "hand_written", "hand_minimal"];
    let rel_home = "target/bench-percall/criterion";
    // Absolute: cargo runs a bench binary in its package's directory, not in the workspace root.
    let home = root.join(rel_home);
    let mut c = Command::new("cargo");
    c.args(["bench", "-p", "klarna-tests", "--bench", "per_call"])
        .env("CRITERION_HOME", rel_home);
    if reps.quick {
        c.args(["--", "--warm-up-time", "1", "--measurement-time", "2"]);
    }
    let command = show(&c).replace(rel_home, "$PWD/target/bench-percall/criterion");
    c.env("CRITERION_HOME", &home);
    let mut runs: Vec<BTreeMap<(&str, &str), f64>> = Vec::new();
    let mut paired: Vec<BTreeMap<&str, Overheads>> = Vec::new();
    for run in 0..reps.per_call {
        eprintln!("bench: per call, run {} of {}", run + 1, reps.per_call);
        let _ = std::fs::remove_dir_all(&home);
        must(root, &mut c)?;
        let mut medians = BTreeMap::new();
        for (group, _) in GROUPS {
            for f in FUNCTIONS {
                medians.insert((group, f), estimate(&home, group, f)?.0);
            }
        }
        runs.push(medians);
        let path = home.join("pairs.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let pairs: serde_json::Value = serde_json::from_str(&text)?;
        let mut by_group = BTreeMap::new();
        for (group, _) in GROUPS {
            by_group.insert(group, overheads(&pairs, group)?);
        }
        paired.push(by_group);
    }
    let across = |key: (&str, &str)| -> (f64, f64, f64) {
        let values: Vec<f64> = runs.iter().filter_map(|r| r.get(&key).copied()).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (median(&values), lo, hi)
    };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## 3. Per-call overhead\n\n\
         Criterion (`tests/benches/per_call.rs`): one operation through the SDK (build the request, serialize, \
         send over loopback, deserialize) against a hand-written reqwest + serde call of the same operation, \
         both against the same in-process HTTP/1.1 server (tokio `TcpListener`, fixed JSON response, \
         keep-alive). The SDK keeps its defaults (retries on, unused because every call succeeds); \"retries \
         off\" is `RetryPolicy::disabled()`. \"Hand-written\" sends the same request as the SDK, header for \
         header (`Authorization`, `User-Agent`, `Accept`, a fresh `Partner-Correlation-Id`, and for `POST` \
         the JSON body with a fresh `Klarna-Idempotency-Key`); \"hand-written, minimal\" leaves out \
         `User-Agent`, `Accept` and `Partner-Correlation-Id`. The hand-written side reads timestamps as plain \
         strings, the SDK validates them as RFC 3339. The bench ran {} whole time(s).\n",
        runs.len()
    );
    let _ = writeln!(
        md,
        "Criterion's medians (median of the runs, smallest and largest run in brackets). Criterion measures one \
         function after the other, so these absolute figures also carry the machine's drift between them:\n\n\
         | operation | SDK (defaults) | SDK (retries off) | hand-written | hand-written, minimal |\n|---|---|---|---|---|"
    );
    let us = |(m, lo, hi): (f64, f64, f64)| {
        format!("{:.1} µs [{:.1}, {:.1}]", m / 1e3, lo / 1e3, hi / 1e3)
    };
    for (group, label) in GROUPS {
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} | {} |",
            us(across((group, "sdk"))),
            us(across((group, "sdk_no_retry"))),
            us(across((group, "hand_written"))),
            us(across((group, "hand_minimal"))),
        );
    }
    let _ = writeln!(
        md,
        "\nOverhead, from the same calls taken in pairs: every timed call is followed at once by a call of the \
         other side (the `sdk` benchmark times the SDK and calls the hand-written side after it, the \
         `hand_written` benchmark the other way round), and the bench records both durations of every pair. \
         The overhead is the SDK calls' total time over the hand-written calls' total time in those pairs, \
         pooled over both orders, so a slow phase of a shared machine falls on both sides alike. Median of the \
         runs, each run in brackets:\n\n\
         | operation | SDK vs hand-written (same request) | retries off vs hand-written | SDK vs hand-written, minimal | pairs per run | target ≤ 10% (same request) |\n|---|---|---|---|---|---|"
    );
    let pct = |values: Vec<f64>| {
        let each: Vec<String> = values
            .iter()
            .map(|v| format!("{:+.1}%", v * 100.0))
            .collect();
        (
            median(&values),
            format!("{:+.1}% [{}]", median(&values) * 100.0, each.join(", ")),
        )
    };
    for (group, label) in GROUPS {
        let of = |f: fn(&Overheads) -> f64| -> Vec<f64> {
            paired.iter().filter_map(|r| r.get(group).map(f)).collect()
        };
        let (same, same_text) = pct(of(|o| o.same_request));
        let (_, no_retry_text) = pct(of(|o| o.no_retry));
        let (_, minimal_text) = pct(of(|o| o.minimal));
        let pairs = median(&of(|o| o.pairs));
        let _ = writeln!(
            md,
            "| {label} | {same_text} | {no_retry_text} | {minimal_text} | {pairs:.0} | {} |",
            if same <= TARGET_PER_CALL_OVERHEAD {
                "pass"
            } else {
                "FAIL"
            }
        );
    }
    let _ = writeln!(
        md,
        "\nCommand (run in the workspace root, {} time(s); criterion's raw results and `pairs.json` of the last run are in `target/bench-percall/criterion`):\n\n```sh\n{command}\n```",
        runs.len()
    );
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overheads come from `pairs.json` as the per_call bench writes it: the SDK's total over the
    /// hand-written total, pooled over both orders for the same-request figure.
    #[test]
    fn overheads_from_pairs_json() {
        let pairs = serde_json::json!({
            "g/sdk": {"pairs": 10, "timed_ns": 1100, "other_ns": 1000},
            "g/hand_written": {"pairs": 10, "timed_ns": 1000, "other_ns": 1300},
            "g/sdk_no_retry": {"pairs": 5, "timed_ns": 1050, "other_ns": 1000},
            "g/hand_minimal": {"pairs": 5, "timed_ns": 1000, "other_ns": 1200},
        });
        let o = overheads(&pairs, "g").unwrap();
        assert!((o.same_request - (2400.0 / 2000.0 - 1.0)).abs() < 1e-12);
        assert!((o.no_retry - 0.05).abs() < 1e-12);
        assert!((o.minimal - 0.2).abs() < 1e-12);
        assert!((o.pairs - 30.0).abs() < 1e-12);
        assert!(overheads(&pairs, "other").is_err());
    }
}
