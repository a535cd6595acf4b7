//! `muster explain`: every code has a text with a title, a wrong and a fixed
//! example; the wrong example really produces the code and the fixed one
//! compiles without a finding (for the codes of the simulator, the
//! examples are also played: the wrong one produces the code, the fixed
//! one plays without a finding); every code is also exercised by a UI
//! fixture.

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

/// The findings of the simulator: a scenario must be played to produce
/// them, so their examples are handbooks with a scenario.
const SIMULATION: [Code; 4] = [Code::W0701, Code::W0702, Code::W0703, Code::W0704];

/// An example played: every scenario of the model, with its own `runs`
/// and `seed`.
struct Played {
    /// The codes of the findings, over every scenario.
    findings: BTreeSet<&'static str>,
    /// `met` of every expectation, over every scenario.
    expectations: Vec<bool>,
}

/// Compiles `text`, which must compile without any diagnostic and have a
/// scenario, and plays every scenario.
fn play(code: Code, heading: &str, text: &str) -> Played {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("example.muster", text));
    let compiled = muster::compile(&sources, id);
    let checked: BTreeSet<&str> = compiled
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        checked,
        BTreeSet::new(),
        "{code:?}: the {heading} example has check diagnostics"
    );
    let model = compiled
        .model
        .unwrap_or_else(|| panic!("{code:?}: the {heading} example has no model"));
    assert!(
        !model.scenarios.is_empty(),
        "{code:?}: the {heading} example has no scenario to play"
    );
    let mut played = Played {
        findings: BTreeSet::new(),
        expectations: Vec::new(),
    };
    for sc in &model.scenarios {
        let outcome = muster::simulate::simulate(&model, sc, muster::simulate::Options::default());
        played
            .findings
            .extend(outcome.diagnostics().iter().map(|d| d.code.as_str()));
        played
            .expectations
            .extend(outcome.expectations.iter().map(|e| e.met));
    }
    played
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
        if SIMULATION.contains(&code) || code == Code::E0705 {
            // Played below: the check alone finds nothing.
            assert_eq!(
                codes_of(wrong),
                BTreeSet::new(),
                "{code:?}: the wrong example should compile without a diagnostic"
            );
            continue;
        }
        assert_eq!(
            codes_of(wrong),
            BTreeSet::from([code.as_str()]),
            "{code:?}: the wrong example should produce exactly this code"
        );
    }
}

#[test]
fn simulation_examples_play_as_they_say() {
    for code in SIMULATION {
        let wrong = play(
            code,
            "Wrong",
            muster::explain::example(code, "Wrong").unwrap(),
        );
        assert_eq!(
            wrong.findings,
            BTreeSet::from([code.as_str()]),
            "{code:?}: the wrong example, played, should produce exactly this code"
        );
        let fixed = play(
            code,
            "Fixed",
            muster::explain::example(code, "Fixed").unwrap(),
        );
        assert_eq!(
            fixed.findings,
            BTreeSet::new(),
            "{code:?}: the fixed example, played, has findings"
        );
    }
}

#[test]
fn expectation_examples_fail_and_hold_as_they_say() {
    let code = Code::E0705;
    let wrong = play(
        code,
        "Wrong",
        muster::explain::example(code, "Wrong").unwrap(),
    );
    assert!(
        wrong.expectations.contains(&false),
        "{code:?}: every expectation of the wrong example holds: {:?}",
        wrong.expectations
    );
    let fixed = play(
        code,
        "Fixed",
        muster::explain::example(code, "Fixed").unwrap(),
    );
    assert!(
        !fixed.expectations.is_empty(),
        "{code:?}: the fixed example has no expectation"
    );
    assert!(
        fixed.expectations.iter().all(|&met| met),
        "{code:?}: an expectation of the fixed example fails: {:?}",
        fixed.expectations
    );
    assert_eq!(
        fixed.findings,
        BTreeSet::new(),
        "{code:?}: the fixed example, played, has findings"
    );
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
