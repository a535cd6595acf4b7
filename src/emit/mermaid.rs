//! Mermaid `flowchart` (docs/reference.md#diagrams), with the same content as the DOT
//! diagram: a subgraph per procedure, triggers as hexagons, steps as
//! rounded boxes, resources as cylinders, `after`, critical, resource and
//! `activates` links, and a legend.
//!
//! Node ids are generated (`S0_3`: procedure 0, step 3), never taken from
//! the input, so no name can be a Mermaid keyword (`end`) or an edge head
//! (`o`, `x`). Every label goes through [`label`], which writes everything
//! but letters, digits and a few harmless marks (`.,-_:/'()+=!?`) as
//! Mermaid entity codes, so
//! no input can close a label, start a directive (`%%{init}%%`), a `click`
//! or `classDef` statement, or carry HTML (`</script>`).

use std::fmt::Write as _;

use super::Options;
use crate::plan::{Plan, Step};

/// A Mermaid label: the text in double quotes, with line breaks as `<br>`
/// and every character that could mean something to Mermaid or to HTML as
/// a numeric entity code (`#35;`).
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c if c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '.'
                        | ','
                        | '-'
                        | '_'
                        | ':'
                        | '/'
                        | '\''
                        | '('
                        | ')'
                        | '+'
                        | '='
                        | '!'
                        | '?'
                        | '·'
                        | '→'
                ) =>
            {
                out.push(c)
            }
            c if c.is_control() => {}
            c => {
                let _ = write!(out, "#{};", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Renders a plan as a Mermaid flowchart.
pub fn render(plan: &Plan, options: &Options) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "flowchart LR");
    if let Some(h) = &plan.handbook {
        let _ = writeln!(out, "  %% {}", comment(&h.title));
    }
    // Lookups only: output follows the order of the plan's lists.
    let resource_index = super::first_index(&plan.resources, |r| r.id.as_str());
    let procedure_index = super::first_index(&plan.procedures, |q| q.id.as_str());
    let names = super::Names::new(plan);
    // A resource is drawn once in each procedure that uses it: `R0_2` is
    // resource 2 in procedure 0.
    let mut resource_nodes: Vec<String> = Vec::new();
    let mut critical_resources: Vec<String> = Vec::new();
    let mut critical_nodes: Vec<String> = Vec::new();
    // Whether each step of each procedure is critical, by index.
    let mut is_critical: Vec<Vec<bool>> = Vec::with_capacity(plan.procedures.len());
    let mut links: Vec<String> = Vec::new();

    for (p, procedure) in plan.procedures.iter().enumerate() {
        let step_index = super::first_index(&procedure.steps, |s| s.id.as_str());
        let step_id = |s: &str| step_index.get(s).map(|i| format!("S{p}_{i}"));
        let critical = super::critical_steps(procedure);
        let critical_edges = super::critical_edges(procedure);
        let mut critical_here = vec![false; procedure.steps.len()];
        let resource_id = |r: &str| resource_index.get(r).map(|i| format!("R{p}_{i}"));
        let title = super::procedure_title(&names, procedure);
        let _ = writeln!(out, "  subgraph P{p}[{}]", label(&title));
        for (t, trigger) in procedure.triggers.iter().enumerate() {
            let text = super::trigger_text(&names, trigger);
            let _ = writeln!(out, "    T{p}_{t}{{{{{}}}}}", label(&text));
        }
        let write_step = |out: &mut String, s: usize, step: &Step, indent: &str| {
            let _ = writeln!(
                out,
                "{indent}S{p}_{s}({})",
                label(&super::step_text(&names, step))
            );
        };
        if options.lanes {
            for (lane, (owner, steps)) in super::lanes(&names, procedure).iter().enumerate() {
                let _ = writeln!(out, "    subgraph L{p}_{lane}[{}]", label(owner));
                for &s in steps {
                    if let Some(step) = procedure.steps.get(s) {
                        write_step(&mut out, s, step, "      ");
                    }
                }
                let _ = writeln!(out, "    end");
            }
        } else {
            for (s, step) in procedure.steps.iter().enumerate() {
                write_step(&mut out, s, step, "    ");
            }
        }
        for r in super::used_resources(plan, &resource_index, procedure) {
            let Some(resource) = plan.resources.get(r) else {
                continue;
            };
            let critical = procedure.critical_resource.as_deref() == Some(resource.id.as_str());
            let text = super::resource_text(&names, resource, critical);
            let _ = writeln!(out, "    R{p}_{r}[({})]", label(&text));
            if critical {
                critical_resources.push(format!("R{p}_{r}"));
            } else {
                resource_nodes.push(format!("R{p}_{r}"));
            }
        }
        let _ = writeln!(out, "  end");

        for t in 0..procedure.triggers.len() {
            for (s, _) in procedure
                .steps
                .iter()
                .enumerate()
                .filter(|(_, x)| x.after.is_empty())
            {
                links.push(format!("T{p}_{t} --> S{p}_{s}"));
            }
        }
        for (s, step) in procedure.steps.iter().enumerate() {
            if critical.contains(step.id.as_str()) {
                critical_nodes.push(format!("S{p}_{s}"));
                if let Some(c) = critical_here.get_mut(s) {
                    *c = true;
                }
            }
            for before in &step.after {
                let Some(from) = step_id(before) else {
                    continue;
                };
                let on_path = critical_edges.contains(&(before.as_str(), step.id.as_str()));
                let arrow = if on_path { "==>" } else { "-->" };
                links.push(format!("{from} {arrow} S{p}_{s}"));
            }
            for target in &step.activates {
                if let Some(q) = procedure_index.get(target.as_str()) {
                    links.push(format!("S{p}_{s} -- activates --> P{q}"));
                }
            }
        }
        for (t, trigger) in procedure.triggers.iter().enumerate() {
            for mobilised in &trigger.resources {
                if let Some(r) = resource_id(&mobilised.resource) {
                    links.push(format!("{r} -.- T{p}_{t}"));
                }
            }
        }
        for (s, step) in procedure.steps.iter().enumerate() {
            for required in &step.requires {
                if let Some(r) = resource_id(&required.resource) {
                    links.push(format!("{r} -.-> S{p}_{s}"));
                }
            }
        }
        is_critical.push(critical_here);
    }

    for link in &links {
        let _ = writeln!(out, "  {link}");
    }

    // Legend.
    let _ = writeln!(out, "  subgraph legend[\"Legend\"]");
    let _ = writeln!(out, "    LT{{{{\"trigger\"}}}} --> LS(\"step\")");
    let _ = writeln!(out, "    LS ==> LC(\"critical step\")");
    let _ = writeln!(out, "    LR[(\"resource\")] -.-> LS");
    let _ = writeln!(out, "    LC -- activates --> LP[\"another procedure\"]");
    let _ = writeln!(
        out,
        "    LN[\"times count from the procedure's activation\"]"
    );
    let _ = writeln!(out, "  end");

    let _ = writeln!(out, "  classDef trigger fill:#e6f0ff,stroke:#3366cc");
    let _ = writeln!(out, "  classDef step fill:#f5f5f5,stroke:#555555");
    let _ = writeln!(
        out,
        "  classDef critical fill:#ffe5e5,stroke:#c00000,stroke-width:3px"
    );
    let _ = writeln!(out, "  classDef resource fill:#fff4d6,stroke:#b8860b");
    let mut triggers: Vec<String> = vec!["LT".to_owned()];
    let mut steps: Vec<String> = vec!["LS".to_owned()];
    for (p, procedure) in plan.procedures.iter().enumerate() {
        triggers.extend((0..procedure.triggers.len()).map(|t| format!("T{p}_{t}")));
        let critical_here = is_critical.get(p).map_or(&[][..], Vec::as_slice);
        steps.extend(
            (0..procedure.steps.len())
                .filter(|&s| !critical_here.get(s).copied().unwrap_or(false))
                .map(|s| format!("S{p}_{s}")),
        );
    }
    critical_nodes.insert(0, "LC".to_owned());
    let resources: Vec<String> = std::iter::once("LR".to_owned())
        .chain(resource_nodes)
        .collect();
    let _ = writeln!(out, "  class {} trigger", triggers.join(","));
    let _ = writeln!(out, "  class {} step", steps.join(","));
    let _ = writeln!(out, "  class {} critical", critical_nodes.join(","));
    let _ = writeln!(out, "  class {} resource", resources.join(","));
    if !critical_resources.is_empty() {
        let _ = writeln!(
            out,
            "  classDef critical_resource fill:#fff4d6,stroke:#c00000,stroke-width:3px"
        );
        let _ = writeln!(
            out,
            "  class {} critical_resource",
            critical_resources.join(",")
        );
    }
    out
}

