//! Discrete-event simulation of a staffing plan: many runs of each day,
//! to see how likely the plan is to hold its service level when intervals
//! do not fail independently.
//!
//! Erlang C and A judge each interval alone, in steady state. Here:
//!
//! * **arrivals** are a Poisson process whose rate is constant within a
//!   slot and moves with the forecast from slot to slot; without actual
//!   volumes each run draws a lognormal day factor (the whole day runs
//!   high or low together) and a per-slot noise, calibrated so that the
//!   simulated p10 and p90 of the day's volume are the forecast's (see
//!   [`arrivals`]); with actual volumes, each slot receives exactly its
//!   count at uniform times;
//! * **service** is FIFO, with exponential or lognormal handle times of the
//!   queue's AHT; chat agents hold several sessions at once (each agent
//!   is `concurrency` servers);
//! * **staff** follows the plan as a step function; an agent whose shift
//!   ends finishes the contact in hand;
//! * **abandonment**: exponential patience of the queue's mean; a caller
//!   who hung up may call again after a delay;
//! * **overflow**: a level-1 contact goes to the partner, which serves it
//!   with its own agents, when the in-house queue is longer than a
//!   threshold or its expected wait is above one;
//! * **backlog**: callers waiting at a slot's end are still waiting in the
//!   next one; the day closes at the end of its last slot, and callers
//!   still waiting then are counted as such.
//!
//! # Where it departs from Erlang
//!
//! On a long stationary slot, the simulation agrees with
//! [`crate::erlang`] (tested: Erlang C without patience, Erlang A with).
//! It departs where the Erlang assumptions break: a queue built in an
//! understaffed slot carries into the next one, so the next slot's service
//! level is below its own Erlang figure even at its Erlang staffing; a
//! slot starts with the previous slot's queue instead of in steady state;
//! a day that runs high runs high in every slot (the day factor) so bad
//! slots come together, and the daily service level has a spread that a
//! per-slot average hides; and lognormal handle times give a different
//! waiting time law than the exponential.
//!
//! # Inputs and outputs
//!
//! A [`Model`] is plain data (see [`model`]); from a plan's folder:
//!
//! * one [`QueueModel`] per voice or chat queue of the scenario (AHT,
//!   patience, target, chat concurrency, level 1 and the overflow rule);
//!   an e-mail queue plays as a queue with no patience whose target is
//!   the share handled within the response deadline, as long as the
//!   deadline ends within the day (a backlog is not carried overnight);
//! * one [`DayPlan`] per date, its slots from the queue's opening to its
//!   close: the forecast mean per interval with the day total's p10 and
//!   p90 ([`Volumes::Forecast`]), or the actual counts
//!   ([`Volumes::Actual`]);
//! * the staff from the plan's shifts ([`Staff::from_shifts`], times in
//!   seconds from the first slot, in-house, hired and overtime blocks
//!   together) or, without shifts, the agents on the phones per interval
//!   ([`Staff::per_slot`]); the partner's agents likewise.
//!
//! [`simulate`] returns [`DayStats`] per queue and day and [`SlotStats`]
//! per slot (definitions in [`stats`]). Days are independent horizons: a
//! queue left at one day's close does not reach the next morning.

pub mod arrivals;
mod engine;
pub mod from_plan;
pub mod model;
pub mod plan_dir;
mod run;
mod service;
pub mod stats;
#[cfg(test)]
mod tests;

pub use arrivals::{DayFactor, calibrate};
pub use model::{
    Channel, DailyBand, DayPlan, HandleTime, Model, Overflow, OverflowRule,
    QueueModel, Redial, Shift, SlTarget, Staff, Volumes,
};
pub use run::{Outcome, RunOptions, simulate};
pub use stats::{DayStats, SlotStats};

/// A value the simulation cannot run on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Zero runs asked.
    #[error("--runs: expected 1 or more runs, found 0")]
    Runs,
    /// Slot length not positive and finite.
    #[error("slot length: expected more than 0 seconds, found {0} s")]
    SlotLength(f64),
    /// A queue parameter out of range.
    #[error("queue {queue}: {field} out of range, found {value}")]
    Queue {
        /// The queue's name.
        queue: String,
        /// The parameter.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A day's value out of range.
    #[error(
        "queue {queue}, day {day}{}: {field} out of range, found {value}",
        slot.map(|s| format!(", slot {s}")).unwrap_or_default()
    )]
    Day {
        /// The queue's name.
        queue: String,
        /// The day's label.
        day: String,
        /// The slot, when the value belongs to one.
        slot: Option<usize>,
        /// The value's name.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A shift that ends before it starts, or with times not finite.
    #[error("shift {index}: from {start_s} s to {end_s} s is not a time span")]
    Shift {
        /// The shift's position in the list given.
        index: usize,
        /// Its start in seconds.
        start_s: f64,
        /// Its end in seconds.
        end_s: f64,
    },
}

/// An invalid simulation value is an invalid input (exit 2).
impl From<SimError> for crate::error::Error {
    fn from(err: SimError) -> crate::error::Error {
        crate::error::Error::usage(err.to_string())
    }
}
