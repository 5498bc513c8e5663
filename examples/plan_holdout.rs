//! Does a plan hold on volumes it has not seen? A held-back test of the
//! whole chain (forecast, staffing rule) on the bundled data.
//!
//! The planner of 1 October 2024 plans November and December 2024 from
//! the history before that day (`examples/scenario_backtest_2024.toml`);
//! the plan's agents are then replayed, interval by interval, on the
//! volumes that really came (`data/history.csv`), for each staffing rule.
//! "perfect" is the fewest agents meeting the target in every interval had
//! its volume been known. The forecast's weekly bias and the coverage of
//! its p10–p90 band say how much of a miss is the forecast's.
//!
//! ```sh
//! cargo run --release --example plan_holdout
//! # and the Noël 2025 plan (data/scenario.toml) on generated actuals:
//! cargo run --release --example generate_data -- \
//!     --to 2025-12-31 --out-dir target/holdout
//! cargo run --release --example plan_holdout -- target/holdout/history.csv
//! ```
//!
//! The same figures for one rule come from the command line:
//! `peakplan plan --scenario examples/scenario_backtest_2024.toml
//! --evaluate data/history.csv [--staff-to mean]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use peakplan::capacity::plan::{self, Evaluation};
use peakplan::capacity::{Scenario, StaffTo, forecast_csv};
use peakplan::config::Settings;
use peakplan::forecast::ForecastRow;
use peakplan::pipeline::{Quiet, forecast_for_plan};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    holdout(
        &root.join("examples/scenario_backtest_2024.toml"),
        &root.join("data/history.csv"),
    )?;
    if let Some(actuals) = std::env::args().nth(1) {
        holdout(&root.join("data/scenario.toml"), Path::new(&actuals))?;
    }
    Ok(())
}

fn holdout(
    scenario: &Path,
    actuals_path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let s = Scenario::read(scenario, &Settings::default())?;
    let history =
        s.inputs.history.clone().ok_or("the scenario names no history")?;
    let t = std::time::Instant::now();
    let f = forecast_for_plan(&s, &history, &[], &Quiet)?;
    let fit_s = t.elapsed().as_secs_f64();
    let actuals = forecast_csv::read(actuals_path, s.horizon.tz)?;
    println!(
        "\n{} (as of {}, weeks of {} to {}), actuals {}",
        scenario.display(),
        s.as_of,
        s.horizon.from,
        s.horizon.to,
        actuals_path.display()
    );
    println!("forecast fitted and predicted in {fit_s:.2}s");
    for n in &f.notes {
        println!("note: {n}");
    }
    forecast_diagnosis(&s, &f.rows, &actuals);
    println!(
        "\n  {:<6} {:<10} {:>9} {:>7} {:>10} {:>10} {:>10} {:>12} {:>12} {:>7}",
        "rule",
        "queue",
        "intervals",
        "target",
        "SL reached",
        "event days",
        "on target",
        "agent-hours",
        "perfect",
        "extra"
    );
    // The same plan made on the true volumes (a perfect forecast): what
    // its flexible sources would have cost.
    // Intervals of the forecast, with its events and handle time for the
    // intervals whose actual row has none.
    let events: BTreeMap<(&str, i64), &ForecastRow> = f
        .rows
        .iter()
        .map(|r| ((r.queue.as_str(), r.start.timestamp()), r))
        .collect();
    let exact: Vec<ForecastRow> = actuals
        .iter()
        .filter_map(|a| {
            let r = events.get(&(a.queue.as_str(), a.start.timestamp()))?;
            Some(ForecastRow {
                p10: a.mean,
                p50: a.mean,
                p90: a.mean,
                events: r.events.clone(),
                aht_s: a.aht_s.filter(|x| *x > 0.0).or(r.aht_s),
                ..a.clone()
            })
        })
        .collect();
    let perfect = plan::build(
        &s,
        plan::staff_intervals(&s, &exact, StaffTo::Mean)?,
        StaffTo::Mean,
    )?;
    let flexible = |p: &plan::Plan| p.costs.total - p.costs.in_house;
    // What the perfect plan itself reaches: its gaps are what no source
    // could cover even with the volumes known.
    row("perfect", &total(&plan::evaluate(&s, &perfect.intervals, &actuals)));
    for rule in [StaffTo::Auto, StaffTo::P80, StaffTo::Mean] {
        let t = std::time::Instant::now();
        let intervals = plan::staff_intervals(&s, &f.rows, rule)?;
        let made = plan::build(&s, intervals, rule)?;
        let plan_s = t.elapsed().as_secs_f64();
        let ev = plan::evaluate(&s, &made.intervals, &actuals);
        for e in &ev {
            row(rule.as_str(), e);
        }
        row(rule.as_str(), &total(&ev));
        let ratio = if flexible(&perfect) > 0.0 {
            flexible(&made) / flexible(&perfect)
        } else {
            f64::NAN
        };
        println!(
            "  ({} planned in {plan_s:.2}s; flexible cost {:.0} EUR, {:.0} EUR \
             with the true volumes as forecast, {ratio:.2} times; {} hires, \
             {} with the true volumes)",
            rule.as_str(),
            flexible(&made),
            flexible(&perfect),
            hires(&made),
            hires(&perfect)
        );
        floor_agreement(&made);
    }
    Ok(())
}

