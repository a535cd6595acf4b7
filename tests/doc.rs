//! `muster doc`: the manual of every example as a committed snapshot, and
//! no input can break the document: the hostile-label fixture and
//! generated labels are parsed with pulldown-cmark, which must find no raw
//! HTML, no table whose rows differ from their header, and every label's
//! text where it was put.

mod common;

use std::path::Path;

use common::muster_in;
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manual_of(path: &Path) -> String {
    let output = muster::compile_file(path, &muster::Options::default()).unwrap();
    let plan = output.plan.expect("the handbook compiles");
    let model = output.model.expect("the handbook compiles");
    let report = muster::simulate::report::play_all(&model, &output.sources, Default::default());
    muster::emit::doc::render(&plan, &report)
}

fn manual_of_text(text: &str) -> String {
    let mut sources = muster::source::SourceMap::new();
    let id = sources.add(muster::source::SourceFile::new("t.muster", text));
    let compiled = muster::compile(&sources, id);
    let model = compiled
        .model
        .unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let plan = muster::plan::build(&model, &sources, &[id]);
    let report = muster::simulate::report::play_all(&model, &sources, Default::default());
    muster::emit::doc::render(&plan, &report)
}

/// What a Markdown reader makes of the document: no raw HTML, tables with
/// as many cells per row as in their header; the plain text, for content
/// checks.
fn read(markdown: &str) -> String {
    let mut plain = String::new();
    let mut header_cells = 0;
    let mut row_cells = 0;
    let mut in_head = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                panic!("raw HTML in the manual: {html:?}")
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                header_cells = 0;
            }
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => row_cells = 0,
            Event::Start(Tag::TableCell) => {
                if in_head {
                    header_cells += 1;
                } else {
                    row_cells += 1;
                }
            }
            Event::End(TagEnd::TableRow) => {
                assert_eq!(
                    row_cells, header_cells,
                    "a row with another number of cells"
                );
            }
            Event::Text(text) | Event::Code(text) => plain.push_str(&text),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::End(_) => plain.push('\n'),
            _ => {}
        }
    }
    plain
}

#[test]
fn the_manual_of_every_example() {
    for (name, path) in [
        ("art42_7", "examples/art42_7.muster"),
        ("cyber_crisis", "examples/cyber_crisis.muster"),
        ("solidarity_222", "examples/solidarity_222.muster"),
        ("ucpm_medevac", "examples/ucpm_medevac.muster"),
        ("eu_crisis", "examples/eu_crisis/main.muster"),
    ] {
        let manual = manual_of(&root().join(path));
        read(&manual);
        insta::assert_snapshot!(name, manual);
    }
}

#[test]
fn a_liaison_officer_finds_their_own_tasks_in_order() {
    let manual = manual_of(&root().join("examples/art42_7.muster"));
    let plain = read(&manual);
    let at = plain
        .find("Checklist of hrvp")
        .expect("a checklist per actor");
    let checklist = &plain[at..plain[at..]
        .find("Checklist of eeas")
        .map_or(plain.len(), |e| at + e)];
    let lead = checklist.find("lead the procedure").unwrap();
    let consult = checklist.find("Consultations on needs (consult)").unwrap();
    let word = checklist.find("receive word").unwrap();
    assert!(lead < consult && consult < word, "{checklist}");
    // A group's members see the group's items.
    let cy = &plain[plain.find("Checklist of cy").unwrap()..plain.find("Checklist of gr").unwrap()];
    assert!(
        cy.contains(
            "Offers of assistance (offers) (as a member of Assisting member states (assisting))"
        ),
        "{cy}"
    );
    // A role's checklist says what it means.
    let victim = &plain[plain.find("Checklist of victim").unwrap()..];
    assert!(
        victim.starts_with("Checklist of victim\nMember state under attack\n — a role"),
        "{victim}"
    );
}

#[test]
fn hostile_labels_cannot_break_the_manual() {
    let manual = manual_of(&root().join("tests/emit/hostile_labels.muster"));
    let plain = read(&manual);
    // The texts are there, as text.
    assert!(plain.contains("<b>bold</b>"), "{plain}");
    assert!(plain.contains("A[\"square\"] --> B{rhombus}"), "{plain}");
    assert!(
        plain.contains("`backticks` and #35; entities &amp;"),
        "{plain}"
    );
    for line in manual.lines() {
        assert!(!line.contains('\u{1b}') && !line.contains('\r'), "{line:?}");
    }
}

/// A Muster string literal holding `s` exactly.
fn literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_labels_cannot_break_the_manual(
        labels in proptest::collection::vec(
            proptest::string::string_regex(r"[ -~]{1,24}|[|*_`<>\[\]#!&\\-]{1,8}|[a-z]{1,5}[<>|]{1,3}[a-z]{1,5}").unwrap(),
            6,
        ),
    ) {
        let [a, r, p, s, sc, doc] = [0, 1, 2, 3, 4, 5].map(|i| labels[i].clone());
        let text = format!(
            "actor lead {la} {{ kind body }}\n\
             resource cell {lr} {{ provider lead  capacity 2 units }}\n\
             fact go: bool\n\
             /// {doc_line}\n\
             procedure p {lp} {{\n  lead lead\n  trigger t {{ when go  resources cell(1 units) }}\n  \
             step s {ls} {{ takes 1h  within 1d  notify lead  decision consensus }}\n}}\n\
             scenario play {lsc} {{\n  note {ldoc}\n  incident i {ls} {{ set go = true }}\n  expect i.p.s within 1d\n}}\n",
            la = literal(&a),
            lr = literal(&r),
            lp = literal(&p),
            ls = literal(&s),
            lsc = literal(&sc),
            ldoc = literal(&doc),
            // A doc comment is raw text: keep it to one line.
            doc_line = doc.replace(['\n', '\r'], " "),
        );
        let manual = manual_of_text(&text);
        let plain = read(&manual);
        for label in [&a, &r, &p, &s, &sc] {
            let shown = muster::diagnostic::printable(label).into_owned();
            prop_assert!(plain.contains(&shown), "{shown:?} is not in the manual:\n{manual}");
        }
    }
}

#[test]
fn the_command_writes_checks_and_explains() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/art42_7.muster"),
        dir.path().join("h.muster"),
    )
    .unwrap();
    let out = muster_in(dir.path(), &["doc", "h.muster", "-o", "manual.md"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("manual.md")).unwrap();
    assert!(written.starts_with("# EU mutual assistance"));
    let same = muster_in(
        dir.path(),
        &["doc", "h.muster", "-o", "manual.md", "--check"],
        None,
    );
    assert_eq!(same.status.code(), Some(0));
    std::fs::write(dir.path().join("manual.md"), "old\n").unwrap();
    let drift = muster_in(
        dir.path(),
        &["doc", "h.muster", "-o", "manual.md", "--check"],
        None,
    );
    assert_eq!(drift.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&drift.stderr)
            .contains("help: update it with `muster doc h.muster -o manual.md`")
    );
    let help = muster_in(dir.path(), &["doc", "--help"], None);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("a checklist for every actor"), "{help}");
    let broken = dir.path().join("broken.muster");
    std::fs::write(&broken, "procedure p { lead nobody }\n").unwrap();
    let refused = muster_in(dir.path(), &["doc", "broken.muster", "-o", "b.md"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(!dir.path().join("b.md").exists());
}
