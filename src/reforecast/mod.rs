//! Intraday re-forecast: on the day, learn the day's level (and on an
//! event day, its shape) from the morning's counts, carry the level to the
//! next days of the event window, restaff the rest of the day with the
//! plan's staffing rule and propose what to change (partner agents,
//! overtime, deflection).
//!
//! # Method: a Bayesian update of the day level
//!
//! The plan's forecast of a queue-day gives each interval `s` a mean
//! `m_s` and a band `p10_s..p90_s`. The day's actual counts are modelled
//! as `y_s ~ Poisson(θ·m_s)`, with one multiplier `θ` for the whole day:
//! the intraday shape is the plan's (on an event day, re-weighted first
//! as [below](#event-days-the-shape-before-the-level)), only its level
//! is unknown.
//!
//! **Prior.** `θ ~ Gamma(a, a)`, mean 1 (the forecast's mean is the
//! day's expectation) and variance `1/a`. Its spread is the forecast's
//! day-level spread, read from the plan with the simulation's day law
//! ([`crate::simulate::from_plan::DayLaw`]) fitted to this day's interval
//! bands alone (the simulation pools its dispersion over all of a queue's
//! days, so the two spreads can differ a little): it gives `e^{σ²}` of the
//! lognormal day factor `F = e^{μ + σZ}`, and the Gamma matches a
//! mean-one lognormal of that `σ` in mean and variance:
//!
//! ```text
//! 1/a = Var θ = e^{σ²} − 1
//! ```
//!
//! **Posterior.** With `Y = Σ y_s` the contacts of the intervals already
//! closed and `M = Σ m_s` the plan's forecast of the same intervals, the
//! Gamma prior is conjugate to the Poisson counts:
//!
//! ```text
//! θ | y ~ Gamma(a + Y, a + M)
//! E[θ | y]   = (a + Y)/(a + M) = w·(Y/M) + (1 − w)·1,  w = M/(a + M)
//! Var[θ | y] = (a + Y)/(a + M)²
//! ```
//!
//! so the update shrinks toward the plan when little of the day has been
//! seen (`M ≪ a`: `w → 0`) and follows the actuals as more arrives
//! (`M ≫ a`: `w → 1`). With `σ = 0` (a band no wider than Poisson) the
//! level is certain and does not move.
//!
//! **Dispersion.** Real mornings are not Poisson around the plan's shape:
//! an event-day morning hump sharper than the plan's puts the intervals'
//! ratios `y_s/m_s` further apart than Poisson noise would. The update is
//! quasi-Poisson: the Pearson dispersion of the seen intervals,
//!
//! ```text
//! φ = max(1, X²/(n − 1)),  X² = Σ (y_s − θ̂m_s)²/(θ̂m_s),  θ̂ = Y/M
//! ```
//!
//! tempers the likelihood, `θ | y ~ Gamma(a + Y/φ, a + M/φ)`: a morning
//! whose shape departs from the plan's moves the level less, and widens
//! the band below.
//!
//! **Predictive.** An interval still to come has mean `E[θ|y]·m_s` and,
//! given the day, the negative-binomial variance `φ·E[θ|y]·m_s +
//! m_s²·Var[θ|y]`, plus the part of the plan's own interval variance
//! that neither the day level nor Poisson explain (`e_s = max(0, sd_s² −
//! m_s − m_s²/a)`, `sd_s = (p90_s − p10_s)/(2·z₉₀)`, scaled by
//! `E[θ|y]²`). The plan's band is moved to the new mean and scaled by
//! the ratio of the new standard deviation to the plan's:
//!
//! ```text
//! q' = E[θ|y]·m_s + (q − m_s)·√(V'_s / V_s)
//! V_s  = m_s + m_s²/a + e_s                        (the plan's)
//! V'_s = φ·E[θ|y]·m_s + m_s²·Var[θ|y] + E[θ|y]²·e_s
//! ```
//!
//! With no actuals `q' = q`: the plan. A morning exactly on forecast
//! keeps every mean and narrows the band.
//!
//! # Event days: the shape before the level
//!
//! On an event day the plan's shape is a blend of the event's past days
//! and the weekday's (the forecast shrinks an event's own profile toward
//! the weekday's), and event mornings often run sharper than it: read as
//! the day's level, a heavy morning over-forecasts the afternoon. So the
//! morning's ratio to the plan is split into a shape error and a level
//! error. With `s_p = Σ_{closed} m_s / Σ m_s` the plan's share of the day
//! before `now`, and `s` the day's true share, a day of level `θ` has
//!
//! ```text
//! morning:   Y/M      = θ·g₋,   g₋ = s/s_p
//! afternoon: rest/R   = θ·g₊,   g₊ = (1 − s)/(1 − s_p)
//! ```
//!
//! `s` is learned from the history's earlier days of the same event and
//! day of it (the third day of a three-day update is matched with third
//! days), else of the same kind (the forecast's event-profile rule:
//! events of under three days): day `i` has share `s_i` of its contacts
//! in the same local intervals, `N_i` contacts and binomial variance
//! `b_i = s_i(1 − s_i)/N_i`. The estimate is shrunk toward the plan's
//! share by an empirical-Bayes credibility (method of moments, no tuned
//! constant):
//!
//! ```text
//! s̄ = mean s_i,   v = max(mean b_i, sample variance of the s_i)
//! τ² = max(0, (s̄ − s_p)² − v/n)        (what the gap has beyond noise)
//! w  = τ²/(τ² + v/n),   s = s_p + w·(s̄ − s_p)
//! ```
//!
//! so past days whose share is the plan's up to their noise change
//! nothing, and a gap far above it is trusted almost whole.
//!
//! The same past days also say how each part spreads over its
//! intervals: the plan's event profile is itself shrunk toward the
//! weekday's, and with the generator's truth the part of the event days'
//! remaining error that a perfect shape removes is most of what is
//! reducible (the accuracy example's shape oracle). Within each part, with
//! `π_i` the plan's share of interval `i`, `p̄_i` the past days' and
//! `v_i = max(mean binomial, sample variance)/n` its noise as above, one
//! credibility for the part (the positive-part James–Stein rule, by the
//! method of moments: one weight for the whole profile, so a handful of
//! noisy intervals cannot pull it):
//!
//! ```text
//! τ² = max(0, Σ (p̄_i − π_i)² − Σ v_i),   w_p = τ²/(τ² + Σ v_i)
//! h_i = (π_i + w_p·(p̄_i − π_i))/π_i
//! ```
//!
//! re-weights the part's intervals, keeping its total. The plan's
//! intervals are then multiplied by `g₋·h_i` (closed by `now`) or
//! `g₊·h_i` (to come), means and bands, which keeps the day's total, and
//! the level update above runs on the reshaped plan (so a morning that
//! only follows the past days' profile is not read as overdispersed). A
//! profile taken whole from the past days (one credibility for the day,
//! the split following from it) scored worse at noon in both years than
//! the split and the parts apart: the split is the better-determined
//! quantity and deserves its own weight. Without a history (`--history`
//! or the scenario's `inputs.history`) or a past day of the event, the
//! update is the level-only one, and a note says so.
//!
//! # The next days of the event window
//!
//! When today is a day of an event (closures apart), the days after it up
//! to the end of its window as the forecast models it
//! ([`crate::forecast::Windows`]: Black Friday's two weeks of follow-up
//! through Cyber Monday, a sale's week) and at most [`NEXT_DAYS_MAX`]
//! days ahead are re-estimated. Their multiplier follows today's as a
//! first-order autoregression of the day-level error over open days:
//!
//! ```text
//! θ_k − 1 = ρ^k·(θ₀ − 1) + η_k,   Var η_k = (1 − ρ^{2k})/a_k
//! E[θ_k | y]   = 1 + ρ^k·(E[θ₀ | y] − 1)
//! Var[θ_k | y] = ρ^{2k}·Var[θ₀ | y] + (1 − ρ^{2k})/a_k
//! ```
//!
//! with `a_k` the day's own prior and `ρ =` [`NEXT_DAY_CARRY`] `= ½`: half
//! of today's level error carries to the next open day, a quarter to the
//! one after. `ρ` is a chosen value, not fitted: the bundled history has
//! two or three days of each window a year, too few to estimate it; the
//! accuracy example measures what it gives. The bands are the plan's,
//! moved and rescaled as above (dispersion 1: today's morning says
//! nothing of another day's shape).
//!
//! An interval is seen when it has closed by `now` and the actuals cover
//! it whole; an interval closed without actuals is left out of both `Y`
//! and `M` (noted), as missing data, not zero.
//!
//! # Restaffing and actions
//!
//! See [`actions`]: the remaining intervals are restaffed with
//! [`crate::capacity::staffing::QueueModel::staff`] under the plan's
//! rule and compared with the plan's scheduled agents; partner agents,
//! overtime extensions and deflection are proposed cheapest first.

