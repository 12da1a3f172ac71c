//! Reviews: the one way a verdict or note is written, checked against what the writer last
//! saw, logged, and answered with the item as it now stands.

use crate::items::{read_item, verdict_at};
use crate::locks::{Covered, refuse_locked};
use crate::{Reviewer, Store, notes, now, stale, workspace};
use anyhow::{Context, Result};
use kaohe_core::item::Item;
use kaohe_core::model::Verdict;
use rusqlite::{OptionalExtension, Transaction, params};

/// One review to write. Built with [`ReviewWrite::new`] and the setters below; what is not
/// set is left as the item has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewWrite {
    pub county_code: String,
    pub indicator_id: String,
    /// `Some(None)` clears the verdict; `None` leaves it as it is.
    pub verdict: Option<Option<Verdict>>,
    /// The writer's own note on the item, in its thread: `None` leaves it as it is. It
    /// replaces their note when theirs is the thread's latest, else goes below the others'
    /// as a new one; an empty text takes their latest note away. Nobody else's note is ever
    /// changed.
    pub note: Option<String>,
    /// What the item must still hold for the write to go ahead: undo, redo and a note typed
    /// over minutes must not overwrite what someone else changed meanwhile.
    pub expected: Expected,
    /// An undo or redo puts a verdict back on the figure it was given on (the submission
    /// revision then), so a verdict given before a re-import stays marked changed since
    /// reviewed.
    pub put_back_revision: Option<i64>,
    /// A note typed in the workspace: the reviewer's draft of it goes in the same
    /// transaction, so either the note is saved and the draft gone, or the draft is still
    /// there.
    pub drops_draft: bool,
    /// An undo or redo puts a verdict back under whoever gave it, and when: a colleague's
    /// verdict put back is theirs again, not the undoer's.
    pub put_back_by: Option<GivenBy>,
}

/// Who gave a verdict (name and OS account), and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenBy {
    pub reviewer: String,
    pub account: String,
    pub at: String,
}

impl ReviewWrite {
    pub fn new(county_code: &str, indicator_id: &str) -> ReviewWrite {
        ReviewWrite {
            county_code: county_code.to_string(),
            indicator_id: indicator_id.to_string(),
            ..ReviewWrite::default()
        }
    }

    /// Sets the verdict (`None` clears it).
    pub fn verdict(self, verdict: Option<Verdict>) -> ReviewWrite {
        ReviewWrite {
            verdict: Some(verdict),
            ..self
        }
    }

    pub fn note(self, note: &str) -> ReviewWrite {
        ReviewWrite {
            note: Some(note.to_string()),
            ..self
        }
    }

    pub fn expecting(self, expected: Expected) -> ReviewWrite {
        ReviewWrite { expected, ..self }
    }

    pub fn putting_back(self, revision: Option<i64>) -> ReviewWrite {
        ReviewWrite {
            put_back_revision: revision,
            ..self
        }
    }

    pub fn putting_back_by(self, by: Option<GivenBy>) -> ReviewWrite {
        ReviewWrite {
            put_back_by: by,
            ..self
        }
    }

    pub fn dropping_draft(self) -> ReviewWrite {
        ReviewWrite {
            drops_draft: true,
            ..self
        }
    }
}

/// What a [`ReviewWrite`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// Written (or nothing to write: `change.changed()` says which), and the item as it now
    /// stands.
    Saved { change: ReviewChange, item: Item },
    /// The item no longer holds what the writer expected (someone else changed it): nothing
    /// was written; `now` is the item as it stands.
    Conflict { now: Item },
}

impl Store {
    /// Writes one review in its own transaction (see [`ReviewWrite`]).
    pub fn write_review(&mut self, write: &ReviewWrite, who: &Reviewer) -> Result<Written> {
        let mut written = self.write_reviews(std::slice::from_ref(write), who)?;
        written.pop().context("no answer for the review written")
    }

