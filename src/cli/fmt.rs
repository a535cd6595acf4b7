//! `muster fmt [--check] [--diff] [FILE|DIR|-]...`: rewrite handbooks in
//! the canonical layout, atomically; or, with `--check`, list the files
//! that would change; or, with `--diff`, show the changes. A file with a
//! syntax error is refused and left untouched.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::build::write_atomically;
use super::check::io_reason;
use super::{ColorChoice, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, use_color};
use crate::diagnostic::{self, HumanOptions};
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

/// Every `*.muster` file below `dir`, sorted; hidden folders and `target`
/// are skipped.
fn handbooks_below(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    dirs.push(path);
                }
            } else if kind.is_file() && path.extension().is_some_and(|x| x == "muster") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
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
    for input in inputs {
        if input.as_os_str() == "-" {
            stdin = true;
        } else if input.is_dir() {
            match handbooks_below(input) {
                Ok(found) => files.extend(found),
                Err(e) => {
                    eprintln!(
                        "error: cannot read directory `{}`: {}",
                        input.display(),
                        io_reason(&e)
                    );
                    return EXIT_USAGE;
                }
            }
        } else {
            files.push(input.clone());
        }
    }

    let mut status = EXIT_OK;
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
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {}", path.display(), io_reason(&e));
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
            let mut err = stderr.lock();
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
    if args.diff && changed {
        let diff = similar::TextDiff::from_lines(original, formatted.as_str());
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("{name} (before)"), &format!("{name} (formatted)"))
            .to_string();
        let _ = out.write_all(text.as_bytes());
    }
    if args.check || args.diff {
        if args.check && changed {
            let _ = writeln!(out, "{name}");
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
            if let Err(e) = write_atomically(path, formatted.as_bytes()) {
                eprintln!(
                    "error: cannot write `{}`: {}",
                    path.display(),
                    io_reason(&e)
                );
                return Err(());
            }
            let _ = writeln!(out, "{name}");
        }
        Some(_) => {}
    }
    Ok(if changed {
        Outcome::Changed
    } else {
        Outcome::Unchanged
    })
}
