//! One run of a scenario: a discrete clock in whole minutes from S0.
//!
//! The rules are those of docs/reference.md#simulation. In one minute the
//! engine takes, in this order: the incidents and injects of that minute
//! (in declaration order); the triggers of every incident whose facts
//! changed; then, until nothing more happens in the minute, completions
//! and releases, grants (first come, first served per pool) and starts
//! (incidents, procedures, steps and requirements in declaration order);
//! last, the deadlines that fall in the minute.
//!
//! Work is event-driven: a step is looked at again only when something it
//! waits for changes (a predecessor completed, a claim became ready, a
//! hold was released), so a run costs in proportion to what happens in
//! it, not to the number of minutes or to the handbook squared.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use rand_distr::{Distribution, Triangular, Uniform};

use crate::check::model::{
    ActorIdx, Condition, FactValue, IncidentIdx, Model, Name, ProcedureIdx, Range, ResourceIdx,
    Scenario, StepIdx, StepRef,
};
use crate::source::Span;
use crate::syntax::ast::CmpOp;

/// What does not change between the runs of a scenario.
pub struct Prepared<'m> {
    pub model: &'m Model,
    pub scenario: &'m Scenario,
    /// Incidents and injects in the order they are taken: by time, then
    /// in declaration order.
    lines: Vec<Line>,
    /// `successors[procedure][step]`: the steps that name it in `after`.
    successors: Vec<Vec<Vec<StepIdx>>>,
}

/// A line of the scenario that happens at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    Incident(IncidentIdx),
    Inject(usize),
}

impl<'m> Prepared<'m> {
    pub fn new(model: &'m Model, scenario: &'m Scenario) -> Prepared<'m> {
        let mut lines: Vec<(u32, usize, Line)> = scenario
            .incidents
            .iter()
            .enumerate()
            .map(|(i, inc)| (inc.at_minutes, inc.span.start(), Line::Incident(i)))
            .chain(
                scenario
                    .injects
                    .iter()
                    .enumerate()
                    .map(|(i, inj)| (inj.at_minutes, inj.span.start(), Line::Inject(i))),
            )
            .collect();
        lines.sort_by_key(|&(at, start, _)| (at, start));
        let successors = model
            .procedures
            .iter()
            .map(|p| {
                let mut next = vec![Vec::new(); p.steps.len()];
                for (s, step) in p.steps.iter().enumerate() {
                    for &a in &step.after {
                        if let Some(list) = next.get_mut(a) {
                            list.push(s);
                        }
                    }
                }
                next
            })
            .collect();
        Prepared {
            model,
            scenario,
            lines: lines.into_iter().map(|(_, _, line)| line).collect(),
            successors,
        }
    }
}

/// Where a step of an activation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Waiting,
    Running,
    Done,
    /// Stopped by a `block` inject (the index of the inject).
    Blocked(usize),
    /// After a blocked step: it can never start.
    AfterBlocked,
}

#[derive(Clone, Debug)]
pub struct StepRun {
    pub state: StepState,
    pub start: Option<u32>,
    pub complete: Option<u32>,
    /// When it completes, while it runs.
    due: u32,
    /// The sampled `takes`.
    pub takes: u32,
    /// Minutes added by `delay` injects, and the injects that added them.
    pub delay: u32,
    pub delayed_by: Vec<usize>,
    /// Steps of `after` not yet done.
    waiting_preds: u32,
    /// Claims of this step's own (requirements the activation did not
    /// claim, or the part beyond what it claimed).
    pub step_claims: Vec<u32>,
    /// What the step took from its activation's claims while it ran.
    holds: Vec<(ResourceIdx, u32)>,
    /// The deadline passed before the step completed.
    pub missed: bool,
}

#[derive(Clone, Debug)]
pub struct Activation {
    pub incident: IncidentIdx,
    pub procedure: ProcedureIdx,
    /// The trigger that fired, or `None` when a step's `activates` started it.
    pub trigger: Option<usize>,
    pub activated_by: Option<StepRef>,
    pub t0: u32,
    pub leader: Option<ActorIdx>,
    /// Claims in the order requested: the activation's, then the steps'.
    pub claims: Vec<u32>,
    pub steps: Vec<StepRun>,
    pub ended: Option<u32>,
    finished: usize,
    /// Amounts of the activation's claims held by its running steps.
    held: Vec<(ResourceIdx, u32)>,
}

#[derive(Clone, Debug)]
pub struct Claim {
    pub activation: u32,
    pub resource: ResourceIdx,
    /// `None` for a resource without a capacity.
    pub amount: Option<u32>,
    /// The step that claimed it, for a step's own claim.
    pub step: Option<StepIdx>,
    /// The requirement in the handbook.
    pub span: Span,
    pub requested: u32,
    pub granted: Option<u32>,
    pub ready: Option<u32>,
    pub released: Option<u32>,
    /// Taken out of the queue before it was granted (its activation ended).
    pub cancelled: bool,
    key: QueueKey,
}

impl Claim {
    /// Whether this claim comes before `other` in their pool's queue.
    pub fn queued_before(&self, other: &Claim) -> bool {
        self.key < other.key
    }
}

