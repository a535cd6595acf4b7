//! The human writer: ariadne reports over excerpts that Muster builds
//! itself, so that what a report shows is bounded and safe:
//!
//! - one line model everywhere: a line ends at LF (CR LF counts as one
//!   line end), as in the JSON and GitHub formats and in plan locations;
//! - every control character, line separator, byte-order mark and
//!   bidirectional control in an excerpt, a message or a file name is
//!   escaped (`\u{1b}`), so no input can move the cursor, clear a terminal,
//!   print a CI workflow command or reorder what a reader sees;
//! - a line longer than [`LONG_LINE`] characters is shown only around the
//!   spans on it, with `…` where text is left out, so a report costs in
//!   proportion to what it shows, not to the file;
//! - past [`MAX_PER_CODE`] diagnostics of one code in one file, the rest
//!   are counted in one closing note instead of printed;
//! - the excerpt of the primary location's file comes first, so the
//!   report's header names where the problem is.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;

use ariadne::{Config, IndexType, Label as AriadneLabel, Report, ReportKind, Source};

use super::{Code, Diagnostic, Severity, is_hostile, printable, push_escaped};
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// How to render.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
}

/// Lines longer than this (in characters) are shown only around spans.
pub const LONG_LINE: usize = 160;
/// How many characters are kept on each side of a span on a long line.
const CONTEXT: usize = 40;
/// How many characters of a long span are kept at its start and at its end.
const SPAN_KEEP: usize = 60;
/// A span over more lines than this is shown on its first line only.
const MAX_SPAN_LINES: usize = 12;
/// How many diagnostics of one code in one file are printed in full.
pub const MAX_PER_CODE: usize = 200;

/// The source id ariadne sees: a file's shared excerpt, or the private
/// excerpt of one diagnostic; shown as the file's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    file: FileId,
    private: Option<usize>,
    name: String,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A line as displayed: its text and, where it differs from the source
/// (escapes, left-out text), the display offset of each source offset.
struct DisplayLine {
    text: String,
    /// `(source offset in the line, display offset)` at the start of each
    /// kept character and at the end; `None` when the line is shown as is.
    map: Option<Vec<(usize, usize)>>,
}

impl DisplayLine {
    /// The display offset of a source offset within the line: the first
    /// kept position at or after it.
    fn map(&self, offset: usize) -> usize {
        match &self.map {
            None => offset.min(self.text.len()),
            Some(map) => {
                let at = map.partition_point(|&(source, _)| source < offset);
                map.get(at).map_or(self.text.len(), |&(_, display)| display)
            }
        }
    }
}

