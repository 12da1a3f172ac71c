//! Sign-off (审定): a lead locks the whole assessment or one target, and while the lock holds
//! every write it covers is refused — here, inside the write's own transaction, by the one
//! check every write path calls ([`refuse_locked`]): reviews, second reviews, the rows of an
//! import, points. (Migration 12's triggers refuse the same writes again, should a path ever
//! miss the check.) Unlocking needs a reason; both are logged, append-only.
//!
//! Who may lock is decided inside the write too: a registered, active lead; anyone where the
//! database has no registry.

use crate::{Reviewer, Store, now};
use anyhow::{Context, Result};
use kaohe_core::lookup::SubmissionRow;
use kaohe_core::model::Role;
use kaohe_core::stages::{Lock, covering};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

/// Who does a stage's work (复核, 审定): the account's uid (the registry knows them by it) and
/// the name and account recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub uid: u32,
    pub who: Reviewer,
}

/// A write refused because a lock covers it: says who locked what, when, and how it is lifted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.refusal())]
pub struct Locked(pub Lock);

/// A row of an import in a locked target: the whole import is refused, naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line} ({county_code} × {indicator_id}): {}", .lock.refusal())]
pub struct LockedRow {
    pub file: String,
    pub line: u64,
    pub county_code: String,
    pub indicator_id: String,
    pub lock: Lock,
}

/// Locking's and unlocking's refusals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    #[error(
        "signing off (审定) is a lead's: {name} is registered as {role}; the database's owner or a lead makes a lead with: kaohe reviewers add ACCOUNT --role lead"
    )]
    NotLead { name: String, role: &'static str },
    #[error(
        "account {account} is not an active reviewer in this database's registry, so it cannot sign off (审定)"
    )]
    NotRegistered { account: String },
    #[error("{} is already signed off: {}", .0.scope_en(), .0.refusal())]
    AlreadyLocked(Lock),
    #[error("{scope} is not locked (`kaohe status --by stage` shows what is)")]
    NotLocked { scope: String },
    #[error("there is no target {id} in this database (`kaohe targets` lists them)")]
    UnknownTarget { id: u32 },
    #[error(
        "unlocking needs a reason, which is logged: --reason TEXT (why the signed-off result must change)"
    )]
    ReasonNeeded,
}

/// One event of the lock log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockEvent {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub by: String,
    pub account: String,
    /// `locked` or `unlocked`.
    pub action: String,
    /// `None`: the whole assessment.
    pub target: Option<u32>,
    pub reason: String,
    /// The review log's last event when this was written: the logs' one order.
    #[serde(skip)]
    pub review_seq: i64,
}

