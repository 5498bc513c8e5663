//! One week of one queue as a linear programme: the shift columns, the
//! roster limits, partners and the shortfall curves.

use microlp::Variable;

use super::QueueInput;
use crate::error::{Error, Result};

/// What a shift column stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// In-house people starting a template.
    InHouse,
    /// People of hire group `.0` starting a template.
    Hire(usize),
    /// People of in-house column `parent` working `end − start` extra slots
    /// right before (`before`) or after their shift.
    Overtime { parent: usize, before: bool },
}

/// A shift column: people doing the same thing on one day.
#[derive(Clone, Debug)]
pub(crate) struct Col {
    pub kind: Kind,
    /// Day within the week (0 = Monday).
    pub day: usize,
    /// Template index (for overtime: the extended shift's template).
    pub tpl: usize,
    /// First slot covered.
    pub start: usize,
    /// One past the last slot covered.
    pub end: usize,
    /// On-phone agents per person.
    pub factor: f64,
    /// Marginal cost per person.
    pub cost: f64,
    /// Paid hours per person.
    pub hours: f64,
}

/// Hires working together in a week: one contract, one wave (or, in the
/// relaxation, every wave of the contract at once).
#[derive(Clone, Debug)]
pub(crate) struct HireGroup {
    pub contract: usize,
    /// Index of the wave in the solution, `None` in the relaxation.
    pub wave: Option<usize>,
    /// Fixed headcount, or `None` for a continuous headcount priced at
    /// `week_cost` per person.
    pub count: Option<f64>,
    /// Ramp productivity this week.
    pub ramp: f64,
    /// Cost per person this week when the headcount is free.
    pub week_cost: f64,
}

/// A week's programme.
pub(crate) struct WeekModel<'a> {
    pub q: &'a QueueInput,
    pub week: usize,
    pub groups: Vec<HireGroup>,
    pub cols: Vec<Col>,
    /// Calls taken off each day's floor budget when the programme is
    /// solved with free shifts (never when pricing fixed ones): the integer
    /// step's way to ask the LP for more room on a day its rounding left
    /// below the floor.
    pub tighten: [f64; 7],
}

/// A solved week.
#[derive(Clone, Debug)]
pub(crate) struct WeekLp {
    /// People per column.
    pub x: Vec<f64>,
    /// Headcount per hire group.
    pub heads: Vec<f64>,
    /// Partner agents `[partner][day][slot]`.
    pub partner: Vec<Vec<Vec<f64>>>,
    /// Partner spend, minimum commitments included.
    pub partner_cost: f64,
    /// Objective value (costs plus shortfall).
    pub objective: f64,
}

/// Valid starts of template `tpl` on a day of `slots`.
fn starts(
    q: &QueueInput,
    day: usize,
    tpl: usize,
) -> impl Iterator<Item = usize> {
    let t = &q.templates[tpl];
    let slots = &q.days[day].slots;
    (0..slots.len()).filter(move |&s| {
        let m = slots[s].start_min;
        m >= t.earliest_min && m <= t.latest_min && s + t.slots <= slots.len()
    })
}

