//! Conventions every command shares: help, version, completions, man page,
//! config files.

use predicates::prelude::*;

use crate::util::peakplan;

#[test]
fn help_and_version_exit_zero() {
    peakplan().arg("--help").assert().success();
    peakplan()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("peakplan "));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    peakplan().arg("--no-such-flag").assert().code(2);
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        peakplan()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("peakplan"));
    }
    peakplan().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_is_roff() {
    peakplan()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH peakplan 1"));
}

#[test]
fn bad_config_file_names_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("peakplan.toml");
    std::fs::write(&path, "tz = \"Europe/Paris\"\ncsv_dialet = \"fr\"\n")
        .unwrap();
    peakplan()
        .current_dir(dir.path())
        .args(["completions", "bash"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("peakplan.toml:2:1"))
        .stderr(predicate::str::contains("csv_dialet"))
        .stderr(predicate::str::contains("panicked").not());
    // --no-config ignores it.
    peakplan()
        .current_dir(dir.path())
        .args(["--no-config", "completions", "bash"])
        .assert()
        .success();
}

#[test]
fn missing_explicit_config_is_an_error() {
    peakplan()
        .args(["--config", "tests/data/no-such.toml", "man"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such.toml"));
}

#[test]
fn flags_that_do_not_fit_together_are_named_before_any_file_is_read() {
    // None of these files exist: the check of the flags comes first.
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["plan", "--scenario", "missing.toml", "--from", "2025-12-07"],
            "--from 2025-12-07 is after --to 2025-12-01",
        ),
        (
            &["forecast", "--history", "missing.csv", "--from", "2025-11-24"],
            "--chart-day 2025-12-08 is outside --from 2025-11-24 --to \
             2025-12-01",
        ),
        (
            &["erlang", "--volume", "100", "--interval", "30m", "--sl", "0.8"],
            "--aht: give the average handle time",
        ),
    ];
    for (args, want) in cases {
        let mut cmd = peakplan();
        cmd.current_dir(dir.path()).arg("--no-config").args(args);
        match args[0] {
            "erlang" => cmd.args(["--target", "20s"]),
            "forecast" => cmd
                .args(["--to", "2025-12-01", "--chart", "c.svg"])
                .args(["--chart-day", "2025-12-08"]),
            _ => cmd.args(["--to", "2025-12-01"]),
        };
        cmd.assert().code(2).stderr(predicate::str::contains(want));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
