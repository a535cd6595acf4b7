//! Graphviz DOT (docs/reference.md#diagrams): a cluster per procedure, triggers as
//! hexagons pointing at the steps that start the procedure, steps as boxes
//! joined by `after` edges (the critical path in bold red), resources as
//! cylinders with dashed edges to what mobilises or requires them,
//! `activates` edges between procedures, and a legend.
//!
//! Every id and label goes through [`quote`], so no input can break the
//! file: ids are always quoted (a step called `graph` or `node` is fine).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Options;
use crate::plan::{Plan, Procedure, Step};

/// Quotes `text` as a DOT string: backslashes, quotes and line breaks are
/// escaped, and `<`, `>`, `&` become entities so Graphviz shows them as
/// written.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn trigger_node(procedure: &str, trigger: &str) -> String {
    quote(&format!("trigger {procedure}.{trigger}"))
}

fn step_node(procedure: &str, step: &str) -> String {
    quote(&format!("step {procedure}.{step}"))
}

/// A resource is drawn once in each procedure that uses it.
fn resource_node(procedure: &str, resource: &str) -> String {
    quote(&format!("resource {procedure}.{resource}"))
}

/// `stretch`: several procedures are stacked, and a long one would still
/// make a strip; the drawing is then spread to 16:9 (`ratio`, which moves
/// nodes apart without scaling text), the shape of a slide.
fn header(out: &mut String, plan: &Plan, stretch: bool) {
    let title = plan
        .handbook
        .as_ref()
        .map_or_else(|| "Muster plan".to_owned(), |h| h.title.clone());
    let _ = writeln!(out, "digraph muster {{");
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname=\"Helvetica\", rankdir=LR, compound=true, newrank=true, nodesep=0.25, ranksep=0.35{}];",
        quote(&title),
        if stretch { ", ratio=0.5625" } else { "" }
    );
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=10];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
}

/// Renders a plan as a DOT digraph. Procedures are stacked from top to
/// bottom (the `activates` edges between them do not constrain the
/// layout), so that a handbook of several procedures gives a picture
/// about as wide as a slide rather than one long strip.
pub fn render(plan: &Plan, options: &Options) -> String {
    let mut out = String::new();
    header(&mut out, plan, plan.procedures.len() > 1);
    let names = super::Names::new(plan);
    let resources = super::first_index(&plan.resources, |r| r.id.as_str());
    for (index, procedure) in plan.procedures.iter().enumerate() {
        write_procedure(
            &mut out, plan, &names, &resources, index, procedure, options,
        );
    }
    write_activation_edges(&mut out, plan);
    write_legend(&mut out);
    let _ = writeln!(out, "}}");
    out
}

