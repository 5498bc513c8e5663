//! The cost of missing agents in one slot: a convex piecewise-linear
//! curve, dearer per agent the more are missing.

/// Cost of the 1st, 2nd, … missing agent in a slot; the last slope goes on
/// for every further missing agent. Slopes never decrease (convex), which
/// keeps the LP exact without integer segment choices.
///
/// Each segment also carries the calls one missing agent of it loses below
/// the service-level target ([`Shortfall::lost`]), never decreasing either:
/// the day's service-level floor ([`super::Floor`]) counts them.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortfall {
    slopes: Vec<f64>,
    lost: Vec<f64>,
}

impl Shortfall {
    /// A curve from per-agent slopes, made convex (each slope is at least
    /// the one before) and non-negative, losing no call (no floor weight).
    pub fn new(slopes: &[f64]) -> Shortfall {
        let slopes = running_max(slopes);
        let lost = vec![0.0; slopes.len()];
        Shortfall { slopes, lost }
    }

    /// The same cost for every missing agent.
    pub fn flat(cost: f64) -> Shortfall {
        Shortfall::new(&[cost])
    }

    /// A curve whose `j`-th missing agent loses `lost[j]` calls (made
    /// non-decreasing and non-negative) and costs `floor + value_per_call ·
    /// lost[j]`.
    pub fn priced(lost: &[f64], value_per_call: f64, floor: f64) -> Shortfall {
        let lost = running_max(lost);
        let slopes = lost.iter().map(|l| floor + value_per_call * l).collect();
        Shortfall { slopes, lost }
    }

    /// The curve for a slot needing `required` agents, from `served(n)`,
    /// the calls expected to be answered within the target time with `n`
    /// agents (`served(0)` is 0: nobody answers): the `j`-th missing agent
    /// loses `served(n − j + 1) − served(n − j)` calls and costs `floor +
    /// value_per_call` times that. At most `segments` segments are kept;
    /// the last one carries the larger of the first loss it stands for and
    /// the average of all of them (at least the one before).
    ///
    /// No agent above the requirement is credited with calls won back: a
    /// floor that counted them let the
    /// optimiser trade a deep peak gap for over-served shoulders, a day
    /// at target in expectation that the held-back volumes then missed.
    ///
    /// `served` is asked for `required − segments ..= required` only, and
    /// for 0 (where it must give 0).
    ///
    /// `floor` should exceed the dearest source's cost per agent-slot so
    /// that covering comes before spending.
    pub fn from_served(
        required: u32,
        served: impl Fn(u32) -> f64,
        value_per_call: f64,
        floor: f64,
        segments: usize,
    ) -> Shortfall {
        let n = required;
        let lost = |j: u32| (served(n + 1 - j) - served(n - j)).max(0.0);
        let segments = segments.max(1) as u32;
        let mut out = Vec::new();
        for j in 1..=n.min(segments.saturating_sub(1)) {
            out.push(lost(j));
        }
        if n >= segments {
            // Agents `segments..=n` together lose `served(n − segments +
            // 1)`; their average counts the agents of a collapsed queue,
            // who lose nothing, so the first of them, who loses the most
            // but a few, is the better figure for the gaps a plan leaves.
            let rest = f64::from(n - segments + 1);
            let first = served(n - segments + 1) - served(n - segments);
            out.push((served(n - segments + 1).max(0.0) / rest).max(first));
        } else {
            // Beyond every required agent nothing more can be lost; the
            // last slope only prices numerically impossible extra gaps.
            out.push(out.last().copied().unwrap_or(0.0));
        }
        Shortfall::priced(&out, value_per_call, floor)
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

    /// Calls lost below target per missing agent of each segment.
    pub fn losses(&self) -> &[f64] {
        &self.lost
    }

    /// The pieces of the curve from `scheduled` agents up, `room` agents
    /// at most: `(agents, calls won per agent, shortfall weight saved per
    /// agent)`, in order (each winning no more per agent than the one
    /// before).
    pub fn pieces(
        &self,
        required: f64,
        scheduled: f64,
        room: f64,
    ) -> Vec<(f64, f64, f64)> {
        let mut out = Vec::new();
        let mut left = room.max(0.0);
        let mut x = scheduled;
        // The gap, from its top segment down.
        let last = self.slopes.len() - 1;
        while left > 1e-12 && x < required - 1e-12 {
            let gap = required - x;
            // Segment `j` holds missing agents `j .. j + 1` (the last one
            // the rest): the top of the gap is in the segment below `gap`.
            let j = ((gap - 1e-12).floor() as usize).min(last);
            let width = (gap - j as f64).min(left);
            out.push((width, self.lost[j], self.slopes[j]));
            x += width;
            left -= width;
        }
        out
    }

    /// Calls answered in time short of what the requirement answers, with
    /// `scheduled` agents for `required`: the gap's loss (none at or above
    /// the requirement). Convex and falling in `scheduled`.
    pub fn short(&self, required: f64, scheduled: f64) -> f64 {
        self.lost(required - scheduled)
    }

    /// Calls that `gap` missing agents lose below target.
    pub fn lost(&self, gap: f64) -> f64 {
        let mut left = gap.max(0.0);
        let mut calls = 0.0;
        let last = self.lost.len() - 1;
        for (i, &l) in self.lost.iter().enumerate() {
            let take = if i == last { left } else { left.min(1.0) };
            calls += take * l;
            left -= take;
            if left <= 0.0 {
                break;
            }
        }
        calls
    }
}

/// `xs` made non-decreasing and non-negative (non-finite values as 0), at
/// least one value.
fn running_max(xs: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(xs.len().max(1));
    let mut last = 0.0f64;
    for &x in xs {
        last = last.max(if x.is_finite() { x } else { 0.0 });
        out.push(last);
    }
    if out.is_empty() {
        out.push(0.0);
    }
    out
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
        let peak = Shortfall::from_served(10, |n| 400.0 * sl(n), 1.0, 50.0, 4);
        let quiet = Shortfall::from_served(10, |n| 40.0 * sl(n), 1.0, 50.0, 4);
        assert!(peak.slopes()[0] > quiet.slopes()[0]);
        assert_eq!(peak.slopes().len(), 4);
        // 1st missing agent: 400 × (1 − 0.99) = 4 calls.
        assert!((peak.slopes()[0] - 54.0).abs() < 1e-9);
        assert!(peak.slopes().windows(2).all(|w| w[0] <= w[1]));
        // The capped curve's last segment: the larger of the 4th missing
        // agent's 28 calls (400 × (0.91 − 0.84)) and the 4th to 10th's
        // average, 400 × 0.91 / 7 = 52.
        assert!((peak.losses()[3] - 52.0).abs() < 1e-9);
        // The calls lost: 4 for the first missing agent, all 400 × 0.99
        // answered in time for all ten.
        assert!((peak.lost(1.0) - 4.0).abs() < 1e-9);
        assert!(peak.lost(10.0) >= 400.0 * sl(10) - 1e-9);
        assert!((peak.lost(1.5) - 4.0 - 0.5 * 12.0).abs() < 1e-9);
        assert_eq!(peak.losses().len(), 4);
    }

    #[test]
    fn nothing_required_still_gives_a_curve() {
        let s = Shortfall::from_served(0, |_| 0.0, 1.0, 7.0, 3);
        assert_eq!(s.slopes(), &[7.0]);
        assert_eq!(s.lost(3.0), 0.0);
    }
}
