//! The checks behind `peakplan validate`: read every input the way the
//! planning commands will, and summarise what it holds.
//!
//! A scenario file adds its own section ([`ScenarioSummary`]); the command
//! only prints.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Event, EventKind};
use crate::capacity::scenario::{Channel, Goal, QueueSpec, Scenario};
use crate::capacity::{hires, plan};
use crate::error::Result;
use crate::inputs::events;
use crate::inputs::history::{self, HistoryOptions, Summary};

/// What `peakplan validate` found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The history file.
    pub history: Summary,
    /// One entry per events file, in the order given.
    pub events: Vec<EventsSummary>,
    /// The scenario, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<ScenarioSummary>,
    /// Whether planning can start from these files.
    pub usable: bool,
}

/// What a scenario file asks for, checked against the history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioSummary {
    /// The file as the user named it.
    pub file: String,
    /// The planning date.
    pub as_of: NaiveDate,
    /// First day planned.
    pub from: NaiveDate,
    /// Last day planned.
    pub to: NaiveDate,
    /// Interval length, in minutes.
    pub interval_min: u32,
    /// Zone of the plan.
    pub tz: String,
    /// Days of history before `as_of`: what the forecast learns from.
    pub history_days_before_as_of: i64,
    /// Days of history on or after `as_of`, held back from the forecast
    /// (a plan dated in the past can be replayed on them).
    pub history_days_held_back: i64,
    /// Days from the last day the forecast learns from to the first day
    /// planned.
    pub lead_days: i64,
    /// The scenario's queues.
    pub queues: Vec<ScenarioQueue>,
    /// History queues the scenario does not list (ignored by `plan`).
    pub ignored_history_queues: Vec<String>,
    /// Paid hours in one FTE week.
    pub weekly_hours: f64,
    /// In-house FTE, all queues.
    pub in_house_fte: f64,
    /// Seasonal hiring, when set up.
    pub hiring: Option<HiringSummary>,
    /// Most overtime hours per in-house FTE and week.
    pub overtime_hours_per_week: f64,
    /// Outsourced partners.
    pub partners: Vec<PartnerSummary>,
    /// Names of the what-if variants.
    pub whatifs: Vec<String>,
    /// What stops `plan` from running on these files.
    pub problems: Vec<String>,
    /// What a planner should know before trusting the plan.
    pub warnings: Vec<String>,
}

/// One queue of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioQueue {
    /// Queue name.
    pub name: String,
    /// `voice`, `chat` or `email`.
    pub channel: String,
    /// The target, as a planner writes it (`80% in 20s`, `ASA 30s`).
    pub target: String,
    /// Whether the history has the queue.
    pub in_history: bool,
    /// Handle time used, in seconds: the scenario's `aht`, else the
    /// history's mean (the forecast learns it per time of day).
    pub aht_s: Option<f64>,
    /// `scenario`, `history` or `missing`.
    pub aht_source: String,
    /// Mean patience in seconds (Erlang A), if set.
    pub patience_s: Option<f64>,
    /// Shrinkage.
    pub shrinkage: f64,
    /// In-house FTE on the queue.
    pub in_house_fte: f64,
}

/// Seasonal hiring of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HiringSummary {
    /// Weeks from the decision to the first training day.
    pub recruit_weeks: u32,
    /// Paid training weeks.
    pub train_weeks: u32,
    /// Most people hired.
    pub max_hires: u32,
    /// Queues hires may work on.
    pub queues: Vec<String>,
    /// Monday of the first week a hire recruited on `as_of` can be on the
    /// phones.
    pub earliest_productive_week: NaiveDate,
}

/// A partner of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerSummary {
    /// Name.
    pub name: String,
    /// Queues it may take.
    pub queues: Vec<String>,
    /// Most FTE per week.
    pub max_fte: f64,
    /// Weeks of notice.
    pub notice_weeks: u32,
    /// First day it can work, given notice from `as_of`.
    pub available_from: NaiveDate,
}

