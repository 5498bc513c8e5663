//! Generates the bundled example data, `data/history.csv` and
//! `data/events.csv`: the contact history of a French e-commerce customer
//! service, 2023-01-02 to 2025-09-30, in 30-minute intervals.
//!
//! ```text
//! cargo run --release --example generate_data                 # rewrites data/
//! cargo run --release --example generate_data -- --to 2025-12-31 \
//!     --expected --out-dir target/holdout  # the "future" and its truth
//! ```
//!
//! Same seed, same bytes: the generator uses its own SplitMix64 generator
//! and draws in a fixed order (day by day, interval by interval, queue by
//! queue), so a longer run (`--to`) reproduces the shorter one as a prefix
//! and can serve as held-out actuals. `--expected` adds an
//! `expected_volume` column: the expectation of each count given the
//! calendar, what a perfect forecaster would predict (day-to-day and
//! Poisson noise excluded).
//!
//! # The contact center
//!
//! Queues `chat`, `commandes` (orders, "où est ma commande ?", voice,
//! level 1) and `sav` (after-sales and returns, voice, level 2). Open Monday
//! to Friday 08:00–20:00 and Saturday 09:00–18:00 (Europe/Paris wall
//! clock); closed on Sundays and on the 11 jours fériés of the built-in
//! calendar. Closed intervals are absent from the file.
//!
//! # What is planted (the truth a forecaster is measured against)
//!
//! Expected contacts per interval =
//! `level × weekday × season × events × daily noise × intraday share`,
//! and the count is Poisson around it.
//!
//! - **Level** on 2023-01-02 (a Wednesday-equivalent day, neutral season),
//!   growing geometrically: commandes 1500/day +7 %/year, sav 700/day
//!   +4 %/year, chat 600/day +18 %/year.
//! - **Weekday** (Mon..Sat): commandes 1.22 1.08 1.00 0.97 0.93 0.62; sav
//!   1.30 1.10 1.00 0.95 0.90 0.55; chat 1.12 1.05 1.00 1.00 0.97 0.78.
//! - **Season** (all queues), day of year `j`:
//!   `exp(0.06 cos(2π(j−10)/365.25) + 0.03 cos(4π(j−10)/365.25))
//!    × (1 − 0.18 exp(−½((j−222)/14)²))` — high in January, an August dip.
//! - **Daily noise**: log-normal, σ = 0.04, per queue and day.
//! - **Intraday**: a double hump (morning ≈ 10:15, afternoon ≈ 14:15; chat
//!   later with an evening bump at 18:30), a stronger morning on Mondays, a
//!   weaker afternoon on Fridays, one hump on Saturdays. On "sharp" days
//!   (Black Friday, Cyber Monday, first day of the soldes, launch day,
//!   software update day) the humps are 30 % narrower and the morning one
//!   30 % higher: event traffic arrives after the 8 a.m. e-mailing.
//! - **Events**, multiplicative, by offset `d` in days from the event's
//!   start (only open days count, effects compound when windows overlap):
//!   - *Black Friday* (built-in, d = 0 is the Friday): commandes ×1.15 on
//!     d −4..−1, ×2.8 d 0, ×1.9 d 1 (Saturday), ×2.1 d 3 (Cyber Monday),
//!     ×1.30 d 4..17 ("où est ma commande ?"); chat ×1.10 d −4..−1, ×2.3
//!     d 0, ×1.7 d 1, ×1.9 d 3, ×1.15 d 4..10; sav ×1.2 d 0, then returns
//!     `1 + 0.35 × triangle(d; 14, 24, 35)` (peak +35 % on d 24).
//!   - *Noël* (built-in closure, d = 0 is 25 December): commandes ramp
//!     `1.05 + 0.55 (d+24)/21` on d −24..−3 (1 → 22 December, +60 % at
//!     the top), ×1.45 d −2, ×1.10 d −1, ×0.85 d 1..6; chat ramp
//!     `1.05 + 0.45 (d+24)/21`, ×1.35 d −2, ×1.0 d −1, ×0.90 d 1..6; sav
//!     ×1.10 on d −24..−3, then returns `1 + 0.9 (1 − (d−1)/21)` on d 1..21
//!     (+90 % on 26 December fading by mid-January).
//!   - *Soldes d'hiver* and *Soldes d'été* (built-in, d = 0 first
//!     Wednesday): commandes and chat ×1.35/×1.40 d 0, ×1.25 d 1, ×1.15 d 2,
//!     ×1.08 d 3..6; sav ×1.10 d 7..20.
//!   - *Fête des mères*: commandes ×1.12, chat ×1.10 on d −7..−1.
//!     *Fête des pères*: commandes ×1.06 on d −7..−1. *Saint-Valentin*:
//!     commandes ×1.08 on d −4..−1.
//!   - *Pâques, Mardi Gras, Halloween, Fête des grands-mères*: no effect
//!     (a forecaster should find none).
//!   - *Catch-up after a jour férié*: the first open day after a closure
//!     that fell Monday–Saturday, all queues ×1.20.
//!   - *Lancement gamme Maison* (launch, 2024-03-12, commandes and chat):
//!     commandes `1 + 0.40 × 0.7^d`, chat `1 + 0.60 × 0.7^d`, d 0..6.
//!   - *Mise à jour appli v5* (software update, 2024-09-17, chat and sav):
//!     chat ×1.9, ×1.5, ×1.2 and sav ×1.5, ×1.3, ×1.1 on d 0, 1, 2.
//!   - *Grève des transporteurs* (external, 2025-02-10..12, commandes and
//!     chat): commandes ×1.45 d 0..2 and ×1.15 d 3..4; chat ×1.25 d 0..2.
//!   - *Campagne TV printemps* (marketing, 2025-04-07..20, commandes and
//!     chat): commandes ×1.15, chat ×1.20 while it runs.
//!   - *Mise à jour appli v6* (software update, 2025-11-04..06) is planned,
//!     after the history: it is in events.csv with a prior `uplift` of 0.5
//!     and planted in `--to` runs like v5.
//! - **AHT** (seconds): commandes 240, sav 420, chat 560, × 0.97 per year
//!   (self-service), × (0.97 + 0.06 (t−8)/12) by hour `t`, sav +4 % on
//!   Mondays, commandes −8 % on Black Friday to Cyber Monday, sav +6 %
//!   during the Noël returns, chat +10 % on software-update days. The
//!   written `aht_s` is the mean of the interval's calls: noise
//!   `0.8/√volume` (relative), rounded to the second; empty when the
//!   volume is 0.

