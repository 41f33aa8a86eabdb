//! Operation commands: built from the generated table, run through the SDK's runtime client.

use clap::{Arg, ArgAction, ArgMatches, Command};
use klarna_runtime::{
    Error, ErrorKind, Method, Multipart, RawResponse, Request, RequestOptions, expand_path,
};
use serde_json::Value;

use crate::check::{check_value, shown};
use crate::output::{stderr_line, stdout};
use crate::table::{BodyEncoding, BodySpec, Operation, Param, ParamEncoding, Resource, Shape};
use crate::{Environment, Failure, Global, Output, exit};

/// Long flag names the CLI itself uses; a parameter of the same name gets the flag `<name>-param`.
const RESERVED_FLAGS: &[&str] = &[
    "environment",
    "base-url",
    "api-key-env",
    "correlation-id",
    "idempotency-key",
    "verbose",
    "output",
    "body",
    "allow-unknown-fields",
    "part",
    "all",
    "help",
    "version",
];

/// The clap argument id of a parameter (never clashes with the CLI's own ids).
fn arg_id(p: &Param) -> String {
    format!("param:{}", p.rust)
}

/// The long flag of an optional parameter.
fn flag(p: &Param) -> String {
    let name = p.rust.replace('_', "-");
    if RESERVED_FLAGS.contains(&name.as_str()) {
        format!("{name}-param")
    } else {
        name
    }
}

/// Positional when required and a single value; a flag otherwise.
fn positional(p: &Param) -> bool {
    p.required && !is_list(p)
}

fn is_list(p: &Param) -> bool {
    p.encoding == ParamEncoding::Text && matches!(p.shape, Shape::List(_))
}

fn help_text(p: &Param) -> String {
    let mut h = p.doc.trim().to_owned();
    if h.is_empty() {
        h = format!("The `{}` parameter", p.wire);
    }
    if p.encoding != ParamEncoding::Text {
        h.push_str(" (a JSON object)");
    }
    if p.deprecated {
        h.push_str(" [deprecated]");
    }
    h
}

/// The command of one resource: one subcommand per operation, added to `base` (a command of the
/// resource's name, possibly with subcommands of its own).
pub fn resource_command(resource: &'static Resource, base: Command) -> Command {
    let mut cmd = base
        .about(first_line(resource.doc))
        .long_about(format!(
            "{}\n\nSDK: `client.{}()` (API `{}`).",
            resource.doc, resource.accessor, resource.api
        ))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for op in resource.operations {
        cmd = cmd.subcommand(operation_command(resource, op).about(summary(resource, op)));
    }
    cmd
}

/// An operation's one-line summary; when another operation of the resource has the same summary
/// (`create` and `create-as-sub-partner`), followed by the method and path that tell them apart.
fn summary(resource: &Resource, op: &Operation) -> String {
    let shared = resource
        .operations
        .iter()
        .any(|other| !std::ptr::eq(other, op) && other.summary == op.summary);
    if shared {
        format!("{} ({} {})", op.summary, op.method, op.path_template)
    } else {
        op.summary.to_owned()
    }
}

fn first_line(s: &str) -> String {
    s.split(". ")
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_owned()
}

