//! The interval-true roster: for every day and slot of a queue's horizon,
//! how many people of each source are on shift, and what is left
//! uncovered.
//!
//! The solver works on plain data ([`QueueInput`]); translating a scenario
//! and a per-interval requirement into it is the caller's job.
//!
//! # Model
//!
//! A queue has a horizon of whole weeks (Monday first), each day a grid of
//! slots indexed by local wall-clock start (a DST day simply has 46 or 50
//! half-hour slots). Slot `t` needs `required[t]` agents on the phones.
//! Sources:
//!
//! * **In-house** (`people` = F, `days_per_week` = D, `weekly_hours` = H):
//!   `x[d][τ][s]` people start template `τ` at slot `s` of day `d`; each is
//!   on the phones `1 − shrinkage` of the time. Per day `Σ x ≤ F`, per
//!   week `Σ x ≤ F·D` shift-days and `Σ x·hours(τ) ≤ F·H`. Already paid:
//!   no marginal cost.
//! * **Overtime**: `o` of the people of a shift group `(d, τ, s)` work
//!   `k` extra slots right before or right after it, `k·slot ≤
//!   max_hours_per_day`, one extension per person and day (so the daily cap
//!   holds per person), `Σ o ≤ x` per group, weekly overtime hours `≤ F ·
//!   max_hours_per_week`. Cost per hour as given (premium × in-house rate).
//!   Extensions come in whole hours (whole slots when slots are longer
//!   than an hour): half-hour steps would double the overtime columns.
//! * **Seasonal hires**: integer waves `(contract, start week)` of `n`
//!   people, productive from their start week to the end of the horizon,
//!   never before `earliest_week` (recruiting and training lead times),
//!   paid `max(min_contract_weeks, train_weeks + weeks left)` weeks of the
//!   contract's weekly hours. A wave's people work the contract's templates
//!   within its days and hours per week and count `(1 − shrinkage) ·
//!   ramp[weeks since start]` each.
//! * **Partners**: `p[t] ∈ [0, max_fte]` agents on the phones directly
//!   (no shrinkage, no shifts), only in their hours and from their first
//!   week. They are **fractional**: a partner sells agent-hours and staffs
//!   its own people to them, so half an agent over a half-hour is fifteen
//!   billed agent-minutes, not half a person. Each available week pays
//!   `min_hours_per_week` whether used or not; hours above it are paid at
//!   the slot's price (per hour, or a per-contact price the caller turned
//!   into a per-hour price for that slot). A partner given is engaged from
//!   its first week; the caller leaves out one it does not mean to engage.
//!
//! # Objective and the weighting of shortfalls
//!
//! Minimise `cost(hires, overtime, partners) + Σ_t shortfall_t(gap_t) +
//! Σ_d floor_d` where `gap_t = max(0, required_t − scheduled_t)` and
//! `shortfall_t` is a convex piecewise-linear [`Shortfall`] curve per
//! slot. The slope of its `j`-th segment is the cost of the `j`-th missing
//! agent: a coverage floor (per agent-slot, above the dearest source, so
//! coverage comes first) plus a value per call times `lost_tj`, the calls
//! that agent's absence loses from the service-level target at that
//! slot's volume ([`Shortfall::from_served`]). One agent missing at a
//! Black Friday peak thus weighs as many calls as it really loses there,
//! many times a quiet-hour agent, and the second missing agent weighs more
//! than the first: the solver spreads an unavoidable shortfall where it
//! hurts least.
//!
//! **The daily service-level floor.** The per-slot weights beat partners
//! and overtime agent-slot by agent-slot, but a seasonal hire pays a whole
//! contract: weighed against the gaps of a single peak day it can lose,
//! and the plan would leave Black Friday short rather than hire. A day
//! with a [`Floor`] therefore adds
//!
//! ```text
//! floor_d = price_per_call · max(0, Σ_t Σ_j lost_tj · gap_tj − budget_d)
//! ```
//!
//! with `gap_tj` the part of slot `t`'s gap in segment `j` and `budget_d =
//! Σ_t v_t·sl_t(required_t) − target · Σ_t v_t` (at least 0): the calls the
//! day can lose and still answer `target` of its calls in time. In each
//! week LP that is one row per day, `Σ lost·gap − slack_d ≤ budget_d`,
//! with the slack priced at `price_per_call`: an unreachable floor is a
//! reported weight, never an infeasible programme. The caller prices a
//! call above anything one person of any source costs over the plan, so
//! in effect the order is lexicographic: first the calls below the
//! floors, then money, then the per-slot weights.
//!
//! The row counts fractional gaps; the plan's files evaluate whole agents
//! on the phones (`floor(scheduled)`), which can lose a little more. The
//! integer step checks each day in whole agents and, where a day within
//! its budget in the row's sense is not in the files' sense, cuts that
//! day's LP budget by twice the difference and solves the week again (at
//! most three times), so that a day the optimiser holds at target is at
//! target in `days.csv` too.
//!
//! # Decomposition
//!
//! 1. **Relaxation, per week**: an LP over that week's shift starts,
//!    overtime, partner agents, shortfall segments and the days' floor
//!    rows with their slacks, with hire headcount
//!    per contract continuous, each hire at its best possible ramp that
//!    week and priced at the cheapest per-productive-week share of any wave
//!    covering it. Every integer plan restricted to one week is feasible
//!    for this LP at no higher cost (the floor rows are the objective's
//!    own terms, linear in the gaps; the budget cuts of step 3 never enter
//!    it), so the sum of the weekly optima is a **lower bound** on the
//!    whole problem ([`QueueSolution::bound`]).
//!    In the LP an overtime variable stands for people working the
//!    parent shift *with* that extension (the in-house variable for those
//!    working it without), so "at most one extension per person" holds
//!    by construction and the `Σ overtime ≤ shift` rows, a fifth of the
//!    week's rows, are not needed: the same optimum, a smaller basis.
//! 2. **Hire waves**: a small integer programme over `(contract, start
//!    week)` that buys the relaxed weeks' effective hires (headcount ×
//!    ramp) at the true wave costs (lead time, ramp, minimum contract,
//!    maximum hires). An effective hire left unbought costs what the week
//!    would pay without hires, per effective hire of the relaxation (one
//!    more LP, only in weeks where the relaxation hires, re-solved from
//!    the relaxation's optimal basis with the free headcounts fixed at
//!    zero rather than from scratch). A floor the week meets only with
//!    hires makes that value the floor's price of the calls they save, so
//!    the waves that meet it are bought before any cost is weighed.
//!    Those floor-priced tranches next to the cheap ones leave the
//!    programme's LP bound weak, and proving its optimum could take
//!    minutes: the branch and bound stops after a fixed number of nodes
//!    (`waves::WAVE_NODES`, a count rather than a clock so the waves are
//!    the same on any machine) with the best waves found, hiring nobody
//!    at worst. On the 100-queue bench the waves found within that limit
//!    are those found within ten times as many nodes.
//! 3. **Integer shifts per week**, waves fixed: the week LP again, its
//!    shift counts rounded down (every roster limit is a `≤` with positive
//!    coefficients, so rounding down keeps them), then repaired greedily by
//!    adding the single shift, hire shift or overtime extension that
//!    lowers the objective most while the limits hold (the days' floors
//!    included, so a person who saves calls below one comes first);
//!    finally, with every shift fixed, partners and the shortfall are
//!    priced exactly: slot by slot (cheapest open partner first, then the
//!    shortfall curve, whose slopes never fall) when no partner has a
//!    weekly commitment, and by an LP otherwise. A floor row links a
//!    day's slots, yet the slot-by-slot answer stays optimal while every
//!    short slot has no open partner capacity left: each gap is then as
//!    small as it can be, so the calls lost, and the floor's weight, are
//!    at their minimum together with the slots' costs. Partners priced
//!    per hour are below the coverage floor and always fill what they
//!    can; a day below its floor with a per-contact partner left unused
//!    (dearer than a slot's weight) is priced by the LP.
//!    [`Effort::Fast`] skips the re-solve and rounds the relaxation's
//!    shifts instead (hire shifts shared among the chosen waves by
//!    headcount, so every limit still holds). The
//!    share of week LPs that came out integral is reported
//!    ([`QueueSolution::integral_weeks`]): a day without weekly links is an
//!    interval matrix, the weekly limits and overtime links are what can
//!    make it fractional.
//!
//! Where the distance to the bound comes from: on the bench's 2 × 9-week
//! case, rounding and repair cost about 1 % of the objective in all; most
//! of the rest is the relaxation
//! pricing hires per productive week while a real wave pays its whole
//! contract, so the bound is loose exactly where hiring is chosen.
//!
//! Queues are independent and solved in parallel ([`solve`]); each
//! queue's result depends only on its own input, so the output is the same
//! whatever the thread count.
//!
//! # Why the aggregate limits admit an individual roster
//!
//! Days: list a week's in-house shift-days day after day (Monday first)
//! and hand them to people `0, 1, …, F−1, 0, 1, …` cyclically, carrying on
//! from one day to the next. A day has at most `F` shift-days, so they go
//! to at most `F` consecutive positions of the cycle: distinct people, no
//! one twice on a day. The week has at most `F·D` shift-days, so each
//! person gets at most `⌈F·D / F⌉ = D` of them. [`individual_roster`]
//! builds exactly this and the tests check it.
//!
//! Hours: the rules cap the team's paid hours, `Σ x·hours ≤ F·H`. When
//! `D` times the longest in-house template is at most `H` (7 h × 5 days ≤
//! 35 h for the example scenario), the day bound gives every person at
//! most `H` hours too, whatever the mix of templates. Beyond that, the
//! cyclic hand-out keeps each person's number of days within one of
//! anyone else's, and within a day the longest shifts go to whoever has
//! the fewest hours so far; the roster reports every person's hours so
//! the caller can flag anyone above `H` (the team total never is). Overtime is handed out the same way, to the
//! people working the extended shift group, fewest overtime hours first;
//! the aggregate weekly overtime cap does not by itself guarantee every
//! person's, so [`Assignment::overtime_hours`] is there to be checked.
//!
//! # Building the input from a scenario
//!
//! Per queue and day of the horizon (Monday first, whole weeks, closed
//! days with no slots): one [`Slot`] per open interval with its local
//! start, `required` = the Erlang agents, and a [`Shortfall`] from
//! [`Shortfall::from_served`] with `|n| calls answered in time by n
//! agents` from the Erlang engine; a [`Floor`] per day of a
//! service-level goal. Templates from
//! `[shifts]` (hours × 60 / slot minutes; `starts` as minutes), or the
//! default `weekly_hours / days_per_week` shift over the opening hours.
//! [`Team`] from `[team]` and the queue's shrinkage; [`Overtime`] from
//! `[overtime]` with `cost_per_hour = premium × hiring cost_per_hour`;
//! [`Hiring`] from `[hiring]` for its queues, `earliest_week` from
//! [`crate::capacity::hires::earliest_week`], `max_hires` the queue's
//! share of the cap; one [`Partner`] per eligible `[[partners]]` entry,
//! `first_week` from the notice, `slot_cost` from `cost_per_contact` ×
//! contacts per agent-hour when priced per contact. [`ShiftRow::times`]
//! gives wall-clock start and end for `shifts.csv`.

