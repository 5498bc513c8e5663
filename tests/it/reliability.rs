//! What a demanding user or a cron job meets at the edges: bad inputs of
//! every kind are exit 2 naming file and line, inputs are bounded, and
//! output goes where the path really points (through symlinks, into
//! streams), keeps permissions, and reports a lost stdout.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::util::{data, peakplan};

fn forecast(dir: &Path) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.args(["--no-config", "forecast", "--history"])
        .arg(data("forecast_history.csv"))
        .args(["--calendar", "none", "--interval", "60m"])
        .args(["--from", "2025-02-03", "--to", "2025-02-09"])
        .current_dir(dir);
    cmd
}

fn stderr_has(s: &str) -> predicates::str::ContainsPredicate {
    predicate::str::contains(s)
}

#[test]
fn dev_zero_and_folders_are_not_histories() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&Path, &str); 3] = [
        (
            Path::new("/dev/zero"),
            "/dev/zero: expected a data file, found a device",
        ),
        (Path::new("."), ".: expected a data file, found a folder"),
        (dir.path(), "found a folder"),
    ];
    for (path, message) in cases {
        peakplan()
            .args(["validate", "--no-config", "--history"])
            .arg(path)
            .assert()
            .code(2)
            .stderr(stderr_has(message));
    }
    // Through a pipe, the length of a line is what stops it.
    let zeros = std::fs::File::open("/dev/zero").unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_peakplan"))
        .args(["validate", "--no-config", "--history", "-"])
        .stdin(zeros)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(child.status.code(), Some(2));
    let err = String::from_utf8_lossy(&child.stderr);
    assert!(err.contains("-:1: expected a line of at most"), "{err}");
}

