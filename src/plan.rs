//! The compiled plan (docs/reference.md#the-json-plan): the one serialisable IR that every
//! backend reads. It is built only from the checked model and the source
//! map; no backend looks at the AST.
//!
//! Keys are written in the order of the struct fields, lists in declaration
//! order, durations as integer minutes; nothing here is a hash map, so the
//! JSON is byte-identical across runs and machines.

use schemars::JsonSchema;
use serde::Serialize;

use crate::check::model::{self, Condition as ModelCondition, From, Model, Name};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::literal::format_minutes;

/// The version of the plan format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// A compiled handbook.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(
    title = "Muster plan",
    description = "A compiled Muster handbook (format_version 1)"
)]
pub struct Plan {
    /// Always 1 for this format.
    pub format_version: u32,
    pub handbook: Option<Handbook>,
    /// The files of the compilation, relative to the root, entry first.
    pub sources: Vec<String>,
    pub facts: Vec<Fact>,
    pub actors: Vec<Actor>,
    pub resources: Vec<Resource>,
    pub procedures: Vec<Procedure>,
    /// Scenarios to play against the handbook (`muster simulate`).
    pub scenarios: Vec<Scenario>,
}

/// Where a declaration stands: `file` relative to the root, `/`-separated;
/// 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Handbook {
    pub title: String,
    pub version: Option<String>,
    /// An actor id.
    pub owner: Option<String>,
    pub doc: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Fact {
    pub id: String,
    pub doc: Option<String>,
    #[serde(rename = "type")]
    pub ty: FactType,
    pub location: Location,
}

/// A fact's type. A ranged int has `min` and `max`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactType {
    Bool,
    Int {
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    Duration,
    Enum {
        variants: Vec<String>,
    },
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Actor {
    pub id: String,
    pub label: String,
    /// member_state, institution, body, agency, service, office, group,
    /// role or external.
    pub kind: String,
    pub parent: Option<String>,
    pub members: Vec<String>,
    pub doc: Option<String>,
    pub note: Option<String>,
    pub location: Location,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Resource {
    pub id: String,
    pub label: String,
    /// The free category (`medical`, `military`, …).
    pub kind: Option<String>,
    /// An actor id.
    pub provider: String,
    pub capacity: Option<Capacity>,
    /// The maximum of a ranged `ready`.
    pub ready_minutes: u32,
    /// A ranged `ready`, or null for a single duration.
    pub ready_range: Option<DurationRange>,
    pub doc: Option<String>,
    pub note: Option<String>,
    pub location: Location,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Capacity {
    pub amount: u32,
    pub unit: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Procedure {
    pub id: String,
    pub label: String,
    pub doc: Option<String>,
    pub note: Option<String>,
    /// The default leader and step owner: an actor id.
    pub lead: Option<String>,
    pub support: Vec<String>,
    /// The largest earliest finish of the steps.
    pub duration_minutes: u64,
    /// Step ids, first step first.
    pub critical_path: Vec<String>,
    /// The resource whose readiness starts the critical path.
    pub critical_resource: Option<String>,
    pub triggers: Vec<Trigger>,
    pub steps: Vec<Step>,
    pub location: Location,
}

/// Where an inherited value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Procedure,
    Trigger,
    Step,
}

impl From {
    fn origin(self) -> Origin {
        match self {
            From::Procedure => Origin::Procedure,
            From::Trigger => Origin::Trigger,
            From::Step => Origin::Step,
        }
    }
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Trigger {
    pub id: String,
    pub label: String,
    pub doc: Option<String>,
    /// The condition in canonical text.
    pub condition: String,
    pub condition_tree: Condition,
    /// The leader: an actor id.
    pub lead: String,
    pub lead_from: Origin,
    /// What activation mobilises: the procedure's resources, then its own.
    pub resources: Vec<Mobilised>,
    pub location: Location,
}

/// A resource a trigger mobilises. Without an amount, `amount` and `unit`
/// are null; an amount written without a unit is in the capacity's unit.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Mobilised {
    pub resource: String,
    pub amount: Option<u32>,
    pub unit: Option<String>,
    pub from: Origin,
}

/// A resource a step requires.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Required {
    pub resource: String,
    pub amount: Option<u32>,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Step {
    pub id: String,
    pub label: String,
    pub doc: Option<String>,
    /// An actor id.
    pub owner: String,
    pub owner_from: Origin,
    pub after: Vec<String>,
    /// The maximum of a ranged `takes`: what the schedule uses.
    pub takes_minutes: u32,
    /// A ranged `takes`, or null for a single duration.
    pub takes_range: Option<DurationRange>,
    pub within_minutes: Option<u32>,
    pub requires: Vec<Required>,
    pub notify: Vec<String>,
    /// unanimity, qualified_majority, simple_majority or consensus.
    pub decision: Option<String>,
    /// Procedure ids.
    pub activates: Vec<String>,
    pub earliest_start_minutes: u64,
    pub earliest_finish_minutes: u64,
    pub latest_finish_minutes: i64,
    pub slack_minutes: i64,
    pub critical: bool,
    pub location: Location,
}

/// A ranged duration in minutes; `mode` is null for a uniform range.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub struct DurationRange {
    pub min: u32,
    pub mode: Option<u32>,
    pub max: u32,
}

impl std::convert::From<model::Range> for DurationRange {
    fn from(r: model::Range) -> Self {
        DurationRange {
            min: r.min,
            mode: r.mode,
            max: r.max,
        }
    }
}

/// A scenario: incidents and injects to play against the handbook, and
/// what is expected of it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Scenario {
    pub id: String,
    pub label: String,
    pub doc: Option<String>,
    pub note: Option<String>,
    /// Replications (Monte Carlo when more than 1).
    pub runs: u32,
    pub seed: u32,
    /// The clock stops here.
    pub horizon_minutes: u32,
    pub incidents: Vec<Incident>,
    pub injects: Vec<Inject>,
    pub expectations: Vec<Expectation>,
    pub location: Location,
}

/// One occurrence with its own facts and role bindings.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Incident {
    pub id: String,
    pub label: String,
    pub doc: Option<String>,
    pub note: Option<String>,
    /// From the scenario's start.
    pub at_minutes: u32,
    pub bindings: Vec<Binding>,
    pub set: Vec<Setting>,
    pub location: Location,
}

