//! Which database is used and why (the command line, the environment, the configs, the data
//! directory), and who is reviewing.

use crate::config::{Config, Layer, NamedDb};
use crate::host::privilege;
use anyhow::{Context, Result, anyhow, bail};
use std::ffi::OsString;
use std::path::PathBuf;

/// `kaohe` under the user's data directory (`$XDG_DATA_HOME/kaohe`, `~/.local/share/kaohe`).
pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("kaohe"))
        .ok_or_else(|| anyhow!("cannot find your data directory; give --db PATH or set KAOHE_DB"))
}

/// Where the database's name came from: said by `kaohe config`, `kaohe doctor`, and any
/// message about a database that is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    /// `--db PATH`.
    Flag,
    /// `$KAOHE_DB`.
    Env,
    /// `db =` in a settings file (the system's or the reviewer's).
    Config(NamedDb),
    /// The demo database in the data directory (`--demo`).
    Demo,
    /// The default database in the data directory: the reviewer's own.
    Default,
}

impl DbSource {
    /// The config that named the database, if one did.
    pub fn config(&self) -> Option<&NamedDb> {
        match self {
            DbSource::Config(named) => Some(named),
            _ => None,
        }
    }
}

impl std::fmt::Display for DbSource {
    /// "from --db", "from /etc/kaohe/config.toml" …: how a message says where it came from.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbSource::Flag => write!(f, "from --db"),
            DbSource::Env => write!(f, "from KAOHE_DB"),
            DbSource::Config(named) => write!(f, "from {}", named.file()),
            DbSource::Demo => write!(f, "the demo database in your data directory"),
            DbSource::Default => write!(f, "the default in your data directory"),
        }
    }
}

/// What names the database: the command line, the environment and the configs.
pub struct Naming<'a> {
    /// `--db`.
    pub flag: Option<PathBuf>,
    /// `$KAOHE_DB`.
    pub env: Option<OsString>,
    /// The configs, layered (the reviewer's `db` over the system's).
    pub config: &'a Config,
    pub demo: bool,
    /// The group kaohe is installed setgid to, in the guarded set-up.
    pub guarded: Option<u32>,
}

/// The database to use, and why: `--db`, else `$KAOHE_DB`, else (under `--demo`) the demo
/// database, else the reviewer's config's `db`, else the system config's, else the default in
/// the data directory. An empty `--db` or `KAOHE_DB` counts as not given.
///
/// In the guarded set-up only the trusted system config may name it: `--db`, `KAOHE_DB`,
/// `--demo` and a reviewer's `db` are refused, saying where the database comes from.
pub fn database(naming: Naming<'_>) -> Result<(PathBuf, DbSource)> {
    let flag = naming.flag.filter(|p| !p.as_os_str().is_empty());
    let env = naming.env.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(kaohe) = naming.guarded {
        return guarded_database(flag, env, naming.config, naming.demo, kaohe);
    }
    if let Some(path) = flag {
        return Ok((path, DbSource::Flag));
    }
    if let Some(path) = env {
        return Ok((path, DbSource::Env));
    }
    if naming.demo {
        return Ok((data_dir()?.join("kaohe-demo.db"), DbSource::Demo));
    }
    if let Some(named) = &naming.config.db {
        return Ok((named.path.clone(), DbSource::Config(named.clone())));
    }
    Ok((data_dir()?.join("kaohe.db"), DbSource::Default))
}

fn guarded_database(
    flag: Option<PathBuf>,
    env: Option<PathBuf>,
    config: &Config,
    demo: bool,
    kaohe: u32,
) -> Result<(PathBuf, DbSource)> {
    let trusted = privilege::trusted_config_path()?;
    let comes_from = || {
        format!(
            "{}: its database is the one named in {}",
            privilege::describe(kaohe),
            trusted.display()
        )
    };
    let refused = |what: &str| -> Result<(PathBuf, DbSource)> {
        bail!("{what} is not taken here: {}", comes_from())
    };
    if flag.is_some() {
        return refused("--db");
    }
    if env.is_some() {
        return refused("KAOHE_DB");
    }
    if demo {
        return refused("--demo");
    }
    match &config.db {
        Some(named) if named.layer == Layer::System => {
            Ok((named.path.clone(), DbSource::Config(named.clone())))
        }
        Some(named) => bail!(
            "{}: db is not taken from your config: {}",
            named.at,
            comes_from()
        ),
        None => bail!(
            "{} takes its database only from db = in {}, which {}: an administrator sets it up",
            privilege::describe(kaohe),
            trusted.display(),
            if trusted.exists() {
                "names none"
            } else {
                "does not exist"
            }
        ),
    }
}

