//! `peakplan reforecast`: the plan when nothing is seen, no change on a
//! day on forecast, actions within every cap on a day at +30 %, every bad
//! actual named by file and line, atomic output, `--strict`.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{data, peakplan, stdout_of};

fn reforecast(actuals: &PathBuf, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.args(["reforecast", "--plan"]).arg(data("reforecast"));
    cmd.arg("--actuals").arg(actuals).args(extra).arg("--quiet");
    cmd
}

fn json(actuals: &str, extra: &[&str]) -> Value {
    let path = data(&format!("reforecast/{actuals}"));
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&stdout_of(&mut reforecast(&path, &args))).unwrap()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

fn remaining(v: &Value, queue: &str) -> Vec<Value> {
    let all = v["intervals"].as_array().unwrap();
    all.iter()
        .filter(|i| i["queue"] == queue && i["remaining"] == true)
        .cloned()
        .collect()
}

/// Local time `HH:MM` of an interval.
fn time(i: &Value) -> String {
    i["interval_start"].as_str().unwrap()[11..16].to_string()
}

#[test]
fn no_actuals_yet_equals_the_plan() {
    let v = json("actuals_none.csv", &["--now", "2025-11-28 09:00"]);
    for q in v["queues"].as_array().unwrap() {
        assert_eq!(num(q, "level"), 1.0, "{q}");
        assert_eq!(num(q, "weight"), 0.0, "{q}");
    }
    let intervals = v["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 32);
    for i in intervals {
        assert_eq!(i["remaining"], true);
        assert_eq!(num(i, "forecast"), num(i, "plan_forecast"), "{i}");
        assert_eq!(num(i, "p10"), num(i, "plan_p10"), "{i}");
        assert_eq!(num(i, "p90"), num(i, "plan_p90"), "{i}");
        // The plan was staffed by the same rule.
        assert_eq!(num(i, "required_agents"), num(i, "plan_required_agents"));
        assert_eq!(num(i, "gap_agents"), 0.0, "{i}");
    }
    assert_eq!(v["actions"].as_array().unwrap().len(), 0);
}

#[test]
fn a_day_exactly_on_forecast_changes_nothing() {
    let v = json("actuals_on_forecast.csv", &[]);
    assert_eq!(v["now"], "2025-11-28T12:00:00+01:00");
    for q in v["queues"].as_array().unwrap() {
        assert_eq!(num(q, "level"), 1.0, "{q}");
        assert_eq!(num(q, "seen_actual"), num(q, "seen_forecast"));
        assert_eq!(num(q, "rest_forecast"), num(q, "rest_plan"));
    }
    for q in ["commandes", "sav"] {
        let rest = remaining(&v, q);
        assert_eq!(rest.len(), 10);
        for i in rest {
            assert_eq!(num(&i, "forecast"), num(&i, "plan_forecast"), "{i}");
            // Seeing the morning narrows the band around the same mean.
            assert!(num(&i, "p90") <= num(&i, "plan_p90"), "{i}");
            assert!(num(&i, "p10") >= num(&i, "plan_p10"), "{i}");
            assert!(num(&i, "gap_agents") <= 0.0, "{i}");
        }
    }
    assert_eq!(v["actions"].as_array().unwrap().len(), 0);
}

#[test]
fn a_day_at_30_percent_gets_actions_within_every_cap() {
    for (cap, last_ot) in [("2h", "14:30"), ("1h", "13:30")] {
        let v = json("actuals_high.csv", &["--max-overtime-per-day", cap]);
        let actions = v["actions"].as_array().unwrap();
        let kinds: Vec<(&str, &str)> = actions
            .iter()
            .map(|a| {
                (a["queue"].as_str().unwrap(), a["kind"].as_str().unwrap())
            })
            .collect();
        // Cheapest first: overtime (19.5 × 1.25 an hour) before Atlas (27).
        assert_eq!(
            kinds[..2],
            [("commandes", "overtime"), ("commandes", "partner")]
        );
        // sav is level 2: no partner.
        assert!(!kinds.contains(&("sav", "partner")), "{kinds:?}");
        for a in actions {
            assert!(num(a, "sl_after") > num(a, "sl_before"), "{a}");
            let paid = num(a, "agent_hours") / 0.7;
            assert!((num(a, "paid_hours") - paid).abs() < 1e-9);
        }
        for q in ["commandes", "sav"] {
            for i in remaining(&v, q) {
                let (t, ot, p) = (
                    time(&i),
                    num(&i, "overtime_agents"),
                    num(&i, "partner_agents"),
                );
                // Overtime extends the 09:00–13:00 shift only (10 agents
                // on the phones for commandes, 4 for sav), within the cap.
                assert!(ot <= if q == "sav" { 4.0 } else { 10.0 }, "{i}");
                if ot > 0.0 {
                    assert!(
                        t.as_str() >= "13:00" && t.as_str() <= last_ot,
                        "{i}"
                    );
                }
                // Atlas: a 60-minute notice from 12:00, max_fte 6 less
                // 30 % shrinkage on the phones, whole agents, commandes.
                assert!(p <= 4.0 && p.fract() == 0.0, "{i}");
                if p > 0.0 {
                    assert!(q == "commandes" && t.as_str() >= "13:00", "{i}");
                }
            }
        }
        let cmd = &v["queues"][0];
        assert!(num(cmd, "level") > 1.2 && num(cmd, "level") < 1.3, "{cmd}");
        assert!(num(cmd, "sl_after") > num(cmd, "sl_now"));
    }
}

#[test]
fn strict_exits_3_when_the_rest_of_the_day_misses_after_the_actions() {
    let high = data("reforecast/actuals_high.csv");
    let no_help = ["--max-overtime-per-day", "0", "--partner-notice", "8h"];
    reforecast(&high, &no_help).assert().success();
    let mut strict: Vec<&str> = no_help.to_vec();
    strict.push("--strict");
    reforecast(&high, &strict)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("commandes"));
    // With the actions, the target holds: exit 0.
    reforecast(&high, &["--strict"]).assert().success();
}

