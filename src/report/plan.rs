//! The plan's outputs: `intervals.csv`, `weeks.csv`, `hires.csv`,
//! `summary.json`, the chart `plan.svg`, and the text summary for a
//! person. [`PlanReport`] holds the plain data; [`Render`] gives its three
//! stdout formats, [`PlanReport::files`] the out-dir set.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::calendar::Calendar;
use crate::capacity::hires::HireWave;
use crate::capacity::plan::{Alert, DayPlan, Evaluation, Plan, WeekPlan};
use crate::capacity::roster::Source;
use crate::capacity::{ScenarioPlan, VariantFigures};
use crate::error::{Error, Result};
use crate::report::csv::CsvOut;
use crate::report::simulate::{MIN_P_MEET, SimulationReport};
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render, fixed, json_bytes, plan_layout, plot};
use crate::simulate::DayStats;
use crate::units::clock;

/// A plan with what its summary names: the scenario file and dates.
#[derive(Clone, Copy, Debug)]
pub struct PlanReport<'a> {
    /// The plan, its variants and evaluation.
    pub result: &'a ScenarioPlan,
    /// The scenario file as the user named it.
    pub scenario_file: &'a str,
    /// The scenario's planning date.
    pub as_of: NaiveDate,
    /// The horizon asked for (before widening to whole weeks).
    pub horizon: (NaiveDate, NaiveDate),
    /// The plan's simulated days, with `plan --simulate`: their figures
    /// join `days.csv` and `summary.json`.
    pub simulation: Option<&'a SimulationReport>,
}

impl Render for PlanReport<'_> {
    /// The summary, then the evaluation on actual volumes if any.
    fn table(&self, look: Look) -> String {
        let r = self.result;
        let mut text = summary_text(&r.base, &r.variants, look);
        if let Some(ev) = &r.evaluation {
            text.push_str(&evaluation_text(ev, look));
        }
        text
    }

    /// `weeks.csv`.
    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        weeks_csv(&self.result.base, dialect)
    }

    /// `summary.json`.
    fn json(&self) -> Value {
        let r = self.result;
        let mut summary = summary_json(
            &r.base,
            self.scenario_file,
            &self.as_of.to_string(),
            (&self.horizon.0.to_string(), &self.horizon.1.to_string()),
            &r.variants,
        );
        if let (Some(ev), Some(obj)) = (&r.evaluation, summary.as_object_mut())
        {
            obj.insert("evaluation".into(), evaluation_json(ev));
        }
        if let (Some(sim), Some(obj)) =
            (self.simulation, summary.as_object_mut())
        {
            obj.insert("simulation".into(), simulation_json(sim));
        }
        summary
    }
}

impl PlanReport<'_> {
    /// The files of `--out-dir`, by name: intervals, weeks, hires and the
    /// summary (the chart is [`chart_svg`]).
    ///
    /// # Errors
    ///
    /// Only on an internal encoding error.
    pub fn files(
        &self,
        dialect: Dialect,
    ) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let base = &self.result.base;
        Ok(vec![
            ("intervals.csv", intervals_csv(base, dialect)?),
            ("shifts.csv", shifts_csv(base, dialect)?),
            ("days.csv", days_csv(base, self.simulation, dialect)?),
            ("weeks.csv", weeks_csv(base, dialect)?),
            ("hires.csv", hires_csv(base, dialect)?),
            ("summary.json", json_bytes(&self.json())?),
        ])
    }
}

/// Event days drawn interval by interval under the weekly view.
pub const EVENT_DAYS_DRAWN: usize = 3;

