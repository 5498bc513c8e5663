//! Forecast charts: contacts per day over the horizon, or per interval on
//! one day, with the p10–p90 band, actual volumes when known, and events.
//!
//! # Daily bands
//!
//! The daily total is the sum of the day's intervals, so its mean is the sum
//! of their means. Its quantiles are *not* the sums of interval quantiles:
//! how wide the day's band is depends on how interval errors move together,
//! which a forecast of intervals does not say. The daily chart therefore
//! shows two bands around the daily mean:
//!
//! - **intervals independent** (darker, narrower): each interval's lower and
//!   upper half-widths `p50 − p10` and `p90 − p50` are read as 1.28 standard
//!   deviations of a normal error; independent errors add in quadrature,
//!   so the day's half-widths are `√Σ(p50ᵢ − p10ᵢ)²` below the mean and
//!   `√Σ(p90ᵢ − p50ᵢ)²` above it (each side kept apart to keep the skew);
//! - **intervals move together** (lighter, wider): `Σ p10ᵢ` to `Σ p90ᵢ`,
//!   exact when every interval is off in the same direction by the same
//!   quantile, as a day-level surprise (a mailing, a strike) makes them.
//!
//! Real errors are mostly positively correlated within a day, so the day's
//! p10–p90 usually lies between the two.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::{
    Band, Chart, ChartError, Ink, Line, Panel, by_queue, event_markers,
};
use crate::calendar::Calendar;
use crate::forecast::{Forecast, ForecastRow};
use crate::inputs::history::History;

/// One queue's forecast for one local day: the sum of its intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct DailyTotal {
    /// Queue name.
    pub queue: String,
    /// Local date.
    pub date: NaiveDate,
    /// Expected contacts that day (sum of interval means).
    pub mean: f64,
    /// Daily p10 if interval errors were independent (see module docs).
    pub p10_independent: f64,
    /// Daily p90 if interval errors were independent.
    pub p90_independent: f64,
    /// Daily p10 if interval errors moved together: `Σ p10ᵢ`.
    pub p10_together: f64,
    /// Daily p90 if interval errors moved together: `Σ p90ᵢ`.
    pub p90_together: f64,
    /// Number of intervals summed.
    pub intervals: usize,
    /// Interval start instants (Unix seconds) that were summed.
    starts: Vec<i64>,
    /// Names of the events on that day, sorted, each once.
    pub events: Vec<String>,
}

/// Sums forecast intervals per queue and local date, sorted by queue then
/// date. Rows whose mean is not finite are skipped; a day where any
/// interval has a non-finite quantile gets NaN bands (drawn as a hole).
///
/// # Example
///
/// ```
/// use chrono::TimeZone;
/// use chrono_tz::Europe::Paris;
/// use peakplan::forecast::ForecastRow;
/// use peakplan::report::plot::daily_totals;
///
/// let row = |h, mean: f64| ForecastRow {
///     start: Paris.with_ymd_and_hms(2025, 11, 28, h, 0, 0).unwrap(),
///     queue: "main".into(),
///     mean,
///     p10: mean - 10.0,
///     p50: mean,
///     p90: mean + 10.0,
///     aht_s: None,
///     events: vec![],
/// };
/// let days = daily_totals(&[row(9, 100.0), row(10, 100.0)]);
/// assert_eq!(days[0].mean, 200.0);
/// assert_eq!(days[0].p90_together, 220.0);
/// // Independent errors: √(10² + 10²) ≈ 14.1 above the mean.
/// assert!((days[0].p90_independent - 214.142).abs() < 1e-3);
/// ```
pub fn daily_totals(rows: &[ForecastRow]) -> Vec<DailyTotal> {
    #[derive(Default)]
    struct Acc {
        mean: f64,
        low2: f64,
        high2: f64,
        p10: f64,
        p90: f64,
        bad: bool,
        starts: Vec<i64>,
        events: BTreeSet<String>,
    }
    let mut days: BTreeMap<(&str, NaiveDate), Acc> = BTreeMap::new();
    for r in rows {
        if !r.mean.is_finite() {
            continue;
        }
        let date = r.start.naive_local().date();
        let acc = days.entry((r.queue.as_str(), date)).or_default();
        acc.mean += r.mean;
        acc.starts.push(r.start.timestamp());
        acc.events.extend(r.events.iter().cloned());
        if [r.p10, r.p50, r.p90].iter().all(|q| q.is_finite()) {
            acc.low2 += (r.p50 - r.p10).max(0.0).powi(2);
            acc.high2 += (r.p90 - r.p50).max(0.0).powi(2);
            acc.p10 += r.p10;
            acc.p90 += r.p90;
        } else {
            acc.bad = true;
        }
    }
    days.into_iter()
        .map(|((queue, date), a)| {
            let nan_if_bad = |x: f64| if a.bad { f64::NAN } else { x };
            DailyTotal {
                queue: queue.to_string(),
                date,
                mean: a.mean,
                p10_independent: nan_if_bad((a.mean - a.low2.sqrt()).max(0.0)),
                p90_independent: nan_if_bad(a.mean + a.high2.sqrt()),
                p10_together: nan_if_bad(a.p10.max(0.0)),
                p90_together: nan_if_bad(a.p90),
                intervals: a.starts.len(),
                starts: a.starts,
                events: a.events.into_iter().collect(),
            }
        })
        .collect()
}