/// Makes the data directory (private to the user) when a database is about to be created in
/// it; a database the user placed elsewhere must have its directory already.
pub fn prepare_default_dir(db: &std::path::Path) -> Result<()> {
    match (db.parent(), data_dir()) {
        (Some(parent), Ok(dir)) if parent == dir && !dir.is_dir() => create_private_dir(&dir),
        _ => Ok(()),
    }
}

fn create_private_dir(dir: &std::path::Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))
}

/// The OS account running kaohe (its real uid, never `$USER`): always recorded beside the
/// reviewer's chosen name.
pub fn account() -> String {
    crate::host::Account::current().name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    fn named(path: &str, layer: Layer) -> NamedDb {
        NamedDb {
            path: PathBuf::from(path),
            layer,
            at: Location::at_offset(
                match layer {
                    Layer::System => "/etc/kaohe/config.toml",
                    Layer::User => "/home/a/.config/kaohe/config.toml",
                },
                "db = \"x\"\n",
                0,
            ),
        }
    }

    fn resolve(
        flag: Option<&str>,
        env: Option<&str>,
        db: Option<NamedDb>,
        demo: bool,
        guarded: Option<u32>,
    ) -> Result<(PathBuf, DbSource)> {
        let config = Config {
            db,
            ..Config::default()
        };
        database(Naming {
            flag: flag.map(PathBuf::from),
            env: env.map(OsString::from),
            config: &config,
            demo,
            guarded,
        })
    }

    #[test]
    fn the_flag_beats_the_variable_beats_the_configs_beat_the_default() {
        let system = || Some(named("/srv/kaohe.db", Layer::System));
        let (db, from) = resolve(Some("f.db"), Some("e.db"), system(), false, None).unwrap();
        assert_eq!((db, from), (PathBuf::from("f.db"), DbSource::Flag));
        let (db, from) = resolve(None, Some("e.db"), system(), false, None).unwrap();
        assert_eq!((db, from), (PathBuf::from("e.db"), DbSource::Env));
        // Empty counts as not given.
        let (db, from) = resolve(Some(""), Some(""), system(), false, None).unwrap();
        assert_eq!(db, PathBuf::from("/srv/kaohe.db"));
        assert_eq!(from.to_string(), "from /etc/kaohe/config.toml");
        let (db, from) = resolve(None, None, None, false, None).unwrap();
        assert_eq!(db, data_dir().unwrap().join("kaohe.db"));
        assert_eq!(from, DbSource::Default);
        // The demo keeps its own database whatever the configs say.
        let (db, from) = resolve(None, None, system(), true, None).unwrap();
        assert_eq!(db, data_dir().unwrap().join("kaohe-demo.db"));
        assert_eq!(from, DbSource::Demo);
    }

    #[test]
    fn guarded_the_database_comes_only_from_the_system_config() {
        let system = || Some(named("/srv/kaohe.db", Layer::System));
        let (db, from) = resolve(None, None, system(), false, Some(4343)).unwrap();
        assert_eq!(db, PathBuf::from("/srv/kaohe.db"));
        assert!(from.config().is_some());
        let trusted = privilege::trusted_config_path().unwrap();
        for (flag, env, demo, what) in [
            (Some("f.db"), None, false, "--db"),
            (None, Some("e.db"), false, "KAOHE_DB"),
            (None, None, true, "--demo"),
        ] {
            let e = resolve(flag, env, system(), demo, Some(4343))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!("{what} is not taken here: this kaohe runs setgid")),
                "{e}"
            );
            assert!(e.contains(&trusted.display().to_string()), "{e}");
        }
        let e = resolve(
            None,
            None,
            Some(named("/tmp/mine.db", Layer::User)),
            false,
            Some(4343),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "/home/a/.config/kaohe/config.toml:1:1: db is not taken from your config"
            ),
            "{e}"
        );
        let e = resolve(None, None, None, false, Some(4343))
            .unwrap_err()
            .to_string();
        assert!(e.contains("takes its database only from db = in"), "{e}");
    }
}
