//! The events CSV: `name,kind,start,end[,queues][,uplift]`.
//!
//! ```text
//! name,kind,start,end,queues,uplift
//! Lancement gamme Maison,launch,2024-03-12,2024-03-18,commandes|chat,0.3
//! Mise à jour appli v6,software_update,2025-11-04,2025-11-06,chat sav,
//! Halloween,drop,2025-01-01,2025-12-31,,
//! ```
//!
//! - The first non-empty line is the header. Names are case-insensitive,
//!   in any order; `name`, `kind`, `start` and `end` are required, `queues`
//!   (or `queue`) and `uplift` optional. Other columns (a `comment`...) are
//!   ignored, except near-misses of a known name (`uplfit`), which are
//!   refused so that a typo never silently drops a column.
//! - Delimiter `,` or `;`, detected from the header; UTF-8 with or without
//!   a byte-order mark. Empty lines (and lines of empty fields, as Excel
//!   writes them) are skipped.
//! - `kind`: `holiday`, `sale`, `black_friday`, `launch`, `software_update`,
//!   `external`, `marketing`, `closure`, or `drop` to remove a built-in event
//!   of that name overlapping the dates (see [`crate::calendar`] for the
//!   merge rules). Case and `-`/space for `_` do not matter.
//! - `start`, `end`: inclusive local dates, `YYYY-MM-DD` or `DD/MM/YYYY` as
//!   French spreadsheets export them. An empty `end` means a one-day event.
//! - `queues`: queue names separated by `|` or spaces; empty means every
//!   queue.
//! - `uplift`: the planner's prior for an event without history, a decimal
//!   (`0.4` = +40 %, `-0.2` = −20 %) or a percentage (`40%`); decimal comma
//!   accepted when the delimiter is `;`. Finite and greater than −1.

use std::path::Path;

use chrono::NaiveDate;

use crate::calendar::{self, Country, Event, EventKind, name_key};
use crate::error::{Error, InputError, Location, Result};
use crate::inputs::{CsvConfig, CsvReader};

/// The columns, required first.
const COLUMNS: [&str; 6] =
    ["name", "kind", "start", "end", "queues", "uplift"];
const REQUIRED: usize = 4;

/// Reads an events file (`-` for stdin).
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for any malformed row;
/// [`Error::Io`] when the file cannot be read.
pub fn read(path: &Path) -> Result<Vec<Event>> {
    let csv = CsvConfig::new(path).ragged().open_maybe_empty()?;
    events(csv, &path.display().to_string())
}

/// Parses the content of an events file; `file` names it in messages.
///
/// # Errors
///
/// [`Error::Input`] naming `file`, line and column for any malformed
/// content.
///
/// # Example
///
/// ```
/// use peakplan::inputs::events;
/// let csv = "name;kind;start;end;queues;uplift\n\
///            Vente privée;marketing;02/03/2026;04/03/2026;chat|sav;0,25\n";
/// let events = events::parse(csv.as_bytes(), "events.csv")?;
/// assert_eq!(events[0].end.to_string(), "2026-03-04");
/// assert_eq!(events[0].queues, ["chat", "sav"]);
/// assert_eq!(events[0].uplift, Some(0.25));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(bytes: &[u8], file: &str) -> Result<Vec<Event>> {
    let source = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let csv = CsvReader::new_maybe_empty(file, source, None)?;
    events(csv.map(CsvReader::ragged), file)
}

/// The events of an open file, `None` when it has no header line.
fn events(csv: Option<CsvReader>, file: &str) -> Result<Vec<Event>> {
    let Some(mut csv) = csv else {
        return Err(InputError::new(
            Location::file(file),
            "expected a header line name,kind,start,end[,queues][,uplift], \
             found an empty file",
        )
        .into());
    };
    let header =
        Header::parse(csv.headers().names(), &csv.at(csv.header_line()))?;
    let delimiter = csv.delimiter();
    let mut events = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let at = csv.at(line);
        let fields = decode(&record, &at)?;
        let row = Row { fields: &fields, header: &header, at };
        events.push(row.event(delimiter)?);
    }
    Ok(events)
}

