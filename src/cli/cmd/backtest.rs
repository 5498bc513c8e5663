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
//!
//! The table shows the ratios in percent (units in the titles) and, with
//! several queues, the `all` lines as totals under a rule; on a colour
//! terminal the best WAPE of each group is bold and peakplan's in red when
//! a naive baseline beats it. CSV and JSON keep plain ratios (`0.123`).
//! `--chart FILE.svg` draws each window's daily forecast against the
//! actual contacts and the `last_week` baseline.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::Global;
use crate::cli::cmd::forecast::InputArgs;
use crate::cli::files::{self, svg, write_outputs};
use crate::cli::log::StderrLog;
use crate::error::{Error, Result};
use crate::forecast::backtest::{
    self, BacktestError, BacktestOptions, MIN_TRAINING_DAYS,
};
use crate::pipeline::{self, elapsed, plural};
use crate::report::Format;
use crate::report::backtest::{BacktestReport, chart_days};
use crate::report::plot;
use crate::report::term::Status;
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
    /// [default: from the --out extension (.csv, .json), else table]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the test windows as an SVG chart: actual contacts per day
    /// against peakplan's forecast and the last_week baseline.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

/// `e` in the flags that set the windows.
fn too_short(e: BacktestError) -> Error {
    match e {
        BacktestError::TooShort {
            origins,
            horizon_days,
            file,
            first,
            last,
            days,
        } => Error::usage(format!(
            "--origins {origins} --horizon {horizon_days}d needs at least \
             {MIN_TRAINING_DAYS} days of history before the first test \
             window; {file} covers {first} to {last} ({days} days): use \
             fewer origins or a shorter horizon"
        )),
        e => Error::usage(e.to_string()),
    }
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
    let log = StderrLog::new(global);
    let inputs = pipeline::load(&args.input.sources(global)?, None, &log)?;
    let opts = BacktestOptions {
        horizon_days: args.horizon,
        origins: args.origins as usize,
        step_days: args.step,
        fit: inputs.fit,
    };
    backtest::windows(&inputs.history, &opts).map_err(too_short)?;
    let status = Status::new(global.quiet);
    status.show(&format!(
        "backtesting {} of {} days…",
        plural(opts.origins, "window"),
        opts.horizon_days
    ));
    let started = Instant::now();
    let report = backtest::run(&inputs.history, &inputs.calendar, &opts);
    status.clear();
    let report = report?;
    global.detail(format!(
        "backtested {} ({})",
        plural(report.windows.len(), "window"),
        elapsed(started)
    ));
    let out = args.out.as_deref();
    let bytes =
        files::render(&BacktestReport(&report), args.format, out, global)?;
    let chart = match &args.chart {
        Some(path) => {
            let days = chart_days(&report.days);
            let chart =
                plot::backtest_chart(&days, "last_week", &inputs.calendar);
            Some((path.as_path(), svg(path, chart)?))
        }
        None => None,
    };
    let files: Vec<(&Path, &[u8])> =
        chart.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    write_outputs(global, args.out.as_deref(), &bytes, &files)
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
