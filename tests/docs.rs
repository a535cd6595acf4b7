//! The pictures in the README and `docs/` are generated: they must match
//! what the code builds today.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn plan(example: &str) -> muster::plan::Plan {
    let output = muster::compile_file(root().join(example), &muster::Options::default()).unwrap();
    output.plan.expect("the example compiles")
}

#[test]
fn the_committed_dot_diagram_is_current() {
    let committed = std::fs::read_to_string(root().join("docs/art42_7.dot")).unwrap();
    assert!(
        committed == muster::emit::dot(&plan("examples/art42_7.muster")),
        "docs/art42_7.dot is stale: see README, 'Both pictures are generated'"
    );
}

#[test]
fn the_readme_mermaid_diagram_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("```mermaid\n").expect("a mermaid block") + "```mermaid\n".len();
    let end = start + readme[start..].find("```").unwrap();
    assert!(
        readme[start..end] == muster::emit::mermaid(&plan("examples/ucpm_medevac.muster")),
        "the Mermaid diagram in README.md is stale: see 'Both pictures are generated'"
    );
}

#[test]
fn the_readme_language_example_is_valid_and_formatted() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("## The language in one example").unwrap()..];
    let example = section
        .split("```")
        .nth(1)
        .unwrap()
        .trim_start_matches('\n');
    let mut sources = muster::source::SourceMap::new();
    let id = sources.add(muster::source::SourceFile::new("README.md", example));
    let compilation = muster::compile(&sources, id);
    assert!(
        compilation.diagnostics.is_empty(),
        "{:?}",
        compilation.diagnostics
    );
    assert_eq!(muster::fmt::format_source(&sources, id).unwrap(), example);
}

/// The block of the README after the marker `<!-- NAME: ... -->`.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme
        .find(&format!("<!-- {marker}:"))
        .unwrap_or_else(|| panic!("README.md has no `{marker}` block"));
    let rest = &readme[at..];
    let start = rest.find("```").unwrap();
    let body = &rest[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

fn played(example: &str) -> muster::simulate::report::Report {
    let output = muster::compile_file(root().join(example), &muster::Options::default()).unwrap();
    let model = output.model.expect("the example compiles");
    muster::simulate::report::play_all(&model, &output.sources, Default::default())
}

#[test]
fn the_readme_timeline_and_gantt_chart_are_current() {
    let report = played("examples/art42_7.muster");
    assert!(
        readme_block("timeline") == muster::emit::timeline::render(&report),
        "the timeline in README.md is stale: `cargo run -- simulate examples/art42_7.muster`"
    );
    assert!(
        readme_block("gantt") == muster::emit::gantt::render(&report),
        "the Gantt chart in README.md is stale: `cargo run -- simulate examples/art42_7.muster --emit gantt`"
    );
}

#[test]
fn the_reference_running_example_is_the_shipped_one() {
    let reference = std::fs::read_to_string(root().join("docs/reference.md")).unwrap();
    let start = reference.find("```muster\n").unwrap() + "```muster\n".len();
    let end = start + reference[start..].find("```").unwrap();
    let example = std::fs::read_to_string(root().join("examples/art42_7.muster")).unwrap();
    assert_eq!(&reference[start..end], example);
}

#[test]
fn the_committed_manual_is_current() {
    let output = muster::compile_file(
        root().join("examples/art42_7.muster"),
        &muster::Options::default(),
    )
    .unwrap();
    let plan = output.plan.expect("the example compiles");
    let report = played("examples/art42_7.muster");
    let committed = std::fs::read_to_string(root().join("docs/art42_7.manual.md")).unwrap();
    assert!(
        committed == muster::emit::doc::render(&plan, &report),
        "docs/art42_7.manual.md is stale: `cargo run -- doc examples/art42_7.muster -o docs/art42_7.manual.md`"
    );
}
