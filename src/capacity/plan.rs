//! From a forecast and a scenario to a priced plan: agents per interval,
//! FTE per week and source, hire waves, alerts.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Tz;
use rayon::prelude::*;

use crate::capacity::hires::{self, HireWave};
use crate::capacity::roster::{Effort, SlotSupply};
use crate::capacity::scenario::{Channel, Scenario};
use crate::capacity::schedule::{Problem, Roster};
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
    /// Forecast median.
    pub p50: f64,
    /// Forecast 90th percentile.
    pub p90: f64,
    /// Handle time used, in seconds.
    pub aht_s: f64,
    /// Volume the agents are sized for.
    pub staffing_volume: f64,
    /// Agents needed on the phones.
    pub required_agents: u32,
    /// Expected call-weighted service level: with the required agents
    /// once staffed, with the scheduled ones once planned.
    pub service_level: f64,
    /// Events of the interval (from the forecast).
    pub events: Vec<String>,
    /// On-phone agents scheduled, by source, and the gap.
    pub supply: SlotSupply,
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
    /// In-house shift hours / weekly_hours.
    pub in_house_fte: f64,
    /// Hires' paid contract hours (training included) / weekly_hours.
    pub hired_fte: f64,
    /// Overtime hours / weekly_hours.
    pub overtime_fte: f64,
    /// Partner hours paid / weekly_hours, all partners.
    pub partner_fte: f64,
    /// Agent-hours required and not scheduled on the phones.
    pub gap_hours: f64,
    /// `gap_hours / (weekly_hours · (1 − shrinkage))`.
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
    /// Hours paid / weekly_hours.
    pub fte_weeks: f64,
    /// Cost.
    pub cost: f64,
    /// First week used, if any.
    pub first_week_used: Option<NaiveDate>,
    /// Most of its agents on the phones at once.
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
        /// Their contract.
        contract: String,
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
        /// Most partner agents on the phones at once.
        peak_fte: f64,
        /// First week used.
        from: NaiveDate,
        /// Hours paid / weekly_hours.
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
    /// A day with intervals the roster leaves short.
    Gap {
        /// Queue.
        queue: String,
        /// Day.
        date: NaiveDate,
        /// Events of the day.
        events: Vec<String>,
        /// Start of the first short interval, local `HH:MM`.
        from: String,
        /// End of the last short interval, local `HH:MM`.
        to: String,
        /// Most agents missing in one interval.
        short_by: f64,
        /// Agent-hours missing over the day.
        gap_hours: f64,
        /// The day's expected service level with the scheduled staff.
        service_level: f64,
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
    /// Days, by queue then day.
    pub days: Vec<DayPlan>,
    /// Shifts to publish, by queue, day and source.
    pub shifts: Vec<crate::capacity::schedule::ShiftLine>,
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
    /// The roster's objective, bound and gap.
    pub optimisation: Optimisation,
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
                    p50: r.p50,
                    p90: r.p90,
                    aht_s,
                    staffing_volume: printable_volume(
                        &model,
                        st.staffing_volume,
                        st.agents,
                    ),
                    required_agents: st.agents,
                    service_level: st.service_level,
                    events: r.events.clone(),
                    supply: SlotSupply::default(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.extend(staffed);
    }
    Ok(out)
}

/// Gaps below this many agents are float noise in sums of on-phone
/// shares, not people.
pub const GAP_TOLERANCE: f64 = 1e-6;

/// Agents the scheduled staff of an interval puts on the phones as whole
/// servers: `floor(scheduled + 1e-9)`.
pub fn whole_agents(scheduled: f64) -> u32 {
    (scheduled + 1e-9).floor().max(0.0) as u32
}

/// One day of one queue.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DayPlan {
    /// Day.
    pub date: NaiveDate,
    /// Queue.
    pub queue: String,
    /// Events of the day (from the forecast).
    pub events: Vec<String>,
    /// Contacts forecast.
    pub contacts: f64,
    /// Agent-hours required on the phones.
    pub required_hours: f64,
    /// Agent-hours scheduled on the phones.
    pub scheduled_hours: f64,
    /// Agent-hours short.
    pub gap_hours: f64,
    /// Most agents required in one interval.
    pub peak_required: u32,
    /// Most agents scheduled in one interval.
    pub peak_scheduled: f64,
    /// Expected call-weighted service level with the scheduled staff.
    pub service_level: f64,
    /// The optimiser's estimate of the same level, from its daily floor
    /// row (fractional gaps); `None` for a day without a floor.
    pub floor_estimate: Option<f64>,
}

