//! `klarna`: a command line for the Klarna Network APIs.
//!
//! One command per operation of every API, named as the SDK names it (`klarna stores list
//! <PARTNER_ACCOUNT_ID> --size 50`), built at run time from the operation table that `cargo xtask regen`
//! generates from the specs (`generated/mod.rs`); every call goes through the SDK's runtime client, so
//! retries, idempotency keys, timeouts and redaction apply. Next to them, webhook tools (`klarna webhooks
//! sign|verify|send`), Klarna's guidelines as commands (`klarna credentials`, `klarna portal deep-link`,
//! `klarna doctor`; see `guidelines.rs`) and shell completions.
//!
//! Exit status: 0 success; 1 usage or bad input; 2 Klarna (or the webhook endpoint) answered with an
//! error; 3 transport failure (timeout, connection, TLS); 4 a `klarna doctor` check failed.

mod check;
mod credentials;
mod doctor;
mod generated;
mod guidelines;
mod help;
mod operation;
mod output;
mod portal_tools;
mod table;
mod webhook_tools;

use std::process::ExitCode;

use clap::{ArgMatches, Args, Command, FromArgMatches, Subcommand, ValueEnum};

/// Why the command failed, and with which exit status.
#[derive(Debug)]
pub struct Failure {
    /// The exit status.
    pub code: u8,
    /// What to print on standard error (may span lines).
    pub message: String,
}

impl Failure {
    /// Usage or bad input: exit status 1.
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::INPUT,
            message: message.into(),
        }
    }

    /// Standard output was closed by its reader (`klarna ... | head`): stop quietly with status 0.
    pub fn closed_pipe() -> Failure {
        Failure {
            code: 0,
            message: String::new(),
        }
    }
}

/// The exit statuses.
pub mod exit {
    /// Usage or bad input (missing key, unreadable or invalid body, an invalid signature).
    pub const INPUT: u8 = 1;
    /// Klarna (or the webhook endpoint) answered with an error.
    pub const API: u8 = 2;
    /// Transport failure: timeout, connection, TLS.
    pub const TRANSPORT: u8 = 3;
}

/// Options every command takes.
#[derive(Args, Debug)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Klarna environment to call: test or live [default: test, unless --base-url is given]
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "ENV",
        hide_possible_values = true
    )]
    pub environment: Option<Environment>,
    /// Send requests to this base URL instead (a mock server, a proxy); https, or http to loopback
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Environment variable that holds the API key (a key is never taken on the command line)
    #[arg(
        long,
        global = true,
        value_name = "VAR",
        default_value = "KLARNA_API_KEY"
    )]
    pub api_key_env: String,
    /// Partner-Correlation-Id of the call (letters and digits)
    #[arg(long, global = true, value_name = "ID")]
    pub correlation_id: Option<String>,
    /// Klarna-Idempotency-Key of the call (reuse it to repeat a POST or PATCH safely)
    #[arg(long, global = true, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Print the request line, status, correlation id and attempts on standard error (never secrets)
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// How to print JSON answers: pretty (indented) or json (one line)
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "pretty",
        value_name = "FORMAT",
        hide_possible_values = true
    )]
    pub output: Output,
}

/// `--environment`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// Klarna's test environment (playground).
    Test,
    /// Klarna's live environment (production).
    Live,
}

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// One line of compact JSON.
    Json,
    /// Indented JSON.
    Pretty,
}

/// The webhook tools, next to the notification API's `webhooks` operations.
#[derive(Subcommand, Debug)]
pub enum WebhookTool {
    /// Print the Klarna-Signing-Key-Id and Klarna-Signature headers Klarna would send with a body
    Sign(webhook_tools::SignArgs),
    /// Check a Klarna-Signature against a body: exit 0 when it matches, 1 (with the reason) otherwise
    Verify(webhook_tools::VerifyArgs),
    /// Deliver a signed test event to an endpoint (e.g. your local webhook receiver)
    Send(webhook_tools::SendArgs),
}

/// Subcommand names of the webhook tools.
const WEBHOOK_TOOLS: [&str; 3] = ["sign", "verify", "send"];

