//! Today's actual volumes so far: a history file (any layout
//! [`crate::inputs::history`] reads), possibly with no data row yet.

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use chrono_tz::Tz;

use crate::error::{Error, InputError, Location, Result};
use crate::inputs::CsvConfig;
use crate::inputs::history::{self, HistoryOptions};

/// One interval of actual volume, at the file's own granularity.
#[derive(Clone, Debug, PartialEq)]
pub struct ActualRow {
    /// Queue name.
    pub queue: String,
    /// Interval start in the plan's zone.
    pub start: DateTime<Tz>,
    /// Interval length in seconds.
    pub len_s: i64,
    /// Contacts offered.
    pub volume: f64,
    /// The first line of the file that contributed to it.
    pub line: u64,
}

/// The actuals file, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Actuals {
    /// The file as the user named it, for messages.
    pub file: String,
    /// Its intervals, by queue then time.
    pub rows: Vec<ActualRow>,
}

impl Actuals {
    /// No actuals yet.
    pub fn none(file: &str) -> Actuals {
        Actuals { file: file.to_string(), rows: Vec::new() }
    }

    /// The end of the last interval in the file, if any.
    pub fn last_end(&self) -> Option<DateTime<Tz>> {
        self.rows.iter().map(|r| r.start + TimeDelta::seconds(r.len_s)).max()
    }

    /// The location of `row` in the file, at its interval start.
    pub fn at(&self, row: &ActualRow) -> Location {
        Location::file(&self.file).line(row.line).column("interval_start")
    }
}

/// Reads `path` in zone `tz` for a plan of `slot_s`-second intervals. A
/// file with a header and no data row (the morning before the first
/// interval closes) is no actuals. A queue with a single row has no
/// spacing to read its step from: its row is taken as one plan interval
/// when the step the reader settles on is longer.
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for malformed content.
pub fn read(path: &Path, tz: Tz, slot_s: i64) -> Result<Actuals> {
    let file = path.display().to_string();
    let mut probe = match CsvConfig::new(path).open_maybe_empty()? {
        None => return Ok(Actuals::none(&file)),
        Some(csv) => csv,
    };
    let mut rec = csv::ByteRecord::new();
    if probe.next_record(&mut rec)?.is_none() {
        return Ok(Actuals::none(&file));
    }
    let opts = HistoryOptions { tz, ..HistoryOptions::default() };
    let h = history::read(path, &opts)?;
    let len_s = i64::from(h.interval.minutes()) * 60;
    let rows = h
        .queues
        .into_iter()
        .flat_map(|q| {
            let name = q.name;
            let len_s =
                if q.slots.len() == 1 { len_s.min(slot_s) } else { len_s };
            q.slots.into_iter().map(move |s| ActualRow {
                queue: name.clone(),
                start: s.start,
                len_s,
                volume: s.volume,
                line: s.line,
            })
        })
        .collect();
    Ok(Actuals { file, rows })
}

/// Parses `--now`: `HH:MM` (on the day of the actuals), `YYYY-MM-DD HH:MM`,
/// `YYYY-MM-DDTHH:MM[:SS]`, or ISO 8601 with an offset.
///
/// # Errors
///
/// A message for any other text.
pub fn parse_now(text: &str) -> std::result::Result<NowSpec, String> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(NowSpec::Instant(at));
    }
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(t, f) {
            return Ok(NowSpec::Local(at));
        }
    }
    NaiveTime::parse_from_str(t, "%H:%M").map(NowSpec::TimeOfDay).map_err(
        |_| {
            format!(
                "expected a time like 12:00, 2025-11-28 12:00 or \
             2025-11-28T12:00:00+01:00, found {text:?}"
            )
        },
    )
}

/// When the re-forecast is made, as `--now` gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NowSpec {
    /// An instant with its offset.
    Instant(DateTime<chrono::FixedOffset>),
    /// A local date and time in the plan's zone.
    Local(NaiveDateTime),
    /// A local time on the day of the actuals.
    TimeOfDay(NaiveTime),
}

/// The instant `spec` names in `tz`; `None` spec: the end of the last
/// interval of `actuals`.
///
/// # Errors
///
/// [`Error::Usage`] when there is nothing to take the day from, or the
/// local time does not exist that day.
pub fn resolve_now(
    spec: Option<NowSpec>,
    actuals: &Actuals,
    tz: Tz,
) -> Result<DateTime<Tz>> {
    let local = |at: NaiveDateTime| {
        at.and_local_timezone(tz).earliest().ok_or_else(|| {
            Error::usage(format!("--now {at}: no such local time in {tz}"))
        })
    };
    let day = || -> Result<NaiveDate> {
        actuals.last_end().map(|t| t.date_naive()).ok_or_else(|| {
            Error::usage(format!(
                "{} has no interval yet: give --now with its date, like \
                 --now \"2025-11-28 09:00\"",
                actuals.file
            ))
        })
    };
    match spec {
        Some(NowSpec::Instant(at)) => Ok(at.with_timezone(&tz)),
        Some(NowSpec::Local(at)) => local(at),
        Some(NowSpec::TimeOfDay(t)) => local(day()?.and_time(t)),
        None => actuals.last_end().ok_or_else(|| {
            Error::usage(format!(
                "{} has no interval yet: give --now, like --now \
                 \"2025-11-28 09:00\"",
                actuals.file
            ))
        }),
    }
}

/// An actual row at a time it cannot hold.
pub(crate) fn future_row(
    actuals: &Actuals,
    row: &ActualRow,
    expected: String,
) -> Error {
    InputError::new(actuals.at(row), expected)
        .found(row.start.to_rfc3339())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_takes_four_spellings() {
        assert!(matches!(parse_now("12:00"), Ok(NowSpec::TimeOfDay(_))));
        assert!(matches!(
            parse_now("2025-11-28 12:00"),
            Ok(NowSpec::Local(_))
        ));
        assert!(matches!(
            parse_now("2025-11-28T12:00:00+01:00"),
            Ok(NowSpec::Instant(_))
        ));
        assert!(parse_now("midi").unwrap_err().contains("\"midi\""));
    }
}
