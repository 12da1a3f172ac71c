//! What every command on a database shares, worked out once from the global options: which
//! database, whether it is the demo, who is reviewing and in which language; and the ways a
//! command opens that database.

use super::GlobalArgs;
use super::error::Internal;
use super::paths;
use crate::catalog::{self, Catalog};
use crate::formats::import;
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::County;
use crate::store::{Reviewer, Seed, Store};
use crate::text::check_name;
use crate::tui::strings::Lang;
use anyhow::{Result, bail};
use std::path::PathBuf;

/// The global options, resolved and checked.
#[derive(Debug)]
pub struct Context {
    /// The database file: `--db`, else `$KAOHE_DB`, else the default (or demo) database in the
    /// data directory.
    pub db: PathBuf,
    /// `--demo`: a database made now gets the demo submissions.
    pub demo: bool,
    pub reviewer: Reviewer,
    pub lang: Lang,
}

impl Context {
    /// The reviewer is checked first, then the database is found.
    pub fn new(global: &GlobalArgs) -> Result<Context> {
        let reviewer = reviewer(global.reviewer.as_deref())?;
        let db = paths::database(global.db.clone(), global.demo)?;
        Ok(Context {
            db,
            demo: global.demo,
            reviewer,
            lang: global.lang,
        })
    }

    /// Opens the database, creating it from the embedded set when it does not exist yet.
    pub fn open(&self) -> Result<Store> {
        Store::open_or_create(
            &self.db,
            || {
                paths::prepare_default_dir(&self.db)?;
                self.embedded_seed()
            },
            &self.reviewer,
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
            let store = Store::open_or_create(&self.db, || Ok(seed), &self.reviewer)?;
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

/// `--reviewer` checked, else the login name; the OS account is recorded beside it either way.
fn reviewer(given: Option<&str>) -> Result<Reviewer> {
    let account = paths::account();
    let name = match given {
        Some(name) => {
            let name = name.trim();
            if name.is_empty() {
                bail!("--reviewer is empty: give the name to record with your reviews");
            }
            check_name("--reviewer", name).map_err(anyhow::Error::msg)?;
            if name.chars().count() > 64 {
                bail!("--reviewer is longer than 64 characters");
            }
            name.to_string()
        }
        None => account.clone(),
    };
    Ok(Reviewer { name, account })
}
