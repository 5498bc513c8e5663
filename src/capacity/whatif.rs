//! What-if variants of the demand: self-care deflection and peak
//! spreading, applied to the forecast before staffing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::calendar::{Calendar, name_key};
use crate::capacity::scenario::WhatIf;
use crate::error::{Error, Result};
use crate::forecast::ForecastRow;

/// Checks that every event a spread what-if names is in `calendar`: a
/// misspelt name would otherwise spread nothing, silently.
///
/// # Errors
///
/// [`Error::Usage`] naming the what-if and the unknown event, with the
/// nearest calendar name when one is close.
pub fn check_events(whatifs: &[WhatIf], calendar: &Calendar) -> Result<()> {
    let known: Vec<&str> =
        calendar.events().iter().map(|e| e.name.as_str()).collect();
    for w in whatifs {
        let Some(spread) = &w.spread else { continue };
        for name in &spread.events {
            let what = format!("what-if {:?} spread", w.name);
            crate::inputs::events::check_event_name(
                name,
                known.iter().copied(),
                &what,
            )
            .map_err(Error::usage)?;
        }
    }
    Ok(())
}

/// Applies `w` to `rows` (any order) and returns the changed rows.
///
/// * Deflection removes `share` of a queue's volume (mean and quantiles),
///   on every day or only on days with an event.
/// * Spreading moves `share` of each event day's volume to the non-event
///   days within `days` on either side, in proportion to their own volume
///   (so each day keeps its intraday shape). Volume is conserved.
pub fn apply(rows: &[ForecastRow], w: &WhatIf) -> Vec<ForecastRow> {
    let mut out = rows.to_vec();
    for row in &mut out {
        let Some(&share) = w.deflection.get(&row.queue) else { continue };
        if w.event_days_only && row.events.is_empty() {
            continue;
        }
        scale(row, 1.0 - share);
    }
    if let Some(s) = &w.spread {
        // Names match as the calendar matches them (case and accents
        // aside), the way `check_events` accepted them.
        let names: Vec<String> =
            s.events.iter().map(|n| name_key(n)).collect();
        let is_event = |r: &ForecastRow| {
            r.events
                .iter()
                .any(|e| s.events.is_empty() || names.contains(&name_key(e)))
        };
        // Per queue and day: total volume and whether it is an event day.
        let mut days: BTreeMap<(String, NaiveDate), (f64, bool)> =
            BTreeMap::new();
        for r in &out {
            let e = days
                .entry((r.queue.clone(), r.start.date_naive()))
                .or_default();
            e.0 += r.mean;
            e.1 |= is_event(r);
        }
        let mut factor: BTreeMap<(String, NaiveDate), f64> = BTreeMap::new();
        let mut added: BTreeMap<(String, NaiveDate), f64> = BTreeMap::new();
        for ((queue, day), &(total, event)) in &days {
            if !event || total <= 0.0 {
                continue;
            }
            let span = i64::from(s.days);
            let receivers: Vec<(NaiveDate, f64)> = (-span..=span)
                .filter(|&d| d != 0)
                .filter_map(|d| {
                    day.checked_add_signed(chrono::Duration::days(d))
                })
                .filter_map(|d| match days.get(&(queue.clone(), d)) {
                    Some(&(t, false)) if t > 0.0 => Some((d, t)),
                    _ => None,
                })
                .collect();
            let pool: f64 = receivers.iter().map(|r| r.1).sum();
            if pool <= 0.0 {
                continue;
            }
            let moved = s.share * total;
            *factor.entry((queue.clone(), *day)).or_insert(1.0) -= s.share;
            for (d, t) in receivers {
                *added.entry((queue.clone(), d)).or_default() +=
                    moved * t / pool;
            }
        }
        for ((queue, day), add) in added {
            let total = days.get(&(queue.clone(), day)).map_or(0.0, |t| t.0);
            if total > 0.0 {
                *factor.entry((queue, day)).or_insert(1.0) += add / total;
            }
        }
        for r in &mut out {
            if let Some(f) =
                factor.get(&(r.queue.clone(), r.start.date_naive()))
            {
                scale(r, f.max(0.0));
            }
        }
    }
    out
}

fn scale(row: &mut ForecastRow, f: f64) {
    row.mean *= f;
    row.p10 *= f;
    row.p50 *= f;
    row.p90 *= f;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::scenario::Spread;
    use chrono::TimeZone;

    fn row(day: u32, queue: &str, mean: f64, event: bool) -> ForecastRow {
        let tz = chrono_tz::Europe::Paris;
        ForecastRow {
            start: tz.with_ymd_and_hms(2025, 11, day, 10, 0, 0).unwrap(),
            queue: queue.into(),
            mean,
            p10: mean * 0.8,
            p50: mean,
            p90: mean * 1.2,
            aht_s: None,
            events: if event { vec!["Black Friday".into()] } else { vec![] },
        }
    }

    #[test]
    fn deflection_scales_volume_and_quantiles() {
        let rows = vec![
            row(27, "commandes", 100.0, false),
            row(28, "commandes", 200.0, true),
        ];
        let mut w = WhatIf { name: "x".into(), ..WhatIf::default() };
        w.deflection.insert("commandes".into(), 0.15);
        let out = apply(&rows, &w);
        assert_eq!(out[0].mean, 85.0);
        assert_eq!(out[1].p90, 200.0 * 1.2 * 0.85);
        w.event_days_only = true;
        let out = apply(&rows, &w);
        assert_eq!(out[0].mean, 100.0);
        assert_eq!(out[1].mean, 170.0);
    }

    #[test]
    fn spreading_conserves_volume() {
        let rows = vec![
            row(26, "commandes", 100.0, false),
            row(27, "commandes", 300.0, false),
            row(28, "commandes", 400.0, true),
            row(29, "commandes", 100.0, false),
            row(28, "sav", 50.0, true),
        ];
        let w = WhatIf {
            name: "spread".into(),
            spread: Some(Spread { share: 0.25, days: 1, events: vec![] }),
            ..WhatIf::default()
        };
        let out = apply(&rows, &w);
        let before: f64 = rows.iter().map(|r| r.mean).sum();
        let after: f64 = out.iter().map(|r| r.mean).sum();
        assert!((before - after).abs() < 1e-9);
        assert_eq!(out[2].mean, 300.0);
        assert_eq!(out[1].mean, 375.0);
        assert_eq!(out[3].mean, 125.0);
        assert_eq!(out[0].mean, 100.0);
        // sav has no non-event neighbour: nothing moves.
        assert_eq!(out[4].mean, 50.0);
    }
}
