//! `peakplan reforecast`: on the day, re-forecast the rest of it from the
//! morning's actuals and say what to change.
//!
//! ```text
//! peakplan reforecast --plan DIR --actuals FILE [--now TIME] [--scenario
//!   FILE] [--history FILE] [--staff-to RULE] [--partner-notice 60m] [--max-overtime-per-day
//!   2h] [--deflect SHARE] [--format F] [--out FILE] [--strict]
//! ```

use std::path::PathBuf;

use crate::capacity::StaffTo;
use crate::cli::Global;
use crate::cli::plan_folder::PlanFolderArgs;
use crate::error::Result;
use crate::reforecast::{self, EventContext, NowSpec, Options, actuals};
use crate::report::{self, Format, term::Look};
use crate::units::parse_duration;

/// Flags of `peakplan reforecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan folder and its scenario.
    #[command(flatten)]
    pub folder: PlanFolderArgs,
    /// Today's actual volumes so far, in the history layout (a header
    /// alone: none yet).
    #[arg(long, value_name = "FILE")]
    pub actuals: PathBuf,
    /// History to learn event-day shapes from (the days before today of
    /// the same event or kind) [default: the scenario's
    /// `inputs.history`, when it exists; without one, the plan's shape].
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// When the re-forecast is made: `12:00` (on the actuals' day),
    /// `2025-11-28 12:00`, or ISO 8601. Default: the end of the last
    /// interval of --actuals.
    #[arg(long, value_name = "TIME", value_parser = actuals::parse_now)]
    pub now: Option<NowSpec>,
    /// The staffing rule, as `plan --staff-to`.
    #[arg(long, value_enum, default_value_t = StaffTo::Auto)]
    pub staff_to: StaffTo,
    /// Notice a partner needs on the day before its agents take calls.
    #[arg(long, value_name = "DUR", default_value = "60m", value_parser = parse_duration)]
    pub partner_notice: f64,
    /// Most overtime per agent and day [default: the scenario's
    /// `overtime.max_hours_per_day`].
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub max_overtime_per_day: Option<f64>,
    /// Share of the remaining contacts sent to self-care or call-back.
    #[arg(long, value_name = "SHARE", value_parser = reforecast::parse_share)]
    pub deflect: Option<f64>,
    /// Write the result to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The result's format (default: from --out's extension, else table).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Exit 3 when the rest of the day misses the target even after the
    /// proposed actions.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `peakplan reforecast`: load, re-forecast, report.
///
/// # Errors
///
/// Exit 2 for bad input, 3 with `--strict` on a missed target, else 1.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let (folder, scenario) = args.folder.load(global)?;
    let slot_s = scenario.horizon.interval.seconds() as i64;
    let actuals = actuals::read(&args.actuals, scenario.horizon.tz, slot_s)?;
    let options = Options {
        now: args.now,
        staff_to: args.staff_to,
        partner_notice_s: args.partner_notice,
        max_overtime_per_day_s: args.max_overtime_per_day,
        deflect: args.deflect,
    };
    let context = EventContext::load(&scenario, args.history.as_deref())?;
    let result = reforecast::reforecast(
        &folder, &scenario, &actuals, &options, &context,
    )?;
    result.notes.iter().for_each(|n| global.info(format!("note: {n}")));
    let out = args.out.as_deref();
    let format = Format::resolve(args.format, out);
    let bytes = report::render(
        &result,
        format,
        Look::for_output(out),
        global.dialect(),
    )?;
    crate::output::emit(out, &bytes)?;
    if args.strict { result.strict() } else { Ok(()) }
}
