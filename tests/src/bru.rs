//! A small parser for Bruno `.bru` request files.
//!
//! A `.bru` file is a sequence of top-level blocks, each opened by a line `name {` at column 0 and closed by
//! the first later line that is exactly `}` at column 0; everything between is the block's content, which
//! Bruno indents by two spaces. Closing on a column-0 brace (rather than counting braces) is what Bruno
//! itself does, and it keeps JSON bodies and JavaScript (strings, regular expressions, template literals
//! with unbalanced braces) from confusing the parser. Dictionary blocks (`meta`, `get`, `headers`,
//! `params:query`, ...) hold `key: value` lines; a key written `~key` is disabled. Text blocks (`body:json`,
//! `script:post-response`, `tests`, `docs`, ...) are kept as text with the indentation removed.
//!
//! Nothing here panics on input: every malformed file is an [`Err`] naming the line.

use std::fmt;

/// One top-level block of a `.bru` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The block name, e.g. `meta`, `post`, `body:json`, `script:post-response`.
    pub name: String,
    /// The 1-based line of the opening `name {`.
    pub line: usize,
    /// The content lines with up to two leading spaces removed, joined by `\n`.
    pub content: String,
}

/// A `key: value` entry of a dictionary block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key, without a leading `~`.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// `false` when the key was written `~key`.
    pub enabled: bool,
}

/// A parse failure, with the 1-based line it was found on (0 when it concerns the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where.
    pub line: usize,
    /// What.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// The HTTP method block names Bruno uses.
const METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "options", "head"];

/// Splits a `.bru` file into its top-level blocks.
pub fn parse_blocks(text: &str) -> Result<Vec<Block>, ParseError> {
    let mut blocks = Vec::new();
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    while let Some((line_no, line)) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        let Some(name) = block_header(line) else {
            return Err(ParseError {
                line: line_no,
                message: format!("expected `name {{` at top level, found `{}`", line.trim()),
            });
        };
        // `name {}` or `name { }` on one line: an empty block.
        if line.trim_end().ends_with('}') {
            blocks.push(Block {
                name,
                line: line_no,
                content: String::new(),
            });
            continue;
        }
        let mut content = Vec::new();
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner.trim_end() == "}" && !inner.starts_with(char::is_whitespace) {
                closed = true;
                break;
            }
            content.push(dedent(inner));
        }
        if !closed {
            return Err(ParseError {
                line: line_no,
                message: format!("block `{name}` is never closed by a `}}` at column 0"),
            });
        }
        blocks.push(Block {
            name,
            line: line_no,
            content: content.join("\n"),
        });
    }
    Ok(blocks)
}

/// `name {` (or `name {}`) → `name`.
fn block_header(line: &str) -> Option<String> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let trimmed = line.trim_end();
    let head = trimmed
        .strip_suffix('}')
        .map(str::trim_end)
        .unwrap_or(trimmed);
    let name = head.strip_suffix('{')?.trim_end();
    let valid = !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'));
    valid.then(|| name.to_string())
}

fn dedent(line: &str) -> &str {
    line.strip_prefix("  ")
        .or_else(|| line.strip_prefix(' '))
        .unwrap_or(line)
}

/// The `key: value` entries of a dictionary block (blank lines skipped).
pub fn entries(block: &Block) -> Result<Vec<Entry>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in block.content.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err(ParseError {
                line: block.line + 1 + i,
                message: format!(
                    "expected `key: value` in block `{}`, found `{trimmed}`",
                    block.name
                ),
            });
        };
        let (key, enabled) = match key.strip_prefix('~') {
            Some(k) => (k, false),
            None => (key, true),
        };
        out.push(Entry {
            key: key.trim().to_string(),
            value: value.trim().to_string(),
            enabled,
        });
    }
    Ok(out)
}

/// How a request sends its body (`body:` in the method block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyMode {
    /// `body: none` (or no `body:` line).
    None,
    /// `body: json`, with the `body:json` block's text.
    Json(String),
    /// `body: multipartForm`, with the enabled field names and values.
    Multipart(Vec<(String, String)>),
    /// Any other mode (`text`, `xml`, `formUrlEncoded`, ...), by name.
    Other(String),
}

