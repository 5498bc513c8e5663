//! Interval demand forecasts, aware of peak events.
//!
//! Top-down, per queue:
//!
//! 1. **Daily totals** ([`daily`]): a robust ridge regression on log daily
//!    totals with a slowly moving piecewise-linear level, weekday effects,
//!    annual terms when the history covers a year, a catch-up after unusual
//!    closures, and event effects over windows before, during and after
//!    each event, learned per event name and pooled per kind ([`events`]).
//! 2. **Opening**: days the history shows closed stay closed (Sundays,
//!    jours fériés); a jour férié the center opened on is learned instead.
//! 3. **Intraday shape** ([`intraday`]): recency-weighted shares of the
//!    day per local slot and weekday, a distinct shape on event days seen
//!    before, and only the slots open in recent weeks.
//! 4. **Quantiles** ([`quantiles`]): daily errors by horizon from rolling
//!    origins inside the history, plus count noise per interval.
//!
//! [`backtest`] measures all of it against naive baselines.
//!
//! # Example
//!
//! ```
//! use chrono::{NaiveDate, TimeZone};
//! use peakplan::calendar::Calendar;
//! use peakplan::forecast::{self, FitOptions};
//! use peakplan::inputs::history::{History, QueueHistory, Slot};
//! use peakplan::units::IntervalLen;
//!
//! let tz = chrono_tz::Europe::Paris;
//! let hour = IntervalLen::from_minutes(60).unwrap();
//! let day0 = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
//! let slots = (0..28)
//!     .flat_map(|d| (9..17).map(move |h| (d, h)))
//!     .map(|(d, h)| {
//!         let local = (day0 + chrono::Days::new(d)).and_hms_opt(h, 0, 0).unwrap();
//!         let start = tz.from_local_datetime(&local).unwrap();
//!         Slot { start, volume: 12.0, aht_s: None, line: 0 }
//!     })
//!     .collect();
//! let history = History {
//!     source: "example".into(),
//!     tz,
//!     source_interval: hour,
//!     interval: hour,
//!     queues: vec![QueueHistory { name: "main".into(), slots }],
//! };
//! let model = forecast::fit(&history, &Calendar::default(), &FitOptions::default())?;
//! let from = NaiveDate::from_ymd_opt(2025, 2, 3).unwrap();
//! let f = forecast::predict(&model, from, from);
//! assert_eq!(f.rows.len(), 8);
//! assert!((f.rows[0].mean - 12.0).abs() < 1e-6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod backtest;
pub(crate) mod daily;
pub mod events;
pub(crate) mod intraday;
pub(crate) mod linalg;
pub mod quantiles;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use rayon::prelude::*;

pub use daily::DailyOptions;
pub use events::{Bin, Window, Windows};

use crate::calendar::{Calendar, Event};
use crate::error::{Error, InputError, Location, Result};
use crate::inputs::history::{History, QueueHistory};
use crate::units::IntervalLen;
pub(crate) use daily::DayData;
use daily::{DailyModel, Openness, SlotObs};
use events::Schedule;
use intraday::Intraday;
use quantiles::ErrorModel;

/// A forecast: per queue and open interval, the expected volume and its
/// uncertainty.
#[derive(Clone, Debug)]
pub struct Forecast {
    /// Zone of every `start`.
    pub tz: Tz,
    /// Interval length.
    pub interval: IntervalLen,
    /// Rows sorted by queue, then start. Closed intervals have no row.
    pub rows: Vec<ForecastRow>,
}

/// One forecast interval of one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastRow {
    /// Interval start, local time with its offset.
    pub start: DateTime<Tz>,
    /// Queue name.
    pub queue: String,
    /// Expected volume.
    pub mean: f64,
    /// 10th percentile of volume.
    pub p10: f64,
    /// Median volume.
    pub p50: f64,
    /// 90th percentile of volume.
    pub p90: f64,
    /// Expected average handle time, when history has it.
    pub aht_s: Option<f64>,
    /// Names of the events touching this interval's day.
    pub events: Vec<String>,
}

/// One open day of one queue: the total and its own quantiles (a day's
/// p90 is not the sum of its intervals' p90).
#[derive(Clone, Debug, PartialEq)]
pub struct DayForecast {
    /// Local date.
    pub date: NaiveDate,
    /// Queue name.
    pub queue: String,
    /// Expected contacts over the day (the sum of the interval means).
    pub total: f64,
    /// 10th percentile of the day's total.
    pub p10: f64,
    /// 90th percentile of the day's total.
    pub p90: f64,
    /// Open intervals.
    pub intervals: usize,
    /// Names of the events touching the day.
    pub events: Vec<String>,
}

