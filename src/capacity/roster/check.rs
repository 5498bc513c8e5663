//! Every roster rule, checked on a solution: the tests run it on the
//! solver's output, and the same checks apply to the written files.

use std::fmt;

use super::waves;
use super::{QueueInput, QueueSolution, Source};

/// A broken rule, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation(pub String);

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const TOL: f64 = 1e-6;

/// All the rules `sol` breaks for `q` (none for a valid roster).
pub fn check(q: &QueueInput, sol: &QueueSolution) -> Vec<Violation> {
    let mut bad = Vec::new();
    let mut v = |m: String| bad.push(Violation(m));
    let sh = q.slot_hours();
    let f = f64::from(q.team.people);
    if sol.slots.len() != q.days.len()
        || sol.slots.iter().zip(&q.days).any(|(o, d)| o.len() != d.slots.len())
    {
        v("one supply row per day and slot".into());
        return bad;
    }
    // Supply per slot rebuilt from the rows.
    let mut by_rows: Vec<Vec<[f64; 4]>> =
        q.days.iter().map(|d| vec![[0.0; 4]; d.slots.len()]).collect();
    for (i, r) in sol.rows.iter().enumerate() {
        let n = q.days.get(r.day).map_or(0, |d| d.slots.len());
        if r.start >= r.end || r.end > n {
            v(format!(
                "row {i}: slots {}..{} outside day {}",
                r.start, r.end, r.day
            ));
            continue;
        }
        let k = r.source as usize;
        for s in &mut by_rows[r.day][r.start..r.end] {
            s[k] += r.on_phone;
        }
    }
    if !bad.is_empty() {
        // The rules below read the rows' slots.
        return bad;
    }
    let mut v = |m: String| bad.push(Violation(m));
    for (d, day) in sol.slots.iter().enumerate() {
        for (s, o) in day.iter().enumerate() {
            let at = format!("day {d} slot {s}");
            let sum = o.in_house + o.hire + o.overtime + o.partner;
            if (sum - o.scheduled).abs() > TOL {
                v(format!(
                    "{at}: scheduled {} is not the sum {sum}",
                    o.scheduled
                ));
            }
            let gap = (f64::from(o.required) - o.scheduled).max(0.0);
            if (gap - o.gap).abs() > TOL || o.gap < 0.0 {
                v(format!("{at}: gap {} should be {gap}", o.gap));
            }
            if o.required != q.days[d].slots[s].required {
                v(format!("{at}: required changed"));
            }
            let b = by_rows[d][s];
            for (got, want, name) in [
                (b[0], o.in_house, "in_house"),
                (b[1], o.hire, "hire"),
                (b[2], o.overtime, "overtime"),
                (b[3], o.partner, "partner"),
            ] {
                if (got - want).abs() > TOL {
                    v(format!(
                        "{at}: {name} rows give {got}, supply says {want}"
                    ));
                }
            }
        }
    }
    // In-house and overtime.
    let ot_slots = q
        .overtime
        .as_ref()
        .map_or(0.0, |o| o.max_hours_per_day / sh + 1e-9)
        .floor();
    for w in 0..q.weeks() {
        let (mut days, mut hours, mut ot) = (0.0, 0.0, 0.0);
        let mut g: std::collections::BTreeMap<(usize, usize), f64> =
            Default::default();
        for (i, r) in
            sol.rows.iter().enumerate().filter(|(_, r)| r.day / 7 == w)
        {
            let len = (r.end - r.start) as f64;
            let slots = &q.days[r.day].slots;
            let tpl = q.templates.iter().position(|t| t.name == r.shift);
            match r.source {
                Source::InHouse => {
                    let ok = tpl.is_some_and(|t| {
                        let tp = &q.templates[t];
                        q.team.templates.contains(&t)
                            && tp.slots == r.end - r.start
                            && (tp.earliest_min..=tp.latest_min)
                                .contains(&slots[r.start].start_min)
                    });
                    if !ok {
                        v(format!("row {i}: not an in-house template start"));
                    }
                    *g.entry((r.day, usize::MAX)).or_default() +=
                        f64::from(r.people);
                    days += f64::from(r.people);
                    hours += f64::from(r.people) * len * sh;
                    check_phone(
                        &mut v,
                        i,
                        r.on_phone,
                        f64::from(r.people) * (1.0 - q.team.shrinkage),
                    );
                }
                Source::Overtime => {
                    let p = r.extends.and_then(|p| sol.rows.get(p));
                    let adjacent = p.is_some_and(|p| {
                        p.source == Source::InHouse
                            && p.day == r.day
                            && (p.start == r.end || p.end == r.start)
                    });
                    if !adjacent || len > ot_slots {
                        v(format!(
                            "row {i}: overtime not right before or after its shift, or too long"
                        ));
                    }
                    if let Some(p) = r.extends {
                        *g.entry((r.day, p)).or_default() +=
                            f64::from(r.people);
                    }
                    ot += f64::from(r.people) * len * sh;
                    check_phone(
                        &mut v,
                        i,
                        r.on_phone,
                        f64::from(r.people) * (1.0 - q.team.shrinkage),
                    );
                }
                _ => {}
            }
        }
        for (&(day, p), &n) in &g {
            if p == usize::MAX && n > f + TOL {
                v(format!(
                    "day {day}: {n} in-house people on shift, team of {f}"
                ));
            }
            if p != usize::MAX && n > f64::from(sol.rows[p].people) + TOL {
                v(format!("day {day}: more overtime than people on row {p}"));
            }
        }
        if days > f * f64::from(q.team.days_per_week) + TOL {
            v(format!("week {w}: {days} in-house shift-days"));
        }
        if hours > f * q.team.weekly_hours + TOL {
            v(format!("week {w}: {hours} in-house hours"));
        }
        let cap = q.overtime.as_ref().map_or(0.0, |o| o.max_hours_per_week);
        if ot > f * cap + TOL {
            v(format!("week {w}: {ot} overtime hours"));
        }
    }
    check_hires(q, sol, &mut v);
    check_partners(q, sol, &mut v);
    // The objective is what the roster costs, and the bound lies below it.
    let c = &sol.costs;
    let shortfall: f64 = q
        .days
        .iter()
        .zip(&sol.slots)
        .flat_map(|(d, o)| d.slots.iter().zip(o))
        .map(|(i, o)| i.shortfall.cost(o.gap))
        .sum();
    let floor: f64 = q
        .days
        .iter()
        .zip(&sol.slots)
        .map(|(d, o)| d.floor_cost(o.iter().map(|x| x.scheduled)))
        .sum();
    if (floor - c.floor).abs() > 1e-6 * floor.abs().max(1.0) {
        v(format!("floor weight {} is not the days' {floor}", c.floor));
    }
    let total = c.hires + c.overtime + c.partner + shortfall + floor;
    if (total - sol.objective).abs() > 1e-6 * total.abs().max(1.0) {
        v(format!("objective {} is not the costs {total}", sol.objective));
    }
    if sol.bound > sol.objective + 1e-6 * sol.objective.abs().max(1.0) {
        v(format!("bound {} above objective {}", sol.bound, sol.objective));
    }
    bad
}

