//! Requirements (`REQ`): resolution with capacity and unit (E0401, E0402),
//! over-commitment of concurrent steps (W0403), and steps that require what
//! a trigger does not mobilise (W0404).
//!
//! Amounts of one resource add up wherever they count: a resource given
//! twice in one list, and a trigger's own `resources` on top of its
//! procedure's. A requirement without an amount claims the whole capacity.

use std::collections::BTreeMap;

use super::model::{Procedure, Requirement, ResourceIdx};
use super::procedures::Context;
use super::{Checker, Kind, minutes, name_list};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, AttrName};

/// What requirements of one resource amount to, counted against its
/// capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Amount {
    /// Not comparable with the capacity: the resource has none, or an
    /// amount was refused (E0401, E0402) and is reported already.
    Uncounted,
    /// The whole capacity: a requirement without an amount.
    Whole,
    /// The sum of the amounts.
    Sum(u64),
}

impl Amount {
    /// `self` and `other` together.
    fn and(self, other: Amount) -> Amount {
        match (self, other) {
            (Amount::Uncounted, _) | (_, Amount::Uncounted) => Amount::Uncounted,
            (Amount::Whole, _) | (_, Amount::Whole) => Amount::Whole,
            (Amount::Sum(a), Amount::Sum(b)) => Amount::Sum(a.saturating_add(b)),
        }
    }

    /// This amount in units, the whole being `capacity`.
    fn units(self, capacity: u64) -> Option<u64> {
        match self {
            Amount::Uncounted => None,
            Amount::Whole => Some(capacity),
            Amount::Sum(a) => Some(a),
        }
    }
}

/// The positions of `reqs`, grouped by resource (groups in resource order,
/// each in list order): `chunk_by` on the resource gives the groups.
pub(super) fn by_resource(reqs: &[Requirement]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..reqs.len()).collect();
    order.sort_by_key(|&i| (reqs[i].resource, i));
    order
}

/// The groups of `order` (from [`by_resource`]).
fn groups<'o>(reqs: &'o [Requirement], order: &'o [usize]) -> impl Iterator<Item = &'o [usize]> {
    order.chunk_by(move |&a, &b| reqs[a].resource == reqs[b].resource)
}

/// The positions in `order` (from [`by_resource`]) of the requirements of
/// `resource`.
fn group_of<'o>(reqs: &[Requirement], order: &'o [usize], resource: ResourceIdx) -> &'o [usize] {
    let start = order.partition_point(|&i| reqs[i].resource < resource);
    let end = order.partition_point(|&i| reqs[i].resource <= resource);
    order.get(start..end).unwrap_or(&[])
}

