//! `muster fmt`: messy fixtures and their formatted snapshots; every file
//! the project ships is formatted idempotently, without losing a comment or
//! changing a meaning; examples and valid fixtures are fixed points.

mod common;

use std::path::Path;

use common::{comments, files_below, meaning};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn format(_name: &str, text: &str) -> Result<String, Vec<muster::diagnostic::Diagnostic>> {
    common::format(text)
}

#[test]
fn messy_fixtures() {
    insta::glob!("ui/fmt/*.muster", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(format("fixture.muster", &text).expect("formats"));
    });
}

#[test]
fn formatting_is_idempotent_lossless_and_keeps_the_meaning() {
    let mut checked = 0;
    for dir in ["examples", "tests"] {
        for path in files_below(&root().join(dir)) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(once) = format("x.muster", &text) else {
                continue;
            };
            let twice = format("x.muster", &once).expect("formatted text parses");
            assert_eq!(once, twice, "{}: not idempotent", path.display());
            assert_eq!(
                comments(&text),
                comments(&once),
                "{}: a comment was lost",
                path.display()
            );
            assert_eq!(
                meaning(&text),
                meaning(&once),
                "{}: the meaning changed",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} files were checked");
}

#[test]
fn examples_and_valid_fixtures_are_fixed_points() {
    // The syntax fixtures keep their raw layouts on purpose (CRLF, one
    // line, odd spacing), and the fmt fixtures are messy by design.
    let mut dirs = vec![root().join("examples"), root().join("tests/emit")];
    dirs.push(root().join("tests/ui/check"));
    dirs.push(root().join("tests/ui/use"));
    for dir in dirs {
        for path in files_below(&dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(formatted) = format("x.muster", &text) else {
                continue;
            };
            assert!(
                formatted == text,
                "{} is not formatted: run `cargo run -- fmt {}`",
                path.display(),
                path.display()
            );
        }
    }
}

#[test]
fn files_with_syntax_errors_are_refused() {
    let errors = format("x.muster", "actor hrvp { kind office\n").unwrap_err();
    assert_eq!(errors[0].code.as_str(), "E0001");
}

mod command {
    //! `muster fmt` as a user runs it.

    use std::io::Write;
    use std::path::Path;
    use std::process::{Command, Output, Stdio};

    const MESSY: &str = "actor   hrvp {kind office}\n";
    const TIDY: &str = "actor hrvp { kind office }\n";

    fn muster(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
            .current_dir(dir)
            .args(args)
            .arg("--color=never")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("handbooks/procedures")).unwrap();
        std::fs::write(dir.path().join("handbooks/a.muster"), MESSY).unwrap();
        std::fs::write(dir.path().join("handbooks/procedures/b.muster"), TIDY).unwrap();
        dir
    }

    fn read(dir: &Path, path: &str) -> String {
        std::fs::read_to_string(dir.join(path)).unwrap()
    }

    #[test]
    fn rewrites_files_in_place_and_names_them() {
        let dir = workspace();
        let out = muster(dir.path(), &["fmt", "handbooks"], None);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(text(&out.stdout), "handbooks/a.muster\n");
        assert_eq!(read(dir.path(), "handbooks/a.muster"), TIDY);
        // A second run changes nothing.
        let again = muster(dir.path(), &["fmt", "handbooks"], None);
        assert_eq!(text(&again.stdout), "");
    }

    #[test]
    fn check_lists_unformatted_files_and_writes_nothing() {
        let dir = workspace();
        let out = muster(dir.path(), &["fmt", "--check", "handbooks"], None);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(text(&out.stdout), "handbooks/a.muster\n");
        assert_eq!(read(dir.path(), "handbooks/a.muster"), MESSY);
        let tidy = muster(
            dir.path(),
            &["fmt", "--check", "handbooks/procedures"],
            None,
        );
        assert_eq!(tidy.status.code(), Some(0));
    }

    #[test]
    fn diff_shows_the_change_and_writes_nothing() {
        let dir = workspace();
        let out = muster(dir.path(), &["fmt", "--diff", "handbooks/a.muster"], None);
        assert_eq!(out.status.code(), Some(0));
        let diff = text(&out.stdout);
        assert!(
            diff.starts_with("--- a/handbooks/a.muster\n+++ b/handbooks/a.muster\n"),
            "{diff}"
        );
        assert!(
            diff.contains("-actor   hrvp {kind office}\n+actor hrvp { kind office }\n"),
            "{diff}"
        );
        assert_eq!(read(dir.path(), "handbooks/a.muster"), MESSY);
    }

    #[test]
    fn standard_input_goes_to_standard_output() {
        let dir = workspace();
        let out = muster(dir.path(), &["fmt", "-"], Some(MESSY));
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(text(&out.stdout), TIDY);
    }

    #[test]
    fn a_file_with_a_syntax_error_is_refused_and_untouched() {
        let dir = workspace();
        let broken = "actor   hrvp {kind office\n";
        std::fs::write(dir.path().join("handbooks/a.muster"), broken).unwrap();
        let out = muster(dir.path(), &["fmt", "handbooks"], None);
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("[E0001]"), "{stderr}");
        assert!(
            stderr.contains("`handbooks/a.muster` was not formatted"),
            "{stderr}"
        );
        assert_eq!(read(dir.path(), "handbooks/a.muster"), broken);
    }
}
