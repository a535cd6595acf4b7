//! Benchmarks of the checker on hostile input: each generates, in code, a
//! handbook that once made one rule of the checker quadratic, at two sizes
//! (N and 4N of what grows), and times `check` alone (the text is parsed
//! before the timing starts). `docs/PERFORMANCE.md`, "Checker costs on
//! hostile input", has the figures. Run with
//! `cargo bench --bench check_costs -- --sample-count 5`.

use std::fmt::Write as _;

use muster::source::{FileId, SourceFile, SourceMap};
use muster::syntax::ast;

/// Counts allocations, so that the figures show memory as well as time.
#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// Parses `text`, which must parse: the file and its tree.
fn parsed(text: &str) -> (SourceMap, ast::File) {
    let mut sources = SourceMap::new();
    let id: FileId = sources.add(SourceFile::new("hostile.muster", text));
    let file = muster::parse_source(&sources, id)
        .ast
        .expect("the generated handbook parses");
    (sources, file)
}

/// Times the checker on `text`.
fn bench_check(bencher: divan::Bencher, text: &str) {
    let (sources, file) = parsed(text);
    bencher.bench(|| muster::check::check(&sources, vec![std::borrow::Cow::Borrowed(&file)], true));
}

/// The prelude every handbook shares: a lead, a resource and a fact.
const PRELUDE: &str = "actor lead_office { kind office }\n\
resource cell { provider lead_office  capacity 1000000 officers }\n\
fact crisis: bool\n";

/// "Did you mean" (item 5): `n` actors and `n / 4` references to actors
/// that do not exist but look like them.
fn undefined_names(n: usize) -> String {
    let mut t = String::from(PRELUDE);
    for i in 0..n {
        let _ = writeln!(t, "actor coordination_cell_{i:05} {{ kind office }}");
    }
    t.push_str("procedure p {\n  lead lead_office\n  resources cell(1 officers)\n");
    t.push_str("  trigger go { when crisis }\n");
    for i in 0..n / 4 {
        let _ = writeln!(
            t,
            "  step s{i} {{ takes 1m  notify coordination_cel_{:05}x }}",
            i * 4
        );
    }
    t.push_str("}\n");
    t
}

/// A dense `after` graph (item 6): `n` steps, each after every earlier
/// one — n(n-1)/2 edges.
fn dense_after(n: usize) -> String {
    let mut t = String::from(PRELUDE);
    t.push_str("procedure p {\n  lead lead_office\n  resources cell(1 officers)\n");
    t.push_str("  trigger go { when crisis }\n");
    for i in 0..n {
        let _ = write!(t, "  step s{i} {{ takes 1m");
        if i > 0 {
            t.push_str("  after ");
            for j in 0..i {
                if j > 0 {
                    t.push_str(", ");
                }
                let _ = write!(t, "s{j}");
            }
        }
        t.push_str(" }\n");
    }
    t.push_str("}\n");
    t
}

/// A chain of late steps (item 7): `n` steps, each after the one before,
/// each taking a minute and due within one.
fn late_chain(n: usize) -> String {
    let mut t = String::from(PRELUDE);
    t.push_str("procedure p {\n  lead lead_office\n  resources cell(1 officers)\n");
    t.push_str("  trigger go { when crisis }\n");
    for i in 0..n {
        let _ = write!(t, "  step s{i} {{ takes 1m  within 1m");
        if i > 0 {
            let _ = write!(t, "  after s{}", i - 1);
        }
        t.push_str(" }\n");
    }
    t.push_str("}\n");
    t
}

/// W0404 (item 8): `n` triggers each mobilising its own resource, `n`
/// steps each requiring one of them — every step lacks `n - 1` triggers.
fn many_triggers(n: usize) -> String {
    let mut t = String::from(PRELUDE);
    for i in 0..n {
        let _ = writeln!(
            t,
            "resource r{i} {{ provider lead_office  capacity 5 units }}"
        );
    }
    t.push_str("procedure p {\n  lead lead_office\n");
    for i in 0..n {
        let _ = writeln!(
            t,
            "  trigger t{i} {{ when crisis  resources r{i}(1 units) }}"
        );
    }
    for i in 0..n {
        let _ = writeln!(t, "  step s{i} {{ takes 1m  requires r{i}(1 units) }}");
    }
    t.push_str("}\n");
    t
}

/// A large `in` list (item 8): an enumeration of `n` variants and a
/// condition listing all of them.
fn large_in_list(n: usize) -> String {
    let mut t = String::from(PRELUDE);
    t.push_str("fact kind_of_crisis: ");
    for i in 0..n {
        if i > 0 {
            t.push_str(" | ");
        }
        let _ = write!(t, "v{i}");
    }
    t.push('\n');
    t.push_str("procedure p {\n  lead lead_office\n  resources cell(1 officers)\n");
    t.push_str("  trigger go { when kind_of_crisis in [");
    for i in 0..n {
        if i > 0 {
            t.push_str(", ");
        }
        let _ = write!(t, "v{i}");
    }
    t.push_str("] }\n  step s { takes 1m }\n}\n");
    t
}

/// The W0403 sweep (item 8): `n` steps holding one officer each from
/// activation for different lengths of time, within capacity.
fn many_holders(n: usize) -> String {
    let mut t = String::from(PRELUDE);
    t.push_str("procedure p {\n  lead lead_office\n  resources cell\n");
    t.push_str("  trigger go { when crisis }\n");
    for i in 0..n {
        let _ = writeln!(
            t,
            "  step s{i} {{ takes {}m  requires cell(1 officers) }}",
            i + 1
        );
    }
    t.push_str("}\n");
    t
}

#[divan::bench(args = [1_000, 4_000])]
fn did_you_mean(bencher: divan::Bencher, n: usize) {
    bench_check(bencher, &undefined_names(n));
}

/// The argument is the number of steps: 2× the steps is 4× the edges.
#[divan::bench(args = [200, 400])]
fn dense_after_graph(bencher: divan::Bencher, n: usize) {
    bench_check(bencher, &dense_after(n));
}

#[divan::bench(args = [2_000, 8_000])]
fn chain_of_late_steps(bencher: divan::Bencher, n: usize) {
    bench_check(bencher, &late_chain(n));
}

#[divan::bench(args = [1_000, 4_000])]
fn w0404_many_triggers(bencher: divan::Bencher, n: usize) {
    bench_check(bencher, &many_triggers(n));
}

#[divan::bench(args = [1_000, 4_000])]
fn in_list_of_an_enumeration(bencher: divan::Bencher, n: usize) {
    bench_check(bencher, &large_in_list(n));
}

#[divan::bench(args = [1_000, 4_000])]
fn w0403_many_holders(bencher: divan::Bencher, n: usize) {
    bench_check(bencher, &many_holders(n));
}
