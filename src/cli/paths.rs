//! Where the database lives by default, and who is reviewing.

use anyhow::{Context, Result, anyhow};
use std::path::PathBuf;

/// `kaohe` under the user's data directory (`$XDG_DATA_HOME/kaohe`, `~/.local/share/kaohe`).
pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("kaohe"))
        .ok_or_else(|| anyhow!("cannot find your data directory; give --db PATH or set KAOHE_DB"))
}

/// The database to use: `--db`, else `$KAOHE_DB` (both arrive here as `given`), else the
/// default (or demo) database in the data directory.
pub fn database(given: Option<PathBuf>, demo: bool) -> Result<PathBuf> {
    if let Some(path) = given.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(path);
    }
    Ok(data_dir()?.join(if demo { "kaohe-demo.db" } else { "kaohe.db" }))
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
