//! The checks behind `peakplan validate`: read every input the way the
//! planning commands will, and summarise what it holds.
//!
//! A scenario file, once it has a reader, adds its own section to
//! [`Report`] here; the command only prints.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Event, EventKind};
use crate::error::Result;
use crate::inputs::events;
use crate::inputs::history::{self, HistoryOptions, Summary};

/// What `peakplan validate` found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The history file.
    pub history: Summary,
    /// One entry per events file, in the order given.
    pub events: Vec<EventsSummary>,
    /// Whether planning can start from these files.
    pub usable: bool,
}

/// What an events file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventsSummary {
    /// The file as the user named it.
    pub file: String,
    /// Number of rows (events and `drop` directives).
    pub count: usize,
    /// Events per kind, in the documented kind order (`drop` directives
    /// last), kinds present only.
    pub kinds: Vec<KindCount>,
    /// First day of the earliest event.
    pub first_date: Option<NaiveDate>,
    /// Last day of the latest event.
    pub last_date: Option<NaiveDate>,
    /// Events that overlap the history's span (learnable from it).
    pub within_history: usize,
}

/// Events of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// The kind, as written in CSV files.
    pub kind: EventKind,
    /// How many events have it.
    pub count: usize,
}

/// Reads the history and every events file and summarises them.
///
/// # Errors
///
/// The first reading error, naming file, line and column.
pub fn validate(
    history_path: &Path,
    events_paths: &[PathBuf],
    opts: &HistoryOptions,
) -> Result<Report> {
    let (history, read) = history::read_with_report(history_path, opts)?;
    let history = history::summarize(&history, &read);
    let span = (history.first_date, history.last_date);
    let events = events_paths
        .iter()
        .map(|path| {
            let list = events::read(path)?;
            Ok(summarize_events(&path.display().to_string(), &list, span))
        })
        .collect::<Result<Vec<_>>>()?;
    let usable = history.usable;
    Ok(Report { history, events, usable })
}

/// Counts events per kind and the dates they cover; `history` is the
/// history's first and last date.
pub fn summarize_events(
    file: &str,
    events: &[Event],
    history: (NaiveDate, NaiveDate),
) -> EventsSummary {
    let kinds = EventKind::ALL
        .into_iter()
        .chain([EventKind::Drop])
        .map(|kind| KindCount {
            kind,
            count: events.iter().filter(|e| e.kind == kind).count(),
        })
        .filter(|k| k.count > 0)
        .collect();
    EventsSummary {
        file: file.to_string(),
        count: events.len(),
        kinds,
        first_date: events.iter().map(|e| e.start).min(),
        last_date: events.iter().map(|e| e.end).max(),
        within_history: events
            .iter()
            .filter(|e| e.start <= history.1 && e.end >= history.0)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, start: (i32, u32, u32), days: u64) -> Event {
        let start =
            NaiveDate::from_ymd_opt(start.0, start.1, start.2).unwrap();
        Event {
            name: format!("{kind}"),
            kind,
            start,
            end: start + chrono::Days::new(days),
            queues: vec![],
            uplift: None,
        }
    }

    #[test]
    fn counts_events_per_kind_and_span() {
        let list = [
            event(EventKind::BlackFriday, (2024, 11, 29), 0),
            event(EventKind::Sale, (2025, 1, 8), 27),
            event(EventKind::Sale, (2023, 6, 28), 27),
            event(EventKind::Drop, (2024, 1, 1), 365),
        ];
        let span = (
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 1, 10).unwrap(),
        );
        let s = summarize_events("e.csv", &list, span);
        assert_eq!(s.count, 4);
        assert_eq!(
            s.kinds,
            vec![
                KindCount { kind: EventKind::Sale, count: 2 },
                KindCount { kind: EventKind::BlackFriday, count: 1 },
                KindCount { kind: EventKind::Drop, count: 1 },
            ]
        );
        assert_eq!(s.first_date, NaiveDate::from_ymd_opt(2023, 6, 28));
        assert_eq!(s.last_date, NaiveDate::from_ymd_opt(2025, 2, 4));
        assert_eq!(s.within_history, 3);
    }
}
