//! The noise floor a re-forecast is measured against: what the best
//! possible forecast, the expectation itself, still misses on Poisson
//! counts.
//!
//! A count `X ~ Poisson(λ)` forecast by its own mean `λ` has the mean
//! absolute deviation (Crow 1958; Johnson, Kemp & Kotz, *Univariate
//! Discrete Distributions*, 3rd ed., §4.3)
//!
//! ```text
//! E|X − λ| = 2·e^{−λ}·λ^{⌊λ⌋+1} / ⌊λ⌋!
//! ```
//!
//! so over a set of intervals of expectations `λ_s` no forecast can
//! expect a WAPE below `Σ E|X_s − λ_s| / Σ actual`, however well it knows
//! the day. The power and factorial are taken in logs, so the formula is
//! finite for any `λ` a queue has.

use statrs::function::gamma::ln_gamma;

/// `E|X − λ|` of `X ~ Poisson(λ)`: `2·e^{−λ}·λ^{⌊λ⌋+1}/⌊λ⌋!`; 0 for
/// `λ ≤ 0` or a non-finite `λ`.
///
/// # Example
///
/// ```
/// use peakplan::reforecast::noise::poisson_mad;
/// // λ = 1: E|X − 1| = 2/e.
/// assert!((poisson_mad(1.0) - 2.0 / std::f64::consts::E).abs() < 1e-12);
/// ```
pub fn poisson_mad(lambda: f64) -> f64 {
    if !lambda.is_finite() || lambda <= 0.0 {
        return 0.0;
    }
    let k = lambda.floor();
    let ln = std::f64::consts::LN_2 - lambda + (k + 1.0) * lambda.ln()
        - ln_gamma(k + 1.0);
    ln.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Σ_x |x − λ|·P(X = x)` by the pmf's recursion, far into the tail.
    fn direct(lambda: f64) -> f64 {
        let top = (lambda + 40.0 * lambda.sqrt() + 40.0) as u64;
        // Start at the mode in logs so large λ does not underflow.
        let mode = lambda.floor();
        let ln_pm = -lambda + mode * lambda.ln() - ln_gamma(mode + 1.0);
        let mut sum = 0.0;
        let mut p = ln_pm.exp();
        let mut x = mode;
        while x >= 0.0 {
            sum += (x - lambda).abs() * p;
            p *= x / lambda;
            x -= 1.0;
        }
        let mut p = ln_pm.exp();
        let mut x = mode;
        while x < top as f64 {
            p *= lambda / (x + 1.0);
            x += 1.0;
            sum += (x - lambda).abs() * p;
        }
        sum
    }

    #[test]
    fn the_closed_form_equals_the_direct_sum() {
        for lambda in [0.01, 0.3, 1.0, 2.5, 7.0, 13.95, 55.188, 300.0, 4321.7]
        {
            let (f, d) = (poisson_mad(lambda), direct(lambda));
            assert!((f - d).abs() < 1e-9 * d, "λ = {lambda}: {f} vs {d}");
        }
    }

    #[test]
    fn large_counts_approach_the_normal_mad() {
        // E|X − λ| → √(2λ/π) as λ grows.
        let lambda: f64 = 1e6;
        let normal = (2.0 * lambda / std::f64::consts::PI).sqrt();
        assert!((poisson_mad(lambda) / normal - 1.0).abs() < 1e-3);
    }

    #[test]
    fn no_volume_has_no_noise() {
        assert_eq!(poisson_mad(0.0), 0.0);
        assert_eq!(poisson_mad(-1.0), 0.0);
        assert_eq!(poisson_mad(f64::NAN), 0.0);
    }
}
