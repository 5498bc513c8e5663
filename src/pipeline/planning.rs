//! The forecast a plan is made on: the scenario's queues, from the history
//! before the scenario's `as_of`, over the weeks planned.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::calendar::{Calendar, EventKind, name_key};
use crate::capacity::Scenario;
use crate::capacity::plan;
use crate::capacity::scenario::suggest;
use crate::error::{Error, Result};
use crate::forecast::{self, ForecastRow, Windows};
use crate::inputs::history::History;

use super::{Log, Sources, load};

/// The calendar of a plan made from a forecast file: the scenario's
/// built-in calendar and events files, over the weeks planned.
///
/// # Errors
///
/// Reading errors of the events files.
pub fn scenario_calendar(s: &Scenario) -> Result<Calendar> {
    let (first, last) = plan::plan_days(s);
    scenario_calendar_over(s, first.year()..=last.year())
}

/// The scenario's built-in calendar and events files over `years`.
///
/// # Errors
///
/// Reading errors of the events files.
pub fn scenario_calendar_over(
    s: &Scenario,
    years: std::ops::RangeInclusive<i32>,
) -> Result<Calendar> {
    let mut events = Vec::new();
    for path in &s.inputs.events {
        events.extend(crate::inputs::events::read(path)?);
    }
    Calendar::build(s.inputs.calendar, years, events)
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

/// Forecasts the scenario's queues over the weeks planned from `history`
/// and `events` (when empty, the scenario's `inputs.events`), with the
/// scenario's zone, interval and calendar.
///
/// The model is fitted only on the days of history strictly before the
/// scenario's `as_of`: a plan dated in the past is then an honest test of
/// what the planner could have known, and can be replayed on the days held
/// back. History queues the scenario does not list are ignored (with a
/// note).
///
/// # Errors
///
/// [`Error::Usage`] when a scenario queue is not in the history or nothing
/// of it is before `as_of`; reading errors of the files.
pub fn forecast_for_plan(
    s: &Scenario,
    history: &Path,
    events: &[PathBuf],
    log: &dyn Log,
) -> Result<HistoryForecast> {
    let (first, last) = plan::plan_days(s);
    let events: Vec<PathBuf> = if events.is_empty() {
        s.inputs.events.clone()
    } else {
        events.to_vec()
    };
    let sources = Sources {
        history: history.to_path_buf(),
        events,
        calendar: s.inputs.calendar,
        interval: s.horizon.interval,
        tz: s.horizon.tz,
        queues: vec![],
        windows: Windows::default(),
    };
    let mut inputs = load(&sources, Some(last), log)?;
    let history = &mut inputs.history;
    keep_scenario_queues(history, s, log)?;
    hold_back(history, s.as_of, log)?;
    let model = forecast::fit_with_progress(
        history,
        &inputs.calendar,
        &inputs.fit,
        &|done, total| log.fitted(done, total),
    )?;
    let start = history_start(history);
    log.detail(&format!(
        "forecast fitted on {} to {}",
        start.map_or("?".into(), |d| d.to_string()),
        model.end().map_or("?".into(), |d| d.to_string()),
    ));
    let notes = match start {
        Some(start) => rarely_seen_notes(s, &inputs, start),
        None => vec![],
    };
    for n in &notes {
        log.note(n);
    }
    Ok(HistoryForecast {
        rows: forecast::predict(&model, first, last).rows,
        calendar: inputs.calendar,
        notes,
    })
}

/// Notes on the events of the weeks planned that the history before
/// `as_of`, from `start`, holds once or never.
fn rarely_seen_notes(
    s: &Scenario,
    inputs: &super::Loaded,
    start: NaiveDate,
) -> Vec<String> {
    let (once, never) = rarely_seen(s, &inputs.calendar, &inputs.fit, start);
    let mut notes = vec![];
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
    notes
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
    log: &dyn Log,
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
        log.note(&format!(
            "ignoring history queue(s) the scenario does not list: {}",
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
    log: &dyn Log,
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
        log.note(&format!(
            "forecasting from the history before {as_of}; {held} later \
             interval(s) held back"
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
