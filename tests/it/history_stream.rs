//! The history reader streams: long lines are input errors, and what it
//! reports does not depend on the order of the rows, whatever the cells
//! it had to lay out again on the way.

use std::path::Path;

use crate::util::{data, peakplan, stdout_of};

fn validate(path: &Path, extra: &[&str]) -> String {
    let mut cmd = peakplan();
    cmd.args(["--no-config", "validate", "--format", "json", "--history"])
        .arg(path)
        .args(extra);
    stdout_of(&mut cmd)
}

/// The message of `peakplan CMD --history PATH`, which must exit 2.
fn refused(cmd: &[&str], path: &Path) -> String {
    let out = peakplan()
        .arg("--no-config")
        .args(cmd)
        .arg("--history")
        .arg(path)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

fn forecast(path: &Path) -> String {
    let mut cmd = peakplan();
    cmd.args(["--no-config", "forecast", "--calendar", "none"])
        .args(["--format", "csv", "--interval", "60m", "--history"])
        .arg(path)
        .args(["--from", "2025-04-14", "--to", "2025-04-15"]);
    stdout_of(&mut cmd)
}

/// `history_good.csv` with its rows reversed, and with the hourly rows
/// first (the reader sees an hourly file, then a half-hourly one).
fn reordered(dir: &Path) -> [std::path::PathBuf; 2] {
    let text = std::fs::read_to_string(data("history_good.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    let reversed: Vec<&str> = rows.iter().rev().copied().collect();
    let (hourly, half): (Vec<&str>, Vec<&str>) =
        rows.iter().partition(|l| l.contains(":00:00,"));
    assert!(!hourly.is_empty() && !half.is_empty());
    let hourly_first: Vec<&str> = hourly.into_iter().chain(half).collect();
    let write = |name: &str, rows: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n")))
            .unwrap();
        path
    };
    [
        write("reversed.csv", &reversed),
        write("hourly_first.csv", &hourly_first),
    ]
}

/// The line numbers (and the file's name) differ; everything else must
/// not.
fn without_lines(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut v = v;
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("line");
                map.remove("file");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(strip)
            }
            _ => {}
        }
    }
    strip(&mut v);
    v.to_string()
}

#[test]
fn row_order_changes_only_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let want = validate(&data("history_good.csv"), &[]);
    let want_forecast = forecast(&data("history_good.csv"));
    for path in reordered(dir.path()) {
        let got = validate(&path, &[]);
        assert_eq!(without_lines(&got), without_lines(&want), "{path:?}");
        assert_eq!(forecast(&path), want_forecast, "{path:?}");
    }
}

#[test]
fn repeats_far_apart_in_the_file_are_found_and_summed() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data("history_good.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let repeated = lines[2];
    let last = lines.len() + 1;
    lines.push(repeated);
    let path = dir.path().join("h.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = refused(&["validate"], &path);
    assert!(err.contains(&format!("h.csv:{last}: queue ")), "{err}");
    assert!(err.contains("first on line 3 (use --duplicates sum"), "{err}");
    let json = validate(&path, &["--duplicates", "sum"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let dup = &v["history"]["duplicates"]["items"][0];
    assert_eq!(dup["first_line"], 3, "{json}");
    assert_eq!(dup["line"], last as u64, "{json}");
}

#[test]
fn a_megabyte_line_is_an_input_error_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.csv");
    let head = "interval_start,queue,volume\n2025-01-06 09:00,sav,1\n";
    let cases = [
        // One field of a megabyte.
        (
            format!("2025-01-06 09:30,{},1\n", "q".repeat(1 << 20)),
            "h.csv:3: expected a line of at most",
        ),
        // A megabyte of short fields.
        (
            format!("2025-01-06 09:30,sav,1{}\n", ",1".repeat(500_000)),
            "h.csv:3: expected 3 fields like the header",
        ),
        // A field of 100 KB on a line the reader accepts.
        (
            format!("2025-01-06 09:30,{},1\n", "q".repeat(100_000)),
            "h.csv:3: column \"queue\": expected a field of at most",
        ),
    ];
    for (row, want) in cases {
        std::fs::write(&path, format!("{head}{row}2025-01-06 10:00,sav,1\n"))
            .unwrap();
        for cmd in [
            &["validate"][..],
            &["forecast", "--from", "2025-02-01", "--to", "2025-02-02"],
        ] {
            let err = refused(cmd, &path);
            assert!(err.contains(want), "{cmd:?}: {err}");
            assert!(err.len() < 400, "{} bytes", err.len());
        }
    }
}

#[test]
fn dev_zero_through_a_pipe_stops_forecast_too() {
    let zeros = std::fs::File::open("/dev/zero").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_peakplan"))
        .args(["--no-config", "forecast", "--history", "-"])
        .args(["--from", "2025-02-01", "--to", "2025-02-02"])
        .stdin(zeros)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-:1: expected a line of at most"), "{err}");
    assert!(out.stdout.is_empty());
}
