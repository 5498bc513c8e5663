//! A [`Model`] from a plan folder ([`super::plan_dir`]) and its scenario.
//!
//! * **Queues**: each queue of the scenario that `intervals.csv` has, in
//!   the scenario's order: AHT the scenario's override, else the
//!   volume-weighted mean of the file's `aht_s`; patience and the
//!   service-level target the scenario's; chat concurrency the scenario's
//!   (at least 1). A queue with an ASA goal has no service level to judge
//!   and is left out with a note; an e-mail queue plays as a queue without
//!   patience whose target is the share handled within the deadline,
//!   when the deadline ends within the day (else it is left out).
//! * **Days**: one per queue and local date, its slots from the day's
//!   first interval to its last on the scenario's interval grid (a closed
//!   interval inside the day is a slot without contacts or staff).
//! * **Volumes**: the forecast mean per interval, with the day total's
//!   band and the interval noise of the forecast's own law, recovered
//!   from the intervals' quantiles ([`DayLaw`]); with actual volumes, each interval's count
//!   (rounded to a whole contact; an interval absent from the actuals has
//!   none, a day absent altogether is not played).
//! * **Staff**, from the best source the folder has: `shifts.csv` (people
//!   join and leave at their shift's boundaries), else the per-interval
//!   counts of `intervals.csv` (`in_house_agents + hired_agents +
//!   overtime_agents`, or `scheduled_agents`), else `required_agents`
//!   (a folder written before plans carried their schedule; noted).
//!   Agents on the phones are fractional once shrinkage is taken off; the
//!   servers of each stretch of time are `floor(Σ on_phone + 1e-9)` over
//!   the shifts covering it, the rule the plan's own service level uses
//!   for `scheduled_agents`. Partner rows make the partner's staff.
//! * **Overflow**: a level-1 queue with partner staff sends a contact (all
//!   of them are level 1) to the partner when no in-house agent is free
//!   and the partner would answer it sooner, unless told otherwise: the
//!   plan counts partner agents among the interval's servers, so the
//!   simulation routes to them as soon as the team is busy, not only once
//!   a queue has built up.

use std::collections::BTreeMap;

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta};
use chrono_tz::Tz;

use super::model::{
    Channel, DailyBand, DayPlan, HandleTime, Model, Overflow, OverflowRule,
    QueueModel, Redial, Shift, SlTarget, Staff, Volumes,
};
use super::plan_dir::{PlanFolder, PlanInterval, PlanShift, ShiftSource};
use super::run::{Outcome, RunOptions};
use crate::capacity::Scenario;
use crate::capacity::plan::Plan;
use crate::capacity::plan::whole_agents;
use crate::capacity::roster::Source;
use crate::capacity::scenario::{Channel as ScenarioChannel, Goal};
use crate::error::{Error, InputError, Result};
use crate::forecast::ForecastRow;
use crate::forecast::quantiles::gamma_quantiles;
use crate::report::plan::{AGENT_DECIMALS, AHT_DECIMALS, FORECAST_DECIMALS};

/// Choices the plan folder and scenario do not make.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BuildOptions {
    /// The law of handle times; `None`: exponential.
    pub handle: Option<HandleTime>,
    /// Callers who hang up and call again, if any.
    pub redial: Option<Redial>,
    /// When level-1 contacts go to the partner; `None`: when no in-house
    /// agent is free and the partner would answer sooner.
    pub overflow: Option<OverflowRule>,
    /// Only the dates in this range (inclusive), if given.
    pub days: Option<(NaiveDate, NaiveDate)>,
}

impl BuildOptions {
    /// Lognormal handle times of coefficient `handle_cv` if given,
    /// callers who `redial` if given, the dates of `days` only if given;
    /// the default overflow rule.
    pub fn new(
        handle_cv: Option<f64>,
        redial: Option<Redial>,
        days: Option<(NaiveDate, NaiveDate)>,
    ) -> BuildOptions {
        BuildOptions {
            handle: handle_cv.map(|cv| HandleTime::LogNormal { cv }),
            redial,
            overflow: None,
            days,
        }
    }
}

/// Parses a day range `2025-11-24..2025-12-01` (inclusive), or one day.
///
/// # Errors
///
/// A message for a malformed range or one that ends before it starts.
///
/// # Example
///
/// ```
/// use peakplan::simulate::from_plan::parse_days;
/// let (from, to) = parse_days("2025-11-24..2025-12-01")?;
/// assert_eq!((from.to_string(), to.to_string()),
///            ("2025-11-24".into(), "2025-12-01".into()));
/// assert!(parse_days("2025-12-01..2025-11-24").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_days(
    text: &str,
) -> std::result::Result<(NaiveDate, NaiveDate), String> {
    let date = |t: &str| {
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
            format!("expected DATE..DATE like 2025-11-24..2025-12-01, found {text:?}")
        })
    };
    let (a, b) = match text.split_once("..") {
        Some((a, b)) => (date(a)?, date(b)?),
        None => (date(text)?, date(text)?),
    };
    if b < a {
        return Err(format!("the range {text} ends before it starts"));
    }
    Ok((a, b))
}

