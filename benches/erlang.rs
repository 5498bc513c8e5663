//! Erlang staffing benchmarks (to be written).

fn main() {}
