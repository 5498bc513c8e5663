//! The interval history CSV: one row per interval and queue.
//!
//! See the README's "History CSV" section for the accepted layouts. In
//! short:
//!
//! - columns (case-insensitive, any order, extra columns ignored):
//!   `interval_start` or `date` + `time`, `volume`, optional `queue`
//!   (default `main`) and `aht_s`;
//! - timestamps `2025-11-28T09:30:00+01:00` (offset or `Z`), or naive local
//!   times `2025-11-28 09:30`, `2025-11-28T09:30:00`, `28/11/2025 09:30`
//!   read in [`HistoryOptions::tz`]; split columns take `2025-11-28` or
//!   `28/11/2025` and `09:30` or `9:30:00`;
//! - the file's step (any divisor of an hour) is detected and rows are
//!   summed into local wall-clock intervals of [`HistoryOptions::interval`].
//!
//! The reader takes the file in blocks of whole lines: while no quote shows
//! up they are split by hand ([`crate::inputs::Splitter`]) and parsed on
//! every core, then stored in the order of the file, so the result and the
//! first error are those of one pass; from the first block with a quote on,
//! the `csv` crate reads row by row. Dates and numbers are parsed by hand
//! (the common timestamp layouts at fixed places) and the zone's offset is
//! cached per local day: about 330 MB of CSV per second on one core
//! (`cargo run --release --example parse_speed`).

mod grid;
mod summary;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone,
};
use chrono_tz::{Tz, TzOffset};

use crate::error::{Error, InputError, Location, Result};
use crate::inputs::{
    Block, CsvConfig, CsvReader, Fields, Next, Splitter, text, trim,
};
use crate::units::IntervalLen;
use grid::{Cell, Grid};

pub(crate) use summary::summarize_aggregated;
pub use summary::{
    DayCount, DstDay, Gap, Listed, QueueSummary, Spike, Summary, WeekdayHours,
    summarize,
};

/// The largest volume accepted in one row: more is a unit or column
/// mistake, not contacts.
pub const MAX_VOLUME: f64 = 1e9;

/// Handle times must be below one day, in seconds.
pub const MAX_AHT_S: f64 = 86_400.0;

/// The dates a history may hold: the built-in calendar's years.
pub const DATE_RANGE: (i32, i32) = (1970, 2100);

/// The longest run of days without a row between two parts of one history:
/// a row further than this from the rest is a typo in its year, not data
/// (and would make every day in between a day to forecast).
pub const MAX_GAP_DAYS: i64 = 731;

/// What to do when the same queue and interval appear twice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Duplicates {
    /// Reject the file, listing both lines.
    #[default]
    Error,
    /// Add the volumes (AHT weighted by volume).
    Sum,
}

/// How to read a history file.
#[derive(Clone, Debug)]
pub struct HistoryOptions {
    /// Zone for naive local timestamps, and the zone of the result.
    pub tz: Tz,
    /// Interval to aggregate to; `None` keeps the source granularity (or
    /// the smallest planning interval that is a multiple of it, for steps
    /// such as 6 minutes that are not planning intervals themselves).
    pub interval: Option<IntervalLen>,
    /// Policy for repeated queue × interval rows.
    pub duplicates: Duplicates,
}

impl Default for HistoryOptions {
    fn default() -> HistoryOptions {
        HistoryOptions {
            tz: chrono_tz::Europe::Paris,
            interval: None,
            duplicates: Duplicates::Error,
        }
    }
}

/// A parsed history: per queue, volumes on a regular local-time grid.
#[derive(Clone, Debug)]
pub struct History {
    /// The file as the user named it, for messages.
    pub source: String,
    /// The zone every timestamp is expressed in.
    pub tz: Tz,
    /// Granularity detected in the file (any divisor of an hour).
    pub source_interval: IntervalLen,
    /// Granularity of `queues` (the source's, or the one asked for).
    pub interval: IntervalLen,
    /// One entry per queue, sorted by name.
    pub queues: Vec<QueueHistory>,
}

/// The history of one queue.
#[derive(Clone, Debug)]
pub struct QueueHistory {
    /// Queue name as written in the file (`main` when the file has none).
    pub name: String,
    /// Intervals present in the file, sorted by instant, each once.
    /// Intervals absent from the file are absent here (gaps, or closed).
    pub slots: Vec<Slot>,
}

/// One interval of one queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// Start of the interval in the history's zone (local wall clock via
    /// `naive_local()`, instant via `with_timezone(&Utc)`).
    pub start: DateTime<Tz>,
    /// Offered contacts (finite, non-negative).
    pub volume: f64,
    /// Average handle time in seconds, when the file has `aht_s`
    /// (volume-weighted when rows were aggregated).
    pub aht_s: Option<f64>,
    /// First source line that contributed to this interval.
    pub line: u64,
}

/// What the reader saw besides the volumes, for `peakplan validate`.
#[derive(Clone, Debug, Default)]
pub struct ReadReport {
    /// Data rows read (blank lines excluded).
    pub rows: u64,
    /// Bytes read, header included.
    pub bytes: u64,
    /// Rows whose naive local time fell in the hour repeated when clocks go
    /// back, resolved by order of appearance.
    pub ambiguous: u64,
    /// Rows that repeated a queue and interval and were added
    /// ([`Duplicates::Sum`]), in file order.
    pub duplicates: Vec<DuplicateRows>,
}

/// One row that repeated an earlier row's queue and interval.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateRows {
    /// The queue.
    pub queue: String,
    /// The repeated interval, at the file's own granularity.
    pub start: DateTime<Tz>,
    /// The line that had it first.
    pub first_line: u64,
    /// The line that repeated it.
    pub line: u64,
}

/// Reads a history file (`-` for stdin).
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for any malformed content;
/// [`Error::Usage`] when `opts.interval` does not fit the file's step;
/// [`Error::Io`] when the file cannot be read.
///
/// # Example
///
/// ```no_run
/// use std::path::Path;
/// use peakplan::inputs::history::{self, HistoryOptions};
///
/// let history = history::read(Path::new("history.csv"), &HistoryOptions::default())?;
/// for queue in &history.queues {
///     let total: f64 = queue.slots.iter().map(|s| s.volume).sum();
///     println!("{}: {total} contacts", queue.name);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read(path: &Path, opts: &HistoryOptions) -> Result<History> {
    read_with_report(path, opts).map(|(history, _)| history)
}

/// Reads a history file and says what the reader noticed on the way.
///
/// # Errors
///
/// As [`read`].
pub fn read_with_report(
    path: &Path,
    opts: &HistoryOptions,
) -> Result<(History, ReadReport)> {
    read_aggregated(path, opts).map(|(a, report)| (a.into_history(), report))
}

/// Reads a history file into queues laid out one at a time, for readers
/// that never need every queue's slots at once.
///
/// # Errors
///
/// As [`read`].
pub(crate) fn read_aggregated(
    path: &Path,
    opts: &HistoryOptions,
) -> Result<(Aggregated, ReadReport)> {
    let csv = CsvConfig::new(path).open()?;
    Reader::new(csv, opts)?.run()
}

/// Reads history CSV from any byte source; `name` is how messages call it.
///
/// # Errors
///
/// As [`read`].
pub fn read_from(
    name: &str,
    source: impl Read + Send + 'static,
    opts: &HistoryOptions,
) -> Result<(History, ReadReport)> {
    let csv = CsvReader::new(name, Box::new(source), None)?;
    let (aggregated, report) = Reader::new(csv, opts)?.run()?;
    Ok((aggregated.into_history(), report))
}

/// Where the interval's start is written.
#[derive(Clone, Copy, Debug)]
enum When {
    Stamp(usize),
    Split { date: usize, time: usize },
}

#[derive(Clone, Copy, Debug)]
struct Columns {
    when: When,
    volume: usize,
    queue: Option<usize>,
    aht: Option<usize>,
}

impl Columns {
    fn find(csv: &CsvReader) -> Result<Columns> {
        let h = csv.headers();
        let file = csv.name();
        let stamp = h.find_unique("interval_start", file)?;
        let date = h.find_unique("date", file)?;
        let time = h.find_unique("time", file)?;
        let volume = h.find_unique("volume", file)?;
        let queue = h.find_unique("queue", file)?;
        let aht = h.find_unique("aht_s", file)?;
        let missing = |what: &str| -> Error {
            let sep = char::from(csv.delimiter()).to_string();
            InputError::new(
                csv.at(csv.header_line()),
                format!("{what} in the header"),
            )
            .found(h.names().join(&sep))
            .into()
        };
        let when = match (stamp, date, time) {
            (Some(i), _, _) => When::Stamp(i),
            (None, Some(date), Some(time)) => When::Split { date, time },
            (None, Some(_), None) => {
                return Err(missing(
                    "a column named \"time\" beside \"date\"",
                ));
            }
            _ => {
                return Err(missing(
                    "a column named \"interval_start\" (or \"date\" and \
                     \"time\")",
                ));
            }
        };
        let volume =
            volume.ok_or_else(|| missing("a column named \"volume\""))?;
        Ok(Columns { when, volume, queue, aht })
    }

    /// The column holding the time of day, for messages.
    fn time_name(&self) -> &'static str {
        match self.when {
            When::Stamp(_) => "interval_start",
            When::Split { .. } => "time",
        }
    }
}

/// One data row as the checks and the aggregation see it: rebuilt from
/// its queue's [`Store`] after the file is read (off-grid rows are kept as
/// such).
#[derive(Clone, Copy, Debug)]
struct Row {
    /// Instant, seconds since the Unix epoch.
    utc: i64,
    /// Local wall clock in `tz`, seconds since 1970-01-01T00:00 local.
    local: i64,
    volume: f64,
    aht: Option<f64>,
    line: u64,
}

/// Queue names, each stored once, numbered by first appearance.
#[derive(Default)]
struct Queues {
    names: Vec<String>,
    raw: Vec<Box<[u8]>>,
    ids: HashMap<Box<[u8]>, u32>,
    last: usize,
    /// 1 when the last guess that hit was the queue after the previous
    /// row's, 0 when it was the same queue.
    stride: usize,
}

impl Queues {
    fn id(&mut self, raw: &[u8]) -> u32 {
        // Exports list queues in the same order at every interval: the
        // queue is usually the previous row's, or the one after it; the
        // one that was right last time is tried first.
        let guess = self.last + self.stride;
        if self.raw.get(guess).is_some_and(|r| same(r, raw)) {
            self.last = guess;
            return guess as u32;
        }
        self.id_otherwise(raw)
    }

    /// [`id`](Queues::id) when the first guess missed.
    #[inline(never)]
    fn id_otherwise(&mut self, raw: &[u8]) -> u32 {
        let stride = 1 - self.stride;
        let guess = self.last + stride;
        if self.raw.get(guess).is_some_and(|r| same(r, raw)) {
            (self.last, self.stride) = (guess, stride);
            return guess as u32;
        }
        let id = match self.ids.get(raw) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(text(raw).into_owned());
                self.raw.push(raw.into());
                self.ids.insert(raw.into(), id);
                id
            }
        };
        self.last = id as usize;
        id
    }
}

/// What one queue's rows became as the file was read: a cell per instant,
/// plus the few rows a cell cannot hold.
#[derive(Debug, Default)]
struct Store {
    grid: Grid,
    /// Rows repeating an instant of `grid`, added to it
    /// ([`Duplicates::Sum`]); in file order, sorted by instant at the end.
    extra: Vec<Cell>,
    /// Rows off the minute grid (always an error in the end, kept whole so
    /// that it is the same error as ever); sorted at the end.
    odd: Vec<Row>,
}

