//! Where the simulation and Erlang agree, and where they part: a day of
//! actual volumes replayed on a plan staffed at the Erlang C minimum for
//! 80/20, slot by slot. The volume jumps 40 % above the staffing basis at
//! 11:00 and 11:30; every other slot gets exactly the volume it was
//! staffed for.
//!
//! ```text
//! cargo run --release --example simulate_replay [-- RUNS]
//! ```
//!
//! Two simulations side by side: Poisson arrivals at the realized volume
//! (what Erlang assumes), and the exact counts replayed (the Poisson
//! process given its counts). Where they part from Erlang:
//!
//! * the morning slots open on an emptier queue than their steady state
//!   (08:00 on an empty one; each later slot on the queue of a slot with
//!   fewer agents), so they beat Erlang; once the load is flat (10:30)
//!   the Poisson column is Erlang's within its interval;
//! * the exact replay beats Erlang a little more on every steady slot:
//!   knowing the count removes its own Poisson noise;
//! * in the overloaded slots and the ones after them the SL is far below
//!   what Erlang says even for their own volume, because the queue built
//!   at 11:00 carries over and the next slots start with it.

use peakplan::erlang::{self, Params, Target};
use peakplan::simulate::*;

const SLOT_S: f64 = 1800.0;
const AHT_S: f64 = 240.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: u32 = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 4000,
    };
    let basis = [80u32, 110, 140, 160, 170, 170, 150, 120, 130, 140, 120, 90];
    let actual: Vec<u32> = basis
        .iter()
        .enumerate()
        .map(|(i, &v)| if i == 6 || i == 7 { v * 14 / 10 } else { v })
        .collect();
    let target = Target::service_level(0.8, 20.0)?;
    let agents: Vec<u32> = basis
        .iter()
        .map(|&v| {
            let p = Params::new(f64::from(v), SLOT_S, AHT_S)?;
            Ok(erlang::required_agents(&p, &target).agents as u32)
        })
        .collect::<Result<_, peakplan::erlang::ErlangError>>()?;
    let day = |label: &str, volumes| DayPlan {
        label: label.into(),
        volumes,
        staff: Staff::per_slot(&agents, SLOT_S),
        partner_staff: Staff::none(),
    };
    let poisson = Volumes::Forecast {
        mean: actual.iter().map(|&v| f64::from(v)).collect(),
        band: None,
    };
    let queue = QueueModel {
        name: "commandes".into(),
        channel: Channel::Voice,
        aht_s: AHT_S,
        handle: HandleTime::Exponential,
        patience_s: None,
        redial: None,
        target: SlTarget { share: 0.8, within_s: 20.0 },
        interval_cv: 0.0,
        overflow: None,
        days: vec![
            day("poisson", poisson),
            day("replay", Volumes::Actual(actual.clone())),
        ],
    };
    let model = Model { slot_s: SLOT_S, queues: vec![queue] };
    let out = simulate(&model, &RunOptions { runs, seed: 13 })?;
    println!(
        "{runs} runs; SL within 20 s; Erlang C at the slot's own volume and agents"
    );
    println!(
        "±: binomial 99 % half-width on the pooled calls (a lower bound: a run's calls are correlated)"
    );
    println!(
        "slot   calls agents  Erlang SL   Poisson SL        exact replay SL    queue"
    );
    let n = actual.len();
    for i in 0..n {
        let p = Params::new(f64::from(actual[i]), SLOT_S, AHT_S)?;
        let e =
            erlang::evaluate_at(&p, u64::from(agents[i]), 20.0).service_level;
        let cell = |s: &SlotStats| {
            let sl = s.sl_mean.unwrap_or(f64::NAN);
            let hw = 2.5758
                * (sl * (1.0 - sl) / (s.arrivals_mean * f64::from(runs)))
                    .sqrt();
            format!("{:>5.1} % ± {:.1}", 100.0 * sl, 100.0 * hw)
        };
        let h = 8.0 + i as f64 / 2.0;
        println!(
            "{:02}:{:02}  {:>5} {:>6}  {:>7.1} %  {}  {}  {:>6.2}",
            h.floor() as u32,
            if h.fract() > 0.0 { 30 } else { 0 },
            actual[i],
            agents[i],
            100.0 * e,
            cell(&out.slots[i]),
            cell(&out.slots[n + i]),
            out.slots[n + i].queue_len_mean,
        );
    }
    for d in &out.days {
        println!(
            "{:<8} day: SL mean {:.1} %, P(SL ≥ 80 %) {:.2}, longest wait {:.0} s (mean over runs)",
            d.day,
            100.0 * d.sl_mean.unwrap_or(f64::NAN),
            d.p_meet_target,
            d.longest_wait_mean_s
        );
    }
    Ok(())
}
