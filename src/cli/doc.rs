//! `muster doc FILE`: the handbook as the manual people carry out — one
//! Markdown document — to standard output, atomically to `-o OUT`, or,
//! with `--check`, compared with `OUT` as a drift gate.

use std::path::PathBuf;

use clap::Args;

use super::build::{deliver, load, report_to_stderr, settle_for};
use super::output::shell_quote;
use super::{EXIT_FINDINGS, EXIT_OK, ReportArgs, findings_status};
use crate::diagnostic::Counts;

/// What `muster doc --help` explains.
pub const ABOUT: &str = "\
Write the handbook as the manual the people who carry it out read: one
GitHub-flavoured Markdown document that renders on GitHub with its
diagrams and needs no other tool.

It holds, in this order:
  - the handbook (title, version, owner, doc) and a table of contents;
  - every procedure: when it starts (each trigger's condition, leader and
    what it mobilises), who leads and supports it, its steps with their
    earliest start and completion (T+ from activation), deadline, slack,
    requirements, notifications and decision rule, the critical path and
    resource in a sentence, what it escalates to and from, its diagram;
  - a checklist for every actor: the steps it owns, the triggers it leads,
    the notifications it receives and the resources it provides, by
    procedure and in order of time (by when, what, after what, with what,
    tell whom, decide how); a group's members see the group's items, and a
    role's checklist is headed by what the role means;
  - the resource inventory: provider, capacity, readiness, who claims it,
    and what would be claimed if every procedure were active at once;
  - every scenario, played: incidents, injects, the timeline of its first
    run, its findings and whether each expectation holds;
  - the facts, with their types and the triggers that read them.

Every label, note and doc is escaped, so no handbook text can inject
markup, HTML or break a table. The same handbook gives the same bytes.";

#[derive(Debug, Args)]
pub struct DocArgs {
    /// The handbook (`-` reads standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write to this file (atomically; `-` is standard output) instead of
    /// standard output
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Compare with the existing OUT instead of writing it; exit 1 if it
    /// differs
    #[arg(long, requires = "output")]
    pub check: bool,
    /// The directory plan paths are relative to (default: FILE's directory)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(args: &DocArgs) -> u8 {
    let mut output = match load(&args.file, args.root.clone()) {
        Ok(output) => output,
        Err(status) => return status,
    };
    let found = std::mem::take(&mut output.diagnostics);
    let diagnostics = match settle_for(&args.report, &args.file, &output.sources, found) {
        Ok(found) => found,
        Err(status) => return status,
    };
    if let Err(status) = report_to_stderr(&output.sources, &diagnostics, &args.report) {
        return status;
    }
    let status = findings_status(Counts::of(&diagnostics), args.report.deny_warnings);
    let (Some(plan), Some(model)) = (output.plan.as_ref(), output.model.as_ref()) else {
        return EXIT_FINDINGS;
    };
    if status != EXIT_OK {
        return status;
    }
    let report = crate::simulate::report::play_all(
        model,
        &output.sources,
        crate::simulate::Options::default(),
    );
    let text = crate::emit::doc::render(plan, &report);
    deliver(
        args.output.as_deref(),
        args.check,
        &text,
        &output.inputs,
        |out| {
            let mut command = format!(
                "muster doc {}",
                shell_quote(&args.file.display().to_string())
            );
            if let Some(root) = &args.root {
                command.push_str(&format!(
                    " --root {}",
                    shell_quote(&root.display().to_string())
                ));
            }
            command.push_str(&format!(" -o {}", shell_quote(&out.display().to_string())));
            command
        },
    )
}
