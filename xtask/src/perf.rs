//! The side-by-side performance run (`docs/PERFORMANCE.md`): the release
//! `muster` against the cost of merely reading the same information with
//! serde_json, against itself at a tenth of the size, and against
//! `terraform validate` where Terraform is installed; and `muster simulate`
//! against `muster check` of the same handbook. Every figure is the
//! median wall-clock time of whole processes, measured in one run on one
//! machine, and reported as a ratio.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::generate::{self, Size};

/// The incidents of the simulator's reference scenario.
const INCIDENTS: usize = 100;
/// The runs of the Monte Carlo case.
const RANGED_RUNS: u32 = 1000;

fn run_quietly(command: &mut Command) -> Result<(), String> {
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

/// The median time of `runs` runs of `make()`, after one warm-up run.
fn median(runs: usize, mut make: impl FnMut() -> Command) -> Result<Duration, String> {
    run_quietly(&mut make())?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        run_quietly(&mut make())?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Peak resident memory of one run, in KiB, from `/usr/bin/time`.
/// The median over `runs` runs of the peak resident memory of `program`
/// with `args`, in KiB: one run's figure varies by a few hundred KiB with
/// where the allocator and the kernel place things.
fn peak_kib(runs: usize, program: &Path, args: &[&str]) -> Option<u64> {
    let mut peaks: Vec<u64> = (0..runs.max(1))
        .map(|_| one_peak_kib(program, args))
        .collect::<Option<_>>()?;
    peaks.sort_unstable();
    peaks.get(peaks.len() / 2).copied()
}

fn one_peak_kib(program: &Path, args: &[&str]) -> Option<u64> {
    let output = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stderr);
    text.lines().last()?.trim().parse().ok()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "✅ holds" } else { "❌ missed" }
}

