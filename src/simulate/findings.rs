//! The findings of one run (W0701–W0704), with the causes that explain
//! them: which claim waited for what and who held it, which inject
//! delayed or blocked what, which trigger did not hold and why.

use crate::check::model::{Condition, FactValue, IncidentIdx, Model, StepIdx};
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::condition_text;
use crate::source::Span;
use crate::syntax::literal::format_readable;

use super::engine::{Prepared, Run, StepState, Tri, eval};
use super::{at, readable};

/// What a finding is about, to count it once per run over many runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Late(IncidentIdx, usize, StepIdx),
    Shortage(IncidentIdx, usize, Option<StepIdx>, usize),
    Unfinished(IncidentIdx, usize, StepIdx),
    Nothing(IncidentIdx),
}

/// How many names a list in a message shows before "and N more".
const SHOWN: usize = 3;

/// `incident · procedure` of an activation.
pub fn activation_name(p: &Prepared<'_>, run: &Run<'_>, a: u32) -> String {
    let act = &run.activations[a as usize];
    format!(
        "{} · {}",
        p.model.names.get(p.scenario.incidents[act.incident].id),
        p.model.names.get(p.model.procedures[act.procedure].id)
    )
}

fn amount_text(model: &Model, resource: usize, amount: Option<u32>) -> String {
    match (amount, model.resources[resource].capacity.as_ref()) {
        (Some(n), Some(c)) => format!("{n} {}", model.names.get(c.unit)),
        _ => model.names.get(model.resources[resource].id).to_owned(),
    }
}

/// The incident's line in the scenario, as a secondary label.
fn incident_label(p: &Prepared<'_>, incident: IncidentIdx) -> (Span, String) {
    let inc = &p.scenario.incidents[incident];
    (
        inc.span,
        format!(
            "incident `{}` of scenario `{}` occurs at {}",
            p.model.names.get(inc.id),
            p.model.names.get(p.scenario.id),
            at(inc.at_minutes)
        ),
    )
}

/// The first `SHOWN` names, then how many more: `a, b, c and 4 more`.
fn list(names: Vec<String>) -> String {
    let total = names.len();
    list_of(names.into_iter().take(SHOWN).collect(), total)
}

/// Who held a claim's pool while it waited: the other claims granted
/// before it was and not yet released when it was requested, with when
/// they let go. The first `SHOWN`, and how many there are in all.
fn holders(p: &Prepared<'_>, run: &Run<'_>, c: u32) -> (Vec<String>, usize) {
    let claim = &run.claims[c as usize];
    let waited_until = claim.granted.unwrap_or(run.horizon);
    let mut shown = Vec::new();
    let mut total = 0;
    for &other in &run.by_resource[claim.resource] {
        let o = &run.claims[other as usize];
        if other != c
            && o.granted.is_some_and(|g| g <= waited_until)
            && o.released.is_none_or(|r| r > claim.requested)
            && o.granted
                .is_some_and(|g| g <= claim.requested || g < waited_until)
        {
            total += 1;
            if shown.len() < SHOWN {
                let until = match o.released {
                    Some(r) => format!("until {}", at(r)),
                    None => "to the end".to_owned(),
                };
                shown.push(format!(
                    "{} ({}) {until}",
                    activation_name(p, run, o.activation),
                    amount_text(p.model, o.resource, o.amount)
                ));
            }
        }
    }
    (shown, total)
}