/// The order of claims in a pool's queue: the minute requested, then
/// incident, procedure, step (0 for the activation's own claims) and
/// requirement in declaration order.
type QueueKey = (u32, u32, u32, u32, u32);

#[derive(Clone, Debug, Default)]
pub struct Pool {
    /// The capacity now, after `withdraw` and `restore`.
    pub capacity: u32,
    pub in_use: u32,
    queue: BTreeMap<QueueKey, u32>,
    /// `(minute, capacity after, inject)` for every change of capacity.
    pub changes: Vec<(u32, u32, usize)>,
}

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Incident,
    Inject,
    Activated,
    ClaimGranted,
    ClaimWaiting,
    Ready,
    StepStarted,
    StepCompleted,
    Notified,
    DeadlineMissed,
    Blocked,
    Delayed,
    Released,
    Withdrawn,
    Restored,
    Unfinished,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Incident => "incident",
            EventKind::Inject => "inject",
            EventKind::Activated => "activated",
            EventKind::ClaimGranted => "claim_granted",
            EventKind::ClaimWaiting => "claim_waiting",
            EventKind::Ready => "ready",
            EventKind::StepStarted => "step_started",
            EventKind::StepCompleted => "step_completed",
            EventKind::Notified => "notified",
            EventKind::DeadlineMissed => "deadline_missed",
            EventKind::Blocked => "blocked",
            EventKind::Delayed => "delayed",
            EventKind::Released => "released",
            EventKind::Withdrawn => "withdrawn",
            EventKind::Restored => "restored",
            EventKind::Unfinished => "unfinished",
        }
    }
}

/// One thing that happened. `item` depends on the kind: the claim
/// (claims, ready, release), the inject (inject, withdraw, restore,
/// delay, block), the incident, or the notified actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub minute: u32,
    pub kind: EventKind,
    pub incident: Option<IncidentIdx>,
    pub activation: Option<u32>,
    pub procedure: Option<ProcedureIdx>,
    pub step: Option<StepIdx>,
    pub item: u32,
    /// The resource a withdraw or restore changed, and its capacity after.
    pub resource: Option<(ResourceIdx, u32)>,
}

/// A timer: something due at a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// A step is due to complete (if it still runs and is still due then).
    Complete(u32, StepIdx),
    /// A claim becomes ready.
    Ready(u32),
    /// A step's deadline.
    Deadline(u32, StepIdx),
}

/// A finished run: everything the report and the findings are made of.
pub struct Run<'m> {
    pub activations: Vec<Activation>,
    pub claims: Vec<Claim>,
    pub pools: Vec<Option<Pool>>,
    pub events: Vec<Event>,
    /// `incident → procedure → activation`.
    active: Vec<BTreeMap<ProcedureIdx, u32>>,
    /// The minute each incident occurred, if it did within the horizon.
    pub occurred: Vec<Option<u32>>,
    /// Each incident's facts at the end (for the findings of W0704).
    pub facts: Vec<Vec<Option<&'m FactValue>>>,
    /// Where the clock stopped.
    pub horizon: u32,
    /// The claims on each resource, in the order they were made.
    pub by_resource: Vec<Vec<u32>>,
}

impl Run<'_> {
    /// The activation of `procedure` for `incident`, if there was one.
    pub fn activation_of(&self, incident: IncidentIdx, procedure: ProcedureIdx) -> Option<u32> {
        self.active
            .get(incident)
            .and_then(|m| m.get(&procedure))
            .copied()
    }
}

/// Three-valued truth (Kleene).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

/// A value while evaluating a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    Bool(bool),
    Number(u32),
    /// Names of one table compare as their texts.
    Variant(Name),
}

fn value_of(c: &Condition, facts: &[Option<&FactValue>]) -> Option<Val> {
    match c {
        Condition::Bool(b) => Some(Val::Bool(*b)),
        Condition::Int(n) | Condition::Duration(n) => Some(Val::Number(*n)),
        Condition::Variant { name, .. } => Some(Val::Variant(*name)),
        Condition::Fact(f) => match facts.get(*f).copied().flatten()? {
            FactValue::Bool(b) => Some(Val::Bool(*b)),
            FactValue::Int(n) | FactValue::Duration(n) => Some(Val::Number(*n)),
            FactValue::Variant(v) => Some(Val::Variant(*v)),
        },
        other => match eval(other, facts) {
            Tri::True => Some(Val::Bool(true)),
            Tri::False => Some(Val::Bool(false)),
            Tri::Unknown => None,
        },
    }
}

