//! Output files that land whole, and sets of files that land together.
//!
//! # The guarantee
//!
//! - **A plan folder** ([`write_files_atomic`]) is replaced in one step. The
//!   new set is written to a hidden sibling folder (`.plan.peakplan-….new`),
//!   every file and the folder are flushed to disk, and the sibling is then
//!   exchanged with the folder by one `renameat2(RENAME_EXCHANGE)` call on
//!   Linux. A reader, a crash or a `kill -9` at any moment finds the old
//!   folder or the new one, byte for byte, never a mix. Files the user added
//!   to the folder (anything not in the new set) are carried over as hard
//!   links, subfolders included; a file added *while* a run writes may be
//!   lost, and a subfolder on another file system makes the run fail.
//! - **A single file** ([`write_atomic`], [`emit`]) is written beside its
//!   destination, flushed, then renamed over it: readers see the old file
//!   or the new one.
//! - **Loose sets** — files in different places, such as `forecast --out X
//!   --chart Y`, or a plan chart written outside the folder — cannot be
//!   replaced by one system call. Every file is first staged beside its
//!   destination and flushed, so that anything failing then (a full disk, a
//!   folder where a file should be) leaves every destination untouched. The
//!   files are then swapped in one by one, each by an exchange that keeps
//!   the old version; if the file system refuses one swap, the swaps already
//!   done are undone and the old set is back. A journal written before the
//!   first swap records the set: if the process is killed between two swaps,
//!   the next run writing the same first file completes the set before it
//!   does anything else.
//! - **Streams** — `/dev/stdout`, a FIFO, a character device — are written
//!   directly, after the files, with no temporary file and no rename.
//!
//! Paths are followed through symlinks: the target is replaced and the link
//! kept. A file that already exists keeps its permission bits (and owner
//! when the process may set it); a new file gets the mode the umask gives.
//! A hard-linked file is replaced, not written through: its other names
//! keep the previous content.
//!
//! Concurrent runs are serialised by an exclusive lock on each destination's
//! folder (held only while writing), and each run first removes what an
//! earlier killed run left beside its destinations (`.NAME.peakplan-…`
//! temporaries and staging folders, and the `.NAME.….tmp` files older
//! versions wrote).
//!
//! On systems without `RENAME_EXCHANGE` a folder is replaced by two renames
//! (old folder aside, new one in): a crash between them leaves no folder at
//! the destination, and the old one under its hidden name.
//!
//! Every rename, flush and clean-up removal goes through one of the small
//! wrappers at the end of this file, which in a debug build are the fault
//! points of `fault`: tests make any one of them fail or kill the process
//! there, and check the guarantee above.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::error::{Error, Result};

mod fault;
use fault::Kind;

/// Writes `bytes` to `path` atomically (temporary file + rename), or
/// directly when `path` is a stream (`/dev/stdout`, a FIFO, a device).
///
/// The temporary file lives beside `path` (beside a symlink's target) so
/// that the rename never crosses a file system. It is removed if anything
/// fails before the rename.
///
/// # Errors
///
/// Returns [`Error::Io`] naming `path` when the folder does not exist, is not
/// writable, or the disk is full; [`Error::Usage`] when `path` names no file
/// or is a folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all_atomic(&[(path, bytes)])
}

/// Writes several files so that they land together or not at all (see the
/// module documentation for what "together" means for files in different
/// folders): every file is staged and flushed beside its destination before
/// any destination is touched.
///
/// # Errors
///
/// As [`write_atomic`], naming the file that could not be written.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<()> {
    commit(None, files)
}

/// Writes a set of files, most of them into `dir`, so that readers and
/// concurrent runs always see a consistent set.
///
/// The files under `dir` replace the folder in one atomic exchange; the
/// folder is created only when the whole set is ready. A file outside `dir`
/// (a chart written elsewhere) joins the set as in [`write_all_atomic`].
///
/// # Errors
///
/// [`Error::Io`] naming the file or folder that could not be written.
pub fn write_files_atomic(dir: &Path, files: &[(&Path, &[u8])]) -> Result<()> {
    commit(Some(dir), files)
}

/// Writes `bytes` to `path` atomically, or to stdout when `path` is `None`
/// or `-`.
///
/// # Errors
///
/// As [`write_atomic`]; a write to stdout fails with [`Error::Io`] on `-`,
/// including when stdout was closed (see [`guard_stdout`]).
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(path) if path != Path::new("-") => write_atomic(path, bytes),
        _ => write_stdout(bytes),
    }
}

