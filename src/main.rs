//! The `peakplan` binary: everything happens in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    peakplan::output::guard_stdout();
    peakplan::cli::main(std::env::args_os())
}