/// Parses `P@DELAY`, e.g. `0.3@15m`: a caller who hung up calls again
/// with probability `P`, after an exponential delay of mean `DELAY`.
///
/// # Errors
///
/// A message for a malformed value, a probability outside [0, 1] or a
/// delay that is not positive.
///
/// # Example
///
/// ```
/// use peakplan::simulate::from_plan::parse_redial;
/// let r = parse_redial("0.3@15m")?;
/// assert_eq!((r.probability, r.mean_delay_s), (0.3, 900.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_redial(text: &str) -> std::result::Result<Redial, String> {
    let bad = || format!("expected P@DELAY like 0.3@15m, found {text:?}");
    let (p, d) = text.split_once('@').ok_or_else(bad)?;
    let probability: f64 = p.trim().parse().map_err(|_| bad())?;
    let mean_delay_s = crate::units::parse_duration(d.trim())?;
    if !(0.0..=1.0).contains(&probability) || mean_delay_s <= 0.0 {
        return Err(bad());
    }
    Ok(Redial { probability, mean_delay_s })
}

/// Where the in-house staff of the model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffSource {
    /// `shifts.csv`.
    Shifts,
    /// The scheduled agents of `intervals.csv`.
    ScheduledAgents,
    /// The required agents of `intervals.csv`.
    RequiredAgents,
}

/// One day of one queue of the model, as the reports name it.
#[derive(Clone, Debug, PartialEq)]
pub struct DayInfo {
    /// The queue.
    pub queue: String,
    /// The local date.
    pub date: NaiveDate,
    /// Start of every slot of the day, in the scenario's zone.
    pub slot_starts: Vec<DateTime<Tz>>,
    /// The queue's target.
    pub target: SlTarget,
}

/// The model of a plan folder, with what the reports need to name it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanModel {
    /// What to simulate.
    pub model: Model,
    /// One entry per queue-day of the model, in its order.
    pub days: Vec<DayInfo>,
    /// Where the staff came from.
    pub staff: StaffSource,
    /// What the planner should know about how the model was built.
    pub notes: Vec<String>,
}

