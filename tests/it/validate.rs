//! `peakplan validate`: the summary a planner reads before planning.

use predicates::prelude::*;

use crate::util::{data, peakplan};

fn good(extra: &[&str]) -> assert_cmd::assert::Assert {
    peakplan()
        .args(["validate", "--history"])
        .arg(data("history_good.csv"))
        .args(extra)
        .assert()
}

#[test]
fn summarises_a_good_file() {
    let out = good(&[]).success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for want in [
        "zone          Europe/Paris\n",
        "span          2025-03-17 to 2025-04-11 (26 days)\n",
        "rows          226\n",
        "intervals     30m\n",
        "queues        2: commandes, sav\n",
        "DST days      2025-03-30 (23 h, no rows)\n",
        "queue commandes\n",
        "days: 18 open, 1 at zero, 7 closed (no rows)",
        "  Mon         4     4  09:00       11:30",
        "  Sat         3     0  -           -",
        "closed on a usually open weekday: 1: 2025-04-01\n",
        "at zero on a usually open weekday: 1: 2025-03-21\n",
        "queue sav\n",
        "gaps inside opening hours: 2 missing intervals in 1 run\n",
        "2025-03-19 10:00-11:00 (2 intervals)",
        "spikes above 5x the median of the same weekday and time: 1",
        "2025-04-07T10:00:00+02:00  90 (median 16.5), line 176",
        "verdict: usable\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn json_has_stable_keys_and_is_deterministic() {
    let run =
        || good(&["--format", "json"]).success().get_output().stdout.clone();
    let first = run();
    assert_eq!(first, run());
    let json: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(json["usable"], true);
    let h = &json["history"];
    let keys: Vec<&str> =
        h.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "file",
        "tz",
        "rows",
        "source_interval_min",
        "interval_min",
        "first_date",
        "last_date",
        "days",
        "total_volume",
        "queues",
        "dst_days",
        "ambiguous_rows",
        "duplicates",
        "usable",
        "problems",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    let sav = &h["queues"][1];
    assert_eq!(sav["name"], "sav");
    assert_eq!(sav["gaps"]["total"], 1);
    assert_eq!(sav["gaps"]["items"][0]["from"], "10:00");
    assert_eq!(sav["spikes"]["items"][0]["line"], 176);
    assert_eq!(sav["hours"][0]["weekday"], "Mon");
    assert_eq!(h["queues"][0]["closed_days"]["items"][0], "2025-04-01");
    assert_eq!(json["events"], serde_json::json!([]));
}

#[test]
fn aggregates_on_request() {
    good(&["--interval", "1h"]).success().stdout(predicate::str::contains(
        "intervals     30m in the file, summarised at 60m",
    ));
    good(&["--interval", "15m"])
        .code(2)
        .stderr(predicate::str::contains("--interval 15m does not fit"));
    good(&["--interval", "20m"]).code(2);
}

#[test]
fn a_file_without_contacts_is_not_usable() {
    peakplan()
        .args(["validate", "--history"])
        .arg(data("history_zero.csv"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("verdict: NOT usable"))
        .stderr(predicate::str::contains(
            "history_zero.csv: cannot be planned from: every volume is zero",
        ));
}

#[test]
fn bad_flags_are_usage_errors() {
    good(&["--tz", "Paris"])
        .code(2)
        .stderr(predicate::str::contains("Europe/Paris"));
    good(&["--format", "csv"]).code(2);
    good(&["--duplicates", "keep"]).code(2);
}

#[test]
fn summarises_events_files() {
    good(&["--events", "tests/data/events_company.csv"]).success().stdout(
        predicate::str::contains(
            "events tests/data/events_company.csv: 5 events, 2026-01-01 to \
             2026-12-31, 0 overlap the history\n  \
             sale 1, launch 1, software_update 1, closure 1, drop 1\n",
        ),
    );
    let out = good(&[
        "--format",
        "json",
        "--events",
        "tests/data/events_company.csv",
    ])
    .success()
    .get_output()
    .stdout
    .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["events"][0]["count"], 5);
    assert_eq!(json["events"][0]["kinds"][0]["kind"], "sale");
    assert_eq!(json["events"][0]["first_date"], "2026-01-01");
}

#[test]
fn a_bad_events_file_fails_with_its_line() {
    good(&["--events", "tests/data/events_bad_kind.csv"])
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("events_bad_kind.csv:3"))
        .stderr(predicate::str::contains("panicked").not());
}