impl Store {
    /// Rows held.
    fn len(&self) -> usize {
        self.grid.len() + self.extra.len() + self.odd.len()
    }

    /// Calls `f` on every row, sorted by instant and then by line, as the
    /// checks and the sums have always seen them.
    fn each_row(&self, zone: &mut Zone, mut f: impl FnMut(&Row)) {
        let mut extra = self.extra.iter().peekable();
        let mut odd = self.odd.iter().peekable();
        self.grid.for_each(|c| {
            while let Some(r) = odd.next_if(|r| r.utc < c.utc) {
                f(r);
            }
            let local = zone.local(c.utc);
            let row = |c: &Cell| Row {
                utc: c.utc,
                local,
                volume: c.volume,
                aht: c.aht,
                line: c.line,
            };
            f(&row(&c));
            while let Some(e) = extra.next_if(|e| e.utc == c.utc) {
                f(&row(e));
            }
        });
        odd.for_each(f);
    }
}

struct Reader<'o> {
    csv: CsvReader,
    opts: &'o HistoryOptions,
    cols: Columns,
    zone: Zone,
    queues: Queues,
    stores: Vec<Store>,
    /// Occurrences so far of each (queue, ambiguous local time).
    repeated: HashMap<(u32, i64), u32>,
    /// The last line of each (queue, instant) that was repeated, and of
    /// every off-grid row: what a repeat names as "first on line".
    last_line: HashMap<(u32, i64), u64>,
    /// The first repeated row when repeats are errors, as (line, first
    /// line, queue, instant): reported once the whole file has parsed.
    first_repeat: Option<(u64, u64, u32, i64)>,
    report: ReadReport,
}

impl<'o> Reader<'o> {
    fn new(csv: CsvReader, opts: &'o HistoryOptions) -> Result<Reader<'o>> {
        let cols = Columns::find(&csv)?;
        Ok(Reader {
            csv,
            opts,
            cols,
            zone: Zone::new(opts.tz),
            queues: Queues::default(),
            stores: vec![],
            repeated: HashMap::new(),
            last_line: HashMap::new(),
            first_repeat: None,
            report: ReadReport::default(),
        })
    }

    fn run(mut self) -> Result<(Aggregated, ReadReport)> {
        let parser = Parser {
            name: self.csv.name().to_string(),
            cols: self.cols,
            decimal_comma: self.csv.decimal_comma(),
            tz: self.opts.tz,
        };
        let splitter = self.csv.splitter();
        let threads = rayon::current_num_threads().clamp(1, MAX_WORKERS);
        if threads > 1 {
            self.blocks_in_parallel(&parser, &splitter, threads)?;
        } else {
            let (mut work, mut rows) = (Work::new(&parser), vec![]);
            while let Next::Block(block) = self.csv.next_block()? {
                let parsed = work.parse(&splitter, &block, rows);
                rows = self.merge(parsed)?;
                self.csv.recycle(block.bytes);
            }
        }
        // The rest of a file holding quotes, row by row.
        let mut work = Work::new(&parser);
        let mut record = csv::ByteRecord::new();
        let (mut parsed, mut ids) = (Parsed::default(), vec![]);
        while let Some(line) = self.csv.next_record(&mut record)? {
            parsed.rows.clear();
            parsed.ambiguous.clear();
            let row = work.row(&record, line, &mut parsed);
            for raw in &work.queues.raw[ids.len()..] {
                ids.push(self.queues.id(raw));
            }
            self.store_rows(&parsed, &ids);
            row?;
        }
        self.report.bytes = self.csv.bytes_read().saturating_sub(1);
        if self.report.rows == 0 {
            return Err(InputError::new(
                Location::file(self.csv.name()),
                "expected at least one data row after the header",
            )
            .into());
        }
        self.finish()
    }

    /// Reads the blocks of whole lines while workers parse them, and
    /// stores their rows in the order of the file: the result and the
    /// first error are those of a reading in one pass.
    fn blocks_in_parallel(
        &mut self,
        parser: &Parser,
        splitter: &Splitter,
        workers: usize,
    ) -> Result<()> {
        use std::collections::BTreeMap;
        use std::sync::{Mutex, mpsc};
        // Blocks read ahead of the one being stored: enough to keep every
        // worker busy, few enough to bound the memory.
        let ahead = 2 * workers + 2;
        // Each block goes with a vector for its rows, and both come back
        // to be used again: fresh memory for every block cost page faults.
        let (to_workers, work_queue) =
            mpsc::sync_channel::<(u64, Block, Vec<ParsedRow>)>(ahead);
        let (to_main, results) = mpsc::channel::<(u64, Parsed, Vec<u8>)>();
        let work_queue = Mutex::new(work_queue);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let to_main = to_main.clone();
                let work_queue = &work_queue;
                scope.spawn(move || {
                    let mut work = Work::new(parser);
                    loop {
                        let next = work_queue.lock().map(|q| q.recv());
                        let Ok(Ok((i, block, rows))) = next else { break };
                        let parsed = work.parse(splitter, &block, rows);
                        if to_main.send((i, parsed, block.bytes)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(to_main);
            let (mut sent, mut stored) = (0u64, 0u64);
            let mut done: BTreeMap<u64, (Parsed, Vec<u8>)> = BTreeMap::new();
            let mut spare_rows: Vec<Vec<ParsedRow>> = vec![];
            let mut reading = true;
            // A reading error waits for the rows before it.
            let mut failed = None;
            loop {
                while reading && sent - stored < ahead as u64 {
                    match self.csv.next_block() {
                        Ok(Next::Block(block)) => {
                            let rows = spare_rows.pop().unwrap_or_default();
                            if to_workers.send((sent, block, rows)).is_err() {
                                reading = false;
                            }
                            sent += 1;
                        }
                        Ok(Next::Records | Next::End) => reading = false,
                        Err(e) => {
                            failed = Some(e);
                            reading = false;
                        }
                    }
                }
                if stored == sent {
                    break;
                }
                let (parsed, bytes) = match done.remove(&stored) {
                    Some(done) => done,
                    None => match results.recv() {
                        Ok((i, parsed, bytes)) => {
                            done.insert(i, (parsed, bytes));
                            continue;
                        }
                        Err(_) => break,
                    },
                };
                stored += 1;
                spare_rows.push(self.merge(parsed)?);
                self.csv.recycle(bytes);
            }
            drop(to_workers);
            failed.map_or(Ok(()), Err)
        })
    }

    /// Stores the rows of one parsed block, in order, then returns its
    /// error if parsing stopped at one, or its vector of rows to use
    /// again.
    fn merge(&mut self, parsed: Parsed) -> Result<Vec<ParsedRow>> {
        let ids: Vec<u32> =
            parsed.queues.iter().map(|raw| self.queues.id(raw)).collect();
        self.store_rows(&parsed, &ids);
        parsed.error.map_or(Ok(parsed.rows), Err)
    }

    /// Stores parsed rows; `ids` are the reader's numbers of the queues
    /// the rows number.
    fn store_rows(&mut self, parsed: &Parsed, ids: &[u32]) {
        for row in &parsed.rows {
            let queue = ids[row.queue as usize];
            let utc = match row.ambiguous {
                0 => row.utc,
                k => {
                    let (written, earlier, later) =
                        parsed.ambiguous[k as usize - 1];
                    self.report.ambiguous += 1;
                    let seen =
                        self.repeated.entry((queue, written)).or_insert(0);
                    *seen += 1;
                    if *seen == 1 { earlier } else { later }
                }
            };
            let aht = (!row.aht.is_nan()).then_some(row.aht);
            let cell = Cell { utc, volume: row.volume, aht, line: row.line };
            self.store(queue, cell);
            self.report.rows += 1;
        }
    }

    /// Files a row in its queue's store, noting a repeated instant.
    fn store(&mut self, queue: u32, cell: Cell) {
        let q = queue as usize;
        if q >= self.stores.len() {
            self.stores.resize_with(q + 1, Store::default);
        }
        let key = (queue, cell.utc);
        let store = &mut self.stores[q];
        let odd = cell.utc.rem_euclid(60) != 0;
        let first_line = if odd {
            match self.last_line.insert(key, cell.line) {
                None => {
                    let local = self.zone.local(cell.utc);
                    store.odd.push(row_of(&cell, local));
                    return;
                }
                Some(previous) => previous,
            }
        } else {
            match store.grid.insert(cell) {
                Ok(()) => return,
                Err(in_cell) => {
                    self.last_line.insert(key, cell.line).unwrap_or(in_cell)
                }
            }
        };
        match self.opts.duplicates {
            Duplicates::Error => {
                self.first_repeat
                    .get_or_insert((cell.line, first_line, queue, cell.utc));
            }
            Duplicates::Sum => {
                self.report.duplicates.push(DuplicateRows {
                    queue: self.queues.names[q].clone(),
                    start: self.zone.datetime(cell.utc),
                    first_line,
                    line: cell.line,
                });
                if odd {
                    let local = self.zone.local(cell.utc);
                    store.odd.push(row_of(&cell, local));
                } else {
                    store.extra.push(cell);
                }
            }
        }
    }

    fn finish(self) -> Result<(Aggregated, ReadReport)> {
        let Reader {
            csv,
            opts,
            cols,
            mut zone,
            queues,
            mut stores,
            first_repeat,
            report,
            ..
        } = self;
        let name = csv.name().to_string();
        let queue_name =
            |q: u32| queues.names.get(q as usize).cloned().unwrap_or_default();
        // The first repeated queue × instant, by line.
        if let Some((line, first_line, q, utc)) = first_repeat {
            let start = zone.datetime(utc).to_rfc3339();
            return Err(InputError::new(
                Location::file(&name).line(line),
                format!(
                    "queue {:?} interval {start} appears twice, first on \
                     line {first_line} (use --duplicates sum to add them)",
                    queue_name(q)
                ),
            )
            .into());
        }
        for store in &mut stores {
            store.extra.sort_by_key(|c| c.utc);
            store.odd.sort_by_key(|r| (r.utc, r.line));
        }

        let scan = Scan::run(&stores, opts.tz);
        scan.check_span(&stores, &mut zone, &name)?;
        let step = scan.step().map_err(|expected| {
            Error::from(InputError::new(Location::file(&name), expected))
        })?;
        if let Some(r) = scan.misaligned(step) {
            let found = naive(r.local)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            return Err(InputError::new(
                Location::file(&name).line(r.line).column(cols.time_name()),
                format!(
                    "a time on this file's {}-minute grid (detected from \
                     the rows' spacing)",
                    step.minutes()
                ),
            )
            .found(found)
            .into());
        }
        let interval = target_interval(step, opts.interval, &name)?;
        let aggregated = Aggregated {
            source: name,
            tz: opts.tz,
            source_interval: step,
            interval,
            names: queues.names,
            stores,
        };
        Ok((aggregated, report))
    }
}

/// Worker threads parsing blocks at most: the reading and storing thread
/// keeps up with about this many.
const MAX_WORKERS: usize = 4;

/// A field of a row, from either splitter.
trait Record {
    fn field(&self, i: usize) -> &[u8];
}

impl Record for csv::ByteRecord {
    fn field(&self, i: usize) -> &[u8] {
        trim(self.get(i).unwrap_or_default())
    }
}

impl Record for Fields<'_> {
    fn field(&self, i: usize) -> &[u8] {
        let field = self.get(i).unwrap_or_default();
        // Most fields have nothing to trim: two bytes tell.
        match (field.first(), field.last()) {
            (Some(&a), Some(&z)) if a > b' ' && z > b' ' => field,
            _ => trim(field),
        }
    }
}

/// What the rows are parsed with: the same on every thread.
#[derive(Clone, Debug)]
struct Parser {
    name: String,
    cols: Columns,
    decimal_comma: bool,
    tz: Tz,
}

/// One row parsed, before it is stored.
#[derive(Clone, Copy, Debug)]
struct ParsedRow {
    /// The instant, unless `ambiguous`.
    utc: i64,
    volume: f64,
    /// NaN when the row has no handle time.
    aht: f64,
    line: u64,
    /// Index in the block's [`Parsed::queues`].
    queue: u32,
    /// 0, or 1 + the index in [`Parsed::ambiguous`] of a local time of
    /// the hour repeated when clocks go back: which of its two instants
    /// it is depends on the rows before it, in the file.
    ambiguous: u32,
}

/// A row's instant, as far as its own fields tell.
#[derive(Clone, Copy)]
enum Instant {
    Utc(i64),
    /// (local time as written, earlier instant, later instant).
    Ambiguous((i64, i64, i64)),
}

/// The rows of one block, parsed.
#[derive(Debug, Default)]
struct Parsed {
    rows: Vec<ParsedRow>,
    /// The raw queue names of the block, by first appearance in it.
    queues: Vec<Box<[u8]>>,
    /// (local time as written, earlier instant, later instant).
    ambiguous: Vec<(i64, i64, i64)>,
    /// The error that stopped the block, after `rows`.
    error: Option<Error>,
}

/// A thread's parsing state.
struct Work<'p> {
    parser: &'p Parser,
    zone: Zone,
    queues: Queues,
    ends: Vec<usize>,
    last_when: LastWhen,
}

/// The timestamp fields of the last row whose instant was read, and that
/// instant: the next row's, when its fields are the same bytes.
#[derive(Default)]
struct LastWhen {
    /// The fields one after the other.
    bytes: Vec<u8>,
    /// The length of the first.
    split: usize,
    instant: Option<Instant>,
}

impl LastWhen {
    fn get(&self, first: &[u8], second: &[u8]) -> Option<Instant> {
        let (a, b) = self.bytes.split_at_checked(self.split)?;
        (same(a, first) && same(b, second)).then_some(self.instant?)
    }