/// Whether `err` is a write into a pipe whose reader has gone
/// (`peakplan … | head`): not a failure, the reader had what it wanted.
pub fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. }
        if source.kind() == io::ErrorKind::BrokenPipe)
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Called first thing by the binary: notes whether the process was started
/// with standard output closed, so that a later write to stdout is an error
/// instead of a silent loss.
///
/// Rust's runtime reopens a closed descriptor 1 on `/dev/null`, read-write,
/// before `main` (so that no file opened later takes its number). A shell's
/// `> /dev/null` opens it write-only: read-write `/dev/null` on descriptor 1
/// is taken for a closed stdout (`1<> /dev/null` would be too).
pub fn guard_stdout() {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{FileType, OFlags, fstat, major, minor};
        use std::os::fd::AsFd;
        let stdout = io::stdout();
        let fd = stdout.as_fd();
        let read_write = rustix::fs::fcntl_getfl(fd)
            .is_ok_and(|f| f & OFlags::RWMODE == OFlags::RDWR);
        let dev_null = fstat(fd).is_ok_and(|st| {
            FileType::from_raw_mode(st.st_mode) == FileType::CharacterDevice
                && (major(st.st_rdev), minor(st.st_rdev)) == (1, 3)
        });
        if read_write && dev_null {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(Error::write(
            "standard output",
            io::Error::other("it is closed; redirect it or use --out"),
        ));
    }
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::write("standard output", e))
}

/// Where one path of the set really goes.
enum Target {
    /// A regular file (or nothing yet) at this resolved path.
    File(PathBuf),
    /// The process's own stdout.
    Stdout,
    /// A FIFO, a device, a socket: opened and written in place.
    Stream(PathBuf),
}

/// One swap of the commit: `staged` takes the place of `dest`.
struct Step {
    staged: PathBuf,
    dest: PathBuf,
    /// The staged entry's inode, which tells after a crash whether the
    /// swap happened (the destination has it) or not (the stage still has).
    ino: u64,
    /// Set once done: whether `dest` existed (so the swap was an exchange).
    done: Option<bool>,
}

fn commit(dir: Option<&Path>, files: &[(&Path, &[u8])]) -> Result<()> {
    let mut inside: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut loose: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut streams: Vec<(Target, &Path, &[u8])> = Vec::new();
    for &(path, bytes) in files {
        if path.file_name().is_none() {
            let shown = path.display();
            return Err(Error::usage(format!(
                "{shown}: an output path must name a file"
            )));
        }
        if let Some(rel) = dir.and_then(|d| path.strip_prefix(d).ok()) {
            inside.push((rel.to_path_buf(), bytes));
            continue;
        }
        match classify(path)? {
            Target::File(real) => loose.push((real, bytes)),
            stream => streams.push((stream, path, bytes)),
        }
    }
    let folder = match dir {
        Some(dir) => Some(resolve_folder(dir)?),
        None => None,
    };
    let mut dests: Vec<PathBuf> =
        loose.iter().map(|(p, _)| p.clone()).collect();
    if let Some(folder) = &folder {
        dests.insert(0, folder.clone());
    }
    let _locks = lock_parents(&dests)?;
    for dest in &dests {
        recover(dest)?;
        clean_leftovers(dest);
    }

    let mut steps: Vec<Step> = Vec::new();
    let staged = stage_all(folder.as_deref(), &inside, &loose, &mut steps);
    let result = staged.and_then(|()| swap_all(&mut steps));
    if result.is_err() {
        for step in &steps {
            remove_any(&step.staged);
        }
        return result;
    }
    for (target, shown, bytes) in streams {
        write_stream(&target, shown, bytes)?;
    }
    Ok(())
}

