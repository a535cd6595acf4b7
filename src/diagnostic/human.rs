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
//! - each report's excerpts hold only the lines it shows (the lines left
//!   out between two of them closed up to one empty line), so that a
//!   report costs in proportion to the lines it shows, not to the file
//!   nor to the line numbers: the file's shared line index finds the
//!   lines, and the line numbers ariadne writes are then made the file's
//!   ([`renumber`]);
//! - the excerpt of the primary location's file comes first, so the
//!   report's header names where the problem is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fmt::Write as _;
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

/// The source id ariadne sees: a file's excerpt in one report, shown as
/// the file's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    file: FileId,
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

/// A label of a report: its file, its range in the file, its message and
/// whether it is the primary one.
type Labelled<'a> = (FileId, Range<usize>, Option<&'a str>, bool);

/// Writes each diagnostic as an ariadne report.
pub fn write_human(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    options: HumanOptions,
) -> io::Result<()> {
    let config = config(options.color);
    let mut shown_per_code: BTreeMap<(FileId, Code), usize> = BTreeMap::new();
    for diagnostic in diagnostics {
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
        let labels = labels_of(sources, primary_file, diagnostic);
        let report = render(sources, diagnostic, &labels, config, true)?;
        // Should ariadne ever write what `renumber` does not expect: the
        // excerpts with every line up to the last shown, numbered as the
        // file's (a cost in proportion to the line number). Never a panic:
        // the tests assert that every report they draw is renumbered.
        let report = match report {
            Ok(report) => report,
            Err(_) => match render(sources, diagnostic, &labels, config, false)? {
                Ok(report) | Err(report) => report,
            },
        };
        out.write_all(report.as_bytes())?;
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

/// ariadne's settings: offsets in characters (in bytes, ariadne 0.6
/// takes the character offset of an excerpt's first label for a byte
/// offset in the header of every excerpt after the first, and can cut a
/// character there), and colour or not.
fn config(color: bool) -> Config {
    Config::default()
        .with_index_type(IndexType::Char)
        .with_color(color)
}

/// The labels of `diagnostic` (whose primary file is `primary_file`),
/// clamped into their files, in the order ariadne shows them: the
/// primary file's first, then by file, then by position.
fn labels_of<'a>(
    sources: &SourceMap,
    primary_file: &SourceFile,
    diagnostic: &'a Diagnostic,
) -> Vec<Labelled<'a>> {
    let mut labels: Vec<Labelled<'a>> = vec![(
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
    labels.sort_by_key(|(file, range, _, _)| {
        (*file != diagnostic.span.file, *file, range.start, range.end)
    });
    labels
}

/// The lines of one file that one report shows.
struct Part<'a> {
    id: FileId,
    file: &'a SourceFile,
    name: String,
    /// The labels in this file: (range, message, primary).
    ranges: Vec<(Range<usize>, Option<&'a str>, bool)>,
    /// Whether a span lies on a long line: each line a span touches is
    /// then displayed around the spans on it, and a span that ends at the
    /// start of a line no span touches ends where it starts. Otherwise
    /// each line from a span's start to its end is displayed, long ones
    /// cut after their start.
    around: bool,
    /// The lines shown (0-based), as displayed.
    shown: BTreeMap<usize, DisplayLine>,
    /// Lines ariadne may number though no span touches them, each shown
    /// empty (with `around`).
    blank: BTreeSet<usize>,
}

