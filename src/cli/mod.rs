//! The command line: clap definitions and the subcommands. This is the only
//! layer that reads files, writes to the terminal or decides exit codes.

mod build;
mod check;
pub mod config;
mod doc;
mod explain;
mod fmt;
mod lsp;
mod output;
mod simulate;
mod test;
mod walk;

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

const SIMULATE_EXAMPLES: &str = "\
Examples:
  muster simulate examples/art42_7.muster            the timeline of every scenario
  muster simulate h.muster --scenario double_invocation --runs 1000
                                                     Monte Carlo over ranged durations
  muster simulate h.muster --emit gantt -o docs/gantt.mmd
                                                     a Mermaid Gantt chart of the first run
  muster simulate h.muster --emit msel -o msel.csv   a draft MSEL for the tabletop
  muster simulate h.muster --emit json -o report.json --check
                                                     fail if the committed report is stale";

const DOC_EXAMPLES: &str = "\
Examples:
  muster doc examples/eu_crisis/main.muster -o manual.md
                                            the manual of a handbook in several files
  muster doc h.muster -o docs/manual.md --check
                                            fail if the committed manual is stale";

const TEST_EXAMPLES: &str = "\
Examples:
  muster test                        every scenario with expectations below the current directory
  muster test examples/ art42        only scenarios whose id or handbook path contains `art42`
  muster test h.muster --scenario double_invocation --runs 1000
  muster test --format github .      annotations on the `expect` lines that failed";

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
    /// Write the handbook as a Markdown manual, with a checklist for every actor
    #[command(long_about = doc::ABOUT, after_help = DOC_EXAMPLES)]
    Doc(doc::DocArgs),
    /// Play the handbook's scenarios: timelines, findings, Gantt charts, MSELs
    #[command(after_help = SIMULATE_EXAMPLES)]
    Simulate(simulate::SimulateArgs),
    /// Play every scenario with `expect` lines and fail when one does not hold
    #[command(after_help = TEST_EXAMPLES)]
    Test(test::TestArgs),
    /// Rewrite handbooks in the one canonical layout
    #[command(after_help = FMT_EXAMPLES)]
    Fmt(fmt::FmtArgs),
    /// Explain a diagnostic code, with a wrong and a fixed example
    #[command(after_help = "Example:\n  muster explain E0201")]
    Explain(explain::ExplainArgs),
    /// Run the language server on standard input and output (for editors)
    #[command(
        after_help = "Editors start it themselves; see editors/vscode/README.md for VS Code, Neovim and Helix."
    )]
    Lsp,
    /// Print the JSON Schema (draft 2020-12) of the JSON plan
    Schema {
        /// Print the schema of `--format json` diagnostics instead
        #[arg(long, conflicts_with = "report")]
        diagnostics: bool,
        /// Print the schema of the simulation report (`simulate --emit json`) instead
        #[arg(long)]
        report: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell)
    #[command(after_help = "Example:\n  muster completions bash > /etc/bash_completion.d/muster")]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// Options shared by the commands that report diagnostics.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// When to colour the human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How to write diagnostics (default: `format` in muster.toml, else human)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Treat warnings as errors (exit status 1); the same as `--deny warnings`
    #[arg(long)]
    pub deny_warnings: bool,
    /// Do not report the warnings of CODE
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
    /// Report the diagnostics of CODE as warnings
    #[arg(long, value_name = "CODE")]
    pub warn: Vec<String>,
    /// Report the diagnostics of CODE (or `warnings`: every warning) as errors
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
    /// Write the report to PATH (atomically) instead of the terminal
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<std::path::PathBuf>,
}

impl ReportArgs {
    /// The command line's layer of levels.
    fn levels(&self) -> Result<config::Levels, String> {
        let mut levels = config::Levels::default();
        for (names, level) in [
            (&self.allow, config::Level::Allow),
            (&self.warn, config::Level::Warn),
            (&self.deny, config::Level::Deny),
        ] {
            for name in names {
                levels.set(name, level)?;
            }
        }
        if self.deny_warnings {
            levels.set("warnings", config::Level::Deny)?;
        }
        Ok(levels)
    }
}

