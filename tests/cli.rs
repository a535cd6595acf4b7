//! The `muster` command line as a user meets it: exit statuses, inputs
//! (files, directories, standard input), formats and colour.

mod common;

use std::path::Path;
use std::process::Output;

fn muster(args: &[&str]) -> Output {
    muster_with_stdin(args, None)
}

fn muster_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::muster_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, stdin)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const BROKEN: &[u8] = b"procedure p {\n  leader hrvp\n}\n";

#[test]
fn a_valid_handbook_exits_zero() {
    let out = muster(&["check", "--color", "never", "examples/art42_7.muster"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "checked 1 file: no problems\n");
}

#[test]
fn errors_in_the_input_exit_one() {
    let out = muster_with_stdin(&["check", "--color", "never", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("[E0001]"), "{text}");
    assert!(text.contains("<stdin>:2:3"), "{text}");
    assert!(text.ends_with("checked 1 file: 1 error\n"), "{text}");
}

#[test]
fn a_missing_file_exits_two_with_a_clear_message() {
    let out = muster(&["check", "no/such/file.muster"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: cannot read `no/such/file.muster`: no such file or directory\n"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(muster(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        muster(&["check", "--format", "xml", "x"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_directory_means_its_muster_files_below_it() {
    // Recursive: `examples/eu_crisis/` is found too.
    let out = muster(&["check", "--color", "never", "examples"]);
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                if p.is_dir() {
                    count(&p)
                } else {
                    usize::from(p.extension().is_some_and(|x| x == "muster"))
                }
            })
            .sum()
    }
    let count = count(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"));
    assert!(count > 4);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        format!("checked {count} files: no problems\n")
    );
}

#[test]
fn a_directory_without_handbooks_is_a_usage_error() {
    let out = muster(&["check", "src"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no `.muster` files in `src`"));
}

#[test]
fn json_format_has_the_documented_shape() {
    let out = muster_with_stdin(&["check", "--format", "json", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["valid"], false);
    assert_eq!(json["error_count"], 1);
    assert_eq!(json["warning_count"], 0);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "E0001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "<stdin>");
    assert_eq!(
        d["start"],
        serde_json::json!({"line": 2, "column": 3, "offset": 16})
    );
    assert_eq!(
        d["end"],
        serde_json::json!({"line": 2, "column": 9, "offset": 22})
    );
    assert_eq!(d["help"], "did you mean `lead`?");
}

#[test]
fn github_format_is_one_workflow_command_per_diagnostic() {
    let out = muster_with_stdin(&["check", "--format", "github", "-"], Some(BROKEN));
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(
            "::error file=<stdin>,line=2,col=3,endLine=2,endColumn=8,title=E0001::expected `}` or an attribute of a procedure"
        ),
        "{text}"
    );
    assert!(text.contains("%0Ahelp: did you mean `lead`?"), "{text}");
}

#[test]
fn colour_follows_the_flag() {
    let always = muster_with_stdin(&["check", "--color", "always", "-"], Some(BROKEN));
    assert!(stdout(&always).contains('\u{1b}'));
    let never = muster_with_stdin(&["check", "--color", "never", "-"], Some(BROKEN));
    assert!(!stdout(&never).contains('\u{1b}'));
    // `auto` on a pipe means no colour.
    let auto = muster_with_stdin(&["check", "-"], Some(BROKEN));
    assert!(!stdout(&auto).contains('\u{1b}'));
}

#[test]
fn version_and_help() {
    let out = muster(&["--version"]);
    assert_eq!(
        stdout(&out),
        format!("muster {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = muster(&["check", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Examples:"));
}

const ONLY_A_WARNING: &[u8] = b"actor hrvp { kind office }\nactor idle { kind role }\n\
resource cell { provider hrvp }\nfact on: bool\n\
procedure p { lead hrvp resources cell trigger t { when on } }\n";

#[test]
fn warnings_pass_unless_denied() {
    let out = muster_with_stdin(&["check", "--color", "never", "-"], Some(ONLY_A_WARNING));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("checked 1 file: 1 warning\n"));
    let out = muster_with_stdin(
        &["check", "--color", "never", "--deny-warnings", "-"],
        Some(ONLY_A_WARNING),
    );
    assert_eq!(out.status.code(), Some(1));
    let out = muster_with_stdin(&["check", "--format", "github", "-"], Some(ONLY_A_WARNING));
    assert!(
        stdout(&out).starts_with(
            "::warning file=<stdin>,line=2,col=7,endLine=2,endColumn=10,title=W0601::"
        )
    );
}

#[test]
fn machine_formats_of_two_fixtures() {
    for fixture in [
        "tests/ui/check/several_independent_errors.muster",
        "tests/ui/check/e0203_procedure_lead_is_group.muster",
    ] {
        let json = muster(&["check", "--format", "json", fixture]);
        let github = muster(&["check", "--format", "github", fixture]);
        assert_eq!(json.status.code(), Some(1));
        let name = fixture.rsplit('/').next().unwrap();
        insta::assert_snapshot!(format!("json@{name}"), stdout(&json));
        insta::assert_snapshot!(format!("github@{name}"), stdout(&github));
    }
}