pub fn run(runs: usize, out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("building the release binary…");
    run_quietly(Command::new("cargo").args(["build", "--release", "--locked", "--bin", "muster"]))?;
    let muster = PathBuf::from("target/release/muster");
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;

    let reference = Size::REFERENCE;
    let tenth = reference.scaled(0.1);
    let ref_path = out.join("reference.muster");
    let tenth_path = out.join("tenth.muster");
    let json_path = out.join("reference.json");
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(&ref_path, generate::handbook(reference, 42))?;
    write(&tenth_path, generate::handbook(tenth, 42))?;
    // The simulator's cases: the reference with a scenario of 100
    // incidents, and the Article 42(7) example with ranged durations,
    // played 1,000 times.
    let incidents_path = out.join("incidents.muster");
    let ranged_path = out.join("art42_7_ranged.muster");
    write(
        &incidents_path,
        generate::handbook(reference, 42) + &generate::scenario(INCIDENTS, 42),
    )?;
    let example = std::fs::read_to_string("examples/art42_7.muster")
        .map_err(|e| format!("examples/art42_7.muster: {e}"))?;
    write(
        &ranged_path,
        generate::art42_7_ranged(&example, RANGED_RUNS)
            .ok_or("examples/art42_7.muster no longer has the durations to range")?,
    )?;
    let source_bytes = std::fs::metadata(&ref_path)
        .map_err(|e| e.to_string())?
        .len();
    let source_lines = std::fs::read_to_string(&ref_path)
        .map_err(|e| e.to_string())?
        .lines()
        .count();
    let ref_str = ref_path.to_string_lossy().into_owned();
    let tenth_str = tenth_path.to_string_lossy().into_owned();
    let json_str = json_path.to_string_lossy().into_owned();
    run_quietly(Command::new(&muster).args(["build", &ref_str, "-o", &json_str]))?;

    eprintln!("timing (median of {runs} runs each)…");
    let check = |file: String| {
        let muster = muster.clone();
        move || {
            let mut c = Command::new(&muster);
            c.args(["check", "--deny-warnings", &file]);
            c
        }
    };
    let check_ref = median(runs, check(ref_str.clone()))?;
    let check_tenth = median(runs, check(tenth_str.clone()))?;
    let read_json = median(runs, || {
        let mut c = Command::new(&xtask);
        c.args(["read-json", &json_str]);
        c
    })?;
    let build = |emit: &'static str| {
        let (muster, file) = (muster.clone(), ref_str.clone());
        move || {
            let mut c = Command::new(&muster);
            c.args(["build", &file, "--emit", emit]);
            c
        }
    };
    let build_json = median(runs, build("json"))?;
    let build_dot = median(runs, build("dot"))?;
    let peak = peak_kib(runs, &muster, &["check", &ref_str]);
    let tiny_path = out.join("one-line.muster");
    write(&tiny_path, "fact crisis: bool\n".to_owned())?;
    let peak_tiny = peak_kib(runs, &muster, &["check", &tiny_path.to_string_lossy()]);

    let incidents_str = incidents_path.to_string_lossy().into_owned();
    let ranged_str = ranged_path.to_string_lossy().into_owned();
    let process = |args: Vec<String>| {
        let muster = muster.clone();
        move || {
            let mut c = Command::new(&muster);
            c.args(&args);
            c
        }
    };
    let strings = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let check_incidents = median(runs, process(strings(&["check", &incidents_str])))?;
    let simulate_incidents = median(runs, process(strings(&["simulate", &incidents_str])))?;
    let check_ranged = median(runs, process(strings(&["check", &ranged_str])))?;
    let simulate_ranged = median(runs, process(strings(&["simulate", &ranged_str])))?;
    let many = (RANGED_RUNS * 10).to_string();
    let peak_ranged = peak_kib(runs, &muster, &["simulate", &ranged_str]);
    let peak_many = peak_kib(runs, &muster, &["simulate", &ranged_str, "--runs", &many]);

    let warnings = warnings_row(&muster, out, runs)?;

    let terraform = if Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
    {
        let dir = out.join("terraform");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        write(&dir.join("main.tf"), generate::terraform(tenth, 42))?;
        let time = median(runs, || {
            let mut c = Command::new("terraform");
            c.arg("validate")
                .current_dir(&dir)
                .env("TF_IN_AUTOMATION", "1")
                .env("TF_CLI_CONFIG_FILE", "/dev/null");
            c
        })?;
        Some(time)
    } else {
        None
    };

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "Reference handbook: {} procedures × {} steps, {source_lines} lines, {:.2} MB.",
        reference.procedures,
        reference.steps,
        source_bytes as f64 / 1e6
    );
    println!();
    println!("| measure | figure | ratio | target | |");
    println!("|---|---|---|---|---|");
    let r = ratio(check_ref, read_json);
    println!(
        "| `muster check` (1×) vs serde_json reading its plan into a `Value` | {} vs {} | {r:.2}× | ≤ 1.5× | {} |",
        ms(check_ref),
        ms(read_json),
        verdict(r <= 1.5)
    );
    let r = ratio(check_ref, check_tenth);
    println!(
        "| scaling: `muster check` at 1× vs 0.1× | {} vs {} | {r:.2}× for 10× the input | ≤ 10.5× | {} |",
        ms(check_ref),
        ms(check_tenth),
        verdict(r <= 10.5)
    );
    match peak {
        Some(kib) => {
            let r = (kib * 1024) as f64 / source_bytes as f64;
            println!(
                "| peak resident memory of `muster check` (1×) vs source size | {:.1} MB vs {:.2} MB | {r:.2}× | ≤ 10× | {} |",
                kib as f64 * 1024.0 / 1e6,
                source_bytes as f64 / 1e6,
                verdict(r <= 10.0)
            );
            // What the handbook itself costs: above the resident memory
            // of checking a one-line file (the binary, the C library, the
            // threads), which does not grow with the input.
            if let Some(base) = peak_tiny {
                let r = (kib.saturating_sub(base) * 1024) as f64 / source_bytes as f64;
                println!(
                    "| … of which above `muster check` of a one-line file ({:.1} MB) | {:.1} MB vs {:.2} MB | {r:.2}× | | |",
                    base as f64 * 1024.0 / 1e6,
                    kib.saturating_sub(base) as f64 * 1024.0 / 1e6,
                    source_bytes as f64 / 1e6
                );
            }
        }
        None => println!(
            "| peak resident memory | not measured (`/usr/bin/time` missing) | | ≤ 10× | |"
        ),
    }
    match terraform {
        Some(tf) => {
            let r = ratio(tf, check_tenth);
            println!(
                "| `terraform validate` vs `muster check`, 100 × 10 | {} vs {} | muster {r:.1}× faster | ≥ 20× | {} |",
                ms(tf),
                ms(check_tenth),
                verdict(r >= 20.0)
            );
        }
        None => println!(
            "| `terraform validate`, 100 × 10 | not measured: `terraform` is not on PATH | | ≥ 20× | |"
        ),
    }
    println!(
        "| `muster build --emit json` / `--emit dot` (1×) | {} / {} | {:.2}× / {:.2}× `check` | | |",
        ms(build_json),
        ms(build_dot),
        ratio(build_json, check_ref),
        ratio(build_dot, check_ref)
    );
    let r = ratio(simulate_incidents, check_incidents);
    println!(
        "| `muster simulate` vs `muster check`, 1,000 × 10 with {INCIDENTS} incidents | {} vs {} | {r:.2}× | ≤ 2× | {} |",
        ms(simulate_incidents),
        ms(check_incidents),
        verdict(r <= 2.0)
    );
    println!(
        "| `muster simulate`, Article 42(7) ranged, {RANGED_RUNS} runs (vs its `check`) | {} (vs {}) | {:.2}× | < 1 s | {} |",
        ms(simulate_ranged),
        ms(check_ranged),
        ratio(simulate_ranged, check_ranged),
        verdict(simulate_ranged < Duration::from_secs(1))
    );
    println!("{warnings}");
    match (peak_ranged, peak_many) {
        (Some(a), Some(b)) => {
            let r = b as f64 / a as f64;
            println!(
                "| peak resident memory of `muster simulate`, {many} vs {RANGED_RUNS} runs | {:.1} MB vs {:.1} MB | {r:.2}× for 10× the runs | ≤ 1.1× | {} |",
                b as f64 * 1024.0 / 1e6,
                a as f64 * 1024.0 / 1e6,
                verdict(r <= 1.1)
            );
        }
        _ => println!(
            "| peak resident memory of `muster simulate` | not measured (`/usr/bin/time` missing) | | ≤ 1.1× | |"
        ),
    }
    Ok(())
}

