//! Reading the planner's input files: interval history and event calendars.
//!
//! Every reader reports problems as [`crate::error::InputError`] naming the
//! file, the line and the column, and never panics on bad data.
//!
//! All CSV inputs are opened through one builder, [`CsvConfig`], so that
//! every file peakplan reads follows the same rules:
//!
//! - a path, or `-` for standard input;
//! - UTF-8 with or without a byte-order mark (text that is not UTF-8 is read
//!   as Windows-1252, what older French Excel versions write);
//! - the delimiter, `,` or `;`, detected from the header line;
//! - header names matched case-insensitively, surrounding spaces trimmed,
//!   unknown columns ignored and a repeated known column rejected;
//! - the header is the first line that is not blank; blank lines (and rows
//!   of empty cells, as spreadsheets append) are skipped everywhere;
//! - a row with more or fewer fields than the header rejected with its line
//!   (unless the reader is [`ragged`](CsvConfig::ragged));
//! - line numbers are physical lines as an editor shows them;
//! - bounded: a line longer than [`MAX_LINE_BYTES`], a record (a quoted
//!   field may span lines) longer than [`MAX_RECORD_BYTES`] or a field
//!   longer than [`MAX_FIELD_BYTES`] is an input error naming its line, so
//!   that `/dev/zero` or a runaway quote never fills the memory;
//! - a folder or a device where a file is expected is an input error
//!   (exit 2); a FIFO or a pipe (`<(…)`) is read like a file.
//!
//! Text inputs that are not CSV (scenario, configuration) are read with
//! [`read_text`], which applies the same rules about folders and devices
//! and names the line and column of a byte that is not UTF-8.

pub mod events;
pub mod history;
pub mod intervals;
pub mod validate;

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono_tz::Tz;

use crate::error::{Error, InputError, Location, Result};

/// The longest line a CSV input may have, in bytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The longest record (one row, over several lines when a quoted field
/// holds newlines) a CSV input may have, in bytes.
pub const MAX_RECORD_BYTES: u64 = 4 << 20;

/// The longest field a CSV input may have, in bytes.
pub const MAX_FIELD_BYTES: usize = 64 << 10;

/// The largest text file (scenario, configuration) [`read_text`] reads.
pub const MAX_TEXT_BYTES: u64 = 16 << 20;

/// Opens an input file, refusing a folder or a device where a file is
/// expected (an input error, exit 2). FIFOs and pipes are accepted.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened (exit 2 when it does not
/// exist); [`Error::Input`] for a folder or a device.
pub fn open_input(path: &Path) -> Result<File> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::read(path, e))?;
    let meta = file.metadata().map_err(|e| Error::read(path, e))?;
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        Some("a folder")
    } else if is_device(&kind) {
        Some("a device")
    } else {
        None
    };
    match what {
        Some(what) => Err(InputError::new(
            Location::file(if name.is_empty() { "\"\"".into() } else { name }),
            format!("expected a data file, found {what}"),
        )
        .into()),
        None => Ok(file),
    }
}

#[cfg(unix)]
fn is_device(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_char_device() || kind.is_block_device()
}

#[cfg(not(unix))]
fn is_device(_: &std::fs::FileType) -> bool {
    false
}

/// Reads a UTF-8 text file (a scenario, a configuration) whole: a BOM is
/// dropped; UTF-16, a byte that is not UTF-8, a folder, a device or a file
/// larger than [`MAX_TEXT_BYTES`] is an input error (exit 2), naming the
/// line and column of the first undecodable byte.
///
/// # Errors
///
/// [`Error::Input`] as above; [`Error::Io`] when the file cannot be read.
pub fn read_text(path: &Path) -> Result<String> {
    let file = open_input(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::read(path, e))?;
    decode_text(&path.display().to_string(), bytes)
}

fn decode_text(name: &str, mut bytes: Vec<u8>) -> Result<String> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(InputError::new(
            Location::file(name),
            format!("expected a text file of at most {MAX_TEXT_BYTES} bytes"),
        )
        .into());
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InputError::new(
            Location::file(name).line_col(1, 1),
            "expected UTF-8 text, found UTF-16 (save the file as UTF-8)",
        )
        .into());
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let before = &bytes[..valid];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
        let start =
            before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let col = 1 + text(&before[start..]).chars().count() as u64;
        InputError::new(
            Location::file(name).line_col(line, col),
            format!(
                "expected UTF-8 text, found the byte 0x{:02X} (save the \
                 file as UTF-8)",
                bytes[valid]
            ),
        )
        .into()
    })
}

/// Counts lines as the bytes go by and fails a line longer than
/// [`MAX_LINE_BYTES`], or a record (ending where the CSV parser says, in
/// `record_end`) longer than [`MAX_RECORD_BYTES`].
struct Bounded<R> {
    inner: R,
    /// Newlines passed so far.
    lines: u64,
    /// Bytes since the last newline.
    run: usize,
    /// Bytes delivered so far.
    delivered: u64,
    /// Where the last record the parser returned ended.
    record_end: Arc<AtomicU64>,
}

/// Why [`Bounded`] stopped a read: too long a line or record, at `line`.
#[derive(Debug)]
struct Overlong {
    line: u64,
    expected: String,
}

impl std::fmt::Display for Overlong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.expected)
    }
}

impl std::error::Error for Overlong {}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        let too_long = |lines: u64| {
            io::Error::other(Overlong {
                line: lines + 1,
                expected: overlong_line(),
            })
        };
        if n > MAX_LINE_BYTES {
            // A line may lie whole inside the chunk: byte by byte.
            for &b in chunk {
                if b == b'\n' {
                    self.lines += 1;
                    self.run = 0;
                } else {
                    self.run += 1;
                    if self.run > MAX_LINE_BYTES {
                        return Err(too_long(self.lines));
                    }
                }
            }
        } else {
            // Only the line running across chunks can be too long; the
            // scans below are what the reader's speed allows.
            match chunk.iter().rposition(|&b| b == b'\n') {
                None => {
                    self.run += n;
                    if self.run > MAX_LINE_BYTES {
                        return Err(too_long(self.lines));
                    }
                }
                Some(last) => {
                    // The first newline matters only when the line running
                    // in could be too long by then.
                    if self.run + last > MAX_LINE_BYTES {
                        let first = chunk.iter().position(|&b| b == b'\n');
                        if self.run + first.unwrap_or(last) > MAX_LINE_BYTES {
                            return Err(too_long(self.lines));
                        }
                    }
                    self.lines += count_newlines(chunk) as u64;
                    self.run = n - last - 1;
                }
            }
        }
        self.delivered += n as u64;
        // The parser reads ahead by its buffer's size.
        let slack = 1 << 16;
        if self.delivered
            - self.record_end.load(Ordering::Relaxed).min(self.delivered)
            > MAX_RECORD_BYTES + slack
        {
            return Err(io::Error::other(Overlong {
                line: self.lines + 1,
                expected: format!(
                    "expected a row of at most {MAX_RECORD_BYTES} bytes (is \
                     a quote left open above?)"
                ),
            }));
        }
        Ok(n)
    }
}