    fn set(&mut self, first: &[u8], second: &[u8], instant: Instant) {
        self.bytes.clear();
        self.bytes.extend_from_slice(first);
        self.bytes.extend_from_slice(second);
        self.split = first.len();
        self.instant = Some(instant);
    }
}

impl<'p> Work<'p> {
    fn new(parser: &'p Parser) -> Work<'p> {
        Work {
            parser,
            zone: Zone::new(parser.tz),
            queues: Queues::default(),
            ends: vec![],
            last_when: LastWhen::default(),
        }
    }

    /// Parses every row of `block`, up to the first error, into `rows`
    /// (emptied first).
    fn parse(
        &mut self,
        splitter: &Splitter,
        block: &Block,
        mut rows: Vec<ParsedRow>,
    ) -> Parsed {
        rows.clear();
        // About 40 bytes a row.
        rows.reserve(block.bytes.len() / 32);
        let mut parsed = Parsed { rows, ..Parsed::default() };
        let mut ends = std::mem::take(&mut self.ends);
        let result = splitter.rows(block, &mut ends, |line, fields| {
            self.row(&fields, line, &mut parsed)
        });
        self.ends = ends;
        parsed.error = result.err();
        parsed.queues = std::mem::take(&mut self.queues).raw;
        parsed
    }

    #[cold]
    fn bad(
        &self,
        line: u64,
        column: &str,
        expected: &str,
        found: &[u8],
    ) -> Error {
        let at = Location::file(&self.parser.name).line(line).column(column);
        InputError::new(at, expected).found(text(found)).into()
    }

    fn row(
        &mut self,
        record: &impl Record,
        line: u64,
        parsed: &mut Parsed,
    ) -> Result<()> {
        let cols = self.parser.cols;
        let queue = match cols.queue {
            Some(i) => {
                let raw = record.field(i);
                if raw.is_empty() {
                    return Err(self.bad(line, "queue", "a queue name", raw));
                }
                self.queues.id(raw)
            }
            None => self.queues.id(b"main"),
        };
        let (utc, ambiguous) = match self.when(record, line)? {
            Instant::Utc(utc) => (utc, 0),
            Instant::Ambiguous(repeated) => {
                parsed.ambiguous.push(repeated);
                (0, parsed.ambiguous.len() as u32)
            }
        };
        let volume = self.volume(record.field(cols.volume), line)?;
        let aht = match cols.aht {
            Some(i) => self.aht(record.field(i), volume, line)?,
            None => None,
        };
        parsed.rows.push(ParsedRow {
            utc,
            volume,
            aht: aht.unwrap_or(f64::NAN),
            line,
            queue,
            ambiguous,
        });
        Ok(())
    }
    /// The row's instant: the previous row's when its fields are the
    /// same bytes (exports write one timestamp for every queue in turn).
    fn when(&mut self, record: &impl Record, line: u64) -> Result<Instant> {
        let (first, second) = match self.parser.cols.when {
            When::Stamp(i) => (record.field(i), &[][..]),
            When::Split { date, time } => {
                (record.field(date), record.field(time))
            }
        };
        if let Some(instant) = self.last_when.get(first, second) {
            return Ok(instant);
        }
        let instant = self.read_when(first, second, line)?;
        self.last_when.set(first, second, instant);
        Ok(instant)
    }

    /// The instant of a row's `interval_start` field (`first`), or of its
    /// `date` and `time` fields.
    fn read_when(
        &mut self,
        first: &[u8],
        second: &[u8],
        line: u64,
    ) -> Result<Instant> {
        let (written, offset, shown): (i64, Option<i64>, &[u8]) =
            match self.parser.cols.when {
                When::Stamp(_) => {
                    let raw = first;
                    let stamp = parse_stamp(raw).ok_or_else(|| {
                        self.bad(
                            line,
                            "interval_start",
                            "a date and time such as 2025-11-28 09:30, \
                             28/11/2025 09:30 or 2025-11-28T09:30:00+01:00",
                            raw,
                        )
                    })?;
                    (stamp.local, stamp.offset, raw)
                }
                When::Split { .. } => {
                    let raw_date = first;
                    let day = parse_date(raw_date).ok_or_else(|| {
                        self.bad(
                            line,
                            "date",
                            "a date such as 2025-11-28 or 28/11/2025",
                            raw_date,
                        )
                    })?;
                    let raw_time = second;
                    let secs = parse_time(raw_time).ok_or_else(|| {
                        self.bad(
                            line,
                            "time",
                            "a time of day such as 09:30 or 09:30:00",
                            raw_time,
                        )
                    })?;
                    (day * 86_400 + secs, None, raw_time)
                }
            };
        if let Some(offset) = offset {
            return Ok(Instant::Utc(written - offset));
        }
        match self.zone.resolve(written) {
            Resolved::Skipped => {
                let expected = format!(
                    "a local time that exists in {} (this one falls in the \
                     hour skipped when clocks go forward)",
                    self.parser.tz
                );
                let column = self.parser.cols.time_name();
                Err(self.bad(line, column, &expected, shown))
            }
            Resolved::Two(earlier, later) => {
                Ok(Instant::Ambiguous((written, earlier, later)))
            }
            Resolved::One(utc) => Ok(Instant::Utc(utc)),
        }
    }

    fn volume(&self, raw: &[u8], line: u64) -> Result<f64> {
        match parse_number(raw, self.parser.decimal_comma) {
            Some(v) if (0.0..=MAX_VOLUME).contains(&v) => Ok(v + 0.0),
            value => Err(self.bad_volume(raw, value, line)),
        }
    }

    /// The error of a volume field that is not one (out of line: the
    /// check is inlined in every row).
    #[cold]
    fn bad_volume(&self, raw: &[u8], value: Option<f64>, line: u64) -> Error {
        match value {
            Some(v) if v > MAX_VOLUME => self.bad(
                line,
                "volume",
                "a volume of at most 1000000000 contacts per row",
                raw,
            ),
            _ => {
                let hint = if !self.parser.decimal_comma && raw.contains(&b',')
                {
                    "a non-negative number (with a decimal point: this \
                     file's delimiter is a comma)"
                } else {
                    "a non-negative number"
                };
                self.bad(line, "volume", hint, raw)
            }
        }
    }

    fn aht(&self, raw: &[u8], volume: f64, line: u64) -> Result<Option<f64>> {
        if raw.is_empty() {
            return Ok(None);
        }
        match parse_number(raw, self.parser.decimal_comma) {
            // Exports write 0 s of handle time for intervals without
            // contacts: that is "no value", not a zero handle time.
            Some(v) if v == 0.0 && volume == 0.0 => Ok(None),
            Some(v) if v > 0.0 && v < MAX_AHT_S => Ok(Some(v)),
            _ => Err(self.bad(
                line,
                "aht_s",
                "an average handle time in seconds, above 0 and below \
                 86400, or an empty cell",
                raw,
            )),
        }
    }
}

/// Whether `a` and `b` are the same bytes, compared eight at a time: the
/// fields compared on every row are short, and a call to `memcmp` cost
/// more than the comparison.
fn same(a: &[u8], b: &[u8]) -> bool {
    let ((a8, a1), (b8, b1)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    a.len() == b.len()
        && a8.iter().zip(b8).all(|(x, y)| x == y)
        && a1.iter().zip(b1).all(|(x, y)| x == y)
}

/// The row of a stored cell whose local time is `local`.
fn row_of(c: &Cell, local: i64) -> Row {
    Row { utc: c.utc, local, volume: c.volume, aht: c.aht, line: c.line }
}

/// A history read and checked whose queues are laid out as slots one at a
/// time, freeing each queue's store as it goes: what `validate` walks
/// without ever holding every queue's slots.
pub(crate) struct Aggregated {
    /// The file as the user named it.
    pub source: String,
    /// The zone of every timestamp.
    pub tz: Tz,
    /// The file's step.
    pub source_interval: IntervalLen,
    /// The step of the slots.
    pub interval: IntervalLen,
    names: Vec<String>,
    stores: Vec<Store>,
}

impl Aggregated {
    /// The queues with rows, sorted by name, each summed into slots of
    /// [`interval`](Self::interval) when the iterator reaches it.
    pub(crate) fn into_queues(self) -> impl Iterator<Item = QueueHistory> {
        let mut zone = Zone::new(self.tz);
        self.into_pending(|_| true).map(move |p| p.lay_out_in(&mut zone))
    }

    /// The names of the queues with rows, sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.order().into_iter().map(|q| self.names[q].as_str()).collect()
    }

    /// Each queue with rows, in [`names`](Self::names) order: its slots'
    /// count and the local days of its first and last slot, as laying it
    /// out would give them.
    pub(crate) fn outline(&self) -> Vec<Outline> {
        let mut zone = Zone::new(self.tz);
        let len = i64::from(self.interval.minutes()) * 60;
        let date =
            |local: i64| naive(local).map(|t| t.date()).unwrap_or_default();
        self.order()
            .into_iter()
            .map(|q| {
                let (mut starts, mut sorted) = (vec![], true);
                let (mut first, mut last) = (i64::MAX, i64::MIN);
                self.stores[q].each_row(&mut zone, |r| {
                    let start = r.utc - r.local.rem_euclid(len);
                    let local = r.local - r.local.rem_euclid(len);
                    (first, last) = (first.min(local), last.max(local));
                    match starts.last() {
                        Some(&s) if s == start => {}
                        Some(&s) => {
                            sorted &= s < start;
                            starts.push(start);
                        }
                        None => starts.push(start),
                    }
                });
                if !sorted {
                    starts.sort_unstable();
                    starts.dedup();
                }
                Outline {
                    slots: starts.len(),
                    first: date(first),
                    last: date(last),
                }
            })
            .collect()
    }

    /// The queues with rows that `keep` accepts, sorted by name, still as
    /// the reader stored them: each is laid out as slots by
    /// [`Pending::lay_out`], on any thread.
    pub(crate) fn into_pending(
        self,
        keep: impl Fn(&str) -> bool,
    ) -> impl Iterator<Item = Pending> {
        let mut order = self.order();
        order.retain(|&q| keep(&self.names[q]));
        let Aggregated { interval, tz, mut names, mut stores, .. } = self;
        order.into_iter().map(move |q| Pending {
            name: std::mem::take(&mut names[q]),
            store: std::mem::take(&mut stores[q]),
            interval,
            tz,
        })
    }

    /// The queues with rows, by name.
    fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.stores.len())
            .filter(|&q| self.stores[q].len() > 0)
            .collect();
        order.sort_by(|&a, &b| self.names[a].cmp(&self.names[b]));
        order
    }

