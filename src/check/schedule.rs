//! The schedule of one procedure (docs/reference.md#the-schedule): earliest and latest
//! times over the `after` graph, slack, the critical path and its resource,
//! and the steps that miss their deadline. Every pass is iterative and
//! linear in steps plus `after` edges.

use super::model::{Schedule, StepIdx, Timing};

/// What the schedule needs to know of one step.
#[derive(Clone, Debug, Default)]
pub struct StepInput {
    pub takes: u64,
    pub within: Option<u64>,
    /// Resolved `after` steps.
    pub after: Vec<StepIdx>,
    /// `(resource, ready)` of each resolved requirement, in `requires` order.
    pub ready: Vec<(usize, u64)>,
}

/// A step that finishes after its `within`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Late {
    pub step: StepIdx,
    pub finish: u64,
    pub within: u64,
    /// The chain that makes it late, first step first, ending at `step`.
    pub chain: Vec<StepIdx>,
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
}

/// Computes the schedule of one procedure's steps.
pub fn compute(steps: &[StepInput]) -> Output {
    let n = steps.len();
    let mut successors: Vec<Vec<StepIdx>> = vec![Vec::new(); n];
    let mut pending: Vec<usize> = vec![0; n];
    for (s, step) in steps.iter().enumerate() {
        for &p in &step.after {
            if p < n {
                successors[p].push(s);
                pending[s] += 1;
            }
        }
    }

    // Kahn's algorithm: a topological order of the steps not on or after a
    // cycle. Seeds and successors are taken in declaration order.
    let mut order: Vec<StepIdx> = Vec::with_capacity(n);
    let mut queue: std::collections::VecDeque<StepIdx> =
        (0..n).filter(|&s| pending[s] == 0).collect();
    while let Some(s) = queue.pop_front() {
        order.push(s);
        for &t in &successors[s] {
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
        for &t in &successors[s] {
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

    // Deadlines.
    for &s in &order {
        if let Some(within) = steps[s].within
            && ef[s] > within
        {
            let chain = walk_back(steps, &es, &ef, s);
            let head = chain[0];
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
                chain,
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
        let path = walk_back(steps, &es, &ef, last);
        let head = path[0];
        output.schedule = Schedule {
            duration,
            critical_resource: waiting_resource(&steps[head], es[head]).map(|(r, _)| r),
            critical_path: path,
        };
    } else {
        output.schedule.duration = duration;
    }
    output
}

fn to_signed(minutes: u64) -> i64 {
    i64::try_from(minutes).unwrap_or(i64::MAX)
}

/// From `step` back through the first-declared predecessor whose finish is
/// the current step's start; first step first.
fn walk_back(steps: &[StepInput], es: &[u64], ef: &[u64], step: StepIdx) -> Vec<StepIdx> {
    let mut chain = vec![step];
    let mut current = step;
    loop {
        let previous = steps[current]
            .after
            .iter()
            .copied()
            .filter(|&p| p < steps.len() && ef[p] == es[current])
            .min();
        match previous {
            // The `after` graph here is acyclic, but never trust a loop.
            Some(p) if chain.len() <= steps.len() => {
                chain.push(p);
                current = p;
            }
            _ => break,
        }
    }
    chain.reverse();
    chain
}

/// The resource whose readiness sets a chain's first start, if any.
fn waiting_resource(step: &StepInput, start: u64) -> Option<(usize, u64)> {
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
fn find_cycles(steps: &[StepInput], pending: &[usize]) -> Vec<Vec<StepIdx>> {
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

    fn step(takes: u64, within: Option<u64>, after: &[usize], ready: &[(usize, u64)]) -> StepInput {
        StepInput {
            takes,
            within,
            after: after.to_vec(),
            ready: ready.to_vec(),
        }
    }

    /// The reference's Article 42(7) example: invoke, consult, offers, endorse.
    fn article_42_7() -> Vec<StepInput> {
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
        assert_eq!(out.late[0].chain, vec![0, 1]);
        assert_eq!(out.late[0].waits_for, None);
        assert_eq!(out.late[1].chain, vec![2]);
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
    fn a_long_chain_is_linear_and_shallow() {
        let n = 20_000;
        let steps: Vec<StepInput> = (0..n)
            .map(|i| step(1, None, if i == 0 { &[] } else { &[0][..0] }, &[]))
            .enumerate()
            .map(|(i, mut s)| {
                if i > 0 {
                    s.after = vec![i - 1];
                }
                s
            })
            .collect();
        let out = compute(&steps);
        assert_eq!(out.schedule.duration, n as u64);
        assert_eq!(out.schedule.critical_path.len(), n);
        // A cycle through the whole chain.
        let mut cyclic = steps;
        cyclic[0].after = vec![n - 1];
        let out = compute(&cyclic);
        assert_eq!(out.cycles.len(), 1);
        assert_eq!(out.cycles[0].len(), n);
    }
}
