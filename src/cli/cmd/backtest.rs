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
use crate::cli::files::{svg, write_outputs};
use crate::cli::log::StderrLog;
use crate::error::{Error, Result};
use crate::forecast::backtest::{
    self, BacktestOptions, DayTotal, Method, Metrics, Report,
};
use crate::pipeline::{self, elapsed, plural};
use crate::report::csv::CsvOut;
use crate::report::plot::{self, BacktestDay};
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look, Status};
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
    let bytes = match Format::resolve(args.format, args.out.as_deref()) {
        Format::Table => {
            table(&report, Look::for_output(args.out.as_deref())).into_bytes()
        }
        Format::Csv => csv(&report, global.dialect())?,
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(&report)
                .map_err(|e| Error::write("-", std::io::Error::other(e)))?;
            b.push(b'\n');
            b
        }
    };
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

/// The chart's rows: peakplan's daily totals with the `last_week`
/// baseline of the same queue, window and day beside them.
fn chart_days(days: &[DayTotal]) -> Vec<BacktestDay> {
    use std::collections::BTreeMap;
    let baseline: BTreeMap<_, f64> = days
        .iter()
        .filter(|d| d.method == Method::LastWeek)
        .map(|d| ((d.queue.as_str(), d.window_start, d.date), d.forecast))
        .collect();
    days.iter()
        .filter(|d| d.method == Method::Peakplan)
        .map(|d| BacktestDay {
            queue: d.queue.clone(),
            window_start: d.window_start,
            date: d.date,
            actual: d.actual,
            forecast: d.forecast,
            baseline: baseline
                .get(&(d.queue.as_str(), d.window_start, d.date))
                .copied(),
        })
        .collect()
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

/// Titles of the table, units included; same columns as [`HEADER`].
const TITLES: [&str; 11] = [
    "queue",
    "scope",
    "method",
    "intervals",
    "contacts",
    "wape (%)",
    "daily wape (%)",
    "mase",
    "bias (%)",
    "p10-p90 cover (%)",
    "noise floor (%)",
];

fn table(r: &Report, look: Look) -> String {
    let mut out = String::new();
    for (i, (a, b)) in r.windows.iter().enumerate() {
        out.push_str(&format!("window {}: {a} .. {b}\n", i + 1));
    }
    out.push('\n');
    let mut t = Table::new(TITLES);
    // Hidden first on a narrow terminal: the least read columns.
    t.droppable(3, 1).droppable(10, 2).droppable(7, 3).droppable(6, 4);
    t.droppable(9, 5).droppable(8, 6);
    let percent = |x: Option<f64>| {
        x.map_or("n/a".to_string(), |v| format!("{:.1}", 100.0 * v))
    };
    let multi = r.metrics.iter().any(|m| m.queue != "all");
    // Per queue first, then `all` as the totals when there are several.
    let mut order: Vec<&Metrics> =
        r.metrics.iter().filter(|m| m.queue != "all").collect();
    order.extend(r.metrics.iter().filter(|m| m.queue == "all"));
    for m in order {
        let mut row = cells(m, |_| String::new());
        for (i, x) in [(5, m.wape), (6, m.wape_daily), (8, m.bias)]
            .into_iter()
            .chain([(9, m.coverage), (10, m.noise_floor)])
        {
            row[i] = percent(x);
        }
        row[7] = m.mase.map_or("n/a".to_string(), |v| format!("{v:.2}"));
        if multi && m.queue == "all" {
            t.total(row);
        } else {
            t.row(row);
        }
        let group = r
            .metrics
            .iter()
            .filter(|o| o.queue == m.queue && o.scope == m.scope);
        let best = group.clone().filter_map(|o| o.wape).min_by(f64::total_cmp);
        let baseline_best = group
            .filter(|o| o.method != Method::Peakplan)
            .filter_map(|o| o.wape)
            .min_by(f64::total_cmp);
        if m.wape.is_some() && m.wape == best {
            t.mark(5, Emphasis::Bold);
        }
        if let (Method::Peakplan, Some(w), Some(b)) =
            (m.method, m.wape, baseline_best)
            && w > b
        {
            t.mark(5, Emphasis::Alert);
        }
    }
    out.push_str(&t.render_with(look));
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
