//! Intraday shape: how a day's total spreads over its local slots, which
//! slots are open at all, and the handle time per slot.
//!
//! Slots are local wall-clock times (minutes since midnight). On the day
//! clocks go back, the repeated hour's two intervals both get the slot's
//! share (the center is open twice as long then); on the day they go
//! forward, the missing hour simply has no interval.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::daily::{DayData, weekday};
use super::events::name_key;
use crate::calendar::{Event, EventKind};

/// Shares of the day per slot, sorted by slot, summing to one.
pub(crate) type Profile = Vec<(u16, f64)>;

/// Same-weekday days whose shapes make the weekday profile.
const PROFILE_DAYS: usize = 52;
/// Half-life of a day's weight in the profile, in same-weekday days.
const PROFILE_HALFLIFE: f64 = 12.0;
/// Recent same-weekday days that decide which slots are open.
const OPEN_DAYS: usize = 6;
/// Longest event (days) that gets an intraday shape of its own.
const EVENT_PROFILE_MAX_DAYS: i64 = 3;

/// The intraday part of one queue's model.
#[derive(Clone, Debug)]
pub(crate) struct Intraday {
    weekday: [Profile; 7],
    pooled: Profile,
    /// Per event name: its days' shape and the weight it gets.
    events: BTreeMap<String, (Profile, f64)>,
    /// Per kind, for events whose name has no past days.
    kinds: BTreeMap<EventKind, (Profile, f64)>,
    aht: BTreeMap<u16, f64>,
    aht_all: Option<f64>,
    /// Interval-level overdispersion: `Var = λ + φλ²`.
    pub phi: f64,
}

fn ratio_profile<'a>(
    days: impl Iterator<Item = (&'a DayData, f64)>,
    keep: Option<&BTreeMap<u16, ()>>,
) -> Profile {
    let mut num: BTreeMap<u16, f64> = BTreeMap::new();
    for (d, w) in days {
        for s in &d.slots {
            if keep.is_none_or(|k| k.contains_key(&s.minute)) {
                *num.entry(s.minute).or_default() += w * s.volume;
            }
        }
    }
    normalise(num.into_iter().collect())
}

fn normalise(mut p: Profile) -> Profile {
    p.retain(|(_, v)| *v > 0.0 && v.is_finite());
    let total: f64 = p.iter().map(|(_, v)| v).sum();
    if total > 0.0 {
        for (_, v) in &mut p {
            *v /= total;
        }
    }
    p
}

/// Days in the order they were added, each once, with the set of their
/// dates.
type Days<'a> = (Vec<&'a DayData>, HashSet<NaiveDate>);

fn add_day<'a>((list, seen): &mut Days<'a>, d: &'a DayData) {
    if seen.insert(d.date) {
        list.push(d);
    }
}

impl Intraday {
    /// Learns profiles from `days` (sorted), the queue's events deciding
    /// which days are ordinary.
    pub fn fit(days: &[DayData], events: &[Event]) -> Intraday {
        let open: Vec<&DayData> =
            days.iter().filter(|d| d.total > 0.0).collect();
        let plain: Vec<&DayData> = open
            .iter()
            .copied()
            .filter(|d| !events.iter().any(|e| e.covers(d.date)))
            .collect();

        let mut weekday_profiles: [Profile; 7] = Default::default();
        for (wd, profile) in weekday_profiles.iter_mut().enumerate() {
            let recent: Vec<&DayData> = plain
                .iter()
                .rev()
                .copied()
                .filter(|d| weekday(d.date) == wd)
                .take(PROFILE_DAYS)
                .collect();
            let open_slots: BTreeMap<u16, ()> = recent
                .iter()
                .take(OPEN_DAYS)
                .flat_map(|d| d.slots.iter().filter(|s| s.volume > 0.0))
                .map(|s| (s.minute, ()))
                .collect();
            *profile = ratio_profile(
                recent.iter().enumerate().map(|(i, d)| {
                    (*d, 0.5f64.powf(i as f64 / PROFILE_HALFLIFE))
                }),
                Some(&open_slots),
            );
        }
        let recent: Vec<&DayData> =
            plain.iter().rev().copied().take(28).collect();
        let pooled = ratio_profile(
            recent
                .iter()
                .enumerate()
                .map(|(i, d)| (*d, 0.5f64.powf(i as f64 / 14.0))),
            None,
        );

        // Each name's and kind's days in the order the events first reach
        // them, each day once (the set beside each list says which it has).
        let mut by_name: BTreeMap<String, Days> = BTreeMap::new();
        let mut by_kind: BTreeMap<EventKind, Days> = BTreeMap::new();
        for e in events
            .iter()
            .filter(|e| (e.end - e.start).num_days() < EVENT_PROFILE_MAX_DAYS)
        {
            // `open` is sorted by date: the event's days are one run of it.
            let from = open.partition_point(|d| d.date < e.start);
            let to = open.partition_point(|d| d.date <= e.end);
            for &d in &open[from..to.max(from)] {
                add_day(by_name.entry(name_key(&e.name)).or_default(), d);
                // A jour férié kept open has its own hours: by name only.
                if e.kind != EventKind::Closure {
                    add_day(by_kind.entry(e.kind).or_default(), d);
                }
            }
        }
        // Shrinkage towards the weekday shape: n/(n + ½) for the event's
        // own past days, n/(n + 2) for other events of its kind.
        let shapes = |(list, _): Days<'_>, prior: f64| {
            let n = list.len() as f64;
            let profile =
                ratio_profile(list.into_iter().map(|d| (d, 1.0)), None);
            (!profile.is_empty()).then_some((profile, n / (n + prior)))
        };
        let event_profiles = by_name
            .into_iter()
            .filter_map(|(name, list)| shapes(list, 0.5).map(|p| (name, p)))
            .collect();
        let kind_profiles = by_kind
            .into_iter()
            .filter_map(|(kind, list)| shapes(list, 2.0).map(|p| (kind, p)))
            .collect();

