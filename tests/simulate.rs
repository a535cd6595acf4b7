//! The simulator's rules, one test each, on small handbooks played
//! through the library; and the reference example (two member states
//! invoking Article 42(7) a day apart) with its figures exactly.

use muster::simulate::report::{self, ScenarioReport};
use muster::simulate::{self, Options};
use muster::source::{SourceFile, SourceMap};

const DAY: u32 = 1440;
const HOUR: u32 = 60;

/// Compiles `text` (which must be clean) and plays every scenario.
fn play_with(text: &str, options: Options) -> (Vec<ScenarioReport>, Vec<Vec<String>>) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("t.muster", text));
    let compiled = muster::compile(&sources, id);
    assert!(
        compiled.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        compiled.diagnostics
    );
    let model = compiled.model.expect("the handbook compiles");
    let outcomes: Vec<_> = model
        .scenarios
        .iter()
        .map(|sc| simulate::simulate(&model, sc, options))
        .collect();
    let findings = outcomes
        .iter()
        .map(|o| {
            o.diagnostics()
                .iter()
                .map(|d| {
                    let mut text = format!("{}: {}", d.code.as_str(), d.message);
                    for note in &d.notes {
                        text.push_str(" | ");
                        text.push_str(note);
                    }
                    text
                })
                .collect()
        })
        .collect();
    (report::build(&outcomes, &sources).scenarios, findings)
}

fn play(text: &str) -> (ScenarioReport, Vec<String>) {
    let (mut reports, mut findings) = play_with(text, Options::default());
    (reports.remove(0), findings.remove(0))
}

fn activation<'a>(
    r: &'a ScenarioReport,
    incident: &str,
    procedure: &str,
) -> &'a report::ActivationReport {
    r.activations
        .iter()
        .find(|a| a.incident == incident && a.procedure == procedure)
        .unwrap_or_else(|| panic!("no activation {incident} · {procedure}"))
}

fn step<'a>(a: &'a report::ActivationReport, id: &str) -> &'a report::StepReport {
    a.steps.iter().find(|s| s.id == id).expect("the step")
}

fn claim<'a>(a: &'a report::ActivationReport, resource: &str) -> &'a report::ClaimReport {
    a.claims
        .iter()
        .find(|c| c.resource == resource)
        .expect("the claim")
}

/// The reference tabletop with the contract's own expectations.
const ART42: &str = include_str!("ui/test/e0705_double_invocation.muster");

#[test]
fn the_reference_example_plays_as_the_contract_says() {
    let (r, findings) = play(ART42);
    let cyprus = activation(&r, "cyprus", "art42_7");
    let greece = activation(&r, "greece", "art42_7");
    // Cyprus claims 2 of 3 frigates at 0, ready at 2d; done at 4d.
    let c = claim(cyprus, "frigates");
    assert_eq!(
        (c.requested_minutes, c.granted_minutes, c.ready_minutes),
        (0, Some(0), Some(2 * DAY))
    );
    assert_eq!(cyprus.ended_minutes, Some(4 * DAY));
    assert_eq!(c.released_minutes, Some(4 * DAY));
    // Greece claims at 1d, waits until 4d, ready at 6d.
    assert_eq!(greece.t0_minutes, DAY);
    let g = claim(greece, "frigates");
    assert_eq!(
        (g.requested_minutes, g.granted_minutes, g.ready_minutes),
        (DAY, Some(4 * DAY), Some(6 * DAY))
    );
    // `offers` 6d → 8d, due at 6d: late by 2d.
    let offers = step(greece, "offers");
    assert_eq!(
        (
            offers.start_minutes,
            offers.complete_minutes,
            offers.deadline_minutes,
            offers.met
        ),
        (Some(6 * DAY), Some(8 * DAY), Some(6 * DAY), Some(false))
    );
    assert_eq!(step(cyprus, "offers").met, Some(true));
    // Roles stand for their actors in each incident.
    assert_eq!(step(cyprus, "invoke").owner.as_deref(), Some("cy"));
    assert_eq!(step(greece, "invoke").owner.as_deref(), Some("gr"));
    // W0702 and W0701, each with its cause.
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(
        findings[0].starts_with("W0702: shortage of `frigates`"),
        "{findings:#?}"
    );
    assert!(findings[0].contains("greece · art42_7 claimed 2 ships at T+1d and waited until T+4d"));
    assert!(
        findings[1].starts_with("W0701: deadline missed"),
        "{findings:#?}"
    );
    assert!(findings[1].contains("late by 2d"));
    for f in &findings {
        assert!(
            f.contains("waited 3d for frigates, held by cyprus · art42_7 (2 ships) until T+4d"),
            "{f}"
        );
    }
    // The first expectation holds, the second and third do not.
    let met: Vec<bool> = r.expectations.iter().map(|e| e.met).collect();
    assert_eq!(met, [true, false, false]);
    assert!(r.expectations[1].measured.starts_with(
        "greece · art42_7 · offers completed 7d after the incident, expected within 5d"
    ));
    assert_eq!(
        r.expectations[2].measured,
        "frigates ran short: greece waited 3d"
    );
}