/// The plan chart as SVG: required FTE per week and queue against the
/// supply by source, with the calendar's events marked; then, for each of
/// the [`EVENT_DAYS_DRAWN`] busiest event days (most agent-hours
/// required), required against scheduled agents per interval, stacked by
/// source.
///
/// # Errors
///
/// [`Error::Usage`] when the plan has nothing to draw.
pub fn chart_svg(plan: &Plan, calendar: &Calendar) -> Result<Vec<u8>> {
    let bad = |e: plot::ChartError| Error::usage(format!("plan chart: {e}"));
    let mut parts = vec![
        plot::plan_chart(&plan.weeks, calendar)
            .and_then(|c| {
                plot::render_svg(&c, plot::WIDTH, plot::PANEL_HEIGHT)
            })
            .map_err(bad)?,
    ];
    let step = plan
        .intervals
        .windows(2)
        .map(|w| w[1].start - w[0].start)
        .filter(|d| *d > chrono::TimeDelta::zero())
        .min()
        .unwrap_or(chrono::TimeDelta::minutes(30));
    for (date, events) in busiest_event_days(plan, calendar) {
        let mut queues: Vec<(String, Vec<plot::PlanChartInterval>)> = vec![];
        for r in plan.intervals.iter().filter(|r| r.start.date_naive() == date)
        {
            if queues.last().is_none_or(|(q, _)| q != &r.queue) {
                queues.push((r.queue.clone(), vec![]));
            }
            if let Some((_, rows)) = queues.last_mut() {
                rows.push(plot::PlanChartInterval {
                    start: r.start.naive_local(),
                    required: f64::from(r.required_agents),
                    in_house: r.supply.in_house,
                    hired: r.supply.hire,
                    overtime: r.supply.overtime,
                    partner: r.supply.partner,
                });
            }
        }
        let title =
            format!("{} {date}: agents per interval", events.join(", "));
        parts.push(
            plot::event_day_chart(&title, &queues, step)
                .and_then(|c| {
                    plot::render_svg(&c, plot::WIDTH, plot::PANEL_HEIGHT)
                })
                .map_err(bad)?,
        );
    }
    Ok(stack_svgs(&parts).into_bytes())
}

/// The busiest days with an event of `calendar` (the weekly view's),
/// most agent-hours required first (ties by date), with their events.
fn busiest_event_days(
    plan: &Plan,
    calendar: &Calendar,
) -> Vec<(NaiveDate, Vec<String>)> {
    let mut by: BTreeMap<NaiveDate, (f64, Vec<String>)> = BTreeMap::new();
    for d in &plan.days {
        let names: Vec<&String> = calendar
            .on(d.date)
            .filter(|e| e.applies_to(&d.queue))
            .map(|e| &e.name)
            .collect();
        if names.is_empty() {
            continue;
        }
        let e = by.entry(d.date).or_default();
        e.0 += d.required_hours;
        for name in names {
            if !e.1.contains(name) {
                e.1.push(name.clone());
            }
        }
    }
    let mut days: Vec<(NaiveDate, f64, Vec<String>)> =
        by.into_iter().map(|(d, (h, e))| (d, h, e)).collect();
    days.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    days.into_iter().take(EVENT_DAYS_DRAWN).map(|(d, _, e)| (d, e)).collect()
}

/// SVG documents one under the other in one document: each keeps its
/// own coordinates inside a nested `<svg>` moved down by the heights
/// above it.
fn stack_svgs(parts: &[String]) -> String {
    if let [one] = parts {
        return one.clone();
    }
    let height = |svg: &str| -> u32 {
        let head = svg.split('>').next().unwrap_or("");
        head.split("height=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .and_then(|h| h.parse().ok())
            .unwrap_or(0)
    };
    let total: u32 = parts.iter().map(|p| height(p)).sum();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" \
         height=\"{total}\" viewBox=\"0 0 {w} {total}\">\n",
        w = plot::WIDTH
    );
    let mut y = 0;
    for p in parts {
        out.push_str(&p.replacen("<svg ", &format!("<svg y=\"{y}\" "), 1));
        out.push('\n');
        y += height(p);
    }
    out.push_str("</svg>\n");
    out
}