fn operation_command(resource: &Resource, op: &'static Operation) -> Command {
    let mut long = String::from(op.summary);
    if !op.doc.is_empty() {
        long.push_str("\n\n");
        long.push_str(op.doc);
    }
    long.push_str(&format!(
        "\n\n{} {} (operation `{}`; SDK: `client.{}().{}(...)`).",
        op.method,
        op.path_template,
        op.id,
        resource.accessor,
        op.name.replace('-', "_")
    ));
    if op.deprecated {
        long.push_str("\nDeprecated.");
    }
    let mut cmd = Command::new(op.name).long_about(long);
    let params = op
        .path_params
        .iter()
        .chain(op.query_params)
        .chain(op.header_params);
    for p in params {
        let arg = Arg::new(arg_id(p)).help(help_text(p));
        let arg = if positional(p) {
            arg.value_name(p.wire.to_uppercase().replace('-', "_"))
                .required(true)
        } else {
            let arg = arg.long(flag(p)).value_name("VALUE").required(p.required);
            if is_list(p) {
                arg.action(ArgAction::Append)
            } else {
                arg
            }
        };
        cmd = cmd.arg(arg);
    }
    if let Some(body) = &op.body {
        cmd = match body.encoding {
            BodyEncoding::Multipart => cmd.arg(
                Arg::new("part")
                    .long("part")
                    .value_name("NAME=VALUE|NAME=@FILE")
                    .action(ArgAction::Append)
                    .required(body.required)
                    .help(format!(
                        "A part of the multipart body: text, or a file's contents with @ (parts: {})",
                        body.parts
                            .iter()
                            .map(|(n, file)| if *file { format!("{n}=@FILE") } else { n.to_string() })
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            ),
            BodyEncoding::Bytes => cmd.arg(body_arg(body)),
            BodyEncoding::Json | BodyEncoding::Form => cmd.arg(body_arg(body)).arg(
                Arg::new("allow-unknown-fields")
                    .long("allow-unknown-fields")
                    .action(ArgAction::SetTrue)
                    .help(
                        "Send a body with fields the SDK's type does not have, as given \
                         (without it, such a body is refused and nothing is sent)",
                    ),
            ),
        };
    }
    if op.pagination.is_some() {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow every page and print each item as one line of JSON"),
        );
    }
    // After the command's own options, under their own heading; the idempotency key only where the
    // operation takes one.
    cmd.args(crate::help::global_args(true).into_iter().map(|a| {
        let hidden = a.get_id() == "idempotency_key" && !op.idempotent;
        a.hide(hidden)
    }))
}

fn body_arg(body: &BodySpec) -> Arg {
    Arg::new("body")
        .long("body")
        .value_name("FILE")
        .required(body.required)
        .help(body_help(body))
}

fn body_help(body: &BodySpec) -> String {
    let ty = match &body.shape {
        Shape::Named(n) => format!(" of type `{n}`"),
        _ => String::new(),
    };
    match body.encoding {
        BodyEncoding::Bytes => format!(
            "The request body ({}): a file, or - for standard input",
            body.media_type
        ),
        _ => format!(
            "The request body{ty} as JSON: a file, or - for standard input; checked against the SDK's type before anything is sent"
        ),
    }
}

/// Runs one operation.
pub fn run(op: &'static Operation, args: &ArgMatches, global: &Global) -> Result<(), Failure> {
    let body = read_body(op, args)?;
    let values = param_values(op, args)?;
    let client = client(global)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(format!("could not start the async runtime: {e}")))?;
    let all = args.get_flag_opt("all");
    rt.block_on(async {
        if all && let Some(paging) = &op.pagination {
            return run_all(&client, op, paging, &values, &body, global).await;
        }
        let request = build(op, &values, &body, None, global, client.base_url())?;
        let raw = send(&client, request, global).await?;
        print_response(op, raw, global)
    })
}

trait FlagOpt {
    fn get_flag_opt(&self, id: &str) -> bool;
}

impl FlagOpt for ArgMatches {
    /// `get_flag` for a flag the command may not have.
    fn get_flag_opt(&self, id: &str) -> bool {
        matches!(self.try_get_one::<bool>(id), Ok(Some(true)))
    }
}

/// The runtime client, configured from the global options.
fn client(global: &Global) -> Result<klarna_runtime::Client, Failure> {
    client_builder(global)?
        .build()
        .map_err(|e| Failure::input(format!("cannot configure the client: {e}")))
}

