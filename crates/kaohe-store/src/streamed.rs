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
use kaohe_core::lookup::{Lookup, SubmissionRow};
use kaohe_core::model::Verdict;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, Statement, params};

/// At most how many written rows [`Writing`] keeps for [`Writing::spent`] (past it, they are
/// dropped): an import's memory stays bounded whether or not its caller takes them.
const SPENT_KEPT: usize = 4 * 1024;

/// How many rows one statement writes: a statement's own cost (its savepoint, its cursors)
/// is paid once for them all.
const BATCH: usize = 64;

/// The columns of a row's own values, in the order they are bound; the import's time and id,
/// the same for every row, are the statement's last two parameters, bound once.
const COLUMNS: usize = 12;

/// The rows of one import being written, inside its transaction.
pub struct Writing<'t> {
    /// [`BATCH`] rows at a time, and one row at a time (the last rows, and a batch refused,
    /// written again row by row to name the row refused).
    batch: Statement<'t>,
    one: Statement<'t>,
    /// Checked and counted, not yet written: fewer than [`BATCH`].
    pending: Vec<SubmissionRow>,
    /// Written, kept until [`Writing::spent`] takes them.
    spent: Vec<SubmissionRow>,
    /// The look-up of what a row replaces: `None` where the database holds no submission and
    /// no review, so that every row is new and changes nothing else.
    held_figure: Option<(Statement<'t>, Held<'t>)>,
    locks: Option<RowLocks>,
    /// The counties and indicators the database holds (checked so in the transaction): a
    /// row's parents, looked up here rather than by its foreign keys, off while it writes.
    lookup: &'t Lookup,
    preview: ImportPreview,
    file: &'t str,
    rows: u64,
}