/// Checks `scenario` (read from `file`) against the `history` summary:
/// its queues exist there, the history reaches before `as_of`, handle
/// times are known; and summarises the team, hiring and partners.
pub fn summarize_scenario(
    file: &str,
    scenario: &Scenario,
    history: &Summary,
) -> ScenarioSummary {
    let s = scenario;
    let mut problems = vec![];
    let mut warnings = vec![];
    let found: Vec<&str> =
        history.queues.iter().map(|q| q.name.as_str()).collect();
    let queues: Vec<ScenarioQueue> = s
        .queues
        .iter()
        .map(|q| {
            let hq = history.queues.iter().find(|h| h.name == q.name);
            if hq.is_none() {
                problems.push(format!(
                    "queue \"{}\" of the scenario is not in the history; it \
                     has {}",
                    q.name,
                    found.join(", ")
                ));
            }
            let (aht_s, aht_source) = match (q.aht_s, hq) {
                (Some(a), _) => (Some(a), "scenario"),
                (None, Some(h)) if h.mean_aht_s.is_some() => {
                    (h.mean_aht_s, "history")
                }
                (None, _) => {
                    problems.push(format!(
                        "queue \"{}\" has no handle time: set `aht` in \
                         [queues.{}] or give an aht_s column in the history",
                        q.name, q.name
                    ));
                    (None, "missing")
                }
            };
            let (channel, target) = describe(q);
            ScenarioQueue {
                name: q.name.clone(),
                channel,
                target,
                in_history: hq.is_some(),
                aht_s,
                aht_source: aht_source.to_string(),
                patience_s: q.patience_s,
                shrinkage: q.shrinkage,
                in_house_fte: s.team.fte.get(&q.name).copied().unwrap_or(0.0),
            }
        })
        .collect();
    let ignored_history_queues: Vec<String> = found
        .iter()
        .filter(|n| s.queue(n).is_none())
        .map(|n| n.to_string())
        .collect();

    let day = chrono::Days::new(1);
    let before_end = history
        .last_date
        .min(s.as_of.checked_sub_days(day).unwrap_or(s.as_of));
    let before = (before_end - history.first_date).num_days() + 1;
    let history_days_before_as_of = before.max(0);
    let history_days_held_back =
        ((history.last_date - s.as_of).num_days() + 1).max(0);
    let lead_days = (s.horizon.from - before_end).num_days();
    if history_days_before_as_of == 0 {
        problems.push(format!(
            "the history starts on {}, not before as_of ({}): the forecast \
             has nothing to learn from",
            history.first_date, s.as_of
        ));
    } else if history_days_before_as_of < 365 {
        warnings.push(format!(
            "only {history_days_before_as_of} days of history before as_of: \
             no yearly season, and events seen at most once"
        ));
    }
    if history_days_held_back > 0 {
        warnings.push(format!(
            "{history_days_held_back} days of history on or after as_of ({}) \
             are held back from the forecast: the plan is a test on the past \
             (replay it with `plan --evaluate` on the history)",
            s.as_of
        ));
    }
    if s.horizon.from < s.as_of {
        warnings.push(format!(
            "the horizon starts ({}) before as_of ({}): no hire or partner \
             can help in those days",
            s.horizon.from, s.as_of
        ));
    }
    if lead_days > 13 * 7 {
        warnings.push(format!(
            "the horizon starts {lead_days} days after the last day of history \
             the forecast learns from: the uncertainty that far out is \
             extrapolated"
        ));
    }

    let (first_monday, _) = plan::plan_days(s);
    let hiring = s.hiring.as_ref().map(|h| HiringSummary {
        recruit_weeks: h.recruit_weeks,
        train_weeks: h.train_weeks,
        max_hires: h.max_hires,
        queues: h.queues.clone(),
        earliest_productive_week: hires::add_weeks(
            first_monday,
            hires::earliest_week(first_monday, s.as_of, h) as i64,
        ),
    });
    if let Some(h) = &hiring
        && h.earliest_productive_week > s.horizon.to
    {
        warnings.push(format!(
            "hires recruited on as_of are on the phones from {}, after the \
             horizon: hiring cannot help this plan",
            h.earliest_productive_week
        ));
    }
    let partners = s
        .partners
        .iter()
        .map(|p| PartnerSummary {
            name: p.name.clone(),
            queues: p.queues.clone(),
            max_fte: p.max_fte,
            notice_weeks: p.notice_weeks,
            available_from: hires::add_weeks(
                s.as_of,
                i64::from(p.notice_weeks),
            ),
        })
        .collect();
    ScenarioSummary {
        file: file.to_string(),
        as_of: s.as_of,
        from: s.horizon.from,
        to: s.horizon.to,
        interval_min: s.horizon.interval.minutes(),
        tz: s.horizon.tz.name().to_string(),
        history_days_before_as_of,
        history_days_held_back,
        lead_days,
        queues,
        ignored_history_queues,
        weekly_hours: s.team.weekly_hours,
        in_house_fte: s.team.fte.values().sum(),
        hiring,
        overtime_hours_per_week: s.overtime.max_hours_per_week,
        partners,
        whatifs: s.whatifs.iter().map(|w| w.name.clone()).collect(),
        problems,
        warnings,
    }
}

