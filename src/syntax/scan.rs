//! A small token scanner used around the pest parser: to refuse input
//! nested too deeply before pest recurses into it, to cut a file into its
//! declarations and a large procedure into its items (so that pest parses
//! small pieces), to find the unclosed `{` behind a missing `}`, the
//! declarations that `// muster: allow` comments stand before, and to
//! describe the token at a syntax error.
//!
//! It knows only what it must: strings, comments, words and brackets. It
//! never fails and runs in linear time.

/// What the scanner found at one byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    EndOfInput,
    /// A string that is closed on its line: its text, quotes included.
    String(String),
    /// A `"` with no closing quote on its line.
    UnterminatedString {
        end: usize,
    },
    /// A `/*` with no closing `*/`.
    UnterminatedComment,
    /// An identifier, keyword or number: `[A-Za-z0-9_]+`.
    Word(String),
    /// Any other character (or a two-character operator).
    Symbol(String),
}

impl Found {
    /// The length in bytes of the token, for the span of the diagnostic.
    pub fn len(&self, text: &str, at: usize) -> usize {
        match self {
            Found::EndOfInput => 0,
            Found::String(s) | Found::Word(s) | Found::Symbol(s) => s.len(),
            Found::UnterminatedString { end } => end - at,
            Found::UnterminatedComment => 2.min(text.len() - at),
        }
    }
}

fn is_bracket(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b'(' | b')' | b'[' | b']')
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The length of the word that starts at `i` (it ends by `end`), and
/// whether it is one of `words`.
fn word_at(bytes: &[u8], i: usize, end: usize, words: &[&[u8]]) -> (usize, bool) {
    let len = bytes[i..end]
        .iter()
        .take_while(|&&b| is_word_byte(b))
        .count();
    (len, words.contains(&&bytes[i..i + len]))
}

/// Describes the token that starts at `at`.
pub fn token_at(text: &str, at: usize) -> Found {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.get(at) else {
        return Found::EndOfInput;
    };
    let rest = &text[at..];
    if first == b'"' {
        return match string_end(bytes, at) {
            Ok(end) => Found::String(text[at..end].to_owned()),
            Err(end) => Found::UnterminatedString { end },
        };
    }
    if rest.starts_with("/*") && !rest[2..].contains("*/") {
        return Found::UnterminatedComment;
    }
    if is_word_byte(first) {
        let len = rest.bytes().take_while(|&b| is_word_byte(b)).count();
        return Found::Word(rest[..len].to_owned());
    }
    for op in ["==", "!=", "<=", ">=", ".."] {
        if rest.starts_with(op) {
            return Found::Symbol(op.to_owned());
        }
    }
    let c = rest.chars().next().unwrap_or('\u{fffd}');
    Found::Symbol(c.to_string())
}

/// The end of the string that opens at `at`: `Ok(after the closing quote)`,
/// or `Err(end of the line)` when it is not closed on its line.
fn string_end(bytes: &[u8], at: usize) -> Result<usize, usize> {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Ok(i + 1),
            b'\\' if i + 1 < bytes.len() && bytes[i + 1] != b'\n' && bytes[i + 1] != b'\r' => {
                i += 2
            }
            b'\n' | b'\r' => return Err(i),
            _ => i += 1,
        }
    }
    Err(bytes.len())
}

/// A string or a comment that starts at some offset.
enum Skipped {
    /// A string, closed or not; the offset after it.
    String(usize),
    /// A comment: where its text ends (a line comment before its line
    /// break, without a `\r`) and the offset to go on from.
    Comment { end: usize, next: usize },
}

/// Whether a string or a comment can start with this byte. The scans ask
/// [`skip`] only there: they visit every byte of a file, several times.
fn may_open(b: u8) -> bool {
    b == b'"' || b == b'/'
}

/// The string or comment that starts at `i`, if any: the one place that
/// knows how far each of them reaches.
fn skip(text: &str, i: usize) -> Option<Skipped> {
    let bytes = text.as_bytes();
    if !bytes.get(i).copied().is_some_and(may_open) {
        return None;
    }
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'"'), _) => Some(Skipped::String(match string_end(bytes, i) {
            Ok(e) | Err(e) => e,
        })),
        (Some(b'/'), Some(b'/')) => {
            let next = text[i..].find('\n').map_or(text.len(), |n| i + n);
            let end = if bytes[next - 1] == b'\r' {
                next - 1
            } else {
                next
            };
            Some(Skipped::Comment { end, next })
        }
        (Some(b'/'), Some(b'*')) => {
            let end = text[i + 2..]
                .find("*/")
                .map_or(text.len(), |c| i + 2 + c + 2);
            Some(Skipped::Comment { end, next: end })
        }
        _ => None,
    }
}

