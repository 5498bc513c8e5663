//! The load file of `peakplan erlang --input`: one interval to staff per
//! row.
//!
//! ```text
//! interval_start,queue,volume,aht_s
//! 2025-11-28T09:00:00+01:00,commandes,100,180
//! 2025-11-28T09:30:00+01:00,commandes,120,
//! ```
//!
//! Columns by header name, case-insensitive: `interval_start` (copied to
//! the output as written), `queue` (optional, `main` when absent or
//! empty), `volume` or `forecast`, and `aht_s` (optional; rows without one
//! take the default AHT). Read with the rules of every CSV input (see
//! [`crate::inputs`]); decimal comma accepted when the delimiter is `;`.

use std::borrow::Cow;
use std::path::Path;

use crate::error::{InputError, Result};
use crate::inputs::{Block, CsvConfig, CsvReader, Next, Splitter, text};
use crate::report::forecast_layout as layout;

/// One interval to staff.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalLoad {
    /// The interval's start, as written in the file.
    pub interval_start: String,
    /// The queue (`main` when the file has none).
    pub queue: String,
    /// Contacts offered.
    pub volume: f64,
    /// Average handle time in seconds.
    pub aht_s: f64,
    /// The row's line in the file.
    pub line: u64,
}

impl IntervalLoad {
    /// The row as a [`LoadRef`].
    pub fn as_ref(&self) -> LoadRef<'_> {
        LoadRef {
            interval_start: &self.interval_start,
            queue: &self.queue,
            volume: self.volume,
            aht_s: self.aht_s,
            line: self.line,
        }
    }
}

/// One interval to staff, its text borrowed from an [`IntervalLoad`] or a
/// [`LoadChunk`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadRef<'a> {
    /// The interval's start, as written in the file.
    pub interval_start: &'a str,
    /// The queue (`main` when the file has none).
    pub queue: &'a str,
    /// Contacts offered.
    pub volume: f64,
    /// Average handle time in seconds.
    pub aht_s: f64,
    /// The row's line in the file.
    pub line: u64,
}

impl LoadRef<'_> {
    /// The row with its own text.
    pub fn to_load(&self) -> IntervalLoad {
        IntervalLoad {
            interval_start: self.interval_start.to_string(),
            queue: self.queue.to_string(),
            volume: self.volume,
            aht_s: self.aht_s,
            line: self.line,
        }
    }
}

/// Rows of a load file whose text (start times and queues) shares one
/// buffer: a chunk read with [`Loads::next_rows`] allocates nothing per
/// row, and once reused, nothing at all.
#[derive(Clone, Debug, Default)]
pub struct LoadChunk {
    text: String,
    rows: Vec<ChunkRow>,
}

/// A row of a [`LoadChunk`]: its start time is `text[from..start_end]`
/// (`from` being the previous row's `queue_end`), its queue
/// `text[start_end..queue_end]`.
#[derive(Clone, Copy, Debug)]
struct ChunkRow {
    start_end: usize,
    queue_end: usize,
    volume: f64,
    aht_s: f64,
    line: u64,
}

impl LoadChunk {
    /// An empty chunk with room for `rows` rows of typical text.
    pub fn with_capacity(rows: usize) -> LoadChunk {
        LoadChunk {
            text: String::with_capacity(rows * 32),
            rows: Vec::with_capacity(rows),
        }
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Forgets every row, keeping the memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }

    /// Row `i` (from 0).
    ///
    /// # Panics
    ///
    /// When `i` is not below [`Self::len`].
    pub fn get(&self, i: usize) -> LoadRef<'_> {
        let r = &self.rows[i];
        let from = if i == 0 { 0 } else { self.rows[i - 1].queue_end };
        LoadRef {
            interval_start: &self.text[from..r.start_end],
            queue: &self.text[r.start_end..r.queue_end],
            volume: r.volume,
            aht_s: r.aht_s,
            line: r.line,
        }
    }
}

