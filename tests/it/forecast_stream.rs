//! `forecast` fits each queue from what the history reader stored, laying
//! out one queue at a time; with `--chart` it keeps the whole history for
//! the chart. Both ways must give the very same forecast, messages and
//! errors.

use std::path::Path;

use crate::util::peakplan;

/// Exit code, stdout and stderr of a `peakplan --no-config -v forecast`
/// run on the bundled data, with the timings taken out of stderr.
fn run(extra: &[&str], chart: Option<&Path>) -> (i32, String, String) {
    let mut cmd = peakplan();
    cmd.args(["--no-config", "-v", "forecast", "--format", "csv"])
        .args(["--history", "data/history.csv", "--events", "data/events.csv"])
        .args(["--from", "2025-10-27", "--to", "2025-11-02"])
        .args(extra);
    if let Some(path) = chart {
        cmd.arg("--chart").arg(path);
    }
    let out = cmd.output().expect("peakplan runs");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    // The chart run also says it wrote the chart.
    let untimed: Vec<String> = stderr
        .lines()
        .filter(|l| !l.starts_with("wrote "))
        .map(|l| match l.rfind(" (") {
            Some(i) if l.ends_with("s)") => l[..i].to_string(),
            _ => l.to_string(),
        })
        .collect();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        untimed.join("\n"),
    )
}

#[test]
fn queue_by_queue_fit_equals_the_whole_history_fit() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("f.svg");
    for extra in [&[][..], &["--queue", "sav"], &["--interval", "60m"]] {
        let streamed = run(extra, None);
        let whole = run(extra, Some(&chart));
        assert_eq!(streamed.0, 0, "{extra:?}: {}", streamed.2);
        assert!(streamed.1.lines().count() > 20, "{extra:?}: {}", streamed.1);
        assert_eq!(streamed, whole, "{extra:?}");
        assert!(
            streamed.2.contains("read data/history.csv: 57348 intervals")
                || extra.contains(&"60m"),
            "{}",
            streamed.2
        );
    }
}

#[test]
fn an_unknown_queue_is_the_same_usage_error() {
    let streamed = run(&["--queue", "nope"], None);
    assert_eq!(streamed.0, 2);
    assert!(
        streamed
            .2
            .contains("--queue \"nope\": no such queue in data/history.csv"),
        "{}",
        streamed.2
    );
}

#[test]
fn a_history_without_contacts_is_refused_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zero.csv");
    let mut csv = String::from("interval_start,queue,volume\n");
    for day in 1..=9 {
        for q in ["a", "b"] {
            csv.push_str(&format!("2025-09-{day:02} 09:00,{q},0\n"));
            csv.push_str(&format!("2025-09-{day:02} 09:30,{q},0\n"));
        }
    }
    std::fs::write(&path, csv).unwrap();
    for chart in [None, Some(dir.path().join("f.svg"))] {
        let out = peakplan()
            .args(["--no-config", "forecast", "--history"])
            .arg(&path)
            .args(["--from", "2025-09-10", "--to", "2025-09-11"])
            .args(
                chart.iter().flat_map(|c| ["--chart".as_ref(), c.as_os_str()]),
            )
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("no contacts at all"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}
