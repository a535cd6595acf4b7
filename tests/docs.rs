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
