//! Long writes under way (an import): each says who runs it before it takes the write lock, so
//! that a workspace kept waiting for the lock can say for whom ("an import by 王五"). SQLite
//! itself cannot say who holds its lock; this table, read without any lock, can.

use crate::presence::{process, unix_now};
use crate::{Reviewer, Store};
use anyhow::Result;
use rusqlite::{Transaction, params};

/// A long write under way, and who runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongWrite {
    /// What it is: `import`.
    pub what: String,
    pub reviewer: String,
    pub account: String,
    /// When it began, in seconds since 1970.
    pub started_at: i64,
}

/// How long a long write on another host (whose process cannot be looked at from here) is
/// believed to run: longer than any import.
const OTHER_HOST_WITHIN: i64 = 3600;

impl Store {
    /// Says that a long write (`what`) by `who` is about to begin, in a short write of its own,
    /// clearing those whose process on this host has ended. Answers the row to remove as the
    /// long write commits ([`end_long_write`]) or, if it fails, after ([`Store::long_write_ended`]).
    pub(crate) fn begin_long_write(&mut self, what: &str, who: &Reviewer) -> Result<i64> {
        let host = process::this_host();
        let tx = self.write()?;
        let ended: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id, pid FROM long_writes WHERE host = ?1")?;
            let rows = stmt.query_map(params![host], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<(i64, i64)>>>()?
                .into_iter()
                .filter(|&(_, pid)| process::ended(pid))
                .map(|(id, _)| id)
                .collect()
        };
        for id in ended {
            tx.execute("DELETE FROM long_writes WHERE id = ?1", params![id])?;
        }
        tx.execute(
            "INSERT INTO long_writes (what, reviewer, account, host, pid, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                what,
                who.name,
                who.account,
                host,
                std::process::id(),
                unix_now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// A long write that failed is no longer under way (best effort: a row left behind is
    /// passed over once its process has ended).
    pub(crate) fn long_write_ended(&mut self, id: i64) {
        if let Ok(tx) = self.write() {
            if tx
                .execute("DELETE FROM long_writes WHERE id = ?1", params![id])
                .is_ok()
            {
                let _ = tx.commit();
            }
        }
    }

    /// The long writes under way now: on this host, those whose process runs; elsewhere, those
    /// begun within the hour. Reads only, so it answers while another holds the write lock.
    pub fn long_writes(&self) -> Result<Vec<LongWrite>> {
        let host = process::this_host();
        let mut stmt = self.conn.prepare_cached(
            "SELECT what, reviewer, account, started_at, host, pid FROM long_writes
             ORDER BY started_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            let write = LongWrite {
                what: r.get(0)?,
                reviewer: r.get(1)?,
                account: r.get(2)?,
                started_at: r.get(3)?,
            };
            let (row_host, pid): (String, i64) = (r.get(4)?, r.get(5)?);
            let live = if !host.is_empty() && row_host == host {
                !process::ended(pid)
            } else {
                write.started_at >= unix_now() - OTHER_HOST_WITHIN
            };
            Ok(live.then_some(write))
        })?;
        Ok(rows
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect())
    }
}

/// The long write `id` is over: removed inside its own transaction, so it goes as it commits.
pub(crate) fn end_long_write(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute("DELETE FROM long_writes WHERE id = ?1", params![id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{new_store, who};

    #[test]
    fn an_import_says_who_runs_it_while_it_runs_and_nothing_after() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let watcher = Store::open(store.path()).unwrap();
        assert_eq!(watcher.long_writes().unwrap(), []);
        let id = store.begin_long_write("import", &who()).unwrap();
        // Another connection holding the lock does not stop this being read.
        let holder = rusqlite::Connection::open(store.path()).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let under_way = watcher.long_writes().unwrap();
        assert_eq!(under_way.len(), 1);
        assert_eq!(
            (under_way[0].what.as_str(), under_way[0].reviewer.as_str()),
            ("import", "张审核")
        );
        holder.execute_batch("ROLLBACK").unwrap();
        let tx = store.write().unwrap();
        end_long_write(&tx, id).unwrap();
        tx.commit().unwrap();
        assert_eq!(watcher.long_writes().unwrap(), []);
    }

    #[test]
    fn a_long_write_whose_process_ended_is_passed_over_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = i64::from(child.id());
        child.wait().unwrap();
        store
            .conn
            .execute(
                "INSERT INTO long_writes (what, reviewer, account, host, pid, started_at)
                 VALUES ('import', '王五', 'wang', ?1, ?2, ?3)",
                params![process::this_host(), gone, unix_now()],
            )
            .unwrap();
        assert_eq!(store.long_writes().unwrap(), []);
        store.begin_long_write("import", &who()).unwrap();
        let left: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM long_writes WHERE reviewer = '王五'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
    }
}
