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
        assert!(
            title.starts_with(&format!("# {}: ", code.as_str())),
            "{title}"
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

#[test]
fn every_code_of_the_contract_is_known() {
    // The contract lives beside the repository (`../shared/spec`); CI has
    // it, and so does every developer checkout.
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/LANGUAGE.md");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the contract is missing under CI: {}",
            spec.display()
        );
        eprintln!("SKIPPED: no contract at {}", spec.display());
        return;
    };
    let contract: BTreeSet<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|word| {
            word.len() == 5
                && (word.starts_with('E') || word.starts_with('W'))
                && word[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .collect();
    let known: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        contract, known,
        "the codes of LANGUAGE.md §6 and of `Code` differ"
    );
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
