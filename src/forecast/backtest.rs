//! Rolling-origin backtests: how the forecast would have done on the last
//! weeks of history, side by side with two naive baselines.
//!
//! Origins are the ends of the last `origins` windows of `horizon` days
//! before the end of history: with the default step (the horizon) the test
//! windows are back to back and never overlap; a shorter step (say a week)
//! gives more, overlapping windows. For each origin the model is fitted on
//! the days up to it (nothing after), then forecasts the window.
//!
//! Methods:
//! * `peakplan`: this crate's forecast;
//! * `last_week`: each slot as on the same weekday of the last week before
//!   the origin (the most recent *open* one, up to eight weeks back);
//! * `last_year`: each slot as 364 days earlier (same weekday), times the
//!   growth of the last eight weeks over the same weeks a year before; only
//!   when the history reaches back that far.
//!
//! Metrics over the intervals where either the history or the method has
//! a value (a missing one counts as zero). A day with no history row at
//! all, on a weekday the queue opened on in the six weeks before the
//! origin, with no closure on the calendar, is a data gap: it is left out
//! for every method rather than scored as zero contacts.
//! * WAPE `Σ|F − A| / ΣA`, per interval and on daily totals;
//! * MASE: mean absolute interval error over the in-sample mean absolute
//!   error of the same-slot-last-week forecast (Hyndman & Koehler 2006);
//! * bias `Σ(F − A) / ΣA`;
//! * coverage: share of history intervals inside `[p10, p90]` (peakplan);
//! * noise floor: the WAPE a perfect mean forecast would still make under
//!   Poisson noise, `Σ E|Y − λ| / ΣA` at the forecast means.
//!
//! "Event days" restricts every metric to days an event covers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Timelike};
use serde::Serialize;

use super::{FitOptions, ForecastRow, fit, predict, quantiles::poisson_mad};
use crate::calendar::{Calendar, Event, EventKind};
use crate::error::{Error, Result};
use crate::inputs::history::{History, QueueHistory};

/// How to run a backtest.
#[derive(Clone, Debug)]
pub struct BacktestOptions {
    /// Days forecast from each origin.
    pub horizon_days: u32,
    /// Number of origins.
    pub origins: usize,
    /// Days between origins (default: the horizon, back-to-back windows).
    pub step_days: Option<u32>,
    /// The model's options.
    pub fit: FitOptions,
}

impl Default for BacktestOptions {
    fn default() -> BacktestOptions {
        BacktestOptions {
            horizon_days: 14,
            origins: 4,
            step_days: None,
            fit: FitOptions::default(),
        }
    }
}

/// A forecasting method compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// peakplan's forecast.
    Peakplan,
    /// Same slot, same weekday, last week before the origin.
    LastWeek,
    /// Same slot 364 days earlier, growth-adjusted.
    LastYear,
}

impl Method {
    /// Every method, in report order.
    pub const ALL: [Method; 3] =
        [Method::Peakplan, Method::LastWeek, Method::LastYear];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Peakplan => "peakplan",
            Method::LastWeek => "last_week",
            Method::LastYear => "last_year",
        }
    }
}

/// Which days a metric covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every day of the test windows.
    All,
    /// Days covered by an event.
    EventDays,
}

impl Scope {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::EventDays => "event_days",
        }
    }
}

/// One line of a backtest report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// A queue, or `all`.
    pub queue: String,
    /// Which days.
    pub scope: Scope,
    /// Which method.
    pub method: Method,
    /// Intervals compared.
    pub intervals: usize,
    /// Actual contacts in them.
    pub volume: f64,
    /// Interval-level WAPE.
    pub wape: Option<f64>,
    /// WAPE of daily totals.
    pub wape_daily: Option<f64>,
    /// Mean absolute scaled error against last week's same slot.
    pub mase: Option<f64>,
    /// Signed relative error of the total.
    pub bias: Option<f64>,
    /// Share of intervals inside `[p10, p90]` (peakplan only).
    pub coverage: Option<f64>,
    /// Poisson noise floor of the WAPE (peakplan only).
    pub noise_floor: Option<f64>,
}

/// A finished backtest.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Test windows, first and last day, oldest first.
    pub windows: Vec<(NaiveDate, NaiveDate)>,
    /// One line per queue (and `all`), scope and method.
    pub metrics: Vec<Metrics>,
    /// Daily totals per queue, window and method, as scored (data-gap
    /// days left out), for charts. Not part of the JSON report.
    #[serde(skip)]
    pub days: Vec<DayTotal>,
}

