//! The rest of the day restaffed, and what to change, cheapest first.
//!
//! * **Restaffing**: every remaining interval is staffed for its
//!   re-forecast volume (mean, p10, p90) by the plan's rule,
//!   [`QueueModel::staff`] (Erlang C or A, the plan's occupancy cap);
//!   the new gap is those agents less the plan's scheduled agents on the
//!   phones (`scheduled_agents`, else `required_agents`), in whole
//!   agents. The expected service level of the rest of the day is the
//!   call-weighted mean of [`QueueModel::expected_sl`] over the remaining
//!   intervals, at the whole agents on the phones.
//! * **Deflection** (`--deflect SHARE`, not priced): that share of the
//!   remaining contacts goes to self-care or a call-back; the intervals
//!   are restaffed on what is left.
//! * **Overtime**: today's in-house shifts of `shifts.csv` that end at or
//!   after `now` are extended, earliest end first, while the interval
//!   after the shift is short, for at most the daily cap per agent
//!   (`--max-overtime-per-day`); the agents staying never exceed the
//!   shift's on the phones and never grow along the extension (people
//!   leave, none come back). Priced at the team's hourly cost times the
//!   overtime premium per paid hour (on the phones / (1 − shrinkage)).
//! * **Partner**, for a level-1 queue the partner serves: whole agents
//!   from the first interval starting at least the notice after `now`
//!   (`--partner-notice`), at most `max_fte·(1 − shrinkage)` on the
//!   phones at once, less the plan's partner agents of the interval and
//!   those already proposed to other queues. Priced at the partner's
//!   hourly price per paid hour.
//!
//! Overtime and partners are applied in order of their hourly price, each
//! on the gap the previous left; each action reports the rest-of-day
//! service level before and after it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta};
use chrono_tz::Tz;
use serde::Serialize;

use super::{AGENT_EPS, IntervalRow, Options, Predictive, whole};
use crate::capacity::scenario::QueueSpec;
use crate::capacity::staffing::{QueueModel, VolumeDist};
use crate::capacity::{Scenario, StaffTo};
use crate::error::{Error, Result};
use crate::simulate::plan_dir::{PlanFolder, PlanShift, ShiftSource};

/// What an action changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Self-care or call-back deflection of a share of the contacts.
    Deflection,
    /// Today's in-house shifts extended.
    Overtime,
    /// Partner agents called in.
    Partner,
}

impl ActionKind {
    /// The name the reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Deflection => "deflection",
            ActionKind::Overtime => "overtime",
            ActionKind::Partner => "partner",
        }
    }
}

/// One proposed change to the rest of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// The queue.
    pub queue: String,
    /// What it changes.
    pub kind: ActionKind,
    /// Who: the partner's name, `in-house`, or `self-care`.
    pub source: String,
    /// First interval it covers.
    pub from: DateTime<Tz>,
    /// End of the last interval it covers.
    pub to: DateTime<Tz>,
    /// Most agents it adds on the phones at once (deflection: agents it
    /// saves).
    pub peak_agents: f64,
    /// Agent-hours on the phones it adds (deflection: saves).
    pub agent_hours: f64,
    /// Paid hours (on the phones / (1 − shrinkage)).
    pub paid_hours: f64,
    /// Its cost, when priced.
    pub cost: Option<f64>,
    /// Expected SL of the rest of the day before it.
    pub sl_before: f64,
    /// And after it (with the actions before it).
    pub sl_after: f64,
    /// What to do, in words.
    pub detail: String,
}

/// What restaffing a queue gives.
pub(crate) struct Outcome {
    pub sl_plan: f64,
    pub sl_now: f64,
    pub sl_after: f64,
    pub actions: Vec<Action>,
}

