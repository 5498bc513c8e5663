//! `peakplan erlang`: staff one interval, or every row of a forecast file,
//! with Erlang C (or Erlang A given `--patience`).
//!
//! ```text
//! peakplan erlang --volume 100 --interval 30m --aht 3m --sl 0.8 --target 20s
//! peakplan erlang --volume 100 --interval 30m --aht 3m --asa 15s --agents 13
//! peakplan erlang --input forecast.csv --interval 30m --aht 300 --sl 0.8 \
//!                 --target 20s --format csv --out staffing.csv
//! ```

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::Global;
use crate::erlang::{
    self, ErlangError, Measures, Params, Staffing, Target, channels,
};
use crate::error::{Error, InputError, Location, Result};
use crate::inputs::intervals;
use crate::output::emit;
use crate::report::csv::CsvOut;
use crate::report::table::Table;
use crate::report::{Dialect, Format, fixed};
use crate::units::parse_duration;

/// Flags of `peakplan erlang`.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("load").args(["volume", "input"]).required(true)),
    group(clap::ArgGroup::new("goal").args(["sl", "asa"]).required(true).multiple(true)),
)]
pub struct Args {
    /// Contacts offered in the interval.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub volume: Option<f64>,
    /// Forecast CSV to staff row by row: columns `interval_start`, `queue`
    /// (optional), `volume` (or `forecast`) and `aht_s` (optional, else
    /// `--aht`); `,` or `;` delimited; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Length of the interval: 15m, 30m, 1h, or seconds.
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub interval: f64,
    /// Average handle time (talk + hold + wrap-up): 180s, 3m, or seconds.
    /// Required unless every `--input` row has `aht_s`.
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub aht: Option<f64>,
    /// Service-level target: share of contacts answered within `--target`
    /// (0.8 for 80 %).
    #[arg(
        long,
        value_name = "SHARE",
        requires = "target",
        allow_negative_numbers = true
    )]
    pub sl: Option<f64>,
    /// The waiting time of the service level (20s) [default: 20s when only
    /// --asa is given].
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub target: Option<f64>,
    /// Average speed of answer target (15s); with --sl both must hold.
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub asa: Option<f64>,
    /// Highest share of time agents may be busy (0.85).
    #[arg(long, value_name = "SHARE", allow_negative_numbers = true)]
    pub max_occupancy: Option<f64>,
    /// Mean time callers wait before hanging up: switches to Erlang A.
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub patience: Option<f64>,
    /// Share of paid time not available for contacts (0.3), for scheduled
    /// FTE = agents / (1 − shrinkage).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub shrinkage: f64,
    /// Evaluate this many agents instead of finding the minimum.
    #[arg(long, value_name = "N")]
    pub agents: Option<u64>,
    /// Chat: sessions one agent handles at once (the AHT is per session at
    /// that concurrency).
    #[arg(long, value_name = "K")]
    pub concurrency: Option<std::num::NonZeroU32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn duration(text: &str) -> std::result::Result<f64, String> {
    parse_duration(text)
}

/// Runs `peakplan erlang`.
///
/// # Errors
///
/// [`Error::Usage`] naming the flag for an out-of-range value,
/// [`Error::Input`] naming file, line and column for a bad `--input` row,
/// [`Error::Io`] when a file cannot be read or written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let target = target(&args).map_err(usage)?;
    let bytes = match &args.input {
        Some(path) => batch(&args, &target, path, global.dialect())?,
        None => single(&args, &target, global.dialect())?,
    };
    emit(args.out.as_deref(), &bytes)
}

/// The error with the flag that set the value out of range.
fn usage(e: ErlangError) -> Error {
    Error::usage(format!("{}: {e}", flag(&e)))
}

/// The flag of `peakplan erlang` that sets the value `e` is about.
fn flag(e: &ErlangError) -> &'static str {
    match e {
        ErlangError::Volume(_) | ErlangError::Traffic(_) => "--volume",
        ErlangError::Interval(_) => "--interval",
        ErlangError::Aht(_) => "--aht",
        ErlangError::Patience(_) => "--patience",
        ErlangError::ServiceLevel(_) => "--sl",
        ErlangError::Within(_) => "--target",
        ErlangError::Asa(_) => "--asa",
        ErlangError::MaxOccupancy(_) => "--max-occupancy",
        ErlangError::Shrinkage(_) => "--shrinkage",
        ErlangError::Concurrency => "--concurrency",
        ErlangError::Deadline(_) => "--deadline",
    }
}

fn target(args: &Args) -> std::result::Result<Target, ErlangError> {
    let within = args.target.unwrap_or(Target::DEFAULT_WITHIN_S);
    let mut t = match (args.sl, args.asa) {
        (Some(sl), asa) => {
            let t = Target::service_level(sl, within)?;
            match asa {
                Some(asa) => t.and_asa(asa)?,
                None => t,
            }
        }
        (None, Some(asa)) => Target::asa(asa)?.reported_within(within)?,
        // clap's "goal" group makes this unreachable; stay total anyway.
        (None, None) => Target::asa(f64::NAN)?,
    };
    if let Some(occ) = args.max_occupancy {
        t = t.with_max_occupancy(occ)?;
    }
    t.with_shrinkage(args.shrinkage)
}

/// Staffing (or evaluation) of one load.
fn staff(args: &Args, target: &Target, params: &Params) -> Result<Staffing> {
    let params = match args.patience {
        Some(p) => params.with_patience(p).map_err(usage)?,
        None => *params,
    };
    Ok(match (args.agents, args.concurrency.map(|k| k.get())) {
        (Some(n), k) => {
            let slots = n * u64::from(k.unwrap_or(1));
            let mut s = erlang::staffing_for(&params, target, slots);
            s.agents = n;
            s.scheduled_fte = target.scheduled_fte(n as f64);
            s
        }
        (None, Some(k)) => {
            channels::chat_agents(&params, target, k).map_err(usage)?
        }
        (None, None) => erlang::required_agents(&params, target),
    })
}