pub mod actions;
pub mod actuals;
pub mod noise;
pub mod shape;
pub mod update;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta};
use chrono_tz::Tz;

use crate::capacity::scenario::Goal;
use crate::capacity::{Scenario, StaffTo};
use crate::error::{Error, Result};
use crate::simulate::plan_dir::{PlanFolder, PlanInterval};

pub use actions::{Action, ActionKind};
pub use actuals::{Actuals, NowSpec, parse_now};
pub use shape::{EventContext, ShapeFix, shape_fix};
pub use update::{
    DayUpdate, Posterior, Predictive, Prior, dispersion, predictive,
    update_day,
};

/// Choices the plan folder and scenario do not make.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// When the re-forecast is made; `None`: the end of the last actual.
    pub now: Option<NowSpec>,
    /// The staffing rule (the plan's: `auto` unless it was run otherwise).
    pub staff_to: StaffTo,
    /// Notice a partner needs on the day, in seconds.
    pub partner_notice_s: f64,
    /// Most overtime per agent and day, in seconds; `None`: the
    /// scenario's `overtime.max_hours_per_day`.
    pub max_overtime_per_day_s: Option<f64>,
    /// Share of the remaining contacts sent to self-care or call-back.
    pub deflect: Option<f64>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            now: None,
            staff_to: StaffTo::Auto,
            partner_notice_s: 3600.0,
            max_overtime_per_day_s: None,
            deflect: None,
        }
    }
}