/// One day of one test window: what a method forecast and what happened.
#[derive(Clone, Debug, PartialEq)]
pub struct DayTotal {
    /// Queue name.
    pub queue: String,
    /// First day of the test window.
    pub window_start: NaiveDate,
    /// The day.
    pub date: NaiveDate,
    /// The method.
    pub method: Method,
    /// Forecast contacts that day.
    pub forecast: f64,
    /// Actual contacts that day.
    pub actual: f64,
}

#[derive(Default, Clone)]
struct Acc {
    n: usize,
    actual: f64,
    abs: f64,
    signed: f64,
    scaled: f64,
    covered: usize,
    cov_n: usize,
    noise: f64,
    day_abs: f64,
    day_actual: f64,
}

type Key = (NaiveDate, u16);

/// One forecast value: mean and, for peakplan, the p10–p90 band.
#[derive(Clone, Copy, Default)]
struct Value {
    mean: f64,
    band: Option<(f64, f64)>,
}

fn slot_map(
    q: &QueueHistory,
    keep: impl Fn(NaiveDate) -> bool,
) -> BTreeMap<Key, f64> {
    let mut map = BTreeMap::new();
    for s in &q.slots {
        let local = s.start.naive_local();
        if keep(local.date()) {
            let m = (local.hour() * 60 + local.minute()) as u16;
            *map.entry((local.date(), m)).or_default() += s.volume;
        }
    }
    map
}

/// Runs a backtest of `history` with the events of `calendar`: for each
/// origin, fit on the history up to it, forecast the window after it,
/// and score peakplan and the naive baselines against the actuals.
///
/// # Errors
///
/// [`Error::Usage`] with a [`BacktestError`] when the history is too
/// short for the windows asked; fitting errors.
pub fn run(
    history: &History,
    calendar: &Calendar,
    opts: &BacktestOptions,
) -> Result<Report> {
    let cuts =
        windows(history, opts).map_err(|e| Error::usage(e.to_string()))?;
    let mut scores = Scores::new(history.queues.len() > 1);
    let mut windows = vec![];
    for (cut, end) in cuts {
        windows.push((cut + chrono::Duration::days(1), end));
        let train = history_until(history, cut);
        if !train.queues.iter().any(|q| q.slots.iter().any(|s| s.volume > 0.0))
        {
            continue;
        }
        let model = fit(&train, calendar, &opts.fit)?;
        let forecast = predict(&model, cut + chrono::Duration::days(1), end);
        let mut peak = by_queue_and_slot(&forecast.rows);
        for (q, tq) in history.queues.iter().zip(&train.queues) {
            let peakplan = peak.remove(q.name.as_str()).unwrap_or_default();
            scores.window(q, tq, calendar, (cut, end), peakplan);
        }
    }
    let metrics = scores.metrics(history);
    Ok(Report { windows, metrics, days: scores.days })
}

/// Why a history cannot be backtested as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// No queue has a row.
    #[error("{file}: the history is empty")]
    Empty {
        /// The history's file.
        file: String,
    },
    /// Fewer than [`MIN_TRAINING_DAYS`] days before the first window.
    #[error(
        "{origins} windows of {horizon_days} days need at least \
         {MIN_TRAINING_DAYS} days of history before the first one; {file} \
         covers {first} to {last} ({days} days)"
    )]
    TooShort {
        /// Windows asked.
        origins: usize,
        /// Days of each window.
        horizon_days: i64,
        /// The history's file.
        file: String,
        /// First day of history.
        first: NaiveDate,
        /// Last day of history.
        last: NaiveDate,
        /// Days from the first to the last.
        days: i64,
    },
}

/// The origins (last day fitted) and window ends of a backtest of
/// `history`, oldest first.
///
/// # Errors
///
/// [`BacktestError`] when the history is empty or too short.
pub fn windows(
    history: &History,
    opts: &BacktestOptions,
) -> std::result::Result<Vec<(NaiveDate, NaiveDate)>, BacktestError> {
    let h = i64::from(opts.horizon_days.max(1));
    let step = i64::from(opts.step_days.unwrap_or(opts.horizon_days).max(1));
    let dates: Vec<NaiveDate> = history
        .queues
        .iter()
        .flat_map(|q| q.slots.first().into_iter().chain(q.slots.last()))
        .map(|s| s.start.naive_local().date())
        .collect();
    let (Some(&first), Some(&last)) = (dates.iter().min(), dates.iter().max())
    else {
        return Err(BacktestError::Empty { file: history.source.clone() });
    };
    let origins = opts.origins.max(1) as i64;
    let earliest_cut = last - chrono::Duration::days(h + (origins - 1) * step);
    if (earliest_cut - first).num_days() < MIN_TRAINING_DAYS {
        return Err(BacktestError::TooShort {
            origins: opts.origins,
            horizon_days: h,
            file: history.source.clone(),
            first,
            last,
            days: (last - first).num_days() + 1,
        });
    }
    Ok((0..origins)
        .rev()
        .map(|i| {
            let cut = last - chrono::Duration::days(h + i * step);
            (cut, cut + chrono::Duration::days(h))
        })
        .collect())
}

