//! `muster build FILE`: compile a handbook into a JSON plan, a DOT or a
//! Mermaid diagram; to standard output, atomically to `-o OUT`, or, with
//! `--check`, compared with `OUT` as a drift gate. With an error nothing is
//! written anywhere.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::check::io_reason;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ReportArgs, findings_status, report};
use crate::emit;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The handbook to compile
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// What to produce
    #[arg(long, value_enum, default_value_t = Emit::Json)]
    pub emit: Emit,
    /// Write to this file (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Compare with the existing OUT instead of writing it; exit 1 if it
    /// differs
    #[arg(long, requires = "output")]
    pub check: bool,
    /// Group each procedure's steps by owner (swimlanes) in diagrams
    #[arg(long)]
    pub lanes: bool,
    /// The directory plan paths are relative to (default: FILE's directory)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// The JSON plan
    Json,
    /// A Graphviz diagram
    Dot,
    /// A Mermaid flowchart
    Mermaid,
}

pub fn run(args: &BuildArgs) -> u8 {
    let options = crate::Options {
        root: args.root.clone(),
    };
    let output = match crate::compile_file(&args.file, &options) {
        Ok(output) => output,
        Err(e) => {
            eprintln!(
                "error: cannot read `{}`: {}",
                args.file.display(),
                io_reason(&e)
            );
            return EXIT_USAGE;
        }
    };

    // Diagnostics go to standard error, so that standard output holds only
    // the artefact.
    if !output.diagnostics.is_empty() {
        let stderr = std::io::stderr();
        let terminal = std::io::IsTerminal::is_terminal(&stderr);
        let mut err = stderr.lock();
        if report(
            &mut err,
            terminal,
            &output.sources,
            &output.diagnostics,
            &args.report,
            output.sources.len(),
        )
        .is_err()
        {
            return EXIT_USAGE;
        }
    }
    let status = findings_status(
        crate::diagnostic::Counts::of(&output.diagnostics),
        args.report.deny_warnings,
    );
    let Some(plan) = output.plan.filter(|_| status == EXIT_OK) else {
        return EXIT_FINDINGS;
    };

    let format = match args.emit {
        Emit::Json => emit::Format::Json,
        Emit::Dot => emit::Format::Dot,
        Emit::Mermaid => emit::Format::Mermaid,
    };
    let text = emit::emit(&plan, format, &emit::Options { lanes: args.lanes });

    match (&args.output, args.check) {
        (Some(out), true) => check_drift(args, out, &text),
        (Some(out), false) => match write_atomically(out, text.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: cannot write `{}`: {}", out.display(), io_reason(&e));
                EXIT_USAGE
            }
        },
        (None, _) => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("error: cannot write to standard output: {}", io_reason(&e));
                    EXIT_USAGE
                }
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`: a reader sees the old file or the new one, never half of one.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".muster-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    // A temporary file is private (0600); the artefact keeps the mode of
    // the file it replaces, or gets the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The command that brings `OUT` up to date, for messages.
fn rebuild_command(args: &BuildArgs, out: &Path) -> String {
    let emit = match args.emit {
        Emit::Json => "json",
        Emit::Dot => "dot",
        Emit::Mermaid => "mermaid",
    };
    let lanes = if args.lanes { " --lanes" } else { "" };
    format!(
        "muster build {} --emit {emit}{lanes} -o {}",
        args.file.display(),
        out.display()
    )
}

/// `--check`: compares the artefact with `out` and never writes.
fn check_drift(args: &BuildArgs, out: &Path, expected: &str) -> u8 {
    let found = match std::fs::read(out) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {}", out.display(), io_reason(&e));
            eprintln!("help: create it with `{}`", rebuild_command(args, out));
            return EXIT_FINDINGS;
        }
    };
    if found == expected.as_bytes() {
        return EXIT_OK;
    }
    let found = String::from_utf8_lossy(&found);
    let mut expected_lines = expected.lines();
    let mut found_lines = found.lines();
    let mut line = 1;
    let (want, got) = loop {
        match (expected_lines.next(), found_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => break (a, b),
        }
    };
    eprintln!(
        "error: `{}` is out of date: it differs from the build at line {line}",
        out.display()
    );
    eprintln!("  expected: {}", want.unwrap_or("(end of file)"));
    eprintln!("  found:    {}", got.unwrap_or("(end of file)"));
    eprintln!("help: update it with `{}`", rebuild_command(args, out));
    EXIT_FINDINGS
}