/// The row of `check` with 200 warnings vs without: the reference
/// handbook with a W0503 warning in every fifth procedure, and without,
/// `muster check` with its human report, `2 × runs` pairs measured in
/// turn (so that the load of a shared machine falls on both alike).
fn warnings_row(muster: &Path, out: &Path, runs: usize) -> Result<String, String> {
    const WARNINGS: usize = 200;
    let every = Size::REFERENCE.procedures / WARNINGS;
    let warned_text = generate::handbook_with_warnings(Size::REFERENCE, 42, every);
    let (plain, warned, allowing) = (
        out.join("reference.muster"),
        out.join("warnings.muster"),
        out.join("warnings_allow.muster"),
    );
    // The same warnings in a file with a `// muster: allow` comment (for
    // its first declaration, which has none of them): the comment must not
    // make the warnings cost more.
    let allowing_text = format!("// muster: allow(W0503)\n{warned_text}");
    for (path, text) in [
        (&plain, generate::handbook(Size::REFERENCE, 42)),
        (&warned, warned_text),
        (&allowing, allowing_text),
    ] {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let check = |file: &Path| {
        let mut c = Command::new(muster);
        c.arg("check").arg(file);
        c
    };
    for file in [&plain, &warned, &allowing] {
        run_quietly(&mut check(file))?;
    }
    let (mut with, mut without, mut allowed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..2 * runs.max(1) {
        for (file, times) in [
            (&warned, &mut with),
            (&plain, &mut without),
            (&allowing, &mut allowed),
        ] {
            let start = Instant::now();
            run_quietly(&mut check(file))?;
            times.push(start.elapsed());
        }
    }
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (with, without, allowed) = (median(with), median(without), median(allowed));
    let r = with.as_secs_f64() / without.as_secs_f64();
    let a = allowed.as_secs_f64() / without.as_secs_f64();
    Ok(format!(
        "| `muster check` with {WARNINGS} warnings (W0503) vs without, 1,000 × 10, in turn | {} vs {} | {r:.2}× | ≤ 1.1× | {} |\n\
         | … the same with a `// muster: allow` comment in the file | {} vs {} | {a:.2}× | ≤ 1.1× | {} |",
        ms(with),
        ms(without),
        verdict(r <= 1.1),
        ms(allowed),
        ms(without),
        verdict(a <= 1.1)
    ))
}
