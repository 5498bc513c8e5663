//! The daily model: one queue's daily totals on a log scale.
//!
//! ```text
//! log Dₜ = μ + weekdayₜ + trend(t) + Σₖ (aₖ sin 2πkt/365.25 + bₖ cos …)
//!        + catch-upₜ + Σ_events (kind effect[bin] + name effect[bin]) + εₜ
//! ```
//!
//! * **trend**: a line with a hinge every four weeks (a piecewise-linear
//!   level, like Prophet's changepoints but with a Gaussian prior on each
//!   slope change instead of a Laplace one). Beyond the history the last
//!   slope is damped (`φ` per day), so a recent rise does not run away over
//!   a thirteen-week horizon.
//! * **annual terms**: only with a year of history or more (three pairs
//!   under two years, five above), so a short history is never asked to
//!   guess its own season.
//! * **events** (see [`super::events`]): one effect per kind and window
//!   bin, plus a deviation per event name with a tighter prior. A name seen
//!   in earlier years gets its own effect; a new name of a known kind gets
//!   the kind's; an event whose kind has no history falls back to the
//!   planner's `uplift` on its days.
//! * **catch-up**: the first open day after an unusual closure (a jour
//!   férié on a weekday the center normally opens).
//! * **overlapping windows**: an event seen in fewer than two seasons
//!   yields its far, grouped window days (four days or more from it) to a
//!   nearer event, since one season cannot tell two effects apart (see
//!   [`hits`]); event days learned on one season get a wider band (see
//!   [`DailyModel::event_sigma`]).
//!
//! The fit is a ridge regression with a prior scale `τ` per column group
//! (penalty `σ²/τ²`, `σ` the robust residual scale), re-weighted with
//! Huber weights (`c = 2σ`) so that a one-off outage or a surge does not
//! drag the level, and with recency weights (half-life one year) so that an
//! old weekday pattern fades.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::events::{Bin, Schedule, Scheduled, bin};
use super::linalg::{Design, Normal, Row, robust_scale};
use crate::calendar::EventKind;

/// One day of one queue's history.
#[derive(Clone, Debug)]
pub(crate) struct DayData {
    pub date: NaiveDate,
    /// Sum of the day's volumes (0 on a closed day with zero rows).
    pub total: f64,
    /// Volume per local slot (minutes since midnight), sorted; the two
    /// occurrences of a repeated DST slot are summed.
    pub slots: Vec<SlotObs>,
}

/// One local slot of a day.
#[derive(Clone, Debug)]
pub(crate) struct SlotObs {
    pub minute: u16,
    pub volume: f64,
    pub aht: Option<f64>,
}

/// Tuning of the daily model (the defaults are what the backtests in the
/// README were measured with).
#[derive(Clone, Debug, PartialEq)]
pub struct DailyOptions {
    /// Half-life of observation weights, in days.
    pub halflife_days: f64,
    /// Days between trend hinges.
    pub knot_days: u32,
    /// Daily damping of the last slope beyond the history.
    pub damping: f64,
    /// Prior scale of each slope change, in log units per year.
    pub tau_hinge: f64,
    /// Prior scale of the annual terms.
    pub tau_fourier: f64,
    /// Prior scale of kind-level event effects.
    pub tau_kind: f64,
    /// Prior scale of name-level deviations from the kind.
    pub tau_name: f64,
    /// Huber threshold, in robust residual scales.
    pub huber: f64,
    /// Annual sine–cosine pairs with two years of history or more (half
    /// as many with one to two years, none under a year).
    pub annual_terms: usize,
}

impl Default for DailyOptions {
    fn default() -> DailyOptions {
        DailyOptions {
            halflife_days: 365.0,
            knot_days: 28,
            damping: 0.98,
            tau_hinge: 0.2,
            tau_fourier: 0.15,
            tau_kind: 0.7,
            tau_name: 0.4,
            huber: 2.0,
            annual_terms: 8,
        }
    }
}

/// Which days of a queue are open, in history and ahead.
#[derive(Clone, Debug)]
pub(crate) struct Openness {
    first: NaiveDate,
    last: NaiveDate,
    open: BTreeSet<NaiveDate>,
    /// Weekdays (Monday = 0) the center normally opens, from recent weeks.
    weekday_open: [bool; 7],
    closures: Vec<Scheduled>,
    /// Per closure name: (days closed, days open) on normally open weekdays.
    name_hist: BTreeMap<String, (u32, u32)>,
    kind_hist: (u32, u32),
}

