//! Reading the planner's input files: interval history and event calendars.
//!
//! Every reader reports problems as [`crate::error::InputError`] naming the
//! file, the line and the column, and never panics on bad data.

pub mod events;
pub mod history;
