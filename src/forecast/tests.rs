//! End-to-end tests of fit + predict on synthetic histories with known
//! truth.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::backtest::{self, BacktestOptions, Method, Scope};
use super::*;
use crate::calendar::{Calendar, Event, EventKind};
use crate::inputs::history::Slot;

/// A date from ISO text (test helper shared by the forecast modules).
pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A small deterministic generator (xorshift64) and Poisson draws.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn poisson(&mut self, mu: f64) -> f64 {
        if mu > 400.0 {
            let z = (-2.0 * self.uniform().max(1e-300).ln()).sqrt()
                * (std::f64::consts::TAU * self.uniform()).cos();
            return (mu + mu.sqrt() * z).round().max(0.0);
        }
        let (mut k, mut p, u) = (0.0, (-mu).exp(), self.uniform());
        let mut cdf = p;
        while u > cdf && k < 5000.0 {
            k += 1.0;
            p *= mu / k;
            cdf += p;
        }
        k
    }
}

/// A one-queue history from `from` to `to` with `rate(date, minute)`
/// contacts per interval (`None` = no row).
pub(crate) fn synth(
    from: &str,
    to: &str,
    step: u32,
    mut rate: impl FnMut(NaiveDate, u16) -> Option<f64>,
) -> History {
    let tz = chrono_tz::Europe::Paris;
    let interval = IntervalLen::from_minutes(step).unwrap();
    let mut slots = vec![];
    for date in d(from).iter_days().take_while(|x| *x <= d(to)) {
        for (m, start) in intraday::instants(tz, date, step) {
            if let Some(volume) = rate(date, m) {
                slots.push(Slot {
                    start,
                    volume,
                    aht_s: Some(240.0 + f64::from(m) / 10.0),
                    line: 0,
                });
            }
        }
    }
    History {
        source: "synthetic.csv".into(),
        tz,
        source_interval: interval,
        interval,
        queues: vec![QueueHistory { name: "commandes".into(), slots }],
    }
}

/// An all-queue event without uplift (test helper shared by the forecast
/// modules).
pub(super) fn event(
    name: &str,
    kind: EventKind,
    start: &str,
    end: &str,
) -> Event {
    Event {
        name: name.into(),
        kind,
        start: d(start),
        end: d(end),
        queues: vec![],
        uplift: None,
    }
}

/// Open 9:00–18:00 Monday to Saturday, busier on Mondays and mornings.
fn shop_rate(date: NaiveDate, m: u16) -> Option<f64> {
    let wd = date.weekday().num_days_from_monday();
    if wd == 6 || !(540..1080).contains(&m) {
        return None;
    }
    let day = [1.4, 1.1, 1.0, 1.0, 0.95, 0.6][wd as usize];
    let shape = if m < 720 { 1.3 } else { 0.8 };
    Some(20.0 * day * shape)
}

#[test]
fn forecasts_are_finite_non_negative_open_only_and_deterministic() {
    let closed = [d("2024-05-01"), d("2024-12-25"), d("2025-01-01")];
    let mut rng = Rng::new(7);
    let h = synth("2024-01-01", "2025-03-31", 30, |date, m| {
        if closed.contains(&date) {
            return None;
        }
        shop_rate(date, m).map(|r| rng.poisson(r))
    });
    let cal = Calendar::new(vec![
        event(
            "Fête du travail",
            EventKind::Closure,
            "2024-05-01",
            "2024-05-01",
        ),
        event(
            "Fête du travail",
            EventKind::Closure,
            "2025-05-01",
            "2025-05-01",
        ),
        event("Vente privée", EventKind::Sale, "2025-04-15", "2025-04-17"),
    ]);
    let model = fit(&h, &cal, &FitOptions::default()).unwrap();
    let f = predict(&model, d("2025-04-01"), d("2025-05-31"));
    assert!(!f.rows.is_empty());
    for r in &f.rows {
        let local = r.start.naive_local();
        assert_ne!(local.date().weekday(), chrono::Weekday::Sun, "{r:?}");
        assert_ne!(local.date(), d("2025-05-01"), "closure forecast open");
        let m = local.hour() * 60 + local.minute();
        assert!((540..1080).contains(&m), "closed slot forecast: {r:?}");
        for v in [r.mean, r.p10, r.p50, r.p90] {
            assert!(v.is_finite() && v >= 0.0, "{r:?}");
        }
        assert!(r.p10 <= r.p50 && r.p50 <= r.p90, "{r:?}");
        assert!(r.aht_s.is_some_and(|a| a > 240.0));
    }
    let sale: Vec<_> =
        f.rows.iter().filter(|r| !r.events.is_empty()).collect();
    assert!(sale.iter().all(|r| r.events == ["Vente privée"]));
    assert_eq!(sale.len(), 3 * 18);
    let again = predict(
        &fit(&h, &cal, &FitOptions::default()).unwrap(),
        d("2025-04-01"),
        d("2025-05-31"),
    );
    assert_eq!(format!("{:?}", f.rows), format!("{:?}", again.rows));
    // The Monday level is right within a few percent (truth: 20·1.4·… ).
    let monday: f64 = f
        .rows
        .iter()
        .filter(|r| r.start.naive_local().date() == d("2025-04-07"))
        .map(|r| r.mean)
        .sum();
    let truth = 20.0 * 1.4 * (6.0 * 1.3 + 12.0 * 0.8);
    assert!((monday / truth - 1.0).abs() < 0.06, "{monday} vs {truth}");
}

