//! `peakplan simulate`: plan folders in both formats, made by hand and by
//! `peakplan plan`; determinism; every bad input named; atomic outputs.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::util::{data, files_in, peakplan, stdout_of};

/// `peakplan simulate --plan DIR --runs RUNS` and `extra`.
fn simulate(dir: &Path, runs: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.arg("simulate").arg("--plan").arg(dir).args(["--runs", runs]);
    cmd.args(extra);
    cmd
}

/// A copy of a fixture folder in a temporary folder, with `edit` applied
/// to one of its files.
fn edited(
    fixture: &str,
    file: &str,
    edit: impl Fn(&str) -> String,
) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plan");
    std::fs::create_dir(&dir).unwrap();
    for name in files_in(&data(fixture)) {
        let text = std::fs::read_to_string(data(fixture).join(&name)).unwrap();
        let text = if name == file { edit(&text) } else { text };
        std::fs::write(dir.join(&name), text).unwrap();
    }
    (tmp, dir)
}

fn scenario_arg() -> [String; 2] {
    let path = data("plan_shifts/scenario.toml");
    ["--scenario".into(), path.display().to_string()]
}

fn days_json(stdout: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["days"].as_array().unwrap().clone()
}

#[test]
fn the_table_puts_event_days_first_and_flags_them() {
    let text = stdout_of(&mut simulate(&data("plan_shifts"), "200", &[]));
    assert!(text.contains("staff from shifts.csv"), "{text}");
    let event = text.find("Event days").unwrap();
    let other = text.find("Other days").unwrap();
    let bf = text.find("Black Friday").unwrap();
    assert!(event < bf && bf < other, "{text}");
    // The hand-written Black Friday is understaffed on sav all morning.
    let sav_bf = text.lines().find(|l| l.contains("2025-11-28  sav")).unwrap();
    assert!(sav_bf.contains("09:00–12:00"), "{sav_bf}");
}

#[test]
fn json_days_carry_the_figures_and_the_partner_takes_overflow() {
    let out = stdout_of(&mut simulate(
        &data("plan_shifts"),
        "100",
        &["--format", "json"],
    ));
    let days = days_json(&out);
    assert_eq!(days.len(), 4);
    for d in &days {
        for key in ["sl_mean", "sl_p10", "sl_p50", "sl_p90", "p_meet_target"] {
            assert!(d[key].is_number(), "{key} in {d}");
        }
        let (p10, p90) = (d["sl_p10"].as_f64(), d["sl_p90"].as_f64());
        assert!(p10 <= p90);
    }
    let commandes = days.iter().find(|d| d["queue"] == "commandes").unwrap();
    // Level 1 with partner shifts: some contacts go to the partner.
    assert!(commandes["overflow_share"].as_f64().unwrap() > 0.0);
    // Patience in the scenario: some callers hang up.
    assert!(commandes["abandon_rate"].as_f64().unwrap() > 0.0);
    let sav = days.iter().find(|d| d["queue"] == "sav").unwrap();
    assert_eq!(sav["overflow_share"].as_f64(), Some(0.0));
}

#[test]
fn todays_folders_in_the_french_dialect_use_required_agents_with_a_note() {
    // plan_required/summary.json records `scenario.toml`, found beside
    // the folder's files.
    simulate(&data("plan_required"), "50", &[])
        .assert()
        .success()
        .stdout(predicate::str::contains("staff from required agents"))
        .stderr(predicate::str::contains("no shifts.csv"));
}

#[test]
fn a_seed_gives_the_same_bytes_whatever_the_threads() {
    let run = |seed: &str, threads: &str| {
        let mut cmd = simulate(
            &data("plan_shifts"),
            "64",
            &["--seed", seed, "--format", "json"],
        );
        cmd.env("RAYON_NUM_THREADS", threads);
        stdout_of(&mut cmd)
    };
    let one = run("7", "1");
    assert_eq!(one, run("7", "2"));
    assert_eq!(one, run("7", "2"));
    assert_ne!(one, run("8", "2"));
}

#[test]
fn zero_runs_are_refused() {
    simulate(&data("plan_shifts"), "0", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--runs"));
}

#[test]
fn a_missing_folder_or_file_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    simulate(&tmp.path().join("nowhere"), "10", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere"));
    simulate(tmp.path(), "10", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("intervals.csv"));
    // No scenario recorded and none given.
    let (_t, dir) = edited("plan_shifts", "summary.json", |_| "{}".into());
    simulate(&dir, "10", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--scenario"));
}

#[test]
fn malformed_rows_exit_2_with_file_line_and_column() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "intervals.csv",
            "52.00",
            "lots",
            "intervals.csv:4: column \"forecast\"",
        ),
        (
            "intervals.csv",
            "2025-11-27T10:30:00+01:00,commandes",
            "2025-11-27T10:40:00+01:00,commandes",
            "intervals.csv:5: column \"interval_start\"",
        ),
        (
            "shifts.csv",
            "10:00,12:00,4,2.8",
            "10:00,12:00,4,x",
            "shifts.csv:3: column \"on_phone\"",
        ),
        (
            "shifts.csv",
            "11:00,12:00",
            "11h,12:00",
            "shifts.csv:4: column \"start\"",
        ),
    ];
    for (file, from, to, message) in cases {
        let (_t, dir) =
            edited("plan_shifts", file, |t| t.replacen(from, to, 1));
        simulate(&dir, "10", &scenario_arg().each_ref().map(String::as_str))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    let (_t, dir) =
        edited("plan_shifts", "summary.json", |t| t.replace('}', ""));
    simulate(&dir, "10", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("summary.json:"));
}