/// The re-forecast of one day.
#[derive(Clone, Debug, PartialEq)]
pub struct Reforecast {
    /// The local date.
    pub date: NaiveDate,
    /// When it was made.
    pub now: DateTime<Tz>,
    /// One entry per queue of the scenario the plan has on that date.
    pub queues: Vec<QueueDay>,
    /// The proposed actions, cheapest first per queue.
    pub actions: Vec<Action>,
    /// The plan's next days of the event window today is in, re-estimated.
    pub next_days: Vec<NextDay>,
    /// What the planner should know about how it was made.
    pub notes: Vec<String>,
}

/// One queue's day.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueDay {
    /// The queue.
    pub queue: String,
    /// Its service-level target and answer time (`None` for ASA goals).
    pub target: Option<(f64, f64)>,
    /// The prior on the day multiplier.
    pub prior: Prior,
    /// The posterior after the morning.
    pub posterior: Posterior,
    /// How the day's shape was re-weighted before the update, on an event
    /// day whose event the history has seen.
    pub shape: Option<ShapeFix>,
    /// Contacts seen in the seen intervals.
    pub seen_actual: f64,
    /// The plan's forecast of the same intervals.
    pub seen_forecast: f64,
    /// The plan's forecast of the remaining intervals.
    pub rest_plan: f64,
    /// The re-forecast of the remaining intervals.
    pub rest_forecast: f64,
    /// Expected SL of the rest of the day with the scheduled staff, on
    /// the plan's forecast.
    pub sl_plan: f64,
    /// The same on the re-forecast.
    pub sl_now: f64,
    /// The same after the proposed actions.
    pub sl_after: f64,
    /// Every interval of the day.
    pub intervals: Vec<IntervalRow>,
}