/// How close the roster is to optimal.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Optimisation {
    /// Spend plus the weight of the gaps (see `capacity::schedule`).
    pub objective: f64,
    /// Calls the gaps lose beyond the days' service-level floors (each
    /// weighs far more than any source: these are out of reach).
    pub calls_below_floor: f64,
    /// Queue-days with such calls.
    pub days_below_floor: usize,
    /// The relaxation's lower bound: no roster does better.
    pub bound: f64,
    /// `objective − bound`.
    pub gap: f64,
    /// The gap over the objective.
    pub relative_gap: f64,
    /// Week LPs that came out integral.
    pub integral_weeks: usize,
    /// Week LPs solved (queues × weeks).
    pub week_lps: usize,
    /// `thorough` or `fast`.
    pub effort: &'static str,
}

/// Decimals `staffing_volume` is written with.
pub const VOLUME_DECIMALS: usize = 4;

/// A volume close to `v`, short enough to be written with
/// [`VOLUME_DECIMALS`] decimals, that needs exactly `agents` agents:
/// staffing the written figure gives the written agents back. `v` itself
/// when no such figure is near (it then needs `agents` already).
fn printable_volume(model: &QueueModel, v: f64, agents: u32) -> f64 {
    let cut = |v: f64, d: i32, f: fn(f64) -> f64| {
        let k = 10f64.powi(d);
        f(v * k) / k
    };
    let candidates = [
        cut(v, 2, f64::round),
        cut(v, 2, f64::floor),
        cut(v, 2, f64::ceil),
        cut(v, 4, f64::round),
        cut(v, 4, f64::floor),
        cut(v, 4, f64::ceil),
    ];
    candidates
        .into_iter()
        .find(|&c| c >= 0.0 && model.required(c) == agents)
        .unwrap_or(v)
}

/// Builds the whole plan from staffed intervals: the roster solver
/// decides who is on shift in every interval
/// ([`crate::capacity::schedule`]); weekly FTE figures are derived from
/// its shifts, for reading.
///
/// # Errors
///
/// When the optimiser fails (numerical trouble; never for lack of
/// capacity, which shows as a gap).
pub fn build(
    s: &Scenario,
    mut intervals: Vec<IntervalPlan>,
    rule: StaffTo,
) -> Result<Plan> {
    let problem = Problem::new(s, &intervals);
    let roster = problem.solve(s, intervals.len())?;
    scheduled_service(s, &mut intervals, &roster.supply);
    let (first, last) = plan_days(s);
    let nw = ((last - first).num_days() as usize + 1) / 7;
    let mut costs = Costs::default();
    let weeks = week_rows(s, first, nw, &intervals, &roster, &mut costs);
    for w in &roster.waves {
        let per_week = w.cost / f64::from(w.paid_weeks.max(1));
        let inside = (0..w.paid_weeks)
            .map(|k| hires::add_weeks(w.train_from, i64::from(k)))
            .filter(|d| *d >= first && *d <= last)
            .count() as f64;
        costs.hires_outside_horizon +=
            per_week * (f64::from(w.paid_weeks) - inside);
    }
    costs.total = costs.in_house
        + costs.hires
        + costs.hires_outside_horizon
        + costs.overtime
        + costs.partners;
    let mut days = day_rows(s, &intervals);
    for d in &mut days {
        d.floor_estimate =
            roster.floor_levels.get(&(d.queue.clone(), d.date)).copied();
    }
    let partners = roster
        .partners
        .iter()
        .map(|p| PartnerUse {
            name: p.name.clone(),
            available_from: hires::add_weeks(first, p.first_week as i64),
            fte_weeks: p.hours / s.team.weekly_hours,
            cost: p.cost,
            first_week_used: p
                .first_week_used
                .map(|w| hires::add_weeks(first, w as i64)),
            peak_fte: p.peak_agents,
        })
        .collect::<Vec<_>>();
    let earliest_hire_week = s.hiring.as_ref().map(|h| {
        hires::add_weeks(first, hires::earliest_week(first, s.as_of, h) as i64)
    });
    let alerts = alerts(
        s,
        &roster.waves,
        &weeks,
        &days,
        &partners,
        earliest_hire_week,
        &intervals,
    );
    let gap = (roster.objective - roster.bound).max(0.0);
    let optimisation = Optimisation {
        objective: roster.objective,
        calls_below_floor: roster.below_floor.0,
        days_below_floor: roster.below_floor.1,
        bound: roster.bound,
        gap,
        relative_gap: if roster.objective > 0.0 {
            gap / roster.objective
        } else {
            0.0
        },
        integral_weeks: roster.integral_weeks.0,
        week_lps: roster.integral_weeks.1,
        effort: match roster.effort {
            Effort::Thorough => "thorough",
            Effort::Fast => "fast",
        },
    };
    Ok(Plan {
        first_monday: first,
        last_sunday: last,
        staff_to: rule,
        intervals,
        weeks,
        days,
        shifts: roster.lines,
        hires: roster.waves,
        partners,
        costs,
        alerts,
        earliest_hire_week,
        optimisation,
    })
}