/// A request file, reduced to what the checker needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `meta.name`, when present.
    pub name: Option<String>,
    /// Upper-case HTTP method.
    pub method: String,
    /// The URL as written, with `{{variables}}` and `:path_params`.
    pub url: String,
    /// The body that is actually sent.
    pub body: BodyMode,
    /// Body blocks present in the file but not sent because of the body mode (block names).
    pub inactive_bodies: Vec<String>,
    /// Text that runs after the response: `script:post-response`, `tests` and `vars:post-response` values.
    pub after_response: Vec<String>,
    /// The `headers` block, disabled entries included: a disabled header is an alternative the request
    /// offers (e.g. one of the token headers of an authorization scenario).
    pub headers: Vec<Entry>,
    /// Query parameters: the `params:query` entries (disabled ones included) and the pairs of the URL's
    /// query string (enabled), in that order; a URL key already in the block is not repeated.
    pub query: Vec<Entry>,
    /// The statuses the `tests` block asserts, `expect(res.getStatus()).to.equal(N)` (or `res.status`).
    pub expected_statuses: Vec<u16>,
}

/// Parses a request file.
pub fn parse_request(text: &str) -> Result<Request, ParseError> {
    let blocks = parse_blocks(text)?;
    let mut method_block = None;
    for b in &blocks {
        if METHODS.contains(&b.name.as_str()) {
            if method_block.is_some() {
                return Err(ParseError {
                    line: b.line,
                    message: "more than one HTTP method block".into(),
                });
            }
            method_block = Some(b);
        }
    }
    let Some(mb) = method_block else {
        return Err(ParseError {
            line: 0,
            message: "no HTTP method block (get/post/put/patch/delete)".into(),
        });
    };
    let fields = entries(mb)?;
    let field = |k: &str| {
        fields
            .iter()
            .find(|e| e.enabled && e.key == k)
            .map(|e| e.value.clone())
    };
    let Some(url) = field("url").filter(|u| !u.is_empty()) else {
        return Err(ParseError {
            line: mb.line,
            message: format!("`{}` block has no `url`", mb.name),
        });
    };
    let name = match blocks.iter().find(|b| b.name == "meta") {
        Some(meta) => entries(meta)?
            .into_iter()
            .find(|e| e.key == "name")
            .map(|e| e.value),
        None => None,
    };
    let find = |n: &str| blocks.iter().find(|b| b.name == n);
    let mode = field("body").unwrap_or_else(|| "none".into());
    let body = match mode.as_str() {
        "none" => BodyMode::None,
        "json" => match find("body:json") {
            Some(b) => BodyMode::Json(b.content.clone()),
            None => {
                return Err(ParseError {
                    line: mb.line,
                    message: "`body: json` but no `body:json` block".into(),
                });
            }
        },
        "multipartForm" => match find("body:multipart-form") {
            Some(b) => BodyMode::Multipart(
                entries(b)?
                    .into_iter()
                    .filter(|e| e.enabled)
                    .map(|e| (e.key, e.value))
                    .collect(),
            ),
            None => {
                return Err(ParseError {
                    line: mb.line,
                    message: "`body: multipartForm` but no `body:multipart-form` block".into(),
                });
            }
        },
        other => BodyMode::Other(other.to_string()),
    };
    let active = match &body {
        BodyMode::Json(_) => Some("body:json"),
        BodyMode::Multipart(_) => Some("body:multipart-form"),
        _ => None,
    };
    let inactive_bodies = blocks
        .iter()
        .filter(|b| {
            b.name.starts_with("body:")
                && Some(b.name.as_str()) != active
                && !b.content.trim().is_empty()
        })
        .map(|b| b.name.clone())
        .collect();
    let mut after_response = Vec::new();
    let mut headers = Vec::new();
    let mut query: Vec<Entry> = Vec::new();
    let mut expected_statuses = Vec::new();
    for b in &blocks {
        match b.name.as_str() {
            "script:post-response" => after_response.push(b.content.clone()),
            "tests" => {
                expected_statuses.extend(asserted_statuses(&b.content));
                after_response.push(b.content.clone());
            }
            "vars:post-response" => after_response.extend(entries(b)?.into_iter().map(|e| e.value)),
            "headers" => headers.extend(entries(b)?),
            "params:query" => query.extend(entries(b)?),
            _ => {}
        }
    }
    if let Some((_, q)) = url.split_once('?') {
        let q = q.split('#').next().unwrap_or(q);
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !query.iter().any(|e| e.key == key) {
                query.push(Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                    enabled: true,
                });
            }
        }
    }
    Ok(Request {
        name,
        method: mb.name.to_ascii_uppercase(),
        url,
        body,
        inactive_bodies,
        after_response,
        headers,
        query,
        expected_statuses,
    })
}

