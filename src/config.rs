//! Optional defaults from a `peakplan.toml` file.
//!
//! peakplan looks for `peakplan.toml` in the working directory, then for
//! `$XDG_CONFIG_HOME/peakplan/peakplan.toml` (`~/.config/...` when
//! `XDG_CONFIG_HOME` is unset), and uses the first it finds; `--config FILE`
//! names one explicitly and `--no-config` ignores both. Flags always win
//! over the file. Unknown keys are errors, so a typo never silently changes
//! a plan.
//!
//! ```toml
//! tz = "Europe/Paris"      # zone for naive timestamps
//! csv_dialect = "fr"       # en | fr
//! calendar = "fr"          # fr | none
//! ```

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::{Error, InputError, Location, Result};
use crate::report::Dialect;

/// The config file's name.
pub const FILE_NAME: &str = "peakplan.toml";

/// Defaults read from a config file. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The file these defaults came from, if any.
    pub path: Option<PathBuf>,
    /// Zone for naive local timestamps.
    pub tz: Option<Tz>,
    /// CSV dialect for written files.
    pub csv_dialect: Option<Dialect>,
    /// Built-in calendar: `fr` or `none`.
    pub calendar: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    tz: Option<String>,
    csv_dialect: Option<String>,
    calendar: Option<String>,
}

impl Config {
    /// Finds and reads the config file: `explicit` if given, else
    /// `peakplan.toml` in `cwd`, else the XDG location. No file is fine.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if an explicit file cannot be read; [`Error::Input`]
    /// with line and column for a malformed file or an unknown key.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Config> {
        let config_home = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".config"))
            });
        Config::discover_in(explicit, cwd, config_home.as_deref())
    }

    /// As [`Config::discover`], with the user's config folder given rather
    /// than read from `XDG_CONFIG_HOME`/`HOME`.
    ///
    /// # Errors
    ///
    /// As [`Config::discover`].
    pub fn discover_in(
        explicit: Option<&Path>,
        cwd: &Path,
        config_home: Option<&Path>,
    ) -> Result<Config> {
        if let Some(path) = explicit {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::read(path, e))?;
            return Config::parse(&text, path);
        }
        let mut candidates = vec![cwd.join(FILE_NAME)];
        if let Some(dir) = config_home {
            candidates.push(dir.join("peakplan").join(FILE_NAME));
        }
        for path in candidates {
            match std::fs::read_to_string(&path) {
                Ok(text) => return Config::parse(&text, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::read(path, e)),
            }
        }
        Ok(Config::default())
    }

    /// Parses config `text` read from `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the line and column of the problem.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let name = path.display().to_string();
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => {
                    let (line, col) = line_col(text, span.start);
                    Location::file(&name).line_col(line, col)
                }
                None => Location::file(&name),
            };
            InputError::new(at, e.message().trim().to_string())
        })?;
        let key_error = |key: &str, expected: &str, found: &str| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(1, |i| i as u64 + 1);
            InputError::new(
                Location::file(&name).line(line).column(key),
                expected.to_string(),
            )
            .found(found)
        };
        let tz = match raw.tz {
            Some(s) => Some(s.parse::<Tz>().map_err(|_| {
                key_error("tz", "an IANA time zone such as Europe/Paris", &s)
            })?),
            None => None,
        };
        let csv_dialect = match raw.csv_dialect {
            Some(s) => Some(
                s.parse::<Dialect>()
                    .map_err(|_| key_error("csv_dialect", "en or fr", &s))?,
            ),
            None => None,
        };
        let calendar = match raw.calendar {
            Some(s) if matches!(s.as_str(), "fr" | "none") => Some(s),
            Some(s) => {
                return Err(key_error("calendar", "fr or none", &s).into());
            }
            None => None,
        };
        Ok(Config {
            path: Some(path.to_path_buf()),
            tz,
            csv_dialect,
            calendar,
        })
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let c = Config::parse(
            "tz = \"America/New_York\"\ncsv_dialect = \"fr\"\ncalendar = \"none\"\n",
            Path::new("peakplan.toml"),
        )
        .unwrap();
        assert_eq!(c.tz, Some(chrono_tz::America::New_York));
        assert_eq!(c.csv_dialect, Some(Dialect::Fr));
        assert_eq!(c.calendar.as_deref(), Some("none"));
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err =
            Config::parse("tz = \"UTC\"\ntzz = 1\n", Path::new("p.toml"))
                .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("p.toml:2:1: "), "{msg}");
        assert!(msg.contains("tzz"), "{msg}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn bad_zone_names_the_key() {
        let err = Config::parse("\ntz = \"Paris\"\n", Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "p.toml:2: column \"tz\": expected an IANA time zone such as \
             Europe/Paris, found \"Paris\""
        );
    }

    #[test]
    fn the_working_directory_wins_over_the_user_folder() {
        let cwd = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let discover = || {
            Config::discover_in(None, cwd.path(), Some(home.path())).unwrap()
        };
        assert_eq!(discover(), Config::default());
        std::fs::create_dir(home.path().join("peakplan")).unwrap();
        let user = home.path().join("peakplan").join(FILE_NAME);
        std::fs::write(&user, "csv_dialect = \"fr\"\n").unwrap();
        assert_eq!(discover().csv_dialect, Some(Dialect::Fr));
        assert_eq!(discover().path, Some(user));
        std::fs::write(cwd.path().join(FILE_NAME), "calendar = \"none\"\n")
            .unwrap();
        let local = discover();
        assert_eq!(local.csv_dialect, None, "files are not merged");
        assert_eq!(local.calendar.as_deref(), Some("none"));
    }
}
