//! The command line: flag definitions and dispatch to one file per
//! subcommand under `cmd/`. No planning logic lives here.

pub mod checks;
pub mod cmd;
mod files;
pub mod log;
pub mod plan_folder;
mod settings;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::config::Config;
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
    /// Read defaults (tz, csv_dialect, calendar) from this file instead of
    /// ./peakplan.toml or $XDG_CONFIG_HOME/peakplan/peakplan.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every config file: flags and built-in defaults only.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// Defaults loaded from the config file (flags override them).
    #[arg(skip)]
    pub defaults: Config,
}

impl Global {
    /// Prints a progress or log line on stderr unless `--quiet`.
    pub fn info(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// Prints a detail line on stderr with `-v`.
    pub fn detail(&self, message: impl std::fmt::Display) {
        if self.verbose > 0 && !self.quiet {
            eprintln!("{message}");
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forecast contacts per interval and queue.
    #[command(
        after_help = "Example:\n  peakplan forecast --history data/history.csv --events data/events.csv \\\n    --from 2025-11-01 --to 2025-12-31 --chart forecast.svg --out forecast.csv"
    )]
    Forecast(Lazy<cmd::forecast::Args>),
    /// Staff one interval (or a file of intervals) with Erlang C or A.
    #[command(
        after_help = "Example:\n  peakplan erlang --volume 120 --interval 30m --aht 4m --sl 0.8 --target 20s"
    )]
    Erlang(Lazy<cmd::erlang::Args>),
    /// Build a capacity plan from a scenario file.
    #[command(
        after_help = "Example:\n  peakplan plan --scenario data/scenario.toml --out-dir plan/"
    )]
    Plan(Lazy<cmd::plan::Args>),
    /// Measure forecast accuracy on past data, against naive baselines.
    #[command(
        after_help = "Example:\n  peakplan backtest --history data/history.csv --events data/events.csv \\\n    --horizon 14d --origins 4 --chart backtest.svg"
    )]
    Backtest(Lazy<cmd::backtest::Args>),
    /// Print the built-in peak-event calendar for a year.
    #[command(
        after_help = "Example:\n  peakplan calendar --year 2025 --events data/events.csv --csv-dialect fr \\\n    --out calendrier.csv"
    )]
    Calendar(Lazy<cmd::calendar::Args>),
    /// Check input files and summarise what they hold.
    #[command(
        after_help = "Example:\n  peakplan validate --history data/history.csv --events data/events.csv"
    )]
    Validate(Lazy<cmd::validate::Args>),
    /// Simulate a plan folder's days many times: P(daily SL ≥ target),
    /// abandonment, overflow.
    #[command(
        after_help = "Example:\n  peakplan simulate --plan plan/ --runs 1000 --seed 7 --chart bf.svg \\\n    --chart-day 2025-11-28"
    )]
    Simulate(Lazy<cmd::simulate::Args>),
    /// On the day: re-forecast the rest of it from the morning's actuals,
    /// restaff it and propose partner agents, overtime or deflection.
    #[command(
        after_help = "Example:\n  peakplan reforecast --plan plan/ --actuals today.csv --now 12:00"
    )]
    Reforecast(Lazy<cmd::reforecast::Args>),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  peakplan completions bash > ~/.local/share/bash-completion/completions/peakplan"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: `peakplan man > peakplan.1`.
    #[command(
        after_help = "Example:\n  peakplan man > peakplan.1 && man ./peakplan.1"
    )]
    Man,
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
        Err(err) => return parse_failed(&err),
    };
    let mut cli = cli;
    if !cli.global.no_config {
        let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
        match Config::discover(cli.global.config.as_deref(), &cwd) {
            Ok(config) => cli.global.defaults = config,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(err.exit_code());
            }
        }
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// What a command line clap did not accept becomes: help and version on
/// stdout (exit 0), usage errors on stderr (exit 2).
///
/// Help and version printed into a pipe or a file must say when the text
/// did not arrive (`--help > /dev/full`): clap alone would exit 0. On a
/// terminal clap prints them, in colour.
fn parse_failed(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let text_out = matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    );
    if !text_out || std::io::stdout().is_terminal() {
        let _ = err.print();
        return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
    }
    match crate::output::emit(None, err.render().to_string().as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
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
        Command::Forecast(Lazy(args)) => cmd::forecast::run(args, g),
        Command::Erlang(Lazy(args)) => cmd::erlang::run(args, g),
        Command::Plan(Lazy(args)) => cmd::plan::run(args, g),
        Command::Backtest(Lazy(args)) => cmd::backtest::run(args, g),
        Command::Calendar(Lazy(args)) => cmd::calendar::run(args, g),
        Command::Validate(Lazy(args)) => cmd::validate::run(args, g),
        Command::Simulate(Lazy(args)) => cmd::simulate::run(args, g),
        Command::Reforecast(Lazy(args)) => cmd::reforecast::run(args, g),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "peakplan",
                &mut out,
            );
            crate::output::emit(None, &out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| Error::write("-", e))?;
            crate::output::emit(None, &out)
        }
    }
}

/// A subcommand's flags, defined only when that subcommand is parsed (or
/// its help, the completions or the manual page are built): clap would
/// otherwise define every subcommand's flags at each start, about 0.2 ms
/// of the ~2 ms a short command takes.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T: clap::FromArgMatches> clap::FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }

    fn from_arg_matches_mut(
        m: &mut clap::ArgMatches,
    ) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Lazy)
    }

    fn update_from_arg_matches(
        &mut self,
        m: &clap::ArgMatches,
    ) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }

    fn update_from_arg_matches_mut(
        &mut self,
        m: &mut clap::ArgMatches,
    ) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
}

impl<T: clap::Args> clap::Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_about(cmd, T::augment_args))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_about(cmd, T::augment_args_for_update))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// `augment` applied to `cmd`, keeping the subcommand's description (the
/// flags' struct would set its own).
fn keep_about(
    cmd: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    use clap::builder::Resettable;
    let text = |s: Option<&clap::builder::StyledStr>| {
        s.cloned().map_or(Resettable::Reset, Resettable::Value)
    };
    let (about, long) = (text(cmd.get_about()), text(cmd.get_long_about()));
    augment(cmd).about(about).long_about(long)
}

fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. }
        if source.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    /// The flags defined late keep the subcommand's own description, not
    /// their struct's.
    #[test]
    fn lazy_flags_keep_the_subcommand_description() {
        let mut cli = Cli::command();
        cli.build();
        let own = |s: &&clap::Command| {
            !["completions", "man", "help"].contains(&s.get_name())
        };
        for sub in cli.get_subcommands().filter(own) {
            let about = sub.get_about().map(|s| s.to_string());
            let about = about.unwrap_or_default();
            assert!(!about.is_empty(), "{}", sub.get_name());
            assert!(!about.starts_with("Flags of"), "{}", sub.get_name());
            // Its own flags, not only the shared ones clap propagates.
            let own_flag = |a: &clap::Arg| {
                !a.is_global_set()
                    && !["help", "version"].contains(&a.get_id().as_str())
            };
            assert!(sub.get_arguments().any(own_flag), "{}", sub.get_name());
        }
    }

    #[test]
    fn every_subcommand_ends_its_help_with_an_example() {
        for sub in Cli::command().get_subcommands() {
            let after = sub.get_after_help().map(|s| s.to_string());
            let after = after.unwrap_or_default();
            let name = sub.get_name();
            assert!(after.starts_with("Example:\n  peakplan "), "{name}");
            let first = after.lines().nth(1).unwrap_or_default();
            assert!(first.contains(&format!("peakplan {name}")), "{name}");
        }
    }
}