/// A role and the actor it stands for in an incident.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Binding {
    pub role: String,
    pub actor: String,
}

/// A fact and its value.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Setting {
    pub fact: String,
    pub value: SetValue,
}

/// A typed value; durations in minutes.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SetValue {
    Bool { value: bool },
    Int { value: u32 },
    Duration { minutes: u32 },
    Variant { variant: String },
}

/// A change of situation: one row of a master scenario events list.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Inject {
    pub id: String,
    pub label: String,
    pub doc: Option<String>,
    pub note: Option<String>,
    pub at_minutes: u32,
    /// An incident id.
    pub incident: Option<String>,
    pub set: Vec<Setting>,
    pub withdraw: Vec<Required>,
    pub restore: Vec<Required>,
    pub delay: Vec<Delay>,
    pub block: Vec<StepPath>,
    /// An actor id.
    pub from: Option<String>,
    pub to: Vec<String>,
    pub location: Location,
}

/// `PROCEDURE.STEP`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StepPath {
    pub procedure: String,
    pub step: String,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Delay {
    pub step: StepPath,
    pub by_minutes: u32,
}

/// An expectation: canonical text and tree.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Expectation {
    pub text: String,
    pub tree: ExpectationTree,
    pub location: Location,
}

/// The four forms of expectation; durations count from the incident.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpectationTree {
    Step {
        incident: String,
        procedure: String,
        step: String,
        within_minutes: u32,
        share_percent: Option<u32>,
    },
    Activated {
        negated: bool,
        incident: String,
        procedure: String,
        within_minutes: Option<u32>,
    },
    NoShortage {
        resource: Option<String>,
    },
    DeadlinesMet {
        share_percent: Option<u32>,
    },
}

/// A condition as a tree.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    Bool {
        value: bool,
    },
    Int {
        value: u32,
    },
    Duration {
        minutes: u32,
    },
    Fact {
        id: String,
    },
    Variant {
        fact: String,
        variant: String,
    },
    Not {
        operand: Box<Condition>,
    },
    And {
        operands: Vec<Condition>,
    },
    Or {
        operands: Vec<Condition>,
    },
    Compare {
        op: String,
        lhs: Box<Condition>,
        rhs: Box<Condition>,
    },
    In {
        lhs: Box<Condition>,
        list: Vec<Condition>,
    },
}

