//! The run driver: independent runs in parallel, combined in run order.
//!
//! Run `r` draws from its own PCG-64 stream: the state comes from the
//! seed, the stream selector is `r`, so a run's draws depend on
//! `(seed, r)` alone. Runs are grouped in blocks of [`RUNS_PER_BLOCK`]
//! (a constant, not the thread count); each block sums its runs in order
//! and the blocks are then summed in order. The additions, floating-point
//! ones included, are thus the same whatever the number of threads, and
//! so are the results, bit for bit.

use rand_pcg::Pcg64;
use rayon::prelude::*;

use super::SimError;
use super::arrivals::{DayArrivals, DayFactor, calibrate, noise_sigma};
use super::engine::{DaySetup, QueueRules, Scratch, play_day};
use super::model::{Model, Volumes};
use super::stats::{DayAcc, DayStats, DayTally, SlotStats, SlotTally};

/// Runs summed together before blocks are combined.
const RUNS_PER_BLOCK: u32 = 4;

/// How many runs, from which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Independent runs of every day (at least 1).
    pub runs: u32,
    /// The seed: the same seed gives the same results.
    pub seed: u64,
}

/// What the runs give.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Per queue and day, in the model's order (queues, then days).
    pub days: Vec<DayStats>,
    /// Per queue, day and slot, in the same order.
    pub slots: Vec<SlotStats>,
    /// The calibrated day factor of each entry of `days` (forecast days
    /// with a band only).
    pub day_factors: Vec<Option<DayFactor>>,
    /// Runs simulated.
    pub runs: u32,
    /// Events processed over all runs (arrivals, completions, hang-ups,
    /// redials, staff changes).
    pub events: u64,
    /// Contacts simulated over all runs, redials included.
    pub contacts: u64,
}

struct Prepared {
    rules: Vec<QueueRules>,
    /// Per queue, its days.
    days: Vec<Vec<DaySetup>>,
    factors: Vec<Option<DayFactor>>,
}

fn prepare(model: &Model) -> Prepared {
    let mut rules = Vec::with_capacity(model.queues.len());
    let mut days = Vec::with_capacity(model.queues.len());
    let mut factors = Vec::new();
    for q in &model.queues {
        rules.push(QueueRules::new(q));
        let sigma = noise_sigma(q.interval_cv);
        // Each day's calibration is independent: computed in parallel,
        // collected in day order.
        let setups: Vec<(DaySetup, Option<DayFactor>)> = q
            .days
            .par_iter()
            .map(|d| {
                let (arrivals, factor) = match &d.volumes {
                    Volumes::Forecast { mean, band } => {
                        let factor =
                            band.map(|b| calibrate(mean, q.interval_cv, b));
                        let used = factor.unwrap_or(DayFactor {
                            mu: 0.0,
                            sigma: 0.0,
                            p10: f64::NAN,
                            p90: f64::NAN,
                        });
                        (
                            DayArrivals::Forecast {
                                mean: mean.clone(),
                                factor: used,
                                noise_sigma: sigma,
                            },
                            factor,
                        )
                    }
                    Volumes::Actual(v) => {
                        (DayArrivals::Actual(v.clone()), None)
                    }
                };
                let setup = DaySetup {
                    arrivals,
                    slots: d.volumes.slots(),
                    staff: d.staff.clone(),
                    partner_staff: d.partner_staff.clone(),
                };
                (setup, factor)
            })
            .collect();
        let (s, f): (Vec<_>, Vec<_>) = setups.into_iter().unzip();
        days.push(s);
        factors.extend(f);
    }
    Prepared { rules, days, factors }
}

/// The RNG of run `run`: its own stream of the seed's generator.
fn run_rng(seed: u64, run: u32) -> Pcg64 {
    let hi = u128::from(splitmix64(seed));
    let lo = u128::from(splitmix64(seed ^ 0xA076_1D64_78BD_642F));
    Pcg64::new(hi << 64 | lo, u128::from(run))
}

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): spreads nearby
/// seeds over the whole state.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Block {
    accs: Vec<DayAcc>,
    events: u64,
}

