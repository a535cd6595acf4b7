//! The diagram backends on hostile shapes, each at a size N and at 4N, so
//! that the ratio of the two medians shows how the cost grows: about 4 for
//! linear work, about 16 for quadratic. The shapes are the red-team
//! findings of `docs/PERFORMANCE.md` ("Diagram costs on large input"):
//!
//! - `chain`: one procedure whose steps form one long `after` chain (the
//!   whole chain is the critical path);
//! - `resources`: one procedure mobilising every one of many resources,
//!   with one step requiring each;
//! - `owners`: one step per owner, rendered with `--lanes`;
//! - `dense`: every step `after` every earlier one (n²/2 edges, the whole
//!   chain critical);
//! - `activations`: many procedures, each with a step activating the next.
//!
//! Run with `cargo bench --bench emit_costs`.

use std::fmt::Write as _;
use std::sync::OnceLock;

use muster::emit::{self, Options};
use muster::plan::Plan;
use muster::source::{SourceFile, SourceMap};

fn main() {
    divan::main();
}

const SAMPLES: u32 = 3;

/// Compiles generated handbook text into its plan.
fn plan_of(text: &str) -> Plan {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("bench.muster", text));
    let compilation = muster::compile(&sources, id);
    let model = compilation.model.unwrap_or_else(|| {
        panic!(
            "the generated handbook compiles: {:?}",
            compilation.diagnostics.first()
        )
    });
    muster::plan::build(&model, &sources, &[id])
}

const PREAMBLE: &str =
    "actor lead { kind office }\nresource cell { provider lead }\nfact on: bool\n";

/// One procedure of `n` steps, each after the one before.
fn chain(n: usize) -> String {
    let mut text = format!(
        "{PREAMBLE}procedure p {{\n  lead lead\n  resources cell\n  trigger t {{ when on }}\n"
    );
    text.push_str("  step s0 { takes 1m }\n");
    for i in 1..n {
        let _ = writeln!(text, "  step s{i} {{ after s{}  takes 1m }}", i - 1);
    }
    text.push_str("}\n");
    text
}

/// `n` resources, all mobilised by one procedure, each required by a step.
fn resources(n: usize) -> String {
    let mut text = String::from(PREAMBLE);
    for r in 0..n {
        let _ = writeln!(
            text,
            "resource r{r} \"Resource {r}\" {{ provider lead  capacity 10 units }}"
        );
    }
    let names: Vec<String> = (0..n).map(|r| format!("r{r}")).collect();
    let _ = writeln!(
        text,
        "procedure p {{\n  lead lead\n  resources {}\n  trigger t {{ when on }}",
        names.join(", ")
    );
    for r in 0..n {
        let _ = writeln!(text, "  step s{r} {{ takes 1m  requires r{r}(1 units) }}");
    }
    text.push_str("}\n");
    text
}

/// `n` owners, each owning one step of one procedure.
fn owners(n: usize) -> String {
    let mut text = String::from(PREAMBLE);
    for a in 0..n {
        let _ = writeln!(text, "actor a{a} \"Actor {a}\" {{ kind service }}");
    }
    text.push_str("procedure p {\n  lead lead\n  resources cell\n  trigger t { when on }\n");
    for s in 0..n {
        let _ = writeln!(text, "  step s{s} {{ owner a{s}  takes 1m }}");
    }
    text.push_str("}\n");
    text
}

/// `n` steps, each after every earlier step.
fn dense(n: usize) -> String {
    let mut text = format!(
        "{PREAMBLE}procedure p {{\n  lead lead\n  resources cell\n  trigger t {{ when on }}\n"
    );
    text.push_str("  step s0 { takes 1m }\n");
    for i in 1..n {
        let before: Vec<String> = (0..i).map(|b| format!("s{b}")).collect();
        let _ = writeln!(
            text,
            "  step s{i} {{ after {}  takes 1m }}",
            before.join(", ")
        );
    }
    text.push_str("}\n");
    text
}

/// `n` procedures, each with a step that activates the next.
fn activations(n: usize) -> String {
    let mut text = String::from(PREAMBLE);
    for p in 0..n {
        let _ = writeln!(
            text,
            "procedure p{p} {{\n  lead lead\n  resources cell\n  trigger t {{ when on }}"
        );
        if p + 1 < n {
            let _ = writeln!(text, "  step s {{ takes 1m  activates p{} }}", p + 1);
        } else {
            text.push_str("  step s { takes 1m }\n");
        }
        text.push_str("}\n");
    }
    text
}

