//! Integration tests: run the real `peakplan` binary on files in
//! `tests/data/`. One module per command.

mod backtest;
mod calendar;
mod cli;
mod erlang;
mod events;
mod forecast;
mod history;
mod plan;
mod util;
mod validate;