/// The day's rules and what is already proposed.
pub(crate) struct Context<'a> {
    scenario: &'a Scenario,
    options: &'a Options,
    now: DateTime<Tz>,
    shifts: Option<Vec<&'a PlanShift>>,
    /// Partner agents proposed so far: (partner, interval start) → agents.
    partner_used: BTreeMap<(usize, i64), f64>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        folder: &'a PlanFolder,
        scenario: &'a Scenario,
        options: &'a Options,
        now: DateTime<Tz>,
        date: NaiveDate,
    ) -> Context<'a> {
        let shifts = folder.shifts.as_ref().map(|s| {
            s.iter()
                .filter(|s| s.date == date && s.source == ShiftSource::InHouse)
                .collect()
        });
        Context {
            scenario,
            options,
            now,
            shifts,
            partner_used: BTreeMap::new(),
        }
    }

    /// Most overtime per agent and day, in seconds: the option, else the
    /// scenario's daily cap.
    fn overtime_cap_s(&self) -> f64 {
        self.options
            .max_overtime_per_day_s
            .unwrap_or(self.scenario.overtime.max_hours_per_day * 3600.0)
    }

    /// What the planner should know about the rules applied.
    pub(crate) fn notes(&self) -> Vec<String> {
        let source = if self.options.max_overtime_per_day_s.is_some() {
            "asked for"
        } else {
            "the scenario's overtime.max_hours_per_day"
        };
        let mut notes = vec![format!(
            "overtime capped at {} per agent and day ({source})",
            hours(self.overtime_cap_s())
        )];
        if self.shifts.is_none() {
            notes.push(
                "the plan folder has no shifts.csv: no overtime extension \
                 proposed"
                    .into(),
            );
        }
        if !self.scenario.partners.is_empty() {
            notes.push(format!(
                "partners from {} after now, within their hours",
                hours(self.options.partner_notice_s)
            ));
        }
        notes
    }

    /// Restaffs the remaining intervals of `rows` and proposes actions.
    pub(crate) fn restaff(
        &mut self,
        spec: &QueueSpec,
        aht_s: Option<f64>,
        rows: &mut [IntervalRow],
        planned_partner: &[f64],
    ) -> Result<Outcome> {
        let slot_s = self.scenario.horizon.interval.seconds();
        let aht = spec.aht_s.or(aht_s).filter(|a| *a > 0.0 && a.is_finite());
        let aht = aht.ok_or_else(|| {
            Error::usage(format!(
                "queue \"{}\" has no handle time: set `aht` in [queues.{}] \
                 or give an aht_s column in intervals.csv",
                spec.name, spec.name
            ))
        })?;
        let model = QueueModel::new(spec, aht, slot_s);
        let share = self.options.deflect.unwrap_or(0.0);
        let rule = self.options.staff_to;
        for r in rows.iter_mut().filter(|r| r.remaining) {
            r.required = staff(&model, &dist(&r.forecast, 0.0), rule, spec)?;
            r.required_after = if share > 0.0 {
                staff(&model, &dist(&r.forecast, share), rule, spec)?
            } else {
                r.required
            };
        }
        let plan_staff: Vec<f64> = rows.iter().map(|r| r.scheduled).collect();
        let on_plan =
            rest_sl(&model, rows, &plan_staff, |r| dist(&r.plan, 0.0));
        let sl_now =
            rest_sl(&model, rows, &plan_staff, |r| dist(&r.forecast, 0.0));
        let mut actions = Vec::new();
        let mut sl = sl_now;
        if share > 0.0 {
            let after = rest_sl(&model, rows, &plan_staff, |r| {
                dist(&r.forecast, share)
            });
            if let Some(a) = deflection(spec, rows, share, slot_s, (sl, after))
            {
                actions.push(a);
            }
            sl = after;
        }
        let mut sources: Vec<(f64, Option<usize>)> = Vec::new();
        if self.shifts.is_some() {
            let s = self.scenario;
            sources.push((s.team.cost_per_hour * s.overtime.premium, None));
        }
        for (k, p) in self.scenario.partners.iter().enumerate() {
            if spec.level == 1 && p.queues.contains(&spec.name) {
                sources.push((p.cost_per_hour, Some(k)));
            }
        }
        sources.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (rate, source) in sources {
            let added = match source {
                None => self.overtime(spec, rows),
                Some(k) => self.partner(k, spec, rows, planned_partner),
            };
            let Some(mut action) = added else { continue };
            let staff: Vec<f64> = rows
                .iter()
                .map(|r| r.scheduled + r.overtime + r.partner)
                .collect();
            let after =
                rest_sl(&model, rows, &staff, |r| dist(&r.forecast, share));
            action.paid_hours = action.agent_hours / (1.0 - spec.shrinkage);
            action.cost = Some(action.paid_hours * rate);
            (action.sl_before, action.sl_after) = (sl, after);
            sl = after;
            actions.push(action);
        }
        for r in rows.iter_mut().filter(|r| r.remaining) {
            r.sl = model.expected_sl(
                whole(r.scheduled),
                &dist(&r.forecast, 0.0).points(),
            );
            let staff = whole(r.scheduled + r.overtime + r.partner);
            r.sl_after =
                model.expected_sl(staff, &dist(&r.forecast, share).points());
        }
        Ok(Outcome { sl_plan: on_plan, sl_now, sl_after: sl, actions })
    }

    /// Extends today's in-house shifts of `spec` into the short intervals
    /// after them.
    fn overtime(
        &self,
        spec: &QueueSpec,
        rows: &mut [IntervalRow],
    ) -> Option<Action> {
        let tz = self.scenario.horizon.tz;
        let slot = self.scenario.horizon.interval.seconds() as i64;
        let cap =
            (self.overtime_cap_s() / slot as f64 + AGENT_EPS).floor() as usize;
        let mut ends: Vec<(DateTime<Tz>, f64)> = self
            .shifts
            .iter()
            .flatten()
            .filter(|s| s.queue == spec.name && s.end > s.start)
            .filter_map(|s| {
                let end = s
                    .date
                    .and_time(s.end)
                    .and_local_timezone(tz)
                    .earliest()?;
                (end >= self.now).then_some((end, s.on_phone))
            })
            .collect();
        ends.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut hours_on = 0.0;
        let mut extended = 0;
        let mut span: Option<(usize, usize)> = None;
        let mut peak = vec![0.0; rows.len()];
        for (end, on_phone) in ends {
            let Some(j0) = rows.iter().position(|r| r.start == end) else {
                continue;
            };
            // Agents staying on may only fall along the extension: the
            // suffix maximum of what each interval lacks, up to the last
            // short interval within the cap.
            let window: Vec<usize> = (j0..rows.len())
                .take(cap)
                .take_while(|&j| rows[j].remaining)
                .collect();
            let need: Vec<f64> =
                window.iter().map(|&j| short_of(&rows[j]).max(0.0)).collect();
            let Some(last) = need.iter().rposition(|&n| n > AGENT_EPS) else {
                continue;
            };
            let mut stay = 0.0;
            let mut stays = vec![0.0; last + 1];
            for i in (0..=last).rev() {
                stay = f64::max(stay, need[i]).min(on_phone);
                stays[i] = stay;
            }
            let mut any = false;
            for (&j, &x) in window.iter().zip(&stays) {
                if x <= AGENT_EPS {
                    continue;
                }
                rows[j].overtime += x;
                peak[j] += x;
                hours_on += x * slot as f64 / 3600.0;
                span =
                    Some(span.map_or((j, j), |(a, b)| (a.min(j), b.max(j))));
                any = true;
            }
            extended += usize::from(any);
        }
        let (a, b) = span?;
        let peak = peak.iter().copied().fold(0.0, f64::max);
        let (from, to) =
            (rows[a].start, rows[b].start + TimeDelta::seconds(slot));
        let detail = format!(
            "extend {extended} in-house shift(s) into {}–{} (at most {} \
                 per agent), {} agents on the phones at most",
            from.format("%H:%M"),
            to.format("%H:%M"),
            hours(self.overtime_cap_s()),
            crate::report::fixed(peak, 1)
        );
        Some(adding(
            spec,
            ActionKind::Overtime,
            "in-house",
            (from, to),
            (peak, hours_on),
            detail,
        ))
    }

    /// Calls partner `k`'s agents into the short intervals of `spec` from
    /// the first one its notice allows.
    fn partner(
        &mut self,
        k: usize,
        spec: &QueueSpec,
        rows: &mut [IntervalRow],
        planned: &[f64],
    ) -> Option<Action> {
        let p = &self.scenario.partners[k];
        let slot = self.scenario.horizon.interval.seconds() as i64;
        // A notice beyond two days is no partner today, and stays within
        // the range of a time.
        let notice = self.options.partner_notice_s.clamp(0.0, 172_800.0);
        let earliest = self.now + TimeDelta::seconds(notice as i64);
        let cap = p.max_fte * (1.0 - spec.shrinkage);
        let (mut hours_on, mut peak) = (0.0, 0.0);
        let mut span: Option<(usize, usize)> = None;
        for (j, r) in rows.iter_mut().enumerate() {
            if !r.remaining || r.start < earliest || !within(p.hours, r) {
                continue;
            }
            let short = short_of(r);
            if short <= AGENT_EPS {
                continue;
            }
            let used = self
                .partner_used
                .entry((k, r.start.timestamp()))
                .or_insert(0.0);
            let free = (cap - *used - planned[j]).max(0.0);
            let n = (short - AGENT_EPS).ceil().min((free + AGENT_EPS).floor());
            if n <= 0.0 {
                continue;
            }
            *used += n;
            r.partner += n;
            peak = f64::max(peak, n);
            hours_on += n * slot as f64 / 3600.0;
            span = Some(span.map_or((j, j), |(a, b)| (a.min(j), b.max(j))));
        }
        let (a, b) = span?;
        let (from, to) =
            (rows[a].start, rows[b].start + TimeDelta::seconds(slot));
        let detail = format!(
            "call {} for {} from {} to {}",
            p.name,
            crate::pipeline::plural(peak as usize, "more agent"),
            from.format("%H:%M"),
            to.format("%H:%M")
        );
        Some(adding(
            spec,
            ActionKind::Partner,
            &p.name,
            (from, to),
            (peak, hours_on),
            detail,
        ))
    }
}

