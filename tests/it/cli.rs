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
