//! The decomposition: weekly relaxations for the bound, integer hire
//! waves over the weeks, then integer shifts week by week.

use rayon::prelude::*;

use super::model::{HireGroup, Kind, WeekLp, WeekModel};
use super::waves::{self, Chosen};
use super::{Floor, QueueInput, Shortfall};
use crate::error::Result;

/// Where on-phone agents come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The in-house team on its shifts.
    InHouse,
    /// Seasonal hires.
    Hire,
    /// In-house people extending their shift.
    Overtime,
    /// Partner agents.
    Partner,
}

impl Source {
    /// The name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::InHouse => "in_house",
            Source::Hire => "hire",
            Source::Overtime => "overtime",
            Source::Partner => "partner",
        }
    }
}

/// On-phone agents in one slot, by source.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct SlotSupply {
    /// Agents required.
    pub required: u32,
    /// In-house agents on the phones.
    pub in_house: f64,
    /// Hired agents on the phones (shrinkage and ramp applied).
    pub hire: f64,
    /// Overtime agents on the phones.
    pub overtime: f64,
    /// Partner agents.
    pub partner: f64,
    /// Sum of the four sources.
    pub scheduled: f64,
    /// `max(0, required − scheduled)`.
    pub gap: f64,
}

/// People doing the same thing on one day: a row of `shifts.csv`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ShiftRow {
    /// Day index in the horizon.
    pub day: usize,
    /// Source of the people.
    pub source: Source,
    /// Contract name (hires), partner name (partners), empty otherwise.
    pub contract: String,
    /// Template name; for overtime the extended shift's; empty for
    /// partners.
    pub shift: String,
    /// First slot covered (index in the day's grid).
    pub start: usize,
    /// One past the last slot covered.
    pub end: usize,
    /// People (partners: agents rounded up).
    pub people: u32,
    /// On-phone agents this row adds to every slot it covers.
    pub on_phone: f64,
    /// Hire rows: index of the wave in [`QueueSolution::waves`].
    pub wave: Option<usize>,
    /// Overtime rows: index of the in-house row they extend.
    pub extends: Option<usize>,
}

impl ShiftRow {
    /// Local wall-clock start and end of the row, minutes after midnight
    /// (the end is the last slot's start plus one slot).
    pub fn times(&self, q: &QueueInput) -> (u32, u32) {
        let slots = &q.days[self.day].slots;
        let end = slots[self.end - 1].start_min + q.slot_minutes;
        (slots[self.start].start_min, end)
    }
}

/// A hire wave.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Wave {
    /// Contract index in [`super::Hiring::contracts`].
    pub contract: usize,
    /// First productive week (index).
    pub start: usize,
    /// People hired.
    pub count: u32,
    /// Paid weeks per person, training included.
    pub paid_weeks: usize,
    /// Total cost of the wave.
    pub cost: f64,
}

/// Costs by source.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Costs {
    /// Hire waves.
    pub hires: f64,
    /// Overtime.
    pub overtime: f64,
    /// Partners, minimum commitments included.
    pub partner: f64,
    /// Shortfall curves (the weight of the gaps, not money).
    pub shortfall: f64,
    /// Days' service-level floors: the weight of the calls lost beyond
    /// each day's budget (not money).
    pub floor: f64,
}

/// One queue's roster.
#[derive(Clone, Debug, serde::Serialize)]
pub struct QueueSolution {
    /// Queue name.
    pub name: String,
    /// `[day][slot]` supply, as the input's grid.
    pub slots: Vec<Vec<SlotSupply>>,
    /// Shift rows, by day then source.
    pub rows: Vec<ShiftRow>,
    /// Hire waves chosen.
    pub waves: Vec<Wave>,
    /// Costs by source.
    pub costs: Costs,
    /// Spend plus shortfall weight of this roster.
    pub objective: f64,
    /// The relaxation's optimum: no roster can do better.
    pub bound: f64,
    /// Weeks whose LP (hires fixed) came out integral.
    pub integral_weeks: usize,
    /// Weeks in the horizon.
    pub weeks: usize,
}