impl<'a> Checker<'a> {
    /// Resolves one requirement. `None` when its resource is unknown.
    pub(super) fn requirement(&mut self, req: &ast::Requirement) -> Option<Requirement> {
        let resource = self.resolve(&req.resource, Kind::Resource).index()?;
        let capacity = self.model.resources[resource].capacity.clone();
        let capacity_span = self.resources[resource]
            .attrs
            .iter()
            .find(|a| a.name == AttrName::Capacity)
            .map(|a| a.span);
        let name = &req.resource.name(self.src);
        if let Some(amount) = req.amount {
            // The amount with its unit, as written.
            let amount_span = req
                .unit
                .as_ref()
                .map_or(amount.span, |u| amount.span.to(u.span));
            match (&capacity, capacity_span) {
                (None, _) | (_, None) => {
                    self.push(
                        Diagnostic::error(
                            Code::E0402,
                            format!("resource `{name}` has no capacity, so no amount can be required"),
                            amount_span,
                        )
                        .with_label("an amount of a resource without capacity")
                        .with_secondary(self.resources[resource].id.span, format!("`{name}` is declared here"))
                        .with_help(format!(
                            "give `{name}` a capacity (`capacity 4 teams`) or require it without an amount"
                        )),
                    );
                }
                (Some(capacity), Some(capacity_span)) => {
                    let unit_ok = match &req.unit {
                        Some(unit)
                            if !same_unit(
                                unit.name(self.src),
                                self.model.names.get(capacity.unit),
                            ) =>
                        {
                            self.push(
                                Diagnostic::error(
                                    Code::E0402,
                                    format!(
                                        "unit `{}` does not match the capacity of `{name}`, counted in `{}`",
                                        unit.name(self.src), self.model.names.get(capacity.unit)
                                    ),
                                    unit.span,
                                )
                                .with_label(format!("expected `{}`", self.model.names.get(capacity.unit)))
                                .with_secondary(capacity_span, "the capacity is declared here")
                                .with_help(format!("write `{name}({} {})`", amount.value, self.model.names.get(capacity.unit))),
                            );
                            false
                        }
                        _ => true,
                    };
                    if amount.value == 0 {
                        self.push(
                            Diagnostic::error(
                                Code::E0402,
                                format!("an amount must be at least 1: `{name}(0 {})` requires nothing", self.model.names.get(capacity.unit)),
                                amount_span,
                            )
                            .with_label("zero is not an amount")
                            .with_secondary(capacity_span, "the capacity is declared here")
                            .with_help(format!(
                                "require at least `{name}(1 {})`, or leave `{name}` out if the step does not need it",
                                self.model.names.get(capacity.unit)
                            )),
                        );
                    } else if unit_ok && amount.value > capacity.amount {
                        self.push(
                            Diagnostic::error(
                                Code::E0401,
                                format!(
                                    "requirement of {} {} exceeds the capacity of `{name}` ({} {})",
                                    amount.value,
                                    self.model.names.get(capacity.unit),
                                    capacity.amount,
                                    self.model.names.get(capacity.unit)
                                ),
                                amount_span,
                            )
                            .with_label(format!("more than the {} available", capacity.amount))
                            .with_secondary(capacity_span, "the capacity is declared here")
                            .with_help(format!(
                                "require at most {} {}, or raise the capacity",
                                capacity.amount,
                                self.model.names.get(capacity.unit)
                            )),
                        );
                    }
                }
            }
        }
        Some(Requirement {
            resource,
            amount: req.amount.map(|a| a.value),
            unit: req.unit.as_ref().map(|u| self.name_of(u)),
            span: req.span,
        })
    }

    /// Where the capacity of `resource` is declared.
    fn capacity_span(&self, resource: ResourceIdx) -> Option<Span> {
        self.resources
            .get(resource)?
            .attrs
            .iter()
            .find(|a| a.name == AttrName::Capacity)
            .map(|a| a.span)
    }

    /// What one requirement counts against its resource's capacity.
    fn counted(&self, req: &Requirement) -> Amount {
        let Some(capacity) = &self.model.resources[req.resource].capacity else {
            return Amount::Uncounted;
        };
        if req.unit.as_ref().is_some_and(|u| *u != capacity.unit) {
            return Amount::Uncounted;
        }
        match req.amount {
            None => Amount::Whole,
            Some(0) => Amount::Uncounted,
            Some(a) if a > capacity.amount => Amount::Uncounted,
            Some(a) => Amount::Sum(u64::from(a)),
        }
    }

