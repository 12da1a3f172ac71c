//! Submissions: the figures counties send, imported in one transaction a file (each import
//! recorded for the audit trail), and what an import would change, said before it is made.

use crate::locks::{Covered, refuse_locked};
use crate::{Reviewer, Store, now, stale};
use anyhow::{Context, Result, anyhow};
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::Verdict;
use rusqlite::{Transaction, params};

/// What an import would change (see [`Store::import_preview`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportPreview {
    pub new: usize,
    pub replaced: usize,
    /// Replaced with another figure (value, numerator or denominator).
    pub figure_changed: usize,
    /// Verdicts that would be marked changed since reviewed.
    pub verdicts_to_recheck: usize,
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
        self.import_submissions_with(rows, file, who, |_, _| Ok(()))
            .map(|(n, ())| n)
    }

    /// [`Store::import_submissions`], with `also` run inside its transaction after the rows
    /// are written, given the import's id (the evidence that came with them, evidence.rs).
    pub(crate) fn import_submissions_with<T>(
        &mut self,
        rows: &[SubmissionRow],
        file: &str,
        who: &Reviewer,
        also: impl FnOnce(&Transaction<'_>, i64) -> Result<T>,
    ) -> Result<(usize, T)> {
        // Refused by a lock before anything is written, the announcement below included (the
        // write checks again, inside its transaction).
        refuse_locked(&self.conn, Covered::Rows(rows, file))?;
        // Saying so is a courtesy to those kept waiting: the import goes ahead without it.
        let announced = match self.begin_long_write("import", who) {
            Ok(id) => Some(id),
            Err(e)
                if matches!(
                    e.downcast_ref(),
                    Some(crate::StoreError::ReadOnly { .. } | crate::StoreError::Swapped { .. })
                ) =>
            {
                return Err(e);
            }
            Err(_) => None,
        };
        let path = self.path.display().to_string();
        let written = (|| {
            let tx = self.write()?;
            // A new database (the other caller) has no lock yet.
            refuse_locked(&tx, Covered::Rows(rows, file))?;
            let import_id = insert_submissions(&tx, rows, file, who)?;
            let also = also(&tx, import_id)?;
            if let Some(id) = announced {
                crate::long_writes::end_long_write(&tx, id)?;
            }
            tx.commit()
                .with_context(|| format!("cannot save the import into {path}"))?;
            Ok(also)
        })();
        if let (Err(_), Some(id)) = (&written, announced) {
            self.long_write_ended(id);
        }
        written.map(|also| (rows.len(), also))
    }

    /// What importing `rows` would do, without writing: how many submissions are new, how
    /// many replace earlier ones (and of those, how many with another figure), and how many
    /// verdicts would then be marked changed since reviewed.
    pub fn import_preview(&self, rows: &[SubmissionRow]) -> Result<ImportPreview> {
        // Each row's figure against the one held, by the test an import bumps the revision by.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT s.county_code IS NOT NULL, {figure_changed}, {verdict_on_held_figure}
             FROM (SELECT ?1 AS county_code, ?2 AS indicator_id,
                          ?3 AS value, ?4 AS numerator, ?5 AS denominator) k
             LEFT JOIN submissions s
                 ON s.county_code = k.county_code AND s.indicator_id = k.indicator_id
             LEFT JOIN reviews r
                 ON r.county_code = k.county_code AND r.indicator_id = k.indicator_id",
            figure_changed = stale::figure_changed_sql("s", "k"),
            verdict_on_held_figure = stale::VERDICT_ON_HELD_FIGURE,
        ))?;
        let mut preview = ImportPreview::default();
        for row in rows {
            let s = &row.submission;
            // Whether it replaces a submission, with another figure, on which a verdict is
            // (not behind it already).
            let (replaces, changed, verdict): (bool, bool, bool) = stmt.query_row(
                params![
                    row.county_code,
                    row.indicator_id,
                    s.value,
                    s.numerator,
                    s.denominator
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if replaces {
                preview.replaced += 1;
                preview.figure_changed += usize::from(changed);
            } else {
                preview.new += 1;
            }
            if changed && verdict {
                preview.verdicts_to_recheck += 1;
            }
        }
        Ok(preview)
    }

    /// The number of the last import (0 when none): a new one means submissions changed.
    pub fn last_import(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM imports", [], |r| r.get(0))?)
    }
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
             self_verdict, self_score)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (county_code, indicator_id) DO UPDATE SET
             revision = submissions.revision + {figure_changed},
             value = excluded.value, value_number = excluded.value_number,
             numerator = excluded.numerator, denominator = excluded.denominator,
             evidence = excluded.evidence, remark = excluded.remark,
             bare_fraction = CASE WHEN submissions.value IS excluded.value
                 THEN submissions.bare_fraction OR excluded.bare_fraction
                 ELSE excluded.bare_fraction END,
             imported_at = excluded.imported_at, import_id = excluded.import_id,
             self_verdict = excluded.self_verdict, self_score = excluded.self_score",
        figure_changed = stale::figure_changed_sql("submissions", "excluded"),
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
            s.self_score
        ])
        .map_err(|e| {
            // The row's line is named only where the row itself was refused: a full disk or an
            // I/O error is no line's fault.
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                anyhow!(e).context(format!(
                    "line {}: cannot store {} × {}",
                    row.line, row.county_code, row.indicator_id
                ))
            } else {
                anyhow!(e)
            }
        })?;
    }
    Ok(import_id)
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
        let preview = store.import_preview(&second).unwrap();
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