impl QueueSolution {
    /// `objective − bound`, the most this roster can be from optimal.
    pub fn gap(&self) -> f64 {
        (self.objective - self.bound).max(0.0)
    }

    /// [`Self::gap`] relative to the objective (0 when both are 0).
    pub fn relative_gap(&self) -> f64 {
        if self.objective > 0.0 { self.gap() / self.objective } else { 0.0 }
    }
}

/// How hard step 3 works on each week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Effort {
    /// Re-solve each week's LP with the chosen waves before rounding.
    #[default]
    Thorough,
    /// Round the relaxation's shifts, shared among the chosen waves,
    /// and repair: one LP less per week (about a third faster on the
    /// bench), a few per cent further from the bound.
    Fast,
}

/// Solves every queue, in parallel, with [`Effort::Thorough`]; the result
/// is in input order and the same whatever the thread count.
///
/// # Errors
///
/// The first invalid queue, or a numerical failure of the LP solver.
pub fn solve(queues: &[QueueInput]) -> Result<Vec<QueueSolution>> {
    solve_with(queues, Effort::Thorough)
}

/// [`solve`] with a chosen effort.
///
/// # Errors
///
/// As [`solve`].
pub fn solve_with(
    queues: &[QueueInput],
    effort: Effort,
) -> Result<Vec<QueueSolution>> {
    queues.par_iter().map(|q| solve_queue_with(q, effort)).collect()
}

/// Solves one queue with [`Effort::Thorough`] (see the module docs for
/// the method).
///
/// # Errors
///
/// An invalid input, or a numerical failure of the LP solver.
pub fn solve_queue(q: &QueueInput) -> Result<QueueSolution> {
    solve_queue_with(q, Effort::Thorough)
}

