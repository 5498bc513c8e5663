//! The peak-event calendar: built-in French retail days plus the company's
//! own events, looked up by date.
//!
//! [`Calendar::build`] merges the built-in calendar of a country
//! ([`builtin`]) with the events read from the user's files
//! ([`crate::inputs::events`]) by three rules, applied to built-in events
//! only:
//!
//! 1. **Drop** — a user row of kind `drop` removes every built-in event of
//!    that name that overlaps its dates (`Halloween,drop,2026-01-01,
//!    2026-12-31`). The row itself is not an event.
//! 2. **Replace by name** — a user event with the name of a built-in event
//!    replaces the built-in events of that name starting in the years the
//!    user event spans (`Soldes d'été,sale,2026-07-01,2026-07-28` moves the
//!    2026 summer sales; other years keep the built-in rule). Beware: this
//!    holds whatever the kind, so a user `Noël` of kind `holiday` removes the
//!    Noël closure of that year.
//! 3. **Rename** — a user event with exactly the kind and dates of a
//!    built-in event replaces it (`Christmas,closure,2026-12-25,2026-12-25`
//!    renames Noël 2026).
//!
//! Names are compared ignoring case, accents, spacing and the apostrophe
//! style (`fete des meres` matches `Fête des mères`). Every other user event
//! is added as it is.

pub mod easter;
pub mod fr;

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// The first year the built-in calendars cover.
pub const FIRST_YEAR: i32 = 1970;
/// The last year the built-in calendars cover.
pub const LAST_YEAR: i32 = 2100;

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
    /// Not an event: in a user file, removes a built-in event of the same
    /// name (see [`Calendar::build`]). Never present in a built
    /// [`Calendar`], and not listed in [`EventKind::ALL`].
    Drop,
}

impl EventKind {
    /// Every kind of event, in the order the CSV documentation lists them
    /// (the `drop` directive is not an event kind and is not listed).
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
            EventKind::Drop => "drop",
        }
    }
}

impl EventKind {
    /// The accepted kinds, for error messages: "one of holiday, sale, ...,
    /// closure, or drop (to remove a built-in event)".
    pub fn expected() -> String {
        let all: Vec<_> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "one of {}, or drop (to remove a built-in event)",
            all.join(", ")
        )
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = String;

    /// Parses a kind as written in an events file: case-insensitive, `-`
    /// and spaces read as `_` (`Black Friday` → `black_friday`); `drop` is
    /// accepted for the drop directive.
    fn from_str(s: &str) -> Result<EventKind, String> {
        let key = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        EventKind::ALL
            .into_iter()
            .chain([EventKind::Drop])
            .find(|k| k.as_str() == key)
            .ok_or_else(|| {
                format!("expected {}, found {s:?}", EventKind::expected())
            })
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

/// A country with a built-in calendar.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum,
)]
pub enum Country {
    /// France: jours fériés and French retail days.
    #[default]
    Fr,
}

/// The `--calendar` flag: a built-in calendar, or none (user events only).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum,
)]
pub enum CalendarChoice {
    /// The French retail calendar.
    #[default]
    Fr,
    /// No built-in events: only those of `--events` files.
    None,
}

impl CalendarChoice {
    /// The country whose calendar is built in, if any.
    pub fn country(self) -> Option<Country> {
        match self {
            CalendarChoice::Fr => Some(Country::Fr),
            CalendarChoice::None => None,
        }
    }
}

impl FromStr for CalendarChoice {
    type Err = String;

    /// Parses `fr` or `none` (case-insensitive), as a config file writes
    /// `calendar = "fr"`.
    fn from_str(s: &str) -> Result<CalendarChoice, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(CalendarChoice::Fr),
            "none" => Ok(CalendarChoice::None),
            _ => Err(format!("expected a calendar fr or none, found {s:?}")),
        }
    }
}

impl From<Country> for CalendarChoice {
    fn from(country: Country) -> CalendarChoice {
        match country {
            Country::Fr => CalendarChoice::Fr,
        }
    }
}

