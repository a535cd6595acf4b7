//! Procedures, triggers and steps: resolution in the procedure's own
//! namespace, the trigger rule (E0201, E0202, E0203), owners (E0303),
//! decisions (E0504), how procedures start (W0602, E0204 and E0202 for an
//! escalation target), and the schedule (E0301, E0302, E0304, W0305).

use std::collections::HashMap;

use super::model::{self, Condition, From, Name, Requirement, Timing};
use super::resolve::{minutes_of, range_of};
use super::schedule::{self, StepInput};
use super::{
    Checker, Kind, Ref, Symbol, duplicate, minutes, name_list, name_list_of, undefined, wrong_kind,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Span, Text};
use crate::suggest::Candidates;
use crate::syntax::ast::{self, ActorKind, AttrName, AttrValue, Ident};

/// What the rules of one procedure need beyond the model.
#[derive(Debug)]
pub(super) struct Context {
    pub id_span: Span,
    pub lead: Ref,
    /// Whether the procedure itself has a `resources` attribute.
    pub own_resources: bool,
    pub triggers: Vec<TriggerContext>,
    pub steps: Vec<StepContext>,
    /// Where each resolved `after` entry of the steps is written, step
    /// after step: the entries of step `s` start at its
    /// [`StepContext::after_from`], one per entry of the model's `after`.
    pub after_spans: Vec<Span>,
}

#[derive(Debug)]
pub(super) struct TriggerContext {
    pub id_span: Span,
    pub lead: Ref,
    /// Whether the procedure's and the trigger's `resources` name anything.
    pub any_resources: bool,
    /// Whether one of those names could not be resolved.
    pub broken_resources: bool,
}

#[derive(Debug)]
pub(super) struct StepContext {
    pub owner: Ref,
    pub decision_span: Option<Span>,
    /// Where this step's entries start in [`Context::after_spans`].
    pub after_from: u32,
}

/// What deciding how a procedure can start needs of it
/// ([`Checker::check_activation`]), kept when its model is not.
pub(super) struct Start {
    id_span: Span,
    lead: Ref,
    own_resources: bool,
    no_triggers: bool,
    /// Whether every trigger names its own `lead`.
    triggers_lead_their_own: bool,
}

impl Start {
    fn of(procedure: &model::Procedure, context: &Context) -> Start {
        Start {
            id_span: context.id_span,
            lead: context.lead,
            own_resources: context.own_resources,
            no_triggers: procedure.triggers.is_empty(),
            triggers_lead_their_own: procedure
                .triggers
                .iter()
                .all(|t| t.lead.is_some_and(|(_, from)| from == From::Trigger)),
        }
    }
}

impl Context {
    /// Where step `to` names step `from` in its `after`.
    fn after_span(&self, procedure: &model::Procedure, from: usize, to: usize) -> Option<Span> {
        let k = procedure
            .steps
            .get(to)?
            .after
            .iter()
            .position(|&a| a == from)?;
        let start = self.steps.get(to)?.after_from as usize;
        self.after_spans.get(start + k).copied()
    }
}

impl<'a> Checker<'a> {
    pub(super) fn check_procedures(&mut self) {
        // Each procedure is resolved and checked in turn: the rules of one
        // read actors and resources of the model, never other procedures.
        // Only how a procedure can start needs every procedure (`activates`
        // may name a later one), and that is decided at the end from what
        // `Start` keeps of each. The rules' findings are reported after
        // those, as if every procedure had been resolved first.
        let mut starts: Vec<Start> = Vec::with_capacity(self.procedures.len());
        let mut findings: Vec<Diagnostic> = Vec::new();
        self.step_ids.reserve_exact(self.procedures.len());
        for i in 0..self.procedures.len() {
            let shell = self.procedures[i];
            // A body taken from an owned tree is put back into its
            // procedure to be resolved, and freed as soon as it is.
            let owned = self
                .bodies
                .get_mut(i)
                .and_then(Option::take)
                .map(|items| ast::Procedure {
                    doc: shell.doc,
                    id: shell.id,
                    label: shell.label,
                    items,
                    span: shell.span,
                });
            let procedure = owned.as_ref().unwrap_or(shell);
            let (mut procedure, context) = self.resolve_procedure(i, procedure);
            drop(owned);
            self.step_ids
                .push(procedure.steps.iter().map(|s| s.id_span).collect());
            let resolved = self.diagnostics.len();
            self.trigger_rule(&procedure, &context);
            self.owners(&procedure, &context);
            self.schedule(&mut procedure, &context);
            self.check_over_commitment(&procedure);
            self.check_mobilised(&procedure, &context);
            findings.extend(self.diagnostics.drain(resolved..));
            starts.push(Start::of(&procedure, &context));
            if self.keep_model {
                self.model.procedures.push(procedure);
            }
        }
        self.check_activation(&starts);
        self.diagnostics.extend(findings);
    }

