//! History + events + calendar → the series a forecast is fitted on.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use crate::calendar::{Calendar, CalendarChoice, Event, EventKind};
use crate::error::Result;
use crate::forecast::{self, FitOptions, Windows};
use crate::inputs::history::{self, History, HistoryOptions};
use crate::units::IntervalLen;

use super::{Log, elapsed, plural};

/// What to read, and how.
#[derive(Clone, Debug)]
pub struct Sources {
    /// History CSV (`-` for stdin).
    pub history: PathBuf,
    /// Events CSVs.
    pub events: Vec<PathBuf>,
    /// Built-in calendar added to the events.
    pub calendar: CalendarChoice,
    /// Interval length the history is summed to.
    pub interval: IntervalLen,
    /// Zone of naive timestamps.
    pub tz: Tz,
    /// Only these queues (empty: every queue).
    pub queues: Vec<String>,
    /// Event windows of the model.
    pub windows: Windows,
}

/// History, calendar and model options, read and checked.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The history, only the queues asked for.
    pub history: History,
    /// Built-in days and events files, over the history's years and
    /// `until`'s.
    pub calendar: Calendar,
    /// Model options.
    pub fit: FitOptions,
}

/// Reads the history (only the queues asked for) and the events, and
/// builds the calendar of every year from the history's first to `until`
/// (and the next: a window may reach over New Year), and the fit options.
///
/// # Errors
///
/// Reading errors of the files; [`crate::Error::Usage`] for a queue not in
/// the history.
pub fn load(
    src: &Sources,
    until: Option<NaiveDate>,
    log: &dyn Log,
) -> Result<Loaded> {
    let opts = HistoryOptions {
        tz: src.tz,
        interval: Some(src.interval),
        ..HistoryOptions::default()
    };
    let started = Instant::now();
    log.reading(&src.history.display().to_string());
    let history = history::read(&src.history, &opts);
    log.read_done();
    let mut history = history?;
    log.detail(&format!(
        "read {}: {} in {} queue(s) at {}, {} ({})",
        history.source,
        plural(history.queues.iter().map(|q| q.slots.len()).sum(), "interval"),
        history.queues.len(),
        history.interval,
        span(&history),
        elapsed(started)
    ));
    forecast::check_queues(&history, &src.queues)?;
    if !src.queues.is_empty() {
        history.queues.retain(|q| src.queues.contains(&q.name));
    }
    let mut events: Vec<Event> = vec![];
    for path in &src.events {
        let read = crate::inputs::events::read(path)?;
        log.detail(&format!(
            "read {}: {}",
            path.display(),
            plural(read.len(), "event")
        ));
        events.extend(read);
    }
    let choice = src.calendar;
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
    log.detail(&format!(
        "calendar {} {first}–{last}: {}",
        format!("{choice:?}").to_lowercase(),
        plural(calendar.events().len(), "event")
    ));
    check_window_names(&src.windows, &calendar)?;
    let fit =
        FitOptions { windows: src.windows.clone(), ..FitOptions::default() };
    Ok(Loaded { history, calendar, fit })
}

/// Every event name given a window must be in the calendar (or be a
/// kind's name, misspelt): a window for no event would change nothing.
fn check_window_names(windows: &Windows, calendar: &Calendar) -> Result<()> {
    let kinds = EventKind::ALL.map(EventKind::as_str);
    let known: Vec<&str> = calendar
        .events()
        .iter()
        .map(|e| e.name.as_str())
        .chain(kinds)
        .collect();
    for name in windows.named() {
        crate::inputs::events::check_event_name(
            name,
            known.iter().copied(),
            "event window",
        )
        .map_err(crate::Error::usage)?;
    }
    Ok(())
}

/// The first and last day of `h`, for a person.
fn span(h: &History) -> String {
    let dates: Vec<NaiveDate> = h
        .queues
        .iter()
        .flat_map(|q| q.slots.first().into_iter().chain(q.slots.last()))
        .map(|s| s.start.naive_local().date())
        .collect();
    match (dates.iter().min(), dates.iter().max()) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no rows".to_string(),
    }
}
