//! The texts of `muster explain CODE`: for every diagnostic code, what it
//! means, why it matters in a real procedure, and a wrong and a fixed
//! example. The texts are Markdown files beside this module; the examples in
//! them are compiled by the test suite, so they cannot drift from the
//! checker.

use crate::diagnostic::Code;

/// The explanation of `code`, as Markdown.
pub fn text(code: Code) -> &'static str {
    match code {
        Code::E0001 => include_str!("E0001.md"),
        Code::E0002 => include_str!("E0002.md"),
        Code::E0003 => include_str!("E0003.md"),
        Code::E0004 => include_str!("E0004.md"),
        Code::E0005 => include_str!("E0005.md"),
        Code::E0006 => include_str!("E0006.md"),
        Code::W0007 => include_str!("W0007.md"),
        Code::E0101 => include_str!("E0101.md"),
        Code::E0102 => include_str!("E0102.md"),
        Code::E0103 => include_str!("E0103.md"),
        Code::E0105 => include_str!("E0105.md"),
        Code::E0106 => include_str!("E0106.md"),
        Code::E0201 => include_str!("E0201.md"),
        Code::E0202 => include_str!("E0202.md"),
        Code::E0203 => include_str!("E0203.md"),
        Code::E0204 => include_str!("E0204.md"),
        Code::E0301 => include_str!("E0301.md"),
        Code::E0302 => include_str!("E0302.md"),
        Code::E0303 => include_str!("E0303.md"),
        Code::E0304 => include_str!("E0304.md"),
        Code::W0305 => include_str!("W0305.md"),
        Code::E0401 => include_str!("E0401.md"),
        Code::E0402 => include_str!("E0402.md"),
        Code::W0403 => include_str!("W0403.md"),
        Code::W0404 => include_str!("W0404.md"),
        Code::E0501 => include_str!("E0501.md"),
        Code::E0502 => include_str!("E0502.md"),
        Code::W0503 => include_str!("W0503.md"),
        Code::E0504 => include_str!("E0504.md"),
        Code::E0505 => include_str!("E0505.md"),
        Code::W0601 => include_str!("W0601.md"),
        Code::W0602 => include_str!("W0602.md"),
        Code::W0701 => include_str!("W0701.md"),
        Code::W0702 => include_str!("W0702.md"),
        Code::W0703 => include_str!("W0703.md"),
        Code::W0704 => include_str!("W0704.md"),
        Code::E0705 => include_str!("E0705.md"),
    }
}

/// The example after `## heading`: the first fenced `muster` block.
pub fn example(code: Code, heading: &str) -> Option<&'static str> {
    let text = text(code);
    let section = &text[text.find(&format!("\n## {heading}\n"))?..];
    let start = section.find("```muster\n")? + "```muster\n".len();
    let end = section[start..].find("\n```")? + start + 1;
    Some(&section[start..end])
}