fn truth(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

/// Evaluates a condition over an incident's facts, in three-valued logic:
/// a fact that is not set is unknown.
pub fn eval(c: &Condition, facts: &[Option<&FactValue>]) -> Tri {
    match c {
        Condition::Bool(b) => truth(*b),
        Condition::Fact(_) => match value_of(c, facts) {
            Some(Val::Bool(b)) => truth(b),
            _ => Tri::Unknown,
        },
        Condition::Int(_) | Condition::Duration(_) | Condition::Variant { .. } => Tri::Unknown,
        Condition::Not(inner) => match eval(inner, facts) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        },
        Condition::And(items) => {
            let mut result = Tri::True;
            for item in items {
                match eval(item, facts) {
                    Tri::False => return Tri::False,
                    Tri::Unknown => result = Tri::Unknown,
                    Tri::True => {}
                }
            }
            result
        }
        Condition::Or(items) => {
            let mut result = Tri::False;
            for item in items {
                match eval(item, facts) {
                    Tri::True => return Tri::True,
                    Tri::Unknown => result = Tri::Unknown,
                    Tri::False => {}
                }
            }
            result
        }
        Condition::Compare { op, lhs, rhs } => match (value_of(lhs, facts), value_of(rhs, facts)) {
            (Some(a), Some(b)) => compare(*op, a, b),
            _ => Tri::Unknown,
        },
        Condition::In { lhs, list } => {
            let Some(a) = value_of(lhs, facts) else {
                return Tri::Unknown;
            };
            let mut result = Tri::False;
            for item in list {
                match value_of(item, facts) {
                    Some(b) if b == a => return Tri::True,
                    Some(_) => {}
                    None => result = Tri::Unknown,
                }
            }
            result
        }
    }
}

fn compare(op: CmpOp, a: Val, b: Val) -> Tri {
    match (a, b) {
        (Val::Number(x), Val::Number(y)) => truth(match op {
            CmpOp::Eq => x == y,
            CmpOp::Ne => x != y,
            CmpOp::Lt => x < y,
            CmpOp::Le => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::Ge => x >= y,
        }),
        (a, b) => match op {
            CmpOp::Eq => truth(a == b),
            CmpOp::Ne => truth(a != b),
            // The checker only lets numbers be ordered.
            _ => Tri::Unknown,
        },
    }
}

/// Samples a duration: the value itself, or a whole minute of its range
/// (uniform without a mode, triangular with one).
fn sample(rng: &mut ChaCha8Rng, fixed: u32, range: Option<Range>) -> u32 {
    let Some(r) = range else {
        return fixed;
    };
    if r.min >= r.max {
        return r.max;
    }
    match r.mode {
        None => match Uniform::new_inclusive(r.min, r.max) {
            Ok(u) => u.sample(rng),
            Err(_) => r.max,
        },
        Some(mode) => match Triangular::new(f64::from(r.min), f64::from(r.max), f64::from(mode)) {
            Ok(t) => {
                let x: f64 = t.sample(rng);
                // In range by construction; the clamp makes it certain.
                (x.round() as u32).clamp(r.min, r.max)
            }
            Err(_) => mode,
        },
    }
}

/// The generator of run `run` of a scenario seeded `seed`: ChaCha8 from
/// the seed, on the stream of the run, the same on every machine.
pub fn generator(seed: u32, run: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(u64::from(seed));
    rng.set_stream(u64::from(run));
    rng
}

struct Engine<'p, 'm> {
    p: &'p Prepared<'m>,
    rng: ChaCha8Rng,
    now: u32,
    horizon: u32,
    seq: u64,
    timers: BinaryHeap<Reverse<(u32, u64, Timer)>>,
    facts: Vec<Vec<Option<&'m FactValue>>>,
    occurred: Vec<Option<u32>>,
    active: Vec<BTreeMap<ProcedureIdx, u32>>,
    activations: Vec<Activation>,
    claims: Vec<Claim>,
    pools: Vec<Option<Pool>>,
    events: Vec<Event>,
    pending_delay: BTreeMap<(IncidentIdx, StepRef), (u32, Vec<usize>)>,
    pending_block: BTreeMap<(IncidentIdx, StepRef), usize>,
    /// Steps to look at in the starts phase, in declaration order.
    candidates: BTreeSet<(IncidentIdx, ProcedureIdx, StepIdx, u32)>,
    /// Steps completing in this minute.
    completing: BTreeSet<(IncidentIdx, ProcedureIdx, StepIdx, u32)>,
    dirty_pools: BTreeSet<ResourceIdx>,
    requested_now: Vec<u32>,
}

/// Plays run `run` of the scenario.
pub fn run<'m>(p: &Prepared<'m>, seed: u32, run: u32) -> Run<'m> {
    let model = p.model;
    let sc = p.scenario;
    let pools = model
        .resources
        .iter()
        .map(|r| {
            r.capacity.as_ref().map(|c| Pool {
                capacity: c.amount,
                ..Pool::default()
            })
        })
        .collect();
    let mut engine = Engine {
        p,
        rng: generator(seed, run),
        now: 0,
        horizon: sc.horizon_minutes,
        seq: 0,
        timers: BinaryHeap::new(),
        facts: vec![vec![None; model.facts.len()]; sc.incidents.len()],
        occurred: vec![None; sc.incidents.len()],
        active: vec![BTreeMap::new(); sc.incidents.len()],
        activations: Vec::new(),
        claims: Vec::new(),
        pools,
        events: Vec::new(),
        pending_delay: BTreeMap::new(),
        pending_block: BTreeMap::new(),
        candidates: BTreeSet::new(),
        completing: BTreeSet::new(),
        dirty_pools: BTreeSet::new(),
        requested_now: Vec::new(),
    };
    engine.play();
    let facts = engine.facts;
    let mut by_resource = vec![Vec::new(); model.resources.len()];
    for (c, claim) in engine.claims.iter().enumerate() {
        by_resource[claim.resource].push(c as u32);
    }
    Run {
        by_resource,
        activations: engine.activations,
        claims: engine.claims,
        pools: engine.pools,
        events: engine.events,
        active: engine.active,
        occurred: engine.occurred,
        facts,
        horizon: engine.horizon,
    }
}

