//! Files as a hostile user arranges them: outputs pointed at devices,
//! FIFOs, links, directories and the handbook itself; inputs that are
//! FIFOs or far too large; read-only and hard-linked files for `fmt`.
//! Nothing may be destroyed, nothing may hang.

#![cfg(unix)]

mod common;

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::muster_in;

const VALID: &str = "actor hrvp { kind office }\nresource cell { provider hrvp }\nfact on: bool\n\
    procedure p { lead hrvp resources cell trigger t { when on } step s { takes 1h } }\n";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("h.muster"), VALID).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn the_output_never_overwrites_an_input_of_the_compilation() {
    let dir = workspace();
    std::fs::write(dir.path().join("cat.muster"), "actor other { kind role }\n").unwrap();
    let main = format!("use \"cat.muster\"\n{VALID}");
    std::fs::write(dir.path().join("h.muster"), &main).unwrap();
    for target in ["h.muster", "./h.muster", "cat.muster"] {
        let out = muster_in(dir.path(), &["build", "h.muster", "-o", target], None);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("an input of the compilation"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("h.muster")).unwrap(),
        main
    );
    // A hard link to the handbook is the handbook.
    std::fs::hard_link(dir.path().join("h.muster"), dir.path().join("alias.json")).unwrap();
    let out = muster_in(dir.path(), &["build", "h.muster", "-o", "alias.json"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("h.muster")).unwrap(),
        main
    );
}

#[test]
fn devices_fifos_and_directories_are_refused_as_outputs() {
    let dir = workspace();
    mkfifo(&dir.path().join("fifo"));
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    for (target, kind) in [
        ("/dev/null", "a device"),
        ("fifo", "a FIFO"),
        ("folder", "a directory"),
    ] {
        let out = muster_in(dir.path(), &["build", "h.muster", "-o", target], None);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(stderr(&out).contains(kind), "{target}: {}", stderr(&out));
        // `--check` neither reads a FIFO (it would block) nor suggests a
        // command for a directory.
        let out = muster_in(
            dir.path(),
            &["build", "h.muster", "-o", target, "--check"],
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(!stderr(&out).contains("help:"), "{}", stderr(&out));
    }
    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &null.file_type()
    ));
    assert!(
        std::fs::symlink_metadata(dir.path().join("fifo"))
            .map(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()))
            .unwrap()
    );
}

