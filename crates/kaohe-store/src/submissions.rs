//! Submissions: the figures counties send, imported in one transaction a file (each import
//! recorded for the audit trail), and what an import would change, said before it is made.

use crate::locks::{Covered, refuse_locked};
use crate::staged::Staged;
use crate::{Reviewer, Store, now, stale};
use anyhow::{Context, Result, anyhow};
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::Verdict;
use rusqlite::{Connection, Transaction, params};
use std::collections::HashMap;

/// What an import would change (see [`Store::import_preview`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPreview {
    pub new: usize,
    pub replaced: usize,
    /// Replaced with another figure (value, numerator or denominator).
    pub figure_changed: usize,
    /// Verdicts that would be marked changed since reviewed.
    pub verdicts_to_recheck: usize,
    /// The items with a verdict whose figure the import changes, in the file's order.
    pub reviewed_changes: Listed<ReviewedChange>,
    /// The rows that replace a submission another file brought, in the file's order.
    pub from_other_files: Listed<FromOtherFile>,
}

impl ImportPreview {
    /// Nothing counted yet; each list keeps at most `most` entries.
    pub(crate) fn new(most: usize) -> ImportPreview {
        ImportPreview {
            reviewed_changes: Listed::new(most),
            from_other_files: Listed::new(most),
            ..ImportPreview::default()
        }
    }
}

/// The first entries of a list, as many as the caller asked for, and how many there are in
/// all: a national import may replace every one of 361,188 submissions, and nobody reads
/// them all on a terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub first: Vec<T>,
    pub total: usize,
    most: usize,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed::new(usize::MAX)
    }
}

impl<T> Listed<T> {
    /// An empty list keeping at most `most` entries.
    pub fn new(most: usize) -> Listed<T> {
        Listed {
            first: Vec::new(),
            total: 0,
            most,
        }
    }

    /// Counts one more entry, made and kept only while fewer than the most are kept.
    fn add<E>(&mut self, make: impl FnOnce() -> Result<T, E>) -> Result<(), E> {
        if self.first.len() < self.most {
            self.first.push(make()?);
        }
        self.total += 1;
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// The figure of a submission as the county gave it: the value as written and its parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GivenFigure {
    pub value: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

/// An item with a verdict whose figure an import changes: the verdict stays, marked changed
/// since reviewed, until someone reviews it again.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewedChange {
    pub county_code: String,
    pub county: String,
    pub indicator: String,
    pub before: GivenFigure,
    pub after: GivenFigure,
    pub verdict: Verdict,
    pub reviewer: String,
    /// Its verdict was already behind its figure (an earlier import changed it): the import
    /// marks nothing new there.
    pub already_changed: bool,
}

/// A row replacing a submission that came from another file than the one imported.
#[derive(Debug, Clone, PartialEq)]
pub struct FromOtherFile {
    pub county_code: String,
    pub county: String,
    pub indicator: String,
    /// The file the submission held came from, as it was named to `kaohe import`; `None` for
    /// a submission older than kaohe's record of files.
    pub file: Option<String>,
    /// When that file was imported (RFC 3339).
    pub imported_at: String,
    /// The figure changes too.
    pub figure_changed: bool,
}

impl Store {
    /// Writes parsed submissions in one transaction, replacing any earlier submission of the
    /// same county and indicator. Returns how many were written. While it runs, it is listed
    /// as an import by `who` (see [`Store::long_writes`]).
    pub fn import_submissions(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
    ) -> Result<usize> {
        self.import_submissions_with(rows, file, who, None, |_, _| Ok(()))
            .map(|_| rows.len())
    }

    /// [`Store::import_submissions`], answering what the import changed, as
    /// [`Store::import_preview`] would have said (the first `most` entries of each list),
    /// read inside the write.
    pub fn import_submissions_saying(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
        most: usize,
    ) -> Result<ImportPreview> {
        self.import_submissions_with(rows, file, who, Some(most), |_, _| Ok(()))
            .map(|(changes, ())| changes.unwrap_or_default())
    }

