//! Benchmarks of every stage on generated handbooks at a tenth of and at
//! the reference size (1,000 procedures × 10 steps): parse, check (with
//! the model, and the findings alone as `muster check` has them), plan,
//! emit JSON, emit DOT, serde_json reading the plan back (the yardstick of
//! `check`), and the whole `muster check` / `muster build` processes. Run with `cargo bench`; `docs/PERFORMANCE.md` has figures.

#[path = "../xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use generate::Size;
use muster::source::{FileId, SourceFile, SourceMap};

fn main() {
    divan::main();
}

/// The sizes benchmarked, as factors of the reference size.
const FACTORS: [f64; 2] = [0.1, 1.0];

fn text(factor: f64) -> &'static str {
    static TEXTS: OnceLock<[String; 2]> = OnceLock::new();
    let texts =
        TEXTS.get_or_init(|| FACTORS.map(|f| generate::handbook(Size::REFERENCE.scaled(f), 42)));
    &texts[usize::from(factor >= 1.0)]
}

fn sources(factor: f64) -> (SourceMap, FileId) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("bench.muster", text(factor)));
    (sources, id)
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn parse(bencher: divan::Bencher, factor: f64) {
    let (sources, id) = sources(factor);
    bencher.bench(|| muster::parse_source(&sources, id));
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn check(bencher: divan::Bencher, factor: f64) {
    let (sources, id) = sources(factor);
    let parsed = muster::parse_source(&sources, id);
    let ast = parsed.ast.expect("the generated handbook parses");
    bencher.bench(|| muster::check::check(&sources, vec![std::borrow::Cow::Borrowed(&ast)], true));
}

/// What `muster check` runs: the findings alone, from a tree handed over
/// owned (each procedure's tree and model are freed as it goes). The clone
/// of the tree is outside the timing.
#[divan::bench(args = FACTORS, sample_count = 10)]
fn check_findings(bencher: divan::Bencher, factor: f64) {
    let (sources, id) = sources(factor);
    let parsed = muster::parse_source(&sources, id);
    let ast = parsed.ast.expect("the generated handbook parses");
    bencher
        .with_inputs(|| vec![std::borrow::Cow::Owned(ast.clone())])
        .bench_local_values(|files| muster::check::check_findings(&sources, files, true));
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn plan(bencher: divan::Bencher, factor: f64) {
    let (sources, id) = sources(factor);
    let model = muster::compile(&sources, id).model.expect("valid");
    bencher.bench(|| muster::plan::build(&model, &sources, &[id]));
}

fn built_plan(factor: f64) -> muster::plan::Plan {
    let (sources, id) = sources(factor);
    let model = muster::compile(&sources, id).model.expect("valid");
    muster::plan::build(&model, &sources, &[id])
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn emit_json(bencher: divan::Bencher, factor: f64) {
    let plan = built_plan(factor);
    bencher.bench(|| muster::emit::json(&plan));
}

/// The yardstick of `check`: serde_json reading the compiled plan (its
/// JSON, about 7 times the handbook's size) into a `Value`. The target is
/// `parse` + `check` within 1.5 times this (`xtask perf` measures it as
/// processes).
#[divan::bench(args = FACTORS, sample_count = 10)]
fn read_plan_json(bencher: divan::Bencher, factor: f64) {
    let json = muster::emit::json(&built_plan(factor));
    bencher.bench(|| serde_json::from_str::<serde_json::Value>(&json).map(|v| v.is_object()));
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn emit_dot(bencher: divan::Bencher, factor: f64) {
    let plan = built_plan(factor);
    bencher.bench(|| muster::emit::dot(&plan));
}

/// The generated handbook written to a file, for the process benchmarks.
fn file(factor: f64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("bench-{factor}.muster"));
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text(factor)) {
        std::fs::write(&path, text(factor)).expect("the bench file is writable");
    }
    path
}

fn run(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("muster runs");
    assert!(status.success());
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn process_check(bencher: divan::Bencher, factor: f64) {
    let path = file(factor);
    let path = path.to_string_lossy();
    bencher.bench(|| run(&["check", &path]));
}

#[divan::bench(args = FACTORS, sample_count = 10)]
fn process_build(bencher: divan::Bencher, factor: f64) {
    let path = file(factor);
    let path = path.to_string_lossy();
    bencher.bench(|| run(&["build", &path, "--emit", "json"]));
}
