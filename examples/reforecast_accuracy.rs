//! Does the intraday re-forecast beat the plan's forecast on the rest of
//! the day? A held-back test on the bundled data.
//!
//! The planner of 1 October 2024 forecasts November and December 2024
//! from the history before that day (`examples/scenario_backtest_2024.toml`,
//! as `examples/plan_holdout.rs` does). Then, for every open day of every
//! queue in those two months and for `now` at 10:00, 12:00 and 14:00, the
//! morning's true volumes (`data/history.csv`) update the day's level
//! ([`peakplan::reforecast`]) and the rest of the day is scored against
//! what really came, beside the plan's forecast of the same intervals:
//!
//! * WAPE = Σ|forecast − actual| / Σ actual over the remaining intervals;
//! * bias = Σ(forecast − actual) / Σ actual;
//! * coverage = share of remaining intervals whose actual lies in p10–p90
//!   (80 % when the band is calibrated).
//!
//! Event days (any event of the calendar or the events file touching the
//! day) are shown apart.
//!
//! ```sh
//! cargo run --release --example reforecast_accuracy
//! # and the Noël 2025 plan (data/scenario.toml) on generated actuals:
//! cargo run --release --example generate_data -- \
//!     --to 2025-12-31 --out-dir target/holdout
//! cargo run --release --example reforecast_accuracy -- target/holdout/history.csv
//! ```
//!
//! On an event day whose event (or kind) the history has seen, the
//! plan's split of the day before and after `now` is first re-weighted
//! to the past event days' ([`peakplan::reforecast::shape`]);
//! `--level-only` scores the update without that step (what the command
//! does without a history), for comparison. First-time events (no day of
//! the same name in the history before `as_of`) are shown apart too, and
//! the next days of an event window are re-estimated from the morning
//! and scored whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime, TimeDelta};

use peakplan::calendar::name_key;
use peakplan::capacity::{Scenario, forecast_csv};
use peakplan::config::Settings;
use peakplan::forecast::ForecastRow;
use peakplan::pipeline::{Quiet, forecast_for_plan};
use peakplan::reforecast::update::carry_over;
use peakplan::reforecast::{
    EventContext, NEXT_DAY_CARRY, NEXT_DAYS_MAX, Predictive, Prior, ShapeFix,
    predictive, shape_fix, update_day,
};
use peakplan::simulate::plan_dir::PlanInterval;

const NOWS: [&str; 3] = ["10:00", "12:00", "14:00"];

#[derive(Default, Clone, Copy)]
struct Score {
    days: usize,
    intervals: usize,
    actual: f64,
    abs_plan: f64,
    abs_new: f64,
    err_plan: f64,
    err_new: f64,
    in_plan: usize,
    in_new: usize,
}

impl Score {
    fn wape(abs: f64, actual: f64) -> f64 {
        100.0 * abs / actual.max(1e-9)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let level_only = args.iter().any(|a| a == "--level-only");
    holdout(
        &root.join("examples/scenario_backtest_2024.toml"),
        &root.join("data/history.csv"),
        level_only,
    )?;
    if let Some(actuals) = args.iter().find(|a| !a.starts_with("--")) {
        holdout(
            &root.join("data/scenario.toml"),
            Path::new(actuals),
            level_only,
        )?;
    }
    Ok(())
}

/// What kind of day a queue-day is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Day {
    Ordinary,
    Event,
    /// An event day of an event the history before `as_of` never had.
    FirstTime,
}

impl Day {
    fn as_str(self) -> &'static str {
        match self {
            Day::Ordinary => "ordinary",
            Day::Event => "event",
            Day::FirstTime => "first-time",
        }
    }
}

/// One event day at 12:00.
struct Noon {
    queue: String,
    date: NaiveDate,
    events: String,
    first_time: bool,
    shape: Option<ShapeFix>,
    score: Score,
}

