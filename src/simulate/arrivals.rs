//! Arrivals: a non-homogeneous Poisson process per slot, its day factor
//! calibrated to the forecast's band, or the actual volumes replayed.
//!
//! # The arrival model
//!
//! On a forecast day with slot means `m_s`, a run draws one day factor
//! `F` and, per slot, a mean-one noise `ε_s`; slot `s` then receives
//! `Poisson(m_s·F·ε_s)` contacts at uniform times inside the slot (a
//! Poisson process with a rate constant within the slot). `F` moves the
//! whole day together, which is what makes a day that runs 10 % high run
//! high all day; `ε_s = exp(σ_ε·Z − σ_ε²/2)` with `σ_ε² = ln(1 + cv²)`
//! (`cv` the queue's `interval_cv`) is the intraday shape's own error.
//!
//! # Calibration of the day factor
//!
//! `F = exp(μ + σ·Z)` is lognormal. Given `F`, the day total `D` has mean
//! `F·M` and variance `F·M + F²·Q`, with `M = Σ m_s` and
//! `Q = Σ m_s²·(e^{σ_ε²} − 1)` (Poisson plus interval noise), and is
//! close to normal at the volumes of a call-center day. So
//!
//! ```text
//! P(D ≤ x) ≈ E_Z[ Φ((x − F·M) / √(F·M + F²·Q)) ]
//! ```
//!
//! evaluated on 64 equal-probability nodes of `Z`. `(μ, σ)` are solved so
//! that the 10 % and 90 % quantiles of that law equal the forecast's
//! daily p10 and p90: a fixed-point iteration moves `μ` by the mean gap of
//! the log quantiles and `σ` by the gap of their spread over
//! `z₉₀ − z₁₀`. When the forecast's band is narrower than the Poisson and
//! interval noise alone give, `σ` stops at 0 and the simulated band is
//! that noise floor ([`DayFactor::p10`] / [`DayFactor::p90`] report what
//! was reached). Without a band, `F = 1`. The band is matched by the
//! first calls; redials come on top of it.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Poisson, StandardNormal};
use statrs::distribution::{ContinuousCDF, Normal};

use super::model::DailyBand;

/// Nodes of the day factor's law in the calibration.
const NODES: usize = 64;

/// The lognormal day factor `F = exp(mu + sigma·Z)` of one forecast day,
/// and the quantiles of the day total it gives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayFactor {
    /// Log-mean of the factor.
    pub mu: f64,
    /// Log-standard deviation of the factor.
    pub sigma: f64,
    /// The 10 % quantile of the day total the model gives.
    pub p10: f64,
    /// The 90 % quantile of the day total the model gives.
    pub p90: f64,
}

/// Sigma of the mean-one lognormal interval noise of coefficient `cv`.
pub(crate) fn noise_sigma(cv: f64) -> f64 {
    (1.0 + cv * cv).ln().sqrt()
}

fn std_normal() -> Normal {
    // Mean 0, sd 1 are valid parameters.
    Normal::standard()
}

struct TotalLaw {
    m: f64,
    q: f64,
    z: [f64; NODES],
}

impl TotalLaw {
    fn cdf(&self, mu: f64, sigma: f64, x: f64) -> f64 {
        let n = std_normal();
        let mut p = 0.0;
        for &z in &self.z {
            let f = (mu + sigma * z).exp();
            let mean = f * self.m;
            let sd = (f * self.m + f * f * self.q).sqrt();
            p += if sd > 0.0 {
                n.cdf((x - mean) / sd)
            } else if x >= mean {
                1.0
            } else {
                0.0
            };
        }
        p / NODES as f64
    }

    fn quantile(&self, mu: f64, sigma: f64, p: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, self.m.max(1.0));
        while self.cdf(mu, sigma, hi) < p {
            hi *= 2.0;
        }
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.cdf(mu, sigma, mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo <= 1e-9 * hi {
                break;
            }
        }
        0.5 * (lo + hi)
    }
}