impl<'a> Part<'a> {
    fn new(
        id: FileId,
        file: &'a SourceFile,
        ranges: Vec<(Range<usize>, Option<&'a str>, bool)>,
        around: bool,
    ) -> Part<'a> {
        let index = file.index();
        let mut shown = BTreeMap::new();
        let mut blank = BTreeSet::new();
        for (r, _, _) in &ranges {
            // ariadne also draws a span that starts or ends at the start
            // of a line at the end of the line before, and may show it.
            for offset in [r.start, r.end] {
                let line = index.line_of(offset);
                if line > 0 && index.line_range(&file.text, line).start == offset {
                    if around {
                        blank.insert(line - 1);
                    } else {
                        shown.entry(line - 1).or_insert_with(|| {
                            display_line(&file.text[shown_line(file, line - 1)], &[])
                        });
                    }
                }
            }
            let (first, last) = if around {
                (
                    index.line_of(r.start),
                    index.line_of(r.end.saturating_sub(1).max(r.start)),
                )
            } else {
                (index.line_of(r.start), index.line_of(r.end))
            };
            for line in first..=last {
                if shown.contains_key(&line) {
                    continue;
                }
                let range = shown_line(file, line);
                let points: Vec<(usize, usize)> = if around {
                    ranges
                        .iter()
                        .filter(|(r, _, _)| r.end >= range.start && r.start <= range.end)
                        .map(|(r, _, _)| {
                            (
                                r.start.clamp(range.start, range.end) - range.start,
                                r.end.clamp(range.start, range.end) - range.start,
                            )
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                shown.insert(line, display_line(&file.text[range], &points));
            }
        }
        Part {
            id,
            file,
            name: printable(&file.name).into_owned(),
            ranges,
            around,
            blank: blank
                .into_iter()
                .filter(|l| !shown.contains_key(l))
                .collect(),
            shown,
        }
    }

    /// The excerpt of the lines shown, each at its line of `layout`, the
    /// lines between them empty.
    fn excerpt(&self, layout: &Layout) -> Excerpt {
        let size: usize = self.shown.values().map(|l| l.text.len() + 2).sum();
        let mut text = String::with_capacity(size + self.blank.len());
        let mut starts = Vec::with_capacity(self.shown.len() + self.blank.len());
        let mut lines = 0;
        let mut all: Vec<(usize, Option<&DisplayLine>)> = self
            .shown
            .iter()
            .map(|(&line, shown)| (line, Some(shown)))
            .chain(self.blank.iter().map(|&line| (line, None)))
            .collect();
        all.sort_by_key(|&(line, _)| line);
        for (line, shown) in all {
            let at = layout.excerpt_line(line);
            text.extend(std::iter::repeat_n('\n', at.saturating_sub(lines)));
            starts.push((line, text.len(), at));
            if let Some(shown) = shown {
                text.push_str(&shown.text);
            }
            text.push('\n');
            lines = at + 1;
        }
        Excerpt {
            source: Source::from(text),
            starts,
        }
    }

    /// The display offset in `excerpt` of a source offset of the file.
    fn map(&self, excerpt: &Excerpt, offset: usize) -> usize {
        let line = self.file.index().line_of(offset);
        let range = shown_line(self.file, line);
        let start = excerpt.starts.binary_search_by_key(&line, |s| s.0);
        match (start, self.shown.get(&line)) {
            (Ok(k), Some(shown)) => {
                excerpt.starts[k].1 + shown.map(offset.clamp(range.start, range.end) - range.start)
            }
            _ if self.around => 0,
            _ => excerpt.source.text().len(),
        }
    }
}

/// Where the lines shown by one report stand in its excerpts. With the
/// gaps closed: one after the other, with one empty line for each run of
/// lines left out between two of them (ariadne shows such a run as one
/// empty margin row, however long it is) and at most two before the
/// first, so that a report costs in proportion to the lines it shows, not
/// to their line numbers. Otherwise: at their own line numbers, with
/// every line before them there, empty. ariadne numbers an excerpt's
/// lines from its start; [`renumber`] writes the file's numbers back.
struct Layout {
    /// (line of the file, line of the excerpts), both 0-based, by line.
    lines: Vec<(usize, usize)>,
}

impl Layout {
    fn new(shown: impl IntoIterator<Item = usize>, gaps_closed: bool) -> Layout {
        let shown: BTreeSet<usize> = shown.into_iter().collect();
        let mut lines = Vec::with_capacity(shown.len());
        let mut previous: Option<usize> = None;
        let mut next = 0;
        for line in shown {
            let at = match previous {
                _ if !gaps_closed => line,
                Some(p) if line > p + 1 => next + 1,
                Some(_) => next,
                // ariadne draws the rows of notes and help as if for the
                // first line of the excerpt, which touches a span that
                // starts on the line after it: the lines before the first
                // shown, up to two.
                None => line.min(2),
            };
            lines.push((line, at));
            previous = Some(line);
            next = at + 1;
        }
        Layout { lines }
    }

    fn excerpt_line(&self, line: usize) -> usize {
        match self.lines.binary_search_by_key(&line, |l| l.0) {
            Ok(k) => self.lines[k].1,
            Err(_) => line,
        }
    }

    /// The line of the file at line `at` of the excerpts, if one is there.
    fn file_line(&self, at: usize) -> Option<usize> {
        let k = self.lines.binary_search_by_key(&at, |l| l.1).ok()?;
        Some(self.lines[k].0)
    }
}

/// The excerpt of one file for one report.
struct Excerpt {
    source: Source<String>,
    /// For each line shown: (line of the file, display offset of its
    /// start, line of the excerpt), by line.
    starts: Vec<(usize, usize, usize)>,
}

impl Excerpt {
    /// The line of the excerpt (0-based) that holds display offset
    /// `offset` of a shown line (its line end included).
    fn line_at(&self, offset: usize) -> Option<usize> {
        let k = self.starts.partition_point(|s| s.1 <= offset);
        Some(self.starts.get(k.checked_sub(1)?)?.2)
    }
}

/// A label placed in its file's excerpt.
struct Located<'a> {
    key: Key,
    /// The range in the excerpt.
    display: Range<usize>,
    message: Option<&'a str>,
    primary: bool,
    /// The source offset of its start.
    origin: usize,
}

/// One diagnostic as a report. `Err` holds ariadne's text as written when
/// [`renumber`] could not make sense of it.
fn render(
    sources: &SourceMap,
    diagnostic: &Diagnostic,
    labels: &[Labelled<'_>],
    config: Config,
    gaps_closed: bool,
) -> io::Result<Result<String, String>> {
    let mut files: Vec<FileId> = labels.iter().map(|l| l.0).collect();
    files.dedup();
    let mut parts = Vec::with_capacity(files.len());
    let mut cut_note = None;
    for file_id in files {
        let Some(file) = sources.get(file_id) else {
            continue;
        };
        let ranges: Vec<(Range<usize>, Option<&str>, bool)> = labels
            .iter()
            .filter(|l| l.0 == file_id)
            .map(|l| (l.1.clone(), l.2, l.3))
            .collect();
        // The files with a span on a long line are shown around the spans.
        let index = file.index();
        let around = ranges.iter().any(|(range, _, _)| {
            [range.start, range.end].iter().any(|&offset| {
                let line = shown_line(file, index.line_of(offset));
                line.len() > LONG_LINE && file.text[line].chars().count() > LONG_LINE
            })
        });
        if around && file_id == diagnostic.span.file {
            let at = file.line_col(diagnostic.span.start());
            cut_note = Some(format!(
                "line {} is long: it is shown only around what the report points at",
                at.line
            ));
        }
        parts.push(Part::new(file_id, file, ranges, around));
    }
    let layout = Layout::new(
        parts
            .iter()
            .flat_map(|p| p.shown.keys().chain(&p.blank).copied()),
        gaps_closed,
    );
    let mut excerpts: BTreeMap<FileId, Excerpt> = BTreeMap::new();
    let mut located: Vec<Located<'_>> = Vec::new();
    for part in &parts {
        let excerpt = part.excerpt(&layout);
        let key = Key {
            file: part.id,
            name: part.name.clone(),
        };
        for (range, message, primary) in &part.ranges {
            let start = part.map(&excerpt, range.start);
            let end = part.map(&excerpt, range.end).max(start);
            located.push(Located {
                key: key.clone(),
                display: start..end,
                message: *message,
                primary: *primary,
                origin: range.start,
            });
        }
        excerpts.insert(part.id, excerpt);
    }
    let Some(primary) = located.iter().find(|l| l.primary) else {
        return Ok(Ok(String::new()));
    };
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    // ariadne counts in characters.
    let chars = |l: &Located<'_>| {
        let text = excerpts.get(&l.key.file).map_or("", |e| e.source.text());
        let start = text.get(..l.display.start).map_or(0, |t| t.chars().count());
        let length = text.get(l.display.clone()).map_or(0, |t| t.chars().count());
        (l.key.clone(), start..start + length)
    };
    let mut report = Report::build(kind, chars(primary))
        .with_config(config)
        .with_code(diagnostic.code.as_str())
        .with_message(printable(&diagnostic.message));
    for (order, l) in located.iter().enumerate() {
        let mut label = AriadneLabel::new(chars(l)).with_order(order as i32);
        if l.primary {
            label = label.with_priority(1);
        }
        if let Some(message) = l.message {
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
    let mut written = Vec::new();
    report.finish().write(
        &mut Cache {
            excerpts: &excerpts,
        },
        &mut written,
    )?;
    let written = String::from_utf8_lossy(&written).into_owned();
    Ok(renumber(&written, sources, &located, &excerpts, &layout).ok_or(written))
}

/// The number of digits of `n`.
fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// ariadne's text of a report with the file's line numbers: in the margin
/// (and the margin as wide as they need), and in the header of each
/// excerpt, `file:line:col`, which names the file's line and column of
/// what it points at (ariadne counts the column in the excerpt, where an
/// escape or a cut may stand before it, and, for an excerpt after the
/// first, from an offset in characters taken as one in bytes). This
/// follows how ariadne 0.6 groups labels into excerpts and lays out a
/// report; `None` when the text is not laid out so.
fn renumber(
    written: &str,
    sources: &SourceMap,
    located: &[Located<'_>],
    excerpts: &BTreeMap<FileId, Excerpt>,
    layout: &Layout,
) -> Option<String> {
    // ariadne's groups: runs of labels, in order, of one file, whose last
    // lines do not go back.
    struct Group {
        file: FileId,
        first: usize,
        start: usize,
        end: usize,
        line: usize,
    }
    let mut groups: Vec<Group> = Vec::new();
    for (i, l) in located.iter().enumerate() {
        let excerpt = excerpts.get(&l.key.file)?;
        let line = if l.display.start >= l.display.end {
            excerpt.line_at(l.display.start)?
        } else {
            excerpt.line_at(l.display.end - 1)?
        };
        match groups.last_mut() {
            Some(g) if g.file == l.key.file && g.line <= line => {
                g.start = g.start.min(l.display.start);
                g.end = g.end.max(l.display.end);
                g.line = line;
            }
            _ => groups.push(Group {
                file: l.key.file,
                first: i,
                start: l.display.start,
                end: l.display.end,
                line,
            }),
        }
    }
    // The margin's width, as ariadne computes it (the number of the last
    // line of the widest group) in the excerpts and in the file.
    let (mut shown_width, mut width) = (0, 0);
    let primary = located.iter().find(|l| l.primary)?;
    let mut headers = Vec::with_capacity(groups.len());
    for g in &groups {
        let last = excerpts
            .get(&g.file)?
            .line_at(g.end.saturating_sub(1).max(g.start))?;
        shown_width = shown_width.max(digits(last + 1));
        width = width.max(digits(layout.file_line(last)? + 1));
        let at = if g.file == primary.key.file {
            primary
        } else {
            located.get(g.first)?
        };
        let truth = sources.get(g.file)?.line_col(at.origin);
        headers.push(format!("{}:{}:{}", at.key.name, truth.line, truth.column));
    }

    let mut rows = written.split_inclusive('\n');
    let mut out = String::with_capacity(written.len() + 64);
    // The first row, `[code] Kind: message`, has no margin.
    out.push_str(rows.next()?);
    let mut headers = headers.iter();
    for row in rows {
        rewrite_row(&mut out, row, shown_width, width, layout, &mut headers)?;
    }
    headers.next().is_none().then_some(out)
}

/// Appends `row` of a report to `out` with its margin `width` wide
/// instead of `shown_width`, the line number in it (if any) the file's,
/// and, if it is an excerpt's header, the next of `headers` as its
/// location. `None` if the row is not laid out as ariadne 0.6 does.
fn rewrite_row(
    out: &mut String,
    row: &str,
    shown_width: usize,
    width: usize,
    layout: &Layout,
    headers: &mut std::slice::Iter<'_, String>,
) -> Option<()> {
    let margin = shown_width + 2;
    let (visible, escapes) = split_escapes(row);
    if visible.len() < margin {
        return None;
    }
    let (head, rest) = visible.split_at(margin);
    // The margin: a rule (the last row), or spaces, or a line number
    // right-aligned between two spaces.
    let mut text = String::with_capacity(row.len() + 8);
    if head.iter().all(|&c| c == '─') {
        text.extend(std::iter::repeat_n('─', width + 2));
    } else {
        let number: String = head[1..margin - 1]
            .iter()
            .skip_while(|&&c| c == ' ')
            .collect();
        if head[0] != ' ' || head[margin - 1] != ' ' || !number.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        if number.is_empty() {
            text.extend(std::iter::repeat_n(' ', width + 2));
        } else {
            let shown: usize = number.parse().ok()?;
            let line = layout.file_line(shown.checked_sub(1)?)? + 1;
            if digits(line) > width {
                return None;
            }
            let _ = write!(text, " {line:>width$} ");
        }
    }
    // An excerpt's header, `╭─[ file:line:col ]` (`├` after the first):
    // the location between `[ ` and ` ]` (as character positions in
    // `rest`, and the new one's length).
    let mut rest: String = rest.iter().collect();
    let mut location = None;
    if rest.starts_with(['╭', '├']) {
        let inner = rest.strip_suffix(" ]\n")?;
        let cut = inner.char_indices().nth(4)?.0;
        if !inner[..cut].ends_with("─[ ") {
            return None;
        }
        let header = headers.next()?;
        location = Some((4, 4 + inner[cut..].chars().count(), header.chars().count()));
        rest = format!("{}{header} ]\n", &inner[..cut]);
    }
    text.push_str(&rest);
    // The escapes (colours) where they were: in the margin, before or
    // after its first space; after it, at the same place in the rest.
    let mut placed = Vec::with_capacity(escapes.len());
    for (at, escape) in escapes {
        let to = if at <= 1 {
            at
        } else if at < margin {
            return None;
        } else {
            let mut within = at - margin;
            if let Some((start, end, new)) = location {
                if within >= end {
                    within = within - end + start + new;
                } else if within > start {
                    return None;
                }
            }
            width + 2 + within
        };
        placed.push((to, escape));
    }
    let mut placed = placed.into_iter().peekable();
    for (i, c) in text.chars().enumerate() {
        while let Some((_, escape)) = placed.next_if(|&(to, _)| to <= i) {
            out.push_str(escape);
        }
        out.push(c);
    }
    for (_, escape) in placed {
        out.push_str(escape);
    }
    Some(())
}

/// The characters of `row` without its escape sequences (`ESC [ … m`,
/// ariadne's colours), and each sequence with the number of characters
/// before it.
fn split_escapes(row: &str) -> (Vec<char>, Vec<(usize, &str)>) {
    let mut visible = Vec::with_capacity(row.len());
    let mut escapes = Vec::new();
    let mut chars = row.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\u{1b}' {
            visible.push(c);
            continue;
        }
        let mut end = i + 1;
        if chars.next_if(|&(_, c)| c == '[').is_some() {
            end += 1;
            for (j, d) in chars.by_ref() {
                end = j + d.len_utf8();
                if ('@'..='~').contains(&d) {
                    break;
                }
            }
        }
        escapes.push((visible.len(), &row[i..end]));
    }
    (visible, escapes)
}

/// The excerpts of one report.
struct Cache<'a> {
    excerpts: &'a BTreeMap<FileId, Excerpt>,
}

impl ariadne::Cache<Key> for &mut Cache<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &Key) -> Result<&Source<String>, impl fmt::Debug> {
        self.excerpts
            .get(&id.file)
            .map(|e| &e.source)
            .ok_or("no excerpt")
    }

