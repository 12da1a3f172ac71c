//! All SQL lives here. One SQLite file per assessment, shared by several reviewers:
//! WAL, a busy timeout, and every write in an IMMEDIATE transaction.
//!
//! One concern a file behind this facade, each adding its part of [`Store`]'s methods: what a
//! database file is and how it is opened and made (`file`), its schema (`schema`), the targets
//! it holds, the submissions imported into it, the reviews written, the items read back,
//! "changed since reviewed" (`stale`), the workspace's drafts and places, who is present, the
//! log, the registry of reviewers, who owns what (`owners`), the notes' threads (`notes`) and
//! the status. Every public name is reachable as
//! `kaohe_store::X`.

mod aside;
mod blobs;
mod checks;
mod error;
mod evidence;
mod facts;
mod file;
mod findings;
mod item_walk;
mod items;
mod locks;
mod log;
mod long_writes;
mod notes;
mod owners;
mod people;
mod presence;
mod registry;
mod requests;
mod reviews;
mod schema;
pub mod shared;
mod staged;
mod stale;
mod status;
mod streamed;
mod submissions;
mod targets;
mod verified;
mod watch;
mod workspace;

#[cfg(test)]
mod test_support;

pub use blobs::{Blobs, Kept, TempBlob};
pub use checks::{CheckChange, CheckError, CheckEvent, CheckState, CheckWrite, Checked};
pub use error::{StoreError, is_busy, said_once};
pub use evidence::{
    CountyFiles, CountyOutcome, EvidenceIn, EvidenceOutcome, blob_path, evidence_dir,
};
pub use file::{APPLICATION_ID, Access, BUSY_TIMEOUT, parent_dir};
pub use findings::{FindingChange, FindingError, FindingEvent, FindingWrite, HeldFinding};
pub use items::ReviewState;
pub use locks::{Acting, LockError, LockEvent, Locked, LockedRow};
pub use log::{LogEntry, LogFilter};
pub use long_writes::LongWrite;
pub use owners::{Assigned, OwnerEvent, OwnerRef};
pub use presence::{Presence, SEEN_WITHIN};
pub use registry::{
    Registered, Registrar, Registration, RegistryAction, RegistryEntry, RegistryError,
    RegistryEvent,
};
pub use reviews::{Expected, GivenBy, ReviewChange, ReviewWrite, Written};
pub use schema::{MIGRATIONS, latest as latest_schema};
pub use staged::Staged;
pub use streamed::{Streaming, Writing};
pub use submissions::{FromOtherFile, GivenFigure, ImportPreview, Listed, ReviewedChange};
pub use targets::ScoringEvent;
pub use verified::{Seen, VerifyChange, VerifyError, VerifyEvent, VerifyWrite, VerifyWritten};
pub use watch::Swap;
pub use workspace::{Draft, Position};

use anyhow::{Context, Result};
use kaohe_core::catalog::Catalog;
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::County;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;
use watch::Watch;

/// Who makes a change: the name shown, and the OS account always recorded beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub name: String,
    pub account: String,
}

/// The current time, RFC 3339 with the local offset.
pub fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// What a new database is made from.
#[derive(Debug, Clone)]
pub struct Seed {
    pub catalog: Catalog,
    pub counties: Vec<County>,
    /// Submissions written at creation, already parsed and checked (the store parses no
    /// file), and the name of the file they came from.
    pub submissions: Option<(Vec<SubmissionRow>, String)>,
}

/// An open kaohe database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The file watched: a store whose file was swapped under it writes nothing more.
    watch: Watch,
    /// A removed `-wal`'s content put into the file (see [`Store::rescued`]).
    rescued: Option<bool>,
}

impl Store {
    /// The store on an open connection.
    fn on(conn: Connection, path: PathBuf) -> Store {
        let watch = Watch::new(&conn, &path);
        Store {
            conn,
            path,
            watch,
            rescued: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins a write: IMMEDIATE, so that it waits (up to the busy timeout) for another
    /// reviewer's write rather than failing halfway through its own. Refused, before anything
    /// is written, on a database this account may only read, or one swapped under this store
    /// (which is looked at first, and again before the write commits).
    fn write(&mut self) -> Result<Tx<'_>> {
        if self.read_only() {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            }
            .into());
        }
        if let Some(swap) = self.watch() {
            return Err(StoreError::Swapped {
                path: self.path.clone(),
                swap,
            }
            .into());
        }
        let Store {
            conn, path, watch, ..
        } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| StoreError::CannotWrite { path: path.clone() })?;
        Ok(Tx { tx, path, watch })
    }

    /// Looks at the database's files: answers what happened to them under this store, if
    /// anything. From then on the store writes nothing (and SQLite is told so too); a `-wal`
    /// removed has what it held put into the file first, where that is safe.
    pub fn watch(&mut self) -> Option<Swap> {
        let known = self.watch.found();
        // SAFETY: the store's own open connection, on this thread.
        let found = unsafe { self.watch.check(self.conn.handle()) };
        if known.is_none() && found.is_some() {
            self.rescued = self.watch.rescue(&self.conn);
            let _ = self.conn.pragma_update(None, "query_only", true);
        }
        found
    }

    /// After a `-wal` was found removed: whether everything it held was put into the database
    /// file (`None`: it could not be tried).
    pub fn rescued(&self) -> Option<bool> {
        self.rescued
    }

    /// Whether this account may only read the database (its file's mode, a read-only mount):
    /// SQLite opens it so rather than refuse.
    pub fn read_only(&self) -> bool {
        // SAFETY: the store's own open connection; "main" is NUL-terminated.
        unsafe { rusqlite::ffi::sqlite3_db_readonly(self.conn.handle(), c"main".as_ptr()) == 1 }
    }

    /// How long a write waits for another's to end before it fails as busy. The workspace
    /// waits briefly and keeps what it could not write yet, so that no key waits on the lock.
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    /// Puts what the WAL holds into the database file, where no reader still needs it
    /// (PASSIVE: never waits, never blocks a reader). A workspace does this after its own
    /// commits, so that its work is never only in a `-wal` someone might remove, nor left for a
    /// restored copy of the file to be mixed with.
    pub fn checkpoint(&mut self) -> Result<()> {
        if self.watch.found().is_some() {
            return Ok(());
        }
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .with_context(|| StoreError::CannotWrite {
                path: self.path.clone(),
            })
    }
}

impl Drop for Store {
    /// A store whose file was swapped under it closes without writing into what is at the
    /// path now (see `watch.rs`).
    fn drop(&mut self) {
        self.watch.closing(&self.conn);
    }
}

/// A write transaction: the database is looked at once more before it commits, so that a long
/// write (an import) never commits into a file swapped while it ran.
struct Tx<'a> {
    tx: Transaction<'a>,
    path: &'a PathBuf,
    watch: &'a mut Watch,
}

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = Transaction<'a>;
    fn deref(&self) -> &Transaction<'a> {
        &self.tx
    }
}

impl Tx<'_> {
    /// Commits, unless the file was swapped while the transaction ran: then it is rolled back.
    fn commit(self) -> Result<()> {
        // SAFETY: the transaction's own open connection, on this thread.
        if let Some(swap) = unsafe { self.watch.check(self.tx.handle()) } {
            drop(self.tx);
            return Err(StoreError::Swapped {
                path: self.path.clone(),
                swap,
            }
            .into());
        }
        Ok(self.tx.commit()?)
    }
}