/// Builds the model of `folder` with `scenario`'s queues, on `actuals`
/// (interval volumes) when given.
///
/// # Errors
///
/// [`Error::Input`] naming the file and line of an interval off the
/// scenario's grid or repeated; [`Error::Usage`] when nothing is left to
/// simulate or a queue has no handle time.
pub fn build(
    folder: &PlanFolder,
    scenario: &Scenario,
    actuals: Option<&[ForecastRow]>,
    options: &BuildOptions,
) -> Result<PlanModel> {
    let tz = scenario.horizon.tz;
    let slot_s = scenario.horizon.interval.seconds();
    let mut notes = Vec::new();
    let staff = staff_source(folder);
    if staff == StaffSource::RequiredAgents {
        notes.push(
            "the plan folder has no shifts.csv nor scheduled_agents: \
             simulating the required agents of intervals.csv"
                .to_string(),
        );
    }
    let actual = actuals.map(actual_counts);
    let shifts = shifts_by_day(folder.shifts.as_deref());
    let files = (
        folder.dir.join("intervals.csv").display().to_string(),
        folder.dir.join("shifts.csv").display().to_string(),
    );
    let mut by_day: BTreeMap<(&str, NaiveDate), Vec<&PlanInterval>> =
        BTreeMap::new();
    for r in &folder.intervals {
        let date = r.start.with_timezone(&tz).date_naive();
        by_day.entry((r.queue.as_str(), date)).or_default().push(r);
    }
    let mut queues = Vec::new();
    let mut infos = Vec::new();
    for spec in &scenario.queues {
        let days: Vec<(NaiveDate, &Vec<&PlanInterval>)> = by_day
            .range((spec.name.as_str(), NaiveDate::MIN)..)
            .take_while(|((q, _), _)| *q == spec.name)
            .map(|((_, d), rows)| (*d, rows))
            .collect();
        if days.is_empty() {
            continue;
        }
        let Goal::ServiceLevel { sl, within_s } = spec.goal else {
            notes.push(format!(
                "queue {}: an ASA goal has no service level to simulate; \
                 left out",
                spec.name
            ));
            continue;
        };
        let (channel, patience_s) = match spec.channel {
            ScenarioChannel::Voice => (Channel::Voice, spec.patience_s),
            ScenarioChannel::Chat { concurrency } => (
                Channel::Chat { concurrency: concurrency.max(1) },
                spec.patience_s,
            ),
            ScenarioChannel::Email { deadline_s } => {
                let longest = days.iter().map(|(_, r)| r.len()).max();
                if deadline_s > longest.unwrap_or(0) as f64 * slot_s {
                    notes.push(format!(
                        "queue {}: the e-mail deadline ends after the day; \
                         a backlog carried overnight is not simulated, \
                         left out",
                        spec.name
                    ));
                    continue;
                }
                (Channel::Voice, None)
            }
        };
        let target = match spec.channel {
            ScenarioChannel::Email { deadline_s } => {
                SlTarget { share: sl, within_s: deadline_s }
            }
            _ => SlTarget { share: sl, within_s },
        };
        let all: Vec<&PlanInterval> =
            days.iter().flat_map(|(_, r)| r.iter().copied()).collect();
        let Some(aht_s) = spec.aht_s.or_else(|| mean_aht(&all)) else {
            return Err(Error::usage(format!(
                "queue {}: no handle time: set `aht` in the scenario \
                 (intervals.csv has no aht_s for it)",
                spec.name
            )));
        };
        let rows: Vec<&[&PlanInterval]> =
            days.iter().map(|(_, r)| r.as_slice()).collect();
        let laws = DayLaw::fit_days(&rows);
        let counts = match &actual {
            Some(a) => match a.get(spec.name.as_str()) {
                Some(m) => Some(m),
                None => {
                    notes.push(format!(
                        "queue {}: no actual volumes; left out",
                        spec.name
                    ));
                    continue;
                }
            },
            None => None,
        };
        let mut plans = Vec::new();
        let mut without_actuals = 0;
        for (&(date, rows), law) in days.iter().zip(&laws) {
            if options.days.is_some_and(|(a, b)| date < a || date > b) {
                continue;
            }
            let day = DayGrid::new(rows, slot_s, &files.0)?;
            let volumes = match counts {
                Some(m) => {
                    let v: Vec<u32> = day
                        .starts
                        .iter()
                        .map(|s| m.get(&s.timestamp()).copied().unwrap_or(0))
                        .collect();
                    if !day
                        .starts
                        .iter()
                        .any(|s| m.contains_key(&s.timestamp()))
                    {
                        without_actuals += 1;
                        continue;
                    }
                    Volumes::Actual(v)
                }
                None => Volumes::Forecast {
                    band: Some(
                        law.band(rows.iter().map(|r| r.forecast).sum()),
                    ),
                    mean: day
                        .slots
                        .iter()
                        .map(|r| r.map_or(0.0, |r| r.forecast))
                        .collect(),
                },
            };
            let key = (spec.name.as_str(), date);
            let (own, partner) = match staff {
                StaffSource::Shifts => day_staff_from_shifts(
                    shifts.get(&key).map_or(&[][..], Vec::as_slice),
                    &day,
                    tz,
                    &files.1,
                )?,
                _ => day_staff_from_intervals(
                    &day,
                    staff == StaffSource::RequiredAgents,
                ),
            };
            infos.push(DayInfo {
                queue: spec.name.clone(),
                date,
                slot_starts: day
                    .starts
                    .iter()
                    .map(|s| s.with_timezone(&tz))
                    .collect(),
                target,
            });
            plans.push(DayPlan {
                label: date.to_string(),
                volumes,
                staff: own,
                partner_staff: partner,
            });
        }
        if without_actuals > 0 {
            notes.push(format!(
                "queue {}: {without_actuals} day(s) without actual volumes \
                 not played",
                spec.name
            ));
        }
        if plans.is_empty() {
            continue;
        }
        let has_partner =
            plans.iter().any(|d| !d.partner_staff.steps().is_empty());
        let overflow = (spec.level == 1 && has_partner).then(|| Overflow {
            eligible_share: 1.0,
            rule: options
                .overflow
                .unwrap_or(OverflowRule::ExpectedWaitAbove(0.0)),
        });
        queues.push(QueueModel {
            name: spec.name.clone(),
            channel,
            aht_s,
            handle: options.handle.unwrap_or(HandleTime::Exponential),
            patience_s,
            redial: options.redial,
            target,
            interval_cv: laws.first().map_or(0.0, |l| l.phi.sqrt()),
            overflow,
            days: plans,
        });
    }
    for r in &folder.intervals {
        if scenario.queue(&r.queue).is_none() {
            notes.push(format!(
                "queue {} of intervals.csv is not in the scenario; left out",
                r.queue
            ));
            break;
        }
    }
    if queues.is_empty() {
        return Err(Error::usage(format!(
            "{}: no queue and day to simulate (check --days, --actuals and \
             that the scenario names the plan's queues)",
            folder.dir.display()
        )));
    }
    Ok(PlanModel {
        model: Model { slot_s, queues },
        days: infos,
        staff,
        notes,
    })
}

fn staff_source(folder: &PlanFolder) -> StaffSource {
    if folder.shifts.is_some() {
        StaffSource::Shifts
    } else if folder
        .intervals
        .iter()
        .all(|r| r.own_agents.is_some() || r.scheduled_agents.is_some())
        && !folder.intervals.is_empty()
    {
        StaffSource::ScheduledAgents
    } else {
        StaffSource::RequiredAgents
    }
}

/// Actual counts by queue and interval start (Unix seconds).
fn actual_counts(rows: &[ForecastRow]) -> BTreeMap<&str, BTreeMap<i64, u32>> {
    let mut out: BTreeMap<&str, BTreeMap<i64, u32>> = BTreeMap::new();
    for r in rows {
        let n = r.mean.round().clamp(0.0, f64::from(u32::MAX)) as u32;
        *out.entry(r.queue.as_str())
            .or_default()
            .entry(r.start.timestamp())
            .or_default() += n;
    }
    out
}