/// The runtime client's builder, configured from the global options (API key, environment, base URL).
pub fn client_builder(
    global: &Global,
) -> Result<klarna_runtime::ClientBuilder<klarna_runtime::Client>, Failure> {
    let var = &global.api_key_env;
    let key = std::env::var(var).map_err(|e| {
        Failure::input(match e {
            std::env::VarError::NotPresent => format!(
                "no API key: set the environment variable {var} (or name another one with --api-key-env)"
            ),
            std::env::VarError::NotUnicode(_) => {
                format!("the environment variable {var} is not valid UTF-8")
            }
        })
    })?;
    let mut builder = klarna_runtime::builder()
        .api_key(key)
        .user_agent_suffix(concat!("klarna-cli/", env!("CARGO_PKG_VERSION")));
    match (global.environment, &global.base_url) {
        (Some(env), _) => {
            builder = builder.environment(match env {
                Environment::Test => klarna_runtime::Environment::Test,
                Environment::Live => klarna_runtime::Environment::Live,
            })
        }
        (None, None) => builder = builder.environment(klarna_runtime::Environment::Test),
        (None, Some(_)) => {}
    }
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url.clone());
    }
    Ok(builder)
}

/// A parameter's values, checked.
struct Values(Vec<(&'static Param, Vec<String>)>);

fn param_values(op: &'static Operation, args: &ArgMatches) -> Result<Values, Failure> {
    let mut out = Vec::new();
    for p in op
        .path_params
        .iter()
        .chain(op.query_params)
        .chain(op.header_params)
    {
        let given: Vec<String> = args
            .get_many::<String>(&arg_id(p))
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        for v in &given {
            check_param(p, v)?;
        }
        if !given.is_empty() {
            out.push((p, given));
        }
    }
    Ok(Values(out))
}

fn check_param(p: &Param, value: &str) -> Result<(), Failure> {
    let name = if positional(p) {
        p.wire.to_uppercase()
    } else {
        format!("--{}", flag(p))
    };
    let bad = |what: String| Failure::input(format!("{name}: {what}"));
    if p.encoding != ParamEncoding::Text {
        let v: Value =
            serde_json::from_str(value).map_err(|e| bad(format!("not a JSON object: {e}")))?;
        if !v.is_object() {
            return Err(bad("not a JSON object".into()));
        }
        return check_value(&p.shape, &v, "").map(|_| ()).map_err(|e| {
            bad(e
                .strip_prefix(shown(""))
                .map_or(e.clone(), |rest| format!("the value{rest}")))
        });
    }
    let shape = match &p.shape {
        Shape::List(inner) => inner,
        other => other,
    };
    match shape {
        Shape::Integer if value.trim().parse::<i64>().is_err() => {
            Err(bad(format!("`{value}` is not an integer")))
        }
        Shape::Number if value.trim().parse::<f64>().is_err() => {
            Err(bad(format!("`{value}` is not a number")))
        }
        Shape::Bool if value != "true" && value != "false" => {
            Err(bad(format!("`{value}` is not true or false")))
        }
        _ => Ok(()),
    }
}

/// The request body, read and checked.
enum BodyInput {
    None,
    Json(Value),
    Bytes(Vec<u8>),
    Multipart(Multipart),
}

fn read_input(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| Failure::input(format!("cannot read {path}: {e}")))
    }
}

/// Reads a JSON document from a file or standard input.
pub fn read_json(path: &str) -> Result<Value, Failure> {
    let bytes = read_input(path)?;
    let shown = if path == "-" { "standard input" } else { path };
    serde_json::from_slice(&bytes)
        .map_err(|e| Failure::input(format!("{shown} is not valid JSON: {e}")))
}

