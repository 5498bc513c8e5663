//! Forecast speed on large synthetic histories.
//!
//! * the default case: 100 queues × one year of 15-minute intervals (open
//!   08:00–20:00 Monday to Saturday, 1.5 million intervals), fitted and
//!   forecast 13 weeks ahead;
//! * `events`: one queue × one year with 1k, 5k, 10k and 20k calendar
//!   events (one to three days each, 40 names recurring over three kinds),
//!   fitted and forecast 13 weeks ahead, to show the fit grows linearly
//!   with the number of events.
//!
//! ```sh
//! cargo run --release --example forecast_speed [-- QUEUES DAYS]
//! cargo run --release --example forecast_speed -- events [COUNT ...]
//! RAYON_NUM_THREADS=2 cargo run --release --example forecast_speed
//! ```

mod common;

use std::time::Instant;

use chrono::{Datelike, NaiveDate, TimeZone};
use peakplan::calendar::{Calendar, CalendarChoice, Event, EventKind};
use peakplan::forecast::{self, FitOptions};
use peakplan::inputs::history::{History, QueueHistory, Slot};
use peakplan::units::IntervalLen;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let sweep = raw.first().is_some_and(|a| a == "events");
    let args: Vec<usize> = raw.iter().filter_map(|a| a.parse().ok()).collect();
    if sweep {
        let counts = if args.is_empty() {
            vec![1000, 5000, 10_000, 20_000]
        } else {
            args
        };
        for n in counts {
            run(1, 365, n)?;
        }
        return Ok(());
    }
    let queues = args.first().copied().unwrap_or(100);
    let days = args.get(1).copied().unwrap_or(365) as u64;
    run(queues, days, 0)
}

/// Fits `queues` queues × `days` days with `events` synthetic events and
/// forecasts 13 weeks, printing the timings.
fn run(
    queues: usize,
    days: u64,
    events: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let history = synthetic(queues, days);
    let slots: usize = history.queues.iter().map(|q| q.slots.len()).sum();
    let first = NaiveDate::from_ymd_opt(2024, 10, 1).ok_or("date")?;
    let end = first + chrono::Days::new(days);
    let calendar = Calendar::build(
        CalendarChoice::Fr,
        first.year()..=end.year() + 1,
        synthetic_events(events, first, days + 91),
    )?;
    let (t, cpu) = (Instant::now(), common::cpu_seconds());
    let model = forecast::fit(&history, &calendar, &FitOptions::default())?;
    let fit_s = t.elapsed().as_secs_f64();
    let (t, cpu_fit) = (Instant::now(), common::cpu_seconds());
    let f = forecast::predict(&model, end, end + chrono::Days::new(90));
    let predict_s = t.elapsed().as_secs_f64();
    let cpu_end = common::cpu_seconds();
    // A checksum of the forecast, so two builds can be compared.
    let sum: f64 = f.rows.iter().map(|r| r.mean + r.p90).sum();
    let spent = |from: Option<f64>, to: Option<f64>| match (from, to) {
        (Some(a), Some(b)) => format!("{:.2} CPU-s", b - a),
        _ => "CPU time unknown".to_string(),
    };
    println!(
        "{queues} queues × {days} days of 15-minute history ({slots} intervals), \
         {events} events, {} threads: fit {fit_s:.2}s ({}), 13-week forecast \
         {predict_s:.2}s ({}; {} rows, checksum {sum:.6}), total {:.2}s ({})",
        rayon::current_num_threads(),
        spent(cpu, cpu_fit),
        spent(cpu_fit, cpu_end),
        f.rows.len(),
        fit_s + predict_s,
        spent(cpu, cpu_end),
    );
    Ok(())
}

/// `n` events of one to three days spread evenly over `span` days from
/// `first`, cycling through 40 names and three kinds (so that every name
/// recurs and the model has history for it).
fn synthetic_events(n: usize, first: NaiveDate, span: u64) -> Vec<Event> {
    let kinds = [EventKind::Marketing, EventKind::Sale, EventKind::External];
    (0..n)
        .map(|i| {
            let start = first + chrono::Days::new(i as u64 * span / n as u64);
            let name = i % std::env::var("NAMES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(40);
            Event {
                name: format!("campagne {name:02}"),
                kind: kinds[name % kinds.len()],
                start,
                end: start + chrono::Days::new((i % 3) as u64),
                queues: vec![],
                uplift: None,
            }
        })
        .collect()
}

/// Deterministic volumes with a weekday and intraday shape and a little
/// pseudo-random noise.
fn synthetic(queues: usize, days: u64) -> History {
    let tz = chrono_tz::Europe::Paris;
    let interval = IntervalLen::from_minutes(15).expect("15 minutes");
    let first = NaiveDate::from_ymd_opt(2024, 10, 1).expect("date");
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let queues = (0..queues)
        .map(|q| {
            let mut slots = vec![];
            for d in 0..days {
                let date = first + chrono::Days::new(d);
                let wd = date.weekday().num_days_from_monday();
                if wd == 6 {
                    continue;
                }
                for m in (8 * 60..20 * 60).step_by(15) {
                    let local =
                        date.and_hms_opt(m / 60, m % 60, 0).expect("time");
                    let Some(start) =
                        tz.from_local_datetime(&local).earliest()
                    else {
                        continue;
                    };
                    let shape =
                        1.0 + 0.5 * (f64::from(m - 480) / 720.0 * 3.1).sin();
                    let rate = (5.0 + q as f64)
                        * shape
                        * [1.3, 1.1, 1.0, 1.0, 0.9, 0.6][wd as usize];
                    let volume = (rate * (0.8 + 0.4 * noise())).round();
                    slots.push(Slot {
                        start,
                        volume,
                        aht_s: Some(300.0),
                        line: 0,
                    });
                }
            }
            QueueHistory { name: format!("q{q:03}"), slots }
        })
        .collect();
    History {
        source: "synthetic".into(),
        tz,
        source_interval: interval,
        interval,
        queues,
    }
}