/// The newlines in `bytes`. Counted in blocks of 255 into a byte, which
/// compilers turn into vector compares: the plain count of a `usize` per
/// byte was a tenth of the reader's time.
fn count_newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let n = block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'));
            usize::from(n)
        })
        .sum()
}

/// A reading error in `name`: an input error at its line when the input
/// was too long, an I/O error otherwise.
fn read_error(name: &str, e: io::Error) -> Error {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Overlong>()) {
        Some(o) => InputError::new(
            Location::file(name).line(o.line),
            o.expected.clone(),
        )
        .into(),
        None => Error::read(name, e),
    }
}

/// Opens CSV inputs: a path or `-`, delimiter detection, BOM, headers.
///
/// # Example
///
/// ```no_run
/// use std::path::Path;
/// use peakplan::inputs::CsvConfig;
///
/// let mut csv = CsvConfig::new(Path::new("history.csv")).open()?;
/// let volume = csv.headers().find("volume");
/// let mut record = csv::ByteRecord::new();
/// while let Some(line) = csv.next_record(&mut record)? {
///     println!("line {line}: {} fields", record.len());
/// }
/// # let _ = volume;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct CsvConfig {
    path: PathBuf,
    delimiter: Option<u8>,
    ragged: bool,
    /// The most a block holds once grown (but for a longer line).
    block_bytes: usize,
}

impl CsvConfig {
    /// A reader of `path`; `-` means standard input.
    pub fn new(path: &Path) -> CsvConfig {
        CsvConfig {
            path: path.to_path_buf(),
            delimiter: None,
            ragged: false,
            block_bytes: BLOCK_BYTES,
        }
    }

    /// Forces the delimiter instead of detecting it from the header line.
    pub fn delimiter(mut self, delimiter: u8) -> CsvConfig {
        self.delimiter = Some(delimiter);
        self
    }

    /// Leaves rows of another width than the header to the caller
    /// (see [`CsvReader::ragged`]).
    pub fn ragged(mut self) -> CsvConfig {
        self.ragged = true;
        self
    }

    /// Blocks of at most [`SMALL_BLOCK_BYTES`] (but for a longer line),
    /// for a reader that splits them on its own thread as they come:
    /// large blocks only pay for parallel parsing, and their buffers (two
    /// or three) are mapped and unmapped apart from the heap, an
    /// unmapping interrupting every core running the process.
    pub(crate) fn small_blocks(mut self) -> CsvConfig {
        self.block_bytes = SMALL_BLOCK_BYTES;
        self
    }

    /// Opens the file and reads its header line.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or read;
    /// [`Error::Input`] when it has no header line.
    pub fn open(&self) -> Result<CsvReader> {
        let name = self.path.display().to_string();
        self.open_maybe_empty()?.ok_or_else(|| empty_file(&name))
    }

    /// Like [`open`](CsvConfig::open), but `None` for an input without a
    /// header line, for readers that word that message themselves.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or read.
    pub fn open_maybe_empty(&self) -> Result<Option<CsvReader>> {
        let name = self.path.display().to_string();
        let source: Box<dyn Read + Send> = if self.path == Path::new("-") {
            Box::new(io::stdin())
        } else {
            Box::new(open_input(&self.path)?)
        };
        let csv = CsvReader::with_blocks(
            &name,
            source,
            self.delimiter,
            self.block_bytes,
        )
        .map_err(|e| self.retag(e))?;
        Ok(csv.map(|csv| if self.ragged { csv.ragged() } else { csv }))
    }

    fn io_error(&self, source: io::Error) -> Error {
        Error::read(&self.path, source)
    }

    fn retag(&self, err: Error) -> Error {
        match err {
            Error::Io { source, .. } => self.io_error(source),
            other => other,
        }
    }
}

/// An open CSV input whose header has been read.
pub struct CsvReader {
    name: String,
    delimiter: u8,
    headers: Headers,
    /// Blank lines skipped before the header.
    skipped: u64,
    ragged: bool,
    /// Where the last record ended, for [`Bounded`].
    record_end: Arc<AtomicU64>,
    /// Bytes before the header line (a BOM, blank lines).
    base: u64,
    /// Whether the columns looked up were checked for repeats.
    checked: bool,
    /// Bytes from the header line to where the CSV parser started (it
    /// takes over from [`Lines`] at a line boundary).
    shift: u64,
    /// Lines from the header line to where the CSV parser started.
    line_shift: u64,
    inner: Engine,
}

/// What splits the rows.
enum Engine {
    /// The `csv` crate, for any input.
    Csv(csv::Reader<Box<dyn Read + Send>>),
    /// Blocks of whole lines, split by hand while no quote is seen; the
    /// `csv` crate takes over from the first block holding a quote.
    Lines(Lines),
    /// Between the two, only while handing over.
    Gone,
}

/// Input read in blocks of whole lines, from a line boundary on.
struct Lines {
    /// The source, whose counters are kept up to date by hand (its line
    /// checks are done on the blocks instead), for the `csv` crate to
    /// carry on with.
    source: Bounded<Box<dyn Read + Send>>,
    /// Bytes read and not handed out yet, from the start of a line.
    buf: Vec<u8>,
    /// The physical line of `buf[0]`.
    line: u64,
    /// Bytes from the header line to `buf[0]`.
    offset: u64,
    /// Whether the source is exhausted.
    eof: bool,
    /// Whether a newline was added after a last line without one.
    appended: bool,
    /// The least the next block holds (but for the last): from
    /// [`FIRST_BLOCK_BYTES`], doubled at each block up to `most`.
    block: usize,
    /// The least a block holds once grown: [`BLOCK_BYTES`], or for a
    /// reader of [`CsvConfig::small_blocks`] [`SMALL_BLOCK_BYTES`].
    most: usize,
    /// Empty lines at the end of what was handed out: the `csv` crate
    /// skips them while looking for a record, and counts a record's first
    /// line from before them when the input ends inside its quote, so it
    /// takes over from before them.
    empty: u64,
    /// Buffers of blocks handed out and given back, for the next blocks.
    spare: Vec<Vec<u8>>,
}

