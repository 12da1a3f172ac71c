//! `kaohe assign`: who owns what. A target, an indicator (over its target) or a county is given
//! to a division or to one reviewer of the registry, or made everyone's again; without a change,
//! the owners are listed (or every change to them). Only the database's owner or a registered
//! lead assigns, as for the registry.

use super::context::Context;
use super::reviewers::{owner_of, registrar, worded};
use super::table::padded_column;
use crate::catalog::Catalog;
use crate::formats::export::write_json_value;
use crate::host::Account;
use crate::host::account::name_of;
use crate::owners::{Owner, Scope, check_division};
use crate::store::RegistryError;
use crate::store::{Assigned, OwnerEvent, OwnerRef, Store};
use crate::text::clean;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use serde_json::{Value, json};
use std::io::Write;

#[derive(Debug, Args)]
pub struct Assign {
    /// A target (4) or an indicator (4.2) [leave out with --county]
    pub what: Option<String>,
    /// A county (code or name) instead of a target or an indicator: the owner of its items
    /// whose indicator and target have none
    #[arg(long, value_name = "COUNTY", conflicts_with = "what")]
    pub county: Option<String>,
    /// Give it to this division (处室), e.g. 养老服务处: its reviewers in the registry
    #[arg(long, value_name = "DIVISION", group = "owner")]
    pub division: Option<String>,
    /// Give it to one reviewer of the registry: a login name or a numeric uid
    #[arg(long, value_name = "ACCOUNT", group = "owner")]
    pub account: Option<String>,
    /// Take its owner away: everyone's again
    #[arg(long, group = "owner")]
    pub clear: bool,
    /// Print JSON instead of a table (the owners, or with --history their changes)
    #[arg(long, conflicts_with = "owner")]
    pub json: bool,
    /// Every change to the owners: when, who made it (name and account), what
    #[arg(long, conflicts_with = "owner")]
    pub history: bool,
}

impl Assign {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        if context.would_create()? {
            bail!(
                "{} does not exist yet: `kaohe init` makes it, then `kaohe assign` gives its targets owners",
                context.db.display()
            );
        }
        let mut store = context.open_existing()?;
        let given = self.what.is_some() || self.county.is_some();
        let owner_given = self.division.is_some() || self.account.is_some() || self.clear;
        match (given, owner_given) {
            (false, false) if self.history => {
                let events = store.owner_log()?;
                if self.json {
                    let list: Vec<Value> = events.iter().map(event_json).collect();
                    write_json_value(&list, out)
                } else {
                    write_history(&store, &events, out)
                }
            }
            (false, false) => {
                if self.json {
                    write_json_value(&owners_json(&store)?, out)
                } else {
                    write_list(&store, out)
                }
            }
            (true, false) => bail!(
                "say who owns it: --division DIVISION, --account ACCOUNT (a reviewer of the registry) or --clear"
            ),
            (false, true) => {
                bail!("say what to assign: a target (4), an indicator (4.2) or --county COUNTY")
            }
            (true, true) => self.change(context, &mut store, out),
        }
    }

    fn change(self, context: &Context, store: &mut Store, out: &mut dyn Write) -> Result<()> {
        let catalog = store.catalog()?;
        let scope = match (&self.what, &self.county) {
            (_, Some(county)) => Scope::County(store.lookup()?.find_county(county)?.code.clone()),
            (Some(what), None) => scope_of(&catalog, what)?,
            (None, None) => bail!("say what to assign: a target, an indicator or --county"),
        };
        let to = match (&self.division, &self.account) {
            (Some(d), _) => Some(OwnerRef::Division(
                check_division("--division", d).map_err(anyhow::Error::msg)?,
            )),
            (None, Some(account)) => Some(OwnerRef::Reviewer(uid_of(store, account)?)),
            (None, None) => None,
        };
        let by = registrar(context, store)?;
        let account_named = self.account.clone().unwrap_or_default();
        let done = store
            .assign(&scope, to.as_ref(), &by)
            .map_err(|e| assign_worded(e, context, &account_named))?;
        write_assigned(&catalog, store, &done, out)?;
        if let Some(OwnerRef::Division(d)) = &to {
            if store.has_registry()? && !store.divisions()?.contains(d) {
                writeln!(
                    out,
                    "no active reviewer of the registry is in {} yet: its items are nobody's own work until one is (kaohe reviewers add ACCOUNT --division {})",
                    clean(d),
                    clean(d)
                )?;
            }
        }
        Ok(())
    }
}

/// The store's refusal in this command's words.
fn assign_worded(e: anyhow::Error, context: &Context, account: &str) -> anyhow::Error {
    if e.downcast_ref::<RegistryError>() == Some(&RegistryError::NotAllowed) {
        let owner = owner_of(&context.db)
            .map(|uid| name_of(uid).unwrap_or_else(|| uid.to_string()))
            .unwrap_or_else(|_| "?".to_string());
        return anyhow!(
            "only the database's owner (account {owner}) or a registered lead may assign owners; account {} is neither",
            context.account.name
        );
    }
    worded(e, context, account)
}

