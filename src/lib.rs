//! peakplan: call-center staffing for peak seasons.
//!
//! The data flow, one module per stage:
//!
//! ```text
//! history.csv ─► inputs::history ─► History ─┐
//! events.csv  ─► inputs::events ─┐           ├► forecast ─► Forecast
//! built-in FR days ─► calendar ──┴► Calendar ┘                 │
//!                     erlang (per interval) ◄──────────────────┘
//!                     capacity (hires, overtime, partners) ─► report
//! ```
//!
//! Every stage is a plain function over plain data; the binary in
//! `src/main.rs` only parses flags and calls [`cli::main`].

pub mod calendar;
pub mod capacity;
pub mod cli;
pub mod config;
pub mod erlang;
pub mod error;
pub mod forecast;
pub mod inputs;
pub mod output;
pub mod pipeline;
pub mod reforecast;
pub mod report;
pub mod simulate;
pub mod units;

pub use error::{Error, InputError, Location, Result};
