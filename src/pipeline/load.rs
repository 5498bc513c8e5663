//! History + events + calendar → the series a forecast is fitted on.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use rayon::prelude::*;

use crate::calendar::{Calendar, CalendarChoice, Event, EventKind};
use crate::error::Result;
use crate::forecast::{self, FitOptions, Model, Windows};
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
    let (shape, pending, calendar, fit) = read_pending(src, until, log)?;
    Ok(Loaded { history: lay_out(shape, pending), calendar, fit })
}

/// A history read and checked, its calendar and fit options, ready to be
/// fitted with [`Prepared::fit`].
pub struct Prepared {
    queues: Queues,
    /// Built-in days and events files, as [`Loaded::calendar`].
    pub calendar: Calendar,
    /// Model options.
    pub fit: FitOptions,
}

/// The queues to fit: laid out whole, or still as the reader stored them
/// (with the history's source, zone and intervals and no queues).
enum Queues {
    Whole(History),
    Pending(History, Vec<history::Pending>),
}

impl Prepared {
    /// Fits every queue, calling `progress(done, total)` as
    /// [`forecast::fit_with_progress`] does. A history read without being
    /// kept is laid out one queue at a time, each queue's slots freed once
    /// it is fitted, so that memory stays near what the reader stored;
    /// the model is the same either way.
    ///
    /// # Errors
    ///
    /// As [`forecast::fit`].
    pub fn fit(
        &mut self,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Model> {
        match &mut self.queues {
            Queues::Whole(history) => forecast::fit_with_progress(
                history,
                &self.calendar,
                &self.fit,
                progress,
            ),
            Queues::Pending(shape, pending) => {
                let pending = std::mem::take(pending);
                let total = pending.len();
                forecast::fit_each(
                    shape,
                    pending.into_par_iter().enumerate(),
                    pending_days,
                    total,
                    &self.calendar,
                    &self.fit,
                    progress,
                )
            }
        }
    }

    /// The history, when it was kept whole.
    pub fn history(&self) -> Option<&History> {
        match &self.queues {
            Queues::Whole(history) => Some(history),
            Queues::Pending(..) => None,
        }
    }
}

/// As [`load`], keeping the history's slots only when `keep_history`:
/// otherwise the queues stay as the reader stored them until
/// [`Prepared::fit`] lays each out.
///
/// # Errors
///
/// As [`load`].
pub fn prepare(
    src: &Sources,
    until: Option<NaiveDate>,
    keep_history: bool,
    log: &dyn Log,
) -> Result<Prepared> {
    let (shape, pending, calendar, fit) = read_pending(src, until, log)?;
    let queues = if keep_history {
        Queues::Whole(lay_out(shape, pending))
    } else {
        Queues::Pending(shape, pending)
    };
    Ok(Prepared { queues, calendar, fit })
}

/// A queue's name and its days, straight from what the reader stored.
fn pending_days(p: &history::Pending) -> (&str, Vec<forecast::DayData>) {
    (p.name(), forecast::days_of(p.slot_values()))
}

/// `shape` with the queues of `pending` laid out.
fn lay_out(shape: History, pending: Vec<history::Pending>) -> History {
    let queues = pending.into_iter().map(history::Pending::lay_out);
    History { queues: queues.collect(), ..shape }
}

/// The history read (the queues asked for, not laid out, and a history
/// of no queues giving its source, zone and intervals), its calendar and
/// the fit options.
fn read_pending(
    src: &Sources,
    until: Option<NaiveDate>,
    log: &dyn Log,
) -> Result<(History, Vec<history::Pending>, Calendar, FitOptions)> {
    let opts = HistoryOptions {
        tz: src.tz,
        interval: Some(src.interval),
        ..HistoryOptions::default()
    };
    let started = Instant::now();
    log.reading(&src.history.display().to_string());
    let read = history::read_aggregated(&src.history, &opts);
    log.read_done();
    let (aggregated, _) = read?;
    let outline = aggregated.outline();
    let names = aggregated.names();
    let days = |keep: &dyn Fn(&str) -> bool| {
        let kept = names.iter().zip(&outline).filter(|(n, _)| keep(n));
        kept.flat_map(|(_, o)| [o.first, o.last]).collect::<Vec<_>>()
    };
    log.detail(&format!(
        "read {}: {} in {} queue(s) at {}, {} ({})",
        aggregated.source,
        plural(outline.iter().map(|o| o.slots).sum(), "interval"),
        names.len(),
        aggregated.interval,
        span(&days(&|_| true)),
        elapsed(started)
    ));
    forecast::check_queue_names(&aggregated.source, &names, &src.queues)?;
    let wanted = |name: &str| {
        src.queues.is_empty() || src.queues.iter().any(|w| w == name)
    };
    let years: Vec<i32> = days(&wanted).iter().map(|d| d.year()).collect();
    let shape = History {
        source: aggregated.source.clone(),
        tz: aggregated.tz,
        source_interval: aggregated.source_interval,
        interval: aggregated.interval,
        queues: vec![],
    };
    let pending = aggregated.into_pending(wanted).collect();
    let (calendar, fit) = calendar_and_fit(src, &years, until, log)?;
    Ok((shape, pending, calendar, fit))
}

/// The events files and built-in days over `years` and `until`'s (and the
/// year after), and the fit options.
fn calendar_and_fit(
    src: &Sources,
    years: &[i32],
    until: Option<NaiveDate>,
    log: &dyn Log,
) -> Result<(Calendar, FitOptions)> {
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
    let years: Vec<i32> =
        years.iter().copied().chain(until.map(|u| u.year())).collect();
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
    Ok((calendar, fit))
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

/// The first and last of `dates`, for a person.
fn span(dates: &[NaiveDate]) -> String {
    match (dates.iter().min(), dates.iter().max()) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no rows".to_string(),
    }
}
