//! Writing to standard output and standard error without panicking.
//!
//! `println!` and `eprintln!` panic when the stream is closed (`klarna ... | head -5`). Every write of the
//! CLI goes through here instead: standard output reports a closed pipe as [`Failure::closed_pipe`] (the
//! command stops quietly: whoever read the output has what they wanted), and notes on standard error
//! are dropped when standard error is closed.

use std::io::Write as _;

use crate::Failure;

/// Writes `bytes` to standard output and flushes.
pub fn stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Failure::closed_pipe()
            } else {
                Failure::input(format!("cannot write to standard output: {e}"))
            }
        })
}

/// Writes `line` and a newline to standard output.
pub fn stdout_line(line: &str) -> Result<(), Failure> {
    stdout(format!("{line}\n").as_bytes())
}

/// Writes `line` and a newline to standard error; a closed or failing standard error is ignored
/// (there is nowhere left to report it).
pub fn stderr_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}").and_then(|()| err.flush());
}
