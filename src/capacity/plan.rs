//! From a forecast and a scenario to a priced plan: agents per interval,
//! FTE per week and source, hire waves, alerts.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Tz;
use rayon::prelude::*;

use crate::capacity::hires::{self, HireWave};
use crate::capacity::mix::{
    MixHiring, MixPartner, MixProblem, MixQueue, MixSolution,
};
use crate::capacity::scenario::{Channel, Scenario};
use crate::capacity::staffing::{self, QueueModel, StaffTo, VolumeDist};
use crate::error::{Error, Result};
use crate::forecast::ForecastRow;

/// FTE differences below this are rounding in the solver and in float
/// sums, not staff: a millionth of an FTE is a few seconds a week.
pub const FTE_TOLERANCE: f64 = 1e-6;

/// One staffed interval of one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalPlan {
    /// Interval start.
    pub start: DateTime<Tz>,
    /// Queue.
    pub queue: String,
    /// Forecast mean volume.
    pub forecast: f64,
    /// Forecast 10th percentile.
    pub p10: f64,
    /// Forecast 90th percentile.
    pub p90: f64,
    /// Handle time used, in seconds.
    pub aht_s: f64,
    /// Volume the agents are sized for.
    pub staffing_volume: f64,
    /// Agents needed on the phones.
    pub required_agents: u32,
    /// Expected call-weighted service level with those agents.
    pub service_level: f64,
}

/// One week of one queue.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WeekPlan {
    /// Monday of the week.
    pub week_start: NaiveDate,
    /// Queue.
    pub queue: String,
    /// Agent-hours needed on contacts.
    pub agent_hours: f64,
    /// `agent_hours / (weekly_hours · (1 − shrinkage))`.
    pub required_fte: f64,
    /// In-house FTE.
    pub in_house_fte: f64,
    /// Productive FTE from hires (ramp applied, training excluded).
    pub hired_fte: f64,
    /// Overtime FTE.
    pub overtime_fte: f64,
    /// Partner FTE, all partners.
    pub partner_fte: f64,
    /// `max(0, required − supply)`.
    pub gap_fte: f64,
    /// Paid this week: in-house, hires (training included), overtime and
    /// partners.
    pub cost: f64,
}

/// Cost by source over the plan.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Costs {
    /// The in-house team (fixed: paid whatever the plan).
    pub in_house: f64,
    /// Seasonal hires, training included, inside the weeks planned.
    pub hires: f64,
    /// Seasonal hires paid outside the weeks planned (training before the
    /// first week, minimum contracts running past the last).
    pub hires_outside_horizon: f64,
    /// Overtime.
    pub overtime: f64,
    /// Partners.
    pub partners: f64,
    /// Everything.
    pub total: f64,
}

/// Partner use over the plan.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PartnerUse {
    /// Partner name.
    pub name: String,
    /// First week it may work (after notice).
    pub available_from: NaiveDate,
    /// FTE-weeks used.
    pub fte_weeks: f64,
    /// Cost.
    pub cost: f64,
    /// First week used, if any.
    pub first_week_used: Option<NaiveDate>,
    /// Peak FTE in one week.
    pub peak_fte: f64,
}

/// Something a planner should act on or check, with its figures; the
/// prose is written by `report::plan`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    /// Recruit a hire wave.
    Recruit {
        /// People to hire.
        count: u32,
        /// Queue they work on.
        queue: String,
        /// Last day to have recruited them.
        recruit_by: NaiveDate,
        /// First training day.
        train_from: NaiveDate,
        /// First productive day.
        productive_from: NaiveDate,
        /// Last paid day.
        until: NaiveDate,
    },
    /// Give a partner notice.
    PartnerNotice {
        /// Partner.
        partner: String,
        /// Last day to give notice (never before `as_of`).
        notify_by: NaiveDate,
        /// Largest FTE used in a week.
        peak_fte: f64,
        /// First week used.
        from: NaiveDate,
        /// FTE-weeks used in all.
        fte_weeks: f64,
    },
    /// Hires come too late for the first short weeks.
    TooLateToHire {
        /// First week hires can be productive.
        first_hire_week: NaiveDate,
        /// Recruiting weeks.
        recruit_weeks: u32,
        /// Training weeks.
        train_weeks: u32,
        /// The planning date.
        as_of: NaiveDate,
        /// The first queue short before hires arrive.
        queue: String,
        /// Whether partners help cover those weeks.
        with_partners: bool,
    },
    /// No source can close a queue's gap.
    TargetMissed {
        /// Queue.
        queue: String,
        /// Weeks with a gap.
        weeks_short: usize,
        /// Gap in FTE-weeks over the plan.
        gap_fte_weeks: f64,
        /// The week of the largest gap.
        worst_week: NaiveDate,
        /// The largest gap in FTE.
        worst_gap_fte: f64,
    },
    /// A note on the forecast the plan rests on.
    Forecast {
        /// The note, as prose.
        note: String,
    },
}

