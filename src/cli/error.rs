//! How a command ends in error: its kind, decided once where the error leaves the command, and
//! the one line the user is shown. `main` turns the kind into the exit status.

use crate::error::FileError;
use crate::store::{StoreError, parent_dir, said_once};
use crate::text::clean;
use clap::error::ErrorKind as ClapErrorKind;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};

/// What went wrong, as far as the exit status and the message are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `--help` or `--version`: clap's text, printed as asked.
    Help,
    /// The command line itself is wrong (clap's refusal).
    Usage,
    /// A user's file or argument is refused. Also every refusal kaohe words itself.
    Input,
    /// The database refused or failed.
    Database,
    /// Reading or writing a file or stream failed.
    Io,
    /// Whoever reads the output went away (`kaohe export | head`): not worth a message.
    ClosedPipe,
    /// kaohe's own doing: what it carries refused (see [`Internal`]).
    Internal,
}

/// The error a command ended in, with its kind.
#[derive(Debug)]
pub struct CommandError {
    kind: ErrorKind,
    error: Error,
}

#[derive(Debug)]
enum Error {
    Parse(clap::Error),
    Run(anyhow::Error),
}

/// Marks an error in what kaohe carries itself (the embedded targets, counties and demo
/// submissions): a bug, never the user's doing. Shows as the error it wraps.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Internal(#[from] anyhow::Error);

impl CommandError {
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Names the database in an error from it: a SQLite error means little without the file it
    /// happened in.
    pub fn in_database(self, db: &Path) -> CommandError {
        let Error::Run(e) = self.error else {
            return self;
        };
        let shown = db.display().to_string();
        let from_sqlite = e.chain().any(|c| c.is::<rusqlite::Error>());
        let error = if disk_full(&e, db) {
            anyhow::Error::new(DiskFull {
                file: db.to_path_buf(),
            })
        } else if from_sqlite && !format!("{e:#}").contains(&shown) {
            e.context(format!("database {shown}"))
        } else {
            e
        };
        CommandError {
            kind: self.kind,
            error: Error::Run(error),
        }
    }

    /// Shows the error as the user sees it: help as clap prints it, anything else as one line
    /// `kaohe: …` on standard error, a closed pipe not at all. Standard error that is gone (a
    /// terminal that hung up) is nobody to tell: that is no panic.
    pub fn print(&self) {
        use std::io::Write as _;
        let mut stderr = std::io::stderr();
        let _ = match (&self.error, self.kind) {
            (_, ErrorKind::ClosedPipe) => Ok(()),
            (Error::Parse(e), ErrorKind::Help) => e.print(),
            (Error::Parse(e), _) => {
                writeln!(stderr, "kaohe: {} (see kaohe --help)", usage_line(e))
            }
            (Error::Run(e), _) => writeln!(stderr, "kaohe: {}", single_line(&message(e))),
        };
    }
}

impl From<clap::Error> for CommandError {
    fn from(e: clap::Error) -> CommandError {
        let kind = match e.kind() {
            ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => ErrorKind::Help,
            _ => ErrorKind::Usage,
        };
        CommandError {
            kind,
            error: Error::Parse(e),
        }
    }
}

impl From<anyhow::Error> for CommandError {
    fn from(e: anyhow::Error) -> CommandError {
        CommandError {
            kind: kind_of(&e),
            error: Error::Run(e),
        }
    }
}

/// The one place an error's causes are looked through for its kind. Where several causes have
/// a kind, the first of these wins: a closed pipe, the database, kaohe's own data, the user's
/// file, a file or stream. A cause with none of them is a refusal kaohe worded: Input.
fn kind_of(e: &anyhow::Error) -> ErrorKind {
    let mut found: Vec<ErrorKind> = e.chain().filter_map(kind_of_cause).collect();
    // The store's refusals may stand as the context of another error, where only anyhow's
    // own downcast finds them.
    if e.downcast_ref::<StoreError>().is_some() {
        found.push(ErrorKind::Database);
    }
    [
        ErrorKind::ClosedPipe,
        ErrorKind::Database,
        ErrorKind::Internal,
        ErrorKind::Input,
        ErrorKind::Io,
    ]
    .into_iter()
    .find(|kind| found.contains(kind))
    .unwrap_or(ErrorKind::Input)
}

fn kind_of_cause(cause: &(dyn StdError + 'static)) -> Option<ErrorKind> {
    if let Some(io) = io_error_kind(cause) {
        return Some(match io {
            std::io::ErrorKind::BrokenPipe => ErrorKind::ClosedPipe,
            _ => ErrorKind::Io,
        });
    }
    if cause.is::<StoreError>() || cause.is::<rusqlite::Error>() {
        Some(ErrorKind::Database)
    } else if cause.is::<Internal>() {
        Some(ErrorKind::Internal)
    } else if cause.is::<FileError>() {
        Some(ErrorKind::Input)
    } else {
        None
    }
}

/// The kind of an input or output error, also when the JSON or CSV writer carries it.
pub(super) fn io_error_kind(cause: &(dyn StdError + 'static)) -> Option<std::io::ErrorKind> {
    if let Some(io) = cause.downcast_ref::<std::io::Error>() {
        return Some(io.kind());
    }
    if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind();
    }
    match cause.downcast_ref::<csv::Error>().map(csv::Error::kind) {
        Some(csv::ErrorKind::Io(io)) => Some(io.kind()),
        _ => None,
    }
}

/// Clap's message on one plain line, without its usage block and tips.
fn usage_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let message = text.split("\nUsage:").next().unwrap_or_default();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let message: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("tip:") && !l.starts_with("For more information")
        })
        .collect();
    clean(&message.join(" "))
}

