//! `peakplan plan`: files, arithmetic in every row, hire dates, errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};

use crate::util::{data, peakplan};

/// Writes a deterministic forecast for 2025-10-27..2025-12-07 (Monday to
/// Saturday, 9:00–18:00): commandes surges from the third week and on
/// Black Friday, sav grows slowly. `scale` multiplies every volume.
fn write_forecast(dir: &Path, scale: f64) -> PathBuf {
    let mut out = String::from(
        "interval_start,queue,forecast,p10,p50,p90,aht_s,events\n",
    );
    let mut day = NaiveDate::from_ymd_opt(2025, 10, 27).unwrap();
    let end = NaiveDate::from_ymd_opt(2025, 12, 7).unwrap();
    while day <= end {
        if day.weekday().num_days_from_monday() < 6 {
            let bf = day == NaiveDate::from_ymd_opt(2025, 11, 28).unwrap();
            let surge =
                if day >= NaiveDate::from_ymd_opt(2025, 11, 17).unwrap() {
                    1.7
                } else {
                    1.0
                };
            for h in 0..18 {
                let shape =
                    (std::f64::consts::PI * (h as f64 + 0.5) / 18.0).sin();
                let hh = 9 + h / 2;
                let mm = if h % 2 == 0 { "00" } else { "30" };
                for (queue, base, lift) in [
                    ("commandes", 110.0, surge * if bf { 2.0 } else { 1.0 }),
                    ("sav", 40.0, 1.1),
                ] {
                    let m: f64 = base * shape * lift * scale;
                    let sd = 0.12 * m + m.sqrt();
                    out.push_str(&format!(
                        "{day}T{hh:02}:{mm}:00+01:00,{queue},{m:.3},{:.3},{:.3},{:.3},,{}\n",
                        (m - 1.2816 * sd).max(0.0),
                        m * 0.99,
                        m + 1.2816 * sd,
                        if bf { "Black Friday" } else { "" },
                    ));
                }
            }
        }
        day += Duration::days(1);
    }
    let path = dir.join("forecast.csv");
    std::fs::write(&path, out).unwrap();
    path
}

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn csv(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        let mut rdr = csv::Reader::from_path(self.out().join(name)).unwrap();
        let headers = rdr.headers().unwrap().clone();
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.into(), v.into()))
                    .collect()
            })
            .collect()
    }
    fn summary(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.out().join("summary.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

fn setup(
    scenario_text: &str,
    scale: f64,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, scenario_text).unwrap();
    let forecast = write_forecast(dir.path(), scale);
    (dir, scenario, forecast)
}

fn run_plan(scenario_text: &str, scale: f64, extra: &[&str]) -> Run {
    let (dir, scenario, forecast) = setup(scenario_text, scale);
    peakplan()
        .args(["plan", "--scenario"])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .args(extra)
        .assert()
        .success();
    Run { dir }
}

fn small() -> String {
    std::fs::read_to_string(data("scenario_small.toml")).unwrap()
}

fn f(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key].parse().unwrap_or_else(|_| panic!("{key}: {:?}", row[key]))
}

fn d(row: &BTreeMap<String, String>, key: &str) -> NaiveDate {
    row[key].parse().unwrap()
}

#[test]
fn writes_the_four_files_with_their_headers() {
    let run = run_plan(&small(), 1.0, &[]);
    let head = |name: &str| {
        let text = std::fs::read_to_string(run.out().join(name)).unwrap();
        text.lines().next().unwrap().to_string()
    };
    assert_eq!(
        head("intervals.csv"),
        "interval_start,queue,forecast,p10,p90,aht_s,staffing_volume,required_agents,service_level"
    );
    assert_eq!(
        head("weeks.csv"),
        "week_start,queue,required_fte,in_house_fte,hired_fte,overtime_fte,partner_fte,gap_fte,cost"
    );
    assert_eq!(
        head("hires.csv"),
        "queue,count,recruit_by,train_from,productive_from,until,cost"
    );
    let s = run.summary();
    assert_eq!(s["staff_to"], "auto");
    assert_eq!(s["horizon"]["weeks_from"], "2025-11-03");
    assert_eq!(s["whatif"].as_array().unwrap().len(), 3);
}