/// History before the first window: four weeks, so that every weekday is
/// seen several times.
pub const MIN_TRAINING_DAYS: i64 = 28;

/// `history` up to `cut`, inclusive.
fn history_until(history: &History, cut: NaiveDate) -> History {
    History {
        queues: history
            .queues
            .iter()
            .map(|q| QueueHistory {
                name: q.name.clone(),
                slots: q
                    .slots
                    .iter()
                    .filter(|s| s.start.naive_local().date() <= cut)
                    .cloned()
                    .collect(),
            })
            .collect(),
        ..history.clone()
    }
}

/// peakplan's forecast per queue and local slot, p10–p90 band included.
fn by_queue_and_slot(
    rows: &[ForecastRow],
) -> BTreeMap<&str, BTreeMap<Key, Value>> {
    let mut peak: BTreeMap<&str, BTreeMap<Key, Value>> = BTreeMap::new();
    for r in rows {
        let local = r.start.naive_local();
        let m = (local.hour() * 60 + local.minute()) as u16;
        let v = peak
            .entry(r.queue.as_str())
            .or_default()
            .entry((local.date(), m))
            .or_default();
        v.mean += r.mean;
        let (lo, hi) = v.band.unwrap_or((0.0, 0.0));
        v.band = Some((lo + r.p10, hi + r.p90));
    }
    peak
}

/// One queue's test window, as every method is scored on it.
struct Window<'a> {
    queue: &'a str,
    /// First day forecast.
    start: NaiveDate,
    actual: BTreeMap<Key, f64>,
    /// Data-gap days, left out of the scores.
    gap: BTreeSet<NaiveDate>,
    /// The naive in-sample error MASE divides by.
    scale: Option<f64>,
    events: Vec<&'a Event>,
}

impl Window<'_> {
    /// The scopes a day counts in: all days, and event days.
    fn scopes(&self, d: NaiveDate) -> &'static [Scope] {
        if self.events.iter().any(|e| e.covers(d)) {
            &[Scope::All, Scope::EventDays]
        } else {
            &[Scope::All]
        }
    }
}

/// The running sums of every queue (and `all`), scope and method.
struct Scores {
    acc: BTreeMap<(String, Scope, Method), Acc>,
    available: BTreeSet<Method>,
    days: Vec<DayTotal>,
    multi: bool,
}

impl Scores {
    fn new(multi: bool) -> Scores {
        Scores {
            acc: BTreeMap::new(),
            available: BTreeSet::new(),
            days: vec![],
            multi,
        }
    }

