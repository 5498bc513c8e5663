//! Agents per interval: how many to schedule so that the service level
//! holds on real days, not only on the forecast's average day.
//!
//! # Method
//!
//! The forecast gives, per interval, a mean volume and its 10th, 50th and
//! 90th percentiles. Staffing to the mean misses the target on about half
//! the intervals, because the service level falls faster when volume runs
//! above the forecast than it rises when volume runs below.
//!
//! The volume of an interval is modelled as a lognormal variable `V` with
//! the forecast's mean `m` and the standard deviation implied by the
//! p10–p90 width, `s = (p90 − p10) / (2 · 1.2816)`, so
//! `σ² = ln(1 + s²/m²)` and `μ = ln m − σ²/2`. The expectation over `V` is
//! taken on [`QUADRATURE_POINTS`] equally likely points (the midpoints of
//! as many quantile bands), which handles the long right tail honestly.
//!
//! With [`StaffTo::Auto`] each interval gets the fewest agents `N` whose
//! call-weighted expected service level meets the target:
//!
//! ```text
//! E[V · SL(N, V)] / E[V]  ≥  target        (service-level goals)
//! E[V · s(N, V)] / E[V]   ≥  1             (ASA goals, s = min(1, target
//!                                            / ASA), ASA capped at the
//!                                            interval length)
//! ```
//!
//! and whose occupancy at the mean volume stays under the cap. Since each
//! interval needs the fewest agents that hold its own target in
//! expectation, no other per-interval rule reaches the target in
//! expectation with fewer agent-hours. Call weighting matters: a planner's
//! weekly service level is answered calls over offered calls, so busy
//! intervals count more.
//!
//! The queueing maths is [`crate::erlang`]'s: Erlang C, or Erlang A when
//! the queue has a `patience` (callers hang up; a hang-up counts as not
//! answered in time, and abandoned calls take no agent time, so occupancy
//! is answered work over agents). A chat agent offers `concurrency`
//! session slots, the sessions queue for slots. The search starts from the
//! agents of the mean volume and steps `N` one at a time, each point of
//! the quadrature keeping its own Erlang table ([`crate::erlang::Evaluator`]):
//! with Erlang C a step costs `O(1)` per point.
//!
//! The fixed rules [`StaffTo::Mean`], [`StaffTo::P50`] and [`StaffTo::P80`]
//! staff to one volume and report the service level they can expect.

use std::sync::OnceLock;

use statrs::distribution::{ContinuousCDF, Normal};

use crate::capacity::scenario::{Channel, Goal, QueueSpec};
use crate::erlang::{self, ErlangError, Evaluator, Measures, Params, Target};

/// Number of equally likely volumes the uncertainty is integrated over.
pub const QUADRATURE_POINTS: usize = 48;

/// The standard normal quantile of 0.9.
pub(crate) const Z90: f64 = 1.281_551_565_544_600_4;

/// A service level (or occupancy) within this of its target meets it:
/// the Erlang sums carry rounding near 1e-14, and a level computed as
/// 0.79999999999999 for an exact 0.8 is not a miss.
pub const SL_TOLERANCE: f64 = 1e-12;

/// A volume whose log-spread is below this is certain: a lognormal that
/// narrow is a single point, and its quadrature would divide by ~0.
const MIN_LOG_SPREAD: f64 = 1e-9;

/// The relative precision of [`QueueModel::capacity_at_target`]: a
/// ten-thousandth of the volume, as intervals.csv shows hundredths.
const CAPACITY_PRECISION: f64 = 1e-4;

/// Which volume each interval is staffed for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffTo {
    /// The forecast mean: misses the target on about half the intervals.
    Mean,
    /// The forecast median.
    P50,
    /// The 80th percentile of the fitted volume distribution.
    P80,
    /// The fewest agents whose expected service level over the forecast's
    /// uncertainty meets the target (default).
    #[default]
    Auto,
}