/// The size of the blocks [`CsvReader::next_block`] reads (a block ends at
/// the last newline in it, so it is a little shorter or, for a long line,
/// longer).
const BLOCK_BYTES: usize = 1 << 18;

/// The blocks of [`CsvConfig::small_blocks`].
const SMALL_BLOCK_BYTES: usize = 1 << 16;

/// The least the first block holds, doubled for each next one up to
/// [`BLOCK_BYTES`]: small, so that the first rows are parsed (and, in a
/// batch, staffed) without waiting for a whole block's read. The header's
/// read has usually brought in more (up to 64 KB): those lines are the
/// first block, handed out without another read.
const FIRST_BLOCK_BYTES: usize = 1 << 14;

/// A run of whole lines of a CSV input holding no quote: each line is one
/// row, split on the delimiter by [`Splitter::rows`].
#[derive(Debug, Default)]
pub(crate) struct Block {
    /// The lines, each ending in `\n`.
    pub bytes: Vec<u8>,
    /// The physical line of the first.
    pub line: u64,
}

/// What [`CsvReader::next_block`] has next.
pub(crate) enum Next {
    /// Whole lines to split with [`CsvReader::splitter`].
    Block(Block),
    /// Rows to read with [`CsvReader::next_record`]: the rest of the input
    /// holds a quote (or the header did).
    Records,
    /// The end of the input.
    End,
}

