//! The simulator (docs/reference.md#simulation): plays a scenario against
//! the checked model, once or many times (Monte Carlo over the ranged
//! durations), and gathers what happened into an [`Outcome`]: the first
//! run in full, the findings (W0701–W0704) with the number of runs they
//! occurred in, each expectation with whether it held, and with several
//! runs the percentiles of every step's completion.
//!
//! Runs are independent: run `k` draws from its own ChaCha8 stream of the
//! scenario's seed, so runs can be played in parallel (rayon) and are
//! gathered in run order; the outcome is the same on any machine and any
//! number of threads. Runs are played in chunks, and each chunk is folded
//! into counters before the next, so memory does not grow with the number
//! of runs.

pub mod engine;
mod findings;
pub mod report;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::check::model::{ExpectationKind, IncidentIdx, Model, ProcedureIdx, Scenario, StepIdx};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::literal::format_readable;

pub use engine::{Prepared, Run, StepState};
pub use findings::Key;

/// What the command line can override.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Replications instead of the scenario's `runs`.
    pub runs: Option<u32>,
    /// A seed instead of the scenario's `seed`.
    pub seed: Option<u32>,
}

/// A finding, reported once however many runs it occurred in.
#[derive(Clone, Debug)]
pub struct Finding {
    pub key: Key,
    /// As found in the first run where it occurred.
    pub diagnostic: Diagnostic,
    /// In how many runs it occurred.
    pub runs: u32,
    /// The run it is shown from (the first it occurred in).
    pub first_run: u32,
}

/// One `expect` line, played.
#[derive(Clone, Debug)]
pub struct ExpectationResult {
    /// The canonical text after `expect`.
    pub text: String,
    pub met: bool,
    /// What was measured, in words.
    pub measured: String,
    /// In how many runs it held.
    pub held_runs: u32,
    /// The `expect` line.
    pub span: Span,
}

/// Percentiles of one step's completion over the runs.
#[derive(Clone, Debug, PartialEq)]
pub struct StepStatistics {
    pub incident: IncidentIdx,
    pub procedure: ProcedureIdx,
    pub step: StepIdx,
    /// Minutes from S0; `None` when the percentile falls among the runs in
    /// which the step did not complete.
    pub p50: Option<u32>,
    pub p80: Option<u32>,
    pub p95: Option<u32>,
    /// The share of runs in which the step met its deadline; `None`
    /// without a `within`.
    pub deadline_met_share: Option<f64>,
}

/// A scenario, played.
pub struct Outcome<'m> {
    pub prepared: Prepared<'m>,
    pub runs: u32,
    pub seed: u32,
    /// The first run, in full.
    pub first: Run<'m>,
    pub findings: Vec<Finding>,
    pub expectations: Vec<ExpectationResult>,
    /// With more than one run.
    pub statistics: Option<Vec<StepStatistics>>,
}

impl Outcome<'_> {
    pub fn scenario(&self) -> &Scenario {
        self.prepared.scenario
    }

    /// The findings as diagnostics; with several runs each says in how
    /// many it occurred.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.findings
            .iter()
            .map(|f| {
                if self.runs > 1 {
                    f.diagnostic.clone().with_note(format!(
                        "in {} of {} runs ({}); shown as in run {}",
                        f.runs,
                        self.runs,
                        share_text(f.runs, self.runs),
                        f.first_run
                    ))
                } else {
                    f.diagnostic.clone()
                }
            })
            .collect()
    }
}

/// How many runs are played at once before they are folded in.
const CHUNK: u32 = 256;

/// A step of an activation: `(incident, procedure, step)`.
type StepKey = (IncidentIdx, ProcedureIdx, StepIdx);

/// What one run leaves for the outcome.
struct Summary<'m> {
    index: u32,
    run: Option<Run<'m>>,
    findings: Vec<(Key, Diagnostic)>,
    expectations: Vec<(bool, String)>,
    /// `(incident, procedure, step) → (completed at, deadline met)`.
    steps: Vec<(StepKey, Option<u32>, Option<bool>)>,
}

#[derive(Default)]
struct StepCounts {
    completions: BTreeMap<u32, u32>,
    met: u32,
    has_deadline: bool,
}

