//! Forecast speed on a large synthetic history: 100 queues × one year of
//! 15-minute intervals (open 08:00–20:00 Monday to Saturday, 1.5 million
//! intervals), fitted and forecast 13 weeks ahead.
//!
//! ```sh
//! cargo run --release --example forecast_speed [-- QUEUES DAYS]
//! RAYON_NUM_THREADS=2 cargo run --release --example forecast_speed
//! ```

use std::time::Instant;

use chrono::{Datelike, NaiveDate, TimeZone};
use peakplan::calendar::{Calendar, CalendarChoice};
use peakplan::forecast::{self, FitOptions};
use peakplan::inputs::history::{History, QueueHistory, Slot};
use peakplan::units::IntervalLen;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> =
        std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let queues = args.first().copied().unwrap_or(100);
    let days = args.get(1).copied().unwrap_or(365) as u64;
    let history = synthetic(queues, days);
    let slots: usize = history.queues.iter().map(|q| q.slots.len()).sum();
    let first = NaiveDate::from_ymd_opt(2024, 10, 1).ok_or("date")?;
    let end = first + chrono::Days::new(days);
    let calendar = Calendar::build(
        CalendarChoice::Fr,
        first.year()..=end.year() + 1,
        vec![],
    )?;
    let t = Instant::now();
    let model = forecast::fit(&history, &calendar, &FitOptions::default())?;
    let fit_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let f = forecast::predict(&model, end, end + chrono::Days::new(90));
    let predict_s = t.elapsed().as_secs_f64();
    println!(
        "{queues} queues × {days} days of 15-minute history ({slots} intervals), \
         {} threads: fit {fit_s:.2}s, 13-week forecast {predict_s:.2}s \
         ({} rows), total {:.2}s",
        rayon::current_num_threads(),
        f.rows.len(),
        fit_s + predict_s
    );
    Ok(())
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