use std::error::Error;
use std::path::PathBuf;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Europe::Paris;
use clap::Parser;

use peakplan::calendar::{
    Calendar, CalendarChoice, Event, EventKind, fr::names,
};
use peakplan::report::Dialect;
use peakplan::report::csv::CsvOut;

/// Day-to-day noise: log-normal with this σ, per queue and day.
const DAY_SIGMA: f64 = 0.04;

/// The seed of the committed files.
const SEED: u64 = 0x7065_616b_706c_616e; // "peakplan"

/// Generates the example history and company events.
#[derive(Debug, Parser)]
struct Args {
    /// Folder to write history.csv and events.csv to [default: data/ of
    /// the crate].
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Seed of the random generator.
    #[arg(long, default_value_t = SEED)]
    seed: u64,
    /// Last day of history.
    #[arg(long, value_name = "DATE", default_value = "2025-09-30")]
    to: NaiveDate,
    /// Add an `expected_volume` column: the expectation of each count
    /// (what a perfect forecaster would predict).
    #[arg(long)]
    expected: bool,
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    let dir = args.out_dir.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
    });
    let first = date(2023, 1, 2)?;
    let history = generate(args.seed, first, args.to, args.expected)?;
    let events = events_csv()?;
    std::fs::create_dir_all(&dir)?;
    peakplan::output::write_atomic(&dir.join("history.csv"), &history)?;
    peakplan::output::write_atomic(&dir.join("events.csv"), &events)?;
    eprintln!(
        "wrote {} ({} bytes) and {} ({} bytes)",
        dir.join("history.csv").display(),
        history.len(),
        dir.join("events.csv").display(),
        events.len()
    );
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "bad date".into())
}

