//! Conventions shared by the commands: help ends with an example, and
//! `peakplan.toml` defaults (tz, csv_dialect, calendar) apply to every
//! command that reads them, with flags winning over the file.

use std::path::Path;

use predicates::prelude::*;

use crate::util::{data, peakplan, stdout_of};

#[test]
fn every_help_ends_with_an_example_and_version_works() {
    for sub in [
        "forecast",
        "erlang",
        "plan",
        "backtest",
        "calendar",
        "validate",
        "completions",
        "man",
    ] {
        let help = stdout_of(peakplan().args([sub, "--help"]));
        let tail = help.rsplit("Example:\n").next().unwrap_or_default();
        assert!(help.contains("\nExample:\n  peakplan "), "{sub}: {help}");
        assert!(tail.starts_with(&format!("  peakplan {sub}")), "{sub}");
        // The example is the last thing printed.
        assert!(tail.lines().count() <= 3, "{sub}: {tail}");
    }
    let version = stdout_of(peakplan().arg("--version"));
    assert_eq!(version, format!("peakplan {}\n", env!("CARGO_PKG_VERSION")));
    let version = stdout_of(peakplan().args(["forecast", "--version"]));
    assert!(version.ends_with(&format!(" {}\n", env!("CARGO_PKG_VERSION"))));
}

/// A folder holding a `peakplan.toml` with `text`, to run commands in.
fn config_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("peakplan.toml"), text).unwrap();
    dir
}

fn in_dir(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.current_dir(dir).args(args);
    cmd
}

const NEW_YORK_FR: &str =
    "tz = \"America/New_York\"\ncsv_dialect = \"fr\"\ncalendar = \"fr\"\n";

#[test]
fn forecast_takes_tz_dialect_and_calendar_from_the_config() {
    let dir = config_dir(NEW_YORK_FR);
    let history = data("forecast_history.csv");
    let history = history.to_str().unwrap();
    let base = [
        "forecast",
        "--history",
        history,
        "--interval",
        "60m",
        "--format",
        "csv",
    ];
    // 1 May is a closure in the built-in French calendar.
    let may = ["--from", "2025-04-30", "--to", "2025-05-01"];
    let from_file =
        stdout_of(&mut in_dir(dir.path(), &[&base[..], &may].concat()));
    assert!(
        from_file.starts_with("\u{feff}interval_start;queue;"),
        "{from_file}"
    );
    assert!(from_file.contains("-04:00;"), "New York offsets: {from_file}");
    assert!(!from_file.contains("2025-05-01T"), "1 May forecast open");
    let flags =
        ["--tz", "Europe/Paris", "--csv-dialect", "en", "--calendar", "none"];
    let from_flags = stdout_of(&mut in_dir(
        dir.path(),
        &[&base[..], &may, &flags].concat(),
    ));
    assert!(from_flags.starts_with("interval_start,queue,"), "{from_flags}");
    assert!(from_flags.contains("+02:00,"), "{from_flags}");
    assert!(from_flags.contains("2025-05-01T"), "flag --calendar none lost");
    // --no-config is the built-in defaults: Paris, en, fr calendar.
    let none = stdout_of(&mut in_dir(
        dir.path(),
        &[&base[..], &may, &["--no-config"]].concat(),
    ));
    assert!(none.starts_with("interval_start,") && none.contains("+02:00,"));
    // --config names another file explicitly.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "csv_dialect = \"fr\"\n").unwrap();
    let explicit = stdout_of(&mut in_dir(
        dir.path(),
        &[&base[..], &may, &["--config", other.to_str().unwrap()]].concat(),
    ));
    assert!(explicit.starts_with('\u{feff}') && explicit.contains("+02:00;"));
}

#[test]
fn backtest_calendar_and_validate_take_the_config_too() {
    let dir = config_dir(NEW_YORK_FR);
    let history = data("forecast_history.csv");
    let history = history.to_str().unwrap();
    let backtest = [
        "backtest",
        "--history",
        history,
        "--interval",
        "60m",
        "--origins",
        "1",
        "--format",
        "csv",
    ];
    let text = stdout_of(&mut in_dir(dir.path(), &backtest));
    assert!(text.starts_with("\u{feff}queue;scope;method;"), "{text}");
    let text = stdout_of(&mut in_dir(
        dir.path(),
        &[&backtest[..], &["--csv-dialect", "en"]].concat(),
    ));
    assert!(text.starts_with("queue,scope,method,"), "{text}");

    let calendar = ["calendar", "--year", "2025", "--format", "csv"];
    let text = stdout_of(&mut in_dir(dir.path(), &calendar));
    assert!(text.starts_with("\u{feff}name;kind;start;end\n"), "{text}");
    let text = stdout_of(&mut in_dir(
        dir.path(),
        &[&calendar[..], &["--csv-dialect", "en"]].concat(),
    ));
    assert!(text.starts_with("name,kind,start,end\n"), "{text}");

    let good = data("history_good.csv");
    let validate = ["validate", "--history", good.to_str().unwrap()];
    in_dir(dir.path(), &validate)
        .assert()
        .success()
        .stdout(predicate::str::contains("zone          America/New_York"));
    in_dir(dir.path(), &[&validate[..], &["--tz", "Europe/Paris"]].concat())
        .assert()
        .success()
        .stdout(predicate::str::contains("zone          Europe/Paris"));
}

#[test]
fn a_config_calendar_none_changes_the_backtest_and_a_flag_restores_it() {
    // With `calendar = "none"` the backtest knows no event day at all.
    let dir = config_dir("calendar = \"none\"\n");
    let history = data("forecast_history.csv");
    let args = ["backtest", "--history", history.to_str().unwrap()];
    let run = |extra: &[&str]| {
        let mut cmd = peakplan();
        cmd.current_dir(dir.path()).args(args).args([
            "--interval",
            "60m",
            "--origins",
            "2",
            "--format",
            "csv",
        ]);
        cmd.args(extra);
        stdout_of(&mut cmd)
    };
    assert!(!run(&[]).contains(",event_days,peakplan,"));
    assert!(run(&["--calendar", "fr"]).contains(",event_days,"));
}
