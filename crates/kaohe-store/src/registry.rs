//! The registry of reviewers: who may mark this assessment, by OS account (matched by its
//! uid), with the name their work is recorded under, their division and their role. A removed
//! reviewer's entry stays, inactive, so a registry once begun always exists; every change is an
//! event in an append-only log (who made it, account and name, and what changed).
//!
//! Who may change the registry is decided here, inside the write: the database's owner (the
//! caller says whether it is one, from the file's owner) or an active lead, as the registry
//! stands at that moment.

use crate::{Reviewer, Store, now};
use anyhow::{Context, Result};
use kaohe_core::model::Role;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

/// A reviewer as the registry holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryEntry {
    pub uid: u32,
    /// The account's login name when it was last registered (or its uid, where it has none).
    pub account: String,
    /// The name recorded on their work.
    pub name: String,
    pub division: Option<String>,
    pub role: Role,
    /// False once removed: the entry stays for the history.
    pub active: bool,
    pub changed_at: String,
    pub changed_by_account: String,
    pub changed_by_name: String,
}

/// An account to add to the registry, or to change in it. A `None` keeps what the entry holds
/// (a new entry needs a name; its role is then reviewer); `division: Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub uid: u32,
    pub account: String,
    pub name: Option<String>,
    pub division: Option<Option<String>>,
    pub role: Option<Role>,
}

/// Who changes the registry: their uid (a lead is found by it), the name and account the log
/// records, and whether they own the database file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registrar {
    pub uid: u32,
    pub who: Reviewer,
    pub owner: bool,
}

/// What a change to the registry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryAction {
    /// A new account.
    Added,
    /// An active entry's name, division, role or login name.
    Changed,
    /// A removed entry made active again (perhaps changed too).
    Restored,
    Removed,
}

impl RegistryAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryAction::Added => "added",
            RegistryAction::Changed => "changed",
            RegistryAction::Restored => "restored",
            RegistryAction::Removed => "removed",
        }
    }
}

/// What `register` did: the entry as it now stands, as it was, and the change logged (none
/// when nothing changed, and then nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub action: Option<RegistryAction>,
    pub entry: RegistryEntry,
    pub was: Option<RegistryEntry>,
}

/// One event of the registry's log: when, who (account and name), and the entry after the
/// change with what its name, division and role were before (`None` for a new entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryEvent {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub by_account: String,
    pub by_name: String,
    pub action: RegistryAction,
    pub uid: u32,
    pub account: String,
    pub name: String,
    pub division: Option<String>,
    pub role: Role,
    pub was_name: Option<String>,
    pub was_division: Option<String>,
    pub was_role: Option<Role>,
}

/// The registry's refusals, as kinds: the command line words them for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("only the database's owner or a registered, active lead may change its reviewers")]
    NotAllowed,
    #[error(
        "\"{name}\" is already the registered name of account {account}: names tell reviewers apart"
    )]
    NameTaken { name: String, account: String },
    #[error("account {account} is not in the registry yet, so it needs a name")]
    NameNeeded { account: String },
    #[error("account {account} is not an active reviewer in the registry")]
    NotRegistered { account: String },
}

const ENTRY_SELECT: &str = "SELECT uid, account, name, division, role, active, changed_at,
    changed_by_account, changed_by_name FROM reviewers";

fn role_at(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<Role>> {
    let Some(text) = r.get_ref(index)?.as_str_or_null()? else {
        return Ok(None);
    };
    Role::ALL
        .into_iter()
        .find(|role| role.as_str() == text)
        .map(Some)
        .ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                format!("\"{text}\" is not a role").into(),
            )
        })
}

