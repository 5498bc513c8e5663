//! What a cron job relies on: the same bytes on every run, files that are
//! whole or absent (never torn, even with several runs at once), exit 1
//! with the path named when an output cannot be written, and logs free of
//! colour codes and progress bars when nobody is watching.

use std::path::Path;
use std::process::Stdio;

use predicates::prelude::*;

use crate::util::{data, files_in, peakplan, stdout_of};

/// The forecast run every test here starts from: small, two queues, with
/// events.
fn forecast_args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["forecast".into()];
    args.extend(["--history".into(), data("forecast_history.csv").into()]);
    args.extend(["--events".into(), data("forecast_events.csv").into()]);
    for a in ["--no-config", "--calendar", "none", "--interval", "60m"] {
        args.push(a.into());
    }
    for a in ["--from", "2025-02-03", "--to", "2025-02-16"] {
        args.push(a.into());
    }
    args
}

fn forecast() -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.args(forecast_args());
    cmd
}

/// Runs `cmd` twice, writing into two folders, and checks that stdout and
/// every file written are the same bytes.
fn twice_identical(make: impl Fn(&Path) -> assert_cmd::Command) {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out_a = make(a.path()).assert().success().get_output().clone();
    let out_b = make(b.path()).assert().success().get_output().clone();
    assert_eq!(out_a.stdout, out_b.stdout, "stdout differs");
    assert_eq!(files_in(a.path()), files_in(b.path()));
    for name in files_in(a.path()) {
        let x = std::fs::read(a.path().join(&name)).unwrap();
        let y = std::fs::read(b.path().join(&name)).unwrap();
        assert!(x == y, "{name} differs between two runs");
        // plan's folder lock is an empty file by design.
        assert!(!x.is_empty() || name == ".peakplan.lock", "{name} empty");
    }
}

#[test]
fn every_command_writes_the_same_bytes_twice() {
    twice_identical(|dir| {
        let mut cmd = forecast();
        cmd.arg("--out")
            .arg(dir.join("forecast.csv"))
            .arg("--chart")
            .arg(dir.join("forecast.svg"));
        cmd
    });
    twice_identical(|dir| {
        let mut cmd = forecast();
        cmd.arg("--chart").arg(dir.join("day.svg"));
        cmd.args(["--chart-day", "2025-02-11", "--format", "json"]);
        cmd
    });
    twice_identical(|dir| {
        let mut cmd = peakplan();
        cmd.arg("backtest")
            .arg("--history")
            .arg(data("forecast_history.csv"))
            .args(["--no-config", "--interval", "60m", "--origins", "2"])
            .args(["--csv-dialect", "fr", "--out"])
            .arg(dir.join("backtest.csv"))
            .arg("--chart")
            .arg(dir.join("backtest.svg"));
        cmd
    });
    twice_identical(|dir| {
        let mut cmd = peakplan();
        cmd.args(["calendar", "--year", "2025", "--to-year", "2026"])
            .arg("--events")
            .arg(data("events_company.csv"))
            .arg("--out")
            .arg(dir.join("calendar.csv"));
        cmd
    });
    twice_identical(|_| {
        let mut cmd = peakplan();
        cmd.args(["validate", "--no-config", "--format", "json"])
            .arg("--history")
            .arg(data("history_good.csv"));
        cmd
    });
}

