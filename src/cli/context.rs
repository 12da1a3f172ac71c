//! What every command on a database shares, worked out once from the global options: which
//! database, whether it is the demo, who is running kaohe and in which language; and the ways a
//! command opens that database. Who is reviewing is settled against the open database
//! ([`Context::identity`]), since its registry of reviewers has the last word.

use super::GlobalArgs;
use super::error::Internal;
use super::identity::{Identity, checked_name};
use super::paths;
use crate::catalog::{self, Catalog};
use crate::formats::import;
use crate::host::Account;
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::County;
use crate::store::{Reviewer, Seed, Store};
use crate::tui::strings::Lang;
use anyhow::Result;
use std::path::PathBuf;

/// The global options, resolved and checked.
#[derive(Debug)]
pub struct Context {
    /// The database file: `--db`, else `$KAOHE_DB`, else the default (or demo) database in the
    /// data directory.
    pub db: PathBuf,
    /// `--demo`: a database made now gets the demo submissions.
    pub demo: bool,
    /// The OS account running kaohe (the real uid).
    pub account: Account,
    /// `--reviewer`, checked: the name recorded where the database has no registry.
    pub given_name: Option<String>,
    pub lang: Lang,
}

impl Context {
    /// The reviewer is checked first, then the database is found.
    pub fn new(global: &GlobalArgs) -> Result<Context> {
        let given_name = global
            .reviewer
            .as_deref()
            .map(|name| checked_name("--reviewer", name))
            .transpose()?;
        let db = paths::database(global.db.clone(), global.demo)?;
        Ok(Context {
            db,
            demo: global.demo,
            account: Account::current(),
            given_name,
            lang: global.lang,
        })
    }

    /// The reviewer the command line names: `--reviewer`, else the login name, with the OS
    /// account. What a database without a registry records, and so what a new one is made by.
    pub fn named_reviewer(&self) -> Reviewer {
        Reviewer {
            name: self
                .given_name
                .clone()
                .unwrap_or_else(|| self.account.name.clone()),
            account: self.account.name.clone(),
        }
    }

    /// Who this account is on `store`: with a registry, its registered name (and whether it
    /// may change anything); a `--reviewer` that is not that name is refused.
    pub fn identity(&self, store: &Store) -> Result<Identity> {
        Identity::resolve(store, &self.account, self.given_name.as_deref())
    }

    /// The reviewer to change `store` as, or the one line saying this account may not.
    pub fn writer(&self, store: &Store) -> Result<Reviewer> {
        self.identity(store)?.writer()
    }

    /// Opens the database, creating it from the embedded set when it does not exist yet.
    pub fn open(&self) -> Result<Store> {
        Store::open_or_create(
            &self.db,
            || {
                paths::prepare_default_dir(&self.db)?;
                self.embedded_seed()
            },
            &self.named_reviewer(),
        )
    }

    /// Checks a command against the database's names before anything is written, then opens it.
    /// A database that does not exist yet is checked against the seed it would be made from, so
    /// a refused command never leaves a new database behind.
    pub fn check_then_open<T>(
        &self,
        check: impl FnOnce(&Lookup) -> Result<T>,
    ) -> Result<(Store, T)> {
        if Store::would_create(&self.db)? {
            let seed = self.embedded_seed()?;
            let checked = check(&Lookup::from_parts(&seed.catalog, &seed.counties))?;
            paths::prepare_default_dir(&self.db)?;
            let store = Store::open_or_create(&self.db, || Ok(seed), &self.named_reviewer())?;
            Ok((store, checked))
        } else {
            let store = Store::open(&self.db)?;
            let checked = check(&store.lookup()?)?;
            Ok((store, checked))
        }
    }

    /// The embedded 2014 set, as a new database gets it (with the demo submissions under
    /// `--demo`). kaohe carries it: if it is refused, that is kaohe's fault.
    pub fn embedded_seed(&self) -> Result<Seed> {
        let seed = || self.seed(Catalog::embedded_2014()?, catalog::embedded_counties()?);
        Ok(seed().map_err(Internal::from)?)
    }

    /// What a new database is made from: these targets and counties, with the demo
    /// submissions under `--demo`.
    pub fn seed(&self, catalog: Catalog, counties: Vec<County>) -> Result<Seed> {
        let submissions = if self.demo {
            Some(demo_submissions(&catalog, &counties)?)
        } else {
            None
        };
        Ok(Seed {
            catalog,
            counties,
            submissions,
        })
    }
}

/// The embedded demo submissions, read against the targets and counties of the database they
/// go into, and the name they are reported by.
fn demo_submissions(
    catalog: &Catalog,
    counties: &[County],
) -> Result<(Vec<SubmissionRow>, String)> {
    let name = format!("<embedded> {}", catalog::DEMO_SUBMISSIONS_2014_PATH);
    let lookup = Lookup::from_parts(catalog, counties);
    let rows = import::parse_csv(catalog::DEMO_SUBMISSIONS_2014, &name, &lookup)?;
    Ok((rows, name))
}
