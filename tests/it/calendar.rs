//! `peakplan calendar`: the built-in French calendar, merged with events
//! files, in every format.

use predicates::prelude::*;

use crate::util::{data, peakplan};

fn stdout(args: &[&str]) -> String {
    let out = peakplan().arg("calendar").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn france_2026_as_a_table() {
    insta::assert_snapshot!(stdout(&["--year", "2026"]), @r"
    name                   kind          start       end
    ---------------------  ------------  ----------  ----------
    Jour de l'an           closure       2026-01-01  2026-01-01
    Soldes d'hiver         sale          2026-01-07  2026-02-03
    Saint-Valentin         holiday       2026-02-14  2026-02-14
    Mardi Gras             holiday       2026-02-17  2026-02-17
    Fête des grands-mères  holiday       2026-03-01  2026-03-01
    Pâques                 holiday       2026-04-05  2026-04-05
    Lundi de Pâques        closure       2026-04-06  2026-04-06
    Fête du Travail        closure       2026-05-01  2026-05-01
    Victoire 1945          closure       2026-05-08  2026-05-08
    Ascension              closure       2026-05-14  2026-05-14
    Lundi de Pentecôte     closure       2026-05-25  2026-05-25
    Fête des mères         holiday       2026-05-31  2026-05-31
    Fête des pères         holiday       2026-06-21  2026-06-21
    Soldes d'été           sale          2026-06-24  2026-07-21
    Fête nationale         closure       2026-07-14  2026-07-14
    Assomption             closure       2026-08-15  2026-08-15
    Halloween              holiday       2026-10-31  2026-10-31
    Toussaint              closure       2026-11-01  2026-11-01
    Armistice              closure       2026-11-11  2026-11-11
    Black Friday           black_friday  2026-11-27  2026-11-27
    Cyber Monday           sale          2026-11-30  2026-11-30
    Noël                   closure       2026-12-25  2026-12-25
    ");
}

const CSV_2026: &str = "\
name,kind,start,end
Jour de l'an,closure,2026-01-01,2026-01-01
Soldes d'hiver,sale,2026-01-07,2026-02-03
Saint-Valentin,holiday,2026-02-14,2026-02-14
Mardi Gras,holiday,2026-02-17,2026-02-17
Fête des grands-mères,holiday,2026-03-01,2026-03-01
Pâques,holiday,2026-04-05,2026-04-05
Lundi de Pâques,closure,2026-04-06,2026-04-06
Fête du Travail,closure,2026-05-01,2026-05-01
Victoire 1945,closure,2026-05-08,2026-05-08
Ascension,closure,2026-05-14,2026-05-14
Lundi de Pentecôte,closure,2026-05-25,2026-05-25
Fête des mères,holiday,2026-05-31,2026-05-31
Fête des pères,holiday,2026-06-21,2026-06-21
Soldes d'été,sale,2026-06-24,2026-07-21
Fête nationale,closure,2026-07-14,2026-07-14
Assomption,closure,2026-08-15,2026-08-15
Halloween,holiday,2026-10-31,2026-10-31
Toussaint,closure,2026-11-01,2026-11-01
Armistice,closure,2026-11-11,2026-11-11
Black Friday,black_friday,2026-11-27,2026-11-27
Cyber Monday,sale,2026-11-30,2026-11-30
Noël,closure,2026-12-25,2026-12-25
";

#[test]
fn france_2026_as_csv() {
    assert_eq!(stdout(&["--year", "2026", "--format", "csv"]), CSV_2026);
    assert_eq!(
        stdout(&["--country", "fr", "--year", "2026", "--format", "csv"]),
        CSV_2026
    );
}

#[test]
fn france_2026_as_french_csv() {
    let text =
        stdout(&["--year", "2026", "--format", "csv", "--csv-dialect", "fr"]);
    let expected = format!("\u{feff}{}", CSV_2026.replace(',', ";"));
    assert_eq!(text, expected);
}

#[test]
fn france_2026_as_json() {
    let text = stdout(&["--year", "2026", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 22);
    let as_csv: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{},{},{},{}",
                r["name"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["start"].as_str().unwrap(),
                r["end"].as_str().unwrap()
            )
        })
        .collect();
    let expected: Vec<&str> = CSV_2026.lines().skip(1).collect();
    assert_eq!(as_csv, expected);
    assert_eq!(rows[0]["queues"], serde_json::json!([]));
    assert_eq!(rows[0]["uplift"], serde_json::Value::Null);
}

#[test]
fn several_years_are_sorted_by_start() {
    let text =
        stdout(&["--year", "2024", "--to-year", "2026", "--format", "csv"]);
    let starts: Vec<&str> =
        text.lines().skip(1).map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(starts.len(), 66);
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    assert!(text.contains("Fête des mères,holiday,2024-05-26,2024-05-26\n"));
    assert!(
        text.contains("Black Friday,black_friday,2025-11-28,2025-11-28\n")
    );
}

#[test]
fn events_files_add_rename_replace_and_drop() {
    let company = data("events_company.csv");
    let excel = data("events_fr_excel.csv");
    let text = stdout(&[
        "--year",
        "2026",
        "--format",
        "csv",
        "--events",
        company.to_str().unwrap(),
        "--events",
        excel.to_str().unwrap(),
    ]);
    // Added, with their own kinds.
    assert!(
        text.contains("Vente privée VIP,marketing,2026-03-02,2026-03-04\n"),
        "{text}"
    );
    assert!(
        text.contains("Lancement gamme Jardin,launch,2026-03-10,2026-03-16\n")
    );
    assert!(text.contains("Inventaire,closure,2026-08-03,2026-08-03\n"));
    assert!(text.contains(
        "Mise à jour appli v7,software_update,2026-09-15,2026-09-17\n"
    ));
    // Renamed (same kind and dates), replaced (same name), dropped.
    assert!(text.contains("Christmas,closure,2026-12-25,2026-12-25\n"));
    assert!(!text.contains("Noël"));
    assert!(text.contains("Soldes d'été,sale,2026-07-01,2026-07-28\n"));
    assert!(!text.contains("2026-06-24"));
    assert!(!text.contains("Halloween"));
    assert_eq!(text.lines().count(), 1 + 22 - 1 + 4);
}

#[test]
fn out_file_is_written_atomically_and_matches_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal.csv");
    peakplan()
        .args(["calendar", "--year", "2026", "--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), CSV_2026);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file left behind");
}

#[test]
fn years_outside_1970_2100_are_usage_errors() {
    for args in [["--year", "1969"], ["--year", "2101"], ["--year", "twenty"]]
    {
        peakplan()
            .arg("calendar")
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--year"));
    }
    peakplan()
        .args(["calendar", "--year", "2026", "--to-year", "2025"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--to-year 2025 is before --year 2026",
        ));
}

#[test]
fn a_missing_events_file_is_a_usage_error() {
    peakplan()
        .args([
            "calendar",
            "--year",
            "2026",
            "--events",
            "tests/data/nope.csv",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("tests/data/nope.csv"));
}