// --- Random numbers -------------------------------------------------------

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough for
/// simulation; written here so the output never changes with a crate.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller, one value per call).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Poisson by inversion (sequential search from 0). Exact; `e^−λ`
    /// stays a normal float up to λ = 700, larger means are split.
    fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda.is_nan() || lambda <= 0.0 {
            return 0;
        }
        if lambda > 500.0 {
            let half = lambda / 2.0;
            return self.poisson(half) + self.poisson(half);
        }
        let u = self.uniform();
        let (mut k, mut p) = (0u64, (-lambda).exp());
        let mut cdf = p;
        while u > cdf && k < 100_000 {
            k += 1;
            p *= lambda / k as f64;
            cdf += p;
        }
        k
    }
}

// --- The contact center ---------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Queue {
    Chat,
    Commandes,
    Sav,
}

/// Output order (alphabetical), which is also the order of random draws.
const QUEUES: [Queue; 3] = [Queue::Chat, Queue::Commandes, Queue::Sav];

impl Queue {
    fn name(self) -> &'static str {
        match self {
            Queue::Chat => "chat",
            Queue::Commandes => "commandes",
            Queue::Sav => "sav",
        }
    }

    /// Contacts per day on 2023-01-02, and yearly growth.
    fn level(self) -> (f64, f64) {
        match self {
            Queue::Chat => (600.0, 0.18),
            Queue::Commandes => (1500.0, 0.07),
            Queue::Sav => (700.0, 0.04),
        }
    }

    /// Monday to Saturday.
    fn weekday(self, day: Weekday) -> f64 {
        let f = match self {
            Queue::Chat => [1.12, 1.05, 1.00, 1.00, 0.97, 0.78],
            Queue::Commandes => [1.22, 1.08, 1.00, 0.97, 0.93, 0.62],
            Queue::Sav => [1.30, 1.10, 1.00, 0.95, 0.90, 0.55],
        };
        f.get(day.num_days_from_monday() as usize).copied().unwrap_or(0.0)
    }

    fn aht(self) -> f64 {
        match self {
            Queue::Chat => 560.0,
            Queue::Commandes => 240.0,
            Queue::Sav => 420.0,
        }
    }
}

/// Day-of-year seasonality shared by every queue.
fn season(day: NaiveDate) -> f64 {
    use std::f64::consts::TAU;
    let j = f64::from(day.ordinal()) - 10.0;
    let waves = (0.06 * (TAU * j / 365.25).cos()
        + 0.03 * (2.0 * TAU * j / 365.25).cos())
    .exp();
    let august = (f64::from(day.ordinal()) - 222.0) / 14.0;
    waves * (1.0 - 0.18 * (-0.5 * august * august).exp())
}

/// Opening hours, local wall clock: (first slot start, slots of 30 min).
fn opening(day: Weekday) -> Option<(u32, usize)> {
    match day {
        Weekday::Sun => None,
        Weekday::Sat => Some((9, 18)),
        _ => Some((8, 24)),
    }
}

fn bump(t: f64, mu: f64, sigma: f64) -> f64 {
    let z = (t - mu) / sigma;
    (-0.5 * z * z).exp()
}