/// An action adding up to `peak` agents and `hours_on` agent-hours on the
/// phones between `from` and `to`; priced and judged by the caller.
fn adding(
    spec: &QueueSpec,
    kind: ActionKind,
    source: &str,
    (from, to): (DateTime<Tz>, DateTime<Tz>),
    (peak, hours_on): (f64, f64),
    detail: String,
) -> Action {
    Action {
        queue: spec.name.clone(),
        kind,
        source: source.to_string(),
        from,
        to,
        peak_agents: peak,
        agent_hours: hours_on,
        paid_hours: 0.0,
        cost: None,
        sl_before: 0.0,
        sl_after: 0.0,
        detail,
    }
}

/// Agents an interval still lacks after what is scheduled and added.
fn short_of(r: &IntervalRow) -> f64 {
    f64::from(r.required_after) - (r.scheduled + r.overtime + r.partner)
}

/// `h` seconds as `2h`, `1h30m` or `45m`.
/// Whether the partner answers at interval `r`'s local time: inside its
/// `[from, to)` minutes, or always when it keeps the queue's hours.
fn within(hours: Option<(u32, u32)>, r: &IntervalRow) -> bool {
    use chrono::Timelike;
    let Some((from, to)) = hours else { return true };
    let minute = r.start.hour() * 60 + r.start.minute();
    (from..to).contains(&minute)
}