/// Sets each interval's supply and its expected service level with the
/// scheduled staff.
fn scheduled_service(
    s: &Scenario,
    intervals: &mut [IntervalPlan],
    supply: &[SlotSupply],
) {
    let interval_s = s.horizon.interval.seconds();
    intervals.par_iter_mut().zip(supply).for_each(|(r, sup)| {
        let mut sup = *sup;
        sup.required = r.required_agents;
        sup.gap = (f64::from(r.required_agents) - sup.scheduled).max(0.0);
        if sup.gap < GAP_TOLERANCE {
            sup.gap = 0.0;
        }
        r.supply = sup;
        let n = whole_agents(sup.scheduled);
        let Some(q) = s.queue(&r.queue) else { return };
        r.service_level = if let Channel::Email { .. } = q.channel {
            if n >= r.required_agents || r.required_agents == 0 {
                1.0
            } else {
                f64::from(n) / f64::from(r.required_agents)
            }
        } else {
            let dist = VolumeDist {
                mean: r.forecast,
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
            };
            QueueModel::new(q, r.aht_s, interval_s)
                .expected_sl(n, &dist.points())
        };
    });
}

/// One row per week and queue, by week then queue, from the roster's
/// paid hours. Adds every source's cost.
fn week_rows(
    s: &Scenario,
    first: NaiveDate,
    nw: usize,
    intervals: &[IntervalPlan],
    roster: &Roster,
    costs: &mut Costs,
) -> Vec<WeekPlan> {
    let wh = s.team.weekly_hours;
    let h = s.horizon.interval.seconds() / 3600.0;
    let nq = s.queues.len();
    let mut need = vec![vec![(0.0, 0.0); nw]; nq];
    for r in intervals {
        let Some(q) = s.queues.iter().position(|q| q.name == r.queue) else {
            continue;
        };
        let w = ((r.start.date_naive() - first).num_days() / 7) as usize;
        if w < nw {
            need[q][w].0 += f64::from(r.required_agents) * h;
            need[q][w].1 += r.supply.gap * h;
        }
    }
    let mut weeks = Vec::new();
    for w in 0..nw {
        for (q, spec) in s.queues.iter().enumerate() {
            let paid = roster
                .weeks
                .get(q)
                .and_then(|p| p.get(w))
                .copied()
                .unwrap_or_default();
            let fte = s.team.fte.get(&spec.name).copied().unwrap_or(0.0);
            let in_house_cost = fte * wh * s.team.cost_per_hour;
            let on = wh * (1.0 - spec.shrinkage);
            let (agent_hours, gap_hours) =
                need[q].get(w).copied().unwrap_or_default();
            costs.in_house += in_house_cost;
            costs.hires += paid.hire_cost;
            costs.overtime += paid.overtime_cost;
            costs.partners += paid.partner_cost;
            weeks.push(WeekPlan {
                week_start: hires::add_weeks(first, w as i64),
                queue: spec.name.clone(),
                agent_hours,
                required_fte: agent_hours / on,
                in_house_fte: paid.in_house_hours / wh,
                hired_fte: paid.hire_hours / wh,
                overtime_fte: paid.overtime_hours / wh,
                partner_fte: paid.partner_hours / wh,
                gap_hours,
                gap_fte: gap_hours / on,
                cost: in_house_cost
                    + paid.hire_cost
                    + paid.overtime_cost
                    + paid.partner_cost,
            });
        }
    }
    weeks
}

/// One row per day and queue, by queue then day (days with intervals
/// only).
fn day_rows(s: &Scenario, intervals: &[IntervalPlan]) -> Vec<DayPlan> {
    let h = s.horizon.interval.seconds() / 3600.0;
    let mut out: Vec<DayPlan> = Vec::new();
    let mut served = 0.0;
    for r in intervals {
        let date = r.start.date_naive();
        let same =
            out.last().is_some_and(|d| d.date == date && d.queue == r.queue);
        if !same {
            close_day(out.last_mut(), served);
            served = 0.0;
            out.push(DayPlan {
                date,
                queue: r.queue.clone(),
                events: vec![],
                contacts: 0.0,
                required_hours: 0.0,
                scheduled_hours: 0.0,
                gap_hours: 0.0,
                peak_required: 0,
                peak_scheduled: 0.0,
                service_level: 1.0,
                floor_estimate: None,
            });
        }
        let Some(d) = out.last_mut() else { continue };
        for e in &r.events {
            if !d.events.contains(e) {
                d.events.push(e.clone());
            }
        }
        d.contacts += r.forecast;
        served += r.forecast * r.service_level;
        d.required_hours += f64::from(r.required_agents) * h;
        d.scheduled_hours += r.supply.scheduled * h;
        d.gap_hours += r.supply.gap * h;
        d.peak_required = d.peak_required.max(r.required_agents);
        d.peak_scheduled = d.peak_scheduled.max(r.supply.scheduled);
    }
    close_day(out.last_mut(), served);
    out
}