#[test]
fn every_week_row_adds_up() {
    let run = run_plan(&small(), 1.0, &[]);
    let intervals = run.csv("intervals.csv");
    let weeks = run.csv("weeks.csv");
    let hires = run.csv("hires.csv");
    assert!(!hires.is_empty(), "the surge must call for hires");
    let monday = |s: &str| {
        let day: NaiveDate = s[..10].parse().unwrap();
        day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
    };
    let mut agent_hours: BTreeMap<(NaiveDate, String), f64> = BTreeMap::new();
    for r in &intervals {
        *agent_hours
            .entry((monday(&r["interval_start"]), r["queue"].clone()))
            .or_default() += f(r, "required_agents") * 0.5;
        assert!(f(r, "service_level") >= 0.8 - 1e-9, "{r:?}");
    }
    let mut gaps = 0;
    for w in &weeks {
        let key = (d(w, "week_start"), w["queue"].clone());
        let hours = agent_hours.get(&key).copied().unwrap_or(0.0);
        // required_fte = agent-hours / (weekly_hours × (1 − shrinkage))
        assert!(
            (f(w, "required_fte") - hours / (35.0 * 0.7)).abs() < 1e-3,
            "{w:?}"
        );
        let supply = f(w, "in_house_fte")
            + f(w, "hired_fte")
            + f(w, "overtime_fte")
            + f(w, "partner_fte");
        let gap = (f(w, "required_fte") - supply).max(0.0);
        assert!((f(w, "gap_fte") - gap).abs() < 1e-3, "{w:?}");
        if gap > 1e-3 {
            gaps += 1;
        }
        // Overtime capped at in-house × 4 h / 35 h.
        assert!(
            f(w, "overtime_fte") <= f(w, "in_house_fte") * 4.0 / 35.0 + 1e-6
        );
        // Partners: commandes only, not before as_of + 5 weeks, ≤ 12 FTE.
        if w["queue"] == "sav"
            || d(w, "week_start") < "2025-11-05".parse().unwrap()
        {
            assert_eq!(f(w, "partner_fte"), 0.0, "{w:?}");
        }
        assert!(f(w, "partner_fte") <= 12.0 + 1e-6);
        // cost = hours × rates, hires paid from their first training day.
        let paid_hires: f64 = hires
            .iter()
            .filter(|h| h["queue"] == w["queue"])
            .filter(|h| d(h, "train_from") <= key.0 && key.0 <= d(h, "until"))
            .map(|h| f(h, "count"))
            .sum();
        let cost = 35.0
            * (f(w, "in_house_fte") * 19.5
                + f(w, "overtime_fte") * 19.5 * 1.25
                + f(w, "partner_fte") * 27.0
                + paid_hires * 21.0);
        assert!((f(w, "cost") - cost).abs() < 0.05 * 35.0, "{w:?}: {cost}");
    }
    assert_eq!(gaps, 0, "this plan can cover everything");
}

#[test]
fn hire_dates_follow_the_lead_times() {
    let run = run_plan(&small(), 1.0, &[]);
    let as_of: NaiveDate = "2025-10-01".parse().unwrap();
    let weeks = run.csv("weeks.csv");
    let mut hired = 0.0;
    for h in run.csv("hires.csv") {
        let productive = d(&h, "productive_from");
        assert_eq!(productive.weekday(), chrono::Weekday::Mon);
        assert_eq!(d(&h, "train_from"), productive - Duration::weeks(2));
        assert_eq!(d(&h, "recruit_by"), productive - Duration::weeks(5));
        assert!(d(&h, "recruit_by") >= as_of);
        let days = (d(&h, "until") - d(&h, "train_from")).num_days() + 1;
        assert_eq!(days % 7, 0);
        assert!(days >= 4 * 7, "minimum contract: {h:?}");
        let cost = f(&h, "count") * (days / 7) as f64 * 35.0 * 21.0;
        assert!((f(&h, "cost") - cost).abs() < 0.01, "{h:?}");
        // Ramp: 60 % in the first productive week.
        let first_week: f64 = weeks
            .iter()
            .filter(|w| {
                w["queue"] == h["queue"] && d(w, "week_start") == productive
            })
            .map(|w| f(w, "hired_fte"))
            .sum();
        assert!(first_week + 1e-6 >= 0.6 * f(&h, "count"));
        hired += f(&h, "count");
    }
    assert!(hired <= 30.0);
    let alerts = run.summary()["alerts"].to_string();
    assert!(alerts.contains("recruit "), "{alerts}");
}

