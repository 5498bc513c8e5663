//! The output of `peakplan backtest`: the metrics per queue, scope and
//! method as a table (ratios in percent, units in the titles), CSV and
//! JSON (plain ratios), and the rows of its chart.
//!
//! On a colour terminal the best WAPE of each group is bold and
//! peakplan's in red when a naive baseline beats it.

use serde_json::Value;

use crate::error::Result;
use crate::forecast::backtest::{DayTotal, Method, Metrics, Report};
use crate::report::csv::CsvWriter;
use crate::report::plot::BacktestDay;
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render, fixed};

/// A backtest in each format.
#[derive(Clone, Copy, Debug)]
pub struct BacktestReport<'a>(pub &'a Report);

impl Render for BacktestReport<'_> {
    fn table(&self, look: Look) -> String {
        table(self.0, look)
    }

    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        write_csv(self.0, Vec::new(), dialect)
    }

    fn json(&self) -> Value {
        serde_json::to_value(self.0).unwrap_or(Value::Null)
    }

    fn json_bytes(&self) -> Result<Vec<u8>> {
        super::json_bytes(self.0)
    }
}

/// The chart's rows: peakplan's daily totals with the `last_week`
/// baseline of the same queue, window and day beside them.
pub fn chart_days(days: &[DayTotal]) -> Vec<BacktestDay> {
    use std::collections::BTreeMap;
    let baseline: BTreeMap<_, f64> = days
        .iter()
        .filter(|d| d.method == Method::LastWeek)
        .map(|d| ((d.queue.as_str(), d.window_start, d.date), d.forecast))
        .collect();
    days.iter()
        .filter(|d| d.method == Method::Peakplan)
        .map(|d| BacktestDay {
            queue: d.queue.clone(),
            window_start: d.window_start,
            date: d.date,
            actual: d.actual,
            forecast: d.forecast,
            baseline: baseline
                .get(&(d.queue.as_str(), d.window_start, d.date))
                .copied(),
        })
        .collect()
}

const HEADER: [&str; 11] = [
    "queue",
    "scope",
    "method",
    "intervals",
    "volume",
    "wape",
    "wape_daily",
    "mase",
    "bias",
    "coverage_p10_p90",
    "noise_floor",
];

fn cells(m: &Metrics, f: impl Fn(Option<f64>) -> String) -> Vec<String> {
    vec![
        m.queue.clone(),
        m.scope.as_str().to_string(),
        m.method.as_str().to_string(),
        m.intervals.to_string(),
        fixed(m.volume, 0),
        f(m.wape),
        f(m.wape_daily),
        f(m.mase),
        f(m.bias),
        f(m.coverage),
        f(m.noise_floor),
    ]
}

/// Titles of the table, units included; same columns as [`HEADER`].
const TITLES: [&str; 11] = [
    "queue",
    "scope",
    "method",
    "intervals",
    "contacts",
    "wape (%)",
    "daily wape (%)",
    "mase",
    "bias (%)",
    "p10-p90 cover (%)",
    "noise floor (%)",
];

fn table(r: &Report, look: Look) -> String {
    let mut out = String::new();
    for (i, (a, b)) in r.windows.iter().enumerate() {
        out.push_str(&format!("window {}: {a} .. {b}\n", i + 1));
    }
    out.push('\n');
    let mut t = Table::new(TITLES);
    // Hidden first on a narrow terminal: the least read columns.
    t.droppable(3, 1).droppable(10, 2).droppable(7, 3).droppable(6, 4);
    t.droppable(9, 5).droppable(8, 6);
    let percent = |x: Option<f64>| {
        x.map_or("n/a".to_string(), |v| format!("{:.1}", 100.0 * v))
    };
    let multi = r.metrics.iter().any(|m| m.queue != "all");
    // Per queue first, then `all` as the totals when there are several.
    let mut order: Vec<&Metrics> =
        r.metrics.iter().filter(|m| m.queue != "all").collect();
    order.extend(r.metrics.iter().filter(|m| m.queue == "all"));
    for m in order {
        let mut row = cells(m, |_| String::new());
        for (i, x) in [(5, m.wape), (6, m.wape_daily), (8, m.bias)]
            .into_iter()
            .chain([(9, m.coverage), (10, m.noise_floor)])
        {
            row[i] = percent(x);
        }
        row[7] = m.mase.map_or("n/a".to_string(), |v| format!("{v:.2}"));
        if multi && m.queue == "all" {
            t.total(row);
        } else {
            t.row(row);
        }
        let group = r
            .metrics
            .iter()
            .filter(|o| o.queue == m.queue && o.scope == m.scope);
        let best = group.clone().filter_map(|o| o.wape).min_by(f64::total_cmp);
        let baseline_best = group
            .filter(|o| o.method != Method::Peakplan)
            .filter_map(|o| o.wape)
            .min_by(f64::total_cmp);
        if m.wape.is_some() && m.wape == best {
            t.mark(5, Emphasis::Bold);
        }
        if let (Method::Peakplan, Some(w), Some(b)) =
            (m.method, m.wape, baseline_best)
            && w > b
        {
            t.mark(5, Emphasis::Alert);
        }
    }
    out.push_str(&t.render_with(look));
    out
}

fn write_csv<W: std::io::Write>(
    r: &Report,
    out: W,
    dialect: Dialect,
) -> Result<W> {
    let mut out = CsvWriter::new(out, dialect, &HEADER)?;
    for m in &r.metrics {
        out.text(&m.queue)?
            .text(m.scope.as_str())?
            .text(m.method.as_str())?
            .show(m.intervals)?
            .number(m.volume, 0)?;
        for x in [m.wape, m.wape_daily, m.mase, m.bias, m.coverage] {
            out.maybe(x, 4)?;
        }
        out.maybe(m.noise_floor, 4)?.end()?;
    }
    out.finish()
}
