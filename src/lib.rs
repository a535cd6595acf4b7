//! Muster: a compiler for assistance procedures written as code.
//!
//! The pipeline is `source → syntax (pest → AST) → check → plan → emit`.
//! This crate is the library behind the `muster` binary. The [`cli`] module
//! is the only place that writes files or to the terminal; reading
//! handbooks from disk happens only in [`compile_file`].
//!
//! # Snapshot your own diagrams
//!
//! Teams that keep their handbooks in git can pin the compiled plan and the
//! diagrams in their own tests, with [insta](https://insta.rs):
//!
//! ```no_run
//! let output = muster::compile_file("handbooks/art42_7.muster", &muster::Options::default())
//!     .expect("the handbook is readable");
//! assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
//! let plan = output.plan.expect("the handbook compiles");
//! insta::assert_snapshot!(muster::emit::dot(&plan));
//! insta::assert_snapshot!(muster::emit::mermaid(&plan));
//! insta::assert_snapshot!(muster::emit::json(&plan));
//! ```

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod explain;
pub mod fmt;
mod load;
pub mod plan;
pub mod simulate;
pub mod source;
mod suggest;
pub mod syntax;

use diagnostic::{Code, Diagnostic};
pub use load::{Options, Output, Session, compile_bytes, compile_file};
use source::{FileId, SourceFile, SourceMap, Span};

/// Adds a file to `sources` from its raw bytes. A file that is not valid
/// UTF-8 is added with a lossy copy of its text (for context only) and an
/// E0003 diagnostic at the first offending byte.
pub fn add_source(
    sources: &mut SourceMap,
    name: impl Into<String>,
    bytes: Vec<u8>,
) -> (FileId, Option<Diagnostic>) {
    let name = name.into();
    let path = name.clone();
    add_source_at(sources, name, path, bytes)
}

/// [`add_source`] with a separate `path` for plans (relative to the root).
pub fn add_source_at(
    sources: &mut SourceMap,
    name: String,
    path: String,
    bytes: Vec<u8>,
) -> (FileId, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (
            sources.add(SourceFile::new(name, text).with_path(path)),
            None,
        ),
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bad = error.as_bytes().get(valid_up_to).copied().unwrap_or(0);
            let len = error.as_bytes().len();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let id = sources.add(SourceFile::new(name, text).with_path(path));
            // The offending byte, in the file's own offsets: it is the
            // first thing that differs in the lossy copy, where it became
            // U+FFFD.
            let span = Span::new(id, valid_up_to, (valid_up_to + 1).min(len));
            let diagnostic = Diagnostic::error(Code::E0003, "file is not valid UTF-8", span)
                .with_label(format!(
                    "byte 0x{bad:02X} at offset {valid_up_to} is not UTF-8"
                ))
                .with_help("save the file as UTF-8 (a byte-order mark is allowed)");
            (id, Some(diagnostic))
        }
    }
}

/// Parses one file of `sources` (see [`syntax::parse`]).
pub fn parse_source(sources: &SourceMap, id: FileId) -> syntax::Parsed {
    match sources.get(id) {
        Some(file) => syntax::parse(id, &file.text),
        None => syntax::Parsed {
            ast: None,
            diagnostics: Vec::new(),
            recoverable: 0,
        },
    }
}

/// The outcome of compiling one handbook.
#[derive(Debug, Default)]
pub struct Compilation {
    /// The checked model, when there is no error.
    pub model: Option<check::Model>,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and checks the file `entry` of `sources` as one compilation, on
/// its own: its `use`s are not followed (that needs files, see
/// [`compile_file`] and [`Session`]).
pub fn compile(sources: &SourceMap, entry: FileId) -> Compilation {
    let parsed = parse_source(sources, entry);
    let checkable = parsed.checkable();
    let mut diagnostics = parsed.diagnostics;
    let mut model = None;
    // A file with a syntax or literal error is not checked further: its
    // meaning is uncertain, and findings about it would be guesses.
    if let (Some(ast), true) = (parsed.ast, checkable) {
        let checked = check::check(sources, vec![std::borrow::Cow::Owned(ast)], true);
        diagnostics.extend(checked.diagnostics);
        // An unknown fixed word is an error, so there is no model.
        model = checked
            .model
            .filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    }
    diagnostic::sort(&mut diagnostics);
    Compilation { model, diagnostics }
}