/// Several runs writing the same file at the same moment: the file that
/// remains is one run's whole output, and no temporary file is left.
#[test]
fn concurrent_runs_never_leave_a_torn_file() {
    let dir = tempfile::tempdir().unwrap();
    let reference = stdout_of(forecast().args(["--format", "csv"]));
    let chart_ref = dir.path().join("reference.svg");
    forecast().arg("--chart").arg(&chart_ref).assert().success();
    let chart_ref = std::fs::read(&chart_ref).unwrap();
    std::fs::remove_file(dir.path().join("reference.svg")).unwrap();

    let out = dir.path().join("forecast.csv");
    let svg = dir.path().join("forecast.svg");
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut cmd =
                std::process::Command::new(env!("CARGO_BIN_EXE_peakplan"));
            cmd.args(forecast_args())
                .env("NO_COLOR", "1")
                .args(["--format", "csv", "--out"])
                .arg(&out)
                .arg("--chart")
                .arg(&svg)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("peakplan starts")
        })
        .collect();
    for child in children {
        let done = child.wait_with_output().unwrap();
        assert!(done.status.success(), "{done:?}");
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), reference);
    assert!(std::fs::read(&svg).unwrap() == chart_ref, "torn chart");
    assert_eq!(files_in(dir.path()), ["forecast.csv", "forecast.svg"]);
}

#[test]
fn an_unwritable_out_exits_1_naming_the_path_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let parent_is_a_file = dir.path().join("plain-file");
    std::fs::write(&parent_is_a_file, "x").unwrap();
    let cases = [
        (dir.path().join("no-such-folder/forecast.csv"), "does not exist"),
        (parent_is_a_file.join("forecast.csv"), "is not a folder"),
        // Root can write almost anywhere; /proc still refuses new files.
        ("/proc/peakplan-forecast.csv".into(), "cannot create a file"),
    ];
    for (path, why) in cases {
        forecast()
            .args(["--format", "csv", "--out"])
            .arg(&path)
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                predicate::str::contains(path.display().to_string())
                    .and(predicate::str::contains(why))
                    .and(predicate::str::contains(".forecast.csv.").not()),
            );
        assert!(!path.exists(), "{}", path.display());
    }
    assert_eq!(files_in(dir.path()), ["plain-file"]);
}

#[test]
fn a_bad_chart_path_leaves_the_good_data_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("forecast.csv");
    std::fs::write(&out, "yesterday's good forecast\n").unwrap();
    let chart = dir.path().join("charts/forecast.svg");
    forecast()
        .args(["--format", "csv", "--out"])
        .arg(&out)
        .arg("--chart")
        .arg(&chart)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(chart.display().to_string()));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "yesterday's good forecast\n"
    );
    assert_eq!(files_in(dir.path()), ["forecast.csv"]);
    // Nor is stdout half-written: nothing is printed when the chart fails.
    forecast().arg("--chart").arg(&chart).assert().code(1).stdout("");
}

