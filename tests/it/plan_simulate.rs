//! `peakplan plan --simulate N`: the simulated daily figures join
//! `days.csv` and `summary.json`, in the same set as the plan.

use std::path::{Path, PathBuf};

use crate::plan::{plan_on_forecast, read_csv, write_forecast};
use crate::util::{data, peakplan};

const SIM_COLUMNS: [&str; 5] = [
    "sim_sl_mean",
    "sim_sl_p10",
    "sim_sl_p90",
    "sim_p_meet_target",
    "sim_abandon_rate",
];

/// A folder with the small scenario and a generated forecast.
struct Case {
    dir: tempfile::TempDir,
    scenario: PathBuf,
    forecast: PathBuf,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let scenario = dir.path().join("scenario.toml");
        std::fs::copy(data("scenario_small.toml"), &scenario).unwrap();
        let forecast = write_forecast(dir.path(), 1.0);
        Case { dir, scenario, forecast }
    }

    /// Plans into the folder `name` with `extra` flags; the folder.
    fn plan(&self, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.dir.path().join(name);
        plan_on_forecast(&self.scenario, &self.forecast, &out)
            .args(extra)
            .assert()
            .success();
        out
    }
}

fn bytes(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&bytes(dir, "summary.json")).unwrap()
}

#[test]
fn days_gain_the_simulated_columns_and_the_summary_its_object() {
    let case = Case::new();
    let plain = case.plan("plain", &[]);
    let sim = case.plan("sim", &["--simulate", "20"]);

    let before = read_csv(&plain.join("days.csv"));
    let after = read_csv(&sim.join("days.csv"));
    assert_eq!(before.len(), after.len());
    let header = String::from_utf8(bytes(&sim, "days.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    let plain_header = String::from_utf8(bytes(&plain, "days.csv")).unwrap();
    let plain_header = plain_header.lines().next().unwrap();
    assert_eq!(header, format!("{plain_header},{}", SIM_COLUMNS.join(",")));
    let mut simulated = 0;
    for (b, a) in before.iter().zip(&after) {
        for (k, v) in b {
            assert_eq!(a.get(k), Some(v), "planned column {k} changed");
        }
        for c in SIM_COLUMNS {
            let v = &a[c];
            if v.is_empty() {
                continue;
            }
            let x: f64 = v.parse().unwrap();
            assert!((0.0..=1.0).contains(&x), "{c} = {x} out of [0, 1]");
        }
        let sl = &a["sim_sl_mean"];
        if !sl.is_empty() {
            simulated += 1;
            let p10: f64 = a["sim_sl_p10"].parse().unwrap();
            let p90: f64 = a["sim_sl_p90"].parse().unwrap();
            assert!(p10 <= p90, "{a:?}");
            assert!(!a["sim_p_meet_target"].is_empty());
        }
    }
    assert!(simulated > 0, "no day was simulated");
    // The other files of the set are the plan's, unchanged.
    for file in ["intervals.csv", "shifts.csv", "weeks.csv", "hires.csv"] {
        assert_eq!(bytes(&plain, file), bytes(&sim, file), "{file}");
    }

    let s = summary(&sim);
    assert!(summary(&plain).get("simulation").is_none());
    let o = &s["simulation"];
    assert_eq!(o["runs"], 20);
    assert_eq!(o["seed"], 1);
    let days = o["event_days"].as_array().unwrap();
    assert!(!days.is_empty(), "Black Friday is an event day: {o}");
    for day in days {
        assert!(day["date"].is_string() && day["queue"].is_string());
        let p = day["p_meet_target"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert_eq!(day["flagged"].as_bool(), Some(p < 0.8), "{day}");
        for k in ["sl_mean", "sl_p10", "sl_p90", "abandon_rate"] {
            let x = day[k].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{k} = {x}");
        }
        // The same figures as the day's row of days.csv.
        let row = after
            .iter()
            .find(|r| {
                r["date"] == day["date"].as_str().unwrap()
                    && r["queue"] == day["queue"].as_str().unwrap()
            })
            .unwrap();
        let csv_p: f64 = row["sim_p_meet_target"].parse().unwrap();
        assert!((csv_p - p).abs() < 1e-9);
    }
    assert!(days.iter().any(|d| d["date"] == "2025-11-28"));
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_figures() {
    let case = Case::new();
    let a = case.plan("a", &["--simulate", "20", "--seed", "7"]);
    let b = case.plan("b", &["--simulate", "20", "--seed", "7"]);
    let c = case.plan("c", &["--simulate", "20", "--seed", "8"]);
    for file in ["days.csv", "summary.json"] {
        assert_eq!(bytes(&a, file), bytes(&b, file), "{file}");
    }
    assert_ne!(bytes(&a, "days.csv"), bytes(&c, "days.csv"));
    assert_eq!(summary(&c)["simulation"]["seed"], 8);
}

#[test]
fn the_figures_are_those_of_simulate_on_the_written_folder() {
    let case = Case::new();
    let d = case.dir.path();
    let out = case.plan("sim", &["--simulate", "20", "--seed", "3"]);
    let sim_days = d.join("simulated");
    peakplan()
        .args(["simulate", "--runs", "20", "--seed", "3", "--plan"])
        .arg(&out)
        .arg("--scenario")
        .arg(&case.scenario)
        .arg("--out-dir")
        .arg(&sim_days)
        .arg("--out")
        .arg(d.join("table.txt"))
        .assert()
        .success();
    let planned = read_csv(&out.join("days.csv"));
    let simulated = read_csv(&sim_days.join("days.csv"));
    assert!(!simulated.is_empty());
    for s in &simulated {
        let row = planned
            .iter()
            .find(|r| r["date"] == s["date"] && r["queue"] == s["queue"])
            .unwrap();
        let p: f64 = row["sim_p_meet_target"].parse().unwrap();
        let q: f64 = s["p_meet_target"].parse().unwrap();
        assert!((p - q).abs() < 1e-9, "{row:?} against {s:?}");
    }
}

#[test]
fn simulate_zero_or_a_seed_alone_is_refused_and_writes_nothing() {
    let case = Case::new();
    let out = case.dir.path().join("out");
    plan_on_forecast(&case.scenario, &case.forecast, &out)
        .args(["--simulate", "0"])
        .assert()
        .code(2);
    assert!(!out.exists());
    // A seed without runs to seed is a mistake, not a no-op.
    plan_on_forecast(&case.scenario, &case.forecast, &out)
        .args(["--seed", "3"])
        .assert()
        .code(2);
    assert!(!out.exists());
}
