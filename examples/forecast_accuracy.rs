//! Forecast accuracy on real call-center data, against naive baselines.
//!
//! ```sh
//! cargo run --release --example forecast_accuracy -- [DATA_DIR] [HORIZON_DAYS] [ORIGINS]
//! ```
//!
//! `DATA_DIR` holds `bank_calls_us_2003_5min.csv` and
//! `anonymous_bank_il_1999_6min.csv` with their `_events.csv` files
//! (default `../shared/data`); the example prints a note and exits
//! cleanly when they are absent. Volumes are summed to 30-minute
//! intervals; naive local times are read in the center's zone.

use std::path::PathBuf;

use peakplan::calendar::Calendar;
use peakplan::forecast::backtest::{self, BacktestOptions, Method, Scope};
use peakplan::inputs::history::{self, HistoryOptions};
use peakplan::units::IntervalLen;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir =
        PathBuf::from(args.first().map_or("../shared/data", String::as_str));
    let horizon: u32 = args.get(1).map_or(Ok(14), |s| s.parse())?;
    let origins: usize = args.get(2).map_or(Ok(4), |s| s.parse())?;
    let sets = [
        (
            "bank_calls_us_2003_5min.csv",
            "bank_calls_us_2003_events.csv",
            chrono_tz::America::New_York,
        ),
        (
            "anonymous_bank_il_1999_6min.csv",
            "anonymous_bank_il_1999_events.csv",
            chrono_tz::Asia::Jerusalem,
        ),
    ];
    for (file, events, tz) in sets {
        let path = dir.join(file);
        if !path.exists() {
            println!("{}: absent, skipped", path.display());
            continue;
        }
        let opts = HistoryOptions {
            tz,
            interval: IntervalLen::from_minutes(30),
            ..HistoryOptions::default()
        };
        let history = history::read(&path, &opts)?;
        let calendar =
            Calendar::new(peakplan::inputs::events::read(&dir.join(events))?);
        let opts = BacktestOptions {
            horizon_days: horizon,
            origins,
            ..BacktestOptions::default()
        };
        let t = std::time::Instant::now();
        let report = backtest::run(&history, &calendar, &opts)?;
        println!(
            "\n{file}: {origins} origins × {horizon} days, 30-minute intervals ({:.1}s)",
            t.elapsed().as_secs_f64()
        );
        for w in &report.windows {
            println!("  window {} .. {}", w.0, w.1);
        }
        println!(
            "  {:<11} {:<9} {:>9} {:>8} {:>10} {:>6} {:>7} {:>9} {:>6}",
            "scope",
            "method",
            "intervals",
            "WAPE",
            "WAPE/day",
            "MASE",
            "bias",
            "coverage",
            "floor"
        );
        for m in report.metrics.iter().filter(|m| m.queue == "all") {
            let f = |x: Option<f64>| {
                x.map_or("n/a".to_string(), |v| format!("{v:.3}"))
            };
            println!(
                "  {:<11} {:<9} {:>9} {:>8} {:>10} {:>6} {:>7} {:>9} {:>6}",
                m.scope.as_str(),
                m.method.as_str(),
                m.intervals,
                f(m.wape),
                f(m.wape_daily),
                f(m.mase),
                f(m.bias),
                f(m.coverage),
                f(m.noise_floor)
            );
        }
        let get = |method| {
            report
                .metrics
                .iter()
                .find(|m| {
                    m.queue == "all"
                        && m.scope == Scope::All
                        && m.method == method
                })
                .and_then(|m| m.wape)
        };
        if let (Some(a), Some(b)) =
            (get(Method::Peakplan), get(Method::LastWeek))
        {
            println!("  peakplan / last-week WAPE = {:.3}", a / b);
        }
    }
    Ok(())
}
