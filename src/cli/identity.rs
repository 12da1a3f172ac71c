//! Who is reviewing, as the open database decides it. Without a registry, a reviewer is the
//! name `--reviewer` gives (else the login name), the OS account recorded beside it, as
//! before. On a database with a registry, a reviewer is their OS account and their name is the
//! registry's: `--reviewer` may only repeat it, and an account not in the registry may look
//! but not change anything.

use crate::host::Account;
use crate::store::{RegistryEntry, Reviewer, Store};
use crate::text::check_name;
use anyhow::{Result, bail};

/// A name to record with a reviewer's work (`--reviewer`, `reviewers add --name`): trimmed,
/// not empty, no control character, at most 64 characters.
pub fn checked_name(what: &str, given: &str) -> Result<String> {
    let name = given.trim();
    if name.is_empty() {
        bail!("{what} is empty: give the name to record with the reviews");
    }
    check_name(what, name).map_err(anyhow::Error::msg)?;
    if name.chars().count() > 64 {
        bail!("{what} is longer than 64 characters");
    }
    Ok(name.to_string())
}

/// Where the reviewer stands with the database's registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The database has no registry: anyone who can open it marks, under the name they give.
    NoRegistry,
    /// An active entry of the registry: their name is its name.
    Registered(RegistryEntry),
    /// Not in the registry, or removed from it (the entry, if any): may look, not change.
    Unregistered(Option<RegistryEntry>),
}

/// The reviewer a command acts as, and where they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub reviewer: Reviewer,
    pub standing: Standing,
}

impl Identity {
    /// Works out who `account` is on `store`; `given` is the checked `--reviewer`. Refuses a
    /// `--reviewer` that is not the account's registered name.
    pub fn resolve(store: &Store, account: &Account, given: Option<&str>) -> Result<Identity> {
        let unchosen = |name: &str| Reviewer {
            name: name.to_string(),
            account: account.name.clone(),
        };
        if !store.has_registry()? {
            return Ok(Identity {
                reviewer: unchosen(given.unwrap_or(&account.name)),
                standing: Standing::NoRegistry,
            });
        }
        match store.registry_entry(account.uid)? {
            Some(entry) if entry.active => {
                if let Some(given) = given.filter(|g| *g != entry.name) {
                    bail!(
                        "--reviewer {given} is not your name on this database: your name comes from the registry: {} (leave out --reviewer)",
                        entry.name
                    );
                }
                Ok(Identity {
                    reviewer: unchosen(&entry.name),
                    standing: Standing::Registered(entry),
                })
            }
            entry => {
                if let Some(given) = given {
                    if let Some(holder) = store.registered_name(given)? {
                        bail!(
                            "--reviewer {given} is the registered name of account {}, not of account {}: names on this database come from its registry",
                            holder.account,
                            account.name
                        );
                    }
                    bail!(
                        "--reviewer is not taken on this database: names come from its registry, and account {} is not in it; leave out --reviewer to look, and see `kaohe reviewers` for who may mark",
                        account.name
                    );
                }
                Ok(Identity {
                    reviewer: unchosen(&account.name),
                    standing: Standing::Unregistered(entry),
                })
            }
        }
    }

    /// Whether this reviewer may change the assessment (mark, import, apply points).
    pub fn may_write(&self) -> bool {
        !matches!(self.standing, Standing::Unregistered(_))
    }

    /// The reviewer to write as, or the one line saying why this account may not write and
    /// what the owner or a lead runs to let it.
    pub fn writer(self) -> Result<Reviewer> {
        if let Standing::Unregistered(entry) = &self.standing {
            let account = &self.reviewer.account;
            let how = if entry.is_some() {
                "was removed from"
            } else {
                "is not in"
            };
            bail!(
                "account {account} {how} this database's registry of reviewers, so it may look but not change anything; the database's owner or a lead adds it with: kaohe reviewers add {account} --name NAME"
            );
        }
        Ok(self.reviewer)
    }
}
