//! Positions as LSP counts them: 0-based lines, columns in UTF-16 code
//! units. Spans are byte offsets; these convert both ways through the
//! file's line index, in time proportional to the line, not the file.

use lsp_types::{Position, Range};

use crate::source::SourceFile;

/// The LSP position of byte `offset` of `file` (clamped to the text and
/// to a character boundary).
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let text = file.text.as_str();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let index = file.index();
    let line = index.line_of(offset);
    let start = index.line_range(text, line).start.min(offset);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The LSP range of a byte range.
pub fn range(file: &SourceFile, start: usize, end: usize) -> Range {
    Range {
        start: position(file, start),
        end: position(file, end.max(start)),
    }
}

/// The byte offset of an LSP position: past the end of its line is the
/// end of the line, past the last line is the end of the text, inside a
/// surrogate pair is the character's start.
pub fn offset(file: &SourceFile, at: Position) -> usize {
    let text = file.text.as_str();
    let index = file.index();
    let line = at.line as usize;
    if line >= index.line_count() {
        return text.len();
    }
    let range = index.line_range(text, line);
    let mut units = 0usize;
    for (i, c) in text[range.clone()].char_indices() {
        if units >= at.character as usize {
            return range.start + i;
        }
        units += c.len_utf16();
        if units > at.character as usize {
            return range.start + i;
        }
    }
    range.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t.muster", text)
    }

    #[test]
    fn ascii_positions_are_byte_columns() {
        let f = file("ab\ncd\n");
        assert_eq!(position(&f, 4), Position::new(1, 1));
        assert_eq!(offset(&f, Position::new(1, 1)), 4);
        assert_eq!(offset(&f, Position::new(0, 99)), 2, "past the line's end");
        assert_eq!(offset(&f, Position::new(9, 0)), 6, "past the last line");
    }

    #[test]
    fn non_ascii_lines_count_utf16_units() {
        // `é` is 2 bytes and 1 unit; `🚨` 4 bytes and 2 units.
        let text = "actor é \"🚨 x\" { kind body }\nfact y: bool\n";
        let f = file(text);
        let x = text.find('x').unwrap();
        // a c t o r ␠ é ␠ " 🚨 ␠ → 6 + 1 + 1 + 1 + 2 + 1 = 12 units
        assert_eq!(position(&f, x), Position::new(0, 12));
        assert_eq!(offset(&f, Position::new(0, 12)), x);
        // Inside the surrogate pair: the character's start.
        let siren = text.find('🚨').unwrap();
        assert_eq!(offset(&f, Position::new(0, 10)), siren);
        let y = text.find("y:").unwrap();
        assert_eq!(position(&f, y), Position::new(1, 5));
        // Round trips at every character boundary.
        for (i, _) in text.char_indices() {
            assert_eq!(offset(&f, position(&f, i)), i, "at byte {i}");
        }
    }

    #[test]
    fn crlf_lines_end_before_the_carriage_return() {
        let f = file("ab\r\ncd");
        assert_eq!(offset(&f, Position::new(0, 5)), 2);
        assert_eq!(position(&f, 4), Position::new(1, 0));
    }
}