#[test]
fn staffing_to_the_mean_misses_and_auto_holds() {
    let auto = run_plan(&small(), 1.0, &["--staff-to", "auto"]);
    let mean = run_plan(&small(), 1.0, &["--staff-to", "mean"]);
    let sl = |run: &Run| {
        let (mut calls, mut served) = (0.0, 0.0);
        for r in run.csv("intervals.csv") {
            calls += f(&r, "forecast");
            served += f(&r, "forecast") * f(&r, "service_level");
        }
        served / calls
    };
    assert!(sl(&mean) < 0.8, "mean staffing: {}", sl(&mean));
    assert!(sl(&auto) >= 0.8, "auto staffing: {}", sl(&auto));
    assert_eq!(mean.summary()["staff_to"], "mean");
}

#[test]
fn what_ifs_are_compared_with_the_base() {
    let run = run_plan(&small(), 1.0, &[]);
    let s = run.summary();
    let w = s["whatif"].as_array().unwrap();
    assert_eq!(w[0]["name"], "base");
    assert_eq!(w[1]["name"], "selfcare 15%");
    let contacts = |i: usize| w[i]["contacts"].as_f64().unwrap();
    let hours = |i: usize| w[i]["agent_hours"].as_f64().unwrap();
    assert!(contacts(1) < contacts(0));
    assert!(hours(1) < hours(0));
    // Spreading moves volume without losing any.
    assert!((contacts(2) - contacts(0)).abs() < 1.0);
}

#[test]
fn strict_exits_3_when_a_week_has_a_gap() {
    let tight = small().replace("max_hires = 30", "max_hires = 0");
    let (dir, scenario, forecast) = setup(&tight, 1.3);
    let out = dir.path().join("out");
    peakplan()
        .args(["plan", "--strict", "--scenario"])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(3);
    // The plan is still written: the planner needs it to see the gap.
    let weeks = std::fs::read_to_string(out.join("weeks.csv")).unwrap();
    assert!(weeks.lines().count() > 1);
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("target missed on commandes"), "{summary}");
}

#[test]
fn french_dialect_for_excel() {
    let run = run_plan(&small(), 1.0, &["--csv-dialect", "fr"]);
    let text = std::fs::read_to_string(run.out().join("weeks.csv")).unwrap();
    assert!(text.starts_with("\u{feff}week_start;queue;required_fte"));
    assert!(text.lines().nth(1).unwrap().contains(','));
}

#[test]
fn json_and_csv_on_stdout() {
    let (dir, scenario, forecast) = setup(&small(), 1.0);
    let _keep = &dir;
    let out = peakplan()
        .args(["plan", "--format", "json", "--scenario"])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["totals"]["cost"].as_f64().unwrap() > 0.0);
    let out = peakplan()
        .args(["plan", "--format", "csv", "--scenario"])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("week_start,queue")
    );
}

