//! From a scenario and its staffed intervals to the roster solver's input,
//! and from its solution back to dated rows: who is on shift, per queue,
//! day and interval.
//!
//! # Building the input
//!
//! Per queue, every day of the weeks planned gets a slot grid from the
//! first to the last interval the forecast has that day (holes inside the
//! day are slots needing nobody, so a shift's slots are consecutive
//! times); a day without forecast rows is closed. Each slot needs the
//! interval's `required_agents` and carries a [`Shortfall`] curve from
//! the Erlang engine at the forecast's mean volume.
//!
//! Shift templates are the scenario's `[shifts]`; without them, one
//! default shift of `weekly_hours / days_per_week` hours (rounded down to
//! the interval grid) that may start at any interval, as long as it ends
//! by the day's last interval: the opening hours seen in the forecast.
//!
//! # Shared caps
//!
//! `hiring.max_hires` and a partner's `max_fte` and `min_hours_per_week`
//! are shared by the queues they serve, while the solver takes one cap per
//! queue. They are split before solving, in proportion to each eligible
//! queue's *excess need*: the agent-slots its requirement asks beyond what
//! its whole in-house team could put on the phones at once (`fte × (1 −
//! shrinkage)`). A queue the team covers alone gets none; hire shares are
//! whole people by largest remainder, ties to the earlier queue in
//! scenario order. Splitting first keeps the queues independent, so they
//! are solved in parallel and the result does not depend on the thread
//! count; the price is that one queue cannot use what another leaves.
//!
//! # Weighing shortfalls
//!
//! Each missing agent in a slot costs a coverage floor of twice the
//! dearest source's price of one agent on the phones for one slot, so
//! every source is used before a gap is left, plus [`VALUE_PER_CALL`] ×
//! the dearest hourly price × the handle time for each call its absence
//! drops below the service-level target. The calls are counted as
//! `days.csv` counts them: the forecast's mean volume times the expected
//! service level over the forecast's spread (the staffing rule's
//! quadrature points). A missing agent at a Black Friday peak loses more
//! calls than one in a quiet hour, so an unavoidable gap goes where it
//! costs the least service. The first [`SEGMENTS`]` − 1` missing agents of
//! a slot each have their own loss; the last segment carries the next
//! agent's (or the average of the rest, if larger).
//!
//! # The daily service-level floor
//!
//! Every open day of a queue with a service-level goal (voice and chat;
//! an email backlog or an ASA goal has no daily level to hold) gets a
//! [`Floor`]: its gaps may lose at most the calls it would answer in time
//! above the target with every interval at its requirement, `Σ v ·
//! sl(required) − target · Σ v`. Every day rather than event days only:
//! the target is a daily promise, the row is cheap (one per day), and a
//! day the team covers never binds it; the days it binds are the peaks
//! whose requirement the team and the partners cannot reach, where only
//! hires help. A call beyond the budget weighs what the dearest source
//! costs for one full-time person over the whole plan (dearest on-phone
//! hourly price × weekly hours × weeks): no single person the plan could
//! pay for is worth one call below a floor, so the floor comes before
//! cost whenever the sources can reach it, and a floor out of reach shows
//! as the day's gap and service level, not as a failure.
//!
//! The floors apply at every size. What once kept them from large plans
//! was not the week LPs (with the floors' priced slacks they take microlp
//! about as long as without) but the hire-wave programme, whose
//! floor-priced tranches made its branch and bound run for minutes; it
//! now stops after a fixed number of nodes ([`roster`]'s step 2).
//!
//! # Effort
//!
//! Up to [`THOROUGH_QUEUE_WEEKS`] queue-weeks the solver re-solves each
//! week with the chosen hire waves ([`Effort::Thorough`]); above that it
//! rounds the relaxation ([`Effort::Fast`]), about a third faster and a
//! few per cent further from the bound.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Timelike};
use rayon::prelude::*;

use crate::capacity::hires::{self, HireWave};
use crate::capacity::plan::IntervalPlan;
use crate::capacity::roster::{
    self, Contract, Day, Effort, Floor, Hiring, Overtime, Partner, QueueInput,
    QueueSolution, Shortfall, Slot, SlotSupply, Source, Team, Template,
};
use crate::capacity::scenario::{Channel, Goal, PartnerPrice, Scenario};
use crate::capacity::staffing::{QueueModel, VolumeDist};
use crate::error::Result;