/// What a write would change, for [`refuse_locked`].
#[derive(Clone, Copy)]
pub(crate) enum Covered<'a> {
    /// One item, by its indicator.
    Indicator(&'a str),
    /// The rows of an import, from this file.
    Rows(&'a [SubmissionRow], &'a str),
    /// The rows of an import staged ([`crate::Staged`], attached as `staged`), from this file.
    Staged(&'a str),
    /// Something every target's scores depend on (points).
    Anything,
}

fn lock_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Lock> {
    Ok(Lock {
        target: r.get(0)?,
        by: r.get(1)?,
        account: r.get(2)?,
        at: r.get(3)?,
        reason: r.get(4)?,
    })
}

/// The locks as `conn` sees them: the whole assessment's first, then by target.
pub(crate) fn locks_in(conn: &Connection) -> Result<Vec<Lock>> {
    let mut stmt = conn.prepare_cached(
        "SELECT target_id, locked_by, account, locked_at, reason FROM locks
         ORDER BY target_id IS NOT NULL, target_id",
    )?;
    let rows = stmt.query_map([], lock_of)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The one check every write makes inside its transaction: refused ([`Locked`],
/// [`LockedRow`]) if a lock covers what it changes.
pub(crate) fn refuse_locked(conn: &Connection, what: Covered<'_>) -> Result<()> {
    let locks = locks_in(conn)?;
    let Some(first) = locks.first() else {
        return Ok(());
    };
    let first_lock = first;
    match what {
        Covered::Anything => Err(Locked(first.clone()).into()),
        Covered::Indicator(id) => {
            let target: Option<u32> = conn
                .query_row(
                    "SELECT target_id FROM indicators WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            // An indicator the database does not hold is refused by the write itself.
            match target.and_then(|t| covering(&locks, t)) {
                Some(lock) => Err(Locked(lock.clone()).into()),
                None => Ok(()),
            }
        }
        Covered::Rows(rows, file) => {
            let by_row = RowLocks::with(conn, locks)?;
            rows.iter().try_for_each(|row| by_row.refuse(row, file))
        }
        Covered::Staged(file) => {
            // The first row, in the file's order, of a target a lock covers: one statement.
            let mut stmt = conn.prepare(
                "SELECT k.line, k.county_code, k.indicator_id, i.target_id
                 FROM staged.rows k JOIN indicators i ON i.id = k.indicator_id
                 WHERE EXISTS (SELECT 1 FROM locks l
                               WHERE l.target_id IS NULL OR l.target_id = i.target_id)
                 ORDER BY k.rowid LIMIT 1",
            )?;
            let first = stmt
                .query_row([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, u32>(3)?,
                    ))
                })
                .optional()?;
            match first {
                Some((line, county_code, indicator_id, target)) => {
                    let lock = covering(&locks, target).unwrap_or(first_lock);
                    Err(LockedRow {
                        file: file.to_string(),
                        line: u64::try_from(line).unwrap_or(0),
                        county_code,
                        indicator_id,
                        lock: lock.clone(),
                    }
                    .into())
                }
                None => Ok(()),
            }
        }
    }
}

/// The locks held, by the target each indicator belongs to: a row of an import checked in
/// memory, with no query, as it comes.
pub(crate) struct RowLocks {
    locks: Vec<Lock>,
    target_of: HashMap<String, u32>,
}

impl RowLocks {
    /// The locks `conn` sees now; `None` where there is none (nothing to check a row by).
    pub(crate) fn read(conn: &Connection) -> Result<Option<RowLocks>> {
        let locks = locks_in(conn)?;
        if locks.is_empty() {
            return Ok(None);
        }
        Ok(Some(RowLocks::with(conn, locks)?))
    }

    fn with(conn: &Connection, locks: Vec<Lock>) -> Result<RowLocks> {
        let target_of = conn
            .prepare("SELECT id, target_id FROM indicators")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(RowLocks { locks, target_of })
    }

    /// Refuses `row` of `file` ([`LockedRow`]) where a lock covers its indicator's target.
    pub(crate) fn refuse(&self, row: &SubmissionRow, file: &str) -> Result<()> {
        let lock = self
            .target_of
            .get(&row.indicator_id)
            .and_then(|&t| covering(&self.locks, t));
        match lock {
            Some(lock) => Err(LockedRow {
                file: file.to_string(),
                line: row.line,
                county_code: row.county_code.clone(),
                indicator_id: row.indicator_id.clone(),
                lock: lock.clone(),
            }
            .into()),
            None => Ok(()),
        }
    }
}

/// Refuses anyone but an active lead, where the database has a registry.
fn check_lead(tx: &Transaction<'_>, by: &Acting) -> Result<()> {
    match crate::checks::standing_in(tx, by.uid)? {
        crate::checks::Standing::NoRegistry | crate::checks::Standing::Active(Role::Lead) => Ok(()),
        crate::checks::Standing::Active(role) => Err(LockError::NotLead {
            name: by.who.name.clone(),
            role: role.as_str(),
        }
        .into()),
        crate::checks::Standing::Unregistered => Err(LockError::NotRegistered {
            account: by.who.account.clone(),
        }
        .into()),
    }
}

fn check_target(tx: &Transaction<'_>, target: Option<u32>) -> Result<()> {
    let Some(id) = target else {
        return Ok(());
    };
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM targets WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(LockError::UnknownTarget { id }.into())
    }
}

fn log_in(
    tx: &Transaction<'_>,
    by: &Acting,
    at: &str,
    action: &str,
    target: Option<u32>,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO lock_log (at, by_name, by_account, action, target_id, reason, review_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(seq), 0) FROM review_log))",
        params![at, by.who.name, by.who.account, action, target, reason],
    )?;
    Ok(())
}

/// The lock on exactly this scope, if any.
fn lock_on(tx: &Transaction<'_>, target: Option<u32>) -> Result<Option<Lock>> {
    Ok(tx
        .query_row(
            "SELECT target_id, locked_by, account, locked_at, reason FROM locks
             WHERE target_id IS ?1",
            [target],
            lock_of,
        )
        .optional()?)
}

impl Store {
    /// The locks now: the whole assessment's first, then by target.
    pub fn locks(&self) -> Result<Vec<Lock>> {
        locks_in(&self.conn)
    }