mod check;
mod model;
mod people;
mod shortfall;
mod solve;
mod waves;

#[cfg(test)]
mod tests;

pub use check::{Violation, check};
pub use people::{Assignment, individual_roster};
pub use shortfall::Shortfall;
pub use solve::{
    Costs, Effort, QueueSolution, ShiftRow, SlotSupply, Source, Wave, solve,
    solve_queue, solve_queue_with, solve_with,
};

/// One queue's roster problem.
#[derive(Clone, Debug)]
pub struct QueueInput {
    /// Queue name, copied to the output.
    pub name: String,
    /// Slot length in minutes (30 for half-hours).
    pub slot_minutes: u32,
    /// Days of the horizon, Monday first, a whole number of weeks.
    pub days: Vec<Day>,
    /// Shift templates, referred to by index.
    pub templates: Vec<Template>,
    /// The in-house team.
    pub team: Team,
    /// Overtime rules; `None` for no overtime.
    pub overtime: Option<Overtime>,
    /// Seasonal hiring; `None` for no hiring on this queue.
    pub hiring: Option<Hiring>,
    /// Partners allowed on this queue (the caller decides eligibility and
    /// gives each queue its share of a partner's capacity).
    pub partners: Vec<Partner>,
}

/// One day's slot grid. A shift starts at a slot of the day and covers
/// the slots of its whole length, so it must fit in the grid: a caller
/// whose day is shorter than a shift adds slots that need nobody after the
/// close (as `capacity::schedule` does) for the shift to run past it.
#[derive(Clone, Debug, Default)]
pub struct Day {
    /// Open slots in time order, no gaps (a closed day has none).
    pub slots: Vec<Slot>,
    /// The day's service-level floor, if it has one.
    pub floor: Option<Floor>,
}