impl<'a> WeekModel<'a> {
    /// The columns of week `week` with these hire groups.
    pub fn new(
        q: &'a QueueInput,
        week: usize,
        groups: Vec<HireGroup>,
    ) -> Self {
        let sh = q.slot_hours();
        let mut cols = Vec::new();
        let on = 1.0 - q.team.shrinkage;
        let ot_slots = q.overtime.as_ref().map_or(0, |o| {
            if o.max_hours_per_week <= 0.0 {
                0
            } else {
                (o.max_hours_per_day / sh + 1e-9).floor() as usize
            }
        });
        // Overtime is offered in whole hours (whole slots when slots are
        // longer): finer steps multiply the columns for little gain.
        let ot_step = (60 / q.slot_minutes.max(1)).max(1) as usize;
        for day in 0..7 {
            let gd = week * 7 + day;
            let n = q.days[gd].slots.len();
            for &tpl in &q.team.templates {
                let len = q.templates[tpl].slots;
                for s in starts(q, gd, tpl) {
                    let parent = cols.len();
                    cols.push(Col {
                        kind: Kind::InHouse,
                        day,
                        tpl,
                        start: s,
                        end: s + len,
                        factor: on,
                        cost: 0.0,
                        hours: len as f64 * sh,
                    });
                    let o_cost =
                        q.overtime.as_ref().map_or(0.0, |o| o.cost_per_hour);
                    for k in (ot_step..=ot_slots).step_by(ot_step) {
                        for before in [true, false] {
                            let (a, b) = if before {
                                if k > s {
                                    continue;
                                }
                                (s - k, s)
                            } else {
                                if s + len + k > n {
                                    continue;
                                }
                                (s + len, s + len + k)
                            };
                            cols.push(Col {
                                kind: Kind::Overtime { parent, before },
                                day,
                                tpl,
                                start: a,
                                end: b,
                                factor: on,
                                cost: k as f64 * sh * o_cost,
                                hours: k as f64 * sh,
                            });
                        }
                    }
                }
            }
            if let Some(h) = &q.hiring {
                let on = 1.0 - h.shrinkage;
                for (g, grp) in groups.iter().enumerate() {
                    if grp.ramp <= 0.0 || grp.count == Some(0.0) {
                        continue;
                    }
                    for &tpl in &h.contracts[grp.contract].templates {
                        let len = q.templates[tpl].slots;
                        for s in starts(q, gd, tpl) {
                            cols.push(Col {
                                kind: Kind::Hire(g),
                                day,
                                tpl,
                                start: s,
                                end: s + len,
                                factor: on * grp.ramp,
                                cost: 0.0,
                                hours: len as f64 * sh,
                            });
                        }
                    }
                }
            }
        }
        WeekModel { q, week, groups, cols, tighten: [0.0; 7] }
    }

    /// What column `i` does, independent of the week's hire groups:
    /// `(kind, contract, day, template, start, end)`.
    pub fn key(&self, i: usize) -> (u8, usize, usize, usize, usize, usize) {
        let c = &self.cols[i];
        let (kind, contract) = match c.kind {
            Kind::InHouse => (0, 0),
            Kind::Overtime { before, .. } => (1 + u8::from(before), 0),
            Kind::Hire(g) => (3, self.groups[g].contract),
        };
        (kind, contract, c.day, c.tpl, c.start, c.end)
    }

    /// Partner `k` may answer slot `s` of week-day `day`.
    pub fn partner_open(&self, k: usize, day: usize, s: usize) -> bool {
        let p = &self.q.partners[k];
        let m = self.q.days[self.week * 7 + day].slots[s].start_min;
        self.week >= p.first_week
            && p.max_fte > 0.0
            && m >= p.from_min
            && m < p.to_min
    }

    /// Price of one partner agent-hour in a slot.
    pub fn partner_price(&self, k: usize, day: usize, s: usize) -> f64 {
        let p = &self.q.partners[k];
        p.slot_cost
            .as_ref()
            .and_then(|c| c.get(self.week * 7 + day)?.get(s).copied())
            .unwrap_or(p.cost_per_hour)
    }

    /// Fixed partner cost of the week (minimum commitments).
    pub fn partner_fixed(&self) -> f64 {
        self.q
            .partners
            .iter()
            .filter(|p| self.week >= p.first_week)
            .map(|p| p.min_hours_per_week * p.cost_per_hour)
            .sum()
    }

    /// Supply per slot of the fixed people `f`, `[day][slot]`.
    pub(crate) fn fixed_supply(&self, f: &[f64]) -> Vec<Vec<f64>> {
        let mut supply: Vec<Vec<f64>> = (0..7)
            .map(|d| vec![0.0; self.q.days[self.week * 7 + d].slots.len()])
            .collect();
        for (c, n) in self.cols.iter().zip(f) {
            for e in &mut supply[c.day][c.start..c.end] {
                *e += n * c.factor;
            }
        }
        supply
    }

    /// Solves the programme; with `fixed`, every column's people are held
    /// at the given values and only partners and the shortfall move.
    ///
    /// # Errors
    ///
    /// A numerical failure of the LP solver.
    pub fn solve(&self, fixed: Option<&[f64]>) -> Result<WeekLp> {
        match fixed {
            Some(f) if !self.has_commitment() => match self.price(f) {
                Some(lp) => Ok(lp),
                None => self.solve_lp(fixed),
            },
            _ => self.solve_lp(fixed),
        }
    }