/// An actuals file in a temporary folder.
fn actuals_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("today.csv");
    std::fs::write(&path, text).unwrap();
    (tmp, path)
}

const HEADER: &str = "interval_start,queue,volume\n";

#[test]
fn every_bad_actual_is_named_by_file_and_line_exit_2() {
    let cases = [
        // Malformed volume.
        (
            "2025-11-28 09:00,commandes,46\n2025-11-28 09:30,commandes,lots\n",
            &[][..],
            ":3",
        ),
        // After --now.
        (
            "2025-11-28 09:00,commandes,46\n2025-11-28 09:30,commandes,69\n\
             2025-11-28 10:00,commandes,85\n",
            &["--now", "2025-11-28 10:00"][..],
            ":4",
        ),
        // Past the plan's horizon.
        (
            "2025-11-28 09:00,commandes,46\n2025-12-01 09:00,sav,50\n",
            &[][..],
            ":3",
        ),
    ];
    for (rows, extra, line) in cases {
        let (_tmp, path) = actuals_file(&format!("{HEADER}{rows}"));
        let out = reforecast(&path, extra).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rows}: {stderr}");
        assert!(
            stderr.contains(&format!("today.csv{line}")),
            "{rows}: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    let high = data("reforecast/actuals_high.csv");
    for (flag, value) in
        [("--deflect", "1.5"), ("--now", "midi"), ("--partner-notice", "soon")]
    {
        reforecast(&high, &[flag, value])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(flag));
    }
    // Absurd but valid durations: no partner, no panic.
    for flag in ["--partner-notice", "--max-overtime-per-day"] {
        reforecast(&high, &[flag, "99999999999999999h"]).assert().success();
    }
    // A header alone and no --now: nothing says which day it is.
    reforecast(&data("reforecast/actuals_none.csv"), &[])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give --now"));
}