#[test]
fn dst_changes_give_23_and_25_hour_days() {
    // A 24-hour queue, flat.
    let h = synth("2025-08-01", "2025-10-15", 30, |_, _| Some(3.0));
    let model = fit(&h, &Calendar::default(), &FitOptions::default()).unwrap();
    let f = predict(&model, d("2025-10-25"), d("2025-10-27"));
    let per_day = |s: &str| {
        f.rows.iter().filter(|r| r.start.naive_local().date() == d(s)).count()
    };
    assert_eq!(
        (per_day("2025-10-25"), per_day("2025-10-26"), per_day("2025-10-27")),
        (48, 50, 48)
    );
    let repeated: Vec<String> = f
        .rows
        .iter()
        .filter(|r| {
            r.start.naive_local().date() == d("2025-10-26")
                && r.start.hour() == 2
        })
        .map(|r| r.start.to_rfc3339())
        .collect();
    assert_eq!(
        repeated,
        [
            "2025-10-26T02:00:00+02:00",
            "2025-10-26T02:30:00+02:00",
            "2025-10-26T02:00:00+01:00",
            "2025-10-26T02:30:00+01:00"
        ]
    );
    // And a history spanning the spring change forecasts the next one.
    let h = synth("2025-01-06", "2025-03-29", 60, |_, _| Some(2.0));
    let model = fit(&h, &Calendar::default(), &FitOptions::default()).unwrap();
    let f = predict(&model, d("2025-03-30"), d("2025-03-30"));
    assert_eq!(f.rows.len(), 23);
}

#[test]
fn a_jour_ferie_the_center_opens_is_forecast_open() {
    // The calendar calls 8 mai a closure; the history shows it open at
    // 70 % of a normal day, twice.
    let ferie = |y: i32| {
        let s = format!("{y}-05-08");
        event("Victoire 1945", EventKind::Closure, &s, &s)
    };
    let h = synth("2023-01-02", "2025-04-30", 60, |date, m| {
        let r = shop_rate(date, m)?;
        Some(if date.month() == 5 && date.day() == 8 { 0.7 * r } else { r })
    });
    let cal = Calendar::new(vec![ferie(2023), ferie(2024), ferie(2025)]);
    let model = fit(&h, &cal, &FitOptions::default()).unwrap();
    let days = predict_days(&model, d("2025-05-07"), d("2025-05-08"));
    assert_eq!(days.len(), 2, "{days:?}");
    let ratio = days[1].total / days[0].total;
    assert!((ratio - 0.7).abs() < 0.05, "{ratio}");
    assert_eq!(days[1].events, ["Victoire 1945"]);
}

#[test]
fn backtest_beats_naive_and_quantiles_are_calibrated_on_known_truth() {
    // Poisson counts around a known rate, with a day-level log-normal
    // wobble (σ = 0.08) the model cannot know in advance.
    let mut rng = Rng::new(11);
    let mut day_factor = (NaiveDate::MIN, 1.0);
    let h = synth("2024-06-03", "2025-03-30", 30, |date, m| {
        let r = shop_rate(date, m)?;
        if day_factor.0 != date {
            let z = (-2.0 * rng.uniform().max(1e-300).ln()).sqrt()
                * (std::f64::consts::TAU * rng.uniform()).cos();
            day_factor = (date, (0.08 * z).exp());
        }
        Some(rng.poisson(r * day_factor.1))
    });
    let opts = BacktestOptions {
        horizon_days: 14,
        origins: 4,
        ..BacktestOptions::default()
    };
    let report = backtest::run(&h, &Calendar::default(), &opts).unwrap();
    let get = |m: Method| {
        report
            .metrics
            .iter()
            .find(|x| {
                x.method == m && x.scope == Scope::All && x.queue == "all"
            })
            .unwrap()
    };
    let ours = get(Method::Peakplan);
    let naive = get(Method::LastWeek);
    let cover = ours.coverage.unwrap();
    assert!((cover - 0.8).abs() < 0.05, "coverage {cover}");
    assert!(
        ours.wape.unwrap() < 0.85 * naive.wape.unwrap(),
        "{ours:?} {naive:?}"
    );
    // Near the floor: Poisson noise plus the unknowable day wobble.
    assert!(ours.wape.unwrap() < ours.noise_floor.unwrap() * 1.5, "{ours:?}");
    assert_eq!(report.windows.len(), 4);
    // The last day with rows is Saturday 29 March.
    assert_eq!(report.windows[3].1, d("2025-03-29"));
}

