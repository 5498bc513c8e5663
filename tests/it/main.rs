//! Integration tests: run the real `peakplan` binary on files in
//! `tests/data/`. One module per command.

mod backtest;
mod calendar;
mod cli;
mod conventions;
mod cron;
mod erlang;
mod events;
mod faults;
mod forecast;
mod forecast_stream;
mod history;
mod history_stream;
mod plan;
mod plan_issue;
mod plan_optimal;
mod plan_simulate;
mod readme;
mod reforecast;
mod reliability;
mod roster;
mod simulate;
mod snapshots;
mod util;
mod validate;