/// Stages every file: the folder's files in a sibling staging folder, the
/// loose ones beside their destinations. Pushes a step for each.
fn stage_all(
    folder: Option<&Path>,
    inside: &[(PathBuf, &[u8])],
    loose: &[(PathBuf, &[u8])],
    steps: &mut Vec<Step>,
) -> Result<()> {
    if let Some(folder) = folder {
        let staged = sibling(folder, "new");
        let parent = parent_of(folder);
        create_staging_dir(&staged, folder)
            .map_err(|e| Error::write(folder, why_not(parent, &e)))?;
        steps.push(Step {
            staged: staged.clone(),
            dest: folder.to_path_buf(),
            ino: ino_of(&staged).map_err(|e| Error::write(folder, e))?,
            done: None,
        });
        for (rel, bytes) in inside {
            let path = staged.join(rel);
            let shown = folder.join(rel);
            if let Some(sub) = path.parent() {
                fs::create_dir_all(sub)
                    .map_err(|e| Error::write(&shown, e))?;
            }
            write_new(&path, bytes, &shown)
                .map_err(|e| Error::write(&shown, e))?;
        }
        if folder.is_dir() {
            let names: Vec<&Path> =
                inside.iter().map(|(r, _)| r.as_path()).collect();
            carry_over(folder, &staged, &names)
                .map_err(|e| Error::write(folder, e))?;
        }
        fsync_tree(&staged).map_err(|e| Error::write(folder, e))?;
    }
    for (dest, bytes) in loose {
        let staged = sibling(dest, "tmp");
        write_new(&staged, bytes, dest)
            .map_err(|e| Error::write(dest, why_not(parent_of(dest), &e)))?;
        steps.push(Step {
            ino: ino_of(&staged).map_err(|e| Error::write(dest, e))?,
            staged,
            dest: dest.clone(),
            done: None,
        });
    }
    Ok(())
}

/// Swaps every staged entry into place, journaled when there are several;
/// undoes the swaps already done when one fails.
fn swap_all(steps: &mut [Step]) -> Result<()> {
    if steps.len() > 1 {
        // Beside every destination, so that the next run writing any of
        // them finds it.
        for step in steps.iter() {
            if let Err(e) = write_journal(&step.dest, steps) {
                remove_journals(steps);
                return Err(Error::write(&step.dest, e));
            }
        }
    }
    let mut failed = None;
    for step in steps.iter_mut() {
        if let Err(e) = swap(step) {
            failed = Some(Error::write(&step.dest, e));
            break;
        }
    }
    if let Some(err) = failed {
        for step in steps.iter_mut().rev() {
            undo(step);
        }
        remove_journals(steps);
        return Err(err);
    }
    remove_journals(steps);
    for step in steps.iter() {
        remove_any(&step.staged);
    }
    Ok(())
}

fn remove_journals(steps: &[Step]) {
    if steps.len() > 1 {
        for step in steps {
            let _ = remove_file(&journal_path(&step.dest));
        }
    }
}

/// Puts `step.staged` in place of `step.dest`: an exchange when the
/// destination exists (the old version stays under the staged name), a
/// rename otherwise. Flushes the destination's folder.
fn swap(step: &mut Step) -> io::Result<()> {
    let existed = fs::symlink_metadata(&step.dest).is_ok();
    if existed {
        exchange(&step.staged, &step.dest)?;
    } else {
        rename_new(&step.staged, &step.dest)?;
    }
    step.done = Some(existed);
    fsync_dir(parent_of(&step.dest))
}

/// Reverts a done swap (best effort: the first failure already has the
/// user's attention).
fn undo(step: &mut Step) {
    match step.done.take() {
        Some(true) => {
            let _ = exchange(&step.staged, &step.dest);
        }
        Some(false) => {
            let _ = rename(&step.dest, &step.staged);
        }
        None => return,
    }
    let _ = fsync_dir(parent_of(&step.dest));
}

/// Finishes a set an earlier run was killed in the middle of: every entry
/// of the journal beside `dest` whose stage still holds the new version is
/// swapped in.
fn recover(dest: &Path) -> Result<()> {
    let path = journal_path(dest);
    let Ok(text) = fs::read(&path) else { return Ok(()) };
    let steps: Vec<Step> =
        text.split(|&b| b == b'\n').filter_map(parse_journal_line).collect();
    let journals: Vec<PathBuf> =
        steps.iter().map(|s| journal_path(&s.dest)).collect();
    for mut step in steps {
        if ino_of(&step.dest).ok() == Some(step.ino) {
            remove_any(&step.staged);
        } else if ino_of(&step.staged).ok() == Some(step.ino) {
            swap(&mut step).map_err(|e| Error::write(&step.dest, e))?;
            remove_any(&step.staged);
        }
    }
    for journal in journals.iter().filter(|j| **j != path) {
        let _ = remove_file(journal);
    }
    remove_file(&path).map_err(|e| Error::write(&path, e))?;
    Ok(())
}

