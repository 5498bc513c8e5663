//! What a history file holds, as `peakplan validate` reports it: span,
//! queues, opening hours, closed days, gaps, DST days and suspicious rows.
//!
//! Every rule here is plain counting, so that a planner can check it by
//! hand:
//!
//! - a day is *open* when its volume is above zero, *zero* when it has rows
//!   that add up to nothing, *closed* when it has no rows;
//! - a weekday is *usually open* when at least half of its dates in the
//!   queue's span are open;
//! - a weekday's *opening hours* run from the first to the last time of day
//!   that has contacts on at least half of that weekday's open days;
//! - a *gap* is a time inside those hours with no row, on an open day;
//! - a *spike* is an interval with more than 5 times the median of the same
//!   weekday and time of day (over at least 4 days) and at least 10
//!   contacts.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday,
};
use chrono_tz::Tz;
use serde::Serialize;

use super::{History, QueueHistory, ReadReport};
use crate::units::{IntervalLen, clock};

/// How many items each list keeps (the total is always counted).
pub const LIST_CAP: usize = 50;

/// Spikes are intervals above this multiple of their usual volume...
pub const SPIKE_FACTOR: f64 = 5.0;
/// ...with at least this many contacts...
pub const SPIKE_MIN_VOLUME: f64 = 10.0;
/// ...where "usual" is the median over at least this many days.
pub const SPIKE_MIN_DAYS: usize = 4;

/// A list cut to [`LIST_CAP`] items, with the full count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Listed<T> {
    /// How many there are in all.
    pub total: usize,
    /// The first [`LIST_CAP`] of them, in date order.
    pub items: Vec<T>,
}

impl<T> Listed<T> {
    fn new(mut all: Vec<T>) -> Listed<T> {
        let total = all.len();
        all.truncate(LIST_CAP);
        Listed { total, items: all }
    }
}

/// The summary of a history file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The file as the user named it.
    pub file: String,
    /// The zone of every date and time below.
    pub tz: String,
    /// Data rows read.
    pub rows: u64,
    /// The file's own step, in minutes.
    pub source_interval_min: u32,
    /// The step the summary is computed at, in minutes.
    pub interval_min: u32,
    /// First local date with a row.
    pub first_date: NaiveDate,
    /// Last local date with a row.
    pub last_date: NaiveDate,
    /// Calendar days from the first to the last date, both included.
    pub days: u32,
    /// Contacts in the whole file.
    pub total_volume: f64,
    /// One entry per queue, sorted by name.
    pub queues: Vec<QueueSummary>,
    /// Days of 23 or 25 hours within the span.
    pub dst_days: Vec<DstDay>,
    /// Rows in an hour that clocks repeat, read in order of appearance
    /// (first = summer time).
    pub ambiguous_rows: u64,
    /// Rows that repeated a queue and interval and were added.
    pub duplicates: Listed<Duplicate>,
    /// Whether the file can be planned from.
    pub usable: bool,
    /// Why not, when it cannot.
    pub problems: Vec<String>,
}

/// What one queue holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueSummary {
    /// Queue name.
    pub name: String,
    /// First local date with a row.
    pub first_date: NaiveDate,
    /// Last local date with a row.
    pub last_date: NaiveDate,
    /// Intervals with a row.
    pub slots: usize,
    /// Contacts.
    pub total_volume: f64,
    /// Volume-weighted average handle time, when the file has `aht_s`.
    pub mean_aht_s: Option<f64>,
    /// Days open, at zero, and closed, from the first to the last date.
    pub days: DayCount,
    /// Opening hours per weekday, Monday first.
    pub hours: Vec<WeekdayHours>,
    /// Days without rows on a usually open weekday (holidays, outages).
    pub closed_days: Listed<NaiveDate>,
    /// Days whose rows add up to zero on a usually open weekday.
    pub zero_days: Listed<NaiveDate>,
    /// Runs of missing intervals inside opening hours on open days.
    pub gaps: Listed<Gap>,
    /// Missing intervals in all gaps.
    pub gap_slots: usize,
    /// Intervals far above their usual volume.
    pub spikes: Listed<Spike>,
}

/// Days by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DayCount {
    /// Days with contacts.
    pub open: u32,
    /// Days with rows that add up to zero.
    pub zero: u32,
    /// Days without rows.
    pub closed: u32,
}

/// The opening hours seen on one weekday.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeekdayHours {
    /// `Mon` to `Sun`.
    pub weekday: String,
    /// Dates of this weekday in the span.
    pub days: u32,
    /// Of which open.
    pub open_days: u32,
    /// First interval with contacts on most open days (`HH:MM`).
    pub first_slot: Option<String>,
    /// Start of the last such interval (`HH:MM`).
    pub last_slot: Option<String>,
}