impl QueueDay {
    /// Whether the rest of the day misses the target after the actions.
    pub fn misses_target(&self) -> bool {
        self.target.is_some_and(|(sl, _)| {
            self.sl_after < sl - crate::capacity::staffing::SL_TOLERANCE
        })
    }
}

/// A day after today in the event window today is in, for one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct NextDay {
    /// The queue.
    pub queue: String,
    /// The local date.
    pub date: NaiveDate,
    /// Open days after today, `k` (1 for the next).
    pub ahead: u32,
    /// The share of today's level error carried over, `ρ^k`.
    pub carry: f64,
    /// The day's multiplier after the carry-over.
    pub posterior: Posterior,
    /// The plan's forecast of the day.
    pub plan_total: f64,
    /// The re-estimate.
    pub forecast_total: f64,
    /// Every interval of the day.
    pub intervals: Vec<NextInterval>,
}

/// One interval of a next day.
#[derive(Clone, Debug, PartialEq)]
pub struct NextInterval {
    /// Start.
    pub start: DateTime<Tz>,
    /// The plan's forecast mean, p10 and p90.
    pub plan: Predictive,
    /// The re-estimate.
    pub forecast: Predictive,
}

/// One interval of a queue's day.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalRow {
    /// Start.
    pub start: DateTime<Tz>,
    /// The actual contacts, when the interval is seen.
    pub actual: Option<f64>,
    /// Still to come at `now`.
    pub remaining: bool,
    /// The plan's forecast mean, p10 and p90.
    pub plan: Predictive,
    /// The re-forecast.
    pub forecast: Predictive,
    /// The plan's required agents on the phones.
    pub plan_required: f64,
    /// Agents the re-forecast requires (remaining intervals).
    pub required: u32,
    /// The same after deflection (equal without `--deflect`).
    pub required_after: u32,
    /// Agents on the phones the plan schedules.
    pub scheduled: f64,
    /// Overtime agents the actions add.
    pub overtime: f64,
    /// Partner agents the actions add.
    pub partner: f64,
    /// Expected SL with the scheduled staff on the re-forecast.
    pub sl: f64,
    /// Expected SL after the actions.
    pub sl_after: f64,
}

/// Parses `--deflect`: a share from 0 up to (not including) 1.
///
/// # Errors
///
/// A message for anything else.
pub fn parse_share(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..1.0).contains(&x) => Ok(x),
        _ => {
            Err(format!("expected a share from 0 to below 1, found {text:?}"))
        }
    }
}

/// Slack under a whole agent that still counts as one.
pub(crate) const AGENT_EPS: f64 = 1e-9;

/// Whole agents of a fractional count on the phones, as the plan counts
/// them.
pub(crate) use crate::capacity::plan::whole_agents as whole;

impl IntervalRow {
    /// Required agents less the scheduled ones (negative: a surplus).
    pub fn gap(&self) -> i64 {
        i64::from(self.required) - i64::from(whole(self.scheduled))
    }

    /// The gap after the actions.
    pub fn gap_after(&self) -> i64 {
        let staff = self.scheduled + self.overtime + self.partner;
        i64::from(self.required_after) - i64::from(whole(staff))
    }
}

