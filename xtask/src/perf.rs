//! The side-by-side performance run (`docs/PERFORMANCE.md`): the release
//! `muster` against the cost of merely reading the same information with
//! serde_json, against itself at a tenth of the size, and against
//! `terraform validate` where Terraform is installed. Every figure is the
//! median wall-clock time of whole processes, measured in one run on one
//! machine, and reported as a ratio.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::generate::{self, Size};

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
fn peak_kib(program: &Path, args: &[&str]) -> Option<u64> {
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
    let peak = peak_kib(&muster, &["check", &ref_str]);

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
        "| `muster check` (1×) vs serde_json reading its plan into a `Value` | {} vs {} | {r:.2}× | ≤ 3× | {} |",
        ms(check_ref),
        ms(read_json),
        verdict(r <= 3.0)
    );
    let r = ratio(check_ref, check_tenth);
    println!(
        "| scaling: `muster check` at 1× vs 0.1× | {} vs {} | {r:.2}× for 10× the input | ≤ 12× | {} |",
        ms(check_ref),
        ms(check_tenth),
        verdict(r <= 12.0)
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
    Ok(())
}