/// Plays `scenario` of `model`.
pub fn simulate<'m>(model: &'m Model, scenario: &'m Scenario, options: Options) -> Outcome<'m> {
    let prepared = Prepared::new(model, scenario);
    let runs = options.runs.unwrap_or(scenario.runs).max(1);
    let seed = options.seed.unwrap_or(scenario.seed);
    let mut first = None;
    let mut found: Vec<Finding> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut held = vec![0u32; scenario.expectations.len()];
    let mut measured: Vec<Option<(u32, String)>> = vec![None; scenario.expectations.len()];
    let mut first_measure: Vec<String> = vec![String::new(); scenario.expectations.len()];
    let mut steps: BTreeMap<StepKey, StepCounts> = BTreeMap::new();

    let mut start = 0;
    while start < runs {
        let end = start.saturating_add(CHUNK).min(runs);
        let summaries: Vec<Summary<'m>> = (start..end)
            .into_par_iter()
            .map(|k| summarize(&prepared, seed, k, runs > 1))
            .collect();
        for summary in summaries {
            for (key, diagnostic) in summary.findings {
                match index.get(&key) {
                    Some(&i) => found[i].runs += 1,
                    None => {
                        index.insert(key.clone(), found.len());
                        found.push(Finding {
                            key,
                            diagnostic,
                            runs: 1,
                            first_run: summary.index,
                        });
                    }
                }
            }
            for (e, (ok, text)) in summary.expectations.into_iter().enumerate() {
                if summary.index == 0 {
                    first_measure[e] = text.clone();
                }
                if ok {
                    held[e] += 1;
                } else if measured[e].is_none() {
                    measured[e] = Some((summary.index, text));
                }
            }
            for (key, done, met) in summary.steps {
                let counts = steps.entry(key).or_default();
                if let Some(done) = done {
                    *counts.completions.entry(done).or_default() += 1;
                }
                if let Some(met) = met {
                    counts.has_deadline = true;
                    counts.met += u32::from(met);
                }
            }
            if let Some(run) = summary.run {
                first = Some(run);
            }
        }
        start = end;
    }
    let first = first.unwrap_or_else(|| engine::run(&prepared, seed, 0));
    let expectations = scenario
        .expectations
        .iter()
        .enumerate()
        .map(|(e, expectation)| {
            let required = match &expectation.kind {
                ExpectationKind::Step { share, .. } | ExpectationKind::DeadlinesMet { share } => {
                    share.unwrap_or(100)
                }
                _ => 100,
            };
            // Held in at least `required`% of the runs, in integers.
            let met = u64::from(held[e]) * 100 >= u64::from(required) * u64::from(runs);
            let text = crate::plan::expectation_text(scenario, model, &expectation.kind);
            let measured_text = if runs == 1 {
                first_measure[e].clone()
            } else {
                let mut t = format!(
                    "held in {} of {runs} runs ({}), expected {required}%",
                    held[e],
                    share_text(held[e], runs)
                );
                if let Some((k, why)) = &measured[e] {
                    t.push_str(&format!("; in run {k}: {why}"));
                }
                t
            };
            ExpectationResult {
                text,
                met,
                measured: measured_text,
                held_runs: held[e],
                span: expectation.span,
            }
        })
        .collect();
    let statistics = (runs > 1).then(|| {
        steps
            .into_iter()
            .map(|((incident, procedure, step), counts)| {
                let percentile = |p: u64| nearest_rank(&counts.completions, runs, p);
                StepStatistics {
                    incident,
                    procedure,
                    step,
                    p50: percentile(50),
                    p80: percentile(80),
                    p95: percentile(95),
                    deadline_met_share: counts
                        .has_deadline
                        .then(|| f64::from(counts.met) / f64::from(runs)),
                }
            })
            .collect()
    });
    Outcome {
        prepared,
        runs,
        seed,
        first,
        findings: found,
        expectations,
        statistics,
    }
}

/// The nearest-rank percentile `p` of `runs` values, of which those in
/// `completions` are known and the rest are later than all of them.
fn nearest_rank(completions: &BTreeMap<u32, u32>, runs: u32, p: u64) -> Option<u32> {
    let rank = (p * u64::from(runs)).div_ceil(100).max(1);
    let mut seen = 0u64;
    for (&minute, &count) in completions {
        seen += u64::from(count);
        if seen >= rank {
            return Some(minute);
        }
    }
    None
}

fn summarize<'m>(p: &Prepared<'m>, seed: u32, k: u32, many: bool) -> Summary<'m> {
    let run = engine::run(p, seed, k);
    let found = findings::findings(p, &run);
    let expectations = p
        .scenario
        .expectations
        .iter()
        .map(|e| expectation(p, &run, &e.kind))
        .collect();
    let mut steps = Vec::new();
    if many {
        for act in &run.activations {
            let procedure = &p.model.procedures[act.procedure];
            for (s, step) in procedure.steps.iter().enumerate() {
                let done = act.steps[s].complete;
                let met = step
                    .within_minutes
                    .map(|w| done.is_some_and(|d| d <= act.t0.saturating_add(w)));
                steps.push(((act.incident, act.procedure, s), done, met));
            }
        }
    }
    Summary {
        index: k,
        run: (k == 0).then_some(run),
        findings: found,
        expectations,
        steps,
    }
}

