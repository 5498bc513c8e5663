//! `peakplan erlang`: staff one interval, or every row of a forecast file,
//! with Erlang C (or Erlang A given `--patience`).
//!
//! ```text
//! peakplan erlang --volume 100 --interval 30m --aht 3m --sl 0.8 --target 20s
//! peakplan erlang --volume 100 --interval 30m --aht 3m --asa 15s --agents 13
//! peakplan erlang --input forecast.csv --interval 30m --aht 300 --sl 0.8 \
//!                 --target 20s --format csv --out staffing.csv
//! ```

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::cli::Global;
use crate::cli::checks::ArgsError;
use crate::erlang::{self, ErlangError, Params, Staffing, Target, channels};
use crate::error::{Error, InputError, Location, Result};
use crate::inputs::intervals::{self, IntervalLoad, LoadChunk, LoadRef};
use crate::output::{AtomicFile, emit};
use crate::report::erlang::{
    BatchReport, BatchStream, ErlangRecord, SingleReport,
};
use crate::report::term::Look;
use crate::report::{self, Format};
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

/// Runs `peakplan erlang`: read the load (flags or `--input`), staff it,
/// report.
///
/// # Errors
///
/// [`Error::Usage`] naming the flag for an out-of-range value,
/// [`Error::Input`] naming file, line and column for a bad `--input` row,
/// [`Error::Io`] when a file cannot be read or written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let target = target(&args).map_err(usage)?;
    let (look, dialect) = (Look::stdout(), global.dialect());
    let bytes = match &args.input {
        Some(path) if args.format != Format::Table => {
            return stream(&args, &target, path, dialect);
        }
        Some(path) => {
            // A table's widths need every row: it is built whole.
            let rows = intervals::read(path, args.aht)?;
            let records = batch(&args, &target, path, &rows)?;
            report::render(&BatchReport(&records), args.format, look, dialect)?
        }
        None => {
            let record = single(&args, &target)?;
            report::render(&SingleReport(&record), args.format, look, dialect)?
        }
    };
    emit(args.out.as_deref(), &bytes)
}

/// Rows read, then staffed and formatted, as one parallel task: small, so
/// that the threads finish together at the end of the file.
const PIECE_ROWS: usize = 256;

/// Pieces read and not yet handed to the spool, at most: the memory of a
/// batch (rows and formatted bytes) whatever its size.
const AHEAD: usize = 8;

/// Output kept in memory before it goes to a temporary file.
const SPOOL_BYTES: usize = 16 << 20;

/// The `--input` batch as CSV or JSON, streamed: the file is read a piece
/// at a time, each piece staffed and formatted as a parallel task, and the
/// pieces' bytes joined in input order (the same bytes for any number of
/// threads).
///
/// The result is spooled (in memory, then in a temporary file once large)
/// and written out only when every row has been staffed, so that a bad row
/// leaves no partial output: `--out` is replaced atomically, and stdout
/// receives nothing, as when the whole batch was held in memory. The first
/// bad row in file order is the one reported.
fn stream(
    args: &Args,
    target: &Target,
    path: &Path,
    dialect: crate::report::Dialect,
) -> Result<()> {
    let out = BatchStream::new(args.format, dialect);
    let mut spool = Spool::new(args.out.as_deref());
    let mut head = Vec::new();
    out.head(&mut head)?;
    spool.push(head)?;
    let name = path.display().to_string();
    let mut loads = intervals::Loads::open(path, args.aht)?;
    let mut rows = LoadChunk::with_capacity(PIECE_ROWS);
    let read = loads.next_rows(&mut rows, PIECE_ROWS);
    let batch = Batch { args, target, name: &name, out };
    let done = if matches!(read, Ok(true)) {
        rayon::scope(|scope| batch.run(scope, &mut loads, rows, &mut spool))?
    } else {
        // A file of one piece is staffed here, without starting rayon's
        // threads (about 0.3 ms of CPU for a handful of rows). Its rows
        // come before a bad row that ended the read.
        spool.push(batch.staff_piece(0, &rows)?)?;
        read?;
        rows.len()
    };
    let mut tail = Vec::new();
    out.tail(done, &mut tail)?;
    spool.push(tail)?;
    spool.deliver()
}