    /// Writes several reviews in one transaction: all that hold what they expect are written,
    /// or (on an error) none. Each answers [`Written`].
    pub fn write_reviews(
        &mut self,
        writes: &[ReviewWrite],
        who: &Reviewer,
    ) -> Result<Vec<Written>> {
        let path = self.path().display().to_string();
        let tx = self.write()?;
        let mut answers = Vec::with_capacity(writes.len());
        for write in writes {
            answers.push(write_in(&tx, write, who)?);
        }
        let what = match writes {
            [one] if one.drops_draft => "the note",
            [_] => "the review",
            _ => "the reviews",
        };
        tx.commit()
            .with_context(|| format!("cannot save {what} into {path}"))?;
        Ok(answers)
    }
}

fn write_in(tx: &Transaction<'_>, write: &ReviewWrite, who: &Reviewer) -> Result<Written> {
    let (county_code, indicator_id) = (write.county_code.as_str(), write.indicator_id.as_str());
    refuse_locked(tx, Covered::Indicator(indicator_id))?;
    if !holds_expected(tx, county_code, indicator_id, &write.expected, who)? {
        return Ok(Written::Conflict {
            now: read_item(tx, county_code, indicator_id)?,
        });
    }
    let mut change = review_in(
        tx,
        county_code,
        indicator_id,
        write.verdict,
        write.note.as_deref(),
        who,
    )?;
    if let (Some(revision), Some(_), Some(_)) = (write.put_back_revision, write.verdict, change.to)
    {
        tx.execute(
            "UPDATE reviews SET revision = ?3 WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id, revision],
        )?;
        change.to_revision = Some(revision);
    }
    if let (Some(by), Some(_), Some(_), true) = (
        &write.put_back_by,
        write.verdict,
        change.to,
        change.changed(),
    ) {
        tx.execute(
            "UPDATE reviews SET reviewer = ?3, account = ?4, reviewed_at = ?5
             WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id, by.reviewer, by.account, by.at],
        )?;
    }
    if write.drops_draft {
        workspace::drop_draft(tx, who, county_code, indicator_id)?;
    }
    Ok(Written::Saved {
        change,
        item: read_item(tx, county_code, indicator_id)?,
    })
}

/// What a conditional write expects the item to hold; `None` parts are not checked. `note` is
/// the writer's own note (see [`ReviewWrite::note`]): theirs when it is the thread's latest,
/// else empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    pub verdict: Option<Option<Verdict>>,
    pub note: Option<String>,
}

/// Whether the item still holds what the writer expects.
fn holds_expected(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
    expected: &Expected,
    who: &Reviewer,
) -> Result<bool> {
    if let Some(verdict) = expected.verdict {
        if verdict != current_verdict(tx, county_code, indicator_id)? {
            return Ok(false);
        }
    }
    if let Some(note) = &expected.note {
        return Ok(*note == notes::own(tx, county_code, indicator_id, who)?);
    }
    Ok(true)
}

