//! Other reviewers at work on the same database: who is in a workspace now and where (one
//! row per open workspace, refreshed while it runs), and whether anyone has written since.

use crate::{Reviewer, Store, StoreError};
use anyhow::{Context, Result};
use rusqlite::params;

/// A reviewer in a workspace right now, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub reviewer: String,
    pub account: String,
    pub indicator_id: String,
    pub county_code: String,
    /// Writing a note there.
    pub editing: bool,
}

/// Seconds since 1970: presence needs only to compare times.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Store {
    /// SQLite's `data_version`: it changes when another connection commits (our own commits
    /// leave it be), so a workspace can poll it cheaply to notice other reviewers.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// Says (or keeps saying) that a workspace is open, and where its reviewer is.
    pub fn present(&mut self, session: &str, who: &Reviewer, at: Option<&Presence>) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO sessions (id, reviewer, account, indicator_id, county_code, editing, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET indicator_id = excluded.indicator_id,
                 county_code = excluded.county_code, editing = excluded.editing,
                 seen_at = excluded.seen_at",
            params![
                session,
                who.name,
                who.account,
                at.map(|p| p.indicator_id.as_str()),
                at.map(|p| p.county_code.as_str()),
                at.is_some_and(|p| p.editing),
                unix_now()
            ],
        )?;
        // Workspaces that ended without saying so (kill -9, a crash) are gone after an hour.
        tx.execute(
            "DELETE FROM sessions WHERE seen_at < ?1",
            params![unix_now() - 3600],
        )?;
        tx.commit().with_context(|| StoreError::CannotWrite {
            path: self.path.clone(),
        })?;
        Ok(())
    }

    /// The workspace is closing: it is no longer present.
    pub fn leave(&mut self, session: &str) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM sessions WHERE id = ?1", params![session])?;
        tx.commit()?;
        Ok(())
    }

    /// The other workspaces seen in the last minute.
    pub fn others(&self, session: &str) -> Result<Vec<Presence>> {
        let mut stmt = self.conn.prepare(
            "SELECT reviewer, account, indicator_id, county_code, editing FROM sessions
             WHERE id != ?1 AND seen_at >= ?2 ORDER BY reviewer, id",
        )?;
        let rows = stmt.query_map(params![session, unix_now() - 60], |r| {
            Ok(Presence {
                reviewer: r.get(0)?,
                account: r.get(1)?,
                indicator_id: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                county_code: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                editing: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