/// Weeks of history that decide which weekdays are normally open.
const OPEN_WEEKS: usize = 6;

impl Openness {
    /// Learns opening days from `days` (sorted, non-empty) and the queue's
    /// events.
    pub fn new(days: &[DayData], events: &[Scheduled]) -> Openness {
        let first = days.first().map_or(NaiveDate::MIN, |d| d.date);
        let last = days.last().map_or(NaiveDate::MIN, |d| d.date);
        let open: BTreeSet<NaiveDate> =
            days.iter().filter(|d| d.total > 0.0).map(|d| d.date).collect();
        let closures: Vec<Scheduled> = events
            .iter()
            .filter(|e| e.event.kind == EventKind::Closure)
            .cloned()
            .collect();
        let closure_day =
            |date: NaiveDate| closures.iter().any(|e| e.event.covers(date));
        let mut weekday_open = [false; 7];
        for (wd, slot) in weekday_open.iter_mut().enumerate() {
            let mut seen = 0;
            let mut opened = 0;
            let mut date = last;
            while date >= first && seen < OPEN_WEEKS {
                if weekday(date) == wd && !closure_day(date) {
                    seen += 1;
                    opened += usize::from(open.contains(&date));
                }
                match date.pred_opt() {
                    Some(p) => date = p,
                    None => break,
                }
            }
            *slot = seen > 0 && 2 * opened >= seen;
        }
        let mut name_hist: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        let mut kind_hist = (0, 0);
        for s in &closures {
            let e = &s.event;
            for date in e.start.iter_days().take_while(|d| *d <= e.end) {
                if date < first || date > last || !weekday_open[weekday(date)]
                {
                    continue;
                }
                let entry = name_hist.entry(s.key.clone()).or_default();
                if open.contains(&date) {
                    entry.1 += 1;
                    kind_hist.1 += 1;
                } else {
                    entry.0 += 1;
                    kind_hist.0 += 1;
                }
            }
        }
        Openness {
            first,
            last,
            open,
            weekday_open,
            closures,
            name_hist,
            kind_hist,
        }
    }

    /// The last day of history.
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// Whether the queue is (or was) closed on `date`.
    pub fn closed(&self, date: NaiveDate) -> bool {
        if self.first <= date && date <= self.last {
            return !self.open.contains(&date);
        }
        self.predicted_closed(date)
    }

    fn predicted_closed(&self, date: NaiveDate) -> bool {
        for e in self.closures.iter().filter(|e| e.event.covers(date)) {
            // The event's own past decides; failing that, other closures';
            // failing that, the calendar is trusted. A jour férié the
            // center kept open is learned as an ordinary event instead.
            let (closed, open) = match self.name_hist.get(&e.key) {
                Some(&(c, o)) if c + o > 0 => (c, o),
                _ => self.kind_hist,
            };
            if closed + open == 0 || closed >= open {
                return true;
            }
        }
        !self.weekday_open[weekday(date)]
    }

    /// Whether `date` is the first open day after an unusual closure (a
    /// weekday the center normally opens).
    pub fn catch_up(&self, date: NaiveDate) -> bool {
        if self.closed(date) {
            return false;
        }
        let mut d = date;
        for _ in 0..10 {
            let Some(p) = d.pred_opt() else { return false };
            d = p;
            if d < self.first {
                return false;
            }
            if !self.closed(d) {
                return false;
            }
            if self.weekday_open[weekday(d)] {
                return true;
            }
        }
        false
    }
}