    /// Whether a partner's weekly minimum links the slots of the week.
    fn has_commitment(&self) -> bool {
        self.q.partners.iter().any(|p| p.min_hours_per_week > 0.0)
    }

    /// The fixed-shift programme without a partner commitment, solved
    /// slot by slot: nothing links two slots then, so each slot's optimum
    /// fills its uncovered need from the cheapest open partner up and
    /// leaves the rest to its shortfall curve, whose slopes never fall.
    /// This is the LP's optimum, not an approximation of it.
    ///
    /// A day's floor row links its slots. When the slot-by-slot answer
    /// leaves a day below its floor, the rest of the open partner
    /// capacity is what can still win calls back: each further partner
    /// agent in a slot costs its price less the shortfall it saves and
    /// wins the calls of the next unit of the slot's gap (a missing
    /// agent's loss). With one coupling row
    /// that is a fractional knapsack: buying pieces by cost per call won,
    /// cheapest first, until the day meets its floor, is the LP's optimum
    /// (the curve is convex in the staff, so each slot's pieces come in
    /// their own order). A slot with two partners still open is left to
    /// the LP: `None`.
    fn price(&self, f: &[f64]) -> Option<WeekLp> {
        let q = self.q;
        let sh = q.slot_hours();
        let supply = self.fixed_supply(f);
        let fixed = self.partner_fixed();
        let mut objective = fixed
            + self.cols.iter().zip(f).map(|(c, n)| c.cost * n).sum::<f64>();
        let mut partner: Vec<Vec<Vec<f64>>> = q
            .partners
            .iter()
            .map(|_| supply.iter().map(|d| vec![0.0; d.len()]).collect())
            .collect();
        let mut partner_cost = fixed;
        let mut open: Vec<(f64, usize)> = Vec::with_capacity(q.partners.len());
        for (d, day) in supply.iter().enumerate() {
            let qd = &q.days[self.week * 7 + d];
            let slots = &qd.slots;
            // Calls the day is short, and per slot the open partner with
            // capacity left: `(slot, partner, price of an agent-slot)`.
            let mut short = 0.0;
            let mut spare: Vec<(usize, usize, f64)> = Vec::new();
            let mut two_open = false;
            for (s, (slot, have)) in slots.iter().zip(day).enumerate() {
                if slot.required == 0 {
                    continue;
                }
                let req = f64::from(slot.required);
                open.clear();
                open.extend(
                    (0..q.partners.len())
                        .filter(|&k| self.partner_open(k, d, s))
                        .map(|k| (self.partner_price(k, d, s) * sh, k)),
                );
                open.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut need = req - have;
                let slopes = slot.shortfall.slopes();
                let last = slopes.len() - 1;
                let mut next = open.iter().peekable();
                for (j, &c) in slopes.iter().enumerate() {
                    if need <= 0.0 {
                        break;
                    }
                    // Partners no dearer than this segment come first.
                    while let Some(&&(price, k)) = next.peek() {
                        if price > c || need <= 0.0 {
                            break;
                        }
                        let a = need.min(q.partners[k].max_fte);
                        partner[k][d][s] = a;
                        partner_cost += a * price;
                        objective += a * price;
                        need -= a;
                        next.next();
                    }
                    let width =
                        if j == last { req - last as f64 } else { 1.0 };
                    if width <= 0.0 || need <= 0.0 {
                        break;
                    }
                    objective += need.min(width) * c;
                    need -= need.min(width);
                }
                let got: f64 = partner.iter().map(|p| p[d][s]).sum();
                short += slot.shortfall.short(req, have + got);
                let left: Vec<(f64, usize)> = open
                    .iter()
                    .copied()
                    .filter(|&(_, k)| {
                        partner[k][d][s] < q.partners[k].max_fte - 1e-9
                    })
                    .collect();
                two_open |= left.len() > 1;
                if let Some(&(price, k)) = left.first() {
                    spare.push((s, k, price));
                }
            }
            let Some(fl) = &qd.floor else { continue };
            if fl.deficit(short) > 0.0 && !spare.is_empty() {
                if two_open {
                    return None;
                }
                // The knapsack: pieces `(cost per call, calls per agent,
                // agents, slot, partner, price, saving per agent)`.
                let mut pieces = Vec::new();
                for &(s, k, price) in &spare {
                    let slot = &slots[s];
                    let req = f64::from(slot.required);
                    let got: f64 = partner.iter().map(|p| p[d][s]).sum();
                    let room = q.partners[k].max_fte - partner[k][d][s];
                    for (agents, calls, saving) in
                        slot.shortfall.pieces(req, day[s] + got, room)
                    {
                        if calls > 0.0 {
                            let per = (price - saving) / calls;
                            pieces.push((
                                per, calls, agents, s, k, price, saving,
                            ));
                        }
                    }
                }
                pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut deficit = fl.deficit(short);
                for (per, calls, agents, s, k, price, saving) in pieces {
                    if deficit <= 0.0 || per >= fl.price_per_call {
                        break;
                    }
                    let a = agents.min(deficit / calls);
                    partner[k][d][s] += a;
                    partner_cost += a * price;
                    objective += a * (price - saving);
                    deficit -= a * calls;
                    short -= a * calls;
                }
            }
            objective += fl.cost(short);
        }
        Some(WeekLp {
            x: f.to_vec(),
            heads: self
                .groups
                .iter()
                .map(|g| g.count.unwrap_or(0.0))
                .collect(),
            partner,
            partner_cost,
            objective,
        })
    }