impl std::fmt::Debug for CsvReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvReader")
            .field("name", &self.name)
            .field("delimiter", &(self.delimiter as char))
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl CsvReader {
    /// Reads CSV from any byte source; `name` is how messages call it.
    ///
    /// The delimiter is `delimiter` when given, else detected from the
    /// header line: `;` when it holds more semicolons than commas
    /// (outside quotes), `,` otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when reading fails; [`Error::Input`] when the input is
    /// empty.
    pub fn new(
        name: &str,
        source: Box<dyn Read + Send>,
        delimiter: Option<u8>,
    ) -> Result<CsvReader> {
        CsvReader::new_maybe_empty(name, source, delimiter)?
            .ok_or_else(|| empty_file(name))
    }

    /// Like [`new`](CsvReader::new), but `None` for an input without a
    /// header line.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when reading fails.
    pub fn new_maybe_empty(
        name: &str,
        source: Box<dyn Read + Send>,
        delimiter: Option<u8>,
    ) -> Result<Option<CsvReader>> {
        CsvReader::with_blocks(name, source, delimiter, BLOCK_BYTES)
    }

    /// [`new_maybe_empty`](CsvReader::new_maybe_empty), with blocks of at
    /// most `most` bytes once grown.
    fn with_blocks(
        name: &str,
        source: Box<dyn Read + Send>,
        delimiter: Option<u8>,
        most: usize,
    ) -> Result<Option<CsvReader>> {
        let record_end = Arc::new(AtomicU64::new(0));
        let bounded = Bounded {
            inner: source,
            lines: 0,
            run: 0,
            delivered: 0,
            record_end: Arc::clone(&record_end),
        };
        let mut source = BufReader::with_capacity(1 << 16, bounded);
        let mut first = Vec::new();
        let mut skipped = 0;
        let mut consumed = 0;
        loop {
            first.clear();
            let n = source
                .read_until(b'\n', &mut first)
                .map_err(|e| read_error(name, e))?;
            consumed += n as u64;
            if skipped == 0
                && let Some(rest) = first.strip_prefix(b"\xEF\xBB\xBF")
            {
                first = rest.to_vec();
            }
            if n == 0 {
                return Ok(None);
            }
            // A line of spaces or of empty cells (`;;;`) before the header.
            if !first
                .iter()
                .all(|b| b.is_ascii_whitespace() || matches!(b, b',' | b';'))
            {
                break;
            }
            skipped += 1;
        }
        // The parser counts bytes from the header line on.
        let base = consumed - first.len() as u64;
        record_end.store(base, Ordering::Relaxed);
        let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(&first));
        let header_line = skipped + 1;
        let reader = |names: Vec<String>, inner: Engine| CsvReader {
            name: name.to_string(),
            delimiter,
            headers: Headers {
                names,
                line: header_line,
                wanted: std::cell::RefCell::default(),
            },
            skipped,
            ragged: false,
            record_end: Arc::clone(&record_end),
            base,
            checked: false,
            shift: 0,
            line_shift: 0,
            inner,
        };
        if !first.contains(&b'"') && !csv_crate_only() {
            // A header without quotes is one line: the rows after it are
            // read in blocks until a quote shows up.
            let names = first
                .strip_suffix(b"\n")
                .unwrap_or(&first)
                .split(|&b| b == delimiter)
                .map(|f| text(f).trim().to_string())
                .collect();
            // Room for the largest block from the start: grown block by
            // block, the buffer was copied at each step, all of its room
            // read (which maps the zero page over the untouched part, to
            // be faulted in again once written).
            let mut buf = Vec::with_capacity(most);
            buf.extend_from_slice(source.buffer());
            let lines = Lines {
                source: source.into_inner(),
                buf,
                line: header_line + 1,
                offset: first.len() as u64,
                eof: false,
                appended: false,
                block: FIRST_BLOCK_BYTES.min(most),
                most,
                empty: 0,
                spare: vec![],
            };
            return Ok(Some(reader(names, Engine::Lines(lines))));
        }
        // Records end at `\n` (a `\r` before it is trimmed with the field),
        // and a final `\n` is always appended (an extra blank line is
        // skipped): so every record's newline is consumed with it, and its
        // first line is the parser's line count minus its own newlines.
        let chained: Box<dyn Read + Send> = Box::new(
            io::Cursor::new(first)
                .chain(source)
                .chain(io::Cursor::new(b"\n".as_slice())),
        );
        let mut inner = csv_reader(delimiter, chained);
        let mut record = csv::ByteRecord::new();
        let read = inner
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(name, e))?;
        if !read {
            return Ok(None);
        }
        let names =
            record.iter().map(|f| text(f).trim().to_string()).collect();
        Ok(Some(reader(names, Engine::Csv(inner))))
    }

    /// Returns every non-blank row from [`next_record`](Self::next_record)
    /// whatever its number of fields, for readers that tolerate missing
    /// trailing cells or word the message themselves.
    pub fn ragged(mut self) -> CsvReader {
        self.ragged = true;
        self
    }

    /// The input as the user named it, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The field delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Whether numbers may use a decimal comma (`12,5`): only when the
    /// delimiter is `;`, as French spreadsheets write.
    pub fn decimal_comma(&self) -> bool {
        self.delimiter == b';'
    }

    /// The header line.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The line of the header (1 unless blank lines precede it).
    pub fn header_line(&self) -> u64 {
        self.headers.line
    }

    /// A location in this file at `line`.
    pub fn at(&self, line: u64) -> Location {
        Location::file(&self.name).line(line)
    }

    /// Bytes consumed so far (one more than the input at the end).
    pub fn bytes_read(&self) -> u64 {
        match &self.inner {
            Engine::Csv(csv) => self.shift + csv.position().byte(),
            Engine::Lines(lines) => {
                let tail = u64::from(!lines.appended);
                lines.offset + lines.buf.len() as u64 + tail
            }
            Engine::Gone => self.shift,
        }
    }

    /// The next block of whole lines, while the input holds no quote: the
    /// fast path of readers of large files. Once it says
    /// [`Next::Records`], the rest is read with
    /// [`next_record`](Self::next_record).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when a line is longer than [`MAX_LINE_BYTES`] (the
    /// lines of the block itself are checked by [`Splitter::rows`]), or
    /// the header names a column looked up twice; [`Error::Io`] when
    /// reading fails.
    pub(crate) fn next_block(&mut self) -> Result<Next> {
        if !self.checked {
            self.headers.repeated_wanted(&self.name)?;
            self.checked = true;
        }
        let Engine::Lines(lines) = &mut self.inner else {
            return Ok(Next::Records);
        };
        let block = lines.next().map_err(|e| read_error(&self.name, e))?;
        match block {
            None => Ok(Next::End),
            Some(block) if memchr::memchr(b'"', &block.bytes).is_none() => {
                let b = &block.bytes;
                lines.empty = match b.iter().rposition(|&c| c != b'\n') {
                    None => lines.empty + b.len() as u64,
                    // After the last line with bytes, its own newline.
                    Some(last) => (b.len() - last - 2) as u64,
                };
                Ok(Next::Block(block))
            }
            Some(block) => {
                self.hand_over(Some(block));
                Ok(Next::Records)
            }
        }
    }

    /// Gives back the bytes of a block from [`next_block`](Self::next_block)
    /// once done with, for a next block to reuse their memory.
    pub(crate) fn recycle(&mut self, bytes: Vec<u8>) {
        if let Engine::Lines(lines) = &mut self.inner {
            lines.spare.push(bytes);
        }
    }

    /// Blocks of at least `bytes` (tests cut small inputs in many).
    #[cfg(test)]
    fn block_bytes(mut self, bytes: usize) -> CsvReader {
        if let Engine::Lines(lines) = &mut self.inner {
            (lines.block, lines.most) = (bytes, bytes);
        }
        self
    }

    /// What splits the lines of the blocks of
    /// [`next_block`](Self::next_block), on any thread.
    pub(crate) fn splitter(&self) -> Splitter {
        Splitter {
            name: self.name.clone(),
            delimiter: self.delimiter,
            names: self.headers.names.clone(),
            ragged: self.ragged,
        }
    }

    /// Lets the `csv` crate read the rest of the input, from the start of
    /// `block` (given back by [`next_block`](Self::next_block)) or of what
    /// [`Lines`] holds, with the lines and bytes counted as if it had read
    /// everything since the header.
    fn hand_over(&mut self, block: Option<Block>) {
        let Engine::Lines(mut lines) =
            std::mem::replace(&mut self.inner, Engine::Gone)
        else {
            return;
        };
        let (block, line, offset) = match block {
            Some(b) => {
                let len = b.bytes.len() as u64;
                (b.bytes, b.line, lines.offset - len)
            }
            None => (vec![], lines.line, lines.offset),
        };
        let (line, offset) = (line - lines.empty, offset - lines.empty);
        let mut data = vec![b'\n'; lines.empty as usize];
        data.extend_from_slice(&block);
        data.append(&mut lines.buf);
        // The source's line checks resume where the data ends.
        let newlines = count_newlines(&data) as u64;
        lines.source.lines = line - 1 + newlines;
        lines.source.run = match memchr::memrchr(b'\n', &data) {
            Some(i) => data.len() - i - 1,
            None => data.len(),
        };
        self.shift = offset;
        self.line_shift = line - self.headers.line;
        let tail: &[u8] = if lines.appended { b"" } else { b"\n" };
        let chained: Box<dyn Read + Send> = Box::new(
            io::Cursor::new(data)
                .chain(lines.source)
                .chain(io::Cursor::new(tail)),
        );
        self.record_end.store(self.base + offset, Ordering::Relaxed);
        self.inner = Engine::Csv(csv_reader(self.delimiter, chained));
    }

    /// Reads the next data row into `record` and returns its line number
    /// (1-based, as an editor shows it), or `None` at the end of the input.
    ///
    /// Blank lines and rows whose cells are all empty are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when the row has a different number of fields than
    /// the header (unless [`ragged`](Self::ragged)); [`Error::Io`] when
    /// reading fails.
    pub fn next_record(
        &mut self,
        record: &mut csv::ByteRecord,
    ) -> Result<Option<u64>> {
        if !self.checked {
            self.headers.repeated_wanted(&self.name)?;
            self.checked = true;
        }
        if let Engine::Lines(lines) = &self.inner {
            // Blocks read to the end leave nothing for the `csv` crate:
            // its reader (a 64 KB buffer and its tables, more work than a
            // small file's rows) is not built.
            if lines.exhausted() {
                return Ok(None);
            }
            self.hand_over(None);
        }
        let Engine::Csv(inner) = &mut self.inner else {
            return Ok(None);
        };
        loop {
            let more = inner
                .read_byte_record(record)
                .map_err(|e| csv_error(&self.name, e))?;
            if !more {
                return Ok(None);
            }
            let inner_newlines = count_newlines(record.as_slice());
            // Where the parser started looking, before any blank lines it
            // skipped: a lower bound, and the line of a record cut off by the
            // end of the input (an unterminated quote), which has no newline
            // of its own (one line early if blank lines precede it).
            let start = record.position().map_or(1, csv::Position::line)
                + self.line_shift;
            let line = (inner.position().line() + self.line_shift)
                .saturating_sub(inner_newlines as u64 + 1)
                .max(start)
                + self.skipped;
            let end = self.base + self.shift + inner.position().byte();
            self.record_end.store(end, Ordering::Relaxed);
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            let long = record.as_slice().len() > MAX_FIELD_BYTES;
            if let Some(i) = long
                .then(|| record.iter().position(|f| f.len() > MAX_FIELD_BYTES))
                .flatten()
            {
                let field = record.get(i).unwrap_or_default();
                return Err(too_long_field(
                    self.at(line),
                    self.headers.names.get(i),
                    field,
                ));
            }
            if self.ragged || record.len() == self.headers.len() {
                return Ok(Some(line));
            }
            return Err(wrong_width(
                self.at(line),
                self.headers.len(),
                record.len(),
            ));
        }
    }
}

