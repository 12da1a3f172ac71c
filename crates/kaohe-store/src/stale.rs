//! "Changed since reviewed", decided here once. A submission's `revision` counts the changes
//! of its figure (its value, numerator or denominator: not its evidence or remark), one more
//! at each import that changes it; a review's `revision` is the submission revision its
//! verdict was given on (0: before there was a figure). A verdict behind its submission's
//! revision was given on another figure than the one there now: it stays, marked, until the
//! item is reviewed again.

use crate::Store;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// SQL, true where the figure of submission `new` is not the one of `held` (a missing `held`
/// has none): what counts one more revision at an import, and what an import preview counts.
/// `held` and `new` name tables or aliases with the submission's columns.
pub(crate) fn figure_changed_sql(held: &str, new: &str) -> String {
    format!(
        "({held}.value IS NOT {new}.value OR {held}.numerator IS NOT {new}.numerator
             OR {held}.denominator IS NOT {new}.denominator)"
    )
}

/// SQL over review `r` and submission `s` of one item: 1 where `r` holds a verdict given
/// before `s`'s figure last changed, else 0 (also where either is missing). A macro, so that
/// the item query ([`crate::items`]) can be one constant with it.
macro_rules! changed_since_review_sql {
    () => {
        "COALESCE(r.verdict IS NOT NULL AND r.revision < s.revision, 0)"
    };
}
pub(crate) use changed_since_review_sql;

/// [`changed_since_review_sql`] as a constant.
pub(crate) const CHANGED_SINCE_REVIEW: &str = changed_since_review_sql!();

/// SQL over review `r` and submission `s` of one item: true where `r` holds a verdict that is
/// not behind `s` (or given where there is no figure yet): the verdicts a changed figure
/// would mark.
pub(crate) const VERDICT_ON_HELD_FIGURE: &str = concat!(
    "(r.verdict IS NOT NULL AND NOT ",
    changed_since_review_sql!(),
    ")"
);

