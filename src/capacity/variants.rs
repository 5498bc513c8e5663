//! A scenario's plan with everything a planner reads beside it: the
//! what-if variants' figures and, given actual volumes, the replay of the
//! plan's agents on them.

use crate::capacity::plan::{self, Evaluation, Plan};
use crate::capacity::{Scenario, StaffTo, whatif};
use crate::error::Result;
use crate::forecast::ForecastRow;

/// The plan of a scenario, its variants and its evaluation.
#[derive(Clone, Debug)]
pub struct ScenarioPlan {
    /// The plan on the forecast as given.
    pub base: Plan,
    /// The base plan's figures, then each what-if's, in scenario order.
    pub variants: Vec<VariantFigures>,
    /// The base plan replayed on actual volumes, per queue, when given.
    pub evaluation: Option<Vec<Evaluation>>,
}

/// Plans `scenario` on `rows`, staffed to `staff_to`: the base plan, one
/// plan per what-if (only its figures are kept), and, with `actuals`, the
/// base plan's agents replayed on them.
///
/// # Errors
///
/// As [`plan::staff_intervals`] and [`plan::build`].
pub fn plan_scenario(
    scenario: &Scenario,
    rows: &[ForecastRow],
    staff_to: StaffTo,
    actuals: Option<&[ForecastRow]>,
) -> Result<ScenarioPlan> {
    let base = plan_once(scenario, rows, staff_to)?;
    let mut variants = vec![VariantFigures::of("base", &base)];
    for w in &scenario.whatifs {
        let changed = whatif::apply(rows, w);
        let p = plan_once(scenario, &changed, staff_to)?;
        variants.push(VariantFigures::of(&w.name, &p));
    }
    let evaluation =
        actuals.map(|a| plan::evaluate(scenario, &base.intervals, a));
    Ok(ScenarioPlan { base, variants, evaluation })
}

/// One plan: every interval staffed, then the cheapest mix.
fn plan_once(
    s: &Scenario,
    rows: &[ForecastRow],
    rule: StaffTo,
) -> Result<Plan> {
    let intervals = plan::staff_intervals(s, rows, rule)?;
    plan::build(s, intervals, rule)
}

/// Figures of one variant (the base plan or a what-if), for comparison.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct VariantFigures {
    /// `base` or the what-if's name.
    pub name: String,
    /// Contacts forecast over the plan.
    pub contacts: f64,
    /// Agent-hours on contacts.
    pub agent_hours: f64,
    /// People hired.
    pub hires: u32,
    /// Cost of hires, overtime and partners (the in-house team excluded).
    pub flexible_cost: f64,
    /// Total cost.
    pub total_cost: f64,
    /// Unmet FTE-weeks.
    pub gap_fte_weeks: f64,
}

impl VariantFigures {
    /// The figures of `plan`.
    pub fn of(name: &str, plan: &Plan) -> VariantFigures {
        VariantFigures {
            name: name.to_string(),
            contacts: plan.intervals.iter().map(|r| r.forecast).sum(),
            agent_hours: plan.weeks.iter().map(|w| w.agent_hours).sum(),
            hires: plan.hires.iter().map(|h| h.count).sum(),
            flexible_cost: plan.costs.total - plan.costs.in_house,
            total_cost: plan.costs.total,
            gap_fte_weeks: plan.weeks.iter().map(|w| w.gap_fte).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::{Datelike, Duration, NaiveDate, TimeZone};

    use super::*;
    use crate::config::Settings;

    /// Mon–Sat 9:00–18:00, a sine over the day, more on Fridays.
    fn rows(s: &Scenario) -> Vec<ForecastRow> {
        let (first, last) = plan::plan_days(s);
        let tz = s.horizon.tz;
        let mut out = vec![];
        let mut day = first;
        while day <= last {
            if day.weekday().num_days_from_monday() < 6 {
                let lift = if day.weekday().number_from_monday() == 5 {
                    1.5
                } else {
                    1.0
                };
                for h in 0..18u32 {
                    let t = day.and_hms_opt(9 + h / 2, 30 * (h % 2), 0);
                    let start = tz.from_local_datetime(&t.unwrap()).unwrap();
                    let x = (std::f64::consts::PI * (f64::from(h) + 0.5)
                        / 18.0)
                        .sin();
                    for (queue, base) in [("commandes", 90.0), ("sav", 30.0)] {
                        let m = base * x * lift;
                        out.push(ForecastRow {
                            start,
                            queue: queue.into(),
                            mean: m,
                            p10: 0.8 * m,
                            p50: m,
                            p90: 1.2 * m,
                            aht_s: None,
                            events: vec![],
                        });
                    }
                }
            }
            day += Duration::days(1);
        }
        out
    }

    #[test]
    fn a_plan_is_made_from_plain_data_without_the_command_line() {
        let text = include_str!("../../tests/data/scenario_small.toml");
        let s = Scenario::parse(
            "s.toml",
            text,
            Path::new(""),
            &Settings::default(),
        )
        .unwrap();
        let rows = rows(&s);
        let made =
            plan_scenario(&s, &rows, StaffTo::Mean, Some(&rows)).unwrap();
        assert_eq!(made.variants.len(), 1 + s.whatifs.len());
        assert_eq!(made.variants[0], VariantFigures::of("base", &made.base));
        let names: Vec<&str> =
            made.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["base", "selfcare 15%", "spread Black Friday"]);
        // Deflecting 15 % of commandes removes contacts.
        assert!(made.variants[1].contacts < made.variants[0].contacts);
        let ev = made.evaluation.as_ref().unwrap();
        assert_eq!(ev.len(), s.queues.len());
        // Replayed on the very volumes it was staffed for (the mean), the
        // plan meets its target wherever it staffed anyone.
        for e in ev {
            assert_eq!(e.unplanned_intervals, 0, "{}", e.queue);
            assert!(e.service_level >= e.target - 1e-9, "{e:?}");
        }
        let again = plan_scenario(&s, &rows, StaffTo::Mean, None).unwrap();
        assert_eq!(again.base.weeks, made.base.weeks);
        assert!(again.evaluation.is_none());
        let first: NaiveDate = "2025-11-03".parse().unwrap();
        assert_eq!(made.base.first_monday, first);
    }
}