/// Monday = 0 … Sunday = 6.
pub(crate) fn weekday(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

/// Reweighting passes of the robust fit, at most.
const PASSES: usize = 6;

/// The fitted daily model of one queue.
#[derive(Clone, Debug)]
pub(crate) struct DailyModel {
    origin: NaiveDate,
    end: NaiveDate,
    /// Column of `t` and the hinge knots (years since `origin`).
    trend: Trend,
    fourier: (usize, usize),
    catch_up: Option<usize>,
    kind_bins: BTreeMap<(EventKind, Bin), usize>,
    name_bins: BTreeMap<(String, Bin), usize>,
    seen_kinds: BTreeSet<EventKind>,
    seen_names: BTreeSet<String>,
    /// Per event column: how many occurrences (seasons) it was learned on.
    support: BTreeMap<usize, usize>,
    /// Names with two seasons or more in the history: their overlapping
    /// window days are kept (see [`hits`]).
    separable: BTreeSet<String>,
    beta: Vec<f64>,
    /// Robust scale of the in-sample log residuals.
    pub sigma: f64,
    damping: f64,
}

fn years(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 365.25
}

fn annual_phase(date: NaiveDate) -> f64 {
    let days = f64::from(date.num_days_from_ce());
    std::f64::consts::TAU * days / 365.2425
}

/// Days from `date` to the nearest day of `e` (0 on the event's days).
fn distance(e: &Scheduled, date: NaiveDate) -> i64 {
    if date < e.event.start {
        (e.event.start - date).num_days()
    } else if date > e.event.end {
        (date - e.event.end).num_days()
    } else {
        0
    }
}

/// Distance from which window days are grouped into multi-day bins.
const FAR: i64 = 4;

/// `(event, bin)` for every event of `events` whose window touches `date`.
///
/// Where windows overlap, and the history holds fewer than two seasons of
/// the event, a day's lift goes to the event whose day is nearest: a far,
/// grouped bin (four days or more from its event) of an event outside
/// `separable` is dropped when another event's day is nearer. Otherwise one
/// season's overlap decides which event gets the lift (Noël's far ramp
/// lying over the Black Friday aftermath learns Black Friday's lift, then
/// applies it in a year where Black Friday falls later relative to Noël).
/// With two seasons or more whose overlaps differ, the regression tells
/// the effects apart and every bin is kept.
pub(crate) fn hits<'a>(
    events: &'a Schedule,
    date: NaiveDate,
    separable: &'a BTreeSet<String>,
) -> impl Iterator<Item = (&'a Scheduled, Bin)> {
    let all: Vec<(&Scheduled, Bin, i64)> = events
        .touching(date)
        .filter_map(|e| {
            bin(&e.event, e.window, date).map(|b| (e, b, distance(e, date)))
        })
        .collect();
    let nearest = all.iter().map(|h| h.2).min().unwrap_or(0);
    all.into_iter()
        .filter(move |h| {
            h.2 < FAR || h.2 <= nearest || separable.contains(&h.0.key)
        })
        .map(|(e, b, _)| (e, b))
}

/// The event columns a history supports: one per kind and bin, one per
/// name and bin, each with the seasons it was seen in.
#[derive(Default)]
struct EventColumns {
    catch_up: bool,
    kind_occ: BTreeMap<(EventKind, Bin), BTreeSet<NaiveDate>>,
    name_occ: BTreeMap<(String, Bin), BTreeSet<NaiveDate>>,
    seen_kinds: BTreeSet<EventKind>,
    seen_names: BTreeSet<String>,
}

impl EventColumns {
    /// The columns of the observed days `obs`.
    fn find(
        obs: &[&DayData],
        open: &Openness,
        events: &Schedule,
        separable: &BTreeSet<String>,
    ) -> EventColumns {
        let mut c = EventColumns::default();
        for d in obs {
            c.catch_up |= open.catch_up(d.date);
            for (e, b) in hits(events, d.date, separable) {
                c.kind_occ
                    .entry((e.event.kind, b))
                    .or_default()
                    .insert(e.event.start);
                c.name_occ
                    .entry((e.key.clone(), b))
                    .or_default()
                    .insert(e.event.start);
                if matches!(b, Bin::During(_)) {
                    c.seen_kinds.insert(e.event.kind);
                    c.seen_names.insert(e.key.clone());
                }
            }
        }
        c
    }
}

/// Names with two seasons or more between `first` and `end`.
fn separable_names(
    events: &[Scheduled],
    first: NaiveDate,
    end: NaiveDate,
) -> BTreeSet<String> {
    let mut seasons: BTreeMap<&str, usize> = BTreeMap::new();
    for e in events.iter().filter(|e| e.event.start <= end) {
        let first_day = e.event.start.max(first);
        if e.event.end >= first_day {
            *seasons.entry(e.key.as_str()).or_default() += 1;
        }
    }
    seasons
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(k, _)| k.to_owned())
        .collect()
}

