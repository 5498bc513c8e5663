//! The plan against the optimum, on plans small enough to enumerate
//! (issue 15): the real binary plans a tiny scenario (one queue, a day or
//! two of a few half-hours, one or two shift templates, overtime, a
//! partner), every rule of the issue is checked on the files it writes,
//! and the objective of its roster is compared with the best of every
//! roster the rules allow.
//!
//! The objective is the one `src/capacity/schedule.rs` documents: the
//! flexible spend (overtime and partner hours; the team is already paid)
//! plus, per slot, the [`Shortfall`] of its gap, whose `j`-th missing
//! agent costs a floor of twice the dearest source's price of an on-phone
//! agent-slot plus [`VALUE_PER_CALL`] × that price × the handle time for
//! each call its absence drops below the target; and, per day, the
//! service-level floor: each call the day's gaps lose beyond its budget
//! (the calls it answers in time above the 80 % target with every slot at
//! its requirement) weighs the dearest source's price of a full-time
//! person over the plan (weekly hours × weeks). The enumeration tries
//! every count of people per template, start and day within the team's
//! daily and weekly limits, and every overtime extension of every group
//! within the caps. Partner agents are fractional and priced below any
//! shortfall slope, so given the shifts the best partner use of a slot is
//! to fill its gap up to `max_fte` within the partner's hours, and on a
//! day still below its floor to buy what is left of its capacity by cost
//! per call won back (a fractional knapsack: one linear row per day): the
//! enumeration sets it so rather than searching for it.
//!
//! Where the solver's bound equals its objective it claims optimality and
//! must match the enumeration; elsewhere the optimum must lie between its
//! bound and its objective.

use std::collections::BTreeMap;

use peakplan::capacity::Scenario;
use peakplan::capacity::roster::Shortfall;
use peakplan::capacity::schedule::{SEGMENTS, VALUE_PER_CALL};
use peakplan::capacity::staffing::QueueModel;
use peakplan::config::Settings;
use proptest::prelude::*;

use crate::plan::{plan_on_forecast, read_csv};

type Row = BTreeMap<String, String>;

/// Objective figures are written with 2 decimals; sums of on-phone shares
/// carry float noise.
const TOL: f64 = 1e-5;
const MONEY_TOL: f64 = 0.02;

/// Slot length of every case, minutes.
const STEP: u32 = 30;
const AHT_S: f64 = 240.0;

/// A shift template: name, length in slots, earliest and latest start
/// (minutes after midnight).
#[derive(Clone, Debug)]
struct Template {
    name: &'static str,
    slots: usize,
    earliest: u32,
    latest: u32,
}

#[derive(Clone, Debug)]
struct Overtime {
    max_hours_per_day: u32,
    max_hours_per_week: u32,
    premium: f64,
}

#[derive(Clone, Debug)]
struct Partner {
    max_fte: f64,
    /// Minutes after midnight, `[from, to)`.
    from: u32,
    to: u32,
    cost_per_hour: f64,
}

/// A tiny scenario: one queue `q`, days of the week of 2025-11-03 with a
/// contiguous run of half-hours each.
#[derive(Clone, Debug)]
struct Case {
    fte: u32,
    days_per_week: u32,
    weekly_hours: f64,
    shrinkage: f64,
    cost_per_hour: f64,
    templates: Vec<Template>,
    overtime: Option<Overtime>,
    partner: Option<Partner>,
    /// Per day (0 = Monday 2025-11-03): first slot's minute and the
    /// volume of each slot.
    days: Vec<(usize, u32, Vec<f64>)>,
}