/// [`solve_queue`] with a chosen effort.
///
/// # Errors
///
/// As [`solve_queue`].
pub fn solve_queue_with(
    q: &QueueInput,
    effort: Effort,
) -> Result<QueueSolution> {
    q.validate()?;
    let weeks = q.weeks();
    let nc = q.hiring.as_ref().map_or(0, |h| h.contracts.len());

    // 1. Relaxation per week: the bound, and where hires help.
    let mut bound = 0.0;
    let mut target = vec![vec![0.0; weeks]; nc];
    let mut value = vec![vec![vec![]; weeks]; nc];
    // Each week's optimum without hires, when already known: step 3 reuses
    // it for weeks no wave reaches.
    let mut no_hires: Vec<Option<WeekLp>> = vec![None; weeks];
    // The relaxed shifts by column, kept only for the effort that rounds
    // them.
    let mut relaxed: Vec<Option<Relaxed>> = Vec::with_capacity(weeks);
    for w in 0..weeks {
        let groups = relaxed_groups(q, w);
        let m = WeekModel::new(q, w, groups.clone());
        let (lp, warm) = m.solve_warm()?;
        bound += lp.objective;
        let mut heads = vec![0.0; nc];
        for (g, n) in groups.iter().zip(&lp.heads) {
            heads[g.contract] += n;
        }
        relaxed.push((effort == Effort::Fast).then(|| Relaxed {
            x: (0..m.cols.len()).map(|i| (m.key(i), lp.x[i])).collect(),
            heads,
        }));
        let hired: f64 =
            groups.iter().zip(&lp.heads).map(|(g, n)| g.ramp * n).sum();
        if hired <= 1e-6 {
            // Hire columns are all zero: dropping them leaves the no-hire
            // programme's optimum.
            let keep: Vec<bool> = m
                .cols
                .iter()
                .map(|c| !matches!(c.kind, Kind::Hire(_)))
                .collect();
            let x =
                lp.x.iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(v, _)| *v)
                    .collect();
            no_hires[w] = Some(WeekLp { x, heads: vec![], ..lp });
            continue;
        }
        // What the week pays with fewer hires, level by level down to
        // none: the value of each effective hire, by tranche. The first
        // tranches are worth the most (the week's optimum is convex in its
        // headcounts): where a floor needs only some of the relaxation's
        // hires, those carry the floor's weight and the rest only what
        // they save, instead of an average that would buy them all.
        let hire_spend: f64 =
            groups.iter().zip(&lp.heads).map(|(g, n)| g.week_cost * n).sum();
        let shares: Vec<f64> =
            (1..TRANCHES).rev().map(|k| k as f64 / TRANCHES as f64).collect();
        // A re-solve microlp gives up on numerically falls back to one
        // from scratch, valuing every tranche alike.
        let (levels, without) = match m.without_hires(warm, &lp.heads, &shares)
        {
            Ok(r) => r,
            Err(_) => {
                let lp0 = WeekModel::new(q, w, vec![]).solve(None)?;
                let even = shares
                    .iter()
                    .map(|k| {
                        lp0.objective - k * (lp0.objective - lp.objective)
                    })
                    .collect();
                (even, lp0)
            }
        };
        // Net of the hires' own spend, the week's cost at shares 1, …, 0.
        let mut net = vec![lp.objective - hire_spend];
        net.extend(
            levels.iter().zip(&shares).map(|(o, k)| o - k * hire_spend),
        );
        net.push(without.objective);
        // Tranche `j` (the `j`-th left unbought, from the top).
        let tranche = hired / TRANCHES as f64;
        let per: Vec<f64> = net
            .windows(2)
            .map(|p| ((p[1] - p[0]) / tranche).max(0.0))
            .collect();
        no_hires[w] = Some(without);
        for (g, n) in groups.iter().zip(&lp.heads) {
            target[g.contract][w] = g.ramp * n;
            value[g.contract][w] = per.clone();
        }
    }

    // 2. Integer waves.
    let chosen: Vec<Chosen> = match &q.hiring {
        Some(h) if target.iter().flatten().any(|&t| t > 1e-6) => {
            waves::choose(h, weeks, &target, &value)?
        }
        _ => vec![],
    };
    let mut out_waves = Vec::new();
    let mut costs = Costs::default();
    if let Some(h) = &q.hiring {
        for c in &chosen {
            let cost = f64::from(c.count)
                * waves::person_cost(h, c.contract, weeks, c.start);
            costs.hires += cost;
            out_waves.push(Wave {
                contract: c.contract,
                start: c.start,
                count: c.count,
                paid_weeks: waves::paid_weeks(h, weeks, c.start),
                cost,
            });
        }
    }

    // 3. Integer shifts per week, waves fixed.
    let mut slots: Vec<Vec<SlotSupply>> = q
        .days
        .iter()
        .map(|d| {
            d.slots
                .iter()
                .map(|s| SlotSupply {
                    required: s.required,
                    ..SlotSupply::default()
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::new();
    let mut integral_weeks = 0;
    let mut objective = costs.hires;
    for w in 0..weeks {
        let groups: Vec<HireGroup> = match &q.hiring {
            Some(h) => chosen
                .iter()
                .enumerate()
                .filter(|(_, c)| c.start <= w)
                .map(|(i, c)| HireGroup {
                    contract: c.contract,
                    wave: Some(i),
                    count: Some(f64::from(c.count)),
                    ramp: waves::ramp(h, w - c.start),
                    week_cost: 0.0,
                })
                .collect(),
            None => vec![],
        };
        let mut m = WeekModel::new(q, w, groups);
        let lp = match (no_hires[w].take(), &relaxed[w]) {
            (Some(lp), _) if m.groups.is_empty() => lp.x,
            (_, Some(relaxed)) => relaxed.seed(&m),
            _ => m.solve(None)?.x,
        };
        let integral = lp.iter().all(|v| (v - v.round()).abs() < 1e-6);
        integral_weeks += usize::from(integral);
        let mut x = repair(&m, round_down(&m, &lp));
        let mut fin = m.solve(Some(&x))?;
        // The floor counts fractional gaps, the files whole agents on the
        // phones: a day the rounded roster meets in the first sense but not
        // the second gets its LP budget cut by the difference and the week
        // is solved again, at most three times.
        for _ in 0..FLOOR_RETRIES {
            let over = whole_excess(&m, &x, &fin);
            if over.iter().all(|&o| o <= FLOOR_SLACK) {
                break;
            }
            // Twice the miss: the rounding of the next solve loses some
            // of what the cut buys.
            for (t, o) in m.tighten.iter_mut().zip(over) {
                *t += 2.0 * o;
            }
            let lp = m.solve(None)?.x;
            x = repair(&m, round_down(&m, &lp));
            fin = m.solve(Some(&x))?;
        }
        objective += fin.objective;
        costs.overtime +=
            m.cols.iter().zip(&x).map(|(c, n)| c.cost * n).sum::<f64>();
        costs.partner += fin.partner_cost;
        record(q, &m, &x, &fin, &mut slots, &mut rows);
    }
    for day in &mut slots {
        for s in day {
            s.scheduled = s.in_house + s.hire + s.overtime + s.partner;
            s.gap = (f64::from(s.required) - s.scheduled).max(0.0);
        }
    }
    costs.shortfall = q
        .days
        .iter()
        .zip(&slots)
        .flat_map(|(d, s)| d.slots.iter().zip(s))
        .map(|(i, o)| i.shortfall.cost(o.gap))
        .sum();
    costs.floor = q
        .days
        .iter()
        .zip(&slots)
        .map(|(d, s)| d.floor_cost(s.iter().map(|o| o.scheduled)))
        .sum();
    Ok(QueueSolution {
        name: q.name.clone(),
        slots,
        rows,
        waves: out_waves,
        costs,
        objective,
        bound,
        integral_weeks,
        weeks,
    })
}

/// Tranches the relaxation's hires of a week are valued in.
const TRANCHES: usize = 4;

/// Re-solves of a week whose rounded roster misses a floor in whole
/// agents.
const FLOOR_RETRIES: usize = 3;

/// Calls beyond a floor's budget that are rounding, not a miss.
const FLOOR_SLACK: f64 = 1e-6;

/// Per day of `m`'s week, the calls the roster `x` (priced as `fin`) loses
/// beyond the day's floor budget counting whole agents on the phones, as
/// the plan's files do (`floor(scheduled + 1e-9)`), on days whose
/// fractional gaps keep within the budget; 0 elsewhere (a day out of reach
/// in the first sense gains nothing from another solve).
fn whole_excess(m: &WeekModel, x: &[f64], fin: &WeekLp) -> [f64; 7] {
    let supply = m.fixed_supply(x);
    let mut out = [0.0; 7];
    for (d, day) in supply.iter().enumerate() {
        let qd = &m.q.days[m.week * 7 + d];
        let Some(fl) = &qd.floor else { continue };
        let sched = |s: usize| {
            day[s] + fin.partner.iter().map(|p| p[d][s]).sum::<f64>()
        };
        let frac = qd.short((0..day.len()).map(sched));
        if fl.deficit(frac) > FLOOR_SLACK {
            continue;
        }
        let whole =
            qd.short((0..day.len()).map(|s| (sched(s) + 1e-9).floor()));
        out[d] = fl.deficit(whole);
    }
    out
}

/// A week's relaxed optimum, by column key.
struct Relaxed {
    x: std::collections::HashMap<(u8, usize, usize, usize, usize, usize), f64>,
    /// Relaxed headcount per contract.
    heads: Vec<f64>,
}

impl Relaxed {
    /// The relaxed shifts mapped onto a model with the chosen waves: the
    /// same in-house and overtime people, each contract's hire shifts
    /// shared among its waves by headcount and scaled down when the waves
    /// have fewer people than the relaxation. Every limit that held for
    /// the relaxation holds for the result.
    fn seed(&self, m: &WeekModel) -> Vec<f64> {
        let mut total = vec![0.0; self.heads.len()];
        for g in &m.groups {
            total[g.contract] += g.count.unwrap_or(0.0);
        }
        (0..m.cols.len())
            .map(|i| {
                let v = self.x.get(&m.key(i)).copied().unwrap_or(0.0);
                match m.cols[i].kind {
                    Kind::Hire(g) => {
                        let grp = &m.groups[g];
                        let c = grp.contract;
                        v * grp.count.unwrap_or(0.0)
                            / self.heads[c].max(total[c]).max(1e-12)
                    }
                    _ => v,
                }
            })
            .collect()
    }
}

/// The relaxation's hire groups for week `w`: one per contract, headcount
/// free, at the best ramp and price any wave can have that week.
fn relaxed_groups(q: &QueueInput, w: usize) -> Vec<HireGroup> {
    let Some(h) = &q.hiring else { return vec![] };
    if h.max_hires == 0 {
        return vec![];
    }
    (0..h.contracts.len())
        .filter_map(|c| {
            let (ramp, week_cost) = waves::best_in_week(h, c, q.weeks(), w)?;
            Some(HireGroup {
                contract: c,
                wave: None,
                count: None,
                ramp,
                week_cost,
            })
        })
        .collect()
}

/// Running totals of the roster limits while columns are added.
struct Usage<'m, 'a> {
    m: &'m WeekModel<'a>,
    x: Vec<f64>,
    day: [f64; 7],
    week: f64,
    hours: f64,
    ot_hours: f64,
    ot_of: Vec<f64>,
    g_day: Vec<[f64; 7]>,
    g_week: Vec<f64>,
    g_hours: Vec<f64>,
}

impl<'m, 'a> Usage<'m, 'a> {
    fn new(m: &'m WeekModel<'a>) -> Self {
        let ng = m.groups.len();
        Usage {
            m,
            x: vec![0.0; m.cols.len()],
            day: [0.0; 7],
            week: 0.0,
            hours: 0.0,
            ot_hours: 0.0,
            ot_of: vec![0.0; m.cols.len()],
            g_day: vec![[0.0; 7]; ng],
            g_week: vec![0.0; ng],
            g_hours: vec![0.0; ng],
        }
    }

    /// Whether one more person fits in column `i`.
    fn fits(&self, i: usize) -> bool {
        const EPS: f64 = 1e-9;
        let q = self.m.q;
        let c = &self.m.cols[i];
        let f = f64::from(q.team.people);
        match c.kind {
            Kind::InHouse => {
                self.day[c.day] + 1.0 <= f + EPS
                    && self.week + 1.0
                        <= f * f64::from(q.team.days_per_week) + EPS
                    && self.hours + c.hours <= f * q.team.weekly_hours + EPS
            }
            Kind::Overtime { parent, .. } => {
                let cap =
                    q.overtime.as_ref().map_or(0.0, |o| o.max_hours_per_week);
                self.ot_of[parent] + 1.0 <= self.x[parent] + EPS
                    && self.ot_hours + c.hours <= f * cap + EPS
            }
            Kind::Hire(g) => {
                let Some(h) = &q.hiring else { return false };
                let grp = &self.m.groups[g];
                let n = grp.count.unwrap_or(0.0);
                let k = &h.contracts[grp.contract];
                self.g_day[g][c.day] + 1.0 <= n + EPS
                    && self.g_week[g] + 1.0
                        <= n * f64::from(k.days_per_week) + EPS
                    && self.g_hours[g] + c.hours <= n * k.weekly_hours + EPS
            }
        }
    }

    fn add(&mut self, i: usize) {
        let c = &self.m.cols[i];
        self.x[i] += 1.0;
        match c.kind {
            Kind::InHouse => {
                self.day[c.day] += 1.0;
                self.week += 1.0;
                self.hours += c.hours;
            }
            Kind::Overtime { parent, .. } => {
                self.ot_of[parent] += 1.0;
                self.ot_hours += c.hours;
            }
            Kind::Hire(g) => {
                self.g_day[g][c.day] += 1.0;
                self.g_week[g] += 1.0;
                self.g_hours[g] += c.hours;
            }
        }
    }
}

/// The LP's people rounded down, column by column as far as the limits
/// allow (a parent shift always precedes its overtime columns).
fn round_down<'m, 'a>(m: &'m WeekModel<'a>, x: &[f64]) -> Usage<'m, 'a> {
    let mut u = Usage::new(m);
    for (i, v) in x.iter().enumerate() {
        let n = (v + 1e-7).floor() as i64;
        for _ in 0..n {
            if !u.fits(i) {
                break;
            }
            u.add(i);
        }
    }
    u
}

/// Cost of the slot's uncovered need once `supply` is on the phones, with
/// the cheapest open partner filling what is dearer than its price (the
/// final LP prices partners exactly; this only guides the repair), and the
/// calls the gap left loses below target.
fn residual(
    req: f64,
    supply: f64,
    sf: &Shortfall,
    partner: Option<(f64, f64)>,
) -> (f64, f64) {
    let gap = (req - supply).max(0.0);
    let Some((price, cap)) = partner else {
        return (sf.cost(gap), sf.short(req, supply));
    };
    // Missing agents up to `cheap` cost at most the partner price each.
    let slopes = sf.slopes();
    let cheap = slopes
        .iter()
        .take(slopes.len() - 1)
        .take_while(|&&s| s <= price)
        .count() as f64;
    let cheap = if slopes.last().is_some_and(|&s| s <= price) {
        f64::INFINITY
    } else {
        cheap
    };
    let a = (gap - cheap).clamp(0.0, cap);
    (price * a + sf.cost(gap - a), sf.short(req, supply + a))
}

/// Greedy repair of a rounded roster: adds the person who lowers the
/// objective most, while any does.
fn repair(m: &WeekModel, start: Usage) -> Vec<f64> {
    let q = m.q;
    let sh = q.slot_hours();
    let mut u = start;
    let mut supply: Vec<Vec<f64>> = (0..7)
        .map(|d| vec![0.0; q.days[m.week * 7 + d].slots.len()])
        .collect();
    for (c, n) in m.cols.iter().zip(&u.x) {
        for s in &mut supply[c.day][c.start..c.end] {
            *s += c.factor * n;
        }
    }
    // Cheapest open partner per slot, with the capacity of all open ones.
    let partner: Vec<Vec<Option<(f64, f64)>>> = (0..7)
        .map(|d| {
            (0..supply[d].len())
                .map(|s| {
                    let open: Vec<usize> = (0..q.partners.len())
                        .filter(|&k| m.partner_open(k, d, s))
                        .collect();
                    if open.is_empty() {
                        return None;
                    }
                    let price = open
                        .iter()
                        .map(|&k| m.partner_price(k, d, s) * sh)
                        .fold(f64::INFINITY, f64::min);
                    let cap =
                        open.iter().map(|&k| q.partners[k].max_fte).sum();
                    Some((price, cap))
                })
                .collect()
        })
        .collect();
    let slot = |d: usize, s: usize| &q.days[m.week * 7 + d].slots[s];
    // Each day's floor (with the programme's budget) and the calls its
    // gaps lose now.
    let floors: Vec<Option<Floor>> = (0..7)
        .map(|d| {
            q.days[m.week * 7 + d]
                .floor
                .map(|f| Floor { budget: f.budget - m.tighten[d], ..f })
        })
        .collect();
    let slot_lost = |d: usize, s: usize, have: f64| {
        let sl = slot(d, s);
        residual(f64::from(sl.required), have, &sl.shortfall, partner[d][s]).1
    };
    let mut lost: Vec<f64> = (0..7)
        .map(|d| {
            (0..supply[d].len()).map(|s| slot_lost(d, s, supply[d][s])).sum()
        })
        .collect();
    let gain = |c: &super::model::Col, supply: &[Vec<f64>], lost: &[f64]| {
        let mut delta = c.cost;
        let mut saved = 0.0;
        for s in c.start..c.end {
            let sl = slot(c.day, s);
            let req = f64::from(sl.required);
            let now = supply[c.day][s];
            if now >= req {
                continue;
            }
            let p = partner[c.day][s];
            let (after, after_lost) =
                residual(req, now + c.factor, &sl.shortfall, p);
            let (before, before_lost) = residual(req, now, &sl.shortfall, p);
            delta += after - before;
            saved += before_lost - after_lost;
        }
        if let Some(f) = &floors[c.day] {
            let l = lost[c.day];
            delta += f.cost(l - saved) - f.cost(l);
        }
        delta
    };
    // Each column's change of the objective, kept until a column sharing
    // one of its slots is added (only those slots' supply moves), or any
    // column of a day below its floor (whose weight moves with every call
    // saved that day).
    let mut delta: Vec<Option<f64>> = vec![None; m.cols.len()];
    loop {
        let mut best: Option<(f64, usize)> = None;
        for (i, c) in m.cols.iter().enumerate() {
            if !u.fits(i) {
                continue;
            }
            let d = *delta[i].get_or_insert_with(|| gain(c, &supply, &lost));
            if d < -1e-9 && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, i));
            }
        }
        let Some((_, i)) = best else { break };
        u.add(i);
        let c = &m.cols[i];
        let below =
            floors[c.day].is_some_and(|f| f.deficit(lost[c.day]) > 0.0);
        let day = &mut supply[c.day];
        for (s, have) in day.iter_mut().enumerate().take(c.end).skip(c.start) {
            let before = slot_lost(c.day, s, *have);
            *have += c.factor;
            lost[c.day] += slot_lost(c.day, s, *have) - before;
        }
        for (o, d) in m.cols.iter().zip(&mut delta) {
            let overlaps = o.start < c.end && c.start < o.end;
            if o.day == c.day && (overlaps || below) {
                *d = None;
            }
        }
    }
    u.x
}

