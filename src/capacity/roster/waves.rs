//! Hire waves: whole people on a contract from a start week, chosen by a
//! small integer programme over the weeks once the weekly relaxations say
//! where hires are worth having. The programme goes to microlp directly,
//! for its deterministic node limit ([`WAVE_NODES`]).

use microlp::{
    ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions,
};

use super::Hiring;
use crate::error::{Error, Result};

/// Productivity of a hire `since` weeks after its first productive week.
pub(crate) fn ramp(h: &Hiring, since: usize) -> f64 {
    h.ramp.get(since).copied().unwrap_or(1.0)
}

/// Paid weeks of a wave productive from `start` to the end of a
/// `weeks`-week horizon: training included, at least the minimum contract.
pub(crate) fn paid_weeks(h: &Hiring, weeks: usize, start: usize) -> usize {
    (h.train_weeks + weeks - start).max(h.min_contract_weeks)
}

/// Cost of one person of `contract` in a wave starting at `start`.
pub(crate) fn person_cost(
    h: &Hiring,
    contract: usize,
    weeks: usize,
    start: usize,
) -> f64 {
    paid_weeks(h, weeks, start) as f64
        * h.contracts[contract].weekly_hours
        * h.cost_per_hour
}

/// The best any hire of `contract` can do in week `w`: the highest ramp of
/// any allowed start, and the lowest share of a wave's cost per productive
/// week. The relaxation prices hires at these, which is why it bounds every
/// integer plan from below.
pub(crate) fn best_in_week(
    h: &Hiring,
    contract: usize,
    weeks: usize,
    w: usize,
) -> Option<(f64, f64)> {
    if w < h.earliest_week {
        return None;
    }
    let mut best_ramp = 0.0f64;
    let mut best_cost = f64::INFINITY;
    for p in h.earliest_week..=w {
        best_ramp = best_ramp.max(ramp(h, w - p));
        let share = person_cost(h, contract, weeks, p) / (weeks - p) as f64;
        best_cost = best_cost.min(share);
    }
    Some((best_ramp, best_cost))
}

/// A wave chosen by [`choose`]: `count` people of `contract` from `start`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Chosen {
    pub contract: usize,
    pub start: usize,
    pub count: u32,
}

/// Branch-and-bound nodes the hire-wave programme may solve before it
/// settles for its best waves so far.
///
/// A day's floor values the tranches of the weeks it binds at its price
/// per call, hundreds of times what a hire costs a week; with such values
/// next to the cheap tranches the programme's LP bound is weak, and
/// proving the optimum took microlp three minutes on one queue of
/// `examples/plan_speed.rs` over 13 weeks, for 0.04 % of the plan's
/// objective. A node count, unlike a clock, gives the same
/// waves on any machine and under any load. On that bench the waves found
/// within this many nodes are the ones found within ten times as many.
pub(crate) const WAVE_NODES: u64 = 2000;