/// What every piece of a streamed batch is staffed and formatted with.
#[derive(Clone, Copy)]
struct Batch<'a> {
    args: &'a Args,
    target: &'a Target,
    /// The `--input` file, for errors.
    name: &'a str,
    out: BatchStream,
}

/// A piece staffed: its number, its formatted rows (or the first error
/// among them, or a panic to pass on), and its rows' memory back.
type Staffed = (usize, std::thread::Result<Result<Vec<u8>>>, LoadChunk);

impl Batch<'_> {
    /// Reads the rest of `loads` on this thread of rayon's, a piece at a
    /// time after `rows`, while the other threads staff the pieces, and
    /// hands the formatted pieces to `spool` in input order as they come;
    /// this thread staffs too when it is ahead by [`AHEAD`] pieces or has
    /// read everything. Returns the number of rows.
    ///
    /// Nothing is read past the first error; the first in file order is
    /// returned, once every task started has ended.
    fn run<'s>(
        self,
        scope: &rayon::Scope<'s>,
        loads: &mut intervals::Loads,
        mut rows: LoadChunk,
        spool: &mut Spool<'_>,
    ) -> Result<usize>
    where
        Self: 's,
    {
        let (sender, staffed) = std::sync::mpsc::channel::<Staffed>();
        let mut order = InOrder::new(spool);
        let (mut started, mut first) = (0, 0);
        let mut spare = Vec::new();
        let mut read = Ok(true);
        while !rows.is_empty() {
            let sender = sender.clone();
            let (piece, len) = (started, rows.len());
            scope.spawn(move |_| {
                let bytes = std::panic::catch_unwind(|| {
                    self.staff_piece(first, &rows)
                });
                // The reader waits for every piece it started.
                let _ = sender.send((piece, bytes, rows));
            });
            (started, first) = (started + 1, first + len);
            if !matches!(read, Ok(true)) || order.failed.is_some() {
                break;
            }
            while started - order.next >= AHEAD {
                spare.push(order.take(wait(&staffed)));
            }
            while let Ok(done) = staffed.try_recv() {
                spare.push(order.take(done));
            }
            rows = spare
                .pop()
                .unwrap_or_else(|| LoadChunk::with_capacity(PIECE_ROWS));
            rows.clear();
            read = loads.next_rows(&mut rows, PIECE_ROWS);
        }
        while order.next < started {
            order.take(wait(&staffed));
        }
        match order.failed {
            Some(e) => Err(e),
            None => read.map(|_| first),
        }
    }

    /// The rows of one piece staffed and formatted; the first row is
    /// number `first` of the batch.
    fn staff_piece(self, first: usize, rows: &LoadChunk) -> Result<Vec<u8>> {
        let Batch { args, target, name, out } = self;
        // Each record is formatted as soon as it is staffed: none is kept.
        let mut bytes = Vec::with_capacity(rows.len() * 160);
        if plain_erlang_c(args) {
            // The loads first (the first bad one ends the piece), then
            // staffed together, which is faster and gives the same
            // results.
            let (mut refs, mut loads) = (
                Vec::with_capacity(rows.len()),
                Vec::with_capacity(rows.len()),
            );
            for i in 0..rows.len() {
                let row = rows.get(i);
                loads.push(row_params(args, name, row)?);
                refs.push(row);
            }
            let staffed = erlang::required_agents_each(&loads, target);
            for (i, (s, row)) in staffed.iter().zip(refs).enumerate() {
                let record = row_record(args, target, row, s);
                out.record(first + i, &record, &mut bytes)?;
            }
            return Ok(bytes);
        }
        for i in 0..rows.len() {
            let record = staff_row(args, target, name, rows.get(i))?;
            out.record(first + i, &record, &mut bytes)?;
        }
        Ok(bytes)
    }
}

