//! What the simulation is given: per queue, the days to play, their slot
//! grid, volumes and staff, and the queue's service rules. Plain data,
//! checked once by [`Model::validate`].

use super::SimError;

/// A plan to simulate: queues that share one slot length.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Length of one slot (interval) in seconds.
    pub slot_s: f64,
    /// The queues; each is simulated on its own (no agent serves two).
    pub queues: Vec<QueueModel>,
}

/// One queue: its service rules and the days to play.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueModel {
    /// The queue's name, carried to the results.
    pub name: String,
    /// Voice, or chat with several sessions per agent.
    pub channel: Channel,
    /// Average handle time of one contact (one session, for chat), in
    /// seconds.
    pub aht_s: f64,
    /// The law of handle times around [`aht_s`](QueueModel::aht_s).
    pub handle: HandleTime,
    /// Mean of the callers' exponential patience, in seconds; `None`:
    /// nobody hangs up.
    pub patience_s: Option<f64>,
    /// Whether callers who hung up call again.
    pub redial: Option<Redial>,
    /// The service-level target the days are judged against.
    pub target: SlTarget,
    /// Coefficient of variation of the interval noise on top of the day
    /// factor (forecast days only): each slot's rate is multiplied by a
    /// mean-one lognormal of this CV. `0` for none.
    pub interval_cv: f64,
    /// Level-1 contacts sent to a partner by a threshold, if any.
    pub overflow: Option<Overflow>,
    /// The days, in order; each is an independent horizon.
    pub days: Vec<DayPlan>,
}

/// The channel: how many contacts one agent holds at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Channel {
    /// One call per agent.
    Voice,
    /// Up to `concurrency` chat sessions per agent; each agent offers that
    /// many session slots (as in [`crate::erlang::channels`]).
    Chat {
        /// Sessions per agent, at least 1.
        concurrency: u32,
    },
}

impl Channel {
    /// Contacts one agent holds at once.
    pub fn concurrency(&self) -> u32 {
        match *self {
            Channel::Voice => 1,
            Channel::Chat { concurrency } => concurrency,
        }
    }
}

/// The law of handle times, all with mean AHT.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HandleTime {
    /// Exponential (the Erlang assumption).
    Exponential,
    /// Lognormal with this coefficient of variation (sd / mean, > 0).
    LogNormal {
        /// Standard deviation over mean.
        cv: f64,
    },
}

/// Callers who hung up call again with `probability`, after an
/// exponential delay of mean `mean_delay_s` seconds (a redial is a new
/// arrival, with a new patience).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Redial {
    /// Probability of calling again after hanging up, in [0, 1].
    pub probability: f64,
    /// Mean delay before the new call, in seconds (> 0).
    pub mean_delay_s: f64,
}

/// Service level: `share` of contacts answered within `within_s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlTarget {
    /// The share to hold, in (0, 1): `0.8` for 80 %.
    pub share: f64,
    /// The answer-time threshold in seconds.
    pub within_s: f64,
}

/// Level-1 contacts go to a partner when the in-house queue is too long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overflow {
    /// Share of contacts that are level 1 (eligible for the partner).
    pub eligible_share: f64,
    /// When an eligible contact is sent.
    pub rule: OverflowRule,
}

/// The threshold of [`Overflow`], judged when a contact arrives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OverflowRule {
    /// More than this many callers wait in house.
    QueueLongerThan(u32),
    /// The expected in-house wait, `(waiting + 1) × AHT / slots staffed`
    /// (infinite with nobody on), is above this many seconds.
    ExpectedWaitAbove(f64),
}

/// One day of one queue: the slots from opening, their volumes and the
/// staff on the phones.
#[derive(Clone, Debug, PartialEq)]
pub struct DayPlan {
    /// The day's label (its date), carried to the results.
    pub label: String,
    /// Forecast or actual volumes, one per slot; their number sets the
    /// day's horizon (`slots × slot_s`).
    pub volumes: Volumes,
    /// In-house agents on the phones.
    pub staff: Staff,
    /// The partner's agents serving overflowed contacts.
    pub partner_staff: Staff,
}