/// An alert as the planner reads it.
pub fn alert_text(alert: &Alert) -> String {
    match alert {
        Alert::Recruit {
            count,
            queue,
            contract,
            recruit_by,
            train_from,
            productive_from,
            until,
        } => format!(
            "recruit {count} for {queue}{} by {recruit_by} (training from \
             {train_from}, on the phones {productive_from} to {until})",
            if contract.is_empty() {
                String::new()
            } else {
                format!(" ({contract})")
            }
        ),
        Alert::PartnerNotice {
            partner,
            notify_by,
            peak_fte,
            from,
            fte_weeks,
        } => {
            format!(
                "give {partner} notice by {notify_by} for up to {} agents \
                 at once from {from} ({} FTE-weeks paid)",
                fixed(*peak_fte, 1),
                fixed(*fte_weeks, 1)
            )
        }
        Alert::TooLateToHire {
            first_hire_week,
            recruit_weeks,
            train_weeks,
            as_of,
            queue,
            with_partners,
        } => format!(
            "too late to hire for the weeks before {first_hire_week} \
             (recruiting takes {recruit_weeks} + {train_weeks} weeks from \
             {as_of}): {queue} is covered by overtime{} there",
            if *with_partners { " and partners" } else { "" }
        ),
        Alert::Gap {
            queue,
            date,
            events,
            from,
            to,
            short_by,
            gap_hours,
            service_level,
        } => format!(
            "{}{date} {from}–{to}: {queue} short by up to {} ({} \
             agent-hours), expected service level {} %",
            if events.is_empty() {
                String::new()
            } else {
                format!("{} ", events.join(", "))
            },
            crate::pipeline::plural(short_by.ceil() as usize, "agent"),
            fixed(*gap_hours, 1),
            fixed(service_level * 100.0, 0)
        ),
        Alert::Forecast { note } => note.clone(),
    }
}

/// `intervals.csv`.
///
/// # Errors
///
/// Only on an internal encoding error.
fn intervals_csv(plan: &Plan, dialect: Dialect) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(dialect, &plan_layout::intervals::HEADER)?;
    let n = |x: f64, d: usize| dialect.number(x, d);
    for r in &plan.intervals {
        let a = &r.supply;
        out.row([
            r.start.to_rfc3339(),
            r.queue.clone(),
            n(r.forecast, FORECAST_DECIMALS),
            n(r.p10, FORECAST_DECIMALS),
            n(r.p90, FORECAST_DECIMALS),
            n(r.aht_s, AHT_DECIMALS),
            n(r.staffing_volume, crate::capacity::plan::VOLUME_DECIMALS),
            r.required_agents.to_string(),
            n(r.service_level, 4),
            n(a.scheduled, AGENT_DECIMALS),
            n(a.in_house, AGENT_DECIMALS),
            n(a.hire, AGENT_DECIMALS),
            n(a.overtime, AGENT_DECIMALS),
            n(a.partner, AGENT_DECIMALS),
            n(a.gap, AGENT_DECIMALS),
        ])?;
    }
    out.into_bytes()
}

/// `weeks.csv`.
///
/// # Errors
///
/// Only on an internal encoding error.
fn weeks_csv(plan: &Plan, dialect: Dialect) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(
        dialect,
        &[
            "week_start",
            "queue",
            "required_fte",
            "in_house_fte",
            "hired_fte",
            "overtime_fte",
            "partner_fte",
            "gap_fte",
            "cost",
            "gap_hours",
        ],
    )?;
    let n = |x: f64| dialect.number(x, 4);
    for w in &plan.weeks {
        out.row([
            w.week_start.to_string(),
            w.queue.clone(),
            n(w.required_fte),
            n(w.in_house_fte),
            n(w.hired_fte),
            n(w.overtime_fte),
            n(w.partner_fte),
            n(w.gap_fte),
            dialect.number(w.cost, 2),
            n(w.gap_hours),
        ])?;
    }
    out.into_bytes()
}

/// Decimals of on-phone agents in the files: enough that the sources
/// add up to `scheduled_agents` and the rows of `shifts.csv` to it.
pub const AGENT_DECIMALS: usize = 6;

/// Decimals of the forecast mean and quantiles in `intervals.csv`.
pub const FORECAST_DECIMALS: usize = 2;

/// Decimals of the handle time in `intervals.csv`.
pub const AHT_DECIMALS: usize = 1;

