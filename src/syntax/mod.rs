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
use error::shorten;
pub use scan::{comments, declaration_ranges};

/// The pest parser generated from `grammar/muster.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/muster.pest"]
pub struct MusterParser;

/// The deepest nesting of parentheses, brackets and `not`s that a file may
/// use. Real conditions stay far below it; the bound keeps every recursive
/// pass over an expression (pest's, the lowering's, the checker's) shallow.
pub const MAX_NESTING: usize = 64;

/// From this size on, a file's declarations are parsed on several threads.
const PARALLEL_BYTES: usize = 64 * 1024;
/// At most this many runs of declarations per file.
const MAX_RUNS: usize = 8;
/// From this size on, a procedure is parsed one item at a time.
const SPLIT_BYTES: usize = 64 * 1024;

/// What parsing one run of declarations gave.
struct Run<'a> {
    lowerer: lower::Lowerer<'a>,
    declarations: Vec<ast::Declaration>,
    result: Result<(), lower::Stop>,
    /// The syntax error that stopped it, if one did.
    syntax: Option<Diagnostic>,
}

/// The threads that parse runs of a large file, each with the parser's
/// own stack size.
fn parse_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(PARSER_STACK)
            .thread_name(|i| format!("muster-parse-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// The outcome of parsing one file.
#[derive(Debug)]
pub struct Parsed {
    /// The tree, unless a syntax error (E0001) stopped the file.
    pub ast: Option<ast::File>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many of the errors leave the tree's meaning certain enough to
    /// check the rest of the file: an unknown word where a fixed one is
    /// expected (an actor kind, a decision rule), which stands for
    /// nothing.
    pub recoverable: usize,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }

    /// Whether the file is checked: it has a tree and every error in it is
    /// [`Parsed::recoverable`]. A syntax error or an invalid literal
    /// leaves its meaning uncertain, and findings about it would be
    /// guesses.
    pub fn checkable(&self) -> bool {
        self.ast.is_some()
            && self.diagnostics.iter().filter(|d| d.is_error()).count() <= self.recoverable
    }
}

/// The stack on which a file is parsed. pest and the lowering recurse once
/// per nesting level; with [`MAX_NESTING`] bounding the levels, this fixed
/// stack makes the outcome independent of the caller's own stack (a test
/// thread, an editor's worker), so the same input always gives the same
/// diagnostics.
const PARSER_STACK: usize = 16 * 1024 * 1024;

/// Parses and lowers the text of one file.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_splitting_at(file, text, SPLIT_BYTES)
}

/// [`parse`], parsing procedures of `split` bytes or more one item at a
/// time (tests set it low to hold the two ways equal).
fn parse_splitting_at(file: FileId, text: &str, split: usize) -> Parsed {
    let mut parsed = parse_on_own_stack(file, text, split);
    parsed.diagnostics.extend(direction_controls(file, text));
    parsed
}

/// W0007 for every bidirectional control character in the text (in a
/// comment or a string: anywhere else it is a syntax error already). Such
/// a character makes an editor or a review tool show the text in another
/// order than the compiler reads it.
fn direction_controls(file: FileId, text: &str) -> Vec<Diagnostic> {
    if !text.chars().any(crate::diagnostic::is_bidi_control) {
        return Vec::new();
    }
    let comments = scan::comments(text);
    text.char_indices()
        .filter(|&(_, c)| crate::diagnostic::is_bidi_control(c))
        .map(|(at, c)| {
            let in_comment = comments
                .binary_search_by(|&(start, end)| {
                    if end <= at {
                        std::cmp::Ordering::Less
                    } else if start > at {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .is_ok();
            let place = if in_comment { "a comment" } else { "a string" };
            Diagnostic::new(
                Code::W0007,
                format!(
                    "text direction control character U+{:04X} in {place}",
                    u32::from(c)
                ),
                Span::new(file, at, at + c.len_utf8()),
            )
            .with_label("it can make this line read differently from what it compiles to")
            .with_help(format!(
                "remove it; in a string that needs it, write the escape `\\u{{{:x}}}`",
                u32::from(c)
            ))
        })
        .collect()
}

fn parse_on_own_stack(file: FileId, text: &str, split: usize) -> Parsed {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("muster-parse".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_here(file, text, split));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| Parsed {
                ast: None,
                diagnostics: vec![internal_error(file, "the parser panicked".into())],
                recoverable: 0,
            }),
            // No thread could be started: parse on this one; pest's stack
            // guard still turns exhaustion into a clean error.
            Err(_) => parse_here(file, text, split),
        }
    })
}

