//! The one CSV writer every command uses.

use std::fmt::{Display, Write as _};
use std::io::Write;

use crate::error::{Error, Result};
use crate::report::Dialect;

/// Builds a CSV document in memory from rows of formatted fields: the
/// caller writes it out atomically with [`crate::output::emit`], so a
/// failure never leaves half a file. The same setup as [`CsvWriter`],
/// which streams and formats the fields itself.
pub struct CsvOut {
    inner: CsvWriter<Vec<u8>>,
}

impl CsvOut {
    /// A new document in `dialect` with the given header row.
    ///
    /// # Errors
    ///
    /// Fails only if the header cannot be encoded (never in practice).
    pub fn new(dialect: Dialect, header: &[&str]) -> Result<CsvOut> {
        Ok(CsvOut { inner: CsvWriter::new(Vec::new(), dialect, header)? })
    }

    /// The dialect numbers should be formatted in ([`Dialect::number`]).
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// Appends one row of already formatted fields.
    ///
    /// # Errors
    ///
    /// Fails only on an internal encoding error.
    pub fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.inner.writer.write_record(fields).map_err(csv_error)
    }

    /// The finished document.
    ///
    /// # Errors
    ///
    /// Fails only on an internal encoding error.
    pub fn into_bytes(self) -> Result<Vec<u8>> {
        self.inner.finish()
    }
}

fn csv_error(e: ::csv::Error) -> Error {
    Error::write("-", std::io::Error::other(e.to_string()))
}

/// Writes CSV rows straight into `W`, one field at a time: numbers are
/// formatted into one reused buffer, so a row costs no allocation. The
/// `csv` crate does the quoting, the same as [`CsvOut`].
///
/// ```
/// use peakplan::report::{Dialect, csv::CsvWriter};
/// let mut w = CsvWriter::new(Vec::new(), Dialect::Fr, &["queue", "agents"])?;
/// w.text("sav")?.number(12.5, 2)?.end()?;
/// let bytes = w.finish()?;
/// assert_eq!(bytes, "\u{feff}queue;agents\nsav;12,5\n".as_bytes());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CsvWriter<W: Write> {
    dialect: Dialect,
    writer: ::csv::Writer<W>,
    scratch: String,
}

impl<W: Write> CsvWriter<W> {
    /// A writer in `dialect` over `out` (a UTF-8 byte-order mark first for
    /// [`Dialect::Fr`]), the header row written.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `out` fails.
    pub fn new(
        mut out: W,
        dialect: Dialect,
        header: &[&str],
    ) -> Result<CsvWriter<W>> {
        if dialect == Dialect::Fr {
            out.write_all("\u{feff}".as_bytes())
                .map_err(|e| Error::write("-", e))?;
        }
        let mut w = CsvWriter::rows(out, dialect);
        w.writer.write_record(header).map_err(csv_error)?;
        Ok(w)
    }

    /// A writer in `dialect` over `out` for rows that follow a header
    /// already written (no byte-order mark, no header): a part of a
    /// document formatted on its own, for instance in parallel.
    pub fn rows(out: W, dialect: Dialect) -> CsvWriter<W> {
        let writer = ::csv::WriterBuilder::new()
            .delimiter(dialect.delimiter())
            .from_writer(out);
        CsvWriter { dialect, writer, scratch: String::new() }
    }

