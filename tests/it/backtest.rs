//! `peakplan backtest` on the small fixtures in `tests/data/`.

use predicates::prelude::*;

use crate::util::{data, peakplan};

fn backtest(extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.arg("backtest")
        .arg("--history")
        .arg(data("forecast_history.csv"))
        .arg("--events")
        .arg(data("forecast_events.csv"))
        .args(["--calendar", "none", "--interval", "60m", "--no-config"])
        .args(extra);
    cmd
}

#[test]
fn table_compares_peakplan_with_the_baselines() {
    let out =
        backtest(&["--horizon", "14d", "--origins", "3"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("window 1: 2024-12-21 .. 2025-01-03\n"),
        "{text}"
    );
    assert!(text.contains("window 3: 2025-01-18 .. 2025-01-31"), "{text}");
    for word in [
        "peakplan",
        "last_week",
        "wape (%)",
        "p10-p90 cover (%)",
        "event_days",
    ] {
        assert!(text.contains(word), "{word}: {text}");
    }
}

#[test]
fn csv_and_json_carry_every_metric() {
    let out =
        backtest(&["--origins", "2", "--format", "csv"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "queue,scope,method,intervals,volume,wape,wape_daily,mase,bias,\
             coverage_p10_p90,noise_floor"
        )
    );
    let peak = lines.find(|l| l.starts_with("all,all,peakplan,")).unwrap();
    let wape: f64 = peak.split(',').nth(5).unwrap().parse().unwrap();
    assert!(wape > 0.0 && wape < 0.5, "{peak}");
    let out =
        backtest(&["--origins", "2", "--format", "json", "--queue", "sav"])
            .assert()
            .success();
    let v: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["windows"].as_array().unwrap().len(), 2);
    let m = &v["metrics"][0];
    assert_eq!(
        (m["queue"].as_str(), m["method"].as_str()),
        (Some("all"), Some("peakplan"))
    );
    assert!(m["coverage"].as_f64().is_some());
}

#[test]
fn impossible_origins_and_bad_horizons_exit_2() {
    backtest(&["--horizon", "28d", "--origins", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--origins 5 --horizon 28d"));
    backtest(&["--horizon", "12h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("whole days"));
    backtest(&["--origins", "0"]).assert().code(2);
}

#[test]
fn chart_draws_each_window_against_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("b.svg");
    let out = dir.path().join("b.json");
    backtest(&["--origins", "2", "--out"])
        .arg(&out)
        .arg("--chart")
        .arg(&svg)
        .assert()
        .success()
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["windows"].as_array().map(Vec::len), Some(2));
    assert!(v.get("days").is_none(), "chart rows leaked into the JSON");
    let chart = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&chart).expect("well-formed SVG");
    let texts: Vec<&str> =
        doc.descendants().filter_map(|n| n.text()).collect();
    for word in ["commandes", "sav", "last_week", "WAPE forecast"] {
        assert!(texts.iter().any(|t| t.contains(word)), "{word}: {texts:?}");
    }
}
