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

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use crate::calendar::{Calendar, CalendarChoice, Event};
use crate::cli::Global;
use crate::error::{Error, Result};
use crate::forecast::{self, DayForecast, FitOptions, Forecast, Windows};
use crate::inputs::history::{self, History, HistoryOptions};
use crate::report::csv::CsvOut;
use crate::report::table::Table;
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
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// History, calendar and model options, read and checked.
pub(crate) struct Inputs {
    pub history: History,
    pub calendar: Calendar,
    pub fit: FitOptions,
}

/// Reads the history (only the queues asked for) and the events, and
/// builds the calendar and the fit options.
pub(crate) fn load(
    args: &InputArgs,
    global: &Global,
    until: Option<NaiveDate>,
) -> Result<Inputs> {
    let mut windows = Windows::default();
    for spec in &args.windows {
        windows
            .apply(spec)
            .map_err(|e| Error::usage(format!("--window: {e}")))?;
    }
    let opts = HistoryOptions {
        tz: global.tz(args.tz),
        interval: Some(args.interval),
        ..HistoryOptions::default()
    };
    let mut history = history::read(&args.history, &opts)?;
    forecast::check_queues(&history, &args.queues)?;
    if !args.queues.is_empty() {
        history.queues.retain(|q| args.queues.contains(&q.name));
    }
    let mut events: Vec<Event> = vec![];
    for path in &args.events {
        events.extend(crate::inputs::events::read(path)?);
    }
    let choice = match (args.calendar, global.defaults.calendar.as_deref()) {
        (Some(c), _) => c,
        (None, Some(text)) => text.parse().map_err(|e| {
            Error::usage(format!("calendar in the config file: {e}"))
        })?,
        (None, None) => CalendarChoice::Fr,
    };
    // The built-in days of every year of history and of the forecast
    // (next year's too: a window may reach over New Year).
    let years: Vec<i32> = history
        .queues
        .iter()
        .flat_map(|q| q.slots.first().into_iter().chain(q.slots.last()))
        .map(|s| s.start.naive_local().date().year())
        .chain(until.map(|u| u.year()))
        .collect();
    let first = years.iter().min().copied().unwrap_or(2000);
    let last = years.iter().max().copied().unwrap_or(2000) + 1;
    let calendar = Calendar::build(choice, first..=last, events)?;
    let fit = FitOptions { windows, ..FitOptions::default() };
    Ok(Inputs { history, calendar, fit })
}

/// Progress on stderr while queues are fitted, only on a terminal and
/// only without `--quiet`.
pub(crate) fn progress(global: &Global) -> impl Fn(usize, usize) + Sync {
    let show = !global.quiet && std::io::stderr().is_terminal();
    move |done, total| {
        if show && total > 1 {
            eprint!("\rpeakplan: fitted {done}/{total} queues");
            if done == total {
                eprintln!();
            }
        }
    }
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
    let inputs = load(&args.input, global, Some(args.to))?;
    let model = forecast::fit_with_progress(
        &inputs.history,
        &inputs.calendar,
        &inputs.fit,
        &progress(global),
    )?;
    let (f, days) = forecast::predict_with_days(&model, args.from, args.to);
    if let Some(end) = model.end()
        && args.from <= end
    {
        global.detail(format!(
            "note: the history runs to {end}; days up to it are fitted values"
        ));
    }
    let bytes = match args.format {
        Format::Csv => csv(&f, global.dialect())?,
        Format::Json => json(&f, &days)?,
        Format::Table => table(&days).into_bytes(),
    };
    crate::output::emit(
        args.out.as_deref().filter(|p| *p != Path::new("-")),
        &bytes,
    )
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

fn table(days: &[DayForecast]) -> String {
    let mut t = Table::new([
        "date",
        "day",
        "queue",
        "forecast",
        "p10",
        "p90",
        "intervals",
        "events",
    ]);
    for d in days {
        t.row([
            d.date.to_string(),
            d.date.format("%a").to_string(),
            d.queue.clone(),
            crate::report::fixed(d.total, 0),
            crate::report::fixed(d.p10, 0),
            crate::report::fixed(d.p90, 0),
            d.intervals.to_string(),
            d.events.join(", "),
        ]);
    }
    if days.is_empty() {
        return "no open day in the range: every day is forecast closed\n"
            .to_string();
    }
    t.render()
}
