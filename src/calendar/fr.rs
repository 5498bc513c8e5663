//! The built-in French retail calendar: the 11 jours fériés and the days a
//! French e-commerce or retail contact center plans for.
//!
//! | name | kind | rule |
//! |---|---|---|
//! | Jour de l'an | closure | 1 January |
//! | Soldes d'hiver | sale | 2nd Wednesday of January, the 1st when the 2nd falls after the 12th; 4 weeks |
//! | Saint-Valentin | holiday | 14 February |
//! | Mardi Gras | holiday | Easter − 47 days |
//! | Fête des grands-mères | holiday | 1st Sunday of March |
//! | Pâques | holiday | Easter Sunday ([`super::easter`]) |
//! | Lundi de Pâques | closure | Easter + 1 |
//! | Fête du Travail | closure | 1 May |
//! | Victoire 1945 | closure | 8 May |
//! | Ascension | closure | Easter + 39 (a Thursday) |
//! | Lundi de Pentecôte | closure | Easter + 50 |
//! | Fête des mères | holiday | last Sunday of May; the 1st Sunday of June when that is Pentecost (Easter + 49) |
//! | Fête des pères | holiday | 3rd Sunday of June |
//! | Soldes d'été | sale | last Wednesday of June, the one before when the last falls after the 28th; 4 weeks |
//! | Fête nationale | closure | 14 July |
//! | Assomption | closure | 15 August |
//! | Halloween | holiday | 31 October |
//! | Toussaint | closure | 1 November |
//! | Armistice | closure | 11 November |
//! | Black Friday | black_friday | the day after the 4th Thursday of November |
//! | Cyber Monday | sale | Black Friday + 3 |
//! | Noël | closure | 25 December |
//!
//! The soldes follow the rule in force since 2020 (Code de commerce,
//! art. D310-15-2, 4 weeks) for every year; earlier years had 6 weeks, and
//! a few départements (Alpes-Maritimes, Corsica, overseas) and 2020–2021
//! (health crisis) used other dates. Override them from an events file when
//! it matters. Lundi de Pentecôte is listed as a closure although many
//! companies work it (journée de solidarité): drop it from an events file
//! if the center is open.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::easter::easter;
use super::{Event, EventKind, FIRST_YEAR, LAST_YEAR};
use crate::error::{Error, Result};

/// The names of the built-in events, exactly as they appear in outputs.
pub mod names {
    /// 1 January (closure).
    pub const JOUR_DE_L_AN: &str = "Jour de l'an";
    /// Easter Sunday (holiday).
    pub const PAQUES: &str = "Pâques";
    /// Easter Monday (closure).
    pub const LUNDI_DE_PAQUES: &str = "Lundi de Pâques";
    /// 1 May (closure).
    pub const FETE_DU_TRAVAIL: &str = "Fête du Travail";
    /// 8 May (closure).
    pub const VICTOIRE_1945: &str = "Victoire 1945";
    /// Easter + 39 (closure).
    pub const ASCENSION: &str = "Ascension";
    /// Easter + 50 (closure).
    pub const LUNDI_DE_PENTECOTE: &str = "Lundi de Pentecôte";
    /// 14 July (closure).
    pub const FETE_NATIONALE: &str = "Fête nationale";
    /// 15 August (closure).
    pub const ASSOMPTION: &str = "Assomption";
    /// 1 November (closure).
    pub const TOUSSAINT: &str = "Toussaint";
    /// 11 November (closure).
    pub const ARMISTICE: &str = "Armistice";
    /// 25 December (closure).
    pub const NOEL: &str = "Noël";
    /// 14 February (holiday).
    pub const SAINT_VALENTIN: &str = "Saint-Valentin";
    /// Easter − 47 (holiday).
    pub const MARDI_GRAS: &str = "Mardi Gras";
    /// 31 October (holiday).
    pub const HALLOWEEN: &str = "Halloween";
    /// 1st Sunday of March (holiday).
    pub const FETE_DES_GRANDS_MERES: &str = "Fête des grands-mères";
    /// Last Sunday of May, or 1st of June (holiday).
    pub const FETE_DES_MERES: &str = "Fête des mères";
    /// 3rd Sunday of June (holiday).
    pub const FETE_DES_PERES: &str = "Fête des pères";
    /// Winter sales, 4 weeks (sale).
    pub const SOLDES_D_HIVER: &str = "Soldes d'hiver";
    /// Summer sales, 4 weeks (sale).
    pub const SOLDES_D_ETE: &str = "Soldes d'été";
    /// Day after the 4th Thursday of November (black_friday).
    pub const BLACK_FRIDAY: &str = "Black Friday";
    /// Black Friday + 3 (sale).
    pub const CYBER_MONDAY: &str = "Cyber Monday";