/// Actual daily totals per queue, for the days where the history has every
/// interval the forecast has (a partial day would look like a collapse).
fn actual_days(
    history: &History,
    totals: &[DailyTotal],
) -> HashMap<(String, NaiveDate), f64> {
    let mut by_day: HashMap<(&str, NaiveDate), f64> = HashMap::new();
    let mut present: HashMap<&str, BTreeSet<i64>> = HashMap::new();
    for q in &history.queues {
        let seen = present.entry(q.name.as_str()).or_default();
        for s in &q.slots {
            if s.volume.is_finite() {
                let date = s.start.naive_local().date();
                *by_day.entry((q.name.as_str(), date)).or_default() +=
                    s.volume;
                seen.insert(s.start.timestamp());
            }
        }
    }
    totals
        .iter()
        .filter_map(|t| {
            let seen = present.get(t.queue.as_str())?;
            let complete = t.starts.iter().all(|s| seen.contains(s));
            let volume = by_day.get(&(t.queue.as_str(), t.date))?;
            complete.then(|| ((t.queue.clone(), t.date), *volume))
        })
        .collect()
}

/// A daily chart of `forecast`, one panel per queue: the expected contacts
/// per local day, the two p10–p90 bands described in the module docs,
/// actual daily volumes from `actuals` where the history covers the whole
/// day, and the events of `calendar` that touch each queue.
///
/// # Errors
///
/// [`ChartError::Empty`] when the forecast has no finite row.
pub fn forecast_daily_chart(
    forecast: &Forecast,
    actuals: Option<&History>,
    calendar: &Calendar,
) -> Result<Chart<NaiveDate>, ChartError> {
    let totals = daily_totals(&forecast.rows);
    let (Some(first), Some(last)) = (
        totals.iter().map(|t| t.date).min(),
        totals.iter().map(|t| t.date).max(),
    ) else {
        return Err(ChartError::Empty(
            "the forecast has no interval with a finite value".to_string(),
        ));
    };
    let actual = actuals.map(|h| actual_days(h, &totals)).unwrap_or_default();
    let tz = forecast.tz.name();
    let mut panels = vec![];
    for (queue, days) in by_queue(&totals, |t| &t.queue) {
        let peak = days.iter().max_by(|a, b| {
            a.mean.total_cmp(&b.mean).then(b.date.cmp(&a.date))
        });
        let title = match peak {
            Some(p) => format!(
                "{queue} — peak {} contacts on {}{}",
                super::axis::number(p.mean, 0),
                p.date.format("%Y-%m-%d"),
                events_suffix(&p.events)
            ),
            None => queue.to_string(),
        };
        let mut panel =
            Panel::new(title, format!("date ({tz})"), "contacts per day");
        panel.x_range = Some((first, last));
        // Every date of the horizon, closed days (no interval) as holes.
        let by_date: BTreeMap<NaiveDate, &DailyTotal> =
            days.iter().map(|d| (d.date, *d)).collect();
        let dates = first.iter_days().take_while(|d| *d <= last);
        let series = |f: fn(&DailyTotal) -> f64| -> Vec<(NaiveDate, f64)> {
            dates
                .clone()
                .map(|d| (d, by_date.get(&d).map_or(f64::NAN, |t| f(t))))
                .collect()
        };
        let band = |lo: fn(&DailyTotal) -> f64, hi: fn(&DailyTotal) -> f64| {
            series(lo)
                .into_iter()
                .zip(series(hi))
                .map(|((d, l), (_, h))| (d, l, h))
                .collect()
        };
        panel.bands.push(Band {
            name: "p10–p90 if intervals move together".into(),
            ink: Ink::Blue,
            opacity: 0.12,
            points: band(|d| d.p10_together, |d| d.p90_together),
        });
        panel.bands.push(Band {
            name: "p10–p90 if intervals are independent".into(),
            ink: Ink::Blue,
            opacity: 0.25,
            points: band(|d| d.p10_independent, |d| d.p90_independent),
        });
        panel.lines.push(Line::new(
            "forecast (mean)",
            Ink::Blue,
            series(|d| d.mean),
        ));
        let observed: Vec<(NaiveDate, f64)> = dates
            .clone()
            .map(|d| {
                let key = (queue.to_string(), d);
                (d, actual.get(&key).copied().unwrap_or(f64::NAN))
            })
            .collect();
        if observed.iter().any(|(_, v)| v.is_finite()) {
            panel.lines.push(Line {
                width: 1,
                dots: true,
                ..Line::new("actual", Ink::Black, observed)
            });
        }
        panel.markers = event_markers(calendar, queue, first, last);
        panels.push(panel);
    }
    Ok(Chart {
        title: format!(
            "Forecast, contacts per day, {} to {}",
            first.format("%Y-%m-%d"),
            last.format("%Y-%m-%d")
        ),
        notes: vec![
            format!(
                "Sum of the {}-minute intervals of each local day ({tz}); \
                 days with no open interval are left blank.",
                forecast.interval.minutes()
            ),
            "Bands: the day's p10–p90 usually lies between the darker \
             (interval errors independent) and the lighter (errors move \
             together)."
                .to_string(),
        ],
        panels,
    })
}