/// A piece staffed: received, or staffed here while the others work.
fn wait(staffed: &std::sync::mpsc::Receiver<Staffed>) -> Staffed {
    loop {
        if let Ok(done) = staffed.try_recv() {
            return done;
        }
        if rayon::yield_now() != Some(rayon::Yield::Executed) {
            // Every piece left is being staffed on another thread, each
            // of which sends one (the reader holds a sender itself).
            return staffed.recv().expect("a sender is alive");
        }
    }
}

/// Pieces handed to a spool in input order, whatever order they come in.
struct InOrder<'s, 'a> {
    spool: &'s mut Spool<'a>,
    /// Pieces come before their turn, by number.
    early: std::collections::BTreeMap<usize, Result<Vec<u8>>>,
    /// The number of the next piece for the spool.
    next: usize,
    /// The first error in input order (a bad row, or the spool's).
    failed: Option<Error>,
}

impl<'s, 'a> InOrder<'s, 'a> {
    fn new(spool: &'s mut Spool<'a>) -> InOrder<'s, 'a> {
        InOrder { spool, early: Default::default(), next: 0, failed: None }
    }

    /// Takes a piece staffed, hands over those now in turn, and gives back
    /// its rows' memory. A panic in a task is passed on here.
    fn take(&mut self, (piece, bytes, rows): Staffed) -> LoadChunk {
        let bytes = bytes.unwrap_or_else(|p| std::panic::resume_unwind(p));
        self.early.insert(piece, bytes);
        while let Some(bytes) = self.early.remove(&self.next) {
            self.next += 1;
            if self.failed.is_none() {
                self.failed = bytes.and_then(|b| self.spool.push(b)).err();
            }
        }
        rows
    }
}

/// The formatted parts of a batch, held in order until every row is
/// staffed: in memory (each part as formatted, never copied into one
/// growing buffer), then past [`SPOOL_BYTES`] in a file: the `--out` file
/// itself as it is being replaced ([`AtomicFile`]), or for stdout a
/// temporary file. Memory stays that of the in-memory part whatever the
/// size.
struct Spool<'a> {
    out: Option<&'a Path>,
    parts: Vec<Vec<u8>>,
    held: usize,
    file: Option<BufWriter<std::fs::File>>,
    atomic: Option<AtomicFile>,
}

impl<'a> Spool<'a> {
    /// A spool for `out` (`None` or `-` for stdout).
    fn new(out: Option<&'a Path>) -> Spool<'a> {
        let out = out.filter(|p| *p != Path::new("-"));
        Spool { out, parts: Vec::new(), held: 0, file: None, atomic: None }
    }

    fn push(&mut self, bytes: Vec<u8>) -> Result<()> {
        if let Some(atomic) = &mut self.atomic {
            return atomic.write_all(&bytes);
        }
        if let Some(file) = &mut self.file {
            return file.write_all(&bytes).map_err(spool_error);
        }
        self.held += bytes.len();
        self.parts.push(bytes);
        if self.held > SPOOL_BYTES {
            // A stream (`/dev/stdout`, a FIFO) given as --out has no file
            // to rename: spooled like stdout.
            if let Some(path) = self.out
                && let Some(mut atomic) = AtomicFile::create(path)?
            {
                for part in self.parts.drain(..) {
                    atomic.write_all(&part)?;
                }
                self.atomic = Some(atomic);
                return Ok(());
            }
            let mut file = BufWriter::with_capacity(
                1 << 16,
                tempfile::tempfile().map_err(spool_error)?,
            );
            for part in self.parts.drain(..) {
                file.write_all(&part).map_err(spool_error)?;
            }
            self.file = Some(file);
        }
        Ok(())
    }

    /// Writes everything to `--out` (atomically) or stdout.
    fn deliver(self) -> Result<()> {
        use std::io::{Read, Seek};
        if let Some(atomic) = self.atomic {
            return atomic.commit();
        }
        let Some(file) = self.file else {
            return match self.out {
                // The atomic writer takes the whole content.
                Some(path) => emit(Some(path), &self.parts.concat()),
                None => self.parts.iter().try_for_each(|p| emit(None, p)),
            };
        };
        let mut file =
            file.into_inner().map_err(|e| spool_error(e.into_error()))?;
        file.rewind().map_err(spool_error)?;
        if let Some(path) = self.out {
            // A stream named by --out: opened and written once.
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(spool_error)?;
            return emit(Some(path), &bytes);
        }
        let mut buf = vec![0; 1 << 20];
        loop {
            let n = file.read(&mut buf).map_err(spool_error)?;
            if n == 0 {
                return Ok(());
            }
            emit(None, &buf[..n])?;
        }
    }
}

fn spool_error(e: std::io::Error) -> Error {
    Error::write("a temporary file", e)
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

fn record<'a>(
    args: &Args,
    target: &Target,
    aht_s: f64,
    s: &Staffing,
) -> ErlangRecord<'a> {
    let sessions = args.concurrency.map(|k| k.get());
    ErlangRecord::new(s, target, aht_s, args.patience.is_some(), sessions)
}

