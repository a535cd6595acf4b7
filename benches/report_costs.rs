//! Costs that must grow linearly with hostile input, each at N and 4N:
//! the human and JSON reports of thousands of diagnostics on one long
//! line, parsing a file that is one long line of declarations (the doc
//! comment lookup), and formatting thousands of commented blocks. Run with
//! `cargo bench --bench report_costs`; `docs/PERFORMANCE.md` has figures.

use muster::diagnostic::{Diagnostic, HumanOptions};
use muster::source::{FileId, SourceFile, SourceMap};

fn main() {
    divan::main();
}

/// One line holding a condition with `n` undefined facts: `n` E0102 on a
/// line of about 14 bytes per name.
fn undefined_on_one_line(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("undefined_{i}")).collect();
    format!(
        "actor a {{ kind office }} resource r {{ provider a }} procedure p {{ lead a resources r \
         trigger t {{ when {} }} }}\n",
        names.join(" and ")
    )
}

/// `n` actors on one line, each unused: `n` declarations whose doc
/// comment is looked for, and `n` W0601 on one line.
fn declarations_on_one_line(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("actor a{i} {{ kind role }} "));
    }
    text.push('\n');
    text
}

/// `n` actors, each with a comment inside its block.
fn commented_blocks(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "// actor {i}\nactor a{i} {{ /* inside */ kind role }} // after\n"
        ));
    }
    text
}

fn compiled(text: String) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("bench.muster", text));
    let diagnostics = muster::compile(&sources, id).diagnostics;
    (sources, diagnostics)
}

fn one_file(text: String) -> (SourceMap, FileId) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("bench.muster", text));
    (sources, id)
}

#[divan::bench(args = [500, 2000], sample_count = 5)]
fn human_report_long_line(bencher: divan::Bencher, n: usize) {
    let (sources, diagnostics) = compiled(undefined_on_one_line(n));
    bencher.bench(|| {
        let mut out = std::io::sink();
        muster::diagnostic::write_human(
            &mut out,
            &sources,
            &diagnostics,
            HumanOptions { color: false },
        )
    });
}

#[divan::bench(args = [5000, 20000], sample_count = 5)]
fn json_report_one_line(bencher: divan::Bencher, n: usize) {
    let (sources, diagnostics) = compiled(declarations_on_one_line(n));
    bencher.bench(|| {
        let mut out = std::io::sink();
        muster::diagnostic::write_json(&mut out, &sources, &diagnostics)
    });
}

#[divan::bench(args = [5000, 20000], sample_count = 5)]
fn parse_one_line(bencher: divan::Bencher, n: usize) {
    let (sources, id) = one_file(declarations_on_one_line(n));
    bencher.bench(|| muster::parse_source(&sources, id));
}

#[divan::bench(args = [5000, 20000], sample_count = 5)]
fn fmt_commented_blocks(bencher: divan::Bencher, n: usize) {
    let (sources, id) = one_file(commented_blocks(n));
    bencher.bench(|| muster::fmt::format_source(&sources, id));
}
