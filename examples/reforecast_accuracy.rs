//! Does the intraday re-forecast beat the plan's forecast on the rest of
//! the day? A held-back test on the bundled data.
//!
//! The planner of 1 October 2024 forecasts November and December 2024
//! from the history before that day (`examples/scenario_backtest_2024.toml`,
//! as `examples/plan_holdout.rs` does). Then, for every open day of every
//! queue in those two months and for `now` at 10:00, 12:00 and 14:00, the
//! morning's true volumes (`data/history.csv`) update the day
//! ([`peakplan::reforecast::today`], the command's own step) and the rest
//! of the day is scored against what really came, beside the plan's
//! forecast of the same intervals:
//!
//! * WAPE = Σ|forecast − actual| / Σ actual over the remaining intervals;
//! * bias = Σ(forecast − actual) / Σ actual;
//! * coverage = share of remaining intervals whose actual lies in p10–p90
//!   (80 % when the band is calibrated).
//!
//! Event days (any event of the calendar or the events file touching the
//! day) are shown apart.
//!
//! ```sh
//! cargo run --release --example reforecast_accuracy
//! # and the Noël 2025 plan (data/scenario.toml) on generated actuals,
//! # with the generator's expectation of every count as the truth:
//! cargo run --release --example generate_data -- \
//!     --to 2025-12-31 --expected --out-dir target/holdout_exp
//! cargo run --release --example reforecast_accuracy -- \
//!     target/holdout_exp/history.csv
//! ```
//!
//! **The truth and the noise floor.** When the actuals file has an
//! `expected_volume` column (`generate_data --expected`), or `--truth
//! FILE` names one, each count's expectation given the calendar is known,
//! and every row also shows what the truth itself scores on the same
//! intervals (no forecast can expect to do better than the expectation),
//! the Poisson floor `Σ E|X − λ| / Σ actual` with `λ` the expectation
//! ([`peakplan::reforecast::noise::poisson_mad`]; the truth is above it
//! by the day-to-day noise the generator adds), and the share of the
//! reducible error (plan WAPE − truth WAPE) the re-forecast removes. The
//! truth file serves every period whose intervals it covers with the
//! same volumes as the actuals scored (the generated file's volumes equal
//! `data/history.csv` on their common days); a period it does not match
//! is scored without it, and the output says so.
//!
//! Event days are then decomposed: the *level oracle* keeps the plan's
//! shape of the rest of the day and scales it to the true expected
//! remaining total, the *shape oracle* keeps the plan's remaining total
//! and gives it the truth's shape; "new at true level" is the
//! re-forecast's shape scaled to the true total. Whichever oracle is
//! near the truth says what the plan's remaining error is made of.
//!
//! On an event day whose event (or kind) the history has seen, the
//! plan's split of the day before and after `now` is first re-weighted
//! to the past event days' ([`peakplan::reforecast::shape`]);
//! `--level-only` scores the update without that step (what the command
//! does without a history), for comparison. First-time events (no day of
//! the same name in the history before `as_of`) are shown apart too, and
//! the next days of an event window are re-estimated from the morning
//! ([`peakplan::reforecast::next_days_of`], the command's own loop) and
//! scored whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta};

use peakplan::calendar::name_key;
use peakplan::capacity::{Scenario, forecast_csv};
use peakplan::config::Settings;
use peakplan::forecast::ForecastRow;
use peakplan::pipeline::{Quiet, forecast_for_plan};
use peakplan::reforecast::noise::poisson_mad;
use peakplan::reforecast::{
    EventContext, NEXT_DAY_CARRY, Predictive, ShapeFix, next_days_of, today,
};
use peakplan::simulate::plan_dir::PlanInterval;

type Error = Box<dyn std::error::Error>;

const NOWS: [&str; 3] = ["10:00", "12:00", "14:00"];

/// Sums over scored intervals.
#[derive(Default, Clone, Copy)]
struct Score {
    days: usize,
    intervals: usize,
    actual: f64,
    abs_plan: f64,
    abs_new: f64,
    err_plan: f64,
    err_new: f64,
    in_plan: usize,
    in_new: usize,
    /// Intervals scored without a truth (the truth columns need none).
    no_truth: usize,
    abs_truth: f64,
    floor: f64,
    /// The plan's shape at the true remaining total.
    abs_level: f64,
    /// The truth's shape at the plan's remaining total.
    abs_shape: f64,
    /// The re-forecast's shape at the true remaining total.
    abs_new_level: f64,
}

