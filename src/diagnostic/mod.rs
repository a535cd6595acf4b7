//! Diagnostics are data: every pass pushes [`Diagnostic`]s with a stable
//! code and byte spans; the writers in this module (`human` via ariadne,
//! `json`, `github`) turn them into text. Only the CLI prints that text.

mod concise;
mod github;
mod human;
mod json;
mod sarif;
mod schema;

use std::borrow::Cow;

use serde::Serialize;

use crate::source::Span;

pub use concise::write_concise;
pub use github::write_github;
pub use human::{HumanOptions, write_human};
pub use json::{diagnostic_value, write_json};
pub use sarif::{help_text, write_sarif};
pub use schema::{DIAGNOSTICS_SCHEMA_ID, diagnostics_schema};

/// Whether `c` could act on a terminal or a log, or hide what a line says:
/// control characters (C0, DEL, C1, which include line breaks and escape
/// sequences), the Unicode line and paragraph separators, the byte-order
/// mark and the bidirectional controls, which can make a text read
/// differently from what it is.
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || is_bidi_control(c)
}

/// The bidirectional embedding, override and isolate controls
/// (U+202A–U+202E, U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes one character of [`is_hostile`] as an escape: `\n`, `\r`, `\t`,
/// or `\u{1b}`.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `text` with every character of [`is_hostile`] escaped: what every
/// writer does with text that came from the input (paths, names, labels,
/// messages), so that no handbook can print a workflow command, clear a
/// terminal or reorder what a reader sees.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hostile(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a diagnostic stops the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($code:ident: $severity:ident, $summary:literal;)*) => {
        /// The stable diagnostic codes of the language (docs/reference.md#diagnostic-codes).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$code => Severity::$severity,)*
                }
            }

            /// The one-line meaning of the code, as in the reference's table.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$code => $summary,)*
                }
            }

            pub fn parse(text: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

codes! {
    E0001: Error, "syntax error";
    E0002: Error, "invalid literal (integer, duration, string escape)";
    E0003: Error, "file is not valid UTF-8";
    E0004: Error, "`use`d file not found or unreadable";
    E0005: Error, "cycle of `use`";
    E0006: Error, "`use` path absolute or outside the root";
    W0007: Warning, "text direction control character in the source";
    E0101: Error, "duplicate declaration";
    E0102: Error, "undefined name";
    E0103: Error, "wrong kind of name";
    E0105: Error, "cycle in the actor hierarchy";
    E0106: Error, "attribute given twice";
    E0201: Error, "trigger has no leader";
    E0202: Error, "trigger has no resources";
    E0203: Error, "a group cannot lead";
    E0204: Error, "a procedure started by `activates` has no lead of its own";
    E0301: Error, "cycle among steps";
    E0302: Error, "deadline cannot be met";
    E0303: Error, "step has no owner";
    E0304: Error, "resource ready too late for a deadline";
    W0305: Warning, "deadline at risk: missed in the worst case, met in the best";
    E0401: Error, "requirement exceeds capacity";
    E0402: Error, "unit mismatch / amount without capacity";
    W0403: Warning, "resource may be over-committed";
    W0404: Warning, "step needs a resource its trigger does not mobilise";
    E0501: Error, "type mismatch in a condition";
    E0502: Error, "unknown enumeration variant";
    W0503: Warning, "comparison is always true or always false";
    E0504: Error, "attribute not allowed for this kind";
    E0505: Error, "required attribute missing";
    W0601: Warning, "declared but never used";
    W0602: Warning, "procedure has no trigger";
    W0701: Warning, "deadline missed in a scenario";
    W0702: Warning, "shortage in a scenario: a claim waited";
    W0703: Warning, "step never completed in a scenario";
    W0704: Warning, "incident activated no procedure";
    E0705: Error, "expectation not met";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A secondary label: another place that explains the diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding, in the project's own terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line, lower case, no final period.
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// What to say under the primary span, if anything.
    pub label: Option<String>,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `code` (its severity comes from the code).
    pub fn new(code: Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Same as [`Diagnostic::new`]; reads better at call sites of errors.
    pub fn error(code: Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic::new(code, message, span)
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Points every span at the file `map` gives for its old one (after
    /// [`crate::source::SourceMap::absorb`]).
    pub fn remap(&mut self, map: &[crate::source::FileId]) {
        let remap = |span: &mut Span| {
            if let Some(&id) = map.get(span.file.0 as usize) {
                span.file = id;
            }
        };
        remap(&mut self.span);
        for label in &mut self.secondary {
            remap(&mut label.span);
        }
    }
}

/// Sorts diagnostics by file, then position, then code: the order in which
/// every writer reports them.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start(), a.span.end(), a.code).cmp(&(
            b.span.file,
            b.span.start(),
            b.span.end(),
            b.code,
        ))
    });
}

/// Counts of errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }

    /// `2 errors, 1 warning`, or `no problems`.
    pub fn summary(self) -> String {
        fn plural(n: usize, word: &str) -> String {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        }
        match (self.errors, self.warnings) {
            (0, 0) => "no problems".to_owned(),
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        }
    }
}