    /// What requirements of one resource count together.
    fn total<'r>(&self, reqs: impl IntoIterator<Item = &'r Requirement>) -> Amount {
        reqs.into_iter()
            .map(|r| self.counted(r))
            .reduce(Amount::and)
            .unwrap_or(Amount::Sum(0))
    }

    /// A resource given more than once in one `resources` or `requires`
    /// list (of `whose`): the amounts add up. More than the capacity in all
    /// is E0401; otherwise the repeat is W0601, as something written that
    /// should not be (write the resource once, with the total).
    pub(super) fn check_repeated_requirements(
        &mut self,
        reqs: &[Requirement],
        attribute: &str,
        whose: &str,
    ) {
        if reqs.len() < 2 {
            return;
        }
        let order = by_resource(reqs);
        for group in groups(reqs, &order) {
            let [first, second, ..] = *group else {
                continue;
            };
            let resource = reqs[first].resource;
            let total = self.total(group.iter().map(|&i| &reqs[i]));
            let r = &self.model.resources[resource];
            let id = self.model.names.get(r.id).to_owned();
            let times = if group.len() == 2 {
                "twice".to_owned()
            } else {
                format!("{} times", group.len())
            };
            match (&r.capacity, total) {
                (Some(capacity), Amount::Sum(sum)) if sum > u64::from(capacity.amount) => {
                    let unit = self.model.names.get(capacity.unit).to_owned();
                    let available = capacity.amount;
                    let (last, earlier) = match group.split_last() {
                        Some((&last, earlier)) => (last, earlier),
                        None => continue,
                    };
                    let mut d = Diagnostic::error(
                        Code::E0401,
                        format!(
                            "the requirements of `{id}` in the `{attribute}` of {whose} add up to {sum} {unit}, more than its capacity ({available} {unit})"
                        ),
                        reqs[last].span,
                    )
                    .with_label(format!("`{id}` again: {sum} {unit} in all"));
                    for (k, &i) in earlier.iter().enumerate().take(8) {
                        let what = if k == 0 {
                            format!("`{id}` is first required here")
                        } else {
                            "and here".to_owned()
                        };
                        d = d.with_secondary(reqs[i].span, what);
                    }
                    if let Some(span) = self.capacity_span(resource) {
                        d = d.with_secondary(span, "the capacity is declared here");
                    }
                    self.push(
                        d.with_note(format!(
                            "`{id}` is given {times} in one list: the amounts of a resource add up"
                        ))
                        .with_help(format!(
                            "require `{id}` once, at most {available} {unit} in all, or raise the capacity"
                        )),
                    );
                }
                (capacity, total) => {
                    let help = match (capacity, total) {
                        (Some(capacity), Amount::Sum(sum)) => format!(
                            "write `{id}` once with the total, `{id}({sum} {})`: the amounts of a resource given twice add up",
                            self.model.names.get(capacity.unit)
                        ),
                        (Some(_), Amount::Whole) => format!(
                            "write `{id}` once: without an amount it already claims the whole capacity"
                        ),
                        _ => format!("write `{id}` once: the repeat plays no part"),
                    };
                    let mut d = Diagnostic::new(
                        Code::W0601,
                        format!("resource `{id}` is given {times} in `{attribute}`"),
                        reqs[second].span,
                    )
                    .with_label("given again here")
                    .with_secondary(reqs[first].span, "first given here");
                    for &i in group.iter().skip(2).take(8) {
                        d = d.with_secondary(reqs[i].span, "and again here");
                    }
                    self.push(d.with_help(help));
                }
            }
        }
    }

    /// E0401 for what a trigger mobilises in all: its procedure's
    /// `resources` and its own, when each fits the capacity but the two
    /// together do not. `procedure_order` is [`by_resource`] of
    /// `procedure`.
    pub(super) fn check_trigger_totals(
        &mut self,
        procedure: &[Requirement],
        procedure_order: &[usize],
        own: &[Requirement],
        trigger: &str,
    ) {
        if procedure.is_empty() || own.is_empty() {
            return;
        }
        let order = by_resource(own);
        for group in groups(own, &order) {
            let Some(&first) = group.first() else {
                continue;
            };
            let resource = own[first].resource;
            let inherited = group_of(procedure, procedure_order, resource);
            if inherited.is_empty() {
                continue;
            }
            let Some(capacity) = &self.model.resources[resource].capacity else {
                continue;
            };
            let available = u64::from(capacity.amount);
            let (Amount::Sum(theirs), Amount::Sum(mine)) = (
                self.total(inherited.iter().map(|&i| &procedure[i])),
                self.total(group.iter().map(|&i| &own[i])),
            ) else {
                continue;
            };
            // Either on its own is reported already.
            if theirs > available || mine > available || theirs + mine <= available {
                continue;
            }
            let unit = self.model.names.get(capacity.unit).to_owned();
            let id = self
                .model
                .names
                .get(self.model.resources[resource].id)
                .to_owned();
            let mut d = Diagnostic::error(
                Code::E0401,
                format!(
                    "trigger `{trigger}` mobilises {} {unit} of `{id}` in all, more than its capacity ({available} {unit})",
                    theirs + mine
                ),
                own[first].span,
            )
            .with_label(format!("{mine} {unit} here…"));
            for (k, &i) in inherited.iter().enumerate().take(8) {
                let what = if k == 0 {
                    format!("…on top of {theirs} {unit} from the procedure's `resources`")
                } else {
                    "also from the procedure's `resources`".to_owned()
                };
                d = d.with_secondary(procedure[i].span, what);
            }
            if let Some(span) = self.capacity_span(resource) {
                d = d.with_secondary(span, "the capacity is declared here");
            }
            self.push(
                d.with_note(format!(
                    "`{id}` is in both lists: a trigger mobilises the procedure's `resources` and its own, and the amounts add up"
                ))
                .with_help(format!(
                    "mobilise at most {available} {unit} of `{id}` in all: require less here or in the procedure, or raise the capacity"
                )),
            );
        }
    }

    /// W0403: at some moment the steps of `procedure` hold more of a
    /// resource than its capacity. A step holds what it requires (all its
    /// requirements of the resource together; without an amount: the whole
    /// capacity) from its earliest start up to, not including, its earliest
    /// finish. Reported once per resource, at the first moment of the
    /// greatest excess, naming every step that holds it then.
    pub(super) fn check_over_commitment(&mut self, procedure: &Procedure) {
        let mut holdings: BTreeMap<ResourceIdx, Vec<Holding>> = BTreeMap::new();
        for (s, step) in procedure.steps.iter().enumerate() {
            let timing = step.timing;
            if timing.earliest_finish <= timing.earliest_start || step.requires.is_empty() {
                continue;
            }
            let order = by_resource(&step.requires);
            for group in groups(&step.requires, &order) {
                let Some(&first) = group.first() else {
                    continue;
                };
                let resource = step.requires[first].resource;
                let Some(capacity) = &self.model.resources[resource].capacity else {
                    continue;
                };
                let available = u64::from(capacity.amount);
                let total = self.total(group.iter().map(|&i| &step.requires[i]));
                // More than the capacity on its own is E0401 already.
                let Some(amount) = total.units(available).filter(|&a| a <= available) else {
                    continue;
                };
                holdings.entry(resource).or_default().push(Holding {
                    start: timing.earliest_start,
                    finish: timing.earliest_finish,
                    step: s,
                    requirement: first,
                    amount,
                });
            }
        }
        for (resource, list) in holdings {
            let Some(capacity) = &self.model.resources[resource].capacity else {
                continue;
            };
            let available = u64::from(capacity.amount);
            // (time, acquisition, holding): releases before acquisitions at
            // the same moment, then in step order.
            let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * list.len());
            for (h, holding) in list.iter().enumerate() {
                events.push((holding.start, true, h));
                events.push((holding.finish, false, h));
            }
            events.sort_unstable();
            let mut held: u64 = 0;
            let mut peak: Option<(u64, u64)> = None;
            for (time, acquisition, h) in events {
                let amount = list[h].amount;
                if acquisition {
                    held = held.saturating_add(amount);
                    if held > available && peak.is_none_or(|(most, _)| held > most) {
                        peak = Some((held, time));
                    }
                } else {
                    held = held.saturating_sub(amount);
                }
            }
            let Some((held, time)) = peak else {
                continue;
            };
            // Those holding it at that moment, in the order they took it.
            let mut holders: Vec<&Holding> = list
                .iter()
                .filter(|h| h.start <= time && time < h.finish)
                .collect();
            holders.sort_by_key(|h| (h.start, h.step));
            self.report_over_commitment(procedure, resource, time, held, &holders);
        }
    }

    fn report_over_commitment(
        &mut self,
        procedure: &Procedure,
        resource: ResourceIdx,
        time: u64,
        held: u64,
        holders: &[&Holding],
    ) {
        let r = &self.model.resources[resource];
        let Some(capacity) = &r.capacity else { return };
        let Some(last) = holders.last() else {
            return;
        };
        let names = name_list(
            holders
                .iter()
                .map(|h| self.model.names.get(procedure.steps[h.step].id)),
            6,
        );
        let last_step = &procedure.steps[last.step];
        let mut d = Diagnostic::new(
            Code::W0403,
            format!(
                "resource `{}` may be over-committed: {}, steps {names} hold {held} {} of {}",
                self.model.names.get(r.id),
                if time == 0 {
                    "at activation".to_owned()
                } else {
                    format!("{} after activation", minutes(time))
                },
                self.model.names.get(capacity.unit),
                capacity.amount
            ),
            last_step.requires[last.requirement].span,
        )
        .with_label(format!(
            "`{}` takes its share here",
            self.model.names.get(last_step.id)
        ));
        for h in holders.iter().rev().skip(1).take(8) {
            let step = &procedure.steps[h.step];
            d = d.with_secondary(
                step.requires[h.requirement].span,
                format!(
                    "`{}` holds {} {} from {} to {}",
                    self.model.names.get(step.id),
                    h.amount,
                    self.model.names.get(capacity.unit),
                    minutes(step.timing.earliest_start),
                    minutes(step.timing.earliest_finish)
                ),
            );
        }
        self.push(d.with_help(format!(
            "raise the capacity of `{}`, require less, or order the steps with `after`",
            self.model.names.get(r.id)
        )));
    }

    /// W0404: a step requires a resource that a trigger of its procedure
    /// does not mobilise, or more of it than the trigger mobilises.
    /// Triggers with an unresolved resource are skipped: the missing one
    /// may be the one it names.
    ///
    /// Linear in steps, triggers and requirements: what each trigger
    /// mobilises is indexed by resource once, and for each resource the
    /// triggers that lack it are found once.
    pub(super) fn check_mobilised(&mut self, procedure: &Procedure, context: &Context) {
        if procedure.steps.iter().all(|s| s.requires.is_empty()) {
            return;
        }
        // The triggers that count, in order.
        let counted: Vec<usize> = (0..procedure.triggers.len())
            .filter(|&t| !context.triggers[t].broken_resources)
            .collect();
        // resource → the triggers that mobilise it (in order), and those
        // with a comparable amount, by (amount, trigger).
        let mut mobilisers: BTreeMap<ResourceIdx, Mobilisers> = BTreeMap::new();
        for &t in &counted {
            let reqs: Vec<Requirement> = procedure.triggers[t]
                .resources
                .iter()
                .map(|(r, _)| r.clone())
                .collect();
            let order = by_resource(&reqs);
            for group in groups(&reqs, &order) {
                let Some(&first) = group.first() else {
                    continue;
                };
                let resource = reqs[first].resource;
                let total = self.total(group.iter().map(|&i| &reqs[i]));
                let entry = mobilisers.entry(resource).or_default();
                entry.0.push(t);
                if let Amount::Sum(amount) = total {
                    entry.1.push((amount, t));
                }
            }
        }
        for (_, by_amount) in mobilisers.values_mut() {
            by_amount.sort_unstable();
        }
        // resource → (how many triggers lack it, the first of them).
        let mut lacking: BTreeMap<ResourceIdx, (usize, Vec<usize>)> = BTreeMap::new();
        for step in &procedure.steps {
            if step.requires.is_empty() {
                continue;
            }
            let order = by_resource(&step.requires);
            for group in groups(&step.requires, &order) {
                let Some(&first) = group.first() else {
                    continue;
                };
                let req = &step.requires[first];
                let resource = req.resource;
                let (mobilising, by_amount) = match mobilisers.get(&resource) {
                    Some((m, a)) => (&m[..], &a[..]),
                    None => (&[][..], &[][..]),
                };
                let (count, first_lacking) = lacking
                    .entry(resource)
                    .or_insert_with(|| triggers_lacking(&counted, mobilising, 8))
                    .clone();
                if count > 0 {
                    self.report_not_mobilised(procedure, context, step, req, count, &first_lacking);
                }
                // Not enough of it.
                let Some(capacity) = &self.model.resources[resource].capacity else {
                    continue;
                };
                let available = u64::from(capacity.amount);
                let total = self.total(group.iter().map(|&i| &step.requires[i]));
                let Some(needed) = total.units(available).filter(|&n| n <= available) else {
                    continue;
                };
                let short = by_amount.partition_point(|&(amount, _)| amount < needed);
                if short > 0 {
                    let unit = self.model.names.get(capacity.unit).to_owned();
                    self.report_not_enough(
                        procedure,
                        context,
                        step,
                        req,
                        (needed, &unit),
                        &by_amount[..short],
                    );
                }
            }
        }
    }

    fn report_not_mobilised(
        &mut self,
        procedure: &Procedure,
        context: &Context,
        step: &super::model::Step,
        req: &Requirement,
        count: usize,
        first_lacking: &[usize],
    ) {
        let resource = self.model.names.get(self.model.resources[req.resource].id);
        let trigger_names = super::name_list_of(
            first_lacking
                .iter()
                .map(|&t| self.model.names.get(procedure.triggers[t].id)),
            count,
            6,
        );
        let which = if count == 1 { "trigger" } else { "triggers" };
        let mut d = Diagnostic::new(
            Code::W0404,
            format!(
                "step `{}` requires `{resource}`, which {which} {trigger_names} {} not mobilise",
                self.model.names.get(step.id),
                if count == 1 { "does" } else { "do" }
            ),
            req.span,
        )
        .with_label(format!(
            "`{resource}` may not be there when `{}` runs",
            self.model.names.get(step.id)
        ));
        for &t in first_lacking.iter().take(8) {
            d = d.with_secondary(
                context.triggers[t].id_span,
                format!(
                    "`{}` does not mobilise `{resource}`",
                    self.model.names.get(procedure.triggers[t].id)
                ),
            );
        }
        self.push(d.with_help(format!(
            "add `{resource}` to the `resources` of the procedure, or of each trigger"
        )));
    }

    /// W0404: `short` triggers, as (amount, trigger) by amount, mobilise
    /// less of the resource of `req` than the step needs.
    fn report_not_enough(
        &mut self,
        procedure: &Procedure,
        context: &Context,
        step: &super::model::Step,
        req: &Requirement,
        (needed, unit): (u64, &str),
        short: &[(u64, usize)],
    ) {
        let resource = self.model.names.get(self.model.resources[req.resource].id);
        let names = name_list(
            short
                .iter()
                .take(6)
                .map(|&(_, t)| self.model.names.get(procedure.triggers[t].id)),
            6,
        );
        let names = if short.len() > 6 {
            format!("{names} and {} more", short.len() - 6)
        } else {
            names
        };
        let message = match short {
            [(amount, _)] => format!(
                "step `{}` requires {needed} {unit} of `{resource}`, but trigger {names} mobilises only {amount}",
                self.model.names.get(step.id)
            ),
            _ => format!(
                "step `{}` requires {needed} {unit} of `{resource}`, but triggers {names} mobilise less",
                self.model.names.get(step.id)
            ),
        };
        let mut d = Diagnostic::new(Code::W0404, message, req.span).with_label(format!(
            "{needed} {unit} of `{resource}` needed when `{}` runs",
            self.model.names.get(step.id)
        ));
        for &(amount, t) in short.iter().take(8) {
            d = d.with_secondary(
                context.triggers[t].id_span,
                format!(
                    "`{}` mobilises {amount} {unit} of `{resource}`",
                    self.model.names.get(procedure.triggers[t].id)
                ),
            );
        }
        let whose = match short {
            [(_, t)] => format!(
                "of trigger `{}`",
                self.model.names.get(procedure.triggers[*t].id)
            ),
            _ => "of each of these triggers".to_owned(),
        };
        self.push(d.with_help(format!(
            "mobilise at least {needed} {unit} of `{resource}` in the `resources` of the procedure or {whose}, or require less in `{}`",
            self.model.names.get(step.id)
        )));
    }
}

