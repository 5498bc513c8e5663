//! Does `--staff-to auto` hold the service level on real days, and at what
//! price in agent-hours? A simulation with a calibrated forecast.
//!
//! Each interval has a forecast mean `m` (5 to 300 calls in 30 minutes).
//! The actual volume is Poisson around `m · e^ε` with a 12 % forecast
//! error `ε` (lognormal, mean 1): the same size of error the forecast's
//! backtests show on busy queues. The forecast's p10/p50/p90 are the true
//! quantiles of that distribution (estimated from 4,000 draws), as a
//! calibrated forecast would give. Every staffing rule staffs each interval
//! from the forecast alone; the agents are then replayed on one actual
//! volume per interval. "perfect" staffs each interval with the fewest
//! agents meeting 80/20 on its actual volume, known in advance.
//!
//! Run: `cargo run --release --example staffing_backtest`

use peakplan::capacity::scenario::{Channel, Goal};
use peakplan::capacity::staffing::{QueueModel, StaffTo, VolumeDist};

/// xorshift64*: deterministic, good enough for a simulation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.next(), self.next());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn poisson(&mut self, lambda: f64) -> f64 {
        if lambda > 200.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0);
        }
        let (limit, mut p, mut k) = ((-lambda).exp(), 1.0, 0.0);
        loop {
            p *= self.next();
            if p <= limit {
                return k;
            }
            k += 1.0;
        }
    }
    fn actual(&mut self, m: f64, sigma: f64) -> f64 {
        let eps = sigma * self.normal() - sigma * sigma / 2.0;
        self.poisson(m * eps.exp())
    }
}

fn main() -> Result<(), peakplan::erlang::ErlangError> {
    let sigma = 0.12;
    let model = QueueModel {
        aht_s: 240.0,
        interval_s: 1800.0,
        goal: Goal::ServiceLevel { sl: 0.8, within_s: 20.0 },
        max_occupancy: Some(0.9),
        patience_s: None,
        channel: Channel::Voice,
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let n = 6_000;
    let mut cases = Vec::with_capacity(n);
    for _ in 0..n {
        let m = 5.0 * (60.0f64).powf(rng.next());
        let mut draws: Vec<f64> =
            (0..4_000).map(|_| rng.actual(m, sigma)).collect();
        draws.sort_by(f64::total_cmp);
        let q = |p: f64| draws[(p * draws.len() as f64) as usize];
        let dist =
            VolumeDist { mean: m, p10: q(0.1), p50: q(0.5), p90: q(0.9) };
        cases.push((dist, rng.actual(m, sigma)));
    }
    let perfect: f64 =
        cases.iter().map(|(_, v)| f64::from(model.required(*v))).sum();
    println!(
        "{n} half-hour intervals, 5–300 calls, AHT 240 s, target 80 % in 20 s, \
         forecast error 12 % + Poisson\n"
    );
    println!(
        "{:<8} {:>10} {:>10} {:>13} {:>15}",
        "rule", "SL", "on target", "agent-hours", "vs perfect"
    );
    for rule in [StaffTo::Mean, StaffTo::P50, StaffTo::P80, StaffTo::Auto] {
        let (mut calls, mut served, mut met, mut agents) = (0.0, 0.0, 0, 0.0);
        for (dist, v) in &cases {
            let n = model.staff(dist, rule)?.agents;
            let sl = model.service_level(n, *v);
            calls += v;
            served += v * sl;
            met += usize::from(sl >= 0.8);
            agents += f64::from(n);
        }
        println!(
            "{:<8} {:>9.1}% {:>9.1}% {:>13.0} {:>14.1}%",
            rule.as_str(),
            100.0 * served / calls,
            100.0 * met as f64 / n as f64,
            agents / 2.0,
            100.0 * (agents / perfect - 1.0)
        );
    }
    let (mut calls, mut served) = (0.0, 0.0);
    for (_, v) in &cases {
        calls += v;
        served += v * model.service_level(model.required(*v), *v);
    }
    println!(
        "{:<8} {:>9.1}% {:>10} {:>13.0} {:>15}",
        "perfect",
        100.0 * served / calls,
        "100.0%",
        perfect / 2.0,
        ""
    );
    Ok(())
}