#[test]
fn a_queue_the_plan_does_not_have_is_noted_and_ignored() {
    let rows = "2025-11-28 09:00,commandes,46\n2025-11-28 09:00,chat,50\n";
    let (_tmp, path) = actuals_file(&format!("{HEADER}{rows}"));
    let mut cmd = peakplan();
    cmd.args(["reforecast", "--plan"]).arg(data("reforecast"));
    cmd.arg("--actuals").arg(&path);
    cmd.assert().success().stderr(predicates::str::contains("ignored: chat"));
}

#[test]
fn out_is_written_whole_and_stdout_stays_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("refc.csv");
    let high = data("reforecast/actuals_high.csv");
    let run =
        reforecast(&high, &["--out", out.to_str().unwrap()]).output().unwrap();
    assert!(run.status.success() && run.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("interval_start,queue,remaining,actual,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 33);
    // The same inputs give the same bytes.
    let again = stdout_of(&mut reforecast(&high, &["--format", "csv"]));
    assert_eq!(again, text);
}

#[test]
fn the_table_tells_the_desk_whom_to_call() {
    let high = data("reforecast/actuals_high.csv");
    let text = stdout_of(&mut reforecast(&high, &[]));
    assert!(text.contains("Re-forecast of 2025-11-28 at 12:00"), "{text}");
    assert!(
        text.contains("call Atlas for 3 more agents from 15:00"),
        "{text}"
    );
}

#[test]
fn partner_agents_come_only_within_the_partners_hours() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(data("reforecast/scenario.toml")).unwrap();
    let text = text.replace(
        "notice_weeks = 2",
        "notice_weeks = 2\nhours = \"08:00-16:00\"",
    );
    assert!(text.contains("hours = \"08:00-16:00\""));
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, text).unwrap();
    let high = data("reforecast/actuals_high.csv");
    let scenario = scenario.to_str().unwrap();
    let text = stdout_of(&mut reforecast(&high, &["--scenario", scenario]));
    // The partner is asked from 15:00, and no later than its 16:00 close.
    assert!(
        text.contains("call Atlas for 3 more agents from 15:00"),
        "{text}"
    );
    assert!(text.contains("to 16:00"), "{text}");
    let v = json("actuals_high.csv", &["--scenario", scenario]);
    for a in v["actions"].as_array().unwrap() {
        if a["kind"] == "partner" {
            let to = a["to"].as_str().unwrap();
            assert!(&to[11..16] <= "16:00", "{a}");
        }
    }
}

/// The test plan folder grown to Black Friday's window: the same day's
/// intervals again on Saturday 29 November and Cyber Monday 1 December
/// (Sunday closed), in a temporary folder.
fn window_plan() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src =
        |f: &str| std::fs::read_to_string(data(&format!("reforecast/{f}")));
    let intervals = src("intervals.csv").unwrap();
    let mut text = intervals.clone();
    for day in ["2025-11-29T", "2025-12-01T"] {
        for line in intervals.lines().skip(1) {
            text.push_str(&line.replace("2025-11-28T", day));
            text.push('\n');
        }
    }
    std::fs::write(dir.join("intervals.csv"), text).unwrap();
    std::fs::write(dir.join("shifts.csv"), src("shifts.csv").unwrap())
        .unwrap();
    let scenario = src("scenario.toml")
        .unwrap()
        .replace("to = \"2025-11-28\"", "to = \"2025-12-01\"");
    assert!(scenario.contains("to = \"2025-12-01\""));
    std::fs::write(dir.join("scenario.toml"), scenario).unwrap();
    let summary = serde_json::json!({
        "scenario": dir.join("scenario.toml"),
        "as_of": "2025-10-01",
    });
    std::fs::write(dir.join("summary.json"), summary.to_string()).unwrap();
    tmp
}

fn run_json(plan: &std::path::Path, actuals: &str, extra: &[&str]) -> Value {
    let mut cmd = peakplan();
    cmd.args(["reforecast", "--plan"]).arg(plan);
    cmd.arg("--actuals").arg(data(&format!("reforecast/{actuals}")));
    cmd.args(["--format", "json", "--quiet"]).args(extra);
    serde_json::from_str(&stdout_of(&mut cmd)).unwrap()
}