/// Writes the journal of `steps` beside `first`, atomically.
fn write_journal(first: &Path, steps: &[Step]) -> io::Result<()> {
    let path = journal_path(first);
    let mut text = Vec::new();
    for step in steps {
        text.extend(step.ino.to_string().bytes());
        for p in [&step.staged, &step.dest] {
            text.push(b'\t');
            text.extend(hex(p.as_os_str()).bytes());
        }
        text.push(b'\n');
    }
    // Named like the stages, so that a run killed here is cleaned up.
    let tmp = sibling(first, "journal");
    let written = write_new(&tmp, &text, &path)
        .and_then(|()| rename(&tmp, &path))
        .and_then(|()| fsync_dir(parent_of(&path)));
    if written.is_err() {
        let _ = remove_file(&tmp);
        let _ = remove_file(&path);
    }
    written
}

fn parse_journal_line(line: &[u8]) -> Option<Step> {
    let mut parts = line.split(|&b| b == b'\t');
    let ino = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
    let staged = PathBuf::from(unhex(parts.next()?)?);
    let dest = PathBuf::from(unhex(parts.next()?)?);
    Some(Step { staged, dest, ino, done: None })
}

fn hex(s: &OsStr) -> String {
    s.as_encoded_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &[u8]) -> Option<OsString> {
    let bytes: Option<Vec<u8>> = s
        .chunks(2)
        .map(|pair| {
            u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()
        })
        .collect();
    bytes.map(os_string_from)
}

/// The path whose bytes `hex` wrote.
#[cfg(unix)]
fn os_string_from(bytes: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(bytes)
}

#[cfg(not(unix))]
fn os_string_from(bytes: Vec<u8>) -> OsString {
    OsString::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// What `path` really is: a stream, or the regular file at the end of its
/// symlinks (which may not exist yet).
fn classify(path: &Path) -> Result<Target> {
    const STDOUT: [&str; 3] = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];
    if STDOUT.iter().any(|s| path == Path::new(s)) {
        return Ok(Target::Stdout);
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::usage(format!(
            "{}: is a folder; an output path must name a file",
            path.display()
        ))),
        Ok(meta) if !meta.is_file() => Ok(Target::Stream(path.to_path_buf())),
        _ => Ok(Target::File(
            resolve_links(path).map_err(|e| Error::write(path, e))?,
        )),
    }
}

/// The out-dir as a real folder path: through symlinks, and refusing a
/// file where the folder should be.
fn resolve_folder(dir: &Path) -> Result<PathBuf> {
    let real = resolve_links(dir).map_err(|e| Error::write(dir, e))?;
    let real = match fs::metadata(&real) {
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::write(
                dir,
                io::Error::other("exists and is not a folder"),
            ));
        }
        // `.`, `plan/..`, a symlink's relative target: the folder by its
        // own name, which the exchange needs.
        Ok(_) => fs::canonicalize(&real).map_err(|e| Error::write(dir, e))?,
        Err(_) => real,
    };
    if real.file_name().is_none() {
        return Err(Error::usage(format!(
            "{}: the output folder cannot be replaced; name a folder \
             inside it",
            dir.display()
        )));
    }
    fs::create_dir_all(parent_of(&real)).map_err(|e| Error::write(dir, e))?;
    Ok(real)
}

/// Follows symlinks at the end of `path` (not in its folders, which the
/// system follows itself) to the entry they name, existing or not.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = parent_of(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn file_name_of(path: &Path) -> OsString {
    path.file_name().map(OsStr::to_os_string).unwrap_or_default()
}

/// A fresh hidden name beside `path`: `.NAME.peakplan-TOKEN.KIND`.
fn sibling(path: &Path, kind: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut name = OsString::from(".");
    name.push(file_name_of(path));
    name.push(format!(
        ".peakplan-{:x}-{nanos:x}-{n}.{kind}",
        std::process::id()
    ));
    parent_of(path).join(name)
}

fn journal_path(dest: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(file_name_of(dest));
    name.push(".peakplan-journal");
    parent_of(dest).join(name)
}

