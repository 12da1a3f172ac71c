//! Items read back: one county × indicator with its submission and review, as kaohe-core's
//! [`Item`], one at a time, by indicator, or all; and what the workspace keeps of every
//! reviewed item.

use crate::stale::changed_since_review_sql;
use crate::{Store, notes};
use anyhow::{Result, anyhow};
use kaohe_core::item::{Item, Stages};
use kaohe_core::model::{Submission, Verdict};
use rusqlite::{Connection, OptionalExtension, params};

/// What the workspace keeps of every reviewed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewState {
    pub county_code: String,
    pub indicator_id: String,
    pub verdict: Option<Verdict>,
    pub changed_since_review: bool,
    /// Its verdict was given by another reviewer than the one asking: the marking flow passes
    /// it by, and a mark over it asks first.
    pub by_other: bool,
}

impl Store {
    /// The verdict of every reviewed item, whether its figure changed since, and whether
    /// someone other than `me` (a reviewer's name) gave it: all the workspace keeps for every
    /// item (the rest is read as the screen needs it).
    pub fn review_states(&self, me: &str) -> Result<Vec<ReviewState>> {
        let stale: std::collections::HashSet<(String, String)> =
            self.changed_since_review()?.into_iter().collect();
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, verdict,
                    verdict IS NOT NULL AND reviewer <> ?1 FROM reviews",
        )?;
        let rows = stmt.query_map([me], |r| {
            Ok(ReviewState {
                county_code: r.get(0)?,
                indicator_id: r.get(1)?,
                verdict: verdict_at(r, 2)?,
                changed_since_review: false,
                by_other: r.get(3)?,
            })
        })?;
        let mut states = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        if !stale.is_empty() {
            for s in &mut states {
                s.changed_since_review =
                    stale.contains(&(s.county_code.clone(), s.indicator_id.clone()));
            }
        }
        Ok(states)
    }

    /// The items of one indicator for the counties at positions `from..=to` (in list order):
    /// the counties by their position's index, so a read costs the rows it returns (the one
    /// county a move brings on screen), not the number of counties.
    pub fn items_range(&self, indicator_id: &str, from: usize, to: usize) -> Result<Vec<Item>> {
        let mut stmt = self.conn.prepare_cached(&items_in_range())?;
        let rows = stmt.query_map(params![indicator_id, from as i64, to as i64], item_from_row)?;
        let mut items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let mut threads = notes::threads_in_range(&self.conn, indicator_id, from, to)?;
        for item in &mut items {
            item.notes = threads.remove(&item.county_code).unwrap_or_default();
        }
        Ok(items)
    }

    /// Every county's own assessment given (自评结果): (county code, indicator id, verdict).
    /// Read through a partial index: nothing to read where no county gave one.
    pub fn self_verdicts(&self) -> Result<Vec<(String, String, Verdict)>> {
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, self_verdict FROM submissions
             WHERE self_verdict IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, verdict_at(r, 2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (county, indicator, verdict): (String, String, Option<Verdict>) = row?;
            if let Some(v) = verdict {
                out.push((county, indicator, v));
            }
        }
        Ok(out)
    }

    /// Every submitted figure, without its evidence and remark: (county code, indicator id,
    /// the submission), for the workspace's filters on what the figures say (what they
    /// suggest, what looks wrong with them).
    pub fn figures(&self) -> Result<Vec<(String, String, Submission)>> {
        let mut stmt = self.conn.prepare(
            "SELECT county_code, indicator_id, value, value_number, numerator, denominator,
                 bare_fraction, converted_from
             FROM submissions",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                Submission {
                    value: r.get(2)?,
                    value_number: r.get(3)?,
                    numerator: r.get(4)?,
                    denominator: r.get(5)?,
                    bare_fraction: r.get::<_, Option<bool>>(6)?.unwrap_or(false),
                    converted_from: r.get(7)?,
                    ..Submission::default()
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every note written, each of every thread: (county code, indicator id, note), for the
    /// finder.
    pub fn notes(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT county_code, indicator_id, text FROM notes ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One county × indicator as it stands in the database now.
    pub fn item(&self, county_code: &str, indicator_id: &str) -> Result<Item> {
        read_item(&self.conn, county_code, indicator_id)
    }

    /// Every county × indicator, with its submission and review, counties in order then
    /// indicators in document order.
    pub fn items(&self) -> Result<Vec<Item>> {
        let mut stmt = self.conn.prepare(&format!(
            "{ITEM_SELECT} ORDER BY c.position, t.position, i.position"
        ))?;
        let rows = stmt.query_map([], item_from_row)?;
        let mut items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let mut threads = notes::all_threads(&self.conn)?;
        if !threads.is_empty() {
            for item in &mut items {
                let key = (item.county_code.clone(), item.indicator.clone());
                item.notes = threads.remove(&key).unwrap_or_default();
            }
        }
        Ok(items)
    }
}

/// A verdict column: verdicts are stored by their English names, and anything else in the
/// column is an error, not a silent "unreviewed".
pub(crate) fn verdict_at(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<Verdict>> {
    // Compared where SQLite holds it: the workspace's start reads one per review.
    let Some(text) = r.get_ref(index)?.as_str_or_null()? else {
        return Ok(None);
    };
    Verdict::ALL
        .into_iter()
        .find(|v| v.as_str() == text)
        .map(Some)
        .ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                format!("\"{text}\" is not a verdict").into(),
            )
        })
}

