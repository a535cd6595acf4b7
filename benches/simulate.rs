//! Benchmarks of the simulator (`docs/PERFORMANCE.md`, "Simulation
//! costs"):
//!
//! - `reference`: the 1,000 × 10 reference handbook with a generated
//!   scenario of 100 incidents (`xtask gen --incidents 100`): `check` of
//!   the handbook against one run of the scenario, alone, without its
//!   findings (the engine) and with the report and each artefact of
//!   `muster simulate`;
//! - `ranged`: the scenario `double_invocation` of `examples/art42_7.muster`
//!   with ranged durations, played 250, 1,000 and 4,000 times, and 1,000
//!   times on a pool of 1 and of 2 threads.
//!
//! After divan's table, `cargo bench --bench simulate` measures the
//! ratios the targets are about, each pair interleaved in one run (on a
//! shared machine, a ratio of two medians taken minutes apart moves more
//! than the ratio of two taken side by side), and the peak resident
//! memory of `muster simulate` processes at 1,000 and 10,000 runs. Only
//! the ratios: `cargo bench --bench simulate -- ratios`.

#[path = "../xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "common/paired.rs"]
mod paired;

use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use paired::{paired, verdict};

use muster::check::Model;
use muster::simulate::{self, Options};
use muster::source::{SourceFile, SourceMap};
use muster::syntax::ast;

/// The incidents of the reference scenario.
const INCIDENTS: usize = 100;
/// The runs of the Monte Carlo case.
const RUNS: u32 = 1000;

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

/// A compiled handbook with what the benchmarks need of it.
struct Compiled {
    sources: SourceMap,
    ast: ast::File,
    model: Model,
}

fn compiled(name: &str, text: String) -> Compiled {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(name, text));
    let ast = muster::parse_source(&sources, id)
        .ast
        .expect("the handbook parses");
    let compilation = muster::compile(&sources, id);
    let model = compilation.model.unwrap_or_else(|| {
        panic!(
            "the handbook compiles: {:?}",
            compilation.diagnostics.first()
        )
    });
    assert_eq!(model.scenarios.len(), 1);
    Compiled {
        sources,
        ast,
        model,
    }
}

fn reference_text() -> String {
    let mut text = generate::handbook(generate::Size::REFERENCE, 42);
    text.push_str(&generate::scenario(INCIDENTS, 42));
    text
}

/// The reference handbook and its 100-incident scenario.
fn reference() -> &'static Compiled {
    static REFERENCE: OnceLock<Compiled> = OnceLock::new();
    REFERENCE.get_or_init(|| compiled("reference.muster", reference_text()))
}

fn ranged_text() -> String {
    generate::art42_7_ranged(include_str!("../examples/art42_7.muster"), RUNS)
        .expect("examples/art42_7.muster has the durations the benchmark ranges")
}

/// `examples/art42_7.muster` with ranged durations, `runs 1000`.
fn ranged() -> &'static Compiled {
    static RANGED: OnceLock<Compiled> = OnceLock::new();
    RANGED.get_or_init(|| compiled("art42_7_ranged.muster", ranged_text()))
}

fn check(c: &Compiled) -> muster::check::Checked {
    muster::check::check(&c.sources, vec![std::borrow::Cow::Borrowed(&c.ast)], true)
}

fn play(c: &Compiled, runs: Option<u32>) -> simulate::Outcome<'_> {
    simulate::simulate(
        &c.model,
        &c.model.scenarios[0],
        Options { runs, seed: None },
    )
}

/// What `muster simulate` does after checking: play, build the report,
/// write the artefact.
fn play_and_render(c: &Compiled, runs: Option<u32>, emit: &str) -> String {
    let outcome = play(c, runs);
    let diagnostics = outcome.diagnostics();
    black_box(diagnostics);
    let report = simulate::report::build(&[outcome], &c.sources);
    match emit {
        "timeline" => muster::emit::timeline::render(&report),
        "json" => simulate::report::json(&report),
        "gantt" => muster::emit::gantt::render(&report),
        "msel" => muster::emit::msel::render(&report),
        _ => unreachable!("{emit}"),
    }
}

fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

#[divan::bench_group(sample_count = 10)]
mod reference {
    use super::*;

    /// `check` of the handbook, its scenario included (parsed beforehand).
    #[divan::bench]
    fn check(bencher: divan::Bencher) {
        let c = reference();
        bencher.bench(|| super::check(c));
    }

    /// One run of the 100-incident scenario, its findings and expectations.
    #[divan::bench]
    fn simulate(bencher: divan::Bencher) {
        let c = reference();
        bencher.bench(|| play(c, None));
    }

    /// The engine alone: one run, without its findings.
    #[divan::bench]
    fn engine(bencher: divan::Bencher) {
        let c = reference();
        let prepared = simulate::Prepared::new(&c.model, &c.model.scenarios[0]);
        bencher.bench(|| simulate::engine::run(&prepared, 0, 0));
    }

    /// One run, its report and an artefact of `muster simulate`.
    #[divan::bench(args = ["timeline", "json", "gantt", "msel"])]
    fn simulate_and_emit(bencher: divan::Bencher, emit: &str) {
        let c = reference();
        bencher.bench(|| play_and_render(c, None, emit));
    }
}

#[divan::bench_group(sample_count = 10)]
mod ranged {
    use super::*;

