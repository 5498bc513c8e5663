//! The backtest chart: per queue and day, what happened against what the
//! forecast (and a baseline) said from each backtest origin.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{
    Chart, ChartError, Ink, Line, Marker, Panel, by_queue, event_markers,
};
use crate::calendar::Calendar;

/// One day of one backtest window of one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestDay {
    /// Queue name.
    pub queue: String,
    /// First day of the window: the forecast only saw history before it.
    pub window_start: NaiveDate,
    /// The day forecast.
    pub date: NaiveDate,
    /// Contacts that day.
    pub actual: f64,
    /// What the forecast said.
    pub forecast: f64,
    /// What the baseline (e.g. seasonal naive) said, if one was run.
    pub baseline: Option<f64>,
}

/// Weighted absolute percentage error `Σ|a − f| / Σ a` over the pairs
/// where both are finite, or `None` when actual volume sums to zero.
fn wape(pairs: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut err, mut total) = (0.0, 0.0);
    for (a, f) in pairs.filter(|(a, f)| a.is_finite() && f.is_finite()) {
        err += (a - f).abs();
        total += a.abs();
    }
    (total > 0.0).then(|| err / total)
}

fn percent(x: Option<f64>) -> String {
    x.map_or("n/a".to_string(), |x| {
        format!("{} %", crate::report::fixed(100.0 * x, 1))
    })
}

/// A daily backtest chart, one panel per queue (in order of first
/// appearance): actual contacts as black dots joined on consecutive days,
/// each window's forecast in blue and baseline (named `baseline_name`) in
/// dashed orange, a grey rule where each window starts, and the events of
/// `calendar`. Panel titles give the WAPE of forecast and baseline.
///
/// # Errors
///
/// [`ChartError::Empty`] when `days` is empty or a queue has no finite
/// value.
pub fn backtest_chart(
    days: &[BacktestDay],
    baseline_name: &str,
    calendar: &Calendar,
) -> Result<Chart<NaiveDate>, ChartError> {
    if days.is_empty() {
        return Err(ChartError::Empty("the backtest has no day".to_string()));
    }
    let panels = by_queue(days, |d| &d.queue)
        .into_iter()
        .map(|(queue, mut rows)| {
            rows.sort_by_key(|d| (d.window_start, d.date));
            queue_panel(queue, &rows, baseline_name, calendar)
        })
        .collect();
    Ok(Chart {
        title: "Backtest, contacts per day: forecast against actual"
            .to_string(),
        notes: vec![
            "Each window is forecast from the history before its first day \
             (grey rule). WAPE = Σ|actual − forecast| / Σ actual."
                .to_string(),
        ],
        panels,
    })
}

