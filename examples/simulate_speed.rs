//! Throughput of the simulation on a plan of the bundled example's size:
//! two voice queues (commandes, 240 s AHT, 90 s patience, level 1 with a
//! partner; sav, 420 s AHT), nine weeks of 30-minute slots from 08:00 to
//! 20:00, about 190,000 contacts per run with a Black Friday at twice the
//! volume, staffed at the Erlang C minimum for 80/20 on the mean forecast.
//!
//! ```text
//! cargo run --release --example simulate_speed [-- RUNS]
//! ```
//!
//! Prints the wall time, events and contacts per second, and the figures
//! of Black Friday and of an ordinary Tuesday.

use std::time::Instant;

use peakplan::erlang::{self, Params, Target};
use peakplan::simulate::*;

const SLOT_S: f64 = 1800.0;
const SLOTS: usize = 24;
const DAYS: usize = 63;
/// Day 27 of the horizon (starting on Saturday 1 November 2025) is
/// Friday 28 November.
const BLACK_FRIDAY: usize = 27;

/// Intraday shape: a morning and an early-afternoon peak, sums to 1.
fn shape() -> Vec<f64> {
    let raw: Vec<f64> = (0..SLOTS)
        .map(|i| {
            let h = 8.0 + i as f64 / 2.0;
            1.0 + 0.8 * (-(h - 10.5_f64).powi(2) / 3.0).exp()
                + 0.6 * (-(h - 14.5_f64).powi(2) / 4.0).exp()
        })
        .collect();
    let total: f64 = raw.iter().sum();
    raw.into_iter().map(|x| x / total).collect()
}

fn day_volume(base: f64, day: usize) -> f64 {
    let weekday = [0.55, 0.0, 1.25, 1.1, 1.0, 1.0, 1.05][day % 7];
    let ramp = 1.0 + 0.25 * day as f64 / DAYS as f64;
    let peak = match day {
        BLACK_FRIDAY => 2.0,
        d if d == BLACK_FRIDAY + 3 => 1.6,
        d if d > BLACK_FRIDAY && d < BLACK_FRIDAY + 14 => 1.15,
        _ => 1.0,
    };
    base * weekday * ramp * peak
}

fn queue(
    name: &str,
    base: f64,
    aht_s: f64,
    patience: Option<f64>,
) -> QueueModel {
    let target = Target::service_level(0.8, 20.0).expect("valid target");
    let shape = shape();
    let days = (0..DAYS)
        .map(|d| {
            let total = day_volume(base, d);
            let mean: Vec<f64> = shape.iter().map(|s| s * total).collect();
            let agents: Vec<u32> = mean
                .iter()
                .map(|&v| {
                    let p = Params::new(v, SLOT_S, aht_s).expect("valid load");
                    erlang::required_agents(&p, &target).agents as u32
                })
                .collect();
            DayPlan {
                label: format!("day {d:02}"),
                volumes: Volumes::Forecast {
                    mean,
                    band: Some(DailyBand {
                        p10: 0.88 * total,
                        p90: 1.14 * total,
                    }),
                },
                staff: Staff::per_slot(&agents, SLOT_S),
                partner_staff: Staff::per_slot(&[4; SLOTS], SLOT_S),
            }
        })
        .collect();
    QueueModel {
        name: name.into(),
        channel: Channel::Voice,
        aht_s,
        handle: HandleTime::Exponential,
        patience_s: patience,
        redial: patience
            .map(|_| Redial { probability: 0.3, mean_delay_s: 900.0 }),
        target: SlTarget { share: 0.8, within_s: 20.0 },
        interval_cv: 0.08,
        overflow: patience.map(|_| Overflow {
            eligible_share: 0.7,
            rule: OverflowRule::ExpectedWaitAbove(60.0),
        }),
        days,
    }
}

fn show(d: &DayStats) {
    let pct = |x: Option<f64>| {
        x.map_or("-".into(), |v| format!("{:.1} %", 100.0 * v))
    };
    println!(
        "  {:<9} {}: SL mean {} (p10 {}, p90 {}), P(SL ≥ 80 %) {:.2}, abandon {}, \
         ASA {:.0} s, longest wait {:.0} s, occupancy {}, overflow {}",
        d.queue,
        d.day,
        pct(d.sl_mean),
        pct(d.sl_p10),
        pct(d.sl_p90),
        d.p_meet_target,
        pct(d.abandon_rate),
        d.asa_s.unwrap_or(f64::NAN),
        d.longest_wait_mean_s,
        pct(d.occupancy),
        pct(d.overflow_share),
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: u32 = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 200,
    };
    let model = Model {
        slot_s: SLOT_S,
        queues: vec![
            queue("commandes", 2000.0, 240.0, Some(90.0)),
            queue("sav", 900.0, 420.0, None),
        ],
    };
    let started = Instant::now();
    let out = simulate(&model, &RunOptions { runs, seed: 2025 })?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{runs} runs of 2 queues × {DAYS} days × {SLOTS} slots on {} threads: {secs:.2} s",
        rayon::current_num_threads()
    );
    println!(
        "  {:.0} contacts per run, {:.1} M events, {:.1} M events/s, {:.2} M contacts/s",
        out.contacts as f64 / f64::from(runs),
        out.events as f64 / 1e6,
        out.events as f64 / secs / 1e6,
        out.contacts as f64 / secs / 1e6
    );
    for q in 0..2 {
        show(&out.days[q * DAYS + BLACK_FRIDAY]);
        show(&out.days[q * DAYS + BLACK_FRIDAY + 4]);
    }
    Ok(())
}
