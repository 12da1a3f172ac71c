//! An import's rows written as the file is read: each checked row goes straight into
//! `submissions` inside the import's one write transaction, so that it is written once (the
//! WAL, then the file) rather than staged in a scratch file and copied ([`crate::staged`]).
//! What the import changes is read row by row just before the row is written, where the
//! database holds anything it could change. A file refused anywhere, its last row included,
//! rolls the transaction back: the database is left as it was.

use crate::locks::RowLocks;
use crate::submissions::{
    Held, ImportPreview, count_row, held_figure_sql, row_refused, upsert_sql,
};
use crate::{Reviewer, Store, now};
use anyhow::{Context, Result, anyhow};
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::Verdict;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, Statement, params};

/// How many rows one statement writes: a statement's own cost (its savepoint, its cursors)
/// is paid once for them all.
const BATCH: usize = 64;

/// The columns an import writes, in the order a row's values are bound.
const COLUMNS: usize = 14;

/// The rows of one import being written, inside its transaction.
pub struct Writing<'t> {
    /// [`BATCH`] rows at a time, and one row at a time (the last rows, and a batch refused,
    /// written again row by row to name the row refused).
    batch: Statement<'t>,
    one: Statement<'t>,
    /// Checked and counted, not yet written: fewer than [`BATCH`].
    pending: Vec<SubmissionRow>,
    /// The look-up of what a row replaces: `None` where the database holds no submission and
    /// no review, so that every row is new and changes nothing else.
    held_figure: Option<(Statement<'t>, Held<'t>)>,
    locks: Option<RowLocks>,
    preview: ImportPreview,
    file: &'t str,
    at: String,
    import_id: i64,
    rows: u64,
}

impl Writing<'_> {
    /// Takes one checked row: refused where a lock covers it, or where the database refuses
    /// it (naming its line). What it changes is read now, before any later row is written
    /// (no two rows of a file are of one item).
    pub fn add(&mut self, row: SubmissionRow) -> Result<()> {
        if let Some(locks) = &self.locks {
            locks.refuse(&row, self.file)?;
        }
        match &mut self.held_figure {
            Some((stmt, held)) => count_row(stmt, &mut self.preview, held, &row)?,
            None => self.preview.new += 1,
        }
        self.pending.push(row);
        self.rows += 1;
        if self.pending.len() == BATCH {
            self.write_batch()?;
        }
        Ok(())
    }

    /// Writes the [`BATCH`] rows pending by one statement. Where the database refuses one,
    /// the statement is undone whole and its rows written one by one, to name the one.
    fn write_batch(&mut self) -> Result<()> {
        for (i, row) in self.pending.iter().enumerate() {
            bind(&mut self.batch, i * COLUMNS, row, &self.at, self.import_id)?;
        }
        match self.batch.raw_execute() {
            Ok(_) => {
                self.pending.clear();
                Ok(())
            }
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                self.write_one_by_one()?;
                Err(anyhow!(e).context("cannot store the import's rows"))
            }
            Err(e) => Err(anyhow!(e).context("cannot store the import's rows")),
        }
    }

    /// Writes the rows pending one statement a row.
    fn write_one_by_one(&mut self) -> Result<()> {
        for row in self.pending.drain(..) {
            bind(&mut self.one, 0, &row, &self.at, self.import_id)?;
            self.one.raw_execute().map_err(|e| row_refused(e, &row))?;
        }
        Ok(())
    }
}

/// Binds `row`'s values to `stmt` from parameter `from + 1` on, in [`COLUMNS`]' order.
fn bind(
    stmt: &mut Statement<'_>,
    from: usize,
    row: &SubmissionRow,
    at: &str,
    import_id: i64,
) -> rusqlite::Result<()> {
    let s = &row.submission;
    let values: [&dyn rusqlite::ToSql; COLUMNS] = [
        &row.county_code,
        &row.indicator_id,
        &s.value,
        &s.value_number,
        &s.numerator,
        &s.denominator,
        &s.evidence,
        &s.remark,
        &at,
        &import_id,
        &s.bare_fraction,
        &s.self_verdict.map(Verdict::as_str),
        &s.self_score,
        &s.converted_from,
    ];
    for (i, value) in values.into_iter().enumerate() {
        stmt.raw_bind_parameter(from + i + 1, value)?;
    }
    Ok(())
}

/// The upsert of `rows` rows, one import's: a row replaces the submission held of its item.
fn upsert_of(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=COLUMNS)
                .map(|c| format!("?{}", r * COLUMNS + c))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO submissions (county_code, indicator_id, value, value_number, numerator,
             denominator, evidence, remark, imported_at, import_id, bare_fraction, self_verdict,
             self_score, converted_from)
         VALUES {}
         {upsert}",
        values.join(", "),
        upsert = upsert_sql(),
    )
}

