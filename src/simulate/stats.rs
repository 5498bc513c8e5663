//! Counts of one run, and the figures over runs.
//!
//! # Definitions
//!
//! For one run and day (contacts counted on the day they arrive; a redial
//! is a new arrival):
//!
//! * service level = answered within the threshold / arrivals (hang-ups
//!   and callers still waiting at the close count as missed, as in
//!   [`crate::erlang`]'s Erlang A);
//! * P(wait) = arrivals not answered on arrival / arrivals;
//! * abandonment = hang-ups / arrivals; overflow share = sent to the
//!   partner / arrivals;
//! * ASA = mean wait of answered contacts, zero waits included;
//! * occupancy = busy server time / staffed server time in house (a server
//!   finishing a contact after its shift counts as staffed until done).
//!
//! Over runs, the daily service level gets its distribution (mean and
//! quantiles of the per-run values, linear interpolation between order
//! statistics) and P(SL ≥ target); the other rates are pooled, weighted
//! by calls (total hang-ups over total arrivals, etc.). Per slot, the
//! service level is pooled the same way over the contacts arriving in the
//! slot, and the queue length is the time-average number waiting.

/// Counts of one queue-day in one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DayTally {
    pub arrivals: u64,
    pub redials: u64,
    pub answered: u64,
    pub within: u64,
    pub delayed: u64,
    pub abandoned: u64,
    pub waiting_end: u64,
    pub overflowed: u64,
    pub wait_sum: f64,
    pub longest_wait: f64,
    pub busy_s: f64,
    pub staffed_s: f64,
}

/// Counts of one slot in one run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct SlotTally {
    pub arrivals: u64,
    pub within: u64,
    /// Caller-seconds spent waiting inside the slot.
    pub queue_s: f64,
}

/// Sums over runs of one queue-day, plus each run's service level.
#[derive(Clone, Debug, Default)]
pub(crate) struct DayAcc {
    pub sum: DayTally,
    pub longest_wait_sum: f64,
    pub sl: Vec<f64>,
    pub slots: Vec<SlotTally>,
    /// Each run's service level per slot, run after run (NaN for a slot
    /// without contacts).
    pub slot_sl: Vec<f64>,
}

impl DayAcc {
    pub(crate) fn new(slots: usize) -> DayAcc {
        DayAcc {
            slots: vec![SlotTally::default(); slots],
            ..DayAcc::default()
        }
    }

    pub(crate) fn add_run(&mut self, t: &DayTally, slots: &[SlotTally]) {
        self.sum.add(t);
        self.longest_wait_sum += t.longest_wait;
        if t.arrivals > 0 {
            self.sl.push(t.within as f64 / t.arrivals as f64);
        }
        add_slots(&mut self.slots, slots);
        self.slot_sl.extend(slots.iter().map(|t| {
            if t.arrivals > 0 {
                t.within as f64 / t.arrivals as f64
            } else {
                f64::NAN
            }
        }));
    }

    /// Adds the runs of `other`, which come after this one's.
    pub(crate) fn merge(&mut self, other: DayAcc) {
        self.sum.add(&other.sum);
        self.longest_wait_sum += other.longest_wait_sum;
        self.sl.extend(other.sl);
        add_slots(&mut self.slots, &other.slots);
        self.slot_sl.extend(other.slot_sl);
    }
}

impl DayTally {
    /// Adds `o`'s counts; the longest wait is the larger.
    fn add(&mut self, o: &DayTally) {
        self.arrivals += o.arrivals;
        self.redials += o.redials;
        self.answered += o.answered;
        self.within += o.within;
        self.delayed += o.delayed;
        self.abandoned += o.abandoned;
        self.waiting_end += o.waiting_end;
        self.overflowed += o.overflowed;
        self.wait_sum += o.wait_sum;
        self.longest_wait = self.longest_wait.max(o.longest_wait);
        self.busy_s += o.busy_s;
        self.staffed_s += o.staffed_s;
    }
}

fn add_slots(into: &mut [SlotTally], from: &[SlotTally]) {
    for (a, b) in into.iter_mut().zip(from) {
        a.arrivals += b.arrivals;
        a.within += b.within;
        a.queue_s += b.queue_s;
    }
}