fn shifts_by_day(
    shifts: Option<&[PlanShift]>,
) -> BTreeMap<(&str, NaiveDate), Vec<&PlanShift>> {
    let mut out: BTreeMap<(&str, NaiveDate), Vec<&PlanShift>> =
        BTreeMap::new();
    for s in shifts.unwrap_or_default() {
        out.entry((s.queue.as_str(), s.date)).or_default().push(s);
    }
    out
}

fn mean_aht(rows: &[&PlanInterval]) -> Option<f64> {
    let (mut w, mut sum) = (0.0, 0.0);
    for r in rows {
        if let Some(a) = r.aht_s {
            w += r.forecast.max(1e-9);
            sum += r.forecast.max(1e-9) * a;
        }
    }
    (w > 0.0).then(|| sum / w)
}

/// A day's intervals on its slot grid.
struct DayGrid<'a> {
    starts: Vec<DateTime<chrono::FixedOffset>>,
    slots: Vec<Option<&'a PlanInterval>>,
    slot_s: f64,
}

impl<'a> DayGrid<'a> {
    fn new(
        rows: &[&'a PlanInterval],
        slot_s: f64,
        file: &str,
    ) -> Result<DayGrid<'a>> {
        let first = rows
            .iter()
            .map(|r| r.start)
            .min()
            .ok_or_else(|| Error::usage("a day without intervals"))?;
        let step = slot_s as i64;
        let mut slots: Vec<Option<&PlanInterval>> = Vec::new();
        for r in rows {
            let off = (r.start - first).num_seconds();
            if off % step != 0 {
                return Err(grid_error(r, slot_s, file));
            }
            let k = (off / step) as usize;
            if slots.len() <= k {
                slots.resize(k + 1, None);
            }
            if slots[k].is_some() {
                return Err(InputError::new(
                    crate::Location::file(file)
                        .line(r.line)
                        .column("interval_start"),
                    "each interval of a queue once",
                )
                .found(r.start.to_rfc3339())
                .into());
            }
            slots[k] = Some(r);
        }
        let starts = (0..slots.len())
            .map(|k| first + TimeDelta::seconds(k as i64 * step))
            .collect();
        Ok(DayGrid { starts, slots, slot_s })
    }
}

fn grid_error(r: &PlanInterval, slot_s: f64, file: &str) -> Error {
    InputError::new(
        crate::Location::file(file).line(r.line).column("interval_start"),
        format!(
            "an interval start on the scenario's {}-minute grid",
            slot_s / 60.0
        ),
    )
    .found(r.start.to_rfc3339())
    .into()
}

fn day_staff_from_intervals(
    day: &DayGrid<'_>,
    required: bool,
) -> (Staff, Staff) {
    let own: Vec<u32> = day
        .slots
        .iter()
        .map(|r| {
            r.map_or(0, |r| {
                let n = if required {
                    r.required_agents
                } else {
                    r.own_agents.or(r.scheduled_agents).unwrap_or(0.0)
                };
                whole_agents(n)
            })
        })
        .collect();
    let partner: Vec<u32> = day
        .slots
        .iter()
        .map(|r| r.and_then(|r| r.partner_agents).map_or(0, whole_agents))
        .collect();
    let partner = if partner.iter().all(|&n| n == 0) {
        Staff::none()
    } else {
        Staff::per_slot(&partner, day.slot_s)
    };
    (Staff::per_slot(&own, day.slot_s), partner)
}

/// In-house (in-house, hires, overtime) and partner staff of a day from
/// its shifts.
fn day_staff_from_shifts(
    shifts: &[&PlanShift],
    day: &DayGrid<'_>,
    tz: Tz,
    file: &str,
) -> Result<(Staff, Staff)> {
    let Some(first) = day.starts.first() else {
        return Ok((Staff::none(), Staff::none()));
    };
    let mut own = Vec::new();
    let mut partner = Vec::new();
    for s in shifts {
        let local = |t| {
            let at = s.date.and_time(t);
            at.and_local_timezone(tz).earliest().ok_or_else(|| {
                Error::from(
                    InputError::new(
                        crate::Location::file(file)
                            .line(s.line)
                            .column("start"),
                        "a local time that exists on that date",
                    )
                    .found(at.to_string()),
                )
            })
        };
        let start = local(s.start)?;
        let mut end = local(s.end)?;
        if end <= start {
            end += TimeDelta::days(1);
        }
        // A shift that starts before the day's first interval is on from
        // the opening: the day has no earlier time.
        let block = (
            ((start.fixed_offset() - *first).num_seconds() as f64).max(0.0),
            (end.fixed_offset() - *first).num_seconds() as f64,
            s.on_phone,
        );
        if block.1 <= block.0 {
            continue;
        }
        match s.source {
            ShiftSource::Partner => partner.push(block),
            _ => own.push(block),
        }
    }
    Ok((whole_servers(&own)?, whole_servers(&partner)?))
}