fn clock(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn minutes(t: &str) -> u32 {
    let (h, m) = t.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

fn f(row: &Row, key: &str) -> f64 {
    row[key].parse().unwrap_or_else(|_| panic!("{key}: {:?}", row[key]))
}

fn date(day: usize) -> String {
    format!("2025-11-{:02}", 3 + day)
}

impl Case {
    fn toml(&self) -> String {
        let mut t = format!(
            "as_of = \"2025-09-01\"\n\
             [horizon]\nfrom = \"2025-11-03\"\nto = \"2025-11-09\"\n\
             interval = \"30m\"\ntimezone = \"Europe/Paris\"\n\
             [defaults]\nshrinkage = {}\nservice_level = 0.8\n\
             within = \"20s\"\n\
             [queues.q]\nchannel = \"voice\"\naht = \"{AHT_S}s\"\nlevel = 1\n\
             [team]\nweekly_hours = {}\nfte = {{ q = {} }}\n\
             cost_per_hour = {}\ndays_per_week = {}\n",
            self.shrinkage,
            self.weekly_hours,
            self.fte,
            self.cost_per_hour,
            self.days_per_week,
        );
        for tpl in &self.templates {
            t.push_str(&format!(
                "[shifts.{}]\nhours = {}\nstarts = \"{}-{}\"\n",
                tpl.name,
                tpl.slots as f64 * f64::from(STEP) / 60.0,
                clock(tpl.earliest),
                clock(tpl.latest),
            ));
        }
        match &self.overtime {
            Some(o) => t.push_str(&format!(
                "[overtime]\nmax_hours_per_week = {}\n\
                 max_hours_per_day = {}\npremium = {}\n",
                o.max_hours_per_week, o.max_hours_per_day, o.premium
            )),
            None => {
                t.push_str("[overtime]\nmax_hours_per_week = 0\npremium = 1\n")
            }
        }
        if let Some(p) = &self.partner {
            t.push_str(&format!(
                "[[partners]]\nname = \"Atlas\"\nqueues = [\"q\"]\n\
                 max_fte = {}\nhours = \"{}-{}\"\ncost_per_hour = {}\n\
                 notice_weeks = 0\n",
                p.max_fte,
                clock(p.from),
                clock(p.to),
                p.cost_per_hour
            ));
        }
        t
    }

    fn forecast(&self) -> String {
        let mut out = String::from(
            "interval_start,queue,forecast,p10,p50,p90,aht_s,events\n",
        );
        for (day, first, volumes) in &self.days {
            for (k, v) in volumes.iter().enumerate() {
                let m = first + STEP * k as u32;
                out.push_str(&format!(
                    "{}T{}:00+01:00,q,{v},{v},{v},{v},,\n",
                    date(*day),
                    clock(m)
                ));
            }
        }
        out
    }

    fn on_phone(&self) -> f64 {
        1.0 - self.shrinkage
    }
}

/// What `plan` wrote for a case.
struct Files {
    intervals: Vec<Row>,
    shifts: Vec<Row>,
    summary: serde_json::Value,
    scenario: Scenario,
}

fn run(case: &Case) -> Files {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("tiny.toml");
    std::fs::write(&scenario, case.toml()).unwrap();
    let forecast = dir.path().join("forecast.csv");
    std::fs::write(&forecast, case.forecast()).unwrap();
    let out = dir.path().join("out");
    plan_on_forecast(&scenario, &forecast, &out)
        .args(["--staff-to", "mean"])
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    Files {
        intervals: read_csv(&out.join("intervals.csv")),
        shifts: read_csv(&out.join("shifts.csv")),
        summary: serde_json::from_str(&text).unwrap(),
        scenario: Scenario::read(&scenario, &Settings::default()).unwrap(),
    }
}

/// One slot of the problem, as the files give it.
struct Slot {
    day: usize,
    minute: u32,
    required: f64,
    shortfall: Shortfall,
}

/// Each day's floor: `(budget, price per call)`.
type Floors = BTreeMap<usize, (f64, f64)>;

/// The floors of the case's days: calls answered in time above target
/// with every slot at its requirement, and the weight of a call beyond.
fn floors(case: &Case, files: &Files) -> Floors {
    let spec = files.scenario.queue("q").unwrap();
    let model = QueueModel::new(spec, AHT_S, f64::from(STEP) * 60.0);
    let price = dearest_hour(case) * case.weekly_hours;
    let mut calls: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for r in &files.intervals {
        let day = day_of(case, &r["interval_start"]);
        let v = f(r, "forecast");
        let n = f(r, "required_agents") as u32;
        let e = calls.entry(day).or_default();
        e.0 += v * model.service_level(n, v);
        e.1 += v;
    }
    calls
        .into_iter()
        .filter(|(_, (_, v))| *v > 0.0)
        .map(|(d, (served, v))| (d, ((served - 0.8 * v).max(0.0), price)))
        .collect()
}

/// The floors' weight of days `lost[day]` calls short.
fn floor_cost(floors: &Floors, lost: &BTreeMap<usize, f64>) -> f64 {
    floors
        .iter()
        .map(|(d, (budget, price))| {
            price * (lost.get(d).copied().unwrap_or(0.0) - budget).max(0.0)
        })
        .sum()
}

fn day_of(case: &Case, start: &str) -> usize {
    case.days
        .iter()
        .map(|d| d.0)
        .find(|d| date(*d) == start[..10])
        .expect("a day of the case")
}

/// The dearest source's price of one on-phone agent-hour, as
/// `schedule.rs` documents it (no hiring in these cases).
fn dearest_hour(case: &Case) -> f64 {
    let mut d = case.cost_per_hour
        * case.overtime.as_ref().map_or(1.0, |o| o.premium)
        / case.on_phone();
    if let Some(p) = &case.partner {
        d = d.max(p.cost_per_hour);
    }
    d.max(1.0)
}

/// The slots of the plan with their requirement (from intervals.csv) and
/// their shortfall curve from the Erlang engine at the slot's volume.
fn slots(case: &Case, files: &Files) -> Vec<Slot> {
    let spec = files.scenario.queue("q").unwrap();
    let model = QueueModel::new(spec, AHT_S, f64::from(STEP) * 60.0);
    let dearest = dearest_hour(case);
    let slot_h = f64::from(STEP) / 60.0;
    let floor = 2.0 * dearest * slot_h;
    let value = VALUE_PER_CALL * dearest * AHT_S / 3600.0;
    let mut out = vec![];
    for r in &files.intervals {
        let start = &r["interval_start"];
        let day = day_of(case, start);
        let required = f(r, "required_agents");
        let volume = f(r, "forecast");
        let n = required as u32;
        // The volume is certain: its expected service level is the one
        // at the volume.
        let sls = model.service_levels(volume, n + 1);
        let shortfall = Shortfall::from_served(
            n,
            |k| if k == 0 { 0.0 } else { volume * sls[k as usize] },
            value,
            floor,
            SEGMENTS,
        );
        out.push(Slot {
            day,
            minute: minutes(&start[11..16]),
            required,
            shortfall,
        });
    }
    out
}

/// The limits a plan's files must keep, for [`check_rules`].
pub(crate) struct Rules {
    pub on_phone: f64,
    pub fte: BTreeMap<String, f64>,
    pub days_per_week: f64,
    pub weekly_hours: f64,
    /// Shift templates: name, paid minutes, earliest and latest start.
    pub templates: Vec<(String, u32, u32, u32)>,
    /// Templates the team works.
    pub team_shifts: Vec<String>,
    /// Overtime: hours per person and day, per person and week.
    pub overtime: Option<(f64, f64)>,
    /// Partner: name, queues, `max_fte`, hours `[from, to)` in minutes.
    pub partner: Option<(String, Vec<String>, f64, u32, u32)>,
    /// Hire contracts: name, weekly hours, templates; and the ramp.
    pub contracts: Vec<(String, f64, Vec<String>)>,
    pub ramp: Vec<f64>,
    /// Minutes per interval.
    pub step: u32,
}

impl Case {
    fn rules(&self) -> Rules {
        let templates = self
            .templates
            .iter()
            .map(|t| {
                (t.name.into(), t.slots as u32 * STEP, t.earliest, t.latest)
            })
            .collect();
        Rules {
            on_phone: self.on_phone(),
            fte: BTreeMap::from([("q".into(), f64::from(self.fte))]),
            days_per_week: f64::from(self.days_per_week),
            weekly_hours: self.weekly_hours,
            templates,
            team_shifts: self
                .templates
                .iter()
                .map(|t| t.name.into())
                .collect(),
            overtime: self.overtime.as_ref().map(|o| {
                (
                    f64::from(o.max_hours_per_day),
                    f64::from(o.max_hours_per_week),
                )
            }),
            partner: self.partner.as_ref().map(|p| {
                ("Atlas".into(), vec!["q".into()], p.max_fte, p.from, p.to)
            }),
            contracts: vec![],
            ramp: vec![],
            step: STEP,
        }
    }
}

fn monday(d: &str) -> chrono::NaiveDate {
    use chrono::Datelike;
    let d: chrono::NaiveDate = d.parse().unwrap();
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Every rule of the issue, checked on a plan's `intervals.csv`,
/// `shifts.csv` and `hires.csv`: net staff per source, the team's daily
/// and weekly limits, shift templates, overtime next to a shift and
/// within its caps, partner capacity, hours and queues, hires on their
/// contracts' shifts and hours at their ramp, and the rows covering each
/// interval adding up to its scheduled agents.
pub(crate) fn check_rules(
    rules: &Rules,
    intervals: &[Row],
    shifts: &[Row],
    hires: &[Row],
) {
    let on = rules.on_phone;
    let step = rules.step;
    let mut cover: BTreeMap<(String, String, u32), [f64; 4]> = BTreeMap::new();
    let mut team_day: BTreeMap<(String, String), f64> = BTreeMap::new();
    // Per queue and week: shift-days, team hours, overtime hours.
    let mut week: BTreeMap<(String, chrono::NaiveDate), [f64; 3]> =
        BTreeMap::new();
    // Per queue, week and contract: hires' shift-days and hours.
    let mut hire_week: BTreeMap<
        (String, chrono::NaiveDate, String),
        [f64; 2],
    > = BTreeMap::new();
    // Overtime people per extended team group: never more than the group.
    let mut ot_of_group: BTreeMap<[String; 4], f64> = BTreeMap::new();
    let template = |r: &Row| {
        rules
            .templates
            .iter()
            .find(|t| t.0 == r["shift"])
            .unwrap_or_else(|| panic!("unknown shift: {r:?}"))
            .clone()
    };
    for r in shifts {
        let (a, b) = (minutes(&r["start"]), minutes(&r["end"]));
        assert!(a < b, "{r:?}");
        let hours = f64::from(b - a) / 60.0;
        let people = f(r, "people");
        let per = f(r, "on_phone") / people.max(1e-12);
        let q = r["queue"].clone();
        let k = match r["source"].as_str() {
            "in_house" => 0,
            "hire" => 1,
            "overtime" => 2,
            "partner" => 3,
            other => panic!("unknown source {other}"),
        };
        let mut t = a;
        while t < b {
            cover.entry((r["date"].clone(), q.clone(), t)).or_default()[k] +=
                f(r, "on_phone");
            t += step;
        }
        let w = week.entry((q.clone(), monday(&r["date"]))).or_default();
        match k {
            0 => {
                assert!((per - on).abs() < TOL, "{r:?}");
                let tpl = template(r);
                assert!(rules.team_shifts.contains(&tpl.0), "{r:?}");
                assert_eq!(b - a, tpl.1, "{r:?}");
                assert!((tpl.2..=tpl.3).contains(&a), "{r:?}");
                *team_day.entry((r["date"].clone(), q)).or_default() += people;
                w[0] += people;
                w[1] += people * hours;
            }
            1 => {
                let c = rules
                    .contracts
                    .iter()
                    .find(|c| c.0 == r["contract"])
                    .unwrap_or_else(|| panic!("unknown contract: {r:?}"));
                assert!(c.2.contains(&r["shift"]), "{r:?}");
                let tpl = template(r);
                assert_eq!(b - a, tpl.1, "{r:?}");
                assert!((tpl.2..=tpl.3).contains(&a), "{r:?}");
                assert!(
                    rules
                        .ramp
                        .iter()
                        .chain(&[1.0])
                        .any(|x| (per - on * x).abs() < TOL),
                    "net staff of a hire: {r:?}"
                );
                let h = hire_week
                    .entry((q, monday(&r["date"]), c.0.clone()))
                    .or_default();
                h[0] += people;
                h[1] += people * hours;
            }
            2 => {
                let (per_day, _) = rules.overtime.expect("overtime allowed");
                assert!((per - on).abs() < TOL, "{r:?}");
                assert!(hours <= per_day + 1e-9, "{r:?}");
                let group = shifts.iter().find(|s| {
                    s["source"] == "in_house"
                        && s["date"] == r["date"]
                        && s["queue"] == r["queue"]
                        && s["shift"] == r["shift"]
                        && (s["end"] == r["start"] || s["start"] == r["end"])
                });
                let group = group.unwrap_or_else(|| {
                    panic!("overtime not extending a shift: {r:?}")
                });
                *ot_of_group
                    .entry([
                        group["date"].clone(),
                        q,
                        group["shift"].clone(),
                        group["start"].clone(),
                    ])
                    .or_default() += people;
                w[2] += people * hours;
            }
            _ => {
                let p = rules.partner.as_ref().expect("a partner");
                assert_eq!(r["contract"], p.0);
                assert!(p.1.contains(&q), "partner queue: {r:?}");
                assert!(p.3 <= a && b <= p.4, "partner hours: {r:?}");
            }
        }
    }
    for ([d, q, tpl, start], people) in &ot_of_group {
        let group: f64 = shifts
            .iter()
            .filter(|s| {
                s["source"] == "in_house"
                    && &s["date"] == d
                    && &s["queue"] == q
                    && &s["shift"] == tpl
                    && &s["start"] == start
            })
            .map(|s| f(s, "people"))
            .sum();
        assert!(*people <= group + TOL, "{d} {q} {tpl} {start}: {people}");
    }
    for ((d, q), n) in &team_day {
        assert!(*n <= rules.fte[q] + TOL, "{d} {q}: {n} people on shift");
    }
    for ((q, m), [days, hours, ot]) in &week {
        let fte = rules.fte[q];
        assert!(*days <= fte * rules.days_per_week + TOL, "{q} {m}: {days}");
        assert!(*hours <= fte * rules.weekly_hours + TOL, "{q} {m}: {hours}");
        let cap = rules.overtime.map_or(0.0, |o| fte * o.1);
        assert!(*ot <= cap + TOL, "{q} {m}: {ot} h of overtime");
    }
    for ((q, m, contract), [days, hours]) in &hire_week {
        let people: f64 = hires
            .iter()
            .filter(|h| &h["queue"] == q && &h["contract"] == contract)
            .filter(|h| {
                monday(&h["productive_from"]) <= *m
                    && *m <= monday(&h["until"])
            })
            .map(|h| f(h, "count"))
            .sum();
        let c = rules.contracts.iter().find(|c| &c.0 == contract).unwrap();
        assert!(*days <= people * rules.days_per_week + TOL, "{m} {contract}");
        assert!(*hours <= people * c.1 + TOL, "{m} {contract}: {hours} h");
    }
    for r in intervals {
        let start = &r["interval_start"];
        let key = (
            start[..10].to_string(),
            r["queue"].clone(),
            minutes(&start[11..16]),
        );
        let c = cover.remove(&key).unwrap_or_default();
        let cols = [
            "in_house_agents",
            "hired_agents",
            "overtime_agents",
            "partner_agents",
        ];
        for (got, col) in c.iter().zip(cols) {
            assert!((got - f(r, col)).abs() < TOL, "{col} {r:?}: {got}");
        }
        let sum: f64 = c.iter().sum();
        assert!((f(r, "scheduled_agents") - sum).abs() < TOL, "{r:?}");
        let gap = (f(r, "required_agents") - sum).max(0.0);
        assert!((f(r, "gap_agents") - gap).abs() < TOL, "{r:?}");
        let partner = f(r, "partner_agents");
        let max = rules.partner.as_ref().map_or(0.0, |p| p.2);
        assert!((-TOL..=max + TOL).contains(&partner), "max_fte: {r:?}");
    }
    // Shift rows outside every interval may only be the padding a short
    // day gets, with nobody counted on it but the team's shift.
    for ((d, q, m), c) in &cover {
        assert!(
            c[2].abs() < TOL && c[3].abs() < TOL,
            "overtime or partner outside the intervals at {d} {q} {m}"
        );
    }
}

/// A run of slots of one day that a group of people works.
#[derive(Clone, Debug)]
struct Piece {
    day: usize,
    /// Index of the first slot in the case's slot list, and how many.
    first: usize,
    len: usize,
}

/// The best objective over every roster the rules allow, by enumeration.
fn optimum(case: &Case, slots: &[Slot], floors: &Floors) -> f64 {
    let slot_h = f64::from(STEP) / 60.0;
    // Index of (day, minute) in `slots`.
    let at = |day: usize, minute: u32| {
        slots.iter().position(|s| s.day == day && s.minute == minute)
    };
    // Team groups: template starts that fit the day's grid.
    let mut groups: Vec<(Piece, &Template)> = vec![];
    for (day, first, volumes) in &case.days {
        for tpl in &case.templates {
            for k in 0..volumes.len() {
                let m = first + STEP * k as u32;
                if m < tpl.earliest || m > tpl.latest {
                    continue;
                }
                if k + tpl.slots > volumes.len() {
                    continue;
                }
                let i = at(*day, m).unwrap();
                groups.push((
                    Piece { day: *day, first: i, len: tpl.slots },
                    tpl,
                ));
            }
        }
    }
    // Overtime extensions of each group: whole hours before or after it,
    // inside the day.
    let ext: Vec<Vec<Piece>> = groups
        .iter()
        .map(|(g, _)| {
            let Some(o) = &case.overtime else { return vec![] };
            let (_, first, volumes) =
                case.days.iter().find(|d| d.0 == g.day).unwrap();
            let day_first = at(g.day, *first).unwrap();
            let day_end = day_first + volumes.len();
            let mut out = vec![];
            let per_hour = (60 / STEP) as usize;
            for hours in 1..=o.max_hours_per_day as usize {
                let k = hours * per_hour;
                if g.first >= day_first + k {
                    out.push(Piece { day: g.day, first: g.first - k, len: k });
                }
                if g.first + g.len + k <= day_end {
                    out.push(Piece {
                        day: g.day,
                        first: g.first + g.len,
                        len: k,
                    });
                }
            }
            out
        })
        .collect();
    let ot_rate =
        case.overtime.as_ref().map_or(0.0, |o| o.premium * case.cost_per_hour);
    let ot_cap = case.overtime.as_ref().map_or(0.0, |o| {
        f64::from(case.fte) * f64::from(o.max_hours_per_week)
    });
    let mut state = Search {
        case,
        slots,
        floors,
        groups: &groups,
        ext: &ext,
        people: vec![0.0; slots.len()],
        day_people: BTreeMap::new(),
        shift_days: 0,
        team_hours: 0.0,
        ot_hours: 0.0,
        ot_cost: 0.0,
        ot_rate,
        ot_cap,
        slot_h,
        best: f64::INFINITY,
        rosters: 0,
    };
    state.group(0);
    assert!(state.rosters > 1, "nothing to choose from");
    state.best
}

struct Search<'a> {
    case: &'a Case,
    slots: &'a [Slot],
    floors: &'a Floors,
    groups: &'a [(Piece, &'a Template)],
    ext: &'a [Vec<Piece>],
    /// People on shift per slot (team and overtime).
    people: Vec<f64>,
    day_people: BTreeMap<usize, u32>,
    shift_days: u32,
    team_hours: f64,
    ot_hours: f64,
    ot_cost: f64,
    ot_rate: f64,
    ot_cap: f64,
    slot_h: f64,
    best: f64,
    rosters: usize,
}