fn required_role(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Role> {
    role_at(r, index)?.ok_or(rusqlite::Error::InvalidColumnType(
        index,
        "role".into(),
        rusqlite::types::Type::Null,
    ))
}

fn entry_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegistryEntry> {
    Ok(RegistryEntry {
        uid: r.get(0)?,
        account: r.get(1)?,
        name: r.get(2)?,
        division: r.get(3)?,
        role: required_role(r, 4)?,
        active: r.get(5)?,
        changed_at: r.get(6)?,
        changed_by_account: r.get(7)?,
        changed_by_name: r.get(8)?,
    })
}

fn entry_in(conn: &rusqlite::Connection, uid: u32) -> Result<Option<RegistryEntry>> {
    Ok(conn
        .query_row(&format!("{ENTRY_SELECT} WHERE uid = ?1"), [uid], entry_of)
        .optional()?)
}

/// The active entry holding `name`, if any.
fn holder_in(conn: &rusqlite::Connection, name: &str) -> Result<Option<RegistryEntry>> {
    Ok(conn
        .query_row(
            &format!("{ENTRY_SELECT} WHERE name = ?1 AND active = 1"),
            [name],
            entry_of,
        )
        .optional()?)
}

/// Refuses anyone but the owner or an active lead, as the registry stands inside this write.
pub(crate) fn check_allowed(tx: &Transaction<'_>, by: &Registrar) -> Result<()> {
    if by.owner {
        return Ok(());
    }
    match entry_in(tx, by.uid)? {
        Some(e) if e.active && e.role == Role::Lead => Ok(()),
        _ => Err(RegistryError::NotAllowed.into()),
    }
}

fn log_in(
    tx: &Transaction<'_>,
    by: &Registrar,
    action: RegistryAction,
    entry: &RegistryEntry,
    was: Option<&RegistryEntry>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO reviewer_log (at, by_account, by_name, action, uid, account, name,
             division, role, was_name, was_division, was_role)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            entry.changed_at,
            by.who.account,
            by.who.name,
            action.as_str(),
            entry.uid,
            entry.account,
            entry.name,
            entry.division,
            entry.role.as_str(),
            was.map(|w| w.name.as_str()),
            was.and_then(|w| w.division.as_deref()),
            was.map(|w| w.role.as_str()),
        ],
    )?;
    Ok(())
}