    /// Scores queue `q` (`tq` its training history) over `cut < d ≤ end`:
    /// peakplan's forecast `peakplan`, and the baselines made from `tq`.
    fn window<'a>(
        &mut self,
        q: &'a QueueHistory,
        tq: &QueueHistory,
        calendar: &'a Calendar,
        (cut, end): (NaiveDate, NaiveDate),
        peakplan: BTreeMap<Key, Value>,
    ) {
        let actual = slot_map(q, |d| d > cut && d <= end);
        let past = slot_map(tq, |_| true);
        let events: Vec<&Event> = calendar
            .events()
            .iter()
            .filter(|e| e.applies_to(&q.name))
            .collect();
        let gap = gap_days(&actual, &past, cut, end, |d| {
            events.iter().any(|e| e.kind == EventKind::Closure && e.covers(d))
        });
        let w = Window {
            queue: &q.name,
            start: cut + chrono::Duration::days(1),
            scale: naive_scale(&past),
            actual,
            gap,
            events,
        };
        let mut methods = vec![(Method::Peakplan, peakplan)];
        methods.push((Method::LastWeek, last_week(&past, cut, end)));
        if let Some(f) = last_year(&past, cut, end) {
            methods.push((Method::LastYear, f));
        }
        for (method, f) in methods {
            self.available.insert(method);
            let day_totals = self.intervals(&w, method, &f);
            self.day_totals(&w, method, day_totals);
        }
    }

    /// Adds every interval of `w` forecast by `method` as `f`; returns the
    /// daily totals (forecast, actual).
    fn intervals(
        &mut self,
        w: &Window<'_>,
        method: Method,
        f: &BTreeMap<Key, Value>,
    ) -> BTreeMap<NaiveDate, (f64, f64)> {
        let keys: BTreeSet<Key> = w
            .actual
            .keys()
            .chain(f.keys())
            .filter(|k| !w.gap.contains(&k.0))
            .copied()
            .collect();
        let mut day_totals: BTreeMap<NaiveDate, (f64, f64)> = BTreeMap::new();
        for key in keys {
            let a = w.actual.get(&key).copied();
            let v = f.get(&key).copied().unwrap_or_default();
            let av = a.unwrap_or(0.0);
            let t = day_totals.entry(key.0).or_default();
            t.0 += v.mean;
            t.1 += av;
            for &scope in w.scopes(key.0) {
                let mut labels = vec!["all".to_string()];
                if self.multi {
                    labels.push(w.queue.to_string());
                }
                for label in labels {
                    let x =
                        self.acc.entry((label, scope, method)).or_default();
                    x.add(v, a, w.scale, method == Method::Peakplan);
                }
            }
        }
        day_totals
    }

    /// Adds the daily totals of `w` forecast by `method`.
    fn day_totals(
        &mut self,
        w: &Window<'_>,
        method: Method,
        totals: BTreeMap<NaiveDate, (f64, f64)>,
    ) {
        for (date, (fd, ad)) in totals {
            self.days.push(DayTotal {
                queue: w.queue.to_string(),
                window_start: w.start,
                date,
                method,
                forecast: fd,
                actual: ad,
            });
            for &scope in w.scopes(date) {
                for label in
                    std::iter::once("all").chain(self.multi.then_some(w.queue))
                {
                    let key = (label.to_string(), scope, method);
                    if let Some(x) = self.acc.get_mut(&key) {
                        x.day_abs += (fd - ad).abs();
                        x.day_actual += ad;
                    }
                }
            }
        }
    }

    /// The metrics: `all`, then each queue when there are several; every
    /// scope a method was scored in (all days even when empty).
    fn metrics(&self, history: &History) -> Vec<Metrics> {
        let mut labels = vec!["all".to_string()];
        if self.multi {
            labels.extend(history.queues.iter().map(|q| q.name.clone()));
        }
        let mut metrics = vec![];
        for label in &labels {
            for scope in [Scope::All, Scope::EventDays] {
                for method in Method::ALL {
                    let x = self.acc.get(&(label.clone(), scope, method));
                    if x.is_none()
                        && !(scope == Scope::All
                            && self.available.contains(&method))
                    {
                        continue;
                    }
                    let x = x.cloned().unwrap_or_default();
                    metrics.push(x.metrics(label, scope, method));
                }
            }
        }
        metrics
    }
}

impl Acc {
    /// Adds one interval: forecast `v`, actual `a` (none: no row), MASE
    /// scale `scale`; the band and noise only for peakplan.
    fn add(
        &mut self,
        v: Value,
        a: Option<f64>,
        scale: Option<f64>,
        peakplan: bool,
    ) {
        let av = a.unwrap_or(0.0);
        self.n += 1;
        self.actual += av;
        self.abs += (v.mean - av).abs();
        self.signed += v.mean - av;
        if let Some(s) = scale {
            self.scaled += (v.mean - av).abs() / s;
        }
        if peakplan {
            self.noise += poisson_mad(v.mean);
            if a.is_some() {
                let (lo, hi) = v.band.unwrap_or((0.0, 0.0));
                self.cov_n += 1;
                self.covered += usize::from(lo <= av && av <= hi);
            }
        }
    }

    /// The ratios of the sums.
    fn metrics(&self, queue: &str, scope: Scope, method: Method) -> Metrics {
        let ratio = |num: f64, den: f64| (den > 0.0).then(|| num / den);
        let peak = method == Method::Peakplan;
        Metrics {
            queue: queue.to_string(),
            scope,
            method,
            intervals: self.n,
            volume: self.actual,
            wape: ratio(self.abs, self.actual),
            wape_daily: ratio(self.day_abs, self.day_actual),
            mase: ratio(self.scaled, self.n as f64),
            bias: ratio(self.signed, self.actual),
            coverage: if peak {
                ratio(self.covered as f64, self.cov_n as f64)
            } else {
                None
            },
            noise_floor: if peak {
                ratio(self.noise, self.actual)
            } else {
                None
            },
        }
    }
}

