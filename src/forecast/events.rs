//! Event windows: which days around an event it moves, and how those days
//! are grouped into effects the daily model learns.
//!
//! An event moves volume before its first day (customers prepare, wait for
//! the day, or call to ask), on its days, and after its last day (Black
//! Friday's "where is my order?" calls, Noël returns). Each day in the
//! window falls in a [`Bin`]; the daily model learns one effect per bin,
//! per event *kind* and, as a deviation from the kind, per event *name*.
//!
//! Bins are single days close to the event and whole weeks further away,
//! so that a four-week Noël ramp costs a handful of coefficients, not 28:
//!
//! | phase  | days                                             |
//! |--------|--------------------------------------------------|
//! | before | −1, −2, −3, −4..−7, −8..−14, −15..−21, …         |
//! | during | day 1, …, day 7, then week 2, week 3, …          |
//! | after  | +1, +2, +3, +4..+7, +8..+14, +15..+21, …         |

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;

use crate::calendar::{Event, EventKind};

/// How many days before an event's first day and after its last day it
/// moves volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Days before the first day.
    pub before: u32,
    /// Days after the last day.
    pub after: u32,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "-{}..+{}", self.before, self.after)
    }
}

/// Event windows per kind, with per-name exceptions.
///
/// Defaults (days before the first day .. days after the last day):
///
/// | kind              | window   | why                                          |
/// |-------------------|----------|----------------------------------------------|
/// | `black_friday`    | −3..+14  | teasers before, order follow-up for 2 weeks  |
/// | `holiday`         | −7..+2   | gifts are ordered the week before            |
/// | `holiday` "Noël"  | −28..+10 | the December ramp, then returns              |
/// | `sale`            | 0..+7    | the first week after the sale                |
/// | `launch`          | −2..+14  | pre-orders, then questions and problems      |
/// | `software_update` | 0..+5    | a few days of "it no longer works"           |
/// | `marketing`       | 0..+3    | a mailing or spot's tail                     |
/// | `external`        | 0..+2    | a strike's or outage's tail                  |
/// | `closure`         | 0..0     | the next open day's catch-up is learned apart |
///
/// "Noël" is a closure in the French calendar; its name's window still
/// applies (the ramp before and the returns after are open days).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Windows {
    by_kind: BTreeMap<EventKind, Window>,
    by_name: BTreeMap<String, Window>,
    /// The names given by [`Windows::set_name`], as written: the caller
    /// checks them against its calendar, since a misspelt name would
    /// silently change nothing.
    named: Vec<String>,
}

impl Default for Windows {
    fn default() -> Windows {
        let w = |before, after| Window { before, after };
        let by_kind = BTreeMap::from([
            (EventKind::BlackFriday, w(3, 14)),
            (EventKind::Holiday, w(7, 2)),
            (EventKind::Sale, w(0, 7)),
            (EventKind::Launch, w(2, 14)),
            (EventKind::SoftwareUpdate, w(0, 5)),
            (EventKind::Marketing, w(0, 3)),
            (EventKind::External, w(0, 2)),
            (EventKind::Closure, w(0, 0)),
        ]);
        let by_name = BTreeMap::from([
            (name_key("Noël"), w(28, 10)),
            (name_key("Christmas"), w(28, 10)),
        ]);
        Windows { by_kind, by_name, named: vec![] }
    }
}

impl Windows {
    /// The window of `event`: its name's, else its kind's.
    pub fn of(&self, event: &Event) -> Window {
        // A name's window wins even for a closure: Noël is a closed day
        // with a month-long ramp before it. A closure's own default is the
        // day alone; the next open day's catch-up is a feature of its own
        // in the daily model.
        self.by_name
            .get(&name_key(&event.name))
            .or_else(|| self.by_kind.get(&event.kind))
            .copied()
            .unwrap_or(Window { before: 0, after: 0 })
    }

    /// Overrides the window of a kind.
    pub fn set_kind(&mut self, kind: EventKind, window: Window) {
        self.by_kind.insert(kind, window);
    }

    /// Overrides the window of every event called `name`.
    pub fn set_name(&mut self, name: &str, window: Window) {
        self.by_name.insert(name_key(name), window);
        self.named.push(name.trim().to_string());
    }

    /// The event names given windows of their own (not the defaults).
    pub fn named(&self) -> &[String] {
        &self.named
    }

