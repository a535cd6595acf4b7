//! UI tests: every `tests/ui/<area>/*.muster` file is checked (or, under
//! `simulate/`, played) by the real binary, and its report (colour off,
//! trailing spaces trimmed) and exit status are compared with a committed
//! snapshot. Adding a case is adding a file.

use std::path::Path;
use std::process::Command;

/// Runs `muster check --color never <file>` from the crate root, so that the
/// file names in the report are the stable relative paths of the fixtures.
fn run_check(path: &Path) -> String {
    run_muster(&["check", "--color", "never"], path)
}

/// Runs `muster simulate --color never <file>` from the crate root: the
/// timeline on standard output, the findings on standard error.
fn run_simulate(path: &Path) -> String {
    run_muster(&["simulate", "--color", "never"], path)
}

/// Runs `muster test --color never <file>`: the test runner's lines and
/// the E0705 failures, with the time taken (which varies) blanked.
fn run_test(path: &Path) -> String {
    let report = run_muster(&["test", "--color", "never"], path);
    let mut out = String::new();
    for line in report.lines() {
        match line.find("; finished in ") {
            Some(at) => {
                out.push_str(&line[..at]);
                out.push_str("; finished in [time]");
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Runs the binary with `args` and the fixture's relative path; the
/// report is its standard output, then its standard error (both with
/// trailing spaces trimmed) and its exit status.
fn run_muster(args: &[&str], path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = path.strip_prefix(root).unwrap_or(path);
    let output = Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(root)
        .args(args)
        .arg(relative)
        .env_remove("NO_COLOR")
        .output()
        .expect("the muster binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut report = String::new();
    for line in stdout.lines() {
        report.push_str(line.trim_end());
        report.push('\n');
    }
    if !stderr.is_empty() {
        report.push_str("--- stderr\n");
        for line in stderr.lines() {
            report.push_str(line.trim_end());
            report.push('\n');
        }
    }
    report.push_str(&format!(
        "--- exit status: {}\n",
        output.status.code().unwrap_or(-1)
    ));
    report
}

#[test]
fn syntax() {
    insta::glob!("ui/syntax/*.muster", |path| {
        insta::assert_snapshot!(run_check(path));
    });
}

#[test]
fn check() {
    insta::glob!("ui/check/*.muster", |path| {
        insta::assert_snapshot!(run_check(path));
    });
}

#[test]
fn scenario() {
    insta::glob!("ui/scenario/*.muster", |path| {
        insta::assert_snapshot!(run_check(path));
    });
}

/// Scenarios played: the timeline (standard output) and the findings
/// (standard error) of `muster simulate`.
#[test]
fn test() {
    insta::glob!("ui/test/*.muster", |path| {
        insta::assert_snapshot!(run_test(path));
    });
}

#[test]
fn simulate() {
    insta::glob!("ui/simulate/*.muster", |path| {
        insta::assert_snapshot!(run_simulate(path));
    });
}

/// Multi-file fixtures: a folder per case, checked from its `main.muster`.
#[test]
fn uses() {
    insta::glob!("ui/use/*/main.muster", |path| {
        let report = run_check(path);
        assert!(
            !report.contains("SECRET-MARKER"),
            "a refused file was read: {report}"
        );
        insta::assert_snapshot!(report);
    });
}
