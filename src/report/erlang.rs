//! The output of `peakplan erlang`: one staffed interval (a table of
//! measures, one CSV row, one JSON object) or a batch of them (a table,
//! CSV and a JSON array, each row led by `interval_start,queue,volume`).

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::erlang::{Measures, Staffing, Target};
use crate::error::Result;
use crate::report::csv::CsvWriter;
use crate::report::table::Table;
use crate::report::term::{Emphasis, Look};
use crate::report::{Dialect, Render, fixed};

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
    fn write_measures<W: Write>(&self, out: &mut CsvWriter<W>) -> Result<()> {
        out.text(self.model)?
            .number(self.aht_s, 3)?
            .number(self.traffic_erlangs, 6)?
            .show(self.agents)?
            .number(self.scheduled_fte, 4)?
            .maybe(self.service_level, 9)?
            .number(self.within_s, 3)?
            .maybe(self.p_wait, 9)?
            .maybe(self.asa_s, 6)?
            .maybe(self.occupancy, 9)?
            .maybe(self.p_abandon, 9)?
            .text(if self.stable { "true" } else { "false" })?
            .text(if self.meets_target { "true" } else { "false" })?;
        match self.sessions_per_agent {
            Some(k) => out.show(k)?,
            None => out.text("")?,
        };
        Ok(())
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
        let mut out = CsvWriter::new(Vec::new(), dialect, &HEADER)?;
        self.0.write_measures(&mut out)?;
        out.end()?;
        out.finish()
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
    out: W,
    dialect: Dialect,
) -> Result<W> {
    let mut header = vec!["interval_start", "queue", "volume"];
    header.extend(HEADER);
    let mut out = CsvWriter::new(out, dialect, &header)?;
    for r in records {
        out.text(r.interval_start.unwrap_or_default())?
            .text(r.queue.unwrap_or_default())?
            .number(r.volume.unwrap_or(0.0), 6)?;
        r.write_measures(&mut out)?;
        out.end()?;
    }
    out.finish()
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
