//! The simulation against the Erlang maths, and its invariants.

use super::engine::{DaySetup, QueueRules, Scratch, play_day};
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

/// SL, P(wait) and ASA of the replications against Erlang's: the first
/// two to an interval under 0.01, the ASA to one under 10 %.
fn check_waits(days: &[DayStats], e: &Measures) {
    let of = |f: fn(&DayStats) -> Option<f64>| -> Vec<f64> {
        days.iter().map(|d| f(d).unwrap()).collect()
    };
    check("SL", &of(|d| d.sl_mean), e.service_level, 0.01);
    check("P(wait)", &of(|d| d.p_wait), e.p_wait, 0.01);
    check("ASA", &of(|d| d.asa_s), e.asa_s, 0.1 * e.asa_s);
}

/// 40 replications of 25,000 calls: a million calls (at 83 % occupancy
/// the waits are strongly correlated, so it takes that many to bring the
/// 99 % interval of the service level under 0.01).
#[test]
fn stationary_slot_matches_erlang_c() {
    let (days, e) = stationary(12, None, 40, 2500.0);
    check_waits(&days, &e);
    assert!(days.iter().all(|d| d.abandon_rate == Some(0.0)));
}

#[test]
fn stationary_slot_with_patience_matches_erlang_a() {
    // 40 replications of 10,000 calls.
    let (days, e) = stationary(10, Some(120.0), 40, 1000.0);
    check_waits(&days, &e);
    let ab: Vec<f64> = days.iter().map(|d| d.abandon_rate.unwrap()).collect();
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
        &QueueRules::new(q),
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

/// A day staffed at the Erlang C minimum for 100 calls per half-hour,
/// whose slot 4 receives 180 calls: `days` identical days, each an
/// independent replication, played with `volumes` built from the counts.
fn replay(
    volumes: fn(&[u32]) -> Volumes,
    days: usize,
    runs: u32,
) -> (Outcome, Vec<f64>) {
    let slot_s = 1800.0;
    let aht = 180.0;
    let target = erlang::Target::service_level(0.8, 20.0).unwrap();
    let counts = [100u32, 100, 100, 100, 180, 100, 100];
    let basis = Params::new(100.0, slot_s, aht).unwrap();
    let n = erlang::required_agents(&basis, &target).agents;
    let plans = (0..days)
        .map(|i| DayPlan {
            label: format!("d{i}"),
            volumes: volumes(&counts),
            staff: Staff::per_slot(&[n as u32; 7], slot_s),
            partner_staff: Staff::none(),
        })
        .collect();
    let model = Model { slot_s, queues: vec![queue(aht, None, plans)] };
    let out = simulate(&model, &RunOptions { runs, seed: 5 }).unwrap();
    let erlang_sl = counts
        .iter()
        .map(|&c| {
            let p = Params::new(f64::from(c), slot_s, aht).unwrap();
            erlang::evaluate_at(&p, n, 20.0).service_level
        })
        .collect();
    (out, erlang_sl)
}

/// Slot `i`'s service level in each day (each day a replication).
fn slot_sl(out: &Outcome, i: usize) -> Vec<f64> {
    out.slots
        .iter()
        .filter(|s| s.slot == i)
        .map(|s| s.sl_mean.unwrap())
        .collect()
}

/// The sum over days of a figure of slot `i`.
fn slot_sum(out: &Outcome, i: usize, f: fn(&SlotStats) -> f64) -> f64 {
    out.slots.iter().filter(|s| s.slot == i).map(f).sum()
}

/// Poisson arrivals at the realized volumes, on a plan at the Erlang
/// minimum: the steady slots (past the first, which opens on an empty
/// queue) keep their Erlang service level within the 99 % interval; the
/// slot after the overloaded one falls far below its own Erlang figure,
/// because the queue built in slot 4 carries over.
#[test]
fn replay_holds_erlang_on_steady_slots_and_departs_after_overload() {
    let poisson = |c: &[u32]| Volumes::Forecast {
        mean: c.iter().map(|&x| f64::from(x)).collect(),
        band: None,
    };
    let (out, erlang_sl) = replay(poisson, 60, 20);
    for i in [2, 3] {
        check(&format!("slot {i}"), &slot_sl(&out, i), erlang_sl[i], 0.015);
    }
    let (after, hw) = mean_ci(&slot_sl(&out, 5));
    assert!(
        after + hw < erlang_sl[5] - 0.15,
        "slot 5: {after} vs {}",
        erlang_sl[5]
    );
    let q = |i| slot_sum(&out, i, |s| s.queue_len_mean);
    assert!(q(5) > 3.0 * q(2), "queue {} vs {}", q(5), q(2));
    // The hours that fail: per run, slot 5 rarely reaches 80 %, slot 2
    // mostly does; each slot's band brackets its mean.
    let meet = |i| slot_sum(&out, i, |s| s.p_meet_target) / 60.0;
    assert!(meet(5) < 0.2 && meet(2) > 0.6, "{} {}", meet(5), meet(2));
    for s in &out.slots {
        let (lo, m, hi) =
            (s.sl_p10.unwrap(), s.sl_mean.unwrap(), s.sl_p90.unwrap());
        assert!(lo <= m && m <= hi, "{s:?}");
    }
}

/// Replaying the exact counts is the Poisson process given its counts:
/// the count's own noise is gone, so a steady slot does better than the
/// Erlang figure at that volume (which treats the count as Poisson), by
/// about two points here, and never worse.
#[test]
fn exact_replay_beats_erlang_on_steady_slots_by_the_count_noise() {
    let (out, erlang_sl) = replay(|c| Volumes::Actual(c.to_vec()), 60, 20);
    for i in [2, 3] {
        let (m, hw) = mean_ci(&slot_sl(&out, i));
        assert!(hw < 0.01, "slot {i}: ±{hw}");
        let gap = m - erlang_sl[i];
        assert!(
            gap > hw && gap < 0.05,
            "slot {i}: {m} ± {hw} vs {}",
            erlang_sl[i]
        );
    }
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

proptest::proptest! {
    /// Conservation and bounds on random small days with every feature:
    /// nothing is lost, nothing panics.
    #[test]
    fn random_days_conserve_contacts(
        volumes in proptest::collection::vec(0u32..60, 1..8),
        agents in proptest::collection::vec(0u32..8, 8),
        partner in 0u32..3,
        aht in 30.0f64..900.0,
        patience in proptest::option::of(10.0f64..600.0),
        redial in proptest::option::of(0.0f64..1.0),
        threshold in proptest::option::of(0u32..5),
        concurrency in 1u32..4,
        lognormal in proptest::bool::ANY,
        seed in 0u128..1000,
    ) {
        let n = volumes.len();
        let mut q = queue(aht, patience, vec![]);
        q.channel = Channel::Chat { concurrency };
        if lognormal {
            q.handle = HandleTime::LogNormal { cv: 0.8 };
        }
        q.redial = redial.map(|p| Redial { probability: p, mean_delay_s: 300.0 });
        q.overflow = threshold.map(|t| Overflow {
            eligible_share: 0.5,
            rule: OverflowRule::QueueLongerThan(t),
        });
        let d = DayPlan {
            label: "d".into(),
            volumes: Volumes::Actual(volumes.clone()),
            staff: Staff::per_slot(&agents[..n], 1800.0),
            partner_staff: Staff::per_slot(&vec![partner; n], 1800.0),
        };
        let (t, slots) = play(&q, DayArrivals::Actual(volumes.clone()), &d, seed);
        let first: u64 = volumes.iter().map(|&v| u64::from(v)).sum();
        proptest::prop_assert_eq!(t.arrivals, first + t.redials);
        proptest::prop_assert_eq!(t.arrivals, t.answered + t.abandoned + t.waiting_end);
        proptest::prop_assert!(t.within <= t.answered && t.overflowed <= t.arrivals);
        proptest::prop_assert!(t.busy_s <= t.staffed_s + 1e-6);
        proptest::prop_assert!(slots.iter().all(|s| s.queue_s >= 0.0 && s.within <= s.arrivals));
        if patience.is_none() {
            proptest::prop_assert_eq!(t.abandoned, 0);
        }
    }
}

fn one_day_model(
    agents: u32,
    partner: u32,
    overflow: Option<Overflow>,
) -> Model {
    let slot_s = 1800.0;
    let d = DayPlan {
        label: "d".into(),
        volumes: Volumes::Forecast { mean: vec![120.0; 6], band: None },
        staff: Staff::per_slot(&[agents; 6], slot_s),
        partner_staff: Staff::per_slot(&[partner; 6], slot_s),
    };
    let mut q = queue(240.0, Some(120.0), vec![d]);
    q.overflow = overflow;
    Model { slot_s, queues: vec![q] }
}

#[test]
fn level_one_contacts_overflow_only_past_the_threshold() {
    let opts = RunOptions { runs: 40, seed: 9 };
    let rule = |n| Overflow {
        eligible_share: 0.5,
        rule: OverflowRule::QueueLongerThan(n),
    };
    let none = simulate(&one_day_model(15, 6, None), &opts).unwrap().days;
    let never = simulate(&one_day_model(15, 6, Some(rule(u32::MAX))), &opts)
        .unwrap()
        .days;
    let some =
        simulate(&one_day_model(15, 6, Some(rule(2))), &opts).unwrap().days;
    assert_eq!(never[0].overflow_share, Some(0.0));
    // With agents to spare, one AHT over the staff (240 s / 60 = 4 s) is
    // above the threshold, but nobody waits, so nobody is sent.
    let wait = Overflow {
        eligible_share: 1.0,
        rule: OverflowRule::ExpectedWaitAbove(2.0),
    };
    let spare =
        simulate(&one_day_model(60, 6, Some(wait)), &opts).unwrap().days;
    assert_eq!(spare[0].overflow_share, Some(0.0));
    let tight =
        simulate(&one_day_model(15, 6, Some(wait)), &opts).unwrap().days;
    assert!(tight[0].overflow_share.unwrap() > 0.1);
    assert_eq!(none[0].overflow_share, Some(0.0));
    let share = some[0].overflow_share.unwrap();
    // 16 Erlangs on 15 agents: the queue is often past 2, but only half
    // the contacts are level 1.
    assert!(share > 0.05 && share < 0.5, "{share}");
    assert!(some[0].sl_mean.unwrap() > none[0].sl_mean.unwrap() + 0.1);
    assert!(some[0].abandon_rate.unwrap() < none[0].abandon_rate.unwrap());
    // No partner agent on the phones: nothing is sent to wait for one.
    let unstaffed =
        simulate(&one_day_model(15, 0, Some(rule(2))), &opts).unwrap().days;
    assert_eq!(unstaffed[0].overflow_share, Some(0.0));
    assert_eq!(unstaffed[0].sl_mean, none[0].sl_mean);
}

/// A chat agent with three sessions is three servers: the same day, seed
/// and draws as voice with three times the agents.
#[test]
fn chat_sessions_are_concurrent_servers() {
    let opts = RunOptions { runs: 8, seed: 4 };
    let mut chat = one_day_model(5, 0, None);
    chat.queues[0].channel = Channel::Chat { concurrency: 3 };
    let voice = one_day_model(15, 0, None);
    let (c, v) =
        (simulate(&chat, &opts).unwrap(), simulate(&voice, &opts).unwrap());
    assert_eq!(c, v);
    let single = simulate(&one_day_model(5, 0, None), &opts).unwrap();
    assert!(single.days[0].sl_mean.unwrap() < 0.2);
}