/// A handbook with one pool of 3 `units` and a procedure per claimant.
fn pool_handbook(scenario: &str, ready: &str) -> String {
    format!(
        r#"
actor lead "Lead" {{ kind office }}
resource pool "Pool" {{ provider lead  capacity 3 units  ready {ready} }}
fact a: bool
fact b: bool
fact c: bool
procedure pa {{
  lead lead
  trigger ta {{ when a  resources pool(2 units) }}
  step work {{ takes 2d  requires pool(2 units) }}
}}
procedure pb {{
  lead lead
  trigger tb {{ when b  resources pool(2 units) }}
  step work {{ takes 1d  requires pool(2 units) }}
}}
procedure pc {{
  lead lead
  trigger tc {{ when c  resources pool(1 units) }}
  step work {{ takes 1d  requires pool(1 units) }}
}}
{scenario}
"#
    )
}

#[test]
fn a_later_claim_never_overtakes_an_earlier_one() {
    let text = pool_handbook(
        "scenario s {
  incident one { set a = true }
  incident two { at 1h  set b = true }
  incident three { at 2h  set c = true }
}",
        "0m",
    );
    let (r, _) = play(&text);
    let b = claim(activation(&r, "two", "pb"), "pool");
    let c = claim(activation(&r, "three", "pc"), "pool");
    // One unit is free when `three` claims one, but `two` waits for two
    // units before it: `three` waits behind it.
    assert_eq!(b.granted_minutes, Some(2 * DAY));
    assert!(
        c.granted_minutes >= b.granted_minutes,
        "{c:?} overtook {b:?}"
    );
    assert_eq!(c.granted_minutes, Some(2 * DAY));
}

#[test]
fn readiness_counts_from_the_grant() {
    let text = pool_handbook(
        "scenario s {
  incident one { set a = true }
  incident two { at 1h  set b = true }
}",
        "6h",
    );
    let (r, _) = play(&text);
    let a = claim(activation(&r, "one", "pa"), "pool");
    assert_eq!(
        (a.granted_minutes, a.ready_minutes),
        (Some(0), Some(6 * HOUR))
    );
    let two = activation(&r, "two", "pb");
    let b = claim(two, "pool");
    // `one` runs 6h → 2d6h; `two` is granted then and ready 6h later.
    assert_eq!(b.granted_minutes, Some(2 * DAY + 6 * HOUR));
    assert_eq!(b.ready_minutes, Some(2 * DAY + 12 * HOUR));
    assert_eq!(step(two, "work").start_minutes, Some(2 * DAY + 12 * HOUR));
}

#[test]
fn a_withdraw_below_what_is_granted_keeps_the_grants() {
    let text = pool_handbook(
        "scenario s {
  incident one { set a = true }
  incident three { at 2h  set c = true }
  inject recall { at 1h  withdraw pool(2 units) }
}",
        "0m",
    );
    let (r, findings) = play(&text);
    let one = activation(&r, "one", "pa");
    // Granted before the withdraw: kept, and the work goes on.
    assert_eq!(claim(one, "pool").granted_minutes, Some(0));
    assert_eq!(step(one, "work").complete_minutes, Some(2 * DAY));
    // The pool now holds 1 and 2 are in use: `three` waits for them.
    let c = claim(activation(&r, "three", "pc"), "pool");
    assert_eq!(c.granted_minutes, Some(2 * DAY));
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("W0702") && f.contains("inject `recall` left 1")),
        "{findings:#?}"
    );
}

const CHAIN: &str = r#"
actor lead "Lead" { kind body }
resource cell "Cell" { provider lead  capacity 1 teams }
fact go: bool
procedure p {
  lead lead
  trigger t { when go  resources cell(1 teams) }
  step first { takes 1d }
  step vote { after first  takes 1d  decision consensus }
  step act { after vote  takes 1d  within 5d }
  step aside { takes 2d }
}
"#;