/// Captured stderr is not a terminal: no progress bar, no colour, only
/// whole lines; stdout through a pipe has no colour either, with or
/// without NO_COLOR.
#[test]
fn captured_output_has_no_escapes_and_no_progress() {
    for no_color in [Some("1"), None] {
        let mut cmd = forecast();
        if no_color.is_none() {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.arg("-v").assert().success().get_output().clone();
        let (stdout, stderr) = (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        );
        for text in [&stdout, &stderr] {
            assert!(!text.contains('\x1b'), "escape in {text:?}");
            assert!(!text.contains('\r'), "carriage return in {text:?}");
        }
        assert!(!stderr.contains("fitting queues"), "{stderr}");
        assert!(stderr.contains("fitted 2 queues"), "-v detail: {stderr}");
        assert!(stderr.ends_with('\n'), "{stderr:?}");
    }
}

#[test]
fn quiet_runs_print_only_data_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    forecast()
        .args(["--quiet", "-v", "--chart"])
        .arg(dir.path().join("f.svg"))
        .assert()
        .success()
        .stderr("");
    peakplan()
        .args(["backtest", "--quiet", "--no-config", "--interval", "60m"])
        .arg("--history")
        .arg(data("forecast_history.csv"))
        .assert()
        .success()
        .stderr("");
    // Errors still show.
    forecast()
        .args(["--quiet", "--queue", "retours"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("retours"));
}

/// A flat forecast of the small scenario's queues over its four weeks,
/// Monday to Saturday 9:00–18:00, for `plan --forecast`.
fn plan_forecast(dir: &Path) -> std::path::PathBuf {
    use chrono::{Datelike, NaiveDate};
    let mut text = String::from(
        "interval_start,queue,forecast,p10,p50,p90,aht_s,events\n",
    );
    let first = NaiveDate::from_ymd_opt(2025, 11, 3).unwrap();
    for day in first.iter_days().take(28) {
        if day.weekday().num_days_from_monday() == 6 {
            continue;
        }
        for slot in 0..18 {
            let (h, m) = (9 + slot / 2, if slot % 2 == 0 { 0 } else { 30 });
            for (queue, volume) in [("commandes", 60.0), ("sav", 25.0)] {
                let v = volume * (1.0 + f64::from(slot % 6) / 10.0);
                text.push_str(&format!(
                    "{day}T{h:02}:{m:02}:00+01:00,{queue},{v},{},{v},{},,\n",
                    v * 0.8,
                    v * 1.2
                ));
            }
        }
    }
    let path = dir.join("forecast.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn plan(forecast: &Path, out_dir: &Path) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.args(["plan", "--no-config", "--scenario"])
        .arg(data("scenario_small.toml"))
        .arg("--forecast")
        .arg(forecast)
        .arg("--out-dir")
        .arg(out_dir);
    cmd
}

fn erlang() -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.args(["erlang", "--no-config", "--volume", "120", "--interval"])
        .args(["30m", "--aht", "4m", "--sl", "0.8", "--target", "20s"]);
    cmd
}

#[test]
fn plan_and_erlang_are_deterministic_and_honour_the_dialect() {
    let input = tempfile::tempdir().unwrap();
    let forecast = plan_forecast(input.path());
    twice_identical(|dir| {
        let mut cmd = plan(&forecast, dir);
        cmd.args(["--csv-dialect", "fr"]);
        cmd
    });
    twice_identical(|dir| {
        let mut cmd = erlang();
        cmd.args(["--format", "csv", "--out"]).arg(dir.join("erlang.csv"));
        cmd
    });
    // French dialect: BOM, `;`, decimal commas in every CSV written.
    let out = input.path().join("fr");
    plan(&forecast, &out).args(["--csv-dialect", "fr"]).assert().success();
    for name in ["intervals.csv", "weeks.csv", "hires.csv"] {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(text.starts_with('\u{feff}'), "{name}");
        let header = text.lines().next().unwrap();
        assert!(header.contains(';') && !header.contains(','), "{name}");
        assert!(!text.contains("e-") && !text.contains("E-"), "{name}");
    }
    let weeks = std::fs::read_to_string(out.join("weeks.csv")).unwrap();
    assert!(weeks.lines().skip(1).any(|l| l.contains(',')), "{weeks}");
    let fr =
        stdout_of(erlang().args(["--format", "csv", "--csv-dialect", "fr"]));
    assert!(fr.starts_with("\u{feff}model;"), "{fr}");
    assert!(fr.contains(";0,8"), "decimal comma: {fr}");
    let en = stdout_of(erlang().args(["--format", "csv"]));
    assert!(en.starts_with("model,") && en.contains(",0.8"), "{en}");
}

#[test]
fn plan_and_erlang_logs_are_plain_and_quiet_is_silent() {
    let input = tempfile::tempdir().unwrap();
    let forecast = plan_forecast(input.path());
    for no_color in [true, false] {
        let mut p = plan(&forecast, &input.path().join("out"));
        let mut e = erlang();
        if !no_color {
            p.env_remove("NO_COLOR");
            e.env_remove("NO_COLOR");
        }
        for cmd in [&mut p, &mut e] {
            let out = cmd.arg("-v").assert().success().get_output().clone();
            for text in [out.stdout, out.stderr] {
                let text = String::from_utf8(text).unwrap();
                assert!(!text.contains('\x1b') && !text.contains('\r'));
            }
        }
    }
    plan(&forecast, &input.path().join("quiet"))
        .arg("--quiet")
        .assert()
        .success()
        .stderr("");
    erlang().arg("--quiet").assert().success().stderr("");
}
