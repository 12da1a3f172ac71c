//! What can be wrong with a database file, as kinds: each says so in the words a user reads,
//! and the binary can tell them apart by downcasting (`anyhow::Error::downcast_ref`) where it
//! needs to, as for exit codes. The store's functions answer `anyhow::Result`: a kind is the
//! error itself where the store refuses a file, and the context over SQLite's or the OS's
//! error where one of theirs stopped it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} does not exist")]
    Missing { path: PathBuf },

    #[error("{path} is an empty file, not a kaohe database (`kaohe init` makes one there)")]
    EmptyFile { path: PathBuf },

    #[error("{path} is not a regular file, so not a kaohe database; it was left untouched")]
    NotRegularFile { path: PathBuf },

    #[error("{path} is not a kaohe database (it is not a SQLite file); it was left untouched")]
    NotSqlite { path: PathBuf },

    #[error(
        "{path} is not a kaohe database (it is another application's SQLite file); it was left untouched"
    )]
    ForeignSqlite { path: PathBuf },

    #[error(
        "{path} was written by a newer kaohe (schema version {version}; this kaohe knows up to {known}); it was left untouched — use a newer kaohe"
    )]
    NewerSchema {
        path: PathBuf,
        version: u32,
        known: u32,
    },

    #[error(
        "{path} is an incomplete kaohe database (its creation was interrupted); it was left untouched — remove it and create it again"
    )]
    Incomplete { path: PathBuf },

    #[error("{path} already exists; it was left untouched")]
    AlreadyExists { path: PathBuf },

    #[error("cannot create {path}: the directory {dir} does not exist")]
    NoDirectory { path: PathBuf, dir: PathBuf },

    #[error(
        "{path}: SQLite refused WAL mode (journal_mode is {mode}); is it on a network filesystem?"
    )]
    WalRefused { path: PathBuf, mode: String },

    /// A `-wal` or `-shm` beside a shared database is not in its group and mode, and this
    /// account can neither use it nor mend it.
    #[error(
        "{path} {found} where the database beside it has {wanted}, so this account cannot use it: {advice}"
    )]
    SideFileWrong {
        path: PathBuf,
        found: String,
        wanted: String,
        advice: String,
    },

    // The kinds below stand over the OS's or SQLite's error that stopped the store.
    #[error("cannot open database {path}")]
    CannotOpen { path: PathBuf },

    /// SQLite could not make the WAL's files beside the database.
    #[error(
        "cannot open database {path} (SQLite must be able to write {path}-wal and {path}-shm in {dir})"
    )]
    CannotOpenBeside { path: PathBuf, dir: PathBuf },

    #[error("cannot read database {path}")]
    CannotRead { path: PathBuf },

    #[error("cannot create database {path}")]
    CannotCreate { path: PathBuf },

    /// The temporary file a new database is built in could not be made.
    #[error("cannot create a database in {dir}")]
    CannotCreateIn { dir: PathBuf },

    /// The new database, built whole, could not be renamed into place.
    #[error("cannot create {path}")]
    CannotPlace { path: PathBuf },

    #[error("cannot switch {path} to WAL")]
    CannotSwitchToWal { path: PathBuf },

    #[error("cannot write to {path}")]
    CannotWrite { path: PathBuf },

    /// The database file (or its mount) is read-only to this account: refused before any write.
    #[error(
        "{path} is read-only for this account, so nothing was written (its owner or group can give write access, or use an account that has it)"
    )]
    ReadOnly { path: PathBuf },

    /// The file was swapped under the open store: nothing more is written to it.
    #[error(
        "{path} {swap}, so nothing more was written; open it again, and check with `kaohe log` which changes it holds"
    )]
    Swapped { path: PathBuf, swap: crate::Swap },
}

/// Whether the error is SQLite's "busy" (another connection holds the write lock) or "locked".
pub fn is_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<rusqlite::Error>().is_some_and(|e| {
            matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            )
        })
    })
}

/// An error and its causes on one line, each said once. SQLite's errors say their words again
/// in their cause ("database is locked: Error code 5: database is locked"), and a context may
/// already quote the error it stands over; a cause is left out when what was said holds it.
pub fn said_once(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        // SQLite's code under its own message: the message said it better.
        if cause.is::<rusqlite::ffi::Error>() && !parts.is_empty() {
            continue;
        }
        let text = cause.to_string();
        let words = match text.strip_prefix("Error code ") {
            Some(rest) => rest.split_once(": ").map_or(rest, |(_, words)| words),
            None => text.as_str(),
        };
        let words = words.trim();
        let lower = words.to_lowercase();
        if !words.is_empty() && !parts.iter().any(|p| p.to_lowercase().contains(&lower)) {
            parts.push(words.to_string());
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    #[test]
    fn each_cause_is_said_once() {
        let locked = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        let e = anyhow!(locked).context("cannot write to k.db");
        assert_eq!(said_once(&e), "cannot write to k.db: database is locked");
        // SQLite's code alone, without a message: its words, once, without the number.
        let bare = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
            None,
        );
        assert_eq!(said_once(&anyhow!(bare)), "disk I/O error");
        // A context quoting its cause.
        let quoted = anyhow!("no such file").context("cannot read a.csv: no such file");
        assert_eq!(said_once(&quoted), "cannot read a.csv: no such file");
    }
}