/// The overview (`--overview`): one node per procedure, with its title and
/// triggers, and the `activates` links between them, labelled with the
/// step that activates.
pub fn overview(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "flowchart LR");
    if let Some(h) = &plan.handbook {
        let _ = writeln!(out, "  %% {}", comment(&h.title));
    }
    let names = super::Names::new(plan);
    for (p, procedure) in plan.procedures.iter().enumerate() {
        let mut text = super::procedure_title(&names, procedure);
        for trigger in &procedure.triggers {
            let _ = write!(text, "\nwhen {}", trigger.condition);
        }
        let _ = writeln!(out, "  P{p}({})", label(&text));
    }
    let procedure_index = super::first_index(&plan.procedures, |q| q.id.as_str());
    for (p, procedure) in plan.procedures.iter().enumerate() {
        for step in &procedure.steps {
            for target in &step.activates {
                if let Some(q) = procedure_index.get(target.as_str()) {
                    let text = format!("activates ({})", step.label);
                    let _ = writeln!(out, "  P{p} ==>|{}| P{q}", label(&text));
                }
            }
        }
    }
    out
}

/// A Mermaid comment (`%% …`) holds the rest of its line: line breaks and
/// anything that could open a directive are dropped.
fn comment(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !matches!(c, '%' | '{' | '}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_cannot_carry_syntax_directives_or_html() {
        assert_eq!(label("Crisis cell"), "\"Crisis cell\"");
        assert_eq!(label("a\"]\nb"), "\"a#34;#93;<br>b\"");
        assert_eq!(
            label("%%{init: {}}%%"),
            "\"#37;#37;#123;init: #123;#125;#125;#37;#37;\""
        );
        assert_eq!(label("</script>"), "\"#60;/script#62;\"");
        assert_eq!(label("click X call f()"), "\"click X call f()\"");
        assert_eq!(label("Öl — 3;"), "\"Öl #8212; 3#59;\"");
    }
}