/// The fields of a row as UTF-8 text: a wrong byte is reported with its
/// field rather than decoded as Windows-1252, so that an event name is
/// never silently misspelt.
fn decode(record: &csv::ByteRecord, at: &Location) -> Result<Vec<String>> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            String::from_utf8(field.to_vec()).map_err(|_| {
                InputError::new(
                    at.clone().column(format!("#{}", i + 1)),
                    "UTF-8 text (save the file as \"CSV UTF-8\")",
                )
                .found(String::from_utf8_lossy(field).into_owned())
                .into()
            })
        })
        .collect()
}

/// Where each known column is, and the header text to name it by.
struct Header {
    /// Field index of each of [`COLUMNS`].
    index: [Option<usize>; 6],
    /// Header names as written, for messages.
    titles: Vec<String>,
}

impl Header {
    fn parse(fields: &[String], at: &Location) -> Result<Header> {
        let mut index = [None; 6];
        let titles: Vec<String> =
            fields.iter().map(|f| f.trim().to_string()).collect();
        for (i, title) in titles.iter().enumerate() {
            let key = title.to_lowercase();
            let key = if key == "queue" { "queues".to_string() } else { key };
            let here = at.clone().column(title.clone());
            match COLUMNS.iter().position(|c| *c == key) {
                Some(c) if index[c].is_some() => {
                    return Err(InputError::new(
                        here,
                        format!("each column once, found {title:?} twice"),
                    )
                    .into());
                }
                Some(c) => index[c] = Some(i),
                None => {
                    if let Some(near) = near_miss(&key, &COLUMNS) {
                        return Err(InputError::new(
                            here,
                            format!(
                                "a column among {} (did you mean {near:?}?)",
                                COLUMNS.join(", ")
                            ),
                        )
                        .found(title.clone())
                        .into());
                    }
                }
            }
        }
        if let Some(c) = (0..REQUIRED).find(|&c| index[c].is_none()) {
            return Err(InputError::new(
                at.clone().column(COLUMNS[c]),
                format!(
                    "a header with the columns name, kind, start, end \
                     (queues and uplift optional), missing {:?}",
                    COLUMNS[c]
                ),
            )
            .found(titles.join(","))
            .into());
        }
        Ok(Header { index, titles })
    }
}

/// One data line being read.
struct Row<'a> {
    fields: &'a [String],
    header: &'a Header,
    at: Location,
}

impl Row<'_> {
    /// The trimmed value of column `c` (of [`COLUMNS`]) and its location.
    fn get(&self, c: usize) -> (&str, Location) {
        match self.header.index[c] {
            Some(i) => (
                self.fields.get(i).map_or("", |f| f.trim()),
                self.at.clone().column(self.header.titles[i].clone()),
            ),
            None => ("", self.at.clone().column(COLUMNS[c])),
        }
    }

    fn event(&self, delimiter: u8) -> Result<Event> {
        let width = self.header.titles.len();
        if self.fields.len() > width
            && self.fields[width..].iter().any(|f| !f.trim().is_empty())
        {
            return Err(InputError::new(
                self.at.clone(),
                format!(
                    "expected {width} fields as in the header, found {} \
                     (quote a name that contains the delimiter)",
                    self.fields.len()
                ),
            )
            .into());
        }
        let (name, at) = self.get(0);
        if name.is_empty() {
            return Err(InputError::new(at, "an event name").found("").into());
        }
        let (text, at) = self.get(1);
        let kind: EventKind = text.parse().map_err(|_| {
            InputError::new(at, EventKind::expected()).found(text)
        })?;
        let (text, at) = self.get(2);
        let start = parse_date(text).ok_or_else(|| bad_date(at, text))?;
        let (text, at) = self.get(3);
        let end = if text.is_empty() {
            start
        } else {
            parse_date(text).ok_or_else(|| bad_date(at.clone(), text))?
        };
        if end < start {
            return Err(InputError::new(
                at,
                format!("an end date on or after the start ({start})"),
            )
            .found(text)
            .into());
        }
        let (text, queues_at) = self.get(4);
        let mut queues: Vec<String> = Vec::new();
        for q in text.split(|c: char| c == '|' || c.is_whitespace()) {
            if !q.is_empty() && !queues.iter().any(|known| known == q) {
                queues.push(q.to_string());
            }
        }
        let (text, uplift_at) = self.get(5);
        let uplift = if text.is_empty() {
            None
        } else {
            Some(parse_uplift(text, delimiter).ok_or_else(|| {
                let decimal = if delimiter == b';' {
                    "a decimal such as 0.4 or 0,4"
                } else {
                    "a decimal such as 0.4"
                };
                InputError::new(
                    uplift_at.clone(),
                    format!(
                        "{decimal} (+40 %) or 40%, finite and greater \
                         than -1"
                    ),
                )
                .found(text)
            })?)
        };
        if kind == EventKind::Drop {
            self.check_drop(name, &queues, queues_at, uplift, uplift_at)?;
        }
        Ok(Event { name: name.to_string(), kind, start, end, queues, uplift })
    }

    /// A drop row names a built-in event and carries nothing else.
    fn check_drop(
        &self,
        name: &str,
        queues: &[String],
        queues_at: Location,
        uplift: Option<f64>,
        uplift_at: Location,
    ) -> Result<()> {
        let builtin = calendar::builtin_names(Country::Fr);
        let key = name_key(name);
        if !builtin.iter().any(|b| name_key(b) == key) {
            let keys: Vec<String> =
                builtin.iter().map(|b| name_key(b)).collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let hint = match near_miss(&key, &keys) {
                Some(near) => {
                    let i = keys.iter().position(|k| *k == near).unwrap_or(0);
                    format!(" (did you mean {:?}?)", builtin[i])
                }
                None => String::new(),
            };
            let (_, at) = self.get(0);
            return Err(InputError::new(
                at,
                format!(
                    "the name of a built-in event to drop{hint}: {}",
                    builtin.join(", ")
                ),
            )
            .found(name)
            .into());
        }
        if !queues.is_empty() {
            return Err(InputError::new(
                queues_at,
                "no queues on a drop row (it removes the event for every \
                 queue)",
            )
            .found(queues.join("|"))
            .into());
        }
        if uplift.is_some() {
            return Err(
                InputError::new(uplift_at, "no uplift on a drop row").into()
            );
        }
        Ok(())
    }
}

