//! Interval demand forecasts, aware of peak events.

use chrono::DateTime;
use chrono_tz::Tz;

use crate::units::IntervalLen;

/// A forecast: per queue and open interval, the expected volume and its
/// uncertainty.
#[derive(Clone, Debug)]
pub struct Forecast {
    /// Zone of every `start`.
    pub tz: Tz,
    /// Interval length.
    pub interval: IntervalLen,
    /// Rows sorted by queue, then start. Closed intervals have no row.
    pub rows: Vec<ForecastRow>,
}

/// One forecast interval of one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastRow {
    /// Interval start, local time with its offset.
    pub start: DateTime<Tz>,
    /// Queue name.
    pub queue: String,
    /// Expected volume.
    pub mean: f64,
    /// 10th percentile of volume.
    pub p10: f64,
    /// Median volume.
    pub p50: f64,
    /// 90th percentile of volume.
    pub p90: f64,
    /// Expected average handle time, when history has it.
    pub aht_s: Option<f64>,
    /// Names of the events touching this interval's day.
    pub events: Vec<String>,
}
