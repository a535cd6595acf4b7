//! `muster doc`: the handbook as the manual the people who carry it out
//! read — one GitHub-flavoured Markdown document, a pure function of the
//! plan and of the simulation report of its scenarios.
//!
//! Sections: the handbook and a table of contents; each procedure (when,
//! who, its steps with `T+` times, deadlines and slack, the critical path,
//! escalation, its Mermaid diagram); a checklist for every actor, ordered
//! by time; the resource inventory; each scenario as played; the facts.
//!
//! Every text from the handbook goes through [`text`] (or [`paragraphs`]),
//! which escapes every ASCII punctuation character, so no label, note or
//! doc can open markup, raw HTML, a link or a table cell. Ids are
//! identifiers and are shown in code spans. Headings hold ids only, so
//! their anchors are stable: `#procedure-art42_7`, `#checklist-of-hrvp`.

use std::fmt::Write as _;

use crate::diagnostic::printable;
use crate::plan::{Actor, Condition, Plan, Procedure, Step};
use crate::simulate::clock;
use crate::simulate::report::{Report, ScenarioReport};

/// Text from the handbook, safe anywhere in a line of Markdown (a table
/// cell included): printable, on one line, every ASCII punctuation
/// character backslash-escaped.
pub fn text(s: &str) -> String {
    let s = printable(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A doc or note of several lines: each line escaped, leading blanks
/// dropped (four would make code), blank lines kept as paragraph breaks.
pub fn paragraphs(s: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in s.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(&text(line));
    }
    out
}

/// A duration as people say it: `3 days`, `1 day 6 hours`, `30 minutes`.
pub fn words(minutes: u64) -> String {
    if minutes == 0 {
        return "no time".to_owned();
    }
    let (days, rest) = (minutes / 1440, minutes % 1440);
    let (hours, mins) = (rest / 60, rest % 60);
    let mut parts = Vec::new();
    let unit = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    if days > 0 {
        parts.push(unit(days, "day"));
    }
    if hours > 0 {
        parts.push(unit(hours, "hour"));
    }
    if mins > 0 {
        parts.push(unit(mins, "minute"));
    }
    parts.join(" ")
}

fn t(minutes: u64) -> String {
    clock(u32::try_from(minutes).unwrap_or(u32::MAX))
}

/// The document's index of names: labels by id.
struct Names<'a> {
    plan: &'a Plan,
}

impl Names<'_> {
    fn actor(&self, id: &str) -> Option<&Actor> {
        self.plan.actors.iter().find(|a| a.id == id)
    }

    /// `Label (`id`)`, or `` `id` `` when the label is the id.
    fn named(&self, id: &str, label: Option<&str>) -> String {
        match label {
            Some(label) if label != id => format!("{} (`{id}`)", text(label)),
            _ => format!("`{id}`"),
        }
    }

    fn actor_name(&self, id: &str) -> String {
        self.named(id, self.actor(id).map(|a| a.label.as_str()))
    }

    fn resource_name(&self, id: &str) -> String {
        let label = self
            .plan
            .resources
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.label.as_str());
        self.named(id, label)
    }

    fn procedure_name(&self, id: &str) -> String {
        let label = self
            .plan
            .procedures
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.label.as_str());
        self.named(id, label)
    }

    fn step_name(&self, procedure: &Procedure, id: &str) -> String {
        let label = procedure
            .steps
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.label.as_str());
        self.named(id, label)
    }

    fn actors(&self, ids: &[String]) -> String {
        if ids.is_empty() {
            return "—".to_owned();
        }
        ids.iter()
            .map(|a| self.actor_name(a))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The groups `actor` belongs to, directly.
    fn groups_of(&self, actor: &str) -> Vec<&Actor> {
        self.plan
            .actors
            .iter()
            .filter(|g| g.members.iter().any(|m| m == actor))
            .collect()
    }
}

fn amount(a: Option<u32>, unit: Option<&str>) -> String {
    match (a, unit) {
        (Some(n), Some(u)) => format!(" {n} {}", text(u)),
        (Some(n), None) => format!(" {n}"),
        _ => String::new(),
    }
}

fn decision_words(rule: &str) -> String {
    match rule {
        "unanimity" => "by unanimity".to_owned(),
        "qualified_majority" => "by qualified majority".to_owned(),
        "simple_majority" => "by simple majority".to_owned(),
        "consensus" => "by consensus".to_owned(),
        other => format!("by {}", text(other)),
    }
}

