//! A generator of large, valid handbooks with a size knob, for benchmarks:
//! `procedures` × `steps`, with actors, resources with capacities, facts of
//! every type, triggers with conditions and random `after` edges. The same
//! sizes and seed always give the same text, formatted as `muster fmt`
//! would write it. [`scenario`] appends a scenario of N incidents to it,
//! for the simulator.
//!
//! Shared by `xtask`, `benches/compile.rs`, `benches/simulate.rs` and
//! `tests/generate.rs` (through `#[path]`).

use std::fmt::Write as _;

/// A small deterministic generator (xorshift64*), so that no dependency
/// and no platform changes the handbooks.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The size of a generated handbook.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub procedures: usize,
    pub steps: usize,
}

impl Size {
    /// The reference size: 1,000 procedures of 10 steps.
    pub const REFERENCE: Size = Size {
        procedures: 1000,
        steps: 10,
    };

    /// This size with `factor` times the procedures.
    pub fn scaled(self, factor: f64) -> Size {
        Size {
            procedures: ((self.procedures as f64 * factor).round() as usize).max(1),
            steps: self.steps,
        }
    }
}

const KINDS: [&str; 6] = [
    "member_state",
    "institution",
    "body",
    "agency",
    "service",
    "office",
];
const DURATIONS: [&str; 8] = ["30m", "1h", "2h", "6h", "12h", "1d", "1d12h", "2d"];

/// Generates a valid handbook of `size`.
pub fn handbook(size: Size, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(size.procedures * size.steps * 180);
    let actors = size.procedures / 2 + 10;
    let groups = (actors / 20).max(1);
    let resources = size.procedures / 4 + 5;
    let _ = writeln!(
        out,
        "/// A generated handbook: {} procedures of {} steps.",
        size.procedures, size.steps
    );
    let _ = writeln!(out, "handbook \"Generated\" {{ version \"1\"  owner a0 }}");
    let _ = writeln!(out);
    for a in 0..actors {
        let kind = KINDS[a % KINDS.len()];
        if a > 0 && a % 7 == 0 {
            let _ = writeln!(
                out,
                "actor a{a} \"Actor {a}\" {{ kind {kind}  parent a{} }}",
                a - 1
            );
        } else {
            let _ = writeln!(out, "actor a{a} \"Actor {a}\" {{ kind {kind} }}");
        }
    }
    for g in 0..groups {
        let members: Vec<String> = (0..4)
            .map(|k| format!("a{}", (g * 4 + k) % actors))
            .collect();
        let _ = writeln!(
            out,
            "actor g{g} \"Group {g}\" {{ kind group  members {} }}",
            members.join(", ")
        );
    }
    let _ = writeln!(out);
    for r in 0..resources {
        let provider = r % actors;
        let ready = DURATIONS[r % 4];
        let _ = writeln!(
            out,
            "resource r{r} \"Resource {r}\" {{ provider a{provider}  capacity 1_000 units  ready {ready} }}"
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "fact flag: bool");
    let _ = writeln!(out, "fact count: int");
    let _ = writeln!(out, "fact level: 1..5");
    let _ = writeln!(out, "fact delay: duration");
    let _ = writeln!(out, "fact kind: armed | cyber | hybrid | natural");

    for p in 0..size.procedures {
        let lead = p % actors;
        let support = (p * 3 + 1) % actors;
        let res_a = p % resources;
        let mut res_b = (p * 7 + 3) % resources;
        if res_b == res_a {
            // Not the same resource twice (W0601).
            res_b = (res_b + 1) % resources;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "/// Procedure {p}.");
        let _ = writeln!(out, "procedure p{p} \"Procedure {p}\" {{");
        let _ = writeln!(out, "  lead a{lead}");
        let _ = writeln!(out, "  support a{support}, g{}", p % groups);
        let _ = writeln!(out, "  resources r{res_a}(2 units), r{res_b}");
        let variant = ["armed", "cyber", "hybrid", "natural"][p % 4];
        let _ = writeln!(
            out,
            "  trigger t1 {{ when kind == {variant} and level >= {} or flag }}",
            1 + rng.below(4) + 1
        );
        let _ = writeln!(
            out,
            "  trigger t2 {{ when not flag and (count > {} or delay >= 6h) and kind in [armed, cyber] }}",
            rng.below(100)
        );
        for s in 0..size.steps {
            let owner = (p + s) % actors;
            let mut after = Vec::new();
            if s > 0 {
                after.push(rng.below(s));
                if s > 2 && rng.below(2) == 0 {
                    let other = rng.below(s);
                    if !after.contains(&other) {
                        after.push(other);
                    }
                }
            }
            let takes = DURATIONS[rng.below(DURATIONS.len())];
            let _ = writeln!(out, "  step s{s} \"Step {s} of procedure {p}\" {{");
            let _ = writeln!(out, "    owner a{owner}");
            if !after.is_empty() {
                let names: Vec<String> = after.iter().map(|a| format!("s{a}")).collect();
                let _ = writeln!(out, "    after {}", names.join(", "));
            }
            let _ = writeln!(out, "    takes {takes}");
            let _ = writeln!(out, "    within 52w");
            let _ = writeln!(out, "    requires r{res_a}(1 units)");
            if s % 3 == 0 {
                let _ = writeln!(out, "    notify a{}", (owner + 1) % actors);
            }
            if s + 1 == size.steps && p + 1 < size.procedures && p % 10 == 0 {
                let _ = writeln!(out, "    activates p{}", p + 1);
            }
            let _ = writeln!(out, "  }}");
        }
        let _ = writeln!(out, "}}");
    }
    out
}

/// [`handbook`] with a W0503 warning ("comparison is always true") in
/// every `every`-th procedure (from the first): the threshold of its
/// trigger `t1` becomes `level >= 1` on the `fact level: 1..5`. The
/// threshold was one digit, so the text has the same length, lines and
/// offsets, and nothing else changes; at the reference size and `every`
/// 5, 200 warnings.
pub fn handbook_with_warnings(size: Size, seed: u64, every: usize) -> String {
    let text = handbook(size, seed);
    let mut out = String::with_capacity(text.len());
    let mut procedure = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("  trigger t1 {") {
            if procedure % every.max(1) == 0
                && let Some(at) = line.find("level >= ")
            {
                let digit = at + "level >= ".len();
                out.push_str(&line[..digit]);
                out.push('1');
                out.push_str(&line[digit + 1..]);
            } else {
                out.push_str(line);
            }
            procedure += 1;
        } else {
            out.push_str(line);
        }
    }
    out
}