/// Calls lost below target are weighed at this many hours of the dearest
/// source's price per hour of handle time.
pub const VALUE_PER_CALL: f64 = 10.0;

/// Largest problem (queues × weeks) solved with [`Effort::Thorough`].
pub const THOROUGH_QUEUE_WEEKS: usize = 40;

/// Segments of each slot's shortfall curve.
pub const SEGMENTS: usize = 4;

/// Where a roster slot's figures go: the interval's index in the plan.
type SlotMap = Vec<Vec<Option<usize>>>;

/// The roster problems of a plan and the way back to its intervals.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Monday of the first week.
    pub first: NaiveDate,
    /// One input per scenario queue, in scenario order.
    pub inputs: Vec<QueueInput>,
    /// Per queue, `[day][slot]` → interval index.
    maps: Vec<SlotMap>,
    /// Per queue and day with a floor: calls answered in time with every
    /// requirement met, and calls forecast.
    calls: Vec<Vec<(f64, f64)>>,
    /// How hard the solver works (by problem size).
    pub effort: Effort,
}

/// One row of `shifts.csv`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ShiftLine {
    /// Day.
    pub date: NaiveDate,
    /// Queue.
    pub queue: String,
    /// Source of the people.
    pub source: Source,
    /// Contract (hires) or partner name; empty for the team.
    pub contract: String,
    /// Template name; the extended shift's for overtime; empty for
    /// partners.
    pub shift: String,
    /// Local start, minutes after midnight.
    pub start_min: u32,
    /// Local end, minutes after midnight.
    pub end_min: u32,
    /// People.
    pub people: u32,
    /// On-phone agents the row adds to each interval it covers.
    pub on_phone: f64,
}

/// The solved roster of a plan, mapped back to its intervals and dates.
#[derive(Clone, Debug)]
pub struct Roster {
    /// Supply per interval, in the plan's interval order.
    pub supply: Vec<SlotSupply>,
    /// Shift rows, by queue, day and source.
    pub lines: Vec<ShiftLine>,
    /// Dated hire waves.
    pub waves: Vec<HireWave>,
    /// Per queue and week: paid hours of in-house shifts, hires, overtime
    /// and partners, and the cost of each flexible source.
    pub weeks: Vec<Vec<WeekPaid>>,
    /// Per queue and day with a service-level floor, the optimiser's own
    /// estimate of the day's level: calls answered in time with every
    /// requirement met, less those its (fractional) gaps lose, over the
    /// calls forecast. `days.csv` gives the exact level of the same staff.
    pub floor_levels: BTreeMap<(String, NaiveDate), f64>,
    /// Calls the gaps lose beyond the days' floors, all queues, and the
    /// queue-days where they do.
    pub below_floor: (f64, usize),
    /// Spend plus shortfall weight of the roster, all queues.
    pub objective: f64,
    /// The relaxation's lower bound on it.
    pub bound: f64,
    /// Week LPs that came out integral, and all of them.
    pub integral_weeks: (usize, usize),
    /// The effort used.
    pub effort: Effort,
    /// Partner agents per partner and interval of the plan, with the
    /// partner's paid hours: `(name, peak agents, paid hours, cost, first
    /// week used)`.
    pub partners: Vec<PartnerPaid>,
}

/// Paid hours and costs of one queue-week.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WeekPaid {
    /// In-house shift hours.
    pub in_house_hours: f64,
    /// Hire contract hours paid (training included).
    pub hire_hours: f64,
    /// Overtime hours.
    pub overtime_hours: f64,
    /// Partner hours paid (minimum commitments included).
    pub partner_hours: f64,
    /// Hires' cost this week.
    pub hire_cost: f64,
    /// Overtime cost.
    pub overtime_cost: f64,
    /// Partner cost.
    pub partner_cost: f64,
}

/// One partner over the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerPaid {
    /// Name.
    pub name: String,
    /// Most of its agents on the phones at once, all queues.
    pub peak_agents: f64,
    /// Hours paid.
    pub hours: f64,
    /// Cost.
    pub cost: f64,
    /// First week with agents on the phones.
    pub first_week_used: Option<usize>,
    /// First week it may work.
    pub first_week: usize,
}

