//! The backends: the JSON plan, Graphviz DOT and Mermaid, each a pure
//! function of the [`Plan`] that returns the whole text. The same plan
//! always gives the same bytes.

pub mod doc;
pub mod dot;
pub mod gantt;
pub mod mermaid;
pub mod msel;
pub mod timeline;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::plan::{Plan, Procedure, Resource, Step, Trigger};
use crate::syntax::literal::format_minutes;

/// Options of the diagrams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Group each procedure's steps by owner (swimlanes).
    pub lanes: bool,
}

/// The JSON plan (docs/reference.md#the-json-plan), pretty-printed, ending with a newline.
pub fn json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_default();
    text.push('\n');
    text
}

/// The Graphviz DOT diagram.
pub fn dot(plan: &Plan) -> String {
    dot::render(plan, &Options::default())
}

/// The Mermaid flowchart.
pub fn mermaid(plan: &Plan) -> String {
    mermaid::render(plan, &Options::default())
}

/// The artefacts `muster build` can emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Dot,
    Mermaid,
}

/// Emits `plan` in `format`.
pub fn emit(plan: &Plan, format: Format, options: &Options) -> String {
    match format {
        Format::Json => json(plan),
        Format::Dot => dot::render(plan, options),
        Format::Mermaid => mermaid::render(plan, options),
    }
}

// The text of the diagrams' nodes, shared by DOT and Mermaid (each escapes
// it its own way). Lines are separated by `\n`. People read labels, so
// actors are shown by their label; ids come second, where they help to
// find the declaration.

/// The labels of actors, looked up by id.
struct Names<'a> {
    plan: &'a Plan,
    actors: HashMap<&'a str, usize>,
}

impl<'a> Names<'a> {
    fn new(plan: &'a Plan) -> Self {
        Names {
            plan,
            actors: first_index(&plan.actors, |a| a.id.as_str()),
        }
    }

    /// The label of actor `id`, or `id` when it has none.
    fn actor<'b>(&'b self, id: &'b str) -> &'b str {
        self.actors
            .get(id)
            .and_then(|&a| self.plan.actors.get(a))
            .map_or(id, |a| a.label.as_str())
    }

    fn actors(&self, ids: &[String]) -> String {
        let names: Vec<&str> = ids.iter().map(|id| self.actor(id)).collect();
        names.join(", ")
    }
}

/// A procedure's cluster title: label, then id, duration (times in the
/// procedure count from its activation, not from the start of the
/// crisis), lead and support.
fn procedure_title(names: &Names, procedure: &Procedure) -> String {
    let mut title = procedure.label.clone();
    let _ = write!(
        title,
        "\n{} · {} from activation",
        procedure.id,
        format_minutes(procedure.duration_minutes)
    );
    if let Some(lead) = &procedure.lead {
        let _ = write!(title, " · lead: {}", names.actor(lead));
    }
    if !procedure.support.is_empty() {
        let _ = write!(title, "\nsupport: {}", names.actors(&procedure.support));
    }
    title
}

/// A trigger: label, condition and leader.
fn trigger_text(names: &Names, trigger: &Trigger) -> String {
    format!(
        "{}\nwhen {}\nlead: {}",
        trigger.label,
        trigger.condition,
        names.actor(&trigger.lead)
    )
}

/// A step: label (and id when they differ), owner, times from activation,
/// deadline, decision and whom it notifies.
fn step_text(names: &Names, step: &Step) -> String {
    let mut text = step.label.clone();
    if step.label != step.id {
        let _ = write!(text, "\n({})", step.id);
    }
    let _ = write!(text, "\nowner: {}", names.actor(&step.owner));
    let _ = write!(
        text,
        "\n{} → {}",
        format_minutes(step.earliest_start_minutes),
        format_minutes(step.earliest_finish_minutes)
    );
    if let Some(within) = step.within_minutes {
        let _ = write!(text, ", within {}", format_minutes(u64::from(within)));
    }
    if let Some(range) = &step.takes_range {
        let _ = write!(text, "\ntakes {}", range_text(range));
    }
    if let Some(decision) = &step.decision {
        let _ = write!(text, "\ndecision: {decision}");
    }
    if !step.notify.is_empty() {
        let _ = write!(text, "\nnotify: {}", names.actors(&step.notify));
    }
    text
}

