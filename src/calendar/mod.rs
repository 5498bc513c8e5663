//! The peak-event calendar: built-in French retail days plus the company's
//! own events, looked up by date.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

/// What kind of peak an event is. Effects are learned per event name, then
/// pooled per kind when a name has no history.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A holiday or celebration (Noël, Saint-Valentin, fête des mères...).
    Holiday,
    /// Sales: soldes, ventes privées, flash sales, Cyber Monday.
    Sale,
    /// Black Friday, kept apart: its effect dwarfs other sales.
    BlackFriday,
    /// A product launch.
    Launch,
    /// A software or app update.
    SoftwareUpdate,
    /// Something outside the company (strike, weather, competitor outage).
    External,
    /// A marketing campaign (mailing, TV spot).
    Marketing,
    /// A day the center is closed or a public holiday (jour férié).
    Closure,
}

impl EventKind {
    /// Every kind, in the order the CSV documentation lists them.
    pub const ALL: [EventKind; 8] = [
        EventKind::Holiday,
        EventKind::Sale,
        EventKind::BlackFriday,
        EventKind::Launch,
        EventKind::SoftwareUpdate,
        EventKind::External,
        EventKind::Marketing,
        EventKind::Closure,
    ];

    /// The name used in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Holiday => "holiday",
            EventKind::Sale => "sale",
            EventKind::BlackFriday => "black_friday",
            EventKind::Launch => "launch",
            EventKind::SoftwareUpdate => "software_update",
            EventKind::External => "external",
            EventKind::Marketing => "marketing",
            EventKind::Closure => "closure",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = String;

    fn from_str(s: &str) -> Result<EventKind, String> {
        let key = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        EventKind::ALL.into_iter().find(|k| k.as_str() == key).ok_or_else(
            || {
                let all: Vec<_> =
                    EventKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("expected one of {}, found {s:?}", all.join(", "))
            },
        )
    }
}

/// One dated event. Dates are inclusive local dates.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Event {
    /// Name as planners write it ("Black Friday", "Soldes d'hiver").
    pub name: String,
    /// Its kind.
    pub kind: EventKind,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive, never before `start`).
    pub end: NaiveDate,
    /// Queues it touches; empty means every queue.
    pub queues: Vec<String>,
    /// A planner's prior uplift (`0.4` = +40 %) for events with no history.
    pub uplift: Option<f64>,
}

impl Event {
    /// Whether the event spans `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether the event touches `queue`.
    pub fn applies_to(&self, queue: &str) -> bool {
        self.queues.is_empty() || self.queues.iter().any(|q| q == queue)
    }
}

/// A set of events, sorted by start date then name.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    events: Vec<Event>,
}

impl Calendar {
    /// A calendar holding `events`.
    pub fn new(mut events: Vec<Event>) -> Calendar {
        events.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
        Calendar { events }
    }

    /// All events, sorted by start date then name.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events spanning `date`.
    pub fn on(&self, date: NaiveDate) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.covers(date))
    }
}
