//! The column names of a plan folder's `intervals.csv` and `shifts.csv`,
//! defined once: `plan` writes them ([`crate::report::plan`]) and
//! `simulate` and `reforecast` read them back
//! ([`crate::simulate::plan_dir`]).

/// `intervals.csv`: one row per queue and interval.
pub mod intervals {
    /// The interval's start, ISO 8601 with the zone's offset.
    pub const START: &str = "interval_start";
    /// The queue.
    pub const QUEUE: &str = "queue";
    /// The forecast's mean volume.
    pub const FORECAST: &str = "forecast";
    /// The forecast's 10th percentile.
    pub const P10: &str = "p10";
    /// The forecast's 90th percentile.
    pub const P90: &str = "p90";
    /// The average handle time in seconds.
    pub const AHT_S: &str = "aht_s";
    /// The volume the staffing rule staffed for.
    pub const STAFFING_VOLUME: &str = "staffing_volume";
    /// Agents the interval needs on the phones.
    pub const REQUIRED: &str = "required_agents";
    /// Expected service level with the scheduled staff.
    pub const SERVICE_LEVEL: &str = "service_level";
    /// On-phone agents scheduled, all sources.
    pub const SCHEDULED: &str = "scheduled_agents";
    /// On-phone agents of the in-house team.
    pub const IN_HOUSE: &str = "in_house_agents";
    /// On-phone agents of seasonal hires.
    pub const HIRED: &str = "hired_agents";
    /// On-phone agents working overtime.
    pub const OVERTIME: &str = "overtime_agents";
    /// Partner agents.
    pub const PARTNER: &str = "partner_agents";
    /// `max(0, required − scheduled)`.
    pub const GAP: &str = "gap_agents";

    /// The columns in the order `plan` writes them.
    pub const HEADER: [&str; 15] = [
        START,
        QUEUE,
        FORECAST,
        P10,
        P90,
        AHT_S,
        STAFFING_VOLUME,
        REQUIRED,
        SERVICE_LEVEL,
        SCHEDULED,
        IN_HOUSE,
        HIRED,
        OVERTIME,
        PARTNER,
        GAP,
    ];
}

/// `shifts.csv`: one row per group of people working the same shift.
pub mod shifts {
    /// The local date.
    pub const DATE: &str = "date";
    /// The queue.
    pub const QUEUE: &str = "queue";
    /// `in_house`, `hire`, `overtime` or `partner`.
    pub const SOURCE: &str = "source";
    /// The hire contract, if any.
    pub const CONTRACT: &str = "contract";
    /// The shift template.
    pub const SHIFT: &str = "shift";
    /// Local start, `HH:MM`.
    pub const START: &str = "start";
    /// Local end, `HH:MM`.
    pub const END: &str = "end";
    /// People in the group.
    pub const PEOPLE: &str = "people";
    /// The group's on-phone agents in every interval it covers.
    pub const ON_PHONE: &str = "on_phone";

    /// The columns in the order `plan` writes them.
    pub const HEADER: [&str; 9] =
        [DATE, QUEUE, SOURCE, CONTRACT, SHIFT, START, END, PEOPLE, ON_PHONE];
}
