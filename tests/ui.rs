//! UI tests: every `tests/ui/<area>/*.muster` file is checked by the real
//! binary, and its report (colour off, trailing spaces trimmed) and exit
//! status are compared with a committed snapshot. Adding a case is adding a
//! file.

use std::path::Path;
use std::process::Command;

/// Runs `muster check --color never <file>` from the crate root, so that the
/// file names in the report are the stable relative paths of the fixtures.
fn run_check(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = path.strip_prefix(root).unwrap_or(path);
    let output = Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(root)
        .args(["check", "--color", "never"])
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
        report.push_str(&stderr);
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
