//! The scenario file: a planner's targets, team, hiring rules, overtime,
//! partners and what-ifs, in TOML.
//!
//! Reading happens in two steps. Serde reads the text into `Raw*` structs
//! that mirror the file (`deny_unknown_fields`, so a misspelt key is an
//! error with a "did you mean" suggestion), then `Scenario::from_raw`
//! checks every value and builds the typed [`Scenario`]. Every error names
//! the file, the line and column of the offending key and the key itself,
//! and exits 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;

use crate::calendar::CalendarChoice;
use crate::config::Settings;
use crate::error::{Error, InputError, Location, Result};
use crate::units::{IntervalLen, parse_duration};

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The planning date: nothing can be recruited or contracted before it.
    pub as_of: NaiveDate,
    /// The planned period.
    pub horizon: Horizon,
    /// Input files, resolved against the scenario's folder.
    pub inputs: Inputs,
    /// Queues, sorted by name.
    pub queues: Vec<QueueSpec>,
    /// The in-house team.
    pub team: Team,
    /// Seasonal hiring rules; `None` means no hiring.
    pub hiring: Option<Hiring>,
    /// Overtime rules.
    pub overtime: Overtime,
    /// Outsourced partners.
    pub partners: Vec<Partner>,
    /// Named what-if variants, compared with the base plan.
    pub whatifs: Vec<WhatIf>,
    /// Shift templates of `[shifts.NAME]`, by name; empty when the file
    /// has none (the plan then uses one default shift).
    pub shifts: Vec<ShiftSpec>,
}

/// A shift template: its paid length and the window its start falls in.
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftSpec {
    /// Name, as in `[shifts.NAME]`.
    pub name: String,
    /// Paid hours, breaks included.
    pub hours: f64,
    /// Earliest start, minutes after local midnight.
    pub earliest_min: u32,
    /// Latest start, minutes after local midnight (inclusive).
    pub latest_min: u32,
}

/// A seasonal contract hires are taken on.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractSpec {
    /// Name, copied to `shifts.csv`.
    pub name: String,
    /// Paid hours per week.
    pub weekly_hours: f64,
    /// Shift templates it works (names of `[shifts]`); empty means the
    /// team's.
    pub shifts: Vec<String>,
}

/// How a partner prices its work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PartnerPrice {
    /// Per agent-hour on the phones.
    PerHour(f64),
    /// Per contact answered.
    PerContact(f64),
}

/// The planned period.
#[derive(Clone, Debug)]
pub struct Horizon {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Interval length.
    pub interval: IntervalLen,
    /// Zone of the intervals: `horizon.timezone`, else the settings the
    /// scenario was read with.
    pub tz: Tz,
}

/// Input files named by the scenario.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The history CSV.
    pub history: Option<PathBuf>,
    /// Company events CSVs.
    pub events: Vec<PathBuf>,
    /// Built-in calendar: `inputs.calendar`, else the settings the
    /// scenario was read with.
    pub calendar: CalendarChoice,
}

/// How contacts of a queue are handled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Channel {
    /// Phone calls: an Erlang queue.
    Voice,
    /// Chat: each agent serves `concurrency` sessions at once.
    Chat {
        /// Sessions per agent, a whole number as
        /// [`crate::erlang::channels::chat_agents`] takes it.
        concurrency: u32,
    },
    /// Email: a backlog to clear within `deadline_s`.
    Email {
        /// Response deadline in seconds.
        deadline_s: f64,
    },
}

/// A queue's service goal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goal {
    /// `sl` of contacts answered within `within_s` seconds.
    ServiceLevel {
        /// Target share, in (0, 1).
        sl: f64,
        /// Answer time in seconds.
        within_s: f64,
    },
    /// Average speed of answer at most `asa_s` seconds.
    Asa {
        /// Target ASA in seconds.
        asa_s: f64,
    },
}

/// One queue.
#[derive(Clone, Debug)]
pub struct QueueSpec {
    /// Queue name, as in the history file.
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Handle time override in seconds; `None` uses the forecast's AHT.
    pub aht_s: Option<f64>,
    /// Level 1 contacts may overflow to partners; level 2 may not.
    pub level: u8,
    /// Mean patience in seconds (Erlang A); `None` for Erlang C.
    pub patience_s: Option<f64>,
    /// Service goal.
    pub goal: Goal,
    /// Largest occupancy allowed, in (0, 1].
    pub max_occupancy: Option<f64>,
    /// Share of paid time not spent on contacts, in [0, 1).
    pub shrinkage: f64,
}

/// The in-house team.
#[derive(Clone, Debug)]
pub struct Team {
    /// Paid hours in one FTE week.
    pub weekly_hours: f64,
    /// FTE per queue (queues not listed have none).
    pub fte: BTreeMap<String, f64>,
    /// Loaded cost of one in-house hour, used to price the team and its
    /// overtime.
    pub cost_per_hour: f64,
    /// Working days per person and week.
    pub days_per_week: u32,
    /// Shift templates the team works (names of `[shifts]`); empty means
    /// every template, or the default shift.
    pub shifts: Vec<String>,
}

/// Seasonal hiring (fixed-term contracts).
#[derive(Clone, Debug)]
pub struct Hiring {
    /// Weeks from the decision to recruit to the first training day.
    pub recruit_weeks: u32,
    /// Paid, unproductive training weeks.
    pub train_weeks: u32,
    /// Productivity in the first weeks after training (then 1).
    pub ramp: Vec<f64>,
    /// Cost of one hired hour.
    pub cost_per_hour: f64,
    /// Shortest contract in weeks, training included.
    pub min_contract_weeks: u32,
    /// Most people hired over the horizon, all queues together.
    pub max_hires: u32,
    /// Queues hires may work on.
    pub queues: Vec<String>,
    /// Contracts hires are taken on; empty means one full-time contract
    /// on the team's hours and shifts.
    pub contracts: Vec<ContractSpec>,
}

/// Overtime of the in-house team.
#[derive(Clone, Debug)]
pub struct Overtime {
    /// Most extra hours per in-house FTE and week.
    pub max_hours_per_week: f64,
    /// Most extra hours per person and day, right before or after the
    /// person's shift.
    pub max_hours_per_day: f64,
    /// Multiplier on the in-house hourly cost.
    pub premium: f64,
}

