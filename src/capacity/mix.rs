//! The cheapest mix of seasonal hires, overtime and partner overflow that
//! covers the weekly need, solved exactly as a mixed-integer programme.
//!
//! # Model
//!
//! Weeks `w = 0..W`, queues `q`. All quantities are FTE-weeks (one FTE-week
//! is `weekly_hours` paid hours; shrinkage is already in the requirement).
//!
//! * A hire wave `(q, p, u, n)`: `n` people (an integer) for queue `q`,
//!   productive from week `p` to week `u`, trained during the
//!   `train_weeks` before `p` (paid, not productive). In week `w ∈ [p, u]`
//!   they give `n · ramp[w − p]` FTE (1 after the ramp). Their contract
//!   lasts `max(min_contract_weeks, train_weeks + u − p + 1)` paid weeks.
//!   `p` is never before the first week whose recruiting date (`p` minus
//!   recruit and training weeks) is on or after `as_of`. All waves together
//!   hire at most `max_hires` people.
//! * Overtime `o[q][w] ∈ [0, in_house[q] · max_hours / weekly_hours]`.
//! * Partner `k` gives `x[k][q][w] ≥ 0` on its queues, with
//!   `Σ_q x[k][q][w] ≤ max_fte[k]`, and nothing before its first week
//!   (`as_of` + notice).
//! * Gap `g[q][w] ≥ 0`.
//!
//! Cover: `in_house[q] + Σ waves + o + Σ_k x + g ≥ required[q][w]`.
//! Cost: hires' paid weeks × hire rate, overtime × in-house rate ×
//! premium, partner FTE-weeks × partner rate, each times `weekly_hours`;
//! the gap costs `gap_penalty` per FTE-week, far above any real source, so
//! the optimum leaves a gap only where no source can reach. The in-house
//! team is paid whatever the mix and does not enter the objective.
//!
//! The programme is solved by branch and bound (good_lp with the pure-Rust
//! microlp solver); the result is optimal for this model. The tests check
//! it against enumeration of every wave combination on small horizons.

use good_lp::{
    Constraint, Expression, ProblemVariables, Solution, SolverModel, Variable,
    microlp, variable,
};

use crate::error::{Error, Result};

/// The LP solver's rounding on FTE values (it reports 1e-10 below zero,
/// 3.9999999999 for 4): differences below this are noise, not staff.
const SOLVER_NOISE: f64 = 1e-9;

/// A capacity problem in plain numbers (weeks are indices).
#[derive(Clone, Debug)]
pub struct MixProblem {
    /// Number of weeks.
    pub weeks: usize,
    /// Queues and their need.
    pub queues: Vec<MixQueue>,
    /// Most overtime FTE per in-house FTE (`max_hours / weekly_hours`).
    pub overtime_share: f64,
    /// Cost of one overtime FTE-week.
    pub overtime_cost: f64,
    /// Hiring rules, if hiring is allowed.
    pub hiring: Option<MixHiring>,
    /// Partners.
    pub partners: Vec<MixPartner>,
    /// Cost of one FTE-week of unmet need.
    pub gap_penalty: f64,
}

/// One queue's weekly need and team.
#[derive(Clone, Debug)]
pub struct MixQueue {
    /// Required FTE per week.
    pub required: Vec<f64>,
    /// In-house FTE.
    pub in_house: f64,
}

/// Hiring rules in weeks.
#[derive(Clone, Debug)]
pub struct MixHiring {
    /// Indices of the queues hires may work on.
    pub queues: Vec<usize>,
    /// First week a wave may be productive (may be `≥ weeks`: too late).
    pub earliest: usize,
    /// Training weeks before the first productive week.
    pub train_weeks: usize,
    /// Productivity in the first weeks after training.
    pub ramp: Vec<f64>,
    /// Shortest contract in weeks, training included.
    pub min_contract_weeks: usize,
    /// Most people hired.
    pub max_hires: u32,
    /// Cost of one paid person-week.
    pub week_cost: f64,
}

/// A partner in weeks.
#[derive(Clone, Debug)]
pub struct MixPartner {
    /// Indices of its queues.
    pub queues: Vec<usize>,
    /// Most FTE per week.
    pub max_fte: f64,
    /// First week it can work.
    pub first_week: usize,
    /// Cost of one FTE-week.
    pub week_cost: f64,
}

