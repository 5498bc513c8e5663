//! `peakplan backtest`: how the forecast would have done on the last weeks
//! of history, beside two naive baselines.
//!
//! ```text
//! peakplan backtest --history FILE [--events FILE]... [--calendar fr|none]
//!                   [--horizon 14d] [--origins 4] [--step DAYS]
//!                   [--interval 30m] [--tz ZONE] [--queue NAME]...
//!                   [--format table|csv|json]
//! ```
//!
//! The origins are the ends of the last `--origins` windows of `--horizon`
//! days before the end of history, back to back (or `--step` days apart).
//! See [`crate::forecast::backtest`] for the metrics.

use std::path::PathBuf;

use crate::cli::Global;
use crate::cli::cmd::forecast::{InputArgs, load, progress};
use crate::error::{Error, Result};
use crate::forecast::backtest::{self, BacktestOptions, Metrics, Report};
use crate::report::csv::CsvOut;
use crate::report::table::Table;
use crate::report::{Dialect, Format, fixed};
use crate::units::parse_duration;

/// Flags of `peakplan backtest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Days forecast from each origin (`14d`, `28d`).
    #[arg(long, value_name = "DAYS", default_value = "14d", value_parser = whole_days)]
    pub horizon: u32,
    /// Number of origins.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=104))]
    pub origins: u32,
    /// Days between origins [default: the horizon, so windows do not
    /// overlap]; `7d` gives weekly origins.
    #[arg(long, value_name = "DAYS", value_parser = whole_days)]
    pub step: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn whole_days(s: &str) -> std::result::Result<u32, String> {
    let secs = parse_duration(s)?;
    let days = secs / 86_400.0;
    // Bare numbers are days here, not seconds.
    let days =
        if s.trim().chars().all(|c| c.is_ascii_digit()) { secs } else { days };
    if days.fract() != 0.0 || !(1.0..=366.0).contains(&days) {
        return Err(format!(
            "expected whole days from 1d to 366d such as 14d, found {s:?}"
        ));
    }
    Ok(days as u32)
}

/// Runs `peakplan backtest`.
///
/// # Errors
///
/// Input errors from the files; [`Error::Usage`] when the history is too
/// short for the origins asked.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let inputs = load(&args.input, global, None)?;
    let opts = BacktestOptions {
        horizon_days: args.horizon,
        origins: args.origins as usize,
        step_days: args.step,
        fit: inputs.fit,
    };
    let show = progress(global);
    let report = backtest::run(&inputs.history, &inputs.calendar, &opts)?;
    show(1, 1);
    let bytes = match args.format {
        Format::Table => table(&report).into_bytes(),
        Format::Csv => csv(&report, global.dialect())?,
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(&report)
                .map_err(|e| Error::write("-", std::io::Error::other(e)))?;
            b.push(b'\n');
            b
        }
    };
    crate::output::emit(args.out.as_deref(), &bytes)
}

const HEADER: [&str; 11] = [
    "queue",
    "scope",
    "method",
    "intervals",
    "volume",
    "wape",
    "wape_daily",
    "mase",
    "bias",
    "coverage_p10_p90",
    "noise_floor",
];

fn cells(m: &Metrics, f: impl Fn(Option<f64>) -> String) -> Vec<String> {
    vec![
        m.queue.clone(),
        m.scope.as_str().to_string(),
        m.method.as_str().to_string(),
        m.intervals.to_string(),
        fixed(m.volume, 0),
        f(m.wape),
        f(m.wape_daily),
        f(m.mase),
        f(m.bias),
        f(m.coverage),
        f(m.noise_floor),
    ]
}

fn table(r: &Report) -> String {
    let mut out = String::new();
    for (i, (a, b)) in r.windows.iter().enumerate() {
        out.push_str(&format!("window {}: {a} .. {b}\n", i + 1));
    }
    out.push('\n');
    let mut t = Table::new(HEADER);
    for m in &r.metrics {
        t.row(cells(m, |x| {
            x.map_or("n/a".to_string(), |v| format!("{v:.3}"))
        }));
    }
    out.push_str(&t.render());
    out
}

fn csv(r: &Report, dialect: Dialect) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(dialect, &HEADER)?;
    for m in &r.metrics {
        out.row(cells(m, |x| {
            x.map_or(String::new(), |v| dialect.number(v, 4))
        }))?;
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizons_are_whole_days() {
        assert_eq!(whole_days("14d"), Ok(14));
        assert_eq!(whole_days("28"), Ok(28));
        assert_eq!(whole_days("336h"), Ok(14));
        assert!(whole_days("12h").is_err());
        assert!(whole_days("0d").is_err());
        assert!(whole_days("two weeks").is_err());
    }
}