fn holdout(
    scenario: &Path,
    actuals_path: &Path,
    level_only: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let s = Scenario::read(scenario, &Settings::default())?;
    let history = s.inputs.history.clone().ok_or("no history")?;
    let f = forecast_for_plan(&s, &history, &[], &Quiet)?;
    let context = EventContext::load(&s, None)?;
    let actuals = forecast_csv::read(actuals_path, s.horizon.tz)?;
    let actual: BTreeMap<(&str, i64), f64> = actuals
        .iter()
        .map(|a| ((a.queue.as_str(), a.start.timestamp()), a.mean))
        .collect();
    let history_start = actuals.iter().map(|a| a.start.date_naive()).min();
    let seen_before = |name: &str| {
        let key = name_key(name);
        context.calendar().events().iter().any(|e| {
            name_key(&e.name) == key
                && e.end < s.as_of
                && history_start.is_some_and(|h| e.start >= h)
        })
    };
    let mut days: BTreeMap<(&str, NaiveDate), Vec<&ForecastRow>> =
        BTreeMap::new();
    for r in &f.rows {
        let d = r.start.date_naive();
        if d >= s.horizon.from && d <= s.horizon.to {
            days.entry((r.queue.as_str(), d)).or_default().push(r);
        }
    }
    let slot = TimeDelta::seconds(s.horizon.interval.seconds() as i64);
    let truth_of = |queue: &str, rows: &[&ForecastRow]| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| actual.get(&(queue, r.start.timestamp())).copied())
            .collect()
    };
    // (kind of day, now) -> score; the next days of event windows by now;
    // and the event days at 12:00 one by one.
    let mut scores: BTreeMap<(Day, usize), Score> = BTreeMap::new();
    let mut next: BTreeMap<usize, Score> = BTreeMap::new();
    let mut noon: Vec<Noon> = Vec::new();
    for ((queue, date), rows) in &days {
        let truth = truth_of(queue, rows);
        let open = rows.iter().map(|r| r.mean).sum::<f64>() > 0.0
            && truth.iter().flatten().sum::<f64>() > 0.0;
        if !open || truth.iter().any(Option::is_none) {
            continue;
        }
        let plan: Vec<PlanInterval> =
            rows.iter().map(|r| plan_row(r)).collect();
        let refs: Vec<&PlanInterval> = plan.iter().collect();
        let events: Vec<&str> = {
            let mut e: Vec<&str> = rows
                .iter()
                .flat_map(|r| r.events.iter().map(String::as_str))
                .collect();
            e.sort_unstable();
            e.dedup();
            e
        };
        let first_time = events.iter().any(|e| !seen_before(e));
        for (k, now) in NOWS.iter().enumerate() {
            let t = NaiveTime::parse_from_str(now, "%H:%M")?;
            let now =
                date.and_time(t).and_local_timezone(s.horizon.tz).earliest();
            let now = now.ok_or("no such local time")?;
            let closed: Vec<bool> =
                rows.iter().map(|r| r.start + slot <= now).collect();
            let observed: Vec<Option<f64>> = truth
                .iter()
                .zip(&closed)
                .map(|(a, &c)| if c { *a } else { None })
                .collect();
            let shape = if level_only {
                None
            } else {
                context.evidence(queue, *date).and_then(|ev| {
                    let p: Vec<_> = rows
                        .iter()
                        .zip(&closed)
                        .map(|(r, &c)| (r.start, r.mean, c))
                        .collect();
                    shape_fix(&p, &ev)
                })
            };
            let day = update_day(&refs, &observed, &closed, shape.as_ref());
            let mut sc = Score { days: 1, ..Score::default() };
            for (((p, a), new), c) in
                plan.iter().zip(&truth).zip(&day.forecast).zip(&closed)
            {
                if !c {
                    sc.add(p.forecast, p.p10, p.p90, new, a.unwrap_or(0.0));
                }
            }
            if sc.intervals == 0 {
                continue;
            }
            let kind = match (events.is_empty(), first_time) {
                (true, _) => Day::Ordinary,
                (false, false) => Day::Event,
                (false, true) => Day::FirstTime,
            };
            add(scores.entry((kind, k)).or_default(), &sc);
            if kind != Day::Ordinary {
                // First-time days count with the event days too.
                if kind == Day::FirstTime {
                    add(scores.entry((Day::Event, k)).or_default(), &sc);
                }
                if k == 1 {
                    noon.push(Noon {
                        queue: queue.to_string(),
                        date: *date,
                        events: events.join(" | "),
                        first_time,
                        shape: shape.clone(),
                        score: sc,
                    });
                }
            }
            // The next days of the event window, scored whole.
            let mut ahead = 0;
            for d in context.window_after(queue, *date, NEXT_DAYS_MAX) {
                let Some(rows) = days.get(&(*queue, d)) else { continue };
                let truth = truth_of(queue, rows);
                if rows.iter().map(|r| r.mean).sum::<f64>() <= 0.0
                    || truth.iter().any(Option::is_none)
                {
                    continue;
                }
                ahead += 1;
                let plan: Vec<PlanInterval> =
                    rows.iter().map(|r| plan_row(r)).collect();
                let refs: Vec<&PlanInterval> = plan.iter().collect();
                let prior = Prior::of_day(&refs);
                let post =
                    carry_over(&day.posterior, &prior, NEXT_DAY_CARRY, ahead);
                let sc = next.entry(k).or_default();
                sc.days += 1;
                for (p, a) in plan.iter().zip(&truth) {
                    let new =
                        predictive(p.forecast, p.p10, p.p90, &prior, &post);
                    sc.add(p.forecast, p.p10, p.p90, &new, a.unwrap_or(0.0));
                }
            }
        }
    }
    println!(
        "\nRest-of-day accuracy, {} to {} (forecast as of {}), actuals {}, \
         re-forecast{} vs plan",
        s.horizon.from,
        s.horizon.to,
        s.as_of,
        actuals_path.display(),
        if level_only { " (level only)" } else { "" }
    );
    println!(
        "\n  {:<10} {:>5} {:>5} {:>9} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "days",
        "now",
        "n",
        "WAPE plan",
        "WAPE new",
        "change",
        "bias plan",
        "bias new",
        "cov plan",
        "cov new"
    );
    for ((day, k), sc) in &scores {
        sc.print(day.as_str(), NOWS[*k]);
    }
    println!(
        "\n  next days of the event window (whole days, ρ = {NEXT_DAY_CARRY}), \
         re-estimated at"
    );
    for (k, sc) in &next {
        sc.print("next days", NOWS[*k]);
    }
    println!("\n  event days at 12:00, one by one");
    println!(
        "  {:<10} {:<10} {:>9} {:>9} {:>9} {:>9} {:>15}  events",
        "queue",
        "date",
        "WAPE plan",
        "WAPE new",
        "bias plan",
        "bias new",
        "share plan→new"
    );
    for n in &noon {
        let sc = &n.score;
        let shape = n.shape.as_ref().map_or("-".to_string(), |f| {
            format!("{:.1}→{:.1} %", 100.0 * f.share_plan, 100.0 * f.share)
        });
        println!(
            "  {:<10} {:<10} {:>8.1}% {:>8.1}% {:>+8.1}% {:>+8.1}% {:>15}  {}{}",
            n.queue,
            n.date,
            Score::wape(sc.abs_plan, sc.actual),
            Score::wape(sc.abs_new, sc.actual),
            100.0 * sc.err_plan / sc.actual,
            100.0 * sc.err_new / sc.actual,
            shape,
            n.events,
            if n.first_time { " (first time)" } else { "" }
        );
    }
    Ok(())
}