    /// How each procedure can start: a procedure with no trigger that no
    /// step `activates` is W0602; one that a step `activates` starts with
    /// its own `lead` and `resources` (escalation is a triggering condition
    /// too), else E0204 and E0202 at the procedure.
    fn check_activation(&mut self, starts: &[Start]) {
        let src = self.src;
        for (p, start) in starts.iter().enumerate() {
            let name = self.procedures[p].id.name(src);
            match self.activated_by.get(p).copied().flatten() {
                None if start.no_triggers => self.push(
                    Diagnostic::new(
                        Code::W0602,
                        format!("procedure `{name}` has no trigger"),
                        start.id_span,
                    )
                    .with_label("no condition can activate it, and no step activates it")
                    .with_help(
                        "add `trigger NAME { when CONDITION }` saying when the procedure applies",
                    ),
                ),
                None => {}
                Some((q, s, span)) => {
                    let step = self
                        .step_ids
                        .get(q)
                        .and_then(|ids| ids.get(s))
                        .map_or("", |&id| src.text(id));
                    let by_name = self.procedures[q].id.name(src);
                    let by = format!("step `{step}` of `{by_name}` activates it");
                    // A group at the procedure's `lead` is reported by the
                    // trigger rule for the triggers that inherit it; an
                    // activation by a step inherits it too.
                    if let Ref::Found(actor, lead_span) = start.lead
                        && self.model.actors.get(actor).and_then(|a| a.kind)
                            == Some(ActorKind::Group)
                        && start.triggers_lead_their_own
                    {
                        let what = format!(
                            "procedure `{name}`, which step `{step}` of `{by_name}` activates"
                        );
                        self.group_cannot_lead_what(actor, lead_span, &what);
                    }
                    if start.lead == Ref::Absent {
                        self.push(
                            Diagnostic::error(
                                Code::E0204,
                                format!(
                                    "procedure `{name}` is started by `activates` but has no `lead` of its own"
                                ),
                                start.id_span,
                            )
                            .with_label("it would start without a leader")
                            .with_secondary(span, by.clone())
                            .with_note(
                                "an activation by a step takes the procedure's own `lead` and `resources`: a trigger's are not used",
                            )
                            .with_help(format!("add `lead ACTOR` to procedure `{name}`")),
                        );
                    }
                    if !start.own_resources {
                        self.push(
                            Diagnostic::error(
                                Code::E0202,
                                format!(
                                    "procedure `{name}` is started by `activates` but mobilises no resources of its own"
                                ),
                                start.id_span,
                            )
                            .with_label("its activation would bring nothing to bear")
                            .with_secondary(span, by)
                            .with_help(format!(
                                "add `resources NAME(AMOUNT UNIT), …` to procedure `{name}`"
                            )),
                        );
                    }
                }
            }
        }
    }

    /// Notes step `s` of procedure `p` as the activation of each procedure
    /// in its `activates` that no earlier step activates, with where the
    /// entry is written.
    fn note_activations(&mut self, p: usize, s: usize, step: &ast::Step, targets: &[usize]) {
        let ids = match step.attr(AttrName::Activates).map(|a| &a.value) {
            Some(AttrValue::Names(ids)) => &ids[..],
            _ => &[],
        };
        for &target in targets {
            if self.activated_by.get(target).is_some_and(Option::is_none) {
                let name = self.procedures.get(target).map(|t| t.id.name(self.src));
                let span = ids
                    .iter()
                    .find(|id| Some(id.name(self.src)) == name)
                    .map_or(step.span, |id| id.span);
                self.activated_by[target] = Some((p, s, span));
            }
        }
    }

    pub(super) fn actor_ref(&mut self, attr: Option<&&ast::Attribute>) -> Ref {
        match attr.map(|a| &a.value) {
            Some(AttrValue::Name(id)) => self.resolve(id, Kind::Actor),
            _ => Ref::Absent,
        }
    }

