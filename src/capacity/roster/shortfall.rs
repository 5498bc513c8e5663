//! The cost of missing agents in one slot: a convex piecewise-linear
//! curve, dearer per agent the more are missing.

/// Cost of the 1st, 2nd, … missing agent in a slot; the last slope goes on
/// for every further missing agent. Slopes never decrease (convex), which
/// keeps the LP exact without integer segment choices.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortfall {
    slopes: Vec<f64>,
}

impl Shortfall {
    /// A curve from per-agent slopes, made convex (each slope is at least
    /// the one before) and non-negative.
    pub fn new(slopes: &[f64]) -> Shortfall {
        let mut out = Vec::with_capacity(slopes.len().max(1));
        let mut last = 0.0f64;
        for &s in slopes {
            last = last.max(if s.is_finite() { s } else { 0.0 });
            out.push(last);
        }
        if out.is_empty() {
            out.push(0.0);
        }
        Shortfall { slopes: out }
    }

    /// The same cost for every missing agent.
    pub fn flat(cost: f64) -> Shortfall {
        Shortfall::new(&[cost])
    }

    /// The curve for a slot needing `required` agents: the `j`-th missing
    /// agent costs `floor + value_per_call · volume · (sl(n − j + 1) −
    /// sl(n − j))`, the calls its absence drops below the target, where
    /// `sl(agents)` is the expected service level with that many agents.
    /// At most `segments` slopes are kept; the last one carries the average
    /// of the marginal losses it stands for (at least the one before), so
    /// the cost of a total shortfall of all `required` agents is exact.
    ///
    /// `floor` should exceed the dearest source's cost per agent-slot so
    /// that covering comes before spending.
    pub fn from_service_level(
        required: u32,
        volume: f64,
        sl: impl Fn(u32) -> f64,
        value_per_call: f64,
        floor: f64,
        segments: usize,
    ) -> Shortfall {
        let n = required;
        let lost = |j: u32| {
            let d = sl(n + 1 - j) - sl(n - j);
            floor + value_per_call * volume * d.max(0.0)
        };
        let segments = segments.max(1) as u32;
        let mut slopes = Vec::new();
        for j in 1..=n.min(segments.saturating_sub(1)) {
            slopes.push(lost(j));
        }
        if n >= segments {
            let rest: Vec<f64> = (segments..=n).map(lost).collect();
            slopes.push(rest.iter().sum::<f64>() / rest.len() as f64);
        } else {
            // Beyond every required agent nothing more can be lost; the
            // last slope only prices numerically impossible extra gaps.
            slopes.push(slopes.last().copied().unwrap_or(floor));
        }
        Shortfall::new(&slopes)
    }

    /// Slopes of the segments, the last one unbounded.
    pub fn slopes(&self) -> &[f64] {
        &self.slopes
    }

    /// The cost of `gap` missing agents.
    pub fn cost(&self, gap: f64) -> f64 {
        let mut left = gap.max(0.0);
        let mut cost = 0.0;
        let last = self.slopes.len() - 1;
        for (i, &s) in self.slopes.iter().enumerate() {
            let take = if i == last { left } else { left.min(1.0) };
            cost += take * s;
            left -= take;
            if left <= 0.0 {
                break;
            }
        }
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slopes_are_made_convex() {
        let s = Shortfall::new(&[5.0, 3.0, 8.0]);
        assert_eq!(s.slopes(), &[5.0, 5.0, 8.0]);
        assert_eq!(s.cost(0.5), 2.5);
        assert_eq!(s.cost(2.0), 10.0);
        assert_eq!(s.cost(4.0), 10.0 + 16.0);
        assert_eq!(s.cost(-1.0), 0.0);
    }

    #[test]
    fn a_peak_agent_weighs_more_than_a_quiet_one() {
        // A made-up concave service level: each agent below 10 costs more.
        let sl =
            |a: u32| 1.0 - 0.01 * f64::from(10u32.saturating_sub(a)).powi(2);
        let peak = Shortfall::from_service_level(10, 400.0, sl, 1.0, 50.0, 4);
        let quiet = Shortfall::from_service_level(10, 40.0, sl, 1.0, 50.0, 4);
        assert!(peak.slopes()[0] > quiet.slopes()[0]);
        assert_eq!(peak.slopes().len(), 4);
        // 1st missing agent: 400 × (1 − 0.99) = 4 calls.
        assert!((peak.slopes()[0] - 54.0).abs() < 1e-9);
        assert!(peak.slopes().windows(2).all(|w| w[0] <= w[1]));
        // The capped curve prices a full shortfall exactly.
        let exact: f64 =
            (1..=10).map(|j| 50.0 + 400.0 * (sl(11 - j) - sl(10 - j))).sum();
        assert!((peak.cost(10.0) - exact).abs() < 1e-6);
    }

    #[test]
    fn nothing_required_still_gives_a_curve() {
        let s = Shortfall::from_service_level(0, 0.0, |_| 1.0, 1.0, 7.0, 3);
        assert_eq!(s.slopes(), &[7.0]);
    }
}