/// [`list`] of the first names of `total`.
fn list_of(mut shown: Vec<String>, total: usize) -> String {
    let more = total.saturating_sub(shown.len());
    if more > 0 {
        shown.push(format!("{more} more"));
    }
    match shown.len() {
        0 => String::new(),
        1 => shown.remove(0),
        n => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}

/// A range as written: `1d..3d`, `1d..2d..5d`.
fn range_text(r: crate::check::model::Range) -> String {
    let d = |m: u32| format_readable(u64::from(m));
    match r.mode {
        Some(mode) => format!("{}..{}..{}", d(r.min), d(mode), d(r.max)),
        None => format!("{}..{}", d(r.min), d(r.max)),
    }
}

/// Why a claim waited, in one phrase: "waited 3d for frigates, held by
/// cyprus · art42_7 (2 ships) until T+4d".
pub fn claim_wait(p: &Prepared<'_>, run: &Run<'_>, c: u32) -> Option<String> {
    let claim = &run.claims[c as usize];
    let resource = p.model.names.get(p.model.resources[claim.resource].id);
    let end = claim.granted.unwrap_or(run.horizon);
    if end <= claim.requested {
        return None;
    }
    let mut text = match claim.granted {
        Some(_) => format!(
            "waited {} for {resource}",
            format_readable(u64::from(end - claim.requested))
        ),
        None => format!(
            "waited from {} to the end for {resource}, never granted",
            at(claim.requested)
        ),
    };
    let (held, total) = holders(p, run, c);
    if total > 0 {
        text.push_str(", held by ");
        text.push_str(&list_of(held, total));
    }
    // Claims before it in the queue, which it may not overtake.
    let mut ahead = Vec::new();
    let mut total = 0;
    for &other in &run.by_resource[claim.resource] {
        let o = &run.claims[other as usize];
        if other != c
            && o.requested <= claim.requested
            && o.queued_before(claim)
            && o.granted.is_none_or(|g| g > claim.requested)
        {
            total += 1;
            if ahead.len() < SHOWN {
                ahead.push(format!(
                    "{} ({})",
                    activation_name(p, run, o.activation),
                    amount_text(p.model, o.resource, o.amount)
                ));
            }
        }
    }
    if total > 0 {
        text.push_str(", behind the earlier claim of ");
        text.push_str(&list_of(ahead, total));
    }
    if let Some(pool) = &run.pools[claim.resource] {
        let cuts: Vec<String> = pool
            .changes
            .iter()
            .filter(|&&(m, _, _)| m <= end)
            .map(|&(m, capacity, j)| {
                format!(
                    "inject `{}` left {capacity} at {}",
                    p.model.names.get(p.scenario.injects[j].id),
                    at(m)
                )
            })
            .collect();
        if !cuts.is_empty() {
            text.push_str("; ");
            text.push_str(&list(cuts));
        }
    }
    Some(text)
}

/// The chain of waits and delays that set when step `s` of activation `a`
/// started and completed, earliest cause first.
pub fn causes(p: &Prepared<'_>, run: &Run<'_>, a: u32, s: StepIdx) -> (Vec<String>, Vec<usize>) {
    let act = &run.activations[a as usize];
    let procedure = &p.model.procedures[act.procedure];
    let mut out = Vec::new();
    let mut injects = Vec::new();
    let mut current = Some(s);
    // A chain of `after` is at most as long as the procedure.
    let mut guard = procedure.steps.len() + 1;
    while let Some(s) = current {
        if guard == 0 {
            break;
        }
        guard -= 1;
        let run_s = &act.steps[s];
        let step = &procedure.steps[s];
        // What happened to this step, latest first (the whole list is
        // reversed at the end): blocked, delayed, drawn long, then what it
        // waited for before it started.
        let mut here = Vec::new();
        if let StepState::Blocked(j) = run_s.state {
            here.push(format!(
                "`{}` was blocked by inject `{}` at {}",
                p.model.names.get(step.id),
                p.model.names.get(p.scenario.injects[j].id),
                at(p.scenario.injects[j].at_minutes)
            ));
            injects.push(j);
        }
        if run_s.delay > 0 {
            let by: Vec<String> = run_s
                .delayed_by
                .iter()
                .map(|&j| format!("`{}`", p.model.names.get(p.scenario.injects[j].id)))
                .collect();
            here.push(format!(
                "`{}` took {} longer (delayed by inject {})",
                p.model.names.get(step.id),
                format_readable(u64::from(run_s.delay)),
                list(by)
            ));
            injects.extend(run_s.delayed_by.iter().copied());
        }
        if let Some(range) = step.takes_range
            && run_s.takes > range.min
        {
            here.push(format!(
                "`{}` took {} of its {}",
                p.model.names.get(step.id),
                format_readable(u64::from(run_s.takes)),
                range_text(range)
            ));
        }
        // When the step could have started, by its `after`.
        let last_pred = step
            .after
            .iter()
            .copied()
            .max_by_key(|&q| (act.steps[q].complete.unwrap_or(u32::MAX), q));
        let free_at = match last_pred {
            Some(q) => act.steps[q].complete.unwrap_or(u32::MAX),
            None => act.t0,
        };
        let started = run_s.start.unwrap_or(run.horizon);
        let by_resources = started > free_at || (run_s.start.is_none() && free_at != u32::MAX);
        if by_resources {
            // It waited for resources: the claims it needed, the latest
            // ready first.
            for req in &step.requires {
                let claim = act
                    .claims
                    .iter()
                    .copied()
                    .filter(|&c| {
                        let c = &run.claims[c as usize];
                        c.resource == req.resource && (c.step.is_none() || c.step == Some(s))
                    })
                    .max_by_key(|&c| run.claims[c as usize].ready.unwrap_or(u32::MAX));
                let Some(c) = claim else { continue };
                let claim = &run.claims[c as usize];
                let ready = claim.ready.unwrap_or(u32::MAX);
                if ready <= free_at {
                    continue;
                }
                let resource = &p.model.resources[req.resource];
                if let (Some(g), Some(r)) = (claim.granted, claim.ready)
                    && r > g
                {
                    here.push(format!(
                        "{} took {} to be ready after the grant, until {}",
                        p.model.names.get(resource.id),
                        format_readable(u64::from(r - g)),
                        at(r)
                    ));
                }
                if let Some(wait) = claim_wait(p, run, c) {
                    here.push(wait);
                }
            }
        }
        out.extend(here);
        // Earlier steps matter only when this one started as soon as they
        // were done.
        current = last_pred.filter(|_| free_at > act.t0 && !by_resources);
    }
    out.reverse();
    (out, injects)
}

/// The findings of one run, in the order: for each activation (in the
/// order they started), its shortages, late steps and unfinished steps;
/// then the incidents that activated nothing.
pub fn findings(p: &Prepared<'_>, run: &Run<'_>) -> Vec<(Key, Diagnostic)> {
    let model = p.model;
    let sc = p.scenario;
    let mut out = Vec::new();
    for (a, act) in run.activations.iter().enumerate() {
        let a = a as u32;
        let procedure = &model.procedures[act.procedure];
        let name = activation_name(p, run, a);
        for &c in &act.claims {
            let claim = &run.claims[c as usize];
            let Some(wait) = claim_wait(p, run, c) else {
                continue;
            };
            let resource = &model.resources[claim.resource];
            let until = match claim.granted {
                Some(g) => format!("until {}", at(g)),
                None => "and was never granted".to_owned(),
            };
            let message = format!(
                "shortage of `{}` in scenario `{}`: {name} claimed {} at {} and waited {until}",
                model.names.get(resource.id),
                model.names.get(sc.id),
                amount_text(model, claim.resource, claim.amount),
                at(claim.requested)
            );
            let (span, label) = incident_label(p, act.incident);
            let mut d = Diagnostic::new(Code::W0702, message, claim.span)
                .with_label(format!(
                    "{name} claims {} here",
                    model.names.get(resource.id)
                ))
                .with_secondary(span, label)
                .with_note(wait);
            if let Some(capacity) = &resource.capacity {
                d = d.with_note(format!(
                    "the pool holds {} {} and is shared by every activation of the scenario",
                    capacity.amount,
                    model.names.get(capacity.unit)
                ));
            }
            d = d.with_help(
                "add capacity, claim less, or expect the wait in the scenario (`expect no shortage` fails)",
            );
            out.push((
                Key::Shortage(act.incident, act.procedure, claim.step, claim.resource),
                d,
            ));
        }
        for (s, step) in procedure.steps.iter().enumerate() {
            let run_s = &act.steps[s];
            let Some(within) = step.within_minutes else {
                continue;
            };
            let deadline = act.t0.saturating_add(within);
            if deadline > run.horizon && run_s.complete.is_none() {
                continue;
            }
            let late = match run_s.complete {
                Some(done) => done > deadline,
                None => true,
            };
            if !late {
                continue;
            }
            let what = match run_s.complete {
                Some(done) => format!(
                    "completed {} after activation, due within {}: late by {}",
                    readable(done - act.t0),
                    readable(within),
                    readable(done - deadline)
                ),
                None => format!(
                    "had not completed by its deadline at {} (due within {})",
                    at(deadline),
                    readable(within)
                ),
            };
            let message = format!(
                "deadline missed in scenario `{}`: {name} · `{}` {what}",
                model.names.get(sc.id),
                model.names.get(step.id)
            );
            let (span, label) = incident_label(p, act.incident);
            let mut d = Diagnostic::new(
                Code::W0701,
                message,
                step.within_span.unwrap_or(step.id_span),
            )
            .with_label(format!("due within {} of activation", readable(within)))
            .with_secondary(span, label);
            let (chain, injects) = causes(p, run, a, s);
            for j in injects {
                let inject = &sc.injects[j];
                d = d.with_secondary(
                    inject.span,
                    format!(
                        "inject `{}` at {}",
                        model.names.get(inject.id),
                        at(inject.at_minutes)
                    ),
                );
            }
            if chain.is_empty() {
                d = d.with_note("nothing on its chain waited or was delayed");
            } else {
                d = d.with_note(format!("caused by: {}", chain.join("; then ")));
            }
            d = d.with_help("free the resource sooner, allow more time in `within`, or change the scenario if the wait is expected");
            out.push((Key::Late(act.incident, act.procedure, s), d));
        }
        for (s, step) in procedure.steps.iter().enumerate() {
            let run_s = &act.steps[s];
            let why = match run_s.state {
                StepState::Done | StepState::AfterBlocked => continue,
                StepState::Blocked(j) => {
                    let after: Vec<String> = act
                        .steps
                        .iter()
                        .enumerate()
                        .filter(|(q, r)| {
                            r.state == StepState::AfterBlocked
                                && procedure.steps[*q].after.contains(&s)
                        })
                        .map(|(q, _)| format!("`{}`", model.names.get(procedure.steps[q].id)))
                        .collect();
                    let mut why = format!(
                        "it was blocked by inject `{}` at {}",
                        model.names.get(sc.injects[j].id),
                        at(sc.injects[j].at_minutes)
                    );
                    if !after.is_empty() {
                        why.push_str(&format!(", and so {} after it never started", list(after)));
                    }
                    why
                }
                StepState::Running => format!(
                    "it started at {} and was still running at the horizon ({})",
                    at(run_s.start.unwrap_or(0)),
                    at(run.horizon)
                ),
                StepState::Waiting => {
                    // Only steps whose `after` is done: the others wait
                    // for them and are named there.
                    if step
                        .after
                        .iter()
                        .any(|&q| act.steps[q].state != StepState::Done)
                    {
                        continue;
                    }
                    let (chain, _) = causes(p, run, a, s);
                    if chain.is_empty() {
                        format!("it never started before the horizon ({})", at(run.horizon))
                    } else {
                        format!(
                            "it never started before the horizon ({}): {}",
                            at(run.horizon),
                            chain.join("; then ")
                        )
                    }
                }
            };
            let message = format!(
                "step never completed in scenario `{}`: {name} · `{}`",
                model.names.get(sc.id),
                model.names.get(step.id)
            );
            let (span, label) = incident_label(p, act.incident);
            let mut d = Diagnostic::new(Code::W0703, message, step.id_span)
                .with_label("never completed")
                .with_secondary(span, label)
                .with_note(why);
            if let StepState::Blocked(j) = run_s.state {
                let inject = &sc.injects[j];
                d = d.with_secondary(
                    inject.span,
                    format!("inject `{}` blocks it", model.names.get(inject.id)),
                );
            }
            out.push((Key::Unfinished(act.incident, act.procedure, s), d));
        }
    }
    for (i, inc) in sc.incidents.iter().enumerate() {
        if run.occurred[i].is_none() {
            continue;
        }
        if (0..model.procedures.len()).any(|pi| run.activation_of(i, pi).is_some()) {
            continue;
        }
        out.push((Key::Nothing(i), nothing_activated(p, run, i, inc.span)));
    }
    out
}

/// How many triggers W0704 explains before "and N more".
const TRIGGERS_SHOWN: usize = 8;

fn nothing_activated(p: &Prepared<'_>, run: &Run<'_>, i: IncidentIdx, span: Span) -> Diagnostic {
    let model = p.model;
    let inc = &p.scenario.incidents[i];
    let facts = &run.facts[i];
    let triggers: Vec<_> = model
        .procedures
        .iter()
        .flat_map(|proc_| proc_.triggers.iter().map(move |t| (proc_, t)))
        .collect();
    let message = format!(
        "incident `{}` of scenario `{}` activated no procedure",
        model.names.get(inc.id),
        model.names.get(p.scenario.id)
    );
    let mut d = match triggers.first() {
        Some((_, t)) => Diagnostic::new(Code::W0704, message, t.id_span)
            .with_label(format!("no trigger held for `{}`", model.names.get(inc.id)))
            .with_secondary(
                span,
                format!("incident `{}` occurs here", model.names.get(inc.id)),
            ),
        None => {
            Diagnostic::new(Code::W0704, message, span).with_label("the handbook has no trigger")
        }
    };
    for (proc_, t) in triggers.iter().take(TRIGGERS_SHOWN) {
        let why = match eval(&t.condition, facts) {
            Tri::Unknown => {
                let mut unknown = Vec::new();
                unset_facts(&t.condition, facts, &mut unknown);
                let names: Vec<String> = unknown
                    .iter()
                    .map(|&f| format!("`{}`", model.names.get(model.facts[f].id)))
                    .collect();
                format!("unknown: {} not set", list(names))
            }
            _ => {
                let mut parts = Vec::new();
                why_false(&t.condition, facts, model, &mut parts);
                format!("false: {}", parts.join(", "))
            }
        };
        d = d.with_note(format!(
            "trigger `{}.{}`: {why}",
            model.names.get(proc_.id),
            model.names.get(t.id)
        ));
    }
    if triggers.len() > TRIGGERS_SHOWN {
        d = d.with_note(format!(
            "and {} more triggers",
            triggers.len() - TRIGGERS_SHOWN
        ));
    }
    d.with_help(
        "`set` the facts the triggers read, or check that the incident is meant to start nothing",
    )
}

/// The facts a condition reads that are not set, in order, once each.
fn unset_facts(c: &Condition, facts: &[Option<&FactValue>], out: &mut Vec<usize>) {
    match c {
        Condition::Fact(f) | Condition::Variant { fact: f, .. } => {
            if matches!(c, Condition::Fact(_))
                && facts.get(*f).copied().flatten().is_none()
                && !out.contains(f)
            {
                out.push(*f);
            }
        }
        Condition::Not(inner) => unset_facts(inner, facts, out),
        Condition::And(items) | Condition::Or(items) => {
            for item in items {
                unset_facts(item, facts, out);
            }
        }
        Condition::Compare { lhs, rhs, .. } => {
            unset_facts(lhs, facts, out);
            unset_facts(rhs, facts, out);
        }
        Condition::In { lhs, list } => {
            unset_facts(lhs, facts, out);
            for item in list {
                unset_facts(item, facts, out);
            }
        }
        Condition::Bool(_) | Condition::Int(_) | Condition::Duration(_) => {}
    }
}

/// The parts of a false condition that make it false: for `and`, its
/// false operands; for a comparison, itself with the values it saw.
fn why_false(c: &Condition, facts: &[Option<&FactValue>], model: &Model, out: &mut Vec<String>) {
    match c {
        Condition::And(items) => {
            for item in items {
                if eval(item, facts) == Tri::False {
                    why_false(item, facts, model, out);
                }
            }
        }
        _ => {
            let mut text = format!("`{}`", condition_text(c, model));
            let mut seen = Vec::new();
            facts_read(c, &mut seen);
            let values: Vec<String> = seen
                .iter()
                .filter_map(|&f| {
                    facts.get(f).copied().flatten().map(|v| {
                        format!(
                            "{} = {}",
                            model.names.get(model.facts[f].id),
                            value_text(model, v)
                        )
                    })
                })
                .collect();
            if !values.is_empty() {
                text.push_str(&format!(" ({})", values.join(", ")));
            }
            out.push(text);
        }
    }
}

fn facts_read(c: &Condition, out: &mut Vec<usize>) {
    match c {
        Condition::Fact(f) if !out.contains(f) => {
            out.push(*f);
        }
        Condition::Not(inner) => facts_read(inner, out),
        Condition::And(items) | Condition::Or(items) => {
            items.iter().for_each(|i| facts_read(i, out));
        }
        Condition::Compare { lhs, rhs, .. } => {
            facts_read(lhs, out);
            facts_read(rhs, out);
        }
        Condition::In { lhs, list } => {
            facts_read(lhs, out);
            list.iter().for_each(|i| facts_read(i, out));
        }
        _ => {}
    }
}

/// A value of `set`, as a message shows it: `true`, `3`, `1d6h`, `armed`.
pub fn value_text(model: &Model, v: &FactValue) -> String {
    match v {
        FactValue::Bool(b) => b.to_string(),
        FactValue::Int(n) => n.to_string(),
        FactValue::Duration(m) => format_readable(u64::from(*m)),
        FactValue::Variant(name) => model.names.get(*name).to_owned(),
    }
}