/// How the facts of one generated incident are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `kind = V, level = 2`, the other facts unknown: `t1` fires in the
    /// procedures of variant V whose threshold is 2 (about 1 in 16).
    Kind,
    /// `flag = false, count = C` (1 to 3), `delay` under 6h, `kind` armed
    /// or cyber, `level = 1`: `t2` fires in the procedures whose threshold
    /// is below C (about C in 100).
    Count,
    /// Natural, `level = 1`, `flag = false`: no trigger fires (a false
    /// alarm).
    Quiet,
}

/// The facts of the incidents of a generated scenario, in order.
pub fn patterns(incidents: usize, seed: u64) -> Vec<Pattern> {
    let mut rng = Rng::new(seed ^ 0x5ce_a210);
    (0..incidents)
        .map(|_| match rng.below(10) {
            0 => Pattern::Kind,
            9 => Pattern::Quiet,
            _ => Pattern::Count,
        })
        .collect()
}

/// A `scenario` block of `incidents` incidents, to append to a
/// [`handbook`] (of any size: it names only facts). The incidents are
/// spread in time, 1 to 6 hours apart, and set facts so that some triggers
/// of the generated procedures fire (see [`Pattern`]). The same arguments
/// always give the same text, formatted as `muster fmt` would write it,
/// starting with a blank line.
pub fn scenario(incidents: usize, seed: u64) -> String {
    const KINDS: [&str; 4] = ["armed", "cyber", "hybrid", "natural"];
    const GAPS: [u32; 6] = [1, 2, 3, 4, 5, 6];
    const DELAYS: [&str; 4] = ["30m", "1h", "2h", "5h"];
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(incidents * 100 + 200);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/// A generated scenario: {incidents} incidents, 1 to 6 hours apart."
    );
    let _ = writeln!(out, "scenario generated \"Generated incidents\" {{");
    let mut hours = 0u32;
    for (i, pattern) in patterns(incidents, seed).into_iter().enumerate() {
        if i > 0 {
            hours += GAPS[rng.below(GAPS.len())];
        }
        let at = match (hours / 24, hours % 24) {
            (0, h) => format!("{h}h"),
            (d, 0) => format!("{d}d"),
            (d, h) => format!("{d}d{h}h"),
        };
        let set = match pattern {
            Pattern::Kind => format!("kind = {}, level = 2", KINDS[rng.below(KINDS.len())]),
            Pattern::Count => format!(
                "flag = false, count = {}, delay = {}, kind = {}, level = 1",
                1 + rng.below(3),
                DELAYS[rng.below(DELAYS.len())],
                KINDS[rng.below(2)]
            ),
            Pattern::Quiet => "flag = false, kind = natural, level = 1".to_owned(),
        };
        let line = format!("  incident i{i} {{ at {at}  set {set} }}");
        if line.chars().count() <= 100 {
            let _ = writeln!(out, "{line}");
        } else {
            let _ = writeln!(out, "  incident i{i} {{\n    at {at}\n    set {set}\n  }}");
        }
    }
    let _ = writeln!(out, "}}");
    out
}

