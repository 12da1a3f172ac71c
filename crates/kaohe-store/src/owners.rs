//! Who owns what (see [`kaohe_core::owners`]): a target's, an indicator's or a county's owner, a
//! division or one reviewer of the registry. Written when a database is made (the targets
//! file's divisions) and changed by `kaohe assign`; every change is an event in an append-only
//! log. Who may assign is the registry's rule, decided inside the write: the database's owner
//! or an active lead.

use crate::registry::{Registrar, RegistryError, check_allowed};
use crate::{Reviewer, Store, now};
use anyhow::{Context, Result, bail};
use kaohe_core::catalog::Catalog;
use kaohe_core::owners::{Assignment, Owner, Scope};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Who to give something to: a division, or a reviewer of the registry by uid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerRef {
    Division(String),
    Reviewer(u32),
}

/// What an assignment did: the owner before and after (`None`: nobody's in particular).
/// Nothing was written when they are the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub scope: Scope,
    pub was: Option<Owner>,
    pub now: Option<Owner>,
}

impl Assigned {
    pub fn changed(&self) -> bool {
        self.was != self.now
    }
}

/// One event of the owners' log: when, who made it (account and name), what, and its owner
/// before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerEvent {
    pub seq: i64,
    pub at: String,
    pub by_account: String,
    pub by_name: String,
    pub scope: Scope,
    pub was: Option<Owner>,
    pub now: Option<Owner>,
}

/// An owner from its columns: a division, or a reviewer's uid with the registry's name for it.
fn owner_of(division: Option<String>, uid: Option<u32>, name: Option<String>) -> Option<Owner> {
    match (division, uid) {
        (Some(d), _) => Some(Owner::Division(d)),
        (None, Some(uid)) => Some(Owner::Reviewer {
            uid,
            name: name.unwrap_or_else(|| uid.to_string()),
        }),
        (None, None) => None,
    }
}

