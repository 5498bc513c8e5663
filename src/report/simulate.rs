//! The simulation's outputs: `days.csv` (one row per day and queue),
//! `intervals.csv` (one row per interval), the JSON document, the table
//! for a person, and the chart of one day ([`chart_svg`]).
//!
//! [`SimulationReport`] holds the plain data; [`Render`] gives its three
//! stdout formats and [`SimulationReport::files`] the out-dir set.
//!
//! A day is *flagged* when fewer than [`MIN_P_MEET`] of its runs hold the
//! target; its failing hours are the intervals whose mean simulated
//! service level is under the target.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::report::csv::CsvOut;
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render, fixed, plot};
use crate::simulate::from_plan::{PlanModel, StaffSource};
use crate::simulate::{DayStats, Outcome, SlTarget, SlotStats};

/// A day whose share of runs holding the target is below this is
/// flagged (and fails `--strict` when it is an event day).
pub const MIN_P_MEET: f64 = 0.8;

/// The simulation of a plan, ready to write.
#[derive(Clone, Debug)]
pub struct SimulationReport {
    /// Per queue and day: event days first, then the others, each in
    /// date and queue order.
    pub days: Vec<DayRow>,
    /// Runs simulated.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// Where the in-house staff came from.
    pub staff: StaffSource,
    /// How the model was built, for the reader.
    pub notes: Vec<String>,
}

/// One queue and day.
#[derive(Clone, Debug)]
pub struct DayRow {
    /// The local date.
    pub date: NaiveDate,
    /// The calendar's events on the date for the queue.
    pub events: Vec<String>,
    /// The queue's target.
    pub target: SlTarget,
    /// The figures over runs.
    pub stats: DayStats,
    /// Per interval: its start and its figures.
    pub slots: Vec<(DateTime<Tz>, SlotStats)>,
    /// Local start and end of each stretch of intervals whose mean
    /// service level is under the target.
    pub failing: Vec<(NaiveTime, NaiveTime)>,
}

impl DayRow {
    /// Whether fewer than [`MIN_P_MEET`] of the runs hold the target.
    pub fn flagged(&self) -> bool {
        self.stats.p_meet_target < MIN_P_MEET
    }

    /// The failing hours as `10:00–12:30, 15:00–15:30`.
    pub fn failing_text(&self) -> String {
        let f = |t: NaiveTime| t.format("%H:%M").to_string();
        let parts: Vec<String> = self
            .failing
            .iter()
            .map(|&(a, b)| format!("{}–{}", f(a), f(b)))
            .collect();
        parts.join(", ")
    }
}

impl SimulationReport {
    /// Joins the model's days, the outcome and the calendar's events.
    pub fn new(
        plan: &PlanModel,
        outcome: Outcome,
        calendar: &Calendar,
        seed: u64,
    ) -> SimulationReport {
        let slot = TimeDelta::seconds(plan.model.slot_s as i64);
        let mut slots = outcome.slots.into_iter();
        let mut days: Vec<DayRow> = plan
            .days
            .iter()
            .zip(outcome.days)
            .map(|(info, stats)| {
                let slots: Vec<(DateTime<Tz>, SlotStats)> = info
                    .slot_starts
                    .iter()
                    .copied()
                    .zip(slots.by_ref().take(info.slot_starts.len()))
                    .collect();
                let events = calendar
                    .on(info.date)
                    .filter(|e| e.applies_to(&info.queue))
                    .map(|e| e.name.clone())
                    .collect();
                let failing = failing_hours(&slots, info.target.share, slot);
                DayRow {
                    date: info.date,
                    events,
                    target: info.target,
                    stats,
                    slots,
                    failing,
                }
            })
            .collect();
        days.sort_by(|a, b| {
            (a.events.is_empty(), a.date, &a.stats.queue).cmp(&(
                b.events.is_empty(),
                b.date,
                &b.stats.queue,
            ))
        });
        SimulationReport {
            days,
            runs: outcome.runs,
            seed,
            staff: plan.staff,
            notes: plan.notes.clone(),
        }
    }

