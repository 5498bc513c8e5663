//! The output of `peakplan erlang`: one staffed interval (a table of
//! measures, one CSV row, one JSON object) or a batch of them (a table,
//! CSV and a JSON array, each row led by `interval_start,queue,volume`).

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::erlang::{Measures, Staffing, Target};
use crate::error::Result;
use crate::report::csv::{CsvBuf, CsvWriter};
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Format, Render, fixed};

/// One staffed interval: the JSON object, the CSV row, the table line.
#[derive(Clone, Debug, Serialize)]
pub struct ErlangRecord<'a> {
    /// The interval's start, as the input file wrote it (batch only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_start: Option<&'a str>,
    /// The queue (batch only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<&'a str>,
    /// Contacts offered (batch only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    /// `erlang_a` or `erlang_c`.
    pub model: &'static str,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Offered traffic.
    pub traffic_erlangs: f64,
    /// Agents.
    pub agents: u64,
    /// Chat sessions one agent handles at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_per_agent: Option<u32>,
    /// Agents / (1 − shrinkage).
    pub scheduled_fte: f64,
    /// Service level at `within_s` (none when undefined).
    pub service_level: Option<f64>,
    /// The waiting time of the service level.
    pub within_s: f64,
    /// Probability of waiting.
    pub p_wait: Option<f64>,
    /// Average speed of answer, seconds.
    pub asa_s: Option<f64>,
    /// Share of time agents are busy.
    pub occupancy: Option<f64>,
    /// Probability of abandoning (Erlang A only).
    pub p_abandon: Option<f64>,
    /// More agents than traffic.
    pub stable: bool,
    /// Whether the target holds.
    pub meets_target: bool,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl<'a> ErlangRecord<'a> {
    /// The record of staffing `s` against `target` at `aht_s`: Erlang A
    /// when `erlang_a`, chat when `sessions_per_agent` is given.
    pub fn new(
        s: &Staffing,
        target: &Target,
        aht_s: f64,
        erlang_a: bool,
        sessions_per_agent: Option<u32>,
    ) -> ErlangRecord<'a> {
        let m: &Measures = &s.measures;
        ErlangRecord {
            interval_start: None,
            queue: None,
            volume: None,
            model: if erlang_a { "erlang_a" } else { "erlang_c" },
            aht_s,
            traffic_erlangs: m.traffic_erlangs,
            agents: s.agents,
            sessions_per_agent,
            scheduled_fte: s.scheduled_fte,
            service_level: finite(m.service_level),
            within_s: m.within_s,
            p_wait: finite(m.p_wait),
            asa_s: finite(m.asa_s),
            occupancy: finite(m.occupancy),
            p_abandon: m.p_abandon.and_then(finite),
            stable: m.stable,
            meets_target: target.is_met_by(m),
        }
    }

    /// Writes the fields after the leading `interval_start,queue,volume`
    /// of a batch, without ending the row.
    fn write_measures(&self, out: &mut CsvBuf<'_>) {
        out.keyword(self.model)
            .decimal(self.aht_s, 3)
            .decimal(self.traffic_erlangs, 6)
            .count(self.agents)
            .decimal(self.scheduled_fte, 4)
            .maybe_decimal(self.service_level, 9)
            .decimal(self.within_s, 3)
            .maybe_decimal(self.p_wait, 9)
            .maybe_decimal(self.asa_s, 6)
            .maybe_decimal(self.occupancy, 9)
            .maybe_decimal(self.p_abandon, 9)
            .keyword(if self.stable { "true" } else { "false" })
            .keyword(if self.meets_target { "true" } else { "false" });
        match self.sessions_per_agent {
            Some(k) => out.count(u64::from(k)),
            None => out.keyword(""),
        };
    }
}

const HEADER: [&str; 14] = [
    "model",
    "aht_s",
    "traffic_erlangs",
    "agents",
    "scheduled_fte",
    "service_level",
    "within_s",
    "p_wait",
    "asa_s",
    "occupancy",
    "p_abandon",
    "stable",
    "meets_target",
    "sessions_per_agent",
];

/// One interval staffed from flags.
#[derive(Clone, Copy, Debug)]
pub struct SingleReport<'a>(pub &'a ErlangRecord<'a>);

impl Render for SingleReport<'_> {
    fn table(&self, look: Look) -> String {
        single_table(self.0, look)
    }

    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        let mut bytes =
            CsvWriter::new(Vec::new(), dialect, &HEADER)?.finish()?;
        let mut row = CsvBuf::new(&mut bytes, dialect);
        self.0.write_measures(&mut row);
        row.end();
        Ok(bytes)
    }

    fn json(&self) -> Value {
        serde_json::to_value(self.0).unwrap_or(Value::Null)
    }

    fn json_bytes(&self) -> Result<Vec<u8>> {
        super::json_bytes(self.0)
    }
}