/// Builds the plan of a checked model whose files are `files`, in output
/// order.
pub fn build(model: &Model, sources: &SourceMap, files: &[FileId]) -> Plan {
    let location = |span: Span| {
        let file = sources.get(span.file);
        let lc = file.map(|f| f.line_col(span.start()));
        Location {
            file: file.map_or_else(String::new, |f| f.path.clone()),
            line: lc.map_or(1, |lc| lc.line),
            column: lc.map_or(1, |lc| lc.column),
        }
    };
    // The plan is where the model's names become strings.
    let text = |name: Name| model.names.get(name).to_owned();
    let actor = |i: usize| text(model.actors[i].id);
    let resource = |i: usize| text(model.resources[i].id);
    let procedure_id = |i: usize| text(model.procedures[i].id);
    // An amount without a unit counts in the capacity's unit.
    let unit_of = |req: &model::Requirement| {
        req.amount?;
        req.unit.map(text).or_else(|| {
            model.resources[req.resource]
                .capacity
                .as_ref()
                .map(|c| text(c.unit))
        })
    };

    Plan {
        format_version: FORMAT_VERSION,
        handbook: model.handbook.as_ref().map(|h| Handbook {
            title: text(h.title),
            version: h.version.map(text),
            owner: h.owner.map(actor),
            doc: h.doc.map(text),
            note: h.note.map(text),
        }),
        sources: files
            .iter()
            .filter_map(|&id| sources.get(id).map(|f| f.path.clone()))
            .collect(),
        facts: model
            .facts
            .iter()
            .map(|f| Fact {
                id: text(f.id),
                doc: f.doc.map(text),
                ty: match &f.ty {
                    model::FactType::Bool => FactType::Bool,
                    model::FactType::Int => FactType::Int {
                        min: None,
                        max: None,
                    },
                    model::FactType::Range { min, max } => FactType::Int {
                        min: Some(*min),
                        max: Some(*max),
                    },
                    model::FactType::Duration => FactType::Duration,
                    model::FactType::Enum { variants } => FactType::Enum {
                        variants: variants.iter().map(|&v| text(v)).collect(),
                    },
                },
                location: location(f.span),
            })
            .collect(),
        actors: model
            .actors
            .iter()
            .map(|a| Actor {
                id: text(a.id),
                label: text(a.label),
                kind: a.kind.map_or_else(String::new, |k| k.as_str().to_owned()),
                parent: a.parent.map(actor),
                members: a.members.iter().map(|&m| actor(m)).collect(),
                doc: a.doc.map(text),
                note: a.note.map(text),
                location: location(a.span),
            })
            .collect(),
        resources: model
            .resources
            .iter()
            .map(|r| Resource {
                id: text(r.id),
                label: text(r.label),
                kind: r.kind.map(text),
                provider: r.provider.map(actor).unwrap_or_default(),
                capacity: r.capacity.as_ref().map(|c| Capacity {
                    amount: c.amount,
                    unit: text(c.unit),
                }),
                ready_minutes: r.ready_minutes,
                ready_range: r.ready_range.map(DurationRange::from),
                doc: r.doc.map(text),
                note: r.note.map(text),
                location: location(r.span),
            })
            .collect(),
        procedures: model
            .procedures
            .iter()
            .map(|p| {
                let step_id = |i: usize| text(p.steps[i].id);
                Procedure {
                    id: text(p.id),
                    label: text(p.label),
                    doc: p.doc.map(text),
                    note: p.note.map(text),
                    lead: p.lead.map(actor),
                    support: p.support.iter().map(|&a| actor(a)).collect(),
                    duration_minutes: p.schedule.duration,
                    critical_path: p
                        .schedule
                        .critical_path
                        .iter()
                        .map(|&s| step_id(s))
                        .collect(),
                    critical_resource: p.schedule.critical_resource.map(resource),
                    triggers: p
                        .triggers
                        .iter()
                        .map(|t| Trigger {
                            id: text(t.id),
                            label: text(t.label),
                            doc: t.doc.map(text),
                            condition: condition_text(&t.condition, model),
                            condition_tree: condition_tree(&t.condition, model),
                            lead: t.lead.map(|(a, _)| actor(a)).unwrap_or_default(),
                            lead_from: t.lead.map_or(Origin::Procedure, |(_, from)| from.origin()),
                            resources: t
                                .resources
                                .iter()
                                .map(|(req, from)| Mobilised {
                                    resource: resource(req.resource),
                                    amount: req.amount,
                                    unit: unit_of(req),
                                    from: from.origin(),
                                })
                                .collect(),
                            location: location(t.span),
                        })
                        .collect(),
                    steps: p
                        .steps
                        .iter()
                        .map(|s| Step {
                            id: text(s.id),
                            label: text(s.label),
                            doc: s.doc.map(text),
                            owner: s.owner.map(|(a, _)| actor(a)).unwrap_or_default(),
                            owner_from: s
                                .owner
                                .map_or(Origin::Procedure, |(_, from)| from.origin()),
                            after: s.after.iter().map(|&a| step_id(a)).collect(),
                            takes_minutes: s.takes_minutes,
                            takes_range: s.takes_range.map(DurationRange::from),
                            within_minutes: s.within_minutes,
                            requires: s
                                .requires
                                .iter()
                                .map(|req| Required {
                                    resource: resource(req.resource),
                                    amount: req.amount,
                                    unit: unit_of(req),
                                })
                                .collect(),
                            notify: s.notify.iter().map(|&a| actor(a)).collect(),
                            decision: s.decision.map(|d| d.as_str().to_owned()),
                            activates: s.activates.iter().map(|&q| procedure_id(q)).collect(),
                            earliest_start_minutes: s.timing.earliest_start,
                            earliest_finish_minutes: s.timing.earliest_finish,
                            latest_finish_minutes: s.timing.latest_finish,
                            slack_minutes: s.timing.slack,
                            critical: s.timing.critical,
                            location: location(s.span),
                        })
                        .collect(),
                    location: location(p.span),
                }
            })
            .collect(),
        scenarios: model
            .scenarios
            .iter()
            .map(|sc| scenario(sc, model, &location))
            .collect(),
    }
}