/// The statuses a `tests` block asserts: the `N` of every `getStatus()).to.equal(N)` and
/// `res.status).to.equal(N)`. Other assertions on the status (ranges, `oneOf`) are not read.
pub fn asserted_statuses(tests: &str) -> Vec<u16> {
    let mut out = Vec::new();
    for marker in ["getStatus()).to.equal(", "res.status).to.equal("] {
        let mut rest = tests;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(status) = digits.parse() {
                out.push(status);
            }
        }
    }
    out
}

/// Puts quotes around every `{{placeholder}}` that stands outside a JSON string, so that the text parses
/// as JSON; placeholders inside strings are left alone. The schema-aware validator later replaces each
/// string that is exactly one placeholder with a value of the expected type.
pub fn quote_placeholders(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = json;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
            out.push(c);
            rest = &rest[1..];
        } else if rest.starts_with("{{")
            && let Some(end) = rest.find("}}")
            && !rest[2..end].contains(['{', '}', '"', '\n'])
        {
            out.push('"');
            out.push_str(&rest[..end + 2]);
            out.push('"');
            rest = &rest[end + 2..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// One step of a path into a JSON value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// An object property.
    Key(String),
    /// An array element.
    Index(usize),
}

/// Renders a read path the way the scripts write it: `a.b[0].c` (`[0]` alone for a top-level array).
pub fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The response-body field paths a script reads: chains after `res.body`, `res.getBody()`, and after any
/// variable assigned from either (`const data = res.getBody();` then `data.a.b`). Optional chaining (`?.`),
/// `[n]` indexes and `['key']` are understood; a trailing `.length` and a trailing method call are not
/// fields and are dropped. Chains of length zero (the whole body) are not reported.
pub fn response_reads(script: &str) -> Vec<Vec<Seg>> {
    let mut roots: Vec<(String, Vec<Seg>)> = Vec::new();
    // Aliases: `const|let|var NAME = res.body...` / `= res.getBody()...`.
    for kw in ["const ", "let ", "var "] {
        let mut from = 0;
        while let Some(pos) = script[from..].find(kw).map(|p| p + from) {
            from = pos + kw.len();
            if pos > 0 && script[..pos].chars().next_back().is_some_and(is_ident_char) {
                continue;
            }
            let after = &script[from..];
            let name_len = after
                .find(|c: char| !is_ident_char(c))
                .unwrap_or(after.len());
            if name_len == 0 {
                continue;
            }
            let name = &after[..name_len];
            let rest = after[name_len..].trim_start();
            let Some(rhs) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) else {
                continue;
            };
            let rhs = rhs.trim_start();
            if let Some(chain_start) = body_root(rhs) {
                let (prefix, _) = parse_chain(&rhs[chain_start..]);
                roots.push((name.to_string(), prefix));
            }
        }
    }
    let mut reads = Vec::new();
    let bytes_len = script.len();
    let mut i = 0;
    while i < bytes_len {
        let Some(c) = script[i..].chars().next() else {
            break;
        };
        let prev_ok = i == 0
            || !script[..i]
                .chars()
                .next_back()
                .is_some_and(|p| is_ident_char(p) || p == '.');
        if prev_ok && (c == 'r' || roots.iter().any(|(n, _)| n.starts_with(c))) {
            let here = &script[i..];
            if let Some(chain_start) = body_root(here) {
                let (path, used) = parse_chain(&here[chain_start..]);
                if !path.is_empty() {
                    reads.push(path);
                }
                i += chain_start + used.max(1);
                continue;
            }
            let alias = roots.iter().find(|(n, _)| {
                here.starts_with(n.as_str()) && !here[n.len()..].starts_with(is_ident_char)
            });
            if let Some((n, prefix)) = alias {
                let rest = &here[n.len()..];
                let is_declaration =
                    rest.trim_start().starts_with('=') && !rest.trim_start().starts_with("==");
                let (path, used) = parse_chain(rest);
                if !path.is_empty() && !is_declaration {
                    let mut full = prefix.clone();
                    full.extend(path);
                    reads.push(full);
                }
                i += n.len() + used;
                continue;
            }
        }
        i += c.len_utf8();
    }
    reads
}

