//! The simulation against the Erlang maths, and its invariants.

use super::engine::{DaySetup, QueueRules, Scratch, play_day};
use super::service::Handle;
use super::stats::{DayTally, SlotTally};
use super::*;
use crate::erlang::{self, Params};
use arrivals::DayArrivals;
use rand_pcg::Pcg64;

/// z of a two-sided 99 % normal interval.
const Z99: f64 = 2.5758;

fn queue(
    aht_s: f64,
    patience_s: Option<f64>,
    days: Vec<DayPlan>,
) -> QueueModel {
    QueueModel {
        name: "q".into(),
        channel: Channel::Voice,
        aht_s,
        handle: HandleTime::Exponential,
        patience_s,
        redial: None,
        target: SlTarget { share: 0.8, within_s: 20.0 },
        interval_cv: 0.0,
        overflow: None,
        days,
    }
}

fn poisson_day(
    label: String,
    mean: Vec<f64>,
    agents: &[u32],
    slot_s: f64,
) -> DayPlan {
    DayPlan {
        label,
        volumes: Volumes::Forecast { mean, band: None },
        staff: Staff::per_slot(agents, slot_s),
        partner_staff: Staff::none(),
    }
}

/// Mean and 99 % half-width of independent replications.
fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, Z99 * (var / n).sqrt())
}

/// One long stationary slot, replicated: each "day" is an independent
/// replication of `ahts` handle times at 10 Erlangs (a day starts empty;
/// the slot is long enough that the start's bias is far inside the
/// interval).
fn stationary(
    agents: u32,
    patience_s: Option<f64>,
    days: usize,
    ahts: f64,
) -> (Vec<DayStats>, Measures) {
    let aht = 180.0;
    let traffic = 10.0;
    let slot_s = ahts * aht;
    let volume = traffic * slot_s / aht;
    let plans = (0..days)
        .map(|i| poisson_day(format!("r{i}"), vec![volume], &[agents], slot_s))
        .collect();
    let model = Model { slot_s, queues: vec![queue(aht, patience_s, plans)] };
    let out = simulate(&model, &RunOptions { runs: 1, seed: 11 }).unwrap();
    let mut load = Params::from_traffic(traffic, aht).unwrap();
    if let Some(p) = patience_s {
        load = load.with_patience(p).unwrap();
    }
    (out.days, erlang::evaluate_at(&load, u64::from(agents), 20.0))
}

use crate::erlang::Measures;

fn check(name: &str, xs: &[f64], want: f64, max_half_width: f64) {
    let (m, hw) = mean_ci(xs);
    assert!(hw < max_half_width, "{name}: interval ±{hw} too wide");
    assert!(
        (m - want).abs() <= hw,
        "{name}: simulated {m} ± {hw}, Erlang {want}"
    );
}

/// 40 replications of 25,000 calls: a million calls (at 83 % occupancy
/// the waits are strongly correlated, so it takes that many to bring the
/// 99 % interval of the service level under 0.01).
#[test]
fn stationary_slot_matches_erlang_c() {
    let (days, e) = stationary(12, None, 40, 2500.0);
    let sl: Vec<f64> = days.iter().map(|d| d.sl_mean.unwrap()).collect();
    let pw: Vec<f64> = days.iter().map(|d| d.p_wait.unwrap()).collect();
    let asa: Vec<f64> = days.iter().map(|d| d.asa_s.unwrap()).collect();
    check("SL", &sl, e.service_level, 0.01);
    check("P(wait)", &pw, e.p_wait, 0.01);
    check("ASA", &asa, e.asa_s, 0.1 * e.asa_s);
    assert!(days.iter().all(|d| d.abandon_rate == Some(0.0)));
}

#[test]
fn stationary_slot_with_patience_matches_erlang_a() {
    // 40 replications of 10,000 calls.
    let (days, e) = stationary(10, Some(120.0), 40, 1000.0);
    let sl: Vec<f64> = days.iter().map(|d| d.sl_mean.unwrap()).collect();
    let pw: Vec<f64> = days.iter().map(|d| d.p_wait.unwrap()).collect();
    let asa: Vec<f64> = days.iter().map(|d| d.asa_s.unwrap()).collect();
    let ab: Vec<f64> = days.iter().map(|d| d.abandon_rate.unwrap()).collect();
    check("SL", &sl, e.service_level, 0.01);
    check("P(wait)", &pw, e.p_wait, 0.01);
    check("ASA", &asa, e.asa_s, 0.1 * e.asa_s);
    check("P(abandon)", &ab, e.p_abandon.unwrap(), 0.01);
}

