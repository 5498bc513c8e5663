//! Erlang staffing throughput: minimal agents per interval.
//!
//! ```text
//! cargo bench --bench erlang
//! ```
//!
//! Inputs are seeded (SplitMix64, seed 2025) and identical to those of
//! `benches/peers/run_peers.py`, which times pyworkforce on them:
//! 10,000 intervals of 1–300 Erlangs (30-minute intervals, AHT 300 s,
//! 80 % within 20 s), and batches of intervals around 5,000 and 20,000
//! Erlangs. Each benchmark solves the whole batch per iteration and reports
//! intervals per second.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakplan::erlang::{
    Params, Target, required_agents, required_agents_each,
};

/// SplitMix64, as in `benches/peers/run_peers.py`.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const INTERVAL_S: f64 = 1800.0;
const AHT_S: f64 = 300.0;

/// `count` volumes whose traffic is uniform in [lo, hi] Erlangs, rounded
/// to whole calls.
fn volumes(seed: u64, count: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut rng = SplitMix64(seed);
    (0..count)
        .map(|_| {
            let erlangs = lo + (hi - lo) * rng.uniform();
            (erlangs * INTERVAL_S / AHT_S).round()
        })
        .collect()
}

fn solve_all(volumes: &[f64], target: &Target, patience: Option<f64>) -> u64 {
    let mut total = 0;
    for &v in volumes {
        let mut p = Params::new(v, INTERVAL_S, AHT_S).unwrap();
        if let Some(pat) = patience {
            p = p.with_patience(pat).unwrap();
        }
        total += required_agents(black_box(&p), target).agents;
    }
    total
}

fn bench(c: &mut Criterion) {
    let target = Target::service_level(0.8, 20.0).unwrap();
    let mut g = c.benchmark_group("erlang_solve");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    g.warm_up_time(Duration::from_millis(500));
    let sets = [
        ("erlang_c_1_300E", volumes(2025, 10_000, 1.0, 300.0), None),
        ("erlang_c_5000E", volumes(2026, 200, 4_900.0, 5_100.0), None),
        ("erlang_c_20000E", volumes(2027, 50, 19_900.0, 20_100.0), None),
        ("erlang_a_1_300E", volumes(2025, 1_000, 1.0, 300.0), Some(120.0)),
    ];
    for (name, vols, patience) in &sets {
        g.throughput(Throughput::Elements(vols.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| solve_all(black_box(vols), &target, *patience))
        });
    }
    // The same 10,000 intervals as one batch (`erlang --input` solves
    // its rows so).
    let (_, vols, _) = &sets[0];
    let loads: Vec<Params> = vols
        .iter()
        .map(|&v| Params::new(v, INTERVAL_S, AHT_S).unwrap())
        .collect();
    g.throughput(Throughput::Elements(loads.len() as u64));
    g.bench_function("erlang_c_1_300E_batch", |b| {
        b.iter(|| {
            let each = required_agents_each(black_box(&loads), &target);
            each.iter().map(|s| s.agents).sum::<u64>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
