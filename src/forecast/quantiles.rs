//! Forecast uncertainty: daily-total errors by horizon, from rolling
//! origins inside the history, combined with count noise per interval.
//!
//! An interval's volume is `X = F · Y`: `F` the error of the day's total
//! (log-normal, `σ(h)` measured on past forecasts at horizon `h`), `Y` the
//! count given the day (`Var = λ + φλ²`, Poisson plus the overdispersion
//! left by the intraday profile). Their product has mean `λ` and variance
//! `λ²(e^{σ²} − 1) + e^{σ²}(λ + φλ²)`; its quantiles are read off the gamma
//! law with that mean and variance through the Wilson–Hilferty cube-root
//! normal approximation (Wilson & Hilferty 1931):
//! `Q(p) ≈ kθ (1 − 1/(9k) + z_p / (3√k))³`, `k = λ²/Var`, `θ = Var/λ`.

use statrs::function::gamma::ln_gamma;

use super::linalg::quantile;

/// Standard normal quantile at 0.9.
const Z90: f64 = 1.281_551_565_545;

/// Horizon buckets (last day of each) the errors are grouped in.
const BUCKETS: [i64; 3] = [7, 14, 28];
/// Fewest errors a bucket needs to stand on its own.
const MIN_ERRORS: usize = 8;

/// Spread of log daily-total errors by forecast horizon.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ErrorModel {
    /// `(last horizon day of the bucket, σ)`, increasing.
    sigma: Vec<(i64, f64)>,
}

impl ErrorModel {
    /// From `(horizon in days, log actual − log forecast)` pairs; `floor`
    /// is the in-sample residual scale, used when errors are too few and
    /// as a lower bound.
    pub fn new(errors: &[(i64, f64)], floor: f64) -> ErrorModel {
        let spread = |e: &[f64]| -> Option<f64> {
            if e.len() < MIN_ERRORS {
                return None;
            }
            let lo = quantile(e, 0.1)?;
            let hi = quantile(e, 0.9)?;
            let mid = quantile(e, 0.5)?;
            // A persistent bias widens the band rather than shifting it:
            // the next origin's bias need not have the same sign.
            Some(((hi - lo) / (2.0 * Z90)).hypot(mid))
        };
        let all: Vec<f64> = errors.iter().map(|e| e.1).collect();
        let pooled = spread(&all).unwrap_or(1.3 * floor).max(floor);
        let mut sigma = Vec::with_capacity(BUCKETS.len());
        let mut prev = floor;
        let mut lo = 1;
        for &hi in &BUCKETS {
            let e: Vec<f64> = errors
                .iter()
                .filter(|(h, _)| (lo..=hi).contains(h))
                .map(|e| e.1)
                .collect();
            let s = spread(&e).unwrap_or(pooled).max(prev);
            sigma.push((hi, s));
            prev = s;
            lo = hi + 1;
        }
        ErrorModel { sigma }
    }

    /// σ of the log daily total `h` days after the end of history.
    pub fn sigma(&self, h: i64) -> f64 {
        for &(hi, s) in &self.sigma {
            if h <= hi {
                return s;
            }
        }
        // Beyond the measured horizons: random-walk growth from the last
        // bucket's middle, at most doubled.
        let (hi, s) = self.sigma.last().copied().unwrap_or((28, 0.1));
        let mid = (hi as f64 + 15.0) / 2.0;
        s * (h as f64 / mid).sqrt().min(2.0)
    }
}

/// Season-to-season spread of an event's log effect, relative to its size
/// (see [`event_sigma`]).
const EVENT_SPREAD: f64 = 0.3;

/// Extra log-scale spread of a day's total from the event effects on it:
/// `effect` their summed log effect, `seasons` the fewest seasons one of
/// them was learned on, `day_sigma` the daily model's residual scale.
///
/// An event's next season differs from its average by about
/// `s = EVENT_SPREAD · |effect|`. After two seasons or more the measured
/// errors already hold event days, so only `s / n²` is added (a quarter of
/// `s` after two). After a single season (or none: an effect borrowed
/// from the event's kind) the forecast is not only exposed to the next
/// season's deviation: its effect *is* the one season seen, so it carries
/// that season's own deviation `s` and that day's noise `day_sigma` as
/// estimation error, independent of the next season's. The band then
/// carries both, `√(s² + s² + day_sigma²)`: the prediction error of an
/// effect estimated from one draw, not only the spread of the draws.
///
/// Only the band moves: the forecast's mean is the same whatever this
/// returns.
pub(crate) fn event_sigma(effect: f64, seasons: usize, day_sigma: f64) -> f64 {
    let next = EVENT_SPREAD * effect.abs();
    if seasons <= 1 {
        let estimate = next.hypot(day_sigma);
        return next.hypot(estimate);
    }
    let n = seasons as f64;
    next / (n * n)
}

/// `(p10, p50, p90)` of an interval with expected volume `mean`, daily
/// log error `sigma` and overdispersion `phi`.
pub(crate) fn interval_quantiles(mean: f64, sigma: f64, phi: f64) -> [f64; 3] {
    if !mean.is_finite() || mean <= 0.0 {
        return [0.0; 3];
    }
    let es2 = (sigma * sigma).exp();
    let var = mean * mean * (es2 - 1.0) + es2 * (mean + phi * mean * mean);
    gamma_quantiles(mean, var)
}

