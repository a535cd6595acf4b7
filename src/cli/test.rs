//! `muster test [FILE|DIR]... [FILTER]...`: plays every scenario that has
//! `expect` lines and fails when one does not hold: the gate that a
//! handbook change has not broken how a scenario plays out. One line per
//! scenario, an E0705 diagnostic for every expectation not met, and a
//! closing line with the counts; exit 1 when anything failed.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::check::{Group, groups, io_reason, load_group};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Format, ReportArgs};
use crate::diagnostic::{self, Code, Diagnostic, HumanOptions, printable};
use crate::simulate::{self, Options};
use crate::source::SourceMap;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or directories to test (a directory means its handbooks, as
    /// for `check`), and filters: an argument that is not a path keeps
    /// only the scenarios whose id or handbook path contains it. Default:
    /// the current directory.
    #[arg(value_name = "FILE|FILTER")]
    pub inputs: Vec<PathBuf>,
    /// Test only the scenario ID (repeat for several)
    #[arg(long, value_name = "ID")]
    pub scenario: Vec<String>,
    /// Replications instead of each scenario's `runs`
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub runs: Option<u32>,
    /// Seed instead of each scenario's `seed`
    #[arg(long, value_name = "N")]
    pub seed: Option<u32>,
    /// The directory no `use` may leave (default: each handbook's own
    /// directory)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Whether an argument is a filter rather than a path: it names nothing
/// on disk and does not look like a path.
fn is_filter(arg: &Path) -> bool {
    let text = arg.to_string_lossy();
    !arg.exists()
        && text != "-"
        && !text.contains(std::path::MAIN_SEPARATOR)
        && !text.contains('/')
        && !text.ends_with(".muster")
}

/// What happened to one scenario.
struct Played {
    line: String,
    passed: bool,
    expectations_passed: usize,
    expectations_failed: usize,
}

pub fn run(args: &TestArgs) -> u8 {
    let started = Instant::now();
    let (filters, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.inputs.iter().partition(|p| is_filter(p));
    let filters: Vec<String> = filters
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    let default = [PathBuf::from(".")];
    let paths: Vec<PathBuf> = if paths.is_empty() {
        default.to_vec()
    } else {
        paths.into_iter().cloned().collect()
    };
    if paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: `muster test` reads handbooks from files, not standard input");
        return EXIT_USAGE;
    }
    let mut failed_io = false;
    let groups = match groups(&paths, args.root.as_ref(), &mut failed_io) {
        Ok(groups) => groups,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let options = Options {
        runs: args.runs,
        seed: args.seed,
    };
    let mut sources = SourceMap::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut played: Vec<Played> = Vec::new();
    let mut broken = 0usize;
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for group in &groups {
        if matches!(group, Group::Stdin) {
            continue;
        }
        let loaded = match load_group(group) {
            Ok(loaded) => loaded,
            Err(message) => {
                eprintln!("error: {message}");
                failed_io = true;
                continue;
            }
        };
        let start = match group {
            Group::Files { root, .. } => Some(root.clone()),
            Group::Stdin => None,
        };
        let mut found: Vec<Diagnostic> = loaded.refused;
        for &entry in &loaded.entries {
            let name = loaded
                .session
                .sources
                .get(entry)
                .map_or_else(String::new, |f| f.name.clone());
            if !seen.insert(PathBuf::from(&name)) {
                continue;
            }
            let compilation = loaded.session.compile(entry);
            let mut errors: Vec<Diagnostic> = loaded.session.parse_diagnostics(&compilation.files);
            errors.extend(compilation.diagnostics);
            errors.retain(Diagnostic::is_error);
            let Some(model) = compilation.model.filter(|_| errors.is_empty()) else {
                if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
                    broken += 1;
                    played.push(Played {
                        line: format!(
                            "handbook {} ... FAILED (does not compile)",
                            printable(&name)
                        ),
                        passed: false,
                        expectations_passed: 0,
                        expectations_failed: 0,
                    });
                    found.extend(errors);
                }
                continue;
            };
            for sc in &model.scenarios {
                if sc.expectations.is_empty() {
                    continue;
                }
                let id = model.names.get(sc.id);
                if !args.scenario.is_empty() && !args.scenario.iter().any(|s| s == id) {
                    continue;
                }
                if !filters.is_empty()
                    && !filters
                        .iter()
                        .any(|f| id.contains(f.as_str()) || name.contains(f.as_str()))
                {
                    continue;
                }
                let outcome = simulate::simulate(&model, sc, options);
                let mut passed = 0;
                let mut failed = 0;
                for e in &outcome.expectations {
                    if e.met {
                        passed += 1;
                        continue;
                    }
                    failed += 1;
                    found.push(unmet(id, e, outcome.runs));
                }
                played.push(Played {
                    line: format!(
                        "scenario {} ({}) ... {}",
                        id,
                        printable(&name),
                        if failed == 0 { "ok" } else { "FAILED" }
                    ),
                    passed: failed == 0,
                    expectations_passed: passed,
                    expectations_failed: failed,
                });
            }
        }
        let found = match super::settle(
            &args.report,
            start.as_deref(),
            &loaded.session.sources,
            found,
        ) {
            Ok(found) => found,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        };
        let map = sources.absorb(loaded.session.sources);
        for mut d in found {
            d.remap(&map);
            diagnostics.push(d);
        }
    }
    if failed_io && played.is_empty() {
        return EXIT_USAGE;
    }

    let scenarios_failed = played
        .iter()
        .filter(|p| !p.passed)
        .count()
        .saturating_sub(broken);
    let scenarios_passed = played.iter().filter(|p| p.passed).count();
    let expectations_passed: usize = played.iter().map(|p| p.expectations_passed).sum();
    let expectations_failed: usize = played.iter().map(|p| p.expectations_failed).sum();
    let ok = played.iter().all(|p| p.passed) && !diagnostics.iter().any(Diagnostic::is_error);

    let format = args.report.format.unwrap_or(Format::Human);
    let stdout = std::io::stdout();
    let terminal = std::io::IsTerminal::is_terminal(&stdout);
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if format == Format::Human {
        (|| -> std::io::Result<()> {
            let count = played.len() - broken;
            let noun = if count == 1 { "scenario" } else { "scenarios" };
            writeln!(out, "running {count} {noun} with expectations")?;
            for p in &played {
                writeln!(out, "{}", p.line)?;
            }
            if !diagnostics.is_empty() {
                writeln!(out)?;
                writeln!(out, "failures:")?;
                out.flush()?;
                let options = HumanOptions {
                    color: super::use_color(args.report.color, terminal),
                };
                diagnostic::write_human(&mut out, &sources, &diagnostics, options)?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "test result: {}. scenarios: {scenarios_passed} passed, {scenarios_failed} failed{}; expectations: {expectations_passed} passed, {expectations_failed} failed; finished in {:.2}s",
                if ok { "ok" } else { "FAILED" },
                if broken == 1 {
                    ", 1 handbook does not compile".to_owned()
                } else if broken > 1 {
                    format!(", {broken} handbooks do not compile")
                } else {
                    String::new()
                },
                started.elapsed().as_secs_f64()
            )?;
            out.flush()
        })()
    } else {
        super::report(
            &mut out,
            terminal,
            &sources,
            &diagnostics,
            &args.report,
            played.len(),
        )
        .map(|_| ())
        .and_then(|()| out.flush())
    };
    if let Err(e) = written {
        eprintln!("error: cannot write the report: {}", io_reason(&e));
        return EXIT_USAGE;
    }
    if failed_io {
        return EXIT_USAGE;
    }
    if ok { EXIT_OK } else { EXIT_FINDINGS }
}

/// The E0705 diagnostic of an expectation not met: at the `expect` line,
/// with what was measured and its cause.
fn unmet(id: &str, e: &simulate::ExpectationResult, runs: u32) -> Diagnostic {
    let label = if runs == 1 {
        "not met".to_owned()
    } else {
        format!("held in {} of {runs} runs", e.held_runs)
    };
    Diagnostic::new(
        Code::E0705,
        format!(
            "expectation not met in scenario `{}`: {}",
            id,
            printable(&e.text)
        ),
        e.span,
    )
    .with_label(label)
    .with_note(e.measured.clone())
    .with_help(
        "change the handbook so that the scenario plays out as expected, or change the expectation if the new outcome is intended",
    )
}
