//! The capacity plan chart: required FTE per week against the supply
//! stacked by source, with the uncovered part in a warning colour.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::axis::number;
use super::{
    Area, Band, Chart, ChartError, Ink, Line, Panel, by_queue, event_markers,
};
use crate::calendar::Calendar;
use crate::capacity::WeekPlan;

/// A weekly plan chart, one panel per queue (in order of first
/// appearance): supply stacked by source (in-house at the bottom, then
/// hires, overtime, partners), required FTE as a black step line, each
/// week's gap filled in vermillion between the supply and the requirement,
/// and the events of `calendar` shaded on the days they cover.
///
/// # Errors
///
/// [`ChartError::Empty`] when `weeks` is empty or a queue has no finite
/// value.
pub fn plan_chart(
    weeks: &[WeekPlan],
    calendar: &Calendar,
) -> Result<Chart<NaiveDate>, ChartError> {
    if weeks.is_empty() {
        return Err(ChartError::Empty("the plan has no week".to_string()));
    }
    let panels = by_queue(weeks, |w| &w.queue)
        .into_iter()
        .map(|(queue, mut rows)| {
            rows.sort_by_key(|w| w.week_start);
            queue_panel(queue, &rows, calendar)
        })
        .collect();
    let first = weeks.iter().map(|w| w.week_start).min();
    let last = weeks.iter().map(|w| w.week_start).max();
    let span = match (first, last) {
        (Some(a), Some(b)) => format!(
            ", weeks of {} to {}",
            a.format("%Y-%m-%d"),
            b.format("%Y-%m-%d")
        ),
        _ => String::new(),
    };
    Ok(Chart {
        title: format!("Capacity plan, FTE per week{span}"),
        notes: vec![
            "Scheduled FTE (after shrinkage) needed to meet the service \
             target, against planned supply stacked by source."
                .to_string(),
            "Vermillion: required FTE the plan does not cover.".to_string(),
        ],
        panels,
    })
}

fn queue_panel(
    queue: &str,
    rows: &[&WeekPlan],
    calendar: &Calendar,
) -> Panel<NaiveDate> {
    let short: Vec<&&WeekPlan> = rows
        .iter()
        .filter(|w| w.gap_fte.is_finite() && w.gap_fte > 0.0)
        .collect();
    let worst = short.iter().max_by(|a, b| {
        a.gap_fte.total_cmp(&b.gap_fte).then(b.week_start.cmp(&a.week_start))
    });
    let title = match worst {
        Some(w) => format!(
            "{queue} — {} short: largest gap {} FTE, week of {}",
            plural(short.len(), "week"),
            number(w.gap_fte, 1),
            w.week_start.format("%Y-%m-%d")
        ),
        None => format!("{queue} — supply covers every week"),
    };
    let mut panel = Panel::new(title, "week (Monday)", "FTE");
    panel.step = Some(TimeDelta::days(7));
    let sources: Vec<_> = rows
        .iter()
        .map(|w| {
            let by =
                [w.in_house_fte, w.hired_fte, w.overtime_fte, w.partner_fte];
            let gap = if w.gap_fte.is_finite() { w.gap_fte } else { 0.0 };
            (w.week_start, by, gap)
        })
        .collect();
    source_layers(&mut panel, &sources);
    panel.lines.push(Line {
        width: 2,
        ..Line::new(
            "required",
            Ink::Black,
            rows.iter().map(|w| (w.week_start, w.required_fte)).collect(),
        )
    });
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        panel.markers = event_markers(
            calendar,
            queue,
            first.week_start,
            last.week_start + TimeDelta::days(6),
        );
    }
    panel
}

/// One interval of an event day, as the day chart needs it: agents on the
/// phones by source against the requirement.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanChartInterval {
    /// Local start of the interval.
    pub start: NaiveDateTime,
    /// Agents required on the phones.
    pub required: f64,
    /// In-house agents on the phones.
    pub in_house: f64,
    /// Hired agents on the phones.
    pub hired: f64,
    /// Overtime agents on the phones.
    pub overtime: f64,
    /// Partner agents.
    pub partner: f64,
}

