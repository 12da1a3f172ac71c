//! The verified figure (核定值): a reviewer records the figure found on checking an item's
//! evidence where it differs from the county's, with the reason, or clears it. The county's
//! figure stays as it was sent. Like a review, the write checks what the writer saw (a
//! colleague's verified figure is never replaced unasked: the workspace asks first, and a
//! write that finds another figure there than the one seen writes nothing), is refused under
//! a lock, and is logged, append-only.

use crate::items::read_item;
use crate::locks::{Covered, refuse_locked};
use crate::{Reviewer, Store, now};
use anyhow::{Context, Result};
use kaohe_core::item::Item;
use kaohe_core::model::format_number;
use kaohe_core::verified::Verified;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

/// A verified figure to record (or to clear).
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyWrite {
    pub county_code: String,
    pub indicator_id: String,
    /// The figure as kaohe keeps it and its number, read against the indicator by the caller
    /// ([`kaohe_core::verified::read_verified`]); `None` clears the verified figure.
    pub figure: Option<(String, f64)>,
    /// Why the figure differs from the county's: needed to record one; a remark to clear it.
    pub reason: String,
    /// What the writer saw there (`Some(None)`: none): if the item holds another verified
    /// figure now, or another reviewer's, nothing is written ([`VerifyWritten::Conflict`]).
    /// `None` takes it as it stands (the command line names the item, not what it saw).
    pub seen: Option<Option<Seen>>,
}

/// A verified figure as a writer saw it: the figure and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub value: String,
    pub by: String,
}

impl Seen {
    pub fn of(v: &Verified) -> Seen {
        Seen {
            value: v.value.clone(),
            by: v.by.clone(),
        }
    }
}

/// What a [`VerifyWrite`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum VerifyWritten {
    /// Written (or nothing to write: `change.written` says which), and the item as it now
    /// stands.
    Saved {
        change: Box<VerifyChange>,
        item: Item,
    },
    /// The item holds another verified figure than the writer saw: nothing was written; `now`
    /// is the item as it stands.
    Conflict { now: Item },
}

/// A verified figure before and after a write.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyChange {
    pub from: Option<Verified>,
    pub to: Option<Verified>,
    pub written: bool,
}

/// The refusals of a verified figure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error(
        "{county_code} × {indicator_id}: nothing was submitted, so there is no county's figure to verify; import the county's sheet first"
    )]
    NothingSubmitted {
        county_code: String,
        indicator_id: String,
    },
    #[error(
        "{county_code} × {indicator_id}: {value} is the county's own figure; a verified figure (核定值) is recorded where it differs"
    )]
    SameAsCounty {
        county_code: String,
        indicator_id: String,
        value: String,
    },
    #[error("a verified figure needs its reason: --reason TEXT (what the evidence showed)")]
    ReasonNeeded,
    #[error("indicator {indicator_id} asks for no number, so it takes no verified figure (核定值)")]
    NoNumber { indicator_id: String },
}

/// One event of the verified figures' log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyEvent {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub verifier: String,
    pub account: String,
    pub county_code: String,
    pub indicator: String,
    /// The verified figure before (none), and whose it was.
    pub from: Option<String>,
    pub from_verifier: Option<String>,
    /// The verified figure after (none: cleared).
    pub to: Option<String>,
    /// The county's figure then.
    pub county_value: String,
    pub reason: String,
    /// The review log's last event when this was written: the logs' one order.
    #[serde(skip)]
    pub review_seq: i64,
}