/// Removes what a killed run left beside `dest`: peakplan's own hidden
/// siblings of it, and the `.NAME.….tmp` files of older versions. Called
/// under the folder's lock, after [`recover`].
fn clean_leftovers(dest: &Path) {
    let name = file_name_of(dest);
    let ours = format!(".{}.peakplan-", name.to_string_lossy());
    let older = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent_of(dest)) else { return };
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let entry_name = entry_name.to_string_lossy();
        let stale = entry_name.starts_with(&ours)
            || (entry_name.starts_with(&older)
                && entry_name.ends_with(".tmp"));
        if stale {
            remove_any(&entry.path());
        }
    }
}

/// Removes a file or a folder tree, if it is there.
fn remove_any(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => {
            let _ = remove_dir_all(path);
        }
        Ok(_) => {
            let _ = remove_file(path);
        }
        Err(_) => {}
    }
}

/// Takes an exclusive lock on the folder of every destination, in a fixed
/// order so that two runs never wait on each other.
fn lock_parents(dests: &[PathBuf]) -> Result<Vec<File>> {
    let mut parents: Vec<PathBuf> = dests
        .iter()
        .map(|d| {
            let parent = parent_of(d);
            fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf())
        })
        .collect();
    parents.sort();
    parents.dedup();
    let mut locks = Vec::new();
    for parent in parents {
        // A folder that cannot be opened (missing, not readable) is
        // reported when its file is staged.
        if let Ok(dir) = File::open(&parent) {
            dir.lock().map_err(|e| Error::write(&parent, e))?;
            locks.push(dir);
        }
    }
    Ok(locks)
}

/// Creates the staging folder with the mode of the folder it replaces, or
/// the umask's when there is none yet.
fn create_staging_dir(staged: &Path, folder: &Path) -> io::Result<()> {
    fs::create_dir(staged)?;
    if let Ok(old) = fs::metadata(folder) {
        fs::set_permissions(staged, old.permissions())?;
    }
    Ok(())
}

/// Writes a new file at `path` with the permissions of `like` when that
/// exists (its owner too, where allowed), else as the umask says; flushes
/// it to disk.
fn write_new(path: &Path, bytes: &[u8], like: &Path) -> io::Result<()> {
    let mut file = create_new(path, like)?;
    let written = file.write_all(bytes).and_then(|()| sync(&file));
    if written.is_err() {
        let _ = remove_file(path);
    }
    written
}

/// Creates the new, empty file `path` with the permissions of `like` when
/// that exists (its owner too, where allowed), else as the umask says.
fn create_new(path: &Path, like: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o666);
    }
    let file = options.open(path)?;
    let set = (|| {
        if let Ok(old) = fs::metadata(like)
            && old.is_file()
        {
            file.set_permissions(old.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let _ = std::os::unix::fs::fchown(
                    &file,
                    Some(old.uid()),
                    Some(old.gid()),
                );
            }
        }
        Ok(())
    })();
    match set {
        Ok(()) => Ok(file),
        Err(e) => {
            let _ = remove_file(path);
            Err(e)
        }
    }
}

/// A single file written a piece at a time that lands whole, as
/// [`write_atomic`] writes one from memory: for output too large to hold.
///
/// The pieces go to a temporary file beside the destination (beside a
/// symlink's target), created with the destination's permissions, under
/// the lock of its folder. [`Self::commit`] flushes it to disk, renames it
/// over the destination (an exchange when that exists) and flushes the
/// folder: readers see the old file or the new one, never a part.
/// Dropped uncommitted, or after any error, the temporary file is removed
/// and the destination is left as it was.
///
/// # Example
///
/// ```
/// use peakplan::output::AtomicFile;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("staff.csv");
/// let mut file = AtomicFile::create(&path)?.expect("a regular file");
/// file.write_all(b"a,b\n")?;
/// file.write_all(b"1,2\n")?;
/// assert!(!path.exists());
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "a,b\n1,2\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AtomicFile {
    out: Option<io::BufWriter<File>>,
    staged: PathBuf,
    dest: PathBuf,
    _locks: Vec<File>,
}

