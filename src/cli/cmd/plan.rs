//! `peakplan plan`: build a capacity plan from a scenario file.
//!
//! ```text
//! peakplan plan --scenario FILE [--history FILE] [--events FILE]...
//!               [--forecast FILE] [--from DATE --to DATE] [--out-dir DIR]
//!               [--format table|csv|json] [--strict]
//!               [--staff-to mean|p50|p80|auto] [--evaluate FILE]
//!               [--chart FILE.svg] [--simulate N [--seed S]]
//! ```
//!
//! Reads the scenario, forecasts every queue over the horizon (widened to
//! whole weeks), staffs each interval, rosters the in-house team, hires,
//! overtime and partners interval by interval at the lowest cost, runs
//! the scenario's what-ifs, and writes `intervals.csv`, `shifts.csv`,
//! `days.csv`, `weeks.csv`, `hires.csv`, `summary.json` and the chart
//! `plan.svg` into `--out-dir` in one atomic step, after everything is
//! computed. With `--simulate N`, every planned day is simulated `N`
//! times first and the simulated figures join `days.csv` and
//! `summary.json`.
//!
//! Without `--forecast`, the forecast is fitted on the scenario's history
//! strictly before `as_of`, so a plan dated in the past can be replayed on
//! the volumes held back (`--evaluate`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::capacity::plan::Alert;
use crate::capacity::{
    self, Scenario, ScenarioPlan, StaffTo, forecast_csv, whatif,
};
use crate::cli::Global;
use crate::cli::log::StderrLog;
use crate::error::{Error, Result};
use crate::pipeline::{self, HistoryForecast};
use crate::report::plan::{self, PlanReport};
use crate::report::simulate::SimulationReport;
use crate::report::term::Look;
use crate::report::{self, Format};
use crate::simulate::{RunOptions, from_plan};

/// Flags of `peakplan plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario TOML (targets, team, hiring, overtime, partners).
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// History CSV; overrides the scenario's `inputs.history`.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Events CSV (repeatable); overrides the scenario's `inputs.events`.
    #[arg(long, value_name = "FILE")]
    pub events: Vec<PathBuf>,
    /// Plan from this forecast CSV (as `peakplan forecast --format csv`
    /// writes it) instead of forecasting from history.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["history", "events"])]
    pub forecast: Option<PathBuf>,
    /// First day planned; overrides `horizon.from`.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<NaiveDate>,
    /// Last day planned; overrides `horizon.to`.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<NaiveDate>,
    /// Folder for intervals.csv, shifts.csv, days.csv, weeks.csv,
    /// hires.csv, summary.json and plan.svg (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// How to print the summary on stdout: a table, weeks as CSV, or the
    /// summary JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit with code 3 when any interval has a gap the plan cannot close.
    #[arg(long)]
    pub strict: bool,
    /// Volume each interval is staffed for: `auto` holds the service level
    /// in expectation over the forecast's uncertainty at the fewest
    /// agent-hours.
    #[arg(long, value_enum, default_value_t = StaffTo::Auto)]
    pub staff_to: StaffTo,
    /// Replay the plan's agents on actual volumes from this CSV
    /// (`interval_start,queue,volume`, times with offsets) and report the
    /// service level reached and the agent-hours against staffing with
    /// perfect knowledge of the volumes.
    #[arg(long, value_name = "FILE")]
    pub evaluate: Option<PathBuf>,
    /// Write the plan chart (SVG) to FILE instead of `plan.svg` in
    /// `--out-dir`.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Simulate N runs of every planned day (as `peakplan simulate`) and
    /// add the daily figures to days.csv and summary.json.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub simulate: Option<u32>,
    /// Seed of `--simulate`: the same seed gives the same figures.
    #[arg(long, default_value_t = 1, requires = "simulate")]
    pub seed: u64,
}