#[test]
fn a_row_dated_9999_is_named_by_validate_and_forecast() {
    let bad = data("history_bad_year.csv");
    let shown = "history_bad_year.csv:228: expected a date from 1970 to 2100, \
                 found \"9999-03-17 09:00\"";
    peakplan()
        .args(["validate", "--no-config", "--history"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(stderr_has(shown));
    for calendar in ["fr", "none"] {
        peakplan()
            .args(["--no-config", "forecast", "--calendar", calendar])
            .arg("--history")
            .arg(&bad)
            .args(["--from", "2025-04-01", "--to", "2025-04-02"])
            .assert()
            .code(2)
            .stderr(stderr_has(shown));
    }
}

#[test]
fn a_huge_field_is_quoted_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.csv");
    let validate = |size: usize| {
        let field = "7".repeat(size);
        let text =
            format!("interval_start,volume\n2025-01-06 09:00,{field}\n");
        std::fs::write(&path, text).unwrap();
        let out = peakplan()
            .args(["validate", "--no-config", "--history"])
            .arg(&path)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert!(err.len() < 400, "{} bytes", err.len());
        err
    };
    let err = validate(500 << 10);
    assert!(
        err.contains("h.csv:2: column \"volume\": expected a field"),
        "{err}"
    );
    assert!(err.contains("…\""), "{err}");
    let err = validate(10 << 20);
    assert!(err.contains("h.csv:2: expected a line of at most"), "{err}");
}

#[test]
fn a_column_named_twice_is_refused_by_erlang_input() {
    peakplan()
        .args(["erlang", "--input"])
        .arg(data("erlang_duplicate_column.csv"))
        .args(["--interval", "30m", "--aht", "200", "--sl", "0.8"])
        .args(["--target", "20s"])
        .assert()
        .code(2)
        .stderr(stderr_has(
            "erlang_duplicate_column.csv:1: column \"volume\": expected the \
             column once in the header, found it twice (fields 3 and 5)",
        ));
}

#[test]
fn out_writes_through_a_symlink_and_keeps_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, PermissionsExt::from_mode(0o600)).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    forecast(dir.path()).args(["--out", "link.csv"]).assert().success();
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert!(
        std::fs::read_to_string(&real).unwrap().starts_with("interval_start")
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn new_files_honour_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 027 && exec \"$0\" --no-config calendar --year 2025 \
             --out {}",
            dir.path().join("c.csv").display()
        ))
        .arg(env!("CARGO_BIN_EXE_peakplan"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let meta = std::fs::metadata(dir.path().join("c.csv")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
}

#[test]
fn streams_are_written_in_place() {
    // /dev/stdout stays what it is, and the data reaches stdout.
    let before =
        std::fs::symlink_metadata("/dev/stdout").ok().map(|m| m.file_type());
    let got = peakplan()
        .args([
            "--no-config",
            "calendar",
            "--year",
            "2025",
            "--out",
            "/dev/stdout",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&got).contains("Black Friday"));
    let after =
        std::fs::symlink_metadata("/dev/stdout").ok().map(|m| m.file_type());
    assert_eq!(before, after);
    // A FIFO is written through, not replaced by a file.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    peakplan()
        .args(["--no-config", "calendar", "--year", "2025", "--out"])
        .arg(&fifo)
        .assert()
        .success();
    assert!(reader.join().unwrap().contains("Black Friday"));
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_folder_as_out_leaves_the_chart_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x")).unwrap();
    std::fs::write(dir.path().join("y.svg"), "old").unwrap();
    forecast(dir.path())
        .args(["--out", "x", "--chart", "y.svg"])
        .assert()
        .code(2)
        .stderr(stderr_has("x: is a folder"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("y.svg")).unwrap(),
        "old"
    );
}

#[test]
fn a_killed_run_s_temporaries_are_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    // As older versions and killed runs leave them.
    for stale in [".f.csv.Ab12Cd.tmp", ".f.csv.peakplan-1-2-0.tmp"] {
        std::fs::write(dir.path().join(stale), "half").unwrap();
    }
    std::fs::write(dir.path().join(".other.csv.x.tmp"), "not ours").unwrap();
    forecast(dir.path()).args(["--out", "f.csv"]).assert().success();
    let mut names = crate::util::files_in(dir.path());
    names.sort();
    assert_eq!(names, [".other.csv.x.tmp", "f.csv"]);
}

#[test]
fn a_plan_that_fails_creates_no_out_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    peakplan()
        .args(["--no-config", "plan", "--scenario"])
        .arg(data("history_good.csv"))
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn a_lost_stdout_is_exit_1_and_a_broken_pipe_exit_0() {
    let bin = env!("CARGO_BIN_EXE_peakplan");
    let sh = |script: &str| {
        Command::new("sh").arg("-c").arg(script).arg(bin).output().unwrap()
    };
    for script in [
        "exec \"$0\" --no-config calendar --year 2025 >&-",
        "exec \"$0\" --no-config calendar --year 2025 > /dev/full",
        "exec \"$0\" --help > /dev/full",
        "exec \"$0\" --version >&-",
    ] {
        let out = sh(script);
        assert_eq!(out.status.code(), Some(1), "{script}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: standard output: "),
            "{script}: {err}"
        );
    }
    // `| head -1`: the reader leaves early; that is not a failure.
    let mut child = Command::new(bin)
        .args([
            "--no-config",
            "calendar",
            "--year",
            "2025",
            "--to-year",
            "2090",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert!(
        done.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn a_scenario_history_that_is_a_folder_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bundled =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenario.toml");
    let text = std::fs::read_to_string(bundled).unwrap();
    for history in ["\"\"", "\".\"", "\"/\""] {
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with("history =") {
                    format!("history = {history}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        let scenario = dir.path().join("scenario.toml");
        std::fs::write(&scenario, lines.join("\n")).unwrap();
        let out = dir.path().join("plan");
        peakplan()
            .args(["--no-config", "plan", "--scenario"])
            .arg(&scenario)
            .arg("--out-dir")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(stderr_has("expected a data file, found a folder"));
        assert!(!out.exists(), "{history}");
    }
}

#[test]
fn a_config_file_that_is_not_utf8_is_an_input_error_at_its_byte() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("peakplan.toml");
    std::fs::write(&config, b"# caf\xe9\ntz = \"Europe/Paris\"\n").unwrap();
    peakplan()
        .arg("--config")
        .arg(&config)
        .args(["calendar", "--year", "2025"])
        .assert()
        .code(2)
        .stderr(stderr_has("peakplan.toml:1:6"));
    // Found by discovery in the working folder, the same.
    peakplan()
        .args(["calendar", "--year", "2025"])
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(stderr_has("peakplan.toml:1:6"));
}