impl Writing<'_> {
    /// Takes one checked row: refused where a lock covers it, or where the database refuses
    /// it (naming its line). What it changes is read now, before any later row is written
    /// (no two rows of a file are of one item).
    pub fn add(&mut self, row: SubmissionRow) -> Result<()> {
        if self
            .lookup
            .item_position(&row.county_code, &row.indicator_id)
            .is_none()
        {
            return Err(anyhow!(
                "line {}: cannot store {} × {}: the database holds no such county or indicator",
                row.line,
                row.county_code,
                row.indicator_id
            ));
        }
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

    /// The rows written since last asked: given back to be dropped by whoever made them
    /// (see [`kaohe_core::formats::import::Sink::spent`]).
    pub fn spent(&mut self) -> Vec<SubmissionRow> {
        std::mem::take(&mut self.spent)
    }

    /// Writes the [`BATCH`] rows pending by one statement. Where the database refuses one,
    /// the statement is undone whole and its rows written one by one, to name the one.
    fn write_batch(&mut self) -> Result<()> {
        for (i, row) in self.pending.iter().enumerate() {
            bind(&mut self.batch, i * COLUMNS, row)?;
        }
        match self.batch.raw_execute() {
            Ok(_) => {
                // Kept for a caller that takes them back; bounded for one that does not.
                if self.spent.len() >= SPENT_KEPT {
                    self.spent.clear();
                }
                self.spent.append(&mut self.pending);
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
            bind(&mut self.one, 0, &row)?;
            self.one.raw_execute().map_err(|e| row_refused(e, &row))?;
        }
        Ok(())
    }
}

/// Binds `row`'s values to `stmt` from parameter `from + 1` on, in [`COLUMNS`]' order.
fn bind(stmt: &mut Statement<'_>, from: usize, row: &SubmissionRow) -> rusqlite::Result<()> {
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

/// The upsert of `rows` rows of one import (made at `at`, numbered `import_id`): a row
/// replaces the submission held of its item.
fn upsert_of<'c>(
    conn: &'c Connection,
    rows: usize,
    at: &str,
    import_id: i64,
) -> rusqlite::Result<Statement<'c>> {
    let (at_param, id_param) = (rows * COLUMNS + 1, rows * COLUMNS + 2);
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=COLUMNS)
                .map(|c| format!("?{}", r * COLUMNS + c))
                .collect();
            format!("({}, ?{at_param}, ?{id_param})", params.join(", "))
        })
        .collect();
    let mut stmt = conn.prepare(&format!(
        "INSERT INTO submissions (county_code, indicator_id, value, value_number, numerator,
             denominator, evidence, remark, bare_fraction, self_verdict, self_score,
             converted_from, imported_at, import_id)
         VALUES {}
         {upsert}",
        values.join(", "),
        upsert = upsert_sql(),
    ))?;
    // Kept through every run: a statement's bindings outlive its reset.
    stmt.raw_bind_parameter(at_param, at)?;
    stmt.raw_bind_parameter(id_param, import_id)?;
    Ok(stmt)
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
    /// the first `most` entries of each list kept. `lookup` is what `read` checks rows
    /// against, read from this database: refused if its counties or indicators changed since.
    pub fn import_streamed<T>(
        &mut self,
        file: &str,
        who: &Reviewer,
        most: usize,
        lookup: &Lookup,
        read: impl FnOnce(&mut Writing<'_>) -> Result<T>,
    ) -> Result<Streaming<T>> {
        if holds_evidence(&self.conn)? {
            return Ok(Streaming::Declined);
        }
        // Announced to those it keeps waiting, as a staged import is: the write lock is held
        // while the file is read. A file refused takes the announcement off again, so that
        // nothing it wrote stays (the database holds what it held; its bytes may differ).
        let announced = self.announce_import(who)?;
        // Each statement of rows keeps the pages it changes, to be undone if a row is refused:
        // in memory (a few pages), not in a temporary file written and rewritten for every
        // statement. The connection holds no temporary table the setting could drop.
        let written = self.write_with_pragmas(file, who, most, announced, lookup, read);
        if let (Err(_), Some(id)) = (&written, announced) {
            self.long_write_ended(id);
        }
        written
    }

    /// [`Store::write_streamed`] with this connection's temporary pages in memory and its
    /// foreign keys off, both set back after.
    fn write_with_pragmas<T>(
        &mut self,
        file: &str,
        who: &Reviewer,
        most: usize,
        announced: Option<i64>,
        lookup: &Lookup,
        read: impl FnOnce(&mut Writing<'_>) -> Result<T>,
    ) -> Result<Streaming<T>> {
        let temp_store: i64 = self
            .conn
            .pragma_query_value(None, "temp_store", |r| r.get(0))?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Every row's county and indicator were found by `lookup`, which the transaction
        // checks is still the database's before it writes a row (and each row is checked
        // against it), and the import made its own entry in `imports`: the foreign-key
        // look-ups of every row (a tenth of the write) could refuse nothing. The pragma is
        // read outside a transaction only.
        let written = match self.conn.pragma_update(None, "foreign_keys", false) {
            Ok(()) => self.write_streamed(file, who, most, announced, lookup, read),
            Err(e) => Err(e.into()),
        };
        let keys_on = self
            .conn
            .pragma_update(None, "foreign_keys", true)
            .and_then(|()| {
                self.conn
                    .pragma_query_value(None, "foreign_keys", |r| r.get::<_, bool>(0))
            });
        // Failing to set it back would leave only where later temporary pages go.
        let _ = self.conn.pragma_update(None, "temp_store", temp_store);
        match keys_on {
            Ok(true) => written,
            // Never seen: the pragma is set outside any transaction. The store is not to
            // write again without its foreign keys, whatever the import's answer.
            _ => {
                let _ = self.conn.pragma_update(None, "query_only", true);
                let saved = if written.is_ok() {
                    "the import was saved, but "
                } else {
                    ""
                };
                Err(anyhow!(
                    "{saved}this connection's foreign keys could not be turned back on: it writes nothing more (open the database again)"
                ))
            }
        }
    }

    /// [`Store::import_streamed`]'s write, in one transaction.
    fn write_streamed<T>(
        &mut self,
        file: &str,
        who: &Reviewer,
        most: usize,
        announced: Option<i64>,
        lookup: &Lookup,
        read: impl FnOnce(&mut Writing<'_>) -> Result<T>,
    ) -> Result<Streaming<T>> {
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
            if !same_parents(tx, lookup)? {
                return Err(anyhow!(
                    "the counties or indicators of {path} changed while this import began; run it again"
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
                batch: upsert_of(tx, BATCH, &at, import_id)?,
                one: upsert_of(tx, 1, &at, import_id)?,
                pending: Vec::with_capacity(BATCH),
                spent: Vec::new(),
                held_figure,
                locks,
                lookup,
                preview: ImportPreview::new(most),
                file,
                rows: 0,
            };
            let answer = read(&mut writing)?;
            // A refused row is said by the reader (the file's error, or the row's).
            writing.write_one_by_one()?;
            tx.execute(
                "UPDATE imports SET rows = ?1 WHERE id = ?2",
                params![i64::try_from(writing.rows).unwrap_or(i64::MAX), import_id],
            )
            .context("cannot store the import's rows")?;
            if let Some(id) = announced {
                crate::long_writes::end_long_write(tx, id)?;
            }
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

/// Whether the database's counties (in order) and indicators are those `lookup` holds: every
/// row it found a county and an indicator for has them in the database.
fn same_parents(conn: &Connection, lookup: &Lookup) -> Result<bool> {
    let mut counties = conn.prepare("SELECT code FROM counties ORDER BY position")?;
    let held: Vec<String> = counties
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !held
        .iter()
        .map(String::as_str)
        .eq(lookup.all_counties().map(|c| c.code.as_str()))
    {
        return Ok(false);
    }
    let mut indicators = conn.prepare("SELECT id FROM indicators")?;
    let mut held: Vec<String> = indicators
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut known: Vec<&str> = lookup.indicator_ids().collect();
    held.sort_unstable();
    known.sort_unstable();
    Ok(held.iter().map(String::as_str).eq(known))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Reviews, lead, new_store, who};

    fn parse(store: &Store, csv: &str, file: &str) -> Vec<SubmissionRow> {
        kaohe_core::formats::import::parse_csv(csv, file, &store.lookup().unwrap()).unwrap()
    }

    /// A row as stored: county, indicator, value, numerator, remark, revision, import.
    type StoredRow = (String, String, String, Option<f64>, String, i64, i64);

    /// Every row, as stored (what an import writes, but when).
    fn stored(store: &Store) -> Vec<StoredRow> {
        store
            .conn
            .prepare(
                "SELECT county_code, indicator_id, value, numerator, remark, revision, import_id
                 FROM submissions ORDER BY county_code, indicator_id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn imports(store: &Store) -> Vec<(String, i64)> {
        store
            .conn
            .prepare("SELECT file, rows FROM imports ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn streamed(
        store: &mut Store,
        rows: &[SubmissionRow],
        file: &str,
        most: usize,
    ) -> Result<ImportPreview> {
        let lookup = store.lookup()?;
        match store.import_streamed(file, &who(), most, &lookup, |w| {
            rows.iter().try_for_each(|row| w.add(row.clone()))
        })? {
            Streaming::Written(preview, ()) => Ok(preview),
            Streaming::Declined => Err(anyhow!("declined")),
        }
    }

    /// The import turns every trigger off on its connection while it writes, because the
    /// lock triggers are the only ones on what it writes: a trigger added to those tables later
    /// would be passed over silently, so this says so first.
    #[test]
    fn the_only_triggers_on_what_an_import_writes_are_the_lock_triggers() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        let on: Vec<String> = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                 AND tbl_name IN ('submissions', 'imports', 'long_writes') ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            on,
            ["submissions_locked_insert", "submissions_locked_update"],
            "a new trigger on a table a streamed import writes: see TriggersOff"
        );
    }

    #[test]
    fn a_streamed_import_says_who_runs_it_while_it_reads_and_nothing_after() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let watcher = Store::open(store.path()).unwrap();
        let rows = parse(&store, FIRST, "一.csv");
        let lookup = store.lookup().unwrap();
        let read = |store: &mut Store, refuse: bool| {
            store.import_streamed("一.csv", &who(), 1, &lookup, |w| {
                // The write lock is held while the file is read: those kept waiting are told
                // by whom.
                let under_way = watcher.long_writes()?;
                assert_eq!(under_way.len(), 1);
                assert_eq!(
                    (under_way[0].what.as_str(), under_way[0].reviewer.as_str()),
                    ("import", "张审核")
                );
                rows.iter().try_for_each(|row| w.add(row.clone()))?;
                if refuse {
                    return Err(anyhow!("the file's last row is refused"));
                }
                Ok(())
            })
        };
        assert!(read(&mut store, true).is_err());
        assert_eq!(watcher.long_writes().unwrap(), []);
        assert!(matches!(
            read(&mut store, false).unwrap(),
            Streaming::Written(..)
        ));
        assert_eq!(watcher.long_writes().unwrap(), []);
    }

    /// A store that has imported [`FIRST`], as 一.csv.
    fn imported_once(dir: &tempfile::TempDir) -> Store {
        let mut store = new_store(dir);
        let first = parse(&store, FIRST, "一.csv");
        streamed(&mut store, &first, "一.csv", 1).unwrap();
        store
    }

    const FIRST: &str = "county,indicator,value,numerator,denominator\n柯城区,1.2,65%,,\n衢江区,1.2,,22,42\n龙游县,1.2,80%,,\n";

    /// More rows than a statement writes at once, the last ones written one by one.
    fn second(store: &Store) -> Vec<SubmissionRow> {
        let mut csv = "county,indicator,value,numerator,denominator,remark\n柯城区,1.2,72%,,,改\n衢江区,1.2,,23,42,\n龙游县,1.2,80%,,,\n江山市,1.2,90%,,,新\n".to_string();
        let counties = ["常山县", "开化县"];
        let ids: Vec<String> = store
            .conn
            .prepare("SELECT id FROM indicators WHERE id <> '1.2' ORDER BY rowid LIMIT 40")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for county in counties {
            for id in &ids {
                csv.push_str(&format!("{county},{id},是,,,\n"));
            }
        }
        parse(store, &csv, "二.csv")
    }

    #[test]
    fn a_streamed_import_says_and_stores_what_a_staged_one_does() {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        let mut stores = [new_store(&dirs[0]), new_store(&dirs[1])];
        let first = parse(&stores[0], FIRST, "一.csv");
        let second = second(&stores[0]);
        assert!(second.len() > BATCH, "{}", second.len());
        for store in &mut stores {
            // The first import into an empty database: every row new, nothing read before.
            let said = streamed(store, &first, "一.csv", 1).unwrap();
            assert_eq!((said.new, said.replaced), (3, 0));
            store
                .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &who())
                .unwrap();
        }
        let mut staged = crate::Staged::new().unwrap();
        for row in &second {
            staged.add(row).unwrap();
        }
        let by_staging = stores[0]
            .import_staged(&staged, "二.csv", &who(), 1)
            .unwrap();
        let by_stream = streamed(&mut stores[1], &second, "二.csv", 1).unwrap();
        assert_eq!(by_stream, by_staging);
        assert_eq!(
            (
                by_stream.new,
                by_stream.replaced,
                by_stream.figure_changed,
                by_stream.verdicts_to_recheck
            ),
            (second.len() - 3, 3, 2, 1)
        );
        assert_eq!(by_stream.reviewed_changes.total, 1);
        assert_eq!(by_stream.reviewed_changes.first[0].after.value, "72%");
        assert_eq!(stored(&stores[1]), stored(&stores[0]));
        assert_eq!(stored(&stores[1]).len(), second.len());
        assert_eq!(
            imports(&stores[1]),
            vec![
                ("一.csv".to_string(), 3),
                ("二.csv".to_string(), second.len() as i64)
            ]
        );
        assert_eq!(
            stores[1].changed_since_review().unwrap(),
            vec![("330802".to_string(), "1.2".to_string())]
        );
    }

    #[test]
    fn a_row_refused_anywhere_leaves_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = imported_once(&dir);
        let before = (stored(&store), imports(&store));
        let second = second(&store);
        // The reader refuses the file at its last row, after every batch was written.
        let lookup = store.lookup().unwrap();
        let refused = store.import_streamed("二.csv", &who(), 1, &lookup, |w| {
            for row in &second {
                w.add(row.clone())?;
            }
            Err::<(), _>(anyhow!("二.csv:100: unknown county"))
        });
        assert_eq!(
            refused.unwrap_err().to_string(),
            "二.csv:100: unknown county"
        );
        assert_eq!((stored(&store), imports(&store)), before);
        // A row of no county the database holds is refused by its line, before it is
        // written, whether it would have gone in a batch or among the last rows.
        for at in [10, 70] {
            let mut bad = second.clone();
            bad[at].county_code = "999999".into();
            bad[at].line = 1000;
            let e = streamed(&mut store, &bad, "二.csv", 1).unwrap_err();
            assert!(
                format!("{e:#}").starts_with("line 1000: cannot store 999999 × "),
                "{e:#}"
            );
            assert_eq!((stored(&store), imports(&store)), before);
        }
        // The lock triggers, off while the import wrote, are on again on this connection.
        store.lock(Some(1), "审定", &lead()).unwrap();
        let raw = store.conn.execute(
            "UPDATE submissions SET remark = 'x' WHERE county_code = '330802' AND indicator_id = '1.2'",
            [],
        );
        assert!(raw.unwrap_err().to_string().contains("已审定"));
    }

    /// The rows' counties are checked against the look-up, not by foreign keys, while the
    /// import writes: a look-up the database no longer matches is refused before a row is
    /// written, and the connection has its foreign keys again after either answer.
    #[test]
    fn an_import_checked_against_counties_since_changed_is_refused() {
        let keys = |store: &Store| -> bool {
            store
                .conn
                .pragma_query_value(None, "foreign_keys", |r| r.get(0))
                .unwrap()
        };
        // A county, then an indicator, added after the look-up was read.
        for added in [
            "INSERT INTO counties (code, name, position) VALUES ('330899', '新区', 99)",
            "INSERT INTO indicators (id, target_id, position, short, text, source, kind)
             VALUES ('9.9', 1, 999, '新指标', '新指标', '', 'yes_no')",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = new_store(&dir);
            let rows = parse(&store, FIRST, "一.csv");
            let lookup = store.lookup().unwrap();
            Store::open(store.path())
                .unwrap()
                .conn
                .execute(added, [])
                .unwrap();
            let mut read = false;
            let e = store
                .import_streamed("一.csv", &who(), 1, &lookup, |w| {
                    read = true;
                    rows.iter().try_for_each(|row| w.add(row.clone()))
                })
                .unwrap_err();
            assert!(
                e.to_string().contains("changed while this import began"),
                "{e:#}"
            );
            assert!(!read);
            assert_eq!(stored(&store), []);
            assert!(keys(&store));
            streamed(&mut store, &rows, "一.csv", 1).unwrap();
            assert_eq!(stored(&store).len(), 3);
            assert!(keys(&store));
        }
    }

    /// A row the database itself refuses (here a trigger; the lock elsewhere keeps triggers
    /// on while the import writes) is named by its line, whether it went in a batch (undone
    /// whole, then written row by row to find it) or among the last rows.
    #[test]
    fn a_row_the_database_refuses_is_named_by_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = imported_once(&dir);
        store.lock(Some(12), "审定", &lead()).unwrap();
        store
            .conn
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON submissions
                 WHEN NEW.remark = '拒' BEGIN SELECT RAISE(ABORT, '拒收'); END;",
            )
            .unwrap();
        let before = (stored(&store), imports(&store));
        let second = second(&store);
        assert!(second.len() > BATCH + 10);
        for at in [10, BATCH + 6] {
            let mut bad = second.clone();
            bad[at].submission.remark = "拒".into();
            bad[at].line = 1000;
            let e = streamed(&mut store, &bad, "二.csv", 1).unwrap_err();
            assert!(
                format!("{e:#}").starts_with("line 1000: cannot store "),
                "{e:#}"
            );
            assert_eq!((stored(&store), imports(&store)), before);
        }
    }

    #[test]
    fn a_lock_refuses_the_first_row_it_covers_by_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = imported_once(&dir);
        let before = (stored(&store), imports(&store));
        store.lock(Some(1), "审定", &lead()).unwrap();
        let rows = second(&store);
        let e = streamed(&mut store, &rows, "二.csv", 1).unwrap_err();
        let locked = e.downcast_ref::<crate::LockedRow>().unwrap();
        assert_eq!((locked.line, locked.county_code.as_str()), (2, "330802"));
        assert_eq!((stored(&store), imports(&store)), before);
    }

    #[test]
    fn a_database_holding_evidence_is_declined_before_anything_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = imported_once(&dir);
        store
            .conn
            .execute_batch(
                "INSERT INTO evidence_imports (import_id, county_code, source, files, bytes)
                 VALUES (1, '330802', '柯城区/', 0, 0)",
            )
            .unwrap();
        let mut read = false;
        let lookup = store.lookup().unwrap();
        let answer = store
            .import_streamed("二.csv", &who(), 1, &lookup, |_| {
                read = true;
                Ok(())
            })
            .unwrap();
        assert!(matches!(answer, Streaming::Declined));
        assert!(!read);
        assert_eq!(imports(&store), vec![("一.csv".to_string(), 3)]);
    }
}
