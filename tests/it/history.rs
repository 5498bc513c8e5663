//! The history reader through the binary: every accepted layout reads, and
//! every malformed file fails with exit code 2 and a message naming the
//! file and line, never a panic.

use predicates::prelude::*;

use crate::util::{data, peakplan};

fn validate(file: &str) -> assert_cmd::assert::Assert {
    peakplan().args(["validate", "--history"]).arg(data(file)).assert()
}

/// Runs `validate` on a malformed fixture and checks the error.
fn rejects(file: &str, line: u32, message: &str) {
    let out = validate(file).code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let at = format!("{file}:{line}: ");
    assert!(stderr.starts_with("error: "), "{file}: {stderr}");
    assert!(stderr.contains(&at), "{file}: expected {at:?} in {stderr}");
    assert!(
        stderr.contains(message),
        "{file}: expected {message:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{file}: {stderr}");
    assert!(out.stdout.is_empty(), "{file}: no partial output");
}

#[test]
fn malformed_files_name_file_and_line() {
    rejects(
        "history_bad_volume.csv",
        3,
        "column \"volume\": expected a non-negative number, found \"douze\"",
    );
    rejects(
        "history_bad_dst_gap.csv",
        4,
        "column \"interval_start\": expected a local time that exists in \
         Europe/Paris",
    );
    rejects(
        "history_bad_duplicate.csv",
        5,
        "queue \"sav\" interval 2025-03-24T09:30:00+01:00 appears twice, \
         first on line 3 (use --duplicates sum to add them)",
    );
    rejects(
        "history_bad_fields.csv",
        3,
        "expected 3 fields like the header, found 4",
    );
    rejects(
        "history_bad_offgrid.csv",
        5,
        "expected a time on this file's 30-minute grid (detected from the \
         rows' spacing), found \"2025-03-24 10:10:00\"",
    );
    rejects("history_bad_header.csv", 1, "expected a column named \"volume\"");
    rejects("history_bad_timestamp.csv", 3, "found \"03/24/2025 09:30\"");
    rejects("history_bad_nan.csv", 3, "found \"NaN\"");
}

#[test]
fn duplicates_can_be_summed() {
    peakplan()
        .args(["validate", "--duplicates", "sum", "--history"])
        .arg(data("history_bad_duplicate.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "duplicates    1 row added to an earlier row",
        ))
        .stdout(predicate::str::contains(
            "line 5 repeats line 3: queue \"sav\"",
        ));
}

#[test]
fn french_excel_export_reads() {
    validate("history_fr_excel.csv")
        .success()
        .stdout(predicate::str::contains("queues        2: Commandes, SAV"))
        .stdout(predicate::str::contains("contacts      33.5"))
        .stdout(predicate::str::contains(
            "span          2025-11-28 to 2025-11-28",
        ));
}

#[test]
fn offsets_are_converted_to_the_zone() {
    let out = peakplan()
        .args(["validate", "--format", "json", "--history"])
        .arg(data("history_offsets.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let h = &json["history"];
    assert_eq!(h["source_interval_min"], 60);
    assert_eq!(h["queues"][0]["slots"], 5);
    assert_eq!(h["dst_days"][0]["date"], "2025-10-26");
    assert_eq!(h["dst_days"][0]["hours"], 25);
}

#[test]
fn the_repeated_autumn_hour_reads_in_order() {
    validate("history_autumn.csv")
        .success()
        .stdout(predicate::str::contains("DST days      2025-10-26 (25 h)"))
        .stdout(predicate::str::contains("repeated hour 4 rows"))
        .stdout(predicate::str::contains("in 8 intervals"));
}

#[test]
fn six_minute_data_is_summarised_at_30_minutes() {
    validate("history_6min.csv").success().stdout(predicate::str::contains(
        "intervals     6m in the file, summarised at 30m",
    ));
    peakplan()
        .args([
            "validate",
            "--interval",
            "15m",
            "--tz",
            "Asia/Jerusalem",
            "--history",
        ])
        .arg(data("history_6min.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--interval 15m does not fit"))
        .stderr(predicate::str::contains("(30m, 60m)"));
}

#[test]
fn reads_standard_input() {
    let csv = std::fs::read(data("history_autumn.csv")).unwrap();
    peakplan()
        .args(["validate", "--history", "-"])
        .write_stdin(csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("history       -\n"));
    peakplan()
        .args(["validate", "--history", "-"])
        .write_stdin("interval_start,volume\n2025-01-06 09:00,x\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: -:2: column \"volume\""));
}

#[test]
fn a_missing_file_is_a_usage_error() {
    peakplan()
        .args(["validate", "--history", "tests/data/no_such_history.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no_such_history.csv"));
}