    fn display<'b>(&self, id: &'b Key) -> Option<impl fmt::Display + 'b> {
        Some(id.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::source::Span;

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
        }
    }

    /// A text of `lines` lines of every kind the renderer treats apart:
    /// empty, short, long, with escapes, non-ASCII, CR LF endings.
    fn text(rng: &mut Rng, lines: usize) -> String {
        let mut text = String::new();
        if rng.below(8) == 0 {
            text.push('\u{feff}');
        }
        for n in 0..lines {
            match rng.below(10) {
                0 => {}
                1 => text.push_str(&"long_line ".repeat(20 + rng.below(40))),
                2 => text.push_str("  tab\there \u{1b}[2J and \u{202e}bidi"),
                3 => text.push_str("  étape « crise » 🚑 ünd"),
                _ => text.push_str(&format!("  step s{n} {{ takes 1h }}")),
            }
            if n + 1 < lines || rng.below(2) == 0 {
                text.push_str(if rng.below(6) == 0 { "\r\n" } else { "\n" });
            }
        }
        text
    }

    /// A span of `file` whose text is `text`: anywhere (a line start, the
    /// end, inside a character), of any length, up to many lines.
    fn span(rng: &mut Rng, file: FileId, text: &str) -> Span {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let start = match rng.below(4) {
            0 => starts[rng.below(starts.len())],
            1 => text.len(),
            _ => rng.below(text.len() + 1),
        };
        let length = match rng.below(5) {
            0 => 0,
            1 => rng.below(400),
            _ => rng.below(12),
        };
        Span::new(file, start, start + length)
    }

    /// Renders each of `diagnostics` with the lines left out closed up
    /// and with every line at its own number: the two must give the same
    /// text, and neither may fail to renumber.
    fn same_with_gaps_closed(sources: &SourceMap, diagnostics: &[Diagnostic]) -> usize {
        let mut compared = 0;
        for diagnostic in diagnostics {
            let primary_file = sources.get(diagnostic.span.file).expect("a file");
            let labels = labels_of(sources, primary_file, diagnostic);
            for color in [false, true] {
                let closed = render(sources, diagnostic, &labels, config(color), true).unwrap();
                let open = render(sources, diagnostic, &labels, config(color), false).unwrap();
                assert_eq!(
                    closed.as_deref(),
                    open.as_deref(),
                    "{diagnostic:?} (colour: {color})"
                );
                assert!(closed.is_ok(), "not renumbered: {diagnostic:?}\n{closed:?}");
                compared += 1;
            }
        }
        compared
    }

    #[test]
    fn closing_the_gaps_between_the_lines_shown_changes_no_report() {
        let mut rng = Rng(0x5eed);
        let mut compared = 0;
        for case in 0..60 {
            // Line counts on both sides of 10, 100 and 1,000.
            let lines = [1, 3, 9, 12, 98, 105, 990, 1_010][case % 8] + rng.below(4);
            let mut sources = SourceMap::new();
            let other = 1 + rng.below(150);
            let texts = [text(&mut rng, lines), text(&mut rng, other)];
            let a = sources.add(SourceFile::new("a.muster", texts[0].as_str()));
            let b = sources.add(SourceFile::new("b/é.muster", texts[1].as_str()));
            let mut diagnostics = Vec::new();
            for _ in 0..6 {
                let mut d =
                    Diagnostic::new(Code::E0102, "undefined name", span(&mut rng, a, &texts[0]));
                if rng.below(3) > 0 {
                    d = d.with_label("here");
                }
                for _ in 0..rng.below(4) {
                    let (file, text) = if rng.below(3) == 0 {
                        (b, &texts[1])
                    } else {
                        (a, &texts[0])
                    };
                    d.secondary.push(Label {
                        span: span(&mut rng, file, text),
                        message: "declared here".to_owned(),
                    });
                }
                if rng.below(2) == 0 {
                    d = d.with_note("a note").with_help("some help");
                }
                diagnostics.push(d);
            }
            compared += same_with_gaps_closed(&sources, &diagnostics);
        }
        assert_eq!(compared, 60 * 6 * 2);
    }

    #[test]
    fn the_lines_left_out_are_closed_up_to_one() {
        let layout = Layout::new([2, 3, 5, 99_998, 99_999], true);
        assert_eq!(
            layout.lines,
            [(2, 2), (3, 3), (5, 5), (99_998, 7), (99_999, 8)]
        );
        assert_eq!(layout.file_line(7), Some(99_998));
        assert_eq!(layout.file_line(4), None);
        assert_eq!(Layout::new([1, 7], true).lines, [(1, 1), (7, 3)]);
        let open = Layout::new([2, 99_998], false);
        assert_eq!(open.lines, [(2, 2), (99_998, 99_998)]);
    }

    #[test]
    fn a_report_far_down_a_file_shows_the_file_s_line_numbers() {
        let mut text = String::from("fact level: 1..5\n");
        for n in 1..100_000 {
            text.push_str(&format!("// line {}\n", n + 1));
        }
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("far.muster", text.as_str()));
        let at = text.find("// line 99999\n").expect("the line");
        let d = Diagnostic::new(
            Code::W0503,
            "comparison is always true",
            Span::new(id, at + 3, at + 7),
        )
        .with_label("always true")
        .with_secondary(Span::new(id, 12, 16), "declared here");
        let mut out = Vec::new();
        write_human(
            &mut out,
            &sources,
            std::slice::from_ref(&d),
            HumanOptions::default(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("╭─[ far.muster:99999:4 ]"), "{out}");
        assert!(out.contains("     1 │ fact level: 1..5"), "{out}");
        assert!(out.contains(" 99999 │ // line 99999"), "{out}");
        assert_eq!(same_with_gaps_closed(&sources, &[d]), 2);
    }

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
