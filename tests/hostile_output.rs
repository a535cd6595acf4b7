//! What a hostile handbook can make Muster print: no workflow command of
//! its own in a CI log, no terminal escape, no bidirectional control, in
//! every format; and a report whose size follows what it shows, not the
//! length of a line or the number of mistakes.

mod common;

use std::path::Path;
use std::process::Output;

fn muster(args: &[&str], stdin: &[u8]) -> Output {
    common::muster_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, Some(stdin))
}

const FORMATS: [&str; 3] = ["human", "json", "github"];

/// Every way the hostile input can reach an output: `check` (stdout) and
/// `build` (stderr), in every format.
fn every_output(input: &[u8]) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    for format in FORMATS {
        let check = muster(
            &["check", "--color", "never", "--format", format, "-"],
            input,
        );
        outputs.push((
            format!("check --format {format}"),
            String::from_utf8_lossy(&check.stdout).into_owned(),
        ));
        let build = muster(
            &["build", "--color", "never", "--format", format, "-"],
            input,
        );
        outputs.push((
            format!("build --format {format}"),
            String::from_utf8_lossy(&build.stderr).into_owned(),
        ));
    }
    outputs
}

#[test]
fn a_handbook_cannot_print_a_workflow_command() {
    let input = b"use \"x\\n::error file=README.md,line=1::forged\\n::stop-commands::pwned\\n\"\n";
    for (what, text) in every_output(input) {
        assert!(
            text.contains("forged"),
            "{what}: the path is reported: {text}"
        );
        for line in text.lines() {
            let ours = line.starts_with("::error file=<stdin>,")
                || line.starts_with("::warning file=<stdin>,");
            assert!(
                ours || !line.starts_with("::"),
                "{what}: a line starts a workflow command: {line}"
            );
        }
    }
}

#[test]
fn a_handbook_cannot_send_terminal_escapes() {
    let input = "actor b { kind offic } // \u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{b}\u{c}\u{85}x\n";
    for (what, text) in every_output(input.as_bytes()) {
        assert!(text.contains("offic"), "{what}: {text}");
        for c in ['\u{1b}', '\u{7}', '\r', '\u{b}', '\u{c}', '\u{85}'] {
            assert!(
                !text.contains(c),
                "{what}: raw U+{:04X} in the output: {text:?}",
                u32::from(c)
            );
        }
    }
}

#[test]
fn bidirectional_controls_are_reported_and_never_printed_raw() {
    let input = "actor cy \"\u{202e}Cyprus\" { kind member_state } // \u{2066}x\u{2069}\n";
    for (what, text) in every_output(input.as_bytes()) {
        assert!(text.contains("W0007"), "{what}: {text}");
        if what.contains("json") {
            continue;
        }
        for c in ['\u{202e}', '\u{2066}', '\u{2069}'] {
            assert!(!text.contains(c), "{what}: raw U+{:04X}", u32::from(c));
        }
    }
}

#[test]
fn lines_break_at_line_feeds_only_in_every_format() {
    // A CR, a vertical tab, a form feed, NEL and U+2028 inside a comment:
    // none of them ends a line.
    let input = "// a\rb\u{b}c\u{c}d\u{85}e\u{2028}f\nactor x { kind role }\n";
    let json = muster(&["check", "--format", "json", "-"], input.as_bytes());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["start"]["line"], 2);
    let github = String::from_utf8_lossy(
        &muster(&["check", "--format", "github", "-"], input.as_bytes()).stdout,
    )
    .into_owned();
    assert!(github.contains(",line=2,"), "{github}");
    let human = String::from_utf8_lossy(
        &muster(&["check", "--color", "never", "-"], input.as_bytes()).stdout,
    )
    .into_owned();
    assert!(human.contains("<stdin>:2:7"), "{human}");
}

#[test]
fn a_long_line_with_thousands_of_mistakes_gives_a_bounded_report() {
    // 2,000 undefined facts in one condition on one line of about 27 KB.
    let names: Vec<String> = (0..2000).map(|i| format!("undefined_{i}")).collect();
    let input = format!(
        "actor a {{ kind office }} resource r {{ provider a }} procedure p {{ lead a resources r \
         trigger t {{ when {} }} }}\n",
        names.join(" and ")
    );
    let human = muster(&["check", "--color", "never", "-"], input.as_bytes());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.len() < 1_000_000,
        "{} bytes for a {}-byte file",
        text.len(),
        input.len()
    );
    assert_eq!(
        text.matches("[E0102]").count(),
        200,
        "the first 200 in full"
    );
    assert!(
        text.contains("note: 1800 more E0102 in `<stdin>` are not shown"),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
    assert!(text.ends_with("checked 1 file: 2000 errors\n"));
    // Every excerpt is cut around its span.
    for line in text.lines() {
        assert!(line.chars().count() < 400, "{line}");
    }
    // The machine format lists every one.
    let json = muster(&["check", "--format", "json", "-"], input.as_bytes());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 2000);
}

/// The simulation's artefacts and findings of a scenario whose labels and
/// notes carry formulas, escapes, workflow commands and Markdown.
#[test]
fn a_scenario_cannot_forge_output_in_any_simulation_artefact() {
    let input = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/emit/hostile_labels.muster"),
    )
    .unwrap();
    let data = regex::Regex::new(
        r"^((crit|done|active|milestone), )*s\d+a\d+t\d+[dw]?, \d{4}-\d\d-\d\d \d\d:\d\d, (\d{4}-\d\d-\d\d \d\d:\d\d|0m)$",
    )
    .unwrap();
    for emit in ["timeline", "json", "gantt", "msel"] {
        for format in FORMATS {
            let out = muster(
                &[
                    "simulate", "-", "--emit", emit, "--format", format, "--color", "never",
                ],
                &input,
            );
            assert_eq!(out.status.code(), Some(0), "{emit} {format}");
            for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                let text = String::from_utf8_lossy(bytes);
                for c in ['\u{1b}', '\u{7}', '\r'] {
                    // The MSEL's lines end in CRLF, as RFC 4180 says.
                    let allowed = c == '\r' && emit == "msel" && stream == "stdout";
                    let raw = if allowed {
                        text.replace("\r\n", "").contains(c)
                    } else {
                        text.contains(c)
                    };
                    assert!(!raw, "{emit} {format} {stream}: raw U+{:04X}", u32::from(c));
                }
                for line in text.lines() {
                    let ours = line.starts_with("::error file=<stdin>,")
                        || line.starts_with("::warning file=<stdin>,");
                    assert!(
                        ours || !line.starts_with("::"),
                        "{emit} {format} {stream}: {line}"
                    );
                }
            }
            if emit == "msel" {
                let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
                for record in reader.records() {
                    for cell in record.unwrap().iter() {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@']),
                            "a formula cell: {cell}"
                        );
                    }
                }
            }
            if emit == "gantt" {
                let text = String::from_utf8_lossy(&out.stdout);

                for line in text.lines().skip(1) {
                    let line = line.trim_start();
                    assert!(!line.contains('#') && !line.contains(';'), "{line}");
                    assert!(!line.contains("%%"), "{line}");
                    let head = ["title ", "section ", "dateFormat ", "axisFormat "];
                    if head.iter().any(|h| line.starts_with(h)) {
                        assert!(!line.starts_with("title ") || !line.contains(':'), "{line}");
                        continue;
                    }
                    // A task: a name without `:`, then only Muster's data.
                    let (_, rest) = line.split_once(" :").expect("a task line");
                    assert!(data.is_match(rest), "{line}");
                }
            }
        }
    }
}