/// The offset after the string or comment at `i`, if one starts there.
#[inline]
fn skip_over(text: &str, i: usize) -> Option<usize> {
    if !text.as_bytes().get(i).copied().is_some_and(may_open) {
        return None;
    }
    skip(text, i).map(|s| match s {
        Skipped::String(next) | Skipped::Comment { next, .. } => next,
    })
}

/// The result of one pass over a file's brackets.
#[derive(Debug, Default)]
pub struct Brackets {
    /// The first `(` or `[` at which nesting exceeds the limit.
    pub too_deep: Option<usize>,
    /// The offsets of the `{` still open at the end of the scanned range,
    /// outermost first.
    pub open_braces: Vec<usize>,
    /// The same for `(` and `[`.
    pub open_parens: Vec<usize>,
}

/// Walks `text[..end]`, skipping strings and comments, and tracks brackets.
pub fn brackets(text: &str, end: usize, max_depth: usize) -> Brackets {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut result = Brackets::default();
    let mut depth = 0usize;
    let mut i = 0;
    while i < end {
        // Straight to the next byte that matters.
        match bytes[i..end]
            .iter()
            .position(|&b| may_open(b) || is_bracket(b))
        {
            Some(k) => i += k,
            None => break,
        }
        if let Some(next) = skip_over(text, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' => {
                depth += 1;
                if depth > max_depth && result.too_deep.is_none() {
                    result.too_deep = Some(i);
                }
                if depth <= max_depth {
                    result.open_parens.push(i);
                }
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                result.open_parens.pop();
            }
            b'{' => result.open_braces.push(i),
            b'}' => {
                result.open_braces.pop();
            }
            _ => {}
        }
        i += 1;
    }
    result
}