impl StaffTo {
    /// The name used on the command line and in the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffTo::Mean => "mean",
            StaffTo::P50 => "p50",
            StaffTo::P80 => "p80",
            StaffTo::Auto => "auto",
        }
    }
}

/// The uncertain volume of one interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VolumeDist {
    /// Forecast mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl VolumeDist {
    /// A volume known exactly.
    pub fn exact(v: f64) -> VolumeDist {
        VolumeDist { mean: v, p10: v, p50: v, p90: v }
    }

    /// (μ, σ) of the lognormal with this mean and p10–p90 spread.
    fn lognormal(&self) -> Option<(f64, f64)> {
        if self.mean.is_nan() || self.mean <= 0.0 {
            return None;
        }
        let sd = ((self.p90 - self.p10) / (2.0 * Z90)).max(0.0);
        let cv = sd / self.mean;
        let var = (1.0 + cv * cv).ln();
        let sigma = var.sqrt();
        (sigma > MIN_LOG_SPREAD).then(|| (self.mean.ln() - var / 2.0, sigma))
    }

    /// The `q` quantile of the fitted distribution.
    pub fn quantile(&self, q: f64) -> f64 {
        match self.lognormal() {
            None => self.mean.max(0.0),
            Some((mu, sigma)) => {
                let z = std_normal().inverse_cdf(q);
                (mu + sigma * z).exp()
            }
        }
    }

    /// Equally likely volumes covering the distribution.
    pub fn points(&self) -> Vec<f64> {
        match self.lognormal() {
            None => vec![self.mean.max(0.0)],
            Some((mu, sigma)) => {
                z_points().iter().map(|z| (mu + sigma * z).exp()).collect()
            }
        }
    }
}

fn std_normal() -> &'static Normal {
    static N: OnceLock<Normal> = OnceLock::new();
    N.get_or_init(|| {
        Normal::new(0.0, 1.0).unwrap_or_else(|_| unreachable!("valid"))
    })
}

fn z_points() -> &'static [f64] {
    static Z: OnceLock<Vec<f64>> = OnceLock::new();
    Z.get_or_init(|| {
        let k = QUADRATURE_POINTS as f64;
        (0..QUADRATURE_POINTS)
            .map(|i| std_normal().inverse_cdf((i as f64 + 0.5) / k))
            .collect()
    })
}

/// How one queue's intervals are served: everything needed to turn a
/// volume and a number of agents into a service level. The queueing maths
/// is [`crate::erlang`]'s: Erlang C, or Erlang A when the queue has a
/// patience; a chat agent offers `concurrency` session slots, as in
/// [`crate::erlang::channels`].
#[derive(Clone, Debug)]
pub struct QueueModel {
    /// Handle time in seconds (for chat: of one session at the queue's
    /// concurrency).
    pub aht_s: f64,
    /// Interval length in seconds.
    pub interval_s: f64,
    /// The goal.
    pub goal: Goal,
    /// Largest occupancy allowed (offered work over agents).
    pub max_occupancy: Option<f64>,
    /// Mean patience (Erlang A), if any.
    pub patience_s: Option<f64>,
    /// Channel.
    pub channel: Channel,
}

/// Agents and expected service of one interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Staffed {
    /// Volume the agents were sized for: the chosen quantile, or with
    /// [`StaffTo::Auto`] the largest volume these agents serve at target.
    pub staffing_volume: f64,
    /// Agents on the phones (after shrinkage is not applied here).
    pub agents: u32,
    /// Expected call-weighted service level over the volume's uncertainty
    /// (for ASA goals: the share of the ASA target met, capped at 1).
    pub service_level: f64,
}

impl QueueModel {
    /// The model of `spec` for intervals of `interval_s` seconds and a
    /// handle time of `aht_s`.
    pub fn new(spec: &QueueSpec, aht_s: f64, interval_s: f64) -> QueueModel {
        QueueModel {
            aht_s,
            interval_s,
            goal: spec.goal,
            max_occupancy: spec.max_occupancy,
            patience_s: spec.patience_s,
            channel: spec.channel,
        }
    }

