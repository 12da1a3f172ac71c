//! The second review (复核): a checker confirms an item's first verdict (初审) or changes it
//! with a reason. The first verdict stays in `reviews`; the second is kept beside it with the
//! first verdict it was given on, so both are kept, and a first verdict changed since shows
//! as wanting another look. Every decision is logged, append-only.
//!
//! Who may check is decided here, inside the write: a registered, active checker or lead
//! (anyone without a registry), never the reviewer of the first verdict; and nothing a lock
//! covers.

use crate::items::{read_item, verdict_at};
use crate::locks::{Acting, Covered, refuse_locked};
use crate::{Store, now};
use anyhow::{Context, Result};
use kaohe_core::item::Item;
use kaohe_core::model::{Role, Verdict};
use kaohe_core::stages::Decision;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

/// One second review to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckWrite {
    pub county_code: String,
    pub indicator_id: String,
    pub decision: Decision,
    /// Needed for a change; a remark for an agreement.
    pub reason: String,
    /// The first verdict the checker saw: if it is no longer the item's, nothing is written
    /// ([`Checked::Conflict`]). `None` takes it as it stands (the command line names the
    /// decision, not what it saw).
    pub first_seen: Option<Verdict>,
}

/// What a [`CheckWrite`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// Written (or the same decision again: `change.written` says which), and the item as it
    /// now stands.
    Saved { change: CheckChange, item: Item },
    /// The first verdict changed since the checker saw it: nothing was written.
    Conflict { now: Item },
}

/// A second review as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckChange {
    /// The first verdict, and who gave it.
    pub first: Verdict,
    pub first_reviewer: String,
    /// The second verdict on it before (none where there was none on this first verdict).
    pub from: Option<Verdict>,
    pub to: Verdict,
    pub written: bool,
}

impl CheckChange {
    /// The checker agreed with the first verdict.
    pub fn agreed(&self) -> bool {
        self.first == self.to
    }
}

/// The second review of an item as the workspace keeps it: the verdict, and the first
/// verdict it was given on (the first verdict changed since if they differ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckState {
    pub county_code: String,
    pub indicator_id: String,
    pub verdict: Verdict,
    pub first_verdict: Verdict,
    pub checker: String,
}

/// One event of the check log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckEvent {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub checker: String,
    pub account: String,
    pub county_code: String,
    pub indicator: String,
    pub first_verdict: Verdict,
    pub first_reviewer: String,
    pub from: Option<Verdict>,
    pub to: Verdict,
    pub reason: String,
    /// The review log's last event when this was written: the logs' one order.
    #[serde(skip)]
    pub review_seq: i64,
}

/// The second review's refusals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error(
        "{county_code} × {indicator_id} has no first verdict (初审) yet: 复核 checks a verdict given; it is marked first (kaohe mark)"
    )]
    NotMarked {
        county_code: String,
        indicator_id: String,
    },
    #[error(
        "{county_code} × {indicator_id}: the first verdict (初审) is {reviewer}'s own; 复核 is someone else's"
    )]
    OwnFirstReview {
        county_code: String,
        indicator_id: String,
        reviewer: String,
    },
    #[error(
        "复核 is for a checker or a lead: {name} is registered as {role}; the database's owner or a lead changes that with: kaohe reviewers add ACCOUNT --role checker"
    )]
    NotChecker { name: String, role: &'static str },
    #[error(
        "account {account} is not an active reviewer in this database's registry, so it cannot do 复核"
    )]
    NotRegistered { account: String },
    #[error(
        "changing the verdict in 复核 needs a reason: --reason TEXT (in the workspace, the note editor opens for it)"
    )]
    ReasonNeeded,
}

/// Where an account stands with the registry, as a write sees it.
pub(crate) enum Standing {
    NoRegistry,
    Active(Role),
    Unregistered,
}

/// `uid`'s standing with the registry inside the caller's transaction.
pub(crate) fn standing_in(conn: &Connection, uid: u32) -> Result<Standing> {
    let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM reviewers)", [], |r| r.get(0))?;
    if !any {
        return Ok(Standing::NoRegistry);
    }
    let entry: Option<(String, bool)> = conn
        .query_row(
            "SELECT role, active FROM reviewers WHERE uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match entry {
        Some((role, true)) => Standing::Active(
            role.parse::<Role>()
                .map_err(|e| anyhow::anyhow!("the registry: {e}"))?,
        ),
        _ => Standing::Unregistered,
    })
}