/// `examples/art42_7.muster` (its text in `example`) with ranged
/// durations, and its scenario `double_invocation` played `runs` times:
/// the Monte Carlo case of the simulator's benchmarks. `None` when the
/// example no longer has the durations this replaces.
pub fn art42_7_ranged(example: &str, runs: u32) -> Option<String> {
    let replacements = [
        ("ready 6h }", "ready 1h..6h }"),
        ("  ready 2d\n", "  ready 1d..2d\n"),
        (
            "{ after invoke  takes 1d  within 3d }",
            "{ after invoke  takes 1d..2d..3d  within 3d }",
        ),
        ("    takes 2d\n", "    takes 1d..2d..3d\n"),
        (
            "scenario double_invocation \"Two member states invoke Article 42(7)\" {\n",
            "scenario double_invocation \"Two member states invoke Article 42(7)\" {\n  runs RUNS\n",
        ),
    ];
    let mut text = example.to_owned();
    for (from, to) in replacements {
        if text.matches(from).count() != 1 {
            return None;
        }
        text = text.replace(from, &to.replace("RUNS", &runs.to_string()));
    }
    Some(text)
}

/// The same handbook as a Terraform configuration, for a side-by-side
/// `terraform validate`: one `terraform_data` per actor, resource and step,
/// `depends_on` for `after`.
pub fn terraform(size: Size, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    let actors = size.procedures / 2 + 10 + (size.procedures / 2 + 10) / 20;
    let resources = size.procedures / 4 + 5;
    for a in 0..actors {
        let _ = writeln!(
            out,
            "resource \"terraform_data\" \"a{a}\" {{\n  input = \"Actor {a}\"\n}}"
        );
    }
    for r in 0..resources {
        let _ = writeln!(
            out,
            "resource \"terraform_data\" \"r{r}\" {{\n  input      = \"Resource {r}\"\n  depends_on = [terraform_data.a{}]\n}}",
            r % actors
        );
    }
    for p in 0..size.procedures {
        for s in 0..size.steps {
            let mut deps = vec![format!("terraform_data.a{}", (p + s) % actors)];
            if s > 0 {
                deps.push(format!("terraform_data.p{p}_s{}", rng.below(s)));
            }
            let _ = writeln!(
                out,
                "resource \"terraform_data\" \"p{p}_s{s}\" {{\n  input      = \"Step {s} of procedure {p}\"\n  depends_on = [{}]\n}}",
                deps.join(", ")
            );
        }
    }
    out
}
