//! An import's rows staged as the file is read: written to a scratch SQLite file in a private
//! temporary directory, with no journal and no syncing, so that a file of any length is
//! checked in bounded memory, and then compared with the database and written into it by a
//! few set-based statements in one transaction ([`crate::submissions`]). A file refused half
//! way leaves the database untouched: its rows only ever reached the scratch file.

use anyhow::{Context, Result};
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::Verdict;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};

/// The columns of a staged row, in the order [`Staged::add`] binds them.
pub(crate) const STAGED_COLUMNS: &str = "line, county_code, indicator_id, value, value_number,
    numerator, denominator, evidence, remark, bare_fraction, self_verdict, self_score,
    converted_from";

/// Rows staged for one import, in the file's order (their rowid).
pub struct Staged {
    conn: Connection,
    path: PathBuf,
    rows: u64,
    // Removed, with the scratch file, when the staging is dropped.
    _dir: tempfile::TempDir,
}

impl Staged {
    /// A new, empty staging file.
    pub fn new() -> Result<Staged> {
        let dir = tempfile::Builder::new()
            .prefix("kaohe-import-")
            .tempdir()
            .context("cannot make a scratch directory for the import")?;
        let path = dir.path().join("rows.db");
        let conn = Connection::open(&path)
            .with_context(|| format!("cannot make the import's scratch file {}", path.display()))?;
        // A scratch file nobody else reads: nothing to recover after a crash.
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE TABLE rows ({STAGED_COLUMNS});
             BEGIN;"
        ))?;
        Ok(Staged {
            conn,
            path,
            rows: 0,
            _dir: dir,
        })
    }

    /// Stages one checked row.
    pub fn add(&mut self, row: &SubmissionRow) -> Result<()> {
        let s = &row.submission;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        stmt.execute(params![
            i64::try_from(row.line).unwrap_or(i64::MAX),
            row.county_code,
            row.indicator_id,
            s.value,
            s.value_number,
            s.numerator,
            s.denominator,
            s.evidence,
            s.remark,
            s.bare_fraction,
            s.self_verdict.map(Verdict::as_str),
            s.self_score,
            s.converted_from
        ])
        .context("cannot stage the import's rows in its scratch file")?;
        self.rows += 1;
        Ok(())
    }

    /// How many rows are staged.
    pub fn len(&self) -> u64 {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Ends the staging: what is staged is readable by the database it is compared with.
    pub(crate) fn finish(&self) -> Result<&Path> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(&self.path)
    }

    /// Every staged row read back, in order (for an import that also ties evidence to its
    /// rows: a county's sheet).
    pub fn rows(&self) -> Result<Vec<SubmissionRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {STAGED_COLUMNS} FROM rows ORDER BY rowid"))?;
        let rows = stmt.query_map([], |r| {
            Ok(SubmissionRow {
                line: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                county_code: r.get(1)?,
                indicator_id: r.get(2)?,
                submission: kaohe_core::model::Submission {
                    value: r.get(3)?,
                    value_number: r.get(4)?,
                    numerator: r.get(5)?,
                    denominator: r.get(6)?,
                    evidence: r.get(7)?,
                    remark: r.get(8)?,
                    bare_fraction: r.get(9)?,
                    self_verdict: crate::items::verdict_at(r, 10)?,
                    self_score: r.get(11)?,
                    converted_from: r.get(12)?,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staged").field("rows", &self.rows).finish()
    }
}