/// The volumes of a day.
#[derive(Clone, Debug, PartialEq)]
pub enum Volumes {
    /// Forecast mean contacts per slot and, when known, the forecast's
    /// 10 % and 90 % quantiles of the day's total: the day factor is then
    /// calibrated to them (see [`super::arrivals`]).
    Forecast {
        /// Mean contacts per slot.
        mean: Vec<f64>,
        /// The day total's forecast p10 and p90.
        band: Option<DailyBand>,
    },
    /// Realized contacts per slot, replayed exactly (arrival times
    /// uniform inside each slot).
    Actual(Vec<u32>),
}

impl Volumes {
    /// Number of slots.
    pub fn slots(&self) -> usize {
        match self {
            Volumes::Forecast { mean, .. } => mean.len(),
            Volumes::Actual(v) => v.len(),
        }
    }
}

/// Forecast quantiles of a day's total volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DailyBand {
    /// 10 % quantile of the day's contacts.
    pub p10: f64,
    /// 90 % quantile of the day's contacts.
    pub p90: f64,
}

/// Staff on the phones over a day: a step function of time.
///
/// When the count drops, agents busy with a contact finish it before they
/// leave; nobody new is served until the count on the phones is below the
/// new level.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Staff {
    steps: Vec<(f64, u32)>,
}

/// One block of people on the phones: from `start_s` to `end_s` seconds
/// after the day's opening.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shift {
    /// Start, seconds from the day's first slot.
    pub start_s: f64,
    /// End, seconds from the day's first slot.
    pub end_s: f64,
    /// People on the phones during the block.
    pub people: u32,
}

impl Staff {
    /// Nobody, all day.
    pub fn none() -> Staff {
        Staff::default()
    }

    /// `agents[i]` on the phones through slot `i`.
    pub fn per_slot(agents: &[u32], slot_s: f64) -> Staff {
        let mut steps = Vec::with_capacity(agents.len());
        let mut last = 0;
        for (i, &n) in agents.iter().enumerate() {
            if n != last {
                steps.push((i as f64 * slot_s, n));
                last = n;
            }
        }
        steps.push((agents.len() as f64 * slot_s, 0));
        Staff { steps }
    }

    /// The sum of shifts: people join and leave at their own boundaries.
    ///
    /// # Errors
    ///
    /// [`SimError::Shift`] for a shift whose times are not finite or end
    /// before they start.
    pub fn from_shifts(shifts: &[Shift]) -> Result<Staff, SimError> {
        let mut edges: Vec<(f64, i64)> = Vec::with_capacity(2 * shifts.len());
        for (i, s) in shifts.iter().enumerate() {
            if !(s.start_s.is_finite()
                && s.end_s.is_finite()
                && s.start_s <= s.end_s)
            {
                return Err(SimError::Shift {
                    index: i,
                    start_s: s.start_s,
                    end_s: s.end_s,
                });
            }
            edges.push((s.start_s, i64::from(s.people)));
            edges.push((s.end_s, -i64::from(s.people)));
        }
        edges.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut steps: Vec<(f64, u32)> = Vec::new();
        let mut level = 0i64;
        let mut i = 0;
        while i < edges.len() {
            let t = edges[i].0;
            while i < edges.len() && edges[i].0 == t {
                level += edges[i].1;
                i += 1;
            }
            // Non-negative: every end is matched by an earlier start.
            let n = u32::try_from(level).unwrap_or(0);
            if steps.last().map_or(n != 0, |&(_, m)| m != n) {
                steps.push((t, n));
            }
        }
        Ok(Staff { steps })
    }

    /// The change points `(time_s, agents from then on)`, in time order;
    /// zero before the first.
    pub fn steps(&self) -> &[(f64, u32)] {
        &self.steps
    }

