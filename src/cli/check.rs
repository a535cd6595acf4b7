//! `muster check [FILE]...`: read handbooks and report every problem.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_USAGE, ReportArgs, findings_status, report};
use crate::diagnostic;
use crate::source::SourceMap;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (`-` reads standard input; a directory
    /// means its `*.muster` files). Default: the current directory.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// One input named on the command line, once expanded.
enum Input {
    Stdin,
    File(PathBuf),
}

/// Expands directories into their `*.muster` files, sorted by name.
fn expand(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        if !meta.is_dir() {
            inputs.push(Input::File(path.clone()));
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|e| {
            format!(
                "cannot read directory `{}`: {}",
                path.display(),
                io_reason(&e)
            )
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "muster") && p.is_file())
            .collect();
        if found.is_empty() {
            return Err(format!("no `.muster` files in `{}`", path.display()));
        }
        found.sort();
        inputs.extend(found.into_iter().map(Input::File));
    }
    Ok(inputs)
}

/// An I/O error in words, without Rust's "(os error 2)" suffix.
pub(super) fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

fn display_name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn run(args: &CheckArgs) -> u8 {
    let inputs = match expand(&args.files) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut io_failed = false;
    for input in &inputs {
        let (name, bytes) = match input {
            Input::Stdin => {
                let mut bytes = Vec::new();
                if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                    eprintln!("error: cannot read standard input: {}", io_reason(&e));
                    io_failed = true;
                    continue;
                }
                ("<stdin>".to_owned(), bytes)
            }
            Input::File(path) => match std::fs::read(path) {
                Ok(bytes) => (display_name(path), bytes),
                Err(e) => {
                    eprintln!("error: cannot read `{}`: {}", path.display(), io_reason(&e));
                    io_failed = true;
                    continue;
                }
            },
        };
        let (id, encoding_error) = crate::add_source(&mut sources, name, bytes);
        if let Some(d) = encoding_error {
            diagnostics.push(d);
            continue;
        }
        diagnostics.extend(crate::compile(&sources, id).diagnostics);
    }
    diagnostic::sort(&mut diagnostics);
    let stdout = std::io::stdout();
    let terminal = std::io::IsTerminal::is_terminal(&stdout);
    let mut out = stdout.lock();
    let counts = match report(
        &mut out,
        terminal,
        &sources,
        &diagnostics,
        &args.report,
        sources.len(),
    ) {
        Ok(counts) => counts,
        Err(e) => {
            eprintln!("error: cannot write the report: {}", io_reason(&e));
            return EXIT_USAGE;
        }
    };
    let _ = out.flush();
    if io_failed {
        return EXIT_USAGE;
    }
    findings_status(counts, args.report.deny_warnings)
}