/// An event day's chart: one panel per queue, the agents scheduled per
/// interval stacked by source against the required agents, the
/// uncovered part in vermillion. `queues` holds each queue's name, its
/// intervals in time order and the interval length.
///
/// # Errors
///
/// [`ChartError::Empty`] when no queue has an interval.
pub fn event_day_chart(
    title: &str,
    queues: &[(String, Vec<PlanChartInterval>)],
    step: TimeDelta,
) -> Result<Chart<NaiveDateTime>, ChartError> {
    let panels: Vec<Panel<NaiveDateTime>> = queues
        .iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(queue, rows)| day_panel(queue, rows, step))
        .collect();
    if panels.is_empty() {
        return Err(ChartError::Empty(format!("{title}: no interval")));
    }
    Ok(Chart {
        title: title.to_string(),
        notes: vec![
            "Agents on the phones per interval, stacked by source, against \
             the agents required."
                .to_string(),
            "Vermillion: required agents the roster does not cover."
                .to_string(),
        ],
        panels,
    })
}

fn day_panel(
    queue: &str,
    rows: &[PlanChartInterval],
    step: TimeDelta,
) -> Panel<NaiveDateTime> {
    let supply = |r: &PlanChartInterval| {
        [r.in_house, r.hired, r.overtime, r.partner]
            .iter()
            .filter(|v| v.is_finite())
            .sum::<f64>()
    };
    let worst =
        rows.iter().map(|r| r.required - supply(r)).fold(0.0, f64::max);
    let title = if worst > 1e-6 {
        format!("{queue} — short by up to {} agents", number(worst, 1))
    } else {
        format!("{queue} — every interval covered")
    };
    let mut panel = Panel::new(title, "local time", "agents on the phones");
    panel.step = Some(step);
    let sources: Vec<_> = rows
        .iter()
        .map(|r| {
            let by = [r.in_house, r.hired, r.overtime, r.partner];
            (r.start, by, (r.required - supply(r)).max(0.0))
        })
        .collect();
    source_layers(&mut panel, &sources);
    panel.lines.push(Line::new(
        "required",
        Ink::Black,
        rows.iter().map(|r| (r.start, r.required)).collect(),
    ));
    panel
}

