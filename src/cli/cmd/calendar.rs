//! `peakplan calendar` (to be written).

use crate::cli::Global;
use crate::error::{Error, Result};

/// Flags of `peakplan calendar`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `peakplan calendar`.
///
/// # Errors
///
/// Always, until the command is written.
pub fn run(args: Args, global: &Global) -> Result<()> {
    let _ = (args, global);
    Err(Error::usage("`peakplan calendar` is not available yet"))
}