    /// The scenario played `runs` times (on the global pool).
    #[divan::bench(args = [250, 1000, 4000])]
    fn runs(bencher: divan::Bencher, runs: u32) {
        let c = ranged();
        bencher.bench(|| play(c, Some(runs)));
    }

    /// 1,000 runs on a pool of `threads` threads.
    #[divan::bench(args = [1, 2])]
    fn threads(bencher: divan::Bencher, threads: usize) {
        let c = ranged();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        bencher.bench(|| pool.install(|| play(c, Some(RUNS))));
    }

    /// 1,000 runs, the report and the timeline with its percentiles.
    #[divan::bench]
    fn thousand_runs_and_timeline(bencher: divan::Bencher) {
        let c = ranged();
        bencher.bench(|| play_and_render(c, Some(RUNS), "timeline"));
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Peak resident memory of `muster simulate FILE --runs N` in KiB, from
/// `/usr/bin/time`.
fn peak_kib(file: &str, runs: u32) -> Option<u64> {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M", env!("CARGO_BIN_EXE_muster"), "simulate", file])
        .args(["--runs", &runs.to_string()])
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stderr);
    text.lines().last()?.trim().parse().ok()
}

/// The table of `docs/PERFORMANCE.md`, "Simulation costs".
fn ratios() {
    let r = reference();
    let g = ranged();
    let c = &r.model.scenarios[0];
    let outcome = play(r, None);
    let steps: usize = outcome
        .first
        .activations
        .iter()
        .map(|a| a.steps.len())
        .sum();
    println!();
    println!(
        "Reference: {} procedures × {} steps, scenario of {} incidents: {} activations, {} steps played, {} claims, {} events, {} findings.",
        r.model.procedures.len(),
        generate::Size::REFERENCE.steps,
        c.incidents.len(),
        outcome.first.activations.len(),
        steps,
        outcome.first.claims.len(),
        outcome.first.events.len(),
        outcome.findings.len()
    );
    drop(outcome);
    println!("Medians, each pair measured in turn in this run.");
    println!();
    println!("| measure | figures | ratio | target | |");
    println!("|---|---|---|---|---|");

    let (sim, chk) = paired(
        15,
        || {
            black_box(play(r, None));
        },
        || {
            black_box(check(r));
        },
    );
    let x = ratio(sim, chk);
    println!(
        "| (a) one run of 100 incidents vs `check`, 1,000 × 10 | {} vs {} | {x:.2}× | ≤ 2× | {} |",
        ms(sim),
        ms(chk),
        verdict(x <= 2.0)
    );
    let prepared = simulate::Prepared::new(&r.model, c);
    let (engine, chk) = paired(
        15,
        || {
            black_box(simulate::engine::run(&prepared, 0, 0));
        },
        || {
            black_box(check(r));
        },
    );
    println!(
        "| (a′) the engine alone (`engine::run`, no findings) vs `check` | {} vs {} | {:.2}× | | |",
        ms(engine),
        ms(chk),
        ratio(engine, chk)
    );
    let (all, chk) = paired(
        9,
        || {
            black_box(play_and_render(r, None, "timeline"));
        },
        || {
            black_box(check(r));
        },
    );
    println!(
        "| (a″) the same with the report and the timeline vs `check` | {} vs {} | {:.2}× | | |",
        ms(all),
        ms(chk),
        ratio(all, chk)
    );

    let (thousand, quarter) = paired(
        9,
        || {
            black_box(play(g, Some(RUNS)));
        },
        || {
            black_box(play(g, Some(RUNS / 4)));
        },
    );
    println!(
        "| (b) {RUNS} runs of `double_invocation`, ranged | {} | {:.1} µs a run | < 1 s | {} |",
        ms(thousand),
        thousand.as_secs_f64() * 1e6 / f64::from(RUNS),
        verdict(thousand < Duration::from_secs(1))
    );
    let x = ratio(thousand, quarter);
    println!(
        "| (c) {RUNS} vs {} runs | {} vs {} | {x:.2}× for 4× the runs | ≤ 4.4× (linear) | {} |",
        RUNS / 4,
        ms(thousand),
        ms(quarter),
        verdict(x <= 4.4)
    );
    let (one, two) = paired(
        9,
        || {
            black_box(on_threads(1, || play(g, Some(RUNS))));
        },
        || {
            black_box(on_threads(2, || play(g, Some(RUNS))));
        },
    );
    let x = ratio(one, two);
    println!(
        "| (d) {RUNS} runs on 2 threads vs 1 (throughput) | {} vs {} | {x:.2}× | ≥ 1.6× | {} |",
        ms(two),
        ms(one),
        verdict(x >= 1.6)
    );

    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("art42_7_ranged.muster");
    std::fs::write(&path, ranged_text()).expect("the bench file is writable");
    let file = path.to_string_lossy();
    match (peak_kib(&file, RUNS), peak_kib(&file, RUNS * 10)) {
        (Some(a), Some(b)) => {
            let x = b as f64 / a as f64;
            println!(
                "| (e) peak resident memory, `muster simulate --runs` {} vs {RUNS} | {:.1} MB vs {:.1} MB | {x:.2}× for 10× the runs | ≤ 1.1× | {} |",
                RUNS * 10,
                b as f64 * 1024.0 / 1e6,
                a as f64 * 1024.0 / 1e6,
                verdict(x <= 1.1)
            );
        }
        _ => println!(
            "| (e) peak resident memory | not measured (`/usr/bin/time` missing) | | ≤ 1.1× | |"
        ),
    }
}