/// How to fit a model.
#[derive(Clone, Debug, PartialEq)]
pub struct FitOptions {
    /// Event windows per kind and name.
    pub windows: Windows,
    /// Tuning of the daily model.
    pub daily: DailyOptions,
    /// Rolling origins inside the history that measure daily errors for
    /// the quantiles (0: in-sample residuals only).
    pub error_origins: usize,
    /// Days forecast from each of those origins.
    pub error_horizon_days: u32,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            windows: Windows::default(),
            daily: DailyOptions::default(),
            error_origins: 4,
            error_horizon_days: 28,
        }
    }
}

/// A fitted forecasting model for every queue of a history.
#[derive(Clone, Debug)]
pub struct Model {
    tz: Tz,
    interval: IntervalLen,
    queues: Vec<QueueModel>,
}

#[derive(Clone, Debug)]
struct QueueModel {
    name: String,
    events: Schedule,
    open: Openness,
    /// `None` when the queue never had a contact.
    daily: Option<DailyModel>,
    intraday: Intraday,
    errors: ErrorModel,
}

impl Model {
    /// Queue names, sorted.
    pub fn queues(&self) -> impl Iterator<Item = &str> {
        self.queues.iter().map(|q| q.name.as_str())
    }

    /// The interval length forecasts are made at.
    pub fn interval(&self) -> IntervalLen {
        self.interval
    }

    /// The last day of history (the latest over queues).
    pub fn end(&self) -> Option<NaiveDate> {
        self.queues.iter().map(|q| q.open.last()).max()
    }
}

/// Fits a model to every queue of `history`, with the events of `calendar`
/// that apply to each queue. Queues are fitted in parallel; the result does
/// not depend on the number of threads.
///
/// # Errors
///
/// [`Error::Input`] when the history holds no contact at all.
pub fn fit(
    history: &History,
    calendar: &Calendar,
    opts: &FitOptions,
) -> Result<Model> {
    fit_with_progress(history, calendar, opts, &|_, _| {})
}

/// As [`fit`], calling `progress(done, total)` as queues are fitted (from
/// worker threads, in no particular order).
///
/// # Errors
///
/// As [`fit`].
pub fn fit_with_progress(
    history: &History,
    calendar: &Calendar,
    opts: &FitOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Model> {
    let queues = history.queues.par_iter().enumerate();
    let total = history.queues.len();
    fit_each(history, queues, named_days, total, calendar, opts, progress)
}

/// A queue's name and its days.
fn named_days<'q>(q: &'q &QueueHistory) -> (&'q str, Vec<DayData>) {
    (q.name.as_str(), queue_days(q))
}