/// The staff of fractional blocks `(start_s, end_s, on_phone)`: between
/// consecutive boundaries, `floor(Σ on_phone + 1e-9)` servers.
fn whole_servers(blocks: &[(f64, f64, f64)]) -> Result<Staff> {
    let mut cuts: Vec<f64> = blocks.iter().flat_map(|b| [b.0, b.1]).collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut shifts = Vec::new();
    for w in cuts.windows(2) {
        let sum: f64 = blocks
            .iter()
            .filter(|b| b.0 <= w[0] && b.1 >= w[1])
            .map(|b| b.2)
            .sum();
        let people = whole_agents(sum);
        if people > 0 {
            shifts.push(Shift { start_s: w[0], end_s: w[1], people });
        }
    }
    Staff::from_shifts(&shifts).map_err(Error::from)
}

/// The forecast's error law of one day, recovered from the intervals'
/// p10 and p90.
///
/// The forecast writes each interval as `F·Y`: `F` the day's lognormal
/// error of log-sd `σ` (one per day, by horizon), `Y` the count given the
/// day, of variance `λ + φλ²` (Poisson plus the intraday profile's
/// overdispersion `φ`, one per queue), read off a gamma law with the
/// product's mean `λ` and variance `λ²(e^{σ²} − 1) + e^{σ²}(λ + φλ²)`
/// (see [`crate::forecast::quantiles`]). So `var + λ² = a·λ + b·λ²` with
/// `a = e^{σ²}` and `b = e^{σ²}(1 + φ)`. Each interval's p10–p90 is
/// inverted for its variance, and `(a, b)` fitted per day by least
/// squares in relative terms. `b` comes out sharp; `a` only through the
/// small Poisson term, so `φ` is the mean of the days' `b/a − 1` (the
/// queue's one value, pooled) and each day's `e^{σ²}` is then
/// `b / (1 + φ)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayLaw {
    /// `e^{σ²}` of the day factor, at least 1.
    pub es2: f64,
    /// Overdispersion of the counts given the day, at least 0 (the
    /// queue's, the same for every day).
    pub phi: f64,
}

impl DayLaw {
    /// The laws of one queue's days, each given by its intervals; a day
    /// whose intervals have no band (`p10 = p90`) has `σ = 0`.
    pub fn fit_days(days: &[&[&PlanInterval]]) -> Vec<DayLaw> {
        let points: Vec<Vec<(f64, f64)>> =
            days.iter().map(|rows| variance_points(rows)).collect();
        let phis: Vec<f64> = points
            .iter()
            .filter_map(|p| fit_ab(p))
            .map(|(a, b)| b / a - 1.0)
            .collect();
        let phi = if phis.is_empty() {
            0.0
        } else {
            (phis.iter().sum::<f64>() / phis.len() as f64).max(0.0)
        };
        points
            .iter()
            .map(|p| DayLaw { es2: fit_a(p, phi).max(1.0), phi })
            .collect()
    }

    /// The band of a day total of `total` contacts: the forecast's own
    /// daily law, `Q(M, M²(e^{σ²} − 1) + e^{σ²}·M)` (a day's p90 is not
    /// the sum of its intervals').
    pub fn band(&self, total: f64) -> DailyBand {
        let var = total * total * (self.es2 - 1.0) + self.es2 * total;
        let [p10, _, p90] = gamma_quantiles(total, var);
        DailyBand { p10, p90 }
    }
}

/// `(λ, var + λ²)` of the intervals with a band.
fn variance_points(rows: &[&PlanInterval]) -> Vec<(f64, f64)> {
    rows.iter()
        .filter(|r| r.forecast > 0.0 && r.p90 > r.p10)
        .map(|r| {
            let m = r.forecast;
            (m, variance_for_width(m, r.p90 - r.p10) + m * m)
        })
        .collect()
}

