//! Helpers shared by the integration tests.

use std::path::PathBuf;

use assert_cmd::Command;

/// The `peakplan` binary, run from the crate root.
pub fn peakplan() -> Command {
    let mut cmd = Command::cargo_bin("peakplan").expect("binary built");
    // Isolate every run from the developer's own peakplan.toml: a personal
    // `csv_dialect = "fr"` must not change what the tests see.
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").env(
        "XDG_CONFIG_HOME",
        env!("CARGO_MANIFEST_DIR").to_owned() + "/tests/data/no-config",
    );
    cmd
}

/// A file under `tests/data/`.
#[allow(dead_code)]
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}