/// A day's service-level floor: the calls its staff answers in time short
/// of what its requirements answer ([`Day::short`]) should stay within
/// `budget`; each call beyond it weighs `price_per_call`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Floor {
    /// Calls the day may lose to its gaps and still meet its target:
    /// `Σ v·sl(required) − target · Σ v` over its slots, at least 0.
    pub budget: f64,
    /// Weight of each call lost beyond the budget.
    pub price_per_call: f64,
}

impl Floor {
    /// Weight of a day `short` calls short of its requirements.
    pub fn cost(&self, short: f64) -> f64 {
        self.price_per_call * self.deficit(short)
    }

    /// Calls beyond the budget for a day `short` calls short.
    pub fn deficit(&self, short: f64) -> f64 {
        (short - self.budget).max(0.0)
    }
}

impl Day {
    /// Calls this day answers in time short of what its requirements
    /// answer, `scheduled[s]` agents on the phones in slot `s`
    /// ([`Shortfall::short`] summed: gaps lose calls, surpluses win some
    /// back).
    pub fn short(&self, scheduled: impl Iterator<Item = f64>) -> f64 {
        self.slots
            .iter()
            .zip(scheduled)
            .map(|(s, n)| s.shortfall.short(f64::from(s.required), n))
            .sum()
    }

