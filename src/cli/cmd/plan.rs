//! `peakplan plan`: build a capacity plan from a scenario file.
//!
//! ```text
//! peakplan plan --scenario FILE [--history FILE] [--events FILE]...
//!               [--forecast FILE] [--from DATE --to DATE] [--out-dir DIR]
//!               [--format table|csv|json] [--strict]
//!               [--staff-to mean|p50|p80|auto] [--evaluate FILE]
//!               [--chart FILE.svg]
//! ```
//!
//! Reads the scenario, forecasts every queue over the horizon (widened to
//! whole weeks), staffs each interval, finds the cheapest mix of hires,
//! overtime and partners, runs the scenario's what-ifs, and writes
//! `intervals.csv`, `weeks.csv`, `hires.csv`, `summary.json` and the chart
//! `plan.svg` into `--out-dir` in one atomic step, after everything is
//! computed.
//!
//! Without `--forecast`, the forecast is fitted on the scenario's history
//! strictly before `as_of`, so a plan dated in the past can be replayed on
//! the volumes held back (`--evaluate`).

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::calendar::{Calendar, EventKind, name_key};
use crate::capacity::plan::{self, Plan};
use crate::capacity::report::{self, VariantFigures};
use crate::capacity::scenario::suggest;
use crate::capacity::{Scenario, StaffTo, forecast_csv, whatif};
use crate::cli::Global;
use crate::cli::cmd::forecast::{self as forecast_cmd, InputArgs};
use crate::error::{Error, Result};
use crate::forecast::{self, ForecastRow};
use crate::inputs::history::History;
use crate::report::Format;
use crate::report::plot::{self, PlanChartWeek};
use crate::report::term::Status;

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
    /// Folder for intervals.csv, weeks.csv, hires.csv, summary.json and
    /// plan.svg (created if missing).
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
    /// Write the plan chart (SVG) to FILE instead of `plan.svg` in
    /// `--out-dir`.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

