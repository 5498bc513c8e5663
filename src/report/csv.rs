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
