//! `muster test`: the gate that a handbook change has not broken how its
//! scenarios play out: one line per scenario, E0705 at each `expect` not
//! met with the measured value and its cause, counts, exit status; the
//! filters and the diagnostic formats.

mod common;

use std::path::Path;

use common::muster_in;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_example_scenario_passes() {
    let out = muster_in(root(), &["test", "examples/", "--color", "never"], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(stdout.matches(" ... ok").count(), 5, "{stdout}");
    assert!(stdout.contains("test result: ok. scenarios: 5 passed, 0 failed"));
}

/// What a new user does: add an expectation, see it pass, make a step
/// slower, see the gate fail with the step, by how much, and why.
#[test]
fn a_slower_step_fails_the_gate_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let handbook = std::fs::read_to_string(root().join("examples/art42_7.muster")).unwrap();
    std::fs::write(dir.path().join("h.muster"), &handbook).unwrap();
    let pass = muster_in(dir.path(), &["test", "--color", "never"], None);
    assert_eq!(pass.status.code(), Some(0), "{}", text(&pass.stdout));
    assert!(text(&pass.stdout).contains("scenario double_invocation (h.muster) ... ok"));

    // Offers now take three days instead of two.
    let slower = handbook.replace("takes 2d\n    within 5d", "takes 3d\n    within 5d");
    assert_ne!(slower, handbook);
    std::fs::write(dir.path().join("h.muster"), slower).unwrap();
    let fail = muster_in(dir.path(), &["test", "h.muster", "--color", "never"], None);
    assert_eq!(fail.status.code(), Some(1));
    let stdout = text(&fail.stdout);
    assert!(
        stdout.contains("scenario double_invocation (h.muster) ... FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "[E0705] Error: expectation not met in scenario `double_invocation`: greece.art42_7.offers within 1w"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("greece · art42_7 · offers completed 9d after the incident, expected within 7d: it waited 4d for frigates, held by cyprus · art42_7 (2 ships) until T+5d"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expectations: 3 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn filters_and_scenario_ids_choose_what_runs() {
    let out = muster_in(
        root(),
        &["test", "examples/", "art42", "--color", "never"],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("running 1 scenario with expectations\n"),
        "{stdout}"
    );
    assert!(stdout.contains("double_invocation"));
    let out = muster_in(
        root(),
        &["test", "examples/", "--scenario", "spreading_flood"],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("scenario spreading_flood"), "{stdout}");
    assert_eq!(stdout.matches(" ... ").count(), 1, "{stdout}");
    let none = muster_in(root(), &["test", "examples/", "no_such_thing"], None);
    assert_eq!(none.status.code(), Some(0));
    assert!(text(&none.stdout).starts_with("running 0 scenarios"));
    let missing = muster_in(root(), &["test", "examples/nope.muster"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn runs_and_seed_override_the_scenarios() {
    let out = muster_in(
        root(),
        &[
            "test",
            "tests/ui/test/e0705_share_of_runs.muster",
            "--runs",
            "20",
            "--seed",
            "1",
            "--color",
            "never",
        ],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains(" of 20 runs"), "{stdout}");
}

#[test]
fn failures_in_every_diagnostic_format() {
    let file = "tests/ui/test/e0705_double_invocation.muster";
    let json = muster_in(root(), &["test", file, "--format", "json"], None);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0705", "E0705"]);
    assert_eq!(report["diagnostics"][0]["start"]["line"], 61);
    let github = muster_in(root(), &["test", file, "--format", "github"], None);
    let stdout = text(&github.stdout);
    assert!(
        stdout.starts_with("::error file=tests/ui/test/e0705_double_invocation.muster,line=61"),
        "{stdout}"
    );
    assert_eq!(github.status.code(), Some(1));
}

#[test]
fn a_handbook_that_does_not_compile_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.muster"),
        "actor a { kind office }\nprocedure p { lead b }\n",
    )
    .unwrap();
    let out = muster_in(dir.path(), &["test", "--color", "never"], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("handbook broken.muster ... FAILED (does not compile)"),
        "{stdout}"
    );
    assert!(stdout.contains("[E0102]"), "{stdout}");
    assert!(stdout.contains("1 handbook does not compile"), "{stdout}");
}
