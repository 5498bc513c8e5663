//! The steps a command chains, as library functions over plain data:
//! [`load()`] reads a history and its events into a series and a calendar,
//! [`planning`] forecasts a scenario's queues for a plan. Neither prints:
//! what a person may want to read goes to a [`Log`], which the command line
//! writes on stderr and a library caller may ignore ([`Quiet`]).

pub mod load;
pub mod planning;

pub use load::{Loaded, Prepared, Sources, load, prepare};
pub use planning::{
    HistoryForecast, forecast_for_plan, scenario_calendar,
    scenario_calendar_over,
};

/// Where the pipeline reports what it does. Every method does nothing by
/// default.
pub trait Log: Sync {
    /// A detail for a curious reader (`-v`): what was read, how long it
    /// took.
    fn detail(&self, _message: &str) {}
    /// Something the planner should read with the result.
    fn note(&self, _message: &str) {}
    /// A transient status while `file` is read, until [`Log::read_done`].
    fn reading(&self, _file: &str) {}
    /// The end of the [`Log::reading`] status.
    fn read_done(&self) {}
    /// `done` of `total` queues fitted.
    fn fitted(&self, _done: usize, _total: usize) {}
}

/// A [`Log`] that keeps nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl Log for Quiet {}

/// `1 event`, `2 events`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The time since `t`, as `12 ms` or `1.25 s`.
pub fn elapsed(t: std::time::Instant) -> String {
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}