fn events_suffix(events: &[String]) -> String {
    if events.is_empty() {
        String::new()
    } else {
        format!(" ({})", events.join(", "))
    }
}

/// An intraday chart of `forecast` on local date `day`, one panel per
/// queue: expected contacts per interval with its p10–p90 band and actual
/// volumes from `actuals`, each plotted at the middle of its interval. The
/// day's events are named in the panel titles.
///
/// Times are local wall-clock times; on the night clocks go back, the
/// repeated hour is drawn over itself.
///
/// # Errors
///
/// [`ChartError::Empty`] when the forecast has no finite interval on
/// `day`.
pub fn forecast_intraday_chart(
    forecast: &Forecast,
    actuals: Option<&History>,
    day: NaiveDate,
) -> Result<Chart<NaiveDateTime>, ChartError> {
    let rows: Vec<&ForecastRow> = forecast
        .rows
        .iter()
        .filter(|r| r.mean.is_finite() && r.start.naive_local().date() == day)
        .collect();
    if rows.is_empty() {
        return Err(ChartError::Empty(format!(
            "the forecast has no interval on {}",
            day.format("%Y-%m-%d")
        )));
    }
    let minutes = forecast.interval.minutes();
    let half = TimeDelta::seconds(i64::from(minutes) * 30);
    let mid = |r: &ForecastRow| r.start.naive_local() + half;
    let tz = forecast.tz.name();
    let mut panels = vec![];
    for (queue, rows) in by_queue(&rows, |r| &r.queue) {
        let mut events: BTreeSet<&str> = BTreeSet::new();
        rows.iter()
            .for_each(|r| events.extend(r.events.iter().map(String::as_str)));
        let events: Vec<String> =
            events.into_iter().map(String::from).collect();
        let peak = rows.iter().max_by(|a, b| {
            a.mean.total_cmp(&b.mean).then(b.start.cmp(&a.start))
        });
        let mut title = format!(
            "{queue} — {}{}",
            day.format("%Y-%m-%d"),
            events_suffix(&events)
        );
        if let Some(p) = peak {
            let start = p.start.naive_local();
            title.push_str(&format!(
                " — peak {} contacts at {}–{}",
                super::axis::number(p.mean, 0),
                start.format("%H:%M"),
                (start + half + half).format("%H:%M"),
            ));
        }
        let mut panel = Panel::new(
            title,
            format!("local time ({tz})"),
            format!("contacts per {minutes} minutes"),
        );
        let starts = rows.iter().map(|r| r.start.naive_local());
        if let (Some(a), Some(b)) = (starts.clone().min(), starts.max()) {
            panel.x_range = Some((a, b + half + half));
        }
        panel.bands.push(Band {
            name: "p10–p90".into(),
            ink: Ink::Blue,
            opacity: 0.2,
            points: rows.iter().map(|r| (mid(r), r.p10, r.p90)).collect(),
        });
        panel.lines.push(Line::new(
            "forecast (mean)",
            Ink::Blue,
            rows.iter().map(|r| (mid(r), r.mean)).collect(),
        ));
        if let Some(h) = actuals {
            let slot_half =
                TimeDelta::seconds(i64::from(h.interval.minutes()) * 30);
            let observed: Vec<(NaiveDateTime, f64)> = h
                .queues
                .iter()
                .filter(|q| q.name == *queue)
                .flat_map(|q| &q.slots)
                .filter(|s| s.start.naive_local().date() == day)
                .map(|s| (s.start.naive_local() + slot_half, s.volume))
                .collect();
            if !observed.is_empty() {
                panel.lines.push(Line {
                    width: 1,
                    dots: true,
                    ..Line::new("actual", Ink::Black, observed)
                });
            }
        }
        panels.push(panel);
    }
    Ok(Chart {
        title: format!(
            "Forecast, contacts per {minutes} minutes, {}",
            day.format("%Y-%m-%d")
        ),
        notes: vec![format!(
            "Each point sits at the middle of its interval; local time ({tz})."
        )],
        panels,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    use super::*;
    use crate::calendar::{Event, EventKind};
    use crate::inputs::history::{QueueHistory, Slot};
    use crate::report::plot::render_svg;
    use crate::report::plot::testkit::{drawn, panels, parse, points, texts};
    use crate::units::IntervalLen;

    fn synthetic(days: u32) -> Forecast {
        let mut rows = vec![];
        for queue in ["main", "vip"] {
            for d in 0..days {
                let date = NaiveDate::from_ymd_opt(2025, 11, 10).unwrap()
                    + TimeDelta::days(i64::from(d));
                let bf =
                    date == NaiveDate::from_ymd_opt(2025, 11, 28).unwrap();
                for h in 9..18 {
                    let start = Paris
                        .from_local_datetime(
                            &date.and_hms_opt(h, 0, 0).unwrap(),
                        )
                        .single()
                        .unwrap();
                    let mean = if bf { 90.0 } else { 40.0 } + f64::from(h);
                    rows.push(ForecastRow {
                        start,
                        queue: queue.to_string(),
                        mean,
                        p10: mean * 0.8,
                        p50: mean,
                        p90: mean * 1.25,
                        aht_s: Some(300.0),
                        events: if bf {
                            vec!["Black Friday".into()]
                        } else {
                            vec![]
                        },
                    });
                }
            }
        }
        Forecast {
            tz: Paris,
            interval: IntervalLen::from_minutes(60).unwrap(),
            rows,
        }
    }

    fn calendar() -> Calendar {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let ev = |name: &str, kind, start, end| Event {
            name: name.into(),
            kind,
            start,
            end,
            queues: vec![],
            uplift: None,
        };
        Calendar::new(vec![
            ev("Black Friday", EventKind::BlackFriday, d(11, 28), d(11, 28)),
            ev("Cyber Monday", EventKind::Sale, d(12, 1), d(12, 1)),
            ev("Armistice", EventKind::Closure, d(11, 11), d(11, 11)),
            ev("Noël", EventKind::Holiday, d(12, 25), d(12, 25)),
        ])
    }

    fn history(fc: &Forecast, days: usize) -> History {
        let mut slots = vec![];
        for (i, r) in fc.rows.iter().filter(|r| r.queue == "main").enumerate()
        {
            if i < days * 9 {
                slots.push(Slot {
                    start: r.start,
                    volume: r.mean + 3.0,
                    aht_s: None,
                    line: i as u64 + 2,
                });
            }
        }
        History {
            source: "history.csv".into(),
            tz: Paris,
            source_interval: fc.interval,
            interval: fc.interval,
            queues: vec![QueueHistory { name: "main".into(), slots }],
        }
    }

    #[test]
    fn daily_bands_bracket_the_mean_and_nest() {
        for t in daily_totals(&synthetic(3).rows) {
            assert!(t.p10_together <= t.p10_independent);
            assert!(t.p10_independent <= t.mean);
            assert!(t.mean <= t.p90_independent);
            assert!(t.p90_independent <= t.p90_together);
            assert_eq!(t.intervals, 9);
        }
    }

    #[test]
    fn nan_rows_are_skipped_and_nan_quantiles_open_a_hole() {
        let mut fc = synthetic(2);
        fc.rows[0].mean = f64::NAN;
        fc.rows[10].p90 = f64::NAN;
        let t = daily_totals(&fc.rows);
        assert_eq!(t[0].intervals, 8);
        assert!(t[0].p90_together.is_finite());
        assert!(t[1].p90_together.is_nan());
        let chart =
            forecast_daily_chart(&fc, None, &Calendar::default()).unwrap();
        render_svg(&chart, 900, 240).unwrap();
    }

    #[test]
    fn daily_chart_shows_series_events_and_one_panel_per_queue() {
        let fc = synthetic(30);
        let h = history(&fc, 18);
        let chart = forecast_daily_chart(&fc, Some(&h), &calendar()).unwrap();
        let svg = render_svg(&chart, 1200, 300).unwrap();
        let doc = parse(&svg);
        let texts = texts(&doc);
        for want in [
            "contacts per day",
            "date (Europe/Paris)",
            "Black Friday",
            "Armistice",
            "Cyber Monday",
            "actual",
            "forecast (mean)",
        ] {
            assert!(
                texts.iter().any(|t| t == want),
                "missing {want:?} in {texts:?}"
            );
        }
        // Noël is after the horizon.
        assert!(!texts.iter().any(|t| t == "Noël"));
        // One panel per queue, each named by its <title>.
        let titles: Vec<String> = panels(&doc)
            .iter()
            .filter_map(|p| p.children().find(|c| c.has_tag_name("title")))
            .map(|t| t.text().unwrap_or("").to_string())
            .collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(
            titles[0].starts_with(
                "main — peak 927 contacts on 2025-11-28 (Black Friday)"
            ),
            "{titles:?}"
        );
        // One forecast line of 30 days per queue; actuals for 18 full days.
        let blue = drawn(&doc, "polyline", "stroke", &Ink::Blue.hex());
        assert_eq!(blue.iter().map(points).collect::<Vec<_>>(), [30, 30]);
        let dots = drawn(&doc, "circle", "fill", &Ink::Black.hex());
        assert_eq!(dots.len(), 18);
        // Two bands per queue.
        assert_eq!(drawn(&doc, "polygon", "fill", &Ink::Blue.hex()).len(), 4);
    }

    #[test]
    fn partial_history_days_are_not_drawn() {
        let fc = synthetic(5);
        let mut h = history(&fc, 3);
        h.queues[0].slots.pop();
        let totals = daily_totals(&fc.rows);
        let got = actual_days(&h, &totals);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn intraday_chart_names_the_day_and_its_events() {
        let fc = synthetic(30);
        let h = history(&fc, 30);
        let day = NaiveDate::from_ymd_opt(2025, 11, 28).unwrap();
        let chart = forecast_intraday_chart(&fc, Some(&h), day).unwrap();
        let svg = render_svg(&chart, 1000, 260).unwrap();
        let doc = parse(&svg);
        let texts = texts(&doc);
        assert!(texts.iter().any(|t| t == "main — 2025-11-28 (Black Friday) — peak 107 contacts at 17:00–18:00"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "contacts per 60 minutes"));
        assert!(texts.iter().any(|t| t == "12:00"));
        let blue = drawn(&doc, "polyline", "stroke", &Ink::Blue.hex());
        assert_eq!(blue.iter().map(points).collect::<Vec<_>>(), [9, 9]);
        assert_eq!(drawn(&doc, "circle", "fill", &Ink::Black.hex()).len(), 9);
        let err = forecast_intraday_chart(
            &fc,
            None,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("no interval on 2026-01-01"),
            "{err}"
        );
    }

    #[test]
    fn empty_forecast_is_an_error_and_a_single_day_renders() {
        let empty = Forecast { rows: vec![], ..synthetic(0) };
        let err = forecast_daily_chart(&empty, None, &calendar()).unwrap_err();
        assert!(matches!(err, ChartError::Empty(_)), "{err}");
        let one = synthetic(1);
        let chart = forecast_daily_chart(&one, None, &calendar()).unwrap();
        let svg = render_svg(&chart, 800, 200).unwrap();
        let doc = parse(&svg);
        assert!(texts(&doc).iter().any(|t| t == "2025-11-10"));
        // A single day is a dot, not an invisible one-point line.
        assert_eq!(drawn(&doc, "circle", "fill", &Ink::Blue.hex()).len(), 2);
    }

    #[test]
    fn rendering_is_deterministic() {
        let fc = synthetic(20);
        let chart = forecast_daily_chart(&fc, None, &calendar()).unwrap();
        assert_eq!(
            render_svg(&chart, 1200, 300).unwrap(),
            render_svg(&chart.clone(), 1200, 300).unwrap()
        );
    }
}
