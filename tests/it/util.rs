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

/// What a run printed, made comparable across machines: the crate root
/// becomes `[ROOT]`, `extra` pairs are replaced in order (a temporary
/// folder, say), a UTF-8 byte-order mark shows as `[BOM]`, and the exit
/// code comes first, like uv's `uv_snapshot!`.
#[allow(dead_code)]
pub fn run_for_snapshot(cmd: &mut Command, extra: &[(&str, &str)]) -> String {
    let out = cmd.output().expect("peakplan runs");
    let clean = |bytes: &[u8]| {
        let mut text = String::from_utf8_lossy(bytes)
            .replace('\u{feff}', "[BOM]")
            .replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]");
        for (from, to) in extra {
            text = text.replace(from, to);
        }
        text
    };
    format!(
        "exit_code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        out.status.code().map_or("signal".to_string(), |c| c.to_string()),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

/// Snapshots a whole run of `peakplan` inline:
/// `peakplan_snapshot!(cmd, @"...")`, or with replacements
/// `peakplan_snapshot!(cmd, &[(dir, "[TEMP]")], @"...")`.
#[macro_export]
macro_rules! peakplan_snapshot {
    ($cmd:expr, $extra:expr, @$snapshot:literal) => {{
        let text = $crate::util::run_for_snapshot($cmd, $extra);
        insta::assert_snapshot!(text, @$snapshot);
    }};
    ($cmd:expr, @$snapshot:literal) => {{
        let text = $crate::util::run_for_snapshot($cmd, &[]);
        insta::assert_snapshot!(text, @$snapshot);
    }};
}

/// Standard output of a successful run, as text.
#[allow(dead_code)]
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8 output")
}

/// Every file name in `dir`, sorted.
#[allow(dead_code)]
pub fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
