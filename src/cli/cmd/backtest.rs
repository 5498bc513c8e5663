//! `peakplan backtest` (to be written).

use crate::cli::Global;
use crate::error::{Error, Result};

/// Flags of `peakplan backtest`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `peakplan backtest`.
///
/// # Errors
///
/// Always, until the command is written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let _ = (args, global);
    Err(Error::usage("`peakplan backtest` is not available yet"))
}
