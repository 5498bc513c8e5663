//! Where a command's bytes go: `--out` or stdout, with the extra files
//! (a chart) in one all-or-nothing set.

use std::path::Path;

use crate::cli::Global;
use crate::error::{Error, Result};
use crate::report::plot::{self, ChartError};
use crate::report::term::Look;
use crate::report::{self, Format, Render};

/// `result` in the format `--format` asks for, else the one `--out`'s
/// extension implies, for a terminal when it goes to stdout.
///
/// # Errors
///
/// Only on an internal encoding error.
pub(crate) fn render(
    result: &dyn Render,
    format: Option<Format>,
    out: Option<&Path>,
    global: &Global,
) -> Result<Vec<u8>> {
    let format = Format::resolve(format, out);
    report::render(result, format, Look::for_output(out), global.dialect())
}

/// Writes `data` to `out` (or stdout) and the extra `files`, all computed
/// beforehand: files first, together or not at all, then stdout.
pub(crate) fn write_outputs(
    global: &Global,
    out: Option<&Path>,
    data: &[u8],
    files: &[(&Path, &[u8])],
) -> Result<()> {
    let out = out.filter(|p| *p != Path::new("-"));
    let mut all: Vec<(&Path, &[u8])> = files.to_vec();
    all.extend(out.map(|p| (p, data)));
    crate::output::write_all_atomic(&all)?;
    for (path, bytes) in &all {
        global.detail(format!(
            "wrote {} ({} bytes)",
            path.display(),
            bytes.len()
        ));
    }
    if out.is_none() {
        crate::output::emit(None, data)?;
    }
    Ok(())
}

/// The SVG of `chart`, or an error naming `path`: exit 2 when there is
/// nothing to draw (a usage problem), 1 when drawing itself fails.
pub(crate) fn svg<X: plot::TimeAxis>(
    path: &Path,
    chart: std::result::Result<plot::Chart<X>, ChartError>,
) -> Result<Vec<u8>> {
    let fail = |e: ChartError| match e {
        ChartError::Draw(msg) => {
            Error::write(path, std::io::Error::other(msg))
        }
        e => Error::usage(format!("--chart {}: {e}", path.display())),
    };
    let chart = chart.map_err(fail)?;
    plot::render_svg(&chart, plot::WIDTH, plot::PANEL_HEIGHT)
        .map(String::into_bytes)
        .map_err(fail)
}
