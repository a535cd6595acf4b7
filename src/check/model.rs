//! The checked model: every name resolved to an index, inherited leads and
//! resources applied, the schedule computed. It is what the plan is built
//! from; a model is only handed out for a compilation without errors, so
//! the `Option`s that stand for "could not be resolved" are then `Some`.

pub use super::names::{Name, Names};
use crate::source::Span;
use crate::syntax::ast::{ActorKind, CmpOp, DecisionRule};

/// Indexes into [`Model::actors`], [`Model::resources`], [`Model::facts`]
/// and [`Model::procedures`], in declaration order.
pub type ActorIdx = usize;
pub type ResourceIdx = usize;
pub type FactIdx = usize;
pub type ProcedureIdx = usize;
/// Index into [`Procedure::steps`].
pub type StepIdx = usize;

#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Every identifier, label, note and doc text the model refers to.
    pub names: Names,
    pub handbook: Option<Handbook>,
    pub facts: Vec<Fact>,
    pub actors: Vec<Actor>,
    pub resources: Vec<Resource>,
    pub procedures: Vec<Procedure>,
    pub scenarios: Vec<Scenario>,
}

#[derive(Clone, Debug)]
pub struct Handbook {
    pub title: Name,
    pub version: Option<Name>,
    pub owner: Option<ActorIdx>,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub id: Name,
    pub doc: Option<Name>,
    pub ty: FactType,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactType {
    Bool,
    Int,
    Range { min: u32, max: u32 },
    Duration,
    Enum { variants: Vec<Name> },
}

#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Name,
    /// The label, or the id when none is given.
    pub label: Name,
    pub kind: Option<ActorKind>,
    pub parent: Option<ActorIdx>,
    pub members: Vec<ActorIdx>,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub id: Name,
    pub label: Name,
    pub kind: Option<Name>,
    pub provider: Option<ActorIdx>,
    pub capacity: Option<Capacity>,
    /// The readiness the static schedule uses: the maximum of a range.
    pub ready_minutes: u32,
    /// A ranged `ready`, sampled per grant by the simulator.
    pub ready_range: Option<Range>,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capacity {
    pub amount: u32,
    pub unit: Name,
}

/// A resolved `REQ`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub resource: ResourceIdx,
    pub amount: Option<u32>,
    pub unit: Option<Name>,
    pub span: Span,
}

/// Where an inherited value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    Procedure,
    Trigger,
    Step,
}

impl From {
    pub fn as_str(self) -> &'static str {
        match self {
            From::Procedure => "procedure",
            From::Trigger => "trigger",
            From::Step => "step",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Procedure {
    pub id: Name,
    pub label: Name,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    pub lead: Option<ActorIdx>,
    pub support: Vec<ActorIdx>,
    pub resources: Vec<Requirement>,
    pub triggers: Vec<Trigger>,
    pub steps: Vec<Step>,
    pub schedule: Schedule,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Trigger {
    pub id: Name,
    pub label: Name,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    pub condition: Condition,
    /// The leader: the trigger's own `lead`, else the procedure's.
    pub lead: Option<(ActorIdx, From)>,
    /// What activation mobilises: the procedure's resources, then its own.
    pub resources: Vec<(Requirement, From)>,
    pub span: Span,
    /// The trigger's name, where a finding about it points.
    pub id_span: Span,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub id: Name,
    pub label: Name,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    /// The owner: the step's own `owner`, else the procedure's lead.
    pub owner: Option<(ActorIdx, From)>,
    pub after: Vec<StepIdx>,
    /// The duration the static schedule uses: the maximum of a range.
    pub takes_minutes: u32,
    /// A ranged `takes`, sampled per activation by the simulator.
    pub takes_range: Option<Range>,
    pub within_minutes: Option<u32>,
    /// The `within` attribute, where a missed deadline is reported.
    pub within_span: Option<Span>,
    pub requires: Vec<Requirement>,
    pub notify: Vec<ActorIdx>,
    pub decision: Option<DecisionRule>,
    pub activates: Vec<ProcedureIdx>,
    pub timing: Timing,
    pub span: Span,
    /// The step's name, where a finding about it points.
    pub id_span: Span,
}

/// A step's place in the schedule, in minutes from activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    pub earliest_start: u64,
    pub earliest_finish: u64,
    pub latest_finish: i64,
    pub slack: i64,
    pub critical: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    pub duration: u64,
    pub critical_path: Vec<StepIdx>,
    pub critical_resource: Option<ResourceIdx>,
}

/// A resolved, typed condition. Parentheses are gone: the tree is the
/// meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Bool(bool),
    Int(u32),
    Duration(u32),
    Fact(FactIdx),
    /// A variant of the enumeration fact it is compared with.
    Variant {
        fact: FactIdx,
        name: Name,
    },
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Compare {
        op: CmpOp,
        lhs: Box<Condition>,
        rhs: Box<Condition>,
    },
    In {
        lhs: Box<Condition>,
        list: Vec<Condition>,
    },
}

/// A ranged duration in minutes: uniform over `min..=max` without a
/// `mode`, triangular with one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub min: u32,
    pub mode: Option<u32>,
    pub max: u32,
}

