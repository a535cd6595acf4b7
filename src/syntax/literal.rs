//! Decoding and validation of literals: integers, durations, strings, and
//! the doc comments that stand before a declaration.

use std::borrow::Cow;

/// Parses `[0-9]+` with `_` between digits. `None` when it exceeds `u32`.
pub fn parse_int(text: &str) -> Option<u32> {
    let mut value: u32 = 0;
    for b in text.bytes() {
        if b == b'_' {
            continue;
        }
        let digit = u32::from(b.checked_sub(b'0')?);
        if digit > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    Some(value)
}

#[derive(Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Units not strictly decreasing. `canonical` is the same length written
    /// in canonical order, when it fits.
    UnitOrder { canonical: Option<String> },
    /// More than `u32::MAX` minutes.
    Overflow,
}

/// Minutes in one unit of duration.
fn unit_minutes(unit: u8) -> u64 {
    match unit {
        b'w' => 7 * 24 * 60,
        b'd' => 24 * 60,
        b'h' => 60,
        _ => 1,
    }
}

/// Parses one or more `<integer><unit>` parts with units strictly
/// decreasing (`w` > `d` > `h` > `m`), into minutes.
pub fn parse_duration(text: &str) -> Result<u32, DurationError> {
    let mut total: u64 = 0;
    let mut overflow = false;
    let mut in_order = true;
    let mut last_unit = u64::MAX;
    let mut number: u64 = 0;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => {
                number = number
                    .saturating_mul(10)
                    .saturating_add(u64::from(b - b'0'));
            }
            b'_' => {}
            _ => {
                let minutes = unit_minutes(b);
                if minutes >= last_unit {
                    in_order = false;
                }
                last_unit = minutes;
                total = match number
                    .checked_mul(minutes)
                    .and_then(|m| total.checked_add(m))
                {
                    Some(t) => t,
                    None => {
                        overflow = true;
                        u64::MAX
                    }
                };
                number = 0;
            }
        }
    }
    let fits = !overflow && total <= u64::from(u32::MAX);
    if !in_order {
        let canonical = fits.then(|| format_minutes(total));
        return Err(DurationError::UnitOrder { canonical });
    }
    if !fits {
        return Err(DurationError::Overflow);
    }
    Ok(total as u32)
}

/// Writes minutes as a canonical duration: largest units first, zero parts
/// left out, `0m` for zero.
pub fn format_minutes(minutes: u64) -> String {
    if minutes == 0 {
        return "0m".to_owned();
    }
    let mut rest = minutes;
    let mut out = String::new();
    for unit in [b'w', b'd', b'h', b'm'] {
        let size = unit_minutes(unit);
        let count = rest / size;
        rest %= size;
        if count > 0 {
            out.push_str(&count.to_string());
            out.push(char::from(unit));
        }
    }
    out
}

/// Writes minutes as people read a duration in a message: like
/// [`format_minutes`], but in days below two weeks (`8d`, not `1w1d`).
pub fn format_readable(minutes: u64) -> String {
    const WEEK: u64 = 7 * 24 * 60;
    if minutes >= 2 * WEEK {
        return format_minutes(minutes);
    }
    let days = minutes / (24 * 60);
    let rest = minutes % (24 * 60);
    match (days, rest) {
        (0, _) => format_minutes(rest),
        (d, 0) => format!("{d}d"),
        (d, r) => format!("{d}d{}", format_minutes(r)),
    }
}

/// An invalid escape in a string body, as a byte range of the body.
#[derive(Debug, PartialEq, Eq)]
pub struct EscapeError {
    pub start: usize,
    pub end: usize,
    /// `unknown escape` or `invalid unicode escape`.
    pub what: &'static str,
    /// Why, in a few words.
    pub reason: String,
    /// How to fix it, when there is more to say than the list of escapes.
    pub help: Option<String>,
}

/// Decodes the escapes of a string body (the text between the quotes).
/// Invalid escapes are reported and left out of the value.
pub fn unescape(body: &str) -> (String, Vec<EscapeError>) {
    let mut value = String::with_capacity(body.len());
    let mut errors = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        let Some((_, escaped)) = chars.next() else {
            // The grammar never ends a body with a lone backslash.
            errors.push(EscapeError {
                start,
                end: body.len(),
                what: "unknown escape",
                reason: "a backslash must be followed by an escape".to_owned(),
                help: None,
            });
            break;
        };
        match escaped {
            '\\' => value.push('\\'),
            '"' => value.push('"'),
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'u' => match unicode_escape(body, start) {
                Ok((c, end)) => {
                    value.push(c);
                    while chars.peek().is_some_and(|&(i, _)| i < end) {
                        chars.next();
                    }
                }
                Err(error) => {
                    while chars.peek().is_some_and(|&(i, _)| i < error.end) {
                        chars.next();
                    }
                    errors.push(error);
                }
            },
            other => errors.push(EscapeError {
                start,
                end: start + 1 + other.len_utf8(),
                what: "unknown escape",
                reason: "not an escape".to_owned(),
                help: None,
            }),
        }
    }
    (value, errors)
}