/// Whether an import went through [`Store::import_streamed`].
#[derive(Debug)]
pub enum Streaming<T> {
    /// Written and committed: what it changed (the first entries of each list), and what the
    /// reader answered.
    Written(ImportPreview, T),
    /// Not begun, nothing read or written: the database holds evidence (佐证材料), whose ties
    /// an import makes again from its rows read back ([`crate::Staged`]).
    Declined,
}

impl Store {
    /// Writes an import from `file` as `read` reads it: `read` hands each checked row to the
    /// [`Writing`] it is given, inside one write transaction that commits only when `read`
    /// answers `Ok` (and every row was written), and rolls back otherwise. Refused by a lock
    /// row by row; what the import changes is counted as [`Store::import_staged`] counts it,
    /// the first `most` entries of each list kept.
    pub fn import_streamed<T>(
        &mut self,
        file: &str,
        who: &Reviewer,
        most: usize,
        read: impl FnOnce(&mut Writing<'_>) -> Result<T>,
    ) -> Result<Streaming<T>> {
        if holds_evidence(&self.conn)? {
            return Ok(Streaming::Declined);
        }
        // Not announced in `long_writes` as a staged import is (Store::import_write): an
        // announcement is a committed write, and a file refused at its last row must leave
        // the database byte for byte as it was. Those kept waiting see the wait, unnamed.
        let path = self.path.display().to_string();
        let tx = self.write()?;
        let (preview, answer) = (|| {
            let tx = &*tx;
            // Evidence brought since it was looked at would need its ties made again: said
            // rather than missed (no row is read yet).
            if holds_evidence(tx)? {
                return Err(anyhow!(
                    "evidence (佐证材料) was imported while this import began; run it again"
                ));
            }
            let at = now();
            tx.execute(
                "INSERT INTO imports (at, account, reviewer, file, rows) VALUES (?1, ?2, ?3, ?4, 0)",
                params![at, who.account, who.name, file],
            )?;
            let import_id = tx.last_insert_rowid();
            let holds_items = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM submissions) OR EXISTS (SELECT 1 FROM reviews)",
                [],
                |r| r.get::<_, bool>(0),
            )?;
            let held_figure = if holds_items {
                Some((tx.prepare(&held_figure_sql())?, Held::read(tx, file)?))
            } else {
                None
            };
            let locks = RowLocks::read(tx)?;
            // With no lock held (and none can be taken while this transaction holds the
            // write lock), migration 12's per-row lock triggers on `submissions` can refuse
            // nothing here: they are turned off for this connection while it writes, which
            // is most of the write's cost. Every other connection keeps them.
            let _triggers = match locks {
                None => Some(TriggersOff::on(tx)?),
                Some(_) => None,
            };
            let mut writing = Writing {
                batch: tx.prepare(&upsert_of(BATCH))?,
                one: tx.prepare(&upsert_of(1))?,
                pending: Vec::with_capacity(BATCH),
                held_figure,
                locks,
                preview: ImportPreview::new(most),
                file,
                at,
                import_id,
                rows: 0,
            };
            let answer = read(&mut writing)?;
            // A refused row is said by the reader (the file's error, or the row's).
            writing.write_one_by_one()?;
            tx.execute(
                "UPDATE imports SET rows = ?1 WHERE id = ?2",
                params![
                    i64::try_from(writing.rows).unwrap_or(i64::MAX),
                    import_id
                ],
            )
            .context("cannot store the import's rows")?;
            Ok((writing.preview, answer))
        })()?;
        tx.commit()
            .with_context(|| format!("cannot save the import into {path}"))?;
        Ok(Streaming::Written(preview, answer))
    }
}

/// Whether any county sent evidence: an import then goes through [`crate::Staged`].
fn holds_evidence(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM evidence_imports)", [], |r| {
            r.get(0)
        })?,
    )
}

/// Triggers turned off on one connection ([`DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER`]), on
/// again when dropped: statements prepared meanwhile are made again when next run.
struct TriggersOff<'c>(&'c Connection);

impl<'c> TriggersOff<'c> {
    fn on(conn: &'c Connection) -> Result<TriggersOff<'c>> {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(TriggersOff(conn))
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        // Failing here would leave this connection without the triggers: it is closed
        // after the import (kaohe import is one write), and SQLite answers this call from
        // memory.
        let _ = self
            .0
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true);
    }
}