#[test]
fn the_next_days_of_the_window_carry_half_the_level_error_per_open_day() {
    let plan = window_plan();
    let v = run_json(plan.path(), "actuals_high.csv", &[]);
    let next = v["next_days"].as_array().unwrap();
    // Saturday (1 open day ahead) and Cyber Monday (2) for both queues.
    let days: Vec<(&str, &str, f64)> = next
        .iter()
        .map(|d| {
            let q = d["queue"].as_str().unwrap();
            (q, d["date"].as_str().unwrap(), num(d, "days_ahead"))
        })
        .collect();
    assert_eq!(
        days,
        [
            ("commandes", "2025-11-29", 1.0),
            ("commandes", "2025-12-01", 2.0),
            ("sav", "2025-11-29", 1.0),
            ("sav", "2025-12-01", 2.0),
        ]
    );
    for d in next {
        let q = v["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["queue"] == d["queue"])
            .unwrap();
        let carry = 0.5f64.powf(num(d, "days_ahead"));
        assert!((num(d, "carry") - carry).abs() < 1e-12);
        let level = 1.0 + carry * (num(q, "level") - 1.0);
        assert!((num(d, "level") - level).abs() < 1e-12, "{d}");
        assert!(num(d, "level") > 1.0);
        let intervals = d["intervals"].as_array().unwrap();
        assert_eq!(intervals.len(), 16);
        for i in intervals {
            let want = level * num(i, "plan_forecast");
            assert!((num(i, "forecast") - want).abs() < 1e-9, "{i}");
            assert!(num(i, "p10") <= num(i, "forecast"));
            assert!(num(i, "forecast") <= num(i, "p90"));
        }
        let total: f64 = intervals.iter().map(|i| num(i, "forecast")).sum();
        assert!((num(d, "forecast_total") - total).abs() < 1e-6);
    }
    // Nothing seen yet: the next days are the plan's.
    let none = run_json(
        plan.path(),
        "actuals_none.csv",
        &["--now", "2025-11-28 09:00"],
    );
    let none_next = none["next_days"].as_array().unwrap();
    assert_eq!(none_next.len(), 4, "the same four days: {none_next:?}");
    for d in none_next {
        assert_eq!(num(d, "level"), 1.0, "{d}");
        for i in d["intervals"].as_array().unwrap() {
            assert_eq!(num(i, "forecast"), num(i, "plan_forecast"));
            assert_eq!(num(i, "p90"), num(i, "plan_p90"));
        }
    }
}

#[test]
fn the_next_days_are_in_the_csv_and_the_table() {
    let plan = window_plan();
    let mut cmd = peakplan();
    cmd.args(["reforecast", "--plan"]).arg(plan.path());
    cmd.arg("--actuals").arg(data("reforecast/actuals_high.csv"));
    let csv = stdout_of(cmd.args(["--format", "csv", "--quiet"]));
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",service_level_after,day_offset"), "{header}");
    let offsets: Vec<&str> =
        csv.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
    let count = |o: &str| offsets.iter().filter(|x| **x == o).count();
    assert_eq!((count("0"), count("1"), count("3")), (32, 32, 32));
    let mut cmd = peakplan();
    cmd.args(["reforecast", "--plan"]).arg(plan.path());
    cmd.arg("--actuals").arg(data("reforecast/actuals_high.csv"));
    let table = stdout_of(cmd.arg("--quiet"));
    assert!(table.contains("Next days of the event window"), "{table}");
    assert!(table.contains("2025-12-01"), "{table}");
}