fn scenario(sc: &model::Scenario, model: &Model, location: &dyn Fn(Span) -> Location) -> Scenario {
    // The plan is where the model's names become strings.
    let text = |name: Name| model.names.get(name).to_owned();
    let actor = |i: usize| text(model.actors[i].id);
    let incident = |i: usize| text(sc.incidents[i].id);
    let step = |r: &model::StepRef| StepPath {
        procedure: text(model.procedures[r.procedure].id),
        step: text(model.procedures[r.procedure].steps[r.step].id),
    };
    let settings = |set: &[(usize, model::FactValue)]| -> Vec<Setting> {
        set.iter()
            .map(|(f, v)| Setting {
                fact: text(model.facts[*f].id),
                value: match v {
                    model::FactValue::Bool(value) => SetValue::Bool { value: *value },
                    model::FactValue::Int(value) => SetValue::Int { value: *value },
                    model::FactValue::Duration(minutes) => SetValue::Duration { minutes: *minutes },
                    model::FactValue::Variant(variant) => SetValue::Variant {
                        variant: text(*variant),
                    },
                },
            })
            .collect()
    };
    let required = |reqs: &[model::Requirement]| -> Vec<Required> {
        reqs.iter()
            .map(|req| Required {
                resource: text(model.resources[req.resource].id),
                amount: req.amount,
                unit: req.amount.and(req.unit.map(text).or_else(|| {
                    model.resources[req.resource]
                        .capacity
                        .as_ref()
                        .map(|c| text(c.unit))
                })),
            })
            .collect()
    };
    Scenario {
        id: text(sc.id),
        label: text(sc.label),
        doc: sc.doc.map(text),
        note: sc.note.map(text),
        runs: sc.runs,
        seed: sc.seed,
        horizon_minutes: sc.horizon_minutes,
        incidents: sc
            .incidents
            .iter()
            .map(|i| Incident {
                id: text(i.id),
                label: text(i.label),
                doc: i.doc.map(text),
                note: i.note.map(text),
                at_minutes: i.at_minutes,
                bindings: i
                    .bindings
                    .iter()
                    .map(|&(role, a)| Binding {
                        role: actor(role),
                        actor: actor(a),
                    })
                    .collect(),
                set: settings(&i.set),
                location: location(i.span),
            })
            .collect(),
        injects: sc
            .injects
            .iter()
            .map(|i| Inject {
                id: text(i.id),
                label: text(i.label),
                doc: i.doc.map(text),
                note: i.note.map(text),
                at_minutes: i.at_minutes,
                incident: i.incident.map(incident),
                set: settings(&i.set),
                withdraw: required(&i.withdraw),
                restore: required(&i.restore),
                delay: i
                    .delay
                    .iter()
                    .map(|(r, by)| Delay {
                        step: step(r),
                        by_minutes: *by,
                    })
                    .collect(),
                block: i.block.iter().map(step).collect(),
                from: i.from.map(actor),
                to: i.to.iter().map(|&a| actor(a)).collect(),
                location: location(i.span),
            })
            .collect(),
        expectations: sc
            .expectations
            .iter()
            .map(|e| Expectation {
                text: expectation_text(sc, model, &e.kind),
                tree: match &e.kind {
                    model::ExpectationKind::Step {
                        incident: i,
                        step: r,
                        within_minutes,
                        share,
                    } => ExpectationTree::Step {
                        incident: incident(*i),
                        procedure: step(r).procedure,
                        step: step(r).step,
                        within_minutes: *within_minutes,
                        share_percent: *share,
                    },
                    model::ExpectationKind::Activated {
                        negated,
                        incident: i,
                        procedure,
                        within_minutes,
                    } => ExpectationTree::Activated {
                        negated: *negated,
                        incident: incident(*i),
                        procedure: text(model.procedures[*procedure].id),
                        within_minutes: *within_minutes,
                    },
                    model::ExpectationKind::NoShortage { resource } => {
                        ExpectationTree::NoShortage {
                            resource: resource.map(|r| text(model.resources[r].id)),
                        }
                    }
                    model::ExpectationKind::DeadlinesMet { share } => {
                        ExpectationTree::DeadlinesMet {
                            share_percent: *share,
                        }
                    }
                },
                location: location(e.span),
            })
            .collect(),
        location: location(sc.span),
    }
}

