//! Fault injection into multi-file writes: the real binary runs under
//! strace, which makes the file system refuse (EIO), or kills the process
//! (SIGKILL), at each rename and fsync in turn. After every fault the
//! outputs must be the old set or the new set byte for byte, and the next
//! run must leave no temporary file behind.
//!
//! strace is required (`.ci/run` installs it); these tests fail without it
//! rather than pass without checking anything.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};

use crate::util::data;

/// The system calls a set is written with.
const CALLS: [&str; 5] =
    ["rename", "renameat", "renameat2", "fsync", "fdatasync"];

type Files = BTreeMap<String, Vec<u8>>;

fn strace(args: &[&str], run: &[OsString]) -> Output {
    Command::new("strace")
        .args(["-f", "-qq"])
        .args(args)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_peakplan"))
        .args(run)
        .env("NO_COLOR", "1")
        .output()
        .expect("strace is installed (apt-get install strace)")
}

/// The system calls that clean up after a set is in place: a kill there
/// must leave the set whole and nothing behind after the next run.
const CLEANUP: [&str; 3] = ["unlink", "unlinkat", "rmdir"];

/// The faults to try at the `when`-th `call`.
fn faults_at(call: &str) -> Vec<Fault> {
    if CLEANUP.contains(&call) {
        vec![Fault::Kill]
    } else {
        vec![Fault::Refuse, Fault::Kill]
    }
}

/// How many times each of [`CALLS`] and [`CLEANUP`] is made by a clean
/// run of `run`.
fn count_calls(run: &[OsString], log: &Path) -> Vec<(&'static str, usize)> {
    let all: Vec<&str> = CALLS.iter().chain(&CLEANUP).copied().collect();
    let trace = format!("trace={}", all.join(","));
    let out = strace(&["-o", log.to_str().unwrap(), "-e", &trace], run);
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(log).unwrap();
    all.iter()
        .map(|&call| {
            let opening = format!(" {call}(");
            let n = text.lines().filter(|l| l.contains(&opening)).count();
            (call, n)
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

enum Fault {
    Refuse,
    Kill,
}

fn inject(run: &[OsString], call: &str, when: usize, fault: &Fault) -> Output {
    let action = match fault {
        Fault::Refuse => "error=EIO",
        Fault::Kill => "signal=KILL",
    };
    let trace = format!("trace={call}");
    let inject = format!("inject={call}:{action}:when={when}");
    strace(&["-o", "/dev/null", "-e", &trace, "-e", &inject], run)
}

/// Every file under `dir`, hidden ones included, by relative path.
fn files_under(dir: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, out: &mut Files) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let bytes = std::fs::read(&path).unwrap();
                out.insert(rel.to_string_lossy().into_owned(), bytes);
            }
        }
    }
    let mut out = Files::new();
    walk(dir, dir, &mut out);
    out
}