/// Integer waves buying `target[c][w]` effective hires (headcount × ramp)
/// at their true cost, where the effective hires left unbought cost what
/// the week would pay without them: `value[c][w][j]` each for the `j`-th
/// of `value[c][w].len()` equal tranches of the target, from the top (the
/// values rise with `j`, so the least valuable go unbought first). At
/// most `max_hires` people in all. The search stops after [`WAVE_NODES`]
/// nodes with the best waves it has (hiring nobody at worst).
///
/// # Errors
///
/// Only when the solver fails numerically.
pub(crate) fn choose(
    h: &Hiring,
    weeks: usize,
    target: &[Vec<f64>],
    value: &[Vec<Vec<f64>>],
) -> Result<Vec<Chosen>> {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let max = i32::try_from(h.max_hires).unwrap_or(i32::MAX);
    let mut n = Vec::new();
    for (c, row) in target.iter().enumerate() {
        if row.iter().all(|&t| t <= 1e-9) {
            continue;
        }
        for s in h.earliest_week..weeks {
            let v = p.add_integer_var(person_cost(h, c, weeks, s), (0, max));
            n.push((c, s, v));
        }
    }
    if n.is_empty() {
        return Ok(vec![]);
    }
    for (c, row) in target.iter().enumerate() {
        for (w, &t) in row.iter().enumerate() {
            if t <= 1e-9 {
                continue;
            }
            let tranches = &value[c][w];
            let width = t / tranches.len().max(1) as f64;
            // `effective hires + unbought tranches ≥ t`, as `−(…) ≤ −t`.
            let mut e = LinearExpr::empty();
            for &v in tranches {
                e.add(p.add_var(v, (0.0, width)), -1.0);
            }
            for &(cc, s, v) in &n {
                if cc == c && s <= w {
                    e.add(v, -ramp(h, w - s));
                }
            }
            p.add_constraint(e, ComparisonOp::Le, -t);
        }
    }
    let mut total = LinearExpr::empty();
    for &(_, _, v) in &n {
        total.add(v, 1.0);
    }
    p.add_constraint(total, ComparisonOp::Le, f64::from(h.max_hires));
    // Hiring nobody is always feasible (the tranches cover every target):
    // with it as the first incumbent the node limit always leaves one.
    let mut opts = SolveOptions::default();
    opts.node_limit = Some(WAVE_NODES);
    opts.warm_start = Some(n.iter().map(|&(_, _, v)| (v, 0.0)).collect());
    let fail = |e: String| {
        Error::usage(format!("the hire-wave optimiser failed: {e}"))
    };
    let out = p.solve_with(opts).map_err(|e| fail(e.to_string()))?;
    let sol = out.into_solution().map_err(|_| fail("no solution".into()))?;
    let mut out: Vec<Chosen> = n
        .iter()
        .filter_map(|&(contract, start, v)| {
            let count = sol.var_value(v).round();
            (count >= 1.0).then_some(Chosen {
                contract,
                start,
                count: count as u32,
            })
        })
        .collect();
    out.sort_by_key(|w| (w.contract, w.start));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::roster::Contract;

    fn hiring() -> Hiring {
        Hiring {
            contracts: vec![Contract {
                name: "tp".into(),
                weekly_hours: 35.0,
                days_per_week: 5,
                templates: vec![0],
            }],
            earliest_week: 1,
            train_weeks: 1,
            ramp: vec![0.5, 0.8],
            min_contract_weeks: 4,
            max_hires: 10,
            cost_per_hour: 20.0,
            shrinkage: 0.3,
        }
    }

    #[test]
    fn relaxed_prices_bound_every_wave_from_below() {
        let h = hiring();
        for w in 1..6 {
            let (r, c) = best_in_week(&h, 0, 6, w).unwrap();
            for p in 1..=w {
                assert!(ramp(&h, w - p) <= r);
                let share = person_cost(&h, 0, 6, p) / (6 - p) as f64;
                assert!(c <= share + 1e-9);
            }
        }
        assert!(best_in_week(&h, 0, 6, 0).is_none());
        // Start 5 of 6 weeks: 1 training + 1 productive < 4 minimum.
        assert_eq!(paid_weeks(&h, 6, 5), 4);
        assert_eq!(paid_weeks(&h, 6, 1), 6);
    }

    #[test]
    fn waves_are_bought_only_when_worth_it() {
        let h = hiring();
        let target = vec![vec![0.0, 0.0, 0.0, 2.0, 3.0, 3.0]];
        // Worth a lot: hire. One person from week 1 costs 6×35×20 = 4200.
        let rich = vec![vec![vec![10_000.0]; 6]];
        let w = choose(&h, 6, &target, &rich).unwrap();
        let eff = |w: &[Chosen], wk: usize| -> f64 {
            w.iter()
                .filter(|c| c.start <= wk)
                .map(|c| f64::from(c.count) * ramp(&h, wk - c.start))
                .sum()
        };
        for (wk, &t) in target[0].iter().enumerate().skip(3) {
            assert!(eff(&w, wk) >= t - 1e-9, "{w:?}");
        }
        // Worth little: buy nothing.
        let poor = vec![vec![vec![10.0]; 6]];
        assert!(choose(&h, 6, &target, &poor).unwrap().is_empty());
    }

    #[test]
    fn a_floor_priced_tranche_is_bought_within_the_node_limit() {
        // Two contracts, uneven targets and a last tranche priced like a
        // day below its floor: the kind of programme that ran for minutes
        // unbounded. Whatever the node limit leaves, the dear tranche (the
        // last quarter of a target to go unbought) is hired.
        let mut h = hiring();
        h.max_hires = 60;
        h.contracts.push(Contract {
            name: "renfort".into(),
            weekly_hours: 24.0,
            days_per_week: 4,
            templates: vec![0],
        });
        let weeks = 13;
        let target: Vec<Vec<f64>> = (0..2)
            .map(|c| {
                (0..weeks)
                    .map(|w| {
                        if w == 0 {
                            0.0
                        } else {
                            3.3 + 1.7 * ((w * (c + 3)) % 5) as f64
                        }
                    })
                    .collect()
            })
            .collect();
        let value: Vec<Vec<Vec<f64>>> = (0..2)
            .map(|_| {
                (0..weeks)
                    .map(|w| {
                        let dear = if w % 4 == 1 { 2.6e6 } else { 1.1e3 };
                        vec![950.0, 980.0, 1005.0, dear]
                    })
                    .collect()
            })
            .collect();
        let w = choose(&h, weeks, &target, &value).unwrap();
        for (c, row) in target.iter().enumerate() {
            for (wk, &t) in row.iter().enumerate() {
                if wk % 4 != 1 {
                    continue;
                }
                let eff: f64 = w
                    .iter()
                    .filter(|x| x.contract == c && x.start <= wk)
                    .map(|x| f64::from(x.count) * ramp(&h, wk - x.start))
                    .sum();
                assert!(eff >= 0.25 * t - 1e-9, "{c} {wk} {eff} {w:?}");
            }
        }
        let total: u32 = w.iter().map(|x| x.count).sum();
        assert!(total <= h.max_hires);
    }
}
