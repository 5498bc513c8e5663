//! `peakplan forecast`: contacts per interval and queue for a date range.
//!
//! ```text
//! peakplan forecast --history FILE [--events FILE]... [--calendar fr|none]
//!                   --from DATE --to DATE [--interval 15m|30m|60m] [--tz ZONE]
//!                   [--queue NAME]... [--window KEY=BEFORE..AFTER]...
//!                   [--format table|csv|json] [--out FILE]
//! ```
//!
//! CSV columns: `interval_start,queue,forecast,p10,p50,p90,aht_s,events`,
//! `interval_start` in ISO 8601 with the zone's offset, `events` the names
//! of the events touching that day separated by `|`. The table shows daily
//! totals per queue, for a person; CSV and JSON give every interval.
//!
//! `--chart FILE.svg` also draws the daily forecast (or, with
//! `--chart-day`, the intervals of one day) with its p10–p90 band, the
//! actual volumes where the range overlaps the history, and the events.
//! Everything is computed before anything is written, and the chart and
//! `--out` land together or not at all.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::calendar::CalendarChoice;
use crate::cli::log::StderrLog;
use crate::cli::{Global, checks, files};
use crate::config::Layer;
use crate::error::Result;
use crate::forecast::{self, Windows};
use crate::pipeline::{self, Log, Sources, elapsed, plural};
use crate::report::Format;
use crate::report::forecast::ForecastReport;
use crate::report::plot;
use crate::units::IntervalLen;

/// Flags shared by `forecast` and `backtest`: where the history and events
/// come from and how to read them.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// History CSV: interval_start, volume[, queue][, aht_s] (`-` for
    /// stdin).
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// Events CSV: name,kind,start,end[,queues][,uplift]. Repeat for
    /// several files.
    #[arg(long, value_name = "FILE")]
    pub events: Vec<PathBuf>,
    /// Built-in calendar added to the events [default: fr, or the config
    /// file's].
    #[arg(long, value_enum, value_name = "NAME")]
    pub calendar: Option<CalendarChoice>,
    /// Interval length of the forecast; the history is summed to it.
    #[arg(long, value_name = "DURATION", default_value = "30m")]
    pub interval: IntervalLen,
    /// Zone of naive timestamps in the history and of the output
    /// [default: Europe/Paris, or the config file's].
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<Tz>,
    /// Only these queues (repeatable; default: every queue).
    #[arg(long = "queue", value_name = "NAME")]
    pub queues: Vec<String>,
    /// Override an event window, in days around the event:
    /// `black_friday=-3..14` (a kind) or `Noël=-28..10` (an event name).
    /// Repeatable.
    #[arg(long = "window", value_name = "KEY=BEFORE..AFTER")]
    pub windows: Vec<String>,
}

/// Flags of `peakplan forecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// First day to forecast (local date, YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: NaiveDate,
    /// Last day to forecast (inclusive).
    #[arg(long, value_name = "DATE")]
    pub to: NaiveDate,
    /// Output format: a daily table, or every interval as CSV or JSON.
    /// [default: from the --out extension (.csv, .json), else table]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the forecast as an SVG chart: contacts per day with the
    /// p10–p90 band, actual volumes where the history covers the range,
    /// and the events.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Chart the intervals of this day instead of the daily totals (a
    /// date between --from and --to).
    #[arg(long, value_name = "DATE", requires = "chart")]
    pub chart_day: Option<NaiveDate>,
}

impl InputArgs {
    /// What to read, with the zone and calendar resolved (flag, config
    /// file, built-in) and the `--window` specs parsed.
    ///
    /// # Errors
    ///
    /// [`checks::ArgsError::Window`] for a bad spec.
    pub fn sources(&self, global: &Global) -> Result<Sources> {
        let mut windows = Windows::default();
        for spec in &self.windows {
            windows
                .apply(spec)
                .map_err(|e| checks::ArgsError::Window(e.to_string()))?;
        }
        let flags =
            Layer { tz: self.tz, calendar: self.calendar, dialect: None };
        let settings = global.settings(flags, None);
        Ok(Sources {
            history: self.history.clone(),
            events: self.events.clone(),
            calendar: settings.calendar,
            interval: self.interval,
            tz: settings.tz,
            queues: self.queues.clone(),
            windows,
        })
    }
}

/// Runs `peakplan forecast`: load, fit and predict, report.
///
/// # Errors
///
/// [`ArgsError`](crate::cli::checks::ArgsError) for a range that does not
/// fit; input errors from the history and events files; I/O errors
/// writing `--out` or `--chart`.
pub fn run(args: Args, global: &Global) -> Result<()> {
    checks::forecast_range(args.from, args.to, args.chart_day)?;
    let log = StderrLog::new(global);
    // Only the chart shows the history itself: without one, each queue's
    // slots are laid out just for its fit.
    let sources = args.input.sources(global)?;
    let mut inputs = pipeline::prepare(
        &sources,
        Some(args.to),
        args.chart.is_some(),
        &log,
    )?;
    let started = Instant::now();
    let model = inputs.fit(&|done, total| log.fitted(done, total))?;
    global.detail(format!(
        "fitted {} ({})",
        plural(model.queues().count(), "queue"),
        elapsed(started)
    ));
    let started = Instant::now();
    let (f, days) = forecast::predict_with_days(&model, args.from, args.to);
    global.detail(format!(
        "forecast {} and {} ({})",
        plural(days.len(), "queue-day"),
        plural(f.rows.len(), "interval"),
        elapsed(started)
    ));
    if let Some(end) = model.end()
        && args.from <= end
    {
        global.detail(format!(
            "note: the history runs to {end}; days up to it are fitted values"
        ));
    }
    let report = ForecastReport { forecast: &f, days: &days };
    let out = args.out.as_deref();
    let bytes = files::render(&report, args.format, out, global)?;
    let history = inputs.history();
    let chart = args.chart.as_deref().map(|path| {
        let svg = match args.chart_day {
            Some(day) => files::svg(
                path,
                plot::forecast_intraday_chart(&f, history, day),
            ),
            None => files::svg(
                path,
                plot::forecast_daily_chart(&f, history, &inputs.calendar),
            ),
        };
        svg.map(|svg| (path, svg))
    });
    let chart = chart.transpose()?;
    let extra: Vec<(&Path, &[u8])> =
        chart.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    files::write_outputs(global, args.out.as_deref(), &bytes, &extra)
}