/// The error and its causes, each said once (SQLite's errors repeat their text in their cause).
fn message(e: &anyhow::Error) -> String {
    said_once(e)
}

/// The disk holding a file has no room left. Said instead of whatever SQLite said: it reports
/// a full disk as a plain "disk I/O error" where it grows its `-shm` file, and the store's
/// context may name the row that happened to be written last.
#[derive(Debug, thiserror::Error)]
#[error("the disk is full ({}'s filesystem); free space and run again", .file.display())]
pub struct DiskFull {
    pub file: PathBuf,
}

/// Whether `e` is the database finding no room on its disk: SQLite's "disk is full", or an
/// I/O error while that disk has (almost) nothing free.
fn disk_full(e: &anyhow::Error, db: &Path) -> bool {
    use rusqlite::ErrorCode::{DiskFull, SystemIoFailure};
    // Less than this free after a failed write: the write needed it (SQLite's -shm alone
    // takes 32 KiB, a page of the log 4 KiB and more).
    const NEARLY_NOTHING: u64 = 1 << 20;
    let codes: Vec<_> = e
        .chain()
        .filter_map(|c| c.downcast_ref::<rusqlite::Error>())
        .filter_map(rusqlite::Error::sqlite_error_code)
        .collect();
    codes.contains(&DiskFull)
        || (codes.contains(&SystemIoFailure)
            && free_bytes(&parent_dir(db)).is_some_and(|free| free < NEARLY_NOTHING))
}

/// Bytes an ordinary user may still write on the filesystem holding `dir`, if the OS says.
#[cfg(unix)]
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs only writes the struct it is given; an all-zero statvfs is a valid value.
    let mut fs: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and outlives the call.
    if unsafe { libc::statvfs(path.as_ptr(), &mut fs) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)] // the fields' types differ between platforms
    Some((fs.f_bavail as u64).saturating_mul(fs.f_frsize as u64))
}

#[cfg(not(unix))]
fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

/// Keeps the message on one line whatever a cause printed, and shows any control character
/// (which a message may quote from a user's file) as a visible symbol, never as a command.
fn single_line(s: &str) -> String {
    let joined = s
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    clean(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;
    use anyhow::{Context as _, anyhow};

    fn kind(e: anyhow::Error) -> ErrorKind {
        CommandError::from(e).kind()
    }

    #[test]
    fn the_kind_is_read_from_any_cause() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(
            kind(anyhow!(pipe).context("writing")),
            ErrorKind::ClosedPipe
        );
        let disk = std::io::Error::other("disk full");
        assert_eq!(kind(anyhow!(disk).context("writing")), ErrorKind::Io);
        let file = FileError::new(Location::file("a.csv"), "cannot read");
        assert_eq!(kind(anyhow!(file)), ErrorKind::Input);
        let sqlite = rusqlite::Error::InvalidQuery;
        assert_eq!(kind(anyhow!(sqlite).context("saving")), ErrorKind::Database);
        let embedded: Result<(), _> = Err(Internal::from(anyhow!("bad embedded row")));
        assert_eq!(
            kind(embedded.context("seeding").unwrap_err()),
            ErrorKind::Internal
        );
        assert_eq!(kind(anyhow!("--reviewer is empty")), ErrorKind::Input);
        let foreign = StoreError::ForeignSqlite {
            path: "k.db".into(),
        };
        assert_eq!(kind(anyhow!(foreign)), ErrorKind::Database);
        let missing = StoreError::Missing {
            path: "k.db".into(),
        };
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(kind(anyhow!(denied).context(missing)), ErrorKind::Database);
    }

    #[test]
    fn a_database_error_names_the_database_once() {
        let db = Path::new("/data/kaohe.db");
        let named = CommandError::from(anyhow!(rusqlite::Error::InvalidQuery)).in_database(db);
        let Error::Run(e) = &named.error else {
            panic!("not a command's error");
        };
        assert_eq!(
            message(e),
            "database /data/kaohe.db: Query is not read-only"
        );
        let refused = CommandError::from(anyhow!("no such file")).in_database(db);
        let Error::Run(e) = &refused.error else {
            panic!("not a command's error");
        };
        assert_eq!(message(e), "no such file");
    }

    #[test]
    fn sqlites_words_are_said_once() {
        let locked = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        let e = anyhow!(locked).context("cannot save the import into k.db");
        assert_eq!(
            message(&e),
            "cannot save the import into k.db: database is locked"
        );
        // SQLite's generic words for its code add nothing to its own message.
        let missing = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some("no such table: reviews".into()),
        );
        assert_eq!(message(&anyhow!(missing)), "no such table: reviews");
    }

    #[test]
    fn a_message_is_one_clean_line() {
        let e = anyhow!("line one\r\nline\u{1b} two").context("outer");
        assert_eq!(
            single_line(&message(&e)),
            "outer: line one line\u{241b} two"
        );
    }
}
