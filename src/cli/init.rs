//! `kaohe init`: a new database with the targets and counties, the embedded 2014 set unless
//! files are given; with `--shared GROUP`, one the group's accounts mark together.

use super::context::Context;
use super::paths::{self, DbSource};
use super::shared_dir::{self, Plan};
use crate::catalog::{self, Catalog};
use crate::host::{Account, Group, group};
use crate::source::limits::{Limits, Size};
use crate::store::{Access, Store, StoreError, parent_dir};
use crate::text::clean;
use anyhow::{Result, bail};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Init {
    /// A targets file (TOML; see data/README.md) instead of the embedded 2014 targets
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// A counties file (CSV `code,name`) instead of the embedded Quzhou counties
    #[arg(long, value_name = "FILE")]
    pub counties: Option<PathBuf>,
    /// Share the database with an OS group (a name, or a number): its directory is made (or
    /// checked) setgid in GROUP with no access for others, and the database made 0660 in GROUP
    #[arg(long, value_name = "GROUP")]
    pub shared: Option<String>,
    /// The most kaohe reads from --targets or --counties, such as 64MiB [default: 4MiB]
    #[arg(long, value_name = "SIZE")]
    pub limit: Option<Size>,
}

impl Init {
    pub fn run(self, context: &Context, out: &mut dyn Write) -> Result<()> {
        let limits = Limits::with(self.limit);
        let catalog = match &self.targets {
            Some(path) => catalog::load_targets_within(path, &limits)?,
            None => Catalog::embedded_2014()?,
        };
        let counties = match &self.counties {
            Some(path) => catalog::load_counties_within(path, &limits)?,
            None => catalog::embedded_counties()?,
        };
        let shared = match &self.shared {
            Some(given) => Some(SharedPlace::check(given, context)?),
            None => None,
        };
        let mut done = None;
        let access = match &shared {
            Some(place) => {
                done = shared_dir::apply(&place.dir, &place.plan, &place.group)?;
                Access::Shared {
                    gid: place.group.gid,
                }
            }
            None => {
                paths::prepare_default_dir(&context.db)?;
                Access::Private
            }
        };
        let made = format!(
            "{} targets, {} indicators, {} counties",
            catalog.targets.len(),
            catalog.indicators().count(),
            counties.len()
        );
        // The demo submissions are read only once the database is known to be free to make,
        // as they always were: what is wrong with the place is said first.
        let seed = move || context.seed(catalog, counties);
        let store = context.create(seed, access).map_err(|e| {
            if context.demo && (self.targets.is_some() || self.counties.is_some()) {
                e.context(
                    "the demo submissions are for the embedded 2014 targets and Quzhou counties",
                )
            } else {
                e
            }
        })?;
        let status = store.status()?;
        if let Some(done) = done {
            writeln!(out, "{done}")?;
        }
        let sharing = match &shared {
            Some(place) => format!(" (shared: group {} reads and writes it)", place.group),
            None => String::new(),
        };
        writeln!(
            out,
            "created {}{sharing}: {made}, {} submissions",
            clean(&context.db.display().to_string()),
            status.progress.submitted
        )?;
        Ok(())
    }
}

/// Where a shared database goes, checked before anything is made: the group, the account's
/// place in it, and what is to be done to the directory.
struct SharedPlace {
    group: Group,
    dir: PathBuf,
    plan: Plan,
}

impl SharedPlace {
    fn check(given: &str, context: &Context) -> Result<SharedPlace> {
        let Some(group) = Group::named(given) else {
            bail!(
                "there is no group {given} in the group database: make it with `sudo groupadd {given}`, or give a group id"
            );
        };
        let me = Account::current();
        if !group::is_member(group.gid) {
            bail!(
                "you ({}) are not in group {group}, so you cannot share a database with it: \
                 run `sudo usermod -aG {group} {}`, then log in again",
                me.name,
                me.name
            );
        }
        if matches!(context.db_from, DbSource::Default | DbSource::Demo) {
            bail!(
                "--shared needs --db PATH: the default database is in your own data directory, \
                 where the group cannot reach it; e.g. --db /srv/kaohe/kaohe.db"
            );
        }
        let dir = parent_dir(&context.db);
        let plan = shared_dir::plan(&dir, &context.db, &group)?;
        // Refused before the directory is touched: a refused command changes nothing.
        // Not `context.would_create()`: a database a config names is missing until made here.
        if !crate::host::privilege::with_kaohe_group(|| Store::would_create(&context.db))? {
            return Err(StoreError::AlreadyExists {
                path: context.db.clone(),
            }
            .into());
        }
        Ok(SharedPlace { group, dir, plan })
    }
}
