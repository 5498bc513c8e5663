//! `peakplan calendar`: print the peak-event calendar of one or more years.
//!
//! ```text
//! peakplan calendar [--country fr] --year YYYY [--to-year YYYY]
//!                   [--events FILE]... [--format table|csv|json] [--out FILE]
//! ```
//!
//! The built-in calendar of the country, merged with the events files by
//! the rules of [`crate::calendar::Calendar::build`], one row per event
//! overlapping the years: `name,kind,start,end`, sorted by start date then
//! name. JSON adds each event's `queues` and `uplift`.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::calendar::{Calendar, Country, Event, FIRST_YEAR, LAST_YEAR};
use crate::cli::{Global, checks, files};
use crate::error::{Error, Result};
use crate::inputs::events;
use crate::report::Format;
use crate::report::calendar::CalendarReport;

/// Flags of `peakplan calendar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Country of the built-in calendar.
    #[arg(long, value_enum, default_value_t = Country::Fr)]
    pub country: Country,
    /// Year to print (1970–2100).
    #[arg(
        long,
        value_name = "YYYY",
        value_parser = clap::value_parser!(i32)
            .range(i64::from(FIRST_YEAR)..=i64::from(LAST_YEAR)),
    )]
    pub year: i32,
    /// Last year to print, for several years at once [default: --year].
    #[arg(
        long,
        value_name = "YYYY",
        value_parser = clap::value_parser!(i32)
            .range(i64::from(FIRST_YEAR)..=i64::from(LAST_YEAR)),
    )]
    pub to_year: Option<i32>,
    /// Company events to merge in: CSV with columns name, kind, start, end
    /// and optional queues, uplift; kind `drop` removes a built-in event.
    /// Repeatable; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub events: Vec<PathBuf>,
    /// Output format.
    /// [default: from the --out extension (.csv, .json), else table]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `peakplan calendar`.
///
/// # Errors
///
/// [`ArgsError::ToYearBeforeYear`](checks::ArgsError) when `--to-year`
/// is before `--year`; [`Error::Input`]
/// or [`Error::Io`] for an unreadable events file; [`Error::Io`] when the
/// output cannot be written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let to_year = checks::year_range(args.year, args.to_year)?;
    let mut user = Vec::new();
    for path in &args.events {
        let read = events::read(path)?;
        global.detail(format!(
            "read {}: {} events",
            path.display(),
            read.len()
        ));
        user.extend(read);
    }
    let calendar =
        Calendar::build(args.country.into(), args.year..=to_year, user)?;
    let (from, to) = match (
        NaiveDate::from_ymd_opt(args.year, 1, 1),
        NaiveDate::from_ymd_opt(to_year, 12, 31),
    ) {
        (Some(from), Some(to)) => (from, to),
        _ => return Err(Error::usage("--year is out of range")),
    };
    let rows: Vec<&Event> = calendar.between(from, to).collect();
    let out = args.out.as_deref();
    let bytes =
        files::render(&CalendarReport(&rows), args.format, out, global)?;
    crate::output::emit(args.out.as_deref(), &bytes)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command, Lazy};

    fn parse(argv: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["peakplan", "calendar"].iter().chain(argv))
    }

    #[test]
    fn flags_parse_and_years_are_bounded() {
        let cli = parse(&[
            "--year", "2026", "--events", "a.csv", "--events", "b.csv",
        ])
        .unwrap();
        let Command::Calendar(Lazy(args)) = cli.command else {
            panic!("calendar")
        };
        assert_eq!(
            (args.year, args.to_year, args.events.len()),
            (2026, None, 2)
        );
        assert!(parse(&["--year", "1969"]).is_err());
        assert!(parse(&["--year", "2026", "--to-year", "2101"]).is_err());
        assert!(parse(&[]).is_err());
        assert!(parse(&["--year", "2026", "--country", "de"]).is_err());
    }
}
