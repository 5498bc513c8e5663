//! Atomic output files.
//!
//! Every file peakplan writes goes through [`write_atomic`]: the bytes go to
//! a temporary file in the destination's own folder, are flushed to disk, and
//! only then renamed over the destination. A run that fails half-way leaves
//! no partial file and never clobbers a good one; a reader (a spreadsheet, a
//! cron diff) sees either the old file or the new one, never a mix.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically (temporary file + rename).
///
/// The temporary file lives beside `path` so that the rename never crosses a
/// file system. It is removed if anything fails before the rename.
///
/// # Errors
///
/// Returns [`Error::Io`] naming `path` when the folder does not exist, is not
/// writable, or the disk is full.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.file_name().is_none() {
        let shown = path.display();
        return Err(Error::usage(format!(
            "{shown}: an output path must name a file"
        )));
    }
    stage(path, bytes)?
        .persist(path)
        .map_err(|e| Error::write(path, e.error))?;
    Ok(())
}

/// Writes `bytes` to a synced temporary file beside `path`, not yet renamed.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    let fail = |e| Error::write(path, e);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::write(path, why_not(dir, &e)))?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    // Temporary files are created private (0600); an exported plan is meant
    // to be read by others, like any file the user's shell would create.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o644);
        tmp.as_file().set_permissions(perms).map_err(fail)?;
    }
    Ok(tmp)
}

/// Writes several files, each atomically, only once every one of them is
/// safely on disk beside its destination: a file that cannot be written (a
/// missing folder, a full disk) fails the run before any destination is
/// touched, so a chart never lands without its data or the reverse.
///
/// # Errors
///
/// As [`write_atomic`], naming the file that could not be written.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        if path.file_name().is_none() {
            let shown = path.display();
            return Err(Error::usage(format!(
                "{shown}: an output path must name a file"
            )));
        }
        staged.push((stage(path, bytes)?, *path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| Error::write(path, e.error))?;
    }
    Ok(())
}

/// Why a file cannot be created in `dir`, in the user's terms: the
/// temporary file's random name in the system's message would only
/// confuse.
fn why_not(dir: &Path, e: &std::io::Error) -> std::io::Error {
    let shown = dir.display();
    let message = if !dir.exists() {
        format!("cannot write: the folder {shown} does not exist")
    } else if !dir.is_dir() {
        format!("cannot write: {shown} is not a folder")
    } else {
        // tempfile appends ` at path "<the temporary file>"`.
        let text = e.to_string();
        let os = text.split(" at path ").next().unwrap_or_default();
        format!("cannot create a file in {shown}: {os}")
    };
    std::io::Error::new(e.kind(), message)
}

/// Writes a set of files, most of them into `dir`, so that readers and
/// concurrent runs always see a consistent set.
///
/// `dir` is created if needed. An exclusive lock on `dir/.peakplan.lock`
/// serialises concurrent runs writing the same folder (two cron jobs never
/// interleave their files). The files are then written as by
/// [`write_all_atomic`]: all staged beside their destinations, then all
/// renamed, so a failure (read-only folder, full disk) leaves the previous
/// files untouched. A file outside `dir` (a chart written elsewhere) joins
/// the same set.
///
/// # Errors
///
/// [`Error::Io`] naming the file or folder that could not be written.
pub fn write_files_atomic(dir: &Path, files: &[(&Path, &[u8])]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    let lock_path = dir.join(".peakplan.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::write(&lock_path, e))?;
    lock.lock().map_err(|e| Error::write(&lock_path, e))?;
    write_all_atomic(files)?;
    // The lock is released when `lock` is dropped (and by the OS if the
    // process dies).
    drop(lock);
    Ok(())
}

/// Writes `bytes` to `path` atomically, or to stdout when `path` is `None`.
///
/// # Errors
///
/// As [`write_atomic`]; a write to stdout fails with [`Error::Io`] on `-`.
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(path) if path != Path::new("-") => write_atomic(path, bytes),
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Error::write("-", e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.csv")]);
    }

    #[test]
    fn a_set_of_files_lands_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan");
        let (a, b) = (out.join("a.csv"), out.join("b.csv"));
        write_files_atomic(&out, &[(&a, b"1"), (&b, b"2")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("b.csv")).unwrap(), "2");
        // A file that cannot be written (its folder is missing) fails the
        // whole set: a.csv keeps its old content.
        let c = out.join("missing").join("c.csv");
        let err = write_files_atomic(&out, &[(&a, b"new"), (&c, b"3")]);
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "1");
        let leftovers = std::fs::read_dir(&out)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn several_files_land_only_if_all_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("f.csv");
        std::fs::write(&good, "old").unwrap();
        let bad = dir.path().join("missing").join("f.svg");
        let err = write_all_atomic(&[(&good, b"new"), (&bad, b"<svg/>")])
            .unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
        assert_eq!(std::fs::read_to_string(&good).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let svg = dir.path().join("f.svg");
        write_all_atomic(&[(&good, b"new"), (&svg, b"<svg/>")]).unwrap();
        assert_eq!(std::fs::read_to_string(&good).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
    }

    #[test]
    fn a_missing_folder_fails_without_touching_anything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("out.csv");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(err.exit_code(), 1);
        let msg = err.to_string();
        assert!(msg.contains("out.csv"), "{msg}");
        assert!(msg.contains("nope does not exist"), "{msg}");
        assert!(!msg.contains(".out.csv."), "{msg}");
    }
}
