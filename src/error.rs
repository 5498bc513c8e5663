//! The crate-wide error type.
//!
//! Every failure a user can cause carries enough context to fix it: the
//! file, the line, the column, what was expected and what was found. The
//! binary maps each variant to an exit code (see [`Error::exit_code`]):
//! 2 for bad input or usage, 1 for anything else, 3 for a plan that cannot
//! meet its targets under `--strict`.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A convenient alias for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input file a problem was found.
///
/// Lines are 1-based physical lines as a text editor shows them (the header
/// is line 1). Columns are named by their header when there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (`-` for stdin).
    pub file: String,
    /// 1-based line number, when the problem is on one line.
    pub line: Option<u64>,
    /// 1-based character position on the line, for text formats such as
    /// TOML where columns have no names.
    pub col: Option<u64>,
    /// The column's header name, when the problem is in one column.
    pub column: Option<String>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<String>) -> Location {
        Location { file: file.into(), ..Location::default() }
    }

    /// The same file at `line`.
    pub fn line(mut self, line: u64) -> Location {
        self.line = Some(line);
        self
    }

    /// The same file at `line`, character `col` (1-based).
    pub fn line_col(mut self, line: u64, col: u64) -> Location {
        self.line = Some(line);
        self.col = Some(col);
        self
    }

    /// The same file at the line and character of byte `offset` of the
    /// file's `text` (for TOML, whose parser reports byte spans).
    pub fn offset(self, text: &str, offset: usize) -> Location {
        let (line, col) = line_col(text, offset);
        self.line_col(line, col)
    }

    /// The same place, in column `column`.
    pub fn column(mut self, column: impl Into<String>) -> Location {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        if let Some(column) = &self.column {
            write!(f, ": column \"{column}\"")?;
        }
        Ok(())
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col as u64 + 1)
}

/// How much of an offending value a message quotes, in characters.
pub const FOUND_CHARS: usize = 80;

/// A problem with the content of an input file.
///
/// Displays as `history.csv:57: column "volume": expected a non-negative
/// number, found "douze"`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    /// Where the problem is.
    pub at: Location,
    /// What a valid value looks like, or what is wrong.
    pub expected: String,
    /// The offending text, if there is one to show.
    pub found: Option<String>,
}

impl InputError {
    /// A new input error at `at`.
    pub fn new(at: Location, expected: impl Into<String>) -> InputError {
        InputError { at, expected: expected.into(), found: None }
    }

    /// Records the offending text, cut to [`FOUND_CHARS`] characters with
    /// an ellipsis (a 10 MB field must not make a 20 MB message).
    pub fn found(mut self, found: impl Into<String>) -> InputError {
        let found = found.into();
        self.found = Some(match found.char_indices().nth(FOUND_CHARS) {
            Some((cut, _)) => format!("{}…", &found[..cut]),
            None => found,
        });
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.at)?;
        match &self.found {
            Some(found) => {
                write!(f, "expected {}, found {:?}", self.expected, found)
            }
            None => write!(f, "{}", self.expected),
        }
    }
}

/// Everything that can go wrong in peakplan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file has bad content (exit code 2).
    #[error(transparent)]
    Input(Box<InputError>),
    /// Flags or parameters that are invalid or do not fit together
    /// (exit code 2). The message names the flag or key and how to fix it.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed (exit code 1, or 2 when an input
    /// file does not exist).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
        /// Whether the file was an input (a missing input is a usage error).
        input: bool,
    },
    /// A queueing parameter out of range (exit code 2), when the caller
    /// has no flag or file to name.
    #[error(transparent)]
    Erlang(#[from] crate::erlang::ErlangError),
    /// The plan cannot meet its targets and `--strict` was given (exit 3).
    #[error("{0}")]
    TargetsMissed(String),
}

impl From<InputError> for Error {
    fn from(err: InputError) -> Error {
        Error::Input(Box::new(err))
    }
}

impl Error {
    /// A usage error with a message that says how to fix it.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    /// An I/O error on an input file.
    pub fn read(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io { path: path.into(), source, input: true }
    }

    /// An I/O error on an output file.
    pub fn write(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io { path: path.into(), source, input: false }
    }

    /// The process exit code for this error, as fixed by the CLI contract.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Usage(_) | Error::Erlang(_) => 2,
            Error::Io { input: true, source, .. }
                if source.kind() == io::ErrorKind::NotFound =>
            {
                2
            }
            Error::Io { .. } => 1,
            Error::TargetsMissed(_) => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_error_names_file_line_column() {
        let err = InputError::new(
            Location::file("history.csv").line(57).column("volume"),
            "a non-negative number",
        )
        .found("douze");
        assert_eq!(
            err.to_string(),
            "history.csv:57: column \"volume\": expected a non-negative \
             number, found \"douze\""
        );
        assert_eq!(Error::from(err).exit_code(), 2);
    }

    #[test]
    fn offsets_become_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // Characters, not bytes: `é` is two bytes.
        assert_eq!(line_col(text, 10), (2, 4));
        assert_eq!(line_col(text, 999), (3, 1));
        let at = Location::file("s.toml").offset(text, 6);
        assert_eq!(at.to_string(), "s.toml:2:1");
    }

    #[test]
    fn a_long_value_is_quoted_cut_with_an_ellipsis() {
        let long = "é".repeat(10_000);
        let err = InputError::new(Location::file("h.csv").line(2), "x")
            .found(long.as_str());
        let found = err.found.unwrap();
        assert_eq!(found.chars().count(), FOUND_CHARS + 1);
        assert!(found.ends_with("é…"), "{found}");
        let short = InputError::new(Location::file("h.csv"), "x").found("ab");
        assert_eq!(short.found.as_deref(), Some("ab"));
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        let missing = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(Error::read("x.csv", missing).exit_code(), 2);
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(Error::write("out.csv", denied).exit_code(), 1);
        assert_eq!(Error::usage("bad flag").exit_code(), 2);
        assert_eq!(Error::TargetsMissed("gap".into()).exit_code(), 3);
    }
}