/// Reads the load file `path` (`-` for stdin); rows without an AHT take
/// `default_aht` seconds.
///
/// # Errors
///
/// [`crate::Error::Input`] naming file, line and column for the first bad
/// row; [`crate::Error::Io`] when the file cannot be read.
pub fn read(
    path: &Path,
    default_aht: Option<f64>,
) -> Result<Vec<IntervalLoad>> {
    parse(CsvConfig::new(path).open()?, default_aht)
}

/// Reads the rows of an open CSV input; the first problem found is
/// returned.
///
/// # Errors
///
/// As [`read`].
pub fn parse(
    csv: CsvReader,
    default_aht: Option<f64>,
) -> Result<Vec<IntervalLoad>> {
    let mut chunk = LoadChunk::default();
    Loads::new(csv, default_aht)?.next_rows(&mut chunk, usize::MAX)?;
    Ok((0..chunk.len()).map(|i| chunk.get(i).to_load()).collect())
}

/// The rows of a load file read a chunk at a time, so that a large file
/// is staffed as it streams: memory stays that of one chunk.
///
/// Lines are split by hand while the file holds no quote (the reader's
/// fast path, [`CsvReader::next_block`]), then by the `csv` crate: the
/// same rows and the same errors either way.
pub struct Loads {
    csv: CsvReader,
    record: csv::ByteRecord,
    columns: Columns,
    /// The block being split, while blocks come.
    blocks: Option<Blocks>,
}

/// Where the columns of a load file are, and what its rows default to.
struct Columns {
    headers: crate::inputs::Headers,
    decimal_comma: bool,
    default_aht: Option<f64>,
    start_col: usize,
    volume_col: usize,
    queue_col: Option<usize>,
    aht_col: Option<usize>,
}

/// A block of whole lines of [`CsvReader::next_block`] split a chunk at a
/// time.
struct Blocks {
    splitter: Splitter,
    block: Block,
    /// Bytes of `block` split so far.
    done: usize,
    /// The physical line at `done`.
    line: u64,
    /// Scratch space of [`Splitter::rows`].
    ends: Vec<usize>,
}

impl Loads {
    /// Opens the load file `path` (`-` for stdin) and checks its header;
    /// rows without an AHT take `default_aht` seconds.
    ///
    /// # Errors
    ///
    /// As [`read`], for the header.
    pub fn open(path: &Path, default_aht: Option<f64>) -> Result<Loads> {
        Loads::new(CsvConfig::new(path).small_blocks().open()?, default_aht)
    }

    /// The rows of an open CSV input, its header checked.
    ///
    /// # Errors
    ///
    /// As [`read`], for the header.
    pub fn new(csv: CsvReader, default_aht: Option<f64>) -> Result<Loads> {
        // Through `Headers::find`, so that a column named twice is an
        // error.
        let find = |names: &[&str]| {
            let found: Vec<_> =
                names.iter().map(|n| csv.headers().find(n)).collect();
            found.into_iter().flatten().next()
        };
        let missing = |what: &str| {
            InputError::new(
                csv.at(csv.header_line()),
                format!(
                    "a header with columns interval_start, queue \
                     (optional), volume and aht_s (optional); no column \
                     {what}"
                ),
            )
        };
        let start_col = find(&[layout::INTERVAL_START])
            .ok_or_else(|| missing(layout::INTERVAL_START))?;
        let volume_col = find(&[layout::VOLUME, layout::FORECAST])
            .ok_or_else(|| missing(layout::VOLUME))?;
        let queue_col = find(&[layout::QUEUE]);
        let aht_col = find(&[layout::AHT_S]);
        let columns = Columns {
            headers: csv.headers().clone(),
            decimal_comma: csv.decimal_comma(),
            default_aht,
            start_col,
            volume_col,
            queue_col,
            aht_col,
        };
        let blocks = Blocks {
            splitter: csv.splitter(),
            block: Block::default(),
            done: 0,
            line: 0,
            ends: vec![],
        };
        Ok(Loads {
            csv,
            record: csv::ByteRecord::new(),
            columns,
            blocks: Some(blocks),
        })
    }

