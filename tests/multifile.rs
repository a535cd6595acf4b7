//! Multi-file handbooks through the command line: `--root`, directories of
//! handbooks sharing a catalogue, standard input, and the plan's paths.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn muster(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(dir)
        .args(args)
        .arg("--color=never")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CATALOGUE: &str = "actor hrvp { kind office }\nactor ercc { kind service }\n\
    resource cell { provider hrvp }\nresource medevac { provider ercc }\nfact on: bool\n";

/// `handbooks/` with a shared catalogue and two procedure files.
fn handbooks() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "handbooks/catalogue.muster", CATALOGUE);
    write(
        dir.path(),
        "handbooks/art42.muster",
        "use \"catalogue.muster\"\nprocedure art42 { lead hrvp resources cell trigger t { when on } }\n",
    );
    write(
        dir.path(),
        "handbooks/ucpm.muster",
        "use \"catalogue.muster\"\nprocedure ucpm { lead ercc resources medevac trigger t { when on } }\n",
    );
    dir
}

#[test]
fn a_directory_compiles_the_files_no_other_file_uses() {
    let dir = handbooks();
    let out = muster(dir.path(), &["check", "handbooks"]);
    // Each procedure file uses part of the catalogue: nothing is "never
    // used", because every name is used by some handbook that includes it.
    assert_eq!(stdout(&out), "checked 3 files: no problems\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn files_named_together_are_checked_together() {
    // As a shell glob would name them: the catalogue is used by the other
    // two, so it is not a handbook of its own and nothing is unused.
    let dir = handbooks();
    let out = muster(
        dir.path(),
        &[
            "check",
            "handbooks/art42.muster",
            "handbooks/catalogue.muster",
            "handbooks/ucpm.muster",
        ],
    );
    assert_eq!(stdout(&out), "checked 3 files: no problems\n");
}

#[test]
fn a_name_no_handbook_uses_is_reported_once() {
    let dir = handbooks();
    write(
        dir.path(),
        "handbooks/catalogue.muster",
        &format!("{CATALOGUE}actor idle {{ kind role }}\n"),
    );
    let out = muster(dir.path(), &["check", "--format", "github", "handbooks"]);
    let text = stdout(&out);
    assert_eq!(text.matches("W0601").count(), 1, "{text}");
    assert!(text.contains("actor `idle` is never used"), "{text}");
}

#[test]
fn root_widens_what_use_may_reach() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "common/catalogue.muster", CATALOGUE);
    write(
        dir.path(),
        "procedures/main.muster",
        "use \"../common/catalogue.muster\"\n\
         procedure p { lead hrvp support ercc resources cell, medevac trigger t { when on } }\n",
    );
    let refused = muster(dir.path(), &["check", "procedures/main.muster"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stdout(&refused).contains("[E0006]"));
    let allowed = muster(
        dir.path(),
        &["check", "--root", ".", "procedures/main.muster"],
    );
    assert_eq!(stdout(&allowed), "checked 2 files: no problems\n");
    // The plan's paths are relative to the root and `/`-separated.
    let plan = muster(
        dir.path(),
        &["build", "--root", ".", "procedures/main.muster"],
    );
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(
        json["sources"],
        serde_json::json!(["procedures/main.muster", "common/catalogue.muster"])
    );
    assert_eq!(
        json["actors"][0]["location"]["file"],
        "common/catalogue.muster"
    );
    assert_eq!(
        json["procedures"][0]["location"]["file"],
        "procedures/main.muster"
    );
}

#[test]
fn an_entry_outside_the_root_is_a_usage_error() {
    let dir = handbooks();
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    let out = muster(
        dir.path(),
        &["check", "--root", "elsewhere", "handbooks/art42.muster"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is outside the root"));
}

#[test]
fn standard_input_resolves_uses_against_the_root() {
    let dir = handbooks();
    let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(dir.path())
        .args(["check", "--color=never", "--root", "handbooks", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"use \"catalogue.muster\"\nprocedure p { lead hrvp support ercc resources cell, medevac trigger t { when on } }\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(stdout(&out), "checked 2 files: no problems\n");
}

#[test]
fn files_are_in_depth_first_order_of_first_use() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.muster",
        "use \"b.muster\"\nuse \"c.muster\"\n",
    );
    write(
        dir.path(),
        "b.muster",
        "use \"d.muster\"\nactor hrvp { kind office }\n",
    );
    write(
        dir.path(),
        "c.muster",
        "use \"d.muster\"\nresource cell { provider hrvp }\n",
    );
    write(
        dir.path(),
        "d.muster",
        "fact on: bool\nprocedure p { lead hrvp resources cell trigger t { when on } }\n",
    );
    let out = muster(dir.path(), &["build", "main.muster"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["sources"],
        serde_json::json!(["main.muster", "b.muster", "d.muster", "c.muster"])
    );
}

#[test]
fn a_long_chain_of_uses_costs_no_stack() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2_000;
    for i in 0..n {
        let next = if i + 1 < n {
            format!("use \"f{}.muster\"\n", i + 1)
        } else {
            String::new()
        };
        write(dir.path(), &format!("f{i}.muster"), &next);
    }
    write(
        dir.path(),
        "f0.muster",
        "use \"f1.muster\"\nuse \"f0.muster\"\n",
    );
    let out = muster(dir.path(), &["check", "f0.muster"]);
    let text = stdout(&out);
    assert!(
        text.contains("[E0005] Error: `use` cycle: f0.muster → f0.muster"),
        "{}",
        &text[..text.len().min(500)]
    );
    assert!(
        text.ends_with(&format!("checked {n} files: 1 error\n")),
        "{}",
        &text[text.len().saturating_sub(200)..]
    );
}