/// Runs `peakplan plan`.
///
/// # Errors
///
/// Exit 2 for an invalid scenario or input, 3 with `--strict` when a week
/// has a gap, 1 when the files cannot be written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let mut scenario =
        Scenario::read(&args.scenario, &global.below_scenario())?;
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
    let (rows, calendar, notes) = match &args.forecast {
        Some(path) => (
            forecast_csv::read(path, scenario.horizon.tz)?,
            scenario_calendar(&scenario, first, last)?,
            vec![],
        ),
        None => {
            let f = forecast_from_history(
                &scenario,
                args.history.as_deref(),
                &args.events,
                global,
            )?;
            (f.rows, f.calendar, f.notes)
        }
    };
    global.detail(format!("{} forecast rows", rows.len()));

    let mut variants = Vec::new();
    let mut base = plan_for(&scenario, &rows, args.staff_to)?;
    base.alerts.extend(notes);
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
    let svg = if args.out_dir.is_some() || args.chart.is_some() {
        chart_svg(&base, &calendar)?
    } else {
        Vec::new()
    };
    // Every file of the run, the chart included wherever it goes, lands in
    // one atomic set.
    let intervals;
    let hires;
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    if let Some(dir) = &args.out_dir {
        intervals = report::intervals_csv(&base, dialect)?;
        hires = report::hires_csv(&base, dialect)?;
        files.push((dir.join("intervals.csv"), &intervals));
        files.push((dir.join("weeks.csv"), &weeks));
        files.push((dir.join("hires.csv"), &hires));
        files.push((dir.join("summary.json"), &summary_bytes));
        if args.chart.is_none() {
            files.push((dir.join("plan.svg"), &svg));
        }
    }
    if let Some(path) = &args.chart {
        files.push((path.clone(), &svg));
    }
    let set: Vec<(&Path, &[u8])> =
        files.iter().map(|(p, b)| (p.as_path(), *b)).collect();
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
    let stdout = match args.format {
        Format::Table => {
            let look = crate::report::term::Look::stdout();
            let mut text = report::summary_text(&base, &variants, look);
            if let Some(ev) = &evaluation {
                text.push_str(&report::evaluation_text(ev, look));
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

/// The plan chart: required FTE per week and queue against the supply by
/// source, with the calendar's events marked.
fn chart_svg(plan: &Plan, calendar: &Calendar) -> Result<Vec<u8>> {
    let weeks: Vec<PlanChartWeek> =
        plan.weeks.iter().map(PlanChartWeek::from).collect();
    let chart = plot::plan_chart(&weeks, calendar)
        .and_then(|c| plot::render_svg(&c, plot::WIDTH, plot::PANEL_HEIGHT))
        .map_err(|e| Error::usage(format!("plan chart: {e}")))?;
    Ok(chart.into_bytes())
}

/// The calendar of a plan made from a forecast file: the scenario's
/// built-in calendar and events files, over the weeks planned.
fn scenario_calendar(
    s: &Scenario,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Calendar> {
    let choice = s.inputs.calendar;
    let mut events = Vec::new();
    for path in &s.inputs.events {
        events.extend(crate::inputs::events::read(path)?);
    }
    Calendar::build(choice, first.year()..=last.year(), events)
}

/// A forecast made from the scenario's history, for planning.
#[derive(Clone, Debug)]
pub struct HistoryForecast {
    /// Forecast rows of the scenario's queues over the weeks planned.
    pub rows: Vec<ForecastRow>,
    /// The calendar the forecast used (built-in days and events files).
    pub calendar: Calendar,
    /// Warnings about the forecast a planner should read with the plan.
    pub notes: Vec<String>,
}

/// Forecasts the scenario's queues over the weeks planned from history:
/// `history` (else the scenario's `inputs.history`) and `events` (when
/// empty, the scenario's `inputs.events`), with the scenario's calendar.
///
/// The model is fitted only on the days of history strictly before the
/// scenario's `as_of`: a plan dated in the past is then an honest test of
/// what the planner could have known, and can be replayed on the days held
/// back with `--evaluate`. History queues the scenario does not list are
/// ignored (with a note on stderr).
///
/// # Errors
///
/// [`Error::Usage`] when there is no history, a scenario queue is not in
/// it, or nothing of it is before `as_of`; reading errors of the files.
pub fn forecast_from_history(
    s: &Scenario,
    history: Option<&Path>,
    events: &[PathBuf],
    global: &Global,
) -> Result<HistoryForecast> {
    let (first, last) = plan::plan_days(s);
    let history =
        history.map(Path::to_path_buf).or_else(|| s.inputs.history.clone());
    let Some(history) = history else {
        return Err(Error::usage(
            "no history: set `inputs.history` in the scenario, or pass \
             --history FILE or --forecast FILE",
        ));
    };
    let events: Vec<PathBuf> = if events.is_empty() {
        s.inputs.events.clone()
    } else {
        events.to_vec()
    };
    let input = InputArgs {
        history,
        events,
        calendar: Some(s.inputs.calendar),
        interval: s.horizon.interval,
        tz: Some(s.horizon.tz),
        queues: vec![],
        windows: vec![],
    };
    let mut inputs = forecast_cmd::load(&input, global, Some(last))?;
    let history = &mut inputs.history;
    keep_scenario_queues(history, s, global)?;
    hold_back(history, s.as_of, global)?;
    let model = forecast::fit_with_progress(
        history,
        &inputs.calendar,
        &inputs.fit,
        &forecast_cmd::progress(Status::new(global.quiet)),
    )?;
    let start = history_start(history);
    global.detail(format!(
        "forecast fitted on {} to {}",
        start.map_or("?".into(), |d| d.to_string()),
        model.end().map_or("?".into(), |d| d.to_string()),
    ));
    let mut notes = vec![];
    if let Some(start) = start {
        let (once, never) =
            rarely_seen(s, &inputs.calendar, &inputs.fit, start);
        if !once.is_empty() {
            notes.push(format!(
                "check the forecast around {}: the history before {} holds \
                 only one of each, so their effects rest on a single year \
                 (where their windows overlap, days go to the nearest event)",
                once.join(", "),
                s.as_of
            ));
        }
        if !never.is_empty() {
            notes.push(format!(
                "check the forecast around {}: not in the history before {}, \
                 their effects are their kind's or the events file's uplift",
                never.join(", "),
                s.as_of
            ));
        }
    }
    for n in &notes {
        global.info(format!("note: {n}"));
    }
    Ok(HistoryForecast {
        rows: forecast::predict(&model, first, last).rows,
        calendar: inputs.calendar,
        notes,
    })
}

/// Names of the events in the weeks planned, with a window around them or
/// an effect to learn (pure closures excluded), that the history from
/// `start` to the day before `as_of` holds once, and never.
fn rarely_seen(
    s: &Scenario,
    calendar: &Calendar,
    fit: &forecast::FitOptions,
    start: NaiveDate,
) -> (Vec<String>, Vec<String>) {
    let (first, last) = plan::plan_days(s);
    let end = s.as_of.pred_opt().unwrap_or(s.as_of);
    let (mut once, mut never): (Vec<String>, Vec<String>) = (vec![], vec![]);
    for e in calendar.between(first, last) {
        let w = fit.windows.of(e);
        let learnable = e.kind != EventKind::Closure || w.before + w.after > 0;
        let relevant = s.queues.iter().any(|q| e.applies_to(&q.name));
        if !learnable
            || !relevant
            || once.contains(&e.name)
            || never.contains(&e.name)
        {
            continue;
        }
        let key = name_key(&e.name);
        let past = calendar
            .events()
            .iter()
            .filter(|p| p.start >= start && p.end <= end)
            .filter(|p| name_key(&p.name) == key)
            .count();
        match past {
            0 => never.push(e.name.clone()),
            1 => once.push(e.name.clone()),
            _ => {}
        }
    }
    (once, never)
}

/// Checks that every queue of the scenario is in the history and drops the
/// history's other queues (with a note).
fn keep_scenario_queues(
    history: &mut History,
    s: &Scenario,
    global: &Global,
) -> Result<()> {
    let found: Vec<&str> =
        history.queues.iter().map(|q| q.name.as_str()).collect();
    for q in &s.queues {
        if !found.contains(&q.name.as_str()) {
            let hint = match suggest(&q.name, &found) {
                Some(n) => format!(" (did you mean \"{n}\"?)"),
                None => String::new(),
            };
            return Err(Error::usage(format!(
                "queue \"{}\" of the scenario is not in the history {}{hint}; \
                 the history has {}",
                q.name,
                history.source,
                if found.is_empty() {
                    "no queue".to_string()
                } else {
                    found.join(", ")
                }
            )));
        }
    }
    let ignored: Vec<&str> =
        found.iter().copied().filter(|name| s.queue(name).is_none()).collect();
    if !ignored.is_empty() {
        global.info(format!(
            "note: ignoring history queue(s) the scenario does not list: {}",
            ignored.join(", ")
        ));
    }
    history.queues.retain(|q| s.queue(&q.name).is_some());
    Ok(())
}

/// Keeps only the history strictly before `as_of`.
fn hold_back(
    history: &mut History,
    as_of: NaiveDate,
    global: &Global,
) -> Result<()> {
    let mut held = 0usize;
    for q in &mut history.queues {
        let before = q.slots.len();
        q.slots.retain(|slot| slot.start.date_naive() < as_of);
        held += before - q.slots.len();
    }
    if history.queues.iter().all(|q| q.slots.is_empty()) {
        return Err(Error::usage(format!(
            "{}: no interval before as_of ({as_of}); the forecast learns \
             only from history before the planning date",
            history.source
        )));
    }
    if held > 0 {
        global.info(format!(
            "note: forecasting from the history before {as_of}; {held} \
             later interval(s) held back"
        ));
    }
    Ok(())
}

fn history_start(history: &History) -> Option<NaiveDate> {
    history
        .queues
        .iter()
        .filter_map(|q| q.slots.first())
        .map(|slot| slot.start.date_naive())
        .min()
}
