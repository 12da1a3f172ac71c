//! The review log: every verdict and note change, append-only (triggers refuse an update or
//! a delete), read back whole or filtered.

use crate::Store;
use crate::items::verdict_at;
use anyhow::Result;
use kaohe_core::model::Verdict;
use rusqlite::params;
use serde::Serialize;

/// Which log events to show; `None` parts let everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only events after this one.
    pub after: i64,
    pub county_code: Option<String>,
    pub indicator: Option<String>,
    /// A reviewer's name or OS account.
    pub reviewer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// The event's number: the log's order.
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub reviewer: String,
    pub account: String,
    pub county_code: String,
    pub indicator: String,
    pub from: Option<Verdict>,
    pub to: Option<Verdict>,
    pub from_note: String,
    pub note: String,
}

impl Store {
    /// The review log, oldest first.
    pub fn log(&self) -> Result<Vec<LogEntry>> {
        self.log_where(&LogFilter::default())
    }

    /// The events of the review log that `filter` lets through, oldest first.
    pub fn log_where(&self, filter: &LogFilter) -> Result<Vec<LogEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, reviewer, account, county_code, indicator_id, from_verdict,
                    to_verdict, from_note, note
             FROM review_log
             WHERE seq > ?1
               AND (?2 IS NULL OR county_code = ?2)
               AND (?3 IS NULL OR indicator_id = ?3)
               AND (?4 IS NULL OR reviewer = ?4 OR account = ?4)
             ORDER BY seq",
        )?;
        let rows = stmt.query_map(
            params![
                filter.after,
                filter.county_code,
                filter.indicator,
                filter.reviewer
            ],
            |r| {
                Ok(LogEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    reviewer: r.get(2)?,
                    account: r.get(3)?,
                    county_code: r.get(4)?,
                    indicator: r.get(5)?,
                    from: verdict_at(r, 6)?,
                    to: verdict_at(r, 7)?,
                    from_note: r.get(8)?,
                    note: r.get(9)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the last event in the log (0 when empty).
    pub fn last_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM review_log", [], |r| {
                r.get(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{Reviews, new_store, who};
    use kaohe_core::model::Verdict;

    #[test]
    fn a_verdict_column_holding_something_else_is_an_error_not_unreviewed() {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        store
            .conn
            .execute(
                "INSERT INTO review_log (at, reviewer, account, county_code, indicator_id,
                     from_verdict, to_verdict, from_note, note)
                 VALUES ('2026-12-06T10:00:00+08:00', '张', 'zhang', '330802', '1.1',
                     NULL, 'mett', '', '')",
                [],
            )
            .unwrap();
        let e = store.log().unwrap_err();
        assert!(
            format!("{e:#}").contains("\"mett\" is not a verdict"),
            "{e:#}"
        );
    }

    #[test]
    fn the_log_cannot_be_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .review("330802", "1.2", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        assert!(
            store
                .conn
                .execute("UPDATE review_log SET to_verdict = 'not_met'", [])
                .is_err()
        );
        assert!(store.conn.execute("DELETE FROM review_log", []).is_err());
        assert_eq!(store.log().unwrap().len(), 1);
    }
}