/// The trend column and its hinge knots, as [`DailyModel`] keeps them.
type Trend = Option<(usize, Vec<f64>)>;

/// The trend column and knots (none below eight weeks of history), the
/// first Fourier column and its number of terms, and the next free
/// column after them; the seven weekday columns come first.
fn season_columns(
    span: i64,
    opts: &DailyOptions,
) -> (Trend, (usize, usize), usize) {
    let mut p = 7;
    let trend = (span >= 56).then(|| {
        let col = p;
        let mut knots = vec![];
        let mut k = i64::from(opts.knot_days.max(7));
        while span >= 84 && k <= span - 28 {
            knots.push(k as f64 / 365.25);
            k += i64::from(opts.knot_days.max(7));
        }
        p += 1 + knots.len();
        (col, knots)
    });
    let k_annual = match span {
        ..364 => 0,
        364..728 => opts.annual_terms.div_ceil(2),
        _ => opts.annual_terms,
    };
    let fourier = (p, k_annual);
    p += 2 * k_annual;
    (trend, fourier, p)
}

impl DailyModel {
    /// Fits the model to the open days of `days` (sorted by date).
    /// Returns `None` when there is no open day.
    pub fn fit(
        days: &[DayData],
        open: &Openness,
        events: &Schedule,
        opts: &DailyOptions,
    ) -> Option<DailyModel> {
        let obs: Vec<&DayData> =
            days.iter().filter(|d| d.total > 0.0).collect();
        let first = obs.first()?.date;
        let end = open.last();
        let (trend, fourier, mut p) =
            season_columns((end - first).num_days(), opts);
        let separable = separable_names(events, first, end);
        let found = EventColumns::find(&obs, open, events, &separable);
        let mut next = || {
            p += 1;
            p - 1
        };
        let catch_up = found.catch_up.then(&mut next);
        let kind_bins: BTreeMap<_, _> =
            found.kind_occ.keys().map(|k| (*k, next())).collect();
        let name_bins: BTreeMap<_, _> =
            found.name_occ.keys().map(|k| (k.clone(), next())).collect();
        let mut support = BTreeMap::new();
        for (k, c) in &kind_bins {
            support.insert(*c, found.kind_occ.get(k).map_or(0, BTreeSet::len));
        }
        for (k, c) in &name_bins {
            support.insert(*c, found.name_occ.get(k).map_or(0, BTreeSet::len));
        }
        let mut model = DailyModel {
            origin: first,
            end,
            trend,
            fourier,
            catch_up,
            kind_bins,
            name_bins,
            seen_kinds: found.seen_kinds,
            seen_names: found.seen_names,
            support,
            separable,
            beta: vec![0.0; p],
            sigma: 0.0,
            damping: opts.damping,
        };
        let rows: Vec<Row> = obs
            .iter()
            .map(|d| {
                let mut row = model.row(d.date, open, events);
                model.push_trend(&mut row, d.date);
                row
            })
            .collect();
        let y: Vec<f64> = obs.iter().map(|d| d.total.ln()).collect();
        let recency: Vec<f64> = obs
            .iter()
            .map(|d| {
                let age = (end - d.date).num_days() as f64;
                0.5f64.powf(age / opts.halflife_days.max(1.0))
            })
            .collect();
        let tau = model.prior_scales(opts);
        model.sigma = model.solve(&rows, &y, &recency, &tau, opts.huber);
        Some(model)
    }

    /// Prior scale of every column: the intercept free, the others shrunk
    /// by their kind's scale.
    fn prior_scales(&self, opts: &DailyOptions) -> Vec<f64> {
        let mut tau = vec![1.0; self.beta.len()];
        tau[0] = f64::INFINITY;
        if let Some((col, knots)) = &self.trend {
            for t in &mut tau[col + 1..col + 1 + knots.len()] {
                *t = opts.tau_hinge;
            }
        }
        let fourier = self.fourier;
        for t in &mut tau[fourier.0..fourier.0 + 2 * fourier.1] {
            *t = opts.tau_fourier;
        }
        if let Some(c) = self.catch_up {
            tau[c] = 0.5;
        }
        for &c in self.kind_bins.values() {
            tau[c] = opts.tau_kind;
        }
        for &c in self.name_bins.values() {
            tau[c] = opts.tau_name;
        }
        tau
    }