    /// Sessions one agent serves at once (1 but for chat).
    fn concurrency(&self) -> u32 {
        match self.channel {
            Channel::Chat { concurrency } => concurrency,
            _ => 1,
        }
    }

    /// Traffic in Erlangs of agents (agent-equivalents busy) for `volume`
    /// contacts.
    pub fn traffic(&self, volume: f64) -> f64 {
        volume * self.aht_s / self.interval_s / f64::from(self.concurrency())
    }

    /// The queue the Erlang maths sees for `volume` contacts: one server
    /// per agent, or per chat session slot.
    fn load(&self, volume: f64) -> Result<Params, ErlangError> {
        let p = Params::new(volume, self.interval_s, self.aht_s)?;
        match self.patience_s {
            Some(patience) => p.with_patience(patience),
            None => Ok(p),
        }
    }

    /// Servers (agents, or chat session slots) that `agents` agents offer.
    fn servers(&self, agents: u32) -> u64 {
        u64::from(agents) * u64::from(self.concurrency())
    }

    /// The waiting time the service level is read at.
    fn within_s(&self) -> f64 {
        match self.goal {
            Goal::ServiceLevel { within_s, .. } => within_s,
            Goal::Asa { .. } => 0.0,
        }
    }

    /// The goal's score of `m`: the service level, or for ASA goals
    /// `min(1, target / ASA)` with the ASA capped at the interval length.
    fn score(&self, m: &Measures) -> f64 {
        match self.goal {
            Goal::ServiceLevel { .. } => m.service_level,
            Goal::Asa { asa_s } => {
                // Erlang A with nobody answering has no ASA: the worst.
                let asa =
                    if m.asa_s.is_nan() { f64::INFINITY } else { m.asa_s };
                let asa = asa.min(self.interval_s);
                if asa <= asa_s { 1.0 } else { asa_s / asa }
            }
        }
    }

    /// Service level with `agents` for `volume` contacts: the share
    /// answered within the target time (ASA goals: `min(1, target/ASA)`).
    /// A load beyond what the Erlang maths accepts is served at 0.
    pub fn service_level(&self, agents: u32, volume: f64) -> f64 {
        if self.traffic(volume) <= 0.0 {
            return 1.0;
        }
        match self.measures(agents, volume) {
            Some(m) => self.score(&m),
            None => 0.0,
        }
    }

    /// [`Self::service_level`] of 0, 1, …, `up_to` agents on `volume`, in
    /// one pass: the Erlang table grows with the agents instead of being
    /// rebuilt for each count.
    pub fn service_levels(&self, volume: f64, up_to: u32) -> Vec<f64> {
        let n = up_to as usize + 1;
        if self.traffic(volume) <= 0.0 {
            return vec![1.0; n];
        }
        let Ok(load) = self.load(volume) else { return vec![0.0; n] };
        let mut ev = Evaluator::new(load, 0);
        let within = self.within_s();
        (0..=up_to)
            .map(|a| self.score(&ev.measures(self.servers(a), within)))
            .collect()
    }

    /// The Erlang measures of `agents` on `volume`, `None` beyond what the
    /// Erlang maths accepts.
    fn measures(&self, agents: u32, volume: f64) -> Option<Measures> {
        let p = self.load(volume).ok()?;
        Some(erlang::evaluate_at(&p, self.servers(agents), self.within_s()))
    }

    fn target(&self) -> f64 {
        match self.goal {
            Goal::ServiceLevel { sl, .. } => sl,
            Goal::Asa { .. } => 1.0,
        }
    }

    /// Whether `m` keeps the occupancy cap: the work answered (abandoned
    /// calls take no agent time) over the agents, or session slots.
    fn occupancy_ok(&self, m: &Measures) -> bool {
        self.max_occupancy.is_none_or(|occ| m.occupancy <= occ + SL_TOLERANCE)
    }