/// The day factor whose day totals have the forecast's p10 and p90, for
/// slot means `mean` and interval noise of coefficient `interval_cv`.
///
/// A day with no volume, or a band with a zero p10, gets `F = 1`.
pub fn calibrate(
    mean: &[f64],
    interval_cv: f64,
    band: DailyBand,
) -> DayFactor {
    let m: f64 = mean.iter().sum();
    let s2 = noise_sigma(interval_cv).powi(2);
    let q: f64 = mean.iter().map(|x| x * x).sum::<f64>() * s2.exp_m1();
    let n = std_normal();
    let mut z = [0.0; NODES];
    for (i, zi) in z.iter_mut().enumerate() {
        *zi = n.inverse_cdf((i as f64 + 0.5) / NODES as f64);
    }
    let law = TotalLaw { m, q, z };
    if m <= 0.0 || band.p10 <= 0.0 {
        let (p10, p90) =
            (law.quantile(0.0, 0.0, 0.1), law.quantile(0.0, 0.0, 0.9));
        return DayFactor { mu: 0.0, sigma: 0.0, p10, p90 };
    }
    let (z10, z90) = (n.inverse_cdf(0.1), n.inverse_cdf(0.9));
    let (l10, l90) = (band.p10.ln(), band.p90.ln());
    // Start from the band read as the factor's own quantiles.
    let mut mu = 0.5 * (l10 + l90) - m.ln();
    let mut sigma = ((l90 - l10) / (z90 - z10)).max(0.0);
    let mut got = (0.0, 0.0);
    for _ in 0..100 {
        let (q10, q90) =
            (law.quantile(mu, sigma, 0.1), law.quantile(mu, sigma, 0.9));
        got = (q10, q90);
        let (g10, g90) = (q10.max(1e-300).ln(), q90.max(1e-300).ln());
        let d_mu = 0.5 * ((l10 + l90) - (g10 + g90));
        let d_sigma = ((l90 - l10) - (g90 - g10)) / (z90 - z10);
        mu += d_mu;
        let next = (sigma + d_sigma).max(0.0);
        let moved = (next - sigma).abs();
        sigma = next;
        if d_mu.abs() < 1e-7 && (moved < 1e-7 || sigma == 0.0 && d_sigma < 0.0)
        {
            break;
        }
    }
    DayFactor { mu, sigma, p10: got.0, p90: got.1 }
}

/// How a day's arrivals are drawn.
#[derive(Clone, Debug)]
pub(crate) enum DayArrivals {
    /// Poisson per slot around `mean × F × ε`.
    Forecast { mean: Vec<f64>, factor: DayFactor, noise_sigma: f64 },
    /// Exactly these counts per slot.
    Actual(Vec<u32>),
}

impl DayArrivals {
    /// Appends the day's first-call arrival times (seconds from opening,
    /// sorted) to `out`.
    pub(crate) fn draw<R: Rng>(
        &self,
        slot_s: f64,
        rng: &mut R,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        self.counts(rng, |i, n, rng| uniform_in_slot(i, n, slot_s, rng, out));
    }

    /// Draws the day's count of each slot, in slot order, and hands it to
    /// `each` with the generator (which then draws the slot's times).
    fn counts<R: Rng>(
        &self,
        rng: &mut R,
        mut each: impl FnMut(usize, u64, &mut R),
    ) {
        match self {
            DayArrivals::Forecast { mean, factor, noise_sigma } => {
                let z: f64 = rng.sample(StandardNormal);
                let f = (factor.mu + factor.sigma * z).exp();
                let s = *noise_sigma;
                for (i, &m) in mean.iter().enumerate() {
                    let eps = if s > 0.0 {
                        let e: f64 = rng.sample(StandardNormal);
                        (s * e - 0.5 * s * s).exp()
                    } else {
                        1.0
                    };
                    let n = poisson(m * f * eps, rng);
                    each(i, n, rng);
                }
            }
            DayArrivals::Actual(counts) => {
                for (i, &n) in counts.iter().enumerate() {
                    each(i, u64::from(n), rng);
                }
            }
        }
    }
}

