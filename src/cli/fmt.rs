//! `muster fmt [--check] [--diff] [FILE|DIR|-]...`: rewrite handbooks in
//! the canonical layout, atomically; or, with `--check`, list the files
//! that would change; or, with `--diff`, show the changes. A file with a
//! syntax error is refused and left untouched.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::check::io_reason;
use super::output::{self, Destination};
use super::{ColorChoice, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, use_color};
use crate::diagnostic::{self, HumanOptions, printable};
use crate::source::SourceMap;

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or directories (searched recursively for `*.muster`); `-`
    /// formats standard input to standard output. Default: the current
    /// directory.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write nothing; list the files that are not formatted and exit 1 if
    /// there are any
    #[arg(long)]
    pub check: bool,
    /// Write nothing; print a unified diff of what would change
    #[arg(long)]
    pub diff: bool,
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// What happened to one input.
enum Outcome {
    Unchanged,
    Changed,
    Refused,
}

pub fn run(args: &FmtArgs) -> u8 {
    let default = [PathBuf::from(".")];
    let inputs = if args.files.is_empty() {
        &default[..]
    } else {
        &args.files[..]
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stdin = false;
    let mut walk_failed = false;
    for input in inputs {
        if input.as_os_str() == "-" {
            stdin = true;
        } else if input.is_dir() {
            let found = super::walk::handbooks_below(input);
            for message in &found.errors {
                eprintln!("error: {message}");
                walk_failed = true;
            }
            files.extend(found.files);
        } else {
            files.push(input.clone());
        }
    }

    let mut status = if walk_failed { EXIT_USAGE } else { EXIT_OK };
    let mut raise = |s: u8| status = status.max(s);
    if stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("error: cannot read standard input: {}", io_reason(&e));
            return EXIT_USAGE;
        }
        match format_one(args, "<stdin>", None, bytes) {
            Ok(Outcome::Changed) if args.check => raise(EXIT_FINDINGS),
            Ok(Outcome::Refused) => raise(EXIT_FINDINGS),
            Ok(_) => {}
            Err(()) => raise(EXIT_USAGE),
        }
    }
    for path in &files {
        let bytes = match crate::load::read_source(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!(
                    "error: cannot read `{}`: {}",
                    printable(&path.display().to_string()),
                    io_reason(&e)
                );
                raise(EXIT_USAGE);
                continue;
            }
        };
        let name = path.to_string_lossy().into_owned();
        match format_one(args, &name, Some(path), bytes) {
            Ok(Outcome::Changed) if args.check => raise(EXIT_FINDINGS),
            Ok(Outcome::Refused) => raise(EXIT_FINDINGS),
            Ok(_) => {}
            Err(()) => raise(EXIT_USAGE),
        }
    }
    status
}

/// Formats one input; `path` is `None` for standard input. `Err` is an
/// I/O failure, already reported.
fn format_one(
    args: &FmtArgs,
    name: &str,
    path: Option<&Path>,
    bytes: Vec<u8>,
) -> Result<Outcome, ()> {
    let mut sources = SourceMap::new();
    let (id, encoding) = crate::add_source(&mut sources, name, bytes);
    let formatted = match encoding {
        Some(d) => Err(vec![d]),
        None => crate::fmt::format_source(&sources, id),
    };
    let formatted = match formatted {
        Ok(text) => text,
        Err(mut diagnostics) => {
            diagnostic::sort(&mut diagnostics);
            let stderr = std::io::stderr();
            let options = HumanOptions {
                color: use_color(args.color, std::io::IsTerminal::is_terminal(&stderr)),
            };
            let mut err = std::io::BufWriter::new(stderr.lock());
            let _ = diagnostic::write_human(&mut err, &sources, &diagnostics, options);
            let _ = writeln!(
                err,
                "error: `{name}` was not formatted: fix the errors above first"
            );
            return Ok(Outcome::Refused);
        }
    };
    let original = sources.get(id).map_or("", |f| f.text.as_str());
    let changed = formatted != original;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let shown = printable(name).into_owned();
    if args.diff && changed {
        let _ = out.write_all(unified_diff(name, original, &formatted).as_bytes());
    }
    if args.check || args.diff {
        if args.check && changed {
            let _ = writeln!(out, "{shown}");
        }
        return Ok(if changed {
            Outcome::Changed
        } else {
            Outcome::Unchanged
        });
    }
    match path {
        None => {
            let _ = out.write_all(formatted.as_bytes());
        }
        Some(path) if changed => {
            let target = match output::destination(path, &[]) {
                Ok(Destination::File(target)) => target,
                Ok(Destination::Stdout) => path.to_path_buf(),
                Err(message) => {
                    eprintln!("error: {message}");
                    return Err(());
                }
            };
            if let Err(e) = output::write_file(&target, formatted.as_bytes()) {
                eprintln!("error: cannot write `{shown}`: {}", io_reason(&e));
                return Err(());
            }
            let _ = writeln!(out, "{shown}");
        }
        Some(_) => {}
    }
    Ok(if changed {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    })
}

/// A unified diff that `git apply` and `patch -p1` accept: `a/` and `b/`
/// headers, lines split at LF only (a lone CR stays inside its line), and
/// the marker for a last line without a newline.
fn unified_diff(name: &str, before: &str, after: &str) -> String {
    use std::fmt::Write as _;
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
    let path = name.trim_start_matches("./");
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let line = |out: &mut String, sign: char, text: &str| {
        out.push(sign);
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    for group in similar::group_diff_ops(ops, 3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            hunk_range(&old_range),
            hunk_range(&new_range)
        );
        for op in &group {
            for change in op.iter_changes(&old, &new) {
                let sign = match change.tag() {
                    similar::ChangeTag::Equal => ' ',
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                };
                line(&mut out, sign, change.value());
            }
        }
    }
    out
}

/// A hunk's range as `start,count` (1-based; an empty range names the
/// line before it).
fn hunk_range(range: &std::ops::Range<usize>) -> String {
    let count = range.end - range.start;
    let start = if count == 0 {
        range.start
    } else {
        range.start + 1
    };
    format!("{start},{count}")
}