impl<'m> Engine<'_, 'm> {
    fn timer(&mut self, minute: u32, timer: Timer) {
        self.seq += 1;
        self.timers.push(Reverse((minute, self.seq, timer)));
    }

    fn event(
        &mut self,
        kind: EventKind,
        incident: Option<IncidentIdx>,
        activation: Option<u32>,
        step: Option<StepIdx>,
        item: u32,
    ) {
        let procedure = activation.map(|a| self.activations[a as usize].procedure);
        self.events.push(Event {
            minute: self.now,
            kind,
            incident,
            activation,
            procedure,
            step,
            item,
            resource: None,
        });
    }

    /// Names the resource (and its capacity now) in the last event.
    fn set_resource(&mut self, resource: ResourceIdx, capacity: u32) {
        if let Some(last) = self.events.last_mut() {
            last.resource = Some((resource, capacity));
        }
    }

    /// Names the procedure in the last event (when it has no activation).
    fn set_procedure(&mut self, procedure: ProcedureIdx) {
        if let Some(last) = self.events.last_mut() {
            last.procedure = Some(procedure);
        }
    }

    fn play(&mut self) {
        let mut next_line = 0;
        loop {
            let line_at = self.p.lines.get(next_line).map(|l| self.line_at(*l));
            let timer_at = self.timers.peek().map(|Reverse((m, _, _))| *m);
            let t = match (line_at, timer_at) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => break,
            };
            if t > self.horizon {
                break;
            }
            self.now = t;
            // 1. Incidents and injects.
            let mut changed = BTreeSet::new();
            while let Some(&line) = self.p.lines.get(next_line) {
                if self.line_at(line) != t {
                    break;
                }
                next_line += 1;
                self.take_line(line, &mut changed);
            }
            // 2. Triggers, for every incident whose facts changed.
            for incident in changed {
                self.evaluate(incident);
            }
            // Timers of this minute.
            let mut deadlines = Vec::new();
            while let Some(&Reverse((m, _, timer))) = self.timers.peek() {
                if m != t {
                    break;
                }
                self.timers.pop();
                match timer {
                    Timer::Complete(a, s) => {
                        let act = &self.activations[a as usize];
                        let step = &act.steps[s];
                        if step.state == StepState::Running && step.due == t {
                            self.completing.insert((act.incident, act.procedure, s, a));
                        }
                    }
                    Timer::Ready(c) => self.claim_ready(c),
                    Timer::Deadline(a, s) => deadlines.push((a, s)),
                }
            }
            // 3–4. Completions and releases, grants and starts, until
            // the minute is settled.
            loop {
                let completing = std::mem::take(&mut self.completing);
                for &(_, _, s, a) in &completing {
                    self.complete(a, s);
                }
                let dirty = std::mem::take(&mut self.dirty_pools);
                for &r in &dirty {
                    self.grant(r);
                }
                let candidates = std::mem::take(&mut self.candidates);
                for &(_, _, s, a) in &candidates {
                    self.try_start(a, s);
                }
                if self.completing.is_empty()
                    && self.dirty_pools.is_empty()
                    && self.candidates.is_empty()
                {
                    break;
                }
            }
            for c in std::mem::take(&mut self.requested_now) {
                if self.claims[c as usize].granted.is_none() && !self.claims[c as usize].cancelled {
                    let activation = self.claims[c as usize].activation;
                    let act = &self.activations[activation as usize];
                    let (incident, step) = (act.incident, self.claims[c as usize].step);
                    self.event(
                        EventKind::ClaimWaiting,
                        Some(incident),
                        Some(activation),
                        step,
                        c,
                    );
                    let resource = self.claims[c as usize].resource;
                    let capacity = self.pools[resource].as_ref().map_or(0, |p| p.capacity);
                    self.set_resource(resource, capacity);
                }
            }
            // 5. Deadlines of this minute.
            deadlines.sort_unstable_by_key(|&(a, s)| {
                let act = &self.activations[a as usize];
                (act.incident, act.procedure, s)
            });
            for (a, s) in deadlines {
                let act = &self.activations[a as usize];
                let incident = act.incident;
                if act.steps[s].complete.is_none() {
                    self.activations[a as usize].steps[s].missed = true;
                    self.event(
                        EventKind::DeadlineMissed,
                        Some(incident),
                        Some(a),
                        Some(s),
                        0,
                    );
                }
            }
        }
        self.finish();
    }

    fn line_at(&self, line: Line) -> u32 {
        match line {
            Line::Incident(i) => self.p.scenario.incidents[i].at_minutes,
            Line::Inject(i) => self.p.scenario.injects[i].at_minutes,
        }
    }

    /// Reports what is still running or waiting when the clock stops.
    fn finish(&mut self) {
        self.now = self.horizon;
        for a in 0..self.activations.len() {
            let act = &self.activations[a];
            if act.ended.is_some() {
                continue;
            }
            let incident = act.incident;
            let open: Vec<StepIdx> = act
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| matches!(s.state, StepState::Waiting | StepState::Running))
                .map(|(i, _)| i)
                .collect();
            for s in open {
                self.event(
                    EventKind::Unfinished,
                    Some(incident),
                    Some(a as u32),
                    Some(s),
                    0,
                );
            }
        }
    }

    fn take_line(&mut self, line: Line, changed: &mut BTreeSet<IncidentIdx>) {
        let sc = self.p.scenario;
        match line {
            Line::Incident(i) => {
                self.occurred[i] = Some(self.now);
                for (fact, value) in &sc.incidents[i].set {
                    self.facts[i][*fact] = Some(value);
                }
                self.event(EventKind::Incident, Some(i), None, None, i as u32);
                changed.insert(i);
            }
            Line::Inject(j) => {
                let inject = &sc.injects[j];
                self.event(EventKind::Inject, inject.incident, None, None, j as u32);
                if let Some(i) = inject.incident {
                    if !inject.set.is_empty() {
                        for (fact, value) in &inject.set {
                            self.facts[i][*fact] = Some(value);
                        }
                        // Facts of an incident that has not occurred yet
                        // wait for it.
                        if self.occurred[i].is_some() {
                            changed.insert(i);
                        }
                    }
                    for &(step, by) in &inject.delay {
                        self.delay(i, step, by, j);
                    }
                    for &step in &inject.block {
                        self.block_ref(i, step, j);
                    }
                }
                for req in &inject.withdraw {
                    if let Some(pool) = self.pools[req.resource].as_mut() {
                        let by = req.amount.unwrap_or(pool.capacity);
                        pool.capacity = pool.capacity.saturating_sub(by);
                        let capacity = pool.capacity;
                        pool.changes.push((self.now, capacity, j));
                        self.event(EventKind::Withdrawn, None, None, None, j as u32);
                        self.set_resource(req.resource, capacity);
                    }
                }
                for req in &inject.restore {
                    let declared = self.p.model.resources[req.resource]
                        .capacity
                        .as_ref()
                        .map_or(0, |c| c.amount);
                    if let Some(pool) = self.pools[req.resource].as_mut() {
                        let by = req.amount.unwrap_or(declared.saturating_sub(pool.capacity));
                        pool.capacity = pool.capacity.saturating_add(by);
                        let capacity = pool.capacity;
                        pool.changes.push((self.now, capacity, j));
                        self.dirty_pools.insert(req.resource);
                        self.event(EventKind::Restored, None, None, None, j as u32);
                        self.set_resource(req.resource, capacity);
                    }
                }
            }
        }
    }

    /// Evaluates every trigger for an incident; each that holds activates
    /// its procedure unless it is already active or done.
    fn evaluate(&mut self, incident: IncidentIdx) {
        let model = self.p.model;
        for (pi, procedure) in model.procedures.iter().enumerate() {
            if self.active[incident].contains_key(&pi) {
                continue;
            }
            let fired = procedure
                .triggers
                .iter()
                .position(|t| eval(&t.condition, &self.facts[incident]) == Tri::True);
            if let Some(ti) = fired {
                self.activate(incident, pi, Some(ti), None);
            }
        }
    }

    /// Starts an activation of `procedure` for `incident` now.
    fn activate(
        &mut self,
        incident: IncidentIdx,
        procedure: ProcedureIdx,
        trigger: Option<usize>,
        activated_by: Option<StepRef>,
    ) {
        let model = self.p.model;
        let proc_ = &model.procedures[procedure];
        let a = self.activations.len() as u32;
        self.active[incident].insert(procedure, a);
        let (leader, requirements): (Option<ActorIdx>, Vec<&crate::check::model::Requirement>) =
            match trigger {
                Some(ti) => {
                    let t = &proc_.triggers[ti];
                    (
                        t.lead.map(|(l, _)| l),
                        t.resources.iter().map(|(r, _)| r).collect(),
                    )
                }
                None => (proc_.lead, proc_.resources.iter().collect()),
            };
        let mut steps = Vec::with_capacity(proc_.steps.len());
        for (s, step) in proc_.steps.iter().enumerate() {
            let takes = sample(&mut self.rng, step.takes_minutes, step.takes_range);
            let stepref = StepRef { procedure, step: s };
            let (delay, delayed_by) = self
                .pending_delay
                .remove(&(incident, stepref))
                .unwrap_or_default();
            steps.push(StepRun {
                state: StepState::Waiting,
                start: None,
                complete: None,
                due: 0,
                takes,
                delay,
                delayed_by,
                waiting_preds: step.after.len() as u32,
                step_claims: Vec::new(),
                holds: Vec::new(),
                missed: false,
            });
        }
        self.activations.push(Activation {
            incident,
            procedure,
            trigger,
            activated_by,
            t0: self.now,
            leader,
            claims: Vec::new(),
            steps,
            ended: None,
            finished: 0,
            held: Vec::new(),
        });
        self.event(
            EventKind::Activated,
            Some(incident),
            Some(a),
            None,
            trigger.map_or(u32::MAX, |t| t as u32),
        );
        for (k, req) in requirements.iter().enumerate() {
            let amount = self.amount_of(req.resource, req.amount);
            self.request(a, req.resource, amount, None, req.span, k as u32);
        }
        for (s, step) in proc_.steps.iter().enumerate() {
            if let Some(within) = step.within_minutes {
                self.timer(self.now.saturating_add(within), Timer::Deadline(a, s));
            }
        }
        // Blocks injected before the activation.
        for s in 0..proc_.steps.len() {
            let stepref = StepRef { procedure, step: s };
            if let Some(j) = self.pending_block.remove(&(incident, stepref)) {
                self.block(a, s, j);
            }
        }
        for s in 0..proc_.steps.len() {
            if self.activations[a as usize].steps[s].state == StepState::Waiting
                && proc_.steps[s].after.is_empty()
            {
                self.candidates.insert((incident, procedure, s, a));
            }
        }
        self.check_end(a);
    }

    /// The amount a requirement claims: as written, else the whole
    /// capacity; `None` for a resource without a capacity.
    fn amount_of(&self, resource: ResourceIdx, amount: Option<u32>) -> Option<u32> {
        let capacity = self.p.model.resources[resource].capacity.as_ref()?;
        Some(amount.unwrap_or(capacity.amount))
    }

    fn request(
        &mut self,
        a: u32,
        resource: ResourceIdx,
        amount: Option<u32>,
        step: Option<StepIdx>,
        span: Span,
        k: u32,
    ) -> u32 {
        let act = &self.activations[a as usize];
        let key = (
            self.now,
            act.incident as u32,
            act.procedure as u32,
            step.map_or(0, |s| s as u32 + 1),
            k,
        );
        let c = self.claims.len() as u32;
        self.claims.push(Claim {
            activation: a,
            resource,
            amount,
            step,
            span,
            requested: self.now,
            granted: None,
            ready: None,
            released: None,
            cancelled: false,
            key,
        });
        self.activations[a as usize].claims.push(c);
        match self.pools[resource].as_mut() {
            Some(pool) => {
                pool.queue.insert(key, c);
                self.dirty_pools.insert(resource);
                self.requested_now.push(c);
            }
            // A resource without a capacity never runs short.
            None => self.give(c),
        }
        c
    }

    /// Grants a claim now; it is ready after the resource's readiness.
    fn give(&mut self, c: u32) {
        let resource = self.claims[c as usize].resource;
        let r = &self.p.model.resources[resource];
        let ready = self
            .now
            .saturating_add(sample(&mut self.rng, r.ready_minutes, r.ready_range));
        let claim = &mut self.claims[c as usize];
        claim.granted = Some(self.now);
        claim.ready = Some(ready);
        let (a, step) = (claim.activation, claim.step);
        let incident = self.activations[a as usize].incident;
        self.event(EventKind::ClaimGranted, Some(incident), Some(a), step, c);
        if ready <= self.now {
            self.claim_ready_now(c);
        } else {
            self.timer(ready, Timer::Ready(c));
        }
    }

    fn claim_ready(&mut self, c: u32) {
        let claim = &self.claims[c as usize];
        if claim.released.is_some() {
            return;
        }
        let (a, step) = (claim.activation, claim.step);
        let incident = self.activations[a as usize].incident;
        self.event(EventKind::Ready, Some(incident), Some(a), step, c);
        self.claim_ready_now(c);
    }

    /// A claim is ready: the steps that may wait for it are looked at.
    fn claim_ready_now(&mut self, c: u32) {
        let claim = &self.claims[c as usize];
        let a = claim.activation;
        match claim.step {
            Some(s) => self.candidate(a, s),
            None => self.waiting_candidates(a),
        }
    }

    fn candidate(&mut self, a: u32, s: StepIdx) {
        let act = &self.activations[a as usize];
        if act.steps[s].state == StepState::Waiting && act.steps[s].waiting_preds == 0 {
            self.candidates.insert((act.incident, act.procedure, s, a));
        }
    }

    fn waiting_candidates(&mut self, a: u32) {
        for s in 0..self.activations[a as usize].steps.len() {
            self.candidate(a, s);
        }
    }

    /// Grants what the pool can, strictly in queue order.
    fn grant(&mut self, resource: ResourceIdx) {
        loop {
            let Some(pool) = self.pools[resource].as_mut() else {
                return;
            };
            let Some((&key, &c)) = pool.queue.first_key_value() else {
                return;
            };
            let amount = self.claims[c as usize].amount.unwrap_or(0);
            if amount > pool.capacity.saturating_sub(pool.in_use) {
                return;
            }
            pool.queue.remove(&key);
            pool.in_use += amount;
            self.give(c);
        }
    }

    /// Starts step `s` of activation `a` if everything it waits for is
    /// there; otherwise claims what only the pool can give.
    fn try_start(&mut self, a: u32, s: StepIdx) {
        let model = self.p.model;
        let act = &self.activations[a as usize];
        let run = &act.steps[s];
        if run.state != StepState::Waiting || run.waiting_preds > 0 {
            return;
        }
        let step = &model.procedures[act.procedure].steps[s];
        let mut takes: Vec<(ResourceIdx, u32)> = Vec::new();
        let mut own: Vec<(ResourceIdx, Option<u32>, Span, u32)> = Vec::new();
        for (k, req) in step.requires.iter().enumerate() {
            let claim = act
                .claims
                .iter()
                .map(|&c| &self.claims[c as usize])
                .find(|c| c.step.is_none() && c.resource == req.resource);
            let capacity = model.resources[req.resource].capacity.as_ref();
            match claim {
                Some(claim) => {
                    if claim.ready.is_none_or(|r| r > self.now) {
                        return;
                    }
                    if capacity.is_none() {
                        continue;
                    }
                    let claimed = claim.amount.unwrap_or(0);
                    let need = req.amount.unwrap_or(claimed);
                    let held = held_of(&act.held, req.resource);
                    if need <= claimed {
                        if need > claimed - held {
                            return;
                        }
                        takes.push((req.resource, need));
                    } else {
                        // More than the activation claimed: all of its
                        // claim, and the rest from the pool.
                        if held > 0 {
                            return;
                        }
                        takes.push((req.resource, claimed));
                        own.push((req.resource, Some(need - claimed), req.span, k as u32));
                    }
                }
                None => {
                    let amount = capacity.map(|c| req.amount.unwrap_or(c.amount));
                    own.push((req.resource, amount, req.span, k as u32));
                }
            }
        }
        if !own.is_empty() {
            if run.step_claims.is_empty() {
                for (resource, amount, span, k) in own {
                    let c = self.request(a, resource, amount, Some(s), span, k);
                    self.activations[a as usize].steps[s].step_claims.push(c);
                }
                return;
            }
            let ready = run
                .step_claims
                .iter()
                .all(|&c| self.claims[c as usize].ready.is_some_and(|r| r <= self.now));
            if !ready {
                return;
            }
        }
        // Start.
        let incident = act.incident;
        let act = &mut self.activations[a as usize];
        for &(resource, amount) in &takes {
            add_held(&mut act.held, resource, amount);
        }
        let run = &mut act.steps[s];
        run.holds = takes;
        run.state = StepState::Running;
        run.start = Some(self.now);
        let due = self.now.saturating_add(run.takes).saturating_add(run.delay);
        run.due = due;
        self.event(EventKind::StepStarted, Some(incident), Some(a), Some(s), 0);
        if due <= self.now {
            let procedure = self.activations[a as usize].procedure;
            self.completing.insert((incident, procedure, s, a));
        } else {
            self.timer(due, Timer::Complete(a, s));
        }
    }

    fn complete(&mut self, a: u32, s: StepIdx) {
        let model = self.p.model;
        let act = &mut self.activations[a as usize];
        if act.steps[s].state != StepState::Running {
            return;
        }
        let (incident, procedure) = (act.incident, act.procedure);
        act.steps[s].state = StepState::Done;
        act.steps[s].complete = Some(self.now);
        act.finished += 1;
        self.event(
            EventKind::StepCompleted,
            Some(incident),
            Some(a),
            Some(s),
            0,
        );
        let step = &model.procedures[procedure].steps[s];
        for &actor in &step.notify {
            self.event(
                EventKind::Notified,
                Some(incident),
                Some(a),
                Some(s),
                actor as u32,
            );
        }
        self.release_step(a, s);
        for &next in &self.p.successors[procedure][s] {
            let run = &mut self.activations[a as usize].steps[next];
            run.waiting_preds = run.waiting_preds.saturating_sub(1);
            self.candidate(a, next);
        }
        for &target in &step.activates {
            if !self.active[incident].contains_key(&target) {
                self.activate(incident, target, None, Some(StepRef { procedure, step: s }));
            }
        }
        self.check_end(a);
    }

    /// Gives back what a step held: its own claims to the pool, its holds
    /// to the activation.
    fn release_step(&mut self, a: u32, s: StepIdx) {
        let act = &mut self.activations[a as usize];
        let holds = std::mem::take(&mut act.steps[s].holds);
        let own = std::mem::take(&mut act.steps[s].step_claims);
        let released_hold = !holds.is_empty();
        for (resource, amount) in holds {
            sub_held(&mut act.held, resource, amount);
        }
        for c in own {
            self.release_claim(c);
        }
        if released_hold {
            self.waiting_candidates(a);
        }
    }

    /// Returns a claim to its pool (or takes it out of the queue).
    fn release_claim(&mut self, c: u32) {
        let claim = &mut self.claims[c as usize];
        if claim.released.is_some() || claim.cancelled {
            return;
        }
        let resource = claim.resource;
        let (a, step) = (claim.activation, claim.step);
        match claim.granted {
            Some(_) => {
                claim.released = Some(self.now);
                let amount = claim.amount.unwrap_or(0);
                if let Some(pool) = self.pools[resource].as_mut() {
                    pool.in_use = pool.in_use.saturating_sub(amount);
                    self.dirty_pools.insert(resource);
                }
                let incident = self.activations[a as usize].incident;
                self.event(EventKind::Released, Some(incident), Some(a), step, c);
            }
            None => {
                // Never granted: it leaves the queue.
                claim.cancelled = true;
                let key = claim.key;
                if let Some(pool) = self.pools[resource].as_mut() {
                    pool.queue.remove(&key);
                    self.dirty_pools.insert(resource);
                }
            }
        }
    }

    /// Ends the activation when every step is done, blocked or after a
    /// blocked step: its claims go back to the pools.
    fn check_end(&mut self, a: u32) {
        let act = &self.activations[a as usize];
        if act.ended.is_some() || act.finished < act.steps.len() {
            return;
        }
        self.activations[a as usize].ended = Some(self.now);
        let claims = self.activations[a as usize].claims.clone();
        for c in claims {
            self.release_claim(c);
        }
    }

    fn delay(&mut self, incident: IncidentIdx, step: StepRef, by: u32, inject: usize) {
        let activation = self.activation_of(incident, step.procedure);
        // A delay of a step that completed (or cannot complete) changes
        // nothing, and is no event.
        let applies = activation.is_none_or(|a| {
            matches!(
                self.activations[a as usize].steps[step.step].state,
                StepState::Waiting | StepState::Running
            )
        });
        if applies {
            self.event(
                EventKind::Delayed,
                Some(incident),
                activation,
                Some(step.step),
                inject as u32,
            );
            self.set_procedure(step.procedure);
        }
        let Some(a) = activation else {
            let entry = self.pending_delay.entry((incident, step)).or_default();
            entry.0 = entry.0.saturating_add(by);
            entry.1.push(inject);
            return;
        };
        let run = &mut self.activations[a as usize].steps[step.step];
        match run.state {
            StepState::Waiting => {
                run.delay = run.delay.saturating_add(by);
                run.delayed_by.push(inject);
            }
            StepState::Running => {
                run.delay = run.delay.saturating_add(by);
                run.delayed_by.push(inject);
                run.due = run.due.saturating_add(by);
                let due = run.due;
                self.timer(due, Timer::Complete(a, step.step));
            }
            // After it completed (or when it cannot complete) a delay
            // changes nothing.
            _ => {}
        }
    }

    fn activation_of(&self, incident: IncidentIdx, procedure: ProcedureIdx) -> Option<u32> {
        self.active[incident].get(&procedure).copied()
    }

    fn block_ref(&mut self, incident: IncidentIdx, step: StepRef, inject: usize) {
        match self.activation_of(incident, step.procedure) {
            Some(a) => self.block(a, step.step, inject),
            None => {
                self.pending_block.entry((incident, step)).or_insert(inject);
            }
        }
    }

    /// Blocks a step: it never completes, nor does anything after it.
    fn block(&mut self, a: u32, s: StepIdx, inject: usize) {
        let state = self.activations[a as usize].steps[s].state;
        if !matches!(state, StepState::Waiting | StepState::Running) {
            return;
        }
        let incident = self.activations[a as usize].incident;
        self.release_step(a, s);
        let act = &mut self.activations[a as usize];
        act.steps[s].state = StepState::Blocked(inject);
        act.finished += 1;
        self.event(
            EventKind::Blocked,
            Some(incident),
            Some(a),
            Some(s),
            inject as u32,
        );
        // Everything after it, transitively.
        let procedure = self.activations[a as usize].procedure;
        let mut stack: Vec<StepIdx> = self.p.successors[procedure][s].clone();
        while let Some(next) = stack.pop() {
            let run = &self.activations[a as usize].steps[next];
            if run.state != StepState::Waiting {
                continue;
            }
            self.release_step(a, next);
            let act = &mut self.activations[a as usize];
            act.steps[next].state = StepState::AfterBlocked;
            act.finished += 1;
            stack.extend(self.p.successors[procedure][next].iter().copied());
        }
        self.check_end(a);
    }
}

fn held_of(held: &[(ResourceIdx, u32)], resource: ResourceIdx) -> u32 {
    held.iter()
        .find(|(r, _)| *r == resource)
        .map_or(0, |(_, n)| *n)
}

fn add_held(held: &mut Vec<(ResourceIdx, u32)>, resource: ResourceIdx, amount: u32) {
    match held.iter_mut().find(|(r, _)| *r == resource) {
        Some((_, n)) => *n += amount,
        None => held.push((resource, amount)),
    }
}

fn sub_held(held: &mut [(ResourceIdx, u32)], resource: ResourceIdx, amount: u32) {
    if let Some((_, n)) = held.iter_mut().find(|(r, _)| *r == resource) {
        *n = n.saturating_sub(amount);
    }
}