/// A hire wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wave {
    /// Queue index.
    pub queue: usize,
    /// First productive week.
    pub start: usize,
    /// Last productive week in the horizon.
    pub end: usize,
    /// People hired.
    pub count: u32,
}

impl Wave {
    /// Paid weeks per person (training included, at least the minimum
    /// contract).
    pub fn paid_weeks(&self, h: &MixHiring) -> usize {
        (h.train_weeks + self.end + 1 - self.start).max(h.min_contract_weeks)
    }

    /// Productive FTE per person in week `w`.
    pub fn productivity(&self, h: &MixHiring, w: usize) -> f64 {
        if w < self.start || w > self.end {
            return 0.0;
        }
        h.ramp.get(w - self.start).copied().unwrap_or(1.0)
    }
}

/// The cheapest mix.
#[derive(Clone, Debug, Default)]
pub struct MixSolution {
    /// Hire waves with at least one person, by queue then start.
    pub waves: Vec<Wave>,
    /// Overtime FTE, `[queue][week]`.
    pub overtime: Vec<Vec<f64>>,
    /// Partner FTE, `[partner][queue][week]`.
    pub partner: Vec<Vec<Vec<f64>>>,
    /// Unmet FTE, `[queue][week]`.
    pub gap: Vec<Vec<f64>>,
    /// Cost of hires, overtime and partners (gap not included).
    pub cost: f64,
}

impl MixProblem {
    /// Every wave shape `(queue, start, end)` the rules allow.
    pub fn wave_shapes(&self) -> Vec<(usize, usize, usize)> {
        let Some(h) = &self.hiring else { return vec![] };
        let mut out = vec![];
        let last = self.weeks.saturating_sub(1);
        for &q in &h.queues {
            for p in h.earliest..self.weeks {
                // Shorter productive spans than the contract allows are
                // never cheaper: the contract is paid anyway.
                let min_span =
                    h.min_contract_weeks.saturating_sub(h.train_weeks);
                let first_end = (p + min_span.max(1) - 1).min(last).max(p);
                for u in first_end..=last {
                    out.push((q, p, u));
                }
            }
        }
        out
    }

    /// The cost of a mix (without the gap penalty).
    pub fn cost_of(&self, s: &MixSolution) -> f64 {
        let mut cost = 0.0;
        if let Some(h) = &self.hiring {
            for w in &s.waves {
                cost +=
                    f64::from(w.count) * w.paid_weeks(h) as f64 * h.week_cost;
            }
        }
        cost += s.overtime.iter().flatten().sum::<f64>() * self.overtime_cost;
        for (k, p) in self.partners.iter().enumerate() {
            let fte: f64 =
                s.partner.get(k).into_iter().flatten().flatten().sum();
            cost += fte * p.week_cost;
        }
        cost
    }

    /// Solves the problem exactly.
    ///
    /// # Errors
    ///
    /// Fails only if the solver reports a numerical failure (the problem
    /// itself is always feasible thanks to the gap).
    pub fn solve(&self) -> Result<MixSolution> {
        let shapes = self.wave_shapes();
        let mut vars = ProblemVariables::new();
        let mut objective = Expression::from(0.0);
        let lp = self.variables(&shapes, &mut vars, &mut objective);
        let mut model = vars.minimise(objective).using(microlp);
        for c in self.constraints(&shapes, &lp) {
            model = model.with(c);
        }
        let sol = model.solve().map_err(|e| {
            Error::usage(format!("the capacity optimiser failed: {e}"))
        })?;
        let mut out = self.read(&shapes, &lp, &sol);
        self.uncovered(&mut out);
        out.cost = self.cost_of(&out);
        Ok(out)
    }