fn read_body(op: &Operation, args: &ArgMatches) -> Result<BodyInput, Failure> {
    let Some(spec) = &op.body else {
        return Ok(BodyInput::None);
    };
    if spec.encoding == BodyEncoding::Multipart {
        let Some(parts) = args.get_many::<String>("part") else {
            return Ok(BodyInput::None);
        };
        let mut form = Multipart::new();
        for part in parts {
            let (name, value) = part.split_once('=').ok_or_else(|| {
                Failure::input(format!("--part {part}: expected NAME=VALUE or NAME=@FILE"))
            })?;
            let Some((_, is_file)) = spec.parts.iter().find(|(n, _)| *n == name) else {
                return Err(Failure::input(format!(
                    "--part {name}: the body has no part `{name}` (parts: {})",
                    spec.parts
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            form = match value.strip_prefix('@') {
                Some(path) => {
                    let data = read_input(path)?;
                    let file_name = std::path::Path::new(path)
                        .file_name()
                        .map_or_else(|| "upload".to_owned(), |f| f.to_string_lossy().into_owned());
                    form.file(name, file_name.clone(), content_type_of(&file_name), data)
                }
                None if *is_file => {
                    return Err(Failure::input(format!(
                        "--part {name}: this part is a file: give it as {name}=@FILE"
                    )));
                }
                None => form.text(name, value),
            };
        }
        return Ok(BodyInput::Multipart(form));
    }
    let Some(path) = args.get_one::<String>("body") else {
        return Ok(BodyInput::None);
    };
    if spec.encoding == BodyEncoding::Bytes {
        return read_input(path).map(BodyInput::Bytes);
    }
    let value = read_json(path)?;
    let shown = if path == "-" {
        "standard input"
    } else {
        path.as_str()
    };
    let unknown = check_value(&spec.shape, &value, "").map_err(|e| {
        Failure::input(format!(
            "the body in {shown} is not valid; nothing was sent: {e}"
        ))
    })?;
    if unknown.is_empty() {
        return Ok(BodyInput::Json(value));
    }
    let list = unknown
        .iter()
        .map(|u| format!("{} (not a field of `{}`)", u.pointer, u.type_name))
        .collect::<Vec<_>>()
        .join(", ");
    if args.get_flag_opt("allow-unknown-fields") {
        stderr_line(&format!(
            "note: sent as given (--allow-unknown-fields): {list}"
        ));
        return Ok(BodyInput::Json(value));
    }
    Err(Failure::input(format!(
        "the body in {shown} has fields the SDK's type does not have, so Klarna would not read it as \
         meant; nothing was sent: {list}. Correct the names, or pass --allow-unknown-fields to send it \
         as given"
    )))
}

/// A file's media type by its extension, for multipart uploads.
fn content_type_of(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" => "text/plain",
        "json" => "application/json",
        "csv" => "text/csv",
        _ => "application/octet-stream",
    }
}

/// Builds the request; `cursor` replaces the cursor parameter (pages after the first).
fn build(
    op: &'static Operation,
    values: &Values,
    body: &BodyInput,
    cursor: Option<&str>,
    global: &Global,
    base_url: &str,
) -> Result<Request, Failure> {
    let value_of = |p: &Param| {
        values
            .0
            .iter()
            .find(|(q, _)| std::ptr::eq(*q, p))
            .map(|(_, v)| v)
    };
    let segments: Vec<&str> = op
        .path_params
        .iter()
        .map(|p| {
            value_of(p)
                .and_then(|v| v.first())
                .map_or("", String::as_str)
        })
        .collect();
    let method = Method::from_bytes(op.method.as_bytes())
        .map_err(|_| Failure::input(format!("invalid HTTP method `{}`", op.method)))?;
    let mut request = Request::new(op.id, method, expand_path(op.path_pieces, &segments))
        .sensitive_path_segments(op.sensitive_segments);
    let cursor_param = op.pagination.as_ref().map(|p| p.cursor_param);
    for p in op.query_params {
        if cursor.is_some() && cursor_param == Some(p.wire) {
            continue;
        }
        for v in value_of(p).into_iter().flatten() {
            request = match p.encoding {
                ParamEncoding::Text => request.query(p.wire, v.clone()),
                ParamEncoding::DeepObject | ParamEncoding::FormObject => {
                    let object: Value = serde_json::from_str(v)
                        .map_err(|e| Failure::input(format!("--{}: {e}", flag(p))))?;
                    let name = if p.encoding == ParamEncoding::DeepObject {
                        p.wire
                    } else {
                        ""
                    };
                    request.query_object(name, &object)
                }
            };
        }
    }
    if let (Some(c), Some(name)) = (cursor, cursor_param) {
        request = request.query(name, c.to_owned());
    }
    for p in op.header_params {
        for v in value_of(p).into_iter().flatten() {
            request = if p.sensitive {
                request.sensitive_header(p.wire, v.clone())
            } else {
                request.header(p.wire, v.clone())
            };
        }
    }
    request = match body {
        BodyInput::None => request,
        BodyInput::Json(v) => match op.body.as_ref().map(|b| b.encoding) {
            Some(BodyEncoding::Form) => request.form(v),
            _ => request.json(v),
        },
        BodyInput::Bytes(data) => request.bytes(
            op.body
                .as_ref()
                .map_or("application/octet-stream", |b| b.media_type),
            data.clone(),
        ),
        BodyInput::Multipart(form) => request.multipart(form.clone()),
    };
    if let crate::table::ResponseSpec::Bytes(media) = op.response {
        request = request.accept(media);
    }
    if op.idempotent {
        request = request.idempotent();
    }
    let mut options = RequestOptions::new();
    if let Some(id) = &global.correlation_id {
        options.set_correlation_id(id.clone());
    }
    if let Some(key) = &global.idempotency_key {
        options.set_idempotency_key(key.clone());
    }
    if global.verbose {
        stderr_line(&format!("> {}", request_line(op, values, cursor, base_url)));
    }
    Ok(request.options(options))
}

/// `METHOD path?query` with sensitive values shown as `<redacted>`.
fn request_line(op: &Operation, values: &Values, cursor: Option<&str>, base_url: &str) -> String {
    let shown = |p: &Param, v: &str| {
        if p.sensitive {
            "<redacted>".to_owned()
        } else {
            v.to_owned()
        }
    };
    let mut path = String::from(base_url);
    path.push_str(op.path_pieces.first().copied().unwrap_or_default());
    for (i, p) in op.path_params.iter().enumerate() {
        if let Some((_, v)) = values.0.iter().find(|(q, _)| std::ptr::eq(*q, p)) {
            path.push_str(&klarna_runtime::encode_path_segment(&shown(
                p,
                v.first().map_or("", String::as_str),
            )));
        }
        path.push_str(op.path_pieces.get(i + 1).copied().unwrap_or_default());
    }
    let cursor_param = op.pagination.as_ref().map(|p| p.cursor_param);
    let mut query = Vec::new();
    for p in op.query_params {
        if cursor.is_some() && cursor_param == Some(p.wire) {
            continue;
        }
        if let Some((_, vs)) = values.0.iter().find(|(q, _)| std::ptr::eq(*q, p)) {
            for v in vs {
                query.push(format!("{}={}", p.wire, shown(p, v)));
            }
        }
    }
    if let (Some(c), Some(name)) = (cursor, cursor_param) {
        query.push(format!("{name}={c}"));
    }
    let mut line = format!("{} {path}", op.method);
    if !query.is_empty() {
        line.push('?');
        line.push_str(&query.join("&"));
    }
    line
}

/// Sends a request; a failure becomes the right exit status with Klarna's error body.
async fn send(
    client: &klarna_runtime::Client,
    request: Request,
    global: &Global,
) -> Result<RawResponse, Failure> {
    match client.execute(request).await {
        Ok(raw) => {
            if global.verbose {
                stderr_line(&format!(
                    "< {}; correlation id {}; {} attempt{}",
                    raw.status(),
                    raw.correlation_id().unwrap_or("-"),
                    raw.attempts(),
                    if raw.attempts() == 1 { "" } else { "s" }
                ));
            }
            Ok(raw)
        }
        Err(e) => Err(failure(&e, global)),
    }
}

/// Maps a runtime error to an exit status and message: Klarna's answers exit 2 with the error body,
/// transport failures exit 3, a request the runtime refused exits 1.
fn failure(e: &Error, global: &Global) -> Failure {
    if global.verbose {
        stderr_line(&format!(
            "< {}; correlation id {}; {} attempt{}",
            e.status()
                .map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
            e.correlation_id().unwrap_or("-"),
            e.attempts(),
            if e.attempts() == 1 { "" } else { "s" }
        ));
    }
    let code = match e.kind() {
        ErrorKind::Api | ErrorKind::RateLimited | ErrorKind::Conflict => exit::API,
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::BodyTooLarge => exit::TRANSPORT,
        ErrorKind::InvalidRequest | ErrorKind::Config => exit::INPUT,
        _ if e.status().is_some() => exit::API,
        _ => exit::TRANSPORT,
    };
    // The error's Display names the kind, the cause, the operation and the call's context once each.
    let mut message = format!("error: {e}");
    if let Some(body) = e.raw_body().filter(|b| !b.is_empty()) {
        message.push('\n');
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => message.push_str(&render(&v, global.output)),
            Err(_) => message.push_str(&String::from_utf8_lossy(body)),
        }
    }
    Failure { code, message }
}

fn render(v: &Value, output: Output) -> String {
    let text = match output {
        Output::Json => serde_json::to_string(v),
        Output::Pretty => serde_json::to_string_pretty(v),
    };
    // Serializing a `Value` cannot fail; fall back to its Display (compact JSON) all the same.
    text.unwrap_or_else(|_| v.to_string())
}

fn print_response(op: &Operation, raw: RawResponse, global: &Global) -> Result<(), Failure> {
    let body = raw.body();
    if let crate::table::ResponseSpec::Bytes(_) = op.response {
        return stdout(body);
    }
    if body.trim_ascii().is_empty() {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => stdout(format!("{}\n", render(&v, global.output)).as_bytes()),
        Err(e) => {
            stderr_line(&format!(
                "note: the answer is not JSON ({e}); printed as received"
            ));
            stdout(body)
        }
    }
}

/// `--all`: every page, one item per line.
async fn run_all(
    client: &klarna_runtime::Client,
    op: &'static Operation,
    paging: &crate::table::Paging,
    values: &Values,
    body: &BodyInput,
    global: &Global,
) -> Result<(), Failure> {
    let mut cursor: Option<String> = None;
    let mut seen = klarna_runtime::pagination::SeenCursors::new();
    let mut empty_run = 0;
    loop {
        let request = build(
            op,
            values,
            body,
            cursor.as_deref(),
            global,
            client.base_url(),
        )?;
        let raw = send(client, request, global).await?;
        let bad = |what: String| Failure {
            code: exit::API,
            message: format!("error: {}: {what}", op.id),
        };
        let page: Value = serde_json::from_slice(raw.body())
            .map_err(|e| bad(format!("a page is not JSON: {e}")))?;
        let pages: Vec<&Value> = if paging.page_list {
            page.as_array()
                .ok_or_else(|| bad("the answer is not a list of pages".into()))?
                .iter()
                .collect()
        } else {
            vec![&page]
        };
        let mut count = 0;
        for p in &pages {
            match p.get(paging.items) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for item in items {
                        stdout(format!("{item}\n").as_bytes())?;
                        count += 1;
                    }
                }
                Some(_) => return Err(bad(format!("`{}` of a page is not a list", paging.items))),
            }
        }
        let next = pages.last().and_then(|p| {
            paging
                .next_cursor
                .iter()
                .try_fold(*p, |v, key| v.get(key))
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
        });
        let Some(next) = next else {
            return Ok(());
        };
        empty_run = if count == 0 { empty_run + 1 } else { 0 };
        if empty_run > klarna_runtime::pagination::MAX_CONSECUTIVE_EMPTY_PAGES {
            return Err(bad(format!(
                "{empty_run} empty pages in a row still point to a next page; stopped"
            )));
        }
        if !seen.first_time(&next) {
            return Err(bad(format!(
                "the cursor `{}` came back a second time; stopped instead of looping",
                klarna_runtime::pagination::quote_cursor(&next)
            )));
        }
        cursor = Some(next);
    }
}