impl Problem {
    /// The roster problems of `intervals` (by queue then start, as
    /// [`crate::capacity::plan::staff_intervals`] makes them).
    pub fn new(s: &Scenario, intervals: &[IntervalPlan]) -> Problem {
        let (first, last) = crate::capacity::plan::plan_days(s);
        let ndays = (last - first).num_days() as usize + 1;
        let step = s.horizon.interval.minutes();
        let mut by_queue: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in intervals.iter().enumerate() {
            by_queue.entry(r.queue.as_str()).or_default().push(i);
        }
        let templates = templates(s, step);
        let prices = Prices::of(s, step);
        // Queues are independent: their grids are built in parallel, in
        // scenario order.
        type Built = (QueueInput, (SlotMap, Vec<(f64, f64)>));
        let (mut inputs, (maps, calls)): (Vec<QueueInput>, (Vec<_>, Vec<_>)) =
            s.queues
                .par_iter()
                .map(|q| -> Built {
                    let rows = by_queue
                        .get(q.name.as_str())
                        .cloned()
                        .unwrap_or_default();
                    let (mut days, mut map, calls) =
                        grid(s, intervals, &rows, first, ndays, step, &prices);
                    let longest = templates.iter().map(|t| t.slots).max();
                    pad_short_days(
                        &mut days, &mut map, longest, step, &prices,
                    );
                    (base_input(s, q, days, step, &templates), (map, calls))
                })
                .unzip();
        share_caps(s, &mut inputs, first, intervals, &maps);
        let queue_weeks = inputs.len() * ndays / 7;
        let effort = if queue_weeks <= THOROUGH_QUEUE_WEEKS {
            Effort::Thorough
        } else {
            Effort::Fast
        };
        Problem { first, inputs, maps, calls, effort }
    }

    /// Solves every queue (in parallel) and maps the result back.
    ///
    /// # Errors
    ///
    /// A numerical failure of the LP solver, or an inconsistent input.
    pub fn solve(&self, s: &Scenario, n_intervals: usize) -> Result<Roster> {
        let sols = roster::solve_with(&self.inputs, self.effort)?;
        Ok(self.unpack(s, &sols, n_intervals))
    }

