//! Tick positions and labels: calendar-aware on the time axis (Mondays,
//! first of the month, whole hours), "nice" round numbers on the value
//! axis.
//!
//! Positions are in days since 1970-01-01, as [`super::TimeAxis`] maps
//! them. Dates are labelled in ISO form (`2025-11-28`), times as `09:30`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::sealed::Sealed;
use super::{EPOCH, TimeAxis};

/// Ticks of one axis: labelled grid lines and unlabelled finer ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ticks {
    /// Labelled positions.
    pub major: Vec<f64>,
    /// Light grid positions.
    pub minor: Vec<f64>,
}

/// Width of one character of tick label, in pixels, with some air.
const CHAR_PX: f64 = 7.5;

fn date_at(day: i64) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(chrono::TimeDelta::try_days(day)?)
}

/// Whole days covering `lo..hi`.
fn days_in(lo: f64, hi: f64) -> Vec<NaiveDate> {
    let first = lo.floor() as i64;
    let last = (hi.ceil() as i64 - 1).max(first);
    (first..=last).filter_map(date_at).collect()
}

impl Sealed for NaiveDate {
    fn ticks(lo: f64, hi: f64, px: f64, step: Option<f64>) -> Ticks {
        let days = days_in(lo, hi);
        // Daily values sit mid-day; values held for several days (weeks)
        // start at midnight, and so do their ticks.
        let centre = |d: NaiveDate| {
            if step.is_some() { d.span_start() } else { d.position() }
        };
        let max_labels = ((px / (10.0 * CHAR_PX + 18.0)) as usize).max(1);
        let monday = |d: &NaiveDate| d.weekday() == Weekday::Mon;
        let first_monday = days.iter().position(monday).unwrap_or(0);
        type Rule = Box<dyn Fn(usize, &NaiveDate) -> bool>;
        let rules: Vec<Rule> = vec![
            Box::new(|_, _| true),
            Box::new(|i, _| i % 2 == 0),
            Box::new(move |_, d| monday(d)),
            Box::new(move |i, d| {
                monday(d) && i >= first_monday && (i - first_monday) % 14 == 0
            }),
            Box::new(|_, d| d.day() == 1),
            Box::new(|_, d| d.day() == 1 && d.month() % 2 == 1),
            Box::new(|_, d| d.day() == 1 && d.month() % 3 == 1),
            Box::new(|_, d| d.day() == 1 && d.month() % 6 == 1),
            Box::new(|_, d| d.day() == 1 && d.month() == 1),
        ];
        let mut major = vec![];
        for rule in &rules {
            let picked: Vec<f64> = days
                .iter()
                .enumerate()
                .filter(|(i, d)| rule(*i, d))
                .map(|(_, d)| centre(*d))
                .collect();
            if !picked.is_empty() && picked.len() <= max_labels {
                major = picked;
                break;
            }
        }
        if major.is_empty() {
            major.extend(days.first().map(|d| centre(*d)));
        }
        let per_day = px / (hi - lo).max(1e-9);
        let weekly = step.is_some_and(|s| s >= 7.0);
        let minor = if per_day >= 6.0 && !weekly {
            days.iter().map(|d| centre(*d)).collect()
        } else if per_day * 7.0 >= 8.0 {
            days.iter().filter(|d| monday(d)).map(|d| centre(*d)).collect()
        } else {
            vec![]
        };
        Ticks { major, minor }
    }

    fn label(pos: f64, _lo: f64, _hi: f64) -> String {
        date_at(pos.floor() as i64)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }
}

/// Tick steps for instants, in minutes.
const TIME_STEPS: [i64; 12] =
    [5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 10080];

fn within_one_day(lo: f64, hi: f64) -> bool {
    hi - lo <= 1.0 + 1e-9
}

impl Sealed for NaiveDateTime {
    fn ticks(lo: f64, hi: f64, px: f64, _step: Option<f64>) -> Ticks {
        let chars = if within_one_day(lo, hi) { 5.0 } else { 16.0 };
        let max_labels =
            ((px / (chars * CHAR_PX + 18.0)) as usize).max(1) as f64;
        let minutes = (hi - lo) * 1440.0;
        let pick = TIME_STEPS
            .iter()
            .position(|&s| minutes / s as f64 <= max_labels)
            .unwrap_or(TIME_STEPS.len() - 1);
        let at = |step: i64| -> Vec<f64> {
            let first = (lo * 1440.0 / step as f64).ceil() as i64;
            let last = (hi * 1440.0 / step as f64).floor() as i64;
            (first..=last).map(|k| (k * step) as f64 / 1440.0).collect()
        };
        let major = at(TIME_STEPS[pick]);
        let minor = match pick.checked_sub(1) {
            Some(i) if px / (minutes / TIME_STEPS[i] as f64) >= 8.0 => {
                at(TIME_STEPS[i])
            }
            _ => vec![],
        };
        Ticks { major, minor }
    }