/// Displays `line` (without its line end). When it is longer than
/// [`LONG_LINE`] characters, only windows around `points` (offsets in the
/// line) are kept; with no points, its start.
fn display_line(line: &str, points: &[(usize, usize)]) -> DisplayLine {
    let long = line.len() > LONG_LINE && line.chars().count() > LONG_LINE;
    if !long && !line.chars().any(is_hostile) {
        return DisplayLine {
            text: line.to_owned(),
            map: None,
        };
    }
    // The byte ranges of the line to keep.
    let keep: Vec<Range<usize>> = if long {
        let mut windows: Vec<Range<usize>> = Vec::new();
        let spans: Vec<(usize, usize)> = if points.is_empty() {
            vec![(0, 0)]
        } else {
            points.to_vec()
        };
        for &(start, end) in &spans {
            let start = start.min(line.len());
            let end = end.clamp(start, line.len());
            let span_chars = line[start..end].chars().count();
            if span_chars > 2 * SPAN_KEEP {
                windows
                    .push(chars_before(line, start, CONTEXT)..chars_after(line, start, SPAN_KEEP));
                windows.push(chars_before(line, end, SPAN_KEEP)..chars_after(line, end, CONTEXT));
            } else {
                windows.push(chars_before(line, start, CONTEXT)..chars_after(line, end, CONTEXT));
            }
        }
        windows.sort_by_key(|w| w.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for w in windows {
            match merged.last_mut() {
                Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
                _ => merged.push(w),
            }
        }
        merged
    } else {
        std::iter::once(0..line.len()).collect()
    };
    let mut text = String::new();
    let mut map = Vec::new();
    let mut previous_end = 0;
    for range in keep {
        if range.start > previous_end || (previous_end == 0 && range.start > 0) {
            text.push('…');
        }
        for (i, c) in line[range.clone()].char_indices() {
            map.push((range.start + i, text.len()));
            if is_hostile(c) {
                push_escaped(&mut text, c);
            } else {
                text.push(c);
            }
        }
        map.push((range.end, text.len()));
        previous_end = range.end;
    }
    if previous_end < line.len() {
        text.push('…');
    }
    DisplayLine {
        text,
        map: Some(map),
    }
}

/// The offset `n` characters before `at` in `line` (or its start).
fn chars_before(line: &str, at: usize, n: usize) -> usize {
    line[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The offset `n` characters after `at` in `line` (or its end).
fn chars_after(line: &str, at: usize, n: usize) -> usize {
    line[at..]
        .char_indices()
        .nth(n)
        .map_or(line.len(), |(i, _)| at + i)
}

/// The byte range of 0-based line `line` of `file` as shown: without its
/// line end, and without a leading byte-order mark, which is no part of
/// the text.
fn shown_line(file: &SourceFile, line: usize) -> Range<usize> {
    let mut range = file.index().line_range(&file.text, line);
    if line == 0 && file.text.starts_with('\u{feff}') {
        range.start = range.start.max('\u{feff}'.len_utf8()).min(range.end);
    }
    range
}

/// The excerpt of a whole file shared by the diagnostics whose spans all
/// lie on lines of at most [`LONG_LINE`] characters: each line displayed,
/// long ones cut after their start.
struct Shared {
    text: String,
    /// The display offset at which each line starts.
    starts: Vec<usize>,
    lines: Vec<DisplayLine>,
}

impl Shared {
    fn new(file: &SourceFile) -> Shared {
        let index = file.index();
        let mut text = String::with_capacity(file.text.len());
        let mut starts = Vec::with_capacity(index.line_count());
        let mut lines = Vec::with_capacity(index.line_count());
        for line in 0..index.line_count() {
            let range = shown_line(file, line);
            let shown = display_line(&file.text[range], &[]);
            starts.push(text.len());
            text.push_str(&shown.text);
            text.push('\n');
            lines.push(shown);
        }
        Shared {
            text,
            starts,
            lines,
        }
    }

    /// The display offset of a source offset of `file`.
    fn map(&self, file: &SourceFile, offset: usize) -> usize {
        let index = file.index();
        let line = index.line_of(offset);
        let range = shown_line(file, line);
        let within = offset.clamp(range.start, range.end) - range.start;
        let start = self.starts.get(line).copied().unwrap_or(self.text.len());
        start + self.lines.get(line).map_or(0, |l| l.map(within))
    }
}

/// The label spans of one file, clamped into it and onto character
/// boundaries; a span over too many lines is cut at the end of its first.
fn clamp(file: &SourceFile, span: Span) -> Range<usize> {
    let text = &file.text;
    let boundary = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = boundary(span.start());
    // An end inside a character takes the whole character in.
    let mut end = span.end().min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end = end.max(start);
    let index = file.index();
    let (first, last) = (
        index.line_of(start),
        index.line_of(end.saturating_sub(1).max(start)),
    );
    if last > first + MAX_SPAN_LINES {
        end = index.line_range(text, first).end.max(start);
    }
    start..end
}

/// Writes each diagnostic as an ariadne report.
pub fn write_human(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    options: HumanOptions,
) -> io::Result<()> {
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(options.color);
    let mut shared: BTreeMap<FileId, (Shared, Source<String>)> = BTreeMap::new();
    let mut shown_per_code: BTreeMap<(FileId, Code), usize> = BTreeMap::new();
    for (number, diagnostic) in diagnostics.iter().enumerate() {
        let Some(primary_file) = sources.get(diagnostic.span.file) else {
            continue;
        };
        let count = shown_per_code
            .entry((diagnostic.span.file, diagnostic.code))
            .or_default();
        *count += 1;
        if *count > MAX_PER_CODE {
            continue;
        }
        // Labels: the primary first, then the others; each (file, range,
        // message, primary).
        let mut labels: Vec<(FileId, Range<usize>, Option<&str>, bool)> = vec![(
            diagnostic.span.file,
            clamp(primary_file, diagnostic.span),
            diagnostic.label.as_deref(),
            true,
        )];
        for label in &diagnostic.secondary {
            if let Some(file) = sources.get(label.span.file) {
                labels.push((
                    label.span.file,
                    clamp(file, label.span),
                    Some(label.message.as_str()),
                    false,
                ));
            }
        }
        // Files in the order primary first, then by id; within a file, by
        // position: ariadne shows one excerpt per file in this order.
        labels.sort_by_key(|(file, range, _, _)| {
            (*file != diagnostic.span.file, *file, range.start, range.end)
        });

        // Which files need an excerpt of their own: those with a span on
        // a long line.
        let mut private: BTreeMap<FileId, Source<String>> = BTreeMap::new();
        let files: Vec<FileId> = {
            let mut files: Vec<FileId> = labels.iter().map(|l| l.0).collect();
            files.dedup();
            files
        };
        let mut located: Vec<(Key, Range<usize>, Option<&str>, bool)> = Vec::new();
        // The source offset of each located label's start, for headers.
        let mut origins: Vec<usize> = Vec::new();
        let mut cut_note = None;
        for file_id in files {
            let Some(file) = sources.get(file_id) else {
                continue;
            };
            let name = printable(&file.name).into_owned();
            let ranges: Vec<(Range<usize>, Option<&str>, bool)> = labels
                .iter()
                .filter(|l| l.0 == file_id)
                .map(|l| (l.1.clone(), l.2, l.3))
                .collect();
            let on_long_line = ranges.iter().any(|(range, _, _)| {
                [range.start, range.end].iter().any(|&offset| {
                    let index = file.index();
                    let line = shown_line(file, index.line_of(offset));
                    line.len() > LONG_LINE && file.text[line].chars().count() > LONG_LINE
                })
            });
            if on_long_line {
                if file_id == diagnostic.span.file {
                    let at = file.line_col(diagnostic.span.start());
                    cut_note = Some(format!(
                        "line {} is long: it is shown only around what the report points at",
                        at.line
                    ));
                }
                let (source, mapped) = private_excerpt(file, &ranges);
                private.insert(file_id, source);
                let key = Key {
                    file: file_id,
                    private: Some(number),
                    name,
                };
                for ((original, message, primary), range) in ranges.iter().zip(mapped) {
                    located.push((key.clone(), range, *message, *primary));
                    origins.push(original.start);
                }
            } else {
                let (excerpt, _) = shared.entry(file_id).or_insert_with(|| {
                    let excerpt = Shared::new(file);
                    let source = Source::from(excerpt.text.clone());
                    (excerpt, source)
                });
                let key = Key {
                    file: file_id,
                    private: None,
                    name,
                };
                for (range, message, primary) in &ranges {
                    let start = excerpt.map(file, range.start);
                    let end = excerpt.map(file, range.end).max(start);
                    located.push((key.clone(), start..end, *message, *primary));
                    origins.push(range.start);
                }
            }
        }
        let Some(primary) = located
            .iter()
            .find(|l| l.3)
            .map(|l| (l.0.clone(), l.1.clone()))
        else {
            continue;
        };
        let kind = match diagnostic.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let mut report = Report::build(kind, primary)
            .with_config(config)
            .with_code(diagnostic.code.as_str())
            .with_message(printable(&diagnostic.message));
        for (order, (key, range, message, is_primary)) in located.iter().cloned().enumerate() {
            let mut label = AriadneLabel::new((key, range)).with_order(order as i32);
            if is_primary {
                label = label.with_priority(1);
            }
            if let Some(message) = message {
                label = label.with_message(printable(message));
            }
            report = report.with_label(label);
        }
        for note in &diagnostic.notes {
            report = report.with_note(printable(note));
        }
        if let Some(note) = cut_note {
            report = report.with_note(note);
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(printable(help));
        }
        let mut cache = Cache {
            shared: &shared,
            private: &private,
        };
        let fixes = header_fixes(sources, &located, &origins, &cache);
        let mut rendered = Vec::new();
        report.finish().write(&mut cache, &mut rendered)?;
        let mut rendered = String::from_utf8_lossy(&rendered).into_owned();
        for (shown, truth) in fixes {
            rendered = rendered.replacen(&shown, &truth, 1);
        }
        out.write_all(rendered.as_bytes())?;
    }
    for (&(file, code), &count) in &shown_per_code {
        if count > MAX_PER_CODE
            && let Some(file) = sources.get(file)
        {
            writeln!(
                out,
                "note: {} more {} in `{}` are not shown (`--format json` lists every one)",
                count - MAX_PER_CODE,
                code.as_str(),
                printable(&file.name)
            )?;
        }
    }
    Ok(())
}

/// The excerpt of one file for one diagnostic with a span on a long line:
/// empty lines up to the first line shown (so that ariadne numbers lines
/// right), then the lines from the first span to the last, each displayed
/// around the spans on it; lines between that no span touches are left
/// empty. Returns the source and each range mapped into it.
fn private_excerpt(
    file: &SourceFile,
    ranges: &[(Range<usize>, Option<&str>, bool)],
) -> (Source<String>, Vec<Range<usize>>) {
    let index = file.index();
    let lines_of = |range: &Range<usize>| {
        (
            index.line_of(range.start),
            index.line_of(range.end.saturating_sub(1).max(range.start)),
        )
    };
    let first = ranges
        .iter()
        .map(|(r, _, _)| lines_of(r).0)
        .min()
        .unwrap_or(0);
    let last = ranges
        .iter()
        .map(|(r, _, _)| lines_of(r).1)
        .max()
        .unwrap_or(0);
    let mut text = "\n".repeat(first);
    let mut displayed: BTreeMap<usize, (usize, DisplayLine)> = BTreeMap::new();
    for line in first..=last {
        let range = shown_line(file, line);
        let touched = ranges.iter().any(|(r, _, _)| {
            let (a, b) = lines_of(r);
            (a..=b).contains(&line)
        });
        if touched {
            let points: Vec<(usize, usize)> = ranges
                .iter()
                .filter(|(r, _, _)| r.end >= range.start && r.start <= range.end)
                .map(|(r, _, _)| {
                    (
                        r.start.clamp(range.start, range.end) - range.start,
                        r.end.clamp(range.start, range.end) - range.start,
                    )
                })
                .collect();
            let shown = display_line(&file.text[range.clone()], &points);
            let start = text.len();
            text.push_str(&shown.text);
            displayed.insert(line, (start, shown));
        }
        text.push('\n');
    }
    let map = |offset: usize| {
        let line = index.line_of(offset);
        let range = shown_line(file, line);
        match displayed.get(&line) {
            Some((start, shown)) => {
                start + shown.map(offset.clamp(range.start, range.end) - range.start)
            }
            None => 0,
        }
    };
    let mapped = ranges
        .iter()
        .map(|(r, _, _)| {
            let start = map(r.start);
            start..map(r.end).max(start)
        })
        .collect();
    (Source::from(text), mapped)
}

/// ariadne names each excerpt's location in its header as `file:line:col`
/// with the column counted in the excerpt, which differs from the file's
/// where an escape or a cut stands before it on the line. Returns, for
/// each header whose column differs, the text ariadne writes and the text
/// with the file's column.
fn header_fixes(
    sources: &SourceMap,
    located: &[(Key, Range<usize>, Option<&str>, bool)],
    origins: &[usize],
    cache: &Cache<'_>,
) -> Vec<(String, String)> {
    let mut fixes = Vec::new();
    let mut seen: Vec<&Key> = Vec::new();
    let primary_key = located.iter().find(|l| l.3).map(|l| &l.0);
    for (i, (key, range, _, _)) in located.iter().enumerate() {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        // The header of the primary's excerpt shows the primary.
        let (display, origin) = if Some(key) == primary_key {
            match located.iter().zip(origins).find(|(l, _)| l.3) {
                Some((l, &o)) => (l.1.start, o),
                None => continue,
            }
        } else {
            (range.start, origins.get(i).copied().unwrap_or(0))
        };
        let (Some(file), Some(text)) = (sources.get(key.file), cache.text(key)) else {
            continue;
        };
        let display = display.min(text.len());
        let line_start = text[..display].rfind('\n').map_or(0, |n| n + 1);
        let shown_column = text[line_start..display].chars().count() + 1;
        let truth = file.line_col(origin);
        if shown_column != truth.column {
            fixes.push((
                format!(" {}:{}:{shown_column} ", key.name, truth.line),
                format!(" {}:{}:{} ", key.name, truth.line, truth.column),
            ));
        }
    }
    fixes
}

/// The sources of one report.
struct Cache<'a> {
    shared: &'a BTreeMap<FileId, (Shared, Source<String>)>,
    private: &'a BTreeMap<FileId, Source<String>>,
}

impl Cache<'_> {
    fn text(&self, id: &Key) -> Option<&str> {
        match id.private {
            Some(_) => self.private.get(&id.file).map(|s| s.text()),
            None => self
                .shared
                .get(&id.file)
                .map(|(excerpt, _)| excerpt.text.as_str()),
        }
    }
}

impl ariadne::Cache<Key> for &mut Cache<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &Key) -> Result<&Source<String>, impl fmt::Debug> {
        let found = match id.private {
            Some(_) => self.private.get(&id.file),
            None => self.shared.get(&id.file).map(|(_, source)| source),
        };
        found.ok_or("no excerpt")
    }

    fn display<'b>(&self, id: &'b Key) -> Option<impl fmt::Display + 'b> {
        Some(id.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_plain_lines_are_shown_as_they_are() {
        let shown = display_line("actor a { kind role }", &[(6, 7)]);
        assert_eq!(shown.text, "actor a { kind role }");
        assert_eq!(shown.map(6), 6);
    }

    #[test]
    fn control_characters_are_escaped_and_offsets_follow() {
        let shown = display_line("a\u{1b}[2Jb\u{202e}c", &[]);
        assert_eq!(shown.text, "a\\u{1b}[2Jb\\u{202e}c");
        // `b` is at byte 5 of the source, after the 6-character escape.
        assert_eq!(shown.map(5), 10);
    }

    #[test]
    fn long_lines_are_cut_around_the_spans() {
        let line = format!("{}target{}", "x".repeat(1000), "y".repeat(1000));
        let shown = display_line(&line, &[(1000, 1006)]);
        assert!(shown.text.starts_with('…') && shown.text.ends_with('…'));
        assert!(shown.text.chars().count() < 100, "{}", shown.text);
        let start = shown.map(1000);
        assert_eq!(&shown.text[start..start + 6], "target");
    }

    #[test]
    fn a_long_span_keeps_its_start_and_end() {
        let line = "z".repeat(5000);
        let shown = display_line(&line, &[(0, 5000)]);
        assert!(shown.text.contains('…'));
        assert!(shown.text.chars().count() < 250);
        assert_eq!(shown.map(0), 0);
        assert_eq!(shown.map(5000), shown.text.len());
    }
}