    fn unpack(
        &self,
        s: &Scenario,
        sols: &[QueueSolution],
        n_intervals: usize,
    ) -> Roster {
        let mut supply = vec![SlotSupply::default(); n_intervals];
        let mut lines = Vec::new();
        let mut waves = Vec::new();
        let nw = self.inputs.first().map_or(0, QueueInput::weeks);
        let mut weeks = Vec::new();
        let mut partners: Vec<PartnerPaid> = s
            .partners
            .iter()
            .map(|p| PartnerPaid {
                name: p.name.clone(),
                first_week: partner_first_week(s, self.first, p, nw),
                ..PartnerPaid::default()
            })
            .collect();
        let mut peak: BTreeMap<(usize, usize, usize), f64> = BTreeMap::new();
        let (mut objective, mut bound, mut integral) = (0.0, 0.0, 0);
        let mut floor_levels = BTreeMap::new();
        let mut below_floor = (0.0, 0);
        for (((q, sol), map), calls) in
            self.inputs.iter().zip(sols).zip(&self.maps).zip(&self.calls)
        {
            objective += sol.objective;
            bound += sol.bound;
            integral += sol.integral_weeks;
            for (d, (day, out)) in q.days.iter().zip(&sol.slots).enumerate() {
                let (served, n) = calls[d];
                if let (Some(fl), true) = (&day.floor, n > 0.0) {
                    let lost = day.short(out.iter().map(|x| x.scheduled));
                    let short = fl.deficit(lost);
                    if short > 1e-6 {
                        below_floor.0 += short;
                        below_floor.1 += 1;
                    }
                    floor_levels.insert(
                        (q.name.clone(), day_date(self.first, d)),
                        (served - lost) / n,
                    );
                }
            }
            for (d, day) in sol.slots.iter().enumerate() {
                for (k, slot) in day.iter().enumerate() {
                    if let Some(i) = map[d][k] {
                        supply[i] = *slot;
                    }
                }
            }
            let sh = q.slot_hours();
            let mut paid = vec![WeekPaid::default(); nw];
            // Hours each of the queue's partners answered, per week.
            let mut used = vec![vec![0.0; nw]; q.partners.len()];
            for r in &sol.rows {
                let (start_min, end_min) = r.times(q);
                let w = r.day / 7;
                let hours = (r.end - r.start) as f64 * sh;
                match r.source {
                    Source::InHouse => {
                        paid[w].in_house_hours += f64::from(r.people) * hours;
                    }
                    Source::Overtime => {
                        let rate = q
                            .overtime
                            .as_ref()
                            .map_or(0.0, |o| o.cost_per_hour);
                        paid[w].overtime_hours += f64::from(r.people) * hours;
                        paid[w].overtime_cost +=
                            f64::from(r.people) * hours * rate;
                    }
                    Source::Partner => {
                        let named = q
                            .partners
                            .iter()
                            .position(|p| p.name == r.contract);
                        if let Some(k) = named {
                            used[k][w] +=
                                r.on_phone * (r.end - r.start) as f64 * sh;
                        }
                        let p = &q.partners[named.unwrap_or(0)];
                        let g =
                            s.partners.iter().position(|x| x.name == p.name);
                        let mut cost = 0.0;
                        for slot in r.start..r.end {
                            let price = p
                                .slot_cost
                                .as_ref()
                                .map_or(p.cost_per_hour, |c| c[r.day][slot]);
                            cost += r.on_phone * sh * price;
                            if let Some(g) = g {
                                *peak
                                    .entry((
                                        g,
                                        r.day,
                                        slot_key(q, r.day, slot),
                                    ))
                                    .or_default() += r.on_phone;
                            }
                        }
                        if let Some(g) = g {
                            partners[g].hours += r.on_phone * hours;
                            partners[g].cost += cost;
                        }
                        paid[w].partner_hours += r.on_phone * hours;
                        paid[w].partner_cost += cost;
                    }
                    Source::Hire => {}
                }
                lines.push(ShiftLine {
                    date: day_date(self.first, r.day),
                    queue: q.name.clone(),
                    source: r.source,
                    contract: r.contract.clone(),
                    shift: r.shift.clone(),
                    start_min,
                    end_min,
                    people: r.people,
                    on_phone: r.on_phone,
                });
            }
            // Minimum commitments: paid up to the minimum every week the
            // partner is engaged.
            for (p, used) in q.partners.iter().zip(&used) {
                let g = s.partners.iter().position(|x| x.name == p.name);
                for (w, wp) in paid.iter_mut().enumerate().skip(p.first_week) {
                    let used = used[w];
                    let top = (p.min_hours_per_week - used).max(0.0);
                    if top > 0.0 {
                        wp.partner_hours += top;
                        wp.partner_cost += top * p.cost_per_hour;
                    }
                    if let Some(g) = g {
                        let pp = &mut partners[g];
                        if used > 1e-9 {
                            pp.first_week_used = Some(
                                pp.first_week_used.map_or(w, |f| f.min(w)),
                            );
                        }
                        pp.hours += top;
                        pp.cost += top * p.cost_per_hour;
                    }
                }
            }
            if let Some(h) = &q.hiring {
                for wave in &sol.waves {
                    let c = &h.contracts[wave.contract];
                    let per_week = wave.cost / wave.paid_weeks.max(1) as f64;
                    let from = wave.start as i64 - h.train_weeks as i64;
                    for w in from..from + wave.paid_weeks as i64 {
                        if (0..nw as i64).contains(&w) {
                            let wp = &mut paid[w as usize];
                            wp.hire_hours +=
                                f64::from(wave.count) * c.weekly_hours;
                            wp.hire_cost += per_week;
                        }
                    }
                    waves.push(dated(s, self.first, q, wave));
                }
            }
            weeks.push(paid);
        }
        for ((g, _, _), a) in &peak {
            partners[*g].peak_agents = partners[*g].peak_agents.max(*a);
        }
        waves.sort_by(|a, b| {
            (a.recruit_by, &a.queue, &a.contract).cmp(&(
                b.recruit_by,
                &b.queue,
                &b.contract,
            ))
        });
        Roster {
            supply,
            lines,
            waves,
            weeks,
            floor_levels,
            below_floor,
            objective,
            bound,
            integral_weeks: (integral, nw * self.inputs.len()),
            effort: self.effort,
            partners,
        }
    }
}

