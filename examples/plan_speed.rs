//! Speed of the whole plan (staffing, roster, files' figures) on a large
//! synthetic scenario: 100 queues × 13 weeks of half-hours from 08:00 to
//! 20:00, Monday to Saturday, a weekly shape and a peak week with a
//! Black-Friday-like day, hiring worth choosing (the partner at 60 €/h)
//! and a partner shared by every queue.
//!
//! ```text
//! cargo build --release --example plan_speed
//! /usr/bin/time -v target/release/examples/plan_speed [QUEUES] [WEEKS]
//! ```
//!
//! Prints the time of each step, the roster's objective, its lower bound
//! and the gap between them, and the process's peak memory. The bundled
//! scenario is timed from the command line:
//! `/usr/bin/time -v target/release/peakplan plan --scenario data/scenario.toml`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone};

use peakplan::capacity::{Scenario, StaffTo, plan, schedule};
use peakplan::config::Settings;
use peakplan::forecast::ForecastRow;

fn scenario(nq: usize, weeks: usize) -> String {
    let first = NaiveDate::from_ymd_opt(2025, 9, 29).expect("a date");
    let last = first + Duration::days(7 * weeks as i64 - 1);
    let mut s = format!(
        "as_of = \"2025-09-01\"\n\n[horizon]\nfrom = \"{first}\"\nto = \"{last}\"\n\
         interval = \"30m\"\ntimezone = \"Europe/Paris\"\n\n[defaults]\n\
         shrinkage = 0.30\nservice_level = 0.80\nwithin = \"20s\"\n\
         max_occupancy = 0.90\n\n"
    );
    for i in 0..nq {
        let aht = 300 + 20 * (i % 5);
        let _ = write!(s, "[queues.q{i:03}]\naht = \"{aht}s\"\n\n");
    }
    let fte: Vec<String> = (0..nq)
        .map(|i| format!("q{i:03} = {}", (60.0 * scale(i)) as u32))
        .collect();
    let names: Vec<String> = (0..nq).map(|i| format!("\"q{i:03}\"")).collect();
    let _ = write!(
        s,
        "[team]\nweekly_hours = 35\ncost_per_hour = 21.0\nshifts = [\"jour\"]\n\
         fte = {{ {} }}\n\n\
         [shifts.jour]\nhours = 7\nstarts = \"08:00-13:00\"\n\n\
         [shifts.renfort]\nhours = 4\nstarts = \"09:00-16:00\"\n\n\
         [hiring]\nrecruit_weeks = 3\ntrain_weeks = 2\nramp = [0.6, 0.8, 1.0]\n\
         cost_per_hour = 21.0\nmin_contract_weeks = 6\nmax_hires = {}\n\
         queues = [{}]\ncontracts = [\n  {{ name = \"temps plein\", weekly_hours = 35, \
         shifts = [\"jour\"] }},\n  {{ name = \"renfort\", weekly_hours = 24, \
         shifts = [\"renfort\", \"jour\"] }},\n]\n\n\
         [overtime]\nmax_hours_per_week = 4\nmax_hours_per_day = 2\npremium = 1.25\n\n\
         [[partners]]\nname = \"Atlas\"\nqueues = [{}]\nmax_fte = {}\n\
         hours = \"08:00-20:00\"\ncost_per_hour = 60.0\nnotice_weeks = 2\n",
        fte.join(", "),
        80 * nq,
        names.join(", "),
        names.join(", "),
        40 * nq,
    );
    s
}

/// Size of queue `i` relative to the largest.
fn scale(i: usize) -> f64 {
    0.6 + 0.4 * ((i * 7) % 10) as f64 / 10.0
}

fn rows(s: &Scenario, nq: usize, weeks: usize) -> Vec<ForecastRow> {
    let tz = s.horizon.tz;
    let first = s.horizon.from;
    let peak_week = weeks.saturating_sub(4).min(weeks - 1);
    let mut out = Vec::new();
    for i in 0..nq {
        for d in 0..weeks * 7 {
            let (w, dow) = (d / 7, d % 7);
            if dow == 6 {
                continue;
            }
            let day = first + Duration::days(d as i64);
            let week_f = 1.0 + 0.25 * (w as f64 / weeks as f64);
            let day_f = [1.15, 1.05, 1.0, 1.0, 1.1, 0.7][dow];
            let event = match (w == peak_week, dow) {
                (true, 4) => 2.2,
                (true, _) => 1.3,
                _ if w == peak_week + 1 && dow == 0 => 1.9,
                _ => 1.0,
            };
            for k in 0..24u32 {
                let x = (f64::from(k) - 8.0) / 6.0;
                let shape = 0.35 + (-x * x).exp();
                let m = 180.0 * scale(i) * week_f * day_f * event * shape;
                let t = day.and_hms_opt(8 + k / 2, 30 * (k % 2), 0);
                let Some(start) =
                    t.and_then(|t| tz.from_local_datetime(&t).single())
                else {
                    continue;
                };
                out.push(ForecastRow {
                    start,
                    queue: format!("q{i:03}"),
                    mean: m,
                    p10: 0.85 * m,
                    p50: m,
                    p90: 1.15 * m,
                    aht_s: None,
                    events: vec![],
                });
            }
        }
    }
    out
}

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> =
        std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (nq, weeks) = match args[..] {
        [nq, weeks, ..] => (nq, weeks),
        _ => (100, 13),
    };
    let text = scenario(nq, weeks);
    let s = Scenario::parse(
        "bench.toml",
        &text,
        Path::new(""),
        &Settings::default(),
    )?;
    let rows = rows(&s, nq, weeks);
    let t = Instant::now();
    let intervals = plan::staff_intervals(&s, &rows, StaffTo::Auto)?;
    let staff_s = t.elapsed().as_secs_f64();
    // The translation alone (plan::build does it again), to see where
    // the time goes.
    let t = Instant::now();
    let problem = schedule::Problem::new(&s, &intervals);
    let translate_s = t.elapsed().as_secs_f64();
    drop(problem);
    let t = Instant::now();
    let made = plan::build(&s, intervals, StaffTo::Auto)?;
    let build_s = t.elapsed().as_secs_f64();
    let o = &made.optimisation;
    let hires: u32 = made.hires.iter().map(|h| h.count).sum();
    let short = made.intervals.iter().filter(|r| r.supply.gap > 0.0).count();
    println!(
        "{nq} queues x {weeks} weeks: staffed {} intervals in {staff_s:.2} s, \
         translated in {translate_s:.2} s, rostered ({}) in {build_s:.2} s \
         (translation included); objective {:.0}, lower bound {:.0}, \
         gap {:.2} %; {hires} hires, partner {:.0} EUR, overtime {:.0} EUR, \
         {short} intervals short",
        made.intervals.len(),
        o.effort,
        o.objective,
        o.bound,
        100.0 * o.relative_gap,
        made.costs.partners,
        made.costs.overtime,
    );
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory {mb:.0} MB");
    }
    Ok(())
}
