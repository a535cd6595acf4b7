//! Decoding and validation of literals: integers, durations, strings, and
//! the doc comments that stand before a declaration.

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

/// An invalid escape in a string body, as a byte range of the body.
#[derive(Debug, PartialEq, Eq)]
pub struct EscapeError {
    pub start: usize,
    pub end: usize,
    pub what: &'static str,
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
            });
            break;
        };
        match escaped {
            '\\' => value.push('\\'),
            '"' => value.push('"'),
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'u' => {
                // `\u{XXXX}`: 1 to 6 hex digits naming a Unicode scalar value.
                let mut end = start + 2;
                let mut digits = String::new();
                let mut closed = false;
                if chars.peek().map(|&(_, c)| c) == Some('{') {
                    let (i, _) = chars.next().unwrap_or((end, '{'));
                    end = i + 1;
                    while let Some(&(i, c)) = chars.peek() {
                        if c == '}' {
                            chars.next();
                            end = i + 1;
                            closed = true;
                            break;
                        }
                        if !c.is_ascii_hexdigit() || digits.len() == 6 {
                            break;
                        }
                        digits.push(c);
                        chars.next();
                        end = i + c.len_utf8();
                    }
                }
                let decoded = if closed && !digits.is_empty() {
                    u32::from_str_radix(&digits, 16)
                        .ok()
                        .and_then(char::from_u32)
                } else {
                    None
                };
                match decoded {
                    Some(c) => value.push(c),
                    None => errors.push(EscapeError {
                        start,
                        end,
                        what: "invalid unicode escape",
                    }),
                }
            }
            other => errors.push(EscapeError {
                start,
                end: start + 1 + other.len_utf8(),
                what: "unknown escape",
            }),
        }
    }
    (value, errors)
}

fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{feff}')
}

/// The doc comment of a declaration that starts at byte `start`: the
/// consecutive `///` lines directly above it (no blank line between), with
/// `///` and one following space removed, joined with `\n`. `////` starts an
/// ordinary comment.
pub fn doc_before(text: &str, start: usize) -> Option<String> {
    let before = text.get(..start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !is_blank(&before[line_start..]) {
        return None;
    }
    let mut lines = Vec::new();
    let mut end = line_start;
    while end > 0 {
        let newline = end - 1;
        let prev_start = before[..newline].rfind('\n').map_or(0, |i| i + 1);
        let line = before[prev_start..newline]
            .trim_end_matches('\r')
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        match line.strip_prefix("///") {
            Some(rest) if !rest.starts_with('/') => {
                lines.push(rest.strip_prefix(' ').unwrap_or(rest));
                end = prev_start;
            }
            _ => break,
        }
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
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
    fn escapes_decode_and_bad_ones_are_reported_at_their_bytes() {
        let (value, errors) = unescape(r#"a\"b\\c\nd\te\u{e9}\u{1F600}"#);
        assert_eq!(value, "a\"b\\c\nd\te\u{e9}\u{1F600}");
        assert!(errors.is_empty());
        let (_, errors) = unescape(r"x\qy");
        assert_eq!(
            errors,
            vec![EscapeError {
                start: 1,
                end: 3,
                what: "unknown escape"
            }]
        );
        for bad in [
            r"\u{D800}",
            r"\u{110000}",
            r"\u{}",
            r"\u41",
            r"\u{1234567}",
            r"\u{zz}",
        ] {
            let (_, errors) = unescape(bad);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].what, "invalid unicode escape", "{bad}");
        }
    }

    #[test]
    fn doc_comments_are_the_triple_slash_lines_directly_above() {
        let text = "// plain\n/// One.\n///Two.\n  actor a { kind role }";
        let start = text.find("actor").unwrap();
        assert_eq!(doc_before(text, start).as_deref(), Some("One.\nTwo."));
        let text = "/// Far.\n\nactor a { kind role }";
        assert_eq!(doc_before(text, text.find("actor").unwrap()), None);
        let text = "//// Not doc.\nactor a { kind role }";
        assert_eq!(doc_before(text, text.find("actor").unwrap()), None);
        let text = "/// Crlf.\r\nactor a {}";
        assert_eq!(
            doc_before(text, text.find("actor").unwrap()).as_deref(),
            Some("Crlf.")
        );
        let text = "x { } /// no\nactor a {}";
        assert_eq!(
            doc_before(text, text.find("actor").unwrap()).as_deref(),
            None
        );
    }
}