#[test]
fn a_symbolic_link_is_written_through() {
    let dir = workspace();
    std::fs::write(dir.path().join("real.json"), "old").unwrap();
    std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).unwrap();
    let out = muster_in(dir.path(), &["build", "h.muster", "-o", "link.json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(dir.path().join("real.json")).unwrap();
    assert!(
        written.starts_with("{\n  \"format_version\": 1"),
        "{written}"
    );
}

#[test]
fn a_new_output_honours_the_umask_and_a_replaced_one_keeps_its_mode() {
    let dir = workspace();
    let muster = env!("CARGO_BIN_EXE_muster");
    let status = Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "umask 077 && '{muster}' build h.muster -o new.json"
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(dir.path().join("new.json"))
        .unwrap()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let old = dir.path().join("old.json");
    std::fs::write(&old, "x").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = muster_in(dir.path(), &["build", "h.muster", "-o", "old.json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::metadata(&old).unwrap().mode() & 0o777, 0o640);
}

#[test]
fn standard_input_and_output_are_spelled_dash() {
    let dir = workspace();
    let out = muster_in(
        dir.path(),
        &["build", "-", "-o", "-", "--emit", "mermaid"],
        Some(VALID.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("flowchart LR"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn a_fifo_is_never_read_as_a_handbook() {
    let dir = workspace();
    mkfifo(&dir.path().join("fifo.muster"));
    std::fs::write(dir.path().join("u.muster"), "use \"fifo.muster\"\n").unwrap();
    let out = muster_in(dir.path(), &["check", "--color", "never", "u.muster"], None);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("[E0004] Error: cannot read `fifo.muster`: it is a FIFO"),
        "{report}"
    );
    let out = muster_in(dir.path(), &["check", "fifo.muster"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = muster_in(dir.path(), &["fmt", "--check", "fifo.muster"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_being_read() {
    let dir = workspace();
    // A sparse gigabyte: no disk is used and nothing may read it.
    let big = std::fs::File::create(dir.path().join("big.muster")).unwrap();
    big.set_len(1 << 30).unwrap();
    std::fs::write(dir.path().join("u.muster"), "use \"big.muster\"\n").unwrap();
    let out = muster_in(dir.path(), &["check", "--color", "never", "u.muster"], None);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("cannot read `big.muster`: it is 1024 MiB, more than the 64 MiB"),
        "{report}"
    );
    let out = muster_in(dir.path(), &["build", "big.muster"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("64 MiB"), "{}", stderr(&out));
}

#[test]
fn empty_and_directory_use_paths_say_what_they_are() {
    let dir = workspace();
    std::fs::write(dir.path().join("u.muster"), "use \"\"\nuse \".\"\n").unwrap();
    let out = muster_in(dir.path(), &["check", "--color", "never", "u.muster"], None);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("`use` names no file"), "{report}");
    assert!(
        report.contains("cannot read `.`: it is a directory"),
        "{report}"
    );
    assert!(!report.contains("``"), "{report}");
}

#[test]
fn fmt_refuses_a_read_only_file_and_keeps_links_and_mode() {
    let dir = tempfile::tempdir().unwrap();
    let messy = "actor   a   { kind role }\n";
    let locked = dir.path().join("locked.muster");
    std::fs::write(&locked, messy).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = muster_in(dir.path(), &["fmt", "locked.muster"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), messy);

    let linked = dir.path().join("linked.muster");
    std::fs::write(&linked, messy).unwrap();
    std::fs::set_permissions(&linked, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::hard_link(&linked, dir.path().join("other.muster")).unwrap();
    let out = muster_in(dir.path(), &["fmt", "linked.muster"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let formatted = "actor a { kind role }\n";
    assert_eq!(std::fs::read_to_string(&linked).unwrap(), formatted);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other.muster")).unwrap(),
        formatted
    );
    assert_eq!(std::fs::metadata(&linked).unwrap().mode() & 0o777, 0o640);

    // Through a symbolic link, the target is formatted and the link kept.
    std::fs::write(dir.path().join("target.muster"), messy).unwrap();
    std::os::unix::fs::symlink("target.muster", dir.path().join("alias.muster")).unwrap();
    let out = muster_in(dir.path(), &["fmt", "alias.muster"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("target.muster")).unwrap(),
        formatted
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("alias.muster"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn fmt_diff_is_a_patch_that_applies() {
    let dir = tempfile::tempdir().unwrap();
    // A lone CR inside a comment, and no final newline.
    let messy = "// a\rb\nactor   a   { kind role }";
    std::fs::write(dir.path().join("x.muster"), messy).unwrap();
    let out = muster_in(dir.path(), &["fmt", "--diff", "x.muster"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let patch = out.stdout;
    assert!(String::from_utf8_lossy(&patch).starts_with("--- a/x.muster\n+++ b/x.muster\n"));
    let mut child = Command::new("patch")
        .current_dir(dir.path())
        .args(["-p1", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&patch).unwrap();
    assert!(child.wait().unwrap().success());
    let patched = std::fs::read_to_string(dir.path().join("x.muster")).unwrap();
    let out = muster_in(dir.path(), &["fmt", "--check", "x.muster"], None);
    assert_eq!(out.status.code(), Some(0), "patched: {patched:?}");
}

#[test]
fn one_file_of_a_folder_that_cannot_be_read_is_a_diagnostic_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("handbooks");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.muster"), "actor a { kind role }\n").unwrap();
    std::fs::write(dir.path().join("outside.muster"), VALID).unwrap();
    std::os::unix::fs::symlink("../outside.muster", folder.join("link.muster")).unwrap();
    let big = std::fs::File::create(folder.join("big.muster")).unwrap();
    big.set_len(1 << 30).unwrap();
    let out = muster_in(
        dir.path(),
        &["check", "--format", "json", "handbooks"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        found.contains(&("W0601".into(), "handbooks/a.muster".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("E0004".into(), "handbooks/big.muster".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("E0006".into(), "handbooks/link.muster".into())),
        "{found:?}"
    );
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.muster"), "actor a { kind role }\n").unwrap();
    let out = muster_in(
        dir.path(),
        &["check", "--color", "never", "x.muster", "./x.muster"],
        None,
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(report.matches("[W0601]").count(), 1, "{report}");
    assert!(report.ends_with("checked 1 file: 1 warning\n"), "{report}");
}

#[test]
fn standard_input_by_device_path_says_to_write_a_dash() {
    let dir = workspace();
    let out = muster_in(dir.path(), &["build", "/dev/stdin"], Some(VALID.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("help: write `-` to read standard input"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fmt_keeps_the_owner_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("owned.muster");
    std::fs::write(&path, "actor   a   { kind role }\n").unwrap();
    // Giving a file away needs root (CI runs as root); otherwise the file
    // is ours and keeping the owner is what any rewrite does.
    let given_away = std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_ok();
    let before = std::fs::metadata(&path).unwrap();
    let out = muster_in(dir.path(), &["fmt", "owned.muster"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "actor a { kind role }\n"
    );
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if given_away {
        assert_eq!(after.uid(), 4321);
    }
}

#[test]
fn the_root_is_named_even_when_it_is_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(dir.path().join("outside.muster"), "actor x { kind role }\n").unwrap();
    std::fs::write(inner.join("h.muster"), "use \"../outside.muster\"\n").unwrap();
    let out = muster_in(&inner, &["check", "--color", "never", "h.muster"], None);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("[E0006]"), "{report}");
    assert!(report.contains("the root is `.`"), "{report}");
    assert!(!report.contains("``"), "{report}");
}

#[test]
fn an_output_in_a_directory_nobody_writes_says_why() {
    let dir = workspace();
    let out = muster_in(
        dir.path(),
        &["build", "h.muster", "-o", "/proc/version"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("no such file"), "{}", stderr(&out));
    assert!(stderr(&out).contains("/proc/version"), "{}", stderr(&out));
}

#[test]
fn a_missing_file_behind_a_link_out_of_the_root_is_outside_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    std::fs::create_dir(&root).unwrap();
    std::os::unix::fs::symlink("../outside", root.join("link")).unwrap();
    std::fs::write(root.join("h.muster"), "use \"link/missing.muster\"\n").unwrap();
    let out = muster_in(&root, &["check", "--color", "never", "h.muster"], None);
    let report = String::from_utf8_lossy(&out.stdout);
    // Decided after the link is resolved: E0006, not "no such file".
    assert!(report.contains("[E0006]"), "{report}");
    assert!(!report.contains("[E0004]"), "{report}");
}
