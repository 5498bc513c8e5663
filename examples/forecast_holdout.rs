//! Held-out accuracy on the bundled example: fit `data/history.csv` (to
//! 2025-09-30), forecast October–December 2025, and score against the
//! generator's continuation, whose `expected_volume` column gives the noise
//! floor (the WAPE of a perfect forecast of the expectation).
//!
//! ```sh
//! cargo run --release --example generate_data -- \
//!     --to 2025-12-31 --expected --out-dir target/holdout
//! cargo run --release --example forecast_holdout
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use peakplan::calendar::{Calendar, CalendarChoice};
use peakplan::forecast::{self, FitOptions};
use peakplan::inputs::events;
use peakplan::inputs::history::{self, HistoryOptions};

type Key = (String, String); // (interval_start, queue)

#[derive(Default)]
struct Score {
    abs: f64,
    floor: f64,
    actual: f64,
    signed: f64,
    covered: usize,
    n: usize,
    days: BTreeMap<(String, String), (f64, f64, f64)>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let holdout = Path::new("target/holdout/history.csv");
    if !holdout.exists() {
        println!(
            "{} absent: run the generator first (see the doc comment)",
            holdout.display()
        );
        return Ok(());
    }
    let opts = HistoryOptions::default();
    let h = history::read(Path::new("data/history.csv"), &opts)?;
    let user = events::read(Path::new("data/events.csv"))?;
    let calendar = Calendar::build(CalendarChoice::Fr, 2023..=2026, user)?;
    let from = NaiveDate::from_ymd_opt(2025, 10, 1).ok_or("date")?;
    let to = NaiveDate::from_ymd_opt(2025, 12, 31).ok_or("date")?;
    let t = std::time::Instant::now();
    let model = forecast::fit(&h, &calendar, &FitOptions::default())?;
    let f = forecast::predict(&model, from, to);
    let secs = t.elapsed().as_secs_f64();
    let mut fc: BTreeMap<Key, (f64, f64, f64)> = BTreeMap::new();
    for r in &f.rows {
        fc.insert(
            (r.start.to_rfc3339(), r.queue.clone()),
            (r.mean, r.p10, r.p90),
        );
    }
    let mut actual: BTreeMap<Key, (f64, f64)> = BTreeMap::new();
    let mut rdr = csv::Reader::from_path(holdout)?;
    for rec in rdr.records() {
        let rec = rec?;
        if &rec[0][..10] >= "2025-10-01" {
            actual.insert(
                (rec[0].to_string(), rec[1].to_string()),
                (rec[2].parse()?, rec[4].parse()?),
            );
        }
    }
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let keys: std::collections::BTreeSet<&Key> =
        fc.keys().chain(actual.keys()).collect();
    for k in keys {
        let (m, lo, hi) = fc.get(k).copied().unwrap_or_default();
        let (a, e) = actual.get(k).copied().unwrap_or_default();
        let day = &k.0[..10];
        let mut groups = vec!["all", k.1.as_str()];
        if ("2025-11-25".."2025-12-13").contains(&day) {
            groups.push("Black Friday -3..+14");
        }
        if day >= "2025-11-27" {
            groups.push("Noël -28..+6");
        }
        for g in groups {
            let s = scores.entry(g).or_default();
            s.abs += (m - a).abs();
            s.floor += (e - a).abs();
            s.actual += a;
            s.signed += m - a;
            s.n += 1;
            s.covered += usize::from(lo <= a && a <= hi);
            let d = s.days.entry((day.to_string(), k.1.clone())).or_default();
            d.0 += m;
            d.1 += a;
            d.2 += e;
        }
    }
    println!(
        "hold-out 2025-10-01 .. 2025-12-31, 30-minute intervals (fit + forecast {secs:.2}s)"
    );
    println!(
        "{:<22} {:>7} {:>7} {:>9} {:>9} {:>9} {:>7}",
        "", "WAPE", "floor", "WAPE/day", "floor/day", "coverage", "bias"
    );
    for (g, s) in &scores {
        let day: f64 = s.days.values().map(|d| (d.0 - d.1).abs()).sum();
        let day_floor: f64 = s.days.values().map(|d| (d.2 - d.1).abs()).sum();
        println!(
            "{g:<22} {:>7.3} {:>7.3} {:>9.3} {:>9.3} {:>9.3} {:>+7.3}",
            s.abs / s.actual,
            s.floor / s.actual,
            day / s.actual,
            day_floor / s.actual,
            s.covered as f64 / s.n as f64,
            s.signed / s.actual
        );
    }
    Ok(())
}