fn hours(s: f64) -> String {
    let m = (s / 60.0).round() as i64;
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// The volume law of `p` with `share` of it deflected.
fn dist(p: &Predictive, share: f64) -> VolumeDist {
    let k = 1.0 - share;
    let mut d = VolumeDist {
        mean: p.mean * k,
        p10: p.p10 * k,
        p50: p.mean * k,
        p90: p.p90 * k,
    };
    d.p50 = d.quantile(0.5);
    d
}

fn staff(
    model: &QueueModel,
    d: &VolumeDist,
    rule: StaffTo,
    spec: &QueueSpec,
) -> Result<u32> {
    model.staff(d, rule).map(|s| s.agents).map_err(|e| {
        Error::usage(format!(
            "queue \"{}\": cannot staff a re-forecast of {:.1} contacts \
             (p90 {:.1}): {e}",
            spec.name, d.mean, d.p90
        ))
    })
}

/// Call-weighted expected SL of the remaining intervals of `rows`, with
/// `staff[i]` on the phones and volume law `law(row)`.
fn rest_sl(
    model: &QueueModel,
    rows: &[IntervalRow],
    staff: &[f64],
    law: impl Fn(&IntervalRow) -> VolumeDist,
) -> f64 {
    let (mut w, mut sum) = (0.0, 0.0);
    for (r, s) in rows.iter().zip(staff).filter(|(r, _)| r.remaining) {
        let d = law(r);
        w += d.mean;
        sum += d.mean * model.expected_sl(whole(*s), &d.points());
    }
    if w > 0.0 { sum / w } else { 1.0 }
}

fn deflection(
    spec: &QueueSpec,
    rows: &[IntervalRow],
    share: f64,
    slot_s: f64,
    (before, after): (f64, f64),
) -> Option<Action> {
    let rem: Vec<&IntervalRow> = rows.iter().filter(|r| r.remaining).collect();
    let (first, last) = (rem.first()?, rem.last()?);
    let saved: Vec<f64> = rem
        .iter()
        .map(|r| f64::from(r.required) - f64::from(r.required_after))
        .collect();
    let agent_hours = saved.iter().sum::<f64>() * slot_s / 3600.0;
    Some(Action {
        queue: spec.name.clone(),
        kind: ActionKind::Deflection,
        source: "self-care".into(),
        from: first.start,
        to: last.start + TimeDelta::seconds(slot_s as i64),
        peak_agents: saved.iter().copied().fold(0.0, f64::max),
        agent_hours,
        paid_hours: agent_hours / (1.0 - spec.shrinkage),
        cost: None,
        sl_before: before,
        sl_after: after,
        detail: format!(
            "send {} % of the remaining contacts to self-care or call-back",
            crate::report::fixed(100.0 * share, 0)
        ),
    })
}