/// Re-forecasts the day of `now` in `folder` with `scenario`'s queues and
/// rules, from `actuals`.
///
/// # Errors
///
/// [`Error::Input`] naming file and line for an actual after `now` or
/// past the plan's horizon;
/// [`Error::Usage`] when the plan has no interval that day or a queue has
/// no handle time.
pub fn reforecast(
    folder: &PlanFolder,
    scenario: &Scenario,
    actuals: &Actuals,
    options: &Options,
    context: &EventContext,
) -> Result<Reforecast> {
    let tz = scenario.horizon.tz;
    let slot_s = scenario.horizon.interval.seconds() as i64;
    let now = actuals::resolve_now(options.now, actuals, tz)?;
    let date = now.date_naive();
    let mut notes = Vec::new();
    let (first, last) = horizon(folder, tz)?;
    // A day the plan does not cover is named before anything else: it is
    // what makes the default `now` fall outside the plan.
    let outside = actuals.rows.iter().find(|r| {
        let day = r.start.date_naive();
        day < first || day > last
    });
    if let Some(row) = outside {
        let expected = format!("a day of the plan ({first} to {last})");
        return Err(actuals::future_row(actuals, row, expected));
    }
    let mut by_queue: BTreeMap<&str, Vec<&PlanInterval>> = BTreeMap::new();
    for r in &folder.intervals {
        if r.start.with_timezone(&tz).date_naive() == date {
            by_queue.entry(r.queue.as_str()).or_default().push(r);
        }
    }
    if by_queue.is_empty() {
        return Err(Error::usage(format!(
            "--now {}: the plan in {} has no interval on {date} (it runs \
             from {first} to {last})",
            now.format("%Y-%m-%d %H:%M"),
            folder.dir.display()
        )));
    }
    let seen = seen_counts(actuals, &by_queue, now, slot_s)?;
    if seen.earlier > 0 {
        notes.push(format!(
            "{}: {} interval(s) of days before {date} ignored",
            actuals.file, seen.earlier
        ));
    }
    if !seen.other_queues.is_empty() {
        let names: Vec<&str> = seen.other_queues.iter().copied().collect();
        notes.push(format!(
            "{}: queue(s) the plan does not have on {date} ignored: {}",
            actuals.file,
            names.join(", ")
        ));
    }
    let mut queues = Vec::new();
    let mut all_actions = Vec::new();
    let mut ctx = actions::Context::new(folder, scenario, options, now, date);
    for spec in &scenario.queues {
        let Some(rows) = by_queue.get_mut(spec.name.as_str()) else {
            continue;
        };
        rows.sort_by_key(|r| r.start);
        let counts = seen.counts.get(spec.name.as_str());
        let mut observed = Vec::with_capacity(rows.len());
        let mut missing = 0;
        for r in rows.iter() {
            let end = r.start + TimeDelta::seconds(slot_s);
            let got = counts.and_then(|c| c.get(&r.start.timestamp()));
            observed.push(match got {
                _ if end > now => None,
                Some(&(n, covered)) if covered >= slot_s => Some(n),
                _ => {
                    missing += 1;
                    None
                }
            });
        }
        if missing > 0 {
            notes.push(format!(
                "queue {}: {missing} interval(s) closed by {} have no \
                 complete actuals: left out of the update",
                spec.name,
                now.format("%H:%M")
            ));
        }
        let closed: Vec<bool> = rows
            .iter()
            .map(|r| r.start + TimeDelta::seconds(slot_s) <= now)
            .collect();
        let day =
            today(context, &spec.name, date, rows, &observed, &closed, tz);
        let (prior, posterior) = (day.prior, day.posterior);
        let y: f64 = observed.iter().flatten().sum();
        let m: f64 = rows
            .iter()
            .zip(&observed)
            .filter(|(_, o)| o.is_some())
            .map(|(r, _)| r.forecast)
            .sum();
        let mut intervals: Vec<IntervalRow> = rows
            .iter()
            .zip(&observed)
            .zip(&day.forecast)
            .zip(&closed)
            .map(|(((r, o), f), c)| IntervalRow {
                start: r.start.with_timezone(&tz),
                actual: *o,
                remaining: !c,
                plan: Predictive { mean: r.forecast, p10: r.p10, p90: r.p90 },
                forecast: *f,
                plan_required: r.required_agents,
                required: 0,
                required_after: 0,
                scheduled: r.scheduled_agents.unwrap_or(r.required_agents),
                overtime: 0.0,
                partner: 0.0,
                sl: 1.0,
                sl_after: 1.0,
            })
            .collect();
        let planned_partner: Vec<f64> =
            rows.iter().map(|r| r.partner_agents.unwrap_or(0.0)).collect();
        let aht = rows.iter().find_map(|r| r.aht_s);
        let outcome =
            ctx.restaff(spec, aht, &mut intervals, &planned_partner)?;
        let rest = |f: fn(&IntervalRow) -> f64| -> f64 {
            intervals.iter().filter(|i| i.remaining).map(f).sum()
        };
        queues.push(QueueDay {
            queue: spec.name.clone(),
            target: match spec.goal {
                Goal::ServiceLevel { sl, within_s } => Some((sl, within_s)),
                Goal::Asa { .. } => None,
            },
            prior,
            posterior,
            shape: day.shape.clone(),
            seen_actual: y,
            seen_forecast: m,
            rest_plan: rest(|i| i.plan.mean),
            rest_forecast: rest(|i| i.forecast.mean),
            sl_plan: outcome.sl_plan,
            sl_now: outcome.sl_now,
            sl_after: outcome.sl_after,
            intervals,
        });
        all_actions.extend(outcome.actions);
    }
    notes.extend(ctx.notes());
    notes.extend(shape_notes(context, &queues, date));
    let next_days = next_days(folder, context, &queues, date, tz);
    Ok(Reforecast {
        date,
        now,
        queues,
        actions: all_actions,
        next_days,
        notes,
    })
}