/// The built-in events of `country` for `years`, sorted by start date then
/// name.
///
/// # Errors
///
/// [`Error::Usage`] when `years` is empty or reaches outside 1970–2100.
///
/// # Example
///
/// ```
/// use peakplan::calendar::{builtin, Country};
/// let events = builtin(Country::Fr, 2025..=2026)?;
/// assert_eq!(events.len(), 44);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn builtin(
    country: Country,
    years: RangeInclusive<i32>,
) -> Result<Vec<Event>> {
    check_years(&years)?;
    let mut events = Vec::new();
    for year in years {
        events.extend(match country {
            Country::Fr => fr::events(year)?,
        });
    }
    Ok(events)
}

/// The names of every built-in event of `country`.
pub fn builtin_names(country: Country) -> &'static [&'static str] {
    match country {
        Country::Fr => &fr::names::ALL,
    }
}

fn check_years(years: &RangeInclusive<i32>) -> Result<()> {
    let (first, last) = (*years.start(), *years.end());
    if first > last {
        return Err(Error::usage(format!(
            "the last year ({last}) is before the first ({first})"
        )));
    }
    if first < FIRST_YEAR || last > LAST_YEAR {
        return Err(Error::usage(format!(
            "the built-in calendar covers {FIRST_YEAR} to {LAST_YEAR}, not \
             {first}–{last}; use --calendar none for other years"
        )));
    }
    Ok(())
}

/// The key event names are compared by: lower case, accents folded, the
/// typographic apostrophe read as `'`, runs of spaces collapsed.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            match c {
                'à' | 'â' | 'ä' | 'á' => key.push('a'),
                'é' | 'è' | 'ê' | 'ë' => key.push('e'),
                'î' | 'ï' | 'í' => key.push('i'),
                'ô' | 'ö' | 'ó' => key.push('o'),
                'ù' | 'û' | 'ü' | 'ú' => key.push('u'),
                'ÿ' => key.push('y'),
                'ç' => key.push('c'),
                'œ' => key.push_str("oe"),
                'æ' => key.push_str("ae"),
                '\u{2019}' | '\u{2018}' | '`' | '´' => key.push('\''),
                c => key.push(c),
            }
        }
    }
    key
}

/// A set of events, sorted by start date then name.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    events: Vec<Event>,
}

impl Calendar {
    /// A calendar holding `events` (drop directives are discarded).
    pub fn new(mut events: Vec<Event>) -> Calendar {
        events.retain(|e| e.kind != EventKind::Drop);
        events.sort_by(|a, b| {
            (a.start, &a.name, a.end, a.kind)
                .cmp(&(b.start, &b.name, b.end, b.kind))
        });
        Calendar { events }
    }