#[test]
fn a_blocked_step_never_completes_nor_does_what_follows_it() {
    let text = format!(
        "{CHAIN}
scenario s {{
  incident i {{ set go = true }}
  inject veto {{ at 1d12h  incident i  block p.vote }}
}}"
    );
    let (r, findings) = play(&text);
    let a = activation(&r, "i", "p");
    assert_eq!(step(a, "first").complete_minutes, Some(DAY));
    assert_eq!(step(a, "vote").start_minutes, Some(DAY));
    assert_eq!(step(a, "vote").complete_minutes, None);
    assert_eq!(step(a, "act").start_minutes, None);
    // The activation ends when the rest is done: `aside` at 2d.
    assert_eq!(a.ended_minutes, Some(2 * DAY));
    assert_eq!(claim(a, "cell").released_minutes, Some(2 * DAY));
    assert!(
        findings.iter().any(|f| f.starts_with("W0703")
            && f.contains("`vote`")
            && f.contains("blocked by inject `veto`")),
        "{findings:#?}"
    );
    // `act` missed its deadline: it never ran.
    assert_eq!(step(a, "act").met, Some(false));
}

#[test]
fn a_block_before_the_activation_applies_when_it_starts() {
    let text = format!(
        "{CHAIN}
scenario s {{
  inject veto {{ at 0m  incident i  block p.first }}
  incident i {{ at 1h  set go = true }}
}}"
    );
    let (r, _) = play(&text);
    let a = activation(&r, "i", "p");
    assert_eq!(step(a, "first").start_minutes, None);
    assert_eq!(step(a, "vote").start_minutes, None);
    assert_eq!(step(a, "aside").complete_minutes, Some(2 * DAY + HOUR));
}

#[test]
fn delays_before_and_while_a_step_runs_add_and_after_it_change_nothing() {
    let text = format!(
        "{CHAIN}
scenario s {{
  incident i {{ set go = true }}
  inject early {{ at 0m  incident i  delay p.act by 6h }}
  inject during {{ at 1d1h  incident i  delay p.vote by 2h }}
  inject late {{ at 1d2h  incident i  delay p.first by 1d }}
  inject same_minute {{ at 2d  incident i  delay p.aside by 1h }}
}}"
    );
    let (r, _) = play(&text);
    let a = activation(&r, "i", "p");
    // `first` completed at 1d, before `late` came: unchanged.
    assert_eq!(step(a, "first").complete_minutes, Some(DAY));
    // Injects come before completions in a minute: `aside`, due at 2d, is
    // still running when `same_minute` delays it at 2d.
    assert_eq!(step(a, "aside").complete_minutes, Some(2 * DAY + HOUR));
    // `vote` runs 1d → 2d, extended by 2h while it ran.
    assert_eq!(step(a, "vote").complete_minutes, Some(2 * DAY + 2 * HOUR));
    // `act` takes 1d + 6h from when it starts.
    assert_eq!(step(a, "act").start_minutes, Some(2 * DAY + 2 * HOUR));
    assert_eq!(step(a, "act").complete_minutes, Some(3 * DAY + 8 * HOUR));
}

#[test]
fn activates_starts_a_procedure_for_the_same_incident_with_its_own_lead() {
    let text = r#"
actor lead "Lead" { kind office }
actor other "Other" { kind office }
resource cell "Cell" { provider lead }
fact go: bool
procedure p {
  lead lead
  trigger t { when go  resources cell }
  step escalate { takes 6h  activates q }
}
procedure q {
  lead other
  resources cell
  step respond { takes 1d }
}
scenario s {
  incident one { set go = true }
  incident two { at 1d  set go = true }
}
"#;
    let (r, _) = play(text);
    for (incident, at) in [("one", 0), ("two", DAY)] {
        let q = activation(&r, incident, "q");
        assert_eq!(q.t0_minutes, at + 6 * HOUR);
        assert_eq!(q.trigger, None);
        let by = q.activated_by.as_ref().expect("activated by a step");
        assert_eq!((by.procedure.as_str(), by.step.as_str()), ("p", "escalate"));
        assert_eq!(q.leader.as_deref(), Some("other"));
    }
    assert_eq!(r.activations.len(), 4);
}

const FACTS: &str = r#"
actor lead "Lead" { kind office }
actor second "Second" { kind office }
resource cell "Cell" { provider lead }
fact a: bool
fact b: bool
procedure both {
  lead lead
  trigger and_ { when a and b  resources cell }
  step s { takes 1h }
}
procedure either {
  lead lead
  trigger or_ { when a or b  resources cell }
  trigger again { when a  lead second  resources cell }
  step s { takes 1h }
}
procedure negation {
  lead lead
  trigger not_ { when not b  resources cell }
  step s { takes 1h }
}
"#;

