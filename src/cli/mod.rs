//! The command line: flag definitions and dispatch to one file per
//! subcommand under `cmd/`. No planning logic lives here.

pub mod cmd;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::report::Dialect;

/// peakplan: call-center staffing for peak seasons.
///
/// Forecast contacts per interval from history and a peak-event calendar,
/// staff every interval with Erlang C / Erlang A, and plan seasonal hires,
/// overtime and overflow to partners.
#[derive(Debug, Parser)]
#[command(name = "peakplan", version, propagate_version = true)]
pub struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Global {
    /// Print nothing on stderr except errors.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Print more detail on stderr (repeat for more).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// CSV dialect: `en` (`,` and `1.5`) or `fr` (`;`, `1,5` and a BOM, for
    /// French Excel).
    #[arg(long, global = true, value_enum, value_name = "DIALECT")]
    pub csv_dialect: Option<Dialect>,
}

impl Global {
    /// The CSV dialect to write.
    pub fn dialect(&self) -> Dialect {
        self.csv_dialect.unwrap_or_default()
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forecast contacts per interval and queue.
    Forecast(cmd::forecast::Args),
    /// Staff one interval (or a file of intervals) with Erlang C or A.
    Erlang(cmd::erlang::Args),
    /// Build a capacity plan from a scenario file.
    Plan(cmd::plan::Args),
    /// Measure forecast accuracy on past data, against naive baselines.
    Backtest(cmd::backtest::Args),
    /// Print the built-in peak-event calendar for a year.
    Calendar(cmd::calendar::Args),
    /// Check input files and summarise what they hold.
    Validate(cmd::validate::Args),
}

/// Runs peakplan with `argv` and returns the process exit code.
///
/// Errors are printed once, on stderr, as `error: ...`; a closed stdout
/// (`peakplan ... | head`) is not an error.
pub fn main<I, T>(argv: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version on stdout (exit 0) and usage
            // errors on stderr (exit 2).
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// Dispatches a parsed command line.
///
/// # Errors
///
/// Whatever the subcommand returns.
pub fn run(cli: Cli) -> crate::Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Forecast(args) => cmd::forecast::run(args, g),
        Command::Erlang(args) => cmd::erlang::run(args, g),
        Command::Plan(args) => cmd::plan::run(args, g),
        Command::Backtest(args) => cmd::backtest::run(args, g),
        Command::Calendar(args) => cmd::calendar::run(args, g),
        Command::Validate(args) => cmd::validate::run(args, g),
    }
}

fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. }
        if source.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