/// One scored interval.
struct Cell {
    plan: Predictive,
    new: Predictive,
    actual: f64,
    expected: Option<f64>,
}

/// The expectation of every count, from a generated file.
struct Truth {
    file: PathBuf,
    /// `(queue, Unix start) → (volume, expected volume)`.
    by: BTreeMap<(String, i64), (f64, f64)>,
}

fn main() -> Result<(), Error> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let level_only = args.iter().any(|a| a == "--level-only");
    let mut truth_path = None;
    let mut actuals = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--level-only" => {}
            "--truth" => {
                truth_path = Some(PathBuf::from(
                    it.next().ok_or("--truth needs a file")?,
                ))
            }
            s if s.starts_with("--") => return Err(format!("{s}?").into()),
            s => actuals = Some(PathBuf::from(s)),
        }
    }
    // The truth: --truth, else the actuals file when it has one.
    let truth =
        match (&truth_path, &actuals) {
            (Some(p), _) => Some(read_truth(p)?.ok_or_else(|| {
                format!("{}: no expected_volume", p.display())
            })?),
            (None, Some(p)) => read_truth(p)?,
            (None, None) => None,
        };
    holdout(
        &root.join("examples/scenario_backtest_2024.toml"),
        &root.join("data/history.csv"),
        level_only,
        truth.as_ref(),
    )?;
    if let Some(actuals) = &actuals {
        holdout(
            &root.join("data/scenario.toml"),
            actuals,
            level_only,
            truth.as_ref(),
        )?;
    }
    Ok(())
}

/// The `expected_volume` column of a history-layout file, `None` when it
/// has none.
fn read_truth(path: &Path) -> Result<Option<Truth>, Error> {
    let mut rdr = csv::Reader::from_path(path)?;
    let head = rdr.headers()?.clone();
    let col = |name: &str| head.iter().position(|h| h == name);
    let Some(e) = col("expected_volume") else { return Ok(None) };
    let (Some(t), Some(q), Some(v)) =
        (col("interval_start"), col("queue"), col("volume"))
    else {
        return Err(format!(
            "{}: needs interval_start, queue, volume",
            path.display()
        )
        .into());
    };
    let mut by = BTreeMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let at = |c: usize| rec.get(c).unwrap_or("");
        let bad =
            |what: &str| format!("{}:{}: bad {what}", path.display(), i + 2);
        let start = DateTime::parse_from_rfc3339(at(t))
            .map_err(|_| bad("interval_start"))?;
        let volume: f64 = at(v).parse().map_err(|_| bad("volume"))?;
        let expected: f64 =
            at(e).parse().map_err(|_| bad("expected_volume"))?;
        by.insert((at(q).to_string(), start.timestamp()), (volume, expected));
    }
    Ok(Some(Truth { file: path.to_path_buf(), by }))
}

/// What kind of day a queue-day is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Day {
    Ordinary,
    Event,
    /// An event day of an event the history before `as_of` never had.
    FirstTime,
}

impl Day {
    fn as_str(self) -> &'static str {
        match self {
            Day::Ordinary => "ordinary",
            Day::Event => "event",
            Day::FirstTime => "first-time",
        }
    }
}

/// One event day at 12:00.
struct Noon {
    queue: String,
    date: NaiveDate,
    events: String,
    first_time: bool,
    shape: Option<ShapeFix>,
    score: Score,
}

/// One queue-day of the plan: its intervals and the events on it.
struct PlanDay<'a> {
    rows: Vec<PlanInterval>,
    events: Vec<&'a str>,
}

