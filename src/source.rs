//! Source files, byte spans and line indexes.
//!
//! Every span in Muster is a pair of **byte** offsets into the text of one
//! file. Lines and columns are computed only when a diagnostic or a plan
//! location is written, through one [`LineIndex`] per file.

use std::fmt;

use serde::Serialize;

/// Identifies one file of a compilation, in the order the files were added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// The largest file Muster reads: spans are two `u32` byte offsets.
pub const MAX_FILE_BYTES: usize = u32::MAX as usize;

/// A half-open byte range `start..end` in one file: a file id and two
/// `u32` offsets, 12 bytes, because every node of the tree and of the
/// model carries one. Files are at most [`MAX_FILE_BYTES`] long, so an
/// offset always fits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    start: u32,
    end: u32,
}

/// An offset as a `u32`; offsets past [`MAX_FILE_BYTES`] (which no file
/// read has) saturate.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: offset(start),
            end: offset(end),
        }
    }

    /// The first byte.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// The byte after the last.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The byte range, to slice the file's text with.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// This span with another end.
    pub fn with_end(self, end: usize) -> Span {
        Span {
            end: offset(end),
            ..self
        }
    }

    /// This span with another start.
    pub fn with_start(self, start: usize) -> Span {
        Span {
            start: offset(start),
            ..self
        }
    }

    /// The smallest span that covers both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// An empty span at the start of `self`.
    pub fn shrink_to_start(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}..{}", self.file.0, self.start, self.end)
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The byte offset at which every line of a text starts, and what it takes
/// to count characters fast: a column is found in time independent of the
/// length of its line.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// As `u32`s, like spans: half the memory of `usize`s.
    line_starts: Vec<u32>,
    /// Whether the text is ASCII, so that columns are byte differences.
    ascii: bool,
    /// Whether the text starts with a byte-order mark, which is no
    /// character of line 1: columns there do not count it.
    bom: bool,
    /// For other texts, `(byte offset, characters before it)` at the first
    /// character boundary of every [`CHECKPOINT`] bytes.
    checkpoints: Vec<(usize, usize)>,
}

/// The distance in bytes between two character-count checkpoints.
const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Counted first, so that the index is allocated once at its size
        // (it lives as long as the file: no growth slack).
        let lines = text.bytes().filter(|&b| b == b'\n').count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0);
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| offset(i + 1)),
        );
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut chars = 0;
            let mut last = 0;
            let mut next = 0;
            while next < text.len() {
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[last..next].chars().count();
                checkpoints.push((next, chars));
                last = next;
                next += CHECKPOINT;
            }
        }
        LineIndex {
            line_starts,
            ascii,
            bom: text.starts_with('\u{feff}'),
            checkpoints,
        }
    }

    /// The number of characters before byte `offset` (a character
    /// boundary) of `text`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let at = self
            .checkpoints
            .partition_point(|&(byte, _)| byte <= offset);
        let (byte, chars) = at
            .checked_sub(1)
            .and_then(|k| self.checkpoints.get(k))
            .copied()
            .unwrap_or((0, 0));
        chars + text[byte..offset].chars().count()
    }

    /// Line and column of a byte offset. Offsets past the end, or inside a
    /// multi-byte character, are clamped to the nearest character boundary
    /// before it.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = (self.line_starts[line] as usize).min(offset);
        let mut column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        if self.bom && line == 0 && offset > 0 {
            column -= 1;
        }
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The number of lines (a text without a newline has one line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line that holds byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&self::offset(offset)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// The byte range of 0-based line `line` in `text`, without its line
    /// break (LF, or CR LF).
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self
            .line_starts
            .get(line)
            .map_or(text.len(), |&start| start as usize);
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |&next| next as usize - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') && end < text.len() {
            end -= 1;
        }
        start.min(text.len())..end.min(text.len())
    }
}

/// One file of a compilation.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics: the path as the user gave it, or
    /// `<stdin>`.
    pub name: String,
    /// The path written in plans: relative to the root, `/`-separated.
    pub path: String,
    /// The text. For a file that is not valid UTF-8 this is a lossy copy,
    /// kept only to show the context of the E0003 diagnostic.
    pub text: String,
    index: LineIndex,
}

impl SourceFile {
    /// A file whose plan path is its name.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let index = LineIndex::new(&text);
        let name = name.into();
        SourceFile {
            path: name.clone(),
            name,
            text,
            index,
        }
    }

    /// Sets the path written in plans.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.index.line_col(&self.text, offset)
    }

    /// The file's line index (LF ends a line; CR LF is one line end).
    pub fn index(&self) -> &LineIndex {
        &self.index
    }
}

/// What the text of a span is read from: the files of a compilation, or
/// the text of one file (whose spans all name it).
pub trait Text {
    /// The text of `span`; empty where the span is not in the text.
    fn text(&self, span: Span) -> &str;
}

impl Text for SourceMap {
    fn text(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|file| file.text.get(span.range()))
            .unwrap_or("")
    }
}

impl Text for str {
    fn text(&self, span: Span) -> &str {
        self.get(span.range()).unwrap_or("")
    }
}

impl Text for SourceFile {
    fn text(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Moves the files of `other` into this map; the result maps each old
    /// id to its new one (index = old id).
    pub fn absorb(&mut self, other: SourceMap) -> Vec<FileId> {
        other.files.into_iter().map(|f| self.add(f)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_lines_from_one() {
        let text = "ab\néé x\r\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        // `x` is after two two-byte characters and a space.
        assert_eq!(index.line_col(text, 8), LineCol { line: 2, column: 4 });
        assert_eq!(index.line_col(text, 11), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn a_leading_byte_order_mark_is_no_column() {
        let text = "\u{feff}actor a";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 3), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 9), LineCol { line: 1, column: 7 });
    }

    #[test]
    fn columns_on_long_non_ascii_lines_count_characters() {
        let text = format!("é{}x", "ab".repeat(10_000));
        let index = LineIndex::new(&text);
        let x = text.len() - 1;
        assert_eq!(
            index.line_col(&text, x),
            LineCol {
                line: 1,
                column: 20_002
            }
        );
        let text = format!("{}\né{}", "ü".repeat(5000), "z".repeat(9000));
        let index = LineIndex::new(&text);
        let last = text.len();
        assert_eq!(
            index.line_col(&text, last),
            LineCol {
                line: 2,
                column: 9_002
            }
        );
    }

    #[test]
    fn line_col_clamps_out_of_range_and_mid_character_offsets() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 99), LineCol { line: 1, column: 2 });
    }
}
