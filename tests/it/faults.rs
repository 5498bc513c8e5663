//! Fault injection into multi-file writes, in two layers over the same
//! cases and the same checks:
//!
//! - **the fault points**, always: the debug binary's own seam
//!   (`src/output/fault.rs`), driven by `PEAKPLAN_FAULT`, makes the file
//!   system refuse (EIO), or kills the process (SIGKILL), at each rename,
//!   fsync and clean-up removal of `src/output.rs` in turn. It needs nothing
//!   but the binary.
//! - **strace**, when it is on `PATH` (`.ci/run` installs it): the same
//!   faults injected into the real system calls (`rename`, `renameat`,
//!   `renameat2`, `fsync`, `fdatasync`; SIGKILL at `unlink`, `unlinkat`,
//!   `rmdir`), which reaches calls the seam does not see, such as each
//!   removal inside a folder tree. Without strace this layer says on stderr
//!   that it was skipped, and why (or fails, with
//!   `PEAKPLAN_TEST_STRACE=require`); the first layer still fails if the
//!   guarantee breaks.
//!
//! After every fault the outputs must be the old set or the new set byte for
//! byte, and the next run must leave no temporary file behind.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::util::data;

type Files = BTreeMap<String, Vec<u8>>;

/// Where the faults are injected.
#[derive(Clone, Copy, Debug)]
enum Layer {
    /// The debug binary's fault points.
    Seam,
    /// The system calls, through strace.
    Strace,
}

impl Layer {
    /// The steps or system calls a set is written with.
    fn points(self) -> &'static [&'static str] {
        match self {
            Layer::Seam => &["rename", "fsync", "remove"],
            Layer::Strace => &[
                "rename",
                "renameat",
                "renameat2",
                "fsync",
                "fdatasync",
                "unlink",
                "unlinkat",
                "rmdir",
            ],
        }
    }

    /// The points that clean up after a set is in place: a kill there must
    /// leave the set whole and nothing behind after the next run (they
    /// are not refused: a failed clean-up is the next run's to finish).
    fn cleanup(self) -> &'static [&'static str] {
        match self {
            Layer::Seam => &["remove"],
            Layer::Strace => &["unlink", "unlinkat", "rmdir"],
        }
    }

    /// The faults to try at `point`.
    fn faults_at(self, point: &str) -> Vec<Fault> {
        if self.cleanup().contains(&point) {
            vec![Fault::Kill]
        } else {
            vec![Fault::Refuse, Fault::Kill]
        }
    }

    /// How many times each point is reached by a clean run of `run`
    /// (points never reached left out), logged to `log`.
    fn count(
        self,
        run: &[OsString],
        log: &Path,
    ) -> Vec<(&'static str, usize)> {
        let out = match self {
            Layer::Seam => {
                peakplan(run).env("PEAKPLAN_FAULT_LOG", log).output().unwrap()
            }
            Layer::Strace => {
                let trace = format!("trace={}", self.points().join(","));
                strace(&["-o", log.to_str().unwrap(), "-e", &trace], run)
            }
        };
        assert!(out.status.success(), "{self:?}: {out:?}");
        let text = std::fs::read_to_string(log).unwrap();
        std::fs::remove_file(log).unwrap();
        self.points()
            .iter()
            .map(|&point| {
                let opening = format!(" {point}(");
                let n = text
                    .lines()
                    .filter(|l| match self {
                        Layer::Seam => *l == point,
                        Layer::Strace => l.contains(&opening),
                    })
                    .count();
                (point, n)
            })
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    /// Runs `run` with `fault` at the `when`-th `point`.
    fn inject(
        self,
        run: &[OsString],
        point: &str,
        when: usize,
        fault: &Fault,
    ) -> Output {
        match self {
            Layer::Seam => {
                let action = match fault {
                    Fault::Refuse => "eio",
                    Fault::Kill => "kill",
                };
                let fault = format!("{point}:{when}:{action}");
                peakplan(run).env("PEAKPLAN_FAULT", fault).output().unwrap()
            }
            Layer::Strace => {
                let action = match fault {
                    Fault::Refuse => "error=EIO",
                    Fault::Kill => "signal=KILL",
                };
                let trace = format!("trace={point}");
                let inject = format!("inject={point}:{action}:when={when}");
                strace(&["-o", "/dev/null", "-e", &trace, "-e", &inject], run)
            }
        }
    }
}

/// The layers to run: the fault points always, strace when it runs here.
/// When it does not, says so once on stderr (past the test harness's
/// capture, so that a passing run shows it too), or fails when
/// `PEAKPLAN_TEST_STRACE=require` (as `.ci/run` sets).
fn layers() -> Vec<Layer> {
    static STRACE: OnceLock<bool> = OnceLock::new();
    let strace = *STRACE.get_or_init(|| {
        let why = match Command::new("strace").arg("-V").output() {
            Ok(out) if out.status.success() => return true,
            Ok(out) => format!("`strace -V` failed ({})", out.status),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                "strace is not on PATH".to_string()
            }
            Err(e) => format!("strace cannot be run ({e})"),
        };
        // CI installs strace: there, a skipped layer is a failure.
        let required = std::env::var_os("PEAKPLAN_TEST_STRACE")
            .is_some_and(|v| v == "require");
        assert!(!required, "PEAKPLAN_TEST_STRACE=require, but {why}");
        let _ = writeln!(
            std::io::stderr(),
            "faults: strace layer skipped: {why}; the debug binary's fault \
             points were checked alone (apt-get install strace to check the \
             system calls too)"
        );
        false
    });
    if strace { vec![Layer::Seam, Layer::Strace] } else { vec![Layer::Seam] }
}