/// The canonical text of an expectation, as `fmt` writes it after
/// `expect` (durations in canonical units).
pub fn expectation_text(
    sc: &model::Scenario,
    model: &Model,
    kind: &model::ExpectationKind,
) -> String {
    let d = |m: u32| format_minutes(u64::from(m));
    let share = |s: &Option<u32>| s.map_or_else(String::new, |n| format!(" in {n}%"));
    match kind {
        model::ExpectationKind::Step {
            incident,
            step,
            within_minutes,
            share: n,
        } => {
            let p = &model.procedures[step.procedure];
            format!(
                "{}.{}.{} within {}{}",
                model.names.get(sc.incidents[*incident].id),
                model.names.get(p.id),
                model.names.get(p.steps[step.step].id),
                d(*within_minutes),
                share(n)
            )
        }
        model::ExpectationKind::Activated {
            negated,
            incident,
            procedure,
            within_minutes,
        } => format!(
            "{}{}.{} activated{}",
            if *negated { "not " } else { "" },
            model.names.get(sc.incidents[*incident].id),
            model.names.get(model.procedures[*procedure].id),
            within_minutes.map_or_else(String::new, |w| format!(" within {}", d(w)))
        ),
        model::ExpectationKind::NoShortage { resource } => match resource {
            Some(r) => format!("no shortage of {}", model.names.get(model.resources[*r].id)),
            None => "no shortage".to_owned(),
        },
        model::ExpectationKind::DeadlinesMet { share: n } => {
            format!("deadlines met{}", share(n))
        }
    }
}

/// Binding strength, loosest first: `or`, `and`, `not`, comparison, atom.
fn precedence(c: &ModelCondition) -> u8 {
    match c {
        ModelCondition::Or(_) => 0,
        ModelCondition::And(_) => 1,
        ModelCondition::Not(_) => 2,
        ModelCondition::Compare { .. } | ModelCondition::In { .. } => 3,
        _ => 4,
    }
}

/// The canonical text of a condition: single spaces, durations in
/// canonical units, parentheses only where the grammar needs them.
pub fn condition_text(c: &ModelCondition, model: &Model) -> String {
    let mut out = String::new();
    write_condition(&mut out, c, model);
    out
}