/// People hired over all waves.
fn hires(p: &plan::Plan) -> u32 {
    p.hires.iter().map(|w| w.count).sum()
}

/// How the daily floor's estimate of each day's service level (its row,
/// fractional gaps) compares with the plan's own figure (`days.csv`, whole
/// agents): the days the optimiser holds at target, and the lowest level
/// `days.csv` gives any of them.
fn floor_agreement(p: &plan::Plan) {
    let held: Vec<&plan::DayPlan> = p
        .days
        .iter()
        .filter(|d| d.floor_estimate.is_some_and(|e| e >= 0.8 - 1e-9))
        .collect();
    let worst = held.iter().map(|d| d.service_level).fold(1.0, f64::min);
    let off = p
        .days
        .iter()
        .filter_map(|d| Some(d.floor_estimate? - d.service_level))
        .fold(f64::NEG_INFINITY, f64::max);
    println!(
        "  ({} queue-days held at the 80 % floor by the optimiser, lowest \
         days.csv level among them {:.2} %; estimate above days.csv by at \
         most {:.2} points)",
        held.len(),
        100.0 * worst,
        100.0 * off
    );
}

fn row(rule: &str, e: &Evaluation) {
    let extra = if e.perfect_agent_hours > 0.0 {
        100.0 * (e.agent_hours / e.perfect_agent_hours - 1.0)
    } else {
        0.0
    };
    println!(
        "  {:<6} {:<10} {:>9} {:>6.0}% {:>9.1}% {:>9.1}% {:>9.1}% {:>12.0} {:>12.0} {:>+6.1}%",
        rule,
        e.queue,
        e.intervals,
        100.0 * e.target,
        100.0 * e.service_level,
        100.0 * e.event_service_level,
        100.0 * e.intervals_on_target,
        e.agent_hours,
        e.perfect_agent_hours,
        extra
    );
}

/// All queues together (call-weighted service level).
fn total(ev: &[Evaluation]) -> Evaluation {
    let mut t = Evaluation { queue: "all".into(), ..Evaluation::default() };
    let (mut served, mut met, mut event_served) = (0.0, 0.0, 0.0);
    for e in ev {
        t.intervals += e.intervals;
        t.contacts += e.contacts;
        t.agent_hours += e.agent_hours;
        t.perfect_agent_hours += e.perfect_agent_hours;
        served += e.service_level * e.contacts;
        event_served += e.event_service_level * e.event_contacts;
        t.event_contacts += e.event_contacts;
        met += e.intervals_on_target * e.intervals as f64;
        t.target = t.target.max(e.target);
    }
    if t.contacts > 0.0 {
        t.service_level = served / t.contacts;
    }
    t.event_service_level = if t.event_contacts > 0.0 {
        event_served / t.event_contacts
    } else {
        1.0
    };
    if t.intervals > 0 {
        t.intervals_on_target = met / t.intervals as f64;
    }
    t
}

/// Weekly forecast against actual per queue, and how often the actual
/// volume of an interval falls outside the forecast's p10–p90 band.
fn forecast_diagnosis(
    s: &Scenario,
    rows: &[ForecastRow],
    actuals: &[ForecastRow],
) {
    let actual: BTreeMap<(&str, i64), f64> = actuals
        .iter()
        .map(|a| ((a.queue.as_str(), a.start.timestamp()), a.mean))
        .collect();
    for q in &s.queues {
        let mut weeks: BTreeMap<NaiveDate, (f64, f64)> = BTreeMap::new();
        let (mut n, mut below, mut above) = (0usize, 0usize, 0usize);
        let (mut abs_err, mut sum) = (0.0, 0.0);
        for r in rows.iter().filter(|r| r.queue == q.name) {
            let Some(&a) = actual.get(&(q.name.as_str(), r.start.timestamp()))
            else {
                continue;
            };
            let d = r.start.date_naive();
            let monday = plan::monday_of(d);
            let w = weeks.entry(monday).or_default();
            w.0 += r.mean;
            w.1 += a;
            n += 1;
            below += usize::from(a < r.p10);
            above += usize::from(a > r.p90);
            abs_err += (a - r.mean).abs();
            sum += a;
        }
        if n == 0 {
            continue;
        }
        println!(
            "  {:<10} interval WAPE {:.1}%, actual below p10 {:.1}% / above \
             p90 {:.1}% of {n} intervals (10% each if calibrated)",
            q.name,
            100.0 * abs_err / sum,
            100.0 * below as f64 / n as f64,
            100.0 * above as f64 / n as f64,
        );
        let bias: Vec<String> = weeks
            .iter()
            .map(|(m, (f, a))| {
                format!(
                    "{:02}-{:02} {:+.0}%",
                    m.month(),
                    m.day(),
                    100.0 * (f / a - 1.0)
                )
            })
            .collect();
        println!("    forecast vs actual by week: {}", bias.join("  "));
    }
}