    /// Iteratively reweighted ridge regression of `y` on `rows`, weights
    /// `recency` times Huber weights of threshold `huber`·σ: sets the
    /// coefficients, returns σ (the robust scale of the residuals).
    ///
    /// At most [`PASSES`] passes. The rows' normal equations are
    /// accumulated again only when the weights changed; and the passes
    /// stop once a pass would solve the very system of the previous one
    /// (the same weights and penalties, bit for bit), since it would give
    /// the same coefficients again. The convergence tolerance is therefore
    /// zero: stopping early never changes a fitted number.
    fn solve(
        &mut self,
        rows: &[Row],
        y: &[f64],
        recency: &[f64],
        tau: &[f64],
        huber_k: f64,
    ) -> f64 {
        let mut sigma: f64 = 0.1;
        let mut huber = vec![1.0; y.len()];
        // The weights and penalties of the last system solved.
        let mut last: Option<(Vec<f64>, Vec<f64>)> = None;
        let design = Design::new(rows, tau.len());
        let mut normal = Normal::new(tau.len());
        for _ in 0..PASSES {
            let s2 = sigma.max(0.01).powi(2);
            let penalty: Vec<f64> = tau
                .iter()
                .map(|t| if t.is_finite() { s2 / (t * t) } else { 1e-9 })
                .collect();
            let w: Vec<f64> =
                recency.iter().zip(&huber).map(|(a, b)| a * b).collect();
            match &last {
                Some((lw, lp)) if *lw == w && *lp == penalty => break,
                Some((lw, _)) if *lw == w => {}
                _ => normal.accumulate(&design, y, &w),
            }
            let Some(beta) = normal.solve(&penalty) else { break };
            self.beta = beta;
            last = Some((w, penalty));
            let resid: Vec<f64> = rows
                .iter()
                .zip(y)
                .map(|(row, yi)| yi - self.dot(row))
                .collect();
            sigma = robust_scale(&resid).max(1e-6);
            // Floored so that a near-exact fit (synthetic or very smooth
            // data) does not call every event day an outlier.
            let c = huber_k * sigma.max(0.01);
            for (h, r) in huber.iter_mut().zip(&resid) {
                *h = if r.abs() <= c { 1.0 } else { c / r.abs() };
            }
        }
        sigma
    }

    fn dot(&self, row: &Row) -> f64 {
        row.iter().map(|&(j, x)| self.beta[j] * x).sum()
    }

    /// The design row of `date`, trend excluded.
    fn row(&self, date: NaiveDate, open: &Openness, events: &Schedule) -> Row {
        let mut ev: BTreeMap<usize, f64> = BTreeMap::new();
        for (e, b) in hits(events, date, &self.separable) {
            if let Some(&c) = self.kind_bins.get(&(e.event.kind, b)) {
                *ev.entry(c).or_default() += 1.0;
            }
            if let Some(&c) = self.name_bins.get(&(e.key.clone(), b)) {
                *ev.entry(c).or_default() += 1.0;
            }
        }
        // Room for every column the row may take, the trend's too (added
        // by `push_trend`): no reallocation on the way.
        let (f0, k) = self.fourier;
        let trend =
            self.trend.as_ref().map_or(0, |(_, knots)| 1 + knots.len());
        let mut row: Row = Vec::with_capacity(3 + 2 * k + ev.len() + trend);
        row.push((0, 1.0));
        let wd = weekday(date);
        if wd > 0 {
            row.push((wd, 1.0));
        }
        let phase = annual_phase(date);
        for i in 0..k {
            let a = phase * (i + 1) as f64;
            row.push((f0 + 2 * i, a.sin()));
            row.push((f0 + 2 * i + 1, a.cos()));
        }
        if let Some(c) = self.catch_up
            && open.catch_up(date)
        {
            row.push((c, 1.0));
        }
        row.extend(ev);
        row
    }