impl AtomicFile {
    /// Starts replacing `path`; `None` when `path` is a stream
    /// (`/dev/stdout`, a FIFO, a device), which has no file to rename and
    /// is written with [`emit`] once everything is there.
    ///
    /// # Errors
    ///
    /// As [`write_atomic`]: [`Error::Usage`] when `path` names no file or
    /// is a folder, [`Error::Io`] naming `path` when its folder is missing
    /// or not writable.
    pub fn create(path: &Path) -> Result<Option<AtomicFile>> {
        if path.file_name().is_none() {
            let shown = path.display();
            return Err(Error::usage(format!(
                "{shown}: an output path must name a file"
            )));
        }
        let Target::File(dest) = classify(path)? else { return Ok(None) };
        let locks = lock_parents(std::slice::from_ref(&dest))?;
        recover(&dest)?;
        clean_leftovers(&dest);
        let staged = sibling(&dest, "tmp");
        let file = create_new(&staged, &dest)
            .map_err(|e| Error::write(&dest, why_not(parent_of(&dest), &e)))?;
        Ok(Some(AtomicFile {
            out: Some(io::BufWriter::with_capacity(1 << 16, file)),
            staged,
            dest,
            _locks: locks,
        }))
    }

    /// Appends `bytes`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] naming the destination (a full disk, say).
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let written = match &mut self.out {
            Some(out) => out.write_all(bytes),
            None => Err(io::Error::other("already committed")),
        };
        written.map_err(|e| Error::write(&self.dest, e))
    }

    /// Flushes the file to disk and puts it in place of the destination.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] naming the destination; it is then left as it was.
    pub fn commit(mut self) -> Result<()> {
        let dest = self.dest.clone();
        let file = self.out.take().map(|out| {
            out.into_inner().map_err(io::IntoInnerError::into_error)
        });
        let Some(file) = file else { return Ok(()) };
        let file = file.map_err(|e| Error::write(&dest, e))?;
        sync(&file).map_err(|e| Error::write(&dest, e))?;
        drop(file);
        let ino = ino_of(&self.staged).map_err(|e| Error::write(&dest, e))?;
        let staged = self.staged.clone();
        let mut steps = [Step { staged, dest, ino, done: None }];
        // On success the swap removes the stage (the old version after an
        // exchange); on failure `drop` does.
        swap_all(&mut steps)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        drop(self.out.take());
        remove_any(&self.staged);
    }
}

/// Hard-links into `staged` everything in `folder` that the new set (`set`,
/// paths relative to `folder`) does not replace, so that the user's own
/// files survive the exchange.
fn carry_over(folder: &Path, staged: &Path, set: &[&Path]) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        let replaced = set.iter().any(|rel| rel.as_os_str() == name);
        // `.peakplan.lock` is the lock file of older versions.
        if replaced || name == ".peakplan.lock" {
            continue;
        }
        let below: Vec<&Path> = set
            .iter()
            .filter_map(|rel| rel.strip_prefix(&name).ok())
            .collect();
        let (from, to) = (entry.path(), staged.join(&name));
        if entry.file_type()?.is_dir() {
            if !to.exists() {
                fs::create_dir(&to)?;
                fs::set_permissions(&to, entry.metadata()?.permissions())?;
            }
            carry_over(&from, &to, &below)?;
        } else if below.is_empty() {
            fs::hard_link(&from, &to)?;
        }
    }
    Ok(())
}

/// Flushes every folder of a staged tree (files were flushed when
/// written; hard links are entries of their folder).
fn fsync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            fsync_tree(&entry.path())?;
        }
    }
    fsync_dir(dir)
}

fn fsync_dir(dir: &Path) -> io::Result<()> {
    sync(&File::open(dir)?)
}

fn ino_of(path: &Path) -> io::Result<u64> {
    let meta = fs::symlink_metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(meta.ino())
    }
    #[cfg(not(unix))]
    {
        Ok(meta.len())
    }
}

/// Swaps two existing entries atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    fault::step(Kind::Rename)?;
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)
        .map_err(io::Error::from)
}

/// Swaps two existing entries with three renames (not atomic: see the
/// module documentation).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let aside = sibling(b, "old");
    rename(b, &aside)?;
    if let Err(e) = rename(a, b) {
        let _ = rename(&aside, b);
        return Err(e);
    }
    rename(&aside, a)
}

/// Renames `from` to `to`, which must not exist.
#[cfg(target_os = "linux")]
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    fault::step(Kind::Rename)?;
    renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE)
        .map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    rename(from, to)
}

/// `fs::rename`, as a fault point.
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    fault::step(Kind::Rename)?;
    fs::rename(from, to)
}

/// Flushes `file` (a file or a folder) to disk, as a fault point.
fn sync(file: &File) -> io::Result<()> {
    fault::step(Kind::Fsync)?;
    file.sync_all()
}