    /// Agents on the phones at `t_s` seconds.
    pub fn at(&self, t_s: f64) -> u32 {
        let k = self.steps.partition_point(|&(t, _)| t <= t_s);
        if k == 0 { 0 } else { self.steps[k - 1].1 }
    }
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

fn share(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

impl Model {
    /// Checks every number the simulation relies on.
    ///
    /// # Errors
    ///
    /// A [`SimError`] naming the queue, and the day and slot where there
    /// is one, of the first bad value.
    pub fn validate(&self) -> Result<(), SimError> {
        if !positive(self.slot_s) {
            return Err(SimError::SlotLength(self.slot_s));
        }
        for q in &self.queues {
            let bad = |field: &'static str, value: f64| SimError::Queue {
                queue: q.name.clone(),
                field,
                value,
            };
            if !positive(q.aht_s) {
                return Err(bad("aht_s", q.aht_s));
            }
            if let HandleTime::LogNormal { cv } = q.handle
                && !positive(cv)
            {
                return Err(bad("handle cv", cv));
            }
            if let Some(p) = q.patience_s
                && !positive(p)
            {
                return Err(bad("patience_s", p));
            }
            if let Some(r) = q.redial {
                if !share(r.probability) {
                    return Err(bad("redial probability", r.probability));
                }
                if !positive(r.mean_delay_s) {
                    return Err(bad("redial delay", r.mean_delay_s));
                }
            }
            if !(q.target.share > 0.0 && q.target.share < 1.0) {
                return Err(bad("target share", q.target.share));
            }
            if !(q.target.within_s.is_finite() && q.target.within_s >= 0.0) {
                return Err(bad("target within_s", q.target.within_s));
            }
            if !(q.interval_cv.is_finite() && q.interval_cv >= 0.0) {
                return Err(bad("interval_cv", q.interval_cv));
            }
            if q.channel.concurrency() == 0 {
                return Err(bad("concurrency", 0.0));
            }
            if let Some(o) = q.overflow {
                if !share(o.eligible_share) {
                    return Err(bad(
                        "overflow eligible share",
                        o.eligible_share,
                    ));
                }
                if let OverflowRule::ExpectedWaitAbove(w) = o.rule
                    && !(w.is_finite() && w >= 0.0)
                {
                    return Err(bad("overflow expected wait", w));
                }
            }
            for d in &q.days {
                validate_day(&q.name, d)?;
            }
        }
        Ok(())
    }
}

fn validate_day(queue: &str, d: &DayPlan) -> Result<(), SimError> {
    let bad =
        |slot: Option<usize>, field: &'static str, value: f64| SimError::Day {
            queue: queue.to_string(),
            day: d.label.clone(),
            slot,
            field,
            value,
        };
    if let Volumes::Forecast { mean, band } = &d.volumes {
        for (i, &m) in mean.iter().enumerate() {
            if !(m.is_finite() && m >= 0.0) {
                return Err(bad(Some(i), "forecast volume", m));
            }
        }
        if let Some(b) = band {
            if !(b.p10.is_finite() && b.p10 >= 0.0) {
                return Err(bad(None, "daily p10", b.p10));
            }
            if !(b.p90.is_finite() && b.p90 >= b.p10) {
                return Err(bad(None, "daily p90", b.p90));
            }
        }
    }
    for staff in [&d.staff, &d.partner_staff] {
        for &(t, _) in staff.steps() {
            if !t.is_finite() {
                return Err(bad(None, "staff change time", t));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_per_slot_is_a_step_function_ending_at_close() {
        let s = Staff::per_slot(&[2, 2, 5, 0, 1], 1800.0);
        assert_eq!(
            s.steps(),
            &[(0.0, 2), (3600.0, 5), (5400.0, 0), (7200.0, 1), (9000.0, 0)]
        );
        assert_eq!(s.at(-1.0), 0);
        assert_eq!(s.at(3599.0), 2);
        assert_eq!(s.at(3600.0), 5);
        assert_eq!(s.at(9000.0), 0);
    }

    #[test]
    fn shifts_add_up_and_leave_at_their_own_ends() {
        let shifts = [
            Shift { start_s: 0.0, end_s: 3600.0, people: 3 },
            Shift { start_s: 900.0, end_s: 4500.0, people: 2 },
            Shift { start_s: 3600.0, end_s: 7200.0, people: 3 },
        ];
        let s = Staff::from_shifts(&shifts).unwrap();
        assert_eq!(
            s.steps(),
            &[(0.0, 3), (900.0, 5), (4500.0, 3), (7200.0, 0)]
        );
        let bad = [Shift { start_s: 10.0, end_s: 5.0, people: 1 }];
        assert!(matches!(
            Staff::from_shifts(&bad),
            Err(SimError::Shift { index: 0, .. })
        ));
    }
}