fn play_block(
    p: &Prepared,
    slot_s: f64,
    seed: u64,
    runs: std::ops::Range<u32>,
) -> Block {
    let mut accs: Vec<DayAcc> =
        p.days.iter().flatten().map(|d| DayAcc::new(d.slots)).collect();
    let mut scratch = Scratch::default();
    let mut slots: Vec<SlotTally> = Vec::new();
    let mut events = 0;
    for run in runs {
        let mut rng = run_rng(seed, run);
        let mut k = 0;
        for (rules, days) in p.rules.iter().zip(&p.days) {
            for day in days {
                let mut tally = DayTally::default();
                slots.clear();
                slots.resize(day.slots, SlotTally::default());
                events += play_day(
                    rules,
                    day,
                    slot_s,
                    &mut rng,
                    &mut scratch,
                    &mut tally,
                    &mut slots,
                );
                accs[k].add_run(&tally, &slots);
                k += 1;
            }
        }
    }
    Block { accs, events }
}

/// Simulates `options.runs` independent runs of every queue and day of
/// `model`, in parallel on rayon's pool, and returns the figures per day
/// and per slot.
///
/// # Errors
///
/// [`SimError::Runs`] for zero runs, or the first invalid value of the
/// model (see [`Model::validate`]).
///
/// # Example
///
/// ```
/// use peakplan::simulate::*;
/// let day = DayPlan {
///     label: "2026-11-27".into(),
///     volumes: Volumes::Forecast { mean: vec![100.0; 4], band: None },
///     staff: Staff::per_slot(&[14; 4], 1800.0),
///     partner_staff: Staff::none(),
/// };
/// let queue = QueueModel {
///     name: "orders".into(),
///     channel: Channel::Voice,
///     aht_s: 180.0,
///     handle: HandleTime::Exponential,
///     patience_s: Some(120.0),
///     redial: None,
///     target: SlTarget { share: 0.8, within_s: 20.0 },
///     interval_cv: 0.0,
///     overflow: None,
///     days: vec![day],
/// };
/// let model = Model { slot_s: 1800.0, queues: vec![queue] };
/// let out = simulate(&model, &RunOptions { runs: 50, seed: 1 })?;
/// let d = &out.days[0];
/// assert!(d.sl_mean.unwrap() > 0.8 && d.abandon_rate.unwrap() < 0.05);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn simulate(
    model: &Model,
    options: &RunOptions,
) -> Result<Outcome, SimError> {
    if options.runs == 0 {
        return Err(SimError::Runs);
    }
    model.validate()?;
    let prepared = prepare(model);
    let blocks = options.runs.div_ceil(RUNS_PER_BLOCK);
    let results: Vec<Block> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let from = b * RUNS_PER_BLOCK;
            let to = (from + RUNS_PER_BLOCK).min(options.runs);
            play_block(&prepared, model.slot_s, options.seed, from..to)
        })
        .collect();
    let mut results = results.into_iter();
    let Some(first) = results.next() else {
        return Err(SimError::Runs);
    };
    let mut accs = first.accs;
    let mut events = first.events;
    for b in results {
        events += b.events;
        for (a, o) in accs.iter_mut().zip(b.accs) {
            a.merge(o);
        }
    }
    let mut days = Vec::with_capacity(accs.len());
    let mut slots = Vec::new();
    let mut contacts = 0;
    let mut accs = accs.into_iter();
    for q in &model.queues {
        for d in &q.days {
            let Some(acc) = accs.next() else { break };
            contacts += acc.sum.arrivals;
            days.push(acc.finish(
                &q.name,
                &d.label,
                options.runs,
                q.target.share,
                model.slot_s,
                &mut slots,
            ));
        }
    }
    Ok(Outcome {
        days,
        slots,
        day_factors: prepared.factors,
        runs: options.runs,
        events,
        contacts,
    })
}