    fn label(pos: f64, lo: f64, hi: f64) -> String {
        let minutes = (pos * 1440.0).round() as i64;
        let day = minutes.div_euclid(1440);
        let minute = minutes.rem_euclid(1440) as u32;
        let Some(date) = date_at(day) else { return String::new() };
        let time = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)
            .unwrap_or(NaiveTime::MIN);
        let at = date.and_time(time);
        if within_one_day(lo, hi) {
            at.format("%H:%M").to_string()
        } else if minute == 0 {
            at.format("%Y-%m-%d").to_string()
        } else {
            at.format("%Y-%m-%d %H:%M").to_string()
        }
    }
}

/// A value axis from `lo` to `hi` (both multiples of `step`), with its
/// labelled ticks.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ValueScale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub ticks: Vec<f64>,
}

/// A value axis covering `min..max` with about five round steps (1, 2,
/// 2.5 or 5 times a power of ten). Always includes zero.
pub(super) fn value_scale(min: f64, max: f64) -> ValueScale {
    let min = min.min(0.0);
    let max = if max > min { max } else { min + 1.0 };
    let raw = (max - min) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let lo = (min / step).floor() * step;
    // Leave a little air above the highest value.
    let hi = ((max * 1.03) / step).ceil() * step;
    let n = ((hi - lo) / step).round() as i64;
    let ticks = (0..=n).map(|k| lo + k as f64 * step).collect();
    ValueScale { lo, hi, step, ticks }
}

/// Decimals needed to write multiples of `step` exactly.
pub(super) fn decimals_for(step: f64) -> usize {
    (0..4)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(4)
}

/// `x` with `decimals` decimals and thin groups of three digits
/// (`12 345.5`), as both French and international style guides accept.
pub(super) fn number(x: f64, decimals: usize) -> String {
    let s = crate::report::fixed(x, decimals);
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn labels<X: TimeAxis>(lo: f64, hi: f64, px: f64) -> Vec<String> {
        X::ticks(lo, hi, px, None)
            .major
            .iter()
            .map(|&p| X::label(p, lo, hi))
            .collect()
    }

    #[test]
    fn short_ranges_label_every_day() {
        let lo = d(2025, 11, 27).span_start();
        let hi = d(2025, 11, 30).span_end();
        assert_eq!(
            labels::<NaiveDate>(lo, hi, 1000.0),
            ["2025-11-27", "2025-11-28", "2025-11-29", "2025-11-30"]
        );
    }

    #[test]
    fn two_months_are_labelled_on_mondays() {
        let lo = d(2025, 11, 1).span_start();
        let hi = d(2025, 12, 31).span_end();
        let got = labels::<NaiveDate>(lo, hi, 1000.0);
        assert_eq!(got.first().map(String::as_str), Some("2025-11-03"));
        assert!(got.len() <= 11, "{got:?}");
        for l in &got {
            let date = NaiveDate::parse_from_str(l, "%Y-%m-%d").unwrap();
            assert_eq!(date.weekday(), Weekday::Mon);
        }
    }

    #[test]
    fn a_year_is_labelled_by_month_starts() {
        let lo = d(2025, 1, 1).span_start();
        let hi = d(2025, 12, 31).span_end();
        let got = labels::<NaiveDate>(lo, hi, 1000.0);
        assert!(got.iter().all(|l| l.ends_with("-01")), "{got:?}");
        assert!(got.len() >= 4 && got.len() <= 11, "{got:?}");
    }

    #[test]
    fn a_single_day_has_one_tick() {
        let lo = d(2025, 11, 28).span_start();
        let got = labels::<NaiveDate>(lo, lo + 1.0, 900.0);
        assert_eq!(got, ["2025-11-28"]);
    }

    #[test]
    fn intraday_ticks_are_whole_hours() {
        let day = d(2025, 11, 28);
        let lo = day.and_hms_opt(8, 0, 0).unwrap().position();
        let hi = day.and_hms_opt(20, 0, 0).unwrap().position();
        let got = labels::<NaiveDateTime>(lo, hi, 1000.0);
        assert_eq!(got.first().map(String::as_str), Some("08:00"));
        assert_eq!(got.last().map(String::as_str), Some("20:00"));
        assert!(got.iter().all(|l| l.ends_with(":00")), "{got:?}");
    }

    #[test]
    fn value_scales_are_round_and_cover_the_data() {
        let s = value_scale(0.0, 1234.0);
        assert_eq!(s.lo, 0.0);
        assert!(s.hi >= 1234.0);
        assert_eq!(s.step, 250.0);
        assert_eq!(s.ticks.first(), Some(&0.0));
        assert_eq!(s.ticks.last(), Some(&s.hi));
        let flat = value_scale(0.0, 0.0);
        assert!(flat.hi > 0.0);
        assert_eq!(decimals_for(2.5), 1);
        assert_eq!(decimals_for(0.2), 1);
        assert_eq!(decimals_for(500.0), 0);
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(number(12345.0, 0), "12 345");
        assert_eq!(number(1234567.25, 2), "1 234 567.25");
        assert_eq!(number(-1500.0, 0), "-1 500");
        assert_eq!(number(999.0, 0), "999");
    }
}