/// The whole command tree.
pub fn command() -> Command {
    // The derived parts first: their doc comments would replace the about texts set here.
    let mut root = Global::augment_args(Command::new("klarna"))
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call the Klarna Network APIs and test webhooks from the command line")
        .long_about(
            "Call the Klarna Network APIs and test webhooks from the command line.\n\n\
             Every operation of the SDK is a command: `klarna <resource> <operation> [ARGS] [OPTIONS]`, \
             required parameters positional, optional ones flags. The API key is read from the \
             environment variable KLARNA_API_KEY (or the one --api-key-env names).\n\n\
             Exit status: 0 success; 1 usage or bad input; 2 Klarna answered with an error (its error \
             body on standard error); 3 transport failure (timeout, connection, TLS); 4 a `klarna doctor` check \
             failed.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true);
    let mut has_webhooks = false;
    for resource in generated::RESOURCES {
        let mut base = Command::new(resource.name).args(help::global_args(false));
        if resource.name == "webhooks" {
            has_webhooks = true;
            base = webhook_tools_of(base);
        }
        base = guidelines::augment_resource(resource.name, base);
        root = root.subcommand(operation::resource_command(resource, base));
    }
    if !has_webhooks {
        root = root.subcommand(
            webhook_tools_of(Command::new("webhooks").args(help::global_args(false)))
                .about("Webhook tools: sign, verify and send test deliveries")
                .subcommand_required(true),
        );
    }
    root = guidelines::augment_root(root);
    root.subcommand(
        Command::new("completions")
            .about("Print a shell completion script (bash, zsh, fish, elvish, powershell)")
            .args(help::global_args(false))
            .arg(
                clap::Arg::new("shell")
                    .value_name("SHELL")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell))
                    .help("The shell to complete for"),
            ),
    )
}

/// The webhook tools added to `base`; only `send`, which goes over the network, shows `--verbose`.
fn webhook_tools_of(base: Command) -> Command {
    WebhookTool::augment_subcommands(base)
        .mut_subcommand("send", |send| send.args(help::global_arg("verbose")))
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(mut e) => {
            help::rank_suggestions(&mut e);
            // Help and version go to standard output with status 0; usage errors exit 1 (clap's own
            // default is 2, which this tool keeps for errors Klarna answers with). A closed stream
            // is not an error worth a panic: `print` reports it, and it is ignored.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::INPUT } else { 0 });
        }
    };
    match run(&matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                output::stderr_line(f.message.trim_end());
            }
            ExitCode::from(f.code)
        }
    }
}

fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let global = Global::from_arg_matches(matches).map_err(|e| Failure::input(e.to_string()))?;
    let Some((group, sub)) = matches.subcommand() else {
        return Err(Failure::input("no command given; see `klarna --help`"));
    };
    if group == "completions" {
        let shell = sub
            .get_one::<clap_complete::Shell>("shell")
            .copied()
            .ok_or_else(|| Failure::input("no shell given"))?;
        // Into memory first: clap_complete panics when its writer fails (a closed pipe).
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command(), "klarna", &mut script);
        return output::stdout(&script);
    }
    if let Some(result) = guidelines::run(group, sub, &global) {
        return result;
    }
    let Some((name, args)) = sub.subcommand() else {
        return Err(Failure::input(format!(
            "no operation given; see `klarna {group} --help`"
        )));
    };
    if group == "webhooks" && WEBHOOK_TOOLS.contains(&name) {
        let tool = WebhookTool::from_arg_matches(sub).map_err(|e| Failure::input(e.to_string()))?;
        return webhook_tools::run(tool, &global);
    }
    let op = generated::RESOURCES
        .iter()
        .find(|r| r.name == group)
        .and_then(|r| r.operations.iter().find(|o| o.name == name))
        .ok_or_else(|| Failure::input(format!("unknown command `klarna {group} {name}`")))?;
    operation::run(op, args, &global)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own consistency checks (unique names and flags, positional order) over the whole tree.
    #[test]
    fn command_tree_is_consistent() {
        command().debug_assert();
    }

    /// No generated operation of `webhooks` hides a webhook tool.
    #[test]
    fn webhook_tools_do_not_clash() {
        let ops: Vec<&str> = generated::RESOURCES
            .iter()
            .filter(|r| r.name == "webhooks")
            .flat_map(|r| r.operations.iter().map(|o| o.name))
            .collect();
        for tool in WEBHOOK_TOOLS {
            assert!(!ops.contains(&tool), "webhooks {tool} is also an operation");
        }
    }
}