        let (aht, aht_all) = fit_aht(&open);
        let mut model = Intraday {
            weekday: weekday_profiles,
            pooled,
            events: event_profiles,
            kinds: kind_profiles,
            aht,
            aht_all,
            phi: 0.0,
        };
        model.phi = model.overdispersion(&plain);
        model
    }

    /// Var = λ + φλ² beyond the profile, from the last eight weeks of
    /// ordinary days (method of moments, clamped to [0, 0.5]).
    fn overdispersion(&self, plain: &[&DayData]) -> f64 {
        let Some(last) = plain.last().map(|d| d.date) else { return 0.0 };
        let mut num = 0.0;
        let mut den = 0.0;
        for d in
            plain.iter().rev().take_while(|d| (last - d.date).num_days() < 56)
        {
            let profile = self.profile(d.date, &[]);
            let mut j = 0;
            for &(m, share) in &profile {
                while j < d.slots.len() && d.slots[j].minute < m {
                    j += 1;
                }
                let v = d
                    .slots
                    .get(j)
                    .filter(|s| s.minute == m)
                    .map_or(0.0, |s| s.volume);
                let lambda = d.total * share;
                num += (v - lambda).powi(2) - lambda;
                den += lambda * lambda;
            }
        }
        if den > 0.0 { (num / den).clamp(0.0, 0.5) } else { 0.0 }
    }

    /// The day's shape for `date`, given the events covering it.
    pub fn profile(&self, date: NaiveDate, covering: &[&Event]) -> Profile {
        let base = {
            let p = &self.weekday[weekday(date)];
            if p.is_empty() { &self.pooled } else { p }
        };
        let best =
            |a: &&(Profile, f64), b: &&(Profile, f64)| a.1.total_cmp(&b.1);
        let special = covering
            .iter()
            .filter_map(|e| self.events.get(&name_key(&e.name)))
            .max_by(best)
            .or_else(|| {
                covering
                    .iter()
                    .filter(|e| {
                        (e.end - e.start).num_days() < EVENT_PROFILE_MAX_DAYS
                    })
                    .filter_map(|e| self.kinds.get(&e.kind))
                    .max_by(best)
            });
        let Some((shape, alpha)) = special else { return base.clone() };
        let mut mix: BTreeMap<u16, f64> = BTreeMap::new();
        for &(m, v) in base {
            *mix.entry(m).or_default() += (1.0 - alpha) * v;
        }
        for &(m, v) in shape {
            *mix.entry(m).or_default() += alpha * v;
        }
        normalise(mix.into_iter().collect())
    }

    /// Expected handle time in a slot.
    pub fn aht(&self, minute: u16) -> Option<f64> {
        self.aht.get(&minute).copied().or(self.aht_all)
    }
}

/// Volume- and recency-weighted AHT per slot over the last twelve weeks
/// (half-life four weeks), and over all slots.
fn fit_aht(open: &[&DayData]) -> (BTreeMap<u16, f64>, Option<f64>) {
    let Some(last) = open.last().map(|d| d.date) else {
        return (BTreeMap::new(), None);
    };
    let mut per: BTreeMap<u16, (f64, f64)> = BTreeMap::new();
    let mut all = (0.0, 0.0);
    for d in open.iter().rev().take_while(|d| (last - d.date).num_days() < 84)
    {
        let w = 0.5f64.powf((last - d.date).num_days() as f64 / 28.0);
        for s in &d.slots {
            if let Some(a) = s.aht.filter(|a| a.is_finite() && *a >= 0.0)
                && s.volume > 0.0
            {
                let e = per.entry(s.minute).or_default();
                e.0 += w * s.volume * a;
                e.1 += w * s.volume;
                all.0 += w * s.volume * a;
                all.1 += w * s.volume;
            }
        }
    }
    let per = per
        .into_iter()
        .filter(|(_, (_, v))| *v > 0.0)
        .map(|(m, (a, v))| (m, a / v))
        .collect();
    (per, (all.1 > 0.0).then(|| all.0 / all.1))
}