/// A target (`4`) or an indicator (`4.2`) the database holds.
fn scope_of(catalog: &Catalog, what: &str) -> Result<Scope> {
    let what = what.trim();
    if catalog.indicator(what).is_some() {
        return Ok(Scope::Indicator(what.to_string()));
    }
    if let Some(t) = what
        .parse::<u32>()
        .ok()
        .and_then(|id| catalog.targets.iter().find(|t| t.id == id))
    {
        return Ok(Scope::Target(t.id));
    }
    bail!(
        "unknown target or indicator \"{}\" (give a target's number such as 4 or an indicator's id such as 4.2; `kaohe targets` lists them)",
        clean(what)
    )
}

/// A reviewer's uid: an account on this host, or one the registry holds by that name.
fn uid_of(store: &Store, account: &str) -> Result<u32> {
    if let Some(a) = Account::named(account) {
        return Ok(a.uid);
    }
    store
        .reviewers()?
        .into_iter()
        .find(|e| e.account == account)
        .map(|e| e.uid)
        .ok_or_else(|| {
            anyhow!(
                "no account named {} on this host or in the registry; `kaohe reviewers` lists the registry",
                clean(account)
            )
        })
}

/// What a scope names: the target's title, the indicator's short name, the county's name.
fn scope_name(catalog: &Catalog, store: &Store, scope: &Scope) -> Option<String> {
    match scope {
        Scope::Target(id) => catalog
            .targets
            .iter()
            .find(|t| t.id == *id)
            .map(|t| t.title.clone()),
        Scope::Indicator(id) => catalog.indicator(id).map(|i| i.short.clone()),
        Scope::County(code) => store
            .lookup()
            .ok()
            .and_then(|l| l.county(code).map(|c| c.name.clone())),
    }
}

/// "target 4 加快儿童福利与慈善事业发展", "indicator 4.2 …", "county 330824 开化县".
fn describe_scope(catalog: &Catalog, store: &Store, scope: &Scope) -> String {
    match scope_name(catalog, store, scope) {
        Some(name) => format!("{} {} {name}", scope.kind(), scope.key()),
        None => format!("{} {}", scope.kind(), scope.key()),
    }
}

/// "养老服务处", "reviewer 王五 (uid 1002)", "everyone's".
fn describe_owner(owner: Option<&Owner>) -> String {
    match owner {
        Some(Owner::Division(d)) => d.clone(),
        Some(Owner::Reviewer { uid, name }) => format!("reviewer {name} (uid {uid})"),
        None => "everyone's".to_string(),
    }
}

fn owner_json(owner: Option<&Owner>) -> Value {
    match owner {
        Some(Owner::Division(d)) => json!({ "division": d }),
        Some(Owner::Reviewer { uid, name }) => json!({ "reviewer": name, "uid": uid }),
        None => Value::Null,
    }
}

fn write_assigned(
    catalog: &Catalog,
    store: &Store,
    done: &Assigned,
    out: &mut dyn Write,
) -> Result<()> {
    let what = describe_scope(catalog, store, &done.scope);
    let line = if done.changed() {
        format!(
            "{what}: {} → {}",
            describe_owner(done.was.as_ref()),
            describe_owner(done.now.as_ref())
        )
    } else {
        format!("{what}: unchanged ({})", describe_owner(done.now.as_ref()))
    };
    writeln!(out, "{}", clean(&line))?;
    Ok(())
}

/// [{scope, key, name, owner}], targets first, then indicators, then counties.
fn owners_json(store: &Store) -> Result<Vec<Value>> {
    let catalog = store.catalog()?;
    Ok(store
        .owners()?
        .iter()
        .map(|a| {
            json!({
                "scope": a.scope.kind(),
                "key": a.scope.key(),
                "name": scope_name(&catalog, store, &a.scope),
                "owner": owner_json(Some(&a.owner)),
            })
        })
        .collect())
}

/// One line an owner: what (kind, key, name) and whose.
fn write_list(store: &Store, out: &mut dyn Write) -> Result<()> {
    let owners = store.owners()?;
    if owners.is_empty() {
        writeln!(
            out,
            "no owners: every item is everyone's own work; `kaohe assign TARGET --division DIVISION` gives a target to a division"
        )?;
        return Ok(());
    }
    let catalog = store.catalog()?;
    let what: Vec<String> = owners
        .iter()
        .map(|a| describe_scope(&catalog, store, &a.scope))
        .collect();
    let what = padded_column(what.iter().map(String::as_str));
    for (a, what) in owners.iter().zip(what) {
        let line = format!("{what}{}", describe_owner(Some(&a.owner)));
        writeln!(out, "{}", clean(line.trim_end()))?;
    }
    Ok(())
}

fn event_json(e: &OwnerEvent) -> Value {
    json!({
        "at": e.at,
        "by_account": e.by_account,
        "by_name": e.by_name,
        "scope": e.scope.kind(),
        "key": e.scope.key(),
        "was": owner_json(e.was.as_ref()),
        "now": owner_json(e.now.as_ref()),
    })
}

/// One line a change: when, who (name and account), what, from → to.
fn write_history(store: &Store, events: &[OwnerEvent], out: &mut dyn Write) -> Result<()> {
    let catalog = store.catalog()?;
    for e in events {
        let line = format!(
            "{}  {}({})  {}: {} → {}",
            e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
            e.by_name,
            e.by_account,
            describe_scope(&catalog, store, &e.scope),
            describe_owner(e.was.as_ref()),
            describe_owner(e.now.as_ref())
        );
        writeln!(out, "{}", clean(&line))?;
    }
    Ok(())
}