/// `shifts.csv`.
///
/// # Errors
///
/// Only on an internal encoding error.
fn shifts_csv(plan: &Plan, dialect: Dialect) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(dialect, &plan_layout::shifts::HEADER)?;
    for r in &plan.shifts {
        out.row([
            r.date.to_string(),
            r.queue.clone(),
            r.source.as_str().to_string(),
            r.contract.clone(),
            r.shift.clone(),
            clock(r.start_min),
            clock(r.end_min),
            r.people.to_string(),
            dialect.number(r.on_phone, AGENT_DECIMALS),
        ])?;
    }
    out.into_bytes()
}

/// `days.csv`; with a simulation, each day's simulated figures
/// ([`SIM_DAY_COLUMNS`]) after the planned ones, empty for a day not
/// simulated or a figure without contacts.
///
/// # Errors
///
/// Only on an internal encoding error.
fn days_csv(
    plan: &Plan,
    simulation: Option<&SimulationReport>,
    dialect: Dialect,
) -> Result<Vec<u8>> {
    let mut header = vec![
        "date",
        "queue",
        "required_hours",
        "scheduled_hours",
        "gap_hours",
        "peak_required",
        "peak_scheduled",
        "service_level",
    ];
    if simulation.is_some() {
        header.extend(SIM_DAY_COLUMNS);
    }
    let simulated: BTreeMap<(NaiveDate, &str), &DayStats> = simulation
        .iter()
        .flat_map(|s| &s.days)
        .map(|d| ((d.date, d.stats.queue.as_str()), &d.stats))
        .collect();
    let mut out = CsvOut::new(dialect, &header)?;
    let n = |x: f64, d: usize| dialect.number(x, d);
    let o = |x: Option<f64>| x.map_or(String::new(), |x| n(x, 4));
    for d in &plan.days {
        let mut row = vec![
            d.date.to_string(),
            d.queue.clone(),
            n(d.required_hours, 4),
            n(d.scheduled_hours, 4),
            n(d.gap_hours, 4),
            d.peak_required.to_string(),
            n(d.peak_scheduled, 4),
            n(d.service_level, 4),
        ];
        if simulation.is_some() {
            match simulated.get(&(d.date, d.queue.as_str())) {
                Some(s) => row.extend([
                    o(s.sl_mean),
                    o(s.sl_p10),
                    o(s.sl_p90),
                    n(s.p_meet_target, 4),
                    o(s.abandon_rate),
                ]),
                None => row.extend(SIM_DAY_COLUMNS.map(|_| String::new())),
            }
        }
        out.row(row)?;
    }
    out.into_bytes()
}

/// The columns `plan --simulate` adds to `days.csv`.
pub const SIM_DAY_COLUMNS: [&str; 5] = [
    "sim_sl_mean",
    "sim_sl_p10",
    "sim_sl_p90",
    "sim_p_meet_target",
    "sim_abandon_rate",
];

/// The `simulation` object of `summary.json`: runs, seed, and the
/// figures of every event day and queue, flagged when under
/// [`MIN_P_MEET`] of the runs hold the target.
fn simulation_json(sim: &SimulationReport) -> Value {
    let r = |x: Option<f64>| x.map(|x| round(x, 4));
    json!({
        "runs": sim.runs,
        "seed": sim.seed,
        "min_p_meet_target": MIN_P_MEET,
        "event_days": sim.days.iter().filter(|d| !d.events.is_empty()).map(|d| json!({
            "date": d.date.to_string(),
            "queue": d.stats.queue,
            "events": d.events,
            "sl_mean": r(d.stats.sl_mean),
            "sl_p10": r(d.stats.sl_p10),
            "sl_p90": r(d.stats.sl_p90),
            "p_meet_target": round(d.stats.p_meet_target, 4),
            "abandon_rate": r(d.stats.abandon_rate),
            "flagged": d.flagged(),
            "failing_hours": d.failing_text(),
        })).collect::<Vec<_>>(),
    })
}

/// `hires.csv`.
///
/// # Errors
///
/// Only on an internal encoding error.
fn hires_csv(plan: &Plan, dialect: Dialect) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(
        dialect,
        &[
            "queue",
            "count",
            "recruit_by",
            "train_from",
            "productive_from",
            "until",
            "cost",
            "contract",
        ],
    )?;
    for h in &plan.hires {
        let [a, b, c, d, e, f, g] = hire_cells(h, dialect.number(h.cost, 2));
        out.row([a, b, c, d, e, f, g, h.contract.clone()])?;
    }
    out.into_bytes()
}