/// A range as written, with an en dash: `1d–3d`, `1d–2d–5d`.
fn range_text(range: &crate::plan::DurationRange) -> String {
    let d = |m: u32| format_minutes(u64::from(m));
    match range.mode {
        Some(mode) => format!("{}–{}–{}", d(range.min), d(mode), d(range.max)),
        None => format!("{}–{}", d(range.min), d(range.max)),
    }
}

/// A resource: label, capacity, readiness, provider, and whether it is
/// the procedure's critical resource.
fn resource_text(names: &Names, resource: &Resource, critical: bool) -> String {
    let mut text = resource.label.clone();
    if let Some(capacity) = &resource.capacity {
        let _ = write!(text, "\n{} {}", capacity.amount, capacity.unit);
    }
    match &resource.ready_range {
        Some(range) => {
            let _ = write!(text, "\nready {}", range_text(range));
        }
        None if resource.ready_minutes > 0 => {
            let _ = write!(
                text,
                "\nready {}",
                format_minutes(u64::from(resource.ready_minutes))
            );
        }
        None => {}
    }
    let _ = write!(text, "\nprovider: {}", names.actor(&resource.provider));
    if critical {
        text.push_str("\ncritical resource");
    }
    text
}

/// The resources a procedure mobilises or requires, as indexes into
/// `plan.resources`, in the order they are first used (triggers, then
/// steps). Each procedure draws its own copy of a resource it uses, so no
/// edge leaves a procedure's box.
fn used_resources(
    plan: &Plan,
    resources: &HashMap<&str, usize>,
    procedure: &Procedure,
) -> Vec<usize> {
    let mut used = Vec::new();
    // Lookups only.
    let mut seen: HashSet<usize> = HashSet::new();
    let ids = procedure
        .triggers
        .iter()
        .flat_map(|t| t.resources.iter().map(|m| m.resource.as_str()))
        .chain(
            procedure
                .steps
                .iter()
                .flat_map(|s| s.requires.iter().map(|r| r.resource.as_str())),
        );
    for id in ids {
        if let Some(&r) = resources.get(id)
            && r < plan.resources.len()
            && seen.insert(r)
        {
            used.push(r);
        }
    }
    used
}

/// The plan restricted to the procedure `id` (`--procedure`), or `None`
/// when the plan has no such procedure. `activates` edges to the other
/// procedures are not drawn in it.
pub fn only_procedure(plan: &Plan, id: &str) -> Option<Plan> {
    let procedure = plan.procedures.iter().find(|p| p.id == id)?;
    let mut one = plan.clone();
    one.procedures = vec![procedure.clone()];
    Some(one)
}

/// The index of the first item of `items` with each key, for lookups only:
/// the map is never iterated into output, which follows the order of the
/// plan's lists.
fn first_index<'a, T>(items: &'a [T], key: impl Fn(&'a T) -> &'a str) -> HashMap<&'a str, usize> {
    let mut index = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        index.entry(key(item)).or_insert(i);
    }
    index
}

/// The ids of a procedure's critical steps.
fn critical_steps(procedure: &Procedure) -> HashSet<&str> {
    procedure.critical_path.iter().map(String::as_str).collect()
}

/// The `after` edges (before, step) between consecutive steps of a
/// procedure's critical path.
fn critical_edges(procedure: &Procedure) -> HashSet<(&str, &str)> {
    procedure
        .critical_path
        .windows(2)
        .map(|w| (w[0].as_str(), w[1].as_str()))
        .collect()
}

/// The swimlanes of a procedure: one per owner, in the order owners first
/// appear, with the owner's label and the indexes of its steps.
fn lanes(names: &Names, procedure: &Procedure) -> Vec<(String, Vec<usize>)> {
    let mut lanes: Vec<(&str, Vec<usize>)> = Vec::new();
    // The lane of each owner, for lookups only.
    let mut lane_of: HashMap<&str, usize> = HashMap::new();
    for (s, step) in procedure.steps.iter().enumerate() {
        match lane_of
            .get(step.owner.as_str())
            .and_then(|&l| lanes.get_mut(l))
        {
            Some((_, steps)) => steps.push(s),
            None => {
                lane_of.insert(&step.owner, lanes.len());
                lanes.push((&step.owner, vec![s]));
            }
        }
    }
    lanes
        .into_iter()
        .map(|(owner, steps)| (names.actor(owner).to_owned(), steps))
        .collect()
}

#[cfg(test)]
mod tests;