/// The update of `queue`'s `date` at `now`, the one step the command and
/// the accuracy example share: `rows` the plan's intervals of the day in
/// order, `observed[i]` the actual of `rows[i]` when seen and `closed[i]`
/// whether it had closed by `now`. On an event day the context's history
/// has seen, and once something is seen, the day's shape is re-weighted
/// first ([`shape_fix`]); then the level is updated on the (reshaped)
/// plan ([`update_day`]).
pub fn today(
    context: &EventContext,
    queue: &str,
    date: NaiveDate,
    rows: &[&PlanInterval],
    observed: &[Option<f64>],
    closed: &[bool],
    tz: Tz,
) -> DayUpdate {
    let shape = if observed.iter().any(Option::is_some) {
        context.evidence(queue, date).and_then(|evidence| {
            let plan: Vec<(DateTime<Tz>, f64, bool)> = rows
                .iter()
                .zip(closed)
                .map(|(r, &c)| (r.start.with_timezone(&tz), r.forecast, c))
                .collect();
            shape_fix(&plan, &evidence)
        })
    } else {
        None
    };
    update_day(rows, observed, closed, shape)
}

/// What the planner should know about the day's shape.
fn shape_notes(
    context: &EventContext,
    queues: &[QueueDay],
    date: NaiveDate,
) -> Vec<String> {
    let mut notes = Vec::new();
    let events: Vec<&str> = context
        .calendar()
        .on(date)
        .filter(|e| e.kind != crate::calendar::EventKind::Closure)
        .map(|e| e.name.as_str())
        .collect();
    if events.is_empty() || queues.iter().all(|q| q.seen_forecast <= 0.0) {
        return notes;
    }
    let Some(history) = &context.history else {
        notes.push(format!(
            "{date} is an event day ({}) but no history was read (--history, \
             or the scenario's inputs.history): the update keeps the plan's \
             intraday shape and moves only the level",
            events.join(", ")
        ));
        return notes;
    };
    for q in queues.iter().filter(|q| q.seen_forecast > 0.0) {
        match &q.shape {
            Some(f) if f.weight == 0.0 && f.profile_weight == (0.0, 0.0) => {
                notes.push(format!(
                    "queue {}: {} {} past day(s) in {history} put {:.1} % of \
                 the day before now, within their noise of the plan's \
                 {:.1} %: the plan's shape is kept",
                    q.queue,
                    f.label,
                    f.days,
                    100.0 * f.share_past,
                    100.0 * f.share_plan,
                ))
            }
            Some(f) => notes.push(format!(
                "queue {}: {} {} past day(s) in {history} put {:.1} % of \
                 the day before now where the plan puts {:.1} %: the plan's \
                 shape is re-weighted to {:.1} % (credibility {:.2}), and \
                 its profile within the morning and the rest of the day \
                 toward theirs (credibility {:.2} and {:.2})",
                q.queue,
                f.label,
                f.days,
                100.0 * f.share_past,
                100.0 * f.share_plan,
                100.0 * f.share,
                f.weight,
                f.profile_weight.0,
                f.profile_weight.1,
            )),
            None if context.evidence(&q.queue, date).is_none() => {
                notes.push(format!(
                    "queue {}: {history} has no earlier day of today's \
                     event or its kind: the plan's intraday shape is kept",
                    q.queue
                ))
            }
            None => {}
        }
    }
    notes
}