fn bad_date(at: Location, text: &str) -> Error {
    InputError::new(at, "a date YYYY-MM-DD or DD/MM/YYYY").found(text).into()
}

/// `YYYY-MM-DD` or `DD/MM/YYYY` (one- or two-digit day and month).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let digits = |s: &str, min: usize, max: usize| -> Option<u32> {
        let ok = (min..=max).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_digit());
        if ok { s.parse().ok() } else { None }
    };
    let (y, m, d) = if let Some((y, rest)) = text.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (digits(y, 4, 4)?, digits(m, 1, 2)?, digits(d, 1, 2)?)
    } else {
        let (d, rest) = text.split_once('/')?;
        let (m, y) = rest.split_once('/')?;
        (digits(y, 4, 4)?, digits(m, 1, 2)?, digits(d, 1, 2)?)
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// A decimal or a percentage; decimal comma only with `;`.
fn parse_uplift(text: &str, delimiter: u8) -> Option<f64> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(n) => (n.trim_end(), 0.01),
        None => (text, 1.0),
    };
    let number = if delimiter == b';' {
        number.replace(',', ".")
    } else {
        number.to_string()
    };
    // Rust also parses "inf" and "NaN": only plain decimals are wanted.
    let plain = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    let value = number.parse::<f64>().ok().filter(|_| plain)? * scale;
    (value.is_finite() && value > -1.0).then_some(value)
}

/// Checks that `name` is one of the event names in `known` (matched as
/// the calendar matches names: case, accents and spaces aside), for a
/// what-if or a `--window` that names an event: a name that matches none
/// would silently do nothing.
///
/// # Errors
///
/// A message naming `what` (say `what-if "spread" events`) and the name,
/// with the closest known name as a "did you mean" when one is near.
///
/// # Example
///
/// ```
/// use peakplan::inputs::events::check_event_name;
///
/// let known = ["Black Friday", "Cyber Monday"];
/// assert!(check_event_name("black  friday", known, "--window").is_ok());
/// let err = check_event_name("Black Fridya", known, "--window").unwrap_err();
/// assert!(err.ends_with("(did you mean \"Black Friday\"?)"), "{err}");
/// ```
pub fn check_event_name<'a>(
    name: &str,
    known: impl IntoIterator<Item = &'a str>,
    what: &str,
) -> std::result::Result<(), String> {
    let key = name_key(name);
    let known: Vec<&str> = known.into_iter().collect();
    if known.iter().any(|k| name_key(k) == key) {
        return Ok(());
    }
    let keys: Vec<String> = known.iter().map(|k| name_key(k)).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let hint = near_miss(&key, &key_refs)
        .and_then(|near| key_refs.iter().position(|k| *k == near))
        .map(|i| format!(" (did you mean {:?}?)", known[i]))
        .unwrap_or_default();
    Err(format!("{what}: no event is named {name:?} in the calendar{hint}"))
}