    /// Builds and solves the programme with microlp.
    fn solve_lp(&self, fixed: Option<&[f64]>) -> Result<WeekLp> {
        let b = self.build(fixed);
        let sol = self.run(b.lp.p.solve())?;
        Ok(self.read(&b, &sol, fixed))
    }

    /// The relaxation (hire headcounts free) and a handle to re-solve it
    /// without hires from its optimal basis.
    pub fn solve_warm(&self) -> Result<(WeekLp, Warm)> {
        let b = self.build(None);
        let sol = self.run(b.lp.p.solve())?;
        Ok((self.read(&b, &sol, None), Warm { b, sol }))
    }

    /// The week without hires, from the relaxation's optimum: every free
    /// headcount fixed at zero and the dual simplex restarted from the
    /// optimal basis, instead of a second solve from scratch. The result
    /// is the no-hire programme's optimum (its hire columns are held at
    /// zero by the headcount rows, so dropping them changes nothing), in
    /// that programme's columns.
    ///
    /// On the way down it stops at each of `shares` (falling, in `(0, 1)`)
    /// of the relaxation's headcounts `heads` and returns each of those
    /// optima's objective too: the week's value of its hires, level by
    /// level.
    pub fn without_hires(
        &self,
        warm: Warm,
        heads: &[f64],
        shares: &[f64],
    ) -> Result<(Vec<f64>, WeekLp)> {
        let Warm { b, mut sol } = warm;
        let mut levels = Vec::with_capacity(shares.len());
        for &k in shares.iter().chain(&[0.0]) {
            for (v, n) in b.heads.iter().zip(heads) {
                if let Some(v) = v {
                    sol = self.run(sol.fix_var(*v, k * n.max(0.0)))?;
                }
            }
            if k > 0.0 {
                levels.push(self.read(&b, &sol, None).objective);
            }
        }
        let lp = self.read(&b, &sol, None);
        let x = self
            .cols
            .iter()
            .zip(lp.x)
            .filter(|(c, _)| !matches!(c.kind, Kind::Hire(_)))
            .map(|(_, v)| v)
            .collect();
        Ok((levels, WeekLp { x, heads: vec![], ..lp }))
    }

    /// The solution of a solve, or the error naming queue and week.
    fn run(
        &self,
        r: std::result::Result<microlp::SolveOutcome, microlp::Error>,
    ) -> Result<microlp::Solution> {
        let sol = r.and_then(|o| {
            o.into_solution().map_err(|_| {
                microlp::Error::InternalError("interrupted".into())
            })
        });
        sol.map_err(|e| {
            Error::usage(format!(
                "queue {}: the roster optimiser failed in week {}: {e}",
                self.q.name,
                self.week + 1
            ))
        })
    }