/// Fits the queues `queues` yields (with their rank), each grouped by day
/// by `days` on a worker thread and dropped once fitted: only the queues
/// being fitted are ever laid out at once. `shape` gives the source (for
/// messages), the zone and the interval.
///
/// # Errors
///
/// As [`fit`].
pub(crate) fn fit_each<P: Send>(
    shape: &History,
    queues: impl ParallelIterator<Item = (usize, P)>,
    days: impl Fn(&P) -> (&str, Vec<DayData>) + Sync,
    total: usize,
    calendar: &Calendar,
    opts: &FitOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Model> {
    let has_volume = std::sync::atomic::AtomicBool::new(false);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut fitted: Vec<(usize, QueueModel)> = queues
        .map(|(i, p)| {
            let (name, days) = days(&p);
            if days.iter().any(|d| d.slots.iter().any(|s| s.volume > 0.0)) {
                has_volume.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            let m = fit_queue(name, &days, calendar, opts);
            let n =
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            (i, m)
        })
        .collect();
    if !has_volume.into_inner() {
        return Err(InputError::new(
            Location::file(&shape.source),
            "no contacts at all: a forecast needs at least one day with volume",
        )
        .into());
    }
    fitted.sort_by_key(|(i, _)| *i);
    let queues = fitted.into_iter().map(|(_, m)| m).collect();
    Ok(Model { tz: shape.tz, interval: shape.interval, queues })
}

/// One queue's history grouped by local day.
pub(crate) fn queue_days(q: &QueueHistory) -> Vec<DayData> {
    days_of(q.slots.iter().map(|s| (s.start.naive_local(), s.volume, s.aht_s)))
}

/// Slots given as `(local start, volume, handle time)`, by instant,
/// grouped by local day; the two slots of an hour repeated when clocks go
/// back are summed in order.
pub(crate) fn days_of(
    slots: impl Iterator<Item = (NaiveDateTime, f64, Option<f64>)>,
) -> Vec<DayData> {
    // Per day and local slot: Σ volume, Σ volume × aht, Σ volume with an
    // aht. Slots come by instant, so days and minutes nearly always only
    // grow: each lands at the end, and the few that do not (the repeated
    // hour, a zone whose clocks go back over midnight) are found by
    // binary search, summed in the order they come.
    type Sums = (u16, f64, f64, f64);
    let mut days: Vec<(NaiveDate, Vec<Sums>)> = vec![];
    for (local, volume, aht) in slots {
        let (date, minute) =
            (local.date(), (local.hour() * 60 + local.minute()) as u16);
        let d = match days.last() {
            Some((last, _)) if *last == date => days.len() - 1,
            Some((last, _)) if *last < date => {
                days.push((date, vec![]));
                days.len() - 1
            }
            None => {
                days.push((date, vec![]));
                0
            }
            Some(_) => match days.binary_search_by_key(&date, |d| d.0) {
                Ok(d) => d,
                Err(d) => {
                    days.insert(d, (date, vec![]));
                    d
                }
            },
        };
        let sums = &mut days[d].1;
        let i = match sums.last() {
            Some(last) if last.0 == minute => sums.len() - 1,
            Some(last) if last.0 > minute => {
                match sums.binary_search_by_key(&minute, |s| s.0) {
                    Ok(i) => i,
                    Err(i) => {
                        sums.insert(i, (minute, 0.0, 0.0, 0.0));
                        i
                    }
                }
            }
            _ => {
                sums.push((minute, 0.0, 0.0, 0.0));
                sums.len() - 1
            }
        };
        let e = &mut sums[i];
        let v = if volume.is_finite() { volume.max(0.0) } else { 0.0 };
        e.1 += v;
        if let Some(a) = aht.filter(|a| a.is_finite()) {
            e.2 += v * a;
            e.3 += v;
        }
    }
    days.into_iter()
        .map(|(date, sums)| {
            let slots: Vec<SlotObs> = sums
                .into_iter()
                .map(|(minute, volume, aw, av)| SlotObs {
                    minute,
                    volume,
                    aht: (av > 0.0).then(|| aw / av),
                })
                .collect();
            DayData {
                date,
                total: slots.iter().map(|s| s.volume).sum(),
                slots,
            }
        })
        .collect()
}

fn fit_queue(
    name: &str,
    days: &[DayData],
    calendar: &Calendar,
    opts: &FitOptions,
) -> QueueModel {
    let raw: Vec<Event> = calendar
        .events()
        .iter()
        .filter(|e| e.applies_to(name))
        .cloned()
        .collect();
    let events = events::schedule(&raw, &opts.windows);
    let open = Openness::new(days, &events);
    let daily = DailyModel::fit(days, &open, &events, &opts.daily);
    let intraday = Intraday::fit(days, &raw);
    let floor = daily.as_ref().map_or(0.1, |m| m.sigma);
    let errors = ErrorModel::new(&past_errors(days, &events, opts), floor);
    let name = name.to_string();
    QueueModel { name, events, open, daily, intraday, errors }
}

/// Log errors of daily totals, `(horizon, log actual − log forecast)`,
/// from `opts.error_origins` non-overlapping windows at the end of `days`.
fn past_errors(
    days: &[DayData],
    events: &Schedule,
    opts: &FitOptions,
) -> Vec<(i64, f64)> {
    let Some(last) = days.last().map(|d| d.date) else { return vec![] };
    let h = i64::from(opts.error_horizon_days.max(1));
    let mut errors = vec![];
    for i in 1..=opts.error_origins as i64 {
        let cut = last - chrono::Duration::days(i * h);
        // `days` is sorted by date: the training days are a prefix.
        let train = &days[..days.partition_point(|d| d.date <= cut)];
        let open_days = train.iter().filter(|d| d.total > 0.0).count();
        if open_days < 28 {
            break;
        }
        let open = Openness::new(train, events);
        let Some(m) = DailyModel::fit(train, &open, events, &opts.daily)
        else {
            break;
        };
        for d in days
            .iter()
            .filter(|d| d.date > cut && (d.date - cut).num_days() <= h)
        {
            if d.total > 0.0 && !open.closed(d.date) {
                let e = d.total.ln() - m.log_total(d.date, &open, events);
                if e.is_finite() {
                    errors.push(((d.date - cut).num_days(), e));
                }
            }
        }
    }
    errors
}

/// Forecasts every open interval of every queue from `from` to `to`
/// (inclusive local dates). An empty range gives no rows.
pub fn predict(model: &Model, from: NaiveDate, to: NaiveDate) -> Forecast {
    predict_with_days(model, from, to).0
}

/// As [`predict`], with the daily totals per queue alongside.
pub fn predict_days(
    model: &Model,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DayForecast> {
    predict_with_days(model, from, to).1
}

/// As [`predict`], also returning the daily totals.
pub fn predict_with_days(
    model: &Model,
    from: NaiveDate,
    to: NaiveDate,
) -> (Forecast, Vec<DayForecast>) {
    // Every queue shares the zone and the interval: each day's interval
    // starts are worked out once, not once per queue.
    let step = model.interval.minutes();
    let days: Vec<Day> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| (date, intraday::instants(model.tz, date, step)))
        .collect();
    let per_queue: Vec<(Vec<ForecastRow>, Vec<DayForecast>)> =
        model.queues.par_iter().map(|q| predict_queue(q, &days)).collect();
    let mut rows = vec![];
    let mut days = vec![];
    for (r, d) in per_queue {
        rows.extend(r);
        days.extend(d);
    }
    (Forecast { tz: model.tz, interval: model.interval, rows }, days)
}

/// A local date and its intervals, as [`intraday::instants`] gives them.
type Day = (NaiveDate, Vec<(u16, DateTime<Tz>)>);

fn predict_queue(
    q: &QueueModel,
    dates: &[Day],
) -> (Vec<ForecastRow>, Vec<DayForecast>) {
    let mut rows = vec![];
    let mut days = vec![];
    let Some(daily) = &q.daily else { return (rows, days) };
    for (date, instants) in dates {
        let date = *date;
        if q.open.closed(date) {
            continue;
        }
        let log_total = daily.log_total(date, &q.open, &q.events);
        let total = if log_total.is_finite() {
            log_total.clamp(-50.0, 50.0).exp()
        } else {
            0.0
        };
        let h = (date - q.open.last()).num_days().max(1);
        let sigma =
            q.errors.sigma(h).hypot(daily.event_sigma(date, &q.events));
        let covering: Vec<&Event> =
            q.events.covering(date).map(|s| &s.event).collect();
        let mut names: Vec<String> = vec![];
        for e in &covering {
            if !names.contains(&e.name) {
                names.push(e.name.clone());
            }
        }
        let profile = q.intraday.profile(date, &covering);
        let mut day_total = 0.0;
        let mut n = 0;
        for &(minute, start) in instants {
            let Ok(i) = profile.binary_search_by_key(&minute, |p| p.0) else {
                continue;
            };
            let mean = total * profile[i].1;
            let [p10, p50, p90] =
                quantiles::interval_quantiles(mean, sigma, q.intraday.phi);
            day_total += mean;
            n += 1;
            rows.push(ForecastRow {
                start,
                queue: q.name.clone(),
                mean,
                p10,
                p50,
                p90,
                aht_s: q.intraday.aht(minute),
                events: names.clone(),
            });
        }
        if n > 0 {
            let [p10, _, p90] =
                quantiles::interval_quantiles(day_total, sigma, 0.0);
            days.push(DayForecast {
                date,
                queue: q.name.clone(),
                total: day_total,
                p10,
                p90,
                intervals: n,
                events: names,
            });
        }
    }
    (rows, days)
}

/// Checks that every name in `wanted` is a queue of `history`.
///
/// # Errors
///
/// [`Error::Usage`] naming the unknown queue and the known ones.
pub fn check_queues(history: &History, wanted: &[String]) -> Result<()> {
    let names: Vec<&str> =
        history.queues.iter().map(|q| q.name.as_str()).collect();
    check_queue_names(&history.source, &names, wanted)
}

/// As [`check_queues`], for the queues `names` of `source`.
pub(crate) fn check_queue_names(
    source: &str,
    names: &[&str],
    wanted: &[String],
) -> Result<()> {
    for w in wanted {
        if !names.contains(&w.as_str()) {
            return Err(Error::usage(format!(
                "--queue {w:?}: no such queue in {source}; it has {}",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