    /// Fewest agents meeting the goal and the occupancy cap for a volume
    /// known exactly ([`erlang::required_agents`], servers turned into
    /// agents). `u32::MAX` for a load beyond the Erlang maths.
    pub fn required(&self, volume: f64) -> u32 {
        let a = self.traffic(volume);
        if a <= 0.0 {
            return 0;
        }
        let target = match self.goal {
            Goal::ServiceLevel { sl, within_s } => {
                Target::service_level(sl, within_s)
            }
            Goal::Asa { asa_s } => Target::asa(asa_s),
        };
        let target = match self.max_occupancy {
            Some(occ) => target.and_then(|t| t.with_max_occupancy(occ)),
            None => target,
        };
        let Ok(target) = target else { return u32::MAX };
        if let Channel::Email { .. } = self.channel {
            // The volume is already spread over the deadline: each
            // interval's share is cleared within the interval.
            let backlog = erlang::channels::backlog_agents(
                volume,
                self.aht_s,
                self.interval_s,
                &target,
            );
            return backlog.map_or(u32::MAX, |b| {
                u32::try_from(b.agents).unwrap_or(u32::MAX)
            });
        }
        let Ok(load) = self.load(volume) else { return u32::MAX };
        let agents = match self.channel {
            Channel::Chat { concurrency } => {
                erlang::channels::chat_agents(&load, &target, concurrency)
                    .map_or(u64::MAX, |s| s.agents)
            }
            _ => erlang::required_agents(&load, &target).agents,
        };
        u32::try_from(agents).unwrap_or(u32::MAX)
    }

    /// Expected call-weighted service level with `agents` over `points`
    /// (0 for a load beyond the Erlang maths).
    pub fn expected_sl(&self, agents: u32, points: &[f64]) -> f64 {
        match Spread::new(self, points, agents) {
            Ok(mut s) => s.expected(self, agents),
            Err(_) => 0.0,
        }
    }

    /// [`Self::expected_sl`] of `from`, `from + 1`, …, `to` agents, in one
    /// pass: each point's Erlang table grows with the agents. Empty when
    /// `to < from`; zeros for a load beyond the Erlang maths.
    pub fn expected_sls(
        &self,
        points: &[f64],
        from: u32,
        to: u32,
    ) -> Vec<f64> {
        if to < from {
            return vec![];
        }
        match Spread::new(self, points, from) {
            Ok(mut s) => (from..=to).map(|n| s.expected(self, n)).collect(),
            Err(_) => vec![0.0; (to - from) as usize + 1],
        }
    }

    /// Staffs one interval of uncertain volume `dist` by rule `rule`.
    ///
    /// # Errors
    ///
    /// [`ErlangError::Traffic`] when the volume's upper range is more
    /// traffic than the Erlang maths accepts.
    pub fn staff(
        &self,
        dist: &VolumeDist,
        rule: StaffTo,
    ) -> Result<Staffed, ErlangError> {
        if matches!(self.channel, Channel::Email { .. }) {
            return Ok(Staffed {
                staffing_volume: dist.mean,
                agents: self.required(dist.mean),
                service_level: 1.0,
            });
        }
        let points = dist.points();
        let fixed = match rule {
            StaffTo::Mean => Some(dist.mean),
            StaffTo::P50 => Some(dist.p50),
            StaffTo::P80 => Some(dist.quantile(0.8)),
            StaffTo::Auto => None,
        };
        if let Some(v) = fixed {
            let n = self.required(v);
            let sl = Spread::new(self, &points, n)?.expected(self, n);
            return Ok(Staffed {
                staffing_volume: v,
                agents: n,
                service_level: sl,
            });
        }
        if self.traffic(dist.mean) <= 0.0 {
            return Ok(Staffed {
                staffing_volume: 0.0,
                agents: 0,
                service_level: 1.0,
            });
        }
        // The mean's load first: `required` reads a load beyond the Erlang
        // maths as "no count is enough", which is no place to start from.
        let mean_load = self.load(dist.mean)?;
        // Start from the agents of the mean volume (close below the
        // answer), then step by one: each step extends the Erlang tables
        // already built for every point.
        let guess = self.required(dist.mean).max(1);
        let mut spread = Spread::new(self, &points, guess)?;
        let mut mean = Evaluator::new(mean_load, self.servers(guess));
        let target = self.target() - SL_TOLERANCE;
        let within = self.within_s();
        let mut meets = |n: u32| -> Option<f64> {
            if self.max_occupancy.is_some() {
                let m = mean.measures(self.servers(n), within);
                if !self.occupancy_ok(&m) {
                    return None;
                }
            }
            let sl = spread.expected(self, n);
            (sl >= target).then_some(sl)
        };
        let (mut n, mut sl) = (guess, meets(guess));
        if let Some(mut held) = sl {
            while n > 1 {
                match meets(n - 1) {
                    Some(s) => (n, held) = (n - 1, s),
                    None => break,
                }
            }
            sl = Some(held);
        } else {
            // Ends at the latest where the largest point alone is served
            // at target.
            while sl.is_none() && n < u32::MAX {
                n += 1;
                sl = meets(n);
            }
        }
        Ok(Staffed {
            staffing_volume: self.capacity_at_target(n),
            agents: n,
            service_level: sl.unwrap_or(0.0),
        })
    }