    /// Event days whose share of runs holding the target is under
    /// [`MIN_P_MEET`].
    pub fn event_days_short(&self) -> Vec<&DayRow> {
        self.days
            .iter()
            .filter(|d| !d.events.is_empty() && d.flagged())
            .collect()
    }

    /// Writes every output as one atomic set: `days.csv` and
    /// `intervals.csv` in `out_dir` (locked, see
    /// [`crate::output::write_files_atomic`]), the chart of a day, and
    /// `main` (the result in its format) at `out`; without `out`, `main`
    /// goes to stdout once the set has landed.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when the chart's day was not simulated;
    /// [`Error::Io`] when a file cannot be written (then none is).
    pub fn write(
        &self,
        dialect: Dialect,
        out_dir: Option<&Path>,
        chart: Option<(&Path, NaiveDate)>,
        out: Option<&Path>,
        main: &[u8],
    ) -> Result<()> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        if let Some(dir) = out_dir {
            for (name, bytes) in self.files(dialect)? {
                files.push((dir.join(name), bytes));
            }
        }
        if let Some((path, day)) = chart {
            files.push((path.to_path_buf(), chart_svg(self, day)?));
        }
        if let Some(path) = out {
            files.push((path.to_path_buf(), main.to_vec()));
        }
        let set: Vec<(&Path, &[u8])> =
            files.iter().map(|(p, b)| (p.as_path(), b.as_slice())).collect();
        match out_dir {
            Some(dir) => crate::output::write_files_atomic(dir, &set)?,
            None => crate::output::write_all_atomic(&set)?,
        }
        match out {
            Some(_) => Ok(()),
            None => crate::output::emit(None, main),
        }
    }

    /// What `--strict` asks: every event day holds its target in at least
    /// [`MIN_P_MEET`] of the runs.
    ///
    /// # Errors
    ///
    /// [`Error::TargetsMissed`] (exit 3) naming the days that do not.
    pub fn strict(&self) -> Result<()> {
        let short: Vec<String> = self
            .event_days_short()
            .iter()
            .map(|d| format!("{} {}", d.date, d.stats.queue))
            .collect();
        if short.is_empty() {
            return Ok(());
        }
        Err(Error::TargetsMissed(format!(
            "event day(s) holding the target in fewer than {} % of runs: {}",
            fixed(100.0 * MIN_P_MEET, 0),
            short.join(", ")
        )))
    }

    /// The files of `--out-dir`: `days.csv` and `intervals.csv`.
    ///
    /// # Errors
    ///
    /// Only on an internal encoding error.
    pub fn files(
        &self,
        dialect: Dialect,
    ) -> Result<Vec<(&'static str, Vec<u8>)>> {
        Ok(vec![
            ("days.csv", self.csv(dialect)?),
            ("intervals.csv", self.intervals_csv(dialect)?),
        ])
    }

    /// `intervals.csv`: the mean service level and queue length of every
    /// interval, in queue and time order.
    ///
    /// # Errors
    ///
    /// Only on an internal encoding error.
    pub fn intervals_csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        let mut out = CsvOut::new(
            dialect,
            &[
                "interval_start",
                "queue",
                "arrivals_mean",
                "sl_mean",
                "sl_p10",
                "sl_p90",
                "p_meet_target",
                "queue_len_mean",
            ],
        )?;
        let n = |x: f64| dialect.number(x, 4);
        let o = |x: Option<f64>| x.map(n).unwrap_or_default();
        for d in self.by_queue() {
            for (start, s) in &d.slots {
                out.row([
                    start.to_rfc3339(),
                    s.queue.clone(),
                    n(s.arrivals_mean),
                    o(s.sl_mean),
                    o(s.sl_p10),
                    o(s.sl_p90),
                    n(s.p_meet_target),
                    n(s.queue_len_mean),
                ])?;
            }
        }
        out.into_bytes()
    }

    /// The days in queue and date order, as the interval files list
    /// them.
    fn by_queue(&self) -> Vec<&DayRow> {
        let mut rows: Vec<&DayRow> = self.days.iter().collect();
        rows.sort_by(|a, b| {
            (&a.stats.queue, a.date).cmp(&(&b.stats.queue, b.date))
        });
        rows
    }

    fn day_json(d: &DayRow) -> Value {
        let s = &d.stats;
        json!({
            "date": d.date.to_string(),
            "queue": s.queue,
            "events": d.events,
            "target": {"service_level": d.target.share, "within_s": d.target.within_s},
            "sl_mean": s.sl_mean,
            "sl_p10": s.sl_p10,
            "sl_p50": s.sl_p50,
            "sl_p90": s.sl_p90,
            "p_meet_target": s.p_meet_target,
            "flagged": d.flagged(),
            "failing_hours": d.failing.iter().map(|(a, b)| {
                json!({"from": a.format("%H:%M").to_string(),
                       "to": b.format("%H:%M").to_string()})
            }).collect::<Vec<_>>(),
            "arrivals_mean": s.arrivals_mean,
            "abandon_rate": s.abandon_rate,
            "p_wait": s.p_wait,
            "asa_s": s.asa_s,
            "longest_wait_mean_s": s.longest_wait_mean_s,
            "longest_wait_max_s": s.longest_wait_max_s,
            "occupancy": s.occupancy,
            "overflow_share": s.overflow_share,
            "waiting_at_close_mean": s.waiting_at_close_mean,
        })
    }
}