    /// Appends a text field.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn text(&mut self, field: impl AsRef<[u8]>) -> Result<&mut Self> {
        self.writer.write_field(field).map_err(csv_error)?;
        Ok(self)
    }

    /// Appends `x` with at most `decimals` decimals in the dialect (as
    /// [`Dialect::number`]); a non-finite `x` is an empty field.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn number(&mut self, x: f64, decimals: usize) -> Result<&mut Self> {
        let comma = self.dialect == Dialect::Fr;
        self.formatted(|s| {
            super::fixed_into(s, x, decimals);
            if comma && let Some(dot) = s.find('.') {
                s.replace_range(dot..=dot, ",");
            }
        })
    }

    /// [`Self::number`], or an empty field for `None`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn maybe(
        &mut self,
        x: Option<f64>,
        decimals: usize,
    ) -> Result<&mut Self> {
        match x {
            Some(x) => self.number(x, decimals),
            None => self.text(""),
        }
    }

    /// Appends `value`'s `Display` form (counts, dates, flags).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn show(&mut self, value: impl Display) -> Result<&mut Self> {
        self.formatted(|s| {
            let _ = write!(s, "{value}");
        })
    }

    /// Appends `items` joined by `sep` as one field.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn joined(
        &mut self,
        items: &[String],
        sep: &str,
    ) -> Result<&mut Self> {
        self.formatted(|s| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(sep);
                }
                s.push_str(item);
            }
        })
    }

    /// Appends the field `fill` writes into the reused buffer.
    fn formatted(
        &mut self,
        fill: impl FnOnce(&mut String),
    ) -> Result<&mut Self> {
        self.scratch.clear();
        fill(&mut self.scratch);
        self.writer.write_field(&self.scratch).map_err(csv_error)?;
        Ok(self)
    }

    /// Ends the row.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn end(&mut self) -> Result<()> {
        self.writer.write_record(None::<&[u8]>).map_err(csv_error)
    }

    /// Flushes and gives the output back.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output fails.
    pub fn finish(self) -> Result<W> {
        self.writer.into_inner().map_err(|e| {
            Error::write("-", std::io::Error::other(e.to_string()))
        })
    }
}

/// CSV rows appended straight to a byte buffer, with the quoting and the
/// numbers of [`CsvWriter`] (a property test checks the bytes), for rows
/// written by the million: no writer state to set up per part, no quoting
/// scan of a number's digits, and no error to carry, since a `Vec` cannot
/// fail. The header, the byte-order mark and equal row lengths are the
/// caller's.
///
/// ```
/// use peakplan::report::{Dialect, csv::CsvBuf};
/// let mut bytes = Vec::new();
/// CsvBuf::new(&mut bytes, Dialect::Fr).text("a;b").decimal(12.5, 2).end();
/// assert_eq!(bytes, "\"a;b\";12,5\n".as_bytes());
/// ```
pub struct CsvBuf<'a> {
    out: &'a mut Vec<u8>,
    dialect: Dialect,
    /// No field yet in the current row.
    fresh: bool,
}