    /// The largest volume `agents` serve at target within the occupancy
    /// cap (bisection on volume, both falling as volume grows).
    pub fn capacity_at_target(&self, agents: u32) -> f64 {
        if agents == 0 {
            return 0.0;
        }
        let target = self.target() - SL_TOLERANCE;
        let ok = |v: f64| {
            self.measures(agents, v).is_some_and(|m| {
                self.score(&m) >= target && self.occupancy_ok(&m)
            })
        };
        let per_agent = 1.0 / self.traffic(1.0);
        let (mut lo, mut hi) = (0.0, f64::from(agents) * per_agent);
        if ok(hi) {
            return hi;
        }
        while hi - lo > CAPACITY_PRECISION * hi {
            let mid = 0.5 * (lo + hi);
            if ok(mid) { lo = mid } else { hi = mid }
        }
        lo
    }
}

/// The equally likely volumes of one interval, each with its own Erlang
/// table kept across numbers of agents.
struct Spread {
    /// `(volume, evaluator)`; a volume of zero has no evaluator.
    points: Vec<(f64, Option<Evaluator>)>,
    total: f64,
}

impl Spread {
    fn new(
        m: &QueueModel,
        points: &[f64],
        agents: u32,
    ) -> Result<Spread, ErlangError> {
        let servers = m.servers(agents);
        let points = points
            .iter()
            .map(|&v| {
                if m.traffic(v) <= 0.0 {
                    return Ok((v, None));
                }
                Ok((v, Some(Evaluator::new(m.load(v)?, servers))))
            })
            .collect::<Result<Vec<_>, ErlangError>>()?;
        let total = points.iter().map(|p| p.0).sum();
        Ok(Spread { points, total })
    }

    /// `E[V · score(N, V)] / E[V]` over the points.
    fn expected(&mut self, m: &QueueModel, agents: u32) -> f64 {
        if self.total <= 0.0 {
            return 1.0;
        }
        let (servers, within) = (m.servers(agents), m.within_s());
        let served: f64 = self
            .points
            .iter_mut()
            .map(|(v, e)| match e {
                Some(e) => *v * m.score(&e.measures(servers, within)),
                None => *v,
            })
            .sum();
        served / self.total
    }
}