/// The intervals of local day `date` in `tz`, every `step` minutes: each
/// with its slot (minutes since local midnight) and its start instant. On
/// the day clocks go back the repeated slots appear twice; on the day they
/// go forward the missing ones do not appear.
pub(crate) fn instants(
    tz: Tz,
    date: NaiveDate,
    step: u32,
) -> Vec<(u16, DateTime<Tz>)> {
    let mut out = Vec::with_capacity((1440 / step.max(1)) as usize);
    let mut m = 0;
    while m < 1440 {
        if let Some(t) = NaiveTime::from_hms_opt(m / 60, m % 60, 0) {
            let naive = date.and_time(t);
            match tz.from_local_datetime(&naive) {
                chrono::LocalResult::Single(x) => out.push((m as u16, x)),
                chrono::LocalResult::Ambiguous(a, b) => {
                    out.push((m as u16, a));
                    out.push((m as u16, b));
                }
                chrono::LocalResult::None => {}
            }
        }
        m += step.max(1);
    }
    out.sort_by_key(|(_, t)| t.timestamp());
    out
}

#[cfg(test)]
mod tests {
    use super::super::daily::SlotObs;
    use super::*;

    use crate::forecast::tests::d;

    #[test]
    fn dst_days_have_23_and_25_hours_of_slots() {
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(instants(paris, d("2025-03-30"), 30).len(), 46);
        assert_eq!(instants(paris, d("2025-10-26"), 30).len(), 50);
        assert_eq!(instants(paris, d("2025-10-27"), 30).len(), 48);
        let fall = instants(paris, d("2025-10-26"), 60);
        let twos: Vec<String> = fall
            .iter()
            .filter(|(m, _)| *m == 120)
            .map(|(_, t)| t.to_rfc3339())
            .collect();
        assert_eq!(
            twos,
            ["2025-10-26T02:00:00+02:00", "2025-10-26T02:00:00+01:00"]
        );
        let spring = instants(paris, d("2025-03-30"), 60);
        assert!(!spring.iter().any(|(m, _)| *m == 120));
    }

    fn day(date: &str, vols: &[(u16, f64)]) -> DayData {
        DayData {
            date: d(date),
            total: vols.iter().map(|v| v.1).sum(),
            slots: vols
                .iter()
                .map(|&(minute, volume)| SlotObs {
                    minute,
                    volume,
                    aht: Some(300.0),
                })
                .collect(),
        }
    }

    #[test]
    fn profiles_follow_open_slots_and_event_days_get_their_shape() {
        // Mondays: 9:00 and 9:30 equal; one event Monday all at 9:00.
        let mut days = vec![];
        for date in d("2025-01-06").iter_days().step_by(7).take(8) {
            let s = date.to_string();
            days.push(day(&s, &[(540, 10.0), (570, 10.0)]));
        }
        days.push(day("2025-03-03", &[(540, 30.0), (570, 0.0)]));
        let e = Event {
            name: "Vente flash".into(),
            kind: crate::calendar::EventKind::Sale,
            start: d("2025-03-03"),
            end: d("2025-03-03"),
            queues: vec![],
            uplift: None,
        };
        let events = vec![e.clone()];
        let m = Intraday::fit(&days, &events);
        assert_eq!(
            m.profile(d("2025-03-10"), &[]),
            vec![(540, 0.5), (570, 0.5)]
        );
        // One past day: weight 1/(1 + ½) on its shape (all at 9:00).
        let special = m.profile(d("2025-03-10"), &[&e]);
        let w = 1.0 / 1.5;
        assert!(
            (special[0].1 - (w + (1.0 - w) * 0.5)).abs() < 1e-12,
            "{special:?}"
        );
        // Another sale, never seen: the kind's shape, shrunk harder.
        let other = Event { name: "Braderie".into(), ..e.clone() };
        let pooled = m.profile(d("2025-03-10"), &[&other]);
        let w = 1.0 / 3.0;
        assert!(
            (pooled[0].1 - (w + (1.0 - w) * 0.5)).abs() < 1e-12,
            "{pooled:?}"
        );
        assert_eq!(m.aht(540), Some(300.0));
        // Tuesday never open: no profile of its own, the pooled one.
        assert!(m.weekday[1].is_empty());
    }
}
