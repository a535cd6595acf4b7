//! `muster simulate --emit gantt`: the first run of every scenario as a
//! Mermaid `gantt` chart (GitHub renders it). A section per activation,
//! its steps as bars from start to completion, critical steps marked
//! `crit`, deadlines and decisions as milestones.
//!
//! Mermaid's Gantt charts have calendar axes, so S0 is drawn as
//! 2001-01-01 00:00 and the axis reads `day 1` for the day of S0, `day 2`
//! for the next. Dates are written and read in the viewer's local time,
//! so no time zone shifts a bar.

use std::fmt::Write as _;

use crate::simulate::report::{Report, ScenarioReport};

/// Renders the report as one Mermaid document (a chart per scenario
/// would be several documents; one chart has a section per activation
/// of every scenario played, headed by the scenario).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "gantt");
    let title = match report.scenarios.as_slice() {
        [one] => text(&one.label),
        _ => "Scenarios".to_owned(),
    };
    let _ = writeln!(out, "    title {title}");
    let _ = writeln!(out, "    dateFormat YYYY-MM-DD HH:mm");
    let _ = writeln!(out, "    axisFormat day %-j");
    for (i, sc) in report.scenarios.iter().enumerate() {
        scenario(&mut out, i, sc, report.scenarios.len() > 1);
    }
    out
}

/// S0 on Mermaid's calendar plus `minutes`, as `YYYY-MM-DD HH:mm`.
/// 2001 is not a leap year; later years are counted properly.
fn date(minutes: u32) -> String {
    let mut days = minutes / 1440;
    let rest = minutes % 1440;
    let mut year = 2001u32;
    loop {
        let leap = leap_year(year);
        let length = if leap { 366 } else { 365 };
        if days < length {
            break;
        }
        days -= length;
        year += 1;
    }
    let leap = leap_year(year);
    let months = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while month < 11 && days >= months[month] {
        days -= months[month];
        month += 1;
    }
    format!(
        "{year:04}-{:02}-{:02} {:02}:{:02}",
        month + 1,
        days + 1,
        rest / 60,
        rest % 60
    )
}

/// Text from the input, made safe for a Mermaid Gantt line: `:` starts
/// a task's data, `#` and `;` are entities and separators, `%` starts a
/// comment; anything but letters, digits and plain punctuation becomes a
/// space.
fn text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.,()/+'·".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.is_empty() {
        "untitled".to_owned()
    } else {
        words.join(" ")
    }
}

fn scenario(out: &mut String, index: usize, sc: &ScenarioReport, many: bool) {
    if sc.activations.is_empty() {
        let _ = writeln!(out, "    section {} · nothing activated", text(&sc.id));
        let _ = writeln!(
            out,
            "    no procedure activated :milestone, s{index}none, {}, 0m",
            date(0)
        );
        return;
    }
    for (a, act) in sc.activations.iter().enumerate() {
        let head = if many {
            format!("{} · {} · {}", sc.id, act.incident, act.procedure)
        } else {
            format!("{} · {}", act.incident, act.procedure)
        };
        let _ = writeln!(out, "    section {}", text(&head));
        for (s, step) in act.steps.iter().enumerate() {
            let id = format!("s{index}a{a}t{s}");
            let name = match &step.owner {
                Some(owner) => format!("{} ({owner})", step.id),
                None => step.id.clone(),
            };
            let name = text(&name);
            let mut tags: Vec<&str> = Vec::new();
            if step.critical {
                tags.push("crit");
            }
            match (step.start_minutes, step.complete_minutes) {
                (Some(start), Some(done)) if done > start => {
                    tags.push("done");
                    let _ = writeln!(
                        out,
                        "    {name} :{}{id}, {}, {}",
                        tag_list(&tags),
                        date(start),
                        date(done)
                    );
                }
                (Some(start), Some(_)) => {
                    tags.push("milestone");
                    let _ = writeln!(
                        out,
                        "    {name} :{}{id}, {}, 0m",
                        tag_list(&tags),
                        date(start)
                    );
                }
                (Some(start), None) => {
                    // Still running (or blocked while running) when the
                    // clock stopped.
                    tags.push("active");
                    let end = sc.horizon_minutes.max(start + 1);
                    let _ = writeln!(
                        out,
                        "    {name} (unfinished) :{}{id}, {}, {}",
                        tag_list(&tags),
                        date(start),
                        date(end)
                    );
                }
                (None, _) => {
                    // Never started: a mark at activation, so the step is
                    // still listed.
                    let why = if step.blocked {
                        "blocked"
                    } else {
                        "never started"
                    };
                    let _ = writeln!(
                        out,
                        "    {name} ({why}) :milestone, {id}, {}, 0m",
                        date(act.t0_minutes)
                    );
                }
            }
            if step.decision
                && let Some(done) = step.complete_minutes
            {
                let _ = writeln!(
                    out,
                    "    decision {} :milestone, {id}d, {}, 0m",
                    text(&step.id),
                    date(done)
                );
            }
            if let Some(deadline) = step.deadline_minutes {
                let verdict = match step.met {
                    Some(true) => "met",
                    Some(false) => "missed",
                    None => "open",
                };
                let crit = if step.met == Some(false) {
                    "crit, "
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "    deadline {} {verdict} :{crit}milestone, {id}w, {}, 0m",
                    text(&step.id),
                    date(deadline)
                );
            }
        }
    }
}

fn leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn tag_list(tags: &[&str]) -> String {
    tags.iter().map(|t| format!("{t}, ")).collect()
}
