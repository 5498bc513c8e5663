//! Handle-time and patience draws.
//!
//! Handle times have mean AHT: exponential (`AHT·E`, `E ~ Exp(1)`) or
//! lognormal `exp(μ + σ·Z)` with `σ² = ln(1 + cv²)` and
//! `μ = ln(AHT) − σ²/2`, so that the mean is AHT and sd / mean is `cv`.
//! Patience is exponential of the queue's mean (the Erlang A law).

use rand::Rng;
use rand::RngExt;
use rand_distr::{Exp1, StandardNormal};

use super::model::HandleTime;

/// Draws handle times of one queue.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Handle {
    Exponential { mean: f64 },
    LogNormal { mu: f64, sigma: f64 },
}

impl Handle {
    pub(crate) fn new(aht_s: f64, law: HandleTime) -> Handle {
        match law {
            HandleTime::Exponential => Handle::Exponential { mean: aht_s },
            HandleTime::LogNormal { cv } => {
                let s2 = (1.0 + cv * cv).ln();
                Handle::LogNormal {
                    mu: aht_s.ln() - 0.5 * s2,
                    sigma: s2.sqrt(),
                }
            }
        }
    }

    pub(crate) fn draw<R: Rng>(&self, rng: &mut R) -> f64 {
        match *self {
            Handle::Exponential { mean } => {
                let e: f64 = rng.sample(Exp1);
                mean * e
            }
            Handle::LogNormal { mu, sigma } => {
                let z: f64 = rng.sample(StandardNormal);
                (mu + sigma * z).exp()
            }
        }
    }
}

/// An exponential time of mean `mean`.
pub(crate) fn exponential<R: Rng>(mean: f64, rng: &mut R) -> f64 {
    let e: f64 = rng.sample(Exp1);
    mean * e
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_pcg::Pcg64;

    fn moments(h: Handle) -> (f64, f64) {
        let mut rng = Pcg64::new(3, 5);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| h.draw(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
            / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn handle_times_have_the_aht_and_the_cv_asked() {
        let (m, cv) = moments(Handle::new(300.0, HandleTime::Exponential));
        assert!((m / 300.0 - 1.0).abs() < 0.01, "{m}");
        assert!((cv - 1.0).abs() < 0.02, "{cv}");
        let (m, cv) =
            moments(Handle::new(300.0, HandleTime::LogNormal { cv: 0.5 }));
        assert!((m / 300.0 - 1.0).abs() < 0.01, "{m}");
        assert!((cv - 0.5).abs() < 0.02, "{cv}");
    }
}
