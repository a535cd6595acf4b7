//! The GitHub Actions writer (`--format github`): one workflow command per
//! diagnostic, which GitHub shows as an annotation on the pull request.

use std::io::{self, Write};

use super::{Diagnostic, Severity, printable};
use crate::source::SourceMap;

/// Escapes the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…`, `title=…`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Writes `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`
/// lines. `endColumn` is the column of the last character of the span
/// (inclusive), as GitHub expects; an empty span ends where it starts. A
/// span over several lines has no columns: GitHub drops an annotation
/// that has them. The message is followed by the notes and the help, one
/// per line; every text from the input is escaped first, so no handbook
/// can start a workflow command of its own.
pub fn write_github(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    for d in diagnostics {
        let Some(file) = sources.get(d.span.file) else {
            continue;
        };
        let start = file.line_col(d.span.start());
        let mut end = file.line_col(d.span.end());
        if d.span.end() > d.span.start() {
            // Exclusive end to inclusive: the character before the end.
            let mut last = d.span.end() - 1;
            while !file.text.is_char_boundary(last) && last > d.span.start() {
                last -= 1;
            }
            end = file.line_col(last);
        }
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = printable(&d.message).into_owned();
        for note in &d.notes {
            message.push_str("\nnote: ");
            message.push_str(&printable(note));
        }
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&printable(help));
        }
        let position = if end.line == start.line {
            format!(
                "line={},col={},endLine={},endColumn={}",
                start.line, start.column, end.line, end.column
            )
        } else {
            format!("line={},endLine={}", start.line, end.line)
        };
        writeln!(
            out,
            "::{command} file={},{position},title={}::{}",
            escape_property(&printable(&file.name)),
            d.code.as_str(),
            escape_data(&message),
        )?;
    }
    Ok(())
}
