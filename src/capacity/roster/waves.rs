//! Hire waves: whole people on a contract from a start week, chosen by a
//! small integer programme over the weeks once the weekly relaxations say
//! where hires are worth having.

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, microlp, variable,
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

/// Integer waves buying `target[c][w]` effective hires (headcount × ramp)
/// at their true cost, where the effective hires left unbought cost what
/// the week would pay without them: `value[c][w][j]` each for the `j`-th
/// of `value[c][w].len()` equal tranches of the target, from the top (the
/// values rise with `j`, so the least valuable go unbought first). At
/// most `max_hires` people in all.
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
    let mut vars = ProblemVariables::new();
    let mut obj = Expression::from(0.0);
    let mut n = Vec::new();
    for (c, row) in target.iter().enumerate() {
        if row.iter().all(|&t| t <= 1e-9) {
            continue;
        }
        for p in h.earliest_week..weeks {
            let v = vars
                .add(variable().integer().min(0).max(f64::from(h.max_hires)));
            obj += v * person_cost(h, c, weeks, p);
            n.push((c, p, v));
        }
    }
    if n.is_empty() {
        return Ok(vec![]);
    }
    let mut rows = Vec::new();
    for (c, row) in target.iter().enumerate() {
        for (w, &t) in row.iter().enumerate() {
            if t <= 1e-9 {
                continue;
            }
            let tranches = &value[c][w];
            let width = t / tranches.len().max(1) as f64;
            let mut e = Expression::from(0.0);
            for &v in tranches {
                let slack = vars.add(variable().min(0).max(width));
                obj += slack * v;
                e += slack;
            }
            for &(cc, p, v) in &n {
                if cc == c && p <= w {
                    e += v * ramp(h, w - p);
                }
            }
            rows.push(e.geq(t));
        }
    }
    let total: Expression = n.iter().map(|&(_, _, v)| v).sum();
    let mut model = vars.minimise(obj).using(microlp);
    for r in rows {
        model = model.with(r);
    }
    model = model.with(total.leq(f64::from(h.max_hires)));
    let sol = model.solve().map_err(|e| {
        Error::usage(format!("the hire-wave optimiser failed: {e}"))
    })?;
    let mut out: Vec<Chosen> = n
        .iter()
        .filter_map(|&(contract, start, v)| {
            let count = sol.value(v).round();
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
}