/// Relative intraday weight at local time `t` (hours, slot midpoint).
fn intraday(queue: Queue, day: Weekday, t: f64, sharp: bool) -> f64 {
    let (narrow, early) = if sharp { (0.7, 1.3) } else { (1.0, 1.0) };
    let (mut am, mut pm) = (1.0 * early, 0.75);
    match day {
        Weekday::Mon => am *= 1.3,
        Weekday::Fri => pm = 0.6,
        Weekday::Sat => return 0.1 + early * bump(t, 11.0, 1.8 * narrow),
        _ => {}
    }
    match queue {
        Queue::Commandes => {
            0.12 + am * bump(t, 10.25, 1.2 * narrow)
                + pm * bump(t, 14.25, 1.5 * narrow)
        }
        Queue::Sav => {
            0.12 + 0.9 * am * bump(t, 10.5, 1.4 * narrow)
                + 0.9 * bump(t, 14.5, 1.6 * narrow)
        }
        Queue::Chat => {
            0.15 + 0.8 * am * bump(t, 11.0, 1.6 * narrow)
                + pm * bump(t, 15.0, 1.7 * narrow)
                + 0.5 * bump(t, 18.5, 1.0)
        }
    }
}

// --- Events -----------------------------------------------------------------

/// The company's own events, as written to events.csv.
fn company_events() -> Result<Vec<Event>, Box<dyn Error>> {
    let ev = |name: &str,
              kind,
              start: NaiveDate,
              end: NaiveDate,
              queues: &[&str],
              uplift| Event {
        name: name.to_string(),
        kind,
        start,
        end,
        queues: queues.iter().map(|q| q.to_string()).collect(),
        uplift,
    };
    Ok(vec![
        ev(
            "Lancement gamme Maison",
            EventKind::Launch,
            date(2024, 3, 12)?,
            date(2024, 3, 18)?,
            &["commandes", "chat"],
            None,
        ),
        ev(
            "Mise à jour appli v5",
            EventKind::SoftwareUpdate,
            date(2024, 9, 17)?,
            date(2024, 9, 19)?,
            &["chat", "sav"],
            None,
        ),
        ev(
            "Grève des transporteurs",
            EventKind::External,
            date(2025, 2, 10)?,
            date(2025, 2, 12)?,
            &["commandes", "chat"],
            None,
        ),
        ev(
            "Campagne TV printemps",
            EventKind::Marketing,
            date(2025, 4, 7)?,
            date(2025, 4, 20)?,
            &["commandes", "chat"],
            None,
        ),
        ev(
            "Mise à jour appli v6",
            EventKind::SoftwareUpdate,
            date(2025, 11, 4)?,
            date(2025, 11, 6)?,
            &["chat", "sav"],
            Some(0.5),
        ),
    ])
}

fn events_csv() -> Result<Vec<u8>, Box<dyn Error>> {
    let header = ["name", "kind", "start", "end", "queues", "uplift"];
    let mut out = CsvOut::new(Dialect::En, &header)?;
    for e in company_events()? {
        let uplift = e.uplift.map(|u| Dialect::En.number(u, 3));
        out.row([
            e.name.clone(),
            e.kind.to_string(),
            e.start.to_string(),
            e.end.to_string(),
            e.queues.join("|"),
            uplift.unwrap_or_default(),
        ])?;
    }
    Ok(out.into_bytes()?)
}

