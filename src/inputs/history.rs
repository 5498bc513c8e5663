//! The interval history CSV: one row per interval and queue.
//!
//! See the README's "History CSV" section for the accepted layouts.

use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::units::IntervalLen;

/// What to do when the same queue and interval appear twice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Duplicates {
    /// Reject the file, listing both lines.
    #[default]
    Error,
    /// Add the volumes (AHT weighted by volume).
    Sum,
}

/// How to read a history file.
#[derive(Clone, Debug)]
pub struct HistoryOptions {
    /// Zone for naive local timestamps, and the zone of the result.
    pub tz: Tz,
    /// Interval to aggregate to; `None` keeps the source granularity.
    pub interval: Option<IntervalLen>,
    /// Policy for repeated queue × interval rows.
    pub duplicates: Duplicates,
}

impl Default for HistoryOptions {
    fn default() -> HistoryOptions {
        HistoryOptions {
            tz: chrono_tz::Europe::Paris,
            interval: None,
            duplicates: Duplicates::Error,
        }
    }
}

/// A parsed history: per queue, volumes on a regular local-time grid.
#[derive(Clone, Debug)]
pub struct History {
    /// The file as the user named it, for messages.
    pub source: String,
    /// The zone every timestamp is expressed in.
    pub tz: Tz,
    /// Granularity detected in the file.
    pub source_interval: IntervalLen,
    /// Granularity of `queues` (the source's, or the one asked for).
    pub interval: IntervalLen,
    /// One entry per queue, sorted by name.
    pub queues: Vec<QueueHistory>,
}

/// The history of one queue.
#[derive(Clone, Debug)]
pub struct QueueHistory {
    /// Queue name as written in the file (`main` when the file has none).
    pub name: String,
    /// Intervals present in the file, sorted by instant, each once.
    /// Intervals absent from the file are absent here (gaps, or closed).
    pub slots: Vec<Slot>,
}

/// One interval of one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// Start of the interval in the history's zone (local wall clock via
    /// `naive_local()`, instant via `with_timezone(&Utc)`).
    pub start: DateTime<Tz>,
    /// Offered contacts (finite, non-negative).
    pub volume: f64,
    /// Average handle time in seconds, when the file has `aht_s`
    /// (volume-weighted when rows were aggregated).
    pub aht_s: Option<f64>,
    /// First source line that contributed to this interval.
    pub line: u64,
}

/// Reads a history file (`-` for stdin).
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for any malformed content;
/// [`Error::Io`] when the file cannot be read.
pub fn read(path: &Path, opts: &HistoryOptions) -> Result<History> {
    let _ = (path, opts);
    Err(Error::usage("history reading is not implemented yet"))
}
