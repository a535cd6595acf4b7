//! The backends: the JSON plan, Graphviz DOT and Mermaid, each a pure
//! function of the [`Plan`] that returns the whole text. The same plan
//! always gives the same bytes.

pub mod dot;
pub mod mermaid;

use crate::plan::Plan;

/// Options of the diagrams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Group each procedure's steps by owner (swimlanes).
    pub lanes: bool,
}

/// The JSON plan (LANGUAGE.md §8), pretty-printed, ending with a newline.
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
