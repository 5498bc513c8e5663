//! Speed of the interval-true roster solver on synthetic queues shaped like
//! the bundled scenario: half-hour slots from 08:00 to 20:00, a weekly
//! shape, a peak week with a Black-Friday-like day, Erlang C requirements,
//! hiring worth choosing and a partner at 60 €/h.
//!
//! ```text
//! cargo run --release --example roster_speed -- [QUEUES] [WEEKS]
//! ```
//!
//! Defaults to the bundled size (2 queues × 9 weeks), then 100 × 13 with
//! each [`Effort`]. Peak memory is the process's high-water mark.

use std::time::Instant;

use peakplan::capacity::roster::{
    Contract, Day, Effort, Hiring, Overtime, Partner, QueueInput, Shortfall,
    Slot, Team, Template, solve_with,
};
use peakplan::erlang::{Params, Target, evaluate_at, required_agents};

const SLOT_MIN: u32 = 30;
const OPEN_MIN: u32 = 8 * 60;
const SLOTS: usize = 24;

/// Value of one call lost below the target, and the coverage floor per
/// missing agent-slot (above the partner's 30 € per agent-slot).
const VALUE_PER_CALL: f64 = 8.0;
const FLOOR: f64 = 40.0;

fn queue(i: usize, weeks: usize) -> QueueInput {
    let target = Target::service_level(0.8, 20.0).expect("valid target");
    let aht = 300.0 + 20.0 * (i % 5) as f64;
    // Size: ~60 in-house agents' worth on the biggest queues.
    let scale = 0.6 + 0.4 * ((i * 7) % 10) as f64 / 10.0;
    let peak_week = weeks.saturating_sub(4).min(weeks - 1);
    let mut days = Vec::with_capacity(weeks * 7);
    for d in 0..weeks * 7 {
        let (w, dow) = (d / 7, d % 7);
        if dow == 6 {
            days.push(Day::default());
            continue;
        }
        let week_f = 1.0 + 0.25 * (w as f64 / weeks as f64);
        let day_f = [1.15, 1.05, 1.0, 1.0, 1.1, 0.7, 0.0][dow];
        let event = if w == peak_week && dow == 4 {
            2.2
        } else if w == peak_week + 1 && dow == 0 {
            1.9
        } else if w == peak_week {
            1.3
        } else {
            1.0
        };
        let slots = (0..SLOTS)
            .map(|s| {
                let x = (s as f64 - 8.0) / 6.0;
                let shape = 0.35 + (-x * x).exp();
                let volume = 180.0 * scale * week_f * day_f * event * shape;
                let p = Params::new(volume, f64::from(SLOT_MIN) * 60.0, aht)
                    .expect("valid load");
                let n = required_agents(&p, &target).agents as u32;
                let sl = |a: u32| {
                    let m = evaluate_at(&p, u64::from(a), 20.0);
                    if m.service_level.is_finite() {
                        m.service_level
                    } else {
                        0.0
                    }
                };
                Slot {
                    start_min: OPEN_MIN + s as u32 * SLOT_MIN,
                    required: n,
                    shortfall: Shortfall::from_served(
                        n,
                        |a| if a == 0 { 0.0 } else { volume * sl(a) },
                        VALUE_PER_CALL,
                        FLOOR,
                        4,
                    ),
                }
            })
            .collect();
        days.push(Day { slots, floor: None });
    }
    let tpl = |name: &str, hours: usize, from: u32, to: u32| Template {
        name: name.into(),
        slots: hours * 2,
        earliest_min: from * 60,
        latest_min: to * 60,
    };
    QueueInput {
        name: format!("q{i:03}"),
        slot_minutes: SLOT_MIN,
        days,
        templates: vec![tpl("jour", 7, 8, 13), tpl("renfort", 4, 9, 16)],
        team: Team {
            people: (60.0 * scale) as u32,
            days_per_week: 5,
            weekly_hours: 35.0,
            shrinkage: 0.3,
            templates: vec![0],
        },
        overtime: Some(Overtime {
            max_hours_per_day: 2.0,
            max_hours_per_week: 4.0,
            cost_per_hour: 21.0 * 1.25,
        }),
        hiring: Some(Hiring {
            contracts: vec![
                Contract {
                    name: "temps plein".into(),
                    weekly_hours: 35.0,
                    days_per_week: 5,
                    templates: vec![0],
                },
                Contract {
                    name: "renfort".into(),
                    weekly_hours: 24.0,
                    days_per_week: 5,
                    templates: vec![1, 0],
                },
            ],
            earliest_week: 1,
            train_weeks: 2,
            ramp: vec![0.6, 0.8, 1.0],
            min_contract_weeks: 6,
            max_hires: 80,
            cost_per_hour: 21.0,
            shrinkage: 0.3,
        }),
        partners: vec![Partner {
            name: "Atlas".into(),
            max_fte: 40.0 * scale,
            from_min: 8 * 60,
            to_min: 20 * 60,
            first_week: 2,
            cost_per_hour: 60.0,
            slot_cost: None,
            min_hours_per_week: 0.0,
        }],
    }
}

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(nq: usize, weeks: usize, effort: Effort) {
    let queues: Vec<QueueInput> = (0..nq).map(|i| queue(i, weeks)).collect();
    let t = Instant::now();
    let sols =
        solve_with(&queues, effort).expect("the synthetic queues are valid");
    let secs = t.elapsed().as_secs_f64();
    let objective: f64 = sols.iter().map(|s| s.objective).sum();
    let bound: f64 = sols.iter().map(|s| s.bound).sum();
    let integral: usize = sols.iter().map(|s| s.integral_weeks).sum();
    let hires: u32 = sols.iter().flat_map(|s| &s.waves).map(|w| w.count).sum();
    let partner: f64 = sols.iter().map(|s| s.costs.partner).sum();
    let gap_slots = sols
        .iter()
        .flat_map(|s| s.slots.iter().flatten())
        .filter(|s| s.gap > 1e-9)
        .count();
    println!(
        "{nq} queues x {weeks} weeks, {effort:?}: {secs:.2} s, objective {objective:.0}, \
         bound {bound:.0}, gap {:.2} %, integral week LPs {integral}/{}, \
         hires {hires}, partner {partner:.0} EUR, slots short {gap_slots}",
        100.0 * (objective - bound) / objective.max(1e-9),
        nq * weeks,
    );
}

fn main() {
    let args: Vec<usize> =
        std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if let [nq, weeks, ..] = args[..] {
        run(nq, weeks, Effort::Thorough);
        run(nq, weeks, Effort::Fast);
    } else {
        run(2, 9, Effort::Thorough);
        run(100, 13, Effort::Thorough);
        run(100, 13, Effort::Fast);
    }
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory {mb:.0} MB");
    }
}
