//! What past event days say about today's: the share of an event day's
//! contacts that comes before `now`, learned from the history's days of
//! the same event (or kind), and the split of the plan's forecast into a
//! shape error and a level error (the formulas are in the
//! [module doc](super)). Also the event windows, for the next days of
//! the one today is in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;

use crate::calendar::{Calendar, Event, EventKind, name_key};
use crate::capacity::Scenario;
use crate::capacity::plan::plan_days;
use crate::error::Result;
use crate::forecast::Windows;
use crate::inputs::history::{self, History, HistoryOptions};

/// Longest event (days from first to last, exclusive) whose days get a
/// shape of their own: the forecast's rule for event-day profiles.
const SHORT_EVENT_DAYS: i64 = 3;

/// How a past day relates to an event: the event's name key, or its kind,
/// and the day's offset from the event's first day.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tag {
    Name(String, i64),
    Kind(EventKind, i64),
}

/// One past event day of a queue: its contacts by local minute of day.
#[derive(Clone, Debug, PartialEq)]
struct PastDay {
    date: NaiveDate,
    tags: Vec<Tag>,
    volume: BTreeMap<u16, f64>,
}

/// The calendar of the plan's days and the event days of the history.
#[derive(Clone, Debug)]
pub struct EventContext {
    calendar: Calendar,
    past: BTreeMap<String, Vec<PastDay>>,
    /// The history the past days come from, `None` when none was read.
    pub history: Option<String>,
}

/// The tags of `date` for `queue`'s short events in `calendar`.
fn tags(calendar: &Calendar, queue: &str, date: NaiveDate) -> Vec<Tag> {
    let mut tags = Vec::new();
    for e in calendar.on(date).filter(|e| short(e) && e.applies_to(queue)) {
        let d = (date - e.start).num_days();
        tags.push(Tag::Name(name_key(&e.name), d));
        // A jour férié kept open has its own hours: by name only.
        if e.kind != EventKind::Closure {
            tags.push(Tag::Kind(e.kind, d));
        }
    }
    tags.sort();
    tags.dedup();
    tags
}

fn short(e: &Event) -> bool {
    (e.end - e.start).num_days() < SHORT_EVENT_DAYS
}