/// The triggers that mobilise one resource, in order, and those of them
/// with an amount to compare, as (amount, trigger) by amount.
type Mobilisers = (Vec<usize>, Vec<(u64, usize)>);

/// What a step holds of one resource while it runs.
#[derive(Debug)]
struct Holding {
    start: u64,
    finish: u64,
    step: usize,
    /// The first of the step's requirements of the resource.
    requirement: usize,
    amount: u64,
}

/// How many of `counted` (triggers, in order) are not in `mobilising`
/// (in order too), and the first `max` of them: linear in `max` and in
/// `mobilising`, whatever the number of triggers.
fn triggers_lacking(counted: &[usize], mobilising: &[usize], max: usize) -> (usize, Vec<usize>) {
    let count = counted.len().saturating_sub(mobilising.len());
    let mut first = Vec::new();
    let mut m = 0;
    for &t in counted {
        if first.len() == max {
            break;
        }
        while m < mobilising.len() && mobilising[m] < t {
            m += 1;
        }
        if mobilising.get(m) == Some(&t) {
            continue;
        }
        first.push(t);
    }
    (count, first)
}

/// Whether a requirement's unit is the capacity's: the same word, or its
/// singular or plural with `s` (`1 team` of a capacity in `teams`).
fn same_unit(written: &str, capacity: &str) -> bool {
    written == capacity
        || written.strip_suffix('s') == Some(capacity)
        || capacity.strip_suffix('s') == Some(written)
}

#[cfg(test)]
mod tests {
    use super::same_unit;

    #[test]
    fn a_unit_matches_in_the_singular_and_the_plural() {
        assert!(same_unit("teams", "teams"));
        assert!(same_unit("team", "teams"));
        assert!(same_unit("ships", "ship"));
        assert!(!same_unit("planes", "aircraft"));
        assert!(!same_unit("teamss", "team"));
    }
}
