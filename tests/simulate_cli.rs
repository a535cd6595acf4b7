//! `muster simulate`: the four artefacts of every example's scenarios as
//! committed snapshots, findings on standard error, `-o` written whole,
//! the `--check` drift gate, and the usage errors.

mod common;

use std::path::Path;

use common::muster_in;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const EXAMPLES: [(&str, &str); 5] = [
    ("art42_7", "examples/art42_7.muster"),
    ("cyber_crisis", "examples/cyber_crisis.muster"),
    ("solidarity_222", "examples/solidarity_222.muster"),
    ("ucpm_medevac", "examples/ucpm_medevac.muster"),
    ("eu_crisis", "examples/eu_crisis/main.muster"),
];

#[test]
fn every_example_scenario_in_every_artefact() {
    for (name, path) in EXAMPLES {
        for emit in ["timeline", "json", "gantt", "msel"] {
            let out = muster_in(
                root(),
                &["simulate", path, "--emit", emit, "--color", "never"],
                None,
            );
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{name} {emit}: {}",
                text(&out.stderr)
            );
            insta::assert_snapshot!(format!("{name}.{emit}"), text(&out.stdout));
        }
        // The findings, as people read them.
        let out = muster_in(root(), &["simulate", path, "--color", "never"], None);
        let findings: String = text(&out.stderr)
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        insta::assert_snapshot!(format!("{name}.findings"), findings);
    }
}

#[test]
fn the_msel_is_csv_with_the_msel_columns() {
    let out = muster_in(
        root(),
        &["simulate", "examples/art42_7.muster", "--emit", "msel"],
        None,
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "seq",
            "time",
            "incident",
            "type",
            "from",
            "to",
            "description",
            "expected_action",
            "procedure",
            "step"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(rows.len() > 10);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 10);
        assert_eq!(row[0], (i + 1).to_string());
        assert!(row[1].starts_with("T+"));
    }
    assert!(
        rows.iter()
            .any(|r| &r[3] == "deadline missed" && &r[2] == "greece" && &r[9] == "offers")
    );
}

#[test]
fn findings_go_to_standard_error_and_warnings_exit_zero() {
    let out = muster_in(root(), &["simulate", "examples/art42_7.muster"], None);
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("[W0702]") && stderr.contains("[W0701]"),
        "{stderr}"
    );
    assert!(text(&out.stdout).starts_with("scenario double_invocation"));
    let denied = muster_in(
        root(),
        &["simulate", "examples/art42_7.muster", "--deny-warnings"],
        None,
    );
    assert_eq!(denied.status.code(), Some(1));
    let allowed = muster_in(
        root(),
        &[
            "simulate",
            "examples/art42_7.muster",
            "--allow",
            "W0701",
            "--allow",
            "W0702",
        ],
        None,
    );
    assert_eq!(text(&allowed.stderr), "");
    let json = muster_in(
        root(),
        &["simulate", "examples/art42_7.muster", "--format", "json"],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&json.stderr).unwrap();
    assert_eq!(report["warning_count"], 2);
}

#[test]
fn output_files_are_written_whole_and_checked_for_drift() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/art42_7.muster"),
        dir.path().join("h.muster"),
    )
    .unwrap();
    let out = muster_in(
        dir.path(),
        &["simulate", "h.muster", "--emit", "json", "-o", "r.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let written = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    assert!(written.ends_with("}\n"));
    let same = muster_in(
        dir.path(),
        &[
            "simulate", "h.muster", "--emit", "json", "-o", "r.json", "--check",
        ],
        None,
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    // The handbook changes how the scenario plays: the report drifts.
    let handbook = std::fs::read_to_string(dir.path().join("h.muster")).unwrap();
    std::fs::write(
        dir.path().join("h.muster"),
        handbook.replace("capacity 3 ships", "capacity 4 ships"),
    )
    .unwrap();
    let drift = muster_in(
        dir.path(),
        &[
            "simulate", "h.muster", "--emit", "json", "-o", "r.json", "--check",
        ],
        None,
    );
    assert_eq!(drift.status.code(), Some(1));
    let stderr = text(&drift.stderr);
    assert!(stderr.contains("`r.json` is out of date"), "{stderr}");
    assert!(
        stderr.contains("help: update it with `muster simulate h.muster --emit json -o r.json`"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.json")).unwrap(),
        written,
        "--check never writes"
    );
    // Never over an input.
    let refused = muster_in(
        dir.path(),
        &["simulate", "h.muster", "-o", "h.muster"],
        None,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        std::fs::read_to_string(dir.path().join("h.muster"))
            .unwrap()
            .contains("capacity 4 ships")
    );
}

#[test]
fn scenarios_runs_and_seed_are_chosen_on_the_command_line() {
    let out = muster_in(
        root(),
        &[
            "simulate",
            "examples/cyber_crisis.muster",
            "--scenario",
            "grid_attacks",
            "--runs",
            "5",
            "--seed",
            "3",
            "--emit",
            "json",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["scenarios"][0]["runs"], 5);
    assert_eq!(report["scenarios"][0]["seed"], 3);
    let unknown = muster_in(
        root(),
        &[
            "simulate",
            "examples/art42_7.muster",
            "--scenario",
            "double",
        ],
        None,
    );
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = text(&unknown.stderr);
    assert!(
        stderr.contains("no scenario `double`") && stderr.contains("double_invocation"),
        "{stderr}"
    );
    let zero = muster_in(
        root(),
        &["simulate", "examples/art42_7.muster", "--runs", "0"],
        None,
    );
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn a_handbook_without_scenarios_or_with_errors_plays_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("none.muster"),
        "actor a { kind office }\nresource r { provider a }\nfact f: bool\n\
         procedure p { lead a resources r trigger t { when f } step s { takes 1h } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.muster"),
        "actor a { kind office }\nprocedure p { lead b }\n",
    )
    .unwrap();
    let none = muster_in(dir.path(), &["simulate", "none.muster"], None);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("no scenario to play"));
    let broken = muster_in(
        dir.path(),
        &["simulate", "broken.muster", "-o", "out.txt"],
        None,
    );
    assert_eq!(broken.status.code(), Some(1));
    assert!(text(&broken.stderr).contains("[E0102]"));
    assert!(!dir.path().join("out.txt").exists(), "nothing is written");
}