    /// Appends up to `max` more rows to `chunk`; `false` once the file is
    /// over (the rows read before the end, or before a bad row, are still
    /// appended).
    ///
    /// # Errors
    ///
    /// As [`read`], for the first bad row of the chunk.
    pub fn next_rows(
        &mut self,
        chunk: &mut LoadChunk,
        max: usize,
    ) -> Result<bool> {
        let wanted = chunk.len().saturating_add(max);
        while let Some(blocks) = &mut self.blocks {
            let left = wanted - chunk.len();
            if left == 0 {
                return Ok(true);
            }
            if blocks.done == blocks.block.bytes.len() {
                match self.csv.next_block()? {
                    Next::Block(block) => {
                        blocks.line = block.line;
                        let done = std::mem::replace(&mut blocks.block, block);
                        self.csv.recycle(done.bytes);
                        blocks.done = 0;
                    }
                    Next::Records | Next::End => self.blocks = None,
                }
                continue;
            }
            // The next `left` lines (blank ones give no row: the loop
            // comes back for more).
            let Blocks { splitter, block, done, line, ends } = blocks;
            let rest = &block.bytes[*done..];
            let (len, lines) = match memchr::memchr_iter(b'\n', rest)
                .nth(left - 1)
            {
                Some(nl) => (nl + 1, left as u64),
                None => {
                    (rest.len(), crate::inputs::count_newlines(rest) as u64)
                }
            };
            let (columns, csv) = (&self.columns, &self.csv);
            // Checked as UTF-8 once for all its fields (most files are).
            let lines_text = std::str::from_utf8(&rest[..len]).ok();
            splitter.lines(&rest[..len], *line, ends, |line, fields| {
                columns.row(csv, line, |c| fields.get(c), lines_text, chunk)
            })?;
            (*done, *line) = (*done + len, *line + lines);
        }
        // The rest of a file holding quotes, row by row.
        while chunk.len() < wanted {
            let Some(line) = self.csv.next_record(&mut self.record)? else {
                return Ok(false);
            };
            let record = &self.record;
            let get = |c| record.get(c);
            self.columns.row(&self.csv, line, get, None, chunk)?;
        }
        Ok(true)
    }
}

impl Columns {
    /// The row at `line` of `csv`, whose field `i` is `get(i)`, appended
    /// to `chunk`.
    fn row<'r>(
        &self,
        csv: &CsvReader,
        line: u64,
        get: impl Fn(usize) -> Option<&'r [u8]>,
        lines_text: Option<&'r str>,
        chunk: &mut LoadChunk,
    ) -> Result<()> {
        let at = |col: usize| csv.at(line).column(&self.headers.names()[col]);
        // A field of `lines_text` (the lines it was split from, when they
        // are UTF-8) is taken from it, already checked; any other field is
        // decoded on its own.
        let decoded = |field: &'r [u8]| {
            let from = (field.as_ptr() as usize)
                .wrapping_sub(lines_text?.as_ptr() as usize);
            lines_text?.get(from..from.checked_add(field.len())?)
        };
        let raw = |col: usize| match get(col).map(|f| match decoded(f) {
            Some(f) => Cow::Borrowed(f),
            None => text(f),
        }) {
            Some(Cow::Borrowed(f)) => Cow::Borrowed(trim(f)),
            Some(Cow::Owned(f)) => Cow::Owned(f.trim().to_string()),
            None => Cow::Borrowed(""),
        };
        let field = |col: usize| raw(col).into_owned();
        let number =
            |col: usize| layout::number(&raw(col), self.decimal_comma);
        let interval_start = raw(self.start_col);
        if interval_start.is_empty() {
            return Err(InputError::new(
                at(self.start_col),
                "the interval's start time",
            )
            .found("")
            .into());
        }
        // Most volumes and AHTs are whole numbers: read without the text
        // and float parsing, to the same value.
        let whole = |col: usize| get(col).and_then(whole_number);
        let volume_col = self.volume_col;
        let volume = whole(volume_col)
            .or_else(|| number(volume_col))
            .filter(|v| *v >= 0.0)
            .ok_or_else(|| {
                InputError::new(at(volume_col), "a number of contacts ≥ 0")
                    .found(field(volume_col))
            })?;
        let aht = self.aht_col.map(|c| (c, whole(c)));
        let aht = aht.filter(|&(c, w)| w.is_some() || !raw(c).is_empty());
        let aht_s = match aht {
            Some((c, w)) => w
                .or_else(|| number(c))
                .filter(|a| *a > 0.0)
                .ok_or_else(|| {
                    InputError::new(at(c), "an AHT in seconds above 0")
                        .found(field(c))
                })?,
            None => self.default_aht.ok_or_else(|| {
                InputError::new(
                    match self.aht_col {
                        Some(c) => at(c),
                        None => csv.at(line),
                    },
                    "an AHT in seconds (column aht_s), or --aht for rows \
                     without one",
                )
            })?,
        };
        chunk.text.push_str(&interval_start);
        let start_end = chunk.text.len();
        match self.queue_col.map(raw).filter(|q| !q.is_empty()) {
            Some(q) => chunk.text.push_str(&q),
            None => chunk.text.push_str("main"),
        }
        let queue_end = chunk.text.len();
        chunk.rows.push(ChunkRow {
            start_end,
            queue_end,
            volume,
            aht_s,
            line,
        });
        Ok(())
    }
}

