//! The forecast CSV layout, defined once: the columns `peakplan forecast`
//! writes, and how a row's fields are read back by the two readers of
//! that layout (`plan --forecast`, [`crate::capacity::forecast_csv`], and
//! `erlang --input`, [`crate::inputs::intervals`]).
//!
//! ```text
//! interval_start,queue,forecast,p10,p50,p90,aht_s,events
//! 2025-11-28T09:30:00+01:00,commandes,112.5,90.1,111.4,135.2,,Black Friday
//! ```
//!
//! `interval_start` is ISO 8601 with the zone's offset; volumes have at
//! most [`VOLUME_DECIMALS`] decimals and the AHT [`AHT_DECIMALS`]; `events`
//! are the names of the day's events joined by `|`. A file of actual
//! volumes has `volume` where a forecast has `forecast`.

use std::io::Write;

use crate::error::Result;
use crate::forecast::ForecastRow;
use crate::report::csv::CsvWriter;

/// The interval's start.
pub const INTERVAL_START: &str = "interval_start";
/// The queue.
pub const QUEUE: &str = "queue";
/// The expected volume.
pub const FORECAST: &str = "forecast";
/// Actual volumes, read where a forecast would be.
pub const VOLUME: &str = "volume";
/// The 10th percentile of volume.
pub const P10: &str = "p10";
/// The median volume.
pub const P50: &str = "p50";
/// The 90th percentile of volume.
pub const P90: &str = "p90";
/// The average handle time in seconds.
pub const AHT_S: &str = "aht_s";
/// The names of the day's events.
pub const EVENTS: &str = "events";

/// The columns `peakplan forecast --format csv` writes, in order.
pub const HEADER: [&str; 8] =
    [INTERVAL_START, QUEUE, FORECAST, P10, P50, P90, AHT_S, EVENTS];

/// Decimals of the volume columns.
pub const VOLUME_DECIMALS: usize = 3;
/// Decimals of `aht_s`.
pub const AHT_DECIMALS: usize = 1;
/// What joins the event names when written.
pub const EVENT_SEPARATOR: &str = "|";

/// The start as written: RFC 3339 with the offset, fractional seconds
/// only when there are some (as `DateTime::to_rfc3339`).
pub const START_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f%:z";

/// Writes `row` in the layout's columns.
///
/// # Errors
///
/// [`crate::Error::Io`] when the output fails.
pub fn write_row<W: Write>(
    out: &mut CsvWriter<W>,
    row: &ForecastRow,
) -> Result<()> {
    out.show(row.start.format(START_FORMAT))?.text(&row.queue)?;
    for x in [row.mean, row.p10, row.p50, row.p90] {
        out.number(x, VOLUME_DECIMALS)?;
    }
    out.maybe(row.aht_s, AHT_DECIMALS)?
        .joined(&row.events, EVENT_SEPARATOR)?
        .end()
}

/// The position of the first header among `names` (case-insensitive)
/// that is one of `columns`.
pub fn position<S: AsRef<str>>(
    names: &[S],
    columns: &[&str],
) -> Option<usize> {
    names.iter().position(|h| {
        columns.iter().any(|c| h.as_ref().eq_ignore_ascii_case(c))
    })
}

/// A volume or AHT field as a finite number: trimmed, with a decimal
/// comma read as a point when `decimal_comma`.
pub fn number(field: &str, decimal_comma: bool) -> Option<f64> {
    let field = field.trim();
    let x = if decimal_comma && field.contains(',') {
        field.replace(',', ".").parse::<f64>()
    } else {
        field.parse::<f64>()
    };
    x.ok().filter(|x| x.is_finite())
}

/// The event names of an `events` field: split on `|` (or `;`, as a
/// spreadsheet may rewrite it), trimmed, empty names dropped.
pub fn events(field: &str) -> Vec<String> {
    field
        .split(['|', ';'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Dialect;

    #[test]
    fn a_written_row_reads_back() {
        let start = chrono::TimeZone::with_ymd_and_hms(
            &chrono_tz::Europe::Paris,
            2025,
            11,
            28,
            9,
            30,
            0,
        )
        .unwrap();
        let row = ForecastRow {
            start,
            queue: "sav".into(),
            mean: 12.3456,
            p10: 8.0,
            p50: 12.0,
            p90: 17.25,
            aht_s: Some(301.26),
            events: vec!["Black Friday".into(), "Soldes".into()],
        };
        let mut out =
            CsvWriter::new(Vec::new(), Dialect::Fr, &HEADER).unwrap();
        write_row(&mut out, &row).unwrap();
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert_eq!(start.to_rfc3339(), "2025-11-28T09:30:00+01:00");
        assert_eq!(
            line,
            "2025-11-28T09:30:00+01:00;sav;12,346;8;12;17,25;301,3;\
             Black Friday|Soldes"
        );
        let fields: Vec<&str> = line.split(';').collect();
        assert_eq!(number(fields[2], true), Some(12.346));
        assert_eq!(number(fields[2], false), None);
        assert_eq!(events(fields[7]), row.events);
        let names = ["Interval_Start", "VOLUME", "forecast"];
        assert_eq!(position(&names, &[VOLUME, FORECAST]), Some(1));
        assert_eq!(position(&names, &[P10]), None);
    }
}
