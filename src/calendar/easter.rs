//! Gregorian Easter Sunday.
//!
//! The anonymous Gregorian algorithm published by Meeus (*Astronomical
//! Algorithms*, 1991, ch. 8), after Jones (1876) and Butcher (1876). In
//! integer arithmetic, for a year `Y`:
//!
//! ```text
//! a = Y mod 19            b = Y div 100          c = Y mod 100
//! d = b div 4             e = b mod 4            f = (b + 8) div 25
//! g = (b − f + 1) div 3   h = (19a + b − d − g + 15) mod 30
//! i = c div 4             k = c mod 4            l = (32 + 2e + 2i − h − k) mod 7
//! m = (a + 11h + 22l) div 451
//! month = (h + l − 7m + 114) div 31      day = (h + l − 7m + 114) mod 31 + 1
//! ```
//!
//! It is exact for every year of the Gregorian calendar (1583 onwards):
//! Easter falls between 22 March and 25 April.

use chrono::NaiveDate;

/// The first year the algorithm is valid for (the Gregorian reform).
pub const FIRST_YEAR: i32 = 1583;

/// Gregorian Easter Sunday of `year`, or `None` before 1583 (or beyond the
/// dates chrono can represent).
///
/// # Example
///
/// ```
/// use peakplan::calendar::easter::easter;
/// let date = easter(2026).ok_or("no Easter")?;
/// assert_eq!(date.to_string(), "2026-04-05");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn easter(year: i32) -> Option<NaiveDate> {
    if year < FIRST_YEAR {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n / 31).ok()?;
    let day = u32::try_from(n % 31 + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Published Easter dates (e.g. the tables of the Astronomical Society
    /// of South Australia and the Bureau des longitudes), including the
    /// extremes: 22 March (1818, 2285) and 25 April (1886, 1943, 2038).
    #[test]
    fn matches_published_dates() {
        let known = [
            (1818, 3, 22),
            (1886, 4, 25),
            (1943, 4, 25),
            (1961, 4, 2),
            (1970, 3, 29),
            (1981, 4, 19),
            (1999, 4, 4),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2013, 3, 31),
            (2016, 3, 27),
            (2019, 4, 21),
            (2020, 4, 12),
            (2021, 4, 4),
            (2022, 4, 17),
            (2023, 4, 9),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
            (2031, 4, 13),
            (2032, 3, 28),
            (2033, 4, 17),
            (2034, 4, 9),
            (2035, 3, 25),
            (2038, 4, 25),
            (2049, 4, 18),
            (2100, 3, 28),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter(y), Some(ymd(y, m, d)), "Easter {y}");
        }
    }

    #[test]
    fn is_a_sunday_between_22_march_and_25_april() {
        use chrono::{Datelike, Weekday};
        for year in FIRST_YEAR..=4000 {
            let date = easter(year).unwrap();
            assert_eq!(date.weekday(), Weekday::Sun, "{date}");
            assert!(date >= ymd(year, 3, 22) && date <= ymd(year, 4, 25));
        }
    }

    #[test]
    fn julian_years_have_no_gregorian_easter() {
        assert_eq!(easter(1582), None);
        assert_eq!(easter(-5), None);
        assert_eq!(easter(i32::MAX), None);
    }
}