impl Search<'_> {
    fn add(&mut self, p: &Piece, n: f64) {
        for s in &mut self.people[p.first..p.first + p.len] {
            *s += n;
        }
    }

    /// Chooses the people of group `g` onwards.
    fn group(&mut self, g: usize) {
        if g == self.groups.len() {
            self.evaluate();
            return;
        }
        let (piece, tpl) = &self.groups[g];
        let hours = tpl.slots as f64 * self.slot_h;
        let used = self.day_people.get(&piece.day).copied().unwrap_or(0);
        let max_week = self.case.fte * self.case.days_per_week;
        let mut n = 0u32;
        loop {
            let fits = used + n <= self.case.fte
                && self.shift_days + n <= max_week
                && self.team_hours + f64::from(n) * hours
                    <= f64::from(self.case.fte) * self.case.weekly_hours
                        + 1e-9;
            if !fits {
                break;
            }
            self.day_people.insert(piece.day, used + n);
            self.shift_days += n;
            self.team_hours += f64::from(n) * hours;
            self.add(piece, f64::from(n));
            self.overtime(g, 0, n);
            self.add(piece, -f64::from(n));
            self.shift_days -= n;
            self.team_hours -= f64::from(n) * hours;
            n += 1;
        }
        self.day_people.insert(piece.day, used);
    }

    /// Chooses the overtime extension `e` of group `g` onwards, `left` of
    /// the group's people not extended yet.
    fn overtime(&mut self, g: usize, e: usize, left: u32) {
        if e == self.ext[g].len() {
            self.group(g + 1);
            return;
        }
        let piece = self.ext[g][e].clone();
        let hours = piece.len as f64 * self.slot_h;
        for n in 0..=left {
            let h = f64::from(n) * hours;
            if self.ot_hours + h > self.ot_cap + 1e-9 {
                break;
            }
            self.ot_hours += h;
            self.ot_cost += h * self.ot_rate;
            self.add(&piece, f64::from(n));
            self.overtime(g, e + 1, left - n);
            self.add(&piece, -f64::from(n));
            self.ot_hours -= h;
            self.ot_cost -= h * self.ot_rate;
        }
    }

    fn evaluate(&mut self) {
        self.rosters += 1;
        let on = self.case.on_phone();
        let mut total = self.ot_cost;
        let mut lost: BTreeMap<usize, f64> = BTreeMap::new();
        // Pieces of partner capacity left, for a day below its floor:
        // `(cost per call, calls per agent, agents, day, cost per agent)`.
        let mut pieces = vec![];
        for (s, people) in self.slots.iter().zip(&self.people) {
            let have = people * on;
            let mut gap = (s.required - have).max(0.0);
            let mut agents = 0.0;
            if let Some(p) = &self.case.partner
                && p.from <= s.minute
                && s.minute + STEP <= p.to
            {
                agents = gap.min(p.max_fte);
                total += agents * self.slot_h * p.cost_per_hour;
                gap -= agents;
                let price = self.slot_h * p.cost_per_hour;
                for (n, calls, saving) in s.shortfall.pieces(
                    s.required,
                    have + agents,
                    p.max_fte - agents,
                ) {
                    if calls > 0.0 {
                        let per = (price - saving) / calls;
                        pieces.push((per, calls, n, s.day, price - saving));
                    }
                }
            }
            total += s.shortfall.cost(gap);
            *lost.entry(s.day).or_default() +=
                s.shortfall.short(s.required, have + agents);
        }
        // Below a floor, more partner agents win calls back: cheapest per
        // call first (a fractional knapsack, one row per day).
        pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (per, calls, n, day, cost) in pieces {
            let Some(&(budget, price)) = self.floors.get(&day) else {
                continue;
            };
            let over = lost[&day] - budget;
            if over <= 0.0 || per >= price {
                continue;
            }
            let a = n.min(over / calls);
            total += a * cost;
            *lost.get_mut(&day).unwrap() -= a * calls;
        }
        total += floor_cost(self.floors, &lost);
        self.best = self.best.min(total);
    }
}