/// The multiplier of one event on `queue`, `d` days after its start, and
/// whether the day's intraday curve is sharp.
fn effect(event: &Event, queue: Queue, d: i64) -> (f64, bool) {
    use Queue::{Chat, Commandes, Sav};
    let tri = |x: i64, a: i64, peak: i64, b: i64| -> f64 {
        let x = x as f64;
        let (a, peak, b) = (a as f64, peak as f64, b as f64);
        if x <= a || x >= b {
            0.0
        } else if x <= peak {
            (x - a) / (peak - a)
        } else {
            (b - x) / (b - peak)
        }
    };
    let name = event.name.as_str();
    let during = (0..=(event.end - event.start).num_days()).contains(&d);
    let f = match (name, queue) {
        (names::BLACK_FRIDAY, Commandes) => match d {
            -4..=-1 => 1.15,
            0 => 2.8,
            1 => 1.9,
            3 => 2.1,
            4..=17 => 1.30,
            _ => 1.0,
        },
        (names::BLACK_FRIDAY, Chat) => match d {
            -4..=-1 => 1.10,
            0 => 2.3,
            1 => 1.7,
            3 => 1.9,
            4..=10 => 1.15,
            _ => 1.0,
        },
        (names::BLACK_FRIDAY, Sav) => match d {
            0 => 1.2,
            _ => 1.0 + 0.35 * tri(d, 14, 24, 35),
        },
        (names::NOEL, Commandes | Chat) => {
            let (top, eve2, eve1, after) = if queue == Commandes {
                (0.55, 1.45, 1.10, 0.85)
            } else {
                (0.45, 1.35, 1.0, 0.90)
            };
            match d {
                -24..=-3 => 1.05 + top * (d + 24) as f64 / 21.0,
                -2 => eve2,
                -1 => eve1,
                1..=6 => after,
                _ => 1.0,
            }
        }
        (names::NOEL, Sav) => match d {
            -24..=-3 => 1.10,
            1..=21 => 1.0 + 0.9 * (1.0 - (d - 1) as f64 / 21.0),
            _ => 1.0,
        },
        (names::SOLDES_D_HIVER | names::SOLDES_D_ETE, Sav) => match d {
            7..=20 => 1.10,
            _ => 1.0,
        },
        (names::SOLDES_D_HIVER | names::SOLDES_D_ETE, _) => match d {
            0 if queue == Chat => 1.40,
            0 => 1.35,
            1 => 1.25,
            2 => 1.15,
            3..=6 => 1.08,
            _ => 1.0,
        },
        (names::FETE_DES_MERES, Commandes) if (-7..=-1).contains(&d) => 1.12,
        (names::FETE_DES_MERES, Chat) if (-7..=-1).contains(&d) => 1.10,
        (names::FETE_DES_PERES, Commandes) if (-7..=-1).contains(&d) => 1.06,
        (names::SAINT_VALENTIN, Commandes) if (-4..=-1).contains(&d) => 1.08,
        _ if !event.applies_to(queue.name()) => 1.0,
        _ => match (event.kind, queue) {
            (EventKind::Launch, Commandes) if (0..=6).contains(&d) => {
                1.0 + 0.40 * 0.7f64.powi(d as i32)
            }
            (EventKind::Launch, Chat) if (0..=6).contains(&d) => {
                1.0 + 0.60 * 0.7f64.powi(d as i32)
            }
            (EventKind::SoftwareUpdate, Chat) => match d {
                0 => 1.9,
                1 => 1.5,
                2 => 1.2,
                _ => 1.0,
            },
            (EventKind::SoftwareUpdate, Sav) => match d {
                0 => 1.5,
                1 => 1.3,
                2 => 1.1,
                _ => 1.0,
            },
            (EventKind::External, Commandes) => match d {
                0..=2 => 1.45,
                3..=4 => 1.15,
                _ => 1.0,
            },
            (EventKind::External, Chat) if (0..=2).contains(&d) => 1.25,
            (EventKind::Marketing, Commandes) if during => 1.15,
            (EventKind::Marketing, Chat) if during => 1.20,
            _ => 1.0,
        },
    };
    let sharp = match (name, event.kind) {
        (names::BLACK_FRIDAY, _) => d == 0 || d == 3,
        (names::SOLDES_D_HIVER | names::SOLDES_D_ETE, _) => d == 0,
        (_, EventKind::Launch | EventKind::SoftwareUpdate) => d == 0,
        _ => false,
    };
    (f, sharp && event.applies_to(queue.name()))
}

