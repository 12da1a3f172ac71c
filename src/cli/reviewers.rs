//! `kaohe reviewers`: the registry of reviewers — listed (or its history), an account added or
//! changed, an account removed. Once a database has a registry, only the accounts in it mark,
//! under its names; only the database's owner or a registered lead changes it.

use super::context::Context;
use super::identity::checked_name;
use super::table::padded_column;
use crate::host::{Account, account::name_of};
use crate::model::Role;
use crate::store::{
    Registered, Registrar, Registration, RegistryAction, RegistryEntry, RegistryError,
    RegistryEvent, Store,
};
use crate::text::clean;
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use std::io::Write;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Reviewers {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// The registry's history instead: every change, who made it (account and name) and when
    #[arg(long)]
    pub history: bool,
    #[command(subcommand)]
    pub change: Option<Change>,
}

#[derive(Debug, Subcommand)]
pub enum Change {
    /// Add an account to the registry, or change its entry (a removed one is restored); only
    /// the database's owner or a registered lead may
    Add(Add),
    /// Remove an account from the registry (its entry and history stay); only the database's
    /// owner or a registered lead may
    Remove(Remove),
}

#[derive(Debug, Args)]
pub struct Add {
    /// A login name on this host, or a numeric uid
    pub account: String,
    /// The name recorded with their reviews (needed for a new account; else kept)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Their division, e.g. 养老服务处 ("" clears it; else kept)
    #[arg(long, value_name = "DIVISION")]
    pub division: Option<String>,
    /// reviewer, checker or lead (评审人, 复核人, 审定人) [default: reviewer, or kept]
    #[arg(long, value_name = "ROLE")]
    pub role: Option<Role>,
}

#[derive(Debug, Args)]
pub struct Remove {
    /// A login name on this host or in the registry, or a numeric uid
    pub account: String,
}

impl Reviewers {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        if Store::would_create(&context.db)? {
            bail!(
                "{} does not exist yet: `kaohe init` makes it, then `kaohe reviewers add` registers its reviewers",
                context.db.display()
            );
        }
        let mut store = Store::open(&context.db)?;
        match self.change {
            None if self.history => {
                let events = store.registry_log()?;
                if self.json {
                    write_json(&events, out)
                } else {
                    write_history(&events, out)
                }
            }
            None => {
                let entries = store.reviewers()?;
                if self.json {
                    write_json(&entries, out)
                } else {
                    write_list(&entries, out)
                }
            }
            Some(Change::Add(add)) => add.run(context, &mut store, out),
            Some(Change::Remove(remove)) => remove.run(context, &mut store, out),
        }
    }
}

impl Add {
    fn run(self, context: &Context, store: &mut Store, out: &mut dyn Write) -> Result<()> {
        let Some(account) = Account::named(&self.account) else {
            bail!(
                "no account named {} on this host: give a login name from the account database (getent passwd) or a numeric uid",
                clean(&self.account)
            );
        };
        let name = self
            .name
            .as_deref()
            .map(|n| checked_name("--name", n))
            .transpose()?;
        let division = match self.division.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(d) => Some(Some(checked_name("--division", d)?)),
        };
        let had_registry = store.has_registry()?;
        let registration = Registration {
            uid: account.uid,
            account: account.name.clone(),
            name,
            division,
            role: self.role,
        };
        let by = registrar(context, store)?;
        let done = store
            .register(&registration, &by)
            .map_err(|e| worded(e, context, &account.name))?;
        write_registered(&done, out)?;
        if !had_registry && done.action.is_some() {
            writeln!(
                out,
                "this database now has a registry: only the accounts in it mark, under its names; others may look"
            )?;
        }
        Ok(())
    }
}

impl Remove {
    fn run(self, context: &Context, store: &mut Store, out: &mut dyn Write) -> Result<()> {
        // An account deleted from the host since is still found by the name it was registered by.
        let found = match Account::named(&self.account) {
            Some(a) => Some((a.uid, a.name)),
            None => store
                .reviewers()?
                .into_iter()
                .find(|e| e.account == self.account)
                .map(|e| (e.uid, e.account)),
        };
        let Some((uid, account)) = found else {
            bail!(
                "no account named {} on this host or in the registry; `kaohe reviewers` lists the registry",
                clean(&self.account)
            );
        };
        let by = registrar(context, store)?;
        let removed = store
            .unregister(uid, &account, &by)
            .map_err(|e| worded(e, context, &account))?;
        writeln!(
            out,
            "removed {} (uid {}), {}: it may look but no longer mark; its entry and history stay",
            clean(&removed.account),
            removed.uid,
            clean(&removed.name)
        )?;
        Ok(())
    }
}