/// Indexes into [`Scenario::incidents`] and [`Scenario::injects`].
pub type IncidentIdx = usize;

/// A checked scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: Name,
    pub label: Name,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    /// Replications, at least 1.
    pub runs: u32,
    pub seed: u32,
    pub horizon_minutes: u32,
    pub incidents: Vec<Incident>,
    pub injects: Vec<Inject>,
    pub expectations: Vec<Expectation>,
    pub span: Span,
}

/// The default `horizon`: 26 weeks.
pub const DEFAULT_HORIZON_MINUTES: u32 = 26 * 7 * 24 * 60;

#[derive(Clone, Debug)]
pub struct Incident {
    pub id: Name,
    pub label: Name,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    /// From the scenario's start.
    pub at_minutes: u32,
    /// `(role, actor)`: the role stands for the actor in this incident.
    pub bindings: Vec<(ActorIdx, ActorIdx)>,
    /// What is known when it occurs.
    pub set: Vec<(FactIdx, FactValue)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Inject {
    pub id: Name,
    pub label: Name,
    pub doc: Option<Name>,
    pub note: Option<Name>,
    pub at_minutes: u32,
    pub incident: Option<IncidentIdx>,
    pub set: Vec<(FactIdx, FactValue)>,
    pub withdraw: Vec<Requirement>,
    pub restore: Vec<Requirement>,
    pub delay: Vec<(StepRef, u32)>,
    pub block: Vec<StepRef>,
    pub from: Option<ActorIdx>,
    pub to: Vec<ActorIdx>,
    pub span: Span,
}

/// A step of a procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StepRef {
    pub procedure: ProcedureIdx,
    pub step: StepIdx,
}

/// A typed value of `set`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactValue {
    Bool(bool),
    Int(u32),
    Duration(u32),
    Variant(Name),
}

#[derive(Clone, Debug)]
pub struct Expectation {
    pub kind: ExpectationKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectationKind {
    /// The step completed within `within_minutes` of the incident.
    Step {
        incident: IncidentIdx,
        step: StepRef,
        within_minutes: u32,
        share: Option<u32>,
    },
    /// The procedure was (or, negated, was not) activated for the
    /// incident, within `within_minutes` of it when given.
    Activated {
        negated: bool,
        incident: IncidentIdx,
        procedure: ProcedureIdx,
        within_minutes: Option<u32>,
    },
    /// No claim (of the resource) ever waited.
    NoShortage { resource: Option<ResourceIdx> },
    /// Every step with a `within`, in every activation, met it.
    DeadlinesMet { share: Option<u32> },
}