/// AHT multiplier from events on `day` for `queue`.
fn aht_effect(events: &[(i64, &Event)], queue: Queue) -> f64 {
    let mut f = 1.0;
    for &(d, e) in events {
        f *= match (e.name.as_str(), e.kind, queue) {
            (names::BLACK_FRIDAY, _, Queue::Commandes)
                if (0..=3).contains(&d) =>
            {
                0.92
            }
            (names::NOEL, _, Queue::Sav) if (1..=21).contains(&d) => 1.06,
            (_, EventKind::SoftwareUpdate, Queue::Chat)
                if e.applies_to("chat") && (0..=2).contains(&d) =>
            {
                1.10
            }
            _ => 1.0,
        };
    }
    f
}

// --- The generator ----------------------------------------------------------

/// The history CSV from `first` to `last`, drawn with `seed`.
fn generate(
    seed: u64,
    first: NaiveDate,
    last: NaiveDate,
    with_expected: bool,
) -> Result<Vec<u8>, Box<dyn Error>> {
    let company = company_events()?;
    let years = first.year() - 1..=last.year() + 1;
    let calendar = Calendar::build(CalendarChoice::Fr, years, company)?;
    let mut rng = Rng(seed);
    let mut header = vec!["interval_start", "queue", "volume", "aht_s"];
    if with_expected {
        header.push("expected_volume");
    }
    let mut out = CsvOut::new(Dialect::En, &header)?;
    let origin = first;
    let mut day = first;
    while day <= last {
        let weekday = day.weekday();
        let open = opening(weekday).filter(|_| !calendar.is_closed(day, "*"));
        let Some((first_hour, slots)) = open else {
            day = day + Days::new(1);
            continue;
        };
        // Events within reach of today (the longest window is 35 days).
        let near: Vec<(i64, &Event)> = calendar
            .between(day - Days::new(40), day + Days::new(30))
            .map(|e| ((day - e.start).num_days(), e))
            .collect();
        let catch_up = {
            let mut prev = day - Days::new(1);
            if prev.weekday() == Weekday::Sun {
                prev = prev - Days::new(1);
            }
            calendar.is_closed(prev, "*")
        };
        let years = (day - origin).num_days() as f64 / 365.25;
        let mut expected = [0.0; 3];
        let mut daily = [0.0; 3];
        let mut sharp = [false; 3];
        for (i, &q) in QUEUES.iter().enumerate() {
            let (level, growth) = q.level();
            let mut f = level * (1.0 + growth).powf(years);
            f *= q.weekday(weekday) * season(day);
            for &(d, e) in &near {
                let (m, s) = effect(e, q, d);
                f *= m;
                sharp[i] |= s;
            }
            if catch_up {
                f *= 1.20;
            }
            // E[exp(σZ)] = exp(σ²/2): the expectation of the noisy day.
            expected[i] = f * (0.5 * DAY_SIGMA * DAY_SIGMA).exp();
            daily[i] = f * (DAY_SIGMA * rng.normal()).exp();
        }
        let shares: Vec<[f64; 3]> = {
            let mut w = vec![[0.0; 3]; slots];
            let mut total = [0.0; 3];
            for (s, row) in w.iter_mut().enumerate() {
                let t = f64::from(first_hour) + 0.5 * s as f64 + 0.25;
                for (i, &q) in QUEUES.iter().enumerate() {
                    row[i] = intraday(q, weekday, t, sharp[i]);
                    total[i] += row[i];
                }
            }
            for row in &mut w {
                for i in 0..3 {
                    row[i] /= total[i];
                }
            }
            w
        };
        for (s, share) in shares.iter().enumerate() {
            let minutes = first_hour * 60 + 30 * s as u32;
            let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0)
                .ok_or("bad time")?;
            let local = Paris
                .from_local_datetime(&day.and_time(time))
                .single()
                .ok_or("opening hours never fall in a DST change")?;
            let stamp = local.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
            let t = f64::from(minutes) / 60.0 + 0.25;
            for (i, &q) in QUEUES.iter().enumerate() {
                let mean = daily[i] * share[i];
                let volume = rng.poisson(mean);
                let noise = rng.normal();
                let aht = if volume == 0 {
                    String::new()
                } else {
                    let mut a = q.aht() * 0.97f64.powf(years);
                    a *= 0.97 + 0.06 * (t - 8.0) / 12.0;
                    if q == Queue::Sav && weekday == Weekday::Mon {
                        a *= 1.04;
                    }
                    a *= aht_effect(&near, q);
                    a *= 1.0 + 0.8 / (volume as f64).sqrt() * noise;
                    format!("{}", a.max(30.0).round() as u64)
                };
                let mut row = vec![
                    stamp.clone(),
                    q.name().to_string(),
                    volume.to_string(),
                    aht,
                ];
                if with_expected {
                    row.push(Dialect::En.number(expected[i] * share[i], 3));
                }
                out.row(row)?;
            }
        }
        day = day + Days::new(1);
    }
    Ok(out.into_bytes()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(name: &str) -> Vec<u8> {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(name);
        std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The committed files are exactly what the generator writes; if this
    /// fails, run `cargo run --release --example generate_data`.
    #[test]
    fn committed_data_is_reproducible() {
        let first = date(2023, 1, 2).unwrap();
        let last = date(2025, 9, 30).unwrap();
        let history = generate(SEED, first, last, false).unwrap();
        assert!(
            history == committed("history.csv"),
            "data/history.csv is stale"
        );
        assert!(
            events_csv().unwrap() == committed("events.csv"),
            "data/events.csv is stale"
        );
    }

    #[test]
    fn events_csv_round_trips_through_the_reader() {
        let bytes = events_csv().unwrap();
        let read =
            peakplan::inputs::events::parse(&bytes, "events.csv").unwrap();
        assert_eq!(read, company_events().unwrap());
    }

    #[test]
    fn closed_days_are_absent_and_offsets_follow_dst() {
        let text = String::from_utf8(
            generate(
                SEED,
                date(2024, 3, 28).unwrap(),
                date(2024, 4, 3).unwrap(),
                false,
            )
            .unwrap(),
        )
        .unwrap();
        let days: Vec<&str> = text.lines().skip(1).map(|l| &l[..10]).collect();
        // Sunday 31 March (DST starts) and Easter Monday 1 April are closed.
        for closed in ["2024-03-31", "2024-04-01"] {
            assert!(!days.contains(&closed), "{closed}");
        }
        assert!(text.contains("\n2024-03-30T09:00:00+01:00,chat,"));
        assert!(text.contains("\n2024-03-30T17:30:00+01:00,sav,"));
        assert!(!text.contains("2024-03-30T18:00"));
        assert!(text.contains("\n2024-04-02T08:00:00+02:00,commandes,"));
        assert!(text.contains("\n2024-04-02T19:30:00+02:00,sav,"));
        // Friday 29 March: 24 slots × 3 queues.
        assert_eq!(days.iter().filter(|d| **d == "2024-03-29").count(), 72);
    }

    #[test]
    fn a_longer_run_extends_the_shorter_one() {
        let first = date(2024, 11, 20).unwrap();
        let short =
            generate(7, first, date(2024, 11, 30).unwrap(), false).unwrap();
        let long =
            generate(7, first, date(2024, 12, 10).unwrap(), false).unwrap();
        assert!(long.starts_with(&short));
        assert!(long.len() > short.len());
    }

    #[test]
    fn poisson_has_the_right_mean_and_variance() {
        let mut rng = Rng(42);
        for lambda in [0.3, 4.0, 60.0, 450.0, 1200.0] {
            let n = 20_000;
            let draws: Vec<f64> =
                (0..n).map(|_| rng.poisson(lambda) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                / n as f64;
            let se = (lambda / n as f64).sqrt();
            assert!(
                (mean - lambda).abs() < 5.0 * se,
                "λ {lambda}: mean {mean}"
            );
            assert!(
                (var / lambda - 1.0).abs() < 0.06,
                "λ {lambda}: var {var}"
            );
        }
    }
}
