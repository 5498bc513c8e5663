//! Reads the folder `peakplan plan --out-dir` writes, for the
//! simulation: `intervals.csv` (required), `shifts.csv` (optional) and
//! the `scenario` path recorded in `summary.json` (optional).
//!
//! `intervals.csv`, columns by header name: `interval_start` (ISO 8601
//! with offset), `queue`, `forecast`, `p10`, `p90`, `aht_s` (may be
//! empty), `required_agents`, and, in plans that carry them,
//! `scheduled_agents`, `in_house_agents`, `hired_agents`,
//! `overtime_agents`, `partner_agents` (other columns are ignored).
//!
//! `shifts.csv`: `date,queue,source,contract,shift,start,end,people,
//! on_phone`, `source` one of `in_house`, `hire`, `overtime`, `partner`,
//! `start` and `end` local `HH:MM` (an end at or before the start is on
//! the next day), `on_phone` the row's agents on the phones in each
//! interval it covers (people less shrinkage, so often fractional).
//!
//! Both files are read with the rules of every CSV input
//! ([`crate::inputs::CsvConfig`]): `,` or `;`, a byte-order mark, and a
//! decimal comma with `;`. Every malformed value is an
//! [`InputError`] naming the file, its line and its column.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

use crate::capacity::Scenario;
use crate::config::Settings;
use crate::error::{Error, InputError, Location, Result};
use crate::inputs::{CsvConfig, CsvReader, text};
use crate::report::plan_layout::{intervals as I, shifts as S};

/// What a plan folder holds for the simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanFolder {
    /// The folder as the user named it.
    pub dir: PathBuf,
    /// The rows of `intervals.csv`, in file order.
    pub intervals: Vec<PlanInterval>,
    /// The rows of `shifts.csv`, when the folder has one.
    pub shifts: Option<Vec<PlanShift>>,
    /// The `scenario` path `summary.json` records, as written there.
    pub scenario: Option<PathBuf>,
}

/// One row of `intervals.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanInterval {
    /// Interval start with its offset.
    pub start: DateTime<FixedOffset>,
    /// Queue name.
    pub queue: String,
    /// Forecast mean contacts.
    pub forecast: f64,
    /// Forecast 10 % quantile of the interval's contacts.
    pub p10: f64,
    /// Forecast 90 % quantile.
    pub p90: f64,
    /// Handle time the interval was staffed with, when written.
    pub aht_s: Option<f64>,
    /// Agents on the phones the target needs.
    pub required_agents: f64,
    /// Agents on the phones the plan schedules, all sources.
    pub scheduled_agents: Option<f64>,
    /// In-house, hired and overtime agents on the phones, when the
    /// breakdown by source is written.
    pub own_agents: Option<f64>,
    /// The partner's agents on the phones, when written.
    pub partner_agents: Option<f64>,
    /// The row's line in the file.
    pub line: u64,
}

/// Who works a shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftSource {
    /// The in-house team.
    InHouse,
    /// Seasonal hires.
    Hire,
    /// Overtime of the in-house team.
    Overtime,
    /// An outsourcing partner.
    Partner,
}

/// One row of `shifts.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanShift {
    /// Local date the shift starts on.
    pub date: NaiveDate,
    /// Queue name.
    pub queue: String,
    /// Who works it.
    pub source: ShiftSource,
    /// Local start time.
    pub start: NaiveTime,
    /// Local end time (on the next day when not after `start`).
    pub end: NaiveTime,
    /// Agents on the phones in each interval the row covers.
    pub on_phone: f64,
    /// The row's line in the file.
    pub line: u64,
}

impl PlanFolder {
    /// The scenario to simulate with: `explicit` if given, else
    /// [`scenario_file`](PlanFolder::scenario_file), read with `settings`
    /// under it.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when neither names one; the errors of
    /// [`Scenario::read`].
    pub fn scenario(
        &self,
        explicit: Option<&Path>,
        settings: &Settings,
    ) -> Result<Scenario> {
        let path =
            explicit.map(Path::to_path_buf).or_else(|| self.scenario_file());
        let path = path.ok_or_else(|| {
            Error::usage(format!(
                "{}: summary.json names no scenario: pass --scenario FILE",
                self.dir.display()
            ))
        })?;
        Scenario::read(&path, settings)
    }

    /// The scenario file `summary.json` names. `plan` records the path as
    /// it was given, relative to the folder it ran in: an absolute path is
    /// taken as is; a relative one is tried from the current folder (the
    /// usual case: `simulate` run where `plan` was), then from the plan
    /// folder's parent, then from the plan folder itself.
    pub fn scenario_file(&self) -> Option<PathBuf> {
        let recorded = self.scenario.as_ref()?;
        if recorded.is_absolute() {
            return Some(recorded.clone());
        }
        let parent = self.dir.parent().unwrap_or(Path::new(""));
        [recorded.clone(), parent.join(recorded), self.dir.join(recorded)]
            .into_iter()
            .find(|p| p.is_file())
            .or_else(|| Some(recorded.clone()))
    }
}