    /// Every queue laid out.
    fn into_history(self) -> History {
        let (source, tz) = (self.source.clone(), self.tz);
        let (source_interval, interval) =
            (self.source_interval, self.interval);
        History {
            source,
            tz,
            source_interval,
            interval,
            queues: self.into_queues().collect(),
        }
    }
}

/// What laying a queue out would give, without laying it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Outline {
    /// Slots.
    pub slots: usize,
    /// The local days of the first and last slot.
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// One queue of an [`Aggregated`] history, not laid out yet.
pub(crate) struct Pending {
    name: String,
    store: Store,
    interval: IntervalLen,
    tz: Tz,
}

impl Pending {
    /// The queue summed into slots, its rows freed.
    pub(crate) fn lay_out(self) -> QueueHistory {
        let mut zone = Zone::new(self.tz);
        self.lay_out_in(&mut zone)
    }

    /// The queue's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The local start, volume and handle time of every slot
    /// [`lay_out`](Self::lay_out) would give, in the same order, without
    /// building them.
    pub(crate) fn slot_values(
        &self,
    ) -> impl Iterator<Item = (NaiveDateTime, f64, Option<f64>)> {
        let mut zone = Zone::new(self.tz);
        let buckets = buckets(&self.store, self.interval, &mut zone);
        buckets.into_iter().map(move |(start, acc)| {
            let local = zone.local(start);
            let local = zone.naive(local).unwrap_or_default();
            (local, acc.volume, acc.aht())
        })
    }

    fn lay_out_in(self, zone: &mut Zone) -> QueueHistory {
        let slots = aggregate(&self.store, self.interval, zone);
        QueueHistory { name: self.name, slots }
    }
}

/// What one pass over every row tells the checks: the dates, the spacing
/// of each queue, the seconds past the hour.
struct Scan {
    /// The first row (by line) dated outside [`DATE_RANGE`].
    out_of_range: Option<Row>,
    /// Each queue's local days, once per run of rows on the same day, all
    /// queues one after the other (the parts of the file are weighed by
    /// queue-days).
    days: Vec<i64>,
    /// Greatest common divisor of each queue's most common spacing.
    step: u32,
    /// The smallest positive spacing of any queue.
    smallest_gap: Option<i64>,
    /// For each second past the local hour: how many rows start there and
    /// the first of them by line.
    past_hour: Vec<(u64, Option<Row>)>,
    rows: u64,
}

fn day(r: &Row) -> i64 {
    r.local.div_euclid(86_400)
}

fn first_by_line(kept: &mut Option<Row>, r: &Row) {
    if kept.is_none_or(|k| r.line < k.line) {
        *kept = Some(*r);
    }
}

impl Scan {
    /// Scans every queue, on as many threads as there are: each queue is
    /// scanned alone and the scans combined, whose figures do not depend
    /// on the order (counts, minima, the first row by line; the days are
    /// sorted where they are used).
    fn run(stores: &[Store], tz: Tz) -> Scan {
        use rayon::prelude::*;
        stores
            .par_iter()
            .fold(Scan::empty, |mut scan, store| {
                scan.add(store, &mut Zone::new(tz));
                scan
            })
            .reduce(Scan::empty, Scan::combine)
    }

    fn empty() -> Scan {
        Scan {
            out_of_range: None,
            days: vec![],
            step: 0,
            smallest_gap: None,
            past_hour: vec![(0, None); 3600],
            rows: 0,
        }
    }

    /// Adds one queue's rows.
    fn add(&mut self, store: &Store, zone: &mut Zone) {
        let (lo, hi) = DATE_RANGE;
        let lo_day = days_from_civil(lo as u32, 1, 1).unwrap_or(0);
        let hi_day = days_from_civil(hi as u32, 12, 31).unwrap_or(i64::MAX);
        let scan = self;
        let start = scan.days.len();
        let mut counts = [0u64; 61];
        let mut previous: Option<i64> = None;
        store.each_row(zone, |r| {
            let d = day(r);
            if !(lo_day..=hi_day).contains(&d) {
                first_by_line(&mut scan.out_of_range, r);
            }
            if scan.days.len() == start || scan.days.last() != Some(&d) {
                scan.days.push(d);
            }
            if let Some(p) = previous.replace(r.utc) {
                let delta = r.utc - p;
                if delta > 0 {
                    let gap = scan.smallest_gap.get_or_insert(delta);
                    *gap = (*gap).min(delta);
                    if delta <= 3600 && delta % 60 == 0 {
                        counts[(delta / 60) as usize] += 1;
                    }
                }
            }
            let at = &mut scan.past_hour[r.local.rem_euclid(3600) as usize];
            at.0 += 1;
            first_by_line(&mut at.1, r);
            scan.rows += 1;
        });
        let mode = (1..=60u32)
            .filter(|&m| counts[m as usize] > 0)
            .max_by_key(|&m| (counts[m as usize], std::cmp::Reverse(m)));
        if let Some(m) = mode {
            scan.step = gcd(scan.step, m);
        }
    }

    /// Both scans' queues.
    fn combine(mut self, other: Scan) -> Scan {
        if let Some(r) = &other.out_of_range {
            first_by_line(&mut self.out_of_range, r);
        }
        self.days.extend(other.days);
        self.step = gcd(self.step, other.step);
        self.smallest_gap = match (self.smallest_gap, other.smallest_gap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (mine, theirs) in self.past_hour.iter_mut().zip(&other.past_hour) {
            mine.0 += theirs.0;
            if let Some(r) = &theirs.1 {
                first_by_line(&mut mine.1, r);
            }
        }
        self.rows += other.rows;
        self
    }

    /// Refuses a row dated outside [`DATE_RANGE`], or further than
    /// [`MAX_GAP_DAYS`] from the bulk of the rows (the longest stretch of
    /// dates without such a gap, by rows): a lone row in 9999 or 2200 is
    /// named by its line.
    fn check_span(
        &self,
        stores: &[Store],
        zone: &mut Zone,
        name: &str,
    ) -> Result<()> {
        let (lo, hi) = DATE_RANGE;
        if let Some(r) = &self.out_of_range {
            return Err(span_error(
                name,
                r,
                format!("a date from {lo} to {hi}"),
            ));
        }
        let mut days = self.days.clone();
        days.sort_unstable();
        let mut parts: Vec<(i64, i64, usize)> = vec![];
        for &d in &days {
            match parts.last_mut() {
                Some((_, last, n)) if d - *last <= MAX_GAP_DAYS => {
                    *last = d;
                    *n += 1;
                }
                _ => parts.push((d, d, 1)),
            }
        }
        if parts.len() < 2 {
            return Ok(());
        }
        let bulk =
            parts.iter().max_by_key(|p| p.2).copied().unwrap_or_default();
        let mut stray = None;
        for store in stores {
            store.each_row(zone, |r| {
                if !(bulk.0..=bulk.1).contains(&day(r)) {
                    first_by_line(&mut stray, r);
                }
            });
        }
        let Some(r) = stray else { return Ok(()) };
        let shown = |d: i64| {
            naive(d * 86_400).map(|t| t.date().to_string()).unwrap_or_default()
        };
        let away =
            if day(&r) < bulk.0 { bulk.0 - day(&r) } else { day(&r) - bulk.1 };
        Err(span_error(
            name,
            &r,
            format!(
                "a date near the rest of the file ({} to {}), not {away} \
                 days away from it: a typo in the year? (an outlier: more \
                 than {MAX_GAP_DAYS} days from any other row)",
                shown(bulk.0),
                shown(bulk.1)
            ),
        ))
    }

    /// The file's step, in minutes (a divisor of an hour).
    ///
    /// Each queue's most common positive spacing between consecutive rows
    /// (at most an hour) gives its step; the file's is their greatest
    /// common divisor. Rows off that grid are then errors, unless more
    /// than a tenth of the rows (and at least 3) are: then the file is
    /// finer than its spacing shows (exports that write only intervals
    /// with contacts), and the step is the grid every row sits on. With
    /// one row per queue, that grid is the step.
    fn step(&self) -> Result<IntervalLen, String> {
        if self.step == 0
            && let Some(gap) = self.smallest_gap
        {
            return Err(format!(
                "expected intervals of at most 60 minutes, found rows at \
                 least {} minutes apart (peakplan needs intraday history)",
                gap / 60
            ));
        }
        let present =
            || (0..3600i64).filter(|&s| self.past_hour[s as usize].0 > 0);
        // The coarsest grid of whole minutes every row sits on.
        let grid_secs = present().fold(3600, gcd_i64);
        let grid = gcd(60, u32::try_from(grid_secs / 60).unwrap_or(1));
        let minutes = if self.step == 0 {
            grid
        } else {
            let step = gcd(self.step, 60);
            let len = i64::from(step) * 60;
            let off: u64 = present()
                .filter(|s| s % len != 0)
                .map(|s| self.past_hour[s as usize].0)
                .sum();
            if off >= 3 && off * 10 > self.rows {
                gcd(step, grid)
            } else {
                step
            }
        };
        IntervalLen::from_source_minutes(minutes).ok_or_else(|| {
            "expected intervals that divide an hour".to_string()
        })
    }

    /// The first row (by line) off the grid of `step`.
    fn misaligned(&self, step: IntervalLen) -> Option<Row> {
        let len = i64::from(step.minutes()) * 60;
        let mut first = None;
        for (s, (_, r)) in self.past_hour.iter().enumerate() {
            if let Some(r) = r
                && s as i64 % len != 0
            {
                first_by_line(&mut first, r);
            }
        }
        first
    }
}

fn span_error(name: &str, r: &Row, expected: String) -> Error {
    let found = naive(r.local)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default();
    InputError::new(Location::file(name).line(r.line), expected)
        .found(found)
        .into()
}

fn gcd_i64(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd_i64(b, a % b) }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The interval to aggregate to: the one asked for when it is a multiple of
/// the file's step, else the finest planning interval that is.
fn target_interval(
    step: IntervalLen,
    asked: Option<IntervalLen>,
    file: &str,
) -> Result<IntervalLen> {
    let fits: Vec<IntervalLen> = IntervalLen::ALLOWED
        .iter()
        .filter_map(|&m| IntervalLen::from_minutes(m))
        .filter(|iv| iv.is_multiple_of(step))
        .collect();
    match asked {
        Some(iv) if iv.is_multiple_of(step) => Ok(iv),
        Some(iv) => {
            let names: Vec<String> =
                fits.iter().map(|f| f.to_string()).collect();
            Err(Error::usage(format!(
                "--interval {iv} does not fit {file}: its rows are {} \
                 minutes apart, so the interval must be a multiple of that \
                 ({})",
                step.minutes(),
                names.join(", ")
            )))
        }
        None => Ok(fits.first().copied().unwrap_or(step)),
    }
}

/// Sums one queue's rows (by instant) into local wall-clock intervals of
/// `interval`.
///
/// An interval is keyed by the instant of its local start, so the hour
/// repeated when clocks go back gives two intervals, one per offset.
fn aggregate(
    store: &Store,
    interval: IntervalLen,
    zone: &mut Zone,
) -> Vec<Slot> {
    buckets(store, interval, zone)
        .into_iter()
        .map(|(start, acc)| Slot {
            start: zone.datetime(start),
            volume: acc.volume,
            aht_s: acc.aht(),
            line: acc.line,
        })
        .collect()
}

/// One queue's rows summed by interval, as `(instant of its start, sums)`
/// sorted by instant: the slots of [`aggregate`].
fn buckets(
    store: &Store,
    interval: IntervalLen,
    zone: &mut Zone,
) -> Vec<(i64, Acc)> {
    let len = i64::from(interval.minutes()) * 60;
    // At most a bucket per row: one allocation instead of a dozen.
    let mut buckets: Vec<(i64, Acc)> = Vec::with_capacity(store.len());
    store.each_row(zone, |r| {
        let start = r.utc - r.local.rem_euclid(len);
        match buckets.last_mut() {
            Some((s, acc)) if *s == start => acc.add(r),
            _ => buckets.push((start, Acc::new(r))),
        }
    });
    if !buckets.is_sorted_by_key(|(s, _)| *s) {
        buckets.sort_by_key(|(s, _)| *s);
        buckets.dedup_by(|(s, later), (t, kept)| {
            let same = s == t;
            if same {
                kept.merge(later);
            }
            same
        });
    }
    buckets
}

/// Running sums for one interval.
#[derive(Clone, Copy, Debug)]
struct Acc {
    volume: f64,
    /// Σ volume × aht and Σ volume over rows with an AHT.
    aht_weighted: f64,
    aht_weight: f64,
    /// Plain Σ aht and count, for intervals whose rows have no volume.
    aht_sum: f64,
    aht_rows: u32,
    line: u64,
}

impl Acc {
    fn new(r: &Row) -> Acc {
        let mut acc = Acc {
            volume: 0.0,
            aht_weighted: 0.0,
            aht_weight: 0.0,
            aht_sum: 0.0,
            aht_rows: 0,
            line: r.line,
        };
        acc.add(r);
        acc
    }