/// A model that uses every feature: forecast band, interval noise,
/// lognormal handle times, patience, redials, overflow, chat, shifts.
fn busy_model(days: usize) -> Model {
    let slot_s = 1800.0;
    let mean: Vec<f64> =
        (0..20).map(|i| 60.0 + 8.0 * f64::from(i % 7)).collect();
    let total: f64 = mean.iter().sum();
    let shifts = [
        Shift { start_s: 0.0, end_s: 14_400.0, people: 6 },
        Shift { start_s: 5_400.0, end_s: 36_000.0, people: 5 },
        Shift { start_s: 21_600.0, end_s: 36_000.0, people: 3 },
    ];
    let day = |i: usize| DayPlan {
        label: format!("d{i}"),
        volumes: Volumes::Forecast {
            mean: mean.clone(),
            band: Some(DailyBand { p10: 0.85 * total, p90: 1.2 * total }),
        },
        staff: Staff::from_shifts(&shifts).unwrap(),
        partner_staff: Staff::per_slot(&[3; 20], slot_s),
    };
    let mut voice = queue(300.0, Some(150.0), (0..days).map(day).collect());
    voice.handle = HandleTime::LogNormal { cv: 0.6 };
    voice.redial = Some(Redial { probability: 0.4, mean_delay_s: 600.0 });
    voice.interval_cv = 0.1;
    voice.overflow = Some(Overflow {
        eligible_share: 0.6,
        rule: OverflowRule::ExpectedWaitAbove(60.0),
    });
    let mut chat = queue(600.0, Some(300.0), (0..days).map(day).collect());
    chat.name = "chat".into();
    chat.channel = Channel::Chat { concurrency: 3 };
    chat.overflow = Some(Overflow {
        eligible_share: 1.0,
        rule: OverflowRule::QueueLongerThan(4),
    });
    Model { slot_s, queues: vec![voice, chat] }
}

#[test]
fn same_seed_same_results_whatever_the_thread_count() {
    let model = busy_model(2);
    let opts = RunOptions { runs: 9, seed: 42 };
    let run_in = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&model, &opts).unwrap())
    };
    let one = run_in(1);
    let two = run_in(2);
    assert_eq!(one, two);
    assert!(one.days.iter().any(|d| d.overflow_share.unwrap() > 0.0));
    let other = simulate(&model, &RunOptions { runs: 9, seed: 43 }).unwrap();
    assert_ne!(one.days, other.days);
}

fn rules(q: &QueueModel) -> QueueRules {
    QueueRules {
        handle: Handle::new(q.aht_s, q.handle),
        aht_s: q.aht_s,
        patience_s: q.patience_s,
        redial: q.redial,
        within_s: q.target.within_s,
        concurrency: q.channel.concurrency(),
        overflow: q.overflow.map(|o| (o.eligible_share, o.rule)),
    }
}

fn play(
    q: &QueueModel,
    arrivals: DayArrivals,
    d: &DayPlan,
    seed: u128,
) -> (DayTally, Vec<SlotTally>) {
    let setup = DaySetup {
        arrivals,
        slots: d.volumes.slots(),
        staff: d.staff.clone(),
        partner_staff: d.partner_staff.clone(),
    };
    let mut tally = DayTally::default();
    let mut slots = vec![SlotTally::default(); setup.slots];
    let mut rng = Pcg64::new(seed, 3);
    play_day(
        &rules(q),
        &setup,
        1800.0,
        &mut rng,
        &mut Scratch::default(),
        &mut tally,
        &mut slots,
    );
    (tally, slots)
}

#[test]
fn every_arrival_is_answered_abandoned_or_still_waiting() {
    let model = busy_model(1);
    for q in &model.queues {
        let d = &q.days[0];
        let Volumes::Forecast { mean, .. } = &d.volumes else {
            unreachable!()
        };
        // Scaled up so the day ends with a queue.
        let arrivals = DayArrivals::Actual(
            mean.iter().map(|m| (m * 1.6) as u32).collect(),
        );
        for seed in 0..20 {
            let (t, slots) = play(q, arrivals.clone(), d, seed);
            assert_eq!(
                t.arrivals,
                t.answered + t.abandoned + t.waiting_end,
                "{t:?}"
            );
            let first: u32 = mean.iter().map(|m| (m * 1.6) as u32).sum();
            assert_eq!(t.arrivals, u64::from(first) + t.redials);
            assert_eq!(
                slots.iter().map(|s| s.arrivals).sum::<u64>(),
                t.arrivals
            );
            assert!(t.within <= t.answered && t.delayed <= t.arrivals);
            assert!(t.busy_s <= t.staffed_s);
        }
    }
}