    /// Every built-in name, in calendar order.
    pub const ALL: [&str; 22] = [
        JOUR_DE_L_AN,
        SOLDES_D_HIVER,
        SAINT_VALENTIN,
        MARDI_GRAS,
        FETE_DES_GRANDS_MERES,
        PAQUES,
        LUNDI_DE_PAQUES,
        FETE_DU_TRAVAIL,
        VICTOIRE_1945,
        ASCENSION,
        LUNDI_DE_PENTECOTE,
        FETE_DES_MERES,
        FETE_DES_PERES,
        SOLDES_D_ETE,
        FETE_NATIONALE,
        ASSOMPTION,
        HALLOWEEN,
        TOUSSAINT,
        ARMISTICE,
        BLACK_FRIDAY,
        CYBER_MONDAY,
        NOEL,
    ];
}

/// Length of the soldes, in days (4 weeks).
const SOLDES_DAYS: u64 = 28;

/// The built-in French events of `year`, sorted by start date then name.
///
/// # Errors
///
/// [`Error::Usage`] when `year` is outside 1970–2100.
///
/// # Example
///
/// ```
/// use peakplan::calendar::fr;
/// let events = fr::events(2026)?;
/// let bf = events.iter().find(|e| e.name == "Black Friday").ok_or("none")?;
/// assert_eq!(bf.start.to_string(), "2026-11-27");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn events(year: i32) -> Result<Vec<Event>> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(Error::usage(format!(
            "the built-in French calendar covers {FIRST_YEAR} to \
             {LAST_YEAR}, not {year}"
        )));
    }
    let mut events = compute(year).ok_or_else(|| {
        Error::usage(format!("cannot compute the French calendar of {year}"))
    })?;
    events.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
    Ok(events)
}

/// Easter Sunday of `year` (Gregorian), or `None` outside 1970–2100.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) { easter(year) } else { None }
}

/// Fête des mères: the last Sunday of May, moved to the first Sunday of
/// June when it falls on Pentecost (Easter + 49).
pub fn fete_des_meres(year: i32) -> Option<NaiveDate> {
    let last = last_weekday(year, 5, Weekday::Sun)?;
    let pentecost = plus(easter(year)?, 49)?;
    if last == pentecost {
        NaiveDate::from_weekday_of_month_opt(year, 6, Weekday::Sun, 1)
    } else {
        Some(last)
    }
}

/// First day of the soldes d'hiver: the 2nd Wednesday of January, or the
/// 1st when the 2nd falls after the 12th.
pub fn soldes_d_hiver(year: i32) -> Option<NaiveDate> {
    let second =
        NaiveDate::from_weekday_of_month_opt(year, 1, Weekday::Wed, 2)?;
    if second.day() > 12 { minus(second, 7) } else { Some(second) }
}

/// First day of the soldes d'été: the last Wednesday of June, or the one
/// before when the last falls after the 28th.
pub fn soldes_d_ete(year: i32) -> Option<NaiveDate> {
    let last = last_weekday(year, 6, Weekday::Wed)?;
    if last.day() > 28 { minus(last, 7) } else { Some(last) }
}

/// Black Friday: the day after the 4th Thursday of November (Thanksgiving).
pub fn black_friday(year: i32) -> Option<NaiveDate> {
    plus(NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Thu, 4)?, 1)
}