/// Whether an expectation held in a run, and what was measured.
fn expectation(p: &Prepared<'_>, run: &Run<'_>, kind: &ExpectationKind) -> (bool, String) {
    let model = p.model;
    let sc = p.scenario;
    match *kind {
        ExpectationKind::Step {
            incident,
            step,
            within_minutes,
            ..
        } => {
            let inc = &sc.incidents[incident];
            let procedure = &model.procedures[step.procedure];
            let name = format!(
                "{} · {} · {}",
                model.names.get(inc.id),
                model.names.get(procedure.id),
                model.names.get(procedure.steps[step.step].id)
            );
            let Some(a) = run.activation_of(incident, step.procedure) else {
                return (
                    false,
                    format!(
                        "{} was not activated for {}",
                        model.names.get(procedure.id),
                        model.names.get(inc.id)
                    ),
                );
            };
            let act = &run.activations[a as usize];
            match act.steps[step.step].complete {
                Some(done) => {
                    let after = done.saturating_sub(inc.at_minutes);
                    let ok = after <= within_minutes;
                    let mut text = format!(
                        "{name} completed {} after the incident, expected within {}",
                        readable(after),
                        readable(within_minutes)
                    );
                    if !ok {
                        let (chain, _) = findings::causes(p, run, a, step.step);
                        if !chain.is_empty() {
                            let it = if chain[0].starts_with("waited") {
                                "it "
                            } else {
                                ""
                            };
                            text.push_str(&format!(": {it}{}", chain.join("; then ")));
                        }
                    }
                    (ok, text)
                }
                None => {
                    let (chain, _) = findings::causes(p, run, a, step.step);
                    let mut text = format!("{name} did not complete");
                    if !chain.is_empty() {
                        text.push_str(&format!(": {}", chain.join("; then ")));
                    }
                    (false, text)
                }
            }
        }
        ExpectationKind::Activated {
            negated,
            incident,
            procedure,
            within_minutes,
        } => {
            let inc = &sc.incidents[incident];
            let pid = model.names.get(model.procedures[procedure].id);
            let (activated, text) = match run.activation_of(incident, procedure) {
                Some(a) => {
                    let after = run.activations[a as usize]
                        .t0
                        .saturating_sub(inc.at_minutes);
                    (
                        within_minutes.is_none_or(|w| after <= w),
                        format!(
                            "{} · {pid} was activated {} after the incident",
                            model.names.get(inc.id),
                            readable(after)
                        ),
                    )
                }
                None => (
                    false,
                    format!("{pid} was not activated for {}", model.names.get(inc.id)),
                ),
            };
            (activated != negated, text)
        }
        ExpectationKind::NoShortage { resource } => {
            let waits: Vec<String> = run
                .claims
                .iter()
                .filter(|c| resource.is_none_or(|r| r == c.resource))
                .filter(|c| c.granted.unwrap_or(run.horizon) > c.requested)
                .map(|c| {
                    let act = &run.activations[c.activation as usize];
                    let end = c.granted.unwrap_or(run.horizon);
                    format!(
                        "{} ran short: {} waited {}",
                        model.names.get(model.resources[c.resource].id),
                        model.names.get(sc.incidents[act.incident].id),
                        readable(end - c.requested)
                    )
                })
                .collect();
            if waits.is_empty() {
                (true, "no claim waited".to_owned())
            } else {
                (false, waits.join("; "))
            }
        }
        ExpectationKind::DeadlinesMet { .. } => {
            let mut missed = Vec::new();
            let mut total = 0;
            for (a, act) in run.activations.iter().enumerate() {
                let procedure = &model.procedures[act.procedure];
                for (s, step) in procedure.steps.iter().enumerate() {
                    let Some(within) = step.within_minutes else {
                        continue;
                    };
                    total += 1;
                    let deadline = act.t0.saturating_add(within);
                    let name = format!(
                        "{} · {}",
                        findings::activation_name(p, run, a as u32),
                        model.names.get(step.id)
                    );
                    match act.steps[s].complete {
                        Some(done) if done <= deadline => {}
                        Some(done) => {
                            missed.push(format!("{name} late by {}", readable(done - deadline)))
                        }
                        None if deadline > run.horizon => {
                            missed.push(format!("{name} undecided at the horizon"))
                        }
                        None => missed.push(format!("{name} not completed")),
                    }
                }
            }
            if missed.is_empty() {
                (true, format!("all {total} deadlines met"))
            } else {
                (
                    false,
                    format!(
                        "{} of {total} deadlines missed: {}",
                        missed.len(),
                        missed.join(", ")
                    ),
                )
            }
        }
    }
}

/// A share of runs as a percentage: `61%`, `61.5%`.
pub fn share_text(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "0%".to_owned();
    }
    let tenths = u64::from(part) * 1000 / u64::from(whole);
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// A duration as people read it in a message: `7d`, `1d6h`.
pub fn readable(minutes: u32) -> String {
    format_readable(u64::from(minutes))
}

/// A time from S0 in a message: `T+4d`, `T+1d 06:00`.
pub fn at(minutes: u32) -> String {
    let (d, rest) = (minutes / 1440, minutes % 1440);
    if rest == 0 {
        format!("T+{d}d")
    } else {
        format!("T+{d}d {:02}:{:02}", rest / 60, rest % 60)
    }
}

/// A time from S0 in a table: `T+1d 02:00`.
pub fn clock(minutes: u32) -> String {
    let (d, rest) = (minutes / 1440, minutes % 1440);
    format!("T+{d}d {:02}:{:02}", rest / 60, rest % 60)
}