/// The supply stacked by source (in-house at the bottom, then hires,
/// overtime, partners) and the gap above it in vermillion, from `(time,
/// [in-house, hires, overtime, partners], gap)`.
fn source_layers<X: Copy>(panel: &mut Panel<X>, rows: &[(X, [f64; 4], f64)]) {
    let names = [
        ("in-house", Ink::Blue),
        ("seasonal hires", Ink::SkyBlue),
        ("overtime", Ink::Yellow),
        ("partners", Ink::BluishGreen),
    ];
    panel.stack = names
        .iter()
        .enumerate()
        .map(|(k, (name, ink))| Area {
            name: name.to_string(),
            ink: *ink,
            points: rows.iter().map(|(x, by, _)| (*x, by[k])).collect(),
        })
        .collect();
    panel.shortfalls.push(Band {
        name: "gap".to_string(),
        ink: Ink::Vermillion,
        opacity: 0.9,
        points: rows
            .iter()
            .map(|(x, by, gap)| {
                let s: f64 = by.iter().filter(|v| v.is_finite()).sum();
                if *gap > 1e-6 {
                    (*x, s, s + gap)
                } else {
                    (*x, f64::NAN, f64::NAN)
                }
            })
            .collect(),
    });
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Event, EventKind};
    use crate::report::plot::render_svg;
    use crate::report::plot::testkit::{drawn, panels, parse, points, texts};

    /// Synthetic weeks: a team of 40 facing a peak in
    /// late November and December, hires arriving in November, overtime and a
    /// partner at the top, and a gap in the two hardest weeks.
    fn demo_weeks(queue: &str, scale: f64) -> Vec<WeekPlan> {
        let monday = NaiveDate::from_ymd_opt(2025, 10, 6).unwrap_or_default();
        (0..14)
            .map(|i| {
                let week_start = monday + TimeDelta::weeks(i);
                let peak = match i {
                    7 => 1.55,
                    8 => 1.35,
                    9 | 10 => 1.3,
                    11 => 1.6,
                    12 => 0.9,
                    _ => 1.0 + 0.02 * i as f64,
                };
                let required = 40.0 * peak * scale;
                let in_house = 38.0 * scale;
                let hired = if i >= 5 { 10.0 * scale } else { 0.0 };
                let overtime =
                    if (7..=11).contains(&i) { 4.0 * scale } else { 0.0 };
                let partner =
                    if (7..=11).contains(&i) { 6.0 * scale } else { 0.0 };
                let supply = in_house + hired + overtime + partner;
                let covered = supply.min(required);
                WeekPlan {
                    week_start,
                    queue: queue.to_string(),
                    agent_hours: 0.0,
                    cost: 0.0,
                    required_fte: required,
                    in_house_fte: in_house.min(required),
                    hired_fte: hired.min((required - in_house).max(0.0)),
                    overtime_fte: overtime
                        .min((required - in_house - hired).max(0.0)),
                    partner_fte: partner.min(
                        (required - in_house - hired - overtime).max(0.0),
                    ),
                    gap_hours: 0.0,
                    gap_fte: required - covered,
                }
            })
            .collect()
    }

    fn calendar() -> Calendar {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        Calendar::new(vec![
            Event {
                name: "Black Friday".into(),
                kind: EventKind::BlackFriday,
                start: d(11, 28),
                end: d(11, 28),
                queues: vec![],
                uplift: None,
            },
            Event {
                name: "Noël".into(),
                kind: EventKind::Holiday,
                start: d(12, 24),
                end: d(12, 25),
                queues: vec!["sav".into()],
                uplift: None,
            },
        ])
    }

    #[test]
    fn plan_chart_stacks_sources_and_highlights_gaps() {
        let mut weeks = demo_weeks("orders", 1.0);
        weeks.extend(demo_weeks("sav", 0.5));
        let chart = plan_chart(&weeks, &calendar()).unwrap();
        let svg = render_svg(&chart, 1200, 300).unwrap();
        assert_eq!(svg, render_svg(&chart, 1200, 300).unwrap());
        let doc = parse(&svg);
        assert_eq!(panels(&doc).len(), 2);
        let texts = texts(&doc);
        for want in [
            "FTE",
            "week (Monday)",
            "in-house",
            "seasonal hires",
            "overtime",
            "partners",
            "gap",
            "required",
            "Black Friday",
        ] {
            assert!(texts.iter().any(|t| t == want), "missing {want:?}");
        }
        // Noël only touches the "sav" queue.
        assert_eq!(texts.iter().filter(|t| *t == "Noël").count(), 1);
        assert_eq!(texts.iter().filter(|t| *t == "Black Friday").count(), 2);
        let titles: Vec<_> =
            texts.iter().filter(|t| t.contains(" short: ")).collect();
        assert_eq!(titles.len(), 2, "{texts:?}");
        assert!(titles[0].starts_with("orders — "), "{titles:?}");
        // Required: one step line of 14 weeks (2 points each) per queue.
        let black = drawn(&doc, "polyline", "stroke", &Ink::Black.hex());
        assert_eq!(black.iter().map(points).collect::<Vec<_>>(), [28, 28]);
        // Every source is a filled layer; the gap is drawn in vermillion.
        for ink in [Ink::Blue, Ink::SkyBlue, Ink::Yellow, Ink::BluishGreen] {
            assert!(
                !drawn(&doc, "polygon", "fill", &ink.hex()).is_empty(),
                "{ink:?}"
            );
        }
        assert!(
            !drawn(&doc, "polygon", "fill", &Ink::Vermillion.hex()).is_empty()
        );
    }

    #[test]
    fn supply_and_gap_add_up_to_the_requirement() {
        let w = WeekPlan {
            week_start: NaiveDate::from_ymd_opt(2025, 11, 24).unwrap(),
            queue: "sav".into(),
            agent_hours: 1200.0,
            required_fte: 40.0,
            in_house_fte: 30.0,
            hired_fte: 4.0,
            overtime_fte: 2.0,
            partner_fte: 1.0,
            gap_hours: 73.5,
            gap_fte: 3.0,
            cost: 50_000.0,
        };
        let supply =
            w.in_house_fte + w.hired_fte + w.overtime_fte + w.partner_fte;
        assert_eq!(supply + w.gap_fte, w.required_fte);
    }

    #[test]
    fn a_covered_plan_says_so_and_draws_no_gap() {
        let weeks: Vec<_> = demo_weeks("main", 1.0)
            .into_iter()
            .map(|w| WeekPlan {
                partner_fte: w.partner_fte + w.gap_fte,
                gap_fte: 0.0,
                ..w
            })
            .collect();
        let chart = plan_chart(&weeks, &Calendar::default()).unwrap();
        assert_eq!(chart.panels[0].title, "main — supply covers every week");
        let svg = render_svg(&chart, 900, 240).unwrap();
        let doc = parse(&svg);
        assert!(
            drawn(&doc, "polygon", "fill", &Ink::Vermillion.hex()).is_empty()
        );
    }

    #[test]
    fn empty_or_nan_plans_fail_cleanly_and_one_week_renders() {
        assert!(matches!(
            plan_chart(&[], &Calendar::default()),
            Err(ChartError::Empty(_))
        ));
        let nan = WeekPlan {
            week_start: NaiveDate::from_ymd_opt(2025, 11, 24).unwrap(),
            queue: "main".into(),
            agent_hours: f64::NAN,
            cost: f64::NAN,
            required_fte: f64::NAN,
            in_house_fte: f64::NAN,
            hired_fte: f64::NAN,
            overtime_fte: f64::NAN,
            partner_fte: f64::NAN,
            gap_hours: f64::NAN,
            gap_fte: f64::NAN,
        };
        // NaN sources count as zero in the stack, so a week still renders.
        let chart =
            plan_chart(std::slice::from_ref(&nan), &Calendar::default())
                .unwrap();
        render_svg(&chart, 800, 200).unwrap();
        let one = WeekPlan {
            required_fte: 12.0,
            in_house_fte: 10.0,
            gap_fte: 2.0,
            ..nan
        };
        let chart = plan_chart(&[one], &calendar()).unwrap();
        let svg = render_svg(&chart, 800, 200).unwrap();
        let texts = texts(&parse(&svg));
        assert!(texts.iter().any(|t| t == "Black Friday"));
        assert!(texts.iter().any(|t| t == "main — 1 week short: largest gap 2 FTE, week of 2025-11-24"), "{texts:?}");
    }

    #[test]
    fn an_event_day_draws_required_against_the_stacked_sources() {
        let day = NaiveDate::from_ymd_opt(2025, 11, 28).unwrap();
        let rows: Vec<PlanChartInterval> = (0..24)
            .map(|k| PlanChartInterval {
                start: day.and_hms_opt(8 + k / 2, 30 * (k % 2), 0).unwrap(),
                required: 40.0 + f64::from(k),
                in_house: 42.0,
                hired: 0.0,
                overtime: 2.1,
                partner: 5.0,
            })
            .collect();
        let chart = event_day_chart(
            "Black Friday 2025-11-28",
            &[("commandes".into(), rows)],
            TimeDelta::minutes(30),
        )
        .unwrap();
        let svg = render_svg(&chart, 1200, 320).unwrap();
        let doc = parse(&svg);
        assert_eq!(panels(&doc).len(), 1);
        let text = texts(&doc).join(" ");
        assert!(text.contains("short by up to 13.9 agents"), "{text}");
        assert!(event_day_chart("x", &[], TimeDelta::minutes(30)).is_err());
    }
}
