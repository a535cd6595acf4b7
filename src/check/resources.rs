//! Requirements (`REQ`): resolution with capacity and unit (E0401, E0402),
//! over-commitment of concurrent steps (W0403), and steps that require what
//! a trigger does not mobilise (W0404).

use std::collections::BTreeMap;

use super::model::{Procedure, Requirement, ResourceIdx};
use super::procedures::Context;
use super::{Checker, Kind, minutes, name_list};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::{self, AttrName};

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
        let name = &req.resource.name;
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
                        Some(unit) if unit.name != capacity.unit => {
                            self.push(
                                Diagnostic::error(
                                    Code::E0402,
                                    format!(
                                        "unit `{}` does not match the capacity of `{name}`, counted in `{}`",
                                        unit.name, capacity.unit
                                    ),
                                    unit.span,
                                )
                                .with_label(format!("expected `{}`", capacity.unit))
                                .with_secondary(capacity_span, "the capacity is declared here")
                                .with_help(format!("write `{name}({} {})`", amount.value, capacity.unit)),
                            );
                            false
                        }
                        _ => true,
                    };
                    if unit_ok && amount.value > capacity.amount {
                        self.push(
                            Diagnostic::error(
                                Code::E0401,
                                format!(
                                    "requirement of {} {} exceeds the capacity of `{name}` ({} {})",
                                    amount.value, capacity.unit, capacity.amount, capacity.unit
                                ),
                                amount_span,
                            )
                            .with_label(format!("more than the {} available", capacity.amount))
                            .with_secondary(capacity_span, "the capacity is declared here")
                            .with_help(format!(
                                "require at most {} {}, or raise the capacity",
                                capacity.amount, capacity.unit
                            )),
                        );
                    }
                }
            }
        }
        Some(Requirement {
            resource,
            amount: req.amount.map(|a| a.value),
            unit: req.unit.as_ref().map(|u| u.name.clone()),
            span: req.span,
        })
    }

    /// W0403: at some moment the steps of `procedure` hold more of a
    /// resource than its capacity. A step holds what it requires (without an
    /// amount: the whole capacity) from its earliest start up to, not
    /// including, its earliest finish. Reported once per resource, at the
    /// first such moment.
    pub(super) fn check_over_commitment(&mut self, procedure: &Procedure) {
        // resource → (time, +/- amount, step, requirement index)
        let mut events: BTreeMap<ResourceIdx, Vec<(u64, i64, usize, usize)>> = BTreeMap::new();
        for (s, step) in procedure.steps.iter().enumerate() {
            let timing = step.timing;
            if timing.earliest_finish <= timing.earliest_start {
                continue;
            }
            for (k, req) in step.requires.iter().enumerate() {
                let Some(capacity) = &self.model.resources[req.resource].capacity else {
                    continue;
                };
                let amount = req.amount.unwrap_or(capacity.amount);
                // More than the capacity on its own is E0401 already.
                if amount > capacity.amount {
                    continue;
                }
                let amount = i64::from(amount);
                let list = events.entry(req.resource).or_default();
                list.push((timing.earliest_start, amount, s, k));
                list.push((timing.earliest_finish, -amount, s, k));
            }
        }
        for (resource, mut list) in events {
            let Some(capacity) = self.model.resources[resource].capacity.clone() else {
                continue;
            };
            // Releases before acquisitions at the same moment.
            list.sort_by_key(|&(time, delta, s, k)| (time, delta > 0, s, k));
            let mut held: i64 = 0;
            let mut holders: Vec<(usize, usize, i64)> = Vec::new();
            for (time, delta, s, k) in list {
                held += delta;
                if delta < 0 {
                    holders.retain(|&(hs, hk, _)| (hs, hk) != (s, k));
                    continue;
                }
                holders.push((s, k, delta));
                if held > i64::from(capacity.amount) {
                    self.report_over_commitment(procedure, resource, time, held, &holders);
                    break;
                }
            }
        }
    }

    fn report_over_commitment(
        &mut self,
        procedure: &Procedure,
        resource: ResourceIdx,
        time: u64,
        held: i64,
        holders: &[(usize, usize, i64)],
    ) {
        let r = &self.model.resources[resource];
        let Some(capacity) = &r.capacity else { return };
        let names: Vec<&str> = holders
            .iter()
            .map(|&(s, _, _)| procedure.steps[s].id.as_str())
            .collect();
        let Some(&(last_step, last_req, _)) = holders.last() else {
            return;
        };
        let mut d = Diagnostic::new(
            Code::W0403,
            format!(
                "resource `{}` may be over-committed: {}, steps {} hold {held} {} of {}",
                r.id,
                if time == 0 {
                    "at activation".to_owned()
                } else {
                    format!("{} after activation", minutes(time))
                },
                name_list(names.iter().copied(), 6),
                capacity.unit,
                capacity.amount
            ),
            procedure.steps[last_step].requires[last_req].span,
        )
        .with_label(format!(
            "`{}` takes its share here",
            procedure.steps[last_step].id
        ));
        for &(s, k, amount) in holders.iter().rev().skip(1).take(8) {
            let step = &procedure.steps[s];
            d = d.with_secondary(
                step.requires[k].span,
                format!(
                    "`{}` holds {amount} {} from {} to {}",
                    step.id,
                    capacity.unit,
                    minutes(step.timing.earliest_start),
                    minutes(step.timing.earliest_finish)
                ),
            );
        }
        self.push(d.with_help(format!(
            "raise the capacity of `{}`, require less, or order the steps with `after`",
            r.id
        )));
    }

    /// W0404: a step requires a resource that a trigger of its procedure
    /// does not mobilise. Triggers with an unresolved resource are skipped:
    /// the missing one may be the one it names.
    pub(super) fn check_mobilised(&mut self, procedure: &Procedure, context: &Context) {
        for step in &procedure.steps {
            for req in &step.requires {
                let lacking: Vec<usize> = procedure
                    .triggers
                    .iter()
                    .enumerate()
                    .filter(|(t, trigger)| {
                        !context.triggers[*t].broken_resources
                            && !trigger
                                .resources
                                .iter()
                                .any(|(r, _)| r.resource == req.resource)
                    })
                    .map(|(t, _)| t)
                    .collect();
                if lacking.is_empty() {
                    continue;
                }
                let resource = &self.model.resources[req.resource].id;
                let trigger_names: Vec<&str> = lacking
                    .iter()
                    .map(|&t| procedure.triggers[t].id.as_str())
                    .collect();
                let which = if lacking.len() == 1 {
                    "trigger"
                } else {
                    "triggers"
                };
                let mut d = Diagnostic::new(
                    Code::W0404,
                    format!(
                        "step `{}` requires `{resource}`, which {which} {} {} not mobilise",
                        step.id,
                        name_list(trigger_names.iter().copied(), 6),
                        if lacking.len() == 1 { "does" } else { "do" }
                    ),
                    req.span,
                )
                .with_label(format!(
                    "`{resource}` may not be there when `{}` runs",
                    step.id
                ));
                for &t in lacking.iter().take(8) {
                    d = d.with_secondary(
                        context.triggers[t].id_span,
                        format!(
                            "`{}` does not mobilise `{resource}`",
                            procedure.triggers[t].id
                        ),
                    );
                }
                self.push(d.with_help(format!(
                    "add `{resource}` to the `resources` of the procedure, or of each trigger"
                )));
            }
        }
    }
}
