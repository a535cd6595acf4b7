//! `muster simulate --emit timeline`: the simulation report for people.
//! Per scenario, the chronological table of the first run, the summary per
//! incident × procedure, the expectations, and with several runs the
//! P50/P80/P95 completion of every step. Plain text in aligned columns;
//! every text from the input is made printable.

use std::fmt::Write as _;

use crate::diagnostic::printable;
use crate::simulate::report::{Report, ScenarioReport};
use crate::simulate::{clock, readable, share_text};

/// Renders the report as text.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (i, sc) in report.scenarios.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        scenario(&mut out, sc);
    }
    out
}

fn scenario(out: &mut String, sc: &ScenarioReport) {
    let title = if sc.label == sc.id {
        format!("scenario {}", sc.id)
    } else {
        format!("scenario {} — {}", sc.id, printable(&sc.label))
    };
    let runs = if sc.runs == 1 {
        "1 run".to_owned()
    } else {
        format!("{} runs (the table shows the first)", sc.runs)
    };
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "{runs}, seed {}, horizon {}",
        sc.seed,
        readable(sc.horizon_minutes)
    );
    out.push('\n');

    let mut rows = vec![row([
        "time",
        "incident",
        "procedure",
        "event",
        "who",
        "detail",
    ])];
    for e in &sc.events {
        let procedure = match (&e.procedure, &e.step) {
            (Some(p), Some(s)) => format!("{p}.{s}"),
            (Some(p), None) => p.clone(),
            _ => "-".to_owned(),
        };
        rows.push(row([
            &clock(e.minute),
            e.incident.as_deref().unwrap_or("-"),
            &procedure,
            &e.kind.replace('_', " "),
            e.actor.as_deref().unwrap_or("-"),
            &e.detail,
        ]));
    }
    table(out, &rows);

    out.push('\n');
    let _ = writeln!(out, "summary");
    let mut rows = vec![row([
        "incident",
        "procedure",
        "T0",
        "leader",
        "completed",
        "deadlines",
    ])];
    for a in &sc.activations {
        let met = a.steps.iter().filter(|s| s.met == Some(true)).count();
        let missed: Vec<String> = a
            .steps
            .iter()
            .filter(|s| s.met == Some(false))
            .map(|s| match (s.complete_minutes, s.deadline_minutes) {
                (Some(done), Some(deadline)) => {
                    format!("{} late by {}", s.id, readable(done - deadline))
                }
                _ => format!("{} not completed", s.id),
            })
            .collect();
        let with_deadline = a
            .steps
            .iter()
            .filter(|s| s.deadline_minutes.is_some())
            .count();
        let open = a
            .steps
            .iter()
            .filter(|s| s.deadline_minutes.is_some() && s.met.is_none())
            .count();
        let mut deadlines = if with_deadline == 0 {
            "no deadlines".to_owned()
        } else {
            format!("{met} met")
        };
        if open > 0 {
            let _ = write!(deadlines, ", {open} undecided at the horizon");
        }
        if !missed.is_empty() {
            let _ = write!(
                deadlines,
                ", {} missed ({})",
                missed.len(),
                missed.join(", ")
            );
        }
        let completed = match a.ended_minutes {
            Some(m) if a.steps.iter().any(|s| s.blocked) => format!("{} (blocked)", clock(m)),
            Some(m) => clock(m),
            None => "unfinished".to_owned(),
        };
        rows.push(row([
            &a.incident,
            &a.procedure,
            &clock(a.t0_minutes),
            a.leader.as_deref().unwrap_or("-"),
            &completed,
            &deadlines,
        ]));
    }
    if sc.activations.is_empty() {
        let _ = writeln!(out, "no procedure was activated");
    } else {
        table(out, &rows);
    }

    if !sc.expectations.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "expectations");
        for e in &sc.expectations {
            let verdict = if e.met { "ok    " } else { "FAILED" };
            let _ = writeln!(
                out,
                "  {verdict}  {} — {}",
                printable(&e.text),
                printable(&e.measured)
            );
        }
    }

    if let Some(stats) = &sc.statistics {
        out.push('\n');
        let _ = writeln!(out, "completion over {} runs (from S0)", sc.runs);
        let mut rows = vec![row([
            "incident",
            "procedure",
            "step",
            "P50",
            "P80",
            "P95",
            "deadline met",
        ])];
        let time = |m: Option<u32>| m.map_or_else(|| "not completed".to_owned(), clock);
        for s in &stats.steps {
            let share = match s.deadline_met_share {
                // The share is met/runs; print it back as a percentage.
                Some(x) => share_text((x * f64::from(sc.runs)).round() as u32, sc.runs),
                None => "-".to_owned(),
            };
            rows.push(row([
                &s.incident,
                &s.procedure,
                &s.step,
                &time(s.p50_minutes),
                &time(s.p80_minutes),
                &time(s.p95_minutes),
                &share,
            ]));
        }
        table(out, &rows);
    }
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| printable(c).into_owned()).collect()
}

/// Writes rows in columns as wide as their widest cell (in characters),
/// two spaces apart; the last column is not padded.
fn table(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.first().map_or(0, Vec::len);
    let mut widths = vec![0; columns];
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