/// A slot's wall-clock key, so that a partner's agents on several queues
/// at the same time add up.
fn slot_key(q: &QueueInput, day: usize, slot: usize) -> usize {
    q.days[day].slots[slot].start_min as usize
}

/// Day `d` of the plan.
fn day_date(first: NaiveDate, d: usize) -> NaiveDate {
    first.checked_add_days(chrono::Days::new(d as u64)).unwrap_or(first)
}

/// The first week a partner may work after its notice (`weeks` when
/// never inside the plan).
pub fn partner_first_week(
    s: &Scenario,
    first: NaiveDate,
    p: &crate::capacity::scenario::Partner,
    weeks: usize,
) -> usize {
    let ready = hires::add_weeks(s.as_of, i64::from(p.notice_weeks));
    (0..weeks)
        .find(|&w| hires::add_weeks(first, w as i64) >= ready)
        .unwrap_or(weeks)
}

/// A wave of the solver with its dates.
fn dated(
    s: &Scenario,
    first: NaiveDate,
    q: &QueueInput,
    wave: &roster::Wave,
) -> HireWave {
    let h = q.hiring.as_ref();
    let train = h.map_or(0, |h| h.train_weeks);
    let recruit = s.hiring.as_ref().map_or(0, |h| h.recruit_weeks as usize);
    let dates =
        hires::wave_dates(first, wave.start, train, recruit, wave.paid_weeks);
    HireWave {
        queue: q.name.clone(),
        contract: h
            .and_then(|h| h.contracts.get(wave.contract))
            .map_or(String::new(), |c| c.name.clone()),
        count: wave.count,
        recruit_by: dates.recruit_by.max(s.as_of),
        train_from: dates.train_from,
        productive_from: dates.productive_from,
        until: dates.until,
        paid_weeks: wave.paid_weeks as u32,
        cost: wave.cost,
    }
}

/// The shift templates: `[shifts]`, else the default shift.
fn templates(s: &Scenario, step: u32) -> Vec<Template> {
    if s.shifts.is_empty() {
        let hours = s.team.weekly_hours / f64::from(s.team.days_per_week);
        let slots = ((hours * 60.0 / f64::from(step)) + 1e-9).floor() as usize;
        return vec![Template {
            name: "standard".into(),
            slots: slots.max(1),
            earliest_min: 0,
            latest_min: 24 * 60,
        }];
    }
    s.shifts
        .iter()
        .map(|t| Template {
            name: t.name.clone(),
            slots: (t.hours * 60.0 / f64::from(step)).round() as usize,
            earliest_min: t.earliest_min,
            latest_min: t.latest_min,
        })
        .collect()
}

/// Indices of the templates named, or of all of them for none.
fn template_indices(s: &Scenario, names: &[String]) -> Vec<usize> {
    if s.shifts.is_empty() || names.is_empty() {
        return (0..s.shifts.len().max(1)).collect();
    }
    names
        .iter()
        .filter_map(|n| s.shifts.iter().position(|t| &t.name == n))
        .collect()
}

/// Prices that weigh a shortfall: the dearest source's price of one
/// on-phone agent-hour.
struct Prices {
    dearest_hour: f64,
    slot_hours: f64,
}

impl Prices {
    fn of(s: &Scenario, step: u32) -> Prices {
        let shrink = s.queues.iter().map(|q| q.shrinkage).fold(0.0, f64::max);
        let on = 1.0 - shrink;
        let mut dearest = s.team.cost_per_hour * s.overtime.premium / on;
        if let Some(h) = &s.hiring {
            let ramp = h.ramp.iter().copied().fold(1.0, f64::min);
            dearest = dearest.max(h.cost_per_hour / (on * ramp.max(0.1)));
        }
        for p in &s.partners {
            if let PartnerPrice::PerHour(x) = p.price {
                dearest = dearest.max(x);
            }
        }
        Prices {
            dearest_hour: dearest.max(1.0),
            slot_hours: f64::from(step) / 60.0,
        }
    }

    /// Coverage floor per missing agent-slot.
    fn floor(&self) -> f64 {
        2.0 * self.dearest_hour * self.slot_hours
    }