/// Adds a solved week's supply and rows to the queue's output.
fn record(
    q: &QueueInput,
    m: &WeekModel,
    x: &[f64],
    fin: &WeekLp,
    slots: &mut [Vec<SlotSupply>],
    rows: &mut Vec<ShiftRow>,
) {
    let first_row = rows.len();
    let mut row_of = vec![None; m.cols.len()];
    for d in 0..7 {
        let gd = m.week * 7 + d;
        for (i, c) in m.cols.iter().enumerate() {
            let n = x[i].round();
            if c.day != d || n < 1.0 {
                continue;
            }
            let on_phone = n * c.factor;
            let (source, contract, wave, extends) = match c.kind {
                Kind::InHouse => (Source::InHouse, String::new(), None, None),
                Kind::Overtime { parent, .. } => {
                    (Source::Overtime, String::new(), None, row_of[parent])
                }
                Kind::Hire(g) => {
                    let grp = &m.groups[g];
                    let name = q
                        .hiring
                        .as_ref()
                        .map(|h| h.contracts[grp.contract].name.clone())
                        .unwrap_or_default();
                    (Source::Hire, name, grp.wave, None)
                }
            };
            for s in &mut slots[gd][c.start..c.end] {
                match source {
                    Source::InHouse => s.in_house += on_phone,
                    Source::Overtime => s.overtime += on_phone,
                    _ => s.hire += on_phone,
                }
            }
            row_of[i] = Some(rows.len());
            rows.push(ShiftRow {
                day: gd,
                source,
                contract,
                shift: q.templates[c.tpl].name.clone(),
                start: c.start,
                end: c.end,
                people: n as u32,
                on_phone,
                wave,
                extends,
            });
        }
        for (k, p) in q.partners.iter().enumerate() {
            let agents = &fin.partner[k][d];
            let mut s = 0;
            while s < agents.len() {
                let a = clean(agents[s]);
                let mut e = s + 1;
                while e < agents.len() && clean(agents[e]) == a {
                    e += 1;
                }
                if a > 0.0 {
                    for slot in &mut slots[gd][s..e] {
                        slot.partner += a;
                    }
                    rows.push(ShiftRow {
                        day: gd,
                        source: Source::Partner,
                        contract: p.name.clone(),
                        shift: String::new(),
                        start: s,
                        end: e,
                        people: a.ceil() as u32,
                        on_phone: a,
                        wave: None,
                        extends: None,
                    });
                }
                s = e;
            }
        }
    }
    debug_assert!(
        rows[first_row..]
            .iter()
            .all(|r| r.source != Source::Overtime || r.extends.is_some())
    );
}

/// Snaps solver noise to clean values without rounding real fractions.
fn clean(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if r.abs() < 1e-9 { 0.0 } else { r }
}
