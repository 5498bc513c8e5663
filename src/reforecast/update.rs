//! The Bayesian update of one queue-day's level from the counts seen so
//! far (the formulas are in the [module doc](super)).

// The plan's p10–p90 width is `2·z₉₀` standard deviations, as staffing
// reads it.
use crate::capacity::staffing::Z90;
use crate::simulate::from_plan::DayLaw;
use crate::simulate::plan_dir::PlanInterval;

use super::shape::ShapeFix;

/// A day-level log-spread below this is no spread: the level is certain.
const MIN_SIGMA: f64 = 1e-9;

/// The Gamma prior on the day multiplier `θ` (mean 1): shape = rate `a`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prior {
    /// Shape and rate `a = 1 / (e^{σ²} − 1)`; infinite for a certain level.
    pub a: f64,
    /// The day factor's calibrated log-spread `σ`.
    pub sigma: f64,
}

impl Prior {
    /// The prior of a day whose intervals are `rows`: the variance of
    /// the simulation's day factor ([`DayLaw`]) fitted to the plan's
    /// interval bands, `1/a = e^{σ²} − 1`.
    pub fn of_day(rows: &[&PlanInterval]) -> Prior {
        let es2 = DayLaw::fit_days(&[rows]).first().map_or(1.0, |l| l.es2);
        Prior::from_es2(es2)
    }

    /// The prior of a day factor with `e^{σ²} = es2`.
    pub fn from_es2(es2: f64) -> Prior {
        let s2 = es2.max(1.0).ln();
        let sigma = s2.sqrt();
        if sigma > MIN_SIGMA {
            Prior { a: 1.0 / (es2 - 1.0), sigma }
        } else {
            Prior { a: f64::INFINITY, sigma: 0.0 }
        }
    }

    /// The Gamma law with the mean (1) and variance (`e^{σ²} − 1`) of a
    /// mean-one lognormal of log-spread `sigma`.
    pub fn from_sigma(sigma: f64) -> Prior {
        let a = if sigma > MIN_SIGMA {
            1.0 / (sigma * sigma).exp_m1()
        } else {
            f64::INFINITY
        };
        Prior { a, sigma }
    }

    /// The posterior after `seen` contacts where the plan expected
    /// `expected`.
    pub fn update(&self, seen: f64, expected: f64) -> Posterior {
        if !self.a.is_finite() {
            return Posterior {
                mean: 1.0,
                var: 0.0,
                weight: 0.0,
                dispersion: 1.0,
            };
        }
        let (shape, rate) = (self.a + seen, self.a + expected);
        Posterior {
            mean: shape / rate,
            var: shape / (rate * rate),
            weight: expected / rate,
            dispersion: 1.0,
        }
    }

    /// The posterior after the seen intervals' `(count, plan mean)`
    /// pairs, quasi-Poisson: the counts are tempered by their dispersion
    /// ([`dispersion`]), so the morning weighs as `Y/φ` contacts against
    /// `M/φ` expected.
    pub fn update_counts(&self, seen: &[(f64, f64)]) -> Posterior {
        let y: f64 = seen.iter().map(|p| p.0).sum();
        let m: f64 = seen.iter().map(|p| p.1).sum();
        let phi = dispersion(seen);
        Posterior { dispersion: phi, ..self.update(y / phi, m / phi) }
    }

    /// The prior's variance of `θ`, `1/a`.
    pub fn var(&self) -> f64 {
        if self.a.is_finite() { 1.0 / self.a } else { 0.0 }
    }
}

/// The posterior law of the day multiplier: Gamma(a + Y, a + M).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Posterior {
    /// `E[θ | y] = (a + Y) / (a + M)`.
    pub mean: f64,
    /// `Var[θ | y] = (a + Y) / (a + M)²`.
    pub var: f64,
    /// The credibility of the morning, `w = M / (a + M)`:
    /// `E[θ | y] = w·Y/M + (1 − w)·1`.
    pub weight: f64,
    /// The counts' dispersion `φ ≥ 1` the update was tempered by.
    pub dispersion: f64,
}