/// The cells of a hire wave, in the columns of `hires.csv` and of the
/// table, with its `cost` already written.
fn hire_cells(h: &HireWave, cost: String) -> [String; 7] {
    [
        h.queue.clone(),
        h.count.to_string(),
        h.recruit_by.to_string(),
        h.train_from.to_string(),
        h.productive_from.to_string(),
        h.until.to_string(),
        cost,
    ]
}

/// Days with an event, by queue then date.
fn event_days(plan: &Plan) -> Vec<&DayPlan> {
    plan.days.iter().filter(|d| !d.events.is_empty()).collect()
}

/// Intervals needing agents, and the share of them scheduled within
/// ±5 % of their requirement.
fn within_5_percent(plan: &Plan) -> (usize, f64) {
    let needed: Vec<_> =
        plan.intervals.iter().filter(|r| r.required_agents > 0).collect();
    let close = needed
        .iter()
        .filter(|r| {
            let req = f64::from(r.required_agents);
            (r.supply.scheduled - req).abs() <= 0.05 * req + 1e-9
        })
        .count();
    let share = if needed.is_empty() {
        1.0
    } else {
        close as f64 / needed.len() as f64
    };
    (needed.len(), share)
}

fn coverage_json(plan: &Plan) -> Value {
    let (n, share) = within_5_percent(plan);
    let short = plan.intervals.iter().filter(|r| r.supply.gap > 0.0).count();
    json!({
        "intervals_needing_agents": n,
        "within_5_percent": round(share, 4),
        "intervals_with_gap": short,
        "gap_agent_hours": round(plan.days.iter().map(|d| d.gap_hours).sum(), 2),
    })
}

/// People starting a shift (in-house and hires) per day, queue and start
/// time.
type Starts = (NaiveDate, String, Vec<(u32, u32)>);

fn publish(plan: &Plan) -> Vec<Starts> {
    let mut by: BTreeMap<(String, NaiveDate), BTreeMap<u32, u32>> =
        BTreeMap::new();
    for r in &plan.shifts {
        if matches!(r.source, Source::InHouse | Source::Hire) {
            *by.entry((r.queue.clone(), r.date))
                .or_default()
                .entry(r.start_min)
                .or_default() += r.people;
        }
    }
    by.into_iter().map(|((q, d), m)| (d, q, m.into_iter().collect())).collect()
}

