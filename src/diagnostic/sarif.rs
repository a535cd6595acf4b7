//! The SARIF writer (`--format sarif`): one SARIF 2.1.0 log, for GitHub
//! code scanning and other tools that read static-analysis results.
//!
//! - one run whose tool is `muster`, with a rule for every code (`id`, the
//!   summary as `shortDescription`, the first paragraph of `muster explain`
//!   as `fullDescription` and `help`, the default level);
//! - a result per diagnostic: `ruleId`, `ruleIndex`, `level`, the message
//!   (with its notes and help), the primary location and the secondary
//!   labels as `relatedLocations`;
//! - file names are relative URIs with `uriBaseId` `%SRCROOT%` (the
//!   directory Muster ran in), absolute ones `file://` URIs; columns count
//!   Unicode code points (`columnKind`), the end column is exclusive.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Code, Diagnostic, Severity, printable};
use crate::source::{SourceMap, Span};

/// The `uriBaseId` of relative file names.
pub const SRCROOT: &str = "%SRCROOT%";

/// The first paragraph of the explanation of `code`, on one line.
pub fn help_text(code: Code) -> String {
    let text = crate::explain::text(code);
    let paragraph = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or("");
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` percent-encoded as the path of a URI: everything but unreserved
/// characters and `/`.
fn encode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn artifact(name: &str) -> Value {
    if name.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(name)) })
    } else {
        let name = name.strip_prefix("./").unwrap_or(name);
        json!({ "uri": encode_path(name), "uriBaseId": SRCROOT })
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let Some(file) = sources.get(span.file) else {
        return json!({});
    };
    let start = file.line_col(span.start());
    let end = file.line_col(span.end().max(span.start()));
    let mut region = json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    });
    if let Some(snippet) = file.text.get(span.start()..span.end())
        && !snippet.is_empty()
        && span.end() - span.start() <= 200
    {
        region["snippet"] = json!({ "text": printable(snippet) });
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": artifact(&file.name),
            "region": region,
        }
    });
    if let Some(message) = message {
        location["message"] = json!({ "text": printable(message) });
    }
    location
}

/// Writes the SARIF log (pretty-printed, ending with a newline).
pub fn write_sarif(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&code| {
            let help = help_text(code);
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "fullDescription": { "text": help },
                "help": { "text": format!("{help}\n\nSee `muster explain {}`.", code.as_str()) },
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = printable(&d.message).into_owned();
            for note in &d.notes {
                text.push_str("\nnote: ");
                text.push_str(&printable(note));
            }
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(&printable(help));
            }
            let index = Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0);
            let related: Vec<Value> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = location(sources, l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": index,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location(sources, d.span, d.label.as_deref())],
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "muster",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://docs.rs/muster-handbook",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