impl Lines {
    /// Whether every line has been handed out.
    fn exhausted(&self) -> bool {
        self.eof && self.buf.is_empty()
    }

    /// The next block of whole lines, at least `block` long unless
    /// the input ends first; `None` at the end.
    fn next(&mut self) -> io::Result<Option<Block>> {
        loop {
            if self.buf.len() >= self.block || self.eof {
                match memchr::memrchr(b'\n', &self.buf) {
                    Some(last) => return Ok(Some(self.cut(last + 1))),
                    None if self.exhausted() => return Ok(None),
                    // The last line, without its newline.
                    None if self.eof => {
                        self.buf.push(b'\n');
                        self.appended = true;
                    }
                    None if self.buf.len() > MAX_LINE_BYTES => {
                        return Err(io::Error::other(Overlong {
                            line: self.line,
                            expected: overlong_line(),
                        }));
                    }
                    None => {}
                }
                if self.eof {
                    continue;
                }
            }
            let len = self.buf.len();
            // A line longer than a block: double the room (a few reads and
            // scans whatever its length).
            let want = if len < self.block { self.block - len } else { len };
            // Appended without zeroing the room first, into room made
            // once: grown by `read_to_end` itself, the buffer would be
            // copied at each doubling, onto fresh pages each time.
            self.buf.reserve(want);
            let n = (&mut self.source.inner)
                .take(want as u64)
                .read_to_end(&mut self.buf)?;
            self.source.delivered += n as u64;
            self.eof = n == 0;
        }
    }

    /// Hands out `buf[..at]`, keeping the rest.
    fn cut(&mut self, at: usize) -> Block {
        let mut rest = self.spare.pop().unwrap_or_default();
        rest.clear();
        rest.reserve(self.buf.capacity());
        rest.extend_from_slice(&self.buf[at..]);
        self.buf.truncate(at);
        let bytes = std::mem::replace(&mut self.buf, rest);
        let line = self.line;
        self.line += count_newlines(&bytes) as u64;
        self.offset += bytes.len() as u64;
        self.block = (2 * self.block).min(self.most);
        Block { bytes, line }
    }
}

/// Splits the lines of a [`Block`] into rows, with the checks of
/// [`CsvReader::next_record`]; it can be sent to another thread.
#[derive(Clone, Debug)]
pub(crate) struct Splitter {
    name: String,
    delimiter: u8,
    names: Vec<String>,
    ragged: bool,
}

/// The fields of one row of a [`Block`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    row: &'a [u8],
    /// Where each field ends in `row`.
    ends: &'a [usize],
}

