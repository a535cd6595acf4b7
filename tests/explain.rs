//! `muster explain`: every code has a text with a title, a wrong and a fixed
//! example; the wrong example really produces the code and the fixed one
//! compiles without a finding; every code is also exercised by a UI fixture.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use muster::diagnostic::Code;
use muster::source::{SourceFile, SourceMap};

fn codes_of(text: &str) -> BTreeSet<&'static str> {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("example.muster", text));
    muster::compile(&sources, id)
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn every_code_has_an_explanation_with_a_title_and_two_examples() {
    for &code in Code::ALL {
        let text = muster::explain::text(code);
        let title = text.lines().next().unwrap_or_default();
        // The title is the code's summary, as `muster explain` users and
        // the reference's table read it: no notes to implementers.
        assert_eq!(
            title,
            format!("# {}: {}", code.as_str(), code.summary()),
            "{code:?}"
        );
        assert!(
            muster::explain::example(code, "Wrong").is_some(),
            "{code:?}: no Wrong example"
        );
        assert!(
            muster::explain::example(code, "Fixed").is_some(),
            "{code:?}: no Fixed example"
        );
    }
}

/// Codes about `use` between files: a single snippet cannot show two
/// files, so their examples show the using file only; their behaviour is
/// covered by the `tests/ui/use/` fixtures.
const MULTI_FILE: [Code; 3] = [Code::E0004, Code::E0005, Code::E0006];

#[test]
fn wrong_examples_produce_their_code_and_fixed_examples_are_clean() {
    for &code in Code::ALL {
        if MULTI_FILE.contains(&code) {
            continue;
        }
        let fixed = muster::explain::example(code, "Fixed").unwrap();
        assert_eq!(
            codes_of(fixed),
            BTreeSet::new(),
            "{code:?}: the fixed example has findings"
        );
        // The invalid byte of E0003 cannot be shown in a UTF-8 text.
        if code == Code::E0003 {
            continue;
        }
        let wrong = muster::explain::example(code, "Wrong").unwrap();
        assert_eq!(
            codes_of(wrong),
            BTreeSet::from([code.as_str()]),
            "{code:?}: the wrong example should produce exactly this code"
        );
    }
}

/// The codes of the reference's table (`docs/reference.md`), each with its
/// severity and summary, as the rows `| [E0001](../src/explain/E0001.md) |
/// error | syntax error |`.
fn reference_codes() -> Vec<(String, String, String, String)> {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md");
    let text = std::fs::read_to_string(&reference).unwrap();
    let section = &text[text.find("\n## Diagnostic codes\n").expect("a code table")..];
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| ["))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let code = cells[0].split(']').next().unwrap().to_owned();
            let link = cells[0]
                .split("](")
                .nth(1)
                .unwrap_or("")
                .trim_end_matches(')')
                .to_owned();
            let severity = cells.get(1).copied().unwrap_or("").to_owned();
            let summary = cells
                .get(2)
                .copied()
                .unwrap_or("")
                .trim_end_matches(" |")
                .to_owned();
            (code, link, severity, summary)
        })
        .collect()
}

#[test]
fn the_reference_lists_every_code_and_no_other() {
    let rows = reference_codes();
    let listed: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let known: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        listed, known,
        "the code table of docs/reference.md and `Code` differ"
    );
    for (code, link, severity, summary) in &rows {
        let known = Code::parse(code).unwrap();
        assert_eq!(link, &format!("../src/explain/{code}.md"), "{code}: link");
        assert_eq!(severity, known.severity().as_str(), "{code}: severity");
        assert_eq!(summary, known.summary(), "{code}: summary");
        let target = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(link);
        assert!(target.is_file(), "{code}: {} is missing", target.display());
    }
}

#[test]
fn every_code_is_exercised_by_a_ui_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut seen = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("ui__")
        {
            seen.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(&format!("[{c}]")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a UI fixture: {missing:?}"
    );
}

#[test]
fn the_command_prints_the_text_and_refuses_unknown_codes() {
    let run = |code: &str| {
        Command::new(env!("CARGO_BIN_EXE_muster"))
            .args(["explain", code])
            .output()
            .unwrap()
    };
    let out = run("e0201");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        muster::explain::text(Code::E0201)
    );
    let out = run("E9201");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: unknown diagnostic code `E9201`\nhelp: did you mean `E0201`?"),
        "{stderr}"
    );
}
