//! Reads a forecast CSV (as `peakplan forecast --format csv` writes it, or
//! as a planner edited it) back into forecast rows, so a plan can start
//! from a forecast instead of history.
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

/// Reads `path` into rows in zone `tz`.
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for malformed content.
pub fn read(path: &Path, tz: Tz) -> Result<Vec<ForecastRow>> {
    let mut csv = CsvConfig::new(path).open()?;
    let headers: Vec<String> =
        csv.headers().names().iter().map(|h| h.to_ascii_lowercase()).collect();
    let col = |name: &str| csv.headers().find(name);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            Error::from(
                InputError::new(
                    csv.at(csv.header_line()),
                    format!("a column named {name}"),
                )
                .found(headers.join(",")),
            )
        })
    };
    // Actual volumes (history layout) read the same way: `volume` stands
    // for `forecast`.
    let mean_name = if col("forecast").is_none() && col("volume").is_some() {
        "volume"
    } else {
        "forecast"
    };
    let (c_start, c_queue, c_mean) =
        (need("interval_start")?, need("queue")?, need(mean_name)?);
    let (c10, c50, c90) = (col("p10"), col("p50"), col("p90"));
    let (c_aht, c_events) = (col("aht_s"), col("events"));
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = csv.next_record(&mut rec)? {
        let fields: Vec<Cow<'_, str>> = rec.iter().map(text).collect();
        let field = |c: usize| fields.get(c).map_or("", |f| f.trim());
        let num = |c: usize, name: &str| -> Result<f64> {
            let t = field(c);
            let x: f64 = t.replace(',', ".").parse().map_err(|_| {
                InputError::new(
                    csv.at(line).column(name),
                    "a non-negative number",
                )
                .found(t)
            })?;
            if x.is_finite() && x >= 0.0 {
                Ok(x)
            } else {
                Err(InputError::new(
                    csv.at(line).column(name),
                    "a non-negative number",
                )
                .found(t)
                .into())
            }
        };
        let t = field(c_start);
        let start = DateTime::parse_from_rfc3339(t)
            .map_err(|_| {
                InputError::new(
                    csv.at(line).column("interval_start"),
                    "an ISO 8601 time with offset like 2025-11-28T09:30:00+01:00",
                )
                .found(t)
            })?
            .with_timezone(&tz);
        let mean = num(c_mean, mean_name)?;
        let q =
            |c: Option<usize>, name: &str| c.map(|c| num(c, name)).transpose();
        let p10 = q(c10, "p10")?.unwrap_or(mean);
        let p50 = q(c50, "p50")?.unwrap_or(mean);
        let p90 = q(c90, "p90")?.unwrap_or(mean);
        let aht_s = match c_aht {
            Some(c) if !field(c).is_empty() => Some(num(c, "aht_s")?),
            _ => None,
        };
        let events = c_events
            .map(|c| {
                field(c)
                    .split(['|', ';'])
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        rows.push(ForecastRow {
            start,
            queue: field(c_queue).to_string(),
            mean,
            p10,
            p50,
            p90,
            aht_s,
            events,
        });
    }
    Ok(rows)
}