/// A complete plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Monday of the first week.
    pub first_monday: NaiveDate,
    /// Sunday of the last week.
    pub last_sunday: NaiveDate,
    /// Staffing rule used.
    pub staff_to: StaffTo,
    /// Intervals, by queue then start.
    pub intervals: Vec<IntervalPlan>,
    /// Weeks, by week then queue.
    pub weeks: Vec<WeekPlan>,
    /// Hire waves, by recruiting date then queue.
    pub hires: Vec<HireWave>,
    /// Partners.
    pub partners: Vec<PartnerUse>,
    /// Cost by source.
    pub costs: Costs,
    /// What a planner should act on, most urgent first.
    pub alerts: Vec<Alert>,
    /// First week hires can be productive, if hiring is set up.
    pub earliest_hire_week: Option<NaiveDate>,
}

/// The Monday on or before `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    let back = u64::from(d.weekday().num_days_from_monday());
    d.checked_sub_days(chrono::Days::new(back)).unwrap_or(d)
}

/// The days a plan covers: the horizon widened to whole Monday–Sunday
/// weeks, so that every week's FTE is a whole week's.
pub fn plan_days(s: &Scenario) -> (NaiveDate, NaiveDate) {
    let first = monday_of(s.horizon.from);
    let last = hires::add_weeks(monday_of(s.horizon.to), 1)
        .pred_opt()
        .unwrap_or(s.horizon.to);
    (first, last)
}

