//! The backends: the JSON plan, Graphviz DOT and Mermaid, each a pure
//! function of the [`Plan`] that returns the whole text. The same plan
//! always gives the same bytes.

pub mod dot;
pub mod mermaid;

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
// it its own way). Lines are separated by `\n`.

/// A procedure's cluster title: label, id, duration and lead.
fn procedure_title(procedure: &Procedure) -> String {
    let mut title = procedure.label.clone();
    let _ = write!(
        title,
        "\n{} · {}",
        procedure.id,
        format_minutes(procedure.duration_minutes)
    );
    if let Some(lead) = &procedure.lead {
        let _ = write!(title, " · lead: {lead}");
    }
    title
}

/// A trigger: label, condition and leader.
fn trigger_text(trigger: &Trigger) -> String {
    format!(
        "{}\nwhen {}\nlead: {}",
        trigger.label, trigger.condition, trigger.lead
    )
}

/// A step: label (and id when they differ), owner, times, decision.
fn step_text(step: &Step) -> String {
    let mut text = step.label.clone();
    if step.label != step.id {
        let _ = write!(text, "\n({})", step.id);
    }
    let _ = write!(text, "\nowner: {}", step.owner);
    let _ = write!(
        text,
        "\n{} → {}",
        format_minutes(step.earliest_start_minutes),
        format_minutes(step.earliest_finish_minutes)
    );
    if let Some(within) = step.within_minutes {
        let _ = write!(text, ", within {}", format_minutes(u64::from(within)));
    }
    if let Some(decision) = &step.decision {
        let _ = write!(text, "\ndecision: {decision}");
    }
    text
}

/// A resource: label, capacity, readiness and provider.
fn resource_text(resource: &Resource) -> String {
    let mut text = resource.label.clone();
    if let Some(capacity) = &resource.capacity {
        let _ = write!(text, "\n{} {}", capacity.amount, capacity.unit);
    }
    if resource.ready_minutes > 0 {
        let _ = write!(
            text,
            "\nready {}",
            format_minutes(u64::from(resource.ready_minutes))
        );
    }
    let _ = write!(text, "\nprovider: {}", resource.provider);
    text
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

/// The index of each actor id in `plan.actors`, for [`lanes`]; empty
/// when the diagram has no lanes.
fn actor_index<'a>(plan: &'a Plan, options: &Options) -> HashMap<&'a str, usize> {
    if options.lanes {
        first_index(&plan.actors, |a| a.id.as_str())
    } else {
        HashMap::new()
    }
}

/// The swimlanes of a procedure: one per owner, in the order owners first
/// appear, with the owner's label (looked up in `actors`, the
/// [`actor_index`] of `plan`) and the indexes of its steps.
fn lanes(
    plan: &Plan,
    actors: &HashMap<&str, usize>,
    procedure: &Procedure,
) -> Vec<(String, Vec<usize>)> {
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
        .map(|(owner, steps)| {
            let label = actors
                .get(owner)
                .and_then(|&a| plan.actors.get(a))
                .map_or_else(|| owner.to_owned(), |a| a.label.clone());
            (label, steps)
        })
        .collect()
}

#[cfg(test)]
mod tests;