/// An outsourced partner.
#[derive(Clone, Debug)]
pub struct Partner {
    /// Name.
    pub name: String,
    /// Queues it may take (level 1 only).
    pub queues: Vec<String>,
    /// Most partner agents on the phones at once, over all its queues.
    pub max_fte: f64,
    /// Price of one partner hour (0 when priced per contact).
    pub cost_per_hour: f64,
    /// Its price.
    pub price: PartnerPrice,
    /// When it answers, local minutes `[from, to)`; `None` means the
    /// queue's opening hours.
    pub hours: Option<(u32, u32)>,
    /// Hours paid every week it is engaged, used or not.
    pub min_hours_per_week: f64,
    /// Weeks of notice before the first week it can work.
    pub notice_weeks: u32,
}

/// A what-if variant of the demand.
#[derive(Clone, Debug, Default)]
pub struct WhatIf {
    /// Name shown in the comparison.
    pub name: String,
    /// Share of each queue's volume deflected to self-care.
    pub deflection: BTreeMap<String, f64>,
    /// Deflect only on event days.
    pub event_days_only: bool,
    /// Peak spreading, if any.
    pub spread: Option<Spread>,
}

/// Move a share of each event day's volume to the days around it.
#[derive(Clone, Debug)]
pub struct Spread {
    /// Share of the event day's volume moved, in [0, 1].
    pub share: f64,
    /// Days on each side that receive it.
    pub days: u32,
    /// Event names concerned; empty means every event.
    pub events: Vec<String>,
}

// ---------------------------------------------------------------------
// The file as written.

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Text {
    Str(String),
    Date(toml::value::Datetime),
    Int(i64),
    Float(f64),
}