    /// The programme's variables, their costs added to `objective`.
    fn variables(
        &self,
        shapes: &[(usize, usize, usize)],
        vars: &mut ProblemVariables,
        objective: &mut Expression,
    ) -> LpVars {
        let nq = self.queues.len();
        let nw = self.weeks;
        let mut wave_vars: Vec<Variable> = Vec::with_capacity(shapes.len());
        if let Some(h) = &self.hiring {
            for &(q, p, u) in shapes {
                let v = vars.add(
                    variable().integer().min(0).max(f64::from(h.max_hires)),
                );
                let wave = Wave { queue: q, start: p, end: u, count: 1 };
                *objective += v * (wave.paid_weeks(h) as f64 * h.week_cost);
                wave_vars.push(v);
            }
        }
        let mut ot = vec![vec![None; nw]; nq];
        for (q, queue) in self.queues.iter().enumerate() {
            let cap = queue.in_house * self.overtime_share;
            if cap > 0.0 {
                for slot in ot[q].iter_mut() {
                    let v = vars.add(variable().min(0).max(cap));
                    *objective += v * self.overtime_cost;
                    *slot = Some(v);
                }
            }
        }
        let mut px = vec![vec![vec![None; nw]; nq]; self.partners.len()];
        for (k, p) in self.partners.iter().enumerate() {
            if p.max_fte <= 0.0 {
                continue;
            }
            for &q in &p.queues {
                for slot in px[k][q].iter_mut().skip(p.first_week) {
                    let v = vars.add(variable().min(0).max(p.max_fte));
                    *objective += v * p.week_cost;
                    *slot = Some(v);
                }
            }
        }
        let mut gap = vec![vec![None; nw]; nq];
        for (q, queue) in self.queues.iter().enumerate() {
            for (slot, need) in gap[q].iter_mut().zip(&queue.required) {
                if *need > queue.in_house + SOLVER_NOISE {
                    let v = vars.add(variable().min(0));
                    *objective += v * self.gap_penalty;
                    *slot = Some(v);
                }
            }
        }
        LpVars { waves: wave_vars, ot, px, gap }
    }

    /// Every week's cover, the hiring cap and each partner's cap.
    fn constraints(
        &self,
        shapes: &[(usize, usize, usize)],
        lp: &LpVars,
    ) -> Vec<Constraint> {
        let nw = self.weeks;
        let mut cons = Vec::new();
        for (q, queue) in self.queues.iter().enumerate() {
            for w in 0..nw {
                if queue.required[w] <= queue.in_house + SOLVER_NOISE {
                    continue;
                }
                let mut supply = Expression::from(queue.in_house);
                if let Some(h) = &self.hiring {
                    for (i, &(wq, p, u)) in shapes.iter().enumerate() {
                        let wave =
                            Wave { queue: wq, start: p, end: u, count: 1 };
                        let r = wave.productivity(h, w);
                        if wq == q && r > 0.0 {
                            supply += lp.waves[i] * r;
                        }
                    }
                }
                if let Some(v) = lp.ot[q][w] {
                    supply += v;
                }
                for partner in &lp.px {
                    if let Some(v) = partner[q][w] {
                        supply += v;
                    }
                }
                if let Some(v) = lp.gap[q][w] {
                    supply += v;
                }
                cons.push(supply.geq(queue.required[w]));
            }
        }
        if let Some(h) = &self.hiring
            && !lp.waves.is_empty()
        {
            let total: Expression = lp.waves.iter().sum();
            cons.push(total.leq(f64::from(h.max_hires)));
        }
        for (k, p) in self.partners.iter().enumerate() {
            let by_queue = &lp.px[k];
            for w in 0..nw {
                let used: Vec<Variable> =
                    by_queue.iter().filter_map(|row| row[w]).collect();
                if used.len() > 1 {
                    let sum: Expression = used.iter().sum();
                    cons.push(sum.leq(p.max_fte));
                }
            }
        }
        cons
    }

    /// The solver's values, cleaned, and the hire waves it chose.
    fn read(
        &self,
        shapes: &[(usize, usize, usize)],
        lp: &LpVars,
        sol: &impl Solution,
    ) -> MixSolution {
        let value =
            |v: Option<Variable>| v.map_or(0.0, |v| clean(sol.value(v)));
        let mut out = MixSolution {
            overtime: lp
                .ot
                .iter()
                .map(|r| r.iter().map(|&v| value(v)).collect())
                .collect(),
            partner: lp
                .px
                .iter()
                .map(|k| {
                    k.iter()
                        .map(|r| r.iter().map(|&v| value(v)).collect())
                        .collect()
                })
                .collect(),
            gap: lp
                .gap
                .iter()
                .map(|r| r.iter().map(|&v| value(v)).collect())
                .collect(),
            ..MixSolution::default()
        };
        for (i, &(q, p, u)) in shapes.iter().enumerate() {
            let n = sol.value(lp.waves[i]).round();
            if n >= 1.0 {
                out.waves.push(Wave {
                    queue: q,
                    start: p,
                    end: u,
                    count: n as u32,
                });
            }
        }
        out.waves.sort_by_key(|w| (w.queue, w.start, w.end));
        out
    }