/// Days of the test window with no history row at all, on a weekday the
/// queue opened on in the last six weeks before the origin, and no closure
/// on the calendar: data gaps, not zeros. They are left out of every
/// method's score (a closure the calendar announces still counts).
fn gap_days(
    actual: &BTreeMap<Key, f64>,
    past: &BTreeMap<Key, f64>,
    cut: NaiveDate,
    end: NaiveDate,
    closure: impl Fn(NaiveDate) -> bool,
) -> BTreeSet<NaiveDate> {
    let open_before: BTreeSet<NaiveDate> = past
        .range((cut - chrono::Duration::days(41), 0)..)
        .filter(|(_, v)| **v > 0.0)
        .map(|(k, _)| k.0)
        .collect();
    let usually_open = |d: NaiveDate| {
        let wd = d.weekday();
        open_before.iter().filter(|x| x.weekday() == wd).count() >= 3
    };
    let present: BTreeSet<NaiveDate> = actual.keys().map(|k| k.0).collect();
    cut.iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| !present.contains(d) && usually_open(*d) && !closure(*d))
        .collect()
}

/// In-sample mean absolute error of the same slot one week earlier.
fn naive_scale(past: &BTreeMap<Key, f64>) -> Option<f64> {
    let days: BTreeSet<NaiveDate> = past.keys().map(|k| k.0).collect();
    let mut sum = 0.0;
    let mut n = 0usize;
    for &d in &days {
        let prev = d - chrono::Duration::days(7);
        if !days.contains(&prev) {
            continue;
        }
        let keys: BTreeSet<u16> = past
            .range((d, 0)..=(d, u16::MAX))
            .chain(past.range((prev, 0)..=(prev, u16::MAX)))
            .map(|(k, _)| k.1)
            .collect();
        for m in keys {
            let a = past.get(&(d, m)).copied().unwrap_or(0.0);
            let b = past.get(&(prev, m)).copied().unwrap_or(0.0);
            sum += (a - b).abs();
            n += 1;
        }
    }
    (n > 0 && sum > 0.0).then(|| sum / n as f64)
}

fn day_slots(past: &BTreeMap<Key, f64>, d: NaiveDate) -> Vec<(u16, f64)> {
    past.range((d, 0)..=(d, u16::MAX)).map(|(k, v)| (k.1, *v)).collect()
}

fn last_week(
    past: &BTreeMap<Key, f64>,
    cut: NaiveDate,
    end: NaiveDate,
) -> BTreeMap<Key, Value> {
    let mut out = BTreeMap::new();
    for d in cut.iter_days().skip(1).take_while(|d| *d <= end) {
        // The same weekday in the last week before the origin.
        let back = ((d - cut).num_days() + 6) / 7;
        for k in 0..8 {
            let src = d - chrono::Duration::days(7 * (back + k));
            let slots = day_slots(past, src);
            if slots.iter().any(|s| s.1 > 0.0) {
                for (m, v) in slots {
                    out.insert((d, m), Value { mean: v, band: None });
                }
                break;
            }
        }
    }
    out
}

fn last_year(
    past: &BTreeMap<Key, f64>,
    cut: NaiveDate,
    end: NaiveDate,
) -> Option<BTreeMap<Key, Value>> {
    let year = chrono::Duration::days(364);
    let first = past.keys().next()?.0;
    if cut + chrono::Duration::days(1) - year < first {
        return None;
    }
    let total = |from: NaiveDate, to: NaiveDate| -> f64 {
        past.range((from, 0)..=(to, u16::MAX)).map(|(_, v)| v).sum()
    };
    let recent = total(cut - chrono::Duration::days(55), cut);
    let before = total(cut - chrono::Duration::days(55) - year, cut - year);
    let growth =
        if recent > 0.0 && before > 0.0 { recent / before } else { 1.0 };
    let mut out = BTreeMap::new();
    for d in cut.iter_days().skip(1).take_while(|d| *d <= end) {
        for (m, v) in day_slots(past, d - year) {
            out.insert((d, m), Value { mean: v * growth, band: None });
        }
    }
    Some(out)
}
