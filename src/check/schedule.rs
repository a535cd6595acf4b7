//! The schedule of one procedure (docs/reference.md#the-schedule): earliest and latest
//! times over the `after` graph, slack, the critical path and its resource,
//! and the steps that miss their deadline. Every pass is iterative and
//! linear in steps plus `after` edges.

use super::model::{Schedule, StepIdx, Timing};

/// What the schedule needs to know of one step.
#[derive(Clone, Debug, Default)]
pub struct StepInput<'a> {
    pub takes: u64,
    pub within: Option<u64>,
    /// Resolved `after` steps, borrowed from the model (a dense `after`
    /// graph is not copied).
    pub after: &'a [StepIdx],
    /// `(resource, ready)` of each resolved requirement, in `requires` order.
    pub ready: Vec<(usize, u64)>,
}

/// A step that finishes after its `within`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Late {
    pub step: StepIdx,
    pub finish: u64,
    pub within: u64,
    /// The first step of the chain that makes it late (see
    /// [`Output::chain`]); `step` itself when nothing before it delays it.
    pub head: StepIdx,
    /// How many steps that chain has, `head` and `step` included.
    pub chain_len: usize,
    /// The resource whose readiness starts the chain, with its `ready`.
    pub waits_for: Option<(usize, u64)>,
    /// When the chain's first step would start were that resource ready at
    /// activation.
    pub start_without_wait: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Output {
    /// `None` for steps on or after a cycle.
    pub timings: Vec<Option<Timing>>,
    pub schedule: Schedule,
    /// Each cycle once, in `after` order: `a` after `c`, `b` after `a` … is
    /// reported as `[a, b, c]` (each step is after the one before it).
    pub cycles: Vec<Vec<StepIdx>>,
    pub late: Vec<Late>,
    /// For each scheduled step, the predecessor its chain goes back
    /// through: the first-declared `after` step that finishes exactly when
    /// it starts. One array holds every chain, so that many late steps on
    /// one long chain do not each keep a copy of it.
    pub previous: Vec<Option<StepIdx>>,
}

impl Output {
    /// The last `max` steps (at most) of the chain that ends at `step`,
    /// first step first.
    pub fn chain(&self, step: StepIdx, max: usize) -> Vec<StepIdx> {
        let mut chain = vec![step];
        let mut current = step;
        while chain.len() < max {
            match self.previous.get(current).copied().flatten() {
                Some(p) => {
                    chain.push(p);
                    current = p;
                }
                None => break,
            }
        }
        chain.reverse();
        chain
    }
}