fn internal_error(file: FileId, what: String) -> Diagnostic {
    Diagnostic::error(
        Code::E0001,
        "internal error: this file could not be read",
        Span::new(file, 0, 0),
    )
    .with_note(what)
    .with_help("this is a bug in Muster; please report it with this file")
}

fn parse_here(file: FileId, text: &str, split: usize) -> Parsed {
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
            recoverable: 0,
        };
    }
    // One top-level declaration at a time: pest keeps every token of what
    // it parses until it is lowered, so small pieces keep memory small.
    // A byte-order mark is ignored where it is the first character, and
    // only there.
    let begin = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut starts = scan::declaration_starts(text);
    starts.retain(|&s| s >= begin);
    if starts.first() != Some(&begin) {
        starts.insert(0, begin);
    }
    // Large files are parsed in contiguous runs of declarations on
    // several threads, then put back together in order: the outcome is
    // the one of parsing them one after the other.
    let runs = if text.len() >= PARALLEL_BYTES {
        rayon::current_num_threads().clamp(1, MAX_RUNS)
    } else {
        1
    };
    // Runs of about the same number of bytes, cut at declarations.
    let mut chunks: Vec<&[usize]> = Vec::with_capacity(runs);
    let mut from = 0;
    for k in 1..runs {
        let target = begin + (text.len() - begin) * k / runs;
        let cut = starts.partition_point(|&s| s < target).max(from + 1);
        if cut < starts.len() {
            chunks.push(&starts[from..cut]);
            from = cut;
        }
    }
    chunks.push(&starts[from..]);
    let parse_run = |k: usize| -> Run {
        let chunk = chunks[k];
        let next_start = chunks
            .get(k + 1)
            .and_then(|c| c.first())
            .copied()
            .unwrap_or(text.len());
        let mut lowerer = lower::Lowerer::new(file, text);
        let mut declarations = Vec::new();
        let mut result = Ok(());
        for (i, &start) in chunk.iter().enumerate() {
            let end = chunk.get(i + 1).copied().unwrap_or(next_start);
            let piece = &text[start..end];
            if piece.len() >= split
                && piece.starts_with("procedure")
                && let Some(layout) = scan::procedure_items(text, start, end)
                && let Some(procedure) = lowerer.procedure_in_items(start, &layout)
            {
                declarations.push(procedure);
                continue;
            }
            let mut pairs = match MusterParser::parse(Rule::file, piece) {
                Ok(pairs) => pairs,
                Err(e) => {
                    return Run {
                        lowerer,
                        declarations,
                        result,
                        syntax: Some(error::syntax_error(file, text, start, &e)),
                    };
                }
            };
            result = match pairs.next() {
                Some(pair) => lowerer.piece(pair, start, &mut declarations),
                None => Err(lower::Stop::Bug("no file rule".into())),
            };
            if result.is_err() {
                break;
            }
        }
        Run {
            lowerer,
            declarations,
            result,
            syntax: None,
        }
    };
    let parsed_runs: Vec<Run> = match parse_pool() {
        Some(pool) if chunks.len() > 1 => {
            use rayon::prelude::*;
            pool.install(|| (0..chunks.len()).into_par_iter().map(parse_run).collect())
        }
        // Without threads of our own (or for a small file), in turn.
        _ => (0..chunks.len()).map(parse_run).collect(),
    };
    let mut lowerer = lower::Lowerer::new(file, text);
    let mut declarations = Vec::new();
    let mut result = Ok(());
    for run in parsed_runs {
        if let Some(syntax) = run.syntax {
            return Parsed {
                ast: None,
                diagnostics: vec![syntax],
                recoverable: 0,
            };
        }
        lowerer.diagnostics.extend(run.lowerer.diagnostics);
        lowerer.recoverable += run.lowerer.recoverable;
        declarations.extend(run.declarations);
        result = run.result;
        if result.is_err() {
            break;
        }
    }
    let recoverable = lowerer.recoverable;
    let mut diagnostics = lowerer.diagnostics;
    let ast = match result {
        Ok(()) => Some(ast::File {
            declarations,
            span: Span::new(file, 0, text.len()),
        }),
        Err(lower::Stop::Reported) => None,
        Err(lower::Stop::Bug(what)) => {
            diagnostics.push(internal_error(file, what));
            None
        }
    };
    Parsed {
        ast,
        diagnostics,
        recoverable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn muster_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                muster_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "muster") {
                out.push(path);
            }
        }
    }

    /// Parsing a procedure one item at a time gives what parsing it whole
    /// gives: the tree, or the same diagnostics when it does not parse.
    fn same_both_ways(name: &str, text: &str) {
        let whole = parse_splitting_at(FileId(0), text, usize::MAX);
        let items = parse_splitting_at(FileId(0), text, 0);
        assert_eq!(format!("{whole:?}"), format!("{items:?}"), "{name}");
    }

    #[test]
    fn procedures_parse_alike_whole_and_item_by_item() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["tests/ui", "examples"] {
            muster_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 100, "the fixtures were not found");
        for path in &files {
            if let Ok(text) = std::fs::read_to_string(path) {
                same_both_ways(&path.display().to_string(), &text);
            }
        }
    }

    /// The item-by-item path is taken for every procedure of the examples
    /// (else the tests above compare the whole parse with itself).
    #[test]
    fn valid_procedures_are_parsed_item_by_item() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        muster_files(&root.join("examples"), &mut files);
        let mut procedures = 0;
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let starts = scan::declaration_starts(&text);
            for (k, &start) in starts.iter().enumerate() {
                if !text[start..].starts_with("procedure") {
                    continue;
                }
                let end = starts.get(k + 1).copied().unwrap_or(text.len());
                let layout = scan::procedure_items(&text, start, end);
                let layout = layout.unwrap_or_else(|| panic!("{}: no layout", path.display()));
                let mut lowerer = lower::Lowerer::new(FileId(0), &text);
                assert!(
                    lowerer.procedure_in_items(start, &layout).is_some(),
                    "{}: at {start}",
                    path.display()
                );
                procedures += 1;
            }
        }
        assert!(procedures >= 10, "too few procedures: {procedures}");
    }

    #[test]
    fn odd_procedures_parse_alike_whole_and_item_by_item() {
        let cases = [
            // Comments and doc comments between items, braces and item
            // words in strings and comments.
            "procedure p \"P {lead}\" {\n  // step x {\n  lead a /* } */\n  /// The first.\n  step s \"a } step\" { owner a }\n  support a, b\n}\n",
            // Item words as names: the pieces do not parse; the whole does.
            "procedure p { lead note  support lead, step }\n",
            "procedure p { support a, lead b }\n",
            // A syntax error inside an item, and one between items.
            "procedure p { step s { owner } }\n",
            "procedure p { lead a ; step s {} }\n",
            // Nothing but the head; text before the first item.
            "procedure p {}\n",
            "procedure p { x lead a }\n",
            // Not closed, or closed and followed by more.
            "procedure p { lead a\n",
            "procedure p { lead a } }\n",
            "procedure p { lead a } /* open\n",
            // An invalid literal inside an item.
            "procedure p { step s { takes 99999999999999d } }\n",
            "procedure p { resources r(0 units) trigger t { when (a and (b or not c)) } }\n",
        ];
        for case in cases {
            same_both_ways(case, case);
        }
    }
}