    /// The programme for microlp.
    fn build(&self, fixed: Option<&[f64]>) -> Built {
        let q = self.q;
        let sh = q.slot_hours();
        let mut lp = Lp::default();
        let x: Vec<Variable> = match fixed {
            Some(_) => vec![],
            None => self
                .cols
                .iter()
                .map(|c| lp.var(c.cost.max(0.0), f64::INFINITY))
                .collect(),
        };
        let max_hires = q.hiring.as_ref().map_or(0, |h| h.max_hires);
        let heads: Vec<Option<Variable>> = self
            .groups
            .iter()
            .map(|g| {
                g.count
                    .is_none()
                    .then(|| lp.var(g.week_cost, f64::from(max_hires)))
            })
            .collect();
        // Supply per slot: the fixed people as a constant, or the columns'
        // terms.
        let (mut terms, constant): (Vec<Vec<Terms>>, Vec<Vec<f64>>) =
            match fixed {
                Some(f) => {
                    let k = self.fixed_supply(f);
                    (k.iter().map(|d| vec![vec![]; d.len()]).collect(), k)
                }
                None => {
                    let k = self.fixed_supply(&[]);
                    let mut t: Vec<Vec<Terms>> =
                        k.iter().map(|d| vec![vec![]; d.len()]).collect();
                    // An overtime variable is a whole extended shift (see
                    // `limits`): it covers its parent's slots too.
                    for (c, &v) in self.cols.iter().zip(&x) {
                        let parent = match c.kind {
                            Kind::Overtime { parent, .. } => {
                                let p = &self.cols[parent];
                                p.start..p.end
                            }
                            _ => 0..0,
                        };
                        for e in &mut t[c.day][parent] {
                            e.push((v, c.factor));
                        }
                        for e in &mut t[c.day][c.start..c.end] {
                            e.push((v, c.factor));
                        }
                    }
                    (t, k)
                }
            };
        // Per partner, day and slot: paid agents, agents inside the weekly
        // commitment (which cost nothing more), and the price.
        let mut partner: Vec<Vec<Vec<PartnerVar>>> =
            vec![vec![vec![]; 7]; q.partners.len()];
        for (k, p) in q.partners.iter().enumerate() {
            for d in 0..7 {
                let slots = &q.days[self.week * 7 + d].slots;
                partner[k][d] = vec![None; slots.len()];
                for s in 0..slots.len() {
                    if slots[s].required == 0 || !self.partner_open(k, d, s) {
                        continue;
                    }
                    let price = self.partner_price(k, d, s) * sh;
                    let paid = lp.var(price, p.max_fte);
                    terms[d][s].push((paid, 1.0));
                    let free = (p.min_hours_per_week > 0.0).then(|| {
                        let v = lp.var(0.0, p.max_fte);
                        terms[d][s].push((v, 1.0));
                        v
                    });
                    partner[k][d][s] = Some((paid, free, price));
                }
            }
        }
        // Cover: supply plus shortfall segments ≥ required, written as
        // −(supply + segments) ≤ −(required − constant).
        let mut rows: Vec<(Terms, f64)> = Vec::new();
        // Per day with a floor: the calls its segments lose, ≤ the budget
        // plus a priced slack.
        let mut floors: Vec<(Terms, f64, f64)> = Vec::new();
        for (d, day) in terms.iter_mut().enumerate() {
            let qd = &q.days[self.week * 7 + d];
            let slots = &qd.slots;
            let mut lost: Terms = Vec::new();
            for (s, (slot, sup)) in slots.iter().zip(day).enumerate() {
                if slot.required == 0 {
                    continue;
                }
                let mut e = std::mem::take(sup);
                let slopes = slot.shortfall.slopes();
                let last = slopes.len() - 1;
                let req = f64::from(slot.required);
                for (j, &c) in slopes.iter().enumerate() {
                    let width =
                        if j == last { req - last as f64 } else { 1.0 };
                    if width <= 0.0 {
                        break;
                    }
                    let v = lp.var(c, width);
                    e.push((v, 1.0));
                    let l = slot.shortfall.losses()[j];
                    if l > 0.0 {
                        lost.push((v, l));
                    }
                }
                for t in &mut e {
                    t.1 = -t.1;
                }
                rows.push((e, -(req - constant[d][s])));
            }
            if let (Some(f), false) = (&qd.floor, lost.is_empty()) {
                let cut = if fixed.is_none() { self.tighten[d] } else { 0.0 };
                floors.push((lost, f.budget - cut, f.price_per_call));
            }
        }
        for (e, rhs) in rows {
            lp.le(e, rhs);
        }
        for (mut e, budget, price) in floors {
            // The slack is unbounded: a floor out of reach is a cost, not
            // an infeasible programme.
            e.push((lp.var(price, f64::INFINITY), -1.0));
            lp.le(e, budget);
        }
        for (k, p) in q.partners.iter().enumerate() {
            if p.min_hours_per_week > 0.0 {
                let mut budget = Vec::new();
                for (paid, free, _) in partner[k].iter().flatten().flatten() {
                    let free = free.unwrap_or(*paid);
                    lp.le(vec![(*paid, 1.0), (free, 1.0)], p.max_fte);
                    budget.push((*paid, 0.0));
                    budget.push((free, sh));
                }
                lp.le(budget, p.min_hours_per_week);
            }
        }
        if fixed.is_none() {
            self.limits(&mut lp, &x, &heads);
        }
        Built { lp, x, heads, partner }
    }