    fn push_trend(&self, row: &mut Row, date: NaiveDate) {
        if let Some((col, knots)) = &self.trend {
            let t = years(self.origin, date);
            row.push((*col, t));
            for (i, k) in knots.iter().enumerate() {
                if t > *k {
                    row.push((col + 1 + i, t - k));
                }
            }
        }
    }

    fn trend_at(&self, date: NaiveDate) -> f64 {
        let Some((col, knots)) = &self.trend else { return 0.0 };
        let level = |t: f64| {
            let mut v = self.beta[*col] * t;
            for (i, k) in knots.iter().enumerate() {
                if t > *k {
                    v += self.beta[col + 1 + i] * (t - k);
                }
            }
            v
        };
        if date <= self.end {
            return level(years(self.origin, date));
        }
        let t_end = years(self.origin, self.end);
        let mut slope = self.beta[*col];
        for (i, k) in knots.iter().enumerate() {
            if t_end > *k {
                slope += self.beta[col + 1 + i];
            }
        }
        let h = (date - self.end).num_days() as f64;
        let phi = self.damping.clamp(0.0, 1.0);
        let damped = if phi >= 1.0 {
            h
        } else {
            phi * (1.0 - phi.powf(h)) / (1.0 - phi)
        };
        level(t_end) + slope * damped / 365.25
    }

    /// The predicted log daily total on `date` (an open day).
    pub fn log_total(
        &self,
        date: NaiveDate,
        open: &Openness,
        events: &Schedule,
    ) -> f64 {
        let row = self.row(date, open, events);
        let mut v = self.dot(&row) + self.trend_at(date);
        // Events the history knows nothing about, neither by name nor by
        // kind: the planner's uplift on the event's days.
        for e in events.covering(date) {
            if self.seen_kinds.contains(&e.event.kind)
                || self.seen_names.contains(&e.key)
            {
                continue;
            }
            if let Some(u) =
                e.event.uplift.filter(|u| u.is_finite() && *u > -0.99)
            {
                v += (1.0 + u).ln();
            }
        }
        v
    }

    /// Extra log-scale spread of `date`'s total from the event effects on
    /// it. An effect learned on a single season cannot be told apart from
    /// that season's coincidences (another event's window lying over it,
    /// a weekday falling differently), and the error model, measured on
    /// recent weeks, rarely holds event days. `effect` is the summed log
    /// effect of the day's event bins, `n` the fewest seasons one of them
    /// rests on; the spread is [`super::quantiles::event_sigma`]'s.
    pub fn event_sigma(&self, date: NaiveDate, events: &Schedule) -> f64 {
        let mut effect = 0.0;
        let mut seasons = usize::MAX;
        for (e, b) in hits(events, date, &self.separable) {
            let cols = [
                self.kind_bins.get(&(e.event.kind, b)),
                self.name_bins.get(&(e.key.clone(), b)),
            ];
            for &c in cols.into_iter().flatten() {
                effect += self.beta[c];
                let n = self.support.get(&c).copied().unwrap_or(0);
                seasons = seasons.min(n.max(1));
            }
        }
        if seasons == usize::MAX {
            return 0.0;
        }
        super::quantiles::event_sigma(effect, seasons, self.sigma)
    }

