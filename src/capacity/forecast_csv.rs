//! Reads a forecast CSV (as `peakplan forecast --format csv` writes it, or
//! as a planner edited it) back into forecast rows, so a plan can start
//! from a forecast instead of history.
//!
//! Columns by header name, case-insensitive: `interval_start` (ISO 8601
//! with offset), `queue`, `forecast`, and optionally `p10`, `p50`, `p90`
//! (missing: the volume is taken as known), `aht_s`, `events` (names
//! separated by `|` or `;`). Delimiter `,` or `;`. A file with `volume`
//! instead of `forecast` (actual volumes) is read the same way.

use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::error::{Error, InputError, Location, Result};
use crate::forecast::ForecastRow;

/// Reads `path` into rows in zone `tz`.
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for malformed content.
pub fn read(path: &Path, tz: Tz) -> Result<Vec<ForecastRow>> {
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
    let file = path.display().to_string();
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delim =
        if first.contains(';') && !first.contains(',') { b';' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(text.as_bytes());
    let at = || Location::file(file.clone());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            InputError::new(at().line(1), format!("a CSV header ({e})"))
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            Error::from(
                InputError::new(
                    at().line(1),
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
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec =
            rec.map_err(|e| InputError::new(at().line(line), e.to_string()))?;
        let field = |c: usize| rec.get(c).unwrap_or("").trim();
        let num = |c: usize, name: &str| -> Result<f64> {
            let t = field(c);
            let x: f64 = t.replace(',', ".").parse().map_err(|_| {
                InputError::new(
                    at().line(line).column(name),
                    "a non-negative number",
                )
                .found(t)
            })?;
            if x.is_finite() && x >= 0.0 {
                Ok(x)
            } else {
                Err(InputError::new(
                    at().line(line).column(name),
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
                    at().line(line).column("interval_start"),
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