    /// [`Store::import_submissions`], with `also` run inside its transaction after the rows
    /// are written, given the import's id (the evidence that came with them, evidence.rs);
    /// answering also what the import changed when `saying` (the most entries of each list).
    pub(crate) fn import_submissions_with<T>(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
        saying: Option<usize>,
        also: impl FnOnce(&Transaction<'_>, i64) -> Result<T>,
    ) -> Result<(Option<ImportPreview>, T)> {
        self.import_write(Covered::Rows(rows, file), who, |tx| {
            // What it changes, read in the same transaction as the write.
            let changes = saying
                .map(|most| import_changes(tx, rows, file, most))
                .transpose()?;
            let import_id = insert_submissions(tx, rows, file, who)?;
            Ok((changes, also(tx, import_id)?))
        })
    }

    /// An import's one write: refused by a lock before anything is written (the announcement
    /// to those kept waiting included) and again inside its transaction (a new database has
    /// no lock yet); `body` writes the rows inside it and answers.
    fn import_write<T>(
        &mut self,
        covered: Covered<'_>,
        who: &Reviewer,
        body: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        refuse_locked(&self.conn, covered)?;
        let announced = self.announce_import(who)?;
        let path = self.path.display().to_string();
        let written = (|| {
            let tx = self.write()?;
            refuse_locked(&tx, covered)?;
            let answer = body(&tx)?;
            if let Some(id) = announced {
                crate::long_writes::end_long_write(&tx, id)?;
            }
            tx.commit()
                .with_context(|| format!("cannot save the import into {path}"))?;
            Ok(answer)
        })();
        if let (Err(_), Some(id)) = (&written, announced) {
            self.long_write_ended(id);
        }
        written
    }

    /// An import said to those its write will keep waiting (`long_writes`): its id there, to
    /// be taken off in the import's own transaction. Saying so is a courtesy: the import goes
    /// ahead without it, unless the database cannot be written at all.
    pub(crate) fn announce_import(&mut self, who: &Reviewer) -> Result<Option<i64>> {
        match self.begin_long_write("import", who) {
            Ok(id) => Ok(Some(id)),
            Err(e)
                if matches!(
                    e.downcast_ref(),
                    Some(crate::StoreError::ReadOnly { .. } | crate::StoreError::Swapped { .. })
                ) =>
            {
                Err(e)
            }
            Err(_) => Ok(None),
        }
    }

    /// What importing `rows` from `file` would do, without writing: how many submissions are
    /// new, how many replace earlier ones (and of those, how many with another figure), how
    /// many verdicts would then be marked changed since reviewed; and each reviewed item
    /// whose figure changes, and each row replacing a submission from another file.
    /// Of each list, the first `most` entries are kept (all are counted).
    pub fn import_preview(
        &self,
        rows: &[SubmissionRow],
        file: &str,
        most: usize,
    ) -> Result<ImportPreview> {
        import_changes(&self.conn, rows, file, most)
    }

    /// Writes the rows `staged` holds as one import from `file`, in one transaction, as
    /// [`Store::import_submissions_saying`] writes rows held in memory: refused by a lock
    /// before anything is written; what it changes (the first `most` entries of each list)
    /// read, and every row written, by a few set-based statements.
    pub fn import_staged(
        &mut self,
        staged: &Staged,
        file: &str,
        who: &Reviewer,
        most: usize,
    ) -> Result<ImportPreview> {
        let at = staged.finish()?;
        self.attach_staged(at)?;
        let written = self.import_write(Covered::Staged(file), who, |tx| {
            let changes = staged_changes(tx, file, most)?;
            insert_staged(tx, staged.len(), file, who)?;
            Ok(changes)
        });
        let detached = self.conn.execute_batch("DETACH DATABASE staged");
        let changes = written?;
        detached?;
        Ok(changes)
    }

    /// What importing the rows `staged` holds from `file` would do, without writing (see
    /// [`Store::import_preview`]); refused, as the import would be, where a lock covers one.
    pub fn preview_staged(
        &self,
        staged: &Staged,
        file: &str,
        most: usize,
    ) -> Result<ImportPreview> {
        let at = staged.finish()?;
        self.attach_staged(at)?;
        let preview = refuse_locked(&self.conn, Covered::Staged(file))
            .and_then(|()| staged_changes(&self.conn, file, most));
        let detached = self.conn.execute_batch("DETACH DATABASE staged");
        let preview = preview?;
        detached?;
        Ok(preview)
    }

    /// Whether a county of the staged rows sent evidence before: its items' ties are then
    /// made again from the rows ([`Store::import_with_evidence_saying`]), not by
    /// [`Store::import_staged`].
    pub fn staged_touches_evidence(&self, staged: &Staged) -> Result<bool> {
        let at = staged.finish()?;
        self.attach_staged(at)?;
        let touches = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM evidence_imports
                            WHERE county_code IN (SELECT county_code FROM staged.rows))",
            [],
            |r| r.get(0),
        );
        let detached = self.conn.execute_batch("DETACH DATABASE staged");
        let touches = touches?;
        detached?;
        Ok(touches)
    }

