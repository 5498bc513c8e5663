//! `peakplan erlang` (to be written).

use crate::cli::Global;
use crate::error::{Error, Result};

/// Flags of `peakplan erlang`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `peakplan erlang`.
///
/// # Errors
///
/// Always, until the command is written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let _ = (args, global);
    Err(Error::usage("`peakplan erlang` is not available yet"))
}