    /// The learned multiplicative effect of `name` at `bin`: the kind's
    /// effect times the name's deviation (1.0 when unknown).
    #[cfg(test)]
    pub fn effect(&self, kind: EventKind, name: &str, b: Bin) -> f64 {
        let k = self.kind_bins.get(&(kind, b)).map_or(0.0, |&c| self.beta[c]);
        let n = self
            .name_bins
            .get(&(super::events::name_key(name), b))
            .map_or(0.0, |&c| self.beta[c]);
        (k + n).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Event;
    use crate::forecast::events::{Windows, schedule};

    use crate::forecast::tests::{d, event as ev};

    /// Days from `from` to `to`, closed on Sundays and on `closed`, with a
    /// weekday pattern and multiplicative `effects`.
    fn series(
        from: &str,
        to: &str,
        closed: &[&str],
        effect: impl Fn(NaiveDate) -> f64,
    ) -> Vec<DayData> {
        let closed: Vec<NaiveDate> = closed.iter().map(|s| d(s)).collect();
        let week = [1.3, 1.1, 1.0, 1.0, 0.9, 0.6, 0.0];
        d(from)
            .iter_days()
            .take_while(|x| *x <= d(to))
            .map(|date| {
                let mut total = 1000.0 * week[weekday(date)] * effect(date);
                if closed.contains(&date) {
                    total = 0.0;
                }
                DayData { date, total, slots: vec![] }
            })
            .collect()
    }

    #[test]
    fn recovers_a_known_event_effect_within_a_few_percent() {
        let bf = |y: &str| ev("Black Friday", EventKind::BlackFriday, y, y);
        let events =
            vec![bf("2023-11-24"), bf("2024-11-29"), bf("2025-11-28")];
        let days = series("2023-01-02", "2025-09-30", &[], |date| {
            if events.iter().any(|e| e.covers(date)) { 2.5 } else { 1.0 }
        });
        let events = schedule(&events, &Windows::default());
        let open = Openness::new(&days, &events);
        let m =
            DailyModel::fit(&days, &open, &events, &DailyOptions::default())
                .unwrap();
        let eff =
            m.effect(EventKind::BlackFriday, "Black Friday", Bin::During(0));
        assert!((eff / 2.5 - 1.0).abs() < 0.03, "effect {eff}");
        // And the forecast for the next one carries it.
        let f = m.log_total(d("2025-11-28"), &open, &events).exp();
        assert!((f / (1000.0 * 0.9 * 2.5) - 1.0).abs() < 0.05, "forecast {f}");
    }

    #[test]
    fn a_new_event_learns_from_its_kind_and_an_unknown_kind_uses_uplift() {
        // Two past launches, each +60 % on the day; a third, new name.
        let mut events = vec![
            ev("Appli v1", EventKind::Launch, "2024-03-05", "2024-03-05"),
            ev("Box Noël", EventKind::Launch, "2024-10-08", "2024-10-08"),
        ];
        let days = series("2024-01-01", "2025-01-31", &[], |date| {
            if events.iter().any(|e| e.covers(date)) { 1.6 } else { 1.0 }
        });
        let mut new =
            ev("Appli v2", EventKind::Launch, "2025-02-11", "2025-02-11");
        new.uplift = Some(3.0); // ignored: the kind has history
        events.push(new);
        let mut marketing =
            ev("Spot TV", EventKind::Marketing, "2025-02-12", "2025-02-12");
        marketing.uplift = Some(0.5);
        events.push(marketing);
        let events = schedule(&events, &Windows::default());
        let open = Openness::new(&days, &events);
        let m =
            DailyModel::fit(&days, &open, &events, &DailyOptions::default())
                .unwrap();
        let base = m.log_total(d("2025-02-04"), &open, &events).exp();
        let launch = m.log_total(d("2025-02-11"), &open, &events).exp();
        let ratio = launch / base;
        assert!(ratio > 1.35 && ratio < 1.7, "pooled launch ratio {ratio}");
        let base_wed = m.log_total(d("2025-02-05"), &open, &events).exp();
        let spot = m.log_total(d("2025-02-12"), &open, &events).exp();
        assert!(
            (spot / base_wed - 1.5).abs() < 0.03,
            "uplift {}",
            spot / base_wed
        );
    }

    #[test]
    fn closures_and_catch_up() {
        // Closed on Tuesday 2024-05-01 and Thursday 2024-05-09 (jours
        // fériés), with a +30 % catch-up the next open day; 2024-05-08 is a
        // jour férié the center stays open on.
        let mut events = vec![
            ev("1er mai", EventKind::Closure, "2024-05-01", "2024-05-01"),
            ev("Ascension", EventKind::Closure, "2024-05-09", "2024-05-09"),
            ev("8 mai", EventKind::Closure, "2024-05-08", "2024-05-08"),
        ];
        let days = series(
            "2024-01-01",
            "2024-09-30",
            &["2024-05-01", "2024-05-09"],
            |date| {
                if date == d("2024-05-02") || date == d("2024-05-10") {
                    1.3
                } else {
                    1.0
                }
            },
        );
        events.push(ev(
            "1er mai",
            EventKind::Closure,
            "2025-05-01",
            "2025-05-01",
        ));
        events.push(ev(
            "8 mai",
            EventKind::Closure,
            "2025-05-08",
            "2025-05-08",
        ));
        events.push(ev(
            "Fermeture",
            EventKind::Closure,
            "2025-05-13",
            "2025-05-13",
        ));
        let events = schedule(&events, &Windows::default());
        let open = Openness::new(&days, &events);
        assert!(open.closed(d("2024-09-29")), "Sunday");
        assert!(open.closed(d("2025-05-01")), "1er mai, closed before");
        assert!(!open.closed(d("2025-05-08")), "8 mai, open before");
        // A closure never seen: other closures were mostly closed.
        assert!(open.closed(d("2025-05-13")));
        assert!(open.catch_up(d("2025-05-02")));
        assert!(!open.catch_up(d("2025-05-05")), "after a Sunday only");
        let m =
            DailyModel::fit(&days, &open, &events, &DailyOptions::default())
                .unwrap();
        let fri = m.log_total(d("2025-05-02"), &open, &events).exp();
        let fri_before = m.log_total(d("2025-04-25"), &open, &events).exp();
        assert!(
            (fri / fri_before - 1.3).abs() < 0.06,
            "catch-up {}",
            fri / fri_before
        );
    }

    /// A sharp event whose aftermath lies in another event's far ramp in
    /// the history's season, and five days later relative to it in the
    /// next: the aftermath's lift must stay with the sharp event, not move
    /// with the ramp to days before the sharp event.
    #[test]
    fn overlapping_windows_give_the_lift_to_the_nearest_event() {
        let past = [
            ev(
                "Vente flash",
                EventKind::BlackFriday,
                "2023-11-24",
                "2023-11-24",
            ),
            ev("Fête", EventKind::Holiday, "2023-12-25", "2023-12-25"),
        ];
        let next = [
            ev(
                "Vente flash",
                EventKind::BlackFriday,
                "2024-11-29",
                "2024-11-29",
            ),
            ev("Fête", EventKind::Holiday, "2024-12-25", "2024-12-25"),
        ];
        // The sharp event lifts its day and the nine after by 80 %; the
        // ramp only lifts the last week before the feast, by 30 %.
        let truth = |events: &[Event], date: NaiveDate| {
            let mut f = 1.0;
            let (sharp, feast) = (&events[0], &events[1]);
            let after = (date - sharp.start).num_days();
            if (0..=9).contains(&after) {
                f *= 1.8;
            }
            let before = (feast.start - date).num_days();
            if (1..=7).contains(&before) {
                f *= 1.3;
            }
            f
        };
        let days = series("2023-01-02", "2024-10-01", &["2023-12-25"], |x| {
            truth(&past, x)
        });
        let mut w = Windows::default();
        w.apply("Fête=-28..10").unwrap();
        let all: Vec<Event> = past.iter().chain(&next).cloned().collect();
        let events = schedule(&all, &w);
        let open = Openness::new(&days, &events);
        let m =
            DailyModel::fit(&days, &open, &events, &DailyOptions::default())
                .unwrap();
        let base = |date: &str| {
            1000.0 * [1.3, 1.1, 1.0, 1.0, 0.9, 0.6, 0.0][weekday(d(date))]
        };
        // 2024-11-27 is 28 days before the feast and 2 before the sharp
        // event: no lift. 2024-12-02 is the sharp event's day 3.
        for (date, want) in [("2024-11-27", 1.0), ("2024-12-02", 1.8)] {
            let f = m.log_total(d(date), &open, &events).exp() / base(date);
            let ratio = f / want;
            assert!((ratio - 1.0).abs() < 0.12, "{date}: {f} for {want}");
        }
    }

    #[test]
    fn short_histories_fit_without_trend_or_season() {
        let days = series("2025-01-06", "2025-01-19", &[], |_| 1.0);
        let w = Windows::default();
        let open = Openness::new(&days, &[]);
        let _ = &w;
        let none = Schedule::default();
        let m = DailyModel::fit(&days, &open, &none, &DailyOptions::default())
            .unwrap();
        assert!(m.trend.is_none() && m.fourier.1 == 0);
        let mon = m.log_total(d("2025-01-20"), &open, &none).exp();
        assert!((mon - 1300.0).abs() < 1.0, "{mon}");
    }
}
