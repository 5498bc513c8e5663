//! The intraday re-forecast for the desk (a table), and for scripts: CSV
//! (one row per interval of the day, then of the next days of the event
//! window, told apart by `day_offset`) and JSON (queues, actions,
//! intervals, next days, notes).

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::reforecast::{
    Action, IntervalRow, NextDay, QueueDay, Reforecast, ShapeFix,
};
use crate::report::csv::CsvOut;
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render, fixed};

const INTERVAL_COLUMNS: [&str; 19] = [
    "interval_start",
    "queue",
    "remaining",
    "actual",
    "plan_forecast",
    "forecast",
    "p10",
    "p90",
    "plan_required_agents",
    "required_agents",
    "scheduled_agents",
    "gap_agents",
    "required_after_deflection",
    "overtime_agents",
    "partner_agents",
    "gap_after_agents",
    "service_level",
    "service_level_after",
    "day_offset",
];

fn pct(x: f64) -> String {
    format!("{} %", fixed(100.0 * x, 1))
}

/// A day multiplier as the change it makes: `1.106` → `+10.6 %`.
fn level(x: f64) -> String {
    format!("{:+.1} %", 100.0 * (x - 1.0))
}

impl Reforecast {
    /// Exit 3 (for `--strict`) when a queue's rest of the day misses its
    /// target even after the proposed actions.
    ///
    /// # Errors
    ///
    /// [`Error::TargetsMissed`] naming the queues.
    pub fn strict(&self) -> Result<()> {
        let short: Vec<String> = self
            .queues
            .iter()
            .filter(|q| q.misses_target())
            .map(|q| format!("{} ({} expected)", q.queue, pct(q.sl_after)))
            .collect();
        if short.is_empty() {
            return Ok(());
        }
        Err(Error::TargetsMissed(format!(
            "the rest of {} misses the target even after the proposed \
             actions: {}",
            self.date,
            short.join(", ")
        )))
    }

    fn queue_table(&self) -> Table {
        let mut t = Table::new([
            "queue",
            "seen",
            "plan (seen)",
            "level",
            "weight",
            "rest plan",
            "rest now",
            "SL plan",
            "SL now",
            "SL after",
            "target",
        ]);
        for q in &self.queues {
            let target = q.target.map_or("-".into(), |(sl, _)| pct(sl));
            let cells = [
                q.queue.clone(),
                fixed(q.seen_actual, 0),
                fixed(q.seen_forecast, 0),
                level(q.posterior.mean),
                fixed(q.posterior.weight, 2),
                fixed(q.rest_plan, 0),
                fixed(q.rest_forecast, 0),
                pct(q.sl_plan),
                pct(q.sl_now),
                pct(q.sl_after),
                target,
            ];
            let miss = q.misses_target();
            t.row_with(
                cells,
                if miss { Emphasis::Alert } else { Emphasis::None },
            );
        }
        t
    }

    fn actions_table(&self) -> Table {
        let mut t = Table::new([
            "queue",
            "action",
            "from",
            "to",
            "agents",
            "agent-hours",
            "cost",
            "SL before",
            "SL after",
            "what to do",
        ]);
        t.shrinkable(9);
        for a in &self.actions {
            t.row([
                a.queue.clone(),
                a.kind.as_str().to_string(),
                a.from.format("%H:%M").to_string(),
                a.to.format("%H:%M").to_string(),
                fixed(a.peak_agents, 1),
                fixed(a.agent_hours, 1),
                a.cost.map_or("-".into(), |c| fixed(c, 0)),
                pct(a.sl_before),
                pct(a.sl_after),
                a.detail.clone(),
            ]);
        }
        t
    }

    fn next_days_table(&self) -> Table {
        let mut t = Table::new([
            "queue",
            "date",
            "days ahead",
            "carried",
            "level",
            "plan",
            "re-estimate",
        ]);
        for d in &self.next_days {
            t.row([
                d.queue.clone(),
                d.date.to_string(),
                d.ahead.to_string(),
                fixed(d.carry, 2),
                level(d.posterior.mean),
                fixed(d.plan_total, 0),
                fixed(d.forecast_total, 0),
            ]);
        }
        t
    }