/// Open days of the event window after today a morning's level carries
/// to at most, in calendar days.
pub const NEXT_DAYS_MAX: i64 = 7;

/// The share `ρ` of today's level error that carries to the next open
/// day of the same event window (`ρ^k` to the `k`-th).
pub const NEXT_DAY_CARRY: f64 = 0.5;

/// The days after today in the event window, per queue, from the plan
/// folder's intervals ([`next_days_of`]).
fn next_days(
    folder: &PlanFolder,
    context: &EventContext,
    queues: &[QueueDay],
    date: NaiveDate,
    tz: Tz,
) -> Vec<NextDay> {
    let mut out = Vec::new();
    for q in queues {
        let dates = context.window_after(&q.queue, date, NEXT_DAYS_MAX);
        if dates.is_empty() {
            continue;
        }
        let mut by_day: BTreeMap<NaiveDate, Vec<&PlanInterval>> =
            BTreeMap::new();
        for r in folder.intervals.iter().filter(|r| r.queue == q.queue) {
            let d = r.start.with_timezone(&tz).date_naive();
            if dates.contains(&d) {
                by_day.entry(d).or_default().push(r);
            }
        }
        let rows_of = |d: NaiveDate| by_day.get(&d).cloned();
        out.extend(next_days_of(
            context,
            &q.queue,
            date,
            &q.posterior,
            rows_of,
            tz,
        ));
    }
    out
}

/// The days after `date` in `queue`'s event window
/// ([`EventContext::window_after`], at most [`NEXT_DAYS_MAX`] days), each
/// re-estimated by [`next_day`] from today's posterior `today`, with
/// `rows_of(d)` the plan's intervals of day `d` (`None`: the plan does not
/// have it). `k` counts the open days (a plan forecast above zero) after
/// today, so a closed Sunday does not use up a step of the carry-over.
/// The command and the accuracy example both call this.
pub fn next_days_of<'a>(
    context: &EventContext,
    queue: &str,
    date: NaiveDate,
    today: &Posterior,
    rows_of: impl Fn(NaiveDate) -> Option<Vec<&'a PlanInterval>>,
    tz: Tz,
) -> Vec<NextDay> {
    let mut out = Vec::new();
    let mut ahead = 0;
    for d in context.window_after(queue, date, NEXT_DAYS_MAX) {
        let Some(mut rows) = rows_of(d) else { continue };
        rows.sort_by_key(|r| r.start);
        if let Some(day) = next_day(queue, d, ahead + 1, &rows, today, tz) {
            ahead += 1;
            out.push(day);
        }
    }
    out
}

