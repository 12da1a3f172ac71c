//! What every command on a database shares, worked out once from the global options and the
//! settings files: which database (and why), whether it is the demo, who is running kaohe and in
//! which language; and the ways a command opens that database. Every opening goes through here,
//! so that in the guarded set-up it is the one thing done with kaohe's group. Who is reviewing is
//! settled against the open database ([`Context::identity`]), since its registry of reviewers
//! has the last word.

use super::GlobalArgs;
use super::error::Internal;
use super::identity::{Identity, checked_name};
use super::paths::{self, DbSource};
use crate::catalog::{self, Catalog};
use crate::config;
use crate::formats::import;
use crate::host::Account;
use crate::host::privilege::{self, with_kaohe_group};
use crate::lookup::{Lookup, SubmissionRow};
use crate::model::County;
use crate::store::shared::shell_word;
use crate::store::{Access, Reviewer, Seed, Store, StoreError};
use crate::tui::strings::Lang;
use anyhow::{Result, bail};
use std::path::PathBuf;

/// The global options, resolved and checked.
#[derive(Debug)]
pub struct Context {
    /// The database file: `--db`, else `$KAOHE_DB`, else a config's `db`, else the default (or
    /// demo) database in the data directory (see [`paths::database`]).
    pub db: PathBuf,
    /// Where the database's name came from.
    pub db_from: DbSource,
    /// `--demo`: a database made now gets the demo submissions.
    pub demo: bool,
    /// The OS account running kaohe (the real uid).
    pub account: Account,
    /// `--reviewer` (else the user's config's `reviewer`), checked: the name recorded where the
    /// database has no registry.
    pub given_name: Option<String>,
    pub lang: Lang,
    /// The settings files, read and checked (the workspace takes its settings from them).
    pub configs: config::Loaded,
}

