//! The `peakplan` binary: everything happens in the library.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    peakplan::output::guard_stdout();
    let args: Vec<_> = std::env::args_os().collect();
    // `--help` and `--version` printed into a pipe or a file must say when
    // the text did not arrive (`--help > /dev/full`): clap alone would exit
    // 0. On a terminal clap prints them, in colour.
    if !std::io::stdout().is_terminal()
        && let Err(err) = peakplan::cli::Cli::try_parse_from(&args)
        && matches!(
            err.kind(),
            clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
        )
    {
        let text = err.render().to_string();
        return match peakplan::output::emit(None, text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if peakplan::output::is_broken_pipe(&e) => {
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(e.exit_code())
            }
        };
    }
    peakplan::cli::main(args)
}