fn compute(year: i32) -> Option<Vec<Event>> {
    use EventKind::{BlackFriday, Closure, Holiday, Sale};
    use names::*;

    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter(year)?;
    let winter = soldes_d_hiver(year)?;
    let summer = soldes_d_ete(year)?;
    let bf = black_friday(year)?;
    let days = [
        (JOUR_DE_L_AN, Closure, date(1, 1)?),
        (LUNDI_DE_PAQUES, Closure, plus(easter, 1)?),
        (FETE_DU_TRAVAIL, Closure, date(5, 1)?),
        (VICTOIRE_1945, Closure, date(5, 8)?),
        (ASCENSION, Closure, plus(easter, 39)?),
        (LUNDI_DE_PENTECOTE, Closure, plus(easter, 50)?),
        (FETE_NATIONALE, Closure, date(7, 14)?),
        (ASSOMPTION, Closure, date(8, 15)?),
        (TOUSSAINT, Closure, date(11, 1)?),
        (ARMISTICE, Closure, date(11, 11)?),
        (NOEL, Closure, date(12, 25)?),
        (PAQUES, Holiday, easter),
        (SAINT_VALENTIN, Holiday, date(2, 14)?),
        (MARDI_GRAS, Holiday, minus(easter, 47)?),
        (HALLOWEEN, Holiday, date(10, 31)?),
        (
            FETE_DES_GRANDS_MERES,
            Holiday,
            NaiveDate::from_weekday_of_month_opt(year, 3, Weekday::Sun, 1)?,
        ),
        (FETE_DES_MERES, Holiday, fete_des_meres(year)?),
        (
            FETE_DES_PERES,
            Holiday,
            NaiveDate::from_weekday_of_month_opt(year, 6, Weekday::Sun, 3)?,
        ),
        (BLACK_FRIDAY, BlackFriday, bf),
        (CYBER_MONDAY, Sale, plus(bf, 3)?),
    ];
    let mut events: Vec<Event> = days
        .into_iter()
        .map(|(name, kind, day)| event(name, kind, day, day))
        .collect();
    let last = SOLDES_DAYS - 1;
    events.push(event(SOLDES_D_HIVER, Sale, winter, plus(winter, last)?));
    events.push(event(SOLDES_D_ETE, Sale, summer, plus(summer, last)?));
    Some(events)
}

fn event(
    name: &str,
    kind: EventKind,
    start: NaiveDate,
    end: NaiveDate,
) -> Event {
    Event {
        name: name.to_string(),
        kind,
        start,
        end,
        queues: Vec::new(),
        uplift: None,
    }
}

fn plus(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(days))
}

fn minus(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(days))
}