    fn intervals_table(q: &QueueDay) -> Table {
        let mut t = Table::new([
            "time",
            "plan",
            "now",
            "p10",
            "p90",
            "required",
            "scheduled",
            "gap",
            "overtime",
            "partner",
            "gap after",
            "SL",
            "SL after",
        ]);
        t.droppable(3, 1).droppable(4, 1).droppable(11, 2);
        for r in q.intervals.iter().filter(|r| r.remaining) {
            let cells = [
                r.start.format("%H:%M").to_string(),
                fixed(r.plan.mean, 1),
                fixed(r.forecast.mean, 1),
                fixed(r.forecast.p10, 1),
                fixed(r.forecast.p90, 1),
                r.required_after.to_string(),
                fixed(r.scheduled, 1),
                r.gap().to_string(),
                fixed(r.overtime, 1),
                fixed(r.partner, 0),
                r.gap_after().to_string(),
                pct(r.sl),
                pct(r.sl_after),
            ];
            let bad = r.gap_after() > 0;
            t.row_with(
                cells,
                if bad { Emphasis::Alert } else { Emphasis::None },
            );
        }
        t
    }
}

fn action_json(a: &Action) -> Value {
    json!({
        "queue": a.queue,
        "kind": a.kind,
        "source": a.source,
        "from": a.from.to_rfc3339(),
        "to": a.to.to_rfc3339(),
        "peak_agents": a.peak_agents,
        "agent_hours": a.agent_hours,
        "paid_hours": a.paid_hours,
        "cost": a.cost,
        "sl_before": a.sl_before,
        "sl_after": a.sl_after,
        "detail": a.detail,
    })
}

fn shape_json(f: &ShapeFix) -> Value {
    json!({
        "basis": f.label,
        "past_days": f.days,
        "weight": f.weight,
        "share_plan": f.share_plan,
        "share_past": f.share_past,
        "share": f.share,
        "factor_before": f.before,
        "factor_after": f.after,
        "profile_weight_before": f.profile_weight.0,
        "profile_weight_after": f.profile_weight.1,
    })
}

fn next_day_json(d: &NextDay) -> Value {
    let intervals: Vec<Value> = d
        .intervals
        .iter()
        .map(|r| {
            json!({
                "interval_start": r.start.to_rfc3339(),
                "plan_forecast": r.plan.mean,
                "plan_p10": r.plan.p10,
                "plan_p90": r.plan.p90,
                "forecast": r.forecast.mean,
                "p10": r.forecast.p10,
                "p90": r.forecast.p90,
            })
        })
        .collect();
    json!({
        "queue": d.queue,
        "date": d.date.to_string(),
        "days_ahead": d.ahead,
        "carry": d.carry,
        "level": d.posterior.mean,
        "level_sd": d.posterior.var.sqrt(),
        "plan_total": d.plan_total,
        "forecast_total": d.forecast_total,
        "intervals": intervals,
    })
}

fn interval_json(queue: &str, r: &IntervalRow) -> Value {
    // Seen intervals are not restaffed: their staffing fields are null.
    let rest = |x: Value| if r.remaining { x } else { Value::Null };
    json!({
        "interval_start": r.start.to_rfc3339(),
        "queue": queue,
        "remaining": r.remaining,
        "actual": r.actual,
        "plan_forecast": r.plan.mean,
        "plan_p10": r.plan.p10,
        "plan_p90": r.plan.p90,
        "forecast": r.forecast.mean,
        "p10": r.forecast.p10,
        "p90": r.forecast.p90,
        "plan_required_agents": r.plan_required,
        "scheduled_agents": r.scheduled,
        "required_agents": rest(json!(r.required)),
        "required_after_deflection": rest(json!(r.required_after)),
        "gap_agents": rest(json!(r.gap())),
        "overtime_agents": rest(json!(r.overtime)),
        "partner_agents": rest(json!(r.partner)),
        "gap_after_agents": rest(json!(r.gap_after())),
        "service_level": rest(json!(r.sl)),
        "service_level_after": rest(json!(r.sl_after)),
    })
}