/// `fs::remove_file`, as a fault point.
fn remove_file(path: &Path) -> io::Result<()> {
    fault::step(Kind::Remove)?;
    fs::remove_file(path)
}

/// `fs::remove_dir_all`, as one fault point (the removals inside it are
/// the system's).
fn remove_dir_all(path: &Path) -> io::Result<()> {
    fault::step(Kind::Remove)?;
    fs::remove_dir_all(path)
}

fn write_stream(target: &Target, shown: &Path, bytes: &[u8]) -> Result<()> {
    match target {
        Target::Stdout => write_stdout(bytes),
        Target::Stream(path) => OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
            .map_err(|e| Error::write(shown, e)),
        Target::File(path) => write_atomic(path, bytes),
    }
}

/// Why a file cannot be created in `dir`, in the user's terms: the
/// temporary file's hidden name in the system's message would only
/// confuse.
fn why_not(dir: &Path, e: &io::Error) -> io::Error {
    let shown = dir.display();
    let message = if !dir.exists() {
        format!("cannot write: the folder {shown} does not exist")
    } else if !dir.is_dir() {
        format!("cannot write: {shown} is not a folder")
    } else {
        format!("cannot create a file in {shown}: {e}")
    };
    io::Error::new(e.kind(), message)
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
        // A file that cannot be written (a chart outside the folder, in a
        // folder that is missing) fails the whole set: a.csv keeps its old
        // content.
        let c = dir.path().join("missing").join("c.svg");
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
    fn a_folder_behind_a_symlink_is_replaced_at_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::create_dir(real.join("archive")).unwrap();
        std::fs::write(real.join("archive").join("w1.csv"), "kept").unwrap();
        std::fs::write(real.join("a.csv"), "old").unwrap();
        let link = dir.path().join("plan");
        std::os::unix::fs::symlink("real", &link).unwrap();
        let a = link.join("a.csv");
        write_files_atomic(&link, &[(&a, b"new")]).unwrap();
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(real.join("a.csv")).unwrap(),
            "new"
        );
        let kept = real.join("archive").join("w1.csv");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "kept");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["plan", "real"]);
    }

    #[test]
    fn the_working_folder_can_be_the_out_dir_but_not_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan");
        std::fs::create_dir(&out).unwrap();
        let dot = out.join(".");
        let a = dot.join("a.csv");
        write_files_atomic(&dot, &[(&a, b"1")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "1");
        let root = Path::new("/");
        let err = write_files_atomic(root, &[(&root.join("a.csv"), b"1")]);
        assert_eq!(err.unwrap_err().exit_code(), 2);
    }

    #[test]
    fn a_folder_in_the_way_of_a_file_is_replaced_with_the_set() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan");
        std::fs::create_dir_all(out.join("plan.svg")).unwrap();
        std::fs::write(out.join("a.csv"), "old").unwrap();
        let (a, svg) = (out.join("a.csv"), out.join("plan.svg"));
        write_files_atomic(&out, &[(&a, b"new"), (&svg, b"<svg/>")]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the folder held, it then holds the new set and the
        /// user's other files, and nothing is left beside it.
        #[test]
        fn a_folder_holds_the_new_set_and_the_user_s_files(
            before in proptest::collection::btree_map("[a-e]", "[xy]{0,3}", 0..5),
            set in proptest::collection::btree_map("[a-e]", "[xy]{0,3}", 1..5),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("plan");
            std::fs::create_dir(&out).unwrap();
            for (name, text) in &before {
                std::fs::write(out.join(name), text).unwrap();
            }
            let paths: Vec<(PathBuf, &[u8])> = set
                .iter()
                .map(|(n, t)| (out.join(n), t.as_bytes()))
                .collect();
            let files: Vec<(&Path, &[u8])> =
                paths.iter().map(|(p, b)| (p.as_path(), *b)).collect();
            write_files_atomic(&out, &files).unwrap();
            let mut expected = before.clone();
            expected.extend(set.clone());
            let mut got = std::collections::BTreeMap::new();
            for entry in std::fs::read_dir(&out).unwrap() {
                let entry = entry.unwrap();
                let text = std::fs::read_to_string(entry.path()).unwrap();
                got.insert(entry.file_name().into_string().unwrap(), text);
            }
            proptest::prop_assert_eq!(got, expected);
            let beside = std::fs::read_dir(dir.path()).unwrap().count();
            proptest::prop_assert_eq!(beside, 1);
        }
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