    /// Sets each gap from the sources chosen.
    fn uncovered(&self, out: &mut MixSolution) {
        let nw = self.weeks;
        // The gap is whatever the chosen sources leave uncovered; computing
        // it from them (rather than reading the solver's value) keeps solver
        // tolerances out of a figure the gap penalty magnifies.
        for (q, queue) in self.queues.iter().enumerate() {
            for w in 0..nw {
                let mut supply = queue.in_house + out.overtime[q][w];
                supply += out.partner.iter().map(|k| k[q][w]).sum::<f64>();
                if let Some(h) = &self.hiring {
                    for wave in out.waves.iter().filter(|v| v.queue == q) {
                        supply +=
                            f64::from(wave.count) * wave.productivity(h, w);
                    }
                }
                out.gap[q][w] = clean((queue.required[w] - supply).max(0.0));
            }
        }
    }
}

/// The programme's variables: hire-wave counts, and per queue and week
/// overtime, partner FTE and gap (`None` where none can be used).
struct LpVars {
    waves: Vec<Variable>,
    ot: Vec<Vec<Option<Variable>>>,
    px: Vec<Vec<Vec<Option<Variable>>>>,
    gap: Vec<Vec<Option<Variable>>>,
}

/// Snaps solver noise (1e-10 below zero, 3.9999999999) to clean values
/// without rounding away real fractions of an FTE.
fn clean(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() < SOLVER_NOISE { r } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheapest cover of one queue and week once hires are fixed:
    /// overtime and partners by increasing cost, then the gap. Exact when
    /// every partner serves one queue, as in the problems below.
    fn greedy_rest(pb: &MixProblem, waves: &[Wave]) -> f64 {
        let mut total = 0.0;
        for w in waves {
            let h = pb.hiring.as_ref().unwrap();
            total += f64::from(w.count) * w.paid_weeks(h) as f64 * h.week_cost;
        }
        for (q, queue) in pb.queues.iter().enumerate() {
            for w in 0..pb.weeks {
                let mut need = queue.required[w] - queue.in_house;
                if let Some(h) = &pb.hiring {
                    for wave in waves.iter().filter(|v| v.queue == q) {
                        need -=
                            f64::from(wave.count) * wave.productivity(h, w);
                    }
                }
                let mut sources: Vec<(f64, f64)> = vec![(
                    pb.overtime_cost,
                    queue.in_house * pb.overtime_share,
                )];
                for p in &pb.partners {
                    if p.queues.contains(&q) && w >= p.first_week {
                        sources.push((p.week_cost, p.max_fte));
                    }
                }
                sources.push((pb.gap_penalty, f64::INFINITY));
                sources.sort_by(|a, b| a.0.total_cmp(&b.0));
                for (cost, cap) in sources {
                    if need <= 0.0 {
                        break;
                    }
                    let take = need.min(cap);
                    total += take * cost;
                    need -= take;
                }
            }
        }
        total
    }

    /// Tries every combination of wave counts.
    fn brute_force(pb: &MixProblem) -> f64 {
        let shapes = pb.wave_shapes();
        let max = pb.hiring.as_ref().map_or(0, |h| h.max_hires);
        let mut best = f64::INFINITY;
        let mut counts = vec![0u32; shapes.len()];
        loop {
            let waves: Vec<Wave> = shapes
                .iter()
                .zip(&counts)
                .filter(|(_, c)| **c > 0)
                .map(|(&(queue, start, end), &count)| Wave {
                    queue,
                    start,
                    end,
                    count,
                })
                .collect();
            best = best.min(greedy_rest(pb, &waves));
            // Next combination with Σ counts ≤ max.
            let mut i = 0;
            loop {
                if i == counts.len() {
                    return best;
                }
                counts[i] += 1;
                if counts.iter().sum::<u32>() <= max {
                    break;
                }
                counts[i] = 0;
                i += 1;
            }
        }
    }

    fn objective(pb: &MixProblem, s: &MixSolution) -> f64 {
        s.cost + s.gap.iter().flatten().sum::<f64>() * pb.gap_penalty
    }

    fn problem(required: Vec<Vec<f64>>, max_hires: u32) -> MixProblem {
        let weeks = required[0].len();
        MixProblem {
            weeks,
            queues: required
                .into_iter()
                .map(|r| MixQueue { required: r, in_house: 10.0 })
                .collect(),
            overtime_share: 0.1,
            overtime_cost: 35.0 * 21.0 * 1.25,
            hiring: Some(MixHiring {
                queues: vec![0],
                earliest: 1,
                train_weeks: 1,
                ramp: vec![0.6],
                min_contract_weeks: 3,
                max_hires,
                week_cost: 35.0 * 21.0,
            }),
            partners: vec![MixPartner {
                queues: vec![0],
                max_fte: 2.0,
                first_week: 2,
                week_cost: 35.0 * 27.0,
            }],
            gap_penalty: 1e6,
        }
    }

    #[test]
    fn matches_brute_force_on_small_horizons() {
        let cases: Vec<(Vec<Vec<f64>>, u32)> = vec![
            (vec![vec![10.0, 12.0, 16.0, 15.0]], 6),
            (vec![vec![11.0, 11.5, 13.0, 19.0]], 5),
            (vec![vec![12.0, 14.0, 13.0, 11.0]], 4),
            (vec![vec![10.0, 25.0, 25.0, 12.0]], 6),
            (vec![vec![9.0, 9.0, 9.0, 9.0]], 3),
            (vec![vec![10.5, 13.2, 14.7, 12.1, 18.3]], 4),
        ];
        let mut hired = 0;
        for (required, max) in cases {
            let pb = problem(required.clone(), max);
            let s = pb.solve().unwrap();
            hired += s.waves.len();
            let got = objective(&pb, &s);
            let want = brute_force(&pb);
            assert!(
                (got - want).abs() <= 1e-6 * want.max(1.0),
                "{required:?}: solver {got} brute force {want} {s:?}"
            );
        }
        assert!(hired > 0, "the cases must exercise hiring");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]
        #[test]
        fn random_needs_match_brute_force(
            need in proptest::collection::vec(8.0f64..22.0, 4),
            max in 0u32..6,
            earliest in 0usize..3,
            train in 0usize..2,
            min_contract in 1usize..4,
        ) {
            let mut pb = problem(vec![need], max);
            let h = pb.hiring.as_mut().unwrap();
            h.earliest = earliest;
            h.train_weeks = train;
            h.min_contract_weeks = min_contract;
            let s = pb.solve().unwrap();
            let got = objective(&pb, &s);
            let want = brute_force(&pb);
            proptest::prop_assert!(
                (got - want).abs() <= 1e-6 * want.max(1.0),
                "solver {} brute force {} {:?}", got, want, s
            );
        }
    }

    #[test]
    fn two_queues_share_the_hiring_cap() {
        let mut pb = problem(
            vec![vec![10.0, 14.0, 15.0, 13.0], vec![10.0, 13.0, 16.0, 12.0]],
            5,
        );
        pb.hiring.as_mut().unwrap().queues = vec![0, 1];
        pb.partners.push(MixPartner {
            queues: vec![1],
            max_fte: 1.5,
            first_week: 0,
            week_cost: 35.0 * 30.0,
        });
        let s = pb.solve().unwrap();
        assert!(s.waves.iter().map(|w| w.count).sum::<u32>() <= 5);
        let got = objective(&pb, &s);
        let want = brute_force(&pb);
        assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
    }

    #[test]
    fn nothing_needed_costs_nothing() {
        let pb = problem(vec![vec![5.0, 10.0, 3.0]], 5);
        let s = pb.solve().unwrap();
        assert!(s.waves.is_empty());
        assert_eq!(s.cost, 0.0);
    }

    #[test]
    fn a_shared_partner_is_capped_over_its_queues() {
        let mut pb = problem(vec![vec![20.0; 3], vec![20.0; 3]], 0);
        pb.hiring = None;
        pb.overtime_share = 0.0;
        pb.partners = vec![MixPartner {
            queues: vec![0, 1],
            max_fte: 6.0,
            first_week: 0,
            week_cost: 100.0,
        }];
        let s = pb.solve().unwrap();
        for w in 0..3 {
            let used = s.partner[0][0][w] + s.partner[0][1][w];
            assert!((used - 6.0).abs() < 1e-6, "{used}");
            assert!((s.gap[0][w] + s.gap[1][w] - 14.0).abs() < 1e-6);
        }
    }
}
