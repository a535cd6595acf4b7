//! The front end: the pest grammar, the typed AST and the lowering between
//! them.
//!
//! Architecture invariant: parsing never panics and never recurses without a
//! bound. A file either lowers to an AST (possibly with E0002 literal
//! diagnostics) or yields a single E0001 that stops that file only.

pub mod ast;
mod error;
pub mod literal;
mod lower;
mod scan;

use pest::Parser as _;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub use error::is_reserved;

/// The pest parser generated from `grammar/muster.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/muster.pest"]
pub struct MusterParser;

/// The deepest nesting of parentheses, brackets and `not`s that a file may
/// use. Real conditions stay far below it; the bound keeps every recursive
/// pass over an expression (pest's, the lowering's, the checker's) shallow.
pub const MAX_NESTING: usize = 64;

/// The outcome of parsing one file.
#[derive(Debug)]
pub struct Parsed {
    /// The tree, unless a syntax error (E0001) stopped the file.
    pub ast: Option<ast::File>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Parses and lowers the text of one file.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let brackets = scan::brackets(text, text.len(), MAX_NESTING);
    if let Some(at) = brackets.too_deep {
        return Parsed {
            ast: None,
            diagnostics: vec![
                Diagnostic::error(Code::E0001, "nesting too deep", Span::new(file, at, at + 1))
                    .with_label(format!(
                        "more than {MAX_NESTING} levels of parentheses and brackets"
                    ))
                    .with_help("split the condition into simpler facts"),
            ],
        };
    }
    let mut pairs = match MusterParser::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(e) => {
            return Parsed {
                ast: None,
                diagnostics: vec![error::syntax_error(file, text, &e)],
            };
        }
    };
    let mut lowerer = lower::Lowerer::new(file, text);
    let result = match pairs.next() {
        Some(pair) => lowerer.file(pair),
        None => Err(lower::Stop::Bug("no file rule".into())),
    };
    let mut diagnostics = lowerer.diagnostics;
    let ast = match result {
        Ok(ast) => Some(ast),
        Err(lower::Stop::Reported) => None,
        Err(lower::Stop::Bug(what)) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::E0001,
                    "internal error: the syntax tree has an unexpected shape",
                    Span::new(file, 0, 0),
                )
                .with_note(what)
                .with_help("this is a bug in Muster; please report it with this file"),
            );
            None
        }
    };
    Parsed { ast, diagnostics }
}