/// The Pearson estimate of the dispersion of counts `y_s` around
/// `θ̂·m_s`, `θ̂ = Σy/Σm`: `φ = max(1, X²/(n − 1))`, `X² = Σ (y_s −
/// θ̂m_s)²/(θ̂m_s)` over the `n` pairs with `m_s > 0`; 1 with fewer than
/// two such pairs or no contacts.
pub fn dispersion(seen: &[(f64, f64)]) -> f64 {
    let pairs: Vec<(f64, f64)> =
        seen.iter().copied().filter(|p| p.1 > 0.0).collect();
    let y: f64 = pairs.iter().map(|p| p.0).sum();
    let m: f64 = pairs.iter().map(|p| p.1).sum();
    if pairs.len() < 2 || y <= 0.0 {
        return 1.0;
    }
    let t = y / m;
    let x2: f64 =
        pairs.iter().map(|&(y, m)| (y - t * m).powi(2) / (t * m)).sum();
    (x2 / (pairs.len() - 1) as f64).max(1.0)
}

/// One interval's re-forecast volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Predictive {
    /// Mean contacts.
    pub mean: f64,
    /// 10 % quantile.
    pub p10: f64,
    /// 90 % quantile.
    pub p90: f64,
}

/// The variance of an interval of mean `m` and band `p10..p90` that
/// neither Poisson nor the day level explain: `e = max(0, sd² − m −
/// m²/a)`, `sd = (p90 − p10)/(2·z₉₀)`.
fn extra_variance(m: f64, p10: f64, p90: f64, prior: &Prior) -> f64 {
    let sd = ((p90 - p10) / (2.0 * Z90)).max(0.0);
    (sd * sd - m - m * m * prior.var()).max(0.0)
}

/// The re-forecast of one plan interval of mean `m` and band `p10..p90`
/// under `prior` and `post`: the plan's band moved to the new mean and
/// scaled by the ratio of the predictive's standard deviation to the
/// plan's (so no actuals give the plan's band exactly).
pub fn predictive(
    m: f64,
    p10: f64,
    p90: f64,
    prior: &Prior,
    post: &Posterior,
) -> Predictive {
    let day = m * m * prior.var();
    let extra = extra_variance(m, p10, p90, prior);
    let plan_var = m + day + extra;
    let t = post.mean;
    let new_var = post.dispersion * t * m + m * m * post.var + extra * t * t;
    let k = if plan_var > 0.0 { (new_var / plan_var).sqrt() } else { 1.0 };
    let mean = t * m;
    Predictive {
        mean,
        p10: (mean + (p10 - m) * k).max(0.0),
        p90: (mean + (p90 - m) * k).max(0.0),
    }
}

/// The update of one queue-day: its prior, its posterior and every
/// interval's re-forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct DayUpdate {
    /// The prior on the day multiplier.
    pub prior: Prior,
    /// The posterior after the seen intervals.
    pub posterior: Posterior,
    /// The re-forecast of each interval, in the order given.
    pub forecast: Vec<Predictive>,
    /// The shape fix the plan was re-weighted by first, if any.
    pub shape: Option<ShapeFix>,
}

/// Updates a day whose plan intervals are `rows`, with `observed[i]` the
/// actual of `rows[i]` when seen and `closed[i]` whether it had closed by
/// `now`. With a `shape` fix, each plan interval's mean and band are first
/// multiplied by its part's factor ([`ShapeFix::factor`]), so the morning
/// is read against the reshaped plan and the rest of the day follows it.
pub fn update_day(
    rows: &[&PlanInterval],
    observed: &[Option<f64>],
    closed: &[bool],
    shape: Option<ShapeFix>,
) -> DayUpdate {
    let prior = Prior::of_day(rows);
    let g = |i: usize| shape.as_ref().map_or(1.0, |f| f.factor(i, closed[i]));
    let pairs: Vec<(f64, f64)> = rows
        .iter()
        .zip(observed)
        .enumerate()
        .filter_map(|(i, (r, o))| o.map(|n| (n, g(i) * r.forecast)))
        .collect();
    let posterior = prior.update_counts(&pairs);
    let forecast = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let k = g(i);
            predictive(
                k * r.forecast,
                k * r.p10,
                k * r.p90,
                &prior,
                &posterior,
            )
        })
        .collect();
    DayUpdate { prior, posterior, forecast, shape }
}