    /// Applies an override written `KEY=BEFORE..AFTER`, where `KEY` is a
    /// kind (`black_friday`) or an event name (`Noël`) and the bounds are
    /// day offsets (`-3..14`, `-28..+10`, `0..7`).
    ///
    /// # Errors
    ///
    /// A message saying what was expected.
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        let bad = || {
            format!(
                "expected KIND=BEFORE..AFTER or NAME=BEFORE..AFTER such as \
                 black_friday=-3..14, found {spec:?}"
            )
        };
        let (key, range) = spec.split_once('=').ok_or_else(bad)?;
        let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
        let lo: i64 = lo.trim().parse().map_err(|_| bad())?;
        let hi: i64 =
            hi.trim().trim_start_matches('+').parse().map_err(|_| bad())?;
        if lo > 0 || hi < 0 || lo < -366 || hi > 366 {
            return Err(format!(
                "{}: a window starts at 0 or before and ends at 0 or after, \
                 within a year",
                bad()
            ));
        }
        let window = Window { before: (-lo) as u32, after: hi as u32 };
        match key.trim().parse::<EventKind>() {
            Ok(kind) => self.set_kind(kind, window),
            Err(_) if !key.trim().is_empty() => self.set_name(key, window),
            Err(_) => return Err(bad()),
        }
        Ok(())
    }

    /// The kind defaults, for documentation and `--help`.
    pub fn kinds(&self) -> impl Iterator<Item = (EventKind, Window)> + '_ {
        self.by_kind.iter().map(|(k, w)| (*k, *w))
    }
}

/// Where a day falls relative to an event, grouped (see the module docs).
/// The number is the first day of the group: `Before(4)` is days −4..−7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bin {
    /// Days before the first day.
    Before(u16),
    /// Days of the event, 0 being the first.
    During(u16),
    /// Days after the last day.
    After(u16),
}

fn near_far(d: u32) -> u16 {
    // 1, 2, 3, then 4..7, then weeks 8..14, 15..21, ...
    let b = match d {
        0..=3 => d,
        4..=7 => 4,
        _ => 8 + 7 * ((d - 8) / 7),
    };
    b.min(u32::from(u16::MAX)) as u16
}

/// The bin of `date` in `event`'s window, if the window touches it.
pub fn bin(event: &Event, window: Window, date: NaiveDate) -> Option<Bin> {
    if event.covers(date) {
        let i = (date - event.start).num_days() as u32;
        let b = if i < 7 { i } else { 7 + 7 * ((i - 7) / 7) };
        return Some(Bin::During(b.min(u32::from(u16::MAX)) as u16));
    }
    if date < event.start {
        let d = (event.start - date).num_days();
        return (d <= i64::from(window.before))
            .then(|| Bin::Before(near_far(d as u32)));
    }
    let d = (date - event.end).num_days();
    (d <= i64::from(window.after)).then(|| Bin::After(near_far(d as u32)))
}

/// An event with its window and name key worked out once per queue: the
/// daily model asks "which events touch this day" thousands of times.
#[derive(Clone, Debug)]
pub(crate) struct Scheduled {
    pub event: Event,
    pub window: Window,
    /// [`name_key`] of the event's name.
    pub key: String,
}

/// A queue's events with their windows, and for every day the events
/// whose window touches it, so that a day's lookup costs the events of
/// that day rather than a scan of the whole calendar.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schedule {
    list: Vec<Scheduled>,
    /// Per day, the indices into `list` (ascending) of the events whose
    /// window (days before, the event, days after) holds the day.
    by_day: HashMap<NaiveDate, Vec<u32>>,
}

impl Schedule {
    /// The events whose window touches `date`, in calendar order.
    pub fn touching(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = &Scheduled> {
        self.by_day
            .get(&date)
            .into_iter()
            .flatten()
            .map(|&i| &self.list[i as usize])
    }

    /// The events on `date` itself, in calendar order.
    pub fn covering(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = &Scheduled> {
        self.touching(date).filter(move |e| e.event.covers(date))
    }
}

impl std::ops::Deref for Schedule {
    type Target = [Scheduled];

    fn deref(&self) -> &[Scheduled] {
        &self.list
    }
}

/// The events of `events` with their windows.
pub(crate) fn schedule<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    windows: &Windows,
) -> Schedule {
    let list: Vec<Scheduled> = events
        .into_iter()
        .map(|e| Scheduled {
            event: e.clone(),
            window: windows.of(e),
            key: name_key(&e.name),
        })
        .collect();
    let mut by_day: HashMap<NaiveDate, Vec<u32>> = HashMap::new();
    for (i, s) in list.iter().enumerate() {
        let before = chrono::Days::new(u64::from(s.window.before));
        let after = chrono::Days::new(u64::from(s.window.after));
        let first =
            s.event.start.checked_sub_days(before).unwrap_or(NaiveDate::MIN);
        let last =
            s.event.end.checked_add_days(after).unwrap_or(NaiveDate::MAX);
        for date in first.iter_days().take_while(|d| *d <= last) {
            by_day.entry(date).or_default().push(i as u32);
        }
    }
    Schedule { list, by_day }
}

/// The key under which occurrences of an event are recognised across
/// years: the calendar's ("Noël" and "noel " are one event).
pub use crate::calendar::name_key;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::forecast::tests::{d, event as ev};

