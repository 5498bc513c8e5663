//! Integration tests: run the real `peakplan` binary on files in
//! `tests/data/`. One module per command.

mod erlang;
mod util;