fn restore(dir: &Path, files: &Files) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Makes `to` hold hard links to exactly the files of `from`.
fn relink(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::hard_link(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// peakplan's temporaries, staging folders and journals in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".peakplan-") || n.ends_with(".tmp"))
        .collect()
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn plan_args(forecast: &Path, out: &Path, to: &str) -> Vec<OsString> {
    let mut args = os(&["--quiet", "--no-config", "plan"]);
    args.push("--scenario".into());
    args.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/scenario.toml")
            .into(),
    );
    args.push("--forecast".into());
    args.push(forecast.into());
    args.extend(os(&["--from", "2025-11-24", "--to", to, "--out-dir"]));
    args.push(out.into());
    args
}

/// A forecast of the bundled data for the plans here, in `root`.
fn bundled_forecast(root: &Path) -> std::path::PathBuf {
    let forecast = root.join("forecast.csv");
    let made = Command::new(env!("CARGO_BIN_EXE_peakplan"))
        .args(["--quiet", "--no-config", "forecast", "--history"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/history.csv"))
        .args(["--from", "2025-11-24", "--to", "2025-12-07", "--format"])
        .args(["csv", "--out"])
        .arg(&forecast)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    forecast
}

/// The calls made by a clean run of `run`, checked to be enough to test.
fn points_of(run: &[OsString], root: &Path) -> Vec<(&'static str, usize)> {
    let log = root.join("trace.log");
    let calls = count_calls(run, &log);
    std::fs::remove_file(&log).unwrap();
    let points: usize = calls.iter().map(|(_, n)| n).sum();
    assert!(points >= 3, "fsyncs and renames: {calls:?}");
    calls
}

#[test]
fn a_plan_folder_is_the_old_or_the_new_set_whatever_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let forecast = bundled_forecast(root);
    let out = root.join("plan");
    let run = |to: &str| run_ok(&plan_args(&forecast, &out, to));
    // The old set holds a file of the user's, which every run keeps.
    run("2025-11-27");
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let old = files_under(&out);
    run("2025-11-30");
    let new = files_under(&out);
    assert_ne!(old, new);
    assert_eq!(new["notes.txt"], b"mine");

    let new_args = plan_args(&forecast, &out, "2025-11-30");
    restore(&out, &old);
    let calls = points_of(&new_args, root);
    for (call, n) in &calls {
        for when in 1..=*n {
            for fault in faults_at(call) {
                restore(&out, &old);
                let got = inject(&new_args, call, when, &fault);
                assert!(!got.status.success(), "{call} #{when}: {got:?}");
                let now = files_under(&out);
                let which = format!("{call} #{when}");
                match fault {
                    Fault::Refuse => {
                        assert_eq!(got.status.code(), Some(1), "{which}");
                        let err = String::from_utf8_lossy(&got.stderr);
                        assert!(err.contains("error: "), "{which}: {err}");
                        assert!(now == old, "{which}: not the old set");
                        assert_eq!(leftovers(root), Vec::<String>::new());
                    }
                    Fault::Kill => {
                        assert!(now == old || now == new, "{which}: mixed");
                        // The next run (here writing the old set back)
                        // cleans up whatever the killed one left.
                        run("2025-11-27");
                        assert!(files_under(&out) == old, "{which}");
                        assert_eq!(leftovers(root), Vec::<String>::new());
                    }
                }
            }
        }
    }
}

/// A plan whose chart is written outside its folder: the folder swap and
/// the chart swap are one journaled set, which any later writer of either
/// path completes.
#[test]
fn a_plan_and_its_chart_elsewhere_land_together_whatever_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let forecast = bundled_forecast(root);
    let (out, chart) = (root.join("plan"), root.join("chart.svg"));
    let args = |to: &str| {
        let mut args = plan_args(&forecast, &out, to);
        args.push("--chart".into());
        args.push(chart.clone().into());
        args
    };
    let state = || (files_under(&out), std::fs::read(&chart).ok());
    let put = |s: &(Files, Option<Vec<u8>>)| {
        restore(&out, &s.0);
        std::fs::write(&chart, s.1.as_ref().unwrap()).unwrap();
    };
    run_ok(&args("2025-11-30"));
    let old = state();
    run_ok(&args("2025-12-07"));
    let new = state();
    assert!(old.0 != new.0 && old.1 != new.1);
    put(&old);
    let calls = points_of(&args("2025-12-07"), root);
    let mut mixed = 0;
    for (call, n) in &calls {
        for when in 1..=*n {
            for fault in faults_at(call) {
                put(&old);
                let got = inject(&args("2025-12-07"), call, when, &fault);
                let which = format!("{call} #{when}");
                assert!(!got.status.success(), "{which}: {got:?}");
                let now = state();
                if let Fault::Refuse = fault {
                    assert!(now == old, "{which}: not the old set");
                    assert_eq!(leftovers(root), Vec::<String>::new());
                    continue;
                }
                let folder_new = now.0 == new.0;
                assert!(folder_new || now.0 == old.0, "{which}: mixed folder");
                assert!(
                    now.1 == old.1 || now.1 == new.1,
                    "{which}: torn chart"
                );
                if now != old && now != new {
                    // Killed between the swaps: a forecast writing the
                    // chart path completes the plan's folder first.
                    mixed += 1;
                    let mut other = forecast_args(root, 1, false, false);
                    other.push("--chart".into());
                    other.push(chart.clone().into());
                    run_ok(&other);
                    let folder = files_under(&out);
                    assert!(
                        folder == new.0,
                        "{which}: the set was not completed"
                    );
                } else {
                    run_ok(&args("2025-11-30"));
                    assert!(state() == old, "{which}");
                }
                assert_eq!(leftovers(root), Vec::<String>::new(), "{which}");
            }
        }
    }
    assert!(mixed > 0, "no kill fell between the two swaps: {calls:?}");
}

fn forecast_args(
    dir: &Path,
    week: u32,
    out: bool,
    chart: bool,
) -> Vec<OsString> {
    let history = data("forecast_history.csv");
    let (from, to) = match week {
        1 => ("2025-02-03", "2025-02-09"),
        _ => ("2025-02-10", "2025-02-16"),
    };
    let mut args = os(&["--quiet", "--no-config", "forecast", "--history"]);
    args.push(history.into());
    args.extend(os(&["--calendar", "none", "--interval", "60m"]));
    args.extend(os(&["--from", from, "--to", to, "--format", "csv"]));
    if out {
        args.push("--out".into());
        args.push(dir.join("f.csv").into());
    }
    if chart {
        args.push("--chart".into());
        args.push(dir.join("f.svg").into());
    }
    args
}

fn run_ok(args: &[OsString]) {
    let got = Command::new(env!("CARGO_BIN_EXE_peakplan")).args(args).output();
    let got = got.unwrap();
    assert!(got.status.success(), "{got:?}");
}

#[test]
fn forecast_out_and_chart_land_together_whatever_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    run_ok(&forecast_args(dir, 1, true, true));
    let old = files_under(dir);
    run_ok(&forecast_args(dir, 2, true, true));
    let new = files_under(dir);
    assert_eq!(old.len(), 2);
    assert!(old["f.csv"] != new["f.csv"] && old["f.svg"] != new["f.svg"]);

    let new_args = forecast_args(dir, 2, true, true);
    let keep = tempfile::tempdir().unwrap();
    restore(dir, &old);
    let log = tmp.path().join("trace.log");
    let calls = count_calls(&new_args, &log);
    std::fs::remove_file(&log).unwrap();
    let points: usize = calls.iter().map(|(_, n)| n).sum();
    assert!(points >= 4, "two files, each fsynced and renamed: {calls:?}");
    let file = |files: &Files, name: &str| files.get(name).cloned();
    for (call, n) in &calls {
        for when in 1..=*n {
            for fault in faults_at(call) {
                restore(dir, &old);
                let got = inject(&new_args, call, when, &fault);
                let which = format!("{call} #{when}");
                assert!(!got.status.success(), "{which}: {got:?}");
                let now = files_under(dir);
                match fault {
                    Fault::Refuse => {
                        assert_eq!(got.status.code(), Some(1), "{which}");
                        assert!(now == old, "{which}: not the old set");
                    }
                    Fault::Kill => {
                        let visible: Files = now
                            .iter()
                            .filter(|(k, _)| k.starts_with("f."))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        if visible != old && visible != new {
                            // Killed between the two swaps: the journals
                            // let the next run writing either file finish.
                            let journals = now
                                .keys()
                                .filter(|k| k.ends_with(".peakplan-journal"))
                                .count();
                            assert_eq!(journals, 2, "{which}: mixed");
                            // The same killed state twice (hard links keep
                            // the inodes the journal names).
                            let killed = keep.path().join(&which);
                            relink(dir, &killed);
                            for chart in [false, true] {
                                relink(&killed, dir);
                                run_ok(&forecast_args(dir, 1, !chart, chart));
                                let after = files_under(dir);
                                let other =
                                    if chart { "f.csv" } else { "f.svg" };
                                assert!(
                                    file(&after, other) == file(&new, other),
                                    "{which}: the set was not completed"
                                );
                                let mine =
                                    if chart { "f.svg" } else { "f.csv" };
                                assert!(
                                    file(&after, mine) == file(&old, mine),
                                    "{which}: {mine} is not this run's"
                                );
                                assert_eq!(
                                    leftovers(dir),
                                    Vec::<String>::new()
                                );
                            }
                        } else {
                            run_ok(&forecast_args(dir, 1, true, true));
                            assert!(files_under(dir) == old, "{which}");
                        }
                        assert_eq!(
                            leftovers(dir),
                            Vec::<String>::new(),
                            "{which}"
                        );
                    }
                }
            }
        }
    }
}

/// Several plans writing the same folder at once: each swap is whole, the
/// folder lock orders them, and no staging folder is left.
#[test]
fn concurrent_plans_leave_one_whole_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let forecast = bundled_forecast(root);
    let out = root.join("plan");
    run_ok(&plan_args(&forecast, &out, "2025-11-30"));
    let reference = files_under(&out);
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_peakplan"))
                .args(plan_args(&forecast, &out, "2025-11-30"))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    assert!(files_under(&out) == reference, "not one run's whole set");
    assert_eq!(leftovers(root), Vec::<String>::new());
}
