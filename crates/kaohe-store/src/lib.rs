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

mod error;
mod file;
mod items;
mod log;
mod notes;
mod owners;
mod presence;
mod registry;
mod reviews;
mod schema;
pub mod shared;
mod stale;
mod status;
mod submissions;
mod targets;
mod workspace;

#[cfg(test)]
mod test_support;

pub use error::{StoreError, said_once};
pub use file::{APPLICATION_ID, Access, BUSY_TIMEOUT, parent_dir};
pub use items::ReviewState;
pub use log::{LogEntry, LogFilter};
pub use owners::{Assigned, OwnerEvent, OwnerRef};
pub use presence::{Presence, SEEN_WITHIN};
pub use registry::{
    Registered, Registrar, Registration, RegistryAction, RegistryEntry, RegistryError,
    RegistryEvent,
};
pub use reviews::{Expected, GivenBy, ReviewChange, ReviewWrite, Written};
pub use schema::{MIGRATIONS, latest as latest_schema};
pub use submissions::ImportPreview;
pub use workspace::{Draft, Position};

use anyhow::{Context, Result};
use kaohe_core::catalog::Catalog;
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::County;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

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
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins a write: IMMEDIATE, so that it waits (up to the busy timeout) for another
    /// reviewer's write rather than failing halfway through its own.
    fn write(&mut self) -> Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| StoreError::CannotWrite {
                path: self.path.clone(),
            })
    }
}