/// The objective of the plan's own roster, from its files.
fn plan_objective(
    case: &Case,
    files: &Files,
    slots: &[Slot],
    floors: &Floors,
) -> f64 {
    let mut total = 0.0;
    for r in &files.shifts {
        let hours =
            f64::from(minutes(&r["end"]) - minutes(&r["start"])) / 60.0;
        match r["source"].as_str() {
            "overtime" => {
                let o = case.overtime.as_ref().unwrap();
                total +=
                    f(r, "people") * hours * o.premium * case.cost_per_hour;
            }
            "partner" => {
                let p = case.partner.as_ref().unwrap();
                total += f(r, "on_phone") * hours * p.cost_per_hour;
            }
            _ => {}
        }
    }
    let mut lost: BTreeMap<usize, f64> = BTreeMap::new();
    for (s, r) in slots.iter().zip(&files.intervals) {
        total += s.shortfall.cost(f(r, "gap_agents"));
        *lost.entry(s.day).or_default() +=
            s.shortfall.short(s.required, f(r, "scheduled_agents"));
    }
    total + floor_cost(floors, &lost)
}

/// Plans `case`, checks its files and its optimality; returns the
/// enumerated optimum and the plan's objective.
fn check_case(case: &Case) -> (f64, f64) {
    let files = run(case);
    check_rules(&case.rules(), &files.intervals, &files.shifts, &[]);
    let slots = slots(case, &files);
    let floors = floors(case, &files);
    let best = optimum(case, &slots, &floors);
    let mine = plan_objective(case, &files, &slots, &floors);
    let r = &files.summary["roster"];
    let objective = r["objective"].as_f64().unwrap();
    let bound = r["lower_bound"].as_f64().unwrap();
    // The summary's objective is the one the files give.
    assert!(
        (objective - mine).abs() < MONEY_TOL + 1e-6 * mine,
        "summary says {objective}, the files {mine}"
    );
    // No roster beats the bound, and the plan's is one of the rosters.
    assert!(bound <= best + MONEY_TOL, "bound {bound} above optimum {best}");
    assert!(best <= mine + MONEY_TOL, "enumeration {best} misses {mine}");
    if (objective - bound).abs() <= MONEY_TOL {
        assert!(
            (mine - best).abs() <= MONEY_TOL,
            "claims optimality at {mine}, the optimum is {best}"
        );
    } else {
        assert!(mine - best <= objective - bound + MONEY_TOL, "{r}");
    }
    (best, mine)
}