#[test]
fn out_dir_holds_days_and_intervals_in_their_shapes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sim");
    simulate(&data("plan_shifts"), "40", &["-q", "--out-dir"])
        .arg(&out)
        .assert()
        .success();
    // The set and nothing else: no lock, journal or staging left in it.
    assert_eq!(files_in(&out), ["days.csv", "intervals.csv"]);
    let days = std::fs::read_to_string(out.join("days.csv")).unwrap();
    let mut lines = days.lines();
    assert!(lines.next().unwrap().starts_with(
        "date,queue,events,runs,target_sl,sl_mean,sl_p10,sl_p50,sl_p90,p_meet_target,flagged"
    ));
    assert_eq!(lines.count(), 4);
    let intervals =
        std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let mut lines = intervals.lines();
    assert_eq!(
        lines.next(),
        Some(
            "interval_start,queue,arrivals_mean,sl_mean,sl_p10,sl_p90,p_meet_target,queue_len_mean"
        )
    );
    // 2 queues × 2 days × 6 intervals, each with its offset.
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 24);
    assert!(rows[0].starts_with("2025-11-27T09:00:00+01:00,commandes,"));
}

#[test]
fn csv_on_stdout_is_days_csv_in_either_dialect() {
    let en = stdout_of(&mut simulate(
        &data("plan_shifts"),
        "20",
        &["--format", "csv"],
    ));
    assert!(en.starts_with("date,queue,events,"));
    let fr = stdout_of(&mut simulate(
        &data("plan_shifts"),
        "20",
        &["--format", "csv", "--csv-dialect", "fr"],
    ));
    assert!(fr.starts_with("\u{feff}date;queue;events;"));
}

#[test]
fn outputs_are_one_set_that_lands_whole_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sim");
    let with_chart = |day: &str, chart: &Path, out: Option<&Path>| {
        let mut cmd =
            simulate(&data("plan_shifts"), "20", &["--chart-day", day]);
        cmd.arg("--chart").arg(chart);
        if let Some(dir) = out {
            cmd.arg("--out-dir").arg(dir);
        }
        cmd.assert()
    };
    // The chart cannot be written: the out-dir files do not land either.
    let nowhere = tmp.path().join("no-such-folder").join("bf.svg");
    with_chart("2025-11-28", &nowhere, Some(&out))
        .code(1)
        .stderr(predicate::str::contains("no-such-folder"));
    assert!(!out.join("days.csv").exists());
    // A day that was not simulated: nothing is written either.
    let chart = tmp.path().join("bf.svg");
    with_chart("2025-12-25", &chart, Some(&out))
        .code(2)
        .stderr(predicate::str::contains("2025-12-25"));
    assert!(!out.join("days.csv").exists() && !chart.exists());
    with_chart("2025-11-28", &chart, None).success();
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Black Friday"));
}

