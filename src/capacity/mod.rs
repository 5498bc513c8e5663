//! Capacity planning: from a forecast and a scenario to agents per
//! interval, FTE per week, seasonal hires, overtime and partner overflow at
//! the lowest cost.
//!
//! * [`scenario`] reads and checks the scenario TOML.
//! * [`staffing`] turns each interval's uncertain volume into agents
//!   (Erlang C/A, staffed so the expected service level holds).
//! * [`plan`] rosters every interval: [`schedule`] turns the scenario
//!   and the staffed intervals into the [`roster`] solver's input (shifts,
//!   hires, overtime, partners) and its solution back into dated shifts,
//!   per-interval supply and gaps; weekly FTE are derived from the shifts
//!   for reading, and the hires are dated ([`hires`]). Nothing is pooled
//!   over a week to decide: the weekly links (hours, shift-days, hire
//!   waves) are constraints of the roster solver over its intervals.
//! * [`whatif`] changes the demand (self-care, peak spreading) for
//!   side-by-side comparison (`report::plan` writes the files).
//! * [`plan_scenario`] chains them: the base plan, the what-ifs' figures
//!   and the replay on actual volumes, from plain forecast rows.

pub mod forecast_csv;
pub mod hires;
pub mod plan;
pub mod roster;
pub mod scenario;
pub mod schedule;
pub mod staffing;
pub mod variants;
pub mod whatif;

pub use plan::{IntervalPlan, Plan, WeekPlan};
pub use scenario::Scenario;
pub use staffing::StaffTo;
pub use variants::{ScenarioPlan, VariantFigures, plan_scenario};
