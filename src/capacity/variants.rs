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