/// The candidate within a small edit distance of `word` (1 for short words,
/// 2 from six letters), if any.
fn near_miss<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .filter(|&(d, c)| d > 0 && d <= if c.len() >= 6 { 2 } else { 1 })
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_event_name_is_an_error_with_a_suggestion() {
        let known = ["Black Friday", "Fête des mères", "Noël"];
        for ok in ["Black Friday", "FETE DES MERES", "noel"] {
            assert_eq!(check_event_name(ok, known, "spread"), Ok(()), "{ok}");
        }
        assert_eq!(
            check_event_name("Black Fridya", known, "what-if \"spread\""),
            Err("what-if \"spread\": no event is named \"Black Fridya\" in \
                 the calendar (did you mean \"Black Friday\"?)"
                .to_string())
        );
        let far = check_event_name("Soldes", known, "--window").unwrap_err();
        assert!(!far.contains("did you mean"), "{far}");
    }

    fn ok(text: &str) -> Vec<Event> {
        parse(text.as_bytes(), "events.csv").unwrap()
    }

    fn err(text: &str) -> String {
        let e = parse(text.as_bytes(), "events.csv").unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        e.to_string()
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_the_documented_layout() {
        let events = ok("name,kind,start,end,queues,uplift\n\
             Lancement,launch,2024-03-12,2024-03-18,commandes|chat,0.3\n\
             \n\
             MAJ appli,Software-Update,2025-11-04,,chat  sav chat,\n\
             Halloween,drop,2025-01-01,2025-12-31,,\n");
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].name, "Lancement");
        assert_eq!(events[0].kind, EventKind::Launch);
        assert_eq!(
            (events[0].start, events[0].end),
            (ymd(2024, 3, 12), ymd(2024, 3, 18))
        );
        assert_eq!(events[0].queues, ["commandes", "chat"]);
        assert_eq!(events[0].uplift, Some(0.3));
        assert_eq!(events[1].kind, EventKind::SoftwareUpdate);
        assert_eq!(events[1].end, events[1].start);
        assert_eq!(events[1].queues, ["chat", "sav"]);
        assert_eq!(events[1].uplift, None);
        assert_eq!(events[2].kind, EventKind::Drop);
    }

    #[test]
    fn french_excel_export() {
        let text = "\u{feff}Name;KIND;Start;End;Uplift;Comment\r\n\
                    \"Vente privée; VIP\";marketing;2/3/2026;04/03/2026;-0,25;x\r\n\
                    ;;;;;\r\n\
                    Noël;closure;25/12/2026;25/12/2026;40 %;\r\n";
        let events = ok(text);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].name, "Vente privée; VIP");
        assert_eq!(events[0].start, ymd(2026, 3, 2));
        assert_eq!(events[0].uplift, Some(-0.25));
        assert!(events[0].queues.is_empty());
        assert!((events[1].uplift.unwrap() - 0.4).abs() < 1e-12);
    }

    #[test]
    fn header_only_is_no_events_and_empty_is_an_error() {
        assert!(ok("name,kind,start,end\n").is_empty());
        assert_eq!(
            err(""),
            "events.csv: expected a header line \
             name,kind,start,end[,queues][,uplift], found an empty file"
        );
        assert!(err("\n\n").contains("a header line"));
    }

    #[test]
    fn header_errors_name_the_column() {
        let e = err("name,kind,start\nx,sale,2026-01-01\n");
        assert!(
            e.starts_with("events.csv:1: column \"end\": expected a header"),
            "{e}"
        );
        assert!(e.contains("found \"name,kind,start\""), "{e}");
        let e = err("name,kind,start,end,Start\n");
        assert!(e.contains("events.csv:1: column \"Start\""), "{e}");
        assert!(e.contains("twice"), "{e}");
        let e = err("name,kind,start,end,uplfit\n");
        assert!(e.contains("did you mean \"uplift\"?"), "{e}");
        assert!(e.contains("found \"uplfit\""), "{e}");
        // A column that is not a near-miss is ignored.
        assert_eq!(
            ok("name,kind,start,end,note\nx,sale,2026-01-01,,hi\n").len(),
            1
        );
        assert_eq!(
            ok("name,kind,start,end,queue\nx,sale,2026-01-01,,sav\n")[0]
                .queues,
            ["sav"]
        );
    }

    #[test]
    fn row_errors_name_line_column_expected_and_found() {
        let head = "name,kind,start,end,queues,uplift\nok,sale,2026-01-01,2026-01-02,,\n";
        let cases = [
            ("x,promo,2026-01-01,2026-01-01,,", "column \"kind\"", "promo"),
            (
                "x,sale,2026-13-01,2026-01-01,,",
                "column \"start\"",
                "2026-13-01",
            ),
            ("x,sale,2026-01-01,31/02/2026,,", "column \"end\"", "31/02/2026"),
            ("x,sale,26-01-01,2026-01-01,,", "column \"start\"", "26-01-01"),
            ("x,sale,2026-01-05,2026-01-01,,", "column \"end\"", "2026-01-01"),
            (",sale,2026-01-01,2026-01-01,,", "column \"name\"", ""),
            ("x,sale,2026-01-01,2026-01-01,,-1", "column \"uplift\"", "-1"),
            ("x,sale,2026-01-01,2026-01-01,,0,4", "expected 6 fields", ""),
            ("x,sale,2026-01-01,2026-01-01,,NaN", "column \"uplift\"", "NaN"),
            ("x,sale,2026-01-01,2026-01-01,,inf", "column \"uplift\"", "inf"),
            (
                "Halloeen,drop,2026-01-01,2026-01-01,,",
                "did you mean \"Halloween\"",
                "Halloeen",
            ),
            (
                "Halloween,drop,2026-01-01,2026-01-01,sav,",
                "column \"queues\"",
                "sav",
            ),
            (
                "Halloween,drop,2026-01-01,2026-01-01,,0.1",
                "column \"uplift\"",
                "",
            ),
        ];
        for (row, column, found) in cases {
            let e = err(&format!("{head}\n{row}\n"));
            assert!(e.starts_with("events.csv:4"), "{row}: {e}");
            assert!(e.contains(column), "{row}: {e}");
            assert!(
                e.contains(&format!("{found:?}")) || found.is_empty(),
                "{row}: {e}"
            );
        }
        let e = err(&format!("{head}x,promo,2026-01-01,2026-01-01,,\n"));
        assert!(e.contains("expected one of holiday, sale, black_friday, launch, software_update, external, marketing, closure, or drop"), "{e}");
    }

    #[test]
    fn line_numbers_count_skipped_empty_lines() {
        let e =
            err("\r\nname,kind,start,end\r\n\r\n\r\nx,promo,2026-01-01,\r\n");
        assert!(e.starts_with("events.csv:5: column \"kind\""), "{e}");
        let e =
            err("name,kind,start,end\n\"a\nb\",sale,2026-01-01,\nc,sale,x,\n");
        assert!(e.starts_with("events.csv:4: column \"start\""), "{e}");
    }

    #[test]
    fn bad_bytes_are_reported_not_panicked_on() {
        let e = parse(
            b"name,kind,start,end\n\xff\xfe,sale,2026-01-01,\n",
            "e.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("e.csv:2: column \"#1\": expected UTF-8"), "{e}");
        let e = err("name,kind,start,end\n\"unterminated,sale,2026-01-01,\n");
        assert!(e.contains("events.csv:2"), "{e}");
    }

    #[test]
    fn uplift_forms() {
        assert_eq!(parse_uplift("0.4", b','), Some(0.4));
        assert_eq!(parse_uplift("+1.5", b','), Some(1.5));
        assert_eq!(parse_uplift("0,4", b','), None);
        assert_eq!(parse_uplift("0,4", b';'), Some(0.4));
        assert_eq!(parse_uplift("-99%", b','), Some(-0.99));
        assert_eq!(parse_uplift("-100%", b','), None);
        assert_eq!(parse_uplift("1e400", b','), None);
        assert_eq!(parse_uplift("%", b','), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse(&bytes, "fuzz.csv");
        }

        #[test]
        fn never_panics_on_csv_like_text(text in "[a-z0-9,;|/ \"\n%.-]{0,120}") {
            let _ = parse(format!("name,kind,start,end,queues,uplift\n{text}").as_bytes(), "fuzz.csv");
        }
    }
}