    /// The built-in calendar `choice` for `years`, merged with `user`
    /// events by the rules in the [module documentation](self): drop,
    /// replace by name, rename. User events outside `years` are kept.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when a built-in calendar is chosen and `years` is
    /// empty or reaches outside 1970–2100.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use peakplan::calendar::{Calendar, CalendarChoice, Event, EventKind};
    /// let day = NaiveDate::from_ymd_opt(2026, 10, 31).ok_or("date")?;
    /// let drop = Event {
    ///     name: "Halloween".into(),
    ///     kind: EventKind::Drop,
    ///     start: day,
    ///     end: day,
    ///     queues: vec![],
    ///     uplift: None,
    /// };
    /// let cal = Calendar::build(CalendarChoice::Fr, 2026..=2026, vec![drop])?;
    /// assert_eq!(cal.on(day).count(), 0);
    /// assert_eq!(cal.events().len(), 21);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(
        choice: CalendarChoice,
        years: RangeInclusive<i32>,
        user: Vec<Event>,
    ) -> Result<Calendar> {
        let mut builtin = match choice.country() {
            Some(country) => builtin(country, years)?,
            None => Vec::new(),
        };
        let (drops, user): (Vec<Event>, Vec<Event>) =
            user.into_iter().partition(|e| e.kind == EventKind::Drop);
        let drops: Vec<(String, &Event)> =
            drops.iter().map(|d| (name_key(&d.name), d)).collect();
        let user_keys: Vec<(String, &Event)> =
            user.iter().map(|u| (name_key(&u.name), u)).collect();
        builtin.retain(|b| {
            let key = name_key(&b.name);
            let year = b.start.year();
            let dropped = drops.iter().any(|(k, d)| {
                *k == key && b.start <= d.end && d.start <= b.end
            });
            let replaced = user_keys.iter().any(|(k, u)| {
                *k == key && u.start.year() <= year && year <= u.end.year()
            });
            let renamed = user.iter().any(|u| {
                u.kind == b.kind && u.start == b.start && u.end == b.end
            });
            !(dropped || replaced || renamed)
        });
        builtin.extend(user);
        Ok(Calendar::new(builtin))
    }

    /// All events, sorted by start date then name.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events spanning `date`.
    pub fn on(&self, date: NaiveDate) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.covers(date))
    }

    /// Events overlapping `from..=to`, in calendar order.
    pub fn between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.start <= to && from <= e.end)
    }

    /// Whether `queue` is closed on `date`: a `closure` event touching that
    /// queue spans it.
    pub fn is_closed(&self, date: NaiveDate, queue: &str) -> bool {
        self.on(date)
            .any(|e| e.kind == EventKind::Closure && e.applies_to(queue))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ev(
        name: &str,
        kind: EventKind,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Event {
        Event {
            name: name.into(),
            kind,
            start,
            end,
            queues: vec![],
            uplift: None,
        }
    }

    fn names_on(cal: &Calendar, date: NaiveDate) -> Vec<&str> {
        cal.on(date).map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn kinds_parse_loosely_and_list_the_choices() {
        assert_eq!("Black Friday".parse(), Ok(EventKind::BlackFriday));
        assert_eq!("software-update".parse(), Ok(EventKind::SoftwareUpdate));
        assert_eq!(" DROP ".parse(), Ok(EventKind::Drop));
        let err = "promo".parse::<EventKind>().unwrap_err();
        assert!(err.contains("holiday, sale, black_friday"), "{err}");
        assert!(err.contains("or drop"), "{err}");
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
    }

    #[test]
    fn calendar_choice_parses_config_values() {
        assert_eq!("fr".parse(), Ok(CalendarChoice::Fr));
        assert_eq!("None".parse(), Ok(CalendarChoice::None));
        assert!(
            "de".parse::<CalendarChoice>().unwrap_err().contains("fr or none")
        );
        assert_eq!(
            CalendarChoice::from(Country::Fr).country(),
            Some(Country::Fr)
        );
        assert_eq!(CalendarChoice::None.country(), None);
    }

    #[test]
    fn names_compare_without_case_accents_or_apostrophe_style() {
        assert_eq!(name_key("Fête des mères"), name_key("FETE  des meres"));
        assert_eq!(name_key("Soldes d’été"), name_key("soldes d'ete"));
        assert_ne!(name_key("Noël"), name_key("Noel 2"));
    }

    #[test]
    fn builtin_only_and_none() {
        let fr =
            Calendar::build(CalendarChoice::Fr, 2026..=2027, vec![]).unwrap();
        assert_eq!(fr.events().len(), 44);
        assert!(fr.is_closed(ymd(2026, 12, 25), "sav"));
        assert!(!fr.is_closed(ymd(2026, 12, 24), "sav"));
        let none = Calendar::build(CalendarChoice::None, 1900..=1900, vec![])
            .unwrap();
        assert!(none.events().is_empty());
    }

    #[test]
    fn years_are_checked() {
        for (first, last) in [(1969, 1970), (2100, 2101), (2027, 2026)] {
            let years = first..=last;
            let err = Calendar::build(CalendarChoice::Fr, years, vec![])
                .unwrap_err();
            assert_eq!(err.exit_code(), 2, "{err}");
        }
    }

    #[test]
    fn drop_removes_overlapping_builtins_of_that_name_only() {
        let drops = vec![
            ev(
                "halloween",
                EventKind::Drop,
                ymd(2026, 1, 1),
                ymd(2026, 12, 31),
            ),
            ev(
                "Soldes d'hiver",
                EventKind::Drop,
                ymd(2027, 2, 1),
                ymd(2027, 2, 1),
            ),
        ];
        let cal =
            Calendar::build(CalendarChoice::Fr, 2026..=2027, drops).unwrap();
        assert!(names_on(&cal, ymd(2026, 10, 31)).is_empty());
        assert_eq!(names_on(&cal, ymd(2027, 10, 31)), ["Halloween"]);
        // The 2027 soldes overlap 1 February: dropped whole.
        assert!(names_on(&cal, ymd(2027, 1, 6)).is_empty());
        assert_eq!(names_on(&cal, ymd(2026, 1, 7)), ["Soldes d'hiver"]);
        assert!(cal.events().iter().all(|e| e.kind != EventKind::Drop));
    }

    #[test]
    fn same_name_replaces_the_builtin_in_the_years_it_spans() {
        let moved = ev(
            "Soldes d’été",
            EventKind::Sale,
            ymd(2026, 7, 1),
            ymd(2026, 7, 28),
        );
        let cal =
            Calendar::build(CalendarChoice::Fr, 2026..=2027, vec![moved])
                .unwrap();
        let ete: Vec<_> = cal
            .events()
            .iter()
            .filter(|e| name_key(&e.name) == "soldes d'ete")
            .collect();
        assert_eq!(ete.len(), 2);
        assert_eq!(
            (ete[0].name.as_str(), ete[0].start),
            ("Soldes d’été", ymd(2026, 7, 1))
        );
        assert_eq!(
            (ete[1].name.as_str(), ete[1].start),
            ("Soldes d'été", ymd(2027, 6, 23))
        );
    }

    #[test]
    fn same_kind_and_dates_renames() {
        let day = ymd(2026, 12, 25);
        let xmas = ev("Christmas", EventKind::Closure, day, day);
        let launch = ev("Lancement", EventKind::Launch, day, day);
        let cal = Calendar::build(
            CalendarChoice::Fr,
            2026..=2026,
            vec![xmas, launch],
        )
        .unwrap();
        assert_eq!(names_on(&cal, day), ["Christmas", "Lancement"]);
        assert!(cal.is_closed(day, "commandes"));
    }

    #[test]
    fn user_events_are_added_and_sorted() {
        let mut promo = ev(
            "Vente privée",
            EventKind::Marketing,
            ymd(2031, 3, 2),
            ymd(2031, 3, 4),
        );
        promo.queues = vec!["chat".into()];
        let cal =
            Calendar::build(CalendarChoice::Fr, 2026..=2026, vec![promo])
                .unwrap();
        assert_eq!(cal.events().len(), 23);
        assert_eq!(cal.events().last().unwrap().name, "Vente privée");
        let sorted = cal
            .events()
            .windows(2)
            .all(|w| (w[0].start, &w[0].name) <= (w[1].start, &w[1].name));
        assert!(sorted);
        let march: Vec<_> =
            cal.between(ymd(2031, 3, 4), ymd(2031, 3, 10)).collect();
        assert_eq!(march.len(), 1);
    }

    #[test]
    fn closures_can_be_per_queue() {
        let day = ymd(2026, 8, 3);
        let mut inventory = ev("Inventaire", EventKind::Closure, day, day);
        inventory.queues = vec!["sav".into()];
        let cal = Calendar::build(
            CalendarChoice::None,
            2026..=2026,
            vec![inventory],
        )
        .unwrap();
        assert!(cal.is_closed(day, "sav"));
        assert!(!cal.is_closed(day, "chat"));
    }
}
