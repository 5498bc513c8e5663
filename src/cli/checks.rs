//! Checks that involve several flags, as named errors: the step from the
//! flags clap parsed to the values a command runs on. Single values are
//! clap's to check (`value_parser`, `ValueEnum`, `requires`).

use chrono::NaiveDate;

use crate::error::Error;

/// Flags that do not fit together (exit 2; the message names them).
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ArgsError {
    /// A date range given backwards.
    #[error(
        "--from {from} is after --to {to}: give the first day, then the last"
    )]
    FromAfterTo {
        /// `--from`.
        from: NaiveDate,
        /// `--to`.
        to: NaiveDate,
    },
    /// A forecast range longer than [`MAX_FORECAST_DAYS`].
    #[error(
        "--from {from} --to {to} spans more than three years; forecast at \
         most three years at once"
    )]
    RangeTooLong {
        /// `--from`.
        from: NaiveDate,
        /// `--to`.
        to: NaiveDate,
    },
    /// `--chart-day` outside the forecast range.
    #[error(
        "--chart-day {day} is outside --from {from} --to {to}: chart a day \
         of the forecast"
    )]
    ChartDayOutside {
        /// `--chart-day`.
        day: NaiveDate,
        /// `--from`.
        from: NaiveDate,
        /// `--to`.
        to: NaiveDate,
    },
    /// A year range given backwards.
    #[error(
        "--to-year {to_year} is before --year {year}: give the first year \
         with --year and the last with --to-year"
    )]
    ToYearBeforeYear {
        /// `--year`.
        year: i32,
        /// `--to-year`.
        to_year: i32,
    },
    /// A `--window` spec that does not parse.
    #[error("--window: {0}")]
    Window(String),
    /// `erlang --volume` without `--aht`.
    #[error("--aht: give the average handle time (180s, 3m, …)")]
    NoAht,
    /// `plan` with neither `--forecast`, `--history` nor a scenario
    /// history.
    #[error(
        "no history: set `inputs.history` in the scenario, or pass \
         --history FILE or --forecast FILE"
    )]
    NoPlanHistory,
    /// `validate` with neither `--history` nor a scenario naming one.
    #[error(
        "no history: pass --history FILE or set `inputs.history` in the \
         scenario"
    )]
    NoHistory,
}

impl From<ArgsError> for Error {
    fn from(e: ArgsError) -> Error {
        Error::usage(e.to_string())
    }
}

/// The longest forecast range, in days (three years).
pub const MAX_FORECAST_DAYS: i64 = 3 * 366;

/// `from..=to` as a forecast range, with the day to chart inside it.
///
/// # Errors
///
/// [`ArgsError::FromAfterTo`], [`ArgsError::RangeTooLong`] or
/// [`ArgsError::ChartDayOutside`].
pub fn forecast_range(
    from: NaiveDate,
    to: NaiveDate,
    chart_day: Option<NaiveDate>,
) -> Result<(), ArgsError> {
    if from > to {
        return Err(ArgsError::FromAfterTo { from, to });
    }
    if (to - from).num_days() > MAX_FORECAST_DAYS {
        return Err(ArgsError::RangeTooLong { from, to });
    }
    match chart_day {
        Some(day) if !(from..=to).contains(&day) => {
            Err(ArgsError::ChartDayOutside { day, from, to })
        }
        _ => Ok(()),
    }
}

/// `--from` and `--to` of `plan`, when both are given.
///
/// # Errors
///
/// [`ArgsError::FromAfterTo`].
pub fn plan_range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Option<(NaiveDate, NaiveDate)>, ArgsError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => {
            Err(ArgsError::FromAfterTo { from, to })
        }
        (Some(from), Some(to)) => Ok(Some((from, to))),
        _ => Ok(None),
    }
}

/// The last year of `--year` and `--to-year`.
///
/// # Errors
///
/// [`ArgsError::ToYearBeforeYear`].
pub fn year_range(year: i32, to_year: Option<i32>) -> Result<i32, ArgsError> {
    let to_year = to_year.unwrap_or(year);
    if to_year < year {
        return Err(ArgsError::ToYearBeforeYear { year, to_year });
    }
    Ok(to_year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn ranges_are_checked_with_named_errors() {
        assert_eq!(forecast_range(day(1), day(3), Some(day(2))), Ok(()));
        assert_eq!(
            forecast_range(day(3), day(1), None),
            Err(ArgsError::FromAfterTo { from: day(3), to: day(1) })
        );
        let far = day(1) + chrono::Duration::days(MAX_FORECAST_DAYS + 1);
        assert!(matches!(
            forecast_range(day(1), far, None),
            Err(ArgsError::RangeTooLong { .. })
        ));
        assert!(matches!(
            forecast_range(day(1), day(3), Some(day(4))),
            Err(ArgsError::ChartDayOutside { .. })
        ));
        assert_eq!(year_range(2026, None), Ok(2026));
        assert_eq!(
            year_range(2026, Some(2025)),
            Err(ArgsError::ToYearBeforeYear { year: 2026, to_year: 2025 })
        );
    }
}
