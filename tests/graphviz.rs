//! Every DOT diagram the project emits is rendered by the real Graphviz
//! `dot`, which must accept it without an error or a warning. Where `dot`
//! is missing the test fails under CI (`.ci/run` installs it) and is
//! skipped, saying so, on a developer's machine.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn dot_available() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Renders with `dot -Tsvg`: success, standard error, the SVG.
fn render_svg(dot_text: &str) -> (bool, String, String) {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn render(dot_text: &str) -> (bool, String) {
    let (ok, stderr, _) = render_svg(dot_text);
    (ok, stderr)
}

/// The `width="…pt" height="…pt"` of an SVG.
fn size(svg: &str) -> (f64, f64) {
    let number = |key: &str| -> f64 {
        let start = svg.find(key).unwrap() + key.len();
        let end = start + svg[start..].find("pt\"").unwrap();
        svg[start..end].parse().unwrap()
    };
    (number("width=\""), number("height=\""))
}

fn plan(path: &str) -> muster::plan::Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    muster::compile_file(&path, &muster::Options::default())
        .unwrap()
        .plan
        .expect("the file compiles")
}

/// Several procedures are stacked, and the picture has about the shape of
/// a slide (16:9 is 1.78), not of a strip (they were 3.3 to 7.0).
#[test]
fn multi_procedure_diagrams_fit_a_slide() {
    if !dot_available() {
        common::skip_without("Graphviz `dot`", "apt-get install graphviz");
        return;
    }
    for example in [
        "examples/eu_crisis/main.muster",
        "examples/cyber_crisis.muster",
        "examples/solidarity_222.muster",
    ] {
        let plan = plan(example);
        assert!(plan.procedures.len() > 1, "{example}");
        for lanes in [false, true] {
            let text = muster::emit::dot::render(&plan, &muster::emit::Options { lanes });
            let (ok, stderr, svg) = render_svg(&text);
            assert!(ok && stderr.is_empty(), "{example}: {stderr}");
            let (width, height) = size(&svg);
            let ratio = width / height;
            assert!(
                (1.2..=2.4).contains(&ratio),
                "{example} (lanes: {lanes}): {width} × {height} pt, ratio {ratio:.2}"
            );
        }
    }
}

/// The overview and every one-procedure diagram are accepted too.
#[test]
fn overview_and_single_procedure_diagrams_render_without_a_warning() {
    if !dot_available() {
        common::skip_without("Graphviz `dot`", "apt-get install graphviz");
        return;
    }
    for example in [
        "examples/eu_crisis/main.muster",
        "examples/cyber_crisis.muster",
        "examples/solidarity_222.muster",
        "tests/emit/hostile_labels.muster",
    ] {
        let plan = plan(example);
        let (ok, stderr) = render(&muster::emit::dot::overview(&plan));
        assert!(ok && stderr.is_empty(), "{example} overview: {stderr}");
        for procedure in &plan.procedures {
            let one = muster::emit::only_procedure(&plan, &procedure.id).unwrap();
            let text = muster::emit::dot::render(&one, &muster::emit::Options::default());
            let (ok, stderr) = render(&text);
            assert!(
                ok && stderr.is_empty(),
                "{example} {}: {stderr}",
                procedure.id
            );
        }
    }
}

/// No edge label of a procedure is drawn outside its box: every resource
/// edge joins two nodes of one procedure, and the `activates` edges between
/// procedures carry no label.
#[test]
fn no_edge_crosses_a_procedure_with_a_label() {
    let text = muster::emit::dot(&plan("examples/eu_crisis/main.muster"));
    for line in text.lines().filter(|l| l.starts_with("  \"")) {
        if line.contains(" -> ") {
            assert!(!line.contains("label="), "{line}");
        }
    }
    for line in text.lines().filter(|l| l.starts_with("    \"resource ")) {
        if let Some((from, to)) = line.trim().split_once(" -> ") {
            let procedure = |node: &str| {
                node.split(' ')
                    .nth(1)
                    .unwrap()
                    .split('.')
                    .next()
                    .unwrap()
                    .to_owned()
            };
            assert_eq!(procedure(from), procedure(to), "{line}");
        }
    }
}

#[test]
fn graphviz_renders_every_diagram_without_a_warning() {
    if !dot_available() {
        common::skip_without("Graphviz `dot`", "apt-get install graphviz");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["examples", "tests/emit"] {
        files.extend(
            std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { p.join("main.muster") } else { p })
                .filter(|p| p.extension().is_some_and(|x| x == "muster") && p.is_file()),
        );
    }
    files.sort();
    assert!(files.len() >= 4);
    for path in files {
        let output = muster::compile_file(&path, &muster::Options::default()).unwrap();
        let plan = output.plan.expect("the file compiles");
        for lanes in [false, true] {
            let text = muster::emit::dot::render(&plan, &muster::emit::Options { lanes });
            let (ok, stderr) = render(&text);
            assert!(
                ok && stderr.is_empty(),
                "{} (lanes: {lanes}): {stderr}",
                path.display()
            );
        }
    }
}
