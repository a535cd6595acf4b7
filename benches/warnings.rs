//! The cost of reporting warnings: `check` of the reference handbook
//! (1,000 procedures × 10 steps) with 200 W0503 warnings spread through
//! it, against the same handbook without them
//! (`generate::handbook_with_warnings`: the same text but for one digit
//! in every fifth procedure). A report must cost in proportion to the
//! lines it shows, not to the file nor to its line numbers: target
//! ≤ 1.1×, measured as a ratio in one run, each pair in turn.
//! `cargo bench --bench warnings` runs the benchmarks, then prints the
//! ratios; `cargo bench --bench warnings -- ratios` only the ratios.

#[path = "../xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "common/paired.rs"]
mod paired;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use paired::{paired, verdict};

use generate::Size;
use muster::diagnostic::{Code, Diagnostic, HumanOptions};
use muster::source::{FileId, SourceFile, SourceMap};

/// The warnings of the case with warnings: one in every fifth procedure.
const WARNINGS: usize = 200;
const EVERY: usize = Size::REFERENCE.procedures / WARNINGS;
/// The target: `check` with the warnings at most this many times the
/// time without.
const TARGET: f64 = 1.1;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only_ratios = args.iter().any(|a| a == "ratios");
    if !only_ratios {
        divan::main();
    }
    // Not under `cargo test`, nor with a filter of divan's.
    let bench = args.iter().any(|a| a == "--bench");
    if bench && (only_ratios || args.len() == 1) {
        ratios();
    }
}

/// A handbook read, and the diagnostics `check` reports on it.
struct Handbook {
    text: String,
    sources: SourceMap,
    id: FileId,
    diagnostics: Vec<Diagnostic>,
}

/// The reference handbook with `warnings` W0503 warnings (0 or
/// [`WARNINGS`]).
fn handbook(warnings: usize) -> &'static Handbook {
    static HANDBOOKS: OnceLock<[Handbook; 2]> = OnceLock::new();
    let handbooks = HANDBOOKS.get_or_init(|| {
        let make = |text: String, expected: usize| {
            let mut sources = SourceMap::new();
            let id = sources.add(SourceFile::new("reference.muster", text.clone()));
            let mut diagnostics = muster::compile(&sources, id).diagnostics;
            muster::diagnostic::sort(&mut diagnostics);
            assert_eq!(diagnostics.len(), expected, "{:?}", diagnostics.first());
            assert!(diagnostics.iter().all(|d| d.code == Code::W0503));
            Handbook {
                text,
                sources,
                id,
                diagnostics,
            }
        };
        [
            make(generate::handbook(Size::REFERENCE, 42), 0),
            make(
                generate::handbook_with_warnings(Size::REFERENCE, 42, EVERY),
                WARNINGS,
            ),
        ]
    });
    &handbooks[usize::from(warnings > 0)]
}

/// What `muster check` does with the file read: compile, sort the
/// diagnostics, write the human report.
fn check_and_report(h: &Handbook) -> usize {
    let mut diagnostics = muster::compile(&h.sources, h.id).diagnostics;
    muster::diagnostic::sort(&mut diagnostics);
    report(h, &diagnostics)
}

/// The human report of `diagnostics`; its length.
fn report(h: &Handbook, diagnostics: &[Diagnostic]) -> usize {
    let mut out = Vec::new();
    muster::diagnostic::write_human(
        &mut out,
        &h.sources,
        diagnostics,
        HumanOptions { color: false },
    )
    .expect("a report is written to memory");
    out.len()
}

/// `check` and its report, without and with the warnings.
#[divan::bench(args = [0, WARNINGS], sample_count = 10)]
fn check_with_warnings(bencher: divan::Bencher, warnings: usize) {
    let h = handbook(warnings);
    bencher.bench(|| check_and_report(h));
}

/// The report of the 200 warnings alone (about 2,400 lines of text).
#[divan::bench(sample_count = 20)]
fn report_of_the_warnings(bencher: divan::Bencher) {
    let h = handbook(WARNINGS);
    bencher.bench(|| report(h, &h.diagnostics));
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `text` in a file of the bench's temporary directory.
fn file(name: &str, text: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        std::fs::write(&path, text).expect("the bench file is writable");
    }
    path
}

/// `muster check FILE`, its human report to nowhere.
fn run_check(path: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_muster"))
        .arg("check")
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("muster runs");
    assert!(status.success(), "warnings do not fail `check`");
}

/// The rows of `docs/PERFORMANCE.md` for the cost of warnings.
fn ratios() {
    let (plain, warned) = (handbook(0), handbook(WARNINGS));
    println!();
    println!(
        "Reference handbook, {} lines, with {WARNINGS} W0503 warnings (one in every {EVERY}th procedure) and without. Medians, each pair measured in turn in this run.",
        plain.text.lines().count()
    );
    println!();
    println!("| measure | figures | ratio | target | |");
    println!("|---|---|---|---|---|");
    let (with, without) = paired(
        15,
        || {
            black_box(check_and_report(warned));
        },
        || {
            black_box(check_and_report(plain));
        },
    );
    let x = with.as_secs_f64() / without.as_secs_f64();
    println!(
        "| compile and human report, with {WARNINGS} warnings vs without | {} vs {} | {x:.2}× | ≤ {TARGET}× | {} |",
        ms(with),
        ms(without),
        verdict(x <= TARGET)
    );
    let (plain_file, warned_file) = (
        file("reference.muster", &plain.text),
        file("reference-warnings.muster", &warned.text),
    );
    let (with, without) = paired(15, || run_check(&warned_file), || run_check(&plain_file));
    let x = with.as_secs_f64() / without.as_secs_f64();
    println!(
        "| `muster check` process, with {WARNINGS} warnings vs without | {} vs {} | {x:.2}× | ≤ {TARGET}× | {} |",
        ms(with),
        ms(without),
        verdict(x <= TARGET)
    );
    let (report_time, _) = paired(
        15,
        || {
            black_box(report(warned, &warned.diagnostics));
        },
        || {},
    );
    println!(
        "| the human report of the {WARNINGS} warnings alone | {} | {:.1} µs a report | | |",
        ms(report_time),
        report_time.as_secs_f64() * 1e6 / WARNINGS as f64
    );
}