/// The verdict an item holds now (none when it has no review).
fn current_verdict(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<Verdict>> {
    let current: Option<Option<Verdict>> = tx
        .query_row(
            "SELECT verdict FROM reviews WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id],
            |r| verdict_at(r, 0),
        )
        .optional()?;
    Ok(current.flatten())
}

/// Who gave an item's verdict, and when, if it has one.
fn given_by(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<GivenBy>> {
    Ok(tx
        .query_row(
            "SELECT reviewer, account, reviewed_at FROM reviews
             WHERE county_code = ?1 AND indicator_id = ?2 AND verdict IS NOT NULL",
            params![county_code, indicator_id],
            |r| {
                Ok(GivenBy {
                    reviewer: r.get(0)?,
                    account: r.get(1)?,
                    at: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// The submission revision an item's review was given on, if it has a review.
fn review_revision(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<i64>> {
    Ok(tx
        .query_row(
            "SELECT revision FROM reviews WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// One review written inside the caller's write transaction, logged; nothing is written
/// when nothing changes. The note is the writer's own, in the item's thread: the verdict's
/// reviewer changes only with the verdict, and a note never goes under another name.
fn review_in(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
    verdict: Option<Option<Verdict>>,
    note: Option<&str>,
    who: &Reviewer,
) -> Result<ReviewChange> {
    let from_verdict = current_verdict(tx, county_code, indicator_id)?;
    let from_note = notes::own(tx, county_code, indicator_id, who)?;
    let from_revision = review_revision(tx, county_code, indicator_id)?;
    let from_by = given_by(tx, county_code, indicator_id)?;
    let to_verdict = verdict.unwrap_or(from_verdict);
    let to_note = note.map_or_else(|| from_note.clone(), str::to_string);
    // The same verdict given again on a figure changed since is a review of the new figure.
    let confirmed = to_verdict.is_some()
        && verdict.is_some()
        && from_verdict == to_verdict
        && stale::item_changed_since_review(tx, county_code, indicator_id)?;
    let change = ReviewChange {
        from: from_verdict,
        to: to_verdict,
        from_note: from_note.clone(),
        note: to_note.clone(),
        confirmed,
        from_revision,
        to_revision: from_revision,
        from_by,
    };
    if !change.changed() {
        return Ok(change);
    }
    let at = now();
    if to_note != from_note {
        notes::set_own(tx, county_code, indicator_id, &to_note, who, &at)?;
    }
    let latest = notes::latest(tx, county_code, indicator_id)?;
    // The verdict is given (and so is under this reviewer) only when it changes, or is given
    // again on a changed figure: the same verdict with a note of one's own leaves it the
    // colleague's who gave it.
    let gives_verdict = verdict.is_some() && (from_verdict != to_verdict || confirmed);
    if to_verdict.is_none() && latest.is_empty() {
        tx.execute(
            "DELETE FROM reviews WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id],
        )?;
    } else {
        tx.execute(
            // A verdict given is given on the figure there now: its revision is recorded. A
            // note alone leaves the verdict, the figure it was given on, who gave it and when,
            // as they were; an item with no verdict is under whoever wrote on it last.
            "INSERT INTO reviews (county_code, indicator_id, verdict, note, reviewer, account,
                 reviewed_at, revision)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE((SELECT revision FROM submissions
                 WHERE county_code = ?1 AND indicator_id = ?2), 0))
             ON CONFLICT (county_code, indicator_id) DO UPDATE SET
                 verdict = excluded.verdict, note = excluded.note,
                 reviewer = CASE WHEN ?9 OR reviews.verdict IS NULL
                     THEN excluded.reviewer ELSE reviews.reviewer END,
                 account = CASE WHEN ?9 OR reviews.verdict IS NULL
                     THEN excluded.account ELSE reviews.account END,
                 reviewed_at = CASE WHEN ?9 OR reviews.verdict IS NULL
                     THEN excluded.reviewed_at ELSE reviews.reviewed_at END,
                 revision = CASE WHEN ?8 THEN excluded.revision ELSE reviews.revision END",
            params![
                county_code,
                indicator_id,
                to_verdict.map(Verdict::as_str),
                latest,
                who.name,
                who.account,
                at,
                verdict.is_some(),
                gives_verdict
            ],
        )?;
    }
    tx.execute(
        "INSERT INTO review_log (at, reviewer, account, county_code, indicator_id,
             from_verdict, to_verdict, from_note, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            at,
            who.name,
            who.account,
            county_code,
            indicator_id,
            from_verdict.map(Verdict::as_str),
            to_verdict.map(Verdict::as_str),
            from_note,
            to_note
        ],
    )?;
    Ok(ReviewChange {
        to_revision: review_revision(tx, county_code, indicator_id)?,
        ..change
    })
}

/// A verdict or note change, as the log records it. The notes are the writer's own note
/// before and after (see [`ReviewWrite::note`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewChange {
    pub from: Option<Verdict>,
    pub to: Option<Verdict>,
    pub from_note: String,
    pub note: String,
    /// The same verdict given again on a figure that changed since it was given.
    pub confirmed: bool,
    /// The submission revision the review was given on, before and after (none without a
    /// review): what an undo or redo puts back.
    pub from_revision: Option<i64>,
    pub to_revision: Option<i64>,
    /// Who gave the verdict before, and when (none without a verdict): what an undo puts
    /// back with it. (After, it is the writer's, now.)
    pub from_by: Option<GivenBy>,
}

impl ReviewChange {
    pub fn changed(&self) -> bool {
        self.from != self.to || self.from_note != self.note || self.confirmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Changed, Reviews, new_store, who};

    #[test]
    fn a_write_answers_the_item_as_it_now_stands_or_as_someone_else_left_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        let mark = ReviewWrite::new("330802", "1.1")
            .verdict(Some(Verdict::Met))
            .note("台账齐全");
        let Written::Saved { change, item } = store.write_review(&mark, &w).unwrap() else {
            panic!("a write expecting nothing met a conflict");
        };
        assert_eq!((change.from, change.to), (None, Some(Verdict::Met)));
        assert_eq!(item.verdict, Some(Verdict::Met));
        assert_eq!(item.note.as_deref(), Some("台账齐全"));
        assert_eq!(item.reviewer.as_deref(), Some("张审核"));
        assert_eq!(item, store.item("330802", "1.1").unwrap());
        // A write that expects the item still unreviewed meets the verdict just given: it is
        // answered with the item as it stands, and nothing is written.
        let late = ReviewWrite::new("330802", "1.1")
            .verdict(Some(Verdict::NotMet))
            .expecting(Expected {
                verdict: Some(None),
                note: None,
            });
        let Written::Conflict { now } = store.write_review(&late, &w).unwrap() else {
            panic!("a write over a change it did not see was saved");
        };
        assert_eq!(now, item);
        assert_eq!(store.log().unwrap().len(), 1);
    }

    #[test]
    fn an_undo_puts_a_colleagues_verdict_back_under_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let wang = Reviewer {
            name: "王五".into(),
            account: "wang".into(),
        };
        let li = Reviewer {
            name: "李四".into(),
            account: "li".into(),
        };
        let mark = ReviewWrite::new("330824", "4.2").verdict(Some(Verdict::PartlyMet));
        store.write_review(&mark, &wang).unwrap();
        let theirs = store.item("330824", "4.2").unwrap();
        let over = ReviewWrite::new("330824", "4.2")
            .verdict(Some(Verdict::Met))
            .expecting(Expected {
                verdict: Some(Some(Verdict::PartlyMet)),
                note: None,
            });
        let Written::Saved { change, item } = store.write_review(&over, &li).unwrap() else {
            panic!("nothing changed it meanwhile");
        };
        assert_eq!(item.reviewer.as_deref(), Some("李四"));
        let by = change.from_by.clone().unwrap();
        assert_eq!(
            (by.reviewer.as_str(), by.account.as_str()),
            ("王五", "wang")
        );
        assert_eq!(Some(by.at.clone()), theirs.reviewed_at);
        // 李四 undoes it: the verdict is 王五's again, given when he gave it.
        let undo = ReviewWrite::new("330824", "4.2")
            .verdict(Some(Verdict::PartlyMet))
            .expecting(Expected {
                verdict: Some(Some(Verdict::Met)),
                note: Some(String::new()),
            })
            .putting_back_by(change.from_by);
        let Written::Saved { change, item } = store.write_review(&undo, &li).unwrap() else {
            panic!("nothing changed it meanwhile");
        };
        assert_eq!(item.verdict, Some(Verdict::PartlyMet));
        assert_eq!(item.reviewer.as_deref(), Some("王五"));
        assert_eq!(item.reviewed_at, theirs.reviewed_at);
        assert_eq!(change.from_by.map(|b| b.reviewer), Some("李四".to_string()));
        // The undo itself is 李四's act, in the log.
        assert_eq!(store.log().unwrap().last().unwrap().reviewer, "李四");
    }

    #[test]
    fn a_batch_writes_what_still_holds_what_was_seen_and_answers_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        // 龙游县 was marked by someone else after the writer saw it unreviewed.
        store
            .review("330825", "1.1", Some(Some(Verdict::Met)), None, &w)
            .unwrap();
        let unseen = Expected {
            verdict: Some(None),
            note: None,
        };
        let batch: Vec<ReviewWrite> = ["330802", "330825", "330803"]
            .iter()
            .map(|c| {
                ReviewWrite::new(c, "1.1")
                    .verdict(Some(Verdict::NotMet))
                    .expecting(unseen.clone())
            })
            .collect();
        let answers = store.write_reviews(&batch, &w).unwrap();
        assert!(matches!(answers[0], Written::Saved { .. }));
        let Written::Conflict { now } = &answers[1] else {
            panic!("a change it did not see was overwritten");
        };
        assert_eq!(now.verdict, Some(Verdict::Met));
        assert!(matches!(answers[2], Written::Saved { .. }));
        assert_eq!(
            store.item("330825", "1.1").unwrap().verdict,
            Some(Verdict::Met)
        );
        assert_eq!(
            store.item("330803", "1.1").unwrap().verdict,
            Some(Verdict::NotMet)
        );
        assert_eq!(store.log().unwrap().len(), 3, "two written, one left alone");
    }

    #[test]
    fn reviews_are_logged_change_by_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let w = who();
        let c = store
            .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
            .unwrap();
        assert!(c.changed());
        // The same again changes nothing and logs nothing.
        let c = store
            .review("330802", "1.2", Some(Some(Verdict::Met)), None, &w)
            .unwrap();
        assert!(!c.changed());
        store
            .review(
                "330802",
                "1.2",
                Some(Some(Verdict::NotMet)),
                Some("佐证材料不足"),
                &w,
            )
            .unwrap();
        store
            .review("330802", "1.2", None, Some("佐证材料不足,台账不全"), &w)
            .unwrap();
        store.review("330802", "1.2", Some(None), None, &w).unwrap();

        let log = store.log().unwrap();
        let steps: Vec<_> = log
            .iter()
            .map(|e| (e.from, e.to, e.note.as_str()))
            .collect();
        assert_eq!(
            steps,
            vec![
                (None, Some(Verdict::Met), ""),
                (Some(Verdict::Met), Some(Verdict::NotMet), "佐证材料不足"),
                (
                    Some(Verdict::NotMet),
                    Some(Verdict::NotMet),
                    "佐证材料不足,台账不全"
                ),
                (Some(Verdict::NotMet), None, "佐证材料不足,台账不全"),
            ]
        );
        assert!(
            log.iter()
                .all(|e| e.reviewer == "张审核" && e.account == "zhang")
        );
        assert!(
            log.iter()
                .all(|e| chrono::DateTime::parse_from_rfc3339(&e.at).is_ok())
        );

        // A cleared verdict keeps its note.
        let item = store
            .items()
            .unwrap()
            .into_iter()
            .find(|i| i.county_code == "330802" && i.indicator == "1.2")
            .unwrap();
        assert_eq!(item.verdict, None);
        assert_eq!(item.note.as_deref(), Some("佐证材料不足,台账不全"));
    }

    #[test]
    fn a_conditional_review_never_overwrites_a_change_it_did_not_see() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .review("330802", "1.1", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        // Someone else changes it.
        store
            .review(
                "330802",
                "1.1",
                Some(Some(Verdict::NotMet)),
                Some("复核"),
                &who(),
            )
            .unwrap();
        let e = store
            .review_if(
                "330802",
                "1.1",
                &Expected {
                    verdict: Some(Some(Verdict::Met)),
                    note: Some(String::new()),
                },
                Some(None),
                Some(""),
                None,
                &who(),
            )
            .unwrap_err();
        assert!(e.is::<Changed>());
        assert_eq!(store.log().unwrap().len(), 2, "nothing written");
        let change = store
            .review_if(
                "330802",
                "1.1",
                &Expected {
                    verdict: Some(Some(Verdict::NotMet)),
                    note: Some("复核".into()),
                },
                Some(None),
                Some(""),
                None,
                &who(),
            )
            .unwrap();
        assert_eq!(change.to, None);
        assert_eq!(store.log().unwrap().len(), 3);
    }

    #[test]
    fn a_note_typed_over_another_reviewers_new_note_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        // Editing began on an empty note; meanwhile someone wrote one.
        store
            .review("330802", "1.1", None, Some("他人的备注"), &who())
            .unwrap();
        let expected = Expected {
            verdict: None,
            note: Some(String::new()),
        };
        let e = store
            .save_note("330802", "1.1", "我的备注", &expected, &who())
            .unwrap_err();
        assert!(e.is::<Changed>());
        assert_eq!(
            store.item("330802", "1.1").unwrap().note.as_deref(),
            Some("他人的备注")
        );
    }
}