    /// A solved week read from `sol`.
    fn read(
        &self,
        b: &Built,
        sol: &microlp::Solution,
        fixed: Option<&[f64]>,
    ) -> WeekLp {
        let Built { lp, x, heads, partner } = b;
        let fixed_cost = fixed.map_or(0.0, |f| {
            self.cols.iter().zip(f).map(|(c, n)| c.cost * n).sum::<f64>()
        });
        let objective = self.partner_fixed()
            + fixed_cost
            + lp.obj
                .iter()
                .enumerate()
                .filter(|(_, c)| **c != 0.0)
                .map(|(i, c)| c * sol.var_value(lp.vars[i]))
                .sum::<f64>();
        let both = |v: &PartnerVar| {
            v.map_or(0.0, |(paid, free, _)| {
                let f = free.map_or(0.0, |f| sol.var_value(f));
                (sol.var_value(paid) + f).max(0.0)
            })
        };
        let partner_cost = self.partner_fixed()
            + partner
                .iter()
                .flatten()
                .flatten()
                .flatten()
                .map(|(paid, _, price)| sol.var_value(*paid).max(0.0) * price)
                .sum::<f64>();
        WeekLp {
            partner_cost,
            x: match fixed {
                Some(f) => f.to_vec(),
                None => {
                    // An in-house column's people are its own variable's
                    // plus those of its extended shifts.
                    let mut v: Vec<f64> =
                        x.iter().map(|&v| sol.var_value(v).max(0.0)).collect();
                    for (i, c) in self.cols.iter().enumerate() {
                        if let Kind::Overtime { parent, .. } = c.kind {
                            v[parent] += v[i];
                        }
                    }
                    v
                }
            },
            heads: self
                .groups
                .iter()
                .zip(heads)
                .map(|(g, v)| {
                    v.map_or(g.count.unwrap_or(0.0), |v| sol.var_value(v))
                })
                .collect(),
            partner: partner
                .iter()
                .map(|k| {
                    k.iter().map(|d| d.iter().map(both).collect()).collect()
                })
                .collect(),
            objective,
        }
    }