/// Every county × indicator with its submission, its review and whether the verdict is behind
/// the figure; the caller adds WHERE and ORDER BY.
pub(crate) const ITEM_SELECT: &str = concat!(
    "SELECT c.code, c.name, i.id,
        s.value, s.value_number, s.numerator, s.denominator, s.evidence, s.remark,
        r.verdict, r.note, r.reviewer, r.reviewed_at, s.bare_fraction, ",
    changed_since_review_sql!(),
    // The county's own assessment; the second review on the first verdict as it stands, and
    // whether a lock covers it.
    ", s.self_verdict, s.self_score,
        sr.verdict, sr.checker, NULLIF(sr.reason, ''), sr.checked_at,
        EXISTS (SELECT 1 FROM locks l WHERE l.target_id IS NULL OR l.target_id = i.target_id),
        f.cases, f.void_reason",
    // The verified figure (核定值), if one is recorded.
    ", vf.value, vf.value_number, vf.reason, vf.verifier, vf.account, vf.verified_at,
        vf.county_value, s.converted_from",
    " FROM counties c
    CROSS JOIN indicators i
    JOIN targets t ON t.id = i.target_id
    LEFT JOIN submissions s ON s.county_code = c.code AND s.indicator_id = i.id
    LEFT JOIN reviews r ON r.county_code = c.code AND r.indicator_id = i.id
    LEFT JOIN second_reviews sr ON sr.county_code = c.code AND sr.indicator_id = i.id
        AND sr.first_verdict = r.verdict
    LEFT JOIN findings f ON f.county_code = c.code AND f.indicator_id = i.id
    LEFT JOIN verified_figures vf ON vf.county_code = c.code AND vf.indicator_id = i.id"
);

/// One indicator's items for the counties at positions `?2..=?3`, in list order.
fn items_in_range() -> String {
    format!("{ITEM_SELECT} WHERE i.id = ?1 AND c.position BETWEEN ?2 AND ?3 ORDER BY c.position")
}

/// One county × indicator as `conn` (or a transaction) sees it now.
pub(crate) fn read_item(conn: &Connection, county_code: &str, indicator_id: &str) -> Result<Item> {
    let mut item = conn
        .query_row(
            &format!("{ITEM_SELECT} WHERE c.code = ?1 AND i.id = ?2"),
            params![county_code, indicator_id],
            item_from_row,
        )
        .optional()?
        .ok_or_else(|| anyhow!("no item {county_code} × {indicator_id} in the database"))?;
    item.notes = notes::thread(conn, county_code, indicator_id)?;
    Ok(item)
}