    fn add(&mut self, r: &Row) {
        self.volume += r.volume;
        if let Some(aht) = r.aht {
            self.aht_weighted += r.volume * aht;
            self.aht_weight += r.volume;
            self.aht_sum += aht;
            self.aht_rows += 1;
        }
        self.line = self.line.min(r.line);
    }

    fn merge(&mut self, other: &Acc) {
        self.volume += other.volume;
        self.aht_weighted += other.aht_weighted;
        self.aht_weight += other.aht_weight;
        self.aht_sum += other.aht_sum;
        self.aht_rows += other.aht_rows;
        self.line = self.line.min(other.line);
    }

    fn aht(&self) -> Option<f64> {
        if self.aht_rows == 0 {
            None
        } else if self.aht_weight > 0.0 {
            Some(self.aht_weighted / self.aht_weight)
        } else {
            Some(self.aht_sum / f64::from(self.aht_rows))
        }
    }
}

/// A timestamp as written: local wall clock in seconds since
/// 1970-01-01T00:00, and the offset (seconds east of UTC) when written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    local: i64,
    offset: Option<i64>,
}

/// A byte cursor for hand-parsing dates and times: the common layouts
/// parse without allocating or going through a format string.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// `min..=max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut n: u32 = 0;
        while self.i < self.s.len() && self.i - start < max {
            let b = self.s[self.i];
            if !b.is_ascii_digit() {
                break;
            }
            n = n * 10 + u32::from(b - b'0');
            self.i += 1;
        }
        (self.i - start >= min).then_some(n)
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.s.get(self.i) == Some(&b);
        self.i += usize::from(hit);
        hit
    }

    fn done(&self) -> bool {
        self.i == self.s.len()
    }

    /// `YYYY-MM-DD` or `DD/MM/YYYY` (day and month may have one digit),
    /// as days since 1970-01-01.
    fn date(&mut self) -> Option<i64> {
        let start = self.i;
        let first = self.digits(1, 4)?;
        let width = self.i - start;
        if width == 4 && self.eat(b'-') {
            let month = self.digits(2, 2)?;
            self.eat(b'-').then_some(())?;
            let day = self.digits(2, 2)?;
            days_from_civil(first, month, day)
        } else if width <= 2 && self.eat(b'/') {
            let month = self.digits(1, 2)?;
            self.eat(b'/').then_some(())?;
            let year = self.digits(4, 4)?;
            days_from_civil(year, month, first)
        } else {
            None
        }
    }

    /// `H:MM`, `HH:MM`, `HH:MM:SS`, `HH:MM:SS.000` as seconds of the day.
    fn time(&mut self) -> Option<i64> {
        let hour = self.digits(1, 2)?;
        self.eat(b':').then_some(())?;
        let minute = self.digits(2, 2)?;
        let mut second = 0;
        if self.eat(b':') {
            second = self.digits(2, 2)?;
            if self.eat(b'.') || self.eat(b',') {
                let start = self.i;
                while self.eat(b'0') {}
                if self.i == start
                    || self.s.get(self.i).is_some_and(u8::is_ascii_digit)
                {
                    return None;
                }
            }
        }
        (hour < 24 && minute < 60 && second < 60).then(|| {
            i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        })
    }

    /// `Z`, `+HH:MM`, `+HHMM` or `+HH`, as seconds east of UTC.
    fn offset(&mut self) -> Option<i64> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let hours = self.digits(2, 2)?;
        let colon = self.eat(b':');
        let minutes =
            if colon || !self.done() { self.digits(2, 2)? } else { 0 };
        (hours < 24 && minutes < 60).then(|| {
            sign * (i64::from(hours) * 3600 + i64::from(minutes) * 60)
        })
    }
}

/// Parses a whole `interval_start` field.
fn parse_stamp(s: &[u8]) -> Option<Stamp> {
    fixed_stamp(s).or_else(|| any_stamp(s))
}

/// The digits `s[i..i + n]` as a number, if they all are digits.
fn fixed_digits(s: &[u8], i: usize, n: usize) -> Option<u32> {
    s[i..i + n].iter().try_fold(0u32, |v, &b| {
        b.is_ascii_digit().then(|| v * 10 + u32::from(b - b'0'))
    })
}

/// The layouts exports write most, at fixed places:
/// `YYYY-MM-DDTHH:MM:SS+HH:MM`, `YYYY-MM-DD HH:MM:SS` and
/// `YYYY-MM-DD HH:MM` (`T`, `t` or a space between date and time): the
/// same result as [`any_stamp`] for them in a tenth of the time; `None`
/// for anything else.
fn fixed_stamp(s: &[u8]) -> Option<Stamp> {
    let (seconds, offset) = match s.len() {
        16 => (false, false),
        19 => (true, false),
        25 => (true, true),
        _ => return None,
    };
    if s[4] != b'-' || s[7] != b'-' || s[13] != b':' {
        return None;
    }
    if !matches!(s[10], b'T' | b't' | b' ') || seconds && s[16] != b':' {
        return None;
    }
    let day = days_from_civil(
        fixed_digits(s, 0, 4)?,
        fixed_digits(s, 5, 2)?,
        fixed_digits(s, 8, 2)?,
    )?;
    let (hour, minute) = (fixed_digits(s, 11, 2)?, fixed_digits(s, 14, 2)?);
    let second = if seconds { fixed_digits(s, 17, 2)? } else { 0 };
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    let secs = i64::from(hour * 3600 + minute * 60 + second);
    let offset = if offset {
        let sign = match s[19] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (hours, minutes) =
            (fixed_digits(s, 20, 2)?, fixed_digits(s, 23, 2)?);
        if s[22] != b':' || hours >= 24 || minutes >= 60 {
            return None;
        }
        Some(sign * i64::from(hours * 3600 + minutes * 60))
    } else {
        None
    };
    Some(Stamp { local: day * 86_400 + secs, offset })
}

/// Parses a whole `interval_start` field in any layout it may have.
fn any_stamp(s: &[u8]) -> Option<Stamp> {
    let mut c = Cursor { s, i: 0 };
    let day = c.date()?;
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let secs = c.time()?;
    let offset = if c.done() { None } else { Some(c.offset()?) };
    c.done().then_some(Stamp { local: day * 86_400 + secs, offset })
}

/// Parses a whole `date` field, as days since 1970-01-01.
fn parse_date(s: &[u8]) -> Option<i64> {
    let mut c = Cursor { s, i: 0 };
    let day = c.date()?;
    c.done().then_some(day)
}

/// Parses a whole `time` field, as seconds of the day.
fn parse_time(s: &[u8]) -> Option<i64> {
    let mut c = Cursor { s, i: 0 };
    let secs = c.time()?;
    c.done().then_some(secs)
}