/// A run of missing intervals on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The local date.
    pub date: NaiveDate,
    /// Start of the first missing interval (`HH:MM`).
    pub from: String,
    /// End of the last missing interval (`HH:MM`).
    pub to: String,
    /// Missing intervals.
    pub slots: u32,
}

/// An interval far above its usual volume.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spike {
    /// Start of the interval (ISO 8601 with offset).
    pub start: String,
    /// Its volume.
    pub volume: f64,
    /// The median of the same weekday and time of day.
    pub median: f64,
    /// The first source line of the interval.
    pub line: u64,
}

/// A day on which clocks change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DstDay {
    /// The local date.
    pub date: NaiveDate,
    /// 23 or 25.
    pub hours: u32,
    /// Whether any queue has rows that day.
    pub has_rows: bool,
}

/// Rows that repeated a queue and interval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The queue.
    pub queue: String,
    /// The interval (ISO 8601 with offset).
    pub interval: String,
    /// The line that had it first.
    pub first_line: u64,
    /// The line that repeated it.
    pub line: u64,
}

/// Summarises a history read with [`super::read_with_report`].
///
/// # Example
///
/// ```no_run
/// use std::path::Path;
/// use peakplan::inputs::history::{self, HistoryOptions};
///
/// let (h, report) = history::read_with_report(Path::new("history.csv"), &HistoryOptions::default())?;
/// let summary = history::summarize(&h, &report);
/// println!("{} queues from {} to {}", summary.queues.len(), summary.first_date, summary.last_date);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn summarize(history: &History, report: &ReadReport) -> Summary {
    let head = Head {
        file: history.source.clone(),
        tz: history.tz,
        source_interval: history.source_interval,
        interval: history.interval,
    };
    let (interval, tz) = (head.interval.minutes(), head.tz);
    let parts = history.queues.iter().map(|q| summarize_part(q, interval, tz));
    summarize_queues(head, parts.collect(), report)
}

/// Summarises a history whose queues are laid out on demand
/// ([`super::read_aggregated`]): only the slots of the queues being
/// summarised, one per thread, are ever held.
pub(crate) fn summarize_aggregated(
    history: super::Aggregated,
    report: &ReadReport,
) -> Summary {
    let head = Head {
        file: history.source.clone(),
        tz: history.tz,
        source_interval: history.source_interval,
        interval: history.interval,
    };
    // Queue by queue on every thread, each laid out and freed by the
    // thread summarising it; the parts keep the queues' order.
    use rayon::prelude::*;
    let (interval, tz) = (head.interval.minutes(), head.tz);
    let pending: Vec<_> = history.into_pending(|_| true).collect();
    let parts = pending
        .into_par_iter()
        .map(|p| summarize_part(&p.lay_out(), interval, tz))
        .collect();
    summarize_queues(head, parts, report)
}

/// One queue's summary (none without slots) and the local dates it has
/// slots on.
fn summarize_part(
    q: &QueueHistory,
    interval: u32,
    tz: Tz,
) -> (Vec<NaiveDate>, Option<QueueSummary>) {
    let mut dates: Vec<NaiveDate> = vec![];
    for s in &q.slots {
        let date = s.start.date_naive();
        if dates.last() != Some(&date) {
            dates.push(date);
        }
    }
    let summary =
        (!q.slots.is_empty()).then(|| summarize_queue(q, interval, tz));
    (dates, summary)
}

/// What a summary says of the file besides its queues.
struct Head {
    file: String,
    tz: Tz,
    source_interval: IntervalLen,
    interval: IntervalLen,
}

