//! Documentation text from the document, made safe for rustdoc: bare URLs become links, brackets and angle
//! brackets are escaped, indented blocks are not mistaken for code, fenced blocks are marked `text`.

/// Turns a description into rustdoc-safe Markdown: no doctests (indented blocks and fences become text),
/// no broken intra-doc links (`[x]` is escaped), bare URLs made into autolinks, stray HTML escaped.
pub fn doc_text(raw: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in raw.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            out.push(if in_fence {
                "```text".to_owned()
            } else {
                "```".to_owned()
            });
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        out.push(escape_markdown_line(trimmed.trim_end()));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

pub(in crate::lower) fn escape_markdown_line(line: &str) -> String {
    let mut s = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            let preceded_by_angle = s.ends_with('<') || s.ends_with('(');
            if preceded_by_angle {
                s.push_str(url);
            } else {
                s.push('<');
                s.push_str(url);
                s.push('>');
            }
            rest = &rest[url_len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '[' => s.push_str("\\["),
            ']' => s.push_str("\\]"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '`' => s.push('`'),
            _ => s.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    s
}

pub(in crate::lower) fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("https://") || s.starts_with("http://")) {
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')' | ']' | '`'))
        .unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_are_made_safe_for_rustdoc() {
        assert_eq!(
            doc_text("See https://docs.klarna.com/x."),
            "See <https://docs.klarna.com/x>."
        );
        assert_eq!(doc_text("a [b] <c>"), "a \\[b\\] &lt;c&gt;");
        assert_eq!(doc_text("x\n    indented code"), "x\nindented code");
        assert_eq!(doc_text("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
    }
}