/// Each bad scenario: exit 2, a message naming the place and the key, and
/// no output folder.
#[test]
fn bad_scenarios_exit_2_with_key_and_place() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "shrinkage = 0.30",
            "shrinkge = 0.30",
            "scenario.toml:12:1: unknown key `shrinkge`; did you mean `shrinkage`?",
        ),
        (
            "shrinkage = 0.30",
            "shrinkage = 1.2",
            "scenario.toml:12:1: defaults.shrinkage: expected a share in [0, 1)",
        ),
        (
            "service_level = 0.80",
            "service_level = 80",
            "defaults.service_level: expected a share in (0, 1)",
        ),
        (
            "within = \"20s\"",
            "within = \"20 secondes\"",
            "defaults.within: expected a duration",
        ),
        (
            "from = \"2025-11-03\"",
            "from = \"2025-12-03\"",
            "horizon.to: the horizon ends (2025-11-30) before it starts (2025-12-03)",
        ),
        (
            "as_of = \"2025-10-01\"",
            "as_of = \"01/10/2025\"",
            "scenario.toml:3:1: as_of: expected an ISO date",
        ),
        (
            "queues = [\"commandes\"]\nmax_fte",
            "queues = [\"sav\"]\nmax_fte",
            "partners[0].queues[0]: queue \"sav\" is level 2",
        ),
        (
            "queues = [\"commandes\", \"sav\"]",
            "queues = [\"commandes\", \"savv\"]",
            "hiring.queues[1]: unknown queue \"savv\" (did you mean \"sav\"?)",
        ),
        (
            "channel = \"voice\"\naht = \"240s\"",
            "channel = \"phone\"\naht = \"240s\"",
            "queues.commandes.channel: expected voice, chat or email",
        ),
        (
            "premium = 1.25",
            "premium = 0.5",
            "overtime.premium: expected a multiplier",
        ),
        ("weekly_hours = 35", "weekly_hours = 0", "team.weekly_hours"),
        (
            "max_fte = 12",
            "max_fte = -3",
            "partners[0].max_fte: expected a number of zero or more",
        ),
        (
            "interval = \"30m\"",
            "interval = \"20m\"",
            "horizon.interval: expected an interval of 5m",
        ),
        (
            "timezone = \"Europe/Paris\"",
            "timezone = \"Europe/Pariss\"",
            "horizon.timezone",
        ),
        ("ramp = [0.6, 0.8]", "ramp = [0.6, 8]", "hiring.ramp[1]"),
        ("days = 2", "days = 0", "whatif[1].spread.days"),
    ];
    for (from, to, want) in cases {
        let text = small();
        assert!(text.contains(from), "fixture lacks {from:?}");
        let (dir, scenario, forecast) =
            setup(&text.replacen(from, to, 1), 1.0);
        let out = dir.path().join("out");
        let result = peakplan()
            .args(["plan", "--scenario"])
            .arg(&scenario)
            .arg("--forecast")
            .arg(&forecast)
            .arg("--out-dir")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{to}: {stderr}");
        assert!(
            stderr.contains(want),
            "{to}:\n  want {want}\n  got  {stderr}"
        );
        assert!(!out.exists(), "{to}: output written despite the error");
    }
}

#[test]
fn a_missing_scenario_or_forecast_exits_2() {
    peakplan()
        .args(["plan", "--scenario", "no/such.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such.toml"));
    let (dir, scenario, _) = setup(&small(), 1.0);
    let _keep = &dir;
    peakplan()
        .args(["plan", "--scenario"])
        .arg(&scenario)
        .args(["--forecast", "no/such.csv"])
        .assert()
        .code(2);
}

#[test]
fn a_queue_missing_from_the_forecast_is_named() {
    let text = small().replace(
        "[queues.sav]",
        "[queues.chat]\nchannel = \"chat\"\nconcurrency = 2\n\n[queues.sav]",
    );
    let (dir, scenario, forecast) = setup(&text, 1.0);
    let _keep = &dir;
    peakplan()
        .args(["plan", "--scenario"])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "queue \"chat\" of the scenario has no forecast",
        ));
}

#[test]
fn evaluate_replays_the_agents_on_actual_volumes() {
    let (dir, scenario, forecast) = setup(&small(), 1.0);
    let text = std::fs::read_to_string(&forecast).unwrap();
    let actuals = dir.path().join("actuals.csv");
    let mut out = String::from("interval_start,queue,volume\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        out.push_str(&format!("{},{},{}\n", f[0], f[1], f[2]));
    }
    std::fs::write(&actuals, out).unwrap();
    let result = peakplan()
        .args(["plan", "--format", "json", "--scenario"])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--evaluate")
        .arg(&actuals)
        .output()
        .unwrap();
    assert!(result.status.success());
    let v: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    let ev = v["evaluation"].as_array().unwrap();
    assert_eq!(ev.len(), 2);
    for e in ev {
        // Actual = forecast mean: staffing for uncertainty over-delivers.
        assert!(e["service_level"].as_f64().unwrap() >= 0.8, "{e}");
        let (h, p) = (
            e["agent_hours"].as_f64().unwrap(),
            e["perfect_agent_hours"].as_f64().unwrap(),
        );
        assert!(h >= p && p > 0.0, "{e}");
    }
}