impl Store {
    /// Whether this database has a registry: once anyone has been added, it has (removing
    /// everyone keeps it, and then nobody may mark).
    pub fn has_registry(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM reviewers)", [], |r| r.get(0))?)
    }

    /// The registry's entry for an account's uid, active or removed.
    pub fn registry_entry(&self, uid: u32) -> Result<Option<RegistryEntry>> {
        entry_in(&self.conn, uid)
    }

    /// The active reviewer registered under `name`, if any.
    pub fn registered_name(&self, name: &str) -> Result<Option<RegistryEntry>> {
        holder_in(&self.conn, name)
    }

    /// Every entry, the active ones first, each group by account.
    pub fn reviewers(&self) -> Result<Vec<RegistryEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "{ENTRY_SELECT} ORDER BY active DESC, account, uid"
        ))?;
        let rows = stmt.query_map([], entry_of)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Adds an account, or changes (and makes active again) its entry; logs what changed.
    /// Refused ([`RegistryError`]) unless `by` owns the database or is an active lead, for a
    /// name another active reviewer holds, and for a new account without a name.
    pub fn register(&mut self, reg: &Registration, by: &Registrar) -> Result<Registered> {
        let path = self.path.display().to_string();
        let tx = self.write()?;
        check_allowed(&tx, by)?;
        let was = entry_in(&tx, reg.uid)?;
        let name = match (&reg.name, &was) {
            (Some(name), _) => name.clone(),
            (None, Some(w)) => w.name.clone(),
            (None, None) => {
                return Err(RegistryError::NameNeeded {
                    account: reg.account.clone(),
                }
                .into());
            }
        };
        if let Some(holder) = holder_in(&tx, &name)?.filter(|h| h.uid != reg.uid) {
            return Err(RegistryError::NameTaken {
                name,
                account: holder.account,
            }
            .into());
        }
        let mut entry = RegistryEntry {
            uid: reg.uid,
            account: reg.account.clone(),
            name,
            division: match (&reg.division, &was) {
                (Some(d), _) => d.clone(),
                (None, Some(w)) => w.division.clone(),
                (None, None) => None,
            },
            role: reg
                .role
                .or(was.as_ref().map(|w| w.role))
                .unwrap_or(Role::Reviewer),
            active: true,
            changed_at: now(),
            changed_by_account: by.who.account.clone(),
            changed_by_name: by.who.name.clone(),
        };
        let action = match &was {
            None => RegistryAction::Added,
            Some(w) if !w.active => RegistryAction::Restored,
            Some(w)
                if (&w.account, &w.name, &w.division, w.role)
                    == (&entry.account, &entry.name, &entry.division, entry.role) =>
            {
                // Nothing to change: nothing written, nothing logged.
                entry = w.clone();
                return Ok(Registered {
                    action: None,
                    entry,
                    was,
                });
            }
            Some(_) => RegistryAction::Changed,
        };
        tx.execute(
            "INSERT INTO reviewers (uid, account, name, division, role, active, changed_at,
                 changed_by_account, changed_by_name)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8)
             ON CONFLICT (uid) DO UPDATE SET account = excluded.account, name = excluded.name,
                 division = excluded.division, role = excluded.role, active = 1,
                 changed_at = excluded.changed_at,
                 changed_by_account = excluded.changed_by_account,
                 changed_by_name = excluded.changed_by_name",
            params![
                entry.uid,
                entry.account,
                entry.name,
                entry.division,
                entry.role.as_str(),
                entry.changed_at,
                entry.changed_by_account,
                entry.changed_by_name,
            ],
        )?;
        log_in(&tx, by, action, &entry, was.as_ref())?;
        tx.commit()
            .with_context(|| format!("cannot save the registry change into {path}"))?;
        Ok(Registered {
            action: Some(action),
            entry,
            was,
        })
    }

    /// Removes an active reviewer: the entry stays, inactive, and the removal is logged.
    /// Refused as [`Store::register`] is, and for an account not active in the registry.
    pub fn unregister(&mut self, uid: u32, account: &str, by: &Registrar) -> Result<RegistryEntry> {
        let path = self.path.display().to_string();
        let tx = self.write()?;
        check_allowed(&tx, by)?;
        let Some(was) = entry_in(&tx, uid)?.filter(|e| e.active) else {
            return Err(RegistryError::NotRegistered {
                account: account.to_string(),
            }
            .into());
        };
        let entry = RegistryEntry {
            active: false,
            changed_at: now(),
            changed_by_account: by.who.account.clone(),
            changed_by_name: by.who.name.clone(),
            ..was.clone()
        };
        tx.execute(
            "UPDATE reviewers SET active = 0, changed_at = ?2, changed_by_account = ?3,
                 changed_by_name = ?4 WHERE uid = ?1",
            params![
                uid,
                entry.changed_at,
                entry.changed_by_account,
                entry.changed_by_name
            ],
        )?;
        log_in(&tx, by, RegistryAction::Removed, &entry, Some(&was))?;
        tx.commit()
            .with_context(|| format!("cannot save the registry change into {path}"))?;
        Ok(entry)
    }

    /// The registry's log, oldest first.
    pub fn registry_log(&self) -> Result<Vec<RegistryEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, by_account, by_name, action, uid, account, name, division, role,
                    was_name, was_division, was_role
             FROM reviewer_log ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            let action: String = r.get(4)?;
            let action = [
                RegistryAction::Added,
                RegistryAction::Changed,
                RegistryAction::Restored,
                RegistryAction::Removed,
            ]
            .into_iter()
            .find(|a| a.as_str() == action)
            .ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    4,
                    rusqlite::types::Type::Text,
                    format!("\"{action}\" is not a registry change").into(),
                )
            })?;
            Ok(RegistryEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                by_account: r.get(2)?,
                by_name: r.get(3)?,
                action,
                uid: r.get(5)?,
                account: r.get(6)?,
                name: r.get(7)?,
                division: r.get(8)?,
                role: required_role(r, 9)?,
                was_name: r.get(10)?,
                was_division: r.get(11)?,
                was_role: role_at(r, 12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::new_store;

    fn owner() -> Registrar {
        Registrar {
            uid: 1000,
            who: Reviewer {
                name: "admin".into(),
                account: "admin".into(),
            },
            owner: true,
        }
    }

    fn by(uid: u32, name: &str, account: &str) -> Registrar {
        Registrar {
            uid,
            who: Reviewer {
                name: name.into(),
                account: account.into(),
            },
            owner: false,
        }
    }

    fn add(uid: u32, account: &str, name: &str, role: Option<Role>) -> Registration {
        Registration {
            uid,
            account: account.into(),
            name: Some(name.into()),
            division: None,
            role,
        }
    }

    fn refusal(e: anyhow::Error) -> RegistryError {
        e.downcast_ref::<RegistryError>()
            .cloned()
            .unwrap_or_else(|| panic!("not a registry refusal: {e:#}"))
    }

    #[test]
    fn a_database_has_no_registry_until_someone_is_added_and_keeps_it_after() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        assert!(!store.has_registry().unwrap());
        assert!(store.reviewers().unwrap().is_empty());
        let mut reg = add(4001, "alice", "张三", None);
        reg.division = Some(Some("养老服务处".into()));
        let done = store.register(&reg, &owner()).unwrap();
        assert_eq!(done.action, Some(RegistryAction::Added));
        assert_eq!(
            done.entry.role,
            Role::Reviewer,
            "the role defaults to reviewer"
        );
        assert!(store.has_registry().unwrap());
        let e = store.registry_entry(4001).unwrap().unwrap();
        assert_eq!(
            (e.account.as_str(), e.name.as_str(), e.division.as_deref()),
            ("alice", "张三", Some("养老服务处"))
        );
        assert_eq!((e.changed_by_account.as_str(), e.active), ("admin", true));

        let removed = store.unregister(4001, "alice", &owner()).unwrap();
        assert!(!removed.active);
        assert!(
            store.has_registry().unwrap(),
            "a removed entry keeps the registry"
        );
        assert!(!store.registry_entry(4001).unwrap().unwrap().active);
        assert_eq!(store.registered_name("张三").unwrap(), None);
        assert_eq!(
            refusal(store.unregister(4001, "alice", &owner()).unwrap_err()),
            RegistryError::NotRegistered {
                account: "alice".into()
            }
        );
    }

    #[test]
    fn re_adding_updates_and_restores_and_every_change_is_logged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let mut reg = add(4001, "alice", "张三", None);
        reg.division = Some(Some("养老服务处".into()));
        store.register(&reg, &owner()).unwrap();
        // The same again: nothing changes, nothing is logged.
        let same = store.register(&reg, &owner()).unwrap();
        assert_eq!(same.action, None);
        // Only the role: the name and division are kept.
        let role_only = Registration {
            name: None,
            division: None,
            role: Some(Role::Lead),
            ..reg.clone()
        };
        let changed = store.register(&role_only, &owner()).unwrap();
        assert_eq!(changed.action, Some(RegistryAction::Changed));
        assert_eq!(changed.entry.name, "张三");
        assert_eq!(changed.entry.division.as_deref(), Some("养老服务处"));
        assert_eq!(changed.entry.role, Role::Lead);
        store.unregister(4001, "alice", &owner()).unwrap();
        let back = Registration {
            name: Some("张三丰".into()),
            division: Some(None),
            role: None,
            ..reg.clone()
        };
        let restored = store.register(&back, &owner()).unwrap();
        assert_eq!(restored.action, Some(RegistryAction::Restored));
        assert_eq!(
            restored.entry.division, None,
            "Some(None) clears the division"
        );
        assert_eq!(restored.entry.role, Role::Lead, "the role is kept");

        let log = store.registry_log().unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            [
                RegistryAction::Added,
                RegistryAction::Changed,
                RegistryAction::Removed,
                RegistryAction::Restored
            ]
        );
        assert!(
            log.iter()
                .all(|e| e.by_account == "admin" && e.by_name == "admin")
        );
        assert_eq!(log[0].was_name, None);
        assert_eq!(
            (log[1].was_role, log[1].role),
            (Some(Role::Reviewer), Role::Lead)
        );
        assert_eq!(
            (log[3].was_name.as_deref(), log[3].name.as_str()),
            (Some("张三"), "张三丰")
        );
        assert_eq!(log[3].was_division.as_deref(), Some("养老服务处"));
    }

    #[test]
    fn only_the_owner_or_an_active_lead_changes_the_registry() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let stranger = by(4666, "4666", "4666");
        assert_eq!(
            refusal(
                store
                    .register(&add(4666, "4666", "我自己", Some(Role::Lead)), &stranger)
                    .unwrap_err()
            ),
            RegistryError::NotAllowed
        );
        assert!(!store.has_registry().unwrap(), "nothing was written");
        store
            .register(&add(4001, "alice", "张三", None), &owner())
            .unwrap();
        store
            .register(&add(4002, "bob", "李四", Some(Role::Lead)), &owner())
            .unwrap();
        let alice = by(4001, "张三", "alice");
        let bob = by(4002, "李四", "bob");
        assert_eq!(
            refusal(
                store
                    .register(&add(4003, "carol", "王五", None), &alice)
                    .unwrap_err()
            ),
            RegistryError::NotAllowed,
            "a reviewer is not a lead"
        );
        assert_eq!(
            refusal(store.unregister(4002, "bob", &alice).unwrap_err()),
            RegistryError::NotAllowed
        );
        // A lead adds, and what the log records is the lead's account and registered name.
        store
            .register(&add(4003, "carol", "王五", Some(Role::Checker)), &bob)
            .unwrap();
        let last = store.registry_log().unwrap().pop().unwrap();
        assert_eq!(
            (
                last.by_account.as_str(),
                last.by_name.as_str(),
                last.name.as_str()
            ),
            ("bob", "李四", "王五")
        );
        // A removed lead is no longer one.
        store.unregister(4002, "bob", &owner()).unwrap();
        assert_eq!(
            refusal(store.unregister(4003, "carol", &bob).unwrap_err()),
            RegistryError::NotAllowed
        );
        assert_eq!(store.reviewers().unwrap().len(), 3);
        assert_eq!(store.registry_log().unwrap().len(), 4);
    }

    #[test]
    fn a_name_is_one_active_reviewers_and_a_new_account_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .register(&add(4001, "alice", "张三", None), &owner())
            .unwrap();
        assert_eq!(
            refusal(
                store
                    .register(&add(4002, "bob", "张三", None), &owner())
                    .unwrap_err()
            ),
            RegistryError::NameTaken {
                name: "张三".into(),
                account: "alice".into()
            }
        );
        let nameless = Registration {
            name: None,
            ..add(4002, "bob", "", None)
        };
        assert_eq!(
            refusal(store.register(&nameless, &owner()).unwrap_err()),
            RegistryError::NameNeeded {
                account: "bob".into()
            }
        );
        // Once alice is removed, her name is free again.
        store.unregister(4001, "alice", &owner()).unwrap();
        store
            .register(&add(4002, "bob", "张三", None), &owner())
            .unwrap();
        assert_eq!(
            store.registered_name("张三").unwrap().map(|e| e.uid),
            Some(4002)
        );
        // And alice cannot come back under it while bob holds it.
        let alice_back = Registration {
            name: None,
            ..add(4001, "alice", "", None)
        };
        assert!(matches!(
            refusal(store.register(&alice_back, &owner()).unwrap_err()),
            RegistryError::NameTaken { .. }
        ));
    }

    #[test]
    fn the_registry_log_and_entries_cannot_be_rewritten_or_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .register(&add(4001, "alice", "张三", None), &owner())
            .unwrap();
        assert!(
            store
                .conn
                .execute("UPDATE reviewer_log SET name = '李四'", [])
                .is_err()
        );
        assert!(store.conn.execute("DELETE FROM reviewer_log", []).is_err());
        assert!(store.conn.execute("DELETE FROM reviewers", []).is_err());
        assert_eq!(store.registry_log().unwrap()[0].name, "张三");
    }
}