fn summarize_queues(
    head: Head,
    parts: Vec<(Vec<NaiveDate>, Option<QueueSummary>)>,
    report: &ReadReport,
) -> Summary {
    let interval = head.interval.minutes();
    let tz = head.tz;
    // The local dates any queue has slots on, for the DST days.
    let mut dated: HashSet<NaiveDate> = HashSet::new();
    let mut queues: Vec<QueueSummary> = vec![];
    for (dates, summary) in parts {
        dated.extend(dates);
        queues.extend(summary);
    }
    let first_date =
        queues.iter().map(|q| q.first_date).min().unwrap_or_default();
    let last_date =
        queues.iter().map(|q| q.last_date).max().unwrap_or_default();
    let days =
        u32::try_from((last_date - first_date).num_days() + 1).unwrap_or(0);
    let total_volume: f64 = queues.iter().map(|q| q.total_volume).sum();

    let dst_days = first_date
        .iter_days()
        .take_while(|d| *d <= last_date)
        .filter_map(|date| {
            let hours = day_hours(tz, date)?;
            (hours != 24).then(|| DstDay {
                date,
                hours,
                has_rows: dated.contains(&date),
            })
        })
        .collect();

    let duplicates = Listed::new(
        report
            .duplicates
            .iter()
            .map(|d| Duplicate {
                queue: d.queue.clone(),
                interval: iso(&d.start),
                first_line: d.first_line,
                line: d.line,
            })
            .collect(),
    );

    let mut problems = vec![];
    if queues.is_empty() {
        problems.push("the file has no intervals".to_string());
    } else if total_volume <= 0.0 {
        problems.push(
            "every volume is zero: there is nothing to forecast from"
                .to_string(),
        );
    }
    Summary {
        file: head.file,
        tz: tz.name().to_string(),
        rows: report.rows,
        source_interval_min: head.source_interval.minutes(),
        interval_min: interval,
        first_date,
        last_date,
        days,
        total_volume,
        queues,
        dst_days,
        ambiguous_rows: report.ambiguous,
        duplicates,
        usable: problems.is_empty(),
        problems,
    }
}

/// The length of a local day in hours, from one midnight to the next (or
/// the first existing time after a midnight that clocks skip).
fn day_hours(tz: Tz, date: NaiveDate) -> Option<u32> {
    let start = |d: NaiveDate| {
        let midnight = d.and_time(NaiveTime::MIN);
        [0, 30, 60, 120].into_iter().find_map(|m| {
            tz.from_local_datetime(&(midnight + Duration::minutes(m)))
                .earliest()
        })
    };
    let secs = (start(date.succ_opt()?)? - start(date)?).num_seconds();
    u32::try_from((secs + 1800) / 3600).ok()
}

