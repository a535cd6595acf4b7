//! Paired timing for the benchmarks that print ratios: two workloads
//! measured in turn, so that a change in the machine's load weighs on both.

use std::time::{Duration, Instant};

/// Median wall-clock times of `a` and `b`, `samples` each, taken in turn
/// after one warm-up of each.
pub fn paired(samples: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    a();
    b();
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let start = Instant::now();
        a();
        ta.push(start.elapsed());
        let start = Instant::now();
        b();
        tb.push(start.elapsed());
    }
    (median(ta), median(tb))
}

/// The median of `times` (the upper one of an even count).
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// How a measured ratio compares with its target.
pub fn verdict(ok: bool) -> &'static str {
    if ok { "✅ met" } else { "❌ missed" }
}
