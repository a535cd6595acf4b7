//! The command line: clap definitions and the subcommands. This is the only
//! layer that reads files, writes to the terminal or decides exit codes.

mod build;
mod check;
mod explain;
mod fmt;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::{self, Counts, Diagnostic, HumanOptions};
use crate::source::SourceMap;

/// Exit status for a clean run.
pub const EXIT_OK: u8 = 0;
/// Exit status for errors in the input (or warnings with `--deny-warnings`).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

const EXAMPLES: &str = "\
Examples:
  muster check examples/art42_7.muster     check one handbook
  muster check examples/                   check every handbook in a directory
  muster check --format github handbooks/  annotations for a GitHub Actions job
  cat plan.muster | muster check -         check standard input
  muster build examples/art42_7.muster --emit dot -o docs/art42_7.dot
                                           compile a handbook into a diagram
  muster build plan.muster -o plan.json --check
                                           fail if the committed plan is stale
  muster explain E0201                     what a diagnostic code means";

const FMT_EXAMPLES: &str = "\
Examples:
  muster fmt                     format every .muster file below the current directory
  muster fmt --check examples/   list the files that are not formatted (exit 1)
  muster fmt --diff plan.muster  show what would change, without writing
  muster fmt - < in.muster       format standard input to standard output";

#[derive(Debug, Parser)]
#[command(
    name = "muster",
    version,
    about = "Compile assistance procedures written as code into checked plans",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check handbooks and report every problem found
    #[command(after_help = EXAMPLES)]
    Check(check::CheckArgs),
    /// Compile a handbook into a JSON plan, a DOT or a Mermaid diagram
    #[command(after_help = EXAMPLES)]
    Build(build::BuildArgs),
    /// Rewrite handbooks in the one canonical layout
    #[command(after_help = FMT_EXAMPLES)]
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with a wrong and a fixed example
    #[command(after_help = "Example:\n  muster explain E0201")]
    Explain(explain::ExplainArgs),
    /// Print the JSON Schema (draft 2020-12) of the JSON plan
    Schema,
}

/// Options shared by the commands that report diagnostics.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// When to colour the human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How to write diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (exit status 1)
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Reports with source excerpts, for people
    Human,
    /// One JSON document, for tools
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Schema => {
            print!("{}", crate::plan::schema());
            EXIT_OK
        }
        Command::Explain(args) => explain::run(&args),
        Command::Fmt(args) => fmt::run(&args),
    };
    ExitCode::from(status)
}

/// Whether to colour output written to a stream that is (or is not) a
/// terminal.
pub(super) fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal,
    }
}

/// Writes diagnostics in the chosen format; for people, ends with a summary
/// line. Returns the counts.
/// `terminal` tells whether `out` is one, for `--color auto`.
fn report(
    out: &mut dyn Write,
    terminal: bool,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    args: &ReportArgs,
    files_checked: usize,
) -> std::io::Result<Counts> {
    let counts = Counts::of(diagnostics);
    // One buffered writer for every report: a report of many diagnostics
    // is a few large writes, not one per piece of text.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    let out: &mut dyn Write = &mut buffered;
    match args.format {
        Format::Human => {
            let options = HumanOptions {
                color: use_color(args.color, terminal),
            };
            diagnostic::write_human(out, sources, diagnostics, options)?;
            let files = if files_checked == 1 {
                "1 file".to_owned()
            } else {
                format!("{files_checked} files")
            };
            writeln!(out, "checked {files}: {}", counts.summary())?;
        }
        Format::Json => diagnostic::write_json(out, sources, diagnostics)?,
        Format::Github => diagnostic::write_github(out, sources, diagnostics)?,
    }
    buffered.flush()?;
    Ok(counts)
}

/// The exit status for a set of findings.
fn findings_status(counts: Counts, deny_warnings: bool) -> u8 {
    if counts.errors > 0 || (deny_warnings && counts.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
