//! `muster build FILE`: compile a handbook into a JSON plan, a DOT or a
//! Mermaid diagram; to standard output, atomically to `-o OUT`, or, with
//! `--check`, compared with `OUT` as a drift gate. With an error nothing is
//! written anywhere.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::check::io_reason;
use super::output::{self, Destination, shell_quote};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ReportArgs, findings_status, report};
use crate::diagnostic::printable;
use crate::emit;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The handbook to compile (`-` reads standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// What to produce
    #[arg(long, value_enum, default_value_t = Emit::Json)]
    pub emit: Emit,
    /// Write to this file (atomically; `-` is standard output) instead of
    /// standard output
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Compare with the existing OUT instead of writing it; exit 1 if it
    /// differs
    #[arg(long, requires = "output")]
    pub check: bool,
    /// Group each procedure's steps by owner (swimlanes) in diagrams
    #[arg(long)]
    pub lanes: bool,
    /// Draw only the procedure ID (diagrams)
    #[arg(long, value_name = "ID", conflicts_with = "overview")]
    pub procedure: Option<String>,
    /// Draw the overview: procedures and their `activates` edges (diagrams)
    #[arg(long)]
    pub overview: bool,
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
    /// The Graphviz diagram rendered as SVG by Graphviz `dot`
    Svg,
}

pub fn run(args: &BuildArgs) -> u8 {
    let mut output = match load(&args.file, args.root.clone()) {
        Ok(output) => output,
        Err(status) => return status,
    };
    let found = std::mem::take(&mut output.diagnostics);
    output.diagnostics = match settle_for(&args.report, &args.file, &output.sources, found) {
        Ok(diagnostics) => diagnostics,
        Err(status) => return status,
    };
    if let Err(status) = report_to_stderr(&output.sources, &output.diagnostics, &args.report) {
        return status;
    }
    let status = findings_status(
        crate::diagnostic::Counts::of(&output.diagnostics),
        args.report.deny_warnings,
    );
    let Some(plan) = output.plan.filter(|_| status == EXIT_OK) else {
        return EXIT_FINDINGS;
    };

    let diagram = !matches!(args.emit, Emit::Json);
    if !diagram && (args.procedure.is_some() || args.overview) {
        eprintln!("error: `--procedure` and `--overview` apply to diagrams only");
        eprintln!("help: add `--emit dot`, `--emit mermaid` or `--emit svg`");
        return EXIT_USAGE;
    }
    let plan = match &args.procedure {
        None => plan,
        Some(id) => match emit::only_procedure(&plan, id) {
            Some(one) => one,
            None => {
                eprintln!("error: the handbook has no procedure `{}`", printable(id));
                let ids: Vec<&str> = plan.procedures.iter().map(|p| p.id.as_str()).collect();
                eprintln!("help: its procedures are: {}", printable(&ids.join(", ")));
                return EXIT_USAGE;
            }
        },
    };
    let options = emit::Options { lanes: args.lanes };
    let text = match args.emit {
        Emit::Json => emit::json(&plan),
        Emit::Mermaid if args.overview => emit::mermaid::overview(&plan),
        Emit::Mermaid => emit::mermaid::render(&plan, &options),
        Emit::Dot | Emit::Svg if args.overview => emit::dot::overview(&plan),
        Emit::Dot | Emit::Svg => emit::dot::render(&plan, &options),
    };
    let text = if args.emit == Emit::Svg {
        match render_svg(&text) {
            Ok(svg) => svg,
            Err(message) => {
                eprintln!("error: cannot render SVG: {message}");
                eprintln!(
                    "help: install Graphviz (`apt-get install graphviz`, `brew install graphviz`, https://graphviz.org/download/), or write `--emit dot` and render it elsewhere"
                );
                return EXIT_USAGE;
            }
        }
    } else {
        text
    };

    deliver(
        args.output.as_deref(),
        args.check,
        &text,
        &output.inputs,
        |out| rebuild_command(args, out),
    )
}

