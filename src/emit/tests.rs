//! The diagrams of a large generated chain: well-formed, complete and the
//! same bytes on every run. (How fast they are is measured by
//! `benches/emit_costs.rs`, not here.)

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Options, dot, mermaid};
use crate::plan::Plan;
use crate::source::{SourceFile, SourceMap};

const STEPS: usize = 2_000;

/// A procedure of `STEPS` steps, each after the one before, owned in turn
/// by three actors, with a resource required by every tenth step.
fn chain_plan() -> Plan {
    let mut text = String::from(
        "actor lead \"Lead\" { kind office }\n\
         actor b \"Actor B\" { kind body }\n\
         actor c \"Actor C\" { kind service }\n\
         resource cell \"Cell\" { provider lead  capacity 5 officers }\n\
         fact on: bool\n\
         procedure p \"Chain\" {\n  lead lead\n  resources cell\n  trigger t { when on }\n",
    );
    for i in 0..STEPS {
        let _ = write!(text, "  step s{i} {{ takes 1m");
        if i > 0 {
            let _ = write!(text, "  after s{}", i - 1);
        }
        let _ = write!(text, "  owner {}", ["lead", "b", "c"][i % 3]);
        if i % 10 == 0 {
            let _ = write!(text, "  requires cell(1 officers)");
        }
        text.push_str(" }\n");
    }
    text.push_str("}\n");
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("chain.muster", text));
    let compilation = crate::compile(&sources, id);
    let model = compilation
        .model
        .unwrap_or_else(|| panic!("the chain compiles: {:?}", compilation.diagnostics));
    crate::plan::build(&model, &sources, &[id])
}

/// The DOT text with every quoted string replaced by `""`, so that braces,
/// arrows and semicolons inside labels do not count.
fn dot_structure(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        out.push_str("\"\"");
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                _ => {}
            }
        }
    }
    out
}

fn check_dot(text: &str, lanes: bool) {
    assert!(text.starts_with("digraph muster {\n"));
    assert!(text.ends_with("}\n"));
    let structure = dot_structure(text);
    // Braces balance and never close more than was opened.
    let mut depth = 0i64;
    for c in structure.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        assert!(depth >= 0);
    }
    assert_eq!(depth, 0);
    // Every step is declared once, every `after` edge joins declared steps,
    // and the whole chain is critical.
    let mut declared = BTreeSet::new();
    let mut after_edges = 0;
    let mut critical_edges = 0;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("\"step p.") {
            if let Some((id, _)) = rest.split_once("\" [shape=box") {
                assert!(declared.insert(id.to_owned()), "{id} declared twice");
                assert!(line.contains("color=\"#c00000\""), "{line}");
            } else if let Some((from, to)) = rest.split_once("\" -> \"step p.") {
                let to = to.split('"').next().unwrap_or_default();
                assert!(declared.contains(from) && declared.contains(to), "{line}");
                after_edges += 1;
                if line.ends_with("[color=\"#c00000\", penwidth=2.5];") {
                    critical_edges += 1;
                }
            }
        }
    }
    assert_eq!(declared.len(), STEPS);
    assert_eq!((after_edges, critical_edges), (STEPS - 1, STEPS - 1));
    assert_eq!(text.contains("_lane_"), lanes);
}

fn check_mermaid(text: &str, lanes: bool) {
    assert!(text.starts_with("flowchart LR\n"));
    // Subgraphs are closed.
    let opened = text
        .lines()
        .filter(|l| l.trim_start().starts_with("subgraph "))
        .count();
    let closed = text.lines().filter(|l| l.trim() == "end").count();
    assert_eq!(opened, closed);
    assert_eq!(opened, if lanes { 1 + 3 + 1 } else { 1 + 1 });
    // Every step node is declared once; every link joins declared nodes.
    let mut declared = BTreeSet::new();
    let mut thick = 0;
    for line in text.lines().map(str::trim) {
        if let Some((node, _)) = line.split_once("(\"")
            && node.starts_with("S0_")
        {
            assert!(declared.insert(node.to_owned()), "{node} declared twice");
        }
        let words: Vec<&str> = line.split(' ').collect();
        if let [from, arrow, to] = words[..]
            && matches!(arrow, "-->" | "==>")
            && to.starts_with("S0_")
        {
            assert!(
                declared.contains(to) && (from.starts_with('T') || declared.contains(from)),
                "{line}"
            );
            thick += usize::from(arrow == "==>");
        }
    }
    assert_eq!(declared.len(), STEPS);
    assert_eq!(thick, STEPS - 1);
    // Every step is in exactly one class, and all are critical.
    let class = |name: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with("  class ") && l.ends_with(&format!(" {name}")))
            .unwrap_or_default();
        line.split(' ')
            .nth(3)
            .unwrap_or_default()
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(class("step"), ["LS"]);
    let critical = class("critical");
    assert_eq!(critical.len(), STEPS + 1);
    assert_eq!(
        critical[1..].iter().cloned().collect::<BTreeSet<_>>(),
        declared
    );
}

#[test]
fn the_diagrams_of_a_long_chain_are_well_formed_and_deterministic() {
    let plan = chain_plan();
    // A second plan compiled from the same text, rendered separately.
    let again = chain_plan();
    assert_eq!(plan.procedures[0].critical_path.len(), STEPS);
    for lanes in [false, true] {
        let options = Options { lanes };
        let text = dot::render(&plan, &options);
        check_dot(&text, lanes);
        assert_eq!(text, dot::render(&again, &options), "DOT differs");
        let text = mermaid::render(&plan, &options);
        check_mermaid(&text, lanes);
        assert_eq!(text, mermaid::render(&again, &options), "Mermaid differs");
    }
}
