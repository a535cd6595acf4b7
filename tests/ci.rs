//! Muster in CI and the terminal: one discovery walker, roots marked by
//! `muster.toml`, per-code levels, the concise and SARIF formats,
//! `--output-file`, completions and colour decided like clap's.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_muster"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env("TERM", "xterm")
        .stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn muster(dir: &Path, args: &[&str]) -> Output {
    run(dir, args, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CATALOGUE: &str = "actor hrvp { kind office }\nactor ercc { kind service }\n\
    resource cell { provider hrvp }\nresource medevac { provider ercc }\nfact on: bool\n";
const ONLY_A_WARNING: &str = "actor hrvp { kind office }\nactor idle { kind role }\n\
resource cell { provider hrvp }\nfact on: bool\n\
procedure p { lead hrvp resources cell trigger t { when on } }\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_directory_is_walked_recursively_obeying_gitignore_hidden_folders_and_target() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "h/a.muster", ONLY_A_WARNING);
    write(dir.path(), "h/deep/er/b.muster", ONLY_A_WARNING);
    write(dir.path(), "h/.hidden/c.muster", "broken {");
    write(dir.path(), "h/target/d.muster", "broken {");
    write(dir.path(), "h/ignored/e.muster", "broken {");
    write(dir.path(), "h/.gitignore", "ignored/\n");
    let out = muster(
        dir.path(),
        &["check", "--color=never", "--format=concise", "h"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains("h/deep/er/b.muster:2:7: warning[W0601]"),
        "{text}"
    );
    // fmt uses the same walker.
    let out = muster(dir.path(), &["fmt", "--check", "h"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not formatted"));
}

#[test]
fn a_file_inside_a_marked_handbook_is_checked_as_part_of_it() {
    // The case: procedures use `../catalogue`, which leaves the
    // file's own directory; `muster.toml` marks the root.
    let out = muster(
        repo(),
        &[
            "check",
            "--color=never",
            "examples/eu_crisis/procedures/ucpm.muster",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("no problems\n"), "{}", stdout(&out));

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hb/muster.toml", "");
    write(dir.path(), "hb/catalogue/all.muster", CATALOGUE);
    write(
        dir.path(),
        "hb/main.muster",
        "use \"catalogue/all.muster\"\nuse \"procedures/p.muster\"\n",
    );
    write(
        dir.path(),
        "hb/procedures/p.muster",
        "use \"../catalogue/all.muster\"\n\
         procedure p { lead hrvp support ercc resources cell, medevac trigger t { when on } }\n",
    );
    // As a pre-commit hook names them: the catalogue alone is not a handbook.
    let out = muster(
        dir.path(),
        &[
            "check",
            "--color=never",
            "hb/catalogue/all.muster",
            "hb/procedures/p.muster",
        ],
    );
    assert_eq!(stdout(&out), "checked 3 files: no problems\n");
    // A directory inside the root too.
    let out = muster(dir.path(), &["check", "--color=never", "hb/procedures"]);
    assert_eq!(stdout(&out), "checked 3 files: no problems\n");
}

#[test]
fn levels_from_flags_config_and_comments() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "w.muster", ONLY_A_WARNING);
    let concise = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        all.push("w.muster");
        muster(dir.path(), &all)
    };
    let out = concise(&[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("warning[W0601]"));
    let out = concise(&["--deny", "W0601"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[W0601]"), "{}", stdout(&out));
    for deny in [&["--deny", "warnings"][..], &["--deny-warnings"]] {
        assert_eq!(concise(deny).status.code(), Some(1));
    }
    let out = concise(&["--allow", "W0601"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    // Errors cannot be allowed; unknown codes are usage errors.
    assert_eq!(concise(&["--allow", "E0102"]).status.code(), Some(2));
    assert_eq!(concise(&["--deny", "W9999"]).status.code(), Some(2));

    // muster.toml, overridden by the command line.
    write(dir.path(), "muster.toml", "[levels]\nW0601 = \"deny\"\n");
    assert_eq!(concise(&[]).status.code(), Some(1));
    assert_eq!(concise(&["--warn", "W0601"]).status.code(), Some(0));
    write(
        dir.path(),
        "muster.toml",
        "[levels]\nW0601 = \"sometimes\"\n",
    );
    assert_eq!(concise(&[]).status.code(), Some(2));
    std::fs::remove_file(dir.path().join("muster.toml")).unwrap();

    // An inline comment on the line before the declaration.
    write(
        dir.path(),
        "w.muster",
        &ONLY_A_WARNING.replace("actor idle", "// muster: allow(W0601)\nactor idle"),
    );
    let out = concise(&["--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    // build obeys the levels too.
    let out = muster(dir.path(), &["build", "--deny", "warnings", "w.muster"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn concise_lines_match_the_problem_matcher() {
    let matcher: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join(".github/muster-problem-matcher.json")).unwrap(),
    )
    .unwrap();
    let pattern = &matcher["problemMatcher"][0]["pattern"][0];
    let regex = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let out = muster(
        repo(),
        &[
            "check",
            "--format",
            "concise",
            "tests/ui/check/several_independent_errors.muster",
        ],
    );
    let text = stdout(&out);
    assert!(text.lines().count() > 2);
    for line in text.lines() {
        let caps = regex.captures(line).unwrap_or_else(|| panic!("{line}"));
        let group = |key: &str| &caps[pattern[key].as_u64().unwrap() as usize];
        assert_eq!(
            group("file"),
            "tests/ui/check/several_independent_errors.muster"
        );
        assert!(group("line").parse::<usize>().is_ok());
        assert!(["error", "warning"].contains(&group("severity")));
        assert!(muster::diagnostic::Code::parse(group("code")).is_some());
    }
}

#[test]
fn sarif_is_a_sarif_2_1_0_log() {
    let out = muster(
        repo(),
        &[
            "check",
            "--format",
            "sarif",
            "tests/ui/check/several_independent_errors.muster",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    // The types of the SARIF 2.1.0 schema accept it.
    let log: serde_sarif::sarif::Sarif = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log.runs.len(), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "2.1.0");
    let run = &json["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), muster::diagnostic::Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(
            !rules[index]["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rules[index]["help"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            location["artifactLocation"]["uri"],
            "tests/ui/check/several_independent_errors.muster"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    // Deterministic.
    let again = muster(
        repo(),
        &[
            "check",
            "--format",
            "sarif",
            "tests/ui/check/several_independent_errors.muster",
        ],
    );
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn the_report_goes_to_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "w.muster", ONLY_A_WARNING);
    let out = muster(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output-file",
            "report.sarif",
            "w.muster",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(dir.path().join("report.sarif")).unwrap();
    assert!(text.contains("W0601"));
    // Never over an input.
    let out = muster(
        dir.path(),
        &["check", "--output-file", "w.muster", "w.muster"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("w.muster")).unwrap(),
        ONLY_A_WARNING
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = muster(repo(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains("muster"), "{shell}");
    }
    assert_eq!(
        muster(repo(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

#[test]
fn colour_is_decided_as_for_clap() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "w.muster", ONLY_A_WARNING);
    let colours = |env: &[(&str, &str)]| {
        let out = run(dir.path(), &["check", "w.muster"], env);
        stdout(&out).contains('\u{1b}')
    };
    assert!(!colours(&[]), "a pipe is not coloured");
    assert!(colours(&[("CLICOLOR_FORCE", "1")]));
    assert!(!colours(&[("NO_COLOR", "1")]));
    let out = run(dir.path(), &["check", "--color=always", "w.muster"], &[]);
    assert!(stdout(&out).contains('\u{1b}'));
}

#[test]
fn the_diagnostics_schema_is_committed_current_and_reports_validate() {
    let out = muster(repo(), &["schema", "--diagnostics"]);
    let committed = std::fs::read_to_string(repo().join("docs/diagnostics.schema.json")).unwrap();
    assert_eq!(
        stdout(&out),
        committed,
        "run `muster schema --diagnostics > docs/diagnostics.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["$id"], muster::diagnostic::DIAGNOSTICS_SCHEMA_ID);
    let validator = jsonschema::validator_for(&schema).unwrap();
    for fixture in [
        "tests/ui/check/several_independent_errors.muster",
        "examples/art42_7.muster",
    ] {
        let out = muster(repo(), &["check", "--format", "json", fixture]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:?}");
    }
    let plan: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/plan.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(plan["$id"], "urn:muster-handbook:schema:plan:1");
}

#[test]
fn concise_and_sarif_print_nothing_a_handbook_could_act_with() {
    use std::io::Write;
    let input = "use \"x\\n::error file=README.md::forged \u{1b}[2J \u{202e}\"\n";
    for format in ["concise", "sarif"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
            .args(["check", "--format", format, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        let out = child.wait_with_output().unwrap();
        let text = stdout(&out);
        assert!(text.contains("forged"), "{format}: {text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{format}: {text}"
        );
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("::")),
            "{format}: {text}"
        );
    }
}