impl<'a> Fields<'a> {
    /// Field `i`, if the row has it.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        Some(&self.row[start..end])
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

impl Splitter {
    /// Calls `f` with the line and the fields of every row of `block`
    /// that is not blank, in order, stopping at the first error: a line
    /// longer than [`MAX_LINE_BYTES`], a field longer than
    /// [`MAX_FIELD_BYTES`], a row of another width than the header (unless
    /// ragged), or `f`'s. `ends` is scratch space.
    ///
    /// # Errors
    ///
    /// As above, the first in the order of the lines.
    pub fn rows(
        &self,
        block: &Block,
        ends: &mut Vec<usize>,
        f: impl FnMut(u64, Fields<'_>) -> Result<()>,
    ) -> Result<()> {
        self.lines(&block.bytes, block.line, ends, f)
    }

    /// [`rows`](Self::rows) for whole lines `bytes` of a block (each
    /// ending in `\n`), the first being physical line `first`.
    ///
    /// # Errors
    ///
    /// As [`rows`](Self::rows).
    pub fn lines(
        &self,
        bytes: &[u8],
        first: u64,
        ends: &mut Vec<usize>,
        mut f: impl FnMut(u64, Fields<'_>) -> Result<()>,
    ) -> Result<()> {
        // One pass over the lines finds the newlines and the delimiters
        // together, eight bytes at a time: searching each row for its few
        // delimiters cost more than reading them.
        let (mut line, mut start) = (first, 0);
        ends.clear();
        let (words, tail) = bytes.as_chunks::<8>();
        let (newlines, delimiters) = (
            u64::from_ne_bytes([b'\n'; 8]),
            u64::from_ne_bytes([self.delimiter; 8]),
        );
        for (k, word) in words.iter().enumerate() {
            let x = u64::from_le_bytes(*word);
            let nl = zero_bytes(x ^ newlines);
            let mut hits = nl | zero_bytes(x ^ delimiters);
            while hits != 0 {
                let at = k * 8 + (hits.trailing_zeros() / 8) as usize;
                let bit = hits & hits.wrapping_neg();
                hits ^= bit;
                if nl & bit == 0 {
                    ends.push(at - start);
                } else {
                    self.row(&bytes[start..at], line, ends, &mut f)?;
                    ends.clear();
                    (line, start) = (line + 1, at + 1);
                }
            }
        }
        let at = bytes.len() - tail.len();
        for (i, &b) in tail.iter().enumerate() {
            if b == b'\n' {
                self.row(&bytes[start..at + i], line, ends, &mut f)?;
                ends.clear();
                (line, start) = (line + 1, at + i + 1);
            } else if b == self.delimiter {
                ends.push(at + i - start);
            }
        }
        Ok(())
    }

    /// Checks one row, whose delimiters are at `ends`, and calls `f` with
    /// its fields unless it is blank.
    fn row(
        &self,
        row: &[u8],
        line: u64,
        ends: &mut Vec<usize>,
        f: &mut impl FnMut(u64, Fields<'_>) -> Result<()>,
    ) -> Result<()> {
        if row.len() > MAX_LINE_BYTES {
            return Err(InputError::new(
                Location::file(&self.name).line(line),
                overlong_line(),
            )
            .into());
        }
        // Rows that start with a value are not blank: only the others are
        // looked at whole.
        let d = self.delimiter;
        let blank = |b: &u8| b.is_ascii_whitespace() || *b == d;
        if row.first().is_none_or(blank) && row.iter().all(blank) {
            return Ok(());
        }
        ends.push(row.len());
        let fields = Fields { row, ends };
        let at = || Location::file(&self.name).line(line);
        if row.len() > MAX_FIELD_BYTES
            && let Some(i) = (0..fields.len()).find(|&i| {
                fields.get(i).is_some_and(|f| f.len() > MAX_FIELD_BYTES)
            })
        {
            let field = fields.get(i).unwrap_or_default();
            return Err(too_long_field(at(), self.names.get(i), field));
        }
        if !self.ragged && fields.len() != self.names.len() {
            return Err(wrong_width(at(), self.names.len(), fields.len()));
        }
        f(line, fields)
    }
}

/// The high bit of each byte of `x` that is zero, and no other bit (no
/// carry crosses a byte: each sum stays below 0x100).
pub(crate) fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    !(((x & LOW7) + LOW7) | x | LOW7)
}

fn overlong_line() -> String {
    format!("expected a line of at most {MAX_LINE_BYTES} bytes")
}

fn too_long_field(
    mut at: Location,
    column: Option<&String>,
    field: &[u8],
) -> Error {
    if let Some(column) = column {
        at = at.column(column.clone());
    }
    InputError::new(at, format!("a field of at most {MAX_FIELD_BYTES} bytes"))
        .found(text(field))
        .into()
}

fn wrong_width(at: Location, header: usize, found: usize) -> Error {
    InputError::new(
        at,
        format!("expected {header} fields like the header, found {found}"),
    )
    .into()
}

/// The `csv` crate's reader, set up as every input is read.
fn csv_reader(
    delimiter: u8,
    source: Box<dyn Read + Send>,
) -> csv::Reader<Box<dyn Read + Send>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_reader(source)
}

/// The header line of a CSV input.
///
/// Every column a reader looks up with [`find`](Headers::find) is noted:
/// if the header names one of them twice, the reader's first
/// [`next_record`](CsvReader::next_record) fails at the header line, so no
/// reader silently takes the first of two `volume` columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Headers {
    names: Vec<String>,
    /// The line it is on.
    line: u64,
    /// The columns looked up so far, lower-case.
    wanted: std::cell::RefCell<Vec<String>>,
}

impl Headers {
    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the header is empty (never, for an opened reader).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Column names as written, trimmed.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The index of column `name`, matched case-insensitively (the first
    /// one; a repeated column is an error when rows are read).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.wanted.borrow_mut().push(name.to_ascii_lowercase());
        self.names.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The first column looked up with [`find`](Headers::find) that the
    /// header names twice, as an error at the header line of `file`.
    fn repeated_wanted(&self, file: &str) -> Result<()> {
        let wanted = self.wanted.borrow().clone();
        for name in wanted {
            self.find_unique(&name, file)?;
        }
        Ok(())
    }

    /// The index of column `name`, if present, rejecting a header that
    /// names it twice.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] at the header line of `file` when `name` appears
    /// twice.
    pub fn find_unique(
        &self,
        name: &str,
        file: &str,
    ) -> Result<Option<usize>> {
        let mut hits = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name))
            .map(|(i, _)| i);
        let first = hits.next();
        if let (Some(a), Some(b)) = (first, hits.next()) {
            return Err(InputError::new(
                Location::file(file).line(self.line).column(name),
                format!(
                    "expected the column once in the header, found it \
                     twice (fields {} and {})",
                    a + 1,
                    b + 1
                ),
            )
            .into());
        }
        Ok(first)
    }
}

/// Parses a time-zone name such as `Europe/Paris` (IANA names, as in
/// `--tz`).
///
/// # Errors
///
/// A message naming the value and giving an example when the zone is
/// unknown.
pub fn parse_tz(s: &str) -> Result<Tz, String> {
    s.trim().parse::<Tz>().map_err(|_| {
        format!(
            "expected an IANA time zone such as Europe/Paris or \
             America/New_York, found {s:?}"
        )
    })
}

/// Decodes a field: UTF-8 when it is, otherwise Windows-1252 (the "ANSI"
/// code page older French Excel versions save CSV files in).
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()),
    }
}

/// Trims ASCII whitespace from both ends of a field.
pub fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ',
        '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—',
        '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

fn empty_file(name: &str) -> Error {
    InputError::new(
        Location::file(name).line(1),
        "expected a header line naming the columns, found an empty file",
    )
    .into()
}

/// `;` when the header line holds more semicolons than commas outside
/// quotes, `,` otherwise.
fn detect_delimiter(line: &[u8]) -> u8 {
    let (mut commas, mut semis, mut quoted) = (0usize, 0usize, false);
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas { b';' } else { b',' }
}

