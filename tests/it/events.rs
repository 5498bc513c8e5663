//! The events CSV reader, through `peakplan calendar --events`: every
//! malformed file exits 2 with file, line and column, and writes nothing.

use predicates::prelude::*;

use crate::util::{data, peakplan};

/// (file, expected message fragments)
const MALFORMED: &[(&str, &[&str])] = &[
    (
        "events_bad_kind.csv",
        &[
            "events_bad_kind.csv:3: column \"kind\"",
            "expected one of holiday, sale, black_friday, launch, \
             software_update, external, marketing, closure, or drop",
            "found \"promo\"",
        ],
    ),
    (
        "events_bad_date.csv",
        &[
            "events_bad_date.csv:4: column \"start\"",
            "expected a date YYYY-MM-DD or DD/MM/YYYY",
            "found \"2026-04-31\"",
        ],
    ),
    (
        "events_end_before_start.csv",
        &[
            "events_end_before_start.csv:2: column \"end\"",
            "expected an end date on or after the start (2026-04-10)",
            "found \"2026-04-02\"",
        ],
    ),
    (
        "events_missing_column.csv",
        &[
            "events_missing_column.csv:1: column \"end\"",
            "missing \"end\"",
            "found \"name,kind,start\"",
        ],
    ),
    (
        "events_duplicate_header.csv",
        &[
            "events_duplicate_header.csv:1: column \"Start\"",
            "found \"Start\" twice",
        ],
    ),
    (
        "events_bad_uplift.csv",
        &[
            "events_bad_uplift.csv:2: column \"uplift\"",
            "greater than -1",
            "found \"-1,5\"",
        ],
    ),
    (
        "events_bad_drop.csv",
        &[
            "events_bad_drop.csv:2: column \"name\"",
            "did you mean \"Halloween\"?",
            "found \"Halloeen\"",
        ],
    ),
    (
        "events_unquoted_comma.csv",
        &[
            "events_unquoted_comma.csv:2: expected 4 fields as in the header, found 5",
        ],
    ),
];

#[test]
fn malformed_files_exit_2_naming_file_line_and_column() {
    for (file, fragments) in MALFORMED {
        let path = format!("tests/data/{file}");
        let mut assert = peakplan()
            .args(["calendar", "--year", "2026", "--events", &path])
            .assert()
            .code(2)
            .stdout("");
        for fragment in *fragments {
            assert = assert.stderr(predicate::str::contains(*fragment));
        }
        let stderr =
            String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn malformed_files_never_create_or_touch_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.csv");
    let existing = dir.path().join("existing.csv");
    std::fs::write(&existing, "keep me\n").unwrap();
    for (file, _) in MALFORMED {
        for out in [&fresh, &existing] {
            peakplan()
                .args(["calendar", "--year", "2026", "--format", "csv"])
                .arg("--events")
                .arg(data(file))
                .arg("--out")
                .arg(out)
                .assert()
                .code(2);
        }
        assert!(!fresh.exists(), "{file} created an output");
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me\n");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file left behind");
}

#[test]
fn french_excel_export_is_read() {
    let out = peakplan()
        .args(["calendar", "--year", "2026", "--format", "json", "--events"])
        .arg(data("events_fr_excel.csv"))
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = json.as_array().unwrap();
    let vip = rows.iter().find(|r| r["name"] == "Vente privée VIP").unwrap();
    assert_eq!(vip["kind"], "marketing");
    assert_eq!(
        (vip["start"].as_str(), vip["end"].as_str()),
        (Some("2026-03-02"), Some("2026-03-04"))
    );
    assert_eq!(vip["queues"], serde_json::json!(["chat", "sav"]));
    assert_eq!(vip["uplift"], 0.25);
    let inventaire = rows.iter().find(|r| r["name"] == "Inventaire").unwrap();
    assert_eq!(inventaire["end"], "2026-08-03");
    assert_eq!(inventaire["queues"], serde_json::json!(["sav"]));
}

#[test]
fn events_from_stdin() {
    peakplan()
        .args([
            "calendar", "--year", "2026", "--format", "csv", "--events", "-",
        ])
        .write_stdin(
            "name,kind,start,end\nSoldes flash,sale,2026-10-06,2026-10-07\n",
        )
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Soldes flash,sale,2026-10-06,2026-10-07\n",
        ));
}

#[test]
fn the_bundled_company_events_are_valid() {
    peakplan()
        .args([
            "calendar",
            "--year",
            "2023",
            "--to-year",
            "2025",
            "--events",
            "data/events.csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("launch"))
        .stdout(predicate::str::contains("software_update"));
}
