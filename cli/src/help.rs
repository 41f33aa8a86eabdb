//! What `--help` and usage errors show: the global options only where they matter, and suggestions for
//! a mistyped command ranked by closeness.
//!
//! The global options ([`Global`]) are accepted everywhere (they are clap `global` arguments), but shown
//! only in the root's help and in the help of the commands that call Klarna, after the command's own
//! arguments and options under "Global options". Resource commands (`klarna stores`) and offline
//! commands (`klarna webhooks sign`, `klarna completions`) get hidden copies, which clap propagates in
//! place of the root's visible ones.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Args, Command};

use crate::Global;

/// The global options, shown in help or hidden.
pub fn global_args(visible: bool) -> Vec<Arg> {
    Global::augment_args(Command::new("global"))
        .get_arguments()
        .map(|a| a.clone().global(true).hide(!visible))
        .collect()
}

/// The global option `id` alone (for instance `verbose` for `klarna webhooks send`), shown in help.
pub fn global_arg(id: &str) -> Vec<Arg> {
    global_args(true)
        .into_iter()
        .filter(|a| a.get_id() == id)
        .collect()
}

/// How many suggestions a mistyped command gets at most.
const MAX_SUGGESTIONS: usize = 3;

/// Ranks clap's suggestions for a mistyped subcommand by closeness to what was typed, closest first,
/// and keeps the few closest (clap lists every candidate above its threshold, closest last).
pub fn rank_suggestions(e: &mut clap::Error) {
    if e.kind() != ErrorKind::InvalidSubcommand {
        return;
    }
    let Some(ContextValue::String(typed)) = e.get(ContextKind::InvalidSubcommand) else {
        return;
    };
    let typed = typed.clone();
    let Some(ContextValue::Strings(candidates)) = e.get(ContextKind::SuggestedSubcommand) else {
        return;
    };
    let ranked = rank(&typed, candidates.clone());
    e.insert(
        ContextKind::SuggestedSubcommand,
        ContextValue::Strings(ranked),
    );
}

/// `candidates` ordered by edit distance to `typed` (a candidate that starts with what was typed wins
/// a tie), the closest [`MAX_SUGGESTIONS`]; candidates much farther than the closest are dropped.
fn rank(typed: &str, mut candidates: Vec<String>) -> Vec<String> {
    let key = |c: &String| (distance(typed, c), !c.starts_with(typed), c.clone());
    candidates.sort_by_key(key);
    let Some(best) = candidates.first().map(|c| distance(typed, c)) else {
        return candidates;
    };
    candidates.retain(|c| distance(typed, c) <= best.saturating_mul(2).max(best + 2));
    candidates.truncate(MAX_SUGGESTIONS);
    candidates
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("payment-request", "payment-requests"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn the_closest_candidate_comes_first_and_far_ones_go() {
        let candidates = [
            "payment-transactions",
            "payment-programs",
            "payment-tokens",
            "payment-requests",
            "payment-refunds",
        ]
        .map(String::from)
        .to_vec();
        let ranked = rank("payment-request", candidates);
        assert_eq!(ranked[0], "payment-requests");
        assert!(ranked.len() <= MAX_SUGGESTIONS, "{ranked:?}");
        assert!(
            !ranked.contains(&"payment-transactions".to_owned()),
            "{ranked:?}"
        );
    }
}