    /// Weight of a call lost beyond a day's service-level floor: what the
    /// dearest source costs for one full-time person on the phones over
    /// the whole plan, so that no purchase the plan can make outweighs a
    /// single call below a floor (see the module docs).
    fn per_call(&self, weeks: usize, weekly_hours: f64) -> f64 {
        self.dearest_hour * weekly_hours.max(1.0) * weeks.max(1) as f64
    }
}

/// Per queue the day grids and the map back to intervals.
fn grid(
    s: &Scenario,
    intervals: &[IntervalPlan],
    rows: &[usize],
    first: NaiveDate,
    ndays: usize,
    step: u32,
    prices: &Prices,
) -> (Vec<Day>, SlotMap, Vec<(f64, f64)>) {
    let mut days = vec![Day::default(); ndays];
    let mut map: SlotMap = vec![vec![]; ndays];
    let spec = s.queue(
        intervals
            .get(rows.first().copied().unwrap_or(0))
            .map_or("", |r| r.queue.as_str()),
    );
    // The daily floor's target: service-level goals of the Erlang
    // channels (an email backlog and an ASA goal have no such level).
    let target = spec.and_then(|q| match (q.goal, q.channel) {
        (_, Channel::Email { .. }) => None,
        (Goal::ServiceLevel { sl, .. }, _) => Some(sl),
        (Goal::Asa { .. }, _) => None,
    });
    // Per day: calls answered in time with every requirement met, and
    // calls forecast.
    let mut served_at_required = vec![(0.0, 0.0); ndays];
    for &i in rows {
        let r = &intervals[i];
        let d = (r.start.date_naive() - first).num_days();
        if d < 0 || d as usize >= ndays {
            continue;
        }
        let d = d as usize;
        let t = r.start.time();
        let minute = t.hour() * 60 + t.minute();
        let day = &mut days[d];
        let last = day.slots.last().map(|x| x.start_min);
        if last.is_some_and(|m| minute <= m) {
            // A repeated wall-clock time (autumn DST change): the second
            // hour is not rostered.
            continue;
        }
        if let Some(mut m) = last {
            // Holes inside the day need nobody.
            while m + step < minute {
                m += step;
                day.slots.push(Slot {
                    start_min: m,
                    required: 0,
                    shortfall: Shortfall::flat(prices.floor()),
                });
                map[d].push(None);
            }
        }
        let shortfall = match spec {
            Some(q) => {
                let model =
                    QueueModel::new(q, r.aht_s, s.horizon.interval.seconds());
                let value =
                    VALUE_PER_CALL * prices.dearest_hour * r.aht_s / 3600.0;
                let v = r.forecast.max(0.0);
                let email = matches!(q.channel, Channel::Email { .. });
                // The expected service level over the forecast's spread,
                // as `days.csv` evaluates the scheduled staff, for the
                // agent counts the segments stand for.
                let n = r.required_agents;
                let lo = n.saturating_sub(SEGMENTS as u32);
                let sls = if email {
                    vec![]
                } else {
                    let dist = VolumeDist {
                        mean: r.forecast,
                        p10: r.p10,
                        p50: r.p50,
                        p90: r.p90,
                    };
                    model.expected_sls(&dist.points(), lo, n)
                };
                let at =
                    |k: u32| sls.get(k.saturating_sub(lo) as usize).copied();
                // Nobody on the phones answers nobody.
                let served = |k: u32| match at(k) {
                    Some(sl) if k > 0 => v * sl,
                    _ => 0.0,
                };
                if target.is_some() {
                    let e = &mut served_at_required[d];
                    e.0 += v * at(n).unwrap_or(1.0);
                    e.1 += v;
                }
                Shortfall::from_served(
                    n,
                    served,
                    value,
                    prices.floor(),
                    SEGMENTS,
                )
            }
            None => Shortfall::flat(prices.floor()),
        };
        day.slots.push(Slot {
            start_min: minute,
            required: r.required_agents,
            shortfall,
        });
        map[d].push(Some(i));
    }
    if let Some(target) = target {
        let price_per_call = prices.per_call(ndays / 7, s.team.weekly_hours);
        for (day, &(served, calls)) in days.iter_mut().zip(&served_at_required)
        {
            if calls > 0.0 {
                day.floor = Some(Floor {
                    budget: (served - target * calls).max(0.0),
                    price_per_call,
                });
            }
        }
    }
    (days, map, served_at_required)
}