/// Who is changing the registry: this account, under its name on the database (a `--reviewer`
/// that is not its registered name is refused), and whether it owns the file.
pub(super) fn registrar(context: &Context, store: &Store) -> Result<Registrar> {
    let identity = context.identity(store)?;
    Ok(Registrar {
        uid: context.account.uid,
        who: identity.reviewer,
        owner: owner_of(&context.db)? == context.account.uid,
    })
}

/// The uid owning the database file.
pub(super) fn owner_of(db: &std::path::Path) -> Result<u32> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(db) {
        Ok(m) => Ok(m.uid()),
        Err(e) => bail!("cannot read who owns {}: {e}", db.display()),
    }
}

/// The store's refusal in the words of this command line.
pub(super) fn worded(e: anyhow::Error, context: &Context, account: &str) -> anyhow::Error {
    match e.downcast_ref::<RegistryError>() {
        Some(RegistryError::NotAllowed) => {
            let owner = owner_of(&context.db)
                .map(|uid| name_of(uid).unwrap_or_else(|| uid.to_string()))
                .unwrap_or_else(|_| "?".to_string());
            anyhow::anyhow!(
                "only the database's owner (account {owner}) or a registered lead may change its reviewers; account {} is neither",
                context.account.name
            )
        }
        Some(RegistryError::NameNeeded { .. }) => anyhow::anyhow!(
            "account {account} is not in the registry yet: give the name to record with its reviews, --name NAME"
        ),
        Some(RegistryError::NotRegistered { .. }) => anyhow::anyhow!(
            "account {account} is not an active reviewer in the registry; `kaohe reviewers` lists them"
        ),
        _ => e,
    }
}

/// "张三 · 养老服务处 · lead"
fn describe(name: &str, division: Option<&str>, role: Role) -> String {
    let mut parts = vec![name];
    parts.extend(division);
    parts.push(role.as_str());
    parts.join(" · ")
}

fn write_registered(done: &Registered, out: &mut dyn Write) -> Result<()> {
    let e = &done.entry;
    let who = format!("{} (uid {})", e.account, e.uid);
    let now = describe(&e.name, e.division.as_deref(), e.role);
    let line = match done.action {
        None => format!("{who} is already {now}; nothing changed"),
        Some(RegistryAction::Added) => format!("added {who}: {now}"),
        Some(RegistryAction::Restored) => format!("restored {who}: {now}"),
        Some(RegistryAction::Changed | RegistryAction::Removed) => {
            let was = done.was.as_ref().map_or(String::new(), |w| {
                describe(&w.name, w.division.as_deref(), w.role)
            });
            format!("changed {who}: {was} → {now}")
        }
    };
    writeln!(out, "{}", clean(&line))?;
    Ok(())
}

fn write_json<T: serde::Serialize>(list: &[T], out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, list)?;
    writeln!(out)?;
    Ok(())
}

/// One line a reviewer, in columns: account (uid), name, division, role, and removed ones last.
fn write_list(entries: &[RegistryEntry], out: &mut dyn Write) -> Result<()> {
    if entries.is_empty() {
        writeln!(
            out,
            "no registry: whoever can open this database marks, under --reviewer or their login name; `kaohe reviewers add ACCOUNT --name NAME` begins one"
        )?;
        return Ok(());
    }
    let accounts: Vec<String> = entries
        .iter()
        .map(|e| format!("{} ({})", e.account, e.uid))
        .collect();
    let accounts = padded_column(accounts.iter().map(String::as_str));
    let names = padded_column(entries.iter().map(|e| e.name.as_str()));
    let divisions = padded_column(entries.iter().map(|e| e.division.as_deref().unwrap_or("-")));
    let roles = padded_column(entries.iter().map(|e| e.role.as_str()));
    for (k, e) in entries.iter().enumerate() {
        let state = if e.active { "" } else { "removed " };
        let line = format!(
            "{}{}{}{}{state}{} by {}({})",
            accounts[k],
            names[k],
            divisions[k],
            roles[k],
            e.changed_at
                .get(..19)
                .unwrap_or(&e.changed_at)
                .replace('T', " "),
            clean(&e.changed_by_name),
            clean(&e.changed_by_account)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// One line a change: when, who (name and account), what, and what it was before.
fn write_history(events: &[RegistryEvent], out: &mut dyn Write) -> Result<()> {
    for e in events {
        let now = describe(&e.name, e.division.as_deref(), e.role);
        let what = match (e.action, &e.was_name, e.was_role) {
            (
                RegistryAction::Changed | RegistryAction::Restored,
                Some(was_name),
                Some(was_role),
            ) => {
                let was = describe(was_name, e.was_division.as_deref(), was_role);
                if was == now {
                    now
                } else {
                    format!("{was} → {now}")
                }
            }
            _ => now,
        };
        let line = format!(
            "{}  {}({})  {} {} (uid {}): {what}",
            e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
            e.by_name,
            e.by_account,
            e.action.as_str(),
            e.account,
            e.uid
        );
        writeln!(out, "{}", clean(&line))?;
    }
    Ok(())
}