    fn attach_staged(&self, at: &std::path::Path) -> Result<()> {
        let at = at
            .to_str()
            .ok_or_else(|| anyhow!("the import's scratch file has a name SQLite cannot open"))?;
        self.conn
            .execute("ATTACH DATABASE ?1 AS staged", [at])
            .context("cannot open the import's scratch file")?;
        Ok(())
    }

    /// The number of the last import (0 when none): a new one means submissions changed.
    pub fn last_import(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM imports", [], |r| r.get(0))?)
    }
}

/// What an import's preview names besides the rows: the imports and counties held, read once
/// (named only in the entries kept), and the file being imported.
pub(crate) struct Held<'a> {
    files: HashMap<i64, String>,
    counties: HashMap<String, String>,
    file: &'a str,
}

impl<'a> Held<'a> {
    pub(crate) fn read(conn: &Connection, file: &'a str) -> Result<Held<'a>> {
        let files = conn
            .prepare("SELECT id, file FROM imports")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let counties = conn
            .prepare("SELECT code, name FROM counties")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Held {
            files,
            counties,
            file,
        })
    }

    fn county(&self, code: &str) -> String {
        self.counties
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// Counts one row of an import's comparison with what is held into `preview`. `r`'s first
/// eleven columns are those both comparisons select (replaces, figure changed, verdict on the
/// held figure, verdict, changed since review, import id, the held value, numerator and
/// denominator, reviewer, imported at); `key` and `after` give the row's item and its figure.
fn count_change(
    preview: &mut ImportPreview,
    r: &rusqlite::Row<'_>,
    held: &Held<'_>,
    key: impl Fn() -> rusqlite::Result<(String, String)>,
    after: impl Fn() -> rusqlite::Result<GivenFigure>,
) -> rusqlite::Result<()> {
    let (replaces, changed, verdict_on_it): (bool, bool, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
    let verdict = crate::items::verdict_at(r, 3)?;
    if let (true, true, Some(verdict)) = (replaces, changed, verdict) {
        preview.reviewed_changes.add(|| {
            let (county_code, indicator) = key()?;
            Ok::<_, rusqlite::Error>(ReviewedChange {
                county: held.county(&county_code),
                county_code,
                indicator,
                before: GivenFigure {
                    value: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    numerator: r.get(7)?,
                    denominator: r.get(8)?,
                },
                after: after()?,
                verdict,
                reviewer: r.get(9)?,
                already_changed: r.get(4)?,
            })
        })?;
    }
    // Another file: another name than this one's, or none recorded.
    let earlier = r
        .get::<_, Option<i64>>(5)?
        .and_then(|id| held.files.get(&id));
    if replaces && earlier.map(String::as_str) != Some(held.file) {
        preview.from_other_files.add(|| {
            let (county_code, indicator) = key()?;
            Ok::<_, rusqlite::Error>(FromOtherFile {
                county: held.county(&county_code),
                county_code,
                indicator,
                file: earlier.cloned(),
                imported_at: r.get(10)?,
                figure_changed: changed,
            })
        })?;
    }
    if replaces {
        preview.replaced += 1;
        preview.figure_changed += usize::from(changed);
    } else {
        preview.new += 1;
    }
    if changed && verdict_on_it {
        preview.verdicts_to_recheck += 1;
    }
    Ok(())
}

/// What importing `rows` from `file` changes in the database `conn` holds (see
/// [`ImportPreview`]): each row's figure against the one held, by the test an import bumps the
/// revision by, and the import the held submission came from. A row costs one look-up by the
/// item's key; the words of an entry are read only for the entries kept.
fn import_changes(
    conn: &Connection,
    rows: &[SubmissionRow],
    file: &str,
    most: usize,
) -> Result<ImportPreview> {
    let mut stmt = conn.prepare(&held_figure_sql())?;
    let held = Held::read(conn, file)?;
    let mut preview = ImportPreview::new(most);
    for row in rows {
        count_row(&mut stmt, &mut preview, &held, row)?;
    }
    Ok(preview)
}

/// The statement [`count_row`] runs: one row's item looked up by its key in the submissions
/// and reviews held, beside its figure (?1 … ?5: county, indicator, value, numerator,
/// denominator).
pub(crate) fn held_figure_sql() -> String {
    format!(
        "SELECT s.county_code IS NOT NULL, {figure_changed}, {verdict_on_held_figure},
                r.verdict, {changed_since_review}, s.import_id,
                s.value, s.numerator, s.denominator, r.reviewer, s.imported_at
         FROM (SELECT ?1 AS county_code, ?2 AS indicator_id,
                      ?3 AS value, ?4 AS numerator, ?5 AS denominator) k
         LEFT JOIN submissions s
             ON s.county_code = k.county_code AND s.indicator_id = k.indicator_id
         LEFT JOIN reviews r
             ON r.county_code = k.county_code AND r.indicator_id = k.indicator_id",
        figure_changed = stale::figure_changed_sql("s", "k"),
        verdict_on_held_figure = stale::VERDICT_ON_HELD_FIGURE,
        changed_since_review = stale::CHANGED_SINCE_REVIEW,
    )
}

/// Counts what `row` changes into `preview`, by `stmt` ([`held_figure_sql`]): read before
/// the row is written.
pub(crate) fn count_row(
    stmt: &mut rusqlite::Statement<'_>,
    preview: &mut ImportPreview,
    held: &Held<'_>,
    row: &SubmissionRow,
) -> Result<()> {
    let s = &row.submission;
    let params = params![
        row.county_code,
        row.indicator_id,
        s.value,
        s.numerator,
        s.denominator
    ];
    stmt.query_row(params, |r| {
        let key = || Ok((row.county_code.clone(), row.indicator_id.clone()));
        let after = || {
            Ok(GivenFigure {
                value: s.value.clone(),
                numerator: s.numerator,
                denominator: s.denominator,
            })
        };
        count_change(preview, r, held, key, after)
    })?;
    Ok(())
}

/// What importing the staged rows (attached as `staged`) from `file` changes in the database
/// `conn` holds: [`import_changes`], by one join of the staged rows with the submissions and
/// reviews held (a look-up by key a row, inside SQLite), read in the file's order.
fn staged_changes(conn: &Connection, file: &str, most: usize) -> Result<ImportPreview> {
    let mut stmt = conn.prepare(&format!(
        "SELECT s.county_code IS NOT NULL, {figure_changed}, {verdict_on_held_figure},
                r.verdict, {changed_since_review}, s.import_id,
                s.value, s.numerator, s.denominator, r.reviewer, s.imported_at,
                k.county_code, k.indicator_id, k.value, k.numerator, k.denominator
         FROM staged.rows k
         LEFT JOIN submissions s
             ON s.county_code = k.county_code AND s.indicator_id = k.indicator_id
         LEFT JOIN reviews r
             ON r.county_code = k.county_code AND r.indicator_id = k.indicator_id
         ORDER BY k.rowid",
        figure_changed = stale::figure_changed_sql("s", "k"),
        verdict_on_held_figure = stale::VERDICT_ON_HELD_FIGURE,
        changed_since_review = stale::CHANGED_SINCE_REVIEW,
    ))?;
    let held = Held::read(conn, file)?;
    let mut preview = ImportPreview::new(most);
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key = || Ok((r.get(11)?, r.get(12)?));
        let after = || {
            Ok(GivenFigure {
                value: r.get(13)?,
                numerator: r.get(14)?,
                denominator: r.get(15)?,
            })
        };
        count_change(&mut preview, r, &held, key, after)?;
    }
    Ok(preview)
}

/// Writes the staged rows (attached as `staged`) as one import inside the caller's write
/// transaction, by one statement: as [`insert_submissions`] writes rows held in memory.
fn insert_staged(tx: &Transaction<'_>, rows: u64, file: &str, who: &Reviewer) -> Result<i64> {
    let at = now();
    tx.execute(
        "INSERT INTO imports (at, account, reviewer, file, rows) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            at,
            who.account,
            who.name,
            file,
            i64::try_from(rows).unwrap_or(i64::MAX)
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    tx.execute(
        &format!(
            "INSERT INTO submissions (county_code, indicator_id, value, value_number, numerator,
                 denominator, evidence, remark, imported_at, import_id, bare_fraction,
                 self_verdict, self_score, converted_from)
             SELECT county_code, indicator_id, value, value_number, numerator, denominator,
                 evidence, remark, ?1, ?2, bare_fraction, self_verdict, self_score,
                 converted_from
             FROM staged.rows WHERE true ORDER BY rowid
             {upsert}",
            upsert = upsert_sql(),
        ),
        params![at, import_id],
    )
    .context("cannot store the import's rows")?;
    Ok(import_id)
}

/// What a row does to a submission already held: it replaces it, the revision counting one
/// more where the figure changed. [`insert_submissions`] and [`insert_staged`] say it alike.
pub(crate) fn upsert_sql() -> String {
    format!(
        "ON CONFLICT (county_code, indicator_id) DO UPDATE SET
             revision = submissions.revision + {figure_changed},
             value = excluded.value, value_number = excluded.value_number,
             numerator = excluded.numerator, denominator = excluded.denominator,
             evidence = excluded.evidence, remark = excluded.remark,
             bare_fraction = CASE WHEN submissions.value IS excluded.value
                 THEN submissions.bare_fraction OR excluded.bare_fraction
                 ELSE excluded.bare_fraction END,
             imported_at = excluded.imported_at, import_id = excluded.import_id,
             self_verdict = excluded.self_verdict, self_score = excluded.self_score,
             converted_from = excluded.converted_from",
        figure_changed = stale::figure_changed_sql("submissions", "excluded"),
    )
}

/// Writes `rows` as one import inside the caller's write transaction: a submission replaces
/// the earlier one of its item, its revision counting one more where its figure changed.
/// Answers the import's id.
pub(crate) fn insert_submissions(
    tx: &Transaction<'_>,
    rows: &[SubmissionRow],
    file: &str,
    who: &Reviewer,
) -> Result<i64> {
    let at = now();
    tx.execute(
        "INSERT INTO imports (at, account, reviewer, file, rows) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, who.account, who.name, file, rows.len() as i64],
    )?;
    let import_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare(&format!(
        "INSERT INTO submissions (county_code, indicator_id, value, value_number, numerator,
             denominator, evidence, remark, imported_at, import_id, bare_fraction,
             self_verdict, self_score, converted_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         {upsert}",
        upsert = upsert_sql(),
    ))?;
    for row in rows {
        let s = &row.submission;
        stmt.execute(params![
            row.county_code,
            row.indicator_id,
            s.value,
            s.value_number,
            s.numerator,
            s.denominator,
            s.evidence,
            s.remark,
            at,
            import_id,
            s.bare_fraction,
            s.self_verdict.map(Verdict::as_str),
            s.self_score,
            s.converted_from
        ])
        .map_err(|e| row_refused(e, row))?;
    }
    Ok(import_id)
}

/// A row's write that failed: its line is named only where the row itself was refused (a
/// full disk or an I/O error is no line's fault).
pub(crate) fn row_refused(e: rusqlite::Error, row: &SubmissionRow) -> anyhow::Error {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
        anyhow!(e).context(format!(
            "line {}: cannot store {} × {}",
            row.line, row.county_code, row.indicator_id
        ))
    } else {
        anyhow!(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seed;
    use crate::test_support::{Reviews, new_store, seed, who};
    use kaohe_core::catalog::{Catalog, DEMO_SUBMISSIONS_2014};
    use kaohe_core::lookup::Lookup;
    use kaohe_core::model::Verdict;

    #[test]
    fn reimport_replaces_submissions_and_status_counts() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let lookup = store.lookup().unwrap();
        let first = kaohe_core::formats::import::parse_csv(
            "county,indicator,value\n柯城区,1.2,65%\n衢江区,1.2,71%\n",
            "a.csv",
            &lookup,
        )
        .unwrap();
        store.import_submissions(&first, "a.csv", &who()).unwrap();
        let second = kaohe_core::formats::import::parse_csv(
            "county,indicator,value\n柯城区,1.2,72%\n",
            "b.csv",
            &lookup,
        )
        .unwrap();
        store.import_submissions(&second, "b.csv", &who()).unwrap();
        let items = store.items().unwrap();
        let value = |code: &str| {
            items
                .iter()
                .find(|i| i.county_code == code && i.indicator == "1.2")
                .and_then(|i| i.value_number)
        };
        assert_eq!(value("330802"), Some(72.0));
        assert_eq!(value("330803"), Some(71.0));

        store
            .review("330802", "1.2", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        store
            .review(
                "330803",
                "1.2",
                Some(Some(Verdict::PartlyMet)),
                None,
                &who(),
            )
            .unwrap();
        let status = store.status().unwrap();
        let indicators = Catalog::embedded_2014().unwrap().indicators().count() as i64;
        assert_eq!(status.progress.total, 6 * indicators);
        assert_eq!(status.progress.reviewed, 2);
        assert_eq!(status.progress.submitted, 2);
        assert_eq!(status.progress.met, 1);
        assert_eq!(status.progress.partly_met, 1);
        assert_eq!(status.counties[0].progress.reviewed, 1);
        assert_eq!(status.counties[0].progress.total, indicators);
        assert_eq!(status.targets[0].progress.reviewed, 2);
        assert_eq!(status.targets[1].progress.reviewed, 0);
    }

    #[test]
    fn a_countys_own_assessment_is_stored_counted_and_never_makes_a_verdict_stale() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let lookup = store.lookup().unwrap();
        let parse =
            |csv: &str| kaohe_core::formats::import::parse_csv(csv, "a.csv", &lookup).unwrap();
        let first = parse(
            "county,indicator,value,自评结果,自评分\n柯城区,1.2,65%,完成,9\n衢江区,1.2,71%,完成,\n龙游县,1.3,52%,,\n",
        );
        store.import_submissions(&first, "a.csv", &who()).unwrap();
        let item = store.item("330802", "1.2").unwrap();
        assert_eq!(
            (item.self_verdict, item.self_score),
            (Some(Verdict::Met), Some(9.0))
        );
        assert_eq!(store.item("330825", "1.3").unwrap().self_verdict, None);
        let mut own = store.self_verdicts().unwrap();
        own.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        assert_eq!(
            own,
            vec![
                ("330802".to_string(), "1.2".to_string(), Verdict::Met),
                ("330803".to_string(), "1.2".to_string(), Verdict::Met),
            ]
        );

        // The city disagrees with 柯城区 and agrees with 衢江区.
        store
            .review(
                "330802",
                "1.2",
                Some(Some(Verdict::PartlyMet)),
                None,
                &who(),
            )
            .unwrap();
        store
            .review("330803", "1.2", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        let status = store.status().unwrap();
        assert_eq!(status.progress.self_disagrees, 1);
        assert_eq!(status.counties[0].progress.self_disagrees, 1);
        assert_eq!(status.counties[1].progress.self_disagrees, 0);
        assert_eq!(status.targets[0].progress.self_disagrees, 1);

        // A corrected sheet that changes only the county's own assessment: stored, and no
        // verdict wants reviewing again (the figure it was given on is the same).
        let second = parse("county,indicator,value,自评结果,自评分\n衢江区,1.2,71%,基本完成,6.5\n");
        let preview = store.import_preview(&second, "b.csv", usize::MAX).unwrap();
        assert_eq!(preview.verdicts_to_recheck, 0);
        store.import_submissions(&second, "b.csv", &who()).unwrap();
        let item = store.item("330803", "1.2").unwrap();
        assert_eq!(
            (item.self_verdict, item.self_score),
            (Some(Verdict::PartlyMet), Some(6.5))
        );
        assert!(!item.changed_since_review);
        assert!(store.changed_since_review().unwrap().is_empty());
        assert_eq!(store.status().unwrap().progress.self_disagrees, 2);
    }

    #[test]
    fn an_import_names_each_reviewed_figure_it_changes_and_each_submission_of_another_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let lookup = store.lookup().unwrap();
        let parse = |csv: &str, file: &str| {
            kaohe_core::formats::import::parse_csv(csv, file, &lookup).unwrap()
        };
        let first = parse(
            "county,indicator,value,numerator,denominator\n柯城区,1.2,65%,,\n衢江区,1.2,,22,42\n龙游县,1.2,80%,,\n",
            "一.csv",
        );
        store.import_submissions(&first, "一.csv", &who()).unwrap();
        store
            .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &who())
            .unwrap();
        store
            .review("330803", "1.2", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        // A corrected sheet from the same file changes 柯城区's figure: no other file.
        let same = parse("county,indicator,value\n柯城区,1.2,66%\n", "一.csv");
        let preview = store.import_preview(&same, "一.csv", usize::MAX).unwrap();
        assert_eq!(preview.reviewed_changes.total, 1);
        assert!(preview.from_other_files.is_empty());
        store.import_submissions(&same, "一.csv", &who()).unwrap();

        // Another file: 柯城区 (already changed since reviewed) and 衢江区 (reviewed on 22/42)
        // change, 龙游县 (no verdict) is sent again as it was, 江山市 is new.
        let second = parse(
            "county,indicator,value,numerator,denominator\n柯城区,1.2,72%,,\n衢江区,1.2,,23,42\n龙游县,1.2,80%,,\n江山市,1.2,90%,,\n",
            "二.csv",
        );
        let preview = store.import_preview(&second, "二.csv", usize::MAX).unwrap();
        assert_eq!(
            (preview.new, preview.replaced, preview.figure_changed),
            (1, 3, 2)
        );
        assert_eq!(preview.verdicts_to_recheck, 1, "柯城区's is marked already");
        let changes: Vec<_> = preview
            .reviewed_changes
            .first
            .iter()
            .map(|c| {
                (
                    c.county.as_str(),
                    c.indicator.as_str(),
                    c.before.clone(),
                    c.after.clone(),
                    c.verdict,
                    c.already_changed,
                )
            })
            .collect();
        let figure = |v: &str, n: Option<f64>, d: Option<f64>| GivenFigure {
            value: v.into(),
            numerator: n,
            denominator: d,
        };
        assert_eq!(
            changes,
            vec![
                (
                    "柯城区",
                    "1.2",
                    figure("66%", None, None),
                    figure("72%", None, None),
                    Verdict::NotMet,
                    true
                ),
                (
                    "衢江区",
                    "1.2",
                    figure("", Some(22.0), Some(42.0)),
                    figure("", Some(23.0), Some(42.0)),
                    Verdict::Met,
                    false
                ),
            ]
        );
        assert_eq!(preview.reviewed_changes.first[0].reviewer, who().name);
        let others: Vec<_> = preview
            .from_other_files
            .first
            .iter()
            .map(|o| (o.county.as_str(), o.file.as_deref(), o.figure_changed))
            .collect();
        assert_eq!(
            others,
            vec![
                ("柯城区", Some("一.csv"), true),
                ("衢江区", Some("一.csv"), true),
                ("龙游县", Some("一.csv"), false),
            ]
        );
        assert!(!preview.from_other_files.first[0].imported_at.is_empty());
        // Of a long list, the first are kept and all are counted.
        let short = store.import_preview(&second, "二.csv", 1).unwrap();
        assert_eq!(
            short.from_other_files.first,
            preview.from_other_files.first[..1]
        );
        assert_eq!(short.from_other_files.total, 3);
        assert_eq!(short.reviewed_changes.total, 2);
        // The import itself says the same, read inside its write.
        let said = store
            .import_submissions_saying(&second, "二.csv", &who(), usize::MAX)
            .unwrap();
        assert_eq!(said, preview);
        let again = store.import_preview(&second, "二.csv", usize::MAX).unwrap();
        assert!(again.from_other_files.is_empty());
    }

    /// Rows staged as they are read and written by set-based statements say and store what
    /// the same rows held in memory do.
    #[test]
    fn a_staged_import_says_and_stores_what_one_held_in_memory_does() {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        let mut stores = [new_store(&dirs[0]), new_store(&dirs[1])];
        let lookup = stores[0].lookup().unwrap();
        let parse = |csv: &str, file: &str| {
            kaohe_core::formats::import::parse_csv(csv, file, &lookup).unwrap()
        };
        let first = parse(
            "county,indicator,value,numerator,denominator\n柯城区,1.2,65%,,\n衢江区,1.2,,22,42\n龙游县,1.2,80%,,\n",
            "一.csv",
        );
        let second = parse(
            "county,indicator,value,numerator,denominator,remark\n柯城区,1.2,72%,,,改\n衢江区,1.2,,23,42,\n龙游县,1.2,80%,,,\n江山市,1.2,90%,,,新\n",
            "二.csv",
        );
        for store in &mut stores {
            store.import_submissions(&first, "一.csv", &who()).unwrap();
            store
                .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &who())
                .unwrap();
        }
        let staged = |rows: &[SubmissionRow]| {
            let mut staged = Staged::new().unwrap();
            for row in rows {
                staged.add(row).unwrap();
            }
            staged
        };
        let in_memory = stores[0]
            .import_submissions_saying(&second, "二.csv", &who(), 1)
            .unwrap();
        let rows = staged(&second);
        assert_eq!(rows.rows().unwrap(), second, "read back as staged");
        let preview = stores[1].preview_staged(&rows, "二.csv", 1).unwrap();
        let said = stores[1].import_staged(&rows, "二.csv", &who(), 1).unwrap();
        assert_eq!(said, in_memory);
        assert_eq!(preview, in_memory);
        assert_eq!(
            (said.new, said.replaced, said.verdicts_to_recheck),
            (1, 3, 1)
        );
        let strip = |items: Vec<kaohe_core::item::Item>| {
            items
                .into_iter()
                .map(|i| {
                    (
                        i.county_code,
                        i.indicator,
                        i.value,
                        i.value_number,
                        i.numerator,
                        i.denominator,
                        i.remark,
                        i.changed_since_review,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(stores[1].items().unwrap()),
            strip(stores[0].items().unwrap())
        );
        assert_eq!(
            stores[1].changed_since_review().unwrap(),
            vec![("330802".to_string(), "1.2".to_string())]
        );
        // A lock refuses the staged rows as it does rows in memory, naming the first.
        stores[1]
            .lock(Some(1), "审定", &crate::test_support::lead())
            .unwrap();
        let e = stores[1]
            .import_staged(&staged(&second), "二.csv", &who(), 1)
            .unwrap_err();
        let locked = e.downcast_ref::<crate::LockedRow>().unwrap();
        assert_eq!((locked.line, locked.county_code.as_str()), (2, "330802"));
    }

    #[test]
    fn a_demo_database_holds_every_demo_submission() {
        let dir = tempfile::tempdir().unwrap();
        let base = seed();
        let lookup = Lookup::from_parts(&base.catalog, &base.counties);
        let rows =
            kaohe_core::formats::import::parse_csv(DEMO_SUBMISSIONS_2014, "demo.csv", &lookup)
                .unwrap();
        let demo = Seed {
            submissions: Some((rows, "demo.csv".to_string())),
            ..base
        };
        let store = Store::create(&dir.path().join("demo.db"), &demo, &who()).unwrap();
        let status = store.status().unwrap();
        assert_eq!(status.progress.submitted, status.progress.total);
        assert_eq!(status.progress.reviewed, 0);
    }
}
