//! `muster build`: the artefact on standard output or atomically in a file,
//! nothing at all with an error, and the `--check` drift gate.

use std::path::Path;
use std::process::{Command, Output};

fn muster(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const VALID: &str = "actor hrvp { kind office }\nresource cell { provider hrvp }\nfact on: bool\n\
    procedure p { lead hrvp resources cell trigger t { when on } step s { takes 1h } }\n";
const BROKEN: &str = "actor hrvp { kind office }\nprocedure p { lead hrpv }\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.muster"), VALID).unwrap();
    std::fs::write(dir.path().join("broken.muster"), BROKEN).unwrap();
    dir
}

#[test]
fn the_artefact_goes_to_standard_output_and_diagnostics_to_standard_error() {
    let dir = workspace();
    let out = muster(dir.path(), &["build", "plan.muster"]);
    assert_eq!(out.status.code(), Some(0));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format_version"], 1);
    assert_eq!(plan["sources"][0], "plan.muster");
    assert!(out.stderr.is_empty());
    for (emit, start) in [("dot", "digraph muster {"), ("mermaid", "flowchart LR")] {
        let out = muster(dir.path(), &["build", "plan.muster", "--emit", emit]);
        assert!(text(&out.stdout).starts_with(start), "{emit}");
    }
}

#[test]
fn output_files_are_written_whole() {
    let dir = workspace();
    let out = muster(
        dir.path(),
        &["build", "plan.muster", "--emit", "dot", "-o", "plan.dot"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let stdout = muster(dir.path(), &["build", "plan.muster", "--emit", "dot"]).stdout;
    assert_eq!(std::fs::read(dir.path().join("plan.dot")).unwrap(), stdout);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    // An artefact is readable by others like any file, not private like a
    // temporary one; a replaced file keeps its mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("plan.dot"), 0o644);
        std::fs::set_permissions(
            dir.path().join("plan.dot"),
            std::fs::Permissions::from_mode(0o664),
        )
        .unwrap();
        muster(
            dir.path(),
            &["build", "plan.muster", "--emit", "dot", "-o", "plan.dot"],
        );
        assert_eq!(mode("plan.dot"), 0o664);
    }
}

#[test]
fn errors_write_nothing_anywhere() {
    let dir = workspace();
    std::fs::write(dir.path().join("plan.json"), "previous plan").unwrap();
    let out = muster(
        dir.path(),
        &[
            "build",
            "broken.muster",
            "-o",
            "plan.json",
            "--color",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("[E0102] Error: undefined actor `hrpv`"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("plan.json")).unwrap(),
        "previous plan"
    );
    let out = muster(dir.path(), &["build", "broken.muster", "-o", "new.json"]);
    assert!(!dir.path().join("new.json").exists());
    let out_stdout = muster(dir.path(), &["build", "broken.muster"]);
    assert!(out_stdout.stdout.is_empty());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn denied_warnings_write_nothing() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("warn.muster"),
        format!("{VALID}actor idle {{ kind role }}\n"),
    )
    .unwrap();
    let out = muster(dir.path(), &["build", "warn.muster"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("W0601"));
    let out = muster(dir.path(), &["build", "warn.muster", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn check_gates_drift_and_never_writes() {
    let dir = workspace();
    let build = |extra: &[&str]| {
        let mut args = vec![
            "build",
            "plan.muster",
            "--emit",
            "mermaid",
            "-o",
            "plan.mmd",
        ];
        args.extend_from_slice(extra);
        muster(dir.path(), &args)
    };
    // Missing file: drift.
    let out = build(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("help: create it with `muster build plan.muster --emit mermaid -o plan.mmd`")
    );
    assert!(!dir.path().join("plan.mmd").exists());
    // Up to date.
    assert_eq!(build(&[]).status.code(), Some(0));
    let out = build(&["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Drift: the file is reported and left alone.
    std::fs::write(dir.path().join("plan.mmd"), "flowchart LR\n  edited\n").unwrap();
    let out = build(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: `plan.mmd` is out of date: it differs from the build from line 2 on"
        ),
        "{stderr}"
    );
    // A diff of what the build would change, then the command.
    assert!(stderr.contains("\n-  edited\n"), "{stderr}");
    assert!(
        stderr.ends_with(
            "help: update it with `muster build plan.muster --emit mermaid -o plan.mmd`\n"
        ),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("plan.mmd")).unwrap(),
        "flowchart LR\n  edited\n"
    );
    // Differences only in line ends, or at the end, are named as such.
    assert_eq!(build(&[]).status.code(), Some(0));
    let good = std::fs::read_to_string(dir.path().join("plan.mmd")).unwrap();
    std::fs::write(dir.path().join("plan.mmd"), good.replace('\n', "\r\n")).unwrap();
    let stderr = text(&build(&["--check"]).stderr);
    assert!(stderr.contains("it differs only in line ends"), "{stderr}");
    std::fs::write(dir.path().join("plan.mmd"), good.trim_end()).unwrap();
    let stderr = text(&build(&["--check"]).stderr);
    assert!(
        stderr.contains("it differs only in the newlines at its end"),
        "{stderr}"
    );
}

#[test]
fn the_update_command_keeps_the_root_and_quotes_paths() {
    let dir = workspace();
    std::fs::create_dir(dir.path().join("my plans")).unwrap();
    let out = muster(
        dir.path(),
        &[
            "build",
            "plan.muster",
            "--root",
            ".",
            "-o",
            "my plans/plan.json",
            "--check",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let command = "muster build plan.muster --emit json --root . -o 'my plans/plan.json'";
    assert!(
        stderr.contains(&format!("help: create it with `{command}`")),
        "{stderr}"
    );
    // Following the advice works.
    let status = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(command.replacen("muster", env!("CARGO_BIN_EXE_muster"), 1))
        .status()
        .unwrap();
    assert!(status.success());
    assert!(dir.path().join("my plans/plan.json").is_file());
}

#[test]
fn check_needs_an_output_and_a_missing_input_is_a_usage_error() {
    let dir = workspace();
    assert_eq!(
        muster(dir.path(), &["build", "plan.muster", "--check"])
            .status
            .code(),
        Some(2)
    );
    let out = muster(dir.path(), &["build", "nowhere.muster"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: cannot read `nowhere.muster`: no such file or directory\n"
    );
}

#[test]
fn lanes_group_steps_by_owner() {
    let dir = workspace();
    let out = muster(
        dir.path(),
        &["build", "plan.muster", "--emit", "dot", "--lanes"],
    );
    assert!(text(&out.stdout).contains("cluster_procedure_0_lane_0"));
    let out = muster(
        dir.path(),
        &["build", "plan.muster", "--emit", "mermaid", "--lanes"],
    );
    assert!(text(&out.stdout).contains("subgraph L0_0"));
}

#[test]
fn schema_prints_the_json_schema() {
    let out = muster(Path::new(env!("CARGO_MANIFEST_DIR")), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), muster::plan::schema());
}
