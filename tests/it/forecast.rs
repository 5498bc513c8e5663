//! `peakplan forecast` on the small fixtures in `tests/data/`.

use predicates::prelude::*;

use crate::util::{data, peakplan};

fn forecast(extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.arg("forecast")
        .arg("--history")
        .arg(data("forecast_history.csv"))
        .arg("--events")
        .arg(data("forecast_events.csv"))
        .arg("--no-config");
    for (flag, default) in [("--calendar", "none"), ("--interval", "60m")] {
        if !extra.contains(&flag) {
            cmd.args([flag, default]);
        }
    }
    cmd.args(extra);
    cmd
}

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8 output")
}

#[test]
fn csv_has_the_contract_columns_open_slots_only_and_is_deterministic() {
    let args =
        ["--from", "2025-02-03", "--to", "2025-02-16", "--format", "csv"];
    let text = stdout(&mut forecast(&args));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("interval_start,queue,forecast,p10,p50,p90,aht_s,events")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Twelve open days (no Sunday) × nine hours × two queues.
    assert_eq!(rows.len(), 12 * 9 * 2);
    for r in &rows {
        assert_eq!(r.len(), 8, "{r:?}");
        assert!(r[0].ends_with("+01:00"), "{r:?}");
        let hour: u32 = r[0][11..13].parse().unwrap();
        assert!((9..18).contains(&hour), "closed hour forecast: {r:?}");
        assert!(!r[0].starts_with("2025-02-09"), "a Sunday: {r:?}");
        let v: Vec<f64> = r[2..6].iter().map(|x| x.parse().unwrap()).collect();
        assert!(v.iter().all(|x| x.is_finite() && *x >= 0.0), "{r:?}");
        assert!(v[1] <= v[3], "{r:?}");
        let launch = r[1] == "sav" && r[0].starts_with("2025-02-11");
        assert_eq!(r[7], if launch { "Appli v3" } else { "" }, "{r:?}");
    }
    assert_eq!(text, stdout(&mut forecast(&args)), "not deterministic");
}

#[test]
fn queue_filter_table_json_and_french_dialect() {
    let one = ["--from", "2025-02-03", "--to", "2025-02-04", "--queue", "sav"];
    let csv =
        stdout(&mut forecast(&[&one[..], &["--format", "csv"]].concat()));
    assert!(csv.lines().skip(1).all(|l| l.contains(",sav,")));
    let table = stdout(&mut forecast(&one));
    assert!(table.starts_with("date "), "{table}");
    assert!(table.contains("2025-02-04  Tue  sav"), "{table}");
    let json =
        stdout(&mut forecast(&[&one[..], &["--format", "json"]].concat()));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["tz"], "Europe/Paris");
    assert_eq!(v["days"].as_array().unwrap().len(), 2);
    assert_eq!(v["intervals"].as_array().unwrap().len(), 18);
    let fr = stdout(
        forecast(&[&one[..], &["--format", "csv"]].concat())
            .args(["--csv-dialect", "fr"]),
    );
    assert!(fr.starts_with("\u{feff}interval_start;queue;forecast;"), "{fr}");
}

#[test]
fn out_writes_the_file_and_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.csv");
    forecast(&[
        "--from",
        "2025-02-03",
        "--to",
        "2025-02-03",
        "--format",
        "csv",
        "--out",
    ])
    .arg(&path)
    .assert()
    .success()
    .stdout("");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1 + 9 * 2);
}

#[test]
fn the_built_in_calendar_keeps_closures_closed() {
    // 2025-05-01 (Fête du Travail) and 2025-05-08 are closures in the
    // built-in calendar; the fixture has Toussaint, Noël and the Jour de
    // l'an closed, so unseen closures are forecast closed too.
    let text = stdout(&mut forecast(&[
        "--from",
        "2025-04-28",
        "--to",
        "2025-05-10",
        "--format",
        "csv",
        "--calendar",
        "fr",
    ]));
    assert!(!text.contains("2025-05-01T"), "1 May forecast open");
    assert!(!text.contains("2025-05-08T"));
    assert!(text.contains("2025-05-02T09:00:00+02:00,commandes"));
}

#[test]
fn bad_flags_exit_2_with_a_clear_message() {
    forecast(&["--from", "2025-03-01", "--to", "2025-02-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--from 2025-03-01 is after --to 2025-02-01",
        ));
    forecast(&[
        "--from",
        "2025-02-03",
        "--to",
        "2025-02-04",
        "--queue",
        "retours",
    ])
    .assert()
    .code(2)
    .stderr(
        predicate::str::contains("\"retours\"")
            .and(predicate::str::contains("commandes, sav")),
    );
    forecast(&[
        "--from",
        "2025-02-03",
        "--to",
        "2025-02-04",
        "--interval",
        "20m",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("20m"));
    forecast(&["--from", "2025-02-30", "--to", "2025-03-04"]).assert().code(2);
    forecast(&[
        "--from",
        "2025-02-03",
        "--to",
        "2025-02-04",
        "--window",
        "launch=3..5",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("--window"));
    peakplan()
        .args([
            "forecast",
            "--history",
            "no-such-file.csv",
            "--from",
            "2025-02-03",
        ])
        .args(["--to", "2025-02-04", "--no-config"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.csv"));
}

#[test]
fn chart_and_out_are_written_together() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, svg) = (dir.path().join("f.csv"), dir.path().join("f.svg"));
    // The .csv extension picks CSV when --format is not given.
    forecast(&["--from", "2025-01-27", "--to", "2025-02-09", "--out"])
        .arg(&csv)
        .arg("--chart")
        .arg(&svg)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("interval_start,queue,forecast,"), "{text}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg"), "{chart}");
    let doc = roxmltree::Document::parse(&chart).expect("well-formed SVG");
    let texts: Vec<&str> =
        doc.descendants().filter_map(|n| n.text()).collect();
    for word in ["commandes", "sav", "contacts per day", "actual"] {
        assert!(texts.iter().any(|t| t.contains(word)), "{word}");
    }
    // One day's intervals instead.
    let day = dir.path().join("day.svg");
    forecast(&["--from", "2025-02-03", "--to", "2025-02-16"])
        .arg("--chart")
        .arg(&day)
        .args(["--chart-day", "2025-02-11"])
        .assert()
        .success();
    let chart = std::fs::read_to_string(&day).unwrap();
    assert!(chart.contains("2025-02-11") && chart.contains("Appli v3"));
}

#[test]
fn chart_day_outside_the_range_or_without_chart_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("f.svg");
    forecast(&["--from", "2025-02-03", "--to", "2025-02-16"])
        .arg("--chart")
        .arg(&svg)
        .args(["--chart-day", "2025-03-01"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--chart-day 2025-03-01"));
    forecast(&["--from", "2025-02-03", "--to", "2025-02-16"])
        .args(["--chart-day", "2025-02-11"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--chart"));
    assert!(!svg.exists());
}

#[test]
fn a_window_for_an_unknown_event_is_an_error_with_a_suggestion() {
    let range = ["--from", "2025-02-03", "--to", "2025-02-09"];
    let with = |spec: &str| {
        let mut cmd = forecast(&["--calendar", "fr", "--window", spec]);
        cmd.args(range);
        cmd
    };
    with("Noel=-28..10").assert().success();
    with("Noël=-28..10").assert().success();
    with("Noëll=-28..10").assert().code(2).stderr(predicate::str::contains(
        "event window: no event is named \"Noëll\" in the calendar \
             (did you mean \"Noël\"?)",
    ));
    with("black_fridy=-3..14")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"black_friday\"?"));
}