fn holdout(
    scenario: &Path,
    actuals_path: &Path,
    level_only: bool,
    truth: Option<&Truth>,
) -> Result<(), Error> {
    let s = Scenario::read(scenario, &Settings::default())?;
    let tz = s.horizon.tz;
    let history = s.inputs.history.clone().ok_or("no history")?;
    let f = forecast_for_plan(&s, &history, &[], &Quiet)?;
    let full = EventContext::load(&s, None)?;
    // Without the history's event days the update is level-only, as the
    // command's is without a history.
    let context = if level_only {
        EventContext::new(full.calendar().clone(), None)
    } else {
        full.clone()
    };
    let actuals = forecast_csv::read(actuals_path, tz)?;
    let actual: BTreeMap<(&str, i64), f64> = actuals
        .iter()
        .map(|a| ((a.queue.as_str(), a.start.timestamp()), a.mean))
        .collect();
    let history_start = actuals.iter().map(|a| a.start.date_naive()).min();
    let seen_before = |name: &str| {
        let key = name_key(name);
        full.calendar().events().iter().any(|e| {
            name_key(&e.name) == key
                && e.end < s.as_of
                && history_start.is_some_and(|h| e.start >= h)
        })
    };
    let mut days: BTreeMap<(&str, NaiveDate), PlanDay> = BTreeMap::new();
    for r in &f.rows {
        let d = r.start.date_naive();
        if d >= s.horizon.from && d <= s.horizon.to {
            let day = days
                .entry((r.queue.as_str(), d))
                .or_insert_with(|| PlanDay { rows: vec![], events: vec![] });
            day.rows.push(plan_row(r));
            day.events.extend(r.events.iter().map(String::as_str));
        }
    }
    for day in days.values_mut() {
        day.events.sort_unstable();
        day.events.dedup();
    }
    let slot = TimeDelta::seconds(s.horizon.interval.seconds() as i64);
    let real_of = |queue: &str, rows: &[PlanInterval]| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| actual.get(&(queue, r.start.timestamp())).copied())
            .collect()
    };
    // The truth serves the period only where its volumes are the actuals.
    let has_truth = truth.is_some();
    let mut mismatched = 0usize;
    let expected_of = |queue: &str, r: &PlanInterval, a: f64| -> Option<f64> {
        let (v, e) =
            truth?.by.get(&(queue.to_string(), r.start.timestamp()))?;
        ((v - a).abs() < 1e-6).then_some(*e)
    };
    // (kind of day, now) -> score; the next days of event windows by now;
    // and the event days at 12:00 one by one.
    let mut scores: BTreeMap<(Day, usize), Score> = BTreeMap::new();
    let mut next: BTreeMap<usize, Score> = BTreeMap::new();
    let mut noon: Vec<Noon> = Vec::new();
    for ((queue, date), day) in &days {
        let real = real_of(queue, &day.rows);
        let open = day.rows.iter().map(|r| r.forecast).sum::<f64>() > 0.0
            && real.iter().flatten().sum::<f64>() > 0.0;
        if !open || real.iter().any(Option::is_none) {
            continue;
        }
        let refs: Vec<&PlanInterval> = day.rows.iter().collect();
        let events = &day.events;
        let first_time = events.iter().any(|e| !seen_before(e));
        for (k, now) in NOWS.iter().enumerate() {
            let t = NaiveTime::parse_from_str(now, "%H:%M")?;
            let now = date.and_time(t).and_local_timezone(tz).earliest();
            let now = now.ok_or("no such local time")?;
            let closed: Vec<bool> =
                refs.iter().map(|r| r.start + slot <= now).collect();
            let observed: Vec<Option<f64>> = real
                .iter()
                .zip(&closed)
                .map(|(a, &c)| if c { *a } else { None })
                .collect();
            let update =
                today(&context, queue, *date, &refs, &observed, &closed, tz);
            let cells: Vec<Cell> = refs
                .iter()
                .zip(&real)
                .zip(&update.forecast)
                .zip(&closed)
                .filter(|(_, c)| !**c)
                .map(|(((p, a), new), _)| {
                    let a = a.unwrap_or(0.0);
                    let expected = expected_of(queue, p, a);
                    mismatched += usize::from(has_truth && expected.is_none());
                    Cell {
                        plan: predictive_of(p),
                        new: *new,
                        actual: a,
                        expected,
                    }
                })
                .collect();
            if cells.is_empty() {
                continue;
            }
            let sc = score_day(&cells);
            let kind = match (events.is_empty(), first_time) {
                (true, _) => Day::Ordinary,
                (false, false) => Day::Event,
                (false, true) => Day::FirstTime,
            };
            scores.entry((kind, k)).or_default().add(&sc);
            if kind != Day::Ordinary {
                // First-time days count with the event days too.
                if kind == Day::FirstTime {
                    scores.entry((Day::Event, k)).or_default().add(&sc);
                }
                if k == 1 {
                    noon.push(Noon {
                        queue: queue.to_string(),
                        date: *date,
                        events: events.join(" | "),
                        first_time,
                        shape: update.shape.clone(),
                        score: sc,
                    });
                }
            }
            // The next days of the event window, as the command makes
            // them, scored whole where every interval's actual is known.
            let rows_of = |d: NaiveDate| {
                days.get(&(*queue, d)).map(|p| p.rows.iter().collect())
            };
            let ahead = next_days_of(
                &context,
                queue,
                *date,
                &update.posterior,
                rows_of,
                tz,
            );
            for nd in ahead {
                let Some(plan) = days.get(&(*queue, nd.date)) else {
                    continue;
                };
                let real = real_of(queue, &plan.rows);
                if real.iter().any(Option::is_none) {
                    continue;
                }
                let cells: Vec<Cell> = plan
                    .rows
                    .iter()
                    .zip(&real)
                    .zip(&nd.intervals)
                    .map(|((p, a), i)| {
                        let a = a.unwrap_or(0.0);
                        let expected = expected_of(queue, p, a);
                        Cell {
                            plan: i.plan,
                            new: i.forecast,
                            actual: a,
                            expected,
                        }
                    })
                    .collect();
                next.entry(k).or_default().add(&score_day(&cells));
            }
        }
    }
    println!(
        "\nRest-of-day accuracy, {} to {} (forecast as of {}), actuals {}, \
         re-forecast{} vs plan",
        s.horizon.from,
        s.horizon.to,
        s.as_of,
        actuals_path.display(),
        if level_only { " (level only)" } else { "" }
    );
    match truth {
        Some(t) if mismatched == 0 => println!(
            "truth: expected_volume of {} (floor: Poisson E|X − λ| at λ = the truth; \
             removed: share of plan WAPE − truth WAPE the re-forecast removes)",
            t.file.display()
        ),
        Some(t) => println!(
            "truth: {} does not hold these actuals ({mismatched} scored \
             interval(s) missing or with another volume): truth columns left out",
            t.file.display()
        ),
        None => {
            println!("truth: none (no expected_volume column, no --truth)")
        }
    }
    println!(
        "\n  {:<10} {:>5} {:>5} {:>9} {:>9} {:>7} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "days",
        "now",
        "n",
        "WAPE plan",
        "WAPE new",
        "change",
        "truth",
        "floor",
        "removed",
        "bias plan",
        "bias new",
        "cov plan",
        "cov new"
    );
    for ((day, k), sc) in &scores {
        sc.print(day.as_str(), NOWS[*k]);
    }
    println!(
        "\n  next days of the event window (whole days, ρ = {NEXT_DAY_CARRY}), \
         re-estimated at"
    );
    for (k, sc) in &next {
        sc.print("next days", NOWS[*k]);
    }
    if truth.is_some() && mismatched == 0 {
        println!(
            "\n  event days, rest-of-day WAPE decomposed: level oracle = plan's shape \
             at the true remaining total, shape oracle = truth's shape at the plan's total"
        );
        println!(
            "  {:<10} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "days",
            "now",
            "n",
            "plan",
            "level or",
            "shape or",
            "new",
            "new@level",
            "truth",
            "floor"
        );
        for ((day, k), sc) in
            scores.iter().filter(|((d, _), _)| *d != Day::Ordinary)
        {
            let w = |x: f64| Score::wape(x, sc.actual);
            println!(
                "  {:<10} {:>5} {:>5} {:>8.1}% {:>8.1}% {:>8.1}% {:>8.1}% {:>8.1}% {:>8.1}% {:>8.1}%",
                day.as_str(),
                NOWS[*k],
                sc.days,
                w(sc.abs_plan),
                w(sc.abs_level),
                w(sc.abs_shape),
                w(sc.abs_new),
                w(sc.abs_new_level),
                w(sc.abs_truth),
                w(sc.floor),
            );
        }
    }
    println!("\n  event days at 12:00, one by one");
    println!(
        "  {:<10} {:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>15}  events",
        "queue",
        "date",
        "WAPE plan",
        "WAPE new",
        "truth",
        "bias plan",
        "bias new",
        "share plan→new"
    );
    for n in &noon {
        let sc = &n.score;
        let shape = n.shape.as_ref().map_or("-".to_string(), |f| {
            format!("{:.1}→{:.1} %", 100.0 * f.share_plan, 100.0 * f.share)
        });
        println!(
            "  {:<10} {:<10} {:>8.1}% {:>8.1}% {:>9} {:>+8.1}% {:>+8.1}% {:>15}  {}{}",
            n.queue,
            n.date,
            Score::wape(sc.abs_plan, sc.actual),
            Score::wape(sc.abs_new, sc.actual),
            sc.truth_wape().map_or("-".into(), |w| format!("{w:.1}%")),
            100.0 * sc.err_plan / sc.actual,
            100.0 * sc.err_new / sc.actual,
            shape,
            n.events,
            if n.first_time { " (first time)" } else { "" }
        );
    }
    Ok(())
}