fn csv_error(name: &str, err: csv::Error) -> Error {
    let line = err.position().map(|p| p.line());
    match err.into_kind() {
        csv::ErrorKind::Io(e) => read_error(name, e),
        other => {
            let mut at = Location::file(name);
            at.line = line;
            InputError::new(at, format!("unreadable CSV: {other:?}")).into()
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Set by tests that read with the `csv` crate alone, as a reference
    /// for the hand-split blocks.
    static CSV_CRATE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this read must skip the hand-split blocks (tests only).
#[cfg(test)]
fn csv_crate_only() -> bool {
    CSV_CRATE_ONLY.with(std::cell::Cell::get)
}

#[cfg(not(test))]
const fn csv_crate_only() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(s: &str) -> CsvReader {
        CsvReader::new("t.csv", Box::new(io::Cursor::new(s.to_string())), None)
            .unwrap()
    }

    fn rows(csv: &mut CsvReader) -> Vec<(u64, Vec<String>)> {
        let mut rec = csv::ByteRecord::new();
        let mut out = vec![];
        while let Some(line) = csv.next_record(&mut rec).unwrap() {
            out.push((
                line,
                rec.iter().map(|f| text(f).into_owned()).collect(),
            ));
        }
        out
    }

    #[test]
    fn detects_the_delimiter_and_strips_the_bom() {
        let mut c = open("\u{feff}Date;Volume\n28/11/2025;12,5\n");
        assert_eq!(c.delimiter(), b';');
        assert!(c.decimal_comma());
        assert_eq!(c.headers().names(), ["Date", "Volume"]);
        assert_eq!(c.headers().find("DATE"), Some(0));
        assert_eq!(
            rows(&mut c),
            vec![(2, vec!["28/11/2025".into(), "12,5".into()])]
        );
        let c = open("a,b;c\n");
        assert_eq!(c.delimiter(), b',');
        let c = open("\"a;b\",c\n");
        assert_eq!(c.delimiter(), b',');
    }

    #[test]
    fn skips_blank_rows_and_counts_physical_lines() {
        let mut c = open("a,b\r\n1,2\r\n\r\n,\r\n\"x\ny\",3\r\n4,5\r\n");
        let got = rows(&mut c);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, 2);
        assert_eq!(got[1].0, 5);
        assert_eq!(got[1].1[0], "x\ny");
        assert_eq!(got[2].0, 7);
    }

    #[test]
    fn a_short_row_names_its_line() {
        let mut c = open(" a , b \n1,2\n3\n");
        assert_eq!(c.headers().names(), ["a", "b"]);
        let mut rec = csv::ByteRecord::new();
        assert_eq!(c.next_record(&mut rec).unwrap(), Some(2));
        let err = c.next_record(&mut rec).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:3: expected 2 fields like the header, found 1"
        );
    }

    #[test]
    fn empty_input_and_repeated_columns_are_errors() {
        let err =
            CsvReader::new("e.csv", Box::new(io::empty()), None).unwrap_err();
        assert!(err.to_string().starts_with("e.csv:1: "), "{err}");
        let c = open("volume,Volume\n");
        let err = c.headers().find_unique("volume", "t.csv").unwrap_err();
        assert!(err.to_string().contains("column \"volume\""), "{err}");
    }

    #[test]
    fn the_header_is_the_first_line_that_is_not_blank() {
        let mut c = open("\u{feff}\r\n;;\r\na;b\r\n1;2\r\n\r\n3;4\r\n");
        assert_eq!(c.header_line(), 3);
        assert_eq!(c.delimiter(), b';');
        let got = rows(&mut c);
        assert_eq!((got[0].0, got[1].0), (4, 6));
        let c = open("a,b\n");
        assert_eq!(c.header_line(), 1);
        let err = c.headers().find_unique("a", "t.csv");
        assert_eq!(err.unwrap(), Some(0));
        let c = open("\n\na,a\n");
        let err = c.headers().find_unique("a", "t.csv").unwrap_err();
        assert!(err.to_string().starts_with("t.csv:3: "), "{err}");
        for empty in ["", "\u{feff}", "\n \r\n;;\n"] {
            let src = Box::new(io::Cursor::new(empty.as_bytes().to_vec()));
            let got = CsvReader::new_maybe_empty("e.csv", src, None);
            assert!(got.unwrap().is_none(), "{empty:?}");
        }
    }

    #[test]
    fn a_ragged_reader_returns_rows_of_any_width() {
        let mut c = open("a,b\n1\n1,2,3\n").ragged();
        let got = rows(&mut c);
        assert_eq!(got[0], (2, vec!["1".to_string()]));
        let mut c = open("a,b\n\"x\n,1\n").ragged();
        assert_eq!(rows(&mut c)[0].0, 2, "an unterminated quote");
        assert_eq!(got[1].1.len(), 3);
    }

    #[test]
    fn undecodable_text_names_line_and_column() {
        let err = |bytes: &[u8]| {
            decode_text("s.toml", bytes.to_vec()).unwrap_err().to_string()
        };
        assert_eq!(
            err(b"a = 1\nname = \"caf\xe9\"\n"),
            "s.toml:2:12: expected UTF-8 text, found the byte 0xE9 (save \
             the file as UTF-8)"
        );
        assert!(err(b"\xc3\xa9 = \xff").starts_with("s.toml:1:5: "));
        assert!(err(b"\xff\xfea\0").contains(
            "s.toml:1:1: expected UTF-8 \
             text, found UTF-16"
        ));
        let ok = decode_text("s.toml", b"\xEF\xBB\xBFa = 1".to_vec());
        assert_eq!(ok.unwrap(), "a = 1");
    }

    #[test]
    fn folders_and_devices_are_not_data_files() {
        let dir = tempfile::tempdir().unwrap();
        for path in [dir.path(), Path::new("/dev/zero")] {
            let err = CsvConfig::new(path).open().unwrap_err();
            assert_eq!(err.exit_code(), 2, "{err}");
            assert!(err.to_string().contains("expected a data file"), "{err}");
            assert_eq!(read_text(path).unwrap_err().exit_code(), 2);
        }
    }

    #[test]
    fn lines_rows_and_fields_are_bounded() {
        let open_bytes = |bytes: Vec<u8>| {
            CsvReader::new("b.csv", Box::new(io::Cursor::new(bytes)), None)
        };
        let err = open_bytes(vec![b'a'; MAX_LINE_BYTES + 10]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "b.csv:1: expected a line of at most {MAX_LINE_BYTES} bytes"
            )
        );
        let mut long = b"a,b\n1,2\n3,4\n".to_vec();
        long.resize(long.len() + MAX_LINE_BYTES + 1, b'x');
        let mut c = open_bytes(long).unwrap();
        let mut rec = csv::ByteRecord::new();
        assert_eq!(c.next_record(&mut rec).unwrap(), Some(2));
        // The parser reads ahead: the long line may fail the row before.
        let err = match c.next_record(&mut rec) {
            Ok(line) => {
                assert_eq!(line, Some(3));
                c.next_record(&mut rec).unwrap_err()
            }
            Err(err) => err,
        };
        assert!(
            err.to_string().starts_with("b.csv:4: expected a line"),
            "{err}"
        );
        // An open quote swallowing short lines.
        let mut quoted = b"a,b\n1,\"".to_vec();
        while quoted.len() as u64 <= MAX_RECORD_BYTES + (1 << 17) {
            quoted.extend_from_slice(b"x\n");
        }
        let mut c = open_bytes(quoted).unwrap();
        let err = c.next_record(&mut rec).unwrap_err();
        assert!(
            err.to_string().contains("expected a row of at most"),
            "{err}"
        );
        let field = format!("a,b\n1,{}\n", "9".repeat(MAX_FIELD_BYTES + 1));
        let mut c = open_bytes(field.into_bytes()).unwrap();
        let err = c.next_record(&mut rec).unwrap_err().to_string();
        assert!(err.starts_with("b.csv:2: column \"b\": expected a field"));
        assert!(err.len() < 200, "{err}");
    }

    #[test]
    fn a_column_looked_up_and_named_twice_fails_the_first_row() {
        let mut c = open("Volume,x,volume\n1,2,3\n");
        assert_eq!(c.headers().find("volume"), Some(0));
        let mut rec = csv::ByteRecord::new();
        let err = c.next_record(&mut rec).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "t.csv:1: column \"volume\": expected the \
             column once"
            ),
            "{err}"
        );
        // A repeated column nobody asks for is left alone.
        let mut c = open("note,volume,note\n1,2,3\n");
        assert_eq!(c.headers().find("volume"), Some(1));
        assert_eq!(c.next_record(&mut rec).unwrap(), Some(2));
    }

    /// Rows by blocks split by hand, the rest by the `csv` crate: lines,
    /// fields and the first error.
    type Rows = (Vec<(u64, Vec<Vec<u8>>)>, Option<String>, u64);

    fn by_blocks(bytes: &[u8], block: usize, ragged: bool) -> Rows {
        let src = Box::new(io::Cursor::new(bytes.to_vec()));
        let mut c = CsvReader::new("m.csv", src, None).unwrap();
        c = c.block_bytes(block);
        if ragged {
            c = c.ragged();
        }
        let splitter = c.splitter();
        let (mut out, mut ends) = (vec![], vec![]);
        loop {
            let next = c.next_block();
            let block = match next {
                Ok(Next::Block(block)) => block,
                Ok(Next::Records) => break,
                Ok(Next::End) => return (out, None, c.bytes_read()),
                Err(e) => return (out, Some(e.to_string()), 0),
            };
            let rows = splitter.rows(&block, &mut ends, |line, f| {
                let fields = (0..f.len()).map(|i| f.get(i).unwrap().to_vec());
                out.push((line, fields.collect()));
                Ok(())
            });
            if let Err(e) = rows {
                return (out, Some(e.to_string()), 0);
            }
        }
        by_records(c, out)
    }

    fn by_records(
        mut c: CsvReader,
        mut out: Vec<(u64, Vec<Vec<u8>>)>,
    ) -> Rows {
        let mut rec = csv::ByteRecord::new();
        loop {
            match c.next_record(&mut rec) {
                Ok(Some(line)) => {
                    out.push((line, rec.iter().map(<[u8]>::to_vec).collect()))
                }
                Ok(None) => return (out, None, c.bytes_read()),
                Err(e) => return (out, Some(e.to_string()), 0),
            }
        }
    }

    use super::CSV_CRATE_ONLY;

    /// Every row by the `csv` crate, as before blocks were split by hand.
    fn by_csv_crate(bytes: &[u8], ragged: bool) -> Rows {
        let src = Box::new(io::Cursor::new(bytes.to_vec()));
        CSV_CRATE_ONLY.with(|c| c.set(true));
        let c = CsvReader::new("m.csv", src, None);
        CSV_CRATE_ONLY.with(|c| c.set(false));
        let mut c = c.unwrap();
        if ragged {
            c = c.ragged();
        }
        by_records(c, vec![])
    }

    #[test]
    fn blocks_hand_over_to_the_csv_crate_at_a_quote() {
        let text = "a;b\r\n1;2\r\n\r\n;\r\n3;4\r\n\"x\ny\";5\r\n6;7";
        for block in [1, 3, 8, 14, 1000] {
            let got = by_blocks(text.as_bytes(), block, false);
            assert_eq!(got, by_csv_crate(text.as_bytes(), false), "{block}");
            assert_eq!(got.0.len(), 4);
            assert_eq!(got.0[2], (6, vec![b"x\ny".to_vec(), b"5\r".to_vec()]));
            assert_eq!(got.0[3].0, 8);
            assert_eq!(got.2, text.len() as u64 + 1);
        }
        // A long line after good blocks fails at its own line, after them.
        let mut long = b"a,b\n1,2\n3,4\n".to_vec();
        long.resize(long.len() + MAX_LINE_BYTES + 1, b'x');
        let (rows, err, _) = by_blocks(&long, 4, false);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            err.unwrap(),
            format!(
                "m.csv:4: expected a line of at most {MAX_LINE_BYTES} bytes"
            )
        );
        long.extend_from_slice(b"\n5,6\n");
        let (rows, err, _) = by_blocks(&long, 1 << 21, false);
        assert_eq!(rows.len(), 2);
        assert!(err.unwrap().starts_with("m.csv:4: expected a line"));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Split by hand in blocks of any size (the `csv` crate taking
            /// over from the first quote), any messy input gives the rows,
            /// lines and first error the `csv` crate alone gives; and so
            /// does it without its quotes, where only blocks are split.
            #[test]
            fn blocks_split_like_the_csv_crate(
                header in "[a-c]{1,3}([,;][a-c ]{0,3}){0,3}\r?\n",
                body in "[a-c0-9 \t,;\"\r\n]{0,400}",
                block in 1usize..120,
                ragged in any::<bool>(),
            ) {
                let quoted = format!("{header}{body}").into_bytes();
                let mut plain = quoted.clone();
                plain.retain(|&b| b != b'"');
                for bytes in [quoted, plain] {
                    prop_assert_eq!(
                        by_blocks(&bytes, block, ragged),
                        by_csv_crate(&bytes, ragged)
                    );
                }
            }
        }
    }

    #[test]
    fn newlines_are_counted_in_any_block() {
        for len in [0, 1, 254, 255, 256, 1000] {
            let bytes: Vec<u8> = (0..len)
                .map(|i| if i % 3 == 0 { b'\n' } else { b'x' })
                .collect();
            let want = bytes.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(count_newlines(&bytes), want, "{len}");
        }
        assert_eq!(count_newlines(&[b'\n'; 600]), 600);
    }

    #[test]
    fn windows_1252_text_is_decoded() {
        assert_eq!(text(b"R\xe9clamations \x80"), "Réclamations €");
        assert_eq!(text("déjà".as_bytes()), "déjà");
    }

    #[test]
    fn time_zones() {
        assert_eq!(parse_tz("Europe/Paris"), Ok(chrono_tz::Europe::Paris));
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("Mars"));
    }
}