/// Every row of an input file staffed.
#[derive(Clone, Copy, Debug)]
pub struct BatchReport<'a>(pub &'a [ErlangRecord<'a>]);

impl Render for BatchReport<'_> {
    /// Plain text at natural width whatever the terminal: a batch is
    /// read in a pager or a file.
    fn table(&self, _look: Look) -> String {
        batch_table(self.0)
    }

    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>> {
        write_batch_csv(self.0, Vec::new(), dialect)
    }

    fn json(&self) -> Value {
        serde_json::to_value(self.0).unwrap_or(Value::Null)
    }

    fn json_bytes(&self) -> Result<Vec<u8>> {
        super::json_bytes(&self.0)
    }
}

/// The batch CSV, streamed into `out`.
///
/// # Errors
///
/// [`crate::Error::Io`] when `out` fails.
pub fn write_batch_csv<W: Write>(
    records: &[ErlangRecord<'_>],
    mut out: W,
    dialect: Dialect,
) -> Result<W> {
    let stream = BatchStream::new(Format::Csv, dialect);
    stream.head(&mut out)?;
    stream.part(0, records, &mut out)?;
    stream.tail(records.len(), &mut out)?;
    Ok(out)
}

/// A batch CSV or JSON array written a part at a time, so that a large
/// input never holds every record: [`Self::head`], then [`Self::part`]
/// for each run of records in order (parts may be formatted in parallel,
/// each into its own buffer), then [`Self::tail`]. The bytes are those of
/// [`BatchReport`] on all the records at once.
#[derive(Clone, Copy, Debug)]
pub struct BatchStream {
    format: Format,
    dialect: Dialect,
}

impl BatchStream {
    /// A batch in `format` (CSV or JSON; a table needs every row for its
    /// widths and is written by [`BatchReport`]).
    pub fn new(format: Format, dialect: Dialect) -> BatchStream {
        BatchStream { format, dialect }
    }

    fn header() -> Vec<&'static str> {
        let mut header = vec!["interval_start", "queue", "volume"];
        header.extend(HEADER);
        header
    }

    /// What comes before the first record: the CSV byte-order mark (French
    /// dialect) and header.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Io`] when `out` fails.
    pub fn head<W: Write>(&self, out: W) -> Result<()> {
        if self.format == Format::Csv {
            CsvWriter::new(out, self.dialect, &Self::header())?.finish()?;
        }
        Ok(())
    }

    /// The records `records`, the first of which is record number `first`
    /// (from 0) of the whole batch.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Io`] when `out` fails.
    pub fn part<W: Write>(
        &self,
        first: usize,
        records: &[ErlangRecord<'_>],
        mut out: W,
    ) -> Result<()> {
        if self.format == Format::Json {
            let mut scratch = Vec::new();
            for (i, r) in records.iter().enumerate() {
                scratch.clear();
                serde_json::to_writer_pretty(&mut scratch, r)
                    .map_err(|e| io_error(std::io::Error::other(e)))?;
                let lead: &[u8] = if first + i == 0 { b"[\n" } else { b",\n" };
                out.write_all(lead).map_err(io_error)?;
                write_indented(&scratch, &mut out).map_err(io_error)?;
            }
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(records.len() * 160);
        for r in records {
            self.csv_row(r, &mut bytes);
        }
        out.write_all(&bytes).map_err(io_error)
    }

    /// Appends record number `index` (from 0) of the batch to `out`, as
    /// [`Self::part`] would on that one record: for records formatted as
    /// they are computed, none of them kept.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Io`] when the record cannot be encoded (JSON).
    pub fn record(
        &self,
        index: usize,
        r: &ErlangRecord<'_>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        match self.format {
            Format::Json => self.part(index, std::slice::from_ref(r), out),
            _ => {
                self.csv_row(r, out);
                Ok(())
            }
        }
    }

    fn csv_row(&self, r: &ErlangRecord<'_>, out: &mut Vec<u8>) {
        let mut csv = CsvBuf::new(out, self.dialect);
        csv.text(r.interval_start.unwrap_or_default())
            .text(r.queue.unwrap_or_default())
            .decimal(r.volume.unwrap_or(0.0), 6);
        r.write_measures(&mut csv);
        csv.end();
    }

    /// What comes after the last of `count` records: the JSON array's
    /// end.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Io`] when `out` fails.
    pub fn tail<W: Write>(&self, count: usize, mut out: W) -> Result<()> {
        let end: &[u8] = match (self.format, count) {
            (Format::Json, 0) => b"[]\n",
            (Format::Json, _) => b"\n]\n",
            _ => b"",
        };
        out.write_all(end).map_err(io_error)
    }
}

fn io_error(e: std::io::Error) -> crate::Error {
    crate::Error::write("-", e)
}

/// `json` (one pretty-printed element) indented one level, as inside the
/// pretty-printed array. A JSON string holds no raw line break, so every
/// line break of `json` is one of the layout's.
fn write_indented(json: &[u8], out: &mut impl Write) -> std::io::Result<()> {
    for (i, line) in json.split(|&b| b == b'\n').enumerate() {
        out.write_all(if i == 0 { b"  " } else { b"\n  " })?;
        out.write_all(line)?;
    }
    Ok(())
}

fn pct(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{} %", fixed(100.0 * x, 2)))
}

fn single_table(r: &ErlangRecord<'_>, look: Look) -> String {
    let mut t = Table::new(["measure", "value"]);
    let model = if r.model == "erlang_a" { "Erlang A" } else { "Erlang C" };
    t.row(["model".to_string(), model.to_string()]);
    t.row(["traffic (Erlangs)".to_string(), fixed(r.traffic_erlangs, 4)]);
    t.row(["agents".to_string(), r.agents.to_string()]);
    if let Some(k) = r.sessions_per_agent {
        t.row(["sessions per agent".to_string(), k.to_string()]);
    }
    t.row(["scheduled FTE".to_string(), fixed(r.scheduled_fte, 2)]);
    let sl = if r.stable {
        format!("{} within {} s", pct(r.service_level), fixed(r.within_s, 1))
    } else {
        "0 % (unstable: agents ≤ traffic)".to_string()
    };
    t.row(["service level".to_string(), sl]);
    t.row(["P(wait)".to_string(), pct(r.p_wait)]);
    let asa = match r.asa_s {
        Some(asa) => format!("{} s", fixed(asa, 2)),
        None if !r.stable => "∞ (unstable)".to_string(),
        None => "none answered".to_string(),
    };
    t.row(["ASA".to_string(), asa]);
    t.row(["occupancy".to_string(), pct(r.occupancy)]);
    let ab = match (r.model, r.p_abandon) {
        ("erlang_a", p) => pct(p),
        _ => "— (no --patience)".to_string(),
    };
    t.row(["P(abandon)".to_string(), ab]);
    let met = if r.meets_target { "yes" } else { "no" };
    t.row(["meets target".to_string(), met.to_string()]);
    if !r.meets_target {
        t.mark(1, Emphasis::Alert);
    }
    t.render_with(look)
}

fn batch_table(records: &[ErlangRecord<'_>]) -> String {
    let mut t = Table::new([
        "interval_start",
        "queue",
        "volume",
        "traffic",
        "agents",
        "FTE",
        "SL",
        "ASA_s",
        "occupancy",
        "abandon",
    ]);
    for r in records {
        t.row([
            r.interval_start.unwrap_or_default().to_string(),
            r.queue.unwrap_or_default().to_string(),
            fixed(r.volume.unwrap_or(0.0), 2),
            fixed(r.traffic_erlangs, 2),
            r.agents.to_string(),
            fixed(r.scheduled_fte, 2),
            if r.stable { pct(r.service_level) } else { "unstable".into() },
            r.asa_s.map_or("∞".to_string(), |a| fixed(a, 1)),
            pct(r.occupancy),
            r.p_abandon.map_or(String::new(), |p| pct(Some(p))),
        ]);
    }
    t.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::{Params, Target, required_agents};

    fn records<'a>(starts: &'a [String]) -> Vec<ErlangRecord<'a>> {
        let target = Target::service_level(0.8, 20.0).unwrap();
        starts
            .iter()
            .enumerate()
            .map(|(i, start)| {
                let volume = (i * 37 % 211) as f64 + 0.5 * (i % 2) as f64;
                let p = Params::new(volume, 1800.0, 180.0).unwrap();
                let s = required_agents(&p, &target);
                let mut r = ErlangRecord::new(&s, &target, 180.0, false, None);
                r.interval_start = Some(start);
                r.queue = Some(if i % 2 == 0 { "a;b" } else { "q\"x" });
                r.volume = Some(volume);
                r
            })
            .collect()
    }

    /// Written in parts of any size, a batch is the bytes of the report
    /// on every record at once (serde's pretty JSON array, the CSV).
    #[test]
    fn a_batch_in_parts_is_the_whole_report() {
        let starts: Vec<String> = (0..23).map(|i| format!("t{i}")).collect();
        for n in [0, 1, 2, 23] {
            let all = records(&starts[..n]);
            for (format, dialect) in [
                (Format::Json, Dialect::En),
                (Format::Csv, Dialect::En),
                (Format::Csv, Dialect::Fr),
            ] {
                let whole = match format {
                    Format::Json => BatchReport(&all).json_bytes().unwrap(),
                    _ => BatchReport(&all).csv(dialect).unwrap(),
                };
                for size in [1, 3, 7, 50] {
                    let stream = BatchStream::new(format, dialect);
                    let mut out = Vec::new();
                    stream.head(&mut out).unwrap();
                    for (i, part) in all.chunks(size).enumerate() {
                        stream.part(i * size, part, &mut out).unwrap();
                    }
                    stream.tail(all.len(), &mut out).unwrap();
                    assert!(out == whole, "{format:?} {n} rows by {size}");
                }
            }
        }
    }
}