/// Where each top-level declaration may start: a declaration keyword
/// (`handbook use actor resource fact procedure scenario`) as a whole word outside
/// strings, comments and brackets. Parsing a file one such piece at a time
/// keeps pest's token queue small; in a file with unbalanced brackets the
/// pieces are simply larger.
pub fn declaration_starts(text: &str) -> Vec<usize> {
    const KEYWORDS: [&[u8]; 7] = [
        b"handbook",
        b"use",
        b"actor",
        b"resource",
        b"fact",
        b"procedure",
        b"scenario",
    ];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        // Within brackets, words do not matter: straight to the next byte
        // that does.
        if depth > 0 {
            match bytes[i..]
                .iter()
                .position(|&b| may_open(b) || is_bracket(b))
            {
                Some(k) => i += k,
                None => break,
            }
        }
        if let Some(next) = skip_over(text, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b if is_word_byte(b) => {
                let (len, listed) = word_at(bytes, i, bytes.len(), &KEYWORDS);
                if depth == 0 && listed {
                    out.push(i);
                }
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// How a procedure declaration that starts at `start` (its keyword) and
/// ends before `end` is laid out, so that it can be parsed an item at a
/// time: where its `{` opens, where each of its items starts (an item
/// keyword directly inside the braces, outside strings and comments), and
/// where its `}` closes. `None` unless the text is one procedure with only
/// whitespace and comments around its items; what the pieces then say is
/// checked by parsing them.
pub fn procedure_items(text: &str, start: usize, end: usize) -> Option<ProcedureLayout> {
    const ITEMS: [&[u8]; 6] = [
        b"lead",
        b"support",
        b"resources",
        b"note",
        b"trigger",
        b"step",
    ];
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut depth = 0usize;
    let mut open = None;
    let mut items = Vec::new();
    let mut i = start;
    while i < end {
        if let Some(next) = skip_over(text, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'{' | b'(' | b'[' => {
                if depth == 0 {
                    if bytes[i] != b'{' || open.is_some() {
                        return None;
                    }
                    open = Some(i);
                }
                depth += 1;
            }
            b'}' | b')' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let rest = text.get(i + 1..end)?;
                    return (bytes[i] == b'}' && only_blanks(rest)).then(|| ProcedureLayout {
                        open: open.unwrap_or(i),
                        items,
                        close: i,
                    });
                }
            }
            b if is_word_byte(b) => {
                let (len, listed) = word_at(bytes, i, end, &ITEMS);
                if depth == 1 && listed {
                    items.push(i);
                }
                i += len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// See [`procedure_items`].
#[derive(Debug, PartialEq, Eq)]
pub struct ProcedureLayout {
    pub open: usize,
    pub items: Vec<usize>,
    pub close: usize,
}

/// Whether `text` holds only whitespace and comments.
pub fn only_blanks(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        match skip(text, i) {
            // A block comment only if it is closed.
            Some(Skipped::Comment { next, .. })
                if !text[i..].starts_with("/*")
                    || (next >= i + 4 && text[..next].ends_with("*/")) =>
            {
                i = next
            }
            _ => return false,
        }
    }
    true
}

/// The byte range of each top-level declaration that
/// [`declaration_starts`] finds: from its keyword to the end of its last
/// token, without the whitespace and comments after it (as the tree's
/// spans of a file that parses). `comments` are the text's
/// [`comments`]. It costs one pass over the text, where parsing costs
/// many.
pub fn declaration_ranges(text: &str, comments: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let starts = declaration_starts(text);
    let mut out = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).copied().unwrap_or(text.len());
        loop {
            end = start
                + text[start..end]
                    .trim_end_matches(|c: char| c.is_ascii_whitespace())
                    .len();
            // A comment that ends where the declaration now ends is after
            // it: comments do not overlap, so their ends are in order.
            match comments.binary_search_by(|&(_, e)| e.cmp(&end)) {
                Ok(i) if comments[i].0 >= start => end = comments[i].0,
                _ => break,
            }
        }
        out.push((start, end));
    }
    out
}

/// The byte ranges of every comment (`//…` to the end of its line, without
/// the line break, or `/* … */`), in order, skipping strings.
pub fn comments(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match bytes[i..].iter().position(|&b| may_open(b)) {
            Some(k) => i += k,
            None => break,
        }
        match skip(text, i) {
            Some(Skipped::String(next)) => i = next,
            Some(Skipped::Comment { end, next }) => {
                out.push((i, end));
                i = next;
            }
            None => i += 1,
        }
    }
    out
}

/// The start and description of the last token that begins before `at`,
/// skipping whitespace and comments.
pub fn previous_token(text: &str, at: usize) -> Option<(usize, Found)> {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let mut i = 0;
    let mut last = None;
    while i < at {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(Skipped::Comment { next, .. }) = skip(text, i) {
            i = next;
            continue;
        }
        let found = token_at(text, i);
        let len = found.len(text, i).max(1);
        last = Some((i, found));
        i += len;
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_described_whole() {
        assert_eq!(token_at("leader x", 0), Found::Word("leader".into()));
        assert_eq!(token_at("\"ab\" x", 0), Found::String("\"ab\"".into()));
        assert_eq!(
            token_at("\"ab\nc\"", 0),
            Found::UnterminatedString { end: 3 }
        );
        assert_eq!(token_at("/* x", 0), Found::UnterminatedComment);
        assert_eq!(token_at("<= 3", 0), Found::Symbol("<=".into()));
        assert_eq!(token_at("é", 0), Found::Symbol("é".into()));
        assert_eq!(token_at("", 0), Found::EndOfInput);
    }

    #[test]
    fn brackets_skip_strings_and_comments() {
        let text = "a { \"{(\" // {(\n /* { */ ( [ ) } {";
        let b = brackets(text, text.len(), 1);
        assert_eq!(b.too_deep, text.find('['));
        assert_eq!(b.open_braces, vec![text.rfind('{').unwrap()]);
    }

    #[test]
    fn declarations_start_at_top_level_keywords_only() {
        let text =
            "// actor\nactor a { note \"use\" }\nfact f: x | y procedure p { step s {} }use \"b\"";
        let starts: Vec<&str> = declaration_starts(text)
            .iter()
            .map(|&i| &text[i..i + 3])
            .collect();
        assert_eq!(starts, ["act", "fac", "pro", "use"]);
        assert!(declaration_starts("actors useful").is_empty());
    }

    #[test]
    fn comments_are_found_outside_strings() {
        let text = "a // one\r\n\"// not\" /* two */ b";
        let found: Vec<&str> = comments(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["// one", "/* two */"]);
    }

    #[test]
    fn previous_token_skips_comments() {
        let text = "support a, /* x */ // y\n }";
        let at = text.find('}').unwrap();
        assert_eq!(
            previous_token(text, at),
            Some((text.find(',').unwrap(), Found::Symbol(",".into())))
        );
        assert_eq!(previous_token("  x", 0), None);
    }
}
