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
//!
//! The file is one [`Layer`] of settings among others: a value is taken
//! from the command's flag, else the scenario file, else this file, else
//! the built-in [`Settings::default`]. The command line resolves them once
//! (`cli::settings`).

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;

use crate::calendar::CalendarChoice;
use crate::error::{InputError, Location, Result};
use crate::report::Dialect;

/// The config file's name.
pub const FILE_NAME: &str = "peakplan.toml";

/// The zone of naive timestamps when no flag, scenario or config file sets
/// one.
pub const DEFAULT_TZ: Tz = chrono_tz::Europe::Paris;

/// The settings every command shares, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Zone of naive local timestamps and of written times.
    pub tz: Tz,
    /// CSV dialect of written files.
    pub dialect: Dialect,
    /// Built-in calendar added to the events files.
    pub calendar: CalendarChoice,
}

impl Default for Settings {
    /// The built-in settings: Europe/Paris, `en` CSV, the French calendar.
    fn default() -> Settings {
        Settings {
            tz: DEFAULT_TZ,
            dialect: Dialect::default(),
            calendar: CalendarChoice::default(),
        }
    }
}

impl Settings {
    /// The settings of `layers`, highest priority first: each value comes
    /// from the first layer that sets it, else from the built-in default.
    pub fn resolve(layers: &[Layer]) -> Settings {
        let built_in = Settings::default();
        Settings {
            tz: layers.iter().find_map(|l| l.tz).unwrap_or(built_in.tz),
            dialect: layers
                .iter()
                .find_map(|l| l.dialect)
                .unwrap_or(built_in.dialect),
            calendar: layers
                .iter()
                .find_map(|l| l.calendar)
                .unwrap_or(built_in.calendar),
        }
    }

    /// These settings as a layer that sets every value.
    pub fn layer(self) -> Layer {
        Layer {
            tz: Some(self.tz),
            dialect: Some(self.dialect),
            calendar: Some(self.calendar),
        }
    }
}

/// Settings from one source (flags, a scenario, a config file); `None`
/// leaves the value to the sources below.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    /// Zone of naive timestamps.
    pub tz: Option<Tz>,
    /// CSV dialect.
    pub dialect: Option<Dialect>,
    /// Built-in calendar.
    pub calendar: Option<CalendarChoice>,
}

/// Defaults read from a config file. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The file these defaults came from, if any.
    pub path: Option<PathBuf>,
    /// Zone for naive local timestamps.
    pub tz: Option<Tz>,
    /// CSV dialect for written files.
    pub csv_dialect: Option<Dialect>,
    /// Built-in calendar.
    pub calendar: Option<CalendarChoice>,
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
    /// [`Error::Io`](crate::Error::Io) if an explicit file cannot be read; [`Error::Input`](crate::Error::Input)
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
            let text = crate::inputs::read_text(path)?;
            return Config::parse(&text, path);
        }
        let mut candidates = vec![cwd.join(FILE_NAME)];
        if let Some(dir) = config_home {
            candidates.push(dir.join("peakplan").join(FILE_NAME));
        }
        for path in candidates {
            // A missing file is no config; anything else there is read
            // (and its bad bytes or a folder in its place reported).
            match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                _ => {
                    let text = crate::inputs::read_text(&path)?;
                    return Config::parse(&text, &path);
                }
            }
        }
        Ok(Config::default())
    }

    /// Parses config `text` read from `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`](crate::Error::Input) naming the line and column of the problem.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let name = path.display().to_string();
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => Location::file(&name).offset(text, span.start),
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
            Some(s) => Some(
                s.parse::<CalendarChoice>()
                    .map_err(|_| key_error("calendar", "fr or none", &s))?,
            ),
            None => None,
        };
        Ok(Config {
            path: Some(path.to_path_buf()),
            tz,
            csv_dialect,
            calendar,
        })
    }

    /// The settings this file sets.
    pub fn layer(&self) -> Layer {
        Layer {
            tz: self.tz,
            dialect: self.csv_dialect,
            calendar: self.calendar,
        }
    }
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
        assert_eq!(c.calendar, Some(CalendarChoice::None));
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
    fn the_first_layer_that_sets_a_value_wins() {
        let flags = Layer { tz: Some(chrono_tz::UTC), ..Layer::default() };
        let file = Config::parse(
            "tz = \"America/New_York\"\ncalendar = \"none\"\n",
            Path::new("p.toml"),
        )
        .unwrap()
        .layer();
        let s = Settings::resolve(&[flags, file]);
        assert_eq!(s.tz, chrono_tz::UTC);
        assert_eq!(s.calendar, CalendarChoice::None);
        assert_eq!(s.dialect, Dialect::En, "built-in when no layer sets it");
        assert_eq!(Settings::resolve(&[]), Settings::default());
        assert_eq!(Settings::default().tz, chrono_tz::Europe::Paris);
        let all = Settings::resolve(&[file]).layer();
        let above = Settings::resolve(&[all, flags]);
        assert_eq!(above.tz, chrono_tz::America::New_York, "a full layer");
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
        assert_eq!(local.calendar, Some(CalendarChoice::None));
    }
}