/// Applies the levels of the command line and of the `muster.toml` that
/// governs `start` to `diagnostics`. `Err` is a usage error.
pub(super) fn settle(
    args: &ReportArgs,
    start: Option<&std::path::Path>,
    sources: &SourceMap,
    diagnostics: Vec<Diagnostic>,
) -> Result<Vec<Diagnostic>, String> {
    let cli = args.levels()?;
    let found = match start {
        Some(start) => config::find(start)?,
        None => config::find(std::path::Path::new("."))?,
    };
    let file = found.map(|c| c.levels).unwrap_or_default();
    Ok(config::apply(sources, diagnostics, &file, &cli))
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
    /// One line per diagnostic: `file:line:col: error[CODE]: message`
    Concise,
    /// A SARIF 2.1.0 log, for code scanning
    Sarif,
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Doc(args) => doc::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Lsp => match lsp::run() {
            Ok(()) => EXIT_OK,
            Err(message) => {
                eprintln!(
                    "error: the language server stopped: {}",
                    crate::diagnostic::printable(&message)
                );
                EXIT_USAGE
            }
        },
        Command::Schema {
            diagnostics,
            report,
        } => {
            if diagnostics {
                print!("{}", diagnostic::diagnostics_schema());
            } else if report {
                print!("{}", crate::simulate::report::schema());
            } else {
                print!("{}", crate::plan::schema());
            }
            EXIT_OK
        }
        Command::Explain(args) => explain::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "muster", &mut std::io::stdout());
            EXIT_OK
        }
    };
    ExitCode::from(status)
}

/// Whether to colour output written to a stream that is (or is not) a
/// terminal.
pub(super) fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // anstream decides, as for clap's own messages: `CLICOLOR_FORCE`,
        // `NO_COLOR`, `TERM=dumb` and `CLICOLOR=0` are obeyed. It asks the
        // stream whether it is a terminal: ask the one that answers as the
        // caller's did.
        ColorChoice::Auto => {
            let stdout = std::io::stdout();
            let choice = if std::io::IsTerminal::is_terminal(&stdout) == terminal {
                anstream::AutoStream::choice(&stdout)
            } else {
                anstream::AutoStream::choice(&std::io::stderr())
            };
            choice != anstream::ColorChoice::Never
        }
    }
}

/// Writes diagnostics in the chosen format (to `--output-file` when one
/// is given); for people, ends with a summary line. Returns the counts.
/// `terminal` tells whether `out` is one, for `--color auto`.
fn report(
    out: &mut dyn Write,
    terminal: bool,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    args: &ReportArgs,
    files_checked: usize,
) -> std::io::Result<Counts> {
    let format = match args.format {
        Some(format) => format,
        None => default_format(sources),
    };
    if let Some(path) = &args.output_file {
        let mut bytes = Vec::new();
        let counts = write_report(
            &mut bytes,
            false,
            sources,
            diagnostics,
            args,
            format,
            files_checked,
        )?;
        // The inputs of the report: it must never replace one of them.
        let inputs: Vec<std::path::PathBuf> = sources
            .iter()
            .filter_map(|(_, f)| std::path::Path::new(&f.name).canonicalize().ok())
            .collect();
        let target = match output::destination(path, &inputs) {
            Ok(output::Destination::File(target)) => target,
            Ok(output::Destination::Stdout) => {
                out.write_all(&bytes)?;
                out.flush()?;
                return Ok(counts);
            }
            Err(message) => return Err(std::io::Error::other(message)),
        };
        output::write_file(&target, &bytes)?;
        return Ok(counts);
    }
    write_report(
        out,
        terminal,
        sources,
        diagnostics,
        args,
        format,
        files_checked,
    )
}

/// `format` of the `muster.toml` that governs the report's first file.
fn default_format(sources: &SourceMap) -> Format {
    sources
        .iter()
        .find_map(|(_, f)| {
            let path = std::path::Path::new(&f.name);
            path.is_file()
                .then(|| config::find(path).ok().flatten())
                .flatten()
        })
        .or_else(|| config::find(std::path::Path::new(".")).ok().flatten())
        .and_then(|c| c.format)
        .unwrap_or(Format::Human)
}

fn write_report(
    out: &mut dyn Write,
    terminal: bool,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    args: &ReportArgs,
    format: Format,
    files_checked: usize,
) -> std::io::Result<Counts> {
    let counts = Counts::of(diagnostics);
    // One buffered writer for every report: a report of many diagnostics
    // is a few large writes, not one per piece of text.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    let out: &mut dyn Write = &mut buffered;
    match format {
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
        Format::Concise => diagnostic::write_concise(out, sources, diagnostics)?,
        Format::Sarif => diagnostic::write_sarif(out, sources, diagnostics)?,
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