/// A history holding Black Friday 2024 at five times the plan, each
/// interval also multiplied by `by(hour)`, in `dir`.
fn black_friday_history(
    dir: &std::path::Path,
    by: impl Fn(&str) -> f64,
) -> PathBuf {
    let plan =
        std::fs::read_to_string(data("reforecast/intervals.csv")).unwrap();
    let mut text = String::from("interval_start,queue,volume\n");
    for line in plan.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let mean: f64 = f[2].parse().unwrap();
        let v = 5.0 * mean * by(&f[0][11..13]);
        let start = f[0].replace("2025-11-28T", "2024-11-29T");
        text.push_str(&format!("{start},{},{v:.0}\n", f[1]));
    }
    let path = dir.join("history.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// The plan's shape but 50 % more before noon.
fn sharp_black_friday_history(dir: &std::path::Path) -> PathBuf {
    black_friday_history(dir, |hour| if hour < "12" { 1.5 } else { 1.0 })
}

#[test]
fn past_event_days_reshape_the_morning_before_the_level_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let history = sharp_black_friday_history(tmp.path());
    let h = history.to_str().unwrap();
    let level_only = json("actuals_high.csv", &[]);
    let shaped = json("actuals_high.csv", &["--history", h]);
    let notes = |v: &Value| v["notes"].to_string();
    assert!(notes(&level_only).contains("no history was read"));
    assert!(notes(&shaped).contains("history.csv"), "{}", notes(&shaped));
    for (a, b) in level_only["queues"]
        .as_array()
        .unwrap()
        .iter()
        .zip(shaped["queues"].as_array().unwrap())
    {
        assert!(a["shape"].is_null());
        let s = &b["shape"];
        assert!(num(s, "share_past") > num(s, "share_plan") + 0.05, "{s}");
        assert!(num(s, "weight") > 0.9, "{s}");
        assert!(num(s, "factor_before") > 1.0 && num(s, "factor_after") < 1.0);
        // Within each part the past day has the plan's profile exactly:
        // nothing to re-weight there.
        assert_eq!(num(s, "profile_weight_before"), 0.0, "{s}");
        assert_eq!(num(s, "profile_weight_after"), 0.0, "{s}");
        // A heavy morning is partly the event's shape: the day's level
        // and the afternoon move less than when it is all level.
        assert!(num(b, "level") < num(a, "level"), "{a} {b}");
        assert!(num(b, "rest_forecast") < num(a, "rest_forecast"));
    }
    // An explicit history that is not there is an input error.
    let missing = tmp.path().join("nope.csv");
    let mut cmd = reforecast(&data("reforecast/actuals_high.csv"), &[]);
    cmd.arg("--history").arg(&missing);
    cmd.assert().code(2).stderr(predicates::str::contains("nope.csv"));
}

/// The plan's shape with its 15:00–17:00 contacts doubled.
fn late_black_friday_history(dir: &std::path::Path) -> PathBuf {
    black_friday_history(dir, |hour| {
        if ("15".."17").contains(&hour) { 2.0 } else { 1.0 }
    })
}

/// Share of the remaining forecast in 15:00–17:00, by `key`.
fn late_share(v: &Value, queue: &str, key: &str) -> f64 {
    let rest = remaining(v, queue);
    let all: f64 = rest.iter().map(|i| num(i, key)).sum();
    let late: f64 = rest
        .iter()
        .filter(|i| ("15".."17").contains(&&time(i)[..2]))
        .map(|i| num(i, key))
        .sum();
    late / all
}

#[test]
fn past_event_days_reshape_the_afternoon_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let history = late_black_friday_history(tmp.path());
    let h = history.to_str().unwrap();
    let v = json("actuals_on_forecast.csv", &["--history", h]);
    for q in v["queues"].as_array().unwrap() {
        let s = &q["shape"];
        let name = q["queue"].as_str().unwrap();
        // Far beyond its noise: the past day's afternoon profile is
        // trusted almost whole, and the rest of the day leans late.
        assert!(num(s, "profile_weight_after") > 0.9, "{s}");
        let (plan, now) = (
            late_share(&v, name, "plan_forecast"),
            late_share(&v, name, "forecast"),
        );
        assert!(now > plan + 0.05, "{name}: {plan} -> {now}");
        // The morning came exactly on the plan's split: the level holds
        // within what the reshaped split moved.
        for i in remaining(&v, name) {
            assert!(num(&i, "p10") <= num(&i, "forecast"), "{i}");
            assert!(num(&i, "forecast") <= num(&i, "p90"), "{i}");
        }
    }
}