/// Spreads email work over its deadline: work arriving in an interval may
/// be done in that interval or any of the next `k − 1` open intervals of
/// the same queue, so the agents needed follow the moving average of the
/// arriving work. Returns the smoothed volumes, same length as `volumes`.
pub fn spread_backlog(volumes: &[f64], k: usize) -> Vec<f64> {
    let k = k.max(1);
    let mut out = vec![0.0; volumes.len()];
    for (i, v) in volumes.iter().enumerate() {
        let end = (i + k).min(volumes.len());
        let share = v / (end - i) as f64;
        for o in &mut out[i..end] {
            *o += share;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    impl QueueModel {
        fn staff_ok(&self, dist: &VolumeDist, rule: StaffTo) -> Staffed {
            self.staff(dist, rule).unwrap()
        }
    }

    fn voice(aht: f64) -> QueueModel {
        QueueModel {
            aht_s: aht,
            interval_s: 1800.0,
            goal: Goal::ServiceLevel { sl: 0.8, within_s: 20.0 },
            max_occupancy: None,
            patience_s: None,
            channel: Channel::Voice,
        }
    }

    #[test]
    fn classic_textbook_interval() {
        // 360 calls in 30 min at 240 s: 48 Erlangs. Erlang C gives
        // SL(20 s) = 0.7518 with 53 agents and 0.8172 with 54.
        let m = voice(240.0);
        assert_eq!(m.traffic(360.0), 48.0);
        assert_eq!(m.required(360.0), 54);
        assert!((m.service_level(54, 360.0) - 0.817_247_521).abs() < 1e-8);
        assert!((m.service_level(53, 360.0) - 0.751_768_245).abs() < 1e-8);
    }

    #[test]
    fn exact_volume_gives_the_deterministic_answer() {
        let m = voice(240.0);
        let s = m.staff_ok(&VolumeDist::exact(100.0), StaffTo::Auto);
        assert_eq!(s.agents, m.required(100.0));
        assert!(s.staffing_volume >= 100.0);
        assert!(m.required(s.staffing_volume) == s.agents);
    }

    #[test]
    fn auto_needs_more_than_mean_and_holds_the_target() {
        let m = voice(240.0);
        let d = VolumeDist { mean: 200.0, p10: 150.0, p50: 195.0, p90: 255.0 };
        let mean = m.staff_ok(&d, StaffTo::Mean);
        let auto = m.staff_ok(&d, StaffTo::Auto);
        assert!(mean.service_level < 0.8, "{mean:?}");
        assert!(auto.agents > mean.agents);
        assert!(auto.service_level >= 0.8);
        // One agent fewer misses the expected target.
        let pts = d.points();
        assert!(m.expected_sl(auto.agents - 1, &pts) < 0.8);
    }

    #[test]
    fn lognormal_fit_keeps_the_mean() {
        let d = VolumeDist { mean: 50.0, p10: 30.0, p50: 48.0, p90: 72.0 };
        let pts = d.points();
        let mean = pts.iter().sum::<f64>() / pts.len() as f64;
        assert!((mean - 50.0).abs() < 0.6, "{mean}");
        assert!(d.quantile(0.8) > d.quantile(0.5));
    }

    #[test]
    fn zero_volume_needs_nobody() {
        let m = voice(240.0);
        let s = m.staff_ok(&VolumeDist::exact(0.0), StaffTo::Auto);
        assert_eq!(s.agents, 0);
        assert_eq!(s.service_level, 1.0);
    }

    #[test]
    fn email_backlog_is_spread_over_the_deadline() {
        let out = spread_backlog(&[8.0, 0.0, 0.0, 0.0], 4);
        assert_eq!(out, vec![2.0, 2.0, 2.0, 2.0]);
        let out = spread_backlog(&[0.0, 0.0, 6.0], 4);
        assert_eq!(out, vec![0.0, 0.0, 6.0]);
    }

    #[test]
    fn patience_changes_the_answer() {
        // 100 calls in 30 minutes at 180 s (10 Erlangs), 80 % in 20 s.
        // Callers who hang up after 30 s on average leave the queue
        // shorter for the others: Erlang A needs fewer agents than
        // Erlang C, and more patient callers bring it back towards C.
        let c = voice(180.0);
        let a = QueueModel { patience_s: Some(30.0), ..voice(180.0) };
        let patient = QueueModel { patience_s: Some(3600.0), ..voice(180.0) };
        assert_eq!(c.required(100.0), 14);
        assert!(
            a.required(100.0) < c.required(100.0),
            "{}",
            a.required(100.0)
        );
        assert!(a.required(100.0) <= patient.required(100.0));
        assert!(patient.required(100.0) <= c.required(100.0));
        // The same number of agents serves more within 20 s with
        // patience (hang-ups count as missed, yet the queue is shorter).
        assert!(a.service_level(12, 100.0) > c.service_level(12, 100.0));
        // And auto staffs fewer agents for the same uncertain volume.
        let d = VolumeDist { mean: 100.0, p10: 80.0, p50: 99.0, p90: 122.0 };
        assert!(
            a.staff_ok(&d, StaffTo::Auto).agents
                < c.staff_ok(&d, StaffTo::Auto).agents
        );
    }

    #[test]
    fn stepping_agrees_with_evaluating_from_scratch() {
        // The expected service level read from kept tables equals the one
        // computed point by point with fresh tables, for C and A.
        for patience in [None, Some(60.0)] {
            let m = QueueModel { patience_s: patience, ..voice(300.0) };
            let d =
                VolumeDist { mean: 240.0, p10: 190.0, p50: 236.0, p90: 295.0 };
            let s = m.staff_ok(&d, StaffTo::Auto);
            let pts = d.points();
            let scratch = |n: u32| {
                let total: f64 = pts.iter().sum();
                pts.iter().map(|&v| v * m.service_level(n, v)).sum::<f64>()
                    / total
            };
            assert!((scratch(s.agents) - s.service_level).abs() < 1e-12);
            assert!(scratch(s.agents) >= 0.8);
            assert!(scratch(s.agents - 1) < 0.8, "{s:?} is not the fewest");
        }
    }

    #[test]
    fn chat_agents_offer_concurrency_slots() {
        // As `erlang::channels::chat_agents`: the sessions queue for
        // slots, an agent offers `concurrency` of them.
        let chat = QueueModel {
            channel: Channel::Chat { concurrency: 3 },
            goal: Goal::ServiceLevel { sl: 0.8, within_s: 60.0 },
            ..voice(720.0)
        };
        let load = Params::new(300.0, 1800.0, 720.0).unwrap();
        let target = Target::service_level(0.8, 60.0).unwrap();
        let reference =
            erlang::channels::chat_agents(&load, &target, 3).unwrap();
        assert_eq!(u64::from(chat.required(300.0)), reference.agents);
        assert!(chat.service_level(chat.required(300.0), 300.0) >= 0.8);
    }

    #[test]
    fn absurd_traffic_is_an_error_not_a_hang() {
        let m = voice(86_000.0);
        let d = VolumeDist::exact(1e9);
        assert!(m.staff(&d, StaffTo::Auto).is_err());
        assert_eq!(m.required(1e9), u32::MAX);
        assert_eq!(m.service_level(10, 1e9), 0.0);
    }

    #[test]
    fn service_levels_in_one_pass_match_one_by_one() {
        let spec = QueueSpec {
            name: "q".into(),
            channel: Channel::Voice,
            aht_s: None,
            level: 1,
            patience_s: None,
            goal: Goal::ServiceLevel { sl: 0.8, within_s: 20.0 },
            max_occupancy: Some(0.9),
            shrinkage: 0.3,
        };
        for patience in [None, Some(90.0)] {
            let spec = QueueSpec { patience_s: patience, ..spec.clone() };
            let m = QueueModel::new(&spec, 240.0, 1800.0);
            for volume in [0.0, 3.0, 120.0, 900.0] {
                let all = m.service_levels(volume, 160);
                for (n, sl) in all.iter().enumerate() {
                    let one = m.service_level(n as u32, volume);
                    assert!(
                        (sl - one).abs() < 1e-9,
                        "{volume} {n}: {sl} {one}"
                    );
                }
            }
        }
    }
}