/// `field.trim()`, without looking at its characters one by one when it
/// starts and ends with a visible ASCII character (no white space to
/// remove, as most fields).
fn trim(field: &str) -> &str {
    match (field.as_bytes().first(), field.as_bytes().last()) {
        (Some(first), Some(last))
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            field
        }
        _ => field.trim(),
    }
}

/// A field of ASCII digits alone (blanks around it aside) as the number
/// [`layout::number`] reads from it, exactly (at most 15 digits, below
/// 2^53); `None` for any other field, which is read the general way.
fn whole_number(field: &[u8]) -> Option<f64> {
    // The white space `str::trim` removes, restricted to ASCII: any other
    // byte is not a digit and sends the field the general way.
    let blank = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let from = field.iter().position(|b| !blank(b))?;
    let to = field.iter().rposition(|b| !blank(b))? + 1;
    let digits = &field[from..to];
    if digits.len() > 15 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits.iter().fold(0u64, |n, d| 10 * n + u64::from(d - b'0'));
    Some(n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_input(
        name: &str,
        text: &str,
        default_aht: Option<f64>,
    ) -> Result<Vec<IntervalLoad>> {
        let source = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        parse(CsvReader::new(name, source, None)?, default_aht)
    }

    #[test]
    fn the_trim_shortcut_trims_as_str_trim() {
        for field in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "\ta b\r",
            "2025-01-01T00:00:00",
            "é",
            "sav\u{2003}",
            "\u{85}x",
            "x\u{85}",
        ] {
            assert_eq!(trim(field), field.trim(), "{field:?}");
        }
    }

    #[test]
    fn input_rows_parse_with_either_delimiter() {
        let en = "interval_start,queue,volume,aht_s\n\
                  2025-11-28T09:00:00+01:00,sav,100,180\n\
                  2025-11-28T09:30:00+01:00,sav,120,\n";
        let rows = parse_input("f.csv", en, Some(200.0)).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].aht_s, 200.0);
        assert_eq!(rows[1].line, 3);
        let fr = "Interval_Start;VOLUME\n2025-11-28 09:00;12,5\n";
        let rows = parse_input("f.csv", fr, Some(180.0)).unwrap();
        assert_eq!(rows[0].volume, 12.5);
        assert_eq!(rows[0].queue, "main");
    }

    proptest::proptest! {
        /// A whole number is read as the general reader reads it, and any
        /// field the shortcut declines is left to that reader.
        #[test]
        fn whole_numbers_read_as_the_general_reader_does(
            field in "[ \t\r\x0b\x0c]{0,2}[0-9]{0,17}[ \t\x0b]{0,2}|\
                      [0-9 .,+eE\u{a0}-]{0,8}",
        ) {
            if let Some(x) = whole_number(field.as_bytes()) {
                let general = layout::number(field.trim(), false);
                proptest::prop_assert_eq!(Some(x), general);
            }
        }
    }

    /// Every row of `text`, `max` at a time, read in blocks of `block`
    /// bytes (the default when `None`), and the error that ended them.
    fn read_all(
        text: impl AsRef<[u8]>,
        max: usize,
        block: Option<usize>,
    ) -> (Vec<IntervalLoad>, Option<String>) {
        let source = Box::new(std::io::Cursor::new(text.as_ref().to_vec()));
        let mut csv = CsvReader::new("f.csv", source, None).unwrap();
        if let Some(bytes) = block {
            csv = csv.block_bytes(bytes);
        }
        let mut loads = Loads::new(csv, Some(200.0)).unwrap();
        let (mut rows, mut chunk) = (vec![], LoadChunk::default());
        let error = loop {
            chunk.clear();
            let more = loads.next_rows(&mut chunk, max);
            rows.extend((0..chunk.len()).map(|i| chunk.get(i).to_load()));
            match more {
                Ok(true) => {}
                Ok(false) => break None,
                Err(e) => break Some(e.to_string()),
            }
        };
        (rows, error)
    }

    #[test]
    fn blocks_and_the_csv_crate_read_the_same_rows_and_errors() {
        let bodies = [
            "2025-11-28T09:00,sav,100,180\n\n2025-11-28T09:30,sav,120,\r\n  \
             , , ,\n2025-11-28T10:00,,7,60",
            "a,q,1,1\nb,q,2,2\nc,\"q,x\",3,3\nd,q,4,4\n",
            "a,q,1,1\nb,q,-2,2\nc,q,3,3\n",
            "a,q,1,1\nb,q,2\nc,q,3,3\n",
            "a,q,1,1\n,q,2,2\n",
            "a,q,1.5,1\nb, q ,2,0\n",
            "a,q,1,1\nb,q,2,2\n\n\n",
        ];
        for body in bodies {
            // A quoted header sends every row through the csv crate.
            let quoted =
                format!("\"interval_start\",queue,volume,aht_s\n{body}");
            let want = read_all(&quoted, usize::MAX, None);
            let plain = format!("interval_start,queue,volume,aht_s\n{body}");
            for block in [Some(8), Some(40), None] {
                for max in [1, 2, 3, usize::MAX] {
                    let got = read_all(&plain, max, block);
                    assert_eq!(got, want, "{body:?}, blocks {block:?}, {max}");
                }
            }
        }
    }

    /// Lines of UTF-8 are decoded once for all their fields; a line of
    /// Windows-1252 in the same block, field by field: the same text as
    /// through the csv crate.
    #[test]
    fn fields_are_utf8_or_windows_1252_in_blocks_too() {
        let body: &[u8] =
            b"a,Caf\xc3\xa9,1,1\nb,Caf\xe9,2,2\nc,\xe2\x82\xac,3,3\n";
        let quoted =
            [b"\"interval_start\",queue,volume,aht_s\n", body].concat();
        let plain = [b"interval_start,queue,volume,aht_s\n", body].concat();
        let (want, error) = read_all(&quoted, usize::MAX, None);
        assert_eq!(error, None);
        let queues: Vec<_> = want.iter().map(|r| r.queue.as_str()).collect();
        assert_eq!(queues, ["Café", "Café", "€"]);
        for block in [Some(8), Some(20), None] {
            for max in [1, 2, usize::MAX] {
                let (got, error) = read_all(&plain, max, block);
                assert_eq!((&got, error), (&want, None), "{block:?}, {max}");
            }
        }
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let text = "interval_start,queue,volume\nx,q,1\ny,q,-3\n";
        let err = parse_input("f.csv", text, Some(180.0)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("f.csv:3: column \"volume\""), "{msg}");
        let text = "interval_start,queue,volume\nx,q,1\n";
        let err = parse_input("f.csv", text, None).unwrap_err();
        assert!(err.to_string().contains("--aht"), "{err}");
    }

    #[test]
    fn missing_columns_and_commas_in_a_comma_file() {
        let err = parse_input("f.csv", "interval_start,aht_s\nx,1\n", None)
            .unwrap_err();
        assert!(err.to_string().contains("no column volume"), "{err}");
        let text = "interval_start,volume\nx,\"12,5\"\n";
        let err = parse_input("f.csv", text, Some(1.0)).unwrap_err();
        assert!(err.to_string().contains("found \"12,5\""), "{err}");
    }
}
