//! The backends: the JSON plan, Graphviz DOT and Mermaid, each a pure
//! function of the [`Plan`] that returns the whole text. The same plan
//! always gives the same bytes.

pub mod dot;
pub mod mermaid;

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

/// The swimlanes of a procedure: one per owner, in the order owners first
/// appear, with the owner's label and the indexes of its steps.
fn lanes(plan: &Plan, procedure: &Procedure) -> Vec<(String, Vec<usize>)> {
    let mut lanes: Vec<(&str, Vec<usize>)> = Vec::new();
    for (s, step) in procedure.steps.iter().enumerate() {
        match lanes.iter_mut().find(|(owner, _)| *owner == step.owner) {
            Some((_, steps)) => steps.push(s),
            None => lanes.push((&step.owner, vec![s])),
        }
    }
    lanes
        .into_iter()
        .map(|(owner, steps)| {
            let label = plan
                .actors
                .iter()
                .find(|a| a.id == owner)
                .map_or_else(|| owner.to_owned(), |a| a.label.clone());
            (label, steps)
        })
        .collect()
}
