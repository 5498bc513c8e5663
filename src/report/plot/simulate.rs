//! The simulated service level of one day, per interval: the p10–p90
//! band over runs, the mean, and the target, one panel per queue.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;

use super::{Band, Chart, ChartError, Ink, Line, Panel};

/// One simulated interval, in percent-ready shares.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedSlot {
    /// Local start of the interval.
    pub start: NaiveDateTime,
    /// Mean service level over the runs' contacts.
    pub sl_mean: Option<f64>,
    /// 10 % quantile over runs.
    pub sl_p10: Option<f64>,
    /// 90 % quantile over runs.
    pub sl_p90: Option<f64>,
}

/// One queue's simulated day.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedDay {
    /// The queue.
    pub queue: String,
    /// The date.
    pub date: NaiveDate,
    /// Events on the date.
    pub events: Vec<String>,
    /// The target share.
    pub target: f64,
    /// Share of runs whose daily service level holds the target.
    pub p_meet_target: f64,
    /// The intervals in time order.
    pub slots: Vec<SimulatedSlot>,
}

/// The chart of `days` (the queues of one `date`) over `runs` runs.
///
/// # Errors
///
/// [`ChartError::Empty`] when no queue has an interval on `date`.
pub fn simulate_chart(
    days: &[SimulatedDay],
    date: NaiveDate,
    runs: u32,
    tz: Option<Tz>,
) -> Result<Chart<NaiveDateTime>, ChartError> {
    let mut panels = Vec::new();
    for d in days.iter().filter(|d| d.date == date && !d.slots.is_empty()) {
        let step = match d.slots.as_slice() {
            [a, b, ..] => b.start - a.start,
            _ => TimeDelta::minutes(30),
        };
        let half = step / 2;
        let events = if d.events.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.events.join(", "))
        };
        let mut panel = Panel::new(
            format!(
                "{} — {}{events} — P(daily SL ≥ {:.0} %) = {:.2}",
                d.queue,
                date.format("%Y-%m-%d"),
                100.0 * d.target,
                d.p_meet_target
            ),
            format!(
                "local time{}",
                tz.map(|z| format!(" ({})", z.name())).unwrap_or_default()
            ),
            "service level (%)",
        );
        let first = d.slots[0].start;
        let last = d.slots[d.slots.len() - 1].start + step;
        panel.x_range = Some((first, last));
        let pct = |x: Option<f64>| x.map_or(f64::NAN, |v| 100.0 * v);
        panel.bands.push(Band {
            name: "p10–p90 over runs".into(),
            ink: Ink::Blue,
            opacity: 0.2,
            points: d
                .slots
                .iter()
                .map(|s| (s.start + half, pct(s.sl_p10), pct(s.sl_p90)))
                .collect(),
        });
        panel.lines.push(Line::new(
            "mean simulated SL",
            Ink::Blue,
            d.slots.iter().map(|s| (s.start + half, pct(s.sl_mean))).collect(),
        ));
        let mut target = Line::new(
            "target",
            Ink::Vermillion,
            vec![(first, 100.0 * d.target), (last, 100.0 * d.target)],
        );
        target.dashed = true;
        panel.lines.push(target);
        panels.push(panel);
    }
    if panels.is_empty() {
        return Err(ChartError::Empty(format!(
            "no queue was simulated on {}",
            date.format("%Y-%m-%d")
        )));
    }
    Ok(Chart {
        title: format!("Simulated service level per interval, {date}"),
        notes: vec![format!(
            "{runs} simulated runs of the plan; band: 10 % to 90 % of runs"
        )],
        panels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_panel_per_queue_of_the_day_and_none_for_another_day() {
        let date = NaiveDate::from_ymd_opt(2025, 11, 28).unwrap();
        let at = |h| date.and_hms_opt(h, 0, 0).unwrap();
        let slot = |h, m| SimulatedSlot {
            start: at(h),
            sl_mean: Some(m),
            sl_p10: Some(m - 0.1),
            sl_p90: Some(m + 0.05),
        };
        let day = SimulatedDay {
            queue: "commandes".into(),
            date,
            events: vec!["Black Friday".into()],
            target: 0.8,
            p_meet_target: 0.4,
            slots: vec![slot(9, 0.85), slot(10, 0.6)],
        };
        let chart =
            simulate_chart(std::slice::from_ref(&day), date, 100, None)
                .unwrap();
        assert_eq!(chart.panels.len(), 1);
        assert!(chart.panels[0].title.contains("Black Friday"));
        assert_eq!(chart.panels[0].lines[0].points[1].1, 60.0);
        let other = date.succ_opt().unwrap();
        assert!(simulate_chart(&[day], other, 100, None).is_err());
    }
}