fn close_day(day: Option<&mut DayPlan>, served: f64) {
    if let Some(d) = day {
        d.service_level =
            if d.contacts > 0.0 { served / d.contacts } else { 1.0 };
    }
}

fn alerts(
    s: &Scenario,
    waves: &[HireWave],
    weeks: &[WeekPlan],
    days: &[DayPlan],
    partners: &[PartnerUse],
    earliest: Option<NaiveDate>,
    intervals: &[IntervalPlan],
) -> Vec<Alert> {
    let mut out: Vec<Alert> = waves
        .iter()
        .map(|w| Alert::Recruit {
            count: w.count,
            queue: w.queue.clone(),
            contract: w.contract.clone(),
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
                    && (w.gap_hours > 0.0
                        || w.overtime_fte + w.partner_fte > FTE_TOLERANCE)
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
    out.extend(gap_alerts(s, days, intervals));
    out
}

/// One alert per queue and day with a gap: its hours, worst shortfall and
/// the day's expected service level.
fn gap_alerts(
    s: &Scenario,
    days: &[DayPlan],
    intervals: &[IntervalPlan],
) -> Vec<Alert> {
    let step = s.horizon.interval.seconds() as i64;
    // First start, last end and worst gap of each queue-day.
    type Span = (DateTime<Tz>, DateTime<Tz>, f64);
    let mut span: BTreeMap<(&str, NaiveDate), Span> = BTreeMap::new();
    for r in intervals.iter().filter(|r| r.supply.gap > 0.0) {
        let end = r.start + chrono::Duration::seconds(step);
        let e = span
            .entry((r.queue.as_str(), r.start.date_naive()))
            .or_insert((r.start, end, 0.0));
        e.0 = e.0.min(r.start);
        e.1 = e.1.max(end);
        e.2 = e.2.max(r.supply.gap);
    }
    days.iter()
        .filter_map(|d| {
            let (from, to, worst) = span.get(&(d.queue.as_str(), d.date))?;
            Some(Alert::Gap {
                queue: d.queue.clone(),
                date: d.date,
                events: d.events.clone(),
                from: from.format("%H:%M").to_string(),
                to: to.format("%H:%M").to_string(),
                short_by: *worst,
                gap_hours: d.gap_hours,
                service_level: d.service_level,
            })
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

/// How a plan's scheduled agents fare on actual volumes, against staffing
/// each interval with perfect knowledge of its volume.
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
    /// Actual contacts on the forecast's event days.
    pub event_contacts: f64,
    /// Call-weighted service level on those days (1 when there are none).
    pub event_service_level: f64,
    /// Agent-hours scheduled on the phones (whole agents per interval).
    pub agent_hours: f64,
    /// Agent-hours of the fewest agents meeting the target in every
    /// interval had its volume been known.
    pub perfect_agent_hours: f64,
}

/// Replays the plan's scheduled agents (`floor(scheduled + 1e-9)` per
/// interval) on `actuals` (rows whose `mean` is the actual volume), per
/// queue, over the weeks planned. Handle times are the
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
        let mut event_served = 0.0;
        let event_days: std::collections::BTreeSet<NaiveDate> = intervals
            .iter()
            .filter(|r| r.queue == q.name && !r.events.is_empty())
            .map(|r| r.start.date_naive())
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for a in actuals.iter().filter(|a| a.queue == q.name) {
            let day = a.start.date_naive();
            if day < first || day > last || !seen.insert(a.start) {
                continue;
            }
            let v = a.mean;
            let (agents, aht_s) =
                match planned.get(&(q.name.as_str(), a.start)) {
                    Some(r) => (whole_agents(r.supply.scheduled), r.aht_s),
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
            if event_days.contains(&day) {
                e.event_contacts += v;
                event_served += v * sl;
            }
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
            e.event_service_level = if e.event_contacts > 0.0 {
                event_served / e.event_contacts
            } else {
                1.0
            };
            out.push(e);
        }
    }
    out
}