/// The verified figure of an item, if one is recorded, as `conn` sees it now.
pub(crate) fn verified_of(
    conn: &rusqlite::Connection,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<Verified>> {
    Ok(conn
        .query_row(
            &format!("{VERIFIED_SELECT} WHERE county_code = ?1 AND indicator_id = ?2"),
            params![county_code, indicator_id],
            |r| verified_from(r, 2),
        )
        .optional()?)
}

/// The columns of a verified figure, from `at` on (value, number, reason, verifier, account,
/// time, the county's figure then), as [`VERIFIED_SELECT`] and the item query give them.
pub(crate) fn verified_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Verified> {
    Ok(Verified {
        value: r.get(at)?,
        number: r.get(at + 1)?,
        reason: r.get(at + 2)?,
        by: r.get(at + 3)?,
        account: r.get(at + 4)?,
        at: r.get(at + 5)?,
        county_value: r.get(at + 6)?,
    })
}

const VERIFIED_SELECT: &str = "SELECT county_code, indicator_id, value, value_number, reason, \
     verifier, account, verified_at, county_value FROM verified_figures";

/// The county's figure (as written, and read as a number), if it submitted one.
fn county_figure(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<(String, Option<f64>)>> {
    Ok(tx
        .query_row(
            "SELECT value, value_number FROM submissions
             WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

impl Store {
    /// Records, replaces or clears one item's verified figure in its own transaction, logged
    /// (see [`VerifyWrite`]). Refused ([`VerifyError`], [`crate::Locked`]) where nothing was
    /// submitted, the figure is the county's own, a figure has no reason, the indicator asks
    /// for no number, or a lock covers the item.
    pub fn write_verified(&mut self, write: &VerifyWrite, who: &Reviewer) -> Result<VerifyWritten> {
        let path = self.path.display().to_string();
        let (county_code, indicator_id) = (write.county_code.as_str(), write.indicator_id.as_str());
        let tx = self.write()?;
        refuse_locked(&tx, Covered::Indicator(indicator_id))?;
        // Read first: an item that does not exist is named as such.
        read_item(&tx, county_code, indicator_id)?;
        let held = verified_of(&tx, county_code, indicator_id)?;
        if let Some(seen) = &write.seen {
            if *seen != held.as_ref().map(Seen::of) {
                return Ok(VerifyWritten::Conflict {
                    now: read_item(&tx, county_code, indicator_id)?,
                });
            }
        }
        let reason = write.reason.trim();
        let to = match &write.figure {
            None => None,
            Some((value, number)) => {
                let unit: Option<String> = tx.query_row(
                    "SELECT unit FROM indicators WHERE id = ?1",
                    [indicator_id],
                    |r| r.get(0),
                )?;
                // The caller read the figure against the indicator; the store keeps only
                // what is written as it would be (a number in the indicator's unit).
                if unit.is_none_or(|u| *value != format!("{}{u}", format_number(*number))) {
                    return Err(VerifyError::NoNumber {
                        indicator_id: indicator_id.to_string(),
                    }
                    .into());
                }
                let Some((county_value, county_number)) =
                    county_figure(&tx, county_code, indicator_id)?
                else {
                    return Err(VerifyError::NothingSubmitted {
                        county_code: county_code.to_string(),
                        indicator_id: indicator_id.to_string(),
                    }
                    .into());
                };
                if county_number == Some(*number) {
                    return Err(VerifyError::SameAsCounty {
                        county_code: county_code.to_string(),
                        indicator_id: indicator_id.to_string(),
                        value: county_value,
                    }
                    .into());
                }
                if reason.is_empty() {
                    return Err(VerifyError::ReasonNeeded.into());
                }
                Some(Verified {
                    value: value.clone(),
                    number: *number,
                    reason: reason.to_string(),
                    by: who.name.clone(),
                    account: who.account.clone(),
                    at: now(),
                    county_value,
                })
            }
        };
        // The same figure, reason and reviewer again (or clearing none) changes nothing.
        let same = match (&held, &to) {
            (None, None) => true,
            (Some(h), Some(t)) => {
                (&h.value, &h.reason, &h.by, &h.county_value)
                    == (&t.value, &t.reason, &t.by, &t.county_value)
            }
            _ => false,
        };
        let mut change = VerifyChange {
            from: held.clone(),
            to: to.clone(),
            written: false,
        };
        if same {
            change.to = held;
        } else {
            let at = to.as_ref().map_or_else(now, |t| t.at.clone());
            match &to {
                Some(t) => {
                    tx.execute(
                        "INSERT INTO verified_figures (county_code, indicator_id, value,
                             value_number, reason, county_value, verifier, account, verified_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                         ON CONFLICT (county_code, indicator_id) DO UPDATE SET
                             value = excluded.value, value_number = excluded.value_number,
                             reason = excluded.reason, county_value = excluded.county_value,
                             verifier = excluded.verifier, account = excluded.account,
                             verified_at = excluded.verified_at",
                        params![
                            county_code,
                            indicator_id,
                            t.value,
                            t.number,
                            t.reason,
                            t.county_value,
                            t.by,
                            t.account,
                            t.at
                        ],
                    )?;
                }
                None => {
                    tx.execute(
                        "DELETE FROM verified_figures WHERE county_code = ?1 AND indicator_id = ?2",
                        params![county_code, indicator_id],
                    )?;
                }
            }
            let county_value = match (&to, &held) {
                (Some(t), _) => t.county_value.clone(),
                _ => county_figure(&tx, county_code, indicator_id)?
                    .map(|(v, _)| v)
                    .unwrap_or_default(),
            };
            tx.execute(
                "INSERT INTO verified_log (at, verifier, account, county_code, indicator_id,
                     from_value, from_verifier, to_value, county_value, reason, review_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                     (SELECT COALESCE(MAX(seq), 0) FROM review_log))",
                params![
                    at,
                    who.name,
                    who.account,
                    county_code,
                    indicator_id,
                    held.as_ref().map(|h| h.value.as_str()),
                    held.as_ref().map(|h| h.by.as_str()),
                    to.as_ref().map(|t| t.value.as_str()),
                    county_value,
                    reason
                ],
            )?;
            change.written = true;
        }
        let item = read_item(&tx, county_code, indicator_id)?;
        tx.commit()
            .with_context(|| format!("cannot save the verified figure into {path}"))?;
        Ok(VerifyWritten::Saved {
            change: Box::new(change),
            item,
        })
    }

    /// Every verified figure recorded: (county code, indicator id, the figure), for what the
    /// workspace's filters go by.
    pub fn verified_figures(&self) -> Result<Vec<(String, String, Verified)>> {
        let mut stmt = self.conn.prepare(VERIFIED_SELECT)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, verified_from(r, 2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One item's verified figure, if one is recorded.
    pub fn verified(&self, county_code: &str, indicator_id: &str) -> Result<Option<Verified>> {
        verified_of(&self.conn, county_code, indicator_id)
    }

    /// The figure each submitted item is scored by, as a number: the verified one where one
    /// is recorded, else the county's (none where neither is a number). Rules that score by
    /// the figure take these.
    pub fn figures_to_score(&self) -> Result<Vec<(String, String, Option<f64>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.county_code, s.indicator_id, COALESCE(v.value_number, s.value_number)
             FROM submissions s
             LEFT JOIN verified_figures v
                 ON v.county_code = s.county_code AND v.indicator_id = s.indicator_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The verified figures' log after event `after`, oldest first.
    pub fn verified_log_after(&self, after: i64) -> Result<Vec<VerifyEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, verifier, account, county_code, indicator_id, from_value,
                    from_verifier, to_value, county_value, reason, review_seq
             FROM verified_log WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([after], |r| {
            Ok(VerifyEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                verifier: r.get(2)?,
                account: r.get(3)?,
                county_code: r.get(4)?,
                indicator: r.get(5)?,
                from: r.get(6)?,
                from_verifier: r.get(7)?,
                to: r.get(8)?,
                county_value: r.get(9)?,
                reason: r.get(10)?,
                review_seq: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the last event of the verified figures' log (0 when none).
    pub fn last_verified_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM verified_log", [], |r| {
                r.get(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{new_store, who};
    use kaohe_core::lookup::SubmissionRow;
    use kaohe_core::model::Submission;

    fn row(indicator: &str, value: &str) -> SubmissionRow {
        SubmissionRow {
            line: 2,
            county_code: "330802".into(),
            indicator_id: indicator.into(),
            submission: Submission {
                value: value.into(),
                value_number: kaohe_core::figure::parse_figure(value).number(),
                ..Default::default()
            },
        }
    }

    fn verify(indicator: &str, figure: Option<(&str, f64)>, reason: &str) -> VerifyWrite {
        VerifyWrite {
            county_code: "330802".into(),
            indicator_id: indicator.into(),
            figure: figure.map(|(v, n)| (v.to_string(), n)),
            reason: reason.into(),
            seen: None,
        }
    }

    fn saved(w: VerifyWritten) -> (VerifyChange, Item) {
        match w {
            VerifyWritten::Saved { change, item } => (*change, item),
            VerifyWritten::Conflict { .. } => panic!("a conflict"),
        }
    }

    fn wang() -> Reviewer {
        Reviewer {
            name: "王五".into(),
            account: "wangwu".into(),
        }
    }

    #[test]
    fn a_verified_figure_stands_beside_the_countys_and_is_logged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .import_submissions(&[row("1.2", "75%")], "a.csv", &who())
            .unwrap();
        let (change, item) = saved(
            store
                .write_verified(
                    &verify("1.2", Some(("68%", 68.0)), " 台账只有 17 个 "),
                    &who(),
                )
                .unwrap(),
        );
        assert!(change.written && change.from.is_none());
        assert_eq!(item.value.as_deref(), Some("75%"), "the county's stays");
        let v = item.verified.clone().unwrap();
        assert_eq!(
            (v.value.as_str(), v.number, v.reason.as_str(), v.by.as_str()),
            ("68%", 68.0, "台账只有 17 个", "张审核")
        );
        assert_eq!(v.county_value, "75%");
        assert!(item.verified_lower());
        assert_eq!(item.figure_to_score(), Some(68.0));
        assert_eq!(item.judged().unwrap().value, "68%");
        // The same again writes nothing.
        let (change, _) = saved(
            store
                .write_verified(
                    &verify("1.2", Some(("68%", 68.0)), "台账只有 17 个"),
                    &who(),
                )
                .unwrap(),
        );
        assert!(!change.written);
        // A colleague replaces it; then it is cleared.
        let (change, _) = saved(
            store
                .write_verified(&verify("1.2", Some(("70%", 70.0)), "复核台账"), &wang())
                .unwrap(),
        );
        assert_eq!(change.from.unwrap().by, "张审核");
        assert_eq!(
            store.figures_to_score().unwrap(),
            [("330802".into(), "1.2".into(), Some(70.0))]
        );
        let (change, item) = saved(
            store
                .write_verified(&verify("1.2", None, ""), &who())
                .unwrap(),
        );
        assert!(change.written && change.to.is_none());
        assert!(item.verified.is_none());
        assert_eq!(
            store.figures_to_score().unwrap()[0].2,
            Some(75.0),
            "cleared: the county's figure again"
        );
        let log = store.verified_log_after(0).unwrap();
        let steps: Vec<(Option<&str>, Option<&str>, &str, &str)> = log
            .iter()
            .map(|e| {
                (
                    e.from.as_deref(),
                    e.to.as_deref(),
                    e.verifier.as_str(),
                    e.county_value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                (None, Some("68%"), "张审核", "75%"),
                (Some("68%"), Some("70%"), "王五", "75%"),
                (Some("70%"), None, "张审核", "75%"),
            ]
        );
        assert_eq!(log[1].from_verifier.as_deref(), Some("张审核"));
        assert_eq!(store.last_verified_event().unwrap(), 3);
        assert!(store.conn.execute("DELETE FROM verified_log", []).is_err());
        assert!(
            store
                .conn
                .execute("UPDATE verified_log SET to_value = '1%'", [])
                .is_err()
        );
    }

    #[test]
    fn refused_without_a_submission_a_reason_or_a_difference() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let e = store
            .write_verified(&verify("1.2", Some(("68%", 68.0)), "x"), &who())
            .unwrap_err();
        assert!(
            matches!(e.downcast_ref(), Some(VerifyError::NothingSubmitted { .. })),
            "{e}"
        );
        store
            .import_submissions(&[row("1.2", "75%")], "a.csv", &who())
            .unwrap();
        let e = store
            .write_verified(&verify("1.2", Some(("68%", 68.0)), "  "), &who())
            .unwrap_err();
        assert_eq!(e.downcast_ref(), Some(&VerifyError::ReasonNeeded));
        let e = store
            .write_verified(&verify("1.2", Some(("75%", 75.0)), "x"), &who())
            .unwrap_err();
        assert!(
            e.to_string().contains("75% is the county's own figure"),
            "{e}"
        );
        // Not as the indicator writes its figures (another unit), or no number asked for.
        let e = store
            .write_verified(&verify("1.2", Some(("68元", 68.0)), "x"), &who())
            .unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(VerifyError::NoNumber { .. })
        ));
        let e = store
            .write_verified(&verify("1.1", Some(("1", 1.0)), "x"), &who())
            .unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(VerifyError::NoNumber { .. })
        ));
        assert!(store.verified_figures().unwrap().is_empty());
        assert_eq!(store.last_verified_event().unwrap(), 0);
    }

    #[test]
    fn a_figure_seen_that_is_no_longer_there_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .import_submissions(&[row("1.2", "75%")], "a.csv", &who())
            .unwrap();
        saved(
            store
                .write_verified(&verify("1.2", Some(("70%", 70.0)), "复核台账"), &wang())
                .unwrap(),
        );
        // Opened on nothing, saved after 王五 recorded his: not written over.
        let mut mine = verify("1.2", Some(("68%", 68.0)), "台账只有 17 个");
        mine.seen = Some(None);
        let VerifyWritten::Conflict { now } = store.write_verified(&mine, &who()).unwrap() else {
            panic!("written over a figure not seen");
        };
        assert_eq!(now.verified.unwrap().value, "70%");
        // Seen (and asked about): written.
        mine.seen = Some(Some(Seen {
            value: "70%".into(),
            by: "王五".into(),
        }));
        let (change, _) = saved(store.write_verified(&mine, &who()).unwrap());
        assert!(change.written);
    }

    #[test]
    fn a_lock_refuses_a_verified_figure_and_a_new_sheet_outdates_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .import_submissions(&[row("1.2", "75%")], "a.csv", &who())
            .unwrap();
        saved(
            store
                .write_verified(&verify("1.2", Some(("68%", 68.0)), "台账"), &who())
                .unwrap(),
        );
        store
            .import_submissions(&[row("1.2", "72%")], "b.csv", &who())
            .unwrap();
        let item = store.item("330802", "1.2").unwrap();
        let v = item.verified.clone().unwrap();
        assert!(
            v.outdated(item.value.as_deref()),
            "the county sent 72% since"
        );
        store
            .lock(Some(1), "", &crate::test_support::lead())
            .unwrap();
        let e = store
            .write_verified(&verify("1.2", None, ""), &who())
            .unwrap_err();
        assert!(e.is::<crate::Locked>(), "{e}");
        // The triggers refuse it too.
        let e = store
            .conn
            .execute("DELETE FROM verified_figures", [])
            .unwrap_err();
        assert!(e.to_string().contains("已审定"), "{e}");
        assert_eq!(store.verified_figures().unwrap().len(), 1);
    }
}