fn round(x: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// Per queue: agent-hours, expected service level, peak week, gaps.
fn queue_summaries(plan: &Plan) -> Vec<Value> {
    let mut queues: BTreeMap<&str, Vec<&WeekPlan>> = BTreeMap::new();
    for w in &plan.weeks {
        queues.entry(&w.queue).or_default().push(w);
    }
    // One pass over the intervals, in their order, so that each queue's
    // sums add the same terms in the same order as a filter per queue.
    let mut contacts: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for r in &plan.intervals {
        let (calls, served) = contacts.entry(&r.queue).or_default();
        *calls += r.forecast;
        *served += r.forecast * r.service_level;
    }
    queues
        .into_iter()
        .map(|(q, weeks)| {
            let (calls, served) =
                contacts.get(q).copied().unwrap_or((0.0, 0.0));
            let peak = weeks
                .iter()
                .max_by(|a, b| a.required_fte.total_cmp(&b.required_fte));
            let gap: f64 = weeks.iter().map(|w| w.gap_fte).sum();
            json!({
                "queue": q,
                "contacts": round(calls, 1),
                "agent_hours": round(weeks.iter().map(|w| w.agent_hours).sum(), 1),
                "expected_service_level":
                    if calls > 0.0 { round(served / calls, 4) } else { 1.0 },
                "peak_week": peak.map(|w| w.week_start.to_string()),
                "peak_required_fte": peak.map(|w| round(w.required_fte, 2)),
                "in_house_fte": weeks.first().map(|w| w.in_house_fte),
                "gap_fte_weeks": round(gap, 3),
                "weeks_with_gap": weeks.iter().filter(|w| w.gap_fte > 0.0).count(),
            })
        })
        .collect()
}

/// `summary.json`.
fn summary_json(
    plan: &Plan,
    scenario_file: &str,
    as_of: &str,
    horizon: (&str, &str),
    variants: &[VariantFigures],
) -> Value {
    let c = &plan.costs;
    let base = variants.first();
    json!({
        "scenario": scenario_file,
        "as_of": as_of,
        "horizon": {
            "from": horizon.0,
            "to": horizon.1,
            "weeks_from": plan.first_monday.to_string(),
            "weeks_to": plan.last_sunday.to_string(),
        },
        "staff_to": plan.staff_to.as_str(),
        "totals": {
            "agent_hours": round(plan.weeks.iter().map(|w| w.agent_hours).sum(), 1),
            "hires": plan.hires.iter().map(|h| h.count).sum::<u32>(),
            "gap_fte_weeks": round(plan.weeks.iter().map(|w| w.gap_fte).sum(), 3),
            "weeks_with_gap": plan.weeks.iter().filter(|w| w.gap_fte > 0.0).count(),
            "cost": round(c.total, 2),
            "cost_by_source": {
                "in_house": round(c.in_house, 2),
                "hires": round(c.hires + c.hires_outside_horizon, 2),
                "hires_outside_weeks_planned": round(c.hires_outside_horizon, 2),
                "overtime": round(c.overtime, 2),
                "partners": round(c.partners, 2),
            },
        },
        "earliest_hire_week": plan.earliest_hire_week.map(|d| d.to_string()),
        "queues": queue_summaries(plan),
        "roster": {
            "objective": round(plan.optimisation.objective, 2),
            "lower_bound": round(plan.optimisation.bound, 2),
            "gap": round(plan.optimisation.gap, 2),
            "relative_gap": round(plan.optimisation.relative_gap, 4),
            "integral_week_lps": plan.optimisation.integral_weeks,
            "week_lps": plan.optimisation.week_lps,
            "effort": plan.optimisation.effort,
            "days_below_floor": plan.optimisation.days_below_floor,
            "calls_below_floor": round(plan.optimisation.calls_below_floor, 1),
        },
        "coverage": coverage_json(plan),
        "event_days": event_days(plan).iter().map(|d| json!({
            "date": d.date.to_string(),
            "queue": d.queue,
            "events": d.events,
            "service_level": round(d.service_level, 4),
            "peak_required": d.peak_required,
            "peak_scheduled": round(d.peak_scheduled, 3),
            "gap_hours": round(d.gap_hours, 2),
        })).collect::<Vec<_>>(),
        "gaps": plan.alerts.iter().filter(|a| matches!(a, Alert::Gap { .. })).map(alert_text).collect::<Vec<_>>(),
        "publish": publish(plan).iter().map(|(date, queue, starts)| json!({
            "date": date.to_string(),
            "queue": queue,
            "starts": starts.iter().map(|(t, n)| json!({"time": clock(*t), "people": n})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "hires": plan.hires,
        "partners": plan.partners.iter().map(|p| json!({
            "name": p.name,
            "available_from": p.available_from.to_string(),
            "first_week_used": p.first_week_used.map(|d| d.to_string()),
            "peak_fte": round(p.peak_fte, 3),
            "fte_weeks": round(p.fte_weeks, 3),
            "cost": round(p.cost, 2),
        })).collect::<Vec<_>>(),
        "alerts": plan.alerts.iter().map(alert_text).collect::<Vec<_>>(),
        "alert_fields": plan.alerts,
        "whatif": variants.iter().map(|v| json!({
            "name": v.name,
            "contacts": round(v.contacts, 1),
            "agent_hours": round(v.agent_hours, 1),
            "hires": v.hires,
            "flexible_cost": round(v.flexible_cost, 2),
            "total_cost": round(v.total_cost, 2),
            "gap_fte_weeks": round(v.gap_fte_weeks, 3),
            "saving_vs_base": base.map(|b| round(b.total_cost - v.total_cost, 2)),
        })).collect::<Vec<_>>(),
    })
}

/// The summary for a person at a terminal.
///
/// `look` decides colour and fitting (use [`Look::PLAIN`] for files and
/// pipes): gaps and missed targets are red on a colour terminal.
fn summary_text(
    plan: &Plan,
    variants: &[VariantFigures],
    look: Look,
) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Capacity plan {} to {} (staffing rule: {})\n\n",
        plan.first_monday,
        plan.last_sunday,
        plan.staff_to.as_str()
    ));
    s.push_str("FTE per week\n");
    s.push_str(&weeks_table(plan).render_with(look));
    if !plan.hires.is_empty() {
        s.push_str("\nSeasonal hires\n");
        s.push_str(&hires_table(plan).render_with(look));
    }
    s.push_str("\nCost\n");
    s.push_str(&cost_table(plan).render_with(look));
    let o = &plan.optimisation;
    let (_, share) = within_5_percent(plan);
    s.push_str(&format!(
        "\nRoster: objective {}, lower bound {}, gap {} ({} %); {} % of \
         intervals within ±5 % of requirement\n",
        fixed(o.objective, 0),
        fixed(o.bound, 0),
        fixed(o.gap, 0),
        fixed(o.relative_gap * 100.0, 2),
        fixed(share * 100.0, 1)
    ));
    if o.days_below_floor > 0 {
        s.push_str(&format!(
            "Service-level floor out of reach on {} queue-days: their gaps \
             lose {} calls beyond it, which no source could save\n",
            o.days_below_floor,
            fixed(o.calls_below_floor, 0)
        ));
    }
    let events = event_days(plan);
    if !events.is_empty() {
        s.push_str("\nEvent days\n");
        s.push_str(&event_days_table(&events).render_with(look));
        s.push_str("\nShifts to publish on event days (people starting)\n");
        let starts = publish(plan);
        for (date, queue, st) in starts.iter().filter(|(d, q, _)| {
            events.iter().any(|e| e.date == *d && &e.queue == q)
        }) {
            let list: Vec<String> =
                st.iter().map(|(t, n)| format!("{} {n}", clock(*t))).collect();
            s.push_str(&format!("- {date} {queue}: {}\n", list.join(", ")));
        }
    }
    if variants.len() > 1 {
        s.push_str("\nWhat-ifs\n");
        s.push_str(&variants_table(variants).render_with(look));
    }
    if !plan.alerts.is_empty() {
        s.push_str("\nTo do\n");
        for a in &plan.alerts {
            s.push_str(&format!("- {}\n", alert_text(a)));
        }
    }
    s
}

/// A sum of money for a person: `12 345 €`.
fn money(x: f64) -> String {
    format!("{} €", fixed(x.round(), 0))
}

/// FTE per week and source, gaps marked.
fn weeks_table(plan: &Plan) -> Table {
    let mut t = Table::new([
        "week",
        "queue",
        "required (FTE)",
        "in-house",
        "hired",
        "overtime",
        "partners",
        "gap (FTE)",
    ]);
    for w in &plan.weeks {
        let emphasis =
            if w.gap_fte > 0.0 { Emphasis::Alert } else { Emphasis::None };
        t.row_with(
            [
                w.week_start.to_string(),
                w.queue.clone(),
                fixed(w.required_fte, 1),
                fixed(w.in_house_fte, 1),
                fixed(w.hired_fte, 1),
                fixed(w.overtime_fte, 1),
                fixed(w.partner_fte, 1),
                fixed(w.gap_fte, 1),
            ],
            emphasis,
        );
    }
    t
}

/// Event days: requirement, schedule and service level.
fn event_days_table(days: &[&DayPlan]) -> Table {
    let mut t = Table::new([
        "day",
        "queue",
        "events",
        "peak required",
        "peak scheduled",
        "gap (agent-h)",
        "expected SL",
    ]);
    for d in days {
        let emphasis =
            if d.gap_hours > 0.0 { Emphasis::Alert } else { Emphasis::None };
        t.row_with(
            [
                d.date.to_string(),
                d.queue.clone(),
                d.events.join(", "),
                d.peak_required.to_string(),
                fixed(d.peak_scheduled, 1),
                fixed(d.gap_hours, 1),
                format!("{} %", fixed(d.service_level * 100.0, 1)),
            ],
            emphasis,
        );
    }
    t
}

/// The hire waves.
fn hires_table(plan: &Plan) -> Table {
    let mut t = Table::new([
        "queue",
        "hires",
        "recruit by",
        "train from",
        "productive",
        "until",
        "cost",
    ]);
    for h in &plan.hires {
        t.row(hire_cells(h, money(h.cost)));
    }
    t
}

/// Cost by source.
fn cost_table(plan: &Plan) -> Table {
    let c = &plan.costs;
    let mut t = Table::new(["source", "cost"]);
    t.row(["in-house team".to_string(), money(c.in_house)]);
    t.row([
        "seasonal hires".to_string(),
        money(c.hires + c.hires_outside_horizon),
    ]);
    t.row(["overtime".to_string(), money(c.overtime)]);
    t.row(["partners".to_string(), money(c.partners)]);
    t.total(["total".to_string(), money(c.total)]);
    t
}

/// The variants side by side.
fn variants_table(variants: &[VariantFigures]) -> Table {
    let mut t = Table::new([
        "variant",
        "contacts",
        "agent-hours",
        "hires",
        "flexible cost",
        "gap FTE-weeks",
    ]);
    for v in variants {
        t.row([
            v.name.clone(),
            fixed(v.contacts, 0),
            fixed(v.agent_hours, 0),
            v.hires.to_string(),
            money(v.flexible_cost),
            fixed(v.gap_fte_weeks, 1),
        ]);
    }
    t
}

/// The evaluation on actual volumes, for `summary.json`.
fn evaluation_json(ev: &[Evaluation]) -> Value {
    Value::Array(
        ev.iter()
            .map(|e| {
                json!({
                    "queue": e.queue,
                    "intervals": e.intervals,
                    "unplanned_intervals": e.unplanned_intervals,
                    "contacts": round(e.contacts, 1),
                    "target": e.target,
                    "service_level": round(e.service_level, 4),
                    "intervals_on_target": round(e.intervals_on_target, 4),
                    "event_days_contacts": round(e.event_contacts, 1),
                    "event_days_service_level": round(e.event_service_level, 4),
                    "agent_hours": round(e.agent_hours, 1),
                    "perfect_agent_hours": round(e.perfect_agent_hours, 1),
                    "extra_agent_hours": if e.perfect_agent_hours > 0.0 {
                        round(e.agent_hours / e.perfect_agent_hours - 1.0, 4)
                    } else {
                        0.0
                    },
                })
            })
            .collect(),
    )
}

/// The evaluation on actual volumes, for a person.
fn evaluation_text(ev: &[Evaluation], look: Look) -> String {
    let mut t = Table::new([
        "queue",
        "intervals",
        "target",
        "SL reached",
        "on target",
        "agent-hours",
        "perfect",
        "extra",
    ]);
    for e in ev {
        let extra = if e.perfect_agent_hours > 0.0 {
            e.agent_hours / e.perfect_agent_hours - 1.0
        } else {
            0.0
        };
        let missed = e.service_level < e.target;
        t.row_with(
            [
                e.queue.clone(),
                e.intervals.to_string(),
                format!("{}%", fixed(e.target * 100.0, 1)),
                format!("{}%", fixed(e.service_level * 100.0, 1)),
                format!("{}%", fixed(e.intervals_on_target * 100.0, 1)),
                fixed(e.agent_hours, 0),
                fixed(e.perfect_agent_hours, 0),
                format!("{}%", fixed(extra * 100.0, 1)),
            ],
            if missed { Emphasis::Alert } else { Emphasis::None },
        );
    }
    let mut text = format!("\nOn actual volumes\n{}", t.render_with(look));
    for e in ev.iter().filter(|e| e.unplanned_intervals > 0) {
        text.push_str(&format!(
            "- {}: {} interval(s) had contacts the forecast expected closed \
             (staffed with nobody)\n",
            e.queue, e.unplanned_intervals
        ));
    }
    text
}
