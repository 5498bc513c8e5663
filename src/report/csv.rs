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

    /// The field's bytes, in quotes when it needs them.
    fn quoted(&mut self, field: &[u8]) {
        let delimiter = self.dialect.delimiter();
        let special =
            |b: &u8| matches!(*b, b'"' | b'\r' | b'\n') || *b == delimiter;
        if !field.iter().any(special) {
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
    pub fn decimal(&mut self, x: f64, decimals: usize) -> &mut Self {
        let comma = self.dialect == Dialect::Fr;
        self.open();
        if !push_fixed(self.out, x, decimals, comma) {
            let mut s = String::new();
            super::fixed_into(&mut s, x, decimals);
            if comma {
                s = s.replacen('.', ",", 1);
            }
            self.quoted(s.as_bytes());
        }
        self
    }

    /// [`Self::decimal`], or an empty field for `None`.
    pub fn maybe_decimal(
        &mut self,
        x: Option<f64>,
        decimals: usize,
    ) -> &mut Self {
        match x {
            Some(x) => self.decimal(x, decimals),
            None => self.text(""),
        }
    }

    /// Appends a count.
    pub fn count(&mut self, n: u64) -> &mut Self {
        self.open();
        push_digits(self.out, n, 0, false, false);
        self
    }

    /// Ends the row.
    pub fn end(&mut self) {
        self.out.push(b'\n');
        self.fresh = true;
    }
}

/// Exact powers of ten (every one up to `1e22` is a double).
const POW10: [f64; 10] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// `x·10^decimals` rounded to an integer when the rounding is sure, with
/// trailing zero decimals dropped: the digits, how many of them are
/// decimals, and whether a minus sign leads.
///
/// `y = x·10^d` is rounded once (`10^d` is exact), so the exact
/// `x·10^d` lies within half an ulp of `y`, and an ulp is at most
/// `2^−52·|y|`. When `y` is farther than that from the midpoint between
/// two integers, the exact value and `y` round to the same integer, which
/// is what the exact decimal formatting prints. Otherwise (a near tie,
/// `|y| ≥ 1e15`, more than 9 decimals, a non-finite `x`) the caller falls
/// back to the exact formatting.
fn rounded(x: f64, decimals: usize) -> Option<(u64, usize, bool)> {
    let scale = *POW10.get(decimals)?;
    let y = x * scale;
    if !y.is_finite() || y.abs() >= 1e15 {
        return None;
    }
    let (abs, margin) = (y.abs(), 2.0 * f64::EPSILON * y.abs());
    // Truncation and the subtraction are exact below 2^53.
    let whole = abs as u64;
    let frac = abs - whole as f64;
    if (frac - 0.5).abs() <= margin {
        return None;
    }
    let mut v = whole + u64::from(frac > 0.5);
    let negative = y < 0.0 && v != 0;
    let mut width = decimals;
    while width > 0 && v.is_multiple_of(10) {
        v /= 10;
        width -= 1;
    }
    Some((v, width, negative))
}

/// "00" to "99".
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// `x` with at most `decimals` decimals, trailing zeros trimmed and `-0`
/// written `0` (as [`super::fixed`], with a decimal comma when `comma`),
/// appended to `out`: `false` (nothing written) when [`rounded`] is not
/// sure.
fn push_fixed(
    out: &mut Vec<u8>,
    x: f64,
    decimals: usize,
    comma: bool,
) -> bool {
    // A whole number (a volume, an AHT, a count of FTE) is its integer
    // whatever the decimals: no scaling, no trailing zero to strip. Below
    // 1e15 the conversions are exact both ways, and NaN fails the bound.
    if x.abs() < 1e15 && (x as i64) as f64 == x {
        let v = x.abs() as u64;
        push_digits(out, v, 0, x < 0.0 && v != 0, comma);
        return true;
    }
    let Some((v, width, negative)) = rounded(x, decimals) else {
        return false;
    };
    push_digits(out, v, width, negative, comma);
    true
}

/// Appends `v` with its last `width` digits after the decimal separator,
/// led by a minus sign when `negative`: two digits per division, written
/// from the last into a scratch buffer whose tail of fixed length is
/// copied whole (a copy of known length is a few moves, not a call to
/// `memcpy`) and then cut back to the digits written.
fn push_digits(
    out: &mut Vec<u8>,
    mut v: u64,
    width: usize,
    negative: bool,
    comma: bool,
) {
    // At most 20 digits, a separator and a sign end at `END`; the bytes
    // after it only make the copy's length fixed.
    const END: usize = 24;
    let mut buf = [0u8; 2 * END];
    let mut k = END;
    fn pair(buf: &mut [u8; 2 * END], v: &mut u64, k: &mut usize) {
        let d = (*v % 100) as usize * 2;
        *v /= 100;
        *k -= 2;
        buf[*k..*k + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    fn single(buf: &mut [u8; 2 * END], v: &mut u64, k: &mut usize) {
        *k -= 1;
        buf[*k] = b'0' + (*v % 10) as u8;
        *v /= 10;
    }
    for _ in 0..width / 2 {
        pair(&mut buf, &mut v, &mut k);
    }
    if width % 2 == 1 {
        single(&mut buf, &mut v, &mut k);
    }
    if width > 0 {
        k -= 1;
        buf[k] = if comma { b',' } else { b'.' };
    }
    let whole = k;
    while v >= 10 {
        pair(&mut buf, &mut v, &mut k);
    }
    if v > 0 || k == whole {
        single(&mut buf, &mut v, &mut k);
    }
    if negative {
        k -= 1;
        buf[k] = b'-';
    }
    let len = out.len() + (END - k);
    out.extend_from_slice(&buf[k..k + END]);
    out.truncate(len);
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
                    "[a-z;,\"\r\n ]{0,8}|\\PC{0,6}",
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
        // field (a non-finite `x`) where `CsvBuf` leaves it empty.
        let mut slow = CsvWriter::rows(Vec::new(), dialect);
        slow.number(x, decimals).unwrap().text("").unwrap().end().unwrap();
        let mut fast = Vec::new();
        CsvBuf::new(&mut fast, dialect).decimal(x, decimals).text("").end();
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
