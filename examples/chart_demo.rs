//! Renders every chart peakplan draws, from synthetic data, into a folder.
//!
//! ```text
//! cargo run --example chart_demo -- target/charts
//! ```
//!
//! Writes `forecast-daily.svg`, `forecast-intraday.svg`, `plan.svg` and
//! `backtest.svg`. The data is made up but shaped like a French retailer's
//! peak season: a weekly rhythm, Black Friday and Cyber Monday spikes, a
//! December ramp, closures on public holidays.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate, TimeDelta, TimeZone, Weekday};
use chrono_tz::Europe::Paris;
use peakplan::calendar::{Calendar, Event, EventKind, fr};
use peakplan::capacity::WeekPlan;
use peakplan::forecast::{Forecast, ForecastRow};
use peakplan::inputs::history::{History, QueueHistory, Slot};
use peakplan::report::plot::{
    BacktestDay, Chart, TimeAxis, backtest_chart, forecast_daily_chart,
    forecast_intraday_chart, plan_chart, write_svg,
};
use peakplan::units::IntervalLen;

/// A tiny deterministic noise source (xorshift), so the demo is the same
/// on every run.
struct Noise(u64);

impl Noise {
    /// A factor around 1 with about `sd` relative spread.
    fn factor(&mut self, sd: f64) -> f64 {
        let mut sum = 0.0;
        for _ in 0..4 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            sum += (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        }
        1.0 + sd * (sum - 2.0) * 1.7
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The built-in French retail calendar of `year` plus two company events.
fn calendar(year: i32) -> peakplan::Result<Calendar> {
    let company = |name: &str, kind, start, end, queue: &str| Event {
        name: name.to_string(),
        kind,
        start,
        end,
        queues: vec![queue.to_string()],
        uplift: None,
    };
    let mut events = fr::events(year)?;
    events.push(company(
        "Ventes privées",
        EventKind::Sale,
        date(year, 11, 17),
        date(year, 11, 20),
        "commandes",
    ));
    events.push(company(
        "Mise à jour appli",
        EventKind::SoftwareUpdate,
        date(year, 12, 2),
        date(year, 12, 2),
        "sav",
    ));
    Ok(Calendar::new(events))
}

/// Expected daily contacts of `queue` on `day`.
fn daily_level(queue: &str, day: NaiveDate, cal: &Calendar) -> f64 {
    let base = if queue == "sav" { 1400.0 } else { 2600.0 };
    let weekly = match day.weekday() {
        Weekday::Mon => 1.25,
        Weekday::Tue => 1.1,
        Weekday::Sat => 0.7,
        Weekday::Sun => 0.0,
        _ => 1.0,
    };
    let december = if day.month() == 12 && day.day() < 24 {
        1.0 + 0.02 * f64::from(day.day())
    } else {
        1.0
    };
    let mut lift = 1.0;
    for e in cal.on(day).filter(|e| e.applies_to(queue)) {
        lift *= match e.kind {
            EventKind::Closure => 0.0,
            EventKind::BlackFriday => 2.3,
            EventKind::Sale => 1.5,
            EventKind::SoftwareUpdate => 1.8,
            _ => 1.3,
        };
    }
    base * weekly * december * lift
}

/// Share of a day's contacts in the interval starting at `minute` past
/// midnight: open 08:00–20:00, a late-morning and an early-afternoon peak.
fn intraday_share(minute: u32) -> f64 {
    let h = f64::from(minute) / 60.0 + 0.125;
    let bump =
        |centre: f64, width: f64| (-((h - centre) / width).powi(2)).exp();
    bump(11.0, 1.6) + 0.8 * bump(14.5, 1.8) + 0.15
}

fn forecast_and_history(cal: &Calendar) -> (Forecast, History) {
    let interval = IntervalLen::from_minutes(15)
        .expect("15 minutes is an allowed interval");
    let opening: Vec<u32> = (8 * 60..20 * 60).step_by(15).collect();
    let total: f64 = opening.iter().map(|&m| intraday_share(m)).sum();
    let mut rows = vec![];
    let mut history = vec![];
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    for queue in ["commandes", "sav"] {
        let mut slots = vec![];
        let mut day = date(2025, 11, 1);
        while day <= date(2025, 12, 31) {
            let level = daily_level(queue, day, cal);
            let day_shock = noise.factor(0.06);
            for &m in &opening {
                if level == 0.0 {
                    continue;
                }
                let naive =
                    day.and_hms_opt(m / 60, m % 60, 0).unwrap_or_default();
                let Some(start) = Paris.from_local_datetime(&naive).single()
                else {
                    continue;
                };
                let mean = level * intraday_share(m) / total;
                let sd = (mean + (0.1 * mean).powi(2)).sqrt();
                rows.push(ForecastRow {
                    start,
                    queue: queue.to_string(),
                    mean,
                    p10: (mean - 1.28 * sd).max(0.0),
                    p50: mean,
                    p90: mean + 1.28 * sd,
                    aht_s: Some(320.0),
                    events: cal
                        .on(day)
                        .filter(|e| e.applies_to(queue))
                        .map(|e| e.name.clone())
                        .collect(),
                });
                if day <= date(2025, 11, 30) {
                    let volume = (mean * day_shock * noise.factor(0.12))
                        .max(0.0)
                        .round();
                    slots.push(Slot {
                        start,
                        volume,
                        aht_s: Some(320.0),
                        line: 0,
                    });
                }
            }
            day += TimeDelta::days(1);
        }
        history.push(QueueHistory { name: queue.to_string(), slots });
    }
    let history = History {
        source: "demo".to_string(),
        tz: Paris,
        source_interval: interval,
        interval,
        queues: history,
    };
    (Forecast { tz: Paris, interval, rows }, history)
}

fn backtest_days(cal: &Calendar, last_year: &Calendar) -> Vec<BacktestDay> {
    let mut noise = Noise(0x2545_F491_4F6C_DD1D);
    let mut out = vec![];
    for queue in ["commandes", "sav"] {
        for w in 0..4 {
            let window_start = date(2024, 10, 28) + TimeDelta::weeks(2 * w);
            for k in 0..14 {
                let day = window_start + TimeDelta::days(k);
                let level = daily_level(queue, day, cal);
                let same_day_last_year =
                    daily_level(queue, day - TimeDelta::weeks(52), last_year);
                out.push(BacktestDay {
                    queue: queue.to_string(),
                    window_start,
                    date: day,
                    actual: (level * noise.factor(0.07)).round(),
                    forecast: level * noise.factor(0.04),
                    baseline: Some(same_day_last_year),
                });
            }
        }
    }
    out
}

fn plan_weeks() -> Vec<WeekPlan> {
    let mut out = vec![];
    for (queue, scale) in [("commandes", 1.0), ("sav", 0.55)] {
        for i in 0..14 {
            let week_start = date(2025, 10, 6) + TimeDelta::weeks(i);
            let need: f64 = match i {
                7 => 1.62,
                8 => 1.3,
                9 | 10 => 1.28,
                11 => 1.45,
                12 => 0.85,
                _ => 1.0 + 0.02 * i as f64,
            };
            let required = 42.0 * need * scale;
            let in_house = (38.0 * scale).min(required);
            let hired = if i >= 5 {
                (11.0 * scale).min(required - in_house)
            } else {
                0.0
            };
            let overtime = if (7..=11).contains(&i) {
                (4.0 * scale).min(required - in_house - hired)
            } else {
                0.0
            };
            let partner = if (7..=11).contains(&i) {
                (7.0 * scale).min(required - in_house - hired - overtime)
            } else {
                0.0
            };
            let supply =
                in_house + hired + overtime.max(0.0) + partner.max(0.0);
            out.push(WeekPlan {
                week_start,
                queue: queue.to_string(),
                agent_hours: 0.0,
                cost: 0.0,
                required_fte: required,
                in_house_fte: in_house,
                hired_fte: hired.max(0.0),
                overtime_fte: overtime.max(0.0),
                partner_fte: partner.max(0.0),
                gap_hours: 0.0,
                gap_fte: (required - supply).max(0.0),
            });
        }
    }
    out
}

fn write<X: TimeAxis>(
    dir: &std::path::Path,
    name: &str,
    chart: &Chart<X>,
) -> peakplan::Result<()> {
    let path = dir.join(name);
    write_svg(&path, chart)?;
    println!("{}", path.display());
    Ok(())
}

fn run(dir: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&dir)?;
    let cal = calendar(2025)?;
    let (forecast, history) = forecast_and_history(&cal);
    write(
        &dir,
        "forecast-daily.svg",
        &forecast_daily_chart(&forecast, Some(&history), &cal)?,
    )?;
    let bf = date(2025, 11, 28);
    write(
        &dir,
        "forecast-intraday.svg",
        &forecast_intraday_chart(&forecast, Some(&history), bf)?,
    )?;
    write(&dir, "plan.svg", &plan_chart(&plan_weeks(), &cal)?)?;
    let cal_2024 = calendar(2024)?;
    let days = backtest_days(&cal_2024, &calendar(2023)?);
    write(
        &dir,
        "backtest.svg",
        &backtest_chart(&days, "same day last year", &cal_2024)?,
    )?;
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: chart_demo FOLDER");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chart_demo: {e}");
            ExitCode::FAILURE
        }
    }
}