/// Reads the plan folder `dir`.
///
/// # Errors
///
/// [`Error::Usage`] when `dir` is not a folder; [`Error::Io`] (exit 2)
/// when `intervals.csv` is missing; [`Error::Input`] naming file, line and
/// column for the first malformed value of any file.
pub fn read(dir: &Path) -> Result<PlanFolder> {
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "--plan {}: expected a folder written by `peakplan plan \
             --out-dir`, found no such folder",
            dir.display()
        )));
    }
    let intervals = read_intervals(&dir.join("intervals.csv"))?;
    let shifts_path = dir.join("shifts.csv");
    let shifts = if shifts_path.exists() {
        Some(read_shifts(&shifts_path)?)
    } else {
        None
    };
    let summary = dir.join("summary.json");
    let scenario =
        if summary.exists() { read_summary(&summary)? } else { None };
    Ok(PlanFolder { dir: dir.to_path_buf(), intervals, shifts, scenario })
}

/// The cells of one row, with what a message needs to name them.
struct Row<'a> {
    csv: &'a CsvReader,
    line: u64,
    fields: Vec<Cow<'a, str>>,
}

impl Row<'_> {
    fn text(&self, c: usize) -> &str {
        self.fields.get(c).map_or("", |f| f.trim())
    }

    fn bad(&self, c: usize, expected: &str) -> Error {
        let name = self.csv.headers().names().get(c).cloned();
        let at = self.csv.at(self.line);
        let at = match name {
            Some(n) => at.column(n),
            None => at,
        };
        InputError::new(at, expected).found(self.text(c)).into()
    }

    fn number(&self, c: usize) -> Result<f64> {
        let t = self.text(c);
        let t: Cow<'_, str> = if self.csv.decimal_comma() {
            Cow::Owned(t.replace(',', "."))
        } else {
            Cow::Borrowed(t)
        };
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
            _ => Err(self.bad(c, "a non-negative number")),
        }
    }

    fn optional_number(&self, c: Option<usize>) -> Result<Option<f64>> {
        match c {
            Some(c) if !self.text(c).is_empty() => self.number(c).map(Some),
            _ => Ok(None),
        }
    }
}

fn need(csv: &CsvReader, name: &str) -> Result<usize> {
    csv.headers().find(name).ok_or_else(|| {
        InputError::new(
            csv.at(csv.header_line()),
            format!("a column named {name}"),
        )
        .found(csv.headers().names().join(","))
        .into()
    })
}

fn read_intervals(path: &Path) -> Result<Vec<PlanInterval>> {
    let mut csv = CsvConfig::new(path).open()?;
    let c_start = need(&csv, I::START)?;
    let c_queue = need(&csv, I::QUEUE)?;
    let c_mean = need(&csv, I::FORECAST)?;
    let c10 = need(&csv, I::P10)?;
    let c90 = need(&csv, I::P90)?;
    let c_required = need(&csv, I::REQUIRED)?;
    let h = csv.headers().clone();
    let c_aht = h.find(I::AHT_S);
    let c_scheduled = h.find(I::SCHEDULED);
    let own: Vec<usize> = [I::IN_HOUSE, I::HIRED, I::OVERTIME]
        .iter()
        .filter_map(|n| h.find(n))
        .collect();
    let c_partner = h.find(I::PARTNER);
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = csv.next_record(&mut rec)? {
        let row =
            Row { csv: &csv, line, fields: rec.iter().map(text).collect() };
        let start =
            DateTime::parse_from_rfc3339(row.text(c_start)).map_err(|_| {
                row.bad(
                    c_start,
                    "an ISO 8601 time with offset like \
                     2025-11-28T09:30:00+01:00",
                )
            })?;
        let queue = row.text(c_queue);
        if queue.is_empty() {
            return Err(row.bad(c_queue, "a queue name"));
        }
        let p10 = row.number(c10)?;
        let p90 = row.number(c90)?;
        if p90 < p10 {
            return Err(row.bad(c90, "a p90 at least the p10"));
        }
        let mut own_agents = None;
        for &c in &own {
            let x = row.number(c)?;
            own_agents = Some(own_agents.unwrap_or(0.0) + x);
        }
        rows.push(PlanInterval {
            start,
            queue: queue.to_string(),
            forecast: row.number(c_mean)?,
            p10,
            p90,
            aht_s: row.optional_number(c_aht)?,
            required_agents: row.number(c_required)?,
            scheduled_agents: row.optional_number(c_scheduled)?,
            own_agents,
            partner_agents: row.optional_number(c_partner)?,
            line,
        });
    }
    Ok(rows)
}