impl Render for Reforecast {
    fn table(&self, look: Look) -> String {
        let mut text = format!(
            "Re-forecast of {} at {} ({})\n\n",
            self.date,
            self.now.format("%H:%M"),
            self.now.timezone()
        );
        text.push_str(&self.queue_table().render_with(look));
        text.push_str("\nActions, cheapest first\n");
        if self.actions.is_empty() {
            text.push_str("none needed\n");
        } else {
            text.push_str(&self.actions_table().render_with(look));
        }
        if !self.next_days.is_empty() {
            text.push_str("\nNext days of the event window\n");
            text.push_str(&self.next_days_table().render_with(look));
        }
        for q in &self.queues {
            text.push_str(&format!("\nRest of the day, {}\n", q.queue));
            text.push_str(&Reforecast::intervals_table(q).render_with(look));
        }
        text
    }

    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        let mut out = CsvOut::new(dialect, &INTERVAL_COLUMNS)?;
        let n = |x: f64, d: usize| dialect.number(x, d);
        for q in &self.queues {
            for r in &q.intervals {
                // Seen intervals are not restaffed: their staffing cells
                // stay empty.
                let rest =
                    |x: String| if r.remaining { x } else { String::new() };
                out.row([
                    r.start.to_rfc3339(),
                    q.queue.clone(),
                    r.remaining.to_string(),
                    r.actual.map_or(String::new(), |a| n(a, 0)),
                    n(r.plan.mean, 2),
                    n(r.forecast.mean, 2),
                    n(r.forecast.p10, 2),
                    n(r.forecast.p90, 2),
                    n(r.plan_required, 2),
                    rest(r.required.to_string()),
                    n(r.scheduled, 2),
                    rest(r.gap().to_string()),
                    rest(r.required_after.to_string()),
                    rest(n(r.overtime, 2)),
                    rest(n(r.partner, 2)),
                    rest(r.gap_after().to_string()),
                    rest(n(r.sl, 4)),
                    rest(n(r.sl_after, 4)),
                    "0".to_string(),
                ])?;
            }
        }
        for d in &self.next_days {
            let offset = (d.date - self.date).num_days().to_string();
            for r in &d.intervals {
                // Not restaffed: only the volumes are filled.
                let mut cells = vec![String::new(); INTERVAL_COLUMNS.len()];
                cells[0] = r.start.to_rfc3339();
                cells[1] = d.queue.clone();
                cells[2] = "true".to_string();
                cells[4] = n(r.plan.mean, 2);
                cells[5] = n(r.forecast.mean, 2);
                cells[6] = n(r.forecast.p10, 2);
                cells[7] = n(r.forecast.p90, 2);
                cells[INTERVAL_COLUMNS.len() - 1] = offset.clone();
                out.row(cells)?;
            }
        }
        out.into_bytes()
    }

    fn json(&self) -> Value {
        let queues: Vec<Value> = self
            .queues
            .iter()
            .map(|q| {
                json!({
                    "queue": q.queue,
                    "target_sl": q.target.map(|t| t.0),
                    "prior_sigma": q.prior.sigma,
                    "prior_shape": q.prior.a.is_finite().then_some(q.prior.a),
                    "level": q.posterior.mean,
                    "level_sd": q.posterior.var.sqrt(),
                    "weight": q.posterior.weight,
                    "dispersion": q.posterior.dispersion,
                    "shape": q.shape.as_ref().map(shape_json),
                    "seen_actual": q.seen_actual,
                    "seen_forecast": q.seen_forecast,
                    "rest_plan": q.rest_plan,
                    "rest_forecast": q.rest_forecast,
                    "sl_plan": q.sl_plan,
                    "sl_now": q.sl_now,
                    "sl_after": q.sl_after,
                    "misses_target": q.misses_target(),
                })
            })
            .collect();
        let intervals: Vec<Value> = self
            .queues
            .iter()
            .flat_map(|q| {
                q.intervals.iter().map(|r| interval_json(&q.queue, r))
            })
            .collect();
        json!({
            "date": self.date.to_string(),
            "now": self.now.to_rfc3339(),
            "queues": queues,
            "actions": self.actions.iter().map(action_json).collect::<Vec<_>>(),
            "intervals": intervals,
            "next_days": self.next_days.iter().map(next_day_json).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }
}