fn check_phone(v: &mut impl FnMut(String), i: usize, got: f64, want: f64) {
    if (got - want).abs() > TOL {
        v(format!("row {i}: on_phone {got}, people give {want}"));
    }
}

fn check_hires(
    q: &QueueInput,
    sol: &QueueSolution,
    v: &mut impl FnMut(String),
) {
    let Some(h) = &q.hiring else {
        if sol.rows.iter().any(|r| r.source == Source::Hire)
            || !sol.waves.is_empty()
        {
            v("hires without hiring".into());
        }
        return;
    };
    let weeks = q.weeks();
    let total: u32 = sol.waves.iter().map(|w| w.count).sum();
    if total > h.max_hires {
        v(format!("{total} hires, at most {}", h.max_hires));
    }
    for (i, w) in sol.waves.iter().enumerate() {
        let cost = f64::from(w.count)
            * waves::person_cost(h, w.contract, weeks, w.start);
        if w.start < h.earliest_week || w.start >= weeks {
            v(format!(
                "wave {i} starts in week {}, earliest {}",
                w.start, h.earliest_week
            ));
        }
        if w.paid_weeks != waves::paid_weeks(h, weeks, w.start)
            || (cost - w.cost).abs() > TOL
        {
            v(format!("wave {i}: paid weeks or cost wrong"));
        }
    }
    let mut per: std::collections::BTreeMap<
        (usize, usize, usize),
        (f64, f64, f64),
    > = Default::default();
    for (i, r) in
        sol.rows.iter().enumerate().filter(|(_, r)| r.source == Source::Hire)
    {
        let Some(wi) = r.wave.filter(|&w| w < sol.waves.len()) else {
            v(format!("row {i}: hire row without a wave"));
            continue;
        };
        let w = &sol.waves[wi];
        let week = r.day / 7;
        let Some(c) = h.contracts.get(w.contract) else { continue };
        let tpl = q.templates.iter().position(|t| t.name == r.shift);
        let start_min = q.days[r.day].slots[r.start].start_min;
        let ok = week >= w.start
            && r.contract == c.name
            && tpl.is_some_and(|t| {
                let tp = &q.templates[t];
                c.templates.contains(&t)
                    && tp.slots == r.end - r.start
                    && (tp.earliest_min..=tp.latest_min).contains(&start_min)
            });
        if !ok {
            v(format!("row {i}: hire shift outside its wave or contract"));
            continue;
        }
        let ramp = waves::ramp(h, week - w.start);
        check_phone(
            v,
            i,
            r.on_phone,
            f64::from(r.people) * (1.0 - h.shrinkage) * ramp,
        );
        let n = f64::from(r.people);
        let e = per.entry((wi, week, r.day)).or_default();
        e.0 += n;
        let e = per.entry((wi, week, usize::MAX)).or_default();
        e.1 += n;
        e.2 += n * (r.end - r.start) as f64 * q.slot_hours();
    }
    for (&(wi, week, day), &(on_day, days, hours)) in &per {
        let w = &sol.waves[wi];
        let Some(c) = h.contracts.get(w.contract) else { continue };
        let n = f64::from(w.count);
        if on_day > n + TOL
            || days > n * f64::from(c.days_per_week) + TOL
            || hours > n * c.weekly_hours + TOL
        {
            v(format!(
                "wave {wi} week {week} day {day}: more than its people, days or hours"
            ));
        }
    }
}

fn check_partners(
    q: &QueueInput,
    sol: &QueueSolution,
    v: &mut impl FnMut(String),
) {
    let mut used: Vec<Vec<f64>> =
        q.days.iter().map(|d| vec![0.0; d.slots.len()]).collect();
    for (i, r) in sol
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.source == Source::Partner)
    {
        let Some(p) = q.partners.iter().find(|p| p.name == r.contract) else {
            v(format!("row {i}: unknown partner"));
            continue;
        };
        for s in r.start..r.end {
            let m = q.days[r.day].slots[s].start_min;
            if r.day / 7 < p.first_week || m < p.from_min || m >= p.to_min {
                v(format!("row {i}: partner outside its hours or notice"));
            }
        }
        if r.on_phone > p.max_fte + TOL {
            v(format!("row {i}: partner above max_fte"));
        }
        for u in &mut used[r.day][r.start..r.end] {
            *u += r.on_phone;
        }
    }
    let cap: f64 = q.partners.iter().map(|p| p.max_fte).sum();
    if used.iter().flatten().any(|&u| u > cap + TOL) {
        v("partners above their capacity".into());
    }
}