impl EventContext {
    /// The context of `scenario`'s plan: its calendar (built-in days and
    /// events files) over the plan's years and the history's, and the
    /// short-event days of the history. The history is `explicit`, else
    /// the scenario's `inputs.history` when that file exists; without one
    /// the context has no past days (and says so in
    /// [`EventContext::history`]).
    ///
    /// # Errors
    ///
    /// Reading errors of the events files, of an `explicit` history, or
    /// of the scenario's when it exists.
    pub fn load(
        scenario: &Scenario,
        explicit: Option<&Path>,
    ) -> Result<EventContext> {
        let path: Option<PathBuf> = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => scenario.inputs.history.clone().filter(|p| p.is_file()),
        };
        let history = match &path {
            Some(p) => {
                let opts = HistoryOptions {
                    tz: scenario.horizon.tz,
                    interval: Some(scenario.horizon.interval),
                    ..HistoryOptions::default()
                };
                Some(history::read(p, &opts)?)
            }
            None => None,
        };
        let (first, last) = plan_days(scenario);
        let mut years = (first.year(), last.year() + 1);
        if let Some(h) = &history {
            let starts = h.queues.iter().filter_map(|q| q.slots.first());
            for s in starts {
                years.0 = years.0.min(s.start.year());
            }
        }
        let calendar = crate::pipeline::scenario_calendar_over(
            scenario,
            years.0..=years.1,
        )?;
        Ok(EventContext::new(calendar, history.as_ref()))
    }

    /// The context of `calendar` and the short-event days of `history`.
    pub fn new(calendar: Calendar, history: Option<&History>) -> EventContext {
        let mut past: BTreeMap<String, Vec<PastDay>> = BTreeMap::new();
        for q in history.iter().flat_map(|h| &h.queues) {
            let days = past.entry(q.name.clone()).or_default();
            let mut i = 0;
            while i < q.slots.len() {
                let date = q.slots[i].start.date_naive();
                let end = q.slots[i..]
                    .iter()
                    .position(|s| s.start.date_naive() != date)
                    .map_or(q.slots.len(), |n| i + n);
                let tags = tags(&calendar, &q.name, date);
                if !tags.is_empty() {
                    let mut volume = BTreeMap::new();
                    for s in &q.slots[i..end] {
                        *volume.entry(minute(&s.start)).or_default() +=
                            s.volume;
                    }
                    days.push(PastDay { date, tags, volume });
                }
                i = end;
            }
        }
        EventContext {
            calendar,
            past,
            history: history.map(|h| h.source.clone()),
        }
    }

    /// The calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The past days (strictly before `date`) that share an event day
    /// with `queue`'s `date`: those of the same event and day of it when
    /// there are any, else those of the same kind and day. `None` when
    /// there are none or `date` is no short event's day.
    pub fn evidence(
        &self,
        queue: &str,
        date: NaiveDate,
    ) -> Option<Evidence<'_>> {
        let today = tags(&self.calendar, queue, date);
        let past = self.past.get(queue)?;
        let before = || past.iter().filter(|d| d.date < date);
        let names: Vec<&Tag> =
            today.iter().filter(|t| matches!(t, Tag::Name(..))).collect();
        let kinds: Vec<&Tag> =
            today.iter().filter(|t| matches!(t, Tag::Kind(..))).collect();
        let pick = |want: &[&Tag]| -> Vec<Shares> {
            before()
                .filter(|d| d.tags.iter().any(|t| want.contains(&t)))
                .map(|d| Shares { date: d.date, volume: &d.volume })
                .collect()
        };
        let by_name = pick(&names);
        let (days, by) = if by_name.is_empty() {
            (pick(&kinds), "kind")
        } else {
            (by_name, "event")
        };
        if days.is_empty() {
            return None;
        }
        let events: Vec<&str> = self
            .calendar
            .on(date)
            .filter(|e| short(e) && e.applies_to(queue))
            .map(|e| e.name.as_str())
            .collect();
        Some(Evidence {
            label: format!("{} (by {by})", events.join(" | ")),
            days,
        })
    }

    /// The days after `date` in the window of the events covering
    /// `queue`'s `date` (closures apart), as the forecast models their
    /// effects ([`Windows`]' default days after an event's last day:
    /// Black Friday's two weeks of follow-up, a sale's week), at most
    /// `max_days` days ahead. Empty on a day of no event.
    pub fn window_after(
        &self,
        queue: &str,
        date: NaiveDate,
        max_days: i64,
    ) -> Vec<NaiveDate> {
        let windows = Windows::default();
        let end = self
            .calendar
            .on(date)
            .filter(|e| e.kind != EventKind::Closure && e.applies_to(queue))
            .map(|e| e.end + chrono::Days::new(u64::from(windows.of(e).after)))
            .max();
        let Some(end) = end else { return vec![] };
        let limit = date + chrono::Days::new(max_days.max(0) as u64);
        let end = end.min(limit);
        date.iter_days().skip(1).take_while(|d| *d <= end).collect()
    }
}

/// Local minute of the day of `t`.
fn minute(t: &chrono::DateTime<Tz>) -> u16 {
    (t.hour() * 60 + t.minute()) as u16
}

/// One past day's contacts by local minute.
#[derive(Clone, Debug)]
pub struct Shares<'a> {
    /// Its date.
    pub date: NaiveDate,
    volume: &'a BTreeMap<u16, f64>,
}

/// The past days that tell about today's shape.
#[derive(Clone, Debug)]
pub struct Evidence<'a> {
    /// Today's events and whether the days are of the same event or kind.
    pub label: String,
    /// The past days.
    pub days: Vec<Shares<'a>>,
}

/// The split of the plan's forecast of a day into the part before `now`
/// and the part after, re-weighted to the past event days' split.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeFix {
    /// Today's events and how the past days were matched.
    pub label: String,
    /// Past days used, `n`.
    pub days: usize,
    /// Their credibility `w = τ²/(τ² + v/n)`.
    pub weight: f64,
    /// The plan's share of the day before `now`, `s_p`.
    pub share_plan: f64,
    /// The past days' mean share of the same intervals, `s̄`.
    pub share_past: f64,
    /// The share used, `s = s_p + w·(s̄ − s_p)`.
    pub share: f64,
    /// The factor on the plan's intervals before `now`, `g₋ = s/s_p`.
    pub before: f64,
    /// The factor on those after, `g₊ = (1 − s)/(1 − s_p)`.
    pub after: f64,
    /// Within each part, each interval's factor `h` re-weighting the
    /// plan's profile toward the past days' (in the plan's order; 1
    /// where the credibility is 0).
    pub profile: Vec<f64>,
    /// The credibility of the past days' profile of the part before
    /// `now` and of the part after.
    pub profile_weight: (f64, f64),
}