    #[test]
    fn black_friday_window_spans_three_days_before_two_weeks_after() {
        let w = Windows::default();
        let bf = ev(
            "Black Friday",
            EventKind::BlackFriday,
            "2024-11-29",
            "2024-11-29",
        );
        let win = w.of(&bf);
        assert_eq!(win, Window { before: 3, after: 14 });
        assert_eq!(bin(&bf, win, d("2024-11-25")), None);
        assert_eq!(bin(&bf, win, d("2024-11-26")), Some(Bin::Before(3)));
        assert_eq!(bin(&bf, win, d("2024-11-28")), Some(Bin::Before(1)));
        assert_eq!(bin(&bf, win, d("2024-11-29")), Some(Bin::During(0)));
        assert_eq!(bin(&bf, win, d("2024-11-30")), Some(Bin::After(1)));
        assert_eq!(bin(&bf, win, d("2024-12-03")), Some(Bin::After(4)));
        assert_eq!(bin(&bf, win, d("2024-12-06")), Some(Bin::After(4)));
        assert_eq!(bin(&bf, win, d("2024-12-07")), Some(Bin::After(8)));
        assert_eq!(bin(&bf, win, d("2024-12-13")), Some(Bin::After(8)));
        assert_eq!(bin(&bf, win, d("2024-12-14")), None);
    }

    #[test]
    fn noel_has_its_own_ramp_and_long_events_group_by_week() {
        let w = Windows::default();
        let noel = ev("Noël", EventKind::Closure, "2024-12-25", "2024-12-25");
        assert_eq!(w.of(&noel), Window { before: 28, after: 10 });
        let other = ev(
            "Saint-Valentin",
            EventKind::Holiday,
            "2025-02-14",
            "2025-02-14",
        );
        assert_eq!(w.of(&other), Window { before: 7, after: 2 });
        let soldes =
            ev("Soldes d'hiver", EventKind::Sale, "2025-01-08", "2025-02-04");
        let win = w.of(&soldes);
        assert_eq!(bin(&soldes, win, d("2025-01-14")), Some(Bin::During(6)));
        assert_eq!(bin(&soldes, win, d("2025-01-15")), Some(Bin::During(7)));
        assert_eq!(bin(&soldes, win, d("2025-01-22")), Some(Bin::During(14)));
        assert_eq!(bin(&soldes, win, d("2025-02-11")), Some(Bin::After(4)));
        assert_eq!(bin(&soldes, win, d("2025-02-12")), None);
    }

    #[test]
    fn closures_have_no_window_and_overrides_parse() {
        let mut w = Windows::default();
        let c = ev("1er mai", EventKind::Closure, "2025-05-01", "2025-05-01");
        assert_eq!(w.of(&c), Window { before: 0, after: 0 });
        w.apply("launch=-5..+20").unwrap();
        let l = ev("Appli v2", EventKind::Launch, "2025-03-01", "2025-03-01");
        assert_eq!(w.of(&l), Window { before: 5, after: 20 });
        w.apply("Appli v2=0..3").unwrap();
        assert_eq!(w.of(&l), Window { before: 0, after: 3 });
        assert!(w.apply("launch=3..5").is_err());
        assert!(w.apply("launch").is_err());
        assert!(w.apply("=0..3").is_err());
    }

    #[test]
    fn the_day_index_finds_what_a_scan_of_every_event_finds() {
        let w = Windows::default();
        let events = vec![
            ev(
                "Black Friday",
                EventKind::BlackFriday,
                "2024-11-29",
                "2024-11-29",
            ),
            ev("Noël", EventKind::Closure, "2024-12-25", "2024-12-25"),
            ev("Soldes d'hiver", EventKind::Sale, "2025-01-08", "2025-02-04"),
            ev("Spot TV", EventKind::Marketing, "2024-12-02", "2024-12-04"),
        ];
        let s = schedule(&events, &w);
        for date in d("2024-10-01").iter_days().take(200) {
            let scan: Vec<&str> = s
                .iter()
                .filter(|e| bin(&e.event, e.window, date).is_some())
                .map(|e| e.event.name.as_str())
                .collect();
            let indexed: Vec<&str> =
                s.touching(date).map(|e| e.event.name.as_str()).collect();
            assert_eq!(indexed, scan, "{date}");
            let covering: Vec<&str> =
                s.covering(date).map(|e| e.event.name.as_str()).collect();
            let want: Vec<&str> = events
                .iter()
                .filter(|e| e.covers(date))
                .map(|e| e.name.as_str())
                .collect();
            assert_eq!(covering, want, "{date}");
        }
    }
}
