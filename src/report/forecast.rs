//! The output of `peakplan forecast`: every interval as CSV
//! ([`crate::report::forecast_layout`]) and JSON, the daily totals as a
//! table for a person.

use serde_json::{Value, json};

use crate::error::Result;
use crate::forecast::{DayForecast, Forecast};
use crate::report::csv::CsvWriter;
use crate::report::forecast_layout::{self, HEADER};
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render, fixed};

/// A forecast and its daily totals, in each format.
#[derive(Clone, Copy, Debug)]
pub struct ForecastReport<'a> {
    /// Every interval.
    pub forecast: &'a Forecast,
    /// The daily totals with their own quantiles.
    pub days: &'a [DayForecast],
}

impl Render for ForecastReport<'_> {
    fn table(&self, look: Look) -> String {
        table(self.days, self.forecast, look)
    }

    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        write_csv(self.forecast, Vec::new(), dialect)
    }

    fn json(&self) -> Value {
        json(self.forecast, self.days)
    }
}

/// The interval CSV of `f`, streamed into `out`.
///
/// # Errors
///
/// [`crate::Error::Io`] when `out` fails.
pub fn write_csv<W: std::io::Write>(
    f: &Forecast,
    out: W,
    dialect: Dialect,
) -> Result<W> {
    let mut out = CsvWriter::new(out, dialect, &HEADER)?;
    for r in &f.rows {
        forecast_layout::write_row(&mut out, r)?;
    }
    out.finish()
}

/// `x` rounded to 3 decimals as a JSON number, `-0` as `0`.
fn round3(x: f64) -> Value {
    let v = (x * 1000.0).round() / 1000.0;
    serde_json::Number::from_f64(if v == 0.0 { 0.0 } else { v })
        .map_or(Value::Null, Value::Number)
}

fn json(f: &Forecast, days: &[DayForecast]) -> Value {
    let intervals: Vec<Value> = f
        .rows
        .iter()
        .map(|r| {
            json!({
                "interval_start": r.start.to_rfc3339(),
                "queue": r.queue,
                "forecast": round3(r.mean),
                "p10": round3(r.p10),
                "p50": round3(r.p50),
                "p90": round3(r.p90),
                "aht_s": r.aht_s.map(|a| round3((a * 10.0).round() / 10.0)),
                "events": r.events,
            })
        })
        .collect();
    let days: Vec<Value> = days
        .iter()
        .map(|d| {
            json!({
                "date": d.date.to_string(),
                "queue": d.queue,
                "forecast": round3(d.total),
                "p10": round3(d.p10),
                "p90": round3(d.p90),
                "intervals": d.intervals,
                "events": d.events,
            })
        })
        .collect();
    json!({
        "tz": f.tz.name(),
        "interval": f.interval.to_string(),
        "days": days,
        "intervals": intervals,
    })
}

/// The daily table: one row per queue and open day, event days in bold,
/// then a total per queue (and for all queues when there are several).
/// The p10/p90 of a total are left blank: the sum of daily quantiles is
/// not a quantile of the sum.
fn table(days: &[DayForecast], f: &Forecast, look: Look) -> String {
    if days.is_empty() {
        return "no open day in the range: every day is forecast closed\n"
            .to_string();
    }
    let mut t = Table::new([
        "date".to_string(),
        "day".to_string(),
        "queue".to_string(),
        "contacts".to_string(),
        "p10".to_string(),
        "p90".to_string(),
        format!("{} slots", f.interval),
        "events".to_string(),
    ]);
    t.droppable(6, 1).droppable(1, 2).droppable(4, 3).droppable(5, 3);
    t.shrinkable(7);
    let mut totals: Vec<(&str, f64, usize)> = vec![];
    for d in days {
        let emphasis =
            if d.events.is_empty() { Emphasis::None } else { Emphasis::Bold };
        t.row_with(
            [
                d.date.to_string(),
                d.date.format("%a").to_string(),
                d.queue.clone(),
                fixed(d.total, 0),
                fixed(d.p10, 0),
                fixed(d.p90, 0),
                d.intervals.to_string(),
                d.events.join(", "),
            ],
            emphasis,
        );
        match totals.iter_mut().find(|(q, ..)| *q == d.queue) {
            Some(x) => {
                x.1 += d.total;
                x.2 += d.intervals;
            }
            None => totals.push((&d.queue, d.total, d.intervals)),
        }
    }
    let n_days = |q: Option<&str>| {
        days.iter().filter(|d| q.is_none_or(|q| d.queue == q)).count()
    };
    let total_row = |queue: &str, sum: f64, slots: usize, n: usize| {
        [
            "total".to_string(),
            format!("{n}d"),
            queue.to_string(),
            fixed(sum, 0),
            String::new(),
            String::new(),
            slots.to_string(),
            String::new(),
        ]
    };
    for (queue, sum, slots) in &totals {
        t.total(total_row(queue, *sum, *slots, n_days(Some(queue))));
    }
    if totals.len() > 1 {
        let sum = totals.iter().map(|x| x.1).sum();
        let slots = totals.iter().map(|x| x.2).sum();
        t.total(total_row("all", sum, slots, n_days(None)));
    }
    t.render_with(look)
}
