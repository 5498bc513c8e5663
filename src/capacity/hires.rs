//! Hire waves in dates: when to recruit, train and put people on the
//! phones, for a wave chosen in week indices by the optimiser.

use chrono::{Days, NaiveDate};

use crate::capacity::scenario::Hiring;

/// A hire wave with its dates.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HireWave {
    /// Queue the hires work on.
    pub queue: String,
    /// Contract they are hired on (empty when the scenario names none).
    pub contract: String,
    /// People to hire.
    pub count: u32,
    /// Last day to have recruited them: `productive_from` minus recruiting
    /// and training weeks. Never before `as_of`.
    pub recruit_by: NaiveDate,
    /// First training day: `productive_from` minus training weeks.
    pub train_from: NaiveDate,
    /// First productive day (a Monday).
    pub productive_from: NaiveDate,
    /// Last paid day (a Sunday): at least `min_contract_weeks` after
    /// `train_from`.
    pub until: NaiveDate,
    /// Paid weeks per person, training included.
    pub paid_weeks: u32,
    /// Total cost: count × paid weeks × weekly hours × hourly cost.
    pub cost: f64,
}

/// `date` moved by `weeks` weeks (negative: earlier).
pub fn add_weeks(date: NaiveDate, weeks: i64) -> NaiveDate {
    let days = Days::new(weeks.unsigned_abs() * 7);
    let moved = if weeks >= 0 {
        date.checked_add_days(days)
    } else {
        date.checked_sub_days(days)
    };
    moved.unwrap_or(date)
}

/// The first week (index from `first_monday`) in which a wave may be
/// productive: its recruiting date must not fall before `as_of`.
pub fn earliest_week(
    first_monday: NaiveDate,
    as_of: NaiveDate,
    h: &Hiring,
) -> usize {
    let lead = i64::from(h.recruit_weeks + h.train_weeks);
    let mut w = 0usize;
    while add_weeks(first_monday, w as i64 - lead) < as_of {
        w += 1;
    }
    w
}

/// The dates of a hire wave productive from week `start` (index from
/// `first_monday`), trained for `train_weeks` before it, recruited
/// `recruit_weeks` before training and paid `paid_weeks` from its first
/// training day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaveDates {
    /// Last day to have recruited them (may fall before `as_of`: the
    /// caller clamps it).
    pub recruit_by: NaiveDate,
    /// First training day.
    pub train_from: NaiveDate,
    /// First productive day (a Monday).
    pub productive_from: NaiveDate,
    /// Last paid day (a Sunday).
    pub until: NaiveDate,
}

/// Dates of a wave productive from week `start` of a plan whose week 0
/// starts on `first_monday` and paid `paid_weeks` weeks, training
/// included.
pub fn wave_dates(
    first_monday: NaiveDate,
    start: usize,
    train_weeks: usize,
    recruit_weeks: usize,
    paid_weeks: usize,
) -> WaveDates {
    let productive_from = add_weeks(first_monday, start as i64);
    let train_from = add_weeks(productive_from, -(train_weeks as i64));
    let recruit_by = add_weeks(train_from, -(recruit_weeks as i64));
    let until = add_weeks(train_from, paid_weeks as i64)
        .pred_opt()
        .unwrap_or(train_from);
    WaveDates { recruit_by, train_from, productive_from, until }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hiring() -> Hiring {
        Hiring {
            recruit_weeks: 3,
            train_weeks: 2,
            ramp: vec![0.6, 0.8, 1.0],
            cost_per_hour: 21.0,
            min_contract_weeks: 6,
            max_hires: 80,
            queues: vec!["commandes".into()],
            contracts: vec![],
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn lead_times_are_counted_back_from_the_first_productive_day() {
        // Week 0 starts 2025-10-27; productive from week 2, 2 training
        // weeks, 3 recruiting weeks, paid 6 weeks (the minimum contract
        // when 2 training + 2 productive weeks fall short of it).
        let w = wave_dates(d("2025-10-27"), 2, 2, 3, 6);
        assert_eq!(w.productive_from, d("2025-11-10"));
        assert_eq!(w.train_from, d("2025-10-27"));
        assert_eq!(w.recruit_by, d("2025-10-06"));
        assert_eq!(w.until, d("2025-12-07"));
    }

    #[test]
    fn nothing_is_recruited_before_the_planning_date() {
        let h = hiring();
        // Week 0 starts 2025-10-27; 5 weeks of lead from as_of 2025-10-01
        // makes 2025-11-05 the earliest, so the first Monday on or after it.
        let w = earliest_week(d("2025-10-27"), d("2025-10-01"), &h);
        assert_eq!(w, 2);
        assert_eq!(add_weeks(d("2025-10-27"), w as i64 - 5), d("2025-10-06"));
        assert_eq!(earliest_week(d("2025-10-27"), d("2025-09-01"), &h), 0);
    }
}