fn single(args: &Args, target: &Target) -> Result<ErlangRecord<'static>> {
    let volume = args.volume.unwrap_or(0.0);
    let aht = args.aht.ok_or(ArgsError::NoAht)?;
    let params = Params::new(volume, args.interval, aht).map_err(usage)?;
    let s = staff(args, target, &params)?;
    Ok(record(args, target, aht, &s))
}

/// Every row of the `--input` file at `path` staffed; a volume or AHT out
/// of range names its line and column.
fn batch<'a>(
    args: &Args,
    target: &Target,
    path: &Path,
    rows: &'a [IntervalLoad],
) -> Result<Vec<ErlangRecord<'a>>> {
    let name = path.display().to_string();
    rows.iter()
        .map(|row| staff_row(args, target, &name, row.as_ref()))
        .collect()
}

/// One row of the `--input` file `name` staffed.
fn staff_row<'a>(
    args: &Args,
    target: &Target,
    name: &str,
    row: LoadRef<'a>,
) -> Result<ErlangRecord<'a>> {
    let params = row_params(args, name, row)?;
    let s = staff(args, target, &params)?;
    Ok(row_record(args, target, row, &s))
}

/// Whether every row is staffed by [`erlang::required_agents`] alone:
/// Erlang C, no chat, nothing to evaluate.
fn plain_erlang_c(args: &Args) -> bool {
    args.patience.is_none()
        && args.agents.is_none()
        && args.concurrency.is_none()
}

/// The load of one row of the `--input` file `name`; a volume or AHT out
/// of range names its line and column.
fn row_params(args: &Args, name: &str, row: LoadRef<'_>) -> Result<Params> {
    let at = |column: &str| Location::file(name).line(row.line).column(column);
    Params::new(row.volume, args.interval, row.aht_s).map_err(|e| match e {
        ErlangError::Aht(_) => Error::from(
            InputError::new(at("aht_s"), "an AHT in seconds above 0")
                .found(row.aht_s.to_string()),
        ),
        ErlangError::Volume(_) | ErlangError::Traffic(_) => {
            Error::from(InputError::new(at("volume"), e.to_string()))
        }
        other => usage(other),
    })
}

/// The record of one row staffed as `s`.
fn row_record<'a>(
    args: &Args,
    target: &Target,
    row: LoadRef<'a>,
    s: &Staffing,
) -> ErlangRecord<'a> {
    let mut rec = record(args, target, row.aht_s, s);
    rec.interval_start = Some(row.interval_start);
    rec.queue = Some(row.queue);
    rec.volume = Some(row.volume);
    rec
}