/// Reads and compiles the handbook `file` (`-` is standard input); a
/// message and the exit status when it cannot be read.
pub(super) fn load(file: &Path, root: Option<PathBuf>) -> Result<crate::Output, u8> {
    let options = crate::Options { root };
    let compiled = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
            eprintln!("error: cannot read standard input: {}", io_reason(&e));
            return Err(EXIT_USAGE);
        }
        crate::compile_bytes("<stdin>", bytes, &options)
    } else {
        crate::compile_file(file, &options)
    };
    compiled.map_err(|e| {
        eprintln!(
            "error: cannot read `{}`: {}",
            printable(&file.display().to_string()),
            io_reason(&e)
        );
        if super::check::is_stdin_path(file) {
            eprintln!("help: write `-` to read standard input");
        }
        EXIT_USAGE
    })
}

/// Applies the levels of `--allow`, `--warn`, `--deny` and the
/// `muster.toml` that governs `file`.
pub(super) fn settle_for(
    args: &ReportArgs,
    file: &Path,
    sources: &crate::source::SourceMap,
    diagnostics: Vec<crate::diagnostic::Diagnostic>,
) -> Result<Vec<crate::diagnostic::Diagnostic>, u8> {
    let start = (file.as_os_str() != "-").then_some(file);
    super::settle(args, start, sources, diagnostics).map_err(|message| {
        eprintln!("error: {message}");
        EXIT_USAGE
    })
}

/// Reports diagnostics to standard error (so that standard output holds
/// only the artefact), if there are any.
pub(super) fn report_to_stderr(
    sources: &crate::source::SourceMap,
    diagnostics: &[crate::diagnostic::Diagnostic],
    args: &ReportArgs,
) -> Result<(), u8> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    let stderr = std::io::stderr();
    let terminal = std::io::IsTerminal::is_terminal(&stderr);
    let mut err = stderr.lock();
    report(
        &mut err,
        terminal,
        sources,
        diagnostics,
        args,
        sources.len(),
    )
    .map(|_| ())
    .map_err(|_| EXIT_USAGE)
}

/// Delivers an artefact: to standard output without `out`; with
/// `--check`, compared with `out` (`command` is what updates it); else
/// written to `out`, which must not be one of `inputs`. The exit status.
pub(super) fn deliver(
    out: Option<&Path>,
    check: bool,
    text: &str,
    inputs: &[PathBuf],
    command: impl FnOnce(&Path) -> String,
) -> u8 {
    let destination = match out {
        None => Destination::Stdout,
        Some(out) if check => return check_drift(out, text, &command(out)),
        Some(out) => match output::destination(out, inputs) {
            Ok(destination) => destination,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        },
    };
    write_artefact(&destination, text.as_bytes())
}

/// Writes an artefact to its destination; the exit status.
pub(super) fn write_artefact(destination: &Destination, bytes: &[u8]) -> u8 {
    match destination {
        Destination::File(path) => match output::write_file(path, bytes) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!(
                    "error: cannot write `{}`: {}",
                    printable(&path.display().to_string()),
                    io_reason(&e)
                );
                EXIT_USAGE
            }
        },
        Destination::Stdout => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match lock.write_all(bytes).and_then(|()| lock.flush()) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("error: cannot write to standard output: {}", io_reason(&e));
                    EXIT_USAGE
                }
            }
        }
    }
}

/// The command that brings `OUT` up to date, for messages: every option
/// that shapes the artefact, paths quoted for a shell.
fn rebuild_command(args: &BuildArgs, out: &Path) -> String {
    let emit = match args.emit {
        Emit::Json => "json",
        Emit::Dot => "dot",
        Emit::Mermaid => "mermaid",
        Emit::Svg => "svg",
    };
    let mut command = format!(
        "muster build {} --emit {emit}",
        shell_quote(&args.file.display().to_string())
    );
    if args.lanes {
        command.push_str(" --lanes");
    }
    if let Some(id) = &args.procedure {
        command.push_str(&format!(" --procedure {}", shell_quote(id)));
    }
    if args.overview {
        command.push_str(" --overview");
    }
    if let Some(root) = &args.root {
        command.push_str(&format!(
            " --root {}",
            shell_quote(&root.display().to_string())
        ));
    }
    command.push_str(&format!(" -o {}", shell_quote(&out.display().to_string())));
    command
}

