//! The pipeline's [`Log`] on stderr: details with `-v`, notes unless
//! `--quiet`, a status line and a progress bar only on a terminal.

use crate::pipeline::Log;
use crate::report::term::Status;

use super::Global;

/// Writes what the pipeline reports on stderr, as `global` asks.
pub struct StderrLog<'a> {
    global: &'a Global,
    status: Status,
}

impl<'a> StderrLog<'a> {
    /// A log for the options of `global`.
    pub fn new(global: &'a Global) -> StderrLog<'a> {
        StderrLog { global, status: Status::new(global.quiet) }
    }
}

impl Log for StderrLog<'_> {
    fn detail(&self, message: &str) {
        self.global.detail(message);
    }

    fn note(&self, message: &str) {
        self.global.info(format!("note: {message}"));
    }

    fn reading(&self, file: &str) {
        self.status.show(&format!("reading {file}…"));
    }

    fn read_done(&self) {
        self.status.clear();
    }

    /// A bar while queues are fitted, erased when the last is done.
    fn fitted(&self, done: usize, total: usize) {
        if total > 1 {
            self.status.bar("fitting queues", done, total);
            if done == total {
                self.status.clear();
            }
        }
    }
}