/// The owner of one scope now, as `conn` sees it.
fn owner_in(conn: &Connection, scope: &Scope) -> Result<Option<Owner>> {
    Ok(conn
        .query_row(
            "SELECT o.division, o.uid, r.name FROM owners o
             LEFT JOIN reviewers r ON r.uid = o.uid
             WHERE o.scope = ?1 AND o.key = ?2",
            params![scope.kind(), scope.key()],
            |r| Ok(owner_of(r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .flatten())
}

/// Whether the database holds the target, indicator or county a scope names.
fn exists(conn: &Connection, scope: &Scope) -> Result<bool> {
    let sql = match scope {
        Scope::Target(_) => "SELECT EXISTS (SELECT 1 FROM targets WHERE id = ?1)",
        Scope::Indicator(_) => "SELECT EXISTS (SELECT 1 FROM indicators WHERE id = ?1)",
        Scope::County(_) => "SELECT EXISTS (SELECT 1 FROM counties WHERE code = ?1)",
    };
    Ok(conn.query_row(sql, [scope.key()], |r| r.get(0))?)
}

/// Writes one scope's owner (`None` takes it away) and logs the change, inside the caller's
/// write. Nothing is written when it is already so.
fn set_in(
    tx: &Transaction<'_>,
    scope: &Scope,
    to: Option<&OwnerRef>,
    by: &Reviewer,
) -> Result<Assigned> {
    let was = owner_in(tx, scope)?;
    let (division, uid) = match to {
        Some(OwnerRef::Division(d)) => (Some(d.as_str()), None),
        Some(OwnerRef::Reviewer(uid)) => (None, Some(*uid)),
        None => (None, None),
    };
    let same = match (&was, to) {
        (None, None) => true,
        (Some(Owner::Division(w)), Some(OwnerRef::Division(d))) => w == d,
        (Some(Owner::Reviewer { uid: w, .. }), Some(OwnerRef::Reviewer(u))) => w == u,
        _ => false,
    };
    if same {
        return Ok(Assigned {
            scope: scope.clone(),
            now: was.clone(),
            was,
        });
    }
    let at = now();
    if to.is_some() {
        tx.execute(
            "INSERT INTO owners (scope, key, division, uid, changed_at, changed_by_account,
                 changed_by_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (scope, key) DO UPDATE SET division = excluded.division,
                 uid = excluded.uid, changed_at = excluded.changed_at,
                 changed_by_account = excluded.changed_by_account,
                 changed_by_name = excluded.changed_by_name",
            params![
                scope.kind(),
                scope.key(),
                division,
                uid,
                at,
                by.account,
                by.name
            ],
        )?;
    } else {
        tx.execute(
            "DELETE FROM owners WHERE scope = ?1 AND key = ?2",
            params![scope.kind(), scope.key()],
        )?;
    }
    let (was_division, was_uid) = match &was {
        Some(Owner::Division(d)) => (Some(d.as_str()), None),
        Some(Owner::Reviewer { uid, .. }) => (None, Some(*uid)),
        None => (None, None),
    };
    tx.execute(
        "INSERT INTO owner_log (at, by_account, by_name, scope, key, division, uid,
             was_division, was_uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            at,
            by.account,
            by.name,
            scope.kind(),
            scope.key(),
            division,
            uid,
            was_division,
            was_uid
        ],
    )?;
    Ok(Assigned {
        scope: scope.clone(),
        now: owner_in(tx, scope)?,
        was,
    })
}

/// A new database's owners: the divisions its targets file gives its targets and indicators,
/// logged as made by whoever made the database.
pub(crate) fn seed_owners(tx: &Transaction<'_>, catalog: &Catalog, who: &Reviewer) -> Result<()> {
    for t in &catalog.targets {
        if let Some(d) = &t.division {
            set_in(
                tx,
                &Scope::Target(t.id),
                Some(&OwnerRef::Division(d.clone())),
                who,
            )?;
        }
        for i in &t.indicators {
            if let Some(d) = &i.division {
                let scope = Scope::Indicator(i.id.clone());
                set_in(tx, &scope, Some(&OwnerRef::Division(d.clone())), who)?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Every owner given, targets first, then indicators, then counties.
    pub fn owners(&self) -> Result<Vec<Assignment>> {
        let mut stmt = self.conn.prepare(
            "SELECT o.scope, o.key, o.division, o.uid, r.name FROM owners o
             LEFT JOIN reviewers r ON r.uid = o.uid
             LEFT JOIN targets t ON o.scope = 'target' AND t.id = CAST(o.key AS INTEGER)
             LEFT JOIN indicators i ON o.scope = 'indicator' AND i.id = o.key
             LEFT JOIN targets it ON it.id = i.target_id
             LEFT JOIN counties c ON o.scope = 'county' AND c.code = o.key
             ORDER BY CASE o.scope WHEN 'target' THEN 0 WHEN 'indicator' THEN 1 ELSE 2 END,
                 t.position, it.position, i.position, c.position, o.key",
        )?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(0)?;
            let key: String = r.get(1)?;
            Ok((
                Scope::from_parts(&kind, &key),
                owner_of(r.get(2)?, r.get(3)?, r.get(4)?),
            ))
        })?;
        let mut owners = Vec::new();
        for row in rows {
            if let (Some(scope), Some(owner)) = row? {
                owners.push(Assignment { scope, owner });
            }
        }
        Ok(owners)
    }

    /// The owner of one target, indicator or county, if it has one of its own.
    pub fn owner(&self, scope: &Scope) -> Result<Option<Owner>> {
        owner_in(&self.conn, scope)
    }

    /// The number of the owners' last change: a workspace sees that owners changed when it
    /// moves.
    pub fn last_owner_change(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM owner_log", [], |r| {
                r.get(0)
            })?)
    }

    /// Gives a target, an indicator or a county an owner (`None`: takes its owner away), and
    /// logs it. Refused ([`RegistryError`]) unless `by` owns the database or is an active
    /// lead, and for a reviewer who is not active in the registry.
    pub fn assign(
        &mut self,
        scope: &Scope,
        to: Option<&OwnerRef>,
        by: &Registrar,
    ) -> Result<Assigned> {
        let path = self.path.display().to_string();
        let tx = self.write()?;
        check_allowed(&tx, by)?;
        if !exists(&tx, scope)? {
            bail!("{path} holds no {} {}", scope.kind(), scope.key());
        }
        if let Some(OwnerRef::Reviewer(uid)) = to {
            let active: Option<(String, bool)> = tx
                .query_row(
                    "SELECT account, active FROM reviewers WHERE uid = ?1",
                    [uid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if !active.as_ref().is_some_and(|(_, a)| *a) {
                return Err(RegistryError::NotRegistered {
                    account: active.map_or_else(|| uid.to_string(), |(account, _)| account),
                }
                .into());
            }
        }
        let done = set_in(&tx, scope, to, &by.who)?;
        tx.commit()
            .with_context(|| format!("cannot save the owner into {path}"))?;
        Ok(done)
    }

    /// The owners' log, oldest first.
    pub fn owner_log(&self) -> Result<Vec<OwnerEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.at, l.by_account, l.by_name, l.scope, l.key, l.division, l.uid,
                    r.name, l.was_division, l.was_uid, w.name
             FROM owner_log l
             LEFT JOIN reviewers r ON r.uid = l.uid
             LEFT JOIN reviewers w ON w.uid = l.was_uid
             ORDER BY l.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(4)?;
            let key: String = r.get(5)?;
            Ok((
                Scope::from_parts(&kind, &key),
                OwnerEvent {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    by_account: r.get(2)?,
                    by_name: r.get(3)?,
                    scope: Scope::Target(0),
                    now: owner_of(r.get(6)?, r.get(7)?, r.get(8)?),
                    was: owner_of(r.get(9)?, r.get(10)?, r.get(11)?),
                },
            ))
        })?;
        let mut events = Vec::new();
        for row in rows {
            let (scope, event) = row?;
            if let Some(scope) = scope {
                events.push(OwnerEvent { scope, ..event });
            }
        }
        Ok(events)
    }

    /// The divisions the active reviewers of the registry are in.
    pub fn divisions(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT division FROM reviewers
             WHERE active = 1 AND division IS NOT NULL ORDER BY division",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Registration;
    use crate::test_support::{new_store, seed, who};
    use kaohe_core::model::Role;

    fn owner() -> Registrar {
        Registrar {
            uid: 1000,
            who: who(),
            owner: true,
        }
    }

    #[test]
    fn a_targets_files_divisions_are_the_new_databases_owners_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = seed();
        s.catalog.targets[0].division = Some("养老服务处".into());
        s.catalog.targets[1].indicators[2].division = Some("社会救助处".into());
        let store = crate::Store::create(&dir.path().join("d.db"), &s, &who()).unwrap();
        assert_eq!(store.catalog().unwrap(), s.catalog);
        assert_eq!(
            store.owners().unwrap(),
            vec![
                Assignment {
                    scope: Scope::Target(1),
                    owner: Owner::Division("养老服务处".into())
                },
                Assignment {
                    scope: Scope::Indicator("2.3".into()),
                    owner: Owner::Division("社会救助处".into())
                },
            ]
        );
        let log = store.owner_log().unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].by_name.as_str(), &log[0].was), ("张审核", &None));
    }

    #[test]
    fn only_the_owner_or_a_lead_assigns_and_a_reviewer_must_be_active() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        let stranger = Registrar {
            uid: 1001,
            who: Reviewer {
                name: "李四".into(),
                account: "li".into(),
            },
            owner: false,
        };
        let division = OwnerRef::Division("养老服务处".into());
        let e = store
            .assign(&Scope::Target(1), Some(&division), &stranger)
            .unwrap_err();
        assert_eq!(
            e.downcast_ref::<RegistryError>(),
            Some(&RegistryError::NotAllowed)
        );
        assert_eq!(store.owners().unwrap(), Vec::new());

        // A reviewer not in the registry cannot be given anything.
        let e = store
            .assign(
                &Scope::County("330802".into()),
                Some(&OwnerRef::Reviewer(1001)),
                &owner(),
            )
            .unwrap_err();
        assert!(matches!(
            e.downcast_ref::<RegistryError>(),
            Some(RegistryError::NotRegistered { .. })
        ));
        // A lead may; the owner's name is the registry's.
        for (uid, account, name, role) in [
            (1001, "li", "李四", Role::Lead),
            (1002, "wang", "王五", Role::Reviewer),
        ] {
            store
                .register(
                    &Registration {
                        uid,
                        account: account.into(),
                        name: Some(name.into()),
                        division: None,
                        role: Some(role),
                    },
                    &owner(),
                )
                .unwrap();
        }
        let done = store
            .assign(
                &Scope::County("330802".into()),
                Some(&OwnerRef::Reviewer(1002)),
                &stranger,
            )
            .unwrap();
        assert!(done.changed());
        assert_eq!(
            done.now,
            Some(Owner::Reviewer {
                uid: 1002,
                name: "王五".into()
            })
        );
        // The same again changes nothing and logs nothing; a clear takes it away.
        let again = store
            .assign(
                &Scope::County("330802".into()),
                Some(&OwnerRef::Reviewer(1002)),
                &stranger,
            )
            .unwrap();
        assert!(!again.changed());
        assert_eq!(store.owner_log().unwrap().len(), 1);
        let cleared = store
            .assign(&Scope::County("330802".into()), None, &stranger)
            .unwrap();
        assert_eq!((cleared.was.is_some(), cleared.now), (true, None));
        assert_eq!(store.owners().unwrap(), Vec::new());
        let log = store.owner_log().unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[1].by_name, "李四");
        assert_eq!(log[1].now, None);
        assert_eq!(log[1].was.as_ref().map(Owner::name), Some("王五"));
        assert!(store.last_owner_change().unwrap() >= 2);
        // Something the database does not hold is refused.
        let e = store
            .assign(&Scope::Indicator("13.1".into()), Some(&division), &owner())
            .unwrap_err();
        assert!(e.to_string().contains("holds no indicator 13.1"), "{e}");
    }

    #[test]
    fn the_owner_log_is_append_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = new_store(&dir);
        store
            .assign(
                &Scope::Target(2),
                Some(&OwnerRef::Division("社会救助处".into())),
                &owner(),
            )
            .unwrap();
        assert!(store.conn.execute("DELETE FROM owner_log", []).is_err());
        assert!(
            store
                .conn
                .execute("UPDATE owner_log SET by_name = 'x'", [])
                .is_err()
        );
    }
}