/// The day multiplier `k` open days after today, as a first-order
/// autoregression of the day's error: `θ_k − 1 = ρ^k·(θ₀ − 1) + η_k`
/// with `Var η_k = (1 − ρ^{2k})/a_k` (`a_k` that day's own prior), so
/// `E[θ_k | y] = 1 + ρ^k·(E[θ₀ | y] − 1)` and `Var[θ_k | y] =
/// ρ^{2k}·Var[θ₀ | y] + (1 − ρ^{2k})/a_k`.
pub fn carry_over(
    today: &Posterior,
    prior: &Prior,
    rho: f64,
    k: u32,
) -> Posterior {
    let f = rho.powi(k as i32);
    Posterior {
        mean: 1.0 + f * (today.mean - 1.0),
        var: f * f * today.var + (1.0 - f * f) * prior.var(),
        weight: f * today.weight,
        dispersion: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The posterior mean lies between the plan (1) and the morning's
        /// own ratio, and a longer morning at the same ratio moves it
        /// further; the band stays ordered and non-negative.
        #[test]
        fn the_update_stays_between_plan_and_actuals(
            sigma in 0.01f64..0.5,
            m in 1.0f64..5000.0,
            ratio in 0.2f64..3.0,
            mean in 0.0f64..400.0,
        ) {
            let prior = Prior::from_sigma(sigma);
            let post = prior.update(ratio * m, m);
            let (lo, hi) = (ratio.min(1.0), ratio.max(1.0));
            prop_assert!(post.mean >= lo - 1e-12 && post.mean <= hi + 1e-12);
            let longer = prior.update(2.0 * ratio * m, 2.0 * m);
            prop_assert!((longer.mean - 1.0).abs() >= (post.mean - 1.0).abs() - 1e-12);
            prop_assert!(post.weight > 0.0 && post.weight < 1.0);
            let sd = (mean + 0.01 * mean * mean).sqrt();
            let (p10, p90) = ((mean - 1.28 * sd).max(0.0), mean + 1.28 * sd);
            let p = predictive(mean, p10, p90, &prior, &post);
            prop_assert!(p.p10 >= 0.0 && p.p10 <= p.mean + 1e-9 && p.mean <= p.p90 + 1e-9);
        }
    }

    #[test]
    fn posterior_is_the_conjugate_gamma() {
        let prior = Prior::from_sigma(0.1);
        let a = 1.0 / (0.01f64).exp_m1();
        assert!((prior.a - a).abs() < 1e-9 * a);
        let post = prior.update(1300.0, 1000.0);
        let (shape, rate) = (a + 1300.0, a + 1000.0);
        assert!((post.mean - shape / rate).abs() < 1e-12);
        assert!((post.var - shape / (rate * rate)).abs() < 1e-15);
        // The credibility form of the same mean.
        let w = post.weight;
        assert!((post.mean - (w * 1.3 + (1.0 - w))).abs() < 1e-12);
    }

    #[test]
    fn shrinks_to_the_plan_when_little_is_seen_and_leans_on_actuals_later() {
        let prior = Prior::from_sigma(0.12);
        // Nothing seen: the plan.
        let none = prior.update(0.0, 0.0);
        assert_eq!((none.mean, none.weight), (1.0, 0.0));
        assert!((none.var - prior.var()).abs() < 1e-15);
        // +30 % on 20 contacts moves it less than a third of the way (a
        // is about 69 here); on 20 000, almost all the way.
        let little = prior.update(26.0, 20.0);
        let much = prior.update(26_000.0, 20_000.0);
        assert!(little.mean > 1.0 && little.mean < 1.1, "{little:?}");
        assert!(much.mean > 1.29 && much.mean < 1.3, "{much:?}");
        assert!(much.var < little.var && little.var < prior.var());
        // Exactly on forecast: no change, narrower.
        let on = prior.update(5000.0, 5000.0);
        assert_eq!(on.mean, 1.0);
        assert!(on.var < prior.var());
    }

    #[test]
    fn overdispersed_counts_weigh_less() {
        let prior = Prior::from_sigma(0.1);
        // Poisson-like counts: no tempering.
        let calm = [(105.0, 100.0), (195.0, 200.0), (310.0, 300.0)];
        assert_eq!(dispersion(&calm), 1.0);
        assert_eq!(
            prior.update_counts(&calm).mean,
            prior.update(610.0, 600.0).mean
        );
        // The same total with a distorted shape: X²/(n−1) by hand.
        let bent: [(f64, f64); 3] =
            [(160.0, 100.0), (200.0, 200.0), (250.0, 300.0)];
        let t: f64 = 610.0 / 600.0;
        let x2: f64 =
            bent.iter().map(|&(y, m)| (y - t * m).powi(2) / (t * m)).sum();
        let phi = x2 / 2.0;
        assert!((dispersion(&bent) - phi).abs() < 1e-12 && phi > 1.0);
        let post = prior.update_counts(&bent);
        let by_hand = prior.update(610.0 / phi, 600.0 / phi);
        assert!((post.mean - by_hand.mean).abs() < 1e-12);
        assert!(post.weight < prior.update(610.0, 600.0).weight);
        assert_eq!(dispersion(&[(5.0, 4.0)]), 1.0);
    }

    #[test]
    fn a_certain_level_does_not_move() {
        let prior = Prior::from_sigma(0.0);
        assert_eq!(prior.update(300.0, 100.0).mean, 1.0);
    }

    #[test]
    fn no_actuals_give_the_plans_band_and_a_higher_day_widens_it() {
        let prior = Prior::from_sigma(0.1);
        let p =
            predictive(100.0, 80.0, 121.0, &prior, &prior.update(0.0, 0.0));
        assert_eq!((p.mean, p.p10, p.p90), (100.0, 80.0, 121.0));
        // Seen on forecast: same mean, narrower band.
        let on = predictive(
            100.0,
            80.0,
            121.0,
            &prior,
            &prior.update(900.0, 900.0),
        );
        assert_eq!(on.mean, 100.0);
        assert!(on.p10 > 80.0 && on.p90 < 121.0, "{on:?}");
        // Seen 30 % high: a higher mean and at least the Poisson width.
        let hi = prior.update(1300.0, 1000.0);
        let h = predictive(100.0, 80.0, 121.0, &prior, &hi);
        assert!((h.mean - 100.0 * hi.mean).abs() < 1e-9);
        let poisson_width = 2.0 * Z90 * h.mean.sqrt();
        assert!(h.p90 - h.p10 >= poisson_width * 0.99, "{h:?}");
    }

    #[test]
    fn the_level_carries_over_geometrically_toward_the_next_day_s_prior() {
        let today = Prior::from_sigma(0.1).update(1300.0, 1000.0);
        let next = Prior::from_sigma(0.15);
        // k = 0 is today; each open day halves the error.
        assert_eq!(
            carry_over(&today, &next, 0.5, 0),
            today_as_carried(&today)
        );
        let one = carry_over(&today, &next, 0.5, 1);
        assert!((one.mean - 1.0 - 0.5 * (today.mean - 1.0)).abs() < 1e-12);
        let v = 0.25 * today.var + 0.75 * next.var();
        assert!((one.var - v).abs() < 1e-15, "{one:?}");
        // Far ahead: the next day's own prior.
        let far = carry_over(&today, &next, 0.5, 40);
        assert!((far.mean - 1.0).abs() < 1e-9);
        assert!((far.var - next.var()).abs() < 1e-12);
        // Nothing seen today: every next day is its plan.
        let none = Prior::from_sigma(0.15).update(0.0, 0.0);
        let p = predictive(
            100.0,
            80.0,
            121.0,
            &next,
            &carry_over(&none, &next, 0.5, 1),
        );
        assert_eq!((p.mean, p.p10, p.p90), (100.0, 80.0, 121.0));
    }

    fn today_as_carried(p: &Posterior) -> Posterior {
        Posterior { dispersion: 1.0, ..*p }
    }

    #[test]
    fn the_prior_is_the_day_law_s_variance() {
        // e^{σ²} = 1.01: 1/a = 0.01 and σ = √ln 1.01.
        let p = Prior::from_es2(1.01);
        assert!((p.var() - 0.01).abs() < 1e-12, "{p:?}");
        assert!((p.sigma - 1.01f64.ln().sqrt()).abs() < 1e-12);
        // Its Gamma matches the lognormal of that σ, as from_sigma does.
        assert!((Prior::from_sigma(p.sigma).a - p.a).abs() < 1e-6 * p.a);
        assert_eq!(Prior::from_es2(1.0).a, f64::INFINITY);
        assert_eq!(Prior::from_es2(0.5).a, f64::INFINITY);
    }
}
