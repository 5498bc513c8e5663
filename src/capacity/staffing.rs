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
//! E[V · ASA(N, V)] / E[V] ≤  target        (ASA goals; ASA capped at the
//!                                            interval length)
//! ```
//!
//! and at least the traffic of the mean volume divided by the largest
//! occupancy allowed. Since each interval needs the fewest agents that hold
//! its own target in expectation, no other per-interval rule reaches the
//! target in expectation with fewer agent-hours. Call weighting matters:
//! a planner's weekly service level is answered calls over offered calls,
//! so busy intervals count more.
//!
//! The fixed rules [`StaffTo::Mean`], [`StaffTo::P50`] and [`StaffTo::P80`]
//! staff to one volume and report the service level they can expect.

use std::sync::OnceLock;

use statrs::distribution::{ContinuousCDF, Normal};

use crate::capacity::scenario::{Channel, Goal, QueueSpec};

/// Number of equally likely volumes the uncertainty is integrated over.
pub const QUADRATURE_POINTS: usize = 48;

/// The standard normal quantile of 0.9.
const Z90: f64 = 1.281_551_565_544_600_4;

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
        (sigma > 1e-9).then(|| (self.mean.ln() - var / 2.0, sigma))
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
/// volume and a number of agents into a service level.
#[derive(Clone, Debug)]
pub struct QueueModel {
    /// Handle time in seconds.
    pub aht_s: f64,
    /// Interval length in seconds.
    pub interval_s: f64,
    /// The goal.
    pub goal: Goal,
    /// Largest occupancy allowed.
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

    /// Traffic in Erlangs (agent-equivalents busy) for `volume` contacts.
    pub fn traffic(&self, volume: f64) -> f64 {
        let aht = match self.channel {
            Channel::Chat { concurrency } => self.aht_s / concurrency,
            _ => self.aht_s,
        };
        volume * aht / self.interval_s
    }

    /// Service level with `agents` for `volume` contacts: the share
    /// answered within the target time (ASA goals: `min(1, target/ASA)`).
    pub fn service_level(&self, agents: u32, volume: f64) -> f64 {
        let a = self.traffic(volume);
        if a <= 0.0 {
            return 1.0;
        }
        let aht = self.traffic(1.0) * self.interval_s;
        match self.goal {
            Goal::ServiceLevel { within_s, .. } => {
                queue::service_level(agents, a, aht, within_s, self.patience_s)
            }
            Goal::Asa { asa_s } => {
                let asa = queue::asa(agents, a, aht, self.patience_s)
                    .min(self.interval_s);
                if asa <= asa_s { 1.0 } else { asa_s / asa }
            }
        }
    }

    fn target(&self) -> f64 {
        match self.goal {
            Goal::ServiceLevel { sl, .. } => sl,
            Goal::Asa { .. } => 1.0,
        }
    }

    /// Fewest agents allowed by the occupancy cap for `traffic`.
    fn occupancy_floor(&self, traffic: f64) -> u32 {
        match self.max_occupancy {
            Some(occ) => ceil_u32(traffic / occ - 1e-9),
            None => 0,
        }
    }

    /// Fewest agents meeting the goal for a volume known exactly.
    pub fn required(&self, volume: f64) -> u32 {
        let a = self.traffic(volume);
        if a <= 0.0 {
            return 0;
        }
        if let Channel::Email { .. } = self.channel {
            return ceil_u32(a / self.max_occupancy.unwrap_or(1.0) - 1e-9);
        }
        let target = self.target();
        let lo = self.occupancy_floor(a).max(if self.patience_s.is_some() {
            1
        } else {
            floor_u32(a) + 1
        });
        let meets = |n: u32| self.service_level(n, volume) >= target - 1e-12;
        first_meeting(lo, meets)
    }

    /// Expected call-weighted service level with `agents` over `points`.
    fn expected_sl(&self, agents: u32, points: &[f64]) -> f64 {
        let total: f64 = points.iter().sum();
        if total <= 0.0 {
            return 1.0;
        }
        points.iter().map(|&v| v * self.service_level(agents, v)).sum::<f64>()
            / total
    }

