//! The benchmarks' generator (`xtask/src/generate.rs`, `xtask gen`) writes
//! handbooks and scenarios that are valid, formatted as `muster fmt`
//! writes them, and deterministic; the incidents of its scenarios fire
//! some of the generated triggers and not others.

#[path = "../xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;

use generate::{Pattern, Size};
use muster::diagnostic::Code;
use muster::source::{SourceFile, SourceMap};

const SIZE: Size = Size {
    procedures: 200,
    steps: 10,
};

/// Compiles `text`, which must give no diagnostic but those of `allowed`,
/// and checks that it is formatted.
fn compiled(text: &str, allowed: &[Code]) -> muster::check::Model {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("generated.muster", text));
    let formatted = muster::fmt::format_source(&sources, id).expect("the text parses");
    if formatted != text {
        let diff = similar::TextDiff::from_lines(text, formatted.as_str());
        panic!(
            "the generated text is not formatted as `muster fmt` writes it:\n{}",
            diff.unified_diff().context_radius(2)
        );
    }
    let compilation = muster::compile(&sources, id);
    let unexpected: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| !allowed.contains(&d.code))
        .take(3)
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    compilation.model.expect("a model")
}

#[test]
fn generated_handbooks_with_scenarios_are_valid_and_formatted() {
    for (size, incidents) in [
        (SIZE, 30),
        (Size::REFERENCE.scaled(0.01), 1),
        (Size::REFERENCE.scaled(0.03), 250),
    ] {
        let mut text = generate::handbook(size, 42);
        text.push_str(&generate::scenario(incidents, 42));
        let model = compiled(&text, &[]);
        assert_eq!(model.scenarios.len(), 1);
        assert_eq!(model.scenarios[0].incidents.len(), incidents);
        // Spread in time, in order.
        let at: Vec<u32> = model.scenarios[0]
            .incidents
            .iter()
            .map(|i| i.at_minutes)
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate::scenario(50, 7), generate::scenario(50, 7));
    assert_ne!(generate::scenario(50, 7), generate::scenario(50, 8));
    assert_eq!(generate::handbook(SIZE, 7), generate::handbook(SIZE, 7));
}

#[test]
fn the_incidents_fire_some_triggers() {
    let incidents = 40;
    let mut text = generate::handbook(SIZE, 42);
    text.push_str(&generate::scenario(incidents, 42));
    let model = compiled(&text, &[]);
    let outcome = muster::simulate::simulate(
        &model,
        &model.scenarios[0],
        muster::simulate::Options::default(),
    );
    let mut per_incident = vec![0usize; incidents];
    for activation in &outcome.first.activations {
        per_incident[activation.incident] += 1;
    }
    let patterns = generate::patterns(incidents, 42);
    for pattern in [Pattern::Kind, Pattern::Count, Pattern::Quiet] {
        assert!(patterns.contains(&pattern), "{patterns:?}");
    }
    for (i, pattern) in patterns.iter().enumerate() {
        match pattern {
            Pattern::Quiet => assert_eq!(per_incident[i], 0, "a false alarm, i{i}"),
            _ => assert!(
                per_incident[i] < SIZE.procedures / 4,
                "i{i} activates {} procedures: some, not most",
                per_incident[i]
            ),
        }
    }
    let fired = patterns
        .iter()
        .zip(&per_incident)
        .filter(|(p, n)| **p != Pattern::Quiet && **n > 0)
        .count();
    let loud = patterns.iter().filter(|p| **p != Pattern::Quiet).count();
    assert!(
        fired * 4 >= loud * 3,
        "only {fired} of {loud} incidents activate anything"
    );
}

#[test]
fn the_ranged_example_is_valid_and_formatted() {
    let example = include_str!("../examples/art42_7.muster");
    let text = generate::art42_7_ranged(example, 1000)
        .expect("examples/art42_7.muster still has the durations the benchmark ranges");
    // The offers are at risk (1d..3d after consultations of 1d..3d, due
    // within 5d): what the runs measure.
    let model = compiled(&text, &[Code::W0305]);
    let scenario = &model.scenarios[0];
    assert_eq!(model.names.get(scenario.id), "double_invocation");
    assert_eq!(scenario.runs, 1000);
    let ranged = model
        .procedures
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.takes_range.is_some())
        .count();
    assert_eq!(ranged, 2);
    assert!(model.resources.iter().all(|r| r.ready_range.is_some()));
}

#[test]
fn the_warning_variant_differs_only_by_its_w0503_warnings() {
    let plain = generate::handbook(SIZE, 42);
    let warned = generate::handbook_with_warnings(SIZE, 42, 5);
    // The same length and lines: one digit changed in every fifth
    // procedure.
    assert_eq!(plain.len(), warned.len());
    assert_eq!(plain.lines().count(), warned.lines().count());
    let changed = plain
        .lines()
        .zip(warned.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, SIZE.procedures / 5);
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("generated.muster", warned.as_str()));
    let diagnostics = muster::compile(&sources, id).diagnostics;
    assert_eq!(diagnostics.len(), SIZE.procedures / 5, "{diagnostics:#?}");
    assert!(diagnostics.iter().all(|d| d.code == Code::W0503));
}