    /// The floor's weight with these agents on the phones (0 without a
    /// floor).
    pub fn floor_cost(&self, scheduled: impl Iterator<Item = f64>) -> f64 {
        self.floor.map_or(0.0, |f| f.cost(self.short(scheduled)))
    }
}

/// One slot's need.
#[derive(Clone, Debug)]
pub struct Slot {
    /// Local wall-clock start, minutes after midnight.
    pub start_min: u32,
    /// Agents required on the phones.
    pub required: u32,
    /// Cost of each missing agent in this slot.
    pub shortfall: Shortfall,
}

/// A shift template.
#[derive(Clone, Debug)]
pub struct Template {
    /// Name, copied to the output.
    pub name: String,
    /// Paid length in slots, breaks included.
    pub slots: usize,
    /// Earliest local start, minutes after midnight.
    pub earliest_min: u32,
    /// Latest local start, minutes after midnight (inclusive).
    pub latest_min: u32,
}

/// The in-house team.
#[derive(Clone, Debug)]
pub struct Team {
    /// People (FTE).
    pub people: u32,
    /// Working days per person and week.
    pub days_per_week: u32,
    /// Paid hours per person and week.
    pub weekly_hours: f64,
    /// Share of paid time off the phones.
    pub shrinkage: f64,
    /// Indices of the templates the team works.
    pub templates: Vec<usize>,
}

/// Overtime rules for the in-house team.
#[derive(Clone, Debug)]
pub struct Overtime {
    /// Most overtime hours per person and day.
    pub max_hours_per_day: f64,
    /// Most overtime hours per person and week.
    pub max_hours_per_week: f64,
    /// Cost of one overtime hour.
    pub cost_per_hour: f64,
}