impl Text {
    fn show(&self) -> String {
        match self {
            Text::Str(s) => s.clone(),
            Text::Date(d) => d.to_string(),
            Text::Int(i) => i.to_string(),
            Text::Float(f) => f.to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    as_of: Text,
    horizon: RawHorizon,
    #[serde(default)]
    inputs: RawInputs,
    #[serde(default)]
    defaults: RawDefaults,
    queues: BTreeMap<String, RawQueue>,
    team: RawTeam,
    hiring: Option<RawHiring>,
    overtime: Option<RawOvertime>,
    #[serde(default)]
    partners: Vec<RawPartner>,
    #[serde(default)]
    whatif: Vec<RawWhatIf>,
    #[serde(default)]
    shifts: BTreeMap<String, RawShift>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShift {
    hours: f64,
    starts: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    name: String,
    weekly_hours: f64,
    #[serde(default)]
    shifts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHorizon {
    from: Text,
    to: Text,
    interval: Option<Text>,
    timezone: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    history: Option<String>,
    #[serde(default)]
    events: Vec<String>,
    calendar: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    shrinkage: Option<f64>,
    service_level: Option<f64>,
    within: Option<Text>,
    asa: Option<Text>,
    max_occupancy: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQueue {
    channel: Option<String>,
    aht: Option<Text>,
    level: Option<i64>,
    patience: Option<Text>,
    concurrency: Option<f64>,
    deadline: Option<Text>,
    shrinkage: Option<f64>,
    service_level: Option<f64>,
    within: Option<Text>,
    asa: Option<Text>,
    max_occupancy: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    weekly_hours: f64,
    #[serde(default)]
    fte: BTreeMap<String, f64>,
    cost_per_hour: Option<f64>,
    days_per_week: Option<i64>,
    #[serde(default)]
    shifts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHiring {
    recruit_weeks: i64,
    train_weeks: i64,
    #[serde(default)]
    ramp: Vec<f64>,
    cost_per_hour: f64,
    #[serde(default)]
    min_contract_weeks: i64,
    max_hires: i64,
    queues: Vec<String>,
    #[serde(default)]
    contracts: Vec<RawContract>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOvertime {
    max_hours_per_week: f64,
    max_hours_per_day: Option<f64>,
    premium: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartner {
    name: String,
    queues: Vec<String>,
    max_fte: f64,
    cost_per_hour: Option<f64>,
    cost_per_contact: Option<f64>,
    hours: Option<String>,
    #[serde(default)]
    min_hours_per_week: f64,
    #[serde(default)]
    notice_weeks: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhatIf {
    name: String,
    #[serde(default)]
    deflection: BTreeMap<String, f64>,
    #[serde(default)]
    event_days_only: bool,
    spread: Option<RawSpread>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpread {
    share: f64,
    days: i64,
    #[serde(default)]
    events: Vec<String>,
}

// ---------------------------------------------------------------------
// Reading and checking.

/// Reports problems at the place they are in the file.
struct Checker<'a> {
    file: String,
    text: &'a str,
}

impl Checker<'_> {
    /// An error at `path` (keys from the root; array items by index).
    fn err(&self, path: &[&str], what: impl std::fmt::Display) -> Error {
        let key = dotted(path);
        let file = Location::file(&self.file);
        let at = match locate(self.text, path) {
            Some(offset) => file.offset(self.text, offset),
            None => file,
        };
        InputError::new(at, format!("{key}: {what}")).into()
    }

    fn bad(
        &self,
        path: &[&str],
        expected: &str,
        found: impl std::fmt::Display,
    ) -> Error {
        self.err(path, format!("expected {expected}, found {found}"))
    }

    fn date(&self, path: &[&str], value: &Text) -> Result<NaiveDate> {
        let text = value.show();
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| self.bad(path, "an ISO date like 2025-11-01", text))
    }

    fn duration(&self, path: &[&str], value: &Text) -> Result<f64> {
        let text = value.show();
        parse_duration(&text).map_err(|e| self.err(path, e))
    }

    fn positive_duration(&self, path: &[&str], value: &Text) -> Result<f64> {
        let secs = self.duration(path, value)?;
        if secs > 0.0 {
            Ok(secs)
        } else {
            Err(self.bad(path, "a duration above zero", value.show()))
        }
    }

    fn share_open(&self, path: &[&str], x: f64) -> Result<f64> {
        if x > 0.0 && x < 1.0 {
            Ok(x)
        } else {
            Err(self.bad(path, "a share in (0, 1) such as 0.8", x))
        }
    }

    fn shrinkage(&self, path: &[&str], x: f64) -> Result<f64> {
        if (0.0..1.0).contains(&x) {
            Ok(x)
        } else {
            Err(self.bad(path, "a share in [0, 1) such as 0.30", x))
        }
    }

    fn occupancy(&self, path: &[&str], x: f64) -> Result<f64> {
        if x > 0.0 && x <= 1.0 {
            Ok(x)
        } else {
            Err(self.bad(path, "an occupancy in (0, 1] such as 0.9", x))
        }
    }

    fn non_negative(&self, path: &[&str], x: f64) -> Result<f64> {
        if x.is_finite() && x >= 0.0 {
            Ok(x)
        } else {
            Err(self.bad(path, "a number of zero or more", x))
        }
    }

    fn count(&self, path: &[&str], x: i64, max: i64) -> Result<u32> {
        if (0..=max).contains(&x) {
            Ok(x as u32)
        } else {
            Err(self.bad(path, &format!("a whole number from 0 to {max}"), x))
        }
    }

    fn queue_ref(
        &self,
        path: &[&str],
        name: &str,
        queues: &BTreeMap<String, RawQueue>,
    ) -> Result<()> {
        if queues.contains_key(name) {
            return Ok(());
        }
        let known: Vec<&str> = queues.keys().map(String::as_str).collect();
        let hint = match suggest(name, &known) {
            Some(s) => format!(" (did you mean \"{s}\"?)"),
            None => String::new(),
        };
        Err(self.err(
            path,
            format!(
                "unknown queue \"{name}\"{hint}; the scenario defines {}",
                known.join(", ")
            ),
        ))
    }
}

// ---------------------------------------------------------------------
// One checker per part of the file, in the order of the file.

/// The queue defaults of `[defaults]`, checked.
struct QueueDefaults {
    shrinkage: f64,
    sl: Option<f64>,
    within: Option<f64>,
    asa: Option<f64>,
    occupancy: Option<f64>,
}

impl Checker<'_> {
    /// `[horizon]`; the zone defaults to `defaults.tz`.
    fn horizon(
        &self,
        raw: &RawHorizon,
        defaults: &Settings,
    ) -> Result<Horizon> {
        let from = self.date(&["horizon", "from"], &raw.from)?;
        let to = self.date(&["horizon", "to"], &raw.to)?;
        if from > to {
            return Err(self.err(
                &["horizon", "to"],
                format!("the horizon ends ({to}) before it starts ({from})"),
            ));
        }
        if (to - from).num_days() > 366 * 2 {
            return Err(self.err(
                &["horizon", "to"],
                "the horizon is longer than two years; plan a season at a time",
            ));
        }
        let interval = match &raw.interval {
            None => IntervalLen::from_minutes(30).unwrap_or_else(|| {
                unreachable!("30 minutes is an allowed interval")
            }),
            Some(t) => t
                .show()
                .parse::<IntervalLen>()
                .map_err(|e| self.err(&["horizon", "interval"], e))?,
        };
        let tz = match &raw.timezone {
            None => defaults.tz,
            Some(name) => name.parse::<Tz>().map_err(|_| {
                self.bad(
                    &["horizon", "timezone"],
                    "an IANA time zone such as Europe/Paris",
                    format!("{name:?}"),
                )
            })?,
        };
        Ok(Horizon { from, to, interval, tz })
    }

    /// `inputs.calendar`, else `defaults.calendar`.
    fn calendar(
        &self,
        raw: &RawInputs,
        defaults: &Settings,
    ) -> Result<CalendarChoice> {
        let calendar = match &raw.calendar {
            None => defaults.calendar,
            Some(name) => name.parse::<CalendarChoice>().map_err(|_| {
                self.bad(
                    &["inputs", "calendar"],
                    "\"fr\" or \"none\"",
                    format!("{name:?}"),
                )
            })?,
        };
        Ok(calendar)
    }

    /// `[defaults]`.
    fn queue_defaults(&self, d: &RawDefaults) -> Result<QueueDefaults> {
        let def_shrink = match d.shrinkage {
            Some(x) => self.shrinkage(&["defaults", "shrinkage"], x)?,
            None => 0.0,
        };
        let def_sl = d
            .service_level
            .map(|x| self.share_open(&["defaults", "service_level"], x))
            .transpose()?;
        let def_within = d
            .within
            .as_ref()
            .map(|t| self.duration(&["defaults", "within"], t))
            .transpose()?;
        let def_asa = d
            .asa
            .as_ref()
            .map(|t| self.positive_duration(&["defaults", "asa"], t))
            .transpose()?;
        let def_occ = d
            .max_occupancy
            .map(|x| self.occupancy(&["defaults", "max_occupancy"], x))
            .transpose()?;

        Ok(QueueDefaults {
            shrinkage: def_shrink,
            sl: def_sl,
            within: def_within,
            asa: def_asa,
            occupancy: def_occ,
        })
    }

    /// `[queues.*]`, with the queue defaults.
    fn queues(&self, raw: &RawScenario) -> Result<Vec<QueueSpec>> {
        let d = self.queue_defaults(&raw.defaults)?;
        if raw.queues.is_empty() {
            return Err(self.err(&["queues"], "define at least one queue"));
        }
        let mut queues = Vec::new();
        for (name, q) in &raw.queues {
            queues.push(self.queue(name, q, &d)?);
        }
        Ok(queues)
    }

    /// One `[queues.NAME]`.
    fn queue(
        &self,
        name: &str,
        q: &RawQueue,
        d: &QueueDefaults,
    ) -> Result<QueueSpec> {
        let (def_shrink, def_sl, def_within, def_asa, def_occ) =
            (d.shrinkage, d.sl, d.within, d.asa, d.occupancy);
        let p = |key: &'static str| -> [&str; 3] { ["queues", name, key] };
        let channel = self.channel(name, q)?;
        let aht_s = q
            .aht
            .as_ref()
            .map(|t| self.positive_duration(&p("aht"), t))
            .transpose()?;
        let level = match q.level {
            None => 1,
            Some(l @ 1..=2) => l as u8,
            Some(l) => return Err(self.bad(&p("level"), "1 or 2", l)),
        };
        let patience_s = q
            .patience
            .as_ref()
            .map(|t| self.positive_duration(&p("patience"), t))
            .transpose()?;
        let shrinkage = match q.shrinkage {
            Some(x) => self.shrinkage(&p("shrinkage"), x)?,
            None => def_shrink,
        };
        let sl = q
            .service_level
            .map(|x| self.share_open(&p("service_level"), x))
            .transpose()?
            .or(def_sl);
        let within = q
            .within
            .as_ref()
            .map(|t| self.duration(&p("within"), t))
            .transpose()?
            .or(def_within);
        let asa = q
            .asa
            .as_ref()
            .map(|t| self.positive_duration(&p("asa"), t))
            .transpose()?
            .or(def_asa);
        let goal = self.goal(name, channel, (sl, within, asa))?;
        let max_occupancy = q
            .max_occupancy
            .map(|x| self.occupancy(&p("max_occupancy"), x))
            .transpose()?
            .or(def_occ);
        Ok(QueueSpec {
            name: name.to_string(),
            channel,
            aht_s,
            level,
            patience_s,
            goal,
            max_occupancy,
            shrinkage,
        })
    }

    /// The channel of `[queues.NAME]` and the keys only it takes.
    fn channel(&self, name: &str, q: &RawQueue) -> Result<Channel> {
        let p = |key: &'static str| -> [&str; 3] { ["queues", name, key] };
        let channel = match q.channel.as_deref().unwrap_or("voice") {
            "voice" => Channel::Voice,
            "chat" => {
                let conc = q.concurrency.unwrap_or(1.0);
                if !(1.0..=20.0).contains(&conc) || conc.fract() != 0.0 {
                    return Err(self.bad(
                        &p("concurrency"),
                        "a whole number of sessions per agent from 1 to 20",
                        conc,
                    ));
                }
                Channel::Chat { concurrency: conc as u32 }
            }
            "email" => {
                let Some(t) = &q.deadline else {
                    return Err(self.err(
                        &p("channel"),
                        "an email queue needs `deadline` (e.g. \"24h\")",
                    ));
                };
                let deadline_s = self.positive_duration(&p("deadline"), t)?;
                Channel::Email { deadline_s }
            }
            other => {
                return Err(self.bad(
                    &p("channel"),
                    "voice, chat or email",
                    format!("{other:?}"),
                ));
            }
        };
        if q.concurrency.is_some() && !matches!(channel, Channel::Chat { .. })
        {
            return Err(self.err(
                &p("concurrency"),
                "concurrency applies to chat queues only",
            ));
        }
        if q.deadline.is_some() && !matches!(channel, Channel::Email { .. }) {
            return Err(self.err(
                &p("deadline"),
                "deadline applies to email queues only",
            ));
        }
        Ok(channel)
    }

    /// The target of `[queues.NAME]` from its service level, time and ASA
    /// (each the queue's own, else the default).
    fn goal(
        &self,
        name: &str,
        channel: Channel,
        (sl, within, asa): (Option<f64>, Option<f64>, Option<f64>),
    ) -> Result<Goal> {
        let goal = match (sl, within, asa) {
            (Some(sl), Some(within_s), _) => {
                Goal::ServiceLevel { sl, within_s }
            }
            (Some(_), None, _) => {
                return Err(self.err(
                    &["queues", name],
                    "a service level needs `within` (e.g. \"20s\") \
                     here or in [defaults]",
                ));
            }
            (None, _, Some(asa_s)) => Goal::Asa { asa_s },
            (None, _, None) if matches!(channel, Channel::Email { .. }) => {
                Goal::ServiceLevel { sl: 0.8, within_s: 0.0 }
            }
            (None, _, None) => {
                return Err(self.err(
                    &["queues", name],
                    "no target: set `service_level` and `within`, or \
                     `asa`, here or in [defaults]",
                ));
            }
        };
        Ok(goal)
    }

    /// `team.weekly_hours` and the queues of `team.fte`.
    fn team_hours(
        &self,
        t: &RawTeam,
        queues: &BTreeMap<String, RawQueue>,
    ) -> Result<f64> {
        let weekly_hours = t.weekly_hours;
        if !(1.0..=80.0).contains(&weekly_hours) {
            return Err(self.bad(
                &["team", "weekly_hours"],
                "paid hours per week from 1 to 80",
                weekly_hours,
            ));
        }
        for (q, fte) in &t.fte {
            self.queue_ref(&["team", "fte", q], q, queues)?;
            self.non_negative(&["team", "fte", q], *fte)?;
        }

        Ok(weekly_hours)
    }

    /// `[team]`; its rate defaults to the hires'.
    fn team(
        &self,
        t: &RawTeam,
        weekly_hours: f64,
        hiring: Option<&Hiring>,
        shifts: &[ShiftSpec],
    ) -> Result<Team> {
        let team_rate = match t.cost_per_hour {
            Some(x) => self.non_negative(&["team", "cost_per_hour"], x)?,
            None => hiring.map_or(0.0, |h| h.cost_per_hour),
        };
        let days_per_week = match t.days_per_week {
            None => 5,
            Some(d) => match self.count(&["team", "days_per_week"], d, 7)? {
                0 => {
                    return Err(self.bad(
                        &["team", "days_per_week"],
                        "working days per week from 1 to 7",
                        0,
                    ));
                }
                d => d,
            },
        };
        for (i, name) in t.shifts.iter().enumerate() {
            let i = i.to_string();
            self.shift_ref(&["team", "shifts", &i], name, shifts)?;
        }
        let team = Team {
            weekly_hours,
            fte: t.fte.clone(),
            cost_per_hour: team_rate,
            days_per_week,
            shifts: dedup_keep_order(&t.shifts),
        };

        Ok(team)
    }

    /// A shift name that must be one of `[shifts]`.
    fn shift_ref(
        &self,
        path: &[&str],
        name: &str,
        shifts: &[ShiftSpec],
    ) -> Result<()> {
        if shifts.iter().any(|s| s.name == name) {
            return Ok(());
        }
        let known: Vec<&str> =
            shifts.iter().map(|s| s.name.as_str()).collect();
        let hint = match suggest(name, &known) {
            Some(s) => format!(" (did you mean \"{s}\"?)"),
            None => String::new(),
        };
        let defined = if known.is_empty() {
            "no [shifts.NAME] table".to_string()
        } else {
            known.join(", ")
        };
        Err(self.err(
            path,
            format!("unknown shift \"{name}\"{hint}; the scenario defines {defined}"),
        ))
    }

    /// `[shifts.NAME]`: paid hours and a start window on the interval
    /// grid.
    fn shifts(
        &self,
        raw: &BTreeMap<String, RawShift>,
        interval: IntervalLen,
    ) -> Result<Vec<ShiftSpec>> {
        let step = interval.minutes();
        let mut out = Vec::new();
        for (name, r) in raw {
            let p = |key: &'static str| -> [&str; 3] { ["shifts", name, key] };
            if !(r.hours > 0.0 && r.hours <= 16.0) {
                return Err(self.bad(
                    &p("hours"),
                    "paid hours from 0 to 16",
                    r.hours,
                ));
            }
            let slots = r.hours * 60.0 / f64::from(step);
            if (slots - slots.round()).abs() > 1e-9 {
                return Err(self.bad(
                    &p("hours"),
                    &format!("a whole number of {step}-minute intervals"),
                    r.hours,
                ));
            }
            let (earliest_min, latest_min) = self
                .clock_range(&p("starts"), &r.starts, step)?
                .ok_or_else(|| {
                    self.bad(
                        &p("starts"),
                        "a start window such as \"08:00-13:00\"",
                        &r.starts,
                    )
                })?;
            if earliest_min > latest_min {
                return Err(self.err(
                    &p("starts"),
                    format!(
                        "the latest start is before the earliest in {:?}",
                        r.starts
                    ),
                ));
            }
            out.push(ShiftSpec {
                name: name.clone(),
                hours: r.hours,
                earliest_min,
                latest_min,
            });
        }
        Ok(out)
    }

    /// `"HH:MM-HH:MM"` as minutes after midnight, both on the grid of
    /// `step` minutes; `None` when the text is not two clock times.
    fn clock_range(
        &self,
        path: &[&str],
        text: &str,
        step: u32,
    ) -> Result<Option<(u32, u32)>> {
        let clock = |t: &str| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
        };
        let Some((a, b)) = text.split_once('-') else { return Ok(None) };
        let (Some(a), Some(b)) = (clock(a), clock(b)) else { return Ok(None) };
        if a % step != 0 || b % step != 0 {
            return Err(self.bad(
                path,
                &format!("times on the {step}-minute interval grid"),
                format!("{text:?}"),
            ));
        }
        Ok(Some((a, b)))
    }

    /// `hiring.contracts`.
    fn contracts(
        &self,
        raw: &[RawContract],
        weekly_hours: f64,
        shifts: &[ShiftSpec],
    ) -> Result<Vec<ContractSpec>> {
        let mut out: Vec<ContractSpec> = Vec::new();
        for (i, c) in raw.iter().enumerate() {
            let i = i.to_string();
            let p = |key: &'static str| -> [&str; 4] {
                ["hiring", "contracts", &i, key]
            };
            if c.name.trim().is_empty() {
                return Err(self.err(&p("name"), "a contract needs a name"));
            }
            if out.iter().any(|o| o.name == c.name) {
                return Err(self.err(
                    &p("name"),
                    format!("contract \"{}\" is defined twice", c.name),
                ));
            }
            if !(c.weekly_hours > 0.0
                && c.weekly_hours <= weekly_hours.max(48.0))
            {
                return Err(self.bad(
                    &p("weekly_hours"),
                    "paid hours per week above 0",
                    c.weekly_hours,
                ));
            }
            for (j, name) in c.shifts.iter().enumerate() {
                let j = j.to_string();
                self.shift_ref(
                    &["hiring", "contracts", &i, "shifts", &j],
                    name,
                    shifts,
                )?;
            }
            out.push(ContractSpec {
                name: c.name.clone(),
                weekly_hours: c.weekly_hours,
                shifts: dedup_keep_order(&c.shifts),
            });
        }
        Ok(out)
    }

    /// `[hiring]`, if any.
    fn hiring(
        &self,
        raw: Option<&RawHiring>,
        queues: &BTreeMap<String, RawQueue>,
        weekly_hours: f64,
        shifts: &[ShiftSpec],
    ) -> Result<Option<Hiring>> {
        let hiring = match raw {
            None => None,
            Some(h) => {
                let p = |key: &'static str| -> [&str; 2] { ["hiring", key] };
                let ramp = h.ramp.clone();
                for (i, r) in ramp.iter().enumerate() {
                    if !(*r > 0.0 && *r <= 1.0) {
                        let i = i.to_string();
                        return Err(self.bad(
                            &["hiring", "ramp", &i],
                            "a productivity in (0, 1]",
                            r,
                        ));
                    }
                }
                if h.queues.is_empty() {
                    return Err(self.err(
                        &p("queues"),
                        "name the queues hires work on, e.g. [\"commandes\"]",
                    ));
                }
                for (i, q) in h.queues.iter().enumerate() {
                    let i = i.to_string();
                    self.queue_ref(&["hiring", "queues", &i], q, queues)?;
                }
                Some(Hiring {
                    recruit_weeks: self.count(
                        &p("recruit_weeks"),
                        h.recruit_weeks,
                        52,
                    )?,
                    train_weeks: self.count(
                        &p("train_weeks"),
                        h.train_weeks,
                        26,
                    )?,
                    ramp,
                    cost_per_hour: self
                        .non_negative(&p("cost_per_hour"), h.cost_per_hour)?,
                    min_contract_weeks: self.count(
                        &p("min_contract_weeks"),
                        h.min_contract_weeks,
                        104,
                    )?,
                    max_hires: self.count(
                        &p("max_hires"),
                        h.max_hires,
                        100_000,
                    )?,
                    queues: dedup(&h.queues),
                    contracts: self.contracts(
                        &h.contracts,
                        weekly_hours,
                        shifts,
                    )?,
                })
            }
        };
        Ok(hiring)
    }

    /// `[overtime]`: none without the table.
    fn overtime(
        &self,
        raw: Option<&RawOvertime>,
        weekly_hours: f64,
    ) -> Result<Overtime> {
        let overtime = match raw {
            None => Overtime {
                max_hours_per_week: 0.0,
                max_hours_per_day: 0.0,
                premium: 1.0,
            },
            Some(o) => {
                let max = o.max_hours_per_week;
                if !(0.0..=weekly_hours).contains(&max) {
                    return Err(self.bad(
                        &["overtime", "max_hours_per_week"],
                        &format!(
                            "hours from 0 to weekly_hours ({weekly_hours})"
                        ),
                        max,
                    ));
                }
                if !(1.0..=5.0).contains(&o.premium) {
                    return Err(self.bad(
                        &["overtime", "premium"],
                        "a multiplier from 1 to 5, such as 1.25",
                        o.premium,
                    ));
                }
                let per_day = match o.max_hours_per_day {
                    None => max,
                    Some(d) if (0.0..=12.0).contains(&d) => d,
                    Some(d) => {
                        return Err(self.bad(
                            &["overtime", "max_hours_per_day"],
                            "hours from 0 to 12",
                            d,
                        ));
                    }
                };
                Overtime {
                    max_hours_per_week: max,
                    max_hours_per_day: per_day,
                    premium: o.premium,
                }
            }
        };

        Ok(overtime)
    }

    /// `[[partners]]`.
    fn partners(
        &self,
        raw: &[RawPartner],
        queues: &BTreeMap<String, RawQueue>,
        interval: IntervalLen,
    ) -> Result<Vec<Partner>> {
        let mut partners: Vec<Partner> = Vec::new();
        for (i, raw_p) in raw.iter().enumerate() {
            let i = i.to_string();
            let p = |key: &'static str| -> [&str; 3] { ["partners", &i, key] };
            if raw_p.name.trim().is_empty() {
                return Err(self.err(&p("name"), "a partner needs a name"));
            }
            if partners.iter().any(|o| o.name == raw_p.name) {
                return Err(self.err(
                    &p("name"),
                    format!("partner \"{}\" is defined twice", raw_p.name),
                ));
            }
            if raw_p.queues.is_empty() {
                return Err(self.err(&p("queues"), "name at least one queue"));
            }
            for (j, q) in raw_p.queues.iter().enumerate() {
                let j = j.to_string();
                let at = ["partners", &i, "queues", &j];
                self.queue_ref(&at, q, queues)?;
                if queues.get(q).and_then(|r| r.level).unwrap_or(1) != 1 {
                    return Err(self.err(
                        &at,
                        format!(
                            "queue \"{q}\" is level 2: only level-1 queues \
                             may overflow to partners"
                        ),
                    ));
                }
            }
            let price = match (raw_p.cost_per_hour, raw_p.cost_per_contact) {
                (Some(h), None) => PartnerPrice::PerHour(
                    self.non_negative(&p("cost_per_hour"), h)?,
                ),
                (None, Some(c)) => PartnerPrice::PerContact(
                    self.non_negative(&p("cost_per_contact"), c)?,
                ),
                (Some(_), Some(_)) => {
                    return Err(self.err(
                        &p("cost_per_contact"),
                        "give `cost_per_hour` or `cost_per_contact`, not both",
                    ));
                }
                (None, None) => {
                    return Err(self.err(
                        &["partners", &i],
                        "a partner needs `cost_per_hour` or `cost_per_contact`",
                    ));
                }
            };
            let step = interval.minutes();
            let hours = match &raw_p.hours {
                None => None,
                Some(text) => {
                    let (a, b) = self
                        .clock_range(&p("hours"), text, step)?
                        .ok_or_else(|| {
                            self.bad(
                                &p("hours"),
                                "opening hours such as \"08:00-20:00\"",
                                format!("{text:?}"),
                            )
                        })?;
                    if a >= b {
                        return Err(self.err(
                            &p("hours"),
                            format!(
                                "the hours end before they start in {text:?}"
                            ),
                        ));
                    }
                    Some((a, b))
                }
            };
            partners.push(Partner {
                name: raw_p.name.clone(),
                queues: dedup(&raw_p.queues),
                max_fte: self.non_negative(&p("max_fte"), raw_p.max_fte)?,
                cost_per_hour: match price {
                    PartnerPrice::PerHour(h) => h,
                    PartnerPrice::PerContact(_) => 0.0,
                },
                price,
                hours,
                min_hours_per_week: self.non_negative(
                    &p("min_hours_per_week"),
                    raw_p.min_hours_per_week,
                )?,
                notice_weeks: self.count(
                    &p("notice_weeks"),
                    raw_p.notice_weeks,
                    104,
                )?,
            });
        }

        Ok(partners)
    }

    /// `[[whatif]]`.
    fn whatifs(
        &self,
        raw: &[RawWhatIf],
        queues: &BTreeMap<String, RawQueue>,
    ) -> Result<Vec<WhatIf>> {
        let mut whatifs: Vec<WhatIf> = Vec::new();
        for (i, w) in raw.iter().enumerate() {
            let i = i.to_string();
            let p = |key: &'static str| -> [&str; 3] { ["whatif", &i, key] };
            if w.name.trim().is_empty() {
                return Err(self.err(&p("name"), "a what-if needs a name"));
            }
            if whatifs.iter().any(|o| o.name == w.name) || w.name == "base" {
                return Err(self.err(
                    &p("name"),
                    format!("what-if name \"{}\" is already used", w.name),
                ));
            }
            for (q, share) in &w.deflection {
                let at = ["whatif", &i, "deflection", q];
                self.queue_ref(&at, q, queues)?;
                if !(0.0..=1.0).contains(share) {
                    return Err(self.bad(&at, "a share in [0, 1]", share));
                }
            }
            let spread = match &w.spread {
                None => None,
                Some(s) => {
                    let at = ["whatif", &i, "spread", "share"];
                    if !(0.0..=1.0).contains(&s.share) {
                        return Err(self.bad(
                            &at,
                            "a share in [0, 1]",
                            s.share,
                        ));
                    }
                    let at = ["whatif", &i, "spread", "days"];
                    let days = self.count(&at, s.days, 14)?;
                    if days == 0 {
                        return Err(self.bad(&at, "1 to 14 days", 0));
                    }
                    Some(Spread {
                        share: s.share,
                        days,
                        events: s.events.clone(),
                    })
                }
            };
            if w.deflection.is_empty() && spread.is_none() {
                return Err(self.err(
                    &["whatif", &i],
                    "a what-if needs `deflection` or `spread`",
                ));
            }
            whatifs.push(WhatIf {
                name: w.name.clone(),
                deflection: w.deflection.clone(),
                event_days_only: w.event_days_only,
                spread,
            });
        }

        Ok(whatifs)
    }
}

fn dotted(path: &[&str]) -> String {
    let mut out = String::new();
    for part in path {
        if part.parse::<usize>().is_ok() {
            out.push_str(&format!("[{}]", part.parse::<usize>().unwrap_or(0)));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

/// The byte offset where the key at `path` is written, or the deepest part
/// of it that is.
fn locate(text: &str, path: &[&str]) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut best: Option<usize> = None;
    let mut value: Option<&toml::de::DeValue<'_>> = None;
    let mut table = Some(root.get_ref());
    for part in path {
        if let Some(t) = table {
            let (k, v) = t.iter().find(|(k, _)| k.get_ref() == part)?;
            best = Some(k.span().start);
            value = Some(v.get_ref());
            table = v.get_ref().as_table();
            continue;
        }
        let index: usize = part.parse().ok()?;
        let item = value?.as_array()?.get(index)?;
        best = Some(item.span().start);
        value = Some(item.get_ref());
        table = item.get_ref().as_table();
    }
    best
}

/// The closest of `names` to `name`, if close enough to be a typo.
pub(crate) fn suggest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(name, n), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Turns a serde error into one that names the key, its place, and a
/// suggestion for a misspelt key.
fn serde_error(file: &str, text: &str, err: &toml::de::Error) -> Error {
    let at = match err.span() {
        Some(span) => Location::file(file).offset(text, span.start),
        None => Location::file(file),
    };
    let msg = err.message().trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let valid: Vec<&str> = rest
            .split('`')
            .skip(2)
            .step_by(2)
            .filter(|s| !s.is_empty())
            .collect();
        let hint = match suggest(key, &valid) {
            Some(s) => format!("; did you mean `{s}`?"),
            None if valid.is_empty() => String::new(),
            None => format!("; valid keys here: {}", valid.join(", ")),
        };
        return InputError::new(at, format!("unknown key `{key}`{hint}"))
            .into();
    }
    if msg.contains("did not match any variant") {
        return InputError::new(at, "expected a text, number or date value")
            .into();
    }
    InputError::new(at, msg).into()
}

impl Scenario {
    /// Reads and checks a scenario file. Paths inside are resolved against
    /// the file's folder; the zone and calendar the file does not set come
    /// from `defaults` (the config file's, or the built-in ones).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read; [`Error::Input`] (exit
    /// 2) naming the file, line, column and key for any invalid content.
    pub fn read(path: &Path, defaults: &Settings) -> Result<Scenario> {
        // Undecodable bytes are an input error at their line and column,
        // not an I/O failure.
        let text = crate::inputs::read_text(path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        Scenario::parse(&path.display().to_string(), &text, base, defaults)
    }

    /// Parses scenario `text`; `file` names it in messages and `base` is
    /// the folder relative paths start from.
    ///
    /// # Errors
    ///
    /// As [`Scenario::read`].
    pub fn parse(
        file: &str,
        text: &str,
        base: &Path,
        defaults: &Settings,
    ) -> Result<Scenario> {
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| serde_error(file, text, &e))?;
        let c = Checker { file: file.to_string(), text };
        Scenario::from_raw(&c, raw, base, defaults)
    }

    fn from_raw(
        c: &Checker,
        raw: RawScenario,
        base: &Path,
        defaults: &Settings,
    ) -> Result<Scenario> {
        let as_of = c.date(&["as_of"], &raw.as_of)?;
        let horizon = c.horizon(&raw.horizon, defaults)?;
        let inputs = Inputs {
            history: raw.inputs.history.as_ref().map(|h| base.join(h)),
            events: raw.inputs.events.iter().map(|e| base.join(e)).collect(),
            calendar: c.calendar(&raw.inputs, defaults)?,
        };
        let queues = c.queues(&raw)?;
        let weekly_hours = c.team_hours(&raw.team, &raw.queues)?;
        let shifts = c.shifts(&raw.shifts, horizon.interval)?;
        let hiring =
            c.hiring(raw.hiring.as_ref(), &raw.queues, weekly_hours, &shifts)?;
        let team =
            c.team(&raw.team, weekly_hours, hiring.as_ref(), &shifts)?;
        let interval = horizon.interval;
        Ok(Scenario {
            as_of,
            horizon,
            inputs,
            queues,
            team,
            hiring,
            overtime: c.overtime(raw.overtime.as_ref(), weekly_hours)?,
            partners: c.partners(&raw.partners, &raw.queues, interval)?,
            whatifs: c.whatifs(&raw.whatif, &raw.queues)?,
            shifts,
        })
    }

    /// The zone and calendar of this scenario, as a layer of settings
    /// (already resolved against the settings it was read with).
    pub fn layer(&self) -> crate::config::Layer {
        crate::config::Layer {
            tz: Some(self.horizon.tz),
            dialect: None,
            calendar: Some(self.inputs.calendar),
        }
    }

    /// The queue called `name`.
    pub fn queue(&self, name: &str) -> Option<&QueueSpec> {
        self.queues.iter().find(|q| q.name == name)
    }
}

/// `names` without repeats, in their first order (the order of a shift
/// list is the planner's preference, kept for the output).
fn dedup_keep_order(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

fn dedup(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = names.to_vec();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const EXAMPLE: &str = r#"
as_of = "2025-10-01"            # the planning date

[horizon]
from = "2025-11-01"
to = "2025-12-31"
interval = "30m"
timezone = "Europe/Paris"

[inputs]
history = "history.csv"
events = ["events.csv"]
calendar = "fr"

[defaults]
shrinkage = 0.30
service_level = 0.80
within = "20s"
max_occupancy = 0.90

[queues.commandes]
channel = "voice"
aht = "240s"
level = 1
# patience = "90s"

[queues.sav]
channel = "voice"
aht = "420s"
level = 2

[team]
weekly_hours = 35
fte = { commandes = 60, sav = 45 }

[hiring]
recruit_weeks = 3
train_weeks = 2
ramp = [0.6, 0.8, 1.0]
cost_per_hour = 21.0
min_contract_weeks = 6
max_hires = 80
queues = ["commandes"]

[overtime]
max_hours_per_week = 4
premium = 1.25

[[partners]]
name = "Atlas"
queues = ["commandes"]
max_fte = 40
cost_per_hour = 27.0
notice_weeks = 4
"#;

    fn parse(text: &str) -> Result<Scenario> {
        Scenario::parse("s.toml", text, Path::new("dir"), &Settings::default())
    }

    fn err(text: &str) -> String {
        let e = parse(text).expect_err("should fail");
        assert_eq!(e.exit_code(), 2);
        e.to_string()
    }

    #[test]
    fn the_example_is_accepted() {
        let s = parse(EXAMPLE).unwrap();
        assert_eq!(s.as_of.to_string(), "2025-10-01");
        assert_eq!(s.horizon.interval.minutes(), 30);
        assert_eq!(s.inputs.history, Some(PathBuf::from("dir/history.csv")));
        assert_eq!(s.queues.len(), 2);
        let cmd = s.queue("commandes").unwrap();
        assert_eq!(cmd.aht_s, Some(240.0));
        assert_eq!(cmd.goal, Goal::ServiceLevel { sl: 0.8, within_s: 20.0 });
        assert_eq!(cmd.shrinkage, 0.3);
        assert_eq!(s.queue("sav").unwrap().level, 2);
        assert_eq!(s.team.fte["sav"], 45.0);
        assert_eq!(s.team.cost_per_hour, 21.0);
        let h = s.hiring.unwrap();
        assert_eq!((h.recruit_weeks, h.train_weeks, h.max_hires), (3, 2, 80));
        assert_eq!(s.partners[0].notice_weeks, 4);
    }

    #[test]
    fn a_misspelt_key_names_its_place_and_the_right_name() {
        let text = EXAMPLE.replace("shrinkage = 0.30", "shrinkge = 0.30");
        let msg = err(&text);
        assert!(
            msg.starts_with("s.toml:16:1: unknown key `shrinkge`"),
            "{msg}"
        );
        assert!(msg.contains("did you mean `shrinkage`?"), "{msg}");
        let text = EXAMPLE.replace("notice_weeks = 4", "notice_week = 4");
        let msg = err(&text);
        assert!(msg.contains("did you mean `notice_weeks`?"), "{msg}");
    }

    #[test]
    fn out_of_range_values_name_key_line_and_column() {
        let msg = err(&EXAMPLE.replace("shrinkage = 0.30", "shrinkage = 1.5"));
        assert_eq!(
            msg,
            "s.toml:16:1: defaults.shrinkage: expected a share in [0, 1) \
             such as 0.30, found 1.5"
        );
        let msg =
            err(&EXAMPLE.replace("service_level = 0.80", "service_level = 1"));
        assert!(msg.contains("defaults.service_level"), "{msg}");
        let msg =
            err(&EXAMPLE.replace("aht = \"240s\"", "aht = \"4 minutes\""));
        assert!(
            msg.starts_with("s.toml:23:1: queues.commandes.aht:"),
            "{msg}"
        );
        let msg = err(&EXAMPLE.replace("2025-11-01", "2025-13-01"));
        assert!(msg.contains("horizon.from: expected an ISO date"), "{msg}");
        let msg = err(
            &EXAMPLE.replace("to = \"2025-12-31\"", "to = \"2025-10-31\"")
        );
        assert!(msg.contains("horizon.to: the horizon ends"), "{msg}");
        let msg =
            err(&EXAMPLE
                .replace("ramp = [0.6, 0.8, 1.0]", "ramp = [0.6, 1.8]"));
        assert!(
            msg.contains("hiring.ramp[1]: expected a productivity"),
            "{msg}"
        );
        let msg = err(&EXAMPLE.replace("max_hires = 80", "max_hires = -1"));
        assert!(msg.contains("hiring.max_hires"), "{msg}");
    }

    #[test]
    fn queue_references_are_checked() {
        let msg = err(&EXAMPLE.replace(
            "queues = [\"commandes\"]\n\n[overtime]",
            "queues = [\"comandes\"]\n\n[overtime]",
        ));
        assert!(msg.contains("hiring.queues[0]: unknown queue \"comandes\""));
        assert!(msg.contains("did you mean \"commandes\""), "{msg}");
        let msg = err(&EXAMPLE.replace(
            "queues = [\"commandes\"]\nmax_fte",
            "queues = [\"sav\"]\nmax_fte",
        ));
        assert!(
            msg.contains("partners[0].queues[0]: queue \"sav\" is level 2")
        );
        let msg = err(&EXAMPLE.replace("commandes = 60", "commande = 60"));
        assert!(msg.contains("team.fte.commande: unknown queue"), "{msg}");
    }

    #[test]
    fn toml_syntax_errors_have_a_place() {
        let msg =
            err(&EXAMPLE.replace("weekly_hours = 35", "weekly_hours = "));
        assert!(msg.starts_with("s.toml:"), "{msg}");
        let msg = err(
            &EXAMPLE.replace("weekly_hours = 35", "weekly_hours = \"35\"")
        );
        assert!(msg.starts_with("s.toml:"), "{msg}");
    }

    #[test]
    fn what_ifs_are_read() {
        let text = format!(
            "{EXAMPLE}\n[[whatif]]\nname = \"selfcare 15%\"\n\
             deflection = {{ commandes = 0.15 }}\n\n[[whatif]]\n\
             name = \"spread\"\nspread = {{ share = 0.2, days = 2 }}\n"
        );
        let s = parse(&text).unwrap();
        assert_eq!(s.whatifs.len(), 2);
        assert_eq!(s.whatifs[0].deflection["commandes"], 0.15);
        assert_eq!(s.whatifs[1].spread.as_ref().unwrap().days, 2);
        let bad = text.replace("commandes = 0.15", "commandes = 1.15");
        assert!(err(&bad).contains("whatif[0].deflection.commandes"));
    }

    #[test]
    fn unquoted_toml_dates_are_accepted() {
        let s =
            parse(&EXAMPLE.replace("\"2025-10-01\"", "2025-10-01")).unwrap();
        assert_eq!(s.as_of.to_string(), "2025-10-01");
    }
}

#[cfg(test)]
mod bundled {
    #[test]
    fn the_bundled_example_scenario_is_valid() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/scenario.toml");
        let s =
            super::Scenario::read(&path, &super::Settings::default()).unwrap();
        assert_eq!(s.whatifs.len(), 3);
        assert!(s.inputs.history.unwrap().ends_with("data/history.csv"));
    }

    #[test]
    fn the_held_back_example_scenario_is_valid() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/scenario_backtest_2024.toml");
        let s =
            super::Scenario::read(&path, &super::Settings::default()).unwrap();
        assert_eq!(s.as_of.to_string(), "2024-10-01");
        assert!(s.inputs.history.unwrap().ends_with("data/history.csv"));
        assert!(s.queues.iter().all(|q| q.aht_s.is_none()));
    }
}
