//! The JSON writer (`--format json`, docs/reference.md#output-formats).

use std::io::{self, Write};

use serde::Serialize;

use super::{Counts, Diagnostic};
use crate::source::{SourceMap, Span};

#[derive(Serialize)]
struct Report<'a> {
    format_version: u32,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    primary: bool,
    message: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
}

/// A 1-based line, a 1-based column in characters, and a byte offset.
#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: usize,
}

fn position(sources: &SourceMap, span: Span, offset: usize) -> Position {
    let lc = sources
        .get(span.file)
        .map(|f| f.line_col(offset))
        .unwrap_or(crate::source::LineCol { line: 1, column: 1 });
    Position {
        line: lc.line,
        column: lc.column,
        offset,
    }
}

fn file_name(sources: &SourceMap, span: Span) -> &str {
    sources.get(span.file).map_or("", |f| f.name.as_str())
}

/// Writes one JSON document (and a newline) for all diagnostics.
pub fn write_json(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    let counts = Counts::of(diagnostics);
    let report = Report {
        format_version: 1,
        valid: counts.errors == 0,
        error_count: counts.errors,
        warning_count: counts.warnings,
        diagnostics: diagnostics
            .iter()
            .map(|d| json_diagnostic(sources, d))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn json_diagnostic<'a>(sources: &'a SourceMap, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let mut labels = Vec::new();
    if let Some(label) = &d.label {
        labels.push(JsonLabel {
            primary: true,
            message: label,
            file: file_name(sources, d.span),
            start: position(sources, d.span, d.span.start()),
            end: position(sources, d.span, d.span.end()),
        });
    }
    labels.extend(d.secondary.iter().map(|l| JsonLabel {
        primary: false,
        message: &l.message,
        file: file_name(sources, l.span),
        start: position(sources, l.span, l.span.start()),
        end: position(sources, l.span, l.span.end()),
    }));
    JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: &d.message,
        file: file_name(sources, d.span),
        start: position(sources, d.span, d.span.start()),
        end: position(sources, d.span, d.span.end()),
        labels,
        notes: &d.notes,
        help: d.help.as_deref(),
    }
}

/// One diagnostic as in `--format json`, as a JSON value (the findings of
/// a simulation report carry them).
pub fn diagnostic_value(sources: &SourceMap, d: &Diagnostic) -> serde_json::Value {
    serde_json::to_value(json_diagnostic(sources, d)).unwrap_or(serde_json::Value::Null)
}
