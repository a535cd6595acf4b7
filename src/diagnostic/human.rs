//! The human writer: ariadne reports with byte-indexed spans.

use std::fmt;
use std::io::{self, Write};

use ariadne::{Config, IndexType, Label as AriadneLabel, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};

/// How to render.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
}

/// The source id ariadne sees: the file's number, shown as its name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    id: FileId,
    name: String,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Writes each diagnostic as an ariadne report. Spans are clamped into their
/// file so that a report can never fail on a bad span.
pub fn write_human(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    options: HumanOptions,
) -> io::Result<()> {
    let mut cache = ariadne::sources(sources.iter().map(|(id, file)| {
        (
            Key {
                id,
                name: file.name.clone(),
            },
            file.text.clone(),
        )
    }));
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(options.color);
    for diagnostic in diagnostics {
        let kind = match diagnostic.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let Some(primary) = locate(sources, diagnostic.span) else {
            continue;
        };
        let mut report = Report::build(kind, primary.clone())
            .with_config(config)
            .with_code(diagnostic.code.as_str())
            .with_message(&diagnostic.message);
        // Labels in source order, so that ariadne shows each file's lines
        // top to bottom in one excerpt.
        let mut labels: Vec<(Span, Option<&str>, bool)> =
            vec![(diagnostic.span, diagnostic.label.as_deref(), true)];
        labels.extend(
            diagnostic
                .secondary
                .iter()
                .map(|l| (l.span, Some(l.message.as_str()), false)),
        );
        labels.sort_by_key(|(span, _, _)| (span.file, span.start, span.end));
        for (order, (span, message, is_primary)) in labels.into_iter().enumerate() {
            let Some(at) = locate(sources, span) else {
                continue;
            };
            let mut label = AriadneLabel::new(at).with_order(order as i32);
            if is_primary {
                label = label.with_priority(1);
            }
            if let Some(message) = message {
                label = label.with_message(message);
            }
            report = report.with_label(label);
        }
        for note in &diagnostic.notes {
            report = report.with_note(note);
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(help);
        }
        report.finish().write(&mut cache, &mut *out)?;
    }
    Ok(())
}

fn locate(sources: &SourceMap, span: Span) -> Option<(Key, std::ops::Range<usize>)> {
    let file = sources.get(span.file)?;
    let text = &file.text;
    let clamp = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = clamp(span.start);
    let end = clamp(span.end).max(start);
    Some((
        Key {
            id: span.file,
            name: file.name.clone(),
        },
        start..end,
    ))
}