/// The score of one queue-day's scored intervals, with the oracles when
/// every interval has a truth.
fn score_day(cells: &[Cell]) -> Score {
    let mut sc = Score { days: 1, ..Score::default() };
    let total = |f: fn(&Cell) -> f64| cells.iter().map(f).sum::<f64>();
    let plan = total(|c| c.plan.mean);
    let new = total(|c| c.new.mean);
    let truth = total(|c| c.expected.unwrap_or(0.0));
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    for c in cells {
        let y = c.actual;
        sc.intervals += 1;
        sc.actual += y;
        sc.abs_plan += (c.plan.mean - y).abs();
        sc.abs_new += (c.new.mean - y).abs();
        sc.err_plan += c.plan.mean - y;
        sc.err_new += c.new.mean - y;
        sc.in_plan += usize::from(c.plan.p10 <= y && y <= c.plan.p90);
        sc.in_new += usize::from(c.new.p10 <= y && y <= c.new.p90);
        match c.expected {
            Some(e) => {
                sc.abs_truth += (e - y).abs();
                sc.floor += poisson_mad(e);
                sc.abs_level += (c.plan.mean * ratio(truth, plan) - y).abs();
                sc.abs_shape += (e * ratio(plan, truth) - y).abs();
                sc.abs_new_level += (c.new.mean * ratio(truth, new) - y).abs();
            }
            None => sc.no_truth += 1,
        }
    }
    sc
}

