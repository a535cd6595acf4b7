//! Large inputs go through the whole front end and checker without deep
//! recursion (they run here on a 1 MiB stack). How fast they go is measured
//! by the benchmarks, not here.

use muster::source::{SourceFile, SourceMap};

fn compile_on_small_stack(text: String) -> muster::Compilation {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let mut sources = SourceMap::new();
            let id = sources.add(SourceFile::new("large.muster", text));
            muster::compile(&sources, id)
        })
        .unwrap()
        .join()
        .expect("no stack overflow or panic")
}

const PREAMBLE: &str = "actor hrvp { kind office }\n\
    resource cell { provider hrvp }\n\
    fact on: bool\n";

#[test]
fn a_chain_of_20000_steps_is_scheduled() {
    let n = 20_000;
    let mut text = format!(
        "{PREAMBLE}procedure p {{\n  lead hrvp resources cell\n  trigger t {{ when on }}\n"
    );
    text.push_str("  step s0 { takes 1m }\n");
    for i in 1..n {
        text.push_str(&format!("  step s{i} {{ after s{} takes 1m }}\n", i - 1));
    }
    text.push_str("}\n");
    let compilation = compile_on_small_stack(text);
    assert!(
        compilation.diagnostics.is_empty(),
        "{:?}",
        &compilation.diagnostics[..1]
    );
    let model = compilation.model.unwrap();
    let schedule = &model.procedures[0].schedule;
    assert_eq!(schedule.duration, n as u64);
    assert_eq!(schedule.critical_path.len(), n);
}

#[test]
fn a_cycle_of_20000_steps_is_one_bounded_diagnostic() {
    let n = 20_000;
    let mut text = format!(
        "{PREAMBLE}procedure p {{\n  lead hrvp resources cell\n  trigger t {{ when on }}\n"
    );
    text.push_str(&format!("  step s0 {{ after s{} }}\n", n - 1));
    for i in 1..n {
        text.push_str(&format!("  step s{i} {{ after s{} }}\n", i - 1));
    }
    text.push_str("}\n");
    let compilation = compile_on_small_stack(text);
    assert_eq!(compilation.diagnostics.len(), 1);
    let d = &compilation.diagnostics[0];
    assert_eq!(d.code.as_str(), "E0301");
    assert!(d.message.len() < 300, "{}", d.message);
    assert!(d.message.contains("19991 more"), "{}", d.message);
}

#[test]
fn a_group_of_20000_members_checks() {
    let n = 20_000;
    let mut text = String::from(PREAMBLE);
    let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    for m in &members {
        text.push_str(&format!("actor {m} {{ kind member_state }}\n"));
    }
    text.push_str(&format!(
        "actor all {{ kind group members {} }}\n",
        members.join(", ")
    ));
    text.push_str("procedure p { lead hrvp support all resources cell trigger t { when on } }\n");
    let compilation = compile_on_small_stack(text);
    assert!(
        compilation.diagnostics.is_empty(),
        "{:?}",
        &compilation.diagnostics[..1]
    );
    assert_eq!(compilation.model.unwrap().actors[n + 1].members.len(), n);
}

#[test]
fn a_parent_chain_of_20000_actors_closed_into_a_cycle_is_reported_once() {
    let n = 20_000;
    let mut text = String::from(PREAMBLE);
    for i in 0..n {
        text.push_str(&format!(
            "actor a{i} {{ kind service parent a{} }}\n",
            (i + 1) % n
        ));
    }
    text.push_str("procedure p { lead hrvp support a0 resources cell trigger t { when on } }\n");
    let compilation = compile_on_small_stack(text);
    let codes: Vec<&str> = compilation
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0105"]);
}