const CHAIN: [usize; 2] = [2_500, 10_000];
const RESOURCES: [usize; 2] = [2_500, 10_000];
const OWNERS: [usize; 2] = [2_500, 10_000];
const DENSE: [usize; 2] = [300, 600];
const ACTIVATIONS: [usize; 2] = [1_000, 4_000];

type Cache = OnceLock<[Plan; 2]>;
static CHAIN_PLANS: Cache = OnceLock::new();
static RESOURCES_PLANS: Cache = OnceLock::new();
static OWNERS_PLANS: Cache = OnceLock::new();
static DENSE_PLANS: Cache = OnceLock::new();
static ACTIVATIONS_PLANS: Cache = OnceLock::new();

/// The plan of `shape` at `n` (one of `sizes`), built once per process
/// and outside the timed part.
fn cached(
    cache: &'static Cache,
    shape: fn(usize) -> String,
    sizes: [usize; 2],
    n: usize,
) -> &'static Plan {
    let plans = cache.get_or_init(|| sizes.map(|s| plan_of(&shape(s))));
    &plans[usize::from(n == sizes[1])]
}

const PLAIN: Options = Options { lanes: false };
const LANES: Options = Options { lanes: true };

#[divan::bench(args = CHAIN, sample_count = SAMPLES, sample_size = 1)]
fn chain_dot(bencher: divan::Bencher, n: usize) {
    let plan = cached(&CHAIN_PLANS, chain, CHAIN, n);
    bencher.bench(|| emit::dot::render(plan, &PLAIN));
}

#[divan::bench(args = CHAIN, sample_count = SAMPLES, sample_size = 1)]
fn chain_mermaid(bencher: divan::Bencher, n: usize) {
    let plan = cached(&CHAIN_PLANS, chain, CHAIN, n);
    bencher.bench(|| emit::mermaid::render(plan, &PLAIN));
}

#[divan::bench(args = RESOURCES, sample_count = SAMPLES, sample_size = 1)]
fn resources_dot(bencher: divan::Bencher, n: usize) {
    let plan = cached(&RESOURCES_PLANS, resources, RESOURCES, n);
    bencher.bench(|| emit::dot::render(plan, &PLAIN));
}

#[divan::bench(args = RESOURCES, sample_count = SAMPLES, sample_size = 1)]
fn resources_mermaid(bencher: divan::Bencher, n: usize) {
    let plan = cached(&RESOURCES_PLANS, resources, RESOURCES, n);
    bencher.bench(|| emit::mermaid::render(plan, &PLAIN));
}

#[divan::bench(args = OWNERS, sample_count = SAMPLES, sample_size = 1)]
fn owners_lanes_dot(bencher: divan::Bencher, n: usize) {
    let plan = cached(&OWNERS_PLANS, owners, OWNERS, n);
    bencher.bench(|| emit::dot::render(plan, &LANES));
}

#[divan::bench(args = OWNERS, sample_count = SAMPLES, sample_size = 1)]
fn owners_lanes_mermaid(bencher: divan::Bencher, n: usize) {
    let plan = cached(&OWNERS_PLANS, owners, OWNERS, n);
    bencher.bench(|| emit::mermaid::render(plan, &LANES));
}

#[divan::bench(args = DENSE, sample_count = SAMPLES, sample_size = 1)]
fn dense_dot(bencher: divan::Bencher, n: usize) {
    let plan = cached(&DENSE_PLANS, dense, DENSE, n);
    bencher.bench(|| emit::dot::render(plan, &PLAIN));
}

#[divan::bench(args = DENSE, sample_count = SAMPLES, sample_size = 1)]
fn dense_mermaid(bencher: divan::Bencher, n: usize) {
    let plan = cached(&DENSE_PLANS, dense, DENSE, n);
    bencher.bench(|| emit::mermaid::render(plan, &PLAIN));
}

#[divan::bench(args = ACTIVATIONS, sample_count = SAMPLES, sample_size = 1)]
fn activations_dot(bencher: divan::Bencher, n: usize) {
    let plan = cached(&ACTIVATIONS_PLANS, activations, ACTIVATIONS, n);
    bencher.bench(|| emit::dot::render(plan, &PLAIN));
}

#[divan::bench(args = ACTIVATIONS, sample_count = SAMPLES, sample_size = 1)]
fn activations_mermaid(bencher: divan::Bencher, n: usize) {
    let plan = cached(&ACTIVATIONS_PLANS, activations, ACTIVATIONS, n);
    bencher.bench(|| emit::mermaid::render(plan, &PLAIN));
}