/// The last `weekday` of `month` in `year`.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let last = NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()?;
    let back = (7 + last.weekday().num_days_from_monday()
        - weekday.num_days_from_monday())
        % 7;
    minus(last, u64::from(back))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(year: i32, text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(&format!("{year}-{text}"), "%Y-%m-%d")
            .unwrap()
    }

    fn find(year: i32, name: &str) -> Event {
        let all = events(year).unwrap();
        let mut hits = all.iter().filter(|e| e.name == name);
        let hit = hits.next().unwrap_or_else(|| panic!("{name} {year}"));
        assert!(hits.next().is_none(), "{name} twice in {year}");
        hit.clone()
    }

    fn day(year: i32, name: &str) -> NaiveDate {
        let e = find(year, name);
        assert_eq!(e.start, e.end, "{name} {year} is one day");
        e.start
    }

    /// Checked against the French government calendars (service-public.fr)
    /// for 2020–2026 and an independent computation for later years.
    #[test]
    fn easter_relative_days_2020_to_2035() {
        let table = [
            // year, Mardi Gras, Pâques, Lundi de Pâques, Ascension,
            // Lundi de Pentecôte
            (2020, "02-25", "04-12", "04-13", "05-21", "06-01"),
            (2021, "02-16", "04-04", "04-05", "05-13", "05-24"),
            (2022, "03-01", "04-17", "04-18", "05-26", "06-06"),
            (2023, "02-21", "04-09", "04-10", "05-18", "05-29"),
            (2024, "02-13", "03-31", "04-01", "05-09", "05-20"),
            (2025, "03-04", "04-20", "04-21", "05-29", "06-09"),
            (2026, "02-17", "04-05", "04-06", "05-14", "05-25"),
            (2027, "02-09", "03-28", "03-29", "05-06", "05-17"),
            (2028, "02-29", "04-16", "04-17", "05-25", "06-05"),
            (2029, "02-13", "04-01", "04-02", "05-10", "05-21"),
            (2030, "03-05", "04-21", "04-22", "05-30", "06-10"),
            (2031, "02-25", "04-13", "04-14", "05-22", "06-02"),
            (2032, "02-10", "03-28", "03-29", "05-06", "05-17"),
            (2033, "03-01", "04-17", "04-18", "05-26", "06-06"),
            (2034, "02-21", "04-09", "04-10", "05-18", "05-29"),
            (2035, "02-06", "03-25", "03-26", "05-03", "05-14"),
        ];
        for (y, gras, paques, lundi, ascension, pentecote) in table {
            assert_eq!(day(y, names::MARDI_GRAS), md(y, gras));
            assert_eq!(day(y, names::PAQUES), md(y, paques));
            assert_eq!(day(y, names::LUNDI_DE_PAQUES), md(y, lundi));
            assert_eq!(day(y, names::ASCENSION), md(y, ascension));
            assert_eq!(day(y, names::LUNDI_DE_PENTECOTE), md(y, pentecote));
            assert_eq!(day(y, names::ASCENSION).weekday(), Weekday::Thu);
            assert_eq!(day(y, names::MARDI_GRAS).weekday(), Weekday::Tue);
        }
    }

    #[test]
    fn family_days_2020_to_2035() {
        let table = [
            // year, fête des mères, des grands-mères, des pères
            (2020, "06-07", "03-01", "06-21"),
            (2021, "05-30", "03-07", "06-20"),
            (2022, "05-29", "03-06", "06-19"),
            (2023, "06-04", "03-05", "06-18"),
            (2024, "05-26", "03-03", "06-16"),
            (2025, "05-25", "03-02", "06-15"),
            (2026, "05-31", "03-01", "06-21"),
            (2027, "05-30", "03-07", "06-20"),
            (2028, "05-28", "03-05", "06-18"),
            (2029, "05-27", "03-04", "06-17"),
            (2030, "05-26", "03-03", "06-16"),
            (2031, "05-25", "03-02", "06-15"),
            (2032, "05-30", "03-07", "06-20"),
            (2033, "05-29", "03-06", "06-19"),
            (2034, "06-04", "03-05", "06-18"),
            (2035, "05-27", "03-04", "06-17"),
        ];
        for (y, meres, grands_meres, peres) in table {
            assert_eq!(day(y, names::FETE_DES_MERES), md(y, meres), "{y}");
            assert_eq!(
                day(y, names::FETE_DES_GRANDS_MERES),
                md(y, grands_meres)
            );
            assert_eq!(day(y, names::FETE_DES_PERES), md(y, peres));
        }
    }

    /// In 2012, 2020, 2023 and 2034 the last Sunday of May is Pentecost:
    /// the fête des mères moves to the first Sunday of June.
    #[test]
    fn fete_des_meres_moves_off_pentecost() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let pentecost = easter(year).unwrap() + Days::new(49);
            let last_may = last_weekday(year, 5, Weekday::Sun).unwrap();
            let meres = day(year, names::FETE_DES_MERES);
            assert_eq!(meres.weekday(), Weekday::Sun);
            assert_ne!(meres, pentecost, "{year}");
            if last_may == pentecost {
                assert_eq!((meres.month(), meres.day() <= 7), (6, true));
            } else {
                assert_eq!(meres, last_may, "{year}");
            }
        }
        for (y, date) in [(2012, "06-03"), (2020, "06-07"), (2023, "06-04")] {
            assert_eq!(day(y, names::FETE_DES_MERES), md(y, date));
        }
    }

    /// 2015, 2016, 2021, 2026, 2027, 2032: the 2nd Wednesday of January is
    /// after the 12th, the soldes start on the 1st. 2016, 2021, 2022, 2027,
    /// 2032, 2033, 2038, 2039: the last Wednesday of June is after the 28th,
    /// they start a week earlier.
    #[test]
    fn soldes_and_black_friday_2015_to_2040() {
        let table = [
            // year, hiver start, end, été start, end, Black Friday, Cyber
            (2015, "01-07", "02-03", "06-24", "07-21", "11-27", "11-30"),
            (2016, "01-06", "02-02", "06-22", "07-19", "11-25", "11-28"),
            (2017, "01-11", "02-07", "06-28", "07-25", "11-24", "11-27"),
            (2018, "01-10", "02-06", "06-27", "07-24", "11-23", "11-26"),
            (2019, "01-09", "02-05", "06-26", "07-23", "11-29", "12-02"),
            (2020, "01-08", "02-04", "06-24", "07-21", "11-27", "11-30"),
            (2021, "01-06", "02-02", "06-23", "07-20", "11-26", "11-29"),
            (2022, "01-12", "02-08", "06-22", "07-19", "11-25", "11-28"),
            (2023, "01-11", "02-07", "06-28", "07-25", "11-24", "11-27"),
            (2024, "01-10", "02-06", "06-26", "07-23", "11-29", "12-02"),
            (2025, "01-08", "02-04", "06-25", "07-22", "11-28", "12-01"),
            (2026, "01-07", "02-03", "06-24", "07-21", "11-27", "11-30"),
            (2027, "01-06", "02-02", "06-23", "07-20", "11-26", "11-29"),
            (2028, "01-12", "02-08", "06-28", "07-25", "11-24", "11-27"),
            (2029, "01-10", "02-06", "06-27", "07-24", "11-23", "11-26"),
            (2030, "01-09", "02-05", "06-26", "07-23", "11-29", "12-02"),
            (2031, "01-08", "02-04", "06-25", "07-22", "11-28", "12-01"),
            (2032, "01-07", "02-03", "06-23", "07-20", "11-26", "11-29"),
            (2033, "01-12", "02-08", "06-22", "07-19", "11-25", "11-28"),
            (2034, "01-11", "02-07", "06-28", "07-25", "11-24", "11-27"),
            (2035, "01-10", "02-06", "06-27", "07-24", "11-23", "11-26"),
            (2036, "01-09", "02-05", "06-25", "07-22", "11-28", "12-01"),
            (2037, "01-07", "02-03", "06-24", "07-21", "11-27", "11-30"),
            (2038, "01-06", "02-02", "06-23", "07-20", "11-26", "11-29"),
            (2039, "01-12", "02-08", "06-22", "07-19", "11-25", "11-28"),
            (2040, "01-11", "02-07", "06-27", "07-24", "11-23", "11-26"),
        ];
        for (y, hs, he, es, ee, bf, cm) in table {
            let hiver = find(y, names::SOLDES_D_HIVER);
            assert_eq!((hiver.start, hiver.end), (md(y, hs), md(y, he)));
            assert_eq!(hiver.kind, EventKind::Sale);
            let ete = find(y, names::SOLDES_D_ETE);
            assert_eq!((ete.start, ete.end), (md(y, es), md(y, ee)));
            assert_eq!(day(y, names::BLACK_FRIDAY), md(y, bf), "{y}");
            assert_eq!(
                find(y, names::BLACK_FRIDAY).kind,
                EventKind::BlackFriday
            );
            assert_eq!(day(y, names::CYBER_MONDAY), md(y, cm), "{y}");
        }
    }

    #[test]
    fn soldes_rules_hold_every_year() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let hiver = soldes_d_hiver(year).unwrap();
            assert_eq!(hiver.weekday(), Weekday::Wed);
            assert!((6..=12).contains(&hiver.day()), "{hiver}");
            let ete = soldes_d_ete(year).unwrap();
            assert_eq!((ete.weekday(), ete.month()), (Weekday::Wed, 6));
            assert!((22..=28).contains(&ete.day()), "{ete}");
            let bf = black_friday(year).unwrap();
            assert_eq!((bf.weekday(), bf.month()), (Weekday::Fri, 11));
            assert!((23..=29).contains(&bf.day()), "{bf}");
        }
    }

    #[test]
    fn fixed_days_and_kinds() {
        let fixed = [
            (names::JOUR_DE_L_AN, "01-01", EventKind::Closure),
            (names::SAINT_VALENTIN, "02-14", EventKind::Holiday),
            (names::FETE_DU_TRAVAIL, "05-01", EventKind::Closure),
            (names::VICTOIRE_1945, "05-08", EventKind::Closure),
            (names::FETE_NATIONALE, "07-14", EventKind::Closure),
            (names::ASSOMPTION, "08-15", EventKind::Closure),
            (names::HALLOWEEN, "10-31", EventKind::Holiday),
            (names::TOUSSAINT, "11-01", EventKind::Closure),
            (names::ARMISTICE, "11-11", EventKind::Closure),
            (names::NOEL, "12-25", EventKind::Closure),
        ];
        for year in [1970, 1999, 2024, 2026, 2100] {
            for (name, date, kind) in fixed {
                assert_eq!(day(year, name), md(year, date));
                assert_eq!(find(year, name).kind, kind);
            }
        }
    }

    #[test]
    fn eleven_jours_feries_and_every_name_once() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let all = events(year).unwrap();
            assert_eq!(all.len(), names::ALL.len());
            let closures =
                all.iter().filter(|e| e.kind == EventKind::Closure).count();
            assert_eq!(closures, 11, "{year}");
            for name in names::ALL {
                assert_eq!(all.iter().filter(|e| e.name == name).count(), 1);
            }
            assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
            assert!(all.iter().all(|e| e.start.year() == year));
        }
    }

    #[test]
    fn years_outside_the_range_are_refused() {
        for year in [1969, 2101, i32::MIN, i32::MAX] {
            let err = events(year).unwrap_err().to_string();
            assert!(err.contains("1970 to 2100"), "{err}");
            assert_eq!(easter_sunday(year), None);
        }
    }
}