    /// Staffs one interval of uncertain volume `dist` by rule `rule`.
    pub fn staff(&self, dist: &VolumeDist, rule: StaffTo) -> Staffed {
        let points = dist.points();
        let email = matches!(self.channel, Channel::Email { .. });
        let (volume, agents) = match rule {
            StaffTo::Mean => (dist.mean, self.required(dist.mean)),
            StaffTo::P50 => (dist.p50, self.required(dist.p50)),
            StaffTo::P80 => {
                let v = dist.quantile(0.8);
                (v, self.required(v))
            }
            StaffTo::Auto if email => (dist.mean, self.required(dist.mean)),
            StaffTo::Auto => {
                let mean_a = self.traffic(dist.mean);
                if mean_a <= 0.0 {
                    (0.0, 0)
                } else {
                    let target = self.target();
                    let lo = self.occupancy_floor(mean_a).max(1);
                    let n = first_meeting(lo, |n| {
                        self.expected_sl(n, &points) >= target - 1e-12
                    });
                    (self.capacity_at_target(n), n)
                }
            }
        };
        let service_level =
            if email { 1.0 } else { self.expected_sl(agents, &points) };
        Staffed { staffing_volume: volume, agents, service_level }
    }

    /// The largest volume `agents` serve at target (bisection on volume,
    /// service level falling as volume grows).
    pub fn capacity_at_target(&self, agents: u32) -> f64 {
        if agents == 0 {
            return 0.0;
        }
        let target = self.target();
        let ok = |v: f64| {
            self.service_level(agents, v) >= target - 1e-12
                && self.occupancy_floor(self.traffic(v)) <= agents
        };
        let per_agent = 1.0 / self.traffic(1.0);
        let (mut lo, mut hi) = (0.0, f64::from(agents) * per_agent);
        if ok(hi) {
            return hi;
        }
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if ok(mid) { lo = mid } else { hi = mid }
        }
        lo
    }
}

/// The first `n ≥ lo` for which `meets(n)` holds, for `meets` monotone in
/// `n` (gallop, then bisect).
fn first_meeting(lo: u32, meets: impl Fn(u32) -> bool) -> u32 {
    if meets(lo) {
        return lo;
    }
    let mut bad = lo;
    let mut step = 1u32;
    let mut good = loop {
        let n = bad.saturating_add(step);
        if meets(n) || n == u32::MAX {
            break n;
        }
        bad = n;
        step = step.saturating_mul(2);
    };
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if meets(mid) { good = mid } else { bad = mid }
    }
    good
}

fn ceil_u32(x: f64) -> u32 {
    if x <= 0.0 { 0 } else { x.ceil().min(f64::from(u32::MAX)) as u32 }
}

fn floor_u32(x: f64) -> u32 {
    if x <= 0.0 { 0 } else { x.floor().min(f64::from(u32::MAX)) as u32 }
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

/// Erlang C (and A) through one boundary, so that the rest of the planner
/// never depends on how the queue is evaluated.
mod queue {
    /// Service level: share answered within `t` seconds.
    pub fn service_level(
        n: u32,
        a: f64,
        aht: f64,
        t: f64,
        patience: Option<f64>,
    ) -> f64 {
        let _ = patience;
        let n_f = f64::from(n);
        if n_f <= a {
            return 0.0;
        }
        let c = erlang_c(n, a);
        (1.0 - c * (-(n_f - a) * t / aht).exp()).clamp(0.0, 1.0)
    }

    /// Average speed of answer in seconds.
    pub fn asa(n: u32, a: f64, aht: f64, patience: Option<f64>) -> f64 {
        let _ = patience;
        let n_f = f64::from(n);
        if n_f <= a {
            return f64::INFINITY;
        }
        erlang_c(n, a) * aht / (n_f - a)
    }

    /// P(wait) for `n` agents and `a` Erlangs, via the stable Erlang B
    /// recursion.
    fn erlang_c(n: u32, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=n {
            b = a * b / (f64::from(k) + a * b);
        }
        let n_f = f64::from(n);
        n_f * b / (n_f - a * (1.0 - b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let s = m.staff(&VolumeDist::exact(100.0), StaffTo::Auto);
        assert_eq!(s.agents, m.required(100.0));
        assert!(s.staffing_volume >= 100.0);
        assert!(m.required(s.staffing_volume) == s.agents);
    }

    #[test]
    fn auto_needs_more_than_mean_and_holds_the_target() {
        let m = voice(240.0);
        let d = VolumeDist { mean: 200.0, p10: 150.0, p50: 195.0, p90: 255.0 };
        let mean = m.staff(&d, StaffTo::Mean);
        let auto = m.staff(&d, StaffTo::Auto);
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
        let s = m.staff(&VolumeDist::exact(0.0), StaffTo::Auto);
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
    fn first_meeting_finds_the_threshold() {
        for t in [0u32, 1, 5, 17, 1000] {
            assert_eq!(first_meeting(0, |n| n >= t), t);
        }
        assert_eq!(first_meeting(3, |n| n >= 1), 3);
    }
}