    /// Signs off (审定) the whole assessment (`target: None`) or one target: from now on every
    /// write it covers is refused. Refused ([`LockError`]) for anyone but a lead (where there
    /// is a registry), an unknown target, or a scope locked already.
    pub fn lock(&mut self, target: Option<u32>, reason: &str, by: &Acting) -> Result<Lock> {
        let path = self.path.display().to_string();
        let tx = self.write()?;
        check_lead(&tx, by)?;
        check_target(&tx, target)?;
        if let Some(held) = lock_on(&tx, target)? {
            return Err(LockError::AlreadyLocked(held).into());
        }
        let lock = Lock {
            target,
            by: by.who.name.clone(),
            account: by.who.account.clone(),
            at: now(),
            reason: reason.trim().to_string(),
        };
        tx.execute(
            "INSERT INTO locks (target_id, locked_by, account, locked_at, reason)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![lock.target, lock.by, lock.account, lock.at, lock.reason],
        )?;
        log_in(&tx, by, &lock.at, "locked", target, &lock.reason)?;
        tx.commit()
            .with_context(|| format!("cannot save the lock into {path}"))?;
        Ok(lock)
    }

    /// Lifts the lock on the whole assessment (`target: None`) or one target, with a reason
    /// (logged); answers the lock lifted. Refused ([`LockError`]) for anyone but a lead, without
    /// a reason, or where that scope is not locked.
    pub fn unlock(&mut self, target: Option<u32>, reason: &str, by: &Acting) -> Result<Lock> {
        let path = self.path.display().to_string();
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(LockError::ReasonNeeded.into());
        }
        let tx = self.write()?;
        check_lead(&tx, by)?;
        check_target(&tx, target)?;
        let Some(held) = lock_on(&tx, target)? else {
            let scope = target.map_or_else(
                || "the whole assessment".to_string(),
                |t| format!("target {t}"),
            );
            return Err(LockError::NotLocked { scope }.into());
        };
        tx.execute("DELETE FROM locks WHERE target_id IS ?1", [target])?;
        log_in(&tx, by, &now(), "unlocked", target, reason)?;
        tx.commit()
            .with_context(|| format!("cannot save the unlocking into {path}"))?;
        Ok(held)
    }

    /// Every lock and unlock, oldest first.
    pub fn lock_log(&self) -> Result<Vec<LockEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, by_name, by_account, action, target_id, reason, review_seq
             FROM lock_log ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LockEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                account: r.get(3)?,
                action: r.get(4)?,
                target: r.get(5)?,
                reason: r.get(6)?,
                review_seq: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The number of the last lock event (0 when none): a new one means a lock came or went.
    pub fn last_lock_event(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM lock_log", [], |r| {
                r.get(0)
            })?)
    }

    /// Refuses import rows a lock covers, without writing (for `import --dry-run`).
    pub fn refuse_locked_rows(&self, rows: &[SubmissionRow], file: &str) -> Result<()> {
        refuse_locked(&self.conn, Covered::Rows(rows, file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Reviews, lead, new_store, who};
    use crate::{ReviewWrite, Written};
    use kaohe_core::model::Verdict;

    #[test]
    fn a_locked_target_refuses_a_review_with_who_and_when_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let lock = store.lock(Some(1), "年终审定", &lead()).unwrap();
        assert_eq!(lock.by, "王五");
        let e = store
            .review("330802", "1.1", Some(Some(Verdict::Met)), None, &who())
            .unwrap_err();
        let line = e.to_string();
        assert!(
            line.starts_with("已审定：王五 ") && line.contains("锁定了目标 1；要改动须由组长"),
            "{line}"
        );
        assert!(e.is::<Locked>());
        assert!(store.log().unwrap().is_empty());
        // Another target is open.
        store
            .review("330802", "2.1", Some(Some(Verdict::Met)), None, &who())
            .unwrap();
        // A note alone, a clear: refused too.
        for write in [
            ReviewWrite::new("330802", "1.2").note("备注"),
            ReviewWrite::new("330802", "1.2").verdict(None),
        ] {
            assert!(
                store
                    .write_review(&write, &who())
                    .unwrap_err()
                    .is::<Locked>()
            );
        }
        // The whole assessment: every target.
        store.lock(None, "", &lead()).unwrap();
        let e = store
            .write_review(
                &ReviewWrite::new("330802", "2.1").verdict(Some(Verdict::NotMet)),
                &who(),
            )
            .unwrap_err();
        assert!(e.to_string().contains("锁定了整个考核"), "{e}");
        assert_eq!(store.log().unwrap().len(), 1);
    }

    #[test]
    fn unlocking_needs_a_reason_and_both_are_logged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store.lock(Some(3), "", &lead()).unwrap();
        let e = store.unlock(Some(3), "  ", &lead()).unwrap_err();
        assert_eq!(e.downcast_ref(), Some(&LockError::ReasonNeeded));
        assert_eq!(store.locks().unwrap().len(), 1, "still locked");
        let e = store.unlock(Some(4), "理由", &lead()).unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(LockError::NotLocked { .. })
        ));
        let e = store.lock(Some(3), "", &lead()).unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(LockError::AlreadyLocked(_))
        ));
        let e = store.lock(Some(99), "", &lead()).unwrap_err();
        assert_eq!(e.downcast_ref(), Some(&LockError::UnknownTarget { id: 99 }));
        let lifted = store.unlock(Some(3), "数据更正", &lead()).unwrap();
        assert_eq!(lifted.target, Some(3));
        assert!(store.locks().unwrap().is_empty());
        let log: Vec<(String, Option<u32>, String)> = store
            .lock_log()
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.target, e.reason))
            .collect();
        assert_eq!(
            log,
            [
                ("locked".to_string(), Some(3), String::new()),
                ("unlocked".to_string(), Some(3), "数据更正".to_string()),
            ]
        );
        // The log cannot be rewritten.
        assert!(store.conn.execute("DELETE FROM lock_log", []).is_err());
        // Writes go through again.
        let written = store
            .write_review(
                &ReviewWrite::new("330802", "3.1").verdict(Some(Verdict::Met)),
                &who(),
            )
            .unwrap();
        assert!(matches!(written, Written::Saved { .. }));
    }

    #[test]
    fn an_import_with_a_row_in_a_locked_target_is_refused_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let lookup = store.lookup().unwrap();
        let rows = kaohe_core::formats::import::parse_csv(
            "county,indicator,value\n柯城区,1.2,65%\n衢江区,3.1,是\n",
            "s.csv",
            &lookup,
        )
        .unwrap();
        store.lock(Some(3), "", &lead()).unwrap();
        let e = store
            .import_submissions(&rows, "s.csv", &who())
            .unwrap_err();
        let line = e.to_string();
        assert!(
            line.starts_with("s.csv line 3 (330803 × 3.1): 已审定：王五"),
            "{line}"
        );
        assert!(store.items().unwrap().iter().all(|i| i.value.is_none()));
        assert_eq!(store.last_import().unwrap(), 0, "nothing recorded");
        assert!(store.refuse_locked_rows(&rows[..1], "s.csv").is_ok());
        assert!(store.refuse_locked_rows(&rows, "s.csv").is_err());
        // The rows outside it go in.
        store
            .import_submissions(&rows[..1], "s.csv", &who())
            .unwrap();
    }

    #[test]
    fn points_are_refused_while_anything_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let catalog = store.catalog().unwrap();
        store.lock(Some(12), "", &lead()).unwrap();
        let e = store.apply_scoring(&catalog, &who(), "t.toml").unwrap_err();
        assert!(e.is::<Locked>(), "{e}");
        store.unlock(Some(12), "改分值", &lead()).unwrap();
        store.apply_scoring(&catalog, &who(), "t.toml").unwrap();
    }

    #[test]
    fn the_triggers_refuse_a_write_that_missed_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store.lock(None, "", &lead()).unwrap();
        let e = store
            .conn
            .execute(
                "INSERT INTO reviews (county_code, indicator_id, verdict, note, reviewer, account, reviewed_at)
                 VALUES ('330802', '1.1', 'met', '', 'x', 'x', 'now')",
                [],
            )
            .unwrap_err();
        assert!(e.to_string().contains("已审定"), "{e}");
        // A note of the thread is a write the lock covers too.
        let e = store
            .conn
            .execute(
                "INSERT INTO notes (county_code, indicator_id, author, account, at, text)
                 VALUES ('330802', '1.1', 'x', 'x', 'now', '备注')",
                [],
            )
            .unwrap_err();
        assert!(e.to_string().contains("已审定"), "{e}");
        assert!(
            store
                .conn
                .execute("UPDATE targets SET points = 5", [])
                .is_err()
        );
    }

    #[test]
    fn only_a_lead_locks_where_there_is_a_registry() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let owner = crate::Registrar {
            uid: 1,
            who: who(),
            owner: true,
        };
        let register = |uid: u32, account: &str, name: &str, role: Role| crate::Registration {
            uid,
            account: account.into(),
            name: Some(name.into()),
            division: None,
            role: Some(role),
        };
        store
            .register(&register(7, "lisi", "李四", Role::Checker), &owner)
            .unwrap();
        let lisi = Acting {
            uid: 7,
            who: Reviewer {
                name: "李四".into(),
                account: "lisi".into(),
            },
        };
        let e = store.lock(None, "", &lisi).unwrap_err();
        assert!(matches!(e.downcast_ref(), Some(LockError::NotLead { .. })));
        let e = store.lock(None, "", &lead()).unwrap_err();
        assert!(matches!(
            e.downcast_ref(),
            Some(LockError::NotRegistered { .. })
        ));
        store
            .register(&register(4242, "wangwu", "王五", Role::Lead), &owner)
            .unwrap();
        store.lock(None, "", &lead()).unwrap();
        let e = store.unlock(None, "理由", &lisi).unwrap_err();
        assert!(matches!(e.downcast_ref(), Some(LockError::NotLead { .. })));
    }
}
