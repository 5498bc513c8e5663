//! One file per subcommand: read inputs, compute, report.

pub mod backtest;
pub mod calendar;
pub mod erlang;
pub mod forecast;
pub mod plan;
pub mod reforecast;
pub mod simulate;
pub mod validate;
