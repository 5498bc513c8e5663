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
use crate::cli::Global;
use crate::cli::log::StderrLog;
use crate::config::Layer;
use crate::error::{Error, Result};
use crate::forecast::{self, DayForecast, Forecast, Windows};
use crate::pipeline::{self, Log, Sources, elapsed, plural};
use crate::report::csv::CsvOut;
use crate::report::plot::{self, ChartError};
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Format};
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
    /// [`Error::Usage`] naming `--window` for a bad spec.
    pub fn sources(&self, global: &Global) -> Result<Sources> {
        let mut windows = Windows::default();
        for spec in &self.windows {
            windows
                .apply(spec)
                .map_err(|e| Error::usage(format!("--window: {e}")))?;
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

/// Writes `data` to `out` (or stdout) and the extra `files`, all computed
/// beforehand: files first, together or not at all, then stdout.
pub(crate) fn write_outputs(
    global: &Global,
    out: Option<&Path>,
    data: &[u8],
    files: &[(&Path, &[u8])],
) -> Result<()> {
    let out = out.filter(|p| *p != Path::new("-"));
    let mut all: Vec<(&Path, &[u8])> = files.to_vec();
    all.extend(out.map(|p| (p, data)));
    crate::output::write_all_atomic(&all)?;
    for (path, bytes) in &all {
        global.detail(format!(
            "wrote {} ({} bytes)",
            path.display(),
            bytes.len()
        ));
    }
    if out.is_none() {
        crate::output::emit(None, data)?;
    }
    Ok(())
}

/// The SVG of `chart`, or an error naming `path`: exit 2 when there is
/// nothing to draw (a usage problem), 1 when drawing itself fails.
pub(crate) fn svg<X: plot::TimeAxis>(
    path: &Path,
    chart: std::result::Result<plot::Chart<X>, ChartError>,
) -> Result<Vec<u8>> {
    let fail = |e: ChartError| match e {
        ChartError::Draw(msg) => {
            Error::write(path, std::io::Error::other(msg))
        }
        e => Error::usage(format!("--chart {}: {e}", path.display())),
    };
    let chart = chart.map_err(fail)?;
    plot::render_svg(&chart, plot::WIDTH, plot::PANEL_HEIGHT)
        .map(String::into_bytes)
        .map_err(fail)
}

/// Runs `peakplan forecast`.
///
/// # Errors
///
/// [`Error::Usage`] for `--from` after `--to` or an unknown queue; input
/// errors from the history and events files; I/O errors writing `--out`.
pub fn run(args: Args, global: &Global) -> Result<()> {
    if args.from > args.to {
        return Err(Error::usage(format!(
            "--from {} is after --to {}: give the first day, then the last",
            args.from, args.to
        )));
    }
    if (args.to - args.from).num_days() > 3 * 366 {
        return Err(Error::usage(format!(
            "--from {} --to {} spans more than three years; forecast at most \
             three years at once",
            args.from, args.to
        )));
    }
    if let Some(day) = args.chart_day
        && !(args.from..=args.to).contains(&day)
    {
        return Err(Error::usage(format!(
            "--chart-day {day} is outside --from {} --to {}: chart a day \
             of the forecast",
            args.from, args.to
        )));
    }
    let log = StderrLog::new(global);
    let inputs =
        pipeline::load(&args.input.sources(global)?, Some(args.to), &log)?;
    let started = Instant::now();
    let model = forecast::fit_with_progress(
        &inputs.history,
        &inputs.calendar,
        &inputs.fit,
        &|done, total| log.fitted(done, total),
    )?;
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
    let bytes = match Format::resolve(args.format, args.out.as_deref()) {
        Format::Csv => csv(&f, global.dialect())?,
        Format::Json => json(&f, &days)?,
        Format::Table => {
            let look = Look::for_output(args.out.as_deref());
            table(&days, f.interval, look).into_bytes()
        }
    };
    let chart = match (&args.chart, args.chart_day) {
        (Some(path), Some(day)) => Some((
            path.as_path(),
            svg(
                path,
                plot::forecast_intraday_chart(&f, Some(&inputs.history), day),
            )?,
        )),
        (Some(path), None) => Some((
            path.as_path(),
            svg(
                path,
                plot::forecast_daily_chart(
                    &f,
                    Some(&inputs.history),
                    &inputs.calendar,
                ),
            )?,
        )),
        (None, _) => None,
    };
    let files: Vec<(&Path, &[u8])> =
        chart.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    write_outputs(global, args.out.as_deref(), &bytes, &files)
}

/// The interval CSV.
///
/// # Errors
///
/// Only on an internal encoding error.
pub fn csv(f: &Forecast, dialect: Dialect) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(
        dialect,
        &[
            "interval_start",
            "queue",
            "forecast",
            "p10",
            "p50",
            "p90",
            "aht_s",
            "events",
        ],
    )?;
    for r in &f.rows {
        let n = |x: f64| dialect.number(x, 3);
        out.row([
            r.start.to_rfc3339(),
            r.queue.clone(),
            n(r.mean),
            n(r.p10),
            n(r.p50),
            n(r.p90),
            r.aht_s.map_or(String::new(), |a| dialect.number(a, 1)),
            r.events.join("|"),
        ])?;
    }
    out.into_bytes()
}

fn round3(x: f64) -> serde_json::Value {
    let v = (x * 1000.0).round() / 1000.0;
    serde_json::Number::from_f64(if v == 0.0 { 0.0 } else { v })
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

fn json(f: &Forecast, days: &[DayForecast]) -> Result<Vec<u8>> {
    use serde_json::{Value, json};
    let intervals: Vec<Value> = f
        .rows
        .iter()
        .map(|r| {
            json!({
                "interval_start": r.start.to_rfc3339(),
                "queue": r.queue,
                "forecast": round3(r.mean),
                "p10": round3(r.p10),
                "p50": round3(r.p50),
                "p90": round3(r.p90),
                "aht_s": r.aht_s.map(|a| round3((a * 10.0).round() / 10.0)),
                "events": r.events,
            })
        })
        .collect();
    let days: Vec<Value> = days
        .iter()
        .map(|d| {
            json!({
                "date": d.date.to_string(),
                "queue": d.queue,
                "forecast": round3(d.total),
                "p10": round3(d.p10),
                "p90": round3(d.p90),
                "intervals": d.intervals,
                "events": d.events,
            })
        })
        .collect();
    let doc = json!({
        "tz": f.tz.name(),
        "interval": f.interval.to_string(),
        "days": days,
        "intervals": intervals,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc)
        .map_err(|e| Error::write("-", std::io::Error::other(e)))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The daily table: one row per queue and open day, event days in bold,
/// then a total per queue (and for all queues when there are several).
/// The p10/p90 of a total are left blank: the sum of daily quantiles is
/// not a quantile of the sum.
fn table(days: &[DayForecast], interval: IntervalLen, look: Look) -> String {
    use crate::report::fixed;
    if days.is_empty() {
        return "no open day in the range: every day is forecast closed\n"
            .to_string();
    }
    let mut t = Table::new([
        "date".to_string(),
        "day".to_string(),
        "queue".to_string(),
        "contacts".to_string(),
        "p10".to_string(),
        "p90".to_string(),
        format!("{interval} slots"),
        "events".to_string(),
    ]);
    t.droppable(6, 1).droppable(1, 2).droppable(4, 3).droppable(5, 3);
    t.shrinkable(7);
    let mut totals: Vec<(&str, f64, usize)> = vec![];
    for d in days {
        let emphasis =
            if d.events.is_empty() { Emphasis::None } else { Emphasis::Bold };
        t.row_with(
            [
                d.date.to_string(),
                d.date.format("%a").to_string(),
                d.queue.clone(),
                fixed(d.total, 0),
                fixed(d.p10, 0),
                fixed(d.p90, 0),
                d.intervals.to_string(),
                d.events.join(", "),
            ],
            emphasis,
        );
        match totals.iter_mut().find(|(q, ..)| *q == d.queue) {
            Some(x) => {
                x.1 += d.total;
                x.2 += d.intervals;
            }
            None => totals.push((&d.queue, d.total, d.intervals)),
        }
    }
    let n_days = |q: Option<&str>| {
        days.iter().filter(|d| q.is_none_or(|q| d.queue == q)).count()
    };
    let total_row = |queue: &str, sum: f64, slots: usize, n: usize| {
        [
            "total".to_string(),
            format!("{n}d"),
            queue.to_string(),
            fixed(sum, 0),
            String::new(),
            String::new(),
            slots.to_string(),
            String::new(),
        ]
    };
    for (queue, sum, slots) in &totals {
        t.total(total_row(queue, *sum, *slots, n_days(Some(queue))));
    }
    if totals.len() > 1 {
        let sum = totals.iter().map(|x| x.1).sum();
        let slots = totals.iter().map(|x| x.2).sum();
        t.total(total_row("all", sum, slots, n_days(None)));
    }
    t.render_with(look)
}