/// Decodes `\u{X…}` starting at the backslash at `start`: the character and
/// the end of the escape, or why it is invalid.
fn unicode_escape(body: &str, start: usize) -> Result<(char, usize), EscapeError> {
    let after_u = start + 2;
    let rest = &body[after_u..];
    let hex_run = |s: &str| s.bytes().take_while(u8::is_ascii_hexdigit).count();
    let invalid = |end: usize, reason: String, help: Option<String>| EscapeError {
        start,
        end,
        what: "invalid unicode escape",
        reason,
        help,
    };
    let Some(inner) = rest.strip_prefix('{') else {
        let digits = &rest[..hex_run(rest).min(6)];
        let help = (!digits.is_empty()).then(|| format!("write `\\u{{{digits}}}`"));
        return Err(invalid(
            after_u + digits.len(),
            "`\\u` must be followed by `{`".to_owned(),
            help,
        ));
    };
    let digits = &inner[..hex_run(inner)];
    let digits_end = after_u + 1 + digits.len();
    let next = inner[digits.len()..].chars().next();
    let shape_help = Some("write 1 to 6 hexadecimal digits between braces: `\\u{e9}`".to_owned());
    match next {
        Some('}') => {}
        Some(c) => {
            return Err(invalid(
                digits_end + c.len_utf8(),
                format!("`{c}` is not a hexadecimal digit"),
                shape_help,
            ));
        }
        None => {
            return Err(invalid(
                digits_end,
                "not closed with `}`".to_owned(),
                shape_help,
            ));
        }
    }
    let end = digits_end + 1;
    if digits.is_empty() || digits.len() > 6 {
        return Err(invalid(
            end,
            format!("{} hexadecimal digits (1 to 6 are allowed)", digits.len()),
            shape_help,
        ));
    }
    let code = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
    match char::from_u32(code) {
        Some(c) => Ok((c, end)),
        None if (0xD800..=0xDFFF).contains(&code) => Err(invalid(
            end,
            format!("U+{code:04X} is a surrogate, not a Unicode scalar value"),
            Some("write the character itself, or its scalar value".to_owned()),
        )),
        None => Err(invalid(
            end,
            format!("U+{code:X} is above U+10FFFF, the last code point"),
            None,
        )),
    }
}

/// The doc comment of a declaration that starts at byte `start`: the
/// consecutive `///` lines directly above it (no blank line between), as
/// the byte range from the first `///` to the end of the last line (see
/// [`doc_value`] for its text). `////` starts an ordinary comment.
/// `is_comment(offset)` tells whether a comment really starts at `offset`
/// (a `///` line inside a block comment is no doc).
pub fn doc_before(
    text: &str,
    start: usize,
    is_comment: impl Fn(usize) -> bool,
) -> Option<std::ops::Range<usize>> {
    let before = text.get(..start)?;
    // Only whitespace may stand between the line start and the
    // declaration: walk back over it, never further (a long line with
    // many declarations must not be scanned again for each).
    let mut line_start = before.len();
    for (i, c) in before.char_indices().rev() {
        if c == '\n' {
            break;
        }
        if !(c.is_whitespace() || c == '\u{feff}') {
            return None;
        }
        line_start = i;
    }
    let mut first = None;
    let mut last_end = None;
    let mut end = line_start;
    while end > 0 {
        let newline = end - 1;
        let prev_start = before[..newline].rfind('\n').map_or(0, |i| i + 1);
        let raw = &before[prev_start..newline];
        let offset = prev_start
            + (raw.len()
                - raw
                    .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .len());
        let line = &before[offset..newline];
        match line.strip_prefix("///") {
            Some(rest) if !rest.starts_with('/') && is_comment(offset) => {
                first = Some(offset);
                last_end.get_or_insert(newline);
                end = prev_start;
            }
            _ => break,
        }
    }
    Some(first?..last_end?)
}

/// The text of a doc comment whose `///` lines are `lines` (as
/// [`doc_before`] finds them): each line without `///`, one space after
/// it and trailing blanks (the formatter removes them, and formatting
/// never changes a plan), joined with `\n`. Borrowed for one line.
pub fn doc_value(lines: &str) -> Cow<'_, str> {
    fn clean(line: &str) -> &str {
        let line = line
            .trim_end_matches('\r')
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let rest = line.strip_prefix("///").unwrap_or(line);
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        rest.trim_end_matches([' ', '\t'])
    }
    if !lines.contains('\n') {
        return Cow::Borrowed(clean(lines));
    }
    let mut text = String::with_capacity(lines.len());
    for (i, line) in lines.split('\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(clean(line));
    }
    Cow::Owned(text)
}