#[test]
fn backtest_windows_are_back_to_back_and_a_short_history_says_why() {
    let h = synth("2025-01-06", "2025-03-30", 60, |_, m| {
        (9 * 60..18 * 60).contains(&m).then_some(10.0)
    });
    let opts = |origins, step_days| BacktestOptions {
        horizon_days: 14,
        origins,
        step_days,
        ..BacktestOptions::default()
    };
    let w = backtest::windows(&h, &opts(3, None)).unwrap();
    // (last day fitted, last day forecast), ending on the last day.
    assert_eq!(
        w,
        [
            (d("2025-02-16"), d("2025-03-02")),
            (d("2025-03-02"), d("2025-03-16")),
            (d("2025-03-16"), d("2025-03-30")),
        ]
    );
    let weekly = backtest::windows(&h, &opts(3, Some(7))).unwrap();
    assert_eq!(weekly[2], w[2]);
    assert_eq!(weekly[0].0, w[2].0 - chrono::Days::new(14));
    let err = backtest::windows(&h, &opts(5, None)).unwrap_err();
    assert!(matches!(
        err,
        backtest::BacktestError::TooShort { origins: 5, days: 84, .. }
    ));
    assert!(!err.to_string().contains("--"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Forecasting a constant series gives that constant.
    #[test]
    fn a_constant_series_forecasts_its_constant(
        c in 0.5f64..500.0,
        weeks in 2u64..10,
        open_from in 0u16..20,
        ahead in 1u64..60,
    ) {
        let from = d("2025-01-06");
        let to = from + chrono::Days::new(7 * weeks - 1);
        let h = synth(&from.to_string(), &to.to_string(), 60, |_, m| {
            (m >= open_from * 60).then_some(c)
        });
        let model = fit(&h, &Calendar::default(), &FitOptions::default()).unwrap();
        let day = to + chrono::Days::new(ahead);
        let f = predict(&model, day, day);
        let expected = usize::from(24 - open_from)
            - usize::from(day == d("2025-03-30") && open_from <= 2);
        prop_assert_eq!(f.rows.len(), expected);
        for r in &f.rows {
            prop_assert!((r.mean / c - 1.0).abs() < 1e-6, "{} vs {}", r.mean, c);
        }
    }
}

/// A day as its date, total and `(minute, volume bits, aht bits)` slots.
type DayBits = (NaiveDate, f64, Vec<(u16, u64, Option<u64>)>);

/// Days grouped with ordered maps, the plain way: what [`days_of`] must
/// give for any order of slots.
fn days_by_maps(
    slots: &[(chrono::NaiveDateTime, f64, Option<f64>)],
) -> Vec<DayBits> {
    use std::collections::BTreeMap;
    let mut by_day: BTreeMap<NaiveDate, BTreeMap<u16, (f64, f64, f64)>> =
        BTreeMap::new();
    for &(local, volume, aht) in slots {
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let e =
            by_day.entry(local.date()).or_default().entry(minute).or_default();
        e.0 += volume;
        if let Some(a) = aht {
            e.1 += volume * a;
            e.2 += volume;
        }
    }
    by_day
        .into_iter()
        .map(|(date, m)| {
            let slots: Vec<_> = m
                .into_iter()
                .map(|(k, (v, aw, av))| {
                    (k, v.to_bits(), (av > 0.0).then(|| (aw / av).to_bits()))
                })
                .collect();
            let total = slots.iter().map(|s| f64::from_bits(s.1)).sum();
            (date, total, slots)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Slots mostly in order with some going back (the repeated hour, a
    /// day revisited) sum exactly as the ordered maps do.
    #[test]
    fn days_of_sums_as_ordered_maps_do(
        steps in proptest::collection::vec(
            (-3i64..12, 0u32..50, proptest::option::of(1u32..600)),
            1..200,
        ),
    ) {
        let mut at = d("2025-10-24").and_hms_opt(22, 0, 0).unwrap();
        let slots: Vec<_> = steps
            .iter()
            .map(|&(step, v, a)| {
                at += chrono::Duration::minutes(30 * step);
                (at, f64::from(v) / 4.0, a.map(|a| f64::from(a) / 3.0))
            })
            .collect();
        let got: Vec<DayBits> = days_of(slots.iter().copied())
            .into_iter()
            .map(|d| {
                let s = d
                    .slots
                    .iter()
                    .map(|s| {
                        (s.minute, s.volume.to_bits(), s.aht.map(f64::to_bits))
                    })
                    .collect();
                (d.date, d.total, s)
            })
            .collect();
        prop_assert_eq!(got, days_by_maps(&slots));
    }
}