impl ShapeFix {
    /// The factor on the `i`-th interval, `before` `now` or not: its
    /// part's `g` times its own `h`.
    pub fn factor(&self, i: usize, before: bool) -> f64 {
        let h = self.profile.get(i).copied().unwrap_or(1.0);
        h * if before { self.before } else { self.after }
    }
}

/// The plan's profile of one part of the day (the intervals whose closed
/// flag is `part`) re-weighted toward the past days' profile of the same
/// intervals, by one credibility for the whole part (the positive-part
/// James–Stein rule, by the method of moments as for the split): with
/// `π_i` the plan's share of interval `i` within the part, `p̄_i` the
/// past days' mean share and `v_i` the noise variance of `p̄_i`
/// (`max(mean binomial, sample variance)/n`, as for the split),
///
/// ```text
/// τ² = max(0, Σ (p̄_i − π_i)² − Σ v_i),   w = τ²/(τ² + Σ v_i)
/// q_i = π_i + w·(p̄_i − π_i),   h_i = q_i/π_i
/// ```
///
/// so a profile the past days match up to their noise is kept whole.
/// Returns the factors (1 outside the part and where the plan has no
/// contacts) and `w`.
fn part_profile(
    plan: &[(chrono::DateTime<Tz>, f64, bool)],
    part: bool,
    evidence: &Evidence<'_>,
    factors: &mut [f64],
) -> f64 {
    let idx: Vec<usize> = (0..plan.len())
        .filter(|&i| plan[i].2 == part && plan[i].1 > 0.0)
        .collect();
    let total: f64 = idx.iter().map(|&i| plan[i].1).sum();
    if idx.len() < 2 || total <= 0.0 {
        return 0.0;
    }
    let days: Vec<(Vec<f64>, f64)> = evidence
        .days
        .iter()
        .filter_map(|d| {
            let v: Vec<f64> = idx
                .iter()
                .map(|&i| {
                    d.volume.get(&minute(&plan[i].0)).copied().unwrap_or(0.0)
                })
                .collect();
            let n: f64 = v.iter().sum();
            (n > 0.0).then(|| (v.iter().map(|x| x / n).collect(), n))
        })
        .collect();
    if days.is_empty() {
        return 0.0;
    }
    let n = days.len() as f64;
    let (mut gap2, mut noise) = (0.0, 0.0);
    let mut past = Vec::with_capacity(idx.len());
    for (k, &i) in idx.iter().enumerate() {
        let pi = plan[i].1 / total;
        let mean = days.iter().map(|d| d.0[k]).sum::<f64>() / n;
        let binomial =
            days.iter().map(|d| d.0[k] * (1.0 - d.0[k]) / d.1).sum::<f64>()
                / n;
        let spread = if days.len() > 1 {
            days.iter().map(|d| (d.0[k] - mean).powi(2)).sum::<f64>()
                / (n - 1.0)
        } else {
            0.0
        };
        gap2 += (mean - pi).powi(2);
        noise += binomial.max(spread) / n;
        past.push((pi, mean));
    }
    let tau2 = (gap2 - noise).max(0.0);
    let w = if tau2 > 0.0 { tau2 / (tau2 + noise) } else { 0.0 };
    if w == 0.0 {
        return 0.0;
    }
    for (&i, &(pi, mean)) in idx.iter().zip(&past) {
        factors[i] = (pi + w * (mean - pi)) / pi;
    }
    w
}