/// `(p10, p50, p90)` of a gamma law with this mean and variance
/// (Wilson–Hilferty), never negative.
pub(crate) fn gamma_quantiles(mean: f64, var: f64) -> [f64; 3] {
    if !mean.is_finite() || !var.is_finite() || mean <= 0.0 || var <= 0.0 {
        let m = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
        return [m; 3];
    }
    let k = mean * mean / var;
    let theta = var / mean;
    let q = |z: f64| {
        let c = 1.0 - 1.0 / (9.0 * k) + z / (3.0 * k.sqrt());
        (k * theta * c.max(0.0).powi(3)).max(0.0)
    };
    [q(-Z90), q(0.0), q(Z90)]
}

/// Mean absolute deviation of a Poisson count with mean `lambda` from
/// `lambda`: `2 λ^{⌊λ⌋+1} e^{−λ} / ⌊λ⌋!`. Summed over intervals and
/// divided by volume it is the WAPE a perfect forecast would still make:
/// the noise floor.
pub fn poisson_mad(lambda: f64) -> f64 {
    if !lambda.is_finite() || lambda <= 0.0 {
        return 0.0;
    }
    let k = lambda.floor();
    (std::f64::consts::LN_2 + (k + 1.0) * lambda.ln()
        - lambda
        - ln_gamma(k + 1.0))
    .exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_seen_once_carries_its_estimation_error() {
        // Two seasons or more: the next season's deviation only, shrunk
        // by n² as before.
        assert!((event_sigma(0.4, 2, 0.05) - 0.3 * 0.4 / 4.0).abs() < 1e-15);
        assert!((event_sigma(-0.4, 3, 0.05) - 0.3 * 0.4 / 9.0).abs() < 1e-15);
        // One season: the next season's deviation, the seen season's and
        // that day's noise, independent.
        let want = (2.0 * 0.12f64.powi(2) + 0.05f64.powi(2)).sqrt();
        assert!((event_sigma(0.4, 1, 0.05) - want).abs() < 1e-15);
        assert_eq!(event_sigma(0.4, 0, 0.05), event_sigma(0.4, 1, 0.05));
        // Wider than the spread of the draws alone, and never below the
        // day's own noise.
        assert!(event_sigma(0.4, 1, 0.05) > 0.3 * 0.4);
        assert!(event_sigma(0.0, 1, 0.05) >= 0.05);
    }

    #[test]
    fn poisson_mad_matches_direct_sums() {
        for lambda in [0.3f64, 1.0, 2.5, 7.0, 40.0] {
            let mut direct = 0.0;
            let mut p = (-lambda).exp();
            for y in 0..400 {
                direct += p * (f64::from(y) - lambda).abs();
                p *= lambda / f64::from(y + 1);
            }
            assert!((poisson_mad(lambda) - direct).abs() < 1e-9, "{lambda}");
        }
    }

    #[test]
    fn error_model_grows_with_horizon_and_respects_the_floor() {
        let errors: Vec<(i64, f64)> = (1..=28)
            .flat_map(|h| {
                let s = 0.05 + 0.003 * h as f64;
                (0..10).map(move |i| (h, s * (f64::from(i) - 4.5) / 3.0))
            })
            .collect();
        let m = ErrorModel::new(&errors, 0.02);
        assert!(m.sigma(1) < m.sigma(10) && m.sigma(10) <= m.sigma(20));
        assert!(
            m.sigma(60) > m.sigma(28) && m.sigma(400) <= 2.0 * m.sigma(28)
        );
        let few = ErrorModel::new(&[(1, 0.5)], 0.04);
        assert!((few.sigma(3) - 0.052).abs() < 1e-12);
    }

    /// Quantile calibration on synthetic data with known truth: Poisson
    /// counts whose day level carries a log-normal error of known σ.
    #[test]
    fn p10_p90_cover_eighty_percent_of_simulated_counts() {
        // A small deterministic generator (xorshift) keeps the test exact.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let sigma = 0.1;
        for lambda in [8.0, 30.0, 150.0] {
            let mut inside = 0;
            let n = 20_000;
            let [p10, _, p90] = interval_quantiles(lambda, sigma, 0.0);
            for _ in 0..n {
                // Box–Muller normal for the day, inversion for Poisson.
                let z = (-2.0 * uniform().ln()).sqrt()
                    * (std::f64::consts::TAU * uniform()).cos();
                let mu = lambda * (sigma * z - sigma * sigma / 2.0).exp();
                let (mut k, mut p, u) = (0.0, (-mu).exp(), uniform());
                let mut cdf = p;
                while u > cdf && k < 10_000.0 {
                    k += 1.0;
                    p *= mu / k;
                    cdf += p;
                }
                inside += usize::from(p10 <= k && k <= p90);
            }
            let cover = inside as f64 / f64::from(n);
            assert!((cover - 0.8).abs() < 0.05, "λ={lambda}: {cover}");
        }
    }
}
