//! The one CSV writer every command uses.

use crate::error::{Error, Result};
use crate::report::Dialect;

/// Builds a CSV document in memory: the caller writes it out atomically with
/// [`crate::output::emit`], so a failure never leaves half a file.
pub struct CsvOut {
    dialect: Dialect,
    writer: ::csv::Writer<Vec<u8>>,
}

impl CsvOut {
    /// A new document in `dialect` with the given header row.
    ///
    /// # Errors
    ///
    /// Fails only if the header cannot be encoded (never in practice).
    pub fn new(dialect: Dialect, header: &[&str]) -> Result<CsvOut> {
        let mut buf = Vec::new();
        if dialect == Dialect::Fr {
            buf.extend_from_slice("\u{feff}".as_bytes());
        }
        let writer = ::csv::WriterBuilder::new()
            .delimiter(dialect.delimiter())
            .from_writer(buf);
        let mut out = CsvOut { dialect, writer };
        out.row(header)?;
        Ok(out)
    }

    /// The dialect numbers should be formatted in ([`Dialect::number`]).
    pub fn dialect(&self) -> Dialect {
        self.dialect
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
        self.writer.write_record(fields).map_err(csv_error)
    }

    /// The finished document.
    ///
    /// # Errors
    ///
    /// Fails only on an internal encoding error.
    pub fn into_bytes(self) -> Result<Vec<u8>> {
        self.writer.into_inner().map_err(|e| {
            Error::write("-", std::io::Error::other(e.to_string()))
        })
    }
}

fn csv_error(e: ::csv::Error) -> Error {
    Error::write("-", std::io::Error::other(e.to_string()))
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
}