/// A queue's channel and target, as a planner writes them.
fn describe(q: &QueueSpec) -> (String, String) {
    let secs = |x: f64| format!("{}s", crate::report::fixed(x, 0));
    let channel = match q.channel {
        Channel::Voice => "voice".to_string(),
        Channel::Chat { concurrency } => format!(
            "chat ({} sessions per agent)",
            crate::report::fixed(f64::from(concurrency), 1)
        ),
        Channel::Email { deadline_s } => {
            format!("email (answered within {})", secs(deadline_s))
        }
    };
    let mut target = match q.goal {
        Goal::ServiceLevel { sl, within_s } => format!(
            "{}% in {}",
            crate::report::fixed(sl * 100.0, 1),
            secs(within_s)
        ),
        Goal::Asa { asa_s } => format!("ASA {}", secs(asa_s)),
    };
    if let Some(occ) = q.max_occupancy {
        target.push_str(&format!(
            ", occupancy at most {}%",
            crate::report::fixed(occ * 100.0, 1)
        ));
    }
    (channel, target)
}

/// What an events file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventsSummary {
    /// The file as the user named it.
    pub file: String,
    /// Number of rows (events and `drop` directives).
    pub count: usize,
    /// Events per kind, in the documented kind order (`drop` directives
    /// last), kinds present only.
    pub kinds: Vec<KindCount>,
    /// First day of the earliest event.
    pub first_date: Option<NaiveDate>,
    /// Last day of the latest event.
    pub last_date: Option<NaiveDate>,
    /// Events that overlap the history's span (learnable from it).
    pub within_history: usize,
}

/// Events of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// The kind, as written in CSV files.
    pub kind: EventKind,
    /// How many events have it.
    pub count: usize,
}

/// Reads the history and every events file and summarises them.
///
/// # Errors
///
/// The first reading error, naming file, line and column.
pub fn validate(
    history_path: &Path,
    events_paths: &[PathBuf],
    opts: &HistoryOptions,
) -> Result<Report> {
    let (history, read) = history::read_aggregated(history_path, opts)?;
    let history = history::summarize_aggregated(history, &read);
    let span = (history.first_date, history.last_date);
    let events = events_paths
        .iter()
        .map(|path| {
            let list = events::read(path)?;
            Ok(summarize_events(&path.display().to_string(), &list, span))
        })
        .collect::<Result<Vec<_>>>()?;
    let usable = history.usable;
    Ok(Report { history, events, scenario: None, usable })
}

/// Counts events per kind and the dates they cover; `history` is the
/// history's first and last date.
pub fn summarize_events(
    file: &str,
    events: &[Event],
    history: (NaiveDate, NaiveDate),
) -> EventsSummary {
    let kinds = EventKind::ALL
        .into_iter()
        .chain([EventKind::Drop])
        .map(|kind| KindCount {
            kind,
            count: events.iter().filter(|e| e.kind == kind).count(),
        })
        .filter(|k| k.count > 0)
        .collect();
    EventsSummary {
        file: file.to_string(),
        count: events.len(),
        kinds,
        first_date: events.iter().map(|e| e.start).min(),
        last_date: events.iter().map(|e| e.end).max(),
        within_history: events
            .iter()
            .filter(|e| e.start <= history.1 && e.end >= history.0)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, start: (i32, u32, u32), days: u64) -> Event {
        let start =
            NaiveDate::from_ymd_opt(start.0, start.1, start.2).unwrap();
        Event {
            name: format!("{kind}"),
            kind,
            start,
            end: start + chrono::Days::new(days),
            queues: vec![],
            uplift: None,
        }
    }

    #[test]
    fn counts_events_per_kind_and_span() {
        let list = [
            event(EventKind::BlackFriday, (2024, 11, 29), 0),
            event(EventKind::Sale, (2025, 1, 8), 27),
            event(EventKind::Sale, (2023, 6, 28), 27),
            event(EventKind::Drop, (2024, 1, 1), 365),
        ];
        let span = (
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 1, 10).unwrap(),
        );
        let s = summarize_events("e.csv", &list, span);
        assert_eq!(s.count, 4);
        assert_eq!(
            s.kinds,
            vec![
                KindCount { kind: EventKind::Sale, count: 2 },
                KindCount { kind: EventKind::BlackFriday, count: 1 },
                KindCount { kind: EventKind::Drop, count: 1 },
            ]
        );
        assert_eq!(s.first_date, NaiveDate::from_ymd_opt(2023, 6, 28));
        assert_eq!(s.last_date, NaiveDate::from_ymd_opt(2025, 2, 4));
        assert_eq!(s.within_history, 3);
    }
}