/// Stretches of consecutive intervals whose mean service level is under
/// `share`, as local start and end times.
fn failing_hours(
    slots: &[(DateTime<Tz>, SlotStats)],
    share: f64,
    slot: TimeDelta,
) -> Vec<(NaiveTime, NaiveTime)> {
    let mut out: Vec<(NaiveTime, NaiveTime)> = Vec::new();
    let mut last_end: Option<NaiveDateTime> = None;
    for (start, s) in slots {
        if !s.sl_mean.is_some_and(|x| x < share) {
            last_end = None;
            continue;
        }
        let a = start.naive_local();
        let b = a + slot;
        match (last_end, out.last_mut()) {
            (Some(e), Some(span)) if e == a => span.1 = b.time(),
            _ => out.push((a.time(), b.time())),
        }
        last_end = Some(b);
    }
    out
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| fixed(100.0 * v, 1))
}

impl Render for SimulationReport {
    /// Event days first, then the other days; flagged days in red with
    /// their failing hours.
    fn table(&self, look: Look) -> String {
        let mut text = format!(
            "Simulated plan: {} runs (seed {}), staff from {}\n",
            self.runs,
            self.seed,
            match self.staff {
                StaffSource::Shifts => "shifts.csv",
                StaffSource::ScheduledAgents => "scheduled agents",
                StaffSource::RequiredAgents => "required agents",
            }
        );
        let (events, others): (Vec<&DayRow>, Vec<&DayRow>) =
            self.days.iter().partition(|d| !d.events.is_empty());
        for (title, rows) in [("Event days", events), ("Other days", others)] {
            if rows.is_empty() {
                continue;
            }
            text.push_str(&format!("\n{title}\n"));
            text.push_str(&days_table(&rows).render_with(look));
        }
        let flagged = self.days.iter().filter(|d| d.flagged()).count();
        text.push_str(&format!(
            "\n{flagged} day(s) flagged: fewer than {} % of runs hold the \
             target\n",
            fixed(100.0 * MIN_P_MEET, 0)
        ));
        text
    }

