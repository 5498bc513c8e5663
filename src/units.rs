//! Small value types shared by every module: durations and interval lengths.

use std::fmt;
use std::str::FromStr;

/// Parses a duration as planners write it: `20s`, `3m`, `30m`, `1h`,
/// `1h30m`, or bare seconds (`180`, `7.5`). Returns seconds.
///
/// # Errors
///
/// Returns a message saying what was expected when the text is not a
/// finite, non-negative duration.
///
/// # Example
///
/// ```
/// use peakplan::units::parse_duration;
/// assert_eq!(parse_duration("1h30m")?, 5400.0);
/// assert_eq!(parse_duration("20s")?, 20.0);
/// assert_eq!(parse_duration("180")?, 180.0);
/// # Ok::<(), String>(())
/// ```
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "expected a duration such as 20s, 3m, 1h or bare seconds, \
             found {text:?}"
        )
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = s.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Ok(secs)
        } else {
            Err(bad())
        };
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if end == 0 {
            return Err(bad());
        }
        let value: f64 = rest[..end].parse().map_err(|_| bad())?;
        rest = &rest[end..];
        let unit_end =
            rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_end..];
        total += value * scale;
    }
    if total.is_finite() { Ok(total) } else { Err(bad()) }
}

/// The length of a planning interval, in whole minutes (5, 10, 15, 30 or
/// 60), so that a day always holds a whole number of intervals.
///
/// A history file's own step ([`IntervalLen::from_source_minutes`]) may be
/// any divisor of an hour, such as the 6-minute counts some telephony
/// systems export; planning intervals are always one of
/// [`IntervalLen::ALLOWED`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IntervalLen(u32);

impl IntervalLen {
    /// The lengths peakplan reads and writes.
    pub const ALLOWED: [u32; 5] = [5, 10, 15, 30, 60];

    /// An interval of `minutes`, if it is one of [`IntervalLen::ALLOWED`].
    pub fn from_minutes(minutes: u32) -> Option<IntervalLen> {
        Self::ALLOWED.contains(&minutes).then_some(IntervalLen(minutes))
    }

    /// The step of a source file: any whole divisor of an hour (1, 2, 3, 4,
    /// 5, 6, 10, 12, 15, 20, 30 or 60 minutes). Only the history reader
    /// describes files with it; flags and planning use
    /// [`IntervalLen::from_minutes`].
    pub fn from_source_minutes(minutes: u32) -> Option<IntervalLen> {
        (minutes > 0 && 60 % minutes == 0).then_some(IntervalLen(minutes))
    }

    /// Minutes in one interval.
    pub fn minutes(self) -> u32 {
        self.0
    }

    /// Seconds in one interval.
    pub fn seconds(self) -> f64 {
        f64::from(self.0) * 60.0
    }

    /// Whether intervals of `self` are whole multiples of `finer`.
    pub fn is_multiple_of(self, finer: IntervalLen) -> bool {
        self.0.is_multiple_of(finer.0)
    }
}

impl fmt::Display for IntervalLen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.0)
    }
}

impl FromStr for IntervalLen {
    type Err = String;

    fn from_str(s: &str) -> Result<IntervalLen, String> {
        let secs = parse_duration(s)?;
        let ok = secs.fract() == 0.0 && (secs as u64).is_multiple_of(60);
        ok.then(|| IntervalLen::from_minutes((secs / 60.0) as u32))
            .flatten()
            .ok_or_else(|| {
                format!("expected an interval of 5m, 10m, 15m, 30m or 60m, found {s:?}")
            })
    }
}

/// `HH:MM` of minutes after midnight.
pub fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("3m"), Ok(180.0));
        assert_eq!(parse_duration("1h"), Ok(3600.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration(" 42 "), Ok(42.0));
        assert_eq!(parse_duration("2.5m"), Ok(150.0));
        for bad in ["", "-3s", "NaN", "inf", "3x", "m", "1e999", "s20"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals() {
        assert_eq!("30m".parse::<IntervalLen>().unwrap().minutes(), 30);
        assert_eq!("1h".parse::<IntervalLen>().unwrap().minutes(), 60);
        assert_eq!("900".parse::<IntervalLen>().unwrap().minutes(), 15);
        assert!("20m".parse::<IntervalLen>().is_err());
        assert!("90s".parse::<IntervalLen>().is_err());
        let h = IntervalLen::from_minutes(60).unwrap();
        assert!(h.is_multiple_of(IntervalLen::from_minutes(15).unwrap()));
        let six = IntervalLen::from_source_minutes(6).unwrap();
        assert!(IntervalLen::from_minutes(6).is_none());
        assert!(IntervalLen::from_minutes(30).unwrap().is_multiple_of(six));
        assert!(IntervalLen::from_source_minutes(7).is_none());
        assert!(IntervalLen::from_source_minutes(0).is_none());
    }
}
