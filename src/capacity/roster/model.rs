//! One week of one queue as a linear programme: the shift columns, the
//! roster limits, partners and the shortfall curves.

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, microlp,
    variable,
};

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
        WeekModel { q, week, groups, cols }
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

    /// Solves the programme; with `fixed`, every column's people are held
    /// at the given values and only partners and the shortfall move.
    pub fn solve(&self, fixed: Option<&[f64]>) -> Result<WeekLp> {
        let q = self.q;
        let sh = q.slot_hours();
        let mut vars = ProblemVariables::new();
        let mut obj = Expression::from(self.partner_fixed());
        // Fixed people enter as constants: the programme that prices
        // partners and the shortfall is then a small one.
        let x: Vec<Variable> = match fixed {
            Some(_) => vec![],
            None => self
                .cols
                .iter()
                .map(|c| {
                    let v = vars.add(variable().min(0));
                    if c.cost > 0.0 {
                        obj += v * c.cost;
                    }
                    v
                })
                .collect(),
        };
        if let Some(f) = fixed {
            obj +=
                self.cols.iter().zip(f).map(|(c, n)| c.cost * n).sum::<f64>();
        }
        let heads: Vec<Option<Variable>> = self
            .groups
            .iter()
            .map(|g| {
                g.count.is_none().then(|| {
                    let max = q.hiring.as_ref().map_or(0, |h| h.max_hires);
                    let v = vars.add(variable().min(0).max(f64::from(max)));
                    obj += v * g.week_cost;
                    v
                })
            })
            .collect();
        // Supply per slot, built column by column.
        let mut supply: Vec<Vec<Expression>> = (0..7)
            .map(|d| {
                let n = q.days[self.week * 7 + d].slots.len();
                (0..n).map(|_| Expression::from(0.0)).collect()
            })
            .collect();
        match fixed {
            Some(f) => {
                let mut constant: Vec<Vec<f64>> =
                    supply.iter().map(|d| vec![0.0; d.len()]).collect();
                for (c, n) in self.cols.iter().zip(f) {
                    for e in &mut constant[c.day][c.start..c.end] {
                        *e += n * c.factor;
                    }
                }
                for (e, k) in
                    supply.iter_mut().flatten().zip(constant.iter().flatten())
                {
                    *e += *k;
                }
            }
            None => {
                for (c, &v) in self.cols.iter().zip(&x) {
                    for e in &mut supply[c.day][c.start..c.end] {
                        *e += v * c.factor;
                    }
                }
            }
        }
        let mut partner = vec![vec![vec![None; 0]; 7]; q.partners.len()];
        for (k, p) in q.partners.iter().enumerate() {
            for d in 0..7 {
                let slots = &q.days[self.week * 7 + d].slots;
                partner[k][d] = vec![None; slots.len()];
                for s in 0..slots.len() {
                    if slots[s].required == 0 || !self.partner_open(k, d, s) {
                        continue;
                    }
                    let paid = vars.add(variable().min(0).max(p.max_fte));
                    let price = self.partner_price(k, d, s) * sh;
                    obj += paid * price;
                    let mut both = Expression::from(paid);
                    if p.min_hours_per_week > 0.0 {
                        // Hours inside the weekly commitment cost
                        // nothing more; free and paid agents together
                        // stay within max_fte (constrained below).
                        both += vars.add(variable().min(0).max(p.max_fte));
                    }
                    supply[d][s] += both.clone();
                    partner[k][d][s] = Some((paid, both, price));
                }
            }
        }
        let mut cover = Vec::new();
        for (d, day_supply) in supply.iter_mut().enumerate() {
            let slots = &q.days[self.week * 7 + d].slots;
            for (slot, sup) in slots.iter().zip(day_supply) {
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
                    let g = vars.add(variable().min(0).max(width));
                    obj += g * c;
                    e += g;
                }
                cover.push(e.geq(req));
            }
        }
        let mut model = vars.minimise(obj.clone()).using(microlp);
        for c in cover {
            model = model.with(c);
        }
        for (k, p) in q.partners.iter().enumerate() {
            if p.min_hours_per_week > 0.0 {
                let mut free = Expression::from(0.0);
                for row in &partner[k] {
                    for (paid, both, _) in row.iter().flatten() {
                        free += both.clone() - *paid;
                        model = model.with(both.clone().leq(p.max_fte));
                    }
                }
                model = model.with((free * sh).leq(p.min_hours_per_week));
            }
        }
        if fixed.is_none() {
            model = self.limits(model, &x, &heads);
        }
        let sol = model.solve().map_err(|e| {
            Error::usage(format!(
                "queue {}: the roster optimiser failed in week {}: {e}",
                q.name,
                self.week + 1
            ))
        })?;
        let objective = sol.eval(&obj);
        let partner_cost = self.partner_fixed()
            + partner
                .iter()
                .flatten()
                .flatten()
                .flatten()
                .map(|(paid, _, price)| sol.value(*paid).max(0.0) * price)
                .sum::<f64>();
        Ok(WeekLp {
            partner_cost,
            x: match fixed {
                Some(f) => f.to_vec(),
                None => x.iter().map(|&v| sol.value(v).max(0.0)).collect(),
            },
            heads: self
                .groups
                .iter()
                .zip(&heads)
                .map(|(g, v)| {
                    v.map_or(g.count.unwrap_or(0.0), |v| sol.value(v))
                })
                .collect(),
            partner: partner
                .iter()
                .map(|k| {
                    k.iter()
                        .map(|d| {
                            d.iter()
                                .map(|v| {
                                    v.as_ref().map_or(0.0, |(_, b, _)| {
                                        sol.eval(b).max(0.0)
                                    })
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect(),
            objective,
        })
    }

    /// The roster limits on the columns.
    fn limits<M: SolverModel>(
        &self,
        mut model: M,
        x: &[Variable],
        heads: &[Option<Variable>],
    ) -> M {
        let q = self.q;
        let t = &q.team;
        let f = f64::from(t.people);
        let mut days: Vec<Expression> = vec![Expression::from(0.0); 7];
        let mut week = Expression::from(0.0);
        let mut hours = Expression::from(0.0);
        let mut ot_hours = Expression::from(0.0);
        let mut ot_of: Vec<Expression> =
            vec![Expression::from(0.0); self.cols.len()];
        let ng = self.groups.len();
        let mut g_days: Vec<Vec<Expression>> =
            vec![vec![Expression::from(0.0); 7]; ng];
        let mut g_week: Vec<Expression> = vec![Expression::from(0.0); ng];
        let mut g_hours: Vec<Expression> = vec![Expression::from(0.0); ng];
        for (c, &v) in self.cols.iter().zip(x) {
            match c.kind {
                Kind::InHouse => {
                    days[c.day] += v;
                    week += v;
                    hours += v * c.hours;
                }
                Kind::Overtime { parent, .. } => {
                    ot_of[parent] += v;
                    ot_hours += v * c.hours;
                }
                Kind::Hire(g) => {
                    g_days[g][c.day] += v;
                    g_week[g] += v;
                    g_hours[g] += v * c.hours;
                }
            }
        }
        for e in days {
            model = model.with(e.leq(f));
        }
        model = model.with(week.leq(f * f64::from(t.days_per_week)));
        model = model.with(hours.leq(f * t.weekly_hours));
        if let Some(o) = &q.overtime {
            model = model.with(ot_hours.leq(f * o.max_hours_per_week));
        }
        for (i, e) in ot_of.into_iter().enumerate() {
            if self.cols[i].kind == Kind::InHouse {
                model = model.with(e.leq(x[i]));
            }
        }
        let Some(h) = &q.hiring else { return model };
        let mut all = Expression::from(0.0);
        for (g, grp) in self.groups.iter().enumerate() {
            let n: Expression = match heads[g] {
                Some(v) => {
                    all += v;
                    v.into()
                }
                None => grp.count.unwrap_or(0.0).into(),
            };
            let c = &h.contracts[grp.contract];
            for e in std::mem::take(&mut g_days[g]) {
                model = model.with(e.leq(n.clone()));
            }
            let w = std::mem::take(&mut g_week[g]);
            model = model.with(w.leq(n.clone() * f64::from(c.days_per_week)));
            let hr = std::mem::take(&mut g_hours[g]);
            model = model.with(hr.leq(n * c.weekly_hours));
        }
        if heads.iter().any(Option::is_some) {
            model = model.with(all.leq(f64::from(h.max_hires)));
        }
        model
    }
}
