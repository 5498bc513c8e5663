//! `peakplan simulate`: many simulated days of a plan folder.
//!
//! ```text
//! peakplan simulate --plan DIR [--runs 1000] [--seed N] [--actuals FILE]
//!   [--days DATE..DATE] [--scenario FILE] [--out FILE] [--out-dir DIR]
//!   [--chart FILE.svg --chart-day DATE] [--format F] [--strict]
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::capacity::forecast_csv;
use crate::cli::Global;
use crate::cli::plan_folder::PlanFolderArgs;
use crate::error::Result;
use crate::report::simulate::SimulationReport;
use crate::report::{self, Format, term::Look};
use crate::simulate::from_plan::{
    self, BuildOptions, parse_days, parse_redial,
};
use crate::simulate::{Redial, RunOptions, simulate};

/// Flags of `peakplan simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan folder and its scenario.
    #[command(flatten)]
    pub folder: PlanFolderArgs,
    /// Independent simulated runs of every day.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Seed of the runs: the same seed gives the same figures.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replay actual volumes (`interval_start,queue,volume`) instead.
    #[arg(long, value_name = "FILE")]
    pub actuals: Option<PathBuf>,
    /// Only these days, e.g. `2025-11-24..2025-12-01`.
    #[arg(long, value_name = "DATE..DATE", value_parser = parse_days)]
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// Lognormal handle times of this coefficient of variation.
    #[arg(long, value_name = "CV")]
    pub handle_cv: Option<f64>,
    /// Callers who hung up call again: probability@delay, e.g. 0.3@15m.
    #[arg(long, value_name = "P@DELAY", value_parser = parse_redial)]
    pub redial: Option<Redial>,
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
    /// Exit 3 when an event day holds its target in under 80 % of runs.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `peakplan simulate`: load, simulate, report.
///
/// # Errors
///
/// Exit 2 for bad input, 3 with `--strict` on a short event day, else 1.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let (folder, scenario) = args.folder.load(global)?;
    let read = |p: &Path| forecast_csv::read(p, scenario.horizon.tz);
    let actuals = args.actuals.as_deref().map(read).transpose()?;
    let options = BuildOptions::new(args.handle_cv, args.redial, args.days);
    let plan =
        from_plan::build(&folder, &scenario, actuals.as_deref(), &options)?;
    plan.notes.iter().for_each(|n| global.info(format!("note: {n}")));
    let run = RunOptions { runs: args.runs, seed: args.seed };
    let outcome = simulate(&plan.model, &run)?;
    let calendar = crate::pipeline::scenario_calendar(&scenario)?;
    let result = SimulationReport::new(&plan, outcome, &calendar, args.seed);
    let (dialect, out) = (global.dialect(), args.out.as_deref());
    let format = Format::resolve(args.format, out);
    let main =
        report::render(&result, format, Look::for_output(out), dialect)?;
    let chart = args.chart.as_deref().zip(args.chart_day);
    result.write(dialect, args.out_dir.as_deref(), chart, out, &main)?;
    if args.strict { result.strict() } else { Ok(()) }
}
