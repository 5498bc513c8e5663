//! Fault points in the writes of [`super`], for the tests that prove the
//! all-or-nothing guarantee on any machine (`tests/it/faults.rs`).
//!
//! Every rename or exchange, every flush to disk (of a file or a folder)
//! and every clean-up removal made by `output` first calls [`step`] with its
//! [`Kind`]. In a debug build two environment variables act on those steps,
//! counted from 1 per kind over the process:
//!
//! - `PEAKPLAN_FAULT=KIND:N:eio` makes the `N`-th step of `KIND` (`rename`,
//!   `fsync` or `remove`) fail with EIO instead of happening, as a failing
//!   disk would; `PEAKPLAN_FAULT=KIND:N:kill` sends the process SIGKILL at
//!   that step, before it happens, as a crash or `kill -9` would: nothing
//!   of the process runs after it.
//! - `PEAKPLAN_FAULT_LOG=FILE` appends the kind of every step to `FILE`, one
//!   a line, so that a test counts the steps of a clean run.
//!
//! A malformed `PEAKPLAN_FAULT` fails every step, and a log that cannot be
//! written fails the step that wanted it: a mistyped fault never passes for
//! a run that survived it. A release build reads neither variable; its
//! [`step`] does nothing.

use std::io;

/// What a step does to the file system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A rename, an exchange, or a rename that must not replace.
    Rename,
    /// A file's or a folder's flush to disk.
    Fsync,
    /// A removal of a temporary, a staging folder or a journal.
    Remove,
}

#[cfg(debug_assertions)]
impl Kind {
    const ALL: [Kind; 3] = [Kind::Rename, Kind::Fsync, Kind::Remove];

    fn name(self) -> &'static str {
        match self {
            Kind::Rename => "rename",
            Kind::Fsync => "fsync",
            Kind::Remove => "remove",
        }
    }
}

/// Called before each step of `kind`; never fails in a release build.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub(super) fn step(_kind: Kind) -> io::Result<()> {
    Ok(())
}

/// Called before each step of `kind`: logs it, then fails it or kills the
/// process when `PEAKPLAN_FAULT` names it.
#[cfg(debug_assertions)]
pub(super) fn step(kind: Kind) -> io::Result<()> {
    use std::io::Write;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    static COUNTS: [AtomicUsize; 3] = [const { AtomicUsize::new(0) }; 3];
    let settings = SETTINGS.get_or_init(Settings::from_env);
    let n = COUNTS[kind as usize].fetch_add(1, Ordering::Relaxed) + 1;
    if let Some(log) = &settings.log {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut f| writeln!(f, "{}", kind.name()))
            .map_err(|e| {
                io::Error::other(format!("PEAKPLAN_FAULT_LOG: {e}"))
            })?;
    }
    match &settings.fault {
        Err(message) => Err(io::Error::other(message.clone())),
        Ok(Some(fault)) if fault.kind == kind && fault.at == n => {
            match fault.action {
                Action::Eio => Err(rustix::io::Errno::IO.into()),
                Action::Kill => kill(),
            }
        }
        Ok(_) => Ok(()),
    }
}

#[cfg(all(debug_assertions, unix))]
fn kill() -> ! {
    use rustix::process::{Signal, getpid, kill_process};
    let _ = kill_process(getpid(), Signal::KILL);
    // SIGKILL cannot be caught: this is only reached if it could not be
    // sent at all.
    std::process::abort()
}

#[cfg(all(debug_assertions, not(unix)))]
fn kill() -> ! {
    std::process::abort()
}

#[cfg(debug_assertions)]
struct Settings {
    fault: Result<Option<Fault>, String>,
    log: Option<std::path::PathBuf>,
}

#[cfg(debug_assertions)]
impl Settings {
    fn from_env() -> Settings {
        let fault = match std::env::var_os("PEAKPLAN_FAULT") {
            None => Ok(None),
            Some(value) => parse(&value.to_string_lossy()).map(Some),
        };
        let log = std::env::var_os("PEAKPLAN_FAULT_LOG").map(Into::into);
        Settings { fault, log }
    }
}

#[cfg(debug_assertions)]
#[derive(Debug, PartialEq, Eq)]
enum Action {
    Eio,
    Kill,
}

/// The step to fail: the `at`-th of `kind`.
#[cfg(debug_assertions)]
#[derive(Debug, PartialEq, Eq)]
struct Fault {
    kind: Kind,
    at: usize,
    action: Action,
}

/// Reads `KIND:N:eio|kill`.
#[cfg(debug_assertions)]
fn parse(text: &str) -> Result<Fault, String> {
    let wrong = || {
        format!(
            "PEAKPLAN_FAULT: expected KIND:N:eio or KIND:N:kill with KIND \
             one of rename, fsync, remove and N from 1, found {text:?}"
        )
    };
    let mut parts = text.split(':');
    let (Some(kind), Some(at), Some(action), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(wrong());
    };
    let kind =
        Kind::ALL.into_iter().find(|k| k.name() == kind).ok_or_else(wrong)?;
    let at = at.parse().ok().filter(|&n| n >= 1).ok_or_else(wrong)?;
    let action = match action {
        "eio" => Action::Eio,
        "kill" => Action::Kill,
        _ => return Err(wrong()),
    };
    Ok(Fault { kind, at, action })
}

#[cfg(all(test, debug_assertions))]
mod tests {
    use super::*;

    #[test]
    fn reads_a_fault() {
        let fault = parse("fsync:12:kill").unwrap();
        let want = Fault { kind: Kind::Fsync, at: 12, action: Action::Kill };
        assert_eq!(fault, want);
        let fault = parse("rename:1:eio").unwrap();
        let want = Fault { kind: Kind::Rename, at: 1, action: Action::Eio };
        assert_eq!(fault, want);
    }

    #[test]
    fn refuses_a_malformed_fault() {
        for text in [
            "",
            "rename",
            "rename:1",
            "rename:0:eio",
            "rename:x:eio",
            "unlink:1:eio",
            "rename:1:EIO",
            "rename:1:eio:2",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("KIND:N:eio"), "{text}: {err}");
            assert!(err.contains(&format!("{text:?}")), "{text}: {err}");
        }
    }
}