/// Lengthens each open day shorter than the longest shift with slots after
/// its close that need nobody (mapped to no interval), so that a shift
/// starting in the opening hours may run past the close: on a four-hour
/// Saturday a seven-hour shift is paid in full and covers the four open
/// hours, instead of the team being unable to work that day at all.
fn pad_short_days(
    days: &mut [Day],
    map: &mut SlotMap,
    longest: Option<usize>,
    step: u32,
    prices: &Prices,
) {
    let Some(longest) = longest else { return };
    for (day, map) in days.iter_mut().zip(map.iter_mut()) {
        while let Some(last) = day.slots.last().map(|x| x.start_min) {
            let next = last + step;
            if day.slots.len() >= longest || next + step > 24 * 60 {
                break;
            }
            day.slots.push(Slot {
                start_min: next,
                required: 0,
                shortfall: Shortfall::flat(prices.floor()),
            });
            map.push(None);
        }
    }
}

/// A queue's input before the shared caps are split.
fn base_input(
    s: &Scenario,
    q: &crate::capacity::scenario::QueueSpec,
    days: Vec<Day>,
    step: u32,
    templates: &[Template],
) -> QueueInput {
    let fte = s.team.fte.get(&q.name).copied().unwrap_or(0.0);
    let team_tpl = template_indices(s, &s.team.shifts);
    let overtime = (s.overtime.max_hours_per_week > 0.0
        && s.overtime.max_hours_per_day > 0.0)
        .then_some(Overtime {
            max_hours_per_day: s.overtime.max_hours_per_day,
            max_hours_per_week: s.overtime.max_hours_per_week,
            cost_per_hour: s.overtime.premium * s.team.cost_per_hour,
        });
    let hiring =
        s.hiring.as_ref().filter(|h| h.queues.contains(&q.name)).map(|h| {
            let contracts = if h.contracts.is_empty() {
                vec![Contract {
                    name: "seasonal".into(),
                    weekly_hours: s.team.weekly_hours,
                    days_per_week: s.team.days_per_week,
                    templates: team_tpl.clone(),
                }]
            } else {
                h.contracts
                    .iter()
                    .map(|c| Contract {
                        name: c.name.clone(),
                        weekly_hours: c.weekly_hours,
                        days_per_week: s.team.days_per_week,
                        templates: if c.shifts.is_empty() {
                            team_tpl.clone()
                        } else {
                            template_indices(s, &c.shifts)
                        },
                    })
                    .collect()
            };
            let first = days_first_monday(s);
            Hiring {
                contracts,
                earliest_week: hires::earliest_week(first, s.as_of, h),
                train_weeks: h.train_weeks as usize,
                ramp: h.ramp.clone(),
                min_contract_weeks: h.min_contract_weeks as usize,
                max_hires: 0,
                cost_per_hour: h.cost_per_hour,
                shrinkage: q.shrinkage,
            }
        });
    QueueInput {
        name: q.name.clone(),
        slot_minutes: step,
        days,
        templates: templates.to_vec(),
        team: Team {
            people: (fte + 1e-9).floor() as u32,
            days_per_week: s.team.days_per_week,
            weekly_hours: s.team.weekly_hours,
            shrinkage: q.shrinkage,
            templates: team_tpl,
        },
        overtime,
        hiring,
        partners: vec![],
    }
}

fn days_first_monday(s: &Scenario) -> NaiveDate {
    crate::capacity::plan::plan_days(s).0
}

/// Each queue's agent-slots beyond what its whole team can put on the
/// phones at once.
fn excess_need(q: &QueueInput) -> f64 {
    let team = f64::from(q.team.people) * (1.0 - q.team.shrinkage);
    q.days
        .iter()
        .flat_map(|d| &d.slots)
        .map(|s| (f64::from(s.required) - team).max(0.0))
        .sum()
}

/// Shares of `total` for `needs`, proportional (all equal when every
/// need is zero).
fn shares(needs: &[f64], total: f64) -> Vec<f64> {
    let sum: f64 = needs.iter().sum();
    if sum <= 0.0 {
        return vec![0.0; needs.len()];
    }
    needs.iter().map(|n| total * n / sum).collect()
}