fn court(earliest: u32, latest: u32) -> Template {
    Template { name: "court", slots: 2, earliest, latest }
}

/// One day, two templates, overtime and a partner: the middle half-hours
/// need more than the team can give.
#[test]
fn a_one_day_plan_is_optimal_against_every_roster() {
    let case = Case {
        fte: 3,
        days_per_week: 5,
        weekly_hours: 35.0,
        shrinkage: 0.3,
        cost_per_hour: 20.0,
        templates: vec![
            court(9 * 60, 10 * 60),
            Template { name: "long", slots: 4, earliest: 540, latest: 540 },
        ],
        overtime: Some(Overtime {
            max_hours_per_day: 1,
            max_hours_per_week: 1,
            premium: 1.25,
        }),
        partner: Some(Partner {
            max_fte: 1.5,
            from: 9 * 60 + 30,
            to: 10 * 60 + 30,
            cost_per_hour: 40.0,
        }),
        days: vec![(0, 9 * 60, vec![6.0, 30.0, 34.0, 8.0])],
    };
    let (best, _) = check_case(&case);
    assert!(best > 0.0, "the case must need more than the team");
}

/// Two days, and a week that allows one shift-day per person: the weekly
/// link decides which day the team works and overtime or the partner
/// fill the other.
#[test]
fn the_weekly_limits_are_shared_optimally_between_two_days() {
    let case = Case {
        fte: 2,
        days_per_week: 1,
        weekly_hours: 2.0,
        shrinkage: 0.2,
        cost_per_hour: 18.0,
        templates: vec![
            Template { name: "matin", slots: 4, earliest: 540, latest: 600 },
            court(9 * 60, 11 * 60),
        ],
        overtime: Some(Overtime {
            max_hours_per_day: 1,
            max_hours_per_week: 1,
            premium: 1.5,
        }),
        partner: Some(Partner {
            max_fte: 1.0,
            from: 10 * 60,
            to: 11 * 60 + 30,
            cost_per_hour: 30.0,
        }),
        days: vec![
            (0, 9 * 60, vec![4.0, 12.0, 20.0, 16.0, 6.0, 3.0]),
            (1, 9 * 60, vec![10.0, 14.0, 9.0, 22.0, 25.0, 5.0]),
        ],
    };
    check_case(&case);
}