/// The day `date`, `ahead` open days after today, of plan intervals `rows`
/// (in order): its multiplier carried over from today's posterior `today`
/// by [`update::carry_over`] with `ρ =` [`NEXT_DAY_CARRY`] and its own
/// prior ([`Prior::of_day`]), and each interval's band moved and rescaled
/// as today's are ([`predictive`]). `None` when the plan has no contacts
/// that day (a closed day).
pub fn next_day(
    queue: &str,
    date: NaiveDate,
    ahead: u32,
    rows: &[&PlanInterval],
    today: &Posterior,
    tz: Tz,
) -> Option<NextDay> {
    let plan_total: f64 = rows.iter().map(|r| r.forecast).sum();
    if plan_total <= 0.0 {
        return None;
    }
    let prior = Prior::of_day(rows);
    let post = update::carry_over(today, &prior, NEXT_DAY_CARRY, ahead);
    let intervals: Vec<NextInterval> = rows
        .iter()
        .map(|r| NextInterval {
            start: r.start.with_timezone(&tz),
            plan: Predictive { mean: r.forecast, p10: r.p10, p90: r.p90 },
            forecast: predictive(r.forecast, r.p10, r.p90, &prior, &post),
        })
        .collect();
    Some(NextDay {
        queue: queue.to_string(),
        date,
        ahead,
        carry: NEXT_DAY_CARRY.powi(ahead as i32),
        posterior: post,
        plan_total,
        forecast_total: intervals.iter().map(|i| i.forecast.mean).sum(),
        intervals,
    })
}

/// First and last local dates of the plan.
fn horizon(folder: &PlanFolder, tz: Tz) -> Result<(NaiveDate, NaiveDate)> {
    let dates = folder.intervals.iter().map(|r| r.start.with_timezone(&tz));
    let (lo, hi) = dates.fold((None, None), |(lo, hi), d| {
        let d = d.date_naive();
        (
            Some(lo.map_or(d, |l: NaiveDate| l.min(d))),
            Some(hi.map_or(d, |h: NaiveDate| h.max(d))),
        )
    });
    lo.zip(hi).ok_or_else(|| {
        Error::usage(format!(
            "{}: intervals.csv has no interval",
            folder.dir.display()
        ))
    })
}

/// Actual counts of today by queue and plan interval start (Unix
/// seconds): `(contacts, seconds covered)`.
struct Seen<'a> {
    counts: BTreeMap<&'a str, BTreeMap<i64, (f64, i64)>>,
    earlier: usize,
    other_queues: std::collections::BTreeSet<&'a str>,
}

fn seen_counts<'a>(
    actuals: &'a Actuals,
    plan: &BTreeMap<&str, Vec<&PlanInterval>>,
    now: DateTime<Tz>,
    slot_s: i64,
) -> Result<Seen<'a>> {
    let date = now.date_naive();
    let mut seen = Seen {
        counts: BTreeMap::new(),
        earlier: 0,
        other_queues: Default::default(),
    };
    for row in &actuals.rows {
        let day = row.start.date_naive();
        let end = row.start + TimeDelta::seconds(row.len_s);
        if end > now {
            let expected = format!(
                "an interval that ended by --now {}",
                now.format("%Y-%m-%d %H:%M")
            );
            return Err(actuals::future_row(actuals, row, expected));
        }
        if day < date {
            seen.earlier += 1;
            continue;
        }
        let Some(rows) = plan.get(row.queue.as_str()) else {
            seen.other_queues.insert(row.queue.as_str());
            continue;
        };
        if row.len_s > slot_s {
            return Err(Error::usage(format!(
                "{}: its intervals are {} minutes, longer than the plan's \
                 {}: give actuals at the plan's interval or finer",
                actuals.file,
                row.len_s / 60,
                slot_s / 60
            )));
        }
        let t = row.start.timestamp();
        let slot = rows
            .iter()
            .map(|r| r.start.timestamp())
            .find(|&s| s <= t && t < s + slot_s);
        if let Some(s) = slot {
            let e = seen.counts.entry(row.queue.as_str()).or_default();
            let c = e.entry(s).or_insert((0.0, 0));
            c.0 += row.volume;
            c.1 += row.len_s;
        }
    }
    Ok(seen)
}