/// Least squares `(a, b)` of `y = a·λ + b·λ²`, weights `1/y²`; `None`
/// when the volumes are too alike to tell the two terms apart.
fn fit_ab(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let (mut s2, mut s3, mut s4, mut t1, mut t2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(l, y) in points {
        let w = 1.0 / (y * y);
        s2 += w * l * l;
        s3 += w * l * l * l;
        s4 += w * l * l * l * l;
        t1 += w * l * y;
        t2 += w * l * l * y;
    }
    let det = s2 * s4 - s3 * s3;
    (det > 1e-6 * s2 * s4)
        .then(|| ((t1 * s4 - t2 * s3) / det, (s2 * t2 - s3 * t1) / det))
}

/// Least squares `a` of `y = a·(λ + (1 + φ)·λ²)`, weights `1/y²`; 1
/// without points.
fn fit_a(points: &[(f64, f64)], phi: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for &(l, y) in points {
        let g = l + (1.0 + phi) * l * l;
        num += g / y;
        den += g * g / (y * y);
    }
    if den > 0.0 { num / den } else { 1.0 }
}

/// The variance whose gamma law of mean `mean` has this p10–p90 width
/// (bisection: the width grows with the variance).
fn variance_for_width(mean: f64, width: f64) -> f64 {
    if width <= 0.0 {
        return 0.0;
    }
    let w = |var: f64| {
        let [a, _, b] = gamma_quantiles(mean, var);
        b - a
    };
    let (mut lo, mut hi) = (0.0, mean * mean + mean);
    while w(hi) < width && hi < 1e30 {
        hi *= 4.0;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if w(mid) < width {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The folder `plan` is about to write for `plan`, in memory: the rows
/// of `intervals.csv` and `shifts.csv` with the values rounded as the
/// files write them, so that a plan simulated on the spot gives the
/// figures `peakplan simulate` gives on its folder. `dir` names the
/// folder in messages; the scenario is the caller's (none is recorded).
pub fn folder_of(plan: &Plan, dir: &Path) -> PlanFolder {
    let written = |x: f64, decimals: usize| -> f64 {
        crate::report::fixed(x, decimals).parse().unwrap_or(0.0)
    };
    let agents = |x: f64| written(x, AGENT_DECIMALS);
    let intervals = (2..)
        .zip(&plan.intervals)
        .map(|(line, r)| {
            let a = &r.supply;
            PlanInterval {
                start: r.start.fixed_offset(),
                queue: r.queue.clone(),
                forecast: written(r.forecast, FORECAST_DECIMALS),
                p10: written(r.p10, FORECAST_DECIMALS),
                p90: written(r.p90, FORECAST_DECIMALS),
                aht_s: Some(written(r.aht_s, AHT_DECIMALS)),
                required_agents: f64::from(r.required_agents),
                scheduled_agents: Some(agents(a.scheduled)),
                own_agents: Some(
                    agents(a.in_house) + agents(a.hire) + agents(a.overtime),
                ),
                partner_agents: Some(agents(a.partner)),
                line,
            }
        })
        .collect();
    let shifts = (2..)
        .zip(&plan.shifts)
        .map(|(line, r)| PlanShift {
            date: r.date,
            queue: r.queue.clone(),
            source: match r.source {
                Source::InHouse => ShiftSource::InHouse,
                Source::Hire => ShiftSource::Hire,
                Source::Overtime => ShiftSource::Overtime,
                Source::Partner => ShiftSource::Partner,
            },
            start: clock_time(r.start_min),
            end: clock_time(r.end_min),
            on_phone: agents(r.on_phone),
            line,
        })
        .collect();
    PlanFolder {
        dir: dir.to_path_buf(),
        intervals,
        shifts: Some(shifts),
        scenario: None,
    }
}

/// The local time `min` minutes after midnight (a whole day wraps to
/// midnight, as `shifts.csv` reads an end at the start as the next day).
fn clock_time(min: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt((min % 1440) * 60, 0)
        .unwrap_or(NaiveTime::MIN)
}

/// Simulates `runs` runs of every day of `plan` with `scenario`'s
/// queues, seeded by `seed`: the model of [`folder_of`], the runs of
/// [`simulate`](super::simulate).
///
/// # Errors
///
/// As [`build`] and [`simulate`](super::simulate).
pub fn simulate_plan(
    plan: &Plan,
    scenario: &Scenario,
    dir: &Path,
    run: &RunOptions,
) -> Result<(PlanModel, Outcome)> {
    let folder = folder_of(plan, dir);
    let model = build(&folder, scenario, None, &BuildOptions::default())?;
    let outcome = super::simulate(&model.model, run)?;
    Ok((model, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::quantiles::interval_quantiles;

    fn row(m: f64, sigma: f64, phi: f64) -> PlanInterval {
        let [p10, _, p90] = interval_quantiles(m, sigma, phi);
        PlanInterval {
            start: DateTime::parse_from_rfc3339("2025-11-28T09:00:00+01:00")
                .unwrap(),
            queue: "q".into(),
            forecast: m,
            p10,
            p90,
            aht_s: None,
            required_agents: 0.0,
            scheduled_agents: None,
            own_agents: None,
            partner_agents: None,
            line: 2,
        }
    }

    /// Rows as intervals.csv writes them: quantiles to two decimals.
    fn day(means: &[f64], sigma: f64, phi: f64) -> Vec<PlanInterval> {
        let r2 = |x: f64| (x * 100.0).round() / 100.0;
        means
            .iter()
            .map(|&m| {
                let mut r = row(m, sigma, phi);
                (r.forecast, r.p10, r.p90) = (r2(m), r2(r.p10), r2(r.p90));
                r
            })
            .collect()
    }

    /// A two-week plan of the small scenario: `commandes` rising through
    /// the day and a flat `sav`, Monday to Saturday 9:00–18:00.
    fn small_plan() -> (Scenario, Plan) {
        use chrono::{Datelike, TimeZone};
        let text = include_str!("../../tests/data/scenario_small.toml");
        let settings = crate::config::Settings::default();
        let mut s =
            Scenario::parse("s.toml", text, Path::new(""), &settings).unwrap();
        s.horizon.to = s.horizon.from + TimeDelta::days(13);
        let (first, last) = crate::capacity::plan::plan_days(&s);
        let mut rows = vec![];
        let mut day = first;
        while day <= last {
            let hours =
                if day.weekday().number_from_monday() < 7 { 18 } else { 0 };
            for h in 0..hours {
                let t = day.and_hms_opt(9 + h / 2, 30 * (h % 2), 0).unwrap();
                let start = s.horizon.tz.from_local_datetime(&t).unwrap();
                for (queue, m) in
                    [("commandes", 61.0 + f64::from(h)), ("sav", 23.3)]
                {
                    rows.push(ForecastRow {
                        start,
                        queue: queue.into(),
                        mean: m,
                        p10: 0.83 * m,
                        p50: m,
                        p90: 1.19 * m,
                        aht_s: None,
                        events: vec![],
                    });
                }
            }
            day += TimeDelta::days(1);
        }
        let made = crate::capacity::plan_scenario(
            &s,
            &rows,
            crate::capacity::StaffTo::Mean,
            None,
        )
        .unwrap();
        (s, made.base)
    }

    #[test]
    fn the_folder_in_memory_is_the_folder_written() {
        let (s, plan) = small_plan();
        let result = crate::capacity::ScenarioPlan {
            base: plan,
            variants: vec![],
            evaluation: None,
        };
        let report = crate::report::plan::PlanReport {
            result: &result,
            scenario_file: "s.toml",
            as_of: s.as_of,
            horizon: (s.horizon.from, s.horizon.to),
            simulation: None,
        };
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in report.files(crate::report::Dialect::En).unwrap()
        {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let read = super::super::plan_dir::read(dir.path()).unwrap();
        let mine = folder_of(&result.base, dir.path());
        assert!(!mine.intervals.is_empty());
        assert!(mine.shifts.as_ref().is_some_and(|s| !s.is_empty()));
        assert_eq!(read.scenario.as_deref(), Some(Path::new("s.toml")));
        assert_eq!(mine.intervals, read.intervals);
        assert_eq!(mine.shifts, read.shifts);
        let options = BuildOptions::default();
        let a = build(&mine, &s, None, &options).unwrap();
        let b = build(&read, &s, None, &options).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn the_forecasts_day_law_is_recovered_from_its_intervals() {
        let means = [12.0, 40.0, 90.0, 150.0, 120.0, 60.0, 25.0];
        for phi in [0.0, 0.01, 0.03] {
            // Eight weeks whose day error grows with the horizon.
            let sigmas: Vec<f64> =
                (0..56).map(|d| 0.06 + 0.0015 * f64::from(d)).collect();
            let days: Vec<Vec<PlanInterval>> =
                sigmas.iter().map(|&s| day(&means, s, phi)).collect();
            let refs: Vec<Vec<&PlanInterval>> =
                days.iter().map(|d| d.iter().collect()).collect();
            let slices: Vec<&[&PlanInterval]> =
                refs.iter().map(Vec::as_slice).collect();
            let laws = DayLaw::fit_days(&slices);
            assert!((laws[0].phi - phi).abs() < 0.001, "{:?} {phi}", laws[0]);
            let total: f64 = means.iter().sum();
            for (law, &sigma) in laws.iter().zip(&sigmas) {
                let got = law.es2.ln().sqrt();
                assert!((got - sigma).abs() < 0.005, "{got} {sigma} {phi}");
                // The day's band is the forecast's own, far narrower than
                // the sum of the intervals' bands.
                let band = law.band(total);
                let [p10, _, p90] = interval_quantiles(total, sigma, 0.0);
                assert!((band.p10 / p10 - 1.0).abs() < 0.01, "{band:?} {p10}");
                assert!((band.p90 / p90 - 1.0).abs() < 0.01, "{band:?} {p90}");
            }
            let summed: f64 = days[0].iter().map(|r| r.p90 - r.p10).sum();
            let band = laws[0].band(total);
            assert!(band.p90 - band.p10 < 0.8 * summed);
        }
    }

    #[test]
    fn intervals_without_a_band_leave_the_poisson_floor() {
        let mut rows = day(&[30.0, 60.0], 0.1, 0.0);
        rows.iter_mut()
            .for_each(|r| (r.p10, r.p90) = (r.forecast, r.forecast));
        let refs: Vec<&PlanInterval> = rows.iter().collect();
        let laws = DayLaw::fit_days(&[refs.as_slice()]);
        assert_eq!(laws, [DayLaw { es2: 1.0, phi: 0.0 }]);
    }

    #[test]
    fn day_ranges_and_redials_parse_or_say_what_they_expect() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            parse_days("2025-11-24..2025-12-01"),
            Ok((d("2025-11-24"), d("2025-12-01")))
        );
        assert_eq!(
            parse_days("2025-11-28"),
            Ok((d("2025-11-28"), d("2025-11-28")))
        );
        assert!(parse_days("2025-12-01..2025-11-24").is_err());
        assert!(
            parse_days("Black Friday").unwrap_err().contains("DATE..DATE")
        );
        assert_eq!(
            parse_redial("0.3@15m"),
            Ok(Redial { probability: 0.3, mean_delay_s: 900.0 })
        );
        assert!(parse_redial("1.5@15m").is_err());
        assert!(parse_redial("0.3@0s").is_err());
    }

    #[test]
    fn fractional_agents_become_whole_servers_per_stretch() {
        // 2.1 + 1.4 = 3.5 -> 3 from 1 h to 2 h; 0.7 alone -> 0 before.
        let staff =
            whole_servers(&[(0.0, 7200.0, 2.1), (3600.0, 9000.0, 1.4)])
                .unwrap();
        assert_eq!(
            staff.steps(),
            &[(0.0, 2), (3600.0, 3), (7200.0, 1), (9000.0, 0)]
        );
        // Three thirds make one agent despite rounding.
        let thirds = [(0.0, 1800.0, 1.0 / 3.0); 3];
        assert_eq!(whole_servers(&thirds).unwrap().at(900.0), 1);
    }

    fn fixture(name: &str) -> (PlanFolder, Scenario) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        let folder = super::super::plan_dir::read(&dir).unwrap();
        let scenario = Scenario::read(
            &dir.join("scenario.toml"),
            &crate::config::Settings::default(),
        )
        .unwrap();
        (folder, scenario)
    }

    #[test]
    fn shifts_become_whole_servers_and_the_partner_serves_level_one() {
        let (folder, scenario) = fixture("plan_shifts");
        let built =
            build(&folder, &scenario, None, &BuildOptions::default()).unwrap();
        assert_eq!(built.staff, StaffSource::Shifts);
        let [commandes, sav] = &built.model.queues[..] else {
            panic!("two queues expected");
        };
        assert_eq!(commandes.days.len(), 2);
        let day = &commandes.days[0];
        // 7 in house; + 2.8 hired from 10:00 (9.8 -> 9); + 0.7 overtime
        // from 11:00 (10.5 -> 10); all leave at 12:00.
        assert_eq!(
            day.staff.steps(),
            &[(0.0, 7), (3600.0, 9), (7200.0, 10), (10800.0, 0)]
        );
        assert_eq!(day.partner_staff.steps(), &[(3600.0, 2), (10800.0, 0)]);
        assert_eq!(
            commandes.overflow.map(|o| o.rule),
            Some(OverflowRule::ExpectedWaitAbove(0.0))
        );
        assert_eq!(commandes.patience_s, Some(120.0));
        // sav is level 2: no overflow; 4.2 on the phones are 4 servers.
        assert_eq!(sav.overflow, None);
        assert_eq!(sav.days[0].staff.at(60.0), 4);
        let Volumes::Forecast { mean, band: Some(band) } =
            &commandes.days[1].volumes
        else {
            panic!("forecast volumes with a band expected");
        };
        let total: f64 = mean.iter().sum();
        assert!(band.p10 < total && total < band.p90, "{band:?} {total}");
        assert_eq!(built.days[1].date.to_string(), "2025-11-28");
    }

    #[test]
    fn scheduled_agents_by_source_give_the_same_staff_as_the_shifts() {
        let (mut folder, scenario) = fixture("plan_shifts");
        let from_shifts =
            build(&folder, &scenario, None, &BuildOptions::default()).unwrap();
        folder.shifts = None;
        let from_intervals =
            build(&folder, &scenario, None, &BuildOptions::default()).unwrap();
        assert_eq!(from_intervals.staff, StaffSource::ScheduledAgents);
        assert!(from_intervals.notes.is_empty());
        for (a, b) in
            from_shifts.model.queues.iter().zip(&from_intervals.model.queues)
        {
            for (x, y) in a.days.iter().zip(&b.days) {
                assert_eq!(x.staff, y.staff, "{} {}", a.name, x.label);
                assert_eq!(x.partner_staff, y.partner_staff);
            }
        }
    }

    #[test]
    fn without_shifts_the_required_agents_play_with_a_note() {
        let (folder, scenario) = fixture("plan_required");
        let options = BuildOptions {
            days: Some((
                NaiveDate::from_ymd_opt(2025, 11, 28).unwrap(),
                NaiveDate::from_ymd_opt(2025, 11, 28).unwrap(),
            )),
            ..BuildOptions::default()
        };
        let built = build(&folder, &scenario, None, &options).unwrap();
        assert_eq!(built.staff, StaffSource::RequiredAgents);
        assert!(built.notes[0].contains("required agents"));
        let q = &built.model.queues[0];
        assert_eq!(q.days.len(), 1);
        // Required agents 7, 9, 10, 11, 10, 8 at the usual volume, × 1.4
        // rounded up on Black Friday.
        assert_eq!(q.days[0].staff.at(0.0), 10);
        // No partner staff in today's folders: no overflow.
        assert_eq!(q.overflow, None);
    }

    proptest::proptest! {
        /// Between any two boundaries, the servers are the whole part of the
        /// summed on-phone agents, never more.
        #[test]
        fn servers_are_the_floor_of_the_agents_on_the_phones(
            blocks in proptest::collection::vec(
                (0u32..48, 1u32..12, 0.0f64..6.0), 1..10),
            probe in 0u32..60,
        ) {
            let blocks: Vec<(f64, f64, f64)> = blocks
                .iter()
                .map(|&(s, len, on)| {
                    (f64::from(s) * 900.0, f64::from(s + len) * 900.0, on)
                })
                .collect();
            let staff = whole_servers(&blocks).unwrap();
            let t = f64::from(probe) * 900.0 + 1.0;
            let sum: f64 = blocks
                .iter()
                .filter(|b| b.0 <= t && t < b.1)
                .map(|b| b.2)
                .sum();
            proptest::prop_assert_eq!(staff.at(t), (sum + 1e-9).floor() as u32);
        }
    }
}
