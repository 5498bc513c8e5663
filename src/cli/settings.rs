//! The settings every command shares (zone, CSV dialect, calendar),
//! resolved once, in one order:
//!
//! 1. the command's flag (`--tz`, `--csv-dialect`, `--calendar`);
//! 2. the scenario file (`horizon.timezone`, `inputs.calendar`), for the
//!    commands that read one;
//! 3. the config file (`peakplan.toml`, see [`crate::config`]);
//! 4. the built-in [`Settings::default`]: Europe/Paris, `en`, `fr`.
//!
//! The flags are the "low-level" arguments clap gives; the typed
//! [`Settings`] that come out are all a command reads. A scenario is read
//! with the settings below it ([`Global::below_scenario`]), so the values it
//! leaves unset are the config file's; [`Global::settings`] then puts the
//! command's flags on top.

use crate::capacity::Scenario;
use crate::config::{Layer, Settings};

use super::Global;

impl Global {
    /// The settings below any scenario: `--csv-dialect`, the config file,
    /// the built-in defaults.
    pub fn below_scenario(&self) -> Settings {
        Settings::resolve(&[self.flag_layer(), self.defaults.layer()])
    }

    /// The settings of a command: its own `flags` (the zone and calendar
    /// flags it has) with `--csv-dialect`, then `scenario`, then the config
    /// file, then the built-in defaults.
    pub fn settings(
        &self,
        flags: Layer,
        scenario: Option<&Scenario>,
    ) -> Settings {
        let flags = Layer { dialect: self.csv_dialect, ..flags };
        let scenario = scenario.map(Scenario::layer).unwrap_or_default();
        Settings::resolve(&[flags, scenario, self.defaults.layer()])
    }

    /// The CSV dialect to write: `--csv-dialect`, else the config file's,
    /// else `en` (no command's scenario sets one).
    pub fn dialect(&self) -> crate::report::Dialect {
        self.below_scenario().dialect
    }

    fn flag_layer(&self) -> Layer {
        Layer { dialect: self.csv_dialect, ..Layer::default() }
    }
}