/// The item's first verdict and who gave it (name, account), if it has one.
fn first_review(
    tx: &Transaction<'_>,
    county_code: &str,
    indicator_id: &str,
) -> Result<Option<(Verdict, String, String)>> {
    let row: Option<(Option<Verdict>, String, String)> = tx
        .query_row(
            "SELECT verdict, reviewer, account FROM reviews
             WHERE county_code = ?1 AND indicator_id = ?2",
            params![county_code, indicator_id],
            |r| Ok((verdict_at(r, 0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.and_then(|(v, name, account)| Some((v?, name, account))))
}

fn check_state_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<CheckState> {
    Ok(CheckState {
        county_code: r.get(0)?,
        indicator_id: r.get(1)?,
        verdict: required(r, 2)?,
        first_verdict: required(r, 3)?,
        checker: r.get(4)?,
    })
}

fn required(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Verdict> {
    verdict_at(r, index)?.ok_or(rusqlite::Error::InvalidColumnType(
        index,
        "verdict".into(),
        rusqlite::types::Type::Null,
    ))
}

const STATE_SELECT: &str =
    "SELECT county_code, indicator_id, verdict, first_verdict, checker FROM second_reviews";

impl Store {
    /// Writes one second review in its own transaction (see [`CheckWrite`]), logged. Refused
    /// ([`CheckError`], [`crate::Locked`]) where the item has no first verdict, the first
    /// verdict is the checker's own, the checker may not check, a change has no reason, or a
    /// lock covers the item.
    pub fn write_check(&mut self, write: &CheckWrite, by: &Acting) -> Result<Checked> {
        let path = self.path.display().to_string();
        let (county_code, indicator_id) = (write.county_code.as_str(), write.indicator_id.as_str());
        let tx = self.write()?;
        refuse_locked(&tx, Covered::Indicator(indicator_id))?;
        let registry = match standing_in(&tx, by.uid)? {
            Standing::NoRegistry => false,
            Standing::Active(Role::Checker | Role::Lead) => true,
            Standing::Active(role) => {
                return Err(CheckError::NotChecker {
                    name: by.who.name.clone(),
                    role: role.as_str(),
                }
                .into());
            }
            Standing::Unregistered => {
                return Err(CheckError::NotRegistered {
                    account: by.who.account.clone(),
                }
                .into());
            }
        };
        let Some((first, first_reviewer, first_account)) =
            first_review(&tx, county_code, indicator_id)?
        else {
            // Read first: an item that does not exist is named as such.
            read_item(&tx, county_code, indicator_id)?;
            return Err(CheckError::NotMarked {
                county_code: county_code.to_string(),
                indicator_id: indicator_id.to_string(),
            }
            .into());
        };
        if write.first_seen.is_some_and(|seen| seen != first) {
            return Ok(Checked::Conflict {
                now: read_item(&tx, county_code, indicator_id)?,
            });
        }
        // Without a registry a name is who someone is (colleagues may share a login); with
        // one, the account is, whatever name it had then.
        if first_reviewer == by.who.name || (registry && first_account == by.who.account) {
            return Err(CheckError::OwnFirstReview {
                county_code: county_code.to_string(),
                indicator_id: indicator_id.to_string(),
                reviewer: first_reviewer,
            }
            .into());
        }
        let decision = write.decision.on(first);
        let reason = write.reason.trim();
        if matches!(decision, Decision::Change(_)) && reason.is_empty() {
            return Err(CheckError::ReasonNeeded.into());
        }
        let to = decision.verdict(first);
        let held: Option<(Verdict, Verdict, String, String)> = tx
            .query_row(
                "SELECT verdict, first_verdict, reason, checker FROM second_reviews
                 WHERE county_code = ?1 AND indicator_id = ?2",
                params![county_code, indicator_id],
                |r| Ok((required(r, 0)?, required(r, 1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        // The second verdict on this first verdict, if there is one.
        let from = held.as_ref().filter(|h| h.1 == first).map(|h| h.0);
        let same = held.as_ref().is_some_and(|(v, f, r, c)| {
            (*v, *f, r.as_str(), c.as_str()) == (to, first, reason, by.who.name.as_str())
        });
        let mut change = CheckChange {
            first,
            first_reviewer: first_reviewer.clone(),
            from,
            to,
            written: false,
        };
        if !same {
            let at = now();
            tx.execute(
                "INSERT INTO second_reviews (county_code, indicator_id, verdict, first_verdict,
                     first_reviewer, first_account, reason, checker, account, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (county_code, indicator_id) DO UPDATE SET
                     verdict = excluded.verdict, first_verdict = excluded.first_verdict,
                     first_reviewer = excluded.first_reviewer,
                     first_account = excluded.first_account, reason = excluded.reason,
                     checker = excluded.checker, account = excluded.account,
                     checked_at = excluded.checked_at",
                params![
                    county_code,
                    indicator_id,
                    to.as_str(),
                    first.as_str(),
                    first_reviewer,
                    first_account,
                    reason,
                    by.who.name,
                    by.who.account,
                    at
                ],
            )?;
            tx.execute(
                "INSERT INTO check_log (at, checker, account, county_code, indicator_id,
                     first_verdict, first_reviewer, from_verdict, to_verdict, reason, review_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                     (SELECT COALESCE(MAX(seq), 0) FROM review_log))",
                params![
                    at,
                    by.who.name,
                    by.who.account,
                    county_code,
                    indicator_id,
                    first.as_str(),
                    first_reviewer,
                    from.map(Verdict::as_str),
                    to.as_str(),
                    reason
                ],
            )?;
            change.written = true;
        }
        let item = read_item(&tx, county_code, indicator_id)?;
        tx.commit()
            .with_context(|| format!("cannot save the second review into {path}"))?;
        Ok(Checked::Saved { change, item })
    }

    /// Every second review kept (those on a first verdict changed since too): what the
    /// workspace keeps of them.
    pub fn check_states(&self) -> Result<Vec<CheckState>> {
        let mut stmt = self.conn.prepare(STATE_SELECT)?;
        let rows = stmt.query_map([], check_state_of)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One item's second review, if it has one.
    pub fn check_state(&self, county_code: &str, indicator_id: &str) -> Result<Option<CheckState>> {
        Ok(self
            .conn
            .query_row(
                &format!("{STATE_SELECT} WHERE county_code = ?1 AND indicator_id = ?2"),
                params![county_code, indicator_id],
                check_state_of,
            )
            .optional()?)
    }

    /// The check log's events after `after`, oldest first.
    pub fn check_log_after(&self, after: i64) -> Result<Vec<CheckEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, checker, account, county_code, indicator_id, first_verdict,
                    first_reviewer, from_verdict, to_verdict, reason, review_seq
             FROM check_log WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([after], |r| {
            Ok(CheckEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                checker: r.get(2)?,
                account: r.get(3)?,
                county_code: r.get(4)?,
                indicator: r.get(5)?,
                first_verdict: required(r, 6)?,
                first_reviewer: r.get(7)?,
                from: verdict_at(r, 8)?,
                to: required(r, 9)?,
                reason: r.get(10)?,
                review_seq: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the last check event (0 when none).
    pub fn last_check_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM check_log", [], |r| {
                r.get(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Reviewer;
    use crate::test_support::{Reviews, new_store, who};
    use Verdict::{Met, NotMet, PartlyMet};

    fn checker() -> Acting {
        Acting {
            uid: 7,
            who: Reviewer {
                name: "李四".into(),
                account: "lisi".into(),
            },
        }
    }

    fn check(indicator: &str, decision: Decision, reason: &str) -> CheckWrite {
        CheckWrite {
            county_code: "330802".into(),
            indicator_id: indicator.into(),
            decision,
            reason: reason.into(),
            first_seen: None,
        }
    }

    fn saved(c: Checked) -> (CheckChange, Item) {
        match c {
            Checked::Saved { change, item } => (change, item),
            Checked::Conflict { .. } => panic!("a conflict"),
        }
    }

    #[test]
    fn both_verdicts_are_kept_and_the_second_counts() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .review("330802", "1.1", Some(Some(Met)), Some("台账齐全"), &who())
            .unwrap();
        store
            .review("330802", "1.2", Some(Some(Met)), None, &who())
            .unwrap();
        let (change, item) = saved(
            store
                .write_check(
                    &check("1.1", Decision::Change(NotMet), "督导记录不全"),
                    &checker(),
                )
                .unwrap(),
        );
        assert!(change.written && !change.agreed());
        assert_eq!((change.first, change.to), (Met, NotMet));
        // The first verdict and its reviewer stay; the second is beside it.
        assert_eq!(item.verdict, Some(Met));
        assert_eq!(item.reviewer.as_deref(), Some("张审核"));
        assert_eq!(item.stages.second_verdict, Some(NotMet));
        assert_eq!(item.stages.checker.as_deref(), Some("李四"));
        assert_eq!(item.stages.check_reason.as_deref(), Some("督导记录不全"));
        assert_eq!(item.result(), Some(NotMet));
        let (change, item) = saved(
            store
                .write_check(&check("1.2", Decision::Confirm, ""), &checker())
                .unwrap(),
        );
        assert!(change.agreed());
        assert_eq!(item.stages.check_reason, None);
        // The status counts the verdict that counts.
        let status = store.status().unwrap();
        assert_eq!((status.progress.met, status.progress.not_met), (1, 1));
        // The same decision again writes nothing.
        let (change, _) = saved(
            store
                .write_check(&check("1.2", Decision::Change(Met), ""), &checker())
                .unwrap(),
        );
        assert!(!change.written);
        let log = store.check_log_after(0).unwrap();
        let steps: Vec<(&str, Verdict, Option<Verdict>, Verdict, &str)> = log
            .iter()
            .map(|e| {
                (
                    e.indicator.as_str(),
                    e.first_verdict,
                    e.from,
                    e.to,
                    e.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("1.1", Met, None, NotMet, "督导记录不全"),
                ("1.2", Met, None, Met, "")
            ]
        );
        assert!(
            log.iter()
                .all(|e| e.first_reviewer == "张审核" && e.checker == "李四")
        );
        assert!(store.conn.execute("DELETE FROM check_log", []).is_err());
    }

    #[test]
    fn a_change_needs_a_reason_and_ones_own_first_review_is_not_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let e = store
            .write_check(&check("1.1", Decision::Confirm, ""), &checker())
            .unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(CheckError::NotMarked { .. })
        ));
        store
            .review("330802", "1.1", Some(Some(Met)), None, &who())
            .unwrap();
        let e = store
            .write_check(&check("1.1", Decision::Change(PartlyMet), "  "), &checker())
            .unwrap_err();
        assert_eq!(e.downcast_ref(), Some(&CheckError::ReasonNeeded));
        let me = Acting { uid: 1, who: who() };
        let e = store
            .write_check(&check("1.1", Decision::Confirm, ""), &me)
            .unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(CheckError::OwnFirstReview { .. })
        ));
        assert!(store.check_states().unwrap().is_empty());
        assert_eq!(store.last_check_event().unwrap(), 0);
    }

    #[test]
    fn a_first_verdict_changed_since_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .review("330802", "1.1", Some(Some(Met)), None, &who())
            .unwrap();
        let mut write = check("1.1", Decision::Confirm, "");
        write.first_seen = Some(NotMet);
        let Checked::Conflict { now } = store.write_check(&write, &checker()).unwrap() else {
            panic!("a check of a verdict no longer there was written");
        };
        assert_eq!(now.verdict, Some(Met));
        write.first_seen = Some(Met);
        saved(store.write_check(&write, &checker()).unwrap());
        // The first verdict changes: the second review no longer shows on it, nor counts.
        store
            .review("330802", "1.1", Some(Some(PartlyMet)), None, &who())
            .unwrap();
        let item = store.item("330802", "1.1").unwrap();
        assert_eq!(item.stages.second_verdict, None);
        assert_eq!(item.result(), Some(PartlyMet));
        let kept = store.check_state("330802", "1.1").unwrap().unwrap();
        assert_eq!((kept.verdict, kept.first_verdict), (Met, Met));
        // Checked again, the earlier decision is no `from`: it was on another first verdict.
        let (change, _) = saved(
            store
                .write_check(&check("1.1", Decision::Confirm, ""), &checker())
                .unwrap(),
        );
        assert_eq!((change.from, change.to), (None, PartlyMet));
    }

    #[test]
    fn a_lock_refuses_a_second_review() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .review("330802", "1.1", Some(Some(Met)), None, &who())
            .unwrap();
        store
            .lock(Some(1), "", &crate::test_support::lead())
            .unwrap();
        let e = store
            .write_check(&check("1.1", Decision::Confirm, ""), &checker())
            .unwrap_err();
        assert!(e.is::<crate::Locked>(), "{e}");
        assert!(store.check_states().unwrap().is_empty());
    }

    #[test]
    fn with_a_registry_only_a_checker_or_a_lead_checks() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .review("330802", "1.1", Some(Some(Met)), None, &who())
            .unwrap();
        let owner = crate::Registrar {
            uid: 1,
            who: who(),
            owner: true,
        };
        let register = |role: Role| crate::Registration {
            uid: 7,
            account: "lisi".into(),
            name: Some("李四".into()),
            division: None,
            role: Some(role),
        };
        store.register(&register(Role::Reviewer), &owner).unwrap();
        let e = store
            .write_check(&check("1.1", Decision::Confirm, ""), &checker())
            .unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(CheckError::NotChecker { .. })
        ));
        store.register(&register(Role::Checker), &owner).unwrap();
        saved(
            store
                .write_check(&check("1.1", Decision::Confirm, ""), &checker())
                .unwrap(),
        );
    }
}