/// Renders the manual of `plan`, with `report` the first run of its
/// scenarios (in declaration order).
pub fn render(plan: &Plan, report: &Report) -> String {
    let names = Names { plan };
    let mut out = String::new();
    let title = plan
        .handbook
        .as_ref()
        .map_or_else(|| "Handbook".to_owned(), |h| text(&h.title));
    let _ = writeln!(out, "# {title}\n");
    if let Some(h) = &plan.handbook {
        let mut line = Vec::new();
        if let Some(v) = &h.version {
            line.push(format!("Version {}", text(v)));
        }
        if let Some(owner) = &h.owner {
            line.push(format!("owner: {}", names.actor_name(owner)));
        }
        if !line.is_empty() {
            let _ = writeln!(out, "{}\n", line.join(" · "));
        }
        if let Some(doc) = &h.doc {
            let _ = writeln!(out, "{}\n", paragraphs(doc));
        }
        if let Some(note) = &h.note {
            let _ = writeln!(out, "*Note:* {}\n", paragraphs(note));
        }
    }
    let _ = writeln!(
        out,
        "Generated by `muster doc` from {}. Times in a procedure count from its activation (T+0); times in a scenario from the scenario's start.\n",
        plan.sources
            .iter()
            .map(|s| format!("`{}`", s.replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    contents(&mut out, &names, report);
    procedures(&mut out, &names);
    checklists(&mut out, &names);
    resources(&mut out, &names);
    scenarios(&mut out, &names, report);
    facts(&mut out, &names);
    // One newline at the end, none doubled.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn contents(out: &mut String, names: &Names<'_>, report: &Report) {
    let plan = names.plan;
    let _ = writeln!(out, "## Contents\n");
    let _ = writeln!(out, "- [Procedures](#procedures)");
    for p in &plan.procedures {
        let _ = writeln!(
            out,
            "  - [{}](#procedure-{})",
            names.procedure_name(&p.id),
            p.id
        );
    }
    let _ = writeln!(out, "- [Checklists](#checklists)");
    for a in &plan.actors {
        let _ = writeln!(
            out,
            "  - [{}](#checklist-of-{})",
            names.actor_name(&a.id),
            a.id
        );
    }
    let _ = writeln!(out, "- [Resources](#resources)");
    if !report.scenarios.is_empty() {
        let _ = writeln!(out, "- [Scenarios](#scenarios)");
        for sc in &report.scenarios {
            let _ = writeln!(
                out,
                "  - [{}](#scenario-{})",
                names.named(&sc.id, Some(&sc.label)),
                sc.id
            );
        }
    }
    let _ = writeln!(out, "- [Facts](#facts)\n");
}

fn procedures(out: &mut String, names: &Names<'_>) {
    let plan = names.plan;
    let _ = writeln!(out, "## Procedures\n");
    if plan.procedures.is_empty() {
        let _ = writeln!(out, "The handbook has no procedure.\n");
    }
    for p in &plan.procedures {
        let _ = writeln!(out, "### Procedure `{}`\n", p.id);
        let _ = writeln!(out, "**{}**\n", text(&p.label));
        if let Some(doc) = &p.doc {
            let _ = writeln!(out, "{}\n", paragraphs(doc));
        }
        if let Some(note) = &p.note {
            let _ = writeln!(out, "*Note:* {}\n", paragraphs(note));
        }
        // When.
        let _ = writeln!(out, "**When.**\n");
        if p.triggers.is_empty() {
            let _ = writeln!(
                out,
                "- No trigger of its own: it starts when a step of another procedure activates it.\n"
            );
        }
        for trigger in &p.triggers {
            let mobilised: Vec<String> = trigger
                .resources
                .iter()
                .map(|m| {
                    format!(
                        "{}{}",
                        names.resource_name(&m.resource),
                        amount(m.amount, m.unit.as_deref())
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "- {}: when `{}`; led by {}; mobilises {}.",
                names.named(&trigger.id, Some(&trigger.label)),
                trigger.condition.replace('`', "'"),
                names.actor_name(&trigger.lead),
                if mobilised.is_empty() {
                    "nothing".to_owned()
                } else {
                    mobilised.join(", ")
                }
            );
        }
        if !p.triggers.is_empty() {
            out.push('\n');
        }
        // Who.
        let lead = p
            .lead
            .as_deref()
            .map_or_else(|| "each trigger's own".to_owned(), |l| names.actor_name(l));
        let _ = writeln!(
            out,
            "**Who.** Lead: {lead}. Support: {}.\n",
            names.actors(&p.support)
        );
        // Steps.
        let _ = writeln!(
            out,
            "| Step | Owner | After | Earliest start | Earliest completion | Deadline | Slack | Requires | Notify | Decision |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        for s in &p.steps {
            let after: Vec<String> = s.after.iter().map(|a| names.step_name(p, a)).collect();
            let requires: Vec<String> = s
                .requires
                .iter()
                .map(|r| {
                    format!(
                        "{}{}",
                        names.resource_name(&r.resource),
                        amount(r.amount, r.unit.as_deref())
                    )
                })
                .collect();
            let critical = if s.critical { " (critical)" } else { "" };
            let _ = writeln!(
                out,
                "| {}{critical} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                names.step_name(p, &s.id),
                names.actor_name(&s.owner),
                dash(after.join(", ")),
                t(s.earliest_start_minutes),
                t(s.earliest_finish_minutes),
                s.within_minutes.map_or_else(
                    || "—".to_owned(),
                    |w| format!("within {}", words(u64::from(w)))
                ),
                slack(s),
                dash(requires.join(", ")),
                names.actors(&s.notify),
                s.decision
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), decision_words),
            );
        }
        out.push('\n');
        // The critical path and resource, in a sentence.
        let path: Vec<String> = p
            .critical_path
            .iter()
            .map(|s| names.step_name(p, s))
            .collect();
        let mut sentence = if path.is_empty() {
            "It has no steps.".to_owned()
        } else {
            format!(
                "**Critical path.** {}, {} from activation",
                path.join(" → "),
                words(p.duration_minutes)
            )
        };
        if !path.is_empty() {
            match &p.critical_resource {
                Some(r) => {
                    let _ = write!(
                        sentence,
                        "; the critical resource is {}.",
                        names.resource_name(r)
                    );
                }
                None => sentence.push('.'),
            }
        }
        let _ = writeln!(out, "{sentence}\n");
        // Escalation, both ways.
        let to: Vec<String> = p
            .steps
            .iter()
            .flat_map(|s| {
                s.activates.iter().map(move |target| {
                    format!(
                        "{} (when {} completes)",
                        names.procedure_name(target),
                        names.step_name(p, &s.id)
                    )
                })
            })
            .collect();
        let from: Vec<String> = plan
            .procedures
            .iter()
            .flat_map(|q| {
                q.steps
                    .iter()
                    .filter(|s| s.activates.contains(&p.id))
                    .map(move |s| {
                        format!(
                            "{} (when {} completes)",
                            names.procedure_name(&q.id),
                            names.step_name(q, &s.id)
                        )
                    })
            })
            .collect();
        let _ = writeln!(
            out,
            "**Escalation.** Escalates to: {}. Escalated to from: {}.\n",
            if to.is_empty() {
                "none".to_owned()
            } else {
                to.join(", ")
            },
            if from.is_empty() {
                "none".to_owned()
            } else {
                from.join(", ")
            }
        );
        if let Some(one) = super::only_procedure(plan, &p.id) {
            let _ = writeln!(
                out,
                "```mermaid\n{}```\n",
                super::mermaid::render(&one, &super::Options::default())
            );
        }
    }
}

fn dash(s: String) -> String {
    if s.is_empty() { "—".to_owned() } else { s }
}

fn slack(s: &Step) -> String {
    if s.within_minutes.is_none() {
        return "—".to_owned();
    }
    if s.slack_minutes < 0 {
        format!("late by {}", words(s.slack_minutes.unsigned_abs()))
    } else {
        words(s.slack_minutes.unsigned_abs())
    }
}

/// One item of a checklist.
struct Item {
    /// Minutes from activation, for the order.
    at: u64,
    /// 0 trigger, 1 step, 2 notification: the order within a minute.
    rank: u8,
    index: usize,
    line: String,
}

fn checklists(out: &mut String, names: &Names<'_>) {
    let plan = names.plan;
    let _ = writeln!(out, "## Checklists\n");
    let _ = writeln!(
        out,
        "Every actor's part, procedure by procedure, in order of time: *by when* (earliest start – deadline, from activation), *what*, *after what*, *with what*, *tell whom*, *decide how*. A group's members find the group's items in their own checklist.\n"
    );
    for actor in &plan.actors {
        let _ = writeln!(out, "### Checklist of `{}`\n", actor.id);
        let groups = names.groups_of(&actor.id);
        let mut head = format!("**{}**", text(&actor.label));
        match actor.kind.as_str() {
            "role" => head.push_str(
                " — a role: whoever stands for it in an incident (a scenario binds it) carries out these items.",
            ),
            kind => {
                let _ = write!(head, " — {}.", kind.replace('_', " "));
            }
        }
        if !groups.is_empty() {
            let g: Vec<String> = groups.iter().map(|g| names.actor_name(&g.id)).collect();
            let _ = write!(head, " Member of {}.", g.join(", "));
        }
        if !actor.members.is_empty() {
            let _ = write!(head, " Members: {}.", names.actors(&actor.members));
        }
        let _ = writeln!(out, "{head}\n");
        if let Some(doc) = &actor.doc {
            let _ = writeln!(out, "{}\n", paragraphs(doc));
        }
        // The roles it stands for in the scenarios: their items are its
        // items there.
        for sc in &plan.scenarios {
            for incident in &sc.incidents {
                for b in incident.bindings.iter().filter(|b| b.actor == actor.id) {
                    let _ = writeln!(
                        out,
                        "In scenario `{}`, incident `{}`, it stands for {}: [that checklist](#checklist-of-{}) is its own there.\n",
                        sc.id,
                        incident.id,
                        names.actor_name(&b.role),
                        b.role
                    );
                }
            }
        }
        // Who counts as this actor: itself and the groups it is in.
        let mut selves: Vec<(&str, Option<&str>)> = vec![(actor.id.as_str(), None)];
        selves.extend(
            groups
                .iter()
                .map(|g| (g.id.as_str(), Some(g.label.as_str()))),
        );
        let as_member = |owner: &str| -> String {
            selves
                .iter()
                .find(|(id, _)| *id == owner)
                .and_then(|(id, label)| label.map(|l| (id, l)))
                .map_or_else(String::new, |(id, l)| {
                    format!(" *(as a member of {})*", names.named(id, Some(l)))
                })
        };
        let is_me = |id: &str| selves.iter().any(|(s, _)| *s == id);
        let mut any = false;
        for p in &plan.procedures {
            let mut items: Vec<Item> = Vec::new();
            for (i, trigger) in p.triggers.iter().enumerate() {
                if is_me(&trigger.lead) {
                    items.push(Item {
                        at: 0,
                        rank: 0,
                        index: i,
                        line: format!(
                            "**{}** — lead the procedure when {} holds: `{}`{}.",
                            t(0),
                            names.named(&trigger.id, Some(&trigger.label)),
                            trigger.condition.replace('`', "'"),
                            as_member(&trigger.lead)
                        ),
                    });
                }
            }
            for (i, s) in p.steps.iter().enumerate() {
                if is_me(&s.owner) {
                    let by = match s.within_minutes {
                        Some(w) => format!("{} – {}", t(s.earliest_start_minutes), t(u64::from(w))),
                        None => format!("from {}", t(s.earliest_start_minutes)),
                    };
                    let mut line = format!(
                        "**{by}** — {}{}.",
                        names.step_name(p, &s.id),
                        as_member(&s.owner)
                    );
                    if !s.after.is_empty() {
                        let after: Vec<String> =
                            s.after.iter().map(|a| names.step_name(p, a)).collect();
                        let _ = write!(line, " After: {}.", after.join(", "));
                    }
                    if !s.requires.is_empty() {
                        let with: Vec<String> = s
                            .requires
                            .iter()
                            .map(|r| {
                                format!(
                                    "{}{}",
                                    names.resource_name(&r.resource),
                                    amount(r.amount, r.unit.as_deref())
                                )
                            })
                            .collect();
                        let _ = write!(line, " With: {}.", with.join(", "));
                    }
                    if !s.notify.is_empty() {
                        let _ = write!(line, " Tell: {}.", names.actors(&s.notify));
                    }
                    if let Some(rule) = &s.decision {
                        let _ = write!(line, " Decide {}.", decision_words(rule));
                    }
                    items.push(Item {
                        at: s.earliest_start_minutes,
                        rank: 1,
                        index: i,
                        line,
                    });
                }
                if s.notify.iter().any(|n| is_me(n)) {
                    items.push(Item {
                        at: s.earliest_finish_minutes,
                        rank: 2,
                        index: i,
                        line: format!(
                            "**from {}** — receive word from {} that {} is done.",
                            t(s.earliest_finish_minutes),
                            names.actor_name(&s.owner),
                            names.step_name(p, &s.id)
                        ),
                    });
                }
            }
            if items.is_empty() {
                continue;
            }
            any = true;
            items.sort_by_key(|i| (i.at, i.rank, i.index));
            let _ = writeln!(out, "#### In {}\n", names.procedure_name(&p.id));
            for item in items {
                let _ = writeln!(out, "- [ ] {}", item.line);
            }
            out.push('\n');
        }
        let provided: Vec<String> = plan
            .resources
            .iter()
            .filter(|r| is_me(&r.provider))
            .map(|r| {
                let capacity = r
                    .capacity
                    .as_ref()
                    .map_or_else(String::new, |c| format!(": {} {}", c.amount, text(&c.unit)));
                format!(
                    "- [ ] Provide {}{capacity}, ready {} after it is claimed{}.",
                    names.resource_name(&r.id),
                    ready_words(r),
                    as_member(&r.provider)
                )
            })
            .collect();
        if !provided.is_empty() {
            any = true;
            let _ = writeln!(out, "#### Resources provided\n");
            for line in provided {
                let _ = writeln!(out, "{line}");
            }
            out.push('\n');
        }
        if !any {
            let _ = writeln!(out, "Nothing to do in this handbook.\n");
        }
    }
}

fn ready_words(r: &crate::plan::Resource) -> String {
    match &r.ready_range {
        Some(range) => match range.mode {
            Some(mode) => format!(
                "{} to {} (most likely {})",
                words(u64::from(range.min)),
                words(u64::from(range.max)),
                words(u64::from(mode))
            ),
            None => format!(
                "{} to {}",
                words(u64::from(range.min)),
                words(u64::from(range.max))
            ),
        },
        None if r.ready_minutes == 0 => "at once".to_owned(),
        None => words(u64::from(r.ready_minutes)),
    }
}

fn resources(out: &mut String, names: &Names<'_>) {
    let plan = names.plan;
    let _ = writeln!(out, "## Resources\n");
    if plan.resources.is_empty() {
        let _ = writeln!(out, "The handbook has no resource.\n");
        return;
    }
    let _ = writeln!(
        out,
        "*If all active* is what would be claimed if every procedure that claims the resource were active at once (each by the trigger that claims most).\n"
    );
    let _ = writeln!(
        out,
        "| Resource | Provider | Capacity | Ready | Claimed by | If all active |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for r in &plan.resources {
        let capacity = r.capacity.as_ref();
        let mut claims: Vec<String> = Vec::new();
        let mut total: u64 = 0;
        for p in &plan.procedures {
            let mut most: Option<u64> = None;
            for trigger in &p.triggers {
                for m in trigger.resources.iter().filter(|m| m.resource == r.id) {
                    let n = m.amount.or(capacity.map(|c| c.amount)).map_or(0, u64::from);
                    claims.push(format!(
                        "{} by `{}`{}",
                        names.procedure_name(&p.id),
                        trigger.id,
                        amount(m.amount, m.unit.as_deref())
                    ));
                    most = Some(most.map_or(n, |x: u64| x.max(n)));
                }
            }
            total += most.unwrap_or(0);
        }
        let all = match capacity {
            Some(c) if claims.is_empty() => format!("0 of {} {}", c.amount, text(&c.unit)),
            Some(c) if total > u64::from(c.amount) => format!(
                "{total} of {} {}: short by {}",
                c.amount,
                text(&c.unit),
                total - u64::from(c.amount)
            ),
            Some(c) => format!("{total} of {} {}: enough", c.amount, text(&c.unit)),
            None => "no limit".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            names.resource_name(&r.id),
            names.actor_name(&r.provider),
            capacity.map_or_else(
                || "no limit".to_owned(),
                |c| format!("{} {}", c.amount, text(&c.unit))
            ),
            ready_words(r),
            dash(claims.join(", ")),
            all
        );
    }
    out.push('\n');
}

fn scenarios(out: &mut String, names: &Names<'_>, report: &Report) {
    let plan = names.plan;
    if report.scenarios.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Scenarios\n");
    for sc in &report.scenarios {
        let Some(decl) = plan.scenarios.iter().find(|s| s.id == sc.id) else {
            continue;
        };
        scenario(out, names, decl, sc);
    }
}

fn scenario(
    out: &mut String,
    names: &Names<'_>,
    decl: &crate::plan::Scenario,
    sc: &ScenarioReport,
) {
    let _ = writeln!(out, "### Scenario `{}`\n", sc.id);
    let _ = writeln!(out, "**{}**\n", text(&sc.label));
    if let Some(doc) = &decl.doc {
        let _ = writeln!(out, "{}\n", paragraphs(doc));
    }
    if let Some(note) = &decl.note {
        let _ = writeln!(out, "*Note:* {}\n", paragraphs(note));
    }
    let runs = if sc.runs == 1 {
        "Played once".to_owned()
    } else {
        format!(
            "Played {} times (the timeline shows the first run)",
            sc.runs
        )
    };
    let _ = writeln!(
        out,
        "{runs}, seed {}, for {} at most.\n",
        sc.seed,
        words(u64::from(sc.horizon_minutes))
    );
    let _ = writeln!(out, "| Incident | At | Roles | Facts |");
    let _ = writeln!(out, "|---|---|---|---|");
    for i in &decl.incidents {
        let roles: Vec<String> = i
            .bindings
            .iter()
            .map(|b| format!("`{}` = {}", b.role, names.actor_name(&b.actor)))
            .collect();
        let set: Vec<String> = i
            .set
            .iter()
            .map(|s| format!("`{} = {}`", s.fact, set_value(&s.value)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            names.named(&i.id, Some(&i.label)),
            clock(i.at_minutes),
            dash(roles.join(", ")),
            dash(set.join(", "))
        );
    }
    out.push('\n');
    if !decl.injects.is_empty() {
        let _ = writeln!(out, "| Inject | At | Incident | What | From | To |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for j in &decl.injects {
            let mut what: Vec<String> = j
                .set
                .iter()
                .map(|s| format!("set `{} = {}`", s.fact, set_value(&s.value)))
                .collect();
            what.extend(j.withdraw.iter().map(|r| {
                format!(
                    "withdraw {}{}",
                    names.resource_name(&r.resource),
                    amount(r.amount, r.unit.as_deref())
                )
            }));
            what.extend(j.restore.iter().map(|r| {
                format!(
                    "restore {}{}",
                    names.resource_name(&r.resource),
                    amount(r.amount, r.unit.as_deref())
                )
            }));
            what.extend(j.delay.iter().map(|d| {
                format!(
                    "delay `{}.{}` by {}",
                    d.step.procedure,
                    d.step.step,
                    words(u64::from(d.by_minutes))
                )
            }));
            what.extend(
                j.block
                    .iter()
                    .map(|b| format!("block `{}.{}`", b.procedure, b.step)),
            );
            if let Some(note) = &j.note {
                what.push(text(note));
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                names.named(&j.id, Some(&j.label)),
                clock(j.at_minutes),
                j.incident
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), |i| format!("`{i}`")),
                dash(what.join("; ")),
                j.from
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), |a| names.actor_name(a)),
                names.actors(&j.to)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "#### Timeline\n");
    let _ = writeln!(
        out,
        "| Time | Incident | Procedure | Event | Who | Detail |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for e in &sc.events {
        let procedure = match (&e.procedure, &e.step) {
            (Some(p), Some(s)) => format!("`{p}.{s}`"),
            (Some(p), None) => format!("`{p}`"),
            _ => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {procedure} | {} | {} | {} |",
            clock(e.minute),
            e.incident
                .as_deref()
                .map_or_else(|| "—".to_owned(), |i| format!("`{i}`")),
            e.kind.replace('_', " "),
            e.actor
                .as_deref()
                .map_or_else(|| "—".to_owned(), |a| format!("`{a}`")),
            text(&e.detail)
        );
    }
    out.push('\n');
    let _ = writeln!(out, "#### Findings\n");
    if sc.findings.is_empty() {
        let _ = writeln!(out, "None: every deadline met, no claim waited.\n");
    } else {
        for f in &sc.findings {
            let code = f.get("code").and_then(|c| c.as_str()).unwrap_or("");
            let message = f.get("message").and_then(|c| c.as_str()).unwrap_or("");
            let runs = f
                .get("runs")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(1);
            let mut line = format!("- **{}** {}", text(code), text(message));
            if sc.runs > 1 {
                let _ = write!(line, " (in {runs} of {} runs)", sc.runs);
            }
            let _ = writeln!(out, "{line}");
            let notes = f.get("notes").and_then(|n| n.as_array());
            for note in notes.into_iter().flatten() {
                if let Some(note) = note.as_str() {
                    let _ = writeln!(out, "  - {}", text(note));
                }
            }
        }
        out.push('\n');
    }
    if !sc.expectations.is_empty() {
        let _ = writeln!(out, "#### Expectations\n");
        for e in &sc.expectations {
            let mark = if e.met {
                "✓ holds"
            } else {
                "✗ does not hold"
            };
            let _ = writeln!(
                out,
                "- `{}` — {mark}: {}",
                e.text.replace('`', "'"),
                text(&e.measured)
            );
        }
        out.push('\n');
    }
    if !sc.activations.is_empty() {
        let _ = writeln!(out, "#### Summary\n");
        let _ = writeln!(
            out,
            "| Incident | Procedure | Activated | Leader | Ended | Deadlines |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for a in &sc.activations {
            let met = a.steps.iter().filter(|s| s.met == Some(true)).count();
            let missed: Vec<String> = a
                .steps
                .iter()
                .filter(|s| s.met == Some(false))
                .map(|s| format!("`{}`", s.id))
                .collect();
            let mut deadlines = format!("{met} met");
            if !missed.is_empty() {
                let _ = write!(deadlines, ", missed: {}", missed.join(", "));
            }
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {deadlines} |",
                a.incident,
                names.procedure_name(&a.procedure),
                clock(a.t0_minutes),
                a.leader
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), |l| names.actor_name(l)),
                a.ended_minutes
                    .map_or_else(|| "unfinished".to_owned(), clock),
            );
        }
        out.push('\n');
    }
}