/// The value of a string literal written as `quoted` (quotes included):
/// borrowed when it has no escapes. Invalid escapes, reported when the
/// file was lowered, are left out.
pub fn string_value(quoted: &str) -> Cow<'_, str> {
    let body = quoted
        .strip_prefix('"')
        .map(|rest| rest.strip_suffix('"').unwrap_or(rest))
        .unwrap_or(quoted);
    if body.contains('\\') {
        Cow::Owned(unescape(body).0)
    } else {
        Cow::Borrowed(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_allow_underscores_and_refuse_overflow() {
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("4294967295"), Some(u32::MAX));
        assert_eq!(parse_int("4294967296"), None);
    }

    #[test]
    fn durations_are_minutes_with_decreasing_units() {
        assert_eq!(parse_duration("90m"), Ok(90));
        assert_eq!(parse_duration("1d12h"), Ok(2160));
        assert_eq!(parse_duration("2w"), Ok(20160));
        assert_eq!(
            parse_duration("12h1d"),
            Err(DurationError::UnitOrder {
                canonical: Some("1d12h".into())
            })
        );
        assert_eq!(
            parse_duration("1h1h"),
            Err(DurationError::UnitOrder {
                canonical: Some("2h".into())
            })
        );
        assert_eq!(parse_duration("4294967295m"), Ok(u32::MAX));
        assert_eq!(parse_duration("4294967296m"), Err(DurationError::Overflow));
        assert_eq!(
            parse_duration("99999999999999999999999w"),
            Err(DurationError::Overflow)
        );
    }

    #[test]
    fn readable_durations_keep_days_below_two_weeks() {
        assert_eq!(format_readable(8 * 1440), "8d");
        assert_eq!(format_readable(8 * 1440 + 90), "8d1h30m");
        assert_eq!(format_readable(90), "1h30m");
        assert_eq!(format_readable(14 * 1440), "2w");
        assert_eq!(format_readable(0), "0m");
    }

    #[test]
    fn escapes_decode_and_bad_ones_are_reported_at_their_bytes() {
        let (value, errors) = unescape(r#"a\"b\\c\nd\te\u{e9}\u{1F600}"#);
        assert_eq!(value, "a\"b\\c\nd\te\u{e9}\u{1F600}");
        assert!(errors.is_empty());
        let (value, errors) = unescape(r"x\qy");
        assert_eq!(value, "xy");
        assert_eq!((errors[0].start, errors[0].end), (1, 3));
        assert_eq!(errors[0].what, "unknown escape");
        // Each bad unicode escape is reported whole, once, with its reason.
        for (bad, len, reason) in [
            (
                r"\u{D800}",
                8,
                "U+D800 is a surrogate, not a Unicode scalar value",
            ),
            (
                r"\u{110000}",
                10,
                "U+110000 is above U+10FFFF, the last code point",
            ),
            (r"\u{}", 4, "0 hexadecimal digits (1 to 6 are allowed)"),
            (r"\u41", 4, "`\\u` must be followed by `{`"),
            (
                r"\u{1234567}",
                11,
                "7 hexadecimal digits (1 to 6 are allowed)",
            ),
            (r"\u{zz}", 4, "`z` is not a hexadecimal digit"),
            (r"\u{41", 5, "not closed with `}`"),
        ] {
            let (_, errors) = unescape(bad);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].what, "invalid unicode escape", "{bad}");
            assert_eq!((errors[0].start, errors[0].end), (0, len), "{bad}");
            assert_eq!(errors[0].reason, reason, "{bad}");
        }
        let (_, errors) = unescape(r"\u00e9");
        assert_eq!(errors[0].help.as_deref(), Some(r"write `\u{00e9}`"));
    }

    fn doc(text: &str, start: usize) -> Option<String> {
        doc_before(text, start, |_| true).map(|range| doc_value(&text[range]).into_owned())
    }

    #[test]
    fn doc_comments_are_the_triple_slash_lines_directly_above() {
        let text = "// plain\n/// One.\n///Two.\n  actor a { kind role }";
        let start = text.find("actor").unwrap();
        assert_eq!(doc(text, start).as_deref(), Some("One.\nTwo."));
        let text = "/// Far.\n\nactor a { kind role }";
        assert_eq!(doc(text, text.find("actor").unwrap()), None);
        let text = "//// Not doc.\nactor a { kind role }";
        assert_eq!(doc(text, text.find("actor").unwrap()), None);
        let text = "/// Crlf.\r\nactor a {}";
        assert_eq!(
            doc(text, text.find("actor").unwrap()).as_deref(),
            Some("Crlf.")
        );
        let text = "/// Spaces at the end \t \n/// are not kept.  \nactor a {}";
        assert_eq!(
            doc(text, text.find("actor").unwrap()).as_deref(),
            Some("Spaces at the end\nare not kept.")
        );
        let text = "x { } /// no\nactor a {}";
        assert_eq!(doc(text, text.find("actor").unwrap()).as_deref(), None);
    }
}
