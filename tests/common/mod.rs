//! Helpers shared by the tests: the `.muster` files below a folder,
//! formatting a text, what a text means, and its comments.

// Each test crate uses some of them.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use muster::diagnostic::Diagnostic;
use muster::source::{SourceFile, SourceMap};

/// Formats `text` as a file of its own.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("x.muster", text));
    muster::fmt::format_source(&sources, id)
}

/// The tree as JSON without spans, parentheses or anything else that
/// layout may change: what the file means.
pub fn meaning(text: &str) -> serde_json::Value {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("x.muster", text));
    let parsed = muster::parse_source(&sources, id);
    let mut value = serde_json::to_value(parsed.ast.expect("parses")).unwrap();
    strip(&mut value);
    value
}

fn is_span(value: &serde_json::Value) -> bool {
    value.get("file").is_some() && value.get("start").is_some() && value.get("end").is_some()
}

fn strip(value: &mut serde_json::Value) {
    if is_span(value) {
        *value = serde_json::Value::Null;
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| !k.ends_with("span"));
            // Where an expectation stands among a scenario's members means
            // nothing (the formatter puts them last).
            if let Some(serde_json::Value::Array(items)) =
                map.get_mut("Scenario").and_then(|s| s.get_mut("items"))
            {
                let (mut others, expects): (Vec<_>, Vec<_>) = std::mem::take(items)
                    .into_iter()
                    .partition(|item| item.get("Expect").is_none());
                others.extend(expects);
                *items = others;
            }
            // A parenthesised expression means its inner one.
            if let Some(inner) = map
                .get_mut("Paren")
                .and_then(|p| p.get_mut("inner"))
                .map(|i| i.take())
            {
                *value = inner;
                strip(value);
                return;
            }
            map.values_mut().for_each(strip);
        }
        serde_json::Value::Array(items) => {
            // Spans inside tuple variants (`ActorKind(kind, span)`).
            items.retain(|item| !is_span(item));
            items.iter_mut().for_each(strip);
        }
        _ => {}
    }
}

/// The comments of `text`, sorted, as the formatter writes them: LF line
/// ends and no whitespace at the end of a line.
pub fn comments(text: &str) -> Vec<String> {
    let mut found: Vec<String> = muster::syntax::comments(text)
        .into_iter()
        .map(|(s, e)| {
            text[s..e]
                .split('\n')
                .map(|line| line.trim_end_matches([' ', '\t', '\r']))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    found.sort();
    found
}

/// Every `.muster` file below `dir`, in subfolders too, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "muster") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Runs the `muster` binary in `dir` with `stdin` as its input, killing it
/// if it has not finished within a minute: a hang is a failure, not a
/// stuck test run.
pub fn muster_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        // A command that does not read its input closes the pipe early.
        let _ = child.stdin.take().unwrap().write_all(bytes);
    }
    drop(child.stdin.take());
    // Read its output while waiting (a full pipe must not stall it), and
    // give up after a minute.
    let pid = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    match receiver.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("`muster {}` hung", args.join(" "));
        }
    }
}

/// Says that a test which needs a renderer is skipped, on one line that
/// `cargo test` shows without `--nocapture` (it is written to standard
/// error directly, which the test harness does not capture), with the
/// command that enables it. Under `CI=true` a missing renderer fails.
pub fn skip_without(what: &str, enable: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is missing under CI: .ci/run must install it ({enable})"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what} is not installed; `{enable}` enables these tests"
    );
}