/// Computes the schedule of one procedure's steps.
pub fn compute(steps: &[StepInput<'_>]) -> Output {
    let n = steps.len();
    let successors = Successors::new(steps);
    let mut pending: Vec<usize> = vec![0; n];
    for (s, step) in steps.iter().enumerate() {
        pending[s] = step.after.iter().filter(|&&p| p < n).count();
    }

    // Kahn's algorithm: a topological order of the steps not on or after a
    // cycle. Seeds and successors are taken in declaration order.
    let mut order: Vec<StepIdx> = Vec::with_capacity(n);
    let mut queue: std::collections::VecDeque<StepIdx> =
        (0..n).filter(|&s| pending[s] == 0).collect();
    while let Some(s) = queue.pop_front() {
        order.push(s);
        for &t in successors.of(s) {
            pending[t] -= 1;
            if pending[t] == 0 {
                queue.push_back(t);
            }
        }
    }

    let mut output = Output {
        timings: vec![None; n],
        ..Output::default()
    };
    if order.len() < n {
        output.cycles = find_cycles(steps, &pending);
    }

    // Forward pass.
    let mut es = vec![0u64; n];
    let mut ef = vec![0u64; n];
    for &s in &order {
        let step = &steps[s];
        let from_after = step.after.iter().filter(|&&p| p < n).map(|&p| ef[p]).max();
        let from_ready = step.ready.iter().map(|&(_, r)| r).max();
        es[s] = from_after.unwrap_or(0).max(from_ready.unwrap_or(0));
        ef[s] = es[s].saturating_add(step.takes);
    }
    let duration = order.iter().map(|&s| ef[s]).max().unwrap_or(0);

    // Backward pass: the latest finish that neither delays the procedure
    // nor misses a deadline.
    let mut lf = vec![0i64; n];
    for &s in order.iter().rev() {
        let step = &steps[s];
        let mut latest = to_signed(duration);
        if let Some(within) = step.within {
            latest = latest.min(to_signed(within));
        }
        for &t in successors.of(s) {
            let ls = lf[t] - to_signed(steps[t].takes);
            latest = latest.min(ls);
        }
        lf[s] = latest;
    }
    for &s in &order {
        let slack = lf[s] - to_signed(ef[s]);
        output.timings[s] = Some(Timing {
            earliest_start: es[s],
            earliest_finish: ef[s],
            latest_finish: lf[s],
            slack,
            critical: slack <= 0,
        });
    }

    // The chains, each step pointing back at its predecessor on one;
    // heads and lengths follow in topological order.
    let mut previous: Vec<Option<StepIdx>> = vec![None; n];
    let mut head: Vec<StepIdx> = (0..n).collect();
    let mut chain_len = vec![1usize; n];
    for &s in &order {
        if let Some(p) = previous_on_chain(steps, &es, &ef, s) {
            previous[s] = Some(p);
            head[s] = head[p];
            chain_len[s] = chain_len[p].saturating_add(1);
        }
    }

    // Deadlines.
    for &s in &order {
        if let Some(within) = steps[s].within
            && ef[s] > within
        {
            let head = head[s];
            let waits_for = waiting_resource(&steps[head], es[head]);
            let start_without_wait = match waits_for {
                Some((resource, _)) => {
                    let step = &steps[head];
                    let after = step.after.iter().filter(|&&p| p < n).map(|&p| ef[p]);
                    let others = step
                        .ready
                        .iter()
                        .filter(|&&(r, _)| r != resource)
                        .map(|&(_, r)| r);
                    after.chain(others).max().unwrap_or(0)
                }
                None => es[head],
            };
            output.late.push(Late {
                step: s,
                finish: ef[s],
                within,
                head,
                chain_len: chain_len[s],
                waits_for,
                start_without_wait,
            });
        }
    }
    output.late.sort_by_key(|l| l.step);

    // The critical path: from the first step with the greatest finish,
    // back through predecessors that finish exactly when it starts.
    if output.cycles.is_empty() && n > 0 {
        let mut last = 0;
        for s in 1..n {
            if ef[s] > ef[last] {
                last = s;
            }
        }
        let path = walk_back(&previous, last);
        let head = path[0];
        output.schedule = Schedule {
            duration,
            critical_resource: waiting_resource(&steps[head], es[head]).map(|(r, _)| r),
            critical_path: path,
        };
    } else {
        output.schedule.duration = duration;
    }
    output.previous = previous;
    output
}

/// The successors of every step, in one array (`after` edges reversed):
/// exactly one entry per edge, with no spare capacity per step.
struct Successors {
    /// Where the successors of step `s` start in `flat`; `n + 1` entries.
    starts: Vec<usize>,
    flat: Vec<StepIdx>,
}

impl Successors {
    fn new(steps: &[StepInput<'_>]) -> Successors {
        let n = steps.len();
        let mut starts = vec![0usize; n + 1];
        for step in steps {
            for &p in step.after {
                if p < n {
                    starts[p + 1] += 1;
                }
            }
        }
        for s in 0..n {
            starts[s + 1] += starts[s];
        }
        let mut next = starts.clone();
        let mut flat = vec![0; starts[n]];
        for (s, step) in steps.iter().enumerate() {
            for &p in step.after {
                if p < n {
                    flat[next[p]] = s;
                    next[p] += 1;
                }
            }
        }
        Successors { starts, flat }
    }

    /// The steps after `s`, in declaration order.
    fn of(&self, s: StepIdx) -> &[StepIdx] {
        match (self.starts.get(s), self.starts.get(s + 1)) {
            (Some(&start), Some(&end)) => self.flat.get(start..end).unwrap_or(&[]),
            _ => &[],
        }
    }
}

fn to_signed(minutes: u64) -> i64 {
    i64::try_from(minutes).unwrap_or(i64::MAX)
}

/// The first-declared predecessor of `step` whose finish is its start.
fn previous_on_chain(
    steps: &[StepInput<'_>],
    es: &[u64],
    ef: &[u64],
    step: StepIdx,
) -> Option<StepIdx> {
    steps[step]
        .after
        .iter()
        .copied()
        .filter(|&p| p < steps.len() && ef[p] == es[step])
        .min()
}

/// From `step` back through `previous`; first step first.
fn walk_back(previous: &[Option<StepIdx>], step: StepIdx) -> Vec<StepIdx> {
    let mut chain = vec![step];
    let mut current = step;
    // The chains are acyclic (they follow a topological order), but never
    // trust a loop.
    while let Some(p) = previous.get(current).copied().flatten() {
        if chain.len() > previous.len() {
            break;
        }
        chain.push(p);
        current = p;
    }
    chain.reverse();
    chain
}

/// The resource whose readiness sets a chain's first start, if any.
fn waiting_resource(step: &StepInput<'_>, start: u64) -> Option<(usize, u64)> {
    if start == 0 {
        return None;
    }
    step.ready
        .iter()
        .copied()
        .find(|&(_, ready)| ready == start)
}

/// The cycles among the steps Kahn's algorithm could not order (those
/// still pending): walking back through a pending predecessor from any such
/// step must come round to a step already on the walk. Each step is walked
/// at most once, so this is linear.
fn find_cycles(steps: &[StepInput<'_>], pending: &[usize]) -> Vec<Vec<StepIdx>> {
    let n = steps.len();
    // 0: not seen, 1: on the current walk, 2: done.
    let mut state = vec![0u8; n];
    let mut position = vec![0usize; n];
    let mut cycles = Vec::new();
    for start in 0..n {
        if pending[start] == 0 || state[start] != 0 {
            continue;
        }
        let mut walk: Vec<StepIdx> = Vec::new();
        let mut current = start;
        loop {
            if state[current] == 1 {
                // Came round: the cycle is the walk from `current` on.
                let cycle: Vec<StepIdx> = walk[position[current]..].to_vec();
                cycles.push(in_after_order(cycle));
                break;
            }
            if state[current] == 2 {
                break;
            }
            state[current] = 1;
            position[current] = walk.len();
            walk.push(current);
            match steps[current]
                .after
                .iter()
                .copied()
                .find(|&p| p < n && pending[p] > 0)
            {
                Some(p) => current = p,
                None => break,
            }
        }
        for s in walk {
            state[s] = 2;
        }
    }
    cycles.sort();
    cycles
}

/// A cycle found walking backwards (`b` is after `c`, …), rotated to start
/// at its first-declared step and listed so that each step comes after the
/// one before it.
fn in_after_order(mut backwards: Vec<StepIdx>) -> Vec<StepIdx> {
    backwards.reverse();
    if let Some(min_at) = backwards
        .iter()
        .enumerate()
        .min_by_key(|&(_, s)| *s)
        .map(|(i, _)| i)
    {
        backwards.rotate_left(min_at);
    }
    backwards
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step<'a>(
        takes: u64,
        within: Option<u64>,
        after: &'a [usize],
        ready: &[(usize, u64)],
    ) -> StepInput<'a> {
        StepInput {
            takes,
            within,
            after,
            ready: ready.to_vec(),
        }
    }

    /// The reference's Article 42(7) example: invoke, consult, offers, endorse.
    fn article_42_7() -> Vec<StepInput<'static>> {
        const H: u64 = 60;
        const D: u64 = 24 * H;
        vec![
            step(0, Some(24 * H), &[], &[]),
            step(D, Some(3 * D), &[0], &[]),
            // offers requires frigates (resource 1, ready 2d).
            step(2 * D, Some(5 * D), &[1], &[(1, 2 * D)]),
            step(0, Some(4 * D), &[1], &[]),
        ]
    }

    #[test]
    fn article_42_7_schedule_matches_the_reference() {
        let out = compute(&article_42_7());
        assert!(out.cycles.is_empty() && out.late.is_empty());
        assert_eq!(out.schedule.duration, 5760);
        assert_eq!(out.schedule.critical_path, vec![2]);
        assert_eq!(out.schedule.critical_resource, Some(1));
        let offers = out.timings[2].unwrap();
        assert_eq!(
            (offers.earliest_start, offers.earliest_finish, offers.slack),
            (2880, 5760, 0)
        );
        assert!(offers.critical);
        let consult = out.timings[1].unwrap();
        assert_eq!(
            (
                consult.earliest_finish,
                consult.latest_finish,
                consult.slack
            ),
            (1440, 2880, 1440)
        );
        assert!(!consult.critical);
    }

    #[test]
    fn the_critical_path_walks_back_through_finishing_predecessors() {
        // a(1h) → b(2h) → d(1h); a → c(1h) → d.
        let steps = vec![
            step(60, None, &[], &[]),
            step(120, None, &[0], &[]),
            step(60, None, &[0], &[]),
            step(60, None, &[1, 2], &[]),
        ];
        let out = compute(&steps);
        assert_eq!(out.schedule.duration, 240);
        assert_eq!(out.schedule.critical_path, vec![0, 1, 3]);
        assert_eq!(out.schedule.critical_resource, None);
        assert_eq!(out.timings[2].unwrap().slack, 60);
    }

    #[test]
    fn a_missed_deadline_names_the_chain_and_the_resource_that_causes_it() {
        let steps = vec![
            step(600, None, &[], &[]),
            step(600, Some(900), &[0], &[]),
            step(60, Some(100), &[], &[(7, 120)]),
        ];
        let out = compute(&steps);
        assert_eq!(out.late.len(), 2);
        assert_eq!(out.chain(out.late[0].step, usize::MAX), vec![0, 1]);
        assert_eq!((out.late[0].head, out.late[0].chain_len), (0, 2));
        assert_eq!(out.late[0].waits_for, None);
        assert_eq!(out.chain(out.late[1].step, usize::MAX), vec![2]);
        assert_eq!((out.late[1].head, out.late[1].chain_len), (2, 1));
        assert_eq!(out.late[1].waits_for, Some((7, 120)));
        assert_eq!(out.late[1].start_without_wait, 0);
    }

    #[test]
    fn a_wait_behind_another_delay_is_not_the_only_cause() {
        // triage takes 22h; fly after triage waits for a resource ready at
        // 24h: without the wait it would still start at 22h.
        let steps = vec![
            step(22 * 60, None, &[], &[]),
            step(4 * 60, Some(24 * 60), &[0], &[(0, 24 * 60)]),
        ];
        let out = compute(&steps);
        assert_eq!(out.late[0].waits_for, Some((0, 1440)));
        assert_eq!(out.late[0].start_without_wait, 22 * 60);
    }

    #[test]
    fn cycles_are_found_once_each_in_after_order() {
        // a after c, b after a, c after b; d after itself; e after a.
        let steps = vec![
            step(0, None, &[2], &[]),
            step(0, None, &[0], &[]),
            step(0, None, &[1], &[]),
            step(0, None, &[3], &[]),
            step(0, Some(0), &[0], &[]),
        ];
        let out = compute(&steps);
        assert_eq!(out.cycles, vec![vec![0, 1, 2], vec![3]]);
        assert!(out.timings.iter().all(Option::is_none));
        assert!(out.late.is_empty());
    }

    #[test]
    fn every_late_step_of_a_long_chain_shares_one_chain() {
        // 20,000 steps, each after the one before, each due within 1m: all
        // but the first are late, and each finding is constant in size.
        let n = 20_000;
        let afters: Vec<Vec<usize>> = (0..n).map(|i| (0..i).rev().take(1).collect()).collect();
        let steps: Vec<StepInput> = afters.iter().map(|a| step(1, Some(1), a, &[])).collect();
        let out = compute(&steps);
        assert_eq!(out.late.len(), n - 1);
        let last = &out.late[n - 2];
        assert_eq!((last.step, last.head, last.chain_len), (n - 1, 0, n));
        assert_eq!(out.chain(last.step, 3), vec![n - 3, n - 2, n - 1]);
    }

    #[test]
    fn a_long_chain_is_linear_and_shallow() {
        let n = 20_000;
        let mut afters: Vec<Vec<usize>> = (0..n).map(|i| (0..i).rev().take(1).collect()).collect();
        let steps: Vec<StepInput> = afters.iter().map(|a| step(1, None, a, &[])).collect();
        let out = compute(&steps);
        assert_eq!(out.schedule.duration, n as u64);
        assert_eq!(out.schedule.critical_path.len(), n);
        // A cycle through the whole chain.
        afters[0] = vec![n - 1];
        let cyclic: Vec<StepInput> = afters.iter().map(|a| step(1, None, a, &[])).collect();
        let out = compute(&cyclic);
        assert_eq!(out.cycles.len(), 1);
        assert_eq!(out.cycles[0].len(), n);
    }
}