    /// The roster limits on the columns, each as `terms ≤ rhs`.
    ///
    /// The programme's variable of an overtime column stands for people
    /// working the parent shift *with* that extension, and the in-house
    /// column's own variable for those working it without: the column's
    /// people are the sum ([`Self::read`]). Each person of a shift group
    /// then has at most one extension by construction, which spares the
    /// `Σ overtime ≤ shift` row of every in-house column (a fifth of the
    /// week's rows) for the same optimum.
    fn limits(&self, lp: &mut Lp, x: &[Variable], heads: &[Option<Variable>]) {
        let q = self.q;
        let t = &q.team;
        let f = f64::from(t.people);
        let mut days: Vec<Terms> = vec![vec![]; 7];
        let mut week = Vec::new();
        let mut hours = Vec::new();
        let mut ot_hours = Vec::new();
        let ng = self.groups.len();
        let mut g_days: Vec<Vec<Terms>> = vec![vec![vec![]; 7]; ng];
        let mut g_week: Vec<Terms> = vec![vec![]; ng];
        let mut g_hours: Vec<Terms> = vec![vec![]; ng];
        for (c, &v) in self.cols.iter().zip(x) {
            match c.kind {
                Kind::InHouse => {
                    days[c.day].push((v, 1.0));
                    week.push((v, 1.0));
                    hours.push((v, c.hours));
                }
                Kind::Overtime { parent, .. } => {
                    let p = &self.cols[parent];
                    days[c.day].push((v, 1.0));
                    week.push((v, 1.0));
                    hours.push((v, p.hours));
                    ot_hours.push((v, c.hours));
                }
                Kind::Hire(g) => {
                    g_days[g][c.day].push((v, 1.0));
                    g_week[g].push((v, 1.0));
                    g_hours[g].push((v, c.hours));
                }
            }
        }
        for e in days {
            lp.le(e, f);
        }
        lp.le(week, f * f64::from(t.days_per_week));
        lp.le(hours, f * t.weekly_hours);
        if let Some(o) = &q.overtime {
            lp.le(ot_hours, f * o.max_hours_per_week);
        }
        let Some(h) = &q.hiring else { return };
        let mut all = Vec::new();
        for (g, grp) in self.groups.iter().enumerate() {
            let c = &h.contracts[grp.contract];
            // `terms ≤ n · scale`, the headcount a variable or a constant.
            let mut le = |mut e: Terms, scale: f64| match heads[g] {
                Some(v) => {
                    e.push((v, -scale));
                    lp.le(e, -0.0);
                }
                None => lp.le(e, grp.count.unwrap_or(0.0) * scale),
            };
            for e in std::mem::take(&mut g_days[g]) {
                le(e, 1.0);
            }
            le(std::mem::take(&mut g_week[g]), f64::from(c.days_per_week));
            le(std::mem::take(&mut g_hours[g]), c.weekly_hours);
            if let Some(v) = heads[g] {
                all.push((v, 1.0));
            }
        }
        if !all.is_empty() {
            lp.le(all, f64::from(h.max_hires));
        }
    }
}

/// A constraint's left-hand side.
type Terms = Vec<(Variable, f64)>;

/// A partner's paid agents in a slot, its agents inside the weekly
/// commitment, and the price.
type PartnerVar = Option<(Variable, Option<Variable>, f64)>;

/// A week's programme and its variables.
pub(crate) struct Built {
    lp: Lp,
    x: Vec<Variable>,
    heads: Vec<Option<Variable>>,
    partner: Vec<Vec<Vec<PartnerVar>>>,
}

/// A solved relaxation kept to re-solve ([`WeekModel::without_hires`]).
pub(crate) struct Warm {
    b: Built,
    sol: microlp::Solution,
}

/// A minimisation programme for microlp, with its objective kept to
/// evaluate the optimum.
struct Lp {
    p: microlp::Problem,
    vars: Vec<Variable>,
    obj: Vec<f64>,
}

impl Default for Lp {
    fn default() -> Self {
        Lp {
            p: microlp::Problem::new(microlp::OptimizationDirection::Minimize),
            vars: Vec::new(),
            obj: Vec::new(),
        }
    }
}

impl Lp {
    /// A variable in `[0, max]` costing `cost` per unit.
    fn var(&mut self, cost: f64, max: f64) -> Variable {
        let v = self.p.add_var(cost, (0.0, max));
        self.vars.push(v);
        self.obj.push(cost);
        v
    }

    /// The constraint `terms ≤ rhs`.
    fn le(&mut self, terms: Terms, rhs: f64) {
        self.p.add_constraint(terms, microlp::ComparisonOp::Le, rhs);
    }
}
