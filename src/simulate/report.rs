//! The simulation report (docs/reference.md#the-simulation-report): what
//! every simulation backend reads (`timeline`, `json`, `gantt`, `msel`).
//! Built from the outcomes and the source map only; names are ids, roles
//! are resolved to the actors they stand for in each incident, times are
//! integer minutes from S0. Keys are written in the order of the fields.

use schemars::JsonSchema;
use serde::Serialize;

use crate::check::model::{ActorIdx, IncidentIdx, Model, Scenario};
use crate::diagnostic::diagnostic_value;
use crate::source::SourceMap;

use super::engine::{Event, EventKind, Run, StepState};
use super::findings::value_text;
use super::{Outcome, at, readable};

/// The version of the report format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The schema's `$id`.
pub const REPORT_SCHEMA_ID: &str = "urn:muster-handbook:schema:report:1";

/// A simulation report: every scenario played.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(
    title = "Muster simulation report",
    description = "What `muster simulate --emit json` writes (format_version 1)"
)]
pub struct Report {
    /// Always 1 for this format.
    pub format_version: u32,
    pub scenarios: Vec<ScenarioReport>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ScenarioReport {
    pub id: String,
    pub runs: u32,
    pub seed: u32,
    pub horizon_minutes: u32,
    /// The activations of the first run, in the order they started.
    pub activations: Vec<ActivationReport>,
    /// What happened in the first run, in order.
    pub events: Vec<EventReport>,
    /// The findings (W0701–W0704), as in `--format json`, each with the
    /// number of runs it occurred in.
    #[schemars(schema_with = "findings_schema")]
    pub findings: Vec<serde_json::Value>,
    pub expectations: Vec<ExpectationReport>,
    /// With more than one run.
    pub statistics: Option<Statistics>,
    /// The scenario's label (for people; not in the JSON).
    #[serde(skip)]
    pub label: String,
    #[serde(skip)]
    pub incidents: Vec<IncidentInfo>,
    #[serde(skip)]
    pub injects: Vec<InjectInfo>,
}

/// An incident, for the backends (not in the JSON).
#[derive(Clone, Debug)]
pub struct IncidentInfo {
    pub id: String,
    pub label: String,
    pub at_minutes: u32,
}

/// An inject, for the backends (not in the JSON).
#[derive(Clone, Debug)]
pub struct InjectInfo {
    pub id: String,
    pub label: String,
    pub at_minutes: u32,
    pub incident: Option<String>,
    pub from: Option<String>,
    pub to: Vec<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ActivationReport {
    pub incident: String,
    pub procedure: String,
    /// The trigger that fired; `null` when a step's `activates` started it.
    pub trigger: Option<String>,
    pub activated_by: Option<StepLink>,
    pub t0_minutes: u32,
    /// An actor id (a role resolved to its actor in the incident).
    pub leader: Option<String>,
    /// When every step was done, blocked or after a blocked step.
    pub ended_minutes: Option<u32>,
    pub claims: Vec<ClaimReport>,
    pub steps: Vec<StepReport>,
    /// The procedure's label (not in the JSON).
    #[serde(skip)]
    pub label: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StepLink {
    pub procedure: String,
    pub step: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ClaimReport {
    pub resource: String,
    /// `null` for a resource without a capacity.
    pub amount: Option<u32>,
    pub unit: Option<String>,
    pub requested_minutes: u32,
    /// `null` when it was never granted.
    pub granted_minutes: Option<u32>,
    pub ready_minutes: Option<u32>,
    pub released_minutes: Option<u32>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StepReport {
    pub id: String,
    /// An actor id (a role resolved to its actor in the incident).
    pub owner: Option<String>,
    pub start_minutes: Option<u32>,
    pub complete_minutes: Option<u32>,
    /// T0 + `within`; `null` without one.
    pub deadline_minutes: Option<u32>,
    /// `null` without a deadline, or when the clock stopped before it.
    pub met: Option<bool>,
    #[serde(skip)]
    pub label: String,
    /// On the procedure's critical path (not in the JSON).
    #[serde(skip)]
    pub critical: bool,
    /// Whether it has a decision rule (not in the JSON).
    #[serde(skip)]
    pub decision: bool,
    /// Blocked, or after a blocked step (not in the JSON).
    #[serde(skip)]
    pub blocked: bool,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct EventReport {
    pub minute: u32,
    /// `incident`, `inject`, `activated`, `claim_granted`, `claim_waiting`,
    /// `ready`, `step_started`, `step_completed`, `notified`,
    /// `deadline_missed`, `blocked`, `delayed`, `released`, `withdrawn`,
    /// `restored` or `unfinished`.
    pub kind: String,
    pub incident: Option<String>,
    pub procedure: Option<String>,
    pub step: Option<String>,
    /// Who the event concerns: the leader, the owner, the notified actor,
    /// the sender of an inject.
    pub actor: Option<String>,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ExpectationReport {
    /// The canonical text after `expect`.
    pub text: String,
    pub met: bool,
    pub measured: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Statistics {
    pub steps: Vec<StepStatisticsReport>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StepStatisticsReport {
    pub incident: String,
    pub procedure: String,
    pub step: String,
    /// Nearest-rank percentiles of completion, minutes from S0; `null`
    /// when the percentile falls among runs where the step did not
    /// complete.
    pub p50_minutes: Option<u32>,
    pub p80_minutes: Option<u32>,
    pub p95_minutes: Option<u32>,
    /// `null` without a `within`.
    pub deadline_met_share: Option<f64>,
}

fn findings_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "items": { "$ref": "#/$defs/finding" }
    })
}

/// The actor `actor` stands for in an incident: a bound role is its actor.
fn resolved(sc: &Scenario, incident: IncidentIdx, actor: ActorIdx) -> ActorIdx {
    sc.incidents
        .get(incident)
        .and_then(|inc| inc.bindings.iter().find(|(role, _)| *role == actor))
        .map_or(actor, |&(_, a)| a)
}

/// Plays every scenario of `model` (in declaration order) and builds
/// the report: what `muster doc` and the tests need of a handbook.
pub fn play_all(model: &Model, sources: &SourceMap, options: super::Options) -> Report {
    let outcomes: Vec<Outcome<'_>> = model
        .scenarios
        .iter()
        .map(|sc| super::simulate(model, sc, options))
        .collect();
    build(&outcomes, sources)
}

/// Builds the report of the outcomes.
pub fn build(outcomes: &[Outcome<'_>], sources: &SourceMap) -> Report {
    Report {
        format_version: FORMAT_VERSION,
        scenarios: outcomes.iter().map(|o| scenario(o, sources)).collect(),
    }
}

fn scenario(o: &Outcome<'_>, sources: &SourceMap) -> ScenarioReport {
    let model = o.prepared.model;
    let sc = o.prepared.scenario;
    let run = &o.first;
    let actor = |incident: IncidentIdx, a: ActorIdx| {
        model
            .names
            .get(model.actors[resolved(sc, incident, a)].id)
            .to_owned()
    };
    let activations = run
        .activations
        .iter()
        .map(|act| {
            let procedure = &model.procedures[act.procedure];
            ActivationReport {
                incident: model.names.get(sc.incidents[act.incident].id).to_owned(),
                procedure: model.names.get(procedure.id).to_owned(),
                trigger: act
                    .trigger
                    .map(|t| model.names.get(procedure.triggers[t].id).to_owned()),
                activated_by: act.activated_by.map(|s| StepLink {
                    procedure: model.names.get(model.procedures[s.procedure].id).to_owned(),
                    step: model
                        .names
                        .get(model.procedures[s.procedure].steps[s.step].id)
                        .to_owned(),
                }),
                t0_minutes: act.t0,
                leader: act.leader.map(|l| actor(act.incident, l)),
                ended_minutes: act.ended,
                claims: act
                    .claims
                    .iter()
                    .map(|&c| {
                        let claim = &run.claims[c as usize];
                        let resource = &model.resources[claim.resource];
                        ClaimReport {
                            resource: model.names.get(resource.id).to_owned(),
                            amount: claim.amount,
                            unit: resource
                                .capacity
                                .as_ref()
                                .map(|c| model.names.get(c.unit).to_owned()),
                            requested_minutes: claim.requested,
                            granted_minutes: claim.granted,
                            ready_minutes: claim.ready,
                            released_minutes: claim.released,
                        }
                    })
                    .collect(),
                steps: procedure
                    .steps
                    .iter()
                    .zip(&act.steps)
                    .map(|(step, s)| {
                        let deadline = step.within_minutes.map(|w| act.t0.saturating_add(w));
                        let met = deadline.and_then(|d| match s.complete {
                            Some(done) => Some(done <= d),
                            None if d <= run.horizon => Some(false),
                            None => None,
                        });
                        StepReport {
                            id: model.names.get(step.id).to_owned(),
                            owner: step.owner.map(|(a, _)| actor(act.incident, a)),
                            start_minutes: s.start,
                            complete_minutes: s.complete,
                            deadline_minutes: deadline,
                            met,
                            label: model.names.get(step.label).to_owned(),
                            critical: step.timing.critical,
                            decision: step.decision.is_some(),
                            blocked: matches!(
                                s.state,
                                StepState::Blocked(_) | StepState::AfterBlocked
                            ),
                        }
                    })
                    .collect(),
                label: model.names.get(procedure.label).to_owned(),
            }
        })
        .collect();
    let events = run
        .events
        .iter()
        .map(|e| event(model, sc, run, e))
        .collect();
    let findings = o
        .findings
        .iter()
        .zip(o.diagnostics())
        .map(|(f, d)| {
            let mut value = diagnostic_value(sources, &d);
            if let Some(map) = value.as_object_mut() {
                map.insert("runs".into(), f.runs.into());
            }
            value
        })
        .collect();
    let statistics = o.statistics.as_ref().map(|steps| Statistics {
        steps: steps
            .iter()
            .map(|s| {
                let procedure = &model.procedures[s.procedure];
                StepStatisticsReport {
                    incident: model.names.get(sc.incidents[s.incident].id).to_owned(),
                    procedure: model.names.get(procedure.id).to_owned(),
                    step: model.names.get(procedure.steps[s.step].id).to_owned(),
                    p50_minutes: s.p50,
                    p80_minutes: s.p80,
                    p95_minutes: s.p95,
                    deadline_met_share: s.deadline_met_share,
                }
            })
            .collect(),
    });
    ScenarioReport {
        id: model.names.get(sc.id).to_owned(),
        runs: o.runs,
        seed: o.seed,
        horizon_minutes: sc.horizon_minutes,
        activations,
        events,
        findings,
        expectations: o
            .expectations
            .iter()
            .map(|e| ExpectationReport {
                text: e.text.clone(),
                met: e.met,
                measured: e.measured.clone(),
            })
            .collect(),
        statistics,
        label: model.names.get(sc.label).to_owned(),
        incidents: sc
            .incidents
            .iter()
            .map(|i| IncidentInfo {
                id: model.names.get(i.id).to_owned(),
                label: model.names.get(i.label).to_owned(),
                at_minutes: i.at_minutes,
            })
            .collect(),
        injects: sc
            .injects
            .iter()
            .map(|j| InjectInfo {
                id: model.names.get(j.id).to_owned(),
                label: model.names.get(j.label).to_owned(),
                at_minutes: j.at_minutes,
                incident: j
                    .incident
                    .map(|i| model.names.get(sc.incidents[i].id).to_owned()),
                from: j
                    .from
                    .map(|a| model.names.get(model.actors[a].id).to_owned()),
                to: j
                    .to
                    .iter()
                    .map(|&a| model.names.get(model.actors[a].id).to_owned())
                    .collect(),
                note: j.note.map(|n| model.names.get(n).to_owned()),
            })
            .collect(),
    }
}

fn amount_text(model: &Model, resource: usize, amount: Option<u32>) -> String {
    let r = &model.resources[resource];
    match (amount, &r.capacity) {
        (Some(n), Some(c)) => format!("{} {n} {}", model.names.get(r.id), model.names.get(c.unit)),
        _ => model.names.get(r.id).to_owned(),
    }
}

/// One event, in words.
fn event(model: &Model, sc: &Scenario, run: &Run<'_>, e: &Event) -> EventReport {
    let incident = e.incident;
    let act = e.activation.map(|a| &run.activations[a as usize]);
    let procedure = e.procedure.map(|p| &model.procedures[p]);
    let step = match (procedure, e.step) {
        (Some(p), Some(s)) => p.steps.get(s),
        _ => None,
    };
    let who = |a: ActorIdx| {
        let a = match incident {
            Some(i) => resolved(sc, i, a),
            None => a,
        };
        model.names.get(model.actors[a].id).to_owned()
    };
    let owner = step.and_then(|s| s.owner).map(|(a, _)| who(a));
    let claim = || &run.claims[e.item as usize];
    let (actor, detail) = match e.kind {
        EventKind::Incident => {
            let inc = &sc.incidents[e.item as usize];
            let mut parts: Vec<String> = inc
                .bindings
                .iter()
                .map(|&(role, a)| {
                    format!(
                        "{} = {}",
                        model.names.get(model.actors[role].id),
                        model.names.get(model.actors[a].id)
                    )
                })
                .collect();
            parts.extend(inc.set.iter().map(|(f, v)| {
                format!(
                    "{} = {}",
                    model.names.get(model.facts[*f].id),
                    value_text(model, v)
                )
            }));
            let detail = if parts.is_empty() {
                "occurs".to_owned()
            } else {
                format!("occurs: {}", parts.join(", "))
            };
            (None, detail)
        }
        EventKind::Inject => {
            let j = &sc.injects[e.item as usize];
            let mut parts: Vec<String> = j
                .set
                .iter()
                .map(|(f, v)| {
                    format!(
                        "set {} = {}",
                        model.names.get(model.facts[*f].id),
                        value_text(model, v)
                    )
                })
                .collect();
            let step_name = |r: &crate::check::model::StepRef| {
                let p = &model.procedures[r.procedure];
                format!(
                    "{}.{}",
                    model.names.get(p.id),
                    model.names.get(p.steps[r.step].id)
                )
            };
            parts.extend(
                j.withdraw
                    .iter()
                    .map(|r| format!("withdraw {}", amount_text(model, r.resource, r.amount))),
            );
            parts.extend(
                j.restore
                    .iter()
                    .map(|r| format!("restore {}", amount_text(model, r.resource, r.amount))),
            );
            parts.extend(
                j.delay
                    .iter()
                    .map(|(r, by)| format!("delay {} by {}", step_name(r), readable(*by))),
            );
            parts.extend(j.block.iter().map(|r| format!("block {}", step_name(r))));
            let mut detail = format!("inject {}", model.names.get(j.id));
            if !parts.is_empty() {
                detail.push_str(": ");
                detail.push_str(&parts.join(", "));
            }
            (
                j.from
                    .map(|a| model.names.get(model.actors[a].id).to_owned()),
                detail,
            )
        }
        EventKind::Activated => {
            let detail = match act.and_then(|a| a.trigger) {
                Some(t) => format!(
                    "activated by trigger {}",
                    procedure.map_or("", |p| model.names.get(p.triggers[t].id))
                ),
                None => match act.and_then(|a| a.activated_by) {
                    Some(s) => format!(
                        "activated by step {}.{}",
                        model.names.get(model.procedures[s.procedure].id),
                        model
                            .names
                            .get(model.procedures[s.procedure].steps[s.step].id)
                    ),
                    None => "activated".to_owned(),
                },
            };
            (act.and_then(|a| a.leader).map(who), detail)
        }
        EventKind::ClaimGranted => {
            let c = claim();
            let mut detail = format!("granted {}", amount_text(model, c.resource, c.amount));
            if e.minute > c.requested {
                detail.push_str(&format!(
                    " after waiting {} since {}",
                    readable(e.minute - c.requested),
                    at(c.requested)
                ));
            }
            (None, detail)
        }
        EventKind::ClaimWaiting => {
            let c = claim();
            let mut detail = format!("waiting for {}", amount_text(model, c.resource, c.amount));
            if let Some((_, capacity)) = e.resource {
                detail.push_str(&format!(" (pool of {capacity})"));
            }
            (None, detail)
        }
        EventKind::Ready => {
            let c = claim();
            (
                None,
                format!("{} ready", amount_text(model, c.resource, c.amount)),
            )
        }
        EventKind::Released => {
            let c = claim();
            (
                None,
                format!("released {}", amount_text(model, c.resource, c.amount)),
            )
        }
        EventKind::StepStarted => (owner, "started".to_owned()),
        EventKind::StepCompleted => {
            let mut detail = "completed".to_owned();
            if let (Some(a), Some(s)) = (act, step) {
                if let Some(w) = s.within_minutes {
                    let deadline = a.t0.saturating_add(w);
                    if e.minute > deadline {
                        detail.push_str(&format!(", late by {}", readable(e.minute - deadline)));
                    }
                }
                // The procedures this completion started (not those
                // already active for the incident).
                let started: Vec<&str> = s
                    .activates
                    .iter()
                    .filter_map(|&target| run.activation_of(a.incident, target))
                    .map(|b| &run.activations[b as usize])
                    .filter(|b| {
                        b.t0 == e.minute
                            && b.activated_by.is_some_and(|by| {
                                by.procedure == a.procedure && Some(by.step) == e.step
                            })
                    })
                    .map(|b| model.names.get(model.procedures[b.procedure].id))
                    .collect();
                if !started.is_empty() {
                    detail.push_str(&format!(", activates {}", started.join(", ")));
                }
            }
            (owner, detail)
        }
        EventKind::Notified => {
            let detail = match &owner {
                Some(o) => format!("notified by {o}"),
                None => "notified".to_owned(),
            };
            (Some(who(e.item as usize)), detail)
        }
        EventKind::DeadlineMissed => {
            let within = step.and_then(|s| s.within_minutes).unwrap_or(0);
            (
                owner,
                format!(
                    "deadline missed: due within {} of activation",
                    readable(within)
                ),
            )
        }
        EventKind::Blocked => (
            owner,
            format!(
                "blocked by inject {}",
                model.names.get(sc.injects[e.item as usize].id)
            ),
        ),
        EventKind::Delayed => {
            let j = &sc.injects[e.item as usize];
            let by = j
                .delay
                .iter()
                .find(|(r, _)| Some(r.procedure) == e.procedure && Some(r.step) == e.step)
                .map_or(0, |(_, by)| *by);
            (
                owner,
                format!(
                    "delayed by {} (inject {})",
                    readable(by),
                    model.names.get(j.id)
                ),
            )
        }
        EventKind::Withdrawn | EventKind::Restored => {
            let (verb, j) = (
                if e.kind == EventKind::Withdrawn {
                    "withdrawn"
                } else {
                    "restored"
                },
                &sc.injects[e.item as usize],
            );
            let detail = match e.resource {
                Some((r, capacity)) => {
                    let res = &model.resources[r];
                    let unit = res
                        .capacity
                        .as_ref()
                        .map_or("", |c| model.names.get(c.unit));
                    format!(
                        "{} {verb} by inject {}: capacity now {capacity} {unit}",
                        model.names.get(res.id),
                        model.names.get(j.id)
                    )
                }
                None => format!("{verb} by inject {}", model.names.get(j.id)),
            };
            (None, detail)
        }
        EventKind::Unfinished => {
            let detail = match act.map(|a| a.steps[e.step.unwrap_or(0)].state) {
                Some(StepState::Running) => "still running at the horizon",
                _ => "not started by the horizon",
            };
            (owner, detail.to_owned())
        }
    };
    EventReport {
        minute: e.minute,
        kind: e.kind.as_str().to_owned(),
        incident: incident.map(|i| model.names.get(sc.incidents[i].id).to_owned()),
        procedure: procedure.map(|p| model.names.get(p.id).to_owned()),
        step: step.map(|s| model.names.get(s.id).to_owned()),
        actor,
        detail,
    }
}

/// The report as JSON, pretty-printed, ending with a newline.
pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema (draft 2020-12) of the report, committed as
/// `docs/report.schema.json` and printed by `muster schema --report`.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(Report).to_value();
    crate::plan::tighten(&mut schema);
    if let Some(version) = schema.pointer_mut("/properties/format_version") {
        *version = serde_json::json!({ "const": FORMAT_VERSION });
    }
    // The findings are the diagnostics of `--format json`, plus `runs`.
    let diagnostics: serde_json::Value =
        serde_json::from_str(&crate::diagnostic::diagnostics_schema()).unwrap_or_default();
    if let (Some(map), Some(defs)) = (schema.as_object_mut(), diagnostics.get("$defs")) {
        map.insert("$id".into(), REPORT_SCHEMA_ID.into());
        let target = map
            .entry("$defs")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let (Some(target), Some(defs)) = (target.as_object_mut(), defs.as_object()) {
            for name in ["position", "label"] {
                if let Some(def) = defs.get(name) {
                    target.insert(name.into(), def.clone());
                }
            }
            if let Some(mut finding) = defs.get("diagnostic").cloned() {
                if let Some(props) = finding
                    .get_mut("properties")
                    .and_then(|p| p.as_object_mut())
                {
                    props.insert(
                        "runs".into(),
                        serde_json::json!({ "type": "integer", "minimum": 1, "description": "the number of runs it occurred in" }),
                    );
                }
                if let Some(required) = finding.get_mut("required").and_then(|r| r.as_array_mut()) {
                    required.push("runs".into());
                }
                target.insert("finding".into(), finding);
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
