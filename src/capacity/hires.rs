//! Hire waves in dates: when to recruit, train and put people on the
//! phones, for a wave chosen in week indices by the optimiser.

use chrono::{Days, NaiveDate};

use crate::capacity::mix::{MixHiring, Wave};
use crate::capacity::scenario::Hiring;

/// A hire wave with its dates.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HireWave {
    /// Queue the hires work on.
    pub queue: String,
    /// Contract they are hired on (empty for the weekly model's waves).
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

/// Dates and cost of `wave`, whose week 0 starts on `first_monday`.
pub fn dated(
    wave: &Wave,
    queue: &str,
    first_monday: NaiveDate,
    h: &Hiring,
    mh: &MixHiring,
    weekly_hours: f64,
) -> HireWave {
    let productive_from = add_weeks(first_monday, wave.start as i64);
    let train_from = add_weeks(productive_from, -i64::from(h.train_weeks));
    let recruit_by = add_weeks(train_from, -i64::from(h.recruit_weeks));
    let paid = wave.paid_weeks(mh);
    let until =
        add_weeks(train_from, paid as i64).pred_opt().unwrap_or(train_from);
    let cost =
        f64::from(wave.count) * paid as f64 * weekly_hours * h.cost_per_hour;
    HireWave {
        queue: queue.to_string(),
        contract: String::new(),
        count: wave.count,
        recruit_by,
        train_from,
        productive_from,
        until,
        paid_weeks: paid as u32,
        cost,
    }
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
        let h = hiring();
        let mh = MixHiring {
            queues: vec![0],
            earliest: 0,
            train_weeks: 2,
            ramp: h.ramp.clone(),
            min_contract_weeks: 6,
            max_hires: 80,
            week_cost: 35.0 * 21.0,
        };
        let wave = Wave { queue: 0, start: 2, end: 3, count: 12 };
        let w = dated(&wave, "commandes", d("2025-10-27"), &h, &mh, 35.0);
        assert_eq!(w.productive_from, d("2025-11-10"));
        assert_eq!(w.train_from, d("2025-10-27"));
        assert_eq!(w.recruit_by, d("2025-10-06"));
        // 2 training + 2 productive weeks = 4 < 6: the minimum contract
        // runs 6 weeks from the first training day.
        assert_eq!(w.paid_weeks, 6);
        assert_eq!(w.until, d("2025-12-07"));
        assert_eq!(w.cost, 12.0 * 6.0 * 35.0 * 21.0);
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