/// The shape fix of a day whose plan intervals are `(start, mean, closed
/// by now)`, from `evidence`: `None` when nothing of the day has closed
/// or is left, or no past day has contacts in the day's intervals.
pub fn shape_fix(
    plan: &[(chrono::DateTime<Tz>, f64, bool)],
    evidence: &Evidence<'_>,
) -> Option<ShapeFix> {
    let total: f64 = plan.iter().map(|p| p.1).sum();
    let before: f64 = plan.iter().filter(|p| p.2).map(|p| p.1).sum();
    if total <= 0.0 || before <= 0.0 || before >= total {
        return None;
    }
    let share_plan = before / total;
    // Each past day's share of the same intervals, and the binomial
    // variance of that share given the day's contacts.
    let shares: Vec<(f64, f64)> = evidence
        .days
        .iter()
        .filter_map(|d| {
            let mut all = 0.0;
            let mut early = 0.0;
            for &(t, _, closed) in plan {
                let v = d.volume.get(&minute(&t)).copied().unwrap_or(0.0);
                all += v;
                if closed {
                    early += v;
                }
            }
            (all > 0.0).then(|| {
                let s = early / all;
                (s, s * (1.0 - s) / all)
            })
        })
        .collect();
    if shares.is_empty() {
        return None;
    }
    let n = shares.len() as f64;
    let share_past = shares.iter().map(|p| p.0).sum::<f64>() / n;
    let binomial = shares.iter().map(|p| p.1).sum::<f64>() / n;
    let spread = if shares.len() > 1 {
        let ss: f64 = shares.iter().map(|p| (p.0 - share_past).powi(2)).sum();
        ss / (n - 1.0)
    } else {
        0.0
    };
    let v = binomial.max(spread);
    let tau2 = ((share_past - share_plan).powi(2) - v / n).max(0.0);
    let weight = if tau2 > 0.0 { tau2 / (tau2 + v / n) } else { 0.0 };
    let share = share_plan + weight * (share_past - share_plan);
    let mut profile = vec![1.0; plan.len()];
    let profile_weight = (
        part_profile(plan, true, evidence, &mut profile),
        part_profile(plan, false, evidence, &mut profile),
    );
    Some(ShapeFix {
        label: evidence.label.clone(),
        days: shares.len(),
        weight,
        share_plan,
        share_past,
        share,
        before: share / share_plan,
        after: (1.0 - share) / (1.0 - share_plan),
        profile,
        profile_weight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarChoice;
    use crate::reforecast::update::update_day;
    use crate::simulate::plan_dir::PlanInterval;
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 11, d).unwrap()
    }

    /// A plan of ten half-hours from 09:00 and, as the truth, the same
    /// shape with the first four intervals 30 % heavier (renormalised).
    fn plan_and_truth() -> (Vec<PlanInterval>, Vec<f64>) {
        let shape = [4.0, 8.0, 10.0, 9.0, 7.0, 6.0, 8.0, 9.0, 6.0, 3.0];
        let total = 3000.0;
        let sum: f64 = shape.iter().sum();
        let plan: Vec<PlanInterval> = shape
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let m = total * w / sum;
                let sd = (m + 0.01 * m * m).sqrt();
                PlanInterval {
                    start: Paris
                        .with_ymd_and_hms(2025, 11, 28, 9, 0, 0)
                        .unwrap()
                        .fixed_offset()
                        + chrono::TimeDelta::minutes(30 * i as i64),
                    queue: "q".into(),
                    forecast: m,
                    p10: (m - 1.28 * sd).max(0.0),
                    p90: m + 1.28 * sd,
                    aht_s: Some(300.0),
                    required_agents: 0.0,
                    scheduled_agents: None,
                    own_agents: None,
                    partner_agents: None,
                    line: 0,
                }
            })
            .collect();
        let bent: Vec<f64> = shape
            .iter()
            .enumerate()
            .map(|(i, w)| if i < 4 { 1.3 * w } else { *w })
            .collect();
        let bsum: f64 = bent.iter().sum();
        let truth = bent.iter().map(|w| total * w / bsum).collect();
        (plan, truth)
    }

    fn evidence<'a>(volumes: &'a [BTreeMap<u16, f64>]) -> Evidence<'a> {
        Evidence {
            label: "test".into(),
            days: volumes
                .iter()
                .map(|v| Shares { date: day(1), volume: v })
                .collect(),
        }
    }

    fn by_minute(plan: &[PlanInterval], v: &[f64]) -> BTreeMap<u16, f64> {
        plan.iter()
            .zip(v)
            .map(|(p, &x)| (minute(&p.start.with_timezone(&Paris)), x))
            .collect()
    }

    /// The plan as `shape_fix` reads it, closed before interval `now`.
    fn cut_at(
        plan: &[PlanInterval],
        now: usize,
    ) -> Vec<(chrono::DateTime<Tz>, f64, bool)> {
        plan.iter()
            .enumerate()
            .map(|(i, p)| (p.start.with_timezone(&Paris), p.forecast, i < now))
            .collect()
    }

    #[test]
    fn the_fix_is_the_credibility_blend_of_the_two_shares() {
        let (plan, truth) = plan_and_truth();
        let now = 4;
        let cut = cut_at(&plan, now);
        let past = [by_minute(&plan, &truth)];
        let fix = shape_fix(&cut, &evidence(&past)).unwrap();
        let total: f64 = plan.iter().map(|p| p.forecast).sum();
        let sp: f64 =
            plan[..now].iter().map(|p| p.forecast).sum::<f64>() / total;
        let st: f64 = truth[..now].iter().sum::<f64>() / total;
        assert!((fix.share_plan - sp).abs() < 1e-12);
        assert!((fix.share_past - st).abs() < 1e-12);
        // One past day: v is the binomial variance of its share, τ² what
        // the gap to the plan's share has beyond it.
        let v = st * (1.0 - st) / 3000.0;
        let tau2 = (st - sp).powi(2) - v;
        let w = tau2 / (tau2 + v);
        assert!((fix.weight - w).abs() < 1e-12 && w > 0.9, "{fix:?}");
        assert!((fix.share - (sp + w * (st - sp))).abs() < 1e-12);
        // The day's total is kept: only the split moves.
        let moved = fix.before * sp + fix.after * (1.0 - sp);
        assert!((moved - 1.0).abs() < 1e-12, "{fix:?}");
        assert!(fix.before > 1.0 && fix.after < 1.0);
        // Nothing closed yet, or the whole day: no fix.
        let none: Vec<_> = cut.iter().map(|c| (c.0, c.1, false)).collect();
        assert!(shape_fix(&none, &evidence(&past)).is_none());
        let all: Vec<_> = cut.iter().map(|c| (c.0, c.1, true)).collect();
        assert!(shape_fix(&all, &evidence(&past)).is_none());
        // Past days whose share is the plan's up to their noise: no move.
        let means: Vec<f64> = plan.iter().map(|p| p.forecast).collect();
        let mut near = means.clone();
        near[0] += 5.0;
        let past = [by_minute(&plan, &near), by_minute(&plan, &means)];
        let fix = shape_fix(&cut, &evidence(&past)).unwrap();
        assert_eq!((fix.weight, fix.before, fix.after), (0.0, 1.0, 1.0));
    }

    /// A day on its level whose morning runs 30 % above the plan's shape:
    /// the level-only update reads the morning as a higher day and
    /// over-forecasts the afternoon; with past days of that shape the
    /// update recovers the level and the afternoon.
    #[test]
    fn a_known_shape_error_is_recovered() {
        let (plan, truth) = plan_and_truth();
        let refs: Vec<&PlanInterval> = plan.iter().collect();
        let now = 4;
        let closed: Vec<bool> = (0..plan.len()).map(|i| i < now).collect();
        let observed: Vec<Option<f64>> =
            truth.iter().zip(&closed).map(|(&y, &c)| c.then_some(y)).collect();
        let cut: Vec<_> = plan
            .iter()
            .zip(&closed)
            .map(|(p, &c)| (p.start.with_timezone(&Paris), p.forecast, c))
            .collect();
        let past = vec![by_minute(&plan, &truth); 40];
        let fix = shape_fix(&cut, &evidence(&past)).unwrap();
        let level_only = update_day(&refs, &observed, &closed, None);
        let shaped = update_day(&refs, &observed, &closed, Some(fix));
        let rest_truth: f64 = truth[now..].iter().sum();
        let rest = |u: &crate::reforecast::DayUpdate| -> f64 {
            u.forecast[now..].iter().map(|p| p.mean).sum()
        };
        let err_level = rest(&level_only) / rest_truth - 1.0;
        let err_shaped = rest(&shaped) / rest_truth - 1.0;
        assert!(err_level > 0.08, "{err_level}");
        assert!(err_shaped.abs() < 0.01, "{err_shaped}");
        assert!((shaped.posterior.mean - 1.0).abs() < 0.01, "{shaped:?}");
        // A single past day: a gap this far above its noise is trusted
        // almost whole.
        let one = shape_fix(&cut, &evidence(&past[..1]));
        let one = update_day(&refs, &observed, &closed, one);
        let err_one = rest(&one) / rest_truth - 1.0;
        assert!(err_one.abs() < 0.02, "{err_one}");
    }

    /// Past days whose afternoon leans later than the plan's, with the
    /// plan's split: the afternoon profile is re-weighted by the
    /// James–Stein credibility, the split and the morning stay.
    #[test]
    fn the_profile_within_a_part_is_the_credibility_blend() {
        let (plan, _) = plan_and_truth();
        let now = 4;
        let cut = cut_at(&plan, now);
        let means: Vec<f64> = plan.iter().map(|p| p.forecast).collect();
        let rest: f64 = means[now..].iter().sum();
        // Move a fifth of the 13:00 contacts to 13:30, keeping the total.
        let mut late = means.clone();
        late[8] -= 0.2 * means[8];
        late[9] += 0.2 * means[8];
        let past = [by_minute(&plan, &late), by_minute(&plan, &late)];
        let fix = shape_fix(&cut, &evidence(&past)).unwrap();
        assert_eq!((fix.before, fix.after), (1.0, 1.0), "{fix:?}");
        let (w_before, w) = fix.profile_weight;
        assert_eq!(w_before, 0.0);
        // Two identical days: v is the binomial variance alone.
        let (mut gap2, mut noise) = (0.0, 0.0);
        for i in now..plan.len() {
            let (pi, p) = (means[i] / rest, late[i] / rest);
            gap2 += (p - pi).powi(2);
            noise += p * (1.0 - p) / rest / 2.0;
        }
        let tau2 = gap2 - noise;
        assert!((w - tau2 / (tau2 + noise)).abs() < 1e-12, "{w}");
        assert!(w > 0.8, "{w}");
        for i in 0..plan.len() {
            let want = if i < now {
                1.0
            } else {
                let pi = means[i] / rest;
                (pi + w * (late[i] / rest - pi)) / pi
            };
            assert!((fix.factor(i, i < now) - want).abs() < 1e-12, "{i}");
        }
        // The reshaped rest keeps its total.
        let moved: f64 =
            (now..plan.len()).map(|i| means[i] * fix.factor(i, false)).sum();
        assert!((moved - rest).abs() < 1e-9 * rest);
        // Past days with the plan's own profile: nothing moves.
        let same = [by_minute(&plan, &means)];
        let fix = shape_fix(&cut, &evidence(&same)).unwrap();
        assert_eq!(fix.profile_weight, (0.0, 0.0));
        assert!((0..plan.len()).all(|i| fix.factor(i, i < now) == 1.0));
    }

    #[test]
    fn an_event_s_window_runs_over_its_days_after() {
        let cal =
            Calendar::build(CalendarChoice::Fr, 2025..=2026, vec![]).unwrap();
        let ctx = EventContext::new(cal, None);
        let dec = |d| NaiveDate::from_ymd_opt(2025, 12, d).unwrap();
        // Black Friday's two weeks of follow-up, capped: Saturday to the
        // Friday after, Cyber Monday among them.
        let bf = ctx.window_after("q", day(28), NEXT_DAYS);
        assert_eq!(bf.len(), NEXT_DAYS as usize);
        assert_eq!((bf[0], bf[3]), (day(29), dec(2)));
        assert!(bf.contains(&dec(1)));
        assert_eq!(
            ctx.window_after("q", day(28), 3),
            [day(29), day(30), dec(1)]
        );
        // An ordinary day and a closure have none.
        assert!(ctx.window_after("q", day(12), NEXT_DAYS).is_empty());
        assert!(ctx.window_after("q", dec(25), NEXT_DAYS).is_empty());
        // Saint-Valentin, a holiday: its two days after.
        let feb = |d| NaiveDate::from_ymd_opt(2026, 2, d).unwrap();
        assert_eq!(
            ctx.window_after("q", feb(14), NEXT_DAYS),
            [feb(15), feb(16)]
        );
        // No history: no past days.
        assert!(ctx.evidence("q", day(28)).is_none());
    }

    const NEXT_DAYS: i64 = crate::reforecast::NEXT_DAYS_MAX;
}