fn write_condition(out: &mut String, c: &ModelCondition, model: &Model) {
    // Writes `operand`, parenthesised when it binds more loosely than
    // `needed`.
    let operand = |out: &mut String, operand: &ModelCondition, needed: u8| {
        if precedence(operand) < needed {
            out.push('(');
            write_condition(out, operand, model);
            out.push(')');
        } else {
            write_condition(out, operand, model);
        }
    };
    match c {
        ModelCondition::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ModelCondition::Int(v) => out.push_str(&v.to_string()),
        ModelCondition::Duration(m) => out.push_str(&format_minutes(u64::from(*m))),
        ModelCondition::Fact(f) => out.push_str(model.names.get(model.facts[*f].id)),
        ModelCondition::Variant { name, .. } => out.push_str(model.names.get(*name)),
        ModelCondition::Not(inner) => {
            out.push_str("not ");
            // `not` applies to a comparison or another `not` as written.
            operand(out, inner, 2);
        }
        ModelCondition::And(parts) | ModelCondition::Or(parts) => {
            let (word, level) = match c {
                ModelCondition::And(_) => (" and ", 2),
                _ => (" or ", 1),
            };
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(word);
                }
                operand(out, part, level);
            }
        }
        ModelCondition::Compare { op, lhs, rhs } => {
            operand(out, lhs, 4);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            operand(out, rhs, 4);
        }
        ModelCondition::In { lhs, list } => {
            operand(out, lhs, 4);
            out.push_str(" in [");
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                operand(out, item, 4);
            }
            out.push(']');
        }
    }
}

fn condition_tree(c: &ModelCondition, model: &Model) -> Condition {
    let tree = |c: &ModelCondition| Box::new(condition_tree(c, model));
    let text = |name: Name| model.names.get(name).to_owned();
    match c {
        ModelCondition::Bool(value) => Condition::Bool { value: *value },
        ModelCondition::Int(value) => Condition::Int { value: *value },
        ModelCondition::Duration(minutes) => Condition::Duration { minutes: *minutes },
        ModelCondition::Fact(f) => Condition::Fact {
            id: text(model.facts[*f].id),
        },
        ModelCondition::Variant { fact, name } => Condition::Variant {
            fact: text(model.facts[*fact].id),
            variant: text(*name),
        },
        ModelCondition::Not(inner) => Condition::Not {
            operand: tree(inner),
        },
        ModelCondition::And(parts) => Condition::And {
            operands: parts.iter().map(|p| condition_tree(p, model)).collect(),
        },
        ModelCondition::Or(parts) => Condition::Or {
            operands: parts.iter().map(|p| condition_tree(p, model)).collect(),
        },
        ModelCondition::Compare { op, lhs, rhs } => Condition::Compare {
            op: op.as_str().to_owned(),
            lhs: tree(lhs),
            rhs: tree(rhs),
        },
        ModelCondition::In { lhs, list } => Condition::In {
            lhs: tree(lhs),
            list: list.iter().map(|p| condition_tree(p, model)).collect(),
        },
    }
}

/// The JSON Schema (draft 2020-12) of the plan, as pretty JSON. It is
/// strict: every key the plan writes is required (`null` where a value is
/// absent, except the bounds of an unranged int), no other key is allowed,
/// and `format_version` is 1.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(Plan).to_value();
    tighten(&mut schema);
    if let Some(version) = schema.pointer_mut("/properties/format_version") {
        *version = serde_json::json!({ "const": FORMAT_VERSION });
    }
    if let Some(map) = schema.as_object_mut() {
        map.insert("$id".into(), "urn:muster-handbook:schema:plan:1".into());
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Makes every object schema closed and every property required. The
/// schema is a few levels deep, so recursion is bounded.
pub(crate) fn tighten(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                let ranged = properties
                    .get("kind")
                    .and_then(|k| k.get("const"))
                    .is_some_and(|c| c == "int");
                let required: Vec<serde_json::Value> = properties
                    .keys()
                    .filter(|k| !(ranged && (*k == "min" || *k == "max")))
                    .map(|k| serde_json::Value::String(k.clone()))
                    .collect();
                map.insert("required".to_owned(), serde_json::Value::Array(required));
                map.insert(
                    "additionalProperties".to_owned(),
                    serde_json::Value::Bool(false),
                );
            }
            for child in map.values_mut() {
                tighten(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(tighten),
        _ => {}
    }
}
