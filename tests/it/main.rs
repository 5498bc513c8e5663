//! Integration tests: run the real `peakplan` binary on files in
//! `tests/data/`. One module per command.

mod calendar;
mod cli;
mod events;
mod plan;
mod util;