/// Whole shares of `total` by largest remainder, ties to the first.
fn whole_shares(needs: &[f64], total: u32) -> Vec<u32> {
    let exact = shares(needs, f64::from(total));
    let mut out: Vec<u32> =
        exact.iter().map(|x| (x + 1e-9).floor() as u32).collect();
    let given: u32 = out.iter().sum();
    if exact.iter().sum::<f64>() <= 0.0 {
        return out;
    }
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) =
            (exact[a] - f64::from(out[a]), exact[b] - f64::from(out[b]));
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take(total.saturating_sub(given) as usize) {
        out[i] += 1;
    }
    out
}

/// Splits `max_hires` and each partner's capacity and minimum over the
/// queues they serve (see the module docs).
fn share_caps(
    s: &Scenario,
    inputs: &mut [QueueInput],
    first: NaiveDate,
    intervals: &[IntervalPlan],
    maps: &[SlotMap],
) {
    let needs: Vec<f64> = inputs.iter().map(excess_need).collect();
    if let Some(h) = &s.hiring {
        let eligible: Vec<f64> = inputs
            .iter()
            .zip(&needs)
            .map(|(q, n)| {
                if q.hiring.is_some() && h.queues.contains(&q.name) {
                    *n
                } else {
                    0.0
                }
            })
            .collect();
        for (q, n) in
            inputs.iter_mut().zip(whole_shares(&eligible, h.max_hires))
        {
            if let Some(qh) = &mut q.hiring {
                qh.max_hires = n;
            }
        }
    }
    let weeks = inputs.first().map_or(0, QueueInput::weeks);
    for p in &s.partners {
        let eligible: Vec<f64> = inputs
            .iter()
            .zip(&needs)
            .map(|(q, n)| if p.queues.contains(&q.name) { *n } else { 0.0 })
            .collect();
        let cap = shares(&eligible, p.max_fte);
        let min = shares(&eligible, p.min_hours_per_week);
        let first_week = partner_first_week(s, first, p, weeks);
        for (qi, q) in inputs.iter_mut().enumerate() {
            if eligible[qi] <= 0.0 || cap[qi] <= 0.0 {
                continue;
            }
            let (from_min, to_min) = p.hours.unwrap_or((0, 24 * 60));
            let (cost_per_hour, slot_cost) = match p.price {
                PartnerPrice::PerHour(x) => (x, None),
                PartnerPrice::PerContact(c) => {
                    let costs: Vec<Vec<f64>> = maps[qi]
                        .iter()
                        .map(|day| {
                            day.iter()
                                .map(|i| {
                                    i.map_or(0.0, |i| {
                                        c * contacts_per_agent_hour(
                                            s,
                                            &intervals[i],
                                        )
                                    })
                                })
                                .collect()
                        })
                        .collect();
                    let (sum, n) = costs
                        .iter()
                        .flatten()
                        .fold((0.0, 0.0), |(a, n), x| (a + x, n + 1.0));
                    (if n > 0.0 { sum / n } else { 0.0 }, Some(costs))
                }
            };
            q.partners.push(Partner {
                name: p.name.clone(),
                max_fte: cap[qi],
                from_min,
                to_min,
                first_week,
                cost_per_hour,
                slot_cost,
                min_hours_per_week: min[qi],
            });
        }
    }
}

/// Contacts one agent answers in an hour of `r`: its share of the
/// interval's contacts at the required staffing.
fn contacts_per_agent_hour(s: &Scenario, r: &IntervalPlan) -> f64 {
    let hours = s.horizon.interval.seconds() / 3600.0;
    if r.required_agents == 0 {
        return 0.0;
    }
    r.forecast / (f64::from(r.required_agents) * hours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_shared_by_need_in_whole_people() {
        assert_eq!(whole_shares(&[1.0, 1.0, 1.0], 10), vec![4, 3, 3]);
        assert_eq!(whole_shares(&[0.0, 3.0, 1.0], 8), vec![0, 6, 2]);
        assert_eq!(whole_shares(&[0.0, 0.0], 8), vec![0, 0]);
        let s = shares(&[2.0, 0.0, 6.0], 40.0);
        assert_eq!(s, vec![10.0, 0.0, 30.0]);
    }
}