impl Score {
    fn wape(abs: f64, actual: f64) -> f64 {
        100.0 * abs / actual.max(1e-9)
    }

    fn truth_wape(&self) -> Option<f64> {
        (self.no_truth == 0).then(|| Score::wape(self.abs_truth, self.actual))
    }

    fn add(&mut self, sc: &Score) {
        self.days += sc.days;
        self.intervals += sc.intervals;
        self.actual += sc.actual;
        self.abs_plan += sc.abs_plan;
        self.abs_new += sc.abs_new;
        self.err_plan += sc.err_plan;
        self.err_new += sc.err_new;
        self.in_plan += sc.in_plan;
        self.in_new += sc.in_new;
        self.no_truth += sc.no_truth;
        self.abs_truth += sc.abs_truth;
        self.floor += sc.floor;
        self.abs_level += sc.abs_level;
        self.abs_shape += sc.abs_shape;
        self.abs_new_level += sc.abs_new_level;
    }

    fn print(&self, label: &str, now: &str) {
        let (wp, wn) = (
            Score::wape(self.abs_plan, self.actual),
            Score::wape(self.abs_new, self.actual),
        );
        let (truth, floor, removed) = match self.truth_wape() {
            Some(wt) => (
                format!("{wt:.1}%"),
                format!("{:.1}%", Score::wape(self.floor, self.actual)),
                // Nothing to remove when the plan is as good as the truth.
                if wp > wt {
                    format!("{:+.0}%", 100.0 * (wp - wn) / (wp - wt))
                } else {
                    "none".into()
                },
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        println!(
            "  {:<10} {:>5} {:>5} {:>8.1}% {:>8.1}% {:>+6.0}% {:>9} {:>9} {:>8} {:>+8.1}% {:>+8.1}% {:>8.1}% {:>8.1}%",
            label,
            now,
            self.days,
            wp,
            wn,
            100.0 * (wn / wp - 1.0),
            truth,
            floor,
            removed,
            100.0 * self.err_plan / self.actual,
            100.0 * self.err_new / self.actual,
            100.0 * self.in_plan as f64 / self.intervals as f64,
            100.0 * self.in_new as f64 / self.intervals as f64,
        );
    }
}

/// The plan's mean and band of an interval.
fn predictive_of(p: &PlanInterval) -> Predictive {
    Predictive { mean: p.forecast, p10: p.p10, p90: p.p90 }
}

/// The plan-folder row of a forecast row (what `intervals.csv` carries).
fn plan_row(r: &ForecastRow) -> PlanInterval {
    PlanInterval {
        start: r.start.fixed_offset(),
        queue: r.queue.clone(),
        forecast: r.mean,
        p10: r.p10,
        p90: r.p90,
        aht_s: r.aht_s,
        required_agents: 0.0,
        scheduled_agents: None,
        own_agents: None,
        partner_agents: None,
        line: 0,
    }
}