/// If `s` starts with `res.body` or `res.getBody()`, the offset just after it.
fn body_root(s: &str) -> Option<usize> {
    for root in ["res.getBody()", "res.body"] {
        if s.starts_with(root) && !s[root.len()..].starts_with(is_ident_char) {
            return Some(root.len());
        }
    }
    None
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Parses `?.a.b[0]?.['c']...`; returns the path and the number of bytes used.
fn parse_chain(s: &str) -> (Vec<Seg>, usize) {
    let mut path = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &s[pos..];
        let (skip, rest) = match rest.strip_prefix("?.") {
            Some(r) => (2, r),
            None => (0, rest),
        };
        if let Some(r) = rest.strip_prefix('[') {
            let Some(close) = r.find(']') else { break };
            let inner = r[..close].trim();
            let seg = if let Ok(n) = inner.parse::<usize>() {
                Seg::Index(n)
            } else if inner.len() >= 2
                && (inner.starts_with('\'') && inner.ends_with('\'')
                    || inner.starts_with('"') && inner.ends_with('"'))
            {
                Seg::Key(inner[1..inner.len() - 1].to_string())
            } else {
                break;
            };
            path.push(seg);
            pos += skip + 1 + close + 1;
        } else if let Some(r) = rest
            .strip_prefix('.')
            .or(if skip == 2 { Some(rest) } else { None })
        {
            let consumed_dot = usize::from(skip == 0);
            let len = r.find(|c: char| !is_ident_char(c)).unwrap_or(r.len());
            if len == 0 {
                break;
            }
            let ident = &r[..len];
            if r[len..].trim_start().starts_with('(') {
                // A method call (`.toString()`, `.to.equal(...)` never appears on the chain itself): stop.
                break;
            }
            path.push(Seg::Key(ident.to_string()));
            pos += skip + consumed_dot + len;
        } else {
            break;
        }
    }
    if matches!(path.last(), Some(Seg::Key(k)) if k == "length") {
        path.pop();
    }
    (path, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"meta {
  name: Create webhook
  type: http
  seq: 1
}

post {
  url: {{base_url}}/{{version}}/notification/webhooks
  body: json
  auth: inherit
}

params:query {
  size: 10
  ~starting_after: abc
}

body:json {
  {
    "url": "{{webhook_url}}",
    "count": {{count}},
    "nested": { "a": "}" }
  }
}

body:text {
  not sent
}

script:post-response {
  bru.setVar('webhook_id', res.body?.webhook_id || null);
  bru.setVar('k', res.body?.webhooks[0]?.signing_key_id || null);
}

tests {
  test("ok", function () {
    const data = res.getBody();
    expect(res.getStatus()).to.equal(201);
    expect(data.payment_request.state_context.customer_interaction).to.exist;
    expect(data.items.length).to.equal(2);
  });
}

docs {
  Unbalanced { braces in docs are fine
}
"#;

    #[test]
    fn parses_blocks_method_url_and_body() {
        let req = parse_request(SAMPLE).unwrap();
        assert_eq!(req.name.as_deref(), Some("Create webhook"));
        assert_eq!(req.method, "POST");
        assert_eq!(req.url, "{{base_url}}/{{version}}/notification/webhooks");
        let BodyMode::Json(body) = &req.body else {
            panic!("expected a JSON body, got {:?}", req.body)
        };
        assert!(body.starts_with("{\n  \"url\""), "{body}");
        assert_eq!(req.inactive_bodies, vec!["body:text".to_string()]);
        let blocks = parse_blocks(SAMPLE).unwrap();
        let names: Vec<_> = blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "meta",
                "post",
                "params:query",
                "body:json",
                "body:text",
                "script:post-response",
                "tests",
                "docs"
            ]
        );
    }

    #[test]
    fn headers_query_and_asserted_statuses_are_read() {
        let text = "get {\n  url: {{base_url}}/v2/x?size=5&starting_after={{c}}\n}\n\nparams:query {\n  size: 5\n  ~ending_before: b\n}\n\nheaders {\n  Klarna-Customer-Token: t\n  ~Klarna-Payment-Token: p\n}\n\ntests {\n  expect(res.getStatus()).to.equal(204);\n  expect(res.status).to.equal(200);\n}\n";
        let req = parse_request(text).unwrap();
        let query: Vec<_> = req
            .query
            .iter()
            .map(|e| (e.key.as_str(), e.enabled))
            .collect();
        assert_eq!(
            query,
            [
                ("size", true),
                ("ending_before", false),
                ("starting_after", true)
            ]
        );
        let headers: Vec<_> = req
            .headers
            .iter()
            .map(|e| (e.key.as_str(), e.enabled))
            .collect();
        assert_eq!(
            headers,
            [
                ("Klarna-Customer-Token", true),
                ("Klarna-Payment-Token", false)
            ]
        );
        assert_eq!(req.expected_statuses, [204, 200]);
        assert!(parse_request(SAMPLE).unwrap().headers.is_empty());
        assert_eq!(parse_request(SAMPLE).unwrap().expected_statuses, [201]);
    }

    #[test]
    fn disabled_entries_are_marked() {
        let blocks = parse_blocks(SAMPLE).unwrap();
        let q = blocks.iter().find(|b| b.name == "params:query").unwrap();
        let e = entries(q).unwrap();
        assert_eq!(
            e[0],
            Entry {
                key: "size".into(),
                value: "10".into(),
                enabled: true
            }
        );
        assert_eq!(
            e[1],
            Entry {
                key: "starting_after".into(),
                value: "abc".into(),
                enabled: false
            }
        );
    }

    #[test]
    fn malformed_files_are_errors_not_panics() {
        let unclosed = parse_request("get {\n  url: x\n").unwrap_err();
        assert_eq!(unclosed.line, 1);
        assert!(unclosed.message.contains("never closed"));
        let stray = parse_request("meta {\n}\nhello\n").unwrap_err();
        assert_eq!(stray.line, 3);
        assert!(
            parse_request("meta {\n  name: x\n}\n")
                .unwrap_err()
                .message
                .contains("no HTTP method")
        );
        assert!(parse_request("post {\n  url: u\n  body: json\n}\n").is_err());
        assert!(parse_request("").is_err());
        assert!(parse_request("get {\n  \u{0}\n}\n").is_err());
    }

    #[test]
    fn placeholders_are_quoted_only_outside_strings() {
        let req = parse_request(SAMPLE).unwrap();
        let BodyMode::Json(body) = req.body else {
            unreachable!()
        };
        let quoted = quote_placeholders(&body);
        let v: serde_json::Value = serde_json::from_str(&quoted).unwrap();
        assert_eq!(v["url"], "{{webhook_url}}");
        assert_eq!(v["count"], "{{count}}");
        assert_eq!(v["nested"]["a"], "}");
        assert_eq!(
            quote_placeholders(r#"{"a": "x{{y}}\"{{z}}", "b": [{{c}}]}"#),
            r#"{"a": "x{{y}}\"{{z}}", "b": ["{{c}}"]}"#
        );
    }

    #[test]
    fn response_reads_follow_res_body_and_aliases() {
        let req = parse_request(SAMPLE).unwrap();
        let reads: Vec<String> = req
            .after_response
            .iter()
            .flat_map(|s| response_reads(s))
            .map(|p| path_string(&p))
            .collect();
        assert_eq!(
            reads,
            [
                "webhook_id",
                "webhooks[0].signing_key_id",
                "payment_request.state_context.customer_interaction",
                "items"
            ]
        );
        let top = response_reads(
            "x(res.body[0]?.payment_accounts[0].payment_account_id); y(res.body?.['a-b'])",
        );
        assert_eq!(
            top,
            vec![
                vec![
                    Seg::Index(0),
                    Seg::Key("payment_accounts".into()),
                    Seg::Index(0),
                    Seg::Key("payment_account_id".into())
                ],
                vec![Seg::Key("a-b".into())],
            ]
        );
        // `metadata.v2` inside a string is not an alias read, and `response` is not `res`.
        assert!(
            response_reads("const data = res.getBody(); s = 'metadata.v2'; response.body.x")
                .is_empty()
        );
    }
}