impl<'a> CsvBuf<'a> {
    /// Rows in `dialect` appended to `out`.
    pub fn new(out: &'a mut Vec<u8>, dialect: Dialect) -> CsvBuf<'a> {
        CsvBuf { out, dialect, fresh: true }
    }

    /// The delimiter before every field but a row's first.
    fn open(&mut self) {
        if !self.fresh {
            self.out.push(self.dialect.delimiter());
        }
        self.fresh = false;
    }

    /// Appends a text field, quoted as the `csv` crate quotes when needed
    /// (a delimiter, a quote or a line break inside; quotes doubled).
    pub fn text(&mut self, field: impl AsRef<[u8]>) -> &mut Self {
        self.open();
        self.quoted(field.as_ref());
        self
    }

    /// Appends a field of the program's own that never needs quotes (a
    /// keyword such as `erlang_c` or `true`, or nothing), as [`Self::text`]
    /// would but without looking for a byte to quote.
    pub fn keyword(&mut self, field: &'static str) -> &mut Self {
        debug_assert!(
            field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        );
        self.open();
        self.out.extend_from_slice(field.as_bytes());
        self
    }

    /// The field's bytes, in quotes when it needs them.
    fn quoted(&mut self, field: &[u8]) {
        if !needs_quotes(field, self.dialect.delimiter()) {
            self.out.extend_from_slice(field);
            return;
        }
        self.out.push(b'"');
        for part in field.split_inclusive(|&b| b == b'"') {
            self.out.extend_from_slice(part);
            if part.last() == Some(&b'"') {
                self.out.push(b'"');
            }
        }
        self.out.push(b'"');
    }

    /// [`CsvWriter::decimal`].
    ///
    /// Inlined, so that a row's fields are written with their decimals
    /// and place in the row known.
    #[inline(always)]
    pub fn decimal(&mut self, x: f64, decimals: usize) -> &mut Self {
        let comma = self.dialect == Dialect::Fr;
        let delimiter = (!self.fresh).then(|| self.dialect.delimiter());
        if !push_fixed(self.out, delimiter, x, decimals, comma) {
            self.exact(x, decimals);
        }
        self.fresh = false;
        self
    }

    /// [`Self::decimal`] through the exact formatting.
    #[cold]
    #[inline(never)]
    fn exact(&mut self, x: f64, decimals: usize) {
        self.open();
        let mut s = String::new();
        super::fixed_into(&mut s, x, decimals);
        if self.dialect == Dialect::Fr {
            s = s.replacen('.', ",", 1);
        }
        self.quoted(s.as_bytes());
    }

    /// [`Self::decimal`], or an empty field for `None`.
    #[inline(always)]
    pub fn maybe_decimal(
        &mut self,
        x: Option<f64>,
        decimals: usize,
    ) -> &mut Self {
        match x {
            Some(x) => self.decimal(x, decimals),
            None => self.keyword(""),
        }
    }

    /// Appends a count.
    pub fn count(&mut self, n: u64) -> &mut Self {
        self.open();
        self.out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        self
    }

    /// Ends the row.
    pub fn end(&mut self) {
        self.out.push(b'\n');
        self.fresh = true;
    }
}

/// Whether `field` holds a quote, a line break or `delimiter`, looked for
/// eight bytes at a time (a byte equal to `c` is a zero byte of the word
/// XOR `c` in every byte), as the input reader looks for its delimiters.
fn needs_quotes(field: &[u8], delimiter: u8) -> bool {
    use crate::inputs::zero_bytes;
    let special = |word: [u8; 8]| {
        let x = u64::from_ne_bytes(word);
        let zero = |c: u8| zero_bytes(x ^ u64::from_ne_bytes([c; 8]));
        zero(b'"') | zero(b'\r') | zero(b'\n') | zero(delimiter) != 0
    };
    let (words, rest) = field.as_chunks::<8>();
    match field.last_chunk::<8>() {
        // The last eight bytes, overlapping the last whole word, without
        // copying them out.
        Some(&last) => words.iter().any(|&w| special(w)) || special(last),
        None => rest
            .iter()
            .any(|&b| matches!(b, b'"' | b'\r' | b'\n') || b == delimiter),
    }
}

/// `10^k`.
const POW10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// `x` with at most `decimals` decimals, trailing zeros trimmed and `-0`
/// written `0` (as [`super::fixed`], with a decimal comma when `comma`),
/// appended to `out` after `delimiter` if any: `false` (nothing written)
/// when the rounding is not sure.
///
/// A whole number (a volume, an AHT, a count of FTE) is its integer
/// whatever the decimals. Otherwise `y = |x|·10^d` is rounded once (`10^d`
/// is exact), so the exact `|x|·10^d` lies within half an ulp of `y`, and
/// an ulp is at most `2^−52·y`. When `y` is farther than that from the
/// midpoint between two integers, the exact value and `y` round to the
/// same integer `v`, which is what the exact decimal formatting prints.
/// Otherwise (a near tie, `y ≥ 1e15`, more than 9 decimals, a non-finite
/// `x`) the caller falls back to the exact formatting.
///
/// The whole part of `v` is `⌊|x|⌋` or one more: rounding is monotonic
/// and `⌊|x|⌋·10^d` is exact, so `⌊|x|⌋·10^d ≤ v ≤ (⌊|x|⌋ + 1)·10^d`. The
/// two parts are then written apart, without dividing `v`.
#[inline(always)]
fn push_fixed(
    out: &mut Vec<u8>,
    delimiter: Option<u8>,
    x: f64,
    decimals: usize,
    comma: bool,
) -> bool {
    let abs = x.abs();
    // Below the bound the conversions are exact. (Through `i64`, as one
    // instruction each way.)
    if abs.is_nan() || abs >= 1e15 {
        return false;
    }
    let mut whole = abs as i64 as u64;
    let (frac, negative) = if whole as i64 as f64 == abs {
        (0, x < 0.0 && whole != 0)
    } else {
        let Some(&scale) = POW10.get(decimals) else {
            return false;
        };
        let y = abs * scale as i64 as f64;
        if y >= 1e15 {
            return false;
        }
        let truncated = y as i64;
        let rest = y - truncated as f64;
        if (rest - 0.5).abs() <= 2.0 * f64::EPSILON * y {
            return false;
        }
        let v = truncated as u64 + u64::from(rest > 0.5);
        let mut frac = v - whole * scale;
        if frac == scale {
            (whole, frac) = (whole + 1, 0);
        }
        (frac, x < 0.0 && v != 0)
    };
    // Pieces of eight digits are stored whole, straight into `out`, and
    // the length cut back to the digits wanted: stores of known length are
    // a few moves, not calls to `memcpy`. (Stored first in a buffer of
    // their own and then copied, they stalled the copy: a load spanning
    // several just-made stores waits for all of them.)
    let start = out.len();
    out.extend_from_slice(&[0; 40]);
    let text = &mut out[start..];
    let mut at = 0;
    let mut put = |word: u64, len: usize| {
        text[at..at + 8].copy_from_slice(&word.to_le_bytes());
        at += len;
    };
    if let Some(delimiter) = delimiter {
        put(u64::from(delimiter), 1);
    }
    put(u64::from(b'-'), usize::from(negative));
    // The whole part without its leading zeros, keeping its units digit
    // (alone for a share, a probability, an occupancy).
    if whole < 10 {
        put(u64::from(b'0' + whole as u8), 1);
    } else if whole < 10_000 {
        // A volume, an AHT, a traffic: four digits are enough.
        // (Its high bytes are zero, not `0`: at most its two leading
        // zeros are counted.)
        let word = u64::from(four_digits(whole as u32));
        let lead = zeros(word, true);
        put(word >> (8 * lead), 4 - lead);
    } else if whole < 100_000_000 {
        let word = eight_digits(whole as u32);
        let lead = zeros(word, true).min(7);
        put(word >> (8 * lead), 8 - lead);
    } else {
        // At most 1e15: the high half is below 10^8 and not zero.
        let high = eight_digits((whole / 100_000_000) as u32);
        let lead = zeros(high, true);
        put(high >> (8 * lead), 8 - lead);
        put(eight_digits((whole % 100_000_000) as u32), 8);
    }
    if frac != 0 {
        put(u64::from(if comma { b',' } else { b'.' }), 1);
        // The decimals, `decimals` wide, as eight digits (a ninth first).
        let eight = if decimals == 9 {
            put(u64::from(b'0' + (frac / 100_000_000) as u8), 1);
            frac % 100_000_000
        } else {
            frac * POW10[8 - decimals]
        };
        let word = eight_digits(eight as u32);
        put(word, 8 - zeros(word, false));
    }
    out.truncate(start + at);
    true
}

/// The eight decimal digits of `n < 10^8`, zero-padded, as ASCII bytes
/// in the order they are written (`to_le_bytes`), found for all eight at
/// once: the number is split into halves of four digits, each half into
/// pairs, each pair into digits, every step on all its lanes by one
/// multiplication (`⌊v·10486/2^20⌋ = ⌊v/100⌋` for `v < 10^4`, and
/// `⌊v·103/2^10⌋ = ⌊v/10⌋` for `v < 100`; no product leaves its lane).
#[inline(always)]
fn eight_digits(n: u32) -> u64 {
    debug_assert!(n < 100_000_000);
    let x = u64::from(n / 10_000) | (u64::from(n % 10_000) << 32);
    let hundreds = ((x * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let x = hundreds | ((x - hundreds * 100) << 16);
    let tens = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    let x = tens | ((x - tens * 10) << 8);
    x | u64::from_ne_bytes([b'0'; 8])
}

/// The four decimal digits of `n < 10^4`, zero-padded, as ASCII bytes in
/// the order they are written, as [`eight_digits`] finds them for each
/// half.
#[inline(always)]
fn four_digits(n: u32) -> u32 {
    debug_assert!(n < 10_000);
    let hundreds = (n * 5_243) >> 19;
    let x = hundreds | ((n - hundreds * 100) << 16);
    let tens = ((x * 103) >> 10) & 0x000f_000f;
    let x = tens | ((x - tens * 10) << 8);
    x | u32::from_ne_bytes([b'0'; 4])
}

/// How many of the 8 digits `word` ([`eight_digits`]) are `0`, from its
/// first (`lead`) or from its last.
#[inline(always)]
fn zeros(word: u64, lead: bool) -> usize {
    let diff = word ^ u64::from_ne_bytes([b'0'; 8]);
    (if lead { diff.trailing_zeros() } else { diff.leading_zeros() } / 8)
        as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dialect_has_bom_and_semicolons() {
        let mut out = CsvOut::new(Dialect::Fr, &["a", "b"]).unwrap();
        let n = out.dialect().number(1.5, 2);
        out.row(["x", n.as_str()]).unwrap();
        let text = String::from_utf8(out.into_bytes().unwrap()).unwrap();
        assert_eq!(text, "\u{feff}a;b\nx;1,5\n");
    }

    proptest::proptest! {
        /// Whatever the text and numbers, streaming a row gives the bytes
        /// of formatting its fields first and writing them whole.
        #[test]
        fn streamed_rows_are_the_formatted_rows(
            rows in proptest::collection::vec(
                ("\\PC{0,12}", proptest::num::f64::ANY, 0usize..10, 0u64..5),
                0..8,
            ),
            fr: bool,
        ) {
            let dialect = if fr { Dialect::Fr } else { Dialect::En };
            let header = ["t", "x", "n"];
            let mut whole = Vec::new();
            if fr {
                whole.extend_from_slice("\u{feff}".as_bytes());
            }
            let mut plain = ::csv::WriterBuilder::new()
                .delimiter(dialect.delimiter())
                .from_writer(whole);
            plain.write_record(header).unwrap();
            let mut streamed =
                CsvWriter::new(Vec::new(), dialect, &header).unwrap();
            for (t, x, decimals, n) in &rows {
                let x_text = dialect.number(*x, *decimals);
                plain.write_record([t.as_str(), &x_text, &n.to_string()])
                    .unwrap();
                streamed.text(t).unwrap().number(*x, *decimals).unwrap();
                streamed.show(n).unwrap().end().unwrap();
            }
            proptest::prop_assert_eq!(
                streamed.finish().unwrap(),
                plain.into_inner().unwrap()
            );
        }
    }

    proptest::proptest! {
        /// Rows appended to a buffer are the bytes of the `csv` writer's:
        /// the same quoting, numbers and counts.
        #[test]
        fn buffered_rows_are_the_writer_rows(
            rows in proptest::collection::vec(
                (
                    "[a-z;,\"\r\n ]{0,24}|\\PC{0,6}",
                    proptest::num::f64::ANY,
                    -2e3f64..2e3,
                    0usize..11,
                    proptest::num::u64::ANY,
                ),
                0..8,
            ),
            fr: bool,
        ) {
            let dialect = if fr { Dialect::Fr } else { Dialect::En };
            let mut writer = CsvWriter::rows(Vec::new(), dialect);
            let mut bytes = Vec::new();
            let mut buf = CsvBuf::new(&mut bytes, dialect);
            for (t, x, y, decimals, n) in &rows {
                writer.text(t).unwrap().number(*x, *decimals).unwrap();
                writer.maybe(Some(*y), *decimals).unwrap();
                writer.maybe(None, 2).unwrap().show(n).unwrap();
                writer.end().unwrap();
                buf.text(t).decimal(*x, *decimals);
                buf.maybe_decimal(Some(*y), *decimals);
                buf.maybe_decimal(None, 2).count(*n).end();
            }
            proptest::prop_assert_eq!(writer.finish().unwrap(), bytes);
        }
    }

    fn both(x: f64, decimals: usize, dialect: Dialect) -> (Vec<u8>, Vec<u8>) {
        // A second field, because the csv crate quotes a row of one empty
        // field (a non-finite `x`) where `CsvBuf` leaves it empty; then
        // `x` after a field, behind its delimiter.
        let mut slow = CsvWriter::rows(Vec::new(), dialect);
        slow.number(x, decimals).unwrap().text("").unwrap().end().unwrap();
        slow.text("a").unwrap().number(x, decimals).unwrap().end().unwrap();
        let mut fast = Vec::new();
        let mut buf = CsvBuf::new(&mut fast, dialect);
        buf.decimal(x, decimals).text("").end();
        buf.text("a").decimal(x, decimals).end();
        (slow.finish().unwrap(), fast)
    }

    proptest::proptest! {
        /// The integer path prints what the exact formatting prints, for
        /// any double and also near the ties between two roundings.
        #[test]
        fn decimals_are_the_exact_formatting(
            x in proptest::num::f64::ANY,
            small in -2e6f64..2e6,
            tie in -1_000_000i64..1_000_000,
            nudge in -4i64..=4,
            whole in -2_000_000_000_000_000i64..=2_000_000_000_000_000,
            decimals in 0usize..12,
            fr: bool,
        ) {
            let dialect = if fr { Dialect::Fr } else { Dialect::En };
            let scale = 10f64.powi(decimals.min(9) as i32);
            let near = f64::from_bits(
                ((tie as f64 + 0.5) / scale).to_bits().wrapping_add_signed(nudge),
            );
            // Whole numbers take a path of their own, up to 1e15.
            let whole = whole as f64;
            let round = small.round();
            for v in [x, small, near, -near, whole, round, whole / 1e3] {
                let (slow, fast) = both(v, decimals, dialect);
                proptest::prop_assert_eq!(slow, fast, "{} at {}", v, decimals);
            }
        }
    }

    #[test]
    fn four_digits_are_the_padded_digits() {
        for n in 0..10_000 {
            let text = format!("{n:04}");
            assert_eq!(&four_digits(n).to_le_bytes(), text.as_bytes());
        }
    }

    proptest::proptest! {
        /// The eight digits found at once are the zero-padded digits, and
        /// their zeros are counted from either end.
        #[test]
        fn eight_digits_are_the_padded_digits(n in 0u32..100_000_000) {
            let word = eight_digits(n);
            let text = format!("{n:08}");
            proptest::prop_assert_eq!(&word.to_le_bytes(), text.as_bytes());
            let lead = text.len() - text.trim_start_matches('0').len();
            let trail = text.len() - text.trim_end_matches('0').len();
            proptest::prop_assert_eq!(zeros(word, true), lead);
            proptest::prop_assert_eq!(zeros(word, false), trail);
        }
    }

    #[test]
    fn decimals_of_awkward_values() {
        for x in [
            0.0,
            -0.0,
            1e-7,
            -1e-7,
            0.125,
            2.5,
            -2.5,
            0.888_350_019_2,
            999_999.999_999_5,
            1e14,
            1e15,
            1e300,
            f64::NAN,
            f64::INFINITY,
            5e-324,
            0.1 + 0.2,
            10.0,
            100.0,
            1000.5,
            -0.05,
            123_456_789.012_345_6,
        ] {
            for d in 0..11 {
                let (slow, fast) = both(x, d, Dialect::Fr);
                assert_eq!(slow, fast, "{x} at {d}");
            }
        }
    }

    #[test]
    fn the_streaming_writer_matches_the_row_writer() {
        for dialect in [Dialect::En, Dialect::Fr] {
            let mut old = CsvOut::new(dialect, &["a", "b", "c", "d"]).unwrap();
            let mut new =
                CsvWriter::new(Vec::new(), dialect, &["a", "b", "c", "d"])
                    .unwrap();
            for (t, x, n) in [("x;y", 1.25, 7u64), ("q\"", -0.0001, 0)] {
                let num = dialect.number(x, 3);
                old.row([t, num.as_str(), "", &n.to_string()]).unwrap();
                new.text(t).unwrap().number(x, 3).unwrap();
                new.maybe(None, 2).unwrap().show(n).unwrap().end().unwrap();
            }
            let bytes = new.finish().unwrap();
            assert_eq!(bytes, old.into_bytes().unwrap());
            if dialect == Dialect::Fr {
                let want =
                    "\u{feff}a;b;c;d\n\"x;y\";1,25;;7\n\"q\"\"\";0;;0\n";
                assert_eq!(String::from_utf8(bytes).unwrap(), want);
            }
        }
    }
}