/// Whether one item's figure changed after its verdict was given.
pub(crate) fn item_changed_since_review(
    conn: &Connection,
    county_code: &str,
    indicator_id: &str,
) -> Result<bool> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {CHANGED_SINCE_REVIEW} FROM reviews r LEFT JOIN submissions s
                     ON s.county_code = r.county_code AND s.indicator_id = r.indicator_id
                 WHERE r.county_code = ?1 AND r.indicator_id = ?2"
            ),
            params![county_code, indicator_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

impl Store {
    /// The items (county code, indicator id) whose figure changed after their verdict.
    ///
    /// A verdict can be behind only where a later import changed the figure (`s.revision >
    /// 1`) or where it was given before any figure came (`r.revision = 0`, then
    /// `s.revision = 1`): each is found through its partial index (migration 6), never by
    /// joining every review, and `CHANGED_SINCE_REVIEW` decides.
    pub fn changed_since_review(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT r.county_code, r.indicator_id FROM submissions s JOIN reviews r
                 ON r.county_code = s.county_code AND r.indicator_id = s.indicator_id
             WHERE s.revision > 1 AND {CHANGED_SINCE_REVIEW}
             UNION ALL
             SELECT r.county_code, r.indicator_id FROM reviews r JOIN submissions s
                 ON s.county_code = r.county_code AND s.indicator_id = r.indicator_id
             WHERE r.revision = 0 AND s.revision = 1 AND {CHANGED_SINCE_REVIEW}"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Expected;
    use crate::test_support::{Reviews, new_store, who};
    use kaohe_core::lookup::SubmissionRow;
    use kaohe_core::model::Verdict;

    /// One submission row for 柯城区 × `indicator`.
    fn row(indicator: &str, value: &str, evidence: &str) -> SubmissionRow {
        SubmissionRow {
            line: 2,
            county_code: "330802".into(),
            indicator_id: indicator.into(),
            submission: kaohe_core::model::Submission {
                value: value.into(),
                value_number: kaohe_core::figure::parse_figure(value).number(),
                evidence: evidence.into(),
                ..Default::default()
            },
        }
    }

    fn stale(store: &Store) -> Vec<(String, String)> {
        store.changed_since_review().unwrap()
    }

    #[test]
    fn a_figure_changed_after_its_verdict_is_marked_until_reviewed_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        store
            .import_submissions(
                &[row("1.2", "65%", "a.pdf"), row("1.3", "55%", "")],
                "一.csv",
                &w,
            )
            .unwrap();
        store
            .review(
                "330802",
                "1.2",
                Some(Some(Verdict::NotMet)),
                Some("未达标"),
                &w,
            )
            .unwrap();
        store
            .review("330802", "1.3", Some(Some(Verdict::Met)), None, &w)
            .unwrap();
        assert!(stale(&store).is_empty());

        // A corrected sheet: 1.2's figure changes; 1.3 is sent again unchanged but for its evidence.
        store
            .import_submissions(
                &[row("1.2", "72%", "a.pdf"), row("1.3", "55%", "b.pdf")],
                "二.csv",
                &w,
            )
            .unwrap();
        assert_eq!(stale(&store), [("330802".to_string(), "1.2".to_string())]);
        let item = store.item("330802", "1.2").unwrap();
        assert!(item.changed_since_review);
        assert_eq!(item.verdict, Some(Verdict::NotMet), "the verdict is kept");
        assert!(!store.item("330802", "1.3").unwrap().changed_since_review);
        let status = store.status().unwrap();
        assert_eq!(status.progress.changed_since_review, 1);
        assert_eq!(status.counties[0].progress.changed_since_review, 1);

        // A note alone is not a review of the new figure.
        store
            .review("330802", "1.2", None, Some("已收到更正"), &w)
            .unwrap();
        assert_eq!(stale(&store).len(), 1);
        // The same verdict given again is: written and logged although it is the same.
        let before = store.log().unwrap().len();
        let c = store
            .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
            .unwrap();
        assert!(c.confirmed && c.changed());
        assert!(stale(&store).is_empty());
        assert_eq!(store.log().unwrap().len(), before + 1);
        // And given again once more, it changes nothing.
        let c = store
            .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
            .unwrap();
        assert!(!c.changed());

        // A verdict given before anything was submitted is stale once a figure arrives.
        store
            .review("330802", "1.4", Some(Some(Verdict::NotMet)), None, &w)
            .unwrap();
        store
            .import_submissions(&[row("1.4", "是", "")], "三.csv", &w)
            .unwrap();
        assert_eq!(stale(&store), [("330802".to_string(), "1.4".to_string())]);
    }

    #[test]
    fn an_undone_review_of_a_changed_figure_is_marked_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        store
            .import_submissions(&[row("1.2", "65%", "")], "一.csv", &w)
            .unwrap();
        store
            .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
            .unwrap();
        store
            .import_submissions(&[row("1.2", "72%", "")], "二.csv", &w)
            .unwrap();
        // Reviewed on the new figure, then the reviewer takes it back: the old verdict was given
        // on the old figure, and says so again.
        let change = store
            .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
            .unwrap();
        assert_eq!(
            (change.from_revision, change.to_revision),
            (Some(1), Some(2))
        );
        assert!(stale(&store).is_empty());
        let expected = Expected {
            verdict: Some(Some(Verdict::Met)),
            note: Some(String::new()),
        };
        store
            .review_if(
                "330802",
                "1.2",
                &expected,
                Some(Some(Verdict::NotMet)),
                Some(""),
                change.from_revision,
                &w,
            )
            .unwrap();
        assert_eq!(stale(&store), [("330802".to_string(), "1.2".to_string())]);
        assert_eq!(
            store.item("330802", "1.2").unwrap().verdict,
            Some(Verdict::NotMet)
        );
    }

    #[test]
    fn a_redo_after_a_re_import_puts_back_the_figure_the_verdict_was_given_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        store
            .import_submissions(&[row("1.2", "65%", "")], "一.csv", &w)
            .unwrap();
        store
            .review("330802", "1.2", Some(Some(Verdict::NotMet)), None, &w)
            .unwrap();
        let met = store
            .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
            .unwrap();
        // Undo (back to 未完成, given on revision 1), a corrected sheet, then redo (完成, also
        // given on revision 1): both verdicts are the old figure's.
        let expect = |v| Expected {
            verdict: Some(Some(v)),
            note: Some(String::new()),
        };
        store
            .review_if(
                "330802",
                "1.2",
                &expect(Verdict::Met),
                Some(Some(Verdict::NotMet)),
                Some(""),
                met.from_revision,
                &w,
            )
            .unwrap();
        store
            .import_submissions(&[row("1.2", "72%", "")], "二.csv", &w)
            .unwrap();
        assert_eq!(stale(&store).len(), 1);
        store
            .review_if(
                "330802",
                "1.2",
                &expect(Verdict::NotMet),
                Some(Some(Verdict::Met)),
                Some(""),
                met.to_revision,
                &w,
            )
            .unwrap();
        assert_eq!(
            stale(&store).len(),
            1,
            "the redone verdict was given on 65%, not 72%"
        );
        assert_eq!(
            store.item("330802", "1.2").unwrap().verdict,
            Some(Verdict::Met)
        );
    }
}