fn poisson<R: Rng>(lambda: f64, rng: &mut R) -> u64 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    match Poisson::new(lambda) {
        // A count of contacts in one slot fits in u64 by far.
        Ok(d) => d.sample(rng) as u64,
        // Above rand_distr's supported rate; never a call-center slot.
        Err(_) => lambda.round() as u64,
    }
}

/// `n` uniform times inside slot `i`, sorted, appended to `out`.
fn uniform_in_slot<R: Rng>(
    i: usize,
    n: u64,
    slot_s: f64,
    rng: &mut R,
    out: &mut Vec<f64>,
) {
    let start = i as f64 * slot_s;
    let from = out.len();
    for _ in 0..n {
        let u: f64 = rng.random();
        out.push(start + u * slot_s);
    }
    out[from..].sort_unstable_by(f64::total_cmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_pcg::Pcg64;

    fn empirical_quantile(v: &mut [f64], p: f64) -> f64 {
        v.sort_unstable_by(f64::total_cmp);
        let h = p * (v.len() - 1) as f64;
        let (lo, t) = (h.floor() as usize, h.fract());
        v[lo] + t * (v[(lo + 1).min(v.len() - 1)] - v[lo])
    }

    /// The simulated day totals have the forecast's p10 and p90: 4000
    /// days of a 26-slot profile, checked to 1.5 % (the sampling error of
    /// a 10 % quantile from 4000 draws is about 0.6 % here).
    #[test]
    fn simulated_daily_band_matches_the_forecast() {
        let mean: Vec<f64> = (0..26)
            .map(|i| 80.0 + 60.0 * ((i as f64) / 4.0).sin().abs())
            .collect();
        let total: f64 = mean.iter().sum();
        let band = DailyBand { p10: 0.85 * total, p90: 1.2 * total };
        let cv = 0.1;
        let factor = calibrate(&mean, cv, band);
        assert!(factor.sigma > 0.0);
        assert!((factor.p10 / band.p10 - 1.0).abs() < 1e-4, "{factor:?}");
        assert!((factor.p90 / band.p90 - 1.0).abs() < 1e-4, "{factor:?}");
        let day = DayArrivals::Forecast {
            mean,
            factor,
            noise_sigma: noise_sigma(cv),
        };
        let mut rng = Pcg64::new(7, 1);
        let mut totals: Vec<f64> = (0..4000)
            .map(|_| {
                let mut total = 0;
                day.counts(&mut rng, |_, n, _| total += n);
                total as f64
            })
            .collect();
        let q10 = empirical_quantile(&mut totals, 0.1);
        let q90 = empirical_quantile(&mut totals, 0.9);
        assert!(
            (q10 / band.p10 - 1.0).abs() < 0.015,
            "p10 {q10} vs {}",
            band.p10
        );
        assert!(
            (q90 / band.p90 - 1.0).abs() < 0.015,
            "p90 {q90} vs {}",
            band.p90
        );
    }

    /// A band narrower than Poisson noise allows stops at sigma 0, and
    /// says so through the quantiles reached.
    #[test]
    fn a_band_below_the_noise_floor_stops_at_no_day_factor() {
        let mean = vec![100.0; 10];
        let band = DailyBand { p10: 999.0, p90: 1001.0 };
        let f = calibrate(&mean, 0.0, band);
        assert_eq!(f.sigma, 0.0);
        // Poisson(1000): sd 31.6, so p90 − p10 ≈ 81.
        assert!(
            (f.p90 - f.p10 - 2.0 * 1.2816 * 1000f64.sqrt()).abs() < 1.0,
            "{f:?}"
        );
    }

    #[test]
    fn actual_volumes_are_replayed_exactly_inside_their_slots() {
        let day = DayArrivals::Actual(vec![3, 0, 5]);
        let mut rng = Pcg64::new(1, 2);
        let mut buf = Vec::new();
        day.draw(600.0, &mut rng, &mut buf);
        assert_eq!(buf.len(), 8);
        assert!(buf[..3].iter().all(|&t| (0.0..600.0).contains(&t)));
        assert!(buf[3..].iter().all(|&t| (1200.0..1800.0).contains(&t)));
        assert!(buf.windows(2).all(|w| w[0] <= w[1]));
    }
}
