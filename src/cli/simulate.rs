//! `muster simulate FILE`: plays the handbook's scenarios and writes what
//! happened (a timeline for people, the JSON report, a Mermaid Gantt chart
//! or a draft MSEL) to standard output, atomically to `-o OUT`, or, with
//! `--check`, compares it with `OUT`. Findings go to standard error as
//! diagnostics.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::build::{deliver, load, report_to_stderr, settle_for};
use super::output::shell_quote;
use super::{EXIT_FINDINGS, EXIT_USAGE, ReportArgs, findings_status};
use crate::diagnostic::{Counts, printable};
use crate::simulate::{self, Outcome, report};

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The handbook whose scenarios to play (`-` reads standard input)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Play only the scenario ID (repeat for several); default: every one
    #[arg(long, value_name = "ID")]
    pub scenario: Vec<String>,
    /// Replications instead of each scenario's `runs`
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub runs: Option<u32>,
    /// Seed instead of each scenario's `seed`
    #[arg(long, value_name = "N")]
    pub seed: Option<u32>,
    /// What to produce
    #[arg(long, value_enum, default_value_t = SimEmit::Timeline)]
    pub emit: SimEmit,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimEmit {
    /// For people: what happened when, a summary per activation, the
    /// expectations and, over several runs, percentiles
    Timeline,
    /// The simulation report (`muster schema --report`)
    Json,
    /// A Mermaid Gantt chart of the first run
    Gantt,
    /// A draft Master Scenario Events List (CSV)
    Msel,
}

impl SimEmit {
    fn as_str(self) -> &'static str {
        match self {
            SimEmit::Timeline => "timeline",
            SimEmit::Json => "json",
            SimEmit::Gantt => "gantt",
            SimEmit::Msel => "msel",
        }
    }
}

/// Picks the scenarios to play: every one, or those named (each must
/// exist). `Err` is a message for the user.
pub(super) fn chosen<'m>(
    model: &'m crate::check::Model,
    names: &[String],
) -> Result<Vec<&'m crate::check::model::Scenario>, String> {
    if model.scenarios.is_empty() {
        return Err("the handbook has no scenario to play".to_owned());
    }
    if names.is_empty() {
        return Ok(model.scenarios.iter().collect());
    }
    let mut out = Vec::new();
    for name in names {
        match model
            .scenarios
            .iter()
            .find(|s| model.names.get(s.id) == name)
        {
            Some(s) => {
                if !out
                    .iter()
                    .any(|o: &&crate::check::model::Scenario| o.id == s.id)
                {
                    out.push(s);
                }
            }
            None => {
                let ids: Vec<&str> = model
                    .scenarios
                    .iter()
                    .map(|s| model.names.get(s.id))
                    .collect();
                return Err(format!(
                    "the handbook has no scenario `{}`\nhelp: its scenarios are: {}",
                    printable(name),
                    printable(&ids.join(", "))
                ));
            }
        }
    }
    // In declaration order, whatever the order on the command line.
    out.sort_by_key(|s| s.span.start());
    Ok(out)
}

pub fn run(args: &SimulateArgs) -> u8 {
    let mut output = match load(&args.file, args.root.clone()) {
        Ok(output) => output,
        Err(status) => return status,
    };
    let checked = std::mem::take(&mut output.diagnostics);
    let Some(model) = output.model.take() else {
        // Errors: report them and play nothing.
        let found = match settle_for(&args.report, &args.file, &output.sources, checked) {
            Ok(found) => found,
            Err(status) => return status,
        };
        if let Err(status) = report_to_stderr(&output.sources, &found, &args.report) {
            return status;
        }
        return EXIT_FINDINGS;
    };
    let scenarios = match chosen(&model, &args.scenario) {
        Ok(scenarios) => scenarios,
        Err(message) => {
            eprintln!("error: {message}");
            if model.scenarios.is_empty() {
                eprintln!(
                    "help: add a `scenario` block (docs/reference.md#scenarios) and run again"
                );
            }
            return EXIT_USAGE;
        }
    };
    let options = simulate::Options {
        runs: args.runs,
        seed: args.seed,
    };
    let outcomes: Vec<Outcome<'_>> = scenarios
        .iter()
        .map(|sc| simulate::simulate(&model, sc, options))
        .collect();
    let mut diagnostics = checked;
    for o in &outcomes {
        diagnostics.extend(o.diagnostics());
    }
    let diagnostics = match settle_for(&args.report, &args.file, &output.sources, diagnostics) {
        Ok(found) => found,
        Err(status) => return status,
    };
    if let Err(status) = report_to_stderr(&output.sources, &diagnostics, &args.report) {
        return status;
    }
    let status = findings_status(Counts::of(&diagnostics), args.report.deny_warnings);

    let report = report::build(&outcomes, &output.sources);
    let text = render(&report, args.emit);
    deliver(
        args.output.as_deref(),
        args.check,
        &text,
        &output.inputs,
        |out| rerun_command(args, out),
    )
    .max(status)
}

/// The artefact of `--emit`.
pub fn render(report: &report::Report, emit: SimEmit) -> String {
    match emit {
        SimEmit::Timeline => crate::emit::timeline::render(report),
        SimEmit::Json => report::json(report),
        SimEmit::Gantt => crate::emit::gantt::render(report),
        SimEmit::Msel => crate::emit::msel::render(report),
    }
}

/// The command that brings `OUT` up to date, for messages.
fn rerun_command(args: &SimulateArgs, out: &std::path::Path) -> String {
    let mut command = format!(
        "muster simulate {} --emit {}",
        shell_quote(&args.file.display().to_string()),
        args.emit.as_str()
    );
    for s in &args.scenario {
        command.push_str(&format!(" --scenario {}", shell_quote(s)));
    }
    if let Some(runs) = args.runs {
        command.push_str(&format!(" --runs {runs}"));
    }
    if let Some(seed) = args.seed {
        command.push_str(&format!(" --seed {seed}"));
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