/// Runs `peakplan plan`: load, compute, report.
///
/// # Errors
///
/// Exit 2 for an invalid scenario or input, 3 with `--strict` when an
/// interval has a gap, 1 when the files cannot be written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let scenario = scenario(&args, global)?;
    let planned = planning_forecast(&args, &scenario, global)?;
    global.detail(format!("{} forecast rows", planned.rows.len()));
    whatif::check_events(&scenario.whatifs, &planned.calendar)?;
    let actuals = match &args.evaluate {
        Some(path) => Some(forecast_csv::read(path, scenario.horizon.tz)?),
        None => None,
    };
    let mut result = capacity::plan_scenario(
        &scenario,
        &planned.rows,
        args.staff_to,
        actuals.as_deref(),
    )?;
    let notes = planned.notes.into_iter().map(|note| Alert::Forecast { note });
    result.base.alerts.extend(notes);
    let simulation =
        simulated(&args, &scenario, &result, &planned.calendar, global)?;
    write(
        &args,
        &scenario,
        &result,
        simulation.as_ref(),
        &planned.calendar,
        global,
    )?;
    let gaps =
        result.base.intervals.iter().filter(|r| r.supply.gap > 0.0).count();
    if args.strict && gaps > 0 {
        return Err(Error::TargetsMissed(format!(
            "{gaps} interval(s) have a gap the plan cannot close (see \
             gap_agents in intervals.csv)"
        )));
    }
    Ok(())
}

/// The scenario, with `--from`/`--to` over its horizon.
fn scenario(args: &Args, global: &Global) -> Result<Scenario> {
    let range = crate::cli::checks::plan_range(args.from, args.to)?;
    let mut scenario =
        Scenario::read(&args.scenario, &global.below_scenario())?;
    if let Some((from, to)) = range {
        scenario.horizon.from = from;
        scenario.horizon.to = to;
    }
    Ok(scenario)
}

/// The forecast to plan on: `--forecast`, else one made from the history
/// (`--history`, else the scenario's).
fn planning_forecast(
    args: &Args,
    s: &Scenario,
    global: &Global,
) -> Result<HistoryForecast> {
    if let Some(path) = &args.forecast {
        return Ok(HistoryForecast {
            rows: forecast_csv::read(path, s.horizon.tz)?,
            calendar: pipeline::scenario_calendar(s)?,
            notes: vec![],
        });
    }
    let history = args.history.as_ref().or(s.inputs.history.as_ref());
    let history =
        history.ok_or(crate::cli::checks::ArgsError::NoPlanHistory)?;
    pipeline::forecast_for_plan(
        s,
        history,
        &args.events,
        &StderrLog::new(global),
    )
}

/// With `--simulate`, the simulated days of the base plan.
fn simulated(
    args: &Args,
    scenario: &Scenario,
    result: &ScenarioPlan,
    calendar: &Calendar,
    global: &Global,
) -> Result<Option<SimulationReport>> {
    let Some(runs) = args.simulate else { return Ok(None) };
    let run = RunOptions { runs, seed: args.seed };
    let dir = args.out_dir.as_deref().unwrap_or(Path::new("."));
    let (model, outcome) =
        from_plan::simulate_plan(&result.base, scenario, dir, &run)?;
    model.notes.iter().for_each(|n| global.info(format!("note: {n}")));
    Ok(Some(SimulationReport::new(&model, outcome, calendar, run.seed)))
}

/// Writes the files of the plan (and the chart, wherever it goes) in one
/// atomic set, then the summary on stdout.
fn write(
    args: &Args,
    scenario: &Scenario,
    result: &ScenarioPlan,
    simulation: Option<&SimulationReport>,
    calendar: &Calendar,
    global: &Global,
) -> Result<()> {
    let scenario_file = args.scenario.display().to_string();
    let out = PlanReport {
        result,
        scenario_file: &scenario_file,
        as_of: scenario.as_of,
        horizon: (scenario.horizon.from, scenario.horizon.to),
        simulation,
    };
    let dialect = global.dialect();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(dir) = &args.out_dir {
        let named = out.files(dialect)?;
        files.extend(named.into_iter().map(|(n, b)| (dir.join(n), b)));
    }
    let in_dir = args.out_dir.as_ref().map(|d| d.join("plan.svg"));
    if let Some(path) = args.chart.clone().or(in_dir) {
        files.push((path, plan::chart_svg(&result.base, calendar)?));
    }
    let set: Vec<(&Path, &[u8])> =
        files.iter().map(|(p, b)| (p.as_path(), b.as_slice())).collect();
    match &args.out_dir {
        Some(dir) => crate::output::write_files_atomic(dir, &set)?,
        None => crate::output::write_all_atomic(&set)?,
    }
    if let Some(dir) = &args.out_dir {
        global.info(format!("plan written to {}", dir.display()));
    }
    if let Some(path) = &args.chart {
        global.info(format!("chart written to {}", path.display()));
    }
    let look = Look::stdout();
    crate::output::emit(
        None,
        &report::render(&out, args.format, look, dialect)?,
    )
}
