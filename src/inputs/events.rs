//! The events CSV: `name,kind,start,end[,queues][,uplift]`.

use std::path::Path;

use crate::calendar::Event;
use crate::error::{Error, Result};

/// Reads an events file.
///
/// # Errors
///
/// [`Error::Input`] naming file, line and column for any malformed row;
/// [`Error::Io`] when the file cannot be read.
pub fn read(path: &Path) -> Result<Vec<Event>> {
    let _ = path;
    Err(Error::usage("events reading is not implemented yet"))
}