/// An agent whose shift ends finishes the call in hand; the caller behind
/// it is never answered.
#[test]
fn an_agent_finishes_the_call_in_hand_when_the_shift_ends() {
    let mut q = queue(1.0e6, None, vec![]);
    q.target.within_s = 0.0;
    let d = DayPlan {
        label: "d".into(),
        volumes: Volumes::Actual(vec![2, 0, 0]),
        staff: Staff::per_slot(&[1, 0, 0], 1800.0),
        partner_staff: Staff::none(),
    };
    let (t, slots) = play(&q, DayArrivals::Actual(vec![2, 0, 0]), &d, 1);
    assert_eq!((t.answered, t.waiting_end, t.within), (1, 1, 1));
    // Staffed for the first slot, then busy past the shift's end until
    // the close: the call in hand is finished, not dropped.
    assert_eq!(t.staffed_s, 3.0 * 1800.0);
    assert!(t.busy_s > 2.0 * 1800.0 && t.busy_s < t.staffed_s);
    // The second caller waits from its arrival to the close.
    assert!(slots[1].queue_s == 1800.0 && slots[2].queue_s == 1800.0);
}

/// Replaying actual volumes at the Erlang minimum: steady slots keep
/// their Erlang service level, and the slot after an overloaded one
/// falls far below its own Erlang figure because the queue carries over.
#[test]
fn replay_holds_erlang_on_steady_slots_and_departs_after_overload() {
    let slot_s = 1800.0;
    let aht = 180.0;
    let target = erlang::Target::service_level(0.8, 20.0).unwrap();
    let volumes = [100u32, 100, 100, 100, 180, 100, 100];
    let agents: Vec<u32> = volumes
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            // Slot 4 gets the staffing of 100 calls: it is overloaded.
            let v = if i == 4 { 100 } else { v };
            let p = Params::new(f64::from(v), slot_s, aht).unwrap();
            erlang::required_agents(&p, &target).agents as u32
        })
        .collect();
    let day = DayPlan {
        label: "d".into(),
        volumes: Volumes::Actual(volumes.to_vec()),
        staff: Staff::per_slot(&agents, slot_s),
        partner_staff: Staff::none(),
    };
    let model = Model { slot_s, queues: vec![queue(aht, None, vec![day])] };
    let out = simulate(&model, &RunOptions { runs: 400, seed: 5 }).unwrap();
    let erlang_sl = |i: usize| {
        let p = Params::new(f64::from(volumes[i]), slot_s, aht).unwrap();
        erlang::evaluate_at(&p, u64::from(agents[i]), 20.0).service_level
    };
    // 40,000 calls per steady slot; a slot starts with the previous one's
    // queue, so allow 0.02 beyond the 99 % sampling interval (≈ 0.01).
    for i in [1, 2, 3] {
        let sim = out.slots[i].sl_mean.unwrap();
        assert!(
            (sim - erlang_sl(i)).abs() < 0.03,
            "slot {i}: {sim} vs {}",
            erlang_sl(i)
        );
    }
    let after = out.slots[5].sl_mean.unwrap();
    assert!(
        after < erlang_sl(5) - 0.15,
        "slot 5: {after} vs {}",
        erlang_sl(5)
    );
    assert!(out.slots[5].queue_len_mean > 2.0 * out.slots[2].queue_len_mean);
}

#[test]
fn bad_values_are_named_not_panicked_on() {
    let mut model = busy_model(1);
    model.queues[0].aht_s = f64::NAN;
    let e = simulate(&model, &RunOptions { runs: 1, seed: 0 }).unwrap_err();
    assert!(e.to_string().contains("aht_s"), "{e}");
    let mut model = busy_model(1);
    if let Volumes::Forecast { mean, .. } =
        &mut model.queues[1].days[0].volumes
    {
        mean[3] = -1.0;
    }
    let e = simulate(&model, &RunOptions { runs: 1, seed: 0 }).unwrap_err();
    assert!(e.to_string().contains("queue chat, day d0, slot 3"), "{e}");
    let e = simulate(&busy_model(1), &RunOptions { runs: 0, seed: 0 })
        .unwrap_err();
    assert_eq!(e, SimError::Runs);
}
