//! Forecast benchmarks: fitting and forecasting a year of 15-minute
//! history per queue.
//!
//! ```sh
//! cargo bench --bench forecast
//! ```
//!
//! For the whole 100-queue case in one timing, and the fit against the
//! number of events, see `cargo run --release --example forecast_speed`.

use std::hint::black_box;

use chrono::{Datelike, NaiveDate, TimeZone};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakplan::calendar::{Calendar, CalendarChoice, Event, EventKind};
use peakplan::forecast::{self, FitOptions};
use peakplan::inputs::history::{History, QueueHistory, Slot};
use peakplan::units::IntervalLen;

/// `queues` queues, one year from 2024-10-01, open 08:00–20:00 Monday to
/// Saturday, with a weekday and intraday shape.
fn history(queues: usize) -> History {
    let tz = chrono_tz::Europe::Paris;
    let interval = IntervalLen::from_minutes(15).expect("15 minutes");
    let first = NaiveDate::from_ymd_opt(2024, 10, 1).expect("date");
    let queues = (0..queues)
        .map(|q| {
            let mut slots = vec![];
            for date in first.iter_days().take(365) {
                let wd = date.weekday().num_days_from_monday() as usize;
                if wd == 6 {
                    continue;
                }
                for m in (8 * 60..20 * 60).step_by(15) {
                    let local =
                        date.and_hms_opt(m / 60, m % 60, 0).expect("time");
                    let start = tz
                        .from_local_datetime(&local)
                        .earliest()
                        .expect("instant");
                    let day = [1.3, 1.1, 1.0, 1.0, 0.9, 0.6][wd];
                    let hump = 1.0 + 0.5 * (f64::from(m - 480) / 230.0).sin();
                    let volume = ((5 + q) as f64 * day * hump).round();
                    slots.push(Slot { start, volume, aht_s: None, line: 0 });
                }
            }
            QueueHistory { name: format!("q{q:03}"), slots }
        })
        .collect();
    History {
        source: "bench".into(),
        tz,
        source_interval: interval,
        interval,
        queues,
    }
}

/// `n` events of one to three days over the year from 2024-10-01, 40
/// recurring names over three kinds.
fn events(n: usize) -> Vec<Event> {
    let first = NaiveDate::from_ymd_opt(2024, 10, 1).expect("date");
    let kinds = [EventKind::Marketing, EventKind::Sale, EventKind::External];
    (0..n)
        .map(|i| {
            let start = first + chrono::Days::new((i * 456 / n) as u64);
            Event {
                name: format!("campagne {:02}", i % 40),
                kind: kinds[i % 40 % kinds.len()],
                start,
                end: start + chrono::Days::new((i % 3) as u64),
                queues: vec![],
                uplift: None,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let queues = 10;
    let h = history(queues);
    let calendar = Calendar::build(CalendarChoice::Fr, 2024..=2026, vec![])
        .expect("calendar");
    let intervals: usize = h.queues.iter().map(|q| q.slots.len()).sum();
    let from = NaiveDate::from_ymd_opt(2025, 10, 1).expect("date");
    let to = from + chrono::Days::new(90);
    let mut g = c.benchmark_group("forecast");
    g.sample_size(10);
    g.throughput(Throughput::Elements(intervals as u64));
    g.bench_function("fit_10_queues_1y_15m", |b| {
        b.iter(|| {
            forecast::fit(black_box(&h), &calendar, &FitOptions::default())
        })
    });
    let model =
        forecast::fit(&h, &calendar, &FitOptions::default()).expect("model");
    g.bench_function("predict_10_queues_13_weeks", |b| {
        b.iter(|| forecast::predict(black_box(&model), from, to))
    });
    let one = history(1);
    for n in [1000, 10_000] {
        let calendar =
            Calendar::build(CalendarChoice::Fr, 2024..=2026, events(n))
                .expect("calendar");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("fit_1_queue_1y_{n}_events"), |b| {
            b.iter(|| {
                forecast::fit(
                    black_box(&one),
                    &calendar,
                    &FitOptions::default(),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