impl Score {
    /// Scores one interval of plan mean `plan` and band `p10..p90` and
    /// re-forecast `new` against `actual`.
    fn add(
        &mut self,
        plan: f64,
        p10: f64,
        p90: f64,
        new: &Predictive,
        actual: f64,
    ) {
        self.intervals += 1;
        self.actual += actual;
        self.abs_plan += (plan - actual).abs();
        self.abs_new += (new.mean - actual).abs();
        self.err_plan += plan - actual;
        self.err_new += new.mean - actual;
        self.in_plan += usize::from(p10 <= actual && actual <= p90);
        self.in_new += usize::from(new.p10 <= actual && actual <= new.p90);
    }

    fn print(&self, label: &str, now: &str) {
        let (wp, wn) = (
            Score::wape(self.abs_plan, self.actual),
            Score::wape(self.abs_new, self.actual),
        );
        println!(
            "  {:<10} {:>5} {:>5} {:>8.1}% {:>8.1}% {:>+6.0}% {:>+8.1}% {:>+8.1}% {:>8.1}% {:>8.1}%",
            label,
            now,
            self.days,
            wp,
            wn,
            100.0 * (wn / wp - 1.0),
            100.0 * self.err_plan / self.actual,
            100.0 * self.err_new / self.actual,
            100.0 * self.in_plan as f64 / self.intervals as f64,
            100.0 * self.in_new as f64 / self.intervals as f64,
        );
    }
}

fn add(into: &mut Score, sc: &Score) {
    into.days += sc.days;
    into.intervals += sc.intervals;
    into.actual += sc.actual;
    into.abs_plan += sc.abs_plan;
    into.abs_new += sc.abs_new;
    into.err_plan += sc.err_plan;
    into.err_new += sc.err_new;
    into.in_plan += sc.in_plan;
    into.in_new += sc.in_new;
}

/// The plan-folder row of a forecast row (what `intervals.csv` carries).
fn plan_row(r: &ForecastRow) -> PlanInterval {
    PlanInterval {
        start: r.start.fixed_offset(),
        queue: r.queue.clone(),
        forecast: r.mean,
        p10: r.p10,
        p90: r.p90,
        aht_s: r.aht_s,
        required_agents: 0.0,
        scheduled_agents: None,
        own_agents: None,
        partner_agents: None,
        line: 0,
    }
}
