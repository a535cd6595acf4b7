//! `muster simulate --emit msel`: a draft Master Scenario Events List for
//! the human tabletop, as CSV (RFC 4180): the incidents and injects of the
//! first run of every scenario and what they set off, in order, with who
//! sends what to whom and what the receiver is expected to do.
//!
//! Columns: `seq,time,incident,type,from,to,description,expected_action,procedure,step`.
//! Text from the input is made printable, and a cell that a spreadsheet
//! would read as a formula (starting with `=`, `+`, `-`, `@`) is prefixed
//! with `'`.

use crate::diagnostic::printable;
use crate::simulate::clock;
use crate::simulate::report::{ActivationReport, EventReport, Report, ScenarioReport};

/// The header row.
pub const COLUMNS: [&str; 10] = [
    "seq",
    "time",
    "incident",
    "type",
    "from",
    "to",
    "description",
    "expected_action",
    "procedure",
    "step",
];

/// Renders the report as CSV.
pub fn render(report: &Report) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS);
    let mut seq = 0u32;
    for sc in &report.scenarios {
        let mut index: std::collections::HashMap<(&str, &str), &ActivationReport> =
            std::collections::HashMap::new();
        for a in &sc.activations {
            index
                .entry((a.incident.as_str(), a.procedure.as_str()))
                .or_insert(a);
        }
        for e in &sc.events {
            let act = match (&e.incident, &e.procedure) {
                (Some(i), Some(p)) => index.get(&(i.as_str(), p.as_str())).copied(),
                _ => None,
            };
            if let Some(row) = row(sc, e, act) {
                seq += 1;
                let mut record = vec![seq.to_string(), clock(e.minute)];
                record.extend(row.into_iter().map(|cell| cell_text(&cell)));
                let _ = writer.write_record(&record);
            }
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell: printable, and never a formula.
fn cell_text(text: &str) -> String {
    let text = printable(text);
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.into_owned()
    }
}

/// `incident, type, from, to, description, expected_action, procedure,
/// step` of an event, or `None` for the events a MSEL leaves out (claims,
/// readiness and releases are the simulator's bookkeeping).
fn row(
    sc: &ScenarioReport,
    e: &EventReport,
    act: Option<&ActivationReport>,
) -> Option<[String; 8]> {
    let incident = e.incident.clone().unwrap_or_default();
    let procedure = e.procedure.clone().unwrap_or_default();
    let step = e.step.clone().unwrap_or_default();
    let step_label = act
        .and_then(|a| a.steps.iter().find(|s| Some(&s.id) == e.step.as_ref()))
        .map(|s| s.label.clone())
        .unwrap_or_else(|| step.clone());
    let actor = e.actor.clone().unwrap_or_default();
    let (kind, from, to, description, expected) = match e.kind.as_str() {
        "incident" => {
            let label = sc
                .incidents
                .iter()
                .find(|i| i.id == incident)
                .map_or(incident.clone(), |i| i.label.clone());
            let description = if label == incident {
                e.detail.clone()
            } else {
                format!("{label}: {}", e.detail)
            };
            (
                "incident",
                String::new(),
                String::new(),
                description,
                String::new(),
            )
        }
        "inject" => {
            let inject = sc
                .injects
                .iter()
                .find(|j| e.detail.starts_with(&format!("inject {}", j.id)));
            let (label, from, to, note) = match inject {
                Some(j) => (
                    j.label.clone(),
                    j.from.clone().unwrap_or_default(),
                    j.to.join("; "),
                    j.note.clone(),
                ),
                None => (String::new(), actor.clone(), String::new(), None),
            };
            let mut description = format!("{label}: {}", e.detail);
            if let Some(note) = note {
                description.push_str(&format!(" ({note})"));
            }
            (
                "inject",
                from,
                to,
                description,
                "respond to the inject".to_owned(),
            )
        }
        "activated" => {
            let label = act.map_or(procedure.clone(), |a| a.label.clone());
            (
                "activation",
                String::new(),
                actor.clone(),
                format!("{label}: {}", e.detail),
                format!("lead {label}"),
            )
        }
        "step_started" => {
            let due = act
                .and_then(|a| a.steps.iter().find(|s| s.id == step))
                .and_then(|s| s.deadline_minutes)
                .map_or(String::new(), |d| format!(" by {}", clock(d)));
            (
                "action",
                String::new(),
                actor.clone(),
                format!("{step_label} starts"),
                format!("{step_label}{due}"),
            )
        }
        "notified" => (
            "notification",
            e.detail
                .strip_prefix("notified by ")
                .unwrap_or("")
                .to_owned(),
            actor.clone(),
            format!("{step_label} completed"),
            format!("inform {actor}"),
        ),
        "deadline_missed" => (
            "deadline missed",
            String::new(),
            actor.clone(),
            format!("{step_label}: {}", e.detail),
            "escalate".to_owned(),
        ),
        "blocked" | "delayed" | "withdrawn" | "restored" | "claim_waiting" => (
            e.kind.as_str(),
            String::new(),
            actor.clone(),
            e.detail.clone(),
            String::new(),
        ),
        _ => return None,
    };
    let kind = kind.replace('_', " ");
    Some([
        incident,
        kind,
        from,
        to,
        description,
        expected,
        procedure,
        step,
    ])
}