#[test]
fn unknown_facts_follow_three_valued_logic() {
    let text = format!(
        "{FACTS}
scenario s {{
  incident i {{ set a = true }}
  incident j {{ set a = false }}
}}"
    );
    let (r, findings) = play(&text);
    let fired: Vec<(String, String)> = r
        .activations
        .iter()
        .map(|a| (a.incident.clone(), a.procedure.clone()))
        .collect();
    // i: `a and unknown` is unknown, `a or unknown` true, `not unknown`
    // unknown. j: `false and unknown` false, `false or unknown` unknown.
    assert_eq!(fired, [("i".to_owned(), "either".to_owned())]);
    let w0704: Vec<&String> = findings.iter().filter(|f| f.starts_with("W0704")).collect();
    assert_eq!(w0704.len(), 1, "{findings:#?}");
    let j = w0704[0];
    assert!(j.contains("incident `j`"), "{j}");
    assert!(
        j.contains("trigger `both.and_`: false: `a` (a = false)"),
        "{j}"
    );
    assert!(
        j.contains("trigger `either.or_`: unknown: `b` not set"),
        "{j}"
    );
}

#[test]
fn one_activation_per_procedure_per_incident_led_by_the_first_trigger_that_holds() {
    let text = format!(
        "{FACTS}
scenario s {{
  incident i {{ set a = true, b = true }}
  inject again {{ at 1d  incident i  set a = true }}
}}"
    );
    let (r, _) = play(&text);
    let either: Vec<_> = r
        .activations
        .iter()
        .filter(|a| a.procedure == "either")
        .collect();
    assert_eq!(either.len(), 1);
    assert_eq!(either[0].trigger.as_deref(), Some("or_"));
    assert_eq!(either[0].leader.as_deref(), Some("lead"));
}

#[test]
fn the_clock_stops_at_the_horizon() {
    let text = format!(
        "{CHAIN}
scenario s {{
  horizon 1d12h
  incident i {{ set go = true }}
}}"
    );
    let (r, findings) = play(&text);
    let a = activation(&r, "i", "p");
    assert_eq!(step(a, "vote").start_minutes, Some(DAY));
    assert_eq!(step(a, "vote").complete_minutes, None);
    assert_eq!(a.ended_minutes, None);
    // The deadline (5d) lies beyond the horizon: undecided.
    assert_eq!(step(a, "act").met, None);
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("W0703") && f.contains("still running at the horizon")),
        "{findings:#?}"
    );
    assert!(r.events.iter().all(|e| e.minute <= DAY + 12 * HOUR));
}

const RANGED: &str = r#"
actor lead "Lead" { kind office }
resource cell "Cell" { provider lead  capacity 1 teams  ready 1h..3h }
fact go: bool
procedure p {
  lead lead
  trigger t { when go  resources cell(1 teams) }
  step first { takes 1d..3d }
  step second { after first  takes 1d..2d..4d  within 5d }
}
scenario s {
  runs 400
  seed 7
  incident i { set go = true }
  incident k { at 1d  set go = true }
  expect i.p.second within 5d in 50%
  expect deadlines met in 99%
}
"#;

#[test]
fn monte_carlo_reports_percentiles_and_shares() {
    let (r, findings) = play(RANGED);
    assert_eq!(r.runs, 400);
    let stats = r.statistics.as_ref().expect("statistics over 400 runs");
    let second = stats
        .steps
        .iter()
        .find(|s| s.incident == "i" && s.step == "second")
        .expect("i · p · second");
    let (p50, p80, p95) = (
        second.p50_minutes.unwrap(),
        second.p80_minutes.unwrap(),
        second.p95_minutes.unwrap(),
    );
    // first 1d..3d then second 1d..4d, after a ready of 1h..3h.
    assert!(2 * DAY < p50 && p50 <= p80 && p80 <= p95 && p95 <= 7 * DAY + 3 * HOUR);
    let share = second.deadline_met_share.expect("a deadline");
    assert!(share > 0.3 && share < 1.0, "{share}");
    // A finding over several runs says in how many it occurred.
    let late = findings
        .iter()
        .find(|f| f.starts_with("W0701"))
        .expect("some runs miss the deadline");
    assert!(late.contains(" of 400 runs ("), "{late}");
    assert!(r.expectations[0].met, "{:?}", r.expectations[0]);
    assert!(!r.expectations[1].met, "{:?}", r.expectations[1]);
    assert!(r.expectations[1].measured.starts_with("held in "));
}

fn json_of(text: &str, threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("t.muster", text));
        let model = muster::compile(&sources, id).model.expect("valid");
        report::json(&report::play_all(&model, &sources, Options::default()))
    })
}

#[test]
fn the_same_seed_gives_the_same_bytes_on_any_number_of_threads() {
    let one = json_of(RANGED, 1);
    assert_eq!(one, json_of(RANGED, 4));
    assert_eq!(one, json_of(RANGED, 1));
    // And another seed draws other durations.
    assert_ne!(one, json_of(&RANGED.replace("seed 7", "seed 8"), 2));
}

#[test]
fn overrides_of_runs_and_seed_apply() {
    let (reports, _) = play_with(
        RANGED,
        Options {
            runs: Some(3),
            seed: Some(99),
        },
    );
    assert_eq!((reports[0].runs, reports[0].seed), (3, 99));
}