/// Staffs every interval of `rows` for the scenario's queues.
///
/// # Errors
///
/// [`Error::Usage`] when a queue of the scenario has no forecast rows or
/// no handle time.
pub fn staff_intervals(
    s: &Scenario,
    rows: &[ForecastRow],
    rule: StaffTo,
) -> Result<Vec<IntervalPlan>> {
    let (first, last) = plan_days(s);
    let interval_s = s.horizon.interval.seconds();
    let mut by_queue: BTreeMap<&str, Vec<&ForecastRow>> = BTreeMap::new();
    for r in rows {
        let day = r.start.date_naive();
        if day >= first && day <= last {
            by_queue.entry(r.queue.as_str()).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for q in &s.queues {
        let Some(qrows) = by_queue.get_mut(q.name.as_str()) else {
            let known: Vec<&str> = by_queue.keys().copied().collect();
            return Err(Error::usage(format!(
                "queue \"{}\" of the scenario has no forecast between {first} \
                 and {last}; the history has {}",
                q.name,
                if known.is_empty() {
                    "no queue".into()
                } else {
                    known.join(", ")
                }
            )));
        };
        qrows.sort_by_key(|r| r.start);
        let mut volumes: Vec<VolumeDist> = qrows
            .iter()
            .map(|r| VolumeDist {
                mean: r.mean,
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
            })
            .collect();
        if let Channel::Email { deadline_s } = q.channel {
            let k = (deadline_s / interval_s).floor().max(1.0) as usize;
            let means: Vec<f64> = volumes.iter().map(|v| v.mean).collect();
            let spread = staffing::spread_backlog(&means, k);
            for (v, m) in volumes.iter_mut().zip(spread) {
                *v = VolumeDist::exact(m);
            }
        }
        // Intervals are independent: staff them in parallel, in order.
        let staffed = qrows
            .par_iter()
            .zip(&volumes)
            .map(|(r, dist)| {
                let aht_s = match (q.aht_s, r.aht_s) {
                    (Some(a), _) => a,
                    (None, Some(a)) if a > 0.0 && a.is_finite() => a,
                    _ => {
                        return Err(Error::usage(format!(
                            "queue \"{}\" has no handle time for {}: set \
                             `aht` in [queues.{}] or give an aht_s column in \
                             the history",
                            q.name, r.start, q.name
                        )));
                    }
                };
                let model = QueueModel::new(q, aht_s, interval_s);
                let st = model.staff(dist, rule).map_err(|e| {
                    Error::usage(format!(
                        "queue \"{}\" at {}: cannot staff a forecast of \
                         {:.1} contacts (p90 {:.1}): {e}",
                        q.name, r.start, r.mean, r.p90
                    ))
                })?;
                Ok(IntervalPlan {
                    start: r.start,
                    queue: q.name.clone(),
                    forecast: r.mean,
                    p10: r.p10,
                    p90: r.p90,
                    aht_s,
                    staffing_volume: st.staffing_volume,
                    required_agents: st.agents,
                    service_level: st.service_level,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.extend(staffed);
    }
    Ok(out)
}

/// Builds the whole plan from staffed intervals.
///
/// # Errors
///
/// When the optimiser fails (numerical trouble; never for lack of
/// capacity, which shows as a gap).
pub fn build(
    s: &Scenario,
    intervals: Vec<IntervalPlan>,
    rule: StaffTo,
) -> Result<Plan> {
    let g = Grid::of(s);
    let need = weekly_need(s, &g, &intervals);
    let (problem, partner_first) = mix_problem(s, &g, &need);
    let sol = problem.solve()?;
    let mut costs = Costs::default();
    let (hired, paid, waves) =
        hire_supply(s, &g, problem.hiring.as_ref(), &sol, &mut costs);
    let weeks = week_rows(s, &g, &need, &hired, &paid, &sol, &mut costs);
    costs.total = costs.in_house
        + costs.hires
        + costs.hires_outside_horizon
        + costs.overtime
        + costs.partners;
    let partners = partner_use(s, &g, &sol, &partner_first);
    let earliest_hire_week =
        problem.hiring.as_ref().map(|h| g.monday(h.earliest));
    let alerts = alerts(s, &waves, &weeks, &partners, earliest_hire_week);
    Ok(Plan {
        first_monday: g.first,
        last_sunday: g.last,
        staff_to: rule,
        intervals,
        weeks,
        hires: waves,
        partners,
        costs,
        alerts,
        earliest_hire_week,
    })
}

/// The weeks planned and the scenario's queues, as indices.
struct Grid<'a> {
    first: NaiveDate,
    last: NaiveDate,
    /// Weeks planned.
    nw: usize,
    /// Paid hours of a week.
    wh: f64,
    /// Queue index by name.
    qi: BTreeMap<&'a str, usize>,
}

impl Grid<'_> {
    fn of(s: &Scenario) -> Grid<'_> {
        let (first, last) = plan_days(s);
        Grid {
            first,
            last,
            nw: ((last - first).num_days() as usize + 1) / 7,
            wh: s.team.weekly_hours,
            qi: s
                .queues
                .iter()
                .enumerate()
                .map(|(i, q)| (q.name.as_str(), i))
                .collect(),
        }
    }

    /// The Monday of week `w`.
    fn monday(&self, w: usize) -> NaiveDate {
        hires::add_weeks(self.first, w as i64)
    }

    /// The indices of the queues named.
    fn indices(&self, names: &[String]) -> Vec<usize> {
        names.iter().filter_map(|q| self.qi.get(q.as_str()).copied()).collect()
    }
}

/// Per queue and week: agent-hours and FTE required; per queue, in-house
/// FTE.
struct Need {
    hours: Vec<Vec<f64>>,
    required: Vec<Vec<f64>>,
    in_house: Vec<f64>,
}

fn weekly_need(s: &Scenario, g: &Grid, intervals: &[IntervalPlan]) -> Need {
    let interval_h = s.horizon.interval.seconds() / 3600.0;
    let mut hours = vec![vec![0.0; g.nw]; s.queues.len()];
    for r in intervals {
        if let Some(&q) = g.qi.get(r.queue.as_str()) {
            let w = ((r.start.date_naive() - g.first).num_days() / 7) as usize;
            if w < g.nw {
                hours[q][w] += f64::from(r.required_agents) * interval_h;
            }
        }
    }
    let required: Vec<Vec<f64>> = s
        .queues
        .iter()
        .zip(&hours)
        .map(|(q, h)| {
            h.iter().map(|x| x / (g.wh * (1.0 - q.shrinkage))).collect()
        })
        .collect();
    let in_house: Vec<f64> = s
        .queues
        .iter()
        .map(|q| s.team.fte.get(&q.name).copied().unwrap_or(0.0))
        .collect();
    Need { hours, required, in_house }
}

/// The cheapest-mix problem of the scenario, and each partner's first
/// usable week.
fn mix_problem(
    s: &Scenario,
    g: &Grid,
    need: &Need,
) -> (MixProblem, Vec<usize>) {
    let (nw, wh) = (g.nw, g.wh);
    let mix_hiring = s.hiring.as_ref().map(|h| MixHiring {
        queues: g.indices(&h.queues),
        earliest: hires::earliest_week(g.first, s.as_of, h),
        train_weeks: h.train_weeks as usize,
        ramp: h.ramp.clone(),
        min_contract_weeks: h.min_contract_weeks as usize,
        max_hires: h.max_hires,
        week_cost: wh * h.cost_per_hour,
    });
    let partner_first: Vec<usize> = s
        .partners
        .iter()
        .map(|p| {
            let ready = hires::add_weeks(s.as_of, i64::from(p.notice_weeks));
            (0..nw).find(|&w| g.monday(w) >= ready).unwrap_or(nw)
        })
        .collect();
    let top_rate = s
        .partners
        .iter()
        .map(|p| p.cost_per_hour)
        .chain(s.hiring.iter().map(|h| h.cost_per_hour))
        .chain([s.team.cost_per_hour * s.overtime.premium, 1.0])
        .fold(0.0, f64::max);
    // A missing FTE-week costs far more than the dearest source could over
    // the longest contract, so the optimiser only leaves a gap no source
    // can close.
    let longest = mix_hiring
        .as_ref()
        .map_or(1, |h| h.min_contract_weeks.max(nw) + h.train_weeks);
    let problem = MixProblem {
        weeks: nw,
        queues: need
            .required
            .iter()
            .zip(&need.in_house)
            .map(|(r, &i)| MixQueue { required: r.clone(), in_house: i })
            .collect(),
        overtime_share: s.overtime.max_hours_per_week / wh,
        overtime_cost: overtime_week_cost(s),
        hiring: mix_hiring,
        partners: s
            .partners
            .iter()
            .zip(&partner_first)
            .map(|(p, &f)| MixPartner {
                queues: g.indices(&p.queues),
                max_fte: p.max_fte,
                first_week: f,
                week_cost: wh * p.cost_per_hour,
            })
            .collect(),
        gap_penalty: 100.0 * top_rate * wh * longest as f64 * 2.0,
    };
    (problem, partner_first)
}

/// The cost of one FTE-week of overtime.
fn overtime_week_cost(s: &Scenario) -> f64 {
    s.team.weekly_hours * s.team.cost_per_hour * s.overtime.premium
}

/// Per queue and week: productive FTE from hires and paid headcount; the
/// dated waves, by recruiting date then queue. Adds the hires' cost.
fn hire_supply(
    s: &Scenario,
    g: &Grid,
    mix_hiring: Option<&MixHiring>,
    sol: &MixSolution,
    costs: &mut Costs,
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<HireWave>) {
    let nw = g.nw;
    let mut hired = vec![vec![0.0; nw]; s.queues.len()];
    let mut paid = vec![vec![0.0; nw]; s.queues.len()];
    let mut waves = Vec::new();
    if let (Some(h), Some(mh)) = (&s.hiring, mix_hiring) {
        for wave in &sol.waves {
            let n = f64::from(wave.count);
            for (w, slot) in hired[wave.queue].iter_mut().enumerate() {
                *slot += n * wave.productivity(mh, w);
            }
            let train_from = wave.start as i64 - mh.train_weeks as i64;
            let paid_weeks = wave.paid_weeks(mh) as i64;
            let week_cost = n * mh.week_cost;
            for w in train_from..train_from + paid_weeks {
                if (0..nw as i64).contains(&w) {
                    paid[wave.queue][w as usize] += n;
                    costs.hires += week_cost;
                } else {
                    costs.hires_outside_horizon += week_cost;
                }
            }
            let name = &s.queues[wave.queue].name;
            waves.push(hires::dated(wave, name, g.first, h, mh, g.wh));
        }
    }
    waves.sort_by(|a, b| {
        (a.recruit_by, &a.queue).cmp(&(b.recruit_by, &b.queue))
    });
    (hired, paid, waves)
}

/// One row per week and queue, by week then queue. Adds the in-house,
/// overtime and partner costs.
fn week_rows(
    s: &Scenario,
    g: &Grid,
    need: &Need,
    hired: &[Vec<f64>],
    paid: &[Vec<f64>],
    sol: &MixSolution,
    costs: &mut Costs,
) -> Vec<WeekPlan> {
    let wh = g.wh;
    let hire_rate = s.hiring.as_ref().map_or(0.0, |h| h.cost_per_hour);
    let overtime_cost = overtime_week_cost(s);
    let mut weeks = Vec::new();
    for w in 0..g.nw {
        for (q, spec) in s.queues.iter().enumerate() {
            let partner_fte: f64 = sol.partner.iter().map(|k| k[q][w]).sum();
            let partner_cost: f64 = sol
                .partner
                .iter()
                .zip(&s.partners)
                .map(|(k, p)| k[q][w] * wh * p.cost_per_hour)
                .sum();
            let ot = sol.overtime[q][w];
            let in_house = need.in_house[q];
            let supply = in_house + hired[q][w] + ot + partner_fte;
            let gap = (need.required[q][w] - supply).max(0.0);
            let in_house_cost = in_house * wh * s.team.cost_per_hour;
            let ot_cost = ot * overtime_cost;
            let hire_cost = paid[q][w] * wh * hire_rate;
            costs.in_house += in_house_cost;
            costs.overtime += ot_cost;
            costs.partners += partner_cost;
            weeks.push(WeekPlan {
                week_start: g.monday(w),
                queue: spec.name.clone(),
                agent_hours: need.hours[q][w],
                required_fte: need.required[q][w],
                in_house_fte: in_house,
                hired_fte: hired[q][w],
                overtime_fte: ot,
                partner_fte,
                gap_fte: if gap < FTE_TOLERANCE { 0.0 } else { gap },
                cost: in_house_cost + ot_cost + hire_cost + partner_cost,
            });
        }
    }
    weeks
}

/// How much of each partner the plan uses, and from when.
fn partner_use(
    s: &Scenario,
    g: &Grid,
    sol: &MixSolution,
    partner_first: &[usize],
) -> Vec<PartnerUse> {
    let nw = g.nw;
    s.partners
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let per_week: Vec<f64> = (0..nw)
                .map(|w| sol.partner[k].iter().map(|q| q[w]).sum())
                .collect();
            let fte_weeks: f64 = per_week.iter().sum();
            PartnerUse {
                name: p.name.clone(),
                available_from: g.monday(partner_first[k].min(nw)),
                fte_weeks,
                cost: fte_weeks * g.wh * p.cost_per_hour,
                first_week_used: per_week
                    .iter()
                    .position(|&x| x > FTE_TOLERANCE)
                    .map(|w| g.monday(w)),
                peak_fte: per_week.iter().copied().fold(0.0, f64::max),
            }
        })
        .collect()
}

fn alerts(
    s: &Scenario,
    waves: &[HireWave],
    weeks: &[WeekPlan],
    partners: &[PartnerUse],
    earliest: Option<NaiveDate>,
) -> Vec<Alert> {
    let mut out: Vec<Alert> = waves
        .iter()
        .map(|w| Alert::Recruit {
            count: w.count,
            queue: w.queue.clone(),
            recruit_by: w.recruit_by,
            train_from: w.train_from,
            productive_from: w.productive_from,
            until: w.until,
        })
        .collect();
    for (p, spec) in partners.iter().zip(&s.partners) {
        if let Some(first) = p.first_week_used {
            let notify =
                hires::add_weeks(first, -i64::from(spec.notice_weeks));
            out.push(Alert::PartnerNotice {
                partner: p.name.clone(),
                notify_by: notify.max(s.as_of),
                peak_fte: p.peak_fte,
                from: first,
                fte_weeks: p.fte_weeks,
            });
        }
    }
    if let (Some(h), Some(first_hire)) = (&s.hiring, earliest) {
        let short = weeks
            .iter()
            .filter(|w| {
                w.week_start < first_hire
                    && w.required_fte > w.in_house_fte + FTE_TOLERANCE
            })
            .find(|w| h.queues.contains(&w.queue));
        if let Some(w) = short {
            out.push(Alert::TooLateToHire {
                first_hire_week: first_hire,
                recruit_weeks: h.recruit_weeks,
                train_weeks: h.train_weeks,
                as_of: s.as_of,
                queue: w.queue.clone(),
                with_partners: !s.partners.is_empty(),
            });
        }
    }
    out.extend(gap_alerts(weeks));
    out
}

/// One alert per queue with a gap no source can close.
fn gap_alerts(weeks: &[WeekPlan]) -> Vec<Alert> {
    let mut gaps: BTreeMap<&str, (usize, f64, NaiveDate, f64)> =
        BTreeMap::new();
    for w in weeks.iter().filter(|w| w.gap_fte > 0.0) {
        let e = gaps.entry(&w.queue).or_insert((0, 0.0, w.week_start, 0.0));
        e.0 += 1;
        e.1 += w.gap_fte;
        if w.gap_fte > e.3 {
            e.2 = w.week_start;
            e.3 = w.gap_fte;
        }
    }
    gaps.into_iter()
        .map(|(q, (n, total, worst, peak))| Alert::TargetMissed {
            queue: q.to_string(),
            weeks_short: n,
            gap_fte_weeks: total,
            worst_week: worst,
            worst_gap_fte: peak,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_whole() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(monday_of(d("2025-11-01")), d("2025-10-27"));
        assert_eq!(monday_of(d("2025-11-03")), d("2025-11-03"));
    }
}

/// How a plan's agents fare on actual volumes, against staffing each
/// interval with perfect knowledge of its volume.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Queue.
    pub queue: String,
    /// Intervals with an actual volume.
    pub intervals: usize,
    /// Intervals with contacts the plan staffed with nobody because the
    /// forecast had them closed (their contacts count as not answered in
    /// time).
    pub unplanned_intervals: usize,
    /// Actual contacts.
    pub contacts: f64,
    /// Target service level (1 for ASA goals: share of the target met).
    pub target: f64,
    /// Call-weighted service level the planned agents give on the actual
    /// volumes.
    pub service_level: f64,
    /// Share of intervals at or above target.
    pub intervals_on_target: f64,
    /// Agent-hours planned.
    pub agent_hours: f64,
    /// Agent-hours of the fewest agents meeting the target in every
    /// interval had its volume been known.
    pub perfect_agent_hours: f64,
}

/// Replays the plan's agents on `actuals` (rows whose `mean` is the actual
/// volume), per queue, over the weeks planned. Handle times are the
/// plan's: the replay measures the volume forecast and the staffing rule,
/// not the handle-time assumption. An actual interval the plan has no row
/// for (forecast closed) is staffed with nobody.
pub fn evaluate(
    s: &Scenario,
    intervals: &[IntervalPlan],
    actuals: &[ForecastRow],
) -> Vec<Evaluation> {
    let (first, last) = plan_days(s);
    let planned: BTreeMap<(&str, DateTime<Tz>), &IntervalPlan> =
        intervals.iter().map(|r| ((r.queue.as_str(), r.start), r)).collect();
    let interval_s = s.horizon.interval.seconds();
    let h = interval_s / 3600.0;
    let mut out = Vec::new();
    for q in &s.queues {
        let target = match q.goal {
            crate::capacity::scenario::Goal::ServiceLevel { sl, .. } => sl,
            crate::capacity::scenario::Goal::Asa { .. } => 1.0,
        };
        // Handle time for an interval the plan did not staff: the
        // scenario's, else the plan's average for the queue.
        let (aw, n) = intervals
            .iter()
            .filter(|r| r.queue == q.name)
            .fold((0.0, 0.0), |(a, n), r| (a + r.aht_s, n + 1.0));
        let fallback_aht = q.aht_s.or((n > 0.0).then(|| aw / n));
        let mut e = Evaluation {
            queue: q.name.clone(),
            target,
            ..Evaluation::default()
        };
        let (mut served, mut met) = (0.0, 0usize);
        let mut seen = std::collections::BTreeSet::new();
        for a in actuals.iter().filter(|a| a.queue == q.name) {
            let day = a.start.date_naive();
            if day < first || day > last || !seen.insert(a.start) {
                continue;
            }
            let v = a.mean;
            let (agents, aht_s) =
                match planned.get(&(q.name.as_str(), a.start)) {
                    Some(r) => (r.required_agents, r.aht_s),
                    None if v <= 0.0 => continue,
                    None => match fallback_aht {
                        Some(aht) => {
                            e.unplanned_intervals += 1;
                            (0, aht)
                        }
                        None => continue,
                    },
                };
            let model = QueueModel::new(q, aht_s, interval_s);
            let sl = model.service_level(agents, v);
            e.intervals += 1;
            e.contacts += v;
            served += v * sl;
            if sl >= target - staffing::SL_TOLERANCE {
                met += 1;
            }
            e.agent_hours += f64::from(agents) * h;
            e.perfect_agent_hours += f64::from(model.required(v)) * h;
        }
        if e.intervals > 0 {
            e.service_level =
                if e.contacts > 0.0 { served / e.contacts } else { 1.0 };
            e.intervals_on_target = met as f64 / e.intervals as f64;
            out.push(e);
        }
    }
    out
}