/// The binary, with no fault of the caller's environment.
fn peakplan(run: &[OsString]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_peakplan"));
    command
        .args(run)
        .env("NO_COLOR", "1")
        .env_remove("PEAKPLAN_FAULT")
        .env_remove("PEAKPLAN_FAULT_LOG");
    command
}

fn strace(args: &[&str], run: &[OsString]) -> Output {
    Command::new("strace")
        .args(["-f", "-qq"])
        .args(args)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_peakplan"))
        .args(run)
        .env("NO_COLOR", "1")
        .env_remove("PEAKPLAN_FAULT")
        .env_remove("PEAKPLAN_FAULT_LOG")
        .output()
        .unwrap()
}

enum Fault {
    Refuse,
    Kill,
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

/// The points reached by a clean run of `run` in `layer`, checked to be
/// at least `least` in all.
fn points_of(
    layer: Layer,
    run: &[OsString],
    root: &Path,
    least: usize,
) -> Vec<(&'static str, usize)> {
    let calls = layer.count(run, &root.join("trace.log"));
    let points: usize = calls.iter().map(|(_, n)| n).sum();
    assert!(points >= least, "{layer:?}: fsyncs and renames: {calls:?}");
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
    for layer in layers() {
        restore(&out, &old);
        let calls = points_of(layer, &new_args, root, 3);
        for (call, n) in &calls {
            for when in 1..=*n {
                for fault in layer.faults_at(call) {
                    restore(&out, &old);
                    let got = layer.inject(&new_args, call, when, &fault);
                    let which = format!("{layer:?} {call} #{when}");
                    assert!(!got.status.success(), "{which}: {got:?}");
                    let now = files_under(&out);
                    match fault {
                        Fault::Refuse => {
                            assert_eq!(got.status.code(), Some(1), "{which}");
                            let err = String::from_utf8_lossy(&got.stderr);
                            assert!(err.contains("error: "), "{which}: {err}");
                            assert!(now == old, "{which}: not the old set");
                            assert_eq!(leftovers(root), Vec::<String>::new());
                        }
                        Fault::Kill => {
                            assert!(
                                now == old || now == new,
                                "{which}: mixed"
                            );
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
    let new_args = args("2025-12-07");
    for layer in layers() {
        put(&old);
        let calls = points_of(layer, &new_args, root, 3);
        let mut mixed = 0;
        for (call, n) in &calls {
            for when in 1..=*n {
                for fault in layer.faults_at(call) {
                    put(&old);
                    let got = layer.inject(&new_args, call, when, &fault);
                    let which = format!("{layer:?} {call} #{when}");
                    assert!(!got.status.success(), "{which}: {got:?}");
                    let now = state();
                    if let Fault::Refuse = fault {
                        assert!(now == old, "{which}: not the old set");
                        assert_eq!(leftovers(root), Vec::<String>::new());
                        continue;
                    }
                    let folder_new = now.0 == new.0;
                    assert!(
                        folder_new || now.0 == old.0,
                        "{which}: mixed folder"
                    );
                    assert!(
                        now.1 == old.1 || now.1 == new.1,
                        "{which}: torn chart"
                    );
                    if now != old && now != new {
                        // Killed between the swaps: a forecast writing the
                        // chart path completes the plan's folder first...
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
                        assert_eq!(leftovers(root), Vec::<String>::new());
                        // ...and, killed there again, a plan writing only
                        // the folder completes the chart first.
                        put(&old);
                        let again =
                            layer.inject(&new_args, call, when, &fault);
                        assert!(!again.status.success(), "{which}: {again:?}");
                        assert!(state() == now, "{which}: not the same kill");
                        run_ok(&plan_args(&forecast, &out, "2025-11-30"));
                        assert!(
                            std::fs::read(&chart).ok() == new.1,
                            "{which}: the chart was not completed"
                        );
                    } else {
                        run_ok(&args("2025-11-30"));
                        assert!(state() == old, "{which}");
                    }
                    assert_eq!(
                        leftovers(root),
                        Vec::<String>::new(),
                        "{which}"
                    );
                }
            }
        }
        assert!(mixed > 0, "{layer:?}: no kill between the swaps: {calls:?}");
    }
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
    let file = |files: &Files, name: &str| files.get(name).cloned();
    // The counting run's log, outside the folder of the set.
    let logs = tempfile::tempdir().unwrap();
    for layer in layers() {
        restore(dir, &old);
        // Two files, each fsynced and renamed.
        let calls = points_of(layer, &new_args, logs.path(), 4);
        for (call, n) in &calls {
            for when in 1..=*n {
                for fault in layer.faults_at(call) {
                    restore(dir, &old);
                    let got = layer.inject(&new_args, call, when, &fault);
                    let which = format!("{layer:?} {call} #{when}");
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
                                    .filter(|k| {
                                        k.ends_with(".peakplan-journal")
                                    })
                                    .count();
                                assert_eq!(journals, 2, "{which}: mixed");
                                // The same killed state twice (hard links keep
                                // the inodes the journal names).
                                let killed = keep.path().join(&which);
                                relink(dir, &killed);
                                for chart in [false, true] {
                                    relink(&killed, dir);
                                    run_ok(&forecast_args(
                                        dir, 1, !chart, chart,
                                    ));
                                    let after = files_under(dir);
                                    let other =
                                        if chart { "f.csv" } else { "f.svg" };
                                    assert!(
                                        file(&after, other)
                                            == file(&new, other),
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