    /// Resolves a list of top-level names; a name given twice counts once
    /// (and is W0601).
    pub(super) fn actor_list(&mut self, attr: Option<&&ast::Attribute>, kind: Kind) -> Vec<usize> {
        let Some(attr) = attr else {
            return Vec::new();
        };
        let AttrValue::Names(ids) = &attr.value else {
            return Vec::new();
        };
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(i) = self.resolve(id, kind).index() {
                found.push((i, id));
            }
        }
        self.without_repeats(found, attr.name.as_str(), kind)
    }

    /// Resolves a `resources`/`requires` list of `whose` (`procedure `p``);
    /// the flag tells whether one of its entries could not be resolved.
    /// A resource given twice is reported: its amounts add up.
    pub(super) fn requirements(
        &mut self,
        attr: Option<&&ast::Attribute>,
        whose: &str,
    ) -> (Vec<Requirement>, bool, usize) {
        let mut out = Vec::new();
        let mut broken = false;
        let mut written = 0;
        if let Some(attr) = attr
            && let AttrValue::Requirements(reqs) = &attr.value
        {
            written = reqs.len();
            out.reserve_exact(reqs.len());
            for req in reqs {
                match self.requirement(req) {
                    Some(r) => out.push(r),
                    None => broken = true,
                }
            }
            self.check_repeated_requirements(&out, attr.name.as_str(), whose);
        }
        (out, broken, written)
    }

    /// Resolves procedure `index`, `p`, after the procedures before it.
    fn resolve_procedure(
        &mut self,
        index: usize,
        p: &ast::Procedure,
    ) -> (model::Procedure, Context) {
        let attrs = self.unique_attrs(p.attrs());
        let lead = self.actor_ref(attrs.get(&AttrName::Lead));
        let support = self.actor_list(attrs.get(&AttrName::Support), Kind::Actor);
        let (resources, broken, written) = self.requirements(
            attrs.get(&AttrName::Resources),
            &format!("procedure `{}`", p.id.name(self.src)),
        );

        let resources_order = super::resources::by_resource(&resources);

        // The procedure's own namespace.
        let mut local: HashMap<&str, Symbol> = HashMap::new();
        let (mut n_triggers, mut n_steps) = (0, 0);
        let mut members: Vec<ProcedureMember> = Vec::new();
        // The names of the steps, in index order.
        let mut step_names: Vec<&'a str> = Vec::new();
        for item in &p.items {
            let (id, kind, index) = match item {
                ast::ProcedureItem::Trigger(t) => (&t.id, Kind::Trigger, n_triggers),
                ast::ProcedureItem::Step(s) => (&s.id, Kind::Step, n_steps),
                ast::ProcedureItem::Attribute(_) => continue,
            };
            if let Some(first) = local.get(id.name(self.src)) {
                self.push(duplicate(
                    self.src,
                    id,
                    first.kind,
                    first.span,
                    kind,
                    Some(("procedure", p.id.name(self.src))),
                ));
                continue;
            }
            local.insert(
                id.name(self.src),
                Symbol {
                    kind,
                    index,
                    span: id.span,
                },
            );
            match item {
                ast::ProcedureItem::Trigger(t) => {
                    n_triggers += 1;
                    members.push(ProcedureMember::Trigger(t));
                }
                ast::ProcedureItem::Step(s) => {
                    n_steps += 1;
                    members.push(ProcedureMember::Step(s));
                    step_names.push(s.id.name(self.src));
                }
                ast::ProcedureItem::Attribute(_) => {}
            }
        }

        // Exact capacities: the model of a large handbook is kept whole.
        let (trigger_count, step_count) = (p.triggers().count(), p.steps().count());
        let after_count = p
            .steps()
            .filter_map(|s| match s.attr(AttrName::After).map(|a| &a.value) {
                Some(AttrValue::Names(ids)) => Some(ids.len()),
                _ => None,
            })
            .sum();
        let mut context = Context {
            id_span: p.id.span,
            lead,
            own_resources: p.attr(AttrName::Resources).is_some(),
            triggers: Vec::with_capacity(trigger_count),
            steps: Vec::with_capacity(step_count),
            after_spans: Vec::with_capacity(after_count),
        };
        let mut triggers = Vec::with_capacity(trigger_count);
        let mut steps = Vec::with_capacity(step_count);
        // The steps indexed for "did you mean", when first needed.
        let mut step_candidates: Option<Candidates<'a>> = None;
        // For each step, the step whose `after` named it last (plus one)
        // and where in that list: finds repeats without a set per list.
        let mut named_by: Vec<(usize, usize)> = vec![(0, 0); n_steps];
        for member in members {
            match member {
                ProcedureMember::Trigger(t) => {
                    let attrs = self.unique_attrs(&t.attrs);
                    let condition = match attrs.get(&AttrName::When).map(|a| &a.value) {
                        Some(AttrValue::Condition(expr)) => self.condition(expr, &t.id),
                        _ => {
                            self.push(
                                Diagnostic::error(
                                    Code::E0505,
                                    format!("trigger `{}` has no `when`", t.id.name(self.src)),
                                    t.id.span,
                                )
                                .with_label("`when` is required")
                                .with_help("add `when CONDITION`: the facts under which the procedure is activated"),
                            );
                            Condition::Bool(false)
                        }
                    };
                    let own_lead = self.actor_ref(attrs.get(&AttrName::Lead));
                    let (own, own_broken, own_written) = self.requirements(
                        attrs.get(&AttrName::Resources),
                        &format!("trigger `{}`", t.id.name(self.src)),
                    );
                    self.check_trigger_totals(
                        &resources,
                        &resources_order,
                        &own,
                        t.id.name(self.src),
                    );
                    let effective = own_lead.or(lead);
                    let from = if own_lead == Ref::Absent {
                        From::Procedure
                    } else {
                        From::Trigger
                    };
                    let mut mobilised: Vec<(Requirement, From)> = resources
                        .iter()
                        .cloned()
                        .map(|r| (r, From::Procedure))
                        .collect();
                    mobilised.extend(own.into_iter().map(|r| (r, From::Trigger)));
                    context.triggers.push(TriggerContext {
                        id_span: t.id.span,
                        lead: effective,
                        any_resources: written + own_written > 0,
                        broken_resources: broken || own_broken,
                    });
                    triggers.push(model::Trigger {
                        id: self.name_of(&t.id),
                        label: self.label_of(&t.label, &t.id),
                        doc: self.doc_of(t.doc),
                        note: self.string_of(attrs.get(&AttrName::Note)),
                        condition,
                        lead: effective.index().map(|a| (a, from)),
                        resources: mobilised,
                        span: t.span,
                        id_span: t.id.span,
                    });
                }
                ProcedureMember::Step(s) => {
                    let attrs = self.unique_attrs(&s.attrs);
                    let own_owner = self.actor_ref(attrs.get(&AttrName::Owner));
                    let owner = own_owner.or(lead);
                    let from = if own_owner == Ref::Absent {
                        From::Procedure
                    } else {
                        From::Step
                    };
                    let mut after = Vec::new();
                    let after_from = context.after_spans.len();
                    if let Some(AttrValue::Names(ids)) =
                        attrs.get(&AttrName::After).map(|a| &a.value)
                    {
                        after.reserve_exact(ids.len());
                        let stamp = steps.len() + 1;
                        for (k, id) in ids.iter().enumerate() {
                            let lookup = StepLookup {
                                local: &local,
                                names: &step_names,
                                candidates: &mut step_candidates,
                                procedure: p.id.name(self.src),
                                asking: s.id.name(self.src),
                                index,
                                current: p,
                            };
                            let Some(index) = self.resolve_step(id, lookup) else {
                                continue;
                            };
                            match named_by.get_mut(index) {
                                Some(seen) if seen.0 == stamp => {
                                    let earlier = ids[seen.1].span;
                                    self.push(super::repeated(
                                        self.src,
                                        id,
                                        earlier,
                                        "after",
                                        Kind::Step,
                                    ));
                                }
                                Some(seen) => {
                                    *seen = (stamp, k);
                                    after.push(index);
                                    context.after_spans.push(id.span);
                                }
                                None => {
                                    after.push(index);
                                    context.after_spans.push(id.span);
                                }
                            }
                        }
                    }
                    let (requires, _, _) = self.requirements(
                        attrs.get(&AttrName::Requires),
                        &format!("step `{}`", s.id.name(self.src)),
                    );
                    let notify = self.actor_list(attrs.get(&AttrName::Notify), Kind::Actor);
                    let activates =
                        self.actor_list(attrs.get(&AttrName::Activates), Kind::Procedure);
                    self.note_activations(index, steps.len(), s, &activates);
                    let decision = match attrs.get(&AttrName::Decision).map(|a| &a.value) {
                        Some(AttrValue::Decision(rule, _)) => Some(*rule),
                        _ => None,
                    };
                    context.steps.push(StepContext {
                        owner,
                        decision_span: attrs.get(&AttrName::Decision).map(|a| a.span),
                        after_from: u32::try_from(after_from).unwrap_or(u32::MAX),
                    });
                    steps.push(model::Step {
                        id: self.name_of(&s.id),
                        label: self.label_of(&s.label, &s.id),
                        doc: self.doc_of(s.doc),
                        note: self.string_of(attrs.get(&AttrName::Note)),
                        owner: owner.index().map(|a| (a, from)),
                        after,
                        takes_minutes: minutes_of(attrs.get(&AttrName::Takes)).unwrap_or(0),
                        takes_range: range_of(attrs.get(&AttrName::Takes)),
                        within_minutes: minutes_of(attrs.get(&AttrName::Within)),
                        within_span: attrs.get(&AttrName::Within).map(|a| a.span),
                        requires,
                        notify,
                        decision,
                        activates,
                        timing: Timing::default(),
                        span: s.span,
                        id_span: s.id.span,
                    });
                }
            }
        }

        let procedure = model::Procedure {
            id: self.name_of(&p.id),
            label: self.label_of(&p.label, &p.id),
            doc: self.doc_of(p.doc),
            note: self.string_of(attrs.get(&AttrName::Note)),
            lead: lead.index(),
            support,
            resources,
            triggers,
            steps,
            schedule: model::Schedule::default(),
            span: p.span,
        };
        (procedure, context)
    }

    /// Resolves an `after` entry among the steps of the procedure.
    fn resolve_step(&mut self, id: &Ident, lookup: StepLookup<'_, 'a>) -> Option<usize> {
        let StepLookup {
            local,
            names,
            candidates,
            procedure,
            asking,
            index,
            current,
        } = lookup;
        match local.get(id.name(self.src)).copied() {
            Some(symbol) if symbol.kind == Kind::Step => Some(symbol.index),
            Some(symbol) => {
                self.push(wrong_kind(self.src, id, Kind::Step, symbol));
                None
            }
            None => {
                // Every step but the asking one, which is a step of the
                // procedure (and the only one of its name).
                let others = names.iter().copied().filter(|&n| n != asking);
                let help = if names.len() <= 1 {
                    format!("procedure `{procedure}` has no steps")
                } else {
                    format!(
                        "`after` names steps of the same procedure; `{procedure}` has {}",
                        name_list_of(others, names.len() - 1, 8)
                    )
                };
                let best = candidates
                    .get_or_insert_with(|| Candidates::new(names.iter().copied()))
                    .closest(id.name(self.src), Some(asking));
                let mut d = undefined(self.src, id, Kind::Step, best, Some(help));
                let elsewhere = self.step_home(id.name(self.src), procedure, (index, current));
                if let Some(other) = elsewhere {
                    d = d.with_note(format!(
                        "`{}` is a step of procedure `{}`; `after` only orders steps of the same procedure (use `activates` to start another procedure)",
                        id.name(self.src), self.procedures[other].id.name(self.src)
                    ));
                } else if self.names.contains_key(id.name(self.src)) {
                    d = d.with_note(format!(
                        "`{}` is declared outside procedure `{procedure}`; `after` only sees its steps",
                        id.name(self.src)
                    ));
                }
                self.push(d);
                None
            }
        }
    }

    /// The first procedure other than `procedure` with a step called
    /// `step`, from an index of every procedure's steps built once: the
    /// procedures resolved so far from their step names (their trees may
    /// be gone), the
    /// `current` one and the rest from their trees.
    fn step_home(
        &mut self,
        step: &str,
        procedure: &str,
        current: (usize, &ast::Procedure),
    ) -> Option<usize> {
        let (procedures, bodies, src) = (&self.procedures, &self.bodies, self.src);
        let done = &self.step_ids;
        let homes = self.step_homes.get_or_insert_with(|| {
            let mut homes: HashMap<&'a str, (usize, Option<usize>)> = HashMap::new();
            let mut note = |name: &'a str, i: usize| {
                let entry = homes.entry(name).or_insert((i, None));
                if entry.0 != i && entry.1.is_none() {
                    entry.1 = Some(i);
                }
            };
            for (i, ids) in done.iter().enumerate() {
                for &id in ids {
                    note(src.text(id), i);
                }
            }
            for (i, &p) in procedures.iter().enumerate().skip(done.len()) {
                let items = match bodies.get(i) {
                    _ if i == current.0 => &current.1.items[..],
                    Some(Some(body)) => &body[..],
                    _ => &p.items[..],
                };
                for item in items {
                    if let ast::ProcedureItem::Step(s) = item {
                        note(s.id.name(src), i);
                    }
                }
            }
            homes
        });
        let &(first, second) = homes.get(step)?;
        if self.procedures[first].id.name(self.src) != procedure {
            Some(first)
        } else {
            second
        }
    }

    /// E0201, E0202, E0203 for each trigger.
    fn trigger_rule(&mut self, procedure: &model::Procedure, context: &Context) {
        // Triggers that inherit a group as leader, reported once at the
        // procedure's `lead`.
        let mut inherit_group: Vec<Name> = Vec::new();
        for (t, trigger) in procedure.triggers.iter().enumerate() {
            let tc = &context.triggers[t];
            match tc.lead {
                Ref::Absent => self.push(
                    Diagnostic::error(
                        Code::E0201,
                        format!("trigger `{}` has no leader", self.model.names.get(trigger.id)),
                        tc.id_span,
                    )
                    .with_label("nobody leads when this trigger fires")
                    .with_secondary(context.id_span, format!("procedure `{}` has no `lead` either", self.model.names.get(procedure.id)))
                    .with_help(format!(
                        "add `lead ACTOR` to the trigger, or to procedure `{}` for all its triggers",
                        self.model.names.get(procedure.id)
                    )),
                ),
                Ref::Broken => {}
                Ref::Found(actor, span) => {
                    if self.model.actors[actor].kind == Some(ActorKind::Group) {
                        if trigger.lead.is_some_and(|(_, from)| from == From::Procedure) {
                            inherit_group.push(trigger.id);
                        } else {
                            self.group_cannot_lead(actor, span, &[trigger.id]);
                        }
                    }
                }
            }
            if !tc.any_resources {
                self.push(
                    Diagnostic::error(
                        Code::E0202,
                        format!("trigger `{}` mobilises no resources", self.model.names.get(trigger.id)),
                        tc.id_span,
                    )
                    .with_label("activation would bring nothing to bear")
                    .with_help(format!(
                        "add `resources NAME(AMOUNT UNIT), …` to the trigger, or to procedure `{}` for all its triggers",
                        self.model.names.get(procedure.id)
                    )),
                );
            }
        }
        if let (false, Ref::Found(actor, span)) = (inherit_group.is_empty(), context.lead) {
            self.group_cannot_lead(actor, span, &inherit_group);
        }
    }

    /// E0203 for the triggers named.
    fn group_cannot_lead(&mut self, actor: usize, span: Span, triggers: &[Name]) {
        let which = if triggers.len() == 1 {
            "trigger"
        } else {
            "triggers"
        };
        let what = format!(
            "{which} {}",
            name_list(triggers.iter().map(|&t| self.model.names.get(t)), 6)
        );
        self.group_cannot_lead_what(actor, span, &what);
    }

    /// E0203: group `actor`, named at `span`, cannot lead `what`.
    fn group_cannot_lead_what(&mut self, actor: usize, span: Span, what: &str) {
        let a = &self.model.actors[actor];
        let first_member = a
            .members
            .first()
            .map(|&m| self.model.names.get(self.model.actors[m].id));
        let mut d = Diagnostic::error(
            Code::E0203,
            format!("group `{}` cannot lead {what}", self.model.names.get(a.id)),
            span,
        )
        .with_label("a group cannot be held accountable")
        .with_secondary(
            self.actors[actor].id.span,
            format!(
                "`{}` is declared as a group here",
                self.model.names.get(a.id)
            ),
        );
        d = match first_member {
            Some(first) => d.with_help(format!(
                "name one accountable actor, such as a member of `{}` (`{first}`), or a chair",
                self.model.names.get(a.id)
            )),
            None => d.with_help("name one accountable actor instead of the group"),
        };
        self.push(d);
    }

    /// E0303 for steps without owner; E0504 for decisions by an owner that
    /// cannot decide.
    fn owners(&mut self, procedure: &model::Procedure, context: &Context) {
        for (s, step) in procedure.steps.iter().enumerate() {
            let sc = &context.steps[s];
            match sc.owner {
                Ref::Absent => self.push(
                    Diagnostic::error(
                        Code::E0303,
                        format!("step `{}` has no owner", self.model.names.get(step.id)),
                        step.id_span,
                    )
                    .with_label("nobody is responsible for this step")
                    .with_help(format!(
                        "add `owner ACTOR` to the step, or `lead ACTOR` to procedure `{}`",
                        self.model.names.get(procedure.id)
                    )),
                ),
                Ref::Broken => {}
                Ref::Found(actor, owner_span) => {
                    let kind = self.model.actors[actor].kind;
                    if let (Some(decision_span), Some(kind)) = (sc.decision_span, kind)
                        && !matches!(
                            kind,
                            ActorKind::Institution | ActorKind::Body | ActorKind::Group
                        )
                    {
                        let a = &self.model.actors[actor];
                        let inherited = step.owner.is_some_and(|(_, from)| from == From::Procedure);
                        let whose = if inherited {
                            format!(
                                "owner `{}` (the procedure's lead) is of kind {}",
                                self.model.names.get(a.id),
                                kind.as_str()
                            )
                        } else {
                            format!(
                                "owner `{}` is of kind {}",
                                self.model.names.get(a.id),
                                kind.as_str()
                            )
                        };
                        self.push(
                            Diagnostic::error(
                                Code::E0504,
                                format!("step `{}` takes a decision, but its owner `{}` cannot decide", self.model.names.get(step.id), self.model.names.get(a.id)),
                                decision_span,
                            )
                            .with_label("a decision needs an institution, a body or a group")
                            .with_secondary(owner_span, whose)
                            .with_help("give the step an owner of kind institution, body or group (a council, a committee)"),
                        );
                    }
                }
            }
        }
    }

    /// Computes the schedule into the procedure; E0301, E0302, E0304, and
    /// W0305 where ranged durations put a deadline at risk.
    ///
    /// The schedule is that of the worst case (every range at its
    /// maximum). Where a range is involved it is computed for the best
    /// case too (every range at its minimum): a deadline missed even then
    /// is E0302/E0304, one missed only in the worst case W0305.
    fn schedule(&mut self, procedure: &mut model::Procedure, context: &Context) {
        let resources = &self.model.resources;
        let inputs_for = |best: bool| -> Vec<StepInput> {
            procedure
                .steps
                .iter()
                .map(|step| StepInput {
                    takes: u64::from(match (best, step.takes_range) {
                        (true, Some(range)) => range.min,
                        _ => step.takes_minutes,
                    }),
                    within: step.within_minutes.map(u64::from),
                    after: &step.after,
                    ready: step
                        .requires
                        .iter()
                        .map(|r| {
                            let resource = &resources[r.resource];
                            let ready = match (best, resource.ready_range) {
                                (true, Some(range)) => range.min,
                                _ => resource.ready_minutes,
                            };
                            (r.resource, u64::from(ready))
                        })
                        .collect(),
                })
                .collect()
        };
        let ranged = procedure.steps.iter().any(|step| {
            step.takes_range.is_some()
                || step
                    .requires
                    .iter()
                    .any(|r| resources[r.resource].ready_range.is_some())
        });
        let output = schedule::compute(&inputs_for(false));
        let best = ranged.then(|| schedule::compute(&inputs_for(true)));
        for cycle in &output.cycles {
            self.report_step_cycle(procedure, context, cycle);
        }
        match &best {
            None => {
                self.report_lates(procedure, &output);
            }
            Some(best) => {
                self.report_lates(procedure, best);
                for late in &output.late {
                    if !best.late.iter().any(|b| b.step == late.step) {
                        let best_finish = best.timings[late.step].map_or(0, |t| t.earliest_finish);
                        self.report_at_risk(procedure, &output, late, best_finish);
                    }
                }
            }
        }
        for (step, timing) in procedure.steps.iter_mut().zip(&output.timings) {
            step.timing = timing.unwrap_or_default();
        }
        procedure.schedule = output.schedule;
    }

    /// W0305: `late` misses its deadline in the worst case only; it
    /// finishes at `best_finish` when every range takes its minimum.
    fn report_at_risk(
        &mut self,
        procedure: &model::Procedure,
        output: &schedule::Output,
        late: &schedule::Late,
        best_finish: u64,
    ) {
        let step = &procedure.steps[late.step];
        let within_span = step.within_span.unwrap_or(step.id_span);
        let chain = output.chain(late.step, MAX_CHAIN_SHOWN);
        // The ranged durations on the chain: takes of its steps, ready of
        // what its first step waits for.
        let mut ranges: Vec<String> = Vec::new();
        let mut d = Diagnostic::new(
            Code::W0305,
            format!(
                "deadline of step `{}` is at risk: it finishes within {} at best, {} in the worst case",
                self.model.names.get(step.id),
                minutes(best_finish),
                minutes(late.finish)
            ),
            within_span,
        )
        .with_label(format!("due within {}", minutes(late.within)));
        for &s in &chain {
            if let Some(range) = procedure.steps[s].takes_range {
                let text = range_text(range);
                ranges.push(format!(
                    "`{}` takes {text}",
                    self.model.names.get(procedure.steps[s].id)
                ));
                d = d.with_secondary(
                    procedure.steps[s].id_span,
                    format!(
                        "`{}` takes {text}",
                        self.model.names.get(procedure.steps[s].id)
                    ),
                );
            }
        }
        if let Some(&head) = chain.first() {
            for r in &procedure.steps[head].requires {
                let resource = &self.model.resources[r.resource];
                if let Some(range) = resource.ready_range {
                    ranges.push(format!(
                        "`{}` is ready after {}",
                        self.model.names.get(resource.id),
                        range_text(range)
                    ));
                }
            }
        }
        if chain.len() > 1 {
            let names: Vec<String> = chain
                .iter()
                .map(|&s| format!("`{}`", self.model.names.get(procedure.steps[s].id)))
                .collect();
            d = d.with_note(format!("the chain {} sets its finish", names.join(" → ")));
        }
        if !ranges.is_empty() {
            d = d.with_note(format!("ranged on it: {}", ranges.join(", ")));
        }
        self.push(d.with_help(
            "narrow the ranges, allow more time in `within`, or run part of the chain in parallel",
        ));
    }

    fn report_step_cycle(
        &mut self,
        procedure: &model::Procedure,
        context: &Context,
        cycle: &[usize],
    ) {
        let name = |s: usize| self.model.names.get(procedure.steps[s].id);
        let mut chain: Vec<String> = Vec::new();
        if cycle.len() <= 12 {
            chain.extend(cycle.iter().map(|&s| format!("`{}`", name(s))));
        } else {
            chain.extend(cycle[..6].iter().map(|&s| format!("`{}`", name(s))));
            chain.push(format!("… {} more …", cycle.len() - 9));
            chain.extend(
                cycle[cycle.len() - 3..]
                    .iter()
                    .map(|&s| format!("`{}`", name(s))),
            );
        }
        chain.push(format!("`{}`", name(cycle[0])));
        // The edge written at step `to` that names `from` (`to` after
        // `from`): the first entry of its `after` with that name, which is
        // what it resolved to.
        let edge = |from: usize, to: usize| {
            context
                .after_span(procedure, from, to)
                .unwrap_or(procedure.steps[to].id_span)
        };
        let last = cycle[cycle.len() - 1];
        let mut d = Diagnostic::error(
            Code::E0301,
            format!(
                "steps of procedure `{}` form a cycle: {}",
                self.model.names.get(procedure.id),
                chain.join(" → ")
            ),
            edge(last, cycle[0]),
        )
        .with_label(format!(
            "`{}` comes after `{}`…",
            name(cycle[0]),
            name(last)
        ));
        for pair in cycle.windows(2).take(8) {
            d = d.with_secondary(
                edge(pair[0], pair[1]),
                format!("…`{}` after `{}`", name(pair[1]), name(pair[0])),
            );
        }
        self.push(
            d.with_note(format!(
                "the cycle has {} steps; none of them can ever start",
                cycle.len()
            ))
            .with_help("remove one `after` so that the steps have an order"),
        );
    }

    /// E0302/E0304 for the late steps of `output`. A late step that is
    /// late only because an earlier late step on its chain is (it would
    /// meet its deadline were that one on time) is a consequence: it goes
    /// into a note of the first finding, which is its root cause.
    fn report_lates(&mut self, procedure: &model::Procedure, output: &schedule::Output) {
        let lates = &output.late;
        let late_at: HashMap<usize, usize> =
            lates.iter().enumerate().map(|(k, l)| (l.step, k)).collect();
        // The nearest late step before each step on its chain, memoised so
        // that every step is walked once.
        let mut nearest: HashMap<usize, Option<usize>> = HashMap::new();
        let mut root: Vec<usize> = (0..lates.len()).collect();
        let mut order: Vec<usize> = (0..lates.len()).collect();
        order.sort_by_key(|&k| (lates[k].chain_len, lates[k].step));
        for &k in &order {
            let mut path = Vec::new();
            let mut current = output.previous.get(lates[k].step).copied().flatten();
            let found = loop {
                match current {
                    None => break None,
                    Some(s) if late_at.contains_key(&s) => break late_at.get(&s).copied(),
                    Some(s) => {
                        if let Some(&known) = nearest.get(&s) {
                            break known;
                        }
                        path.push(s);
                        current = output.previous.get(s).copied().flatten();
                    }
                }
            };
            for s in path {
                nearest.insert(s, found);
            }
            if let Some(a) = found {
                let (ancestor, late) = (&lates[a], &lates[k]);
                let overrun = ancestor.finish.saturating_sub(ancestor.within);
                if late.finish.saturating_sub(overrun) <= late.within {
                    root[k] = root[a];
                }
            }
        }
        let mut consequences: Vec<Vec<usize>> = vec![Vec::new(); lates.len()];
        for k in 0..lates.len() {
            if root[k] != k {
                consequences[root[k]].push(k);
            }
        }
        for (k, late) in lates.iter().enumerate() {
            if root[k] != k {
                continue;
            }
            let note = (!consequences[k].is_empty()).then(|| {
                let shown: Vec<String> = consequences[k]
                    .iter()
                    .take(6)
                    .map(|&c| {
                        format!(
                            "`{}` (due within {}, finishes at {})",
                            self.model.names.get(procedure.steps[lates[c].step].id),
                            minutes(lates[c].within),
                            minutes(lates[c].finish)
                        )
                    })
                    .collect();
                let more = consequences[k].len().saturating_sub(shown.len());
                let rest = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let pronoun = if consequences[k].len() == 1 {
                    "it"
                } else {
                    "they"
                };
                format!(
                    "it also makes {}{rest} late: {pronoun} would be on time if `{}` were",
                    shown.join(", "),
                    self.model.names.get(procedure.steps[late.step].id)
                )
            });
            self.report_late(procedure, output, late, note);
        }
    }

    fn report_late(
        &mut self,
        procedure: &model::Procedure,
        output: &schedule::Output,
        late: &schedule::Late,
        consequences: Option<String>,
    ) {
        let step = &procedure.steps[late.step];
        let within_span = step.within_span.unwrap_or(step.id_span);
        // What one finding names of its chain: all of it up to
        // MAX_CHAIN_SHOWN steps, else its first step and its last ones.
        let steps_shown: Vec<usize> = if late.chain_len <= MAX_CHAIN_SHOWN {
            output.chain(late.step, MAX_CHAIN_SHOWN)
        } else {
            let mut shown = vec![late.head];
            shown.extend(output.chain(late.step, MAX_CHAIN_SHOWN - 2));
            shown
        };
        let left_out = late.chain_len.saturating_sub(steps_shown.len());
        let chain_text = {
            let mut parts: Vec<String> = steps_shown
                .iter()
                .map(|&s| format!("`{}`", self.model.names.get(procedure.steps[s].id)))
                .collect();
            if left_out > 0 {
                parts.insert(1, format!("… {left_out} more …"));
            }
            parts.join(" → ")
        };
        // The resource is the cause when, ready at activation, it would
        // have let the step finish in time.
        if let Some((resource, ready)) = late.waits_for
            && late.finish - (ready - late.start_without_wait.min(ready)) <= late.within
        {
            let head = late.head;
            let r = &self.model.resources[resource];
            let req_span = procedure.steps[head]
                .requires
                .iter()
                .find(|q| q.resource == resource)
                .map_or(procedure.steps[head].id_span, |q| q.span);
            let ready_span = self.resources[resource]
                .attrs
                .iter()
                .find(|a| a.name == AttrName::Ready)
                .map_or(self.resources[resource].id.span, |a| a.span);
            let mut d = Diagnostic::error(
                Code::E0304,
                format!(
                    "resource `{}` is ready too late for step `{}` to finish within {}",
                    self.model.names.get(r.id),
                    self.model.names.get(step.id),
                    minutes(late.within)
                ),
                req_span,
            )
            .with_label(format!(
                "`{}` waits for `{}` until {}",
                self.model.names.get(procedure.steps[head].id),
                self.model.names.get(r.id),
                minutes(ready)
            ))
            .with_secondary(
                ready_span,
                format!(
                    "`{}` is ready only {} after activation",
                    self.model.names.get(r.id),
                    minutes(ready)
                ),
            )
            .with_secondary(
                within_span,
                format!(
                    "`{}` is due within {}",
                    self.model.names.get(step.id),
                    minutes(late.within)
                ),
            );
            if late.chain_len > 1 {
                d = d.with_note(format!(
                    "the chain {chain_text} finishes at {}",
                    minutes(late.finish)
                ));
            }
            if let Some(note) = consequences {
                d = d.with_note(note);
            }
            self.push(d.with_help(format!(
                "make `{}` ready sooner, allow more time in `within`, or use another resource",
                self.model.names.get(r.id)
            )));
            return;
        }
        let mut d = Diagnostic::error(
            Code::E0302,
            format!(
                "step `{}` cannot finish within {}: it finishes {} after activation at the earliest",
                self.model.names.get(step.id),
                minutes(late.within),
                minutes(late.finish)
            ),
            within_span,
        )
        .with_label(format!("due within {}", minutes(late.within)));
        // The first step of the chain and the last ones, at most 8.
        let labelled = if steps_shown.len() <= 8 {
            &steps_shown[..]
        } else {
            &steps_shown[steps_shown.len() - 7..]
        };
        let labelled = (steps_shown.len() > 8)
            .then_some(late.head)
            .into_iter()
            .chain(labelled.iter().copied());
        for s in labelled {
            d = d.with_secondary(
                procedure.steps[s].id_span,
                format!(
                    "`{}` takes {}",
                    self.model.names.get(procedure.steps[s].id),
                    match procedure.steps[s].takes_range {
                        Some(range) => range_text(range),
                        None => minutes(u64::from(procedure.steps[s].takes_minutes)),
                    }
                ),
            );
        }
        let mut notes = Vec::new();
        if late.chain_len > 1 {
            notes.push(format!("the chain {chain_text} makes it late"));
        }
        if let Some((resource, ready)) = late.waits_for {
            notes.push(format!(
                "`{}` starts when `{}` is ready, {} after activation",
                self.model.names.get(procedure.steps[late.head].id),
                self.model.names.get(self.model.resources[resource].id),
                minutes(ready)
            ));
        }
        if !notes.is_empty() {
            d = d.with_note(notes.join("; "));
        }
        if let Some(note) = consequences {
            d = d.with_note(note);
        }
        self.push(d.with_help(
            "shorten the steps of the chain, run some of them in parallel, or allow more time",
        ));
    }
}

/// How many steps of the chain that makes a step late one finding names.
const MAX_CHAIN_SHOWN: usize = 12;

/// What resolving an `after` entry needs of its procedure.
struct StepLookup<'l, 'a> {
    local: &'l HashMap<&'a str, Symbol>,
    /// The names of the steps, in index order.
    names: &'l [&'a str],
    candidates: &'l mut Option<Candidates<'a>>,
    procedure: &'l str,
    asking: &'l str,
    /// The procedure's index, and the procedure.
    index: usize,
    current: &'l ast::Procedure,
}

/// A range as written: `1d..3d`, `1d..2d..5d`.
fn range_text(range: model::Range) -> String {
    let d = |m: u32| minutes(u64::from(m));
    match range.mode {
        Some(mode) => format!("{}..{}..{}", d(range.min), d(mode), d(range.max)),
        None => format!("{}..{}", d(range.min), d(range.max)),
    }
}

/// A trigger or step of a procedure, in source order.
enum ProcedureMember<'a> {
    Trigger(&'a ast::Trigger),
    Step(&'a ast::Step),
}
