//! Output formats shared by every command: CSV (two dialects), JSON and
//! plain-text tables.
//!
//! A result is plain data with one adapter here that writes it in each
//! format: [`Render`] (a table for a person, CSV, JSON), chosen by the one
//! [`Format`] dispatch, [`render`]; JSON is encoded by [`json_bytes`]
//! only. Every CSV file peakplan writes follows the same rules: stable
//! column order, ISO dates, no scientific notation, and the French
//! spreadsheet dialect on request. Charts are the same idea ([`plot`]):
//! plain chart data, one renderer.
//!
//! * [`plan`]: the capacity plan's files and summary.
//! * [`simulate`]: the simulated days and intervals of a plan.
//! * [`reforecast`]: the intraday re-forecast and its actions.

pub mod backtest;
pub mod calendar;
pub mod csv;
pub mod erlang;
pub mod forecast;
pub mod forecast_layout;
pub mod plan;
pub mod plan_layout;
pub mod plot;
pub mod reforecast;
pub mod simulate;
pub mod table;
pub mod term;
pub mod validate;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::term::Look;

/// A result written in each of the formats a command prints.
pub trait Render {
    /// Aligned text for a person, in `look` (colour and width).
    fn table(&self, look: Look) -> String;
    /// CSV in `dialect`.
    ///
    /// # Errors
    ///
    /// Only on an internal encoding error.
    fn csv(&self, dialect: Dialect) -> Result<Vec<u8>>;
    /// The JSON document.
    fn json(&self) -> serde_json::Value;
    /// The JSON document encoded by [`json_bytes`]. A result whose JSON is
    /// a typed struct encodes the struct itself, so that its keys keep
    /// their declared order (a [`serde_json::Value`] sorts them).
    ///
    /// # Errors
    ///
    /// Only on an internal encoding error.
    fn json_bytes(&self) -> Result<Vec<u8>> {
        json_bytes(&self.json())
    }
}

/// `result` in `format`: the one place a format is chosen.
///
/// # Errors
///
/// Only on an internal encoding error.
pub fn render(
    result: &dyn Render,
    format: Format,
    look: Look,
    dialect: Dialect,
) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(result.table(look).into_bytes()),
        Format::Csv => result.csv(dialect),
        Format::Json => result.json_bytes(),
    }
}

/// `value` as pretty JSON and a final newline: the one JSON encoder.
///
/// # Errors
///
/// [`Error::Io`] when `value` cannot be encoded (a map with non-text keys).
pub fn json_bytes(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::write("-", std::io::Error::other(e)))?;
    bytes.push(b'\n');
    Ok(bytes)
}

use std::str::FromStr;

/// How a command prints its result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for a person.
    #[default]
    Table,
    /// Comma- (or semicolon-) separated values for spreadsheets and scripts.
    Csv,
    /// JSON for programs.
    Json,
}

impl Format {
    /// The format to write: `explicit` if given, else guessed from the
    /// extension of `--out` (`.csv`, `.json`; `.tsv` is not guessed), else
    /// a table. `peakplan forecast --out f.csv` writes CSV, as a user
    /// expects, and stdout stays a table for a person.
    pub fn resolve(
        explicit: Option<Format>,
        out: Option<&std::path::Path>,
    ) -> Format {
        let ext = out
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        explicit.unwrap_or(match ext.as_deref() {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            _ => Format::Table,
        })
    }
}

/// The CSV dialect: `en` writes `,` and `1234.5`; `fr` writes `;`, `1234,5`
/// and a UTF-8 byte-order mark so that French Excel opens the file right.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// `,` delimiter, `.` decimal point.
    #[default]
    En,
    /// `;` delimiter, `,` decimal comma, UTF-8 BOM.
    Fr,
}

impl Dialect {
    /// The field delimiter.
    pub fn delimiter(self) -> u8 {
        match self {
            Dialect::En => b',',
            Dialect::Fr => b';',
        }
    }

    /// Formats `x` with at most `decimals` digits after the point, trailing
    /// zeros trimmed, never in scientific notation. Non-finite values become
    /// an empty field: a spreadsheet cell left blank, never `NaN`.
    pub fn number(self, x: f64, decimals: usize) -> String {
        let s = fixed(x, decimals);
        match self {
            Dialect::En => s,
            Dialect::Fr => s.replace('.', ","),
        }
    }
}

impl FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Dialect, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Dialect::En),
            "fr" => Ok(Dialect::Fr),
            _ => Err(format!("expected a CSV dialect en or fr, found {s:?}")),
        }
    }
}

/// Formats `x` with at most `decimals` decimals, trimming trailing zeros
/// (`12.50` → `12.5`, `3.000` → `3`) and normalising `-0` to `0`. Returns an
/// empty string for NaN and infinities.
pub fn fixed(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    fixed_into(&mut s, x, decimals);
    s
}

/// [`fixed`], appended to `out` (which the CSV writer reuses).
pub(crate) fn fixed_into(out: &mut String, x: f64, decimals: usize) {
    use std::fmt::Write as _;
    if !x.is_finite() {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.decimals$}");
    if out[start..].contains('.') {
        let trimmed =
            out[start..].trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(start + trimmed);
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_extension_picks_the_format_unless_given() {
        use std::path::Path;
        let out = |p: &'static str| Some(Path::new(p));
        assert_eq!(Format::resolve(None, None), Format::Table);
        assert_eq!(Format::resolve(None, out("f.CSV")), Format::Csv);
        assert_eq!(Format::resolve(None, out("f.json")), Format::Json);
        assert_eq!(Format::resolve(None, out("f.txt")), Format::Table);
        let json = Some(Format::Json);
        assert_eq!(Format::resolve(json, out("f.csv")), Format::Json);
    }

    #[test]
    fn numbers_are_plain_and_dialect_aware() {
        assert_eq!(fixed(12.5, 3), "12.5");
        assert_eq!(fixed(3.0, 2), "3");
        assert_eq!(fixed(-0.0001, 2), "0");
        assert_eq!(fixed(1e20, 1), "100000000000000000000");
        assert_eq!(fixed(f64::NAN, 2), "");
        assert_eq!(Dialect::Fr.number(1234.56, 1), "1234,6");
        assert_eq!(Dialect::En.number(1234.56, 1), "1234.6");
    }
}