fn set_value(v: &crate::plan::SetValue) -> String {
    use crate::plan::SetValue;
    match v {
        SetValue::Bool { value } => value.to_string(),
        SetValue::Int { value } => value.to_string(),
        SetValue::Duration { minutes } => {
            crate::syntax::literal::format_minutes(u64::from(*minutes))
        }
        SetValue::Variant { variant } => variant.clone(),
    }
}

fn facts(out: &mut String, names: &Names<'_>) {
    let plan = names.plan;
    let _ = writeln!(out, "## Facts\n");
    if plan.facts.is_empty() {
        let _ = writeln!(out, "The handbook has no fact.\n");
        return;
    }
    let _ = writeln!(out, "| Fact | Type | Read by |");
    let _ = writeln!(out, "|---|---|---|");
    for f in &plan.facts {
        let ty = match &f.ty {
            crate::plan::FactType::Bool => "yes or no".to_owned(),
            crate::plan::FactType::Int {
                min: Some(a),
                max: Some(b),
            } => format!("a whole number from {a} to {b}"),
            crate::plan::FactType::Int { .. } => "a whole number".to_owned(),
            crate::plan::FactType::Duration => "a duration".to_owned(),
            crate::plan::FactType::Enum { variants } => {
                let v: Vec<String> = variants.iter().map(|v| format!("`{v}`")).collect();
                format!("one of {}", v.join(", "))
            }
        };
        let readers: Vec<String> = plan
            .procedures
            .iter()
            .flat_map(|p| {
                p.triggers
                    .iter()
                    .filter(|t| reads(&t.condition_tree, &f.id))
                    .map(move |t| format!("`{}.{}`", p.id, t.id))
            })
            .collect();
        let mut name = format!("`{}`", f.id);
        if let Some(doc) = &f.doc {
            let _ = write!(name, ": {}", text(doc));
        }
        let _ = writeln!(out, "| {name} | {ty} | {} |", dash(readers.join(", ")));
    }
    out.push('\n');
}

/// Whether a condition reads the fact `id`. Conditions are at most 64
/// levels deep (the parser's limit), so the recursion is bounded.
fn reads(c: &Condition, id: &str) -> bool {
    match c {
        Condition::Fact { id: f } => f == id,
        Condition::Variant { fact, .. } => fact == id,
        Condition::Not { operand } => reads(operand, id),
        Condition::And { operands } | Condition::Or { operands } => {
            operands.iter().any(|o| reads(o, id))
        }
        Condition::Compare { lhs, rhs, .. } => reads(lhs, id) || reads(rhs, id),
        Condition::In { lhs, list } => reads(lhs, id) || list.iter().any(|o| reads(o, id)),
        Condition::Bool { .. } | Condition::Int { .. } | Condition::Duration { .. } => false,
    }
}
