//! `peakplan validate` (to be written).

use crate::cli::Global;
use crate::error::{Error, Result};

/// Flags of `peakplan validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `peakplan validate`.
///
/// # Errors
///
/// Always, until the command is written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let _ = (args, global);
    Err(Error::usage("`peakplan validate` is not available yet"))
}
