//! `peakplan validate`: check input files and summarise what they hold.
//!
//! ```text
//! peakplan validate --history FILE [--events FILE]... [--scenario FILE]
//!                   [--tz ZONE] [--interval DUR] [--duplicates error|sum]
//!                   [--format table|json]
//! ```
//!
//! Exits 0 when the files can be planned from, 2 when they cannot (a
//! reading error, a history without contacts, an invalid scenario or one
//! whose queues are not in the history). With `--scenario`, the history
//! and events default to the scenario's, read at its interval and zone. The checks live in
//! [`crate::inputs::validate`]; this file only prints.

use std::path::PathBuf;

use chrono_tz::Tz;

use crate::capacity::Scenario;
use crate::cli::Global;
use crate::cli::checks::ArgsError;
use crate::config::Layer;
use crate::error::{Error, InputError, Location, Result};
use crate::inputs::history::{Duplicates, HistoryOptions};
use crate::inputs::parse_tz;
use crate::inputs::validate::{summarize_scenario, validate};
use crate::output::emit;
use crate::report::term::Look;
use crate::report::validate::ValidateReport;
use crate::units::IntervalLen;

/// How `validate` prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Text for a person.
    #[default]
    Table,
    /// JSON for scripts (stable keys, dates as `YYYY-MM-DD`).
    Json,
}

/// Flags of `peakplan validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// History CSV (`-` reads standard input) [default: the scenario's
    /// `inputs.history`].
    #[arg(long, value_name = "FILE", required_unless_present = "scenario")]
    pub history: Option<PathBuf>,
    /// Events CSV; repeat for several files [default: the scenario's
    /// `inputs.events`].
    #[arg(long, value_name = "FILE")]
    pub events: Vec<PathBuf>,
    /// Scenario TOML to check: it parses, its queues are in the history,
    /// its dates fit the history; team, hiring and partners summarised.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Zone of timestamps written without an offset, and of the report
    /// [default: the config file's `tz`, else Europe/Paris].
    #[arg(long, value_name = "ZONE", value_parser = parse_tz)]
    pub tz: Option<Tz>,
    /// Summarise at this interval, a multiple of the file's step (15m,
    /// 30m, 60m...). Default: the file's own step, or the finest of 5m,
    /// 10m, 15m, 30m, 60m that is a multiple of it (30m for 6-minute data).
    #[arg(long, value_name = "DUR")]
    pub interval: Option<IntervalLen>,
    /// What to do with a queue and interval that appear twice.
    #[arg(long, value_enum, value_name = "POLICY", default_value_t)]
    pub duplicates: Duplicates,
    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub format: Output,
}

/// Runs `peakplan validate`.
///
/// # Errors
///
/// Any reading error (exit 2), or an input error when the files cannot be
/// planned from (after printing the summary).
pub fn run(args: Args, global: &Global) -> Result<()> {
    let below = global.below_scenario();
    let scenario = args
        .scenario
        .as_deref()
        .map(|path| Scenario::read(path, &below))
        .transpose()?;
    let flags = Layer { tz: args.tz, ..Layer::default() };
    let settings = global.settings(flags, scenario.as_ref());
    let history = args
        .history
        .clone()
        .or_else(|| scenario.as_ref().and_then(|s| s.inputs.history.clone()));
    let history = history.ok_or(ArgsError::NoHistory)?;
    let events = match &scenario {
        Some(s) if args.events.is_empty() => s.inputs.events.clone(),
        _ => args.events.clone(),
    };
    let opts = HistoryOptions {
        tz: settings.tz,
        interval: args
            .interval
            .or(scenario.as_ref().map(|s| s.horizon.interval)),
        duplicates: args.duplicates,
    };
    let started = std::time::Instant::now();
    let mut report = validate(&history, &events, &opts)?;
    global.detail(format!(
        "read {}: {} rows, {} queue(s), {} events file(s) ({} ms)",
        report.history.file,
        report.history.rows,
        report.history.queues.len(),
        report.events.len(),
        started.elapsed().as_millis()
    ));
    if let (Some(s), Some(path)) = (&scenario, &args.scenario) {
        let summary = summarize_scenario(
            &path.display().to_string(),
            s,
            &report.history,
        );
        report.usable &= summary.problems.is_empty();
        report.scenario = Some(summary);
    }
    let out = ValidateReport(&report);
    let bytes = match args.format {
        Output::Table => out.table(Look::stdout()).into_bytes(),
        Output::Json => out.json_bytes()?,
    };
    emit(None, &bytes)?;
    if report.usable {
        return Ok(());
    }
    if !report.history.usable {
        return Err(InputError::new(
            Location::file(&report.history.file),
            format!(
                "cannot be planned from: {}",
                report.history.problems.join("; ")
            ),
        )
        .into());
    }
    let (file, problems) = match &report.scenario {
        Some(s) => (s.file.as_str(), s.problems.join("; ")),
        None => (report.history.file.as_str(), String::new()),
    };
    Err(Error::usage(format!("{file}: cannot be planned from: {problems}")))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command, Lazy};

    #[test]
    fn parses_flags() {
        let cli = Cli::try_parse_from([
            "peakplan",
            "validate",
            "--history",
            "h.csv",
            "--events",
            "a.csv",
            "--events",
            "b.csv",
            "--tz",
            "America/New_York",
            "--interval",
            "30m",
            "--duplicates",
            "sum",
            "--format",
            "json",
        ])
        .unwrap();
        let Command::Validate(Lazy(args)) = cli.command else { panic!() };
        assert_eq!(args.events.len(), 2);
        assert_eq!(args.tz, Some(chrono_tz::America::New_York));
        assert_eq!(args.interval.map(|i| i.minutes()), Some(30));
        let parses = |extra: [&str; 2]| {
            let base = ["peakplan", "validate", "--history", "h.csv"];
            Cli::try_parse_from(base.into_iter().chain(extra)).is_ok()
        };
        assert!(!parses(["--tz", "Paris"]));
        assert!(!parses(["--format", "csv"]));
        assert!(parses(["--format", "json"]));
    }
}