#[test]
fn strict_exits_3_when_an_event_day_falls_short() {
    simulate(&data("plan_shifts"), "50", &["--strict"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("2025-11-28 sav"));
    // The ordinary day alone passes, even though it is flagged: --strict
    // judges event days.
    simulate(
        &data("plan_shifts"),
        "50",
        &["--strict", "--days", "2025-11-27..2025-11-27"],
    )
    .assert()
    .success();
}

#[test]
fn actual_volumes_are_replayed() {
    let tmp = tempfile::tempdir().unwrap();
    let actuals = tmp.path().join("actuals.csv");
    let mut text = String::from("interval_start,queue,volume\n");
    for i in 0..6 {
        let (h, m) = (9 + i / 2, if i % 2 == 0 { "00" } else { "30" });
        text.push_str(&format!("2025-11-27T{h:02}:{m}:00+01:00,sav,0\n"));
        text.push_str(&format!(
            "2025-11-27T{h:02}:{m}:00+01:00,commandes,20\n"
        ));
    }
    std::fs::write(&actuals, text).unwrap();
    let run = simulate(
        &data("plan_shifts"),
        "30",
        &["--format", "json", "--actuals"],
    )
    .arg(&actuals)
    .assert()
    .success()
    .stderr(predicate::str::contains(
        "queue commandes: 1 day(s) without actual volumes not played",
    ));
    let days = days_json(&String::from_utf8_lossy(&run.get_output().stdout));
    // Only the day with actuals is played, with exactly its contacts.
    assert_eq!(days.len(), 2);
    let c = days.iter().find(|d| d["queue"] == "commandes").unwrap();
    assert_eq!(c["arrivals_mean"].as_f64(), Some(120.0));
    let s = days.iter().find(|d| d["queue"] == "sav").unwrap();
    assert_eq!(s["arrivals_mean"].as_f64(), Some(0.0));
}

/// One week of forecast for scenario_small.toml, 9:00–13:00, Monday to
/// Saturday, Black Friday at twice the volume.
fn week_forecast(path: &Path) {
    let mut out = String::from("interval_start,queue,forecast,p10,p50,p90\n");
    for day in 24..=30 {
        if day == 30 {
            continue;
        }
        let lift = if day == 28 { 2.0 } else { 1.0 };
        for i in 0..8 {
            let (h, m) = (9 + i / 2, if i % 2 == 0 { "00" } else { "30" });
            for (queue, base) in [("commandes", 60.0), ("sav", 20.0)] {
                let v: f64 = base * lift * (1.0 + 0.1 * f64::from(i));
                let sd = 0.1 * v + v.sqrt();
                out.push_str(&format!(
                    "2025-11-{day}T{h:02}:{m}:00+01:00,{queue},{v:.2},{:.2},{v:.2},{:.2}\n",
                    v - 1.2816 * sd,
                    v + 1.2816 * sd
                ));
            }
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn simulates_a_folder_written_by_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("scenario.toml");
    std::fs::copy(data("scenario_small.toml"), &scenario).unwrap();
    let forecast = tmp.path().join("forecast.csv");
    week_forecast(&forecast);
    let plan = tmp.path().join("plan");
    peakplan()
        .args([
            "plan",
            "--from",
            "2025-11-24",
            "--to",
            "2025-11-30",
            "--scenario",
        ])
        .arg(&scenario)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--out-dir")
        .arg(&plan)
        .assert()
        .success();
    // Days open four hours, shorter than the seven-hour default shift: the
    // team still works them (the shift runs past the close).
    let shifts = std::fs::read_to_string(plan.join("shifts.csv")).unwrap();
    assert!(
        shifts
            .lines()
            .any(|l| l.starts_with("2025-11-28,commandes,in_house,")),
        "{shifts}"
    );
    // summary.json records the scenario as plan was given it (absolute
    // here); the folder is read as plan wrote it today.
    let out =
        stdout_of(&mut simulate(&plan, "40", &["--format", "json", "-q"]));
    let days = days_json(&out);
    assert_eq!(days.len(), 12, "2 queues × 6 open days");
    assert_eq!(days[0]["events"][0], "Black Friday");
    assert_eq!(days[0]["date"], "2025-11-28");
    for d in &days {
        assert!(d["sl_mean"].as_f64().unwrap() > 0.5, "{d}");
    }
}

#[test]
fn redials_come_back_as_new_calls_and_bad_values_are_refused() {
    let arrivals = |extra: &[&str]| {
        let mut args = vec!["--format", "json", "--days", "2025-11-28"];
        args.extend_from_slice(extra);
        let out = stdout_of(&mut simulate(&data("plan_shifts"), "100", &args));
        let days = days_json(&out);
        let c = days.iter().find(|d| d["queue"] == "commandes").unwrap();
        c["arrivals_mean"].as_f64().unwrap()
    };
    // commandes has patience, so callers hang up, and half of them call
    // again five minutes later on average.
    assert!(arrivals(&["--redial", "0.5@5m"]) > arrivals(&[]) + 5.0);
    for bad in ["2@5m", "0.5", "0.5@soon", "--days=2025-12-01..2025-11-01"] {
        let mut cmd = simulate(&data("plan_shifts"), "10", &[]);
        if bad.starts_with("--") {
            cmd.arg(bad);
        } else {
            cmd.args(["--redial", bad]);
        }
        cmd.assert().code(2);
    }
}

#[test]
fn days_csv_in_the_french_dialect_is_stable_for_a_seed() {
    let mut cmd = simulate(
        &data("plan_shifts"),
        "20",
        &["--days", "2025-11-28", "--format", "csv", "--csv-dialect", "fr"],
    );
    crate::peakplan_snapshot!(&mut cmd, @r"
    exit_code: 0
    ----- stdout -----
    [BOM]date;queue;events;runs;target_sl;sl_mean;sl_p10;sl_p50;sl_p90;p_meet_target;flagged;failing_hours;arrivals_mean;abandon_rate;asa_s;longest_wait_mean_s;longest_wait_max_s;occupancy;overflow_share;waiting_at_close_mean
    2025-11-28;commandes;Black Friday;20;0,8;0,6528;0,5015;0,6593;0,79;0,1;true;09:00–12:00;438,85;0,1583;15,7635;192,0386;295,5061;0,8392;0,0935;0,25
    2025-11-28;sav;Black Friday;20;0,8;0,3576;0,0773;0,3495;0,686;0;true;09:00–12:00;89,8;0;561,6812;1521,6149;4318,2775;0,7885;0;6,45
    ----- stderr -----
    ");
}