/// Days since 1970-01-01 of a date, or `None` when the date does not exist
/// or lies outside the years 1000–9999.
///
/// Plain arithmetic on the proleptic Gregorian calendar, with March as the
/// first month so that the leap day ends the year (H. Hinnant,
/// "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`): it
/// runs once per row, where a calendar library's checked constructor cost
/// a twentieth of the reading time.
fn days_from_civil(year: u32, month: u32, day: u32) -> Option<i64> {
    if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let leap = year.is_multiple_of(4)
        && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let month_days =
        [31, 28 + u32::from(leap), 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if day == 0 || day > month_days[month as usize - 1] {
        return None;
    }
    let (y, m) = if month <= 2 {
        (i64::from(year) - 1, i64::from(month) + 9)
    } else {
        (i64::from(year), i64::from(month) - 3)
    };
    let (era, year_of_era) = (y / 400, y % 400);
    let day_of_year = (153 * m + 2) / 5 + i64::from(day) - 1;
    let day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// Parses a number as spreadsheets write it: `12`, `12.5`, and `12,5` when
/// `decimal_comma`. Rejects words (`NaN`, `inf`), thousands separators and
/// anything else that is not plainly a number; the caller checks the range.
fn parse_number(s: &[u8], decimal_comma: bool) -> Option<f64> {
    // Fast path: up to 15 digits with at most one decimal separator. Both
    // the digits and the power of ten are exact in an f64, so one division
    // rounds correctly: the result equals `str::parse`'s.
    if !s.is_empty() && s.len() <= 16 {
        let (mut mantissa, mut point, mut simple) = (0u64, None, true);
        for (i, &b) in s.iter().enumerate() {
            let digit = b.wrapping_sub(b'0');
            if digit < 10 {
                mantissa = mantissa * 10 + u64::from(digit);
            } else if point.is_none()
                && (b == b'.' || b == b',' && decimal_comma)
            {
                point = Some(i);
            } else {
                simple = false;
                break;
            }
        }
        let digits = s.len() - usize::from(point.is_some());
        if simple && digits > 0 && digits <= 15 {
            const SCALE: [f64; 16] = [
                1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                1e12, 1e13, 1e14, 1e15,
            ];
            let decimals = point.map_or(0, |p| s.len() - 1 - p);
            // Through i64, which converts in one instruction: exact both
            // ways below 10^15.
            return Some(mantissa as i64 as f64 / SCALE[decimals]);
        }
    }
    parse_other_number(s, decimal_comma)
}

/// [`parse_number`] for what its fast path does not read, through
/// `str::parse`.
#[inline(never)]
fn parse_other_number(s: &[u8], decimal_comma: bool) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let mut buf = [0u8; 64];
    if s.len() > buf.len() {
        return None;
    }
    for (out, &b) in buf.iter_mut().zip(s) {
        *out = match b {
            b',' if decimal_comma => b'.',
            b'0'..=b'9' | b'.' | b'+' | b'-' | b'e' | b'E' => b,
            _ => return None,
        };
    }
    let v: f64 = std::str::from_utf8(&buf[..s.len()]).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Seconds since the epoch as a naive date-time.
fn naive(secs: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
}

/// A naive local time resolved in the zone.
enum Resolved {
    One(i64),
    /// Repeated when clocks go back: the earlier and the later instant.
    Two(i64, i64),
    /// Skipped when clocks go forward.
    Skipped,
}

/// The zone, with the offset of the last local day seen: rows come in
/// date order, and a day without a clock change has one offset.
struct Zone {
    tz: Tz,
    day: i64,
    /// `Some(local − utc, offset)` when `day` has a single offset.
    fixed: Option<(i64, TzOffset)>,
    /// The instants of `day`, when `fixed`: where `fixed` holds.
    span: (i64, i64),
    /// The last day [`Zone::naive`] gave, as (days since the epoch, date).
    date: Option<(i64, NaiveDate)>,
}

impl Zone {
    fn new(tz: Tz) -> Zone {
        Zone { tz, day: i64::MIN, fixed: None, span: (0, 0), date: None }
    }

    /// [`naive`], keeping the date of the last day: the slots of a day
    /// follow each other, and the calendar's date arithmetic cost more
    /// than the rest of laying a slot out.
    fn naive(&mut self, secs: i64) -> Option<NaiveDateTime> {
        let (day, second) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        if let Some((d, date)) = self.date
            && d == day
        {
            let time = NaiveTime::from_num_seconds_from_midnight_opt(
                second as u32,
                0,
            );
            return time.map(|t| date.and_time(t));
        }
        let t = naive(secs)?;
        self.date = Some((day, t.date()));
        Some(t)
    }

    /// The offset of local day `day` when it has only one.
    fn day_offset(&mut self, day: i64) -> Option<(i64, TzOffset)> {
        if day != self.day {
            self.day = day;
            let single = |secs| match naive(secs)
                .map(|t| self.tz.offset_from_local_datetime(&t))
            {
                Some(LocalResult::Single(o)) => {
                    Some((i64::from(o.fix().local_minus_utc()), o))
                }
                _ => None,
            };
            let start = single(day * 86_400);
            let end = single(day * 86_400 + 86_399);
            self.fixed = start.filter(|s| Some(s.0) == end.map(|e| e.0));
            if let Some((offset, _)) = self.fixed {
                self.span =
                    (day * 86_400 - offset, (day + 1) * 86_400 - offset);
            }
        }
        self.fixed
    }

    /// The cached offset, when `utc` falls on the cached local day.
    fn cached(&self, utc: i64) -> Option<(i64, TzOffset)> {
        self.fixed.filter(|_| (self.span.0..self.span.1).contains(&utc))
    }

    /// The instant(s) of a naive local time.
    fn resolve(&mut self, local: i64) -> Resolved {
        if let Some((offset, _)) = self.day_offset(local.div_euclid(86_400)) {
            return Resolved::One(local - offset);
        }
        let utc = |o: &TzOffset| local - i64::from(o.fix().local_minus_utc());
        match naive(local).map(|t| self.tz.offset_from_local_datetime(&t)) {
            Some(LocalResult::Single(o)) => Resolved::One(utc(&o)),
            Some(LocalResult::Ambiguous(a, b)) => {
                let (a, b) = (utc(&a), utc(&b));
                Resolved::Two(a.min(b), a.max(b))
            }
            Some(LocalResult::None) | None => Resolved::Skipped,
        }
    }

    /// The offset of an instant.
    fn offset(&mut self, utc: i64) -> (i64, TzOffset) {
        if let Some(hit) = self.cached(utc) {
            return hit;
        }
        let t = naive(utc).unwrap_or_default();
        let o = self.tz.offset_from_utc_datetime(&t);
        let offset = i64::from(o.fix().local_minus_utc());
        self.day_offset((utc + offset).div_euclid(86_400));
        (offset, o)
    }

    /// The local wall-clock time of an instant.
    fn local(&mut self, utc: i64) -> i64 {
        utc + self.offset(utc).0
    }

    /// An instant as a date-time in the zone.
    fn datetime(&mut self, utc: i64) -> DateTime<Tz> {
        let (_, o) = self.offset(utc);
        let t = self.naive(utc).unwrap_or_default();
        DateTime::from_naive_utc_and_offset(t, o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::{Datelike, NaiveDate, Timelike, Utc};

    fn read_str(
        csv: &str,
        opts: &HistoryOptions,
    ) -> Result<(History, ReadReport)> {
        read_from("h.csv", std::io::Cursor::new(csv.as_bytes().to_vec()), opts)
    }

    fn ok(csv: &str) -> History {
        read_str(csv, &HistoryOptions::default()).unwrap().0
    }

    fn err(csv: &str) -> String {
        err_with(csv, &HistoryOptions::default())
    }

    fn err_with(csv: &str, opts: &HistoryOptions) -> String {
        read_str(csv, opts).unwrap_err().to_string()
    }

    fn minutes(m: u32) -> Option<IntervalLen> {
        IntervalLen::from_minutes(m)
    }

    /// (local "YYYY-MM-DD HH:MM", offset, volume) of a queue's slots.
    fn slots(h: &History, queue: &str) -> Vec<(String, String, f64)> {
        let q = h.queues.iter().find(|q| q.name == queue).unwrap();
        q.slots
            .iter()
            .map(|s| {
                (
                    s.start.format("%Y-%m-%d %H:%M").to_string(),
                    s.start.format("%:z").to_string(),
                    s.volume,
                )
            })
            .collect()
    }

    #[test]
    fn reads_the_documented_layout() {
        let h = ok("interval_start,queue,volume,aht_s\n\
                    2025-11-28T09:00:00+01:00,sav,12,300\n\
                    2025-11-28T09:30:00+01:00,sav,14,\n\
                    2025-11-28T09:00:00+01:00,commandes,3.5,240\n");
        assert_eq!(h.source, "h.csv");
        assert_eq!(h.source_interval.minutes(), 30);
        assert_eq!(h.interval.minutes(), 30);
        let names: Vec<_> = h.queues.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["commandes", "sav"]);
        let sav = &h.queues[1].slots;
        assert_eq!(sav.len(), 2);
        assert_eq!(sav[0].start.to_rfc3339(), "2025-11-28T09:00:00+01:00");
        assert_eq!(sav[0].volume, 12.0);
        assert_eq!(sav[0].aht_s, Some(300.0));
        assert_eq!(sav[0].line, 2);
        assert_eq!(sav[1].aht_s, None);
        assert_eq!(h.queues[0].slots[0].volume, 3.5);
    }

    #[test]
    fn header_is_case_insensitive_trimmed_and_tolerant() {
        let h = ok(" Interval_Start , VOLUME ,Comment\n\
                    2025-11-28 09:00,5,hello\n2025-11-28 09:15,6,\n");
        assert_eq!(h.queues.len(), 1);
        assert_eq!(h.queues[0].name, "main");
        assert_eq!(h.source_interval.minutes(), 15);
        let e = err("interval_start,volume,Volume\n2025-11-28 09:00,1,2\n");
        assert!(e.starts_with("h.csv:1: column \"volume\""), "{e}");
        let e = err("interval_start,calls\n2025-11-28 09:00,1\n");
        assert_eq!(
            e,
            "h.csv:1: expected a column named \"volume\" in the header, \
             found \"interval_start,calls\""
        );
        let e = err("when,volume\n2025-11-28 09:00,1\n");
        assert!(
            e.contains("\"interval_start\" (or \"date\" and \"time\")"),
            "{e}"
        );
        let e = err("date,volume\n2025-11-28,1\n");
        assert!(e.contains("\"time\" beside \"date\""), "{e}");
    }

    #[test]
    fn bom_semicolons_and_decimal_commas() {
        let h = ok("\u{feff}interval_start;volume;aht_s\r\n\
                    2025-11-28 09:00;12,5;310,5\r\n\
                    2025-11-28 09:30;\"1,5\";\r\n");
        let s = &h.queues[0].slots;
        assert_eq!((s[0].volume, s[0].aht_s), (12.5, Some(310.5)));
        assert_eq!(s[1].volume, 1.5);
        // With a comma delimiter a decimal comma is refused, with a hint.
        let e = err("interval_start,volume\n2025-11-28 09:00,\"12,5\"\n");
        assert!(e.contains("decimal point"), "{e}");
        assert!(e.starts_with("h.csv:2: column \"volume\""), "{e}");
    }

    #[test]
    fn split_date_and_time_columns_french_style() {
        let h = ok("Date;Time;Queue;Volume\n\
                    28/11/2025;9:00;sav;4\n28/11/2025;09:30:00;sav;5\n\
                    1/12/2025;10:00;sav;6\n");
        assert_eq!(
            slots(&h, "sav"),
            vec![
                ("2025-11-28 09:00".into(), "+01:00".into(), 4.0),
                ("2025-11-28 09:30".into(), "+01:00".into(), 5.0),
                ("2025-12-01 10:00".into(), "+01:00".into(), 6.0),
            ]
        );
        let e = err("date,time,volume\n2025-02-30,09:00,1\n");
        assert!(
            e.starts_with("h.csv:2: column \"date\": expected a date"),
            "{e}"
        );
        let e = err("date,time,volume\n2025-02-03,9h00,1\n");
        assert!(
            e.starts_with("h.csv:2: column \"time\": expected a time"),
            "{e}"
        );
    }

    #[test]
    fn timestamps_with_offsets_are_converted_to_the_zone() {
        let h = ok("interval_start,volume\n\
                    2025-11-28T08:00:00Z,1\n\
                    2025-11-28T04:30:00-04:00,2\n\
                    2025-11-28T10:00+0100,3\n\
                    2025-11-28T11:30:00+01,4\n");
        let got: Vec<_> = slots(&h, "main").into_iter().map(|s| s.0).collect();
        assert_eq!(
            got,
            [
                "2025-11-28 09:00",
                "2025-11-28 09:30",
                "2025-11-28 10:00",
                "2025-11-28 11:30"
            ]
        );
        // Summer offset written, converted to the instant then to Paris.
        let h = ok("interval_start,volume\n2025-07-01T09:00:00+01:00,1\n");
        assert_eq!(
            h.queues[0].slots[0].start.to_rfc3339(),
            "2025-07-01T10:00:00+02:00"
        );
        for bad in [
            "2025-11-28",
            "2025-11-28T25:00",
            "2025-11-28 09:00 +01:00",
            "28-11-2025 09:00",
            "11/28/2025 09:00",
            "2025-11-28T09:00:00+1",
            "2025-11-28T09:00:00.5",
            "",
        ] {
            let e = err(&format!("interval_start,volume\n\"{bad}\",1\n"));
            assert!(
                e.starts_with("h.csv:2: column \"interval_start\": expected a date and time"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn naive_times_are_read_in_the_given_zone() {
        let opts = HistoryOptions {
            tz: chrono_tz::America::New_York,
            ..Default::default()
        };
        let (h, _) =
            read_str("interval_start,volume\n2003-03-03T07:00:00,1\n", &opts)
                .unwrap();
        let t = h.queues[0].slots[0].start;
        assert_eq!(
            t.with_timezone(&Utc).to_rfc3339(),
            "2003-03-03T12:00:00+00:00"
        );
        assert_eq!(h.tz, chrono_tz::America::New_York);
    }

    #[test]
    fn a_spring_forward_day_has_23_hours_and_no_0230() {
        let mut csv = String::from("interval_start,volume\n");
        for h in [0, 1, 3, 4] {
            csv.push_str(&format!(
                "2025-03-30 {h:02}:00,1\n2025-03-30 {h:02}:30,1\n"
            ));
        }
        let h = ok(&csv);
        let got = slots(&h, "main");
        assert_eq!(got[3], ("2025-03-30 01:30".into(), "+01:00".into(), 1.0));
        assert_eq!(got[4], ("2025-03-30 03:00".into(), "+02:00".into(), 1.0));
        let e = err(
            "interval_start,volume\n2025-03-30 01:30,1\n2025-03-30 02:30,1\n",
        );
        assert!(
            e.starts_with(
                "h.csv:3: column \"interval_start\": expected a local time that \
                 exists in Europe/Paris"
            ),
            "{e}"
        );
        assert!(e.ends_with("found \"2025-03-30 02:30\""), "{e}");
        let e = err("date,time,volume\n2025-03-30,02:00,1\n");
        assert!(e.starts_with("h.csv:2: column \"time\""), "{e}");
    }

    #[test]
    fn the_repeated_autumn_hour_is_read_in_order_of_appearance() {
        let csv = "interval_start,queue,volume\n\
                   2025-10-26 01:30,a,1\n\
                   2025-10-26 02:00,a,2\n\
                   2025-10-26 02:00,b,20\n\
                   2025-10-26 02:30,a,3\n\
                   2025-10-26 02:00,a,4\n\
                   2025-10-26 02:30,a,5\n\
                   2025-10-26 02:00,b,40\n\
                   2025-10-26 03:00,a,6\n";
        let (h, report) = read_str(csv, &HistoryOptions::default()).unwrap();
        assert_eq!(report.ambiguous, 6);
        assert_eq!(
            slots(&h, "a"),
            vec![
                ("2025-10-26 01:30".into(), "+02:00".into(), 1.0),
                ("2025-10-26 02:00".into(), "+02:00".into(), 2.0),
                ("2025-10-26 02:30".into(), "+02:00".into(), 3.0),
                ("2025-10-26 02:00".into(), "+01:00".into(), 4.0),
                ("2025-10-26 02:30".into(), "+01:00".into(), 5.0),
                ("2025-10-26 03:00".into(), "+01:00".into(), 6.0),
            ]
        );
        let b = slots(&h, "b");
        assert_eq!(b[0].1, "+02:00");
        assert_eq!(b[1].1, "+01:00");
        // Aggregated to an hour, the repeated hour stays two intervals.
        let opts =
            HistoryOptions { interval: minutes(60), ..Default::default() };
        let (h, _) = read_str(csv, &opts).unwrap();
        let got: Vec<_> =
            slots(&h, "a").into_iter().map(|s| (s.1, s.2)).collect();
        assert_eq!(
            got,
            [
                ("+02:00".into(), 1.0),
                ("+02:00".into(), 5.0),
                ("+01:00".into(), 9.0),
                ("+01:00".into(), 6.0)
            ]
        );
        // A third 02:00 is a duplicate of the second.
        let e = err(
            "interval_start,volume\n2025-10-26 02:00,1\n2025-10-26 02:00,1\n\
             2025-10-26 02:00,1\n2025-10-26 01:30,1\n",
        );
        assert!(
            e.starts_with(
                "h.csv:4: queue \"main\" interval 2025-10-26T02:00:00+01:00"
            ),
            "{e}"
        );
    }

    #[test]
    fn detects_the_step_and_aggregates_15_30_60() {
        let mut csv = String::from("interval_start,volume,aht_s\n");
        for (i, m) in (0..8).map(|i| (i, i * 15)).collect::<Vec<_>>() {
            let v = i + 1;
            let aht =
                if i == 0 { String::new() } else { (100 * v).to_string() };
            csv.push_str(&format!(
                "2025-01-06 {:02}:{:02},{v},{aht}\n",
                9 + m / 60,
                m % 60
            ));
        }
        let vols = |h: &History| {
            h.queues[0].slots.iter().map(|s| s.volume).collect::<Vec<_>>()
        };
        let h = ok(&csv);
        assert_eq!(h.source_interval.minutes(), 15);
        assert_eq!(vols(&h), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        let opts =
            HistoryOptions { interval: minutes(30), ..Default::default() };
        let (h30, _) = read_str(&csv, &opts).unwrap();
        assert_eq!(h30.interval.minutes(), 30);
        assert_eq!(h30.source_interval.minutes(), 15);
        assert_eq!(vols(&h30), [3.0, 7.0, 11.0, 15.0]);
        // Volume-weighted AHT; the first row has none.
        assert_eq!(h30.queues[0].slots[0].aht_s, Some(200.0));
        let a = h30.queues[0].slots[1].aht_s.unwrap();
        assert!((a - (3.0 * 300.0 + 4.0 * 400.0) / 7.0).abs() < 1e-9, "{a}");
        assert_eq!(h30.queues[0].slots[1].line, 4);
        let opts =
            HistoryOptions { interval: minutes(60), ..Default::default() };
        let (h60, _) = read_str(&csv, &opts).unwrap();
        assert_eq!(vols(&h60), [10.0, 26.0]);
        assert_eq!(
            h60.queues[0].slots[1].start.format("%H:%M").to_string(),
            "10:00"
        );
        let total: f64 = vols(&h60).iter().sum();
        assert_eq!(total, 36.0);
        // Finer than the source, or not a multiple of it: usage errors.
        let opts =
            HistoryOptions { interval: minutes(5), ..Default::default() };
        let e = read_str(&csv, &opts).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().contains("--interval 5m does not fit h.csv"),
            "{e}"
        );
    }

    #[test]
    fn step_detection_ignores_gaps_and_rejects_off_grid_rows() {
        // 10-minute data with a missing stretch: still 10 minutes.
        let h = ok(
            "interval_start,volume\n2025-01-06 09:00,1\n2025-01-06 09:10,1\n\
                    2025-01-06 09:20,1\n2025-01-06 11:00,1\n2025-01-06 11:10,1\n",
        );
        assert_eq!(h.source_interval.minutes(), 10);
        assert_eq!(h.interval.minutes(), 10);
        // One row only: the coarsest grid it sits on.
        assert_eq!(
            ok("interval_start,volume\n2025-01-06 09:30,1\n")
                .source_interval
                .minutes(),
            30
        );
        assert_eq!(
            ok("interval_start,volume\n2025-01-06 09:00,1\n")
                .source_interval
                .minutes(),
            60
        );
        let e = err(
            "interval_start,volume\n2025-01-06 09:00,1\n2025-01-06 09:30,1\n\
                     2025-01-06 10:00,1\n2025-01-06 10:10,1\n2025-01-06 10:30,1\n",
        );
        assert_eq!(
            e,
            "h.csv:5: column \"interval_start\": expected a time on this file's \
             30-minute grid (detected from the rows' spacing), found \"2025-01-06 10:10:00\""
        );
        // Sparse 15-minute data (only intervals with contacts) whose most
        // common spacing is 30 minutes reads at 15 minutes.
        let h = ok("interval_start,volume\n2025-01-06 09:00,1\n\
                    2025-01-06 09:30,1\n2025-01-06 10:00,1\n\
                    2025-01-06 10:15,1\n2025-01-06 10:45,1\n\
                    2025-01-06 11:15,1\n2025-01-06 11:45,1\n");
        assert_eq!(h.source_interval.minutes(), 15);
        // Queues of different steps read at their common grid.
        let h = ok("interval_start,queue,volume\n2025-01-06 09:00,a,1\n\
                    2025-01-06 10:00,a,1\n2025-01-06 09:00,b,1\n\
                    2025-01-06 09:20,b,1\n2025-01-06 09:40,b,1\n");
        assert_eq!(h.source_interval.minutes(), 20);
        assert_eq!(h.interval.minutes(), 60);
        let e = err(
            "interval_start,volume\n2025-01-06 09:00:30,1\n2025-01-06 09:30:30,1\n",
        );
        assert!(
            e.starts_with(
                "h.csv:2: column \"interval_start\": expected a time on"
            ),
            "{e}"
        );
        let e = err(
            "interval_start,volume\n2025-01-06 09:00,1\n2025-01-07 09:00,1\n",
        );
        assert!(e.contains("at most 60 minutes"), "{e}");
    }

    #[test]
    fn six_minute_data_aggregates_to_30_minutes_by_default() {
        let mut csv = String::from("interval_start,volume\n");
        for i in 0..20 {
            csv.push_str(&format!(
                "1999-03-01 {:02}:{:02}:00,1\n",
                7 + i * 6 / 60,
                i * 6 % 60
            ));
        }
        let opts = HistoryOptions {
            tz: chrono_tz::Asia::Jerusalem,
            ..Default::default()
        };
        let (h, _) = read_str(&csv, &opts).unwrap();
        assert_eq!(h.source_interval.minutes(), 6);
        assert_eq!(h.interval.minutes(), 30);
        let v: Vec<f64> = h.queues[0].slots.iter().map(|s| s.volume).collect();
        assert_eq!(v, [5.0, 5.0, 5.0, 5.0]);
        let opts = HistoryOptions { interval: minutes(15), ..opts };
        let e = read_str(&csv, &opts).unwrap_err().to_string();
        assert!(e.contains("multiple of that (30m, 60m)"), "{e}");
    }

    #[test]
    fn duplicates_are_errors_or_sums() {
        let csv = "interval_start,queue,volume,aht_s\n\
                   2025-03-30T10:00:00+02:00,sav,1,100\n\
                   2025-03-30T10:30:00+02:00,sav,1,100\n\
                   2025-03-30 10:00,sav,3,200\n";
        let e = err(csv);
        assert_eq!(
            e,
            "h.csv:4: queue \"sav\" interval 2025-03-30T10:00:00+02:00 appears \
             twice, first on line 2 (use --duplicates sum to add them)"
        );
        let opts = HistoryOptions {
            duplicates: Duplicates::Sum,
            ..Default::default()
        };
        let (h, report) = read_str(csv, &opts).unwrap();
        let s = &h.queues[0].slots;
        assert_eq!(h.source_interval.minutes(), 30);
        assert_eq!(
            (s[0].volume, s[0].aht_s, s[0].line),
            (4.0, Some(175.0), 2)
        );
        assert_eq!(report.duplicates.len(), 1);
        assert_eq!(
            (report.duplicates[0].first_line, report.duplicates[0].line),
            (2, 4)
        );
        // The same time in two queues is not a duplicate.
        ok(
            "interval_start,queue,volume\n2025-03-30 10:00,a,1\n2025-03-30 10:00,b,1\n",
        );
    }

    #[test]
    fn a_row_far_from_the_rest_is_refused_with_its_line() {
        let head = "interval_start,volume\n2025-01-06 09:00,1\n\
                    2025-01-06 09:30,2\n2025-01-07 09:00,3\n";
        let far = err(&format!("{head}9999-06-01 10:00,4\n"));
        assert_eq!(
            far,
            "h.csv:5: expected a date from 1970 to 2100, found \
             \"9999-06-01 10:00\""
        );
        let lone = err(&format!("{head}2090-06-01 10:00,4\n"));
        assert!(
            lone.starts_with(
                "h.csv:5: expected a date near the rest of \
             the file (2025-01-06 to 2025-01-07), not 23886 days away"
            ),
            "{lone}"
        );
        // The stray row may come first: the bulk is where most rows are.
        let first = err(&format!(
            "interval_start,volume\n1999-01-06 09:00,1\n{}",
            &head["interval_start,volume\n".len()..]
        ));
        assert!(first.starts_with("h.csv:2: expected a date near"), "{first}");
        // A year without data between two is not a typo.
        let h = ok(&format!("{head}2026-01-05 09:00,4\n"));
        assert_eq!(h.queues[0].slots.len(), 4);
    }

    #[test]
    fn bad_values_name_line_and_column() {
        let head =
            "interval_start,queue,volume,aht_s\n2025-01-06 09:00,sav,1,300\n";
        let cases = [
            (
                "2025-01-06 09:30,sav,douze,300",
                "column \"volume\": expected a non-negative number, found \"douze\"",
            ),
            (
                "2025-01-06 09:30,sav,-1,300",
                "column \"volume\": expected a non-negative number, found \"-1\"",
            ),
            ("2025-01-06 09:30,sav,NaN,300", "found \"NaN\""),
            ("2025-01-06 09:30,sav,inf,300", "found \"inf\""),
            ("2025-01-06 09:30,sav,1e999,300", "found \"1e999\""),
            ("2025-01-06 09:30,sav,,300", "found \"\""),
            (
                "2025-01-06 09:30,sav,2e9,300",
                "expected a volume of at most 1000000000",
            ),
            ("2025-01-06 09:30,sav,1 000,300", "found \"1 000\""),
            (
                "2025-01-06 09:30,sav,5,0",
                "column \"aht_s\": expected an average handle time",
            ),
            ("2025-01-06 09:30,sav,5,-3", "column \"aht_s\""),
            ("2025-01-06 09:30,sav,5,90000", "column \"aht_s\""),
            ("2025-01-06 09:30,sav,5,abc", "column \"aht_s\""),
            (
                "2025-01-06 09:30, ,5,300",
                "column \"queue\": expected a queue name",
            ),
            (
                "2025-01-06 09:30,sav,5",
                "expected 4 fields like the header, found 3",
            ),
        ];
        for (row, want) in cases {
            let e = err(&format!("{head}{row}\n"));
            assert!(e.starts_with("h.csv:3: "), "{row}: {e}");
            assert!(e.contains(want), "{row}: {e}");
        }
        // Zero AHT on a zero-volume row is an empty value; blank lines skip.
        let h = ok(&format!("{head}\n\n2025-01-06 09:30,sav,0,0\n,,,\n"));
        assert_eq!(h.queues[0].slots[1].aht_s, None);
        assert_eq!(h.queues[0].slots[1].line, 5);
        let e = err("interval_start,volume\n");
        assert_eq!(
            e,
            "h.csv: expected at least one data row after the header"
        );
    }

    /// A history of several blocks (the reader splits 256 KiB at a time)
    /// with the hour repeated in autumn, queues in changing order and, when
    /// `tail` is given, that row appended.
    fn big_history(header: &str, tail: &str) -> String {
        let mut csv = format!("{header}\n");
        let start = NaiveDate::from_ymd_opt(2025, 10, 20)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        let mut seed = 7u64;
        for i in 0..2400 {
            let t = start + chrono::Duration::minutes(15 * i);
            // The repeated hour is written twice, naive, in order.
            let times =
                if t.date().day() == 26 && t.hour() == 2 { 2 } else { 1 };
            for _ in 0..times {
                for q in 0..12 {
                    let q = if i % 2 == 0 { q } else { 11 - q };
                    seed =
                        seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let v = (seed >> 40) % 50;
                    let aht = if v == 0 {
                        String::new()
                    } else {
                        format!(
                            "{}.{}",
                            200 + (seed >> 20) % 100,
                            (seed >> 8) % 10
                        )
                    };
                    csv.push_str(&format!(
                        "{},q{q:02},{v},{aht}\n",
                        t.format("%Y-%m-%d %H:%M")
                    ));
                }
            }
        }
        csv.push_str(tail);
        csv
    }

    /// The slots of every queue and the report, as text, or the error.
    fn read_in(csv: &str, threads: usize, opts: &HistoryOptions) -> String {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| match read_str(csv, opts) {
            Ok((h, r)) => format!(
                "{:?} {} {} {:?} {:?}",
                h.queues, r.rows, r.ambiguous, r.duplicates, h.source_interval
            ),
            Err(e) => e.to_string(),
        })
    }

    #[test]
    fn blocks_in_parallel_read_like_one_pass_by_the_csv_crate() {
        let sum = HistoryOptions {
            duplicates: Duplicates::Sum,
            ..Default::default()
        };
        let tails = [
            "",
            // A quote far into the file: the csv crate reads from there.
            "\"2025-12-01 10:00\",q01,1,200\n2025-12-01 10:15,q01,2,\n",
            "2025-12-01 10:00,q01,douze,200\n2025-12-01 10:15,q01,x,\n",
            "2025-10-20 00:00,q03,1,200\n2025-10-20 00:00,q04,1,200\n",
            "2025-12-01 10:00,q01,1\n",
            "\n,,,\n2025-10-20 00:00,q03,1,200\n\"x\ny\",q01,1,200\n",
        ];
        for tail in tails {
            let plain = big_history("interval_start,queue,volume,aht_s", tail);
            assert!(plain.len() > 3 << 17, "{}", plain.len());
            // A quoted header: every row read by the csv crate, as before
            // blocks were split by hand.
            let quoted =
                big_history("\"interval_start\",queue,volume,aht_s", tail);
            for opts in [&HistoryOptions::default(), &sum] {
                let want = read_in(&quoted, 1, opts);
                for threads in [1, 2, 3] {
                    assert_eq!(
                        read_in(&plain, threads, opts),
                        want,
                        "{tail:?}"
                    );
                }
            }
        }
        let e = read_in(
            &big_history("interval_start,queue,volume,aht_s", tails[2]),
            2,
            &sum,
        );
        assert!(e.starts_with("h.csv:"), "{e}");
        assert!(e.contains("column \"volume\""), "{e}");
    }

    #[test]
    fn windows_1252_queue_names() {
        let mut bytes =
            b"interval_start;queue;volume\n2025-01-06 09:00;R".to_vec();
        bytes.extend_from_slice(b"\xe9clamations;3\n");
        let (h, _) = read_from(
            "h.csv",
            std::io::Cursor::new(bytes),
            &HistoryOptions::default(),
        )
        .unwrap();
        assert_eq!(h.queues[0].name, "Réclamations");
    }

    #[test]
    fn hand_parsers_agree_with_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        // Every date chrono knows from 1000 to 9999, and the days that
        // do not exist.
        let mut date = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap();
        while date.year() <= 9999 {
            let (y, m, d) = (date.year() as u32, date.month(), date.day());
            let want = (date - epoch).num_days();
            assert_eq!(days_from_civil(y, m, d), Some(want), "{date}");
            date = date.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (2100, 2, 29),
            (2023, 2, 29),
            (2024, 4, 31),
            (2024, 1, 0),
            (2024, 0, 1),
            (999, 12, 31),
            (10_000, 1, 1),
        ] {
            assert_eq!(days_from_civil(y, m, d), None, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(2025, 13, 1), None);
        assert_eq!(parse_time(b"23:59:59"), Some(86_399));
        assert_eq!(parse_time(b"24:00"), None);
        assert_eq!(parse_time(b"09:30:00.000"), Some(34_200));
        assert_eq!(parse_number(b"12", false), Some(12.0));
        assert_eq!(parse_number(b"12,5", true), Some(12.5));
        assert_eq!(parse_number(b"12,5", false), None);
        assert_eq!(parse_number(b"1e3", false), Some(1000.0));
        assert_eq!(parse_number(b"infinity", false), None);
        for text in [
            "0.1",
            "312.5",
            "1234567.891",
            "0.000123",
            "99999999999.9999",
            ".5",
            "5.",
        ] {
            let want: f64 = text.parse().unwrap();
            assert_eq!(
                parse_number(text.as_bytes(), false),
                Some(want),
                "{text}"
            );
            let comma = text.replace('.', ",");
            assert_eq!(
                parse_number(comma.as_bytes(), true),
                Some(want),
                "{comma}"
            );
        }
        assert_eq!(parse_number(b"1.2.3", false), None);
        assert_eq!(parse_number(b".", false), None);
        assert_eq!(parse_number(b"1,5", false), None);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Aggregating never loses or invents volume, and keeps slots
            /// sorted and unique.
            #[test]
            fn aggregation_preserves_totals(
                vols in proptest::collection::vec(0u32..1000, 2..200),
                interval in prop::sample::select(vec![5u32, 15, 30, 60]),
            ) {
                let mut csv = String::from("interval_start,volume\n");
                for (i, v) in vols.iter().enumerate() {
                    // From the evening before the clocks go back.
                    let t = NaiveDate::from_ymd_opt(2025, 10, 25).unwrap()
                        .and_hms_opt(20, 0, 0).unwrap()
                        + chrono::Duration::minutes(5 * i as i64);
                    csv.push_str(&format!("{},{v}\n", t.format("%Y-%m-%dT%H:%M:%S")));
                }
                let opts = HistoryOptions { interval: minutes(interval), ..Default::default() };
                let (h, _) = read_str(&csv, &opts).unwrap();
                let total: f64 = h.queues[0].slots.iter().map(|s| s.volume).sum();
                let want: f64 = vols.iter().map(|&v| f64::from(v)).sum();
                prop_assert_eq!(total, want);
                let starts: Vec<_> = h.queues[0].slots.iter().map(|s| s.start).collect();
                prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
            }

            /// The fixed-place timestamp parser reads what the general one
            /// reads, the same way.
            #[test]
            fn fixed_stamps_parse_like_any_stamp(
                text in "(1[0-9]|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([+-](0[0-9]|1[0-4]):[0-5][0-9])?)?",
                noise in "[0-9:+\\-Tz ]{0,3}",
                at in 0usize..25,
            ) {
                let mut bytes = text.into_bytes();
                // Every generated field is valid: the fast path reads it.
                prop_assert!(fixed_stamp(&bytes).is_some(), "{:?}", bytes);
                prop_assert_eq!(fixed_stamp(&bytes), any_stamp(&bytes));
                // Any byte changed or added: still the same, or no fast read.
                let at = at.min(bytes.len());
                bytes.splice(at..(at + noise.len().min(1)).min(bytes.len()), noise.bytes());
                let fast = fixed_stamp(&bytes);
                prop_assert!(fast.is_none() || fast == any_stamp(&bytes), "{:?}", bytes);
            }

            /// The hand-written number parser agrees with the standard one.
            #[test]
            fn numbers_parse_like_std(text in "[0-9]{1,9}(\\.[0-9]{1,7})?") {
                let want: f64 = text.parse().unwrap();
                prop_assert_eq!(parse_number(text.as_bytes(), false), Some(want));
                let comma = text.replace('.', ",");
                prop_assert_eq!(parse_number(comma.as_bytes(), true), Some(want));
            }

            /// Any instant written with its offset reads back as itself.
            #[test]
            fn offsets_round_trip(secs in 1_500_000_000i64..1_900_000_000) {
                let secs = secs - secs.rem_euclid(900);
                let t = chrono_tz::Europe::Paris.timestamp_opt(secs, 0).unwrap();
                let csv = format!("interval_start,volume\n{},1\n", t.to_rfc3339());
                let (h, _) = read_str(&csv, &HistoryOptions::default()).unwrap();
                prop_assert_eq!(h.queues[0].slots[0].start, t);
            }

            /// Arbitrary bytes never panic the reader.
            #[test]
            fn garbage_never_panics(body in proptest::collection::vec(any::<u8>(), 0..300)) {
                let mut bytes = b"interval_start;queue;volume;aht_s\n".to_vec();
                bytes.extend(body);
                let _ = read_from("h.csv", std::io::Cursor::new(bytes), &HistoryOptions::default());
            }
        }
    }
}