/// The simulated figures of one queue and day, over all runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DayStats {
    /// The queue's name.
    pub queue: String,
    /// The day's label.
    pub day: String,
    /// Runs simulated.
    pub runs: u32,
    /// Mean daily service level over runs; `None` when no run had a
    /// contact.
    pub sl_mean: Option<f64>,
    /// 10 % quantile of the daily service level over runs.
    pub sl_p10: Option<f64>,
    /// Median daily service level over runs.
    pub sl_p50: Option<f64>,
    /// 90 % quantile of the daily service level over runs.
    pub sl_p90: Option<f64>,
    /// Share of runs whose daily service level reaches the target (runs
    /// without any contact count as reaching it).
    pub p_meet_target: f64,
    /// Mean contacts per run (redials included).
    pub arrivals_mean: f64,
    /// Hang-ups over arrivals, pooled over runs.
    pub abandon_rate: Option<f64>,
    /// Contacts not answered on arrival over arrivals, pooled.
    pub p_wait: Option<f64>,
    /// Mean wait of answered contacts in seconds, pooled.
    pub asa_s: Option<f64>,
    /// Mean over runs of the day's longest wait, in seconds.
    pub longest_wait_mean_s: f64,
    /// Longest wait seen in any run, in seconds.
    pub longest_wait_max_s: f64,
    /// In-house busy over staffed server time, pooled.
    pub occupancy: Option<f64>,
    /// Contacts sent to the partner over arrivals, pooled.
    pub overflow_share: Option<f64>,
    /// Mean callers still waiting at the day's close, per run.
    pub waiting_at_close_mean: f64,
}

/// The simulated figures of one slot of one queue and day.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SlotStats {
    /// The queue's name.
    pub queue: String,
    /// The day's label.
    pub day: String,
    /// The slot's index from the day's opening.
    pub slot: usize,
    /// Mean contacts arriving in the slot per run.
    pub arrivals_mean: f64,
    /// Contacts arriving in the slot answered within the threshold over
    /// those arriving, pooled over runs.
    pub sl_mean: Option<f64>,
    /// 10 % quantile over runs of the slot's service level (runs with a
    /// contact in the slot).
    pub sl_p10: Option<f64>,
    /// 90 % quantile over runs of the slot's service level.
    pub sl_p90: Option<f64>,
    /// Share of runs whose slot service level reaches the target (runs
    /// without a contact in the slot count as reaching it).
    pub p_meet_target: f64,
    /// Time-average number of callers waiting during the slot, mean over
    /// runs.
    pub queue_len_mean: f64,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    if b > 0.0 { Some(a / b) } else { None }
}

/// Quantile `p` of sorted values by linear interpolation between order
/// statistics (Hyndman & Fan type 7); `None` when empty.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = p * (n - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

impl DayAcc {
    pub(crate) fn finish(
        self,
        queue: &str,
        day: &str,
        runs: u32,
        target: f64,
        slot_s: f64,
        out_slots: &mut Vec<SlotStats>,
    ) -> DayStats {
        let s = &self.sum;
        let arrivals = s.arrivals as f64;
        let n = f64::from(runs.max(1));
        let mut sl = self.sl.clone();
        sl.sort_unstable_by(f64::total_cmp);
        let met = self.sl.iter().filter(|&&x| x >= target).count()
            + (runs as usize - self.sl.len());
        let mean = if sl.is_empty() {
            None
        } else {
            Some(self.sl.iter().sum::<f64>() / sl.len() as f64)
        };
        let width = self.slots.len();
        let mut column = Vec::with_capacity(runs as usize);
        for (i, t) in self.slots.iter().enumerate() {
            column.clear();
            column.extend(
                self.slot_sl
                    .iter()
                    .skip(i)
                    .step_by(width.max(1))
                    .filter(|x| !x.is_nan()),
            );
            column.sort_unstable_by(f64::total_cmp);
            let empty = runs as usize - column.len();
            let met = column.iter().filter(|&&x| x >= target).count() + empty;
            out_slots.push(SlotStats {
                queue: queue.to_string(),
                day: day.to_string(),
                slot: i,
                arrivals_mean: t.arrivals as f64 / n,
                sl_mean: ratio(t.within as f64, t.arrivals as f64),
                sl_p10: quantile(&column, 0.1),
                sl_p90: quantile(&column, 0.9),
                p_meet_target: met as f64 / n,
                queue_len_mean: t.queue_s / (n * slot_s),
            });
        }
        DayStats {
            queue: queue.to_string(),
            day: day.to_string(),
            runs,
            sl_mean: mean,
            sl_p10: quantile(&sl, 0.1),
            sl_p50: quantile(&sl, 0.5),
            sl_p90: quantile(&sl, 0.9),
            p_meet_target: met as f64 / n,
            arrivals_mean: arrivals / n,
            abandon_rate: ratio(s.abandoned as f64, arrivals),
            p_wait: ratio(s.delayed as f64, arrivals),
            asa_s: ratio(s.wait_sum, s.answered as f64),
            longest_wait_mean_s: self.longest_wait_sum / n,
            longest_wait_max_s: s.longest_wait,
            occupancy: ratio(s.busy_s, s.staffed_s),
            overflow_share: ratio(s.overflowed as f64, arrivals),
            waiting_at_close_mean: s.waiting_end as f64 / n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.1), Some(1.4));
        assert_eq!(quantile(&v, 1.0), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