fn read_shifts(path: &Path) -> Result<Vec<PlanShift>> {
    let mut csv = CsvConfig::new(path).open()?;
    let c_date = need(&csv, S::DATE)?;
    let c_queue = need(&csv, S::QUEUE)?;
    let c_source = need(&csv, S::SOURCE)?;
    let c_start = need(&csv, S::START)?;
    let c_end = need(&csv, S::END)?;
    let c_on = need(&csv, S::ON_PHONE)?;
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = csv.next_record(&mut rec)? {
        let row =
            Row { csv: &csv, line, fields: rec.iter().map(text).collect() };
        let date = NaiveDate::parse_from_str(row.text(c_date), "%Y-%m-%d")
            .map_err(|_| row.bad(c_date, "a date like 2025-11-28"))?;
        let queue = row.text(c_queue);
        if queue.is_empty() {
            return Err(row.bad(c_queue, "a queue name"));
        }
        let source = match row.text(c_source) {
            "in_house" => ShiftSource::InHouse,
            "hire" => ShiftSource::Hire,
            "overtime" => ShiftSource::Overtime,
            "partner" => ShiftSource::Partner,
            _ => {
                return Err(row.bad(
                    c_source,
                    "one of in_house, hire, overtime, partner",
                ));
            }
        };
        let time = |c: usize| {
            NaiveTime::parse_from_str(row.text(c), "%H:%M")
                .map_err(|_| row.bad(c, "a local time like 09:30"))
        };
        rows.push(PlanShift {
            date,
            queue: queue.to_string(),
            source,
            start: time(c_start)?,
            end: time(c_end)?,
            on_phone: row.number(c_on)?,
            line,
        });
    }
    Ok(rows)
}

/// The `scenario` path of `summary.json`, if it records one.
fn read_summary(path: &Path) -> Result<Option<PathBuf>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| {
            let at = Location::file(&name)
                .line_col(e.line() as u64, e.column() as u64);
            InputError::new(at, format!("a JSON document: {e}"))
        })?;
    match value.get("scenario") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(PathBuf::from(s))),
        Some(other) => Err(InputError::new(
            Location::file(&name).column("scenario"),
            "a path to the scenario file",
        )
        .found(other.to_string())
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const TODAY: &str = "interval_start,queue,forecast,p10,p90,aht_s,\
        staffing_volume,required_agents,service_level\n\
        2025-11-28T09:00:00+01:00,commandes,100.5,80,121,240,110,17,0.81\n";

    #[test]
    fn reads_todays_intervals_and_the_recorded_scenario() {
        let dir = folder(&[
            ("intervals.csv", TODAY),
            ("summary.json", r#"{"scenario": "data/scenario.toml"}"#),
        ]);
        let f = read(dir.path()).unwrap();
        assert_eq!(f.intervals.len(), 1);
        let r = &f.intervals[0];
        assert_eq!((r.forecast, r.p10, r.p90), (100.5, 80.0, 121.0));
        assert_eq!((r.aht_s, r.required_agents), (Some(240.0), 17.0));
        assert_eq!((r.scheduled_agents, r.own_agents), (None, None));
        assert_eq!(f.shifts, None);
        assert_eq!(f.scenario, Some(PathBuf::from("data/scenario.toml")));
    }

    #[test]
    fn reads_the_french_dialect() {
        let text = "\u{feff}interval_start;queue;forecast;p10;p90;aht_s;\
            required_agents;scheduled_agents;in_house_agents;hired_agents;\
            overtime_agents;partner_agents\n\
            2025-11-28T09:00:00+01:00;sav;12,5;9;16,25;;3;4,2;2;1,5;0;0,7\n";
        let dir = folder(&[("intervals.csv", text)]);
        let r = &read(dir.path()).unwrap().intervals[0];
        assert_eq!((r.forecast, r.p90, r.aht_s), (12.5, 16.25, None));
        assert_eq!(r.scheduled_agents, Some(4.2));
        assert_eq!(r.own_agents, Some(3.5));
        assert_eq!(r.partner_agents, Some(0.7));
    }

    #[test]
    fn a_bad_value_names_file_line_and_column() {
        let shifts = "date,queue,source,contract,shift,start,end,people,\
            on_phone\n2025-11-28,sav,in_house,35h,early,08:00,16:00,3,2.1\n\
            2025-11-28,sav,friends,35h,early,08:00,16:00,3,2.1\n";
        let dir = folder(&[("intervals.csv", TODAY), ("shifts.csv", shifts)]);
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("shifts.csv:3: column \"source\""), "{err}");
        assert!(err.contains("\"friends\""), "{err}");
        let bad = TODAY.replace("100.5", "cent");
        let dir = folder(&[("intervals.csv", &bad)]);
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("intervals.csv:2: column \"forecast\""), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Garbage in any of the three files is an error, never a panic.
        #[test]
        fn garbage_is_reported_not_panicked_on(
            cells in proptest::collection::vec("[0-9a-z:.,;T+\\- ]{0,12}", 0..40),
            which in 0usize..3,
        ) {
            let body: String = cells
                .chunks(8)
                .map(|c| c.join(","))
                .collect::<Vec<_>>()
                .join("\n");
            let shifts = format!(
                "date,queue,source,contract,shift,start,end,people,on_phone\n{body}"
            );
            let intervals = format!("{}{body}", TODAY);
            let summary = format!("{{\"scenario\": {body}}}");
            let files = match which {
                0 => vec![("intervals.csv", intervals.as_str())],
                1 => vec![("intervals.csv", TODAY), ("shifts.csv", shifts.as_str())],
                _ => vec![("intervals.csv", TODAY), ("summary.json", summary.as_str())],
            };
            let dir = folder(&files);
            let _ = read(dir.path());
        }
    }
}