fn iso(t: &DateTime<Tz>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Minutes since local midnight of a slot.
fn minute_of_day(t: &DateTime<Tz>) -> u32 {
    let n = t.naive_local().time();
    n.hour_min()
}

trait HourMin {
    fn hour_min(&self) -> u32;
}

impl HourMin for NaiveTime {
    fn hour_min(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

fn summarize_queue(q: &QueueHistory, interval: u32, tz: Tz) -> QueueSummary {
    let per_day = (1440 / interval.max(1)) as usize;
    let slot_of = |t: &DateTime<Tz>| (minute_of_day(t) / interval) as usize;

    // Slots of each local date, as ranges into `q.slots` (sorted by
    // instant, so a date's slots are contiguous).
    let mut dates: Vec<(NaiveDate, Range<usize>)> = vec![];
    for (i, s) in q.slots.iter().enumerate() {
        let date = s.start.date_naive();
        match dates.last_mut() {
            Some((d, r)) if *d == date => r.end = i + 1,
            _ => dates.push((date, i..i + 1)),
        }
    }
    let first_date = dates.first().map(|d| d.0).unwrap_or_default();
    let last_date = dates.last().map(|d| d.0).unwrap_or_default();
    let total = |r: &Range<usize>| -> f64 {
        q.slots[r.clone()].iter().map(|s| s.volume).sum()
    };

    // Days by status, and per weekday.
    let mut days = DayCount::default();
    let mut weekday_days = [0u32; 7];
    let mut weekday_open = [0u32; 7];
    let mut with_contacts = vec![[0u32; 7]; per_day];
    let mut next = dates.iter().peekable();
    let mut status: Vec<(NaiveDate, Option<Range<usize>>, bool)> = vec![];
    for date in first_date.iter_days().take_while(|d| *d <= last_date) {
        let w = date.weekday().num_days_from_monday() as usize;
        weekday_days[w] += 1;
        let range = next.next_if(|(d, _)| *d == date).map(|(_, r)| r.clone());
        let open = range.as_ref().is_some_and(|r| total(r) > 0.0);
        match (&range, open) {
            (None, _) => days.closed += 1,
            (Some(_), false) => days.zero += 1,
            (Some(r), true) => {
                days.open += 1;
                weekday_open[w] += 1;
                for s in &q.slots[r.clone()] {
                    if s.volume > 0.0 {
                        with_contacts[slot_of(&s.start).min(per_day - 1)]
                            [w] += 1;
                    }
                }
            }
        }
        status.push((date, range, open));
    }
    let usually_open = |w: usize| {
        weekday_open[w] > 0 && 2 * weekday_open[w] >= weekday_days[w]
    };

    // Opening hours: slots with contacts on at least half the open days.
    let hours_of = |w: usize| -> Option<(usize, usize)> {
        if weekday_open[w] == 0 {
            return None;
        }
        let busy = |i: &usize| 2 * with_contacts[*i][w] >= weekday_open[w];
        let seen = |i: &usize| with_contacts[*i][w] > 0;
        let first =
            (0..per_day).find(busy).or_else(|| (0..per_day).find(seen))?;
        let last = (0..per_day)
            .rev()
            .find(busy)
            .or_else(|| (0..per_day).rev().find(seen))?;
        Some((first, last))
    };
    let window: Vec<Option<(usize, usize)>> = (0..7).map(hours_of).collect();
    let hours = (0..7)
        .map(|w| WeekdayHours {
            weekday: Weekday::try_from(w as u8)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            days: weekday_days[w],
            open_days: weekday_open[w],
            first_slot: window[w].map(|(f, _)| clock(f as u32 * interval)),
            last_slot: window[w].map(|(_, l)| clock(l as u32 * interval)),
        })
        .collect();

    let mut closed_days = vec![];
    let mut zero_days = vec![];
    let mut gaps = vec![];
    let mut gap_slots = 0;
    let mut present = vec![false; per_day];
    for (date, range, open) in &status {
        let w = date.weekday().num_days_from_monday() as usize;
        match (range, open) {
            (None, _) if usually_open(w) => closed_days.push(*date),
            (Some(_), false) if usually_open(w) => zero_days.push(*date),
            (Some(r), true) => {
                let Some((first, last)) = window[w] else { continue };
                present.fill(false);
                for s in &q.slots[r.clone()] {
                    if let Some(p) = present.get_mut(slot_of(&s.start)) {
                        *p = true;
                    }
                }
                let missing: Vec<usize> = (first..=last)
                    .filter(|&i| {
                        !present.get(i).copied().unwrap_or(true)
                            && exists(tz, *date, i as u32 * interval)
                    })
                    .collect();
                for run in missing.chunk_by(|a, b| *b == a + 1) {
                    let (start, n) = (run[0] as u32, run.len() as u32);
                    gap_slots += run.len();
                    gaps.push(Gap {
                        date: *date,
                        from: clock(start * interval),
                        to: clock((start + n) * interval),
                        slots: n,
                    });
                }
            }
            _ => {}
        }
    }

    // Spikes against the median of the same weekday and time of day.
    let mut cells: Vec<Vec<f64>> = vec![vec![]; 7 * per_day];
    let cell = |t: &DateTime<Tz>| {
        let w = t.date_naive().weekday().num_days_from_monday() as usize;
        w * per_day + slot_of(t).min(per_day - 1)
    };
    for s in &q.slots {
        cells[cell(&s.start)].push(s.volume);
    }
    let medians: Vec<Option<f64>> = cells
        .iter_mut()
        .map(|v| (v.len() >= SPIKE_MIN_DAYS).then(|| median(v)))
        .collect();
    let spikes =
        q.slots
            .iter()
            .filter_map(|s| {
                let m = medians[cell(&s.start)]?;
                (s.volume >= SPIKE_MIN_VOLUME && s.volume > SPIKE_FACTOR * m)
                    .then(|| Spike {
                        start: iso(&s.start),
                        volume: s.volume,
                        median: m,
                        line: s.line,
                    })
            })
            .collect();

    let (weighted, weight) = q
        .slots
        .iter()
        .filter_map(|s| s.aht_s.map(|a| (a * s.volume, s.volume)))
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    QueueSummary {
        name: q.name.clone(),
        first_date,
        last_date,
        slots: q.slots.len(),
        total_volume: q.slots.iter().map(|s| s.volume).sum(),
        mean_aht_s: (weight > 0.0).then(|| weighted / weight),
        days,
        hours,
        closed_days: Listed::new(closed_days),
        zero_days: Listed::new(zero_days),
        gaps: Listed::new(gaps),
        gap_slots,
        spikes: Listed::new(spikes),
    }
}

/// Whether local time `minutes` after midnight exists on `date` (not
/// skipped when clocks go forward).
fn exists(tz: Tz, date: NaiveDate, minutes: u32) -> bool {
    let t = date.and_time(NaiveTime::MIN) + Duration::minutes(minutes.into());
    tz.from_local_datetime(&t).earliest().is_some()
}

/// The median of `v` (sorts it).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::history::{HistoryOptions, read_from};

    fn summary(csv: &str) -> Summary {
        let (h, r) = read_from(
            "h.csv",
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            &HistoryOptions::default(),
        )
        .unwrap();
        summarize(&h, &r)
    }

    /// Two weeks, Monday to Friday 09:00–11:30 every half hour, weekends
    /// closed; `tweak(date, hh:mm)` returns the volume or `None` to leave
    /// the row out.
    fn weeks(tweak: impl Fn(&str, &str) -> Option<u32>) -> String {
        let mut csv = String::from("interval_start,queue,volume\n");
        let start = NaiveDate::from_ymd_opt(2025, 3, 17).unwrap();
        for date in start.iter_days().take(14) {
            if date.weekday().num_days_from_monday() >= 5 {
                continue;
            }
            for m in (9 * 60..12 * 60).step_by(30) {
                let d = date.to_string();
                let t = clock(m);
                if let Some(v) = tweak(&d, &t) {
                    csv.push_str(&format!("{d} {t},sav,{v}\n"));
                }
            }
        }
        csv
    }

    #[test]
    fn counts_days_hours_and_gaps() {
        let csv = weeks(|d, t| match (d, t) {
            ("2025-03-19", "10:00" | "10:30") => None,
            ("2025-03-20", _) => None,
            ("2025-03-21", _) => Some(0),
            ("2025-03-27", "11:30") => Some(80),
            _ => Some(10),
        });
        let s = summary(&csv);
        assert!(s.usable);
        assert_eq!(s.first_date.to_string(), "2025-03-17");
        assert_eq!(s.last_date.to_string(), "2025-03-28");
        assert_eq!(s.days, 12);
        assert_eq!(s.dst_days, vec![]);
        let q = &s.queues[0];
        assert_eq!(q.name, "sav");
        assert_eq!(q.days, DayCount { open: 8, zero: 1, closed: 3 });
        assert_eq!(
            q.closed_days.items,
            vec![NaiveDate::from_ymd_opt(2025, 3, 20).unwrap()]
        );
        assert_eq!(
            q.zero_days.items,
            vec![NaiveDate::from_ymd_opt(2025, 3, 21).unwrap()]
        );
        let mon = &q.hours[0];
        assert_eq!(
            (mon.weekday.as_str(), mon.days, mon.open_days),
            ("Mon", 2, 2)
        );
        assert_eq!(mon.first_slot.as_deref(), Some("09:00"));
        assert_eq!(mon.last_slot.as_deref(), Some("11:30"));
        assert_eq!(q.hours[5].first_slot, None);
        assert_eq!(
            q.gaps.items,
            vec![Gap {
                date: NaiveDate::from_ymd_opt(2025, 3, 19).unwrap(),
                from: "10:00".into(),
                to: "11:00".into(),
                slots: 2
            }]
        );
        assert_eq!(q.gap_slots, 2);
        // Thursday 11:30 is 80 against a median of 10: not enough days (2).
        assert_eq!(q.spikes.total, 0);
        let total = 8.0 * 6.0 * 10.0 - 20.0 + 70.0;
        assert_eq!(q.total_volume, total);
    }

    #[test]
    fn flags_spikes_against_the_weekday_median() {
        // Four Mondays at 10 per slot, one with 60 at 10:00.
        let mut csv = String::from("interval_start,volume\n");
        for (i, day) in ["03", "10", "17", "24"].iter().enumerate() {
            for t in ["09:00", "09:30", "10:00"] {
                let v = if i == 2 && t == "10:00" { 60 } else { 10 };
                csv.push_str(&format!("2025-02-{day} {t},{v}\n"));
            }
        }
        let s = summary(&csv);
        let spikes = &s.queues[0].spikes;
        assert_eq!(spikes.total, 1);
        assert_eq!(
            spikes.items[0],
            Spike {
                start: "2025-02-17T10:00:00+01:00".into(),
                volume: 60.0,
                median: 10.0,
                line: 10
            }
        );
    }

    #[test]
    fn dst_days_and_unusable_files() {
        let s = summary(
            "interval_start,volume\n2025-03-29 10:00,0\n2025-03-30 10:00,0\n\
             2025-04-01 10:00,0\n2025-04-01 10:30,0\n",
        );
        assert_eq!(
            s.dst_days,
            vec![DstDay {
                date: NaiveDate::from_ymd_opt(2025, 3, 30).unwrap(),
                hours: 23,
                has_rows: true
            }]
        );
        assert!(!s.usable);
        assert!(s.problems[0].contains("every volume is zero"));
        let s = summary(
            "interval_start,volume\n2025-10-25 10:00,1\n2025-10-27 10:00,1\n\
             2025-10-27 10:30,1\n",
        );
        assert_eq!(s.dst_days[0].hours, 25);
        assert!(!s.dst_days[0].has_rows);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&mut []), 0.0);
    }
}