/// Seasonal hiring on one queue (`max_hires` is this queue's cap).
#[derive(Clone, Debug)]
pub struct Hiring {
    /// Contracts a wave can be hired on.
    pub contracts: Vec<Contract>,
    /// First week index a wave may be productive (lead times from the
    /// planning date); `≥ weeks` means too late to hire.
    pub earliest_week: usize,
    /// Paid training weeks before the first productive week.
    pub train_weeks: usize,
    /// Productivity in the first weeks after training (1 afterwards).
    pub ramp: Vec<f64>,
    /// Shortest contract in weeks, training included.
    pub min_contract_weeks: usize,
    /// Most people hired over all waves.
    pub max_hires: u32,
    /// Cost of one paid hour.
    pub cost_per_hour: f64,
    /// Share of paid time off the phones.
    pub shrinkage: f64,
}

/// A seasonal contract.
#[derive(Clone, Debug)]
pub struct Contract {
    /// Name, copied to the output.
    pub name: String,
    /// Paid hours per week.
    pub weekly_hours: f64,
    /// Working days per week.
    pub days_per_week: u32,
    /// Indices of the templates it works.
    pub templates: Vec<usize>,
}

/// A partner on this queue.
#[derive(Clone, Debug)]
pub struct Partner {
    /// Name, copied to the output.
    pub name: String,
    /// Most partner agents on the phones at once.
    pub max_fte: f64,
    /// Answers slots starting at or after this local minute...
    pub from_min: u32,
    /// ...and before this one.
    pub to_min: u32,
    /// First week index it may work (notice).
    pub first_week: usize,
    /// Price of one agent-hour.
    pub cost_per_hour: f64,
    /// Per-slot price of one agent-hour, `[day][slot]`, overriding
    /// `cost_per_hour` (for per-contact pricing).
    pub slot_cost: Option<Vec<Vec<f64>>>,
    /// Hours paid every available week, used or not.
    pub min_hours_per_week: f64,
}

impl QueueInput {
    /// Number of weeks in the horizon.
    pub fn weeks(&self) -> usize {
        self.days.len() / 7
    }

    /// Hours in one slot.
    pub fn slot_hours(&self) -> f64 {
        f64::from(self.slot_minutes) / 60.0
    }

    /// Checks the input is well formed.
    ///
    /// # Errors
    ///
    /// Names the first inconsistent field.
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |m: String| {
            Err(crate::error::Error::usage(format!(
                "queue {}: {m}",
                self.name
            )))
        };
        if self.slot_minutes == 0 || !self.days.len().is_multiple_of(7) {
            return bad("the horizon must be whole weeks of slots".into());
        }
        let frac = |x: f64| (0.0..1.0).contains(&x);
        if !frac(self.team.shrinkage) {
            return bad("shrinkage must be in [0, 1)".into());
        }
        let mut used = self.team.templates.clone();
        if let Some(h) = &self.hiring {
            if !frac(h.shrinkage)
                || h.ramp.iter().any(|r| !(0.0..=1.0).contains(r))
            {
                return bad(
                    "hiring shrinkage and ramp must be in [0, 1]".into()
                );
            }
            for c in &h.contracts {
                used.extend(&c.templates);
            }
        }
        for &t in &used {
            let Some(tp) = self.templates.get(t) else {
                return bad(format!("no shift template {t}"));
            };
            if tp.slots == 0 || tp.earliest_min > tp.latest_min {
                return bad(format!(
                    "shift {} has no length or start",
                    tp.name
                ));
            }
        }
        for (i, d) in self.days.iter().enumerate() {
            if d.slots.windows(2).any(|w| w[0].start_min >= w[1].start_min) {
                return bad(format!("day {i}: slots out of order"));
            }
        }
        for p in &self.partners {
            if !(p.max_fte >= 0.0 && p.cost_per_hour >= 0.0) {
                return bad(format!(
                    "partner {}: negative capacity or price",
                    p.name
                ));
            }
        }
        Ok(())
    }
}