pub(crate) fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        county_code: r.get(0)?,
        county: r.get(1)?,
        indicator: r.get(2)?,
        value: r.get(3)?,
        value_number: r.get(4)?,
        numerator: r.get(5)?,
        denominator: r.get(6)?,
        evidence: r.get(7)?,
        remark: r.get(8)?,
        verdict: verdict_at(r, 9)?,
        note: r.get(10)?,
        reviewer: r.get(11)?,
        reviewed_at: r.get(12)?,
        bare_fraction: r.get::<_, Option<bool>>(13)?.unwrap_or(false),
        converted_from: r.get(31)?,
        changed_since_review: r.get(14)?,
        self_verdict: verdict_at(r, 15)?,
        self_score: r.get(16)?,
        stages: Stages {
            second_verdict: verdict_at(r, 17)?,
            checker: r.get(18)?,
            check_reason: r.get(19)?,
            checked_at: r.get(20)?,
            signed_off: r.get(21)?,
        },
        // Read beside, by the caller: a thread is several rows.
        notes: Vec::new(),
        cases: r.get(22)?,
        void_reason: r.get(23)?,
        verified: match r.get_ref(24)? {
            rusqlite::types::ValueRef::Null => None,
            _ => Some(crate::verified::verified_from(r, 24)?),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Reviews, new_store, who};

    /// What SQLite will do for `sql`, one line a step.
    fn plan(store: &Store, sql: &str) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows = stmt
            .query_map(params!["1.1", 2_i64, 3_i64], |r| r.get::<_, String>(3))
            .unwrap();
        rows.collect::<rusqlite::Result<Vec<_>>>().unwrap()
    }

    #[test]
    fn a_range_read_finds_its_counties_by_their_position_not_by_scanning_all() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        for sql in [items_in_range(), notes::THREADS_IN_RANGE.to_string()] {
            let steps = plan(&store, &sql);
            let text = steps.join("\n");
            // Neither every county nor every note of the indicator is read, nor the rows sorted
            // (the counties come in order; each county's thread alone is, a few notes).
            assert!(
                steps.iter().any(|s| s.contains("counties_by_position")),
                "{text}"
            );
            assert!(
                !steps
                    .iter()
                    .any(|s| s.starts_with("SCAN c") || s.starts_with("SCAN n")),
                "{text}"
            );
            assert!(!text.contains("TEMP B-TREE FOR ORDER BY"), "{text}");
        }
    }

    #[test]
    fn a_read_on_a_move_runs_its_kept_statements_without_compiling_them_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        let counties = store.counties().unwrap();
        // Each move binds new bounds: the statements a move runs are compiled once, not again
        // for every value bound (SQLite would, to plan for the value, unless told not to).
        for (at, county) in counties.iter().enumerate().take(4) {
            store.items_range("1.1", at, at).unwrap();
            store.evidence_for(&county.code, "1.1").unwrap();
        }
        let evidence = "SELECT c.state, c.cited, c.path, b.sha256, b.kind, b.size, b.pages
         FROM evidence_citations c LEFT JOIN evidence_blobs b ON b.sha256 = c.sha256
         WHERE c.county_code = ?1 AND c.indicator_id = ?2 ORDER BY c.position";
        for sql in [items_in_range().as_str(), notes::THREADS_IN_RANGE, evidence] {
            let stmt = store.conn.prepare_cached(sql).unwrap();
            assert_eq!(
                stmt.get_status(rusqlite::StatementStatus::RePrepare),
                0,
                "{sql}"
            );
        }
    }

    #[test]
    fn a_range_read_gives_the_counties_in_it_in_order_with_their_threads() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let counties = store.counties().unwrap();
        let third = &counties[2].code;
        store
            .review(third, "1.1", None, Some("台账齐全"), &who())
            .unwrap();
        let items = store.items_range("1.1", 1, 3).unwrap();
        let codes: Vec<&str> = items.iter().map(|i| i.county_code.as_str()).collect();
        let wanted: Vec<&str> = counties[1..=3].iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, wanted);
        assert_eq!(items[1].notes.len(), 1);
        assert_eq!(items[1].notes[0].text, "台账齐全");
        assert!(items[0].notes.is_empty() && items[2].notes.is_empty());
        // One county: what a step down reads.
        let one = store.items_range("1.1", 2, 2).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(&one[0].county_code, third);
    }
}
