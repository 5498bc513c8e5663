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
//! `--poisson` scores the plain Gamma–Poisson update, without the
//! quasi-Poisson tempering by the morning's dispersion, for comparison.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime, TimeDelta};

use peakplan::capacity::{Scenario, forecast_csv};
use peakplan::config::Settings;
use peakplan::forecast::ForecastRow;
use peakplan::pipeline::{Quiet, forecast_for_plan};
use peakplan::reforecast::{Prior, predictive};
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
    let plain = args.iter().any(|a| a == "--poisson");
    holdout(
        &root.join("examples/scenario_backtest_2024.toml"),
        &root.join("data/history.csv"),
        plain,
    )?;
    if let Some(actuals) = args.iter().find(|a| !a.starts_with("--")) {
        holdout(&root.join("data/scenario.toml"), Path::new(actuals), plain)?;
    }
    Ok(())
}

fn holdout(
    scenario: &Path,
    actuals_path: &Path,
    plain: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let s = Scenario::read(scenario, &Settings::default())?;
    let history = s.inputs.history.clone().ok_or("no history")?;
    let f = forecast_for_plan(&s, &history, &[], &Quiet)?;
    let actuals = forecast_csv::read(actuals_path, s.horizon.tz)?;
    let actual: BTreeMap<(&str, i64), f64> = actuals
        .iter()
        .map(|a| ((a.queue.as_str(), a.start.timestamp()), a.mean))
        .collect();
    let mut days: BTreeMap<(&str, NaiveDate), Vec<&ForecastRow>> =
        BTreeMap::new();
    for r in &f.rows {
        let d = r.start.date_naive();
        if d >= s.horizon.from && d <= s.horizon.to {
            days.entry((r.queue.as_str(), d)).or_default().push(r);
        }
    }
    let slot = TimeDelta::seconds(s.horizon.interval.seconds() as i64);
    // (event day, now) -> score; and the event days at 12:00 one by one.
    let mut scores: BTreeMap<(bool, usize), Score> = BTreeMap::new();
    let mut noon: Vec<(String, NaiveDate, String, Score)> = Vec::new();
    for ((queue, date), rows) in &days {
        let truth: Vec<Option<f64>> = rows
            .iter()
            .map(|r| actual.get(&(*queue, r.start.timestamp())).copied())
            .collect();
        let open = rows.iter().map(|r| r.mean).sum::<f64>() > 0.0
            && truth.iter().flatten().sum::<f64>() > 0.0;
        if !open || truth.iter().any(Option::is_none) {
            continue;
        }
        let plan: Vec<PlanInterval> =
            rows.iter().map(|r| plan_row(r)).collect();
        let refs: Vec<&PlanInterval> = plan.iter().collect();
        let prior = Prior::of_day(&refs);
        let events: Vec<&str> = {
            let mut e: Vec<&str> = rows
                .iter()
                .flat_map(|r| r.events.iter().map(String::as_str))
                .collect();
            e.sort_unstable();
            e.dedup();
            e
        };
        for (k, now) in NOWS.iter().enumerate() {
            let t = NaiveTime::parse_from_str(now, "%H:%M")?;
            let now =
                date.and_time(t).and_local_timezone(s.horizon.tz).earliest();
            let now = now.ok_or("no such local time")?;
            let seen: Vec<(f64, f64)> = rows
                .iter()
                .zip(&truth)
                .filter(|(r, _)| r.start + slot <= now)
                .map(|(r, a)| (a.unwrap_or(0.0), r.mean))
                .collect();
            let post = if plain {
                let y = seen.iter().map(|p| p.0).sum();
                prior.update(y, seen.iter().map(|p| p.1).sum())
            } else {
                prior.update_counts(&seen)
            };
            let mut sc = Score { days: 1, ..Score::default() };
            for ((r, a), p) in rows.iter().zip(&truth).zip(&plan) {
                if r.start + slot <= now {
                    continue;
                }
                let a = a.unwrap_or(0.0);
                let new = predictive(p.forecast, p.p10, p.p90, &prior, &post);
                sc.intervals += 1;
                sc.actual += a;
                sc.abs_plan += (p.forecast - a).abs();
                sc.abs_new += (new.mean - a).abs();
                sc.err_plan += p.forecast - a;
                sc.err_new += new.mean - a;
                sc.in_plan += usize::from(p.p10 <= a && a <= p.p90);
                sc.in_new += usize::from(new.p10 <= a && a <= new.p90);
            }
            if sc.intervals == 0 {
                continue;
            }
            let e = scores.entry((!events.is_empty(), k)).or_default();
            add(e, &sc);
            if k == 1 && !events.is_empty() {
                noon.push((queue.to_string(), *date, events.join(" | "), sc));
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
        if plain { " (plain Poisson update)" } else { "" }
    );
    println!(
        "\n  {:<9} {:>5} {:>5} {:>9} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9}",
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
    for ((event, k), sc) in &scores {
        let (wp, wn) = (
            Score::wape(sc.abs_plan, sc.actual),
            Score::wape(sc.abs_new, sc.actual),
        );
        println!(
            "  {:<9} {:>5} {:>5} {:>8.1}% {:>8.1}% {:>+6.0}% {:>+8.1}% {:>+8.1}% {:>8.1}% {:>8.1}%",
            if *event { "event" } else { "ordinary" },
            NOWS[*k],
            sc.days,
            wp,
            wn,
            100.0 * (wn / wp - 1.0),
            100.0 * sc.err_plan / sc.actual,
            100.0 * sc.err_new / sc.actual,
            100.0 * sc.in_plan as f64 / sc.intervals as f64,
            100.0 * sc.in_new as f64 / sc.intervals as f64,
        );
    }
    println!("\n  event days at 12:00, one by one");
    println!(
        "  {:<10} {:<10} {:>9} {:>9} {:>9} {:>9}  events",
        "queue", "date", "WAPE plan", "WAPE new", "bias plan", "bias new"
    );
    for (queue, date, events, sc) in &noon {
        println!(
            "  {:<10} {:<10} {:>8.1}% {:>8.1}% {:>+8.1}% {:>+8.1}%  {}",
            queue,
            date,
            Score::wape(sc.abs_plan, sc.actual),
            Score::wape(sc.abs_new, sc.actual),
            100.0 * sc.err_plan / sc.actual,
            100.0 * sc.err_new / sc.actual,
            events
        );
    }
    Ok(())
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
