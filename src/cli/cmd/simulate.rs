//! `peakplan simulate`: many simulated days of a plan folder.
//!
//! ```text
//! peakplan simulate --plan DIR [--runs 1000] [--seed N] [--actuals FILE]
//!                   [--days DATE..DATE] [--scenario FILE] [--out FILE]
//!                   [--out-dir DIR] [--chart FILE.svg --chart-day DATE]
//!                   [--format table|csv|json] [--strict]
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::capacity::{Scenario, forecast_csv};
use crate::cli::Global;
use crate::error::{Error, Result};
use crate::report::simulate::{SimulationReport, chart_svg};
use crate::report::{self, Format, term::Look};
use crate::simulate::from_plan::{self, BuildOptions, parse_days};
use crate::simulate::{HandleTime, OverflowRule, RunOptions, plan_dir};
use crate::units::parse_duration;

/// Flags of `peakplan simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder `peakplan plan --out-dir` wrote.
    #[arg(long, value_name = "DIR")]
    pub plan: PathBuf,
    /// Independent simulated runs of every day.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Seed of the runs: the same seed gives the same figures.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replay actual volumes (`interval_start,queue,volume`) instead of
    /// drawing them from the forecast.
    #[arg(long, value_name = "FILE")]
    pub actuals: Option<PathBuf>,
    /// Only these days, e.g. `2025-11-24..2025-12-01`.
    #[arg(long, value_name = "DATE..DATE", value_parser = parse_days)]
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// The scenario (AHT, patience, targets); default: the one recorded in
    /// the folder's summary.json.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Handle times lognormal with this coefficient of variation instead
    /// of exponential.
    #[arg(long, value_name = "CV")]
    pub handle_cv: Option<f64>,
    /// Send level-1 contacts to the partner when the expected in-house
    /// wait is above this (default: the target's answer time).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub overflow_wait: Option<f64>,
    /// Write the main result to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Folder for days.csv and intervals.csv, written as one set.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// SVG of a day's simulated service level per interval.
    #[arg(long, value_name = "FILE.svg", requires = "chart_day")]
    pub chart: Option<PathBuf>,
    /// The day `--chart` draws.
    #[arg(long, value_name = "DATE", requires = "chart")]
    pub chart_day: Option<NaiveDate>,
    /// The result's format (default: from --out's extension, else table).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Exit with code 3 when an event day holds its target in fewer than
    /// 80 % of runs.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `peakplan simulate`: load, simulate, report.
///
/// # Errors
///
/// Exit 2 for an invalid folder, file or flag; 3 with `--strict` when an
/// event day falls short; 1 when the outputs cannot be written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let folder = plan_dir::read(&args.plan)?;
    let Some(path) = args.scenario.clone().or_else(|| folder.scenario_file())
    else {
        return Err(Error::usage(
            "no scenario: pass --scenario FILE (the plan folder's summary.json names none)",
        ));
    };
    let scenario = Scenario::read(&path, &global.below_scenario())?;
    let actuals = match &args.actuals {
        Some(p) => Some(forecast_csv::read(p, scenario.horizon.tz)?),
        None => None,
    };
    let handle = match args.handle_cv {
        Some(cv) if cv.is_finite() && cv > 0.0 => HandleTime::LogNormal { cv },
        Some(cv) => {
            return Err(Error::usage(format!(
                "--handle-cv: expected a number above 0, found {cv}"
            )));
        }
        None => HandleTime::Exponential,
    };
    let overflow = args.overflow_wait.map(OverflowRule::ExpectedWaitAbove);
    let options =
        BuildOptions { handle, redial: None, overflow, days: args.days };
    let plan =
        from_plan::build(&folder, &scenario, actuals.as_deref(), &options)?;
    plan.notes.iter().for_each(|n| global.info(format!("note: {n}")));
    let run = RunOptions { runs: args.runs, seed: args.seed };
    let outcome = crate::simulate::simulate(&plan.model, &run)
        .map_err(|e| Error::usage(e.to_string()))?;
    let calendar = crate::pipeline::scenario_calendar(&scenario)?;
    let result = SimulationReport::new(&plan, outcome, &calendar, args.seed);
    let dialect = global.dialect();
    let format = Format::resolve(args.format, args.out.as_deref());
    let main = report::render(
        &result,
        format,
        Look::for_output(args.out.as_deref()),
        dialect,
    )?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(dir) = &args.out_dir {
        files.extend(
            result.files(dialect)?.into_iter().map(|(n, b)| (dir.join(n), b)),
        );
    }
    if let (Some(p), Some(day)) = (&args.chart, args.chart_day) {
        files.push((p.clone(), chart_svg(&result, day)?));
    }
    if let Some(p) = &args.out {
        files.push((p.clone(), main.clone()));
    }
    let set: Vec<(&Path, &[u8])> =
        files.iter().map(|(p, b)| (p.as_path(), b.as_slice())).collect();
    match &args.out_dir {
        Some(dir) => crate::output::write_files_atomic(dir, &set)?,
        None => crate::output::write_all_atomic(&set)?,
    }
    if args.out.is_none() {
        crate::output::emit(None, &main)?;
    }
    let short = result.event_days_short();
    if args.strict && !short.is_empty() {
        let days: Vec<String> = short
            .iter()
            .map(|d| format!("{} {}", d.date, d.stats.queue))
            .collect();
        return Err(Error::TargetsMissed(format!(
            "event day(s) holding the target in fewer than 80 % of runs: {}",
            days.join(", ")
        )));
    }
    Ok(())
}