/// No partner and no overtime: the team alone, where the optimum is a
/// pure placement problem of shifts on a day's peak.
#[test]
fn the_team_alone_is_placed_on_the_peak() {
    let case = Case {
        fte: 4,
        days_per_week: 5,
        weekly_hours: 35.0,
        shrinkage: 0.0,
        cost_per_hour: 20.0,
        templates: vec![court(9 * 60, 10 * 60 + 30)],
        overtime: None,
        partner: None,
        days: vec![(2, 9 * 60, vec![5.0, 20.0, 28.0, 14.0, 30.0, 6.0])],
    };
    check_case(&case);
}

fn small_case() -> impl Strategy<Value = Case> {
    (
        1u32..=3,
        1u32..=2,
        proptest::collection::vec(0.0f64..40.0, 3..=5),
        proptest::collection::vec(0.0f64..40.0, 3..=5),
        0usize..2,
        proptest::bool::ANY,
        0.5f64..2.0,
    )
        .prop_map(|(fte, dpw, mon, tue, long, ot, max_fte)| {
            let mut templates = vec![court(9 * 60, 10 * 60)];
            if long == 1 {
                templates.push(Template {
                    name: "long",
                    slots: 3,
                    earliest: 540,
                    latest: 570,
                });
            }
            Case {
                fte,
                days_per_week: dpw,
                weekly_hours: 35.0,
                shrinkage: 0.3,
                cost_per_hour: 20.0,
                templates,
                overtime: ot.then_some(Overtime {
                    max_hours_per_day: 1,
                    max_hours_per_week: 1,
                    premium: 1.25,
                }),
                partner: Some(Partner {
                    max_fte: (max_fte * 2.0).round() / 2.0,
                    from: 9 * 60 + 30,
                    to: 11 * 60,
                    cost_per_hour: 35.0,
                }),
                days: vec![
                    (0, 9 * 60, mon.iter().map(|v| v.round()).collect()),
                    (1, 9 * 60, tue.iter().map(|v| v.round()).collect()),
                ],
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Every rule holds on the files of random tiny plans, and no roster
    /// beats the bound the plan reports.
    #[test]
    fn random_tiny_plans_keep_every_rule(case in small_case()) {
        check_case(&case);
    }
}