/// The overview (`--overview`): one box per procedure, with its title and
/// triggers, and the `activates` edges between them, labelled with the
/// step that activates.
pub fn overview(plan: &Plan) -> String {
    let mut out = String::new();
    header(&mut out, plan, false);
    let names = super::Names::new(plan);
    let _ = writeln!(out);
    for (index, procedure) in plan.procedures.iter().enumerate() {
        let mut text = super::procedure_title(&names, procedure);
        for trigger in &procedure.triggers {
            let _ = write!(text, "\nwhen {}", trigger.condition);
        }
        let _ = writeln!(
            out,
            "  {} [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f5f5\", label={}];",
            quote(&format!("procedure {index}")),
            quote(&text)
        );
    }
    let procedures = super::first_index(&plan.procedures, |q| q.id.as_str());
    for (index, procedure) in plan.procedures.iter().enumerate() {
        for step in &procedure.steps {
            for target in &step.activates {
                if let Some(q) = procedures.get(target.as_str()) {
                    let _ = writeln!(
                        out,
                        "  {} -> {} [style=bold, color=\"#6a0dad\", label={}];",
                        quote(&format!("procedure {index}")),
                        quote(&format!("procedure {q}")),
                        quote(&format!("activates\n({})", step.label))
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "}}");
    out
}

fn write_procedure(
    out: &mut String,
    plan: &Plan,
    names: &super::Names,
    resources: &HashMap<&str, usize>,
    index: usize,
    procedure: &Procedure,
    options: &Options,
) {
    let p = &procedure.id;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  subgraph {} {{",
        quote(&format!("cluster_procedure_{index}"))
    );
    let title = super::procedure_title(names, procedure);
    let _ = writeln!(out, "    label={};", quote(&title));
    let _ = writeln!(
        out,
        "    labelloc=t; labeljust=l; style=\"rounded\"; color=\"#555555\";"
    );

    for trigger in &procedure.triggers {
        let label = super::trigger_text(names, trigger);
        let _ = writeln!(
            out,
            "    {} [shape=hexagon, style=filled, fillcolor=\"#e6f0ff\", label={}];",
            trigger_node(p, &trigger.id),
            quote(&label)
        );
    }
    for r in super::used_resources(plan, resources, procedure) {
        let Some(resource) = plan.resources.get(r) else {
            continue;
        };
        let critical = procedure.critical_resource.as_deref() == Some(resource.id.as_str());
        let style = if critical {
            "style=\"filled,bold\", fillcolor=\"#fff4d6\", color=\"#c00000\""
        } else {
            "style=filled, fillcolor=\"#fff4d6\""
        };
        let _ = writeln!(
            out,
            "    {} [shape=cylinder, {style}, label={}];",
            resource_node(p, &resource.id),
            quote(&super::resource_text(names, resource, critical))
        );
    }

    let critical = super::critical_steps(procedure);
    let write_step = |out: &mut String, step: &Step, indent: &str| {
        let style = if critical.contains(step.id.as_str()) {
            "style=\"rounded,filled,bold\", fillcolor=\"#ffe5e5\", color=\"#c00000\""
        } else {
            "style=\"rounded,filled\", fillcolor=\"#f5f5f5\""
        };
        let _ = writeln!(
            out,
            "{indent}{} [shape=box, {style}, label={}];",
            step_node(p, &step.id),
            quote(&super::step_text(names, step))
        );
    };
    if options.lanes {
        for (lane, (label, steps)) in super::lanes(names, procedure).iter().enumerate() {
            let _ = writeln!(
                out,
                "    subgraph {} {{",
                quote(&format!("cluster_procedure_{index}_lane_{lane}"))
            );
            let _ = writeln!(
                out,
                "      label={}; labeljust=l; style=\"dashed\"; color=\"#999999\";",
                quote(label)
            );
            for &s in steps {
                if let Some(step) = procedure.steps.get(s) {
                    write_step(out, step, "      ");
                }
            }
            let _ = writeln!(out, "    }}");
        }
    } else {
        for step in &procedure.steps {
            write_step(out, step, "    ");
        }
    }

    // Each trigger starts the steps that wait for no other step.
    for trigger in &procedure.triggers {
        for step in procedure.steps.iter().filter(|s| s.after.is_empty()) {
            let _ = writeln!(
                out,
                "    {} -> {} [color=\"#3366cc\"];",
                trigger_node(p, &trigger.id),
                step_node(p, &step.id)
            );
        }
    }
    // `after` edges; an edge between consecutive steps of the critical path
    // is emphasised.
    let critical_edges = super::critical_edges(procedure);
    for step in &procedure.steps {
        for before in &step.after {
            let on_path = critical_edges.contains(&(before.as_str(), step.id.as_str()));
            let style = if on_path {
                " [color=\"#c00000\", penwidth=2.5]"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    {} -> {}{style};",
                step_node(p, before),
                step_node(p, &step.id)
            );
        }
    }
    // What mobilises and requires each resource, inside the procedure.
    for trigger in &procedure.triggers {
        for m in &trigger.resources {
            let _ = writeln!(
                out,
                "    {} -> {} [style=dashed, arrowhead=none, color=\"#b8860b\", label={}];",
                resource_node(p, &m.resource),
                trigger_node(p, &trigger.id),
                quote(&amount_text(m.amount, m.unit.as_deref()))
            );
        }
    }
    for step in &procedure.steps {
        for r in &step.requires {
            let _ = writeln!(
                out,
                "    {} -> {} [style=dashed, color=\"#b8860b\", label={}];",
                resource_node(p, &r.resource),
                step_node(p, &step.id),
                quote(&amount_text(r.amount, r.unit.as_deref()))
            );
        }
    }
    let _ = writeln!(out, "  }}");
}

fn amount_text(amount: Option<u32>, unit: Option<&str>) -> String {
    match (amount, unit) {
        (Some(a), Some(u)) => format!("{a} {u}"),
        (Some(a), None) => a.to_string(),
        _ => String::new(),
    }
}

fn write_activation_edges(out: &mut String, plan: &Plan) {
    let mut any = false;
    let procedures = super::first_index(&plan.procedures, |q| q.id.as_str());
    for procedure in &plan.procedures {
        for step in &procedure.steps {
            for target in &step.activates {
                let Some((index, other)) = procedures
                    .get(target.as_str())
                    .and_then(|&q| Some((q, plan.procedures.get(q)?)))
                else {
                    continue;
                };
                // An edge to a node of the target cluster, clipped at the
                // cluster's border. It does not constrain the layout (so
                // procedures stack) and carries no label (which Graphviz
                // would place over cluster titles): the legend names it.
                let head = match (other.triggers.first(), other.steps.first()) {
                    (Some(t), _) => trigger_node(&other.id, &t.id),
                    (None, Some(s)) => step_node(&other.id, &s.id),
                    (None, None) => continue,
                };
                if !any {
                    let _ = writeln!(out);
                    let _ = writeln!(out, "  // Escalation between procedures");
                    any = true;
                }
                let _ = writeln!(
                    out,
                    "  {} -> {head} [lhead={}, constraint=false, style=bold, color=\"#6a0dad\"];",
                    step_node(&procedure.id, &step.id),
                    quote(&format!("cluster_procedure_{index}"))
                );
            }
        }
    }
}

fn write_legend(out: &mut String) {
    let _ = writeln!(out);
    let _ = writeln!(out, "  subgraph \"cluster_legend\" {{");
    let _ = writeln!(
        out,
        "    label=\"Legend (times count from the procedure's activation)\"; labeljust=l; style=\"dotted\"; fontsize=10;"
    );
    let _ = writeln!(
        out,
        "    \"legend trigger\" [shape=hexagon, style=filled, fillcolor=\"#e6f0ff\", label=\"trigger\\nwhen condition\\nlead\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend step\" [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f5f5\", label=\"step\\n(id)\\nowner\\nstart → finish from activation\\nnotify\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend critical\" [shape=box, style=\"rounded,filled,bold\", fillcolor=\"#ffe5e5\", color=\"#c00000\", label=\"critical step\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend resource\" [shape=cylinder, style=filled, fillcolor=\"#fff4d6\", label=\"resource\\n(critical: red border)\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend procedure\" [shape=box, style=\"rounded\", color=\"#555555\", label=\"another procedure\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend trigger\" -> \"legend step\" [color=\"#3366cc\", label=\"starts\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend step\" -> \"legend critical\" [color=\"#c00000\", penwidth=2.5, label=\"after (critical)\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend resource\" -> \"legend step\" [style=dashed, color=\"#b8860b\", label=\"requires\"];"
    );
    let _ = writeln!(
        out,
        "    \"legend critical\" -> \"legend procedure\" [style=bold, color=\"#6a0dad\", label=\"activates\"];"
    );
    let _ = writeln!(out, "  }}");
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_escapes_everything_that_could_break_a_dot_file() {
        assert_eq!(quote("graph"), "\"graph\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("line\r\nnext"), "\"line\\nnext\"");
        assert_eq!(quote("<b>&amp;</b>"), "\"&lt;b&gt;&amp;amp;&lt;/b&gt;\"");
        assert_eq!(quote("nul\u{0}"), "\"nul\"");
    }
}
