//! Every Mermaid diagram the project emits is parsed by the real Mermaid
//! parser (`tests/mermaid/validate.mjs`, Node with the `mermaid` package),
//! which must accept it — and must refuse a broken one, so the check can
//! fail. Where Node or the packages are missing the test fails under CI
//! (`.ci/run` installs them with `npm ci`) and is skipped, saying so, on a
//! developer's machine.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn available() -> bool {
    root().join("tests/mermaid/node_modules/mermaid").is_dir()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

/// Runs the validator on `files`; its exit status and output.
fn validate(files: &[PathBuf]) -> (bool, String) {
    let output = Command::new("node")
        .current_dir(root().join("tests/mermaid"))
        .arg("validate.mjs")
        .args(files)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn mermaid_parses_every_diagram() {
    if !available() {
        common::skip_without(
            "Node with the Mermaid packages",
            "cd tests/mermaid && npm ci",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut inputs: Vec<PathBuf> = Vec::new();
    for sub in ["examples", "tests/emit"] {
        for entry in std::fs::read_dir(root().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let path = if path.is_dir() {
                path.join("main.muster")
            } else {
                path
            };
            if path.extension().is_some_and(|x| x == "muster") && path.is_file() {
                inputs.push(path);
            }
        }
    }
    inputs.sort();
    let mut files = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let plan = muster::compile_file(input, &muster::Options::default())
            .unwrap()
            .plan
            .expect("the file compiles");
        for lanes in [false, true] {
            let file = dir.path().join(format!("{i}-{lanes}.mmd"));
            std::fs::write(
                &file,
                muster::emit::mermaid::render(&plan, &muster::emit::Options { lanes }),
            )
            .unwrap();
            files.push(file);
        }
        let file = dir.path().join(format!("{i}-overview.mmd"));
        std::fs::write(&file, muster::emit::mermaid::overview(&plan)).unwrap();
        files.push(file);
    }
    // The Gantt charts of every example's scenarios, and of the hostile
    // labels of tests/emit.
    for (i, input) in inputs.iter().enumerate() {
        let output = muster::compile_file(input, &muster::Options::default()).unwrap();
        let model = output.model.expect("the file compiles");
        if model.scenarios.is_empty() {
            continue;
        }
        let report =
            muster::simulate::report::play_all(&model, &output.sources, Default::default());
        let file = dir.path().join(format!("{i}-gantt.mmd"));
        std::fs::write(&file, muster::emit::gantt::render(&report)).unwrap();
        files.push(file);
    }
    assert!(
        files
            .iter()
            .filter(|f| f.to_string_lossy().ends_with("gantt.mmd"))
            .count()
            >= 5,
        "every example has a scenario"
    );
    let (ok, output) = validate(&files);
    assert!(ok, "{output}");
    assert_eq!(output.matches("ok ").count(), files.len(), "{output}");

    // The validator refuses what Mermaid refuses.
    let broken = dir.path().join("broken.mmd");
    std::fs::write(&broken, "flowchart LR\n  A[\"x\"] --> B[\n").unwrap();
    let (ok, output) = validate(&[broken]);
    assert!(!ok, "{output}");
}
