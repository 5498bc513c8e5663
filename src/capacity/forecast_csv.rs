//! Reads a forecast CSV (as `peakplan forecast --format csv` writes it, or
//! as a planner edited it) back into forecast rows, so a plan can start
//! from a forecast instead of history. The layout is
//! [`crate::report::forecast_layout`]'s.
//!
//! Columns by header name, case-insensitive: `interval_start` (ISO 8601
//! with offset), `queue`, `forecast`, and optionally `p10`, `p50`, `p90`
//! (missing: the volume is taken as known), `aht_s`, `events` (names
//! separated by `|` or `;`). Read with the rules of every CSV input (see
//! [`crate::inputs`]). A file with `volume` instead of `forecast` (actual
//! volumes) is read the same way.

use std::borrow::Cow;
use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::error::{Error, InputError, Result};
use crate::forecast::ForecastRow;
use crate::inputs::{CsvConfig, text};
use crate::report::forecast_layout::{
    self as layout, AHT_S, EVENTS, FORECAST, INTERVAL_START, P10, P50, P90,
    QUEUE, VOLUME,
};

/// Reads `path` into rows in zone `tz`.
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for malformed content.
pub fn read(path: &Path, tz: Tz) -> Result<Vec<ForecastRow>> {
    let mut csv = CsvConfig::new(path).open()?;
    let names = csv.headers().names().to_vec();
    let col = |name: &str| layout::position(&names, &[name]);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            Error::from(
                InputError::new(
                    csv.at(csv.header_line()),
                    format!("a column named {name}"),
                )
                .found(names.join(",").to_ascii_lowercase()),
            )
        })
    };
    // Actual volumes (history layout) read the same way: `volume` stands
    // for `forecast`.
    let mean_name = if col(FORECAST).is_none() && col(VOLUME).is_some() {
        VOLUME
    } else {
        FORECAST
    };
    let (c_start, c_queue, c_mean) =
        (need(INTERVAL_START)?, need(QUEUE)?, need(mean_name)?);
    let (c10, c50, c90) = (col(P10), col(P50), col(P90));
    let (c_aht, c_events) = (col(AHT_S), col(EVENTS));
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = csv.next_record(&mut rec)? {
        let fields: Vec<Cow<'_, str>> = rec.iter().map(text).collect();
        let field = |c: usize| fields.get(c).map_or("", |f| f.trim());
        let num = |c: usize, name: &str| -> Result<f64> {
            let t = field(c);
            layout::number(t, true).filter(|x| *x >= 0.0).ok_or_else(|| {
                InputError::new(
                    csv.at(line).column(name),
                    "a non-negative number",
                )
                .found(t)
                .into()
            })
        };
        let t = field(c_start);
        let start = DateTime::parse_from_rfc3339(t)
            .map_err(|_| {
                InputError::new(
                    csv.at(line).column(INTERVAL_START),
                    "an ISO 8601 time with offset like 2025-11-28T09:30:00+01:00",
                )
                .found(t)
            })?
            .with_timezone(&tz);
        let mean = num(c_mean, mean_name)?;
        let q =
            |c: Option<usize>, name: &str| c.map(|c| num(c, name)).transpose();
        let p10 = q(c10, P10)?.unwrap_or(mean);
        let p50 = q(c50, P50)?.unwrap_or(mean);
        let p90 = q(c90, P90)?.unwrap_or(mean);
        let aht_s = match c_aht {
            Some(c) if !field(c).is_empty() => Some(num(c, AHT_S)?),
            _ => None,
        };
        let events = c_events.map(|c| layout::events(field(c)));
        rows.push(ForecastRow {
            start,
            queue: field(c_queue).to_string(),
            mean,
            p10,
            p50,
            p90,
            aht_s,
            events: events.unwrap_or_default(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::forecast::Forecast;
    use crate::report::Dialect;
    use crate::report::forecast::write_csv;

    #[test]
    fn what_the_forecast_writes_reads_back_in_both_dialects() {
        let tz = chrono_tz::Europe::Paris;
        let row =
            |h: u32, q: &str, aht: Option<f64>, events: &[&str]| ForecastRow {
                start: tz.with_ymd_and_hms(2025, 10, 26, h, 30, 0).unwrap(),
                queue: q.into(),
                mean: 10.125 * f64::from(h),
                p10: 1.5,
                p50: 10.0,
                p90: 20.25,
                aht_s: aht,
                events: events.iter().map(|e| e.to_string()).collect(),
            };
        let rows = vec![
            row(1, "sav", Some(300.5), &[]),
            row(3, "commandes; b2b", None, &["Soldes", "Black Friday"]),
        ];
        let f = Forecast {
            tz,
            interval: "30m".parse().unwrap(),
            rows: rows.clone(),
        };
        let dir = tempfile::tempdir().unwrap();
        for dialect in [Dialect::En, Dialect::Fr] {
            let path = dir.path().join("f.csv");
            std::fs::write(&path, write_csv(&f, Vec::new(), dialect).unwrap())
                .unwrap();
            assert_eq!(read(&path, tz).unwrap(), rows, "{dialect:?}");
        }
    }
}