/// One output record: the JSON object, the CSV row, the table.
#[derive(Debug, Serialize)]
struct Record {
    #[serde(skip_serializing_if = "Option::is_none")]
    interval_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume: Option<f64>,
    model: &'static str,
    aht_s: f64,
    traffic_erlangs: f64,
    agents: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sessions_per_agent: Option<u32>,
    scheduled_fte: f64,
    service_level: Option<f64>,
    within_s: f64,
    p_wait: Option<f64>,
    asa_s: Option<f64>,
    occupancy: Option<f64>,
    p_abandon: Option<f64>,
    stable: bool,
    meets_target: bool,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl Record {
    fn new(args: &Args, target: &Target, aht_s: f64, s: &Staffing) -> Record {
        let m: &Measures = &s.measures;
        Record {
            interval_start: None,
            queue: None,
            volume: None,
            model: if args.patience.is_some() {
                "erlang_a"
            } else {
                "erlang_c"
            },
            aht_s,
            traffic_erlangs: m.traffic_erlangs,
            agents: s.agents,
            sessions_per_agent: args.concurrency.map(|k| k.get()),
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

    const CSV_HEADER: [&'static str; 14] = [
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

    /// Fields after the leading `interval_start,queue,volume` of a batch.
    fn csv_fields(&self, d: Dialect) -> Vec<String> {
        let num = |x: Option<f64>, dec| {
            x.map_or(String::new(), |x| d.number(x, dec))
        };
        vec![
            self.model.to_string(),
            d.number(self.aht_s, 3),
            d.number(self.traffic_erlangs, 6),
            self.agents.to_string(),
            d.number(self.scheduled_fte, 4),
            num(self.service_level, 9),
            d.number(self.within_s, 3),
            num(self.p_wait, 9),
            num(self.asa_s, 6),
            num(self.occupancy, 9),
            num(self.p_abandon, 9),
            self.stable.to_string(),
            self.meets_target.to_string(),
            self.sessions_per_agent.map_or(String::new(), |k| k.to_string()),
        ]
    }
}

fn single(args: &Args, target: &Target, dialect: Dialect) -> Result<Vec<u8>> {
    let volume = args.volume.unwrap_or(0.0);
    let aht = args.aht.ok_or_else(|| {
        Error::usage("--aht: give the average handle time (180s, 3m, …)")
    })?;
    let params = Params::new(volume, args.interval, aht).map_err(usage)?;
    let s = staff(args, target, &params)?;
    let rec = Record::new(args, target, aht, &s);
    Ok(match args.format {
        Format::Json => json_line(&rec)?,
        Format::Csv => {
            let mut out = CsvOut::new(dialect, &Record::CSV_HEADER)?;
            out.row(rec.csv_fields(dialect))?;
            out.into_bytes()?
        }
        Format::Table => single_table(&rec).into_bytes(),
    })
}

fn json_line<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::write("-", std::io::Error::other(e)))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn pct(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{} %", fixed(100.0 * x, 2)))
}

fn single_table(r: &Record) -> String {
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
        t.mark(1, crate::report::term::Emphasis::Alert);
    }
    t.render_with(crate::report::term::Look::stdout())
}

fn batch(
    args: &Args,
    target: &Target,
    path: &Path,
    dialect: Dialect,
) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let rows = intervals::read(path, args.aht)?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let at =
            |column: &str| Location::file(&name).line(row.line).column(column);
        let params = Params::new(row.volume, args.interval, row.aht_s)
            .map_err(|e| match e {
                ErlangError::Aht(_) => Error::from(
                    InputError::new(at("aht_s"), "an AHT in seconds above 0")
                        .found(row.aht_s.to_string()),
                ),
                ErlangError::Volume(_) | ErlangError::Traffic(_) => {
                    Error::from(InputError::new(at("volume"), e.to_string()))
                }
                other => usage(other),
            })?;
        let s = staff(args, target, &params)?;
        let mut rec = Record::new(args, target, row.aht_s, &s);
        rec.interval_start = Some(row.interval_start.clone());
        rec.queue = Some(row.queue.clone());
        rec.volume = Some(row.volume);
        records.push(rec);
    }
    Ok(match args.format {
        Format::Json => json_line(&records)?,
        Format::Csv => {
            let mut header = vec!["interval_start", "queue", "volume"];
            header.extend(Record::CSV_HEADER);
            let mut out = CsvOut::new(dialect, &header)?;
            for r in &records {
                let mut fields = vec![
                    r.interval_start.clone().unwrap_or_default(),
                    r.queue.clone().unwrap_or_default(),
                    dialect.number(r.volume.unwrap_or(0.0), 6),
                ];
                fields.extend(r.csv_fields(dialect));
                out.row(fields)?;
            }
            out.into_bytes()?
        }
        Format::Table => {
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
            for r in &records {
                t.row([
                    r.interval_start.clone().unwrap_or_default(),
                    r.queue.clone().unwrap_or_default(),
                    fixed(r.volume.unwrap_or(0.0), 2),
                    fixed(r.traffic_erlangs, 2),
                    r.agents.to_string(),
                    fixed(r.scheduled_fte, 2),
                    if r.stable {
                        pct(r.service_level)
                    } else {
                        "unstable".into()
                    },
                    r.asa_s.map_or("∞".to_string(), |a| fixed(a, 1)),
                    pct(r.occupancy),
                    r.p_abandon.map_or(String::new(), |p| pct(Some(p))),
                ]);
            }
            t.render().into_bytes()
        }
    })
}