fn queue_panel(
    queue: &str,
    rows: &[&BacktestDay],
    baseline_name: &str,
    calendar: &Calendar,
) -> Panel<NaiveDate> {
    let windows: Vec<NaiveDate> = {
        let mut w: Vec<_> = rows.iter().map(|d| d.window_start).collect();
        w.dedup();
        w
    };
    let has_baseline = rows.iter().any(|d| d.baseline.is_some());
    let mut title = format!(
        "{queue} — WAPE forecast {}",
        percent(wape(rows.iter().map(|d| (d.actual, d.forecast))))
    );
    if has_baseline {
        let pairs =
            rows.iter().filter_map(|d| d.baseline.map(|b| (d.actual, b)));
        title.push_str(&format!(", {baseline_name} {}", percent(wape(pairs))));
    }
    title.push_str(&format!(
        " over {} window{}",
        windows.len(),
        if windows.len() == 1 { "" } else { "s" }
    ));
    let mut panel = Panel::new(title, "date", "contacts per day");

    // Each window's series, a NaN between windows to break the line.
    let per_window = |value: fn(&BacktestDay) -> f64| {
        let mut pts = vec![];
        for (i, d) in rows.iter().enumerate() {
            if i > 0 && rows[i - 1].window_start != d.window_start {
                pts.push((d.date, f64::NAN));
            }
            pts.push((d.date, value(d)));
        }
        pts
    };
    // Actuals once per day, joined only on consecutive days.
    let by_date: BTreeMap<NaiveDate, f64> = rows
        .iter()
        .filter(|d| d.actual.is_finite())
        .map(|d| (d.date, d.actual))
        .collect();
    let mut actual = vec![];
    let mut prev: Option<NaiveDate> = None;
    for (&date, &v) in &by_date {
        if prev.is_some_and(|p| p.succ_opt() != Some(date)) {
            actual.push((date, f64::NAN));
        }
        actual.push((date, v));
        prev = Some(date);
    }
    panel.lines.push(Line {
        width: 1,
        dots: true,
        ..Line::new("actual", Ink::Black, actual)
    });
    if has_baseline {
        panel.lines.push(Line {
            dashed: true,
            ..Line::new(
                baseline_name,
                Ink::Orange,
                per_window(|d| d.baseline.unwrap_or(f64::NAN)),
            )
        });
    }
    panel.lines.push(Line::new(
        "forecast",
        Ink::Blue,
        per_window(|d| d.forecast),
    ));
    let first = rows.iter().map(|d| d.date).min();
    let last = rows.iter().map(|d| d.date).max();
    if let (Some(first), Some(last)) = (first, last) {
        panel.markers = event_markers(calendar, queue, first, last);
    }
    panel.markers.extend(windows.iter().map(|&w| Marker {
        label: String::new(),
        ink: Ink::Grey,
        start: w,
        end: None,
        legend: Some("window start".to_string()),
    }));
    panel
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::calendar::{Event, EventKind};
    use crate::report::plot::render_svg;
    use crate::report::plot::testkit::{drawn, panels, parse, points, texts};

    fn days() -> Vec<BacktestDay> {
        let start = NaiveDate::from_ymd_opt(2024, 11, 4).unwrap();
        let mut out = vec![];
        for (w, queue) in [(0, "main"), (1, "main"), (0, "vip")] {
            let window_start = start + TimeDelta::days(14 * w);
            for k in 0..14 {
                let date = window_start + TimeDelta::days(k);
                let actual = 1000.0 + 50.0 * f64::from(k as i32 % 7);
                out.push(BacktestDay {
                    queue: queue.to_string(),
                    window_start,
                    date,
                    actual,
                    forecast: actual * 1.1,
                    baseline: Some(actual * 0.8),
                });
            }
        }
        out
    }

    #[test]
    fn backtest_chart_shows_each_series_and_the_error() {
        let bf = NaiveDate::from_ymd_opt(2024, 11, 29).unwrap();
        let cal = Calendar::new(vec![Event {
            name: "Black Friday".into(),
            kind: EventKind::BlackFriday,
            start: bf,
            end: bf,
            queues: vec![],
            uplift: None,
        }]);
        let chart = backtest_chart(&days(), "seasonal naive", &cal).unwrap();
        let svg = render_svg(&chart, 1200, 280).unwrap();
        assert_eq!(svg, render_svg(&chart, 1200, 280).unwrap());
        let doc = parse(&svg);
        assert_eq!(panels(&doc).len(), 2);
        let texts = texts(&doc);
        assert!(texts.iter().any(|t| t == "main — WAPE forecast 10 %, seasonal naive 20 % over 2 windows"), "{texts:?}");
        assert!(texts.iter().any(|t| t
            == "vip — WAPE forecast 10 %, seasonal naive 20 % over 1 window"));
        for want in [
            "actual",
            "forecast",
            "seasonal naive",
            "window start",
            "contacts per day",
        ] {
            assert!(texts.iter().any(|t| t == want), "missing {want:?}");
        }
        // Black Friday falls in the second main window only.
        assert_eq!(texts.iter().filter(|t| *t == "Black Friday").count(), 1);
        // main: one forecast line per window; vip: one.
        let blue = drawn(&doc, "polyline", "stroke", &Ink::Blue.hex());
        assert_eq!(blue.iter().map(points).collect::<Vec<_>>(), [14, 14, 14]);
        // Actual dots: 28 days for main, 14 for vip; the actual line joins
        // the two adjacent main windows into one.
        assert_eq!(drawn(&doc, "circle", "fill", &Ink::Black.hex()).len(), 42);
        let black = drawn(&doc, "polyline", "stroke", &Ink::Black.hex());
        assert_eq!(black.iter().map(points).collect::<Vec<_>>(), [28, 14]);
        // The baseline is dashed: many short orange pieces.
        assert!(
            drawn(&doc, "polyline", "stroke", &Ink::Orange.hex()).len() > 10
        );
    }

    #[test]
    fn no_baseline_no_orange_and_empty_is_an_error() {
        let plain: Vec<_> = days()
            .into_iter()
            .map(|d| BacktestDay { baseline: None, ..d })
            .collect();
        let chart =
            backtest_chart(&plain, "seasonal naive", &Calendar::default())
                .unwrap();
        assert_eq!(
            chart.panels[0].title,
            "main — WAPE forecast 10 % over 2 windows"
        );
        let svg = render_svg(&chart, 1000, 240).unwrap();
        assert!(
            drawn(&parse(&svg), "polyline", "stroke", &Ink::Orange.hex())
                .is_empty()
        );
        let err =
            backtest_chart(&[], "naive", &Calendar::default()).unwrap_err();
        assert!(matches!(err, ChartError::Empty(_)));
    }
}