impl Context {
    /// The configs are read first (a bad one is refused before anything else), then the
    /// reviewer is checked, then the database is found.
    pub fn new(global: &GlobalArgs) -> Result<Context> {
        let configs = config::load(global.config.as_deref())?;
        // A refused name says where it was given: the flag, or the user's config.
        let in_config = configs
            .user
            .as_ref()
            .map(|p| format!("reviewer in {}", p.display()));
        let given_name = match (&global.reviewer, &configs.config.reviewer) {
            (Some(name), _) => Some(checked_name("--reviewer", name)?),
            (None, Some(name)) => Some(checked_name(
                in_config.as_deref().unwrap_or("reviewer in your config"),
                name,
            )?),
            (None, None) => None,
        };
        let (db, db_from) = paths::database(paths::Naming {
            flag: global.db.clone(),
            env: std::env::var_os("KAOHE_DB"),
            config: &configs.config,
            demo: global.demo,
            guarded: privilege::guarded(),
        })?;
        Ok(Context {
            db,
            db_from,
            demo: global.demo,
            account: Account::current(),
            given_name,
            lang: global.lang,
            configs,
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

    /// The reviewer to change `store` as, or the one line saying this account may not (not in
    /// its registry, or the database is read-only to it).
    pub fn writer(&self, store: &Store) -> Result<Reviewer> {
        self.refuse_read_only(store)?;
        self.identity(store)?.writer()
    }

    /// Refuses a database a config names that is not there: it is the team's, and is never
    /// replaced by a new, empty one (only `kaohe init` makes it).
    fn check_named_exists(&self) -> Result<()> {
        let Some(named) = self.db_from.config() else {
            return Ok(());
        };
        let missing = with_kaohe_group(|| {
            Ok(matches!(
                std::fs::metadata(&self.db),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound
            ))
        })?;
        if !missing {
            return Ok(());
        }
        let create = match privilege::guarded() {
            Some(_) => "an administrator creates it with `kaohe init --shared GROUP`".to_string(),
            None => format!(
                "create it with `kaohe init --shared GROUP --db {}`",
                self.db.display()
            ),
        };
        bail!(
            "database {}, named in {}, does not exist: {create}",
            self.db.display(),
            named.file()
        )
    }

    /// Opens the database, creating it from the embedded set when it does not exist yet.
    pub fn open(&self) -> Result<Store> {
        Ok(self.open_telling()?.0)
    }

    /// [`Context::open`], and whether this run created the database.
    pub fn open_telling(&self) -> Result<(Store, bool)> {
        self.check_named_exists()?;
        with_kaohe_group(|| {
            let created = Store::would_create(&self.db)?;
            let store = Store::open_or_create(
                &self.db,
                || {
                    // Only ever the user's own data directory: a guarded kaohe's database is
                    // never the default.
                    paths::prepare_default_dir(&self.db)?;
                    self.embedded_seed()
                },
                &self.named_reviewer(),
            )?;
            Ok((store, created))
        })
    }

    /// Opens the database, which must exist: a command that only reads never creates one (a
    /// mistyped `--db` would otherwise leave an empty assessment behind, and report on it).
    pub fn open_existing(&self) -> Result<Store> {
        self.check_named_exists()?;
        let missing = with_kaohe_group(|| {
            Ok(matches!(
                std::fs::symlink_metadata(&self.db),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound
            ))
        })?;
        if missing {
            bail!(
                "database {} does not exist, and a command that only reads creates none: {}",
                self.db.display(),
                self.how_to_create()
            );
        }
        with_kaohe_group(|| Store::open(&self.db))
    }

    /// The command that creates the database this context names.
    fn how_to_create(&self) -> String {
        let demo = if self.demo { " --demo" } else { "" };
        match self.db_from {
            DbSource::Flag => format!(
                "`kaohe init{demo} --db {}` creates it",
                shell_word(&self.db.display().to_string())
            ),
            DbSource::Demo => {
                "`kaohe init --demo` creates it (or open the workspace: `kaohe --demo`)".to_string()
            }
            _ => format!("`kaohe init{demo}` creates it"),
        }
    }

    /// Refuses, in one line, a database this account may only read, before anything is done
    /// for a change to it.
    pub fn refuse_read_only(&self, store: &Store) -> Result<()> {
        if store.read_only() {
            return Err(StoreError::ReadOnly {
                path: self.db_shown(),
            }
            .into());
        }
        Ok(())
    }

    /// Whether using the database would create it. A database a config names that is missing
    /// is refused here rather than answered.
    pub fn would_create(&self) -> Result<bool> {
        self.check_named_exists()?;
        with_kaohe_group(|| Store::would_create(&self.db))
    }

    /// Creates the database from `seed` (`kaohe init`), which must not exist yet.
    /// `access`: private, or shared with a group (`init --shared`).
    pub fn create<S: std::borrow::Borrow<Seed>>(
        &self,
        seed: impl FnOnce() -> Result<S>,
        access: Access,
    ) -> Result<Store> {
        with_kaohe_group(|| {
            Store::create_with_access(&self.db, seed, &self.named_reviewer(), access)
        })
    }

    /// Whether the database is shared: its file grants its group read and write. (A database
    /// that cannot be looked at is not said to be shared.)
    pub fn is_shared(&self) -> bool {
        use std::os::unix::fs::PermissionsExt;
        with_kaohe_group(|| Ok(std::fs::metadata(&self.db)?))
            .is_ok_and(|m| m.permissions().mode() & 0o060 == 0o060)
    }

    /// The database's path as a whole path, to be shown.
    pub fn db_shown(&self) -> PathBuf {
        std::path::absolute(&self.db).unwrap_or_else(|_| self.db.clone())
    }

    /// Checks a command that changes the database against its names before anything is
    /// written, then opens it. A database that does not exist yet is checked against the seed
    /// it would be made from, so a refused command never leaves a new database behind; one this
    /// account may only read is refused before the check's work. The check runs as the user (it
    /// may look at the user's files); only the opening takes kaohe's group.
    pub fn check_then_open<T>(
        &self,
        check: impl FnOnce(&Lookup) -> Result<T>,
    ) -> Result<(Store, T)> {
        if self.would_create()? {
            let seed = self.embedded_seed()?;
            let checked = check(&Lookup::from_parts(&seed.catalog, &seed.counties))?;
            paths::prepare_default_dir(&self.db)?;
            let store = with_kaohe_group(|| {
                Store::open_or_create(&self.db, || Ok(seed), &self.named_reviewer())
            })?;
            Ok((store, checked))
        } else {
            let store = self.open_to_write()?;
            let checked = check(&store.lookup()?)?;
            Ok((store, checked))
        }
    }

    /// Opens the database, which exists, to change it: refused where this account may only
    /// read it.
    pub fn open_to_write(&self) -> Result<Store> {
        let store = with_kaohe_group(|| Store::open(&self.db))?;
        self.refuse_read_only(&store)?;
        Ok(store)
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