/// Renders DOT text as SVG with Graphviz `dot -Tsvg` (the program named by
/// `MUSTER_DOT`, default `dot`, found on the `PATH`); what went wrong, in
/// words, when it is missing or fails.
fn render_svg(dot_text: &str) -> Result<String, String> {
    use std::process::{Command, Stdio};
    let program = std::env::var_os("MUSTER_DOT").unwrap_or_else(|| "dot".into());
    let shown = printable(&program.to_string_lossy()).into_owned();
    let mut child = Command::new(&program)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("Graphviz `{shown}` could not be run: {}", io_reason(&e)))?;
    // Feed the input on a thread, so that a full output pipe cannot block.
    let input = child.stdin.take();
    let bytes = dot_text.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = input {
            let _ = stdin.write_all(&bytes);
        }
    });
    let output = child
        .wait_with_output()
        .map_err(|e| format!("Graphviz `{shown}` failed: {}", io_reason(&e)))?;
    let _ = writer.join();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "Graphviz `{shown}` failed: {}",
            printable(stderr.trim())
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("Graphviz `{shown}` wrote no valid UTF-8"))
}

/// How many lines of a drift diff are shown at most.
const DIFF_LINES: usize = 40;

/// `--check`: compares the artefact with `out` and never writes. Exit 0
/// when identical; 1 when `out` is missing or differs (with what differs
/// and `command`, which updates it); 2 when `out` cannot be compared (a
/// directory, a FIFO, unreadable).
pub(super) fn check_drift(out: &Path, expected: &str, command: &str) -> u8 {
    let shown = printable(&out.display().to_string()).into_owned();
    let metadata = match std::fs::metadata(out) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("error: `{shown}` does not exist");
            eprintln!("help: create it with `{command}`");
            return EXIT_FINDINGS;
        }
        Err(e) => {
            eprintln!("error: cannot read `{shown}`: {}", io_reason(&e));
            return EXIT_USAGE;
        }
    };
    if let Some(kind) = crate::load::not_regular(&metadata) {
        eprintln!("error: cannot compare with `{shown}`: it is {kind}, not a regular file");
        return EXIT_USAGE;
    }
    let found = match std::fs::read(out) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read `{shown}`: {}", io_reason(&e));
            return EXIT_USAGE;
        }
    };
    if found == expected.as_bytes() {
        return EXIT_OK;
    }
    let found = String::from_utf8_lossy(&found);
    eprintln!(
        "error: `{shown}` is out of date: {}",
        difference(expected, &found)
    );
    let diff = similar::TextDiff::from_lines(found.as_ref(), expected);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("{shown} (committed)"), &format!("{shown} (built)"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(DIFF_LINES) {
        eprintln!("{}", printable(line));
    }
    if lines.len() > DIFF_LINES {
        eprintln!("… {} more lines of difference", lines.len() - DIFF_LINES);
    }
    eprintln!("help: update it with `{command}`");
    EXIT_FINDINGS
}

/// What kind of difference there is between the build and the file, in
/// words.
fn difference(expected: &str, found: &str) -> String {
    if found.replace("\r\n", "\n") == expected {
        return "it differs only in line ends (it has CRLF where the build writes LF)".into();
    }
    if found.trim_end_matches('\n') == expected.trim_end_matches('\n') {
        return "it differs only in the newlines at its end".into();
    }
    let line = expected
        .split_inclusive('\n')
        .zip(found.split_inclusive('\n'))
        .take_while(|(a, b)| a == b)
        .count()
        + 1;
    format!("it differs from the build from line {line} on")
}
