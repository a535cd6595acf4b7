//! Development tasks: `cargo run -p xtask --release -- <task>`.
//!
//! - `gen [--procedures N] [--steps M] [--incidents I] [--seed S]
//!   [--warn-every W] -o FILE`: write a large valid handbook (default: the
//!   reference size, 1,000 × 10), with `--incidents` a scenario of I
//!   incidents for `muster simulate`, with `--warn-every` a W0503 warning
//!   in every W-th procedure.
//! - `read-json FILE`: read a JSON file into a `serde_json::Value`, the
//!   baseline of the side-by-side run.
//! - `perf [--runs K] [--out DIR]`: the side-by-side performance run of
//!   `docs/PERFORMANCE.md`; prints a Markdown table.
//! - `man [--check]`: write (or check) the manual page `docs/muster.1`.

mod generate;
mod man;
mod perf;

use std::path::PathBuf;
use std::process::ExitCode;

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |name: &str, default: usize| {
        flag(&args, name).map_or(Ok(default), |v| {
            v.parse::<usize>()
                .map_err(|_| format!("{name} needs a number"))
        })
    };
    let result = match args.first().map(String::as_str) {
        Some("gen") => (|| {
            let size = generate::Size {
                procedures: number("--procedures", generate::Size::REFERENCE.procedures)?,
                steps: number("--steps", generate::Size::REFERENCE.steps)?,
            };
            let seed = number("--seed", 42)? as u64;
            let out = flag(&args, "-o").ok_or("gen needs -o FILE")?;
            // `--warn-every N`: a W0503 warning in every N-th procedure.
            let mut text = match number("--warn-every", 0)? {
                0 => generate::handbook(size, seed),
                every => generate::handbook_with_warnings(size, seed, every),
            };
            let incidents = number("--incidents", 0)?;
            if incidents > 0 {
                text.push_str(&generate::scenario(incidents, seed));
            }
            std::fs::write(&out, text).map_err(|e| format!("{out}: {e}"))
        })(),
        Some("read-json") => (|| {
            let path = args.get(1).ok_or("read-json needs a FILE")?;
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))?;
            // Use the value, so that the parse cannot be optimised away.
            if value.is_null() {
                return Err("empty document".into());
            }
            Ok(())
        })(),
        Some("perf") => (|| {
            let runs = number("--runs", 5)?;
            let out = PathBuf::from(flag(&args, "--out").unwrap_or_else(|| "target/perf".into()));
            perf::run(runs, &out)
        })(),
        Some("man") => man::run(args.iter().any(|a| a == "--check")),
        _ => Err("usage: xtask gen|read-json|perf|man (see xtask/src/main.rs)".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