    /// `days.csv`.
    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        let mut out = CsvOut::new(
            dialect,
            &[
                "date",
                "queue",
                "events",
                "runs",
                "target_sl",
                "sl_mean",
                "sl_p10",
                "sl_p50",
                "sl_p90",
                "p_meet_target",
                "flagged",
                "failing_hours",
                "arrivals_mean",
                "abandon_rate",
                "asa_s",
                "longest_wait_mean_s",
                "longest_wait_max_s",
                "occupancy",
                "overflow_share",
                "waiting_at_close_mean",
            ],
        )?;
        let n = |x: f64| dialect.number(x, 4);
        let o = |x: Option<f64>| x.map(n).unwrap_or_default();
        for d in &self.days {
            let s = &d.stats;
            out.row([
                d.date.to_string(),
                s.queue.clone(),
                d.events.join("|"),
                s.runs.to_string(),
                n(d.target.share),
                o(s.sl_mean),
                o(s.sl_p10),
                o(s.sl_p50),
                o(s.sl_p90),
                n(s.p_meet_target),
                d.flagged().to_string(),
                d.failing_text(),
                n(s.arrivals_mean),
                o(s.abandon_rate),
                o(s.asa_s),
                n(s.longest_wait_mean_s),
                n(s.longest_wait_max_s),
                o(s.occupancy),
                o(s.overflow_share),
                n(s.waiting_at_close_mean),
            ])?;
        }
        out.into_bytes()
    }

    /// The days with their figures, and the intervals.
    fn json(&self) -> Value {
        let intervals: Vec<Value> = self
            .by_queue()
            .into_iter()
            .flat_map(|d| d.slots.iter())
            .map(|(start, s)| {
                json!({
                    "interval_start": start.to_rfc3339(),
                    "queue": s.queue,
                    "arrivals_mean": s.arrivals_mean,
                    "sl_mean": s.sl_mean,
                    "sl_p10": s.sl_p10,
                    "sl_p90": s.sl_p90,
                    "p_meet_target": s.p_meet_target,
                    "queue_len_mean": s.queue_len_mean,
                })
            })
            .collect();
        json!({
            "runs": self.runs,
            "seed": self.seed,
            "staff_source": self.staff,
            "min_p_meet_target": MIN_P_MEET,
            "notes": self.notes,
            "days": self.days.iter().map(Self::day_json).collect::<Vec<_>>(),
            "intervals": intervals,
        })
    }
}

fn days_table(rows: &[&DayRow]) -> Table {
    let mut t = Table::new([
        "date",
        "queue",
        "events",
        "SL mean (%)",
        "p10",
        "p50",
        "p90",
        "P(SL ≥ target)",
        "abandon (%)",
        "ASA (s)",
        "longest wait (s)",
        "occupancy (%)",
        "overflow (%)",
        "failing hours",
    ]);
    for d in rows {
        let s = &d.stats;
        let emphasis =
            if d.flagged() { Emphasis::Alert } else { Emphasis::None };
        t.row_with(
            [
                d.date.to_string(),
                s.queue.clone(),
                d.events.join(", "),
                pct(s.sl_mean),
                pct(s.sl_p10),
                pct(s.sl_p50),
                pct(s.sl_p90),
                fixed(s.p_meet_target, 2),
                pct(s.abandon_rate),
                s.asa_s.map_or("-".into(), |a| fixed(a, 0)),
                fixed(s.longest_wait_mean_s, 0),
                pct(s.occupancy),
                pct(s.overflow_share),
                if d.flagged() { d.failing_text() } else { String::new() },
            ],
            emphasis,
        );
    }
    t.shrinkable(2).droppable(5, 1).droppable(4, 1).droppable(6, 1);
    t.droppable(12, 2).droppable(11, 3);
    t
}

/// The chart of `date`: per queue, the simulated service level's p10–p90
/// band per interval, its mean and the target.
///
/// # Errors
///
/// [`Error::Usage`] when no queue was simulated on `date`.
pub fn chart_svg(
    report: &SimulationReport,
    date: NaiveDate,
) -> Result<Vec<u8>> {
    let days: Vec<plot::simulate::SimulatedDay> = report
        .days
        .iter()
        .filter(|d| d.date == date)
        .map(|d| plot::simulate::SimulatedDay {
            queue: d.stats.queue.clone(),
            date: d.date,
            events: d.events.clone(),
            target: d.target.share,
            p_meet_target: d.stats.p_meet_target,
            slots: d
                .slots
                .iter()
                .map(|(start, s)| plot::simulate::SimulatedSlot {
                    start: start.naive_local(),
                    sl_mean: s.sl_mean,
                    sl_p10: s.sl_p10,
                    sl_p90: s.sl_p90,
                })
                .collect(),
        })
        .collect();
    let tz = report
        .days
        .first()
        .and_then(|d| d.slots.first())
        .map(|s| s.0.timezone());
    let chart = plot::simulate::simulate_chart(&days, date, report.runs, tz)
        .and_then(|c| plot::render_svg(&c, plot::WIDTH, plot::PANEL_HEIGHT))
        .map_err(|e| Error::usage(format!("--chart: {e}")))?;
    Ok(chart.into_bytes())
}
